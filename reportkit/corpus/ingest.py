"""A folder of reports → one Corpus: every input file gets exactly one row in ``reports``.

Per file: size limit (checked before reading), content hash, duplicate detection, parse.
Then the cross-year check (``carried_forward`` of N = ``carried_over`` of N+1) over the
corpus. An optional ``manifest.csv`` (file, agency, agency_short, agency_id, level,
body_kind, region, year; any may be left out) in a folder
overrides what the text says for the files it names.

At scale: files are parsed by a pool of processes (one per core), in chunks; a worker sends
back each chunk as compact Arrow batches, which the parent streams, in file order, into
Parquet row groups and CSV (:class:`reportkit.corpus.store.CorpusWriter`), so the corpus is never
held in memory whole. With an output folder, a content-hash cache (:mod:`reportkit.cache`)
means a re-run parses only new or changed files, and writes nothing when nothing changed;
its result is the same as a clean run's.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from reportkit import schema
from reportkit.corpus import manifest
from reportkit.corpus.cache import (
    META_FIELDS,
    CacheError,
    Entry,
    Meta,
    ParseCache,
    Piece,
    entry_key,
)
from reportkit.corpus.manifest import MANIFEST, Warn, read_manifests, resolve
from reportkit.corpus.outdir import OutputError, is_output_folder, owned
from reportkit.corpus.store import (
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
from reportkit.corpus.workers import (
    Limits,
    Overtime,
    robust_map,
    start_deadline,
    stop_deadline,
    stop_watchdog,
)
from reportkit.extract.checks import YearEntry, check_across_years
from reportkit.extract.parse import CHECK_COLUMNS, VALUE_COLUMNS, Report, parse_bytes, report_id_for

DEFAULT_MAX_SIZE_MB = 50.0
REPORT_COLUMNS = ["report_id", "source_path", "sha256", "agency", "agency_short", "agency_id",
                  "level", "body_kind", "region",
                  "year", "template", "status", "error", "format", "encoding", "n_values",
                  "n_checks_failed", "ignored_rows"]
_MAX_CHUNK = 64  # files per task sent to a worker
_BATCH_ROWS = 65_536  # rows per Parquet row group written
_TABLE, _FORWARD, _OVER = schema.CROSS_YEAR


class UsageError(Exception):
    """A command-line mistake (a path that does not exist) or an output folder that cannot
    be used: exit code 2."""


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Report files under ``paths`` (files, or folders searched recursively), sorted.

    Hidden files (``.DS_Store``, ``.gitkeep``), ``manifest.csv`` and reportkit's own output
    folders (they hold its marker) are not reports. A folder that cannot be listed is
    returned as it is: it gets a row saying so.
    """
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(_walk(p))
        elif p.exists():
            found.append(p)
        else:
            raise UsageError(f"{safe_name(p)}: no such file or folder")
    return list(dict.fromkeys(found))


def _walk(root: Path) -> list[Path]:
    """Files under ``root`` (and folders that cannot be listed), sorted like
    ``sorted(root.rglob("*"))``."""
    if is_output_folder(root):
        return []
    out: list[Path] = []
    unreadable: list[Path] = []

    def failed(exc: OSError) -> None:
        unreadable.append(Path(exc.filename))

    for folder, dirs, names in os.walk(root, onerror=failed):
        base = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")
                   and not is_output_folder(base / d)]
        # every name but hidden ones and manifests: a pipe or a broken link gets a row too
        out.extend(base / n for n in names if not n.startswith(".") and n != MANIFEST)
    return sorted(out + unreadable)


def safe_name(path: str | Path) -> str:
    """A path as text that can be written anywhere: bytes that are not UTF-8 (a name
    from another system) shown as ``\\xNN``."""
    return os.fsencode(str(path)).decode("utf-8", errors="backslashreplace")


def _unparsed(path: Path, error: str) -> Report:
    report = Report(report_id_for(hashlib.sha256(os.fsencode(str(path))).hexdigest()),
                    safe_name(path), "")
    report.error = error
    return report


def _not_regular(path: Path) -> Report:
    return _unparsed(path, "not a regular file (a pipe, a device or a socket): nothing was "
                           "read from it")


def _too_big(path: Path, size: int, max_bytes: int) -> Report:
    return _unparsed(path, f"the file is {size / 1e6:.0f} MB, over the "
                           f"{max_bytes / 1e6:.0f} MB limit: raise --max-size-mb to read it")


def parse_file(path: Path, overrides: dict[str, Any] | None, max_bytes: int,
               limits: Limits | None = None) -> Report:
    """One file → one Report; never raises for bad input. In a worker process, ``limits``
    bound the memory and time it may take."""
    try:
        if path.is_dir():
            os.listdir(path)
            return _unparsed(path, "a folder that cannot be read: check its permissions")
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return _not_regular(path)
        if st.st_size > max_bytes:
            return _too_big(path, st.st_size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        what = "folder" if path.is_dir() else "file"
        return _unparsed(path, f"cannot read the {what} ({exc.strerror}): check its "
                               "permissions")
    if limits is None:
        return parse_bytes(data, safe_name(path), overrides)
    try:
        start_deadline(limits)
        try:
            return parse_bytes(data, safe_name(path), overrides)
        finally:
            stop_deadline()
    except MemoryError:
        return _unparsed(path, f"reading it needs more than the {limits.memory_mb:.0f} MB "
                               "of memory a file may take (a hugely compressed part?): "
                               "raise --max-memory-mb to try again")
    except (Overtime, RecursionError):
        return _unparsed(path, f"reading it took more than the {limits.seconds:.0f} s a "
                               "file may take: raise --timeout to try again")


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


def parse_chunk(tasks: list[tuple[str, dict[str, Any] | None]], max_bytes: int,
                limits: Limits | None = None
                ) -> tuple[list[Parsed], pa.RecordBatch, pa.RecordBatch]:
    """Parse a chunk of files; per file ``(meta, carry, n_values, n_checks)``, and all their
    ``values`` and ``checks`` rows as two Arrow batches (compact to send between processes)."""
    parsed: list[Parsed] = []
    values: list[list[Any]] = [[] for _ in VALUE_COLUMNS]
    checks: list[list[Any]] = [[] for _ in CHECK_COLUMNS]
    for path, overrides in tasks:
        report = parse_file(Path(path), overrides, max_bytes, limits)
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
        for col, attr in zip(checks, CHECK_COLUMNS):
            col.extend([getattr(c, attr) for c in cs])
        parsed.append((_meta(report), _carry(report), len(vs), len(cs)))
    stop_watchdog()  # a worker waiting for its next chunk is not stuck
    return (parsed, columns_batch(values, VALUES_SCHEMA), columns_batch(checks, CHECKS_SCHEMA))


# --- the parent: plan, parse what is new, assemble in file order ----------------------------


@dataclass(slots=True)
class _Item:
    """One input file and how its report will be had."""

    path: Path
    name: str  # the path as the system gives it, to open
    shown: str  # the path as written in the outputs (see safe_name)
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
        item = _Item(path, str(path), safe_name(path),
                     overrides.get(resolve(path, folders)) if overrides else None)
        items.append(item)
        try:
            st = item.stat = path.stat()
        except OSError:
            continue  # the worker reports why it cannot be read
        if not stat.S_ISREG(st.st_mode):
            if not stat.S_ISDIR(st.st_mode):  # a folder that cannot be listed: the worker
                item.fixed = _not_regular(path)
            continue
        if st.st_size > max_bytes:
            item.fixed = _too_big(path, st.st_size, max_bytes)
            continue
        if store is None:
            continue
        sha = store.known_sha(item.shown, st)
        if sha is None and rehash:
            sha = _hash_file(path)
            if sha is not None:
                store.remember_stat(item.shown, st, sha)
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
        h.update(f"{item.shown}\0{tag}\n".encode())
    return h.hexdigest()


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _lost(task: tuple[str, dict[str, Any] | None], why: str
          ) -> tuple[list[Parsed], pa.RecordBatch, pa.RecordBatch]:
    """The result of a one-file chunk whose worker died: the file ``failed``, saying so."""
    report = _unparsed(Path(task[0]), why)
    return ([(_meta(report), None, 0, 0)], columns_batch([[] for _ in VALUES_SCHEMA],
            VALUES_SCHEMA), columns_batch([[] for _ in CHECKS_SCHEMA], CHECKS_SCHEMA))


@contextmanager
def _parsed_stream(items: list[_Item], max_bytes: int, jobs: int | None, limits: Limits
                   ) -> Iterator[Iterator[tuple[Meta, tuple[float, ...] | None, list[Piece],
                                                list[Piece]]]]:
    """Parse ``items`` in worker processes (each file within ``limits``; a worker that dies
    costs only its file); yields an iterator over ``(meta, carry, values, checks)`` per
    item, in order."""
    tasks = [(item.name, item.overrides) for item in items]
    n_jobs = default_jobs() if jobs is None else max(1, jobs)
    size = max(1, min(_MAX_CHUNK, math.ceil(len(tasks) / (n_jobs * 4))))
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    if not chunks:
        yield iter(())
        return
    work = partial(parse_chunk, max_bytes=max_bytes, limits=limits)
    results = robust_map(work, chunks, n_jobs, limits, _lost)
    try:
        yield _unpack(results)
    finally:
        results.close()  # type: ignore[attr-defined]


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
            self.carry.append(YearEntry(meta[_M["report_id"]],
                                        meta[_M["agency_id"]] or meta[_M["agency"]],
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
                 jobs: int | None = None, cache: bool = True, force: bool = False,
                 limits: Limits | None = None, warn: Warn | None = None) -> Corpus:
    """Parse every report under ``paths``; write Parquet/CSV to ``out_dir`` when given.

    ``jobs``: worker processes (default: one per core). ``cache``: with ``out_dir``, keep
    a content-hash cache in ``out_dir/cache`` so a re-run parses only new or changed
    files. ``out_dir`` must be new, empty or reportkit's (:mod:`reportkit.outdir`;
    ``force`` takes over another folder, keeping its files). ``limits``: memory and time
    per file (:class:`reportkit.corpus.workers.Limits`). ``warn``: called with each warning
    (manifest rows not applied, files moved aside); default :func:`warnings.warn`. With
    ``out_dir`` the returned corpus reads its frames from the written files when first
    used. Raises :class:`UsageError` for a path that does not exist or an output folder
    that cannot be used.
    """
    limits = limits or Limits()
    say = warn if warn is not None else manifest._warn
    if out_dir is None:
        return _ingest_into(paths, None, max_size_mb, progress, jobs, cache, limits, say)
    try:
        with owned(out_dir, force) as notes:
            for note in notes:
                say(f"{safe_name(out_dir)}: kept the file that was there: {note}")
            return _ingest_into(paths, out_dir, max_size_mb, progress, jobs, cache, limits,
                                say)
    except OutputError as exc:
        raise UsageError(str(exc)) from exc


def _ingest_into(paths: Iterable[str | Path], out_dir: str | Path | None, max_size_mb: float,
                 progress: bool, jobs: int | None, cache: bool, limits: Limits,
                 warn: Callable[[str], None]) -> Corpus:
    paths = [Path(p) for p in paths]
    files = find_files(paths)
    roots = [p if p.is_dir() else p.parent for p in paths]
    overrides = read_manifests(files, roots, warn)
    max_bytes = int(max_size_mb * 1e6)
    if out_dir is not None and not cache:
        ParseCache.remove(out_dir)
    use_cache = out_dir is not None and cache
    try:
        return _ingest(files, overrides, out_dir, max_bytes, progress, jobs, limits,
                       ParseCache(out_dir) if use_cache else None)  # type: ignore[arg-type]
    except CacheError:  # outputs changed under the cache: start over without it
        assert out_dir is not None
        ParseCache.remove(out_dir)
        return _ingest(files, overrides, out_dir, max_bytes, progress, jobs, limits,
                       ParseCache(out_dir))


def _ingest(files: list[Path], overrides: dict[Path, dict[str, Any]],
            out_dir: str | Path | None, max_bytes: int, progress: bool, jobs: int | None,
            limits: Limits, store: ParseCache | None) -> Corpus:
    items = _plan(files, overrides, max_bytes, store)
    live_paths = {item.shown for item in items}
    if store is not None and out_dir is not None \
            and all(it.entry is not None or it.fixed is not None for it in items) \
            and store.unchanged(_fingerprint(items, max_bytes)):
        store.save(live_paths, None)  # nothing to write; keep what was learnt of the files
        return StoredCorpus(out_dir)
    todo = [it for it in items if it.entry is None and it.fixed is None]
    # the workers start first: no thread of ours (progress bar, writers) is forked with them
    with _parsed_stream(todo, max_bytes, jobs, limits) as fresh:
        sink: CorpusWriter | _MemorySink = (CorpusWriter(out_dir) if out_dir is not None
                                            else _MemorySink())
        bar = tqdm(total=len(items), desc="reports", unit="file",
                   disable=None if progress else True)
        try:
            assembler = _Assembler(sink)
            for item in items:
                if item.fixed is not None:
                    assembler.add(item.shown, _meta(item.fixed), None, [], [])
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
                            store.remember_stat(item.shown, item.stat, sha)
                at = assembler.add(item.shown, meta, carry, values, checks)
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
