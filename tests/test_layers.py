"""The package's shape: layers as folders, data flowing one way, no import circle, no
module past 600 lines, nothing in the package that only tests or benchmarks use.

Every ``import`` of a reportkit module, at module top or inside a function, is read from
the source (:mod:`ast`); a module may import its own layer or a lower one, never a later one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reportkit"

#: The layers, lowest first (docs/architecture.md). A key is a sub-package or a module.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("schema",),
    ("extract",),
    ("corpus",),
    ("config",),
    ("analysis", "metrics", "similarity"),
    ("charts",),
    ("brief",),
    ("run",),
    ("cli", "__init__"),
)
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    """The layer of ``reportkit.X…`` (the package itself is the top layer)."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    for i, names in enumerate(LAYERS):
        if head in names:
            return i
    raise AssertionError(f"{module}: in no layer; add it to LAYERS and docs/architecture.md")


def _imports(path: Path) -> set[str]:
    """The reportkit modules ``path`` imports (``from reportkit import x`` names x)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("reportkit"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.startswith("reportkit"):
            base = node.module
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                known = (PACKAGE.parent / Path(*sub.split("."))).with_suffix(".py").exists() \
                    or (PACKAGE.parent / Path(*sub.split("."))).is_dir()
                found.add(sub if known else base)
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {m for m in _imports(path) if m != name} for name, path in MODULES.items()}


def test_the_layers_are_folders() -> None:
    for package in ("schema", "extract", "corpus", "analysis", "charts", "brief"):
        assert (PACKAGE / package / "__init__.py").is_file()
    assert (PACKAGE / "extract" / "readers").is_dir()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_later_layer(module: str) -> None:
    mine = _layer(module) if module != "reportkit" else len(LAYERS) - 1
    later = sorted(m for m in GRAPH[module] if _layer(m) > mine)
    assert not later, f"{module} (layer {mine}) imports a later layer: {later}"


def _cycle() -> list[str] | None:
    """An import circle among reportkit's modules, or None (a package imports its
    ``__init__``, which is not followed: Python runs it first anyway)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in GRAPH or node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for name in sorted(GRAPH):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def test_no_import_circle() -> None:
    cycle = _cycle()
    assert cycle is None, " → ".join(cycle or [])


def test_the_detector_finds_a_circle() -> None:
    GRAPH["reportkit.schema.frames"].add("reportkit.corpus.store")  # store imports frames
    try:
        assert _cycle() is not None
    finally:
        GRAPH["reportkit.schema.frames"].discard("reportkit.corpus.store")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_past_600_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module}: {lines} lines"


def test_test_only_code_is_not_in_the_package() -> None:
    assert not (PACKAGE / "synthetic.py").exists()
    root = PACKAGE.parent
    assert (root / "benchmarks" / "synthetic.py").is_file()
    for name, path in MODULES.items():
        assert "synthetic" not in GRAPH[name], name
        assert "import synthetic" not in path.read_text(encoding="utf-8"), name


def test_templates_are_data() -> None:
    """Any template year is scored the same way: the template list, its first years and
    its rows decide (no year literals in the code that reads reports)."""
    from reportkit import schema
    from reportkit.extract.metadata import decide_template
    from reportkit.extract.tables import Parts

    assert schema.TEMPLATES == tuple(t.name for t in schema.TEMPLATE_SPECS)
    assert schema.LATEST == "2021"
    assert [schema.template_for_year(y) for y in (2015, 2019, 2020, 2021, 2024, None)] == [
        "2019", "2019", "2019", "2021", "2021", "2021"]
    assert schema.template("2021").in_force and not schema.template("2019").in_force
    assert len(schema.template("2019").columns["requests"]) == 7
    empty = Parts()
    assert decide_template(empty, 2020) == "2019"  # no markers: the year decides
    assert decide_template(empty, None) == "2021"
    literal = re.compile(r"""["'](2019|2021)["']""")
    for name, path in MODULES.items():
        if name.startswith(("reportkit.extract", "reportkit.corpus")):
            assert not literal.search(path.read_text(encoding="utf-8")), name


def test_display_labels_once() -> None:
    from reportkit.schema import labels

    for key in ("granted", "withheld", "other_handling"):
        assert labels.outcome_label(key, "zh") and labels.outcome_label(key, "en") != key
    assert labels.measure_label("review", "zh") == "行政复议"
    assert labels.outcome_label("no_such_row", "en") == "no_such_row"
