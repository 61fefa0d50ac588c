"""Hostile input and faults (issue 10): every input gets a row, no run hangs, no user file
is lost, no CSV cell runs as an Excel formula. Each test makes its hostile input here."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pandas as pd
import pytest
from synthetic import make_reports, write_corpus

import reportkit
from reportkit import analysis
from reportkit.cli import main
from reportkit.corpus import outdir, workers
from reportkit.corpus.cache import parsing_modules
from reportkit.corpus.csvtext import excel_safe
from reportkit.corpus.ingest import UsageError, find_files, ingest_paths, load_corpus
from reportkit.corpus.manifest import read_manifests
from reportkit.extract.parse import parse_bytes
from reportkit.run import run

CLI = [sys.executable, "-m", "reportkit.cli"]


def _report(seed: int = 1, layout: str = "cells", encoding: str = "utf-8") -> bytes:
    r = make_reports(1, seed=seed, layouts=(layout,), non_utf8_share=0.0)[0]
    r.encoding = encoding
    return r.render()


def _cli(*args: str, **kw: object) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120,
                          **kw)  # type: ignore[call-overload]


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


# --- 1. the output folder is reportkit's -----------------------------------------------------


def test_a_folder_of_the_users_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "mine"
    src.mkdir()
    (src / "a.txt").write_bytes(_report())
    (out / "cache").mkdir(parents=True)
    (out / "cache" / "thesis.docx").write_bytes(b"my thesis")
    (out / "reports.csv").write_text("my own table\n", encoding="utf-8")
    for extra in ([], ["--no-cache"]):
        assert main(["ingest", str(src), "--out", str(out), "--quiet", *extra]) == 2
    assert (out / "cache" / "thesis.docx").read_bytes() == b"my thesis"
    assert (out / "reports.csv").read_text(encoding="utf-8") == "my own table\n"
    proc = _cli("ingest", str(src), "--out", str(out), "--quiet")
    assert proc.returncode == 2 and "--force" in _one_line(proc.stderr)


def test_force_takes_a_folder_over_but_keeps_the_users_files(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "mine"
    src.mkdir()
    (src / "a.txt").write_bytes(_report())
    (out / "cache").mkdir(parents=True)
    (out / "cache" / "thesis.docx").write_bytes(b"my thesis")
    (out / "reports.csv").write_text("my own table\n", encoding="utf-8")
    assert main(["ingest", str(src), "--out", str(out), "--quiet", "--force"]) == 0
    assert (out / "reports.csv.orig").read_text(encoding="utf-8") == "my own table\n"
    assert (out / "cache.orig" / "thesis.docx").read_bytes() == b"my thesis"
    assert len(pd.read_csv(out / "reports.csv")) == 1
    # --no-cache deletes only the cache's own files
    (out / "cache" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["ingest", str(src), "--out", str(out), "--quiet", "--no-cache"]) == 0
    assert (out / "cache" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_an_empty_folder_a_gitkeep_and_previous_outputs_are_accepted(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(_report())
    fresh = tmp_path / "processed"
    fresh.mkdir()
    (fresh / ".gitkeep").write_bytes(b"")
    assert main(["ingest", str(src), "--out", str(fresh), "--quiet"]) == 0
    assert outdir.is_output_folder(fresh)
    # a folder an older reportkit wrote (no marker): its six outputs and cache
    (fresh / outdir.MARKER).unlink()
    assert main(["ingest", str(src), "--out", str(fresh), "--quiet"]) == 0


def test_a_second_run_into_a_busy_folder_is_told_so(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_bytes(_report())
    outdir.claim(out)
    with outdir.locked(out):
        proc = _cli("ingest", str(src), "--out", str(out), "--quiet")
    assert proc.returncode == 2 and "another reportkit run" in _one_line(proc.stderr)
    assert not (out / "reports.parquet").exists()
    assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 0  # lock released


def test_stale_temporaries_are_removed_and_outputs_are_readable_by_all(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_bytes(_report())
    assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 0
    stale = [out / ".values.k1ll3d.tmp", out / ".reports.x_9.tmp", out / "cache" /
             ".index.json.tmp"]
    for path in stale:
        path.write_bytes(b"half")
    (out / "my.tmp").write_bytes(b"not reportkit's")
    old = os.umask(0o022)
    try:
        assert main(["ingest", str(src), "--out", str(out), "--quiet", "--no-cache"]) == 0
    finally:
        os.umask(old)
    assert not any(p.exists() for p in stale)
    assert (out / "my.tmp").exists()
    for name in ("values.parquet", "reports.csv", "checks.csv", outdir.MARKER):
        assert (out / name).stat().st_mode & 0o777 == 0o644


def test_outputs_inside_the_input_are_never_read_as_reports(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(_report())
    out = src / "processed"
    for _ in range(2):
        assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 0
        assert len(pd.read_parquet(out / "reports.parquet")) == 1
    assert find_files([src]) == [src / "a.txt"]


# --- 7. errors about the environment ----------------------------------------------------------


@pytest.mark.parametrize("option", [["--max-size-mb", "nan"], ["--max-size-mb", "-1"],
                                    ["--max-size-mb", "inf"], ["--jobs", "0"],
                                    ["--timeout", "abc"], ["--max-memory-mb", "0"]])
def test_bad_option_values_are_one_line_and_exit_2(tmp_path: Path, option: list[str]) -> None:
    proc = _cli("ingest", str(tmp_path), "--out", str(tmp_path / "o"), *option)
    assert proc.returncode == 2
    assert option[1] in _one_line(proc.stderr)
    assert not (tmp_path / "o").exists()


def test_a_file_as_out_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(_report())
    target = tmp_path / "file.txt"
    target.write_text("keep me", encoding="utf-8")
    proc = _cli("ingest", str(tmp_path / "a.txt"), "--out", str(target))
    assert proc.returncode == 2 and "not a folder" in _one_line(proc.stderr)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_a_full_disk_is_one_line_and_exit_2_and_the_last_outputs_stay(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_corpus(src, 6, seed=3)
    assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 0
    before = (out / "values.csv").read_bytes()

    def small_disk() -> None:  # writes past 20 kB fail as on a full disk (EFBIG)
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    proc = _cli("ingest", str(src), "--out", str(out), "--no-cache", preexec_fn=small_disk)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write the outputs" in _one_line(proc.stderr)
    assert (out / "values.csv").read_bytes() == before
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


# --- 2. bounded work per file ----------------------------------------------------------------


def test_a_worker_killed_mid_run_costs_no_row(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    reports = write_corpus(src, 120, seed=5, manifest=False)
    proc = subprocess.Popen([*CLI, "ingest", str(src), "--out", str(out), "--quiet", "-j", "2",
                             "--no-cache"], stderr=subprocess.PIPE, text=True)
    killed = []

    def kill_a_worker() -> None:
        while proc.poll() is None and not killed:
            kids = _children(proc.pid)
            if kids:
                os.kill(kids[0], signal.SIGKILL)
                killed.append(kids[0])
            time.sleep(0.005)

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    _, err = proc.communicate(timeout=300)
    killer.join()
    assert killed, "the run ended before a worker could be killed"
    assert proc.returncode == 0, err
    rows = pd.read_parquet(out / "reports.parquet")
    assert sorted(Path(p).name for p in rows["source_path"]) == sorted(r.file for r in reports)
    assert set(rows["status"]) == {"ok"}  # the lost chunk's files were read again


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes()
            except OSError:
                continue
            if int(stat[stat.rfind(b")") + 2:].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def _sleeper(chunk: list[int]) -> list[int]:
    """A stand-in for a parse stuck inside a library: deaf to SIGALRM, asleep."""
    for task in chunk:
        if task == 2:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            workers.start_deadline(workers.Limits(seconds=0.3, grace=0.3))
            time.sleep(60)
    return chunk


def test_a_file_stuck_past_its_deadline_ends_its_worker_and_the_run_goes_on() -> None:
    results = list(workers.robust_map(_sleeper, [[1], [2, 3], [4]], 2,
                                      workers.Limits(seconds=0.3), lambda t, why: [-t, why]))
    assert results[0] == [1] and results[2] == [3] and results[3] == [4]
    assert results[1][0] == -2 and "died" in results[1][1]


def test_a_script_without_a_main_guard_is_not_run_again_by_a_replacement_worker(
        tmp_path: Path) -> None:
    """multiprocessing hands a new worker the main script to run again: a script with no
    ``if __name__ == "__main__"`` guard whose worker died started its work anew in the
    replacement, and the run never ended. The replacements are started without it."""
    script, here = tmp_path / "unguarded.py", Path(__file__).resolve().parent
    script.write_text(
        "import sys\n"
        f"sys.path[:0] = {[str(here), str(here.parent / 'benchmarks')]!r}\n"
        "print('the script runs', flush=True)\n"
        "from reportkit.corpus import workers\n"
        "from test_hostile import _sleeper\n"
        "results = workers.robust_map(_sleeper, [[1], [2, 3], [4]], 2,\n"
        "                             workers.Limits(seconds=0.3), lambda t, why: [-t])\n"
        "print(list(results), flush=True)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=240, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["the script runs", "[[1], [-2], [3], [4]]"]


def _inflating_pdf(inflated_mb: int) -> bytes:
    """A small PDF whose one content stream inflates to ``inflated_mb`` MB of zeros."""
    z = zlib.compressobj(9)
    block = b"0" * 2**20
    stream = b"".join(z.compress(block) for _ in range(inflated_mb)) + z.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
            + b"\nendstream"]
    return _pdf(objs)


def _pdf(objs: list[bytes], trailer: bytes = b"") -> bytes:
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + (b"trailer\n<< /Size %d /Root 1 0 R " % (len(objs) + 1) + trailer
                  + b">>\nstartxref\n%d\n%%%%EOF\n" % xref)


def test_a_pdf_that_inflates_hugely_is_bounded_by_the_memory_limit(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "bomb.pdf").write_bytes(_inflating_pdf(600))
    (src / "good.txt").write_bytes(_report())
    corpus = ingest_paths([src], tmp_path / "out", progress=False,
                          limits=workers.Limits(memory_mb=200))
    rows = corpus.reports.set_index(corpus.reports["source_path"].map(lambda p: Path(p).name))
    assert rows.loc["good.txt", "status"] == "ok"
    assert rows.loc["bomb.pdf", "status"] == "failed"
    # pdfplumber's Python raises MemoryError ("… MB of memory"); pdfium, inflating in C,
    # kills its worker instead ("… died (killed, out of memory …)"): either is named
    error = rows.loc["bomb.pdf", "error"]
    assert "MB of memory" in error or ("died" in error and "out of memory" in error)


def test_spans_are_bounded_per_table() -> None:
    row = "<tr>" + '<td rowspan="1000" colspan="64">x</td>' + "</tr>"
    page = ("<html><body><p>政府信息公开工作年度报告</p><table>" + row * 300
            + "</table></body></html>").encode()
    report = parse_bytes(page, "spans.html")
    assert report.status in ("failed", "not_a_report") and report.error


# --- 3. the cache cannot serve stale bytes -----------------------------------------------------


def test_a_file_rewritten_with_its_size_and_mtime_kept_is_read_again(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    old = _report(seed=7)
    i = old.rindex(b"1")
    new = old[:i] + b"2" + old[i + 1:]  # one figure changed: same size
    path = src / "a.txt"
    path.write_bytes(old)
    past = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(past, past))
    ingest_paths([src], out, progress=False)
    path.write_bytes(new)  # as cp -p or rsync -t do: same size, same mtime
    os.utime(path, ns=(past, past))
    rows = ingest_paths([src], out, progress=False).reports
    assert rows.loc[0, "sha256"] == hashlib.sha256(new).hexdigest()


def test_parser_version_hashes_the_parsing_modules_only() -> None:
    names = {p.name for p in parsing_modules()}
    assert {"matching.py", "values.py", "tables.py", "grid.py", "html.py", "decode.py"} <= names
    assert not names & {"cli.py", "run.py", "plots.py", "brief.py", "analysis.py", "cache.py"}


# --- 4. Excel-safe CSV --------------------------------------------------------------------------


def test_csv_text_never_runs_as_a_formula(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "=HYPERLINK(1).txt").write_bytes(_report(seed=2))
    (src / "manifest.csv").write_text(
        'file,agency,agency_short,region,year\n=HYPERLINK(1).txt,"=HYPERLINK(""http://x"")",'
        "@SUM(A1),+1+1,\n", encoding="utf-8")
    assert main(["ingest", str(src), "--out", str(out), "--quiet", "--long-csv"]) == 0
    csv_rows = pd.read_csv(out / "reports.csv", dtype=str, keep_default_na=False)
    assert csv_rows.loc[0, "agency"] == "'=HYPERLINK(\"http://x\")"
    assert csv_rows.loc[0, "agency_short"] == "'@SUM(A1)"
    assert csv_rows.loc[0, "region"] == "'+1+1"
    parquet = pd.read_parquet(out / "reports.parquet")
    assert parquet.loc[0, "agency"] == '=HYPERLINK("http://x")'  # Parquet keeps the text
    values = pd.read_csv(out / "values_long.csv", dtype=str, keep_default_na=False)
    assert not values["raw"].str.match(r"^'[0-9]").any()  # figures untouched
    wide = pd.read_csv(out / "values.csv", dtype=str, keep_default_na=False)
    assert wide.loc[0, "agency"] == "'=HYPERLINK(\"http://x\")"
    assert not wide.iloc[:, 5:].apply(lambda c: c.str.startswith("'")).any().any()
    assert [excel_safe(t) for t in ("-", "-12", "+3.5", "-1+2", "\tx", "a=b")] == \
        ["-", "-12", "+3.5", "'-1+2", "'\tx", "a=b"]


# --- 5. every input gets its row -----------------------------------------------------------------


def test_odd_inputs_each_get_a_row_with_a_sentence(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    good = _report(seed=4)
    (src / os.fsdecode(b"bad-\xff\xfe-name.txt")).write_bytes(good)
    lines = _report(seed=6).split(b"\n")
    half = len(lines) // 2
    mixed = b"\n".join(lines[:half]) + b"\n" + b"\n".join(
        ln.decode("utf-8").encode("gbk") for ln in lines[half:])
    (src / "mixed.txt").write_bytes(mixed)
    (src / "nul.txt").write_bytes(_report(seed=9).replace(b"\n", b"\n\x00", 1))
    html = make_reports(1, seed=11, layouts=("html",), non_utf8_share=0.0)[0].render()
    body = html.index(b"<body>") + len(b"<body>")
    deep = html[:body] + b"<font>" * 300 + html[body:]
    (src / "deep.html").write_bytes(deep)
    (src / "locked.pdf").write_bytes(_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
         b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32
         + b"> /P -4 >>"], b"/Encrypt 3 0 R /ID [<" + b"01" * 16 + b"> <" + b"01" * 16 + b">] "))
    out = tmp_path / "out"
    assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 1  # the PDF failed
    rows = pd.read_parquet(out / "reports.parquet")
    by_name = {Path(p).name: r for p, r in zip(rows["source_path"], rows.itertuples())}
    assert len(rows) == 5
    assert by_name["bad-\\xff\\xfe-name.txt"].status == "ok"
    for name in ("mixed.txt", "nul.txt", "deep.html"):
        assert by_name[name].status == "ok", (name, by_name[name].error)
    assert "password" in by_name["locked.pdf"].error


def test_a_mixed_file_reads_the_figures_a_person_reads() -> None:
    whole = _report(seed=6)
    lines = whole.split(b"\n")
    mixed = b"\n".join(lines[:20] + [ln.decode("utf-8").encode("gbk") for ln in lines[20:]])
    a, b = parse_bytes(whole), parse_bytes(mixed)
    assert a.status == b.status == "ok"
    assert a.value_map() == b.value_map()


def test_an_unreadable_folder_gets_a_row(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "closed").mkdir(parents=True)
    (src / "closed" / "a.txt").write_bytes(_report())
    (src / "open.txt").write_bytes(_report(seed=2))
    os.chmod(src / "closed", 0)
    # as root, permissions bind only without the capabilities that override them
    prefix = (["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps",
               "-dac_override,-dac_read_search"] if os.geteuid() == 0 else [])
    script = ("import sys; from reportkit.corpus.ingest import ingest_paths; "
              "r = ingest_paths([sys.argv[1]], None, progress=False).reports; "
              "print(r[['source_path', 'status', 'error']].to_json(orient='records'))")
    try:
        proc = subprocess.run([*prefix, sys.executable, "-c", script, str(src)],
                              capture_output=True, text=True, timeout=120)
    finally:
        os.chmod(src / "closed", 0o755)
    assert proc.returncode == 0, proc.stderr
    rows = {Path(r["source_path"]).name: r for r in json.loads(proc.stdout)}
    assert rows["open.txt"]["status"] == "ok"
    assert rows["closed"]["status"] == "failed"
    assert "Permission denied" in rows["closed"]["error"]


def test_a_pipe_and_a_broken_link_get_rows_and_hang_nothing(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    os.mkfifo(src / "pipe.txt")  # reading it would wait for ever
    (src / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (src / "a.txt").write_bytes(_report())
    for out in (None, tmp_path / "out"):
        rows = ingest_paths([src], out, progress=False).reports
        by_name = dict(zip(rows["source_path"].map(lambda p: Path(p).name), rows["error"]))
        assert set(by_name) == {"pipe.txt", "gone.txt", "a.txt"}
        assert "not a regular file" in by_name["pipe.txt"]
        assert "No such file" in by_name["gone.txt"]


# --- 6. the manifest -------------------------------------------------------------------------


def test_manifest_gbk_bad_rows_duplicates_and_years(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    names = [f"r{i}.txt" for i in range(6)]
    for n in names:
        (src / n).write_bytes(b"x")
    text = ("file,agency,agency_short,region,year\n"
            "r0.txt,北京市密云区人民政府,密云区,北京市,2021\n"
            'r1.txt,"unclosed quote,密云,北京市,2021\n'
            "r2.txt,甲,乙,丙,20210000000000000000\n"
            "r3.txt,甲,乙,丙,²⁰²¹\n"
            "r0.txt,又一个,,,2020\n"
            "r4.txt,只有三列,\n"
            "r5.txt,西集镇,西集镇,北京市,\n")
    (src / "manifest.csv").write_bytes(text.encode("gb18030"))
    (tmp_path / "manifest.csv").write_text(  # above the input: not applied
        "file,agency,agency_short,region,year\nin/r5.txt,外来,,,2019\n", encoding="utf-8")
    warned: list[str] = []
    got = read_manifests([src / n for n in names], [src], warned.append)
    assert got[(src / "r0.txt").resolve()]["agency_short"] == "密云区"
    assert got[(src / "r0.txt").resolve()]["year"] == 2021
    assert got[(src / "r5.txt").resolve()]["agency"] == "西集镇"
    assert len(got) == 2
    lines = {int(w.split(" line ")[1].split(":")[0]) for w in warned}
    assert lines == {3, 4, 5, 6, 7}
    assert any("first on line 2" in w for w in warned)


def test_manifest_with_a_bom_of_either_encoding(tmp_path: Path) -> None:
    for encoding, bom in (("utf-8", b"\xef\xbb\xbf"), ("gb18030", "\ufeff".encode("gb18030"))):
        folder = tmp_path / encoding
        folder.mkdir()
        (folder / "a.txt").write_bytes(b"x")
        (folder / "manifest.csv").write_bytes(
            bom + "file,region,year\na.txt,河北省,2022\n".encode(encoding))
        got = read_manifests([folder / "a.txt"], [folder], lambda m: pytest.fail(m))
        assert got[(folder / "a.txt").resolve()]["region"] == "河北省"


# --- 8. notebooks and run --------------------------------------------------------------------


def test_an_empty_selection_names_what_the_corpus_holds(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_corpus(src, 4, seed=12)
    corpus = reportkit.ingest([src], out, progress=False)
    agency = corpus.reports.loc[0, "agency_short"]
    with pytest.raises(analysis.SelectionError) as err:
        analysis.check_selection(corpus.reports, years=[1999])
    assert "1999" in str(err.value)
    assert str(int(corpus.reports["year"].iloc[0])) in str(err.value)
    with pytest.raises(analysis.SelectionError) as err:
        analysis.check_selection(corpus.reports, agencies=[agency + "区"])
    assert agency in str(err.value)
    analysis.check_selection(corpus.reports, agencies=[agency])  # a match: no error


def test_a_processed_dir_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 2, seed=13)
    with pytest.raises(FileNotFoundError):
        load_corpus(tmp_path / "procesed", raw)
    assert not (tmp_path / "procesed").exists()


def test_run_checks_the_selection_before_running_anything(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 3, seed=14)
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "x.ipynb").write_text("{}", encoding="utf-8")
    config = tmp_path / "c.yml"
    config.write_text(
        f"inputs: {{raw: {raw}, processed: {tmp_path / 'p'}}}\n"
        f"outputs: {{notebooks: {tmp_path / 'o'}, figures: {tmp_path / 'f'}}}\n"
        f"notebooks: [{tmp_path / 'nb' / 'x.ipynb'}]\n"
        "parameters: {years: [1999]}\n", encoding="utf-8")
    assert run(str(config)) == 2
    assert not (tmp_path / "o").exists()  # no notebook was run


def test_a_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        ingest_paths([tmp_path / "nope"], tmp_path / "o", progress=False)
