"""Helpers shared by the widget tests: real typing and real link positions."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication


def anchor_point(browser, href) -> QPoint:
    """Where the link to ``href`` is drawn in the browser's viewport (scrolled into view)."""
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        for it in block:
            frag = it.fragment()
            if frag.isValid() and frag.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(frag.position() + frag.length() // 2)
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()
                return browser.cursorRect(cursor).center()
        block = block.next()
    raise AssertionError(f"no link to {href}")


def type_text(qtbot, widget, text):
    """Type into a widget: QTest's keyClicks for ASCII; a key event carrying the character for the rest
    (QTest aborts on characters outside Latin-1 and mistypes accents), as a keyboard layout sends it, or
    an input method's commit for CJK."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        elif ord(ch) >= 0x2E80:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)
        else:
            for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(etype, 0, Qt.KeyboardModifier.NoModifier, ch))
