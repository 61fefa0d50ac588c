"""Review and litigation per body, side by side on one scale: cases per 100 new requests
(``review_litigation_rates``) and the share of decided cases corrected
(``correction_rates``), with Wilson intervals and the counts beside each bar; the bodies
with most new requests first, the rest pooled; a dashed line for every body pooled."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

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

#: Per kind: the analysis function, its rate, count and base columns, the scale, the file.
KINDS: dict[str, dict[str, object]] = {
    "rates": {"name": "review_litigation_rates", "function": analysis.review_litigation_rates,
              "rate": "rate_per_100", "num": "cases", "den": "new_requests", "scale": 100.0,
              "file": "review_litigation_rates_by_agency", "x": "rates_x",
              "title": "rates_title", "empty": "no_data"},
    "correction": {"name": "correction_rates", "function": analysis.correction_rates,
                   "rate": "correction_rate", "num": "corrected", "den": "decided",
                   "scale": 1.0, "file": "review_litigation_correction_rates_by_agency",
                   "x": "correction_x", "title": "correction_title", "empty": "no_decided"},
}
MEASURES = ("review", "litigation")


def compute(corpus: CorpusLike, selection: Selection, kind: str = "rates") -> ChartData:
    """Per body (the ``top_n`` with most new requests, the rest pooled, largest first) and
    overall. ``context["bodies"]``: every body unpooled, for the sentence."""
    k = KINDS[kind]
    function = k["function"]
    values, reports = selected(corpus, selection)
    pooled = analysis.lump_agencies(values, reports, selection.top_n, row="new_requests")
    data = function(values, pooled, by="agency")  # type: ignore[operator]
    volume = analysis.agency_volume(values, pooled, row="new_requests")
    data = flags(data, others=data["agency"] == analysis.OTHERS)
    rank = {a: i for i, a in enumerate(style.order_by_volume(data, volume))}
    data = data.assign(_rank=data["agency"].map(rank)).sort_values(
        ["_rank"], kind="stable").drop(columns="_rank")
    overall = flags(function(values, reports), overall=True)  # type: ignore[operator]
    frame = pd.concat([data, overall], ignore_index=True)
    context = {}
    if kind == "rates":
        context["bodies"] = flags(function(values, reports, by="agency"))  # type: ignore[operator]
    return ChartData(str(k["name"]), str(k["file"]), frame, scope(reports), selection,
                     context=context, options={"kind": kind, "labels": "agency"})


def draw(data: ChartData, lang: str = "zh", *, title: str | None = None,
         credit: str | None = None) -> Figure:
    """Two panels, review and litigation, one bar a body, on one shared scale."""
    k = KINDS[data.options["kind"]]
    t = style.text(lang)
    rate, num, den, scale = str(k["rate"]), str(k["num"]), str(k["den"]), float(k["scale"])
    frame = style.labelled(data.frame, lang)
    bars = frame[~frame["is_overall"]].assign(_key=data.frame["agency"])
    overall = frame[frame["is_overall"]]
    keys = list(dict.fromkeys(bars["_key"]))
    n = max(len(keys), 1)
    both = bars[bars["measure"].isin(MEASURES)]
    cap = 1.0 if scale == 1 else style.cap(both[rate].to_numpy(float),
                                           both["ci_high"].to_numpy(float), 1.0)
    xmax = cap * 1.32
    cut_any = bool((both["ci_high"].to_numpy(float) > cap).any())
    notes = style.notes(bars, lang) + ([t["clipped_note"]] if cut_any else [])
    with mpl.rc_context(style.rc()):
        fig = style.new_figure(11.0, 1.6 + 0.34 * n, notes)
        axes = fig.subplots(1, 2, sharey=True)
        for ax, measure in zip(axes, MEASURES, strict=True):
            part = bars[bars["measure"] == measure].set_index("_key").reindex(keys)
            texts = [f"{style.fmt_count(c)}/{style.fmt_count(d)} · "
                     + (style.fmt_share(r) if scale == 1 else style.fmt_rate(r))
                     if not pd.isna(r) else t[str(k["empty"])]
                     for c, d, r in zip(part[num], part[den], part[rate], strict=True)]
            colors = [style.OTHERS_COLOR if o else style.MEASURE_COLORS[measure]
                      for o in part["is_others"].fillna(False)]
            style.ranked_bars(ax, part["label"].tolist(), part[rate].to_numpy(float),
                              part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float),
                              texts, colors, cap=cap, xmax=xmax)
            whole = overall[overall["measure"] == measure]
            label = style.MEASURE_LABELS[lang][measure]
            if len(whole) and not pd.isna(whole[rate].iloc[0]) and not data.one_body:
                r = float(whole[rate].iloc[0])
                shown = style.fmt_share(r) if scale == 1 else style.fmt_rate(r)
                ax.axvline(r, color="#555555", linestyle="--", linewidth=0.9)
                label = t["all_panel"].format(measure=label, value=shown)
            ax.set_title(label, loc="left", fontsize=11)
            if scale == 1:
                ax.set_xticks(np.linspace(0, 1, 6))
                ax.xaxis.set_major_formatter(FuncFormatter(style.pct))
            ax.set_xlabel(t[str(k["x"])])
        style.decorate(fig, title or t[str(k["title"])], style.scope_line(data.scope, lang),
                       notes, lang=lang,
                       credit=credit)
    return fig


def _by_label(frame: pd.DataFrame) -> Iterator[tuple]:
    """(label, review row, litigation row, flagged, is overall) per body, in order."""
    for label in dict.fromkeys(frame["label"]):
        part = frame[frame["label"] == label].set_index("measure")
        yield (label, part.loc["review"], part.loc["litigation"],
               bool(part["flag_failed_checks"].any()), bool(part["is_overall"].any()))


def table_rates(data: ChartData, lang: str) -> KeyTable:
    """Each body and every body pooled (bold): new requests, cases and rate per 100."""
    t = words.words(lang)
    frame = style.labelled(data.frame, lang)
    rows, bold = [], set()
    for label, rv, lt, flagged, is_all in _by_label(frame):
        if is_all and data.one_body:
            continue
        if is_all:
            bold = {len(rows)}
        rows.append([words.dagger(label, flagged), words.count(rv["new_requests"]),
                     *words.review_litigation_cells(rv, lt, t)])
    return KeyTable([t["agency"], t["new_requests"], t["review_cases"], t["per_100"],
                     t["litigation_cases"], t["per_100"]], rows, bold,
                    words.table_notes(frame, t))


def table_correction(data: ChartData, lang: str) -> KeyTable:
    """Each body with a decided case, and every body pooled (bold): corrected/decided and
    the rate for review and for litigation."""
    t = words.words(lang)
    frame = style.labelled(data.frame, lang)
    rows, bold, skipped = [], set(), 0
    for label, rv, lt, flagged, is_all in _by_label(frame):
        if is_all and data.one_body:
            continue
        if not is_all and rv["decided"] == 0 and lt["decided"] == 0:
            skipped += 1
            continue
        if is_all:
            bold = {len(rows)}
        rows.append([words.dagger(label, flagged),
                     f"{words.count(rv['corrected'])}/{words.count(rv['decided'])}",
                     words.with_ci(words.pct(rv["correction_rate"], t), rv["ci_low"],
                                   rv["ci_high"], t, True),
                     f"{words.count(lt['corrected'])}/{words.count(lt['decided'])}",
                     words.with_ci(words.pct(lt["correction_rate"], t), lt["ci_low"],
                                   lt["ci_high"], t, True)])
    notes = words.table_notes(frame, t)
    if skipped:
        notes.insert(0, t["no_decided_rows"].format(k=skipped))
    return KeyTable([t["agency"], t["review_corr"], t["corr_rate"], t["litigation_corr"],
                     t["corr_rate"]], rows, bold, notes)


def describe_rates(data: ChartData, lang: str) -> str:
    """New requests, cases and rates overall, and the bodies outside the funnel limits."""
    t = words.words(lang)
    overall = data.overall.set_index("measure")
    if overall.empty or pd.isna(overall.at["review", "new_requests"]):
        return ""
    rv, lt = overall.loc["review"], overall.loc["litigation"]
    text = t["s_rates"].format(n=int(rv["n_reports"]), new=words.count(rv["new_requests"]),
                               review=words.count(rv["cases"]), lit=words.count(lt["cases"]),
                               r_rate=words.rate(rv["rate_per_100"]),
                               l_rate=words.rate(lt["rate_per_100"]))
    per = style.labelled(data.context["bodies"], lang, dagger=False)
    per = per[per["rate_per_100"].notna()]
    for measure, what in (("review", "w_review"), ("litigation", "w_litigation")):
        extra = clause(per[per["measure"] == measure], "cases", "new_requests",
                       "rate_per_100", words.rate, t[what], lang)
        if extra:
            text += t["clause_sep"] + extra
    return text + t["end"] + words.excluded_sentence(overall.reset_index(), t)


def describe_correction(data: ChartData, lang: str) -> str:
    """Decided and corrected cases overall, review then litigation."""
    t = words.words(lang)
    overall = data.overall.set_index("measure")
    clauses = []
    for measure in MEASURES:
        if measure not in overall.index:
            continue
        r = overall.loc[measure]
        label = style.MEASURE_LABELS[lang].get(measure, measure)
        if words.nan0(r["decided"]) == 0:
            clauses.append(t["s_corr_none"].format(measure=label))
        else:
            clauses.append(t["s_corr"].format(measure=label, decided=words.count(r["decided"]),
                                              corrected=words.count(r["corrected"]),
                                              rate=words.pct(r["correction_rate"], t)))
    if not clauses:
        return ""
    text = t["clause_sep"].join(clauses)
    return words.capitalize(text) + t["end"] + words.excluded_sentence(overall.reset_index(), t)


for _kind, _describe, _table in (("rates", describe_rates, table_rates),
                                 ("correction", describe_correction, table_correction)):
    register(Chart(str(KINDS[_kind]["name"]), partial(compute, kind=_kind), draw, _describe,
                   _table, title=partial(lambda lang, key: style.text(lang)[key],
                                         key=str(KINDS[_kind]["title"])),
                   topic="review_litigation"))
