"""Parquet (and CSV for Excel) in and out: atomic writes, and ``load`` for notebooks."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FRAMES = ("values", "reports", "checks")


@dataclass
class Corpus:
    """A parsed corpus: the tidy values, one row per input file, and the identity checks."""

    values: pd.DataFrame
    reports: pd.DataFrame
    checks: pd.DataFrame




def write_corpus(corpus: Corpus, out_dir: str | Path) -> list[Path]:
    """Write ``values``/``reports``/``checks`` as Parquet and as CSV (UTF-8 with BOM, so
    Excel shows the Chinese). Each file is written to a temporary name and renamed, and
    all are staged before any is renamed, so an interrupted run leaves no half file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name in FRAMES:
            frame: pd.DataFrame = getattr(corpus, name)
            for suffix in (".parquet", ".csv"):
                fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix + ".tmp", dir=out)
                os.close(fd)
                staged.append((tmp, out / f"{name}{suffix}"))
                if suffix == ".parquet":
                    frame.to_parquet(tmp, index=False)
                else:
                    frame.to_csv(tmp, index=False, encoding="utf-8-sig")
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return [final for _, final in staged]


def load(directory: str | Path = "data/processed") -> Corpus:
    """Read a processed folder (written by ``reportkit ingest``) back into a Corpus."""
    d = Path(directory)
    missing = [n for n in FRAMES if not (d / f"{n}.parquet").exists()]
    if missing:
        raise FileNotFoundError(
            f"{d}: no {', '.join(m + '.parquet' for m in missing)}; "
            f"run `reportkit ingest data/raw --out {d}` first")
    return Corpus(*(pd.read_parquet(d / f"{n}.parquet") for n in FRAMES))
