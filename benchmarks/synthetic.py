"""Synthetic annual reports whose arithmetic holds, for benchmarks and tests.

:func:`make_reports` invents ``n`` reports of bodies spread over provinces, each body
reporting for a run of consecutive years (2019 template for 2019–2020, 2021 template from
2021), with every identity of the schema holding, ``carried_forward`` of year N equal to
``carried_over`` of year N+1 for the same body included, and part 二's ``in_force`` following
from the year before (``in_force_across_years``). :meth:`SyntheticReport.render`
writes one in a layout seen in real reports:

* ``"cells"``: text extracted from .docx, one cell a line (seeds 000, 002, 003, 004);
* ``"rows"``: text extracted from .doc or PDF, one row a line, tab-separated (seed 001);
* ``"html"``: a government web page, one ``<table>`` per part with ``rowspan``/``colspan``.

Cells carry the blemishes real reports have (stray spaces, thousands separators,
full-width digits, headings without numerals, a label broken around its numbers), none of
which changes a figure. Everything is deterministic given ``seed``; ``values`` holds the
true figures so a test can compare what the parser reads with what was written.
"""

from __future__ import annotations

import contextlib
import csv
import html
import random
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportkit import schema

CellKey = tuple[str, str, str]
LAYOUTS: tuple[str, ...] = ("cells", "rows", "html")
SUFFIX = {"cells": ".txt", "rows": ".txt", "html": ".html"}
FIRST_YEAR, LAST_YEAR = 2019, 2024

# --- who reports -------------------------------------------------------------------------------

_PROVINCES: dict[str, tuple[str, ...]] = {
    "北京市": ("",), "上海市": ("",), "天津市": ("",), "重庆市": ("",),
    "河北省": ("石家庄市", "唐山市", "保定市", "邯郸市"),
    "山西省": ("太原市", "大同市", "长治市"),
    "辽宁省": ("沈阳市", "大连市", "鞍山市"),
    "江苏省": ("南京市", "苏州市", "无锡市", "常州市", "扬州市"),
    "浙江省": ("杭州市", "宁波市", "温州市", "绍兴市", "湖州市"),
    "安徽省": ("合肥市", "芜湖市", "安庆市"),
    "福建省": ("福州市", "厦门市", "泉州市"),
    "山东省": ("济南市", "青岛市", "烟台市", "潍坊市"),
    "河南省": ("郑州市", "洛阳市", "开封市", "新乡市"),
    "湖北省": ("武汉市", "宜昌市", "襄阳市"),
    "湖南省": ("长沙市", "株洲市", "岳阳市"),
    "广东省": ("广州市", "深圳市", "佛山市", "东莞市", "珠海市"),
    "四川省": ("成都市", "绵阳市", "德阳市", "宜宾市"),
    "陕西省": ("西安市", "宝鸡市", "咸阳市"),
}
_DISTRICT_STEMS = ("东城", "西城", "朝阳", "海淀", "丰台", "通州", "大兴", "顺义", "昌平",
                   "新华", "城关", "清河", "长安", "桥西", "开发", "高新", "滨江", "江北",
                   "鼓楼", "天河", "越秀", "武侯", "金牛", "雁塔", "碑林", "历下", "市中",
                   "平山", "龙泉", "安宁", "永和", "仁和", "兴隆", "太平", "和平", "红旗")
_TOWN_STEMS = ("白马", "青龙", "石桥", "马坊", "杨柳", "黄村", "柳林", "红星", "长青",
               "东湖", "西湖", "南湖", "北湖", "金山", "银河", "凤凰", "花园", "永安",
               "兴华", "建设", "胜利", "团结", "友谊", "光明", "新村", "双桥", "三河",
               "五里", "七星", "九龙", "梅林", "桃源", "松山", "竹园", "兰亭", "荷塘")
_DEPARTMENTS = ("财政局", "教育局", "民政局", "生态环境局", "自然资源局", "交通运输局",
                "卫生健康委员会", "市场监督管理局", "住房和城乡建设委员会", "农业农村局",
                "人力资源和社会保障局", "司法局", "审计局", "统计局", "水务局")


@dataclass(frozen=True)
class Body:
    """A publishing body: its full name as its reports' titles print it, and its province."""

    name: str
    region: str
    size: float  # how many requests it receives, roughly


def _bodies(rng: random.Random) -> list[Body]:
    """Every body this generator can name, in a seeded random order."""
    bodies: list[Body] = []
    for province, cities in _PROVINCES.items():
        for city in cities:
            districts = rng.sample(_DISTRICT_STEMS, 12)
            for i, stem in enumerate(districts):
                suffix = "县" if (city and i % 6 == 5) else "区"
                district = f"{province}{city}{stem}{suffix}"
                bodies.append(Body(f"{district}人民政府", province, rng.uniform(40, 600)))
                for dept in rng.sample(_DEPARTMENTS, 5):
                    bodies.append(Body(f"{district}{dept}", province, rng.uniform(2, 80)))
                for j, town in enumerate(rng.sample(_TOWN_STEMS, 8)):
                    if j % 3 == 2:
                        bodies.append(Body(f"{district}{town}街道办事处", province,
                                           rng.uniform(1, 40)))
                    else:
                        unit = "乡" if j == 7 else "镇"
                        bodies.append(Body(f"{district}{town}{unit}人民政府", province,
                                           rng.uniform(1, 30)))
    rng.shuffle(bodies)
    return bodies


# --- what they report --------------------------------------------------------------------------


@dataclass
class SyntheticReport:
    """One invented report: who, when, which template and layout, and its true figures."""

    file: str
    agency: str
    region: str
    year: int
    template: str
    layout: str
    encoding: str
    seed: int
    values: dict[CellKey, float] = field(default_factory=dict)
    raw: dict[CellKey, str] = field(default_factory=dict)

    def render(self) -> bytes:
        """The report's file contents, in its layout and encoding."""
        rng = random.Random(self.seed)
        if self.layout == "cells":
            text = _render_cells(self, rng)
        elif self.layout == "rows":
            text = _render_rows(self, rng)
        elif self.layout == "html":
            text = _render_html(self, rng)
        else:
            raise ValueError(f"unknown layout {self.layout!r}: use one of {LAYOUTS}")
        return text.encode(self.encoding)


def _split(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split into len(weights) non-negative parts that add up exactly."""
    if total == 0:
        return [0] * len(weights)
    drawn = [w * rng.random() for w in weights]
    scale = sum(drawn) or 1.0
    parts = [int(total * d / scale) for d in drawn]
    parts[0] += total - sum(parts)
    return parts


_OUTCOME_WEIGHT = {"granted": 8.0, "partially_granted": 2.0, "unavailable_not_held": 4.0,
                   "other_other": 1.0, "other_handling": 1.0, "withheld_third_party_rights": 1.0}


def _requests(rng: random.Random, template: str, size: float,
              carried_over: dict[str, int] | None) -> tuple[dict[CellKey, float], dict[str, int]]:
    """Part 三 figures with every identity holding; and what is carried forward."""
    outcome_rows = [r.key for r in schema.rows_for(template, "requests") if r.group]
    # a minor outcome is used by some bodies only
    weights = [_OUTCOME_WEIGHT.get(k, 0.4) if (k in _OUTCOME_WEIGHT or rng.random() < 0.35)
               else 0.0 for k in outcome_rows]
    weights[0] = max(weights[0], 1.0)  # granted always possible: _split tops it up
    columns = [c.key for c in schema.APPLICANT_COLUMNS]
    figures: dict[str, dict[str, int]] = {}
    forward: dict[str, int] = {}
    for i, column in enumerate(columns):
        if i == 0:
            new = int(size * rng.lognormvariate(0, 0.5))
        else:
            new = int(size * 0.05 * rng.random()) if rng.random() < 0.4 else 0
        over = (carried_over or {}).get(column)
        if over is None:
            over = rng.randint(0, max(0, new // 10))
        available = new + over
        fwd = rng.randint(0, available // 5) if available else 0
        processed = available - fwd
        parts = _split(rng, processed, weights)
        col = {"new_requests": new, "carried_over": over, "total_processed": processed,
               "carried_forward": fwd}
        col.update(zip(outcome_rows, parts))
        figures[column] = col
        forward[column] = fwd
    values: dict[CellKey, float] = {}
    for row in schema.rows_for(template, "requests"):
        total = 0
        for column in columns:
            v = figures[column][row.key]
            values[("requests", row.key, column)] = float(v)
            total += v
        values[("requests", row.key, "total")] = float(total)
    return values, forward


def _proactive(rng: random.Random, template: str, size: float,
               in_force: dict[str, float] | None = None) -> dict[CellKey, float]:
    """Part 二 figures: counts, a year-on-year change that may be negative, money. With
    ``in_force`` (last year's, 2021 form), this year's in_force follows from it:
    last year's + issued − repealed."""
    values: dict[CellKey, float] = {}
    for row in schema.rows_for(template, "proactive"):
        for column in row.columns:
            if column in ("amount_10k_yuan", "amount"):
                v = round(rng.uniform(0, size * 3), 2) if rng.random() < 0.4 else 0.0
            elif column == "change":
                v = float(rng.randint(-5, 8)) if rng.random() < 0.5 else 0.0
            elif row.key in ("administrative_licensing", "administrative_penalty") \
                    and column == "decisions":
                v = float(int(size * rng.uniform(0, 200)))
            else:
                v = float(rng.randint(0, 40)) if rng.random() < 0.6 else 0.0
            values[("proactive", row.key, column)] = v
    if template == "2021" and in_force is not None:
        for row in schema.IN_FORCE_ROWS:
            last = in_force.get(row, 0.0)
            repealed = min(values[("proactive", row, "repealed")], last)
            values[("proactive", row, "repealed")] = repealed
            values[("proactive", row, "in_force")] = (
                last + values[("proactive", row, "issued")] - repealed)
    return values


def _review(rng: random.Random, size: float) -> dict[CellKey, float]:
    values: dict[CellKey, float] = {}
    for row in schema.REVIEW_ROWS:
        parts = [rng.randint(0, max(0, int(size / 40))) if rng.random() < 0.5 else 0
                 for _ in range(4)]
        for column, v in zip(row.columns, [*parts, sum(parts)]):
            values[("review_litigation", row.key, column)] = float(v)
    return values


def make_reports(n: int, *, seed: int = 0, layouts: Sequence[str] = ("cells", "rows"),
                 first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR,
                 non_utf8_share: float = 0.1) -> list[SyntheticReport]:
    """``n`` reports with consistent arithmetic, deterministic for ``seed``, in file order.

    Layouts take turns in the order given, so a small corpus has every layout and (years
    spanning 2019–2024) both templates. ``non_utf8_share`` of the files are saved in GBK.
    """
    return list(iter_reports(n, seed=seed, layouts=layouts, first_year=first_year,
                             last_year=last_year, non_utf8_share=non_utf8_share))


def iter_reports(n: int, *, seed: int = 0, layouts: Sequence[str] = ("cells", "rows"),
                 first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR,
                 non_utf8_share: float = 0.1) -> Iterator[SyntheticReport]:
    """The reports of :func:`make_reports`, one at a time: until its turn each is held
    compactly (its figures as an array of floats, the keys shared), so a million fit."""
    for layout in layouts:
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}: use one of {LAYOUTS}")
    rng = random.Random(seed)
    shared: dict[tuple[CellKey, ...], tuple[CellKey, ...]] = {}
    held = []
    for report in _invented(rng, n, layouts, first_year, last_year, non_utf8_share):
        keys = tuple(report.values)
        held.append((report, shared.setdefault(keys, keys),
                     array("d", report.values.values())))
        report.values = {}
    order = list(range(len(held)))
    rng.shuffle(order)  # a body's years are not neighbours in the folder
    at = [0] * len(held)
    for k, number in enumerate(order):
        at[number] = k
    for number, k in enumerate(at):  # files are named by number: this is file order
        report, keys, figures = held[k]
        held[k] = None  # type: ignore[call-overload]
        report.file = f"r{number:06d}{SUFFIX[report.layout]}"
        report.values = dict(zip(keys, figures))
        yield report


def _invented(rng: random.Random, n: int, layouts: Sequence[str], first_year: int,
              last_year: int, non_utf8_share: float) -> Iterator[SyntheticReport]:
    """``n`` reports in the order they are made up (bodies in turn, each a run of years)."""
    bodies = _bodies(rng)
    made = 0
    b = 0
    while made < n:
        body = bodies[b % len(bodies)]
        if b >= len(bodies):  # more reports than bodies × years: new names per round
            k = len(body.region)
            round_name = "一二三四五六七八九"[(b // len(bodies)) % 9]
            body = Body(f"{body.name[:k]}第{round_name}片区{body.name[k:]}", body.region,
                        body.size)
        b += 1
        span = rng.randint(1, last_year - first_year + 1)
        start = rng.randint(first_year, last_year - span + 1)
        carried: dict[str, int] | None = None
        in_force: dict[str, float] | None = None
        for year in range(start, start + span):
            if made >= n:
                break
            template = "2019" if year <= 2020 else "2021"
            requests, carried = _requests(rng, template, body.size, carried)
            proactive = _proactive(rng, template, body.size, in_force)
            in_force = ({r: proactive[("proactive", r, "in_force")] for r in schema.IN_FORCE_ROWS}
                        if template == "2021" else None)
            values = {**proactive, **requests, **_review(rng, body.size)}
            layout = layouts[made % len(layouts)]
            encoding = "gbk" if rng.random() < non_utf8_share else "utf-8"
            yield SyntheticReport("", body.name, body.region, year, template, layout,
                                  encoding, rng.getrandbits(32), values)
            made += 1


def write_corpus(out_dir: str | Path, n: int, *, seed: int = 0,
                 layouts: Sequence[str] = ("cells", "rows"), manifest: bool = True,
                 **kwargs: object) -> list[SyntheticReport]:
    """Write ``n`` synthetic reports into ``out_dir`` (and a ``manifest.csv`` giving each
    file's region, which report text does not state); return them with their figures."""
    reports = make_reports(n, seed=seed, layouts=layouts, **kwargs)  # type: ignore[arg-type]
    stream_corpus(out_dir, reports, manifest=manifest)
    return reports


@dataclass
class Written:
    """What :func:`stream_corpus` wrote: how many reports, of which bodies, regions, years."""

    reports: int = 0
    bodies: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)


def stream_corpus(out_dir: str | Path, reports: Iterable[SyntheticReport],
                  manifest: bool = True) -> Written:
    """Write ``reports`` (any iterable: :func:`iter_reports` for a national corpus) into
    ``out_dir``, and the ``manifest.csv``; returns what was written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = Written()
    with ((out / "manifest.csv").open("w", encoding="utf-8", newline="") if manifest
          else contextlib.nullcontext()) as fh:
        writer = csv.writer(fh) if fh is not None else None
        if writer is not None:
            writer.writerow(["file", "agency", "agency_short", "region", "year"])
        for report in reports:
            (out / report.file).write_bytes(report.render())
            if writer is not None:
                writer.writerow([report.file, "", "", report.region, ""])
            written.reports += 1
            written.bodies.add(report.agency)
            written.regions.add(report.region)
            written.years.add(report.year)
    return written


# --- how figures are written -------------------------------------------------------------------

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _figure(report: SyntheticReport, rng: random.Random, key: CellKey,
            blemish: bool = True) -> str:
    """A figure as a filler typed it (and remembered in ``report.raw``)."""
    v = report.values[key]
    if v != int(v):
        text = f"{v:.2f}".rstrip("0").rstrip(".")
    else:
        text = str(int(v))
        if blemish and abs(v) >= 10000 and rng.random() < 0.3:
            text = f"{int(v):,}"
        elif blemish and rng.random() < 0.002:
            text = text.translate(_FULLWIDTH)
    if blemish and rng.random() < 0.02:
        text = rng.choice((" ", "")) + text + rng.choice((" ", ""))
    report.raw[key] = text.strip()
    return text


def _title_lines(report: SyntheticReport, rng: random.Random) -> list[str]:
    style = rng.random()
    if style < 0.5:
        return ["", report.agency, "", f"{report.year}年政府信息公开工作年度报告", ""]
    if style < 0.8:
        return [f"{report.agency}{report.year}年政府信息公开工作年度报告", ""]
    return ["", "", f"{report.agency} {report.year} 年度政府信息公开工作年度报告", ""]


def _opening(report: SyntheticReport, rng: random.Random) -> list[str]:
    published = rng.randint(100, 60000)
    return [
        "　   依据《中华人民共和国政府信息公开条例》(以下简称《政府信息公开条例》)第五十条"
        "规定，编制本报告。",
        "",
        rng.choice(("一、总体情况", "总体情况")),
        "",
        "（一）主动公开",
        f"{report.year}年，{report.agency}坚持以公开为常态、不公开为例外，全年通过政府网站"
        f"主动公开政府信息{published}条，及时准确发布政策文件、工作动态和公共服务信息，"
        "做好政策解读与回应关切。",
        "（二）依申请公开",
        "进一步规范依申请公开办理流程，严格执行登记、审核、办理、答复、归档等环节的工作制度，"
        "确保依法按时答复。",
        "（三）政府信息管理",
        "加强政府信息全生命周期管理，规范政府信息制作、获取、保存、公开等流程，"
        "动态更新政府信息公开指南和目录。",
        "（四）监督保障",
        "将政务公开工作纳入绩效考核体系，开展业务培训，强化监督检查。",
        "",
    ]


def _closing(report: SyntheticReport, rng: random.Random) -> list[str]:
    fees = rng.randint(0, 3)
    return [
        "",
        "五、存在的主要问题及改进情况",
        "政府信息公开工作与公众需求相比仍有差距，主动公开的深度和广度有待加强。下一步将"
        "加强业务培训，提升政策解读质量，进一步规范依申请公开答复。",
        "",
        "六、其他需要报告的事项",
        f"本年度发出收费通知{fees}件，收取信息处理费0元。",
        "",
        report.agency,
        "",
        f"                                  {report.year + 1}年1月{rng.randint(5, 28)}日",
        "",
    ]


def _heading(rng: random.Random, part: str) -> str:
    label = schema.TABLE_LABELS[part]
    return label.split("、", 1)[1] if rng.random() < 0.2 else label


# Part 二's sections: (group label, column labels, rows), in template order.
def _proactive_sections(template: str) -> list[tuple[str, list[str], list[schema.Row]]]:
    rows = {r.key: r for r in schema.rows_for(template, "proactive")}
    labels = {c.key: c.label for c in schema.PROACTIVE_COLUMNS}
    if template == "2021":
        groups = [("第二十条第（一）项", ["regulations", "normative_documents"]),
                  ("第二十条第（五）项", ["administrative_licensing"]),
                  ("第二十条第（六）项", ["administrative_penalty", "administrative_coercion"]),
                  ("第二十条第（八）项", ["administrative_fees"])]
    else:
        groups = [("第二十条第（一）项", ["regulations", "normative_documents"]),
                  ("第二十条第（五）项", ["administrative_licensing", "other_external_services"]),
                  ("第二十条第（六）项", ["administrative_penalty", "administrative_coercion"]),
                  ("第二十条第（八）项", ["administrative_fees"]),
                  ("第二十条第（九）项", ["centralized_procurement"])]
    return [(g, [labels[c] for c in rows[keys[0]].columns], [rows[k] for k in keys])
            for g, keys in groups]


# Part 三's label cells per row: (first-level, second-level, third-level) as the form
# nests them; "" where the cell above spans down.
_GROUP_LABELS = {"withheld": "（三）不予公开", "unavailable": "（四）无法提供",
                 "not_processed": "（五）不予处理", "other": "（六）其他处理"}


def _request_labels(template: str) -> list[tuple[schema.Row, tuple[str, str, str]]]:
    out: list[tuple[schema.Row, tuple[str, str, str]]] = []
    seen: set[str] = set()
    for row in schema.rows_for(template, "requests"):
        if row.group is None:
            out.append((row, (row.label, "", "")))
        elif row.group in ("granted", "partially_granted") or row.key == "other_handling":
            top = "三、本年度办理结果" if row.group == "granted" else ""
            out.append((row, (top, row.label, "")))
        else:
            second = _GROUP_LABELS[row.group] if row.group not in seen else ""
            seen.add(row.group)
            out.append((row, ("", second, row.label)))
    # （七）总计 is a second-level row
    return [(r, ("", r.label, "")) if r.key == "total_processed" else (r, labels)
            for r, labels in out]


def _halfwidth_label(label: str) -> str:
    """Seed 001's style: half-width brackets, a space after the numbering."""
    out = label.replace("（", "(").replace("）", ") ", 1).replace("）", ")")
    out = out.replace("，", ", ")
    if len(out) > 2 and out[0].isdigit() and out[1] == ".":
        out = out[:2] + " " + out[2:]
    return out


# --- one cell a line (.docx text) -------------------------------------------------------------


def _cells_row(cells: Sequence[str]) -> list[str]:
    return ["\t" + c for c in cells] + [""]


def _render_cells(report: SyntheticReport, rng: random.Random) -> str:
    lines = _title_lines(report, rng)[:-1] + _opening(report, rng)
    lines += [_heading(rng, "proactive"), ""]
    for group, columns, rows in _proactive_sections(report.template):
        lines += _cells_row([group])
        lines += _cells_row(["信息内容", *columns])
        for row in rows:
            lines += _cells_row([row.label, *(_figure(report, rng, ("proactive", row.key, c))
                                              for c in row.columns)])
    lines += ["", _heading(rng, "requests"), ""]
    lines += _cells_row(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                         "申请人情况"])
    lines += _cells_row(["", "自然人", "法人或其他组织", "总计"])
    lines += _cells_row(["", "", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构",
                         "其他", ""])
    for row, (top, second, third) in _request_labels(report.template):
        if row.group is None and row.key != "total_processed":
            labels = [top]
        else:
            labels = [top, second, *([third] if third else [])]
        lines += _cells_row([*labels, *(_figure(report, rng, ("requests", row.key, c))
                                        for c in row.columns)])
    lines += ["", _heading(rng, "review_litigation"), ""]
    head = ["结果维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    lines += _cells_row(["行政复议", "行政诉讼"])
    lines += _cells_row([*head, "未经复议直接起诉", "复议后起诉"])
    lines += _cells_row(["", "", "", "", "", *head, *head])
    lines += _cells_row([_figure(report, rng, ("review_litigation", r.key, c))
                         for r in schema.REVIEW_ROWS for c in r.columns])
    lines += _closing(report, rng)
    return "\n".join(lines)


# --- one row a line (.doc / PDF text) ---------------------------------------------------------


def _render_rows(report: SyntheticReport, rng: random.Random) -> str:
    lines = _title_lines(report, rng) + _opening(report, rng)
    lines += [_heading(rng, "proactive"), ""]
    for group, columns, rows in _proactive_sections(report.template):
        width = max(3, len(columns))
        lines.append("\t".join([group] + [""] * width))
        lines.append("\t".join(["信息内容", *columns] + [""] * (width - len(columns))))
        for row in rows:
            figures = [_figure(report, rng, ("proactive", row.key, c)) for c in row.columns]
            lines.append("\t".join([row.label, *figures] + [""] * (width - len(figures))))
    lines += ["", _heading(rng, "requests"), ""]
    lines.append("(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况"
                 + "\t" * 7)
    lines.append("\t\t自然人\t法人或其他组织\t\t\t\t\t总计\t")
    lines.append("\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t")
    broken = rng.random() < 0.3
    for row, (top, second, third) in _request_labels(report.template):
        figures = [_figure(report, rng, ("requests", row.key, c)) for c in row.columns]
        if row.group is None and row.key != "total_processed":
            lead = [top, "", ""] if row.key == "carried_forward" else [top, ""]
            lines.append("\t".join([*lead, *figures, ""]))
        elif third:
            label = _halfwidth_label(third)
            if broken and row.key == "unavailable_unclear":
                lines.append("\t".join(["", _halfwidth_label(second), "3. 补正后申请内", *figures]))
                lines.append("")
                lines.append("\t\t容仍不明确" + "\t" * 7)
                continue
            lines.append("\t".join(["", _halfwidth_label(second), label, *figures]))
        elif top:
            lines.append("\t".join([top, _halfwidth_label(second), *figures, ""]))
        elif row.key in ("total_processed", "other_handling"):
            lines.append("\t".join(["", _halfwidth_label(second), "", *figures]))
        else:
            lines.append("\t".join(["", _halfwidth_label(second), *figures, ""]))
    lines += ["", _heading(rng, "review_litigation"), ""]
    head = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    lines.append("\t".join(["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9))
    lines.append("\t".join([*head, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "",
                            ""]))
    lines.append("\t".join(["", "", "", "", "", *head, *head]))
    lines.append("\t".join(_figure(report, rng, ("review_litigation", r.key, c))
                           for r in schema.REVIEW_ROWS for c in r.columns))
    lines += _closing(report, rng)
    return "\n".join(lines)


# --- a web page --------------------------------------------------------------------------------


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + \
            (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}>{html.escape(text).replace(chr(10), '<br/>')}</td>"


def _tr(cells: Sequence[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _html_proactive(report: SyntheticReport, rng: random.Random) -> list[str]:
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="width:100%">']
    width = 4
    for group, columns, rows in _proactive_sections(report.template):
        out.append(_tr([_td(group, colspan=width)]))
        last_span = width - len(columns)  # the last column spans what the others leave
        spans = [1] * (len(columns) - 1) + [last_span]
        out.append(_tr([_td("信息内容"), *(_td(c, colspan=k) for c, k in zip(columns, spans))]))
        for row in rows:
            out.append(_tr([_td(row.label),
                            *(_td(_figure(report, rng, ("proactive", row.key, c)), colspan=k)
                              for c, k in zip(row.columns, spans))]))
    out.append("</table>")
    return out


def _html_requests(report: SyntheticReport, rng: random.Random) -> list[str]:
    out = ['<table border="1" cellspacing="0" cellpadding="0">',
           _tr([_td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                    rowspan=3, colspan=3), _td("申请人情况", colspan=7)]),
           _tr([_td("自然人", rowspan=2), _td("法人或其他组织", colspan=5),
                _td("总计", rowspan=2)]),
           _tr([_td(x) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")])]
    labelled = _request_labels(report.template)
    outcome_count = sum(1 for r, _ in labelled if r.group is not None)
    group_sizes: dict[str, int] = {}
    for r, _ in labelled:
        if r.group is not None:
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    for row, (top, second, third) in labelled:
        figures = [_td(_figure(report, rng, ("requests", row.key, c))) for c in row.columns]
        cells: list[str] = []
        if row.group is None and row.key != "total_processed":
            cells.append(_td(top, colspan=3))
        else:
            if top:
                cells.append(_td(top, rowspan=outcome_count + 1))  # + （七）总计
            if third:
                if second:
                    cells.append(_td(second, rowspan=group_sizes[row.group or ""]))
                cells.append(_td(third))
            elif second:
                cells.append(_td(second, colspan=2))
        out.append(_tr(cells + figures))
    out.append("</table>")
    return out


def _html_review(report: SyntheticReport, rng: random.Random) -> list[str]:
    head = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return ['<table border="1" cellspacing="0" cellpadding="0">',
            _tr([_td("行政复议", colspan=5), _td("行政诉讼", colspan=10)]),
            _tr([*(_td(h, rowspan=2) for h in head), _td("未经复议直接起诉", colspan=5),
                 _td("复议后起诉", colspan=5)]),
            _tr([_td(h) for h in head + head]),
            _tr([_td(_figure(report, rng, ("review_litigation", r.key, c)))
                 for r in schema.REVIEW_ROWS for c in r.columns]),
            "</table>"]


def _render_html(report: SyntheticReport, rng: random.Random) -> str:
    charset = "gbk" if report.encoding == "gbk" else "utf-8"
    title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
    opening = [x for x in _opening(report, rng) if x]
    closing = [x for x in _closing(report, rng) if x.strip()]

    def p(text: str, bold: bool = False) -> str:
        inner = html.escape(text.strip())
        return f"<p><strong>{inner}</strong></p>" if bold else f"<p>{inner}</p>"

    body = [
        "<!DOCTYPE html>",
        f'<html><head><meta charset="{charset}"><title>{html.escape(title)}</title>',
        "<style>td{border:1px solid #000}</style></head><body>",
        '<div class="header"><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a>'
        "</div></div>",
        '<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
        '<div class="article">',
        f'<h1 style="text-align:center">{html.escape(title)}</h1>',
        *(p(x, bold=x in ("一、总体情况", "总体情况")) for x in opening),
        p(_heading(rng, "proactive"), bold=True),
        *_html_proactive(report, rng),
        p(_heading(rng, "requests"), bold=True),
        *_html_requests(report, rng),
        p(_heading(rng, "review_litigation"), bold=True),
        *_html_review(report, rng),
        *(p(x, bold=x.startswith(("五、", "六、"))) for x in closing),
        "</div>",
        f'<div class="footer">主办：{html.escape(report.agency)}　网站标识码：0000000000</div>',
        "</body></html>",
    ]
    return "\n".join(body)
