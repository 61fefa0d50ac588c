"""Bytes to text: the encoding a text or web page was saved in.

Order of evidence, strongest first:

1. a byte-order mark (UTF-8, UTF-16 LE/BE);
2. valid UTF-8 (GBK or UTF-16 text of any length is practically never valid UTF-8);
3. the charset a web page declares (``<meta charset=gb2312>``), if the bytes decode under it;
   GB2312 and GBK are read as GB18030, their superset, so a rare character never fails;
4. detection by charset-normalizer among the encodings reports come in: GB18030 and UTF-16
   without a BOM.

Anything else is not text: :class:`ReportError`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache, lru_cache
from itertools import groupby

from charset_normalizer import from_bytes

from reportkit.extract.errors import ReportError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))

#: Labels a page may declare that mean "read as GB18030" (its subsets and aliases).
GB_ALIASES = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936",
                        "gb_2312-80", "gb_2312", "csgb2312", "euc-cn", "hz-gb-2312", "chinese",
                        "iso-ir-58", "csiso58gb231280"})
#: Encodings charset-normalizer may choose between when there is no BOM and no valid UTF-8.
CANDIDATES = ("gb18030", "utf_16_le", "utf_16_be")
#: Share of control characters (other than tab, newline, form feed) above which it is no text.
MAX_CONTROL_SHARE = 0.01
_NOT_TEXT = ("the file is not text in UTF-8, UTF-16 or GB18030: re-save it as UTF-8 "
             "or give the original document")


def canonical_encoding(label: str | None) -> str | None:
    """The codec to use for a declared charset label, or None when unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def control_share(text: str) -> float:
    """The share of control characters that no text file holds (NUL, BEL, …)."""
    if not text:
        return 0.0
    if len(text) <= _REMEMBERED_CHARS:  # sniffing a file and decoding it ask of one text
        return _control_share_remembered(text)
    return _control_share(text)


#: The longest text whose control share is remembered (the last two; :func:`sniff`'s sample
#: of a small file is the text its decoding checks again).
_REMEMBERED_CHARS = 1 << 16


def _control_share(text: str) -> float:
    if _in_bmp(text):  # one scan in C, no per-character objects
        if _bmp_clean().fullmatch(text) is not None:  # the common case: none at all
            return 0.0
        bad = len(text) - len(_bmp_controls().sub("", text))
        return bad / len(text) if bad else 0.0
    # each distinct character is judged once (and remembered when fine), then counted
    unknown = set(text) - _FINE
    chars = [ch for ch in unknown if _is_control(ch)]
    if len(_FINE) < 100_000:
        _FINE.update(unknown.difference(chars))
    return sum(text.count(ch) for ch in chars) / len(text) if chars else 0.0


_control_share_remembered = lru_cache(maxsize=2)(_control_share)
_FINE: set[str] = set()  # characters seen that are not control characters
_SLICE = 1 << 20


def _in_bmp(text: str) -> bool:
    """True when every character of ``text`` lies in the Basic Multilingual Plane (each
    one UTF-16 code unit), judged a slice at a time so that a huge text is not copied."""
    for i in range(0, len(text), _SLICE):
        part = text[i:i + _SLICE]
        if len(part.encode("utf-16-le", "surrogatepass")) != 2 * len(part):
            return False
    return True


def _is_control(ch: str) -> bool:
    return ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in _CONTROL_CATEGORIES


_ALLOWED_CONTROLS = "\t\n\r\f\v\x1b"
_CONTROL_CATEGORIES = ("Cc", "Cs", "Co", "Cn")


@cache
def _bmp_controls() -> re.Pattern[str]:
    """A character class of every control character of the Basic Multilingual Plane, by
    the Unicode database this Python carries (built once, on first use: ~20 ms)."""
    bad = [cp for cp in range(0x10000) if _is_control(chr(cp))]
    ranges = []
    for _, group in groupby(enumerate(bad), key=lambda ic: ic[1] - ic[0]):
        cps = [cp for _, cp in group]
        ranges.append(f"\\u{cps[0]:04x}" + (f"-\\u{cps[-1]:04x}" if len(cps) > 1 else ""))
    return re.compile("[" + "".join(ranges) + "]+")


@cache
def _bmp_clean() -> re.Pattern[str]:
    """Any text of the Basic Multilingual Plane without a control character (the complement
    of :func:`_bmp_controls`' class: matched in one tight loop, nothing built)."""
    return re.compile("[^" + _bmp_controls().pattern[1:-2] + "]*")


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if "\x00" in text:  # a stray NUL (a bad copy, a converter's slip) is no character
        text = text.replace("\x00", "")
    if control_share(text) > MAX_CONTROL_SHARE:
        raise ReportError(_NOT_TEXT)
    return text, encoding


MIXED = "utf-8+gb18030"
#: A line must hold this many non-ASCII bytes of valid UTF-8 to count as UTF-8 when it is
#: valid GB18030 too (a short run of GBK bytes can happen to be valid UTF-8).
_UTF8_EVIDENCE = 6


# A line of the bytes decoded as UTF-8 with surrogateescape (each byte that is no UTF-8
# becomes one of U+DC80–U+DCFF; b"\n" is always "\n") that is valid UTF-8 beyond ASCII.
_UTF8_LINE = re.compile("^[^\n\udc80-\udcff]*[^\x00-\x7f\udc80-\udcff][^\n\udc80-\udcff]*$",
                        re.MULTILINE)


def _line_codec(line: bytes) -> str | None:
    """``utf-8``, ``gb18030`` or None (neither) for one line of a file."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if line.isascii() or sum(b >= 0x80 for b in line) >= _UTF8_EVIDENCE:
            return "utf-8"
        try:
            line.decode("gb18030")
        except UnicodeDecodeError:
            return "utf-8"
        return "gb18030"
    try:
        line.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "gb18030"


def decode_mixed(data: bytes) -> str | None:
    """Text that is partly UTF-8 and partly GB18030 (a file pasted together from two
    sources), decoded line by line; None unless both are certainly there."""
    if b"\n" not in data or not _UTF8_LINE.search(data.decode("utf-8", "surrogateescape")):
        return None  # no line is UTF-8 beyond ASCII: found in one scan, no line decoded
    lines = data.split(b"\n")
    codecs_ = [_line_codec(line) for line in lines]
    strong_utf8 = any(c == "utf-8" and not line.isascii() for c, line in zip(codecs_, lines))
    if not strong_utf8 or "gb18030" not in codecs_:
        return None
    if codecs_.count(None) > len(lines) // 100:  # more than the odd damaged line
        return None
    return "\n".join(line.decode(c or "utf-8", errors="replace")
                     for c, line in zip(codecs_, lines))


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` for text bytes; ``declared`` is a web page's own charset, if any.

    Raises :class:`ReportError` when the bytes are no text in any supported encoding.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(name), name)
            except UnicodeDecodeError as exc:
                raise ReportError(f"the file starts like {name} text but is damaged: "
                                  "re-save it as UTF-8") from exc
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = decode_mixed(data)
    if mixed is not None:
        return _checked(mixed, MIXED)
    codec = canonical_encoding(declared)
    if codec and codec not in ("utf-8", "ascii"):
        try:
            return _checked(data.decode(codec), codec)
        except (UnicodeDecodeError, LookupError):
            pass
    best = from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    if best is None:
        raise ReportError(_NOT_TEXT)
    encoding = codecs.lookup(best.encoding).name
    try:
        return _checked(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        raise ReportError(_NOT_TEXT) from exc
