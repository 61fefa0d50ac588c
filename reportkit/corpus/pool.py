"""The work a worker process does (a chunk of files → compact Arrow batches), and the
parent's side of the pool: chunks sent out, results streamed back in file order."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyarrow as pa

from reportkit import schema
from reportkit.corpus import files
from reportkit.corpus.cache import Meta, Piece
from reportkit.corpus.store import columns_batch
from reportkit.corpus.workers import Limits, robust_map, stop_watchdog
from reportkit.extract.parse import Report
from reportkit.schema.frames import (
    CHECK_COLUMNS,
    CHECKS_SCHEMA,
    META_FIELDS,
    PROSE_SCHEMA,
    ROW_STREAMS,
    VALUE_COLUMNS,
    VALUES_SCHEMA,
)

_MAX_CHUNK = 64  # files per task sent to a worker
_CHECK_FIELDS = tuple(map(attrgetter, CHECK_COLUMNS))  # a check's fields, in column order
#: One file to parse: its path and the overrides a manifest gives it.
Task = tuple[str, dict[str, Any] | None]
_TABLE, _FORWARD, _OVER = schema.CROSS_YEAR


def check_tuple(c: Any) -> tuple:
    return (c.report_id, c.check, c.subject, c.expected, c.actual, c.passed, c.status, c.kind)


#: The cells the cross-year checks read: carried_forward and carried_over per request
#: column, then part 二's issued / repealed / in_force of regulations and normative documents.
_CARRY_CELLS = tuple([(_TABLE, row, c) for row in (_FORWARD, _OVER)
                      for c in schema.REQUEST_COLUMNS]
                     + [("proactive", row, c) for row in schema.IN_FORCE_ROWS
                        for c in schema.IN_FORCE_COLUMNS])
_CARRY_INDEX = {cell: i for i, cell in enumerate(_CARRY_CELLS)}
_CARRY_ROWS = frozenset(row for _, row, _ in _CARRY_CELLS)  # a quick first filter


def carry_of(report: Report) -> tuple[float, ...] | None:
    """What the cross-year checks need of a report (:data:`_CARRY_CELLS`, NaN where
    absent); None for a report without values."""
    if not report.values:
        return None
    found = {(v.table, v.row, v.column): v.value for v in report.values
             if v.row in _CARRY_ROWS and v.table in (_TABLE, "proactive")}
    return tuple(found.get(cell, math.nan) for cell in _CARRY_CELLS)


class Carried(Mapping):
    """A report's carried-forward/over figures, keyed (table, row, column), as the
    cross-year check reads them; a tuple underneath (a corpus has many)."""

    __slots__ = ("figures",)

    def __init__(self, figures: tuple[float, ...]) -> None:
        self.figures = figures

    def __getitem__(self, key: tuple[str, str, str]) -> float:
        return self.figures[_CARRY_INDEX[key]]

    def get(self, key: tuple[str, str, str], default: Any = None) -> Any:
        """The figure of ``key``, else ``default`` (as Mapping.get, without its
        exception for every key not carried)."""
        i = _CARRY_INDEX.get(key)
        return default if i is None else self.figures[i]

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        return iter(_CARRY_INDEX)

    def __len__(self) -> int:
        return len(_CARRY_INDEX)


META_INDEX = {name: i for i, name in enumerate(META_FIELDS)}  # positions in a Meta tuple


def meta_of(report: Report) -> Meta:
    row = report.meta()
    return tuple(row[f] for f in META_FIELDS)


#: One file's report as the parent takes it: meta, carry, its rows of each output.
Unpacked = tuple[Meta, tuple[float, ...] | None, tuple[list[Piece], ...]]
Parsed = tuple[Meta, tuple[float, ...] | None, int, int, int]
#: A chunk's result: per file ``(meta, carry, n_values, n_checks, n_prose)``, then all
#: their ``values``, ``checks`` and ``prose`` rows as Arrow batches.
ChunkResult = tuple[list[Parsed], pa.RecordBatch, pa.RecordBatch, pa.RecordBatch]


def parse_chunk(tasks: list[tuple[str, dict[str, Any] | None]], max_bytes: int,
                limits: Limits | None = None) -> ChunkResult:
    """Parse a chunk of files; per file ``(meta, carry, n_values, n_checks, n_prose)``, and
    all their ``values``, ``checks`` and ``prose`` rows (one for a file whose document
    was read) as three Arrow batches (compact to send between processes)."""
    parsed: list[Parsed] = []
    values: list[list[Any]] = [[] for _ in VALUE_COLUMNS]
    checks: list[list[Any]] = [[] for _ in CHECK_COLUMNS]
    prose: list[list[Any]] = [[], []]
    for path, overrides in tasks:
        report = files.parse_file(Path(path), overrides, max_bytes, limits)
        vs, cs = report.values, report.checks
        values[0].extend([report.report_id] * len(vs))
        values[1].extend([v.table for v in vs])
        values[2].extend([v.row for v in vs])
        values[3].extend([v.column for v in vs])
        values[4].extend([v.value for v in vs])
        values[5].extend([v.raw for v in vs])
        values[6].extend([v.label_raw for v in vs])
        values[7].extend([v.match for v in vs])
        values[8].extend([v.page for v in vs])
        for col, get in zip(checks, _CHECK_FIELDS):
            col.extend(map(get, cs))
        if report.prose is not None:
            prose[0].append(report.report_id)
            prose[1].append(report.prose)
        parsed.append((meta_of(report), carry_of(report), len(vs), len(cs),
                       int(report.prose is not None)))
    stop_watchdog()  # a worker waiting for its next chunk is not stuck
    return (parsed, columns_batch(values, VALUES_SCHEMA), columns_batch(checks, CHECKS_SCHEMA),
            columns_batch(prose, PROSE_SCHEMA))


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _lost(task: tuple[str, dict[str, Any] | None], why: str) -> ChunkResult:
    """The result of a one-file chunk whose worker died: the file ``failed``, saying so."""
    report = files._unparsed(Path(task[0]), why)
    empty = [columns_batch([[] for _ in schema], schema) for schema in ROW_STREAMS.values()]
    return ([(meta_of(report), None, 0, 0, 0)], *empty)


@contextmanager
def parsed_stream(tasks: Iterable[Task], max_bytes: int, jobs: int | None, limits: Limits,
                  n_tasks: int | None = None
                  ) -> Iterator[Iterator[Unpacked]]:
    """Parse ``tasks`` (path, manifest overrides) in worker processes (each file within
    ``limits``; a worker that dies costs only its file); yields an iterator over
    ``(meta, carry, (values, checks, prose))`` per task, in order. ``tasks`` is read as the workers
    need more (never held whole); ``n_tasks``, their number, sizes the chunks (default
    ``len(tasks)``)."""
    if n_tasks is None:
        tasks = list(tasks)
        n_tasks = len(tasks)
    if not n_tasks:
        yield iter(())
        return
    n_jobs = default_jobs() if jobs is None else max(1, jobs)
    size = max(1, min(_MAX_CHUNK, math.ceil(n_tasks / (n_jobs * 4))))
    work = partial(parse_chunk, max_bytes=max_bytes, limits=limits)
    results = robust_map(work, _chunks(tasks, size), n_jobs, limits, _lost,
                         n_chunks=math.ceil(n_tasks / size))
    try:
        yield _unpack(results)
    finally:
        results.close()  # type: ignore[attr-defined]


def _chunks(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    """``tasks`` in lists of ``size`` (the last one shorter)."""
    it = iter(tasks)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _unpack(results: Iterable[ChunkResult]) -> Iterator[Unpacked]:
    for parsed, *batches in results:
        tables = [pa.Table.from_batches([batch]) for batch in batches]
        offsets = [0] * len(tables)
        for meta, carry, *counts in parsed:
            yield meta, carry, tuple([(t, o, n)] for t, o, n in zip(tables, offsets, counts))
            offsets = [o + n for o, n in zip(offsets, counts)]
