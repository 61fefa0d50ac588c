"""reportkit: China's 政府信息公开工作年度报告 (open government information annual
reports) as checked data, charts and a Word briefing. `run` does the whole job; `ingest`
only parses; `export` writes the data as an Excel workbook; `brief` writes a briefing;
`charts` lists the charts."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from reportkit import __version__
from reportkit.corpus.ingest import (
    DEFAULT_MAX_SIZE_MB,
    UsageError,
    environment_error,
    ingest_paths,
    n_failed,
    safe_name,
    summary,
)
from reportkit.corpus.store import PROCESSED_DIR
from reportkit.corpus.workers import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, Limits


class _Parser(argparse.ArgumentParser):
    """Usage mistakes in one line (no usage dump), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")

    def format_help(self) -> str:
        """The help, with the chart list filled in where the epilog asks for it (only
        then are the charts, and matplotlib, imported)."""
        if self.epilog and "{charts}" in self.epilog:
            self.epilog = self.epilog.replace("{charts}", _chart_list())
        return super().format_help()


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


_EXAMPLES = {
    "top": """examples:
  reportkit run                                  ingest data/raw, run the notebooks, write
                                                 the charts and outputs/briefing.docx
  reportkit run --agencies 密云区 --years 2021    the same for one body and year, into
                                                 outputs/密云区_2021/
  reportkit ingest data/raw --out data/processed only parse the reports (Parquet + CSV)
  reportkit export --xlsx corpus.xlsx            the parsed data as one Excel workbook
  reportkit charts                               the charts a run draws
  reportkit brief --charts not_held_share        a briefing of chosen charts

every command: reportkit COMMAND --help (docs/ has the details)""",
    "ingest": """examples:
  reportkit ingest data/raw --out data/processed
  reportkit ingest ~/Downloads/reports --out data/processed --ignore '*.xlsx' --jobs 2
  reportkit ingest a.pdf b.html --out /tmp/two --quiet

exit code: 0 every file read (ok, partial, or skipped as no report); 1 some file failed;
2 a usage mistake""",
    "run": """examples:
  reportkit run                                   everything, on data/raw
  reportkit run --agencies 密云区 --years 2021     one body, one year: outputs/密云区_2021/
  reportkit run --agencies 密云区,西集镇 --years 2019-2021 --lang en
  reportkit run --level county --raw ~/reports --out ~/briefings
  reportkit run --config configs/example.yml      a scheduled run (see docs/analysis.md)

agencies: full or short names (密云区 or 北京市密云区人民政府), comma-separated; a name
no report holds stops the run at once (exit 2) with the closest names.
exit code: 0 all ran; 1 a notebook, an input file or the briefing failed (the last line
says which); 2 a config or selection that cannot be used""",
    "brief": """examples:
  reportkit brief
  reportkit brief --agencies 密云区 --years 2021 --out outputs/密云区.docx
  reportkit brief --charts outcome_group_frequencies,not_held_share --lang en

charts (--charts):
{charts}""",
    "export": """examples:
  reportkit export --xlsx outputs/reportkit.xlsx
  reportkit export --xlsx corpus.xlsx --processed data/processed --long-csv

exit code: 0 written; 2 nothing asked for, or the folder holds no corpus""",
    "charts": """examples:
  reportkit charts
  reportkit brief --charts not_held_share,review_litigation_rates""",
}


def _chart_list(lang: str = "zh") -> str:
    """Every registered chart: name, topic and title, one a line."""
    from reportkit.charts import CHARTS

    width = max(len(n) for n in CHARTS)
    return "\n".join(f"  {name:<{width}}  {chart.topic:<17} {chart.title(lang)}"
                      for name, chart in CHARTS.items())


def _sub(sub: argparse._SubParsersAction, name: str, summary: str, description: str,
         examples: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=summary, description=description, epilog=examples,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _selection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agencies", metavar="NAMES",
                   help="comma-separated agency names, full or short (密云区,西集镇)")
    p.add_argument("--years", metavar="YEARS", help="e.g. 2021, 2020,2021 or 2019-2021")
    p.add_argument("--level", metavar="LEVEL",
                   help="province, city, county or township (comma-separated)")
    p.add_argument("--lang", choices=("zh", "en"), help="language of charts and text "
                   "(default zh)")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="reportkit", description=__doc__, epilog=_EXAMPLES["top"],
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"reportkit {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    ing = _sub(sub, "ingest", "parse report files into Parquet/CSV",
               "Parse every report file under PATHS (text, Markdown, web pages, .docx, .doc, "
               "PDF; by content, not by name) into values, reports and checks (Parquet + "
               "Excel-safe CSV) in OUT. Every file gets a row: pictures, spreadsheets and "
               "archives are 'skipped'. A re-run parses only new or changed files.",
               _EXAMPLES["ingest"])
    ing.add_argument("paths", nargs="+", help="report files or folders (searched recursively)")
    ing.add_argument("--out", required=True, help="output folder, e.g. data/processed")
    ing.add_argument("--ignore", action="append", default=[], metavar="GLOB",
                     help="leave out files matching GLOB (by name or path; repeatable)")
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
                     help="also values_long.csv, one row per report and cell (values.csv "
                     "has one row per report), and checks_long.csv, every check (checks.csv "
                     "holds those that did not pass)")
    exp = _sub(sub, "export", "the processed data as an Excel workbook (.xlsx)",
               "Write the processed corpus (what `reportkit ingest` wrote) as one Excel\n"
               "workbook. Sheets: 'values', one row per report and one column per cell of\n"
               "the form (row 1 the Chinese name, row 2 the key table.row.column; a blank\n"
               "cell where a report gives no figure, never 0); 'reports'; 'checks' (counts\n"
               "per check, then the failed rows); 'codebook' (each key's labels, unit,\n"
               "templates); 'about'. A sheet that would pass Excel's 1,048,576 rows goes on\n"
               "in 'values (2)' etc., and 'about' says so. Streamed: memory stays flat.",
               _EXAMPLES["export"])
    exp.add_argument("--xlsx", metavar="FILE", help="the workbook to write, e.g. corpus.xlsx")
    exp.add_argument("--processed", metavar="DIR", default=PROCESSED_DIR,
                     help=f"processed folder (default {PROCESSED_DIR})")
    exp.add_argument("--long-csv", action="store_true",
                     help="also DIR/values_long.csv (one row per report and cell) and "
                     "DIR/checks_long.csv (every check)")
    run = _sub(sub, "run", "ingest, run every notebook, write charts and the briefing",
               "The whole job: ingest the raw reports (default data/raw) into data/processed, "
               "check the selection, execute every notebook (papermill) into "
               "<out>/notebooks with its charts in <out>/figures, then write "
               "<out>/briefing.docx. A selection (--agencies, --years, --level) writes into "
               "its own folder <out>/<selection>/ and never touches the all-agency outputs. "
               "Relative paths of the defaults are read from the project root, whatever the "
               "current folder.", _EXAMPLES["run"])
    _selection_options(run)
    run.add_argument("--raw", action="append", metavar="DIR",
                     help="report folder(s) or files to ingest (default data/raw; repeatable)")
    run.add_argument("--out", metavar="DIR", help="outputs folder (default outputs)")
    run.add_argument("--ignore", action="append", default=[], metavar="GLOB",
                     help="leave out input files matching GLOB (repeatable)")
    run.add_argument("--config", metavar="FILE",
                     help="YAML config for scheduled runs (configs/example.yml); the options "
                     "above override it")
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.add_argument("--no-workbook", action="store_true",
                     help="do not (re)write <out>/reportkit.xlsx (at 100,000 reports it takes "
                     "minutes of a core; `reportkit export --xlsx` writes it any time)")
    brief = _sub(sub, "brief", "build a Word briefing from the charts (docs/brief.md)",
                 "Write a Word briefing (key findings, one section per question, the charts "
                 "with their numbers, data quality, the source reports) from the processed "
                 "data; the charts go beside it as PNG/SVG/CSV.",
                 _EXAMPLES["brief"])
    brief.add_argument("--config", help="YAML config (its inputs: and brief: sections)")
    brief.add_argument("--processed", help=f"processed folder (default {PROCESSED_DIR})")
    brief.add_argument("--out", help="the .docx to write (default outputs/briefing.docx)")
    brief.add_argument("--charts", help="comma-separated chart names (default all; see below)")
    _selection_options(brief)
    _sub(sub, "charts", "list the charts a run draws and a briefing can hold",
         "Every registered chart: its name (for brief --charts), the notebook it appears in, "
         "and its title.", _EXAMPLES["charts"])
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point. Exit 0: every file ok, partial or skipped; 1: some file failed; 2:
    usage. ``reportkit`` alone prints the help."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "ingest":
        return _ingest(args)
    if args.command == "brief":
        return _brief(args)
    if args.command == "export":
        return _export(args)
    if args.command == "charts":
        print(_chart_list())
        return 0
    from reportkit.run import RunOptions, run

    return run(args.config, RunOptions(agencies=args.agencies, years=args.years,
                                       level=args.level, lang=args.lang, raw=args.raw,
                                       out=args.out, ignore=tuple(args.ignore),
                                       quiet=args.quiet, workbook=not args.no_workbook))


def warn(message: str) -> None:
    """A warning for the user, one line on stderr."""
    print(f"reportkit: warning: {message}", file=sys.stderr)


def _ingest(args: argparse.Namespace) -> int:
    try:
        corpus = ingest_paths(args.paths, args.out, max_size_mb=args.max_size_mb,
                              progress=not args.quiet, jobs=args.jobs,
                              cache=not args.no_cache, force=args.force,
                              limits=Limits(args.max_memory_mb, args.timeout), warn=warn,
                              ignore=tuple(args.ignore), long_csv=args.long_csv)
    except UsageError as exc:
        print(f"reportkit ingest: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output folder: not writable, disk full, …
        print(f"reportkit ingest: {environment_error(exc, args.out)}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(summary(corpus), file=sys.stderr)
        print(f"wrote {safe_name(args.out)}/values.parquet, reports.parquet, checks.parquet "
              "(+ .csv; values.csv: one row per report; checks.csv: the checks not passed"
              + ("; values_long.csv, checks_long.csv: every cell, every check)"
                 if args.long_csv else ")"),
              file=sys.stderr)
    return 1 if n_failed(corpus) else 0


def _export(args: argparse.Namespace) -> int:
    """``reportkit export``: the workbook and/or the long CSVs. Exit 0 when written, 2 when
    nothing was asked for or the folder holds no corpus."""
    from reportkit.corpus.outdir import OutputError, locked
    from reportkit.corpus.store import write_long_csvs
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
                for path in write_long_csvs(args.processed):
                    print(f"reportkit export: wrote {path}")
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
        for key in ("charts", "agencies", "years", "level"):
            given = _split(getattr(args, key, None))
            if given is not None:
                brief[key] = given
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
