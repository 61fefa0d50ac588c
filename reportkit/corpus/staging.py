"""What the parent of an ingest must remember of every report, kept on disk, not in memory.

An ingest writes ``values`` and ``checks`` as they come (:mod:`reportkit.corpus.store`), but
three things span the whole run: the row of ``reports`` of every file (its count of failed
checks is only known once the cross-year checks are done), the first path of every
content (a later copy is a ``duplicate`` naming it) and each report's carried figures for
the cross-year checks. They go into one SQLite file (the standard library's
:mod:`sqlite3`) in the output folder's staging area, ``.reports.XXXX.tmp`` (a killed run's
is removed by the next, :func:`reportkit.corpus.outdir.remove_stale`), deleted when the run
ends; so the parent's memory is the same for 10,000 reports as for 1,000,000.

After the last file, the cross-year checks are computed in one pass over the carried
figures in (body, year) order, and the rows of ``reports`` are read back in file order, in
frames of at most :data:`FRAME_ROWS`, with the cross-year failures added to their counts.
"""

from __future__ import annotations

import errno
import itertools
import os
import sqlite3
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from reportkit.corpus.outdir import stage
from reportkit.extract import metadata
from reportkit.extract.checks import CheckResult, YearEntry, check_across_years
from reportkit.schema.frames import REPORT_COLUMNS

#: Rows of ``reports`` per frame read back (and per Parquet row group written).
FRAME_ROWS = 16_384
_PENDING_ROWS = 4_096  # report rows inserted together
#: The dtype pandas gives a column of text (so a frame of a column's missing rows only
#: gets the dtype the other frames give it).
_TEXT = pd.Series(["x"]).dtype
_COLS = ", ".join(f"c{i}" for i in range(len(REPORT_COLUMNS)))
_FAILED = REPORT_COLUMNS.index("n_checks_failed")
_SCHEMA = f"""
CREATE TABLE reports (seq INTEGER PRIMARY KEY, {_COLS});
CREATE TABLE first (sha TEXT PRIMARY KEY, path TEXT, copies INTEGER) WITHOUT ROWID;
CREATE TABLE carry (seq INTEGER PRIMARY KEY, agency BLOB, name TEXT, year INTEGER,
                    report_id TEXT, template TEXT, figures BLOB);
CREATE TABLE failed (report_id TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;
CREATE TABLE renamed (id TEXT, agency TEXT, new TEXT, PRIMARY KEY (id, agency)) WITHOUT ROWID;
"""
_ID, _AGENCY = REPORT_COLUMNS.index("agency_id"), REPORT_COLUMNS.index("agency")


def _key(agency: str) -> bytes:
    # UTF-8 bytes compare (memcmp, as SQLite orders BLOBs) as Python compares the text
    return agency.encode("utf-8", "surrogatepass")


class Staging:
    """The per-report state of one ingest, in a SQLite file in ``folder`` (the output
    folder; without one, the system's temporary folder). Close it to delete the file."""

    def __init__(self, folder: str | Path | None) -> None:
        if folder is not None:
            self.path = stage(Path(folder), "reports")
        else:
            fd, name = tempfile.mkstemp(prefix=".reports.", suffix=".tmp")
            os.close(fd)
            self.path = Path(name)
        self.pending: list[tuple[Any, ...]] = []
        self.carried: list[tuple[Any, ...]] = []  # carry rows not inserted yet
        self.split = False  # split_bodies done
        self.db: sqlite3.Connection | None = None
        try:
            with self._io():
                self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None)
        # scratch data: no journal (no second file), no syncing, a small page cache
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -16000",
                       "temp_store = FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")

    @contextmanager
    def _io(self) -> Iterator[None]:
        """SQLite's errors (a full disk, an unwritable folder) as the OSError any other
        write raises."""
        try:
            yield
        except sqlite3.Error as exc:
            raise OSError(errno.EIO, f"cannot write the staging file: {exc}",
                          str(self.path)) from exc

    def _sql(self) -> sqlite3.Connection:
        assert self.db is not None, "the staging file is closed"
        return self.db

    # --- during the run -----------------------------------------------------------------------

    def copy_of(self, sha256: str, path: str) -> tuple[str, int] | None:
        """For a content seen before: the path it was first seen at and this copy's number
        (2, 3, …); else None, and ``path`` is remembered as its first."""
        db = self._sql()
        with self._io():
            if db.execute("INSERT OR IGNORE INTO first VALUES (?, ?, 1)",
                          (sha256, path)).rowcount:
                return None
            first, copies = db.execute("SELECT path, copies + 1 FROM first WHERE sha = ?",
                                       (sha256,)).fetchone()
            db.execute("UPDATE first SET copies = ? WHERE sha = ?", (copies, sha256))
        return first, copies

    def add_report(self, row: tuple[Any, ...]) -> None:
        """The next row of ``reports`` (in :data:`REPORT_COLUMNS` order)."""
        self.pending.append(row)
        if len(self.pending) >= _PENDING_ROWS:
            self._flush()

    def _flush(self) -> None:
        marks = ", ".join("?" * len(REPORT_COLUMNS))
        self._insert(f"INSERT INTO reports ({_COLS}) VALUES ({marks})", self.pending)
        self._insert("INSERT INTO carry (agency, name, year, report_id, template, figures) "
                     "VALUES (?, ?, ?, ?, ?, ?)", self.carried)

    def _insert(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """``rows`` inserted by ``sql``, then forgotten (the list emptied)."""
        if rows:
            with self._io():
                self._sql().executemany(sql, rows)
            rows.clear()

    def add_carry(self, report_id: str, agency: Any, year: Any, figures: tuple[float, ...],
                  template: str, name: str = "") -> None:
        """A report's carried figures (:data:`reportkit.corpus.pool._CARRY_CELLS` order)
        under its body's key ``agency`` (its agency_id) and the ``name`` it printed; as in
        :func:`check_across_years`, only the first report of a body and year counts, and
        one without either is not checked."""
        if not agency or year is None:
            return
        self.carried.append((_key(agency), name, year, report_id, template,
                             array("d", figures).tobytes()))
        if len(self.carried) >= _PENDING_ROWS:
            self._flush()

    # --- after the last file --------------------------------------------------------------------

    def split_bodies(self) -> None:
        """Tell apart the bodies that share an agency_id but not a place (南京市 and 福州市
        鼓楼区人民政府: :func:`reportkit.extract.metadata.split_bodies`), one key at a time
        in key order; only keys read off the name are split (a manifest's are the user's)."""
        self._flush()
        if self.split:
            return
        self.split = True
        with self._io():
            db = self._sql()
            rows = db.execute(f"SELECT DISTINCT c{_ID}, c{_AGENCY} FROM reports WHERE "
                              f"c{_ID} != '' AND c{_AGENCY} != '' ORDER BY c{_ID}")
            for key, group in itertools.groupby(rows, key=lambda row: row[0]):
                names = [name for _, name in group if metadata.agency_id(name) == key]
                if len(names) > 1:
                    db.executemany("INSERT INTO renamed VALUES (?, ?, ?)",
                                   [(key, name, new) for name, new
                                    in metadata.split_bodies(names).items()])

    def across_years(self, carried: Any) -> Iterator[CheckResult]:
        """The cross-year checks (:func:`check_across_years`), in its order, from one pass
        over the carried figures, each body under its key after :meth:`split_bodies`;
        ``carried`` makes a mapping of a report's figures. The failures are added to their
        reports' counts."""
        self.split_bodies()
        key = "coalesce(CAST(r.new AS BLOB), c.agency)"
        with self._io():
            rows = self._sql().execute(
                f"SELECT body, year, report_id, template, figures FROM ("
                f"SELECT {key} AS body, c.year, c.report_id, c.template, c.figures, "
                f"row_number() OVER (PARTITION BY {key}, c.year ORDER BY c.seq) AS n "
                f"FROM carry c LEFT JOIN renamed r "
                f"ON r.id = CAST(c.agency AS TEXT) AND r.agency = c.name) "
                f"WHERE n = 1 ORDER BY body, year")
            earlier: tuple[Any, ...] | None = None
            failed: list[tuple[str]] = []
            for row in rows:
                if earlier is not None and earlier[0] == row[0] and earlier[1] == row[1] - 1:
                    for result in check_across_years([_entry(earlier, carried),
                                                      _entry(row, carried)]):
                        if result.passed is False:
                            failed.append((result.report_id,))
                        yield result
                earlier = row
                if len(failed) >= _PENDING_ROWS:
                    self._count_failed(failed)
            self._count_failed(failed)

    def _count_failed(self, failed: list[tuple[str]]) -> None:
        # another cursor of the same connection: the rows being read are not changed
        self._sql().executemany("INSERT INTO failed VALUES (?, 1) ON CONFLICT (report_id) "
                                "DO UPDATE SET n = n + 1", failed)
        failed.clear()

    def report_fields(self, names: Sequence[str]) -> pa.Table:
        """The columns ``names`` of every row of ``reports``, in file order, typed as
        ``reports.parquet`` holds them: ``year`` whole numbers, the rest text. Only
        columns the cross-year checks leave as they are (not ``n_checks_failed`` or
        ``agency_id``)."""
        assert not {"n_checks_failed", "agency_id"} & set(names), names
        self._flush()
        columns = ", ".join(f"c{REPORT_COLUMNS.index(name)}" for name in names)
        schema = pa.schema([(name, pa.int64() if name == "year" else pa.string())
                            for name in names])
        batches = []  # Arrow a few thousand rows at a time: no Python row of every report
        with self._io():
            rows = self._sql().execute(f"SELECT {columns} FROM reports ORDER BY seq")
            while chunk := rows.fetchmany(FRAME_ROWS):
                batches.append(pa.record_batch([pa.array(list(column), field.type) for
                                                column, field in zip(zip(*chunk), schema)],
                                               schema=schema))
        return pa.Table.from_batches(batches, schema)

    def reports(self, rows_per_frame: int | None = FRAME_ROWS) -> Iterator[pd.DataFrame]:
        """The rows of ``reports`` in file order, cross-year failures counted, as frames of
        the dtypes one frame of them all would have (at least one frame, maybe empty)."""
        self._flush()
        with self._io():
            yield from self._frames(rows_per_frame)

    def _frames(self, rows_per_frame: int | None) -> Iterator[pd.DataFrame]:
        db = self._sql()
        counted = ", ".join(f"count(c{i})" for i in range(len(REPORT_COLUMNS)))
        counts = db.execute(f"SELECT {counted} FROM reports").fetchone()
        found = [name for name, n in zip(REPORT_COLUMNS, counts) if n]  # not wholly missing
        columns = ", ".join(f"c{i} + coalesce(failed.n, 0)" if i == _FAILED
                            else f"coalesce(renamed.new, c{i})" if i == _ID else f"c{i}"
                            for i in range(len(REPORT_COLUMNS)))
        rows = db.execute(f"SELECT {columns} FROM reports LEFT JOIN failed "
                          f"ON failed.report_id = reports.c0 LEFT JOIN renamed "
                          f"ON renamed.id = reports.c{_ID} AND renamed.agency = reports.c{_AGENCY}"
                          f" ORDER BY seq")
        if rows_per_frame is None:
            yield _frame(rows.fetchall(), found)
            return
        chunk = rows.fetchmany(rows_per_frame)
        yield _frame(chunk, found)
        while len(chunk) == rows_per_frame:
            chunk = rows.fetchmany(rows_per_frame)
            if not chunk:
                return
            yield _frame(chunk, found)

    def close(self) -> None:
        """Close and delete the staging file."""
        try:
            if self.db is not None:
                self.db.close()
        finally:
            self.db = None
            self.pending, self.carried = [], []
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


def _entry(row: tuple[Any, ...], carried: Any) -> YearEntry:
    agency, year, report_id, template, figures = row
    return YearEntry(report_id, agency.decode("utf-8", "surrogatepass"), year,
                     carried(tuple(array("d", figures))), template)


def _frame(rows: list[tuple[Any, ...]], found: list[str]) -> pd.DataFrame:
    """Rows of ``reports`` as the frame ``ingest._reports_frame`` makes of them all."""
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    for name in found:  # a column with values elsewhere, wholly missing in these rows
        if frame[name].dtype == object and frame[name].isna().all():
            frame[name] = frame[name].astype(_TEXT)
    frame["year"] = frame["year"].astype("Int64")
    frame["n_values"] = frame["n_values"].astype("int64")
    return frame


__all__ = ["FRAME_ROWS", "Staging"]
