"""Unit tests of the readers' building blocks: spans, cells, encodings, sniffing."""

from __future__ import annotations

import io

import pytest
from formats import SEEDS

from reportkit.extract.decode import decode
from reportkit.extract.errors import ReportError
from reportkit.extract.read import read_document
from reportkit.extract.readers.docx import read_docx
from reportkit.extract.readers.grid import Slot, SpanCell, flatten, place
from reportkit.extract.readers.html import declared_charset, read_html
from reportkit.extract.sniff import sniff

SEED_TEXT = SEEDS[2].read_text(encoding="utf-8")


def test_spanned_label_repeats_and_spanned_number_counts_once() -> None:
    rows = [[SpanCell("（三）不予公开", rowspan=2), SpanCell("1.属于国家秘密"),
             SpanCell("5", colspan=2)],
            [SpanCell("2.其他法律行政法规禁止公开"), SpanCell("7"), SpanCell("")]]
    assert place(rows) == [["（三）不予公开", "1.属于国家秘密", "5", ""],
                           ["（三）不予公开", "2.其他法律行政法规禁止公开", "7", ""]]


def test_rowspan_number_is_blank_below() -> None:
    rows = [[SpanCell("行政许可"), SpanCell("12", rowspan=2)], [SpanCell("行政处罚")]]
    assert place(rows) == [["行政许可", "12"], ["行政处罚", ""]]


def test_phantom_grid_column_is_dropped() -> None:
    # header "总计" is two grid columns wide only because a row above split differently
    grid = [[Slot("行政复议", "a"), Slot("行政复议", "a", False), Slot("行政诉讼", "b")],
            [Slot("尚未审结", "c"), Slot("总计", "d"), Slot("总计", "d", False)],
            [Slot("3", "e"), Slot("15", "f"), Slot("15", "f", False)]]
    assert flatten(grid) == [["行政复议", "行政复议"], ["尚未审结", "总计"], ["3", "15"]]


def test_hostile_span_is_clipped() -> None:
    rows = place([[SpanCell("x", rowspan=10**6, colspan=10**6)], [SpanCell("1")]])
    # 64 columns at most; the label spans them all in both rows, so they are one column
    assert rows == [["x"], ["x", "1"]]


def test_html_cells_breaks_and_nbsp() -> None:
    page = ("<html><body><table><tr><td>商业<br>企业</td><td><p>社会公益</p><p>组织</p></td>"
            "<td>&nbsp;</td><td> 1,204 </td></tr></table></body></html>").encode()
    doc = read_html(page)
    assert doc.blocks[0].rows == [["商业\n企业", "社会公益\n组织", "", "1,204"]]


def test_html_declared_charset() -> None:
    head = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    assert declared_charset(head) == "gb2312"
    assert declared_charset(b'<html><head><meta charset="GBK"></head>') == "GBK"
    page = head + "<body><p>漷县镇 亓</p></body></html>".encode("gb18030")
    doc = read_html(page)
    assert doc.encoding == "gb18030" and doc.paragraphs() == ["漷县镇 亓"]


@pytest.mark.parametrize(("codec", "name"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"),
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_decode_detects(codec: str, name: str) -> None:
    assert decode(SEED_TEXT.encode(codec)) == (SEED_TEXT, name)


def test_decode_refuses_noise() -> None:
    import random

    with pytest.raises(ReportError, match="not text"):
        decode(random.Random(1).randbytes(5000))


def test_sniff_by_content() -> None:
    assert sniff(b"") == "empty"
    assert sniff(SEED_TEXT.encode("gb18030")) == "text"
    assert sniff(b"\n  <!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert sniff(b"<table><tr><td>1</td></tr></table>") == "html"
    assert sniff(b"%PDF-1.4 ...") == "pdf"
    assert sniff(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100) == "doc"
    assert sniff(b"{\\rtf1 hello}") == "rtf"
    assert sniff("<2019年> 报告".encode()) == "text"


def test_docx_merged_number_counted_once() -> None:
    import docx

    word = docx.Document()
    table = word.add_table(rows=3, cols=3)
    for r, label in enumerate(["行政许可", "行政处罚", "行政强制"]):
        table.cell(r, 0).text = label
    table.cell(0, 1).text = "12"
    table.cell(0, 1).merge(table.cell(1, 1))  # vMerge: the 12 must not repeat
    table.cell(2, 1).text = "3"
    table.cell(2, 1).merge(table.cell(2, 2))  # gridSpan
    table.cell(0, 2).text = "组"
    table.cell(0, 2).merge(table.cell(1, 2))  # a merged label repeats
    buf = io.BytesIO()
    word.save(buf)
    doc = read_docx(buf.getvalue())
    assert doc.blocks[-1].rows == [["行政许可", "12", "组"], ["行政处罚", "", "组"],
                                   ["行政强制", "3", ""]]


def test_read_document_notes_a_misnamed_file() -> None:
    doc = read_document(SEED_TEXT.encode("utf-8"), "report.pdf")
    assert doc.source_format == "text"
    assert any("named .pdf" in n for n in doc.notes)
