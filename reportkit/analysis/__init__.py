"""Outcome shares, review and litigation rates, correction rates: pure functions over the
tidy frames that ``reportkit ingest`` writes (``values``, ``reports``, ``checks``).

What is read from ``values`` runs as SQL in DuckDB (:mod:`reportkit.analysis.sql`):
pushed down to ``values.parquet`` for a corpus from :func:`reportkit.load` (its ``values``
are a :class:`reportkit.corpus.lazy.LazyValues`), on the registered DataFrame for one in
memory. Only per-report figures come back; the pooling, rates and intervals are pandas on
those (group-bys, no loop over reports), so a national corpus never sits in memory.

The blank rule (missing is never zero)
--------------------------------------
A figure uses a report only if **every cell it needs from that report holds a number**. A
cell left blank in the report (``value`` NaN in the values frame), or absent because its
table was not found, makes the report *missing* for that figure: the report is left out of
the numerator **and** the denominator, and is never counted as zero. Cells a layout does
not have (``other_handling`` in a 2021 report that itemises 其他处理, the three ``other_*``
rows in a 2019 report or in a 2021 report printing （六）其他处理 as one row: see
:func:`reportkit.schema.layouts`) are not missing: the report is judged by the rows of its
own layout. An outcome group's count in one report is the sum of the group's rows of that
report's layout, and is missing if any of those rows is blank.

Every result row says what it rests on:

* ``n_reports`` — reports used;
* ``n_excluded`` — reports in scope left out because a needed cell was blank or absent;
* ``n_blank_cells`` — blank cells among the needed cells of the reports in scope;
* ``n_reports_failed_checks`` and ``flag_failed_checks`` — how many of the reports used
  fail one of their own identities (``reports.n_checks_failed > 0``), and whether any does.
  Such a figure is computed as the report states it, but the report does not add up.

Rates and their intervals
-------------------------
* outcome share = outcome count / ``total_processed`` (requests ``total`` column);
* review rate = ``review.total`` per 100 ``new_requests.total``; litigation rate = (
  ``litigation_direct.total`` + ``litigation_after_review.total``) per 100
  ``new_requests.total`` (each litigation row also on its own);
* correction rate = ``corrected`` / decided, decided = ``upheld + corrected + other`` (cases
  still pending are not decided).

Every rate stands beside its two counts, and carries a Wilson score 95 % interval
(:func:`wilson_interval`), computed from the pooled counts: the interval treats each
request (or decided case) as one trial, and is left empty when the count exceeds its base
(e.g. more cases than new requests) or the base is zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reportkit import schema
from reportkit.analysis import sql
from reportkit.analysis.selection import Selection
from reportkit.analysis.selection import SelectionError as SelectionError
from reportkit.corpus.store import StoredCorpus, count_checks, read_checks
from reportkit.schema.frames import STATUSES

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054
#: Report statuses whose values are analysed (failed, not_a_report and duplicate are not).
ANALYSED_STATUSES: tuple[str, ...] = ("ok", "partial")
#: The ``agency`` value of the pooled "others" row made by :func:`lump_agencies`.
OTHERS = "__others__"

REQUESTS, REVIEW = "requests", "review_litigation"
TOTAL = "total"
LITIGATION_ROWS = ("litigation_direct", "litigation_after_review")
RATE_MEASURES = ("review", "litigation", "litigation_direct", "litigation_after_review")
_CELL = ["table", "row", "column"]
_META = ["agency", "agency_short", "year"]
_META_ALL = (*_META, "region")


def wilson_interval(successes: object, trials: object, z: float = Z95
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``successes`` out of ``trials`` (arrays or scalars).

    ``(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)``, clipped to [0, 1]. NaN where
    ``trials`` is not positive or ``successes`` is outside ``[0, trials]``."""
    k = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    valid = (n > 0) & (k >= 0) & (k <= n)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        z2 = z * z
        denom = 1.0 + z2 / n
        center = (p + z2 / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    # exact bounds at the ends (the formula gives them only up to rounding)
    low = np.where(valid, np.where(k == 0, 0.0, np.clip(center - half, 0.0, 1.0)), np.nan)
    high = np.where(valid, np.where(k == n, 1.0, np.clip(center + half, 0.0, 1.0)), np.nan)
    return low, high


# --- Selecting and grouping ------------------------------------------------------------------


def _as_list(value: object) -> list | None:
    if value is None:
        return None
    if isinstance(value, str | int | np.integer):
        return [value]
    items = list(value)  # type: ignore[call-overload]
    return items or None


def select(values: pd.DataFrame, reports: pd.DataFrame, years: object = None,
           agencies: object = None, statuses: Sequence[str] | None = ANALYSED_STATUSES,
           level: object = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reports (and their values) to analyse: ``statuses`` (default ok and partial),
    and, when given, ``years``, ``agencies`` (names matched against ``agency`` or
    ``agency_short``) and ``level`` (province, city, county, township), read as
    :meth:`Selection.of` reads them (a list, ``"a,b"``, ``"2019-2021"``). ``None`` or an
    empty list means all."""
    keep = Selection.of(agencies, years, level).mask(reports)
    if statuses is not None and "status" in reports:
        keep &= reports["status"].isin(list(statuses))
    chosen = reports.loc[keep].reset_index(drop=True)
    if sql.is_lazy(values):  # a stored corpus: the selection stays a condition on the file
        return values.restrict(chosen["report_id"]), chosen  # type: ignore[union-attr]
    return values.loc[values["report_id"].isin(chosen["report_id"])].reset_index(drop=True), chosen


def one_name_per_body(reports: pd.DataFrame) -> pd.DataFrame:
    """``reports`` with every report of one body (one ``agency_id``) carrying one name: that
    of its latest report (淮安市洪泽区人民政府 2024 and 洪泽区人民政府 2023 group as one).
    Reports without an ``agency_id`` keep their names."""
    if "agency_id" not in reports or reports.empty:
        return reports
    raw = reports["agency_id"].astype(object)
    held = (raw.notna() & (raw.astype(str) != "")).to_numpy()
    if not held.any():
        return reports
    codes = pd.factorize(raw.where(held))[0]
    years = pd.to_numeric(reports["year"], errors="coerce").fillna(-1).to_numpy()
    # each body's latest report: the last of its rows in (body, year, position) order
    order = np.lexsort((np.arange(len(codes)), years, codes))
    order = order[codes[order] >= 0]
    last = np.r_[codes[order][1:] != codes[order][:-1], True]
    latest = np.empty(codes.max() + 1, dtype="int64")
    latest[codes[order][last]] = order[last]
    out = reports.copy(deep=False)  # copy-on-write: the columns set below are new ones
    for col in ("agency", "agency_short"):
        own = reports[col].to_numpy(dtype=object)
        named = np.where(held, own[latest[np.maximum(codes, 0)]], None)
        keep = pd.isna(named)
        out[col] = pd.Series(np.where(keep, own, named), index=reports.index, dtype=object)
    return out


def check_selection(reports: pd.DataFrame, years: object = None, agencies: object = None,
                    statuses: Sequence[str] | None = ANALYSED_STATUSES, level: object = None
                    ) -> None:
    """Raise :class:`SelectionError` when a name, year or level asked for is held by no
    report of ``statuses`` (None: any), or they keep none together, naming what the corpus
    holds and the closest agency names (:meth:`Selection.check`): so a chart of "0 份报告"
    never replaces a real one."""
    Selection.of(agencies, years, level).check(reports, statuses)


def _by(by: str | Sequence[str] | None) -> list[str]:
    """Grouping columns: ``"agency"`` brings ``agency_short`` along for labels."""
    cols = [] if by is None else [by] if isinstance(by, str) else list(by)
    unknown = [c for c in cols if c not in ("agency", "agency_short", "year", "region")]
    if unknown:
        raise ValueError(f"cannot group by {unknown}: use 'agency', 'year' or 'region'")
    if "agency" in cols and "agency_short" not in cols:
        cols.insert(cols.index("agency") + 1, "agency_short")
    return cols


def agency_volume(values: pd.DataFrame, reports: pd.DataFrame,
                  row: str = "total_processed") -> pd.Series:
    """Requests per agency (``requests/row/total`` summed over its reports, blanks
    skipped), largest first: the order in which charts list agencies."""
    cells = sql.report_cells(values, REQUESTS, row, TOTAL)
    frame = one_name_per_body(reports)[["report_id", "agency"]].merge(
        cells, on="report_id", how="left")
    volume = frame.groupby("agency", dropna=False, sort=False)["value"].sum()
    return volume.sort_values(ascending=False, kind="stable")


def lump_agencies(values: pd.DataFrame, reports: pd.DataFrame, top_n: int | None,
                  row: str = "total_processed") -> pd.DataFrame:
    """``reports`` with every agency outside the ``top_n`` largest (by requests, see
    :func:`agency_volume`) renamed :data:`OTHERS`, so that a per-agency figure pools them
    into one "others" row computed from their counts. ``agency_short`` of that row holds
    the number of agencies pooled. ``top_n=None`` (or at least the number of agencies)
    leaves ``reports`` as it is."""
    volume = agency_volume(values, reports, row)
    if top_n is None or len(volume) <= top_n:
        return reports
    keep = set(volume.index[:top_n])
    out = one_name_per_body(reports)
    pooled = ~out["agency"].isin(keep)
    out["agency"] = out["agency"].astype(object).where(~pooled, OTHERS)
    out["agency_short"] = out["agency_short"].astype(object).where(
        ~pooled, str(len(volume) - top_n))
    return out


# --- The measure engine ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    measure: str
    part: str  # "num" | "den"
    table: str
    row: str
    column: str


def _layout_name(layout: tuple[str, tuple[str, ...]]) -> str:
    return schema.layout_name(*layout)


def _report_layouts(values: pd.DataFrame, reports: pd.DataFrame) -> pd.Series:
    """Each report's layout name (its template, with the variant rows it prints)."""
    names = reports["template"].astype(object).astype(str).to_numpy(dtype=object)
    base = np.array([n.split("+")[0] if isinstance(n, str) else None for n in names],
                    dtype=object)
    every = [v for variants in schema.ROW_VARIANTS.values() for v in variants]
    present = sql.rows_present(values, reports, REQUESTS, every)
    rows = present["row"].to_numpy(dtype=object)
    rix = present["rix"].to_numpy(dtype="int64")
    for template, variants in schema.ROW_VARIANTS.items():
        for variant in variants:
            holders = np.zeros(len(reports), dtype=bool)
            holders[rix[rows == variant]] = True
            has = holders & (base == template)
            names = np.where(has, names + ("+" + variant), names)
    return pd.Series(names, index=reports.index, dtype=object)


def _spec(terms: Iterable[tuple[str, _Term]]) -> pd.DataFrame:
    """(template, term) pairs as a frame: template, measure, part, table, row, column."""
    return pd.DataFrame([(tmpl, t.measure, t.part, t.table, t.row, t.column)
                         for tmpl, t in terms],
                        columns=["template", "measure", "part", *_CELL])


def _per_report(values: pd.DataFrame, reports: pd.DataFrame, spec: pd.DataFrame,
                den_adds_num: bool = False) -> pd.DataFrame:
    """Numerator and denominator of each measure in each report (NaN when a needed cell is
    blank or absent), with the report's blank-cell count and identity flag."""
    out = sql.cell_sums(values, reports, _report_layouts(values, reports), spec)
    if out.empty:
        return pd.DataFrame({"report_id": [], "measure": [], "numerator": [],
                             "denominator": [], "n_blank_cells": [],
                             **{c: [] for c in _META}, "failed_checks": []}).astype(
            {"numerator": "float64", "denominator": "float64", "n_blank_cells": "int64",
             "failed_checks": "bool"})
    ids = reports["report_id"].to_numpy(dtype=object)[out.pop("rix").to_numpy()]
    out.insert(0, "report_id", ids)
    if den_adds_num:
        out["denominator"] = out["denominator"] + out["numerator"]
    meta = _report_meta(reports, ["report_id", *_META_ALL])
    return out.merge(meta, on="report_id", how="left")


def _aggregate(per_report: pd.DataFrame, by: list[str], order: Sequence[str],
               scale: float = 1.0) -> pd.DataFrame:
    """Pool per-report counts into one row per ``by`` group and measure (blank rule in the
    module docstring), with the rate, its Wilson interval and the bookkeeping columns."""
    frame = per_report.copy()
    for col in by:
        if col not in frame:
            frame[col] = np.nan
        if col != "year":
            frame[col] = frame[col].astype(object)
    used = frame["numerator"].notna() & frame["denominator"].notna()
    frame = frame.assign(
        _num=frame["numerator"].where(used), _den=frame["denominator"].where(used),
        _used=used.astype("int64"), _excluded=(~used).astype("int64"),
        _failed=(used & frame["failed_checks"]).astype("int64"))
    keys = [*by, "measure"]
    out = frame.groupby(keys, dropna=False, sort=False).agg(
        numerator=("_num", "sum"), denominator=("_den", "sum"),
        n_reports=("_used", "sum"), n_excluded=("_excluded", "sum"),
        n_blank_cells=("n_blank_cells", "sum"),
        n_reports_failed_checks=("_failed", "sum")).reset_index()
    return _finish(out, by, order, scale)


def _report_meta(reports: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``columns`` of ``reports`` (bodies named once: :func:`one_name_per_body`) and
    ``failed_checks``, row for row."""
    meta = one_name_per_body(reports)[[c for c in columns if c in reports]].copy()
    failed = reports["n_checks_failed"] if "n_checks_failed" in reports else 0
    meta["failed_checks"] = pd.to_numeric(failed, errors="coerce").fillna(0).gt(0)
    return meta


def _pooled(values: pd.DataFrame, reports: pd.DataFrame, layouts: pd.Series,
            spec: pd.DataFrame, by: list[str], meta: pd.DataFrame,
            den_adds_num: bool = False) -> pd.DataFrame:
    """What :func:`_aggregate` pools from :func:`_per_report`, pooled in DuckDB
    (:func:`reportkit.analysis.sql.pooled_sums`): one row per ``by`` group (of ``meta``,
    the reports' group columns row for row) and measure, before the rates."""
    keys = pd.DataFrame({c: (meta[c] if c in meta else pd.Series(np.nan, index=meta.index))
                         for c in by}, index=meta.index)
    for col in by:
        if col != "year":
            keys[col] = keys[col].astype(object)
    groups = (keys.groupby(by, dropna=False, sort=False).ngroup().to_numpy(dtype="int64")
              if by else np.zeros(len(keys), dtype="int64"))
    pooled = sql.pooled_sums(values, reports, layouts, spec, groups,
                             meta["failed_checks"].to_numpy(dtype=bool), den_adds_num)
    first = pd.Series(np.arange(len(keys))).groupby(groups).first()
    where = first.reindex(pooled["gid"].to_numpy()).to_numpy(dtype="int64")
    labels = keys.iloc[where].reset_index(drop=True)
    return pd.concat([labels, pooled.drop(columns="gid")], axis=1)


def _finish(out: pd.DataFrame, by: list[str], order: Sequence[str], scale: float = 1.0
            ) -> pd.DataFrame:
    """Pooled counts (one row per group and measure) with the rate, its Wilson interval
    and the bookkeeping columns, in order."""
    keys = [*by, "measure"]
    empty = out["n_reports"] == 0
    out.loc[empty, ["numerator", "denominator"]] = np.nan
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = out["numerator"] / out["denominator"]
    out["rate"] = rate.where(np.isfinite(rate)) * scale
    low, high = wilson_interval(out["numerator"], out["denominator"])
    out["ci_low"], out["ci_high"] = low * scale, high * scale
    out["n_blank_cells"] = out["n_blank_cells"].astype("int64")
    out["flag_failed_checks"] = out["n_reports_failed_checks"] > 0
    rank = {m: i for i, m in enumerate(order)}
    out["_order"] = out["measure"].map(rank)
    out = out.sort_values([*by, "_order"], kind="stable", na_position="last")
    columns = [*keys, "numerator", "denominator", "rate", "ci_low", "ci_high", "n_reports",
               "n_excluded", "n_blank_cells", "n_reports_failed_checks", "flag_failed_checks"]
    return out[columns].reset_index(drop=True)


# --- Outcomes --------------------------------------------------------------------------------


def _outcome_spec(level: str, column: str) -> pd.DataFrame:
    """The outcome rows of every layout (:func:`reportkit.schema.layouts`), each counted in
    the group its schema row names: a 2021 report printing （六）其他处理 as one row counts
    ``other_handling`` in ``other`` as a 2019 report does."""
    terms: list[tuple[str, _Term]] = []
    for template, variants in schema.layouts():
        layout = schema.layout_name(template, variants)
        rows = [r for r in schema.rows_for(template, REQUESTS, variants) if r.group]
        measures = {r.key: (r.key if level == "row" else r.group) for r in rows}
        for r in rows:
            terms.append((layout, _Term(measures[r.key], "num", REQUESTS, r.key, column)))
        for measure in dict.fromkeys(measures.values()):
            terms.append((layout, _Term(measure, "den", REQUESTS, "total_processed", column)))
    return _spec(terms)


def outcome_shares(values: pd.DataFrame, reports: pd.DataFrame,
                   by: str | Sequence[str] | None = None, level: str = "row",
                   column: str = TOTAL) -> pd.DataFrame:
    """Outcome counts and their share of ``total_processed``, overall or per ``by``
    (``"agency"``, ``"year"``, ``["agency", "year"]``).

    ``level="row"``: the outcome rows of the templates (21 in 2021, 19 in 2019;
    ``other_handling`` from 2019 reports and from 2021 reports that print （六）其他处理 as
    one row); ``level="group"``: the six groups of :data:`reportkit.schema.OUTCOME_GROUPS`,
    ``other_handling`` and 2021's ``other_*`` rows both making ``other``. ``column``: an
    applicant column instead of ``total``. Columns: *by*, ``outcome``, ``group``,
    ``count``, ``total_processed``, ``share`` (0–1), ``ci_low``, ``ci_high``, ``n_reports``,
    ``n_excluded``, ``n_blank_cells``, ``n_reports_failed_checks``, ``flag_failed_checks``."""
    if level not in ("row", "group"):
        raise ValueError("level must be 'row' or 'group'")
    keys = _by(by)
    pooled = _pooled(values, reports, _report_layouts(values, reports),
                     _outcome_spec(level, column), keys, _report_meta(reports, _META_ALL))
    order = schema.OUTCOME_ROWS if level == "row" else tuple(schema.OUTCOME_GROUPS)
    out = _finish(pooled, keys, order).rename(columns={
        "measure": "outcome", "numerator": "count", "denominator": "total_processed",
        "rate": "share"})
    groups = out["outcome"].map(schema.outcome_group) if level == "row" else out["outcome"]
    out.insert(len(keys) + 1, "group", groups)
    return out


# --- Review and litigation -------------------------------------------------------------------


#: Each review/litigation measure and the review_litigation rows it adds up.
_MEASURE_ROWS: dict[str, tuple[str, ...]] = {
    "review": ("review",), "litigation": LITIGATION_ROWS,
    "litigation_direct": ("litigation_direct",),
    "litigation_after_review": ("litigation_after_review",),
}


def _rate_spec() -> pd.DataFrame:
    terms = []
    for template in map(_layout_name, schema.layouts()):
        for measure, members in _MEASURE_ROWS.items():
            terms += [(template, _Term(measure, "num", REVIEW, r, TOTAL)) for r in members]
            terms.append((template, _Term(measure, "den", REQUESTS, "new_requests", TOTAL)))
    return _spec(terms)


def review_litigation_rates(values: pd.DataFrame, reports: pd.DataFrame,
                            by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Cases of administrative review and litigation per 100 requests received
    (``new_requests.total``), overall or per ``by``.

    ``measure``: ``review``; ``litigation`` (direct + after review); and each litigation row
    on its own. Columns: *by*, ``measure``, ``cases``, ``new_requests``, ``rate_per_100``,
    ``ci_low``, ``ci_high`` (per 100), ``n_reports``, ``n_excluded``, ``n_blank_cells``,
    ``n_reports_failed_checks``, ``flag_failed_checks``."""
    keys = _by(by)
    pooled = _pooled(values, reports, _report_layouts(values, reports), _rate_spec(), keys,
                     _report_meta(reports, _META_ALL))
    return _finish(pooled, keys, RATE_MEASURES, scale=100.0).rename(columns={
        "numerator": "cases", "denominator": "new_requests", "rate": "rate_per_100"})


def _correction_spec() -> pd.DataFrame:
    terms = []
    for template in map(_layout_name, schema.layouts()):
        for measure, members in _MEASURE_ROWS.items():
            for r in members:
                terms.append((template, _Term(measure, "num", REVIEW, r, "corrected")))
                terms += [(template, _Term(measure, "den", REVIEW, r, c))
                          for c in ("upheld", "other")]
    return _spec(terms)


def correction_rates(values: pd.DataFrame, reports: pd.DataFrame,
                     by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Share of decided review and litigation cases whose result was corrected
    (结果纠正): ``corrected / (upheld + corrected + other)``; pending cases are not decided.

    Columns: *by*, ``measure`` (as in :func:`review_litigation_rates`), ``corrected``,
    ``decided``, ``correction_rate`` (0–1), ``ci_low``, ``ci_high``, ``n_reports``,
    ``n_excluded``, ``n_blank_cells``, ``n_reports_failed_checks``, ``flag_failed_checks``."""
    keys = _by(by)
    pooled = _pooled(values, reports, _report_layouts(values, reports), _correction_spec(),
                     keys, _report_meta(reports, _META_ALL), den_adds_num=True)
    return _finish(pooled, keys, RATE_MEASURES).rename(columns={
        "numerator": "corrected", "denominator": "decided", "rate": "correction_rate"})


# --- Data quality ----------------------------------------------------------------------------


def status_summary(reports: pd.DataFrame) -> pd.DataFrame:
    """Reports per status (in the order of :data:`reportkit.schema.frames.STATUSES`) and
    their share."""
    counts = reports["status"].value_counts().rename("reports")
    order = list(STATUSES)
    counts = counts.reindex([*order, *[s for s in counts.index if s not in order]],
                            fill_value=0)
    out = counts.rename_axis("status").reset_index()
    out["share"] = out["reports"] / max(len(reports), 1)
    return out


def identity_checks(checks: pd.DataFrame) -> pd.DataFrame:
    """The checks of the report's own figures (kinds ``arithmetic`` and ``across_years``),
    without the narrative findings (prose against tables, :mod:`reportkit.narrative`)."""
    if "kind" not in checks:
        return checks
    return checks[checks["kind"].fillna("arithmetic") != "narrative"]


def checks_of(corpus: Any, reports: pd.DataFrame | None = None, *,
              statuses: Iterable[str] | None = None, kinds: Iterable[str] | None = None,
              checks: Iterable[str] | None = None) -> pd.DataFrame:
    """The checks of ``reports``' files (None: every file) with one of ``statuses``
    (passed, failed, missing, qualified), ``kinds`` (arithmetic, across_years, narrative)
    and ``checks`` (balance, …); None for any. A stored corpus reads only those rows from
    its ``checks.parquet`` (a national corpus has millions, nearly all passed); an
    in-memory one filters its frame. Same rows, same order, either way."""
    filters = {"report_id": None if reports is None else reports["report_id"].dropna(),
               "status": statuses, "kind": kinds, "check": checks}
    filters = {k: None if v is None else list(v) for k, v in filters.items()}
    if isinstance(corpus, StoredCorpus):
        return read_checks(corpus.directory, **filters)
    frame = corpus.checks
    mask = pd.Series(True, index=frame.index)
    for column, allowed in filters.items():
        if allowed is not None:
            mask &= frame[column].isin(allowed) if column in frame else False
    return frame[mask].reset_index(drop=True)


def check_counts(corpus: Any, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """How many checks of ``reports``' files (None: all) there are per ``kind``, ``check``
    and ``status`` (column ``n``); a stored corpus counts them in its Parquet."""
    ids = None if reports is None else list(reports["report_id"].dropna())
    if isinstance(corpus, StoredCorpus):
        return count_checks(corpus.directory, ids)
    frame = corpus.checks if ids is None else corpus.checks[corpus.checks["report_id"].isin(ids)]
    keys = [c for c in ("kind", "check", "status") if c in frame]
    return (frame.groupby(keys, dropna=False, sort=True).size().rename("n").reset_index()
            .astype({"n": "int64"}))


def narrative_findings(checks: pd.DataFrame, reports: pd.DataFrame,
                       statuses: Sequence[str] = ("failed", "qualified")) -> pd.DataFrame:
    """Narrative checks (prose against tables) with the given statuses, with the report's
    agency and year; ``difference`` = prose − table."""
    if "kind" not in checks:
        return checks.iloc[0:0]
    found = checks[(checks["kind"] == "narrative") & checks["status"].isin(list(statuses))]
    meta = [c for c in ("report_id", *_META, "source_path") if c in reports]
    out = found.merge(reports[meta], on="report_id", how="left")
    out["difference"] = out["actual"] - out["expected"]
    return out.reset_index(drop=True)


def failed_checks(checks: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Every failed identity (narrative findings aside: :func:`narrative_findings`), with
    the report's agency and year, worst reports first."""
    checks = identity_checks(checks)
    failed = checks[checks["status"] == "failed"]
    meta = [c for c in ("report_id", *_META, "source_path") if c in reports]
    out = failed.merge(reports[meta], on="report_id", how="left")
    out["difference"] = out["actual"] - out["expected"]
    return out.sort_values(["report_id", "check", "subject"]).reset_index(drop=True)


def blank_cells(values: pd.DataFrame, reports: pd.DataFrame, per: str = "report"
                ) -> pd.DataFrame:
    """Blank cells (value NaN) counted per report (``per="report"``: with the number of
    cells read) or per table row (``per="row"``: in how many reports it is blank)."""
    if per == "row":
        out = sql.blanks_per_row(values)
        out = out[out["blank_cells"] > 0]
        return out.sort_values("blank_cells", ascending=False, kind="stable"
                               ).reset_index(drop=True)
    if per != "report":
        raise ValueError("per must be 'report' or 'row'")
    counts = sql.blanks_per_report(values)
    meta = [c for c in ("report_id", *_META, "template", "status") if c in reports]
    out = reports[meta].merge(counts, on="report_id", how="left")
    out[["cells", "blank_cells"]] = out[["cells", "blank_cells"]].fillna(0).astype("int64")
    return out.sort_values("blank_cells", ascending=False, kind="stable").reset_index(drop=True)


def scope(reports: pd.DataFrame) -> dict[str, object]:
    """What a selection holds: reports, agencies, years (for titles and captions)."""
    years = sorted(int(y) for y in pd.to_numeric(reports["year"], errors="coerce").dropna()
                   .unique())
    return {"reports": len(reports), "agencies": int(reports["agency"].nunique()),
            "years": years}
