"""Funnel plots: each body's rate against its base, with control limits around the pooled rate.

Ranking bodies of very different sizes by a raw rate misleads: a township with 3 requests
shows 0 % or 67 % by chance alone. The standard for comparing institutions (Spiegelhalter,
*Funnel plots for comparing institutional performance*, Stat Med 2005) plots each body's
rate ``p_i = k_i / n_i`` against its base ``n_i`` with limits around the pooled rate
``p0 = Σk / Σn``, within which a body's rate would fall by chance if its true rate were
``p0``:

    p0 ± z · sqrt(p0 (1 − p0) / n),     z = 1.96 (95 %), 3.09 (99.8 %)

(the normal approximation to the binomial, clipped to [0, 1]). A body outside the 95 %
limits is labelled; outside 99.8 % it is a strong signal (about 1 in 500 by chance). No
minimum base is needed: small bodies have wide limits. Rates are computed by
:func:`reportkit.analysis.metrics.compute` (blank rule included); bodies with a base of 0 are
left out. The chart's frame holds, per body: the metric's columns, ``pooled``, the four
limits at its base and ``position`` (``above_998``, ``above_95``, ``within``, ``below_95``,
``below_998``).

The same limits decide which bodies the briefing's sentences name (:func:`clause`): a body
stands out when its rate lies outside the 95 % limits at its own base — not because it has
the highest raw rate, and without any minimum base (small bodies have wide limits, so they
rarely stand out).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from reportkit.analysis import metrics
from reportkit.charts import style, words
from reportkit.charts.base import Chart, ChartData, CorpusLike, KeyTable, Selection, flags, register
from reportkit.charts.select import scope, selected

Z95, Z998 = 1.959963984540054, 3.090232306167813
#: The metrics drawn as funnels (the funnel charts of the registry: ``funnel_<metric>``).
FUNNEL_METRICS: tuple[str, ...] = ("not_held_rate", "disclosure_rate", "review_correction_rate")
POSITIONS = ("above_998", "above_95", "within", "below_95", "below_998")

CHART_TEXT = {
    "zh": {"title": "{metric}：各机关与总体比较（漏斗图）",
           "x": "{base}（件）", "y": "{metric}",
           "pooled": "总体 {v}", "l95": "95% 控制限", "l998": "99.8% 控制限",
           "note": "控制限：总体比率 ± z·√(p(1−p)/n)，z = 1.96 / 3.09；限外机关已标注",
           "base": {"total_processed": "办理总数", "decided": "已审结案件",
                    "new_requests": "新收申请"}},
    "en": {"title": "{metric}: each agency against all (funnel plot)",
           "x": "{base}", "y": "{metric}",
           "pooled": "All agencies {v}", "l95": "95% limits", "l998": "99.8% limits",
           "note": "Limits: pooled rate ± z·√(p(1−p)/n), z = 1.96 / 3.09; agencies outside "
                   "are labelled",
           "base": {"total_processed": "Requests processed", "decided": "Decided cases",
                    "new_requests": "New requests"}},
}

CLAUSE_TEXT: dict[str, dict[str, str]] = {
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
        "none": "for every agency, {what} lies within the 95% limits around the pooled rate, "
                "so their differences may be chance",
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


#: The colour of a body's point by its position (the bodies within the limits drawn first).
POINT_COLORS = {"within": "#999999", "above_95": "#E69F00", "below_95": "#56B4E9",
                "above_998": "#D55E00", "below_998": "#0072B2"}
#: Above this many bodies the points are drawn as an image inside the SVG and PDF (axes,
#: limits and labels stay vector): tens of thousands of vector markers make files of
#: megabytes that Word and browsers draw slowly.
RASTER_POINTS = 2000


def limits(pooled: float, base: object, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits at ``base`` (array) around ``pooled``, clipped to
    [0, 1]; NaN where the base is not positive."""
    n = np.asarray(base, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        half = z * np.sqrt(pooled * (1.0 - pooled) / n)
    half = np.where(n > 0, half, np.nan)
    return np.clip(pooled - half, 0.0, 1.0), np.clip(pooled + half, 0.0, 1.0)


def funnel_data(values: pd.DataFrame, reports: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per body (:func:`reportkit.metrics.body_column`): the metric, the pooled rate, the
    95 % and 99.8 % limits at the body's base and its ``position`` (module docstring)."""
    if metrics.METRICS[metric].scale != 1.0:
        raise ValueError(f"{metric} is not a share: a funnel needs k of n")
    per = metrics.compute(values, reports, by="agency", metrics=[metric])
    per = per[per["denominator"].fillna(0) > 0].copy()
    total_k, total_n = per["numerator"].sum(), per["denominator"].sum()
    pooled = float(total_k / total_n) if total_n > 0 else np.nan
    per["pooled"] = pooled
    n = per["denominator"].to_numpy(float)
    per["low_95"], per["high_95"] = limits(pooled, n, Z95)
    per["low_998"], per["high_998"] = limits(pooled, n, Z998)
    v = per["value"].to_numpy(float)
    eps = 1e-12
    position = np.select(
        [v > per["high_998"] + eps, v > per["high_95"] + eps, v < per["low_998"] - eps,
         v < per["low_95"] - eps], ["above_998", "above_95", "below_998", "below_95"],
        "within")
    per["position"] = np.where(np.isnan(v) | np.isnan(pooled), "within", position)
    return per.reset_index(drop=True)


def outside(data: pd.DataFrame, side: str = "above") -> pd.DataFrame:
    """Bodies outside the 95 % limits on ``side`` ("above" or "below"), furthest first."""
    rows = data[data["position"].str.startswith(side)]
    z = (rows["value"] - rows["pooled"]) / np.sqrt(
        rows["pooled"] * (1 - rows["pooled"]) / rows["denominator"])
    return rows.assign(_z=z.abs()).sort_values("_z", ascending=False).drop(columns="_z")


def _base_key(metric: str) -> str:
    den = metrics.METRICS[metric].denominator
    if "pending" in den:
        return "decided"
    return "new_requests" if den.startswith("new_requests") else "total_processed"


def positions(frame: pd.DataFrame, num: str, den: str) -> pd.DataFrame:
    """``frame`` (one row per body, counts in ``num`` of ``den``) with the pooled rate, the
    body's rate and its funnel ``position``. Rows without a positive base are dropped."""
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
    sep = "、" if t is CLAUSE_TEXT["zh"] else ", "
    return sep.join(items) + (t["more"].format(k=len(rows)) if len(rows) > limit else "")


def clause(frame: pd.DataFrame, num: str, den: str, value: str,
           fmt: Callable[[object], str], what: str, lang: str,
           sides: tuple[str, ...] = ("above", "below")) -> str:
    """Which bodies of ``frame`` (labelled, one row per body) stand out on ``sides``, as a
    clause: "X显著高于总体（在95%控制限之上）的是A（…）；显著低于…的是B（…）", or that none
    does. Empty for fewer than two bodies."""
    t = CLAUSE_TEXT[lang]
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


def _draw(ax: object, data: pd.DataFrame, t: dict, label_limit: int) -> None:
    pooled = float(data["pooled"].iloc[0])
    n_max = float(data["denominator"].max())
    grid = np.unique(np.concatenate([np.linspace(1, max(n_max * 1.08, 2), 400),
                                     np.geomspace(1, max(n_max * 1.08, 2), 200)]))
    for z, dash, key in ((Z95, "--", "l95"), (Z998, ":", "l998")):
        low, high = limits(pooled, grid, z)
        ax.plot(grid, high, color="#555555", linestyle=dash, linewidth=1.0, label=t[key])
        ax.plot(grid, low, color="#555555", linestyle=dash, linewidth=1.0)
    ax.axhline(pooled, color="#0072B2", linewidth=1.1,
               label=t["pooled"].format(v=style.fmt_share(pooled)))
    # one marker collection a colour: drawn as stamped markers, not a path a point
    for position, color in POINT_COLORS.items():
        points = data[data["position"] == position]
        if len(points):
            ax.scatter(points["denominator"], points["value"], s=22, color=color, zorder=3,
                       edgecolors="white", linewidths=0.5,
                       rasterized=len(data) > RASTER_POINTS)
    ax.set_xscale("log")
    ax.set_xlim(0.8, max(n_max * 1.3, 10))
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:,.0f}"))
    ax.set_ylim(-0.02, 1.02)
    flagged = pd.concat([outside(data, "above"), outside(data, "below")]).head(label_limit)
    _labels(ax, flagged)
    ax.grid(True, alpha=0.4)
    ax.legend(loc="upper right", fontsize=8)


def _labels(ax: object, flagged: pd.DataFrame) -> None:
    """Label the points outside the limits, each label moved down a line while it would
    overlap one already placed (positions compared in points on the page)."""
    placed: list[tuple[float, float]] = []
    to_points = ax.transData  # display pixels; scale to points below
    dpi = ax.figure.dpi
    for _, r in flagged.iterrows():
        x, y = to_points.transform((r["denominator"], r["value"])) * 72.0 / dpi
        dy = 3.0
        while any(abs(x - px) < 120 and abs(y + dy - py) < 10 for px, py in placed):
            dy -= 10.0
        placed.append((x, y + dy))
        ax.annotate(f"{r['label']} {style.fmt_share(r['value'])}",
                    (r["denominator"], r["value"]), xytext=(5, dy),
                    textcoords="offset points", fontsize=8, color="#222222",
                    arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.5}
                    if dy != 3.0 else None)


def _label(metric: str, lang: str) -> str:
    m = metrics.METRICS[metric]
    return m.zh if lang == "zh" else m.en.lower()


def compute(corpus: CorpusLike, selection: Selection, metric: str = "not_held_rate"
            ) -> ChartData:
    """Per body, ``metric`` against its base with the pooled rate, the limits and each
    body's position (:func:`funnel_data`); every body, no pooled "others"."""
    values, reports = selected(corpus, selection)
    frame = flags(funnel_data(values, reports, metric))
    return ChartData(f"funnel_{metric}", f"funnel_{metric}", frame, scope(reports), selection,
                     options={"metric": metric, "labels": "agency", "dagger": False})


def draw(data: ChartData, lang: str = "zh", *, title: str | None = None,
         credit: str | None = None,
         label_limit: int = 12) -> Figure:
    """The funnel plot: each body a point at (base, rate), the pooled rate and its 95 % and
    99.8 % limits, bodies outside the 95 % limits labelled (at most ``label_limit``,
    furthest first)."""
    metric = data.options["metric"]
    t, pt = CHART_TEXT[lang], style.text(lang)
    frame = style.table_frame(data, lang)
    m = metrics.METRICS[metric]
    name = m.zh if lang == "zh" else m.en
    base = t["base"][_base_key(metric)]
    notes = [t["note"], *style.notes(frame, lang)]
    with mpl.rc_context(style.rc()):
        fig = style.new_figure(9.0, 5.2, notes)
        ax = fig.add_subplot()
        if len(frame) and not np.isnan(frame["pooled"].iloc[0]):
            _draw(ax, frame, t, label_limit)
        else:
            ax.text(0.5, 0.5, pt["no_data"], ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel(t["x"].format(base=base))
        ax.set_ylabel(t["y"].format(metric=name))
        ax.yaxis.set_major_formatter(FuncFormatter(style.pct))
        style.decorate(fig, title or t["title"].format(metric=name),
                       style.scope_line(data.scope, lang), notes, lang=lang,
                       credit=credit)
    return fig


def table(data: ChartData, lang: str) -> KeyTable:
    """The table under a funnel chart: each body's counts, rate, 95 % limits, position;
    the bodies outside the limits first (what a shortened table must keep), then by rate."""
    t, ft = words.words(lang), CLAUSE_TEXT[lang]
    metric = data.options["metric"]
    frame = style.table_frame(data, lang)
    ordered = frame.assign(_inside=frame["position"].eq("within")).sort_values(
        ["_inside", "value"], ascending=[True, False], kind="stable")
    columns = ("label", "flag_failed_checks", "numerator", "denominator", "value", "low_95",
               "high_95", "position")
    rows = [[words.dagger(label, flagged), f"{num:,.0f}/{den:,.0f}", words.pct(value, t),
             words.ci(low, high, t, True), ft[f"pos_{position}"]]
            for label, flagged, num, den, value, low, high, position
            in zip(*(ordered[c].tolist() for c in columns))]
    base = CHART_TEXT[lang]["base"][_base_key(metric)]
    notes = [ft["funnel_note"].format(base=base), *words.table_notes(frame, t)]
    return KeyTable([t["agency"], ft["base"], t["share"], ft["limits"], ft["position"]],
                    rows, notes=notes)


def describe(data: ChartData, lang: str) -> str:
    """The pooled rate and the bodies outside the limits, with their counts."""
    t, ft = words.words(lang), CLAUSE_TEXT[lang]
    metric = data.options["metric"]
    frame = style.table_frame(data, lang)
    if frame.empty or pd.isna(frame["pooled"].iloc[0]):
        return ""
    what = _label(metric, lang)
    text = clause(frame, "numerator", "denominator", "value", lambda x: words.pct(x, t),
                  what, lang) or ft["none"].format(what=what)
    return ft["sentence"].format(
        n=len(frame), metric=what, pooled=words.pct(frame["pooled"].iloc[0], t),
        num=f"{frame['numerator'].sum():,.0f}", den=f"{frame['denominator'].sum():,.0f}",
        clause=text) + words.excluded_sentence(frame, t)


_TITLE_KEYS = {"not_held_rate": "funnel_not_held_title",
               "disclosure_rate": "funnel_disclosure_title",
               "review_correction_rate": "funnel_correction_title"}


def _title(lang: str, metric: str) -> str:
    key = _TITLE_KEYS.get(metric)
    if key:
        return style.text(lang)[key]
    m = metrics.METRICS[metric]
    return CHART_TEXT[lang]["title"].format(metric=m.zh if lang == "zh" else m.en)


for _metric in FUNNEL_METRICS:
    register(Chart(f"funnel_{_metric}", partial(compute, metric=_metric), draw, describe,
                   table, title=partial(_title, metric=_metric), topic="assessment"))
