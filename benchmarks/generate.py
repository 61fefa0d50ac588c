"""Write a synthetic corpus: ``python benchmarks/generate.py OUT -n 10000 --layouts cells,rows``.

The reports come from :mod:`synthetic` (beside this script; tests import it too): consistent
arithmetic, both templates, the seeds' text layouts and HTML, bodies spread over provinces
and years 2019–2024, a ``manifest.csv`` with each file's region. Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from synthetic import LAYOUTS, iter_reports, stream_corpus


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; prints what was written."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", help="folder to write into (created if needed)")
    p.add_argument("-n", type=int, default=10_000, help="number of reports (default 10000)")
    p.add_argument("--layouts", default="cells,rows",
                   help=f"comma-separated, any of {','.join(LAYOUTS)} (default cells,rows)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = p.parse_args(argv)
    started = time.perf_counter()
    done = stream_corpus(args.out, iter_reports(args.n, seed=args.seed,
                                                layouts=args.layouts.split(",")))
    print(f"wrote {done.reports} reports ({len(done.bodies)} bodies, {len(done.regions)} "
          f"regions, years {min(done.years)}–{max(done.years)}) to {args.out} in "
          f"{time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
