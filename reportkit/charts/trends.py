"""Year by year, every body of the selection pooled: the six outcome groups' shares
(``outcome_trends``) and review and litigation per 100 new requests
(``review_litigation_trends``), each tick saying how many reports and requests a year
rests on. They need two years or more."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reportkit import analysis, schema
from reportkit.charts import style, words
from reportkit.charts.base import Chart, ChartData, CorpusLike, KeyTable, Selection, flags, register
from reportkit.charts.select import scope, selected

MEASURES = ("review", "litigation")


def _same_bodies(reports: object) -> bool:
    """Whether every year of the selection holds the same bodies."""
    by_year = reports.dropna(subset=["year"]).groupby("year")["agency"].agg(frozenset)  # type: ignore[attr-defined]
    return by_year.nunique() <= 1


def compute_outcomes(corpus: CorpusLike, selection: Selection) -> ChartData:
    """The six groups' shares per year (:func:`reportkit.analysis.outcome_shares`)."""
    values, reports = selected(corpus, selection)
    data = style.by_year(analysis.outcome_shares(values, reports, by="year", level="group"))
    return ChartData("outcome_trends", "outcome_trends_by_year",
                     flags(data, overall=True).reset_index(drop=True), scope(reports),
                     selection, context={"same_bodies": _same_bodies(reports)},
                     options={"labels": "outcome"})


def compute_rates(corpus: CorpusLike, selection: Selection) -> ChartData:
    """Review and litigation per 100 new requests per year."""
    values, reports = selected(corpus, selection)
    data = style.by_year(analysis.review_litigation_rates(values, reports, by="year"))
    data = data[data["measure"].isin(MEASURES)]
    return ChartData("review_litigation_trends", "review_litigation_trends_by_year",
                     flags(data, overall=True).reset_index(drop=True), scope(reports),
                     selection, context={"same_bodies": _same_bodies(reports)},
                     options={"labels": "measure"})


def draw_outcomes(data: ChartData, lang: str = "zh", *, title: str | None = None) -> Figure:
    """One line per outcome group, the last share written at its end."""
    t = style.text(lang)
    frame = style.table_frame(data, lang)
    years = sorted(frame["year"].unique())
    with mpl.rc_context(style.rc()):
        notes = style.notes(frame, lang)
        fig = style.new_figure(max(7.5, 1.1 * len(years) + 5.5), 4.2, notes)
        ax = fig.add_subplot()
        for group in schema.OUTCOME_GROUPS:
            part = frame[frame["outcome"] == group]
            if part.empty:
                continue
            ax.plot(part["year"], part["share"], marker="o", color=style.GROUP_COLORS[group],
                    label=style.OUTCOME_LABELS[lang][group], linewidth=1.8)
            last = part.iloc[-1]
            if not np.isnan(last["share"]):
                ax.annotate(style.fmt_share(last["share"]), (last["year"], last["share"]),
                            xytext=(6, 0), textcoords="offset points", va="center",
                            fontsize=8, color=style.GROUP_COLORS[group])
        ax.set_xticks(years, style.year_ticks(frame, "total_processed", lang))
        if years:
            ax.set_xlim(years[0] - 0.5, years[-1] + 0.8)
        ax.set_ylim(0, max(0.05, float(np.nanmax(frame["share"].to_numpy(float), initial=0)))
                    * 1.15)
        ax.yaxis.set_major_formatter(FuncFormatter(style.pct))
        ax.yaxis.grid(True)
        ax.set_xlabel(t["year_axis"])
        ax.set_ylabel(t["outcome_trend_y"])
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        style.decorate(fig, title or t["outcome_trend_title"],
                       style.scope_line(data.scope, lang), notes)
    return fig


def draw_rates(data: ChartData, lang: str = "zh", *, title: str | None = None) -> Figure:
    """Review and litigation per year with Wilson intervals (cut, and said so, where a thin
    year would flatten the rest)."""
    t = style.text(lang)
    frame = style.table_frame(data, lang)
    years = sorted(frame["year"].unique())
    cap = style.cap(frame["rate_per_100"].to_numpy(float), frame["ci_high"].to_numpy(float),
                    1.0)
    cut = bool((frame["ci_high"].to_numpy(float) > cap).any())
    notes = style.notes(frame, lang) + ([t["clipped_note"]] if cut else [])
    with mpl.rc_context(style.rc()):
        fig = style.new_figure(max(7.5, 1.1 * len(years) + 5.5), 4.2, notes)
        ax = fig.add_subplot()
        for i, measure in enumerate(MEASURES):
            part = frame[frame["measure"] == measure]
            x = part["year"].to_numpy(float) + (i - 0.5) * 0.14
            r = part["rate_per_100"].to_numpy(float)
            high = np.minimum(part["ci_high"].to_numpy(float), cap)
            err = np.maximum(np.vstack([np.nan_to_num(r - part["ci_low"].to_numpy(float)),
                                        np.nan_to_num(high - r)]), 0.0)
            ax.errorbar(x, r, yerr=err, marker="o", color=style.MEASURE_COLORS[measure],
                        label=style.MEASURE_LABELS[lang][measure], capsize=3, linewidth=1.8)
            clipped = part["ci_high"].to_numpy(float) > cap
            if clipped.any():
                ax.plot(x[clipped], np.full(int(clipped.sum()), cap), marker="^",
                        linestyle="none", color=style.MEASURE_COLORS[measure], markersize=5)
            for xi, ri, c, d in zip(x, r, part["cases"], part["new_requests"], strict=True):
                if not np.isnan(ri):
                    ax.annotate(f"{style.fmt_rate(ri)} ({style.fmt_count(c)}/"
                                f"{style.fmt_count(d)})", (xi, ri),
                                xytext=(-7 if i == 0 else 7, 0),
                                ha="right" if i == 0 else "left", textcoords="offset points",
                                va="center", fontsize=8, color=style.MEASURE_COLORS[measure])
        ax.set_xticks(years, style.year_ticks(frame, "new_requests", lang))
        if years:
            ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
        ax.set_ylim(0, cap * 1.1)
        ax.yaxis.grid(True)
        ax.set_xlabel(t["year_axis"])
        ax.set_ylabel(t["rates_trend_y"])
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        style.decorate(fig, title or t["rates_trend_title"], style.scope_line(data.scope, lang),
                       notes)
    return fig


def _per_year(frame: object, base: str) -> object:
    return frame.groupby("year").agg(n_reports=("n_reports", "max"),  # type: ignore[attr-defined]
                                     base=(base, "max"), flagged=("flag_failed_checks", "any"))


def table_outcomes(data: ChartData, lang: str) -> KeyTable:
    """Per year: reports, requests processed, the six shares."""
    t = words.words(lang)
    frame = style.table_frame(data, lang)
    groups = list(schema.OUTCOME_GROUPS)
    share = frame.pivot_table(index="year", columns="outcome", values="share",
                              aggfunc="first", dropna=False)
    rows = [[words.dagger(str(int(y)), r.flagged), words.count(r.n_reports),
             words.count(r.base)]
            + [words.pct(share.at[y, g], t) if g in share else "–" for g in groups]
            for y, r in _per_year(frame, "total_processed").iterrows()]  # type: ignore[attr-defined]
    header = [t["year"], t["n_reports"], t["total_processed"]] + \
        [style.OUTCOME_LABELS[lang].get(g, g) for g in groups]
    return KeyTable(header, rows, notes=words.table_notes(frame, t))


def table_rates(data: ChartData, lang: str) -> KeyTable:
    """Per year: reports, new requests, review and litigation cases and rates."""
    t = words.words(lang)
    frame = style.table_frame(data, lang)
    rows = []
    for year, part in frame.groupby("year"):
        p = part.set_index("measure")
        rv, lt = p.loc["review"], p.loc["litigation"]
        rows.append([words.dagger(str(int(year)), part["flag_failed_checks"].any()),
                     words.count(part["n_reports"].max()), words.count(rv["new_requests"]),
                     words.count(rv["cases"]),
                     words.with_ci(words.rate(rv["rate_per_100"]), rv["ci_low"], rv["ci_high"],
                                   t, False),
                     words.count(lt["cases"]),
                     words.with_ci(words.rate(lt["rate_per_100"]), lt["ci_low"], lt["ci_high"],
                                   t, False)])
    return KeyTable([t["year"], t["n_reports"], t["new_requests"], t["review_cases"],
                     t["per_100"], t["litigation_cases"], t["per_100"]], rows,
                    notes=words.table_notes(frame, t))


def _describe(data: ChartData, lang: str, key: str, items: Sequence[str], value: str,
              label_key: str, fmt: Callable[[object], str]) -> str:
    """From the first year to the last: each item's figure, with the bodies caveat."""
    t = words.words(lang)
    frame = style.table_frame(data, lang).dropna(subset=["year"])
    years = sorted(int(y) for y in frame["year"].unique())
    if len(years) < 2:
        return ""
    y0, y1 = years[0], years[-1]
    k = frame.groupby("year")["n_reports"].max()
    labels = style.OUTCOME_LABELS[lang] if key == "outcome" else style.MEASURE_LABELS[lang]
    parts = []
    for item in items:
        series = frame[frame[key] == item].set_index("year")[value]
        if y0 in series.index and y1 in series.index:
            label = labels.get(item, item)
            parts.append(t["s_trend_part"].format(label=t[label_key].format(label=label),
                                                  a=fmt(series[y0]), b=fmt(series[y1])))
    if not parts:
        return ""
    text = t["s_trend"].format(y0=y0, y1=y1, k0=int(k[y0]), k1=int(k[y1]),
                               parts=t["list_sep"].join(parts))
    if not data.context["same_bodies"]:
        text += t["s_trend_caveat"]
    return text + words.excluded_sentence(frame, t)


def describe_outcomes(data: ChartData, lang: str) -> str:
    """The share granted and the share unavailable, first year against last."""
    t = words.words(lang)
    return _describe(data, lang, "outcome", ("granted", "unavailable"), "share",
                     "s_trend_outcome_label", lambda x: words.pct(x, t))


def describe_rates(data: ChartData, lang: str) -> str:
    """Review and litigation per 100, first year against last."""
    return _describe(data, lang, "measure", MEASURES, "rate_per_100", "s_trend_rate_label",
                     words.rate)


for _name, _compute, _draw, _describe_one, _table, _title, _topic in (
        ("outcome_trends", compute_outcomes, draw_outcomes, describe_outcomes, table_outcomes,
         "outcome_trend_title", "outcomes"),
        ("review_litigation_trends", compute_rates, draw_rates, describe_rates, table_rates,
         "rates_trend_title", "review_litigation")):
    register(Chart(_name, _compute, _draw, _describe_one, _table,
                   title=partial(lambda lang, key: style.text(lang)[key], key=_title),
                   topic=_topic, min_years=2))
