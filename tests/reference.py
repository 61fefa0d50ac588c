"""Reference implementations the tests compare the package with (not shipped in it).

* :func:`iter_reports`: the first, serial implementation of an ingest: files parsed in
  order in this process, later copies of the same content marked duplicates;
* :func:`write_corpus`: frames held in memory written as pandas writes them (Parquet, and
  Excel-safe CSV with a BOM; ``values.csv`` wide, :func:`wide_values`; ``checks.csv`` the
  checks not passed), staged and renamed
  as the package writes its outputs; the streamed writer
  (:class:`reportkit.corpus.store.CorpusWriter`) must give the same files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from reportkit.corpus.csvtext import excel_safe_frame
from reportkit.corpus.files import DEFAULT_MAX_SIZE_MB, _duplicate, parse_file
from reportkit.corpus.manifest import read_manifests
from reportkit.corpus.outdir import publish, stage
from reportkit.corpus.store import Corpus
from reportkit.corpus.wide import REPORT_FIELDS, wide_columns
from reportkit.extract.parse import Report
from reportkit.schema.frames import FRAMES


def iter_reports(files: list[Path], max_size_mb: float = DEFAULT_MAX_SIZE_MB
                 ) -> Iterator[Report]:
    """Parse ``files`` in order, in this process, marking later copies of the same content
    as duplicates (what ``reportkit.ingest`` does, one :class:`Report` at a time)."""
    overrides = read_manifests(files)
    max_bytes = int(max_size_mb * 1e6)
    first_of: dict[str, str] = {}
    copies: dict[str, int] = {}
    for path in files:
        report = parse_file(path, overrides.get(path.resolve()), max_bytes)
        if report.sha256 and report.sha256 in first_of:
            copies[report.sha256] = copies.get(report.sha256, 1) + 1
            yield _duplicate(report.report_id, str(path), report.sha256,
                             copies[report.sha256], first_of[report.sha256])
            continue
        if report.sha256:
            first_of[report.sha256] = str(path)
        yield report



def wide_values(corpus: Corpus) -> pd.DataFrame:
    """The values wide as pandas makes them: one row per report (in the order of
    ``reports``), its fields, then one column per cell key (``wide_columns``), NaN where a
    report has no figure."""
    values = corpus.values
    keys = values["table"] + "." + values["row"] + "." + values["column"]
    pivot = values.assign(key=keys).pivot(index="report_id", columns="key", values="value")
    cells = wide_columns()[len(REPORT_FIELDS):]
    pivot = pivot.reindex(columns=cells).astype("float64")
    return corpus.reports[list(REPORT_FIELDS)].join(pivot, on="report_id")


def write_corpus(corpus: Corpus, out_dir: str | Path) -> list[Path]:
    """Write ``values``/``reports``/``checks`` as Parquet and as CSV (UTF-8 with BOM, so
    Excel shows the Chinese; the values wide, one row per report; the checks not passed).
    Each file is written to a temporary name and renamed, and all are staged before any
    is renamed, so an interrupted run leaves no half file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name in FRAMES:
            frame: pd.DataFrame = getattr(corpus, name)
            for suffix in (".parquet", ".csv"):
                tmp = stage(out, name)
                staged.append((tmp, out / f"{name}{suffix}"))
                if suffix == ".parquet":
                    frame.to_parquet(tmp, index=False)
                else:
                    shown = (wide_values(corpus) if name == "values"
                             else frame[frame["status"] != "passed"] if name == "checks"
                             else frame)
                    excel_safe_frame(shown).to_csv(tmp, index=False, encoding="utf-8-sig")
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    publish(staged)
    return [final for _, final in staged]
