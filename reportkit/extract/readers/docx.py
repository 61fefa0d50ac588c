"""Word .docx: paragraphs and tables of ``word/document.xml``, in body order.

The archive is checked before anything is inflated: a .docx whose parts would inflate to
more than :data:`MAX_UNCOMPRESSED` bytes (a zip bomb) is refused, and the document part is
read with a hard cap whatever its header claims. The XML is parsed with entity expansion
and network access off, and a document that declares a DTD is refused (Word never writes
one; a "billion laughs" file does).

Merged cells: ``w:gridSpan`` (across) and ``w:vMerge`` (down) are laid out by
:mod:`reportkit.extract.readers.grid`: a merged label is repeated, a merged number counted once.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from reportkit.extract.document import Block, Document, Paragraph, Table
from reportkit.extract.errors import ReportError
from reportkit.extract.readers.grid import MAX_COLSPAN, Slot, drop_empty_rows, flatten

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: Total inflated size of all parts above which a .docx is refused (a zip bomb).
MAX_UNCOMPRESSED = 200 * 1024 * 1024
#: More parts than any real document has.
MAX_ENTRIES = 5000
DOCUMENT_PART = "word/document.xml"
_CHUNK = 1024 * 1024


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _bomb() -> ReportError:
    return ReportError(f"the .docx would inflate to more than {MAX_UNCOMPRESSED // 2**20} MB "
                       "(a zip bomb or a damaged file): open it in Word and save it again")


def read_part(data: bytes, name: str = DOCUMENT_PART) -> bytes:
    """One part of a .docx, inflated under the size bound (never trusting the header)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReportError("the .docx is damaged (not a readable zip archive): "
                          "open it in Word and save it again") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
            raise _bomb()
        try:
            info = zf.getinfo(name)
        except KeyError as exc:
            raise ReportError("the .docx has no document part (word/document.xml): "
                              "open it in Word and save it again") from exc
        out = io.BytesIO()
        try:
            with zf.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    out.write(chunk)
                    if out.tell() > MAX_UNCOMPRESSED:
                        raise _bomb()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError,
                RuntimeError) as exc:  # RuntimeError: encrypted member
            raise ReportError("the .docx is damaged or encrypted: open it in Word and "
                              "save it again without a password") from exc
    return out.getvalue()


def _entities() -> ReportError:
    return ReportError("the .docx declares XML entities (a DTD), which Word never writes: "
                       "refused as unsafe; open it in Word and save it again")


def parse_xml(xml: bytes) -> etree._Element:
    """Parse a part safely: no entities expanded, no DTD, no network, no huge trees."""
    if b"<!ENTITY" in xml[:65536] or b"<!DOCTYPE" in xml[:65536]:
        raise _entities()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        if "entity" in str(exc).lower():
            raise _entities() from exc
        raise ReportError("the .docx is damaged (its document XML does not parse): "
                          "open it in Word and save it again") from exc
    if root.getroottree().docinfo.internalDTD is not None:
        raise _entities()
    return root


def paragraph_text(p: etree._Element) -> str:
    """A paragraph's text: runs joined, tabs as spaces, breaks as new lines, deletions out."""
    parts: list[str] = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen"), _w("del"),
                     _w("sym")):
        if any(a.tag == _w("del") for a in el.iterancestors()) or el.tag == _w("del"):
            continue
        if el.tag == _w("t"):
            parts.append(el.text or "")
        elif el.tag == _w("tab"):
            parts.append(" ")
        elif el.tag in (_w("br"), _w("cr")):
            parts.append("\n")
        else:
            parts.append("-")
    return "".join(parts).replace("\u00a0", " ")


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with ``tag``, looking through content controls and custom XML."""
    out: list[etree._Element] = []
    for child in el:
        if child.tag == tag:
            out.append(child)
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                out.extend(_children(content, tag))
        elif child.tag == _w("customXml"):
            out.extend(_children(child, tag))
    return out


def cell_text(tc: etree._Element) -> str:
    """A cell's text: its paragraphs (and any nested table's) one a line."""
    lines = [" ".join(paragraph_text(p).split()) for p in tc.iter(_w("p"))]
    return "\n".join(x for x in lines if x)


def _int_val(el: etree._Element | None, default: int = 1) -> int:
    if el is None:
        return default
    value = el.get(_w("val")) or ""
    return int(value) if value.isdigit() else default


def read_table(tbl: etree._Element) -> Table:
    """A table with merged cells laid out (see :mod:`reportkit.extract.readers.grid`)."""
    grid: list[list[Slot]] = []
    for r, tr in enumerate(_children(tbl, _w("tr"))):
        trpr = tr.find(_w("trPr"))
        before = _int_val(trpr.find(_w("gridBefore")) if trpr is not None else None, 0)
        row = [Slot("", (r, c)) for c in range(min(before, MAX_COLSPAN))]
        above = grid[-1] if grid else []
        for tc in _children(tr, _w("tc")):
            tcpr = tc.find(_w("tcPr"))
            span = min(max(_int_val(tcpr.find(_w("gridSpan")) if tcpr is not None else None),
                           1), MAX_COLSPAN)
            vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
            col = len(row)
            if vmerge is not None and (vmerge.get(_w("val")) or "continue") == "continue":
                for c in range(col, col + span):  # covered from the cell above
                    origin = above[c] if c < len(above) else Slot("", (r, c))
                    row.append(Slot(origin.text, origin.origin, False))
                continue
            text = cell_text(tc)
            row.extend(Slot(text, (r, col), k == 0) for k in range(span))
        grid.append(row)
    return Table(drop_empty_rows(flatten(grid)))


def read_blocks(body: etree._Element) -> list[Block]:
    """Paragraphs and tables of the document body in order."""
    blocks: list[Block] = []
    for el in body:
        if el.tag == _w("p"):
            for line in paragraph_text(el).split("\n"):
                if line.strip():
                    blocks.append(Paragraph(line.strip()))
        elif el.tag == _w("tbl"):
            table = read_table(el)
            if table.rows:
                blocks.append(table)
        elif el.tag in (_w("sdt"), _w("customXml")):
            content = el.find(_w("sdtContent")) if el.tag == _w("sdt") else el
            if content is not None:
                blocks.extend(read_blocks(content))
    return blocks


def read_docx(data: bytes) -> Document:
    """Read a Word .docx into a :class:`Document`."""
    root = parse_xml(read_part(data))
    body = root.find(_w("body"))
    if body is None:
        raise ReportError("the .docx has no document body: open it in Word and save it again")
    return Document(read_blocks(body), source_format="docx", encoding=None)
