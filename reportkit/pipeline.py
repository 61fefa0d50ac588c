"""``reportkit run``: ingest the raw folder, then (once notebooks exist) execute them."""

from __future__ import annotations

import sys

from reportkit.ingest import ingest_paths, summary


def run(config_path: str | None = None) -> int:
    """Ingest ``data/raw`` into ``data/processed`` and say where the outputs are."""
    corpus = ingest_paths(["data/raw"], "data/processed")
    print(summary(corpus), file=sys.stderr)
    print("outputs: data/processed/", file=sys.stderr)
    return 1 if (corpus.reports["status"] == "failed").any() else 0
