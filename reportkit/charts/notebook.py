"""What the notebooks call: every registered chart of a topic, computed, drawn, saved and
shown, so that a chart added to the registry appears in its notebook without an edit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportkit.analysis.selection import READABLE
from reportkit.analysis.selection import Selection as Asked
from reportkit.charts import style
from reportkit.charts.base import CHARTS, ChartData, CorpusLike, Selection, names
from reportkit.charts.export import FORMATS, save_figure
from reportkit.config import project_path
from reportkit.corpus.ingest import load_corpus
from reportkit.corpus.store import Corpus


def open_corpus(processed_dir: str | Path, raw_dir: str | Path | None = None, *,
                agencies: object = None, years: object = None, level: object = None,
                top_n: int | None = 20, statuses: Sequence[str] | None = READABLE
                ) -> tuple[Corpus, Selection]:
    """A notebook's first step: the corpus in ``processed_dir`` (ingesting ``raw_dir`` first
    when it holds none yet; relative paths are read from the project root,
    :func:`reportkit.config.project_path`, whatever the notebook's folder) and the chart
    selection of the notebook's parameters, read as
    :meth:`reportkit.analysis.selection.Selection.of` reads them (``[2021]``, ``"2021"``,
    ``"密云区,西集镇"``) and checked: a name, year or level no report of ``statuses`` holds
    stops the notebook here, with the closest names."""
    corpus = load_corpus(project_path(processed_dir),
                         project_path(raw_dir) if raw_dir is not None else None)
    asked = Asked.of(agencies, years, level)
    asked.check(corpus.reports, statuses)
    chosen = asked.parameters()
    return corpus, Selection(agencies=chosen["agencies"], years=chosen["years"],
                             level=chosen["level"], top_n=top_n)


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
    if output_dir is not None:
        output_dir = project_path(output_dir)
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
