"""One selection model (agencies, years, level) for the command line, the config, the
notebooks and the briefing; the command line's help; input folders as people keep them
(pictures, spreadsheets and archives beside the reports are `skipped`, not failures).

Agency names and years are those printed on the five seed reports (data/raw): 北京市密云区
人民政府 2021, 北京市大兴区亦庄镇人民政府 2021, 北京市通州区漷县镇 2019, 南郊镇 2021,
西集镇人民政府 2021.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from conftest import SEED_FILES

import reportkit
from reportkit import analysis, charts
from reportkit.analysis.selection import Selection, SelectionError, closest_names
from reportkit.cli import main
from reportkit.extract.parse import parse_bytes

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    """The seeds' reports frame."""
    return reportkit.ingest([SEED_FILES[0].parent], progress=False).reports


# --- the model ---------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "years"), [
    (2021, (2021,)), ("2021", (2021,)), ("[2021]", (2021,)), ([2020, "2021"], (2020, 2021)),
    ("2020,2021", (2020, 2021)), ("2020，2021", (2020, 2021)), ("2019-2021", (2019, 2020, 2021)),
    (None, ()), ("", ()), ([], ()),
])
def test_years_are_read_however_they_were_typed(typed: object, years: tuple) -> None:
    assert Selection.of(years=typed).years == years


@pytest.mark.parametrize("typed", ["二〇二一", "21", "2021a", "last year"])
def test_a_year_that_is_not_one_is_refused(typed: str) -> None:
    with pytest.raises(SelectionError, match="not a year"):
        Selection.of(years=typed)


def test_names_and_levels() -> None:
    sel = Selection.of(agencies="密云区，西集镇", level="County")
    assert sel.agencies == ("密云区", "西集镇") and sel.levels == ("county",)
    assert Selection.of(agencies='["密云区", "西集镇"]').agencies == ("密云区", "西集镇")
    with pytest.raises(SelectionError, match="province, city, county, township"):
        Selection.of(level="district")


@pytest.mark.parametrize(("sel", "slug"), [
    (Selection.of(), ""),
    (Selection.of("密云区", 2021), "密云区_2021"),
    (Selection.of("密云区,西集镇", "2020,2021"), "密云区+西集镇_2020+2021"),
    (Selection.of("a,b,c,d", "2019-2022", "county"), "4个机关_county_2019-2022"),
    (Selection.of("../../etc/passwd"), "etc-passwd"),
    (Selection.of(".."), "selection"),
])
def test_a_selection_names_its_own_folder(sel: Selection, slug: str) -> None:
    assert sel.slug() == slug
    assert "/" not in sel.slug() and "\\" not in sel.slug()


def test_a_name_no_report_holds_offers_the_closest(seeds: pd.DataFrame) -> None:
    with pytest.raises(SelectionError) as err:
        Selection.of("密云").check(seeds)
    assert "did you mean 密云区" in str(err.value)
    assert closest_names("西集", seeds["agency_short"])[0] == "西集镇"
    Selection.of("密云区", 2021).check(seeds)  # short name
    Selection.of("北京市密云区人民政府").check(seeds)  # full name
    with pytest.raises(SelectionError, match="2019"):  # the seed of 2019 is 漷县镇's
        Selection.of("密云区", 2019).check(seeds)
    with pytest.raises(SelectionError, match="2020: the corpus holds 2019, 2021"):
        Selection.of(years=2020).check(seeds)


def test_level_selects_the_bodies_of_that_level(seeds: pd.DataFrame) -> None:
    values = reportkit.ingest([SEED_FILES[0].parent], progress=False).values
    _, county = analysis.select(values, seeds, level="county")
    assert list(county["agency_short"]) == ["密云区"]
    _, towns = analysis.select(values, seeds, level="township", years="2021")
    assert sorted(towns["agency_short"]) == ["亦庄镇", "南郊镇", "西集镇"]
    with pytest.raises(SelectionError, match="level province"):
        Selection.of(level="province").check(seeds)


# --- the command line --------------------------------------------------------------------


def _cli(*args: str, cwd: Path | None = None, timeout: float = 300
         ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportkit.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd)


def test_version_help_and_charts() -> None:
    assert _cli("--version").stdout.strip() == f"reportkit {reportkit.__version__}"
    alone = _cli()
    assert alone.returncode == 0 and "usage: reportkit" in alone.stdout
    assert "examples:" in alone.stdout and "``" not in alone.stdout
    for command in ("ingest", "run", "brief", "charts"):
        text = _cli(command, "--help").stdout
        assert "examples:" in text, command
    listed = _cli("charts").stdout
    brief_help = _cli("brief", "--help").stdout
    for name in charts.CHARTS:
        assert name in listed and name in brief_help
    for option in ("--agencies", "--years", "--level", "--lang", "--raw", "--out", "--ignore"):
        assert option in _cli("run", "--help").stdout


def _project(tmp_path: Path) -> Path:
    """A project folder as a clone holds it: notebooks/, data/raw with the seeds."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "data").mkdir(parents=True)
    shutil.copytree(SEED_FILES[0].parent, root / "data" / "raw")
    return root


def test_run_with_an_unknown_agency_stops_at_once_offering_the_name(tmp_path: Path) -> None:
    root = _project(tmp_path)
    start = time.monotonic()
    proc = _cli("run", "--agencies", "密云", cwd=root / "notebooks")  # from a sub-folder
    assert proc.returncode == 2, proc.stderr
    assert "密云区" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("reportkit run: exit 2:")
    assert not (root / "outputs").exists()  # no notebook ran, nothing written
    assert (root / "data" / "processed" / "reports.parquet").is_file()  # paths: the root
    assert time.monotonic() - start < 120
    bad_year = _cli("run", "--years", "21", cwd=root)
    assert bad_year.returncode == 2 and "not a year" in bad_year.stderr


def test_a_filtered_run_writes_its_own_folder(tmp_path: Path) -> None:
    """One notebook (by config) for one body and year: into outputs/密云区_2021/, never
    into the all-agency outputs/figures."""
    root = _project(tmp_path)
    (root / "outputs" / "figures").mkdir(parents=True)
    keep = root / "outputs" / "figures" / "outcome_not_held_share_by_agency.png"
    keep.write_bytes(b"the all-agency chart")
    config = root / "run.yml"
    config.write_text("notebooks: [notebooks/01_outcomes.ipynb]\n"
                      "parameters: {formats: [png], dpi: 60}\n"
                      "brief: {charts: [not_held_share], dpi: 60, svg: false}\n",
                      encoding="utf-8")
    proc = _cli("run", "--config", str(config), "--agencies", "密云区", "--years", "2021",
                "--quiet", cwd=root, timeout=900)
    assert proc.returncode == 0, proc.stderr
    folder = root / "outputs" / "密云区_2021"
    assert (folder / "figures" / "outcome_not_held_share_by_agency.png").is_file()
    assert (folder / "notebooks" / "01_outcomes.ipynb").is_file()
    assert (folder / "briefing.docx").is_file()
    assert keep.read_bytes() == b"the all-agency chart"
    assert sorted(p.name for p in (root / "outputs" / "figures").iterdir()) == [keep.name]
    shown = pd.read_csv(folder / "figures" / "outcome_not_held_share_by_agency.csv",
                        encoding="utf-8-sig")
    assert "密云区" in shown.to_string() and "西集镇" not in shown.to_string()
    miyun = shown[shown["agency_short"] == "密云区"].iloc[0]
    assert (miyun["count"], miyun["total_processed"]) == (216, 588)  # as printed: 216 of 588


# --- input folders as people keep them ----------------------------------------------------


def _png() -> bytes:
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 1))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _tar_gz() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("a.txt")
        info.size = 1
        tf.addfile(info, io.BytesIO(b"x"))
    return buf.getvalue()


NOT_REPORTS = {
    "scan.png": (_png, "picture"),
    "photo.jpg": (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "picture"),
    "logo.gif": (lambda: b"GIF89a" + bytes(100), "picture"),
    "figures.xlsx": (lambda: _zip({"[Content_Types].xml": b"<Types/>",
                                   "xl/workbook.xml": b"<workbook/>"}), "spreadsheet"),
    "old.xls": (lambda: bytes.fromhex("D0CF11E0A1B11AE1") + bytes(400)
                + "Workbook".encode("utf-16-le") + bytes(400), "spreadsheet"),
    "slides.pptx": (lambda: _zip({"ppt/presentation.xml": b"<p/>"}), "slide deck"),
    "reports.zip": (lambda: _zip({"2021/a.txt": b"x"}), "unzip"),
    "reports.tar.gz": (_tar_gz, "archive"),
}


@pytest.mark.parametrize("name", list(NOT_REPORTS))
def test_plain_non_reports_are_skipped_with_a_reason(name: str) -> None:
    make, phrase = NOT_REPORTS[name]
    report = parse_bytes(make(), name)
    assert report.status == "skipped", (report.status, report.error)
    assert phrase in report.error and "\n" not in report.error


def test_a_folder_with_pictures_and_spreadsheets_ingests_with_exit_0(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for f in SEED_FILES:
        shutil.copy(f, src / f.name)
    for name, (make, _) in NOT_REPORTS.items():
        (src / name).write_bytes(make())
    assert main(["ingest", str(src), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    reports = pd.read_parquet(tmp_path / "out" / "reports.parquet")
    assert len(reports) == len(SEED_FILES) + len(NOT_REPORTS)  # every input gets a row
    assert (reports["status"] == "skipped").sum() == len(NOT_REPORTS)
    assert (reports["status"] == "ok").sum() == len(SEED_FILES)
    assert main(["ingest", str(src), "--out", str(tmp_path / "out2"), "--quiet",
                 "--ignore", "*.png", "--ignore", "*.x*"]) == 0
    kept = pd.read_parquet(tmp_path / "out2" / "reports.parquet")
    names = {Path(p).name for p in kept["source_path"]}
    assert not names & {"scan.png", "figures.xlsx", "old.xls"} and "photo.jpg" in names
