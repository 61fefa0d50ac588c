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
        # the trends need a body reporting in two years: 密云区 filed again as 2019
        data = charts.compute(name, _pair(corpus, (2019,)) if "trends" in name else corpus)
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


def _draw_requests(data: ChartData, lang: str = "zh", *, credit: str | None = None):
    with mpl.rc_context(style.rc()):
        fig = style.new_figure(6.0, 3.0)
        ax = fig.add_subplot()
        ax.barh(style.labelled(data.frame, lang)["label"], data.frame["new_requests"])
        style.decorate(fig, "新收申请", style.scope_line(data.scope, lang), [], lang=lang,
                       credit=credit)
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
    # the briefing is by question: the new chart (topic outcomes) in 申请办理结果, first
    assert result.charts == ["new_requests_by_agency", "not_held_share"]
    document = docx.Document(str(result.path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[1:3] == ["一、申请办理结果", "二、答复“本机关不掌握相关政府信息”"]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[0].split(None, 1) == ["图1", "各机关新收申请"]
    texts = [p.text for p in document.paragraphs]
    new = sum(seed["requests"]["new_requests"][-1] for seed in SEEDS.values())
    assert f"新收申请合计{new:,.0f}件。" in texts
    table = document.tables[1]  # the scope table on page 1, then the new chart's
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


# --- Chart polish (issue 14 item 3) ----------------------------------------------------------


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes
                                                for t in ax.texts]


def test_every_chart_has_a_source_line_and_a_credit_option(corpus) -> None:
    for name in charts.CHARTS:
        data = charts.compute(name, corpus)
        assert "数据来源：各机关政府信息公开工作年度报告" in _texts(charts.draw(data)), name
    fig = charts.draw(charts.compute("not_held_share", corpus), credit="制图：某研究中心")
    assert "数据来源：各机关政府信息公开工作年度报告 · 制图：某研究中心" in _texts(fig)


def test_three_bodies_or_fewer_are_named_and_one_has_no_overall_line(corpus) -> None:
    data = charts.compute("review_litigation_rates", corpus,
                          charts.Selection(agencies=["密云区", "西集镇"]))
    assert "2 份报告 · 密云区、西集镇 · 2021年" in _texts(charts.draw(data))
    assert "5 份报告 · 5 个机关 · 2019–2021年" in _texts(
        charts.draw(charts.compute("not_held_share", corpus)))
    one = charts.compute("not_held_share", corpus, charts.Selection(agencies=["密云区"]))
    fig = charts.draw(one)
    assert not [ln for ln in fig.axes[0].lines if ln.get_linestyle() == "--"]
    assert not any("全部机关" in t for t in _texts(fig))
    assert [r[0] for r in charts.table(one, "zh").rows] == ["密云区"]
    rates = charts.draw(charts.compute("review_litigation_rates", corpus,
                                       charts.Selection(agencies=["密云区"])))
    assert [ax.get_title(loc="left") for ax in rates.axes] == ["行政复议", "行政诉讼"]


def test_small_bases_are_pale_and_hatched_on_the_composition_chart(corpus) -> None:
    data = charts.compute("outcome_composition", corpus)
    fig = charts.draw(data)
    hatched = {round(p.get_y() + p.get_height() / 2) for p in fig.axes[0].patches
               if p.get_hatch()}
    solid = {round(p.get_y() + p.get_height() / 2) for p in fig.axes[0].patches
             if not p.get_hatch() and p.get_width() > 0}
    ticks = {round(y): t.get_text() for y, t in zip(fig.axes[0].get_yticks(),
                                                      fig.axes[0].get_yticklabels(),
                                                      strict=True)}
    # processed: 密云区 588; 西集镇 19, 亦庄镇 11, 南郊镇 3, 漷县镇 2 — all under 30 but one
    assert {ticks[y] for y in solid} == {"密云区"}
    assert {ticks[y] for y in hatched} == {"西集镇", "亦庄镇", "南郊镇", "漷县镇"}
    assert "浅色斜线：办理总数不足 30 件，比例不稳定" in _texts(fig)


def test_zero_rows_are_dropped_unless_asked(corpus) -> None:
    outcome_rows = {r for seed in SEEDS.values() for r in seed["requests"]
                    if r not in ("new_requests", "carried_over", "total_processed",
                                 "carried_forward")}
    data = charts.compute("outcome_frequencies", corpus)
    assert set(data.frame["outcome"]) == outcome_rows  # every row a seed prints non-zero
    assert (data.frame["count"] > 0).all()
    everything = charts.compute("outcome_frequencies", corpus, charts.Selection(all_rows=True))
    assert len(everything.frame) == len(data.frame) + data.context["zero_rows"]
    assert data.context["zero_rows"] > 0
    assert f"另有 {data.context['zero_rows']} 项办理结果为 0 件，未列出" in _texts(
        charts.draw(data))


def test_svg_text_keeps_the_text_editable(corpus, tmp_path) -> None:
    data = charts.compute("not_held_share", corpus)
    charts.save_figure(data, tmp_path, formats=("svg",), svg_text=True)
    svg = (tmp_path / f"{data.file}.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "密云区" in svg and "Noto Sans SC" in svg


def _pair(corpus: Corpus, years: tuple[int, ...]) -> Corpus:
    """密云区's 2021 report filed again under each of ``years`` (the seeds hold no body in
    two years): a panel whose every year is 密云区's seed figures."""
    miyun = corpus.reports[corpus.reports["agency_short"] == "密云区"]
    values = corpus.values[corpus.values["report_id"].isin(miyun["report_id"])]
    extra = [(miyun.assign(report_id=f"m{y}", year=y), values.assign(report_id=f"m{y}"))
             for y in years]
    return Corpus(pd.concat([corpus.values, *[v for _, v in extra]], ignore_index=True),
                  pd.concat([corpus.reports, *[r for r, _ in extra]], ignore_index=True),
                  corpus.checks)


def test_trends_compare_the_same_bodies_with_gaps_for_missing_years(corpus) -> None:
    alone = charts.compute("outcome_trends", corpus)  # 漷县镇 2019 vs four others 2021
    assert alone.context["unavailable"] == "no_panel" and alone.frame.empty
    data = charts.compute("outcome_trends", _pair(corpus, (2019,)))
    assert data.scope["names"] == ["密云区"] and sorted(set(data.frame["year"])) == [2019, 2021]
    granted = data.frame[data.frame["outcome"] == "granted"]
    assert granted["count"].tolist() == [167, 167] and granted["total_processed"].tolist() == [
        588, 588]
    fig = charts.draw(data)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[1] == "2020\n无报告"  # a gap, not a line from 2019 to 2021
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [2019, 2020, 2021] and pd.isna(line.get_ydata()[1])
    rates = charts.compute("review_litigation_trends", _pair(corpus, (2019,)))
    review = rates.frame[rates.frame["measure"] == "review"]
    assert review["cases"].tolist() == [15, 15] and review["new_requests"].tolist() == [572, 572]


def test_trend_labels_never_collide(corpus) -> None:
    for name in ("outcome_trends", "review_litigation_trends"):
        fig = charts.draw(charts.compute(name, _pair(corpus, (2019, 2020))))
        fig.draw_without_rendering()
        boxes = [t.get_window_extent() for t in fig.axes[0].texts]
        assert len(boxes) >= 6
        overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
        assert not overlaps, name


def test_small_bases_are_hollow_on_trend_charts(corpus) -> None:
    """漷县镇 processed 2 requests in 2019: a panel of 漷县镇 alone has bases under 30."""
    huo = corpus.reports[corpus.reports["agency_short"] == "漷县镇"]
    values = corpus.values[corpus.values["report_id"].isin(huo["report_id"])]
    pair = Corpus(pd.concat([values, values.assign(report_id="h2020")], ignore_index=True),
                  pd.concat([huo, huo.assign(report_id="h2020", year=2020)], ignore_index=True),
                  corpus.checks)
    fig = charts.draw(charts.compute("outcome_trends", pair))
    hollow = [ln for ln in fig.axes[0].lines if ln.get_markerfacecolor() == "white"]
    assert hollow and "空心点：该年度基数不足 30 件，比例不稳定" in _texts(fig)


# --- Notebook tables (issue 14 item 4) --------------------------------------------------------


def test_table_view_shows_labels_integers_percentages_in_template_order(corpus) -> None:
    from reportkit import analysis

    values, reports = analysis.select(corpus.values, corpus.reports)
    frame = analysis.outcome_shares(values, reports, level="group")
    view = charts.table_view(frame.iloc[::-1], "zh")  # reversed: the view restores the order
    shown = view.data
    assert list(shown["办理结果"]) == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理",
                                   "其他处理"]
    assert "group" not in shown and "n_blank_cells" not in shown.columns
    html = view.to_html()
    granted = sum(seed["requests"].get("granted", [0] * 7)[-1] for seed in SEEDS.values())
    processed = sum(seed["requests"]["total_processed"][-1] for seed in SEEDS.values())
    assert f">{granted}<" in html and f">{granted}.0<" not in html  # 187, not 187.0
    assert f">{granted / processed:.1%}<" in html  # 30.0%
    assert "<th class=\"row_heading" not in html  # no index
    english = charts.table_view(frame, "en").data
    assert list(english.columns[:3]) == ["Outcome", "Requests", "Processed"]
    assert english["Outcome"].iloc[0] == "Granted"
    by_year = charts.table_view(analysis.outcome_shares(values, reports, by="year"), "zh").data
    assert list(by_year["年度"]) == sorted(by_year["年度"])  # years in order, not as text
