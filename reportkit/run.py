"""``reportkit run [--config FILE] [--agencies …] [--years …] [--level …] [--lang …]``:
ingest the raw reports, then execute every notebook, then write the briefing.

1. ``reportkit ingest`` of the raw folder into the processed folder (Parquet + CSV);
2. every notebook executed by papermill with the ``python3`` kernel of this interpreter,
   two at a time on a machine of two cores or more (config ``parallel``), its parameters
   injected (``processed_dir``, ``output_dir`` and the ones the
   config gives), into ``outputs/notebooks/``; the notebooks write their charts into
   ``outputs/figures/``;
3. a summary of where everything is.

Exit code: 0 when every notebook ran and every input file was read (ok or partial; files
that are plainly no report, such as pictures, are ``skipped``); 1 when a notebook failed (the
message names it and the cell) or an input file failed (the other files are still used);
2 for a config or a selection that cannot be used. The last line says why, when not 0.

A selection (:class:`RunOptions`: agencies, years, level; from the command line or the
config's ``parameters``) is checked against the corpus before any notebook runs, and a
filtered run writes into its own folder, ``outputs/<selection>/`` (e.g.
``outputs/密云区_2021/figures``, ``…/notebooks``, ``…/briefing.docx``), never over the
all-agency outputs.

Without ``--config`` the defaults (:data:`reportkit.config.DEFAULTS`) apply, with paths
relative to the project root (:func:`reportkit.config.project_root`). A config file holds any
of these keys (see ``configs/example.yml``); relative paths in it are read from
``base_dir`` (itself relative to the config file's folder), else from the current folder::

    base_dir: ..                # optional
    inputs:
      raw: data/raw             # folder(s) or files of reports; a list is fine
      processed: data/processed
    outputs:
      notebooks: outputs/notebooks
      figures: outputs/figures
    ingest: true                # false: use the processed folder as it is
    kernel: python3
    cell_timeout: 600           # seconds per cell
    parallel: 2                 # notebooks executed at once (default: one a core, at most 2)
    parameters: {lang: zh, dpi: 300, formats: [png, svg, pdf], years: null, agencies: null}
    notebooks:                  # default: every notebooks/*.ipynb in name order
      - notebooks/01_outcomes.ipynb
      - path: notebooks/02_review_litigation.ipynb
        parameters: {lang: en}
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportkit.analysis.selection import Selection, SelectionError
from reportkit.config import DEFAULTS, MANAGED_PARAMETERS, ConfigError, read_config
from reportkit.corpus.ingest import (
    UsageError,
    environment_error,
    ingest_paths,
    n_failed,
    summary,
)
from reportkit.corpus.store import load

#: Where a run's outputs go unless the config names other folders.
OUTPUTS = "outputs"
#: Notebooks executed at once by default, at most (each is a kernel of its own; on a laptop
#: two share the cores without one waiting for the other's disk).
MAX_PARALLEL = 2


@dataclass
class RunOptions:
    """What the command line adds to (and overrides in) the config: the selection
    (``agencies``, ``years``, ``level``, as :meth:`Selection.of` reads them), ``lang``,
    ``raw`` (input folders or files), ``out`` (the outputs folder, default ``outputs``),
    ``ignore`` (glob patterns of input files to leave out), ``quiet`` (no progress),
    ``workbook`` (write ``reportkit.xlsx`` beside the figures; False: leave it as it is)."""

    agencies: object = None
    years: object = None
    level: object = None
    lang: str | None = None
    raw: list[str] | None = None
    out: str | None = None
    ignore: tuple[str, ...] = ()
    quiet: bool = False
    workbook: bool = True


def apply_options(config: dict[str, Any], options: RunOptions) -> tuple[dict[str, Any], str]:
    """``config`` with the command line's options in it, and the selection's folder name
    (``""`` for an unfiltered run). Paths given on the command line are read from the
    current folder; a filtered run's outputs go to ``<out>/<selection>/`` unless the config
    names its own output folders. Raises :class:`SelectionError` for a year or level that
    is not one."""
    config = copy.deepcopy(config)
    params = dict(config.get("parameters") or {})
    for key in ("agencies", "years", "level", "lang"):
        value = getattr(options, key)
        if value not in (None, "", [], ()):
            params[key] = value
    selection = Selection.of(params.get("agencies"), params.get("years"), params.get("level"))
    params.update({k: v for k, v in selection.parameters().items() if v is not None})
    config["parameters"] = params
    if options.raw:
        config["inputs"]["raw"] = [str(Path(p).resolve()) for p in options.raw]
    slug = "_".join(p for p in (selection.slug(), "en" if params.get("lang") == "en" else "")
                    if p)
    root = Path(options.out).resolve() if options.out else Path(OUTPUTS)
    if options.out or slug:
        folder = root / slug if slug else root
        if config["outputs"] == DEFAULTS["outputs"]:
            config["outputs"] = {"notebooks": str(folder / "notebooks"),
                                 "figures": str(folder / "figures")}
        brief = config.get("brief")
        if brief is not False and not (isinstance(brief, dict) and brief.get("output")):
            config["brief"] = {**(brief or {}), "output": str(folder / "briefing.docx")}
    return config, slug


@dataclass
class NotebookJob:
    """One notebook to execute: source, executed copy, parameters."""

    source: Path
    output: Path
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """Everything a run does, resolved from the config."""

    raw: list[Path]
    processed: Path
    notebooks_out: Path
    figures: Path
    ingest: bool
    kernel: str
    cell_timeout: int
    jobs: list[NotebookJob]
    parallel: int = 1


def plan(config: dict[str, Any], base: Path) -> Plan:
    """Resolve paths and notebooks; check the parameters."""
    def resolve(p: str | Path) -> Path:
        return (base / Path(p).expanduser()).resolve()

    raw = config["inputs"]["raw"]
    raw_paths = [resolve(p) for p in (raw if isinstance(raw, list) else [raw])]
    processed = resolve(config["inputs"]["processed"])
    notebooks_out = resolve(config["outputs"]["notebooks"])
    figures = resolve(config["outputs"]["figures"])
    shared = config["parameters"] or {}
    if not isinstance(shared, dict):
        raise ConfigError("'parameters' must be a mapping of names to values")
    entries = config["notebooks"]
    if entries is None:
        folder = resolve(config["notebooks_dir"])
        entries = [str(p) for p in sorted(folder.glob("*.ipynb"))]
        if not entries:
            raise ConfigError(f"{folder}: no notebooks (*.ipynb) to run")
    jobs = []
    for entry in entries:
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict) or "path" not in entry:
            raise ConfigError(f"notebook entry {entry!r}: give a path, or path + parameters")
        unknown = set(entry) - {"path", "parameters"}
        if unknown:
            raise ConfigError(f"notebook entry {entry['path']}: unknown keys {sorted(unknown)}")
        source = resolve(entry["path"])
        if not source.is_file():
            raise ConfigError(f"{source}: no such notebook")
        params = {**shared, **(entry.get("parameters") or {})}
        managed = [k for k in MANAGED_PARAMETERS if k in params]
        if managed:
            raise ConfigError(f"{source.name}: {managed} come from inputs/outputs, "
                              "not from parameters")
        params.update(processed_dir=str(processed), output_dir=str(figures),
                      raw_dir=str(raw_paths[0]))
        jobs.append(NotebookJob(source, notebooks_out / source.name, params))
    return Plan(raw_paths, processed, notebooks_out, figures, bool(config["ingest"]),
                str(config["kernel"]), int(config["cell_timeout"]), jobs,
                _parallel(config.get("parallel"), len(jobs) + 1))  # and the briefing


def _parallel(asked: object, n_jobs: int) -> int:
    """How many notebooks (or the briefing) run at once: ``asked`` (a positive whole
    number) or one a core, at most :data:`MAX_PARALLEL`; never more than the ``n_jobs``
    there are."""
    if asked is None:
        asked = min(os.cpu_count() or 1, MAX_PARALLEL)
    if isinstance(asked, bool) or not isinstance(asked, int) or asked < 1:
        raise ConfigError(f"'parallel' must be a whole number of notebooks, 1 or more, "
                          f"not {asked!r}")
    return max(1, min(asked, n_jobs))


def _warn(message: str) -> None:
    print(f"reportkit run: warning: {message}", file=sys.stderr)


def check_selections(steps: Plan) -> str | None:
    """Why a notebook's selection (``agencies``, ``years``, ``level``) cannot be met (a
    name, year or level no readable report holds, with the closest names), or None:
    checked before any notebook runs."""
    try:
        reports = load(steps.processed).reports
    except (OSError, ValueError) as exc:
        return str(exc)
    asked: dict[Selection, list[str]] = {}
    for job in steps.jobs:
        p = job.parameters
        try:
            selection = Selection.of(p.get("agencies"), p.get("years"), p.get("level"))
        except SelectionError as exc:
            return f"{job.source.name}: {exc}"
        asked.setdefault(selection, []).append(job.source.name)
    for selection, notebooks in asked.items():
        try:
            selection.check(reports)
        except SelectionError as exc:
            return str(exc) if len(asked) == 1 else f"{', '.join(notebooks)}: {exc}"
    return None


def check_kernel(kernel: str) -> str | None:
    """A warning if ``kernel`` would not start this interpreter (papermill would then run
    the notebooks with another Python that may lack reportkit), else None."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec(kernel)
    except Exception as exc:  # no such kernel: papermill reports it too
        return f"kernel {kernel!r} not found ({exc}): `pip install ipykernel` in this env"
    exe = spec.argv[0] if spec.argv else ""
    if exe in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        return None  # jupyter_client starts these with sys.executable
    if Path(exe).resolve() == Path(sys.executable).resolve():
        return None
    return (f"kernel {kernel!r} starts {exe}, not {sys.executable}: the notebooks may run "
            "without reportkit; remove that kernelspec or set `kernel:` in the config")


def _failed_cell(output: Path) -> tuple[int | None, int | None, str]:
    """Index, execution count and first source line of the cell papermill marked failed."""
    try:
        import nbformat

        nb = nbformat.read(output, as_version=4)
    except Exception:
        return None, None, ""
    added = {"injected-parameters", "papermill-error-cell-tag"}  # cells papermill inserts
    index = 0
    for cell in nb.cells:
        if added & set(cell.get("metadata", {}).get("tags", [])):
            continue
        index += 1
        if cell.get("metadata", {}).get("papermill", {}).get("exception"):
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return index, cell.get("execution_count"), first.strip()
    return None, None, ""


def execute(job: NotebookJob, kernel: str, cell_timeout: int, progress: bool = False
            ) -> str | None:
    """Run one notebook with papermill (``progress``: a bar over its cells on stderr); None
    if it ran, else a message naming the cell."""
    import papermill as pm

    job.output.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(str(job.source), str(job.output), parameters=job.parameters,
                            kernel_name=kernel, cwd=str(job.source.parent),
                            progress_bar=_bar(job) if progress else False,
                            execution_timeout=cell_timeout,
                            request_save_on_cell_execute=True,
                            # the kernel's own log: errors only (not its TCP notice)
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except Exception as exc:
        index, count, line = _failed_cell(job.output)
        what = getattr(exc, "ename", type(exc).__name__)
        detail = getattr(exc, "evalue", str(exc)).strip().splitlines()
        where = (f"cell {index} (In [{count}]: {line})" if index is not None
                 else "before any cell finished")
        return (f"notebook {job.source.name} failed in {where}: {what}: "
                f"{detail[0] if detail else ''}\n    traceback in {job.output}")
    return None


def _execute_all(steps: Plan, progress: bool, alongside: Callable[[], int]
                 ) -> tuple[list[str | None], int]:
    """Execute every notebook of ``steps``, :attr:`Plan.parallel` at once (each in a kernel
    of its own; with more than one, a line as each ends instead of the per-cell bars), and
    ``alongside()`` (the briefing) in the same pool: after them when one runs at a time,
    else first (it draws every topic's charts, so it is the longest job: started first,
    the notebooks share the other worker and no long job is left to run alone at the end).
    Returns each notebook's failure message (None: it ran), in the plan's order, and what
    ``alongside`` returned."""
    def one(job: NotebookJob) -> str | None:
        message = execute(job, steps.kernel, steps.cell_timeout,
                          progress=progress and steps.parallel == 1)
        if message:
            print(f"reportkit run: {message}", file=sys.stderr, flush=True)
        elif progress and steps.parallel > 1:
            print(f"reportkit run: {job.source.name} ran", file=sys.stderr, flush=True)
        return message

    if steps.parallel == 1:
        messages = [one(job) for job in steps.jobs]
        return messages, alongside()
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(steps.parallel, thread_name_prefix="reportkit-notebook")
    try:
        extra = pool.submit(alongside)
        futures = [pool.submit(one, job) for job in steps.jobs]
        return [f.result() for f in futures], extra.result()
    finally:  # at Ctrl-C: nothing not yet started starts
        pool.shutdown(wait=True, cancel_futures=True)


def _bar(job: NotebookJob) -> dict[str, Any]:
    """papermill's progress bar (tqdm keywords) for one notebook."""
    return {"desc": f"reportkit run: {job.source.stem}", "unit": "cell", "leave": False,
            "file": sys.stderr}


def _exit(code: int, why: list[str]) -> int:
    """Print the one line saying why the run exits with ``code`` (nothing for 0)."""
    if code:
        print(f"reportkit run: exit {code}: {'; '.join(why)}", file=sys.stderr)
    return code


def run(config_path: str | None = None, options: RunOptions | None = None) -> int:
    """Ingest, then execute every notebook, then write the briefing; print where the
    outputs are. See the module docstring for the exit codes."""
    options = options or RunOptions()
    try:
        config, base = read_config(config_path)
        config, slug = apply_options(config, options)
        steps = plan(config, base)
    except (ConfigError, SelectionError) as exc:
        print(f"reportkit run: {exc}", file=sys.stderr)
        return _exit(2, ["the config or the selection cannot be used (see above)"])
    why: list[str] = []
    if steps.ingest:
        try:
            corpus = ingest_paths(steps.raw, steps.processed, warn=_warn,
                                  progress=not options.quiet, ignore=options.ignore)
        except UsageError as exc:
            print(f"reportkit run: {exc}", file=sys.stderr)
            return _exit(2, ["the inputs or the processed folder cannot be used"])
        except OSError as exc:
            print(f"reportkit run: {environment_error(exc, str(steps.processed))}",
                  file=sys.stderr)
            return _exit(2, ["the processed folder cannot be written"])
        print(summary(corpus), file=sys.stderr)
        failed = n_failed(corpus)
        if failed:
            why.append(f"{failed} input file{'s' if failed > 1 else ''} could not be read "
                       "(listed above as failed; the other files were used)")
    problem = check_selections(steps)
    if problem:
        print(f"reportkit run: {problem}", file=sys.stderr)
        return _exit(2, ["the selection matches no report (closest names above)"])
    book = None if slug or not options.workbook else WorkbookJob.start(steps.processed,
                                               steps.figures.parent / "reportkit.xlsx")
    if slug:  # the workbook is the whole corpus's: an unfiltered run writes it
        print("reportkit run: the workbook (the whole corpus) is not rewritten for a "
              "selection: `reportkit run` alone or `reportkit export --xlsx FILE` writes it",
              file=sys.stderr)
    try:
        _notebooks_and_briefing(steps, options, config, base, slug, why)
    except BaseException:
        if book is not None:
            book.cancel()
        raise
    if book is not None and not book.finish():
        why.append("the workbook was not written (see above)")
    return _exit(1 if why else 0, why)


def _notebooks_and_briefing(steps: Plan, options: RunOptions, config: dict[str, Any],
                            base: Path, slug: str, why: list[str]) -> None:
    """Execute every notebook, print where the outputs are, write the briefing; what went
    wrong is added to ``why``."""
    warning = check_kernel(steps.kernel)
    if warning:
        print(f"reportkit run: warning: {warning}", file=sys.stderr)
    from reportkit.charts import fonts

    fonts.font_path()  # the one-time font conversion happens here, not inside a notebook
    from reportkit.brief import build_for_run  # issue 6: outputs/briefing.docx

    said: list[tuple[str, bool]] = []  # the briefing's lines, printed after the summary

    def briefing() -> int:
        return build_for_run(config, base, steps.processed,
                             say=lambda line, err: said.append((line, err)))

    messages, brief_code = _execute_all(steps, not options.quiet, briefing)
    failures = [m for m in messages if m]
    figures = sorted(p for p in steps.figures.glob("*") if p.is_file()) \
        if steps.figures.is_dir() else []
    kinds = sorted({p.suffix.lstrip(".").upper() for p in figures})
    print(f"reportkit run: {len(steps.jobs) - len(failures)} of {len(steps.jobs)} notebooks "
          "ran" + (f", {len(failures)} failed" if failures else "")
          + (f" (selection: {slug})" if slug else ""))
    print(f"  data:      {steps.processed}")
    print(f"  notebooks: {steps.notebooks_out}")
    print(f"  figures:   {steps.figures} ({len(figures)} files: {', '.join(kinds) or 'none'})")
    for message in failures:
        print(f"  FAILED: {message}")
    if failures:
        why.append(f"{len(failures)} notebook{'s' if len(failures) > 1 else ''} failed "
                   "(named above)")
    for line, to_stderr in said:
        print(line, file=sys.stderr if to_stderr else sys.stdout)
    if brief_code:
        why.append("the briefing was not written (see above)")


@dataclass
class WorkbookJob:
    """``reportkit export --xlsx`` of the processed folder, in a process of its own while
    the notebooks run (at 100,000 reports it takes minutes of one core); not started when
    the workbook is newer than the data it is made of."""

    path: Path
    process: subprocess.Popen | None = None
    log: Any = None

    @classmethod
    def start(cls, processed: Path, path: Path) -> WorkbookJob:
        """Start writing ``path`` from ``processed`` (or say it is up to date)."""
        from reportkit.corpus.workbook import up_to_date

        job = cls(path)
        if up_to_date(processed, path):
            print(f"reportkit run: {path} is up to date (the data did not change)",
                  file=sys.stderr)
            return job
        job.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        job.process = subprocess.Popen(
            [sys.executable, "-m", "reportkit.cli", "export", "--xlsx", str(path),
             "--processed", str(processed)], stdout=job.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        return job

    def finish(self) -> bool:
        """Wait for the workbook; print what its writer said. False when not written."""
        if self.process is None:
            return True
        code = self.process.wait()
        self.log.seek(0)
        said = [line.rstrip() for line in self.log if line.strip()]
        self.log.close()
        if code == 0:
            print(f"reportkit run: wrote {self.path} (the whole processed corpus, one row "
                  "per report)", file=sys.stderr)
            return True
        for line in said:
            print(f"reportkit run: workbook not written: {line}", file=sys.stderr)
        return False

    def cancel(self) -> None:
        """Stop the workbook's writer (the run was interrupted): as at Ctrl-C, it removes
        its temporary and leaves the workbook as it was."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
