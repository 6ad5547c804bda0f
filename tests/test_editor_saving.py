"""Saving what was edited in the editor: a corpus folder this user cannot write opens for reading (the title
says so), its edits are kept and journalled, and Save sends them to Save As; nothing in the folder changes."""

from __future__ import annotations

import os
import shutil

from PySide6.QtCore import Qt

from conftest import DATA
from qt_helpers import type_text


def test_a_read_only_folder_opens_for_reading_and_its_edits_go_to_save_as(app, qtbot, tmp_path, monkeypatch):
    from explorer.core import load_corpus
    from explorer.qt.window.main_window import MainWindow

    folder = tmp_path / "corpus"
    shutil.copytree(DATA, folder)
    real_access = os.access
    # the tests may run as root, whom a chmod does not stop: the folder is read-only as the OS reports it
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if (str(path) == str(folder) and mode & os.W_OK)
                        else real_access(path, mode, **kw))
    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.corpusLoaded, timeout=20000):
        win.open_corpus(folder)
    assert "(read-only)" in win.windowTitle() and win.read_only()
    event = win.state.corpus.events[0]
    before = (folder / "events.json").read_bytes()
    win.state.select(event.id)
    win.show_editor()
    title = win.editor.field("title")
    title.setFocus()
    title.selectAll()
    type_text(qtbot, title, "Edited while read-only")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert win.state.corpus.get(event.id).title == "Edited while read-only" and win.isWindowModified()
    assert not win.save_corpus()
    assert "read-only" in win.last_save_error and "Save As" in win.last_save_error
    assert (folder / "events.json").read_bytes() == before
    assert win.save_corpus_as(tmp_path / "mine")
    assert load_corpus(tmp_path / "mine").get(event.id).title == "Edited while read-only"
    assert "(read-only)" not in win.windowTitle() and not win.isWindowModified()
    win.close()
