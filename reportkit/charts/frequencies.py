"""How often each outcome occurs, all reports of the selection pooled: the 21 outcome rows
(``outcome_frequencies``) and the six groups (``outcome_group_frequencies``), as horizontal
bars sorted by count, each labelled with its count and its share of requests processed."""

from __future__ import annotations

from functools import partial

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from reportkit import analysis, schema
from reportkit.charts import style, words
from reportkit.charts.base import Chart, ChartData, CorpusLike, KeyTable, Selection, flags, register
from reportkit.charts.select import scope, selected

FILES = {"row": "outcome_frequencies", "group": "outcome_group_frequencies"}
NAMES = {"row": "outcome_frequencies", "group": "outcome_group_frequencies"}
TITLES = {"row": "outcome_title", "group": "outcome_group_title"}


def compute(corpus: CorpusLike, selection: Selection, level: str = "row") -> ChartData:
    """The outcome rows (``level="row"``) or groups of the reports used, largest count
    first (:func:`reportkit.analysis.outcome_shares`); rows with 0 requests are left out
    (counted in ``context["zero_rows"]``) unless ``selection.all_rows``."""
    values, reports = selected(corpus, selection)
    data = analysis.outcome_shares(values, reports, level=level)
    data = data[data["n_reports"] > 0]
    zero = data["count"] == 0
    if not selection.all_rows:
        data = data[~zero]
    data = data.sort_values(["count", "outcome"], ascending=[True, False], kind="stable")
    frame = flags(data.iloc[::-1], overall=True).reset_index(drop=True)
    return ChartData(NAMES[level], FILES[level], frame, scope(reports), selection,
                     context={"zero_rows": 0 if selection.all_rows else int(zero.sum())},
                     options={"level": level, "labels": "outcome"})


def draw(data: ChartData, lang: str = "zh", *, title: str | None = None,
         credit: str | None = None) -> Figure:
    """Horizontal bars, the most frequent outcome on top, count and share beside each."""
    t = style.text(lang)
    level = data.options["level"]
    frame = style.table_frame(data, lang).iloc[::-1]
    n = max(len(frame), 1)
    with mpl.rc_context(style.rc()):
        notes = style.notes(frame, lang)
        if data.context.get("zero_rows"):
            notes.insert(0, t["zero_note"].format(k=data.context["zero_rows"]))
        fig = style.new_figure(9.0 if lang == "zh" else 9.5, 1.1 + 0.33 * n, notes)
        ax = fig.add_subplot()
        y = np.arange(len(frame))
        colors = [style.GROUP_COLORS[g] for g in frame["group"]]
        ax.barh(y, frame["count"], color=colors, height=0.7)
        ax.set_yticks(y, frame["label"])
        top = float(frame["count"].max()) if len(frame) and frame["count"].max() > 0 else 1.0
        ax.set_xlim(0, top * 1.3)
        for yi, (count, share) in enumerate(zip(frame["count"], frame["share"], strict=True)):
            ax.text(count + top * 0.01, yi,
                    f"{style.fmt_count(count)}（{style.fmt_share(share)}）" if lang == "zh"
                    else f"{style.fmt_count(count)} ({style.fmt_share(share)})",
                    va="center", fontsize=8.5, color="#222222")
        ax.xaxis.grid(True)
        ax.set_xlabel(t["outcome_x"])
        ax.set_ylim(-0.6, len(frame) - 0.4)
        if level == "row":
            handles = [mpl.patches.Patch(color=style.GROUP_COLORS[g],
                                         label=style.OUTCOME_LABELS[lang][g])
                       for g in schema.OUTCOME_GROUPS if g in set(frame["group"])]
            ax.legend(handles=handles, loc="lower right", fontsize=8.5)
        style.decorate(fig, title or t[TITLES[level]], style.scope_line(data.scope, lang),
                       notes, lang=lang,
                       credit=credit)
    return fig


def table_rows(data: ChartData, lang: str) -> KeyTable:
    """The outcome rows that occur (the others counted in a note)."""
    t = words.words(lang)
    frame = style.table_frame(data, lang)
    shown = frame[frame["count"] > 0]
    rows = [[words.dagger(r.label, r.flag_failed_checks), words.count(r.count),
             words.count(r.total_processed), words.pct(r.share, t),
             words.ci(r.ci_low, r.ci_high, t, True)] for r in shown.itertuples()]
    notes = words.table_notes(frame, t)
    zero = len(frame) - len(shown) + int(data.context.get("zero_rows", 0))
    if zero:
        notes.insert(0, t["zero_rows"].format(k=zero))
    return KeyTable([t["outcome"], t["count"], t["total_processed"], t["share"], t["ci"]],
                    rows, notes=notes)


def table_groups(data: ChartData, lang: str) -> KeyTable:
    """The six groups and the total row."""
    t = words.words(lang)
    frame = style.table_frame(data, lang)
    rows = [[words.dagger(r.label, r.flag_failed_checks), words.count(r.count),
             words.count(r.total_processed), words.pct(r.share, t),
             words.ci(r.ci_low, r.ci_high, t, True)] for r in frame.itertuples()]
    total = frame["total_processed"].max() if len(frame) else np.nan
    rows.append([words.dagger(t["total_row"], frame["flag_failed_checks"].any()),
                 words.count(total), words.count(total),
                 words.pct(1.0 if total else np.nan, t), ""])
    return KeyTable([t["outcome"], t["count"], t["total_processed"], t["share"], t["ci"]],
                    rows, bold={len(rows) - 1}, notes=words.table_notes(frame, t))


def describe_groups(data: ChartData, lang: str) -> str:
    """"In n reports, N requests were processed: granted a (x %), …"."""
    t = words.words(lang)
    frame = style.table_frame(data, lang).sort_values("count", ascending=False, kind="stable")
    parts = [t["s_group_part"].format(label=r.label, count=words.count(r.count),
                                      share=words.pct(r.share, t))
             for r in frame.itertuples() if r.count > 0]
    if frame.empty:
        return ""
    n = int(frame["n_reports"].max())
    text = t["s_groups"].format(n=n, total=words.count(frame["total_processed"].max()),
                                parts=t["list_sep"].join(parts))
    return text + words.excluded_sentence(frame, t)


def describe_rows(data: ChartData, lang: str) -> str:
    """The three most frequent outcomes, and how many occur."""
    t = words.words(lang)
    frame = style.table_frame(data, lang).sort_values("count", ascending=False, kind="stable")
    nonzero = frame[frame["count"] > 0]
    zeros = int(data.context.get("zero_rows", 0))
    items = [t["s_row_part"].format(label=r.label, count=words.count(r.count),
                                    share=words.pct(r.share, t))
             for r in nonzero.head(3).itertuples()]
    if not items:
        return ""
    rest = items[1:]
    if not rest:
        text = t["s_rows_one"].format(first=items[0], z=len(frame) - 1 + zeros)
    else:
        rest_text = (t["list_sep"].join(rest[:-1]) + t["s_and"] + rest[-1]) if len(rest) > 1 \
            else rest[0]
        text = t["s_rows"].format(first=items[0], rest=rest_text, k=len(nonzero),
                                  z=len(frame) - len(nonzero) + zeros)
    return text + words.excluded_sentence(frame, t)


for _level, _describe, _table in (("group", describe_groups, table_groups),
                                  ("row", describe_rows, table_rows)):
    register(Chart(NAMES[_level], partial(compute, level=_level), draw, _describe, _table,
                   title=partial(lambda lang, key: style.text(lang)[key], key=TITLES[_level]),
                   topic="outcomes"))
