"""The briefing assembled: :func:`build` writes one Word document from a corpus, the charts
of the registry (:data:`reportkit.charts.CHARTS`) computed once each; :func:`build_for_run`
is the last step of ``reportkit run``."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pandas as pd

from reportkit import analysis
from reportkit.brief import findings, sections, sources, word
from reportkit.brief.settings import DEFAULTS, BriefError, choose_charts, settings
from reportkit.brief.strings import words
from reportkit.charts import CHARTS, Selection, save_figure
from reportkit.charts.words import excluded
from reportkit.corpus.store import load


@dataclass
class Briefing:
    """What :func:`build` wrote."""

    path: Path
    charts: list[str]  # chart names in the document, in order
    skipped: dict[str, str]  # chart name -> why it is not in the document
    figures: list[Path]  # PNG (and SVG, CSV) files written for the document
    scope: dict[str, Any]
    tables: int = 0
    sources: Path | None = None  # the CSV of every source file, beside the briefing


def build(corpus: Any, out: str | Path, *, charts: object = None, agencies: object = None,
          years: object = None, level: object = None, lang: str = "zh", top_n: int | None = 10,
          title: str | None = None, date: object = None, figures_dir: str | Path | None = None,
          dpi: int = 300, svg: bool = True, fonts: dict[str, str] | None = None,
          source: str | None = None) -> Briefing:
    """Write the briefing for ``corpus`` (a :class:`reportkit.corpus.store.Corpus`, or a
    processed folder) to ``out`` (.docx). ``charts``: names of :data:`reportkit.charts.CHARTS`
    (default all; trend charts are left out, and said so, when the selection holds one
    year); ``agencies``, ``years``: as :func:`reportkit.analysis.select`. The charts are saved
    in ``figures_dir`` (default ``<out folder>/<out stem>_figures``) as PNG at ``dpi``, SVG
    and CSV; the list of the selection's source files is written beside ``out`` as
    ``<out stem>_sources.csv``. Raises :class:`BriefError` when the selection holds no
    report."""
    t = words(lang)
    if isinstance(corpus, str | Path):
        source = source or str(corpus)
        corpus = load(corpus)
    names = choose_charts(charts)
    try:
        asked = analysis.Selection.of(agencies, years, level)
        asked.check(corpus.reports)
    except analysis.SelectionError as exc:
        raise BriefError(f"{exc} ({_available(corpus.reports)})") from exc
    agencies, years, level = (asked.parameters()[k] for k in ("agencies", "years", "level"))
    _, reports = analysis.select(corpus.values, corpus.reports, years=years, agencies=agencies,
                                 level=level)
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise BriefError(f"{out}: the briefing is a Word file; give a name ending in .docx")
    figdir = Path(figures_dir) if figures_dir else out.parent / f"{out.stem}_figures"
    font_names = {**DEFAULTS["fonts"], **(fonts or {})}
    n_years = len(analysis.scope(reports)["years"])
    chosen = [n for n in names if n_years >= CHARTS[n].min_years]
    skipped = {n: t["skipped_trend"] for n in names if n not in chosen}
    selection = Selection(agencies=agencies, years=years, level=level, top_n=top_n)

    computed = {}
    for name in chosen:
        data = CHARTS[name].compute(corpus, selection)
        why = data.context.get("unavailable")
        if why:
            skipped[name] = t.get(f"skipped_{why}", str(why))
        else:
            computed[name] = data
    chosen = list(computed)
    # The findings read the same ChartData as the charts (computed here only when the
    # chart itself is not in the document).
    basis = {**{n: CHARTS[n].compute(corpus, selection) for n in findings.needed(computed)
                if n in CHARTS}, **computed}
    quality, skipped_files, outside = sources.in_selection(corpus.reports, agencies, years,
                                                               level)
    listing = sources.sources_frame(quality, t)
    csv_path = sources.write_csv(listing, out.parent / f"{out.stem}_sources.csv")

    doc = docx.Document()
    word.style_document(doc, font_names, lang)
    title = title or t["title"]
    when = sections.briefing_date(date) or dt.date.today()
    word.properties(doc, title=title, subject=t["subtitle"], when=when, lang=lang)
    word.footer(doc, t)
    sections.title_page(doc, t=t, title=title, reports=reports, quality=quality,
                        charts=len(chosen), skipped=sorted(set(skipped.values())), date=date,
                        agencies=agencies, years=years, level=level, source=source or "",
                        findings=findings.findings(basis, quality, t, lang))
    written: list[Path] = []
    charts_excluding = 0
    number = 0
    groups = sections.by_section([CHARTS[n] for n in chosen])
    for index, (key, members) in enumerate(groups, start=1):
        sections.section_heading(doc, index, key, t, lang)
        for chart in members:
            number += 1
            data = computed[chart.name]
            fig = chart.draw(data, lang)
            files = save_figure(data, figdir, formats=("png", "svg") if svg else ("png",),
                                dpi=dpi, lang=lang, figure=fig)
            written += files
            sections.chart_block(doc, number=number, chart=chart, data=data, files=files,
                                 t=t, lang=lang)
            charts_excluding += bool(excluded(data.frame))
    n_tables = number
    n_tables += sections.quality_section(doc, index=len(groups) + 1, t=t, lang=lang,
                                         quality=quality, values=corpus.values,
                                         corpus=corpus, next_table=n_tables + 1,
                                         charts_excluding=charts_excluding,
                                         skipped_files=skipped_files, outside=outside)
    n_tables += sections.sources_section(doc, index=len(groups) + 2, t=t, lang=lang,
                                         frame=listing, table_number=n_tables + 1,
                                         csv=csv_path.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(out)
    return Briefing(out, [c.name for _, m in groups for c in m], skipped, written,
                    analysis.scope(reports), n_tables, csv_path)


def _available(reports: pd.DataFrame) -> str:
    ok = reports[reports["status"].isin(analysis.ANALYSED_STATUSES)]
    names = sorted({str(n) for n in ok["agency_short"].dropna() if str(n)})
    years = sorted({int(y) for y in ok["year"].dropna()})
    return f"agencies: {', '.join(names) or 'none'}; years: {', '.join(map(str, years)) or 'none'}"


def build_from_settings(brief: dict[str, Any], corpus: Any, base: Path,
                        out: str | Path | None = None, source: str | None = None) -> Briefing:
    """:func:`build` with a merged ``brief`` section (see :func:`settings`), relative paths
    read from ``base``."""
    target = base / Path(out or brief["output"]).expanduser()
    figures = brief["figures_dir"]
    return build(corpus, target, charts=brief["charts"], agencies=brief["agencies"],
                 years=brief["years"], level=brief["level"], lang=str(brief["lang"]),
                 top_n=brief["top_n"],
                 title=brief["title"], date=brief["date"],
                 figures_dir=base / Path(figures).expanduser() if figures else None,
                 dpi=int(brief["dpi"]), svg=bool(brief["svg"]), fonts=brief["fonts"],
                 source=source)


def build_for_run(config: dict[str, Any], base: Path, processed: Path,
                  say: Callable[[str, bool], None] | None = None) -> int:
    """The last step of ``reportkit run``: write the briefing (``brief.output``, default
    ``outputs/briefing.docx``) and say where it is (``say(line, to_stderr)``, default:
    print). Returns an exit code (0, 1 on failure, which is said and does not stop the
    run's summary)."""
    say = say or _print
    try:
        brief = settings(config)
        if not brief["enabled"]:
            say("  briefing:  off (brief.enabled: false)", False)
            return 0
        result = build_from_settings(brief, load(processed), base, source=str(processed))
    except (BriefError, FileNotFoundError) as exc:
        say(f"reportkit run: briefing not written: {exc}", True)
        say("  briefing:  FAILED (see above)", False)
        return 1
    say(f"  briefing:  {result.path} ({len(result.charts)} charts, {result.tables} tables)",
        False)
    return 0


def _print(line: str, to_stderr: bool) -> None:
    print(line, file=sys.stderr if to_stderr else sys.stdout)
