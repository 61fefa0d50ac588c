"""The key findings (主要发现) on page 1: three to five sentences, each a figure with its
counts, read off the same :class:`reportkit.charts.ChartData` the charts draw (the pooled
``is_overall`` rows), so a finding and its chart cannot disagree; the last one says how
many of the selection's files were read fully and in part.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from reportkit.brief.sources import UNREAD
from reportkit.charts import ChartData
from reportkit.charts.words import count, pct, rate
from reportkit.schema.labels import outcome_label

#: The charts whose numbers the findings read, in the order of the findings.
SOURCES = ("outcome_group_frequencies", "not_held_share", "review_litigation_rates",
           "correction_rates")


def _overall(data: ChartData | None, **match: str) -> pd.Series | None:
    """The pooled row of ``data`` (matching ``column=value`` pairs), or None."""
    if data is None:
        return None
    frame = data.overall
    for column, value in match.items():
        frame = frame[frame[column] == value]
    return frame.iloc[0] if len(frame) else None


def _known(*xs: object) -> bool:
    return all(x is not None and not pd.isna(x) for x in xs)


def _excluded(row: pd.Series, t: dict[str, str]) -> str:
    k = int(row.get("n_excluded") or 0)
    return t["f_excluded"].format(k=k) if k else ""


def top_group(data: ChartData | None, t: dict[str, str], lang: str) -> str:
    """The most frequent of the six outcome groups, its count and share of all processed."""
    if data is None or data.overall.empty:
        return ""
    frame = data.overall.dropna(subset=["count", "total_processed"])
    frame = frame[frame["total_processed"] > 0]
    if frame.empty:
        return ""
    row = frame.sort_values("count", ascending=False, kind="stable").iloc[0]
    return t["f_top_group"].format(label=outcome_label(str(row["group"]), lang),
                                   count=count(row["count"]),
                                   total=count(row["total_processed"]),
                                   share=pct(row["share"], t)) + _excluded(row, t)


def not_held(data: ChartData | None, t: dict[str, str]) -> str:
    """The share answered 本机关不掌握相关政府信息, with its counts."""
    row = _overall(data)
    if row is None or not _known(row["count"], row["total_processed"]) \
            or not row["total_processed"]:
        return ""
    return t["f_not_held"].format(count=count(row["count"]),
                                  total=count(row["total_processed"]),
                                  share=pct(row["share"], t)) + _excluded(row, t)


def review_litigation(data: ChartData | None, t: dict[str, str]) -> str:
    """Reviews and lawsuits per 100 new requests, with the counts."""
    review, lit = _overall(data, measure="review"), _overall(data, measure="litigation")
    if review is None or lit is None or not _known(review["cases"], review["new_requests"],
                                                   lit["cases"]) \
            or not review["new_requests"]:
        return ""
    return t["f_rates"].format(new=count(review["new_requests"]), review=count(review["cases"]),
                               r_rate=rate(review["rate_per_100"]), lit=count(lit["cases"]),
                               l_rate=rate(lit["rate_per_100"])) + _excluded(review, t)


def correction(data: ChartData | None, t: dict[str, str]) -> str:
    """How many decided reviews (and lawsuits) were corrected."""
    parts = []
    for measure in ("review", "litigation"):
        row = _overall(data, measure=measure)
        if row is None or not _known(row["corrected"], row["decided"]) or not row["decided"]:
            continue
        parts.append(t["f_corr_part"].format(measure=t[f"f_measure_{measure}"],
                                             decided=count(row["decided"]),
                                             corrected=count(row["corrected"]),
                                             share=pct(row["correction_rate"], t)))
    if not parts:
        return ""
    return t["f_corr"].format(parts=t["clause_sep"].join(parts))


def reading(quality: pd.DataFrame, t: dict[str, str]) -> str:
    """How many of the selection's files were read fully, in part, not at all."""
    status = quality["status"].astype(str)
    ok = int((status == "ok").sum())
    partial = int((status == "partial").sum())
    failed = int((status == "failed").sum())
    others = int((~status.isin(("ok", *UNREAD))).sum())
    if ok == len(quality):
        return t["f_read_all"].format(n=ok)
    parts = [t[f"f_read_{key}"].format(k=k) for key, k in (("ok", ok), ("partial", partial),
                                                           ("failed", failed),
                                                           ("others", others)) if k]
    return t["f_read"].format(files=len(quality), parts=t["list_sep"].join(parts))


def findings(data: dict[str, ChartData], quality: pd.DataFrame, t: dict[str, str],
             lang: str) -> list[str]:
    """The key findings: the largest outcome group, the not-held share, review and
    litigation per 100 new requests, corrections, the files read (those that exist)."""
    out = [top_group(data.get("outcome_group_frequencies"), t, lang),
           not_held(data.get("not_held_share"), t),
           review_litigation(data.get("review_litigation_rates"), t),
           correction(data.get("correction_rates"), t),
           reading(quality, t)]
    return [f for f in out if f][:5]


def needed(computed: dict[str, Any]) -> list[str]:
    """The charts the findings read that are not already computed for the document."""
    return [n for n in SOURCES if n not in computed]
