"""The window saves and recovers: File ▸ Save writes the edits, Save As writes a new folder, a file changed
on disk is reported and the edits stay, and unsaved edits of a crashed session are offered back."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtGui import QKeySequence

from conftest import DATA
from explorer.core import load_corpus
from explorer.core.commands import EditItem


@pytest.fixture()
def folder(tmp_path):
    shutil.copytree(DATA, tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.fixture()
def open_window(app, qtbot):
    from explorer.qt.window.main_window import MainWindow

    made = []

    def factory(path):
        win = MainWindow(use_settings=False)
        qtbot.addWidget(win)
        win.resize(1400, 900)
        win.show()
        with qtbot.waitSignal(win.corpusLoaded, timeout=20000):
            win.open_corpus(path)
        made.append(win)
        return win

    yield factory
    for win in made:
        win.close()


def test_save_writes_the_edit_and_clears_the_modified_mark(open_window, folder):
    win = open_window(folder)
    event = win.state.corpus.events[0]
    win.state.do(EditItem(event.id, title="Edited in the window"))
    assert win.isWindowModified() and "[*]" in win.windowTitle()
    assert win.act_save.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    win.act_save.trigger()
    assert not win.isWindowModified()
    assert "Saved events.json" in win.statusBar().currentMessage()
    assert load_corpus(folder).get(event.id).title == "Edited in the window"


def test_save_as_writes_a_new_folder_that_becomes_the_corpus(open_window, folder, tmp_path):
    win = open_window(folder)
    event = win.state.corpus.events[0]
    win.state.do(EditItem(event.id, title="In the copy"))
    assert win.save_corpus_as(tmp_path / "copy")
    assert load_corpus(tmp_path / "copy").get(event.id).title == "In the copy"
    assert load_corpus(folder).get(event.id).title == event.title  # the original is untouched
    assert win.corpus_path == tmp_path / "copy" and not win.isWindowModified()
    assert not win.save_corpus_as(folder)  # a folder that is not empty is refused
    assert "not an empty folder" in win.last_save_error


def test_a_file_changed_on_disk_is_reported_and_the_edits_stay(open_window, folder):
    win = open_window(folder)
    event = win.state.corpus.events[0]
    win.state.do(EditItem(event.id, title="Mine"))
    (folder / "events.json").write_text((folder / "events.json").read_text(encoding="utf-8") + "\n",
                                        encoding="utf-8")
    assert not win.save_corpus()
    assert "events.json" in win.last_save_error and "Your edits are kept" in win.last_save_error
    assert win.isWindowModified() and win.state.corpus.get(event.id).title == "Mine"


def test_unsaved_edits_of_a_crashed_session_are_offered_back(open_window, folder, qtbot):
    first = open_window(folder)
    event = first.state.corpus.events[0]
    first.state.do(EditItem(event.id, title="Before the crash"))
    # the process dies here: nothing saved; a new window opens the same folder
    second = open_window(folder)
    assert second.state.corpus.get(event.id).title == event.title  # not applied silently
    box = second.recovery_box
    assert box is not None and box.isVisible() and "1 edit" in box.text()
    second.recover_button.click()
    assert second.state.corpus.get(event.id).title == "Before the crash"
    assert second.isWindowModified()
    second.act_undo.trigger()
    assert second.state.corpus.get(event.id).title == event.title


def test_discarding_recovered_edits_is_explicit(open_window, folder):
    first = open_window(folder)
    first.state.do(EditItem(first.state.corpus.events[0].id, title="Thrown away"))
    second = open_window(folder)
    second.discard_button.click()
    assert not second.state.workspace.recovery_available()
    third = open_window(folder)
    assert third.recovery_box is None


def test_a_journal_that_cannot_be_written_is_said_and_the_edit_stands(open_window, folder, monkeypatch):
    from explorer.core.io import journal as journal_module

    win = open_window(folder)
    event = win.state.corpus.events[0]

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(journal_module.os, "open", refuse)
    win.state.do(EditItem(event.id, title="Still applied"))
    monkeypatch.undo()
    assert win.state.corpus.get(event.id).title == "Still applied"
    assert "cannot be kept safe from a crash" in win.statusBar().currentMessage()
    assert win.act_undo.isEnabled()
