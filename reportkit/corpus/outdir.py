"""The output folder is reportkit's: marked, locked, cleaned of its own leftovers only.

* A folder reportkit writes into holds a small marker file, :data:`MARKER`. A folder that
  does not exist is made and marked; an empty one (hidden files such as ``.gitkeep`` aside)
  is marked; a folder holding exactly a previous run's outputs is recognised as reportkit's.
  Any other non-empty folder is refused (:class:`OutputError`, exit code 2) unless
  ``force``; even then a file of the user's that has the name of an output is kept, moved
  aside to ``NAME.orig``, ``NAME.orig-2``, …, never overwritten.
* A lock (``fcntl.flock`` on :data:`LOCK`): a second run into the same folder is told the
  folder is busy. The kernel drops the lock when a run dies, so it is never stale.
* At the start of a run, the temporaries a killed run left (``.values.*.tmp`` …) are
  removed: only names reportkit itself gives its temporaries.
* Outputs get the mode a new file gets under the user's umask (0644 usually), not the
  0600 of a temporary file.
* Every file is written one way (:func:`stage`, :func:`publish`, :func:`atomic_write`): to a
  temporary ``.NAME.XXXX.tmp`` beside it, then renamed over it, so an interrupted write
  leaves the previous file as it was and no half file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reportkit.schema.frames import (
    LONG_CHECKS_CSV,
    LONG_VALUES_CSV,
    OUTPUT_FILES,
    PROSE_FILE,
    ROW_STREAMS,
)

MARKER = ".reportkit-output"
LOCK = ".reportkit.lock"
#: What a previous run left, besides the marker: its six outputs (and the long CSV, the
#: prose) and its cache folder.
_OWN_FILES = frozenset(OUTPUT_FILES) | {LONG_VALUES_CSV, LONG_CHECKS_CSV, PROSE_FILE}
_OWN_DIRS = frozenset({"cache"})
#: The temporaries reportkit stages its outputs (and its lists of files) under (:func:`stage`),
#: and the cache's index.
_TEMPORARY = re.compile(rf"^\.({'|'.join((*ROW_STREAMS, 'reports', 'files'))})"
                        r"\.[A-Za-z0-9_]+\.tmp$")
_CACHE_TEMPORARY = re.compile(r"^\.index\.(json|sqlite)(\.[A-Za-z0-9_]+)?\.tmp$")


class OutputError(Exception):
    """The output folder cannot be used (not ours, busy, not a folder, not writable):
    exit code 2, one line."""


def file_mode() -> int:
    """The mode a new file gets under the current umask (0o644 under the usual 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def is_output_folder(folder: Path) -> bool:
    """True when ``folder`` is a reportkit output folder (its marker is there)."""
    try:
        return os.path.isfile(folder / MARKER)
    except OSError:  # a folder that cannot be searched is no output folder of ours
        return False


def _mark(out: Path) -> None:
    (out / MARKER).write_text(json.dumps({"tool": "reportkit", "what": (
        "this folder holds reportkit's outputs; reportkit writes only its own files here")})
        + "\n", encoding="utf-8")
    os.chmod(out / MARKER, file_mode())


def _entries(out: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(out) as it:
            return list(it)
    except OSError as exc:
        raise OutputError(f"{out}: cannot list the output folder ({exc.strerror})") from exc


def _previous_outputs(entries: list[os.DirEntry]) -> bool:
    """A folder an older reportkit wrote (before the marker): its six outputs, maybe its
    cache, nothing else (hidden files aside)."""
    names = {e.name for e in entries if not _is_hidden(e.name)}
    return set(OUTPUT_FILES) <= names and names <= _OWN_FILES | _OWN_DIRS


def _set_aside(out: Path, entries: list[os.DirEntry]) -> list[str]:
    """Move the user's files that bear an output's name out of the way (``--force``)."""
    moved = []
    for e in entries:
        if e.name in _OWN_FILES or e.name in _OWN_DIRS:
            target = out / f"{e.name}.orig"
            n = 1
            while target.exists():
                n += 1
                target = out / f"{e.name}.orig-{n}"
            os.rename(out / e.name, target)
            moved.append(f"{e.name} → {target.name}")
    return moved


def claim(out: str | Path, force: bool = False) -> list[str]:
    """Make ``out`` reportkit's output folder (see the module docstring); returns notes
    for the user (files moved aside). Raises :class:`OutputError`."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder: give --out a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot make the output folder ({exc.strerror})") from exc
    if is_output_folder(out):
        return []
    entries = _entries(out)
    visible = [e for e in entries if not _is_hidden(e.name)]
    moved: list[str] = []
    if visible and not _previous_outputs(entries):
        if not force:
            shown = ", ".join(sorted(e.name for e in visible)[:3])
            more = f" and {len(visible) - 3} more" if len(visible) > 3 else ""
            raise OutputError(
                f"{out}: the output folder holds files reportkit did not write ({shown}"
                f"{more}): give a new or empty folder, or --force to use it anyway")
        moved = _set_aside(out, entries)
    try:
        _mark(out)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write into the output folder "
                          f"({exc.strerror})") from exc
    return moved


def remove_stale(out: Path) -> None:
    """Delete the temporaries a killed run left in ``out`` (reportkit's names only)."""
    for folder, pattern in ((out, _TEMPORARY), (out / "cache", _CACHE_TEMPORARY)):
        if not folder.is_dir():
            continue  # no cache folder
        entries = _entries(folder)
        for e in entries:
            if pattern.match(e.name) and e.is_file(follow_symlinks=False):
                Path(e.path).unlink(missing_ok=True)


# --- writing a file: a temporary beside it, then one rename --------------------------------


def stage(folder: Path, name: str) -> Path:
    """A new, empty temporary file ``.NAME.XXXX.tmp`` in ``folder`` for the file ``name``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    return Path(tmp)


def publish(staged: Iterable[tuple[Path, Path]]) -> None:
    """Give each staged temporary an output's mode (:func:`file_mode`), then rename each
    over its target, in order."""
    staged = list(staged)
    mode = file_mode()
    for tmp, _ in staged:
        os.chmod(tmp, mode)  # a temporary file is 0600; an output is not
    for tmp, final in staged:
        os.replace(tmp, final)


def atomic_write(target: Path, write: Callable[[Path], object]) -> Path:
    """Write ``target`` through ``write(temporary)``: staged beside it, then renamed over
    it; on any error the temporary is removed and ``target`` is as it was."""
    tmp = stage(target.parent, target.name)
    try:
        write(tmp)
        publish([(tmp, target)])
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


@contextmanager
def locked(out: str | Path) -> Iterator[None]:
    """Hold the output folder's lock for the block; :class:`OutputError` when another
    run holds it."""
    path = Path(out) / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, file_mode())
    except OSError as exc:
        raise OutputError(f"{out}: cannot write into the output folder "
                          f"({exc.strerror})") from exc
    try:
        try:
            import fcntl
        except ImportError:  # not on a POSIX system: no lock
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise OutputError(f"{out}: another reportkit run is writing into this "
                                  "folder: wait for it to finish, or give another "
                                  "--out") from exc
        yield
    finally:
        os.close(fd)  # closing drops the lock


@contextmanager
def owned(out: str | Path, force: bool = False) -> Iterator[list[str]]:
    """Claim, lock and clean ``out`` for one run; yields the notes of :func:`claim`."""
    notes = claim(out, force)
    with locked(out):
        remove_stale(Path(out))
        yield notes
