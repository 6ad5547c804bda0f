"""Replace what a QTextBrowser shows without the flicker of ``setHtml``.

``QTextEdit.setHtml`` first empties the document: the text is short for a moment, so the scroll bar hides
(the viewport widens, its layout is redone) and then shows again for the new text (narrower, laid out a
second time), with a repaint of the dock each time. Filling a fresh document that is not yet shown and
putting it in place in one step lays the text out once, at the width it will have, and moves the scroll bar
only if the new text needs it to.
"""

from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser


def replace_html(browser: QTextBrowser, html: str) -> None:
    """Show ``html`` in ``browser`` as ``setHtml`` would (same style sheet, font and margin, at the top)."""
    old = browser.document()
    doc = QTextDocument(browser)
    doc.setDefaultStyleSheet(old.defaultStyleSheet())
    doc.setDefaultFont(old.defaultFont())
    doc.setDocumentMargin(old.documentMargin())
    doc.setDefaultTextOption(old.defaultTextOption())
    doc.setUndoRedoEnabled(False)
    doc.setHtml(html)
    browser.setDocument(doc)
    # the browser's own first document belongs to it (it goes with setDocument); the ones made here are ours
    if getattr(browser, "_swapped_document", None) is not None:
        browser._swapped_document.deleteLater()
    browser._swapped_document = doc
