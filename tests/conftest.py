"""Shared paths for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SEED_FILES = sorted(RAW.glob("0*.txt"))


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The embedded sample data: the five seed reports."""
    return RAW
