"""Copied reports: a report made from another by changing a name, a year and figures is
found; the five seeds (five different bodies, their own prose) are not copies of each other.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import RAW

import reportkit
from reportkit.analysis import similarity

YIZHUANG = RAW / "000_88b97d4f094d4f90.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("copies")
    for path in sorted(RAW.glob("0*.txt")):
        shutil.copy(path, folder / path.name)
    text = YIZHUANG.read_text(encoding="utf-8")
    # the same body's 2022 report, last year's prose with the year and figures changed
    (folder / "yizhuang_2022.txt").write_text(
        text.replace("2021", "2022").replace("新受理依申请公开9件", "新受理依申请公开12件"),
        encoding="utf-8")
    # another body's 2021 report: 亦庄镇's prose under another name
    (folder / "other_2021.txt").write_text(text.replace("亦庄镇", "青云店镇"), encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,agency,agency_short,region,year\n"
        "yizhuang_2022.txt,北京市大兴区亦庄镇人民政府,亦庄镇,,2022\n"
        "other_2021.txt,北京市大兴区青云店镇人民政府,青云店镇,,2021\n", encoding="utf-8")
    return reportkit.ingest([folder], progress=False)


def test_last_years_prose_repeated_is_found(corpus) -> None:
    found = similarity.copied_reports(corpus.reports)
    prev = found[found["relation"] == "previous_year"]
    assert len(prev) == 1
    row = prev.iloc[0]
    assert (row["year"], row["other_year"]) == (2022, 2021)
    assert row["agency"] == row["other_agency"] == "北京市大兴区亦庄镇人民政府"
    assert row["repeated_share"] > 0.95 and bool(row["finding"])


def test_another_bodys_prose_is_found_and_the_seeds_are_not(corpus) -> None:
    found = similarity.copied_reports(corpus.reports)
    same = found[found["relation"] == "same_year"]
    pairs = {frozenset((a, b)) for a, b in zip(same["agency"], same["other_agency"])}
    assert pairs == {frozenset(("北京市大兴区亦庄镇人民政府", "北京市大兴区青云店镇人民政府"))}
    assert (same["repeated_share"] > 0.95).all()


def test_shingles_read_every_digit_as_zero() -> None:
    a = similarity.shingles("本年度新受理依申请公开9件，上年结转2件。" * 20)
    b = similarity.shingles("本年度新受理依申请公开7件，上年结转5件。" * 20)
    assert a and a == b
    assert similarity.shingles("太短") == frozenset()
