"""Errors that end the reading of one file, each with a sentence for the user."""

from __future__ import annotations


class ReportError(Exception):
    """A file could not be read as a report; ``status`` is what ``reports.parquet`` says."""

    def __init__(self, message: str, status: str = "failed") -> None:
        super().__init__(message)
        self.status = status
