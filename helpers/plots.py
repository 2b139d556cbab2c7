"""Chinese labels on matplotlib charts, without boxes where the characters should be.

Introduced in lesson 05 (best practices), section 15 "spend chart": that cell looks up an
installed CJK font by hand and falls back to English labels when there is none. This
module packages exactly that lookup, so any later chart can do it in two lines::

    from helpers.plots import use_cjk_font, label
    use_cjk_font()
    ax.set_title(label("按模型统计的估算花费", "Estimated spend by model"))

matplotlib's default font (DejaVu Sans) has no CJK glyphs. Since matplotlib 3.6 every
font named in ``font.sans-serif`` is a per-glyph fallback, so putting one CJK font in
front keeps Latin text as it was and draws Chinese with the CJK font.
"""

from __future__ import annotations

#: Tried in this order: Linux (Noto, Source Han, WenQuanYi), Windows (YaHei, SimHei), macOS (PingFang).
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)


def installed_fonts() -> set[str]:
    """Family names matplotlib knows on this machine (empty when matplotlib is missing)."""
    try:
        from matplotlib import font_manager
    except ImportError:
        return set()
    return {entry.name for entry in font_manager.fontManager.ttflist}


def use_cjk_font() -> str | None:
    """Put the first installed CJK font in front of ``font.sans-serif`` and return its name.

    Also turns off ``axes.unicode_minus`` (several CJK fonts lack U+2212, so negative tick
    labels would show a box). Returns None, quietly and changing nothing, when no font from
    ``CJK_FONTS`` is installed or matplotlib is not.
    """
    installed = installed_fonts()
    font = next((name for name in CJK_FONTS if name in installed), None)
    if font is None:
        return None
    import matplotlib

    rest = [name for name in matplotlib.rcParams["font.sans-serif"] if name != font]
    matplotlib.rcParams["font.sans-serif"] = [font, *rest]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return font


def active_cjk_font() -> str | None:
    """The CJK font the current settings will draw Chinese with, or None.

    Read from matplotlib's live settings, so it stays right after ``plt.rcdefaults()`` or a
    ``plt.rc_context()``: a font counts when it is installed, listed in ``font.sans-serif``,
    and the default family is sans-serif.
    """
    try:
        import matplotlib
    except ImportError:
        return None
    if "sans-serif" not in matplotlib.rcParams["font.family"]:
        return None
    installed = installed_fonts()
    listed = matplotlib.rcParams["font.sans-serif"]
    return next((name for name in listed if name in CJK_FONTS and name in installed), None)


def label(zh: str, en: str) -> str:
    """``zh`` when a CJK font is active (see ``use_cjk_font``), else ``en``."""
    return zh if active_cjk_font() else en
