"""Copied reports: how much of a report's prose repeats the same body's previous report, or
another body's report of the same year.

Evaluators flag reports copied from last year's (CASS found up to 90 % repeated text). The
prose (the document's paragraphs; the tables are left out) is normalised — NFKC, spaces and
punctuation dropped, every digit read as 0 so that a copy with this year's figures typed in
still matches — and cut into character shingles of :data:`SHINGLE` characters, each kept as
a 64-bit hash (computed in numpy for all the windows of a few hundred texts at once, the
texts joined and the windows crossing from one into the next dropped; two different
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

How it is computed, at scale: the signatures' values are replaced by their rank in each
column (the same order and ties in 16 bits), so the bands' orders are cheap sorts and the
signature estimates compare less memory; the exact comparisons are made many pairs at a
time, both sets of each pair merged by one stable sort of keys (the pair, then the top of
the hash) and the hashes of neighbours with one key compared, each pair of sets compared
once whichever way round it comes.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit.analysis import metrics
from reportkit.corpus.store import StoredCorpus, StoredProse, read_prose
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


def _window_hashes(codes: np.ndarray, size: int) -> np.ndarray:
    """The hash of every window of ``size`` code points in ``codes`` (uint64): the window's
    code points folded in one at a time through the mixer."""
    n = len(codes) - size + 1
    with np.errstate(over="ignore"):
        h = np.full(n, 0x9E3779B97F4A7C15, dtype=np.uint64)
        for k in range(size):
            h = _mix(h ^ codes[k:k + n])
    return h


def _hash_normalised(norms: Sequence[str],
                     size: int = SHINGLE) -> tuple[np.ndarray, np.ndarray]:
    """The shingle hashes of many normalised texts at once: (each text's sorted unique
    hashes, one text after another; how many each text has). The texts are hashed as one
    string, the windows crossing from one text into the next dropped; a text too short
    (:data:`MIN_CHARS`) has none."""
    short = max(MIN_CHARS, size)
    norms = [norm if len(norm) >= short else "" for norm in norms]
    lengths = np.fromiter(map(len, norms), dtype=np.int64, count=len(norms))
    windows = np.maximum(lengths - size + 1, 0)
    if not windows.any():
        return np.empty(0, dtype=np.uint64), np.zeros(len(norms), dtype=np.int64)
    codes = np.frombuffer("".join(norms).encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    text = np.repeat(np.arange(len(norms)), windows)
    skip = np.cumsum(lengths) - lengths - (np.cumsum(windows) - windows)
    hashes = _window_hashes(codes, size)[np.arange(len(text)) + np.repeat(skip, windows)]
    order = np.lexsort((hashes, text))
    hashes, text = hashes[order], text[order]
    new = np.ones(len(hashes), dtype=bool)
    new[1:] = (hashes[1:] != hashes[:-1]) | (text[1:] != text[:-1])
    return hashes[new], np.bincount(text[new], minlength=len(norms))


def shingle_hashes(text: str, size: int = SHINGLE) -> np.ndarray:
    """The shingles of ``text`` (:func:`shingles`) as sorted unique 64-bit hashes: each
    window's code points folded in one at a time through a 64-bit mixer."""
    return _hash_normalised([normalise(text)], size)[0]


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


def _signatures(flat: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """:func:`signature` of every set at once (``flat``: the sets one after another,
    ``sizes`` long), as rows: the first hash of each range in each set."""
    key = (np.repeat(np.arange(len(sizes), dtype=np.int64) * NUM_PERM, sizes)
           + (flat >> _BIN_SHIFT).astype(np.int64))
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    out = np.full(len(sizes) * NUM_PERM, _EMPTY, dtype=np.uint64)
    out[key[first]] = flat[first]
    return out.reshape(len(sizes), NUM_PERM)


#: Some texts' hash sets: (the sets one after another, their sizes, their signatures).
_Hashed = tuple[np.ndarray, np.ndarray, np.ndarray]


def _hash_texts(texts: Sequence[str]) -> _Hashed:
    """The shingle hashes and signatures of ``texts`` (an empty set for a short text)."""
    flat, sizes = _hash_normalised([normalise(text) for text in texts])
    return flat, sizes, _signatures(flat, sizes)


#: A file to hash: its path and its prose when known (None: read from the file).
_Item = tuple[str, str | None]


def _item_hashes(items: Sequence[_Item]) -> _Hashed:
    return _hash_texts([prose(path) if text is None else text for path, text in items])


def _read_hashes(paths: Sequence[str], given: Sequence[str | None] | StoredProse | None = None
                 ) -> list[_Hashed]:
    """The shingle hashes and signatures of each file's prose, in order (a few parts,
    :func:`_joined`): ``given[i]`` where it is not None, else read from ``paths[i]``;
    hashed :data:`_CHUNK` reports at a time by one process a core when there are many
    (forked, on Linux: no script or notebook is imported again)."""
    def chunk(i: int) -> list[_Item]:
        if given is None:
            texts: Sequence[str | None] = [None] * len(paths[i:i + _CHUNK])
        elif isinstance(given, StoredProse):
            texts = given.texts(i, i + _CHUNK)
        else:
            texts = given[i:i + _CHUNK]
        return list(zip(paths[i:i + _CHUNK], texts))

    chunks = map(chunk, range(0, len(paths), _CHUNK))
    jobs = min(os.cpu_count() or 1, len(paths) // _CHUNK)
    if jobs < 2 or not sys.platform.startswith("linux"):
        return _joined(map(_item_hashes, chunks))
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        return _joined(_ahead(pool, chunks, 2 * jobs))


def _ahead(pool: ProcessPoolExecutor, chunks: Iterator[list[_Item]],
           width: int) -> Iterator[_Hashed]:
    """``_item_hashes`` of each chunk, in order, at most ``width`` chunks handed to the
    pool ahead (``pool.map`` would make every chunk's texts at once)."""
    pending: deque[Future] = deque()
    for part in chunks:
        pending.append(pool.submit(_item_hashes, part))
        if len(pending) >= width:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _joined(parts: Iterable[_Hashed], every: int = 64) -> list[_Hashed]:
    """``parts`` joined ``every`` at a time as they come: a few large arrays, whose memory
    goes back to the system when they are dropped (many small ones' stays with the
    process)."""
    blocks: list[_Hashed] = []
    pending: list[_Hashed] = []
    for part in itertools.chain(parts, [None]):
        if part is not None:
            pending.append(part)
        if pending and (part is None or len(pending) == every):
            blocks.append((np.concatenate([p[0] for p in pending]),
                           np.concatenate([p[1] for p in pending]),
                           np.concatenate([p[2] for p in pending])))
            pending = []
    return blocks


#: Hashes of the sets compared in one pass of :meth:`_Sets._common`, about (a pass holds
#: at most ``_BATCH // 2 + 1`` pairs).
_BATCH = 1 << 16
#: Bits of a pair's place in a pass in the keys of :meth:`_Sets._common` (a pass's pairs
#: must fit); the rest of the key is the top of the hash.
_PAIR_BITS = 24
assert _BATCH // 2 + 1 < 1 << _PAIR_BITS


class _Sets:
    """Every compared report's hash set in one array (offsets into it) and signature."""

    def __init__(self, parts: list[_Hashed]) -> None:
        """The sets of ``parts`` (emptied: each part is dropped once copied, so that the
        sets are not held twice); ``kept``: which texts have a set."""
        sizes = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int64)
        self.kept = sizes > 0
        self.sizes = sizes[self.kept]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)])
        self.flat = np.empty(self.offsets[-1], dtype=np.uint64)
        self.signatures = np.empty((len(self.sizes), NUM_PERM), dtype=np.uint64)
        at = row = 0
        parts.reverse()
        while parts:
            flat, part_sizes, signatures = parts.pop()
            self.flat[at:at + len(flat)] = flat
            held = signatures[part_sizes > 0]
            self.signatures[row:row + len(held)] = held
            at, row = at + len(flat), row + len(held)
        self.clashes = self._clashes()

    def _clashes(self) -> np.ndarray:
        """Whether each set has two hashes that share a key of :meth:`_common` (the
        top bits of the hash)."""
        out = np.zeros(len(self.sizes), dtype=bool)
        step = 1 << 22
        for start in range(0, max(len(self.flat) - 1, 0), step):
            part = self.flat[start:start + step + 1]
            at = start + np.flatnonzero((part[1:] ^ part[:-1]) >> np.uint64(_PAIR_BITS) == 0)
            of = np.searchsorted(self.offsets, at, side="right") - 1
            out[of[at + 1 < self.offsets[of + 1]]] = True
        return out

    def get(self, i: int) -> np.ndarray:
        """Report ``i``'s hashes (sorted)."""
        return self.flat[self.offsets[i]:self.offsets[i + 1]]

    @staticmethod
    def _common_one(a: np.ndarray, b: np.ndarray) -> int:
        """How many hashes of the sorted ``a`` are in the sorted ``b``."""
        at = np.searchsorted(b, a)
        return int(np.count_nonzero(b[np.minimum(at, len(b) - 1)] == a))

    def shares_of(self, first: np.ndarray,
                  second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(repeated_share, jaccard) of each report in ``first`` against the one in
        ``second`` beside it, exactly (each pair's sets compared once
        whichever way round it comes)."""
        n = len(self.sizes)
        pairs, back = np.unique(np.minimum(first, second) * n + np.maximum(first, second),
                                return_inverse=True)
        low, high = pairs // n, pairs % n
        common = np.zeros(len(pairs), dtype=np.int64)
        load = np.cumsum(self.sizes[low] + self.sizes[high])  # each pair holds 2 or more
        cuts = np.searchsorted(load, np.arange(0, load[-1] if len(load) else 0, _BATCH))
        for start, end in itertools.pairwise(np.unique(np.r_[cuts, len(pairs)])):
            common[start:end] = self._common(low[start:end], high[start:end])
        for k in np.flatnonzero(self.clashes[low] | self.clashes[high]):
            common[k] = self._common_one(self.get(low[k]), self.get(high[k]))
        common = common[back]
        size_a, size_b = self.sizes[first], self.sizes[second]
        return common / size_a, common / (size_a + size_b - common)

    def _members(self, sets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The hashes of ``sets`` one after another, and keys: each hash's place in
        ``sets`` above the top of the hash (sorted: each set is)."""
        sizes = self.sizes[sets]
        place = np.repeat(np.arange(len(sets), dtype=np.uint64), sizes)
        at = np.arange(len(place)) + np.repeat(self.offsets[sets] - (np.cumsum(sizes) - sizes),
                                               sizes)
        hashes = self.flat[at]
        return hashes, (place << np.uint64(64 - _PAIR_BITS)) | (hashes >> np.uint64(_PAIR_BITS))

    def _common(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """How many hashes each set in ``first`` shares with the one in ``second`` beside
        it: both sides' keys merged (one stable sort of two sorted runs), a shared hash
        being two neighbours with the same key and hash. Right unless a set has two
        hashes under one key (:attr:`clashes`)."""
        a, key_a = self._members(first)
        b, key_b = self._members(second)
        keys = np.concatenate([key_a, key_b])
        order = np.argsort(keys, kind="stable")
        keys, hashes = keys[order], np.concatenate([a, b])[order]
        same = (keys[1:] == keys[:-1]) & (hashes[1:] == hashes[:-1])
        shift = np.uint64(64 - _PAIR_BITS)
        return np.bincount((keys[1:][same] >> shift).astype(np.int64), minlength=len(first))


def copied_reports(reports: pd.DataFrame, texts: dict[str, str] | None = None,
                   threshold: float = THRESHOLD, corpus: object = None) -> pd.DataFrame:
    """Pairs of reports whose prose repeats (module docstring), one row per report and
    pair: the same body's previous year (``relation = "previous_year"``, always listed
    when both exist) and other bodies of the same year above ``threshold``
    (``"same_year"``). Each report's prose is ``texts[report_id]`` when given, else what
    the ingest kept of it in ``corpus``'s folder (``prose.parquet``, when ``corpus`` is
    a processed folder's corpus, as ``reportkit.load`` gives), else read from its
    ``source_path``. Columns: :data:`COLUMNS`; ``finding`` is
    ``repeated_share >= threshold``."""
    body = metrics.body_column(reports)
    frame = reports[reports["year"].notna()]
    given: Sequence[str | None] | StoredProse | None = None
    if texts is not None:
        given = [texts.get(rid) for rid in frame["report_id"]]
    elif isinstance(corpus, StoredCorpus):
        given = read_prose(corpus.directory, list(frame["report_id"]))
    sets = _Sets(_read_hashes(list(frame["source_path"].astype(str)), given))
    del given  # hashed: the texts are not needed again
    frame = frame[sets.kept].reset_index(drop=True)
    prev = _previous_years(frame, body)
    codes = pd.factorize(frame[body])[0]
    same = [_closest(part, codes, sets, threshold)
            for _year, part in frame.groupby("year").indices.items()]
    first = np.concatenate([prev[:, 0], *(pair[0] for pair in same)])
    second = np.concatenate([prev[:, 1], *(pair[1] for pair in same)])
    share, jaccard = sets.shares_of(first, second)
    del sets  # the frame's strings need the memory
    previous = np.arange(len(first)) < len(prev)
    keep = previous | (share >= threshold)
    return _frame(frame, first[keep], second[keep], share[keep], jaccard[keep],
                  previous[keep], threshold)


def _previous_years(frame: pd.DataFrame, body: str) -> np.ndarray:
    """(report, the same body's report of the year before) pairs, rows of ``frame``: an
    (n, 2) array, in the order of each (body, year)'s first report."""
    years = frame["year"].astype(int).to_numpy()
    by_key = {(key, year): i for i, (key, year) in enumerate(zip(frame[body], years))}
    pairs = [(i, earlier) for (key, year), i in by_key.items()
             if (earlier := by_key.get((key, year - 1))) is not None]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _frame(frame: pd.DataFrame, first: np.ndarray, second: np.ndarray, share: np.ndarray,
           jaccard: np.ndarray, previous: np.ndarray, threshold: float) -> pd.DataFrame:
    """The rows of pairs (``first``, ``second``: rows of ``frame``), largest share first."""
    if not len(first):
        return pd.DataFrame([], columns=COLUMNS)
    ids = frame["report_id"].to_numpy(dtype=object)
    agency = frame["agency"].to_numpy(dtype=object)
    year = frame["year"].astype(int).to_numpy()
    out = pd.DataFrame({
        "report_id": ids[first].tolist(), "agency": agency[first].tolist(),
        "year": year[first], "other_report_id": ids[second].tolist(),
        "other_agency": agency[second].tolist(), "other_year": year[second],
        "relation": np.where(previous, "previous_year", "same_year").tolist(),
        "repeated_share": share, "jaccard": jaccard, "finding": share >= threshold})
    return out.sort_values("repeated_share", ascending=False, kind="stable").reset_index(
        drop=True)


def _ranks(sig: np.ndarray) -> np.ndarray:
    """``sig`` with each column's values replaced by their rank among that column's values
    (the same order and the same ties, so the same comparisons), in as few bits as hold
    them."""
    out = np.empty(sig.shape, dtype=np.uint16 if len(sig) <= 1 << 16 else np.uint32)
    for c in range(sig.shape[1]):
        out[:, c] = np.unique(sig[:, c], return_inverse=True)[1]
    return out


def _candidates(members: np.ndarray, codes: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Pairs (i < j, as rows of an (n, 2) array of indices into ``members``) of different
    bodies that agree on a band, each report paired with the :data:`MAX_CANDIDATES`
    nearest on either side in the band's order (by the band, then the next two bands).
    ``ranks``: the signatures as :func:`_ranks`."""
    n, width = len(members), NUM_PERM // BANDS
    columns = np.asfortranarray(ranks)
    body = codes[members]
    found = []
    for band in range(BANDS):
        cols = [(band * width + k) % NUM_PERM for k in range(3 * width)]
        order = np.lexsort(tuple(columns[:, c] for c in reversed(cols)))
        key = ranks[order][:, cols[:width]]
        for d in range(1, MAX_CANDIDATES + 1):
            same = (key[:-d] == key[d:]).all(axis=1)
            a, b = order[:-d][same], order[d:][same]
            other = body[a] != body[b]
            found.append(np.minimum(a, b)[other] * n + np.maximum(a, b)[other])
    flat = np.sort(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    flat = flat[np.r_[True, flat[1:] != flat[:-1]]] if len(flat) else flat
    return np.stack([flat // n, flat % n], axis=1)


#: Candidate pairs whose signatures are compared in one pass, at most (bounded memory).
_STEP = 100_000


def _estimates(ranks: np.ndarray, empty: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Each pair's Jaccard estimated from the signatures (``ranks``, as :func:`_ranks`;
    ``empty``: their empty ranges, as bits): the share of the ranges held by either
    report in which the two have the same least hash."""
    out = np.empty(len(pairs))
    for start in range(0, len(pairs), _STEP):
        a, b = pairs[start:start + _STEP, 0], pairs[start:start + _STEP, 1]
        same = np.count_nonzero(ranks[a] == ranks[b], axis=1)
        gone = np.bitwise_count(empty[a] & empty[b]).sum(axis=1, dtype=np.int64)
        out[start:start + _STEP] = (same - gone) / np.maximum(NUM_PERM - gone, 1)
    return out


def _closest(members: np.ndarray, codes: np.ndarray, sets: _Sets,
             threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Of one year's reports (indices ``members``), each report's :data:`MAX_CANDIDATES`
    closest candidates by signature whose estimated share is within :data:`MARGIN` of
    ``threshold``: (report, other) pairs to compare exactly."""
    sig = sets.signatures[members]
    ranks = _ranks(sig)
    pairs = _candidates(members, codes, ranks)
    if not len(pairs):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    estimate = _estimates(ranks, np.packbits(sig == _EMPTY, axis=1), pairs)
    first = np.concatenate([pairs[:, 0], pairs[:, 1]])
    second = np.concatenate([pairs[:, 1], pairs[:, 0]])
    both = np.concatenate([estimate, estimate])
    order = _nearest_first(first, second, estimate, len(members))
    first, second, both = first[order], second[order], both[order]
    starts = np.flatnonzero(np.r_[True, first[1:] != first[:-1]])
    rank = np.arange(len(first)) - np.repeat(starts, np.diff(np.r_[starts, len(first)]))
    size_a = sets.sizes[members[first]]
    size_b = sets.sizes[members[second]]
    share = both * (size_a + size_b) / ((1 + both) * size_a)  # |A ∩ B| / |A|, estimated
    keep = (rank < MAX_CANDIDATES) & (share >= threshold - MARGIN)
    return members[first[keep]], members[second[keep]]


def _nearest_first(first: np.ndarray, second: np.ndarray, estimate: np.ndarray,
                   n: int) -> np.ndarray:
    """The order of the pairs (``first``, ``second``: candidate pairs, then the same pairs
    turned round; indices below ``n``) by ``first``, then estimate (largest first; the
    candidate pairs' ``estimate``), then ``second``: one sort of a key combining the three
    (the estimate by its rank among the estimates) where the key fits 63 bits."""
    values = np.unique(estimate)
    if n * n * max(len(values), 1) >= 1 << 62:
        both = np.concatenate([estimate, estimate])
        return np.lexsort((second, -both, first))
    rank = len(values) - 1 - np.searchsorted(values, estimate)
    rank = np.concatenate([rank, rank])
    return np.argsort((first * len(values) + rank) * n + second, kind="stable")
