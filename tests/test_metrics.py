"""The metric dictionary against figures computed by hand from the seed documents.

密云区 (seed 002, 2021 template), read off the document: 予以公开 167 + 部分公开 101 = 268 of
588 processed; 本机关不掌握 216; new requests 572, carried over 41, carried forward 25
(25 / (572 + 41) = 25/613); review 维持 6, 纠正 4, 其他 2, 尚未审结 3, 总计 15 (decided 12);
litigation direct 6/3/1/1 = 11 and after review 6/1/0/2 = 9 (20 cases, 3 pending, 4
corrected); dispute cases 15 + 11 + 9 = 35 over 572 new requests.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import reportkit
from reportkit import analysis
from reportkit.analysis import metrics


@pytest.fixture(scope="module")
def corpus(raw_dir):
    return reportkit.ingest([raw_dir], progress=False)


@pytest.fixture(scope="module")
def by_agency(corpus):
    values, reports = analysis.select(corpus.values, corpus.reports)
    return metrics.compute(values, reports, by="agency")


def _metric(frame: pd.DataFrame, agency_short: str, metric: str) -> pd.Series:
    rows = frame[(frame["agency_short"] == agency_short) & (frame["metric"] == metric)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(("metric", "num", "den", "scale"), [
    ("disclosure_rate", 167 + 101, 588, 1), ("not_held_rate", 216, 588, 1),
    ("review_correction_rate", 4, 15 - 3, 1), ("review_correction_rate_all", 4, 15, 1),
    ("litigation_correction_rate", 3 + 1, 20 - 1 - 2, 1),
    ("carry_forward_rate", 25, 572 + 41, 1), ("dispute_rate", 15 + 11 + 9, 572, 1),
    ("review_rate", 15, 572, 100), ("litigation_rate", 11 + 9, 572, 100),
    ("withheld_rate", 1 + 7 + 1 + 3 + 3 + 6 + 8, 588, 1),
    ("applicant_natural_person", 559, 572, 1),
])
def test_miyun_metrics_by_hand(by_agency, metric, num, den, scale) -> None:
    row = _metric(by_agency, "密云区", metric)
    assert (row["numerator"], row["denominator"]) == (num, den)
    assert row["value"] == pytest.approx(num / den * scale)
    low, high = analysis.wilson_interval(num, den)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low * scale, high * scale))
    assert row["ci_low"] < row["value"] < row["ci_high"]
    assert (row["n_reports"], row["n_excluded"]) == (1, 0)


def test_every_metric_is_documented() -> None:
    from conftest import ROOT

    doc = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    for name, metric in metrics.METRICS.items():
        if name.startswith("applicant_"):  # documented as one row, applicant_<column>
            assert "`applicant_<column>`" in doc and f"`{name[10:]}`" in doc, name
        else:
            assert f"`{name}`" in doc, name
        assert metric.source and metric.caveat


def test_a_blank_cell_excludes_the_report_from_both_sides(corpus) -> None:
    values, reports = analysis.select(corpus.values, corpus.reports)
    miyun = reports.loc[reports["agency_short"] == "密云区", "report_id"].iloc[0]
    blanked = values.copy()
    hit = ((blanked["report_id"] == miyun) & (blanked["row"] == "review")
           & (blanked["column"] == "pending"))
    blanked.loc[hit, "value"] = np.nan
    overall = metrics.compute(blanked, reports, metrics=["review_correction_rate",
                                                         "review_rate"])
    corr = overall.set_index("metric").loc["review_correction_rate"]
    # 密云区 is out; the others have 亦庄镇's 2 and 西集镇's 1 review cases, none corrected
    assert (corr["numerator"], corr["denominator"], corr["n_excluded"]) == (0, 3, 1)
    assert corr["n_blank_cells"] == 1
    # review_rate does not need the pending cell: 密云区 still counts
    rate = overall.set_index("metric").loc["review_rate"]
    assert rate["n_excluded"] == 0 and rate["numerator"] == 15 + 2 + 0 + 0 + 1


def test_bodies_are_keyed_by_agency_id_when_present(corpus) -> None:
    values, reports = analysis.select(corpus.values, corpus.reports)
    assert metrics.body_column(reports.drop(columns="agency_id")) == "agency"
    keyed = reports.assign(agency_id="body-" + reports["agency_short"].astype(str))
    frame = metrics.compute(values, keyed, by="agency", metrics=["not_held_rate"])
    assert metrics.body_column(keyed) == "agency_id"
    assert "body-密云区" in set(frame["agency_id"])


def test_tables_are_written_beside_the_charts(corpus, tmp_path) -> None:
    values, reports = analysis.select(corpus.values, corpus.reports)
    paths = metrics.write_tables(values, reports, tmp_path)
    assert {p.name for p in paths} == {"metrics_by_agency.csv", "metrics_by_year.csv"}
    frame = pd.read_csv(tmp_path / "metrics_by_agency.csv", encoding="utf-8-sig")
    assert {"metric", "value", "numerator", "denominator", "ci_low", "ci_high",
            "n_reports", "n_excluded"} <= set(frame.columns)
    row = frame[(frame["agency_short"] == "密云区") & (frame["metric"] == "dispute_rate")]
    assert math.isclose(row["value"].iloc[0], 35 / 572)
    years = pd.read_csv(tmp_path / "metrics_by_year.csv", encoding="utf-8-sig")
    assert set(years["year"]) == {2019, 2021}
