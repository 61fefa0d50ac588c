"""From the rows of a part's table to canonical values: (table, row, column, value, raw).

A table row is split into its label cells (text) and its value cells (numbers, blanks,
dashes: see :mod:`reportkit.numbers`). The label cells name the row through the schema
(:func:`reportkit.labels.match_row`); the value cells are read right-aligned against the
row's columns, after dropping trailing blank cells that a layout added beyond the table's
width. A figure is never moved to another cell to fill a gap: a blank stays NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from reportkit import schema
from reportkit.labels import match_column, match_row, normalize
from reportkit.numbers import read_cell

PART_NAMES: dict[str, str] = {"proactive": "part 二", "requests": "part 三",
                              "review_litigation": "part 四"}


@dataclass(slots=True)
class Value:
    """One figure of one report: NaN when the cell is blank or missing."""

    table: str
    row: str
    column: str
    value: float
    raw: str


@dataclass
class Extraction:
    """The values found in one table and what could not be read, as sentences."""

    values: list[Value] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def split_row(cells: list[str]) -> tuple[list[str], list[str]]:
    """``(labels, values)``: the non-empty text cells, and the cells after the last one."""
    last = -1
    for i, cell in enumerate(cells):
        if read_cell(cell) is None:
            last = i
    labels = [c for c in cells[: last + 1] if c.strip()]
    return labels, cells[last + 1:]


def fit(cells: list[str], width: int) -> tuple[list[str], bool]:
    """The ``width`` value cells of a row, right-aligned; and whether the row was short.

    Trailing blank cells beyond ``width`` are layout, not data, and are dropped first.
    A short row cannot say which of its columns is missing: the caller leaves the whole
    row blank rather than guess, and reports it.
    """
    cells = list(cells)
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    if len(cells) < width:
        return cells + [""] * (width - len(cells)), True
    return cells[len(cells) - width:], False


def _read_figure(raw: str) -> tuple[float, str, str]:
    """``(value, unit, raw text stripped)`` of a value cell; NaN when it is not a value."""
    cell = read_cell(raw)
    if cell is None:
        return math.nan, "", raw.strip()
    return cell.value, cell.unit, raw.strip()


_read_figure_cached = lru_cache(maxsize=16384)(_read_figure)  # figures repeat


def _figure(raw: str) -> tuple[float, str, str]:
    return _read_figure_cached(raw) if len(raw) <= 40 else _read_figure(raw)


def _to_value(table: str, row: str, column: str, raw: str) -> Value:
    value, unit, stripped = _figure(raw)
    if unit == "元" and column == "amount_10k_yuan":
        value = value / 10_000
    return Value(table, row, column, value, stripped)


def _emit(out: Extraction, row: schema.Row, columns: tuple[str, ...], cells: list[str]) -> None:
    label = row.label
    fitted, short = fit(cells, len(columns))
    if short:
        printed = " ".join(c.strip() or "_" for c in cells)
        out.problems.append(f"{PART_NAMES[row.table]}: row “{label}” has {len(cells)} cells "
                            f"for {len(columns)} columns ({printed}): left blank, not guessed")
        fitted = [""] * len(columns)
    for column, raw in zip(columns, fitted):
        if not column.startswith("_"):
            out.values.append(_to_value(row.table, row.key, column, raw))


def _fill_missing(out: Extraction, rows: tuple[schema.Row, ...], found: set[str],
                  table: str) -> None:
    for row in rows:
        if row.key not in found:
            out.problems.append(f"{PART_NAMES[table]}: row “{row.label}” not found")
            for column in row.columns:
                out.values.append(Value(table, row.key, column, math.nan, ""))


# --- Part 二 ---------------------------------------------------------------------------------


def extract_proactive(rows: list[list[str]], template: str) -> Extraction:
    """Values of part 二. A template row followed by a body's own sub-label
    (seed 漷县镇: 其他对外管理服务事项 → 行政检查) has no figure of its own: its
    cells stay blank and the local rows are listed in ``ignored``."""
    out = Extraction()
    candidates = schema.rows_for(template, "proactive")
    found: set[str] = set()
    for cells in rows:
        labels, vals = split_row(cells)
        if not labels:
            continue
        matched: schema.Row | None = None
        local: list[str] = []
        for label in labels:
            hit = match_row([label], candidates)
            if hit is not None and matched is None:
                matched = hit
            elif matched is not None and hit is None:
                local.append(label)
        if matched is None:
            if any(v.strip() for v in vals) and not _is_header(labels):
                out.ignored.append(normalize("".join(labels)))
            continue
        if matched.key in found:
            continue
        found.add(matched.key)
        if local:
            out.ignored.extend(normalize(x) for x in local)
            _emit(out, matched, matched.columns, [""] * len(matched.columns))
        else:
            _emit(out, matched, matched.columns, vals)
    _fill_missing(out, candidates, found, "proactive")
    return out


def _is_header(labels: list[str]) -> bool:
    return any("信息内容" in normalize(x) or normalize(x).startswith("第二十条") for x in labels)


# --- Part 三 ---------------------------------------------------------------------------------


def request_columns(header_rows: list[list[str]]) -> tuple[str, ...]:
    """The value columns of part 三 in order: the template's seven, or with the 小计
    column some bodies add, placed where its header row puts it."""
    text = normalize("".join("".join(r) for r in header_rows))
    if "小计" not in text:
        return schema.REQUEST_COLUMNS
    org = schema.APPLICANT_COLUMNS[1:] + (schema.SUBTOTAL_COLUMN,)
    for cells in header_rows:
        keys = [c.key for c in (match_column(x, org) for x in cells) if c is not None]
        if "_subtotal" in keys and len(keys) >= 3:
            ordered = [k for k in dict.fromkeys(keys)]
            rest = [c.key for c in org if c.key not in ordered]
            return ("natural_person", *ordered, *rest, "total")
    return ("natural_person", *(c.key for c in schema.APPLICANT_COLUMNS[1:]), "_subtotal",
            "total")


def extract_requests(rows: list[list[str]], template: str) -> Extraction:
    """Values of part 三. Rows before "本年新收…" are headers; a label broken around the
    numbers ("补正后申请内" … "容仍不明确") is joined to the row it belongs to."""
    out = Extraction()
    candidates = schema.rows_for(template, "requests")
    first = schema.REQUEST_ROWS[0]
    start = next((i for i, cells in enumerate(rows)
                  if match_row(split_row(cells)[0], (first,)) is not None), None)
    if start is None:
        out.problems.append("part 三: no row “一、本年新收政府信息公开申请数量”")
        _fill_missing(out, candidates, set(), "requests")
        return out
    columns = request_columns(rows[:start])
    found: set[str] = set()
    prefix: list[str] = []
    unmatched: tuple[list[str], list[str]] | None = None
    for cells in rows[start:]:
        labels, vals = split_row(cells)
        has_values = any(v.strip() for v in vals)
        row = match_row(labels, candidates) if labels else None
        if row is None and labels and prefix:
            row = match_row(["".join(prefix + labels)], candidates)
        if row is None:
            if labels and not has_values and unmatched is not None:
                row = match_row(["".join(unmatched[0] + labels)], candidates)
                if row is not None and row.key not in found:
                    found.add(row.key)
                    _emit(out, row, columns, unmatched[1])
                unmatched = None
            elif labels and not has_values:
                prefix.append("".join(labels))
            elif has_values:
                unmatched = (labels, vals)
            continue
        prefix, unmatched = [], None
        if row.key in found:
            continue
        found.add(row.key)
        _emit(out, row, columns, vals)
    if unmatched is not None and unmatched[0]:
        out.ignored.append(normalize("".join(unmatched[0])))
    _fill_missing(out, candidates, found, "requests")
    return out


def _joined(rows: list[list[str]]) -> list[str]:
    """Value rows of one logical row that a layout wrapped, without their trailing blanks."""
    cells: list[str] = []
    for vals in rows:
        vals = list(vals)
        while vals and not vals[-1].strip():
            vals.pop()
        cells.extend(vals)
    return cells


# --- Part 四 ---------------------------------------------------------------------------------


def extract_review(rows: list[list[str]]) -> Extraction:
    """Values of part 四: one row of 15 numbers (复议, 直接起诉, 复议后起诉 × 5), or one
    labelled row of 5 numbers per block."""
    out = Extraction()
    blocks = schema.REVIEW_ROWS
    width = sum(len(r.columns) for r in blocks)
    unlabelled: list[list[str]] = []
    labelled: dict[str, list[str]] = {}
    for cells in rows:
        labels, vals = split_row(cells)
        if not any(v.strip() for v in vals):
            continue
        if labels:
            row = match_row(labels, blocks)
            if row is not None and row.key not in labelled:
                labelled[row.key] = vals
            continue
        unlabelled.append(vals)
    if unlabelled:
        cells = unlabelled[0] if len(unlabelled) == 1 else _joined(unlabelled)
        fitted, short = fit(cells, width)
        if short:
            out.problems.append(f"part 四: {len(cells)} cells where {width} were expected: "
                                "left blank, not guessed")
            fitted = [""] * width
        i = 0
        for row in blocks:
            _emit(out, row, row.columns, fitted[i:i + len(row.columns)])
            i += len(row.columns)
        return out
    for row in blocks:
        if row.key in labelled:
            _emit(out, row, row.columns, labelled[row.key])
    _fill_missing(out, blocks, set(labelled), "review_litigation")
    return out
