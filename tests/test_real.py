"""Real reports as published (../shared/real, every figure read by a person in truth.json), and
the seeds (as text) and the real web page and the seeds as pages with kinds of variation
injected at random (tests/perturb.py: label slips, words dropped or added, truncation, item
numbers removed, rows split by a page break, spanned columns): every figure lands exactly, or
its row is left blank, the report partial and the row named — never a wrong figure."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import perturb
import pytest
from conftest import RAW
from formats import seed_document, to_html
from seed_figures import SEEDS
from test_seeds import _expected

import reportkit
from reportkit import schema
from reportkit.extract.parse import parse_bytes

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"
EXACT_FILES = ("hzq2024_working.pdf", "huaian_szf_2024.pdf", "pingtan_2023_page.html")


def _truth() -> dict:
    path = REAL / "truth.json"
    if not path.is_file():
        pytest.skip(f"the real reports are not here ({REAL}): they live in the shared folder "
                    "beside the worktrees")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", EXACT_FILES)
def test_real_report_every_cell_exact(name: str) -> None:
    truth = _truth()[name]
    report = reportkit.parse(REAL / name)
    got = {f"{t}/{r}/{c}": v for (t, r, c), v in report.value_map().items()}
    wrong = {}
    for key, want in truth["values"].items():
        if want == "?":
            continue
        assert key in got, f"{key} is not in the values"
        have = got[key]
        if (want is None and not math.isnan(have)) or (
                want is not None and not abs(have - float(want)) < 1e-6):
            wrong[key] = (have, want)
    assert wrong == {}
    assert report.status == "ok", report.error
    assert (report.year, report.template) == (truth["meta"]["year"], truth["meta"]["template"])


def test_slipped_label_is_aligned_and_audited() -> None:
    """洪泽区 prints "2.其他法律行政止公开": aligned by similarity, the label kept as printed."""
    _truth()
    frame = reportkit.parse(REAL / "hzq2024_working.pdf").values_frame
    row = frame[frame.row == "withheld_prohibited_by_law"]
    assert set(row.match) == {"similar"} and set(row.label_raw) == {"2.其他法律行政止公开"}
    assert set(row.page) == {3}
    assert set(frame[frame.row == "other_handling"].match) == {"exact"}


# --- perturbation -------------------------------------------------------------------------------

KINDS = perturb.LABEL_KINDS


def _perturb(text: str, rng: random.Random, kind) -> tuple[str, set[str]]:
    """Two item labels of part 三 changed by one kind of variation; the keys touched."""
    rows = [r for r in schema.REQUEST_ROWS if r.label[:2] in {f"{n}." for n in range(1, 9)}
            and r.label in text]
    touched = rng.sample(rows, min(2, len(rows)))
    for row in touched:
        text = text.replace(row.label, kind(row.label, rng), 1)
    return text, {r.key for r in touched}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_perturbed_labels_never_give_a_wrong_figure(kind) -> None:
    """Each seed in text form, labels varied at random (fixed seed): every figure exact, or
    the row blank and named in the error."""
    rng = random.Random(20240917)
    landed = 0
    for name, seed in sorted(SEEDS.items()):
        path = RAW / name
        text = path.read_text(encoding="utf-8")
        for _ in range(4):
            varied, touched = _perturb(text, rng, kind)
            report = parse_bytes(varied.encode("utf-8"), name)
            expected = _expected(seed, seed["template"])
            got = report.value_map()
            for key, want in expected.items():
                have = got.get(key, math.nan)
                if math.isnan(have) and not math.isnan(want):
                    assert report.status == "partial", (name, key)
                    label = next(r.label for r in schema.ALL_ROWS if r.key == key[1])
                    assert key[1] in touched and label in report.error, (name, key)
                    continue
                assert have == want or (math.isnan(have) and math.isnan(want)), (name, key)
            landed += all(not math.isnan(got.get(k, math.nan)) for k in expected
                          if k[1] in touched and not math.isnan(expected[k]))
    assert landed >= 1


# --- perturbation of web pages: the real page and the seeds as pages ------------------------------

PAGE_KINDS = (*((k.__name__, k) for k in perturb.LABEL_KINDS), ("page_break", None),
              ("spanned_column", None))
_TRIALS = 3


def _pages() -> list[tuple[str, bytes, dict[tuple[str, str, str], float | None]]]:
    """(name, page, figures a person read: NaN for a blank cell, None where unknown)."""
    real = _truth()["pingtan_2023_page.html"]["values"]
    figures = {tuple(k.split("/")): (None if v == "?" else math.nan if v is None else float(v))
               for k, v in real.items()}
    pages = [("pingtan_2023_page.html", (REAL / "pingtan_2023_page.html").read_bytes(),
              figures)]
    for name, seed in sorted(SEEDS.items()):
        pages.append((name, to_html(seed_document(RAW / name)),
                      _expected(seed, seed["template"])))
    return pages


def _change(kind: str, fn, rng: random.Random):
    if kind == "page_break":
        return lambda root: perturb.page_break(root, rng)
    if kind == "spanned_column":
        return lambda root: perturb.spanned_column(root, rng)
    return lambda root: perturb.relabel(root, rng, fn)


@pytest.mark.parametrize("kind,fn", PAGE_KINDS, ids=[k for k, _ in PAGE_KINDS])
def test_perturbed_pages_never_give_a_wrong_figure(kind: str, fn) -> None:
    """The real web page and each seed as a page, varied at random (fixed seed) by one kind:
    every figure exact, or its row blank, the report partial and the row named."""
    rng = random.Random(20240918)
    exact = trials = 0
    for name, page, figures in _pages():
        for _ in range(_TRIALS):
            varied, touched = perturb.perturbed(page, _change(kind, fn, rng))
            report = parse_bytes(varied, name.replace(".txt", ".html"))
            got = report.value_map()
            lost = []
            for key, want in figures.items():
                if want is None:
                    continue
                have = got.get(key, math.nan)
                if math.isnan(have) and not math.isnan(want):
                    lost.append(key)
                    continue
                assert have == want or (math.isnan(have) and math.isnan(want)), (
                    name, kind, key, have, want)
            for key in lost:
                label = next(r.label for r in schema.ALL_ROWS if r.key == key[1])
                assert report.status == "partial" and label in report.error, (name, kind, key)
                assert key[1] in touched or not touched, (name, kind, key)  # rows left as
                # printed always land; a spanned column touches every row
            trials += 1
            exact += not lost and report.status == "ok"
    assert exact >= trials // 2, f"{kind}: only {exact} of {trials} varied pages exact"
