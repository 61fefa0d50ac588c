"""The input files of one ingest, kept on disk: found, sorted, planned and read back in
batches, so that the parent's memory does not grow with the number of files.

A national corpus has a million files; the list of their paths (and, for each, its stat,
its manifest row, its cache key) would make the parent grow by a kilobyte a file. Instead
they go into one SQLite file (the standard library's :mod:`sqlite3`) in the output folder's
staging area, ``.files.XXXX.tmp`` (without an output folder, in the system's temporary
folder; a killed run's is removed by the next, :func:`reportkit.corpus.outdir.remove_stale`),
deleted when the run ends. Its tables:

* ``found``: every file found (:func:`reportkit.corpus.files.found_under`), under the
  index of the input path it was found under, keyed by its path with ``/`` written as a
  NUL byte: SQLite orders those keys (bytes, ``memcmp``) as Python orders the paths (by
  their parts), so reading the table in key order gives :func:`~reportkit.corpus.files.
  find_files`'s order. A path found under two inputs counts under the first, as there.
* ``overrides``: the ``manifest.csv`` rows, by the resolved path of the file each names.
* ``plan``: the files in that order, with what the planning pass learnt of each (its stat,
  its content hash when known, whether it is to be parsed); read back, in order, to
  assemble the outputs, and once more for the files the workers are to parse.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reportkit.corpus.files import found_under_text, roots_of
from reportkit.corpus.manifest import Warn, manifest_rows_text, resolve_text
from reportkit.corpus.outdir import stage

#: Files read back (and planned) at a time.
BATCH = 4096
#: What becomes of a planned file.
PARSE, CACHED, FIXED = 0, 1, 2
#: The columns of ``plan`` after ``seq`` (see :class:`RunFiles.plan`).
PLAN_COLUMNS = ("name", "shown", "mode", "size", "mtime", "ctime", "ino", "kind", "sha",
                "okey", "overrides", "restat")
_SCHEMA = f"""
CREATE TABLE found (root INTEGER, key BLOB, PRIMARY KEY (root, key)) WITHOUT ROWID;
CREATE UNIQUE INDEX found_key ON found (key);
CREATE TABLE overrides (path BLOB PRIMARY KEY, entry TEXT) WITHOUT ROWID;
CREATE TABLE plan (seq INTEGER PRIMARY KEY, {", ".join(PLAN_COLUMNS)});
"""
_FOLDERS_KEPT = 4096  # resolved folders remembered (manifest look-ups), at most


def blob(text: str) -> bytes:
    """Any Python text as bytes for SQLite (a file name that is not UTF-8 holds lone
    surrogates); UTF-8 bytes compare as the text compares, code point by code point."""
    return text.encode("utf-8", "surrogatepass")


def text(data: bytes) -> str:
    """The text of :func:`blob`."""
    return data.decode("utf-8", "surrogatepass")


def path_key(path: str | Path) -> bytes:
    """``path`` as bytes that compare (``memcmp``) as the Path compares (by parts: no
    byte of a name sorts below the NUL written for ``/``)."""
    return blob(str(path)).replace(b"/", b"\0")


def key_text(key: bytes) -> str:
    """The path of :func:`path_key`, as text."""
    return text(key.replace(b"\0", b"/"))


class RunFiles:
    """The files of one ingest, on disk in ``folder`` (the output folder; without one, the
    system's temporary folder). Close it to delete the file."""

    def __init__(self, folder: str | Path | None) -> None:
        if folder is not None:
            self.path = stage(Path(folder), "files")
        else:
            fd, name = tempfile.mkstemp(prefix=".files.", suffix=".tmp")
            os.close(fd)
            self.path = Path(name)
        self.db: sqlite3.Connection | None = None
        self.has_overrides = False
        self._folders: dict[str, str] = {}
        try:
            with self._io():
                self.db = sqlite3.connect(self.path, isolation_level=None)
                for pragma in ("journal_mode = OFF", "synchronous = OFF",
                               "cache_size = -16000", "temp_store = FILE"):
                    self.db.execute(f"PRAGMA {pragma}")
                self.db.executescript(_SCHEMA)
                self.db.execute("BEGIN")
        except BaseException:
            self.close()
            raise

    @contextmanager
    def _io(self) -> Iterator[None]:
        """SQLite's errors (a full disk) as the OSError any other write raises."""
        try:
            yield
        except sqlite3.Error as exc:
            raise OSError(errno.EIO, f"cannot write the list of input files: {exc}",
                          str(self.path)) from exc

    def _sql(self) -> sqlite3.Connection:
        assert self.db is not None, "the list of files is closed"
        return self.db

    # --- finding ----------------------------------------------------------------------------

    def find(self, paths: Sequence[str | Path], ignore: Sequence[str] = (),
             warn: Warn | None = None) -> None:
        """Find the files under ``paths`` (:func:`reportkit.corpus.files.find_files`' files,
        kept here) and read the manifests of their folders (``warn``: called for each row
        not applied). Raises :class:`~reportkit.corpus.files.UsageError` for a path that
        does not exist."""
        roots = roots_of(paths)
        folders: set[str] = set()  # one per folder (a corpus has far fewer than files)
        db = self._sql()
        with self._io():
            for i, root in enumerate(roots):
                batch: list[tuple[int, bytes]] = []
                for folder, path in found_under_text(root, ignore):
                    folders.add(folder)
                    batch.append((i, path_key(path)))
                    if len(batch) >= BATCH:
                        db.executemany("INSERT OR IGNORE INTO found VALUES (?, ?)", batch)
                        batch = []
                db.executemany("INSERT OR IGNORE INTO found VALUES (?, ?)", batch)
        if warn is not None:
            self._read_manifests({Path(f) for f in folders},
                                 [p if p.is_dir() else p.parent for p in roots],
                                 warn)

    def _read_manifests(self, parents: set[Path], roots: list[Path], warn: Warn) -> None:
        rows = ((blob(path), json.dumps(entry, ensure_ascii=False))
                for path, entry in manifest_rows_text(parents, roots, warn))
        with self._io():
            db = self._sql()
            db.executemany("INSERT OR REPLACE INTO overrides VALUES (?, ?)", rows)
            self.has_overrides = db.execute(
                "SELECT EXISTS (SELECT 1 FROM overrides)").fetchone()[0] == 1

    def paths(self) -> Iterator[list[str]]:
        """The files found, in order, a batch at a time (as text: :func:`key_text`)."""
        with self._io():
            rows = self._sql().execute("SELECT key FROM found ORDER BY root, key")
            while batch := rows.fetchmany(BATCH):
                yield [key_text(key) for key, in batch]

    def overrides(self, path: str) -> str | None:
        """The manifest row (as JSON) that names ``path``, or None."""
        if not self.has_overrides:
            return None
        if len(self._folders) > _FOLDERS_KEPT:
            self._folders.clear()
        target = blob(resolve_text(path, self._folders))
        with self._io():
            row = self._sql().execute("SELECT entry FROM overrides WHERE path = ?",
                                      (target,)).fetchone()
        return row[0] if row else None

    # --- the plan -------------------------------------------------------------------------------

    def clear_plan(self) -> None:
        """Forget the plan (a run starting over)."""
        with self._io():
            self._sql().execute("DELETE FROM plan")

    def plan(self, rows: list[tuple[Any, ...]]) -> None:
        """The next files of the plan, each a tuple of :data:`PLAN_COLUMNS`."""
        marks = ", ".join("?" * len(PLAN_COLUMNS))
        with self._io():
            self._sql().executemany(f"INSERT INTO plan ({', '.join(PLAN_COLUMNS)}) "
                                    f"VALUES ({marks})", rows)

    def planned(self, where: str = "") -> Iterator[tuple[Any, ...]]:
        """The rows of the plan (:data:`PLAN_COLUMNS`), in file order; ``where``: an SQL
        condition on them."""
        query = f"SELECT {', '.join(PLAN_COLUMNS)} FROM plan"
        with self._io():
            rows = self._sql().execute(f"{query} WHERE {where} ORDER BY seq" if where
                                       else f"{query} ORDER BY seq")
            while batch := rows.fetchmany(BATCH):
                yield from batch

    def tasks(self) -> Iterator[tuple[str, dict[str, Any] | None]]:
        """The files to parse, in order, as the workers take them: (path, overrides)."""
        for row in self.planned(f"kind = {PARSE}"):
            yield text(row[0]), json.loads(row[10]) if row[10] else None

    def close(self) -> None:
        """Close and delete the file."""
        try:
            if self.db is not None:
                self.db.close()
        finally:
            self.db = None
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> RunFiles:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


__all__ = ["BATCH", "CACHED", "FIXED", "PARSE", "PLAN_COLUMNS", "RunFiles", "blob", "path_key",
           "text"]
