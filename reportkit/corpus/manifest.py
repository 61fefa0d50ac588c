"""``manifest.csv``: what a person says about the files of a folder, over what the text says.

Columns ``file`` (a name relative to the manifest's folder), ``agency``, ``agency_short``,
``agency_id``, ``level``, ``body_kind``, ``region``, ``year`` (any but ``file`` may be left out).
Read as UTF-8 or GB18030 (what Excel on a Chinese system writes),
with or without a byte-order mark. Only manifests inside the input folders count (a
``manifest.csv`` above the folder given is someone else's). Each line is read on its own,
so a stray quote spoils one row, not the rest of the file: a bad row is a warning naming
its line and what is wrong, and the other rows apply. A file named twice is a warning (the
first row applies); a year outside 2008 … next year refuses its row.
"""

from __future__ import annotations

import csv
import datetime
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

MANIFEST = "manifest.csv"
FIELDS = ("agency", "agency_short", "agency_id", "level", "body_kind", "region", "year")
FIRST_YEAR = 2008  # the regulations took effect on 1 May 2008
_YEAR = re.compile(r"[0-9]{4}")

Warn = Callable[[str], None]


def last_year() -> int:
    """The latest year a report may be about: next year (a report is often dated ahead)."""
    return datetime.date.today().year + 1


def decode_manifest(data: bytes) -> str:
    """The manifest's text: UTF-8 (BOM or not), else GB18030 (BOM or not)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    return text.lstrip("\ufeff")


def _year(raw: str) -> tuple[int | None, str | None]:
    """The year of a manifest cell, or why it is refused."""
    if not raw:
        return None, None
    if not _YEAR.fullmatch(raw):
        return None, f"year {raw[:20]!r} is not a year such as 2021"
    year = int(raw)
    if not FIRST_YEAR <= year <= last_year():
        return None, f"year {year} is not between {FIRST_YEAR} and {last_year()}"
    return year, None


def _row(line: str) -> list[str]:
    return next(csv.reader([line], strict=True), [])


def read_manifest(path: Path, warn: Warn) -> dict[str, dict[str, Any]]:
    """The rows of one manifest, keyed by the ``file`` each names (as written)."""
    try:
        text = decode_manifest(path.read_bytes())
    except OSError as exc:
        warn(f"{path}: cannot read the manifest ({exc.strerror}): not applied")
        return {}
    lines = [(n, ln.rstrip("\r")) for n, ln in enumerate(text.split("\n"), start=1)]
    lines = [(n, ln) for n, ln in lines if ln.strip()]
    if not lines:
        return {}
    try:
        header = [h.strip().lower() for h in _row(lines[0][1])]
    except csv.Error as exc:
        warn(f"{path} line {lines[0][0]}: cannot read the header ({exc}): not applied")
        return {}
    if "file" not in header:
        warn(f"{path}: no 'file' column in the header (columns: file, "
             f"{', '.join(FIELDS)}): not applied")
        return {}
    rows: dict[str, dict[str, Any]] = {}
    first_line: dict[str, int] = {}
    for number, line in lines[1:]:
        where = f"{path} line {number}"
        try:
            cells = _row(line)
        except csv.Error as exc:
            warn(f"{where}: cannot be read ({exc}): row ignored")
            continue
        if len(cells) != len(header):
            warn(f"{where}: has {len(cells)} fields, the header has {len(header)}: "
                 "row ignored")
            continue
        line_of = dict(zip(header, (c.strip() for c in cells)))
        name = line_of.get("file", "")
        if not name:
            warn(f"{where}: no file name: row ignored")
            continue
        entry: dict[str, Any] = {k: line_of.get(k, "") for k in FIELDS}
        entry["year"], problem = _year(entry["year"])
        if problem:
            warn(f"{where}: {problem}: row ignored")
            continue
        if name in rows:
            warn(f"{where}: names {name} again (first on line {first_line[name]}): "
                 "the first row applies")
            continue
        rows[name], first_line[name] = entry, number
    return rows


def _folders_within(parents: Iterable[Path], roots: Iterable[Path]) -> list[Path]:
    """The folders from each of ``parents`` (the files' folders) up to its input root:
    where manifests may be."""
    root_list = [r.resolve() for r in roots]
    folders: set[Path] = set()
    for parent in set(parents):
        folder = parent.resolve()
        root = max((r for r in root_list if folder == r or r in folder.parents),
                   key=lambda r: len(r.parts), default=None)
        if root is None:
            continue
        while True:
            folders.add(folder)
            if folder == root:
                break
            folder = folder.parent
    return sorted(folders)


def manifest_rows(parents: Iterable[Path], roots: Iterable[Path], warn: Warn
                  ) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The rows of every ``manifest.csv`` from the files' folders ``parents`` up to their
    input ``roots``, in the order they apply (a later row for the same file overrides an
    earlier one), each as (the resolved path of the file it names, its fields)."""
    for path, entry in manifest_rows_text(parents, roots, warn):
        yield Path(path), entry


def manifest_rows_text(parents: Iterable[Path], roots: Iterable[Path], warn: Warn
                       ) -> Iterator[tuple[str, dict[str, Any]]]:
    """:func:`manifest_rows`, each path as text (:func:`resolve_text`)."""
    resolved: dict[str, str] = {}
    for folder in _folders_within(parents, roots):
        manifest = folder / MANIFEST
        if not manifest.is_file():
            continue
        base = str(folder)
        for name, entry in read_manifest(manifest, warn).items():
            # realpath makes "./", "../", "//" and a trailing "/" what pathlib makes them
            yield resolve_text(os.path.join(base, name), resolved), entry


def read_manifests(files: Iterable[Path], roots: Iterable[Path] | None = None,
                   warn: Warn | None = None) -> dict[Path, dict[str, Any]]:
    """Overrides from every ``manifest.csv`` in the input roots, from each file's folder
    up to its root, keyed by the resolved path of the file each row names. ``roots``: the
    folders given (a file given alone: its own folder); default, each file's folder.
    Equal rows share one dict: treat them as read-only."""
    parents = {f.parent for f in files}
    roots = list(roots) if roots is not None else sorted(parents)
    say = warn if warn is not None else _warn
    overrides: dict[Path, dict[str, Any]] = {}
    shared: dict[tuple, dict[str, Any]] = {}  # equal rows (a region, say) held once
    for path, entry in manifest_rows(parents, roots, say):
        overrides[path] = shared.setdefault(tuple(entry.items()), entry)
    return overrides


def resolve_text(path: str, folders: dict[str, str]) -> str:
    """``os.path.realpath(path)`` (as ``Path.resolve()``), resolving each folder once
    (``folders`` remembers them): for a corpus of thousands of files in a few folders, far
    fewer system calls; on text, as what a folder of 100,000 files costs in pathlib is
    most of its look-ups."""
    parent, name = os.path.split(path)
    if name in ("", ".", "..") or not parent or os.path.islink(path):
        return os.path.realpath(path)
    real = folders.get(parent)
    if real is None:
        real = folders[parent] = os.path.realpath(parent)
    return os.path.join(real, name)


def _warn(message: str) -> None:
    import warnings

    warnings.warn(message, ManifestWarning, stacklevel=3)


class ManifestWarning(UserWarning):
    """A manifest row that was not applied, or a manifest that was not read."""
