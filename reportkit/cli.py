"""The ``reportkit`` command: ``ingest`` a folder of reports, ``run`` the whole workbook,
``brief``: a Word briefing from the charts."""

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
    ing.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                     help="worker processes (default: one per core)")
    ing.add_argument("--no-cache", action="store_true",
                     help="parse every file again (and keep no cache in OUT/cache)")
    ing.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    run = sub.add_parser("run", help="ingest data/raw, then execute every notebook")
    run.add_argument("--config", help="YAML config for scheduled runs")
    brief = sub.add_parser("brief", help="build a Word briefing from the charts (docs/brief.md)")
    brief.add_argument("--config", help="YAML config (its inputs: and brief: sections)")
    brief.add_argument("--processed", help="processed folder (default data/processed)")
    brief.add_argument("--out", help="the .docx to write (default outputs/briefing.docx)")
    brief.add_argument("--charts", help="comma-separated chart names (default all)")
    brief.add_argument("--agencies", help="comma-separated agency names, full or short")
    brief.add_argument("--years", help="comma-separated years, e.g. 2021")
    brief.add_argument("--lang", choices=("zh", "en"), help="language (default zh)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point. Exit 0: every file ok or partial; 1: some file failed; 2: usage."""
    args = _parser().parse_args(argv)
    if args.command == "ingest":
        return _ingest(args)
    if args.command == "brief":
        from reportkit import brief

        return brief.main(args)
    from reportkit.pipeline import run

    return run(args.config)


def _ingest(args: argparse.Namespace) -> int:
    try:
        corpus = ingest_paths(args.paths, args.out, max_size_mb=args.max_size_mb,
                              progress=not args.quiet, jobs=args.jobs,
                              cache=not args.no_cache)
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
