"""Bytes to text: the encoding a text or web page was saved in."""

from __future__ import annotations

import codecs

from reportkit.errors import ReportError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` for text bytes: a BOM, else UTF-8, else GB18030.

    Raises :class:`ReportError` when the bytes are no text in any of these.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ReportError("the file is not text in UTF-8, UTF-16 or GB18030: "
                          "re-save it as UTF-8 or give the original document") from exc
