"""A CJK font for the charts, shipped by a PyPI package, so no system font is needed.

The font is Noto Sans SC Regular (SIL Open Font License 1.1), installed with the
``pylopdf-fonts-zh-cn`` package. It has PostScript (CFF) outlines, which matplotlib renders
well on screen, in PNG and in SVG, but embeds in PDF under a TrueType (Type 42) header that
strict viewers (MuPDF, SumatraPDF) refuse to draw. So on first use the font is converted
once to TrueType outlines with fontTools (about 15 seconds) and cached under
``$REPORTKIT_CACHE`` or ``$XDG_CACHE_HOME/reportkit`` (default ``~/.cache/reportkit``); every
later import takes the cached file. If the conversion cannot be done, the original font
is used and PDFs embed it as Type 3 glyph outlines instead, which every viewer draws.

:func:`add` (called by every chart before it draws, never on import) adds the font to
matplotlib; the charts draw with these settings (:func:`rc_params`), and :func:`register`
makes them matplotlib's defaults for plots of your own:

* ``font.family`` / ``font.sans-serif``: Noto Sans SC first (it has Latin glyphs too), then
  DejaVu Sans;
* ``svg.fonttype = "path"``: text becomes outlines, so an SVG shows the Chinese anywhere;
* ``pdf.fonttype = 42`` (``ps.fonttype = 42``): the font is embedded (subset) in PDFs.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from functools import cache
from pathlib import Path

FAMILY = "Noto Sans SC"
FALLBACK_FAMILIES = ("DejaVu Sans",)
LICENSE = "SIL Open Font License 1.1 (Noto Sans SC, from the pylopdf-fonts-zh-cn package)"


def source_font_path() -> Path:
    """The font file as the PyPI package ships it (OpenType, CFF outlines)."""
    import pylopdf_fonts_zh_cn

    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the CJK font is missing; reinstall the package "
                                "with `pip install --force-reinstall pylopdf-fonts-zh-cn`")
    return path


def cache_dir() -> Path:
    """Where the converted font is kept (``$REPORTKIT_CACHE``, else the XDG cache)."""
    if os.environ.get("REPORTKIT_CACHE"):
        return Path(os.environ["REPORTKIT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reportkit"


def _fingerprint(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha256(f"{path.name}:{stat.st_size}".encode()).hexdigest()[:12]


def convert_to_truetype(source: Path, target: Path) -> Path:
    """Write ``source`` (CFF outlines) to ``target`` with TrueType (quadratic) outlines.

    The file is written under a temporary name and renamed, so a concurrent or interrupted
    conversion never leaves half a font behind."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(source)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\0\1\0\0"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".font.", suffix=".ttf.tmp", dir=target.parent)
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


@cache
def font_path() -> Path:
    """The font file matplotlib uses: the cached TrueType conversion, made on first use;
    the original file if the conversion fails (then PDFs embed Type 3 outlines)."""
    source = source_font_path()
    target = cache_dir() / f"{source.stem}-truetype-{_fingerprint(source)}.ttf"
    if target.is_file():
        return target
    print(f"reportkit: converting {FAMILY} to TrueType outlines for PDF export "
          f"(once, about 15 s) into {target.parent}", file=sys.stderr)
    try:
        return convert_to_truetype(source, target)
    except Exception as exc:  # any failure: keep drawing with the original file
        print(f"reportkit: font conversion failed ({exc}); PDFs will embed Type 3 glyphs",
              file=sys.stderr)
        return source


def rc_params() -> dict[str, object]:
    """The matplotlib settings that make the bundled font the default and keep the Chinese
    in SVG (as paths) and PDF (embedded)."""
    path = font_path()
    return {
        "font.family": [FAMILY, *FALLBACK_FAMILIES],
        "font.sans-serif": [FAMILY, *FALLBACK_FAMILIES],
        "axes.unicode_minus": True,
        "svg.fonttype": "path",
        "pdf.fonttype": 42 if path.suffix == ".ttf" else 3,
        "ps.fonttype": 42 if path.suffix == ".ttf" else 3,
    }


_ADDED: set[str] = set()


def add() -> Path:
    """Add the bundled font to matplotlib's font manager (once), leaving matplotlib's
    defaults alone: the charts draw inside :func:`reportkit.charts.style.rc`. Returns the
    font file."""
    from matplotlib import font_manager

    path = font_path()
    if str(path) not in _ADDED:
        font_manager.fontManager.addfont(str(path))
        _ADDED.add(str(path))
    return path


def register() -> Path:
    """:func:`add` the bundled font and make it matplotlib's default (see
    :func:`rc_params`), for your own plots beside reportkit's; call it again after a style
    reset (e.g. ``sns.set_theme``). Nothing calls it on import. Returns the font file."""
    import matplotlib as mpl

    path = add()
    mpl.rcParams.update(rc_params())
    return path
