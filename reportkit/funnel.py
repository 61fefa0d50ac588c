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
:func:`reportkit.metrics.compute` (blank rule included); bodies with a base of 0 are left
out. ``fig.reportkit_data`` holds, per body: the metric's columns, ``pooled``, the four
limits at its base and ``position`` (``above_998``, ``above_95``, ``within``, ``below_95``,
``below_998``).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from reportkit import plots
from reportkit.analysis import metrics

Z95, Z998 = 1.959963984540054, 3.090232306167813
#: The metrics drawn as funnels by default (the briefing's funnel charts).
FUNNEL_METRICS: tuple[str, ...] = ("not_held_rate", "disclosure_rate", "review_correction_rate")
POSITIONS = ("above_998", "above_95", "within", "below_95", "below_998")

TEXT = {
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


def funnel_plot(values: pd.DataFrame, reports: pd.DataFrame, metric: str = "not_held_rate",
                *, lang: str = "zh", title: str | None = None,
                label_limit: int = 12) -> Figure:
    """The funnel plot of ``metric`` (a share of :data:`reportkit.metrics.METRICS`): each body
    a point at (base, rate), the pooled rate and its 95 % and 99.8 % limits, bodies outside
    the 95 % limits labelled (at most ``label_limit``, furthest first). File name
    ``funnel_<metric>``."""
    t, pt = TEXT[lang], plots._text(lang)
    data = funnel_data(values, reports, metric)
    data.insert(0, "label", plots.agency_labels(data, lang))
    m = metrics.METRICS[metric]
    name = m.zh if lang == "zh" else m.en
    base = t["base"][_base_key(metric)]
    notes = [t["note"], *plots._notes(data, lang)]
    with mpl.rc_context(plots._rc()):
        fig = plots._new_figure(9.0, 5.2, notes)
        ax = fig.add_subplot()
        if len(data) and not np.isnan(data["pooled"].iloc[0]):
            _draw(ax, data, t, label_limit)
        else:
            ax.text(0.5, 0.5, pt["no_data"], ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel(t["x"].format(base=base))
        ax.set_ylabel(t["y"].format(metric=name))
        ax.yaxis.set_major_formatter(FuncFormatter(plots._pct))
        plots._decorate(fig, title or t["title"].format(metric=name),
                        plots._scope_line(reports, lang), notes)
    return plots._attach(fig, data, f"funnel_{metric}")


def _draw(ax: object, data: pd.DataFrame, t: dict, label_limit: int) -> None:
    pooled = float(data["pooled"].iloc[0])
    n_max = float(data["denominator"].max())
    grid = np.unique(np.concatenate([np.linspace(1, max(n_max * 1.08, 2), 400),
                                     np.geomspace(1, max(n_max * 1.08, 2), 200)]))
    for z, style, key in ((Z95, "--", "l95"), (Z998, ":", "l998")):
        low, high = limits(pooled, grid, z)
        ax.plot(grid, high, color="#555555", linestyle=style, linewidth=1.0, label=t[key])
        ax.plot(grid, low, color="#555555", linestyle=style, linewidth=1.0)
    ax.axhline(pooled, color="#0072B2", linewidth=1.1,
               label=t["pooled"].format(v=plots._fmt_share(pooled)))
    colors = data["position"].map({"above_998": "#D55E00", "above_95": "#E69F00",
                                   "below_95": "#56B4E9", "below_998": "#0072B2",
                                   "within": "#999999"})
    ax.scatter(data["denominator"], data["value"], s=22, c=colors.tolist(), zorder=3,
               edgecolors="white", linewidths=0.5)
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
        ax.annotate(f"{r['label']} {plots._fmt_share(r['value'])}",
                    (r["denominator"], r["value"]), xytext=(5, dy),
                    textcoords="offset points", fontsize=8, color="#222222",
                    arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.5}
                    if dy != 3.0 else None)


def funnel_plots(values: pd.DataFrame, reports: pd.DataFrame,
                 names: Sequence[str] = FUNNEL_METRICS, lang: str = "zh") -> list[Figure]:
    """One funnel plot per metric of ``names``."""
    return [funnel_plot(values, reports, n, lang=lang) for n in names]
