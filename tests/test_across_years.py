"""Part 二 across years (check ``in_force_across_years``): in_force(N−1) + issued(N) −
repealed(N) = in_force(N), per body, for 规章 and 行政规范性文件 (template 2021).

The real Hongze report of 2024 (``shared/real/hzq2024_working.pdf``, figures read by a person
in truth.json) prints 规章 0 / 0 / 0 and 行政规范性文件 issued 3, repealed 0, in force 8. Its
2023 report is not in shared/, so each test pairs it with a synthetic 2023 report of the same
body (named by a manifest): in force 0 and 5 is consistent (5 + 3 − 0 = 8), 6 is not.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import synthetic
from conftest import ROOT

import reportkit

HONGZE = ROOT / "../shared/real/hzq2024_working.pdf"
AGENCY = "淮安市洪泽区人民政府"


def _pair(folder: Path, normative_in_force_2023: float) -> reportkit.Corpus:
    shutil.copy(HONGZE, folder / "hongze_2024.pdf")
    base = synthetic.make_reports(1, seed=3, layouts=("cells",), first_year=2023,
                                  last_year=2023)[0]
    values = dict(base.values)
    values[("proactive", "regulations", "in_force")] = 0.0
    values[("proactive", "normative_documents", "in_force")] = normative_in_force_2023
    earlier = replace(base, agency=AGENCY, values=values)
    (folder / "hongze_2023.txt").write_bytes(earlier.render())
    (folder / "manifest.csv").write_text(
        f"file,agency,agency_short,region,year\nhongze_2023.txt,{AGENCY},洪泽区,江苏省,2023\n",
        encoding="utf-8")
    return reportkit.ingest([folder], progress=False)


def _in_force(corpus: reportkit.Corpus) -> dict[str, tuple]:
    checks = corpus.checks[corpus.checks["check"] == "in_force_across_years"]
    return {s.split(" ")[0]: (e, a, st, k) for s, e, a, st, k in zip(
        checks["subject"], checks["expected"], checks["actual"], checks["status"],
        checks["kind"])}


@pytest.mark.skipif(not HONGZE.exists(), reason="shared/real not available")
def test_consistent_pair_passes(tmp_path) -> None:
    corpus = _pair(tmp_path, 5.0)
    assert set(corpus.reports["year"]) == {2023, 2024}
    assert _in_force(corpus) == {
        "proactive/regulations": (0.0, 0.0, "passed", "across_years"),
        "proactive/normative_documents": (8.0, 5.0 + 3.0 - 0.0, "passed", "across_years")}
    later = corpus.reports[corpus.reports["year"] == 2024].iloc[0]
    filed = corpus.checks[corpus.checks["check"] == "in_force_across_years"]
    assert set(filed["report_id"]) == {later["report_id"]}


@pytest.mark.skipif(not HONGZE.exists(), reason="shared/real not available")
def test_inconsistent_pair_fails_and_counts(tmp_path) -> None:
    corpus = _pair(tmp_path, 6.0)
    got = _in_force(corpus)
    assert got["proactive/normative_documents"] == (8.0, 9.0, "failed", "across_years")
    later = corpus.reports[corpus.reports["year"] == 2024].iloc[0]
    clean = _pair_failures_without_in_force(corpus, later["report_id"])
    assert later["n_checks_failed"] == clean + 1


def _pair_failures_without_in_force(corpus: reportkit.Corpus, report_id: str) -> int:
    checks = corpus.checks[(corpus.checks["report_id"] == report_id)
                           & (corpus.checks["kind"] != "narrative")
                           & (corpus.checks["check"] != "in_force_across_years")]
    return int((checks["passed"] == False).sum())  # noqa: E712


def test_no_in_force_check_against_a_2019_form() -> None:
    from reportkit.extract.checks import YearEntry, check_across_years

    cells = {("proactive", "normative_documents", c): 1.0 for c in ("issued", "repealed",
                                                                    "in_force")}
    pair = [YearEntry("a", "X", 2020, cells, "2019"), YearEntry("b", "X", 2021, cells, "2021")]
    assert not [c for c in check_across_years(pair) if c.check == "in_force_across_years"]
    pair = [YearEntry("a", "X", 2021, cells, "2021"), YearEntry("b", "X", 2022, cells, "2021")]
    rows = [c for c in check_across_years(pair) if c.check == "in_force_across_years"]
    # regulations are absent (blank): undecided, never zero; documents: 1 + 1 − 1 = 1
    assert [(c.subject.split(" ")[0], c.status) for c in rows] == [
        ("proactive/regulations", "missing"), ("proactive/normative_documents", "passed")]
