"""The workbook Excel opens (``reportkit export --xlsx``) and the wide ``values.csv``: the
seeds' figures, as a person read them off the documents, in the right report row and key
column; blanks stay blank; text never runs as a formula; a long table goes on in another
sheet."""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import SEED_FILES
from seed_figures import SEEDS

import reportkit
from reportkit import schema
from reportkit.cli import main
from reportkit.corpus import workbook
from reportkit.corpus.ingest import n_failed, summary
from reportkit.corpus.store import Corpus, StoredCorpus
from reportkit.corpus.wide import REPORT_FIELDS, WidePivot, wide_cells, wide_columns
from reportkit.schema.labels import cell_label

XIJI = "004_62a89b8f07c64ee9.txt"  # its agency is set to "=1+1" by the manifest
HULU = "001_d11106ab72934bbf.txt"  # 漷县镇: 上年结转 · 自然人 left blank


def _report_id(name: str) -> str:
    return hashlib.sha256((SEED_FILES[0].parent / name).read_bytes()).hexdigest()[:16]


def _expected(name: str) -> dict[str, float]:
    """Every cell of the seed's template, by key, as the document prints it (rows not
    listed in ``seed_figures`` hold 0, as the documents show)."""
    seed = SEEDS[name]
    out = {}
    for table in schema.TABLES:
        for row in schema.rows_for(seed["template"], table):
            figures = seed[table].get(row.key, [0] * len(row.columns))
            for column, value in zip(row.columns, figures):
                out[f"{table}.{row.key}.{column}"] = float(value)
    return out


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seeds, an empty file (failed) and a manifest giving 西集镇 formula-like
    names, ingested."""
    root = tmp_path_factory.mktemp("workbook")
    src = root / "in"
    src.mkdir()
    for f in SEED_FILES:
        shutil.copy(f, src / f.name)
    (src / "empty.txt").write_bytes(b"")
    (src / "manifest.csv").write_text(f"file,agency,agency_short\n{XIJI},=1+1,@SUM(A1)\n",
                                      encoding="utf-8")
    out = root / "processed"
    reportkit.ingest([src], out, progress=False, jobs=1)
    return out


@pytest.fixture(scope="module")
def book(processed: Path) -> Path:
    path = processed.parent / "corpus.xlsx"
    assert workbook.write_workbook(processed, path) == path
    return path


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def _by_report(path: Path, sheet: str = "values") -> dict[str, dict[str, object]]:
    rows = _rows(path, sheet)
    keys = rows[1]
    return {r[0]: dict(zip(keys, r)) for r in rows[2:]}


def test_sheets_and_header_rows(book: Path) -> None:
    wb = openpyxl.load_workbook(book)  # not read-only: panes and widths
    assert wb.sheetnames == ["about", "values", "reports", "checks", "codebook"]
    ws = wb["values"]
    labels = [c.value for c in ws[1]]
    keys = [c.value for c in ws[2]]
    assert keys == wide_columns()
    assert labels[:5] == ["报告编号", "机关", "年度", "表格版本", "状态"]
    granted = keys.index("requests.granted.natural_person")
    assert labels[granted] == "三、依申请公开·予以公开·自然人"
    assert labels[keys.index("proactive.administrative_fees.amount_10k_yuan")] == \
        "二、主动公开·行政事业性收费·本年收费金额（单位：万元）"
    assert ws.freeze_panes == "C3"  # two header rows, report_id and agency
    assert ws.column_dimensions["B"].width > ws.column_dimensions["F"].width > 5
    assert ws.max_row == 2 + 6  # one row per input file


def test_seed_figures_in_their_report_row_and_key_column(book: Path) -> None:
    rows = _by_report(book)
    for name, seed in SEEDS.items():
        row = rows[_report_id(name)]
        assert (row["year"], row["template"], row["status"]) == (seed["year"],
                                                                 seed["template"], "ok")
        expected = _expected(name)
        for key in wide_columns()[len(REPORT_FIELDS):]:
            if key not in expected or math.isnan(expected[key]):
                assert row[key] is None, (name, key)  # not in its form, or left blank
            else:
                assert row[key] == expected[key], (name, key)
    miyun = rows[_report_id("002_556f46a9c5195498.txt")]
    assert miyun["agency"] == "北京市密云区人民政府"
    assert miyun["requests.unavailable_not_held.total"] == 216
    assert miyun["proactive.administrative_fees.amount_10k_yuan"] == 254.38
    assert isinstance(miyun["requests.new_requests.total"], int | float)  # a number


def test_a_blank_cell_is_empty_not_zero(book: Path) -> None:
    hulu = _by_report(book)[_report_id(HULU)]
    assert hulu["requests.carried_over.natural_person"] is None
    assert hulu["requests.carried_over.total"] == 0
    assert hulu["proactive.other_external_services.change"] is None  # 2019: not filled
    failed = [r for r in _by_report(book).values() if r["status"] == "failed"]
    assert len(failed) == 1
    assert all(failed[0][k] is None for k in wide_columns()[len(REPORT_FIELDS):])


def test_formula_like_text_comes_back_as_text(book: Path) -> None:
    xiji = _report_id(XIJI)
    assert _by_report(book)[xiji]["agency"] == "=1+1"
    report = _by_report(book, "reports")[xiji]
    assert (report["agency"], report["agency_short"]) == ("=1+1", "@SUM(A1)")
    wb = openpyxl.load_workbook(book)
    cell = next(c for c in wb["values"]["B"] if c.value == "=1+1")
    assert cell.data_type == "s"
    with zipfile.ZipFile(book) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) for n in sheets)  # no formula at all


def test_reports_checks_and_codebook(book: Path, processed: Path) -> None:
    reports = _by_report(book, "reports")
    assert len(reports) == 6
    assert sorted(r["status"] for r in reports.values()) == ["failed"] + ["ok"] * 5
    failed = next(r for r in reports.values() if r["status"] == "failed")
    assert failed["source_path"].endswith("empty.txt") and "empty" in failed["error"]
    checks = _rows(book, "checks")
    assert checks[1] == ("check", "kind", "passed", "failed", "missing", "other", "total")
    blank = checks.index((None,) * 7)  # the counts, a blank row, then the failed rows
    summary = {r[0]: r for r in checks[2:blank]}
    # the seeds add up (tests/test_seeds.py): no identity fails; 漷县镇's blank is missing
    for name in ("balance", "outcomes_sum", "row_total", "review_total"):
        assert summary[name][3] == 0
    assert summary["balance"][4] >= 1
    parquet = pd.read_parquet(processed / "checks.parquet")
    for name, row in summary.items():
        mine = parquet[parquet.check == name]
        assert row[2:5] == tuple(int((mine.status == s).sum())
                                 for s in ("passed", "failed", "missing"))
        assert row[6] == len(mine)
    n_failed = int((parquet.status == "failed").sum())
    title = next(i for i, r in enumerate(checks) if r[0] and str(r[0]).startswith("未通过"))
    assert checks[title + 2][:3] == ("report_id", "agency", "check")
    assert len([r for r in checks[title + 3:] if r[0]]) == n_failed
    codebook = {r[0]: r for r in _rows(book, "codebook")[2:]}
    assert len(codebook) == len(wide_cells())
    fees = codebook["proactive.administrative_fees.amount_10k_yuan"]
    assert fees[1] == cell_label("proactive", "administrative_fees", "amount_10k_yuan", "zh")
    assert "万元" in fees[6] and fees[8] == "2021"
    assert codebook["requests.other_handling.total"][8].startswith("2019, 2021 (")
    assert codebook["requests.granted.total"][7].startswith("granted")


def test_a_long_table_goes_on_in_another_sheet(processed: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "SHEET_ROWS", 4)  # two header rows + two reports a sheet
    result = workbook.export_workbook(processed, tmp_path / "small.xlsx")
    parts = ["values", "values (2)", "values (3)"]
    assert [result.sheets[p] for p in parts] == [2, 2, 2]
    assert any("values" in n and "values (2)" in n for n in result.notes)
    wb = openpyxl.load_workbook(result.path, read_only=True)
    assert [n for n in wb.sheetnames if n.startswith("values")] == parts
    ids = []
    for name in wb.sheetnames:
        rows = list(wb[name].iter_rows(values_only=True))
        assert name == "about" or len(rows) <= 4, name
        if name.startswith("values"):
            assert rows[1][:5] == REPORT_FIELDS  # the header rows again on every part
            ids += [r[0] for r in rows[2:]]
    about = [r for r in wb["about"].iter_rows(values_only=True) if r[1]]
    wb.close()
    assert ids == list(pd.read_parquet(processed / "reports.parquet").report_id)
    assert any("values (2)" in str(r[1]) for r in about)  # the workbook says so


def test_wide_values_csv_one_row_per_report(processed: Path) -> None:
    wide = pd.read_csv(processed / "values.csv", encoding="utf-8-sig")
    assert list(wide.columns) == wide_columns()
    reports = pd.read_parquet(processed / "reports.parquet")
    assert list(wide.report_id) == list(reports.report_id)  # one row per input file
    rows = wide.set_index("report_id")
    for name in SEEDS:
        row = rows.loc[_report_id(name)]
        for key, value in _expected(name).items():
            assert (math.isnan(row[key]) if math.isnan(value) else row[key] == value), key
    raw = (processed / "values.csv").read_text(encoding="utf-8-sig").splitlines()
    hulu = next(line for line in raw if line.startswith(_report_id(HULU)))
    col = wide_columns().index("requests.carried_over.natural_person")
    assert hulu.split(",")[col] == ""  # blank, not 0
    assert rows.loc[_report_id(XIJI), "agency"] == "'=1+1"  # Excel-safe, as every CSV


def test_export_command_and_long_csv(processed: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "corpus.xlsx"
    assert main(["export", "--xlsx", str(target), "--processed", str(processed),
                 "--long-csv"]) == 0
    assert target.is_file() and "values: 6 rows" in capsys.readouterr().out
    long = pd.read_csv(processed / "values_long.csv", encoding="utf-8-sig")
    assert len(long) == pq.ParquetFile(processed / "values.parquet").metadata.num_rows
    assert list(long.columns[:5]) == ["report_id", "table", "row", "column", "value"]
    every = pd.read_csv(processed / "checks_long.csv", encoding="utf-8-sig")
    assert len(every) == pq.ParquetFile(processed / "checks.parquet").metadata.num_rows
    assert (every["status"] == "passed").sum() > 200  # the seeds' identities, nearly all hold
    assert main(["export", "--processed", str(processed)]) == 2  # nothing asked for
    assert main(["export", "--xlsx", str(tmp_path / "x.xlsx"),
                 "--processed", str(tmp_path / "nowhere")]) == 2
    assert not (tmp_path / "x.xlsx").exists()
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    shown = capsys.readouterr().out
    assert "one row per report" in shown and "reportkit export --xlsx" in shown


def test_checks_csv_holds_the_checks_that_did_not_pass(processed: Path) -> None:
    """Excel opens checks.csv at any size: the passed checks (nearly all of a corpus's
    millions) are only in the Parquet; every other check is in the CSV."""
    shown = pd.read_csv(processed / "checks.csv", encoding="utf-8-sig",
                        dtype={"report_id": str})
    every = pd.read_parquet(processed / "checks.parquet")
    assert "passed" not in set(shown["status"])
    assert len(shown) == int((every["status"] != "passed").sum()) > 0
    # seed 002's prose: 引发行政诉讼20件 … 其余1件尚在审理中; its rows: 1 + 2 = 3 pending
    lawsuits = shown[shown["subject"].str.contains("其余1件尚在审理中", regex=False)]
    assert lawsuits[["expected", "actual", "status"]].values.tolist() == [[3.0, 1.0, "failed"]]


def test_a_stored_corpus_is_summed_up_from_a_few_columns(processed: Path) -> None:
    """The ingest's summary and exit code read the columns they need, not the reports
    frame whole (a million reports' frame is ~0.9 GB)."""
    corpus = StoredCorpus(processed)
    assert n_failed(corpus) == 1  # empty.txt
    said = summary(corpus)
    assert said.startswith("6 files: 5 ok, 1 failed;") and "empty.txt" in said
    assert "reports" not in corpus._frames  # never loaded
    bad = corpus.report_columns(["source_path", "status"], not_ok=True)
    assert bad["source_path"].str.endswith("empty.txt").tolist() == [True]
    in_memory = Corpus(pd.DataFrame(), pd.read_parquet(processed / "reports.parquet"),
                       pd.DataFrame())
    assert summary(in_memory) == said and n_failed(in_memory) == 1


def test_values_out_of_order_are_refused(processed: Path, tmp_path: Path) -> None:
    """The pivot relies on the ingest's order; other files are refused, never misread."""
    values = pq.read_table(processed / "values.parquet")
    reports = pq.read_table(processed / "reports.parquet")
    pq.write_table(values.take(list(range(values.num_rows))[::-1]), tmp_path / "v.parquet")
    with pytest.raises(ValueError, match="not in the order"):
        list(WidePivot(tmp_path / "v.parquet", reports.column("report_id")))


def test_a_cell_given_twice_is_left_blank_and_counted(processed: Path, tmp_path: Path) -> None:
    """Never a wrong figure: two figures for one cell of one report → blank, counted; a
    cell in no template → left out, counted."""
    values = pq.read_table(processed / "values.parquet")
    reports = pq.read_table(processed / "reports.parquet")
    first = values.slice(0, 1).to_pylist()[0]
    twice = {**first, "value": first["value"] + 7}
    stray = {**first, "row": "no_such_row"}
    rows = [first, twice, stray, *values.slice(1).to_pylist()]
    pq.write_table(pa.Table.from_pylist(rows, schema=values.schema), tmp_path / "v.parquet")
    pivot = WidePivot(tmp_path / "v.parquet", reports.column("report_id"))
    blocks = list(pivot)
    key = f"{first['table']}.{first['row']}.{first['column']}"
    col = wide_columns().index(key) - len(REPORT_FIELDS)
    row = reports.column("report_id").to_pylist().index(first["report_id"])
    assert math.isnan(blocks[0].matrix[row, col])
    assert (pivot.conflicts, pivot.unknown) == (1, 1)
    assert sum(b.stop - b.start for b in blocks) == reports.num_rows


def test_workbook_is_up_to_date_only_when_newer_than_its_data(processed: Path,
                                                              tmp_path: Path) -> None:
    """`reportkit run` rewrites the workbook only when the data changed since."""
    data = tmp_path / "processed"
    shutil.copytree(processed, data)
    path = tmp_path / "reportkit.xlsx"
    assert not workbook.up_to_date(data, path)  # none yet
    workbook.write_workbook(data, path)
    assert workbook.up_to_date(data, path)
    later = path.stat().st_mtime + 5
    os.utime(data / "values.parquet", (later, later))  # a new ingest wrote the values
    assert not workbook.up_to_date(data, path)


def test_pivot_finds_reports_far_apart_and_refuses_one_not_listed(processed: Path,
                                                                  tmp_path: Path) -> None:
    """Each batch looks its reports up near where the last one was; thousands of reports
    without values in between (failed files, copies) widen the look, never misplace a
    figure; a value of a report the list does not hold is refused."""
    values = pq.read_table(processed / "values.parquet")
    ids = pq.read_table(processed / "reports.parquet").column("report_id").to_pylist()
    first = values.slice(0, 1).to_pylist()[0]
    gap = [f"empty{i:05d}" for i in range(30_000)]
    at = ids.index(first["report_id"])
    padded = ids[:at + 1] + gap + ids[at + 1:]
    blocks = list(WidePivot(processed / "values.parquet", pa.array(padded)))
    matrix = np.vstack([b.matrix for b in blocks])
    key = f"{first['table']}.{first['row']}.{first['column']}"
    col = wide_columns().index(key) - len(REPORT_FIELDS)
    assert matrix[at, col] == first["value"]
    assert np.isnan(matrix[at + 1:at + 1 + len(gap)]).all()
    last = values.slice(values.num_rows - 1).to_pylist()[0]
    key = f"{last['table']}.{last['row']}.{last['column']}"
    col = wide_columns().index(key) - len(REPORT_FIELDS)
    assert matrix[padded.index(last["report_id"]), col] == last["value"]
    others = [i for i in ids if i != last["report_id"]]
    with pytest.raises(ValueError, match=f"{last['report_id']}.*does not list"):
        list(WidePivot(processed / "values.parquet", pa.array(others)))
