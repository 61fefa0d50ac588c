"""Copied reports: how much of a report's prose repeats the same body's previous report, or
another body's report of the same year.

Evaluators flag reports copied from last year's (CASS found up to 90 % repeated text). The
prose (the document's paragraphs; the tables are left out) is normalised — NFKC, spaces and
punctuation dropped, every digit read as 0 so that a copy with this year's figures typed in
still matches — and cut into character shingles of :data:`SHINGLE` characters.

* ``repeated_share`` = |A ∩ B| / |A|: the share of this report's shingles found in the other
  report (on the shingle sets, each shingle kept as a 64-bit hash — 8 bytes instead of a
  Python string, so a national corpus fits in memory; two different shingles share a hash
  with a chance of about 2⁻⁶⁴);
* ``jaccard`` = |A ∩ B| / |A ∪ B|.

Pairs compared: each report with the same body's report of the year before (body key
:func:`reportkit.metrics.body_column`), and each report with other bodies' reports of the
same year that a MinHash LSH index (``datasketch``; :data:`NUM_PERM` permutations) offers as
candidates, the :data:`MAX_CANDIDATES` closest of them (by MinHash estimate) compared
exactly — so a national corpus is not compared pair by pair. A pair whose
``repeated_share`` reaches ``threshold`` (default 0.8) is a finding.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit.analysis import metrics
from reportkit.extract.read import read_document

SHINGLE = 8
NUM_PERM = 128
THRESHOLD = 0.8
#: Other bodies' reports of the same year compared exactly with each report, at most: the
#: closest by MinHash estimate (templated prose makes every report a candidate of every
#: other; this keeps the work linear).
MAX_CANDIDATES = 5
#: Prose shorter than this many characters (after normalising) is not compared.
MIN_CHARS = 200
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d")
COLUMNS = ["report_id", "agency", "year", "other_report_id", "other_agency", "other_year",
           "relation", "repeated_share", "jaccard", "finding"]


def normalise(text: str) -> str:
    """NFKC, without spaces and punctuation, every digit 0."""
    return _DIGITS.sub("0", _DROP.sub("", unicodedata.normalize("NFKC", text)))


def _hashed(items: frozenset[str]) -> np.ndarray:
    """The shingles as sorted unique 64-bit hashes (BLAKE2b, 8 bytes each)."""
    out = np.fromiter((int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8)
                                      .digest(), "little") for s in items),
                      dtype=np.uint64, count=len(items))
    return np.unique(out)


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """The character shingles of the normalised ``text`` (empty when it is too short)."""
    norm = normalise(text)
    if len(norm) < max(MIN_CHARS, size):
        return frozenset()
    return frozenset(norm[i:i + size] for i in range(len(norm) - size + 1))


def prose(path: str | Path) -> str:
    """A report file's prose: its paragraphs, tables left out ("" when it cannot be read)."""
    try:
        doc = read_document(Path(path).read_bytes(), str(path))
    except Exception:  # a file that cannot be read has no prose to compare
        return ""
    return "\n".join(doc.paragraphs())


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    common = int(np.intersect1d(a, b, assume_unique=True).size)
    return common / len(a), common / (len(a) + len(b) - common)


def _minhash(items: frozenset[str]) -> object:
    """The MinHash of one shingle set (as ``MinHash.bulk`` builds it)."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM)
    m.update_batch([s.encode("utf-8") for s in items])
    return m


def copied_reports(reports: pd.DataFrame, texts: dict[str, str] | None = None,
                   threshold: float = THRESHOLD) -> pd.DataFrame:
    """Pairs of reports whose prose repeats (module docstring), one row per report and
    pair: the same body's previous year (``relation = "previous_year"``, always listed
    when both exist) and other bodies of the same year above ``threshold``
    (``"same_year"``). ``texts``: report_id → prose (default: read from ``source_path``).
    Columns: :data:`COLUMNS`; ``finding`` is ``repeated_share >= threshold``."""
    body = metrics.body_column(reports)
    frame = reports[reports["year"].notna()]
    sets: dict[str, np.ndarray] = {}
    minhashes: dict[str, object] = {}
    for r in frame.itertuples():  # one report's shingle strings at a time, then hashes
        text = (texts or {}).get(r.report_id)
        if text is None:
            text = prose(r.source_path)
        items = shingles(text)
        if items:
            sets[r.report_id] = _hashed(items)
            minhashes[r.report_id] = _minhash(items)
    frame = frame[frame["report_id"].isin(list(sets))]
    rows = []
    meta = {r.report_id: (getattr(r, body), r.agency, int(r.year))
            for r in frame.itertuples()}
    by_key = {(key, year): rid for rid, (key, _, year) in meta.items()}
    for (key, year), rid in by_key.items():
        earlier = by_key.get((key, year - 1))
        if earlier:
            rows.append(_row(meta, rid, earlier, "previous_year", sets, threshold))
    for _year, part in frame.groupby("year"):
        rows += _same_year(list(part["report_id"]), meta, sets, minhashes, threshold)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values("repeated_share", ascending=False, kind="stable").reset_index(
        drop=True)


def _same_year(ids: list[str], meta: dict[str, tuple], sets: dict[str, np.ndarray],
               minhashes: dict[str, object], threshold: float) -> list[list]:
    """Reports of one year against other bodies' reports of that year: LSH candidates,
    the :data:`MAX_CANDIDATES` closest by MinHash estimate, then the exact share."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=max(threshold * 0.6, 0.1), num_perm=NUM_PERM)
    hashes = [minhashes[rid] for rid in ids]
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    matrix = np.vstack([m.hashvalues for m in hashes]) if hashes else np.empty((0, NUM_PERM))
    codes = pd.factorize(pd.Series([meta[rid][0] for rid in ids], dtype=object))[0]
    rows = []
    for i, m in enumerate(hashes):
        found = np.fromiter(lsh.query(m), dtype=np.int64)
        found = found[(found != i) & (codes[found] != codes[i])]
        if not len(found):
            continue
        estimate = (matrix[found] == matrix[i]).mean(axis=1)
        for j in np.argsort(-estimate, kind="stable")[:MAX_CANDIDATES]:
            row = _row(meta, ids[i], ids[int(found[j])], "same_year", sets, threshold)
            if row[-1]:
                rows.append(row)
    return rows


def _row(meta: dict[str, tuple], rid: str, other: str, relation: str,
         sets: dict[str, np.ndarray], threshold: float) -> list:
    share, jaccard = _pair(sets[rid], sets[other])
    (_, agency, year), (_, other_agency, other_year) = meta[rid], meta[other]
    return [rid, agency, year, other, other_agency, other_year, relation, share, jaccard,
            share >= threshold]
