"""File ▸ Import…: the preview shows what will be added and the problems, Cancel changes nothing, Import is
one undo step; spreadsheet columns can be changed and are remembered; File ▸ Export Data… writes the file."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from conftest import DATA, open_window
from explorer.core import Workspace
from explorer.core.corpus import Corpus
from explorer.core.io.load import load_corpus
from explorer.qt.bridge import AppState
from explorer.qt.window.interop_dialog import ExportDataDialog, ImportDialog

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "interop"
ERRORS = SAMPLES / "timelinejs3/_history/29e6b14589833460d1bb1c063ab7750b713bf895/compiled/examples/error_message_test.json"
def _shot(widget, name: str) -> None:
    """Keep a picture of the dialog to look at, when EXPLORER_TEST_SHOTS names a folder for them."""
    folder = os.environ.get("EXPLORER_TEST_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / name))


@pytest.fixture
def state(tmp_path):
    return AppState(workspace=Workspace(Corpus(root=tmp_path / "c")))


def _ready(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.prepared is not None and not dialog.busy(), timeout=20000)


def test_preview_counts_and_problems_cancel_changes_nothing(qtbot, state):
    before = state.corpus.snapshot()
    dialog = ImportDialog(None, state, ERRORS)
    qtbot.addWidget(dialog)
    dialog.resize(900, 640)
    dialog.show()
    _ready(qtbot, dialog)
    assert "will add 1 document, 16 passages, 16 events." in dialog.summary.text()
    assert dialog.table.rowCount() == 16
    assert dialog.problems.count() == 1
    assert dialog.problems.item(0).text() == \
        "error_message_test.json: events[9]: no start_date; the slide is left out (Hawaii)"
    assert dialog.import_button.isEnabled()
    _shot(dialog, "import-timelinejs.png")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert state.corpus.snapshot() == before
    assert not state.workspace.stack.can_undo()


def test_import_is_one_undo_step(qtbot, state):
    before = state.corpus.snapshot()
    edits = []
    state.corpusEdited.connect(edits.append)
    dialog = ImportDialog(None, state, SAMPLES / "timelinejs3/contrib/women_in_computing.json")
    qtbot.addWidget(dialog)
    dialog.show()
    _ready(qtbot, dialog)
    assert dialog.set_title.isVisible() and dialog.set_title.isChecked()  # the corpus has no title of its own
    dialog.import_button.click()
    assert dialog.result is not None
    assert len(state.corpus.events) == 10 and state.corpus.info.title == "Women in Computing"
    assert state.workspace.stack.undo_label() == "Import women_in_computing.json"
    assert edits  # the views heard it
    state.undo()
    assert state.corpus.snapshot() == before and not state.workspace.stack.can_undo()


def test_spreadsheet_columns_can_be_changed_and_are_remembered(qtbot, state, tmp_path):
    path = tmp_path / "sheet.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["Wann", "Was", "Wer", "Notiz"], ["2001-09", "Treaty signed", "Russia; China", "x"],
                                  ["1996", "Shanghai Five", "China", ""]])
    dialog = ImportDialog(None, state, path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.busy() and dialog.problems.count() == 1, timeout=20000)
    assert "no column holds the date" in dialog.problems.item(0).text()
    assert dialog.mapping_box.isVisible() and not dialog.import_button.isEnabled()
    # choose the columns: the date, the title, the actors; the preview follows each choice
    for field, column in (("date", "Wann"), ("title", "Was"), ("actors", "Wer")):
        box = dialog._mapping_boxes[field]
        box.setCurrentIndex(box.findData(column))
        qtbot.waitUntil(lambda: not dialog.busy(), timeout=20000)
    _ready(qtbot, dialog)
    assert dialog._mapping_boxes["date"].currentText() == "Wann"
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 1).text() == "Treaty signed"
    notes = dialog._mapping_boxes["notes"]
    notes.setCurrentIndex(notes.findData("Notiz"))
    _ready(qtbot, dialog)
    assert dialog.plan.mapping["notes"] == "Notiz"
    dialog.resize(900, 640)
    _shot(dialog, "import-spreadsheet.png")
    dialog.import_button.click()
    assert len(state.corpus.events) == 2 and len(state.corpus.entities) == 2
    # the next time, the same header gets the same columns without asking
    again = ImportDialog(None, AppState(workspace=Workspace(Corpus(root=tmp_path / "d"))), path)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.prepared is not None and not again.busy(), timeout=20000)
    assert again.plan.mapping["date"] == "Wann" and again.plan.mapping["notes"] == "Notiz"


def test_a_file_in_no_known_format_is_said_and_cannot_be_imported(qtbot, state, tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    dialog = ImportDialog(None, state, path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy() and dialog.problems.count() == 1, timeout=20000)
    assert "JSON in no format explorer reads" in dialog.problems.item(0).text()
    assert not dialog.import_button.isEnabled()


def test_export_data_dialog_writes_the_file(qtbot, tmp_path):
    state = AppState(workspace=Workspace(load_corpus(DATA)))
    dialog = ExportDataDialog(None, state)
    qtbot.addWidget(dialog)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("gexf"))
    assert dialog.path_edit.text().endswith(".gexf")
    dialog.path_edit.setText(str(tmp_path / "g.gexf"))
    dialog.window_check.setChecked(False)
    dialog.show()
    _shot(dialog, "export-data.png")
    dialog.export_button.click()
    assert (tmp_path / "g.gexf").is_file() and "nodes" in dialog.result_text


def test_the_window_has_import_and_export_data_in_its_file_menu(app, qtbot):
    from explorer.qt.window.interop_dialog import open_import

    win = open_window(qtbot, DATA, size=(1400, 900))
    file_menu = win.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "&Import…" in texts and "Export &Data…" in texts
    events_before = len(win.state.corpus.events)
    dialog = open_import(win, SAMPLES / "vis-timeline/basic.json")
    _ready(qtbot, dialog)
    dialog.import_button.click()
    assert len(win.state.corpus.events) == events_before + 6
    assert win.state.workspace.stack.undo_label() == "Import basic.json"
    win.state.undo()
    assert len(win.state.corpus.events) == events_before
    win.close()


def test_without_the_text_the_events_come_in_unsupported(qtbot, state):
    dialog = ImportDialog(None, state, SAMPLES / "vis-timeline/basic.json")
    qtbot.addWidget(dialog)
    dialog.show()
    _ready(qtbot, dialog)
    dialog.keep_text.setChecked(False)
    _ready(qtbot, dialog)
    assert "will add 6 events." in dialog.summary.text()
    assert "unsupported" in dialog.notes.text()
    dialog.import_button.click()
    assert len(state.corpus.events) == 6 and len(state.corpus.documents) == 0
    assert len(state.corpus.unsupported_ids()) == 6


def test_stop_while_reading_a_large_sheet_changes_nothing(qtbot, state, tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["event_date", "event_type", "actor1", "notes"])
        for i in range(120_000):
            w.writerow([f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}", "Battles", f"Group {i % 50}", f"row {i}"])
    before = state.corpus.snapshot()
    dialog = ImportDialog(None, state, path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.progress.maximum() > 0 and dialog.progress.value() > 0, timeout=30000)
    assert dialog.stop_button.isVisible()
    dialog.stop_button.click()
    qtbot.waitUntil(lambda: "Stopped" in dialog.summary.text(), timeout=30000)
    assert not dialog.busy() and not dialog.import_button.isEnabled()
    assert state.corpus.snapshot() == before
