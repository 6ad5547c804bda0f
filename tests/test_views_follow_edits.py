"""Every view follows edits made through the core, without a reload: edit, then look at what the view
shows; undo, and it shows the original again."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from qt_helpers import type_text

from conftest import DATA, view_factory
from explorer.core import load_corpus
from explorer.core.commands import AddItem, DeleteItem, EditItem
from explorer.qt.bridge import AppState


@pytest.fixture()
def edit_state(app, tmp_path):
    """A state on a private copy of the default corpus (edits must not leak into other tests)."""
    shutil.copytree(DATA, tmp_path / "corpus")
    st = AppState()
    st.set_corpus(load_corpus(tmp_path / "corpus"))
    yield st
    st.deleteLater()


@pytest.fixture()
def show(qtbot, edit_state):
    yield from view_factory(qtbot, edit_state, (1000, 700))


def _expert_names(view) -> list[str]:
    from explorer.qt.views.experts import ID_ROLE

    proxy = view.proxy
    return [view.state.index.items[proxy.index(r, 0).data(ID_ROLE)].name for r in range(proxy.rowCount())]


def test_experts_list_and_card_follow_edits(show, edit_state):
    from explorer.qt.views.experts import ExpertsView

    view = show(ExpertsView, 420, 700)
    expert = edit_state.corpus.experts[0]
    edit_state.select(expert.id)
    edit_state.do(EditItem(expert.id, name="Renamed Voice", role="Chief analyst"))
    assert "Renamed Voice" in _expert_names(view)
    assert "Chief analyst" in view.card.toPlainText()
    passage = edit_state.corpus.passages[0].id
    edit_state.do(AddItem("expert", name="Aaron Newvoice", passages=[passage]))
    assert "Aaron Newvoice" in _expert_names(view)
    count = len(_expert_names(view))
    edit_state.undo()
    assert "Aaron Newvoice" not in _expert_names(view) and len(_expert_names(view)) == count - 1
    edit_state.undo()
    assert expert.name in _expert_names(view) and "Renamed Voice" not in _expert_names(view)
    assert "Chief analyst" not in view.card.toPlainText()


def test_search_results_follow_edits(show, edit_state, qtbot):
    from explorer.qt.views.search import SearchView

    view = show(SearchView, 420, 700)
    type_text(qtbot, view.line_edit, "zanzibar")
    view.flush()
    assert not view._hits
    event = edit_state.corpus.events[0]
    edit_state.do(EditItem(event.id, title="Zanzibar summit"))
    assert [h.item_id for h in view._hits] == [event.id]
    edit_state.undo()
    assert not view._hits


def test_filter_menus_follow_edits_and_a_deleted_theme_leaves_the_filters(show, edit_state):
    from explorer.qt.views.filters import FilterBar

    bar = FilterBar(edit_state)
    passage = edit_state.corpus.passages[0].id
    edit_state.do(AddItem("theme", name="Arctic shipping", passages=[passage]))
    themes = [a.text().replace("&&", "&") for a in bar.theme_menu.actions()]
    assert "Arctic shipping" in themes
    edit_state.update_filters(themes=frozenset({"theme-arctic-shipping"}))
    heard = []
    edit_state.filtersChanged.connect(lambda: heard.append(edit_state.filters.themes))
    edit_state.do(DeleteItem("theme-arctic-shipping"))
    assert "Arctic shipping" not in [a.text() for a in bar.theme_menu.actions()]
    assert edit_state.filters.themes == frozenset() and heard == [frozenset()]
    bar.deleteLater()


def test_deleting_the_selected_item_clears_the_selection_everywhere(edit_state):
    heard = []
    edit_state.selectionChanged.connect(heard.append)
    passage = edit_state.corpus.passages[0].id
    edit_state.do(AddItem("entity", name="Shortlived", passages=[passage]))
    edit_state.select("ent-shortlived")
    edit_state.do(DeleteItem("ent-shortlived"))
    assert edit_state.selection is None
    assert heard == ["ent-shortlived", None]
    assert Qt  # the Qt namespace is what the views use; imported for the helpers above


def test_graph_follows_edits_and_keeps_the_picture(show, edit_state):
    from explorer.qt.views.graph import GraphView

    view = show(GraphView, 1000, 760)
    before = view.positions()
    entity = next(e for e in edit_state.corpus.entities if e.id in before)
    edit_state.do(EditItem(entity.id, name="Renamed Place"))
    assert view.node_label(entity.id) == "Renamed Place"
    assert view.positions() == before
    passage = edit_state.corpus.passages[0].id
    with edit_state.group("New partner"):
        edit_state.do(AddItem("entity", name="Newland", kind="country", passages=[passage]))
        edit_state.do(AddItem("relationship", source="ent-newland", target=entity.id, kind="trades with",
                              passages=[passage]))
    after = view.positions()
    assert "ent-newland" in after
    assert {k: v for k, v in after.items() if k != "ent-newland"} == before  # nothing else moved
    edit_state.undo()
    assert "ent-newland" not in view.positions()
    edit_state.undo()
    assert view.node_label(entity.id) == entity.name


def test_window_undo_and_redo_run_the_core_stack(qtbot, edit_state):
    from explorer.qt.window.main_window import MainWindow

    window = MainWindow(edit_state, use_settings=False)
    qtbot.addWidget(window)
    assert not window.act_undo.isEnabled()
    event = edit_state.corpus.events[0]
    edit_state.do(EditItem(event.id, title="Retitled"))
    assert window.act_undo.isEnabled() and window.act_undo.text().startswith("&Undo Edit title")
    assert window.isWindowModified()
    window.act_undo.trigger()
    assert edit_state.corpus.get(event.id).title == event.title
    assert not window.isWindowModified() and window.act_redo.isEnabled()
    window.act_redo.trigger()
    assert edit_state.corpus.get(event.id).title == "Retitled"


def test_timeline_follows_edits_without_moving_the_view(show, edit_state):
    from explorer.qt.views.timeline import TimelineView

    view = show(TimelineView, 1400, 600)
    event = max(edit_state.corpus.events, key=lambda e: e.start)
    view.zoom_to_event(event.id)
    shown = view.visible_range()
    data = view._data
    edit_state.do(EditItem(event.id, title="Retitled on the timeline", conflict="Sources differ."))
    assert "Retitled on the timeline" in view.tooltip_text(event.id)
    assert view._data is data  # nothing moved: patched in place, not laid out again
    assert data.ev_conflict[data.pos[event.id]]
    assert view.visible_range() == shown
    passage = edit_state.corpus.passages[0].id
    cmd = AddItem("event", title="A new event", start=str(event.start), passages=[passage])
    edit_state.do(cmd)
    assert cmd.new_id in view.visible_event_ids()
    assert view._data is not data  # a new event: laid out anew
    edit_state.do(AddItem("event", title="Long before", start="1901", passages=[passage]))
    assert "ev-long-before" in {e for e in view.visible_event_ids()} | set(view._data.ids)
    assert view.visible_range() == shown  # the range only grew, the view did not jump
    edit_state.undo()
    edit_state.undo()
    assert cmd.new_id not in set(view._data.ids)
    edit_state.do(DeleteItem(event.id, cascade=True))
    assert event.id not in set(view._data.ids)
    edit_state.undo()
    assert event.id in set(view._data.ids)


def test_documents_follow_edits_and_keep_their_place(show, edit_state):
    from explorer.core.commands import AddDocument, AddEvidence, AddPassage

    from explorer.qt.views.documents import DocumentView

    view = show(DocumentView, 800, 700)
    event = edit_state.corpus.events[0]
    edit_state.select(event.id)
    doc_id = view.current_document_id()
    before = sorted(view.highlight_ranges())
    text = edit_state.corpus.get(doc_id).text
    # a new passage from a selection, made evidence of the selected event: it is highlighted at once
    quote = next(q for q in (text[i:i + 40] for i in range(0, len(text) - 40, 97)) if text.count(q) == 1)
    start = text.index(quote)
    cmd = AddPassage(doc_id, start=start, end=start + len(quote))
    with edit_state.group("Passage as evidence"):
        edit_state.do(cmd)
        edit_state.do(AddEvidence(event.id, cmd.new_id))
    assert (start, start + len(quote)) in view.highlight_ranges()
    assert view.current_document_id() == doc_id
    edit_state.undo()
    assert sorted(view.highlight_ranges()) == before
    # a new document gets a tab; renaming the open one renames its tab and header
    edit_state.do(AddDocument(title="A field report", text="Nothing yet.\n"))
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert "A field report" in titles and view.current_document_id() == doc_id
    edit_state.do(EditItem(doc_id, title="Renamed source"))
    assert view.tabs.tabText(view.tabs.currentIndex()) == "Renamed source"
    assert view.title_label.text() == "Renamed source"
    edit_state.undo()
    edit_state.undo()
    assert "A field report" not in [view.tabs.tabText(i) for i in range(view.tabs.count())]


def test_inspector_follows_edits(show, edit_state):
    from explorer.qt.views.inspector import InspectorView

    view = show(InspectorView, 420, 700)
    event = edit_state.corpus.events[0]
    edit_state.select(event.id)
    edit_state.do(EditItem(event.id, summary="A summary written in the app."))
    assert "A summary written in the app." in view.browser.toPlainText()
    edit_state.undo()
    assert "A summary written in the app." not in view.browser.toPlainText()


@pytest.mark.parametrize("year", ["9999", "0001", "-0001", "-9999"])
def test_an_event_at_the_edge_of_the_calendar_draws_without_error(show, edit_state, year):
    """The monkey's find: an event dated 9999 stretched the range past year 9999, which no date can show;
    painting the timeline there raised (and a raising paint takes PySide6 down). The calendar now runs from
    9999 BCE: year 1 and 1 BCE are ordinary dates, 9999 BCE is the other edge."""
    from explorer.qt.views.timeline import TimelineView

    view = show(TimelineView, 1400, 600)
    event = edit_state.corpus.events[0]
    edit_state.do(EditItem(event.id, start=year, end=None))
    lo, hi = view._x_limits
    assert lo >= -377673580800.0 and hi <= 253402300799.0  # 9999 BCE (-9999-01-01) .. 9999-12-31
    for rng in ((hi - 3 * 365 * 86400, hi), (lo, lo + 3 * 365 * 86400), (lo, hi)):
        view.set_visible_range(*rng)
        assert not view.grab().isNull()  # paints every item of the view at this range
        assert view.axis_tick_strings() is not None
