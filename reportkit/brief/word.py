"""Word XML helpers for the briefing (python-docx): page and styles with East Asian fonts,
fields (SEQ, PAGE), captions, body paragraphs, key-figure tables sized to their contents,
pictures with an SVG copy, the footer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.image import ImagePart
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from reportkit.charts.base import KeyTable

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7  # A4
MARGIN_CM = 2.5
MAX_PICTURE_HEIGHT_CM = 18.0
BODY_PT, SMALL_PT = 10.5, 9.0
SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
NBSP = "\u00a0"
AUTHOR = "reportkit"
#: A space between a number and a percent sign or an opening bracket ("95 %", "2.6 (1.6–4.3)").
_BEFORE_SIGN = re.compile(r"(?<=[\d%])[ \u2009](?=[%‰(（\[])")
#: A space between a number and the word after it ("572 new requests", "5 reports").
_BEFORE_WORD = re.compile(r"(?<=\d) (?=[A-Za-z‘'])")
_IN_BRACKETS = re.compile(r"（[^（）]*）")


def tie(text: str) -> str:
    """``text`` with no line break possible between a number and its unit, percent sign or
    bracketed interval: such spaces become no-break spaces (U+00A0), and so does any space
    inside full-width brackets (“（30.0%，187/623）” stays on one line)."""
    text = _BEFORE_SIGN.sub(NBSP, str(text))
    text = _BEFORE_WORD.sub(NBSP, text)
    return _IN_BRACKETS.sub(lambda m: m.group(0).replace(" ", NBSP), text)


def properties(doc: Any, *, title: str, subject: str, when: dt.date, lang: str) -> None:
    """The document's core properties: title, subject, author and last editor reportkit,
    created and modified on the briefing's date (not the template's), and no thumbnail of
    the template."""
    stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    props = doc.core_properties
    props.title, props.subject = title, subject
    props.author = props.last_modified_by = AUTHOR
    props.comments, props.keywords, props.category = "", "", ""
    props.created = props.modified = stamp
    props.revision = 1
    props.language = "zh-CN" if lang == "zh" else "en-GB"
    package = doc.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)


def set_fonts(element: Any, latin: str, east_asia: str) -> None:
    """Set ``w:rFonts`` of a style or run element (or an ``rPr``) to ``latin`` for Latin
    text and ``east_asia`` for Chinese, dropping theme font references that would win."""
    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def style_document(doc: Any, fonts: dict[str, str], lang: str) -> None:
    """A4, margins, and fonts/sizes for every style the briefing uses."""
    for section in doc.sections:
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(MARGIN_CM))
    body, head = (fonts["latin"], fonts["east_asia"]), (fonts["heading_latin"],
                                                          fonts["heading_east_asia"])
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rpr, *body)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    lang_el.set(qn("w:eastAsia"), "zh-CN")
    styles = doc.styles
    normal = styles["Normal"]
    set_fonts(normal.element, *body)
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.space_before = Pt(3)
    normal.paragraph_format.line_spacing = 1.25
    for name, size, font in (("Title", 22, head), ("Subtitle", 14, head),
                             ("Heading 1", 16, head), ("Heading 2", 13, head),
                             ("Caption", SMALL_PT, body), ("Footer", SMALL_PT, body)):
        style = styles[name]
        set_fonts(style.element, *font)
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
        style.font.italic = False
    styles["Title"].font.bold = True
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name in ("Heading 1", "Heading 2"):
        styles[name].font.bold = True
        styles[name].paragraph_format.space_before = Pt(12)
        styles[name].paragraph_format.space_after = Pt(6)
    for name in ("Heading 1", "Heading 2"):
        styles[name].paragraph_format.page_break_before = False
        styles[name].paragraph_format.keep_with_next = True
    cap = styles["Caption"].paragraph_format
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.space_before, cap.space_after = Pt(3), Pt(6)
    styles["Caption"].font.bold = False
    # The title's bottom border from the default template reads as a rule; keep it plain.
    title_ppr = styles["Title"].element.find(qn("w:pPr"))
    if title_ppr is not None and title_ppr.find(qn("w:pBdr")) is not None:
        title_ppr.remove(title_ppr.find(qn("w:pBdr")))


def field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (SEQ, PAGE …) with ``shown`` as its current result, so the number is
    right before any field update and readers that ignore fields still show it."""
    def run_with(child: Any) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def caption(doc: Any, label: str, number: int, text: str, keep_with_next: bool = False) -> Any:
    """``图1 text`` in the Caption style, the number a SEQ field Word can renumber."""
    p = doc.add_paragraph(style="Caption")
    p.add_run(label if not label.isascii() else f"{label}{NBSP}")
    field(p, f"SEQ {label} \\* ARABIC", str(number))
    p.add_run(f"{NBSP} {tie(text)}" if text else "")
    p.paragraph_format.keep_with_next = keep_with_next
    return p


def body(doc: Any, text: str, indent: bool = True, size: float | None = None) -> Any:
    """A body paragraph (first line indented two characters unless not ``indent``)."""
    p = doc.add_paragraph(tie(text))
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * (size or BODY_PT))
    if size:
        for run in p.runs:
            run.font.size = Pt(size)
    return p


def shade(cell: Any, fill: str) -> None:
    """Fill a table cell with the colour ``fill`` (hex)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def visual_width(text: str) -> float:
    """Width of the longest line of ``text`` in ems (CJK characters 1, others about 0.55)."""
    return max((sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in line)
                for line in str(text).split("\n")), default=0.0)


def column_widths(key: KeyTable, total_cm: float) -> list[float]:
    """Column widths (cm) that fit the text block: each column as wide as its longest cell
    (a header may wrap onto two lines), scaled together to ``total_cm``."""
    em = SMALL_PT / 72 * 2.54
    need = []
    for i, head in enumerate(key.header):
        body = max((visual_width(row[i]) for row in key.rows), default=0.0)
        need.append(max(body, visual_width(head) / 2, 2.0) * em + 0.45)
    if sum(need) <= total_cm:
        return [w * total_cm / sum(need) for w in need]
    # Too wide: narrow columns keep their width, the wide ones share what is left.
    widths: dict[int, float] = {}
    open_cols, left = list(range(len(need))), total_cm
    while open_cols:
        share = left / len(open_cols)
        fits = [i for i in open_cols if need[i] <= share]
        if not fits:
            widths.update({i: share for i in open_cols})
            break
        for i in fits:
            widths[i] = need[i]
            left -= need[i]
        open_cols = [i for i in open_cols if i not in fits]
    return [widths[i] for i in range(len(need))]


def table(doc: Any, key: KeyTable) -> Any:
    """A compact grid: shaded header repeated on each page, numbers right-aligned, columns
    sized to their contents."""
    ncols = len(key.header)
    table = doc.add_table(rows=1, cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    for i, text in enumerate(key.header):
        cell = table.rows[0].cells[i]
        cell.text = tie(text)
        shade(cell, "E8E8E8")
    for row in key.rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            cells[i].text = tie(text)
    widths = column_widths(key, PAGE_WIDTH_CM - 2 * MARGIN_CM)
    set_widths(table, [Cm(w) for w in widths])
    for r_index, row in enumerate(table.rows):
        for c_index, cell in enumerate(row.cells):
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.space_before = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                p.paragraph_format.first_line_indent = None
                if c_index not in key.text_columns:
                    p.alignment = (WD_ALIGN_PARAGRAPH.CENTER if r_index == 0
                                   else WD_ALIGN_PARAGRAPH.RIGHT)
                for run in p.runs:
                    run.font.size = Pt(SMALL_PT)
                    run.font.bold = r_index == 0 or (r_index - 1) in key.bold
    return table


def set_widths(table: Any, widths: Sequence[Any]) -> None:
    """Fixed column widths, in the grid (which LibreOffice reads) and in every cell (which
    Word reads)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def add_svg(doc: Any, inline_shape: Any, svg: bytes) -> None:
    """Give a picture an SVG version (``asvg:svgBlip`` in the blip's extension list): Word
    2016 and later draw the SVG, older Word and other readers the PNG it stands beside."""
    package = doc.part.package
    partname = package.next_partname("/word/media/reportkit_chart%d.svg")
    part = ImagePart(PackURI(partname), "image/svg+xml", svg)
    r_id = doc.part.relate_to(part, RT.IMAGE)
    blip = inline_shape._inline.graphic.graphicData.pic.blipFill.blip
    ext_list = OxmlElement("a:extLst")
    ext = OxmlElement("a:ext")
    ext.set("uri", SVG_EXT_URI)

    svg_blip = etree.SubElement(ext, f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
    svg_blip.set(qn("r:embed"), r_id)
    ext_list.append(ext)
    blip.append(ext_list)


def picture(doc: Any, png: Path, svg: Path | None, name: str, description: str) -> Any:
    """The chart as wide as the text block (A4 less margins), no taller than
    :data:`MAX_PICTURE_HEIGHT_CM`, centred, with alt text."""
    image = Image.from_file(str(png))
    w_px, h_px = image.px_width, image.px_height
    width = PAGE_WIDTH_CM - 2 * MARGIN_CM
    height = width * h_px / w_px
    if height > MAX_PICTURE_HEIGHT_CM:
        width, height = width * MAX_PICTURE_HEIGHT_CM / height, MAX_PICTURE_HEIGHT_CM
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = None
    p.paragraph_format.keep_with_next = True
    shape = p.add_run().add_picture(str(png), width=Cm(width), height=Cm(height))
    doc_pr = shape._inline.docPr
    doc_pr.set("name", name)
    doc_pr.set("descr", description)
    if svg is not None:
        add_svg(doc, shape, svg.read_bytes())
    return shape


def footer(doc: Any, t: dict[str, str]) -> None:
    """The centred page number in the footer."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = t["page"].partition("{page}")
    p.add_run(before)
    field(p, "PAGE", "1")
    p.add_run(after)

