"""The output frames, once: every column of ``values``, ``reports`` and ``checks``, their
Arrow schemas, the file names a run writes and the statuses a report can have.

A public contract (``../shared/reference/schema.md``, ``docs/architecture.md``): a parse
(:meth:`reportkit.extract.parse.Report.values_frame`), the streamed writer
(:mod:`reportkit.corpus.store`), the cache (:mod:`reportkit.corpus.cache`) and the ingest
all take their columns from here. It sits in ``schema/`` (not ``corpus/``) because a single
parse already returns these frames, and a change here changes the parser version (the
cache hashes ``schema/`` and ``extract/``).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

#: A report's status: every cell found (``ok``), some lost to layout and named
#: (``partial``), unreadable (``failed``), no tables of the form (``not_a_report``), the
#: same bytes as an earlier file (``duplicate``), a file that is plainly no report (a
#: picture, a spreadsheet, an archive: ``skipped``). In this order in every summary.
STATUSES: tuple[str, ...] = ("ok", "partial", "failed", "not_a_report", "duplicate",
                             "skipped")

FRAMES = ("values", "reports", "checks")
#: The six files ``reportkit ingest`` writes, in the order they are moved into place.
OUTPUT_FILES = tuple(f"{n}{s}" for n in FRAMES for s in (".parquet", ".csv"))
#: The long CSVs, written only on request (``--long-csv``): the values one row per report
#: and cell (``values.csv`` is wide, one row per report) and every check (``checks.csv``
#: holds those that did not pass).
LONG_VALUES_CSV = "values_long.csv"
LONG_CHECKS_CSV = "checks_long.csv"
#: The status of a check that holds (:func:`reportkit.extract.checks.result`), the one
#: ``checks.csv`` leaves out: nearly every check of a corpus passes (4.6 million rows at
#: 100,000 reports, four times what Excel opens); ``checks.parquet`` and
#: ``checks_long.csv`` hold every check.
PASSED = "passed"

#: ``label_raw``: the row's label as printed; ``match``: how it was named (exact |
#: normalised | similar | position | repaired); ``page``: the PDF page (else null).
VALUE_COLUMNS = ["report_id", "table", "row", "column", "value", "raw", "label_raw", "match",
                 "page"]
CHECK_COLUMNS = ["report_id", "check", "subject", "expected", "actual", "passed", "status",
                 "kind"]
#: A report's row of ``reports`` without ``source_path``, in this order ("meta": what the
#: cache keeps per parsed content, which may be read from another path next time).
META_FIELDS = ("report_id", "sha256", "agency", "agency_short", "agency_id", "level",
               "body_kind", "region", "year",
               "template", "status", "error", "format", "encoding", "n_values",
               "n_checks_failed", "ignored_rows")
#: The columns of ``reports``: the meta with ``source_path`` second.
REPORT_COLUMNS = [META_FIELDS[0], "source_path", *META_FIELDS[1:]]


def _with_pandas_metadata(schema: pa.Schema, sample: pd.DataFrame) -> pa.Schema:
    """``schema`` carrying the pandas metadata ``DataFrame.to_parquet`` would write, so
    ``pd.read_parquet`` restores the same dtypes (nullable ``Int64``, ``boolean``)."""
    meta = pa.Schema.from_pandas(sample, preserve_index=False).metadata
    return schema.with_metadata(meta)


_S = pa.large_string()
VALUES_SCHEMA = _with_pandas_metadata(
    pa.schema([("report_id", _S), ("table", _S), ("row", _S), ("column", _S),
               ("value", pa.float64()), ("raw", _S), ("label_raw", _S), ("match", _S),
               ("page", pa.int64())]),
    pd.DataFrame({"report_id": ["r"], "table": ["t"], "row": ["r"], "column": ["c"],
                  "value": [0.0], "raw": ["0"], "label_raw": ["l"], "match": ["exact"],
                  "page": pd.array([1], dtype="Int64")}))
CHECKS_SCHEMA = _with_pandas_metadata(
    pa.schema([("report_id", _S), ("check", _S), ("subject", _S), ("expected", pa.float64()),
               ("actual", pa.float64()), ("passed", pa.bool_()), ("status", _S),
               ("kind", _S)]),
    pd.DataFrame({"report_id": ["r"], "check": ["c"], "subject": ["s"], "expected": [0.0],
                  "actual": [0.0], "passed": pd.array([True], dtype="boolean"),
                  "status": ["passed"], "kind": ["arithmetic"]}))
#: Each report's prose (its paragraphs in order, one a line; the tables left out), for the
#: text analyses (:mod:`reportkit.analysis.similarity`): one row per report read (none for
#: a duplicate or a file that could not be read), beside the six outputs, no CSV.
PROSE_FILE = "prose.parquet"
PROSE_SCHEMA = pa.schema([("report_id", _S), ("prose", _S)])
#: What each report's rows go to, in this order, each stream in ``<name>.parquet``: the
#: writer, the assembler and the cache's spans all take them from here.
ROW_STREAMS: dict[str, pa.Schema] = {"values": VALUES_SCHEMA, "checks": CHECKS_SCHEMA,
                                     "prose": PROSE_SCHEMA}
#: Every file a run writes and moves into place: the six outputs, then the prose.
WRITTEN_FILES = (*OUTPUT_FILES, PROSE_FILE)
__all__ = ["CHECKS_SCHEMA", "CHECK_COLUMNS", "FRAMES", "LONG_CHECKS_CSV", "LONG_VALUES_CSV",
           "META_FIELDS", "OUTPUT_FILES", "PASSED", "PROSE_FILE", "PROSE_SCHEMA",
           "REPORT_COLUMNS", "ROW_STREAMS", "STATUSES", "VALUES_SCHEMA", "VALUE_COLUMNS",
           "WRITTEN_FILES"]
