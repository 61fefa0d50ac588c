"""The reports a chart shows: a :class:`reportkit.charts.base.Selection` applied to a corpus
through :func:`reportkit.analysis.select`, and its scope."""

from __future__ import annotations

import pandas as pd

from reportkit import analysis
from reportkit.charts.base import CorpusLike, Selection


def selected(corpus: CorpusLike, selection: Selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``values`` and ``reports`` of ``corpus`` that ``selection`` keeps (readable
    reports only)."""
    return analysis.select(corpus.values, corpus.reports, years=selection.years,
                           agencies=selection.agencies, level=selection.level)


def scope(reports: pd.DataFrame) -> dict[str, object]:
    """What the selection holds (:func:`reportkit.analysis.scope`) and ``names``: the
    bodies' short names (else full names), in order of first appearance."""
    out = dict(analysis.scope(reports))
    short = reports["agency_short"].astype(object) if "agency_short" in reports else None
    names = reports["agency"].astype(object)
    if short is not None:
        names = short.where(short.notna() & (short.astype(str) != ""), names)
    out["names"] = list(dict.fromkeys(str(n) for n in names.dropna()))
    return out
