"""Converted text (PDF → markdown, OCR extractions), crawler dumps and metadata, on real
reports whose figures a person read off the documents (../shared/real/truth.json)."""

from __future__ import annotations

import itertools
import json
import math
from itertools import combinations
from pathlib import Path

import pytest

import reportkit
from reportkit.extract import metadata
from reportkit.extract.checks import YearEntry, check_across_years
from reportkit.extract.parse import parse_bytes

REAL = Path(__file__).parents[2] / "shared" / "real"
TRUTH = REAL / "truth.json"
needs_real = pytest.mark.skipif(not TRUTH.is_file(), reason=f"{REAL} is absent")
CONVERTED = ["shanghai_szfbgt_2025_pdfextract.md", "shuyang_xzf_2025_extracted.txt"]
DUMPS = ["pingtan_2021_page.txt", "pingtan_2022_page.txt"]
# the name as each report prints it (the OCR spells 沭阳 as 沐阳)
AGENCIES = {"huaian_szf_2024.pdf": "淮安市人民政府", "hzq2024_working.pdf": "淮安市洪泽区人民政府",
            "pingtan_2021_page.txt": "平潭综合实验区", "pingtan_2022_page.txt": "平潭综合实验区",
            "pingtan_2023_page.html": "平潭综合实验区",
            "shanghai_szfbgt_2025_pdfextract.md": "上海市人民政府办公厅",
            "shuyang_xzf_2025_extracted.txt": "沐阳县人民政府"}
MIYUN = Path(__file__).parents[1] / "data" / "raw" / "002_556f46a9c5195498.txt"
YEARS = {"pingtan_2021_page.txt": 2021, "pingtan_2022_page.txt": 2022}


def _truth() -> dict:
    return json.loads(TRUTH.read_text(encoding="utf-8"))


@needs_real
@pytest.mark.parametrize("name", CONVERTED)
def test_converted_text_every_cell_exact(name: str) -> None:
    want = _truth()[name]
    report = reportkit.parse(REAL / name)
    got = {f"{v.table}/{v.row}/{v.column}": v.value for v in report.values}
    for key, value in want["values"].items():
        if value == "?":
            continue
        assert key in got, key
        if value is None:
            assert math.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(value), key
    assert report.status == "ok", report.error
    assert report.source_format == "markdown"
    meta = want["meta"]
    assert (report.agency, report.year, report.template) == (
        meta["agency"], meta["year"], meta["template"])


@needs_real
@pytest.mark.parametrize("name", sorted(AGENCIES))
def test_clean_metadata_for_every_real_file(name: str) -> None:
    report = reportkit.parse(REAL / name)
    assert report.agency == AGENCIES[name]
    meta = _truth().get(name, {}).get("meta", {})
    assert report.year == meta.get("year", YEARS.get(name))
    if meta:
        assert report.template == meta["template"]


#: Figures the dumps' own prose states (read by a person): 2021 "共收到70件申请，及时依法依规
#: 办结69件，1件结转下年度继续办理"; 2022 "收到政府信息公开申请75件，涉及自然人72件、商业企业
#: 3件 … 办结率100%" (received = new + carried over).
PROSE = {
    "pingtan_2021_page.txt": {("new_requests", "total"): 70, ("total_processed", "total"): 69,
                              ("carried_forward", "total"): 1},
    "pingtan_2022_page.txt": {("total_processed", "natural_person"): 72,
                              ("total_processed", "commercial_enterprise"): 3,
                              ("total_processed", "total"): 75,
                              ("carried_forward", "total"): 0},
}


def _all_splits(run: str, width: int) -> list[tuple[int, ...]]:
    """Every split of a digit run into ``width`` cells (no leading zeros, a space ends a
    cell) whose last is the sum of the others: cut positions enumerated outright."""
    digits = run.replace(" ", "")
    forced = {i for i, n in enumerate(_space_cuts(run)) if n}
    out = []
    for cuts in combinations(range(1, len(digits)), width - 1):
        if not forced <= set(cuts):
            continue
        bounds = (0, *cuts, len(digits))
        cells = [digits[a:b] for a, b in itertools.pairwise(bounds)]
        if any(len(c) > 1 and c[0] == "0" for c in cells):
            continue
        values = tuple(int(c) for c in cells)
        if values[-1] == sum(values[:-1]):
            out.append(values)
    return out


def _space_cuts(run: str) -> list[bool]:
    """For each digit position, whether a space precedes it (a forced cut)."""
    flags, space = [], False
    for ch in run.strip():
        if ch == " ":
            space = True
            continue
        flags.append(space)
        space = False
    return flags


@needs_real
@pytest.mark.parametrize("name", DUMPS)
def test_cells_run_together_read_only_the_one_reading(name: str) -> None:
    """Part 三 is read only because exactly one split of its rows satisfies the identities
    (checked here by brute force, independently of the parser); it agrees with the figures
    the prose states; parts 二 and 四 are not read; the report is partial and says why."""
    from reportkit import schema
    from reportkit.extract.runtogether import row_runs

    report = reportkit.parse(REAL / name)
    assert report.status == "partial"
    assert "run together" in report.error
    assert "HTML" in report.error and "PDF" in report.error
    assert {(v.table, v.match) for v in report.values} == {("requests", "repaired")}
    got = {(v.row, v.column): v.value for v in report.values}
    for key, want in PROSE[name].items():
        assert got[key] == want, key
    rows = schema.rows_for(report.template, "requests")
    assert {r.key for r in rows} == {k[0] for k in got}
    runs = row_runs((REAL / name).read_text(encoding="utf-8"), rows)
    options = {k: _all_splits(run, 7) for k, run in runs.items()}
    outcome = [r.key for r in rows if r.group]
    readings = []
    for pick in itertools.product(*options.values()):
        f = dict(zip(options, pick, strict=True))
        if all(f["total_processed"][c] == sum(f[k][c] for k in outcome)
               and f["new_requests"][c] + f["carried_over"][c]
               == f["total_processed"][c] + f["carried_forward"][c] for c in range(7)):
            readings.append(f)
    assert len(readings) == 1
    columns = schema.REQUEST_COLUMNS
    assert got == {(k, c): float(v) for k, fig in readings[0].items()
                   for c, v in zip(columns, fig, strict=True)}


@needs_real
@pytest.mark.parametrize("old,new", [("（七）总计630020469", "（七）总计630020479"),
                                     ("1.属于国家秘密", "1.国家秘密")])
def test_run_together_without_exactly_one_reading_reads_nothing(old: str, new: str) -> None:
    """A total the rows do not add up to (no reading), or a label printed otherwise (the
    rows cannot be told apart): nothing is read, and the error says why."""
    text = (REAL / "pingtan_2021_page.txt").read_text(encoding="utf-8")
    assert text.count(old) == 1
    report = parse_bytes(text.replace(old, new).encode("utf-8"), "dump.txt")
    assert report.status == "failed" and report.values == []
    assert "run together" in report.error


# --- markdown variants made on the fly -------------------------------------------------------

_HEAD = ("# 某某县人民政府2024年政府信息公开工作年度报告\n\n"
         "## 三、收到和处理政府信息公开申请情况\n\n")
_COLS = ("| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n"
         "|---|---|---|---|---|---|---|---|\n")


def _requests_md(split_at: int, marker: str) -> str:
    from reportkit import schema
    lines = []
    for i, row in enumerate(r for r in schema.rows_for("2021", "requests")):
        figures = [i + 1, 0, 0, 0, 0, 0, i + 1]
        lines.append(f"| {row.label} | " + " | ".join(map(str, figures)) + " |")
    body = (_COLS + "\n".join(lines[:split_at])
            + f"\n{marker}\n## 表三：收到和处理政府信息公开申请情况\n")
    body += _COLS + "\n".join(lines[split_at:]) + "\n"
    return _HEAD + body


@pytest.mark.parametrize("marker", ["— 5 —", "<!-- page 6 -->", "第 3 页"])
def test_table_split_across_page_markers(marker: str) -> None:
    from reportkit import schema
    rows = schema.rows_for("2021", "requests")
    report = parse_bytes(_requests_md(9, marker).encode())
    got = {(v.row, v.column): v.value for v in report.values if v.table == "requests"}
    for i, row in enumerate(rows):  # the figures as written above: row i holds i + 1
        assert got[(row.key, "natural_person")] == i + 1
        assert got[(row.key, "total")] == i + 1
        assert got[(row.key, "commercial_enterprise")] == 0


def test_detached_header_rows_and_labels_above_their_rows() -> None:
    text = (_HEAD + _COLS
            + "| 一、本年新收政府信息公开申请数量 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |\n"
            + "| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 部分公开 | 不予公开 | 结转 "
              "| 总计 |\n"
            + "|---|---|---|---|---|---|---|---|\n"
            + "| （七）总计 | 4 | 1 | 0 | 0 | 0 | 0 | 5 |\n"
            + "\n（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）\n"
            + "| 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n|---|---|---|---|---|---|---|\n")
    report = parse_bytes(text.encode())
    got = {(v.row, v.column): v.value for v in report.values if v.table == "requests"}
    assert got[("new_requests", "natural_person")] == 5
    assert got[("total_processed", "natural_person")] == 4  # not taken from the stray header
    assert got[("total_processed", "total")] == 5
    assert got[("partially_granted", "natural_person")] == 2
    assert got[("partially_granted", "total")] == 2


def test_detached_figures_without_a_naming_note_stay_blank() -> None:
    text = ("# 某某县人民政府2024年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n"
            "第二十条第（一）项\n22\n55\n"
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
            "| 规章 | 22 | 235 |\n|---|---|---|\n| 行政规范性文件 | 34 | 189 |\n")
    report = parse_bytes(text.encode())
    got = {(v.row, v.column): v.value for v in report.values if v.table == "proactive"}
    assert all(math.isnan(got[("regulations", c)]) for c in ("issued", "repealed", "in_force"))
    assert report.status == "partial"
    assert "could not be placed" in report.error


# --- metadata ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("printed", "name"), [
    ("标题:平潭综合实验区", "平潭综合实验区"), ("#沐阳县人民政府", "沐阳县人民政府"),
    ("正文2024年上海市科委", "上海市科委"), ("2019年上海市人民政府办公厅", "上海市人民政府办公厅"),
    ("- 名称：北京市西城区人民政府", "北京市西城区人民政府")])
def test_prefixes_stripped_from_the_name(printed: str, name: str) -> None:
    assert metadata.clean_agency(printed) == name


def test_agency_id_pairs_years_across_name_prefixes() -> None:
    earlier = YearEntry("a", metadata.agency_id("洪泽区人民政府"), 2023,
                        {("requests", "carried_forward", "total"): 7.0})
    later = YearEntry("b", metadata.agency_id("淮安市洪泽区人民政府"), 2024,
                      {("requests", "carried_over", "total"): 7.0})
    results = [r for r in check_across_years([earlier, later]) if "total" in r.subject]
    assert len(results) == 1 and results[0].passed is True
    assert metadata.agency_id("南京市鼓楼区人民政府") == metadata.agency_id("鼓楼区人民政府")
    assert metadata.agency_id("北京市大兴区亦庄镇人民政府") != metadata.agency_id("亦庄镇人民政府")


def test_agency_id_pairs_years_in_an_ingest(tmp_path: Path) -> None:
    text = MIYUN.read_text(encoding="utf-8")  # the 密云区 seed, titled two ways
    assert "北京市密云区人民政府" in text
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("2021", "2022").replace(
        "北京市密云区人民政府", "密云区人民政府"), encoding="utf-8")
    corpus = reportkit.ingest([tmp_path])
    ids = set(corpus.reports["agency_id"])
    assert ids == {"密云区人民政府"}
    assert (corpus.checks["check"] == "carried_across_years").any()


@pytest.mark.parametrize(("agency", "key", "short"), [
    # 乡, 镇 and 旗 inside a unit's name (新乡市, 萍乡市, 红旗区) do not end the unit
    ("河南省新乡市红旗区人民政府", "红旗区人民政府", "红旗区"),
    ("江西省萍乡市安源区人民政府", "安源区人民政府", "安源区"),
    ("内蒙古自治区锡林郭勒盟正蓝旗人民政府", "正蓝旗人民政府", "正蓝旗"),
    ("北京市通州区漷县镇", "通州区漷县镇", "漷县镇"),
    ("镇江市京口区人民政府", "京口区人民政府", "京口区")])
def test_agency_id_and_short_name_of_units_named_with_unit_words(agency: str, key: str,
                                                                 short: str) -> None:
    assert (metadata.agency_id(agency), metadata.short_name(agency)) == (key, short)


@pytest.mark.parametrize(("names", "split"), [
    # one body printed with and without its city or province: one key, nothing split
    (["淮安市洪泽区人民政府", "洪泽区人民政府", "江苏省淮安市洪泽区人民政府"], {}),
    (["山东省济南市东城区三河镇人民政府", "济南市东城区三河镇人民政府"], {}),
    # two cities' 鼓楼区: two bodies; the bare name could be either, so it is neither
    (["南京市鼓楼区人民政府", "福州市鼓楼区人民政府", "鼓楼区人民政府"],
     {"南京市鼓楼区人民政府": "南京市鼓楼区人民政府",
      "福州市鼓楼区人民政府": "福州市鼓楼区人民政府"}),
    # two provinces: the city without its province goes with the province that has it
    (["山东省济南市东城区三河镇人民政府", "江苏省常州市东城区三河镇人民政府",
      "济南市东城区三河镇人民政府"],
     {"山东省济南市东城区三河镇人民政府": "山东省济南市东城区三河镇人民政府",
      "济南市东城区三河镇人民政府": "山东省济南市东城区三河镇人民政府",
      "江苏省常州市东城区三河镇人民政府": "江苏省常州市东城区三河镇人民政府"})])
def test_same_named_bodies_in_different_places_are_split(names: list[str],
                                                         split: dict[str, str]) -> None:
    assert len({metadata.agency_id(n) for n in names}) == 1
    assert metadata.split_bodies(names) == split


def test_same_named_bodies_of_two_cities_are_not_paired_across_years(tmp_path: Path) -> None:
    """南京市鼓楼区 2021 and 福州市鼓楼区 2022 are two bodies: no cross-year check between
    them (the 2021 report's carried-forward figures are not the other's carried-over
    ones), each its own agency_id; 南京市鼓楼区 2022 pairs with 南京市鼓楼区 2021."""
    text = MIYUN.read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text.replace("北京市密云区", "南京市鼓楼区"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("2021", "2022").replace(
        "北京市密云区", "福州市鼓楼区"), encoding="utf-8")
    corpus = reportkit.ingest([tmp_path], progress=False)
    assert sorted(corpus.reports["agency_id"]) == ["南京市鼓楼区人民政府", "福州市鼓楼区人民政府"]
    assert not (corpus.checks["kind"] == "across_years").any()
    (tmp_path / "c.txt").write_text(text.replace("2021", "2022").replace(
        "北京市密云区", "鼓楼区"), encoding="utf-8")  # either city's: paired with neither
    (tmp_path / "d.txt").write_text(text.replace("2021", "2022").replace(
        "北京市密云区", "南京市鼓楼区"), encoding="utf-8")
    corpus = reportkit.ingest([tmp_path], progress=False)
    ids = dict(zip(corpus.reports["source_path"].map(lambda p: Path(p).name),
                   corpus.reports["agency_id"]))
    assert ids == {"a.txt": "南京市鼓楼区人民政府", "b.txt": "福州市鼓楼区人民政府",
                   "c.txt": "鼓楼区人民政府", "d.txt": "南京市鼓楼区人民政府"}
    across = corpus.checks[corpus.checks["kind"] == "across_years"]
    paired = set(across["report_id"])
    d_id = corpus.reports.set_index("agency_id").loc["南京市鼓楼区人民政府"]
    assert paired == {d_id[d_id["year"] == 2022]["report_id"].item()}


@pytest.mark.parametrize(("agency", "level", "kind"), [
    ("北京市大兴区亦庄镇人民政府", "township", "government"),
    ("北京市通州区漷县镇", "township", "government"),
    ("南郊镇", "township", "government"), ("西集镇人民政府", "township", "government"),
    ("北京市密云区人民政府", "county", "government"),
    ("北京市密云区财政局", "county", "department"),
    ("上海市人民政府办公厅", "province", "department"), ("淮安市人民政府", "city", "government"),
    ("沐阳县人民政府", "county", "government")])
def test_level_and_body_kind(agency: str, level: str, kind: str) -> None:
    assert (metadata.level(agency), metadata.body_kind(agency)) == (level, kind)


def test_manifest_overrides_level_and_body_kind(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_bytes(MIYUN.read_bytes())
    (tmp_path / "manifest.csv").write_text(
        "file,agency,level,body_kind\nr.txt,北京市密云区人民政府,city,department\n",
        encoding="utf-8")
    row = reportkit.ingest([tmp_path]).reports.iloc[0]
    assert (row["level"], row["body_kind"]) == ("city", "department")
    assert row["agency_id"] == "密云区人民政府"
