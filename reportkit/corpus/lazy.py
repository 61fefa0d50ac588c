"""The values of a stored corpus left in Parquet: a lazy frame that DuckDB queries.

``reportkit.load`` gives a :class:`LazyValues` for ``values.parquet``: nothing is read until
it is asked for. :mod:`reportkit.analysis` runs its measures on it as SQL pushed down to the
Parquet file (DuckDB reads it directly), so only the small aggregate frames reach pandas.

Selecting rows stays lazy, in the pandas idiom the notebooks and the briefing use::

    values[values["report_id"].isin(ids)]               # a LazyValues again
    values[(values["report_id"] == rid) & values["value"].isna()]

``len(values)``, ``values.head(n)`` and ``values.columns`` read only what they need; any
other pandas use (``values.table``, ``values.groupby`` …) reads the selected rows into a
DataFrame once (:meth:`LazyValues.to_pandas`, the frame ``pd.read_parquet`` gives, rows in
file order) and answers from it.

One DuckDB connection per corpus (:func:`connect`): in memory, ``threads`` 2, a bounded
``memory_limit`` (spilling to a temporary folder beyond it), and the progress bar off on
every cursor (inside Jupyter DuckDB's progress bar raises).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from reportkit.schema.frames import VALUE_COLUMNS, VALUES_SCHEMA

#: DuckDB's settings for every corpus connection.
THREADS = 2
MEMORY_LIMIT = "1GB"
_names = itertools.count()


def connect(memory_limit: str = MEMORY_LIMIT, threads: int = THREADS) -> Any:
    """A new in-memory DuckDB connection: ``threads``, ``memory_limit``, a temporary folder
    of this process to spill into, no progress bar."""
    import duckdb

    spill = Path(tempfile.gettempdir()) / f"reportkit-duckdb-{os.getpid()}"
    con = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit,
                                 "temp_directory": str(spill)})
    progress_bar_off(con)
    return con


def progress_bar_off(con: Any) -> None:
    """``SET enable_progress_bar=false`` on ``con``. Inside Jupyter without ipywidgets
    DuckDB refuses to change the setting at all (it raises InvalidInputException, "Could
    not change the progress bar setting"); it then draws no bar either (duckdb/duckdb#6831),
    so that refusal is taken as off."""
    import duckdb

    try:
        con.execute("SET enable_progress_bar=false")
    except duckdb.InvalidInputException as exc:
        if "progress bar" not in str(exc):
            raise


@contextmanager
def cursor(con: Any) -> Iterator[Any]:
    """A cursor of ``con`` (its own registrations, the progress bar off), closed after."""
    cur = con.cursor()
    try:
        progress_bar_off(cur)
        yield cur
    finally:
        cur.close()


def unique_name(stem: str) -> str:
    """A name for a registered frame that no other query of this process uses."""
    return f"_rk_{stem}_{next(_names)}"


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """``value`` (text or number) as an SQL literal."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    raise TypeError(f"cannot compare a values column with {type(value).__name__}")


class Predicate:
    """A row condition on the values: SQL text plus the frames it refers to (registered on
    the cursor that runs it). Combine with ``&``, ``|`` and ``~``."""

    def __init__(self, sql: str, frames: dict[str, pd.DataFrame] | None = None) -> None:
        self.sql, self.frames = sql, dict(frames or {})

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(f"({self.sql}) AND ({other.sql})", {**self.frames, **other.frames})

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(f"({self.sql}) OR ({other.sql})", {**self.frames, **other.frames})

    def __invert__(self) -> Predicate:
        return Predicate(f"NOT coalesce(({self.sql}), FALSE)", self.frames)

    def __repr__(self) -> str:
        return f"Predicate({self.sql!r})"


class LazyColumn:
    """One column of a :class:`LazyValues`: comparisons give a :class:`Predicate`; anything
    else reads the column (of the selected rows) as a pandas Series."""

    def __init__(self, values: LazyValues, name: str) -> None:
        self._values, self.name = values, name

    def _sql(self) -> str:
        return f"v.{quote(self.name)}"

    def isin(self, items: Iterable[object]) -> Predicate:
        """Rows whose value is one of ``items`` (as ``Series.isin``)."""
        listed = pd.Series(list(items), dtype=object).dropna()
        if listed.empty:
            return Predicate("FALSE")
        name = unique_name("in")
        frame = pd.DataFrame({"item": listed.astype(str) if self.name != "value"
                              and self.name != "page" else listed})
        return Predicate(f"{self._sql()} IN (SELECT item FROM {name})", {name: frame})

    def isna(self) -> Predicate:
        """Rows where the column is blank (NULL, or NaN for ``value``)."""
        if self.name == "value":
            return Predicate(f"({self._sql()} IS NULL OR isnan({self._sql()}))")
        return Predicate(f"{self._sql()} IS NULL")

    isnull = isna

    def notna(self) -> Predicate:
        """Rows where the column holds something (``~isna``)."""
        return ~self.isna()

    notnull = notna

    def __eq__(self, other: object) -> Predicate:  # type: ignore[override]
        return Predicate(f"{self._sql()} = {literal(other)}")

    def __ne__(self, other: object) -> Predicate:  # type: ignore[override]
        return Predicate(f"coalesce({self._sql()} <> {literal(other)}, TRUE)")

    __hash__ = None  # type: ignore[assignment]

    def to_pandas(self) -> pd.Series:
        """The column of the selected rows, in file order."""
        return self._values.to_pandas(columns=[self.name])[self.name]

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.to_pandas(), attr)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.to_pandas())


class LazyValues:
    """The ``values`` rows of ``path`` (a Parquet file) that ``where`` keeps, unread."""

    def __init__(self, path: str | Path, con: Any, where: tuple[Predicate, ...] = ()) -> None:
        self.path, self.con, self.where = Path(path), con, where
        self._frame: pd.DataFrame | None = None

    # -- SQL ----------------------------------------------------------------------------------

    def from_sql(self, cur: Any) -> str:
        """A sub-query (alias-free) of the selected rows with their file position ``_pos``,
        registering on ``cur`` the frames the conditions refer to."""
        for pred in self.where:
            for name, frame in pred.frames.items():
                cur.register(name, frame)
        where = " AND ".join(f"({p.sql})" for p in self.where) or "TRUE"
        return (f"(SELECT v.* EXCLUDE (file_row_number), v.file_row_number AS _pos FROM "
                f"read_parquet({literal(str(self.path))}, file_row_number = true) AS v "
                f"WHERE {where})")

    @property
    def relation(self) -> Any:
        """The selected rows as a DuckDB relation on the corpus connection."""
        for pred in self.where:
            for name, frame in pred.frames.items():
                self.con.register(name, frame)
        return self.con.sql(f"SELECT * EXCLUDE (_pos) FROM {self.from_sql(self.con)} "
                            "ORDER BY _pos")

    def restrict(self, report_ids: Iterable[object]) -> LazyValues:
        """The rows of these reports only (a new LazyValues)."""
        return self[self["report_id"].isin(report_ids)]

    # -- reading --------------------------------------------------------------------------------

    def to_pandas(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The selected rows as the DataFrame ``pd.read_parquet`` gives (file order)."""
        if columns is None and self._frame is not None:
            return self._frame
        if not self.where:
            frame = pd.read_parquet(self.path, columns=columns)
        else:
            cols = columns or list(VALUE_COLUMNS)
            with cursor(self.con) as cur:
                sql = (f"SELECT {', '.join(quote(c) for c in cols)} FROM {self.from_sql(cur)} "
                       "ORDER BY _pos")
                table = cur.sql(sql).to_arrow_table()
            schema = VALUES_SCHEMA if columns is None else None
            if schema is not None:
                table = table.cast(schema)
            frame = table.to_pandas()
        if columns is None:
            self._frame = frame
        return frame

    def __len__(self) -> int:
        with cursor(self.con) as cur:
            return int(cur.execute(f"SELECT count(*) FROM {self.from_sql(cur)}").fetchone()[0])

    @property
    def empty(self) -> bool:
        """Whether no row is selected."""
        return len(self) == 0

    @property
    def columns(self) -> pd.Index:
        """The columns of ``values`` (:data:`reportkit.schema.frames.VALUE_COLUMNS`)."""
        return pd.Index(VALUE_COLUMNS)

    def __contains__(self, name: object) -> bool:
        return name in VALUE_COLUMNS

    def head(self, n: int = 5) -> pd.DataFrame:
        """The first ``n`` selected rows (file order), read alone."""
        if self._frame is not None:
            return self._frame.head(n)
        with cursor(self.con) as cur:
            cols = ", ".join(quote(c) for c in VALUE_COLUMNS)
            table = cur.sql(f"SELECT {cols} FROM {self.from_sql(cur)} ORDER BY _pos "
                            f"LIMIT {int(n)}").to_arrow_table()
        return table.cast(VALUES_SCHEMA).to_pandas()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, Predicate):
            return LazyValues(self.path, self.con, (*self.where, key))
        if isinstance(key, str) and key in VALUE_COLUMNS:
            return LazyColumn(self, key)
        return self.to_pandas()[key]

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)
        if attr in VALUE_COLUMNS:
            return self.to_pandas()[attr]
        return getattr(self.to_pandas(), attr)

    def __repr__(self) -> str:
        where = " AND ".join(p.sql for p in self.where)
        return f"LazyValues({str(self.path)!r}{', where ' + where if where else ''})"
