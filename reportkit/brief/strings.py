"""The briefing's words, zh and en: the charts' sentence and table words
(:data:`reportkit.charts.words.WORDS`) and the document's own (title page, chapters, data
quality)."""

from __future__ import annotations

from reportkit.brief.settings import BriefError
from reportkit.charts.words import WORDS

OWN: dict[str, dict[str, str]] = {
    "zh": {
        "title": "政府信息公开工作年度报告数据简报",
        "subtitle": "办理结果、行政复议与行政诉讼",
        "agencies": "机关",
        "years": "年度",
        "reports": "报告",
        "charts": "图表",
        "date": "生成日期",
        "source": "数据",
        "selection": "选择",
        "agencies_value": "{n}个：{names}",
        "agencies_more": "{names}等{n}个",
        "year_item": "{y}年",
        "sep": "、",
        "all": "全部",
        "reports_value": "{n}份可分析的报告（共读取{files}个文件{problems}）",
        "problems": "，其中{k}个未能完整读取，见“数据质量”",
        "charts_value": "{n}幅",
        "date_fmt": "{y}年{m}月{d}日",
        "selection_value": "机关：{agencies}；年度：{years}",
        "how_to_read": "阅读说明",
        "note_denominators": "办理结果的比例以“办理结果总计”为分母；行政复议、行政诉讼以每百件本"
                             "年新收申请计；纠正比例 = 结果纠正 ÷ 已审结（维持 + 纠正 + 其他）。",
        "note_blanks": "空白单元格视为缺失，不计为零：某个数字所需的单元格有空白的报告，不计入该"
                       "数字的分子和分母；表中的件数和报告数即实际使用的数据。",
        "note_intervals": "括号内为 Wilson 95% 置信区间。多数机关件数很少，区间很宽，比较时请留意"
                          "。",
        "note_flag": "† 表示该数字所依据的报告中有未通过自身算术校验的，数字按报告原样计算。",
        "generated": "由 reportkit 根据各机关报告中的表格自动生成；数字均可在 {csv} 中查到。",
        "figure": "图",
        "table": "表",
        "table_of": "图{n}的数据",
        "chapter": "{num}、{title}",
        "quality_title": "数据质量",
        "skipped_trend": "所选数据只有一个年度，没有年度变化图。",
        "skipped_no_panel": "没有机关在所选的每个年度都有报告，没有年度变化图："
                            "不同机关之间的变化不是趋势。",
        "status_ok": "完整读取",
        "status_partial": "部分读取",
        "status_failed": "无法读取",
        "status_not_a_report": "不是年度报告",
        "status_duplicate": "重复文件",
        "q_files": "共读取{files}个文件：{parts}。",
        "q_file_part": "{label}{n}个",
        "q_unread": "以下{k}个文件未能完整读取，其数字未计入或只部分计入上文各图：",
        "q_checks_failed": "{k}份报告未通过自身的算术校验（共{m}项，见下表；差 = 左式 − 右式）。"
                           "这些报告的数字仍按原样计入上文各图，并以†标注。",
        "q_checks_ok": "所有报告均通过了自身的算术校验（共{m}项校验）。",
        "q_checks_missing": "另有{u}项校验因单元格空白无法判定，不算作未通过。",
        "q_blanks": "{k}份报告共有{c}个空白单元格，视为缺失、不计为零：某个数字用到其中的单元格时"
                    "，该报告不计入这个数字。",
        "q_excluding": "本简报有{k}幅图因所需单元格空白或所在表格未读到而少计了报告，已在图下注明"
                       "。",
        "q_blanks_unused": "本简报各图都没有因空白少计报告。",
        "q_places_more": "等，共{k}处未列出",
        "blank_of": "空白/读取单元格",
        "q_unread_title": "未能完整读取的文件",
        "q_checks_title": "未通过的算术校验",
        "q_no_blanks": "没有空白单元格。",
        "q_more": "另有{k}行未列出，见 {csv}。",
        "file": "文件",
        "status": "状态",
        "error": "说明",
        "check": "校验（左式 = 右式）",
        "where": "位置",
        "left": "左式",
        "right": "右式",
        "diff": "差",
        "report": "报告",
        "blank_cells": "空白单元格",
        "cells": "读取单元格",
        "report_label": "{agency}（{year}年）",
        "unknown": "（未识别）",
        "table_requests": "申请情况",
        "table_review_litigation": "复议诉讼",
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
        "agencies": "Agencies",
        "years": "Years",
        "reports": "Reports",
        "charts": "Charts",
        "date": "Date",
        "source": "Data",
        "selection": "Selection",
        "agencies_value": "{n}: {names}",
        "agencies_more": "{names} and others ({n} in all)",
        "year_item": "{y}",
        "sep": ", ",
        "all": "all",
        "reports_value": "{n} reports analysed ({files} files read{problems})",
        "problems": "; {k} not fully read, see Data quality",
        "charts_value": "{n}",
        "date_fmt": "{y}-{m:02d}-{d:02d}",
        "selection_value": "agencies: {agencies}; years: {years}",
        "how_to_read": "How to read this briefing",
        "note_denominators": "Outcome shares are over all requests processed (办理结果总计); revi"
                             "ew and litigation are per 100 new requests; the correction rate is "
                             "corrected ÷ decided (upheld + corrected + other).",
        "note_blanks": "Blank cells are missing, never zero: a report with a blank cell that a fi"
                       "gure needs is left out of that figure's numerator and denominator; the co"
                       "unts and report numbers in the tables are the data used.",
        "note_intervals": "Ranges in brackets are Wilson 95% intervals. Most agencies have few ca"
                          "ses, so the intervals are wide.",
        "note_flag": "† marks figures resting on reports that fail their own arithmetic; they are"
                     " computed as the reports state them.",
        "generated": "Generated by reportkit from the tables of each agency's report; every figur"
                     "e is in {csv}.",
        "figure": "Figure",
        "table": "Table",
        "table_of": "The numbers behind Figure {n}",
        "chapter": "{num}. {title}",
        "quality_title": "Data quality",
        "skipped_trend": "The selection holds one year only: no trend chart.",
        "skipped_no_panel": "No body reports in every year of the selection: no trend chart "
                            "(a change between different bodies is not a trend).",
        "status_ok": "read",
        "status_partial": "partly read",
        "status_failed": "not read",
        "status_not_a_report": "not a report",
        "status_duplicate": "duplicate",
        "q_files": "{files} files were read: {parts}.",
        "q_file_part": "{n} {label}",
        "q_unread": "These {k} files were not fully read; their figures are missing from, or only"
                    " partly in, the charts above:",
        "q_checks_failed": "{k} reports fail their own arithmetic ({m} identities, below; differe"
                           "nce = left − right). Their figures are used as stated and marked †.",
        "q_checks_ok": "Every report passes its own arithmetic ({m} identities checked).",
        "q_checks_missing": "{u} more identities cannot be decided because a cell is blank; they "
                            "are not counted as failures.",
        "q_blanks": "{k} report(s) hold {c} blank cells, missing and never zero: a figure that ne"
                    "eds one of them leaves the report out. ",
        "q_excluding": "{k} charts of this briefing leave reports out because a cell they need is"
                       " blank or its table was not read; the notes under them say so.",
        "q_blanks_unused": "No chart of this briefing leaves a report out for a blank.",
        "q_places_more": " and {k} more",
        "blank_of": "Blank/cells read",
        "q_unread_title": "Files not fully read",
        "q_checks_title": "Failed identities",
        "q_no_blanks": "No cell is blank.",
        "q_more": "{k} more rows are not listed; see {csv}.",
        "file": "File",
        "status": "Status",
        "error": "Why",
        "check": "Identity (left = right)",
        "where": "Where",
        "left": "Left",
        "right": "Right",
        "diff": "Diff.",
        "report": "Report",
        "blank_cells": "Blank cells",
        "cells": "Cells read",
        "report_label": "{agency} ({year})",
        "unknown": "(unknown)",
        "table_requests": "requests",
        "table_review_litigation": "review/litigation",
        "table_proactive": "proactive",
        "check_balance": "new + carried over = processed + carried forward",
        "check_outcomes_sum": "total processed = sum of outcomes",
        "check_row_total": "total column = sum of the six applicant columns",
        "check_review_total": "total = upheld + corrected + other + pending",
        "check_carried_across_years": "carried forward last year = carried over this year",
        "page": "Page {page}",
    },
}

TEXT: dict[str, dict[str, str]] = {lang: {**WORDS[lang], **OWN[lang]} for lang in OWN}
CN_NUMERALS = "一二三四五六七八九十"


def words(lang: str) -> dict[str, str]:
    """Every word of the briefing in ``lang``; a :class:`BriefError` for another language."""
    if lang not in TEXT:
        raise BriefError(f"lang must be one of {sorted(TEXT)}, not {lang!r}")
    return TEXT[lang]
