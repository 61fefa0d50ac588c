"""Web pages: the report as a government site publishes it.

The page is parsed by lxml's HTML parser (no network, no entity expansion); site chrome
(scripts, styles, navigation, headers and footers, forms, hidden elements) is dropped; the
rest is read in document order into paragraphs and tables. A table that holds other
tables is page layout, not data: its cells are read as part of the page. Spans
(``rowspan``/``colspan``) are laid out by :mod:`reportkit.extract.readers.grid`. ``<br>`` and
block elements (``<p>``, ``<div>``) inside a cell are line breaks; ``&nbsp;`` is a space.
"""

from __future__ import annotations

from lxml import etree

from reportkit.extract.decode import decode
from reportkit.extract.document import Block, Document, Paragraph, Table
from reportkit.extract.errors import ReportError
from reportkit.extract.readers.grid import SpanCell, drop_empty_rows, place

#: Elements that are never report content.
CHROME_TAGS = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer",
                         "aside", "iframe", "frame", "frameset", "form", "select", "button",
                         "input", "textarea", "object", "embed", "svg", "canvas", "map",
                         "audio", "video", "head", "title", "link", "meta", "base"})
#: Class or id words that mark navigation, headers and footers of a site (on containers).
CHROME_WORDS = frozenset({"nav", "navbar", "menu", "breadcrumb", "crumb", "crumbs", "footer",
                          "foot", "sidebar", "banner", "share", "toolbar", "tools",
                          "copyright", "top", "topbar", "bottom", "position", "location",
                          "skip", "search", "login", "links", "print", "wza", "dh"})
CHROME_CONTAINERS = frozenset({"div", "ul", "ol", "section", "span", "p", "dl"})
#: Elements that start a new line of text.
BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
                        "dl", "dt", "dd", "section", "article", "main", "blockquote", "pre",
                        "address", "center", "hr", "caption", "figure", "figcaption",
                        "table", "tr", "body", "html"})
_HEAD_BYTES = 4096


def _parser() -> etree.HTMLParser:
    # huge_tree: Word exports nest hundreds of <font> deep, past libxml2's default of 256
    return etree.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True,
                            remove_pis=True, recover=True, default_doctype=False,
                            huge_tree=True)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` of its head, or None."""
    head = data[:_HEAD_BYTES].decode("latin-1")
    try:
        root = etree.fromstring(head.encode("utf-8"), _parser())
    except (etree.ParserError, ValueError):
        return None
    if root is None:
        return None
    for meta in root.iter("meta"):
        if meta.get("charset"):
            return meta.get("charset")
        content = meta.get("content") or ""
        if (meta.get("http-equiv") or "").lower() == "content-type" or "charset" in content:
            for part in content.split(";"):
                key, _, value = part.partition("=")
                if key.strip().lower() == "charset" and value.strip():
                    return value.strip()
    return None


def _words(el: etree._Element) -> set[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
    words = set(raw) | {w.replace("-", "").replace("_", "") for w in raw}
    for w in raw:
        words.update(w.replace("-", " ").replace("_", " ").split())
    return words


def _is_chrome(el: etree._Element) -> bool:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in ("header", "footer"):  # an article's own header holds its title
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    if tag in CHROME_TAGS:
        return True
    if not el.attrib:  # no style, hidden, class or id: nothing below can say chrome
        return False
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None:
        return True
    return tag in CHROME_CONTAINERS and bool(_words(el) & CHROME_WORDS)


def strip_chrome(root: etree._Element) -> None:
    """Remove site chrome in place (never inside a data table: its cells are data; a
    layout table, one holding other tables, is page structure and may hold chrome)."""
    doomed = []
    stack = [root]
    while stack:  # document order, not entering data tables
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        if _is_chrome(el):
            doomed.append(el)
        if el.tag == "table" and not _is_layout(el):
            continue
        stack.extend(reversed(el))
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        prev, tail = el.getprevious(), el.tail
        parent.remove(el)
        if tail and tail.strip():  # keep the text that followed the removed element
            _append_text(parent, prev, tail)


def _append_text(parent: etree._Element, prev: etree._Element | None, text: str) -> None:
    if prev is None:
        parent.text = (parent.text or "") + text
    else:
        prev.tail = (prev.tail or "") + text


def _clean_line(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


class _Lines:
    """Collects text, breaking lines at ``<br>`` and block elements."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)

    def brk(self) -> None:
        line = _clean_line("".join(self.buf))
        if line:
            self.lines.append(line)
        self.buf = []


def cell_text(cell: etree._Element) -> str:
    """A cell's text: lines broken at ``<br>`` and block elements, spaces collapsed."""
    if len(cell) == 0:  # text only (most cells): what the walk below gives, directly
        return _clean_line(cell.text or "")
    out = _Lines()

    def walk(el: etree._Element) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                out.add(child.tail)
                continue
            tag = child.tag.lower()
            if tag == "br":
                out.brk()
            elif tag in BLOCK_TAGS:
                out.brk()
                out.add(child.text)
                walk(child)
                out.brk()
            else:
                out.add(child.text)
                walk(child)
            out.add(child.tail)

    out.add(cell.text)
    walk(cell)
    out.brk()
    return "\n".join(out.lines)


def _rows_of(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr")
    return rows


def _span(el: etree._Element, name: str) -> int:
    value = el.get(name)
    if value is None:  # most cells
        return 1
    value = (value or "1").strip()
    digits = "".join(ch for ch in value if ch.isdigit())
    return int(digits[:6]) if digits else 1


def read_table(table: etree._Element) -> Table:
    """A data table (one holding no other table) with its spans expanded."""
    rows: list[list[SpanCell]] = []
    for tr in _rows_of(table):
        cells = [SpanCell(cell_text(td), _span(td, "rowspan"), _span(td, "colspan"))
                 for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")]
        rows.append(cells)
    return Table(drop_empty_rows(place(rows)))


def _is_layout(table: etree._Element) -> bool:
    return any(True for _ in table.iterdescendants("table"))


def read_blocks(root: etree._Element) -> list[Block]:
    """Paragraphs and tables of a parsed page, in reading order."""
    blocks: list[Block] = []
    out = _Lines()

    def flush() -> None:
        out.brk()
        blocks.extend(Paragraph(line) for line in out.lines)
        out.lines = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                out.add(child.tail)
                continue
            tag = child.tag.lower()
            if tag == "table" and not _is_layout(child):
                flush()
                caption = child.find("caption")
                if caption is not None:
                    blocks.extend(Paragraph(x) for x in cell_text(caption).split("\n") if x)
                table = read_table(child)
                if table.rows:
                    blocks.append(table)
            elif tag == "br":
                out.brk()
            elif tag in BLOCK_TAGS or tag in ("td", "th"):
                out.brk()
                out.add(child.text)
                walk(child)
                out.brk()
            else:
                out.add(child.text)
                walk(child)
            out.add(child.tail)

    body = root.find("body")
    start = body if body is not None else root
    out.add(start.text)
    walk(start)
    flush()
    return blocks


def parse_html(data: bytes) -> tuple[etree._Element, str]:
    """The page's element tree (chrome still in) and the encoding it was read in."""
    text, encoding = decode(data, declared_charset(data))
    try:
        root = etree.fromstring(text.encode("utf-8"), _parser())
    except (etree.ParserError, ValueError) as exc:
        raise ReportError("the web page cannot be parsed: save it again from the "
                          "browser (“Save page as… HTML only”)") from exc
    if root is None:
        raise ReportError("the web page is empty: download it again")
    return root, encoding


def read_html(data: bytes) -> Document:
    """Read a web page into a :class:`Document`."""
    root, encoding = parse_html(data)
    title = " ".join(root.findtext(".//title") or "".split())
    strip_chrome(root)
    return Document(read_blocks(root), source_format="html", encoding=encoding,
                    title=title.strip())
