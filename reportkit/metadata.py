"""Who published a report, for which year, on which template.

* ``agency``: the body as its title names it ("北京市大兴区亦庄镇人民政府"); when the title is
  damaged or missing, the first body named in the opening prose ("西集镇人民政府").
* ``agency_short``: the last administrative unit, for chart labels ("亦庄镇", "密云区").
* ``year``: the year in the title, else the first year the text names.
* ``template``: decided by the tables' structure (2019 vs 2021 labels), the year only
  breaking a tie.
"""

from __future__ import annotations

import re
import unicodedata

from reportkit import schema
from reportkit.document import Document
from reportkit.labels import normalize_joined
from reportkit.tables import Parts

_TITLE_TAIL = re.compile(r"\s*(?:\d{4})\s*年(?:度)?\s*政府信息公开工作年度报告.*$")
_TITLE_MARK = "政府信息公开工作年度报告"
_YEAR = re.compile(r"(20[0-4]\d)\s*年")
_BODY = re.compile(r"([\u4e00-\u9fa5]{2,20}?(?:人民政府|街道办事处|管理委员会|委员会|办公室|局))")
_GOV_SUFFIX = re.compile(r"(?:人民政府|政府)$")
_UNIT = re.compile(r".+?(?:自治区|自治州|自治县|特别行政区|地区|省|市|区|县|旗|盟|镇|乡|街道)")
_OPENING_LINES = 12


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def title_lines(doc: Document) -> list[str]:
    """The paragraphs before the first section or the 依据… sentence (the title area)."""
    lines: list[str] = []
    for text in doc.paragraphs()[:_OPENING_LINES]:
        if text.lstrip(" \u3000").startswith(("依据", "根据", "按照", "一、")) or len(text) > 60:
            break
        lines.append(text.strip())
    return lines


def find_agency(doc: Document) -> str:
    """The publishing body, from the title or else from the opening prose; '' if none."""
    title = _clean("".join(title_lines(doc)))
    if _TITLE_MARK in title:
        head = _TITLE_TAIL.sub("", title)
        head = head.split(_TITLE_MARK)[0]
        head = re.sub(r"\d{4}年(?:度)?$", "", head)
        if len(head) >= 2:
            return head
    for text in doc.paragraphs()[:40]:
        m = _BODY.search(_clean(text))
        if m:
            return m.group(1)
    return ""


def short_name(agency: str) -> str:
    """The last administrative unit of ``agency`` ("北京市通州区漷县镇" → "漷县镇"), with a
    department's own name kept ("北京市密云区财政局" → "密云区财政局")."""
    name = _GOV_SUFFIX.sub("", agency)
    units = _UNIT.findall(name)
    merged: list[str] = []
    for unit in units:
        if len(unit) == 1 and merged:  # "漷县" + "镇": a one-character unit is a suffix
            merged[-1] += unit
        else:
            merged.append(unit)
    if not merged:
        return name or agency
    rest = name[sum(len(u) for u in units):]
    return merged[-1] + rest


def find_year(doc: Document) -> int | None:
    """The report year: from the title, else the first year in the opening prose."""
    for text in [" ".join(title_lines(doc))] + doc.paragraphs()[:20]:
        m = _YEAR.search(unicodedata.normalize("NFKC", text))
        if m:
            return int(m.group(1))
    return None


def decide_template(parts: Parts, year: int | None) -> str:
    """'2019' or '2021', by which template's distinctive labels the tables carry."""
    text = normalize_joined(["".join("".join(r) for r in rows) for rows in parts.rows.values()])
    scores = {t: sum(1 for p in marks if p in text)
              for t, marks in schema.TEMPLATE_MARKERS.items()}
    if scores["2021"] != scores["2019"]:
        return max(scores, key=lambda t: scores[t])
    return "2021" if (year or 2021) >= 2021 else "2019"
