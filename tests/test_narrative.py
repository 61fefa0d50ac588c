"""Prose against tables (``narrative_vs_table``): figures read off the seed documents by a
person. Seed 000 (亦庄镇) writes "本年度新受理依申请公开9件，上年结转2件" and its table holds 9
and 2; seed 002 (密云区) writes "引发行政诉讼20件，其中结果维持12件，结果纠正4件，其他结果1件，
其余1件尚在审理中" while its litigation rows hold 1 + 2 = 3 pending; it also writes "共受理申请
758件（含垂管部门）" (a scope other than its table's 572); seed 003 (南郊镇) writes "共接到依申请
公开办件4件 … 1件转接至2022年答复" (4 new, 1 carried forward)."""

from __future__ import annotations

import pandas as pd
from conftest import RAW

import reportkit
from reportkit import analysis
from reportkit.extract.narrative import check_narrative, statements


def _narrative(name: str) -> pd.DataFrame:
    frame = reportkit.parse(RAW / name).checks_frame
    return frame[frame["kind"] == "narrative"]


def _cell(frame: pd.DataFrame, subject_start: str) -> pd.DataFrame:
    return frame[frame["subject"].str.startswith(subject_start)]


def test_seed_000_prose_agrees_with_its_table() -> None:
    checks = _narrative("000_88b97d4f094d4f90.txt")
    new = _cell(checks, "requests/new_requests/total")
    over = _cell(checks, "requests/carried_over/total")
    assert (new["actual"].tolist(), new["expected"].tolist()) == ([9.0], [9.0])
    assert (over["actual"].tolist(), over["expected"].tolist()) == ([2.0], [2.0])
    assert "本年度新受理依申请公开9件，上年结转2件" in new["subject"].iloc[0]
    assert set(checks["status"]) == {"passed"}


def test_seed_002_pending_lawsuits_differ_from_the_table() -> None:
    report = reportkit.parse(RAW / "002_556f46a9c5195498.txt")
    checks = report.checks_frame
    checks = checks[checks["kind"] == "narrative"]
    failed = checks[checks["status"] == "failed"]
    assert len(failed) == 1
    row = failed.iloc[0]
    assert row["subject"].startswith(
        "review_litigation/litigation_direct+litigation_after_review/pending")
    assert (row["expected"], row["actual"]) == (3.0, 1.0)  # table 3, prose 1
    assert "其余1件尚在审理中" in row["subject"]
    # the rest of the sentence agrees: 20 cases, 12 upheld, 4 corrected, 1 other
    lit = _cell(checks, "review_litigation/litigation_direct+litigation_after_review")
    agreed = lit[lit["status"] == "passed"]
    assert sorted(agreed["actual"]) == [1.0, 4.0, 12.0, 20.0]
    # a finding about the prose, not a failure of the report's own arithmetic
    assert report.n_checks_failed == 0


def test_a_scope_qualifier_is_noted_not_compared() -> None:
    checks = _narrative("002_556f46a9c5195498.txt")
    new = _cell(checks, "requests/new_requests/total").iloc[0]
    assert new["status"] == "qualified" and pd.isna(new["passed"])
    assert (new["expected"], new["actual"]) == (572.0, 758.0)
    assert "含垂管部门" in new["subject"]


def test_seed_003_received_and_carried_forward() -> None:
    checks = _narrative("003_795117ff85927c6d.txt")
    got = {s.split(":")[0]: (e, a) for s, e, a in
           zip(checks["subject"], checks["expected"], checks["actual"])}
    assert got == {"requests/new_requests/total": (4.0, 4.0),
                   "requests/carried_forward/total": (1.0, 1.0)}


def test_review_and_litigation_clauses_are_not_request_counts() -> None:
    found = statements(["本年度收到行政复议申请3件，受理政府信息公开申请12件。",
                        "全年受理咨询电话120件。"])
    assert [(s.rows, s.column, s.figure) for s in found] == [
        (("new_requests",), "total", 12.0), (("review",), "total", 3.0)]


def test_a_carried_forward_figure_for_another_year_is_not_read() -> None:
    text = ["2件结转至2023年办理。"]
    assert statements(text, year=2021) == []
    assert [s.figure for s in statements(text, year=2022)] == [2.0]


def test_a_blank_table_cell_leaves_the_check_undecided() -> None:
    rows = check_narrative("r", ["上年结转2件。"], {}, 2021)
    assert [(r.status, r.passed, r.kind) for r in rows] == [("missing", None, "narrative")]


def test_narrative_findings_are_listed_apart_from_failed_identities(raw_dir) -> None:
    corpus = reportkit.ingest([raw_dir], progress=False)
    assert "kind" in corpus.checks.columns
    findings = analysis.narrative_findings(corpus.checks, corpus.reports)
    assert set(findings["agency_short"]) == {"密云区"}
    assert set(findings["status"]) == {"failed", "qualified"}
    failed = analysis.failed_checks(corpus.checks, corpus.reports)
    assert "narrative_vs_table" not in set(failed["check"])


def test_a_real_report_s_prose_agrees_with_the_figures_a_person_read() -> None:
    """淮安市人民政府 2024 (shared/real, truth.json): "全市共受理政府信息公开申请 3119 件 …
    （含上年度结转申请 34件，另有 103 件顺延到下年度答复）" and the review and litigation
    sentences; every figure agrees with the tables as a person read them."""
    import json

    import pytest
    from conftest import ROOT

    real = ROOT / "../shared/real"
    if not (real / "huaian_szf_2024.pdf").exists():
        pytest.skip("shared/real not available")
    truth = json.loads((real / "truth.json").read_text(encoding="utf-8"))
    cells = truth["huaian_szf_2024.pdf"]["values"]
    frame = reportkit.parse(real / "huaian_szf_2024.pdf").checks_frame
    narrative = frame[frame["kind"] == "narrative"]
    assert set(narrative["status"]) == {"passed"}
    got = {s.split(":")[0]: a for s, a in zip(narrative["subject"], narrative["actual"])}
    lit = "review_litigation/litigation_direct+litigation_after_review/"
    assert got["requests/new_requests/total"] == cells["requests/new_requests/total"] == 3119
    assert got["requests/carried_over/total"] == cells["requests/carried_over/total"] == 34
    assert got["requests/carried_forward/total"] == cells["requests/carried_forward/total"]
    assert got["review_litigation/review/pending"] == cells["review_litigation/review/pending"]
    assert got[lit + "total"] == (cells["review_litigation/litigation_direct/total"]
                                  + cells["review_litigation/litigation_after_review/total"])
