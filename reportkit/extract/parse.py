"""One report file → a :class:`Report`: metadata, canonical values, checks, status."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from reportkit import schema
from reportkit.extract import metadata
from reportkit.extract.checks import COUNTED_KINDS, CellKey, CheckResult, check_report
from reportkit.extract.document import Document
from reportkit.extract.errors import ReportError
from reportkit.extract.narrative import check_narrative
from reportkit.extract.read import read_document
from reportkit.extract.runtogether import decode_requests
from reportkit.extract.tables import find_parts
from reportkit.extract.values import (
    PART_NAMES,
    Extraction,
    Value,
    extract_proactive,
    extract_requests,
    extract_review,
)
from reportkit.schema.frames import CHECK_COLUMNS, VALUE_COLUMNS


@dataclass
class Report:
    """A parsed report: who, when, which template, its values and the checks on them."""

    report_id: str
    source_path: str
    sha256: str
    agency: str = ""
    agency_short: str = ""
    agency_id: str = ""
    level: str = ""
    body_kind: str = ""
    region: str = ""
    year: int | None = None
    template: str = ""
    status: str = "failed"
    error: str = ""
    source_format: str = ""
    encoding: str = ""
    values: list[Value] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    #: the document's paragraphs, one a line, tables left out (None: it could not be read)
    prose: str | None = None

    @property
    def n_checks_failed(self) -> int:
        """How many identities this report fails (undecidable ones do not count, nor do
        narrative findings: see :mod:`reportkit.checks`)."""
        return sum(1 for c in self.checks if c.passed is False and c.kind in COUNTED_KINDS)

    def value_map(self) -> dict[CellKey, float]:
        """Values keyed ``(table, row, column)``."""
        return {(v.table, v.row, v.column): v.value for v in self.values}

    def meta(self) -> dict[str, Any]:
        """The report's row of ``reports.parquet``."""
        return {
            "report_id": self.report_id, "source_path": self.source_path,
            "sha256": self.sha256, "agency": self.agency, "agency_short": self.agency_short,
            "agency_id": self.agency_id, "level": self.level, "body_kind": self.body_kind,
            "region": self.region, "year": self.year, "template": self.template,
            "status": self.status, "error": self.error, "format": self.source_format,
            "encoding": self.encoding, "n_values": sum(1 for v in self.values
                                                       if v.value == v.value),
            "n_checks_failed": self.n_checks_failed,
            "ignored_rows": "; ".join(self.ignored),
        }

    @property
    def values_frame(self) -> pd.DataFrame:
        """The tidy frame: one row per cell of the template, NaN where blank."""
        frame = pd.DataFrame(
            [(self.report_id, v.table, v.row, v.column, v.value, v.raw, v.label_raw, v.match,
              v.page) for v in self.values], columns=VALUE_COLUMNS)
        return frame.astype({"value": "float64", "page": "Int64"})

    @property
    def checks_frame(self) -> pd.DataFrame:
        """The identity checks, one row each."""
        frame = pd.DataFrame([(c.report_id, c.check, c.subject, c.expected, c.actual,
                               c.passed, c.status, c.kind) for c in self.checks],
                             columns=CHECK_COLUMNS)
        return frame.astype({"expected": "float64", "actual": "float64", "passed": "boolean"})

    def table(self, name: str) -> pd.DataFrame:
        """One table as a wide frame (rows × columns), in template order."""
        frame = self.values_frame
        frame = frame[frame["table"] == name]
        order = [r.key for r in schema.rows_for(self.template or schema.LATEST, name)]
        wide = frame.pivot(index="row", columns="column", values="value")
        cols = list(dict.fromkeys(c for r in schema.rows_for(self.template or schema.LATEST, name)
                                  for c in r.columns))
        return wide.reindex(index=[o for o in order if o in wide.index],
                            columns=[c for c in cols if c in wide.columns])


def _run_together_pattern() -> re.Pattern[str]:
    phrases = sorted({p for r in schema.REQUEST_ROWS for p in r.phrases if not p.startswith("=")},
                     key=len, reverse=True)
    width = len(schema.REQUEST_COLUMNS)
    return re.compile("(?:" + "|".join(map(re.escape, phrases)) + r")[^\d\n]{0,24}?\s?"
                      + rf"(\d{{{width},}})(?![\d.])")


_RUN_TOGETHER = _run_together_pattern()
_RUN_TOGETHER_MIN_ROWS = 3


def run_together(text: str) -> str:
    """The first of the rows of part 三 whose cells a dump printed as one digit run
    ("申请数量640020470"), when at least three are; else ''. Such a run cannot be split
    into its cells (640020470: 6 4 0 0 2 0 470? 64 0 0 2 0 47 0?), so nothing is read."""
    hits = [m.group(0) for m, _ in zip(_RUN_TOGETHER.finditer(text), range(50))]
    return hits[0].strip() if len(hits) >= _RUN_TOGETHER_MIN_ROWS else ""


def _read_run_together(report: Report, text: str, joined: str) -> bool:
    """Part 三 of a text whose cells ran together, where the identities allow exactly one
    reading (:mod:`reportkit.runtogether`): values ``repaired``, the report ``partial``."""
    decoded = decode_requests(text)
    if decoded is None:
        return False
    template, variants, figures = decoded
    report.template = template
    for row in schema.rows_for(template, "requests", variants):
        for column, figure in zip(schema.REQUEST_COLUMNS, figures[row.key], strict=True):
            report.values.append(Value("requests", row.key, column, float(figure),
                                       str(figure), row.label, "repaired"))
    report.status = "partial"
    report.error = (f"the tables' cells are run together without separators (“{joined}”): "
                    "part 三 was read where the form's identities allow exactly one split of "
                    "its rows into cells (values marked repaired); parts 二 and 四 were not "
                    "read: use the page's HTML or the PDF")
    report.checks = check_report(report.report_id, report.template, report.value_map())
    return True


def report_id_for(sha256: str) -> str:
    """A report's id: the first 16 hex digits of its content hash."""
    return sha256[:16]


def parse_document(doc: Document, report: Report, year_hint: int | None = None) -> Report:
    """Fill ``report`` from a read document: metadata, values, status, checks."""
    report.source_format, report.encoding = doc.source_format, doc.encoding or ""
    parts = find_parts(doc)
    report.agency = report.agency or metadata.find_agency(doc)
    report.agency_short = report.agency_short or metadata.short_name(report.agency)
    report.agency_id = report.agency_id or metadata.agency_id(report.agency)
    report.level = report.level or metadata.level(report.agency)
    report.body_kind = report.body_kind or metadata.body_kind(report.agency)
    report.year = report.year or year_hint or metadata.find_year(doc)
    if not parts.rows:
        text = doc.text()
        joined = run_together(text)
        if joined and _read_run_together(report, text, joined):
            return report
        if joined:
            raise ReportError(f"the tables' cells are run together without separators "
                              f"(“{joined}”): no figure can be read from this text; use the "
                              "page's HTML or the PDF", "failed")
        if "政府信息公开" in text and "年度报告" in text:
            raise ReportError("none of the tables (parts 二, 三, 四) was found: check that "
                              "the file holds the whole report", "failed")
        raise ReportError("this is not a 政府信息公开工作年度报告 (none of its tables is "
                          "there)", "not_a_report")
    report.template = metadata.decide_template(parts, report.year)
    extractions: list[Extraction] = []
    if "proactive" in parts.rows:
        extractions.append(extract_proactive(parts.rows["proactive"], report.template,
                                             parts.pages.get("proactive")))
    if "requests" in parts.rows:
        extractions.append(extract_requests(parts.rows["requests"], report.template,
                                            parts.pages.get("requests")))
    if "review_litigation" in parts.rows:
        extractions.append(extract_review(parts.rows["review_litigation"],
                                          parts.pages.get("review_litigation")))
    problems = [f"{PART_NAMES[t]} ({schema.TABLE_LABELS[t]}) not found"
                for t in parts.missing()] + list(doc.problems)
    for ex in extractions:
        report.values.extend(ex.values)
        problems.extend(ex.problems)
        report.ignored.extend(ex.ignored)
    problems.extend(unfound(report, parts.missing(), problems))
    report.status = "partial" if problems else "ok"
    report.error = "; ".join(problems)
    values = report.value_map()
    report.checks = check_report(report.report_id, report.template, values)
    report.checks += check_narrative(report.report_id, doc.paragraphs(), values, report.year)
    return report


def unfound(report: Report, missing_tables: list[str], problems: list[str]) -> list[str]:
    """Sentences naming the template rows with a cell not found in the document (no value,
    or a value whose figures were not placed: ``match`` empty) that ``problems`` do not
    already name; tables reported missing as a whole are named already. The final guard
    of status honesty: a report with any such cell is never ``ok``."""
    values = report.values
    variants = tuple(k for k in schema.ROW_VARIANTS.get(report.template, {})
                     if any(v.row == k for v in values))
    expected = _template_cells(report.template, variants, tuple(missing_tables))
    unmatched = [v for v in values if not v.match]
    if not unmatched and len(values) == len(expected):
        return []  # the extractions emit each cell of their layout once: all found
    found = {(v.table, v.row, v.column) for v in values if v.match}
    out = []
    for table in schema.TABLES:
        if table in missing_tables:
            continue
        for row in schema.rows_for(report.template, table, variants):
            lost = [c for c in row.columns if (table, row.key, c) not in found]
            if lost and not any(f"“{row.label}”" in p for p in problems):
                out.append(f"{PART_NAMES[table]}: row “{row.label}”: cells not found in the "
                           f"document ({', '.join(lost)})")
    return out


@lru_cache(maxsize=64)
def _template_cells(template: str, variants: tuple[str, ...], missing: tuple[str, ...]
                    ) -> frozenset[tuple[str, str, str]]:
    return frozenset(c for c in schema.cells_for(template, None, variants) if c[0] not in missing)


def parse_bytes(data: bytes, source_path: str = "", overrides: dict[str, Any] | None = None
                ) -> Report:
    """Parse a report from its bytes. Never raises for bad input: the returned report's
    ``status`` and ``error`` say what went wrong."""
    sha = hashlib.sha256(data).hexdigest()
    report = Report(report_id_for(sha), source_path, sha)
    for key, value in (overrides or {}).items():
        if value not in (None, "") and hasattr(report, key):
            setattr(report, key, value)
    try:
        doc = read_document(data, source_path)
        report.prose = "\n".join(doc.paragraphs())
        parse_document(doc, report)
    except ReportError as exc:
        report.status, report.error = exc.status, str(exc)
        report.values, report.checks = [], []
    return report


def parse(path: str | Path, overrides: dict[str, Any] | None = None) -> Report:
    """Parse one report file (any supported format) into a :class:`Report`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        sha = hashlib.sha256(b"").hexdigest()
        report = Report(report_id_for(hashlib.sha256(str(path).encode()).hexdigest()),
                        str(path), sha)
        report.error = f"cannot read the file ({exc.strerror}): check the path and permissions"
        return report
    return parse_bytes(data, str(path), overrides)
