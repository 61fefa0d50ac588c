"""The chart contract: what a chart computes (:class:`ChartData`), how it is registered
(:class:`Chart`, :func:`register`) and what its key-figure table is (:class:`KeyTable`).

A chart is registered once, with four functions:

* ``compute(corpus, selection) -> ChartData``: the numbers, through :mod:`reportkit.analysis`
  only (a typed frame with explicit ``is_overall`` / ``is_others`` columns and the counts,
  plus any supporting frame its sentence or table needs, in ``context``);
* ``draw(ChartData, lang, *, credit=None) -> Figure`` (``credit``: text after the source
  line every chart carries, :func:`reportkit.charts.style.decorate`);
* ``describe(ChartData, lang) -> str``: the sentence the briefing prints;
* ``table(ChartData, lang) -> KeyTable``: the key-figure table under it.

Notebooks (:mod:`reportkit.charts.notebook`), :func:`reportkit.charts.export.save_figure`
and the briefing (:mod:`reportkit.brief`) list the charts from :data:`CHARTS` and take the
same ``ChartData``: nothing travels on a Figure, nothing is matched by its display text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd


class CorpusLike(Protocol):
    """What ``compute`` reads: the tidy ``values`` and ``reports`` frames of a corpus."""

    values: pd.DataFrame
    reports: pd.DataFrame


@dataclass(frozen=True)
class Selection:
    """Which reports a chart shows: ``agencies`` (full or short names), ``years`` and
    ``level`` as :func:`reportkit.analysis.select` reads them (None: all), and ``top_n``:
    per-body charts show that many bodies with most requests and pool the rest into one
    "others" row."""

    agencies: object = None
    years: object = None
    level: object = None  # province, city, county, township (None: all)
    top_n: int | None = 20
    all_rows: bool = False  # keep outcome rows with 0 requests (dropped by default)


@dataclass
class ChartData:
    """What a chart shows, computed once.

    ``frame``: one row per drawn figure, with the analysis columns (counts, rates, Wilson
    interval, ``n_reports``, ``n_excluded``, ``flag_failed_checks`` …) and two explicit
    flags: ``is_overall`` (the row pools every body of the selection) and ``is_others``
    (the row pools the bodies outside the ``top_n``). ``name``: the registry name;
    ``file``: the file stem of its PNG/SVG/PDF/CSV; ``scope``: reports, agencies and years
    of the selection (:func:`reportkit.analysis.scope`), with ``names``, the bodies' short
    names; ``context``: supporting frames and values (e.g. every body unpooled, for the
    sentence; ``unavailable``: why the selection gives this chart nothing to show, e.g.
    no body reporting in every year for a trend); ``options``: what the chart was asked
    for (``level``, ``metric`` …)."""

    name: str
    file: str
    frame: pd.DataFrame
    scope: dict[str, Any]
    selection: Selection = field(default_factory=Selection)
    context: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def one_body(self) -> bool:
        """Whether the selection holds a single body (then no "all bodies" line is drawn)."""
        return int(self.scope.get("agencies", 0)) <= 1

    @property
    def bodies(self) -> pd.DataFrame:
        """The per-body rows (neither overall nor others)."""
        f = self.frame
        return f[~f["is_overall"] & ~f["is_others"]]

    @property
    def overall(self) -> pd.DataFrame:
        """The rows that pool every body of the selection."""
        return self.frame[self.frame["is_overall"]]


@dataclass
class KeyTable:
    """The short table under a chart: header, rows of text, rows to set in bold, notes."""

    header: list[str]
    rows: list[list[str]]
    bold: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=lambda: {0})  # left-aligned


@dataclass(frozen=True)
class Chart:
    """One registered chart: its four functions, its title, the notebook topic it belongs
    to (``outcomes``, ``review_litigation``, ``assessment``) and how many years it needs."""

    name: str
    compute: Callable[[CorpusLike, Selection], ChartData]
    draw: Callable[..., Any]
    describe: Callable[[ChartData, str], str]
    table: Callable[[ChartData, str], KeyTable]
    title: Callable[[str], str]
    topic: str
    min_years: int = 1


#: Every chart, in the order of the briefing (and of each notebook's topic).
CHARTS: dict[str, Chart] = {}


def register(chart: Chart) -> Chart:
    """Add ``chart`` to :data:`CHARTS` (a name registered again replaces the earlier one)."""
    CHARTS[chart.name] = chart
    return chart


def unregister(name: str) -> None:
    """Remove a chart from :data:`CHARTS` (for a chart registered for a while)."""
    CHARTS.pop(name, None)


def reorder(first: tuple[str, ...]) -> None:
    """Put the charts named in ``first`` at the head of :data:`CHARTS`, in that order."""
    ranked = sorted(CHARTS, key=lambda n: (first.index(n) if n in first else len(first)))
    items = {n: CHARTS[n] for n in ranked}
    CHARTS.clear()
    CHARTS.update(items)


def names(topic: str | None = None) -> list[str]:
    """The registered chart names, of one notebook ``topic`` or all."""
    return [n for n, c in CHARTS.items() if topic is None or c.topic == topic]


def get(name: str) -> Chart:
    """The chart registered as ``name``; a KeyError naming the choices otherwise."""
    try:
        return CHARTS[name]
    except KeyError:
        raise KeyError(f"unknown chart {name!r}: choose from {', '.join(CHARTS)}") from None


def flags(frame: pd.DataFrame, *, overall: bool = False, others: object = False
          ) -> pd.DataFrame:
    """``frame`` with the ``is_overall`` and ``is_others`` columns set (``others`` a bool or
    a boolean Series)."""
    out = frame.copy()
    out["is_overall"] = overall
    out["is_others"] = others if isinstance(others, pd.Series) else bool(others)
    out["is_overall"] = out["is_overall"].astype(bool)
    out["is_others"] = out["is_others"].astype(bool)
    return out
