"""Part 三 from a text whose cells ran together ("申请数量640020470"), where the form's
identities allow exactly one reading; else nothing.

A crawler dump prints each row of part 三 as its label followed by its seven cells with no
separator. A digit run can be split in many ways (640020470: 64 0 0 2 0 4 70? 6 4 0 0 2 0
470?). This module reads a row only as the template prints it (its label, whole, in template
order; between two labels nothing but digits, spaces and the group headings), and then
enumerates **every** split of every row into its cells — a cell is "0" or digits without a
leading zero, a space always ends a cell — keeping those for which the form's identities
hold: each row's 总计 is the sum of its six applicant columns, and in every column
(七)总计 is the sum of the outcome rows and 一 + 二 = (七) + 四. Only when exactly one
assignment of splits to all rows satisfies them is anything read; its values are marked
``repaired`` and the report is ``partial``, saying so. A row, a heading or a label the text
prints otherwise makes the whole part unread.
"""

from __future__ import annotations

import re
from itertools import product

from reportkit import schema

_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
_HEADINGS = [f"（{n}）{name}" for n, name in zip("三四五六", ("不予公开", "无法提供", "不予处理",
                                                             "其他处理"), strict=True)]
_RUN = re.compile(r"\s*([\d\s]*?\d)\s*((?:三、本年度办理结果|" + "|".join(_HEADINGS) + r")\s*)*")
_MAX_SOLUTIONS = 2
_MAX_COMBINATIONS = 200_000

Split = tuple[int, ...]


def splits(run: str, width: int) -> list[Split]:
    """Every reading of a digit run (spaces end a cell) as ``width`` cells whose last is the
    sum of the others."""
    out: list[Split] = []
    groups = run.split()

    def walk(g: int, pos: int, cells: list[str]) -> None:
        if len(cells) > width:
            return
        if g == len(groups):
            if len(cells) == width:
                values = tuple(int(c) for c in cells)
                if values[-1] == sum(values[:-1]):
                    out.append(values)
            return
        digits = groups[g]
        for end in range(pos + 1, len(digits) + 1):
            cell = digits[pos:end]
            if len(cell) > 1 and cell[0] == "0":
                break
            if end == len(digits):
                walk(g + 1, 0, [*cells, cell])
            else:
                walk(g, end, [*cells, cell])

    walk(0, 0, [])
    return out


def _label_body(label: str) -> str:
    return _PREFIX.sub("", label, count=1)


def row_runs(text: str, rows: tuple[schema.Row, ...]) -> dict[str, str] | None:
    """The digit run printed after each row's label, in template order; None when a label
    is not printed whole in order or anything but digits and headings lies between two."""
    start = text.find("收到和处理政府信息公开申请情况")
    if start < 0:
        return None
    places = []
    cursor = start
    for row in rows:
        body = _label_body(row.label)
        at = text.find(body, cursor)
        if at < 0:
            return None
        prefix = row.label[: len(row.label) - len(body)]
        begin = at - len(prefix) if prefix and text[:at].endswith(prefix) else at
        places.append((row.key, begin, at + len(body)))
        cursor = at + len(body)
    runs: dict[str, str] = {}
    for i, (key, _, end) in enumerate(places):
        stop = places[i + 1][1] if i + 1 < len(places) else _end_of_run(text, end)
        m = _RUN.fullmatch(text[end:stop])
        if m is None:
            return None
        runs[key] = m.group(1)
    return runs


def _end_of_run(text: str, end: int) -> int:
    i = end
    while i < len(text) and (text[i].isdigit() or text[i].isspace()):
        i += 1
    return i


def _columns_hold(chosen: dict[str, Split], rows: tuple[schema.Row, ...]) -> bool:
    outcome = [r.key for r in rows if r.group]
    width = len(schema.REQUEST_COLUMNS)
    for c in range(width):
        if chosen["total_processed"][c] != sum(chosen[k][c] for k in outcome):
            return False
        if (chosen["new_requests"][c] + chosen["carried_over"][c]
                != chosen["total_processed"][c] + chosen["carried_forward"][c]):
            return False
    return True


def decode_requests(text: str) -> tuple[str, tuple[str, ...], dict[str, Split]] | None:
    """``(template, variants, figures by row key)``: the one reading of part 三 that the
    identities allow, over every layout (:func:`reportkit.schema.layouts`); None unless
    exactly one layout has exactly one."""
    found = []
    for template, variants in schema.layouts():
        rows = schema.rows_for(template, "requests", variants)
        solution = _one_reading(text, rows)
        if solution is not None:
            found.append((template, variants, solution))
    return found[0] if len(found) == 1 else None


def _one_reading(text: str, rows: tuple[schema.Row, ...]) -> dict[str, Split] | None:
    runs = row_runs(text, rows)
    if runs is None:
        return None
    options = {k: splits(run, len(schema.REQUEST_COLUMNS)) for k, run in runs.items()}
    combos = 1
    for o in options.values():
        combos *= len(o)
    if combos == 0 or combos > _MAX_COMBINATIONS:
        return None
    keys = list(options)
    solutions = []
    for pick in product(*(options[k] for k in keys)):
        chosen = dict(zip(keys, pick, strict=True))
        if _columns_hold(chosen, rows):
            solutions.append(chosen)
            if len(solutions) >= _MAX_SOLUTIONS:
                break
    return solutions[0] if len(solutions) == 1 else None
