"""The briefing pack: one Word document with the charts, their numbers and their captions.

``reportkit brief [--config FILE] [--processed DIR] --out briefing.docx`` (and the end of
``reportkit run``) builds, with python-docx:

1. a title page: title, scope (agencies, years, reports, charts), date, a reading note
   (denominators, the blank rule, intervals, the † flag);
2. one chapter per chart of the registry (:data:`reportkit.charts.CHARTS`), each computed
   once as a :class:`reportkit.charts.ChartData`: its sentence (``describe``), the chart
   (PNG at 300 dpi, as wide as the A4 text block, with an SVG copy that Word 2016+ shows
   instead), its caption (图1 …), and its key-figure table (``table``, 表1 …);
3. a data-quality chapter: files not fully read (status, error), reports failing their own
   arithmetic (which identities, by how much), blank cells (missing, never zero).

Chinese text carries an East Asian font name (``w:eastAsia``, default 宋体 "SimSun" for
text, 黑体 "SimHei" for headings) beside a Latin one, in the document defaults and in every
style the document uses, so Word (and LibreOffice) pick a CJK face for the Chinese.

The parts: :mod:`~reportkit.brief.strings` (words, zh/en), :mod:`~reportkit.brief.sections`
(title page, chart chapters, data quality), :mod:`~reportkit.brief.word` (Word XML helpers),
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
