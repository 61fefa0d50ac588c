"""Each seed in each published form gives exactly the figures of its .txt."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pdfplumber
import pytest
from formats import SEEDS, seed_document, to_docx

from reportkit.extract.parse import Report, parse, parse_bytes
from reportkit.extract.readers import doc as doc_reader
from reportkit.extract.sniff import sniff

FORMS = ("html", "gb2312.html", "docx", "pdf", "gb18030.txt", "utf16.txt", "utf16le.txt",
         "utf8sig.txt")
SNIFFED = {"html": "html", "gb2312.html": "html", "docx": "docx", "pdf": "pdf",
           "gb18030.txt": "text", "utf16.txt": "text", "utf16le.txt": "text",
           "utf8sig.txt": "text"}
ENCODINGS = {"html": "utf-8", "gb2312.html": "gb18030", "gb18030.txt": "gb18030",
             "utf16.txt": "utf-16", "utf16le.txt": "utf-16-le", "utf8sig.txt": "utf-8-sig"}
SEED_NAMES = [p.name for p in SEEDS]
SHORT = dict(zip(SEED_NAMES, ["亦庄镇", "漷县镇", "密云区", "南郊镇", "西集镇"], strict=True))
YEARS = dict(zip(SEED_NAMES, [2021, 2019, 2021, 2021, 2021], strict=True))
KEY = ["table", "row", "column"]


def figures(report: Report) -> pd.DataFrame:
    """The values frame without the id (which is the file's hash, so differs by form) and
    the audit columns (the label as each form prints it, the page)."""
    return report.values_frame.drop(columns=["report_id", "label_raw", "match", "page"]
                                    ).reset_index(drop=True)


def value(report: Report, table: str, row: str, column: str) -> float:
    frame = report.values_frame
    hit = frame[(frame.table == table) & (frame.row == row) & (frame.column == column)]
    assert len(hit) == 1, (table, row, column)
    return float(hit.value.iloc[0])


def test_seeds_are_all_there() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("seed", SEED_NAMES)
def test_form_gives_the_figures_of_the_txt(seed: str, form: str, seed_reports, form_reports,
                                           seed_forms) -> None:
    txt, other = seed_reports[seed], form_reports[(seed, form)]
    assert sniff(seed_forms[seed][form]) == SNIFFED[form]
    assert other.status == txt.status == "ok", other.error
    pd.testing.assert_frame_equal(figures(other), figures(txt))  # NaN in the same places
    assert (other.agency, other.agency_short, other.year, other.template) == (
        txt.agency, SHORT[seed], YEARS[seed], txt.template)
    assert other.source_format == SNIFFED[form]
    assert other.encoding == ENCODINGS.get(form, "")


@pytest.mark.parametrize("form", FORMS)
def test_miyun_figures_a_person_read(form: str, form_reports) -> None:
    r = form_reports[("002_556f46a9c5195498.txt", form)]
    total = {"new_requests": 572, "carried_over": 41, "granted": 167, "partially_granted": 101,
             "unavailable_not_held": 216, "total_processed": 588, "carried_forward": 25}
    for row, expected in total.items():
        assert value(r, "requests", row, "total") == expected, row
    for row, expected in {"review": [6, 4, 2, 3, 15], "litigation_direct": [6, 3, 1, 1, 11],
                          "litigation_after_review": [6, 1, 0, 2, 9]}.items():
        got = [value(r, "review_litigation", row, c)
               for c in ("upheld", "corrected", "other", "pending", "total")]
        assert got == expected, row
    assert [value(r, "proactive", "normative_documents", c)
            for c in ("issued", "repealed", "in_force")] == [442, 37, 1633]
    assert value(r, "proactive", "administrative_licensing", "decisions") == 49241
    assert value(r, "proactive", "administrative_penalty", "decisions") == 11926
    assert value(r, "proactive", "administrative_coercion", "decisions") == 98
    assert value(r, "proactive", "administrative_fees", "amount_10k_yuan") == 254.38


@pytest.mark.parametrize("form", FORMS)
def test_huoxian_blank_stays_blank(form: str, form_reports) -> None:
    r = form_reports[("001_d11106ab72934bbf.txt", form)]
    assert r.template == "2019"
    assert math.isnan(value(r, "requests", "carried_over", "natural_person"))
    for column in ("prior_year_items", "change", "decisions"):
        assert math.isnan(value(r, "proactive", "other_external_services", column))


def test_renders_have_spans_and_page_breaks(seed_forms) -> None:
    """The forms exercise what the readers must handle, not a plain grid."""
    assert any("<br>" in forms["html"].decode("utf-8") for forms in seed_forms.values())
    for forms in seed_forms.values():
        page = forms["html"].decode("utf-8")
        assert "rowspan=" in page and "colspan=" in page
        xml = zipfile.ZipFile(io.BytesIO(forms["docx"])).read("word/document.xml").decode()
        assert "w:vMerge" in xml and "w:gridSpan" in xml
        with pdfplumber.open(io.BytesIO(forms["pdf"])) as pdf:
            # some table starts at the top margin of a page: it ran over the page break
            tops = [t.bbox[1] for p in pdf.pages[1:] for t in p.find_tables()]
        assert any(top < 60 for top in tops)


def test_misnamed_file_is_read_by_its_content(seed_forms, seed_reports) -> None:
    seed = "002_556f46a9c5195498.txt"
    as_pdf = parse_bytes(seed_forms[seed]["docx"], "report.pdf")
    assert as_pdf.status == "ok" and as_pdf.source_format == "docx"
    pd.testing.assert_frame_equal(figures(as_pdf), figures(seed_reports[seed]))


# --- a hand-written page in the shape of a published one -----------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "published_2019_gb2312.html"


@pytest.fixture(scope="module")
def published() -> Report:
    return parse(FIXTURE)


def test_published_page_metadata(published: Report) -> None:
    assert published.status == "ok", published.error
    assert published.source_format == "html" and published.encoding == "gb18030"
    assert published.agency == "北京市示范区样板镇人民政府"
    assert published.agency_short == "样板镇"
    assert (published.year, published.template) == (2019, "2019")
    assert published.n_checks_failed == 0


def test_published_page_proactive(published: Report) -> None:
    nan = math.nan
    expected = {
        "regulations": [nan, nan, nan],
        "normative_documents": [3, 3, 41],
        "administrative_licensing": [12, -1, 1204],     # "1,204"
        "other_external_services": [5, nan, 37],        # full-width "３７"
        "administrative_penalty": [30, 2, 156],         # "+2"
        "administrative_coercion": [nan, nan, 0],       # blank, "—", 0
    }
    cols = ("new_made", "new_published", "total_published")
    for row, want in expected.items():
        columns = cols if row in ("regulations", "normative_documents") else (
            "prior_year_items", "change", "decisions")
        got = [value(published, "proactive", row, c) for c in columns]
        assert got == pytest.approx(want, nan_ok=True), row
    # a spanned number (colspan=2) counted once
    assert [value(published, "proactive", "administrative_fees", c)
            for c in ("prior_year_items", "change")] == [2, 0]
    assert value(published, "proactive", "centralized_procurement", "items") == 4
    assert value(published, "proactive", "centralized_procurement", "amount") == 86.5


def test_published_page_requests(published: Report) -> None:
    cols = ("natural_person", "commercial_enterprise", "research_institution",
            "social_welfare_org", "legal_service_org", "other_org", "total")
    nan = math.nan
    expected = {
        "new_requests": [25, 3, nan, nan, 1, nan, 29],
        "carried_over": [2, nan, nan, nan, nan, nan, 2],
        "granted": [12, 2, nan, nan, 1, nan, 15],
        "partially_granted": [3, nan, nan, nan, nan, nan, 3],
        "withheld_state_secret": [nan] * 7,
        "withheld_prohibited_by_law": [1, nan, nan, nan, nan, nan, 1],
        "withheld_process_information": [0, nan, nan, nan, nan, nan, 0],  # "无"
        "unavailable_not_held": [6, 1, nan, nan, nan, nan, 7],
        "unavailable_needs_creation": [1, nan, nan, nan, nan, nan, 1],
        "unavailable_unclear": [1, nan, nan, nan, nan, nan, 1],
        "not_processed_petition": [1, nan, nan, nan, nan, nan, 1],
        "not_processed_repeated": [1, nan, nan, nan, nan, nan, 1],
        "not_processed_reconfirmation": [nan] * 7,
        "other_handling": [nan] * 7,
        "total_processed": [26, 3, nan, nan, 1, nan, 30],
        "carried_forward": [1, nan, nan, nan, nan, nan, 1],
    }
    for row, want in expected.items():
        got = [value(published, "requests", row, c) for c in cols]
        assert got == pytest.approx(want, nan_ok=True), row


def test_published_page_review(published: Report) -> None:
    cols = ("upheld", "corrected", "other", "pending", "total")
    nan = math.nan
    expected = {"review": [1, nan, nan, 1, 2], "litigation_direct": [nan, nan, nan, nan, 0],
                "litigation_after_review": [1, nan, nan, nan, 1]}
    for row, want in expected.items():
        got = [value(published, "review_litigation", row, c) for c in cols]
        assert got == pytest.approx(want, nan_ok=True), row


def test_published_page_chrome_is_not_content() -> None:
    from reportkit.extract.read import read_document

    doc = read_document(FIXTURE.read_bytes(), FIXTURE.name)
    text = doc.text()
    for chrome in ("无障碍浏览", "首页", "政府信息公开指南", "分享到", "京ICP备", "_hmt",
                   "关注我们", "float: left"):
        assert chrome not in text, chrome
    assert "依据《中华人民共和国政府信息公开条例》" in text


# --- legacy .doc ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_doc(tmp_path_factory) -> bytes:
    soffice = doc_reader.soffice_path()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot make a .doc to read "
                    "(apt-get install libreoffice-writer-nogui)")
    tmp = tmp_path_factory.mktemp("doc")
    src = tmp / "seed.docx"
    src.write_bytes(to_docx(seed_document(SEEDS[2])))
    subprocess.run([soffice, f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                    "--headless", "--convert-to", "doc", "--outdir", str(tmp), str(src)],
                   check=True, capture_output=True, timeout=180)
    return (tmp / "seed.doc").read_bytes()


def test_doc_through_libreoffice_gives_the_figures(seed_doc: bytes, seed_reports) -> None:
    report = parse_bytes(seed_doc, "seed.doc")
    assert report.status == "ok", report.error
    assert report.source_format == "doc"
    pd.testing.assert_frame_equal(figures(report), figures(seed_reports[SEEDS[2].name]))


def test_doc_through_antiword_reads_the_simple_tables(seed_doc: bytes) -> None:
    antiword = shutil.which("antiword")
    if antiword is None:
        pytest.skip("antiword is not installed (apt-get install antiword)")
    from reportkit.extract.parse import Report as R
    from reportkit.extract.parse import parse_document

    report = parse_document(doc_reader.via_antiword(seed_doc, antiword), R("x", "x.doc", "x"))
    assert report.agency_short == "密云区"
    assert [value(report, "proactive", "normative_documents", c)
            for c in ("issued", "repealed", "in_force")] == [442, 37, 1633]
    assert value(report, "proactive", "administrative_fees", "amount_10k_yuan") == 254.38


def test_doc_without_a_converter_names_what_to_install(seed_doc: bytes, monkeypatch) -> None:
    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: None)
    report = parse_bytes(seed_doc, "seed.doc")
    assert report.status == "failed"
    assert "install antiword or LibreOffice" in report.error
