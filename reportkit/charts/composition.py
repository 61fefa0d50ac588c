"""``outcome_composition``: per body, the six outcome groups as shares of requests
processed (100 % stacked bars), the bodies with most requests first, the rest pooled."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reportkit import analysis, schema
from reportkit.charts import style, words
from reportkit.charts.base import Chart, ChartData, CorpusLike, KeyTable, Selection, flags, register
from reportkit.charts.funnel import clause
from reportkit.charts.select import scope, selected

NAME, FILE = "outcome_composition", "outcome_composition_by_agency"


def compute(corpus: CorpusLike, selection: Selection) -> ChartData:
    """The six groups per body (``top_n`` largest, the rest pooled). ``context``: ``order``
    (body keys, largest first, others last), ``overall`` (every body pooled) and
    ``bodies`` (every body unpooled, for the sentence)."""
    values, reports = selected(corpus, selection)
    pooled = analysis.lump_agencies(values, reports, selection.top_n)
    data = analysis.outcome_shares(values, pooled, by="agency", level="group")
    frame = flags(data, others=data["agency"] == analysis.OTHERS)
    volume = analysis.agency_volume(values, pooled)
    order = style.order_by_volume(frame, volume)
    overall = flags(analysis.outcome_shares(values, reports, level="group"), overall=True)
    bodies = analysis.outcome_shares(values, reports, by="agency", level="group")
    return ChartData(NAME, FILE, frame, scope(reports), selection,
                     context={"order": order, "overall": overall, "bodies": flags(bodies)},
                     options={"labels": "agency"})


def draw(data: ChartData, lang: str = "zh", *, title: str | None = None,
         credit: str | None = None) -> Figure:
    """100 % stacked bars, shares of 7 % or more written on them, n beside each bar."""
    t = style.text(lang)
    frame = style.labelled(data.frame, lang).assign(_key=data.frame["agency"])
    order = data.context["order"]
    share = frame.pivot_table(index="_key", columns="outcome", values="share",
                              aggfunc="first", dropna=False).reindex(order)
    labels = frame.drop_duplicates("_key").set_index("_key")["label"].reindex(order)
    totals = frame.groupby("_key")["total_processed"].max().reindex(order)
    n = max(len(order), 1)
    small = (totals.fillna(0) < style.SMALL_BASE).to_numpy()
    with mpl.rc_context(style.rc()):
        notes = style.notes(frame, lang)
        if small.any():
            notes.append(t["small_base"].format(n=style.SMALL_BASE))
        fig = style.new_figure(10.0, 1.5 + 0.36 * n, notes)
        ax = fig.add_subplot()
        y = np.arange(len(order))[::-1]
        left = np.zeros(len(order))
        for group in schema.OUTCOME_GROUPS:
            if group not in share:
                continue
            widths = share[group].fillna(0).to_numpy()
            bars = ax.barh(y, widths, left=left, color=style.GROUP_COLORS[group], height=0.72,
                           label=style.OUTCOME_LABELS[lang][group], edgecolor="white",
                           linewidth=0.5)
            for bar, thin in zip(bars, small, strict=True):
                if thin:  # a small base: pale and hatched, so it does not read as solid
                    bar.set_alpha(0.38)
                    bar.set_hatch("////")
            for yi, (x0, w) in enumerate(zip(left, widths, strict=True)):
                if w >= 0.07 and not small[yi]:
                    ax.text(x0 + w / 2, y[yi], f"{w:.0%}", ha="center", va="center",
                            fontsize=8, color="white" if group != "unavailable" else "#222222")
            left += widths
        for yi, total in enumerate(totals):
            ax.text(1.01, y[yi], t["n"].format(n=style.fmt_count(total)), va="center",
                    fontsize=8, color="#555555", transform=ax.get_yaxis_transform())
        ax.set_yticks(y, labels.to_numpy())
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(FuncFormatter(style.pct))
        ax.set_xlabel(t["composition_x"])
        ax.set_ylim(-0.6, len(order) - 0.4)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=6 if lang == "zh" else 3,
                      fontsize=8.5, handlelength=1.2, columnspacing=1.0)
        style.decorate(fig, title or t["composition_title"],
                       style.scope_line(data.scope, lang), notes, lang=lang,
                       credit=credit)
    return fig


def table(data: ChartData, lang: str) -> KeyTable:
    """Each body (largest first, the pooled others, every body pooled in bold): requests
    processed and the six shares."""
    t = words.words(lang)
    frame = style.labelled(data.frame, lang)
    groups = list(schema.OUTCOME_GROUPS)
    labels = list(dict.fromkeys(frame["label"]))
    totals = frame.groupby("label", sort=False)["total_processed"].max()
    pooled = set(frame.loc[frame["is_others"], "label"])
    order = sorted(labels, key=lambda lab: (lab in pooled, -words.nan0(totals.get(lab))))
    share = frame.pivot_table(index="label", columns="outcome", values="share",
                              aggfunc="first", dropna=False)
    rows = [[lab, words.count(totals.get(lab))]
            + [words.pct(share.at[lab, g], t) if g in share else "–" for g in groups]
            for lab in order]
    overall = data.context["overall"]
    if len(overall) and not data.one_body:
        o = overall.set_index("outcome")
        label = words.dagger(t["all_agencies"], overall["flag_failed_checks"].any())
        rows.append([label, words.count(overall["total_processed"].max())]
                    + [words.pct(o.at[g, "share"], t) if g in o.index else "–" for g in groups])
    header = [t["agency"], t["total_processed"],
              *(style.OUTCOME_LABELS[lang].get(g, g) for g in groups)]
    return KeyTable(header, rows, {len(rows) - 1} if len(overall) and not data.one_body else set(),
                    words.table_notes(frame, t))


def describe(data: ChartData, lang: str) -> str:
    """One body: its outcomes with counts; several: who stands out (funnel limits) on the
    share granted and the share unavailable."""
    t = words.words(lang)
    per = style.labelled(data.context["bodies"], lang, dagger=False)
    per = per[per["n_reports"] > 0]
    granted = per[per["outcome"] == "granted"]
    unavailable = per[per["outcome"] == "unavailable"]
    if granted["agency"].nunique() == 1:
        names = style.OUTCOME_LABELS[lang]
        parts = [t["s_group_part"].format(label=names.get(r.outcome, r.outcome),
                                          count=words.count(r.count),
                                          share=words.pct(r.share, t))
                 for r in per.itertuples() if r.count > 0]
        return t["s_composition_one"].format(agency=granted["label"].iloc[0],
                                             parts=t["list_sep"].join(parts))
    if granted.empty or unavailable.empty:
        return ""

    def pct(x: object) -> str:
        return words.pct(x, t)

    clauses = [clause(frame, "count", "total_processed", "share", pct, t[what], lang)
               for frame, what in ((granted, "w_granted"), (unavailable, "w_unavailable"))]
    return words.capitalize(t["clause_sep"].join(c for c in clauses if c)) + t["end"]


register(Chart(NAME, compute, draw, describe, table,
               title=lambda lang: style.text(lang)["composition_title"], topic="outcomes"))
