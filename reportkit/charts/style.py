"""What every chart shares: the chart text (zh/en), colours, the matplotlib style with the
bundled font (:mod:`reportkit.charts.fonts`, added on first draw, never on import), the
figure layout (title, scope line, notes, source line) and the display labels of bodies.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from reportkit import analysis
from reportkit.charts import fonts
from reportkit.schema.labels import MEASURE_LABELS, OUTCOME_LABELS

__all__ = ["MEASURE_LABELS", "OUTCOME_LABELS"]

LANGS = ("zh", "en")
FORMATS = ("png", "svg", "pdf")

#: Okabe–Ito colours (distinguishable with colour-blindness), one per outcome group.
GROUP_COLORS: dict[str, str] = {
    "granted": "#009E73", "partially_granted": "#56B4E9", "withheld": "#D55E00",
    "unavailable": "#E69F00", "not_processed": "#999999", "other": "#CC79A7",
}
MEASURE_COLORS: dict[str, str] = {
    "review": "#0072B2", "litigation": "#D55E00", "litigation_direct": "#E69F00",
    "litigation_after_review": "#CC79A7",
}
OTHERS_COLOR = "#BBBBBB"


TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "scope": "{reports} 份报告 · {bodies}{years}", "bodies": "{agencies} 个机关",
        "names_sep": "、",
        "source": "数据来源：各机关政府信息公开工作年度报告",
        "small_base": "浅色斜线：办理总数不足 {n} 件，比例不稳定",
        "small_year": "空心点：该年度基数不足 {n} 件，比例不稳定",
        "panel_note": "同一批 {k} 个机关在各年度的报告（只在部分年度有报告的机关未计入）",
        "no_panel": "没有机关在所选的每个年度都有报告：无法比较同一批机关的年度变化",
        "zero_note": "另有 {k} 项办理结果为 0 件，未列出", "no_report": "无报告",
        "years": " · {first}–{last}年", "year": " · {first}年",
        "outcome_title": "政府信息公开申请办理结果",
        "outcome_group_title": "政府信息公开申请办理结果（六类）",
        "outcome_x": "申请件数（括号内为占办理总数的比例）",
        "composition_title": "各机关办理结果构成",
        "composition_x": "占本机关办理总数的比例",
        "not_held_title": "答复“本机关不掌握相关政府信息”的比例",
        "not_held_x": "占办理总数的比例（误差线：Wilson 95% 区间）",
        "rates_title": "引发行政复议、行政诉讼的比率",
        "rates_x": "每百件新收申请的案件数（误差线：Wilson 95% 区间）",
        "correction_title": "行政复议、行政诉讼结果被纠正的比例",
        "correction_x": "结果纠正 ÷ 已审结（维持 + 纠正 + 其他）",
        "outcome_trend_title": "办理结果构成的年度变化",
        "outcome_trend_y": "占办理总数的比例",
        "rates_trend_title": "行政复议、行政诉讼比率的年度变化",
        "rates_trend_y": "每百件新收申请的案件数",
        "funnel_not_held_title": "不掌握率：各机关与总体比较（漏斗图）",
        "funnel_disclosure_title": "实质公开率：各机关与总体比较（漏斗图）",
        "funnel_correction_title": "复议纠错率：各机关与总体比较（漏斗图）",
        "year_axis": "年度",
        "all": "全部机关", "others": "其他 {n} 个机关", "unknown": "（未识别机关）",
        "no_decided": "无已审结案件", "no_data": "无数据",
        "blank_note": "空白单元格视为缺失、不计为零：最多 {n} 份报告因空白未计入"
                      "（见 CSV 的 n_excluded）",
        "flag_note": "† 含算术校验未通过的报告",
        "n": "n={n}",
        "clipped_note": "▶ 区间上限超出图幅处已截断（完整数值见 CSV）",
        "year_tick": "{year}\n{reports} 份报告 · {base} 件",
        "all_panel": "{measure}（全部机关 {value}）",
    },
    "en": {
        "scope": "{reports} report{rs} · {bodies}{years}", "bodies": "{agencies} agenc{ies}",
        "names_sep": ", ",
        "source": "Source: the bodies' annual reports on open government information",
        "small_base": "Pale, hatched: fewer than {n} requests processed, shares unstable",
        "small_year": "Hollow marker: a base under {n} that year, rates unstable",
        "panel_note": "The same {k} bodies in every year (bodies reporting in some years only "
                      "are left out)",
        "no_panel": "No body reports in every year of the selection: no like-for-like trend",
        "zero_note": "{k} more outcomes with 0 requests are not listed",
        "no_report": "no report",
        "years": " · {first}–{last}", "year": " · {first}",
        "outcome_title": "Outcomes of information requests",
        "outcome_group_title": "Outcomes of information requests (six groups)",
        "outcome_x": "Requests (share of all requests processed)",
        "composition_title": "Outcomes by agency",
        "composition_x": "Share of the agency's requests processed",
        "not_held_title": "Requests answered 'information not held by this agency'",
        "not_held_x": "Share of requests processed (bars: Wilson 95% interval)",
        "rates_title": "Administrative review and litigation per 100 requests",
        "rates_x": "Cases per 100 new requests (bars: Wilson 95% interval)",
        "correction_title": "Review and litigation decided against the agency",
        "correction_x": "Corrected ÷ decided (upheld + corrected + other)",
        "outcome_trend_title": "Outcomes by year",
        "outcome_trend_y": "Share of requests processed",
        "rates_trend_title": "Review and litigation per 100 requests, by year",
        "rates_trend_y": "Cases per 100 new requests",
        "funnel_not_held_title": "Not-held rate: each agency against all (funnel plot)",
        "funnel_disclosure_title": "Disclosure rate: each agency against all (funnel plot)",
        "funnel_correction_title": "Review correction rate: each agency against all "
                                   "(funnel plot)",
        "year_axis": "Year",
        "all": "All agencies", "others": "{n} other agencies", "unknown": "(unidentified)",
        "no_decided": "no decided cases", "no_data": "no data",
        "blank_note": "Blank cells are missing, never zero: up to {n} reports left out "
                      "(n_excluded in the CSV)",
        "flag_note": "† includes reports that fail their own arithmetic",
        "n": "n={n}",
        "clipped_note": "▶ intervals cut at the edge of the chart (full values in the CSV)",
        "year_tick": "{year}\n{reports} report{rs} · {base} requests",
        "all_panel": "{measure} (all agencies {value})",
    },
}

_STYLE: dict[str, object] = {
    "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#555555",
    "axes.titlesize": 11, "axes.labelsize": 9.5, "axes.labelcolor": "#333333",
    "xtick.labelsize": 9, "ytick.labelsize": 9.5, "xtick.color": "#444444",
    "ytick.color": "#222222", "legend.fontsize": 9, "legend.frameon": False,
    "figure.titlesize": 14, "font.size": 9.5, "grid.color": "#E6E6E6",
    "grid.linewidth": 0.8, "axes.axisbelow": True,
}


def text(lang: str) -> dict[str, str]:
    """The chart text of ``lang``; a ValueError for a language there is none of."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return TEXT[lang]


def rc() -> dict[str, object]:
    """The charts' matplotlib settings, the bundled font added to matplotlib first (once)."""
    fonts.add()
    return {**_STYLE, **fonts.rc_params()}


def pct(x: float, _pos: object = None) -> str:
    """An axis tick as a whole percentage."""
    return f"{x:.0%}"


def fmt_count(x: float) -> str:
    """A count with thousands separators, "–" for NaN."""
    return "–" if pd.isna(x) else f"{x:,.0f}"


def fmt_share(x: float) -> str:
    """A share (0–1) as a percentage with one decimal, "–" for NaN."""
    return "–" if pd.isna(x) else f"{x:.1%}"


def fmt_rate(x: float) -> str:
    """A rate per 100 with one decimal, "–" for NaN."""
    return "–" if pd.isna(x) else f"{x:.1f}"


def scope_line(s: dict, lang: str) -> str:
    """The line under a chart's title: reports, bodies, years of the selection."""
    t = text(lang)
    years = s["years"]
    span = ""
    if years:
        span = (t["year"].format(first=years[0]) if len(years) == 1
                else t["years"].format(first=years[0], last=years[-1]))
    names = list(s.get("names") or [])
    bodies = (t["names_sep"].join(names) if 0 < len(names) <= MAX_NAMED
              else t["bodies"].format(agencies=s["agencies"],
                                      ies="y" if s["agencies"] == 1 else "ies"))
    return t["scope"].format(reports=s["reports"], bodies=bodies, years=span,
                             rs="" if s["reports"] == 1 else "s")


HEADER_IN = 0.78  # inches above the plot for the title and the scope line
NOTE_IN = 0.2  # inches below the plot per note line (the source line is one more)
MAX_NAMED = 3  # the scope line names the bodies when there are this many or fewer
SMALL_BASE = 30  # a base under this is drawn pale / hollow (shares and rates unstable)


class ChartFigure(Figure):
    """A matplotlib Figure that shows itself in Jupyter (as PNG) without pyplot, so a chart
    displays once, when it is a cell's last expression, and is never kept by pyplot."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        with mpl.rc_context(rc()):
            self.savefig(buffer, format="png", dpi=100, bbox_inches="tight",
                         pad_inches=0.15, facecolor="white")
        return buffer.getvalue()


def new_figure(width: float, body_height: float, notes: Sequence[str] = ()) -> Figure:
    """A figure whose constrained layout leaves room for a header, ``notes`` lines and the
    source line."""
    lines = len(notes) + 1
    height = body_height + HEADER_IN + NOTE_IN * lines
    fig = ChartFigure(figsize=(width, height), layout="constrained")
    bottom = NOTE_IN * lines / height
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, 1.0 - bottom - HEADER_IN / height),
                                h_pad=0.06, w_pad=0.06)
    return fig


def source_line(lang: str, credit: str | None = None) -> str:
    """"数据来源：各机关政府信息公开工作年度报告", with `` · credit`` when given."""
    line = text(lang)["source"]
    return f"{line} · {credit}" if credit else line


def decorate(fig: Figure, title: str, subtitle: str, notes: Sequence[str], *,
             lang: str = "zh", credit: str | None = None) -> None:
    """Title and scope line on top; under the chart the notes (blank rule, flags) and,
    last, the source line (:func:`source_line`, ``credit`` appended)."""
    h = fig.get_figheight()
    fig.text(0.012, 1 - 0.1 / h, title, ha="left", va="top", fontsize=14, color="#111111")
    fig.text(0.012, 1 - 0.44 / h, subtitle, ha="left", va="top", fontsize=9.5,
             color="#555555")
    lines = [*notes, source_line(lang, credit)]
    for i, note in enumerate(lines):
        last = i == len(lines) - 1
        fig.text(0.012, (NOTE_IN * (len(lines) - i) - 0.03) / h, note, ha="left", va="top",
                 fontsize=8 if last else 8.5, color="#888888" if last else "#666666")


def spread(positions: Sequence[float], gap: float) -> list[float]:
    """``positions`` (e.g. label heights in points) moved apart as little as possible so
    that neighbours are at least ``gap`` apart, order kept: labels that never collide."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [float(positions[i]) for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    # centre the moved block on where the labels wanted to be
    shift = (sum(placed) - sum(float(positions[i]) for i in order)) / max(len(placed), 1)
    placed = [p - shift for p in placed]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    out = [0.0] * len(placed)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


def notes(data: pd.DataFrame, lang: str) -> list[str]:
    """The notes under a chart: reports left out for blanks, figures resting on reports
    that fail their own arithmetic."""
    t = text(lang)
    notes = []
    excluded = int(data["n_excluded"].max()) if len(data) else 0
    if excluded:
        notes.append(t["blank_note"].format(n=excluded))
    if len(data) and bool(data["flag_failed_checks"].any()):
        notes.append(t["flag_note"])
    return notes


def agency_labels(frame: pd.DataFrame, lang: str = "zh") -> pd.Series:
    """Display names for the ``agency`` rows of ``frame``: the short name, the full name
    where two agencies share a short name, "others (n)" for the pooled row, and a dagger
    where a figure rests on reports that fail their own arithmetic."""
    t = text(lang)
    agency = frame["agency"].astype(object)
    short = frame["agency_short"].astype(object).where(frame["agency_short"].notna(), "")
    shown = short.where(short.astype(str).str.len() > 0, agency).astype(object)
    pairs = pd.DataFrame({"agency": agency, "short": shown}).drop_duplicates()
    clash = pairs["short"].duplicated(keep=False)
    clashing = set(pairs.loc[clash, "short"])
    shown = shown.where(~shown.isin(clashing), agency)
    shown = shown.where(agency.notna() & (agency.astype(str) != ""), t["unknown"])
    is_others = agency == analysis.OTHERS
    shown = shown.where(~is_others, short.map(lambda n: t["others"].format(n=n)))
    return shown.astype(str)


def labelled(frame: pd.DataFrame, lang: str, dagger: bool = True) -> pd.DataFrame:
    """``frame`` (with ``agency``, ``agency_short``, ``is_overall``, ``is_others``) with a
    display ``label`` first: the body's label (:func:`agency_labels`, † where flagged, when
    ``dagger``), "其他 n 个机关" for the pooled others (whose ``agency`` and ``agency_short``
    become that label too) and "全部机关" for the overall rows (label, agency and
    agency_short), as the charts' CSV files hold them."""
    t = text(lang)
    out = frame.copy()
    overall = out["is_overall"].astype(bool)
    label = pd.Series(t["all"], index=out.index, dtype=object)
    if (~overall).any():
        label[~overall] = agency_labels(out[~overall], lang)
    if dagger:
        flagged = out["flag_failed_checks"].astype(bool) & ~overall
        label = label.where(~flagged, label + " †")
    out.insert(0, "label", label.astype(str))
    others = out["is_others"].astype(bool)
    for col in ("agency", "agency_short"):
        out[col] = out[col].astype(object)
        out.loc[others, col] = out.loc[others, "label"]
        out.loc[overall, col] = t["all"]
    return out


def order_by_volume(frame: pd.DataFrame, volume: pd.Series) -> list[str]:
    """Agency keys, largest first, the pooled "others" last."""
    keys = list(dict.fromkeys(frame["agency"]))
    rank = {a: i for i, a in enumerate(volume.index)}
    keys.sort(key=lambda a: (a == analysis.OTHERS, rank.get(a, len(rank))))
    return keys


def ranked_bars(ax: object, labels: Sequence[str], rates: np.ndarray, low: np.ndarray,
                 high: np.ndarray, texts: Sequence[str], colors: Sequence[str],
                 cap: float, xmax: float) -> bool:
    """Horizontal bars top to bottom with Wilson interval whiskers (cut at ``cap``, marked
    ▶) and a text each. Returns whether any whisker was cut."""
    y = np.arange(len(labels))[::-1]
    rates = np.asarray(rates, dtype=float)
    shown_high = np.minimum(high, cap)
    ax.barh(y, np.nan_to_num(rates), color=colors, height=0.65)
    err = np.maximum(np.vstack([np.nan_to_num(rates - low),
                                np.nan_to_num(shown_high - rates)]), 0.0)
    ok = ~np.isnan(rates) & ~np.isnan(low)
    ax.errorbar(rates[ok], y[ok], xerr=err[:, ok], fmt="none", ecolor="#333333",
                elinewidth=0.9, capsize=2.5)
    cut = ok & (np.nan_to_num(high) > cap)
    if cut.any():
        ax.plot(np.full(int(cut.sum()), cap), y[cut], marker=">", linestyle="none",
                color="#333333", markersize=5)
    for yi, r, h, s in zip(y, rates, shown_high, texts, strict=True):
        x = max(0.0 if np.isnan(r) else r, 0.0 if np.isnan(h) else h)
        ax.text(x + xmax * 0.012, yi, s, va="center", fontsize=8, color="#222222")
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_xlim(0, xmax)
    ax.xaxis.grid(True)
    return bool(cut.any())


def cap(rates: np.ndarray, highs: np.ndarray, fallback: float) -> float:
    """Where interval whiskers are cut: the widest interval, but no further than 2.5 times
    the largest rate, so that a few tiny denominators do not flatten every bar."""
    top_rate = float(np.nanmax(np.append(rates, 0.0)))
    top_high = float(np.nanmax(np.append(highs, 0.0)))
    if top_high <= 0:
        return max(top_rate, fallback)
    if top_rate <= 0:
        return top_high
    return min(top_high, max(top_rate * 2.5, fallback))


def by_year(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[frame["year"].notna()].copy()
    out["year"] = out["year"].astype(int)
    return out.sort_values("year", kind="stable")


def year_ticks(data: pd.DataFrame, base: str, lang: str,
               years: Sequence[int] | None = None) -> list[str]:
    """Tick labels "2021 / n reports · m requests" so a thin year shows as thin, one per
    year of ``years`` (default the years of ``data``; a year without data says so)."""
    t = text(lang)
    per_year = data.groupby("year").agg(reports=("n_reports", "max"), base=(base, "max"))
    ticks = []
    for y in (per_year.index if years is None else years):
        if y not in per_year.index:
            ticks.append(f"{y}\n{t['no_report']}")
            continue
        r = per_year.loc[y]
        ticks.append(t["year_tick"].format(year=y, reports=int(r.reports),
                                           base=fmt_count(r.base),
                                           rs="" if int(r.reports) == 1 else "s"))
    return ticks


def table_frame(data: object, lang: str) -> pd.DataFrame:
    """A chart's numbers as its CSV file holds them: ``data.frame`` with a display ``label``
    first (a body's, an outcome's or a measure's, after ``data.options["labels"]``) and
    without the ``is_overall`` / ``is_others`` flags."""
    frame = data.frame  # type: ignore[attr-defined]
    kind = data.options.get("labels", "agency")  # type: ignore[attr-defined]
    if kind == "agency":
        out = labelled(frame, lang, dagger=data.options.get("dagger", True))  # type: ignore[attr-defined]
    else:
        names = OUTCOME_LABELS[lang] if kind == "outcome" else MEASURE_LABELS[lang]
        out = frame.copy()
        out.insert(0, "label", out[kind].map(names))
    return out.drop(columns=["is_overall", "is_others"]).reset_index(drop=True)
