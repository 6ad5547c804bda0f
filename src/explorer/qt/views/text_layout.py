"""One laid-out document of the documents view: a read-only ``QTextEdit`` that keeps its layout.

Why a page per document (kept while its tab is open, up to ``DocumentView.MAX_PAGES``): a ``QTextEdit``
lays its document out again whenever it is given one (``setDocument`` resets the page width), so one
editor that switches texts lays out the 1 MB document on every switch. A page that stays laid out is
shown again at once.

Why long paragraphs are broken for display (``display_text``): Qt lays a document out lazily, a
paragraph at a time, but a paragraph always whole. A 1 MB text without a line break (the benchmark's
document, an extracted PDF) is one paragraph that takes over a second to lay out. ``display_text`` turns
the white space after a sentence about every ``BREAK_EVERY`` characters of such a paragraph into a
paragraph separator: one character for one, so Qt's positions stay exactly those of the text
(``OffsetMap`` needs nothing more), and copying the selection gives the document's own characters back.

Highlights are ``QTextEdit.ExtraSelection``\\s; ``setExtraSelections`` measures every one of them
(laying the text out up to it), so a page holds all its marks but gives the editor only those near the
part on show (``MARK_WINDOW`` characters either side), again when it is scrolled.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QFrame, QTextEdit, QWidget

from ...core.layout.text import OffsetMap
from .style import TEXT_COLOR, ui_font

#: a paragraph longer than this is shown in sections (a display matter only, see the module's docstring)
LONG_PARAGRAPH = 20_000
#: about how long the sections are
BREAK_EVERY = 8_000
#: marks are given to the editor within this many characters of what is on show
MARK_WINDOW = 25_000
#: the line height of the text, in percent
LINE_HEIGHT = 145

_SENTENCE_END = ".!?;:。！？”’\")"


def display_text(text: str, long_paragraph: int = LONG_PARAGRAPH, every: int = BREAK_EVERY) -> str:
    """``text`` with paragraphs longer than ``long_paragraph`` broken into sections of about ``every``
    characters: the space or tab after a sentence (else any space or tab) becomes U+2029, the paragraph
    separator. Same length, every other character unchanged; a stretch without white space stays whole."""
    if len(text) <= long_paragraph:
        return text
    cuts: list[int] = []
    para_start = 0
    n = len(text)
    while para_start < n:
        para_end = text.find("\n", para_start)
        if para_end < 0:
            para_end = n
        if para_end - para_start > long_paragraph:
            at = para_start + every
            while at < para_end - every // 2:
                cut = _break_near(text, at, min(para_end, at + every // 2))
                if cut < 0:
                    at += every
                    continue
                cuts.append(cut)
                at = cut + every
        para_start = para_end + 1
    if not cuts:
        return text
    pieces, last = [], 0
    for cut in cuts:
        pieces.append(text[last:cut])
        last = cut + 1
    pieces.append(text[last:])
    return "\u2029".join(pieces)


def _break_near(text: str, start: int, limit: int) -> int:
    """The first space or tab after a sentence end in [start, limit), else the first space or tab; -1."""
    any_space = -1
    for i in range(start, limit):
        ch = text[i]
        if ch == " " or ch == "\t":
            if i > 0 and text[i - 1] in _SENTENCE_END:
                return i
            if any_space < 0:
                any_space = i
    return any_space


class DocumentPage(QTextEdit):
    """The text of one document, read-only, laid out once; marks in Python offsets (code points)."""

    def __init__(self, doc_id: str | None, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc_id = doc_id
        self.source_text = text
        self.map = OffsetMap(text)
        self.setObjectName("documentText")
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setFont(ui_font(10.5))
        self.setStyleSheet(f"QTextEdit {{ background: #ffffff; color: {TEXT_COLOR}; }}")
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        doc = self.document()
        doc.setUndoRedoEnabled(False)
        doc.setDocumentMargin(20)
        doc.setDefaultFont(self.font())
        # the line height set on the first block before the text goes in: every block inherits it (a
        # mergeBlockFormat over the whole text afterwards took longer than the text itself)
        cursor = QTextCursor(doc)
        fmt = QTextBlockFormat()
        fmt.setLineHeight(LINE_HEIGHT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.setBlockFormat(fmt)
        if text:
            cursor.insertText(display_text(text))
        self.moveCursor(QTextCursor.MoveOperation.Start)
        #: every mark of the page, in painting order: (start, end, format) in Python offsets
        self._marks: list[tuple[int, int, QTextCharFormat]] = []
        self._window: tuple[int, int] | None = None  # the range whose marks the editor holds
        #: cache of the page's dotted underlines: (key, [(start, end)])
        self.underlines: tuple[object, list[tuple[int, int]]] | None = None
        self.verticalScrollBar().valueChanged.connect(self._follow_scroll)

    # -- offsets -------------------------------------------------------------------------------------
    def cursor_for(self, start: int, end: int | None = None) -> QTextCursor:
        """A cursor over [start, end) (Python offsets), made without laying the text out to it."""
        doc = self.document()
        last = doc.characterCount() - 1
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()  # a cursor inside an edit block does not measure where it is
        cursor.setPosition(min(self.map.to_qt(start), last))
        if end is not None:
            cursor.setPosition(min(self.map.to_qt(end), last), QTextCursor.MoveMode.KeepAnchor)
        cursor.endEditBlock()
        return cursor

    def selection_range(self) -> tuple[int, int] | None:
        """The selected text as (start, end) Python offsets, None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.map.to_py(cursor.selectionStart()), self.map.to_py(cursor.selectionEnd())

    def copy(self) -> None:  # noqa: A003 - QTextEdit's name
        """Copy gives the document's own characters (not the separators of ``display_text``). The clipboard
        gets the text itself: a QMimeData made in Python and returned from ``createMimeDataFromSelection``
        is deleted by Python while the clipboard still holds it, and the process crashes when it exits."""
        rng = self.selection_range()
        if rng is not None:
            QApplication.clipboard().setText(self.source_text[rng[0]:rng[1]])

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- marks ---------------------------------------------------------------------------------------
    def set_marks(self, marks: list[tuple[int, int, QTextCharFormat]]) -> None:
        """Show these marks (the editor gets those near what is on show; a page not on show gets them
        when it is shown: measured before, at a size it does not have, they would lay the text out for
        nothing)."""
        self._marks = marks
        self._window = None
        if self.isVisible() or len(self.source_text) <= 2 * MARK_WINDOW:
            self._apply_window()

    def marks(self) -> list[tuple[int, int, QTextCharFormat]]:
        return list(self._marks)

    def visible_center(self) -> int:
        """The Python offset of the text at the middle of what is on show (the middle, not the corners: a
        point in the margin above the first line hits no line, and Qt answers with where its lazy layout
        has got to)."""
        return self.map.to_py(self.cursorForPosition(self.viewport().rect().center()).position())

    def _wanted_window(self) -> tuple[int, int]:
        n = len(self.source_text)
        if n <= 2 * MARK_WINDOW:
            return 0, n
        center = self.visible_center()
        return max(0, center - MARK_WINDOW), min(n, center + MARK_WINDOW)

    def _apply_window(self) -> None:
        lo, hi = self._wanted_window()
        self._window = (lo, hi)
        extras = []
        for start, end, fmt in self._marks:
            if end >= lo and start <= hi:
                sel = QTextEdit.ExtraSelection()
                sel.cursor = self.cursor_for(start, end)
                sel.format = fmt
                extras.append(sel)
        self.setExtraSelections(extras)

    def _follow_scroll(self, _value: int = 0) -> None:
        """Give the editor the marks near what is on show again when the middle of it nears an end of
        the marks it holds (a screenful is a few thousand characters: far less than ``MARK_WINDOW / 2``)."""
        if self._window is None or not self._marks or len(self.source_text) <= 2 * MARK_WINDOW:
            return
        center = self.visible_center()
        lo, hi = self._window
        if (center < lo + MARK_WINDOW // 2 and lo > 0) or (center > hi - MARK_WINDOW // 2
                                                          and hi < len(self.source_text)):
            self._apply_window()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self._window is not None and len(self.source_text) > 2 * MARK_WINDOW:
            self._follow_scroll()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._window is None:
            self._apply_window()
        elif self._marks and len(self.source_text) > 2 * MARK_WINDOW:
            self._follow_scroll()
