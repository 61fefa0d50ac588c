"""Status honesty: ``ok`` only when every template cell was found in the document; a figure
lost to layout makes the report ``partial``, naming the row, and never lands elsewhere.

The documents are the 2019 seed 漷县镇 (tests/seed_figures.py) with one row edited; the
figures asserted are the seed's as a person read them, or the edit's.
"""

from __future__ import annotations

import math

from formats import RAW

from reportkit.extract.parse import Report, parse_bytes, unfound

SEED = RAW / "001_d11106ab72934bbf.txt"
REPEATED = "\t\t2. 重复申请\t0\t0\t0\t0\t0\t0\t0\n"
TOTAL = "\t(七) 总计\t\t2\t0\t0\t0\t0\t0\t2\n"


def _edited(old: str, new: str) -> Report:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return parse_bytes(text.replace(old, new).encode("utf-8"), "edited.txt")


def _row(report: Report, row: str) -> list[tuple[float, str]]:
    return [(v.value, v.match) for v in report.values if v.table == "requests" and v.row == row]


def test_the_seed_itself_is_ok() -> None:
    report = _edited(REPEATED, REPEATED)
    assert report.status == "ok", report.error
    assert unfound(report, [], []) == []


def test_short_row_is_partial_and_named() -> None:
    report = _edited(REPEATED, "\t\t2. 重复申请\t0\t0\t0\t0\t0\t0\n")
    assert report.status == "partial"
    assert "重复申请" in report.error
    assert all(math.isnan(v) and m == "" for v, m in _row(report, "not_processed_repeated"))
    assert _row(report, "total_processed")[0] == (2.0, "normalised")


def test_figure_left_of_the_columns_is_partial_and_named() -> None:
    report = _edited(TOTAL, "\t(七) 总计\t9\t2\t0\t0\t0\t0\t0\t2\n")
    assert report.status == "partial"
    assert "总计" in report.error
    assert all(math.isnan(v) for v, _ in _row(report, "total_processed"))


def test_row_printed_twice_with_other_figures_is_blank_and_named() -> None:
    report = _edited(REPEATED, REPEATED + "\t\t2. 重复申请\t1\t0\t0\t0\t0\t0\t1\n")
    assert report.status == "partial"
    assert "重复申请" in report.error and "twice" in report.error
    assert all(math.isnan(v) and m == "" for v, m in _row(report, "not_processed_repeated"))


def test_row_printed_twice_with_the_same_figures_is_ok() -> None:
    report = _edited(REPEATED, REPEATED + REPEATED)
    assert report.status == "ok", report.error
    assert [v for v, _ in _row(report, "not_processed_repeated")] == [0.0] * 7


def test_final_guard_names_a_template_cell_without_a_found_value() -> None:
    report = _edited(REPEATED, REPEATED)
    report.values = [v for v in report.values
                     if not (v.row == "not_processed_repeated" and v.column == "total")]
    sentences = unfound(report, [], [])
    assert len(sentences) == 1
    assert "“2.重复申请”" in sentences[0] and "total" in sentences[0]
    # a row the extraction named already is not named twice
    assert unfound(report, [], ["part 三: row “2.重复申请” not found"]) == []
    # a part missing as a whole is named by its own sentence
    assert unfound(report, ["requests"], []) == []
