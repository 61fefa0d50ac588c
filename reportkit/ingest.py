"""A folder of reports → one Corpus: every input file gets exactly one row in ``reports``.

Per file: size limit (checked before reading), content hash, duplicate detection, parse.
Then the cross-year check (``carried_forward`` of N = ``carried_over`` of N+1) over the
corpus. An optional ``manifest.csv`` (file, agency, agency_short, region, year) in a folder
overrides what the text says for the files it names.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from reportkit import schema
from reportkit.checks import YearEntry, check_across_years
from reportkit.parse import CHECK_COLUMNS, VALUE_COLUMNS, Report, parse_bytes, report_id_for
from reportkit.store import Corpus, write_corpus

MANIFEST = "manifest.csv"
DEFAULT_MAX_SIZE_MB = 50.0
REPORT_COLUMNS = ["report_id", "source_path", "sha256", "agency", "agency_short", "region",
                  "year", "template", "status", "error", "format", "encoding", "n_values",
                  "n_checks_failed", "ignored_rows"]
_MANIFEST_FIELDS = ("agency", "agency_short", "region", "year")


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
    """Overrides from every ``manifest.csv`` next to (or above) the given files."""
    overrides: dict[Path, dict[str, Any]] = {}
    for folder in sorted({f.parent for f in files} | {p for f in files for p in f.parents}):
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
                overrides[(folder / name).resolve()] = entry
    return overrides


def parse_file(path: Path, overrides: dict[str, Any] | None, max_bytes: int) -> Report:
    """One file → one Report; never raises for bad input."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            sha = hashlib.sha256(str(path).encode()).hexdigest()
            report = Report(report_id_for(sha), str(path), "")
            report.error = (f"the file is {size / 1e6:.0f} MB, over the "
                            f"{max_bytes / 1e6:.0f} MB limit: raise --max-size-mb to read it")
            return report
        data = path.read_bytes()
    except OSError as exc:
        report = Report(report_id_for(hashlib.sha256(str(path).encode()).hexdigest()),
                        str(path), "")
        report.error = f"cannot read the file ({exc.strerror}): check its permissions"
        return report
    return parse_bytes(data, str(path), overrides)


def iter_reports(files: list[Path], max_size_mb: float = DEFAULT_MAX_SIZE_MB,
                 progress: bool = True) -> Iterator[Report]:
    """Parse ``files`` in order, marking later copies of the same content as duplicates."""
    overrides = read_manifests(files)
    max_bytes = int(max_size_mb * 1e6)
    first_of: dict[str, str] = {}
    copies: dict[str, int] = {}
    bar = tqdm(files, desc="reports", unit="file", disable=None if progress else True)
    for path in bar:
        report = parse_file(path, overrides.get(path.resolve()), max_bytes)
        if report.sha256 and report.sha256 in first_of:
            copies[report.sha256] = copies.get(report.sha256, 1) + 1
            dup = Report(f"{report.report_id}-{copies[report.sha256]}", str(path),
                         report.sha256, status="duplicate",
                         error=f"same content as {first_of[report.sha256]}: counted once")
            yield dup
            continue
        if report.sha256:
            first_of[report.sha256] = str(path)
        yield report


def ingest_paths(paths: Iterable[str | Path], out_dir: str | Path | None = None, *,
                 max_size_mb: float = DEFAULT_MAX_SIZE_MB, progress: bool = True) -> Corpus:
    """Parse every report under ``paths``; write Parquet/CSV to ``out_dir`` when given."""
    files = find_files(paths)
    value_rows: list[tuple] = []
    check_rows: list[tuple] = []
    metas: list[dict[str, Any]] = []
    carry: list[YearEntry] = []
    table, forward, over = schema.CROSS_YEAR
    for report in iter_reports(files, max_size_mb, progress):
        metas.append(report.meta())
        value_rows.extend((report.report_id, v.table, v.row, v.column, v.value, v.raw)
                          for v in report.values)
        check_rows.extend(_check_tuple(c) for c in report.checks)
        if report.values:
            vm = {k: v for k, v in report.value_map().items()
                  if k[0] == table and k[1] in (forward, over)}
            carry.append(YearEntry(report.report_id, report.agency, report.year, vm))
    cross = check_across_years(carry)
    check_rows.extend(_check_tuple(c) for c in cross)
    corpus = Corpus(_values_frame(value_rows), _reports_frame(metas, cross),
                    _checks_frame(check_rows))
    if out_dir is not None:
        write_corpus(corpus, out_dir)
    return corpus


def _check_tuple(c: Any) -> tuple:
    return (c.report_id, c.check, c.subject, c.expected, c.actual, c.passed, c.status)


def _values_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    return frame.astype({"value": "float64"})


def _checks_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    return frame.astype({"expected": "float64", "actual": "float64", "passed": "boolean"})


def _reports_frame(metas: list[dict[str, Any]], cross: list[Any]) -> pd.DataFrame:
    frame = pd.DataFrame(metas, columns=REPORT_COLUMNS)
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
    failed_checks = int((corpus.checks["passed"] == False).sum())  # noqa: E712
    lines = [f"{len(reports)} files: " + ", ".join(parts or ["none"])
             + f"; {failed_checks} failed identity checks"]
    for row in reports.itertuples():
        if row.status != "ok" and row.error:
            lines.append(f"  {row.status}: {row.source_path}: {row.error}")
    return "\n".join(lines)
