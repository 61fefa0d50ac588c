"""What the notebooks call: every registered chart of a topic, computed, drawn, saved and
shown, so that a chart added to the registry appears in its notebook without an edit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportkit.charts import style
from reportkit.charts.base import CHARTS, ChartData, CorpusLike, Selection, names
from reportkit.charts.export import FORMATS, save_figure


def _display(obj: object) -> None:
    try:
        from IPython.display import display
    except ImportError:  # outside IPython: nothing to show
        return
    display(obj)


def show(corpus: CorpusLike, selection: Selection, topic: str, *, lang: str = "zh",
         output_dir: str | Path | None = "outputs/figures", formats: Sequence[str] = FORMATS,
         dpi: int = 300, display: bool = True, credit: str | None = None,
         svg_text: bool = False) -> dict[str, ChartData]:
    """Every chart of ``topic`` (``outcomes``, ``review_litigation``, ``assessment``) in
    registry order: computed for ``selection``, drawn in ``lang``, written to ``output_dir``
    (PNG/SVG/PDF + CSV; None: not written) and, in a notebook, displayed. A chart needing
    more years than the selection holds, or with nothing to show for it (a trend without
    a body reporting every year), is left out, and said so. ``credit`` and ``svg_text``: as
    :func:`reportkit.charts.export.save_figure`. Returns the ChartData by chart name."""
    shown: dict[str, ChartData] = {}
    for name in names(topic):
        chart = CHARTS[name]
        data = chart.compute(corpus, selection)
        if len(data.scope["years"]) < chart.min_years:
            print(f"{name}: the selection holds {len(data.scope['years'])} year(s); "
                  f"this chart needs {chart.min_years}")
            continue
        why = data.context.get("unavailable")
        if why:
            print(f"{name}: {style.text(lang).get(why, why)}")
            continue
        fig = chart.draw(data, lang, credit=credit)
        if output_dir is not None:
            save_figure(data, output_dir, formats=formats, dpi=dpi, lang=lang, figure=fig,
                        svg_text=svg_text)
        if display:
            _display(fig)
        shown[name] = data
    return shown
