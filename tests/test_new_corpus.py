"""File ▸ New Corpus…: the dialog creates a corpus folder (title, optional description and time range) and
the window opens it; what is wrong is said in the dialog and nothing is created. And the core's
``create_corpus`` behind it."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence

from explorer.core.ingest import NewCorpusError, create_corpus
from explorer.core.io.load import load_corpus
from qt_helpers import type_text


def test_create_corpus_writes_an_empty_valid_corpus(tmp_path):
    root = create_corpus(tmp_path / "c", "  My corpus ", "About things", ("1991", "2024-06"))
    corpus = load_corpus(root)
    assert corpus.problems == []
    assert corpus.info.title == "My corpus" and corpus.info.description == "About things"
    assert [str(d) for d in corpus.info.time_range] == ["1991", "2024-06"]
    assert json.loads((root / "documents.json").read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("title, time_range, message", [
    ("", None, "a corpus needs a title"),
    ("T", ("1991", "2024-13"), "the last date of the time range"),
    ("T", ("2020", "2010"), "the time range ends (2010) before it starts (2020)"),
    ("T", ("soon", "2010"), "the first date of the time range"),
])
def test_create_corpus_refuses_in_words_and_leaves_nothing(tmp_path, title, time_range, message):
    with pytest.raises(NewCorpusError) as info:
        create_corpus(tmp_path / "c", title, "", time_range)
    assert message in str(info.value)
    assert not (tmp_path / "c").exists()


def test_create_corpus_wants_a_new_or_empty_folder(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    with pytest.raises(NewCorpusError, match="is not empty"):
        create_corpus(tmp_path / "full", "T")
    (tmp_path / "empty").mkdir()
    assert load_corpus(create_corpus(tmp_path / "empty", "T")).problems == []


@pytest.fixture()
def window(app, qtbot):
    from explorer.qt.window.main_window import MainWindow

    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    yield win
    win.close()


def test_new_corpus_dialog_creates_the_folder_and_opens_it(window, qtbot, tmp_path):
    from explorer.qt.window.new_corpus_dialog import NewCorpusDialog

    assert window.act_new_corpus.text() == "&New Corpus…"
    assert window.act_new_corpus.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.act_new_corpus in file_menu.actions() and window.act_add_documents in file_menu.actions()
    dialog = window.new_corpus()
    assert isinstance(dialog, NewCorpusDialog) and dialog.isVisible()
    dialog._parent_folder = tmp_path  # where the folder is offered (the user's Documents otherwise)
    assert not dialog.create_button.isEnabled()  # no title yet
    type_text(qtbot, dialog.title_edit, "China–Russia relations")
    assert dialog.folder_edit.text() == str(tmp_path / "china-russia-relations")
    dialog.description_edit.setPlainText("Reports and articles.")
    qtbot.mouseClick(dialog.range_check, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.range_check.height() // 2))
    assert dialog.range_check.isChecked() and dialog.from_edit.isEnabled()
    type_text(qtbot, dialog.from_edit, "1991")
    type_text(qtbot, dialog.to_edit, "2024-13")
    assert not dialog.create_button.isEnabled()
    assert dialog.error_label.text() == "The last date of the time range: month 13 does not exist."
    dialog.to_edit.clear()
    type_text(qtbot, dialog.to_edit, "1990")
    assert "ends (1990) before it starts (1991)" in dialog.error_label.text()
    dialog.to_edit.clear()
    type_text(qtbot, dialog.to_edit, "2024-06")
    assert dialog.error_label.text() == "" and dialog.create_button.isEnabled()
    with qtbot.waitSignal(window.corpusLoaded, timeout=20000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    root = tmp_path / "china-russia-relations"
    assert window.state.corpus.root == root and window.corpus_path == root
    info = window.state.corpus.info
    assert (info.title, info.description, [str(d) for d in info.time_range]) == (
        "China–Russia relations", "Reports and articles.", ["1991", "2024-06"])
    assert window.windowTitle().startswith("China–Russia relations")
    assert "Add Documents" in window.statusBar().currentMessage()
    assert load_corpus(root).problems == []


def test_new_corpus_dialog_refuses_a_folder_with_files_and_creates_nothing(window, qtbot, tmp_path):
    from explorer.qt.window.new_corpus_dialog import NewCorpusDialog

    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    dialog = NewCorpusDialog(window, parent_folder=tmp_path)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.title_edit, "Taken")
    assert dialog.folder_edit.text() == str(tmp_path / "taken-2")  # offered a free name
    dialog.folder_edit.setText(str(tmp_path / "taken"))
    assert "already holds files" in dialog.error_label.text() and not dialog.create_button.isEnabled()
    dialog.accept()  # Enter: refused again, said again, the dialog stays
    assert dialog.created is None and dialog.result() == 0
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]
