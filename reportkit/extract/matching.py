"""Label normalisation and label-to-key mapping, driven by :mod:`reportkit.schema`.

Labels in real reports differ from the template in width (full/half), spaces and line
breaks, punctuation and numbering ("（三）", "3.", "三、"). :func:`normalize` removes all of
that once, so that matching is a plain comparison against the schema's phrases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from reportkit import schema

_WHITESPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_ENUMERATOR = re.compile(
    r"^(?:[(（]\s*[一二三四五六七八九十\d]+\s*[)）]"  # （三） (3)
    r"|[一二三四五六七八九十]+[、.．]"  # 三、
    r"|\d+[.、．)）](?!\d)"  # 3.  3、 3)
    r"|第[一二三四五六七八九十]+部分[、.]?)"
)
_PUNCT_CATEGORIES = ("P", "S")
_CACHED_MAX_CHARS = 80  # labels repeat across reports; whole-table texts do not


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in _PUNCT_CATEGORIES


class _PunctTable(dict):
    """``str.translate`` table that drops punctuation and symbols, filled on first sight."""

    def __missing__(self, code: int) -> int | None:
        kept = None if _is_punct(chr(code)) else code
        self[code] = kept
        return kept


_PUNCT_TABLE = _PunctTable()


def normalize(text: str) -> str:
    """Fold width (NFKC), drop whitespace, numbering prefixes and punctuation.

    >>> normalize("（三）不予公开")
    '不予公开'
    >>> normalize("3. 危及“三安全一稳定”")
    '危及三安全一稳定'
    """
    if len(text) <= _CACHED_MAX_CHARS:
        return _normalize_cached(text)
    return _normalize_long(text)[2]


def _steps(text: str) -> tuple[str, int, str]:
    """normalize() in its steps: the text folded with whitespace dropped; how many of its
    leading characters are numbering; the result."""
    folded = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    rest = folded
    while True:
        stripped = _ENUMERATOR.sub("", rest, count=1)
        if stripped == rest:
            break
        rest = stripped
    return folded, len(folded) - len(rest), rest.translate(_PUNCT_TABLE)


def _normalize(text: str) -> str:
    return _steps(text)[2]


# Long texts (a table's cells run together) are normalised once by content_part and again,
# joined with the other tables, by decide_template: the last few are kept in their steps so
# that normalize_joined can put the joined result together from them.
_LONG: dict[str, tuple[str, int, str]] = {}
_LONG_KEPT = 16


def _normalize_long(text: str) -> tuple[str, int, str]:
    steps = _LONG.get(text)
    if steps is None:
        steps = _steps(text)
        if len(_LONG) >= _LONG_KEPT:
            del _LONG[next(iter(_LONG))]
        _LONG[text] = steps
    return steps


# A piece starting with one of these can be folded (NFKC) apart from what precedes it:
# starters that never combine with a character before them.
_SAFE_START = re.compile("[\x00-\x7f\u3000-\u3003\u3008-\u3011\u201c\u201d"
                         "\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")
# Characters a numbering prefix may consist of (see _ENUMERATOR), besides decimal digits.
_NUMBERING_CHARS = frozenset("(（)）、.．第部分一二三四五六七八九十")


def normalize_joined(pieces: Sequence[str]) -> str:
    """``normalize("".join(pieces))``, put together from the pieces' own normalisation
    when they were just normalised and the joins cannot change the result (else computed
    on the joined text)."""
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or not all(p in _LONG or len(p) <= _CACHED_MAX_CHARS for p in pieces) \
            or not all(_SAFE_START.match(p) for p in pieces[1:]):
        return normalize("".join(pieces))
    steps = [_normalize_long(p) if len(p) > _CACHED_MAX_CHARS else _steps(p) for p in pieces]
    folded, numbering, first = steps[0]
    # Numbering patterns consist of numbering characters only (a lookahead peeks one
    # further): once one of the first piece's other characters follows where its numbering
    # ended, what comes after the piece cannot change what is stripped.
    if not any(ch not in _NUMBERING_CHARS and not ch.isdecimal()
               for ch in folded[numbering:numbering + 64]):
        return normalize("".join(pieces))
    out = [first]
    for folded, numbering, result in steps[1:]:
        # inside the joined text a piece's own numbering is not stripped: only punctuation
        out.append(folded[:numbering].translate(_PUNCT_TABLE))
        out.append(result)
    return "".join(out)


_normalize_cached = lru_cache(maxsize=16384)(_normalize)


def phrase_matches(phrase: str, normalized: str) -> bool:
    """True when a schema phrase matches a normalised label (``=X`` means equality)."""
    if phrase.startswith("="):
        return normalized == phrase[1:]
    return phrase in normalized


def match_row(label_cells: Sequence[str], rows: Iterable[schema.Row]) -> schema.Row | None:
    """The schema row named by a table row's label cells, most specific cell first.

    Label cells are tried from the last (the most specific: "1.属于国家秘密" beats its
    group "（三）不予公开") to the first; the first cell that a row's phrase matches wins.
    """
    rows = tuple(rows)
    ids = tuple(map(id, rows))
    for cell in reversed(label_cells):
        norm = normalize(cell)
        if not norm:
            continue
        row = _first_matching_row(norm, rows, ids)
        if row is not None:
            return row
    return None


# (normalised label, ids of the candidate rows) -> (the candidate rows, the match). The
# candidates are kept with the answer so that their ids cannot be reused while cached.
_ROW_MATCHES: dict[tuple[str, tuple[int, ...]],
                   tuple[tuple[schema.Row, ...], schema.Row | None]] = {}
_ROW_MATCHES_MAX = 50_000


def _first_matching_row(norm: str, rows: tuple[schema.Row, ...],
                        ids: tuple[int, ...]) -> schema.Row | None:
    key = (norm, ids)
    hit = _ROW_MATCHES.get(key)
    if hit is not None:
        return hit[1]
    found = None
    for row in rows:
        if any(phrase_matches(p, norm) for p in row.phrases):
            found = row
            break
    if len(_ROW_MATCHES) >= _ROW_MATCHES_MAX:
        _ROW_MATCHES.clear()
    _ROW_MATCHES[key] = (rows, found)
    return found


def match_column(text: str, columns: Iterable[schema.Column]) -> schema.Column | None:
    """The schema column whose phrase matches a header cell, or None."""
    norm = normalize(text)
    if not norm:
        return None
    for col in columns:
        if any(phrase_matches(p, norm) for p in col.phrases):
            return col
    return None


def contains_any(normalized_text: str, phrases: Iterable[str]) -> bool:
    """True when any phrase occurs in already-normalised text."""
    return any(phrase_matches(p, normalized_text) for p in phrases)
