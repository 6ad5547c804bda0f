"""File ▸ Add Documents… and files dropped on the window: read off the UI thread with progress, added in
one undo step and shown in the documents view; Cancel adds nothing; a bad file in a drop is named and
the others are added. The inputs are written by tests/test_ingest.py's makers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from conftest import open_window
from explorer.core.ingest import ORIGINALS
from explorer.core.io.load import load_corpus
from test_ingest import (ARTICLE, make_corpus, make_docx, make_encrypted_pdf, make_html, make_md, make_pdf,
                         make_txt)


@pytest.fixture()
def window(app, qtbot, tmp_path):
    root = make_corpus(tmp_path)
    win = open_window(qtbot, root, size=(1280, 800), use_settings=False)
    yield win
    if win.ingest_dialog is not None and win.ingest_dialog.running:
        win.ingest_dialog.cancel()
        qtbot.waitUntil(lambda: not win.ingest_dialog.running, timeout=20000)
    win.close()


def _tab_titles(win) -> list[str]:
    tabs = win.documents.tabs
    return [tabs.tabText(i) for i in range(tabs.count())]


def _rows(dialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def test_add_documents_reads_with_progress_and_shows_them_in_the_documents_view(window, qtbot, tmp_path):
    files = [make_txt(tmp_path), make_html(tmp_path), make_pdf(tmp_path), make_docx(tmp_path)]
    assert window.act_add_documents.text() == "&Add Documents…"
    seen = []
    dialog = window.add_documents(files)
    dialog._reader.progressed.connect(lambda done, total, path: seen.append((done, total)))
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert dialog.bar.value() == dialog.bar.maximum() == 4
    assert [p for p, _ in dialog.report.added] == files
    assert _tab_titles(window) == ["field notes", "Bridge opens", "Trade report", "Word memo"]
    rows = _rows(dialog)
    assert all(row.startswith("✓") for row in rows) and "added as “Trade report”" in rows[2]
    assert dialog.status.text().startswith("Added 4 documents.")
    # the first new document is selected and on show, its text as extracted
    first = dialog.report.added[0][1]
    assert window.state.selection == first
    assert window.documents.text.toPlainText().startswith("Field notes")
    # one undo step takes the import back
    assert window.state.workspace.stack.undo_label() == "Add 4 Documents"
    window.state.undo()
    assert _tab_titles(window) == []
    window.state.redo()
    assert len(_tab_titles(window)) == 4
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel) is None  # done: Cancel became Close
    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()
    assert not dialog.isVisible()
    assert window.save_corpus()
    corpus = load_corpus(window.state.corpus.root)
    assert corpus.problems == [] and len(list(corpus.documents)) == 4


def test_cancel_mid_way_leaves_the_corpus_as_it_was(window, qtbot, tmp_path):
    files = [make_txt(tmp_path), make_md(tmp_path), make_pdf(tmp_path, pages=30), make_docx(tmp_path)]
    root = Path(window.state.corpus.root)
    gate, reached = threading.Event(), threading.Event()

    def hold(done, total, path):  # runs in the reader's thread: it waits at the third file for the click
        if done == 2:
            reached.set()
            gate.wait(20)

    from explorer.qt.window.ingest_dialog import AddDocumentsDialog, add_files

    assert add_files(window, []) is None  # nothing to add: no dialog

    dialog = AddDocumentsDialog(window.state, files, window)
    dialog._reader.progressed.connect(hold, Qt.ConnectionType.DirectConnection)
    window.ingest_dialog = dialog
    dialog.show()
    dialog.start()
    qtbot.waitUntil(reached.is_set, timeout=20000)
    qtbot.waitUntil(lambda: _rows(dialog)[1].startswith("○"), timeout=20000)  # two files read so far
    assert dialog.isVisible() and dialog.running
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Cancelling…" and not dialog.cancel_button.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20000)
    assert dialog.report.cancelled and dialog.report.added == []
    assert not dialog.isVisible()
    assert list(window.state.corpus.documents) == [] and _tab_titles(window) == []
    assert not window.state.workspace.stack.can_undo() and not window.state.workspace.modified
    assert not (root / ORIGINALS).exists()


def _drop(window, widget, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(widget.rect().center())
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()


def test_a_drop_with_one_bad_file_adds_the_others_and_names_the_bad_one(window, qtbot, tmp_path):
    good = [make_md(tmp_path), make_pdf(tmp_path)]
    bad = make_encrypted_pdf(tmp_path, "locked.pdf")
    _drop(window, window, [good[0], bad, good[1]])
    dialog = window.ingest_dialog
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    assert [p for p, _ in dialog.report.added] == good
    assert [p for p, _ in dialog.report.refused] == [bad]
    rows = _rows(dialog)
    assert rows[1].startswith("✗  locked.pdf: is an encrypted PDF that needs a password")
    assert "1 file could not be read" in dialog.status.text()
    assert "1 file could not be read" in window.statusBar().currentMessage()
    assert _tab_titles(window) == ["The bridge, at last", "Trade report"]
    assert not (Path(window.state.corpus.root) / ORIGINALS / "locked.pdf").exists()


def test_a_drop_on_a_view_reaches_the_window_and_a_duplicate_is_not_added_twice(window, qtbot, tmp_path):
    html = make_html(tmp_path)
    _drop(window, window, [html])
    qtbot.waitUntil(lambda: window.ingest_dialog.report is not None, timeout=30000)
    window.ingest_dialog.accept()
    target = window.documents.text.viewport()  # dropped on the document text: the window takes it
    _drop(window, target, [html])
    dialog = window.ingest_dialog
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    (path, doc_id), = dialog.report.duplicates
    assert path == html and dialog.report.added == []
    assert _rows(dialog)[0].startswith("=  page.html — already in the corpus as “Bridge opens”")
    assert _tab_titles(window) == ["Bridge opens"]
    assert ARTICLE in window.state.corpus.get(doc_id).text


def test_a_pdf_written_by_qt_reads_as_paragraphs_of_single_spaced_words(app, tmp_path):
    """Qt's PDF writer places each word on its own (pypdf reads tabs between them): the text is plain
    words with single spaces, a paragraph per paragraph, across pages. (In the system's DejaVu Sans: in the
    app's Noto Sans CJK subset Qt writes a ToUnicode map that gives control characters for digits and
    ligatures, to pypdf and PDFium alike.)"""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QFont, QFontInfo, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    from explorer.core.ingest import extract

    path = tmp_path / "qt.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15)))
    writer.setTitle("Written by Qt")
    doc = QTextDocument()
    font = QFont("DejaVu Sans", 10)
    assert QFontInfo(font).family() == "DejaVu Sans"
    doc.setDefaultFont(font)
    doc.setHtml("".join(f"<p>{ARTICLE} {n}</p>" for n in range(12)))
    doc.print_(writer)
    found = extract(path)
    assert found.title == "Written by Qt" and found.pages >= 2
    assert "\t" not in found.text and "  " not in found.text
    assert found.text.split("\n\n") == [f"{ARTICLE} {n}" for n in range(12)]
