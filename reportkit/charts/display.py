"""Tables for people, in notebooks: :func:`table_view` shows an analysis frame with Chinese
(or English) labels, integers as integers, shares as percentages, rows in the templates'
order, no index and without the bookkeeping columns (``full=True`` keeps them).

It only formats: the numbers are the frame's, untouched (``table_view(frame).data`` is the
renamed frame; the CSV files keep the keys and raw figures).
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from reportkit import schema
from reportkit.analysis import metrics
from reportkit.schema import labels
from reportkit.schema.labels import MEASURE_LABELS, OUTCOME_LABELS

#: Column headers, per language (columns not named here keep their key).
COLUMNS: dict[str, dict[str, str]] = {
    "zh": {"agency": "机关", "agency_short": "机关", "year": "年度", "region": "地区",
           "outcome": "办理结果", "group": "类别", "measure": "事项", "metric": "指标",
           "count": "件数", "total_processed": "办理总数", "share": "占比",
           "ci_low": "95%区间下限", "ci_high": "95%区间上限", "cases": "案件数",
           "new_requests": "新收申请", "rate_per_100": "每百件", "corrected": "结果纠正",
           "decided": "已审结", "correction_rate": "纠正比例", "numerator": "分子",
           "denominator": "分母", "value": "数值", "n_reports": "报告数",
           "n_excluded": "因空白未计入的报告", "flag_failed_checks": "含算术校验未通过的报告",
           "status": "状态", "reports": "报告数", "template": "表格版本", "cells": "读取单元格",
           "blank_cells": "空白单元格", "check": "校验", "subject": "位置", "expected": "左式",
           "actual": "右式", "difference": "差", "error": "说明", "n_values": "读取数值",
           "n_checks_failed": "未通过的校验", "source_path": "文件", "label": "名称",
           "pooled": "总体比率", "position": "位置（漏斗图）"},
    "en": {"agency": "Agency", "agency_short": "Agency", "year": "Year", "region": "Region",
           "outcome": "Outcome", "group": "Group", "measure": "Measure", "metric": "Metric",
           "count": "Requests", "total_processed": "Processed", "share": "Share",
           "ci_low": "95% low", "ci_high": "95% high", "cases": "Cases",
           "new_requests": "New requests", "rate_per_100": "Per 100", "corrected": "Corrected",
           "decided": "Decided", "correction_rate": "Correction rate",
           "numerator": "Numerator", "denominator": "Denominator", "value": "Value",
           "n_reports": "Reports", "n_excluded": "Reports left out (blank)",
           "flag_failed_checks": "Rests on failed arithmetic", "status": "Status",
           "reports": "Reports", "template": "Form", "cells": "Cells read",
           "blank_cells": "Blank cells", "check": "Check", "subject": "Where",
           "expected": "Left", "actual": "Right", "difference": "Difference", "error": "Why",
           "n_values": "Values read", "n_checks_failed": "Failed checks",
           "source_path": "File", "label": "Name", "pooled": "Pooled rate",
           "position": "Position (funnel)"},
}
STATUS = labels.STATUS_LABELS
#: Columns left out unless ``full=True``: bookkeeping, and keys a label column repeats.
HIDDEN = ("report_id", "agency_id", "n_blank_cells", "n_reports_failed_checks", "passed",
          "kind", "raw", "label_raw", "match", "page")
#: Columns holding shares (0–1): shown as percentages.
SHARES = ("share", "correction_rate", "pooled", "low_95", "high_95", "low_998", "high_998")
#: Columns holding counts: shown as whole numbers (NaN stays empty).
COUNTS = ("count", "total_processed", "cases", "new_requests", "corrected", "decided",
          "numerator", "denominator", "n_reports", "n_excluded", "reports", "cells",
          "blank_cells", "expected", "actual", "difference", "n_values", "n_checks_failed")


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in the templates' order (outcome rows, groups, measures, metrics, statuses),
    years ascending, within each body in the frame's own order of bodies."""
    rank: dict[str, int] = {}
    for keys in (schema.OUTCOME_ROWS, tuple(schema.OUTCOME_GROUPS),
                 ("review", "litigation", "litigation_direct", "litigation_after_review"),
                 tuple(metrics.METRICS), tuple(STATUS["en"])):
        rank.update({k: i for i, k in enumerate(keys)})
    keys: dict[str, pd.Series] = {}
    if "agency" in frame:
        first = {a: i for i, a in enumerate(dict.fromkeys(frame["agency"].astype(str)))}
        keys["_agency"] = frame["agency"].astype(str).map(first)
    for col in ("year", "outcome", "measure", "metric", "status"):
        if col in frame:
            keys[f"_{col}"] = (pd.to_numeric(frame[col], errors="coerce") if col == "year"
                               else frame[col].map(rank))
    if not keys:
        return frame
    return frame.assign(**keys).sort_values(list(keys), kind="stable",
                                            na_position="last").drop(columns=list(keys))


def _labels(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    if "metric" in out and "value" in out:  # shares as %, rates per 100 with one decimal
        scale = out["metric"].map(lambda k: metrics.METRICS[k].scale
                                  if k in metrics.METRICS else 1.0)
        out["value"] = [("–" if pd.isna(v) else f"{v:.1%}" if sc == 1 else f"{v:.1f}")
                        for v, sc in zip(out["value"], scale, strict=True)]
        for col in ("ci_low", "ci_high"):
            if col in out:
                out[col] = [("–" if pd.isna(v) else f"{v:.1%}" if sc == 1 else f"{v:.1f}")
                            for v, sc in zip(out[col], scale, strict=True)]
    if "outcome" in out:
        out["outcome"] = out["outcome"].map(lambda k: OUTCOME_LABELS[lang].get(k, k))
    if "group" in out:
        out["group"] = out["group"].map(lambda k: OUTCOME_LABELS[lang].get(k, k))
    if "measure" in out:
        out["measure"] = out["measure"].map(lambda k: MEASURE_LABELS[lang].get(k, k))
    if "metric" in out:
        out["metric"] = out["metric"].map(
            lambda k: (metrics.METRICS[k].zh if lang == "zh" else metrics.METRICS[k].en)
            if k in metrics.METRICS else k)
    if "status" in out:
        out["status"] = out["status"].map(lambda k: STATUS[lang].get(k, k))
    return out


def _dagger(flagged: object) -> str:
    return "†" if bool(flagged) else ""


def table_view(frame: pd.DataFrame, lang: str = "zh", *, full: bool = False,
               rows: int | None = 200) -> Styler:
    """``frame`` (any analysis frame) for reading: labels in ``lang``, counts as integers,
    shares as percentages (``1.2%``), rates per 100 with one decimal, rows in the
    templates' order, no index; bookkeeping columns (:data:`HIDDEN`, and ``agency`` when
    ``agency_short`` is there) left out unless ``full``; at most ``rows`` rows."""
    if lang not in COLUMNS:
        raise ValueError(f"lang must be one of {sorted(COLUMNS)}, not {lang!r}")
    out = _labels(_order(frame.reset_index(drop=True)), lang)
    if not full:
        drop = [c for c in HIDDEN if c in out]
        if "agency_short" in out and "agency" in out:
            drop.append("agency")
        if "outcome" in out and "group" in out:
            drop.append("group")
        out = out.drop(columns=drop)
    if rows is not None:
        out = out.head(rows)
    formats: dict[str, object] = {}
    for col in out.columns:
        if col in SHARES or (col in ("ci_low", "ci_high") and "share" in out):
            formats[col] = "{:.1%}"
        elif col in ("ci_low", "ci_high") and "correction_rate" in out:
            formats[col] = "{:.1%}"
        elif col in ("ci_low", "ci_high") and "metric" in frame:
            continue  # already text, per metric
        elif col in ("rate_per_100", "ci_low", "ci_high"):
            formats[col] = "{:.1f}"
        elif col in COUNTS:
            formats[col] = "{:,.0f}"
        elif col == "value" and "metric" not in frame:  # a funnel's rate: a share
            formats[col] = "{:.1%}"
        elif col == "year":
            formats[col] = "{:.0f}"
        elif col == "flag_failed_checks":
            formats[col] = _dagger
    out = out.reset_index(drop=True).rename(columns=COLUMNS[lang])
    renamed = {COLUMNS[lang].get(k, k): v for k, v in formats.items()}
    return out.style.format(renamed, na_rep="–").hide(axis="index")
