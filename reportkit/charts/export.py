"""Writing a chart: PNG (300 dpi by default), SVG and PDF, and the numbers it drew as CSV
(UTF-8 with BOM, for Excel), all from one :class:`reportkit.charts.base.ChartData`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from reportkit.charts import style
from reportkit.charts.base import CHARTS, ChartData

FORMATS = ("png", "svg", "pdf")


def save_figure(data: ChartData, output_dir: str | Path = "outputs/figures",
                formats: Sequence[str] = FORMATS, dpi: int = 300, lang: str = "zh", *,
                figure: Figure | None = None, name: str | None = None,
                credit: str | None = None, svg_text: bool = False) -> list[Path]:
    """Write the chart of ``data`` as ``<name>.png`` (at ``dpi``), ``.svg`` (text as paths)
    and ``.pdf`` (font embedded) under ``output_dir``, and its numbers, with their display
    labels in ``lang``, as ``<name>.csv``. ``figure``: the chart already drawn (else it is
    drawn here, with ``credit`` after the source line); ``name``: the file stem (default
    ``data.file``); ``svg_text``: keep the SVG's text as text (``<text>`` in Noto Sans SC,
    editable in Illustrator or Inkscape, shown right where that font is installed) instead
    of outlines. Returns the paths."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats {unknown}: choose from {FORMATS}")
    name = name or data.file
    fig = figure if figure is not None else CHARTS[data.name].draw(data, lang, credit=credit)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}
    settings = {**style.rc(), **({"svg.fonttype": "none"} if svg_text else {})}
    with mpl.rc_context(settings):
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.15,
                        facecolor="white", metadata=metadata[fmt])
            written.append(path)
    path = out / f"{name}.csv"
    style.table_frame(data, lang).to_csv(path, index=False, encoding="utf-8-sig")
    written.append(path)
    return written
