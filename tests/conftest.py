"""Shared paths for the tests, and every seed rendered in every published form (built once
a session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.extract.parse import Report, parse, parse_bytes

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SEED_FILES = sorted(RAW.glob("0*.txt"))


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The embedded sample data: the five seed reports."""
    return RAW


@pytest.fixture(scope="session")
def seed_forms() -> dict[str, dict[str, bytes]]:
    """``{seed file name: {form name: bytes}}`` for the five seeds."""
    from formats import SEEDS, all_forms

    return {path.name: all_forms(path) for path in SEEDS}


@pytest.fixture(scope="session")
def seed_reports() -> dict[str, Report]:
    """Each seed's .txt parsed: the reference the other forms must match."""
    return {path.name: parse(path) for path in SEED_FILES}


@pytest.fixture(scope="session")
def form_reports(seed_forms: dict[str, dict[str, bytes]]) -> dict[tuple[str, str], Report]:
    """``{(seed, form): Report}`` for every rendered form, parsed once."""
    return {(seed, form): parse_bytes(data, f"{Path(seed).stem}.{form}")
            for seed, forms in seed_forms.items() for form, data in forms.items()}
