"""The Word briefing: it opens, holds every chosen chart and table, and its figures are the
analysis frames' and the ones a person reads off the seed documents.

Hand-computed seed figures (tests/seed_figures.py, notes/CONTEXT.md): 密云区 answered 216 of
its 588 requests processed 本机关不掌握相关政府信息; it received 572 new requests, which led to
15 administrative reviews (维持 6, 纠正 4, 其他 2, 未审结 3) and 20 lawsuits (11 direct:
6/3/1/1; 9 after review: 6/1/0/2).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
import reference
import yaml
from conftest import ROOT, SEED_FILES
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from seed_figures import SEEDS

import reportkit
from reportkit import analysis, brief, charts
from reportkit import run as pipeline
from reportkit.cli import main
from reportkit.corpus.store import Corpus

DATE = "2024-05-01"
TRENDS = ("outcome_trends", "review_litigation_trends")
A4_TEXT_WIDTH_CM = 21.0 - 2 * brief.MARGIN_CM


def _seed_total(row: str) -> float:
    """A requests row's 总计 summed over the five seeds, as printed in the documents."""
    return sum(seed["requests"].get(row, [0] * 7)[-1] for seed in SEEDS.values())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, raw_dir):
    return reportkit.ingest([raw_dir], tmp_path_factory.mktemp("processed"), progress=False)


@pytest.fixture(scope="module")
def full(corpus, tmp_path_factory):
    """The default briefing of the five seeds (every chart)."""
    out = tmp_path_factory.mktemp("brief") / "briefing.docx"
    result = brief.build(corpus, out, date=DATE)
    return result, docx.Document(str(out))


def _blocks(document: docx.document.Document) -> list[Paragraph | Table]:
    body = document.element.body
    out: list[Paragraph | Table] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, document._body))
        elif child.tag == qn("w:tbl"):
            out.append(Table(child, document._body))
    return out


def _chapters(document: docx.document.Document) -> dict[str, dict]:
    """Heading 1 text -> its paragraphs' text, tables (as lists of rows) and pictures."""
    chapters: dict[str, dict] = {}
    current: dict | None = None
    for block in _blocks(document):
        if isinstance(block, Paragraph) and block.style.name == "Heading 1":
            current = chapters.setdefault(block.text, {"text": [], "tables": [],
                                                       "pictures": 0})
        elif current is None:
            continue
        elif isinstance(block, Paragraph):
            current["text"].append(block.text)
            current["pictures"] += len(block._p.xpath(".//pic:pic"))
        else:
            current["tables"].append([[c.text for c in row.cells] for row in block.rows])
    return chapters


def _chapter(document: docx.document.Document, words: str) -> dict:
    hits = [v for k, v in _chapters(document).items() if words in k]
    assert len(hits) == 1, f"{len(hits)} chapters named like {words!r}"
    return hits[0]


def _figures(document: docx.document.Document) -> dict[str, dict]:
    """Figure caption title -> the chart's sentence and notes (``text``, the sentence
    first), its key-figure table (``tables``), its table caption and its section."""
    figures: dict[str, dict] = {}
    current: dict | None = None
    pending: list[str] = []
    section = ""
    for block in _blocks(document):
        if isinstance(block, Table):
            if current is not None and not current["tables"]:
                current["tables"].append([[c.text for c in row.cells] for row in block.rows])
            continue
        if block.style.name == "Heading 1":
            if current is not None:
                current["text"] += pending
            current, pending, section = None, [], block.text
        elif block._p.xpath(".//pic:pic"):
            if current is not None:
                current["text"] += pending[:-1]
            current = {"text": pending[-1:], "tables": [], "section": section,
                       "caption": None, "table_caption": None}
            pending = []
        elif block.style.name == "Caption" and current is not None:
            if current["caption"] is None:
                current["caption"] = block.text.split(None, 1)[1].strip()
                figures[current["caption"]] = current
            else:
                current["table_caption"] = block.text
        elif block.text:
            pending.append(block.text)
    return figures


def _figure(document: docx.document.Document, words: str) -> dict:
    hits = [v for k, v in _figures(document).items() if words in k]
    assert len(hits) == 1, f"{len(hits)} figures named like {words!r}"
    return hits[0]


def _row(table: list[list[str]], first: str) -> list[str]:
    rows = [r for r in table if r[0].rstrip(" †") == first]
    assert len(rows) == 1, f"{first!r} in {[r[0] for r in table]}"
    return rows[0]


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


# --- The document ---------------------------------------------------------------------------


def test_it_opens_and_holds_every_chart_with_caption_and_table(full) -> None:
    result, document = full
    # The seeds hold 2019 (漷县镇) and 2021 (four other bodies): no body reports in both
    # years, so there is no like-for-like trend and the two trend charts are left out.
    assert set(result.skipped) == set(TRENDS)
    assert sorted(result.charts) == sorted(n for n in charts.CHARTS if n not in TRENDS)
    assert len(document.inline_shapes) == len(result.charts)
    names = [s._inline.docPr.get("name") for s in document.inline_shapes]
    assert names == [f.stem for f in result.figures if f.suffix == ".png"]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    figures = [c for c in captions if c.startswith("图")]
    tables = [c for c in captions if c.startswith("表")]
    n = len(result.charts)
    assert [c.split()[0] for c in figures] == [f"图{i}" for i in range(1, n + 1)]
    assert [c.split()[0] for c in tables] == [f"表{i}" for i in range(1, len(tables) + 1)]
    # a table caption says what the table holds, never "图1的数据"
    assert not [c for c in tables if re.search(r"图\s*\d+\s*的数据", c)]
    assert len({c.split(None, 1)[1] for c in tables}) == len(tables)
    shown = _figures(document)
    assert len(shown) == n
    for figure in shown.values():
        assert len(figure["tables"]) == 1 and len(figure["tables"][0]) >= 2
        assert figure["text"][0].endswith("。")  # the generated sentence
        assert figure["table_caption"].startswith("表")
    # title-page table + one per chart + the data-quality tables + the source list
    assert len(document.tables) == 1 + result.tables
    assert result.tables >= 9


def test_one_section_per_question_and_no_page_break(full) -> None:
    _, document = full
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["主要发现", "一、申请办理结果", "二、答复“本机关不掌握相关政府信息”",
                        "三、行政复议与行政诉讼", "四、评估：各机关与总体比较", "五、数据质量",
                        "六、所依据的报告"]
    sections = {f["section"] for f in _figures(document).values()}
    assert sections == set(headings[1:5])
    shown = _figures(document)
    assert shown["政府信息公开申请办理结果（六类）"]["section"] == shown[
        "政府信息公开申请办理结果"]["section"] == "一、申请办理结果"
    body = document.element.body
    assert not body.xpath(".//w:br[@w:type='page']")
    assert not body.xpath(".//w:pageBreakBefore[not(@w:val='0' or @w:val='false')]")
    styles = document.styles.element
    assert not styles.xpath(".//w:pageBreakBefore[not(@w:val='0' or @w:val='false')]")
    assert not body.xpath(".//w:sectPr[w:type[@w:val='nextPage']]")


def test_charts_are_300_dpi_png_with_svg_and_fit_the_a4_text_block(full) -> None:
    result, document = full
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    for shape in document.inline_shapes:
        assert shape.width.cm <= A4_TEXT_WIDTH_CM + 0.01
        assert shape.height.cm <= brief.MAX_PICTURE_HEIGHT_CM + 0.01
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = document.part.related_parts[blip.embed]
        assert image.content_type == "image/png"
        assert image.image.horz_dpi == 300
        svg = blip.xpath(".//*[local-name()='svgBlip']")
        assert len(svg) == 1
        part = document.part.related_parts[svg[0].get(qn("r:embed"))]
        assert part.content_type == "image/svg+xml" and part.blob.lstrip().startswith(b"<?xml")
    pngs = [f for f in result.figures if f.suffix == ".png"]
    assert all(f.with_suffix(".csv").is_file() for f in pngs)


def test_chinese_text_carries_an_east_asian_font(full) -> None:
    _, document = full
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    assert fonts.get(qn("w:ascii")) == "Times New Roman"
    for name, east_asia in (("Normal", "SimSun"), ("Heading 1", "SimHei"), ("Title", "SimHei"),
                            ("Caption", "SimSun")):
        rfonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == east_asia, name
        assert rfonts.get(qn("w:asciiTheme")) is None  # no theme font overriding it
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_title_page_states_the_scope(full) -> None:
    _, document = full
    title = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert title["机关"] == "5个：亦庄镇、漷县镇、密云区、南郊镇、西集镇"
    assert title["年度"] == "2019年、2021年"
    assert title["报告"].startswith("5份可分析的报告（共读取5个文件")
    assert title["选择"] == "机关：全部；年度：全部"
    assert title["图表"].startswith(f"{len(charts.CHARTS) - len(TRENDS)}幅")
    assert title["生成日期"] == "2024年5月1日"
    assert any(p.style.name == "Title" and "数据简报" in p.text for p in document.paragraphs)
    # the trend charts' absence is explained once, on page 1
    text = "\n".join(_all_text(document))
    assert text.count("没有机关在所选的每个年度都有报告") == 1
    assert "没有机关在所选的每个年度都有报告" in title["图表"]


def _all_text(document: docx.document.Document) -> list[str]:
    """Every paragraph's and table cell's text, in order."""
    out = []
    for block in _blocks(document):
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out += [c.text for row in block.rows for c in row.cells]
    return out


def _findings(document: docx.document.Document) -> list[str]:
    """The paragraphs under 主要发现 / Key findings, checking that nothing before them but
    the title, subtitle and scope table comes after the title, and no picture."""
    blocks = _blocks(document)
    first = next(i for i, b in enumerate(blocks)
                 if isinstance(b, Paragraph) and b.style.name == "Title")
    head = next(i for i, b in enumerate(blocks)
                if isinstance(b, Paragraph) and b.style.name == "Heading 1")
    assert blocks[head].text in ("主要发现", "Key findings")
    before = blocks[first + 1:head]
    assert len(before) <= 3  # subtitle, scope table (and nothing else)
    assert not any(isinstance(b, Paragraph) and b._p.xpath(".//pic:pic") for b in before)
    found = []
    for block in blocks[head + 1:]:
        if not (isinstance(block, Paragraph) and block.style.name == "List Bullet"):
            break
        assert not block._p.xpath(".//pic:pic")
        found.append(block.text)
    pictures_before = [b for b in blocks[:head + 1 + len(found)]
                       if isinstance(b, Paragraph) and b._p.xpath(".//pic:pic")]
    assert not pictures_before
    return found


def test_page_one_gives_the_key_findings_with_the_seeds_counts(full) -> None:
    """Each finding's figures as a person reads them off the five seeds (seed_figures.py):
    无法提供 = 本机关不掌握 + 需另行制作 + 补正后仍不明确 summed over the seeds, and so on."""
    _, document = full
    found = _findings(document)
    assert 3 <= len(found) <= 5
    processed = _seed_total("total_processed")  # 623
    unavailable = sum(_seed_total(r) for r in ("unavailable_not_held",
                                                "unavailable_needs_creation",
                                                "unavailable_unclear"))  # 239
    assert found[0] == (f"办理结果中最多的是“无法提供”：{unavailable:.0f}件，占办理结果总计"
                        f"{processed:.0f}件的{_pct(unavailable / processed)}。")
    not_held = _seed_total("unavailable_not_held")  # 226
    assert found[1] == (f"答复“本机关不掌握相关政府信息”的有{not_held:.0f}件，占办理结果总计"
                        f"{processed:.0f}件的{_pct(not_held / processed)}。")
    new = _seed_total("new_requests")  # 606
    part4 = [s["review_litigation"] for s in SEEDS.values()]
    reviews = sum(p.get("review", [0] * 5)[-1] for p in part4)  # 18
    lawsuits = sum(p.get(k, [0] * 5)[-1] for p in part4
                   for k in ("litigation_direct", "litigation_after_review"))  # 25
    assert found[2] == (f"{new:.0f}件新收申请引发行政复议{reviews}件（每百件"
                        f"{reviews / new * 100:.1f}件）、行政诉讼{lawsuits}件（每百件"
                        f"{lawsuits / new * 100:.1f}件）。")
    # decided = 维持 + 纠正 + 其他 (columns 0-2), corrected = 纠正 (column 1)
    decided = sum(sum(p.get("review", [0] * 5)[:3]) for p in part4)  # 15
    corrected = sum(p.get("review", [0] * 5)[1] for p in part4)  # 4
    lit_decided = sum(sum(p.get(k, [0] * 5)[:3]) for p in part4
                      for k in ("litigation_direct", "litigation_after_review"))  # 22
    lit_corrected = sum(p.get(k, [0] * 5)[1] for p in part4
                        for k in ("litigation_direct", "litigation_after_review"))  # 5
    assert found[3] == (f"已审结的行政复议{decided}件中，{corrected}件的结果被纠正"
                        f"（{_pct(corrected / decided)}）；已审结的行政诉讼{lit_decided}件中，"
                        f"{lit_corrected}件的结果被纠正（{_pct(lit_corrected / lit_decided)}）。")
    assert found[4] == f"所选的{len(SEEDS)}份报告全部完整读取。"


def test_word_properties_are_the_briefings(full) -> None:
    result, document = full
    props = document.core_properties
    assert props.author == "reportkit" and props.last_modified_by == "reportkit"
    assert props.title == "政府信息公开工作年度报告数据简报"
    assert props.created == props.modified == dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    assert props.comments == ""
    with zipfile.ZipFile(result.path) as archive:
        assert not [n for n in archive.namelist() if "thumbnail" in n]


def test_no_local_path_in_any_part(corpus, tmp_path) -> None:
    """Built from a processed folder (as ``reportkit brief`` does): neither that folder,
    the output folder, the repository nor the files' folders appear in any part."""
    processed = tmp_path / "processed"
    reference.write_corpus(corpus, processed)
    out = tmp_path / "out" / "briefing.docx"
    result = brief.build(str(processed), out, date=DATE, svg=False, dpi=72,
                         charts=["outcome_group_frequencies", "not_held_share"])
    document = docx.Document(str(result.path))
    title = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert title["数据"] == "processed"
    forbidden = {str(tmp_path), str(processed), str(out.parent), str(ROOT), str(Path.home()),
                 *{str(Path(p).parent) for p in corpus.reports["source_path"]}}
    forbidden = {f for f in forbidden if len(f) > 1}
    with zipfile.ZipFile(result.path) as archive:
        parts = [n for n in archive.namelist() if n.endswith((".xml", ".rels"))]
        assert "word/document.xml" in parts and "docProps/core.xml" in parts
        assert any(n.startswith("word/footer") for n in parts)
        for name in parts:
            text = archive.read(name).decode("utf-8")
            for path in forbidden:
                assert path not in text, (name, path)
                assert path.replace("/", "\\") not in text, (name, path)


def test_the_source_list_names_every_selected_report(full, corpus, tmp_path,
                                                      monkeypatch) -> None:
    result, document = full
    listing = _chapter(document, "所依据的报告")["tables"][0]
    assert listing[0] == ["机关", "年度", "文件", "状态"]
    assert sorted(r[2] for r in listing[1:]) == sorted(SEEDS)
    for row in listing[1:]:
        seed = SEEDS[row[2]]
        assert row[:2] == [seed["agency_short"], f"{seed['year']}年"] and row[3] == "完整读取"
    csv = pd.read_csv(result.sources, encoding="utf-8-sig")
    assert result.sources.parent == result.path.parent
    assert sorted(csv["file"]) == sorted(SEEDS)
    # a long list stops and points to the CSV, which holds every file
    monkeypatch.setattr(brief.sources, "MAX_SOURCES", 2)
    short = brief.build(corpus, tmp_path / "short.docx", date=DATE, svg=False, dpi=72,
                        charts=["not_held_share"])
    chapter = _chapter(docx.Document(str(short.path)), "所依据的报告")
    assert len(chapter["tables"][0]) == 1 + 2
    assert f"……另有{len(SEEDS) - 2}个文件未列出。" in chapter["text"]
    assert any("short_sources.csv" in t for t in chapter["text"])
    assert len(pd.read_csv(short.sources, encoding="utf-8-sig")) == len(SEEDS)


def test_numbers_and_units_stay_together(full, corpus, tmp_path) -> None:
    _, document = full
    for text in _all_text(document):
        for bracket in re.findall(r"（[^（）]*）", text):
            assert " " not in bracket, bracket
        assert not re.search(r"\d [%％(（]", text), text
    result = brief.build(corpus, tmp_path / "en.docx", lang="en", date=DATE, svg=False, dpi=72,
                         charts=["outcome_group_frequencies", "review_litigation_rates",
                                 "correction_rates", "funnel_not_held_rate"])
    english = docx.Document(str(result.path))
    texts = _all_text(english) + [p.text for p in english.paragraphs]
    assert any("\u00a0" in t for t in texts)
    for text in texts:
        assert not re.search(r"\d [%(]", text), text
        assert not re.search(r"\d (reports?|requests?|files?|lawsuits?|reviews?|cases?|"
                             r"identities|per)\b", text), text


# --- Its figures ----------------------------------------------------------------------------


def test_not_held_figures_are_the_analysis_frames_and_the_seeds(full, corpus) -> None:
    _, document = full
    chapter = _figure(document, "本机关不掌握相关政府信息")
    table = chapter["tables"][0]
    values, reports = analysis.select(corpus.values, corpus.reports)
    frame = analysis.outcome_shares(values, reports, by="agency")
    frame = frame[frame["outcome"] == "unavailable_not_held"]
    for r in frame.itertuples():
        row = _row(table, r.agency_short)
        assert row[1:4] == [f"{r.count:,.0f}", f"{r.total_processed:,.0f}", _pct(r.share)]
    assert _row(table, "密云区")[1:4] == ["216", "588", _pct(216 / 588)]
    not_held, processed = _seed_total("unavailable_not_held"), _seed_total("total_processed")
    assert _row(table, "全部机关")[1:4] == [f"{not_held:.0f}", f"{processed:.0f}",
                                        _pct(not_held / processed)]
    sentence = chapter["text"][0]
    assert sentence.startswith(f"在5份报告中，本机关不掌握相关政府信息占全部办理结果的"
                               f"{_pct(not_held / processed)}（{not_held:.0f}/{processed:.0f}）")
    # no body lies outside the 95 % funnel limits around 226/623 (e.g. 南郊镇 2/3 against
    # an upper limit of 0.363 + 1.96·√(0.363·0.637/3) ≈ 0.907): none is named
    assert "各机关的不掌握的比例都在总体比率的95%控制限之内" in sentence
    assert "不少于30件" not in sentence


def test_review_litigation_figures_are_the_analysis_frames_and_the_seeds(full, corpus) -> None:
    _, document = full
    table = _figure(document, "引发行政复议、行政诉讼的比率")["tables"][0]
    miyun = _row(table, "密云区")
    assert miyun[1:3] == ["572", "15"] and miyun[4] == "20"
    assert miyun[3].startswith(f"{15 / 572 * 100:.1f}（")
    assert miyun[5].startswith(f"{20 / 572 * 100:.1f}（")
    values, reports = analysis.select(corpus.values, corpus.reports)
    frame = analysis.review_litigation_rates(values, reports, by="agency")
    for agency, part in frame.groupby("agency_short"):
        rv = part.set_index("measure").loc["review"]
        lt = part.set_index("measure").loc["litigation"]
        row = _row(table, agency)
        assert row[1] == f"{rv.new_requests:,.0f}" and row[2] == f"{rv.cases:,.0f}"
        assert row[3].startswith(f"{rv.rate_per_100:.1f}（{rv.ci_low:.1f}–{rv.ci_high:.1f}")
        assert row[4] == f"{lt.cases:,.0f}"
    new = _seed_total("new_requests")
    reviews = sum(s["review_litigation"].get("review", [0] * 5)[-1] for s in SEEDS.values())
    assert _row(table, "全部机关")[1:3] == [f"{new:.0f}", f"{reviews:.0f}"]


def test_correction_and_composition_figures_are_the_seeds(full) -> None:
    _, document = full
    correction = _figure(document, "被纠正的比例")["tables"][0]
    miyun = _row(correction, "密云区")
    assert miyun[1] == "4/12"  # review: corrected 4 of 6 + 4 + 2 decided
    assert miyun[2].startswith(_pct(4 / 12))
    assert miyun[3] == f"{3 + 1}/{6 + 3 + 1 + 6 + 1 + 0}"  # litigation, direct + after review
    composition = _figure(document, "各机关办理结果构成")["tables"][0]
    header = composition[0]
    miyun = dict(zip(header, _row(composition, "密云区"), strict=True))
    assert miyun["办理总数"] == "588" and miyun["予以公开"] == _pct(167 / 588)
    assert miyun["部分公开"] == _pct(101 / 588)
    assert miyun["无法提供"] == _pct((216 + 10 + 3) / 588)


def test_group_tables_add_up_to_the_seeds(full) -> None:
    _, document = full
    groups = _figure(document, "办理结果（六类）")["tables"][0]
    processed = _seed_total("total_processed")
    assert _row(groups, "办理结果总计")[1] == f"{processed:.0f}"
    granted = _seed_total("granted")
    assert _row(groups, "予以公开")[1:4] == [f"{granted:.0f}", f"{processed:.0f}",
                                         _pct(granted / processed)]


def test_trends_compare_the_same_bodies(corpus, tmp_path) -> None:
    """密云区's 2021 report also filed as its 2019 report (a two-year pair): the trend is
    密云区 alone in both years (167 of 588 granted), not 漷县镇 (2019) against the others."""
    miyun = corpus.reports[corpus.reports["agency_short"] == "密云区"]
    copy = miyun.assign(report_id="miyun2019", year=2019)
    pair = Corpus(pd.concat([corpus.values, corpus.values[corpus.values["report_id"].isin(
        miyun["report_id"])].assign(report_id="miyun2019")], ignore_index=True),
        pd.concat([corpus.reports, copy], ignore_index=True), corpus.checks)
    result = brief.build(pair, tmp_path / "pair.docx", date=DATE, svg=False,
                         charts=["outcome_trends"])
    assert result.charts == ["outcome_trends"]
    document = docx.Document(str(result.path))
    trends = _figure(document, "办理结果构成的年度变化")["tables"][0]
    for year in ("2019", "2021"):
        assert _row(trends, year)[1:4] == ["1", "588", _pct(167 / 588)]


def test_data_quality_lists_the_blank_cells(full) -> None:
    _, document = full
    chapter = _chapter(document, "数据质量")
    text = "".join(chapter["text"])
    assert "所选范围共5个文件：完整读取5个" in text
    assert "所有报告均通过了自身的算术校验" in text
    blanks = chapter["tables"][-1]
    huoxian = _row(blanks, "漷县镇（2019年）")
    assert "上年结转政府信息公开申请数量·自然人" in huoxian[2]  # the blank 自然人 cell


# --- Selection ------------------------------------------------------------------------------


def test_selection_by_agency_year_and_chart(corpus, tmp_path) -> None:
    out = tmp_path / "miyun.docx"
    result = brief.build(corpus, out, agencies=["密云区"], years=[2021], date=DATE,
                         charts=["not_held_share", "review_litigation_rates"], svg=False)
    document = docx.Document(str(out))
    assert result.charts == ["not_held_share", "review_litigation_rates"]
    assert len(document.inline_shapes) == 2
    title = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert title["机关"] == "1个：密云区" and title["年度"] == "2021年"
    assert title["选择"] == "机关：密云区；年度：2021"
    chapter = _figure(document, "本机关不掌握相关政府信息")
    assert [r[0] for r in chapter["tables"][0][1:]] == ["密云区"]  # no "all" row for one
    assert chapter["text"][0] == (f"在1份报告中，本机关不掌握相关政府信息占全部办理结果的"
                                  f"{_pct(216 / 588)}（216/588）。")
    rates = _figure(document, "引发行政复议")["text"][0]
    assert rates.startswith("1份报告共新收申请572件，引发行政复议15件、行政诉讼20件")


def test_one_year_leaves_out_the_trend_charts_and_says_so(corpus, tmp_path) -> None:
    result = brief.build(corpus, tmp_path / "y2019.docx", years=2019, date=DATE, svg=False,
                         charts=["outcome_group_frequencies", "outcome_trends"])
    assert result.charts == ["outcome_group_frequencies"]
    assert set(result.skipped) == {"outcome_trends"}
    document = docx.Document(str(result.path))
    title = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert title["机关"] == "1个：漷县镇"
    assert "只有一个年度" in title["图表"]


def test_a_selection_with_no_report_or_an_unknown_chart_is_refused(corpus, tmp_path) -> None:
    with pytest.raises(brief.BriefError, match="no readable report of an agency named"):
        brief.build(corpus, tmp_path / "x.docx", agencies=["不存在区"])
    with pytest.raises(brief.BriefError, match="did you mean 密云区"):
        brief.build(corpus, tmp_path / "x.docx", agencies=["密云"])
    with pytest.raises(brief.BriefError, match="unknown chart"):
        brief.build(corpus, tmp_path / "x.docx", charts=["pie"])
    assert not (tmp_path / "x.docx").exists()


def test_config_section_inherits_the_run_parameters() -> None:
    merged = brief.settings({"parameters": {"years": [2021], "lang": "en"},
                             "brief": {"charts": ["not_held_share"], "fonts": {
                                 "east_asia": "Microsoft YaHei"}}})
    assert merged["years"] == [2021] and merged["lang"] == "en"
    assert merged["charts"] == ["not_held_share"]
    assert merged["fonts"]["east_asia"] == "Microsoft YaHei"
    assert merged["fonts"]["heading_east_asia"] == "SimHei"
    assert brief.settings({"brief": False})["enabled"] is False
    with pytest.raises(brief.BriefError, match="unknown key"):
        brief.settings({"brief": {"chart": ["not_held_share"]}})
    with pytest.raises(brief.BriefError, match="unknown chart"):
        brief.settings({"brief": {"charts": ["pie"]}})


def test_english(corpus, tmp_path) -> None:
    result = brief.build(corpus, tmp_path / "en.docx", lang="en", date=DATE, svg=False,
                         charts=["not_held_share"])
    document = docx.Document(str(result.path))
    chapter = _figure(document, "information not held")
    assert chapter["text"][0].startswith("In 5\u00a0reports, 'information not held by this "
                                         "agency' makes up")
    assert _row(chapter["tables"][0], "All agencies")[0] == "All agencies"


# --- Bad reports: the data-quality chapter -------------------------------------------------------


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    """The seeds with 密云区's 214 (not held, 自然人) changed to 215, 南郊镇 cut before part
    四, a notice that is not a report, and a report head without tables."""
    raw = tmp_path_factory.mktemp("dirty")
    for path in SEED_FILES:
        text = path.read_text(encoding="utf-8")
        if path.name.startswith("002"):
            at = text.index("\t214\n", text.index("1.本机关不掌握相关政府信息"))
            text = text[:at] + "\t215\n" + text[at + 5:]
        if path.name.startswith("003"):
            text = text[: text.index("四、政府信息公开行政复议")]
        (raw / path.name).write_text(text, encoding="utf-8")
    (raw / "notice.txt").write_text("关于做好2021年春节期间安全生产工作的通知\n各单位：\n"
                                    "请认真做好节日期间安全生产工作。\n", encoding="utf-8")
    miyun = SEED_FILES[2].read_text(encoding="utf-8")
    (raw / "head.txt").write_text(miyun[: miyun.index("主动公开政府信息情况\n")],
                                  encoding="utf-8")
    return reportkit.ingest([raw], progress=False)


def test_quality_lists_unread_files_and_failed_arithmetic(dirty, tmp_path) -> None:
    result = brief.build(dirty, tmp_path / "dirty.docx", charts=["review_litigation_rates"],
                         date=DATE, svg=False)
    document = docx.Document(str(result.path))
    chapter = _chapter(document, "数据质量")
    unread, failed = chapter["tables"][0], chapter["tables"][1]
    assert {r[0]: r[2] for r in unread[1:]} == {
        "003_795117ff85927c6d.txt": "部分读取", "head.txt": "无法读取",
        "notice.txt": "不是年度报告"}
    assert _row(unread, "003_795117ff85927c6d.txt")[3] == (
        "未找到第四部分（行政复议、行政诉讼情况），其中的数字缺失。")
    assert _row(unread, "notice.txt")[3] == "不是政府信息公开工作年度报告（文件中没有报告的表格）。"
    # 7 files: four seeds intact, 南郊镇 cut (partial), head.txt (failed), the notice
    title = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert title["报告"] == ("5份可分析的报告（共读取7个文件，其中3个未计入或只部分计入，"
                            "见“数据质量”）")
    assert _findings(document)[-1] == ("所选的7个文件中，4份报告完整读取，1份只部分读取，"
                                       "1个无法读取，1个不是年度报告或为重复文件。")
    checks = {(r[1], r[2]): r[3:] for r in failed[1:]}
    assert checks[("总计列 = 六类申请人之和", "申请情况·无法提供·本机关不掌握相关政府信息")] == [
        "216", "217", "-1"]  # 总计 216 against 215 + 2
    assert all(r[0] == "密云区（2021年）" for r in failed[1:])
    # 南郊镇 lost part 四: left out of the rates, and the chart's note says why
    rates = _figure(document, "引发行政复议")
    assert _row(rates["tables"][0], "南郊镇")[1:] == ["–"] * 5
    assert _row(rates["tables"][0], "密云区")[0] == "密云区 †"
    assert any("有1份报告因所需单元格空白（或所在表格未读到）" in t for t in rates["text"])


def test_quality_is_limited_to_the_selection(dirty, tmp_path) -> None:
    """密云区 alone: its report (failing one identity) and head.txt (密云区's head without
    tables) are listed; 南郊镇's cut report and the notice (no agency) are not."""
    result = brief.build(dirty, tmp_path / "miyun.docx", agencies=["密云区"], date=DATE,
                         svg=False, dpi=72, charts=["not_held_share"])
    document = docx.Document(str(result.path))
    miyun = dirty.reports[dirty.reports["agency_short"] == "密云区"]
    files = sorted(Path(p).name for p in miyun["source_path"])
    assert "003_795117ff85927c6d.txt" not in files and "notice.txt" not in files
    chapter = _chapter(document, "数据质量")
    text = "".join(chapter["text"])
    assert f"所选范围共{len(files)}个文件" in text
    listed = {c for table in chapter["tables"] for row in table[1:] for c in row[:2]}
    assert "notice.txt" not in listed and "003_795117ff85927c6d.txt" not in listed
    assert not any("南郊镇" in c for c in listed)
    unread = chapter["tables"][0]
    assert {r[0] for r in unread[1:]} <= set(files) and len(unread) >= 2
    # the file without an agency may not belong to 密云区: counted, not listed
    assert "另有1个文件无法识别机关或年度" in text
    listing = _chapter(document, "所依据的报告")["tables"][0]
    assert sorted(r[2] for r in listing[1:]) == files
    assert {r[0] for r in listing[1:]} == {"密云区"}


def test_a_level_selection_lists_only_its_reports(corpus, tmp_path) -> None:
    """Townships (镇) only: 密云区, a county-level district, is in neither the list nor the
    data-quality count."""
    result = brief.build(corpus, tmp_path / "towns.docx", level="township", date=DATE,
                         svg=False, dpi=72, charts=["not_held_share"])
    document = docx.Document(str(result.path))
    title = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert title["选择"] == "机关：全部；年度：全部；层级：乡镇级"
    towns = sorted(n for n, s in SEEDS.items() if s["agency_short"].endswith("镇"))
    listing = _chapter(document, "所依据的报告")["tables"][0]
    assert sorted(r[2] for r in listing[1:]) == towns
    assert f"所选范围共{len(towns)}个文件：完整读取{len(towns)}个。" in _chapter(
        document, "数据质量")["text"]


def test_english_data_quality_has_no_chinese_but_names(dirty, tmp_path) -> None:
    result = brief.build(dirty, tmp_path / "en.docx", lang="en", date=DATE, svg=False, dpi=72,
                         charts=["review_litigation_rates"])
    document = docx.Document(str(result.path))
    cjk = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
    for heading in ("Data quality", "Source reports"):
        chapter = _chapter(document, heading)
        for text in chapter["text"]:
            assert not cjk.search(text), text
        assert chapter["tables"]
        for table in chapter["tables"]:
            names = {i for i, h in enumerate(table[0]) if h in ("File", "Report", "Agency")}
            assert not cjk.search("".join(table[0]))
            for row in table[1:]:
                for i, cell in enumerate(row):
                    assert i in names or not cjk.search(cell), (table[0][i], cell)
    unread = _chapter(document, "Data quality")["tables"][0]
    assert _row(unread, "003_795117ff85927c6d.txt")[2:] == [
        "partly read", "Part 4\u00a0(administrative review and litigation) not found: its figures "
        "are missing."]
    assert _row(unread, "notice.txt")[2] == "not a report"


def test_skipped_files_are_not_reports(corpus, tmp_path) -> None:
    """A ``skipped`` file (an image lying in the input folder) is neither a file not fully
    read nor a source report: one line says it was skipped."""
    image = pd.DataFrame([{**{c: None for c in corpus.reports.columns},
                           "report_id": "picture", "source_path": "data/raw/scan.png",
                           "status": "skipped", "agency": "", "agency_short": "",
                           "error": "an image, not a report"}])
    with_image = Corpus(corpus.values, pd.concat([corpus.reports, image], ignore_index=True),
                        corpus.checks)
    result = brief.build(with_image, tmp_path / "skip.docx", date=DATE, svg=False, dpi=72,
                         charts=["not_held_share"])
    document = docx.Document(str(result.path))
    title = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert title["报告"] == "5份可分析的报告（共读取5个文件）"
    chapter = _chapter(document, "数据质量")
    assert "所选范围共5个文件：完整读取5个。" in chapter["text"]
    assert "另有1个文件不是报告（图片、电子表格、压缩包等），已跳过，未列入。" in chapter["text"]
    assert not any("scan.png" in c for t in chapter["tables"] for r in t for c in r)
    listing = _chapter(document, "所依据的报告")["tables"][0]
    assert "scan.png" not in {r[2] for r in listing}
    assert _findings(document)[-1] == "所选的5份报告全部完整读取。"


def test_a_duplicate_is_named_by_its_twin_and_no_folder_reaches_the_csv(tmp_path) -> None:
    raw = tmp_path / "raw"
    (raw / "copies").mkdir(parents=True)
    seed = SEED_FILES[2]  # 密云区
    (raw / seed.name).write_bytes(seed.read_bytes())
    (raw / "copies" / "again.txt").write_bytes(seed.read_bytes())
    corpus = reportkit.ingest([raw], progress=False)
    result = brief.build(corpus, tmp_path / "out" / "dup.docx", date=DATE, svg=False, dpi=72,
                         charts=["not_held_share"])
    document = docx.Document(str(result.path))
    unread = _chapter(document, "数据质量")["tables"][0]
    [row] = unread[1:]
    twin = {seed.name, "again.txt"} - {row[0]}
    assert row[2:] == ["重复文件", f"与{twin.pop()}内容相同，只计一次。"]
    csv = result.sources.read_text(encoding="utf-8-sig")
    assert str(tmp_path) not in csv and "copies" not in csv
    assert "same content as" in csv  # the reader's own words, its folder cut off


# --- The command line and `reportkit run` --------------------------------------------------------


def test_cli_brief(corpus, tmp_path, capsys) -> None:
    processed = tmp_path / "processed"
    reference.write_corpus(corpus, processed)
    out = tmp_path / "b.docx"
    code = main(["brief", "--processed", str(processed), "--out", str(out),
                 "--charts", "not_held_share,correction_rates", "--agencies", "密云区,西集镇"])
    assert code == 0, capsys.readouterr().err
    assert f"wrote {out}" in capsys.readouterr().out
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 2
    title = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert title["机关"] == "2个：密云区、西集镇"
    assert main(["brief", "--processed", str(processed), "--out", str(out),
                 "--charts", "pie"]) == 2
    assert "unknown chart" in capsys.readouterr().err


def test_run_writes_the_briefing_last(tmp_path, raw_dir, capsys) -> None:
    config = {"inputs": {"raw": str(raw_dir), "processed": str(tmp_path / "processed")},
              "outputs": {"notebooks": str(tmp_path / "nb"), "figures": str(tmp_path / "f")},
              "notebooks": [],
              "brief": {"charts": ["outcome_group_frequencies"], "date": DATE, "svg": False}}
    path = tmp_path / "config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert pipeline.run(str(path)) == 0
    out = tmp_path / "outputs" / "briefing.docx"
    assert f"briefing:  {out}" in capsys.readouterr().out
    assert len(docx.Document(str(out)).inline_shapes) == 1
    config["brief"] = {"enabled": False}
    config["ingest"] = False
    out.unlink()
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert pipeline.run(str(path)) == 0
    assert not out.exists()


# --- Rendering with LibreOffice -----------------------------------------------------------------


def test_libreoffice_renders_it_to_pdf(full, tmp_path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("soffice (LibreOffice) is not on PATH, so the PDF rendering check cannot "
                    "run here; install libreoffice-writer-nogui to run it")
    import pdfplumber

    result, _ = full
    profile = tmp_path / "profile"
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(result.path)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "briefing.pdf"
    assert pdf.is_file(), done.stderr
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) >= 1 + len(result.charts)
        text = "".join(page.extract_text() or "" for page in document.pages)
        images = sum(len(page.images) for page in document.pages)
    assert images >= len(result.charts)
    compact = text.replace(" ", "").replace("\n", "")
    for words in ("政府信息公开工作年度报告数据简报", "本机关不掌握相关政府信息", "密云区",
                  "图1", "表1", "数据质量", "36.7%"):
        assert words in compact, words
    assert "\ufffd" not in text
