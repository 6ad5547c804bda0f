"""Edit ▸ History lists the undo stack's steps by what they did, marks where the corpus is now (and where it
was saved), and a click on a step undoes or redoes up to it; Undo / Redo in the menu name their step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from conftest import write_mini_corpus
from qt_helpers import type_text


@pytest.fixture()
def win(app, qtbot, tmp_path):
    from explorer.qt.window.main_window import MainWindow

    window = MainWindow(use_settings=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    with qtbot.waitSignal(window.corpusLoaded, timeout=20000):
        window.open_corpus(write_mini_corpus(tmp_path / "mini"))
    yield window
    window.close()


def retype(qtbot, edit, text):
    edit.setFocus()
    edit.selectAll()
    type_text(qtbot, edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def three_edits(qtbot, win):
    win.state.select("ev-opened")
    win.show_editor()
    editor = win.editor
    retype(qtbot, editor.field("title"), "NATO summit in London")
    retype(qtbot, editor.field("start").edit, "3 Dec 2019")
    retype(qtbot, editor.field("date_text").edit if hasattr(editor.field("date_text"), "edit")
           else editor.field("date_text"), "3 December")


def test_undo_and_redo_say_what_they_take_back(qtbot, win):
    three_edits(qtbot, win)
    assert win.act_undo.text() == "&Undo Change date as written of ‘NATO summit in London’"
    win.act_undo.trigger()
    assert win.act_undo.text() == "&Undo Change start of ‘NATO summit in London’"
    assert win.act_redo.text() == "&Redo Change date as written of ‘NATO summit in London’"
    win.act_undo.trigger()
    win.act_undo.trigger()
    assert not win.act_undo.isEnabled() and win.act_undo.text() == "&Undo"
    assert win.editor.field("title").text() == "Bridge opened"


def test_the_history_lists_the_steps_and_jumps_to_any(qtbot, win):
    three_edits(qtbot, win)
    win.act_history.trigger()
    panel = win.history_panel
    assert panel is not None and panel.isVisible()
    assert panel.steps() == ["Opened Mini    ◀ saved",
                             "1.  Change title of ‘Bridge opened’",
                             "2.  Change start of ‘NATO summit in London’",
                             "3.  Change date as written of ‘NATO summit in London’    ◀ now"]
    rect = panel.list.visualItemRect(panel.list.item(1))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ev = win.state.corpus.get("ev-opened")
    assert ev.title == "NATO summit in London" and str(ev.start) == "2020-04" and ev.date_text is None
    assert win.state.workspace.stack.index == 1 and panel.steps()[1].endswith("◀ now")
    assert panel.list.item(3).foreground().color().name() == "#9a9a9a"  # undone: grey
    assert win.editor.field("start").edit.text() == "2020-04"  # the views followed every step
    rect = panel.list.visualItemRect(panel.list.item(0))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.state.corpus.get("ev-opened").title == "Bridge opened" and not win.isWindowModified()
    panel.list.setCurrentRow(3)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert str(win.state.corpus.get("ev-opened").start) == "2019-12-03" and win.isWindowModified()
    win.act_save.trigger()
    assert panel.steps()[3].endswith("◀ now, saved")
    win.act_history.trigger()  # the same window again, not a second one
    assert win.history_panel is panel
