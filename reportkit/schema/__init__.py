"""The national templates as data: tables, rows, columns, outcome groups and identities.

This module is the single definition of the tidy frame's contract (see the project's
``schema.md``). The parser, the checks, the analysis and the charts all read it; nothing
else in the package spells a canonical key or a template label.

Every row carries ``phrases``: short pieces of the template label that identify it once a
label has been normalised (see :mod:`reportkit.extract.matching`). A phrase written
``=其他`` must equal the whole normalised label cell rather than merely occur in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import combinations

TEMPLATES: tuple[str, ...] = ("2019", "2021")
TABLES: tuple[str, ...] = ("proactive", "requests", "review_litigation")

TABLE_LABELS: dict[str, str] = {
    "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}

#: Phrases that mark each part's heading (after normalisation, numerals stripped).
PART_HEADINGS: dict[str, tuple[str, ...]] = {
    "proactive": ("主动公开政府信息情况",),
    "requests": ("收到和处理政府信息公开申请情况",),
    "review_litigation": ("行政复议行政诉讼情况",),
    "end": ("存在的主要问题", "其他需要报告的事项"),
}

#: Phrases that mark a table's content when no heading says which part it belongs to.
PART_MARKERS: dict[str, tuple[str, ...]] = {
    "requests": ("本年新收", "上年结转", "本年度办理结果"),
    "review_litigation": ("尚未审结", "未经复议直接起诉", "复议后起诉"),
    "proactive": ("第二十条", "行政许可", "规范性文件", "行政处罚"),
}


@dataclass(frozen=True)
class Column:
    """One column of a table: canonical key, template label, identifying phrases."""

    key: str
    label: str
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """One row of a table in one template."""

    table: str
    key: str
    label: str
    columns: tuple[str, ...]
    phrases: tuple[str, ...]
    group: str | None = None
    templates: tuple[str, ...] = TEMPLATES


@dataclass(frozen=True)
class Identity:
    """``sum(left) == sum(right)``, evaluated along one axis of one table.

    ``axis="rows"``: ``left`` and ``right`` name rows; the identity holds in every column.
    ``axis="columns"``: ``left`` and ``right`` name columns; it holds in every row.
    Names absent from a report's template are dropped from the sums.
    """

    name: str
    table: str
    axis: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    description: str


# --- Part 二: proactive disclosure -----------------------------------------------------------

_REG_2021 = ("issued", "repealed", "in_force")
_REG_2019 = ("new_made", "new_published", "total_published")
_ITEMS_2019 = ("prior_year_items", "change", "decisions")

PROACTIVE_ROWS: tuple[Row, ...] = (
    Row("proactive", "regulations", "规章", _REG_2021, ("=规章",), templates=("2021",)),
    Row("proactive", "normative_documents", "行政规范性文件", _REG_2021, ("规范性文件",),
        templates=("2021",)),
    Row("proactive", "administrative_licensing", "行政许可", ("decisions",), ("行政许可",),
        templates=("2021",)),
    Row("proactive", "administrative_penalty", "行政处罚", ("decisions",), ("行政处罚",),
        templates=("2021",)),
    Row("proactive", "administrative_coercion", "行政强制", ("decisions",), ("行政强制",),
        templates=("2021",)),
    Row("proactive", "administrative_fees", "行政事业性收费", ("amount_10k_yuan",),
        ("行政事业性收费",), templates=("2021",)),
    Row("proactive", "regulations", "规章", _REG_2019, ("=规章",), templates=("2019",)),
    Row("proactive", "normative_documents", "规范性文件", _REG_2019, ("规范性文件",),
        templates=("2019",)),
    Row("proactive", "administrative_licensing", "行政许可", _ITEMS_2019, ("行政许可",),
        templates=("2019",)),
    Row("proactive", "other_external_services", "其他对外管理服务事项", _ITEMS_2019,
        ("其他对外管理服务事项",), templates=("2019",)),
    Row("proactive", "administrative_penalty", "行政处罚", _ITEMS_2019, ("行政处罚",),
        templates=("2019",)),
    Row("proactive", "administrative_coercion", "行政强制", _ITEMS_2019, ("行政强制",),
        templates=("2019",)),
    Row("proactive", "administrative_fees", "行政事业性收费", ("prior_year_items", "change"),
        ("行政事业性收费",), templates=("2019",)),
    Row("proactive", "centralized_procurement", "政府集中采购", ("items", "amount"),
        ("政府集中采购",), templates=("2019",)),
)

PROACTIVE_COLUMNS: tuple[Column, ...] = (
    Column("issued", "本年制发件数"),
    Column("repealed", "本年废止件数"),
    Column("in_force", "现行有效件数"),
    Column("decisions", "本年处理决定数量"),
    Column("amount_10k_yuan", "本年收费金额（单位：万元）"),
    Column("new_made", "本年新制作数量"),
    Column("new_published", "本年新公开数量"),
    Column("total_published", "对外公开总数量"),
    Column("prior_year_items", "上一年项目数量"),
    Column("change", "本年增/减"),
    Column("items", "采购项目数量"),
    Column("amount", "采购总金额"),
)

#: Words of a note printed with a figure ("（含自然失效29件）") that name the figure's column:
#: used to place figures that a conversion printed outside their table rows.
COLUMN_NOTES: dict[str, tuple[str, ...]] = {
    "repealed": ("失效", "废止"),
}

# --- Part 三: requests ------------------------------------------------------------------------

APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人", ("自然人",)),
    Column("commercial_enterprise", "商业企业", ("商业",)),
    Column("research_institution", "科研机构", ("科研",)),
    Column("social_welfare_org", "社会公益组织", ("公益",)),
    Column("legal_service_org", "法律服务机构", ("法律服务",)),
    Column("other_org", "其他", ("=其他",)),
)
TOTAL_COLUMN = Column("total", "总计", ("总计",))
#: A column some bodies add (法人或其他组织 小计); read so that nothing shifts, never output.
SUBTOTAL_COLUMN = Column("_subtotal", "小计", ("小计",))
REQUEST_COLUMNS: tuple[str, ...] = tuple(c.key for c in APPLICANT_COLUMNS) + ("total",)

OUTCOME_GROUPS: dict[str, str] = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}
OUTCOME_GROUPS_EN: dict[str, str] = {
    "granted": "Granted",
    "partially_granted": "Partially granted",
    "withheld": "Withheld",
    "unavailable": "Unavailable",
    "not_processed": "Not processed",
    "other": "Other handling",
}


def _req(key: str, label: str, phrases: tuple[str, ...], group: str | None = None,
         templates: tuple[str, ...] = TEMPLATES) -> Row:
    return Row("requests", key, label, REQUEST_COLUMNS, phrases, group, templates)


REQUEST_ROWS: tuple[Row, ...] = (
    _req("new_requests", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    _req("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    _req("granted", "（一）予以公开", ("予以公开",), "granted"),
    _req("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
         ("部分公开",), "partially_granted"),
    _req("withheld_state_secret", "1.属于国家秘密", ("国家秘密",), "withheld"),
    _req("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开", ("禁止公开",), "withheld"),
    _req("withheld_security_stability", "3.危及“三安全一稳定”", ("三安全一稳定",), "withheld"),
    _req("withheld_third_party_rights", "4.保护第三方合法权益", ("第三方合法权益",), "withheld"),
    _req("withheld_internal_affairs", "5.属于三类内部事务信息", ("内部事务",), "withheld"),
    _req("withheld_process_information", "6.属于四类过程性信息", ("过程性信息",), "withheld"),
    _req("withheld_enforcement_file", "7.属于行政执法案卷", ("行政执法案卷",), "withheld"),
    _req("withheld_query_matter", "8.属于行政查询事项", ("行政查询",), "withheld"),
    _req("unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",), "unavailable"),
    _req("unavailable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成信息"),
         "unavailable"),
    _req("unavailable_unclear", "3.补正后申请内容仍不明确", ("仍不明确", "补正后申请"),
         "unavailable"),
    _req("not_processed_petition", "1.信访举报投诉类申请", ("信访举报投诉",), "not_processed"),
    _req("not_processed_repeated", "2.重复申请", ("重复申请",), "not_processed"),
    _req("not_processed_publication", "3.要求提供公开出版物", ("公开出版物",), "not_processed"),
    _req("not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复",), "not_processed"),
    _req("not_processed_reconfirmation", "5.要求行政机关确认或重新出具已获取信息",
         ("确认或重新出具", "重新出具"), "not_processed"),
    _req("other_handling", "（六）其他处理", ("=其他处理",), "other", ("2019",)),
    _req("other_no_correction",
         "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         ("逾期不补正",), "other", ("2021",)),
    _req("other_unpaid_fee",
         "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         ("缴纳费用", "收费通知"), "other", ("2021",)),
    _req("other_other", "3.其他", ("=其他",), "other", ("2021",)),
    _req("total_processed", "（七）总计", ("=总计", "七总计"),),
    _req("carried_forward", "四、结转下年度继续办理", ("结转下年度",)),
)

OUTCOME_ROWS: tuple[str, ...] = tuple(r.key for r in REQUEST_ROWS if r.group)

# --- Part 四: review and litigation -----------------------------------------------------------

REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持", ("维持",)),
    Column("corrected", "结果纠正", ("纠正",)),
    Column("other", "其他结果", ("其他结果",)),
    Column("pending", "尚未审结", ("尚未审结",)),
    Column("total", "总计", ("总计",)),
)
_RL_COLUMNS = tuple(c.key for c in REVIEW_COLUMNS)
REVIEW_ROWS: tuple[Row, ...] = (
    Row("review_litigation", "review", "行政复议", _RL_COLUMNS, ("行政复议",)),
    Row("review_litigation", "litigation_direct", "行政诉讼·未经复议直接起诉", _RL_COLUMNS,
        ("未经复议直接起诉", "直接起诉")),
    Row("review_litigation", "litigation_after_review", "行政诉讼·复议后起诉", _RL_COLUMNS,
        ("复议后起诉",)),
)

ALL_ROWS: tuple[Row, ...] = PROACTIVE_ROWS + REQUEST_ROWS + REVIEW_ROWS

# --- Identities -------------------------------------------------------------------------------

IDENTITIES: tuple[Identity, ...] = (
    Identity("balance", "requests", "rows", ("new_requests", "carried_over"),
             ("total_processed", "carried_forward"),
             "第一项加第二项之和，等于第三项加第四项之和"),
    Identity("outcomes_sum", "requests", "rows", ("total_processed",), OUTCOME_ROWS,
             "（七）总计 equals the sum of the outcome rows"),
    Identity("row_total", "requests", "columns", ("total",),
             tuple(c.key for c in APPLICANT_COLUMNS),
             "总计 equals the sum of the six applicant columns"),
    Identity("review_total", "review_litigation", "columns", ("total",),
             ("upheld", "corrected", "other", "pending"),
             "总计 equals 结果维持 + 结果纠正 + 其他结果 + 尚未审结"),
)
#: carried_forward of year N equals carried_over of year N+1, for one body.
CROSS_YEAR: tuple[str, str, str] = ("requests", "carried_forward", "carried_over")
#: Part 二 rows (template 2021) whose in_force of year N equals in_force of N−1 plus issued
#: minus repealed of N, for one body.
IN_FORCE_ROWS: tuple[str, ...] = ("regulations", "normative_documents")
IN_FORCE_COLUMNS: tuple[str, ...] = ("issued", "repealed", "in_force")


#: Rows a report may print in place of rows of its template, per template: a 2021-format
#: report that prints （六）其他处理 as one row (as the 2019 format does) holds
#: ``other_handling`` instead of the three ``other_*`` rows; the ``other`` group and the
#: identities count it.
ROW_VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {"other_handling": ("other_no_correction", "other_unpaid_fee", "other_other")},
}


@lru_cache(maxsize=64)
def rows_for(template: str, table: str | None = None,
             variants: tuple[str, ...] = ()) -> tuple[Row, ...]:
    """The rows of ``template`` (optionally of one ``table``), in template order; with
    ``variants`` (keys of :data:`ROW_VARIANTS`), each variant row in place of the rows it
    replaces."""
    rows = tuple(r for r in ALL_ROWS
                 if template in r.templates and (table is None or r.table == table))
    if not variants:
        return rows
    out: list[Row] = []
    for variant, replaced in ROW_VARIANTS.get(template, {}).items():
        if variant not in variants:
            continue
        for row in rows:
            if row.key == replaced[0]:
                out.append(_ROW_BY_KEY[(row.table, variant)])
            if row.key not in replaced:
                out.append(row)
        rows, out = tuple(out), []
    return rows


def layouts() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every way a report can lay out its rows: ``(template, variants)``, each template
    with no variant and with each combination of its :data:`ROW_VARIANTS`."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for template in TEMPLATES:
        keys = tuple(ROW_VARIANTS.get(template, {}))
        out.extend((template, combo) for n in range(len(keys) + 1)
                   for combo in combinations(keys, n))
    return tuple(out)


def layout_name(template: str, variants: tuple[str, ...] = ()) -> str:
    """One string for a layout: ``"2021"``, ``"2021+other_handling"``."""
    return "+".join((template, *variants))


def variant_rows(template: str, table: str) -> tuple[Row, ...]:
    """The rows a report of ``template`` may print in place of its own (see
    :data:`ROW_VARIANTS`)."""
    return tuple(_ROW_BY_KEY[(table, key)] for key in ROW_VARIANTS.get(template, {})
                 if (table, key) in _ROW_BY_KEY)


def cells_for(template: str, table: str | None = None,
              variants: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """Every ``(table, row, column)`` cell a report of ``template`` holds, in order."""
    return [(r.table, r.key, c) for r in rows_for(template, table, variants) for c in r.columns]


_ROW_BY_KEY: dict[tuple[str, str], Row] = {}
for _row in ALL_ROWS:
    _ROW_BY_KEY.setdefault((_row.table, _row.key), _row)


def outcome_group(row: str) -> str | None:
    """The outcome group of a ``requests`` row key, or None for a non-outcome row."""
    return _GROUP_OF.get(row)


_GROUP_OF: dict[str, str] = {r.key: r.group for r in REQUEST_ROWS if r.group}

#: Template-distinguishing phrases, scored against a report's table text.
TEMPLATE_MARKERS: dict[str, tuple[str, ...]] = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正",
             "缴纳费用"),
    "2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
             "其他对外管理服务事项", "政府集中采购"),
}

#: Display labels for charts and tables (Chinese), keyed by canonical row key.
ROW_LABELS_ZH: dict[str, str] = {r.key: r.label.split("、")[-1] for r in ALL_ROWS}
ROW_LABELS_ZH.update({
    "partially_granted": "部分公开",
    "withheld_state_secret": "不予公开·属于国家秘密",
    "withheld_prohibited_by_law": "不予公开·其他法律行政法规禁止公开",
    "withheld_security_stability": "不予公开·危及“三安全一稳定”",
    "withheld_third_party_rights": "不予公开·保护第三方合法权益",
    "withheld_internal_affairs": "不予公开·属于三类内部事务信息",
    "withheld_process_information": "不予公开·属于四类过程性信息",
    "withheld_enforcement_file": "不予公开·属于行政执法案卷",
    "withheld_query_matter": "不予公开·属于行政查询事项",
    "unavailable_not_held": "无法提供·本机关不掌握相关政府信息",
    "unavailable_needs_creation": "无法提供·没有现成信息需要另行制作",
    "unavailable_unclear": "无法提供·补正后申请内容仍不明确",
    "not_processed_petition": "不予处理·信访举报投诉类申请",
    "not_processed_repeated": "不予处理·重复申请",
    "not_processed_publication": "不予处理·要求提供公开出版物",
    "not_processed_excessive": "不予处理·无正当理由大量反复申请",
    "not_processed_reconfirmation": "不予处理·要求确认或重新出具已获取信息",
    "other_handling": "其他处理",
    "other_no_correction": "其他处理·逾期不补正",
    "other_unpaid_fee": "其他处理·逾期未缴纳费用",
    "other_other": "其他处理·其他",
    "granted": "予以公开",
    "total_processed": "总计",
})
COLUMN_LABELS_ZH: dict[str, str] = {
    c.key: c.label for c in PROACTIVE_COLUMNS + APPLICANT_COLUMNS + (TOTAL_COLUMN,)
}
COLUMN_LABELS_ZH.update({c.key: c.label for c in REVIEW_COLUMNS if c.key != "total"})


# --- Templates as data ------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """One national form: its name, the first report year it applies to, the labels only
    it prints (``markers``), its rows and columns per table and the identities it obeys.
    A new form = one more entry in :data:`TEMPLATE_SPECS` (and its rows' ``templates``)."""

    name: str
    first_year: int
    markers: tuple[str, ...]
    rows: tuple[Row, ...]
    columns: dict[str, tuple[str, ...]]
    identities: tuple[Identity, ...]

    @cached_property
    def in_force(self) -> bool:
        """True when the form prints in-force counts (part 二's 现行有效件数) for the
        :data:`IN_FORCE_ROWS`, so the year-to-year in-force check applies."""
        return all(any(r.key == key and set(IN_FORCE_COLUMNS) <= set(r.columns)
                       for r in self.rows if r.table == "proactive") for key in IN_FORCE_ROWS)


def _template(name: str, first_year: int) -> Template:
    rows = rows_for(name)
    columns = {t: tuple(dict.fromkeys(c for r in rows if r.table == t for c in r.columns))
               for t in TABLES}
    return Template(name, first_year, TEMPLATE_MARKERS[name], rows, columns, IDENTITIES)


#: Every template, oldest first (the 2019 form from the 2019 reports on, its 2021 revision
#: from the 2021 reports on).
TEMPLATE_SPECS: tuple[Template, ...] = (_template("2019", 2019), _template("2021", 2021))
_TEMPLATE_BY_NAME = {t.name: t for t in TEMPLATE_SPECS}
#: The current form: what a report without a decided template is read as.
LATEST: str = TEMPLATE_SPECS[-1].name


def template(name: str) -> Template:
    """The :class:`Template` called ``name`` (KeyError for an unknown one)."""
    return _TEMPLATE_BY_NAME[name]


def template_for_year(year: int | None) -> str:
    """The form in force for reports of ``year``: the latest whose first year is not after
    it (the oldest for earlier years, the latest when the year is unknown)."""
    if year is None:
        return LATEST
    fitting = [t for t in TEMPLATE_SPECS if t.first_year <= year]
    return (fitting[-1] if fitting else TEMPLATE_SPECS[0]).name
