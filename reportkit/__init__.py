"""reportkit: China's 政府信息公开工作年度报告 as tidy, checked data.

>>> import reportkit
>>> report = reportkit.parse("data/raw/002_556f46a9c5195498.txt")   # doctest: +SKIP
>>> report.values_frame.head()                                         # doctest: +SKIP
"""

from reportkit.parse import Report, parse

__all__ = ["Report", "parse"]
__version__ = "0.1.0"
