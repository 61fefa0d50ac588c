"""The processed corpus as one Excel workbook (``reportkit export --xlsx``, ``reportkit run``).

Sheets, in this order:

* ``about``: what the workbook holds, where it came from, and any sheet that went on to a
  second one;
* ``values``: one row per report (``report_id``, ``agency``, ``year``, ``template``,
  ``status``), one column per cell of the form (both templates' cells,
  :func:`reportkit.corpus.wide.wide_cells`); row 1 the cell's name in Chinese
  (part · row · column, :func:`reportkit.schema.labels.cell_label`), row 2 its canonical
  key ``table.row.column``; figures as numbers, a blank cell where a report has none
  (never 0);
* ``reports``: every input file's row of ``reports`` (status, error, source file, format …);
* ``checks``: per check, how many passed, failed, could not be decided (``missing``), then
  the failed rows (as many as the sheet holds; all of them are in ``checks.parquet``);
* ``codebook``: each key with its Chinese and English label, table, unit, outcome group
  and the templates that hold it.

Excel holds :data:`SHEET_ROWS` rows a sheet: a table with more rows goes on in
``values (2)``, ``values (3)`` …, each with the same header rows, and ``about`` says so.
Everything is streamed (xlsxwriter's ``constant_memory`` mode, the Parquet read in
batches), so memory stays flat at any corpus size. Text is written as text
(``write_string``), never as a formula, whatever it starts with.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xlsxwriter

from reportkit import schema
from reportkit.corpus.outdir import atomic_write
from reportkit.corpus.wide import (
    REPORT_FIELDS,
    WidePivot,
    cell_key,
    cell_templates,
    wide_cells,
)
from reportkit.schema.frames import PASSED, REPORT_COLUMNS
from reportkit.schema.labels import cell_label, column_label, field_label, row_label

#: Rows one Excel sheet holds (Excel 2007 and later); a longer table goes on in another.
SHEET_ROWS = 1_048_576
#: Header rows of every table: the Chinese label, then the key.
HEADER_ROWS = 2
#: Columns of the failed checks listed on the ``checks`` sheet.
FAILED_COLUMNS = ("report_id", "agency", "check", "subject", "expected", "actual", "kind")
_CHECK_STATUSES = (PASSED, "failed", "missing")
_BOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False,
                 "strings_to_urls": False, "strings_to_numbers": False}
_WIDTHS = {"report_id": 18, "agency": 30, "source_path": 40, "sha256": 18, "error": 50,
           "year": 7, "template": 9, "status": 12, "check": 16, "subject": 40,
           "ignored_rows": 30}


@dataclass
class Workbook:
    """What :func:`export_workbook` wrote: the file, the data rows of each sheet, notes
    for the user (a table that went on to another sheet, rows left out)."""

    path: Path
    sheets: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Table:
    """One table over as many sheets as its rows need (``name``, ``name (2)`` …), each
    with the two header rows, frozen panes and column widths."""

    def __init__(self, book: Any, name: str, labels: Sequence[str], keys: Sequence[str],
                 formats: dict[str, Any], result: Workbook, freeze_columns: int = 1,
                 widths: Sequence[float] | None = None) -> None:
        self.book, self.name, self.labels, self.keys = book, name, labels, keys
        self.formats, self.result = formats, result
        self.freeze_columns = freeze_columns
        self.widths = widths or [_WIDTHS.get(k, 14) for k in keys]
        self.parts: list[str] = []
        self.sheet: Any = None
        self.row = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        name = self.name if not self.parts else f"{self.name} ({len(self.parts) + 1})"
        self.parts.append(name)
        self.sheet = ws = self.book.add_worksheet(name)
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, width)
        ws.set_row(0, 48)
        _headers(ws, 0, self.labels, self.keys, self.formats)
        ws.freeze_panes(HEADER_ROWS, self.freeze_columns)
        self.row = HEADER_ROWS
        self.result.sheets[name] = 0

    def next_row(self) -> tuple[Any, int]:
        """The sheet and row index for the next data row (a new sheet when one is full)."""
        if self.row >= SHEET_ROWS:
            self._new_sheet()
        row, self.row = self.row, self.row + 1
        self.result.sheets[self.parts[-1]] += 1
        return self.sheet, row

    def write(self, values: Sequence[Any]) -> None:
        """One data row: text as text, numbers as numbers, nothing for a missing value."""
        ws, row = self.next_row()
        for col, value in enumerate(values):
            _cell(ws, row, col, value)

    def note_parts(self) -> None:
        """Say so when the table went on to more sheets."""
        if len(self.parts) > 1:
            self.result.notes.append(
                f"{self.name}: {sum(self.result.sheets[p] for p in self.parts)} rows, more "
                f"than one sheet holds ({SHEET_ROWS - HEADER_ROWS}): continued on "
                + ", ".join(self.parts[1:]))


def _headers(ws: Any, row: int, labels: Sequence[str], keys: Sequence[str],
             formats: dict[str, Any]) -> None:
    """The two header rows at ``row``: the labels, then the keys (row by row: in
    ``constant_memory`` mode a row is written out once the next one starts)."""
    for col, label in enumerate(labels):
        ws.write_string(row, col, label, formats["label"])
    for col, key in enumerate(keys):
        ws.write_string(row + 1, col, key, formats["key"])


def _cell(ws: Any, row: int, col: int, value: Any) -> None:
    """``value`` into one cell: text with ``write_string`` (never a formula), a number
    with ``write_number``; None, NaN and "" leave the cell blank."""
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "True" if value else "False")
    elif isinstance(value, (int, float, np.integer, np.floating)):
        if not math.isnan(value) and not math.isinf(value):
            ws.write_number(row, col, value)
    elif value != "":
        ws.write_string(row, col, str(value))


def _formats(book: Any) -> dict[str, Any]:
    return {"label": book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                      "bg_color": "#DDEBF7", "border": 1}),
            "key": book.add_format({"font_color": "#595959", "font_size": 9,
                                    "bg_color": "#F2F2F2", "border": 1}),
            "title": book.add_format({"bold": True, "font_size": 13}),
            "bold": book.add_format({"bold": True}),
            "wrap": book.add_format({"text_wrap": True, "valign": "top"})}


# --- the sheets -------------------------------------------------------------------------------


def _values_sheet(book: Any, formats: dict[str, Any], result: Workbook,
                  values: pq.ParquetFile, reports: pa.Table) -> int:
    """One row per report, one column per cell; returns the values left out (their cell
    is in no template)."""
    cells = wide_cells()
    labels = [field_label(f, "zh") for f in REPORT_FIELDS] + \
        [cell_label(*c, "zh") for c in cells]
    keys = [*REPORT_FIELDS, *(cell_key(c) for c in cells)]
    table = _Table(book, "values", labels, keys, formats, result, freeze_columns=2)
    fields = reports.select(list(REPORT_FIELDS))
    first = len(REPORT_FIELDS)
    pivot = WidePivot(values, reports.column("report_id"))
    for block in pivot:
        head = fields.slice(block.start, block.stop - block.start).to_pylist()
        for meta, figures in zip(head, block.matrix):
            ws, row = table.next_row()
            for col, name in enumerate(REPORT_FIELDS):
                _cell(ws, row, col, meta[name])
            write, numbers = ws.write_number, figures.tolist()
            for j in np.flatnonzero(~np.isnan(figures)).tolist():
                write(row, first + j, numbers[j])
    table.note_parts()
    if pivot.conflicts:
        result.notes.append(f"values: {pivot.conflicts} cells given twice by one report left "
                            "blank (see values.parquet)")
    return pivot.unknown


def _reports_sheet(book: Any, formats: dict[str, Any], result: Workbook,
                   reports: pa.Table) -> None:
    table = _Table(book, "reports", [field_label(c, "zh") for c in REPORT_COLUMNS],
                   REPORT_COLUMNS, formats, result, freeze_columns=1)
    for batch in reports.select(REPORT_COLUMNS).to_batches(max_chunksize=8192):
        for row in batch.to_pylist():
            table.write([row[c] for c in REPORT_COLUMNS])
    table.note_parts()


def _check_counts(checks: pq.ParquetFile) -> dict[tuple[str, str], Counter]:
    """``{(check, kind): Counter(status → n)}`` over ``checks.parquet``, streamed."""
    counts: dict[tuple[str, str], Counter] = {}
    for batch in checks.iter_batches(batch_size=262_144, columns=["check", "kind", "status"]):
        grouped = pa.Table.from_batches([batch]).group_by(["check", "kind", "status"]) \
            .aggregate([([], "count_all")])
        for row in grouped.to_pylist():
            key = (row["check"] or "", row["kind"] or "")
            counts.setdefault(key, Counter())[row["status"] or ""] += row["count_all"]
    return counts


def _checks_sheet(book: Any, formats: dict[str, Any], result: Workbook,
                  checks: pq.ParquetFile, agency_of: Callable[[str], str | None]) -> None:
    """The counts per check, then the failed rows while the sheet has room."""
    counts = _check_counts(checks)
    names = ["check", "kind", *_CHECK_STATUSES, "other", "total"]
    zh = ["检查", "检查类别", "通过", "未通过", "无法判断（缺数）", "其他", "合计"]
    table = _Table(book, "checks", zh, names, formats, result, freeze_columns=1,
                   widths=[18, 14, 10, 10, 16, 10, 10])
    for (check, kind), n in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        other = sum(v for k, v in n.items() if k not in _CHECK_STATUSES)
        table.write([check, kind, *(n.get(s, 0) for s in _CHECK_STATUSES), other,
                     sum(n.values())])
    failed_total = sum(n.get("failed", 0) for n in counts.values())
    ws = table.sheet
    row = table.row + 1
    if failed_total == 0:
        ws.write_string(row, 0, "没有未通过的检查 / no check failed", formats["bold"])
        return
    room = SHEET_ROWS - row - 1 - HEADER_ROWS
    if room <= 0:
        result.notes.append(f"checks: {failed_total} failed rows; the sheet has no room for "
                            "them: they are in checks.parquet / checks.csv")
        return
    shown = min(failed_total, room)
    ws.write_string(row, 0, f"未通过的检查 / failed checks: {failed_total}"
                    + (f" (the first {shown} here; all in checks.parquet / checks.csv)"
                       if shown < failed_total else ""), formats["bold"])
    _headers(ws, row + 1, [field_label(n, "zh") for n in FAILED_COLUMNS], FAILED_COLUMNS,
             formats)
    row += 1 + HEADER_ROWS
    written = 0
    columns = [c for c in FAILED_COLUMNS if c != "agency"]
    for batch in checks.iter_batches(batch_size=65_536, columns=[*columns, "status"]):
        if written >= shown:
            break
        failed = pc.filter(batch, pc.equal(batch.column("status"), "failed"))
        for item in failed.to_pylist()[: shown - written]:
            item["agency"] = agency_of(item["report_id"])
            for col, name in enumerate(FAILED_COLUMNS):
                _cell(ws, row, col, item[name])
            row += 1
            written += 1
    result.sheets["checks"] += written
    if shown < failed_total:
        result.notes.append(f"checks: {failed_total - shown} failed rows more than the sheet "
                            "holds; all are in checks.parquet / checks.csv")


def _unit(column: str) -> str:
    if column == "amount_10k_yuan":
        return "万元 (10k yuan)"
    if column == "amount":
        return "表格未注明 (not stated by the form)"
    return "数量 (count)"


def _codebook_sheet(book: Any, formats: dict[str, Any], result: Workbook) -> None:
    names = ["key", "label_zh", "label_en", "table", "row", "column", "unit",
             "outcome_group", "templates"]
    zh = ["键", "中文标签", "英文标签", "表", "行", "列", "单位", "办理结果类别", "表格版本"]
    table = _Table(book, "codebook", zh, names, formats, result, freeze_columns=1,
                   widths=[44, 44, 50, 18, 28, 20, 22, 22, 20])
    for cell in wide_cells():
        t, r, c = cell
        own, variant = cell_templates(cell)
        group = schema.outcome_group(r) if t == "requests" else None
        table.write([cell_key(cell), cell_label(*cell, "zh"), cell_label(*cell, "en"), t,
                     f"{r} ({row_label(r, 'zh')})", f"{c} ({column_label(c, 'zh')})",
                     _unit(c), f"{group} ({schema.OUTCOME_GROUPS[group]})" if group else "",
                     ", ".join(own + [f"{v} (printed by some reports in place of "
                                      "their own rows)" for v in variant])])


def _about_sheet(ws: Any, formats: dict[str, Any], result: Workbook, source: Path,
                 n_reports: int) -> None:
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 90)
    lines: list[tuple[str, str]] = [
        ("来源 / source", str(source)),
        ("写于 / written", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("报告数 / reports", str(n_reports)),
        ("values", "每份报告一行，每个表格单元一列；第1行中文名称，第2行键（table.row.column）；"
                   "空白 = 报告中没有该数（不是0）。One row per report, one column per cell "
                   "of the form; row 1 its Chinese name, row 2 its key; blank = the report "
                   "gives no figure (never 0)."),
        ("reports", "每个输入文件一行：状态、说明、源文件、格式 … One row per input file."),
        ("checks", "每项检查的通过/未通过/无法判断数，及未通过的行。Per check: passed, failed, "
                   "undecidable (missing), then the failed rows."),
        ("codebook", "每个键的中文、英文标签、单位、类别。Each key's labels, unit and group."),
    ]
    lines += [(name, f"{rows} rows") for name, rows in result.sheets.items()]
    lines += [("注意 / note", note) for note in result.notes]
    ws.write_string(0, 0, "政府信息公开工作年度报告 · reportkit", formats["title"])
    for i, (key, text) in enumerate(lines, start=2):
        ws.write_string(i, 0, key, formats["bold"])
        ws.write_string(i, 1, text, formats["wrap"])


# --- the whole --------------------------------------------------------------------------------


def _open(processed: Path) -> tuple[pq.ParquetFile, pa.Table, pq.ParquetFile]:
    """The three files, opened at once (a run that replaces them meanwhile does not mix
    two corpora into one workbook)."""
    missing = [n for n in ("values", "reports", "checks")
               if not (processed / f"{n}.parquet").is_file()]
    if missing:
        raise FileNotFoundError(
            f"{processed}: no {', '.join(m + '.parquet' for m in missing)}; "
            f"run `reportkit ingest data/raw --out {processed}` first")
    values = pq.ParquetFile(processed / "values.parquet")
    checks = pq.ParquetFile(processed / "checks.parquet")
    reports = pq.read_table(processed / "reports.parquet")
    return values, reports, checks


def export_workbook(processed_dir: str | Path, path: str | Path) -> Workbook:
    """Write the workbook of ``processed_dir`` (what ``reportkit ingest`` wrote) to
    ``path`` (a temporary beside it, then renamed). Raises FileNotFoundError when the
    folder holds no corpus, ValueError when its files do not belong together."""
    processed, target = Path(processed_dir), Path(path)
    values, reports, checks = _open(processed)
    result = Workbook(target)
    agencies = dict(zip(reports.column("report_id").to_pylist(),
                        reports.column("agency").to_pylist()))

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp), _BOOK_OPTIONS)
        try:
            formats = _formats(book)
            about = book.add_worksheet("about")
            unknown = _values_sheet(book, formats, result, values, reports)
            if unknown:
                result.notes.append(f"values: {unknown} figures of cells in no template "
                                    "left out (they are in values.parquet)")
            _reports_sheet(book, formats, result, reports)
            _checks_sheet(book, formats, result, checks, agencies.get)
            _codebook_sheet(book, formats, result)
            _about_sheet(about, formats, result, processed, reports.num_rows)
        finally:
            book.close()

    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, write)
    return result


def up_to_date(processed_dir: str | Path, path: str | Path) -> bool:
    """Whether the workbook at ``path`` was written after every file it is made of
    (``reports``, ``values`` and ``checks`` of ``processed_dir``) last changed."""
    try:
        written = Path(path).stat().st_mtime_ns
        made_of = [Path(processed_dir, f"{name}.parquet").stat().st_mtime_ns
                   for name in ("reports", "values", "checks")]
    except OSError:
        return False
    return written > max(made_of)


def write_workbook(processed_dir: str | Path, path: str | Path) -> Path:
    """The workbook of ``processed_dir`` at ``path`` (see :func:`export_workbook`);
    returns ``path``."""
    return export_workbook(processed_dir, path).path


def sheet_rows(result: Workbook) -> Iterator[str]:
    """One line per sheet for the user: its name and data rows."""
    for name, rows in result.sheets.items():
        yield f"{name}: {rows} rows"


__all__ = ["SHEET_ROWS", "Workbook", "export_workbook", "sheet_rows", "up_to_date",
           "write_workbook"]
