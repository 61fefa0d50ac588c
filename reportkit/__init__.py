"""reportkit: China's 政府信息公开工作年度报告 as tidy, checked data.

    >>> import reportkit
    >>> report = reportkit.parse("data/raw/002_556f46a9c5195498.txt")
    >>> report.table("requests").loc["unavailable_not_held", "total"]
    216.0
    >>> corpus = reportkit.ingest(["data/raw"])          # values, reports, checks frames
    >>> corpus = reportkit.load("data/processed")        # what `reportkit ingest` wrote
"""

from reportkit.corpus.ingest import ingest_paths as ingest
from reportkit.corpus.store import Corpus, load
from reportkit.extract.parse import Report, parse

__all__ = ["Corpus", "Report", "ingest", "load", "parse"]
__version__ = "0.1.0"
