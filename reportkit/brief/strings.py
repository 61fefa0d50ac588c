"""The briefing's words, zh and en: the charts' sentence and table words
(:data:`reportkit.charts.words.WORDS`) and the document's own (title page, chapters, data
quality)."""

from __future__ import annotations

from reportkit.brief.settings import BriefError
from reportkit.charts.words import WORDS
from reportkit.schema.labels import STATUS_LABELS

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
        "problems": "，其中{k}个未计入或只部分计入，见“数据质量”",
        "charts_value": "{n}幅",
        "date_fmt": "{y}年{m}月{d}日",
        "selection_value": "机关：{agencies}；年度：{years}",
        "selection_level": "；层级：{level}",
        "level_province": "省级",
        "level_city": "市级",
        "level_county": "县级",
        "level_township": "乡镇级",
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
                "chapter": "{num}、{title}",
        "table_of_chart": "{title}：件数与比例",
        "quality_title": "数据质量",
        "skipped_trend": "所选数据只有一个年度，没有年度变化图。",
        "skipped_no_panel": "没有机关在所选的每个年度都有报告，没有年度变化图："
                            "不同机关之间的变化不是趋势。",
        "q_files": "所选范围共{files}个文件：{parts}。",
        "q_file_part": "{label}{n}个",
        "q_unread": "以下{k}个文件的数字未计入或只部分计入上文各图：",
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
        "q_unread_title": "未计入或只部分计入的文件及原因",
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
        "q_blanks_title": "各报告的空白单元格及其位置",
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
        "page": "第\u00a0{page}\u00a0页",
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
        "problems": "; {k} left out or only partly read, see Data quality",
        "charts_value": "{n}",
        "date_fmt": "{y}-{m:02d}-{d:02d}",
        "selection_value": "agencies: {agencies}; years: {years}",
        "selection_level": "; level: {level}",
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
                "chapter": "{num}. {title}",
        "table_of_chart": "{title}: counts and shares",
        "quality_title": "Data quality",
        "skipped_trend": "The selection holds one year only: no trend chart.",
        "skipped_no_panel": "No body reports in every year of the selection, so there is no "
                            "trend chart: a change between different bodies is not a trend.",
        "q_files": "The selection holds {files} files: {parts}.",
        "q_file_part": "{n} {label}",
        "q_unread": "The figures of these {k} files are missing from, or only partly in, the "
                    "charts above:",
        "q_checks_failed": "{k} report(s) fail their own arithmetic ({m} identities, below; differe"
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
        "q_unread_title": "Files left out or only partly read, and why",
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
        "q_blanks_title": "Blank cells per report and where they are",
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
        "page": "Page\u00a0{page}",
    },
}

#: The page-1 findings, the sections by question, the table captions, the source list and
#: the data-quality sentences for each status and kind of error.
MORE: dict[str, dict[str, str]] = {
    "zh": {
        "findings_title": "主要发现",
        "f_top_group": "办理结果中最多的是“{label}”：{count}件，占办理结果总计{total}件的{share}。",
        "f_not_held": "答复“本机关不掌握相关政府信息”的有{count}件，占办理结果总计{total}件的"
                      "{share}。",
        "f_rates": "{new}件新收申请引发行政复议{review}件（每百件{r_rate}件）、行政诉讼{lit}件"
                   "（每百件{l_rate}件）。",
        "f_corr": "{parts}。",
        "f_corr_part": "已审结的{measure}{decided}件中，{corrected}件的结果被纠正（{share}）",
        "f_measure_review": "行政复议",
        "f_measure_litigation": "行政诉讼",
        "f_excluded": "另有{k}份报告因所需单元格空白或所在表格未读到而未计入。",
        "f_read_all": "所选的{n}份报告全部完整读取。",
        "f_read": "所选的{files}个文件中，{parts}。",
        "f_read_ok": "{k}份报告完整读取",
        "f_read_partial": "{k}份只部分读取",
        "f_read_failed": "{k}个无法读取",
        "f_read_others": "{k}个不是年度报告或为重复文件",
        "section_outcomes": "申请办理结果",
        "section_not_held": "答复“本机关不掌握相关政府信息”",
        "section_review_litigation": "行政复议与行政诉讼",
        "section_assessment": "评估：各机关与总体比较",
        "tcap_outcome_group_frequencies": "六类办理结果的件数、占比及95%区间",
        "tcap_outcome_frequencies": "出现过的各项办理结果的件数与占比",
        "tcap_not_held_share": "各机关答复“本机关不掌握”的件数与占比",
        "tcap_outcome_composition": "各机关办理总数及六类办理结果的占比",
        "tcap_review_litigation_rates": "各机关新收申请及引发的行政复议、行政诉讼件数与每百件比率",
        "tcap_correction_rates": "各机关已审结的行政复议、行政诉讼中被纠正的件数与比例",
        "tcap_outcome_trends": "同一批机关各年度的办理总数及六类办理结果的占比",
        "tcap_review_litigation_trends": "同一批机关各年度每百件新收申请引发的行政复议、行政诉讼",
        "tcap_funnel_not_held_rate": "各机关的不掌握率、基数与95%控制限",
        "tcap_funnel_disclosure_rate": "各机关的实质公开率、基数与95%控制限",
        "tcap_funnel_review_correction_rate": "各机关的复议纠错率、基数与95%控制限",
        "sources_title": "所依据的报告",
        "sources_intro": "本简报依据所选范围内的{n}个文件，按机关和年度排列：",
        "sources_more": "……另有{m}个文件未列出。",
        "sources_csv": "完整清单（含读取状态和原因）见简报旁的 {csv}。",
        "sources_skipped": "另有{k}个文件不是报告（图片、电子表格、压缩包等），已跳过，未列入。",
        "tcap_sources": "所依据的报告：机关、年度、文件名与读取状态",
        "q_outside": "另有{k}个文件无法识别机关或年度，无法判断是否属于所选范围，未列入本节"
                     "（见 reports.csv）。",
        "status_other": "其他",
        "part_proactive": "第二部分（主动公开政府信息情况）",
        "part_requests": "第三部分（收到和处理政府信息公开申请情况）",
        "part_review_litigation": "第四部分（行政复议、行政诉讼情况）",
        "reason_missing_parts": "未找到{parts}，其中的数字缺失。",
        "reason_partial": "部分行或单元格未能读取，其中的数字缺失。",
        "reason_run_together": "表格的单元格连在一起、没有分隔符，无法可靠拆分；请改用网页或 PDF "
                               "版本。",
        "reason_password": "PDF 设有密码，无法读取；请去除密码后重新读取。",
        "reason_no_text": "PDF 没有文字层（扫描件），需先进行文字识别（OCR）。",
        "reason_empty": "文件为空，请重新下载。",
        "reason_encoding": "文件不是可识别编码的文本，请另存为 UTF-8 或提供原始文档。",
        "reason_timeout": "读取超时，文件可能过大或已损坏。",
        "reason_format": "文件格式不受支持（压缩包、RTF 或二进制数据），请提供文本、网页、Word 或 "
                         "PDF 格式的报告。",
        "reason_converter": "无法转换 .doc 文件，请在 Word 中另存为 .docx。",
        "reason_damaged": "文件已损坏或加密，无法读取；请重新下载或在 Word 中另存。",
        "reason_duplicate": "与另一个文件内容相同，只计一次。",
        "reason_duplicate_of": "与{file}内容相同，只计一次。",
        "reason_memory": "读取这个文件所需的内存超过限制（可能是高度压缩的内容）。",
        "reason_not_a_report": "不是政府信息公开工作年度报告（文件中没有报告的表格）。",
        "reason_no_tables": "未找到报告的表格（第二、三、四部分），请确认文件包含完整报告。",
        "reason_internal": "读取这个文件时程序出错。",
        "reason_status_failed": "无法读取。",
        "reason_status_not_a_report": "不是政府信息公开工作年度报告。",
        "reason_status_duplicate": "与另一个文件内容相同，只计一次。",
        "reason_other": "原因见简报旁清单的 error 列。",
    },
    "en": {
        "findings_title": "Key findings",
        "f_top_group": "The most frequent outcome group is ‘{label}’: {count} of {total} requests"
                       " processed ({share}).",
        "f_not_held": "‘Information not held by this agency’ was the answer to {count} of {total}"
                      " requests processed ({share}).",
        "f_rates": "{new} new requests led to {review} administrative reviews ({r_rate} per 100)"
                   " and {lit} lawsuits ({l_rate} per 100).",
        "f_corr": "{parts}.",
        "f_corr_part": "{corrected} of {decided} decided {measure} were corrected ({share})",
        "f_measure_review": "reviews",
        "f_measure_litigation": "lawsuits",
        "f_excluded": " Left out: {k} report(s) with a blank cell or an unread table.",
        "f_read_all": "All {n} reports of the selection were read fully.",
        "f_read": "Of the {files} files of the selection: {parts}.",
        "f_read_ok": "{k} reports read fully",
        "f_read_partial": "{k} read in part",
        "f_read_failed": "{k} could not be read",
        "f_read_others": "{k} other (not an annual report, or a duplicate)",
        "section_outcomes": "Outcomes of requests",
        "section_not_held": "‘Information not held by this agency’",
        "section_review_litigation": "Administrative review and litigation",
        "section_assessment": "Assessment: each agency against the pooled rate",
        "tcap_outcome_group_frequencies": "The six outcome groups: requests, share and 95% "
                                          "interval",
        "tcap_outcome_frequencies": "Outcomes that occur: requests and share",
        "tcap_not_held_share": "‘Not held’ answers per agency: requests and share",
        "tcap_outcome_composition": "Requests processed per agency and the share of each outcome"
                                    " group",
        "tcap_review_litigation_rates": "New requests per agency, the reviews and lawsuits they "
                                        "led to, and the rates per 100",
        "tcap_correction_rates": "Decided reviews and lawsuits per agency and how many were "
                                 "corrected",
        "tcap_outcome_trends": "The same agencies each year: requests processed and the share of"
                               " each outcome group",
        "tcap_review_litigation_trends": "The same agencies each year: reviews and lawsuits per "
                                         "100 new requests",
        "tcap_funnel_not_held_rate": "Not-held rate per agency, its base and the 95% limits",
        "tcap_funnel_disclosure_rate": "Disclosure rate per agency, its base and the 95% limits",
        "tcap_funnel_review_correction_rate": "Review correction rate per agency, its base and "
                                              "the 95% limits",
        "sources_title": "Source reports",
        "sources_intro": "This briefing rests on the {n} files of the selection, by agency and "
                         "year:",
        "sources_more": "… and {m} more files.",
        "sources_csv": "The full list, with each file's status and why, is in {csv} beside the "
                       "briefing.",
        "sources_skipped": "{k} more files are not reports (images, spreadsheets, archives …) and "
                           "were skipped.",
        "tcap_sources": "Source reports: agency, year, file name and how it was read",
        "q_outside": "{k} more files name no agency or year that could be read, so they cannot "
                     "be placed in the selection and are not listed here (see reports.csv).",
        "status_other": "other",
        "part_proactive": "part 2 (proactive disclosure)",
        "part_requests": "part 3 (requests received and processed)",
        "part_review_litigation": "part 4 (administrative review and litigation)",
        "reason_missing_parts": "{parts} not found: its figures are missing.",
        "reason_partial": "Some rows or cells could not be read: their figures are missing.",
        "reason_run_together": "The table cells run together without separators and cannot be "
                               "split reliably: use the web page or the PDF.",
        "reason_password": "The PDF is password-protected: remove the password and read it "
                           "again.",
        "reason_no_text": "The PDF has no text layer (a scan): it needs OCR first.",
        "reason_empty": "The file is empty: download it again.",
        "reason_encoding": "The file is not text in a known encoding: save it as UTF-8 or give "
                           "the original document.",
        "reason_timeout": "Reading took too long: the file may be too large or damaged.",
        "reason_format": "The format is not supported (archive, RTF or binary data): give the "
                         "report as text, web page, Word or PDF.",
        "reason_converter": "The .doc file could not be converted: save it as .docx in Word.",
        "reason_damaged": "The file is damaged or encrypted: download it again or save it again"
                          " in Word.",
        "reason_duplicate": "Same content as another file: counted once.",
        "reason_duplicate_of": "Same content as {file}: counted once.",
        "reason_memory": "Reading it needs more memory than a file may take (highly compressed "
                         "content?).",
        "reason_not_a_report": "Not an annual report on government information disclosure "
                               "(none of its tables is there).",
        "reason_no_tables": "None of the report's tables (parts 2, 3, 4) was found: check that "
                            "the file holds the whole report.",
        "reason_internal": "reportkit stopped with an internal error on this file.",
        "reason_status_failed": "Could not be read.",
        "reason_status_not_a_report": "Not an annual report.",
        "reason_status_duplicate": "Same content as another file: counted once.",
        "reason_other": "See the error column of the list beside the briefing.",
    },
}

#: A file's status in each language: the schema's labels (one definition for every output).
_STATUS = {lang: {f"status_{s}": label for s, label in labels.items()}
           for lang, labels in STATUS_LABELS.items()}
TEXT: dict[str, dict[str, str]] = {lang: {**WORDS[lang], **OWN[lang], **MORE[lang],
                                          **_STATUS[lang]} for lang in OWN}
CN_NUMERALS = "一二三四五六七八九十"


def words(lang: str) -> dict[str, str]:
    """Every word of the briefing in ``lang``; a :class:`BriefError` for another language."""
    if lang not in TEXT:
        raise BriefError(f"lang must be one of {sorted(TEXT)}, not {lang!r}")
    return TEXT[lang]
