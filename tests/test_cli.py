"""`reportkit ingest` end to end, in a temporary folder, as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from conftest import SEED_FILES

from reportkit.cli import main


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportkit.cli", *args],
                          capture_output=True, text=True, timeout=300)


def test_ingest_seeds(tmp_path: Path, raw_dir: Path) -> None:
    out = tmp_path / "processed"
    proc = _run("ingest", str(raw_dir), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "5 ok" in proc.stderr
    for name in ("values", "reports", "checks"):
        assert (out / f"{name}.parquet").is_file()
        assert (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel: BOM
    assert not list(out.glob("*.tmp"))  # no temporary files left behind
    reports = pd.read_parquet(out / "reports.parquet")
    assert list(reports.status) == ["ok"] * 5
    assert set(reports.agency_short) == {"亦庄镇", "漷县镇", "密云区", "南郊镇", "西集镇"}
    assert (reports.n_checks_failed == 0).all()
    assert reports.error.fillna("").eq("").all()
    values = pd.read_parquet(out / "values.parquet")
    assert list(values.columns[:5]) == ["report_id", "table", "row", "column", "value"]
    assert values.value.dtype == "float64"
    miyun = reports.loc[reports.agency_short == "密云区", "report_id"].item()
    cell = values[(values.report_id == miyun) & (values.row == "unavailable_not_held")
                  & (values.column == "total")]
    assert cell.value.item() == 216
    wide = pd.read_csv(out / "values.csv", encoding="utf-8-sig")  # one row per report
    assert list(wide.report_id) == list(reports.report_id)
    assert wide.set_index("report_id").loc[miyun, "requests.unavailable_not_held.total"] == 216
    assert not (out / "values_long.csv").exists()  # only on request (--long-csv)


def test_folder_of_copies(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for f in SEED_FILES:
        shutil.copy(f, src / f.name)
    shutil.copy(SEED_FILES[2], src / "sub" / "copy-of-miyun.txt")
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    code = main(["ingest", str(src), "--out", str(out), "--quiet"])
    assert code == 1  # one file failed; the others were still written
    reports = pd.read_parquet(out / "reports.parquet").set_index("source_path")
    assert len(reports) == 7  # every input file has its row
    dup = reports.loc[str(src / "sub" / "copy-of-miyun.txt")]
    assert dup.status == "duplicate" and SEED_FILES[2].name in dup.error
    empty = reports.loc[str(src / "empty.txt")]
    assert empty.status == "failed" and "empty" in empty.error
    assert (reports.status == "ok").sum() == 5
    assert reports.report_id.is_unique


def test_usage_errors(tmp_path: Path) -> None:
    assert _run("ingest", str(tmp_path / "nowhere"), "--out", str(tmp_path)).returncode == 2
    assert _run("ingest").returncode == 2
    assert _run("frobnicate").returncode == 2


def test_manifest_overrides_text(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED_FILES[4], src / "xiji.txt")
    (src / "manifest.csv").write_text(
        "file,agency,agency_short,region,year\nxiji.txt,北京市通州区西集镇人民政府,西集,通州区,2021\n",
        encoding="utf-8")
    corpus = main(["ingest", str(src), "--out", str(tmp_path / "out"), "--quiet"])
    assert corpus == 0
    reports = pd.read_parquet(tmp_path / "out" / "reports.parquet")
    assert len(reports) == 1  # the manifest is not a report
    row = reports.iloc[0]
    assert (row.agency, row.agency_short, row.region, row.year) == (
        "北京市通州区西集镇人民政府", "西集", "通州区", 2021)


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2_000_000)
    code = main(["ingest", str(big), "--out", str(tmp_path / "o"), "--max-size-mb", "1",
                 "--quiet"])
    assert code == 1
    row = pd.read_parquet(tmp_path / "o" / "reports.parquet").iloc[0]
    assert row.status == "failed" and "limit" in row.error


def test_the_brief_help_lists_the_charts_and_ingest_imports_no_plotting() -> None:
    proc = _run("brief", "--help")
    assert proc.returncode == 0 and "funnel_not_held_rate" in proc.stdout
    assert "{charts}" not in proc.stdout
    probe = ("import sys; from reportkit.cli import _parser; _parser(); "
             "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def test_parallel_notebooks_setting(tmp_path: Path) -> None:
    """`parallel` in a run's config: a whole number of notebooks at once, never more than
    there are notebooks; anything else stops the run before it starts (exit 2)."""
    import pytest

    from reportkit.config import ConfigError
    from reportkit.run import MAX_PARALLEL, _parallel

    assert _parallel(3, 4) == 3
    assert _parallel(8, 4) == 4
    assert 1 <= _parallel(None, 4) <= MAX_PARALLEL
    assert _parallel(None, 1) == 1
    for bad in (0, -1, "2", 1.5, True):
        with pytest.raises(ConfigError):
            _parallel(bad, 4)
    config = tmp_path / "run.yml"
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    config.write_text(f"parallel: 0\ningest: false\nnotebooks_dir: '{notebooks}'\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reportkit.cli", "run", "--config",
                           str(config), "--quiet"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "'parallel' must be a whole number" in done.stderr
