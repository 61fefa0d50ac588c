"""The briefing pack: one Word document with the charts, their numbers and their captions.

``reportkit brief [--config FILE] [--processed DIR] --out briefing.docx`` (and the end of
``reportkit run``) builds, with python-docx:

1. a title page: title, scope (agencies, years, reports, charts), date, a reading note
   (denominators, the blank rule, intervals, the † flag);
2. one chapter per chart: a sentence generated from the numbers, the chart (PNG at 300 dpi,
   drawn by :mod:`reportkit.plots`, as wide as the A4 text block, with an SVG copy that
   Word 2016+ shows instead), its caption (图1 …), and a short table of the figures behind
   it (表1 …), taken from the same :mod:`reportkit.analysis` frames the chart drew;
3. a data-quality chapter: files not fully read (status, error), reports failing their own
   arithmetic (which identities, by how much), blank cells (missing, never zero).

Chinese text carries an East Asian font name (``w:eastAsia``, default 宋体 "SimSun" for
text, 黑体 "SimHei" for headings) beside a Latin one, in the document defaults and in every
style the document uses, so Word (and LibreOffice) pick a CJK face for the Chinese.

Selection and layout come from keyword arguments of :func:`build`, from the ``brief:``
section of the ``reportkit run`` config (:data:`DEFAULTS`; see ``docs/brief.md``), or from
the command line.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reportkit import analysis, brief_funnel, schema

#: The ``brief:`` section of a config and the keyword arguments of :func:`build`.
#: ``agencies``, ``years`` and ``lang`` fall back on the config's ``parameters`` when the
#: section leaves them out.
DEFAULTS: dict[str, Any] = {
    "enabled": True,  # false: `reportkit run` writes no briefing
    "output": "outputs/briefing.docx",
    "figures_dir": None,  # default: <output folder>/<output stem>_figures
    "charts": None,  # default: every chart of CHARTS (trends only with two years or more)
    "agencies": None,  # full or short names; None: every agency
    "years": None,  # e.g. [2021]; None: every year
    "lang": "zh",  # "zh" or "en": text, captions and charts
    "top_n": 10,  # per-agency charts and tables: the largest agencies, the rest pooled
    "title": None,  # default: 政府信息公开工作年度报告数据简报
    "date": None,  # default: today (YYYY-MM-DD for a fixed date)
    "dpi": 300,
    "svg": True,  # also embed each chart as SVG (Word 2016+; others show the PNG)
    "fonts": {"east_asia": "SimSun", "latin": "Times New Roman",
              "heading_east_asia": "SimHei", "heading_latin": "Arial"},
}
INHERITED = ("agencies", "years", "lang")

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7  # A4
MARGIN_CM = 2.5
MAX_PICTURE_HEIGHT_CM = 18.0
BODY_PT, SMALL_PT = 10.5, 9.0
SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


class BriefError(Exception):
    """A briefing that cannot be built as asked (bad selection, chart name, config)."""


# --- Words --------------------------------------------------------------------------------

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "政府信息公开工作年度报告数据简报",
        "subtitle": "办理结果、行政复议与行政诉讼",
        "agencies": "机关", "years": "年度", "reports": "报告", "charts": "图表",
        "date": "生成日期", "source": "数据", "selection": "选择",
        "agencies_value": "{n}个：{names}", "agencies_more": "{names}等{n}个",
        "year_item": "{y}年", "sep": "、", "all": "全部",
        "reports_value": "{n}份可分析的报告（共读取{files}个文件{problems}）",
        "problems": "，其中{k}个未能完整读取，见“数据质量”",
        "charts_value": "{n}幅", "date_fmt": "{y}年{m}月{d}日",
        "selection_value": "机关：{agencies}；年度：{years}",
        "how_to_read": "阅读说明",
        "note_denominators": "办理结果的比例以“办理结果总计”为分母；行政复议、行政诉讼以每百件本年"
                             "新收申请计；纠正比例 = 结果纠正 ÷ 已审结（维持 + 纠正 + 其他）。",
        "note_blanks": "空白单元格视为缺失，不计为零：某个数字所需的单元格有空白的报告，不计入该"
                       "数字的分子和分母；表中的件数和报告数即实际使用的数据。",
        "note_intervals": "括号内为 Wilson 95% 置信区间。多数机关件数很少，区间很宽，"
                          "比较时请留意。",
        "note_flag": "† 表示该数字所依据的报告中有未通过自身算术校验的，数字按报告原样计算。",
        "generated": "由 reportkit 根据各机关报告中的表格自动生成；数字均可在 {csv} 中查到。",
        "figure": "图", "table": "表", "table_of": "图{n}的数据",
        "chapter": "{num}、{title}", "quality_title": "数据质量",
        "outcome": "办理结果", "count": "件数", "total_processed": "办理总数",
        "share": "占比", "ci": "95%区间", "agency": "机关", "year": "年度",
        "n_reports": "报告数", "not_held": "不掌握件数", "new_requests": "新收申请",
        "review_cases": "行政复议（件）", "litigation_cases": "行政诉讼（件）",
        "per_100": "每百件（95%区间）", "per_100_short": "每百件",
        "review_corr": "行政复议 纠正/审结", "litigation_corr": "行政诉讼 纠正/审结",
        "corr_rate": "纠正比例（95%区间）",
        "all_agencies": "全部机关", "total_row": "办理结果总计",
        "zero_rows": "其余{k}项办理结果为0件，未列出。",
        "no_decided_rows": "{k}个机关没有已审结的行政复议或行政诉讼案件，未列出。",
        "excluded_note": "注：空白单元格视为缺失、不计为零；有{k}份报告因所需单元格空白（或所在"
                         "表格未读到）未计入本图的部分数字。",
        "flag_note": "† 所依据的报告中有未通过自身算术校验的（见“数据质量”）。",
        "pct": "{v:.1f}%", "ci_pct": "{lo:.1f}%–{hi:.1f}%", "ci_rate": "{lo:.1f}–{hi:.1f}",
        "paren": "{v}（{ci}）",
        "s_groups": "在{n}份报告中，办理结果总计{total}件：{parts}。",
        "s_group_part": "{label}{count}件（{share}）",
        "s_rows": "最常见的办理结果是{first}，其次是{rest}；{k}项办理结果出现过，其余{z}项为0件。",
        "s_row_part": "“{label}”（{count}件，占{share}）",
        "s_rows_one": "只出现了一种办理结果：{first}；其余{z}项为0件。",
        "s_and": "和",
        "s_not_held": "在{n}份报告中，本机关不掌握相关政府信息占全部办理结果的{share}"
                      "（{count}/{total}）",
        "w_not_held": "不掌握的比例", "w_granted": "予以公开的比例",
        "w_unavailable": "无法提供的比例", "w_review": "每百件新收申请引发的行政复议",
        "w_litigation": "每百件新收申请引发的行政诉讼",
        "s_composition_one": "{agency}的办理结果中，{parts}。",
        "s_rates": "{n}份报告共新收申请{new}件，引发行政复议{review}件、行政诉讼{lit}件，"
                   "即每百件新收申请{r_rate}件和{l_rate}件",
        "s_corr": "已审结的{measure}{decided}件中，结果被纠正{corrected}件（{rate}）",
        "s_corr_none": "没有已审结的{measure}案件",
        "s_trend": "{y0}年（{k0}份报告）至{y1}年（{k1}份报告），{parts}。",
        "s_trend_part": "{label}由{a}变为{b}",
        "s_trend_outcome_label": "{label}的比例",
        "s_trend_rate_label": "每百件新收申请引发{label}的件数",
        "s_trend_caveat": "各年度报告的机关不尽相同，变化可能来自机关构成而非趋势。",
        "s_excluded": "另有{k}份报告因所需单元格空白或所在表格未读到而未计入（缺失不计为零）。",
        "end": "。", "list_sep": "，", "clause_sep": "；",
        "skipped_trend": "所选数据只有一个年度，没有年度变化图。",
        "status_ok": "完整读取", "status_partial": "部分读取", "status_failed": "无法读取",
        "status_not_a_report": "不是年度报告", "status_duplicate": "重复文件",
        "q_files": "共读取{files}个文件：{parts}。", "q_file_part": "{label}{n}个",
        "q_unread": "以下{k}个文件未能完整读取，其数字未计入或只部分计入上文各图：",
        "q_checks_failed": "{k}份报告未通过自身的算术校验（共{m}项，见下表；差 = 左式 − 右式）。"
                           "这些报告的数字仍按原样计入上文各图，并以†标注。",
        "q_checks_ok": "所有报告均通过了自身的算术校验（共{m}项校验）。",
        "q_checks_missing": "另有{u}项校验因单元格空白无法判定，不算作未通过。",
        "q_blanks": "{k}份报告共有{c}个空白单元格，视为缺失、不计为零：某个数字用到其中的单元格"
                    "时，该报告不计入这个数字。",
        "q_excluding": "本简报有{k}幅图因所需单元格空白或所在表格未读到而少计了报告，"
                       "已在图下注明。",
        "q_blanks_unused": "本简报各图都没有因空白少计报告。",
        "q_places_more": "等，共{k}处未列出", "blank_of": "空白/读取单元格",
        "q_unread_title": "未能完整读取的文件", "q_checks_title": "未通过的算术校验",
        "q_no_blanks": "没有空白单元格。",
        "q_more": "另有{k}行未列出，见 {csv}。",
        "file": "文件", "status": "状态", "error": "说明",
        "check": "校验（左式 = 右式）", "where": "位置", "left": "左式", "right": "右式",
        "diff": "差", "report": "报告", "blank_cells": "空白单元格", "cells": "读取单元格",
        "report_label": "{agency}（{year}年）", "unknown": "（未识别）",
        "table_requests": "申请情况", "table_review_litigation": "复议诉讼",
        "table_proactive": "主动公开",
        "check_balance": "新收 + 上年结转 = 办理总计 + 结转下年",
        "check_outcomes_sum": "办理结果总计 = 各办理结果之和",
        "check_row_total": "总计列 = 六类申请人之和",
        "check_review_total": "总计 = 维持 + 纠正 + 其他 + 尚未审结",
        "check_carried_across_years": "上年报告的结转下年 = 本年报告的上年结转",
        "page": "第 {page} 页",
    },
    "en": {
        "title": "Open government information annual reports: data briefing",
        "subtitle": "Outcomes of requests, administrative review and litigation",
        "agencies": "Agencies", "years": "Years", "reports": "Reports", "charts": "Charts",
        "date": "Date", "source": "Data", "selection": "Selection",
        "agencies_value": "{n}: {names}", "agencies_more": "{names} and others ({n} in all)",
        "year_item": "{y}", "sep": ", ", "all": "all",
        "reports_value": "{n} reports analysed ({files} files read{problems})",
        "problems": "; {k} not fully read, see Data quality",
        "charts_value": "{n}", "date_fmt": "{y}-{m:02d}-{d:02d}",
        "selection_value": "agencies: {agencies}; years: {years}",
        "how_to_read": "How to read this briefing",
        "note_denominators": "Outcome shares are over all requests processed (办理结果总计); "
                             "review and litigation are per 100 new requests; the correction "
                             "rate is corrected ÷ decided (upheld + corrected + other).",
        "note_blanks": "Blank cells are missing, never zero: a report with a blank cell that "
                       "a figure needs is left out of that figure's numerator and denominator; "
                       "the counts and report numbers in the tables are the data used.",
        "note_intervals": "Ranges in brackets are Wilson 95% intervals. Most agencies have "
                          "few cases, so the intervals are wide.",
        "note_flag": "† marks figures resting on reports that fail their own arithmetic; "
                     "they are computed as the reports state them.",
        "generated": "Generated by reportkit from the tables of each agency's report; every "
                     "figure is in {csv}.",
        "figure": "Figure", "table": "Table", "table_of": "The numbers behind Figure {n}",
        "chapter": "{num}. {title}", "quality_title": "Data quality",
        "outcome": "Outcome", "count": "Requests", "total_processed": "Processed",
        "share": "Share", "ci": "95% interval", "agency": "Agency", "year": "Year",
        "n_reports": "Reports", "not_held": "Not held", "new_requests": "New requests",
        "review_cases": "Review cases", "litigation_cases": "Litigation cases",
        "per_100": "Per 100 (95% interval)", "per_100_short": "Per 100",
        "review_corr": "Review corrected/decided", "litigation_corr":
            "Litigation corrected/decided",
        "corr_rate": "Rate (95% interval)",
        "all_agencies": "All agencies", "total_row": "All requests processed",
        "zero_rows": "The other {k} outcomes did not occur and are not listed.",
        "no_decided_rows": "{k} agencies had no decided review or litigation case and are "
                           "not listed.",
        "excluded_note": "Note: blank cells are missing, never zero; {k} reports are left out "
                         "of some figures of this chart because a cell they need is blank (or "
                         "its table was not read).",
        "flag_note": "† rests on reports that fail their own arithmetic (see Data quality).",
        "pct": "{v:.1f}%", "ci_pct": "{lo:.1f}%–{hi:.1f}%", "ci_rate": "{lo:.1f}–{hi:.1f}",
        "paren": "{v} ({ci})",
        "s_groups": "In {n} reports, {total} requests were processed: {parts}.",
        "s_group_part": "{label} {count} ({share})",
        "s_rows": "The most frequent outcome is {first}, followed by {rest}; {k} outcomes "
                  "occur, the other {z} do not.",
        "s_row_part": "'{label}' ({count}, {share})",
        "s_rows_one": "One outcome only occurs: {first}; the other {z} do not.",
        "s_and": " and ",
        "s_not_held": "In {n} reports, 'information not held by this agency' makes up {share} "
                      "of all outcomes ({count}/{total})",
        "w_not_held": "the not-held share", "w_granted": "the share granted",
        "w_unavailable": "the share unavailable", "w_review": "review cases per 100 requests",
        "w_litigation": "litigation cases per 100 requests",
        "s_composition_one": "Of {agency}'s requests processed: {parts}.",
        "s_rates": "The {n} reports received {new} new requests, which led to {review} "
                   "administrative review and {lit} litigation cases, {r_rate} and {l_rate} "
                   "per 100 new requests",
        "s_corr": "of {decided} decided {measure} cases, {corrected} were corrected ({rate})",
        "s_corr_none": "no {measure} case was decided",
        "s_trend": "From {y0} ({k0} reports) to {y1} ({k1} reports), {parts}.",
        "s_trend_part": "{label} went from {a} to {b}",
        "s_trend_outcome_label": "the share {label}",
        "s_trend_rate_label": "{label} cases per 100 new requests",
        "s_trend_caveat": "The agencies reporting differ between years, so a change may come "
                          "from who reported rather than a trend.",
        "s_excluded": "{k} more reports are left out because a cell they need is blank or its "
                      "table was not read (missing is never zero).",
        "end": ".", "list_sep": ", ", "clause_sep": "; ",
        "skipped_trend": "The selection holds one year only: no trend chart.",
        "status_ok": "read", "status_partial": "partly read", "status_failed": "not read",
        "status_not_a_report": "not a report", "status_duplicate": "duplicate",
        "q_files": "{files} files were read: {parts}.", "q_file_part": "{n} {label}",
        "q_unread": "These {k} files were not fully read; their figures are missing from, or "
                    "only partly in, the charts above:",
        "q_checks_failed": "{k} reports fail their own arithmetic ({m} identities, below; "
                           "difference = left − right). Their figures are used as stated and "
                           "marked †.",
        "q_checks_ok": "Every report passes its own arithmetic ({m} identities checked).",
        "q_checks_missing": "{u} more identities cannot be decided because a cell is blank; "
                            "they are not counted as failures.",
        "q_blanks": "{k} report(s) hold {c} blank cells, missing and never zero: a figure that "
                    "needs one of them leaves the report out. ",
        "q_excluding": "{k} charts of this briefing leave reports out because a cell they "
                       "need is blank or its table was not read; the notes under them say so.",
        "q_blanks_unused": "No chart of this briefing leaves a report out for a blank.",
        "q_places_more": " and {k} more", "blank_of": "Blank/cells read",
        "q_unread_title": "Files not fully read", "q_checks_title": "Failed identities",
        "q_no_blanks": "No cell is blank.",
        "q_more": "{k} more rows are not listed; see {csv}.",
        "file": "File", "status": "Status", "error": "Why",
        "check": "Identity (left = right)", "where": "Where", "left": "Left",
        "right": "Right", "diff": "Diff.", "report": "Report", "blank_cells": "Blank cells",
        "cells": "Cells read", "report_label": "{agency} ({year})", "unknown": "(unknown)",
        "table_requests": "requests", "table_review_litigation": "review/litigation",
        "table_proactive": "proactive",
        "check_balance": "new + carried over = processed + carried forward",
        "check_outcomes_sum": "total processed = sum of outcomes",
        "check_row_total": "total column = sum of the six applicant columns",
        "check_review_total": "total = upheld + corrected + other + pending",
        "check_carried_across_years": "carried forward last year = carried over this year",
        "page": "Page {page}",
    },
}
_CN_NUMERALS = "一二三四五六七八九十"
STATUS_ORDER = ("ok", "partial", "failed", "not_a_report", "duplicate")
MAX_QUALITY_ROWS = 30


def _t(lang: str) -> dict[str, str]:
    if lang not in TEXT:
        raise BriefError(f"lang must be one of {sorted(TEXT)}, not {lang!r}")
    return TEXT[lang]


def _count(x: object) -> str:
    return "–" if x is None or pd.isna(x) else f"{float(x):,.0f}"


def _pct(x: object, t: dict[str, str]) -> str:
    return "–" if x is None or pd.isna(x) else t["pct"].format(v=float(x) * 100)


def _rate(x: object) -> str:
    return "–" if x is None or pd.isna(x) else f"{float(x):.1f}"


def _ci(low: object, high: object, t: dict[str, str], percent: bool) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "–"
    if percent:
        return t["ci_pct"].format(lo=float(low) * 100, hi=float(high) * 100)
    return t["ci_rate"].format(lo=float(low), hi=float(high))


def _with_ci(value: str, low: object, high: object, t: dict[str, str], percent: bool) -> str:
    ci = _ci(low, high, t, percent)
    return value if ci == "–" else t["paren"].format(v=value, ci=ci)


def _dagger(label: str, flagged: object) -> str:
    return f"{label} †" if bool(flagged) and not label.endswith("†") else label


# --- Key-figure tables and sentences, one pair per chart ------------------------------------


@dataclass
class KeyTable:
    """The short table under a chart: header, rows of text, rows to set in bold, notes."""

    header: list[str]
    rows: list[list[str]]
    bold: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=lambda: {0})  # left-aligned


@dataclass
class ChartContext:
    """What a table or sentence builder gets: the selection, the chart's numbers, words."""

    values: pd.DataFrame
    reports: pd.DataFrame
    data: pd.DataFrame  # fig.reportkit_data: the numbers the chart drew
    lang: str
    top_n: int | None

    @property
    def t(self) -> dict[str, str]:
        return _t(self.lang)


def _outcome_label(key: str, lang: str) -> str:
    from reportkit import plots

    return plots.OUTCOME_LABELS[lang].get(key, key)


def _measure_label(key: str, lang: str) -> str:
    from reportkit import plots

    return plots.MEASURE_LABELS[lang].get(key, key)


def _overall_rows(data: pd.DataFrame) -> pd.DataFrame:
    """The all-agencies row(s) a per-agency chart appends to its numbers."""
    from reportkit import plots

    all_labels = {plots.TEXT[lang]["all"] for lang in plots.TEXT}
    return data[data["label"].isin(all_labels)]


def _excluded(data: pd.DataFrame) -> int:
    return int(data["n_excluded"].max()) if len(data) and "n_excluded" in data else 0


def _notes(data: pd.DataFrame, t: dict[str, str]) -> list[str]:
    notes = []
    k = _excluded(data)
    if k:
        notes.append(t["excluded_note"].format(k=k))
    if len(data) and bool(data["flag_failed_checks"].any()):
        notes.append(t["flag_note"])
    return notes


def _outcome_table(ctx: ChartContext) -> KeyTable:
    t = ctx.t
    data = ctx.data[ctx.data["n_reports"] > 0]
    shown = data[data["count"] > 0]
    rows = [[_dagger(r.label, r.flag_failed_checks), _count(r.count),
             _count(r.total_processed), _pct(r.share, t),
             _ci(r.ci_low, r.ci_high, t, True)] for r in shown.itertuples()]
    notes = _notes(data, t)
    zero = len(data) - len(shown)
    if zero:
        notes.insert(0, t["zero_rows"].format(k=zero))
    return KeyTable([t["outcome"], t["count"], t["total_processed"], t["share"], t["ci"]],
                    rows, notes=notes)


def _group_table(ctx: ChartContext) -> KeyTable:
    t = ctx.t
    data = ctx.data[ctx.data["n_reports"] > 0]
    rows = [[_dagger(r.label, r.flag_failed_checks), _count(r.count),
             _count(r.total_processed), _pct(r.share, t),
             _ci(r.ci_low, r.ci_high, t, True)] for r in data.itertuples()]
    total = data["total_processed"].max() if len(data) else np.nan
    rows.append([_dagger(t["total_row"], data["flag_failed_checks"].any()), _count(total),
                 _count(total), _pct(1.0 if total else np.nan, t), ""])
    return KeyTable([t["outcome"], t["count"], t["total_processed"], t["share"], t["ci"]],
                    rows, bold={len(rows) - 1}, notes=_notes(data, t))


def _groups_sentence(ctx: ChartContext) -> str:
    t = ctx.t
    data = ctx.data[(ctx.data["n_reports"] > 0)].sort_values("count", ascending=False,
                                                              kind="stable")
    parts = [t["s_group_part"].format(label=r.label, count=_count(r.count),
                                      share=_pct(r.share, t))
             for r in data.itertuples() if r.count > 0]
    if data.empty:
        return ""
    n = int(data["n_reports"].max())
    text = t["s_groups"].format(n=n, total=_count(data["total_processed"].max()),
                                parts=t["list_sep"].join(parts))
    return text + _excluded_sentence(ctx.data, t)


def _rows_sentence(ctx: ChartContext) -> str:
    t = ctx.t
    data = ctx.data[ctx.data["n_reports"] > 0].sort_values("count", ascending=False,
                                                           kind="stable")
    nonzero = data[data["count"] > 0]
    items = [t["s_row_part"].format(label=r.label, count=_count(r.count), share=_pct(r.share, t))
             for r in nonzero.head(3).itertuples()]
    if not items:
        return ""
    rest = items[1:]
    if not rest:
        text = t["s_rows_one"].format(first=items[0], z=len(data) - 1)
    else:
        rest_text = (t["list_sep"].join(rest[:-1]) + t["s_and"] + rest[-1]) if len(rest) > 1 \
            else rest[0]
        text = t["s_rows"].format(first=items[0], rest=rest_text, k=len(nonzero),
                                  z=len(data) - len(nonzero))
    return text + _excluded_sentence(ctx.data, t)


def _excluded_sentence(data: pd.DataFrame, t: dict[str, str]) -> str:
    k = _excluded(data)
    return t["s_excluded"].format(k=k) if k else ""


def _not_held_table(ctx: ChartContext) -> KeyTable:
    t = ctx.t
    rows = []
    for r in ctx.data.itertuples():
        rows.append([_dagger(r.label, r.flag_failed_checks), _count(r.count),
                     _count(r.total_processed), _pct(r.share, t),
                     _ci(r.ci_low, r.ci_high, t, True)])
    overall = len(_overall_rows(ctx.data))
    bold = set(range(len(rows) - overall, len(rows)))
    return KeyTable([t["agency"], t["not_held"], t["total_processed"], t["share"], t["ci"]],
                    rows, bold, _notes(ctx.data, t))


def _pooled_outcomes(ctx: ChartContext, by: str | None = "agency") -> pd.DataFrame:
    """The analysis frame behind a per-agency outcome chart, unpooled (every agency)."""
    return analysis.outcome_shares(ctx.values, ctx.reports, by=by)


def _label_agencies(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    from reportkit import plots

    out = frame.copy()
    out["label"] = plots.agency_labels(out, lang)
    out["is_others"] = False
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _not_held_sentence(ctx: ChartContext) -> str:
    t = ctx.t
    overall = analysis.outcome_shares(ctx.values, ctx.reports)
    overall = overall[overall["outcome"] == "unavailable_not_held"]
    if overall.empty or pd.isna(overall["share"].iloc[0]):
        return ""
    o = overall.iloc[0]
    text = t["s_not_held"].format(n=int(o["n_reports"]), share=_pct(o["share"], t),
                                  count=_count(o["count"]), total=_count(o["total_processed"]))
    per = _pooled_outcomes(ctx)
    per = _label_agencies(per[per["outcome"] == "unavailable_not_held"], ctx.lang)
    per = per[per["share"].notna()]
    extra = brief_funnel.clause(per, "count", "total_processed", "share",
                                lambda x: _pct(x, t), t["w_not_held"], ctx.lang)
    if extra:
        text += t["clause_sep"] + extra
    return text + t["end"] + _excluded_sentence(overall, t)


def _composition_table(ctx: ChartContext) -> KeyTable:
    t = ctx.t
    data = ctx.data
    groups = list(schema.OUTCOME_GROUPS)
    labels = list(dict.fromkeys(data["label"]))
    totals = data.groupby("label", sort=False)["total_processed"].max()
    # the pooled "others" row has its label as agency (plots._agency_frame)
    pooled = set(data.loc[~data["agency"].isin(set(ctx.reports["agency"])), "label"])
    order = sorted(labels, key=lambda lab: (lab in pooled, -_nan0(totals.get(lab))))
    share = data.pivot_table(index="label", columns="outcome", values="share",
                             aggfunc="first", dropna=False)
    rows = [[lab, _count(totals.get(lab))] + [_pct(share.at[lab, g], t) if g in share else "–"
                                              for g in groups] for lab in order]
    overall = analysis.outcome_shares(ctx.values, ctx.reports, level="group")
    if len(overall):
        o = overall.set_index("outcome")
        label = _dagger(t["all_agencies"], overall["flag_failed_checks"].any())
        rows.append([label, _count(overall["total_processed"].max())]
                    + [_pct(o.at[g, "share"], t) if g in o.index else "–" for g in groups])
    header = [t["agency"], t["total_processed"]] + [_outcome_label(g, ctx.lang) for g in groups]
    return KeyTable(header, rows, {len(rows) - 1} if len(overall) else set(),
                    _notes(data, t))


def _nan0(x: object) -> float:
    return 0.0 if x is None or pd.isna(x) else float(x)


def _composition_sentence(ctx: ChartContext) -> str:
    t = ctx.t
    per = _label_agencies(analysis.outcome_shares(ctx.values, ctx.reports, by="agency",
                                                  level="group"), ctx.lang)
    per = per[per["n_reports"] > 0]
    granted = per[per["outcome"] == "granted"]
    unavailable = per[per["outcome"] == "unavailable"]
    if granted["agency"].nunique() == 1:
        parts = [t["s_group_part"].format(label=_outcome_label(r.outcome, ctx.lang),
                                          count=_count(r.count), share=_pct(r.share, t))
                 for r in per.itertuples() if r.count > 0]
        return t["s_composition_one"].format(agency=granted["label"].iloc[0],
                                             parts=t["list_sep"].join(parts))
    if granted.empty or unavailable.empty:
        return ""

    def pct(x: object) -> str:
        return _pct(x, t)

    clauses = [brief_funnel.clause(frame, "count", "total_processed", "share", pct,
                                   t[what], ctx.lang)
               for frame, what in ((granted, "w_granted"), (unavailable, "w_unavailable"))]
    return _cap(t["clause_sep"].join(c for c in clauses if c)) + t["end"]


def _rates_table(ctx: ChartContext) -> KeyTable:
    t = ctx.t
    data = ctx.data
    rows = []
    for label in dict.fromkeys(data["label"]):
        part = data[data["label"] == label].set_index("measure")
        rv, lt = part.loc["review"], part.loc["litigation"]
        flagged = bool(part["flag_failed_checks"].any())
        rows.append([_dagger(label, flagged), _count(rv["new_requests"]), _count(rv["cases"]),
                     _with_ci(_rate(rv["rate_per_100"]), rv["ci_low"], rv["ci_high"], t, False),
                     _count(lt["cases"]),
                     _with_ci(_rate(lt["rate_per_100"]), lt["ci_low"], lt["ci_high"], t, False)])
    overall = _overall_rows(data)
    bold = {len(rows) - 1} if len(overall) else set()
    return KeyTable([t["agency"], t["new_requests"], t["review_cases"], t["per_100"],
                     t["litigation_cases"], t["per_100"]], rows, bold, _notes(data, t))


def _rates_sentence(ctx: ChartContext) -> str:
    t = ctx.t
    overall = analysis.review_litigation_rates(ctx.values, ctx.reports).set_index("measure")
    if overall.empty or pd.isna(overall.at["review", "new_requests"]):
        return ""
    rv, lt = overall.loc["review"], overall.loc["litigation"]
    text = t["s_rates"].format(n=int(rv["n_reports"]), new=_count(rv["new_requests"]),
                               review=_count(rv["cases"]), lit=_count(lt["cases"]),
                               r_rate=_rate(rv["rate_per_100"]), l_rate=_rate(lt["rate_per_100"]))
    per = _label_agencies(analysis.review_litigation_rates(ctx.values, ctx.reports,
                                                           by="agency"), ctx.lang)
    per = per[per["rate_per_100"].notna()]
    for measure, what in (("review", "w_review"), ("litigation", "w_litigation")):
        extra = brief_funnel.clause(per[per["measure"] == measure], "cases", "new_requests",
                                    "rate_per_100", _rate, t[what], ctx.lang)
        if extra:
            text += t["clause_sep"] + extra
    return text + t["end"] + _excluded_sentence(overall.reset_index(), t)


def _correction_table(ctx: ChartContext) -> KeyTable:
    t = ctx.t
    data = ctx.data
    rows, skipped = [], 0
    labels = list(dict.fromkeys(data["label"]))
    for label in labels:
        part = data[data["label"] == label].set_index("measure")
        rv, lt = part.loc["review"], part.loc["litigation"]
        is_all = label in set(_overall_rows(data)["label"])
        if not is_all and rv["decided"] == 0 and lt["decided"] == 0:
            skipped += 1
            continue
        rows.append([_dagger(label, part["flag_failed_checks"].any()),
                     f"{_count(rv['corrected'])}/{_count(rv['decided'])}",
                     _with_ci(_pct(rv["correction_rate"], t), rv["ci_low"], rv["ci_high"], t,
                              True),
                     f"{_count(lt['corrected'])}/{_count(lt['decided'])}",
                     _with_ci(_pct(lt["correction_rate"], t), lt["ci_low"], lt["ci_high"], t,
                              True)])
    notes = _notes(data, t)
    if skipped:
        notes.insert(0, t["no_decided_rows"].format(k=skipped))
    bold = {len(rows) - 1} if len(_overall_rows(data)) else set()
    return KeyTable([t["agency"], t["review_corr"], t["corr_rate"], t["litigation_corr"],
                     t["corr_rate"]], rows, bold, notes)


def _correction_sentence(ctx: ChartContext) -> str:
    t = ctx.t
    overall = analysis.correction_rates(ctx.values, ctx.reports).set_index("measure")
    clauses = []
    for measure in ("review", "litigation"):
        if measure not in overall.index:
            continue
        r = overall.loc[measure]
        label = _measure_label(measure, ctx.lang)
        if _nan0(r["decided"]) == 0:
            clauses.append(t["s_corr_none"].format(measure=label))
        else:
            clauses.append(t["s_corr"].format(measure=label, decided=_count(r["decided"]),
                                              corrected=_count(r["corrected"]),
                                              rate=_pct(r["correction_rate"], t)))
    if not clauses:
        return ""
    text = t["clause_sep"].join(clauses)
    return text[:1].upper() + text[1:] + t["end"] + _excluded_sentence(overall.reset_index(), t)


def _year_table(ctx: ChartContext, base: str) -> pd.DataFrame:
    per_year = ctx.data.groupby("year").agg(n_reports=("n_reports", "max"),
                                            base=(base, "max"),
                                            flagged=("flag_failed_checks", "any"))
    return per_year


def _outcome_trends_table(ctx: ChartContext) -> KeyTable:
    t = ctx.t
    groups = list(schema.OUTCOME_GROUPS)
    per_year = _year_table(ctx, "total_processed")
    share = ctx.data.pivot_table(index="year", columns="outcome", values="share",
                                 aggfunc="first", dropna=False)
    rows = [[_dagger(str(int(y)), r.flagged), _count(r.n_reports), _count(r.base)]
            + [_pct(share.at[y, g], t) if g in share else "–" for g in groups]
            for y, r in per_year.iterrows()]
    header = [t["year"], t["n_reports"], t["total_processed"]] + \
        [_outcome_label(g, ctx.lang) for g in groups]
    return KeyTable(header, rows, notes=_notes(ctx.data, t))


def _rates_trends_table(ctx: ChartContext) -> KeyTable:
    t = ctx.t
    rows = []
    for year, part in ctx.data.groupby("year"):
        p = part.set_index("measure")
        rv, lt = p.loc["review"], p.loc["litigation"]
        rows.append([_dagger(str(int(year)), part["flag_failed_checks"].any()),
                     _count(part["n_reports"].max()), _count(rv["new_requests"]),
                     _count(rv["cases"]),
                     _with_ci(_rate(rv["rate_per_100"]), rv["ci_low"], rv["ci_high"], t, False),
                     _count(lt["cases"]),
                     _with_ci(_rate(lt["rate_per_100"]), lt["ci_low"], lt["ci_high"], t, False)])
    return KeyTable([t["year"], t["n_reports"], t["new_requests"], t["review_cases"],
                     t["per_100"], t["litigation_cases"], t["per_100"]], rows,
                    notes=_notes(ctx.data, t))


def _trend_sentence(ctx: ChartContext, key: str, items: Sequence[str], value: str,
                    label_key: str, fmt: Callable[[object], str]) -> str:
    t = ctx.t
    data = ctx.data.dropna(subset=["year"])
    years = sorted(int(y) for y in data["year"].unique())
    if len(years) < 2:
        return ""
    y0, y1 = years[0], years[-1]
    k = data.groupby("year")["n_reports"].max()
    parts = []
    for item in items:
        series = data[data[key] == item].set_index("year")[value]
        if y0 in series.index and y1 in series.index:
            label = (_outcome_label(item, ctx.lang) if key == "outcome"
                     else _measure_label(item, ctx.lang))
            parts.append(t["s_trend_part"].format(label=t[label_key].format(label=label),
                                                  a=fmt(series[y0]), b=fmt(series[y1])))
    if not parts:
        return ""
    text = t["s_trend"].format(y0=y0, y1=y1, k0=int(k[y0]), k1=int(k[y1]),
                               parts=t["list_sep"].join(parts))
    by_year = ctx.reports.dropna(subset=["year"]).groupby("year")["agency"].agg(frozenset)
    if by_year.nunique() > 1:
        text += t["s_trend_caveat"]
    return text + _excluded_sentence(ctx.data, t)


def _outcome_trends_sentence(ctx: ChartContext) -> str:
    return _trend_sentence(ctx, "outcome", ("granted", "unavailable"), "share",
                           "s_trend_outcome_label", lambda x: _pct(x, ctx.t))


def _rates_trends_sentence(ctx: ChartContext) -> str:
    return _trend_sentence(ctx, "measure", ("review", "litigation"), "rate_per_100",
                           "s_trend_rate_label", _rate)


# --- The chart registry -------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """One chart of the pack: how to draw it, its title key in plots.TEXT, its table and
    sentence builders, and how many years it needs."""

    name: str
    draw: Callable[[pd.DataFrame, pd.DataFrame, str, int | None], Any]
    title_key: str
    table: Callable[[ChartContext], KeyTable]
    sentence: Callable[[ChartContext], str]
    min_years: int = 1


def _plot(function: str, **fixed: Any) -> Callable[..., Any]:
    def draw(values: pd.DataFrame, reports: pd.DataFrame, lang: str,
             top_n: int | None) -> Any:
        from reportkit import plots

        kwargs = dict(fixed)
        if function in ("outcome_composition", "not_held_share", "review_litigation_rates",
                        "correction_rates"):
            kwargs["top_n"] = top_n
        return getattr(plots, function)(values, reports, lang=lang, **kwargs)
    return draw


CHARTS: dict[str, Chart] = {c.name: c for c in (
    Chart("outcome_group_frequencies", _plot("outcome_frequencies", level="group"),
          "outcome_group_title", _group_table, _groups_sentence),
    Chart("outcome_frequencies", _plot("outcome_frequencies"), "outcome_title",
          _outcome_table, _rows_sentence),
    Chart("not_held_share", _plot("not_held_share"), "not_held_title", _not_held_table,
          _not_held_sentence),
    Chart("outcome_composition", _plot("outcome_composition"), "composition_title",
          _composition_table, _composition_sentence),
    Chart("review_litigation_rates", _plot("review_litigation_rates"), "rates_title",
          _rates_table, _rates_sentence),
    Chart("correction_rates", _plot("correction_rates"), "correction_title",
          _correction_table, _correction_sentence),
    Chart("outcome_trends", _plot("outcome_trends"), "outcome_trend_title",
          _outcome_trends_table, _outcome_trends_sentence, min_years=2),
    Chart("review_litigation_trends", _plot("review_litigation_trends"), "rates_trend_title",
          _rates_trends_table, _rates_trends_sentence, min_years=2),
    *(Chart(f"funnel_{metric}", brief_funnel.draw(metric), title,
            partial(brief_funnel.table, metric=metric),
            partial(brief_funnel.sentence, metric=metric))
      for metric, title in (("not_held_rate", "funnel_not_held_title"),
                            ("disclosure_rate", "funnel_disclosure_title"),
                            ("review_correction_rate", "funnel_correction_title"))),
)}


def choose_charts(charts: object) -> list[str]:
    """The chart names asked for (a name, a list, or None for all), checked."""
    if charts is None:
        return list(CHARTS)
    names = [charts] if isinstance(charts, str) else list(charts)  # type: ignore[call-overload]
    names = [str(n).strip() for n in names if str(n).strip()]
    unknown = [n for n in names if n not in CHARTS]
    if unknown:
        raise BriefError(f"unknown chart(s) {unknown}: choose from {', '.join(CHARTS)}")
    if not names:
        raise BriefError(f"no chart chosen: choose from {', '.join(CHARTS)}")
    return list(dict.fromkeys(names))


# --- Word plumbing ------------------------------------------------------------------------


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _set_fonts(element: Any, latin: str, east_asia: str) -> None:
    """Set ``w:rFonts`` of a style or run element (or an ``rPr``) to ``latin`` for Latin
    text and ``east_asia`` for Chinese, dropping theme font references that would win."""
    from docx.oxml import OxmlElement

    rpr = element if element.tag == _qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(_qn(attr), None)
    fonts.set(_qn("w:ascii"), latin)
    fonts.set(_qn("w:hAnsi"), latin)
    fonts.set(_qn("w:cs"), latin)
    fonts.set(_qn("w:eastAsia"), east_asia)


def _style_document(doc: Any, fonts: dict[str, str], lang: str) -> None:
    """A4, margins, and fonts/sizes for every style the briefing uses."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Pt, RGBColor

    for section in doc.sections:
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(MARGIN_CM))
    body, head = (fonts["latin"], fonts["east_asia"]), (fonts["heading_latin"],
                                                          fonts["heading_east_asia"])
    defaults = doc.styles.element.find(_qn("w:docDefaults"))
    rpr = defaults.find(f"{_qn('w:rPrDefault')}/{_qn('w:rPr')}")
    _set_fonts(rpr, *body)
    lang_el = rpr.find(_qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(_qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    lang_el.set(_qn("w:eastAsia"), "zh-CN")
    styles = doc.styles
    normal = styles["Normal"]
    _set_fonts(normal.element, *body)
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.space_before = Pt(3)
    normal.paragraph_format.line_spacing = 1.25
    for name, size, font in (("Title", 22, head), ("Subtitle", 14, head),
                             ("Heading 1", 16, head), ("Heading 2", 13, head),
                             ("Caption", SMALL_PT, body), ("Footer", SMALL_PT, body)):
        style = styles[name]
        _set_fonts(style.element, *font)
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
        style.font.italic = False
    styles["Title"].font.bold = True
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name in ("Heading 1", "Heading 2"):
        styles[name].font.bold = True
        styles[name].paragraph_format.space_before = Pt(12)
        styles[name].paragraph_format.space_after = Pt(6)
    styles["Heading 1"].paragraph_format.page_break_before = True
    cap = styles["Caption"].paragraph_format
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.space_before, cap.space_after = Pt(3), Pt(6)
    styles["Caption"].font.bold = False
    # The title's bottom border from the default template reads as a rule; keep it plain.
    title_ppr = styles["Title"].element.find(_qn("w:pPr"))
    if title_ppr is not None and title_ppr.find(_qn("w:pBdr")) is not None:
        title_ppr.remove(title_ppr.find(_qn("w:pBdr")))


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (SEQ, PAGE …) with ``shown`` as its current result, so the number is
    right before any field update and readers that ignore fields still show it."""
    from docx.oxml import OxmlElement

    def run_with(child: Any) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(_qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(_qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(_qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(_qn("w:fldCharType"), "end")
    run_with(end)


def _caption(doc: Any, label: str, number: int, text: str, keep_with_next: bool = False) -> Any:
    """``图1 text`` in the Caption style, the number a SEQ field Word can renumber."""
    p = doc.add_paragraph(style="Caption")
    p.add_run(label if not label.isascii() else f"{label} ")
    _field(p, f"SEQ {label} \\* ARABIC", str(number))
    p.add_run(f"  {text}" if text else "")
    p.paragraph_format.keep_with_next = keep_with_next
    return p


def _body(doc: Any, text: str, indent: bool = True, size: float | None = None) -> Any:
    from docx.shared import Pt

    p = doc.add_paragraph(text)
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * (size or BODY_PT))
    if size:
        for run in p.runs:
            run.font.size = Pt(size)
    return p


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(_qn("w:val"), "clear")
    shd.set(_qn("w:color"), "auto")
    shd.set(_qn("w:fill"), fill)
    tc_pr.append(shd)


def _visual_width(text: str) -> float:
    """Width of the longest line of ``text`` in ems (CJK characters 1, others about 0.55)."""
    return max((sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in line)
                for line in str(text).split("\n")), default=0.0)


def column_widths(key: KeyTable, total_cm: float) -> list[float]:
    """Column widths (cm) that fit the text block: each column as wide as its longest cell
    (a header may wrap onto two lines), scaled together to ``total_cm``."""
    em = SMALL_PT / 72 * 2.54
    need = []
    for i, head in enumerate(key.header):
        body = max((_visual_width(row[i]) for row in key.rows), default=0.0)
        need.append(max(body, _visual_width(head) / 2, 2.0) * em + 0.45)
    if sum(need) <= total_cm:
        return [w * total_cm / sum(need) for w in need]
    # Too wide: narrow columns keep their width, the wide ones share what is left.
    widths: dict[int, float] = {}
    open_cols, left = list(range(len(need))), total_cm
    while open_cols:
        share = left / len(open_cols)
        fits = [i for i in open_cols if need[i] <= share]
        if not fits:
            widths.update({i: share for i in open_cols})
            break
        for i in fits:
            widths[i] = need[i]
            left -= need[i]
        open_cols = [i for i in open_cols if i not in fits]
    return [widths[i] for i in range(len(need))]


def _table(doc: Any, key: KeyTable) -> Any:
    """A compact grid: shaded header repeated on each page, numbers right-aligned, columns
    sized to their contents."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Pt

    ncols = len(key.header)
    table = doc.add_table(rows=1, cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    for i, text in enumerate(key.header):
        cell = table.rows[0].cells[i]
        cell.text = text
        _shade(cell, "E8E8E8")
    for row in key.rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            cells[i].text = text
    widths = column_widths(key, PAGE_WIDTH_CM - 2 * MARGIN_CM)
    _widths(table, [Cm(w) for w in widths])
    for r_index, row in enumerate(table.rows):
        for c_index, cell in enumerate(row.cells):
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.space_before = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                p.paragraph_format.first_line_indent = None
                if c_index not in key.text_columns:
                    p.alignment = (WD_ALIGN_PARAGRAPH.CENTER if r_index == 0
                                   else WD_ALIGN_PARAGRAPH.RIGHT)
                for run in p.runs:
                    run.font.size = Pt(SMALL_PT)
                    run.font.bold = r_index == 0 or (r_index - 1) in key.bold
    return table


def _widths(table: Any, widths: Sequence[Any]) -> None:
    """Fixed column widths, in the grid (which LibreOffice reads) and in every cell (which
    Word reads)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _add_svg(doc: Any, inline_shape: Any, svg: bytes) -> None:
    """Give a picture an SVG version (``asvg:svgBlip`` in the blip's extension list): Word
    2016 and later draw the SVG, older Word and other readers the PNG it stands beside."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.oxml import OxmlElement
    from docx.parts.image import ImagePart

    package = doc.part.package
    partname = package.next_partname("/word/media/reportkit_chart%d.svg")
    part = ImagePart(PackURI(partname), "image/svg+xml", svg)
    r_id = doc.part.relate_to(part, RT.IMAGE)
    blip = inline_shape._inline.graphic.graphicData.pic.blipFill.blip
    ext_list = OxmlElement("a:extLst")
    ext = OxmlElement("a:ext")
    ext.set("uri", SVG_EXT_URI)
    from lxml import etree

    svg_blip = etree.SubElement(ext, f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
    svg_blip.set(_qn("r:embed"), r_id)
    ext_list.append(ext)
    blip.append(ext_list)


def _picture(doc: Any, png: Path, svg: Path | None, name: str, description: str) -> Any:
    """The chart as wide as the text block (A4 less margins), no taller than
    :data:`MAX_PICTURE_HEIGHT_CM`, centred, with alt text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.image.image import Image
    from docx.shared import Cm

    image = Image.from_file(str(png))
    w_px, h_px = image.px_width, image.px_height
    width = PAGE_WIDTH_CM - 2 * MARGIN_CM
    height = width * h_px / w_px
    if height > MAX_PICTURE_HEIGHT_CM:
        width, height = width * MAX_PICTURE_HEIGHT_CM / height, MAX_PICTURE_HEIGHT_CM
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = None
    p.paragraph_format.keep_with_next = True
    shape = p.add_run().add_picture(str(png), width=Cm(width), height=Cm(height))
    doc_pr = shape._inline.docPr
    doc_pr.set("name", name)
    doc_pr.set("descr", description)
    if svg is not None:
        _add_svg(doc, shape, svg.read_bytes())
    return shape


def _footer(doc: Any, t: dict[str, str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = t["page"].partition("{page}")
    p.add_run(before)
    _field(p, "PAGE", "1")
    p.add_run(after)


# --- The document -------------------------------------------------------------------------


@dataclass
class Briefing:
    """What :func:`build` wrote."""

    path: Path
    charts: list[str]  # chart names in the document, in order
    skipped: dict[str, str]  # chart name -> why it is not in the document
    figures: list[Path]  # PNG (and SVG, CSV) files written for the document
    scope: dict[str, Any]
    tables: int = 0


def _chapter_title(index: int, title: str, t: dict[str, str], lang: str) -> str:
    num = _CN_NUMERALS[index - 1] if lang == "zh" and index <= len(_CN_NUMERALS) else index
    return t["chapter"].format(num=num, title=title)


def _date_text(date: object, t: dict[str, str]) -> str:
    if date is None:
        d = dt.date.today()
    elif isinstance(date, dt.date):
        d = date
    else:
        try:
            d = dt.date.fromisoformat(str(date))
        except ValueError:
            return str(date)
    return t["date_fmt"].format(y=d.year, m=d.month, d=d.day)


def _agency_names(reports: pd.DataFrame, t: dict[str, str], limit: int = 30) -> str:
    names = reports["agency_short"].where(reports["agency_short"].astype(str).str.len() > 0,
                                          reports["agency"])
    names = list(dict.fromkeys(str(n) for n in names.dropna()))
    if len(names) > limit:
        return t["agencies_more"].format(names=t["sep"].join(names[:limit]), n=len(names))
    return t["agencies_value"].format(n=len(names), names=t["sep"].join(names))


def _selection_text(agencies: object, years: object, t: dict[str, str]) -> str:
    def show(x: object) -> str:
        items = analysis._as_list(x)
        return t["all"] if items is None else t["sep"].join(str(i) for i in items)
    return t["selection_value"].format(agencies=show(agencies), years=show(years))


def _title_page(doc: Any, *, t: dict[str, str], title: str | None, reports: pd.DataFrame,
                quality: pd.DataFrame, charts: int, skipped: Sequence[str], date: object,
                agencies: object, years: object, source: str) -> None:
    from docx.shared import Cm, Pt

    for _ in range(5):
        doc.add_paragraph()
    doc.add_paragraph(title or t["title"], style="Title")
    doc.add_paragraph(t["subtitle"], style="Subtitle")
    doc.add_paragraph()
    scope = analysis.scope(reports)
    not_ok = int((quality["status"] != "ok").sum())
    rows = [
        [t["agencies"], _agency_names(reports, t)],
        [t["years"], t["sep"].join(t["year_item"].format(y=y) for y in scope["years"])],
        [t["reports"], t["reports_value"].format(
            n=scope["reports"], files=len(quality),
            problems=t["problems"].format(k=not_ok) if not_ok else "")],
        [t["charts"], t["charts_value"].format(n=charts)
         + "".join(t["paren"].format(v="", ci=why) for why in skipped)],
        [t["selection"], _selection_text(agencies, years, t)],
        [t["date"], _date_text(date, t)],
        [t["source"], source],
    ]
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        for cell in cells:
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(2)
        cells[0].paragraphs[0].runs[0].font.bold = True
    _widths(table, [Cm(3.0), Cm(PAGE_WIDTH_CM - 2 * MARGIN_CM - 3.0)])
    doc.add_paragraph()
    head = doc.add_paragraph()
    head.add_run(t["how_to_read"]).bold = True
    for key in ("note_denominators", "note_blanks", "note_intervals", "note_flag"):
        _body(doc, t[key], size=SMALL_PT)
    _body(doc, t["generated"].format(csv="values.csv / reports.csv / checks.csv"),
          size=SMALL_PT)


def _quality_frame(corpus_reports: pd.DataFrame, agencies: object, years: object
                   ) -> pd.DataFrame:
    """Every file in the selection whatever its status, plus files whose agency or year
    could not be read (they might belong to it)."""
    no_values = pd.DataFrame({"report_id": pd.Series(dtype=object)})
    _, chosen = analysis.select(no_values, corpus_reports, years=years, agencies=agencies,
                                statuses=None)
    unknown = corpus_reports[(corpus_reports["agency"].fillna("").astype(str) == "")
                             | corpus_reports["year"].isna()]
    out = pd.concat([chosen, unknown[~unknown["report_id"].isin(chosen["report_id"])]],
                    ignore_index=True)
    return out


def _report_label(row: Any, t: dict[str, str]) -> str:
    agency = row.get("agency_short") or row.get("agency") or t["unknown"]
    year = row.get("year")
    if year is None or pd.isna(year):
        return str(agency)
    return t["report_label"].format(agency=agency, year=int(year))


def _where(subject: str, t: dict[str, str], lang: str) -> str:
    head, _, tail = str(subject).partition(" ")
    table, _, key = head.partition("/")
    if lang == "zh":
        label = schema.ROW_LABELS_ZH.get(key) or schema.COLUMN_LABELS_ZH.get(key) or key
        head = f"{t.get('table_' + table, table)}·{label}"
    return f"{head} {tail}".strip()


def _blank_places(values: pd.DataFrame, report_id: str, t: dict[str, str], lang: str,
                  limit: int = 4) -> str:
    """Where a report's blank cells are: table·row·column, the first ``limit``."""
    blank = values[(values["report_id"] == report_id) & values["value"].isna()]
    places = []
    for r in blank.head(limit).itertuples():
        if lang == "zh":
            row = schema.ROW_LABELS_ZH.get(r.row, r.row)
            column = schema.COLUMN_LABELS_ZH.get(r.column, r.column)
            places.append(f"{t.get('table_' + r.table, r.table)}·{row}·{column}")
        else:
            places.append(f"{r.table}/{r.row}/{r.column}")
    more = len(blank) - len(places)
    return t["clause_sep"].join(places) + (t["q_places_more"].format(k=more) if more else "")


def _quality_section(doc: Any, *, index: int, t: dict[str, str], lang: str,
                     quality: pd.DataFrame, values: pd.DataFrame, checks: pd.DataFrame,
                     next_table: int, charts_excluding: int) -> int:
    """The data-quality chapter; returns the number of tables added."""
    doc.add_heading(_chapter_title(index, t["quality_title"], t, lang), level=1)
    tables = 0

    def add_table(title: str, key: KeyTable) -> None:
        nonlocal tables
        _caption(doc, t["table"], next_table + tables, title, keep_with_next=True)
        _table(doc, key)
        tables += 1

    counts = quality["status"].value_counts()
    parts = [t["q_file_part"].format(label=t.get(f"status_{s}", s), n=int(counts[s]))
             for s in (*STATUS_ORDER, *[s for s in counts.index if s not in STATUS_ORDER])
             if counts.get(s, 0)]
    _body(doc, t["q_files"].format(files=len(quality), parts=t["list_sep"].join(parts)))
    unread = quality[quality["status"] != "ok"]
    if len(unread):
        _body(doc, t["q_unread"].format(k=len(unread)))
        rows = [[Path(str(r.get("source_path") or "")).name, _report_label(r, t),
                 t.get(f"status_{r['status']}", str(r["status"])), str(r.get("error") or "")]
                for _, r in unread.head(MAX_QUALITY_ROWS).iterrows()]
        add_table(t["q_unread_title"], KeyTable([t["file"], t["report"], t["status"],
                                                 t["error"]], rows, text_columns={0, 1, 2, 3}))
        if len(unread) > MAX_QUALITY_ROWS:
            _body(doc, t["q_more"].format(k=len(unread) - MAX_QUALITY_ROWS, csv="reports.csv"),
                  size=SMALL_PT)
    in_scope = analysis.identity_checks(checks[checks["report_id"].isin(quality["report_id"])])
    failed = analysis.failed_checks(in_scope, quality)
    decided = int(in_scope["status"].isin(["passed", "failed"]).sum())
    if len(failed):
        _body(doc, t["q_checks_failed"].format(k=failed["report_id"].nunique(), m=len(failed)))
        rows = [[_report_label(r, t), t.get(f"check_{r['check']}", str(r["check"])),
                 _where(r["subject"], t, lang), _count(r["expected"]), _count(r["actual"]),
                 _count(r["expected"] - r["actual"])]
                for _, r in failed.head(MAX_QUALITY_ROWS).iterrows()]
        add_table(t["q_checks_title"], KeyTable(
            [t["report"], t["check"], t["where"], t["left"], t["right"], t["diff"]], rows,
            text_columns={0, 1, 2}))
        if len(failed) > MAX_QUALITY_ROWS:
            _body(doc, t["q_more"].format(k=len(failed) - MAX_QUALITY_ROWS, csv="checks.csv"),
                  size=SMALL_PT)
    else:
        _body(doc, t["q_checks_ok"].format(m=decided))
    missing = int((in_scope["status"] == "missing").sum())
    if missing:
        _body(doc, t["q_checks_missing"].format(u=missing))
    scoped_values = values[values["report_id"].isin(quality["report_id"])]
    blanks = analysis.blank_cells(scoped_values, quality)
    blanks = blanks[blanks["blank_cells"] > 0]
    if len(blanks):
        effect = "" if charts_excluding else t["q_blanks_unused"]
        _body(doc, t["q_blanks"].format(k=len(blanks), c=int(blanks["blank_cells"].sum()))
              + effect)
        rows = [[_report_label(r, t), f"{_count(r['blank_cells'])}/{_count(r['cells'])}",
                 _blank_places(scoped_values, r["report_id"], t, lang)]
                for _, r in blanks.head(MAX_QUALITY_ROWS).iterrows()]
        add_table(t["blank_cells"], KeyTable([t["report"], t["blank_of"], t["where"]], rows,
                                             text_columns={0, 2}))
    else:
        _body(doc, t["q_no_blanks"])
    if charts_excluding:
        _body(doc, t["q_excluding"].format(k=charts_excluding))
    return tables


def build(corpus: Any, out: str | Path, *, charts: object = None, agencies: object = None,
          years: object = None, lang: str = "zh", top_n: int | None = 10,
          title: str | None = None, date: object = None, figures_dir: str | Path | None = None,
          dpi: int = 300, svg: bool = True, fonts: dict[str, str] | None = None,
          source: str | None = None) -> Briefing:
    """Write the briefing for ``corpus`` (a :class:`reportkit.corpus.store.Corpus`, or a processed
    folder) to ``out`` (.docx). ``charts``: names of :data:`CHARTS` (default all; trend
    charts are left out, and said so, when the selection holds one year); ``agencies``,
    ``years``: as :func:`reportkit.analysis.select`. The charts are saved in
    ``figures_dir`` (default ``<out folder>/<out stem>_figures``) as PNG at ``dpi``, SVG
    and CSV. Raises :class:`BriefError` when the selection holds no report."""
    import docx

    from reportkit import plots

    t = _t(lang)
    if isinstance(corpus, str | Path):
        from reportkit.corpus.store import load

        source = source or str(corpus)
        corpus = load(corpus)
    names = choose_charts(charts)
    values, reports = analysis.select(corpus.values, corpus.reports, years=years,
                                      agencies=agencies)
    if reports.empty:
        raise BriefError(f"no readable report matches agencies={agencies!r}, years={years!r}: "
                         "check the names (full or short, e.g. 密云区) and years "
                         f"({_available(corpus.reports)})")
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise BriefError(f"{out}: the briefing is a Word file; give a name ending in .docx")
    figdir = Path(figures_dir) if figures_dir else out.parent / f"{out.stem}_figures"
    font_names = {**DEFAULTS["fonts"], **(fonts or {})}
    n_years = len(analysis.scope(reports)["years"])
    chosen = [n for n in names if n_years >= CHARTS[n].min_years]
    skipped = {n: t["skipped_trend"] for n in names if n not in chosen}

    doc = docx.Document()
    _style_document(doc, font_names, lang)
    _footer(doc, t)
    quality = _quality_frame(corpus.reports, agencies, years)
    _title_page(doc, t=t, title=title, reports=reports, quality=quality, charts=len(chosen),
                skipped=sorted(set(skipped.values())), date=date, agencies=agencies,
                years=years, source=source or "")
    written: list[Path] = []
    n_tables = charts_excluding = 0
    for index, name in enumerate(chosen, start=1):
        chart = CHARTS[name]
        fig = chart.draw(values, reports, lang, top_n)
        stem = getattr(fig, "reportkit_name", name)
        files = plots.save_figure(fig, stem, figdir, formats=("png", "svg") if svg else ("png",),
                                  dpi=dpi)
        written += files
        ctx = ChartContext(values, reports, fig.reportkit_data, lang, top_n)
        heading = plots.TEXT[lang][chart.title_key]
        doc.add_heading(_chapter_title(index, heading, t, lang), level=1)
        sentence = chart.sentence(ctx)
        if sentence:
            _body(doc, sentence)
        png = next(p for p in files if p.suffix == ".png")
        svg_path = next((p for p in files if p.suffix == ".svg"), None)
        _picture(doc, png, svg_path, stem, f"{heading}. {sentence}")
        _caption(doc, t["figure"], index, heading)
        key = chart.table(ctx)
        charts_excluding += bool(_excluded(ctx.data))
        n_tables += 1
        _caption(doc, t["table"], n_tables, t["table_of"].format(n=index), keep_with_next=True)
        _table(doc, key)
        for note in key.notes:
            _body(doc, note, indent=False, size=SMALL_PT)
    n_tables += _quality_section(doc, index=len(chosen) + 1, t=t, lang=lang, quality=quality,
                                 values=corpus.values, checks=corpus.checks,
                                 next_table=n_tables + 1, charts_excluding=charts_excluding)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(out)
    return Briefing(out, chosen, skipped, written, analysis.scope(reports), n_tables)


def _available(reports: pd.DataFrame) -> str:
    ok = reports[reports["status"].isin(analysis.ANALYSED_STATUSES)]
    names = sorted({str(n) for n in ok["agency_short"].dropna() if str(n)})
    years = sorted({int(y) for y in ok["year"].dropna()})
    return f"agencies: {', '.join(names) or 'none'}; years: {', '.join(map(str, years)) or 'none'}"


# --- Config and the command line --------------------------------------------------------


def settings(config: dict[str, Any] | None) -> dict[str, Any]:
    """The ``brief:`` section of a (pipeline) config merged over :data:`DEFAULTS`;
    ``agencies``, ``years``, ``lang`` fall back on the config's ``parameters``."""
    config = config or {}
    section = config.get("brief")
    if section is False:
        section = {"enabled": False}
    section = section or {}
    if not isinstance(section, dict):
        raise BriefError("'brief' must be a mapping of keys to values (see docs/brief.md)")
    unknown = sorted(set(section) - set(DEFAULTS))
    if unknown:
        raise BriefError(f"unknown key(s) brief.{', brief.'.join(unknown)}: expected one of "
                         f"{', '.join(DEFAULTS)}")
    out = copy.deepcopy(DEFAULTS)
    params = config.get("parameters") or {}
    for key in INHERITED:
        if key not in section and isinstance(params, dict) and params.get(key) is not None:
            out[key] = params[key]
    for key, value in section.items():
        if key == "fonts":
            if not isinstance(value, dict):
                raise BriefError("brief.fonts must be a mapping, e.g. {east_asia: SimSun}")
            bad = sorted(set(value) - set(DEFAULTS["fonts"]))
            if bad:
                raise BriefError(f"unknown brief.fonts key(s) {bad}: expected "
                                 f"{', '.join(DEFAULTS['fonts'])}")
            out["fonts"].update(value)
        else:
            out[key] = value
    choose_charts(out["charts"])
    _t(str(out["lang"]))
    return out


def build_from_settings(brief: dict[str, Any], corpus: Any, base: Path,
                        out: str | Path | None = None, source: str | None = None) -> Briefing:
    """:func:`build` with a merged ``brief`` section (see :func:`settings`), relative paths
    read from ``base``."""
    target = base / Path(out or brief["output"]).expanduser()
    figures = brief["figures_dir"]
    return build(corpus, target, charts=brief["charts"], agencies=brief["agencies"],
                 years=brief["years"], lang=str(brief["lang"]), top_n=brief["top_n"],
                 title=brief["title"], date=brief["date"],
                 figures_dir=base / Path(figures).expanduser() if figures else None,
                 dpi=int(brief["dpi"]), svg=bool(brief["svg"]), fonts=brief["fonts"],
                 source=source)


def build_for_run(config: dict[str, Any], base: Path, processed: Path) -> int:
    """The last step of ``reportkit run``: write the briefing (``brief.output``, default
    ``outputs/briefing.docx``) and print where it is. Returns an exit code (0, 1 on
    failure, which is printed and does not stop the run's summary)."""
    try:
        brief = settings(config)
        if not brief["enabled"]:
            print("  briefing:  off (brief.enabled: false)")
            return 0
        from reportkit.corpus.store import load

        result = build_from_settings(brief, load(processed), base, source=str(processed))
    except (BriefError, FileNotFoundError) as exc:
        print(f"reportkit run: briefing not written: {exc}", file=sys.stderr)
        print("  briefing:  FAILED (see above)")
        return 1
    print(f"  briefing:  {result.path} ({len(result.charts)} charts, {result.tables} tables)")
    return 0


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    return items or None


def main(args: Any) -> int:
    """``reportkit brief``: the parsed command-line ``args`` (config, processed, out,
    charts, agencies, years, lang). Exit 0 when written, 2 for a request that cannot be
    met (message on stderr)."""
    from reportkit.config import ConfigError, read_config
    from reportkit.corpus.ingest import load_corpus

    try:
        config, base = read_config(args.config)
        brief = settings(config)
        for key in ("charts", "agencies", "years"):
            given = _split(getattr(args, key, None))
            if given is not None:
                brief[key] = [int(y) for y in given] if key == "years" else given
        if getattr(args, "lang", None):
            brief["lang"] = args.lang
        choose_charts(brief["charts"])
        processed = Path(args.processed) if args.processed else \
            base / config["inputs"]["processed"]
        raw = config["inputs"]["raw"]
        raw_dir = base / (raw[0] if isinstance(raw, list) else raw)
        corpus = load_corpus(processed, raw_dir)
        out = Path(args.out).resolve() if args.out else None
        result = build_from_settings(brief, corpus, base, out=out, source=str(processed))
    except (ConfigError, BriefError, FileNotFoundError, ValueError) as exc:
        print(f"reportkit brief: {exc}", file=sys.stderr)
        return 2
    where = result.figures[0].parent if result.figures else "-"
    print(f"reportkit brief: wrote {result.path} ({len(result.charts)} charts, "
          f"{result.tables} tables; chart files in {where})")
    for name, why in result.skipped.items():
        print(f"  left out {name}: {why}")
    return 0
