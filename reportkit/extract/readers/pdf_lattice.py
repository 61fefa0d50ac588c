"""Table geometry for the pdfium fast path, exactly as pdfplumber computes it, faster.

:func:`cells` is ``pdfplumber.table.intersections_to_cells`` with each intersection's
edges made into sets once; :class:`Table` is ``pdfplumber.table.Table`` whose ``extract``
finds a row's characters by bisection and whose cell text is :func:`cell_text`,
``pdfplumber.utils.extract_text`` for upright characters without its general machinery.
tests/test_pdf_fast.py compares each with pdfplumber's own.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from pdfplumber import table as plumber_table
from pdfplumber import utils as plumber_utils


class CharsPage:
    """The one thing ``pdfplumber.table.Table.extract`` asks of its page: its chars; and
    their middles, sorted top to bottom, for :class:`Table`."""

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        self.chars = chars
        mids = sorted(((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2, k)
                      for k, c in enumerate(chars))
        self.v_mids = [m[0] for m in mids]
        self.mids = mids


class Table(plumber_table.Table):
    """``pdfplumber.table.Table`` whose ``extract`` finds each row's characters by
    bisecting their middles instead of testing every character of the page against every
    row: the same characters (same test, page order kept), the same cell texts."""

    page: CharsPage  # type: ignore[assignment]

    def extract(self, **kwargs: Any) -> list[list[str | None]]:
        """The cells' texts, row by row, as ``pdfplumber.table.Table.extract`` gives them."""
        if kwargs:
            return super().extract(**kwargs)
        page = self.page
        chars, mids, v_mids = page.chars, page.mids, page.v_mids
        table: list[list[str | None]] = []
        for row in self.rows:
            x0, top, x1, bottom = row.bbox
            band = mids[bisect_left(v_mids, top):bisect_left(v_mids, bottom)]
            in_row = sorted((k, h, v) for v, h, k in band if x0 <= h < x1)
            texts: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    texts.append(None)
                    continue
                cx0, ctop, cx1, cbottom = cell
                in_cell = [chars[k] for k, h, v in in_row
                           if cx0 <= h < cx1 and ctop <= v < cbottom]
                texts.append(cell_text(in_cell) if in_cell else "")
            table.append(texts)
        return table


def cells(intersections: dict[tuple[float, float], dict[str, list[dict[str, Any]]]],
           ) -> list[tuple[float, float, float, float]]:
    """``pdfplumber.table.intersections_to_cells``: from each intersection (in sorted
    order), the smallest cell whose four corners are intersections joined by common
    edges. The same search, with each point's edges as sets made once and the points
    below and to the right of it looked up, not filtered from all the rest."""
    def boxes(edges: list[dict[str, Any]]) -> set[tuple[float, ...]]:
        return {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges}

    v = {p: boxes(d["v"]) for p, d in intersections.items()}
    h = {p: boxes(d["h"]) for p, d in intersections.items()}
    points = sorted(intersections)
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    for p in points:  # sorted by x, then y: a column top to bottom, a row left to right
        columns.setdefault(p[0], []).append(p)
        rows.setdefault(p[1], []).append(p)
    at_column = {p: k for col in columns.values() for k, p in enumerate(col)}
    at_row = {p: k for row in rows.values() for k, p in enumerate(row)}
    cells = []
    for pt in points:
        below = columns[pt[0]][at_column[pt] + 1:]
        right = rows[pt[1]][at_row[pt] + 1:]
        v0, h0 = v[pt], h[pt]
        cell = None
        for b in below:
            if v0.isdisjoint(v[b]):
                continue
            for r in right:
                if h0.isdisjoint(h[r]):
                    continue
                corner = (r[0], b[1])
                if corner in v and not v[corner].isdisjoint(v[r]) and not h[corner].isdisjoint(
                        h[b]):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell is not None:
                break
        if cell is not None:
            cells.append(cell)
    return cells


def _clusters(items: list[Any], keys: list[float], tolerance: float) -> list[list[Any]]:
    """``pdfplumber.utils.cluster_objects``: items grouped by key values that chain
    within ``tolerance``, groups in key order, items in their order within a group."""
    group: dict[float, int] = {}
    g, last = 0, 0.0
    for n, x in enumerate(sorted(set(keys))):
        if n and x > last + tolerance:
            g += 1
        group[x] = g
        last = x
    out: list[list[Any]] = [[] for _ in range(g + 1)]
    for item, key in zip(items, keys, strict=True):
        out[group[key]].append(item)
    return [x for x in out if x]


def _words(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The characters of each word, as ``pdfplumber.utils.text.WordExtractor`` (with
    its defaults) groups upright characters: lines clustered by top, each read left to
    right, a word ending at a space or a gap wider than the tolerance."""
    tol, ytol = plumber_utils.DEFAULT_X_TOLERANCE, plumber_utils.DEFAULT_Y_TOLERANCE
    words: list[list[dict[str, Any]]] = []
    for line in _clusters(chars, [c["top"] for c in chars], ytol):
        line.sort(key=lambda c: c["x0"])
        word: list[dict[str, Any]] = []
        for c in line:
            text = c["text"]
            if text.isspace() or text == "":
                if word:
                    words.append(word)
                word = []
                if text == "":  # pdfplumber splits at "" (in its empty punctuation)
                    words.append([c])
            elif word and (c["x0"] < word[-1]["x0"] or c["x0"] > word[-1]["x1"] + tol
                           or abs(c["top"] - word[-1]["top"]) > ytol):
                words.append(word)
                word = [c]
            else:
                word.append(c)
        if word:
            words.append(word)
    return words


def _upright(chars: list[dict[str, Any]]) -> bool:
    return all(c["upright"] is True for c in chars)


def cell_text(chars: list[dict[str, Any]]) -> str:
    """``pdfplumber.utils.extract_text(chars)`` with its defaults, for upright
    characters: words joined by a space, lines (words clustered by top) by a newline."""
    if not _upright(chars):
        return str(plumber_utils.extract_text(chars))
    ligatures = plumber_utils.text.LIGATURES
    words = [("".join(ligatures.get(c["text"], c["text"]) for c in w), min(c["top"] for c in w))
             for w in _words(chars)]
    lines = _clusters(words, [w[1] for w in words], plumber_utils.DEFAULT_Y_TOLERANCE)
    return "\n".join(" ".join(w[0] for w in line) for line in lines)


def text_lines(chars: list[dict[str, Any]], bbox: tuple[float, float, float, float],
               strip: bool = True, return_chars: bool = True) -> list[dict[str, Any]]:
    """``pdfplumber.Page.extract_text_lines`` of these characters: the words grouped here,
    laid out and searched by pdfplumber's own ``WordMap``/``TextMap``."""
    from pdfplumber.utils.text import WordMap, chars_to_textmap

    width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
    if not _upright(chars):
        textmap = chars_to_textmap(chars, layout_bbox=bbox, layout_width=width,
                                   layout_height=height)
    else:  # to_textmap reads a word's top only (not laid out)
        wordmap = WordMap([({"top": min(c["top"] for c in w)}, w) for w in _words(chars)])
        textmap = wordmap.to_textmap(layout_bbox=bbox, layout_width=width,
                                     layout_height=height, presorted=True)
    return textmap.extract_text_lines(strip=strip, return_chars=return_chars)


#: An edge as the table finder needs it: orientation, x0, top, x1, bottom, and its length
#: (``width`` of a horizontal edge, ``height`` of a vertical one, kept as pdfplumber keeps
#: them: moving an edge leaves it, joining adds the difference).
Edge = tuple[str, float, float, float, float, float]


def merge_edges(v: list[dict[str, Any]], h: list[dict[str, Any]], snap: float, join: float,
                min_length: float) -> list[Edge]:
    """``filter_edges(merge_edges(v + h, snap, snap, join, join), min_length=…)`` of
    pdfplumber, on tuples: each orientation snapped to the mean of its cluster of
    positions, then the edges along one line joined where they touch within ``join``."""
    snapped = _snap([("v", e["x0"], e["top"], e["x1"], e["bottom"], e["height"]) for e in v],
                    1, snap)
    snapped += _snap([("h", e["x0"], e["top"], e["x1"], e["bottom"], e["width"]) for e in h],
                     2, snap)
    snapped.sort(key=lambda e: (e[0], e[2] if e[0] == "h" else e[1]))
    out: list[Edge] = []
    k = 0
    while k < len(snapped):
        o = snapped[k][0]
        line = snapped[k][2] if o == "h" else snapped[k][1]
        end = k
        while end < len(snapped) and snapped[end][0] == o and (
                snapped[end][2] if o == "h" else snapped[end][1]) == line:
            end += 1
        out += _join(snapped[k:end], o, join)
        k = end
    return [e for e in out if e[5] >= min_length]


def _snap(edges: list[Edge], at: int, tolerance: float) -> list[Edge]:
    """``pdfplumber.utils.snap_objects``: clusters of positions (``at``: x0 of vertical
    edges, top of horizontal ones) moved to their mean, clusters in order."""
    out: list[Edge] = []
    for cluster in _clusters(edges, [e[at] for e in edges], tolerance):
        mean = sum(e[at] for e in cluster) / len(cluster)
        for o, x0, top, x1, bottom, length in cluster:
            shift = mean - (x0 if at == 1 else top)
            if at == 1:
                out.append((o, x0 + shift, top, x1 + shift, bottom, length))
            else:
                out.append((o, x0, top + shift, x1, bottom + shift, length))
    return out


def _join(edges: list[Edge], orientation: str, tolerance: float) -> list[Edge]:
    """``pdfplumber.table.join_edge_group``: edges along one line, by their start, each
    extending the last when it starts within ``tolerance`` of the last one's end."""
    lo, hi = (1, 3) if orientation == "h" else (2, 4)
    ordered = sorted(edges, key=lambda e: e[lo])
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + tolerance:
            if e[hi] > last[hi]:
                o, x0, top, x1, bottom, length = last
                if orientation == "h":  # resize_object(last, "x1", e.x1)
                    joined[-1] = (o, x0, top, e[3], bottom, e[3] - x0)
                else:  # resize_object(last, "bottom", e.bottom)
                    joined[-1] = (o, x0, top, x1, e[4], length + (e[4] - bottom))
        else:
            joined.append(e)
    return joined


_MARGIN = 1e-6


def intersections(edges: list[Edge], tolerance: float,
                  ) -> dict[tuple[float, float], dict[str, list[dict[str, float]]]]:
    """``pdfplumber.table.edges_to_intersections`` of the merged edges: where a vertical
    and a horizontal edge meet within ``tolerance``, with the edges that meet there (as
    boxes). Horizontal edges are bisected by top instead of all tried."""
    v = sorted((e for e in edges if e[0] == "v"), key=lambda e: (e[1], e[2]))
    h = sorted((e for e in edges if e[0] == "h"), key=lambda e: (e[2], e[1]))
    tops = [e[2] for e in h]
    found: dict[tuple[float, float], dict[str, list[dict[str, float]]]] = {}
    for ve in v:
        _, x, top, _, bottom, _ = ve
        # a margin either side of the bisection; the test below is pdfplumber's own
        for he in h[bisect_left(tops, top - tolerance - _MARGIN):]:
            if he[2] > bottom + tolerance + _MARGIN:
                break
            if (top <= he[2] + tolerance and bottom >= he[2] - tolerance
                    and x >= he[1] - tolerance and x <= he[3] + tolerance):
                vertex = (x, he[2])
                if vertex not in found:
                    found[vertex] = {"v": [], "h": []}
                found[vertex]["v"].append(_bbox(ve))
                found[vertex]["h"].append(_bbox(he))
    return found


def _bbox(e: Edge) -> dict[str, float]:
    return {"x0": e[1], "top": e[2], "x1": e[3], "bottom": e[4]}
