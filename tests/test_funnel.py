"""Funnel plots: limits computed by hand, positions, labels, the briefing's clause.

Limits: p0 ± z·√(p0(1−p0)/n). For p0 = 0.5, n = 100: ± 1.96 × 0.05 = ± 0.098 (95 %), ± 3.09 ×
0.05 = ± 0.1545 (99.8 %). Seeds: not held 226 of 623 processed (亦庄镇 5/11, 漷县镇 0/2,
密云区 216/588, 南郊镇 2/3, 西集镇 3/19), every body inside the 95 % limits.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import reportkit
from reportkit import charts
from reportkit.charts import funnel


@pytest.fixture(scope="module")
def seeds(raw_dir):
    return reportkit.ingest([raw_dir], progress=False)


def test_limits_by_hand() -> None:
    low, high = funnel.limits(0.5, [100.0], funnel.Z95)
    assert (low[0], high[0]) == pytest.approx((0.5 - 0.098, 0.5 + 0.098), abs=1e-4)
    low, high = funnel.limits(0.5, [100.0], funnel.Z998)
    assert (low[0], high[0]) == pytest.approx((0.5 - 0.1545, 0.5 + 0.1545), abs=1e-4)
    low, high = funnel.limits(0.5, [1.0], funnel.Z95)  # clipped to [0, 1]
    assert (low[0], high[0]) == (0.0, 1.0)


def test_seed_funnel_not_held(seeds) -> None:
    chart = charts.compute("funnel_not_held_rate", seeds)
    data = chart.frame
    assert chart.file == "funnel_not_held_rate"
    assert data["pooled"].iloc[0] == pytest.approx(226 / 623)
    miyun = data[data["agency_short"] == "密云区"].iloc[0]
    p0 = 226 / 623
    assert miyun["high_95"] == pytest.approx(p0 + 1.959964 * math.sqrt(p0 * (1 - p0) / 588))
    assert (miyun["numerator"], miyun["denominator"]) == (216, 588)
    assert set(data["position"]) == {"within"}


def _frame(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame([(a, a, k, n) for a, k, n in rows],
                        columns=["agency", "label", "count", "total_processed"])


def test_bodies_outside_the_limits_are_named_with_their_counts() -> None:
    # pooled 150/400 = 0.375. n = 100: sd = √(0.375·0.625/100) = 0.0484, 99.8 % limits
    # 0.225–0.525: A 0.90 above, B 0.10 below. n = 200: sd = 0.0342, 99.8 % lower limit
    # 0.269: C 0.25 below. D has no base and is left out.
    frame = _frame([("A", 90, 100), ("B", 10, 100), ("C", 50, 200), ("D", 0, 0)])
    frame["share"] = frame["count"] / frame["total_processed"].where(frame["total_processed"] > 0)
    pos = funnel.positions(frame, "count", "total_processed").set_index("agency")
    assert pos["pooled"].iloc[0] == pytest.approx(150 / 400)
    assert pos.loc["A", "position"] == "above_998"
    assert pos.loc["B", "position"] == "below_998" and pos.loc["C", "position"] == "below_998"
    assert "D" not in pos.index
    text = funnel.clause(frame, "count", "total_processed", "share",
                               lambda x: f"{x:.0%}", "不掌握的比例", "zh")
    assert text.startswith("不掌握的比例显著高于总体（在95%控制限之上）的是"
                           "A（90%，90/100，超出99.8%控制限）")
    assert "显著低于总体（在95%控制限之下）的是B（10%，10/100" in text and "C（25%，50/200" in text


def test_a_small_body_with_an_extreme_rate_is_not_singled_out() -> None:
    # pooled 203/603 = 0.337; at n = 3, sd = 0.273: 95 % upper limit 0.871, 99.8 % clipped to
    # 1.0. 3 of 3 (1.0) is outside 95 % only; 2 of 3 (0.667, pooled 202/603) is within.
    frame = _frame([("big", 200, 600), ("small", 3, 3)])
    frame["share"] = frame["count"] / frame["total_processed"]
    pos = funnel.positions(frame, "count", "total_processed").set_index("agency")
    assert pos.loc["small", "position"] == "above_95"  # 1.0 > 0.90: outside 95 %, not 99.8 %
    frame = _frame([("big", 200, 600), ("small", 2, 3)])
    pos = funnel.positions(frame, "count", "total_processed").set_index("agency")
    assert pos.loc["small", "position"] == "within"


def test_the_funnel_charts_are_in_the_registry() -> None:
    assert {"funnel_not_held_rate", "funnel_disclosure_rate",
            "funnel_review_correction_rate"} <= set(charts.CHARTS)
    assert charts.names("assessment") == [f"funnel_{m}" for m in funnel.FUNNEL_METRICS]


def test_bodies_outside_the_limits_head_the_table(seeds) -> None:
    """A briefing prints a long table's first rows only: the bodies outside the limits
    come first, whatever their rate (密云区 made the one below, at the lowest rate)."""
    chart = charts.compute("funnel_not_held_rate", seeds)
    frame = chart.frame.copy()
    miyun = frame["agency_short"] == "密云区"
    frame.loc[miyun, "position"] = "below_95"
    chart.frame = frame
    rows = funnel.table(chart, "zh").rows
    assert rows[0][0].startswith("密云区") and rows[0][1] == "216/588"
    assert [r[0] for r in rows[1:3]] == ["南郊镇", "亦庄镇"]  # then by rate: 2/3, 5/11


def test_a_long_key_table_is_shortened_keeping_its_bold_rows() -> None:
    from reportkit.brief import sections
    from reportkit.charts import KeyTable

    key = KeyTable(["a", "b"], [[str(i), "x"] for i in range(100)], bold={0, 99},
                   notes=["n"])
    shown, left_out = sections.shortened(key, 40)
    assert [r[0] for r in shown.rows] == [*map(str, range(40)), "99"]
    assert shown.bold == {0, 40} and left_out == 59 and shown.notes == ["n"]
    same, none = sections.shortened(key, 100)
    assert same is key and none == 0
