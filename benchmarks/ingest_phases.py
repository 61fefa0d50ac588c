"""Where a clean ingest's time goes: ``python benchmarks/ingest_phases.py FOLDER OUT [JOBS]``
ingests FOLDER into OUT (emptied first) in this process, as ``reportkit ingest`` does, and
prints the wall time of each serial phase (finding the files and reading the manifests,
the plan, the parallel parse, the finish: cross-year checks and ``reports`` while
``values.csv`` is written in a process of its own, then the wait for it) and the CPU seconds
of the parent and of its worker processes (``values.csv``'s process among them).
"""

from __future__ import annotations

import resource
import shutil
import sys
import time
from collections.abc import Callable
from typing import Any

START = time.perf_counter()

import reportkit.corpus.filelist as filelist  # noqa: E402  (imports are timed too)
import reportkit.corpus.ingest as ingest  # noqa: E402
import reportkit.corpus.workers as workers  # noqa: E402

PHASES: dict[str, float] = dict.fromkeys(
    ("imports", "find files + manifests", "plan", "finish (cross-year, reports, commit)",
     "  of which waiting for values.csv"), 0.0)
PHASES["imports"] = time.perf_counter() - START


def _timed(owner: Any, name: str, label: str) -> None:
    """Time each call of ``owner.name`` into PHASES[label]."""
    function: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PHASES[label] = PHASES.get(label, 0.0) + time.perf_counter() - began

    setattr(owner, name, timed)


def main() -> None:
    """Ingest, then print the phases and the CPU split."""
    folder, out = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else None
    _timed(filelist.RunFiles, "find", "find files + manifests")
    _timed(ingest, "plan_files", "plan")
    _timed(ingest._Assembler, "finish", "finish (cross-year, reports, commit)")
    _timed(workers.Background, "wait", "  of which waiting for values.csv")
    shutil.rmtree(out, ignore_errors=True)
    ingest.ingest_paths([folder], out, progress=False, jobs=jobs)
    wall = time.perf_counter() - START
    serial = sum(v for k, v in PHASES.items() if not k.startswith(" "))
    PHASES["parse (parallel, the rest)"] = wall - serial
    for label, seconds in PHASES.items():
        print(f"{label:40s} {seconds:7.2f} s")
    parent = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{'wall':40s} {wall:7.2f} s")
    print(f"{'CPU: parent':40s} {parent.ru_utime + parent.ru_stime:7.2f} s")
    print(f"{'CPU: workers, values.csv':40s} {children.ru_utime + children.ru_stime:7.2f} s")


if __name__ == "__main__":
    main()
