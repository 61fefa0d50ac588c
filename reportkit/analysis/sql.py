"""The SQL behind :mod:`reportkit.analysis`: what is read from ``values`` runs in DuckDB.

One path serves both kinds of corpus: a stored one's values stay in Parquet
(:class:`reportkit.corpus.lazy.LazyValues`, read by DuckDB straight from the file, on the
corpus's own connection), an in-memory one's ``values`` DataFrame is registered with DuckDB
(on this process's connection, :func:`default_connection`). Either way the queries return
frames of one row per report (or per table row), never the values themselves; the
shares, rates and intervals are then computed from those by the pandas code of
:mod:`reportkit.analysis`.

In every query the values source has the columns of ``values`` and ``_pos`` (the row's
place in the frame or file: pandas' first-appearance order where an order is needed); a
blank cell is a NULL or a NaN ``value``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from reportkit.analysis import memo
from reportkit.corpus import lazy
from reportkit.corpus.lazy import LazyValues, literal, quote, unique_name

_DEFAULT: Any = None
_BLANK = "(x.value IS NULL OR isnan(x.value))"
_VALUE = "CASE WHEN isnan(x.value) THEN NULL ELSE x.value END"


def default_connection() -> Any:
    """This process's DuckDB connection for in-memory frames (made on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = lazy.connect()
    return _DEFAULT


def is_lazy(values: object) -> bool:
    """Whether ``values`` is a stored corpus's lazy values (not a DataFrame)."""
    return isinstance(values, LazyValues)


@contextmanager
def session(values: pd.DataFrame | LazyValues) -> Iterator[tuple[Any, str]]:
    """A cursor and the SQL name (or sub-query) of ``values`` on it."""
    if isinstance(values, LazyValues):
        with lazy.cursor(values.con) as cur:
            yield cur, values.from_sql(cur)
        return
    with lazy.cursor(default_connection()) as cur:
        cols = [c for c in ("report_id", "table", "row", "column", "value") if c in values]
        frame = values[cols].assign(_pos=np.arange(len(values), dtype="int64"))
        for col in ("report_id", "table", "row", "column"):
            if col not in frame:
                frame[col] = pd.Series(index=frame.index, dtype=object)
        if "value" not in frame:
            frame["value"] = np.nan
        name = unique_name("values")
        cur.register(name, frame)
        yield cur, name


def register(cur: Any, frame: pd.DataFrame, stem: str) -> str:
    """Register ``frame`` on ``cur`` under a fresh name; returns the name."""
    name = unique_name(stem)
    cur.register(name, frame)
    return name


def _rep_frame(reports: pd.DataFrame, layouts: pd.Series | None = None) -> pd.DataFrame:
    """``rix`` (the reports row), ``report_id`` as text and, when given, ``layout``."""
    out = pd.DataFrame({"rix": np.arange(len(reports), dtype="int64"),
                        "report_id": reports["report_id"].astype(object).to_numpy()})
    out["report_id"] = out["report_id"].where(out["report_id"].notna(), None)
    if layouts is not None:
        out["layout"] = np.asarray(layouts.astype(object).astype(str))
    return out


def rows_present(values: pd.DataFrame | LazyValues, reports: pd.DataFrame, table: str,
                 rows: Sequence[str]) -> pd.DataFrame:
    """``(rix, row)``: which of ``rows`` of ``table`` each report's values hold (any column;
    ``rix`` is the report's position in ``reports``)."""
    if not rows:
        return pd.DataFrame({"rix": pd.Series(dtype="int64"), "row": pd.Series(dtype=object)})
    rep_frame = _rep_frame(reports)

    def ask() -> pd.DataFrame:
        with session(values) as (cur, src):
            rep = register(cur, rep_frame, "rep")
            wanted = ", ".join(literal(r) for r in rows)
            return cur.execute(
                f"SELECT DISTINCT r.rix, x.\"row\" FROM {src} AS x JOIN {rep} AS r "
                f"ON r.report_id = x.report_id WHERE x.\"table\" = {literal(table)} "
                f"AND x.\"row\" IN ({wanted})").df()

    return memo.kept("rows_present", values, (memo.digest(rep_frame), table, tuple(rows)), ask)


def _terms(spec: pd.DataFrame) -> tuple[pd.Index, pd.DataFrame]:
    """The measures of ``spec`` and its terms with integer measure codes (``mid``)."""
    measures = pd.Index(pd.unique(spec["measure"]))
    terms = pd.DataFrame({
        "template": spec["template"].astype(str).to_numpy(),
        "mid": measures.get_indexer(spec["measure"]).astype("int64"),
        "num": (spec["part"] == "num").to_numpy(),
        "table": spec["table"].astype(str).to_numpy(),
        "row": spec["row"].astype(str).to_numpy(),
        "column": spec["column"].astype(str).to_numpy(),
        "sign": (spec["sign"] if "sign" in spec else pd.Series(1.0, index=spec.index)
                 ).astype("float64").to_numpy()})
    terms["cid"] = terms.groupby(["table", "row", "column"], sort=False).ngroup().astype("int64")
    return measures, terms


def _per_report_sql(src: str, rep: str, spc: str, den_adds_num: bool) -> str:
    """The query of one row per report (``rix``) and measure (``mid``): ``numerator``,
    ``denominator`` (NULL when a cell is blank or absent), ``n_blank_cells``."""
    keys = ", ".join(quote(c) for c in ("table", "row", "column"))
    den = "d.denominator + d.numerator" if den_adds_num else "d.denominator"
    return f"""
        WITH cells AS (SELECT DISTINCT {keys}, cid FROM {spc}),
        needed AS (
            SELECT r.rix, c.cid, {_VALUE} AS v
            FROM {src} AS x
            JOIN {rep} AS r ON r.report_id = x.report_id
            JOIN cells AS c ON c."table" = x."table" AND c."row" = x."row"
                            AND c."column" = x."column"),
        grid AS (
            SELECT r.rix, s.mid, s.num, s.sign, s.cid
            FROM {rep} AS r JOIN {spc} AS s ON s.template = r.layout),
        joined AS (
            SELECT g.rix, g.mid, g.num, g.sign * n.v AS w, n.v IS NULL AS miss,
                   (n.v IS NULL AND n.rix IS NOT NULL) AS blank
            FROM grid AS g LEFT JOIN needed AS n ON n.rix = g.rix AND n.cid = g.cid),
        sums AS (
            SELECT rix, mid,
                CASE WHEN count(*) FILTER (WHERE num AND miss) = 0
                      AND count(*) FILTER (WHERE num) > 0
                     THEN sum(w) FILTER (WHERE num) END AS numerator,
                CASE WHEN count(*) FILTER (WHERE NOT num AND miss) = 0
                      AND count(*) FILTER (WHERE NOT num) > 0
                     THEN sum(w) FILTER (WHERE NOT num) END AS denominator,
                count(*) FILTER (WHERE blank) AS n_blank_cells
            FROM joined GROUP BY rix, mid),
        per AS (
            SELECT d.rix, d.mid, d.numerator, {den} AS denominator, d.n_blank_cells
            FROM sums AS d)"""


def _per_report(values: pd.DataFrame | LazyValues, reports: pd.DataFrame,
                layouts: pd.Series, spec: pd.DataFrame, den_adds_num: bool
                ) -> tuple[pd.Index, pd.DataFrame]:
    """The measures of ``spec`` and, from :func:`_per_report_sql` (kept for a stored
    corpus: :mod:`reportkit.analysis.memo`), ``rix``, ``mid``, ``numerator``,
    ``denominator``, ``n_blank_cells`` ordered by report and measure."""
    measures, terms = _terms(spec)
    rep_frame = _rep_frame(reports, layouts)

    def ask() -> pd.DataFrame:
        with session(values) as (cur, src):
            rep = register(cur, rep_frame, "rep")
            spc = register(cur, terms, "spec")
            out = cur.execute(_per_report_sql(src, rep, spc, den_adds_num)
                              + " SELECT * FROM per ORDER BY rix, mid").df()
        return pd.DataFrame({
            "rix": out["rix"].to_numpy(dtype="int64"),
            "mid": out["mid"].to_numpy(dtype="int64"),
            "numerator": out["numerator"].to_numpy(dtype="float64", na_value=np.nan),
            "denominator": out["denominator"].to_numpy(dtype="float64", na_value=np.nan),
            "n_blank_cells": out["n_blank_cells"].to_numpy(dtype="int64")})

    parts = (memo.digest(rep_frame), memo.digest(terms), bool(den_adds_num))
    return measures, memo.kept("per_report", values, parts, ask)


def cell_sums(values: pd.DataFrame | LazyValues, reports: pd.DataFrame, layouts: pd.Series,
              spec: pd.DataFrame, den_adds_num: bool = False) -> pd.DataFrame:
    """Per report and measure, the signed sums of the measure's numerator and denominator
    cells, each NULL when one of its cells is blank or absent (the blank rule), and the
    blank cells among them.

    ``spec``: ``template``, ``measure``, ``part`` ("num"/"den"), ``table``, ``row``,
    ``column`` and ``sign`` (default 1); a report's terms are those of its ``layouts``
    entry. As the pandas merge did, every term of the report's layout is looked up among
    its values (a cell held twice counts twice). ``den_adds_num``: the denominator is
    the sum of both. Returns ``rix``, ``measure``, ``numerator``, ``denominator``,
    ``n_blank_cells``."""
    measures, out = _per_report(values, reports, layouts, spec, den_adds_num)
    return pd.DataFrame({
        "rix": out["rix"].to_numpy(dtype="int64"),
        "measure": _measure_column(measures, out["mid"], spec),
        "numerator": out["numerator"].to_numpy(dtype="float64"),
        "denominator": out["denominator"].to_numpy(dtype="float64"),
        "n_blank_cells": out["n_blank_cells"].to_numpy(dtype="int64")})


def _measure_column(measures: pd.Index, mid: pd.Series, spec: pd.DataFrame) -> pd.Series:
    names = np.asarray(measures, dtype=object)[mid.to_numpy(dtype="int64")]
    return pd.Series(names, dtype=spec["measure"].dtype)


def pooled_sums(values: pd.DataFrame | LazyValues, reports: pd.DataFrame, layouts: pd.Series,
                spec: pd.DataFrame, groups: np.ndarray, failed: np.ndarray,
                den_adds_num: bool = False) -> pd.DataFrame:
    """:func:`cell_sums` pooled per group of reports: ``groups`` gives each report (row of
    ``reports``) its group number, ``failed`` whether it fails one of its identities. A
    report is used for a measure when its numerator and denominator are both there.
    Returns ``gid``, ``measure``, ``numerator`` and ``denominator`` (sums over the reports
    used; NULL when none is), ``n_reports``, ``n_excluded``, ``n_blank_cells``,
    ``n_reports_failed_checks``, ordered by group and measure. The per-report sums come
    from DuckDB (once per question, :func:`_per_report`); the pooling is numpy."""
    measures, per = _per_report(values, reports, layouts, spec, den_adds_num)
    rix = per["rix"].to_numpy(dtype="int64")
    mid = per["mid"].to_numpy(dtype="int64")
    gid = np.asarray(groups, dtype="int64")[rix]
    width = max(len(measures), 1)
    keys, cell = _dense_codes(gid * width + mid)
    num, den = per["numerator"].to_numpy(), per["denominator"].to_numpy()
    used = ~np.isnan(num) & ~np.isnan(den)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=weights, minlength=len(keys))

    n_reports = total(used.astype("float64")).astype("int64")
    sums = {name: np.where(n_reports > 0, total(np.where(used, part, 0.0)), np.nan)
            for name, part in (("numerator", num), ("denominator", den))}
    failed_used = used & np.asarray(failed, dtype=bool)[rix]
    return pd.DataFrame({
        "gid": keys // width,
        "measure": _measure_column(measures, pd.Series(keys % width), spec),
        **sums,
        "n_reports": n_reports,
        "n_excluded": total((~used).astype("float64")).astype("int64"),
        "n_blank_cells": total(per["n_blank_cells"].to_numpy(dtype="float64")).astype("int64"),
        "n_reports_failed_checks": total(failed_used.astype("float64")).astype("int64")})


def _dense_codes(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` of non-negative integer keys, by counting
    when the key range is small (no sort)."""
    span = int(key.max()) + 1 if len(key) else 0
    if span > 4 * len(key) + 1024:
        return np.unique(key, return_inverse=True)
    keys = np.flatnonzero(np.bincount(key, minlength=span))
    where = np.empty(span, dtype="int64")
    where[keys] = np.arange(len(keys))
    return keys, where[key]


def report_cells(values: pd.DataFrame | LazyValues, table: str, row: str, column: str
                 ) -> pd.DataFrame:
    """``report_id`` and ``value`` of one cell in every report that has it (frame order)."""
    def ask() -> pd.DataFrame:
        with session(values) as (cur, src):
            out = cur.execute(
                f"SELECT x.report_id, {_VALUE} AS value FROM {src} AS x "
                f"WHERE x.\"table\" = {literal(table)} AND x.\"row\" = {literal(row)} "
                f"AND x.\"column\" = {literal(column)} ORDER BY x._pos").df()
        return pd.DataFrame({"report_id": out["report_id"].astype(object).to_numpy(),
                             "value": out["value"].to_numpy(dtype="float64", na_value=np.nan)})

    return memo.kept("report_cells", values, (table, row, column), ask)


def blanks_per_report(values: pd.DataFrame | LazyValues) -> pd.DataFrame:
    """``report_id``, ``cells`` (values rows) and ``blank_cells`` of every report."""
    with session(values) as (cur, src):
        out = cur.execute(
            f"SELECT x.report_id, count(*) AS cells, count(*) FILTER (WHERE {_BLANK}) "
            f"AS blank_cells FROM {src} AS x WHERE x.report_id IS NOT NULL "
            "GROUP BY x.report_id").df()
    return pd.DataFrame({"report_id": out["report_id"].astype(object).to_numpy(),
                         "cells": out["cells"].to_numpy(dtype="int64"),
                         "blank_cells": out["blank_cells"].to_numpy(dtype="int64")})


def blanks_per_row(values: pd.DataFrame | LazyValues) -> pd.DataFrame:
    """``table``, ``row``, ``reports`` (distinct reports holding the row) and
    ``blank_cells`` per table row, in order of first appearance."""
    with session(values) as (cur, src):
        out = cur.execute(
            f"SELECT x.\"table\", x.\"row\", count(DISTINCT x.report_id) AS reports, "
            f"count(*) FILTER (WHERE {_BLANK}) AS blank_cells, min(x._pos) AS first "
            f"FROM {src} AS x WHERE x.\"table\" IS NOT NULL AND x.\"row\" IS NOT NULL "
            "GROUP BY x.\"table\", x.\"row\" ORDER BY first").df()
    return pd.DataFrame({"table": out["table"].astype(object).to_numpy(),
                         "row": out["row"].astype(object).to_numpy(),
                         "reports": out["reports"].to_numpy(dtype="int64"),
                         "blank_cells": out["blank_cells"].to_numpy(dtype="int64")})
