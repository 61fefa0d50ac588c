"""The ``reportkit`` command: ``ingest`` a folder of reports, ``run`` the whole workbook."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reportkit.ingest import DEFAULT_MAX_SIZE_MB, UsageError, ingest_paths, summary


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reportkit", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="parse report files into Parquet/CSV")
    ing.add_argument("paths", nargs="+", help="report files or folders (searched recursively)")
    ing.add_argument("--out", required=True, help="output folder, e.g. data/processed")
    ing.add_argument("--max-size-mb", type=float, default=DEFAULT_MAX_SIZE_MB,
                     help=f"skip larger files as failed (default {DEFAULT_MAX_SIZE_MB:g})")
    ing.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    run = sub.add_parser("run", help="ingest data/raw, then execute every notebook")
    run.add_argument("--config", help="YAML config for scheduled runs")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point. Exit 0: every file ok or partial; 1: some file failed; 2: usage."""
    args = _parser().parse_args(argv)
    if args.command == "ingest":
        return _ingest(args)
    from reportkit.pipeline import run

    return run(args.config)


def _ingest(args: argparse.Namespace) -> int:
    try:
        corpus = ingest_paths(args.paths, args.out, max_size_mb=args.max_size_mb,
                              progress=not args.quiet)
    except UsageError as exc:
        print(f"reportkit ingest: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(summary(corpus), file=sys.stderr)
        print(f"wrote {args.out}/values.parquet, reports.parquet, checks.parquet (+ .csv)",
              file=sys.stderr)
    return 1 if (corpus.reports["status"] == "failed").any() else 0


if __name__ == "__main__":
    sys.exit(main())
