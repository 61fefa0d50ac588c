"""Charts for briefings: one function per chart, each returning a matplotlib Figure.

Importing this module registers the bundled Chinese font (:mod:`reportkit.fonts`), so every
glyph draws on a machine without system fonts, SVGs keep the text as paths and PDFs embed
the font. Titles, axes and legends are Chinese by default and English with ``lang="en"``.

Every chart function takes the tidy ``values`` and ``reports`` frames (already narrowed
with :func:`reportkit.analysis.select`), computes its figures with
:mod:`reportkit.analysis`, and attaches the numbers it drew as ``fig.reportkit_data`` (a
DataFrame) and a file stem as ``fig.reportkit_name``; :func:`save_figure` writes the chart
as PNG, SVG and PDF and those numbers as CSV (UTF-8 with BOM) beside it.

Per-agency charts show the ``top_n`` agencies with the most requests and pool the rest into
one "others" bar, computed from their counts (not an average of their rates), so they stay
readable with 5 agencies or 500.

========================================  =====================================================
function                                  default file name
========================================  =====================================================
:func:`outcome_frequencies`               ``outcome_frequencies`` (21 rows) /
                                          ``outcome_group_frequencies`` (``level="group"``)
:func:`outcome_composition`               ``outcome_composition_by_agency``
:func:`not_held_share`                    ``outcome_not_held_share_by_agency``
:func:`outcome_trends`                    ``outcome_trends_by_year``
:func:`review_litigation_rates`           ``review_litigation_rates_by_agency``
:func:`correction_rates`                  ``review_litigation_correction_rates_by_agency``
:func:`review_litigation_trends`          ``review_litigation_trends_by_year``
:func:`reportkit.funnel.funnel_plot`      ``funnel_<metric>`` (not_held_rate, disclosure_rate,
                                          review_correction_rate)
========================================  =====================================================
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reportkit import analysis, fonts, schema

FONT_FILE = fonts.register()

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

OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "zh": {**{k: schema.ROW_LABELS_ZH[k] for k in schema.OUTCOME_ROWS},
           "other_handling": "其他处理（2019年版表格，未细分）",
           **schema.OUTCOME_GROUPS},
    "en": {
        "granted": "Granted",
        "partially_granted": "Partially granted",
        "withheld_state_secret": "Withheld: state secret",
        "withheld_prohibited_by_law": "Withheld: barred by other laws",
        "withheld_security_stability": "Withheld: security and stability",
        "withheld_third_party_rights": "Withheld: third-party rights",
        "withheld_internal_affairs": "Withheld: internal affairs",
        "withheld_process_information": "Withheld: process information",
        "withheld_enforcement_file": "Withheld: enforcement files",
        "withheld_query_matter": "Withheld: query matters",
        "unavailable_not_held": "Unavailable: not held by the agency",
        "unavailable_needs_creation": "Unavailable: would have to be created",
        "unavailable_unclear": "Unavailable: unclear after correction",
        "not_processed_petition": "Not processed: petition or complaint",
        "not_processed_repeated": "Not processed: repeated request",
        "not_processed_publication": "Not processed: publications",
        "not_processed_excessive": "Not processed: excessive requests",
        "not_processed_reconfirmation": "Not processed: reconfirmation",
        "other_handling": "Other handling (2019 form, not itemised)",
        "other_no_correction": "Other: not corrected in time",
        "other_unpaid_fee": "Other: fee not paid",
        "other_other": "Other: other",
        **schema.OUTCOME_GROUPS_EN,
    },
}
MEASURE_LABELS: dict[str, dict[str, str]] = {
    "zh": {"review": "行政复议", "litigation": "行政诉讼",
           "litigation_direct": "行政诉讼·未经复议直接起诉",
           "litigation_after_review": "行政诉讼·复议后起诉"},
    "en": {"review": "Administrative review", "litigation": "Litigation",
           "litigation_direct": "Litigation without prior review",
           "litigation_after_review": "Litigation after review"},
}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "scope": "{reports} 份报告 · {agencies} 个机关{years}",
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
        "scope": "{reports} report{rs} · {agencies} agenc{ies}{years}",
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


def _text(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return TEXT[lang]


def _rc() -> dict[str, object]:
    return {**_STYLE, **fonts.rc_params()}


def _pct(x: float, _pos: object = None) -> str:
    return f"{x:.0%}"


def _fmt_count(x: float) -> str:
    return "–" if pd.isna(x) else f"{x:,.0f}"


def _fmt_share(x: float) -> str:
    return "–" if pd.isna(x) else f"{x:.1%}"


def _fmt_rate(x: float) -> str:
    return "–" if pd.isna(x) else f"{x:.1f}"


def _scope_line(reports: pd.DataFrame, lang: str) -> str:
    t = _text(lang)
    s = analysis.scope(reports)
    years = s["years"]
    span = ""
    if years:
        span = (t["year"].format(first=years[0]) if len(years) == 1
                else t["years"].format(first=years[0], last=years[-1]))
    return t["scope"].format(reports=s["reports"], agencies=s["agencies"], years=span,
                             rs="" if s["reports"] == 1 else "s",
                             ies="y" if s["agencies"] == 1 else "ies")


HEADER_IN = 0.78  # inches above the plot for the title and the scope line
NOTE_IN = 0.2  # inches below the plot per note line


class ChartFigure(Figure):
    """A matplotlib Figure that shows itself in Jupyter (as PNG) without pyplot, so a chart
    displays once, when it is a cell's last expression, and is never kept by pyplot."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        with mpl.rc_context(_rc()):
            self.savefig(buffer, format="png", dpi=100, bbox_inches="tight",
                         pad_inches=0.15, facecolor="white")
        return buffer.getvalue()


def _new_figure(width: float, body_height: float, notes: Sequence[str] = ()) -> Figure:
    """A figure whose constrained layout leaves room for a header and ``notes`` lines."""
    height = body_height + HEADER_IN + NOTE_IN * len(notes)
    fig = ChartFigure(figsize=(width, height), layout="constrained")
    bottom = NOTE_IN * len(notes) / height
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, 1.0 - bottom - HEADER_IN / height),
                                h_pad=0.06, w_pad=0.06)
    return fig


def _decorate(fig: Figure, title: str, subtitle: str, notes: Sequence[str]) -> None:
    """Title and scope line on top, notes (blank rule, flags) under the chart."""
    h = fig.get_figheight()
    fig.text(0.012, 1 - 0.1 / h, title, ha="left", va="top", fontsize=14, color="#111111")
    fig.text(0.012, 1 - 0.44 / h, subtitle, ha="left", va="top", fontsize=9.5,
             color="#555555")
    for i, note in enumerate(notes):
        fig.text(0.012, (NOTE_IN * (len(notes) - i) - 0.03) / h, note, ha="left", va="top",
                 fontsize=8.5, color="#666666")


def _notes(data: pd.DataFrame, lang: str) -> list[str]:
    t = _text(lang)
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
    t = _text(lang)
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


def _attach(fig: Figure, data: pd.DataFrame, name: str) -> Figure:
    fig.reportkit_data = data.reset_index(drop=True)  # type: ignore[attr-defined]
    fig.reportkit_name = name  # type: ignore[attr-defined]
    return fig


def _agency_frame(data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add display labels to a per-agency frame (the pooled row's agency in words)."""
    out = data.copy()
    out.insert(0, "label", agency_labels(out, lang))
    flagged = out["flag_failed_checks"].astype(bool)
    out["label"] = out["label"].where(~flagged, out["label"] + " †")
    others = out["agency"] == analysis.OTHERS
    out.loc[others, "agency"] = out.loc[others, "label"]
    out.loc[others, "agency_short"] = out.loc[others, "label"]
    out["is_others"] = others
    return out


def _order_by_volume(frame: pd.DataFrame, volume: pd.Series) -> list[str]:
    """Agency keys, largest first, the pooled "others" last."""
    keys = list(dict.fromkeys(frame["agency"]))
    rank = {a: i for i, a in enumerate(volume.index)}
    keys.sort(key=lambda a: (a == analysis.OTHERS, rank.get(a, len(rank))))
    return keys


# --- Outcome charts --------------------------------------------------------------------------


def outcome_frequencies(values: pd.DataFrame, reports: pd.DataFrame, *, level: str = "row",
                        lang: str = "zh", title: str | None = None) -> Figure:
    """All reports pooled: how often each outcome occurs, as horizontal bars sorted by
    count, each labelled with its count and its share of requests processed."""
    t = _text(lang)
    data = analysis.outcome_shares(values, reports, level=level)
    data = data[data["n_reports"] > 0].copy()
    data.insert(0, "label", data["outcome"].map(OUTCOME_LABELS[lang]))
    data = data.sort_values(["count", "outcome"], ascending=[True, False], kind="stable")
    n = max(len(data), 1)
    with mpl.rc_context(_rc()):
        notes = _notes(data, lang)
        fig = _new_figure(9.0 if lang == "zh" else 9.5, 1.1 + 0.33 * n, notes)
        ax = fig.add_subplot()
        y = np.arange(len(data))
        colors = [GROUP_COLORS[g] for g in data["group"]]
        ax.barh(y, data["count"], color=colors, height=0.7)
        ax.set_yticks(y, data["label"])
        top = float(data["count"].max()) if len(data) and data["count"].max() > 0 else 1.0
        ax.set_xlim(0, top * 1.3)
        for yi, (count, share) in enumerate(zip(data["count"], data["share"], strict=True)):
            ax.text(count + top * 0.01, yi, f"{_fmt_count(count)}（{_fmt_share(share)}）"
                    if lang == "zh" else f"{_fmt_count(count)} ({_fmt_share(share)})",
                    va="center", fontsize=8.5, color="#222222")
        ax.xaxis.grid(True)
        ax.set_xlabel(t["outcome_x"])
        ax.set_ylim(-0.6, len(data) - 0.4)
        if level == "row":
            handles = [mpl.patches.Patch(color=GROUP_COLORS[g], label=OUTCOME_LABELS[lang][g])
                       for g in schema.OUTCOME_GROUPS if g in set(data["group"])]
            ax.legend(handles=handles, loc="lower right", fontsize=8.5)
        key = "outcome_title" if level == "row" else "outcome_group_title"
        _decorate(fig, title or t[key], _scope_line(reports, lang), notes)
    name = "outcome_frequencies" if level == "row" else "outcome_group_frequencies"
    return _attach(fig, data.iloc[::-1], name)


def outcome_composition(values: pd.DataFrame, reports: pd.DataFrame, *, top_n: int | None = 20,
                        lang: str = "zh", title: str | None = None) -> Figure:
    """Per agency, the six outcome groups as shares of requests processed (100 % stacked
    bars), agencies with the most requests first, the rest pooled as "others"."""
    t = _text(lang)
    pooled = analysis.lump_agencies(values, reports, top_n)
    data = analysis.outcome_shares(values, pooled, by="agency", level="group")
    data = _agency_frame(data, lang)
    volume = analysis.agency_volume(values, pooled)
    order = [a for a in _order_by_volume(data.assign(agency=data["agency"].where(
        ~data["is_others"], analysis.OTHERS)), volume)]
    data["_key"] = data["agency"].where(~data["is_others"], analysis.OTHERS)
    share = data.pivot_table(index="_key", columns="outcome", values="share",
                             aggfunc="first", dropna=False).reindex(order)
    labels = data.drop_duplicates("_key").set_index("_key")["label"].reindex(order)
    totals = data.groupby("_key")["total_processed"].max().reindex(order)
    n = max(len(order), 1)
    with mpl.rc_context(_rc()):
        notes = _notes(data, lang)
        fig = _new_figure(10.0, 1.5 + 0.36 * n, notes)
        ax = fig.add_subplot()
        y = np.arange(len(order))[::-1]
        left = np.zeros(len(order))
        for group in schema.OUTCOME_GROUPS:
            if group not in share:
                continue
            widths = share[group].fillna(0).to_numpy()
            ax.barh(y, widths, left=left, color=GROUP_COLORS[group], height=0.72,
                    label=OUTCOME_LABELS[lang][group], edgecolor="white", linewidth=0.5)
            for yi, (x0, w) in enumerate(zip(left, widths, strict=True)):
                if w >= 0.07:
                    ax.text(x0 + w / 2, y[yi], f"{w:.0%}", ha="center", va="center",
                            fontsize=8, color="white" if group != "unavailable" else "#222222")
            left += widths
        for yi, total in enumerate(totals):
            ax.text(1.01, y[yi], t["n"].format(n=_fmt_count(total)), va="center",
                    fontsize=8, color="#555555", transform=ax.get_yaxis_transform())
        ax.set_yticks(y, labels.to_numpy())
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(FuncFormatter(_pct))
        ax.set_xlabel(t["composition_x"])
        ax.set_ylim(-0.6, len(order) - 0.4)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=6 if lang == "zh" else 3,
                      fontsize=8.5, handlelength=1.2, columnspacing=1.0)
        _decorate(fig, title or t["composition_title"], _scope_line(reports, lang), notes)
    out = data.drop(columns=["_key", "is_others"])
    return _attach(fig, out, "outcome_composition_by_agency")


def _ranked_bars(ax: object, labels: Sequence[str], rates: np.ndarray, low: np.ndarray,
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


def _cap(rates: np.ndarray, highs: np.ndarray, fallback: float) -> float:
    """Where interval whiskers are cut: the widest interval, but no further than 2.5 times
    the largest rate, so that a few tiny denominators do not flatten every bar."""
    top_rate = float(np.nanmax(np.append(rates, 0.0)))
    top_high = float(np.nanmax(np.append(highs, 0.0)))
    if top_high <= 0:
        return max(top_rate, fallback)
    if top_rate <= 0:
        return top_high
    return min(top_high, max(top_rate * 2.5, fallback))


def not_held_share(values: pd.DataFrame, reports: pd.DataFrame, *, top_n: int | None = 20,
                   lang: str = "zh", title: str | None = None) -> Figure:
    """Per agency, the share of requests answered 本机关不掌握相关政府信息, ranked, with
    Wilson intervals; the ``top_n`` agencies with most requests, the rest pooled; the
    dashed line is all agencies pooled."""
    t = _text(lang)
    pooled = analysis.lump_agencies(values, reports, top_n)
    data = analysis.outcome_shares(values, pooled, by="agency")
    data = _agency_frame(data[data["outcome"] == "unavailable_not_held"], lang)
    data = data.sort_values(["is_others", "share"], ascending=[True, False],
                            na_position="last", kind="stable")
    overall = analysis.outcome_shares(values, reports)
    overall = overall[overall["outcome"] == "unavailable_not_held"]
    texts = [f"{_fmt_count(c)}/{_fmt_count(d)} · {_fmt_share(s)}" if not pd.isna(s)
             else t["no_data"] for c, d, s in zip(data["count"], data["total_processed"],
                                                  data["share"], strict=True)]
    colors = [OTHERS_COLOR if o else GROUP_COLORS["unavailable"] for o in data["is_others"]]
    n = max(len(data), 1)
    with mpl.rc_context(_rc()):
        notes = _notes(data, lang)
        fig = _new_figure(9.0, 1.2 + 0.34 * n, notes)
        ax = fig.add_subplot()
        _ranked_bars(ax, data["label"].tolist(), data["share"].to_numpy(float),
                     data["ci_low"].to_numpy(float), data["ci_high"].to_numpy(float), texts,
                     colors, cap=1.0, xmax=1.25)
        ax.set_xticks(np.linspace(0, 1, 6))
        ax.xaxis.set_major_formatter(FuncFormatter(_pct))
        ax.set_xlabel(t["not_held_x"])
        if len(overall) and not pd.isna(overall["share"].iloc[0]):
            s = float(overall["share"].iloc[0])
            ax.axvline(s, color="#555555", linestyle="--", linewidth=0.9)
            ax.text(s, 1.0, f" {t['all']} {_fmt_share(s)}", transform=ax.get_xaxis_transform(),
                    va="bottom", ha="left", fontsize=8, color="#555555")
        _decorate(fig, title or t["not_held_title"], _scope_line(reports, lang), notes)
    out = pd.concat([data.drop(columns="is_others"),
                     overall.assign(label=t["all"], agency=t["all"], agency_short=t["all"])],
                    ignore_index=True)
    return _attach(fig, out, "outcome_not_held_share_by_agency")


def _by_year(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[frame["year"].notna()].copy()
    out["year"] = out["year"].astype(int)
    return out.sort_values("year", kind="stable")


def _year_ticks(data: pd.DataFrame, base: str, lang: str) -> list[str]:
    """Tick labels "2021 / n reports · m requests" so a thin year shows as thin."""
    t = _text(lang)
    per_year = data.groupby("year").agg(reports=("n_reports", "max"), base=(base, "max"))
    return [t["year_tick"].format(year=y, reports=int(r.reports), base=_fmt_count(r.base),
                                  rs="" if int(r.reports) == 1 else "s")
            for y, r in per_year.iterrows()]


def outcome_trends(values: pd.DataFrame, reports: pd.DataFrame, *, lang: str = "zh",
                   title: str | None = None) -> Figure:
    """All agencies pooled, the share of each outcome group per year (one line a group)."""
    t = _text(lang)
    data = _by_year(analysis.outcome_shares(values, reports, by="year", level="group"))
    data.insert(0, "label", data["outcome"].map(OUTCOME_LABELS[lang]))
    years = sorted(data["year"].unique())
    with mpl.rc_context(_rc()):
        notes = _notes(data, lang)
        fig = _new_figure(max(7.5, 1.1 * len(years) + 5.5), 4.2, notes)
        ax = fig.add_subplot()
        for group in schema.OUTCOME_GROUPS:
            part = data[data["outcome"] == group]
            if part.empty:
                continue
            ax.plot(part["year"], part["share"], marker="o", color=GROUP_COLORS[group],
                    label=OUTCOME_LABELS[lang][group], linewidth=1.8)
            last = part.iloc[-1]
            if not pd.isna(last["share"]):
                ax.annotate(_fmt_share(last["share"]), (last["year"], last["share"]),
                            xytext=(6, 0), textcoords="offset points", va="center",
                            fontsize=8, color=GROUP_COLORS[group])
        ax.set_xticks(years, _year_ticks(data, "total_processed", lang))
        if years:
            ax.set_xlim(years[0] - 0.5, years[-1] + 0.8)
        ax.set_ylim(0, max(0.05, float(np.nanmax(data["share"].to_numpy(float), initial=0)))
                    * 1.15)
        ax.yaxis.set_major_formatter(FuncFormatter(_pct))
        ax.yaxis.grid(True)
        ax.set_xlabel(t["year_axis"])
        ax.set_ylabel(t["outcome_trend_y"])
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        _decorate(fig, title or t["outcome_trend_title"], _scope_line(reports, lang), notes)
    return _attach(fig, data, "outcome_trends_by_year")


# --- Review and litigation charts ------------------------------------------------------------


def _two_panel_rates(data: pd.DataFrame, reports: pd.DataFrame, overall: pd.DataFrame,
                     *, rate: str, num: str, den: str, scale: float, xlabel: str,
                     title: str, lang: str, empty_text: str, name: str) -> Figure:
    """Review and litigation side by side, one bar an agency, on one shared scale."""
    t = _text(lang)
    measures = ["review", "litigation"]
    keys = list(dict.fromkeys(data["_key"]))
    n = max(len(keys), 1)
    both = data[data["measure"].isin(measures)]
    if scale == 1:
        cap = 1.0
    else:
        cap = _cap(both[rate].to_numpy(float), both["ci_high"].to_numpy(float), 1.0)
    xmax = cap * 1.32
    cut_any = bool((both["ci_high"].to_numpy(float) > cap).any())
    notes = _notes(data, lang) + ([t["clipped_note"]] if cut_any else [])
    with mpl.rc_context(_rc()):
        fig = _new_figure(11.0, 1.6 + 0.34 * n, notes)
        axes = fig.subplots(1, 2, sharey=True)
        for ax, measure in zip(axes, measures, strict=True):
            part = data[data["measure"] == measure].set_index("_key").reindex(keys)
            texts = [f"{_fmt_count(c)}/{_fmt_count(d)} · "
                     + (_fmt_share(r) if scale == 1 else _fmt_rate(r))
                     if not pd.isna(r) else empty_text
                     for c, d, r in zip(part[num], part[den], part[rate], strict=True)]
            colors = [OTHERS_COLOR if o else MEASURE_COLORS[measure]
                      for o in part["is_others"].fillna(False)]
            _ranked_bars(ax, part["label"].tolist(), part[rate].to_numpy(float),
                         part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float),
                         texts, colors, cap=cap, xmax=xmax)
            whole = overall[overall["measure"] == measure]
            label = MEASURE_LABELS[lang][measure]
            if len(whole) and not pd.isna(whole[rate].iloc[0]):
                r = float(whole[rate].iloc[0])
                shown = _fmt_share(r) if scale == 1 else _fmt_rate(r)
                ax.axvline(r, color="#555555", linestyle="--", linewidth=0.9)
                label = t["all_panel"].format(measure=label, value=shown)
            ax.set_title(label, loc="left", fontsize=11)
            if scale == 1:
                ax.set_xticks(np.linspace(0, 1, 6))
                ax.xaxis.set_major_formatter(FuncFormatter(_pct))
            ax.set_xlabel(xlabel)
        _decorate(fig, title, _scope_line(reports, lang), notes)
    out = pd.concat([data.drop(columns=["_key", "is_others"]),
                     overall.assign(label=t["all"], agency=t["all"], agency_short=t["all"])],
                    ignore_index=True)
    return _attach(fig, out, name)


def _per_agency(frame: pd.DataFrame, volume: pd.Series, lang: str) -> pd.DataFrame:
    data = _agency_frame(frame, lang)
    data["_key"] = data["agency"].where(~data["is_others"], analysis.OTHERS)
    order = _order_by_volume(data.assign(agency=data["_key"]), volume)
    rank = {k: i for i, k in enumerate(order)}
    data["_rank"] = data["_key"].map(rank)
    return data.sort_values(["_rank"], kind="stable").drop(columns="_rank")


def review_litigation_rates(values: pd.DataFrame, reports: pd.DataFrame, *,
                            top_n: int | None = 20, lang: str = "zh",
                            title: str | None = None) -> Figure:
    """Per agency, review and litigation cases per 100 new requests, side by side, with
    Wilson intervals and the counts (cases/new requests) beside each bar; agencies with
    the most new requests first, the rest pooled; dashed line: all agencies pooled."""
    t = _text(lang)
    pooled = analysis.lump_agencies(values, reports, top_n, row="new_requests")
    frame = analysis.review_litigation_rates(values, pooled, by="agency")
    volume = analysis.agency_volume(values, pooled, row="new_requests")
    data = _per_agency(frame, volume, lang)
    overall = analysis.review_litigation_rates(values, reports)
    return _two_panel_rates(data, reports, overall, rate="rate_per_100", num="cases",
                            den="new_requests", scale=100.0, xlabel=t["rates_x"],
                            title=title or t["rates_title"], lang=lang,
                            empty_text=t["no_data"], name="review_litigation_rates_by_agency")


def correction_rates(values: pd.DataFrame, reports: pd.DataFrame, *, top_n: int | None = 20,
                     lang: str = "zh", title: str | None = None) -> Figure:
    """Per agency, the share of decided review and litigation cases whose result was
    corrected, with Wilson intervals and corrected/decided beside each bar."""
    t = _text(lang)
    pooled = analysis.lump_agencies(values, reports, top_n, row="new_requests")
    frame = analysis.correction_rates(values, pooled, by="agency")
    volume = analysis.agency_volume(values, pooled, row="new_requests")
    data = _per_agency(frame, volume, lang)
    overall = analysis.correction_rates(values, reports)
    return _two_panel_rates(data, reports, overall, rate="correction_rate", num="corrected",
                            den="decided", scale=1.0, xlabel=t["correction_x"],
                            title=title or t["correction_title"], lang=lang,
                            empty_text=t["no_decided"],
                            name="review_litigation_correction_rates_by_agency")


def review_litigation_trends(values: pd.DataFrame, reports: pd.DataFrame, *,
                             lang: str = "zh", title: str | None = None) -> Figure:
    """All agencies pooled, review and litigation cases per 100 new requests per year,
    with Wilson intervals (cut, and said so, where a thin year would flatten the rest)."""
    t = _text(lang)
    data = _by_year(analysis.review_litigation_rates(values, reports, by="year"))
    data = data[data["measure"].isin(["review", "litigation"])]
    data.insert(0, "label", data["measure"].map(MEASURE_LABELS[lang]))
    years = sorted(data["year"].unique())
    cap = _cap(data["rate_per_100"].to_numpy(float), data["ci_high"].to_numpy(float), 1.0)
    cut = bool((data["ci_high"].to_numpy(float) > cap).any())
    notes = _notes(data, lang) + ([t["clipped_note"]] if cut else [])
    with mpl.rc_context(_rc()):
        fig = _new_figure(max(7.5, 1.1 * len(years) + 5.5), 4.2, notes)
        ax = fig.add_subplot()
        for i, measure in enumerate(["review", "litigation"]):
            part = data[data["measure"] == measure]
            x = part["year"].to_numpy(float) + (i - 0.5) * 0.14
            r = part["rate_per_100"].to_numpy(float)
            high = np.minimum(part["ci_high"].to_numpy(float), cap)
            err = np.maximum(np.vstack([np.nan_to_num(r - part["ci_low"].to_numpy(float)),
                                        np.nan_to_num(high - r)]), 0.0)
            ax.errorbar(x, r, yerr=err, marker="o", color=MEASURE_COLORS[measure],
                        label=MEASURE_LABELS[lang][measure], capsize=3, linewidth=1.8)
            clipped = part["ci_high"].to_numpy(float) > cap
            if clipped.any():
                ax.plot(x[clipped], np.full(int(clipped.sum()), cap), marker="^",
                        linestyle="none", color=MEASURE_COLORS[measure], markersize=5)
            for xi, ri, c, d in zip(x, r, part["cases"], part["new_requests"], strict=True):
                if not np.isnan(ri):
                    ax.annotate(f"{_fmt_rate(ri)} ({_fmt_count(c)}/{_fmt_count(d)})",
                                (xi, ri), xytext=(-7 if i == 0 else 7, 0),
                                ha="right" if i == 0 else "left", textcoords="offset points",
                                va="center", fontsize=8, color=MEASURE_COLORS[measure])
        ax.set_xticks(years, _year_ticks(data, "new_requests", lang))
        if years:
            ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
        ax.set_ylim(0, cap * 1.1)
        ax.yaxis.grid(True)
        ax.set_xlabel(t["year_axis"])
        ax.set_ylabel(t["rates_trend_y"])
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        _decorate(fig, title or t["rates_trend_title"], _scope_line(reports, lang), notes)
    return _attach(fig, data, "review_litigation_trends_by_year")


# --- Export ----------------------------------------------------------------------------------


def save_figure(fig: Figure, name: str | None = None, output_dir: str | Path = "outputs/figures",
                formats: Sequence[str] = FORMATS, dpi: int = 300,
                data: pd.DataFrame | None = None) -> list[Path]:
    """Write ``fig`` as ``<name>.png`` (at ``dpi``), ``.svg`` (text as paths) and ``.pdf``
    (font embedded) under ``output_dir``, and the numbers behind it (``data``, else
    ``fig.reportkit_data``) as ``<name>.csv`` in UTF-8 with BOM. Returns the paths."""
    name = name or getattr(fig, "reportkit_name", None)
    if not name:
        raise ValueError("name the file: save_figure(fig, 'outcome_...')")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats {unknown}: choose from {FORMATS}")
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}
    with mpl.rc_context(_rc()):
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.15,
                        facecolor="white", metadata=metadata[fmt])
            written.append(path)
    frame = data if data is not None else getattr(fig, "reportkit_data", None)
    if frame is not None:
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        written.append(path)
    return written
