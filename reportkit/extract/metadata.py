"""Who published a report, for which year, on which template.

* ``agency``: the body as its title names it ("北京市大兴区亦庄镇人民政府"); when the title is
  damaged or missing, the first body named in the opening prose ("西集镇人民政府").
* ``agency_short``: the last administrative unit, for chart labels ("亦庄镇", "密云区").
* ``agency_id``: one key for one body whatever prefix its name carries (淮安市洪泽区人民政府 and
  洪泽区人民政府 → 洪泽区人民政府; a township keeps its county: 大兴区亦庄镇人民政府).
* ``level`` (province | city | county | township) and ``body_kind`` (government |
  department), from the name.
* ``year``: the year in the title, else the first year the text names.
* ``template``: decided by the tables' structure (2019 vs 2021 labels), the year only
  breaking a tie.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from reportkit import schema
from reportkit.extract.document import Document
from reportkit.extract.matching import normalize_joined
from reportkit.extract.tables import Parts

_TITLE_TAIL = re.compile(r"\s*(?:\d{4})\s*年(?:度)?\s*政府信息公开工作年度报告.*$")
_TITLE_MARK = "政府信息公开工作年度报告"
_YEAR = re.compile(r"(20[0-4]\d)\s*年")
_BODY = re.compile(r"([\u4e00-\u9fa5]{2,20}?(?:人民政府|街道办事处|管理委员会|委员会|办公室|局))")
_GOV_SUFFIX = re.compile(r"(?:人民政府|政府)$")
# 镇/乡/旗 end a unit unless a unit word follows: 新乡市, 萍乡市, 红旗区 are one unit each
_UNIT = re.compile(r".+?(?:自治区|自治州|自治县|特别行政区|地区|省|市|区|县|盟"
                   r"|(?:镇|乡|旗)(?![市县区旗州盟])|街道)")
_OPENING_LINES = 12


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# What pages, crawler dumps and extractions print before a body's name: field names
# (标题: 名称: 正文), markdown and list marks, item numbers, a year ("2019年上海市…").
_NAME_PREFIX = re.compile(
    r"^(?:[#>*+\-·•|=_~`]+"
    r"|(?:标题|名称|题目|正文|文件名称|文件名|发布机构|来源|title|Title|TITLE)[:：]?"
    r"|\d{1,2}[.、．)）](?!\d)"
    r"|(?:19|20)\d{2}年度?)")
_FIELD_AGENCY = re.compile(r"^\s*(?:发布机构|发文机关|发布单位|来源)\s*[:：]\s*(\S.*?)\s*$")


def clean_agency(name: str) -> str:
    """``name`` without what pages and extractions print before it ("标题:", "#", "正文",
    "2019年", list marks) or after it (a year, punctuation)."""
    name = _clean(name)
    while True:
        stripped = _NAME_PREFIX.sub("", name, count=1)
        if stripped == name:
            break
        name = stripped
    return re.sub(r"(?:(?:19|20)\d{2}年度?)$", "", name).strip(":：,，。.、 ")


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
    for title in (_clean("".join(title_lines(doc))), _clean(doc.title)):
        head = _title_agency(title)
        if head:
            return head
    for text in doc.paragraphs()[:20]:
        m = _FIELD_AGENCY.match(text)
        if m and len(clean_agency(m.group(1))) >= 2:
            return clean_agency(m.group(1))
    for text in doc.paragraphs()[:40]:
        m = _BODY.search(_clean(text))
        if m:
            return clean_agency(m.group(1))
    return ""


def _title_agency(title: str) -> str:
    """The body a report title names ("…2021年度政府信息公开工作年度报告"), else ''."""
    if _TITLE_MARK not in title:
        return ""
    head = _TITLE_TAIL.sub("", title)
    head = clean_agency(head.split(_TITLE_MARK)[0])
    return head if len(head) >= 2 else ""


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


_TOWNSHIP = ("镇", "乡", "街道", "苏木")
_COUNTY = ("区", "县", "旗", "自治县")
_PROVINCE = ("省", "自治区", "特别行政区")
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_GOVERNMENT_BODY = frozenset({"", "人民政府", "政府", "街道办事处", "办事处", "管理委员会",
                              "管委会", "人民政府办事处"})


def _units(name: str) -> tuple[list[str], str]:
    """The administrative units a name begins with, in order, and the rest (the body)."""
    units = _UNIT.findall(name)
    merged: list[str] = []
    for unit in units:
        if len(unit) == 1 and merged:  # "漷县" + "镇": a one-character unit is a suffix
            merged[-1] += unit
        else:
            merged.append(unit)
    rest = name[sum(len(u) for u in units):]
    for suffix in ("街道", "镇", "乡"):  # 漷县 + 镇: a unit named after a county-like word
        if merged and rest.startswith(suffix):
            merged[-1] += suffix
            rest = rest[len(suffix):]
    return merged, rest


def _unit_level(unit: str, has_parent: bool) -> str:
    if unit.endswith(_TOWNSHIP):
        return "township"
    if unit.endswith(_PROVINCE) or unit in _MUNICIPALITIES:
        return "province"
    if unit.endswith(_COUNTY):
        return "county"
    return "county" if has_parent and unit.endswith("市") else "city"


@lru_cache(maxsize=8192)  # names repeat across a corpus
def agency_id(agency: str) -> str:
    """One key for one body, whatever prefix its name carries: the body's own unit (with
    its county for a township) and the body. 淮安市洪泽区人民政府 → 洪泽区人民政府;
    北京市大兴区亦庄镇人民政府 → 大兴区亦庄镇人民政府; 洪泽区政府 → 洪泽区人民政府.
    Two bodies of one name in different places (南京市 and 福州市鼓楼区) share this key
    until :func:`split_bodies` tells them apart over a corpus."""
    return _split_id(agency)[1]


def id_prefix(agency: str) -> tuple[str, ...]:
    """The administrative units :func:`agency_id` leaves out of ``agency``, in order
    (山东省济南市东城区三河镇人民政府 → 山东省, 济南市)."""
    return _split_id(agency)[0]


@lru_cache(maxsize=8192)
def _split_id(agency: str) -> tuple[tuple[str, ...], str]:
    name = clean_agency(agency)
    units, rest = _units(name)
    if rest.endswith("政府") and not rest.endswith("人民政府"):
        rest = rest[:-2] + "人民政府"
    if not units:
        return (), rest
    keep = len(units) - 1
    if _unit_level(units[-1], keep > 0) == "township" and keep > 0:
        keep -= 1  # 城关镇 repeats across counties: keep the county
    return tuple(units[:keep]), "".join(units[keep:]) + rest


def _is_province(unit: str) -> bool:
    return unit.endswith(_PROVINCE) or unit in _MUNICIPALITIES


def prefixes_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two names of one :func:`agency_id` can name the same body: the same province
    where both print one, and of the units below it the shorter list ends the longer
    (济南市 agrees with 山东省济南市 and with 山东省; 山东省济南市 and 江苏省常州市 do not)."""
    pa = [u for u in a if _is_province(u)]
    pb = [u for u in b if _is_province(u)]
    if pa and pb and pa != pb:
        return False
    ra = [u for u in a if not _is_province(u)]
    rb = [u for u in b if not _is_province(u)]
    short, long = sorted((ra, rb), key=len)
    return not short or long[-len(short):] == short


def split_bodies(names: Iterable[str]) -> dict[str, str]:
    """For names that share one :func:`agency_id`: the names that belong to another body
    than the key says, each with its body's key. Names are grouped with every name whose
    prefix agrees with theirs (:func:`prefixes_agree`), the longest prefixes first; when
    the names make more than one group, each group's key is its longest prefix before the
    shared key (山东省济南市东城区三河镇人民政府, 江苏省常州市东城区三河镇人民政府), and a
    name that agrees with more than one group (东城区三河镇人民政府 alone) keeps the shared
    key: it is a body of its own, never paired with either. One group: an empty mapping."""
    by_prefix: dict[tuple[str, ...], list[str]] = {}
    for name in names:
        by_prefix.setdefault(id_prefix(name), []).append(name)
    groups: list[list[tuple[str, ...]]] = []
    ambiguous: list[tuple[str, ...]] = []
    for prefix in sorted(by_prefix, key=lambda p: (-len(p), p)):
        fits = [g for g in groups if all(prefixes_agree(prefix, q) for q in g)]
        if not fits:
            groups.append([prefix])
        elif len(fits) == 1:
            fits[0].append(prefix)
        else:
            ambiguous.append(prefix)
    if len(groups) < 2:
        return {}
    out: dict[str, str] = {}
    for group in groups:
        head = "".join(group[0])
        for prefix in group:
            for name in by_prefix[prefix]:
                out[name] = head + agency_id(name)
    return out


@lru_cache(maxsize=8192)  # names repeat across a corpus
def level(agency: str) -> str:
    """province | city | county | township: the level of the body's own unit (a
    department has its government's level); '' when the name says nothing."""
    units, _ = _units(clean_agency(agency))
    if not units:
        return ""
    return _unit_level(units[-1], len(units) > 1)


@lru_cache(maxsize=8192)  # names repeat across a corpus
def body_kind(agency: str) -> str:
    """government (人民政府, 街道办事处, 管委会, a unit on its own) or department (局, 委,
    办, 中心 …, the 人民政府办公厅 too); '' for no name."""
    name = clean_agency(agency)
    if not name:
        return ""
    _, rest = _units(name)
    return "government" if rest in _GOVERNMENT_BODY else "department"


def find_year(doc: Document) -> int | None:
    """The report year: from the title, else the first year in the opening prose."""
    for text in [" ".join(title_lines(doc))] + doc.paragraphs()[:20]:
        m = _YEAR.search(unicodedata.normalize("NFKC", text))
        if m:
            return int(m.group(1))
    return None


def decide_template(parts: Parts, year: int | None) -> str:
    """The template whose distinctive labels (:attr:`schema.Template.markers`) the tables
    carry most; on a tie, the one in force for ``year`` (:func:`schema.template_for_year`)."""
    text = normalize_joined([cell for rows in parts.rows.values() for row in rows
                             for cell in row])
    scores = {t.name: sum(1 for p in t.markers if p in text) for t in schema.TEMPLATE_SPECS}
    best = max(scores.values())
    leaders = [name for name, score in scores.items() if score == best]
    if len(leaders) == 1:
        return leaders[0]
    return schema.template_for_year(year)
