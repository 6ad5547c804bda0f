"""The relationship graph without Qt: the graph a corpus makes, its layout, and layouts that follow edits."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import numpy as np
import pytest

from explorer.core import Corpus, Entity, Expert, PartialDate, Put, Relationship, Remove, load_corpus
from explorer.core.layout import graph as g
from explorer.core.layout.graph import (AFFILIATION_PREFIX, COL_W, NODE_INSET, ROOM, ROW_H, compute_layout,
                                        fit_rect, graph_layout_inputs, graph_model, layout_for,
                                        segment_distance, segments_hit, touches_graph)

from conftest import DATA


@pytest.fixture(scope="module")
def model(corpus):
    return graph_model(corpus)


@pytest.fixture(scope="module")
def base(model):
    """The bundled corpus laid out in four columns, as a view a little wider than tall would."""
    return dict(compute_layout(model.node_ids, model.edge_pairs, single_order=model.single_order, columns=4))


def synthetic_graph(seed: int = 1) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A big component (past the stress layout's size), a few middle-sized ones, chains and isolated nodes."""
    rng = random.Random(seed)
    nodes, edges = [], []
    sizes = [230, 40, 12, 6, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1]
    for c, size in enumerate(sizes):
        ids = [f"c{c:02d}-n{i:03d}" for i in range(size)]
        nodes += ids
        edges += [(ids[i], ids[i - 1]) for i in range(1, size)]  # a path keeps it connected
        if size > 3:
            edges += [(rng.choice(ids), rng.choice(ids)) for _ in range(size // 2)]
    rng.shuffle(nodes)
    return tuple(nodes), tuple(edges)


def label_distance(p, q) -> float:
    """Distance as the layout measures room: across counts less (labels are wide)."""
    return math.hypot((p[0] - q[0]) / g.LABEL_ASPECT, p[1] - q[1])


# -- the graph model ------------------------------------------------------------------------------------
def test_the_graph_has_the_entities_and_experts_and_their_relationships_and_affiliations(corpus, model):
    assert model.node_ids == tuple([e.id for e in corpus.entities] + [x.id for x in corpus.experts])
    kinds = {n.id: n.kind for n in model.nodes}
    assert all(kinds[e.id] == e.kind for e in corpus.entities)
    assert all(kinds[x.id] == "expert" for x in corpus.experts)
    assert {n.id: n.label for n in model.nodes}["ent-china"] == "China"
    rels = [e for e in model.edges if not e.affiliation]
    assert [e.id for e in rels] == [r.id for r in corpus.relationships]
    affiliations = [e for e in model.edges if e.affiliation]
    experts = [x for x in corpus.experts if x.organisation]
    assert [e.id for e in affiliations] == [AFFILIATION_PREFIX + x.id for x in experts]
    assert all(e.source == x.id and e.target == x.organisation for e, x in zip(affiliations, experts))
    assert model.edges.index(affiliations[0]) == len(rels)  # relationships first, as the layout takes them
    # the very inputs the layout is prepared with while a corpus loads
    assert model.layout_inputs() == graph_layout_inputs(corpus)
    assert sum(model.degree.values()) == 2 * len(model.edges)
    assert model.hubs and all(model.degree[n] >= 3 for n in model.hubs)
    assert "ent-russia" in model.hubs


def test_edges_need_both_ends_and_periods_read_as_text():
    ents = [Entity(id="ent-a", name="Alpha", kind="country"), Entity(id="ent-b", name="beta", kind="place"),
            Entity(id="ent-c", name="Gamma", kind="group")]
    rels = [Relationship(id="rel-1", source="ent-a", target="ent-b", kind="opposes", start=PartialDate(1990),
                         end=PartialDate(2000, 5)),
            Relationship(id="rel-2", source="ent-a", target="ent-c", kind="funds", start=PartialDate(1995)),
            Relationship(id="rel-3", source="ent-b", target="ent-c", kind="leads", end=PartialDate(2001)),
            Relationship(id="rel-4", source="ent-b", target="ent-a", kind="advises"),
            Relationship(id="rel-5", source="ent-a", target="ent-gone", kind="joins")]
    experts = [Expert(id="ex-x", name="Xu", organisation="ent-c", role="director", affiliation="Gamma Inc."),
               Expert(id="ex-y", name="Yan", organisation="ent-elsewhere"), Expert(id="ex-z", name="Zhu")]
    model = graph_model(Corpus(entities=ents, experts=experts, relationships=rels))
    assert model.node_ids == ("ent-a", "ent-b", "ent-c", "ex-x", "ex-y", "ex-z")
    by_id = {e.id: e for e in model.edges}
    assert list(by_id) == ["rel-1", "rel-2", "rel-3", "rel-4", AFFILIATION_PREFIX + "ex-x"]
    assert by_id["rel-1"].period == "1990 – May 2000"
    assert by_id["rel-2"].period == "from 1995" and by_id["rel-3"].period == "until 2001"
    assert by_id["rel-4"].period == "" and by_id["rel-4"].start is None and by_id["rel-4"].end is None
    assert by_id["rel-1"].active(PartialDate(1999).start_seconds, PartialDate(1999).end_seconds)
    assert not by_id["rel-1"].active(PartialDate(2001).start_seconds, PartialDate(2002).end_seconds)
    assert by_id["rel-2"].active(PartialDate(2020).start_seconds, PartialDate(2021).end_seconds)  # open-ended
    aff = by_id[AFFILIATION_PREFIX + "ex-x"]
    assert (aff.source, aff.target, aff.text, aff.summary, aff.affiliation) == \
        ("ex-x", "ent-c", "director", "Gamma Inc.", True)
    assert model.degree == {"ent-a": 3, "ent-b": 3, "ent-c": 3, "ex-x": 1, "ex-y": 0, "ex-z": 0}
    # isolated nodes sort by kind (the legend's order), then by name whatever its case
    order = dict(model.single_order)
    assert order["ent-a"] < order["ent-b"] < order["ent-c"] < order["ex-y"] < order["ex-z"]
    assert model.grid_nodes == {"ex-y", "ex-z"}
    assert graph_model(None).nodes == () and graph_model(None).edges == ()


def test_only_edits_of_actors_voices_and_relationships_touch_the_graph():
    corpus = load_corpus(DATA)
    china = corpus.get("ent-china")
    assert touches_graph(corpus.apply([Put(china.model_copy(update={"name": "PRC"}))]))
    event = corpus.events[0]
    assert not touches_graph(corpus.apply([Put(event.model_copy(update={"title": event.title + " (edited)"}))]))
    rel = corpus.relationships[0]
    changes = corpus.apply([Remove(rel.id)])
    assert touches_graph(changes)
    assert rel.id not in {e.id for e in graph_model(corpus).edges}


# -- the layout ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [dict(), dict(columns=3, aspect=0.9), dict(columns=6, aspect=1.8, rows=1.4)])
def test_the_layout_is_deterministic_for_a_seed(model, shape):
    nodes, edges = model.layout_inputs()
    first = dict(compute_layout(nodes, edges, **shape))
    compute_layout.cache_clear()
    g._component_shape.cache_clear()
    g._even_out_cached.cache_clear()
    g._components.cache_clear()
    assert compute_layout(nodes, edges, **shape) == first
    other = compute_layout(nodes, edges, seed=8, **shape)
    assert other.keys() == first.keys() and other != first  # the seed shapes the components


@pytest.mark.parametrize("which", ["corpus", "synthetic"])
def test_every_node_is_placed_once(model, which):
    nodes, edges = model.layout_inputs() if which == "corpus" else synthetic_graph()
    for shape in (dict(), dict(columns=2), dict(columns=7, aspect=2.4)):
        pos = compute_layout(nodes, edges, **shape)
        assert set(pos) == set(nodes)
        arr = np.array(list(pos.values()))
        assert np.isfinite(arr).all()
        assert len({(round(x, 4), round(y, 4)) for x, y in arr}) == len(nodes)


@pytest.mark.parametrize("which", ["corpus", "synthetic"])
def test_components_do_not_overlap(model, which):
    nodes, edges = model.layout_inputs() if which == "corpus" else synthetic_graph()
    big, chains, singles = g._components(nodes, edges)
    assert len(big) >= 3
    for shape in (dict(), dict(columns=3, aspect=0.9), dict(columns=6, aspect=1.8)):
        pos = compute_layout(nodes, edges, **shape)
        boxes = []
        for comp, _ in big:
            xy = np.array([pos[n] for n in comp])
            boxes.append((*xy.min(axis=0), *xy.max(axis=0)))
        for i, (ax0, ay0, ax1, ay1) in enumerate(boxes):
            for bx0, by0, bx1, by1 in boxes[i + 1:]:
                assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0, shape
        for n in [*singles, *(n for c in chains for n in c)]:
            x, y = pos[n]
            assert not any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes), (n, shape)


@pytest.mark.parametrize("rows", [1.0, 1.5])
def test_isolated_nodes_stand_in_a_grid_in_their_order(model, rows):
    nodes, edges = model.layout_inputs()
    _big, chains, singles = g._components(nodes, edges)
    assert len(singles) >= 10 and chains
    pos = compute_layout(nodes, edges, single_order=model.single_order, columns=4, rows=rows)
    col_w = COL_W  # no aspect: the columns are not stretched
    columns = sorted({round(pos[n][0], 6) for n in singles})
    assert len(columns) >= 2
    for x in columns:
        k = (x - NODE_INSET) / col_w
        assert abs(k - round(k)) < 1e-6  # at a column's left edge
        ys = sorted((pos[n][1] for n in singles if round(pos[n][0], 6) == x), reverse=True)
        assert all(abs((a - b) - ROW_H * rows) < 1e-6 for a, b in zip(ys, ys[1:]))  # one row apart
    # down each column, then on to the next: the order of the isolated nodes (by kind, then name)
    key = dict(model.single_order)
    reading = sorted(singles, key=lambda n: (pos[n][0], -pos[n][1]))
    assert reading == sorted(singles, key=lambda n: key[n])
    # chains stand top to bottom in a column
    for chain in chains:
        assert len({round(pos[n][0], 6) for n in chain}) == 1
        assert [pos[n][1] for n in chain] == sorted((pos[n][1] for n in chain), reverse=True)


def test_networkx_is_imported_only_when_a_layout_is_computed():
    code = ("import sys; from explorer.core import load_corpus; from explorer.core.layout import graph as g; "
            f"m = g.graph_model(load_corpus({str(DATA)!r})); "
            "assert 'networkx' not in sys.modules, 'networkx at import'; "
            "g.prepare_layout(load_corpus(" + repr(str(DATA)) + ")); "
            "assert 'networkx' in sys.modules; "
            "assert not [k for k in sys.modules if k.split('.')[0] in ('PySide6', 'pyqtgraph')]")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def test_prepare_layout_fills_the_cache_the_layout_uses(corpus, model):
    g._component_shape.cache_clear()
    g.prepare_layout(corpus)
    misses = g._component_shape.cache_info().misses
    assert misses == len(g._components(*model.layout_inputs())[0])
    compute_layout(*model.layout_inputs(), columns=5, aspect=1.3)
    assert g._component_shape.cache_info().misses == misses


# -- following edits -------------------------------------------------------------------------------------
def test_without_previous_positions_it_is_the_fresh_layout(model, base):
    nodes, edges = model.layout_inputs()
    assert layout_for(nodes, edges, None, single_order=model.single_order, columns=4) == base
    assert layout_for(nodes, edges, {"not-a-node": (1.0, 2.0)}, single_order=model.single_order, columns=4) == base
    again = layout_for(nodes, edges, base)
    assert again == base and again is not base


def test_removing_a_node_or_an_edge_moves_nothing_else(model, base):
    nodes, edges = model.layout_inputs()
    gone = "ent-china"  # a hub: its component falls apart without it
    fewer = tuple(n for n in nodes if n != gone)
    fewer_edges = tuple(e for e in edges if gone not in e)
    pos = layout_for(fewer, fewer_edges, base)
    assert list(pos) == list(fewer)
    assert pos == {n: base[n] for n in fewer}
    # a fresh layout would have moved most of them
    fresh = compute_layout(fewer, fewer_edges, single_order=model.single_order, columns=4)
    assert sum(fresh[n] != base[n] for n in fewer) > len(fewer) // 2
    # an edge less, or one more (joining two components): nothing moves either
    assert layout_for(nodes, edges[1:], base) == base
    joined = edges + ((nodes[0], nodes[-1]),)
    assert layout_for(nodes, joined, base) == base


def test_a_new_node_goes_next_to_its_neighbour_and_the_others_stay(model, base):
    nodes, edges = model.layout_inputs()
    spacing = g._spacing(np.array(list(base.values())))
    for anchor in ("ent-russia", "ent-china", next(n for n in nodes if model.degree[n] == 0)):
        pos = layout_for(nodes + ("ent-new",), edges + (("ent-new", anchor),), base)
        assert list(pos) == [*nodes, "ent-new"]
        assert {n: pos[n] for n in nodes} == base
        new = pos["ent-new"]
        assert label_distance(new, base[anchor]) <= 3 * spacing, anchor  # near its neighbour
        assert min(label_distance(new, p) for p in base.values()) >= ROOM * spacing - 1e-9  # in free room
    # linked to two nodes: between them when there is room, and still clear of the rest
    a, b = "ent-russia", "ent-japan"
    pos = layout_for(nodes + ("ent-new",), edges + (("ent-new", a), ("ent-new", b)), base)
    centre = ((base[a][0] + base[b][0]) / 2, (base[a][1] + base[b][1]) / 2)
    assert label_distance(pos["ent-new"], centre) <= label_distance(base[a], base[b])
    assert {n: pos[n] for n in nodes} == base


def test_many_new_neighbours_of_one_node_take_rings_round_it(model, base):
    nodes, edges = model.layout_inputs()
    spacing = g._spacing(np.array(list(base.values())))
    leaves = tuple(f"ex-new-{i:02d}" for i in range(24))
    pos = layout_for(nodes + leaves, edges + tuple((leaf, "ent-russia") for leaf in leaves), base)
    assert {n: pos[n] for n in nodes} == base
    for leaf in leaves:
        assert min(label_distance(pos[leaf], p) for m, p in pos.items() if m != leaf) >= ROOM * spacing - 1e-9
    dist = sorted(label_distance(pos[leaf], base["ent-russia"]) for leaf in leaves)
    assert dist[0] <= 1.5 * spacing and dist[-1] <= g.RING_STEPS * spacing  # the first close, none far off


def test_new_nodes_linked_to_new_ones_follow_and_do_not_pile_up(model, base):
    nodes, edges = model.layout_inputs()
    spacing = g._spacing(np.array(list(base.values())))
    chain = ("new-1", "new-2", "new-3", "new-4")
    more = edges + (("new-1", "ent-china"), ("new-2", "new-1"), ("new-3", "new-2"), ("new-4", "new-2"),
                    ("new-4", "ent-us"))  # new-4 is tied to the picture on both sides
    pos = layout_for(nodes + chain, more, base)
    assert {n: pos[n] for n in nodes} == base
    for n in chain:
        others = [p for m, p in pos.items() if m != n]
        assert min(label_distance(pos[n], p) for p in others) >= ROOM * spacing - 1e-9
    assert label_distance(pos["new-1"], base["ent-china"]) <= 3 * spacing
    assert label_distance(pos["new-3"], pos["new-2"]) <= 3 * spacing
    assert layout_for(nodes + chain, more, base) == pos  # deterministic


def test_unconnected_new_nodes_are_laid_out_below_the_picture(model, base):
    nodes, edges = model.layout_inputs()
    lowest = min(y for _, y in base.values())
    left = min(x for x, _ in base.values())
    # an isolated node: a grid slot at the left, under everything
    pos = layout_for(nodes + ("ent-lonely",), edges, base, single_order=model.single_order)
    assert {n: pos[n] for n in nodes} == base
    x, y = pos["ent-lonely"]
    assert y < lowest - ROW_H / 2 and abs(x - left) < 1e-9
    # a new component of its own, with isolated nodes and a chain: its own layout, moved under the picture
    block_nodes = ("new-a", "new-b", "new-c", "new-d", "new-e", "new-f", "new-g")
    block_edges = (("new-a", "new-b"), ("new-b", "new-c"), ("new-c", "new-a"), ("new-c", "new-d"),
                   ("new-f", "new-g"))
    pos = layout_for(nodes + block_nodes, edges + block_edges, base, columns=4)
    assert {n: pos[n] for n in nodes} == base
    assert all(pos[n][1] < lowest - ROW_H / 2 for n in block_nodes)
    alone = compute_layout(block_nodes, block_edges, columns=4)
    dx, dy = pos["new-a"][0] - alone["new-a"][0], pos["new-a"][1] - alone["new-a"][1]
    for n in block_nodes:
        assert pos[n] == pytest.approx((alone[n][0] + dx, alone[n][1] + dy))


def test_a_run_of_edits_keeps_the_nodes_that_stay_where_they_were(model, base):
    """Add a voice, link it, remove an actor, add an isolated one: whoever was there stays put."""
    nodes, edges = model.layout_inputs()
    steps = [
        (nodes + ("ex-new",), edges),
        (nodes + ("ex-new",), edges + (("ex-new", "ent-russia"),)),
        (tuple(n for n in nodes if n != "ent-japan") + ("ex-new",),
         tuple(e for e in edges if "ent-japan" not in e) + (("ex-new", "ent-russia"),)),
        (tuple(n for n in nodes if n != "ent-japan") + ("ex-new", "ent-new"),
         tuple(e for e in edges if "ent-japan" not in e) + (("ex-new", "ent-russia"),)),
    ]
    pos = base
    first_new = None
    for step_nodes, step_edges in steps:
        before = pos
        pos = layout_for(step_nodes, step_edges, before)
        assert set(pos) == set(step_nodes)
        assert all(pos[n] == before[n] for n in step_nodes if n in before)
        first_new = first_new or pos["ex-new"]
        assert pos["ex-new"] == first_new  # once placed, a new node stays too


def test_layout_for_follows_a_corpus_edit(corpus):
    """From the corpus to positions and back after an edit, the way a view would follow it."""
    edited = load_corpus(DATA)
    before_model = graph_model(edited)
    before = layout_for(*before_model.layout_inputs(), None, single_order=before_model.single_order)
    passage = edited.get("ent-china").passages
    changes = edited.apply([Put(Entity(id="ent-kazakhstan", name="Kazakhstan", kind="country",
                                       passages=list(passage))),
                            Put(Relationship(id="rel-kz-cn", source="ent-kazakhstan", target="ent-china",
                                             kind="borders", passages=list(passage)))])
    assert touches_graph(changes)
    after_model = graph_model(edited)
    after = layout_for(*after_model.layout_inputs(), before, single_order=after_model.single_order)
    assert {n: after[n] for n in before} == before
    assert label_distance(after["ent-kazakhstan"], before["ent-china"]) < 3


# -- geometry ---------------------------------------------------------------------------------------------
def test_fit_rect_keeps_every_point_and_its_label_on_the_canvas():
    assert fit_rect(np.zeros((0, 2)), np.zeros(0), 400, 300) == (1.0, (-1.0, -1.0, 2.0, 2.0))
    pts = np.array([(0.0, 0.0), (10.0, -5.0), (4.0, 2.0)])
    right = np.array([50.0, 120.0, 30.0])
    ppu, (x, y, w, h) = fit_rect(pts, right, 800, 500)
    assert w * ppu <= 800 + 1e-6 and h * ppu <= 500 + 1e-6
    assert abs(w * ppu - 800) < 1e-6 or abs(h * ppu - 500) < 1e-6  # as large as fits
    for (px, py), r in zip(pts, right):
        assert x < px and px + r / ppu <= x + w + 1e-9 and y < py < y + h
    # labels capped at a column's width in units let the points spread further
    capped, _ = fit_rect(pts, right, 800, 500, right_cap=np.array([0.5, 0.5, 0.5]))
    assert capped >= ppu


def test_segment_tests_on_plain_numbers():
    seg = np.array([(0, 0, 10, 10), (0, 5, 10, 5), (20, 20, 30, 30), (2, -5, 2, -1)], dtype=float)
    assert segments_hit(seg, 1, 1, 4, 4).tolist() == [True, False, False, False]
    assert segments_hit(seg, 4, 4, 6, 6).tolist() == [True, True, False, False]
    assert segments_hit(seg, 1, -3, 3, 0).tolist() == [False, False, False, True]
    assert segment_distance(5, 0, 0, 0, 10, 0) == 0
    assert segment_distance(5, 3, 0, 0, 10, 0) == 3
    assert segment_distance(13, 4, 0, 0, 10, 0) == 5
    assert segment_distance(1, 1, 2, 2, 2, 2) == pytest.approx(math.sqrt(2))
