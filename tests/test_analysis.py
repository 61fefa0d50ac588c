"""reportkit.analysis against figures computed by hand from the seed documents.

The figures below were read off the seed texts by a person (see notes/CONTEXT.md): 密云区
(seed 002, 2021 template) processed 588 requests, 216 of them 本机关不掌握相关政府信息; it
received 572 new requests; its review row is 维持 6, 纠正 4, 其他 2, 尚未审结 3, 总计 15;
litigation 11 direct + 9 after review = 20. Its 其他处理 rows are 12 (逾期不补正), 0 (未缴费)
and 45 (其他). 漷县镇 (seed 001, 2019 template) processed 2 requests, both 予以公开, its single
其他处理 row 0.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import reportkit
from reportkit import analysis, schema
from reportkit.extract.parse import parse_bytes

RAW_SEEDS = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def corpus(raw_dir):
    return reportkit.ingest([raw_dir], progress=False)


@pytest.fixture(scope="module")
def frames(corpus):
    return analysis.select(corpus.values, corpus.reports)


def _row(frame: pd.DataFrame, **match: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in match.items():
        mask &= frame[key] == value
    rows = frame[mask]
    assert len(rows) == 1, f"{len(rows)} rows match {match}"
    return rows.iloc[0]


def _report_id(reports: pd.DataFrame, short: str) -> str:
    return reports.loc[reports["agency_short"] == short, "report_id"].item()


# --- Wilson interval ---------------------------------------------------------------------


def _wilson_by_hand(k: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_wilson_matches_the_formula_and_published_values() -> None:
    low, high = analysis.wilson_interval([4, 0, 216], [12, 10, 588])
    assert low[0] == pytest.approx(_wilson_by_hand(4, 12)[0])
    assert high[0] == pytest.approx(_wilson_by_hand(4, 12)[1])
    # 4/12: 0.1381–0.6094 (the value statistics packages give for the Wilson method)
    assert (round(low[0], 4), round(high[0], 4)) == (0.1381, 0.6094)
    # 0/10: 0–0.2775 (the "rule of three"-like upper bound for an empty sample)
    assert low[1] == 0.0 and round(high[1], 4) == 0.2775
    assert (low[2], high[2]) == pytest.approx(_wilson_by_hand(216, 588))


def test_wilson_is_empty_where_it_means_nothing() -> None:
    low, high = analysis.wilson_interval([1, 5, np.nan], [0, 4, 10])
    assert np.isnan(low).all() and np.isnan(high).all()


# --- Outcomes ----------------------------------------------------------------------------


def test_not_held_share_of_miyun_is_216_of_588(frames) -> None:
    values, reports = frames
    shares = analysis.outcome_shares(values, reports, by="agency")
    row = _row(shares, agency_short="密云区", outcome="unavailable_not_held")
    assert (row["count"], row["total_processed"]) == (216, 588)
    assert row["share"] == pytest.approx(216 / 588)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(_wilson_by_hand(216, 588))
    assert row["group"] == "unavailable"
    assert (row["n_reports"], row["n_excluded"], row["flag_failed_checks"]) == (1, 0, False)


def test_groups_map_2019_and_2021_other_rows_together(frames) -> None:
    values, reports = frames
    groups = analysis.outcome_shares(values, reports, by="agency", level="group")
    assert set(groups["outcome"]) == set(schema.OUTCOME_GROUPS)
    miyun = _row(groups, agency_short="密云区", outcome="other")
    assert (miyun["count"], miyun["total_processed"]) == (12 + 0 + 45, 588)
    huoxian = _row(groups, agency_short="漷县镇", outcome="other")  # 2019: other_handling
    assert (huoxian["count"], huoxian["total_processed"]) == (0, 2)
    granted = _row(groups, agency_short="漷县镇", outcome="granted")
    assert granted["share"] == 1.0
    unavailable = _row(groups, agency_short="密云区", outcome="unavailable")
    assert unavailable["count"] == 216 + 10 + 3


def test_rows_of_one_template_are_not_missing_in_the_other(frames) -> None:
    values, reports = frames
    rows = analysis.outcome_shares(values, reports)
    handling = _row(rows, outcome="other_handling")  # only the 2019 report has the row
    assert (handling["n_reports"], handling["n_excluded"]) == (1, 0)
    assert _row(rows, outcome="other_other")["n_reports"] == 4
    assert len(rows) == len(schema.OUTCOME_ROWS)


def test_per_year_and_overall(frames) -> None:
    values, reports = frames
    by_year = analysis.outcome_shares(values, reports, by="year", level="group")
    assert sorted(by_year["year"].unique()) == [2019, 2021]
    assert _row(by_year, year=2019, outcome="granted")["total_processed"] == 2
    overall = analysis.outcome_shares(values, reports, level="group")
    # the sum of the five seeds' 办理结果总计: 11 + 2 + 588 + 3 + 19
    assert set(overall["total_processed"]) == {11 + 2 + 588 + 3 + 19}
    assert overall["count"].sum() == 623  # the seeds add up: groups sum to the total


# --- Review and litigation ---------------------------------------------------------------


def test_review_and_litigation_rates_of_miyun(frames) -> None:
    values, reports = frames
    rates = analysis.review_litigation_rates(values, reports, by="agency")
    review = _row(rates, agency_short="密云区", measure="review")
    assert (review["cases"], review["new_requests"]) == (15, 572)
    assert review["rate_per_100"] == pytest.approx(15 / 572 * 100)
    low, high = _wilson_by_hand(15, 572)
    assert (review["ci_low"], review["ci_high"]) == pytest.approx((low * 100, high * 100))
    litigation = _row(rates, agency_short="密云区", measure="litigation")
    assert (litigation["cases"], litigation["new_requests"]) == (11 + 9, 572)
    assert litigation["rate_per_100"] == pytest.approx(20 / 572 * 100)
    assert _row(rates, agency_short="密云区", measure="litigation_direct")["cases"] == 11
    assert _row(rates, agency_short="密云区", measure="litigation_after_review")["cases"] == 9


def test_correction_rate_of_miyun_review_is_4_of_12(frames) -> None:
    values, reports = frames
    corr = analysis.correction_rates(values, reports, by="agency")
    review = _row(corr, agency_short="密云区", measure="review")
    assert (review["corrected"], review["decided"]) == (4, 6 + 4 + 2)
    assert review["correction_rate"] == pytest.approx(4 / 12)
    assert (round(review["ci_low"], 4), round(review["ci_high"], 4)) == (0.1381, 0.6094)
    direct = _row(corr, agency_short="密云区", measure="litigation_direct")
    assert (direct["corrected"], direct["decided"]) == (3, 6 + 3 + 1)


# --- The blank rule and the flag ---------------------------------------------------------


def _blank(values: pd.DataFrame, report_id: str, table: str, row: str, column: str
           ) -> pd.DataFrame:
    out = values.copy()
    mask = ((out["report_id"] == report_id) & (out["table"] == table) & (out["row"] == row)
            & (out["column"] == column))
    assert mask.sum() == 1
    out.loc[mask, "value"] = np.nan
    return out


def test_a_blank_cell_is_missing_never_zero(frames) -> None:
    values, reports = frames
    miyun = _report_id(reports, "密云区")
    blanked = _blank(values, miyun, "review_litigation", "review", "total")
    rates = analysis.review_litigation_rates(blanked, reports)
    review = _row(rates, measure="review")
    # 密云区 leaves numerator AND denominator: the other four seeds' 2 + 0 + 0 + 1 cases
    # on their 9 + 2 + 4 + 19 new requests
    assert (review["cases"], review["new_requests"]) == (3, 34)
    assert (review["n_reports"], review["n_excluded"], review["n_blank_cells"]) == (4, 1, 1)
    assert _row(rates, measure="litigation")["n_excluded"] == 0


def test_a_blank_member_row_makes_its_group_missing(frames) -> None:
    values, reports = frames
    miyun = _report_id(reports, "密云区")
    blanked = _blank(values, miyun, "requests", "unavailable_unclear", "total")
    groups = analysis.outcome_shares(blanked, reports, by="agency", level="group")
    unavailable = _row(groups, agency_short="密云区", outcome="unavailable")
    assert np.isnan(unavailable["count"]) and np.isnan(unavailable["share"])
    assert (unavailable["n_reports"], unavailable["n_excluded"]) == (0, 1)
    assert _row(groups, agency_short="密云区", outcome="granted")["count"] == 167


def test_figures_from_reports_that_do_not_add_up_are_flagged(frames) -> None:
    values, reports = frames
    broken = reports.copy()
    broken.loc[broken["agency_short"] == "密云区", "n_checks_failed"] = 2
    rates = analysis.review_litigation_rates(values, broken, by="agency")
    assert _row(rates, agency_short="密云区", measure="review")["flag_failed_checks"]
    assert not _row(rates, agency_short="西集镇", measure="review")["flag_failed_checks"]
    overall = _row(analysis.review_litigation_rates(values, broken), measure="review")
    assert overall["flag_failed_checks"] and overall["n_reports_failed_checks"] == 1


# --- Selection and pooling ---------------------------------------------------------------


def test_select_by_year_agency_and_status(corpus) -> None:
    values, reports = analysis.select(corpus.values, corpus.reports, years=2019)
    assert list(reports["agency_short"]) == ["漷县镇"]
    assert set(values["report_id"]) == set(reports["report_id"])
    _, reports = analysis.select(corpus.values, corpus.reports, agencies=["密云区", "西集镇"])
    assert sorted(reports["agency_short"]) == ["密云区", "西集镇"]
    failed = corpus.reports.assign(status="failed")
    _, reports = analysis.select(corpus.values, failed)
    assert reports.empty


def test_others_are_pooled_from_counts(frames) -> None:
    values, reports = frames
    pooled = analysis.lump_agencies(values, reports, top_n=2)
    assert set(pooled["agency_short"]) >= {"密云区", "西集镇"}  # 588 and 19 processed
    rates = analysis.review_litigation_rates(values, pooled, by="agency")
    others = _row(rates, agency=analysis.OTHERS, measure="review")
    # 亦庄镇 2/9, 漷县镇 0/2, 南郊镇 0/4 pooled: 2 cases on 15 new requests
    assert (others["cases"], others["new_requests"], others["agency_short"]) == (2, 15, "3")
    assert others["rate_per_100"] == pytest.approx(2 / 15 * 100)


def test_empty_selection_gives_empty_frames(frames) -> None:
    values, reports = frames
    assert analysis.outcome_shares(values.iloc[:0], reports.iloc[:0]).empty
    assert analysis.correction_rates(values.iloc[:0], reports.iloc[:0], by="agency").empty


def test_quality_tables(corpus) -> None:
    blanks = analysis.blank_cells(corpus.values, corpus.reports)
    huoxian = blanks[blanks["agency_short"] == "漷县镇"].iloc[0]
    assert huoxian["blank_cells"] >= 1  # its carried-over 自然人 cell is blank
    rows = analysis.blank_cells(corpus.values, corpus.reports, per="row")
    assert ((rows["table"] == "requests") & (rows["row"] == "carried_over")).any()
    status = analysis.status_summary(corpus.reports)
    assert status.set_index("status").loc["ok", "reports"] == 5
    assert analysis.failed_checks(corpus.checks, corpus.reports).empty


def _miyun_with_one_other_row() -> bytes:
    """密云区 (seed 002, 2021 template) with its three 其他处理 rows (12, 0, 45 in 自然人
    and 总计) printed as one row （六）其他处理: 57 … 57, as the 2019 format prints it."""
    text = (RAW_SEEDS / "002_556f46a9c5195498.txt").read_text(encoding="utf-8")
    start, end = text.index("\t（六）其他处理"), text.index("\t（七）总计")
    one_row = "\t（六）其他处理\n\t57\n\t0\n\t0\n\t0\n\t0\n\t0\n\t57\n\n\t\n"
    return (text[:start] + one_row + text[end:]).encode("utf-8")


def test_2021_report_printing_other_handling_as_one_row_counts_in_other() -> None:
    report = parse_bytes(_miyun_with_one_other_row(), "miyun_other.txt")
    assert (report.template, report.status) == ("2021", "ok")
    reports = pd.DataFrame([report.meta()])
    values = report.values_frame
    groups = analysis.outcome_shares(values, reports, level="group")
    other = _row(groups, outcome="other")
    assert (other["count"], other["total_processed"]) == (57, 588)
    assert other["share"] == pytest.approx(57 / 588)
    assert (other["n_reports"], other["n_excluded"]) == (1, 0)
    rows = analysis.outcome_shares(values, reports)
    handling = _row(rows, outcome="other_handling")
    assert (handling["count"], handling["n_reports"], handling["group"]) == (57, 1, "other")
    # the itemised rows it stands for are not the report's: neither counted nor missing
    assert not {"other_no_correction", "other_unpaid_fee", "other_other"} & set(rows["outcome"])
    by_person = analysis.outcome_shares(values, reports, level="group", column="natural_person")
    assert _row(by_person, outcome="other")["count"] == 57
    assert _row(by_person, outcome="other")["total_processed"] == 575
