"""Spanned cells to a plain grid, the same way for every format that has spans.

A cell spanning several rows or columns is a *label* (text) or a *value* (a number, a
blank, a dash, "无": see :mod:`reportkit.numbers`). A label is repeated in every position it
covers, so each row keeps its full label ("（三）不予公开" beside each of its eight
sub-rows); a value is kept in its first position only and the rest are blank, so a figure
is never counted twice.

Word tables often have a ragged grid: one header cell a little wider than the cell above
makes an extra grid column, and every cell below it then spans two grid columns although
the reader sees one column. A grid column that no value row splits from its left
neighbour is such an artefact and is dropped (:func:`flatten`), so a figure is not followed
by a phantom blank that would shift the figures after it.

A value cell spanning grid columns c..c+k directly beneath a header cell spanning exactly
c..c+k (colspan=2 under 本年新公开数量, with other sections of the table splitting those
columns) is one cell of that header's column: its covered positions are dropped from its
row (:func:`flatten`), so its figure is neither followed by a phantom blank nor shifted.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from reportkit.extract.numbers import read_cell

#: Spans beyond these are clipped: no report table is wider or longer, and a hostile
#: ``colspan="100000"`` must not allocate a huge grid.
MAX_COLSPAN = 64
MAX_ROWSPAN = 1000
#: Grid positions one table's spans may cover in all: a report table has a few hundred;
#: 300 cells each spanning 1000 × 64 must not take minutes and gigabytes. A table over
#: this is no report table and is read as empty.
MAX_GRID_CELLS = 200_000


def is_label(text: str) -> bool:
    """True when a cell is text (a label), False when it is a value or blank."""
    return read_cell(text) is None


def covered_text(text: str) -> str:
    """What a position covered by a spanned cell holds: the label again, or blank."""
    return text if is_label(text) else ""


@dataclass(frozen=True, slots=True)
class Slot:
    """One grid position: the text of the cell covering it, which cell that is, and
    whether this is the cell's first (top-left) position."""

    text: str
    origin: Hashable
    first: bool = True


@dataclass(frozen=True, slots=True)
class SpanCell:
    """A cell as a table source gives it: its text and how far it spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def _phantom_columns(grid: list[list[Slot]]) -> set[int]:
    """Grid columns that every value row covers with the cell of the column before."""
    value_rows = [row for row in grid
                  if any(s.first and not is_label(s.text) for s in row)]
    if not value_rows:
        return set()
    width = max(len(r) for r in grid)
    return {c for c in range(1, width)
            if all(c < len(r) and r[c].origin == r[c - 1].origin for r in value_rows)}


def _extent(row: list[Slot], c: int) -> tuple[int, int]:
    """The grid columns ``(first, last)`` the cell at ``row[c]`` covers in this row."""
    origin = row[c].origin
    lo = c
    while lo > 0 and row[lo - 1].origin == origin:
        lo -= 1
    hi = c
    while hi + 1 < len(row) and row[hi + 1].origin == origin:
        hi += 1
    return lo, hi


def _header_above(grid: list[list[Slot]], r: int, c: int) -> tuple[int, int] | None:
    """The columns spanned by the nearest label cell above ``grid[r][c]``, or None."""
    for above in range(r - 1, -1, -1):
        row = grid[above]
        if c < len(row) and is_label(row[c].text):
            return _extent(row, c)
    return None


def _collapsed(grid: list[list[Slot]], r: int) -> set[int]:
    """Covered positions of row ``r``'s spanned value cells that sit exactly beneath a
    header of the same span (see module docstring)."""
    row = grid[r]
    out: set[int] = set()
    c = 0
    while c < len(row):
        slot = row[c]
        if not slot.first or c + 1 >= len(row) or row[c + 1].origin != slot.origin \
                or is_label(slot.text):
            c += 1
            continue
        lo, hi = _extent(row, c)
        if lo == c and _header_above(grid, r, c) == (lo, hi):
            out.update(range(lo + 1, hi + 1))
        c = hi + 1
    return out


def flatten(grid: list[list[Slot]]) -> list[list[str]]:
    """Rows of cell texts: labels repeated over their span, values in the first position
    only; phantom grid columns dropped, and a value spanning exactly the columns of the
    header above it kept as one cell (see module docstring)."""
    drop = _phantom_columns(grid)
    out = []
    for r, row in enumerate(grid):
        gone = drop | _collapsed(grid, r) if len(row) > 1 else drop
        out.append([s.text if s.first else covered_text(s.text)
                    for c, s in enumerate(row) if c not in gone])
    return out


def place(rows: list[list[SpanCell]]) -> list[list[str]]:
    """Lay out rows of spanned cells (the HTML table model) as rows of cell texts.

    Each cell goes in the first free column of its row and covers the positions below
    and to its right. Rows keep their own width (ragged rows stay ragged); a gap left of a
    filled position is blank.
    """
    n = len(rows)
    covered = sum(max(1, min(cell.rowspan, MAX_ROWSPAN, n - r)) * max(1, min(cell.colspan,
                  MAX_COLSPAN)) for r, row in enumerate(rows) for cell in row)
    if covered > MAX_GRID_CELLS:
        return []
    grid: list[dict[int, Slot]] = [{} for _ in range(n)]
    for r, row in enumerate(rows):
        c = 0
        here = grid[r]
        for cell in row:
            while c in here:
                c += 1
            rs = max(1, min(cell.rowspan, MAX_ROWSPAN, n - r))
            cs = max(1, min(cell.colspan, MAX_COLSPAN))
            origin = (r, c)
            for dr in range(rs):
                below = grid[r + dr]
                for dc in range(cs):
                    if c + dc not in below:  # a Slot is made only where one goes
                        below[c + dc] = Slot(cell.text, origin, dr == dc == 0)
            c += cs
    dense = [[_slot_or_gap(cells, r, c) for c in range(max(cells) + 1)] if cells else []
             for r, cells in enumerate(grid)]
    return flatten(dense)


def _slot_or_gap(cells: dict[int, Slot], r: int, c: int) -> Slot:
    slot = cells.get(c)
    return Slot("", (r, c)) if slot is None else slot


def drop_empty_rows(rows: list[list[str]]) -> list[list[str]]:
    """Rows with at least one non-blank cell."""
    return [r for r in rows if any(c.strip() for c in r)]
