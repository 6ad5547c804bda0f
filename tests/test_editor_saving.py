"""Saving what was edited in the editor: a corpus folder this user cannot write opens for reading (the title
says so), its edits are kept and journalled, and Save sends them to Save As; nothing in the folder changes."""

from __future__ import annotations

import os
import shutil

from PySide6.QtCore import Qt

from conftest import DATA, open_window
from qt_helpers import type_text


def test_a_read_only_folder_opens_for_reading_and_its_edits_go_to_save_as(app, qtbot, tmp_path, monkeypatch):
    from explorer.core import load_corpus

    folder = tmp_path / "corpus"
    shutil.copytree(DATA, folder)
    real_access = os.access
    # the tests may run as root, whom a chmod does not stop: the folder is read-only as the OS reports it
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if (str(path) == str(folder) and mode & os.W_OK)
                        else real_access(path, mode, **kw))
    win = open_window(qtbot, folder, use_settings=False)
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


KILLED_SESSION = r'''
import os, sys
sys.path.insert(0, {tests!r})
import conftest  # offscreen
os.environ["EXPLORER_STATE_DIR"] = {state!r}  # the journal where the test that runs this looks for it
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication(["explorer"])
from explorer.qt.app import make_app
make_app()
from explorer.qt.window.main_window import MainWindow
win = MainWindow(use_settings=False)
win.show()
win.open_corpus({folder!r}, background=False)
win.state.select({event!r})
win.show_editor()
for name, text in (("title", "Typed before the crash"), ("date_text", "as the crash came")):
    field = win.editor.field(name)
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key.Key_Return)
assert win.state.corpus.get({event!r}).title == "Typed before the crash"
print("edited", flush=True)
os.kill(os.getpid(), 9)  # killed half-way: no save, no clean exit
'''


def test_edits_typed_in_the_editor_survive_the_app_being_killed(app, qtbot, tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    folder = tmp_path / "corpus"
    shutil.copytree(DATA, folder)
    event = "ev-east-route-pipeline-launch"
    script = KILLED_SESSION.format(tests=str(ROOT / "tests"), folder=str(folder), event=event,
                                   state=os.environ["EXPLORER_STATE_DIR"])
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "edited" in killed.stdout and killed.returncode == -9, killed.stderr
    win = open_window(qtbot, folder, use_settings=False)
    assert win.state.corpus.get(event).title != "Typed before the crash"  # never applied silently
    assert win.recovery_box is not None and "2 edits" in win.recovery_box.text()
    win.recover_button.click()
    recovered = win.state.corpus.get(event)
    assert (recovered.title, recovered.date_text) == ("Typed before the crash", "as the crash came")
    assert win.isWindowModified() and win.act_undo.text() == "&Undo Recover Unsaved Edits"
    win.state.select(event)
    assert win.editor.field("title").text() == "Typed before the crash"
    assert win.save_corpus()
    from explorer.core import load_corpus

    assert load_corpus(folder).get(event).title == "Typed before the crash"
    win.close()


def test_save_with_the_cursor_still_in_a_field_saves_what_was_typed(app, qtbot, tmp_path):
    from explorer.core import load_corpus

    folder = tmp_path / "corpus"
    shutil.copytree(DATA, folder)
    win = open_window(qtbot, folder, use_settings=False)
    event = win.state.corpus.events[0].id
    win.state.select(event)
    win.show_editor()
    win.activateWindow()
    title = win.editor.field("title")
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    title.selectAll()
    type_text(qtbot, title, "Typed, then Ctrl+S")
    qtbot.keyClick(title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert load_corpus(folder).get(event).title == "Typed, then Ctrl+S"
    assert not win.isWindowModified() and title.hasFocus()
    win.close()
