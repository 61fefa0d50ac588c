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
    "en": {"ok": "read", "partial": "partly read", "failed": "not read",
           "not_a_report": "not a report", "duplicate": "duplicate",
           "skipped": "not a report file (skipped)"},
}


def outcome_label(key: str, lang: str) -> str:
    """The display label of an outcome row or group ``key`` in ``lang`` (else the key)."""
    return OUTCOME_LABELS[lang].get(key, key)


def measure_label(key: str, lang: str) -> str:
    """The display label of a review/litigation measure ``key`` in ``lang`` (else the key)."""
    return MEASURE_LABELS[lang].get(key, key)


__all__ = ["LANGS", "MEASURE_LABELS", "OUTCOME_LABELS", "STATUS_LABELS", "measure_label",
           "outcome_label"]
