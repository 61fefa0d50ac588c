"""Printed rows that no phrase names, aligned to the template's rows that are still missing.

Exact phrase matching (:func:`reportkit.labels.match_row`) names almost every row; what it
leaves is aligned here. A printed row can only be one of the template rows that lie between
the rows named before and after it (order). Within that gap a pairing is scored by the
similarity of the normalised labels (a slip or two, a word dropped or added, a label cut
short: :mod:`rapidfuzz`), the item number ("2." is the second row of its group) and the
group heading the row sits under (item 2 under （三）不予公开 is a ``withheld`` row).

The form's identities verify: where two alignments are possible, the one whose figures make
the arithmetic hold wins; where none is certain, the rows stay unassigned (blank, and named
by the caller). A figure is never placed on a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz

from reportkit import schema
from reportkit.extract.matching import normalize

#: A pairing scoring at least this (0–1) is ``similar``.
SIMILAR = 0.62
#: Two alignments whose scores differ by less than this are both possible.
MARGIN = 0.08
_MAX_GAP = 6  # printed rows or template rows in one gap beyond this are not enumerated
_CN_DIGITS = {ch: i for i, ch in enumerate("一二三四五六七八九十", start=1)}
_ITEM = re.compile(r"^[(（]?\s*(\d{1,2}|[一二三四五六七八九十])\s*[)）.、．]")


@dataclass(eq=False, slots=True)
class Printed:
    """One printed row of a part: its label cells, value cells, and what it was matched to."""

    labels: list[str]
    values: list[str]
    heading: str | None = None  # the outcome group of the heading it sits under
    key: str | None = None
    match: str = ""
    page: int | None = None

    @property
    def label_raw(self) -> str:
        """The most specific label as printed (the last label cell)."""
        return self.labels[-1] if self.labels else ""


def item_number(label: str) -> int | None:
    """The item number a label is printed with ("2.", "（三）", "三、"), or None."""
    m = _ITEM.match(unicodedata.normalize("NFKC", label).strip())
    if m is None:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else _CN_DIGITS[token]


@lru_cache(maxsize=4096)
def heading_group(label: str) -> str | None:
    """The outcome group a heading cell names ("（三）不予公开" → ``withheld``), or None."""
    norm = normalize(label)
    if not norm or len(norm) > 12:
        return None
    for group, name in schema.OUTCOME_GROUPS.items():
        if name in norm:
            return group
    if len(norm) > 6:
        return None
    scored = sorted(((fuzz.ratio(norm, name), group)
                     for group, name in schema.OUTCOME_GROUPS.items()), reverse=True)
    (best, group), (second, _) = scored[0], scored[1]
    return group if best >= 75 and best - second >= 20 else None


@lru_cache(maxsize=8192)
def similarity(printed: str, template: str) -> float:
    """How alike a printed label is to a template label, 0–1, after normalisation: the
    better of the whole-label ratio and, for a label cut short or with words added, the
    ratio of the best-matching part (discounted by how much is missing)."""
    a, b = normalize(printed), normalize(template)
    if not a or not b:
        return 0.0
    whole = fuzz.ratio(a, b) / 100
    if min(len(a), len(b)) < 3:
        return whole
    part = fuzz.partial_ratio(a, b) / 100
    cover = min(len(a), len(b)) / max(len(a), len(b))
    return max(whole, part * (0.75 + 0.25 * cover))


def score(printed: Printed, row: schema.Row) -> float:
    """How well a printed row pairs with a template row; below 0 when they cannot pair."""
    if printed.heading is not None and row.group is not None and printed.heading != row.group:
        return -1.0
    sim = max((similarity(cell, row.label) for cell in printed.labels[-2:]), default=0.0)
    mine, theirs = item_number(printed.label_raw), item_number(row.label)
    if mine is not None and theirs is not None:
        sim += 0.1 if mine == theirs else -0.3
    if printed.heading is not None and printed.heading == row.group:
        sim += 0.05
    return sim


Verify = Callable[[dict[str, Printed]], bool | None]


def align(printed: list[Printed], rows: tuple[schema.Row, ...], verify: Verify) -> list[str]:
    """Give template rows to the printed rows with figures that no phrase named.

    ``printed`` in document order, some already keyed; ``rows`` the template's rows in
    order; ``verify`` says whether the figures of a complete assignment make the identities
    hold (None: cannot say). Sets ``key`` and ``match`` (``similar`` or ``position``) of the
    rows it places; returns sentences naming the printed rows it could not place.
    """
    order = {r.key: i for i, r in enumerate(rows)}
    taken = {p.key for p in printed if p.key is not None}
    problems: list[str] = []
    for gap_rows, gap_printed in _gaps(printed, rows, order, taken):
        chosen = _decide(gap_printed, gap_rows, printed, verify)
        if chosen is None:
            problems.extend(f"row “{p.label_raw}” could not be told apart from "
                            f"{'、'.join(r.label for r in gap_rows)}: left blank"
                            for p in gap_printed)
            continue
        for p, (row, how) in chosen.items():
            p.key, p.match = row.key, how
            taken.add(row.key)
    return problems


def _gaps(printed: list[Printed], rows: tuple[schema.Row, ...], order: dict[str, int],
          taken: set[str]) -> list[tuple[list[schema.Row], list[Printed]]]:
    """Runs of unkeyed printed rows with figures, each with the missing template rows
    that lie between the keyed rows around it."""
    out = []
    i = 0
    while i < len(printed):
        if printed[i].key is not None or not any(map(str.strip, printed[i].values)):
            i += 1
            continue
        j = i
        while j < len(printed) and printed[j].key is None:
            j += 1
        lo = max((order[p.key] for p in printed[:i] if p.key in order), default=-1)
        hi = min((order[p.key] for p in printed[j:] if p.key in order), default=len(rows))
        run = [p for p in printed[i:j] if p.labels and any(map(str.strip, p.values))]
        gap = [r for r in rows[lo + 1:hi] if r.key not in taken]
        if run and gap:
            out.append((gap, run))
        i = j
    return out


def _decide(run: list[Printed], gap: list[schema.Row], printed: list[Printed],
            verify: Verify) -> dict[Printed, tuple[schema.Row, str]] | None:
    """The one alignment of ``run`` onto ``gap`` that is certain, or None."""
    if len(run) > _MAX_GAP or len(gap) > _MAX_GAP:
        return None
    options = []
    for rows in _ordered_choices(gap, len(run)):
        scores = [score(p, r) for p, r in zip(run, rows)]
        if min(scores) < 0:
            continue
        hows = [_how(p, r, s, len(run) == len(gap) == 1) for p, r, s in zip(run, rows, scores)]
        if all(hows):
            options.append((sum(scores), rows, hows))
    if not options:
        return None
    options.sort(key=lambda o: -o[0])
    best = options[0]
    rivals = [o for o in options if best[0] - o[0] < MARGIN]
    if len(rivals) > 1 or "position" in best[2]:
        held = [o for o in rivals if _verdict(o, run, printed, verify) is True]
        if len(rivals) > 1 and len(held) != 1:
            return None
        if len(rivals) == 1 and _verdict(best, run, printed, verify) is False:
            return None
        best = held[0] if held else best
    return {p: (r, h) for p, r, h in zip(run, best[1], best[2])}


def _how(p: Printed, row: schema.Row, s: float, alone: bool) -> str:
    """``similar``, ``position`` (alone in its gap, same item number and group) or ""."""
    if s >= SIMILAR:
        return "similar"
    mine, theirs = item_number(p.label_raw), item_number(row.label)
    if alone and mine is not None and mine == theirs and (
            p.heading is None or p.heading == row.group):
        return "position"
    return ""


def _ordered_choices(gap: list[schema.Row], k: int):
    """Every choice of ``k`` of the gap's rows, in template order."""
    if k > len(gap):
        return []
    return combinations(gap, k)


def _verdict(option, run: list[Printed], printed: list[Printed], verify: Verify) -> bool | None:
    assignment = {p.key: p for p in printed if p.key is not None}
    assignment.update({r.key: p for p, r in zip(run, option[1])})
    return verify(assignment)


__all__ = ["Printed", "align", "heading_group", "item_number", "score", "similarity"]
