"""Kinds of variation injected into a web page's tables (test helpers only).

Each kind changes a page the way real bodies and converters do, never a figure: a label
slipped, a word dropped or added, a label cut short, its item number removed, a row split
by a page break (the label's tail at the head of the next table fragment, the cells a
rowspan carried over left blank, as a PDF draws them), a column of cells spanned twice as
wide (header and figures alike). Work is on the page's DOM (lxml), so the rest of the page,
spans included, stays as published.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from lxml import html as lhtml

from reportkit import schema
from reportkit.extract.matching import match_row
from reportkit.extract.numbers import read_cell

#: The item rows of part 三 ("1.属于国家秘密" …): the labels a perturbation changes.
ITEM_ROWS = tuple(r for r in schema.REQUEST_ROWS
                  if r.label[:2] in {f"{n}." for n in range(1, 9)})
_WORDS = ("属于", "要", "的", "信息")

Label = Callable[[str, random.Random], str]


# --- label kinds (text → text) -----------------------------------------------------------------


def drop_char(label: str, rng: random.Random) -> str:
    """One character dropped (never the item number)."""
    i = rng.randrange(2, len(label) - 1) if len(label) > 4 else len(label) - 1
    return label[:i] + label[i + 1:]


def swap_char(label: str, rng: random.Random) -> str:
    """One character replaced by a wrong one (事物 for 事务)."""
    i = rng.randrange(2, len(label)) if len(label) > 3 else len(label) - 1
    return label[:i] + "物" + label[i + 1:]


def drop_word(label: str, rng: random.Random) -> str:
    """A common word dropped (属于, 要, 的, 信息), or 的 added where none is."""
    present = [w for w in _WORDS if w in label]
    return label.replace(rng.choice(present), "", 1) if present else label + "的"


def add_word(label: str, rng: random.Random) -> str:
    """A word added inside the label (的, 要, 相关)."""
    i = rng.randrange(3, len(label)) if len(label) > 3 else len(label)
    return label[:i] + rng.choice(("的", "要", "相关")) + label[i:]


def truncate(label: str, rng: random.Random) -> str:
    """The label cut short."""
    return label[: max(5, int(len(label) * rng.uniform(0.6, 0.85)))]


def no_number(label: str, rng: random.Random) -> str:
    """The item number removed ("2.重复申请" → "重复申请")."""
    return label.split(".", 1)[-1] if "." in label[:3] else label


LABEL_KINDS: tuple[Label, ...] = (drop_char, swap_char, drop_word, add_word, truncate, no_number)


# --- the page's tables ---------------------------------------------------------------------------


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _set_text(el, text: str) -> None:
    for child in list(el):
        el.remove(child)
    el.text = text


def _rows(table) -> list:
    return [tr for tr in table.iter("tr") if tr.getparent() is not None]


def _span(td, name: str) -> int:
    try:
        return max(1, int(td.get(name) or 1))
    except ValueError:
        return 1


def _columns(trs: list) -> dict:
    """The grid column of every cell (the HTML table model)."""
    taken: set[tuple[int, int]] = set()
    col_of = {}
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            col_of[td] = c
            for dr in range(_span(td, "rowspan")):
                for dc in range(_span(td, "colspan")):
                    taken.add((r + dr, c + dc))
            c += _span(td, "colspan")
    return col_of


def _requests_table(root):
    for table in root.iter("table"):
        if "本年新收" in _text(table):
            return table
    raise AssertionError("no part 三 table on the page")


def item_cells(root) -> list[tuple[object, schema.Row]]:
    """The label cells of part 三's item rows, each with the row it names."""
    out = []
    for td in _requests_table(root).iter("td", "th"):
        text = _text(td)
        row = match_row([text], ITEM_ROWS) if text else None
        if row is not None and len(text) <= len(row.label) + 6 and _has_figures(td.getparent()):
            out.append((td, row))
    return out


def _has_figures(tr) -> bool:
    return any(_text(td) and read_cell(_text(td)) is not None for td in tr)


def relabel(root, rng: random.Random, kind: Label, n: int = 2) -> set[str]:
    """``n`` item labels changed by ``kind``; the row keys touched."""
    cells = rng.sample(item_cells(root), n)
    for td, _ in cells:
        _set_text(td, kind(_text(td), rng))
    return {row.key for _, row in cells}


def page_break(root, rng: random.Random, n: int = 1) -> set[str]:
    """A page break inside an item row's label: the table ends after that row with the
    label's head, a new fragment starts with a row holding only its tail ("禁止公开"); the
    cells a rowspan carried across the break are blank in the new fragment."""
    touched = set()
    for td, row in rng.sample(item_cells(root), n):
        text = _text(td)
        cut = rng.randrange(2, len(text) - 1)
        _set_text(td, text[:cut])
        _split_after(td.getparent(), text[cut:])
        touched.add(row.key)
    return touched


def _split_after(tr, tail: str) -> None:
    table = tr.getparent()
    while table.tag != "table":
        table = table.getparent()
    trs = _rows(table)
    k = trs.index(tr)
    col_of = _columns(trs)
    carried = []  # (column, colspan, rows still to cover) of cells cut by the break
    for i in range(k + 1):
        for td in trs[i]:
            if td.tag not in ("td", "th"):
                continue
            rows = _span(td, "rowspan")
            if i + rows - 1 > k:
                td.set("rowspan", str(k - i + 1))
                carried.append((col_of[td], _span(td, "colspan"), i + rows - 1 - k))
    new_table = lhtml.Element("table")
    new_table.set("border", "1")
    body = lhtml.Element("tbody")
    new_table.append(body)
    head = lhtml.Element("tr")
    body.append(head)
    for _, colspan, rest in sorted(carried):
        blank = lhtml.Element("td")
        blank.set("rowspan", str(rest + 1))
        if colspan > 1:
            blank.set("colspan", str(colspan))
        head.append(blank)
    cell = lhtml.Element("td")
    cell.text = tail
    head.append(cell)
    for later in trs[k + 1:]:
        body.append(later)
    marker = lhtml.Element("p")
    marker.text = "- 3 -"
    table.addnext(marker)
    marker.addnext(new_table)


def spanned_column(root, rng: random.Random) -> set[str]:
    """One value column of part 三 printed twice as wide: every cell covering it (its
    header, the headers over it, each figure) spans one grid column more."""
    trs = _rows(_requests_table(root))
    col_of = _columns(trs)
    width = max(c + _span(td, "colspan") for td, c in col_of.items())
    j = width - 1 - rng.randrange(len(schema.REQUEST_COLUMNS))
    for td, c in col_of.items():
        if c <= j < c + _span(td, "colspan"):
            td.set("colspan", str(_span(td, "colspan") + 1))
    return set()


def perturbed(page: bytes, change: Callable[[object], set[str]]) -> tuple[bytes, set[str]]:
    """The page with ``change`` applied to its DOM; the row keys it touched."""
    root = lhtml.fromstring(page)
    touched = change(root)
    out = lhtml.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")
    return out, touched
