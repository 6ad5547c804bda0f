"""Views a reader can trust (issue 13) in the graph, the experts list, search and the inspector: whole names
where there is room, edges named by their two ends, list rows never cut, empty states that say what to do;
and the graph's link gesture (issue 10): a Shift-drag from one node to another asks for a relationship's form.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt

from conftest import anchored_passage, view_factory, write_corpus_folder
from explorer.qt.views.experts import ExpertsView
from explorer.qt.views.graph import GraphView
from explorer.qt.views.inspector import InspectorView
from explorer.qt.views.search import SearchView

LONG_TEXT = (
    "Researchers at the National University of Ireland Galway studied the talks. "
    "Queen's University Belfast hosted a conference on the agreement. "
    "The Independent International Commission on Decommissioning reported to both governments. "
    "The Government of the United Kingdom held secret talks with the Irish Republican Army. "
    "The Government of Ireland negotiated with the Government of the United Kingdom. "
    "The Social Democratic and Labour Party opposed the Democratic Unionist Party on policing. "
    "George Mitchell chaired the talks. "
    "Seamus Mallon 西默斯 of the Social Democratic and Labour Party spoke for the nationalists.\n")

#: (id, name, kind) of the actors, each backed by the sentence that names it
ACTORS = [
    ("ent-nuig", "National University of Ireland Galway", "organisation"),
    ("ent-qub", "Queen's University Belfast", "organisation"),
    ("ent-iicd", "Independent International Commission on Decommissioning", "organisation"),
    ("ent-uk", "Government of the United Kingdom", "country"),
    ("ent-ira", "Irish Republican Army", "group"),
    ("ent-ie", "Government of Ireland", "country"),
    ("ent-sdlp", "Social Democratic and Labour Party", "group"),
    ("ent-dup", "Democratic Unionist Party", "group"),
    ("ent-mitchell", "George Mitchell", "person"),
]
RELATIONSHIPS = [
    ("rel-secret", "ent-uk", "ent-ira", "holds secret talks with",
     "The Government of the United Kingdom held secret talks with the Irish Republican Army."),
    ("rel-negotiates", "ent-ie", "ent-uk", "negotiates with",
     "The Government of Ireland negotiated with the Government of the United Kingdom."),
    ("rel-opposes", "ent-sdlp", "ent-dup", "opposes",
     "The Social Democratic and Labour Party opposed the Democratic Unionist Party on policing."),
    ("rel-reports", "ent-iicd", "ent-uk", "reports to",
     "The Independent International Commission on Decommissioning reported to both governments."),
    ("rel-studies", "ent-nuig", "ent-ira", "studies",
     "Researchers at the National University of Ireland Galway studied the talks."),
    ("rel-chairs", "ent-mitchell", "ent-ie", "chairs talks with", "George Mitchell chaired the talks."),
]


def write_long_names_corpus(folder: Path) -> Path:
    """A small corpus of long real names (the Northern Ireland peace process)."""
    passages, entities = [], []
    for ent_id, name, kind in ACTORS:
        sentence = next(s for s in LONG_TEXT.replace("\n", " ").split(". ") if name.split()[-1] in s)
        quote = sentence if sentence.endswith(".") else sentence + "."
        if quote not in LONG_TEXT:
            quote = sentence
        passages.append(anchored_passage(f"p-{ent_id}", "doc-peace", LONG_TEXT, quote))
        entities.append({"id": ent_id, "name": name, "kind": kind, "passages": [f"p-{ent_id}"]})
    rels = []
    for rel_id, source, target, kind, quote in RELATIONSHIPS:
        passages.append(anchored_passage(f"p-{rel_id}", "doc-peace", LONG_TEXT, quote))
        rels.append({"id": rel_id, "source": source, "target": target, "kind": kind, "passages": [f"p-{rel_id}"]})
    quote = "Seamus Mallon 西默斯 of the Social Democratic and Labour Party spoke for the nationalists."
    passages.append(anchored_passage("p-mallon", "doc-peace", LONG_TEXT, quote))
    files = {
        "corpus.json": {"title": "Peace process", "time_range": ["1968", "2018"]},
        "documents.json": [{"id": "doc-peace", "title": "The peace process", "author": "A. Writer",
                            "date": "2018-04", "file": "docs/peace.txt"}],
        "passages.json": passages,
        "themes.json": [],
        "entities.json": entities,
        "experts.json": [{"id": "ex-mallon", "name": "Seamus Mallon", "native_name": "西默斯",
                          "affiliation": "Social Democratic and Labour Party", "organisation": "ent-sdlp",
                          "role": "deputy leader", "passages": ["p-mallon"]}],
        "events.json": [],
        "relationships.json": rels,
    }
    return write_corpus_folder(folder, {"docs/peace.txt": LONG_TEXT}, files)


def write_empty_corpus(folder: Path, actors: bool = False) -> Path:
    """A corpus with nothing in it (or, with ``actors``, one document and two actors, unrelated)."""
    files = {"corpus.json": {"title": "Empty"}, "documents.json": [], "passages.json": [], "themes.json": [],
             "entities.json": [], "experts.json": [], "events.json": [], "relationships.json": []}
    texts = {}
    if actors:
        text = "Ireland and Britain met.\n"
        files["documents.json"] = [{"id": "doc-a", "title": "A", "date": "2000", "file": "a.txt"}]
        files["passages.json"] = [anchored_passage("p-a", "doc-a", text, "Ireland and Britain met.")]
        files["entities.json"] = [{"id": "ent-ie", "name": "Ireland", "kind": "country", "passages": ["p-a"]},
                                  {"id": "ent-uk", "name": "Britain", "kind": "country", "passages": ["p-a"]}]
        texts["a.txt"] = text
    return write_corpus_folder(folder, texts, files)


def _state_of(app, folder: Path):
    from explorer.core import load_corpus
    from explorer.qt.bridge import AppState

    st = AppState()
    st.set_corpus(load_corpus(folder))
    return st


@pytest.fixture()
def long_state(app, tmp_path):
    st = _state_of(app, write_long_names_corpus(tmp_path / "long"))
    yield st
    st.deleteLater()


@pytest.fixture()
def make_long_view(qtbot, long_state):
    yield from view_factory(qtbot, long_state)


# -- finding 5: names cut where there is room; labels clipped at the plot edge -------------------------
@pytest.mark.parametrize("size", [(1100, 800), (1600, 1000)])
def test_long_names_are_whole_where_there_is_room_and_inside_the_plot(make_long_view, size):
    view = make_long_view(GraphView, *size)
    labels = {lab.item_id: lab for lab in view.item.labels()}
    for ent_id, name, _kind in ACTORS:
        assert ent_id in labels, name
        assert labels[ent_id].text == name  # "National University of Ireland Galway", not "…Irelan…"
    area = QRectF(view.viewport().rect())
    for lab in labels.values():
        assert area.contains(lab.rect), (lab.item_id, lab.rect)


@pytest.mark.parametrize("size", [(1100, 800), (560, 700), (1600, 1000)])
def test_no_label_of_the_default_corpus_leaves_the_plot(make_view, state, size):
    view = make_view(GraphView, *size)
    area = QRectF(view.viewport().rect())
    for selection in (None, "ent-china", "rel-partnership" if state.item("rel-partnership") else None):
        state.select(selection)
        labels = view.item.labels()
        assert labels
        for lab in labels:
            assert area.contains(lab.rect), (selection, lab.item_id, lab.rect)


def test_a_shortened_name_is_whole_on_hover(make_view, qtbot):
    view = make_view(GraphView, 560, 500)
    short = [lab for lab in view.item.labels() if not lab.edge and lab.text != view.node_label(lab.item_id)]
    assert short  # a narrow view cannot fit every name whole
    lab = short[0]
    assert lab.text.endswith("…")
    qtbot.mouseMove(view.viewport(), view.node_viewport_pos(lab.item_id) + QPoint(40, 40))
    qtbot.wait(20)  # pyqtgraph rate-limits mouse moves
    qtbot.mouseMove(view.viewport(), lab.rect.center().toPoint())
    qtbot.waitUntil(lambda: view.node_label(lab.item_id) in view.item.toolTip(), timeout=1000)


def test_the_default_corpus_shows_more_whole_names_than_a_fixed_width_would(make_view):
    """Wherever the layout leaves room, the whole name: no label is cut at the old 170-pixel width while
    its whole text had room (the whole name is drawn instead)."""
    view = make_view(GraphView, 1100, 800)
    whole = [lab for lab in view.item.labels() if not lab.edge and lab.text == view.node_label(lab.item_id)]
    wide = [lab for lab in whole if view.item._fm.horizontalAdvance(lab.text) + 6 > 170]
    assert len(wide) >= 3


# -- finding 6: an edge captioned and inspected by its two ends; edge labels on hover -------------------------
def test_a_selected_edge_is_captioned_and_inspected_by_its_two_ends(make_long_view, long_state):
    graph = make_long_view(GraphView, 1100, 800)
    inspector = make_long_view(InspectorView, 420, 500)
    long_state.select("rel-secret")
    expected = "Government of the United Kingdom — holds secret talks with → Irish Republican Army"
    assert f"selected: {expected}" in graph.export_caption()
    heading = inspector.browser.document().toPlainText().split("\n")
    assert expected in heading[:3]
    assert expected in graph.tooltip("rel-secret").replace("<b>", "").replace("</b>", "").replace(
        "<i>", "").replace("</i>", "")


def test_hovering_a_node_labels_its_relationships(make_long_view, qtbot):
    view = make_long_view(GraphView, 1100, 800)
    assert not [lab for lab in view.item.labels() if lab.edge]  # fitted, nothing selected: no edge labels
    node = "ent-uk"
    mine = {r[0]: r[3] for r in RELATIONSHIPS if node in (r[1], r[2])}
    qtbot.mouseMove(view.viewport(), view.node_viewport_pos(node) + QPoint(60, 60))
    qtbot.wait(20)
    qtbot.mouseMove(view.viewport(), view.node_viewport_pos(node))
    qtbot.waitUntil(lambda: view.item._hover == node, timeout=1000)
    shown = {lab.item_id: lab.text for lab in view.item.hover_edge_labels()}
    assert shown == mine
    before = view.viewport().grab().toImage()
    # to a point with nothing under it, in two moves as above (pyqtgraph rate-limits hover moves)
    vp = view.viewport()
    empty = next(QPoint(x, y) for y in range(vp.height() - 3, 0, -25) for x in range(3, vp.width(), 25)
                 if view.hit_test(QPointF(x, y)) is None)
    qtbot.mouseMove(vp, empty + QPoint(0, -2))
    qtbot.wait(20)
    qtbot.mouseMove(vp, empty)
    qtbot.waitUntil(lambda: view.item._hover is None, timeout=3000)
    assert view.item.hover_edge_labels() == []
    assert view.viewport().grab().toImage() != before  # the labels were drawn, and went with the pointer


# -- issue 10: Shift-drag from a node to another asks for a relationship's form ----------------------
def _drag(qtbot, vp, start: QPoint, end: QPoint, modifier=Qt.KeyboardModifier.NoModifier, during=None):
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, modifier, pos=start)
    steps = 10
    for i in range(1, steps + 1):
        qtbot.wait(15)  # pyqtgraph rate-limits mouse moves
        qtbot.mouseMove(vp, start + (end - start) * (i / steps))
    qtbot.wait(15)
    if during is not None:
        during()
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, modifier, pos=end)


def test_shift_dragging_from_a_node_to_another_asks_for_a_relationship(make_long_view, long_state, qtbot):
    view = make_long_view(GraphView, 1100, 800)
    asked = []
    long_state.itemFormRequested.connect(asked.append)
    before = view.positions()
    a, b = view.node_viewport_pos("ent-qub"), view.node_viewport_pos("ent-mitchell")
    seen = {}

    def during():
        seen["linking"] = view.item.linking()
        seen["image"] = view.viewport().grab().toImage()

    _drag(qtbot, view.viewport(), a, b, Qt.KeyboardModifier.ShiftModifier, during)
    assert asked == [{"kind": "relationship", "source": "ent-qub", "target": "ent-mitchell"}]
    assert seen["linking"] == ("ent-qub", "ent-mitchell")
    assert view.positions() == before  # nothing moved
    assert not long_state.workspace.stack.entries  # and nothing was created: the form decides
    assert view.item.linking() is None
    # the rubber band was drawn: the picture mid-drag differs from the one after it
    assert seen["image"] != view.viewport().grab().toImage()
    # a drag ending on the background asks for nothing
    _drag(qtbot, view.viewport(), a, QPoint(view.viewport().width() - 4, 4), Qt.KeyboardModifier.ShiftModifier)
    assert len(asked) == 1


def test_link_mode_turns_plain_drags_into_links_and_plain_drags_still_move_nodes(make_long_view, long_state,
                                                                                 qtbot):
    view = make_long_view(GraphView, 1100, 800)
    asked = []
    long_state.itemFormRequested.connect(asked.append)
    a, b = view.node_viewport_pos("ent-qub"), view.node_viewport_pos("ent-mitchell")
    view.link_button.click()
    assert view.link_mode() and view.status_label.text().startswith("Link mode")
    _drag(qtbot, view.viewport(), a, b)
    assert asked == [{"kind": "relationship", "source": "ent-qub", "target": "ent-mitchell"}]
    view.link_button.click()
    assert not view.link_mode()
    before = view.positions()["ent-qub"]
    _drag(qtbot, view.viewport(), a, a + QPoint(30, 20))
    assert view.positions()["ent-qub"] != before and len(asked) == 1


# -- finding 5: the experts list clips its last row ------------------------------------------------------
@pytest.mark.parametrize("height", [520, 640, 777])
def test_the_experts_list_never_shows_a_cut_row(make_view, qtbot, height):
    view = make_view(ExpertsView, 420, height)
    lv = view.list_view
    assert lv.model().rowCount() * lv.sizeHintForRow(0) > lv.viewport().height()  # the list scrolls
    for _ in range(2):
        area = lv.viewport().rect()
        shown = 0
        for row in range(lv.model().rowCount()):
            rect = lv.visualRect(lv.model().index(row, 0))
            if rect.intersects(area):
                assert area.contains(rect), (row, rect, area)
                shown += 1
        assert shown >= 3
        lv.verticalScrollBar().setValue(lv.verticalScrollBar().maximum())  # and scrolled to the end


# -- finding 7: empty states say what is missing and what fills it -------------------------------------------
def test_empty_states_of_an_empty_corpus(app, qtbot, tmp_path):
    st = _state_of(app, write_empty_corpus(tmp_path / "empty"))
    make = view_factory(qtbot, st)
    factory = next(make)
    graph = factory(GraphView, 700, 500)
    experts = factory(ExpertsView, 420, 500)
    search = factory(SearchView, 420, 500)
    inspector = factory(InspectorView, 420, 500)
    assert "No actors or voices yet" in graph.empty.message()
    assert "New Voice from Selection" in graph.empty.message() and "corpus format" in graph.empty.message()
    assert graph.empty.isVisible() and graph.empty.geometry() == graph.canvas.rect()
    assert "No experts or voices yet" in experts.empty.message()
    assert "New Voice from Selection" in experts.empty.message() and experts.empty.isVisible()
    assert "Nothing to search yet" in search.empty.message() and "corpus format" in search.empty.message()
    text = inspector.browser.document().toPlainText()
    assert "Nothing to inspect yet" in text and "New Event" in text and "corpus format" in text
    next(make, None)  # closes the views
    st.deleteLater()


def test_empty_states_of_a_corpus_without_relationships_no_results_and_no_selection(app, qtbot, tmp_path,
                                                                                   make_view, state):
    st = _state_of(app, write_empty_corpus(tmp_path / "actors", actors=True))
    make = view_factory(qtbot, st)
    factory = next(make)
    graph = factory(GraphView, 700, 500)
    assert graph.node_ids() == ["ent-ie", "ent-uk"]
    assert "No relationships yet" in graph.empty.message() and "Shift" in graph.empty.message()
    assert graph.empty.isVisible() and graph.empty.height() < graph.canvas.height() / 3  # a strip: nodes show
    next(make, None)
    st.deleteLater()
    # the default corpus: nothing empty until a search finds nothing or the filter matches no one
    search = make_view(SearchView, 420, 500)
    experts = make_view(ExpertsView, 420, 500)
    inspector = make_view(InspectorView, 420, 500)
    default_graph = make_view(GraphView, 700, 500)
    assert not search.empty.isVisible() and not experts.empty.isVisible() and not default_graph.empty.isVisible()
    search.line_edit.setText("zzqqxx")
    search.flush()
    assert "No results for “zzqqxx”" in search.empty.message() and search.empty.isVisible()
    search.line_edit.setText("Russia")
    search.flush()
    assert not search.empty.isVisible()
    experts.filter_edit.setText("zzqqxx")
    assert "No voice matches “zzqqxx”" in experts.empty.message()
    experts.filter_edit.clear()
    assert not experts.empty.isVisible()
    text = inspector.browser.document().toPlainText()
    assert "Nothing selected" in text and "Select an event" in text
