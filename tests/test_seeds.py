"""Every figure of parts 二, 三 and 四 of the five seeds, exactly as the documents print it."""

from __future__ import annotations

import math

import pytest
from conftest import RAW
from seed_figures import SEEDS

import reportkit
from reportkit import schema


def _expected(seed: dict, template: str) -> dict[tuple[str, str, str], float]:
    out = {}
    for table in schema.TABLES:
        listed = seed[table]
        for row in schema.rows_for(template, table):
            figures = listed.get(row.key, [0] * len(row.columns))
            assert len(figures) == len(row.columns), row.key
            for column, value in zip(row.columns, figures):
                out[(table, row.key, column)] = float(value)
    return out


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_figure_is_exact(name: str) -> None:
    seed = SEEDS[name]
    report = reportkit.parse(RAW / name)
    assert report.status == "ok", report.error
    assert report.template == seed["template"]
    got = report.value_map()
    expected = _expected(seed, seed["template"])
    assert set(got) == set(expected)
    wrong = {k: (got[k], v) for k, v in expected.items()
             if not (got[k] == v or (math.isnan(v) and math.isnan(got[k])))}
    assert wrong == {}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_metadata(name: str) -> None:
    seed = SEEDS[name]
    report = reportkit.parse(RAW / name)
    assert (report.agency, report.agency_short, report.year) == (
        seed["agency"], seed["agency_short"], seed["year"])
    assert report.sha256 and report.report_id == report.sha256[:16]
    assert report.source_path.endswith(name)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seeds_add_up(name: str) -> None:
    report = reportkit.parse(RAW / name)
    assert report.n_checks_failed == 0
    statuses = {c.status for c in report.checks if c.kind != "narrative"}
    assert statuses <= {"passed", "missing"}


def test_blank_cell_is_missing_not_zero() -> None:
    """漷县镇 leaves 上年结转 · 自然人 blank: NaN, and the identity on it is undecidable."""
    report = reportkit.parse(RAW / "001_d11106ab72934bbf.txt")
    frame = report.values_frame
    cell = frame[(frame.row == "carried_over") & (frame.column == "natural_person")]
    assert len(cell) == 1 and math.isnan(cell.value.iloc[0]) and cell.raw.iloc[0] == ""
    balance = [c for c in report.checks
               if c.check == "balance" and c.subject == "requests/natural_person"]
    assert balance[0].status == "missing" and balance[0].passed is None


def test_local_rows_are_ignored_and_named() -> None:
    report = reportkit.parse(RAW / "001_d11106ab72934bbf.txt")
    assert report.ignored == ["行政检查", "行政确认"]
    table = report.table("proactive")
    assert table.loc["administrative_penalty", "decisions"] == 0
    assert math.isnan(table.loc["other_external_services", "decisions"])


def test_fractional_fee_and_raw_text() -> None:
    report = reportkit.parse(RAW / "002_556f46a9c5195498.txt")
    frame = report.values_frame
    fee = frame[frame.row == "administrative_fees"].iloc[0]
    assert (fee.column, fee.value, fee.raw) == ("amount_10k_yuan", 254.38, "254.38")
    assert frame.value.dtype == "float64"


def test_stray_spaces_in_cells() -> None:
    """西集镇's cells read " 19", "0 ": the figures, not text."""
    report = reportkit.parse(RAW / "004_62a89b8f07c64ee9.txt")
    assert report.table("requests").loc["new_requests", "total"] == 19
