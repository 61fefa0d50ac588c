"""A folder of reports → one Corpus: every input file gets exactly one row in ``reports``.

Per file: size limit (checked before reading), content hash, duplicate detection, parse.
Then the cross-year check (``carried_forward`` of N = ``carried_over`` of N+1) over the
corpus. An optional ``manifest.csv`` (file, agency, agency_short, region, year) in a folder
overrides what the text says for the files it names.

At scale: files are parsed by a pool of processes (one per core), in chunks; a worker sends
back each chunk as compact Arrow batches, which the parent streams, in file order, into
Parquet row groups and CSV (:class:`reportkit.store.CorpusWriter`), so the corpus is never
held in memory whole. With an output folder, a content-hash cache (:mod:`reportkit.cache`)
means a re-run parses only new or changed files, and writes nothing when nothing changed;
its result is the same as a clean run's.
"""

from __future__ import annotations

import csv
import hashlib
import math
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from reportkit import schema
from reportkit.cache import META_FIELDS, CacheError, Entry, Meta, ParseCache, Piece, entry_key
from reportkit.checks import YearEntry, check_across_years
from reportkit.parse import CHECK_COLUMNS, VALUE_COLUMNS, Report, parse_bytes, report_id_for
from reportkit.store import (
    CHECKS_SCHEMA,
    VALUES_SCHEMA,
    Corpus,
    CorpusWriter,
    StoredCorpus,
    columns_batch,
    output_stats,
    rows_batch,
    to_frame,
)

MANIFEST = "manifest.csv"
DEFAULT_MAX_SIZE_MB = 50.0
REPORT_COLUMNS = ["report_id", "source_path", "sha256", "agency", "agency_short", "region",
                  "year", "template", "status", "error", "format", "encoding", "n_values",
                  "n_checks_failed", "ignored_rows"]
_MANIFEST_FIELDS = ("agency", "agency_short", "region", "year")
#: Fewer files than this to parse are parsed in this process (a pool costs more).
SERIAL_BELOW = 48
_MAX_CHUNK = 64  # files per task sent to a worker
_BATCH_ROWS = 65_536  # rows per Parquet row group written
_TABLE, _FORWARD, _OVER = schema.CROSS_YEAR


class UsageError(Exception):
    """A command-line mistake (a path that does not exist): exit code 2."""


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Report files under ``paths`` (files, or folders searched recursively), sorted.

    Hidden files (``.DS_Store``, ``.gitkeep``) and ``manifest.csv`` are not reports.
    """
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(f for f in sorted(p.rglob("*"))
                         if f.is_file() and not _skipped(f.relative_to(p)))
        elif p.is_file():
            found.append(p)
        else:
            raise UsageError(f"{p}: no such file or folder")
    return list(dict.fromkeys(found))


def _skipped(rel: Path) -> bool:
    return rel.name == MANIFEST or any(part.startswith(".") for part in rel.parts)


def read_manifests(files: Iterable[Path]) -> dict[Path, dict[str, Any]]:
    """Overrides from every ``manifest.csv`` next to (or above) the given files, keyed by
    the resolved path of the file each row names."""
    folders = {f.parent for f in files}
    for folder in list(folders):
        folders.update(folder.parents)
    overrides: dict[Path, dict[str, Any]] = {}
    resolved: dict[Path, Path] = {}
    for folder in sorted(folders):
        manifest = folder / MANIFEST
        if not manifest.is_file():
            continue
        with manifest.open(encoding="utf-8-sig", newline="") as fh:
            for line in csv.DictReader(fh):
                name = (line.get("file") or "").strip()
                if not name:
                    continue
                entry = {k: (line.get(k) or "").strip() for k in _MANIFEST_FIELDS}
                entry["year"] = int(entry["year"]) if entry["year"].isdigit() else None
                overrides[resolve(folder / name, resolved)] = entry
    return overrides


def resolve(path: Path, folders: dict[Path, Path]) -> Path:
    """``path.resolve()``, resolving each folder once (``folders`` remembers them): for a
    corpus of thousands of files in a few folders, far fewer system calls."""
    name = path.name
    if name in ("", ".", "..") or path.is_symlink():
        return path.resolve()
    parent = folders.get(path.parent)
    if parent is None:
        parent = folders[path.parent] = path.parent.resolve()
    return parent / name


def _unparsed(path: Path, error: str) -> Report:
    report = Report(report_id_for(hashlib.sha256(str(path).encode()).hexdigest()),
                    str(path), "")
    report.error = error
    return report


def _too_big(path: Path, size: int, max_bytes: int) -> Report:
    return _unparsed(path, f"the file is {size / 1e6:.0f} MB, over the "
                           f"{max_bytes / 1e6:.0f} MB limit: raise --max-size-mb to read it")


def parse_file(path: Path, overrides: dict[str, Any] | None, max_bytes: int) -> Report:
    """One file → one Report; never raises for bad input."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _too_big(path, size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        return _unparsed(path, f"cannot read the file ({exc.strerror}): check its permissions")
    return parse_bytes(data, str(path), overrides)


def iter_reports(files: list[Path], max_size_mb: float = DEFAULT_MAX_SIZE_MB,
                 progress: bool = True) -> Iterator[Report]:
    """Parse ``files`` in order, in this process, marking later copies of the same content
    as duplicates (what :func:`ingest_paths` does, one :class:`Report` at a time)."""
    overrides = read_manifests(files)
    max_bytes = int(max_size_mb * 1e6)
    first_of: dict[str, str] = {}
    copies: dict[str, int] = {}
    bar = tqdm(files, desc="reports", unit="file", disable=None if progress else True)
    for path in bar:
        report = parse_file(path, overrides.get(path.resolve()), max_bytes)
        if report.sha256 and report.sha256 in first_of:
            copies[report.sha256] = copies.get(report.sha256, 1) + 1
            yield _duplicate(report.report_id, str(path), report.sha256,
                             copies[report.sha256], first_of[report.sha256])
            continue
        if report.sha256:
            first_of[report.sha256] = str(path)
        yield report


def _duplicate(report_id: str, path: str, sha256: str, copy: int, first: str) -> Report:
    return Report(f"{report_id}-{copy}", path, sha256, status="duplicate",
                  error=f"same content as {first}: counted once")


# --- the work a worker does ------------------------------------------------------------------


def _check_tuple(c: Any) -> tuple:
    return (c.report_id, c.check, c.subject, c.expected, c.actual, c.passed, c.status, c.kind)


#: The cells the cross-year checks read: carried_forward and carried_over per request
#: column, then part 二's issued / repealed / in_force of regulations and normative documents.
_CARRY_CELLS = tuple([(_TABLE, row, c) for row in (_FORWARD, _OVER)
                      for c in schema.REQUEST_COLUMNS]
                     + [("proactive", row, c) for row in schema.IN_FORCE_ROWS
                        for c in schema.IN_FORCE_COLUMNS])
_CARRY_INDEX = {cell: i for i, cell in enumerate(_CARRY_CELLS)}


def _carry(report: Report) -> tuple[float, ...] | None:
    """What the cross-year checks need of a report (:data:`_CARRY_CELLS`, NaN where
    absent); None for a report without values."""
    if not report.values:
        return None
    found = {(v.table, v.row, v.column): v.value for v in report.values
             if v.table in (_TABLE, "proactive")}
    return tuple(found.get(cell, math.nan) for cell in _CARRY_CELLS)


class _Carried(Mapping):
    """A report's carried-forward/over figures, keyed (table, row, column), as the
    cross-year check reads them; a tuple underneath (a corpus has many)."""

    __slots__ = ("figures",)

    def __init__(self, figures: tuple[float, ...]) -> None:
        self.figures = figures

    def __getitem__(self, key: tuple[str, str, str]) -> float:
        return self.figures[_CARRY_INDEX[key]]

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        return iter(_CARRY_INDEX)

    def __len__(self) -> int:
        return len(_CARRY_INDEX)


_M = {name: i for i, name in enumerate(META_FIELDS)}  # positions in a Meta tuple
assert REPORT_COLUMNS == [META_FIELDS[0], "source_path", *META_FIELDS[1:]]


def _meta(report: Report) -> Meta:
    row = report.meta()
    return tuple(row[f] for f in META_FIELDS)


Parsed = tuple[Meta, tuple[float, ...] | None, int, int]


def parse_chunk(tasks: list[tuple[str, dict[str, Any] | None]], max_bytes: int
                ) -> tuple[list[Parsed], pa.RecordBatch, pa.RecordBatch]:
    """Parse a chunk of files; per file ``(meta, carry, n_values, n_checks)``, and all their
    ``values`` and ``checks`` rows as two Arrow batches (compact to send between processes)."""
    parsed: list[Parsed] = []
    values: list[list[Any]] = [[] for _ in VALUE_COLUMNS]
    checks: list[list[Any]] = [[] for _ in CHECK_COLUMNS]
    for path, overrides in tasks:
        report = parse_file(Path(path), overrides, max_bytes)
        vs, cs = report.values, report.checks
        values[0].extend([report.report_id] * len(vs))
        values[1].extend([v.table for v in vs])
        values[2].extend([v.row for v in vs])
        values[3].extend([v.column for v in vs])
        values[4].extend([v.value for v in vs])
        values[5].extend([v.raw for v in vs])
        for col, attr in zip(checks, CHECK_COLUMNS):
            col.extend([getattr(c, attr) for c in cs])
        parsed.append((_meta(report), _carry(report), len(vs), len(cs)))
    return (parsed, columns_batch(values, VALUES_SCHEMA), columns_batch(checks, CHECKS_SCHEMA))


# --- the parent: plan, parse what is new, assemble in file order ----------------------------


@dataclass(slots=True)
class _Item:
    """One input file and how its report will be had."""

    path: Path
    name: str
    overrides: dict[str, Any] | None
    stat: os.stat_result | None = None
    key: str | None = None  # cache key, once the content hash is known
    entry: Entry | None = None  # a cached parse
    fixed: Report | None = None  # decided without reading (over the size limit)


def _hash_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _plan(files: list[Path], overrides: dict[Path, dict[str, Any]], max_bytes: int,
          store: ParseCache | None) -> list[_Item]:
    """Stat every file; find the cached parse of those whose content is known."""
    items: list[_Item] = []
    rehash = store is not None and len(store) > 0
    folders: dict[Path, Path] = {}
    for path in files:
        item = _Item(path, str(path),
                     overrides.get(resolve(path, folders)) if overrides else None)
        items.append(item)
        try:
            st = item.stat = path.stat()
        except OSError:
            continue  # the worker reports why it cannot be read
        if st.st_size > max_bytes:
            item.fixed = _too_big(path, st.st_size, max_bytes)
            continue
        if store is None:
            continue
        sha = store.known_sha(item.name, st)
        if sha is None and rehash:
            sha = _hash_file(path)
            if sha is not None:
                store.remember_stat(item.name, st, sha)
        if sha is not None:
            item.key = entry_key(sha, item.overrides)
            item.entry = store.get(item.key)
    return items


def _fingerprint(items: list[_Item], max_bytes: int) -> str | None:
    """What a run read and how: equal fingerprints, equal outputs. None when some file
    could not be read (such a run is never skipped)."""
    h = hashlib.sha256(f"{max_bytes}\n".encode())
    for item in items:
        if item.fixed is not None and item.stat is not None:
            tag = f"big:{item.stat.st_size}"
        elif item.key is not None:
            tag = item.key
        else:
            return None
        h.update(f"{item.name}\0{tag}\n".encode())
    return h.hexdigest()


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _pool_context() -> Any:
    # fork starts workers at once (the parent has imported everything); elsewhere spawn
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextmanager
def _parsed_stream(items: list[_Item], max_bytes: int, jobs: int | None
                   ) -> Iterator[Iterator[tuple[Meta, tuple[float, ...] | None, list[Piece],
                                                list[Piece]]]]:
    """Parse ``items`` (in a pool unless few or ``jobs == 1``); yields an iterator over
    ``(meta, carry, values, checks)`` per item, in order."""
    tasks = [(item.name, item.overrides) for item in items]
    n_jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs is None and len(tasks) < SERIAL_BELOW:
        n_jobs = 1
    size = max(1, min(_MAX_CHUNK, math.ceil(len(tasks) / (n_jobs * 4))))
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    work = partial(parse_chunk, max_bytes=max_bytes)
    if n_jobs <= 1 or len(chunks) <= 1:
        yield _unpack(map(work, chunks))
        return
    with _pool_context().Pool(min(n_jobs, len(chunks))) as pool:
        yield _unpack(pool.imap(work, chunks))


def _unpack(results: Iterable[tuple[list[Parsed], pa.RecordBatch, pa.RecordBatch]]
            ) -> Iterator[tuple[Meta, tuple[float, ...] | None, list[Piece], list[Piece]]]:
    for parsed, values, checks in results:
        vt, ct = pa.Table.from_batches([values]), pa.Table.from_batches([checks])
        v_off = c_off = 0
        for meta, carry, n_values, n_checks in parsed:
            yield meta, carry, [(vt, v_off, n_values)], [(ct, c_off, n_checks)]
            v_off += n_values
            c_off += n_checks


def _count(pieces: list[Piece]) -> int:
    return sum(n for _, _, n in pieces)


class _MemorySink:
    """Collects the streamed rows into frames (an ingest without an output folder)."""

    def __init__(self) -> None:
        self.values: list[pa.Table] = []
        self.checks: list[pa.Table] = []

    def write_values(self, data: pa.Table) -> None:
        self.values.append(data)

    def write_checks(self, data: pa.Table) -> None:
        self.checks.append(data)

    def commit(self, reports: pd.DataFrame) -> Corpus:
        values = pa.concat_tables(self.values) if self.values else VALUES_SCHEMA.empty_table()
        checks = pa.concat_tables(self.checks) if self.checks else CHECKS_SCHEMA.empty_table()
        return Corpus(to_frame(values), reports, to_frame(checks))

    def abort(self) -> None:
        self.values, self.checks = [], []


class _Assembler:
    """Takes each file's report in file order: marks copies as duplicates, streams rows
    to the sink in batches, keeps what the reports frame and cross-year check need."""

    def __init__(self, sink: CorpusWriter | _MemorySink) -> None:
        self.sink = sink
        self.rows: list[tuple[Any, ...]] = []  # of reports, in REPORT_COLUMNS order
        self.carry: list[YearEntry] = []
        self.first_of: dict[str, str] = {}
        self.copies: dict[str, int] = {}
        self.pending: dict[str, list[list[Any]]] = {"values": [], "checks": []}
        self.pending_rows = 0
        self.written = {"values": 0, "checks": 0}  # rows handed on so far

    def add(self, path: str, meta: Meta, carry: tuple[float, ...] | None,
            values: list[Piece], checks: list[Piece]) -> tuple[int, int] | None:
        """Take one file's report; returns where its rows start in the outputs (values,
        checks), or None for a duplicate."""
        sha = meta[_M["sha256"]]
        if sha and sha in self.first_of:
            copy = self.copies[sha] = self.copies.get(sha, 1) + 1
            dup = _duplicate(meta[_M["report_id"]], path, sha, copy, self.first_of[sha])
            self.rows.append(_report_row(_meta(dup), path))
            return None
        offsets = self.written["values"], self.written["checks"]
        if sha:
            self.first_of[sha] = path
        self.rows.append(_report_row(meta, path))
        if carry is not None:
            self.carry.append(YearEntry(meta[_M["report_id"]], meta[_M["agency"]],
                                        meta[_M["year"]], _Carried(carry),
                                        meta[_M["template"]] or ""))
        for name, pieces in (("values", values), ("checks", checks)):
            pending = self.pending[name]
            for table, offset, count in pieces:
                if not count:
                    continue
                last = pending[-1] if pending else None
                if last is not None and last[0] is table and last[1] + last[2] == offset:
                    last[2] += count  # the next rows of the same table: one slice
                else:
                    pending.append([table, offset, count])
                self.pending_rows += count
                self.written[name] += count
        if self.pending_rows >= _BATCH_ROWS:
            self.flush()
        return offsets

    def flush(self) -> None:
        for name, write in (("values", self.sink.write_values),
                            ("checks", self.sink.write_checks)):
            pieces = [table.slice(offset, count) for table, offset, count in self.pending[name]]
            if len(pieces) == 1:
                write(pieces[0])
            elif pieces:
                write(pa.concat_tables(pieces).combine_chunks())
            self.pending[name] = []
        self.pending_rows = 0

    def finish(self, before_commit: Any = None) -> Any:
        self.flush()
        cross = check_across_years(self.carry)
        if cross:
            self.sink.write_checks(pa.Table.from_batches(
                [rows_batch([_check_tuple(c) for c in cross], CHECKS_SCHEMA)]))
        reports = _reports_frame(self.rows, cross)
        if before_commit is not None:
            before_commit()
        return self.sink.commit(reports)


def ingest_paths(paths: Iterable[str | Path], out_dir: str | Path | None = None, *,
                 max_size_mb: float = DEFAULT_MAX_SIZE_MB, progress: bool = True,
                 jobs: int | None = None, cache: bool = True) -> Corpus:
    """Parse every report under ``paths``; write Parquet/CSV to ``out_dir`` when given.

    ``jobs``: worker processes (default: one per core; small inputs are parsed in this
    process). ``cache``: with ``out_dir``, keep a content-hash cache in ``out_dir/cache``
    so a re-run parses only new or changed files. With ``out_dir`` the returned corpus
    reads its frames from the written files when first used.
    """
    files = find_files(paths)
    overrides = read_manifests(files)
    max_bytes = int(max_size_mb * 1e6)
    if out_dir is not None and not cache:
        ParseCache.remove(out_dir)
    use_cache = out_dir is not None and cache
    try:
        return _ingest(files, overrides, out_dir, max_bytes, progress, jobs,
                       ParseCache(out_dir) if use_cache else None)  # type: ignore[arg-type]
    except CacheError:  # outputs changed under the cache: start over without it
        assert out_dir is not None
        ParseCache.remove(out_dir)
        return _ingest(files, overrides, out_dir, max_bytes, progress, jobs,
                       ParseCache(out_dir))


def _ingest(files: list[Path], overrides: dict[Path, dict[str, Any]],
            out_dir: str | Path | None, max_bytes: int, progress: bool, jobs: int | None,
            store: ParseCache | None) -> Corpus:
    items = _plan(files, overrides, max_bytes, store)
    live_paths = {item.name for item in items}
    if store is not None and out_dir is not None \
            and all(it.entry is not None or it.fixed is not None for it in items) \
            and store.unchanged(_fingerprint(items, max_bytes)):
        store.save(live_paths, None)  # nothing to write; keep what was learnt of the files
        return StoredCorpus(out_dir)
    todo = [it for it in items if it.entry is None and it.fixed is None]
    # the workers start first: no thread of ours (progress bar, writers) is forked with them
    with _parsed_stream(todo, max_bytes, jobs) as fresh:
        sink: CorpusWriter | _MemorySink = (CorpusWriter(out_dir) if out_dir is not None
                                            else _MemorySink())
        bar = tqdm(total=len(items), desc="reports", unit="file",
                   disable=None if progress else True)
        try:
            assembler = _Assembler(sink)
            for item in items:
                if item.fixed is not None:
                    assembler.add(item.name, _meta(item.fixed), None, [], [])
                    bar.update()
                    continue
                if item.entry is not None:
                    assert store is not None
                    meta, carry = item.entry.meta, item.entry.carry
                    values, checks = store.rows(item.entry)
                else:
                    meta, carry, values, checks = next(fresh)
                    sha = meta[_M["sha256"]]
                    if store is not None and sha:
                        item.key = entry_key(sha, item.overrides)
                        if item.stat is not None:
                            store.remember_stat(item.name, item.stat, sha)
                at = assembler.add(item.name, meta, carry, values, checks)
                if store is not None and item.key is not None and at is not None:
                    store.record(item.key, meta, carry, at[0], _count(values), at[1],
                                 _count(checks))
                bar.update()
            result = assembler.finish(before_commit=store.close if store else None)
        except BaseException:
            sink.abort()
            if store is not None:
                store.close()
            raise
        finally:
            bar.close()
    if out_dir is None:
        return result
    if store is not None:
        store.save(live_paths, {"fingerprint": _fingerprint(items, max_bytes),
                                "outputs": output_stats(out_dir)})
    return StoredCorpus(out_dir)


def _report_row(meta: Meta, path: str) -> tuple[Any, ...]:
    return (meta[0], path, *meta[1:])  # REPORT_COLUMNS: source_path comes second


def _reports_frame(rows: list[Any], cross: list[Any]) -> pd.DataFrame:
    """The reports frame from rows (tuples in REPORT_COLUMNS order, or dicts)."""
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    failed_cross = pd.Series([c.report_id for c in cross if c.passed is False], dtype=object)
    if len(failed_cross):
        extra = failed_cross.value_counts()
        frame["n_checks_failed"] += frame["report_id"].map(extra).fillna(0).astype(int)
    frame["year"] = frame["year"].astype("Int64")
    frame["n_values"] = frame["n_values"].astype("int64")
    return frame


def summary(corpus: Corpus) -> str:
    """A short account of a run: counts per status, checks failed, each bad file."""
    reports = corpus.reports
    counts = reports["status"].value_counts()
    parts = [f"{counts.get(s, 0)} {s}" for s in ("ok", "partial", "failed", "not_a_report",
                                                  "duplicate") if counts.get(s, 0)]
    # n_checks_failed counts each report's failed identities, the cross-year ones included
    failed_checks = int(reports["n_checks_failed"].sum())
    lines = [f"{len(reports)} files: " + ", ".join(parts or ["none"])
             + f"; {failed_checks} failed identity checks"]
    for row in reports.itertuples():
        if row.status != "ok" and row.error:
            lines.append(f"  {row.status}: {row.source_path}: {row.error}")
    return "\n".join(lines)


__all__ = ["CHECK_COLUMNS", "DEFAULT_MAX_SIZE_MB", "REPORT_COLUMNS", "VALUE_COLUMNS", "Corpus",
           "UsageError", "find_files", "ingest_paths", "iter_reports", "parse_chunk",
           "parse_file", "read_manifests", "summary"]
