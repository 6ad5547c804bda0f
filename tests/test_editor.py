"""The editor panel: every field of the selected item, typed into for real, applied on Enter or when focus
leaves, one undo step each (named after what it changes), impossible dates and an end before the start
refused under the field with nothing applied, references picked by completion, evidence removed, Delete…
with what refers to the item, Merge Into… for duplicates; and it follows the selection and every edit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from conftest import open_window, write_mini_corpus
from qt_helpers import type_text

#: a completer's popup, offscreen
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the (keyboard|mouse))")


@pytest.fixture()
def st(app, tmp_path):
    """A state on a fresh mini corpus of this test's own (edits never reach another test)."""
    from explorer.core.io.open import open_corpus
    from explorer.qt.bridge import AppState

    state = AppState()
    state.set_corpus(open_corpus(write_mini_corpus(tmp_path / "mini")))
    yield state
    state.deleteLater()


@pytest.fixture()
def editor(qtbot, st):
    from explorer.qt.views.editor import EditorView

    view = EditorView(st)
    qtbot.addWidget(view)
    view.resize(460, 900)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close()


def retype(qtbot, edit, text):
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    type_text(qtbot, edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_a_title_typed_and_entered_is_one_undo_step_that_names_what_it_changes(qtbot, st, editor):
    st.select("ev-opened")
    field = editor.field("title")
    assert field.text() == "Bridge opened"
    retype(qtbot, field, "Bridge opened to traffic")
    assert st.corpus.get("ev-opened").title == "Bridge opened to traffic"
    stack = st.workspace.stack
    assert stack.undo_label() == "Change title of ‘Bridge opened’" and stack.index == 1
    st.undo()  # the panel shows the old value again
    assert st.corpus.get("ev-opened").title == "Bridge opened"
    assert editor.field("title").text() == "Bridge opened"
    st.redo()
    assert editor.field("title").text() == "Bridge opened to traffic"


def test_focus_leaving_a_field_applies_it(qtbot, st, editor):
    st.select("ex-liwei")
    editor.window().activateWindow()
    role = editor.field("role")
    role.setFocus()
    qtbot.waitUntil(role.hasFocus)
    role.selectAll()
    type_text(qtbot, role, "economist")
    assert st.corpus.get("ex-liwei").role == "analyst"  # nothing yet: still typing
    editor.field("affiliation").setFocus()
    qtbot.waitUntil(lambda: st.corpus.get("ex-liwei").role == "economist")
    assert st.workspace.stack.undo_label() == "Change role of ‘Li Wei’"


def test_a_summary_applies_on_enter_and_shift_enter_starts_a_new_line(qtbot, st, editor):
    st.select("ev-trade")
    summary = editor.field("summary")
    summary.setFocus()
    type_text(qtbot, summary, "Exports rose")
    qtbot.keyClick(summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, summary, "by a third")
    assert st.corpus.get("ev-trade").summary == ""
    qtbot.keyClick(summary, Qt.Key.Key_Return)
    assert st.corpus.get("ev-trade").summary == "Exports rose\nby a third"


@pytest.mark.parametrize("typed, stored, precision", [
    ("2019", "2019", "year"), ("2019-12", "2019-12", "month"), ("2019-12-02", "2019-12-02", "day"),
    ("Dec 2019", "2019-12", "month"), ("December 2019", "2019-12", "month"),
    ("16 September 2019", "2019-09-16", "day"), ("16 Sep 2019", "2019-09-16", "day"),
    ("September 16, 2019", "2019-09-16", "day"),
])
def test_dates_are_read_as_written_and_show_the_precision_they_keep(qtbot, st, editor, typed, stored, precision):
    st.select("ev-opened")
    date = editor.field("start")
    date.edit.setFocus()
    date.edit.selectAll()
    type_text(qtbot, date.edit, typed)
    assert date.hint.isVisible() and date.hint.text().startswith(f"{precision.capitalize()} precision: ")  # said before it applies
    qtbot.keyClick(date.edit, Qt.Key.Key_Return)
    assert str(st.corpus.get("ev-opened").start) == stored
    assert date.edit.text() == stored and not date.error.isVisible()
    assert st.workspace.stack.undo_label() == "Change start of ‘Bridge opened’"


@pytest.mark.parametrize("typed, words", [("31 June 2019", "June 2019 has no day 31"),
                                          ("2019-02-30", "February 2019 has no day 30"),
                                          ("soon", "is not a date")])
def test_an_impossible_date_is_refused_under_the_field_and_nothing_is_applied(qtbot, st, editor, typed, words):
    st.select("ev-opened")
    before = st.corpus.snapshot()
    date = editor.field("start")
    retype(qtbot, date.edit, typed)
    assert date.error.isVisible() and words in date.error.text()
    assert date.error.styleSheet().startswith("color: #c0392b")  # red
    assert st.corpus.snapshot() == before and st.workspace.stack.index == 0
    retype(qtbot, date.edit, "2020-04-15")  # corrected: the message goes, the date applies
    assert not date.error.isVisible() and str(st.corpus.get("ev-opened").start) == "2020-04-15"


def test_an_end_before_the_start_is_refused_inline(qtbot, st, editor):
    st.select("ev-trade")  # 2021-01 .. 2021-11
    end = editor.field("end")
    retype(qtbot, end.edit, "Dec 2020")
    assert end.error.isVisible() and "before the start (January 2021)" in end.error.text()
    assert str(st.corpus.get("ev-trade").end) == "2021-11" and st.workspace.stack.index == 0
    start = editor.field("start")
    retype(qtbot, start.edit, "2022")
    assert start.error.isVisible() and "The end (November 2021) is before the start (2022)" in start.error.text()
    retype(qtbot, end.edit, "")  # an optional end may be emptied
    assert st.corpus.get("ev-trade").end is None


def test_a_required_date_cannot_be_emptied(qtbot, st, editor):
    st.select("ev-opened")
    start = editor.field("start")
    retype(qtbot, start.edit, "")
    assert start.error.isVisible() and "a date is needed" in start.error.text().lower()
    assert str(st.corpus.get("ev-opened").start) == "2020-04"


def test_themes_and_actors_are_added_by_completion_and_removed_with_their_cross(qtbot, st, editor):
    from explorer.core.commands import AddItem

    st.do(AddItem("theme", id="theme-trade", name="Trade", passages=["p-trade"]))
    st.select("ev-trade")
    themes = editor.field("themes")
    themes.edit.setFocus()
    type_text(qtbot, themes.edit, "tra")
    popup = themes.edit.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().rowCount() == 1 and "Trade" in popup.model().index(0, 0).data()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert st.corpus.get("ev-trade").themes == ["theme-trade"]
    assert themes.labels() == ["Trade"]
    actors = editor.field("actors")
    retype(qtbot, actors.edit, "china")  # exactly a label, ignoring case
    assert st.corpus.get("ev-trade").actors == ["ent-china"]
    retype(qtbot, actors.edit, "Nobody at all")
    assert actors.error.isVisible() and "no actor or voice called ‘Nobody at all’" in actors.error.text()
    assert st.corpus.get("ev-trade").actors == ["ent-china"]
    steps = st.workspace.stack.index
    chip = actors.chips_box.widgets()[0]
    qtbot.mouseClick(chip.remove, Qt.MouseButton.LeftButton)
    assert st.corpus.get("ev-trade").actors == []
    assert st.workspace.stack.index == steps + 1 and "actors of ‘Trade grew’" in st.workspace.stack.undo_label()


def test_new_beside_a_list_opens_the_form_and_the_new_item_joins_the_list_in_one_step(qtbot, st, editor):
    from explorer.qt.window.forms import ItemForm

    st.select("ev-trade")
    requests = []
    st.itemFormRequested.connect(requests.append)
    themes = editor.field("themes")
    type_text(qtbot, themes.edit, "Commerce")
    qtbot.mouseClick(themes.new_button, Qt.MouseButton.LeftButton)
    assert requests == [{"kind": "theme", "name": "Commerce", "add_to": {"item": "ev-trade", "field": "themes"}}]
    form = ItemForm(st, requests[0])
    qtbot.addWidget(form)
    assert form.field("name").text() == "Commerce"
    form.create_button.click()
    new = form.new_id
    assert st.corpus.get("ev-trade").themes == [new] and st.corpus.get(new).name == "Commerce"
    assert themes.labels() == ["Commerce"]
    st.undo()  # one step: the theme and its place in the list
    assert st.corpus.get(new) is None and st.corpus.get("ev-trade").themes == []


def test_a_relationship_end_is_picked_by_completion(qtbot, st, editor):
    st.select("rel-builds")
    target = editor.field("target")
    assert target.edit.text() == "The bridge"
    retype(qtbot, target.edit, "Li Wei")
    assert st.corpus.get("rel-builds").target == "ex-liwei"
    retype(qtbot, target.edit, "China")  # its own source: the core refuses, in words, and nothing changes
    assert "links ent-china to itself" in editor.message.text() and editor.message.isVisible()
    assert st.corpus.get("rel-builds").target == "ex-liwei" and target.edit.text() == "Li Wei"


def test_choices_ticks_colours_aliases_and_positions(qtbot, st, editor):
    st.select("ent-china")
    kind = editor.field("kind")
    kind.setCurrentIndex(kind.findData("place"))
    kind.activated.emit(kind.currentIndex())
    assert st.corpus.get("ent-china").kind == "place"
    retype(qtbot, editor.field("aliases"), "PRC; People's Republic")
    assert st.corpus.get("ent-china").aliases == ["PRC", "People's Republic"]
    st.select("ev-opened")
    qtbot.mouseClick(editor.field("inferred"), Qt.MouseButton.LeftButton)
    assert st.corpus.get("ev-opened").inferred is True
    st.select("theme-infra")
    color = editor.field("color")
    retype(qtbot, color.edit, "green")
    assert color.error.isVisible() and "#rrggbb" in color.error.text() and st.corpus.get("theme-infra").color is None
    retype(qtbot, color.edit, "#4FA36B")
    assert st.corpus.get("theme-infra").color == "#4fa36b"
    st.select("ex-liwei")
    positions = editor.field("positions")
    retype(qtbot, positions.adder, "Ports matter")
    assert [p.text for p in st.corpus.get("ex-liwei").positions] == ["Trade will grow", "Ports matter"]
    assert st.corpus.get("ex-liwei").positions[0].passages == ["p-liwei"]  # its evidence kept


def test_removing_the_last_evidence_shows_the_item_as_unsupported(qtbot, st, editor):
    from explorer.qt.views.editor import UNSUPPORTED_TEXT

    st.select("ev-opened")
    assert editor.evidence_quotes() == ["p-opened"] and not editor.banner.isVisible()
    remove = editor.body.findChild(type(editor.delete_button), "removeEvidence")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert st.corpus.get("ev-opened").passages == []
    assert editor.banner.isVisible() and editor.banner.text() == UNSUPPORTED_TEXT
    assert "background: #fff4e5" in editor.banner.styleSheet()
    assert st.workspace.stack.undo_label() == "Remove evidence from ‘Bridge opened’"
    st.undo()
    assert editor.evidence_quotes() == ["p-opened"] and not editor.banner.isVisible()


def test_delete_lists_what_refers_to_the_item_and_removes_the_references_in_the_same_step(qtbot, st, editor):
    from explorer.qt.views.editor import DeleteDialog

    st.select("ent-bridge")
    before = st.corpus.snapshot()
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    dialog = editor.window().findChild(DeleteDialog) or next(w for w in editor.findChildren(DeleteDialog))
    shown = [dialog.refs_list.item(i).text() for i in range(dialog.refs_list.count())]
    assert shown == ["Event: Bridge opened", "Event: Bridge proposed", "Relationship: builds"]
    assert dialog.delete_button.text() == "Delete and Remove References"
    dialog.delete_button.click()
    assert st.corpus.get("ent-bridge") is None and st.corpus.get("rel-builds") is None
    assert st.corpus.get("ev-opened").actors == []
    assert st.selection is None and st.workspace.stack.undo_label() == "Delete ‘The bridge’"
    st.undo()
    assert st.corpus.snapshot() == before


def test_delete_of_an_item_nothing_refers_to(qtbot, st):
    from explorer.qt.views.editor import DeleteDialog

    dialog = DeleteDialog(st, "ev-trade")
    qtbot.addWidget(dialog)
    assert dialog.refs_list.isHidden() and dialog.delete_button.text() == "Delete"
    dialog.delete_button.click()
    assert st.corpus.get("ev-trade") is None


def test_merge_into_rewrites_every_reference_to_the_survivor(qtbot, st, editor):
    from explorer.core.commands import AddItem, EditItem
    from explorer.qt.views.editor import MergeDialog

    st.do(AddItem("entity", id="ent-bridge-2", name="The Bridge", kind="project", passages=["p-opened"]))
    st.do(EditItem("ev-trade", actors=["ent-bridge-2"]))
    st.select("ent-bridge-2")
    before = st.corpus.snapshot()
    qtbot.mouseClick(editor.merge_button, Qt.MouseButton.LeftButton)
    dialog = editor.findChild(MergeDialog) or editor.window().findChild(MergeDialog)
    assert dialog.list.currentItem().data(Qt.ItemDataRole.UserRole) == "ent-bridge"  # the likely duplicate first
    type_text(qtbot, dialog.filter, "china")
    assert dialog.list.currentItem().data(Qt.ItemDataRole.UserRole) == "ent-china"
    dialog.filter.clear()
    dialog.choose("ent-bridge")
    dialog.merge_button.click()
    assert st.corpus.get("ent-bridge-2") is None
    assert st.corpus.get("ev-trade").actors == ["ent-bridge"]
    assert "p-opened" in st.corpus.get("ent-bridge").passages
    assert st.selection == "ent-bridge" and editor.field("name").text() == "The bridge"
    assert st.workspace.stack.undo_label() == "Merge ‘The Bridge’ into ‘The bridge’"
    st.undo()
    assert st.corpus.snapshot() == before


def test_the_panel_follows_the_selection_and_edits_made_elsewhere(qtbot, st, editor):
    from explorer.core.commands import EditItem

    assert "Select an item" in editor.body.findChildren(type(editor.header))[-1].text()
    for item_id, first in (("ev-opened", "title"), ("ex-liwei", "name"), ("ent-china", "name"),
                           ("rel-builds", "source"), ("theme-infra", "name"), ("doc-a", "title")):
        st.select(item_id)
        assert first in editor.fields and editor.item_id == item_id
    st.select("ev-opened")
    st.do(EditItem("ev-opened", title="Renamed elsewhere"))
    assert editor.field("title").text() == "Renamed elsewhere"
    assert "Renamed elsewhere" in editor.header.text()
    st.do(EditItem("ent-bridge", name="Big bridge"))  # a name the panel shows in a chip
    assert editor.field("actors").labels() == ["Big bridge"]
    st.select("p-opened")
    assert editor.body.findChildren(type(editor.delete_button))  # a passage: what it is evidence for


def test_the_editor_is_a_tab_of_the_inspector_dock_in_the_window(app, qtbot, tmp_path):
    win = open_window(qtbot, write_mini_corpus(tmp_path / "m"), use_settings=False)
    tabs = win.inspector_tabs
    assert win.docks["inspector"].widget() is tabs and [tabs.tabText(i) for i in range(tabs.count())] == \
        ["Inspector", "Editor"] and tabs.currentWidget() is win.inspector
    win.state.select("ev-opened")
    win.act_edit_item.trigger()  # F2
    assert tabs.currentWidget() is win.editor and win.editor.isVisible()
    assert win.editor.field("title").text() == "Bridge opened"
    win.close()


def test_new_beside_a_relationship_end_makes_the_actor_that_end_in_one_step(qtbot, st, editor):
    from explorer.qt.window.forms import ItemForm

    st.select("rel-builds")
    requests = []
    st.itemFormRequested.connect(requests.append)
    target = editor.field("target")
    retype(qtbot, target.edit, "Harbin city")
    assert "no actor or voice called ‘Harbin city’" in target.error.text()
    target.new_button.menu().actions()[0].trigger()  # New Actor…
    assert requests[-1] == {"kind": "entity", "name": "Harbin city",
                            "add_to": {"item": "rel-builds", "field": "target"}}
    form = ItemForm(st, requests[-1])
    qtbot.addWidget(form)
    form.create_button.click()
    assert st.corpus.get("rel-builds").target == form.new_id and target.edit.text() == "Harbin city"
    st.undo()
    assert st.corpus.get("rel-builds").target == "ent-bridge" and st.corpus.get(form.new_id) is None


def test_what_was_typed_applies_to_its_item_when_the_selection_moves_on(qtbot, st, editor):
    st.select("ev-opened")
    editor.window().activateWindow()
    title = editor.field("title")
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    title.selectAll()
    type_text(qtbot, title, "Opened at last")  # no Enter: the user clicks another event
    st.select("ev-trade")
    assert st.corpus.get("ev-opened").title == "Opened at last"
    assert st.corpus.get("ev-trade").title == "Trade grew"
    assert editor.field("title").text() == "Trade grew"
    assert st.workspace.stack.undo_label() == "Change title of ‘Bridge opened’"


def test_escape_puts_back_what_was_typed_and_then_clears_the_selection_as_usual(app, qtbot, tmp_path):
    win = open_window(qtbot, write_mini_corpus(tmp_path / "m"), use_settings=False)
    st = win.state
    st.select("ev-opened")
    win.act_edit_item.trigger()
    win.activateWindow()
    title = win.editor.field("title")
    qtbot.waitUntil(title.hasFocus)  # F2 puts the cursor in the first field
    type_text(qtbot, title, " soon")
    qtbot.keyClick(title, Qt.Key.Key_Escape)
    assert title.text() == "Bridge opened" and st.selection == "ev-opened"  # the edit went, the selection stays
    start = win.editor.field("start")
    start.edit.setFocus()
    start.edit.selectAll()
    type_text(qtbot, start.edit, "31 June 2019")
    qtbot.keyClick(start.edit, Qt.Key.Key_Return)
    assert start.error.isVisible()
    qtbot.keyClick(start.edit, Qt.Key.Key_Escape)
    assert start.edit.text() == "2020-04" and not start.error.isVisible()
    assert st.workspace.stack.index == 0
    qtbot.keyClick(start.edit, Qt.Key.Key_Escape)  # nothing left to put back: Esc clears the selection
    assert st.selection is None
    win.close()


def test_the_edit_menu_deletes_and_merges_the_selected_item(app, qtbot, tmp_path):
    from explorer.core.commands import AddItem
    from explorer.qt.views.editor import DeleteDialog, MergeDialog

    win = open_window(qtbot, write_mini_corpus(tmp_path / "m"), use_settings=False)
    st = win.state
    assert not win.act_delete.isEnabled() and not win.act_merge.isEnabled()  # nothing selected
    st.select("ev-trade")
    win.activateWindow()
    win.timeline.setFocus()
    qtbot.keyClick(win.timeline, Qt.Key.Key_Delete)
    dialog = win.findChild(DeleteDialog)
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Delete event"
    dialog.delete_button.click()
    assert st.corpus.get("ev-trade") is None and win.act_undo.text() == "&Undo Delete ‘Trade grew’"
    st.do(AddItem("theme", id="theme-infra-2", name="Infrastructure", passages=["p-opened"]))
    st.select("theme-infra-2")
    win.act_merge.trigger()
    merge = win.findChild(MergeDialog)
    merge.merge_button.click()
    assert st.corpus.get("theme-infra-2") is None and "p-opened" in st.corpus.get("theme-infra").passages
    st.select("doc-a")
    assert win.act_delete.isEnabled() and not win.act_merge.isEnabled()  # documents are deleted, not merged
    win.close()
