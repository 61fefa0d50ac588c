"""PDF with a text layer, through pdfplumber.

Ruled tables come first: pdfplumber finds them from their lines, and merged cells are laid
out from the cells' boxes (:mod:`reportkit.readers.grid`: a merged label repeated, a merged
number counted once). The text around the tables is read line by line: a wide gap between
characters is a cell boundary (an unruled table, read by :mod:`reportkit.readers.text`), and
a line that runs to the right margin continues on the next line (a wrapped paragraph).
A table cut by a page break is joined to its first part when the columns agree.

A PDF without a text layer (a scan) is refused with "no text layer: OCR it first".
Reading is bounded: at most :data:`MAX_PAGES` pages and :data:`TIME_BUDGET_S` seconds.
"""

from __future__ import annotations

import io
import time
from typing import Any

from reportkit.extract.document import Block, Document, Table
from reportkit.extract.errors import ReportError
from reportkit.extract.readers.grid import Slot, drop_empty_rows, flatten
from reportkit.extract.readers.pdf_fast import FastPages
from reportkit.extract.readers.text import read_text

MAX_PAGES = 200
TIME_BUDGET_S = 120.0
NO_TEXT_LAYER = "no text layer: OCR it first"
#: Fewer visible characters than this in the whole file: a scan with a stray label.
MIN_CHARS = 10
_TAB_GAP = 1.5  # a gap wider than this many character heights separates cells
_SPACE_GAP = 0.2


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (pdfplumber wraps pdfminer's errors in its own)."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 10:
        e = todo.pop()
        seen.append(e)
        todo.extend(a for a in e.args if isinstance(a, BaseException))
        todo.extend(c for c in (e.__cause__, e.__context__) if c is not None)
    return seen


def _damaged(exc: Exception) -> ReportError:
    causes = _causes(exc)
    if any(isinstance(e, MemoryError) for e in causes):
        raise MemoryError("the PDF needs more memory than allowed") from exc
    names = " ".join(type(e).__name__ for e in causes)
    if "Password" in names or "Encrypt" in names:
        return ReportError("the PDF is password-protected: remove the password "
                           "(print it to a new PDF) and try again")
    return ReportError("the PDF is damaged and cannot be read: download it again or "
                       "print it to a new PDF")


# --- tables --------------------------------------------------------------------------------


def _contains(bbox: tuple[float, ...], x: float, y: float) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= x < x1 and top <= y < bottom


def table_rows(table: Any) -> list[list[str]]:
    """A pdfplumber table as rows of cell texts, merged cells laid out."""
    texts = table.extract()
    rows = table.rows
    xs = sorted({cell[0] for cell in table.cells})
    text_of: dict[tuple[float, ...], str] = {}
    for row, row_texts in zip(rows, texts, strict=False):
        for bbox, text in zip(row.cells, row_texts, strict=False):
            if bbox is not None:
                text_of[tuple(bbox)] = _clean_cell(text or "")
    grid: list[list[Slot]] = []
    for row in rows:
        top = min(b[1] for b in row.cells if b is not None)
        line: list[Slot] = []
        for c, bbox in enumerate(row.cells):
            if bbox is not None:
                line.append(Slot(text_of[tuple(bbox)], tuple(bbox)))
                continue
            x, y = xs[c] + 0.5, top + 0.5  # covered by a merged cell, or a hole
            origin = next((b for b in text_of if _contains(b, x, y)), None)
            line.append(Slot(text_of[origin], origin, False) if origin is not None
                        else Slot("", (top, c)))
        grid.append(line)
    return drop_empty_rows(flatten(grid))


def _clean_cell(text: str) -> str:
    lines = (" ".join(x.split()) for x in text.split("\n"))
    return "\n".join(x for x in lines if x)


# --- text lines ----------------------------------------------------------------------------


def _line_text(chars: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in sorted(chars, key=lambda c: c["x0"]):
        if not ch["text"].strip():
            continue
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = max(ch.get("size") or 10.0, 1.0)
            if gap > _TAB_GAP * size:
                parts.append("\t")
            elif gap > _SPACE_GAP * size:
                parts.append(" ")
        parts.append(ch["text"])
        prev = ch
    return "".join(parts)


def _is_page_number(text: str) -> bool:
    core = text.replace(" ", "")
    return bool(core) and len(core) <= 12 and all(ch in "0123456789-—–第页共/of·" for ch in core)


def page_lines(page: Any) -> list[dict[str, Any]]:
    """The text lines of a (filtered) page: text with tabs at wide gaps, and position."""
    lines = []
    for line in page.extract_text_lines(return_chars=True, strip=True):
        text = _line_text(line["chars"])
        if not text or _is_page_number(text):
            continue
        size = max((c.get("size") or 10.0 for c in line["chars"]), default=10.0)
        lines.append({"text": text, "x0": line["x0"], "x1": line["x1"], "top": line["top"],
                      "size": size})
    return lines


def join_wrapped(lines: list[dict[str, Any]]) -> list[str]:
    """Logical lines: a line reaching the right margin continues on the next one."""
    if not lines:
        return []
    prose = [ln for ln in lines if "\t" not in ln["text"]]
    right = max((ln["x1"] for ln in prose), default=0.0)
    left = min((ln["x0"] for ln in prose), default=0.0)
    out: list[str] = []
    carry = False
    for i, ln in enumerate(lines):
        text = ln["text"]
        if carry and out:
            sep = " " if out[-1][-1:].isascii() and text[:1].isascii() else ""
            out[-1] += sep + text
        else:
            out.append(text)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        carry = (nxt is not None and "\t" not in text and "\t" not in nxt["text"]
                 and ln["x1"] >= right - 1.5 * ln["size"]
                 and nxt["x0"] <= left + 0.5 * nxt["size"])
    return out


# --- pages ---------------------------------------------------------------------------------


def read_page(page: Any) -> tuple[list[Block], int]:
    """One page's blocks in reading order, and how many visible characters it has."""
    nchars = sum(1 for c in page.chars if c["text"].strip())
    if not nchars:
        return [], 0
    tables = page.find_tables()
    text_page = page
    for t in tables:
        text_page = text_page.outside_bbox(t.bbox)
    items: list[tuple[float, int, Any]] = [(t.bbox[1], 1, t) for t in tables]
    items += [(ln["top"], 0, ln) for ln in page_lines(text_page)]
    items.sort(key=lambda it: (it[0], it[1]))
    blocks: list[Block] = []
    segment: list[dict[str, Any]] = []

    def flush() -> None:
        if segment:
            blocks.extend(read_text("\n".join(join_wrapped(segment))).blocks)
            segment.clear()

    for _, kind, item in items:
        if kind == 0:
            segment.append(item)
            continue
        flush()
        rows = table_rows(item)
        if rows:
            blocks.append(Table(rows))
    flush()
    return blocks, nchars


def _width(table: Table) -> int:
    return max((len(r) for r in table.rows), default=0)


def read_pdf(data: bytes, fast: bool = True) -> Document:
    """Read a PDF with a text layer into a :class:`Document`; ``fast=False`` reads every
    page with pdfplumber (the fast path reads them through pdfium, see
    :mod:`reportkit.readers.pdf_fast`)."""
    import pdfplumber  # heavy: imported when a PDF comes

    notes: list[str] = []
    started = time.monotonic()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except MemoryError:
        raise
    except Exception as exc:
        raise _damaged(exc) from exc
    with pdf:
        if not pages:
            raise ReportError("the PDF has no pages: download it again")
        if len(pages) > MAX_PAGES:
            notes.append(f"only the first {MAX_PAGES} of {len(pages)} pages were read")
        blocks: list[Block] = []
        total = 0
        pages_fast = FastPages(data, fast, len(pages))  # pdfium; pdfplumber where it cannot
        for i, page in enumerate(pages[:MAX_PAGES]):
            if time.monotonic() - started > TIME_BUDGET_S:
                raise ReportError(f"the PDF took more than {TIME_BUDGET_S:.0f} s to read "
                                  f"(stopped at page {i + 1}): split it or print it anew")
            try:
                page_blocks, nchars = read_page(pages_fast.page(i, page.page_obj) or page)
                for block in page_blocks:
                    if isinstance(block, Table):
                        block.pages = [i + 1] * len(block.rows)
            except (ReportError, MemoryError):
                raise  # MemoryError: the caller knows the memory limit and says so
            except Exception as exc:
                raise _damaged(exc) from exc
            finally:
                page.close()
            total += nchars
            if (page_blocks and blocks and isinstance(page_blocks[0], Table)
                    and isinstance(blocks[-1], Table)
                    and _width(page_blocks[0]) == _width(blocks[-1])):
                tail = page_blocks.pop(0)  # continued over the break
                blocks[-1].pages = blocks[-1].row_pages() + tail.row_pages()
                blocks[-1].rows.extend(tail.rows)
            blocks.extend(page_blocks)
        pages_fast.close()
    if total < MIN_CHARS:
        raise ReportError(NO_TEXT_LAYER)
    return Document(blocks, source_format="pdf", encoding=None, notes=notes)


