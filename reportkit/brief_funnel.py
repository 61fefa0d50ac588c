"""The briefing's funnel pieces: which bodies stand out (outside the 95 % limits of a funnel
plot, :mod:`reportkit.funnel`), as a clause for the "highest / lowest" sentences, and the
table and sentence of each funnel chart.

A body stands out when its rate lies outside ``p0 ± 1.96·sqrt(p0(1−p0)/n)`` around the
pooled rate ``p0`` at its own base ``n`` — not because it has the highest raw rate, and
without any minimum base (small bodies have wide limits, so they rarely stand out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from reportkit.analysis import metrics

# funnel (and with it matplotlib) is imported where it is used: importing the briefing does
# not draw.
Z95, Z998 = 1.959963984540054, 3.090232306167813

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "above": "{what}显著高于总体（在95%控制限之上）的是{items}",
        "below": "显著低于总体（在95%控制限之下）的是{items}",
        "none": "各机关的{what}都在总体比率的95%控制限之内，彼此的差异可能出于偶然",
        "strong": "，超出99.8%控制限",
        "item": "{agency}（{value}，{num}/{den}{strong}）",
        "more": "等{k}个机关",
        "sentence": "{n}个机关的{metric}合计为{pooled}（{num}/{den}）；{clause}。",
        "funnel_note": "控制限：总体比率 ± 1.96 或 3.09 × √(p(1−p)/n)，n 为该机关的{base}件数。",
        "position": "位置", "base": "基数", "limits": "95%控制限",
        "pos_above_998": "高于（99.8%限外）", "pos_above_95": "高于（95%限外）",
        "pos_within": "限内", "pos_below_95": "低于（95%限外）",
        "pos_below_998": "低于（99.8%限外）",
    },
    "en": {
        "above": "{what} is above the 95% limits around the pooled rate at {items}",
        "below": "below them at {items}",
        "none": "every agency's {what} lies within the 95% limits around the pooled rate, so "
                "their differences may be chance",
        "strong": ", beyond the 99.8% limits",
        "item": "{agency} ({value}, {num}/{den}{strong})",
        "more": " and others ({k} in all)",
        "sentence": "Across {n} agencies the {metric} is {pooled} ({num}/{den}); {clause}.",
        "funnel_note": "Limits: pooled rate ± 1.96 or 3.09 × √(p(1−p)/n), n being the "
                       "agency's {base}.",
        "position": "Position", "base": "Base", "limits": "95% limits",
        "pos_above_998": "above (99.8%)", "pos_above_95": "above (95%)",
        "pos_within": "within", "pos_below_95": "below (95%)", "pos_below_998": "below (99.8%)",
    },
}


def positions(frame: pd.DataFrame, num: str, den: str) -> pd.DataFrame:
    """``frame`` (one row per body, counts in ``num`` of ``den``) with the pooled rate, the
    body's rate and its funnel ``position``. Rows without a positive base are dropped."""
    from reportkit.funnel import limits

    rows = frame[frame[den].fillna(0) > 0].copy()
    pooled = float(rows[num].sum() / rows[den].sum()) if len(rows) else np.nan
    rate = (rows[num] / rows[den]).to_numpy(float)
    n = rows[den].to_numpy(float)
    low95, high95 = limits(pooled, n, Z95)
    low998, high998 = limits(pooled, n, Z998)
    eps = 1e-12
    rows["_rate"], rows["pooled"] = rate, pooled
    rows["position"] = np.select(
        [rate > high998 + eps, rate > high95 + eps, rate < low998 - eps, rate < low95 - eps],
        ["above_998", "above_95", "below_998", "below_95"], "within")
    return rows


def _items(rows: pd.DataFrame, t: dict[str, str], num: str, den: str,
           fmt: Callable[[object], str], value: str, ascending: bool, limit: int = 3) -> str:
    rows = rows.sort_values("_rate", ascending=ascending, kind="stable")
    items = [t["item"].format(agency=r["label"], value=fmt(r[value]), num=f"{r[num]:,.0f}",
                              den=f"{r[den]:,.0f}",
                              strong=t["strong"] if r["position"].endswith("998") else "")
             for _, r in rows.head(limit).iterrows()]
    sep = "、" if t is TEXT["zh"] else ", "
    return sep.join(items) + (t["more"].format(k=len(rows)) if len(rows) > limit else "")


def clause(frame: pd.DataFrame, num: str, den: str, value: str,
           fmt: Callable[[object], str], what: str, lang: str,
           sides: tuple[str, ...] = ("above", "below")) -> str:
    """Which bodies of ``frame`` (labelled, one row per body) stand out on ``sides``, as a
    clause: "X显著高于总体（在95%控制限之上）的是A（…）；显著低于…的是B（…）", or that none
    does. Empty for fewer than two bodies."""
    t = TEXT[lang]
    rows = positions(frame, num, den)
    if rows["agency"].nunique() < 2:
        return ""
    parts = []
    for side in sides:
        chosen = rows[rows["position"].str.startswith(side)]
        if len(chosen):
            parts.append(t[side].format(what=what, items=_items(
                chosen, t, num, den, fmt, value, ascending=side == "below")))
    if not parts:
        return t["none"].format(what=what)
    return ("；" if lang == "zh" else "; ").join(parts)


def _label(metric: str, lang: str) -> str:
    m = metrics.METRICS[metric]
    return m.zh if lang == "zh" else m.en.lower()


def table(ctx: Any, metric: str) -> Any:
    """The table under a funnel chart: each body's counts, rate, 95 % limits, position."""
    from reportkit import brief, funnel

    t, ft = ctx.t, TEXT[ctx.lang]
    data = ctx.data.sort_values("value", ascending=False, kind="stable")
    rows = [[brief._dagger(r["label"], r["flag_failed_checks"]),
             f"{r['numerator']:,.0f}/{r['denominator']:,.0f}", brief._pct(r["value"], t),
             brief._ci(r["low_95"], r["high_95"], t, True), ft[f"pos_{r['position']}"]]
            for _, r in data.iterrows()]
    base = funnel.TEXT[ctx.lang]["base"][funnel._base_key(metric)]
    notes = [ft["funnel_note"].format(base=base), *brief._notes(ctx.data, t)]
    return brief.KeyTable([t["agency"], ft["base"], t["share"], ft["limits"], ft["position"]],
                          rows, notes=notes)


def sentence(ctx: Any, metric: str) -> str:
    """The pooled rate and the bodies outside the limits, with their counts."""
    from reportkit import brief

    t, ft = ctx.t, TEXT[ctx.lang]
    data = ctx.data
    if data.empty or pd.isna(data["pooled"].iloc[0]):
        return ""
    text = clause(data, "numerator", "denominator", "value", lambda x: brief._pct(x, t),
                  _label(metric, ctx.lang), ctx.lang) or ft["none"].format(
        what=_label(metric, ctx.lang))
    return ft["sentence"].format(
        n=len(data), metric=_label(metric, ctx.lang), pooled=brief._pct(data["pooled"].iloc[0], t),
        num=f"{data['numerator'].sum():,.0f}", den=f"{data['denominator'].sum():,.0f}",
        clause=text) + brief._excluded_sentence(data, t)


def draw(metric: str) -> Callable[..., Any]:
    """The chart registry's draw function for the funnel of ``metric``."""
    def _draw(values: pd.DataFrame, reports: pd.DataFrame, lang: str,
              top_n: int | None) -> Any:
        from reportkit import funnel

        return funnel.funnel_plot(values, reports, metric, lang=lang)
    return _draw
