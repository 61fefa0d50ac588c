"""Charts: every glyph drawn with the bundled font (warnings are errors here), PNG/SVG/PDF
and CSV written, the Chinese kept in SVG (paths) and PDF (embedded font)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager

import reportkit
from reportkit import analysis, fonts, plots

CHARTS = [
    (plots.outcome_frequencies, {}, "outcome_frequencies"),
    (plots.outcome_frequencies, {"level": "group"}, "outcome_group_frequencies"),
    (plots.outcome_composition, {}, "outcome_composition_by_agency"),
    (plots.not_held_share, {}, "outcome_not_held_share_by_agency"),
    (plots.outcome_trends, {}, "outcome_trends_by_year"),
    (plots.review_litigation_rates, {}, "review_litigation_rates_by_agency"),
    (plots.correction_rates, {}, "review_litigation_correction_rates_by_agency"),
    (plots.review_litigation_trends, {}, "review_litigation_trends_by_year"),
]


@pytest.fixture(scope="module")
def frames(raw_dir):
    corpus = reportkit.ingest([raw_dir], progress=False)
    return analysis.select(corpus.values, corpus.reports)


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


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("chart", "kwargs", "name"), CHARTS)
def test_chart_draws_every_glyph_and_exports(frames, tmp_path, chart, kwargs, name, lang):
    values, reports = frames
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise here
        fig = chart(values, reports, lang=lang, **kwargs)
        formats = ("png", "svg", "pdf") if lang == "zh" else ("png",)
        paths = plots.save_figure(fig, output_dir=tmp_path, formats=formats, dpi=100)
    assert fig.reportkit_name == name
    assert [p.name for p in paths] == [f"{name}.{f}" for f in formats] + [f"{name}.csv"]
    assert all(p.stat().st_size > 0 for p in paths)
    csv = tmp_path / f"{name}.csv"
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    assert len(pd.read_csv(csv, encoding="utf-8-sig")) == len(fig.reportkit_data)
    if lang == "zh":
        svg = (tmp_path / f"{name}.svg").read_text(encoding="utf-8")
        assert "<text" not in svg  # text as paths: the Chinese shows without the font
        pdf = (tmp_path / f"{name}.pdf").read_bytes()
        assert b"/FontFile2" in pdf and b"NotoSansSC" in pdf  # TrueType font embedded
        assert not re.search(rb"/Subtype\s*/Type3", pdf)


def test_png_is_300_dpi_by_default(frames, tmp_path) -> None:
    values, reports = frames
    fig = plots.outcome_frequencies(values, reports)
    (png,) = [p for p in plots.save_figure(fig, output_dir=tmp_path, formats=("png",))
              if p.suffix == ".png"]
    from PIL import Image

    with Image.open(png) as image:
        assert round(image.info["dpi"][0]) == 300


def test_chart_numbers_are_the_analysis_figures(frames) -> None:
    values, reports = frames
    data = plots.not_held_share(values, reports).reportkit_data
    miyun = data[data["agency_short"] == "密云区"].iloc[0]
    assert (miyun["count"], miyun["total_processed"]) == (216, 588)
    data = plots.review_litigation_rates(values, reports).reportkit_data
    miyun = data[(data["agency_short"] == "密云区") & (data["measure"] == "litigation")]
    assert (miyun["cases"].item(), miyun["new_requests"].item()) == (20, 572)


def _many_agencies(values: pd.DataFrame, reports: pd.DataFrame, n: int) -> tuple:
    """``n`` agencies, each a copy of 密云区's report under another name."""
    source = reports[reports["agency_short"] == "密云区"].iloc[0]
    v = values[values["report_id"] == source["report_id"]]
    ids = [f"r{i:04d}" for i in range(n)]
    many_values = pd.concat([v.assign(report_id=i) for i in ids], ignore_index=True)
    many_reports = pd.DataFrame([{**source.to_dict(), "report_id": i,
                                  "agency": f"某市第{k}街道办事处",
                                  "agency_id": f"第{k}街道办事处",
                                  "agency_short": f"第{k}街道"} for k, i in enumerate(ids)])
    return many_values, many_reports


def test_500_agencies_show_top_n_and_others(frames) -> None:
    values, reports = _many_agencies(*frames, n=500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.review_litigation_rates(values, reports, top_n=15)
    data = fig.reportkit_data
    review = data[data["measure"] == "review"]
    assert len(review) == 15 + 1 + 1  # top 15, the pooled others, the overall line
    others = review[review["label"] == "其他 485 个机关"].iloc[0]
    assert (others["cases"], others["new_requests"]) == (485 * 15, 485 * 572)
    assert len(fig.axes[0].get_yticklabels()) == 16
    fig = plots.outcome_composition(values, reports, top_n=10, lang="en")
    assert "490 other agencies" in set(fig.reportkit_data["label"])


def test_bad_language_is_refused(frames) -> None:
    with pytest.raises(ValueError, match="lang"):
        plots.outcome_frequencies(*frames, lang="fr")


def test_charts_survive_an_empty_selection(frames, tmp_path) -> None:
    values, reports = frames
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for chart, kwargs, _ in CHARTS:
            fig = chart(values.iloc[:0], reports.iloc[:0], **kwargs)
            plots.save_figure(fig, output_dir=tmp_path, formats=("png",), dpi=50)
    assert np.isfinite(len(list(tmp_path.glob("*.png"))))


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
