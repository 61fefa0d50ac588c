"""The briefing pack: one Word document with the charts, their numbers and their captions.

``reportkit brief [--config FILE] [--processed DIR] --out briefing.docx`` (and the end of
``reportkit run``) builds, with python-docx:

1. page 1: title, scope (selection, reports, bodies, years, charts), date, the key
   findings (主要发现, :mod:`~reportkit.brief.findings`: three to five figures with their
   counts, read off the same ChartData the charts draw), the reading note;
2. one section per question (申请办理结果, 不掌握, 行政复议与行政诉讼, 评估), each chart of
   the registry (:data:`reportkit.charts.CHARTS`) computed once as a
   :class:`reportkit.charts.ChartData`: its sentence (``describe``), the chart (PNG at 300
   dpi, as wide as the A4 text block, with an SVG copy that Word 2016+ shows instead), its
   caption (图1 …), and its key-figure table (``table``) under a caption saying what it holds;
3. the data-quality section, limited to the selection and in the briefing's language;
4. the list of source reports (body, year, file base name, status), the full list in
   ``<out stem>_sources.csv`` beside the briefing.

No page break is forced; the Word properties (title, author reportkit, dates) are the
briefing's; no local path is written anywhere in the file.

Chinese text carries an East Asian font name (``w:eastAsia``, default 宋体 "SimSun" for
text, 黑体 "SimHei" for headings) beside a Latin one, in the document defaults and in every
style the document uses, so Word (and LibreOffice) pick a CJK face for the Chinese.

The parts: :mod:`~reportkit.brief.strings` (words, zh/en), :mod:`~reportkit.brief.sections`
(page 1, the sections, data quality, the source list), :mod:`~reportkit.brief.sources`
(files of the selection, statuses and errors in words), :mod:`~reportkit.brief.word` (Word
XML helpers),
:mod:`~reportkit.brief.assemble` (:func:`build`), :mod:`~reportkit.brief.settings` (the
``brief:`` config section, :data:`DEFAULTS`). The command line is in :mod:`reportkit.cli`.
"""

from __future__ import annotations

from reportkit.brief.assemble import Briefing, build, build_for_run, build_from_settings
from reportkit.brief.settings import DEFAULTS, INHERITED, BriefError, choose_charts, settings
from reportkit.brief.word import MARGIN_CM, MAX_PICTURE_HEIGHT_CM, column_widths

__all__ = ["DEFAULTS", "INHERITED", "MARGIN_CM", "MAX_PICTURE_HEIGHT_CM", "BriefError",
           "Briefing", "build", "build_for_run", "build_from_settings", "choose_charts",
           "column_widths", "settings"]
