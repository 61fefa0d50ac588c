"""Render a seed report (its .txt) as the forms reports are published in.

Test helpers only. The seed text is read into blocks (:func:`read_text`);
each table is given spans the way a published page has them (:func:`span_layout`), then
written as an HTML page (with site chrome), a Word .docx (python-docx, merged cells) or a
PDF with a text layer (reportlab, its built-in Chinese font STSong-Light, so no font file is
needed). The figures are never touched: a span only ever covers an empty cell.
"""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reportkit.extract.document import Document, Paragraph, Table
from reportkit.extract.numbers import read_cell
from reportkit.extract.readers.text import read_text

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


def seed_document(path: Path) -> Document:
    """The seed's text as blocks."""
    return read_text(path.read_text(encoding="utf-8"))


# --- spans ---------------------------------------------------------------------------------


@dataclass
class Cell:
    """An origin cell of a laid-out table (covered positions are not cells)."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Layout:
    """A table as a published page lays it out: ``width`` grid columns, origin cells."""

    width: int
    nrows: int
    cells: list[Cell]

    def row_cells(self, r: int) -> list[Cell]:
        """The origin cells that start in row ``r``, left to right."""
        return sorted((c for c in self.cells if c.row == r), key=lambda c: c.col)


def _is_label(text: str) -> bool:
    return bool(text.strip()) and read_cell(text) is None


def _is_figure(text: str) -> bool:
    cell = read_cell(text)
    return cell is not None and cell.kind in ("number", "zero_word")


def _last_label(row: list[str]) -> int:
    return max((i for i, c in enumerate(row) if _is_label(c)), default=-1)


def span_layout(rows: list[list[str]]) -> Layout:
    """Give a table's rows the spans of a published page, never moving a figure.

    * a short row is widened to the table width: in a row of figures the last label
      spans the label columns and the last cell the rest (Word's gridSpan);
    * an empty label-area cell below a label is merged into it (a rowspan);
    * in header rows (before the first figure) an empty cell after a label is merged into
      it (a colspan); a lone group heading ("第二十条第（一）项") spans the whole row.
    """
    width = max(len(r) for r in rows)
    first_data = next((i for i, r in enumerate(rows) if any(_is_figure(c) for c in r)),
                      len(rows))
    label_depth = max((_last_label(r) + 1 for r in rows if any(_is_figure(c) for c in r)),
                      default=1)
    cells: list[Cell] = []
    owner: dict[tuple[int, int], Cell] = {}  # grid position -> origin cell covering it

    def put(cell: Cell) -> None:
        cells.append(cell)
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                owner[(cell.row + dr, cell.col + dc)] = cell

    for r, texts in enumerate(rows):
        data = any(_is_figure(c) for c in texts)
        header = r < first_data
        spans = [1] * len(texts)
        short = width - len(texts)
        if short > 0 and texts:
            last = _last_label(texts)
            if data and last >= 0:
                extra = min(short, max(label_depth - (last + 1), 0))
                spans[last] += extra
                short -= extra
            spans[-1] += short
        lone = sum(1 for c in texts if c.strip()) == 1 and not data and _is_label(texts[0])
        if lone:
            put(Cell(texts[0], r, 0, 1, width))
            continue
        col = 0
        label_end = _last_label(texts)
        row_cells: list[Cell] = []
        for i, text in enumerate(texts):
            cs = spans[i]
            above = owner.get((r - 1, col))
            mergeable = (not text.strip() and (header or (data and i < label_end))
                         and above is not None and _is_label(above.text)
                         and above.col == col and above.colspan == cs
                         and above.row + above.rowspan == r)
            if mergeable:
                above.rowspan += 1
                for dc in range(cs):
                    owner[(r, col + dc)] = above
            elif (header and not text.strip() and row_cells and _is_label(row_cells[-1].text)
                  and row_cells[-1].row == r):
                prev = row_cells[-1]
                prev.colspan += cs
                for dc in range(cs):
                    owner[(r, col + dc)] = prev
            else:
                cell = Cell(text, r, col, 1, cs)
                put(cell)
                row_cells.append(cell)
            col += cs
    return Layout(width, len(rows), cells)


def layout_of(block: Table | Layout) -> Layout:
    """A block's layout: a :class:`Layout` a test wrote by hand, or the seed table's spans."""
    return block if isinstance(block, Layout) else span_layout(block.rows)


def spec_layout(rows: list[list[tuple[str, int] | str]]) -> Layout:
    """A layout written by hand: each row a list of cells, ``"text"`` or ``("text", colspan)``;
    no rowspans. The width is the widest row's."""
    cells: list[Cell] = []
    width = 0
    for r, row in enumerate(rows):
        col = 0
        for item in row:
            text, span = (item, 1) if isinstance(item, str) else item
            cells.append(Cell(text, r, col, 1, span))
            col += span
        width = max(width, col)
    return Layout(width, len(rows), cells)


# --- HTML ----------------------------------------------------------------------------------

CHROME_TOP = """<script type="text/javascript">var _hmt = _hmt || []; document.write("<p>广告</p>");
</script>
<style>.nav li {{ float: left; }} td {{ border: 1px solid #000; }}</style>
</head>
<body>
<div class="top-bar">无障碍 | 长者模式 | 登录</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li><li>行政许可 12 件</li></ul></div>
<div class="breadcrumb">您的位置：首页 &gt; 政务公开 &gt; 政府信息公开年度报告</div>
<div class="article">
"""
CHROME_BOTTOM = """</div>
<div class="share">分享到：微信 微博</div>
<div class="footer"><p>主办：{agency} 网站标识码 1100000001 京ICP备 05060933号</p>
<p>版权所有 © 2022 联系电话：010-12345678</p></div>
<script>console.log("统计 1 2 3");</script>
</body>
</html>
"""


def _html_text(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.split("\n"))


def html_table(layout: Layout) -> str:
    """A table with rowspan/colspan attributes; blank cells as ``&nbsp;``."""
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="width:100%">', "<tbody>"]
    for r in range(layout.nrows):
        out.append("<tr>")
        for cell in layout.row_cells(r):
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            body = _html_text(cell.text) if cell.text.strip() else "&nbsp;"
            out.append(f'<td{attrs} style="text-align:center"><p>{body}</p></td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def to_html(doc: Document, charset: str = "utf-8") -> bytes:
    """The document as a government web page, encoded in ``charset``."""
    title = next((b.text for b in doc.blocks if isinstance(b, Paragraph)), "")
    parts = ["<!DOCTYPE html>", "<html>", "<head>",
             f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
             f"<title>{html.escape(title)}</title>", CHROME_TOP]
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>&nbsp;&nbsp;{html.escape(block.text)}</p>")
        else:
            parts.append(html_table(layout_of(block)))
    parts.append(CHROME_BOTTOM.format(agency=html.escape(title)))
    codec = "gb18030" if charset.lower() in ("gb2312", "gbk", "gb18030") else charset
    return "\n".join(parts).encode(codec)


# --- .docx ---------------------------------------------------------------------------------


def to_docx(doc: Document) -> bytes:
    """The document as a Word file: paragraphs and tables with merged cells."""
    import docx

    word = docx.Document()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            word.add_paragraph(block.text)
            continue
        layout = layout_of(block)
        table = word.add_table(rows=layout.nrows, cols=layout.width)
        table.style = "Table Grid"
        for cell in layout.cells:
            target = table.cell(cell.row, cell.col)
            lines = cell.text.split("\n")
            target.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                target.add_paragraph(line)
            if cell.rowspan > 1 or cell.colspan > 1:
                target.merge(table.cell(cell.row + cell.rowspan - 1,
                                        cell.col + cell.colspan - 1))
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


# --- PDF -----------------------------------------------------------------------------------

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN = 50.0
TEXT_SIZE = 10.5
CELL_SIZE = 8.0
PAD = 2.5


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, FONT, size)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (broken between characters)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and _width(line + ch, size) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def _column_widths(layout: Layout, avail: float) -> list[float]:
    natural = [24.0] * layout.width
    for cell in layout.cells:
        if cell.colspan == 1:
            need = max((_width(x, CELL_SIZE) for x in cell.text.split("\n")), default=0.0)
            natural[cell.col] = max(natural[cell.col], need + 2 * PAD + 1)
    if sum(natural) <= avail:
        return natural
    lo, hi = 0.0, max(natural)
    for _ in range(40):  # water-filling: cap the widest columns until the table fits
        cap = (lo + hi) / 2
        if sum(min(n, cap) for n in natural) > avail:
            hi = cap
        else:
            lo = cap
    return [min(n, lo) for n in natural]


def _layout_pdf(blocks: list[Paragraph | Table]) -> list[list[tuple]]:
    """Drawing operations page by page: ("text", x, y, line, size) and ("rect", x, y, w, h).

    Paragraphs wrap at the right margin; a table row that does not fit starts a new page,
    and a merged cell cut by the break is drawn in both parts, its text in the first.
    """
    pages: list[list[tuple]] = [[]]
    y = PAGE_H - MARGIN

    def need(h: float) -> None:
        nonlocal y
        if y - h < MARGIN:
            pages.append([])
            y = PAGE_H - MARGIN

    for block in blocks:
        if isinstance(block, Paragraph):
            leading = TEXT_SIZE * 1.5
            for line in wrap(block.text, PAGE_W - 2 * MARGIN, TEXT_SIZE):
                need(leading)
                pages[-1].append(("text", MARGIN, y - TEXT_SIZE, line, TEXT_SIZE))
                y -= leading
            y -= TEXT_SIZE * 0.3
            continue
        layout = layout_of(block)
        widths = _column_widths(layout, PAGE_W - 2 * MARGIN)
        xs = [MARGIN + sum(widths[:i]) for i in range(layout.width + 1)]
        leading = CELL_SIZE * 1.3
        heights = [leading + 2 * PAD] * layout.nrows
        wrapped: list[list[str]] = []
        for cell in layout.cells:
            lines = wrap(cell.text, xs[cell.col + cell.colspan] - xs[cell.col] - 2 * PAD,
                         CELL_SIZE)
            wrapped.append(lines)
            last = cell.row + cell.rowspan - 1
            short = len(lines) * leading + 2 * PAD - sum(heights[cell.row:last + 1])
            if short > 0:
                heights[last] += short
        tops: list[tuple[int, float]] = []  # (page, top y) of each row
        for r in range(layout.nrows):
            need(heights[r])
            tops.append((len(pages) - 1, y))
            y -= heights[r]
        y -= TEXT_SIZE
        for cell, lines in zip(layout.cells, wrapped, strict=True):
            x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
            covered = range(cell.row, cell.row + cell.rowspan)
            for n, pg in enumerate(sorted({tops[r][0] for r in covered})):
                rs = [r for r in covered if tops[r][0] == pg]
                top = tops[rs[0]][1]
                bottom = top - sum(heights[r] for r in rs)
                pages[pg].append(("rect", x0, bottom, x1 - x0, top - bottom))
                if n == 0:
                    pages[pg].extend(("text", x0 + PAD, top - PAD - CELL_SIZE - k * leading,
                                      line, CELL_SIZE) for k, line in enumerate(lines))
    return pages


def to_pdf(doc: Document) -> bytes:
    """The document as a PDF with a text layer: wrapped paragraphs and ruled tables."""
    from reportlab.pdfgen import canvas

    _register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H))
    for ops in _layout_pdf(doc.blocks):
        for op in ops:
            if op[0] == "rect":
                c.rect(*op[1:], stroke=1, fill=0)
            else:
                c.setFont(FONT, op[4])
                c.drawString(op[1], op[2], op[3])
        c.showPage()
    c.save()
    return buf.getvalue()


def scanned_pdf() -> bytes:
    """A PDF with only an image on its page (a scan): no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (400, 300), 255)
    draw = ImageDraw.Draw(img)
    for i in range(0, 300, 20):
        draw.line((20, i, 380, i), fill=0)
        draw.rectangle((30, i + 4, 30 + (i * 7) % 300, i + 12), fill=60)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H))
    c.drawImage(ImageReader(img), MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN)
    c.showPage()
    c.save()
    return buf.getvalue()


def all_forms(path: Path) -> dict[str, bytes]:
    """Every published form of one seed, keyed by a short name with its file suffix."""
    text = path.read_text(encoding="utf-8")
    doc = seed_document(path)
    return {
        "html": to_html(doc),
        "gb2312.html": to_html(doc, "gb2312"),
        "docx": to_docx(doc),
        "pdf": to_pdf(doc),
        "gb18030.txt": text.encode("gb18030"),
        "utf16.txt": text.encode("utf-16"),
        "utf16le.txt": text.encode("utf-16-le"),
        "utf8sig.txt": text.encode("utf-8-sig"),
    }


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    """A zip archive holding ``parts`` (name → bytes), for .docx-shaped bad inputs."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()
