"""The charts layer: one contract (:mod:`reportkit.charts.base`), one registry
(:data:`CHARTS`), one module per chart or small family.

======================================  ===========================================  ====
chart (registry name)                   file name                                   module
======================================  ===========================================  ====
``outcome_group_frequencies``           ``outcome_group_frequencies``               frequencies
``outcome_frequencies``                 ``outcome_frequencies``                     frequencies
``not_held_share``                      ``outcome_not_held_share_by_agency``        not_held
``outcome_composition``                 ``outcome_composition_by_agency``           composition
``review_litigation_rates``             ``review_litigation_rates_by_agency``       rates
``correction_rates``                    ``review_litigation_correction_rates_by_agency``  rates
``outcome_trends``                      ``outcome_trends_by_year``                  trends
``review_litigation_trends``            ``review_litigation_trends_by_year``        trends
``funnel_<metric>``                     ``funnel_<metric>`` (not_held_rate,         funnel
                                        disclosure_rate, review_correction_rate)
======================================  ===========================================  ====

From Python::

    from reportkit import charts
    data = charts.compute("not_held_share", corpus, charts.Selection(years=[2021]))
    fig = charts.draw(data, lang="zh")          # a Figure that shows itself in Jupyter
    charts.save_figure(data, "outputs/figures", figure=fig)   # PNG, SVG, PDF + CSV
    charts.describe(data, "zh"), charts.table(data, "zh")   # the briefing's sentence, table

Importing draws nothing and changes no matplotlib setting: the bundled font is added when
a chart is first drawn (:mod:`reportkit.charts.fonts`).
"""

from __future__ import annotations

from typing import Any

from reportkit.charts import (  # noqa: F401 (each registers its charts)
    composition,
    frequencies,
    funnel,
    not_held,
    rates,
    trends,
)
from reportkit.charts.base import (
    CHARTS,
    Chart,
    ChartData,
    CorpusLike,
    KeyTable,
    Selection,
    get,
    names,
    register,
    reorder,
    unregister,
)
from reportkit.charts.display import table_view
from reportkit.charts.export import FORMATS, save_figure
from reportkit.charts.notebook import open_corpus, show

#: The briefing's chapter order (charts registered later follow in their order).
ORDER = ("outcome_group_frequencies", "outcome_frequencies", "not_held_share",
         "outcome_composition", "review_litigation_rates", "correction_rates", "outcome_trends",
         "review_litigation_trends", *(f"funnel_{m}" for m in funnel.FUNNEL_METRICS))
reorder(ORDER)


def compute(name: str, corpus: CorpusLike, selection: Selection | None = None) -> ChartData:
    """The numbers of chart ``name`` for ``selection`` (default: everything, top 20)."""
    return get(name).compute(corpus, selection or Selection())


def draw(data: ChartData, lang: str = "zh", **options: Any) -> Any:
    """The Figure of ``data``."""
    return get(data.name).draw(data, lang, **options)


def describe(data: ChartData, lang: str = "zh") -> str:
    """The sentence the briefing prints under the chart's heading."""
    return get(data.name).describe(data, lang)


def table(data: ChartData, lang: str = "zh") -> KeyTable:
    """The key-figure table the briefing prints under the chart."""
    return get(data.name).table(data, lang)


__all__ = ["CHARTS", "FORMATS", "Chart", "ChartData", "CorpusLike", "KeyTable", "Selection",
           "compute", "describe", "draw", "get", "names", "open_corpus", "register",
           "save_figure", "show", "table", "table_view", "unregister"]
