"""The Python API a notebook uses: parse, ingest, load."""

from __future__ import annotations

from pathlib import Path

import pytest

import reportkit


def test_parse_returns_report_with_frames(raw_dir: Path) -> None:
    report = reportkit.parse(raw_dir / "002_556f46a9c5195498.txt")
    assert report.agency_short == "密云区" and report.year == 2021
    assert report.table("review_litigation").loc["review", "total"] == 15
    assert set(report.values_frame.table) == {"proactive", "requests", "review_litigation"}
    checks = report.checks_frame
    assert checks[checks.kind == "arithmetic"].passed.all()
    assert list(checks.columns)[-1] == "kind"
    assert report.meta()["status"] == "ok"


def test_ingest_and_load_round_trip(tmp_path: Path, raw_dir: Path) -> None:
    corpus = reportkit.ingest([raw_dir], tmp_path, progress=False)
    loaded = reportkit.load(tmp_path)
    assert len(loaded.reports) == 5 and len(loaded.values) == len(corpus.values)
    litigation = loaded.values[(loaded.values.table == "review_litigation")
                               & (loaded.values.column == "total")
                               & (loaded.values.row.str.startswith("litigation"))]
    miyun = loaded.reports.set_index("agency_short").loc["密云区", "report_id"]
    assert litigation[litigation.report_id == miyun].value.sum() == 20


def test_load_names_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="reportkit ingest"):
        reportkit.load(tmp_path)


def test_parse_missing_file_is_a_row_not_a_crash(tmp_path: Path) -> None:
    report = reportkit.parse(tmp_path / "nope.txt")
    assert report.status == "failed" and "cannot read" in report.error
