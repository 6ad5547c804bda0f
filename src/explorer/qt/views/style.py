"""Colours, fonts and small helpers shared by the views (no state, no behaviour)."""

from __future__ import annotations

import html

from PySide6.QtGui import QColor, QFont

#: one colour per item kind: highlights in documents, markers in the graph, chips in lists
KIND_COLORS: dict[str, str] = {
    "event": "#f2b134",         # amber
    "expert": "#5aa9e6",        # blue
    "entity": "#7bc67b",        # green
    "relationship": "#c792ea",  # violet
    "theme": "#f28482",         # coral
    "passage": "#ffd166",       # yellow
    "document": "#b0b0b0",
}
KIND_LABELS: dict[str, str] = {
    "event": "Event", "expert": "Expert / voice", "entity": "Actor", "relationship": "Relationship",
    "theme": "Theme", "passage": "Passage", "document": "Document",
}
SELECTION_COLOR = "#d1495b"
CONFLICT_COLOR = "#d1495b"
INFERRED_COLOR = "#8a8a8a"
TEXT_COLOR = "#222222"
MUTED_TEXT = "#6b6b6b"
BACKGROUND = "#ffffff"
FALLBACK_THEME_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
                         "#ff9da7", "#9c755f", "#bab0ac"]

UI_FONT_FAMILY = "Noto Sans CJK SC"
#: the bundled fallback for the common CJK characters the application font's small subset lacks (GB 2312,
#: JIS X 0208 kanji, Big5 level 1, kana, Hangul: resources/fonts/README.md); a family of its own, so that it
#: never stands in for a system's whole Noto Sans CJK
FALLBACK_FONT_FAMILY = "Explorer Noto CJK Fallback"
#: the system's CJK fonts, in the order they are preferred where present (fontconfig, macOS and Windows
#: names; simplified Chinese first, as the application font is): they cover more than the bundled fallback,
#: which comes after them
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Droid Sans Fallback", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "Noto Sans CJK TC", "Noto Sans CJK HK", "Source Han Sans TC", "Noto Sans TC", "Microsoft JhengHei",
    "Noto Sans CJK JP", "Source Han Sans JP", "Source Han Sans", "Noto Sans JP", "Hiragino Sans", "Yu Gothic UI",
    "Meiryo", "Noto Sans CJK KR", "Source Han Sans KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic",
    "AR PL UMing CN", "SimSun",
)
_font_fallbacks: list[str] = [FALLBACK_FONT_FAMILY]


def set_font_fallbacks(system_families) -> list[str]:
    """The families every UI font falls back to, for the characters the application font lacks: the
    system's CJK fonts of ``system_families`` (the families the system has, before the bundled fonts were
    registered) that ``SYSTEM_CJK_FAMILIES`` names, then the bundled fallback."""
    present = {f.casefold() for f in system_families}
    _font_fallbacks[:] = [f for f in SYSTEM_CJK_FAMILIES if f.casefold() in present and f != UI_FONT_FAMILY]
    _font_fallbacks.append(FALLBACK_FONT_FAMILY)
    return list(_font_fallbacks)


def font_fallbacks() -> list[str]:
    return list(_font_fallbacks)


def kind_color(kind: str | None, alpha: int = 255) -> QColor:
    c = QColor(KIND_COLORS.get(kind or "", "#cccccc"))
    c.setAlpha(alpha)
    return c


def ui_font(point_size: float = 10, bold: bool = False) -> QFont:
    """The bundled UI font, falling back to the system's CJK fonts and then to the bundled CJK fallback for
    characters it lacks (``set_font_fallbacks``). Its 'pwid' feature makes quotes and dashes proportional:
    Noto Sans CJK SC draws them full-width otherwise, which leaves gaps around ‘quoted’ words in Latin text."""
    f = QFont(UI_FONT_FAMILY)
    f.setFamilies([UI_FONT_FAMILY, *_font_fallbacks])
    f.setPointSizeF(point_size)
    f.setBold(bold)
    f.setFeature(QFont.Tag("pwid"), 1)
    return f


def esc(text: object) -> str:
    """Escape text from data for use inside rich text: data is never interpreted as HTML."""
    return html.escape(str(text or ""), quote=True)


def item_link(item_id: str, label: str) -> str:
    """An anchor that views turn into ``state.select(item_id)`` when clicked."""
    return f'<a href="item:{esc(item_id)}">{esc(label)}</a>'
