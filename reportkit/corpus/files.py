"""Input files → Reports, one at a time: finding the files, reading each within its limits.

Every input gets exactly one :class:`~reportkit.extract.parse.Report`: a file over the size
limit, a pipe, a folder that cannot be listed or a file a worker could not finish is a
``failed`` row saying why; a later copy of the same bytes is a ``duplicate``.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from reportkit.corpus.manifest import MANIFEST
from reportkit.corpus.outdir import is_output_folder
from reportkit.corpus.workers import Limits, Overtime, start_deadline, stop_deadline
from reportkit.extract.parse import Report, parse_bytes, report_id_for

DEFAULT_MAX_SIZE_MB = 50.0


class UsageError(Exception):
    """A command-line mistake (a path that does not exist) or an output folder that cannot
    be used: exit code 2."""


def find_files(paths: Iterable[str | Path], ignore: Sequence[str] = ()) -> list[Path]:
    """Report files under ``paths`` (files, or folders searched recursively), sorted.

    Hidden files (``.DS_Store``, ``.gitkeep``), ``manifest.csv`` and reportkit's own output
    folders (they hold its marker) are not reports. A folder that cannot be listed is
    returned as it is: it gets a row saying so. ``ignore``: glob patterns (``*.xlsx``,
    ``drafts/*``) matched against each file's name and its path below the folder given;
    matching files are left out (:func:`ignored` says which). An ingest keeps this list on
    disk instead (:mod:`reportkit.corpus.filelist`, through :func:`found_under`).
    """
    found: list[Path] = []
    for root in roots_of(paths):
        found.extend(sorted(found_under(root, ignore)))
    return list(dict.fromkeys(found))


def roots_of(paths: Iterable[str | Path]) -> list[Path]:
    """``paths`` as Paths; :class:`UsageError` for one that does not exist."""
    roots = [Path(p) for p in paths]
    for p in roots:
        if not p.exists():
            raise UsageError(f"{safe_name(p)}: no such file or folder")
    return roots


def found_under(root: Path, ignore: Sequence[str] = ()) -> Iterator[Path]:
    """The report files under ``root`` (itself, if a file), as :func:`find_files` counts
    them, in no particular order."""
    for _, path in found_under_text(root, ignore):
        yield Path(path)


def found_under_text(root: Path, ignore: Sequence[str] = ()) -> Iterator[tuple[str, str]]:
    """:func:`found_under`'s files as text, each with its folder: ``(folder, path)``
    (``str`` of the Path each would be; no Path made for a file not ignored)."""
    if not root.is_dir():
        yield str(root.parent), str(root)
        return
    for folder, path in _walk(root):
        if not ignore or not ignored(Path(path), root, ignore):
            yield folder, path


def ignored(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    """Whether ``path`` (found under ``root``) matches one of the ``--ignore`` patterns: by
    its name, or by its path relative to ``root`` (``/`` between folders)."""
    if not patterns:
        return False
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.name
    return any(fnmatch.fnmatch(path.name, g) or fnmatch.fnmatch(rel, g) for g in patterns)


def _walk(root: Path) -> Iterator[tuple[str, str]]:
    """Files under ``root`` (and folders that cannot be listed), as ``root.rglob("*")``
    finds them, unsorted: ``(folder, path)`` each, as text (``str`` of the Paths)."""
    if is_output_folder(root):
        return
    unreadable: list[tuple[str, str]] = []

    def failed(exc: OSError) -> None:
        path = Path(exc.filename)
        unreadable.append((str(path.parent), str(path)))

    for folder, dirs, names in os.walk(root, onerror=failed):
        base = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")
                   and not is_output_folder(base / d)]
        text = str(base)
        prefix = "" if text == "." else text if text.endswith("/") else text + "/"
        # every name but hidden ones and manifests: a pipe or a broken link gets a row too
        yield from ((text, prefix + n) for n in names
                    if not n.startswith(".") and n != MANIFEST)
        yield from unreadable
        unreadable.clear()
    yield from unreadable


def safe_name(path: str | Path) -> str:
    """A path as text that can be written anywhere: bytes that are not UTF-8 (a name
    from another system) shown as ``\\xNN``."""
    text = str(path)
    if text.isascii():  # nothing to show otherwise (and the common case: no round trip)
        return text
    return os.fsencode(text).decode("utf-8", errors="backslashreplace")


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


def _duplicate(report_id: str, path: str, sha256: str, copy: int, first: str) -> Report:
    return Report(f"{report_id}-{copy}", path, sha256, status="duplicate",
                  error=f"same content as {first}: counted once")


def environment_error(exc: OSError, out: str | Path) -> str:
    """One line about a failure to write the outputs (the inputs' own failures are rows)."""
    where = safe_name(exc.filename) if exc.filename else safe_name(out)
    return (f"cannot write the outputs ({exc.strerror or exc}: {where}): check that "
            f"{safe_name(out)} is a writable folder with free space; the previous outputs "
            "are as they were")
