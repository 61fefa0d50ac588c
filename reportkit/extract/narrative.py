"""Prose against tables (check ``narrative_vs_table``): the figures a report's prose states
with their subject, compared with its own tables.

Part 一 (and often 五, 六) repeats figures the tables hold — "本年度新受理依申请公开9件，上年
结转2件", "引发行政复议共15件，其中维持6件、纠错4件、其他结果2件，其余3件尚在审理中" — and
not always the same ones. Each figure found becomes a check row of ``kind = "narrative"``:

* ``expected`` — the table's figure (litigation: both litigation rows added up);
* ``actual`` — the figure the prose states;
* ``subject`` — ``table/row/column: 「the sentence」`` and any qualifier found;
* ``status`` — ``passed`` / ``failed``; ``missing`` when the table's cell is blank or absent;
  ``qualified`` (``passed`` NA) when the figure carries a scope qualifier in brackets
  ("758件（含垂管部门）", "（不含…）", "（包括…）"): it counts something else than the table.

A mismatch is a finding about the report's prose, not a failure of its own arithmetic: it
does not count in ``reports.n_checks_failed``.

Subjects recognised (after NFKC, so full-width digits and punctuation read as ASCII):

* ``new_requests``: 新收 / 受理 / 收到 / 接到 … 申请 … N件 (a clause about 复议, 诉讼, 举报,
  投诉, 信访, 咨询 is not a request count);
* ``carried_over``: 上年(度)结转 … N件;
* ``carried_forward``: 结转(至)下年度 … N件, N件结转/转接至 <next year>;
* ``review`` (行政复议), ``litigation`` (行政诉讼, both blocks), ``litigation_direct``
  (直接起诉), ``litigation_after_review`` (复议后起诉): the total ("行政复议共15件") and the
  breakdown that follows in the same sentence (维持, 纠错/纠正, 其他(结果), N件尚在审理 /
  尚未审结 N件).

Figures written in Chinese numerals (“一件”) are not read.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from reportkit.extract.checks import CellKey, CheckResult, result

CHECK = "narrative_vs_table"
KIND = "narrative"
REQUESTS, REVIEW, TOTAL = "requests", "review_litigation", "total"
_LITIGATION = ("litigation_direct", "litigation_after_review")
_MAX_QUOTE = 160

_N = r"(?P<n>\d+(?:,\d{3})*)"
_GAP = r"[^,;:。\d]"  # stays inside a clause, before the figure
_SENTENCES = re.compile(r"[^。;；!！?？\n]+[。;；!！?？]?")
_DIGIT = re.compile(r"[0-9０-９]")
_CLAUSE_BREAK = re.compile(r"[,;。]")
_NOT_REQUESTS = ("复议", "诉讼", "举报", "投诉", "信访", "咨询", "留言", "电话", "结转", "办结",
                 "答复")
_NEW = re.compile(r"(?:新收|受理|收到|接到|共收)(?P<gap>" + _GAP + r"{0,15}?)" + _N + r"\s*件")
_OVER = re.compile(r"上一?年度?结转(?P<gap>" + _GAP + r"{0,10}?)" + _N + r"\s*件")
_NEXT = r"(?:下一?年度?|(?P<y>\d{4})年)"
_FORWARD = (re.compile(r"(?:结转|转入|转接|顺延)(?:至|到)?" + _NEXT + _GAP + r"{0,10}?" + _N
                       + r"\s*件"),
            re.compile(_N + r"\s*件" + _GAP + r"{0,6}?(?:结转|转入|转接|顺延)(?:至|到)?" + _NEXT))
_MARKERS = re.compile(r"(?P<direct>直接(?:向法院)?(?:起诉|提起(?:行政)?诉讼))|"
                      r"(?P<after>复议后(?:起诉|提起(?:行政)?诉讼))|"
                      r"(?P<review>行政复议)|(?P<litigation>行政诉讼)")
_CASE = r"\s*[件起]"
_TOTAL = re.compile(r"^(?P<gap>" + _GAP + r"{0,8}?)" + _N + _CASE)
_BREAKDOWN = {
    "upheld": re.compile(r"维持" + _GAP + r"{0,3}?" + _N + _CASE),
    "corrected": re.compile(r"(?:纠错|纠正)" + _GAP + r"{0,3}?" + _N + _CASE),
    "other": re.compile(r"其他(?:结果)?" + _GAP + r"{0,3}?" + _N + _CASE),
    "pending": re.compile(_N + _CASE + r"(?:正在|尚在|仍在)?(?:审理|未审结|尚未审结)|"
                          r"(?:尚在审理|正在审理|尚未审结|未审结|审理中)" + _GAP + r"{0,3}?"
                          + r"(?P<m>\d+)" + _CASE),
}
_NOT_TOTAL = ("维持", "纠", "其他", "审理", "审结", "胜诉", "败诉", "撤")
_QUALIFIER = re.compile(r"\s*件?\s*\((?P<q>[^)]{0,24}?(?:含|包括|不含|不包括)[^)]{0,24})\)")
_SCOPE = re.compile(r"全[区市县省州盟旗镇乡]各[^,;。\d的]{0,6}?(?:单位|部门|机关|机构)")


@dataclass(frozen=True, slots=True)
class Statement:
    """One figure the prose states: the cells it speaks of, the figure, the sentence."""

    rows: tuple[str, ...]
    table: str
    column: str
    figure: float
    sentence: str
    qualifier: str = ""
    scope: str = ""


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _clause(text: str, start: int, end: int) -> str:
    """The clause (between commas, semicolons, full stops) around ``text[start:end]``."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right = _CLAUSE_BREAK.search(text, end)
    return text[left:right.start() if right else len(text)]


def _qualifier(text: str, end: int) -> str:
    m = _QUALIFIER.match(text, end)
    return m.group("q") if m else ""


def _request_statements(text: str, quote: str, scope: str, year: int | None
                        ) -> Iterator[Statement]:
    for m in _NEW.finditer(text):
        clause = _clause(text, m.start(), m.end())
        if "申请" in m.group("gap") + text[max(0, m.start() - 6):m.start()] \
                and not any(w in clause for w in _NOT_REQUESTS):
            yield Statement(("new_requests",), REQUESTS, TOTAL, _number(m.group("n")), quote,
                            _qualifier(text, m.end()), scope)
    for m in _OVER.finditer(text):
        if "下" not in m.group("gap"):
            yield Statement(("carried_over",), REQUESTS, TOTAL, _number(m.group("n")), quote,
                            _qualifier(text, m.end()), scope)
    for pattern in _FORWARD:
        for m in pattern.finditer(text):
            y = m.group("y")
            if y and year is not None and int(y) != year + 1:
                continue
            yield Statement(("carried_forward",), REQUESTS, TOTAL, _number(m.group("n")),
                            quote, _qualifier(text, m.end()), scope)


def _case_statements(text: str, quote: str, scope: str) -> Iterator[Statement]:
    marks = list(_MARKERS.finditer(text))
    for i, m in enumerate(marks):
        rows = {"review": ("review",), "litigation": _LITIGATION,
                "direct": ("litigation_direct",),
                "after": ("litigation_after_review",)}[m.lastgroup or "review"]
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        segment = text[m.end():end]
        total = _TOTAL.match(segment)
        if total and not any(w in total.group("gap") for w in _NOT_TOTAL):
            yield Statement(rows, REVIEW, TOTAL, _number(total.group("n")), quote,
                            _qualifier(segment, total.end()), scope)
        for column, pattern in _BREAKDOWN.items():
            for b in pattern.finditer(segment):
                figure = b.group("n") or (b.groupdict().get("m") or "")
                if figure:
                    yield Statement(rows, REVIEW, column, _number(figure), quote,
                                    _qualifier(segment, b.end()), scope)


def statements(paragraphs: Iterable[str], year: int | None = None) -> list[Statement]:
    """Every figure the prose states with a subject it names, in order, once each."""
    found: dict[tuple, Statement] = {}
    for paragraph in paragraphs:
        if "件" not in paragraph and "起" not in paragraph:
            continue  # every subject's figure is counted in 件 or 起
        for s in _SENTENCES.finditer(paragraph):
            original = s.group().strip()
            if ("件" not in original and "起" not in original) or not _DIGIT.search(original):
                continue
            text = unicodedata.normalize("NFKC", original)
            quote = original if len(original) <= _MAX_QUOTE else original[:_MAX_QUOTE] + "…"
            scope_match = _SCOPE.search(text)
            scope = scope_match.group() if scope_match else ""
            for st in (*_request_statements(text, quote, scope, year),
                       *_case_statements(text, quote, scope)):
                found.setdefault((st.rows, st.column, st.figure, quote), st)
    return list(found.values())


def _table_figure(values: Mapping[CellKey, float], st: Statement) -> float:
    total = 0.0
    for row in st.rows:
        v = values.get((st.table, row, st.column), math.nan)
        if v != v:
            return math.nan
        total += v
    return total


def check_narrative(report_id: str, paragraphs: Iterable[str],
                    values: Mapping[CellKey, float], year: int | None = None
                    ) -> list[CheckResult]:
    """One ``narrative_vs_table`` check row per figure the prose states (module docstring)."""
    out: list[CheckResult] = []
    for st in statements(paragraphs, year):
        cell = "+".join(st.rows)
        subject = f"{st.table}/{cell}/{st.column}: 「{st.sentence}」"
        if st.qualifier:
            subject += f" [qualifier: {st.qualifier}]"
        if st.scope:
            subject += f" [scope: {st.scope}]"
        expected = _table_figure(values, st)
        if st.qualifier:
            out.append(CheckResult(report_id, CHECK, subject, expected, st.figure, None,
                                   "qualified", KIND))
        else:
            out.append(result(report_id, CHECK, subject, expected, st.figure, KIND))
    return out
