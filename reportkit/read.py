"""Read bytes → decode → a :class:`~reportkit.document.Document`, whatever the format."""

from __future__ import annotations

from reportkit.decode import decode
from reportkit.document import Document
from reportkit.errors import ReportError
from reportkit.readers.text import read_text


def read_document(data: bytes, name: str = "") -> Document:
    """The document in ``data`` (the file's bytes; ``name`` for messages only)."""
    if not data.strip():
        raise ReportError("the file is empty: download it again")
    text, encoding = decode(data)
    doc = read_text(text)
    doc.encoding = encoding
    return doc
