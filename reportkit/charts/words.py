"""The words of the charts' sentences and key-figure tables (zh/en), and the formatting of
their figures: counts, percentages, rates per 100, Wilson intervals, the † flag.

The briefing (:mod:`reportkit.brief.strings`) adds its own words to these.
"""

from __future__ import annotations

import pandas as pd

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "outcome": "办理结果",
        "count": "件数",
        "total_processed": "办理总数",
        "share": "占比",
        "ci": "95%区间",
        "agency": "机关",
        "year": "年度",
        "n_reports": "报告数",
        "not_held": "不掌握件数",
        "new_requests": "新收申请",
        "review_cases": "行政复议（件）",
        "litigation_cases": "行政诉讼（件）",
        "per_100": "每百件（95%区间）",
        "per_100_short": "每百件",
        "review_corr": "行政复议 纠正/审结",
        "litigation_corr": "行政诉讼 纠正/审结",
        "corr_rate": "纠正比例（95%区间）",
        "all_agencies": "全部机关",
        "total_row": "办理结果总计",
        "zero_rows": "其余{k}项办理结果为0件，未列出。",
        "no_decided_rows": "{k}个机关没有已审结的行政复议或行政诉讼案件，未列出。",
        "excluded_note": "注：空白单元格视为缺失、不计为零；有{k}份报告因所需单元格空白（或所在表"
                         "格未读到）未计入本图的部分数字。",
        "flag_note": "† 所依据的报告中有未通过自身算术校验的（见“数据质量”）。",
        "pct": "{v:.1f}%",
        "ci_pct": "{lo:.1f}%–{hi:.1f}%",
        "ci_rate": "{lo:.1f}–{hi:.1f}",
        "paren": "{v}（{ci}）",
        "s_groups": "在{n}份报告中，办理结果总计{total}件：{parts}。",
        "s_group_part": "{label}{count}件（{share}）",
        "s_rows": "最常见的办理结果是{first}，其次是{rest}；{k}项办理结果出现过，其余{z}项为0件。",
        "s_row_part": "“{label}”（{count}件，占{share}）",
        "s_rows_one": "只出现了一种办理结果：{first}；其余{z}项为0件。",
        "s_and": "和",
        "s_not_held": "在{n}份报告中，本机关不掌握相关政府信息占全部办理结果的{share}（{count}/{t"
                      "otal}）",
        "w_not_held": "不掌握的比例",
        "w_granted": "予以公开的比例",
        "w_unavailable": "无法提供的比例",
        "w_review": "每百件新收申请引发的行政复议",
        "w_litigation": "每百件新收申请引发的行政诉讼",
        "s_composition_one": "{agency}的办理结果中，{parts}。",
        "s_rates": "{n}份报告共新收申请{new}件，引发行政复议{review}件、行政诉讼{lit}件，即每百件"
                   "新收申请{r_rate}件和{l_rate}件",
        "s_corr": "已审结的{measure}{decided}件中，结果被纠正{corrected}件（{rate}）",
        "s_corr_none": "没有已审结的{measure}案件",
        "s_trend": "{y0}年（{k0}份报告）至{y1}年（{k1}份报告），{parts}。",
        "s_trend_part": "{label}由{a}变为{b}",
        "s_trend_outcome_label": "{label}的比例",
        "s_trend_rate_label": "每百件新收申请引发{label}的件数",
        "s_trend_caveat": "各年度报告的机关不尽相同，变化可能来自机关构成而非趋势。",
        "s_excluded": "另有{k}份报告因所需单元格空白或所在表格未读到而未计入（缺失不计为零）。",
        "end": "。",
        "list_sep": "，",
        "clause_sep": "；",
    },
    "en": {
        "outcome": "Outcome",
        "count": "Requests",
        "total_processed": "Processed",
        "share": "Share",
        "ci": "95% interval",
        "agency": "Agency",
        "year": "Year",
        "n_reports": "Reports",
        "not_held": "Not held",
        "new_requests": "New requests",
        "review_cases": "Review cases",
        "litigation_cases": "Litigation cases",
        "per_100": "Per 100 (95% interval)",
        "per_100_short": "Per 100",
        "review_corr": "Review corrected/decided",
        "litigation_corr": "Litigation corrected/decided",
        "corr_rate": "Rate (95% interval)",
        "all_agencies": "All agencies",
        "total_row": "All requests processed",
        "zero_rows": "The other {k} outcomes did not occur and are not listed.",
        "no_decided_rows": "{k} agencies had no decided review or litigation case and are not lis"
                           "ted.",
        "excluded_note": "Note: blank cells are missing, never zero; {k} {reports} {are} left "
                         "out of some figures of this chart because a cell they need is blank "
                         "(or its table was not read).",
        "flag_note": "† rests on reports that fail their own arithmetic (see Data quality).",
        "pct": "{v:.1f}%",
        "ci_pct": "{lo:.1f}%–{hi:.1f}%",
        "ci_rate": "{lo:.1f}–{hi:.1f}",
        "paren": "{v} ({ci})",
        "s_groups": "In {n} reports, {total} requests were processed: {parts}.",
        "s_group_part": "{label} {count} ({share})",
        "s_rows": "The most frequent outcome is {first}, followed by {rest}; {k} outcomes occur, "
                  "the other {z} do not.",
        "s_row_part": "'{label}' ({count}, {share})",
        "s_rows_one": "One outcome only occurs: {first}; the other {z} do not.",
        "s_and": " and ",
        "s_not_held": "In {n} reports, 'information not held by this agency' makes up {share} of "
                      "all outcomes ({count}/{total})",
        "w_not_held": "the not-held share",
        "w_granted": "the share granted",
        "w_unavailable": "the share unavailable",
        "w_review": "review cases per 100 requests",
        "w_litigation": "litigation cases per 100 requests",
        "s_composition_one": "Of {agency}'s requests processed: {parts}.",
        "s_rates": "The {n} reports received {new} new requests, which led to {review} administra"
                   "tive review and {lit} litigation cases, {r_rate} and {l_rate} per 100 new req"
                   "uests",
        "s_corr": "of {decided} decided {measure} cases, {corrected} were corrected ({rate})",
        "s_corr_none": "no {measure} case was decided",
        "s_trend": "From {y0} ({k0} reports) to {y1} ({k1} reports), {parts}.",
        "s_trend_part": "{label} went from {a} to {b}",
        "s_trend_outcome_label": "the share {label}",
        "s_trend_rate_label": "{label} cases per 100 new requests",
        "s_trend_caveat": "The agencies reporting differ between years, so a change may come from"
                          " who reported rather than a trend.",
        "s_excluded": " {k} more {reports} {are} left out because a cell they need is blank "
                      "or its table was not read (missing is never zero).",
        "end": ".",
        "list_sep": ", ",
        "clause_sep": "; ",
    },
}


def words(lang: str) -> dict[str, str]:
    """The sentence and table words of ``lang``; a ValueError for another language."""
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {sorted(WORDS)}, not {lang!r}")
    return WORDS[lang]


def count(x: object) -> str:
    """A count with thousands separators, "–" when missing."""
    return "–" if x is None or pd.isna(x) else f"{float(x):,.0f}"


def pct(x: object, t: dict[str, str]) -> str:
    """A share (0–1) as a percentage with one decimal, "–" when missing."""
    return "–" if x is None or pd.isna(x) else t["pct"].format(v=float(x) * 100)


def rate(x: object) -> str:
    """A rate per 100 with one decimal, "–" when missing."""
    return "–" if x is None or pd.isna(x) else f"{float(x):.1f}"


def ci(low: object, high: object, t: dict[str, str], percent: bool) -> str:
    """A Wilson interval "a%–b%" (``percent``) or "a–b", "–" when missing."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "–"
    if percent:
        return t["ci_pct"].format(lo=float(low) * 100, hi=float(high) * 100)
    return t["ci_rate"].format(lo=float(low), hi=float(high))


def with_ci(value: str, low: object, high: object, t: dict[str, str], percent: bool) -> str:
    """``value`` with its interval in brackets (alone when there is none)."""
    interval = ci(low, high, t, percent)
    return value if interval == "–" else t["paren"].format(v=value, ci=interval)


def dagger(label: str, flagged: object) -> str:
    """``label`` with † when the figure rests on reports that fail their own arithmetic."""
    return f"{label} †" if bool(flagged) and not label.endswith("†") else label


def nan0(x: object) -> float:
    """``x`` as a float, 0 when missing."""
    return 0.0 if x is None or pd.isna(x) else float(x)


def capitalize(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def excluded(data: pd.DataFrame) -> int:
    """The most reports any figure of ``data`` leaves out for a blank."""
    return int(data["n_excluded"].max()) if len(data) and "n_excluded" in data else 0


def table_notes(data: pd.DataFrame, t: dict[str, str]) -> list[str]:
    """The notes under a key-figure table: reports left out, the † flag."""
    notes = []
    k = excluded(data)
    if k:
        notes.append(t["excluded_note"].format(k=k, **_plural(k)))
    if len(data) and bool(data["flag_failed_checks"].any()):
        notes.append(t["flag_note"])
    return notes


def excluded_sentence(data: pd.DataFrame, t: dict[str, str]) -> str:
    """The sentence saying how many reports a figure leaves out for a blank (or "")."""
    k = excluded(data)
    return t["s_excluded"].format(k=k, **_plural(k)) if k else ""


def _plural(k: int) -> dict[str, str]:
    """English words that agree with ``k`` reports (the Chinese strings use none)."""
    return {"reports": "report" if k == 1 else "reports", "are": "is" if k == 1 else "are"}


def review_litigation_cells(review: pd.Series, litigation: pd.Series,
                            t: dict[str, str]) -> list[str]:
    """The four table cells of one row's review and litigation: cases, rate per 100 with
    its interval, for each."""
    return [count(review["cases"]),
            with_ci(rate(review["rate_per_100"]), review["ci_low"], review["ci_high"], t, False),
            count(litigation["cases"]),
            with_ci(rate(litigation["rate_per_100"]), litigation["ci_low"],
                    litigation["ci_high"], t, False)]
