"""The relationship graph without Qt: which nodes and edges a corpus makes, and where they go.

- the graph model (``graph_model``): entities and experts are the nodes (entities first, in corpus
  order), relationships and expert–institution affiliations the edges (``AFFILIATION_PREFIX`` + the
  expert's id), with what the view needs to know about them besides drawing them: kind, label, period,
  degree, the hubs, the nodes that stand in the layout's columns, the order of the isolated nodes;
- the layout (``compute_layout``, pure, deterministic, ``lru_cache``d) gives each connected component a
  seeded stress layout in a block whose area grows with its node count, packed in rows, the largest
  component first and widest; chains of two or three nodes and the isolated nodes fill columns below
  (wide enough for a name each). ``prepare_layout`` computes the costly, size-independent part ahead
  (off the UI thread);
- following edits (``layout_for``): given the positions of the nodes before an edit, nodes that still
  exist keep them, new nodes go next to their neighbours (or, unconnected, below the picture), so a small
  edit does not reshuffle the whole graph (``touches_graph`` tells whether a ChangeSet changes it);
- how an edge is named on its own (``edge_caption``: "A — kind → B");
- the fit of a set of points with labels to a canvas (``fit_rect``), segment tests on plain numbers
  (``segments_hit``, ``segment_distance``) and a spatial index of points and segments (``SpatialGrid``).

networkx is imported when a layout is first computed, not at start-up. No Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

AFFILIATION_PREFIX = "affiliation:"

#: node kinds, in the legend's order: the entity kinds, with experts after people
NODE_KINDS: tuple[str, ...] = ("country", "place", "organisation", "group", "person", "expert", "project",
                               "agreement", "event")
NODE_KIND_LABELS = {"country": "Country", "place": "Place", "organisation": "Organisation", "group": "Group",
                    "person": "Person", "expert": "Expert / voice", "project": "Project",
                    "agreement": "Agreement", "event": "Event"}
#: the item kinds whose changes change the graph
GRAPH_ITEM_KINDS = frozenset({"entity", "expert", "relationship"})


def kind_label(kind: str) -> str:
    """A node kind for people ("Expert / voice" for experts; unknown kinds as they are)."""
    return NODE_KIND_LABELS.get(kind, kind)


def edge_caption(source: str, kind: str, target: str) -> str:
    """How a relationship is named on its own (a caption, the inspector's heading): "A — kind → B"."""
    return f"{source} — {kind} → {target}"


def relationship_caption(index, rel_id: str) -> str:
    """``edge_caption`` of a relationship of the index, its ends by label (by id when unknown)."""
    rel = index.items[rel_id]
    ends = [index.items.get(end) for end in (rel.source, rel.target)]
    source, target = (item.label if item is not None else end for item, end in zip(ends, (rel.source, rel.target)))
    return edge_caption(source, rel.kind, target)


# -- the graph model ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GraphNode:
    id: str
    kind: str  # the entity's kind, or "expert"
    label: str


@dataclass(frozen=True)
class GraphEdge:
    id: str
    source: str
    target: str
    text: str
    affiliation: bool
    start: float | None  # POSIX seconds, None when open
    end: float | None
    period: str  # human form of the period, "" when none
    summary: str = ""

    def active(self, t0: float, t1: float) -> bool:
        s = -math.inf if self.start is None else self.start
        e = math.inf if self.end is None else self.end
        return s < t1 and e > t0


def period_text(start, end) -> str:
    """A relationship's period for people ("" when it has none): "1990 – 2000", "from 1990", "until 2000"."""
    period = ""
    if start or end:
        period = f"{start.display() if start else '…'} – {end.display() if end else '…'}"
        if start and end is None:
            period = f"from {start.display()}"
        elif end and start is None:
            period = f"until {end.display()}"
    return period


@dataclass(frozen=True)
class GraphModel:
    """The nodes and edges of a corpus' graph, in the order the view builds them (so layout caches are
    shared with ``prepare_layout``). Rebuild it (``graph_model``) after an edit that ``touches_graph``."""

    nodes: tuple[GraphNode, ...] = ()
    edges: tuple[GraphEdge, ...] = ()

    @cached_property
    def node_ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes)

    @cached_property
    def edge_pairs(self) -> tuple[tuple[str, str], ...]:
        """(source, target) of every edge, as the layout takes them."""
        return tuple((e.source, e.target) for e in self.edges)

    def layout_inputs(self) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        return self.node_ids, self.edge_pairs

    @cached_property
    def degree(self) -> dict[str, int]:
        """Edges at each node (affiliations included). Shared: do not change it."""
        return degrees(self.node_ids, self.edge_pairs)

    @cached_property
    def hubs(self) -> frozenset[str]:
        """The best-connected nodes: always labelled when at all possible."""
        return hub_nodes(self.node_ids, self.degree)

    @cached_property
    def grid_nodes(self) -> frozenset[str]:
        """Isolated nodes and the nodes of chains of two or three: they stand in the layout's columns."""
        return grid_nodes(self.node_ids, self.edge_pairs)

    @cached_property
    def single_order(self) -> tuple[tuple[str, str], ...]:
        """(node, sort key) pairs for ``compute_layout``: isolated nodes by kind, then by label."""
        return single_order(self.nodes)


def graph_model(corpus) -> GraphModel:
    """The graph of a corpus: entities then experts; relationships between two of them, then the experts'
    affiliations with an institution that is a node."""
    if corpus is None:
        return GraphModel()
    nodes = [GraphNode(ent.id, ent.kind, ent.name) for ent in corpus.entities]
    nodes += [GraphNode(ex.id, "expert", ex.name) for ex in corpus.experts]
    node_set = {n.id for n in nodes}
    edges = []
    for rel in corpus.relationships:
        if rel.source in node_set and rel.target in node_set:
            edges.append(GraphEdge(rel.id, rel.source, rel.target, rel.kind, False,
                                   rel.start.start_seconds if rel.start else None,
                                   rel.end.end_seconds if rel.end else None, period_text(rel.start, rel.end),
                                   rel.summary))
    for ex in corpus.experts:
        if ex.organisation and ex.organisation in node_set:
            edges.append(GraphEdge(AFFILIATION_PREFIX + ex.id, ex.id, ex.organisation,
                                   ex.role or "affiliated with", True, None, None, "", ex.affiliation))
    return GraphModel(tuple(nodes), tuple(edges))


def graph_layout_inputs(corpus) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The nodes (entities, then experts) and edges (relationships, then expert–institution
    affiliations) the graph lays out, in the order the view builds them (so caches are shared)."""
    nodes = [e.id for e in corpus.entities] + [x.id for x in corpus.experts]
    node_set = set(nodes)
    edges = [(r.source, r.target) for r in corpus.relationships if r.source in node_set and r.target in node_set]
    edges += [(x.id, x.organisation) for x in corpus.experts if x.organisation and x.organisation in node_set]
    return tuple(nodes), tuple(edges)


def touches_graph(changes) -> bool:
    """Whether an applied ChangeSet changes the graph (an entity, expert or relationship added, changed or
    removed); other edits (events, passages, themes...) leave it as it is."""
    items = [*changes.added.values(), *changes.removed.values(),
             *(item for pair in changes.changed.values() for item in pair)]
    return any(item.item_kind in GRAPH_ITEM_KINDS for item in items)


def degrees(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Edges at each node (a loop counts twice)."""
    degree = {n: 0 for n in nodes}
    for a, b in edges:
        degree[a] += 1
        degree[b] += 1
    return degree


def hub_nodes(nodes: Iterable[str], degree: Mapping[str, int]) -> frozenset[str]:
    """The best-connected twentieth of the nodes (at least three of them), with three links or more."""
    ranked = sorted(nodes, key=lambda n: -degree[n])
    return frozenset(n for n in ranked[:max(3, len(ranked) // 20)] if degree[n] >= 3)


def grid_nodes(nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...]) -> frozenset[str]:
    """The nodes the layout puts in its columns: isolated ones and those of chains of two or three."""
    _big, chains, singles = _components(nodes, edges)
    return frozenset(singles).union(*chains)


def single_order(nodes: Iterable[GraphNode]) -> tuple[tuple[str, str], ...]:
    """The sort key of each node among the isolated ones: its kind (legend order; unknown kinds last), then
    its label, case-insensitively."""
    return tuple((n.id, f"{NODE_KINDS.index(n.kind) if n.kind in NODE_KINDS else 99:02d}{n.label.casefold()}")
                 for n in nodes)


# -- layout (pure) ------------------------------------------------------------------------------------
# Layout units: about 30–40 px each when the graph is fitted. The layout is ``columns`` columns at least
# COL_W wide (a node and a label of up to ~170 px beside it): the components are packed in rows across
# them, each with an area that grows with its node count (the largest one first, spanning the width);
# chains of two or three nodes stand top to bottom in a column, and isolated nodes fill the columns
# below. Everything, labels included, lies in x ∈ [0, width].
COL_W = 4.6  # a column: a node and its label
ROW_H = 0.55  # a row of the grid of isolated nodes
CHAIN_DY = 0.7  # node spacing in a chain of two or three nodes (top to bottom)
CHAIN_GAP = 0.3  # between two chains in a column
CELL_AREA = COL_W * ROW_H
COMPONENT_AREA = 0.9  # grid cells per node of a component (its edges need room), more for big ones
LABEL_ROOM = 2.2  # room kept right of a component's nodes for their labels
GAP = 0.5  # between blocks
NODE_INSET = 0.2  # from a column's left edge to its nodes
MAX_BLOCK_ASPECT = 2.6  # a component's block is at most this much wider than tall
LABEL_ASPECT = 2.2  # nodes need this much more room across than down (labels are wide)
STRESS_MAX_NODES = 200  # bigger components keep a plain force-directed layout (stress is O(n²) a step)


@lru_cache(maxsize=64)
def compute_layout(nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...], seed: int = 7,
                   single_order: tuple[tuple[str, str], ...] = (), columns: int = 0,
                   aspect: float = 0.0, rows: float = 1.0) -> dict[str, tuple[float, float]]:
    """Deterministic positions (see above) for ``columns`` columns (0: about as wide as tall). Each
    component's shape is a seeded stress layout; isolated nodes are ordered by ``single_order``
    ((node, sort key) pairs; by id when absent). With an ``aspect`` (the view's width / height), a
    layout wider than that gives the height it leaves to its first row (the largest component);
    ``rows`` stretches the rows of the grid and the chains (for views that show them small).
    Returns a shared dict: copy it."""
    order = dict(single_order)
    big, chains, singles = _components(nodes, edges)
    if columns <= 0:
        total = (sum(_component_area(len(c)) for c, _ in big) + len(singles) * CELL_AREA
                 + sum(((len(c) - 1) * CHAIN_DY + ROW_H + GAP) * COL_W for c in chains))
        columns = max(2, round(math.sqrt(total) / COL_W))
    base = columns * COL_W
    _, first, height = _pack(big, chains, singles, columns, base, seed, order, 0.0, rows, place=False)
    width, extra = base, 0.0
    if aspect > 0 and first is not None and base / height < aspect * 0.98:
        # taller than the view: widen the columns (and the components' rows with them) until it fits
        lo, hi = base, base * 2.0
        for _ in range(12):
            mid = (lo + hi) / 2
            if mid / _pack(big, chains, singles, columns, mid, seed, order, 0.0, rows, place=False)[2] < aspect:
                lo = mid
            else:
                hi = mid
        width = lo
    elif aspect > 0 and first is not None and base / height > aspect * 1.02:
        # wider than the view: the first row (the largest component) takes the height left, up to
        # about as tall as it is wide
        extra = min(base / aspect - height, max(0.0, first[0] / 1.1 - first[1]))
        extra = extra if extra > 0.05 else 0.0
    return _pack(big, chains, singles, columns, width, seed, order, extra, rows)[0]


def prepare_layout(corpus, seed: int = 7) -> dict:
    """Compute the costly part of the layout that does not depend on the view's size (the shape of each
    connected component: seconds for a thousand actors) ahead, off the UI thread while a corpus loads;
    the view then finds it cached. Returns the shapes (``known_shapes`` takes them back in another
    process: the cache of opened corpora keeps them). Pure, no Qt."""
    nodes, edges = graph_layout_inputs(corpus)
    big, _chains, _singles = _components(nodes, edges)
    out = {}
    for comp, sub_edges in big:
        key = (tuple(comp), tuple(sub_edges), seed)
        out[key] = _component_shape(*key)
    return out


#: component shapes made in this process or taken back from the cache of opened corpora (``known_shapes``)
_SHAPES: dict[tuple, dict[str, tuple[float, float]]] = {}
_SHAPES_KEPT = 64


def known_shapes(shapes: dict) -> None:
    """Take back component shapes that ``prepare_layout`` gave (the same inputs give the same shape)."""
    _SHAPES.update(shapes)
    while len(_SHAPES) > _SHAPES_KEPT:
        del _SHAPES[next(iter(_SHAPES))]


def _pack(big, chains, singles, columns: int, width: float, seed: int, order: dict, extra: float,
          rows: float, place: bool = True):
    """Place the components, chains and isolated nodes in ``columns`` columns; the first row of
    components gets ``extra`` height, rows of the grid and chains are ``rows`` times their usual
    height. Everything, labels included, lies in x ∈ [0, width]. Also returns the first block's width
    and height, and the layout's height (all that is computed when not ``place``)."""
    row_h, chain_dy, chain_gap = ROW_H * rows, CHAIN_DY * rows, CHAIN_GAP * rows
    col_w = width / columns
    first = None
    out: dict[str, tuple[float, float]] = {}
    lowest = 0.0
    y = 0.0  # top of the next row; rows go downwards (negative y: the view's y axis points up)
    tops = [0.0] * columns  # where each column is free from, downwards
    # components in justified rows: a row's blocks share its height, each as wide as its area needs;
    # a block joins the row while every block stays at least about as wide as it is tall
    i = 0
    while i < len(big):
        row = [big[i]]
        i += 1
        while i < len(big):
            # add blocks while the row is flatter than MAX_BLOCK_ASPECT, as long as none gets too narrow
            areas = [_component_area(len(c)) for c, _ in row]
            h = sum(areas) / (width - GAP * (len(row) - 1))
            if max(a / h for a in areas) <= MAX_BLOCK_ASPECT * h:
                break
            areas.append(_component_area(len(big[i][0])))
            h = sum(areas) / (width - GAP * (len(row)))
            if min(a / h for a in areas) < 0.9 * h:
                break
            row.append(big[i])
            i += 1
        areas = [_component_area(len(c)) for c, _ in row]
        h = sum(areas) / (width - GAP * (len(row) - 1))
        if len(row) == 1 and i > 1:  # a lone smaller block keeps its own proportions
            h = max(h, math.sqrt(areas[0] / 1.8))
        else:
            h = max(h, math.sqrt(max(areas) / MAX_BLOCK_ASPECT))
        h = max(h, 3 * ROW_H)
        widths = [min(a / h, width) for a in areas]
        heights = [h] * len(row)
        if first is None:
            first = (widths[0], h)
            heights[0] += extra  # only the largest component: the others leave room under them
        x = 0.0
        for (comp, sub_edges), w, h in zip(row, widths, heights):
            # nodes inside the block, with room for labels on the right and half a row above and below
            ix0, ix1 = x + NODE_INSET, x + w - min(LABEL_ROOM, 0.3 * w)
            iy0, iy1 = y - ROW_H / 2, y - h + ROW_H / 2
            lowest = min(lowest, iy1)
            if place:
                shape = _component_shape(tuple(comp), tuple(sub_edges), seed)
                for n, (px, py) in _even_out(shape, ix1 - ix0, iy0 - iy1).items():
                    out[n] = (ix0 + px * (ix1 - ix0), iy0 + py * (iy1 - iy0))
            for c in range(columns):
                if x < (c + 1) * col_w - 0.3 and x + w > c * col_w + 0.3:
                    tops[c] = min(tops[c], y - h - GAP)
            x += w + GAP
        y = min(tops)

    # chains: top to bottom, each in the column that is least filled (beside a row of components that
    # leaves room)
    tops_before = list(tops)
    for chain in sorted(chains, key=lambda c: (-len(c), order.get(c[0], c[0]))):
        col = max(range(columns), key=lambda c: (tops[c], -c))
        for k, n in enumerate(chain):
            out[n] = (col * col_w + NODE_INSET, tops[col] - row_h / 2 - k * chain_dy)
            lowest = min(lowest, out[n][1])
        tops[col] -= (len(chain) - 1) * chain_dy + row_h + chain_gap
    tops = [t - (GAP - chain_gap) if t < top else t for t, top in zip(tops, tops_before)]

    # isolated nodes: down the columns, each starting under its chains and all ending at the same row
    singles = sorted(singles, key=lambda n: order.get(n, n))
    bottom = min(tops)
    while singles and sum(max(0, int((t - bottom) / row_h + 1e-6)) for t in tops) < len(singles):
        bottom -= row_h
    k = 0
    for col, top in enumerate(tops):
        n_rows = max(0, int((top - bottom) / row_h + 1e-6))
        for r in range(n_rows):
            if k == len(singles):
                break
            out[singles[k]] = (col * col_w + NODE_INSET, top - row_h / 2 - r * row_h)
            lowest = min(lowest, out[singles[k]][1])
            k += 1
    return out, first, -lowest + row_h / 2


def _component_area(n: int) -> float:
    return n * COMPONENT_AREA * CELL_AREA * (1 + n / 20)


@lru_cache(maxsize=16)
def _components(nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...]):
    """Connected components, largest first: (nodes, edges) of the big ones, chains of two or three
    nodes (end to end), isolated nodes. Built in sorted order: sets iterate in hash order, which
    differs per process."""
    import networkx as nx  # imported when a graph is first laid out, not at start-up (~0.12 s)

    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((a, b) for a, b in edges if a != b)
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    big: list[tuple[list[str], list[tuple[str, str]]]] = []
    chains: list[list[str]] = []
    singles: list[str] = []
    for comp in comps:
        members = set(comp)
        sub_edges = sorted({(min(a, b), max(a, b)) for a, b in edges if a in members and b in members and a != b})
        if len(comp) == 1:
            singles.append(comp[0])
        elif len(comp) <= 3 and len(sub_edges) == len(comp) - 1:
            chains.append(_chain_order(comp, sub_edges))
        else:
            big.append((comp, sub_edges))
    return big, chains, singles


def _chain_order(comp: list[str], sub_edges: list[tuple[str, str]]) -> list[str]:
    """The nodes of a path of two or three nodes, end to end."""
    if len(comp) == 2:
        return list(comp)
    deg = {n: 0 for n in comp}
    for a, b in sub_edges:
        deg[a] += 1
        deg[b] += 1
    mid = next(n for n in comp if deg[n] == 2)
    ends = sorted(n for n in comp if n != mid)
    return [ends[0], mid, ends[1]]


@lru_cache(maxsize=64)
def _component_shape(comp: tuple[str, ...], sub_edges: tuple[tuple[str, str], ...],
                     seed: int) -> dict[str, tuple[float, float]]:
    key = (comp, sub_edges, seed)
    found = _SHAPES.get(key)
    if found is None:
        found = _make_component_shape(comp, sub_edges, seed)
        known_shapes({key: found})
    return found


_clear_recent_shapes = _component_shape.cache_clear


def _forget_shapes() -> None:
    """``_component_shape.cache_clear()``: every shape made or taken back is forgotten."""
    _SHAPES.clear()
    _clear_recent_shapes()


_component_shape.cache_clear = _forget_shapes  # type: ignore[method-assign]


def _make_component_shape(comp: tuple[str, ...], sub_edges: tuple[tuple[str, str], ...],
                          seed: int) -> dict[str, tuple[float, float]]:
    """A stress layout of one connected component, normalised to the unit square (y down: 0 is the top).
    Links between well-connected nodes are longer (their neighbours gather round each of them), and
    the layout is made wider than tall: labels are wide."""
    n = len(comp)
    index = {v: i for i, v in enumerate(comp)}
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(comp)
    g.add_edges_from(sub_edges)
    deg = dict(g.degree())
    for a, b in sub_edges:
        g[a][b]["len"] = 1.0 + 0.25 * (math.sqrt(max(deg[a], deg[b])) - 1) * min(1.0, (min(deg[a], deg[b]) - 1) / 2)
    if n < 500:  # networkx lays out bigger graphs with scipy, which the app does not need otherwise
        init = nx.spring_layout(g, seed=seed, iterations=100)
        arr = np.array([init[v] for v in comp], dtype=float)
    else:
        arr = _spring(n, [(index[a], index[b]) for a, b in sub_edges], seed)
    if n <= STRESS_MAX_NODES:
        dist = np.zeros((n, n))
        for src, lengths in nx.all_pairs_dijkstra_path_length(g, weight="len"):
            for dst, d in lengths.items():
                dist[index[src], index[dst]] = d
        arr = _stress(arr, dist)
        arr[:, 0] *= 1.8  # labels are wide: more room across than down
        arr = _spread(arr, 0.75)
    else:
        arr[:, 0] *= 1.8
    lo, hi = arr.min(axis=0), arr.max(axis=0)
    span = np.where(hi - lo > 1e-9, hi - lo, 1.0)
    unit = (arr - lo) / span
    unit[:, 1] = 1.0 - unit[:, 1]  # y down
    return {v: (float(unit[i, 0]), float(unit[i, 1])) for i, v in enumerate(comp)}


@lru_cache(maxsize=256)
def _even_out_cached(items: tuple[tuple[str, float, float], ...], w: float, h: float) -> tuple:
    names = [n for n, _, _ in items]
    arr = np.array([(x * w / LABEL_ASPECT, y * h) for _, x, y in items], dtype=float)
    n = len(arr)
    min_dist = 0.75 * math.sqrt(w / LABEL_ASPECT * h / max(n, 1))
    for _ in range(8):
        arr = _spread(arr, min_dist, iterations=20)
        arr[:, 0] = np.clip(arr[:, 0], 0, w / LABEL_ASPECT)
        arr[:, 1] = np.clip(arr[:, 1], 0, h)
    return tuple((names[i], float(arr[i, 0] * LABEL_ASPECT / w), float(arr[i, 1] / h)) for i in range(n))


def _even_out(shape: dict[str, tuple[float, float]], w: float, h: float) -> dict[str, tuple[float, float]]:
    """A component's unit-square shape stretched to a w × h box, with nodes that crowd each other pushed
    apart into the box's free room (distances measured as if labels were square: x counts less)."""
    if not 3 <= len(shape) <= STRESS_MAX_NODES or w <= 0 or h <= 0:
        return shape
    items = tuple((n, x, y) for n, (x, y) in shape.items())
    return {n: (x, y) for n, x, y in _even_out_cached(items, round(w, 4), round(h, 4))}


def _spring(n: int, edges: list[tuple[int, int]], seed: int, iterations: int = 60) -> np.ndarray:
    """A plain seeded force-directed layout (Fruchterman–Reingold), for components too big for the rest."""
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    adj = np.zeros((n, n))
    for a, b in edges:
        adj[a, b] = adj[b, a] = 1.0
    k = 1.0 / math.sqrt(n)
    step = 0.1
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    adj_k = adj / k
    for _ in range(iterations):  # in x and y apart: n × n planes, no n × n × 2 array (4 times quicker)
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        dist = np.maximum(np.sqrt(dx * dx + dy * dy), 0.01)
        coef = k * k / (dist * dist) - adj_k * dist
        disp_x, disp_y = (coef * dx).sum(axis=1), (coef * dy).sum(axis=1)
        length = np.maximum(np.sqrt(disp_x * disp_x + disp_y * disp_y), 0.01)
        scale = np.minimum(length, step) / length
        x += disp_x * scale
        y += disp_y * scale
        step *= 0.95
    return np.column_stack((x, y))


def _stress(arr: np.ndarray, dist: np.ndarray, iterations: int = 300) -> np.ndarray:
    """Stress majorisation (SMACOF) towards the graph distances, weights 1/d²: linked nodes end up
    about as far apart as their link asks, leaves spread evenly round their hub."""
    n = len(arr)
    if n < 3:
        return arr
    d = dist.copy()
    np.fill_diagonal(d, 1.0)
    w = 1.0 / d ** 2
    np.fill_diagonal(w, 0.0)
    lap = -w.copy()
    np.fill_diagonal(lap, w.sum(axis=1))
    lap_pinv = np.linalg.pinv(lap)
    x = arr - arr.mean(axis=0)
    cur = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    x *= float(np.median(dist[dist > 0])) / max(float(np.median(cur[dist > 0])), 1e-9)
    prev = math.inf
    for _ in range(iterations):
        diff = x[:, None, :] - x[None, :, :]
        cur = np.sqrt((diff ** 2).sum(axis=2))
        stress = float((w * (cur - dist) ** 2).sum())
        if prev - stress < 1e-7 * prev:
            break
        prev = stress
        b = -w * dist / np.maximum(cur, 1e-9)
        np.fill_diagonal(b, 0.0)
        np.fill_diagonal(b, -b.sum(axis=1))
        x = lap_pinv @ (b @ x)
    return x


def _spread(arr: np.ndarray, min_dist: float, iterations: int = 60) -> np.ndarray:
    """Push apart nodes closer than ``min_dist`` (dense hubs), moving each pair equally."""
    arr = arr.copy()
    n = len(arr)
    for _ in range(iterations):
        diff = arr[:, None, :] - arr[None, :, :]
        dist = np.sqrt((diff ** 2).sum(axis=2))
        np.fill_diagonal(dist, 1e9)
        close = dist < min_dist
        if not close.any():
            break
        safe = np.where(dist == 0, 1e-6, dist)
        push = np.where(close, (min_dist - dist) / 2 / safe, 0.0)
        jitter = (np.arange(n)[:, None] - np.arange(n)[None, :]) * 1e-4  # separates coincident nodes
        arr += (diff * push[:, :, None]).sum(axis=1) + np.where(close & (dist == 0), jitter, 0).sum(axis=1)[:, None]
    return arr



# -- following edits ------------------------------------------------------------------------------------
RING_ANGLES = 16  # directions tried round a new node's neighbours
RING_STEPS = 12  # how many node spacings away from them a new node may go looking for room
ROOM = 0.8  # a new node wants this many node spacings of room round it


def layout_for(nodes: Iterable[str], edges: Iterable[tuple[str, str]],
               previous_positions: Mapping[str, tuple[float, float]] | None = None, *, seed: int = 7,
               single_order: tuple[tuple[str, str], ...] = (), columns: int = 0, aspect: float = 0.0,
               rows: float = 1.0) -> dict[str, tuple[float, float]]:
    """Positions that follow an edit of the graph. ``previous_positions`` (node -> (x, y), as before the
    edit) are kept exactly for the nodes that still exist, so removing a node or adding or removing an edge
    moves nothing else; a new node linked to nodes already placed goes next to them, in the nearest free
    room (new nodes linked only to new ones follow, neighbours first); new nodes linked to none of them
    are laid out by themselves (as ``compute_layout`` would) below the picture, in its columns. Without
    previous positions (or with none of a node still there) this is ``compute_layout``'s fresh layout,
    for the same ``seed``, ``single_order``, ``columns``, ``aspect`` and ``rows``. Deterministic; a new
    dict, in the order of ``nodes``."""
    nodes, edges = tuple(nodes), tuple(edges)
    kept = {n: (float(previous_positions[n][0]), float(previous_positions[n][1]))
            for n in nodes if n in previous_positions} if previous_positions else {}
    if not kept:
        return dict(compute_layout(nodes, edges, seed=seed, single_order=tuple(single_order), columns=columns,
                                   aspect=aspect, rows=rows))
    new = [n for n in nodes if n not in kept]
    if not new:
        return kept
    node_set = set(nodes)
    neighbours: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        if a != b and a in node_set and b in node_set:
            neighbours[a].append(b)
            neighbours[b].append(a)
    out = dict(kept)
    spacing = _spacing(np.array(list(kept.values()), dtype=float))
    rank = {n: i for i, n in enumerate(nodes)}
    pending = set(new)
    while True:  # in waves: the new nodes next to placed ones, those with most placed neighbours first
        wave = [n for n in new if n in pending and any(m in out for m in neighbours[n])]
        if not wave:
            break
        wave.sort(key=lambda n: (-sum(m in out for m in neighbours[n]), rank[n]))
        for n in wave:
            out[n] = _free_spot_near([out[m] for m in neighbours[n] if m in out], out, spacing)
            pending.discard(n)
    if pending:  # linked to nothing placed: a layout of their own, under everything, in the same columns
        rest = tuple(n for n in new if n in pending)
        rest_set = set(rest)
        sub_edges = tuple((a, b) for a, b in edges if a in rest_set and b in rest_set)
        sub_order = tuple((n, k) for n, k in single_order if n in rest_set)
        xs = [x for x, _ in kept.values()]
        cols = columns if columns > 0 else max(2, round((max(xs) - min(xs)) / COL_W) + 1)
        block = compute_layout(rest, sub_edges, seed, sub_order, cols, 0.0, rows)
        dx = min(xs) - NODE_INSET
        dy = min(y for _, y in out.values()) - ROW_H * rows / 2 - GAP
        for n in rest:
            out[n] = (block[n][0] + dx, block[n][1] + dy)
    return {n: out[n] for n in nodes}


def _label_metric(pts: np.ndarray) -> np.ndarray:
    """Points with x shrunk by LABEL_ASPECT: distances as if labels were square."""
    return pts / np.array([LABEL_ASPECT, 1.0])


def _spacing(pts: np.ndarray) -> float:
    """The usual distance from a node to its nearest neighbour (label metric): the room a new node wants."""
    if len(pts) < 2:
        return CHAIN_DY
    p = _label_metric(pts)
    nearest = np.empty(len(p))
    for i in range(0, len(p), 512):  # in slices: a thousand nodes would make a big square matrix
        d = np.sqrt(((p[i:i + 512, None, :] - p[None, :, :]) ** 2).sum(axis=2))
        d[np.arange(len(d)), np.arange(i, i + len(d))] = np.inf
        nearest[i:i + 512] = d.min(axis=1)
    nearest = nearest[nearest > 1e-9]
    return float(np.clip(np.median(nearest), 0.3, 2.0)) if len(nearest) else CHAIN_DY


def _free_spot_near(anchors: list[tuple[float, float]], placed: Mapping[str, tuple[float, float]],
                    spacing: float) -> tuple[float, float]:
    """The first place round the anchors' centre (on it, for two anchors or more, then on rings a node
    spacing apart) with ``ROOM`` spacings free round it; on each ring the freest direction (right first
    among equals). If there is none within RING_STEPS rings, the freest place seen."""
    centre = np.array(anchors, dtype=float).mean(axis=0)
    others = _label_metric(np.array(list(placed.values()), dtype=float))
    angles = np.arange(RING_ANGLES) * (2 * math.pi / RING_ANGLES)
    ring_dirs = np.stack([LABEL_ASPECT * np.cos(angles), np.sin(angles)], axis=1)
    best: tuple[float, np.ndarray] | None = None
    for ring in range(0 if len(anchors) > 1 else 1, RING_STEPS + 1):
        cands = centre[None, :] + ring * spacing * ring_dirs if ring else centre[None, :]
        c = _label_metric(cands)
        clear = np.sqrt(((c[:, None, :] - others[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
        i = int(np.argmax(clear))
        if best is None or clear[i] > best[0]:
            best = (float(clear[i]), cands[i])
        if clear[i] >= ROOM * spacing:
            break
    return float(best[1][0]), float(best[1][1])


# -- geometry -------------------------------------------------------------------------------------------
FIT_PAD = 8.0  # pixels kept round the fitted graph, besides its labels


def fit_rect(pts: np.ndarray, right: np.ndarray, width: float, height: float,
             right_cap: np.ndarray | None = None) -> tuple[float, tuple[float, float, float, float]]:
    """The largest scale (pixels per unit) at which points fit a width × height canvas with ``right[i]``
    pixels right of point i for its label (at most ``right_cap[i]`` units), and the rectangle (x, y, width,
    height, in units) to show at that scale."""
    if not len(pts):
        return 1.0, (-1.0, -1.0, 2.0, 2.0)
    left_pad, top_pad = FIT_PAD + 14, FIT_PAD + 10  # a node's radius, half a label's height
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    avail_w = max(width - left_pad - FIT_PAD, 20.0)
    avail_h = max(height - 2 * top_pad, 20.0)
    cap = np.full(len(pts), np.inf) if right_cap is None else right_cap
    # the right edge is max_i((x_i - x_min) * ppu + min(right_i, cap_i * ppu)): each point bounds the scale
    dx = pts[:, 0] - lo[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        by_px = np.where(dx > 1e-9, (avail_w - right) / np.where(dx > 1e-9, dx, 1.0),
                         np.where(right <= avail_w, np.inf, 0.0))
        by_cap = np.where(dx + cap > 1e-9, avail_w / (dx + cap), np.inf)
    ppu = float(np.maximum(by_px, by_cap).min())
    if hi[1] - lo[1] > 1e-9:
        ppu = min(ppu, avail_h / float(hi[1] - lo[1]))
    if not math.isfinite(ppu):
        ppu = 40.0
    ppu = max(ppu, 1e-3)
    right_edge = float((dx * ppu + np.minimum(right, cap * ppu)).max())
    return ppu, (float(lo[0]) - left_pad / ppu, float(lo[1]) - top_pad / ppu,
                 (left_pad + right_edge + FIT_PAD) / ppu, float(hi[1] - lo[1]) + 2 * top_pad / ppu)


def segments_hit(seg: np.ndarray, left: float, top: float, right: float, bottom: float) -> np.ndarray:
    """Which segments (rows x0, y0, x1, y1) cross or touch the rectangle (Liang–Barsky clipping)."""
    x0, y0 = seg[:, 0], seg[:, 1]
    dx, dy = seg[:, 2] - x0, seg[:, 3] - y0
    t0 = np.zeros(len(seg))
    t1 = np.ones(len(seg))
    ok = np.ones(len(seg), dtype=bool)
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        zero = np.abs(p) < 1e-12
        ok &= ~(zero & (q < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(zero, 0.0, q / np.where(zero, 1.0, p))
        t0 = np.where(~zero & (p < 0), np.maximum(t0, t), t0)
        t1 = np.where(~zero & (p > 0), np.minimum(t1, t), t1)
    return ok & (t0 <= t1)


def segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """The distance from point p to the segment a–b."""
    dx, dy = bx - ax, by - ay
    den = dx * dx + dy * dy
    if den == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / den))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


# -- spatial index ----------------------------------------------------------------------------------------
class SpatialGrid:
    """Points and segments bucketed in a uniform grid, to find what lies near a point or in a rectangle
    without looking at everything: the graph's hit-testing asks it for candidates, then tests those
    exactly. Coordinates are plain numbers in any one system (the graph keeps one in layout units,
    which do not change while the view pans or zooms).

    ``points`` is an (n, 2) array, ``segments`` an (m, 4) array of x0, y0, x1, y1. A segment is entered
    in every cell its line passes through; a query returns a superset of what is within reach (never
    fewer), in index order."""

    def __init__(self, points: np.ndarray | None = None, segments: np.ndarray | None = None,
                 cell: float | None = None):
        pts = np.asarray(points if points is not None else np.zeros((0, 2)), dtype=float).reshape(-1, 2)
        seg = np.asarray(segments if segments is not None else np.zeros((0, 4)), dtype=float).reshape(-1, 4)
        self.n_points, self.n_segments = len(pts), len(seg)
        coords = np.concatenate([pts, seg[:, :2], seg[:, 2:]]) if (len(pts) or len(seg)) else np.zeros((1, 2))
        coords = coords[np.isfinite(coords).all(axis=1)] if len(coords) else coords
        if not len(coords):
            coords = np.zeros((1, 2))
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        w, h = float(hi[0] - lo[0]), float(hi[1] - lo[1])
        span = max(w, h, 1e-9)
        if cell is None:  # about one point per cell (at most n cells), however long and thin the picture
            n = max(len(pts), len(seg) // 2, 1)
            cell = max(math.sqrt(w * h / n), span / n)
        self.cell = float(max(cell, span / 4096.0, 1e-12))
        self.origin = (float(lo[0]), float(lo[1]))
        self.nx = int((hi[0] - lo[0]) / self.cell) + 1
        self.ny = int((hi[1] - lo[1]) / self.cell) + 1
        self._pt_cells, self._pt_ids = self._bucket(self._cells_of_points(pts), np.arange(len(pts)))
        cells, owners = self._cells_of_segments(seg)
        self._seg_cells, self._seg_ids = self._bucket(cells, owners)

    def _cell_xy(self, x, y):
        ix = np.clip(np.floor((np.asarray(x) - self.origin[0]) / self.cell), 0, self.nx - 1).astype(np.int64)
        iy = np.clip(np.floor((np.asarray(y) - self.origin[1]) / self.cell), 0, self.ny - 1).astype(np.int64)
        return ix, iy

    def _cells_of_points(self, pts: np.ndarray) -> np.ndarray:
        if not len(pts):
            return np.zeros(0, dtype=np.int64)
        ok = np.isfinite(pts).all(axis=1)
        ix, iy = self._cell_xy(np.where(ok, pts[:, 0], self.origin[0]), np.where(ok, pts[:, 1], self.origin[1]))
        return np.where(ok, iy * self.nx + ix, -1)

    def _cells_of_segments(self, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cell, segment) pairs: each segment sampled at most a cell's length apart, so that consecutive
        samples lie in the same cell or in neighbouring ones; between two side by side the line stays in
        them, between two diagonal neighbours it crosses one of the two cells at their corner: both go in."""
        if not len(seg):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        ok = np.isfinite(seg).all(axis=1)
        seg = np.where(ok[:, None], seg, 0.0)
        length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
        steps = np.where(ok, np.ceil(length / self.cell).astype(np.int64) + 1, 0)
        owners = np.repeat(np.arange(len(seg)), steps)
        if not len(owners):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        first = np.repeat(np.cumsum(steps) - steps, steps)
        t = (np.arange(len(owners)) - first) / np.repeat(np.maximum(steps - 1, 1), steps)
        x = np.repeat(seg[:, 0], steps) + t * np.repeat(seg[:, 2] - seg[:, 0], steps)
        y = np.repeat(seg[:, 1], steps) + t * np.repeat(seg[:, 3] - seg[:, 1], steps)
        ix, iy = self._cell_xy(x, y)
        diag = (owners[1:] == owners[:-1]) & (ix[1:] != ix[:-1]) & (iy[1:] != iy[:-1])
        corner_owner = owners[:-1][diag]
        cells = np.concatenate([iy * self.nx + ix, iy[:-1][diag] * self.nx + ix[1:][diag],
                                iy[1:][diag] * self.nx + ix[:-1][diag]])
        return cells, np.concatenate([owners, corner_owner, corner_owner])

    @staticmethod
    def _bucket(cells: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The (cell, id) pairs without repeats, sorted by cell then id."""
        keep = cells >= 0
        if not keep.any():
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        width = int(ids.max()) + 1
        keys = np.sort(cells[keep].astype(np.int64) * width + ids[keep].astype(np.int64))
        if len(keys) > 1:
            keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
        return keys // width, keys % width

    def _query(self, cells: np.ndarray, ids: np.ndarray, left: float, top: float, right: float,
               bottom: float) -> np.ndarray:
        if not len(cells):
            return np.zeros(0, dtype=np.int64)
        (x0, x1), (y0, y1) = self._cell_xy([left, right], [top, bottom])
        x0, x1, y0, y1 = int(x0), int(x1), int(y0), int(y1)
        out = []
        for iy in range(y0, y1 + 1):
            a = np.searchsorted(cells, iy * self.nx + x0, side="left")
            b = np.searchsorted(cells, iy * self.nx + x1, side="right")
            if b > a:
                out.append(ids[a:b])
        if not out:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(out))

    def points_in(self, left: float, top: float, right: float, bottom: float) -> np.ndarray:
        """Indices of the points that may lie in the rectangle (a superset; sorted)."""
        return self._query(self._pt_cells, self._pt_ids, min(left, right), min(top, bottom),
                           max(left, right), max(top, bottom))

    def segments_in(self, left: float, top: float, right: float, bottom: float) -> np.ndarray:
        """Indices of the segments that may cross the rectangle (a superset; sorted)."""
        return self._query(self._seg_cells, self._seg_ids, min(left, right), min(top, bottom),
                           max(left, right), max(top, bottom))

    def points_near(self, x: float, y: float, r: float) -> np.ndarray:
        return self.points_in(x - r, y - r, x + r, y + r)

    def segments_near(self, x: float, y: float, r: float) -> np.ndarray:
        return self.segments_in(x - r, y - r, x + r, y + r)
