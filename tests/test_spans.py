"""A figure spanning the columns of a spanned header lands in that header's column, in
every format with spans (HTML, .docx, PDF): one rule in :mod:`reportkit.readers.grid`.

The tables are written here by hand (:func:`formats.spec_layout`) into the 2019 seed 漷县镇
in place of its part 二; the figures asserted are the ones written into the document.
"""

from __future__ import annotations

import math

import pytest
from formats import RAW, Layout, seed_document, spec_layout, to_docx, to_html, to_pdf

from reportkit.extract.document import Document, Table
from reportkit.extract.parse import Report, parse_bytes
from reportkit.extract.readers.grid import Slot, flatten
from reportkit.extract.tables import content_part

SEED = RAW / "001_d11106ab72934bbf.txt"

# Part 二 of a 2019 report on a 5-column grid: 本年新公开数量 spans two grid columns (the
# items below 第二十条第（五）项 split them), and so does each figure under it.
PROACTIVE_2019 = [
    [("第二十条第（一）项", 5)],
    ["信息内容", "本年新制作数量", ("本年新公开数量", 2), "对外公开总数量"],
    ["规章", "3", ("5", 2), "41"],
    ["规范性文件", "2", ("7", 2), "19"],
    [("第二十条第（五）项", 5)],
    [("信息内容", 2), "上一年项目数量", "本年增/减", "处理决定数量"],
    [("行政许可", 2), "12", "1", "340"],
    [("其他对外管理服务事项", 2), "6", "0", "25"],
    [("第二十条第（六）项", 5)],
    [("信息内容", 2), "上一年项目数量", "本年增/减", "处理决定数量"],
    [("行政处罚", 2), "8", "-2", "117"],
    [("行政强制", 2), "4", "0", "9"],
    [("第二十条第（八）项", 5)],
    [("信息内容", 2), "上一年项目数量", ("本年增/减", 2)],
    [("行政事业性收费", 2), "3", ("0", 2)],
    [("第二十条第（九）项", 5)],
    [("信息内容", 2), "采购项目数量", ("采购总金额", 2)],
    [("政府集中采购", 2), "15", ("", 2)],
]

WRITTEN = {  # what the table above prints, row by row (NaN: printed blank)
    "regulations": [3, 5, 41], "normative_documents": [2, 7, 19],
    "administrative_licensing": [12, 1, 340], "other_external_services": [6, 0, 25],
    "administrative_penalty": [8, -2, 117], "administrative_coercion": [4, 0, 9],
    "administrative_fees": [3, 0], "centralized_procurement": [15, math.nan],
}


def _with_part_two(layout: Layout) -> Document:
    doc = seed_document(SEED)
    blocks = [layout if isinstance(b, Table) and content_part(b) == "proactive" else b
              for b in doc.blocks]
    assert sum(1 for b in blocks if b is layout) == 1
    return Document(blocks)  # type: ignore[arg-type]


RENDER = {"html": to_html, "docx": to_docx, "pdf": to_pdf}


@pytest.fixture(scope="module")
def spanned() -> dict[str, Report]:
    doc = _with_part_two(spec_layout(PROACTIVE_2019))
    return {form: parse_bytes(render(doc), f"span.{form}") for form, render in RENDER.items()}


@pytest.mark.parametrize("form", sorted(RENDER))
def test_spanned_figure_lands_in_its_headers_column(form: str, spanned) -> None:
    report = spanned[form]
    assert report.template == "2019"
    assert report.status == "ok", report.error
    frame = report.values_frame
    for row, figures in WRITTEN.items():
        got = frame[(frame.table == "proactive") & (frame.row == row)].value.tolist()
        assert len(got) == len(figures), row
        for g, w in zip(got, figures, strict=True):
            assert (math.isnan(g) and math.isnan(w)) or g == w, (form, row, got, figures)


def test_spanned_value_under_a_wider_header_is_not_collapsed() -> None:
    # 申请人情况 spans three columns; a figure spanning two of them is not under a header
    # of its own width: it keeps its first position, the second stays blank.
    head = Slot("申请人情况", "h")
    grid = [[Slot("x", "a"), head, Slot("申请人情况", "h", False),
             Slot("申请人情况", "h", False)],
            [Slot("行", "b"), Slot("4", "v"), Slot("4", "v", False), Slot("5", "w")],
            [Slot("项", "c"), Slot("1", "p"), Slot("2", "q"), Slot("3", "r")]]
    assert flatten(grid)[1] == ["行", "4", "", "5"]


def test_spanned_value_under_its_header_collapses() -> None:
    grid = [[Slot("x", "a"), Slot("本年新公开数量", "h"), Slot("本年新公开数量", "h", False),
             Slot("对外公开总数量", "t")],
            [Slot("规章", "b"), Slot("5", "v"), Slot("5", "v", False), Slot("41", "w")],
            [Slot("项", "c"), Slot("1", "p"), Slot("2", "q"), Slot("3", "r")]]
    rows = flatten(grid)
    assert rows[1] == ["规章", "5", "41"]
    assert rows[2] == ["项", "1", "2", "3"]
