"""The files behind the briefing: which files belong to the selection (for the data-quality
section and the closing list of source reports), what their status and error mean in the
briefing's language, and the CSV beside the briefing that lists them all.

Status order is :data:`reportkit.schema.frames.STATUSES`. A ``skipped`` file (an image,
spreadsheet or archive lying in the input folder) is not a report: it is neither listed
nor counted as a file not fully read, only counted in one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from reportkit import analysis
from reportkit.charts.words import capitalize
from reportkit.corpus.csvtext import excel_safe_frame
from reportkit.schema.frames import STATUSES

SKIPPED = "skipped"
#: Statuses of files whose figures are in the charts only in part or not at all (they are
#: reports, or meant to be); ``not_a_report`` and ``duplicate`` are said apart.
UNREAD = ("partial", "failed")
#: The closing list shows this many reports; the CSV beside the briefing holds them all.
MAX_SOURCES = 40

#: Error kinds: (pattern in the reader's English message, key of the sentence in
#: :mod:`reportkit.brief.strings`, ``reason_<key>``), first match wins.
ERROR_KINDS: tuple[tuple[str, str], ...] = (
    (r"run together", "run_together"),
    (r"password", "password"),
    (r"no text layer|OCR", "no_text"),
    (r"file is empty|page is empty|no pages", "empty"),
    (r"not text in UTF-8", "encoding"),
    (r"took more than|time", "timeout"),
    (r"memory", "memory"),
    (r"not supported|zip archive|binary data|nested too deeply", "format"),
    (r"antiword|LibreOffice|install", "converter"),
    (r"damaged|encrypted|does not parse|cannot be parsed|no document", "damaged"),
    (r"same content as", "duplicate"),
    (r"not a 政府信息公开|not a report", "not_a_report"),
    (r"none of the tables", "no_tables"),
    (r"internal error", "internal"),
    (r"not found|cells not found", "missing_parts"),
)
PARTS = {"二": "proactive", "三": "requests", "四": "review_litigation"}


def order(statuses: pd.Series) -> list[str]:
    """The statuses present, in :data:`STATUSES` order (any others after, as found)."""
    present = list(dict.fromkeys(str(s) for s in statuses.dropna()))
    return [s for s in STATUSES if s in present] + [s for s in present if s not in STATUSES]


def in_selection(reports: pd.DataFrame, agencies: object, years: object,
                 level: object = None) -> tuple[pd.DataFrame, int, int]:
    """The files of the selection whatever their status (skipped files apart), the number
    of skipped files in it, and the number of files left out because the agency or year a
    filter needs could not be read from them (they cannot be said to belong to it)."""
    no_values = pd.DataFrame({"report_id": pd.Series(dtype=object)})
    _, chosen = analysis.select(no_values, reports, years=years, agencies=agencies,
                                statuses=None, level=level)
    unknown = reports[(reports["agency"].fillna("").astype(str) == "")
                      | pd.to_numeric(reports["year"], errors="coerce").isna()]
    unknown = unknown[~unknown["report_id"].isin(chosen["report_id"])]
    unknown = unknown[unknown["status"] != SKIPPED]
    skipped = chosen["status"] == SKIPPED
    return chosen[~skipped].reset_index(drop=True), int(skipped.sum()), len(unknown)


def status_text(status: object, t: dict[str, str]) -> str:
    """A status in the briefing's language."""
    return t.get(f"status_{status}", t["status_other"])


def error_kind(error: object) -> str:
    """The kind of a reader's error message (a key of :data:`ERROR_KINDS`), or ""."""
    text = "" if error is None or (isinstance(error, float) and pd.isna(error)) else str(error)
    for pattern, kind in ERROR_KINDS:
        if text and re.search(pattern, text, flags=re.IGNORECASE):
            return kind
    return ""


def reason(row: Any, t: dict[str, str]) -> str:
    """Why a file is not fully in the briefing, as a sentence in the briefing's language
    (the reader's own message, in English, goes to the CSV)."""
    status = str(row.get("status") or "")
    error = row.get("error")
    kind = error_kind(error)
    if kind == "missing_parts" or (status == "partial" and not kind):
        found = re.findall(r"part (二|三|四) \([^)]*\) not found", str(error or ""))
        parts = [PARTS[p] for p in dict.fromkeys(found)]
        if parts:
            return capitalize(t["reason_missing_parts"].format(
                parts=t["sep"].join(t[f"part_{p}"] for p in parts)))
        return t["reason_partial"]
    if kind == "duplicate":
        first = re.search(r"same content as (.+?): counted once", str(error))
        if first:
            return t["reason_duplicate_of"].format(
                file=Path(first.group(1).replace("\\", "/")).name)
    if kind:
        return t[f"reason_{kind}"]
    return t.get(f"reason_status_{status}", t["reason_other"])


_PATH = re.compile(r"(?<![\w:/\\])(?:[A-Za-z]:[\\/]|/|~[\\/])"
                   r"(?:[^\s\\/:“”\"']+[\\/])*([^\s\\/:“”\"']+)")


def base_names(text: str) -> str:
    """``text`` with every absolute file path in it (``/…``, ``~/…``, ``C:\\…``) cut to
    its base name, so no folder of this machine is shown."""
    return _PATH.sub(lambda m: m.group(1), text)


def label(row: Any, t: dict[str, str]) -> str:
    """A file's body (short name, else full, else "unknown")."""
    for key in ("agency_short", "agency"):
        value = row.get(key)
        if value is not None and not (isinstance(value, float) and pd.isna(value)) \
                and str(value):
            return str(value)
    return t["unknown"]


def year_text(row: Any, t: dict[str, str]) -> str:
    """A file's year ("2021年" / "2021"), "–" when it could not be read."""
    year = pd.to_numeric(pd.Series([row.get("year")]), errors="coerce").iloc[0]
    return "–" if pd.isna(year) else t["year_item"].format(y=int(year))


def file_name(row: Any) -> str:
    """A file's base name: never the folder it was read from."""
    path = str(row.get("source_path") or "")
    return Path(path.replace("\\", "/")).name


def sources_frame(quality: pd.DataFrame, t: dict[str, str]) -> pd.DataFrame:
    """One row per file of the selection, by body, year and file name: body, year, file
    (base name), status (code and text), why (a sentence) and the reader's raw error (its
    absolute folders cut off)."""
    columns = ["agency", "year", "file", "status", "status_text", "reason", "error"]
    if quality.empty:
        return pd.DataFrame(columns=columns)

    def text(column: str) -> pd.Series:
        if column not in quality:
            return pd.Series("", index=quality.index, dtype=object)
        return quality[column].astype(object).where(quality[column].notna(), "").astype(str)

    short, full = text("agency_short"), text("agency")
    agency = short.where(short != "", full).replace("", t["unknown"])
    year = pd.to_numeric(quality["year"], errors="coerce")
    status = text("status")
    error = text("error")
    frame = pd.DataFrame({
        "agency": agency,
        "year": [("–" if pd.isna(y) else t["year_item"].format(y=int(y))) for y in year],
        "file": [Path(p.replace("\\", "/")).name for p in text("source_path")],
        "status": status,
        "status_text": status.map(lambda s: status_text(s, t)),
        "reason": "",
        "error": error.map(lambda e: base_names(e) if e else ""),
    }, columns=columns)
    not_ok = status != "ok"
    frame.loc[not_ok, "reason"] = [reason(r, t) for _, r in quality[not_ok].iterrows()]
    frame = frame.sort_values(["agency", "year", "file"], kind="stable")
    return frame.reset_index(drop=True)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """The full list of source files beside the briefing (UTF-8 with BOM for Excel, text
    that Excel would run as a formula defused)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    excel_safe_frame(frame).to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(path)
    return path
