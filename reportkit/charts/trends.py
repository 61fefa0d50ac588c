"""Year by year, every body of the selection pooled: the six outcome groups' shares
(``outcome_trends``) and review and litigation per 100 new requests
(``review_litigation_trends``), each tick saying how many reports and requests a year
rests on. They need two years or more."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reportkit import analysis, schema
from reportkit.charts import style, words
from reportkit.charts.base import Chart, ChartData, CorpusLike, KeyTable, Selection, flags, register
from reportkit.charts.select import scope, selected

MEASURES = ("review", "litigation")


def panel(reports: pd.DataFrame) -> pd.DataFrame:
    """The reports of the bodies (``agency_id``, else ``agency``) that report in every year
    of ``reports``: a trend compares the same bodies (a year with other bodies is not a
    trend)."""
    dated = reports[pd.to_numeric(reports["year"], errors="coerce").notna()]
    if dated.empty:
        return dated
    key = dated["agency"].astype(object)
    if "agency_id" in dated:
        ids = dated["agency_id"].astype(object)
        key = ids.where(ids.notna() & (ids.astype(str) != ""), key)
    years_per_body = dated.assign(_key=key).groupby("_key")["year"].nunique()
    keep = set(years_per_body[years_per_body == dated["year"].nunique()].index)
    return dated[key.isin(keep)].reset_index(drop=True)


def _trend_data(corpus: CorpusLike, selection: Selection, name: str, file: str,
             measure: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame], labels: str
             ) -> ChartData:
    values, reports = selected(corpus, selection)
    years = sorted(int(y) for y in pd.to_numeric(reports["year"], errors="coerce").dropna()
                   .unique())
    same = panel(reports)
    values, same = analysis.select(values, same, statuses=None)
    data = style.by_year(measure(values, same))
    context: dict[str, object] = {"same_bodies": True, "years": years,
                                  "panel_bodies": int(scope(same)["agencies"])}
    if len(years) >= 2 and same.empty:
        context["unavailable"] = "no_panel"
    return ChartData(name, file, flags(data, overall=True).reset_index(drop=True),
                     scope(same if len(same) else reports), selection, context=context,
                     options={"labels": labels})


def compute_outcomes(corpus: CorpusLike, selection: Selection) -> ChartData:
    """The six groups' shares per year (:func:`reportkit.analysis.outcome_shares`), over
    the bodies reporting in every year of the selection (:func:`panel`)."""
    return _trend_data(corpus, selection, "outcome_trends", "outcome_trends_by_year",
                    lambda v, r: analysis.outcome_shares(v, r, by="year", level="group"),
                    "outcome")


def compute_rates(corpus: CorpusLike, selection: Selection) -> ChartData:
    """Review and litigation per 100 new requests per year, over the same bodies."""
    def rates(v: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
        out = analysis.review_litigation_rates(v, r, by="year")
        return out[out["measure"].isin(MEASURES)]
    return _trend_data(corpus, selection, "review_litigation_trends",
                    "review_litigation_trends_by_year", rates, "measure")


def _years(data: ChartData) -> list[int]:
    """Every year from the selection's first to its last (a year without data a gap)."""
    years = data.context.get("years") or []
    return list(range(min(years), max(years) + 1)) if years else []


def _notes(data: ChartData, frame: pd.DataFrame, base: str, lang: str) -> list[str]:
    t = style.text(lang)
    notes = style.notes(frame, lang)
    if len(frame):
        notes.insert(0, t["panel_note"].format(k=data.context.get("panel_bodies", 0)))
    if bool((frame.groupby("year")[base].max() < style.SMALL_BASE).any()):
        notes.append(t["small_year"].format(n=style.SMALL_BASE))
    return notes


def _end_labels(fig: Figure, ax: object, points: list[tuple[float, float, str, str]]) -> None:
    """Write each (x, y, text, colour) beside its point, moved up or down so that no two
    labels overlap (:func:`reportkit.charts.style.spread`)."""
    if not points:
        return
    fig.draw_without_rendering()  # the layout, so data → points is final
    scale = 72.0 / fig.dpi
    ys = [ax.transData.transform((x, y))[1] * scale for x, y, _, _ in points]
    placed = style.spread(ys, 10.5)
    for (x, y, label, colour), y0, y1 in zip(points, ys, placed, strict=True):
        ax.annotate(label, (x, y), xytext=(7, y1 - y0), textcoords="offset points",
                    va="center", ha="left", fontsize=8, color=colour)


def _empty(ax: object, lang: str) -> None:
    ax.text(0.5, 0.5, style.text(lang)["no_panel"], ha="center", va="center",
            transform=ax.transAxes, fontsize=9, color="#555555", wrap=True)


def draw_outcomes(data: ChartData, lang: str = "zh", *, title: str | None = None,
                  credit: str | None = None) -> Figure:
    """One line per outcome group, gaps for years without data, hollow markers for a
    year with a small base, the last share written at each line's end."""
    t = style.text(lang)
    frame = style.table_frame(data, lang)
    years = _years(data)
    base = frame.groupby("year")["total_processed"].max().reindex(years)
    thin = (base.fillna(0) < style.SMALL_BASE).to_numpy()
    with mpl.rc_context(style.rc()):
        notes = _notes(data, frame, "total_processed", lang)
        fig = style.new_figure(max(7.5, 1.1 * len(years) + 5.5), 4.2, notes)
        ax = fig.add_subplot()
        ends = []
        for group in schema.OUTCOME_GROUPS:
            part = frame[frame["outcome"] == group].set_index("year")["share"].reindex(years)
            if part.isna().all():
                continue
            colour = style.GROUP_COLORS[group]
            ax.plot(years, part.to_numpy(float), color=colour, linewidth=1.8,
                    label=style.OUTCOME_LABELS[lang][group], marker="o",
                    markevery=[i for i in range(len(years)) if not thin[i]] or None)
            for i in np.flatnonzero(thin):
                ax.plot(years[i], part.iloc[i], marker="o", markerfacecolor="white",
                        markeredgecolor="#999999", linestyle="none")
            last = part.dropna()
            ends.append((last.index[-1], float(last.iloc[-1]), style.fmt_share(last.iloc[-1]),
                         colour))
        if frame.empty:
            _empty(ax, lang)
        ax.set_xticks(years, style.year_ticks(frame, "total_processed", lang, years))
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
                       style.scope_line(data.scope, lang), notes, lang=lang, credit=credit)
        _end_labels(fig, ax, ends)
    return fig


def draw_rates(data: ChartData, lang: str = "zh", *, title: str | None = None,
               credit: str | None = None) -> Figure:
    """Review and litigation per year with Wilson intervals (cut, and said so, where a thin
    year would flatten the rest), gaps for years without data, hollow markers for a small
    base, each figure written beside its point without overlapping another."""
    t = style.text(lang)
    frame = style.table_frame(data, lang)
    years = _years(data)
    base = frame.groupby("year")["new_requests"].max().reindex(years)
    thin = (base.fillna(0) < style.SMALL_BASE).to_numpy()
    cap = style.cap(frame["rate_per_100"].to_numpy(float), frame["ci_high"].to_numpy(float),
                    1.0)
    cut = bool((frame["ci_high"].to_numpy(float) > cap).any())
    notes = _notes(data, frame, "new_requests", lang) + ([t["clipped_note"]] if cut else [])
    with mpl.rc_context(style.rc()):
        fig = style.new_figure(max(7.5, 1.4 * len(years) + 5.5), 4.2, notes)
        ax = fig.add_subplot()
        labels = []
        for i, measure in enumerate(MEASURES):
            part = frame[frame["measure"] == measure].set_index("year").reindex(years)
            colour = style.MEASURE_COLORS[measure]
            x = np.asarray(years, dtype=float) + (i - 0.5) * 0.14
            r = part["rate_per_100"].to_numpy(float)
            high = np.minimum(part["ci_high"].to_numpy(float), cap)
            err = np.maximum(np.vstack([np.nan_to_num(r - part["ci_low"].to_numpy(float)),
                                        np.nan_to_num(high - r)]), 0.0)
            ax.errorbar(x, r, yerr=err, marker="o", color=colour,
                        label=style.MEASURE_LABELS[lang][measure], capsize=3, linewidth=1.8)
            for xi, ri in zip(x[thin], r[thin], strict=True):
                ax.plot(xi, ri, marker="o", markerfacecolor="white", markeredgecolor=colour,
                        linestyle="none")
            clipped = part["ci_high"].to_numpy(float) > cap
            if clipped.any():
                ax.plot(x[clipped], np.full(int(clipped.sum()), cap), marker="^",
                        linestyle="none", color=colour, markersize=5)
            for xi, ri, c, d in zip(x, r, part["cases"], part["new_requests"], strict=True):
                if not np.isnan(ri):
                    labels.append((xi + (0.14 if i == 0 else 0.0), ri,
                                   f"{style.fmt_rate(ri)} ({style.fmt_count(c)}/"
                                   f"{style.fmt_count(d)})", colour))
        if frame.empty:
            _empty(ax, lang)
        ax.set_xticks(years, style.year_ticks(frame, "new_requests", lang, years))
        if years:
            ax.set_xlim(years[0] - 0.5, years[-1] + 0.9)
        ax.set_ylim(0, cap * 1.1)
        ax.yaxis.grid(True)
        ax.set_xlabel(t["year_axis"])
        ax.set_ylabel(t["rates_trend_y"])
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        style.decorate(fig, title or t["rates_trend_title"], style.scope_line(data.scope, lang),
                       notes, lang=lang, credit=credit)
        for year in sorted({round(p[0]) for p in labels}):
            _end_labels(fig, ax, [p for p in labels if round(p[0]) == year])
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
                     *words.review_litigation_cells(rv, lt, t)])
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
    if not data.context.get("same_bodies", True):
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
