"""What the analysis has already asked DuckDB of a stored corpus, kept in this process.

A notebook or the briefing asks the same per-report question many times: every chart of
a topic, and every table under it, pools the same cells of the same reports into other
groups (overall, per body, the top 20 and the others, per year). The per-report answer
(:func:`reportkit.analysis.sql.cell_sums` and its kin) depends only on the values read,
the reports' ids in order and the question, never on how the reports are then grouped; so
it is computed once and kept here, and each grouping pools it in numpy.

The key is made of content, never of object identity: the Parquet file (its path, size
and modification time), the conditions of the :class:`reportkit.corpus.lazy.LazyValues`
(their SQL with every registered frame replaced by a digest of its rows), and digests of
the frames the question carries (report ids, layouts, the measure terms). A frame held in
memory is not kept (it can change under the same name); a rewritten Parquet file is a new
key. At most :data:`BUDGET` bytes are kept, the least recently used dropped first.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reportkit.corpus.lazy import LazyValues

#: Bytes of answers kept per process at most.
BUDGET = 256 * 2**20
_KEPT: OrderedDict[tuple, tuple[pd.DataFrame, int]] = OrderedDict()  # key -> (answer, bytes)


def digest(obj: pd.DataFrame | pd.Series | pd.Index) -> str:
    """A digest of the rows of ``obj`` (values, order and dtypes; the index is left out):
    numbers by their bytes, anything else by each value's ``repr`` and its length."""
    if isinstance(obj, pd.Index):
        obj = obj.to_series(index=None)
    frame = obj.to_frame() if isinstance(obj, pd.Series) else obj
    h = hashlib.blake2b(digest_size=16)
    h.update(str(len(frame)).encode())
    for name, column in frame.items():
        h.update(f"\x1e{name}\x1f{column.dtype}\x1f".encode())
        if column.dtype.kind in "biufcmM":  # numpy numbers and times: their bytes
            h.update(np.ascontiguousarray(column.to_numpy()).tobytes())
            continue
        if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
            _arrow_texts(h, pa.array(column))
            continue
        texts = list(map(repr, column.tolist()))  # '1' is not 1; None, NaN, <NA> differ
        h.update(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)).tobytes())
        h.update("".join(texts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _arrow_texts(h: Any, array: pa.Array | pa.ChunkedArray) -> None:
    """Feed ``h`` an Arrow string column: each text's length in bytes (-1: null), then
    the texts' bytes, as they are in Arrow's buffers (no Python string made)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.large_string())
    h.update(pc.binary_length(array).fill_null(-1).to_numpy().astype(np.int64).tobytes())
    _, offsets, data = array.buffers()
    if data is None or len(array) == 0:
        return
    ends = np.frombuffer(offsets, dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    h.update(memoryview(data)[int(ends[0]):int(ends[-1])])


def source_key(values: object) -> tuple | None:
    """The content key of a stored corpus's ``values`` (None for a frame in memory)."""
    if not isinstance(values, LazyValues):
        return None
    try:
        stat = values.path.stat()
    except OSError:
        return None
    where = []
    for pred in values.where:
        sql = pred.sql
        for name in sorted(pred.frames, key=len, reverse=True):  # _rk_in_50 before _rk_in_5
            sql = sql.replace(name, digest(pred.frames[name]))
        where.append(sql)
    return (str(values.path.resolve()), stat.st_size, stat.st_mtime_ns, tuple(where))


def kept(kind: str, values: object, parts: tuple[Hashable, ...],
         compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The answer of ``compute()`` to question ``kind`` with ``parts`` on ``values``: from
    this process's store when asked before, else computed (and kept when ``values`` is a
    stored corpus). A copy is returned, so that callers may change it."""
    source = source_key(values)
    if source is None:
        return compute()
    key = (kind, source, parts)
    if key in _KEPT:
        _KEPT.move_to_end(key)
        return _KEPT[key][0].copy()
    answer = compute()
    _KEPT[key] = (answer, int(answer.memory_usage(index=True, deep=True).sum()))
    _trim()
    return answer.copy()


def _trim() -> None:
    total = sum(size for _, size in _KEPT.values())
    while _KEPT and total > BUDGET:
        _, (_, size) = _KEPT.popitem(last=False)
        total -= size


def clear() -> None:
    """Forget every kept answer."""
    _KEPT.clear()


def stats() -> dict[str, Any]:
    """How many answers are kept and their bytes."""
    return {"answers": len(_KEPT), "bytes": sum(size for _, size in _KEPT.values())}
