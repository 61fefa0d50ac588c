"""The input files kept on disk (``corpus/filelist.py``), planned and assembled a batch at a
time (``corpus/plan.py``), and the cache index in SQLite (``corpus/cache.py``).

Nothing here is timed (memory and speed are measured by benchmarks/run.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from synthetic import make_reports
from synthetic import write_corpus as write_synthetic
from test_scale import OUTPUTS, _age, _assert_same_outputs, _Parsed, count_parses  # noqa: F401

import reportkit
from reportkit.corpus import filelist, ingest, outdir
from reportkit.corpus.files import find_files

#: A name that is not UTF-8 (Latin-1 "été"), as Python shows it.
NOT_UTF8 = os.fsdecode(b"\xe9t\xe9.txt")


def _tree(src: Path) -> None:
    for rel in ("a/b.txt", "a-b/c.txt", "a.txt", "b", "z.txt", "中文.txt", NOT_UTF8,
                ".hidden", "a/.DS_Store", "manifest.csv", "sub/x.txt"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(b"x")


def _listed(paths: list[Path]) -> list[Path]:
    with filelist.RunFiles(None) as run:
        run.find(paths)
        return [Path(p) for batch in run.paths() for p in batch]


def test_files_on_disk_come_back_in_path_order(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """By path parts, as ``sorted(rglob)``: "a/b.txt" before "a-b/…" before "a.txt" (a
    sort of the whole strings would put "a-b/c.txt" first), names that are not UTF-8 last;
    a path found under two inputs once, under the first; a few at a time as in one go."""
    src = tmp_path / "src"
    _tree(src)
    names = ["a/b.txt", "a-b/c.txt", "a.txt", "b", "sub/x.txt", "z.txt", "中文.txt", NOT_UTF8]
    assert _listed([src]) == [src / n for n in names]
    assert _listed([src / "sub", src, src / "z.txt"]) == [
        src / "sub" / "x.txt", *(src / n for n in names if n != "sub/x.txt")]
    assert _listed([src / "z.txt", src / "a.txt"]) == [src / "z.txt", src / "a.txt"]
    monkeypatch.setattr(filelist, "BATCH", 3)
    assert _listed([src]) == find_files([src]) == [src / n for n in names]


def test_a_small_batch_size_gives_the_outputs_of_one_batch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count_parses: _Parsed) -> None:  # noqa: F811
    """Files found, planned, parsed and assembled three at a time: the same six outputs as
    in one batch, on a clean run and on a cached re-run with files added and changed."""
    src = tmp_path / "src"
    reports = write_synthetic(src, 30, seed=31)
    shutil.copy(src / reports[0].file, src / "zz-copy.txt")
    (src / "empty.txt").write_bytes(b"")
    _age(src)
    reportkit.ingest([src], tmp_path / "one", progress=False, jobs=2, cache=False)
    monkeypatch.setattr(filelist, "BATCH", 3)
    monkeypatch.setattr(ingest, "BATCH", 3)
    reportkit.ingest([src], tmp_path / "small", progress=False, jobs=2)
    for name in OUTPUTS:  # byte for byte
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "small" / name).read_bytes()
    added = make_reports(34, seed=32)[30:]
    for r in added:
        (src / r.file).write_bytes(r.render())
    (src / reports[1].file).write_bytes(make_reports(3, seed=33)[2].render())
    count_parses.clear()
    reportkit.ingest([src], tmp_path / "small", progress=False, jobs=1)
    # and the copy, which the manifest does not name: its content and overrides were never
    # cached (the first run found it a duplicate of a file the manifest names)
    assert sorted(count_parses) == sorted([*(r.file for r in added), reports[1].file,
                                           "zz-copy.txt"])
    reportkit.ingest([src], tmp_path / "clean", progress=False, jobs=1, cache=False)
    _assert_same_outputs(tmp_path / "clean", tmp_path / "small")
    assert not list((tmp_path / "small").glob(".*.tmp"))  # the list of files is gone


def test_moved_files_are_not_parsed_again(tmp_path: Path, count_parses: _Parsed) -> None:  # noqa: F811
    src, out = tmp_path / "src", tmp_path / "out"
    reports = write_synthetic(src, 12, seed=34)
    (src / "manifest.csv").unlink()  # which names files where they were
    _age(src)
    reportkit.ingest([src], out, progress=False, jobs=1)
    (src / "moved").mkdir()
    for r in reports[:4]:
        (src / r.file).rename(src / "moved" / r.file)
    count_parses.clear()
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert count_parses == []  # found by their content
    reportkit.ingest([src], tmp_path / "clean", progress=False, jobs=1, cache=False)
    _assert_same_outputs(out, tmp_path / "clean")
    paths = set(reportkit.load(out).reports["source_path"])
    assert {str(src / "moved" / r.file) for r in reports[:4]} <= paths


def test_an_older_or_damaged_index_is_rebuilt(tmp_path: Path, count_parses: _Parsed) -> None:  # noqa: F811
    """An older reportkit's ``index.json``, an SQLite file of another shape, an entry
    that is not JSON: parsed again, outputs as a clean run's, no crash."""
    src, out = tmp_path / "src", tmp_path / "out"
    write_synthetic(src, 8, seed=35)
    _age(src)
    clean = tmp_path / "clean"
    reportkit.ingest([src], clean, progress=False, jobs=1, cache=False)
    reportkit.ingest([src], out, progress=False, jobs=1)
    index = out / "cache" / "index.sqlite"
    index.unlink()  # as an older version left it
    (out / "cache" / "index.json").write_text(json.dumps({"version": "x", "entries": {}}))
    count_parses.clear()
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert len(count_parses) == 8
    assert index.is_file() and not (out / "cache" / "index.json").exists()
    _assert_same_outputs(out, clean)

    index.unlink()
    with sqlite3.connect(index) as db:  # a database, but not the index's
        db.execute("CREATE TABLE other (x)")
    db.close()
    count_parses.clear()
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert len(count_parses) == 8
    _assert_same_outputs(out, clean)

    (src / "new.txt").write_bytes(make_reports(9, seed=35)[8].render())  # not unchanged
    reportkit.ingest([src], clean, progress=False, jobs=1, cache=False)
    with sqlite3.connect(index) as db:
        db.execute("UPDATE entries SET entry = 'not json'")
    db.close()
    count_parses.clear()
    reportkit.ingest([src], out, progress=False, jobs=1)
    assert len(set(count_parses)) == 9  # started over without the cache
    _assert_same_outputs(out, clean)


def test_a_killed_runs_list_of_files_is_removed(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_synthetic(src, 3, seed=36)
    reportkit.ingest([src], out, progress=False, jobs=1)
    stale = [out / ".files.k1ll3d.tmp", out / "cache" / ".index.sqlite.x_9.tmp"]
    for path in stale:
        path.write_bytes(b"half")
    with outdir.owned(out):
        pass
    assert not any(p.exists() for p in stale)
    assert all((out / name).is_file() for name in OUTPUTS)


def test_manifest_rows_are_keyed_by_the_path_each_names_resolved(tmp_path: Path) -> None:
    """A manifest row names its file however the user wrote it ("sub/x.txt", "./y.txt",
    "sub/../z.txt", through a linked folder): it applies to the file at that path, keyed
    as ``Path.resolve()`` keys it."""
    from reportkit.corpus.manifest import read_manifests

    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    for rel in ("sub/x.txt", "y.txt", "z.txt"):
        (src / rel).write_bytes(b"x")
    (tmp_path / "elsewhere" / "w.txt").write_bytes(b"x")
    (src / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    names = ["sub/x.txt", "./y.txt", "sub/../z.txt", "linked/w.txt"]
    (src / "manifest.csv").write_text(
        "file,agency\n" + "".join(f"{n},机关{i}\n" for i, n in enumerate(names)),
        encoding="utf-8")
    found = read_manifests([src / "y.txt"], [src])
    assert {path: entry["agency"] for path, entry in found.items()} == {
        (src / n).resolve(): f"机关{i}" for i, n in enumerate(names)}
    assert (tmp_path / "elsewhere" / "w.txt").resolve() in found
