"""The relationship graph: entities and experts as nodes, relationships and affiliations as edges.

- one custom ``GraphicsObject`` draws every edge, node and label (shared pens, one paint); nodes and
  labels have a constant size on screen (drawn in viewport pixels), positions are in layout units;
- node shape and colour by kind (legend under the graph); node size grows modestly with degree;
- labels are placed greedily (selected, then emphasised, then by degree), each tried right and left of
  its node (whole, then elided), then below, above and on the diagonals, and skipped when it would
  overlap another label or a node (the best-connected nodes may cover a node or two rather than go
  unlabelled): zooming in spreads the nodes and more labels fit; an edge's kind is its tooltip, and its
  label at the midpoint once zoomed in (or when the edge is emphasised) and long enough on screen;
- the layout is a seeded spring layout per connected component, packed in rows, isolated nodes in a
  grid below: deterministic and cached (``compute_layout`` is an ``lru_cache`` keyed by the node and
  edge tuples); dragged nodes keep their place for the session (``_SESSION_POSITIONS``, keyed by corpus);
- click a node or edge to select it; the selection's neighbourhood is emphasised, the rest dimmed;
- relationships with a period show only when active in the timeline window (toggle; a start without an
  end is open-ended, an end without a start too), nodes obey the filters (``state.is_visible``), and
  an edge shows only when both its ends do.
"""

from __future__ import annotations

import itertools
import math
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import networkx as nx
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..state import AppState
from .base import View
from .style import (
    BACKGROUND,
    KIND_COLORS,
    MUTED_TEXT,
    SELECTION_COLOR,
    TEXT_COLOR,
    esc,
    ui_font,
)

#: node style by kind: (shape, fill colour). Circles: polities and places; squares: organisations
#: and groups; triangles: people (experts in the app's expert blue); diamonds: projects, agreements, events.
NODE_STYLES: dict[str, tuple[str, str]] = {
    "country": ("circle", "#f28e2b"),
    "place": ("circle", "#76b7b2"),
    "organisation": ("square", "#59a14f"),
    "group": ("square", "#9c755f"),
    "person": ("triangle", "#e15759"),
    "expert": ("triangle", KIND_COLORS["expert"]),
    "project": ("diamond", "#b07aa1"),
    "agreement": ("diamond", "#d4a72c"),
    "event": ("diamond", "#ff9da7"),
}
NODE_KIND_LABELS = {"country": "Country", "place": "Place", "organisation": "Organisation", "group": "Group",
                    "person": "Person", "expert": "Expert / voice", "project": "Project",
                    "agreement": "Agreement", "event": "Event"}
DEFAULT_STYLE = ("circle", "#9a9a9a")

EDGE_COLOR = "#8d8d8d"
AFFILIATION_COLOR = "#7fa7cc"
EMPHASIS_EDGE_COLOR = "#3a3a3a"
DIM_ALPHA = 45
LABEL_MAX_WIDTH = 170.0
HIT_NODE_PX = 4.0  # extra tolerance around a node's radius
HIT_EDGE_PX = 5.0
AFFILIATION_PREFIX = "affiliation:"
SINGLE_DX, SINGLE_DY = 4.4, 0.9  # grid of isolated nodes, in layout units


#: positions of nodes the user dragged, for the session: corpus key -> {node id: (x, y)}
_SESSION_POSITIONS: dict[str, dict[str, tuple[float, float]]] = {}


# -- layout (pure) ------------------------------------------------------------------------------------
@lru_cache(maxsize=16)
def compute_layout(nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...], seed: int = 7,
                   single_order: tuple[tuple[str, str], ...] = ()) -> dict[str, tuple[float, float]]:
    """Deterministic positions: a seeded spring layout per connected component (size ~ sqrt(n)),
    components packed in rows largest first, isolated nodes in a grid below them, ordered by
    ``single_order`` ((node, sort key) pairs; by id when absent). Returns a shared dict: copy it."""
    order = dict(single_order)
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((a, b) for a, b in edges if a != b)
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    blocks: list[dict[str, np.ndarray]] = []
    singles: list[str] = []
    for comp in comps:
        if len(comp) == 1:
            singles.append(comp[0])
            continue
        # build the component in sorted order: subgraph views iterate a set (hash order differs per process)
        members = set(comp)
        sub = nx.Graph()
        sub.add_nodes_from(comp)
        sub.add_edges_from(sorted((min(a, b), max(a, b)) for a, b in edges if a in members and b in members
                                  and a != b))
        if len(comp) == 2:
            pos = {comp[0]: np.array([-0.8, 0.0]), comp[1]: np.array([0.8, 0.0])}
        else:
            raw = nx.spring_layout(sub, seed=seed, iterations=300, k=1.6 / math.sqrt(len(comp)))
            arr = np.array([raw[n] for n in comp], dtype=float)
            arr -= arr.mean(axis=0)
            # scale so the median edge is ~1.6 units long
            lengths = [np.linalg.norm(raw[a] - raw[b]) for a, b in sub.edges()]
            med = float(np.median(lengths)) if lengths else 1.0
            arr *= 1.6 / max(med, 1e-6)
            arr[:, 0] *= 1.25  # labels are wide: give the layout more room across than down
            arr = _spread(arr, 1.25 * (1 + len(comp) / 25))  # big components: more room around hubs
            pos = {n: arr[i] for i, n in enumerate(comp)}
        blocks.append(pos)

    gap = 2.0
    bboxes = []
    for pos in blocks:
        arr = np.array(list(pos.values()))
        lo, hi = arr.min(axis=0), arr.max(axis=0)
        bboxes.append((lo, hi))
    total_area = sum(float((hi[0] - lo[0] + gap) * (hi[1] - lo[1] + gap)) for lo, hi in bboxes)
    total_area += len(singles) * SINGLE_DX * SINGLE_DY
    widest = max((float(hi[0] - lo[0]) for lo, hi in bboxes), default=0.0)
    row_width = max(widest, math.sqrt(max(total_area, 1.0) * 1.1))

    out: dict[str, tuple[float, float]] = {}
    x = 0.0
    y = 0.0  # top of the current row; rows go downwards (negative y: the view's y axis points up)
    row_h = 0.0
    for pos, (lo, hi) in zip(blocks, bboxes):
        w, h = float(hi[0] - lo[0]), float(hi[1] - lo[1])
        if x > 0 and x + w > row_width:
            x = 0.0
            y -= row_h + gap
            row_h = 0.0
        for n, p in pos.items():
            out[n] = (x + float(p[0] - lo[0]), y - float(hi[1] - p[1]))
        x += w + gap
        row_h = max(row_h, h)
    if singles:
        if blocks:
            y -= row_h + gap
        singles.sort(key=lambda n: order.get(n, n))
        cols = max(1, int(row_width // SINGLE_DX) + 1)
        for i, n in enumerate(singles):
            out[n] = ((i % cols) * SINGLE_DX, y - (i // cols) * SINGLE_DY)
    return out


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


# -- the graph model the item draws ---------------------------------------------------------------------
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


@dataclass
class _Placed:
    rect: QRectF
    text: str
    item_id: str
    dim: bool
    bold: bool
    edge: bool = False


class _GraphItem(pg.GraphicsObject):
    """Draws the whole graph in one paint. Everything is drawn in viewport pixels (through the
    item's device transform) so node and label sizes do not change with zoom."""

    sigClicked = Signal(str)  # node or edge id
    sigNodeMoved = Signal(str)

    def __init__(self, view: GraphView):
        super().__init__()
        self.view = view
        self.setAcceptHoverEvents(True)
        self._br: QRectF | None = None
        self._drag: tuple[str, QPointF] | None = None
        self._hover: str | None = None
        self._labels_key = None
        self._labels: list[_Placed] = []
        self._font = ui_font(9)
        self._font_bold = ui_font(9, bold=True)
        self._font_edge = ui_font(8)
        self._font_edge.setItalic(True)
        self._fm = QFontMetricsF(self._font)
        self._fm_bold = QFontMetricsF(self._font_bold)
        self._fm_edge = QFontMetricsF(self._font_edge)
        self._pens: dict = {}

    # -- geometry ----------------------------------------------------------------------------------
    def data_rect(self) -> QRectF:
        pts = self.view.visible_positions_array()
        if not len(pts):
            return QRectF(-1, -1, 2, 2)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        return QRectF(float(lo[0]), float(lo[1]), float(hi[0] - lo[0]) or 1.0, float(hi[1] - lo[1]) or 1.0)

    def boundingRect(self) -> QRectF:
        if self._br is None:
            br = self.data_rect()
            vr = self.viewRect()
            self._br = br.united(vr) if vr is not None else br.adjusted(-1, -1, 1, 1)
        return QRectF(self._br)

    def dataBounds(self, axis, frac=1.0, orthoRange=None):
        r = self.data_rect()
        return (r.left(), r.right()) if axis == 0 else (r.top(), r.bottom())

    def pixelPadding(self) -> float:
        return 20.0

    def geometry_changed(self) -> None:
        self.prepareGeometryChange()
        self._br = None
        self._labels_key = None
        self.update()

    def viewRangeChanged(self) -> None:
        super().viewRangeChanged()
        self.geometry_changed()

    def viewTransformChanged(self) -> None:
        super().viewTransformChanged()
        self.geometry_changed()

    def content_changed(self) -> None:
        self._labels_key = None
        self.update()

    # -- screen geometry ---------------------------------------------------------------------------
    def screen_transform(self) -> QTransform | None:
        self.view.vb.updateMatrix()  # the ViewBox defers its matrix to the next paint; queries need it now
        return self.deviceTransform_()

    def screen_area(self, tr: QTransform) -> QRectF:
        vr = self.viewRect()
        if vr is None:
            return QRectF()
        return tr.mapRect(vr)

    # -- painting ----------------------------------------------------------------------------------
    def _pen(self, color: str, width: float, alpha: int = 255, style=Qt.PenStyle.SolidLine) -> QPen:
        key = (color, width, alpha, style)
        pen = self._pens.get(key)
        if pen is None:
            c = QColor(color)
            c.setAlpha(alpha)
            pen = QPen(c, width, style)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            pen.setCosmetic(True)
            self._pens[key] = pen
        return pen

    def paint(self, p: QPainter, *args) -> None:
        # an exception escaping a paint() override takes PySide6 6.12 down with it: report it instead
        p.save()
        try:
            self._paint(p)
        except Exception:  # noqa: BLE001 - reported through the excepthook (pytest-qt fails the test)
            sys.excepthook(*sys.exc_info())
        finally:
            p.restore()

    def _paint(self, p: QPainter) -> None:
        v = self.view
        tr = self.screen_transform()
        if tr is None or not v.has_nodes():
            return
        inv, ok = tr.inverted()
        if not ok:
            return
        p.setTransform(inv * p.transform())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scr = v.screen_positions(tr)
        emph = v.emphasis()
        dimming = emph is not None
        en, ee = emph if emph is not None else (set(), set())
        sel = v.state.selection

        # edges: dimmed first, then normal, then emphasised, the selected one on top; batched into one
        # path per pen (and one path of arrowheads per colour) so each layer is a couple of draw calls
        geo = v.edge_geometry(scr)
        layers: dict[tuple[int, int], tuple[QPen, QPainterPath, QPainterPath]] = {}
        for e in v.visible_edges():
            dim = dimming and e.id not in ee
            hot = e.id == self._hover
            style = Qt.PenStyle.DashLine if e.affiliation else Qt.PenStyle.SolidLine
            if e.id == sel:
                layer, pen = 3, self._pen(SELECTION_COLOR, 3.0)
            elif dim:
                layer, pen = 0, self._pen(AFFILIATION_COLOR if e.affiliation else EDGE_COLOR, 1.0, DIM_ALPHA, style)
            elif dimming or hot:
                layer, pen = 2, self._pen(AFFILIATION_COLOR if e.affiliation else EMPHASIS_EDGE_COLOR, 2.2, 255,
                                          style)
            else:
                layer, pen = 1, self._pen(AFFILIATION_COLOR if e.affiliation else EDGE_COLOR, 1.3, 255, style)
            _pen, lines, heads = layers.setdefault((layer, id(pen)), (pen, QPainterPath(), QPainterPath()))
            path, _mid, last = geo[e.id]
            lines.addPath(path)
            if not e.affiliation:
                head = _arrowhead(last, v.node_radius(e.target))
                if head is not None:
                    heads.addPolygon(head)
                    heads.closeSubpath()
        for (_layer, _key), (pen, lines, heads) in sorted(layers.items(), key=lambda kv: kv[0][0]):
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(lines)
            if not heads.isEmpty():
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(pen.color())
                p.drawPath(heads)

        # nodes
        ids = v.node_ids()
        ids.sort(key=lambda n: (0 if (dimming and n not in en) else 1, n == sel, n == self._hover))
        for n in ids:
            pt = scr[n]
            dim = dimming and n not in en
            self._node(p, n, pt, v.node_radius(n), dim, n == sel, n == self._hover)

        # labels
        for lab in self.labels(tr):
            if lab.edge:
                p.setFont(self._font_edge)
                bg = QColor(255, 255, 255, 215)
                fg = QColor("#4a4a4a")
            else:
                p.setFont(self._font_bold if lab.bold else self._font)
                bg = QColor(255, 255, 255, 170 if not lab.dim else 120)
                fg = QColor(TEXT_COLOR if not lab.dim else "#9a9a9a")
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(bg)
            p.drawRoundedRect(lab.rect, 3, 3)
            p.setPen(fg)
            p.drawText(lab.rect, Qt.AlignmentFlag.AlignCenter, lab.text)

    def _node(self, p: QPainter, n: str, pt: QPointF, r: float, dim: bool, selected: bool, hover: bool) -> None:
        shape, color = self.view.node_style(n)
        fill = QColor(color)
        line = QColor(color).darker(160)
        if dim:
            fill = QColor(fill)
            fill.setAlpha(DIM_ALPHA + 15)
            line.setAlpha(DIM_ALPHA + 15)
        if selected:
            halo = QColor(SELECTION_COLOR)
            halo.setAlpha(70)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(halo)
            p.drawEllipse(pt, r + 7, r + 7)
            line = QColor(SELECTION_COLOR)
        p.setBrush(fill)
        p.setPen(self._pen(line.name(QColor.NameFormat.HexArgb), 2.5 if (selected or hover) else 1.2))
        x, y = pt.x(), pt.y()
        if shape == "circle":
            p.drawEllipse(pt, r, r)
        elif shape == "square":
            s = r * 0.9
            p.drawRoundedRect(QRectF(x - s, y - s, 2 * s, 2 * s), 2, 2)
        elif shape == "triangle":
            s = r * 1.2
            p.drawPolygon(QPolygonF([QPointF(x, y - s), QPointF(x + s * 0.92, y + s * 0.62),
                                     QPointF(x - s * 0.92, y + s * 0.62)]))
        else:  # diamond
            s = r * 1.2
            p.drawPolygon(QPolygonF([QPointF(x, y - s), QPointF(x + s, y), QPointF(x, y + s),
                                     QPointF(x - s, y)]))

    # -- labels ------------------------------------------------------------------------------------
    def labels(self, tr: QTransform | None = None) -> list[_Placed]:
        """Greedy label placement in viewport pixels, cached per transform and content."""
        tr = tr or self.screen_transform()
        if tr is None:
            return []
        key = (tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.dx(), tr.dy())
        if key == self._labels_key:
            return self._labels
        self._labels = self._place_labels(tr)
        self._labels_key = key
        return self._labels

    def _place_labels(self, tr: QTransform) -> list[_Placed]:
        v = self.view
        area = self.screen_area(tr).adjusted(2, 2, -2, -2)
        scr = v.screen_positions(tr)
        ids = v.node_ids()
        if not ids:
            return []
        emph = v.emphasis()
        en, ee = emph if emph is not None else (set(), set())
        sel = v.state.selection
        xs = np.array([scr[n].x() for n in ids])
        ys = np.array([scr[n].y() for n in ids])
        rs = np.array([v.node_radius(n) + 1.0 for n in ids])
        nx0, nx1, ny0, ny1 = xs - rs, xs + rs, ys - rs, ys + rs
        index = {n: i for i, n in enumerate(ids)}
        degree = v.degree

        def rank(n: str):
            if n == sel:
                return (0, 0, n)
            if emph is not None and n in en:
                return (1, -degree.get(n, 0), n)
            return (2, -degree.get(n, 0), n)

        placed: list[_Placed] = []
        rects: list[QRectF] = []

        # emphasised labels may cover dimmed nodes; other labels avoid every node
        strong = np.array([emph is None or n in en for n in ids], dtype=bool)

        def free(rect: QRectF, own: int | None, only_strong: bool = False) -> bool:
            if not area.contains(rect):
                return False
            for q in rects:
                if rect.intersects(q):
                    return False
            hit = (nx0 < rect.right()) & (nx1 > rect.left()) & (ny0 < rect.bottom()) & (ny1 > rect.top())
            if only_strong:
                hit &= strong
            if own is not None:
                hit[own] = False
            return not bool(hit.any())

        for n in sorted(ids, key=rank):
            i = index[n]
            bold = n == sel
            fm = self._fm_bold if bold else self._fm
            full = v.node_label(n)
            x, y, r = float(xs[i]), float(ys[i]), float(rs[i]) + 1
            # beside the node with the whole label (elided past LABEL_MAX_WIDTH), then shorter beside it,
            # then below, above and on the diagonals
            h = fm.height() + 1
            sizes: list[tuple[str, float]] = []
            for max_w in ((1e6,) if bold else (LABEL_MAX_WIDTH, 110.0, 70.0)):
                t = full if bold else fm.elidedText(full, Qt.TextElideMode.ElideRight, max_w)
                if (len(t) >= 4 or t == full) and all(t != s for s, _ in sizes):
                    sizes.append((t, fm.horizontalAdvance(t) + 6))
            candidates = [(t, rect) for t, w in sizes for rect in _label_spots(x, y, r, w, h, beside=True)]
            candidates += [(sizes[0][0], rect) for rect in _label_spots(x, y, r, sizes[0][1], h, beside=False)]
            done = False
            for text, rect in candidates:
                if free(rect, i, only_strong=emph is not None and n in en):
                    placed.append(_Placed(rect, text, n, emph is not None and n not in en, bold))
                    rects.append(rect)
                    done = True
                    break
            if not done and (bold or n in v.hubs or (emph is not None and n in en)):
                # an important label that found no free place: let it cover as few nodes as possible
                text = full if bold else fm.elidedText(full, Qt.TextElideMode.ElideRight, LABEL_MAX_WIDTH)
                w, h = fm.horizontalAdvance(text) + 6, fm.height() + 1
                best, best_cover = None, 3
                for cx, cy in ((x + r + 1, y - h / 2), (x - r - 1 - w, y - h / 2), (x - w / 2, y + r + 1),
                               (x - w / 2, y - r - 1 - h)):
                    rect = QRectF(cx, cy, w, h)
                    if not area.contains(rect) or any(rect.intersects(q) for q in rects):
                        continue
                    cover = (nx0 < rect.right()) & (nx1 > rect.left()) & (ny0 < rect.bottom()) & (ny1 > rect.top())
                    cover[i] = False
                    if emph is not None and n in en:
                        cover &= strong
                    if int(cover.sum()) < best_cover:
                        best, best_cover = rect, int(cover.sum())
                if best is not None:
                    placed.append(_Placed(best, text, n, emph is not None and n not in en, bold))
                    rects.append(best)

        # edge labels: on emphasised edges when something is selected, else on all; only where the edge
        # is long enough on screen to carry its label and it does not collide
        geo = v.edge_geometry(scr)
        edges = [e for e in v.visible_edges() if not e.affiliation and (emph is None or e.id in ee)]
        edges.sort(key=lambda e: (e.id != sel, -(degree.get(e.source, 0) + degree.get(e.target, 0)), e.id))
        zoomed = v.zoom_factor() >= 1.4 or emph is not None
        if zoomed:
            fm = self._fm_edge
            for e in edges:
                _, mid, (a, b) = geo[e.id]
                length = math.hypot(b.x() - a.x(), b.y() - a.y())
                text = fm.elidedText(e.text, Qt.TextElideMode.ElideRight, 150)
                w, h = fm.horizontalAdvance(text) + 6, fm.height()
                if length < w + v.node_radius(e.source) + v.node_radius(e.target) + 8:
                    continue
                rect = QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h)
                if free(rect, None):
                    placed.append(_Placed(rect, text, e.id, False, False, edge=True))
                    rects.append(rect)
        return placed

    # -- mouse -------------------------------------------------------------------------------------
    def _to_screen(self, item_pos: QPointF) -> QPointF | None:
        tr = self.screen_transform()
        return tr.map(item_pos) if tr is not None else None

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        pt = self._to_screen(ev.pos())
        hit = self.view.hit_test(pt) if pt is not None else None
        if hit is None:
            if ev.double():  # double-click on the background: fit the graph
                ev.accept()
                self.view.fit()
                return
            ev.ignore()
            return
        ev.accept()
        self.sigClicked.emit(hit)

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            pt = self._to_screen(ev.buttonDownPos())
            hit = self.view.hit_test(pt, nodes_only=True) if pt is not None else None
            if hit is None:
                ev.ignore()
                return
            x, y = self.view.position(hit)
            self._drag = (hit, QPointF(x, y) - ev.buttonDownPos())
        if self._drag is None:
            ev.ignore()
            return
        ev.accept()
        nid, offset = self._drag
        target = ev.pos() + offset
        self.view.move_node(nid, target.x(), target.y())
        if ev.isFinish():
            self._drag = None
            self.sigNodeMoved.emit(nid)

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            hit = None
        else:
            pt = self._to_screen(ev.pos())
            hit = self.view.hit_test(pt) if pt is not None else None
        if hit != self._hover:
            self._hover = hit
            self.setToolTip(self.view.tooltip(hit) if hit else "")
            if hit:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()
            self.update()


class _Legend(QWidget):
    """Shapes and colours of the node kinds present, wrapped onto as many lines as the width needs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._entries: list[tuple[str, str, str]] = []  # (label, shape, colour)
        self._font = ui_font(8.5)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_entries(self, entries: list[tuple[str, str, str]]) -> None:
        self._entries = entries
        self.updateGeometry()
        self.update()

    def _layout(self, width: int) -> tuple[list[tuple[float, float, tuple[str, str, str]]], float]:
        fm = QFontMetricsF(self._font)
        x, y, line = 6.0, 2.0, fm.height() + 4
        out = []
        for entry in self._entries:
            w = 16 + fm.horizontalAdvance(entry[0]) + 14
            if x > 6 and x + w > width - 4:
                x = 6.0
                y += line
            out.append((x, y, entry))
            x += w
        return out, y + line + 2

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return math.ceil(self._layout(width)[1])

    def sizeHint(self) -> QSize:
        return QSize(400, self.heightForWidth(max(self.width(), 200)))

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        h = self.heightForWidth(self.width())
        if h != self.height():
            self.setFixedHeight(h)

    def paintEvent(self, ev) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(BACKGROUND))
        p.setFont(self._font)
        fm = QFontMetricsF(self._font)
        placed, _ = self._layout(self.width())
        for x, y, (label, shape, color) in placed:
            cy = y + fm.height() / 2 + 2
            cx = x + 6
            p.setPen(QPen(QColor(color).darker(160), 1.0))
            p.setBrush(QColor(color))
            r = 5.0
            if shape == "circle":
                p.drawEllipse(QPointF(cx, cy), r, r)
            elif shape == "square":
                p.drawRoundedRect(QRectF(cx - r * 0.9, cy - r * 0.9, r * 1.8, r * 1.8), 1.5, 1.5)
            elif shape == "triangle":
                s = r * 1.2
                p.drawPolygon(QPolygonF([QPointF(cx, cy - s), QPointF(cx + s * 0.92, cy + s * 0.62),
                                         QPointF(cx - s * 0.92, cy + s * 0.62)]))
            elif shape == "diamond":
                s = r * 1.2
                p.drawPolygon(QPolygonF([QPointF(cx, cy - s), QPointF(cx + s, cy), QPointF(cx, cy + s),
                                         QPointF(cx - s, cy)]))
            else:  # a line sample: (label, "line"/"dash", colour)
                pen = QPen(QColor(color), 1.6, Qt.PenStyle.DashLine if shape == "dash" else Qt.PenStyle.SolidLine)
                p.setPen(pen)
                p.drawLine(QPointF(cx - 6, cy), QPointF(cx + 7, cy))
            p.setPen(QColor(MUTED_TEXT))
            p.drawText(QPointF(x + 16, y + 2 + fm.ascent()), label)
        p.end()


def _year_text(seconds: float, span: float) -> str:
    d = datetime.fromtimestamp(seconds, tz=UTC)
    return d.strftime("%Y") if span > 3 * 365 * 86400 else d.strftime("%b %Y")


class GraphView(View):
    title = "Relationships"
    view_name = "graph"

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._closed = False
        self._nodes: list[str] = []
        self._node_set: set[str] = set()
        self._style: dict[str, tuple[str, str]] = {}
        self._labels: dict[str, str] = {}
        self._edges: list[GraphEdge] = []
        self._edge_by_id: dict[str, GraphEdge] = {}
        self.degree: dict[str, int] = {}
        self.hubs: set[str] = set()  # the best-connected nodes: always labelled when at all possible
        self._pos: dict[str, tuple[float, float]] = {}
        self._corpus_key = ""
        self._visible_nodes: list[str] = []
        self._visible_edges: list[GraphEdge] = []
        self._hidden_by_time = 0
        self._emphasis: tuple[set[str], set[str]] | None = None
        self._auto_fit = True

        self._build_ui()
        state.corpusChanged.connect(self._on_corpus_changed)
        state.selectionChanged.connect(self._on_selection_changed)
        state.timeWindowChanged.connect(self._on_time_window_changed)
        state.filtersChanged.connect(self._on_filters_changed)
        if state.corpus is not None:
            self._on_corpus_changed()

    # -- construction ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        # no minimum size pushed onto a top-level window (offscreen Qt warns it cannot propagate it)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QWidget()
        bar.setObjectName("graphToolbar")
        hl = QHBoxLayout(bar)
        hl.setContentsMargins(6, 3, 6, 3)
        hl.setSpacing(8)
        self.time_check = QCheckBox("Filter by timeline window")
        self.time_check.setChecked(True)
        self.time_check.setToolTip("Show relationships that have dates only when they are active in the "
                                   "timeline's visible range; undated relationships always show")
        self.time_check.toggled.connect(self._on_time_toggle)
        hl.addWidget(self.time_check)
        hl.addStretch(1)
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit")
        self.fit_button.setToolTip("Zoom to show the whole graph (or double-click the background)")
        self.fit_button.clicked.connect(self.fit)
        hl.addWidget(self.fit_button)
        self.reset_button = QToolButton()
        self.reset_button.setText("Reset layout")
        self.reset_button.setToolTip("Put dragged nodes back where the layout placed them")
        self.reset_button.clicked.connect(self.reset_layout)
        hl.addWidget(self.reset_button)
        layout.addWidget(bar)

        self.body = QWidget()
        self.body.setObjectName("graphBody")
        bl = QVBoxLayout(self.body)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.setSpacing(0)
        self.canvas = pg.GraphicsView(background=BACKGROUND)
        self.canvas.setObjectName("graphCanvas")
        # the scene's background brush paints the white; the widget itself stays transparent so a
        # transparent export (which drops the brush) really is transparent
        self.canvas.setStyleSheet("QGraphicsView#graphCanvas { background: transparent; border: 0px; }")
        self.canvas.installEventFilter(self)
        self.vb = pg.ViewBox(enableMenu=False)
        self.vb.setAspectLocked(True)
        self.vb.disableAutoRange()
        self.canvas.setCentralItem(self.vb)
        self.item = _GraphItem(self)
        self.vb.addItem(self.item)
        self.item.sigClicked.connect(self._on_item_clicked)
        self.vb.sigRangeChangedManually.connect(self._on_range_changed_manually)
        self.vb.sigRangeChanged.connect(self._on_range_changed)
        bl.addWidget(self.canvas, 1)
        self.legend = _Legend()
        bl.addWidget(self.legend)
        self.status_label = QLabel()
        self.status_label.setObjectName("graphStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setContentsMargins(6, 0, 6, 3)
        self.status_label.setStyleSheet(f"color: {MUTED_TEXT}; background: {BACKGROUND};")
        self.status_label.setFont(ui_font(8.5))
        bl.addWidget(self.status_label)
        layout.addWidget(self.body, 1)

    # -- state -> view -------------------------------------------------------------------------------
    def _on_corpus_changed(self) -> None:
        if self._closed:
            return
        corpus = self.state.corpus
        self._nodes, self._style, self._labels, self._edges = [], {}, {}, []
        if corpus is None:
            self._node_set = set()
            self._edge_by_id = {}
            self._refresh()
            return
        for ent in corpus.entities:
            self._nodes.append(ent.id)
            self._style[ent.id] = NODE_STYLES.get(ent.kind, DEFAULT_STYLE)
            self._labels[ent.id] = ent.name
        for ex in corpus.experts:
            self._nodes.append(ex.id)
            self._style[ex.id] = NODE_STYLES["expert"]
            self._labels[ex.id] = ex.name
        self._node_set = set(self._nodes)
        for rel in corpus.relationships:
            if rel.source in self._node_set and rel.target in self._node_set:
                period = ""
                if rel.start or rel.end:
                    period = f"{rel.start.display() if rel.start else '…'} – {rel.end.display() if rel.end else '…'}"
                    if rel.start and rel.end is None:
                        period = f"from {rel.start.display()}"
                    elif rel.end and rel.start is None:
                        period = f"until {rel.end.display()}"
                self._edges.append(GraphEdge(rel.id, rel.source, rel.target, rel.kind, False,
                                             rel.start.start_seconds if rel.start else None,
                                             rel.end.end_seconds if rel.end else None, period, rel.summary))
        for ex in corpus.experts:
            if ex.organisation and ex.organisation in self._node_set:
                self._edges.append(GraphEdge(AFFILIATION_PREFIX + ex.id, ex.id, ex.organisation,
                                             ex.role or "affiliated with", True, None, None, "",
                                             ex.affiliation))
        self._edge_by_id = {e.id: e for e in self._edges}
        self.degree = {n: 0 for n in self._nodes}
        for e in self._edges:
            self.degree[e.source] += 1
            self.degree[e.target] += 1
        ranked = sorted(self._nodes, key=lambda n: -self.degree[n])
        self.hubs = {n for n in ranked[:max(3, len(ranked) // 20)] if self.degree[n] >= 3}
        self._corpus_key = str(getattr(corpus, "root", "") or corpus.info.title)
        self._pos = self._base_layout()
        self._pos.update({k: v for k, v in _SESSION_POSITIONS.get(self._corpus_key, {}).items()
                          if k in self._pos})
        present = []
        for kind in ("country", "place", "organisation", "group", "person", "expert", "project", "agreement",
                     "event"):
            if any(self._style[n] == NODE_STYLES[kind] for n in self._nodes):
                shape, color = NODE_STYLES[kind]
                present.append((NODE_KIND_LABELS[kind], shape, color))
        if any(not e.affiliation for e in self._edges):
            present.append(("Relationship (→)", "line", EDGE_COLOR))
        if any(e.affiliation for e in self._edges):
            present.append(("Affiliation", "dash", AFFILIATION_COLOR))
        self.legend.set_entries(present)
        self._auto_fit = True
        self._refresh()
        self.fit()

    def _on_selection_changed(self, item_id) -> None:
        if self._closed:
            return
        self._compute_emphasis()
        self._update_status()
        self.item.content_changed()

    def _on_time_window_changed(self, start: float, end: float) -> None:
        if self._closed:
            return
        self._update_time_label()
        if self.time_check.isChecked():
            self._refresh()

    def _on_time_toggle(self, on: bool) -> None:
        self._refresh()

    def _on_filters_changed(self) -> None:
        if self._closed:
            return
        self._refresh()

    def _refresh(self) -> None:
        st = self.state
        self._visible_nodes = [n for n in self._nodes if st.is_visible(n)]
        vis = set(self._visible_nodes)
        t0, t1 = st.time_window
        use_time = self.time_check.isChecked()
        self._visible_edges = []
        self._hidden_by_time = 0
        for e in self._edges:
            if e.source not in vis or e.target not in vis:
                continue
            if use_time and not e.active(t0, t1):
                self._hidden_by_time += 1
                continue
            self._visible_edges.append(e)
        self._compute_emphasis()
        self._update_time_label()
        self._update_status()
        self.item.geometry_changed()

    def _compute_emphasis(self) -> None:
        st = self.state
        sel = st.selection
        if sel is None or st.index is None:
            self._emphasis = None
            return
        kind = st.kind(sel)
        vis_nodes = set(self._visible_nodes)
        edges = self._visible_edges
        nodes: set[str] = set()
        eids: set[str] = set()
        if sel in self._node_set:
            nodes.add(sel)
            for e in edges:
                if sel in (e.source, e.target):
                    eids.add(e.id)
                    nodes.update((e.source, e.target))
        elif kind == "relationship":
            e = self._edge_by_id.get(sel)
            if e is not None:
                nodes.update((e.source, e.target))
                if e in edges:
                    eids.add(e.id)
        elif kind == "event":
            ev = st.item(sel)
            nodes = {n for n in (*ev.actors, *ev.experts) if n in self._node_set}
            eids = {e.id for e in edges if e.source in nodes and e.target in nodes}
        else:  # theme, document, passage: what the index links to it, and the actors of its events
            idx = st.index
            linked = set(idx.items_of_passage(sel) if kind == "passage" else idx.linked(sel))
            nodes = linked & self._node_set
            for i in linked:
                item = idx.items.get(i)
                if item is not None and item.item_kind == "event":
                    nodes.update(n for n in (*item.actors, *item.experts) if n in self._node_set)
            eids = {e.id for e in edges if e.id in linked}
            if kind == "theme":
                eids |= {e.id for e in edges if e.source in nodes and e.target in nodes}
            for e in edges:
                if e.id in eids:
                    nodes.update((e.source, e.target))
        self._emphasis = (nodes & vis_nodes, eids)

    def _update_time_label(self) -> None:
        t0, t1 = self.state.time_window
        span = t1 - t0
        self.time_check.setText(f"Filter by timeline window ({_year_text(t0, span)} – "
                                f"{_year_text(t1 - 1, span)})")

    def _update_status(self) -> None:
        n_nodes = len(self._visible_nodes)
        n_edges = len([e for e in self._visible_edges if not e.affiliation])
        parts = [f"{n_nodes} actors and voices", f"{n_edges} relationships"]
        if self._hidden_by_time:
            parts.append(f"{self._hidden_by_time} outside the time window")
        hidden_nodes = len(self._nodes) - n_nodes
        if hidden_nodes:
            parts.append(f"{hidden_nodes} hidden by filters")
        if self._emphasis is not None and not self._emphasis[0] and not self._emphasis[1]:
            parts.append("nothing here is linked to the selection")
        self.status_label.setText(" · ".join(parts))

    # -- view -> state -------------------------------------------------------------------------------
    def _on_item_clicked(self, item_id: str) -> None:
        item_id = item_id.removeprefix(AFFILIATION_PREFIX)
        self.state.select(item_id)

    def _on_range_changed_manually(self, *args) -> None:
        self._auto_fit = False

    def _on_range_changed(self, *args) -> None:
        self.item.content_changed()

    def eventFilter(self, obj, ev) -> bool:
        # refit when the canvas changes size (the dock, the window, or an export resizing the body)
        if obj is self.canvas and ev.type() == QEvent.Type.Resize and self._auto_fit and not self._closed:
            self.fit(keep_auto=True)
        return super().eventFilter(obj, ev)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if self._auto_fit and not self._closed:
            self.fit(keep_auto=True)

    # -- geometry used by the item ---------------------------------------------------------------
    def has_nodes(self) -> bool:
        return bool(self._visible_nodes)

    def node_style(self, node_id: str) -> tuple[str, str]:
        return self._style.get(node_id, DEFAULT_STYLE)

    def node_label(self, node_id: str) -> str:
        return self._labels.get(node_id, node_id)

    def node_radius(self, node_id: str) -> float:
        return min(12.0, 5.0 + 1.6 * math.sqrt(self.degree.get(node_id, 0)))

    def position(self, node_id: str) -> tuple[float, float]:
        return self._pos[node_id]

    def visible_positions_array(self) -> np.ndarray:
        ids = self._visible_nodes or self._nodes
        return np.array([self._pos[n] for n in ids], dtype=float).reshape(-1, 2)

    def visible_edges(self) -> list[GraphEdge]:
        return list(self._visible_edges)

    def emphasis(self) -> tuple[set[str], set[str]] | None:
        return self._emphasis

    def screen_positions(self, tr: QTransform) -> dict[str, QPointF]:
        return {n: tr.map(QPointF(*self._pos[n])) for n in self._visible_nodes}

    def edge_geometry(self, scr: dict[str, QPointF]) -> dict[str, tuple[QPainterPath, QPointF,
                                                                         tuple[QPointF, QPointF]]]:
        """Screen path, midpoint and last segment (for the arrowhead) of every visible edge. Several
        edges between the same two nodes are drawn as curves fanned out from the straight line."""
        groups: dict[tuple[str, str], list[GraphEdge]] = {}
        for e in self._visible_edges:
            groups.setdefault(tuple(sorted((e.source, e.target))), []).append(e)
        out = {}
        for (a_id, b_id), group in groups.items():
            a, b = scr[a_id], scr[b_id]
            dx, dy = b.x() - a.x(), b.y() - a.y()
            length = math.hypot(dx, dy) or 1.0
            nxp, nyp = -dy / length, dx / length  # normal of a -> b (canonical order)
            k = len(group)
            for i, e in enumerate(sorted(group, key=lambda e: e.id)):
                s, t = scr[e.source], scr[e.target]
                path = QPainterPath(s)
                off = (i - (k - 1) / 2) * 18.0
                if k == 1 or off == 0:
                    path.lineTo(t)
                    mid = QPointF((s.x() + t.x()) / 2, (s.y() + t.y()) / 2)
                    last = (s, t)
                else:
                    mx, my = (a.x() + b.x()) / 2 + nxp * off * 2, (a.y() + b.y()) / 2 + nyp * off * 2
                    ctrl = QPointF(mx, my)
                    path.quadTo(ctrl, t)
                    mid = QPointF(0.25 * s.x() + 0.5 * mx + 0.25 * t.x(), 0.25 * s.y() + 0.5 * my + 0.25 * t.y())
                    last = (ctrl, t)
                out[e.id] = (path, mid, last)
        return out

    def _fit_rect(self) -> QRectF:
        r = self.item.data_rect()
        pad_x = max(r.width() * 0.06, 0.9)
        pad_y = max(r.height() * 0.06, 0.9)
        return r.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def zoom_factor(self) -> float:
        """How far the user zoomed in from the fitted view (1 = fitted)."""
        tr = self.item.screen_transform()
        size = self.vb.size()
        r = self._fit_rect()
        if tr is None or size.width() <= 0 or r.width() <= 0:
            return 1.0
        fit_ppu = min(size.width() / r.width(), size.height() / r.height())
        return abs(tr.m11()) / fit_ppu if fit_ppu > 0 else 1.0

    def hit_test(self, pt: QPointF | None, nodes_only: bool = False) -> str | None:
        """The node (or edge) under a viewport point: nodes (and their labels) first, then edges."""
        tr = self.item.screen_transform()
        if pt is None or tr is None or not self._visible_nodes:
            return None
        scr = self.screen_positions(tr)
        best, best_d = None, math.inf
        for n, q in scr.items():
            d = math.hypot(q.x() - pt.x(), q.y() - pt.y())
            if d <= self.node_radius(n) + HIT_NODE_PX and d < best_d:
                best, best_d = n, d
        if best is not None:
            return best
        for lab in self.item.labels(tr):
            if not lab.edge and lab.rect.contains(pt):
                return lab.item_id
        if nodes_only:
            return None
        for lab in self.item.labels(tr):
            if lab.edge and lab.rect.contains(pt):
                return lab.item_id
        geo = self.edge_geometry(scr)
        for e in self._visible_edges:
            path = geo[e.id][0]
            if path.elementCount() == 2:  # a straight line
                pts = [QPointF(path.elementAt(0).x, path.elementAt(0).y), QPointF(path.elementAt(1).x,
                                                                                path.elementAt(1).y)]
            else:
                pts = [path.pointAtPercent(t / 12) for t in range(13)]
            for u, w in itertools.pairwise(pts):
                d = _segment_distance(pt, u, w)
                if d <= HIT_EDGE_PX and d < best_d:
                    best, best_d = e.id, d
        return best

    def tooltip(self, item_id: str) -> str:
        if item_id in self._node_set:
            item = self.state.item(item_id)
            kind = self._kind_label(item_id)
            native = getattr(item, "native_name", None)
            head = f"<b>{esc(item.label)}</b>" + (f" {esc(native)}" if native else "")
            n = self.degree.get(item_id, 0)
            extra = ""
            if item.item_kind == "expert" and item.affiliation:
                extra = f"<br>{esc(item.affiliation)}"
            return f"{head}<br>{esc(kind)} · {n} link{'s' if n != 1 else ''}{extra}"
        e = self._edge_by_id.get(item_id)
        if e is None:
            return ""
        src, tgt = self.node_label(e.source), self.node_label(e.target)
        if e.affiliation:
            text = f"<b>{esc(src)}</b> — {esc(e.text)} — <b>{esc(tgt)}</b>"
            if e.summary:
                text += f"<br>{esc(e.summary)}"
            return text + "<br><i>Affiliation (click selects the expert)</i>"
        text = f"<b>{esc(src)}</b> <i>{esc(e.text)}</i> <b>{esc(tgt)}</b>"
        if e.period:
            text += f"<br>{esc(e.period)}"
        if e.summary:
            text += f"<br>{esc(e.summary)}"
        return text

    def _kind_label(self, node_id: str) -> str:
        item = self.state.item(node_id)
        if item is None:
            return ""
        if item.item_kind == "expert":
            return NODE_KIND_LABELS["expert"]
        return NODE_KIND_LABELS.get(item.kind, item.kind)

    # -- actions -------------------------------------------------------------------------------------
    def _base_layout(self) -> dict[str, tuple[float, float]]:
        kinds = list(NODE_STYLES.values())
        order = tuple((n, (f"{kinds.index(self._style[n]) if self._style[n] in kinds else 99:02d}"
                          f"{self._labels[n].casefold()}")) for n in self._nodes)
        return dict(compute_layout(tuple(self._nodes), tuple((e.source, e.target) for e in self._edges),
                                   single_order=order))

    def move_node(self, node_id: str, x: float, y: float) -> None:
        self._pos[node_id] = (float(x), float(y))
        _SESSION_POSITIONS.setdefault(self._corpus_key, {})[node_id] = (float(x), float(y))
        self.item.geometry_changed()

    def drag_node(self, node_id: str, dx: float, dy: float) -> None:
        """Move a node by (dx, dy) viewport pixels, as a drag does (for scripts; tests drag for real)."""
        tr = self.item.screen_transform()
        inv, ok = tr.inverted() if tr is not None else (None, False)
        if not ok:
            return
        screen = tr.map(QPointF(*self._pos[node_id])) + QPointF(dx, dy)
        target = inv.map(screen)
        self.move_node(node_id, target.x(), target.y())

    def reset_layout(self) -> None:
        _SESSION_POSITIONS.pop(self._corpus_key, None)
        if self._closed:
            return
        if self._nodes:
            self._pos = self._base_layout()
        self.item.geometry_changed()
        self.fit()

    def fit(self, keep_auto: bool = False) -> None:
        """Zoom to show every visible node with some room for labels."""
        if self._closed:
            return
        if not keep_auto:
            self._auto_fit = True
        self.vb.setRange(self._fit_rect(), padding=0)
        self.item.geometry_changed()

    # -- for tests and export --------------------------------------------------------------------
    def viewport(self) -> QWidget:
        """The widget that receives mouse events on the graph."""
        return self.canvas.viewport()

    def node_ids(self) -> list[str]:
        """The nodes shown (after filters), in corpus order."""
        return list(self._visible_nodes)

    def all_node_ids(self) -> list[str]:
        return list(self._nodes)

    def visible_edge_ids(self) -> list[str]:
        return [e.id for e in self._visible_edges]

    def emphasised_ids(self) -> set[str]:
        """Nodes and edges drawn emphasised (empty when nothing is selected)."""
        if self._emphasis is None:
            return set()
        return set(self._emphasis[0]) | set(self._emphasis[1])

    def label_rects(self) -> dict[str, QRectF]:
        """The labels drawn, in viewport pixels: node id or edge id -> rectangle."""
        return {lab.item_id: QRectF(lab.rect) for lab in self.item.labels()}

    def node_viewport_pos(self, node_id: str) -> QPoint:
        tr = self.item.screen_transform()
        return tr.map(QPointF(*self._pos[node_id])).toPoint()

    def edge_viewport_pos(self, edge_id: str) -> QPoint:
        """A point on the edge (the middle of its drawn path) in viewport pixels."""
        tr = self.item.screen_transform()
        geo = self.edge_geometry(self.screen_positions(tr))
        path = geo[edge_id][0]
        return path.pointAtPercent(0.5).toPoint()

    def positions(self) -> dict[str, tuple[float, float]]:
        return dict(self._pos)

    def export_widget(self) -> QWidget:
        return self.body

    def export_caption(self) -> str:
        parts = [self.title]
        item = self.state.item()
        if item is not None:
            parts.append(f"selected: {item.label}")
        if self.time_check.isChecked():
            t0, t1 = self.state.time_window
            parts.append(f"relationships active {_year_text(t0, t1 - t0)} – {_year_text(t1 - 1, t1 - t0)}")
        if self.state.filters.active:
            parts.append("filtered")
        return " — ".join(parts)

    def closeEvent(self, ev) -> None:
        if not self._closed:
            self._closed = True
            for sig, slot in ((self.state.corpusChanged, self._on_corpus_changed),
                              (self.state.selectionChanged, self._on_selection_changed),
                              (self.state.timeWindowChanged, self._on_time_window_changed),
                              (self.state.filtersChanged, self._on_filters_changed)):
                try:
                    sig.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
            self.canvas.close()
        super().closeEvent(ev)


def _arrowhead(seg: tuple[QPointF, QPointF], r: float, size: float = 7.0) -> QPolygonF | None:
    """A triangle at the end of the segment, just outside a node of radius r (None if too short)."""
    a, b = seg
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = math.hypot(dx, dy)
    if length < r + 14:
        return None
    ux, uy = dx / length, dy / length
    tip = QPointF(b.x() - ux * (r + 1.5), b.y() - uy * (r + 1.5))
    left = QPointF(tip.x() - ux * size - uy * size * 0.45, tip.y() - uy * size + ux * size * 0.45)
    right = QPointF(tip.x() - ux * size + uy * size * 0.45, tip.y() - uy * size - ux * size * 0.45)
    return QPolygonF([tip, left, right])


def _label_spots(x: float, y: float, r: float, w: float, h: float, beside: bool) -> list[QRectF]:
    """Where a w×h label can go around a node of radius r at (x, y): right and left (``beside``), or
    below, above and on the four diagonals."""
    if beside:
        return [QRectF(x + r + 1, y - h / 2, w, h), QRectF(x - r - 1 - w, y - h / 2, w, h)]
    d = r * 0.75
    return [QRectF(x - w / 2, y + r + 1, w, h), QRectF(x - w / 2, y - r - 1 - h, w, h),
            QRectF(x + d, y + d, w, h), QRectF(x + d, y - d - h, w, h), QRectF(x - d - w, y + d, w, h),
            QRectF(x - d - w, y - d - h, w, h)]


def _segment_distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    dx, dy = b.x() - a.x(), b.y() - a.y()
    den = dx * dx + dy * dy
    if den == 0:
        return math.hypot(p.x() - a.x(), p.y() - a.y())
    t = max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / den))
    return math.hypot(p.x() - (a.x() + t * dx), p.y() - (a.y() + t * dy))
