"""Which reports an analysis covers, once for every entry point: :class:`Selection`.

The command line (``reportkit run --agencies 密云区 --years 2021 --level county``), a config
file's ``parameters``, a notebook's parameter cell (papermill ``-p``/``-y``, or edited by
hand) and the briefing all hand their choice to :meth:`Selection.of`, which reads names
and years however they were typed (a list, ``"密云区,西集镇"``, ``"[2021]"``,
``"2019-2021"``), and :meth:`Selection.check`, which refuses, before any work, a name, year
or level the corpus does not hold, offering the closest names it does
(:mod:`rapidfuzz`). :meth:`Selection.slug` names the folder a filtered run writes into
(``outputs/密云区_2021/``), so it never overwrites the all-agency outputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

#: The levels a body can have (:func:`reportkit.extract.metadata.level`).
LEVELS: tuple[str, ...] = ("province", "city", "county", "township")
#: Statuses whose reports a selection may name (what the analyses read).
READABLE: tuple[str, ...] = ("ok", "partial")
_SPLIT = re.compile(r"[,，、;；\s]+")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-–~至]\s*(\d{4})$")
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


class SelectionError(ValueError):
    """A selection that cannot be met: a name, year or level the corpus does not hold."""


def _items(value: object) -> list[str]:
    """``value`` as a list of non-empty strings: None, a string ("a,b", "[a, b]", "a b")
    or any iterable of them."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        return [t.strip().strip("'\"") for t in _SPLIT.split(text) if t.strip().strip("'\"")]
    if isinstance(value, int | float):
        return [str(int(value))]
    if isinstance(value, Iterable):
        return [s for v in value for s in _items(v)]
    return [str(value)]


def _years(value: object) -> tuple[int, ...]:
    out: list[int] = []
    for item in _items(value):
        span = _YEAR_RANGE.match(item)
        if span:
            low, high = sorted(int(g) for g in span.groups())
            out.extend(range(low, high + 1))
        elif re.fullmatch(r"\d{4}", item):
            out.append(int(item))
        else:
            raise SelectionError(f"years: {item!r} is not a year (give e.g. 2021, "
                                 "2020,2021 or 2019-2021)")
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Selection:
    """``agencies`` (full or short names), ``years`` and ``levels`` (province, city, county,
    township); an empty tuple means all."""

    agencies: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    levels: tuple[str, ...] = ()

    @classmethod
    def of(cls, agencies: object = None, years: object = None, level: object = None
           ) -> Selection:
        """A selection from what a user typed or a config holds (see the module docstring).
        Raises :class:`SelectionError` for a year that is not one or an unknown level."""
        levels = tuple(dict.fromkeys(s.lower() for s in _items(level)))
        unknown = [lv for lv in levels if lv not in LEVELS]
        if unknown:
            raise SelectionError(f"level: {', '.join(unknown)} is not one of "
                                 f"{', '.join(LEVELS)}")
        return cls(tuple(dict.fromkeys(_items(agencies))), _years(years), levels)

    @property
    def is_all(self) -> bool:
        """Whether nothing is filtered."""
        return not (self.agencies or self.years or self.levels)

    def parameters(self) -> dict[str, list | None]:
        """The notebooks' parameters (``agencies``, ``years``, ``level``; None: all)."""
        return {"agencies": list(self.agencies) or None, "years": list(self.years) or None,
                "level": list(self.levels) or None}

    def slug(self) -> str:
        """A folder name for the selection's outputs: ``密云区_2021``, ``county_2020-2022``,
        ``5个机关_2021`` (more than three names); ``""`` when nothing is filtered."""
        parts: list[str] = []
        if self.agencies:
            names = self.agencies if len(self.agencies) <= 3 else \
                (f"{len(self.agencies)}个机关",)
            parts.append("+".join(names))
        parts.extend(self.levels)
        if self.years:
            ys = sorted(self.years)
            contiguous = ys == list(range(ys[0], ys[-1] + 1))
            parts.append(f"{ys[0]}-{ys[-1]}" if contiguous and len(ys) > 2
                         else "+".join(map(str, ys)))
        slug = _UNSAFE.sub("-", "_".join(parts)).strip("-.")[:120]
        return slug or ("" if self.is_all else "selection")

    def mask(self, reports: pd.DataFrame) -> pd.Series:
        """Which rows of ``reports`` the selection keeps (any status)."""
        keep = pd.Series(True, index=reports.index)
        if self.years:
            keep &= pd.to_numeric(reports["year"], errors="coerce").isin(list(self.years))
        if self.agencies:
            names = list(self.agencies)
            keep &= reports["agency"].isin(names) | reports["agency_short"].isin(names)
        if self.levels and "level" in reports:
            keep &= reports["level"].isin(list(self.levels))
        return keep

    def check(self, reports: pd.DataFrame, statuses: Iterable[str] | None = READABLE) -> None:
        """Raise :class:`SelectionError` unless every name, year and level asked for is held
        by some report of ``statuses`` (None: any), and together they keep one or more.
        The message names what the corpus holds and the closest agency names."""
        usable = reports if statuses is None else reports[reports["status"].isin(list(statuses))]
        problems = [_unknown_agency(a, usable) for a in self.agencies
                    if not (usable["agency"].eq(a) | usable["agency_short"].eq(a)).any()]
        held_years = sorted({int(y) for y in pd.to_numeric(usable["year"], errors="coerce")
                             .dropna()})
        missing = [y for y in self.years if y not in held_years]
        if missing:
            problems.append(f"no readable report of {', '.join(map(str, missing))}: the "
                            f"corpus holds {', '.join(map(str, held_years)) or 'no year'}")
        held_levels = sorted({str(v) for v in usable.get("level", pd.Series(dtype=str))
                              .dropna() if str(v)})
        for lv in self.levels:
            if lv not in held_levels:
                problems.append(f"no readable report of level {lv}: the corpus holds "
                                f"{', '.join(held_levels) or 'no level'}")
        if not problems and not self.mask(usable).any():
            problems.append(f"no readable report is {self.describe()}: each is held, but "
                            "not together")
        if problems:
            raise SelectionError("; ".join(problems))

    def describe(self) -> str:
        """The selection in words, for messages."""
        parts = [f"agencies {', '.join(self.agencies)}" if self.agencies else "",
                 f"years {', '.join(map(str, self.years))}" if self.years else "",
                 f"level {', '.join(self.levels)}" if self.levels else ""]
        return " and ".join(p for p in parts if p) or "every report"


def closest_names(asked: str, names: Iterable[str], limit: int = 5) -> list[str]:
    """The agency names (full or short) most like ``asked``, best first: a name containing
    it (密云 → 密云区) before names merely alike."""
    pool = sorted({n for n in names if n})
    contains = [n for n in pool if asked in n]
    contains.sort(key=lambda n: (len(n), n))
    similar = [m[0] for m in process.extract(asked, pool, scorer=fuzz.WRatio, limit=limit,
                                             score_cutoff=50)]
    return list(dict.fromkeys(contains + similar))[:limit]


def _unknown_agency(asked: str, reports: pd.DataFrame) -> str:
    names = [str(n) for col in ("agency_short", "agency") for n in reports[col].dropna()]
    close = closest_names(asked, names)
    offer = f"did you mean {', '.join(close)}?" if close else \
        f"no name is close ({len(set(names))} names in the corpus)"
    return f"no readable report of an agency named {asked!r}: {offer}"


__all__ = ["LEVELS", "READABLE", "Selection", "SelectionError", "closest_names"]
