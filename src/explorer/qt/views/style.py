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


def kind_color(kind: str | None, alpha: int = 255) -> QColor:
    c = QColor(KIND_COLORS.get(kind or "", "#cccccc"))
    c.setAlpha(alpha)
    return c


def ui_font(point_size: float = 10, bold: bool = False) -> QFont:
    """The bundled UI font. Its 'pwid' feature makes quotes and dashes proportional: Noto Sans CJK SC
    draws them full-width otherwise, which leaves gaps around ‘quoted’ words in Latin text."""
    f = QFont(UI_FONT_FAMILY)
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
