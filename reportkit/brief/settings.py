"""The briefing's settings: the ``brief:`` section of a config (:data:`DEFAULTS`), the
chart names asked for, and :class:`BriefError`."""

from __future__ import annotations

import copy
from typing import Any

from reportkit.charts import CHARTS

#: ``agencies``, ``years``, ``level`` and ``lang`` fall back on the config's ``parameters`` when the
#: section leaves them out.
DEFAULTS: dict[str, Any] = {
    "enabled": True,  # false: `reportkit run` writes no briefing
    "output": "outputs/briefing.docx",
    "figures_dir": None,  # default: <output folder>/<output stem>_figures
    "charts": None,  # default: every chart of CHARTS (trends only with two years or more)
    "agencies": None,  # full or short names; None: every agency
    "years": None,  # e.g. [2021]; None: every year
    "level": None,  # province, city, county or township; None: every level
    "lang": "zh",  # "zh" or "en": text, captions and charts
    "top_n": 10,  # per-agency charts and tables: the largest agencies, the rest pooled
    "title": None,  # default: 政府信息公开工作年度报告数据简报
    "date": None,  # default: today (YYYY-MM-DD for a fixed date)
    "dpi": 300,
    "svg": True,  # also embed each chart as SVG (Word 2016+; others show the PNG)
    "fonts": {"east_asia": "SimSun", "latin": "Times New Roman",
              "heading_east_asia": "SimHei", "heading_latin": "Arial"},
}
INHERITED = ("agencies", "years", "level", "lang")


class BriefError(Exception):
    """A briefing that cannot be built as asked (bad selection, chart name, config)."""


def choose_charts(charts: object) -> list[str]:
    """The chart names asked for (a name, a list, or None for all), checked."""
    if charts is None:
        return list(CHARTS)
    names = [charts] if isinstance(charts, str) else list(charts)  # type: ignore[call-overload]
    names = [str(n).strip() for n in names if str(n).strip()]
    unknown = [n for n in names if n not in CHARTS]
    if unknown:
        raise BriefError(f"unknown chart(s) {unknown}: choose from {', '.join(CHARTS)}")
    if not names:
        raise BriefError(f"no chart chosen: choose from {', '.join(CHARTS)}")
    return list(dict.fromkeys(names))


def settings(config: dict[str, Any] | None) -> dict[str, Any]:
    """The ``brief:`` section of a (pipeline) config merged over :data:`DEFAULTS`;
    ``agencies``, ``years``, ``lang`` fall back on the config's ``parameters``."""
    config = config or {}
    section = config.get("brief")
    if section is False:
        section = {"enabled": False}
    section = section or {}
    if not isinstance(section, dict):
        raise BriefError("'brief' must be a mapping of keys to values (see docs/brief.md)")
    unknown = sorted(set(section) - set(DEFAULTS))
    if unknown:
        raise BriefError(f"unknown key(s) brief.{', brief.'.join(unknown)}: expected one of "
                         f"{', '.join(DEFAULTS)}")
    out = copy.deepcopy(DEFAULTS)
    params = config.get("parameters") or {}
    for key in INHERITED:
        if key not in section and isinstance(params, dict) and params.get(key) is not None:
            out[key] = params[key]
    for key, value in section.items():
        if key == "fonts":
            if not isinstance(value, dict):
                raise BriefError("brief.fonts must be a mapping, e.g. {east_asia: SimSun}")
            bad = sorted(set(value) - set(DEFAULTS["fonts"]))
            if bad:
                raise BriefError(f"unknown brief.fonts key(s) {bad}: expected "
                                 f"{', '.join(DEFAULTS['fonts'])}")
            out["fonts"].update(value)
        else:
            out[key] = value
    choose_charts(out["charts"])
    if out["lang"] not in ("zh", "en"):
        raise BriefError(f"lang must be one of ['en', 'zh'], not {out['lang']!r}")
    return out
