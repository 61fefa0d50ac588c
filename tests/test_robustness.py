"""Damaged text never crashes the parser, never invents a figure, and says what is missing."""

from __future__ import annotations

import math
import random

import pytest
from conftest import SEED_FILES

from reportkit.extract.parse import parse_bytes
from reportkit.schema.frames import STATUSES

MIYUN = SEED_FILES[2].read_text(encoding="utf-8")


def test_truncated_report_is_partial_and_names_what_is_missing() -> None:
    cut = MIYUN[: MIYUN.index("四、政府信息公开行政复议")]
    report = parse_bytes(cut.encode("utf-8"), "cut.txt")
    assert report.status == "partial"
    assert "part 四" in report.error and "not found" in report.error
    assert report.table("requests").loc["unavailable_not_held", "total"] == 216
    assert not any(v.table == "review_litigation" for v in report.values)


def test_prose_is_not_a_report() -> None:
    text = "关于做好2021年春节期间安全生产工作的通知\n各单位：\n请认真做好节日期间安全生产工作。\n"
    report = parse_bytes(text.encode("utf-8"), "notice.txt")
    assert report.status == "not_a_report" and report.values == []


def test_report_without_tables_fails_with_advice() -> None:
    head = MIYUN[: MIYUN.index("主动公开政府信息情况\n")]
    report = parse_bytes(head.encode("utf-8"), "head.txt")
    assert report.status == "failed" and "whole report" in report.error


@pytest.mark.parametrize("seed", range(40))
def test_mangled_text_never_crashes(seed: int) -> None:
    """Drop, duplicate and swap random lines of a seed: a status, never an exception,
    and every figure that comes out is one printed somewhere in the input."""
    rng = random.Random(seed)
    source = SEED_FILES[seed % len(SEED_FILES)].read_text(encoding="utf-8")
    lines = source.split("\n")
    for _ in range(rng.randint(1, 60)):
        i = rng.randrange(len(lines))
        action = rng.random()
        if action < 0.5:
            del lines[i]
        elif action < 0.75:
            lines.insert(i, lines[rng.randrange(len(lines))])
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    text = "\n".join(lines)
    report = parse_bytes(text.encode("utf-8"), f"mangled-{seed}.txt")
    assert report.status in STATUSES
    printed = {float(c.strip()) for line in lines for c in line.split("\t")
               if c.strip().replace(".", "", 1).isdigit()}
    for v in report.values:
        assert math.isnan(v.value) or v.value in printed


def test_random_bytes_never_crash() -> None:
    rng = random.Random(7)
    for n in (1, 10, 1000, 20000):
        report = parse_bytes(bytes(rng.randrange(256) for _ in range(n)), "noise.bin")
        assert report.status in {"failed", "not_a_report"}
        assert report.error


def test_short_row_is_left_blank_not_shifted() -> None:
    """A row with six cells for seven columns cannot say which is missing: no guess."""
    text = MIYUN.replace("（一）予以公开\n\t164\n", "（一）予以公开\n")
    report = parse_bytes(text.encode("utf-8"), "short.txt")
    assert report.status == "partial"
    assert "（一）予以公开" in report.error and "not guessed" in report.error
    granted = report.table("requests").loc["granted"]
    assert granted.isna().all()
    assert report.table("requests").loc["partially_granted", "total"] == 101
