"""Spanned cells to a plain grid, the same way for every format that has spans.

A cell spanning several rows or columns is a *label* (text) or a *value* (a number, a
blank, a dash, "无": see :mod:`reportkit.numbers`). A label is repeated in every position it
covers, so each row keeps its full label ("（三）不予公开" beside each of its eight
sub-rows); a value is kept in its first position only and the rest are blank, so a figure
is never counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportkit.numbers import read_cell

#: Spans beyond these are clipped: no report table is wider or longer, and a hostile
#: ``colspan="100000"`` must not allocate a huge grid.
MAX_COLSPAN = 64
MAX_ROWSPAN = 1000


def is_label(text: str) -> bool:
    """True when a cell is text (a label), False when it is a value or blank."""
    return read_cell(text) is None


def covered_text(text: str) -> str:
    """What a position covered by a spanned cell holds: the label again, or blank."""
    return text if is_label(text) else ""


@dataclass(frozen=True, slots=True)
class SpanCell:
    """A cell as a table source gives it: its text and how far it spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def place(rows: list[list[SpanCell]]) -> list[list[str]]:
    """Lay out rows of spanned cells (the HTML table model) as rows of cell texts.

    Each cell goes in the first free column of its row; positions it covers below and to the
    right are filled by :func:`covered_text`. Rows keep their own width (ragged rows stay
    ragged); a gap left of a filled position is blank.
    """
    n = len(rows)
    grid: list[dict[int, str]] = [{} for _ in range(n)]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c in grid[r]:
                c += 1
            rs = max(1, min(cell.rowspan, MAX_ROWSPAN, n - r))
            cs = max(1, min(cell.colspan, MAX_COLSPAN))
            rest = covered_text(cell.text)
            for dr in range(rs):
                for dc in range(cs):
                    grid[r + dr].setdefault(c + dc, cell.text if dr == dc == 0 else rest)
            c += cs
    return [[cells.get(c, "") for c in range(max(cells) + 1)] if cells else [] for cells in grid]


def drop_empty_rows(rows: list[list[str]]) -> list[list[str]]:
    """Rows with at least one non-blank cell."""
    return [r for r in rows if any(c.strip() for c in r)]
