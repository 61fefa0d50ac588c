"""`reportkit ingest` over a mixed folder: good reports in every format and broken files.

The run finishes, writes every good report, names every bad file with its error, exits 1.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from formats import SEEDS, scanned_pdf, zip_bytes

FIXTURE = Path(__file__).parent / "fixtures" / "published_2019_gb2312.html"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, seed_forms) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A download folder: ``(folder, good name → agency_short, bad name → status)``."""
    src = tmp_path_factory.mktemp("mixed")
    forms = [seed_forms[p.name] for p in SEEDS]
    good = {
        "000-yizhuang.html": (forms[0]["gb2312.html"], "亦庄镇"),
        "001-huoxian.docx": (forms[1]["docx"], "漷县镇"),
        "002-miyun.pdf": (forms[2]["pdf"], "密云区"),
        "003-nanjiao.txt": (forms[3]["gb18030.txt"], "南郊镇"),
        "004-xiji.txt": (forms[4]["utf16.txt"], "西集镇"),
        "005-published.htm": (FIXTURE.read_bytes(), "样板镇"),
        "006-really-text.docx": (
            SEEDS[2].read_bytes().replace("密云区".encode(), "怀柔区".encode()), "怀柔区"),
    }
    noise = random.Random(7).randbytes(30_000)
    bad = {
        "empty.txt": (b"", "failed"),
        "noise.bin": (noise, "failed"),
        "noise.pdf": (b"%PDF-1.5\n" + noise, "failed"),
        "scan.pdf": (scanned_pdf(), "failed"),
        "laughs.docx": (zip_bytes({"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d '
                                                    b'[<!ENTITY a "aaaa">]><d>&a;</d>'}),
                        "failed"),
        "archive.docx": (zip_bytes({"data.csv": b"a,b\n1,2\n"}), "skipped"),  # no report
        "notice.txt": ("会议通知\n请准时参加。\n".encode("gb18030"), "not_a_report"),
        "cut.txt": (SEEDS[0].read_text(encoding="utf-8").split("收到和处理")[0].encode(),
                    "partial"),
    }
    for name, (data, _) in {**good, **bad}.items():
        (src / name).write_bytes(data)
    return (src, {k: v[1] for k, v in good.items()}, {k: v[1] for k, v in bad.items()})


def test_ingest_mixed_folder(mixed, tmp_path: Path) -> None:
    src, good, bad = mixed
    out = tmp_path / "processed"
    proc = subprocess.run([sys.executable, "-m", "reportkit.cli", "ingest", str(src),
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr  # some files failed; the run still finished
    reports = pd.read_parquet(out / "reports.parquet")
    reports["name"] = reports.source_path.map(lambda p: Path(p).name)
    reports = reports.set_index("name")
    assert sorted(reports.index) == sorted([*good, *bad])  # one row per input file
    for name, short in good.items():
        row = reports.loc[name]
        assert row.status == "ok", (name, row.error)
        assert row.agency_short == short
        assert row.n_values > 0
    for name, status in bad.items():
        row = reports.loc[name]
        assert row.status == status, (name, row.status, row.error)
        assert row.error and "\n" not in row.error
        assert f"{name}: {row.error}" in proc.stderr  # named with its error
    assert reports.loc["scan.pdf"].error == "no text layer: OCR it first"
    assert reports.loc["002-miyun.pdf", "format"] == "pdf"
    assert reports.loc["000-yizhuang.html", "encoding"] == "gb18030"
    values = pd.read_parquet(out / "values.parquet")
    assert set(values.report_id) >= set(reports.loc[list(good), "report_id"])
    miyun = reports.loc["002-miyun.pdf", "report_id"]
    cell = values[(values.report_id == miyun) & (values.row == "new_requests")
                  & (values.column == "total")]
    assert cell.value.item() == 572
