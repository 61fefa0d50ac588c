"""``not_held_share``: per body, the share of requests answered 本机关不掌握相关政府信息,
ranked, with Wilson intervals; the ``top_n`` bodies with most requests, the rest pooled; a
dashed line for every body pooled."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reportkit import analysis
from reportkit.charts import style, words
from reportkit.charts.base import Chart, ChartData, CorpusLike, KeyTable, Selection, flags, register
from reportkit.charts.funnel import clause
from reportkit.charts.select import scope, selected

NAME, FILE, OUTCOME = "not_held_share", "outcome_not_held_share_by_agency", "unavailable_not_held"


def compute(corpus: CorpusLike, selection: Selection) -> ChartData:
    """Per body (the ``top_n`` largest, the rest pooled) and overall: not held of processed.
    ``context["bodies"]``: every body unpooled, for the sentence's funnel clause."""
    values, reports = selected(corpus, selection)
    pooled = analysis.lump_agencies(values, reports, selection.top_n)
    data = analysis.outcome_shares(values, pooled, by="agency")
    data = data[data["outcome"] == OUTCOME]
    data = flags(data, others=data["agency"] == analysis.OTHERS)
    data = data.sort_values(["is_others", "share"], ascending=[True, False],
                            na_position="last", kind="stable")
    overall = analysis.outcome_shares(values, reports)
    overall = flags(overall[overall["outcome"] == OUTCOME], overall=True)
    frame = pd.concat([data, overall], ignore_index=True)
    bodies = analysis.outcome_shares(values, reports, by="agency")
    bodies = flags(bodies[bodies["outcome"] == OUTCOME])
    return ChartData(NAME, FILE, frame, scope(reports), selection,
                     context={"bodies": bodies}, options={"labels": "agency"})


def draw(data: ChartData, lang: str = "zh", *, title: str | None = None,
         credit: str | None = None) -> Figure:
    """Ranked bars with whiskers, counts beside each, the overall share dashed."""
    t = style.text(lang)
    frame = style.labelled(data.frame, lang)
    bars, overall = frame[~frame["is_overall"]], frame[frame["is_overall"]]
    texts = [f"{style.fmt_count(c)}/{style.fmt_count(d)} · {style.fmt_share(s)}"
             if not pd.isna(s) else t["no_data"]
             for c, d, s in zip(bars["count"], bars["total_processed"], bars["share"],
                                strict=True)]
    colors = [style.OTHERS_COLOR if o else style.GROUP_COLORS["unavailable"]
              for o in bars["is_others"]]
    n = max(len(bars), 1)
    with mpl.rc_context(style.rc()):
        notes = style.notes(bars, lang)
        fig = style.new_figure(9.0, 1.2 + 0.34 * n, notes)
        ax = fig.add_subplot()
        style.ranked_bars(ax, bars["label"].tolist(), bars["share"].to_numpy(float),
                          bars["ci_low"].to_numpy(float), bars["ci_high"].to_numpy(float),
                          texts, colors, cap=1.0, xmax=1.25)
        ax.set_xticks(np.linspace(0, 1, 6))
        ax.xaxis.set_major_formatter(FuncFormatter(style.pct))
        ax.set_xlabel(t["not_held_x"])
        if len(overall) and not pd.isna(overall["share"].iloc[0]) and not data.one_body:
            s = float(overall["share"].iloc[0])
            ax.axvline(s, color="#555555", linestyle="--", linewidth=0.9)
            ax.text(s, 1.0, f" {t['all']} {style.fmt_share(s)}",
                    transform=ax.get_xaxis_transform(), va="bottom", ha="left", fontsize=8,
                    color="#555555")
        style.decorate(fig, title or t["not_held_title"], style.scope_line(data.scope, lang),
                       notes, lang=lang,
                       credit=credit)
    return fig


def table(data: ChartData, lang: str) -> KeyTable:
    """Each body, the pooled others and every body pooled (bold): not held, processed,
    share, interval."""
    t = words.words(lang)
    frame = style.labelled(data.frame, lang)
    if data.one_body:  # the "all bodies" row would repeat the body's
        frame = frame[~frame["is_overall"]]
    rows = [[words.dagger(r.label, r.flag_failed_checks), words.count(r.count),
             words.count(r.total_processed), words.pct(r.share, t),
             words.ci(r.ci_low, r.ci_high, t, True)] for r in frame.itertuples()]
    bold = {i for i, overall in enumerate(frame["is_overall"]) if overall}
    return KeyTable([t["agency"], t["not_held"], t["total_processed"], t["share"], t["ci"]],
                    rows, bold, words.table_notes(frame, t))


def describe(data: ChartData, lang: str) -> str:
    """The overall share with its counts, and the bodies outside the funnel limits."""
    t = words.words(lang)
    overall = data.overall
    if overall.empty or pd.isna(overall["share"].iloc[0]):
        return ""
    o = overall.iloc[0]
    text = t["s_not_held"].format(n=int(o["n_reports"]), share=words.pct(o["share"], t),
                                  count=words.count(o["count"]),
                                  total=words.count(o["total_processed"]))
    per = style.labelled(data.context["bodies"], lang, dagger=False)
    per = per[per["share"].notna()]
    extra = clause(per, "count", "total_processed", "share", lambda x: words.pct(x, t),
                   t["w_not_held"], lang)
    if extra:
        text += t["clause_sep"] + extra
    return text + t["end"] + words.excluded_sentence(overall, t)


register(Chart(NAME, compute, draw, describe, table,
               title=lambda lang: style.text(lang)["not_held_title"], topic="outcomes"))
