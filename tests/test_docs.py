"""Every command shown in README.md and docs/*.md works as written.

Each ```sh block's lines and each ```python block are run, in order, in a copy of the
project (notebooks/, configs/, data/raw with the seeds, data/processed ingested), with this
interpreter's ``reportkit`` and ``papermill`` first on PATH (``.venv/bin/X`` in a command is
that too). A command whose comment says ``# exit N`` must exit N; any other must exit 0.
``make run`` and ``make test`` are what CI itself runs (``.ci/run``), so they are not run
again here; a command needing a program this machine lacks (LibreOffice) is skipped, saying so.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
_BLOCK = re.compile(r"```(sh|bash|python)\n(.*?)```", re.S)
_EXIT = re.compile(r"#\s*exit (\d+)")
_BY_CI = ("make run", "make test")


def _commands() -> list[tuple[str, str, str, int]]:
    """(doc, kind, command or code, expected exit code), in the order the docs show them."""
    found = []
    for doc in DOCS:
        for kind, body in _BLOCK.findall(doc.read_text(encoding="utf-8")):
            if kind == "python":
                found.append((doc.name, "python", body, 0))
                continue
            for line in body.replace("\\\n", " ").splitlines():
                command, _, comment = line.partition("  #")
                command = command.strip()
                if not command or command.startswith("#"):
                    continue
                wanted = _EXIT.search("#" + comment)
                found.append((doc.name, "sh", command, int(wanted.group(1)) if wanted else 0))
    return found


COMMANDS = _commands()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project as a clone holds it, with data/processed already ingested."""
    root = tmp_path_factory.mktemp("docs") / "project"
    for folder in ("notebooks", "configs", "docs"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    (root / "data" / "processed").mkdir()
    subprocess.run([str(BIN / "reportkit"), "ingest", "data/raw", "--out", "data/processed",
                    "--quiet"], cwd=root, check=True, timeout=600)
    return root


def test_the_docs_show_commands() -> None:
    kinds = {(doc, kind) for doc, kind, _, _ in COMMANDS}
    assert ("README.md", "sh") in kinds and ("analysis.md", "sh") in kinds
    assert any(c.startswith("papermill ") for _, _, c, _ in COMMANDS)
    assert any(c.startswith("reportkit run --agencies") for _, _, c, _ in COMMANDS)


@pytest.mark.parametrize(("doc", "kind", "command", "code"), COMMANDS,
                         ids=[f"{d}:{c.splitlines()[0][:60]}" for d, _, c, _ in COMMANDS])
def test_a_documented_command_works(project: Path, doc: str, kind: str, command: str,
                                    code: int) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "MPLBACKEND": "Agg"}
    if kind == "python":
        argv = [sys.executable, "-c", command]
    else:
        if command.startswith(_BY_CI):
            pytest.skip(f"{command}: run by CI itself (.ci/run)")
        argv = shlex.split(command.replace(".venv/bin/", f"{BIN}/"))
        if shutil.which(argv[0], path=env["PATH"]) is None:
            pytest.skip(f"{argv[0]} is not installed on this machine")
    proc = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == code, f"{doc}: {command}\n{proc.stdout[-2000:]}\n" \
                                    f"{proc.stderr[-3000:]}"
