"""CSV for Excel: lines formatted in Arrow exactly as ``pandas.DataFrame.to_csv`` formats
the same frame (UTF-8, a BOM in the header), and text that can never run as a formula.

Every CSV reportkit writes goes through here (:mod:`reportkit.corpus.store` streams the
corpus's, :mod:`reportkit.brief.sources` the briefing's list of sources): a text cell that
starts like a formula gets a leading ``'``; the Parquet keeps the text as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_CSV_QUOTED = '[,"\n]'  # the csv module (QUOTE_MINIMAL, lineterminator "\n") quotes these
#: A text cell starting with one of these would run in Excel as a formula; written with a
#: leading ``'`` in the CSVs (the Parquet keeps the text as it was).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: … unless it is a plain signed number or a lone sign ("-5", "+3.5", "-"): no formula.
_PLAIN_SIGNED = r"^[+-][0-9０-９]*[.．]?[0-9０-９]*$"


def excel_safe(text: str) -> str:
    """``text`` as a CSV cell Excel will not run: a leading ``'`` before a formula start
    (see :data:`FORMULA_STARTS`)."""
    if text[:1] in FORMULA_STARTS and not re.match(_PLAIN_SIGNED, text):
        return "'" + text
    return text


def excel_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells made :func:`excel_safe` (numbers untouched)."""
    out = frame
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            safe = col.map(lambda v: excel_safe(v) if isinstance(v, str) else v)
            if not safe.equals(col):
                out = out.copy() if out is frame else out
                out[name] = safe
    return out


def _defused(arr: pa.Array) -> pa.Array:
    """String cells that could run as formulas, prefixed with ``'``."""
    starts = pc.is_in(pc.utf8_slice_codeunits(arr, 0, 1),
                      value_set=pa.array(FORMULA_STARTS, arr.type))
    if not pc.any(starts).as_py():
        return arr
    suspects = pc.filter(arr, starts)  # usually a dash or a signed figure: looked at alone
    danger = pc.invert(pc.match_substring_regex(suspects, _PLAIN_SIGNED))
    if not pc.any(danger).as_py():
        return arr
    prefixed = pc.binary_join_element_wise(pa.scalar("'", arr.type), suspects,
                                           pa.scalar("", arr.type))
    return pc.replace_with_mask(arr, starts, pc.if_else(danger, prefixed, suspects))


def _csv_text(arr: pa.Array) -> pa.Array:
    """String cells: blank for missing, formula starts defused, quoted (quotes doubled)
    where the csv module would."""
    arr = pc.fill_null(arr, "")
    data = arr.buffers()[2]
    if data is None:
        return arr
    raw = data.to_pybytes()  # one copy, then memchr: most columns hold no such character
    if any(ch in raw for ch in (b"=", b"+", b"-", b"@", b"\t", b"\r")):
        arr = _defused(arr)  # adds a ' only: what needs quoting is as it was
    if not any(ch in raw for ch in (b",", b'"', b"\n")):
        return arr
    needs = pc.match_substring_regex(arr, _CSV_QUOTED)
    quote, empty = pa.scalar('"', arr.type), pa.scalar("", arr.type)
    quoted = pc.binary_join_element_wise(quote, pc.replace_substring(arr, '"', '""'), quote,
                                         empty)
    return pc.if_else(needs, quoted, arr)


def _csv_float(arr: pa.Array) -> pa.Array:
    """Floats as ``repr`` writes them ("572.0", "254.38"), blank for NaN."""
    arr = pc.cast(arr, pa.float64())
    nan = pc.is_nan(arr)
    whole = pc.and_(pc.equal(pc.floor(arr), arr), pc.less(pc.abs(arr), 1e15))
    # -0.0 must stay "-0.0": only positive zeros and non-zero whole numbers take the fast way
    zero = pc.equal(arr, 0.0)
    positive_zero = pc.and_(zero, pc.equal(pc.divide(1.0, arr), float("inf")))
    fast = pc.and_(whole, pc.or_(pc.invert(zero), positive_zero))
    ints = pc.cast(pc.if_else(fast, arr, 0.0), pa.int64())
    out = pc.binary_join_element_wise(pc.cast(ints, pa.string()), ".0", "")
    slow = pc.and_(pc.invert(fast), pc.invert(nan))
    if pc.any(slow).as_py():
        idx = pc.indices_nonzero(slow)
        text = pa.array([repr(v) for v in pc.take(arr, idx).to_pylist()], pa.string())
        out = pc.replace_with_mask(out, slow, text)
    if pc.any(nan).as_py():
        out = pc.if_else(nan, "", out)
    return out


def _csv_bool(arr: pa.Array) -> pa.Array:
    """Nullable booleans as pandas writes them: True, False, blank."""
    text = pc.if_else(arr, "True", "False")
    return pc.fill_null(text, "")


def _csv_cells(table: pa.Table | pa.RecordBatch) -> list[pa.Array]:
    """Each column of ``table`` as its CSV cells (large strings), as pandas formats them."""
    columns = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
               for c in table.columns]
    cols = []
    for field, col in zip(table.schema, columns):
        if pa.types.is_floating(field.type):
            cols.append(_csv_float(col))
        elif pa.types.is_boolean(field.type):
            cols.append(_csv_bool(col))
        elif pa.types.is_integer(field.type):
            cols.append(pc.fill_null(pc.cast(col, pa.string()), ""))
        else:
            cols.append(_csv_text(pc.cast(col, pa.large_string())))
    return [pc.cast(c, pa.large_string()) for c in cols]


def _joined_lines(cols: list[pa.Array]) -> bytes:
    """Cells (one array per column, large strings) as CSV lines."""
    comma, newline, empty = (pa.scalar(x, pa.large_string()) for x in (",", "\n", ""))
    cols = [*cols[:-1], pc.binary_join_element_wise(cols[-1], newline, empty)]
    lines = pc.binary_join_element_wise(*cols, comma)
    # the lines lie end to end in the array's data buffer: take them without a Python loop
    _, offsets, data = lines.buffers()
    bounds = pa.Array.from_buffers(pa.int64(), len(lines) + 1, [None, offsets],
                                   offset=lines.offset)
    return data.to_pybytes()[bounds[0].as_py():bounds[-1].as_py()]


def csv_lines(table: pa.Table | pa.RecordBatch) -> bytes:
    """The rows of ``table`` as CSV lines (no header), UTF-8, formatted as
    ``DataFrame.to_csv`` formats the same frame."""
    if table.num_rows == 0:
        return b""
    return _joined_lines(_csv_cells(table))


def wide_csv_lines(fields: pa.Table, matrix: np.ndarray) -> bytes:
    """Wide rows as CSV lines: ``fields`` (one row per report), then the float
    ``matrix`` (reports × cells, NaN blank), formatted as pandas formats float columns."""
    n, m = matrix.shape
    if n == 0:
        return b""
    cells = pc.cast(_csv_float(pa.array(matrix.ravel())), pa.large_string())
    offsets = pa.array(np.arange(0, n * m + 1, m, dtype=np.int64))
    figures = pc.binary_join(pa.LargeListArray.from_arrays(offsets, cells),
                             pa.scalar(",", pa.large_string()))
    return _joined_lines([*_csv_cells(fields), figures])


def csv_header(columns: Sequence[str]) -> bytes:
    """The header line of a CSV of ``columns``: UTF-8 with a BOM, so Excel shows the
    Chinese."""
    return ("\ufeff" + ",".join(columns) + "\n").encode("utf-8")
