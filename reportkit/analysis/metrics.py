"""The metric dictionary: what an assessor computes from the three tables, defined once.

Each :class:`Metric` is data: the cells its numerator adds up, the cells its denominator
adds up (a cell may count negatively: decided = total − pending), a scale (1 for a share,
100 for "per 100 new requests"), and the words that document it (``docs/metrics.md`` is
written from the same definitions). :func:`compute` evaluates any of them over the tidy
frames, overall or per group, with the blank rule of :mod:`reportkit.analysis`: a report
missing a cell a metric needs is left out of that metric's numerator **and** denominator,
and every row says how many reports were used and how many were excluded.

Every result row: *group columns*, ``metric``, ``numerator``, ``denominator``, ``value``
(numerator / denominator × scale), ``ci_low``, ``ci_high`` (Wilson 95 %, same scale),
``n_reports``, ``n_excluded``, ``n_blank_cells``, ``n_reports_failed_checks``,
``flag_failed_checks``.

Bodies are grouped by :func:`body_column`: ``agency_id`` when the reports frame has it
(a stable body key), else ``agency``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reportkit import analysis, schema
from reportkit.analysis import sql

REQUESTS, REVIEW, TOTAL = "requests", "review_litigation", "total"
LITIGATION = ("litigation_direct", "litigation_after_review")
#: Columns a result may be grouped by (besides the body key).
GROUPABLE = ("agency", "agency_id", "agency_short", "year", "region", "level", "body_kind")

Cell = tuple[str, str, str]


@dataclass(frozen=True)
class Metric:
    """One metric: numerator and denominator as signed cell sums, per template."""

    name: str
    zh: str
    en: str
    numerator: str  # formula in words (for the docs)
    denominator: str
    source: str
    caveat: str
    scale: float = 1.0
    #: template → (numerator cells, denominator cells with a sign each)
    cells: tuple[tuple[str, tuple[Cell, ...], tuple[tuple[Cell, float], ...]], ...] = ()


def _group_rows(template: str, groups: Sequence[str]) -> tuple[Cell, ...]:
    return tuple((REQUESTS, r.key, TOTAL) for r in schema.rows_for(template, REQUESTS)
                 if r.group in groups)


def _outcome(name: str, zh: str, en: str, groups: Sequence[str] = (),
             rows: Sequence[str] = (), source: str = "", caveat: str = "") -> Metric:
    cells = tuple((tmpl, _group_rows(tmpl, groups) + tuple((REQUESTS, r, TOTAL) for r in rows),
                   (((REQUESTS, "total_processed", TOTAL), 1.0),))
                  for tmpl in schema.TEMPLATES)
    what = " + ".join([*groups, *rows])
    return Metric(name, zh, en, what, "total_processed", source, caveat, 1.0, cells)


def _same(num: Sequence[Cell], den: Sequence[tuple[Cell, float]]
          ) -> tuple[tuple[str, tuple[Cell, ...], tuple[tuple[Cell, float], ...]], ...]:
    return tuple((tmpl, tuple(num), tuple(den)) for tmpl in schema.TEMPLATES)


_NEW = ((REQUESTS, "new_requests", TOTAL), 1.0)
_LIT_TOTALS = tuple((REVIEW, r, TOTAL) for r in LITIGATION)


def _correction(name: str, zh: str, en: str, rows: Sequence[str], decided: bool) -> Metric:
    num = tuple((REVIEW, r, "corrected") for r in rows)
    den = tuple(((REVIEW, r, TOTAL), 1.0) for r in rows)
    if decided:
        den += tuple(((REVIEW, r, "pending"), -1.0) for r in rows)
    what = " + ".join(f"{r}.corrected" for r in rows)
    over = " + ".join(f"{r}.total" + (f" − {r}.pending" if decided else "") for r in rows)
    caveat = ("Cases still pending (尚未审结) are not decided and are left out of the base."
              if decided else "Over all cases, pending ones included: lower than the rate "
              "over decided cases while cases are pending.")
    return Metric(name, zh, en, what, over, "part 四 (review_litigation)", caveat, 1.0,
                  _same(num, den))


def _applicant(column: str) -> Metric:
    zh = {"natural_person": "自然人", "commercial_enterprise": "商业企业",
          "research_institution": "科研机构", "social_welfare_org": "社会公益组织",
          "legal_service_org": "法律服务机构", "other_org": "其他组织"}[column]
    return Metric(f"applicant_{column}", f"新收申请中{zh}的比例",
                  f"Share of new requests from {column.replace('_', ' ')}s",
                  f"new_requests.{column}", "new_requests.total", "part 三, 申请人情况",
                  "Applicant mix; the six columns add up to the total when the report does.",
                  1.0, _same([(REQUESTS, "new_requests", column)], [_NEW]))


METRICS: dict[str, Metric] = {m.name: m for m in (
    _outcome("disclosure_rate", "实质公开率", "Disclosure rate (granted in full or in part)",
             groups=("granted", "partially_granted"), source="part 三, 办理结果",
             caveat="The evaluation literature's 实质公开率; 部分公开 counts as disclosed."),
    _outcome("withheld_rate", "不予公开率", "Withheld rate", groups=("withheld",),
             source="part 三", caveat="Includes 行政查询事项 (a withheld row of the form)."),
    _outcome("unavailable_rate", "无法提供率", "Unavailable rate", groups=("unavailable",),
             source="part 三", caveat="不掌握, 需另行制作 and 补正后仍不明确 together."),
    _outcome("not_held_rate", "不掌握率", "Not-held rate", rows=("unavailable_not_held",),
             source="part 三, 无法提供 1",
             caveat="High values may mean requests sent to the wrong body, or poor records."),
    _outcome("not_processed_rate", "不予处理率", "Not-processed rate",
             groups=("not_processed",), source="part 三",
             caveat="Petitions, repeated requests, publications, excessive, reconfirmation."),
    Metric("carry_forward_rate", "结转率", "Carry-forward rate", "carried_forward",
           "new_requests + carried_over", "part 三",
           "Requests still open at year end, over all requests on hand in the year.", 1.0,
           _same([(REQUESTS, "carried_forward", TOTAL)],
                 [_NEW, ((REQUESTS, "carried_over", TOTAL), 1.0)])),
    Metric("review_rate", "复议率（每百件）", "Review cases per 100 new requests",
           "review.total", "new_requests", "parts 三 and 四",
           "Cases filed in the year need not stem from the year's requests.", 100.0,
           _same([(REVIEW, "review", TOTAL)], [_NEW])),
    Metric("litigation_rate", "诉讼率（每百件）", "Lawsuits per 100 new requests",
           "litigation_direct.total + litigation_after_review.total", "new_requests",
           "parts 三 and 四", "Both litigation blocks: direct and after review.", 100.0,
           _same(_LIT_TOTALS, [_NEW])),
    _correction("review_correction_rate", "复议纠错率", "Review correction rate (decided)",
                ("review",), decided=True),
    _correction("review_correction_rate_all", "复议纠错率（全部案件）",
                "Review correction rate (all cases)", ("review",), decided=False),
    _correction("litigation_correction_rate", "诉讼纠错率",
                "Litigation correction rate (decided)", LITIGATION, decided=True),
    _correction("litigation_correction_rate_all", "诉讼纠错率（全部案件）",
                "Litigation correction rate (all cases)", LITIGATION, decided=False),
    Metric("dispute_rate", "争议转化率", "Dispute rate",
           "review.total + litigation_direct.total + litigation_after_review.total",
           "new_requests", "parts 三 and 四",
           "Cases over new requests; a case may come from an earlier year's request, and "
           "a request may lead to review and then litigation (counted twice).", 1.0,
           _same([(REVIEW, "review", TOTAL), *_LIT_TOTALS], [_NEW])),
    *(_applicant(c) for c in schema.REQUEST_COLUMNS if c != TOTAL),
)}


def body_column(reports: pd.DataFrame) -> str:
    """The column that names a body: ``agency_id`` when the reports frame has it (and it
    is filled), else ``agency``."""
    if "agency_id" in reports and reports["agency_id"].notna().any():
        return "agency_id"
    return "agency"


def group_columns(reports: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """The columns a result is grouped by. ``"agency"`` (or ``"body"``) means the body key
    (:func:`body_column`) and brings ``agency`` and ``agency_short`` along for labels."""
    asked = [] if by is None else [by] if isinstance(by, str) else list(by)
    cols: list[str] = []
    for col in asked:
        if col in ("agency", "body"):
            cols += [body_column(reports), "agency", "agency_short"]
        elif col in GROUPABLE:
            cols.append(col)
        else:
            raise ValueError(f"cannot group by {col!r}: use one of {GROUPABLE}")
    return list(dict.fromkeys(cols))


def _spec(names: Sequence[str]) -> pd.DataFrame:
    rows = []
    for name in names:
        for tmpl, num, den in METRICS[name].cells:
            rows += [(tmpl, name, "num", *cell, 1.0) for cell in num]
            rows += [(tmpl, name, "den", *cell, sign) for cell, sign in den]
    return pd.DataFrame(rows, columns=["template", "measure", "part", "table", "row",
                                       "column", "sign"])


def per_report(values: pd.DataFrame, reports: pd.DataFrame,
               names: Sequence[str] | None = None) -> pd.DataFrame:
    """Numerator and denominator of each metric in each report (NaN when a needed cell is
    blank or its table absent), with the report's group columns and identity flag."""
    names = list(names or METRICS)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}: choose from {list(METRICS)}")
    spec = _spec(names)
    sums = sql.cell_sums(values, reports, reports["template"], spec)
    ids = reports["report_id"].to_numpy(dtype=object)[sums.pop("rix").to_numpy()]
    sums.insert(0, "report_id", ids)
    out = sums if len(sums) else pd.DataFrame(
        columns=["report_id", "measure", "numerator", "denominator", "n_blank_cells"])
    meta = reports[["report_id", *[c for c in GROUPABLE if c in reports]]].copy()
    failed = reports["n_checks_failed"] if "n_checks_failed" in reports else 0
    meta["failed_checks"] = pd.to_numeric(failed, errors="coerce").fillna(0).gt(0)
    out = out.astype({"numerator": "float64", "denominator": "float64",
                      "n_blank_cells": "int64"})
    return out.merge(meta, on="report_id", how="left")


def compute(values: pd.DataFrame, reports: pd.DataFrame, by: str | Sequence[str] | None = None,
            metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """The metrics (default: all of :data:`METRICS`), overall or per ``by`` (``"agency"``
    — the body key —, ``"year"``, ``"level"`` …). Reports are those given: narrow them with
    :func:`reportkit.analysis.select` first. Columns: see the module docstring."""
    names = list(metrics or METRICS)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}: choose from {list(METRICS)}")
    keys = group_columns(reports, by)
    meta = reports[[c for c in GROUPABLE if c in reports]].copy()
    failed = reports["n_checks_failed"] if "n_checks_failed" in reports else 0
    meta["failed_checks"] = pd.to_numeric(failed, errors="coerce").fillna(0).gt(0)
    pooled = analysis._pooled(values, reports, reports["template"], _spec(names), keys, meta)
    frames = []
    for scale in sorted({METRICS[n].scale for n in names}):
        chosen = [n for n in names if METRICS[n].scale == scale]
        part = pooled[pooled["measure"].isin(chosen)].reset_index(drop=True)
        frames.append(analysis._finish(part, keys, names, scale=scale))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    rank = {n: i for i, n in enumerate(names)}
    out = out.assign(_o=out["measure"].map(rank)).sort_values(
        [*keys, "_o"], kind="stable", na_position="last").drop(columns="_o")
    return out.rename(columns={"measure": "metric", "rate": "value"}).reset_index(drop=True)


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that Excel would run as a formula (= + - @ first) get a leading '."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            text = out[col].astype(str)
            risky = out[col].notna() & text.str.match(r"^[=+\-@\t\r]")
            out[col] = out[col].where(~risky, "'" + text)
    return out


def write_tables(values: pd.DataFrame, reports: pd.DataFrame,
                 output_dir: str | Path = "outputs/figures") -> list[Path]:
    """``metrics_by_agency.csv`` (per body) and ``metrics_by_year.csv`` (per year) in
    ``output_dir``, UTF-8 with BOM, beside the charts. Returns the paths."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, by in (("metrics_by_agency", "agency"), ("metrics_by_year", "year")):
        path = out / f"{name}.csv"
        _csv_safe(compute(values, reports, by=by)).to_csv(path, index=False,
                                                          encoding="utf-8-sig")
        written.append(path)
    return written


def dictionary(lang: str = "en") -> pd.DataFrame:
    """The dictionary as a table: name, label, numerator, denominator, scale, source,
    caveat (what ``docs/metrics.md`` lists)."""
    return pd.DataFrame([(m.name, m.zh if lang == "zh" else m.en, m.numerator, m.denominator,
                          m.scale, m.source, m.caveat) for m in METRICS.values()],
                        columns=["metric", "label", "numerator", "denominator", "scale",
                                 "source", "caveat"])


__all__ = ["METRICS", "Metric", "body_column", "compute", "dictionary", "group_columns",
           "per_report", "write_tables"]
