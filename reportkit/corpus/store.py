"""Parquet (and CSV for Excel) in and out: streamed, atomic writes, and ``load`` for notebooks.

``values`` and ``checks`` are written batch by batch (:class:`CorpusWriter`): Parquet row
groups through :class:`pyarrow.parquet.ParquetWriter`, CSV lines formatted in Arrow exactly
as ``pandas.DataFrame.to_csv`` formats them, so a corpus of any size is never held in memory
whole; ``values.csv`` is the values wide (one row per report,
:mod:`reportkit.corpus.wide`), written from the Parquet once the last value is in (in a
process of its own, while the ingest finishes the rest); ``checks.csv`` holds the checks
that did not pass (every check is in the Parquet); the long CSVs of both only on request
(:func:`write_long_csvs`). Every file goes to a temporary name first; all six are staged
before any is renamed, so an interrupted run leaves the previous outputs as they were and
no half file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reportkit.corpus import lazy
from reportkit.corpus.csvtext import csv_header, csv_lines, wide_csv_lines
from reportkit.corpus.outdir import atomic_write, publish, stage
from reportkit.corpus.wide import REPORT_FIELDS, WidePivot, wide_columns
from reportkit.corpus.workers import Background
from reportkit.schema.frames import (
    CHECK_COLUMNS,
    FRAMES,
    LONG_CHECKS_CSV,
    LONG_VALUES_CSV,
    PASSED,
    PROSE_FILE,
    ROW_STREAMS,
    VALUE_COLUMNS,
    WRITTEN_FILES,
)

#: Where the raw reports are and where ``reportkit run`` writes the processed corpus, by
#: default (relative to the current folder or a config's ``base_dir``).
RAW_DIR = "data/raw"
PROCESSED_DIR = "data/processed"


@dataclass
class Corpus:
    """A parsed corpus: the tidy values, one row per input file, and the identity checks."""

    values: pd.DataFrame
    reports: pd.DataFrame
    checks: pd.DataFrame

    def report_columns(self, columns: Sequence[str], not_ok: bool = False) -> pd.DataFrame:
        """``columns`` of ``reports``, in order; with ``not_ok`` only the reports whose
        status is not ``ok``."""
        frame = self.reports
        if not_ok:
            frame = frame[frame["status"] != "ok"]
        return frame[list(columns)]


class StoredCorpus(Corpus):
    """A corpus on disk, each frame read from its Parquet file when first used.

    ``reportkit ingest`` returns one, so a run over a national corpus does not read the
    millions of values back just to print its summary.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._frames: dict[str, pd.DataFrame] = {}

    def _frame(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            self._frames[name] = pd.read_parquet(self.directory / f"{name}.parquet")
        return self._frames[name]

    def report_columns(self, columns: Sequence[str], not_ok: bool = False) -> pd.DataFrame:
        """As :meth:`Corpus.report_columns`, reading only those columns of the Parquet
        (the whole ``reports`` frame of a million reports takes ~0.9 GB)."""
        if "reports" in self._frames:
            return super().report_columns(columns, not_ok)
        path = self.directory / "reports.parquet"
        table = pq.read_table(path, columns=list(dict.fromkeys([*columns, "status"])))
        if not_ok:
            table = table.filter(pc.fill_null(pc.not_equal(table["status"], "ok"), True))
        return table.select(list(columns)).to_pandas()

    values = property(lambda self: self._frame("values"))  # type: ignore[assignment]
    reports = property(lambda self: self._frame("reports"))  # type: ignore[assignment]
    checks = property(lambda self: self._frame("checks"))  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredCorpus({str(self.directory)!r})"


# --- batches ----------------------------------------------------------------------------------


def rows_batch(rows: list[tuple], schema: pa.Schema) -> pa.RecordBatch:
    """Row tuples (fields in ``schema`` order) as an Arrow batch."""
    columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in schema]
    return columns_batch(columns, schema)


def columns_batch(columns: list[list[Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Column lists (in ``schema`` order) as an Arrow batch."""
    return pa.RecordBatch.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)],
                                      schema=schema)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of this module's schemas as the DataFrame ``pd.read_parquet`` gives."""
    return table.to_pandas()


def _checks_filter(schema: pa.Schema, filters: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The Arrow filter of ``filters`` (column → allowed values, None for any) on the
    columns ``schema`` has, and the filters it could not take (columns it lacks)."""
    import pyarrow.dataset as ds

    expr, rest = None, {}
    for column, allowed in filters.items():
        if allowed is None:
            continue
        if column not in schema.names:
            rest[column] = allowed
            continue
        term = ds.field(column).isin(pa.array([str(a) for a in allowed], pa.string()))
        expr = term if expr is None else expr & term
    return expr, rest


def read_checks(directory: str | Path, **filters: Any) -> pd.DataFrame:
    """The rows of ``checks.parquet`` in ``directory`` whose columns hold one of the values
    given (``report_id=…, status=…, kind=…, check=…``: collections, None for any), in file
    order, as ``pd.read_parquet`` gives them; read in batches, so only those rows are
    held (a national corpus has millions of checks, nearly all passed)."""
    import pyarrow.dataset as ds

    data = ds.dataset(Path(directory) / "checks.parquet", format="parquet")
    expr, rest = _checks_filter(data.schema, filters)
    frame = to_frame(data.to_table(filter=expr))
    for column, allowed in rest.items():  # an older folder without the column
        frame = frame[frame.get(column, pd.Series(index=frame.index, dtype=object))
                      .isin(list(allowed))]
    return frame.reset_index(drop=True)


def count_checks(directory: str | Path, report_ids: Any = None) -> pd.DataFrame:
    """How many checks of ``report_ids`` (None: all) ``checks.parquet`` holds per
    ``kind``, ``check`` and ``status`` (column ``n``), counted batch by batch."""
    import pyarrow.dataset as ds

    data = ds.dataset(Path(directory) / "checks.parquet", format="parquet")
    keys = [c for c in ("kind", "check", "status") if c in data.schema.names]
    expr, _ = _checks_filter(data.schema, {"report_id": report_ids})
    parts = [pa.Table.from_batches([batch]).group_by(keys).aggregate([([], "count_all")])
             .rename_columns([*keys, "n"]).to_pandas()
             for batch in data.to_batches(columns=keys, filter=expr) if batch.num_rows]
    if not parts:
        return pd.DataFrame({**{k: pd.Series(dtype=object) for k in keys},
                             "n": pd.Series(dtype="int64")})
    counts = pd.concat(parts).groupby(keys, dropna=False, sort=True)["n"].sum()
    return counts.reset_index()


# --- writing ----------------------------------------------------------------------------------


def _statistics(schema: pa.Schema) -> list[str]:
    """The columns whose row groups get min/max statistics: ``report_id`` (each report's
    rows lie together, so a look-up of some reports can skip row groups) and the
    numbers. Every row group holds every table, row, label and status, so their
    statistics would skip nothing, and the text's cost the most to work out."""
    return [f.name for f in schema
            if f.name == "report_id" or not (pa.types.is_string(f.type)
                                              or pa.types.is_large_string(f.type))]


class CorpusWriter:
    """Streams a corpus into ``out_dir``: ``write_values``/``write_checks`` any number of
    times, then ``commit(reports)``; or ``abort()``. Usable as a context manager (an
    exception aborts)."""

    #: the rows of ``reports`` it takes per frame (and writes per Parquet row group)
    frame_rows: int | None = 16_384
    #: values.csv is written in a process of its own from this many values on (about
    #: 5,000 reports; a smaller pivot takes less time than starting an interpreter)
    background_values: int = 1_000_000

    def __init__(self, out_dir: str | Path) -> None:
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self._staged: dict[str, Path] = {}
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._csv: dict[str, IO[bytes]] = {}
        self._wide: Background | None = None  # writing values.csv
        self._n_values = 0
        try:
            for name, schema in ROW_STREAMS.items():
                self._staged[f"{name}.parquet"] = tmp = stage(self.out, name)
                self._parquet[name] = pq.ParquetWriter(tmp, schema,
                                                       write_statistics=_statistics(schema))
            self._staged["checks.csv"] = tmp = stage(self.out, "checks")
            self._csv["checks"] = fh = tmp.open("wb")
            fh.write(csv_header(CHECK_COLUMNS))
        except BaseException:
            self.abort()
            raise

    def _write(self, name: str, data: pa.Table | pa.RecordBatch) -> None:
        if data.num_rows == 0:
            return
        table = data if isinstance(data, pa.Table) else pa.Table.from_batches([data])
        self._parquet[name].write_table(table)
        if name == "values":
            self._n_values += table.num_rows
        if name == "checks":  # checks.csv: those not passed (values.csv: at end_values)
            self._csv[name].write(csv_lines(not_passed(table)))

    def write_values(self, data: pa.Table | pa.RecordBatch) -> None:
        """Append rows of ``values`` (schema :data:`VALUES_SCHEMA`)."""
        self._write("values", data)

    def write_checks(self, data: pa.Table | pa.RecordBatch) -> None:
        """Append rows of ``checks`` (schema :data:`CHECKS_SCHEMA`)."""
        self._write("checks", data)

    def write_prose(self, data: pa.Table | pa.RecordBatch) -> None:
        """Append rows of ``prose`` (schema :data:`PROSE_SCHEMA`)."""
        self._write("prose", data)

    def end_values(self, reports: pa.Table) -> None:
        """No more values: close ``values.parquet`` and write ``values.csv`` from it, a
        row for each report of ``reports`` (its :data:`REPORT_FIELDS`, in order): from
        :attr:`background_values` values on in another process while the caller goes on
        (:meth:`commit` waits for it), else here and now."""
        if "values.csv" in self._staged:
            raise RuntimeError("values.csv is written already")
        writer = self._parquet.pop("values", None)
        if writer is not None:
            writer.close()
        self._staged["values.csv"] = tmp = stage(self.out, "values")
        args = (str(self._staged["values.parquet"]), reports.select(list(REPORT_FIELDS)),
                str(tmp))
        if self._n_values >= self.background_values:
            self._wide = Background(write_wide_csv, *args)
        else:
            write_wide_csv(*args)

    def _close(self) -> None:
        for writer in self._parquet.values():
            writer.close()
        for fh in self._csv.values():
            fh.close()
        self._parquet, self._csv = {}, {}

    def commit(self, reports: pd.DataFrame | Iterable[pd.DataFrame]) -> list[Path]:
        """Write ``reports`` (a frame, or frames of its rows in order, at least one, all
        of one set of dtypes), then move all six files and the prose into place. Returns
        their paths."""
        frames = [reports] if isinstance(reports, pd.DataFrame) else reports
        try:
            self._close()
            self._staged["reports.parquet"] = parquet = stage(self.out, "reports")
            self._staged["reports.csv"] = tmp = stage(self.out, "reports")
            writer = None
            try:
                with tmp.open("wb") as fh:
                    for frame in frames:  # as reports.to_parquet / to_csv do
                        table = pa.Table.from_pandas(frame, preserve_index=False)
                        if writer is None:
                            writer = pq.ParquetWriter(parquet, table.schema)
                            fh.write(csv_header(table.column_names))
                        writer.write_table(table)
                        fh.write(csv_lines(table))
            finally:
                if writer is not None:
                    writer.close()
            if "values.csv" not in self._staged:  # no end_values: from reports as written
                self.end_values(pq.read_table(parquet, columns=list(REPORT_FIELDS)))
            if self._wide is not None:
                self._wide.wait()
                self._wide = None
        except BaseException:
            self.abort()
            raise
        finals = [self.out / name for name in WRITTEN_FILES]
        publish((self._staged[final.name], final) for final in finals)
        self._staged = {}
        for name in (LONG_VALUES_CSV, LONG_CHECKS_CSV):  # of older outputs: not kept
            (self.out / name).unlink(missing_ok=True)
        return finals

    def abort(self) -> None:
        """Drop everything staged; the previous outputs stay as they were."""
        try:
            if self._wide is not None:
                self._wide.stop()
                self._wide = None
            self._close()
        finally:
            for tmp in self._staged.values():
                tmp.unlink(missing_ok=True)
            self._staged = {}

    def __enter__(self) -> CorpusWriter:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            self.abort()


def write_wide_csv(values_parquet: str | Path, reports: pa.Table, path: str | Path) -> Path:
    """``values.csv``: the values wide, one row per report of ``reports`` (in its order),
    the columns of :func:`reportkit.corpus.wide.wide_columns` (canonical keys as header),
    streamed from ``values_parquet``; Excel-safe, UTF-8 with a BOM, as pandas writes it."""
    fields = reports.select(list(REPORT_FIELDS))
    with Path(path).open("wb") as fh:
        fh.write(csv_header(wide_columns()))
        for block in WidePivot(values_parquet, reports.column("report_id")):
            fh.write(wide_csv_lines(fields.slice(block.start, block.stop - block.start),
                                    block.matrix))
    return Path(path)


def not_passed(checks: pa.Table) -> pa.Table:
    """The rows of ``checks`` whose status is not :data:`PASSED` (what ``checks.csv``
    holds)."""
    passed = pc.fill_null(pc.equal(checks.column("status"), PASSED), False)
    return checks.filter(pc.invert(passed))


def write_long_csvs(directory: str | Path) -> list[Path]:
    """The long CSVs of the corpus in ``directory``, Excel-safe, streamed from its Parquet:
    ``values_long.csv`` (one row per report and cell, the columns of ``values.parquet``)
    and ``checks_long.csv`` (every check, passed ones too). Each written to a temporary
    and renamed; returns their paths."""
    folder = Path(directory)
    return [_write_long(folder / f"{frame}.parquet", folder / target, columns)
            for frame, target, columns in (("values", LONG_VALUES_CSV, VALUE_COLUMNS),
                                           ("checks", LONG_CHECKS_CSV, CHECK_COLUMNS))]


def _write_long(source: Path, target: Path, columns: Sequence[str]) -> Path:
    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            fh.write(csv_header(columns))
            for batch in pq.ParquetFile(source).iter_batches(batch_size=65_536):
                fh.write(csv_lines(batch))

    if not source.is_file():
        raise FileNotFoundError(f"{source}: no such file; run `reportkit ingest` first")
    return atomic_write(target, write)


class StoredProse:
    """The prose the ingest kept (:data:`PROSE_FILE`) of each of ``report_ids``: only the
    ids are read at first; :meth:`texts` reads the row groups a range of them needs (two
    kept), so a national corpus's prose is never held whole."""

    def __init__(self, path: Path, report_ids: Sequence[str]) -> None:
        self.file = pq.ParquetFile(path)
        held = pd.Index(self.file.read(columns=["report_id"]).column("report_id")
                        .to_numpy(zero_copy_only=False), dtype=object)
        first = ~held.duplicated()  # one content, one prose: the first row of an id stands
        at = pd.Index(held[first]).get_indexer(pd.Index(list(report_ids), dtype=object))
        self.at = np.where(at >= 0, np.flatnonzero(first)[np.maximum(at, 0)], -1)
        meta = self.file.metadata
        self.starts = np.cumsum([0] + [meta.row_group(i).num_rows
                                       for i in range(meta.num_row_groups)])
        self.groups: dict[int, list[str]] = {}

    def _group(self, i: int) -> list[str]:
        if i not in self.groups:
            if len(self.groups) >= 2:
                self.groups.pop(next(iter(self.groups)))
            self.groups[i] = self.file.read_row_group(i, columns=["prose"]).column(
                "prose").to_pylist()
        return self.groups[i]

    def texts(self, start: int, stop: int) -> list[str | None]:
        """The prose of ``report_ids[start:stop]`` (None for a report it holds none of)."""
        positions = self.at[start:stop]
        groups = np.searchsorted(self.starts, positions, side="right") - 1
        return [None if pos < 0 else self._group(group)[pos - self.starts[group]]
                for pos, group in zip(positions.tolist(), groups.tolist())]


def read_prose(directory: str | Path, report_ids: Sequence[str]) -> StoredProse | None:
    """The prose the ingest kept of each of ``report_ids``, in their order, read as asked
    (:class:`StoredProse`); None when the folder has no prose file (an older ingest)."""
    path = Path(directory) / PROSE_FILE
    return StoredProse(path, report_ids) if path.is_file() else None


def output_stats(out_dir: str | Path) -> dict[str, list[int]] | None:
    """``{file: [size, mtime_ns]}`` of the six outputs and the prose, or None when one is
    missing."""
    stats: dict[str, list[int]] = {}
    for name in WRITTEN_FILES:
        try:
            st = os.stat(Path(out_dir) / name)
        except OSError:
            return None
        stats[name] = [st.st_size, st.st_mtime_ns]
    return stats


class LoadedCorpus(StoredCorpus):
    """A processed folder, lazily: ``values`` stays in ``values.parquet`` as a
    :class:`reportkit.corpus.lazy.LazyValues` (queried by DuckDB, read into pandas only when
    asked: ``corpus.values.to_pandas()``); ``reports`` and ``checks`` are pandas frames read
    on first use. One DuckDB connection per corpus (:func:`reportkit.corpus.lazy.connect`)."""

    def __init__(self, directory: str | Path, memory_limit: str = lazy.MEMORY_LIMIT,
                 threads: int = lazy.THREADS) -> None:
        super().__init__(directory)
        self._settings = {"memory_limit": memory_limit, "threads": threads}
        self._con: Any = None

    @property
    def con(self) -> Any:
        """This corpus's DuckDB connection (made on first use)."""
        if self._con is None:
            self._con = lazy.connect(**self._settings)
        return self._con

    values = property(  # type: ignore[assignment]
        lambda self: lazy.LazyValues(self.directory / "values.parquet", self.con))

    @property
    def values_rel(self) -> Any:
        """``values.parquet`` as a DuckDB relation (``.df()``, ``.filter(…)``, SQL)."""
        return self.con.read_parquet(str(self.directory / "values.parquet"))

    def __repr__(self) -> str:
        return f"LoadedCorpus({str(self.directory)!r})"


def load(directory: str | Path = PROCESSED_DIR) -> Corpus:
    """Open a processed folder (written by ``reportkit ingest``): a :class:`LoadedCorpus`,
    whose ``values`` stay in Parquet for DuckDB (see :mod:`reportkit.corpus.lazy`)."""
    d = Path(directory)
    missing = [n for n in FRAMES if not (d / f"{n}.parquet").exists()]
    if missing:
        raise FileNotFoundError(
            f"{d}: no {', '.join(m + '.parquet' for m in missing)}; "
            f"run `reportkit ingest data/raw --out {d}` first")
    return LoadedCorpus(d)


def dumps_json(obj: Any) -> bytes:
    """Compact JSON (NaN allowed) for the cache's index."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
