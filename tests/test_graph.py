"""The relationship graph: real clicks and drags on the graph viewport, emphasis, time filter, layout."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt

from explorer.core import PartialDate
from explorer.core.layout import graph as layout_module
from explorer.core.layout.graph import AFFILIATION_PREFIX, compute_layout
from explorer.qt.views import graph as graph_module
from explorer.qt.views.graph import GraphView


@pytest.fixture()
def graph(make_view):
    return make_view(GraphView, 1100, 800)


def farthest_node(view: GraphView) -> str:
    """The node with most room around it on screen (clicks on it cannot hit a neighbour)."""
    pos = {n: view.node_viewport_pos(n) for n in view.node_ids()}

    def room(n):
        p = pos[n]
        return min(math.hypot(p.x() - q.x(), p.y() - q.y()) for m, q in pos.items() if m != n)

    return max(pos, key=room)


def test_graph_shows_entities_experts_relationships_and_affiliations(graph, corpus):
    ids = set(graph.node_ids())
    assert ids == {e.id for e in corpus.entities} | {e.id for e in corpus.experts}
    edges = set(graph.visible_edge_ids())
    assert {r.id for r in corpus.relationships if r.start is None and r.end is None} <= edges
    affiliated = [e for e in corpus.experts if e.organisation]
    assert affiliated and {AFFILIATION_PREFIX + e.id for e in affiliated} <= edges


def test_clicking_a_node_selects_it(graph, qtbot, state):
    node = "ent-russia"
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=graph.node_viewport_pos(node))
    assert state.selection == node
    emphasised = graph.emphasised_ids()
    assert node in emphasised
    neighbours = {r.target for r in state.corpus.relationships if r.source == node} | \
                 {r.source for r in state.corpus.relationships if r.target == node}
    assert neighbours <= emphasised
    far = [n for n in graph.node_ids() if n not in neighbours and n != node]
    assert far and not set(far) & emphasised


def clear_edge_point(view: GraphView, edge_ids) -> tuple[str, QPoint]:
    """An edge and a point on it that is clear of every node, label (labels are drawn on top) and
    other edge."""
    labels = view.label_rects()
    nodes = {n: view.node_viewport_pos(n) for n in view.node_ids()}
    geo = view.edge_geometry(view.screen_positions(view.item.screen_transform()))
    samples = {e: [path.pointAtPercent(t / 40) for t in range(41)] for e, (path, _mid, _last) in geo.items()}
    best, best_room = None, -1.0
    for edge_id in edge_ids:
        p = view.edge_viewport_pos(edge_id)
        if any(r.adjusted(-3, -3, 3, 3).contains(QPointF(p)) for r in labels.values()):
            continue
        if any(math.hypot(q.x() - p.x(), q.y() - p.y()) < 10 for e, pts in samples.items() if e != edge_id
               for q in pts):
            continue
        room = min(math.hypot(p.x() - q.x(), p.y() - q.y()) for q in nodes.values())
        if room > best_room:
            best, best_room = (edge_id, p), room
    assert best is not None and best_room > 20
    return best


def test_clicking_an_edge_selects_the_relationship(graph, qtbot, state):
    rels = {r.id: r for r in state.corpus.relationships if r.id in graph.visible_edge_ids()}
    edge_id, point = clear_edge_point(graph, rels)
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert state.selection == edge_id
    rel = rels[edge_id]
    assert graph.emphasised_ids() == {rel.id, rel.source, rel.target}


def test_clicking_an_affiliation_selects_the_expert(graph, qtbot, state):
    affiliations = [AFFILIATION_PREFIX + e.id for e in state.corpus.experts if e.organisation]
    edge_id, point = clear_edge_point(graph, affiliations)
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert state.selection == edge_id.removeprefix(AFFILIATION_PREFIX)


def test_clicking_the_background_keeps_the_selection(graph, qtbot, state):
    state.select("ent-china")
    corner = QPoint(3, 3)
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=corner)
    assert state.selection == "ent-china"


def test_selecting_an_event_emphasises_exactly_its_actors(graph, state):
    event = max(state.corpus.events, key=lambda e: len(e.actors) + len(e.experts))
    state.select(event.id)
    expected = set(event.actors) | set(event.experts)
    nodes = set(graph.node_ids())
    assert expected & nodes
    assert graph.emphasised_ids() & nodes == expected & nodes
    state.select(None)
    assert graph.emphasised_ids() == set()


def test_selecting_a_theme_emphasises_the_actors_of_its_events(graph, state):
    theme = max(state.corpus.themes, key=lambda t: len(state.index.linked(t.id, "event")))
    state.select(theme.id)
    actors = set()
    for ev_id in state.index.linked(theme.id, "event"):
        ev = state.index.items[ev_id]
        actors |= set(ev.actors) | set(ev.experts)
    assert graph.emphasised_ids() & set(graph.node_ids()) == actors & set(graph.node_ids())


def test_time_window_hides_relationships_outside_it_and_the_toggle_restores_them(graph, state):
    dated = [r for r in state.corpus.relationships if r.start or r.end]
    undated = [r for r in state.corpus.relationships if not (r.start or r.end)]
    assert dated and undated
    t0, t1 = PartialDate(2000).start_seconds, PartialDate(2005).end_seconds
    state.set_time_window(t0, t1)
    shown = set(graph.visible_edge_ids())
    for r in dated:
        start = r.start.start_seconds if r.start else -math.inf
        end = r.end.end_seconds if r.end else math.inf
        assert (r.id in shown) == (start < t1 and end > t0), r.id
    assert any(r.id not in shown for r in dated)
    assert {r.id for r in undated} <= shown

    graph.time_check.click()  # a real click on the checkbox turns the time filter off
    assert not graph.time_check.isChecked()
    assert {r.id for r in state.corpus.relationships} <= set(graph.visible_edge_ids())
    graph.time_check.click()
    assert set(graph.visible_edge_ids()) == shown


def test_layout_is_deterministic(make_view, state):
    a = make_view(GraphView, 900, 700)
    b = make_view(GraphView, 900, 700)
    assert a.positions() == b.positions()
    nodes = tuple(a.all_node_ids())
    edges = tuple((r.source, r.target) for r in state.corpus.relationships)
    for columns, aspect in ((0, 0.0), (3, 0.9), (5, 1.45)):
        first = dict(compute_layout(nodes, edges, columns=columns, aspect=aspect))
        compute_layout.cache_clear()
        layout_module._component_shape.cache_clear()
        assert compute_layout(nodes, edges, columns=columns, aspect=aspect) == first


def grid_columns(view: GraphView) -> int:
    """How many columns the isolated nodes and small chains are laid out in."""
    return len({round(view.positions()[n][0], 3) for n in view.grid_nodes})


def test_the_layout_reflows_its_columns_to_the_view(make_view):
    wide = make_view(GraphView, 1100, 800)
    narrow = make_view(GraphView, 560, 700)
    assert 2 <= grid_columns(narrow) <= 3 < grid_columns(wide)
    # every node keeps its own place
    for view in (wide, narrow):
        pos = list(view.positions().values())
        assert len({(round(x, 3), round(y, 3)) for x, y in pos}) == len(pos)


@pytest.mark.parametrize("size", [(1100, 800), (560, 700)])
def test_the_largest_component_gets_the_most_room(make_view, state, size):
    import networkx as nx

    view = make_view(GraphView, *size)
    g = nx.Graph()
    g.add_nodes_from(view.node_ids())
    g.add_edges_from((r.source, r.target) for r in state.corpus.relationships)
    main = max(nx.connected_components(g), key=len)
    pts = {n: view.node_viewport_pos(n) for n in view.node_ids()}

    def box(ids):
        xs = [pts[n].x() for n in ids]
        ys = [pts[n].y() for n in ids]
        return (max(xs) - min(xs)) * (max(ys) - min(ys))

    assert box(main) >= 0.25 * box(pts)
    assert min(math.hypot(pts[a].x() - pts[b].x(), pts[a].y() - pts[b].y())
               for a in main for b in main if a < b) >= 20


@pytest.mark.parametrize("size", [(1100, 800), (560, 700)])
def test_labels_sit_beside_their_own_node_and_cover_no_other(make_view, state, size):
    view = make_view(GraphView, *size)
    for selection in (None, "ent-china", "ev-unsc-draft-resolution"):
        state.select(selection)
        pts = {n: view.node_viewport_pos(n) for n in view.node_ids()}
        for item_id, rect in view.label_rects().items():
            if item_id not in pts:
                continue  # an edge label
            p = QPointF(pts[item_id])
            hw, hh = view.node_half_size(item_id)
            # the label touches the node's box, grown by a few pixels
            assert rect.intersects(QRectF(p.x() - hw - 4, p.y() - hh - 4, 2 * hw + 8, 2 * hh + 8)), item_id
            for other, q in pts.items():
                if other == item_id:
                    continue
                ow, oh = view.node_half_size(other)
                covered = rect.intersects(QRectF(q.x() - ow, q.y() - oh, 2 * ow, 2 * oh))
                assert not covered or item_id == selection, (item_id, other)


def test_isolated_nodes_are_labelled_in_full_in_a_narrow_view(make_view, state):
    view = make_view(GraphView, 560, 700)
    labels = {lab.item_id: lab.text for lab in view.item.labels()}
    singles = [n for n in view.grid_nodes if view.degree[n] == 0]
    assert singles and all(n in labels for n in singles)
    whole = [n for n in singles if labels[n] == view.node_label(n)]
    assert len(whole) >= 0.7 * len(singles)
    assert all(len(labels[n]) >= 16 or labels[n] == view.node_label(n) for n in singles)


def test_dragging_a_node_moves_it_and_the_position_is_kept(graph, qtbot, make_view):
    node = farthest_node(graph)
    before = graph.positions()[node]
    again_before = make_view(GraphView, 700, 600).positions()[node]  # another size lays it out elsewhere
    others_before = {n: xy for n, xy in graph.positions().items() if n != node}
    start = graph.node_viewport_pos(node)
    vp = graph.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 9):
        qtbot.wait(15)  # pyqtgraph rate-limits mouse moves
        qtbot.mouseMove(vp, start + QPoint(6 * i, 4 * i))
    qtbot.wait(15)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start + QPoint(48, 32))
    after = graph.positions()[node]
    assert after != before
    assert after[0] > before[0] and after[1] < before[1]  # right and down on screen (the y axis points up)
    moved = graph.node_viewport_pos(node)
    assert abs(moved.x() - (start.x() + 48)) <= 2 and abs(moved.y() - (start.y() + 32)) <= 2
    # the other nodes did not move, and the view did not pan
    assert {n: xy for n, xy in graph.positions().items() if n != node} == others_before
    # kept in the workspace: a new view of it puts the node where it was dropped
    again = make_view(GraphView, 700, 600)
    assert again.positions()[node] == after
    # the move is an undoable step of the core's command stack, and every view follows it
    stack = graph.state.workspace.stack
    assert len(stack.entries) == 1 and stack.undo_label().startswith("Move ")
    assert not graph.state.workspace.modified  # node positions are not corpus edits
    graph.state.undo()
    assert graph.positions()[node] == before and again.positions()[node] == again_before
    graph.state.redo()
    assert graph.positions()[node] == after and again.positions()[node] == after
    # a drag on the background pans instead of moving nodes
    before_all = graph.positions()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=QPoint(4, 4))
    for i in range(1, 6):
        qtbot.wait(15)
        qtbot.mouseMove(vp, QPoint(4 + 10 * i, 4 + 10 * i))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(54, 54))
    assert graph.positions() == before_all


@pytest.mark.parametrize("size", [(1100, 800), (560, 700)])
def test_labels_never_overlap_and_the_hubs_are_labelled(make_view, state, size):
    view = make_view(GraphView, *size)
    for selection in (None, "ent-russia", max(state.corpus.events, key=lambda e: len(e.actors)).id):
        state.select(selection)
        rects = view.label_rects()
        items = list(rects.items())
        for i, (a, ra) in enumerate(items):
            for b, rb in items[i + 1:]:
                assert not ra.intersects(rb), (a, b)
        hubs = sorted(view.node_ids(), key=lambda n: -view.degree[n])[:3]
        assert set(hubs) <= set(rects)
        if selection in view.node_ids():
            assert selection in rects
    assert len(rects) >= len(view.node_ids()) // 2


def test_zooming_in_shows_edge_labels(graph, qtbot):
    assert not [i for i in graph.label_rects() if i.startswith("rel")]  # fitted: no edge labels
    graph.vb.scaleBy((0.4, 0.4))
    qtbot.wait(10)
    assert graph.zoom_factor() > 2
    assert [i for i in graph.label_rects() if i.startswith("rel")]


def test_filters_hide_nodes_and_their_edges(graph, state):
    state.update_filters(entity_kinds=frozenset({"country"}))
    nodes = set(graph.node_ids())
    assert nodes and all(state.item(n).item_kind == "expert" or state.item(n).kind == "country" for n in nodes)
    for edge_id in graph.visible_edge_ids():
        if edge_id.startswith(AFFILIATION_PREFIX):
            continue
        rel = state.item(edge_id)
        assert rel.source in nodes and rel.target in nodes
    state.clear_filters()
    assert len(graph.node_ids()) == len(graph.all_node_ids())


def test_hovering_an_edge_shows_its_kind(graph, qtbot, state):
    rels = {r.id: r for r in state.corpus.relationships if r.id in graph.visible_edge_ids()}
    edge_id, point = clear_edge_point(graph, rels)
    qtbot.mouseMove(graph.viewport(), point - QPoint(30, 30))
    qtbot.wait(20)  # pyqtgraph rate-limits mouse moves
    qtbot.mouseMove(graph.viewport(), point)
    qtbot.waitUntil(lambda: rels[edge_id].kind in graph.item.toolTip(), timeout=1000)
    assert graph.node_label(rels[edge_id].source) in graph.item.toolTip()
    qtbot.wait(20)
    node_point = graph.node_viewport_pos("ent-china")
    qtbot.mouseMove(graph.viewport(), node_point)
    qtbot.waitUntil(lambda: "China" in graph.item.toolTip() and "Country" in graph.item.toolTip(), timeout=1000)


def test_export_caption_and_widget(graph, state):
    state.select("ent-china")
    assert "China" in graph.export_caption()
    assert graph.export_widget() is graph.body


def test_layout_is_the_same_in_every_process():
    """String hashing differs per process; the layout must not depend on set order."""
    import os
    import subprocess
    import sys

    from conftest import DATA

    code = ("import json; from explorer.core import load_corpus; "
            "from explorer.core.layout.graph import compute_layout; "
            f"c = load_corpus({str(DATA)!r}); "
            "n = tuple([e.id for e in c.entities] + [e.id for e in c.experts]); "
            "e = tuple((r.source, r.target) for r in c.relationships); "
            "print(json.dumps(sorted(compute_layout(n, e).items())))")
    outputs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, QT_QPA_PLATFORM="offscreen")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                                check=False)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_drag_node_moves_by_pixels(graph):
    node = "ent-japan"
    before = graph.node_viewport_pos(node)
    graph.drag_node(node, 25, -10)
    after = graph.node_viewport_pos(node)
    assert abs(after.x() - before.x() - 25) <= 1 and abs(after.y() - before.y() + 10) <= 1


def test_layout_prepared_off_the_ui_thread_is_the_one_the_view_uses(graph, state):
    from explorer.core.layout.graph import _component_shape, graph_layout_inputs, prepare_layout

    nodes, edges = graph_layout_inputs(state.corpus)
    assert nodes == tuple(graph.all_node_ids())
    assert edges == tuple((e.source, e.target) for e in graph._edges)  # the very tuples the view lays out
    _component_shape.cache_clear()
    prepare_layout(state.corpus)
    misses = _component_shape.cache_info().misses
    assert misses >= 1
    graph.state.corpusChanged.emit()  # the view lays the corpus out again: every shape from the cache
    assert _component_shape.cache_info().misses == misses
