"""The ``reportkit`` command: ``ingest`` a folder of reports, ``export`` it as an Excel
workbook, ``run`` the whole workbook, ``brief``: a Word briefing from the charts."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from reportkit.corpus.ingest import (
    DEFAULT_MAX_SIZE_MB,
    UsageError,
    environment_error,
    ingest_paths,
    safe_name,
    summary,
)
from reportkit.corpus.store import PROCESSED_DIR
from reportkit.corpus.workers import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, Limits


class _Parser(argparse.ArgumentParser):
    """Usage mistakes in one line (no usage dump), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _positive(kind: type, what: str) -> Callable[[str], float | int]:
    """An argparse type: a finite number above zero."""
    def convert(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value
    return convert


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="reportkit", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="parse report files into Parquet/CSV")
    ing.add_argument("paths", nargs="+", help="report files or folders (searched recursively)")
    ing.add_argument("--out", required=True, help="output folder, e.g. data/processed")
    ing.add_argument("--max-size-mb", type=_positive(float, "a size in MB above 0"),
                     default=DEFAULT_MAX_SIZE_MB,
                     help=f"skip larger files as failed (default {DEFAULT_MAX_SIZE_MB:g})")
    ing.add_argument("--max-memory-mb", type=_positive(float, "a size in MB above 0"),
                     default=DEFAULT_MEMORY_MB,
                     help=f"memory one file may take (default {DEFAULT_MEMORY_MB:g})")
    ing.add_argument("--timeout", type=_positive(float, "a number of seconds above 0"),
                     default=DEFAULT_SECONDS, metavar="SECONDS",
                     help=f"time one file may take (default {DEFAULT_SECONDS:g})")
    ing.add_argument("--jobs", "-j", type=_positive(int, "a whole number above 0"),
                     default=None, metavar="N", help="worker processes (default: one per core)")
    ing.add_argument("--force", action="store_true",
                     help="write into a folder reportkit did not make (its files are kept)")
    ing.add_argument("--no-cache", action="store_true",
                     help="parse every file again (and keep no cache in OUT/cache)")
    ing.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    ing.add_argument("--long-csv", action="store_true",
                     help="also values_long.csv: one row per report and cell (values.csv "
                     "has one row per report)")
    exp = sub.add_parser(
        "export", help="the processed corpus as an Excel workbook (.xlsx)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write the processed corpus (what `reportkit ingest` wrote) as one Excel\n"
        "workbook. Sheets: 'values', one row per report and one column per cell of the\n"
        "form (row 1 the Chinese name, row 2 the key table.row.column; a blank cell where\n"
        "a report gives no figure, never 0); 'reports'; 'checks' (counts per check, then\n"
        "the failed rows); 'codebook' (each key's labels, unit, templates); 'about'. A\n"
        "sheet that would pass Excel's 1,048,576 rows goes on in 'values (2)' etc., and\n"
        "'about' says so. Streamed: memory stays flat at any size.",
        epilog="examples:\n"
               "  reportkit export --xlsx outputs/reportkit.xlsx\n"
               "  reportkit export --xlsx corpus.xlsx --processed data/processed --long-csv")
    exp.add_argument("--xlsx", metavar="FILE", help="the workbook to write, e.g. corpus.xlsx")
    exp.add_argument("--processed", metavar="DIR", default=PROCESSED_DIR,
                     help=f"processed folder (default {PROCESSED_DIR})")
    exp.add_argument("--long-csv", action="store_true",
                     help="also DIR/values_long.csv: one row per report and cell")
    run = sub.add_parser("run", help="ingest data/raw, then execute every notebook")
    run.add_argument("--config", help="YAML config for scheduled runs")
    brief = sub.add_parser("brief", help="build a Word briefing from the charts (docs/brief.md)")
    brief.add_argument("--config", help="YAML config (its inputs: and brief: sections)")
    brief.add_argument("--processed", help=f"processed folder (default {PROCESSED_DIR})")
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
        return _brief(args)
    if args.command == "export":
        return _export(args)
    from reportkit.run import run

    return run(args.config)


def warn(message: str) -> None:
    """A warning for the user, one line on stderr."""
    print(f"reportkit: warning: {message}", file=sys.stderr)


def _ingest(args: argparse.Namespace) -> int:
    try:
        corpus = ingest_paths(args.paths, args.out, max_size_mb=args.max_size_mb,
                              progress=not args.quiet, jobs=args.jobs,
                              cache=not args.no_cache, force=args.force,
                              limits=Limits(args.max_memory_mb, args.timeout), warn=warn,
                              long_csv=args.long_csv)
    except UsageError as exc:
        print(f"reportkit ingest: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output folder: not writable, disk full, …
        print(f"reportkit ingest: {environment_error(exc, args.out)}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(summary(corpus), file=sys.stderr)
        print(f"wrote {safe_name(args.out)}/values.parquet, reports.parquet, checks.parquet "
              "(+ .csv; values.csv: one row per report"
              + (", values_long.csv: one row per cell)" if args.long_csv else ")"),
              file=sys.stderr)
    return 1 if (corpus.reports["status"] == "failed").any() else 0


def _export(args: argparse.Namespace) -> int:
    """``reportkit export``: the workbook and/or the long CSV. Exit 0 when written, 2 when
    nothing was asked for or the folder holds no corpus."""
    from reportkit.corpus.outdir import OutputError, locked
    from reportkit.corpus.store import write_long_csv
    from reportkit.corpus.workbook import export_workbook, sheet_rows

    if not args.xlsx and not args.long_csv:
        print("reportkit export: give --xlsx FILE and/or --long-csv (see --help)",
              file=sys.stderr)
        return 2
    try:
        if args.xlsx:
            book = export_workbook(args.processed, args.xlsx)
            print(f"reportkit export: wrote {book.path} ({'; '.join(sheet_rows(book))})")
            for note in book.notes:
                print(f"  note: {note}")
        if args.long_csv:
            if not Path(args.processed, "values.parquet").is_file():
                raise FileNotFoundError(f"{args.processed}: no values.parquet; run "
                                        "`reportkit ingest` first")
            with locked(args.processed):
                print(f"reportkit export: wrote {write_long_csv(args.processed)}")
    except (FileNotFoundError, ValueError, OutputError) as exc:
        print(f"reportkit export: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"reportkit export: {environment_error(exc, args.xlsx or args.processed)}",
              file=sys.stderr)
        return 2
    return 0


def _split(value: str | None) -> list[str] | None:
    """A comma-separated option ("a,b" or "a，b") as a list; None when not given or empty."""
    if value is None:
        return None
    items = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    return items or None


def _brief(args: argparse.Namespace) -> int:
    """``reportkit brief``: the config's ``brief:`` section, overridden by the options.
    Exit 0 when written, 2 for a request that cannot be met (message on stderr)."""
    from reportkit.brief import BriefError, build_from_settings, choose_charts, settings
    from reportkit.config import ConfigError, read_config
    from reportkit.corpus.ingest import load_corpus

    try:
        config, base = read_config(args.config)
        brief = settings(config)
        for key in ("charts", "agencies", "years"):
            given = _split(getattr(args, key, None))
            if given is not None:
                brief[key] = [int(y) for y in given] if key == "years" else given
        if getattr(args, "lang", None):
            brief["lang"] = args.lang
        choose_charts(brief["charts"])
        processed = Path(args.processed) if args.processed else \
            base / config["inputs"]["processed"]
        raw = config["inputs"]["raw"]
        raw_dir = base / (raw[0] if isinstance(raw, list) else raw)
        corpus = load_corpus(processed, raw_dir)
        out = Path(args.out).resolve() if args.out else None
        result = build_from_settings(brief, corpus, base, out=out, source=str(processed))
    except (ConfigError, BriefError, FileNotFoundError, ValueError) as exc:
        print(f"reportkit brief: {exc}", file=sys.stderr)
        return 2
    where = result.figures[0].parent if result.figures else "-"
    print(f"reportkit brief: wrote {result.path} ({len(result.charts)} charts, "
          f"{result.tables} tables; chart files in {where})")
    for name, why in result.skipped.items():
        print(f"  left out {name}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
