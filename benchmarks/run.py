"""The scale benchmark: ``python benchmarks/run.py`` (see benchmarks/README.md).

Generates (once) 10,000 synthetic text reports and 10,000 web pages, then measures, each
as the command a user types, in a fresh process:

* a clean ``reportkit ingest`` of each corpus (reports/s end to end, peak memory), and that
  every report is ok and every identity holds;
* the same command again on the unchanged folder (the cache: nothing parsed or written);
* ``reportkit run`` of the notebooks on the 10,000 text reports (no ingest step);
* our full HTML parse (tables, keys, checks) against bare ``pandas.read_html`` on the same
  pages, in one process.

Peak memory is the largest sum, over the command's process tree (the CLI and its
workers), of each process's proportional set size (PSS, shared pages split between the
processes sharing them), sampled every 20 ms from /proc; the largest single process's
maximum RSS is given too.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


# --- measuring a command ----------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """The children of ``pid``: from ``/proc/PID/task/*/children`` (cheap), else by
    scanning every process's parent."""
    try:
        kids: list[int] = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", "rb") as fh:
                kids.extend(int(k) for k in fh.read().split())
        return kids
    except FileNotFoundError:
        if os.path.exists(f"/proc/{pid}"):
            return _children_by_scan(pid)
        return []
    except OSError:
        return []


def _children_by_scan(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the ppid is the 2nd field after the ")" that closes the command name
        fields = stat[stat.rfind(b")") + 2:].split()
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the total PSS of a process and its descendants until stopped (every 0.1 s:
    the sampling itself should not take a share of the 2 cores it measures)."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb = pid, every, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids, todo = [], [self.pid]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo.extend(_children(p))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))
            self.done.wait(self.every)


def measure(cmd: list[str], cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``cmd``; wall time, peak tree PSS, largest process max RSS, CPU, exit code."""
    load = os.getloadavg()[0]
    with open(os.devnull, "rb") as stdin, _temp() as out, _temp() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=stdin, stdout=out, stderr=err)
        monitor = TreeMemory(proc.pid)
        monitor.start()
        _, status, usage = os.wait4(proc.pid, 0)  # this command's own rusage
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        monitor.done.set()
        monitor.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    return {"cmd": " ".join(cmd), "seconds": round(wall, 2), "exit": proc.returncode,
            "peak_pss_mb": round(monitor.peak_kb / 1024),
            "max_rss_mb": round(usage.ru_maxrss / 1024),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "load_before": round(load, 2), "stdout": stdout[-2000:], "stderr": stderr[-2000:]}


def _temp() -> Any:
    import tempfile

    return tempfile.TemporaryFile()


# --- the steps --------------------------------------------------------------------------------


def generate(folder: Path, n: int, layouts: str, seed: int) -> None:
    """Write the corpus unless a complete one (same n, layouts, seed) is there."""
    stamp = folder / ".generated.json"
    want = {"n": n, "layouts": layouts, "seed": seed}
    if stamp.is_file() and json.loads(stamp.read_text()) == want:
        return
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(folder),
                    "-n", str(n), "--layouts", layouts, "--seed", str(seed)], check=True)
    old = time.time() - 3600  # as if downloaded an hour ago (see reportkit.corpus.cache)
    for f in folder.iterdir():
        os.utime(f, (old, old))
    stamp.write_text(json.dumps(want))


def verify(out: Path) -> dict[str, Any]:
    """Statuses and identity checks of an ingest's outputs."""
    import pandas as pd

    reports = pd.read_parquet(out / "reports.parquet")
    checks = pd.read_parquet(out / "checks.parquet", columns=["check", "status"])
    return {"reports": len(reports),
            "status": reports["status"].value_counts().to_dict(),
            "checks": len(checks), "checks_failed": int((checks["status"] == "failed").sum()),
            "checks_missing": int((checks["status"] == "missing").sum()),
            "cross_year_checks": int((checks["check"] == "carried_across_years").sum())}


def ingest_twice(corpus: Path, out: Path, jobs: int | None,
                 extra: Path | None = None) -> dict[str, Any]:
    """A clean ingest, then the same command on the unchanged folder; then with a folder
    of ``extra`` reports added (only those are parsed, everything is written again)."""
    shutil.rmtree(out, ignore_errors=True)
    opts = ["--out", str(out), "--quiet"] + (["--jobs", str(jobs)] if jobs else [])
    cmd = [sys.executable, "-m", "reportkit.cli", "ingest", str(corpus), *opts]
    clean = measure(cmd)
    result = {"clean": clean, "verify": verify(out)}
    result["rerun"] = measure(cmd)
    if extra is not None:
        result["added"] = measure([sys.executable, "-m", "reportkit.cli", "ingest", str(corpus),
                                   str(extra), *opts])
        result["added"]["files"] = sum(1 for f in extra.iterdir() if f.suffix in (".txt",
                                                                                  ".html"))
        subprocess.run(cmd, check=True)  # back to the corpus alone (from the cache)
    return result


def html_vs_read_html(corpus: Path, sample: int) -> dict[str, Any]:
    """CPU time per page, one process: our parse (read, tables, keys, checks) against
    ``pandas.read_html`` alone, on the same pages (best of three alternating passes)."""
    import pandas as pd

    from reportkit.extract.parse import parse_bytes

    files = sorted(corpus.glob("*.html"))[:sample]
    pages = [f.read_bytes() for f in files]

    def ours() -> None:
        for data in pages:
            parse_bytes(data, "page.html")

    def theirs() -> None:
        for data in pages:
            pd.read_html(io.BytesIO(data), flavor="lxml")

    runs = {"reportkit": ours, "read_html": theirs}
    best = dict.fromkeys(runs, float("inf"))
    for fn in runs.values():
        fn()  # warm (imports, caches)
    for _ in range(3):  # alternate, so both see the same load on a shared machine
        for name, fn in runs.items():
            t = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t)
    times = {name: b / len(pages) * 1000 for name, b in best.items()}
    return {"pages": len(pages), "reportkit_ms": round(times["reportkit"], 3),
            "read_html_ms": round(times["read_html"], 3),
            "ratio": round(times["reportkit"] / times["read_html"], 3)}


REAL = ROOT.parent / "shared" / "real"
BARE_PDFPLUMBER = """
import sys, pathlib, pdfplumber
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.pdf")):
    with pdfplumber.open(f) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()
"""


#: In one process, CPU time: reportkit's parse of each PDF against bare pdfplumber on the same
#: bytes, in alternating passes (best of each), so both see the same load.
PDF_IN_PROCESS = """
import io, json, sys, time, pathlib, pdfplumber
from reportkit.extract.parse import parse_bytes
files = [(f.name, f.read_bytes()) for f in sorted(pathlib.Path(sys.argv[1]).glob("*.pdf"))]
def ours():
    for name, data in files:
        assert parse_bytes(data, name).status == "ok", name
def bare():
    for _, data in files:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.extract_text()
best = {"reportkit": float("inf"), "pdfplumber": float("inf")}
ours()  # warm: imports, CMaps
for _ in range(int(sys.argv[2])):
    for name, fn in (("reportkit", ours), ("pdfplumber", bare)):
        t = time.process_time()
        fn()
        best[name] = min(best[name], time.process_time() - t)
print(json.dumps(best))
"""


def pdf_corpus(folder: Path, n: int) -> int:
    """``n`` PDFs: the real ones in ../shared/real/ and the seeds rendered by
    tests/formats.py, in turn; each copy gets a distinct trailing comment after %%EOF (so
    no copy is a duplicate of another). Returns how many are real."""
    sys.path.insert(0, str(ROOT / "tests"))
    from formats import SEEDS, seed_document, to_pdf

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    real = sorted(REAL.glob("*.pdf"))
    sources = [(p.stem, p.read_bytes()) for p in real]
    sources += [(p.stem, to_pdf(seed_document(p))) for p in SEEDS]
    for i in range(n):
        stem, data = sources[i % len(sources)]
        (folder / f"{i:03d}_{stem}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
    return sum(1 for i in range(n) if i % len(sources) < len(real))


def pdf_vs_pdfplumber(work: Path, n: int) -> dict[str, Any]:
    """``reportkit ingest`` of the PDF corpus (one worker, and the default pool) against
    bare pdfplumber (every page: ``extract_tables`` and ``extract_text``) in one process."""
    corpus, out = work / "pdf", work / "out-pdf"
    real = pdf_corpus(corpus, n)
    cmd = [sys.executable, "-m", "reportkit.cli", "ingest", str(corpus), "--out", str(out),
           "--quiet", "--no-cache"]
    shutil.rmtree(out, ignore_errors=True)
    one = measure([*cmd, "--jobs", "1"])
    result = {"files": n, "real": real, "ingest_jobs1": one, "verify": verify(out)}
    shutil.rmtree(out, ignore_errors=True)
    result["ingest"] = measure(cmd)
    result["pdfplumber"] = measure([sys.executable, "-c", BARE_PDFPLUMBER, str(corpus)])
    result["ratio"] = round(one["seconds"] / result["pdfplumber"]["seconds"], 3)
    result["cpu_ratio"] = round(one["cpu_seconds"] / result["pdfplumber"]["cpu_seconds"], 3)
    run = subprocess.run([sys.executable, "-c", PDF_IN_PROCESS, str(corpus), "2"], cwd=ROOT,
                         check=True, capture_output=True, text=True)
    best = json.loads(run.stdout)
    result["in_process"] = {k: round(v, 3) for k, v in best.items()}
    result["in_process"]["ratio"] = round(best["reportkit"] / best["pdfplumber"], 3)
    return result


def docx_ingest(work: Path, n: int) -> dict[str, Any]:
    """``reportkit ingest`` of ``n`` .docx files: the seeds rendered by tests/formats.py."""
    sys.path.insert(0, str(ROOT / "tests"))
    from formats import SEEDS, seed_document, to_docx

    corpus, out = work / "docx", work / "out-docx"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    docs = [(p.stem, seed_document(p)) for p in SEEDS]
    rendered = [(stem, to_docx(doc)) for stem, doc in docs]
    for i in range(n):
        stem, data = rendered[i % len(rendered)]
        (corpus / f"{i:04d}_{stem}.docx").write_bytes(_distinct_zip(data, i))
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "reportkit.cli", "ingest", str(corpus), "--out", str(out),
           "--quiet", "--no-cache"]
    return {"files": n, "ingest": measure(cmd), "verify": verify(out)}


def _distinct_zip(data: bytes, i: int) -> bytes:
    """The same archive with its own zip comment (so no copy is a duplicate)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.comment = f"copy {i}".encode()
    return buf.getvalue()


def notebooks(processed: Path, work: Path) -> dict[str, Any]:
    """``reportkit run`` of every notebook and the briefing on ``processed`` (no ingest
    step; the workbook, which an unfiltered run also writes, is measured on its own:
    :func:`workbook`)."""
    config = work / "bench-notebooks.yml"
    config.write_text(json.dumps({  # JSON is YAML
        "inputs": {"raw": str(processed), "processed": str(processed)},
        "outputs": {"notebooks": str(work / "nb-out" / "notebooks"),
                    "figures": str(work / "nb-out" / "figures")},
        "ingest": False, "notebooks_dir": str(ROOT / "notebooks")}), encoding="utf-8")
    shutil.rmtree(work / "nb-out", ignore_errors=True)
    return measure([sys.executable, "-m", "reportkit.cli", "run", "--config", str(config),
                    "--no-workbook"])


def workbook(processed: Path, work: Path) -> dict[str, Any]:
    """``reportkit export --xlsx`` of ``processed`` (what ``reportkit run`` writes beside
    the figures, in a process of its own, while the notebooks run)."""
    path = work / "workbook.xlsx"
    path.unlink(missing_ok=True)
    return measure([sys.executable, "-m", "reportkit.cli", "export", "--xlsx", str(path),
                    "--processed", str(processed)])


def curve(work: Path, sizes: list[int], steps: set[str], jobs: int | None,
          seed: int) -> dict[str, Any]:
    """The cost curve: at each size, a clean ``reportkit ingest`` of that many text reports
    (time, reports/s, memory) and, in ``steps``, ``reportkit run`` of the notebooks on its
    outputs. Each size has its own corpus (``text-N``) and outputs (``out-text-N``)."""
    points: dict[str, Any] = {}
    for n in sizes:
        corpus, out = work / f"text-{n}", work / f"out-text-{n}"
        generate(corpus, n, "cells,rows", seed)
        point: dict[str, Any] = {}
        if "ingest" in steps or not (out / "values.parquet").exists():
            shutil.rmtree(out, ignore_errors=True)
            cmd = [sys.executable, "-m", "reportkit.cli", "ingest", str(corpus), "--out",
                   str(out), "--quiet"] + (["--jobs", str(jobs)] if jobs else [])
            point["ingest"] = measure(cmd)
            point["verify"] = verify(out)
        if "notebooks" in steps:
            (work / f"curve-{n}").mkdir(exist_ok=True)
            point["notebooks"] = notebooks(out, work / f"curve-{n}")
        if "workbook" in steps:
            (work / f"curve-{n}").mkdir(exist_ok=True)
            point["workbook"] = workbook(out, work / f"curve-{n}")
        points[str(n)] = point
        print(json.dumps({n: _curve_row(n, point)}, ensure_ascii=False), flush=True)
    return points


def _curve_row(n: int, point: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"reports": n}
    for step in ("ingest", "notebooks", "workbook"):
        if step in point:
            m = point[step]
            row[step] = {"seconds": m["seconds"], "exit": m["exit"],
                         "max_rss_mb": m["max_rss_mb"], "peak_pss_mb": m["peak_pss_mb"],
                         "cpu_seconds": m["cpu_seconds"], "load_before": m["load_before"]}
            if step == "ingest":
                row[step]["reports_per_s"] = round(n / m["seconds"])
    return row


def curve_table(points: dict[str, Any]) -> str:
    """The README's cost-curve table from the results."""
    rows = ["| reports | ingest | reports/s | CPU s (all processes) | load before | ingest: "
            "largest process (max RSS) | ingest: tree PSS | notebooks | notebooks: largest "
            "process (max RSS) |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for n, point in points.items():
        row = _curve_row(int(n), point)
        ing, nb = row.get("ingest"), row.get("notebooks")
        rows.append(f"| {int(n):,} | " + (
            f"{ing['seconds']} s | **{ing['reports_per_s']:,}** | {ing['cpu_seconds']} | "
            f"{ing['load_before']} | **{ing['max_rss_mb']} MB** | {ing['peak_pss_mb']} MB"
            if ing else "— | — | — | — | — | —") + " | " + (
            f"{nb['seconds']} s (exit {nb['exit']}) | {nb['max_rss_mb']} MB" if nb else "— | —")
            + " |")
    return "\n".join(rows)


def machine() -> dict[str, Any]:
    import pandas as pd
    import pyarrow as pa

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": len(os.sched_getaffinity(0)), "cpu": model,
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(), "pandas": pd.__version__,
            "pyarrow": pa.__version__, "date": time.strftime("%Y-%m-%d %H:%M")}


def table(r: dict[str, Any], n: int) -> str:
    """The README's table from the results."""
    rows = ["| measure | result | target |", "| --- | --- | --- |"]
    for kind, target in (("text", 1000), ("html", 300)):
        if kind not in r:
            continue
        c, v = r[kind]["clean"], r[kind]["verify"]
        ok = v["status"].get("ok", 0)
        rows.append(f"| {kind}: clean ingest of {n:,} | {c['seconds']} s = "
                    f"**{n / c['seconds']:,.0f} reports/s** ({ok:,} ok, {v['checks_failed']} "
                    f"of {v['checks']:,} identity checks failed) | ≥ {target:,}/s |")
        rows.append(f"| {kind}: peak memory | {c['peak_pss_mb']} MB (process tree PSS); largest "
                    f"process {c['max_rss_mb']} MB RSS | ≤ 1 GB |")
        rows.append(f"| {kind}: re-run, folder unchanged | **{r[kind]['rerun']['seconds']} s** "
                    "| ≤ 2 s |")
        if "added" in r[kind]:
            a = r[kind]["added"]
            rows.append(f"| {kind}: re-run with {a['files']} new files added | {a['seconds']} s "
                        "(only those parsed; all outputs written again) | — |")
    if "ratio" in r:
        x = r["ratio"]
        rows.append(f"| HTML parse vs bare `pandas.read_html` ({x['pages']} pages, 1 core) | "
                    f"{x['reportkit_ms']} ms vs {x['read_html_ms']} ms per page = "
                    f"**{x['ratio']}×** | ≤ 1× |")
    if "pdf" in r:
        x = r["pdf"]
        one, bare = x["ingest_jobs1"], x["pdfplumber"]
        ok = x["verify"]["status"].get("ok", 0)
        rows.append(f"| pdf: `reportkit ingest --jobs 1` of {x['files']} PDFs ({x['real']} real) | "
                    f"{one['seconds']} s = {x['files'] / one['seconds']:.1f} reports/s ({ok} ok) "
                    "| — |")
        rows.append(f"| pdf: bare pdfplumber, same files (every page: tables + text) | "
                    f"{bare['seconds']} s = {x['files'] / bare['seconds']:.1f} files/s | — |")
        rows.append(f"| pdf: ingest time / pdfplumber time | **{x['ratio']}×** (CPU: "
                    f"{one['cpu_seconds']} s / {bare['cpu_seconds']} s = {x['cpu_ratio']}×) "
                    "| ≤ 0.25× |")
        if "in_process" in x:
            ip = x["in_process"]
            rows.append(f"| pdf: in one process, CPU, best of 2: `parse_bytes` vs bare pdfplumber "
                        f"| {ip['reportkit']} s vs {ip['pdfplumber']} s = **{ip['ratio']}×** "
                        "| ≤ 0.25× |")
        rows.append(f"| pdf: `reportkit ingest` (default pool) | {x['ingest']['seconds']} s = "
                    f"{x['files'] / x['ingest']['seconds']:.1f} reports/s | — |")
    if "docx" in r:
        x = r["docx"]
        ok = x["verify"]["status"].get("ok", 0)
        rows.append(f"| docx: `reportkit ingest` of {x['files']} .docx | "
                    f"{x['ingest']['seconds']} s "
                    f"= {x['files'] / x['ingest']['seconds']:.0f} reports/s ({ok} ok) | — |")
    if "notebooks" in r:
        nb = r["notebooks"]
        target = "≤ 60 s" if n <= 10_000 else "≤ 120 s, ≤ 2 GB"
        rows.append(f"| notebooks on {n:,} text reports (`reportkit run`, no ingest) | "
                    f"**{nb['seconds']} s** (exit {nb['exit']}); largest process "
                    f"{nb['max_rss_mb']:,} MB RSS, tree {nb['peak_pss_mb']:,} MB PSS | "
                    f"{target} |")
    return "\n".join(rows)


def main() -> int:
    """Entry point: prints the table, writes ``results.json`` into the work folder."""
    p = argparse.ArgumentParser(description="reportkit scale benchmark")
    p.add_argument("--dir", default="/tmp/reportkit-bench", help="work folder (corpora, outputs)")
    p.add_argument("-n", type=int, default=10_000, help="reports per corpus (default 10000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=None, help="passed to reportkit ingest --jobs")
    p.add_argument("--only", default=None,
                   help="comma-separated subset of text,html,ratio,notebooks,pdf,docx,curve "
                        "(default text,html,ratio,notebooks; curve alone with --sizes)")
    p.add_argument("--sizes", default=None,
                   help="the cost curve's sizes, comma-separated (default 10000,50000,100000;"
                        " giving them runs the curve)")
    p.add_argument("--curve-steps", default="ingest,notebooks",
                   help="what the curve measures at each size: ingest, notebooks, workbook "
                        "(comma-separated)")
    p.add_argument("--ratio-sample", type=int, default=1000, help="pages for the read_html ratio")
    p.add_argument("--pdf-files", type=int, default=60, help="PDFs in the pdf corpus")
    p.add_argument("--docx-files", type=int, default=500, help=".docx files in the docx corpus")
    p.add_argument("--processed", default=None,
                   help="notebooks: run them on this processed folder (no generate, no ingest)")
    args = p.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    only = set((args.only or ("curve" if args.sizes else "text,html,ratio,notebooks"))
               .split(","))
    results: dict[str, Any] = {"machine": machine(), "n": args.n}
    if only & {"text", "notebooks"} and not (only == {"notebooks"} and args.processed):
        generate(work / "text", args.n, "cells,rows", args.seed)
        generate(work / "text-added", 100, "cells,rows", args.seed + 1)
    if only & {"html", "ratio"}:
        generate(work / "html", args.n, "html", args.seed)
        generate(work / "html-added", 100, "html", args.seed + 1)
    if "text" in only:
        results["text"] = ingest_twice(work / "text", work / "out-text", args.jobs,
                                       work / "text-added")
    if "html" in only:
        results["html"] = ingest_twice(work / "html", work / "out-html", args.jobs,
                                       work / "html-added")
    if "ratio" in only:
        results["ratio"] = html_vs_read_html(work / "html", args.ratio_sample)
    if "pdf" in only:
        results["pdf"] = pdf_vs_pdfplumber(work, args.pdf_files)
    if "docx" in only:
        results["docx"] = docx_ingest(work, args.docx_files)
    if "notebooks" in only:
        processed = Path(args.processed) if args.processed else work / "out-text"
        if not (processed / "values.parquet").exists():
            results["text"] = ingest_twice(work / "text", processed, args.jobs)
        results["notebooks"] = notebooks(processed, work)
    if "curve" in only:
        sizes = [int(x) for x in (args.sizes or "10000,50000,100000").split(",")]
        results["curve"] = curve(work, sizes, set(args.curve_steps.split(",")), args.jobs,
                                 args.seed)
    (work / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(json.dumps(results["machine"]))
    if only - {"curve"}:
        print(table(results, args.n))
    if "curve" in results:
        print(curve_table(results["curve"]))
    print(f"(details: {work / 'results.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
