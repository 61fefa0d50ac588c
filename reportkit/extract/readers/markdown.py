"""Converted text: PDF → markdown (MinerU, marker, docling) and OCR / language-model extractions.

Converters print the report's tables as pipe tables, but not as the report laid them out:

* a table is **split into fragments** (one per page or per few rows), each with a separator
  line ``|---|`` under its first row, whether that row is a header or data, with headings
  ("## 表三：…") and page markers ("— 5 —", ``<!-- page 5 -->``) between the fragments;
* **header rows recur** inside the table (every fragment; generic names 数据1…数据6, 类别;
  a header of another table printed in the middle): after a part's first header row, a
  header row (text only, followed by ``|---|``) says nothing and is dropped, so that its
  words (总计 …) are never taken for a row;
* a **label is printed above its row**: a row of figures without a label takes the text lines
  directly above it; a row whose label lost its item number takes the next label fragment
  printed outside the table ("5.要求行政机关确认…") when that fragment's item number
  continues the numbering of the row before (4 → 5, or 1 opening a new group);
* **figures are printed outside the table** ("22" and "（其中修订16件）" above it) while their
  rows come out one cell short: the run of such figures is one column (one per short row, in
  order) and is placed only when the counts agree and a note printed with them names the
  column (:data:`reportkit.schema.COLUMN_NOTES`); else the rows stay short (left blank,
  the report ``partial``) and :attr:`Document.problems` says so;
* a row may come as a plain line, "行政许可 0": inside a part a short label followed by
  figures is a table row.

The result is the same :class:`~reportkit.extract.document.Document` the other readers produce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportkit import schema
from reportkit.extract.document import Block, Document, Paragraph, Table
from reportkit.extract.matching import normalize
from reportkit.extract.numbers import read_cell
from reportkit.extract.tables import heading_part

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PAGE_MARKER = re.compile(
    r"^\s*(?:[—\-–－]+\s*\d+\s*[—\-–－]+|<!--.*?-->|\[?(?:page|Page|PAGE)\s*\d*\]?"
    r"|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|<page[^>]*>|</page>|\f)\s*$")
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s*")
_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.、．]")
_GROUP = re.compile(r"^\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]")
_ANY_NUMBERING = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]"
                            r"|[一二三四五六七八九十]+\s*[、.．])")
_NOTE = re.compile(r"^\s*[(（][^()（）]*[)）]\s*$")
_FIGURE_WITH_NOTE = re.compile(r"^\s*([^\s(（]+)\s*([(（][^()（）]*[)）])?\s*$")
_LABEL_FIGURES = re.compile(r"^\s*(?P<label>\S.{0,29}?[\u4e00-\u9fff）)”\"])"
                            r"(?P<figs>(?:\s+[-+]?[\d,.，．]+(?:万元|元)?)+)\s*$")
_PROSE = re.compile(r"[，。；：,;:]")
_CONTINUATION_MAX = 24


def looks_like_markdown(text: str) -> bool:
    """True when ``text`` holds pipe tables (a separator line and pipe rows)."""
    if "|" not in text or "--" not in text:
        return False  # most text: decided without splitting it into lines
    lines = text[:2_000_000].splitlines()
    separators = sum(1 for line in lines if "-" in line and _SEPARATOR.match(line)
                     and "|" in line)
    rows = sum(1 for line in lines if _PIPE_ROW.match(line))
    return separators >= 1 and rows >= 2


def pipe_cells(line: str) -> list[str]:
    """The cells of a pipe-table row, outer pipes dropped, each stripped."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def _is_figure(text: str) -> bool:
    cell = read_cell(text)
    return cell is not None and cell.kind in ("number", "zero_word")


def _labels(cells: list[str]) -> list[str]:
    return [c for c in cells if c.strip() and read_cell(c) is None]


@dataclass
class _Detached:
    """A figure printed outside its table row, with the notes printed with it."""

    raw: str
    notes: list[str] = field(default_factory=list)


@dataclass
class _Orphan:
    """A label fragment printed outside its row: its item number and its text."""

    number: int
    lines: list[str]
    index: int  # the line it starts on


@dataclass
class _State:
    """What the reader remembers while it walks the lines."""

    blocks: list[Block] = field(default_factory=list)
    table: Table | None = None
    part: str | None = None
    header: list[str] | None = None
    header_seen: bool = False
    above: list[tuple[int, str]] = field(default_factory=list)  # text lines just above
    orphans: list[_Orphan] = field(default_factory=list)
    open_orphan: _Orphan | None = None
    last_item: int | None = None
    detached: list[_Detached] = field(default_factory=list)
    short_rows: list[tuple[list[str], list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_markdown(text: str) -> Document:
    """Read converted text (pipe tables, headings, page markers) into a Document."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    st = _State()
    for i, line in enumerate(lines):
        if _PAGE_MARKER.match(line) and line.strip():
            continue  # a page break inside a table does not end it
        if not line.strip():
            st.above = []
            continue
        if _SEPARATOR.match(line) and "|" in line:
            continue
        if _PIPE_ROW.match(line):
            _pipe_row(st, pipe_cells(line), _header_follows(lines, i), i)
            continue
        _text_line(st, line, i)
    _end_part(st)
    doc = Document(st.blocks, source_format="markdown")
    doc.problems.extend(st.problems)
    return doc


def _header_follows(lines: list[str], i: int) -> bool:
    for nxt in lines[i + 1:i + 3]:
        if nxt.strip():
            return bool(_SEPARATOR.match(nxt)) and "|" in nxt
    return False


def _add_row(st: _State, cells: list[str]) -> None:
    if st.table is None:
        st.table = Table()
        st.blocks.append(st.table)
    st.table.rows.append(cells)
    st.above = []


def _pipe_row(st: _State, cells: list[str], before_separator: bool, index: int) -> None:
    if before_separator and not any(_is_figure(c) for c in cells):
        if st.header_seen and st.part is not None:
            return  # a recurring or stray header row inside a part says nothing
        st.header_seen = True
        st.header = cells
        _add_row(st, cells)
        return
    _data_row(st, cells, index)


def _data_row(st: _State, cells: list[str], index: int) -> None:
    labels = _labels(cells)
    if st.part is not None:
        if not labels and any(c.strip() for c in cells) and st.above:
            cells = ["".join(t for _, t in st.above)] + cells
            first = st.above[0][0]
            st.orphans = [o for o in st.orphans if o.index < first]
            st.open_orphan = None
        elif not any(_ANY_NUMBERING.match(x) for x in labels):
            cells = _take_orphan(st, cells)
        _note_item(st, _labels(cells))
        if st.header is not None and len(cells) == len(st.header) - 1 and _labels(cells):
            st.short_rows.append((st.header, cells))
    _add_row(st, cells)


def _take_orphan(st: _State, cells: list[str]) -> list[str]:
    """``cells`` with the next label fragment printed outside the table put before them,
    when its item number continues the numbering of the row before."""
    if not st.orphans or st.last_item is None:
        return cells
    orphan = st.orphans[0]
    if orphan.number not in (1, st.last_item + 1):
        return cells
    st.orphans.pop(0)
    if st.open_orphan is orphan:
        st.open_orphan = None
    return ["".join(orphan.lines)] + cells


def _note_item(st: _State, labels: list[str]) -> None:
    number = None
    for label in labels:
        m = _ITEM.match(label)
        if m:
            number = int(m.group(1))
        elif _GROUP.match(label) and number is None:
            number = 0
    st.last_item = number


def _text_line(st: _State, line: str, index: int) -> None:
    text = _HEADING_MARK.sub("", line).strip() if _HEADING_MARK.match(line) else line.strip()
    is_heading = text != line.strip()
    part = heading_part(text)
    if part is not None and part != st.part:
        _end_part(st)
        st.part = None if part == "end" else part
        st.table = None
        st.blocks.append(Paragraph(text))
        return
    if is_heading:
        st.above = []
        st.open_orphan = None
        st.blocks.append(Paragraph(text))
        return
    if st.part is not None and _inside_part(st, text, index):
        return
    st.blocks.append(Paragraph(text))


def _inside_part(st: _State, text: str, index: int) -> bool:
    """Handle a text line inside a part; True when it was a row or a detached figure."""
    m = _FIGURE_WITH_NOTE.match(text)
    if m and _is_figure(m.group(1)):
        st.detached.append(_Detached(m.group(1), [m.group(2)] if m.group(2) else []))
        st.above = []
        return True
    if _NOTE.match(text) and st.detached and not st.above:
        st.detached[-1].notes.append(text)
        return True
    m = _LABEL_FIGURES.match(text)
    if m and not _PROSE.search(m.group("label")):
        figs = m.group("figs").split()
        if all(_is_figure(f) for f in figs):
            _data_row(st, [m.group("label").strip(), *figs], index)
            return True
    item = _ITEM.match(text)
    if item:
        st.open_orphan = _Orphan(int(item.group(1)), [text], index)
        st.orphans.append(st.open_orphan)
    elif _ANY_NUMBERING.match(text):
        st.open_orphan = None
    elif st.open_orphan is not None and len(text) <= _CONTINUATION_MAX:
        st.open_orphan.lines.append(text)
    st.above.append((index, text))
    return False


def _end_part(st: _State) -> None:
    """At a part's end: place its detached figures, or say why they were not."""
    if st.detached:
        _place_detached(st)
    st.detached, st.short_rows, st.orphans = [], [], []
    st.open_orphan, st.last_item, st.header, st.header_seen = None, None, None, False
    st.above = []


def _place_detached(st: _State) -> None:
    figures = ", ".join(d.raw for d in st.detached)
    where = schema.TABLE_LABELS.get(st.part or "", st.part or "")
    headers = {id(h): h for h, _ in st.short_rows}
    column = _noted_column(st.detached)
    if not st.short_rows:
        return  # nothing in the tables lacks a figure: these were figures of the prose
    if len(st.short_rows) != len(st.detached) or len(headers) != 1 or column is None:
        st.problems.append(f"{where}: figures printed outside the table ({figures}) could "
                           "not be placed with certainty: their cells are left blank")
        return
    header = next(iter(headers.values()))
    position = next((i for i, h in enumerate(header)
                     if normalize(h) == normalize(column.label)), None)
    if position is None:
        st.problems.append(f"{where}: figures printed outside the table ({figures}) could "
                           "not be placed with certainty: their cells are left blank")
        return
    for (_, cells), figure in zip(st.short_rows, st.detached):
        cells.insert(position, figure.raw)


def _noted_column(run: list[_Detached]) -> schema.Column | None:
    """The one column the notes printed with a run of detached figures name, or None."""
    named: set[str] = set()
    for figure in run:
        note = normalize("".join(figure.notes))
        named.update(key for key, words in schema.COLUMN_NOTES.items()
                     if any(w in note for w in words))
    if len(named) != 1:
        return None
    key = named.pop()
    return next((c for c in schema.PROACTIVE_COLUMNS if c.key == key), None)
