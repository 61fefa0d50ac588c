"""The values, wide: one row per report, one column per cell of the form, streamed.

``values.parquet`` is long (one row per report and cell, the contract that
:func:`reportkit.load` and the analysis read). People who open the data in Excel want one
row per report instead, and Excel takes 1,048,576 rows a sheet (a long table of 50,000
reports is ten million). :class:`WidePivot` turns the long Parquet into blocks of wide rows
without ever holding the corpus in memory: it reads the Parquet in batches
(:meth:`pyarrow.parquet.ParquetFile.iter_batches`) and relies on what the ingest writes,
each report's cells together and the reports in the order of ``reports.parquet``
(checked: anything else is a :class:`ValueError`, never a row put together wrongly).

The columns (:func:`wide_columns`): :data:`REPORT_FIELDS`, then every cell of every
template, the union, in the form's order (:func:`wide_cells`), named by its canonical key
``table.row.column``. A cell a report does not hold, or holds blank, is NaN, never 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reportkit import schema

#: The report's own columns, first in every wide row.
REPORT_FIELDS: tuple[str, ...] = ("report_id", "agency", "year", "template", "status")
#: Reports per block (a block is ``rows × cells`` floats: about 4 MB).
BLOCK_REPORTS = 2048
_BATCH_ROWS = 65_536  # rows of values.parquet read at a time


Cell = tuple[str, str, str]


@lru_cache(maxsize=1)
def wide_cells() -> tuple[Cell, ...]:
    """Every ``(table, row, column)`` of every template (and the rows a report may print
    in place of its template's, :data:`reportkit.schema.ROW_VARIANTS`), once each, in
    the form's order: the tables in order, each row where it first appears, its columns
    in the latest template's order, then those only an older template has."""
    columns: dict[tuple[str, str], list[str]] = {}
    for row in schema.ALL_ROWS:
        cols = columns.setdefault((row.table, row.key), [])
        cols.extend(c for c in row.columns if c not in cols)
    order = {t: i for i, t in enumerate(schema.TABLES)}
    rows = sorted(columns, key=lambda tr: order[tr[0]])  # stable: row order kept per table
    return tuple((t, r, c) for t, r in rows for c in columns[(t, r)])


def cell_key(cell: Cell) -> str:
    """The canonical key of a cell, ``table.row.column`` (a column name of the wide rows)."""
    return ".".join(cell)


def cell_templates(cell: Cell) -> tuple[list[str], list[str]]:
    """The templates whose form holds ``cell``, and those whose reports may print it in
    place of their own rows (a variant, :data:`reportkit.schema.ROW_VARIANTS`)."""
    own = [t for t in schema.TEMPLATES if cell in schema.cells_for(t)]
    variant = [t for t, v in schema.layouts() if v and t not in own
               and cell in schema.cells_for(t, variants=v)]
    return own, list(dict.fromkeys(variant))


def wide_columns() -> list[str]:
    """The columns of a wide row: :data:`REPORT_FIELDS`, then each cell's key."""
    return [*REPORT_FIELDS, *(cell_key(c) for c in wide_cells())]


@dataclass
class WideBlock:
    """Reports ``start`` to ``stop`` (positions in ``reports``), their figures as a
    ``(stop - start) × len(wide_cells())`` float matrix, NaN where there is none."""

    start: int
    stop: int
    matrix: np.ndarray


class WidePivot:
    """The wide rows of ``values`` (``values.parquet``, a path or an open file) for
    ``report_ids`` (the ``report_id`` column of
    ``reports``, in its order), as :class:`WideBlock` s, every report once (a report with
    no values: a row of NaN). After iterating, ``unknown`` counts the values whose cell is
    in no template (left out of the wide rows), ``conflicts`` the cells a report gives more
    than once (left blank: which figure is right is unknown). The parser gives neither."""

    def __init__(self, values: str | Path | pq.ParquetFile,
                 report_ids: pa.Array | pa.ChunkedArray, block: int = BLOCK_REPORTS) -> None:
        self.source = values if isinstance(values, pq.ParquetFile) else pq.ParquetFile(values)
        self.path = "values.parquet" if isinstance(values, pq.ParquetFile) else str(values)
        ids = report_ids.combine_chunks() if isinstance(report_ids, pa.ChunkedArray) \
            else report_ids
        self.ids = pc.cast(ids, pa.large_string())
        self.block = block
        self.unknown = 0
        self.conflicts = 0

    def _emit(self, lo: int, hi: int, pos: np.ndarray, idx: np.ndarray,
              val: np.ndarray) -> Iterator[WideBlock]:
        """Blocks for reports ``lo`` to ``hi``; ``pos`` (sorted) / ``idx`` / ``val``: the
        values of exactly those reports."""
        n_cells = len(wide_cells())
        for start in range(lo, hi, self.block):
            stop = min(start + self.block, hi)
            a, b = np.searchsorted(pos, [start, stop])
            matrix = np.full((stop - start, n_cells), np.nan)
            matrix[pos[a:b] - start, idx[a:b]] = val[a:b]
            flat = (pos[a:b] - start) * n_cells + idx[a:b]
            counts = np.bincount(flat)
            if len(flat) and counts.max() > 1:  # a cell given twice: which is right is unknown
                twice = np.flatnonzero(counts > 1)
                matrix.flat[twice] = np.nan
                self.conflicts += len(twice)
            yield WideBlock(start, stop, matrix)

    def _positions(self, ids: pa.Array, start: int) -> pa.Array:
        """Each of ``ids``' position in :attr:`ids` (its first), null for one not there;
        looked up in the reports from ``start`` on (the values come in their order), in a
        window a few times the batch's length, widened until every id is found or the
        window holds every report: one batch costs the same at 1,000,000 reports as at
        10,000 (a lookup in all of them built a hash table of every id each batch)."""
        n = len(self.ids)
        width = 2 * len(ids) + 4096
        while True:
            found = pc.index_in(ids, value_set=self.ids.slice(start, width))
            if not found.null_count:
                break
            if start + width < n:
                width *= 4
            elif start > 0:  # an id before ``start``: out of order; the whole list tells
                start, width = 0, n
            else:
                break
        return pc.add(found, start) if start else found

    def _report_positions(self, column: pa.Array, start: int) -> np.ndarray:
        """Each value's report as its position in :attr:`ids` (int64), looked up once
        for each report the batch names; raises ValueError for a report not listed."""
        codes, names = _codes(column)
        found = self._positions(pc.cast(names, pa.large_string()), start)
        if found.null_count or (codes < 0).any():
            missing = pc.is_null(pc.take(found, pa.array(np.maximum(codes, 0))))
            missing = pc.or_(missing, pa.array(codes < 0))
            stray = pc.filter(column, missing)[0].as_py()
            raise ValueError(f"{self.path}: values of report {stray!r}, which "
                             "reports.parquet does not list")
        return found.to_numpy().astype(np.int64)[codes]

    def __iter__(self) -> Iterator[WideBlock]:
        keys = pa.array([cell_key(c) for c in wide_cells()], pa.large_string())
        n = len(self.ids)
        done, last = 0, -1
        empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
        carry = empty
        self.unknown = self.conflicts = 0
        for batch in self.source.iter_batches(batch_size=_BATCH_ROWS,
                                         columns=["report_id", "table", "row", "column",
                                                  "value"]):
            if batch.num_rows == 0:
                continue
            pos = self._report_positions(batch.column(0), max(last, 0))
            if pos[0] < last or (len(pos) > 1 and (np.diff(pos) < 0).any()):
                raise ValueError(f"{self.path}: the values are not in the order of "
                                 "reports.parquet (write them with `reportkit ingest`)")
            cells = _cell_indices(batch.column(1), batch.column(2), batch.column(3), keys)
            known = cells >= 0
            self.unknown += int((~known).sum())
            values = batch.column(4).to_numpy(zero_copy_only=False).astype(float)
            last = int(pos[-1])
            pos, cells, values = pos[known], cells[known], values[known]
            pos, cells, values = (np.concatenate((c, x)) for c, x in
                                  zip(carry, (pos, cells, values)))
            cut = int(np.searchsorted(pos, last))  # the last report may go on next batch
            yield from self._emit(done, last, pos[:cut], cells[:cut], values[:cut])
            done = max(done, last)
            carry = (pos[cut:], cells[cut:], values[cut:])
        yield from self._emit(done, n, *carry)


def _codes(column: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """``column`` dictionary-encoded: each row's index in the distinct values (int64,
    -1 for a null) and those values."""
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    codes = encoded.indices.fill_null(-1).to_numpy().astype(np.int64)
    return codes, encoded.dictionary


def _cell_indices(tables: pa.Array, rows: pa.Array, columns: pa.Array,
                  keys: pa.Array) -> np.ndarray:
    """Each value's cell as its index in ``keys`` (the cells' keys), -1 for a cell in
    no template or a part missing. The key of each distinct (table, row, column) is made
    and looked up once (a batch names a few hundred), not once a value."""
    parts = [_codes(c) for c in (tables, rows, columns)]
    (t, t_names), (r, r_names), (c, c_names) = parts
    n_t, n_r, n_c = len(t_names), len(r_names), len(c_names)
    if n_t * n_r * n_c > max(len(t), 1):  # not few: the key of each value
        return _key_indices(tables, rows, columns, keys)
    grid = np.arange(n_t * n_r * n_c)
    lookup = _key_indices(pc.take(t_names, pa.array(grid // (n_r * n_c))),
                          pc.take(r_names, pa.array(grid // n_c % n_r)),
                          pc.take(c_names, pa.array(grid % n_c)), keys)
    cells = lookup[(np.maximum(t, 0) * n_r + np.maximum(r, 0)) * n_c + np.maximum(c, 0)]
    cells[(t < 0) | (r < 0) | (c < 0)] = -1
    return cells


def _key_indices(tables: pa.Array, rows: pa.Array, columns: pa.Array,
                 keys: pa.Array) -> np.ndarray:
    """Each "table.row.column" key's index in ``keys`` (int64), -1 for one not there."""
    key = pc.binary_join_element_wise(
        *(pc.cast(x, pa.large_string()) for x in (tables, rows, columns)),
        pa.scalar(".", pa.large_string()))
    return pc.index_in(key, value_set=keys).fill_null(-1).to_numpy().astype(np.int64)


__all__ = ["REPORT_FIELDS", "WideBlock", "WidePivot", "cell_key", "cell_templates",
           "wide_cells", "wide_columns"]
