"""Broken, hostile and misnamed inputs: each gets a status and a one-line error, fast."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from formats import SEEDS, scanned_pdf, zip_bytes

from reportkit.extract.parse import parse_bytes
from reportkit.extract.readers import docx as docx_reader
from reportkit.extract.readers.pdf import NO_TEXT_LAYER

SEED_TEXT = SEEDS[2].read_text(encoding="utf-8")  # 密云区
NOISE = random.Random(3).randbytes(40_000)
def _laughs() -> bytes:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", ' <!ENTITY lol0 "lol">']
    for i in range(1, 10):
        ref = f"&lol{i - 1};"
        lines.append(f' <!ENTITY lol{i} "{ref * 10}">')
    lines.append("]>")
    return ("\n".join(lines) + "\n").encode()


LAUGHS = _laughs()


def _one_line(error: str) -> None:
    assert error and "\n" not in error


def check(data: bytes, name: str, status: str, *phrases: str) -> None:
    report = parse_bytes(data, name)
    assert report.status == status, (report.status, report.error)
    _one_line(report.error)
    for phrase in phrases:
        assert phrase in report.error, report.error
    assert report.values == [] or status == "partial"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_empty(data: bytes) -> None:
    check(data, "empty.txt", "failed", "empty")


def test_binary_noise() -> None:
    check(NOISE, "report.txt", "failed", "binary data")


def test_docx_that_is_really_text() -> None:
    report = parse_bytes(SEED_TEXT.encode("gb18030"), "report.docx")
    assert report.status == "ok" and report.source_format == "text"
    assert report.encoding == "gb18030" and report.agency_short == "密云区"


def test_pdf_that_is_noise() -> None:
    check(b"%PDF-1.7\n" + NOISE, "report.pdf", "failed", "PDF is damaged")


def test_pdf_cut_short() -> None:
    check(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "report.pdf", "failed", "PDF")


def test_scanned_pdf_needs_ocr() -> None:
    report = parse_bytes(scanned_pdf(), "scan.pdf")
    assert (report.status, report.error) == ("failed", NO_TEXT_LAYER)
    assert report.error == "no text layer: OCR it first"


def test_zip_bomb_docx_is_refused_before_inflating() -> None:
    buf = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(docx_reader.MAX_UNCOMPRESSED // len(chunk) + 8):
                part.write(chunk)
    data = buf.getvalue()
    assert len(data) < 2_000_000  # small on disk, > 200 MB inflated
    check(data, "bomb.docx", "failed", "zip bomb")


def test_billion_laughs_docx_is_refused() -> None:
    xml = LAUGHS + (b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                    b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t>'
                    b"</w:r></w:p></w:body></w:document>")
    check(zip_bytes({"word/document.xml": xml}), "laughs.docx", "failed", "entities")


def test_billion_laughs_xml_text_is_not_expanded() -> None:
    check(LAUGHS + b"<lolz>&lol9;</lolz>", "laughs.xml", "not_a_report", "not a")


def test_billion_laughs_in_a_web_page_is_not_expanded() -> None:
    page = LAUGHS.replace(b"lolz", b"html") + b"<html><body><p>&lol9;</p></body></html>"
    check(page, "laughs.html", "not_a_report", "not a")


def test_damaged_docx() -> None:
    check(zip_bytes({"word/document.xml": b"<w:document><w:body"}), "bad.docx", "failed",
          "damaged")


def test_docx_cut_in_half(seed_forms) -> None:
    data = seed_forms[SEEDS[2].name]["docx"]
    check(data[: len(data) // 2], "half.docx", "failed")


def test_a_spreadsheet_named_docx_is_skipped_not_failed() -> None:
    check(zip_bytes({"xl/workbook.xml": b"<workbook/>"}), "report.docx", "skipped",
          "spreadsheet")


def test_a_zip_archive_is_skipped_saying_to_unzip_it() -> None:
    check(zip_bytes({"reports/a.txt": b"x"}), "reports.zip", "skipped", "unzip")


def test_rtf() -> None:
    check(b"{\\rtf1\\ansi " + SEED_TEXT.encode("utf-8") + b"}", "r.rtf", "failed", "RTF")


def test_ole2_that_is_not_word() -> None:
    data = bytes.fromhex("D0CF11E0A1B11AE1") + NOISE
    check(data, "report.doc", "failed", ".doc")


def test_truncated_report_is_partial() -> None:
    cut = SEED_TEXT[: SEED_TEXT.index("收到和处理政府信息公开申请情况")]
    report = parse_bytes(cut.encode("utf-8"), "cut.txt")
    assert report.status == "partial"
    assert "part 三" in report.error and "part 四" in report.error
    assert report.agency_short == "密云区"


def test_text_that_is_not_a_report() -> None:
    text = "会议通知\n\n定于下周一召开全体会议，请准时参加。\n联系人：张三 电话 12345678\n"
    check(text.encode("gb18030"), "notice.txt", "not_a_report", "not a")


def test_web_page_with_only_chrome() -> None:
    page = ('<html><head><meta charset="gbk"><script>var a = 1;</script></head><body>'
            '<div class="nav"><a href="/">首页</a></div><p>页面不存在或已删除</p>'
            '<div class="footer">版权所有</div></body></html>').encode("gbk")
    check(page, "404.html", "not_a_report", "not a")


def test_hostile_spans_do_not_blow_up() -> None:
    page = ("<html><body><table><tr><td colspan='1000000' rowspan='999999'>第二十条</td>"
            "<td>1</td></tr></table></body></html>").encode()
    report = parse_bytes(page, "spans.html")
    assert report.status in ("partial", "failed", "not_a_report")


def test_deeply_nested_page() -> None:
    page = b"<html><body>" + b"<div>" * 20_000 + "报告".encode() + b"</div>" * 20_000
    report = parse_bytes(page, "deep.html")
    assert report.status in ("failed", "not_a_report")
    _one_line(report.error)
