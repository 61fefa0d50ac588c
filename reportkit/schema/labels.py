"""Display labels, zh and en, once: what charts, tables and the briefing call each outcome
row, outcome group and review/litigation measure (canonical keys → text).

Charts (``reportkit.charts``/``plots``) and the briefing (``reportkit.brief``) take their
labels from here; :func:`outcome_label` / :func:`measure_label` fall back to the key.
"""

from __future__ import annotations

from reportkit import schema

#: Languages the labels exist in.
LANGS: tuple[str, ...] = ("zh", "en")

#: Outcome rows of part 三 and the six outcome groups, per language.
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
#: Review and litigation measures (part 四), per language.
MEASURE_LABELS: dict[str, dict[str, str]] = {
    "zh": {"review": "行政复议", "litigation": "行政诉讼",
           "litigation_direct": "行政诉讼·未经复议直接起诉",
           "litigation_after_review": "行政诉讼·复议后起诉"},
    "en": {"review": "Administrative review", "litigation": "Litigation",
           "litigation_direct": "Litigation without prior review",
           "litigation_after_review": "Litigation after review"},
}


#: A report's status (:data:`reportkit.schema.frames.STATUSES`) in words.
STATUS_LABELS: dict[str, dict[str, str]] = {
    "zh": {"ok": "完整读取", "partial": "部分读取", "failed": "无法读取",
           "not_a_report": "不是年度报告", "duplicate": "重复文件",
           "skipped": "非报告文件（跳过）"},
    "en": {"ok": "read fully", "partial": "partly read", "failed": "not read",
           "not_a_report": "not a report", "duplicate": "duplicate",
           "skipped": "not a report file (skipped)"},
}


def outcome_label(key: str, lang: str) -> str:
    """The display label of an outcome row or group ``key`` in ``lang`` (else the key)."""
    return OUTCOME_LABELS[lang].get(key, key)


def measure_label(key: str, lang: str) -> str:
    """The display label of a review/litigation measure ``key`` in ``lang`` (else the key)."""
    return MEASURE_LABELS[lang].get(key, key)


#: The three parts (tables) of the form, short, per language: the workbook's headers.
TABLE_SHORT: dict[str, dict[str, str]] = {
    "zh": {"proactive": "二、主动公开", "requests": "三、依申请公开",
           "review_litigation": "四、复议诉讼"},
    "en": {"proactive": "Proactive disclosure", "requests": "Requests",
           "review_litigation": "Review and litigation"},
}
#: Rows that are neither outcomes nor review/litigation measures, in English.
_OTHER_ROWS_EN: dict[str, str] = {
    "regulations": "Regulations",
    "normative_documents": "Normative documents",
    "administrative_licensing": "Administrative licensing",
    "other_external_services": "Other external management services",
    "administrative_penalty": "Administrative penalties",
    "administrative_coercion": "Administrative coercion",
    "administrative_fees": "Administrative fees",
    "centralized_procurement": "Centralised government procurement",
    "new_requests": "New requests this year",
    "carried_over": "Carried over from last year",
    "total_processed": "Total processed",
    "carried_forward": "Carried forward to next year",
}
#: Every column of the three tables, in English (``total`` is 总计 in parts 三 and 四).
COLUMN_LABELS_EN: dict[str, str] = {
    "issued": "Issued this year", "repealed": "Repealed this year",
    "in_force": "In force", "decisions": "Decisions this year",
    "amount_10k_yuan": "Fees this year (10k yuan)", "new_made": "Newly made this year",
    "new_published": "Newly published this year", "total_published": "Published in total",
    "prior_year_items": "Items last year", "change": "Change this year",
    "items": "Procurement items", "amount": "Procurement amount",
    "natural_person": "Natural persons", "commercial_enterprise": "Commercial enterprises",
    "research_institution": "Research institutions",
    "social_welfare_org": "Public-interest organisations",
    "legal_service_org": "Legal service organisations", "other_org": "Other organisations",
    "total": "Total", "upheld": "Upheld", "corrected": "Corrected",
    "other": "Other result", "pending": "Pending",
}


def row_label(row: str, lang: str) -> str:
    """The display label of any row key of the three tables in ``lang`` (else the key)."""
    if lang == "zh":
        return schema.ROW_LABELS_ZH.get(row, row)
    for labels in (OUTCOME_LABELS["en"], MEASURE_LABELS["en"], _OTHER_ROWS_EN):
        if row in labels:
            return labels[row]
    return row


def column_label(column: str, lang: str) -> str:
    """The display label of a column key in ``lang`` (else the key)."""
    labels = schema.COLUMN_LABELS_ZH if lang == "zh" else COLUMN_LABELS_EN
    return labels.get(column, column)


def cell_label(table: str, row: str, column: str, lang: str) -> str:
    """One cell of the form as people name it: part · row · column, e.g.
    ``三、依申请公开·予以公开·自然人``."""
    part = TABLE_SHORT[lang].get(table, table)
    sep = "·" if lang == "zh" else " · "
    return sep.join((part, row_label(row, lang), column_label(column, lang)))


#: The columns of ``reports`` and ``checks`` (and the wide values' first columns), per
#: language: the headers of the workbook's sheets.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "zh": {"report_id": "报告编号", "source_path": "源文件", "sha256": "SHA-256",
           "agency": "机关", "agency_short": "机关简称", "agency_id": "机关标识",
           "level": "层级", "body_kind": "机关类别", "region": "地区", "year": "年度",
           "template": "表格版本", "status": "状态", "error": "说明", "format": "文件格式",
           "encoding": "文字编码", "n_values": "数值个数", "n_checks_failed": "未通过的检查数",
           "ignored_rows": "未读取的行", "check": "检查", "subject": "对象",
           "expected": "应为", "actual": "实为", "passed": "通过", "kind": "检查类别"},
    "en": {"report_id": "Report ID", "source_path": "Source file", "sha256": "SHA-256",
           "agency": "Agency", "agency_short": "Agency (short)", "agency_id": "Agency ID",
           "level": "Level", "body_kind": "Kind of body", "region": "Region", "year": "Year",
           "template": "Template", "status": "Status", "error": "Note", "format": "Format",
           "encoding": "Encoding", "n_values": "Values", "n_checks_failed": "Checks failed",
           "ignored_rows": "Rows not read", "check": "Check", "subject": "Subject",
           "expected": "Expected", "actual": "Actual", "passed": "Passed", "kind": "Kind"},
}


def field_label(field: str, lang: str) -> str:
    """The display label of a column of ``reports`` / ``checks`` in ``lang`` (else the
    name)."""
    return FIELD_LABELS[lang].get(field, field)


__all__ = ["COLUMN_LABELS_EN", "FIELD_LABELS", "LANGS", "MEASURE_LABELS", "OUTCOME_LABELS",
           "STATUS_LABELS", "TABLE_SHORT", "cell_label", "column_label", "field_label",
           "measure_label", "outcome_label", "row_label"]
