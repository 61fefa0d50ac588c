"""Copied reports: a report made from another by changing a name, a year and figures is
found; the five seeds (five different bodies, their own prose) are not copies of each other.
"""

from __future__ import annotations

import shutil

import pandas as pd
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


def test_shingle_hashes_are_the_shingles_one_for_one() -> None:
    """One hash per distinct shingle (no two of ~40,000 random shingles share one), and
    the same shingles give the same hashes whatever text they come from."""
    import random

    rng = random.Random(7)
    alphabet = "政府信息公开申请本机关不掌握相关予以部分行政复议诉讼年度报告0123456789，。 "
    for _ in range(40):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(150, 2000)))
        hashes = similarity.shingle_hashes(text)
        assert len(hashes) == len(similarity.shingles(text))
        assert list(hashes) == sorted(hashes)
    a = "本年度新受理依申请公开9件，上年结转2件。" * 20
    assert (similarity.shingle_hashes(a) == similarity.shingle_hashes(a + a)).all()
    assert not len(similarity.shingle_hashes("太短"))


def test_a_signature_holds_the_least_hash_of_each_range() -> None:
    import numpy as np

    hashes = np.array([5, 7, (1 << 57) + 3, (1 << 63) + 1], dtype=np.uint64)
    sig = similarity.signature(hashes)
    assert len(sig) == similarity.NUM_PERM
    assert sig[0] == 5 and sig[1] == (1 << 57) + 3 and sig[64] == (1 << 63) + 1
    assert (sig[2:64] == np.uint64(2**64 - 1)).all()


def test_the_prose_the_ingest_kept_is_compared_after_the_files_are_gone(tmp_path) -> None:
    """``reportkit ingest`` keeps each report's prose (prose.parquet): the paragraphs as
    printed, the tables left out; the copies are found from it, with the files moved away."""
    folder = tmp_path / "raw"
    folder.mkdir()
    text = YIZHUANG.read_text(encoding="utf-8")
    shutil.copy(YIZHUANG, folder / YIZHUANG.name)
    (folder / "other_2021.txt").write_text(text.replace("亦庄镇", "青云店镇"), encoding="utf-8")
    reportkit.ingest([folder], tmp_path / "out", progress=False)
    corpus = reportkit.load(tmp_path / "out")
    kept = pd.read_parquet(tmp_path / "out" / "prose.parquet")
    assert len(kept) == 2
    prose = kept["prose"].iloc[0]
    assert "本年度新受理依申请公开9件，上年结转2件。" in prose  # a paragraph, as printed
    assert "本年新收政府信息公开申请数量" not in prose  # a row of part 三's table
    shutil.rmtree(folder)
    found = similarity.copied_reports(corpus.reports, corpus=corpus)
    assert list(found["relation"]) == ["same_year", "same_year"]
    assert set(found["agency"]) == {"北京市大兴区亦庄镇人民政府", "北京市大兴区青云店镇人民政府"}
    assert (found["repeated_share"] > 0.95).all()
    assert similarity.copied_reports(corpus.reports).empty  # without it: nothing to read
