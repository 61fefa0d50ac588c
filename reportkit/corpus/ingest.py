"""A folder of reports → one Corpus: every input file gets exactly one row in ``reports``.

Per file: size limit (checked before reading), content hash, duplicate detection, parse.
Then the cross-year check (``carried_forward`` of N = ``carried_over`` of N+1) over the
corpus. An optional ``manifest.csv`` (file, agency, agency_short, agency_id, level,
body_kind, region, year; any may be left out) in a folder
overrides what the text says for the files it names.

At scale: files are parsed by a pool of processes (one per core), in chunks; a worker sends
back each chunk as compact Arrow batches, which the parent streams, in file order, into
Parquet row groups and CSV (:class:`reportkit.corpus.store.CorpusWriter`), so the corpus is never
held in memory whole; what must be remembered of every report until the end (its row of
``reports``, the first path of each content, the figures the cross-year checks compare) is
kept on disk (:mod:`reportkit.corpus.staging`), and the cross-year checks are one pass over
it after the last file. With an output folder, a content-hash cache (:mod:`reportkit.corpus.cache`)
means a re-run parses only new or changed files, and writes nothing when nothing changed;
its result is the same as a clean run's.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from reportkit.corpus import manifest
from reportkit.corpus.cache import CacheError, Meta, ParseCache, Piece, Stat
from reportkit.corpus.filelist import BATCH, CACHED, FIXED, RunFiles, text
from reportkit.corpus.files import (
    DEFAULT_MAX_SIZE_MB,
    UsageError,
    _duplicate,
    _not_regular,
    _too_big,
    environment_error,
    find_files,
    safe_name,
)
from reportkit.corpus.manifest import Warn
from reportkit.corpus.outdir import OutputError, owned
from reportkit.corpus.plan import Fingerprint, Planned, fixed_tag, plan_files
from reportkit.corpus.pool import META_INDEX as _M
from reportkit.corpus.pool import Carried, check_tuple, meta_of, parsed_stream
from reportkit.corpus.staging import Staging
from reportkit.corpus.store import (
    Corpus,
    CorpusWriter,
    StoredCorpus,
    load,
    rows_batch,
    to_frame,
    write_long_csvs,
)
from reportkit.corpus.wide import REPORT_FIELDS
from reportkit.corpus.workers import Limits
from reportkit.schema.frames import (
    CHECKS_SCHEMA,
    REPORT_COLUMNS,
    ROW_STREAMS,
    STATUSES,
    VALUES_SCHEMA,
)

_BATCH_ROWS = 65_536  # rows per Parquet row group written


# --- the parent: plan, parse what is new, assemble in file order ----------------------------


def _count(pieces: list[Piece]) -> int:
    return sum(n for _, _, n in pieces)


class _MemorySink:
    """Collects the streamed rows into frames (an ingest without an output folder)."""

    #: the rows of ``reports`` it takes in one frame
    frame_rows: int | None = None

    def __init__(self) -> None:
        self.values: list[pa.Table] = []
        self.checks: list[pa.Table] = []

    def write_prose(self, data: pa.Table) -> None:
        """The prose is not kept in memory (the text analyses read the files instead)."""

    def write_values(self, data: pa.Table) -> None:
        self.values.append(data)

    def write_checks(self, data: pa.Table) -> None:
        self.checks.append(data)

    def commit(self, reports: Iterable[pd.DataFrame]) -> Corpus:
        values = pa.concat_tables(self.values) if self.values else VALUES_SCHEMA.empty_table()
        checks = pa.concat_tables(self.checks) if self.checks else CHECKS_SCHEMA.empty_table()
        frames = list(reports)
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        return Corpus(to_frame(values), frame, to_frame(checks))

    def end_values(self, reports: pa.Table) -> None:
        """No more values (no values.csv is written here)."""

    def abort(self) -> None:
        self.values, self.checks = [], []


class _Assembler:
    """Takes each file's report in file order: marks copies as duplicates, streams rows
    to the sink in batches; what the reports frame and the cross-year checks need goes
    to ``staging`` (on disk), so nothing here grows with the corpus."""

    def __init__(self, sink: CorpusWriter | _MemorySink, staging: Staging) -> None:
        self.sink = sink
        self.staging = staging
        self.pending: dict[str, list[list[Any]]] = {name: [] for name in ROW_STREAMS}
        self.pending_rows = 0
        self.written = dict.fromkeys(ROW_STREAMS, 0)  # rows handed on so far

    def add(self, path: str, meta: Meta, carry: tuple[float, ...] | None,
            rows: Sequence[list[Piece]]) -> tuple[int, ...] | None:
        """Take one file's report and its rows of each of the
        :data:`reportkit.schema.frames.ROW_STREAMS`; returns where they start in the
        outputs, or None for a duplicate."""
        sha = meta[_M["sha256"]]
        copy = self.staging.copy_of(sha, path) if sha else None
        if copy is not None:
            first, number = copy
            dup = _duplicate(meta[_M["report_id"]], path, sha, number, first)
            self.staging.add_report(_report_row(meta_of(dup), path))
            return None
        offsets = tuple(self.written[name] for name in ROW_STREAMS)
        self.staging.add_report(_report_row(meta, path))
        if carry is not None:
            self.staging.add_carry(meta[_M["report_id"]],
                                   meta[_M["agency_id"]] or meta[_M["agency"]],
                                   meta[_M["year"]], carry, meta[_M["template"]] or "",
                                   meta[_M["agency"]] or "")
        for name, pieces in zip(ROW_STREAMS, rows):
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
        for name in ROW_STREAMS:
            write = getattr(self.sink, f"write_{name}")
            pieces = [table.slice(offset, count) for table, offset, count in self.pending[name]]
            if len(pieces) == 1:
                write(pieces[0])
            elif pieces:
                write(pa.concat_tables(pieces).combine_chunks())
            self.pending[name] = []
        self.pending_rows = 0

    def finish(self, before_commit: Any = None) -> Any:
        self.flush()
        self.sink.end_values(self.staging.report_fields(REPORT_FIELDS))  # values.csv begins
        rows: list[tuple] = []
        for check in self.staging.across_years(Carried):  # after every file's own checks
            rows.append(check_tuple(check))
            if len(rows) >= _BATCH_ROWS:
                self.sink.write_checks(pa.Table.from_batches([rows_batch(rows, CHECKS_SCHEMA)]))
                rows = []
        if rows:
            self.sink.write_checks(pa.Table.from_batches([rows_batch(rows, CHECKS_SCHEMA)]))
        reports = self.staging.reports(self.sink.frame_rows)
        if before_commit is not None:
            before_commit()
        return self.sink.commit(reports)


def ingest_paths(paths: Iterable[str | Path], out_dir: str | Path | None = None, *,
                 max_size_mb: float = DEFAULT_MAX_SIZE_MB, progress: bool = True,
                 jobs: int | None = None, cache: bool = True, force: bool = False,
                 limits: Limits | None = None, warn: Warn | None = None,
                 ignore: Sequence[str] = (), long_csv: bool = False) -> Corpus:
    """Parse every report under ``paths``; write Parquet/CSV to ``out_dir`` when given.

    ``jobs``: worker processes (default: one per core). ``cache``: with ``out_dir``, keep
    a content-hash cache in ``out_dir/cache`` so a re-run parses only new or changed
    files. ``out_dir`` must be new, empty or reportkit's (:mod:`reportkit.corpus.outdir`;
    ``force`` takes over another folder, keeping its files). ``limits``: memory and time
    per file (:class:`reportkit.corpus.workers.Limits`). ``warn``: called with each warning
    (manifest rows not applied, files moved aside); default :func:`warnings.warn`. With
    ``out_dir`` the returned corpus reads its frames from the written files when first
    used. ``ignore``: glob patterns of files under ``paths`` to leave out (``*.xlsx``).
    ``long_csv``: with ``out_dir``, also ``values_long.csv`` (one row per report and cell;
    ``values.csv`` is wide, one row per report) and ``checks_long.csv`` (every check;
    ``checks.csv`` holds those that did not pass). Raises :class:`UsageError` for a path
    that does not exist or an output folder that cannot be used.
    """
    limits = limits or Limits()
    say = warn if warn is not None else manifest._warn
    if out_dir is None:
        return _ingest_into(paths, None, max_size_mb, progress, jobs, cache, limits, say,
                            ignore)
    try:
        with owned(out_dir, force) as notes:
            for note in notes:
                say(f"{safe_name(out_dir)}: kept the file that was there: {note}")
            corpus = _ingest_into(paths, out_dir, max_size_mb, progress, jobs, cache, limits,
                                  say, ignore)
            if long_csv:
                write_long_csvs(out_dir)
            return corpus
    except OutputError as exc:
        raise UsageError(str(exc)) from exc


def _ingest_into(paths: Iterable[str | Path], out_dir: str | Path | None, max_size_mb: float,
                 progress: bool, jobs: int | None, cache: bool, limits: Limits,
                 warn: Callable[[str], None], ignore: Sequence[str] = ()) -> Corpus:
    max_bytes = int(max_size_mb * 1e6)
    with RunFiles(out_dir) as run:  # the files, on disk: none of them held in memory
        run.find([Path(p) for p in paths], ignore, warn)
        if out_dir is not None and not cache:
            ParseCache.remove(out_dir)
        use_cache = out_dir is not None and cache
        try:
            return _ingest(run, out_dir, max_bytes, progress, jobs, limits,
                           ParseCache(out_dir) if use_cache else None)  # type: ignore[arg-type]
        except CacheError:  # outputs changed under the cache: start over without it
            assert out_dir is not None
            ParseCache.remove(out_dir)
            return _ingest(run, out_dir, max_bytes, progress, jobs, limits,
                           ParseCache(out_dir))


def _ingest(run: RunFiles, out_dir: str | Path | None, max_bytes: int, progress: bool,
            jobs: int | None, limits: Limits, store: ParseCache | None) -> Corpus:
    try:
        planned = plan_files(run, store, max_bytes)
        if store is not None and out_dir is not None and not planned.to_parse \
                and store.unchanged(planned.fingerprint):
            store.keep(_learnt(run))  # keep what was learnt of the files
            return StoredCorpus(out_dir)
        corpus, fingerprint = _assemble(run, planned, out_dir, max_bytes, progress, jobs,
                                        limits, store)
    except BaseException:
        if store is not None:
            store.discard()
        raise
    if out_dir is None:
        return corpus
    if store is not None:
        store.finish(fingerprint)
    return StoredCorpus(out_dir)


def _learnt(run: RunFiles) -> Iterator[tuple[str, Stat, str]]:
    """The stats the planning pass learnt (files hashed again): (path, stat, sha256)."""
    for row in run.planned("restat IS NOT NULL"):
        yield row[1] or text(row[0]), row[3:7], row[8]


def _assemble(run: RunFiles, planned: Planned, out_dir: str | Path | None, max_bytes: int,
              progress: bool, jobs: int | None, limits: Limits, store: ParseCache | None
              ) -> tuple[Any, str | None]:
    """The second pass: every file of the plan in order, parsed by the workers or taken
    from the cache, into the outputs. Returns what the sink's commit gives (the corpus,
    without ``out_dir``) and the run's fingerprint."""
    # the workers start first: no thread of ours (progress bar, writers) is forked with them
    with parsed_stream(run.tasks(), max_bytes, jobs, limits, planned.to_parse) as fresh:
        sink: CorpusWriter | _MemorySink = (CorpusWriter(out_dir) if out_dir is not None
                                            else _MemorySink())
        try:
            staging = Staging(out_dir)
        except BaseException:
            sink.abort()
            raise
        bar = tqdm(total=planned.files, desc="reports", unit="file",
                   disable=None if progress else True)
        try:
            files = _Files(_Assembler(sink, staging), store, max_bytes)
            for row in run.planned():
                files.add(row, fresh)
                bar.update()
            files.flush()
            result = files.assembler.finish(before_commit=store.close if store else None)
        except BaseException:
            sink.abort()
            raise
        finally:
            staging.close()
            bar.close()
    return result, files.fingerprint.digest()


class _Files:
    """The second pass, file by file: each planned row's report to the assembler, its
    cache entry and stat to the new cache index, its key to the fingerprint."""

    def __init__(self, assembler: _Assembler, store: ParseCache | None,
                 max_bytes: int) -> None:
        self.assembler, self.store, self.max_bytes = assembler, store, max_bytes
        self.fingerprint = Fingerprint(max_bytes)
        self.stats: list[tuple[str, int, int, int, int, str]] = []

    def add(self, row: tuple[Any, ...], fresh: Iterator[Any]) -> None:
        """One row of the plan (:data:`reportkit.corpus.filelist.PLAN_COLUMNS`); ``fresh``
        gives the next file the workers parsed."""
        name, shown, mode, size, mtime, ctime, ino, kind, sha, okey = row[:10]
        shown = shown or text(name)
        if kind == FIXED:
            path = Path(text(name))
            report = (_not_regular(path) if not stat.S_ISREG(mode)
                      else _too_big(path, size, self.max_bytes))
            self.assembler.add(shown, meta_of(report), None, ([], [], []))
            self.fingerprint.add(shown, fixed_tag(size))
            return
        store = self.store
        if kind == CACHED:
            assert store is not None
            entry = store.get(sha + okey)
            if entry is None:
                raise CacheError(f"{shown}: its cache entry is gone")
            meta, carry = entry.meta, entry.carry
            rows = store.rows(entry)
        else:
            meta, carry, rows = next(fresh)
            sha = meta[_M["sha256"]] or None
        key = sha + okey if sha is not None else None
        self.fingerprint.add(shown, key)
        at = self.assembler.add(shown, meta, carry, rows)
        if store is None or key is None:
            return
        if mode is not None:
            self.stats.append((shown, size, mtime, ctime, ino, sha))
            if len(self.stats) >= BATCH:
                self.flush()
        if at is not None:
            store.record(key, meta, carry, [(start, _count(pieces))
                                            for start, pieces in zip(at, rows)])

    def flush(self) -> None:
        """Hand the stats gathered on to the new cache index."""
        if self.store is not None and self.stats:
            self.store.remember(self.stats)
        self.stats = []


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
    """A short account of a run: counts per status, checks failed, each bad file (read
    from those columns alone: a stored national corpus is not loaded whole)."""
    reports = corpus.report_columns(["status", "n_checks_failed"])
    counts = reports["status"].value_counts()
    parts = [f"{counts.get(s, 0)} {s}" for s in STATUSES if counts.get(s, 0)]
    # n_checks_failed counts each report's failed identities, the cross-year ones included
    failed_checks = int(reports["n_checks_failed"].sum())
    lines = [f"{len(reports)} files: " + ", ".join(parts or ["none"])
             + f"; {failed_checks} failed identity checks"]
    for row in corpus.report_columns(["status", "source_path", "error"], not_ok=True
                                     ).itertuples():
        if row.error:
            lines.append(f"  {row.status}: {row.source_path}: {row.error}")
    return "\n".join(lines)


def n_failed(corpus: Corpus) -> int:
    """How many files of ``corpus`` could not be read (status ``failed``)."""
    return int((corpus.report_columns(["status"])["status"] == "failed").sum())


def load_corpus(processed_dir: str | Path, raw_dir: str | Path | None = None) -> Corpus:
    """The corpus in ``processed_dir``; if that folder holds none yet and ``raw_dir`` is
    given, ingest ``raw_dir`` into it first (so a notebook runs top to bottom on a fresh
    clone). A ``processed_dir`` that does not exist is an error (a mistyped path must not
    fill a new folder with the sample data)."""
    processed = Path(processed_dir)
    if not processed.is_dir():
        raise FileNotFoundError(f"{processed}: no such folder (processed_dir): give the "
                                "folder `reportkit ingest --out` wrote, e.g. data/processed")
    if not (processed / "values.parquet").exists() and raw_dir is not None:
        print(f"{processed}: no processed data yet; ingesting {raw_dir}", file=sys.stderr)
        return ingest_paths([raw_dir], processed, progress=False)
    return load(processed)


__all__ = ["DEFAULT_MAX_SIZE_MB", "Corpus", "UsageError", "environment_error", "find_files",
           "ingest_paths", "load_corpus", "n_failed", "safe_name", "summary"]
