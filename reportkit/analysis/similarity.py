"""Copied reports: how much of a report's prose repeats the same body's previous report, or
another body's report of the same year.

Evaluators flag reports copied from last year's (CASS found up to 90 % repeated text). The
prose (the document's paragraphs; the tables are left out) is normalised — NFKC, spaces and
punctuation dropped, every digit read as 0 so that a copy with this year's figures typed in
still matches — and cut into character shingles of :data:`SHINGLE` characters, each kept as
a 64-bit hash (computed in numpy for all of a text's windows at once; two different
shingles share a hash with a chance of about 2⁻⁶⁴).

* ``repeated_share`` = |A ∩ B| / |A|: the share of this report's shingles found in the other
  report;
* ``jaccard`` = |A ∩ B| / |A ∪ B|.

Pairs compared: each report with the same body's report of the year before (body key
:func:`reportkit.metrics.body_column`), and each report with other bodies' reports of the
same year found as candidates — so a national corpus is not compared pair by pair. Each
report has a signature of :data:`NUM_PERM` values (one-permutation MinHash: its shingle
hashes in :data:`NUM_PERM` ranges, the least of each); reports that agree on one of
:data:`BANDS` bands of the signature are candidates, the :data:`MAX_CANDIDATES` nearest in a
band's order taken from each band (templated prose puts every report in every other's band:
this keeps the work linear), and of a report's candidates the :data:`MAX_CANDIDATES`
closest by signature are compared exactly. A pair whose ``repeated_share`` reaches
``threshold`` (default 0.8) is a finding.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit.analysis import metrics
from reportkit.extract.read import read_document

SHINGLE = 8
NUM_PERM = 128  # the signature's length
BANDS = 32  # of NUM_PERM // BANDS values each
THRESHOLD = 0.8
#: Other bodies' reports of the same year compared exactly with each report, at most: the
#: closest by signature.
MAX_CANDIDATES = 5
#: Prose shorter than this many characters (after normalising) is not compared.
MIN_CHARS = 200
#: A candidate whose share estimated from the signatures is this far below ``threshold``
#: is not compared exactly (the estimate's standard error is under 0.05).
MARGIN = 0.3
#: Reports read by one process, below which no processes are started.
_CHUNK = 256
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d")
_EMPTY = np.uint64(0xFFFF_FFFF_FFFF_FFFF)  # a signature range holding no shingle
_BIN_SHIFT = np.uint64(64 - int(np.log2(NUM_PERM)))
COLUMNS = ["report_id", "agency", "year", "other_report_id", "other_agency", "other_year",
           "relation", "repeated_share", "jaccard", "finding"]


def normalise(text: str) -> str:
    """NFKC, without spaces and punctuation, every digit 0."""
    return _DIGITS.sub("0", _DROP.sub("", unicodedata.normalize("NFKC", text)))


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """The character shingles of the normalised ``text`` (empty when it is too short)."""
    norm = normalise(text)
    if len(norm) < max(MIN_CHARS, size):
        return frozenset()
    return frozenset(norm[i:i + size] for i in range(len(norm) - size + 1))


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, on every element (uint64, wrapping)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def shingle_hashes(text: str, size: int = SHINGLE) -> np.ndarray:
    """The shingles of ``text`` (:func:`shingles`) as sorted unique 64-bit hashes: each
    window's code points folded in one at a time through a 64-bit mixer."""
    norm = normalise(text)
    if len(norm) < max(MIN_CHARS, size):
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    n = len(codes) - size + 1
    with np.errstate(over="ignore"):
        h = np.full(n, 0x9E3779B97F4A7C15, dtype=np.uint64)
        for k in range(size):
            h = _mix(h ^ codes[k:k + n])
    return np.unique(h)


def signature(hashes: np.ndarray) -> np.ndarray:
    """The :data:`NUM_PERM` values of a sorted hash set: the least hash of each of as many
    equal ranges of the 64-bit space (:data:`_EMPTY` where a range holds none)."""
    starts = np.searchsorted(hashes, np.arange(NUM_PERM, dtype=np.uint64) << _BIN_SHIFT)
    ends = np.append(starts[1:], len(hashes))
    out = np.full(NUM_PERM, _EMPTY, dtype=np.uint64)
    held = starts < ends
    out[held] = hashes[starts[held]]
    return out


def prose(path: str | Path) -> str:
    """A report file's prose: its paragraphs, tables left out ("" when it cannot be read)."""
    try:
        doc = read_document(Path(path).read_bytes(), str(path))
    except Exception:  # a file that cannot be read has no prose to compare
        return ""
    return "\n".join(doc.paragraphs())


def _file_hashes(paths: Sequence[str]) -> list[np.ndarray]:
    return [shingle_hashes(prose(p)) for p in paths]


def _read_hashes(paths: Sequence[str]) -> Iterable[np.ndarray]:
    """Each file's shingle hashes, in order; read by one process a core when there are
    many (forked, on Linux: no script or notebook is imported again)."""
    jobs = min(os.cpu_count() or 1, len(paths) // _CHUNK)
    if jobs < 2 or not sys.platform.startswith("linux"):
        yield from _file_hashes(paths)
        return
    chunks = [paths[i:i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        for part in pool.map(_file_hashes, chunks):
            yield from part


class _Sets:
    """Every compared report's hash set in one array (offsets into it) and signature."""

    def __init__(self, arrays: list[np.ndarray]) -> None:
        sizes = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
        self.offsets = np.concatenate([[0], np.cumsum(sizes)])
        self.flat = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint64)
        self.sizes = sizes
        self.signatures = (np.vstack([signature(a) for a in arrays]) if arrays
                           else np.empty((0, NUM_PERM), dtype=np.uint64))

    def get(self, i: int) -> np.ndarray:
        return self.flat[self.offsets[i]:self.offsets[i + 1]]

    def shares(self, i: int, j: int) -> tuple[float, float]:
        """(repeated_share, jaccard) of report ``i`` against report ``j``, exactly."""
        a, b = self.get(i), self.get(j)
        at = np.searchsorted(b, a)
        common = int(np.count_nonzero(b[np.minimum(at, len(b) - 1)] == a))
        return common / len(a), common / (len(a) + len(b) - common)


def copied_reports(reports: pd.DataFrame, texts: dict[str, str] | None = None,
                   threshold: float = THRESHOLD) -> pd.DataFrame:
    """Pairs of reports whose prose repeats (module docstring), one row per report and
    pair: the same body's previous year (``relation = "previous_year"``, always listed
    when both exist) and other bodies of the same year above ``threshold``
    (``"same_year"``). ``texts``: report_id → prose (default: read from ``source_path``).
    Columns: :data:`COLUMNS`; ``finding`` is ``repeated_share >= threshold``."""
    body = metrics.body_column(reports)
    frame = reports[reports["year"].notna()]
    if texts is not None:
        arrays = [shingle_hashes(text if (text := texts.get(rid)) is not None
                                 else prose(path))
                  for rid, path in zip(frame["report_id"], frame["source_path"])]
    else:
        arrays = list(_read_hashes(list(frame["source_path"].astype(str))))
    kept = np.fromiter((len(a) > 0 for a in arrays), dtype=bool, count=len(arrays))
    frame = frame[kept].reset_index(drop=True)
    sets = _Sets([a for a, k in zip(arrays, kept) if k])
    del arrays
    meta = list(zip(frame[body], frame["agency"], frame["year"].astype(int)))
    ids = list(frame["report_id"])
    rows = []
    by_key = {(key, year): i for i, (key, _, year) in enumerate(meta)}
    for (key, year), i in by_key.items():
        earlier = by_key.get((key, year - 1))
        if earlier is not None:
            rows.append(_row(ids, meta, i, earlier, "previous_year", sets, threshold))
    codes = pd.factorize(frame[body])[0]
    for _year, part in frame.groupby("year").indices.items():
        for i, j in _closest(part, codes, sets, threshold):
            row = _row(ids, meta, i, j, "same_year", sets, threshold)
            if row[-1]:
                rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values("repeated_share", ascending=False, kind="stable").reset_index(
        drop=True)


def _candidates(members: np.ndarray, codes: np.ndarray, sig: np.ndarray) -> np.ndarray:
    """Pairs (i < j, as rows of an (n, 2) array of indices into ``members``) of different
    bodies that agree on a band, each report paired with the :data:`MAX_CANDIDATES`
    nearest on either side in the band's order (by the band, then the next two bands)."""
    n, width = len(members), NUM_PERM // BANDS
    found = []
    for band in range(BANDS):
        cols = [(band * width + k) % NUM_PERM for k in range(3 * width)]
        order = np.lexsort(tuple(sig[:, c] for c in reversed(cols)))
        key = sig[order][:, cols[:width]]
        for d in range(1, MAX_CANDIDATES + 1):
            same = (key[:-d] == key[d:]).all(axis=1)
            a, b = order[:-d][same], order[d:][same]
            other = codes[members[a]] != codes[members[b]]
            found.append(np.minimum(a, b)[other] * n + np.maximum(a, b)[other])
    flat = np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return np.stack([flat // n, flat % n], axis=1)


def _closest(members: np.ndarray, codes: np.ndarray, sets: _Sets,
             threshold: float) -> list[tuple[int, int]]:
    """Of one year's reports (indices ``members``), each report's :data:`MAX_CANDIDATES`
    closest candidates by signature whose estimated share is within :data:`MARGIN` of
    ``threshold``: (report, other) pairs to compare exactly."""
    sig = sets.signatures[members]
    pairs = _candidates(members, codes, sig)
    if not len(pairs):
        return []
    estimate = np.empty(len(pairs))
    for start in range(0, len(pairs), 100_000):  # bounded memory: 100,000 × 128 at a time
        a, b = sig[pairs[start:start + 100_000, 0]], sig[pairs[start:start + 100_000, 1]]
        empty = (a == _EMPTY) & (b == _EMPTY)
        held = np.maximum(NUM_PERM - empty.sum(axis=1), 1)
        estimate[start:start + 100_000] = ((a == b) & ~empty).sum(axis=1) / held
    first = np.concatenate([pairs[:, 0], pairs[:, 1]])
    second = np.concatenate([pairs[:, 1], pairs[:, 0]])
    both = np.concatenate([estimate, estimate])
    order = np.lexsort((second, -both, first))
    first, second, both = first[order], second[order], both[order]
    starts = np.flatnonzero(np.r_[True, first[1:] != first[:-1]])
    rank = np.arange(len(first)) - np.repeat(starts, np.diff(np.r_[starts, len(first)]))
    size_a = sets.sizes[members[first]]
    size_b = sets.sizes[members[second]]
    share = both * (size_a + size_b) / ((1 + both) * size_a)  # |A ∩ B| / |A|, estimated
    keep = (rank < MAX_CANDIDATES) & (share >= threshold - MARGIN)
    return list(zip(members[first[keep]].tolist(), members[second[keep]].tolist()))


def _row(ids: list[str], meta: list[tuple], i: int, j: int, relation: str, sets: _Sets,
         threshold: float) -> list:
    share, jaccard = sets.shares(i, j)
    (_, agency, year), (_, other_agency, other_year) = meta[i], meta[j]
    return [ids[i], agency, year, ids[j], other_agency, other_year, relation, share, jaccard,
            share >= threshold]
