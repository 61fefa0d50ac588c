"""Reading a table cell as a number.

Rules (documented in the README, "How cells are read"):

* a blank cell (empty, spaces only) is **missing** (NaN): the filler wrote nothing;
* "—", "-", "－", "/", "／", "——", "…", "N/A" are **missing** too: they say "not applicable"
  or "not filled" as often as "none", so no figure is invented from them;
* "无" and "零" are **zero**: the filler wrote the word "none";
* full-width digits, thousands separators ("1,234"), stray spaces and a trailing unit
  (元, 万元, 件, 条, 个, 项, 次, 份, 家, 人次) are tolerated; the unit is reported so that a
  caller can convert "251000元" into a 万元 column;
* anything else is text (a label), not a value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_NUMBER = re.compile(
    r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(万元|元|人次|件|条|个|项|次|份|家)?$")
_MISSING_TOKENS = frozenset({"—", "-", "－", "/", "／", "——", "--", "…", "……", "─", "–",
                             "N/A", "n/a", "NA", "/-", "-/"})
_ZERO_TOKENS = frozenset({"无", "零"})


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell read as a value: ``value`` is NaN when missing; ``unit`` as written."""

    value: float
    kind: str  # "number" | "zero_word" | "blank" | "dash"
    unit: str = ""


BLANK = Cell(math.nan, "blank")
_CACHED_MAX_CHARS = 40  # figures and short labels repeat across reports


def read_cell(text: str) -> Cell | None:
    """The cell as a value, or None when it is text (a label) rather than a value."""
    if len(text) <= _CACHED_MAX_CHARS:
        return _read_cell_cached(text)
    return _read_cell(text)


def _read_cell(text: str) -> Cell | None:
    if not text:
        return BLANK
    s = _WS.sub("", text)
    if not s:
        return BLANK
    if s.isdigit() and s.isascii():  # the common case, fast
        return Cell(float(s), "number")
    s = unicodedata.normalize("NFKC", s)
    m = _NUMBER.match(s)
    if m:
        sign, whole, frac, unit = m.groups()
        number = float(whole.replace(",", "") + ("." + frac if frac else ""))
        return Cell(-number if sign == "-" else number, "number", unit or "")
    if s in _MISSING_TOKENS or set(s) <= {"—", "-", "－", "─", "–"}:
        return Cell(math.nan, "dash")
    if s in _ZERO_TOKENS:
        return Cell(0.0, "zero_word")
    return None


_read_cell_cached = lru_cache(maxsize=16384)(_read_cell)
