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
from reportkit.extract.shortmemo import ShortMemo

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
    return _steps(text)[2]


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


# A piece starting with one of these can be folded (NFKC) apart from what precedes it:
# starters that never combine with a character before them.
_SAFE_START = re.compile("[\x00-\x7f\u3000-\u3003\u3008-\u3011\u201c\u201d"
                         "\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")
# Characters a numbering prefix may consist of (see _ENUMERATOR), besides decimal digits.
_NUMBERING_CHARS = frozenset("(（)）、.．第部分一二三四五六七八九十")

def _inner(piece: str) -> str | None:
    """A piece's normalisation inside a joined text (punctuation dropped, its own numbering
    kept); None when it may not be folded apart from what precedes it."""
    if piece.isdigit() and piece.isascii():  # a figure: nothing to fold, drop or strip
        return piece
    if _SAFE_START.match(piece) is None:
        return None
    folded = _WHITESPACE.sub("", unicodedata.normalize("NFKC", piece))
    return folded.translate(_PUNCT_TABLE)


def _head(piece: str) -> tuple[bool, str | None]:
    """Whether a piece folds to nothing (whitespace only); its normalisation at the head of
    a joined text, None when what follows it could change what is stripped as numbering."""
    folded, numbering, result = _steps(piece)
    # Numbering patterns consist of numbering characters only (a lookahead peeks one
    # further): once one of the piece's other characters follows where its numbering
    # ended, what comes after the piece cannot change what is stripped.
    ends = any(ch not in _NUMBERING_CHARS and not ch.isdecimal()
               for ch in folded[numbering:numbering + 64])
    return not folded, result if ends else None


# piece -> _inner(piece), for short pieces: cells and labels repeat across reports
_INNERS: ShortMemo[str | None] = ShortMemo(_inner, _CACHED_MAX_CHARS, 32_768)
_inner_remembered = _INNERS.remember


_head_cached = lru_cache(maxsize=4096)(_head)


def normalize_joined(pieces: Iterable[str]) -> str:
    """``normalize("".join(pieces))``, put together from the pieces' own (cached)
    normalisation when the joins provably change nothing (else computed on the joined
    text): a table's text from its cells, most of which other reports print too."""
    pieces = list(filter(None, pieces))
    if not pieces:
        return ""
    inners = list(map(_INNERS.get, pieces[1:]))  # a dict look-up each; None: not known
    try:
        tail = "".join(inners)  # (fails on a None: cheaper than looking for one first)
    except TypeError:
        inners = [_inner_remembered(p) if i is None else i
                  for p, i in zip(pieces[1:], inners)]
        if None in inners:
            return normalize("".join(pieces))
        tail = "".join(inners)
    for lead, piece in enumerate(pieces):
        empty, head = _head_cached(piece) if len(piece) <= _CACHED_MAX_CHARS else _head(piece)
        if not empty:
            if head is None:
                return normalize("".join(pieces))
            return head + (tail if not lead else "".join(inners[lead:]))
    return ""


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
    rows, ids = _with_ids(rows)
    key = (tuple(label_cells), ids)  # a table's label cells repeat across reports
    hit = _LABEL_MATCHES.get(key)
    if hit is not None:
        return hit[1]
    row = _match_cells(key[0], rows, ids)
    if sum(map(len, key[0])) <= _LABELS_MAX_CHARS:
        if len(_LABEL_MATCHES) >= _ROW_MATCHES_MAX:
            _LABEL_MATCHES.clear()
        _LABEL_MATCHES[key] = (rows, row)
    return row


def _match_cells(label_cells: tuple[str, ...], rows: tuple[schema.Row, ...],
                 ids: str) -> schema.Row | None:
    for cell in reversed(label_cells):
        norm = normalize(cell)
        if not norm:
            continue
        hit = _ROW_MATCHES.get((norm, ids))
        row = hit[1] if hit is not None else _first_matching_row(norm, rows, ids)
        if row is not None:
            return row
    return None


# id of a tuple of candidate rows -> (the tuple, the ids of its rows as one string: a key
# whose hash is computed once): kept with the tuple, so that its id cannot be reused while
# it is here.
_IDS: dict[int, tuple[tuple[schema.Row, ...], str]] = {}
_IDS_MAX = 1_000


def _with_ids(rows: Iterable[schema.Row]) -> tuple[tuple[schema.Row, ...], str]:
    if type(rows) is tuple:
        hit = _IDS.get(id(rows))
        if hit is not None and hit[0] is rows:
            return hit
        if len(_IDS) >= _IDS_MAX:
            _IDS.clear()
        entry = _IDS[id(rows)] = (rows, _ids_key(rows))
        return entry
    rows = tuple(rows)
    return rows, _ids_key(rows)


def _ids_key(rows: tuple[schema.Row, ...]) -> str:
    return ",".join(map(str, map(id, rows)))


# (normalised label, ids of the candidate rows) -> (the candidate rows, the match). The
# candidates are kept with the answer so that their ids cannot be reused while cached.
_ROW_MATCHES: dict[tuple[str, str], tuple[tuple[schema.Row, ...], schema.Row | None]] = {}
_ROW_MATCHES_MAX = 50_000
# (label cells, ids of the candidate rows) -> (the candidate rows, match_row's answer), for
# label cells of at most _LABELS_MAX_CHARS characters in all (kept as _ROW_MATCHES is).
_LABEL_MATCHES: dict[tuple[tuple[str, ...], str],
                     tuple[tuple[schema.Row, ...], schema.Row | None]] = {}
_LABELS_MAX_CHARS = 160


def _first_matching_row(norm: str, rows: tuple[schema.Row, ...],
                        ids: str) -> schema.Row | None:
    found = None
    for row in rows:
        if any(phrase_matches(p, norm) for p in row.phrases):
            found = row
            break
    if len(_ROW_MATCHES) >= _ROW_MATCHES_MAX:
        _ROW_MATCHES.clear()
    _ROW_MATCHES[(norm, ids)] = (rows, found)
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
