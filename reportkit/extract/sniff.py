"""What a file is, judged by its content, never by its name.

A ``.docx`` that is really text, a ``.pdf`` that is a web page, a ``.txt`` that is a PDF:
downloads from government sites are often misnamed, so only the bytes decide.
"""

from __future__ import annotations

import codecs
import io
import zipfile

from charset_normalizer import from_bytes
from lxml import etree

from reportkit.extract.decode import CANDIDATES, control_share, decode_mixed

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
HTML_TAGS = frozenset({"html", "head", "body", "table", "meta", "title", "div", "p", "span",
                       "tr", "td", "br", "style", "script", "link", "font", "center", "h1",
                       "h2", "h3", "section", "article"})
_SAMPLE = 64 * 1024
_STRAY_NULS = 0.001  # NULs in text beyond this share: binary data
_BLANK = b" \t\r\n\x00\x0b\x0c"

#: The formats :func:`sniff` tells apart. The last four are files people keep beside their
#: reports (pictures, spreadsheets, slides, archives): not reports, so skipped, not failed.
FORMATS = ("empty", "text", "html", "docx", "pdf", "doc", "zip", "damaged_zip", "rtf",
           "binary", "image", "spreadsheet", "presentation", "archive")
#: Leading bytes of pictures and archives (``None``: any byte there).
_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image"), (b"\xff\xd8\xff", "image"), (b"GIF87a", "image"),
    (b"GIF89a", "image"), (b"II*\x00", "image"), (b"MM\x00*", "image"),
    (b"7z\xbc\xaf\x27\x1c", "archive"), (b"Rar!\x1a\x07", "archive"),
    (b"\x1f\x8b", "archive"), (b"BZh", "archive"), (b"\xfd7zXZ\x00", "archive"),
)
#: OLE2 stream names (UTF-16LE, as the compound file's directory stores them).
_OLE_SPREADSHEET = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_OLE_WORD = "WordDocument".encode("utf-16-le")
_OLE_SLIDES = "PowerPoint Document".encode("utf-16-le")


def _zip_kind(data: bytes) -> str:
    """``docx`` for a Word document (a zip with word/document.xml), ``spreadsheet`` (xl/),
    ``presentation`` (ppt/), ``damaged_zip`` for one that cannot be opened (a download cut
    short), else ``zip``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return "damaged_zip"
    if "word/document.xml" in names:
        return "docx"
    tops = {n.split("/", 1)[0] for n in names}
    if "xl" in tops:
        return "spreadsheet"
    if "ppt" in tops:
        return "presentation"
    return "zip"


def _magic_kind(data: bytes) -> str | None:
    """``image`` or ``archive`` from the file's leading bytes (WebP/HEIC/BMP/tar by their
    fixed fields), else None."""
    for magic, kind in _MAGICS:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        return "image"
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00" and len(data) > 26:
        return "image"
    if data[257:262] == b"ustar":
        return "archive"
    return None


def _ole_kind(data: bytes) -> str:
    """``doc`` for a Word compound file, ``spreadsheet`` / ``presentation`` for Excel's and
    PowerPoint's (by the stream names in its directory)."""
    if _OLE_WORD in data:
        return "doc"
    if any(name in data for name in _OLE_SPREADSHEET):
        return "spreadsheet"
    if _OLE_SLIDES in data:
        return "presentation"
    return "doc"


def _head_text(data: bytes) -> str | None:
    """The sample as text if it looks like text in a supported encoding, else None."""
    sample = data[:_SAMPLE]
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if sample.startswith(bom):
            return sample.decode(name, errors="replace")
    nuls = sample.count(b"\x00")
    if nuls and len(sample) >= 2:
        even = sample[0::2].count(b"\x00")
        odd = sample[1::2].count(b"\x00")
        # UTF-16 text has its NULs on one side only (ASCII digits, tabs, newlines)
        if max(even, odd) >= 0.8 * nuls and nuls >= 0.05 * len(sample) / 2:
            return sample.decode("utf-16-le" if odd > even else "utf-16-be", errors="replace")
        if nuls > _STRAY_NULS * len(sample):
            return None
        sample = sample.replace(b"\x00", b"")  # a stray NUL in text: not binary for it
    for codec in ("utf-8", "gb18030"):
        text = sample.decode(codec, errors="replace")
        # a cut multi-byte character at the end of the sample is not damage
        if text.count("\ufffd") <= 2 + len(text) // 1000:
            return text
    mixed = decode_mixed(sample[:sample.rfind(b"\n")])  # a cut last line is no evidence
    if mixed is not None:
        return mixed
    best = from_bytes(sample, cp_isolation=list(CANDIDATES)).best()
    return None if best is None else str(best)


def looks_like_html(text: str) -> bool:
    """True when the first element of ``text`` is an HTML tag (the parser says so)."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if not head.startswith("<"):
        return False
    low = head[:15].lower()
    if low.startswith("<!doctype html") or low.startswith("<?xml"):
        return "<html" in head.lower() or low.startswith("<!doctype html")
    if low.startswith("<!--"):
        return True
    try:
        parser = etree.HTMLParser(recover=True, no_network=True)
        root = etree.fromstring(head.encode("utf-8"), parser)
    except (etree.ParserError, ValueError):
        return False
    if root is None:
        return False
    return any(isinstance(el.tag, str) and el.tag.lower() in HTML_TAGS - {"html", "body"}
               for el in root.iter())


def sniff(data: bytes) -> str:
    """The format of a file's bytes: one of :data:`FORMATS`."""
    stripped = data.strip(_BLANK)
    if not stripped or stripped in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "empty"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(ZIP_MAGICS):
        return _zip_kind(data)
    if data.startswith(OLE2_MAGIC):
        return _ole_kind(data)
    kind = _magic_kind(data)
    if kind:
        return kind
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    text = _head_text(data)
    if text is None or control_share(text) > 0.01:
        return "binary"
    if not text.replace("\ufeff", "").strip():
        return "empty"
    return "html" if looks_like_html(text) else "text"
