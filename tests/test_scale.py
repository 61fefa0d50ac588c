"""Scale: the synthetic corpus, parallel ingest, the streaming writer and the cache.

Nothing here is timed (speed is measured by benchmarks/run.py). Each test compares a fast
path with the plain one: parallel with serial, cached with clean, streamed with pandas.
"""

from __future__ import annotations

import csv
import importlib
import math
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from conftest import SEED_FILES
from reference import iter_reports, write_corpus
from synthetic import make_reports
from synthetic import write_corpus as write_synthetic

import reportkit
import reportkit.corpus.cache
import reportkit.corpus.staging
import reportkit.corpus.store
from reportkit import schema
from reportkit.cli import main
from reportkit.corpus.csvtext import csv_lines
from reportkit.corpus.ingest import _reports_frame, find_files
from reportkit.corpus.store import Corpus
from reportkit.extract import metadata
from reportkit.extract.checks import YearEntry, check_across_years
from reportkit.extract.parse import parse_bytes
from reportkit.schema.frames import CHECKS_SCHEMA, VALUES_SCHEMA

INGEST = importlib.import_module("reportkit.corpus.files")  # where parse_file is looked up
SIX = [f"{n}{s}" for n in ("values", "reports", "checks") for s in (".parquet", ".csv")]
OUTPUTS = [*SIX, "prose.parquet"]  # what a run writes
AN_HOUR_AGO = time.time() - 3600


def _age(folder: Path) -> None:
    """Files as if written an hour ago (a fresh mtime is not trusted by the stat cache)."""
    for f in folder.rglob("*"):
        os.utime(f, (AN_HOUR_AGO, AN_HOUR_AGO))


def _assert_same_outputs(a: Path, b: Path, names: list[str] = OUTPUTS) -> None:
    for name in names:
        if name.endswith(".csv"):
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
        else:
            pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))


def _frame(frame: object) -> pd.DataFrame:
    """A corpus frame as pandas (a loaded corpus's values stay in Parquet until asked)."""
    return frame.to_pandas() if hasattr(frame, "to_pandas") else frame  # type: ignore[union-attr]


def _assert_same_corpus(a: Corpus, b: Corpus) -> None:
    for name in ("values", "reports", "checks"):
        pd.testing.assert_frame_equal(_frame(getattr(a, name)), _frame(getattr(b, name)))


class _Parsed:
    """The names of the files parsed, by this process or its worker processes (which
    append them to a log file): what the cache saved us from."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def names(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __eq__(self, other: object) -> bool:
        return self.names() == other

    def clear(self) -> None:
        self.log.unlink(missing_ok=True)


@pytest.fixture
def count_parses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> _Parsed:
    """Files parsed (workers are forked: they inherit the patch and write to the log)."""
    parsed = _Parsed(tmp_path / "parsed.log")
    real = INGEST.parse_file

    def counting(path: Path, *args: object) -> reportkit.Report:
        with parsed.log.open("a", encoding="utf-8") as fh:
            fh.write(Path(path).name + "\n")
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(INGEST, "parse_file", counting)
    return parsed


# --- the generator ----------------------------------------------------------------------------


def test_generated_reports_parse_exactly() -> None:
    """50 reports, both templates, both text layouts: every figure read back as written,
    every report ok, every identity holding."""
    reports = make_reports(50, seed=7)
    assert {(r.template, r.layout) for r in reports} == {
        (t, lay) for t in ("2019", "2021") for lay in ("cells", "rows")}
    assert {r.encoding for r in reports} >= {"utf-8"}
    for r in reports:
        parsed = parse_bytes(r.render(), r.file)
        assert parsed.status == "ok", (r.file, parsed.error)
        assert (parsed.agency, parsed.year, parsed.template) == (r.agency, r.year, r.template)
        got = parsed.value_map()
        assert set(got) == set(schema.cells_for(r.template)) == set(r.values)
        assert {k: v for k, v in got.items() if v != r.values[k]} == {}, r.file
        assert parsed.checks and all(c.passed is True for c in parsed.checks), r.file


def test_generator_is_deterministic_and_varied() -> None:
    a = [r.render() for r in make_reports(12, seed=3, layouts=("cells", "rows", "html"))]
    b = [r.render() for r in make_reports(12, seed=3, layouts=("cells", "rows", "html"))]
    c = [r.render() for r in make_reports(12, seed=4, layouts=("cells", "rows", "html"))]
    assert a == b and a != c
    many = make_reports(400, seed=1)
    assert len({r.region for r in many}) >= 10
    assert {r.year for r in many} == set(range(2019, 2025))
    assert any(r.encoding == "gbk" for r in many)


def test_generated_html_has_spanned_tables() -> None:
    page = make_reports(1, layouts=("html",))[0]
    html = page.render().decode(page.encoding)
    assert html.count("<table") == 3 and "rowspan=" in html and "colspan=" in html


def test_generated_html_parses_exactly() -> None:
    pytest.importorskip("reportkit.extract.readers.html",
                        reason="the HTML reader (branch `readers`) is not on this branch yet")
    for r in make_reports(12, seed=5, layouts=("html",)):
        parsed = parse_bytes(r.render(), r.file)
        assert parsed.status == "ok", (r.file, parsed.error)
        assert {k: v for k, v in parsed.value_map().items() if v != r.values[k]} == {}


def test_corpus_holds_across_years(tmp_path: Path) -> None:
    """carried_forward of year N is carried_over of N+1: the cross-year checks all pass."""
    reports = write_synthetic(tmp_path, 60, seed=2)
    corpus = reportkit.ingest([tmp_path], progress=False)
    assert (corpus.reports.status == "ok").all()
    by_body = {(r.agency, r.year) for r in reports}
    pairs = sum(1 for agency, year in by_body if (agency, year - 1) in by_body)
    cross = corpus.checks[corpus.checks.check == "carried_across_years"]
    assert pairs > 0 and len(cross) == pairs * len(schema.REQUEST_COLUMNS)
    assert corpus.checks.passed.all()
    assert set(corpus.reports.region) == {r.region for r in reports}  # from manifest.csv


# --- parallel and streamed = serial and in memory -------------------------------------------


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds, 60 generated reports, a copy, an empty file and a file that is no report."""
    folder = tmp_path_factory.mktemp("mixed")
    write_synthetic(folder / "gen", 60, seed=11)
    for f in SEED_FILES:
        shutil.copy(f, folder / f.name)
    shutil.copy(SEED_FILES[2], folder / "gen" / "copy.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.txt").write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    return folder


def test_parallel_equals_serial(mixed_corpus: Path, tmp_path: Path) -> None:
    serial = reportkit.ingest([mixed_corpus], progress=False, jobs=1)
    parallel = reportkit.ingest([mixed_corpus], progress=False, jobs=2)
    _assert_same_corpus(serial, parallel)
    assert len(serial.reports) == 68 and (serial.reports.status == "duplicate").sum() == 1
    reportkit.ingest([mixed_corpus], tmp_path / "one", progress=False, jobs=1, cache=False)
    reportkit.ingest([mixed_corpus], tmp_path / "two", progress=False, jobs=2, cache=False)
    _assert_same_outputs(tmp_path / "one", tmp_path / "two")


def _reference(paths: list[Path]) -> Corpus:
    """The corpus as the first, serial and in-memory, implementation built it."""
    values, checks, metas, carry = [], [], [], []
    table, forward, over = schema.CROSS_YEAR
    reports = list(iter_reports(find_files(paths)))
    names: dict[str, set[str]] = {}
    for report in reports:
        if report.agency_id and metadata.agency_id(report.agency) == report.agency_id:
            names.setdefault(report.agency_id, set()).add(report.agency)
    bodies = {(key, name): new for key, group in names.items()
              for name, new in metadata.split_bodies(sorted(group)).items()}
    for report in reports:  # same-named bodies of different places told apart
        report.agency_id = bodies.get((report.agency_id, report.agency), report.agency_id)
        metas.append(report.meta())
        if report.values:
            values.append(report.values_frame)
            checks.append(report.checks_frame)
            kept = {k: v for k, v in report.value_map().items()
                    if (k[0] == table and k[1] in (forward, over))
                    or (k[0] == "proactive" and k[1] in schema.IN_FORCE_ROWS)}
            carry.append(YearEntry(report.report_id, report.agency_id or report.agency,
                                   report.year, kept, report.template))
    cross = check_across_years(carry)
    checks.append(pd.DataFrame(
        [(c.report_id, c.check, c.subject, c.expected, c.actual, c.passed, c.status, c.kind)
         for c in cross], columns=CHECKS_SCHEMA.names).astype(
        {"expected": "float64", "actual": "float64", "passed": "boolean"}))
    return Corpus(pd.concat(values, ignore_index=True), _reports_frame(metas, cross),
                  pd.concat(checks, ignore_index=True))


def test_streaming_writer_writes_what_pandas_wrote(mixed_corpus: Path, tmp_path: Path) -> None:
    """Parquet read back equal, CSV byte for byte, to frames built in memory and written
    by pandas (``write_corpus``), as before the writer streamed."""
    write_corpus(_reference([mixed_corpus]), tmp_path / "pandas")
    reportkit.ingest([mixed_corpus], tmp_path / "streamed", progress=False, jobs=2)
    _assert_same_outputs(tmp_path / "pandas", tmp_path / "streamed", SIX)  # no prose there
    memory = reportkit.ingest([mixed_corpus], progress=False)
    _assert_same_corpus(memory, reportkit.load(tmp_path / "pandas"))


def test_reports_staged_on_disk_and_written_in_parts_equal_one_frame(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows of ``reports`` kept on disk during the run (``corpus/staging.py``) and
    written back a few at a time, with cross-year failures counted and copies found there,
    give what the plain in-memory implementation wrote in one frame."""
    src = tmp_path / "src"
    src.mkdir()
    reports = make_reports(40, seed=12)
    years = {(r.agency, r.year) for r in reports}
    later = [r for r in reports if (r.agency, r.year - 1) in years]
    assert len(later) >= 2
    table, _, over = schema.CROSS_YEAR
    for r in later[:2]:  # carried over ≠ the year before's carried forward: checks fail
        r.values[(table, over, "total")] += 1
    for r in reports:
        (src / r.file).write_bytes(r.render())
    shutil.copy(src / reports[3].file, src / "zz-copy-a.txt")
    shutil.copy(src / reports[3].file, src / "zz-copy-b.txt")  # the third of one content
    (src / "empty.txt").write_bytes(b"")
    (src / "notes.txt").write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    reference = _reference([src])
    cross = reference.checks[reference.checks["kind"] == "across_years"]
    assert (cross["passed"] == False).sum() >= 2  # noqa: E712
    assert (reference.reports["status"] == "duplicate").sum() == 2
    write_corpus(reference, tmp_path / "pandas")
    monkeypatch.setattr(reportkit.corpus.store.CorpusWriter, "frame_rows", 3)
    monkeypatch.setattr(reportkit.corpus.staging, "_PENDING_ROWS", 2)
    reportkit.ingest([src], tmp_path / "staged", progress=False, jobs=1)
    _assert_same_outputs(tmp_path / "pandas", tmp_path / "staged", SIX)
    assert not list((tmp_path / "staged").glob(".*.tmp"))  # the staging file is gone
    _assert_same_corpus(reportkit.ingest([src], progress=False, jobs=1), reference)


def test_csv_lines_format_as_pandas() -> None:
    """Commas, quotes, line breaks, missing values, -0.0, huge and tiny numbers."""
    texts = ["a", "", None, "1,234", 'say "hi"', "two\nlines", "cr\ronly", " pad ", "中文，全角"]
    floats = [0.0, -0.0, 572.0, 254.38, math.nan, 1e15, 1e16, 1e-5, -3.0, 0.1 + 0.2,
              float("inf"), 123456789012345.0]
    n = 36
    values = pa.table({"report_id": [texts[i % len(texts)] for i in range(n)],
                       "table": ["t"] * n, "row": [texts[(i * 5) % len(texts)] for i in range(n)],
                       "column": ["c"] * n, "value": [floats[i % len(floats)] for i in range(n)],
                       "raw": [texts[(i * 7) % len(texts)] for i in range(n)],
                       "label_raw": [texts[(i * 3) % len(texts)] for i in range(n)],
                       "match": ["exact"] * n,
                       "page": [(1, None, 12)[i % 3] for i in range(n)]},
                      schema=VALUES_SCHEMA)
    checks = pa.table({"report_id": ["r"] * n, "check": ["x"] * n,
                       "subject": [texts[i % len(texts)] for i in range(n)],
                       "expected": [floats[i % len(floats)] for i in range(n)],
                       "actual": [floats[(i * 5) % len(floats)] for i in range(n)],
                       "passed": [(True, False, None)[i % 3] for i in range(n)],
                       "status": ["passed"] * n, "kind": ["narrative"] * n},
                      schema=CHECKS_SCHEMA)
    for table in (values, checks, values.slice(3, 20)):
        expected = table.to_pandas().to_csv(index=False).split("\n", 1)[1].encode()
        assert csv_lines(table) == expected


# --- the cache --------------------------------------------------------------------------------


def _manifest(folder: Path, regions: dict[str, str]) -> None:
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "agency", "agency_short", "region", "year"])
        for name, region in sorted(regions.items()):
            w.writerow([name, "", "", region, ""])


def test_incremental_run_equals_clean_run(tmp_path: Path, count_parses: _Parsed) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    reports = make_reports(48, seed=21)
    first, later = reports[:40], reports[40:]
    src.mkdir()
    for r in first:
        (src / r.file).write_bytes(r.render())
    regions = {r.file: r.region for r in first}
    _manifest(src, regions)
    _age(src)
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert len(count_parses) == 40
    count_parses.clear()

    added = later[:3]
    for r in added:  # new files
        (src / r.file).write_bytes(r.render())
        regions[r.file] = r.region
    changed = [first[0].file, first[1].file]
    for name, r in zip(changed, later[3:5]):  # same names, new contents
        (src / name).write_bytes(r.render())
    removed = [first[2].file, first[3].file]
    for name in removed:
        (src / name).unlink()
        del regions[name]
    regions[first[4].file] = "新疆维吾尔自治区"  # a manifest change changes the result
    shutil.copy(src / first[5].file, src / "copy-of-5.txt")  # not in the manifest
    _manifest(src, regions)

    cached = reportkit.ingest([src], out, progress=False, jobs=1)
    assert sorted(count_parses) == sorted([r.file for r in added] + changed
                                          + [first[4].file, "copy-of-5.txt"])
    clean = reportkit.ingest([src], tmp_path / "clean", progress=False, jobs=1, cache=False)
    _assert_same_corpus(cached, clean)
    _assert_same_outputs(out, tmp_path / "clean")
    assert not (tmp_path / "clean" / "cache").exists()


def test_unchanged_rerun_parses_and_writes_nothing(tmp_path: Path,
                                                   count_parses: _Parsed) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_synthetic(src, 20, seed=5)
    _age(src)
    first = reportkit.ingest([src], out, progress=False, jobs=1)
    before = {n: (out / n).stat().st_mtime_ns for n in OUTPUTS}
    count_parses.clear()
    again = reportkit.ingest([src], out, progress=False, jobs=1)
    assert count_parses == []
    assert {n: (out / n).stat().st_mtime_ns for n in OUTPUTS} == before
    _assert_same_corpus(first, again)
    (out / "values.csv").unlink()  # an output gone: rewritten, from the cache
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert count_parses == [] and (out / "values.csv").is_file()


def test_cache_is_dropped_when_the_parser_changes(tmp_path: Path, count_parses: _Parsed,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_synthetic(src, 10, seed=6)
    reportkit.ingest([src], out, progress=False, jobs=1)
    monkeypatch.setattr(reportkit.corpus.cache, "parser_version", lambda: "another parser")
    count_parses.clear()
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert len(count_parses) == 10


def test_a_damaged_cache_or_output_is_not_trusted(tmp_path: Path,
                                                  count_parses: _Parsed) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_synthetic(src, 10, seed=8)
    _age(src)
    reportkit.ingest([src], out, progress=False, jobs=1)
    clean = tmp_path / "clean"
    reportkit.ingest([src], clean, progress=False, jobs=1, cache=False)
    # an output replaced by another run's: the cache no longer points into it
    (src / "extra.txt").write_bytes(SEED_FILES[0].read_bytes())
    reportkit.ingest([src], tmp_path / "other", progress=False, jobs=1, cache=False)
    (src / "extra.txt").unlink()
    shutil.copy(tmp_path / "other" / "values.parquet", out / "values.parquet")
    count_parses.clear()
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert len(count_parses) == 10
    _assert_same_outputs(out, clean)
    # an unreadable index: parse everything again
    (out / "cache" / "index.sqlite").write_bytes(b"{not a database")
    count_parses.clear()
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert len(count_parses) == 10
    _assert_same_outputs(out, clean)


def test_cli_jobs_and_no_cache(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write_synthetic(src, 8, seed=9)
    out = tmp_path / "out"
    assert main(["ingest", str(src), "--out", str(out), "--quiet", "--jobs", "2"]) == 0
    assert (out / "cache" / "index.sqlite").is_file()
    assert main(["ingest", str(src), "--out", str(out), "--quiet", "--no-cache"]) == 0
    assert not (out / "cache").exists()
    assert len(pd.read_parquet(out / "reports.parquet")) == 8


def test_an_interrupted_run_leaves_the_last_outputs(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    reports = write_synthetic(src, 12, seed=10)
    reportkit.ingest([src], out, progress=False, jobs=1)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    index = (out / "cache" / "index.sqlite").read_bytes()
    for r in reports[:6]:  # six files to parse again
        (src / r.file).write_bytes(make_reports(20, seed=99)[reports.index(r)].render())
    calls = []

    def failing(path: Path, *args: object) -> reportkit.Report:
        calls.append(path)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(path, *args)  # type: ignore[arg-type]

    real = INGEST.parse_file
    monkeypatch.setattr(INGEST, "parse_file", failing)
    with pytest.raises(KeyboardInterrupt):
        reportkit.ingest([src], out, progress=False, jobs=1)
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    assert (out / "cache" / "index.sqlite").read_bytes() == index
    assert not list(out.rglob("*.tmp"))  # no temporary file left behind


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a full disk)")
@pytest.mark.parametrize("background", [True, False], ids=["own process", "in the run"])
def test_a_failure_writing_values_csv_leaves_the_last_outputs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, background: bool) -> None:
    """A disk that fills while values.csv is written (the last output made; a large
    corpus's in a process of its own) fails the run with that error, and the last
    outputs stay whole."""
    src, out = tmp_path / "src", tmp_path / "out"
    reports = write_synthetic(src, 12, seed=10)
    reportkit.ingest([src], out, progress=False, jobs=1)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    (src / reports[0].file).write_bytes(make_reports(20, seed=99)[0].render())
    real_stage = reportkit.corpus.store.stage
    staged: list[str] = []

    def full_disk(folder: Path, name: str) -> Path:
        """values.csv's temporary (the second one staged as "values") on a full disk."""
        tmp = real_stage(folder, name)
        staged.append(name)
        if name == "values" and staged.count("values") == 2:
            tmp.unlink()
            tmp.symlink_to("/dev/full")  # every write to it: ENOSPC
        return tmp

    monkeypatch.setattr(reportkit.corpus.store, "stage", full_disk)
    if background:
        monkeypatch.setattr(reportkit.corpus.store.CorpusWriter, "background_values", 0)
    started: list[object] = []

    class Seen(reportkit.corpus.store.Background):
        def __init__(self, *args: object) -> None:
            started.append(args[0])
            super().__init__(*args)

    monkeypatch.setattr(reportkit.corpus.store, "Background", Seen)
    with pytest.raises(OSError, match="No space left"):
        reportkit.ingest([src], out, progress=False, jobs=1)
    assert bool(started) == background
    assert staged.count("values") == 2  # the failure was values.csv's
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    assert not [p for p in out.rglob("*.tmp") if p.is_symlink() or p.exists()]
    monkeypatch.undo()
    again = reportkit.ingest([src], out, progress=False, jobs=1)
    assert len(again.reports) == 12
    assert (out / "values.csv").read_bytes() != before["values.csv"]  # the changed file


def test_a_background_process_gives_its_result_its_error_or_its_death() -> None:
    """What runs beside an ingest (values.csv) reports back: the result, the exception it
    raised, or, for a process that died without a word, an OSError with its exit code."""
    from reportkit.corpus.workers import Background

    assert Background(int, "7").wait() == 7
    with pytest.raises(ValueError, match="invalid literal"):
        Background(int, "seven").wait()
    with pytest.raises(OSError, match="exit code 3"):
        Background(os._exit, 3).wait()
    slow = Background(time.sleep, 60)
    began = time.monotonic()
    slow.stop()  # ended, not waited for
    assert time.monotonic() - began < 30


def _logged(chunk: list[str]) -> list[str]:
    """A chunk's work: its tasks noted in the log file each names (a worker's record)."""
    for task in chunk:
        with open(task.split("|")[0], "a", encoding="utf-8") as fh:
            fh.write(task + "\n")
    return chunk


def test_the_pool_is_handed_a_few_chunks_ahead_not_all(tmp_path: Path) -> None:
    """A caller that has not taken a result yet is not sent more: workers parse at most
    ``AHEAD_PER_JOB`` chunks per worker ahead of it (results do not pile up in memory)."""
    from reportkit.corpus import workers

    log = tmp_path / "log"
    chunks = [[f"{log}|{i}"] for i in range(40)]
    results = workers.robust_map(_logged, chunks, 1, workers.Limits(), lambda t, why: [])
    assert next(results) == chunks[0]
    time.sleep(1.0)  # time enough for a worker to do everything it was given
    started = len(log.read_text(encoding="utf-8").splitlines())
    assert 1 + workers.AHEAD_PER_JOB <= started <= 2 + workers.AHEAD_PER_JOB
    assert list(results) == chunks[1:]  # and the rest, in order, as they are asked for
