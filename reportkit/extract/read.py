"""Read bytes → a :class:`~reportkit.extract.document.Document`, whatever the format.

The format is sniffed from the content (:mod:`reportkit.sniff`), never taken from the name.
Every failure is a :class:`ReportError` with one line for the user; an unexpected error
inside a parsing library is turned into one too, so one bad file never stops a run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from reportkit.extract.decode import decode
from reportkit.extract.document import Document
from reportkit.extract.errors import ReportError
from reportkit.extract.readers.doc import read_doc
from reportkit.extract.readers.docx import read_docx
from reportkit.extract.readers.html import read_html
from reportkit.extract.readers.markdown import looks_like_markdown, read_markdown
from reportkit.extract.readers.pdf import read_pdf
from reportkit.extract.readers.text import read_text
from reportkit.extract.sniff import sniff

#: What each sniffed format is called in messages.
FORMAT_NAMES = {"text": "text file", "markdown": "converted text (markdown)",
                "html": "web page", "docx": "Word .docx", "pdf": "PDF", "doc": "Word .doc"}
#: The formats a file's name suggests, to note a misnamed file.
EXTENSIONS = {".txt": "text", ".htm": "html", ".html": "html", ".shtml": "html",
              ".xhtml": "html", ".docx": "docx", ".pdf": "pdf", ".doc": "doc"}
_REFUSED = {
    "empty": "the file is empty: download it again",
    "damaged_zip": "a Word .docx (or zip) that is damaged or cut short and cannot be opened: "
                   "download it again",
    "rtf": "RTF is not supported: open it in Word and save it as .docx",
    "binary": "not a report: binary data in no supported format (text, web page, .docx, "
              "PDF, .doc); check that the download is complete",
}
#: Files people keep beside their reports: a row with status ``skipped``, not a failure.
_SKIPPED = {
    "image": "a picture, not a report (a scanned report must be OCR'd to text first)",
    "spreadsheet": "a spreadsheet, not a report",
    "presentation": "a slide deck, not a report",
    "archive": "an archive, not a report (unpack it to read the reports inside)",
    "zip": "a zip archive that is not a Word .docx (unzip it to read the reports "
           "inside)",
}


def read_text_bytes(data: bytes) -> Document:
    """Plain text in any supported encoding; converted text with pipe tables (PDF → markdown,
    OCR extractions) is recognised by its content and read as such."""
    text, encoding = decode(data)
    doc = read_markdown(text) if looks_like_markdown(text) else read_text(text)
    doc.encoding = encoding
    return doc


READERS: dict[str, Callable[[bytes], Document]] = {
    "text": read_text_bytes, "html": read_html, "docx": read_docx, "pdf": read_pdf,
    "doc": read_doc,
}


def read_document(data: bytes, name: str = "") -> Document:
    """The document in ``data`` (the file's bytes; ``name`` for messages and notes only)."""
    kind = sniff(data)
    if kind in _SKIPPED:
        raise ReportError(_SKIPPED[kind], "skipped")
    if kind in _REFUSED:
        raise ReportError(_REFUSED[kind])
    try:
        doc = READERS[kind](data)
    except (ReportError, MemoryError):
        raise  # MemoryError: the caller knows the memory limit and says so
    except RecursionError as exc:
        raise ReportError(f"the {FORMAT_NAMES[kind]} is nested too deeply to read: "
                          "save it again in a simpler form") from exc
    except Exception as exc:  # a library's own failure on a damaged file
        raise ReportError(f"the {FORMAT_NAMES[kind]} is damaged and cannot be read "
                          f"({type(exc).__name__}): download it again or save it anew") from exc
    suffix = PurePath(name).suffix.lower() if name else ""
    claimed = EXTENSIONS.get(suffix)
    if claimed and claimed != kind:
        doc.notes.append(f"named {suffix} but the content is a {FORMAT_NAMES[kind]}")
    return doc
