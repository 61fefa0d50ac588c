"""Charts: one contract (compute → ChartData → draw / describe / table), every glyph drawn
with the bundled font (warnings are errors here), PNG/SVG/PDF and CSV written from the same
ChartData, the Chinese kept in SVG (paths) and PDF (embedded font), and a chart registered
once appearing in the notebooks' helper and in the briefing.

Seed figures read off the documents (tests/seed_figures.py): 密云区 answered 216 of its 588
requests processed 本机关不掌握相关政府信息; it received 572 new requests, which led to 20
lawsuits (11 direct + 9 after review).
"""

from __future__ import annotations

import re
import warnings

import docx
import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib import font_manager
from seed_figures import SEEDS

import reportkit
from reportkit import brief, charts
from reportkit.charts import fonts, style
from reportkit.charts.base import Chart, ChartData, KeyTable
from reportkit.charts.select import scope, selected
from reportkit.corpus.store import Corpus

FILES = {
    "outcome_group_frequencies": "outcome_group_frequencies",
    "outcome_frequencies": "outcome_frequencies",
    "not_held_share": "outcome_not_held_share_by_agency",
    "outcome_composition": "outcome_composition_by_agency",
    "review_litigation_rates": "review_litigation_rates_by_agency",
    "correction_rates": "review_litigation_correction_rates_by_agency",
    "outcome_trends": "outcome_trends_by_year",
    "review_litigation_trends": "review_litigation_trends_by_year",
    "funnel_not_held_rate": "funnel_not_held_rate",
    "funnel_disclosure_rate": "funnel_disclosure_rate",
    "funnel_review_correction_rate": "funnel_review_correction_rate",
}


@pytest.fixture(scope="module")
def corpus(raw_dir):
    return reportkit.ingest([raw_dir], progress=False)


def test_the_bundled_font_is_the_default_and_has_the_glyphs() -> None:
    path = fonts.register()
    assert path.is_file() and path.suffix == ".ttf"  # TrueType outlines, for PDF type 42
    found = font_manager.findfont(font_manager.FontProperties(family=fonts.FAMILY),
                                  fallback_to_default=False)
    assert found == str(path)
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap()
    text = "漷县镇亦庄镇密云区南郊镇西集镇本机关不掌握相关政府信息行政复议诉讼纠正（）·“”−▶†"
    assert [c for c in text if ord(c) not in cmap] == []


def test_the_registry_holds_every_chart_in_the_briefing_order() -> None:
    assert list(charts.CHARTS) == list(FILES)
    assert charts.names("review_litigation") == [
        "review_litigation_rates", "correction_rates", "review_litigation_trends"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(FILES))
def test_chart_draws_every_glyph_and_exports(corpus, tmp_path, name, lang):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise here
        data = charts.compute(name, corpus)
        fig = charts.draw(data, lang)
        formats = ("png", "svg", "pdf") if lang == "zh" else ("png",)
        paths = charts.save_figure(data, tmp_path, formats=formats, dpi=100, lang=lang,
                                   figure=fig)
    stem = FILES[name]
    assert data.file == stem and not hasattr(fig, "reportkit_data")
    assert [p.name for p in paths] == [f"{stem}.{f}" for f in formats] + [f"{stem}.csv"]
    assert all(p.stat().st_size > 0 for p in paths)
    csv = tmp_path / f"{stem}.csv"
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    assert len(pd.read_csv(csv, encoding="utf-8-sig")) == len(data.frame)
    assert {"is_overall", "is_others"} <= set(data.frame.columns)
    sentence, key = charts.describe(data, lang), charts.table(data, lang)
    assert isinstance(sentence, str) and isinstance(key, KeyTable) and key.rows
    if lang == "zh":
        svg = (tmp_path / f"{stem}.svg").read_text(encoding="utf-8")
        assert "<text" not in svg  # text as paths: the Chinese shows without the font
        pdf = (tmp_path / f"{stem}.pdf").read_bytes()
        assert b"/FontFile2" in pdf and b"NotoSansSC" in pdf  # TrueType font embedded
        assert not re.search(rb"/Subtype\s*/Type3", pdf)


def test_importing_the_charts_changes_no_matplotlib_setting() -> None:
    import subprocess
    import sys

    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); "
            "import reportkit.charts, reportkit.brief; "
            "assert dict(mpl.rcParams) == before; "
            "from reportkit.charts import fonts; assert not fonts._ADDED")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_png_is_300_dpi_by_default(corpus, tmp_path) -> None:
    data = charts.compute("outcome_frequencies", corpus)
    (png,) = [p for p in charts.save_figure(data, tmp_path, formats=("png",))
              if p.suffix == ".png"]
    from PIL import Image

    with Image.open(png) as image:
        assert round(image.info["dpi"][0]) == 300


def test_chart_numbers_are_the_seed_figures(corpus) -> None:
    data = charts.compute("not_held_share", corpus)
    miyun = data.bodies[data.bodies["agency_short"] == "密云区"].iloc[0]
    assert (miyun["count"], miyun["total_processed"]) == (216, 588)
    assert len(data.overall) == 1 and not data.frame["is_others"].any()
    data = charts.compute("review_litigation_rates", corpus)
    rows = data.bodies
    miyun = rows[(rows["agency_short"] == "密云区") & (rows["measure"] == "litigation")]
    assert (miyun["cases"].item(), miyun["new_requests"].item()) == (20, 572)


def _many_agencies(corpus: Corpus, n: int) -> Corpus:
    """``n`` agencies, each a copy of 密云区's report under another name."""
    reports = corpus.reports
    source = reports[reports["agency_short"] == "密云区"].iloc[0]
    v = corpus.values[corpus.values["report_id"] == source["report_id"]]
    ids = [f"r{i:04d}" for i in range(n)]
    many_values = pd.concat([v.assign(report_id=i) for i in ids], ignore_index=True)
    many_reports = pd.DataFrame([{**source.to_dict(), "report_id": i,
                                  "agency": f"某市第{k}街道办事处",
                                  "agency_id": f"第{k}街道办事处",
                                  "agency_short": f"第{k}街道"} for k, i in enumerate(ids)])
    return Corpus(many_values, many_reports, corpus.checks.iloc[:0])


def test_500_agencies_show_top_n_and_others(corpus, tmp_path) -> None:
    many = _many_agencies(corpus, n=500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = charts.compute("review_litigation_rates", many, charts.Selection(top_n=15))
        fig = charts.draw(data)
    review = data.frame[data.frame["measure"] == "review"]
    assert len(review) == 15 + 1 + 1  # top 15, the pooled others, the overall line
    others = review[review["is_others"]].iloc[0]
    assert (others["cases"], others["new_requests"]) == (485 * 15, 485 * 572)
    assert len(fig.axes[0].get_yticklabels()) == 16
    labels = style.labelled(data.frame, "zh")["label"]
    assert "其他 485 个机关" in set(labels)
    data = charts.compute("outcome_composition", many, charts.Selection(top_n=10))
    charts.save_figure(data, tmp_path, formats=("png",), dpi=50, lang="en")
    csv = pd.read_csv(tmp_path / f"{data.file}.csv", encoding="utf-8-sig")
    assert "490 other agencies" in set(csv["label"])


def test_bad_language_is_refused(corpus) -> None:
    data = charts.compute("outcome_frequencies", corpus)
    with pytest.raises(ValueError, match="lang"):
        charts.draw(data, lang="fr")


def test_charts_survive_an_empty_selection(corpus, tmp_path) -> None:
    empty = Corpus(corpus.values.iloc[:0], corpus.reports.iloc[:0], corpus.checks.iloc[:0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in charts.CHARTS:
            data = charts.compute(name, empty)
            charts.save_figure(data, tmp_path, formats=("png",), dpi=50)
            charts.describe(data, "zh")
    assert len(list(tmp_path.glob("*.png"))) == len(charts.CHARTS)


# --- A new chart: one module's worth of functions and one registry entry ---------------------


def _compute_requests(corpus, selection) -> ChartData:
    """New requests per body (a chart the package does not have), through analysis only."""
    values, reports = selected(corpus, selection)
    from reportkit import analysis

    rates = analysis.review_litigation_rates(values, reports, by="agency")
    frame = rates[rates["measure"] == "review"].assign(is_overall=False, is_others=False)
    return ChartData("new_requests_by_agency", "new_requests_by_agency",
                     frame.reset_index(drop=True), scope(reports), selection)


def _draw_requests(data: ChartData, lang: str = "zh"):
    with mpl.rc_context(style.rc()):
        fig = style.new_figure(6.0, 3.0)
        ax = fig.add_subplot()
        ax.barh(style.labelled(data.frame, lang)["label"], data.frame["new_requests"])
        style.decorate(fig, "新收申请", style.scope_line(data.scope, lang), [])
    return fig


def _describe_requests(data: ChartData, lang: str) -> str:
    return f"新收申请合计{data.frame['new_requests'].sum():,.0f}件。"


def _table_requests(data: ChartData, lang: str) -> KeyTable:
    rows = [[r.agency_short, f"{r.new_requests:,.0f}"] for r in data.frame.itertuples()]
    return KeyTable(["机关", "新收申请"], rows)


@pytest.fixture
def new_chart():
    chart = charts.register(Chart("new_requests_by_agency", _compute_requests, _draw_requests,
                                  _describe_requests, _table_requests,
                                  title=lambda lang: "各机关新收申请", topic="outcomes"))
    yield chart
    charts.unregister(chart.name)


def test_a_registered_chart_appears_in_the_notebook_helper_and_the_briefing(
        new_chart, corpus, tmp_path) -> None:
    assert "new_requests_by_agency" in charts.names("outcomes")
    shown = charts.show(corpus, charts.Selection(), "outcomes", output_dir=tmp_path,
                        formats=("png",), dpi=50, display=False)
    assert "new_requests_by_agency" in shown
    csv = pd.read_csv(tmp_path / "new_requests_by_agency.csv", encoding="utf-8-sig")
    assert csv.loc[csv["agency_short"] == "密云区", "new_requests"].item() == 572
    result = brief.build(corpus, tmp_path / "b.docx", date="2024-05-01", svg=False,
                         charts=["not_held_share", "new_requests_by_agency"])
    assert result.charts == ["not_held_share", "new_requests_by_agency"]
    document = docx.Document(str(result.path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "二、各机关新收申请" in headings
    texts = [p.text for p in document.paragraphs]
    new = sum(seed["requests"]["new_requests"][-1] for seed in SEEDS.values())
    assert f"新收申请合计{new:,.0f}件。" in texts
    table = document.tables[2]  # title page, chart 1, chart 2
    assert [c.text for c in table.rows[0].cells] == ["机关", "新收申请"]
    assert ["密云区", "572"] in [[c.text for c in r.cells] for r in table.rows]


def test_font_falls_back_to_type3_when_it_cannot_be_converted(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("REPORTKIT_CACHE", str(blocker / "cache"))
    fonts.font_path.cache_clear()
    try:
        path = fonts.font_path()
        assert path == fonts.source_font_path()  # the package's own .otf
        assert fonts.rc_params()["pdf.fonttype"] == 3
    finally:
        fonts.font_path.cache_clear()
        monkeypatch.undo()
        fonts.register()
    assert fonts.font_path().suffix == ".ttf"
