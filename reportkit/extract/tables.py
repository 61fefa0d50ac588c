"""Finding parts 二, 三 and 四 in a document.

A table's own content says which part it is (:data:`reportkit.schema.PART_MARKERS`); a
fragment too small to say (the rest of a table after a page break, a header row on its
own) belongs to the part whose heading ("二、主动公开政府信息情况", with or without its
numeral) or table precedes it. Tables of one part are joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from reportkit import schema
from reportkit.extract.document import Document, Paragraph, Table
from reportkit.extract.matching import contains_any, normalize, normalize_joined

_HEADING_MAX_CHARS = 40
# CJK ideographs survive normalize() one for one (no decomposition, never composed, not
# punctuation), except the few a numbering prefix may strip ("三、", "第二部分"): counting
# the others gives a lower bound of the normalised length without normalising.
_NUMBERING_IDEOGRAPHS = "一二三四五六七八九十第部分"
_NOT_COUNTED = re.compile(f"[^\u4e00-\u9fff]+|[{_NUMBERING_IDEOGRAPHS}]+")
_CACHED_MAX_CHARS = 80  # short paragraphs (headings, dates, names) repeat across reports


@dataclass
class Parts:
    """The rows of each part's table(s), keyed by table name; absent parts are missing."""

    rows: dict[str, list[list[str]]] = field(default_factory=dict)
    pages: dict[str, list[int | None]] = field(default_factory=dict)

    def missing(self) -> list[str]:
        """Table names with no rows found, in template order."""
        return [t for t in schema.TABLES if not self.rows.get(t)]


def heading_part(text: str) -> str | None:
    """The part a short paragraph heads ('proactive', …, 'end'), or None for prose."""
    if len(text) <= _CACHED_MAX_CHARS:
        return _heading_part_cached(text)
    return _heading_part(text)


def _heading_part(text: str) -> str | None:
    if len(text) > _HEADING_MAX_CHARS and _surely_longer(text, _HEADING_MAX_CHARS):
        return None  # prose: what normalising it would also conclude, found faster
    norm = normalize(text)
    if not norm or len(norm) > _HEADING_MAX_CHARS:
        return None
    for part, phrases in schema.PART_HEADINGS.items():
        if contains_any(norm, phrases):
            return part
    return None


_heading_part_cached = lru_cache(maxsize=16384)(_heading_part)  # headings repeat


def _surely_longer(text: str, limit: int) -> bool:
    """True when ``normalize(text)`` is certainly longer than ``limit`` characters."""
    return len(_NOT_COUNTED.sub("", text)) > limit


def content_part(table: Table) -> str | None:
    """The part a table's content belongs to, judged by its cells alone."""
    norm = normalize_joined([cell for row in table.rows[:60] for cell in row])
    for part, phrases in schema.PART_MARKERS.items():
        if contains_any(norm, phrases):
            return part
    return None


def find_parts(doc: Document) -> Parts:
    """Assign each table of ``doc`` to part 二, 三 or 四 and collect its rows."""
    parts = Parts()
    context: str | None = None
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            part = heading_part(block.text)
            if part is not None:
                context = None if part == "end" else part
            continue
        part = content_part(block) or context
        if part is None:
            continue
        context = part  # a fragment that follows (a page break) continues this part
        parts.rows.setdefault(part, []).extend(block.rows)
        parts.pages.setdefault(part, []).extend(block.row_pages())
    return parts
