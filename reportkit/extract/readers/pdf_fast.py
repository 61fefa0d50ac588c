"""A PDF's text layer and ruling lines through pypdfium2 (C), laid out as pdfplumber would.

pdfplumber re-parses every page in pure Python (pdfminer); that parse is nearly all of a
PDF's cost. Here pdfium reads each page: its characters with their boxes and its path
objects (lines and rectangles, the rules of a table). The geometry is then pdfplumber's,
computed faster in :mod:`reportkit.extract.readers.pdf_lattice` (rules snapped and joined,
intersected into cells, grouped into tables by ``pdfplumber.table``; text lines laid out by
``pdfplumber.utils.text``) — so merged cells, page breaks and wrapped lines come out
exactly as on the pdfplumber path, at the speed of the text layer.

Text pdfium's text page leaves out (a lone character whose glyph the substitute font
lacks) and no-break spaces pdfminer's CMap does not map are read against the page's
content stream (:mod:`reportkit.extract.readers.pdf_stream`), given the pdfminer page.

A :class:`FastPage` offers what :func:`reportkit.readers.pdf.read_page` uses of a pdfplumber
page (``chars``, ``find_tables``, ``outside_bbox``, ``extract_text_lines``). Where pdfium
and pdfminer could see a page differently (a rotated page or text, a shifted media box,
glyphs without a Unicode mapping, rules drawn inside form XObjects), :class:`Unsupported`
is raised and the caller reads that page with pdfplumber.
"""

from __future__ import annotations

import ctypes
from typing import Any

from pdfplumber import table as plumber_table
from pdfplumber import utils as plumber_utils

from reportkit.extract.readers import pdf_lattice as lattice

#: pdfplumber's default table settings ("lines" strategy), spelled out.
_SNAP, _JOIN, _MIN_EDGE, _MIN_EDGE_PRE, _INTERSECT = 3, 3, 3, 1, 3
_PATH_DECIMALS = 3  # pdfium keeps 32-bit floats: 74.30000305 is the 74.3 the file says
_CHAR_DECIMALS = 4


class Unsupported(Exception):
    """The page has something the fast path does not reproduce exactly: read it with
    pdfplumber."""


class FastPage:
    """One page as chars and edges, with the pdfplumber page methods the reader uses."""

    def __init__(self, chars: list[dict[str, Any]], edges: list[dict[str, Any]],
                 bbox: tuple[float, float, float, float]) -> None:
        self.chars = chars
        self.edges = edges
        self.bbox = bbox

    def find_tables(self) -> list[plumber_table.Table]:
        """Ruled tables, found as ``pdfplumber.Page.find_tables()`` finds them."""
        v = plumber_utils.filter_edges(self.edges, "v", min_length=_MIN_EDGE_PRE)
        h = plumber_utils.filter_edges(self.edges, "h", min_length=_MIN_EDGE_PRE)
        if not v or not h:
            return []
        edges = lattice.merge_edges(v, h, _SNAP, _JOIN, _MIN_EDGE)
        points = lattice.intersections(edges, _INTERSECT)
        cells = lattice.cells(points)
        owner = lattice.CharsPage(self.chars)
        return [lattice.Table(owner, group)  # type: ignore[arg-type]
                for group in plumber_table.cells_to_tables(cells)]

    def outside_bbox(self, bbox: tuple[float, ...]) -> FastPage:
        """The page without the objects that touch ``bbox``."""
        left, top, right, bottom = bbox
        kept = []
        for c in self.chars:  # pdfplumber.utils.outside_bbox: no overlap with the box
            w = min(c["x1"], right) - max(c["x0"], left)
            h = min(c["bottom"], bottom) - max(c["top"], top)
            if not (h >= 0 and w >= 0 and h + w > 0):
                kept.append(c)
        return FastPage(kept, [], self.bbox)

    def extract_text_lines(self, strip: bool = True,
                           return_chars: bool = True) -> list[dict[str, Any]]:
        """Text lines as ``pdfplumber.Page.extract_text_lines`` gives them."""
        return lattice.text_lines(self.chars, self.bbox, strip, return_chars)

    def close(self) -> None:
        """Nothing to free (the pdfium page is closed when read)."""


# --- reading a page with pdfium -----------------------------------------------------------


def open_document(data: bytes) -> Any:
    """The pdfium document (raises on a damaged or encrypted file)."""
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


def read_fast_page(doc: Any, index: int, doctop: float, source: Any = None,
                   fonts: Any = None) -> FastPage:
    """Page ``index`` of a pdfium document as a :class:`FastPage`; ``doctop`` is the sum
    of the heights of the pages before it (pdfplumber's document coordinates).
    ``source`` (the pdfminer page, and ``fonts`` its resource manager) lets it read the
    text objects pdfium's text page leaves out from the content stream."""

    page = doc[index]
    try:
        bbox = _page_box(page)
        height = bbox[3]
        drawn, edges = _objects(page, height, doctop)
        chars, seen = _page_chars(page, height, doctop)
        dropped = any(obj not in seen for obj in drawn)
        if dropped and source is None:
            raise Unsupported("text objects pdfium's text page leaves out")
        if dropped or (source is not None and any(
                c["text"] != " " and c["text"].isspace() for c in chars)):
            # a space other than U+0020 (a no-break space) may be one pdfminer's CMap
            # does not map: read against the content stream, as where text is dropped
            chars += _dropped_chars(page, drawn, chars, source, fonts, height, doctop)
            order = {obj: k for k, obj in enumerate(drawn)}
            chars.sort(key=lambda c: order[c["_obj"]])  # content order, as pdfminer's
        for c in chars:
            del c["_obj"]
    finally:
        page.close()
    return FastPage(chars, edges, bbox)


def _dropped_chars(page: Any, drawn: list[int], chars: list[dict[str, Any]], source: Any,
                   fonts: Any, height: float, doctop: float) -> list[dict[str, Any]]:
    """The characters of the text objects pdfium's text page leaves out (each a lone
    character), their codes read from the content stream and checked against every
    object pdfium did read."""
    import pypdfium2.raw as raw
    from pdfminer.pdftypes import resolve1

    from reportkit.extract.readers.pdf_stream import shown_strings

    objects = [raw.FPDFPage_GetObject(page.raw, k)
               for k in range(raw.FPDFPage_CountObjects(page.raw))]
    if any(raw.FPDFPageObj_GetType(o) == raw.FPDF_PAGEOBJ_FORM for o in objects):
        raise Unsupported("text in form XObjects, beside text pdfium leaves out")
    resources = resolve1(source.resources) or {}
    xobjects = resolve1(resources.get("XObject")) or {}
    forms = {name.encode("latin-1") for name, x in xobjects.items()
             if getattr(resolve1(x), "attrs", {}).get("Subtype") is not None
             and getattr(resolve1(x).attrs["Subtype"], "name", "") == "Form"}
    contents = source.contents if isinstance(source.contents, list) else [source.contents]
    data = b"\n".join(resolve1(s).get_data() for s in contents)
    shown = shown_strings(data, forms)
    if shown is None or len(shown) != len(drawn):
        raise Unsupported("text objects pdfium leaves out, and a content stream not followed")
    font_specs = resolve1(resources.get("Font")) or {}
    of_object: dict[int, list[dict[str, Any]]] = {}
    for c in chars:
        of_object.setdefault(c["_obj"], []).append(c)
    by_key = {_key(o): o for o in objects}
    out: list[dict[str, Any]] = []
    dropped: set[int] = set()  # characters pdfium reads and pdfminer does not (ids)
    carried = False  # the last object's end differs: the next must be positioned anew
    for key, (name, strings, positioned) in zip(drawn, shown, strict=True):
        if carried and not positioned:
            raise Unsupported("text placed after text pdfium and pdfminer end differently")
        carried = False
        font = _pdfminer_font(fonts, font_specs, name)
        try:
            cids = [cid for s in strings for cid in font.decode(s)]
            text = "".join(font.to_unichr(cid) for cid in cids)
        except Exception as exc:
            raise Unsupported("a glyph without a Unicode mapping") from exc
        if key in of_object:
            read = of_object[key]
            if "".join(c["text"] for c in read) != text:
                dropped.update(_undrawn_spaces(read, text, len(strings)))
                carried = True
            continue
        carried = True
        if not cids:
            continue  # codes pdfminer's CMap does not map: no character, no advance
        if len(cids) != 1 or len(text) != 1 or font.is_vertical():
            raise Unsupported("text pdfium leaves out that is not a lone character")
        obj = by_key[key]
        handle, fsize, xscale, descent = _text_object(obj)
        width, matrix = ctypes.c_float(), raw.FS_MATRIX()
        if not (_calls().glyph_width(handle, ord(text), fsize, ctypes.addressof(width))
                and raw.FPDFPageObj_GetMatrix(obj, matrix)):
            raise Unsupported("a character without its width")
        x0 = matrix.e
        char = _char(text, x0, x0 + width.value * xscale, matrix.f + descent, fsize * xscale,
                     height, doctop)
        char["_obj"] = key
        out.append(char)
    if dropped:
        chars[:] = [c for c in chars if id(c) not in dropped]
    return out


def _undrawn_spaces(read: list[dict[str, Any]], text: str, strings: int) -> set[int]:
    """pdfium shows a space the font's CMap does not map (a no-break space in a CJK
    font) where pdfminer shows nothing and does not advance: drop those characters and
    move the ones after them back by their advance. The ids of the dropped ones. Only
    spaces pdfminer shows none of are dropped, and the rest must then be its text."""
    unmapped = {c["text"] for c in read if c["text"].isspace() and c["text"] not in text}
    gone = [c["text"] in unmapped for c in read]
    if strings != 1 or not unmapped or "".join(
            c["text"] for c, g in zip(read, gone, strict=True) if not g) != text:
        raise Unsupported("the content stream read otherwise than pdfium reads it")
    shift = 0.0
    for k, c in enumerate(read):
        if gone[k]:
            if k + 1 < len(read):
                shift += read[k + 1]["x0"] - c["x0"]
        elif shift:
            c["x0"] = round(c["x0"] - shift, _CHAR_DECIMALS)
            c["x1"] = round(c["x1"] - shift, _CHAR_DECIMALS)
    return {id(c) for c, g in zip(read, gone, strict=True) if g}


def _pdfminer_font(fonts: Any, specs: dict[str, Any], name: bytes) -> Any:
    from pdfminer.pdftypes import PDFObjRef, resolve1

    spec = specs.get(name.decode("latin-1"))
    if spec is None:
        raise Unsupported("a font the page does not name")
    objid = spec.objid if isinstance(spec, PDFObjRef) else None
    return fonts.get_font(objid, resolve1(spec))


def _key(obj: Any) -> int:
    return ctypes.cast(obj, ctypes.c_void_p).value or 0


def _page_chars(page: Any, height: float,
                doctop: float) -> tuple[list[dict[str, Any]], set[int]]:
    textpage = page.get_textpage()
    try:
        return _chars(textpage, height, doctop)
    finally:
        textpage.close()


def _page_box(page: Any) -> tuple[float, float, float, float]:
    if page.get_rotation() % 360:
        raise Unsupported("rotated page")
    media, crop = tuple(page.get_mediabox()), tuple(page.get_cropbox())
    if media != crop or media[0] or media[1]:
        raise Unsupported("media box not at the origin or cropped")
    return (0.0, 0.0, float(media[2]), float(media[3]))


class _Calls:
    """The per-character pdfium calls, bound with plain pointer and integer arguments:
    ctypes converts those much faster than pypdfium2's typed pointers (and a text object
    comes back as its address, with no cast)."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        ptr, num = ctypes.c_void_p, ctypes.c_int

        def bind(fn: Any, restype: Any, *argtypes: Any) -> Any:
            address = ctypes.cast(fn, ctypes.c_void_p).value
            return ctypes.CFUNCTYPE(restype, *argtypes)(address)

        self.text_object = bind(raw.FPDFText_GetTextObject, ptr, ptr, num)
        self.unicode_error = bind(raw.FPDFText_HasUnicodeMapError, num, ptr, num)
        self.generated = bind(raw.FPDFText_IsGenerated, num, ptr, num)
        self.unicode = bind(raw.FPDFText_GetUnicode, ctypes.c_uint, ptr, num)
        self.origin = bind(raw.FPDFText_GetCharOrigin, num, ptr, num, ptr, ptr)
        self.count_objects = bind(raw.FPDFPage_CountObjects, num, ptr)
        self.get_object = bind(raw.FPDFPage_GetObject, ptr, ptr, num)
        self.count_form_objects = bind(raw.FPDFFormObj_CountObjects, num, ptr)
        self.get_form_object = bind(raw.FPDFFormObj_GetObject, ptr, ptr, ctypes.c_ulong)
        self.object_type = bind(raw.FPDFPageObj_GetType, num, ptr)
        self.draw_mode = bind(raw.FPDFPath_GetDrawMode, num, ptr, ptr, ptr)
        self.matrix = bind(raw.FPDFPageObj_GetMatrix, num, ptr, ptr)
        self.count_segments = bind(raw.FPDFPath_CountSegments, num, ptr)
        self.segment = bind(raw.FPDFPath_GetPathSegment, ptr, ptr, num)
        self.segment_type = bind(raw.FPDFPathSegment_GetType, num, ptr)
        self.segment_point = bind(raw.FPDFPathSegment_GetPoint, num, ptr, ptr, ptr)
        self.segment_close = bind(raw.FPDFPathSegment_GetClose, num, ptr)
        self.font_size = bind(raw.FPDFTextObj_GetFontSize, num, ptr, ptr)
        self.font = bind(raw.FPDFTextObj_GetFont, ptr, ptr)
        self.descent = bind(raw.FPDFFont_GetDescent, num, ptr, ctypes.c_float, ptr)
        self.glyph_width = bind(raw.FPDFFont_GetGlyphWidth, num, ptr, ctypes.c_uint,
                                ctypes.c_float, ptr)
        self.loose_box = bind(raw.FPDFText_GetLooseCharBox, num, ptr, num, ptr)
        # out-parameters, made once (a process reads one page at a time)
        self.fsize_buffer, self.descent_buffer = ctypes.c_float(), ctypes.c_float()
        self.matrix_buffer, self.rect_buffer = raw.FS_MATRIX(), raw.FS_RECTF()
        self.at_fsize = ctypes.addressof(self.fsize_buffer)
        self.at_descent = ctypes.addressof(self.descent_buffer)
        self.at_matrix = ctypes.addressof(self.matrix_buffer)
        self.at_rect = ctypes.addressof(self.rect_buffer)


def _calls() -> _Calls:
    global _CALLS
    if _CALLS is None:
        _CALLS = _Calls()
    return _CALLS


_CALLS: _Calls | None = None


def _page_text(tp: Any, n: int, calls: _Calls) -> str:
    """The text page's characters, one per index: fetched at once when pdfium's page
    text has one character per index (no control character left out, nothing outside
    the Basic Multilingual Plane), else one by one."""
    import pypdfium2.raw as raw

    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetText(tp, 0, n, buf) if n else 0
    text = bytes(buf)[:2 * max(got - 1, 0)].decode("utf-16-le", "replace")
    address = ctypes.cast(tp, ctypes.c_void_p).value
    if len(text) == n and all(ord(text[i]) == calls.unicode(address, i)
                              for i in range(0, n, max(n // 16, 1))):
        return text
    return "".join(chr(calls.unicode(address, i)) for i in range(n))


def _chars(textpage: Any, height: float, doctop: float) -> tuple[list[dict[str, Any]], set[int]]:
    """The page's characters as pdfminer boxes them: from the origin to the advance, from
    the baseline's descent up one font size."""
    import pypdfium2.raw as raw

    calls = _calls()
    tp = textpage.raw
    address = ctypes.cast(tp, ctypes.c_void_p).value
    n = raw.FPDFText_CountChars(tp)
    text = _page_text(tp, n, calls)
    ox, oy, width = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    at_x, at_y = ctypes.addressof(ox), ctypes.addressof(oy)
    # text object → its font, size, scale, descent, vertical writing, glyph advances
    objects: dict[int, tuple[int, float, float, float, bool, dict[int, float]]] = {}
    advances: dict[tuple[int, float, float], dict[int, float]] = {}  # per font and size
    descents: dict[tuple[int, float], float] = {}
    rect, loose_box, at_rect = calls.rect_buffer, calls.loose_box, calls.at_rect
    chars: list[dict[str, Any]] = []
    text_object, unicode_error, origin = calls.text_object, calls.unicode_error, calls.origin
    generated, glyph_width, at_width = calls.generated, calls.glyph_width, ctypes.addressof(width)
    last = -1
    font, fsize, xscale, descent, vertical, widths, size = 0, 0.0, 0.0, 0.0, False, {}, 0.0
    for i in range(n):
        ch = text[i]
        if (ch <= " " or ch.isspace()) and generated(address, i):
            continue  # pdfium generates spaces and line breaks only
        if unicode_error(address, i):
            raise Unsupported("a glyph without a Unicode mapping")
        key = text_object(address, i) or 0
        if key != last:  # a text object's characters mostly come together
            info = objects.get(key)
            if info is None:
                font, fsize, xscale, descent = _text_object(key, descents)
                # pdfium boxes vertical writing in text space (judged on its first char)
                loose_box(address, i, at_rect)
                vertical = rect.top - rect.bottom > 2.5 * (fsize * xscale)
                widths = advances.setdefault((font, fsize, xscale), {})
                info = objects[key] = (font, fsize, xscale, descent, vertical, widths)
            font, fsize, xscale, descent, vertical, widths = info
            size = round(fsize * xscale, _CHAR_DECIMALS)
            last = key
        code = ord(ch)
        advance = widths.get(code)
        if advance is None:  # the same font's glyphs: widths once
            ok = glyph_width(font, code, fsize, at_width)
            advance = widths[code] = width.value * xscale if ok else -1.0
        origin(address, i, at_x, at_y)
        x0 = ox.value
        if vertical:  # pdfminer: one em wide, sitting on the origin
            advance, y0 = fsize * xscale, oy.value
        else:
            y0 = oy.value + descent
            if advance < 0:  # no width for this character: its box in the text page
                loose_box(address, i, at_rect)
                advance = rect.right - x0
        x1, x0 = round(x0 + advance, _CHAR_DECIMALS), round(x0, _CHAR_DECIMALS)
        bottom = round(height - y0, _CHAR_DECIMALS)  # as _char, inline
        top = bottom - size
        chars.append({"object_type": "char", "text": ch, "x0": x0, "x1": x1, "top": top,
                      "bottom": bottom, "doctop": doctop + top, "y0": height - bottom,
                      "y1": height - top, "width": x1 - x0, "height": size, "size": size,
                      "upright": True, "_obj": key})
    return chars, set(objects)


def _text_object(obj: Any, descents: dict[tuple[int, float], float] | None = None,
                 ) -> tuple[int, float, float, float]:
    """A text object's font (its address), font size, scale to the page and descent on
    the page; ``obj`` is the object or its address; ``descents`` caches the descent of a
    font at a size."""
    calls = _calls()
    if not isinstance(obj, int):
        obj = ctypes.cast(obj, ctypes.c_void_p).value or 0
    fsize, matrix = calls.fsize_buffer, calls.matrix_buffer
    if not (calls.font_size(obj, calls.at_fsize) and calls.matrix(obj, calls.at_matrix)):
        raise Unsupported("a character without its text object")
    if matrix.b or matrix.c or matrix.a <= 0 or matrix.a != matrix.d:
        raise Unsupported("rotated, mirrored or stretched text")
    font = calls.font(obj)
    size = fsize.value * matrix.d
    descent = descents.get((font, size)) if (descents is not None and font) else None
    if descent is None:
        if not font or not calls.descent(font, size, calls.at_descent):
            raise Unsupported("a font without metrics")
        descent = calls.descent_buffer.value
        if descents is not None:
            descents[(font, size)] = descent
    return font, fsize.value, matrix.a, descent


def _char(text: str, x0: float, x1: float, y0: float, size: float, height: float,
          doctop: float) -> dict[str, Any]:
    size = round(size, _CHAR_DECIMALS)
    x0, x1 = round(x0, _CHAR_DECIMALS), round(x1, _CHAR_DECIMALS)
    bottom = round(height - y0, _CHAR_DECIMALS)
    top = bottom - size
    return {"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "doctop": doctop + top, "y0": height - bottom,
            "y1": height - top, "width": x1 - x0, "height": size, "size": size,
            "upright": True}


# --- ruling lines -------------------------------------------------------------------------


def _objects(page: Any, height: float,
             doctop: float) -> tuple[list[int], list[dict[str, Any]]]:
    """One pass over the page's objects: every text object (on the page or in its form
    XObjects, by address) and the edges of its painted paths."""
    calls = _calls()
    import pypdfium2.raw as raw

    holder = ctypes.cast(page.raw, ctypes.c_void_p).value
    texts: list[int] = []
    edges: list[dict[str, Any]] = []
    fill, stroke, matrix = ctypes.c_int(), ctypes.c_int(), raw.FS_MATRIX()
    at_fill, at_stroke, at_matrix = (ctypes.addressof(fill), ctypes.addressof(stroke),
                                     ctypes.addressof(matrix))
    for k in range(calls.count_objects(holder)):
        obj = calls.get_object(holder, k)
        kind = calls.object_type(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            texts.append(obj)
        elif kind == raw.FPDF_PAGEOBJ_FORM:
            if _form_objects(obj, texts, calls):
                raise Unsupported("rules inside a form XObject")
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            calls.draw_mode(obj, at_fill, at_stroke)
            if not fill.value and not stroke.value:
                continue  # a clipping path: pdfminer does not paint it either
            calls.matrix(obj, at_matrix)
            m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            for shape, pts in _subpaths(obj, m, calls):
                edges.extend(_shape_edges(shape, pts, height, doctop))
    return texts, edges


def _form_objects(form: int, texts: list[int], calls: _Calls) -> bool:
    """Add the text objects of a form XObject (and the forms in it); whether it has paths."""
    import pypdfium2.raw as raw

    paths = False
    for k in range(calls.count_form_objects(form)):
        obj = calls.get_form_object(form, k)
        kind = calls.object_type(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            texts.append(obj)
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            paths = True
        elif kind == raw.FPDF_PAGEOBJ_FORM:
            paths = _form_objects(obj, texts, calls) or paths
    return paths


def _subpaths(obj: int, m: tuple[float, ...],
              calls: _Calls) -> list[tuple[str, list[tuple[float, float]]]]:
    """The path's subpaths as pdfminer spells them: operators ("mlllh") and end points."""
    import pypdfium2.raw as raw

    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    at_x, at_y = ctypes.addressof(x), ctypes.addressof(y)
    moveto, lineto, bezierto = (raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO,
                                raw.FPDF_SEGMENT_BEZIERTO)
    out: list[tuple[str, list[tuple[float, float]]]] = []
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    for i in range(calls.count_segments(obj)):
        seg = calls.segment(obj, i)
        kind = calls.segment_type(seg)
        calls.segment_point(seg, at_x, at_y)
        pt = (round(a * x.value + c * y.value + e, _PATH_DECIMALS),
              round(b * x.value + d * y.value + f, _PATH_DECIMALS))
        if kind == moveto:
            if ops:
                out.append(("".join(ops), pts))
            ops, pts, bezier = ["m"], [pt], 0
        elif kind == lineto:
            ops.append("l")
            pts.append(pt)
        elif kind == bezierto:
            bezier += 1
            if bezier % 3:
                continue  # a control point: pdfminer keeps a curve's end point only
            ops.append("c")
            pts.append(pt)
        else:
            raise Unsupported("an unknown path segment")
        if calls.segment_close(seg) and pts:
            ops.append("h")
            pts.append(pts[0])
    if ops:
        out.append(("".join(ops), pts))
    return out


def _shape_edges(shape: str, pts: list[tuple[float, float]], height: float,
                 doctop: float) -> list[dict[str, Any]]:
    """The edges pdfplumber makes of one painted subpath (pdfminer's line, rect or curve)."""
    if not shape.startswith("m") or len(pts) < 2:
        return []
    if len(shape) > 3 and shape.endswith("lh") and pts[-2] == pts[0]:
        shape, pts = shape[:-2] + "h", pts[:-1]
    if shape in ("mlh", "ml"):
        (x0, y0), (x1, y1) = pts[0], pts[1]
        obj = _box("line", min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), height, doctop)
        return [plumber_utils.line_to_edge(obj)]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            rect = _box("rect", min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2), height,
                        doctop)
            return plumber_utils.rect_to_edges(rect)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    curve = _box("curve", min(xs), min(ys), max(xs), max(ys), height, doctop)
    curve["pts"] = [(px, height - py) for px, py in pts]
    return [e for e in plumber_utils.curve_to_edges(curve) if e["orientation"]]


def _box(kind: str, x0: float, y0: float, x1: float, y1: float, height: float,
         doctop: float) -> dict[str, Any]:
    top, bottom = height - y1, height - y0
    return {"object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": top,
            "bottom": bottom, "doctop": doctop + top, "width": x1 - x0,
            "height": bottom - top}


class FastPages:
    """A PDF's pages through pdfium, one at a time; ``None`` for a page (or every page,
    when pdfium cannot open the file) the fast path does not read, so the caller reads it
    with pdfplumber."""

    def __init__(self, data: bytes, enabled: bool = True, n_pages: int | None = None) -> None:
        self.doc: Any = None
        self.doctop = 0.0
        self.fallbacks: list[int] = []  # pages read with pdfplumber (0-based)
        self.fonts: Any = None  # pdfminer's fonts, for text pdfium leaves out
        if enabled:
            try:
                self.doc = open_document(data)
            except Exception:
                self.doc = None  # pdfplumber reads it, or says what is wrong with it
            if self.doc is not None and n_pages is not None and len(self.doc) != n_pages:
                self.close()  # the two disagree on the pages: trust pdfplumber's

    def page(self, index: int, source: Any = None) -> FastPage | None:
        """Page ``index`` (pages must be asked for in order), or None: read it with
        pdfplumber. ``source``, the page's pdfminer object (``pdfplumber.Page.page_obj``),
        lets text pdfium's text page leaves out be read from the content stream."""
        if self.doc is None or index >= len(self.doc):
            self.fallbacks.append(index)
            return None
        try:
            if source is not None and self.fonts is None:
                from pdfminer.pdfinterp import PDFResourceManager

                self.fonts = PDFResourceManager(caching=True)
            page = read_fast_page(self.doc, index, self.doctop, source, self.fonts)
        except Exception:  # Unsupported, or pdfium could not read it: pdfplumber will say
            page = None
            self.fallbacks.append(index)
        self.doctop += self.doc.get_page_size(index)[1]
        return page

    def close(self) -> None:
        """Free the pdfium document."""
        if self.doc is not None:
            self.doc.close()
            self.doc = None
