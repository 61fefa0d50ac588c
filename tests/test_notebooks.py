"""The notebooks: committed without outputs, parameterised, and executed end to end by
``reportkit.run.run`` (papermill) on the five seeds in a temporary folder."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import openpyxl
import pytest
import yaml
from conftest import ROOT

from reportkit import run as pipeline

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAMETERS = {"processed_dir", "years", "agencies", "output_dir", "formats", "dpi", "lang"}


def test_the_notebooks_exist() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert {"01_outcomes.ipynb", "02_review_litigation.ipynb",
            "03_data_quality.ipynb", "04_assessment.ipynb"} <= set(names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} was run"
    assert "papermill" not in nb["metadata"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_a_parameters_cell(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    names = {t.id for node in ast.parse(tagged[0].source).body
             if isinstance(node, ast.Assign) for t in node.targets}
    assert PARAMETERS <= names


@pytest.fixture(scope="module")
def run(tmp_path_factory, raw_dir):
    """One ``reportkit run`` over the seeds: ingest, then every notebook (02 in English)."""
    tmp = tmp_path_factory.mktemp("run")
    config = {
        "inputs": {"raw": str(raw_dir), "processed": str(tmp / "processed")},
        "outputs": {"notebooks": str(tmp / "notebooks"), "figures": str(tmp / "figures")},
        "notebooks_dir": str(ROOT / "notebooks"),
        "notebooks": [str(p) if p.name != "02_review_litigation.ipynb"
                      else {"path": str(p), "parameters": {"lang": "en", "top_n": 3}}
                      for p in NOTEBOOKS],
    }
    path = tmp / "config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    code = pipeline.run(str(path))
    return code, tmp


def test_run_executes_every_notebook_without_error(run, capsys) -> None:
    code, tmp = run
    assert code == 0
    book = openpyxl.load_workbook(tmp / "reportkit.xlsx", read_only=True)  # beside figures/
    assert book["values"].max_row == 2 + 5  # the workbook for Excel: one row per seed
    book.close()
    executed = sorted((tmp / "notebooks").glob("*.ipynb"))
    assert [p.name for p in executed] == [p.name for p in NOTEBOOKS]
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", f"{path.name}: {out.get('evalue')}"
                text = out.get("text", "") if out["output_type"] == "stream" else ""
                assert "missing from font" not in text and "Glyph" not in text, text
        assert "injected-parameters" in {t for c in nb.cells
                                         for t in c.get("metadata", {}).get("tags", [])}
        images = [o for c in nb.cells for o in c.get("outputs", [])
                  if "image/png" in o.get("data", {})]
        # the seeds hold no body in two years: no trend chart (like for like only)
        wanted = {"01_outcomes.ipynb": 4, "02_review_litigation.ipynb": 2,
                  "04_assessment.ipynb": 3}.get(path.name, 0)
        assert len(images) == wanted, f"{path.name}: {len(images)} charts shown"


def test_run_writes_every_chart_in_every_format(run) -> None:
    _, tmp = run
    figures = tmp / "figures"
    names = {p.stem for p in figures.glob("*.png")}
    assert {n for n in names if "outcome" in n} >= {
        "outcome_frequencies", "outcome_group_frequencies", "outcome_composition_by_agency",
        "outcome_not_held_share_by_agency"}
    assert {n for n in names if "review" in n or "litigation" in n} >= {
        "review_litigation_rates_by_agency", "review_litigation_correction_rates_by_agency"}
    assert not {n for n in names if "trends" in n}  # no body reports in both years
    assert {n for n in names if "funnel" in n} == {
        "funnel_not_held_rate", "funnel_disclosure_rate", "funnel_review_correction_rate"}
    for name in names:
        for suffix in (".svg", ".pdf", ".csv"):
            assert (figures / f"{name}{suffix}").stat().st_size > 0
    for name in ("quality_status", "quality_reports", "quality_failed_checks",
                 "quality_blank_cells", "quality_copied_reports"):
        assert (figures / f"{name}.csv").is_file()
    assert (tmp / "processed" / "values.parquet").is_file()


def test_the_assessment_notebook_writes_metrics_and_shows_the_findings(run) -> None:
    _, tmp = run
    import pandas as pd

    by_agency = pd.read_csv(tmp / "figures" / "metrics_by_agency.csv", encoding="utf-8-sig")
    row = by_agency[(by_agency["agency_short"] == "密云区")
                    & (by_agency["metric"] == "review_correction_rate")].iloc[0]
    assert (row["numerator"], row["denominator"]) == (4, 12)  # 纠正4 of 15 − 3 pending
    assert (tmp / "figures" / "metrics_by_year.csv").is_file()
    nb = nbformat.read(tmp / "notebooks" / "04_assessment.ipynb", as_version=4)
    shown = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
                    for c in nb.cells for o in c.get("outputs", []))
    assert "其余1件尚在审理中" in shown  # seed 002's prose against its 3 pending lawsuits


def test_run_injects_the_parameters(run) -> None:
    _, tmp = run
    rates = (tmp / "figures" / "review_litigation_rates_by_agency.csv").read_text("utf-8-sig")
    assert "All agencies" in rates  # lang: en for notebook 02
    assert "2 other agencies" in rates  # top_n: 3 of the five seed agencies


def test_a_failing_notebook_is_named_with_its_cell(run, tmp_path, capsys) -> None:
    _, done = run
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('processed_dir = "x"\noutput_dir = "y"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# broken"), params,
                nbformat.v4.new_code_cell("total = 1"),
                nbformat.v4.new_code_cell("share = total / 0")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    config = {"ingest": False,
              "inputs": {"raw": str(tmp_path), "processed": str(done / "processed")},
              "outputs": {"notebooks": str(tmp_path / "out"), "figures": str(tmp_path / "f")},
              "notebooks": [str(broken)]}
    path = tmp_path / "config.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    capsys.readouterr()
    assert pipeline.run(str(path)) == 1
    said = capsys.readouterr()
    text = said.out + said.err
    assert "broken.ipynb failed in cell 4" in text
    assert "share = total / 0" in text and "ZeroDivisionError" in text


@pytest.mark.parametrize(("content", "message"), [
    ("outputs: {figurez: x}\n", "unknown key 'outputs.figurez'"),
    ("notebooks: [nowhere.ipynb]\n", "no such notebook"),
    ("parameters: {output_dir: x}\nnotebooks_dir: .\n", "come from inputs/outputs"),
    ("- a list\n", "must be a mapping"),
])
def test_a_bad_config_exits_2(tmp_path, capsys, content, message) -> None:
    (tmp_path / "a.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    path = tmp_path / "config.yml"
    path.write_text(content, encoding="utf-8")
    assert pipeline.run(str(path)) == 2
    assert message in capsys.readouterr().err


def test_the_example_config_is_valid() -> None:
    config, base = pipeline.read_config(ROOT / "configs" / "example.yml")
    steps = pipeline.plan(config, base)
    assert base == ROOT
    assert [j.source.name for j in steps.jobs] == [p.name for p in NOTEBOOKS]
    assert steps.jobs[0].parameters["top_n"] == 20
    assert steps.jobs[0].parameters["output_dir"] == str(ROOT / "outputs" / "figures")


def test_notebooks_run_with_their_defaults_on_a_fresh_clone(tmp_path, raw_dir) -> None:
    """As in JupyterLab on a fresh clone: from notebooks/, no parameters, nothing ingested
    yet (the notebook ingests ../data/raw into ../data/processed itself)."""
    import shutil

    import papermill as pm

    shutil.copytree(raw_dir, tmp_path / "data" / "raw")
    (tmp_path / "data" / "processed").mkdir()  # in git, as data/processed/.gitkeep
    (tmp_path / "data" / "processed" / ".gitkeep").write_bytes(b"")
    (tmp_path / "notebooks").mkdir()
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / "notebooks" / path.name)
        pm.execute_notebook(str(tmp_path / "notebooks" / path.name),
                            str(tmp_path / f"executed_{path.name}"), kernel_name="python3",
                            cwd=str(tmp_path / "notebooks"), progress_bar=False,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    assert (tmp_path / "data" / "processed" / "values.parquet").is_file()
    figures = tmp_path / "outputs" / "figures"
    for name in ("outcome_frequencies", "review_litigation_rates_by_agency"):
        assert all((figures / f"{name}.{s}").is_file() for s in ("png", "svg", "pdf", "csv"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_what_it_shows_and_how_to_change_it(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert "**What it shows**" in first.source and "cell tagged `parameters`" in first.source
    assert "parameters" in nb.cells[1].metadata.get("tags", [])
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert len(code) <= 14  # a few cells calling reportkit
    assert not any("matplotlib" in c or "plt." in c or "savefig" in c for c in code)


def test_notebook_tables_are_for_people(run) -> None:
    """Tables through charts.table_view: labels, whole counts, percentages, no index."""
    _, tmp = run
    nb = nbformat.read(tmp / "notebooks" / "01_outcomes.ipynb", as_version=4)
    html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells
                   for o in c.get("outputs", []))
    assert ">予以公开<" in html and ">granted<" not in html  # labels, not keys
    assert ">216<" in html and ">216.0<" not in html  # 密云区's not held, a whole number
    assert ">36.7%<" in html  # 216 / 588
    assert "row_heading" not in html
