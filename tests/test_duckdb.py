"""Analysis in DuckDB over the Parquet: a stored corpus's values stay in the file.

The figures are checked three ways: against the synthetic generator's known truth, pooled
by plain pandas/Python from the figures it wrote into the reports; against the seed
figures read off the documents by a person (``tests/seed_figures.py``); and the lazy
corpus (``reportkit.load``: values in Parquet) against the same corpus in memory (values a
DataFrame), to the last digit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from seed_figures import SEEDS
from synthetic import write_corpus

import reportkit
from reportkit import analysis, schema
from reportkit.analysis import metrics
from reportkit.charts import CHARTS, Selection
from reportkit.corpus.lazy import LazyValues
from reportkit.corpus.store import Corpus

N_SYNTHETIC = 60


@pytest.fixture(scope="module")
def synthetic_corpus(tmp_path_factory: pytest.TempPathFactory
                     ) -> tuple[Path, list, Corpus]:
    """60 synthetic reports written, ingested to Parquet; the folder, the generator's
    reports (their true figures) and the same corpus read into pandas."""
    root = tmp_path_factory.mktemp("duck")
    truth = write_corpus(root / "raw", N_SYNTHETIC, seed=7, layouts=("cells", "rows"))
    reportkit.ingest([root / "raw"], root / "out", progress=False)
    memory = Corpus(*(pd.read_parquet(root / "out" / f"{n}.parquet")
                      for n in ("values", "reports", "checks")))
    return root / "out", truth, memory


@pytest.fixture(scope="module")
def seeds_dir(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("seeds")
    reportkit.ingest([raw_dir], out, progress=False)
    return out


def _truth_frame(truth: list, corpus_reports: pd.DataFrame) -> pd.DataFrame:
    """One row per synthetic report and cell of its true figures, with its year."""
    rows = [(r.file, r.year, *key, value) for r in truth for key, value in r.values.items()]
    frame = pd.DataFrame(rows, columns=["file", "year", "table", "row", "column", "value"])
    assert corpus_reports["status"].eq("ok").all()
    return frame


def _cell(frame: pd.DataFrame, table: str, row: str, column: str = "total") -> pd.Series:
    """Per year, the sum of one cell over the reports."""
    part = frame[(frame["table"] == table) & (frame["row"] == row)
                 & (frame["column"] == column)]
    return part.groupby("year")["value"].sum()


# --- the lazy corpus ----------------------------------------------------------------------------


def test_load_leaves_values_in_parquet_and_reads_them_when_asked(synthetic_corpus) -> None:
    out, _, memory = synthetic_corpus
    corpus = reportkit.load(out)
    assert isinstance(corpus.values, LazyValues)
    assert len(corpus.values) == len(memory.values)
    pd.testing.assert_frame_equal(corpus.values.to_pandas(), memory.values)
    assert corpus.values_rel.count("*").fetchall()[0][0] == len(memory.values)
    # the notebooks' and briefing's idiom stays lazy, and reads back what pandas gives
    some = memory.reports["report_id"].iloc[[3, 1, 7]]
    chosen = corpus.values[corpus.values["report_id"].isin(some)]
    assert isinstance(chosen, LazyValues)
    expected = memory.values[memory.values["report_id"].isin(some)].reset_index(drop=True)
    pd.testing.assert_frame_equal(chosen.to_pandas(), expected)
    assert len(chosen) == len(expected)
    pd.testing.assert_frame_equal(chosen.head(4), expected.head(4))
    one = chosen[(chosen["report_id"] == some.iloc[0]) & ~chosen["value"].isna()]
    assert len(one) == int((memory.values["report_id"] == some.iloc[0]).sum())


def test_every_connection_has_the_progress_bar_off_and_bounded_resources(
        synthetic_corpus) -> None:
    corpus = reportkit.load(synthetic_corpus[0])
    con = corpus.con
    assert con is corpus.con  # one connection per corpus
    settings = dict(con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('threads', 'memory_limit', 'enable_progress_bar')").fetchall())
    assert settings["threads"] == "2" and settings["enable_progress_bar"] == "false"
    assert settings["memory_limit"].startswith(("953", "1.0", "1 "))  # 1 GB, as DuckDB says
    cur = con.cursor()  # what the analysis queries run on
    cur.execute("SET enable_progress_bar=false")
    assert cur.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False


# --- against the synthetic truth (plain pandas) -------------------------------------------------


def test_outcome_groups_per_year_match_the_generators_figures(synthetic_corpus) -> None:
    out, truth, _ = synthetic_corpus
    corpus = reportkit.load(out)
    values, reports = analysis.select(corpus.values, corpus.reports)
    got = analysis.outcome_shares(values, reports, by="year", level="group")
    frame = _truth_frame(truth, reports)
    requests = frame[(frame["table"] == "requests") & (frame["column"] == "total")]
    group = requests["row"].map(lambda r: schema.outcome_group(r) if r in schema.OUTCOME_ROWS
                                else None)
    counts = requests.assign(group=group).dropna(subset=["group"]).groupby(
        ["year", "group"])["value"].sum()
    processed = _cell(frame, "requests", "total_processed")
    assert len(got) == len(counts)
    for row in got.itertuples():
        count = counts[(row.year, row.outcome)]
        assert row.count == count
        assert row.total_processed == processed[row.year]
        assert row.share == count / processed[row.year]
        assert row.n_reports == sum(1 for r in truth if r.year == row.year)
        assert row.n_excluded == 0 and row.n_blank_cells == 0


def test_review_and_litigation_rates_per_year_match_the_generators_figures(
        synthetic_corpus) -> None:
    out, truth, _ = synthetic_corpus
    corpus = reportkit.load(out)
    values, reports = analysis.select(corpus.values, corpus.reports)
    got = analysis.review_litigation_rates(values, reports, by="year").set_index(
        ["year", "measure"])
    frame = _truth_frame(truth, reports)
    new = _cell(frame, "requests", "new_requests")
    review = _cell(frame, "review_litigation", "review")
    litigation = (_cell(frame, "review_litigation", "litigation_direct")
                  + _cell(frame, "review_litigation", "litigation_after_review"))
    for year in new.index:
        for measure, cases in (("review", review[year]), ("litigation", litigation[year])):
            row = got.loc[(year, measure)]
            assert row["cases"] == cases and row["new_requests"] == new[year]
            assert row["rate_per_100"] == cases / new[year] * 100


def test_litigation_correction_rate_per_body_matches_the_generators_figures(
        synthetic_corpus) -> None:
    out, truth, _ = synthetic_corpus
    corpus = reportkit.load(out)
    values, reports = analysis.select(corpus.values, corpus.reports)
    got = metrics.compute(values, reports, by="agency",
                          metrics=["litigation_correction_rate"]).set_index("agency")
    expected: dict[str, list[float]] = {}
    for r in truth:
        corrected = sum(r.values[("review_litigation", k, "corrected")] for k in
                        ("litigation_direct", "litigation_after_review"))
        decided = sum(r.values[("review_litigation", k, "total")]
                      - r.values[("review_litigation", k, "pending")]
                      for k in ("litigation_direct", "litigation_after_review"))
        pooled = expected.setdefault(r.agency, [0.0, 0.0, 0])
        pooled[0] += corrected
        pooled[1] += decided
        pooled[2] += 1
    assert set(got.index) == set(expected)
    for agency, (corrected, decided, n) in expected.items():
        row = got.loc[agency]
        assert row["numerator"] == corrected and row["denominator"] == decided
        assert row["n_reports"] == n
        assert (np.isnan(row["value"]) if decided == 0 else row["value"] == corrected / decided)


# --- lazy and in memory: the same numbers -------------------------------------------------------


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_exact=True, check_dtype=False)


def test_lazy_and_in_memory_corpora_give_the_same_figures(synthetic_corpus) -> None:
    out, _, memory = synthetic_corpus
    lazy = reportkit.load(out)
    years = sorted(memory.reports["year"].dropna().astype(int).unique())[-2:]
    for kwargs in ({}, {"years": years}):
        lv, lr = analysis.select(lazy.values, lazy.reports, **kwargs)
        mv, mr = analysis.select(memory.values, memory.reports, **kwargs)
        assert isinstance(lv, LazyValues) and isinstance(mv, pd.DataFrame)
        for by in (None, "year", "agency", ["agency", "year"]):
            for level in ("row", "group"):
                _same(analysis.outcome_shares(lv, lr, by=by, level=level),
                      analysis.outcome_shares(mv, mr, by=by, level=level))
            _same(analysis.review_litigation_rates(lv, lr, by=by),
                  analysis.review_litigation_rates(mv, mr, by=by))
            _same(analysis.correction_rates(lv, lr, by=by),
                  analysis.correction_rates(mv, mr, by=by))
            _same(metrics.compute(lv, lr, by=by), metrics.compute(mv, mr, by=by))
        pooled_l = analysis.lump_agencies(lv, lr, 5)
        pooled_m = analysis.lump_agencies(mv, mr, 5)
        _same(pooled_l, pooled_m)
        _same(analysis.outcome_shares(lv, pooled_l, by="agency"),
              analysis.outcome_shares(mv, pooled_m, by="agency"))
        pd.testing.assert_series_equal(analysis.agency_volume(lv, lr),
                                       analysis.agency_volume(mv, mr), check_exact=True)
        for per in ("report", "row"):
            _same(analysis.blank_cells(lv, lr, per=per), analysis.blank_cells(mv, mr, per=per))


def test_charts_compute_the_same_from_the_parquet_without_reading_the_values(
        synthetic_corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    out, _, memory = synthetic_corpus
    expected = {name: chart.compute(memory, Selection(top_n=8)) for name, chart in
                CHARTS.items()}

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a chart read the values into pandas")

    monkeypatch.setattr(LazyValues, "to_pandas", refuse)
    lazy = reportkit.load(out)
    for name, chart in CHARTS.items():
        got = chart.compute(lazy, Selection(top_n=8))
        _same(got.frame, expected[name].frame)


# --- against the seed figures (read by a person) ------------------------------------------------


def _seed(short: str) -> dict:
    return next(s for s in SEEDS.values() if s["agency_short"] == short)


def test_seed_figures_from_the_parquet(seeds_dir: Path) -> None:
    corpus = reportkit.load(seeds_dir)
    values, reports = analysis.select(corpus.values, corpus.reports)
    shares = analysis.outcome_shares(values, reports, by="agency")
    miyun = _seed("密云区")["requests"]
    row = shares[(shares["agency_short"] == "密云区")
                 & (shares["outcome"] == "unavailable_not_held")].iloc[0]
    assert row["count"] == miyun["unavailable_not_held"][-1] == 216
    assert row["total_processed"] == miyun["total_processed"][-1] == 588
    assert row["share"] == 216 / 588
    rates = analysis.review_litigation_rates(values, reports, by="agency")
    review = rates[(rates["agency_short"] == "密云区") & (rates["measure"] == "review")].iloc[0]
    seed_review = _seed("密云区")["review_litigation"]["review"]
    assert review["cases"] == seed_review[-1]
    assert review["new_requests"] == miyun["new_requests"][-1]
    assert review["rate_per_100"] == seed_review[-1] / miyun["new_requests"][-1] * 100
    corrected = analysis.correction_rates(values, reports, by="agency")
    c = corrected[(corrected["agency_short"] == "密云区")
                  & (corrected["measure"] == "review")].iloc[0]
    # 维持, 纠正, 其他 (尚未审结 is not decided)
    assert c["corrected"] == seed_review[1] and c["decided"] == sum(seed_review[:3])


def test_a_blank_seed_cell_is_counted_blank_from_the_parquet(seeds_dir: Path) -> None:
    corpus = reportkit.load(seeds_dir)
    values, reports = analysis.select(corpus.values, corpus.reports, statuses=None)
    blanks = analysis.blank_cells(values, reports).set_index("agency_short")
    # 漷县镇 leaves 结转 自然人 blank (seed 001), among others the person listed
    expected = sum(1 for table in ("proactive", "requests", "review_litigation")
                   for cells in _seed("漷县镇")[table].values() for v in cells if v != v)
    assert blanks.loc["漷县镇", "blank_cells"] == expected
    rows = analysis.blank_cells(values, reports, per="row")
    carried = rows[(rows["table"] == "requests") & (rows["row"] == "carried_over")]
    assert carried["blank_cells"].tolist() == [1]


def test_pooling_in_duckdb_equals_pandas_pooling_of_the_per_report_figures(
        synthetic_corpus) -> None:
    lazy = reportkit.load(synthetic_corpus[0])
    values, reports = analysis.select(lazy.values, lazy.reports)
    for by in (None, "year", "agency"):
        keys = analysis._by(by)
        per = analysis._per_report(values, reports, analysis._rate_spec())
        plain = analysis._aggregate(per, keys, analysis.RATE_MEASURES, scale=100.0)
        got = analysis.review_litigation_rates(values, reports, by=by).rename(columns={
            "cases": "numerator", "new_requests": "denominator", "rate_per_100": "rate"})
        _same(got, plain)


@pytest.mark.parametrize("filters", [
    {"statuses": ["failed", "missing"]}, {"kinds": ["narrative"]},
    {"checks": ["in_force_across_years", "balance"]}, {}])
def test_checks_read_from_the_files_are_the_frames_rows(seeds_dir: Path, filters: dict
                                                        ) -> None:
    """The checks a notebook or the briefing asks for are read from checks.parquet (only
    those rows), the same rows in the same order as filtering the whole frame."""
    stored = reportkit.load(seeds_dir)
    whole = pd.read_parquet(seeds_dir / "checks.parquet")
    memory = Corpus(stored.values.to_pandas(), stored.reports, whole)
    chosen = stored.reports[stored.reports["year"] == 2021]
    column = {"statuses": "status", "kinds": "kind", "checks": "check"}
    mask = whole["report_id"].isin(chosen["report_id"])
    for key, allowed in filters.items():
        mask &= whole[column[key]].isin(allowed)
    expected = whole[mask].reset_index(drop=True)
    assert len(expected)
    for corpus in (stored, memory):
        got = analysis.checks_of(corpus, chosen, **filters)
        pd.testing.assert_frame_equal(got, expected)
        counted = analysis.check_counts(corpus, chosen)["n"].sum()
        assert counted == whole["report_id"].isin(chosen["report_id"]).sum()
    counts = analysis.check_counts(stored)
    assert counts["n"].sum() == len(whole)
    pd.testing.assert_frame_equal(counts, analysis.check_counts(memory))
