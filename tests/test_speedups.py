"""The parser's speed-ups give exactly what the plain code gives (fixed random samples)."""

from __future__ import annotations

import random
import unicodedata

from conftest import SEED_FILES

from reportkit.extract import matching as labels
from reportkit.extract.decode import control_share
from reportkit.extract.matching import normalize, normalize_joined
from reportkit.extract.tables import _HEADING_MAX_CHARS, _surely_longer

TEXT = "".join(f.read_text(encoding="utf-8") for f in SEED_FILES)
# characters that make joins tricky: numbering, combining marks, compatibility forms
TRICKY = list("一二三四五六七八九十第部分、.．（）()3٣ \u3000\t\n\u0301\u0308\uff9e\u3099"
              "\uf900\u2f00㈠①ＡＢ１２“”，。：；Å\u1100\u1161\u11a8가\u0b47\u0b3e")
NUMBERING = list("一二三四五六七八九十第部分、.．（）()3٣")


def plain_normalize(text: str) -> str:
    """normalize() as first written."""
    text = labels._WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    while True:
        stripped = labels._ENUMERATOR.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return "".join(ch for ch in text if not labels._is_punct(ch))


def _piece(rng: random.Random) -> str:
    length = rng.choice([0, 3, 85, 200, 400])
    if rng.random() < 0.5 and length:
        start = rng.randrange(len(TEXT) - length)
        piece = TEXT[start:start + length]
    else:
        alphabet = TRICKY if rng.random() < 0.5 else NUMBERING
        piece = "".join(rng.choice(alphabet) for _ in range(length))
    if rng.random() < 0.5:
        piece = "".join(rng.choice(NUMBERING) for _ in range(rng.randint(1, 6))) + piece
    return piece


def test_normalize_is_unchanged() -> None:
    rng = random.Random(1)
    for _ in range(3000):
        text = _piece(rng) + _piece(rng)
        assert normalize(text) == plain_normalize(text), text


def test_normalize_joined_equals_normalizing_the_join() -> None:
    rng = random.Random(2)
    for _ in range(6000):
        pieces = [_piece(rng) for _ in range(rng.randint(2, 4))]
        for p in pieces:  # as content_part normalises each table first
            if rng.random() < 0.9:
                normalize(p)
        assert normalize_joined(pieces) == plain_normalize("".join(pieces)), pieces


def _cell(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        return "".join(rng.choice(" \u3000\t\n\u00a0") for _ in range(rng.randint(1, 3)))
    if kind < 0.35:
        return str(rng.randint(0, 5000))
    if kind < 0.6:
        start = rng.randrange(len(TEXT) - 12)
        return TEXT[start:start + rng.randint(1, 12)]
    alphabet = TRICKY if kind < 0.8 else NUMBERING
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))


def test_normalize_joined_cells_equals_normalizing_the_join() -> None:
    """Tables' texts from their cells: short pieces, figures, blank and whitespace-only
    cells (also leading), numbering split over cells."""
    rng = random.Random(5)
    for _ in range(6000):
        cells = [_cell(rng) for _ in range(rng.randint(1, 30))]
        assert normalize_joined(cells) == plain_normalize("".join(cells)), cells


def test_heading_bound_never_wrong() -> None:
    rng = random.Random(3)
    for _ in range(5000):
        text = _piece(rng) + _piece(rng)
        if _surely_longer(text, _HEADING_MAX_CHARS):
            assert len(plain_normalize(text)) > _HEADING_MAX_CHARS, text


def test_control_share_is_unchanged() -> None:
    def plain(text: str) -> float:
        if not text:
            return 0.0
        bad = sum(1 for ch in text if ch not in "\t\n\r\f\v\x1b"
                  and unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"))
        return bad / len(text)

    rng = random.Random(4)
    pool = [chr(i) for i in range(0, 0x3000, 7)] + list("\x00\x07\ud800\ue000\t\n中a")
    bmp = [chr(i) for i in range(0x3000, 0x10000, 13)]  # unassigned, private use, surrogates
    astral = list("\U00020000\U0001f600\U000e0001\U000f0000\U0010fffe\U00030000")
    for i in range(3000):
        chars = pool + (bmp if i % 3 else bmp + astral)
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 200)))
        assert control_share(text) == plain(text)
