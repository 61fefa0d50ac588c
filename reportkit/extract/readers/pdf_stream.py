"""The text-showing operators of a page's content stream, in order, with their fonts.

pdfium's text page leaves out a text object whose box has no width (a lone character whose
glyph the substitute font lacks: a CJK font that is not embedded, on a machine without CJK
fonts). pdfium still has the object — its position, font and size — but not its character
codes. :func:`shown_strings` reads them from the content stream: a small tokenizer (regular
expressions, no object model) that follows the text-showing operators (``Tj``, ``TJ``,
``'``, ``"``) and the font set by ``Tf`` (saved and restored by ``q``/``Q``). Whatever it
does not follow exactly (inline images, form XObjects) makes it give up (``None``): the page
is then read with pdfplumber.

The caller lines the strings up with pdfium's text objects one for one and checks every
object pdfium did read against its string, so a misreading is caught, not used.
"""

from __future__ import annotations

import re
from typing import Any

_WS = b"\x00\t\n\x0c\r "
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_TOKEN = re.compile(
    rb"[\x00\t\n\x0c\r ]+|%[^\r\n]*|<<|>>|<[0-9A-Fa-f\x00\t\n\x0c\r ]*>|[()\[\]{}]"
    rb"|/" + _REGULAR + rb"*|" + _REGULAR + rb"+")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)\Z")
_LITERAL_STOP = re.compile(rb"[()\\]")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b",
            ord("f"): b"\x0c", ord("("): b"(", ord(")"): b")", ord("\\"): b"\\"}


class _Name(bytes):
    """A name operand (``/F1``), told apart from strings."""


class _Op(bytes):
    """An operator."""


class _Num(bytes):
    """A number operand, as written."""


def _literal(data: bytes, pos: int) -> tuple[bytes, int]:
    """The literal string whose ``(`` is just before ``pos``; and the position after it."""
    out = bytearray()
    depth = 1
    while True:
        m = _LITERAL_STOP.search(data, pos)
        if m is None:
            raise ValueError("unterminated string")
        out += data[pos:m.start()]
        ch, pos = data[m.start()], m.end()
        if ch == 0x28:  # (
            depth += 1
            out.append(ch)
        elif ch == 0x29:  # )
            depth -= 1
            if not depth:
                return bytes(out), pos
            out.append(ch)
        else:  # a backslash
            nxt = data[pos:pos + 1]
            if not nxt:
                raise ValueError("unterminated string")
            if nxt in b"01234567":
                digits = re.match(rb"[0-7]{1,3}", data[pos:pos + 3])
                assert digits is not None
                out.append(int(digits.group(), 8) & 0xFF)
                pos += len(digits.group())
            elif nxt == b"\r":
                pos += 2 if data[pos + 1:pos + 2] == b"\n" else 1
            elif nxt == b"\n":
                pos += 1
            else:
                out += _ESCAPES.get(nxt[0], nxt)
                pos += 1


def _tokens(data: bytes) -> Any:
    """Operands (numbers as bytes, names, strings, lists) and operators, in order."""
    pos, end = 0, len(data)
    stack: list[list[Any]] = []
    while pos < end:
        m = _TOKEN.match(data, pos)
        if m is None:
            raise ValueError("unreadable content stream")
        tok, pos = m.group(), m.end()
        first = tok[0]
        if first in _WS or first == 0x25:  # whitespace, comment
            continue
        if tok == b"(":
            value, pos = _literal(data, pos)
            item: Any = value
        elif first == 0x3C and tok != b"<<":  # <hex>
            digits = bytes(b for b in tok[1:-1] if b not in _WS)
            item = bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode())
        elif tok in (b"[", b"{", b"<<"):
            stack.append([])
            continue
        elif tok in (b"]", b"}", b">>"):
            if not stack:
                raise ValueError("unbalanced brackets")
            item = stack.pop()
        elif first == 0x2F:
            item = _Name(tok[1:])
        elif _NUMBER.match(tok):
            item = _Num(tok)
        else:
            item = _Op(tok)
            if stack:  # an operator inside an array: not a content stream we follow
                raise ValueError("operator inside an array")
        if stack:
            stack[-1].append(item)
        else:
            yield item


#: Operators that set where the next string starts, whatever the last one showed.
_POSITIONING = {b"BT", b"Tm", b"Td", b"TD", b"T*"}


def shown_strings(data: bytes,
                  forms: set[bytes]) -> list[tuple[bytes, list[bytes], bool]] | None:
    """Each text-showing operator of a content stream that shows something: the font
    resource name set for it, the strings it shows, and whether its position was set
    since the last string shown (False: it starts where that one ended). ``forms`` are
    the names of the page's form XObjects (``Do`` of one gives up, as does an inline
    image). None when the stream is not one this follows."""
    tokens = _FLAT.findall(data)
    if b"(" in tokens:  # a string with parentheses nested in it: token by token
        return _shown(_tokens(data), forms)
    return _shown_flat(tokens, forms)


#: Tokens at the speed of the regular expression engine: whitespace between them is
#: skipped; a string without nested parentheses is one token.
_FLAT = re.compile(
    rb"%[^\r\n]*|<<|>>|<[0-9A-Fa-f\x00\t\n\x0c\r ]*>|\((?:[^\\()]|\\.)*\)|[()\[\]{}]"
    rb"|/" + _REGULAR + rb"*|" + _REGULAR + rb"+", re.S)
_NUM, _DICT = object(), object()
_KIND = {c: "n" for c in b"0123456789+-."} | {0x2F: "/", 0x28: "s", 0x3C: "<", 0x3E: ">",
                                              0x5B: "[", 0x5D: "]", 0x7B: "[", 0x7D: "]",
                                              0x25: "%"}


def _string(tok: bytes) -> bytes:
    """A string token's bytes: ``(literal)`` unescaped, ``<hex>`` decoded."""
    if tok[0] == 0x28:
        inner = tok[1:-1]
        return inner if b"\\" not in inner else _ESCAPE.sub(_unescape, inner)
    digits = bytes(b for b in tok[1:-1] if b not in _WS)
    return bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode())


_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n?|\n)|(.))", re.S)


def _unescape(m: re.Match[bytes]) -> bytes:
    """One backslash escape of a literal string: an octal code, a line continuation
    (nothing), a named escape, or the character itself."""
    if m.group(1):
        return bytes([int(m.group(1), 8) & 0xFF])
    if m.group(2):
        return b""
    return _ESCAPES.get(m.group(3)[0], m.group(3))


def _shown_flat(tokens: list[bytes],
                forms: set[bytes]) -> list[tuple[bytes, list[bytes], bool]] | None:
    shown: list[tuple[bytes, list[bytes], bool]] = []
    font = b""
    saved: list[bytes] = []
    positioned = True
    last: Any = None
    prev: Any = None
    depth = dicts = 0
    array: list[Any] = []
    kind_of = _KIND.get
    try:
        for tok in tokens:
            kind = kind_of(tok[0])
            if kind == "n":
                prev, last = last, _NUM
            elif kind == "/":
                prev, last = last, tok
            elif kind == "s" or (kind == "<" and tok != b"<<"):
                if dicts:
                    continue
                if depth:
                    array.append(tok)
                else:
                    prev, last = last, tok
            elif kind == "[":
                depth += 1
                if depth == 1:
                    array = []
            elif kind == "]":
                depth -= 1
                if depth < 0:
                    return None
                if not depth:
                    prev, last = last, array
            elif kind == "<":
                dicts += 1
            elif kind == ">":
                dicts -= 1
                if dicts < 0:
                    return None
                if not dicts:
                    prev, last = last, _DICT
            elif kind == "%":
                continue
            else:  # an operator
                if depth or dicts:
                    return None
                if tok in _POSITIONING:
                    positioned = True
                elif tok == b"q":
                    saved.append(font)
                elif tok == b"Q":
                    font = saved.pop() if saved else font
                elif tok == b"Tf":
                    if not isinstance(prev, bytes) or prev[:1] != b"/":
                        return None
                    font = prev[1:]
                elif tok in (b"Tj", b"'", b'"'):
                    if not isinstance(last, bytes) or last[0] not in (0x28, 0x3C):
                        return None
                    text = _string(last)
                    if text:
                        shown.append((font, [text], positioned or tok != b"Tj"))
                        positioned = False
                elif tok == b"TJ":
                    if not isinstance(last, list):
                        return None
                    strings = [_string(x) for x in last if x[0] in (0x28, 0x3C)]
                    if any(strings):
                        shown.append((font, strings, positioned))
                        positioned = False
                elif tok in (b"BI", b"ID", b"EI"):
                    return None
                elif tok == b"Do":
                    if not isinstance(last, bytes) or last[:1] != b"/" or last[1:] in forms:
                        return None
                last = prev = None
    except ValueError:
        return None
    return shown


def _shown(tokens: Any, forms: set[bytes]) -> list[tuple[bytes, list[bytes], bool]] | None:
    shown: list[tuple[bytes, list[bytes], bool]] = []
    font = b""
    positioned = True
    saved: list[bytes] = []
    operands: list[Any] = []
    try:
        for tok in tokens:
            if not isinstance(tok, _Op):
                operands.append(tok)
                continue
            op = bytes(tok)
            if op in _POSITIONING:
                positioned = True
            elif op == b"q":
                saved.append(font)
            elif op == b"Q":
                font = saved.pop() if saved else font
            elif op == b"Tf":
                if len(operands) < 2 or not isinstance(operands[-2], _Name):
                    return None
                font = bytes(operands[-2])
            elif op in (b"Tj", b"'", b'"'):
                if not operands or not _is_string(operands[-1]):
                    return None
                if operands[-1]:
                    shown.append((font, [operands[-1]], positioned or op != b"Tj"))
                    positioned = False
            elif op == b"TJ":
                if not operands or not isinstance(operands[-1], list):
                    return None
                strings = [s for s in operands[-1] if _is_string(s)]
                if any(strings):
                    shown.append((font, strings, positioned))
                    positioned = False
            elif op in (b"BI", b"ID", b"EI"):
                return None
            elif op == b"Do":
                if not operands or not isinstance(operands[-1], _Name) or (
                        bytes(operands[-1]) in forms):
                    return None
            operands = []
    except ValueError:
        return None
    return shown


def _is_string(item: Any) -> bool:
    return type(item) is bytes
