"""The arithmetic the form promises, checked; every result is a row, a failure a finding.

Identities come from :data:`reportkit.schema.IDENTITIES`. A check whose terms include a
blank cell cannot be decided: it is recorded with ``passed`` missing (NA) and
``status = "missing"``, never counted as a failure and never filled in with a zero.

Every check row has a ``kind``:

* ``arithmetic`` — an identity within one report (``balance``, ``outcomes_sum``, ``row_total``,
  ``review_total``);
* ``across_years`` — one body's report of year N against its report of N−1
  (``carried_across_years``, ``in_force_across_years``);
* ``narrative`` — the report's prose against its own tables (``narrative_vs_table``, see
  :mod:`reportkit.extract.narrative`): a mismatch is a finding about the prose, and does not count
  among the report's failed identities (``n_checks_failed``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from reportkit import schema
from reportkit.schema.frames import PASSED

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
    status: str  # "passed" | "failed" | "missing" (| "qualified" for narrative checks)
    kind: str = "arithmetic"  # | "across_years" | "narrative"


def _sum(values: Mapping[CellKey, float], keys: Iterable[CellKey]) -> float:
    total = 0.0
    get = values.get
    for key in keys:
        v = get(key, math.nan)
        if v != v:  # NaN
            return math.nan
        total += v
    return total


#: The kinds whose failures are failures of the report's own figures (n_checks_failed).
COUNTED_KINDS = ("arithmetic", "across_years")


def result(report_id: str, check: str, subject: str, expected: float,
           actual: float, kind: str = "arithmetic") -> CheckResult:
    """``expected == actual`` as a check row; ``missing`` when either side is blank."""
    if math.isnan(expected) or math.isnan(actual):
        return CheckResult(report_id, check, subject, expected, actual, None, "missing", kind)
    ok = abs(expected - actual) <= _TOLERANCE
    return CheckResult(report_id, check, subject, expected, actual, ok,
                       PASSED if ok else "failed", kind)


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
    has = values.__contains__
    for name, presence, terms in _plan(template, variants):
        if not any(map(has, presence)):
            continue  # the table was not found; its absence is reported as a problem
        for subject, left, right in terms:
            expected, actual = _sum(values, left), _sum(values, right)
            if expected != expected or actual != actual:  # NaN: result()'s "missing"
                results.append(CheckResult(report_id, name, subject, expected, actual, None,
                                           "missing"))
            else:
                ok = abs(expected - actual) <= _TOLERANCE
                results.append(CheckResult(report_id, name, subject, expected, actual, ok,
                                           PASSED if ok else "failed"))
    return results


@dataclass(frozen=True, slots=True)
class YearEntry:
    """What the cross-year check needs of one report."""

    report_id: str
    agency: str  # the body's key: its agency_id (one key whatever prefix its name carries)
    year: int | None
    values: Mapping[CellKey, float]
    template: str = ""


def _in_force(earlier: YearEntry, later: YearEntry) -> list[CheckResult]:
    """in_force(N−1) + issued(N) − repealed(N) == in_force(N), for regulations and
    normative documents; only between two reports of the 2021 template (the 2019 form has
    no 现行有效件数)."""
    if not all(e.template in schema.TEMPLATES and schema.template(e.template).in_force
               for e in (earlier, later)):
        return []
    out = []
    for row in schema.IN_FORCE_ROWS:
        def get(entry: YearEntry, column: str, row: str = row) -> float:
            return entry.values.get(("proactive", row, column), math.nan)
        actual = get(earlier, "in_force") + get(later, "issued") - get(later, "repealed")
        out.append(result(later.report_id, "in_force_across_years",
                          f"proactive/{row} {later.year - 1}→{later.year} "
                          f"({earlier.report_id})",
                          get(later, "in_force"), actual, "across_years"))
    return out


def check_across_years(entries: Iterable[YearEntry]) -> list[CheckResult]:
    """For each agency with reports of years N−1 and N in the corpus, filed under the later
    report: ``carried_forward`` of N−1 equals ``carried_over`` of N, per column
    (``carried_across_years``); and ``in_force`` of N is ``in_force`` of N−1 plus
    ``issued`` minus ``repealed`` of N (``in_force_across_years``, template 2021)."""
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
            results.append(result(
                later.report_id, "carried_across_years",
                f"{table}/{column} {year - 1}→{year} ({earlier.report_id})",
                earlier.values.get((table, forward, column), math.nan),
                later.values.get((table, over, column), math.nan), "across_years"))
        results.extend(_in_force(earlier, later))
    return results
