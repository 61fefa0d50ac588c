"""A content-hash cache of parsed reports: a re-run parses only new or changed files.

The parsed rows themselves are not copied anywhere: they are the row groups of the
outputs a run writes (``values.parquet``, ``checks.parquet``). The cache is their index,
``OUT/cache/index.sqlite``, an SQLite file read by key, never whole (delete the folder at
any time; the next run parses everything):

* ``meta``: ``version``, the parser version (a change invalidates every entry), and
  ``last_run``: what the last run read (a fingerprint of every path and key) and the size
  and mtime of the six files it wrote. Rows are only taken from outputs that are still as
  written; a run that reads the same files the same way writes nothing;
* ``entries``: per parsed content, keyed by the file's SHA-256 (plus any ``manifest.csv``
  overrides, which change the result), the report's row of ``reports`` (without its path),
  the carried-over/forward figures the cross-year check needs, and where its rows are in
  the outputs (offset and count in ``values.parquet``, ``checks.parquet`` and
  ``prose.parquet``), as JSON;
* ``stats``: ``path → size, mtime_ns, ctime_ns, inode, sha256``, so unchanged files are
  not re-hashed. The ctime and inode catch a file rewritten with its size and mtime kept
  (``cp -p``, ``rsync -t``, unzip): no one can set a ctime, and a new copy is a new inode.

A run that writes outputs writes a new index beside the old one (``.index.sqlite.XXXX.tmp``)
and renames it over it once the outputs are in place; a run that writes nothing only
updates the stats it learnt, in place (SQLite's journal keeps that safe). An index of an
older version (``index.json``, or another parser) is not read: everything is parsed again.

The parser version is a hash of the source of ``reportkit/schema/`` and
``reportkit/extract/`` (and of the Unicode tables that label normalisation depends on): a
change to how files are read invalidates every entry; a change to the corpus layer, the
command line, the analysis, the charts or the briefing does not.

Use (:mod:`reportkit.corpus.plan`, :mod:`reportkit.corpus.ingest`): ``known_sha`` and
``has`` while planning; ``get`` and ``rows`` for each cached file, ``record`` and
``remember`` for each file of the new outputs, then ``finish``; or ``keep`` (nothing
written), or ``discard``.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import sqlite3
import sys
import time
import unicodedata
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from reportkit.corpus.outdir import publish, stage
from reportkit.corpus.store import dumps_json, output_stats
from reportkit.schema.frames import ROW_STREAMS

CACHE_DIR = "cache"
INDEX = "index.sqlite"
OLD_INDEX = "index.json"  # an older reportkit's index: not read, removed when replaced
README = "README.txt"
Meta = tuple[Any, ...]
#: A file's size, mtime_ns, ctime_ns and inode: what says its content is unchanged.
Stat = tuple[int, int, int, int]
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entries (key TEXT PRIMARY KEY, entry BLOB);
CREATE TABLE stats (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ctime INTEGER,
                    ino INTEGER, sha TEXT) WITHOUT ROWID;
"""
#: A file modified this recently may change again within the file system's timestamp
#: resolution without its mtime changing: its stat is not trusted next time.
RACY_SECONDS = 2.0
_ROW_SOURCES = tuple(f"{name}.parquet" for name in ROW_STREAMS)  # values, checks, prose
#: Rows as (table, offset, count): a slice not yet taken, so neighbours can be merged.
Piece = tuple[pa.Table, int, int]
_LOADED_GROUPS = 4
_ENTRIES_PENDING = 4_096  # entries recorded, then inserted together


#: The packages that decide what a file's parse gives (every module in them, new readers
#: included); nothing else does. The cache format is in :data:`CACHE_FORMAT`.
PARSING_PACKAGES = ("schema", "extract")
#: An SQLite index; stats: size, mtime_ns, ctime_ns, inode, sha256; rows in three outputs.
CACHE_FORMAT = "4"


def parsing_modules() -> list[Path]:
    """The source files whose change changes a parse result (see :data:`PARSING_PACKAGES`)."""
    root = Path(__file__).resolve().parent.parent
    return [p for package in PARSING_PACKAGES for p in sorted((root / package).rglob("*.py"))]


@cache
def parser_version() -> str:
    """A hash of everything that decides a parse result: the parsing modules' source, the
    Unicode database version, the Python version and the cache's format."""
    h = hashlib.sha256(CACHE_FORMAT.encode())
    root = Path(__file__).resolve().parent.parent
    for path in parsing_modules():
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    h.update(unicodedata.unidata_version.encode())
    h.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    return h.hexdigest()[:20]


def entry_key(sha256: str, overrides: dict[str, Any] | None) -> str:
    """The cache key of a file's content read with ``overrides`` (from a manifest)."""
    if not overrides:
        return sha256
    extra = json.dumps(overrides, sort_keys=True, ensure_ascii=False)
    return f"{sha256}:{hashlib.sha256(extra.encode()).hexdigest()[:16]}"


class CacheError(Exception):
    """An output the cache points into cannot be read: the run starts over without it."""


#: Where a report's rows are in one output: (offset, count).
Span = tuple[int, int]


@dataclass(slots=True)
class Entry:
    """A cached parse: the report's meta (no source path), the carried-over/forward
    figures the cross-year check needs, and where its rows are in each of the outputs
    :data:`_ROW_SOURCES` (offset, count)."""

    meta: Meta
    carry: tuple[float, ...] | None
    spans: list[Span]

    def dump(self) -> list[Any]:
        """The entry as JSON-ready lists."""
        return [list(self.meta), self.carry, [list(span) for span in self.spans]]

    @classmethod
    def load(cls, raw: list[Any]) -> Entry:
        """The entry from :meth:`dump`'s lists."""
        meta, carry, spans = raw
        if len(spans) != len(_ROW_SOURCES):
            raise ValueError(f"{len(spans)} row spans, not {len(_ROW_SOURCES)}")
        return cls(tuple(meta), tuple(carry) if carry else None,
                   [(int(off), int(n)) for off, n in spans])


class _RowSource:
    """Row ranges of a Parquet file, read a row group at a time (a few kept)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.file = pq.ParquetFile(path)
        self.schema = schema
        meta = self.file.metadata
        self.starts = [0]
        for i in range(meta.num_row_groups):
            self.starts.append(self.starts[-1] + meta.row_group(i).num_rows)
        self.groups: OrderedDict[int, pa.Table] = OrderedDict()

    def _group(self, i: int) -> pa.Table:
        if i not in self.groups:
            table = self.file.read_row_group(i).replace_schema_metadata(self.schema.metadata)
            self.groups[i] = table
            if len(self.groups) > _LOADED_GROUPS:
                self.groups.popitem(last=False)
        self.groups.move_to_end(i)
        return self.groups[i]

    def rows(self, offset: int, count: int) -> list[Piece]:
        """Rows ``offset`` … ``offset + count`` as pieces of row groups."""
        if offset < 0 or offset + count > self.starts[-1]:
            raise CacheError(f"{self.file}: rows {offset}+{count} out of range")
        pieces: list[Piece] = []
        i = max(0, bisect_right(self.starts, offset) - 1)
        while count > 0:
            take = min(count, self.starts[i + 1] - offset)
            pieces.append((self._group(i), offset - self.starts[i], take))
            offset += take
            count -= take
            i += 1
        return pieces

    def close(self) -> None:
        self.groups.clear()
        self.file.close()


class ParseCache:
    """The cache of the outputs in ``out_dir``. Not safe for two concurrent runs on one
    output folder (nor is writing the outputs)."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out = Path(out_dir)
        self.dir = self.out / CACHE_DIR
        self.version = parser_version()
        self.last_run: dict[str, Any] = {}
        self.has_entries = False
        self._old: sqlite3.Connection | None = None  # the last run's index, read by key
        self._entries = False  # its entries point into the outputs as they are
        self._new: sqlite3.Connection | None = None  # this run's index, being written
        self._recorded: list[tuple[str, bytes]] = []  # entries not inserted yet
        self._new_path: Path | None = None
        self._sources: list[_RowSource] | None = None
        self._load()

    def _load(self) -> None:
        path = self.dir / INDEX
        if not path.is_file():
            return
        try:
            self._old = sqlite3.connect(path, isolation_level=None)
            meta = dict(self._old.execute("SELECT name, value FROM meta"))
            if meta.get("version") != self.version:
                raise ValueError("another parser's index")
            self.last_run = json.loads(meta.get("last_run") or "{}")
            outputs = self.last_run.get("outputs") or {}
            self._entries = all(outputs.get(name) == _stat(self.out / name)
                                for name in _ROW_SOURCES)  # the rows are where they were
            self.has_entries = self._entries and self._old.execute(
                "SELECT EXISTS (SELECT 1 FROM entries)").fetchone()[0] == 1
        except (sqlite3.Error, ValueError, TypeError, AttributeError):
            self._close_old()  # not an index of this version: as if there were none
            self.last_run, self._entries, self.has_entries = {}, False, False

    def _close_old(self) -> None:
        if self._old is not None:
            self._old.close()
            self._old = None

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The last run's index; its errors (a damaged file) as :class:`CacheError`."""
        assert self._old is not None
        try:
            yield self._old
        except sqlite3.Error as exc:
            raise CacheError(f"{self.dir / INDEX}: cannot read the cache: {exc}") from exc

    # --- reading ---------------------------------------------------------------------------

    def known_sha(self, path: str, st: Stat) -> str | None:
        """The SHA-256 recorded for ``path`` if its size, mtime, ctime and inode (``st``)
        are unchanged."""
        if self._old is None:
            return None
        with self._reading() as db:
            row = db.execute("SELECT size, mtime, ctime, ino, sha FROM stats WHERE path = ?",
                             (path,)).fetchone()
        return row[4] if row is not None and row[:4] == st else None

    def has(self, key: str) -> bool:
        """Whether the cache holds a parse for ``key``."""
        if not self.has_entries:
            return False
        with self._reading() as db:
            return db.execute("SELECT 1 FROM entries WHERE key = ?",
                              (key,)).fetchone() is not None

    def get(self, key: str) -> Entry | None:
        """The cached parse for ``key``, or None."""
        if not self.has_entries:
            return None
        with self._reading() as db:
            row = db.execute("SELECT entry FROM entries WHERE key = ?", (key,)).fetchone()
        try:
            return Entry.load(json.loads(row[0])) if row is not None else None
        except (ValueError, TypeError) as exc:
            raise CacheError(f"{self.dir / INDEX}: a damaged entry: {exc}") from exc

    def unchanged(self, fingerprint: str | None) -> bool:
        """True when the last run read the same files the same way (its ``fingerprint``)
        and all six outputs are still as it wrote them (nothing to parse or write)."""
        return (fingerprint is not None and self.last_run.get("fingerprint") == fingerprint
                and self.last_run.get("outputs") == output_stats(self.out))

    def rows(self, entry: Entry) -> tuple[list[Piece], ...]:
        """The entry's rows of ``values``, ``checks`` and ``prose``, from the last run's
        outputs."""
        try:
            if self._sources is None:
                self._sources = [_RowSource(self.out / name, schema) for name, schema
                                 in zip(_ROW_SOURCES, ROW_STREAMS.values())]
            return tuple(source.rows(off, n)
                         for source, (off, n) in zip(self._sources, entry.spans))
        except (OSError, pa.ArrowException) as exc:
            raise CacheError(f"{self.out}: cannot read the last run's outputs: {exc}") from exc

    def close(self) -> None:
        """Let go of the last run's outputs (before they are replaced)."""
        for source in self._sources or ():
            source.close()
        self._sources = None

    # --- writing the new index -------------------------------------------------------------

    def _writing(self) -> sqlite3.Connection:
        """This run's index (made on first use), staged beside the last one's."""
        if self._new is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            # named like the index's temporaries: a killed run's is removed next time
            self._new_path = stage(self.dir, INDEX)
            self._new = sqlite3.connect(self._new_path, isolation_level=None)
            for pragma in ("journal_mode = OFF", "synchronous = OFF"):
                self._new.execute(f"PRAGMA {pragma}")
            self._new.executescript(_SCHEMA)
            self._new.execute("BEGIN")
        return self._new

    @contextmanager
    def _io(self, path: Path | None = None) -> Iterator[None]:
        """SQLite's errors (a full disk) as the OSError any other write raises."""
        try:
            yield
        except sqlite3.Error as exc:
            raise OSError(errno.EIO, f"cannot write the cache: {exc}",
                          str(path or self._new_path or self.dir)) from exc

    def record(self, key: str, meta: Meta, carry: tuple[float, ...] | None,
               spans: list[Span]) -> None:
        """A report of the run being written, and where its rows go in the new outputs
        (offset, count in each of :data:`_ROW_SOURCES`)."""
        self._recorded.append((key, dumps_json(Entry(meta, carry, spans).dump())))
        if len(self._recorded) >= _ENTRIES_PENDING:
            self._insert_entries()

    def _insert_entries(self) -> None:
        """The entries recorded so far into this run's index, in order (a later one for
        the same key replaces the earlier)."""
        if self._recorded:
            with self._io():
                self._writing().executemany("INSERT INTO entries VALUES (?, ?) ON CONFLICT "
                                            "(key) DO UPDATE SET entry = excluded.entry",
                                            self._recorded)
            self._recorded = []

    def remember(self, rows: list[tuple[str, int, int, int, int, str]]) -> None:
        """The stats of files of the new outputs: (path, size, mtime_ns, ctime_ns, inode,
        sha256) each, but for a file just modified or changed (:func:`trusted`)."""
        with self._io():
            self._writing().executemany("INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?, ?)",
                                        [row for row in rows if trusted(row[1:5])])

    def finish(self, fingerprint: str | None) -> None:
        """Save this run's index (after its outputs were written): the entries and stats
        recorded, what it read (``fingerprint``) and the outputs as they are now."""
        last_run = {"fingerprint": fingerprint, "outputs": output_stats(self.out)}
        try:
            self._insert_entries()
            with self._io():
                db = self._writing()
                db.executemany("INSERT INTO meta VALUES (?, ?)",
                               [("version", self.version), ("last_run", json.dumps(last_run))])
                db.execute("COMMIT")
                db.close()
            self._new = None
            self._close_old()
            assert self._new_path is not None
            publish([(self._new_path, self.dir / INDEX)])
            self._new_path = None
            (self.dir / OLD_INDEX).unlink(missing_ok=True)  # an older reportkit's index
            self._readme()
        finally:
            self.discard()

    def keep(self, changes: Iterable[tuple[str, Stat | None, str | None]]) -> None:
        """A run that wrote nothing: record in the last run's index, in place, what it
        learnt of its files: (path, stat, sha256) each, a stat of None to forget."""
        changes = iter(changes)
        first = next(changes, None)
        try:
            if first is None or self._old is None:
                return
            path = self.dir / INDEX
            with self._io(path):
                db = self._old
                db.execute("BEGIN")
                for name, st, sha in itertools.chain([first], changes):
                    if st is None or sha is None or not trusted(st):
                        db.execute("DELETE FROM stats WHERE path = ?", (name,))
                    else:
                        db.execute("INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?, ?)",
                                   (name, *st, sha))
                db.execute("COMMIT")
        finally:
            self.discard()

    def _readme(self) -> None:
        readme = self.dir / README
        if not readme.exists():
            readme.write_text("reportkit's parse cache: an index into the outputs next to this "
                              "folder, so that a re-run parses only new or changed files.\n"
                              "Safe to delete; the next run parses everything again.\n",
                              encoding="utf-8")

    def discard(self) -> None:
        """Drop what this run wrote (a run that failed) and let go of the outputs and the
        last run's index."""
        self.close()
        self._close_old()
        self._recorded = []
        if self._new is not None:
            self._new.close()
            self._new = None
        if self._new_path is not None:
            self._new_path.unlink(missing_ok=True)
            self._new_path = None
            try:
                self.dir.rmdir()  # made for this run's index, and nothing else came
            except OSError:
                pass

    @staticmethod
    def remove(out_dir: str | Path) -> None:
        """Delete the cache of ``out_dir`` (``--no-cache``, or a damaged one): only the
        files the cache writes, and its folder if that is then empty."""
        folder = Path(out_dir) / CACHE_DIR
        for path in (folder / INDEX, folder / f"{INDEX}-journal", folder / OLD_INDEX,
                     folder / README, *folder.glob(f".{INDEX}*.tmp"),
                     *folder.glob(f".{OLD_INDEX}*.tmp")):
            try:
                path.unlink()
            except OSError:
                pass
        try:
            folder.rmdir()
        except OSError:
            pass  # not there, or holding files that are not the cache's


def trusted(st: Stat) -> bool:
    """Whether a file's stat (size, mtime_ns, ctime_ns, inode) may stand for its content
    next time: not when modified or changed in the last :data:`RACY_SECONDS` (a change
    within the file system's timestamp resolution would go unseen)."""
    return max(st[1], st[2]) < (time.time() - RACY_SECONDS) * 1e9


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]
