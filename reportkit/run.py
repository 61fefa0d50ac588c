"""``reportkit run [--config FILE]``: ingest the raw reports, then execute every notebook.

1. ``reportkit ingest`` of the raw folder into the processed folder (Parquet + CSV);
2. every notebook, in order, executed by papermill with the ``python3`` kernel of this
   interpreter, its parameters injected (``processed_dir``, ``output_dir`` and the ones the
   config gives), into ``outputs/notebooks/``; the notebooks write their charts into
   ``outputs/figures/``;
3. a summary of where everything is.

Exit code: 0 when every notebook ran and every input file was read (ok or partial); 1 when
a notebook failed (the message names it and the cell) or an input file failed (the other
files are still used); 2 for a config that cannot be used.

Without ``--config`` the defaults (:data:`reportkit.config.DEFAULTS`) apply, with paths
relative to the current folder (the project root for ``make run``). A config file holds any
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
    parameters: {lang: zh, dpi: 300, formats: [png, svg, pdf], years: null, agencies: null}
    notebooks:                  # default: every notebooks/*.ipynb in name order
      - notebooks/01_outcomes.ipynb
      - path: notebooks/02_review_litigation.ipynb
        parameters: {lang: en}
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportkit.config import MANAGED_PARAMETERS, ConfigError, read_config
from reportkit.corpus.ingest import UsageError, environment_error, ingest_paths, summary
from reportkit.corpus.store import load


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
                str(config["kernel"]), int(config["cell_timeout"]), jobs)


def _warn(message: str) -> None:
    print(f"reportkit run: warning: {message}", file=sys.stderr)


def check_selections(steps: Plan) -> str | None:
    """Why a notebook's selection (``years``, ``agencies``) would match no report, or
    None: checked before any notebook runs."""
    from reportkit.analysis import SelectionError, check_selection

    try:
        reports = load(steps.processed).reports
    except (OSError, ValueError) as exc:
        return str(exc)
    for job in steps.jobs:
        years, agencies = job.parameters.get("years"), job.parameters.get("agencies")
        try:
            check_selection(reports, years, agencies, statuses=None)  # any file at all
        except SelectionError as exc:
            return f"{job.source.name}: {exc}"
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


def execute(job: NotebookJob, kernel: str, cell_timeout: int) -> str | None:
    """Run one notebook with papermill; None if it ran, else a message naming the cell."""
    import papermill as pm

    job.output.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(str(job.source), str(job.output), parameters=job.parameters,
                            kernel_name=kernel, cwd=str(job.source.parent),
                            progress_bar=False, execution_timeout=cell_timeout,
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


def run(config_path: str | None = None) -> int:
    """Ingest, then execute every notebook; print where the outputs are. See the module
    docstring for the exit codes."""
    try:
        config, base = read_config(config_path)
        steps = plan(config, base)
    except ConfigError as exc:
        print(f"reportkit run: {exc}", file=sys.stderr)
        return 2
    code = 0
    if steps.ingest:
        try:
            corpus = ingest_paths(steps.raw, steps.processed, warn=_warn)
        except UsageError as exc:
            print(f"reportkit run: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"reportkit run: {environment_error(exc, str(steps.processed))}",
                  file=sys.stderr)
            return 2
        print(summary(corpus), file=sys.stderr)
        if (corpus.reports["status"] == "failed").any():
            code = 1
    problem = check_selections(steps)
    if problem:
        print(f"reportkit run: {problem}", file=sys.stderr)
        return 2
    from reportkit.corpus.workbook import write_workbook  # issue 12: the corpus for Excel

    book = write_workbook(steps.processed, (base / config["outputs"]["workbook"]).resolve())
    print(f"reportkit run: wrote {book} (one row per report)", file=sys.stderr)
    warning = check_kernel(steps.kernel)
    if warning:
        print(f"reportkit run: warning: {warning}", file=sys.stderr)
    from reportkit.charts import fonts

    fonts.font_path()  # the one-time font conversion happens here, not inside a notebook
    failures = []
    for job in steps.jobs:
        print(f"reportkit run: executing {job.source.name} …", file=sys.stderr, flush=True)
        message = execute(job, steps.kernel, steps.cell_timeout)
        if message:
            failures.append(message)
            print(f"reportkit run: {message}", file=sys.stderr, flush=True)
    figures = sorted(p for p in steps.figures.glob("*") if p.is_file()) \
        if steps.figures.is_dir() else []
    kinds = sorted({p.suffix.lstrip(".").upper() for p in figures})
    print(f"reportkit run: {len(steps.jobs) - len(failures)} of {len(steps.jobs)} notebooks "
          "ran" + (f", {len(failures)} failed" if failures else ""))
    print(f"  data:      {steps.processed}")
    print(f"  notebooks: {steps.notebooks_out}")
    print(f"  figures:   {steps.figures} ({len(figures)} files: {', '.join(kinds) or 'none'})")
    for message in failures:
        print(f"  FAILED: {message}")
    from reportkit.brief import build_for_run  # issue 6: outputs/briefing.docx, last

    code = build_for_run(config, base, steps.processed) or code
    return 1 if failures else code
