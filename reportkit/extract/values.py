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
from itertools import repeat

from reportkit import schema
from reportkit.extract.align import Printed, Verify, align, heading_group, item_number
from reportkit.extract.matching import match_column, match_row, normalize
from reportkit.extract.numbers import _CACHED_MAX_CHARS, read_cell
from reportkit.extract.shortmemo import ShortMemo

PART_NAMES: dict[str, str] = {"proactive": "part 二", "requests": "part 三",
                              "review_litigation": "part 四"}


@dataclass(slots=True)
class Value:
    """One figure of one report: NaN when the cell is blank or missing. ``label_raw`` is the
    row's label as printed, ``match`` how it was named (exact | normalised | similar |
    position | repaired; "" when the row was not found or its figures could not be placed),
    ``page`` the PDF page."""

    table: str
    row: str
    column: str
    value: float
    raw: str
    label_raw: str = ""
    match: str = ""
    page: int | None = None


@dataclass
class Extraction:
    """The values found in one table and what could not be read, as sentences."""

    values: list[Value] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def split_row(cells: list[str]) -> tuple[list[str], list[str]]:
    """``(labels, values)``: the non-empty text cells, and the cells after the last one."""
    try:  # hot path: cells repeat across reports, each a dict look-up
        kinds = "".join(map(_CELL_KINDS.get, cells))
    except TypeError:  # a cell not seen (or not remembered)
        kinds = "".join([_CELL_KINDS.get(c) or _kind(c) for c in cells])
    last = kinds.rfind("L") + 1  # "L" a label cell, "V" a value cell
    if not last:
        return [], cells[:]
    return list(filter(str.strip, cells[:last])), cells[last:]


# cell text -> "L" when it is a label, "V" when it is a value (see read_cell), for short cells
_CELL_KINDS: dict[str, str] = {}
_CELL_KINDS_MAX = 50_000


def _kind(cell: str) -> str:
    kind = "V" if read_cell(cell) is not None else "L"
    if len(cell) <= _CACHED_MAX_CHARS:
        if len(_CELL_KINDS) >= _CELL_KINDS_MAX:
            _CELL_KINDS.clear()
        _CELL_KINDS[cell] = kind
    return kind


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


def _figure(raw: str) -> tuple[float, str, str]:
    return _FIGURES.get(raw) or _remember_figure(raw)


@lru_cache(maxsize=4096)
def match_kind(label_raw: str, template_label: str) -> str:
    """``exact`` when a label is printed as the template writes it (spaces and line breaks
    aside), else ``normalised``."""
    printed = "".join(label_raw.split())
    return "exact" if printed == template_label or (template_label.endswith(printed) \
        and len(printed) >= 2) else "normalised"


def _emit(out: Extraction, row: schema.Row, columns: tuple[str, ...], cells: list[str],
          label_raw: str = "", match: str = "", page: int | None = None) -> None:
    """The row's values; a row seen but whose figures cannot be placed (short, figures
    beyond its columns, or ``match`` empty: see :func:`_resolve`) is left blank with
    ``match`` empty, and named unless the caller named it already."""
    width = len(columns)
    if len(cells) != width or not match:  # (a row of exactly its width is read as printed)
        fitted, short = fit(cells, width)
        extra = _extra_figures(cells, width)
        if match and (short or extra):
            printed = " ".join(c.strip() or "_" for c in cells)
            out.problems.append(f"{PART_NAMES[row.table]}: row “{row.label}” has {len(cells)} "
                                f"cells for {width} columns ({printed}): left blank, not guessed")
        if short or extra or not match:
            fitted, match = [""] * width, ""  # seen, but its figures not placed
        cells = fitted
    if _has_layout_columns(columns):  # a "_" column (小计) is layout: no value of its own
        kept = [(c, raw) for c, raw in zip(columns, cells) if c[0] != "_"]
        columns, cells = tuple(c for c, _ in kept), [raw for _, raw in kept]
    values, units, raws = zip(*_figures(cells)) if cells else ((), (), ())
    if "元" in units:
        values = tuple(v / 10_000 if u == "元" and c == "amount_10k_yuan" else v
                       for c, v, u in zip(columns, values, units))
    n = len(values)
    out.values.extend(map(Value, repeat(row.table, n), repeat(row.key, n), columns, values,
                          raws, repeat(label_raw, n), repeat(match, n), repeat(page, n)))


@lru_cache(maxsize=256)
def _has_layout_columns(columns: tuple[str, ...]) -> bool:
    return any(c[0] == "_" for c in columns)


# raw cell text -> _read_figure(raw), for short cells (figures repeat across reports)
_FIGURES: ShortMemo[tuple[float, str, str]] = ShortMemo(_read_figure, _CACHED_MAX_CHARS, 50_000)
_remember_figure = _FIGURES.remember


def _figures(cells: list[str]) -> list[tuple[float, str, str]]:
    """:func:`_read_figure` of each cell, the short ones remembered (a dict look-up each:
    the hot path of every value of every report)."""
    got = list(map(_FIGURES.get, cells))
    if None in got:
        got = [_remember_figure(c) if f is None else f for c, f in zip(cells, got)]
    return got


def _extra_figures(cells: list[str], width: int) -> bool:
    """True when a row prints figures left of its ``width`` right-aligned value cells."""
    if len(cells) <= width:
        return False
    end = len(cells)
    while end > width and not cells[end - 1].strip():
        end -= 1
    return any(map(str.strip, cells[:end - width]))


def _fill_missing(out: Extraction, rows: tuple[schema.Row, ...], found: set[str],
                  table: str) -> None:
    for row in rows:
        if row.key not in found:
            if not any(f"“{row.label}”" in p for p in out.problems):
                out.problems.append(f"{PART_NAMES[table]}: row “{row.label}” not found")
            for column in row.columns:
                out.values.append(Value(table, row.key, column, math.nan, ""))


# --- Part 二 ---------------------------------------------------------------------------------


def extract_proactive(rows: list[list[str]], template: str,
                      pages: list[int | None] | None = None) -> Extraction:
    """Values of part 二. A template row followed by a body's own sub-label
    (seed 漷县镇: 其他对外管理服务事项 → 行政检查) has no figure of its own: its
    cells stay blank and the local rows are listed in ``ignored``. Rows no phrase names
    are aligned to the template's missing rows by label similarity and order."""
    out = Extraction()
    candidates = schema.rows_for(template, "proactive")
    printed: list[Printed] = []
    for i, cells in enumerate(rows):
        labels, vals = split_row(cells)
        if not labels:
            continue
        matched: schema.Row | None = None
        local: list[str] = []
        label_raw = ""
        for label in labels:
            hit = match_row([label], candidates)
            if hit is not None and matched is None:
                matched, label_raw = hit, label
            elif matched is not None and hit is None:
                local.append(label)
        if matched is None:
            if any(map(str.strip, vals)) and not _is_header(labels):
                printed.append(Printed(labels, vals, page=_page(pages, i)))
            continue
        if local:
            out.ignored.extend(normalize(x) for x in local)
            vals = [""] * len(matched.columns)
        printed.append(Printed([label_raw], vals, None, matched.key,
                               match_kind(label_raw, matched.label), _page(pages, i)))
    _resolve(out, printed, candidates, "proactive", lambda assigned: None)
    by_key = {x.key: x for x in reversed(printed) if x.key is not None}
    for row in candidates:
        p = by_key.get(row.key)
        if p is None:
            _fill_missing(out, (row,), set(), "proactive")
        else:
            _emit(out, row, row.columns, p.values, p.label_raw, p.match, p.page)
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


#: The row part 三's figures start at (一、本年新收…), as the candidates of a match.
_FIRST_REQUEST_ROW = (schema.REQUEST_ROWS[0],)


def extract_requests(rows: list[list[str]], template: str,
                     pages: list[int | None] | None = None) -> Extraction:
    """Values of part 三. Rows before "本年新收…" are headers; a label broken around the
    numbers ("补正后申请内" … "容仍不明确") or by a page break ("2.其他法律行政法规" …
    "禁止公开") is joined to the row it belongs to; rows no phrase names are aligned to the
    template (:mod:`reportkit.align`), the identities deciding between alignments."""
    out = Extraction()
    start = next((i for i, cells in enumerate(rows)
                  if match_row(split_row(cells)[0], _FIRST_REQUEST_ROW) is not None), None)
    if start is None:
        out.problems.append("part 三: no row “一、本年新收政府信息公开申请数量”")
        _fill_missing(out, schema.rows_for(template, "requests"), set(), "requests")
        return out
    columns = request_columns(rows[:start])
    names = schema.rows_for(template, "requests") + schema.variant_rows(template, "requests")
    variant_keys = {r.key for r in schema.variant_rows(template, "requests")}
    printed = _printed_rows(rows, start, names, pages, variant_keys)
    variants = _variants(printed, template, out)
    template_rows = schema.rows_for(template, "requests", variants)
    _resolve(out, printed, template_rows, "requests",
             lambda assigned: _outcomes_hold(assigned, template_rows, columns))
    by_key = {x.key: x for x in reversed(printed) if x.key is not None}
    for row in template_rows:
        p = by_key.get(row.key)
        if p is None:
            _fill_missing(out, (row,), set(), "requests")
        else:
            _emit(out, row, columns, p.values, p.label_raw, p.match, p.page)
    return out


def _printed_rows(rows: list[list[str]], start: int, names: tuple[schema.Row, ...],
                  pages: list[int | None] | None, variant_keys: set[str]) -> list[Printed]:
    """The printed rows of part 三 from its first row on, continuation fragments joined,
    each named by phrase where one names it, with the group heading it sits under."""
    printed: list[Printed] = []
    prefix: list[str] = []
    pending: Printed | None = None  # the last row with figures that no phrase named
    heading: str | None = None
    for i in range(start, len(rows)):
        labels, vals = split_row(rows[i])
        has_values = any(map(str.strip, vals))
        if not labels:
            if has_values:
                pending = None
                printed.append(Printed([], vals, heading, page=_page(pages, i)))
            continue
        row = match_row(labels, names)
        if row is not None and not has_values and row.key in variant_keys:
            row = None  # （六）其他处理 over its items: a heading
        if row is None and prefix:
            row = match_row(["".join(prefix + labels)], names)
            if row is not None:
                labels = labels[:-1] + ["".join(prefix) + labels[-1]]
        if not has_values and pending is not None and item_number(labels[-1]) is None:
            joined = pending.label_raw + "".join(labels)
            hit = match_row([joined], names)
            if row is None or (hit is not None and hit.key == row.key):
                pending.labels[-1] = joined  # a wrapped or page-broken tail of its label
                if hit is not None:
                    pending.key, pending.match, pending = hit.key, "normalised", None
                continue
        if row is None:
            group = heading_group(labels[-1]) if not has_values else None
            if group is not None:
                heading, prefix = group, []
            elif not has_values:
                prefix.append("".join(labels))
            else:
                pending = Printed(labels, vals, _heading(labels, heading), page=_page(pages, i))
                printed.append(pending)
            continue
        prefix, pending = [], None
        own = _heading(labels, None) if len(labels) > 1 else None
        heading = None if row.key in _GROUP_ROWS else (own or row.group)
        printed.append(Printed(labels, vals, own, row.key, match_kind(labels[-1], row.label),
                               pages[i] if pages is not None and i < len(pages) else None))
    return printed


def _page(pages: list[int | None] | None, i: int) -> int | None:
    return pages[i] if pages is not None and i < len(pages) else None


def _heading(labels: list[str], current: str | None) -> str | None:
    """The outcome group named by a row's heading cells, else the heading above it."""
    for cell in labels[:-1]:
        group = heading_group(cell)
        if group is not None:
            return group
    return current


#: Rows that are themselves a group ((一)予以公开, (二)部分公开).
_GROUP_ROWS = frozenset(r.key for r in schema.REQUEST_ROWS if r.group is not None
                        and schema.OUTCOME_GROUPS[r.group] in normalize(r.label))


def _variants(printed: list[Printed], template: str, out: Extraction) -> tuple[str, ...]:
    """The variant rows a report prints (see :data:`reportkit.schema.ROW_VARIANTS`); a
    variant printed beside the rows it stands for is a heading with a subtotal: ignored."""
    keyed = {p.key for p in printed}
    chosen = []
    for variant, replaced in schema.ROW_VARIANTS.get(template, {}).items():
        if variant not in keyed:
            continue
        if keyed.isdisjoint(replaced):
            chosen.append(variant)
            continue
        for p in printed:
            if p.key == variant:
                p.key = None
                out.ignored.append(normalize(p.label_raw))
                p.values = []
    return tuple(chosen)


def _resolve(out: Extraction, printed: list[Printed], template_rows: tuple[schema.Row, ...],
             table: str, verify: Verify) -> None:
    """Drop repeats of a row (the first stands), align the rows no phrase named, and list
    what stays unplaced."""
    first: dict[str, Printed] = {}
    for p in printed:
        if p.key is not None and p.key in first:
            kept = first[p.key]
            if kept.match and _figures_differ(kept.values, p.values):
                label = next(r.label for r in template_rows if r.key == p.key) \
                    if any(r.key == p.key for r in template_rows) else p.key
                out.problems.append(f"{PART_NAMES[table]}: row “{label}” is printed twice "
                                    "with different figures: left blank, not guessed")
                kept.match = ""
            p.key, p.values = None, []
        elif p.key is not None:
            first[p.key] = p
    seen = set(first)
    if len(seen) < len(template_rows):
        out.problems.extend(f"{PART_NAMES[table]}: {sentence}"
                            for sentence in align(printed, template_rows, verify))
    for p in printed:
        if p.key is None and p.labels and any(map(str.strip, p.values)):
            out.ignored.append(normalize("".join(p.labels)))


def _figures_differ(a: list[str], b: list[str]) -> bool:
    """True when two printings of a row both carry figures and the figures differ."""
    fa, fb = [x.strip() for x in a if x.strip()], [x.strip() for x in b if x.strip()]
    return bool(fa) and bool(fb) and fa != fb


def _outcomes_hold(assigned: dict[str, Printed], rows: tuple[schema.Row, ...],
                   columns: tuple[str, ...]) -> bool | None:
    """Whether （七）总计 equals the sum of the outcome rows in every column, with the rows
    as assigned (None when a term is blank or missing)."""
    outcome = [r.key for r in rows if r.group]
    if "total_processed" not in assigned or not all(k in assigned for k in outcome):
        return None
    width = len(columns)
    figures = {k: fit(p.values, width)[0] for k, p in assigned.items()}
    verdicts = []
    for c in range(width):
        terms = [_figure(figures[k][c])[0] for k in outcome]
        total = _figure(figures["total_processed"][c])[0]
        if math.isnan(total) or any(math.isnan(t) for t in terms):
            continue
        verdicts.append(abs(total - sum(terms)) < 1e-6)
    if not verdicts:
        return None
    return all(verdicts)


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


def extract_review(rows: list[list[str]], pages: list[int | None] | None = None) -> Extraction:
    """Values of part 四: one row of 15 numbers (复议, 直接起诉, 复议后起诉 × 5), or one
    labelled row of 5 numbers per block."""
    out = Extraction()
    blocks = schema.REVIEW_ROWS
    width = sum(len(r.columns) for r in blocks)
    unlabelled: list[list[str]] = []
    labelled: dict[str, Printed] = {}
    page: int | None = None
    for i, cells in enumerate(rows):
        labels, vals = split_row(cells)
        if not any(map(str.strip, vals)):
            continue
        if labels:
            row = match_row(labels, blocks)
            if row is not None and row.key in labelled:
                kept = labelled[row.key]
                if kept.match and _figures_differ(kept.values, vals):
                    out.problems.append(f"part 四: row “{row.label}” is printed twice with "
                                        "different figures: left blank, not guessed")
                    kept.match = ""
            elif row is not None:
                labelled[row.key] = Printed(labels, vals, None, row.key,
                                            match_kind(labels[-1], row.label), _page(pages, i))
            continue
        page = _page(pages, i) if not unlabelled else page
        unlabelled.append(vals)
    if unlabelled:
        cells = unlabelled[0] if len(unlabelled) == 1 else _joined(unlabelled)
        fitted, short = fit(cells, width)
        if short or _extra_figures(cells, width):
            out.problems.append(f"part 四: {len(cells)} cells where {width} were expected: "
                                "left blank, not guessed")
            fitted, short = [""] * width, True
        i = 0
        how = "" if short else "position"
        for row in blocks:
            _emit(out, row, row.columns, fitted[i:i + len(row.columns)], "", how, page)
            i += len(row.columns)
        return out
    for row in blocks:
        p = labelled.get(row.key)
        if p is not None:
            _emit(out, row, row.columns, p.values, p.label_raw, p.match, p.page)
    _fill_missing(out, blocks, set(labelled), "review_litigation")
    return out
