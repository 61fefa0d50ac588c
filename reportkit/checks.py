"""The arithmetic the form promises, checked; every result is a row, a failure a finding.

Identities come from :data:`reportkit.schema.IDENTITIES`. A check whose terms include a
blank cell cannot be decided: it is recorded with ``passed`` missing (NA) and
``status = "missing"``, never counted as a failure and never filled in with a zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from reportkit import schema

CellKey = tuple[str, str, str]
_TOLERANCE = 1e-6


@dataclass(slots=True)
class CheckResult:
    """One identity evaluated on one report (or one pair of reports, across years)."""

    report_id: str
    check: str
    subject: str
    expected: float
    actual: float
    passed: bool | None
    status: str  # "passed" | "failed" | "missing"


def _sum(values: Mapping[CellKey, float], keys: Iterable[CellKey]) -> float:
    total = 0.0
    get = values.get
    for key in keys:
        v = get(key, math.nan)
        if v != v:  # NaN
            return math.nan
        total += v
    return total


def _result(report_id: str, check: str, subject: str, expected: float,
            actual: float) -> CheckResult:
    if math.isnan(expected) or math.isnan(actual):
        return CheckResult(report_id, check, subject, expected, actual, None, "missing")
    ok = abs(expected - actual) <= _TOLERANCE
    return CheckResult(report_id, check, subject, expected, actual, ok,
                       "passed" if ok else "failed")


# One identity's terms for one template: the cells whose presence says the table was
# found, and (subject, left cells, right cells) per column or row.
_Terms = tuple[str, tuple[CellKey, ...], tuple[tuple[str, tuple[CellKey, ...],
                                                      tuple[CellKey, ...]], ...]]


@cache
def _plan(template: str, variants: tuple[str, ...] = ()) -> tuple[_Terms, ...]:
    """Every identity of the schema spelled out as cell keys for ``template`` (with the
    variant rows the report prints, see :data:`reportkit.schema.ROW_VARIANTS`)."""
    plan: list[_Terms] = []
    for ident in schema.IDENTITIES:
        rows = schema.rows_for(template, ident.table, variants)
        presence = tuple((ident.table, r.key, r.columns[0]) for r in rows)
        row_keys = {r.key for r in rows}
        terms = []
        if ident.axis == "rows":
            left = [k for k in ident.left if k in row_keys]
            right = [k for k in ident.right if k in row_keys]
            for column in (rows[0].columns if rows else ()):
                terms.append((f"{ident.table}/{column}",
                              tuple((ident.table, k, column) for k in left),
                              tuple((ident.table, k, column) for k in right)))
        else:
            for row in rows:
                terms.append((f"{ident.table}/{row.key}",
                              tuple((ident.table, row.key, c) for c in ident.left),
                              tuple((ident.table, row.key, c) for c in ident.right)))
        plan.append((ident.name, presence, tuple(terms)))
    return tuple(plan)


def check_report(report_id: str, template: str,
                 values: Mapping[CellKey, float]) -> list[CheckResult]:
    """Every identity of the schema on one report's values (keyed (table, row, column))."""
    results: list[CheckResult] = []
    variants = tuple(key for key in schema.ROW_VARIANTS.get(template, ())
                     if ("requests", key, "total") in values)
    for name, presence, terms in _plan(template, variants):
        if not any(k in values for k in presence):
            continue  # the table was not found; its absence is reported as a problem
        for subject, left, right in terms:
            results.append(_result(report_id, name, subject, _sum(values, left),
                                   _sum(values, right)))
    return results


@dataclass(frozen=True, slots=True)
class YearEntry:
    """What the cross-year check needs of one report."""

    report_id: str
    agency: str  # the body's key: its agency_id (one key whatever prefix its name carries)
    year: int | None
    values: Mapping[CellKey, float]


def check_across_years(entries: Iterable[YearEntry]) -> list[CheckResult]:
    """``carried_forward`` of year N equals ``carried_over`` of year N+1, per column, for
    each agency with both years in the corpus. The row is filed under the later report."""
    table, forward, over = schema.CROSS_YEAR
    by_key: dict[tuple[str, int], YearEntry] = {}
    for e in entries:
        if e.agency and e.year is not None:
            by_key.setdefault((e.agency, e.year), e)
    results: list[CheckResult] = []
    for (agency, year), later in sorted(by_key.items()):
        earlier = by_key.get((agency, year - 1))
        if earlier is None:
            continue
        for column in schema.REQUEST_COLUMNS:
            results.append(_result(
                later.report_id, "carried_across_years",
                f"{table}/{column} {year - 1}→{year} ({earlier.report_id})",
                earlier.values.get((table, forward, column), math.nan),
                later.values.get((table, over, column), math.nan)))
    return results
