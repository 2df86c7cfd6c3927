"""The report's charts as PNG bytes (matplotlib, Agg backend): the funnel and the weekly trend.

Labels come in already translated; Chinese labels need a font with CJK glyphs, else
matplotlib draws empty boxes. :func:`cjk_font` finds one installed on the machine (Debian:
``fonts-noto-cjk``, which ``.ci/run`` and ``make test`` install when missing) and the
charts use it as a fallback family after DejaVu Sans, glyph by glyph. No font is shipped
in the project: a CJK font is 10-20 MB.

The charts are drawn with matplotlib's object API on a private ``Figure`` (no pyplot, no
global state), so concurrent renders in one worker do not interfere, and saved without a
timestamp, so the same figures give the same bytes.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import lru_cache

logger = logging.getLogger(__name__)

#: CJK-capable families tried in order (Simplified Chinese first).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei", "Droid Sans Fallback",
    "AR PL UMing CN", "Noto Sans CJK JP", "Noto Sans CJK TC",
)
#: Characters a CJK font must have to be used (common in the report's Chinese labels).
PROBE = "周报新增候选人推荐面试录用漏斗阶段"

WIDTH_IN, HEIGHT_IN, DPI = 6.0, 3.0, 100  # 600 x 300 px: the e-mail's content width

#: Colours (colour-blind-safe Okabe-Ito palette).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


@dataclass(frozen=True)
class FontChoice:
    """A font found for CJK text: its family name and file (``None`` when none was found)."""

    family: str | None
    path: str | None


def _covers(path, text: str) -> bool:
    from matplotlib import font_manager

    try:
        charmap = font_manager.get_font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(ch) in charmap for ch in text if not ch.isspace())


@lru_cache(maxsize=1)
def cjk_font() -> FontChoice:
    """Find an installed font with Chinese glyphs (cached for the process).

    The families of :data:`CJK_FAMILIES` first, then any font matplotlib knows whose
    character map covers :data:`PROBE`; when none, CJK fonts installed after matplotlib
    cached its font list are added and the search repeated. Logs a warning and returns ``FontChoice(None, None)``
    when there is none: Chinese labels would then be drawn as boxes.
    """
    from matplotlib import font_manager

    choice = _cjk_font_known(font_manager)
    if choice is None and _register_system_cjk_fonts(font_manager):
        choice = _cjk_font_known(font_manager)
    if choice is not None:
        return choice
    logger.warning("No font with Chinese glyphs found: Chinese chart labels would be boxes. "
                   "Install one (Debian: apt-get install fonts-noto-cjk).")
    return FontChoice(None, None)


#: File-name hints of CJK fonts, to find one installed after matplotlib cached its font list.
_CJK_FILE_HINTS = ("cjk", "wqy", "sourcehan", "notosanssc", "simhei", "msyh", "pingfang", "droidsansfallback",
                   "uming", "ukai")


def _register_system_cjk_fonts(font_manager) -> bool:
    """Add CJK fonts installed after matplotlib's font cache was built; return whether any was added."""
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        name = path.lower().replace("-", "").replace("_", "")
        if path not in known and any(hint in name for hint in _CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
                added = True
            except (OSError, RuntimeError, ValueError):
                continue
    return added


def _cjk_font_known(font_manager) -> FontChoice | None:
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family not in known:
            continue
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        if _covers(path, PROBE):
            return FontChoice(family, str(path))
    for entry in font_manager.fontManager.ttflist:
        path = font_manager.FontPath(entry.fname, getattr(entry, "index", 0))
        if _covers(path, PROBE):
            return FontChoice(entry.name, entry.fname)
    return None


def font_families() -> list[str]:
    """The family list charts use: DejaVu Sans (matplotlib's own), then the CJK font for the glyphs it lacks."""
    cjk = cjk_font().family
    return ["DejaVu Sans", cjk] if cjk else ["DejaVu Sans"]


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)  # the Agg raster backend, explicitly: no display, no pyplot
    return figure


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return buffer.getvalue()


def _rc():
    import matplotlib

    return matplotlib.rc_context({"font.family": font_families(), "font.size": 9, "axes.spines.top": False,
                                  "axes.spines.right": False})


def funnel_png(*, title: str, stages: list[str], counts: list[int], conversions: list[str]) -> bytes:
    """Draw the funnel: one horizontal bar per stage (first stage on top) with its count and conversion.

    Args:
        title: The chart title (translated).
        stages: Stage labels (translated), pipeline order.
        counts: Candidacies that reached each stage.
        conversions: Text after each count (``"→ 50%"``, or ``""``), same length.

    Returns:
        PNG bytes, 600 x 300 px.
    """
    with _rc():
        figure = _figure()
        axes = figure.add_subplot()
        positions = list(range(len(stages)))[::-1]
        axes.barh(positions, counts, color=COLOURS[0], height=0.65)
        axes.set_yticks(positions, labels=stages)
        peak = max(counts) if counts and max(counts) > 0 else 1
        axes.set_xlim(0, peak * 1.3)
        for y, count, conversion in zip(positions, counts, conversions, strict=True):
            axes.text(count + peak * 0.02, y, f"{count:,}  {conversion}".rstrip(), va="center", fontsize=8)
        axes.set_title(title, loc="left", fontsize=10)
        axes.xaxis.set_visible(False)
        axes.spines["bottom"].set_visible(False)
        figure.tight_layout()
        return _png(figure)


def trend_png(*, title: str, weeks: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """Draw the weekly trend: one line per series over ``weeks`` (oldest first), the last week marked.

    Args:
        title: The chart title (translated).
        weeks: Week labels (``"W41"`` ...).
        series: ``[(label, [count per week]), ...]`` (labels translated).

    Returns:
        PNG bytes, 600 x 300 px.
    """
    with _rc():
        figure = _figure()
        axes = figure.add_subplot()
        x = list(range(len(weeks)))
        for i, (label, values) in enumerate(series):
            colour = COLOURS[i % len(COLOURS)]
            axes.plot(x, values, marker="o", markersize=3, linewidth=1.6, color=colour, label=label)
        axes.axvspan(len(weeks) - 1.4, len(weeks) - 0.6, color="#eeeeee", zorder=0)
        axes.set_xticks(x, labels=weeks)
        peak = max((max(values) for _label, values in series if values), default=0)
        axes.set_ylim(0, max(1, peak) * 1.1)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.set_title(title, loc="left", fontsize=10)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=7, frameon=False,
                    ncols=min(3, max(1, len(series))))
        figure.tight_layout()
        return _png(figure)
