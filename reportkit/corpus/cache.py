"""A content-hash cache of parsed reports: a re-run parses only new or changed files.

The parsed rows themselves are not copied anywhere: they are the row groups of the
outputs a run writes (``values.parquet``, ``checks.parquet``). The cache is their index,
``OUT/cache/index.json`` (delete the folder at any time; the next run parses everything):

* ``version``: the parser version; a change invalidates every entry;
* ``entries``: per parsed content, keyed by the file's SHA-256 (plus any ``manifest.csv``
  overrides, which change the result), the report's row of ``reports`` (without its path),
  the carried-over/forward figures the cross-year check needs, and where its rows are in
  the outputs (offset and count in ``values.parquet`` and ``checks.parquet``);
* ``stats``: ``path → [size, mtime_ns, ctime_ns, inode, sha256]``, so unchanged files are
  not re-hashed. The ctime and inode catch a file rewritten with its size and mtime kept
  (``cp -p``, ``rsync -t``, unzip): no one can set a ctime, and a new copy is a new inode;
* ``last_run``: what the last run read (a fingerprint of every path and key) and the size
  and mtime of the six files it wrote. Rows are only taken from outputs that are still as
  written; a run that reads the same files the same way writes nothing.

The parser version is a hash of the source of ``reportkit/schema/`` and
``reportkit/extract/`` (and of the Unicode tables that label normalisation depends on): a
change to how files are read invalidates every entry; a change to the corpus layer, the
command line, the analysis, the charts or the briefing does not.

Use (:mod:`reportkit.corpus.ingest`): ``todo = cache.plan(items)`` (what to parse; the
others carry their cached ``entry``), ``cache.parsed(item, sha)`` for each fresh parse,
``cache.record(…)`` where its rows went, ``cache.commit(items, max_bytes, written)``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import stat
import sys
import time
import unicodedata
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from reportkit.corpus.outdir import atomic_write, stage
from reportkit.corpus.store import dumps_json, output_stats
from reportkit.schema.frames import CHECKS_SCHEMA, VALUES_SCHEMA

CACHE_DIR = "cache"
INDEX = "index.json"
README = "README.txt"
Meta = tuple[Any, ...]
#: A file modified this recently may change again within the file system's timestamp
#: resolution without its mtime changing: its stat is not trusted next time.
RACY_SECONDS = 2.0
_ROW_SOURCES = ("values.parquet", "checks.parquet")
#: Rows as (table, offset, count): a slice not yet taken, so neighbours can be merged.
Piece = tuple[pa.Table, int, int]
_LOADED_GROUPS = 4


#: The packages that decide what a file's parse gives (every module in them, new readers
#: included); nothing else does. The cache format is in :data:`CACHE_FORMAT`.
PARSING_PACKAGES = ("schema", "extract")
CACHE_FORMAT = "2"  # stats: size, mtime_ns, ctime_ns, inode, sha256


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


class FileStat(NamedTuple):
    """What a run needs of a file's ``os.stat_result`` (a tenth of its size: a corpus has
    many files)."""

    st_mode: int
    st_size: int
    st_mtime_ns: int
    st_ctime_ns: int
    st_ino: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        """The fields of ``st`` a run reads."""
        return cls(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass(slots=True)
class Item:
    """One input file and how its report will be had."""

    path: Path
    name: str  # the path as the system gives it, to open
    shown: str  # the path as written in the outputs (see safe_name)
    overrides: dict[str, Any] | None
    stat: FileStat | os.stat_result | None = None
    key: str | None = None  # cache key, once the content hash is known
    entry: Entry | None = None  # a cached parse
    fixed: Any = None  # a Report decided without reading (not a regular file, too big)


def _hash_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def fingerprint(items: list[Item], max_bytes: int) -> str | None:
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


class CacheError(Exception):
    """An output the cache points into cannot be read: the run starts over without it."""


@dataclass(slots=True)
class Entry:
    """A cached parse: the report's meta (no source path), the carried-over/forward
    figures the cross-year check needs, and where its rows are in the outputs."""

    meta: Meta
    carry: tuple[float, ...] | None
    v_off: int
    v_len: int
    c_off: int
    c_len: int

    def dump(self) -> list[Any]:
        """The entry as JSON-ready lists."""
        return [list(self.meta), self.carry, self.v_off, self.v_len, self.c_off, self.c_len]

    @classmethod
    def load(cls, raw: list[Any]) -> Entry:
        """The entry from :meth:`dump`'s lists."""
        meta, carry, v_off, v_len, c_off, c_len = raw
        return cls(tuple(meta), tuple(carry) if carry else None, v_off, v_len, c_off, c_len)


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
        self.stats: dict[str, list[Any]] = {}
        self.last_run: dict[str, Any] = {}
        self._entries: dict[str, list[Any]] = {}
        self._new: sqlite3.Connection | None = None  # this run's entries, on disk
        self._new_path: Path | None = None
        self._sources: list[_RowSource] | None = None
        self._stats_changed = False
        self._load()

    def _load(self) -> None:
        try:
            index = json.loads((self.dir / INDEX).read_bytes())
        except (OSError, ValueError):
            return
        if not isinstance(index, dict) or index.get("version") != self.version:
            return
        self.stats = index.get("stats", {})
        self.last_run = index.get("last_run", {})
        outputs = self.last_run.get("outputs") or {}
        if all(outputs.get(name) == _stat(self.out / name) for name in _ROW_SOURCES):
            self._entries = index.get("entries", {})  # the rows are where they were

    def __len__(self) -> int:
        return len(self._entries)

    # --- the coarse API: plan, (parse, record), commit ---------------------------------------

    def plan(self, items: list[Item]) -> list[Item]:
        """Find the cached parse of every item whose content is known (by its stat, else
        by hashing it when the cache holds any entry); returns the items still to parse
        (those not decided without reading)."""
        rehash = len(self) > 0
        for item in items:
            st = item.stat
            if item.fixed is not None or st is None or not stat.S_ISREG(st.st_mode):
                continue
            sha = self.known_sha(item.shown, st)
            if sha is None and rehash:
                sha = _hash_file(item.path)
                if sha is not None:
                    self.remember_stat(item.shown, st, sha)
            if sha is not None:
                item.key = entry_key(sha, item.overrides)
                item.entry = self.get(item.key)
        return [it for it in items if it.entry is None and it.fixed is None]

    def parsed(self, item: Item, sha256: str) -> None:
        """A file parsed this run: its content hash gives its key and is remembered for
        its stat."""
        if not sha256:
            return
        item.key = entry_key(sha256, item.overrides)
        if item.stat is not None:
            self.remember_stat(item.shown, item.stat, sha256)

    def unchanged(self, items: list[Item], max_bytes: int) -> bool:
        """True when the last run read the same files the same way and all six outputs
        are still as it wrote them (nothing to parse or write)."""
        fp = fingerprint(items, max_bytes)
        return (fp is not None and self.last_run.get("fingerprint") == fp
                and self.last_run.get("outputs") == output_stats(self.out))

    def commit(self, items: list[Item], max_bytes: int, written: bool) -> None:
        """Save the index after a run over ``items``: with ``written``, the entries
        recorded for the outputs just written; without, the old ones (and new stats)."""
        live = {item.shown for item in items}
        try:
            self.save(live, {"fingerprint": fingerprint(items, max_bytes),
                             "outputs": output_stats(self.out)} if written else None)
        finally:
            self.discard()

    # --- reading ---------------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        """The cached parse for ``key``, or None."""
        raw = self._entries.get(key)
        return Entry.load(raw) if raw is not None else None

    def rows(self, entry: Entry) -> tuple[list[Piece], list[Piece]]:
        """The entry's rows of ``values`` and ``checks``, from the last run's outputs."""
        try:
            if self._sources is None:
                self._sources = [_RowSource(self.out / name, schema) for name, schema
                                 in zip(_ROW_SOURCES, (VALUES_SCHEMA, CHECKS_SCHEMA))]
            values, checks = self._sources
            return values.rows(entry.v_off, entry.v_len), checks.rows(entry.c_off, entry.c_len)
        except (OSError, pa.ArrowException) as exc:
            raise CacheError(f"{self.out}: cannot read the last run's outputs: {exc}") from exc

    def close(self) -> None:
        """Let go of the last run's outputs (before they are replaced)."""
        for source in self._sources or ():
            source.close()
        self._sources = None

    def known_sha(self, path: str, st: FileStat | os.stat_result) -> str | None:
        """The SHA-256 recorded for ``path`` if its size, mtime, ctime and inode are
        unchanged."""
        known = self.stats.get(path)
        if known and len(known) == 5 and known[:4] == _stat_key(st):
            return known[4]
        return None

    def remember_stat(self, path: str, st: FileStat | os.stat_result, sha256: str) -> None:
        """Record ``path``'s hash for its current stat (unless just modified or changed:
        a change within the file system's timestamp resolution would go unseen)."""
        if max(st.st_mtime_ns, st.st_ctime_ns) >= (time.time() - RACY_SECONDS) * 1e9:
            if self.stats.pop(path, None) is not None:
                self._stats_changed = True
            return
        value = [*_stat_key(st), sha256]
        if self.stats.get(path) != value:
            self.stats[path] = value
            self._stats_changed = True

    # --- writing ---------------------------------------------------------------------------

    def record(self, key: str, meta: Meta, carry: tuple[float, ...] | None,
               v_off: int, v_len: int, c_off: int, c_len: int) -> None:
        """A report of the run being written, and where its rows go in the new outputs
        (kept on disk until :meth:`save`: a corpus has many)."""
        entry = dumps_json(Entry(meta, carry, v_off, v_len, c_off, c_len).dump())
        try:
            if self._new is None:
                self.dir.mkdir(parents=True, exist_ok=True)
                # named like the index's temporaries: a killed run's is removed next time
                self._new_path = stage(self.dir, INDEX)
                self._new = sqlite3.connect(self._new_path, isolation_level=None)
                self._new.execute("PRAGMA journal_mode = OFF")
                self._new.execute("PRAGMA synchronous = OFF")
                self._new.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, entry BLOB)")
                self._new.execute("BEGIN")
            self._new.execute("INSERT INTO entries VALUES (?, ?) ON CONFLICT (key) "
                              "DO UPDATE SET entry = excluded.entry", (key, entry))
        except sqlite3.Error as exc:
            raise OSError(errno.EIO, f"cannot write the cache: {exc}",
                          str(self._new_path or self.dir)) from exc

    def _recorded(self) -> Iterator[tuple[str, bytes]]:
        """This run's entries, in the order recorded, as (key, entry's JSON)."""
        if self._new is not None:
            yield from self._new.execute("SELECT key, entry FROM entries ORDER BY rowid")

    def discard(self) -> None:
        """Drop what this run recorded (a run that failed) and let go of the outputs."""
        self.close()
        if self._new is not None:
            self._new.close()
            self._new = None
        if self._new_path is not None:
            self._new_path.unlink(missing_ok=True)
            self._new_path = None
            try:
                self.dir.rmdir()  # made for this run's entries, and nothing else came
            except OSError:
                pass

    def save(self, live_paths: set[str], last_run: dict[str, Any] | None) -> None:
        """Write the index. With ``last_run`` (after outputs were written): the entries
        recorded for them; without (nothing written): the old entries, with new stats."""
        stats = {p: v for p, v in self.stats.items() if p in live_paths}
        if last_run is None and not self._stats_changed and len(stats) == len(self.stats):
            return
        if last_run is None:
            entries: Iterable[tuple[str, bytes]] = (
                (k, dumps_json(e)) for k, e in self._entries.items())
            last_run = self.last_run
        else:
            entries = self._recorded()
        self.dir.mkdir(parents=True, exist_ok=True)

        def write(tmp: Path) -> None:  # the JSON of the whole index, an entry at a time
            with tmp.open("wb") as fh:
                fh.write(b'{"version":' + dumps_json(self.version) + b',"entries":{')
                for i, (key, entry) in enumerate(entries):
                    fh.write((b"," if i else b"") + dumps_json(key) + b":" + entry)
                fh.write(b'},"stats":' + dumps_json(stats) + b',"last_run":'
                         + dumps_json(last_run) + b"}")

        try:
            atomic_write(self.dir / INDEX, write)
        finally:
            self.discard()
        readme = self.dir / README
        if not readme.exists():
            readme.write_text("reportkit's parse cache: an index into the outputs next to this "
                              "folder, so that a re-run parses only new or changed files.\n"
                              "Safe to delete; the next run parses everything again.\n",
                              encoding="utf-8")

    @staticmethod
    def remove(out_dir: str | Path) -> None:
        """Delete the cache of ``out_dir`` (``--no-cache``, or a damaged one): only the
        files the cache writes, and its folder if that is then empty."""
        folder = Path(out_dir) / CACHE_DIR
        for path in (folder / INDEX, folder / README, *folder.glob(f".{INDEX}*.tmp")):
            try:
                path.unlink()
            except OSError:
                pass
        try:
            folder.rmdir()
        except OSError:
            pass  # not there, or holding files that are not the cache's


def _stat_key(st: FileStat | os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]
