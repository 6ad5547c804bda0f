"""A selection reaches every view cheaply (issue 15): views behind another tab catch up when shown, and the
experts view changes what the selection changes without moving the rest of its dock."""

import pytest

from conftest import DATA, open_window


@pytest.fixture()
def window(app, qtbot):
    win = open_window(qtbot, DATA, size=(1600, 1000), exposed=True)
    yield win
    win.close()


def _settle(qtbot, app):
    for _ in range(5):
        app.processEvents()


def _graph_behind_documents(window, qtbot):
    """The graph, shown once (it may be made only then) and now behind the Documents tab."""
    from explorer.qt.views.lazy import hidden_in_shown_window

    window.docks["graph"].raise_()
    graph = window.views["graph"]
    qtbot.waitUntil(lambda: not hidden_in_shown_window(graph))
    window.docks["document"].raise_()  # QMainWindow parks the docks of a tab group not on top out of sight
    qtbot.waitUntil(lambda: hidden_in_shown_window(graph))
    return graph


def test_the_hidden_editor_is_built_when_its_tab_is_shown(window, qtbot, app):
    state, editor = window.state, window.editor
    assert window.inspector_tabs.currentWidget() is not editor  # the Inspector tab is on show
    body = editor.body
    state.select("ev-east-route-pipeline-launch")
    _settle(qtbot, app)
    assert editor.body is body  # nothing rebuilt behind the Inspector tab
    window.inspector_tabs.setCurrentWidget(editor)
    qtbot.waitUntil(lambda: editor.body is not body)
    assert editor.item_id == "ev-east-route-pipeline-launch"
    assert editor.fields["title"].text() == state.item().title
    # on show, it follows the next selection at once
    state.select("ex-xing-guangcheng")
    assert editor.item_id == "ex-xing-guangcheng" and editor.fields["name"].text() == state.item().name


def test_field_access_on_a_hidden_editor_shows_the_current_selection(window, qtbot, app):
    state = window.state
    state.select("ex-xing-guangcheng")
    _settle(qtbot, app)
    assert window.editor.field("name").text() == state.item().name


def test_the_graph_behind_the_documents_works_out_emphasis_when_shown(window, qtbot, app, monkeypatch):
    graph = _graph_behind_documents(window, qtbot)
    state = window.state
    calls = []
    original = graph._compute_emphasis
    monkeypatch.setattr(graph, "_compute_emphasis", lambda: (calls.append(1), original())[1])
    state.select("ex-xing-guangcheng")
    _settle(qtbot, app)
    state.select("ev-east-route-pipeline-launch")
    _settle(qtbot, app)
    assert calls == []
    window.docks["graph"].raise_()
    qtbot.waitUntil(lambda: len(calls) == 1)
    ev = state.item()
    expected = {n for n in (*ev.actors, *ev.experts) if n in graph.node_ids()}
    assert expected and expected <= graph.emphasised_ids()
    state.select("ex-xing-guangcheng")  # on show, it follows at once
    assert len(calls) == 2 and "ex-xing-guangcheng" in graph.emphasised_ids()


def test_emphasised_ids_of_a_hidden_graph_follow_the_selection(window, qtbot, app):
    graph = _graph_behind_documents(window, qtbot)
    state = window.state
    state.select("ex-xing-guangcheng")
    _settle(qtbot, app)
    assert "ex-xing-guangcheng" in graph.emphasised_ids()


def test_the_experts_list_stays_put_when_the_linked_line_comes_and_goes(window, qtbot, app):
    state, view = window.state, window.views["experts"]
    state.select("ex-xing-guangcheng")
    _settle(qtbot, app)
    geometry = view.list_view.geometry()
    state.select("ev-east-route-pipeline-launch")  # a line says which experts are linked to it
    _settle(qtbot, app)
    assert view.linked_label.isVisible() and "linked expert" in view.linked_label.text()
    assert view.list_view.geometry() == geometry
    state.select("ex-xing-guangcheng")
    _settle(qtbot, app)
    assert not view.linked_label.isVisible() and view.list_view.geometry() == geometry


def test_the_inspector_counts_a_documents_passages(window, qtbot, app):
    state = window.state
    doc = state.corpus.documents[0]
    state.select(doc.id)
    n = len(state.index.document_passages(doc.id))
    assert f"{len(doc.text):,} characters, {n} passages" in window.inspector.browser.toPlainText()
