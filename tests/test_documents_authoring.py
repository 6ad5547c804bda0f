"""From a passage to an item, in the documents view (issue 10): text selected as a user selects it
(a QTextCursor over Qt's UTF-16 positions) offers New Event / Voice / Actor / Relationship from Selection
(a form request with exact code-point offsets) and Add as Evidence for the selected item (one undo step);
a passage's context menu offers Remove from ‹item› and Delete Passage (a confirmation when it is evidence
for several items); candidate marks; the underline tooltip follows edits.

The document has a character outside the Basic Multilingual Plane (two UTF-16 units) and a "\\r\\n" before
the text selected, so Qt's positions and Python's offsets differ there.
"""

from __future__ import annotations

import pytest
from conftest import anchored_passage, write_corpus_folder
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip

from explorer.core import load_corpus
from explorer.core.commands import EditItem
from explorer.qt.views.documents import CANDIDATE_COLOR, DocumentView

TEXT = ("Notes 𝔘 on the pipeline 😀 and its partners.\r\n"
        "The Power of Siberia pipeline opened on 2 Dec 2019 after years of talks. "
        "Gazprom and CNPC signed the contract in May 2014, said Lu Nanquan 陆南泉 of CASS.\n"
        "Trade grew in 2021.\n")
OTHER = "A second document, so that the view has two tabs.\n"


def qt_pos(text: str, offset: int) -> int:
    """The Qt position of a Python offset: UTF-16 units, "\\r\\n" as one paragraph separator."""
    return len(text[:offset].encode("utf-16-le")) // 2 - text[:offset].count("\r\n")


def build(root):
    files = {
        "corpus.json": {"title": "Authoring", "time_range": ["2010", "2022"]},
        "documents.json": [
            {"id": "doc-notes", "title": "Pipeline notes", "date": "2021-12", "file": "documents/notes.txt"},
            {"id": "doc-other", "title": "Other", "file": "documents/other.txt"},
        ],
        "passages.json": [
            anchored_passage("p-contract", "doc-notes", TEXT, "Gazprom and CNPC signed the contract in May 2014"),
            anchored_passage("p-trade", "doc-notes", TEXT, "Trade grew in 2021."),
            anchored_passage("p-lu", "doc-notes", TEXT, "said Lu Nanquan 陆南泉 of CASS"),
        ],
        "experts.json": [{"id": "ex-lu", "name": "Lu Nanquan", "native_name": "陆南泉", "passages": ["p-contract"],
                          "positions": [{"text": "Energy dominates the trade.", "passages": ["p-lu"]}]}],
        "themes.json": [{"id": "th-energy", "name": "Energy", "passages": ["p-contract"]}],
        "entities.json": [{"id": "en-gazprom", "name": "Gazprom", "kind": "organisation",
                           "passages": ["p-contract"]}],
        "events.json": [
            {"id": "ev-contract", "title": "Gas contract signed", "start": "2014-05", "themes": ["th-energy"],
             "actors": ["en-gazprom"], "passages": ["p-contract"]},
            {"id": "ev-trade", "title": "Trade grows", "start": "2021", "passages": ["p-trade"]},
        ],
    }
    return write_corpus_folder(root, {"documents/notes.txt": TEXT, "documents/other.txt": OTHER}, files)


@pytest.fixture()
def corpus(tmp_path):
    loaded = load_corpus(build(tmp_path / "authoring"))
    assert loaded.problems == []
    assert loaded.get("doc-notes").text == TEXT
    return loaded


@pytest.fixture()
def view(make_view):
    v = make_view(DocumentView, 760, 700)
    assert v.current_document_id() == "doc-notes"
    return v


def select_text(view, phrase: str) -> tuple[int, int]:
    """Select ``phrase`` in the text as a user would (a cursor over Qt positions); its Python offsets."""
    start = TEXT.index(phrase)
    end = start + len(phrase)
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(qt_pos(TEXT, start))
    cursor.setPosition(qt_pos(TEXT, end), QTextCursor.MoveMode.KeepAnchor)
    view.text.setTextCursor(cursor)
    assert view.text.textCursor().selectedText() == phrase
    return start, end


def point_of(view, offset: int) -> QPoint:
    """A viewport point on the character at a Python offset."""
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(qt_pos(TEXT, offset))
    rect = view.text.cursorRect(cursor)
    return rect.center() + QPoint(3, 0)


def test_the_offsets_differ_between_qt_and_python_before_the_selection():
    at = TEXT.index("Power of Siberia")
    assert qt_pos(TEXT, at) == at + 2 - 1  # two characters outside the BMP, one "\r\n"


@pytest.mark.parametrize("kind, label", [("event", "Event"), ("expert", "Voice"), ("entity", "Actor"),
                                         ("relationship", "Relationship")])
def test_new_item_from_selection_asks_for_a_form_with_exact_offsets(view, state, qtbot, kind, label):
    requests = []
    state.itemFormRequested.connect(requests.append)
    phrase = "The Power of Siberia pipeline opened on 2 Dec 2019"
    start, end = select_text(view, phrase)
    menu = view.build_context_menu(point_of(view, start + 3))
    action = next(a for a in menu.actions() if a.text() == f"New {label} from Selection")
    assert action.isEnabled()
    action.trigger()
    assert requests == [{"kind": kind, "document": "doc-notes", "start": start, "end": end, "quote": phrase}]
    assert TEXT[start:end] == phrase
    assert state.corpus.counts() == load_corpus(state.corpus.root).counts()  # nothing made until the form


def test_shortcuts_are_shown_in_the_menu_and_work_in_the_text(view, state, qtbot):
    requests = []
    state.itemFormRequested.connect(requests.append)
    view.activateWindow()
    view.text.setFocus()
    qtbot.waitUntil(view.text.hasFocus)
    start, end = select_text(view, "Lu Nanquan 陆南泉")
    menu = view.build_context_menu()
    shortcuts = {a.text(): a.shortcut().toString() for a in menu.actions() if not a.isSeparator()}
    assert shortcuts["New Event from Selection"] == "Ctrl+Alt+E"
    assert shortcuts["New Voice from Selection"] == "Ctrl+Alt+V"
    assert shortcuts["New Actor from Selection"] == "Ctrl+Alt+A"
    assert shortcuts["New Relationship from Selection"] == "Ctrl+Alt+R"
    assert all(a.isShortcutVisibleInContextMenu() for a in menu.actions() if not a.shortcut().isEmpty())
    qtbot.keyClick(view.text, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert requests == [{"kind": "expert", "document": "doc-notes", "start": start, "end": end,
                         "quote": "Lu Nanquan 陆南泉"}]


def test_no_new_item_without_a_selection(view, state):
    requests = []
    state.itemFormRequested.connect(requests.append)
    view.text.moveCursor(QTextCursor.MoveOperation.Start)
    assert not any(a.isEnabled() for a in view.new_actions.values())
    view.new_from_selection("event")
    assert requests == []
    assert "Select text" in view.message_label.text()


def test_white_space_around_the_selection_is_left_out(view, state):
    requests = []
    state.itemFormRequested.connect(requests.append)
    phrase = "Trade grew in 2021."
    start = TEXT.index(phrase)
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(qt_pos(TEXT, start - 1))  # the line break before it
    cursor.setPosition(qt_pos(TEXT, start + len(phrase)), QTextCursor.MoveMode.KeepAnchor)
    view.text.setTextCursor(cursor)
    view.new_actions["event"].trigger()
    assert requests[0]["start"] == start and requests[0]["quote"] == phrase


def test_add_as_evidence_is_one_undo_step_with_exact_offsets(view, state):
    state.select("ev-trade")
    assert view.current_document_id() == "doc-notes"
    phrase = "opened on 2 Dec 2019"
    start, end = select_text(view, phrase)
    action = view.add_evidence_action
    assert action.isEnabled() and action.text() == "Add as Evidence for ‘Trade grows’"
    assert action.shortcut().toString() == "Ctrl+Alt+P"
    menu = view.build_context_menu()
    assert action in menu.actions()
    undo_before = state.workspace.stack.index
    action.trigger()
    passages = [p for p in state.corpus.passages if p.document == "doc-notes" and p.start == start]
    assert len(passages) == 1
    new = passages[0]
    assert (new.start, new.end, new.quote) == (start, end, phrase) and TEXT[new.start:new.end] == new.quote
    assert new.id in state.corpus.get("ev-trade").passages
    assert state.workspace.stack.index == undo_before + 1  # one step
    # the view follows at once: the new passage is highlighted for the selected event
    assert (start, end) in view.highlight_ranges()
    state.undo()
    assert state.corpus.get(new.id) is None
    assert state.corpus.get("ev-trade").passages == ["p-trade"]
    assert (start, end) not in view.highlight_ranges()
    state.redo()
    assert new.id in state.corpus.get("ev-trade").passages


def test_add_as_evidence_reuses_a_passage_with_the_same_offsets(view, state):
    state.select("ev-trade")
    start, end = select_text(view, "Gazprom and CNPC signed the contract in May 2014")
    n = len(state.corpus.passages)
    view.add_evidence_action.trigger()
    assert len(state.corpus.passages) == n
    assert "p-contract" in state.corpus.get("ev-trade").passages
    # now it is already evidence: disabled, saying why
    view._update_actions()
    assert not view.add_evidence_action.isEnabled()
    assert "already evidence" in view.add_evidence_action.text()


@pytest.mark.parametrize("selected, why", [(None, "select an event, voice, actor, relationship or theme"),
                                           ("doc-other", "select an event"), ("p-trade", "select an event")])
def test_add_as_evidence_is_disabled_with_a_reason(view, state, selected, why):
    state.select(selected)
    if view.current_document_id() != "doc-notes":
        state.select(None)
        view._switch_to("doc-notes")
    select_text(view, "after years of talks")
    action = view.add_evidence_action
    assert not action.isEnabled()
    assert why in action.text()
    n = len(state.corpus.passages)
    view.add_selection_as_evidence()  # the shortcut on a disabled action does nothing; the call says why
    assert len(state.corpus.passages) == n
    assert why in view.message_label.text()


def test_remove_from_an_item_is_one_command_and_keeps_the_passage(view, state):
    state.select("ev-contract")
    p = state.index.passages["p-contract"]
    menu = view.build_context_menu(point_of(view, p.start + 5))
    texts = [a.text() for a in menu.actions()]
    assert "Remove from ‘Gas contract signed’" in texts and "Remove from ‘Gazprom’" in texts
    assert "Remove from ‘Energy’" in texts
    undo_before = state.workspace.stack.index
    next(a for a in menu.actions() if a.text() == "Remove from ‘Gazprom’").trigger()
    assert "p-contract" not in state.corpus.get("en-gazprom").passages
    assert state.corpus.get("p-contract") is not None
    assert "p-contract" in state.corpus.get("ev-contract").passages
    assert state.workspace.stack.index == undo_before + 1
    state.undo()
    assert "p-contract" in state.corpus.get("en-gazprom").passages


def test_remove_from_a_voice_takes_the_passage_from_its_position(view, state):
    p = state.index.passages["p-lu"]
    menu = view.build_context_menu(point_of(view, p.start + 6))
    action = next(a for a in menu.actions() if a.text() == "Remove from ‘Lu Nanquan’")
    action.trigger()
    expert = state.corpus.get("ex-lu")
    assert expert.positions[0].passages == [] and expert.passages == ["p-contract"]
    assert state.corpus.get("p-lu") is not None
    state.undo()
    assert state.corpus.get("ex-lu").positions[0].passages == ["p-lu"]


def test_delete_passage_of_one_item_goes_at_once(view, state):
    p = state.index.passages["p-trade"]
    menu = view.build_context_menu(point_of(view, p.start + 2))
    action = next(a for a in menu.actions() if a.text().startswith("Delete Passage"))
    assert action.text() == "Delete Passage"
    action.trigger()
    assert view.confirm_box is None
    assert state.corpus.get("p-trade") is None and state.corpus.get("ev-trade").passages == []
    state.undo()
    assert state.corpus.get("ev-trade").passages == ["p-trade"]


@pytest.mark.qt_log_ignore(r"This plugin does not support")
def test_delete_passage_of_several_items_names_them_first(view, state, qtbot):
    p = state.index.passages["p-contract"]
    menu = view.build_context_menu(point_of(view, p.start + 2))
    action = next(a for a in menu.actions() if a.text().startswith("Delete Passage"))
    assert action.text() == "Delete Passage…"
    action.trigger()
    box = view.confirm_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    said = box.text() + box.informativeText()
    assert "evidence for 4 items" in said
    for name in ("Event: Gas contract signed", "Actor: Gazprom", "Theme: Energy", "Expert: Lu Nanquan"):
        assert name in said
    assert state.corpus.get("p-contract") is not None  # nothing gone yet
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.confirm_box is None)
    assert state.corpus.get("p-contract") is not None

    next(a for a in view.build_context_menu(point_of(view, p.start + 2)).actions()
         if a.text() == "Delete Passage…").trigger()
    box = view.confirm_box
    delete = next(b for b in box.buttons() if b.text() == "Delete Passage")
    undo_before = state.workspace.stack.index
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.confirm_box is None)
    assert state.corpus.get("p-contract") is None
    for item in ("ev-contract", "en-gazprom", "th-energy", "ex-lu"):
        assert "p-contract" not in state.corpus.get(item).passages
    assert state.workspace.stack.index == undo_before + 1
    assert (p.start, p.end) not in [(s, e) for s, e, _ in view.text.marks()]  # its underline went with it


@pytest.mark.qt_log_ignore(r"This plugin does not support raise")
def test_the_underline_tooltip_names_the_items_and_follows_a_rename(view, state, qtbot):
    p = state.index.passages["p-contract"]
    point = point_of(view, p.start + 4)
    tip = view.tooltip_at(point)
    assert "Event: Gas contract signed" in tip and "Actor: Gazprom" in tip
    state.do(EditItem("ev-contract", title="Gas supply contract signed"))
    tip = view.tooltip_at(point)
    assert "Event: Gas supply contract signed" in tip and "Gas contract signed" not in tip
    # a real tooltip event on the viewport shows it
    viewport = view.text.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    qtbot.waitUntil(lambda: "Gas supply contract signed" in QToolTip.text())
    # plain text shows none
    assert view.tooltip_at(point_of(view, TEXT.index("after years"))) == ""


def candidate_selections(view):
    out = []
    for sel in view.text.extraSelections():
        fmt = sel.format
        if fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline:
            out.append((sel.cursor.selectionStart(), sel.cursor.selectionEnd(), fmt.underlineColor().name(),
                        fmt.background().style()))
    return out


def test_candidate_marks_are_drawn_apart_from_evidence_with_a_tooltip(view, state):
    phrase = "2 Dec 2019"
    start = TEXT.index(phrase)
    end = start + len(phrase)
    state.select("ev-contract")
    state.set_candidate_marks("doc-notes", [(start, end, "Possible event: pipeline opened")])
    assert view.candidate_ranges() == [(start, end, "Possible event: pipeline opened")]
    assert candidate_selections(view) == [(qt_pos(TEXT, start), qt_pos(TEXT, end), CANDIDATE_COLOR,
                                           Qt.BrushStyle.NoBrush)]
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(qt_pos(TEXT, start))
    cursor.setPosition(qt_pos(TEXT, end), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == phrase
    assert "Possible event: pipeline opened" in view.tooltip_at(point_of(view, start + 2))
    assert "candidate" in view.legend.text()
    # evidence highlights are unchanged beside them
    assert view.highlight_ranges() == [(state.index.passages["p-contract"].start,
                                        state.index.passages["p-contract"].end)]
    # marks for another document do not show here; an empty list clears
    state.set_candidate_marks("doc-other", [(0, 5, "elsewhere")])
    assert len(candidate_selections(view)) == 1
    state.set_candidate_marks("doc-notes", [])
    assert candidate_selections(view) == [] and view.candidate_ranges() == []
    assert "candidate" not in view.legend.text()
    view._switch_to("doc-other")
    assert [(s, e) for s, e, *_ in candidate_selections(view)] == [(0, 5)]


def test_candidate_marks_out_of_range_are_ignored(view, state):
    state.set_candidate_marks("doc-notes", [(5, 2, "reversed"), (0, 10 ** 6, "too long"), ("x", 3, "bad")])
    assert view.candidate_ranges() == [] and candidate_selections(view) == []
