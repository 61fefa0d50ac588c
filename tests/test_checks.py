"""Each identity of schema.md catches a deliberately broken copy of a seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RAW

import reportkit
from reportkit.extract.parse import parse_bytes

MIYUN = (RAW / "002_556f46a9c5195498.txt").read_text(encoding="utf-8")


def _broken(old: str, new: str) -> reportkit.Report:
    assert MIYUN.count(old) == 1, old
    return parse_bytes(MIYUN.replace(old, new).encode("utf-8"), "broken.txt")


def _failed(report: reportkit.Report) -> set[tuple[str, str, float, float]]:
    """The failed identities (narrative findings are tested in test_narrative.py)."""
    return {(c.check, c.subject, c.expected, c.actual) for c in report.checks
            if c.passed is False and c.kind != "narrative"}


def test_balance() -> None:
    # 四、结转下年度继续办理 · 自然人: 25 → 26 (559 + 41 ≠ 575 + 26)
    report = _broken("四、结转下年度继续办理\n\t25 \n", "四、结转下年度继续办理\n\t26 \n")
    assert report.status == "ok"  # kept, flagged
    assert ("balance", "requests/natural_person", 600.0, 601.0) in _failed(report)
    assert report.n_checks_failed == 2  # and the row total of that row


def test_outcomes_sum() -> None:
    # （一）予以公开 · 自然人: 164 → 165
    report = _broken("（一）予以公开\n\t164\n", "（一）予以公开\n\t165\n")
    failed = _failed(report)
    assert ("outcomes_sum", "requests/natural_person", 575.0, 576.0) in failed
    assert ("row_total", "requests/granted", 167.0, 168.0) in failed


def test_row_total() -> None:
    # 本机关不掌握 · 总计: 216 → 217
    report = _broken("\t216\n", "\t217\n")
    assert ("row_total", "requests/unavailable_not_held", 217.0, 216.0) in _failed(report)


def test_review_total() -> None:
    # 行政复议 · 总计: 15 → 16
    report = _broken("\t3\n\t15\n", "\t3\n\t16\n")
    assert _failed(report) == {("review_total", "review_litigation/review", 16.0, 15.0)}


def test_seed_passes_every_check() -> None:
    report = parse_bytes(MIYUN.encode("utf-8"), "miyun.txt")
    own = [c for c in report.checks if c.kind == "arithmetic"]
    assert own and all(c.passed for c in own)
    assert {c.check for c in own} == {"balance", "outcomes_sum", "row_total", "review_total"}
    # the prose's one mismatch (pending lawsuits) is a finding, not a failed identity
    assert {c.kind for c in report.checks} == {"arithmetic", "narrative"}
    assert report.n_checks_failed == 0


@pytest.mark.parametrize(("carried_over", "passed"), [("41", False), ("25", True)])
def test_cross_year(tmp_path: Path, carried_over: str, passed: bool) -> None:
    """密云区 2021 carries 25 forward; a 2022 report must carry 25 over."""
    (tmp_path / "2021.txt").write_text(MIYUN, encoding="utf-8")
    later = MIYUN.replace("2021年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告")
    later = later.replace("二、上年结转政府信息公开申请数量\n\t41\n",
                          f"二、上年结转政府信息公开申请数量\n\t{carried_over}\n")
    (tmp_path / "2022.txt").write_text(later, encoding="utf-8")
    corpus = reportkit.ingest([tmp_path], progress=False)
    cross = corpus.checks[(corpus.checks.check == "carried_across_years")
                          & corpus.checks.subject.str.startswith("requests/natural_person")]
    assert len(cross) == 1
    assert (cross.expected.iloc[0], float(cross.actual.iloc[0])) == (25.0, float(carried_over))
    assert bool(cross.passed.iloc[0]) is passed
