"""The pdfium fast path reads every PDF exactly as the pdfplumber path does, block for block
and cell for cell; where it cannot (rules inside a form XObject, text pdfium's text page
leaves out), those pages are read with pdfplumber and the figures are still those a person
read."""

from __future__ import annotations

import io
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from formats import SEEDS, _layout_pdf, _register_font, seed_document, to_pdf

from reportkit.extract.document import Document, Table
from reportkit.extract.parse import parse, parse_bytes
from reportkit.extract.readers.pdf import read_pdf
from reportkit.extract.readers.pdf_fast import FastPages

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"
REAL_PDFS = ("huaian_szf_2024.pdf", "hzq2024_working.pdf")
SEED_NAMES = [p.name for p in SEEDS]


def _blocks(doc: Document) -> list[tuple]:
    return [("table", b.rows, b.row_pages()) if isinstance(b, Table) else ("text", b.text)
            for b in doc.blocks]


def _real(name: str) -> bytes:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"the real reports are not here ({REAL})")
    return path.read_bytes()


@pytest.mark.parametrize("name", REAL_PDFS)
def test_real_pdf_fast_equals_pdfplumber(name: str) -> None:
    data = _real(name)
    fast, plumber = read_pdf(data), read_pdf(data, fast=False)
    assert _blocks(fast) == _blocks(plumber)
    assert fast.notes == plumber.notes


@pytest.mark.parametrize("name", REAL_PDFS)
def test_real_pdf_is_read_by_pdfium(name: str) -> None:
    """Every page of the published reports takes the fast path (none falls back)."""
    data = _real(name)
    pages = FastPages(data)
    read = [pages.page(i) for i in range(len(pages.doc))]
    assert all(p is not None for p in read) and pages.fallbacks == []
    assert sum(len(p.chars) for p in read) > 2000 and any(p.find_tables() for p in read)


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_rendered_pdf_fast_equals_pdfplumber(seed: str, seed_forms) -> None:
    data = seed_forms[seed]["pdf"]
    assert _blocks(read_pdf(data)) == _blocks(read_pdf(data, fast=False))


def test_rendered_pages_without_dropped_text_take_the_fast_path(seed_forms) -> None:
    """Without the pdfminer page, pages of the rendered seeds are read by pdfium unless
    pdfium's text page drops one of their text objects (then pdfplumber reads that page)."""
    taken = 0
    for forms in seed_forms.values():
        pages = FastPages(forms["pdf"])
        n = len(pages.doc)
        taken += sum(pages.page(i) is not None for i in range(n))
    assert taken >= 5


_BOX = ("x0", "x1", "top", "bottom", "doctop")


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_rendered_pages_take_the_fast_path_with_pdfminers_characters(seed: str,
                                                                     seed_forms) -> None:
    """With the content stream beside it, every page of the rendered seeds is read by
    pdfium — the lone characters its text page drops (a CJK font that is not embedded)
    and the no-break spaces pdfminer's CMap does not map included — and its characters
    are pdfplumber's, text for text and box for box."""
    import pdfplumber

    data = seed_forms[seed]["pdf"]
    pages = FastPages(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i, plumber_page in enumerate(pdf.pages):
            fast = pages.page(i, plumber_page.page_obj)
            assert fast is not None
            ours, theirs = fast.chars, plumber_page.chars
            assert [c["text"] for c in ours] == [c["text"] for c in theirs]
            assert all(abs(a[k] - b[k]) < 1e-3 for a, b in zip(ours, theirs, strict=True)
                       for k in _BOX)
    assert pages.fallbacks == []


def _pdf_in_forms(doc: Document) -> bytes:
    """The seed drawn as :func:`formats.to_pdf` draws it, but each page inside a form
    XObject: the rules are not page-level path objects."""
    from reportlab.pdfgen import canvas

    _register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595.0, 842.0))
    for n, ops in enumerate(_layout_pdf(doc.blocks)):
        name = f"page{n}"
        c.beginForm(name)
        for op in ops:
            if op[0] == "rect":
                c.rect(*op[1:], stroke=1, fill=0)
            else:
                c.setFont("STSong-Light", op[4])
                c.drawString(op[1], op[2], op[3])
        c.endForm()
        c.doForm(name)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_rules_in_a_form_fall_back_to_pdfplumber() -> None:
    seed = SEEDS[2]
    data = _pdf_in_forms(seed_document(seed))
    pages = FastPages(data)
    assert [pages.page(i) for i in range(len(pages.doc))] == [None] * len(pages.doc)
    assert pages.fallbacks == list(range(len(pages.doc)))
    report = parse_bytes(data, "report.pdf")
    assert report.status == "ok", report.error
    drop = ["report_id", "label_raw", "match", "page"]
    pd.testing.assert_frame_equal(report.values_frame.drop(columns=drop),
                                  parse(seed).values_frame.drop(columns=drop))
    assert _blocks(read_pdf(data)) == _blocks(read_pdf(data, fast=False))


def test_fast_path_carries_the_page_of_each_row() -> None:
    report = parse_bytes(to_pdf(seed_document(SEEDS[2])), "report.pdf")
    pages = report.values_frame["page"]
    assert pages.notna().all() and pages.min() >= 1 and pages.nunique() > 1


def _random_chars(rng, n: int) -> list[dict]:
    texts = list("0123456789开放政府信息") + [" ", "\xa0", "ﬁ", ""]
    chars = []
    for _ in range(n):
        x0 = round(rng.uniform(0, 60), rng.choice([0, 1, 4]))
        top = round(rng.choice([0, 1.5, 2.9, 3.1, 6, 9, 12.5]) + rng.uniform(0, 0.5), 2)
        size = rng.choice([8.0, 10.5])
        chars.append({"text": rng.choice(texts), "x0": x0, "x1": x0 + size * rng.choice([0.5, 1]),
                      "top": top, "bottom": top + size, "doctop": top, "upright": True})
    return chars


def test_cell_text_is_pdfplumbers_extract_text() -> None:
    """The fast path's cell text is ``pdfplumber.utils.extract_text`` of the same
    characters: lines within 3 pt, gaps wider than 3 pt, spaces, ligatures, empty texts."""
    import random

    from pdfplumber.utils import extract_text

    from reportkit.extract.readers.pdf_lattice import cell_text

    rng = random.Random(12)
    for n in [1, 2, 3, 5, 8, 20, 40] * 60:
        chars = _random_chars(rng, n)
        assert cell_text(chars) == extract_text(chars), chars


def test_text_lines_are_pdfplumbers() -> None:
    """The fast path's text lines (text, box and characters) are those pdfplumber's
    textmap gives for the same characters."""
    import random

    from pdfplumber.utils.text import chars_to_textmap

    from reportkit.extract.readers.pdf_lattice import text_lines

    rng = random.Random(13)
    bbox = (0.0, 0.0, 595.0, 842.0)
    multi = 0
    for n in [1, 2, 5, 12, 30, 60] * 50:
        chars = _random_chars(rng, n)
        theirs = chars_to_textmap(chars, layout_bbox=bbox, layout_width=595.0,
                                  layout_height=842.0).extract_text_lines(strip=True,
                                                                          return_chars=True)
        assert text_lines(chars, bbox) == theirs
        multi += len(theirs) > 1
    assert multi > 100


@pytest.mark.parametrize("name", REAL_PDFS)
def test_fast_table_cells_are_pdfplumbers(name: str) -> None:
    """Each table the fast path finds gives the cell texts ``pdfplumber.table.Table``
    gives for the same cells and characters."""
    from pdfplumber.table import Table as PlumberTable

    pages = FastPages(_real(name))
    tables = [t for i in range(len(pages.doc)) for t in pages.page(i).find_tables()]
    assert tables
    for t in tables:
        assert t.extract() == PlumberTable.extract(t)


@pytest.mark.parametrize("name", REAL_PDFS)
def test_cells_are_pdfplumbers(name: str) -> None:
    """The cells the fast path makes of a page's intersections are those
    ``pdfplumber.table.intersections_to_cells`` makes of them."""
    from pdfplumber import table as plumber_table
    from pdfplumber import utils as plumber_utils

    from reportkit.extract.readers.pdf_lattice import cells

    pages = FastPages(_real(name))
    compared = 0
    for i in range(len(pages.doc)):
        edges = pages.page(i).edges
        v = plumber_utils.filter_edges(edges, "v", min_length=1)
        h = plumber_utils.filter_edges(edges, "h", min_length=1)
        if not v or not h:
            continue
        merged = plumber_utils.filter_edges(plumber_table.merge_edges(v + h, 3, 3, 3, 3),
                                            min_length=3)
        points = plumber_table.edges_to_intersections(merged, 3, 3)
        assert cells(points) == plumber_table.intersections_to_cells(points)
        compared += bool(points)
    assert compared


def test_page_text_at_once_is_pdfiums_char_by_char(seed_forms) -> None:
    """The text page's characters fetched at once are those ``FPDFText_GetUnicode`` gives
    one by one, index for index."""
    import pypdfium2.raw as raw

    from reportkit.extract.readers.pdf_fast import _calls, _page_text

    datas = [forms["pdf"] for forms in seed_forms.values()] + [
        (REAL / n).read_bytes() for n in REAL_PDFS if (REAL / n).is_file()]
    for data in datas:
        pages = FastPages(data)
        for i in range(len(pages.doc)):
            textpage = pages.doc[i].get_textpage()
            n = raw.FPDFText_CountChars(textpage.raw)
            one_by_one = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, k)) for k in range(n))
            assert _page_text(textpage.raw, n, _calls()) == one_by_one
            textpage.close()


def test_shown_strings_of_a_content_stream() -> None:
    """Strings (escapes, nested parentheses, hex), fonts saved and restored by q/Q, TJ
    arrays, and whether each string was placed anew, as a person reads the stream."""
    from reportkit.extract.readers.pdf_stream import shown_strings

    stream = (b"q BT /F1 9 Tf 1 0 0 1 50 700 Tm (a\\(b\\)\\101\\\n) Tj (c) Tj ET Q "
              b"BT 10 10 Td [(x) -30 <4142 43>] TJ /F2 8 Tf T* (d(e)f) Tj () Tj ET")
    assert shown_strings(stream, set()) == [
        (b"F1", [b"a(b)A"], True), (b"F1", [b"c"], False), (b"", [b"x", b"ABC"], True),
        (b"F2", [b"d(e)f"], True)]
    assert shown_strings(b"/Fm0 Do BT /F1 1 Tf (a) Tj ET", {b"Fm0"}) is None
    assert shown_strings(b"BI /W 1 /H 1 ID \x00 EI", set()) is None


def _random_edges(rng) -> list[dict]:
    """Rules of a rough grid: lines a little off their places, broken, overrunning,
    some missing, some too short to count."""
    xs = sorted(rng.sample([10, 12.5, 40, 41.5, 80, 120, 123, 160], rng.randint(2, 6)))
    ys = sorted(rng.sample([20, 21, 35, 50, 52.9, 70, 90, 93.5], rng.randint(2, 6)))
    edges = []
    for x in xs:
        for y0, y1 in pairwise(ys):
            if rng.random() < 0.85:
                at, top = x + rng.choice([0, 0, 0.4, -1.2, 2.9]), y0 + rng.choice([0, -1, 2.5])
                bottom = y1 + rng.choice([0, 1, -2.5, -4])
                edges.append({"orientation": "v", "x0": at, "x1": at, "top": top,
                              "bottom": bottom, "width": 0, "height": bottom - top})
    for y in ys:
        for x0, x1 in pairwise(xs):
            if rng.random() < 0.85:
                at, left = y + rng.choice([0, 0, 0.3, -1.5, 3.1]), x0 + rng.choice([0, -1, 2])
                right = x1 + rng.choice([0, 1.5, -2, -3.5])
                edges.append({"orientation": "h", "x0": left, "x1": right, "top": at,
                              "bottom": at, "width": right - left, "height": 0})
    rng.shuffle(edges)
    return edges


def test_lattice_is_pdfplumbers_table_finder() -> None:
    """Snapped and joined edges, their intersections and the cells they make are those of
    ``pdfplumber.table`` (``merge_edges``, ``edges_to_intersections``,
    ``intersections_to_cells``), on edges that snap, join, touch and just miss."""
    import random

    from pdfplumber import table as plumber_table
    from pdfplumber import utils as plumber_utils

    from reportkit.extract.readers import pdf_lattice as lattice

    def boxes(points: dict) -> dict:
        return {p: sorted(tuple(plumber_utils.obj_to_bbox(e)) for e in d["v"] + d["h"])
                for p, d in points.items()}

    rng = random.Random(5)
    cells_found = 0
    for _ in range(300):
        edges = _random_edges(rng)
        v = plumber_utils.filter_edges(edges, "v", min_length=1)
        h = plumber_utils.filter_edges(edges, "h", min_length=1)
        if not v or not h:
            continue
        theirs = plumber_utils.filter_edges(plumber_table.merge_edges(v + h, 3, 3, 3, 3),
                                            min_length=3)
        ours = lattice.merge_edges(v, h, 3, 3, 3)
        assert [e[:5] for e in ours] == [
            (e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"]) for e in theirs]
        their_points = plumber_table.edges_to_intersections(theirs, 3, 3)
        our_points = lattice.intersections(ours, 3)
        assert boxes(our_points) == boxes(their_points)
        cells = lattice.cells(our_points)
        assert cells == plumber_table.intersections_to_cells(their_points)
        cells_found += len(cells)
    assert cells_found > 50


def test_no_break_space_pdfminer_does_not_map_is_left_out() -> None:
    """A no-break space in a CJK font that is not embedded: pdfium shows it and advances,
    pdfminer's CMap has no code for it and shows nothing. On a page where pdfium drops no
    text, the fast path still reads such a page against its content stream and gives
    pdfplumber's characters, box for box."""
    import pdfplumber
    from reportlab.pdfgen import canvas

    _register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595.0, 842.0))
    c.setFont("STSong-Light", 10)
    c.drawString(50, 700, "\xa019 项目")
    c.drawString(50, 680, "合计\xa0\xa012")
    c.drawString(50, 660, "其他 3")
    c.showPage()
    c.save()
    data = buf.getvalue()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        theirs = pdf.pages[0].chars
        assert "".join(ch["text"] for ch in theirs) == "19 项目合计12其他 3"
        fast = FastPages(data).page(0, pdf.pages[0].page_obj)
    assert fast is not None
    assert [ch["text"] for ch in fast.chars] == [ch["text"] for ch in theirs]
    assert all(abs(a[k] - b[k]) < 1e-3 for a, b in zip(fast.chars, theirs, strict=True)
               for k in _BOX)
    without = FastPages(data).page(0)  # without the content stream: pdfium's own reading
    assert without is not None and "\xa0" in "".join(ch["text"] for ch in without.chars)
