"""The briefing's parts: page 1 (title, scope, key findings, reading note), one section
per question with its charts (sentence, picture, caption, key-figure table, notes, all from
one :class:`reportkit.charts.ChartData`), the data-quality section and the closing list of
source reports. No part forces a page break."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from docx.shared import Cm, Pt

from reportkit import analysis, schema
from reportkit.brief import sources, word
from reportkit.brief.strings import CN_NUMERALS
from reportkit.charts import Chart, ChartData, KeyTable
from reportkit.charts.words import count
from reportkit.schema.labels import MEASURE_LABELS, OUTCOME_LABELS

MAX_QUALITY_ROWS = 30
#: Rows of a chart's key table printed in the briefing (its bold rows always are); the
#: rest are in the chart's CSV, which the note under the table names.
MAX_TABLE_ROWS = 40


def chapter_title(index: int, title: str, t: dict[str, str], lang: str) -> str:
    """"一、title" (zh) or "1. title" (en)."""
    num = CN_NUMERALS[index - 1] if lang == "zh" and index <= len(CN_NUMERALS) else index
    return t["chapter"].format(num=num, title=title)


def briefing_date(date: object) -> dt.date | None:
    """The briefing's date: ``date`` (a date or YYYY-MM-DD), today when None, None when it
    is not a date (then it is shown as given)."""
    if date is None:
        return dt.date.today()
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(str(date))
    except ValueError:
        return None


def _date_text(date: object, t: dict[str, str]) -> str:
    d = briefing_date(date)
    return str(date) if d is None else t["date_fmt"].format(y=d.year, m=d.month, d=d.day)


def _agency_names(reports: pd.DataFrame, t: dict[str, str], limit: int = 30) -> str:
    names = reports["agency_short"].where(reports["agency_short"].astype(str).str.len() > 0,
                                          reports["agency"])
    names = list(dict.fromkeys(str(n) for n in names.dropna()))
    if len(names) > limit:
        return t["agencies_more"].format(names=t["sep"].join(names[:limit]), n=len(names))
    return t["agencies_value"].format(n=len(names), names=t["sep"].join(names))


def _selection_text(agencies: object, years: object, t: dict[str, str],
                    level: object = None) -> str:
    def show(x: object) -> str:
        items = analysis._as_list(x)
        return t["all"] if items is None else t["sep"].join(str(i) for i in items)
    text = t["selection_value"].format(agencies=show(agencies), years=show(years))
    levels = analysis._as_list(level)
    if levels is not None:
        text += t["selection_level"].format(
            level=t["sep"].join(t.get(f"level_{lv}", str(lv)) for lv in levels))
    return text


def title_page(doc: Any, *, t: dict[str, str], title: str, reports: pd.DataFrame,
               quality: pd.DataFrame, charts: int, skipped: Sequence[str], date: object,
               agencies: object, years: object, source: str, findings: Sequence[str],
               level: object = None) -> None:
    """Page 1: title, subtitle, the scope table, the key findings (主要发现) and the reading
    note. No picture comes before the findings, and no page break follows."""
    doc.add_paragraph(title, style="Title")
    doc.add_paragraph(t["subtitle"], style="Subtitle")
    scope = analysis.scope(reports)
    not_ok = int((quality["status"] != "ok").sum())
    rows = [
        [t["selection"], _selection_text(agencies, years, t, level)],
        [t["reports"], t["reports_value"].format(
            n=scope["reports"], files=len(quality),
            problems=t["problems"].format(k=not_ok) if not_ok else "")],
        [t["agencies"], _agency_names(reports, t)],
        [t["years"], t["sep"].join(t["year_item"].format(y=y) for y in scope["years"])],
        [t["charts"], t["charts_value"].format(n=charts)
         + "".join(t["paren"].format(v="", ci=why) for why in skipped)],
        [t["date"], _date_text(date, t)],
    ]
    if source:
        rows.append([t["source"], Path(str(source).replace("\\", "/")).name])
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, word.tie(value)
        for cell in cells:
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(2)
        cells[0].paragraphs[0].runs[0].font.bold = True
    word.set_widths(table, [Cm(3.0), Cm(word.PAGE_WIDTH_CM - 2 * word.MARGIN_CM - 3.0)])
    doc.add_heading(t["findings_title"], level=1)
    for finding in findings:
        p = doc.add_paragraph(word.tie(finding), style="List Bullet")
        p.paragraph_format.space_after = Pt(3)
    head = doc.add_paragraph()
    head.paragraph_format.space_before = Pt(9)
    head.add_run(t["how_to_read"]).bold = True
    for key in ("note_denominators", "note_blanks", "note_intervals", "note_flag"):
        word.body(doc, t[key], size=word.SMALL_PT)
    word.body(doc, t["generated"].format(csv="values.csv / reports.csv / checks.csv"),
              size=word.SMALL_PT)


def report_label(row: Any, t: dict[str, str]) -> str:
    """"密云区（2021年）": a report by its body and year."""
    agency = row.get("agency_short") or row.get("agency") or t["unknown"]
    year = row.get("year")
    if year is None or pd.isna(year):
        return str(agency)
    return t["report_label"].format(agency=agency, year=int(year))


def _label_en(key: str) -> str:
    """An English label for a row or column key (outcome and measure labels, else the key
    in words)."""
    for labels in (OUTCOME_LABELS["en"], MEASURE_LABELS["en"]):
        if key in labels:
            return labels[key]
    return key.replace("_", " ")


def _place(table: str, keys: Sequence[str], t: dict[str, str], lang: str) -> str:
    """Where a cell is: table·row·column (zh) or "requests / carried over / natural person"."""
    if lang == "zh":
        labels = [schema.ROW_LABELS_ZH.get(k) or schema.COLUMN_LABELS_ZH.get(k) or k
                  for k in keys]
        return "·".join([t.get("table_" + table, table), *labels])
    return " / ".join([t.get("table_" + table, table), *(_label_en(k) for k in keys)])


def _where(subject: str, t: dict[str, str], lang: str) -> str:
    head, _, tail = str(subject).partition(" ")
    table, _, key = head.partition("/")
    return f"{_place(table, [key] if key else [], t, lang)} {tail}".strip()


def _blank_places(values: pd.DataFrame, report_id: str, t: dict[str, str], lang: str,
                  limit: int = 4) -> str:
    """Where a report's blank cells are: table·row·column, the first ``limit``."""
    blank = values[(values["report_id"] == report_id) & values["value"].isna()]
    places = []
    for r in blank.head(limit).itertuples():
        places.append(_place(r.table, [r.row, r.column], t, lang))
    more = len(blank) - len(places)
    return t["clause_sep"].join(places) + (t["q_places_more"].format(k=more) if more else "")


def quality_section(doc: Any, *, index: int, t: dict[str, str], lang: str,
                    quality: pd.DataFrame, values: pd.DataFrame, corpus: Any,
                    next_table: int, charts_excluding: int, skipped_files: int,
                    outside: int) -> int:
    """The data-quality section, limited to the selection's files and written in the
    briefing's language (the readers' English messages go to the CSV beside it); the
    checks are counted in ``corpus`` and only the failed ones read. Returns the number of
    tables added."""
    doc.add_heading(chapter_title(index, t["quality_title"], t, lang), level=1)
    tables = 0

    def add_table(title: str, key: KeyTable) -> None:
        nonlocal tables
        word.caption(doc, t["table"], next_table + tables, title, keep_with_next=True)
        word.table(doc, key)
        tables += 1

    counts = quality["status"].astype(str).value_counts()
    parts = [t["q_file_part"].format(label=sources.status_text(s, t), n=int(counts[s]))
             for s in sources.order(quality["status"])]
    word.body(doc, t["q_files"].format(files=len(quality), parts=t["list_sep"].join(parts)))
    unread = quality[quality["status"] != "ok"]
    if len(unread):
        word.body(doc, t["q_unread"].format(k=len(unread)))
        rows = [[sources.file_name(r), report_label(r, t), sources.status_text(r["status"], t),
                 sources.reason(r, t)] for _, r in unread.head(MAX_QUALITY_ROWS).iterrows()]
        add_table(t["q_unread_title"], KeyTable([t["file"], t["report"], t["status"],
                                                 t["error"]], rows, text_columns={0, 1, 2, 3}))
        if len(unread) > MAX_QUALITY_ROWS:
            word.body(doc, t["q_more"].format(k=len(unread) - MAX_QUALITY_ROWS,
                                              csv="reports.csv"), size=word.SMALL_PT)
    for key, k in (("sources_skipped", skipped_files), ("q_outside", outside)):
        if k:
            word.body(doc, t[key].format(k=k), size=word.SMALL_PT)
    # counted and read in the corpus's files: only the failed rows are held
    failed = analysis.failed_checks(analysis.checks_of(corpus, quality, statuses=["failed"]),
                                    quality)
    counts = analysis.check_counts(corpus, quality)
    if "kind" in counts:
        counts = counts[counts["kind"].fillna("arithmetic") != "narrative"]
    decided = int(counts.loc[counts["status"].isin(["passed", "failed"]), "n"].sum())
    if len(failed):
        word.body(doc, t["q_checks_failed"].format(k=failed["report_id"].nunique(),
                                                   m=len(failed)))
        rows = [[report_label(r, t), t.get(f"check_{r['check']}", str(r["check"])),
                 _where(r["subject"], t, lang), count(r["expected"]), count(r["actual"]),
                 count(r["expected"] - r["actual"])]
                for _, r in failed.head(MAX_QUALITY_ROWS).iterrows()]
        add_table(t["q_checks_title"], KeyTable(
            [t["report"], t["check"], t["where"], t["left"], t["right"], t["diff"]], rows,
            text_columns={0, 1, 2}))
        if len(failed) > MAX_QUALITY_ROWS:
            word.body(doc, t["q_more"].format(k=len(failed) - MAX_QUALITY_ROWS,
                                              csv="checks.csv"), size=word.SMALL_PT)
    else:
        word.body(doc, t["q_checks_ok"].format(m=decided))
    missing = int(counts.loc[counts["status"] == "missing", "n"].sum())
    if missing:
        word.body(doc, t["q_checks_missing"].format(u=missing))
    scoped_values = values[values["report_id"].isin(quality["report_id"])]
    blanks = analysis.blank_cells(scoped_values, quality)
    blanks = blanks[blanks["blank_cells"] > 0]
    if len(blanks):
        effect = "" if charts_excluding else t["q_blanks_unused"]
        word.body(doc, t["q_blanks"].format(k=len(blanks), c=int(blanks["blank_cells"].sum()))
                  + effect)
        rows = [[report_label(r, t), f"{count(r['blank_cells'])}/{count(r['cells'])}",
                 _blank_places(scoped_values, r["report_id"], t, lang)]
                for _, r in blanks.head(MAX_QUALITY_ROWS).iterrows()]
        add_table(t["q_blanks_title"], KeyTable([t["report"], t["blank_of"], t["where"]], rows,
                                             text_columns={0, 2}))
    else:
        word.body(doc, t["q_no_blanks"])
    if charts_excluding:
        word.body(doc, t["q_excluding"].format(k=charts_excluding))
    return tables


def sources_section(doc: Any, *, index: int, t: dict[str, str], lang: str,
                    frame: pd.DataFrame, table_number: int, csv: str,
                    limit: int | None = None) -> int:
    """The closing list of the source files (body, year, file base name, status in the
    briefing's language), the first ``limit`` (default :data:`sources.MAX_SOURCES`), the
    rest counted and left to the CSV; returns the number of tables added (1)."""
    limit = sources.MAX_SOURCES if limit is None else limit
    doc.add_heading(chapter_title(index, t["sources_title"], t, lang), level=1)
    word.body(doc, t["sources_intro"].format(n=len(frame)))
    rows = [[r.agency, r.year, r.file, r.status_text] for r in frame.head(limit).itertuples()]
    word.caption(doc, t["table"], table_number, t["tcap_sources"], keep_with_next=True)
    word.table(doc, KeyTable([t["agency"], t["year"], t["file"], t["status"]], rows,
                             text_columns={0, 1, 2, 3}))
    if len(frame) > limit:
        word.body(doc, t["sources_more"].format(m=len(frame) - limit), indent=False,
                  size=word.SMALL_PT)
    word.body(doc, t["sources_csv"].format(csv=csv), indent=False, size=word.SMALL_PT)
    return 1


#: The section of a chart: its notebook topic, but the not-held share is its own question.
SECTION_OF = {"not_held_share": "not_held"}
SECTION_ORDER = ("outcomes", "not_held", "review_litigation", "assessment")


def section_key(chart: Chart) -> str:
    """The question a chart answers: the key of its section (``section_<key>`` words)."""
    return SECTION_OF.get(chart.name, chart.topic)


def by_section(charts: Sequence[Chart]) -> list[tuple[str, list[Chart]]]:
    """The charts grouped by question, sections in :data:`SECTION_ORDER` (others after, in
    the order met), charts in their registry order within each."""
    groups: dict[str, list[Chart]] = {}
    for chart in charts:
        groups.setdefault(section_key(chart), []).append(chart)
    ranked = sorted(groups, key=lambda k: (SECTION_ORDER.index(k) if k in SECTION_ORDER
                                           else len(SECTION_ORDER)))
    return [(k, groups[k]) for k in ranked]


def section_heading(doc: Any, index: int, key: str, t: dict[str, str], lang: str) -> None:
    """The heading of one question's section."""
    doc.add_heading(chapter_title(index, t.get(f"section_{key}", key), t, lang), level=1)


def chart_block(doc: Any, *, number: int, chart: Chart, data: ChartData,
                files: Sequence[Path], t: dict[str, str], lang: str) -> None:
    """One chart in its section: the sentence, the picture (PNG, with the SVG when
    written), the figure caption, the key-figure table under a caption that says what it
    holds, and its notes."""
    heading = chart.title(lang)
    sentence = chart.describe(data, lang)
    if sentence:
        word.body(doc, sentence)
    png = next(p for p in files if p.suffix == ".png")
    svg = next((p for p in files if p.suffix == ".svg"), None)
    word.picture(doc, png, svg, data.file, f"{heading}. {sentence}")
    word.caption(doc, t["figure"], number, heading)
    key = chart.table(data, lang)
    what = t.get(f"tcap_{chart.name}") or t["table_of_chart"].format(title=heading)
    word.caption(doc, t["table"], number, what, keep_with_next=True)
    shown, left_out = shortened(key, MAX_TABLE_ROWS)
    word.table(doc, shown)
    csv = next((p for p in files if p.suffix == ".csv"), None)
    if left_out and csv is not None:
        word.body(doc, t["q_more"].format(k=left_out, csv=f"{csv.parent.name}/{csv.name}"),
                  indent=False, size=word.SMALL_PT)
    for note in key.notes:
        word.body(doc, note, indent=False, size=word.SMALL_PT)


def shortened(key: KeyTable, limit: int) -> tuple[KeyTable, int]:
    """``key`` with its first ``limit`` rows and every bold row (a total, a pooled line),
    in their order, and how many rows were left out: a national corpus's table of 28,000
    bodies is a file to open, not pages of a briefing."""
    if len(key.rows) <= limit:
        return key, 0
    kept = [i for i in range(len(key.rows)) if i < limit or i in key.bold]
    return (KeyTable(key.header, [key.rows[i] for i in kept],
                     bold={n for n, i in enumerate(kept) if i in key.bold}, notes=key.notes,
                     text_columns=key.text_columns), len(key.rows) - len(kept))
