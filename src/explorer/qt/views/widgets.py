"""Small widgets shared by the views."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyleOption, QWidget

from .style import MUTED_TEXT, TEXT_COLOR, esc, ui_font


class ElidedLabel(QLabel):
    """A one-line plain-text label that ends in "…" when there is no room, rather than being cut
    mid-word; ``text()`` stays the full text, which is also the tooltip when it does not fit."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(0)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(painter, rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter),
                                  option.palette, self.isEnabled(), shown, self.foregroundRole())
        painter.end()
        if shown != self.text() and not self.toolTip():
            self.setToolTip(self.text())


#: where a message about an empty view points for the files a corpus is made of
CORPUS_FORMAT_HINT = "The README's “The corpus format” describes the files of a corpus."


class EmptyState(QLabel):
    """A view's empty state: what is missing and the action that fills it, centred over the widget it
    covers (a canvas, a list's viewport), which it follows in size. It lets the mouse through."""

    def __init__(self, covered: QWidget):
        super().__init__(covered)
        self.setObjectName("emptyState")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFont(ui_font(10))
        self._title = ""
        self._body = ""
        self._banner = False
        self._covered = covered
        covered.installEventFilter(self)
        self.hide()

    def show_message(self, title: str, body: str = "", banner: bool = False) -> None:
        """Show ``title`` (what is missing) and ``body`` (what to do; a paragraph a line), plain text both:
        centred over the whole widget, or with ``banner`` in a strip across its top (when what the view
        does show should stay visible)."""
        if (title, body, banner) == (self._title, self._body, self._banner) and not self.isHidden():
            return
        self._title, self._body, self._banner = title, body, banner
        paragraphs = "".join(f"<p>{esc(part)}</p>" for part in body.split("\n") if part)
        size = "10pt" if banner else "11.5pt"
        self.setText(f'<p style="font-size:{size}; font-weight:600; color:{TEXT_COLOR};">{esc(title)}</p>'
                     f"{paragraphs}")
        if banner:
            self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.setContentsMargins(12, 4, 12, 6)
            self.setStyleSheet(f"QLabel#emptyState {{ color: {MUTED_TEXT}; background: rgba(255, 255, 255, 230);"
                               " border-bottom: 1px solid #e2e2e2; }")
        else:
            self.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.setContentsMargins(32, 16, 32, 16)
            self.setStyleSheet(f"QLabel#emptyState {{ color: {MUTED_TEXT}; background: transparent; }}")
        self._place()
        self.show()
        self.raise_()

    def clear(self) -> None:
        self._title = self._body = ""
        self.hide()

    def message(self) -> str:
        """The message shown (title and body), or "" when the view is not empty."""
        return f"{self._title}\n{self._body}".strip() if self._title else ""

    def _place(self) -> None:
        rect = self._covered.rect()
        if self._banner:
            rect.setHeight(min(rect.height(), self.heightForWidth(rect.width())))
        self.setGeometry(rect)

    def eventFilter(self, obj, ev) -> bool:
        if obj is self._covered and ev.type() == QEvent.Type.Resize and self._title:
            self._place()
        return False
