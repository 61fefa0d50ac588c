"""The first pass of an ingest: every input file stat'ed and looked up in the cache, a
batch at a time, into the plan on disk (:class:`reportkit.corpus.filelist.RunFiles`).

Each file is decided without reading it when it is not a regular file or is over the size
limit (``FIXED``), found in the cache by its content hash (``CACHED``: the hash is the one
recorded for its stat, else, when the cache holds any entry, the file is hashed), or left
to the workers (``PARSE``). The run's fingerprint (:class:`Fingerprint`: what was read and
how) is hashed as the files go by, so an unchanged folder is known without parsing or
writing anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportkit.corpus.cache import ParseCache, entry_key
from reportkit.corpus.filelist import CACHED, FIXED, PARSE, RunFiles, blob
from reportkit.corpus.files import safe_name


class Fingerprint:
    """What a run read and how, hashed file by file in order: equal fingerprints, equal
    outputs. None when some file's content is not known (such a run is never skipped)."""

    def __init__(self, max_bytes: int) -> None:
        self._hash: Any = hashlib.sha256(f"{max_bytes}\n".encode())

    def add(self, shown: str, tag: str | None) -> None:
        """The next file (as written in the outputs) and what stands for its content."""
        if tag is None:
            self._hash = None
        elif self._hash is not None:
            self._hash.update(f"{shown}\0{tag}\n".encode("utf-8", "surrogatepass"))

    def digest(self) -> str | None:
        """The fingerprint, or None."""
        return self._hash.hexdigest() if self._hash is not None else None


def fixed_tag(size: int) -> str:
    """What stands in the fingerprint for a file decided without reading it."""
    return f"big:{size}"


@dataclass(frozen=True, slots=True)
class Planned:
    """What the plan holds: files, how many are to be parsed, the fingerprint."""

    files: int
    to_parse: int
    fingerprint: str | None


@lru_cache(maxsize=1024)
def override_key(overrides: str | None) -> str:
    """What a manifest row (as JSON) adds to a content hash to make its cache key."""
    if overrides is None:
        return ""
    return entry_key("", json.loads(overrides))


def _hash_file(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


class _Planner:
    """Plans one file at a time (:meth:`row`) for :func:`plan_files`."""

    def __init__(self, run: RunFiles, store: ParseCache | None, max_bytes: int) -> None:
        self.run, self.store, self.max_bytes = run, store, max_bytes
        self.rehash = store is not None and store.has_entries
        self.fingerprint = Fingerprint(max_bytes)

    def row(self, name: str) -> tuple[Any, ...]:
        """The row of the plan (:data:`reportkit.corpus.filelist.PLAN_COLUMNS`) of the
        file at ``name``."""
        shown = safe_name(name)
        overrides = self.run.overrides(name)
        okey = override_key(overrides)
        head = (blob(name), None if shown == name else shown)
        try:
            st = os.stat(name)
        except OSError:  # the worker reports why it cannot be read
            self.fingerprint.add(shown, None)
            return (*head, None, None, None, None, None, PARSE, None, okey, overrides, None)
        mode, size = st.st_mode, st.st_size
        kind, sha, restat = PARSE, None, None
        if not stat.S_ISREG(mode):
            kind = PARSE if stat.S_ISDIR(mode) else FIXED  # a folder: the worker says why
        elif size > self.max_bytes:
            kind = FIXED
        elif self.store is not None:
            sha = self.store.known_sha(shown, (size, st.st_mtime_ns, st.st_ctime_ns,
                                               st.st_ino))
            if sha is None and self.rehash:
                sha = _hash_file(name)
                restat = 1 if sha is not None else None  # a stat the cache learnt
            if sha is not None and self.store.has(sha + okey):
                kind = CACHED
        if kind == FIXED:
            self.fingerprint.add(shown, fixed_tag(size))
        else:
            self.fingerprint.add(shown, sha + okey if sha is not None else None)
        return (*head, mode, size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, kind, sha, okey,
                overrides, restat)


def plan_files(run: RunFiles, store: ParseCache | None, max_bytes: int) -> Planned:
    """Plan every file of ``run`` (in its order, a batch at a time) against ``store``."""
    run.clear_plan()
    planner = _Planner(run, store, max_bytes)
    files = to_parse = 0
    for batch in run.paths():
        rows = [planner.row(name) for name in batch]
        run.plan(rows)
        files += len(rows)
        to_parse += sum(1 for row in rows if row[7] == PARSE)
    return Planned(files, to_parse, planner.fingerprint.digest())


__all__ = ["Fingerprint", "Planned", "fixed_tag", "override_key", "plan_files"]
