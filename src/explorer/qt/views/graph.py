"""The relationship graph: entities and experts as nodes, relationships and affiliations as edges.

- one custom ``GraphicsObject`` draws every edge, node and label (shared pens, one paint); nodes and
  labels have a constant size on screen (drawn in viewport pixels), positions are in layout units;
- node shape and colour by kind (legend under the graph); node size grows modestly with degree;
- labels are placed greedily (selected, then emphasised, then the hubs, then by degree) right next to
  their own node: right, left, above or below it, whole or elided, the cheapest free spot winning
  (shortening the text, crossing edges and taking another node's spot cost); a label never overlaps
  another label or a node (only the selection or a hub with no free spot may cover a node rather than go
  unlabelled) and is left out otherwise (hovering the node shows its name): zooming in spreads the nodes
  and more labels fit; nodes in the layout's columns are labelled on the right only; an edge's kind is
  its tooltip, and its label at the midpoint once zoomed in (or when the edge is emphasised) and long
  enough on screen;
- the graph model (which nodes and edges a corpus makes) and the layout (``compute_layout``: components
  in blocks packed in rows, chains and isolated nodes in columns below) are Qt-free, in
  ``explorer.core.layout.graph``. The view picks the number of columns (and stretches the layout) to
  fill its canvas at the largest scale, and re-flows it when the canvas changes shape while fitted;
  dragged nodes keep their place (the workspace's ``node_positions``, undoable like any edit);
- fitting (``fit_rect``, in the core) keeps room for the labels beside the nodes at the right edge;
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

from ...core.commands import SetNodePositions
from ...core.layout.graph import (
    layout_for,
    touches_graph,
    AFFILIATION_PREFIX,
    COL_W,
    NODE_INSET,
    NODE_KINDS,
    NODE_KIND_LABELS,
    ROW_H,
    GraphEdge,
    compute_layout,
    fit_rect,
    graph_model,
    kind_label,
    segment_distance,
    segments_hit,
)
from ..bridge import AppState
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
DEFAULT_STYLE = ("circle", "#9a9a9a")

EDGE_COLOR = "#8d8d8d"
AFFILIATION_COLOR = "#7fa7cc"
EMPHASIS_EDGE_COLOR = "#3a3a3a"
DIM_ALPHA = 45
LABEL_MAX_WIDTH = 170.0
HIT_NODE_PX = 4.0  # extra tolerance around a node's radius
HIT_EDGE_PX = 5.0




# -- drawing ------------------------------------------------------------------------------------------
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
        self._drag_from: tuple[float, float] = (0.0, 0.0)
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
        self._texts: dict[tuple[str, bool, bool], list[tuple[str, float, float]]] = {}

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
                bg = QColor(255, 255, 255, 205 if not lab.dim else 150)
                fg = QColor(TEXT_COLOR if not lab.dim else "#9a9a9a")
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(bg)
            p.drawRoundedRect(lab.rect, 3, 3)
            p.setPen(fg)
            if lab.edge:
                p.drawText(lab.rect, Qt.AlignmentFlag.AlignCenter, lab.text)
            else:  # the letters centred in the box (the font's line is taller than its letters)
                fm = self._fm_bold if lab.bold else self._fm
                base = lab.rect.top() + (lab.rect.height() + fm.capHeight() - fm.descent()) / 2
                p.drawText(QPointF(lab.rect.left() + 3, base), lab.text)

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

    def _label_height(self, fm: QFontMetricsF) -> float:
        """A label's box: the letters (cap height and descenders) and a little room, not the font's
        whole line height (the bundled CJK font has a tall one)."""
        return math.ceil(fm.capHeight() + fm.descent() + 2.5)

    def _label_texts(self, full: str, bold: bool, in_grid: bool) -> list[tuple[str, float, float]]:
        """A label's candidate texts, whole then shorter (elided), with their widths and costs."""
        key = (full, bold, in_grid)
        texts = self._texts.get(key)
        if texts is None:
            fm = self._fm_bold if bold else self._fm
            texts = []
            steps = (1e6,) if bold else ((LABEL_MAX_WIDTH, 150.0, 130.0, 110.0, 90.0, 70.0) if in_grid
                                         else (LABEL_MAX_WIDTH, 130.0, 95.0))
            for level, max_w in enumerate(steps):
                t = full if bold else fm.elidedText(full, Qt.TextElideMode.ElideRight, max_w)
                if (len(t) >= 5 or t == full) and all(t != s for s, _, _ in texts):
                    texts.append((t, fm.horizontalAdvance(t) + 6, 2.5 * level if not in_grid else 0.8 * level))
            self._texts[key] = texts
        return texts

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
        half = np.array([v.node_half_size(n) for n in ids]).reshape(-1, 2) + 1.5
        nx0, nx1, ny0, ny1 = xs - half[:, 0], xs + half[:, 0], ys - half[:, 1], ys + half[:, 1]
        index = {n: i for i, n in enumerate(ids)}
        degree = v.degree
        hubs = set(sorted(ids, key=lambda n: (-degree.get(n, 0), n))[:3]) | (v.hubs & set(ids))

        def rank(n: str):
            if n == sel:
                return (0, 0, n)
            if emph is not None and n in en:
                return (1, -degree.get(n, 0), n)
            return (2 if n in hubs else 3, -degree.get(n, 0), n)

        # the edges as straight screen segments (curves in a few pieces), to keep labels off them
        geo = v.edge_geometry(scr)
        segs, weights, owners = [], [], []
        for k, e in enumerate(v.visible_edges()):
            path = geo[e.id][0]
            pts = ([path.pointAtPercent(0), path.pointAtPercent(1)] if path.elementCount() == 2
                   else [path.pointAtPercent(t / 6) for t in range(7)])
            wgt = 0.3 if emph is not None and e.id not in ee else 1.0
            for a, b in itertools.pairwise(pts):
                segs.append((a.x(), a.y(), b.x(), b.y()))
                weights.append(wgt)
                owners.append(k)
        seg = np.array(segs, dtype=float).reshape(-1, 4)
        seg_w = np.array(weights, dtype=float)
        seg_edge = np.array(owners, dtype=int)
        sx0, sx1 = np.minimum(seg[:, 0], seg[:, 2]), np.maximum(seg[:, 0], seg[:, 2])
        sy0, sy1 = np.minimum(seg[:, 1], seg[:, 3]), np.maximum(seg[:, 1], seg[:, 3])

        def crossings(rect: QRectF) -> float:
            """The edges under a label (dimmed ones count less)."""
            r = rect.adjusted(1, 1, -1, -1)
            near = np.flatnonzero((sx0 <= r.right()) & (sx1 >= r.left()) & (sy0 <= r.bottom()) & (sy1 >= r.top()))
            if not len(near):
                return 0.0
            hit = near[segments_hit(seg[near], r.left(), r.top(), r.right(), r.bottom())]
            _edges, first = np.unique(seg_edge[hit], return_index=True)
            return float(seg_w[hit][first].sum())

        # where each node's label would like to go (right of it, whole): covering another node's spot costs
        lh = self._label_height(self._fm)
        want_w = np.array([min(self._fm.horizontalAdvance(v.node_label(n)) + 6, LABEL_MAX_WIDTH) for n in ids])
        wx0, wx1 = xs + half[:, 0] + 1, xs + half[:, 0] + 1 + want_w
        wy0, wy1 = ys - lh / 2, ys + lh / 2
        waiting = np.ones(len(ids), dtype=bool)

        def blocking(rect: QRectF, own: int) -> int:
            hit = waiting & (wx0 < rect.right()) & (wx1 > rect.left()) & (wy0 < rect.bottom()) & (wy1 > rect.top())
            hit[own] = False
            return int(hit.sum())

        placed: list[_Placed] = []
        rects: list[QRectF] = []

        def free(rect: QRectF, own: int | None) -> bool:
            if not area.contains(rect):
                return False
            for q in rects:
                if rect.intersects(q):
                    return False
            hit = (nx0 < rect.right()) & (nx1 > rect.left()) & (ny0 < rect.bottom()) & (ny1 > rect.top())
            if own is not None:
                hit[own] = False
            return not bool(hit.any())

        for n in sorted(ids, key=rank):
            i = index[n]
            bold = n == sel
            fm = self._fm_bold if bold else self._fm
            full = v.node_label(n)
            x, y = float(xs[i]), float(ys[i])
            hw, hh = float(half[i, 0]), float(half[i, 1])
            h = self._label_height(fm)
            in_grid = n in v.grid_nodes
            # the whole label (elided past LABEL_MAX_WIDTH), then shorter ones; beside the node (right, then
            # left), above or below it. Nodes in the grid of isolated nodes and chains: right only, shortened
            # as far as needed. The cheapest free spot wins: shortening and crossing edges cost.
            texts = self._label_texts(full, bold, in_grid)
            best: tuple[float, str, QRectF] | None = None
            for text, w, cost in texts:
                spots = [(0.0, QRectF(x + hw + 1, y - h / 2, w, h))]
                if not in_grid:
                    spots += [(1.0, QRectF(x - hw - 1 - w, y - h / 2, w, h)),
                              (1.6, QRectF(x - w / 2, y - hh - 1 - h, w, h)),
                              (1.8, QRectF(x - w / 2, y + hh + 1, w, h))]
                for side, rect in spots:
                    c = cost + side
                    if best is not None and c >= best[0]:
                        continue
                    if not free(rect, i):
                        continue
                    c += 2.0 * crossings(rect) + 1.2 * blocking(rect, i)
                    if best is None or c < best[0]:
                        best = (c, text, rect)
            if best is None and (bold or n in hubs):
                # the selection or a hub that found no free place: the spot that covers fewest nodes
                text, w, _ = texts[0]
                cover_best = None
                for rect in (QRectF(x + hw + 1, y - h / 2, w, h), QRectF(x - hw - 1 - w, y - h / 2, w, h),
                             QRectF(x - w / 2, y - hh - 1 - h, w, h), QRectF(x - w / 2, y + hh + 1, w, h)):
                    if not area.contains(rect) or any(rect.intersects(q) for q in rects):
                        continue
                    cover = (nx0 < rect.right()) & (nx1 > rect.left()) & (ny0 < rect.bottom()) & (ny1 > rect.top())
                    cover[i] = False
                    if cover_best is None or int(cover.sum()) < cover_best[0]:
                        cover_best = (int(cover.sum()), rect)
                if cover_best is not None:
                    best = (0.0, text, cover_best[1])
            waiting[i] = False
            if best is not None:
                placed.append(_Placed(best[2], best[1], n, emph is not None and n not in en, bold))
                rects.append(best[2])

        # edge labels: on emphasised edges when something is selected, else on all; only where the edge
        # is long enough on screen to carry its label and it does not collide
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
            self._drag_from = (x, y)
        if self._drag is None:
            ev.ignore()
            return
        ev.accept()
        nid, offset = self._drag
        target = ev.pos() + offset
        self.view.move_node(nid, target.x(), target.y())
        if ev.isFinish():
            self._drag = None
            self.view.record_move(nid, self._drag_from)
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
        self._single_order: tuple[tuple[str, str], ...] = ()  # how isolated nodes are sorted in the layout
        self._label_widths: dict[str, float] | None = None  # label text widths, measured once per corpus
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
        self._shape: tuple[int, float, float] | None = None  # layout columns, aspect and rows, for the canvas size
        self.grid_nodes: set[str] = set()  # isolated nodes and chains: in the layout's columns

        self._build_ui()
        self.listen(state.corpusChanged, self._on_corpus_changed)
        self.listen(state.corpusEdited, self._on_corpus_edited)
        self.listen(state.nodesMoved, self._on_nodes_moved)
        self.listen(state.selectionChanged, self._on_selection_changed)
        self.listen(state.timeWindowChanged, self._on_time_window_changed)
        self.listen(state.filtersChanged, self._on_filters_changed)
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
    def _on_corpus_changed(self, previous: dict | None = None) -> None:
        """Build the graph of the corpus. With ``previous`` positions (after an edit) the nodes that stay
        keep them, new ones go next to their neighbours, and the view keeps its zoom."""
        if self._closed:
            return
        corpus = self.state.corpus
        self._nodes, self._style, self._labels, self._edges = [], {}, {}, []
        self._single_order = ()
        self._label_widths = None
        self.grid_nodes = set()
        if corpus is None:
            self._node_set = set()
            self._edge_by_id = {}
            self._refresh()
            return
        model = graph_model(corpus)
        self._nodes = list(model.node_ids)
        self._single_order = model.single_order
        self._style = {n.id: NODE_STYLES.get(n.kind, DEFAULT_STYLE) for n in model.nodes}
        self._labels = {n.id: n.label for n in model.nodes}
        self._node_set = set(self._nodes)
        self._edges = list(model.edges)
        self._edge_by_id = {e.id: e for e in self._edges}
        self.degree = dict(model.degree)
        self.hubs = set(model.hubs)
        self._corpus_key = str(getattr(corpus, "root", "") or corpus.info.title)
        self.grid_nodes = set(model.grid_nodes)
        self._pos = self._base_layout()
        if previous:
            columns, aspect, rows = self._shape
            self._pos = layout_for(tuple(self._nodes), tuple((e.source, e.target) for e in self._edges), previous,
                                   single_order=self._single_order, columns=columns, aspect=aspect, rows=rows)
        self._pos.update({k: v for k, v in self._manual().items() if k in self._pos})
        present = []
        for kind in NODE_KINDS:
            if any(self._style[n] == NODE_STYLES[kind] for n in self._nodes):
                shape, color = NODE_STYLES[kind]
                present.append((NODE_KIND_LABELS[kind], shape, color))
        if any(not e.affiliation for e in self._edges):
            present.append(("Relationship (→)", "line", EDGE_COLOR))
        if any(e.affiliation for e in self._edges):
            present.append(("Affiliation", "dash", AFFILIATION_COLOR))
        self.legend.set_entries(present)
        if previous:
            self._compute_emphasis()
            self._refresh()
            self.item.geometry_changed()
            return
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
            size = (float(ev.size().width()), float(ev.size().height()))
            self._relayout_for_size(size)
            self.fit(keep_auto=True, size=size)
        return super().eventFilter(obj, ev)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if self._auto_fit and not self._closed:
            self._relayout_for_size(self._canvas_size())
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

    def node_half_size(self, node_id: str) -> tuple[float, float]:
        """Half the width and height of a node's drawn shape, in pixels."""
        r = self.node_radius(node_id)
        shape = self.node_style(node_id)[0]
        if shape == "square":
            return (0.9 * r, 0.9 * r)
        if shape == "triangle":
            return (1.1 * r, 1.2 * r)
        if shape == "diamond":
            return (1.2 * r, 1.2 * r)
        return (r, r)

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

    def _canvas_size(self) -> tuple[float, float]:
        size = self.canvas.size()
        return float(size.width()), float(size.height())

    def _label_room(self, ids) -> np.ndarray:
        """Pixels right of each node's centre the fit keeps for its label: the whole label for the nodes in
        the layout's columns (labelled on the right only), some for the others (their labels can go left)."""
        widths = self._label_widths
        if widths is None:  # measured once per corpus: the fit asks for them dozens of times
            fm = self.item._fm
            widths = self._label_widths = {n: fm.horizontalAdvance(self.node_label(n)) for n in self._nodes}
        return np.array([self.node_radius(n) + 6 + min(widths.get(n, 0.0) + 6,
                                                      LABEL_MAX_WIDTH if n in self.grid_nodes else 60.0)
                         for n in ids], dtype=float).reshape(-1)

    def _label_cap(self, pos: dict[str, tuple[float, float]], ids) -> np.ndarray:
        """Units right of each node its label may take at most: a column's width for those in the columns."""
        xs = sorted({round(pos[n][0], 6) for n in self.grid_nodes if n in pos})
        col_w = min((b - a for a, b in itertools.pairwise(xs)), default=COL_W)
        return np.array([col_w - NODE_INSET if n in self.grid_nodes else np.inf for n in ids], dtype=float)

    def _fit_scale(self, pos: dict[str, tuple[float, float]], ids, size: tuple[float, float]):
        pts = np.array([pos[n] for n in ids], dtype=float).reshape(-1, 2)
        ppu, rect = fit_rect(pts, self._label_room(ids), size[0], size[1], self._label_cap(pos, ids))
        return ppu, QRectF(*rect)

    def _fit_rect(self, size: tuple[float, float] | None = None) -> QRectF:
        return self._fit_scale(self._pos, self._visible_nodes or self._nodes, size or self._canvas_size())[1]

    def zoom_factor(self) -> float:
        """How far the user zoomed in from the fitted view (1 = fitted)."""
        tr = self.item.screen_transform()
        size = self.vb.size()
        r = self._fit_rect((size.width(), size.height()))
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
                d = segment_distance(pt.x(), pt.y(), u.x(), u.y(), w.x(), w.y())
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
        return kind_label("expert" if item.item_kind == "expert" else item.kind)

    # -- actions -------------------------------------------------------------------------------------
    def _layout_for(self, columns: int, aspect: float = 0.0, rows: float = 1.0) -> dict[str, tuple[float, float]]:
        return compute_layout(tuple(self._nodes), tuple((e.source, e.target) for e in self._edges),
                              single_order=self._single_order, columns=columns, aspect=aspect, rows=rows)

    def _layout_shape(self, size: tuple[float, float]) -> tuple[int, float, float]:
        """The layout's columns, aspect and row stretch for a canvas of this size: the number of columns
        whose layout fills it at the largest scale once its rows are tall enough for a label each, and
        the canvas' shape (all rounded: layouts are cached)."""
        width, height = size
        if width < 50 or height < 50:
            return self._shape or (3, 0.0, 1.0)
        row_px = self.item._label_height(self.item._fm) + 2.0
        # the canvas' shape less the fit's margins (the layout's width includes its labels)
        # (in steps of 5 %: a resize that hardly changes it reuses the cached layouts)
        aspect = (width - 30) / max(height - 36, 1.0)
        aspect = round(1.05 ** round(math.log(max(aspect, 0.05)) / math.log(1.05)), 3)
        best, best_ppu = (3, 1.0), -1.0
        for columns in range(2, 9):
            rows = 1.0
            for _ in range(4):
                ppu = self._fit_scale(self._layout_for(columns, aspect, rows), self._nodes, size)[0]
                need = row_px / (ROW_H * ppu)
                if need <= rows + 1e-6 or rows >= 2.0:
                    break
                rows = min(2.0, math.ceil(need * 20) / 20)
            if ppu > best_ppu * 1.02:  # a wider layout only when it is clearly better
                best, best_ppu = (columns, rows), ppu
        return best[0], aspect, best[1]

    def _base_layout(self, size: tuple[float, float] | None = None) -> dict[str, tuple[float, float]]:
        self._shape = self._layout_shape(size or self._canvas_size())
        return dict(self._layout_for(*self._shape))

    def _relayout_for_size(self, size: tuple[float, float]) -> None:
        """Re-flow the layout for a new canvas size (nodes the user dragged stay put)."""
        if not self._nodes or self._layout_shape(size) == self._shape:
            return
        self._pos = self._base_layout(size)
        self._pos.update({k: v for k, v in self._manual().items() if k in self._pos})
        self.item.geometry_changed()

    def _manual(self) -> dict[str, tuple[float, float]]:
        """Nodes placed by hand: the workspace keeps them (with undo), so every view of it agrees."""
        return self.state.workspace.node_positions

    def move_node(self, node_id: str, x: float, y: float) -> None:
        """Show a node at (x, y) while it is dragged; ``record_move`` makes the move an edit."""
        self._pos[node_id] = (float(x), float(y))
        self.item.geometry_changed()

    def record_move(self, node_id: str, old: tuple[float, float]) -> None:
        """A finished drag becomes an undoable step of the workspace (Edit ▸ Undo puts the node back)."""
        new = self._pos.get(node_id)
        if new is not None and tuple(new) != tuple(old):
            command = SetNodePositions({node_id: (float(new[0]), float(new[1]))})
            command.label = f"Move {self._labels.get(node_id, node_id)}"
            self.state.do(command)

    def _on_nodes_moved(self, nodes: dict) -> None:
        """Nodes placed (or released, None: back to the layout's place) by a move, its undo or redo."""
        if self._closed or not self._nodes:
            return
        base = None
        for node_id, xy in nodes.items():
            if node_id not in self._node_set:
                continue
            if xy is None:
                base = base or self._layout_for(*self._shape)
                if node_id in base:
                    self._pos[node_id] = base[node_id]
            else:
                self._pos[node_id] = (float(xy[0]), float(xy[1]))
        self.item.geometry_changed()

    def _on_corpus_edited(self, change) -> None:
        """An edit: a graph that gained or lost nodes or edges is rebuilt with the nodes that stay where
        they were; otherwise only names, emphasis and the time filter are brought up to date."""
        if self._closed:
            return
        if not touches_graph(change):
            self._compute_emphasis()
            self._refresh()
            return
        previous = dict(self._pos)
        self._on_corpus_changed(previous)

    def drag_node(self, node_id: str, dx: float, dy: float) -> None:
        """Move a node by (dx, dy) viewport pixels, as a drag does (for scripts; tests drag for real)."""
        tr = self.item.screen_transform()
        inv, ok = tr.inverted() if tr is not None else (None, False)
        if not ok:
            return
        old = self._pos[node_id]
        screen = tr.map(QPointF(*old)) + QPointF(dx, dy)
        target = inv.map(screen)
        self.move_node(node_id, target.x(), target.y())
        self.record_move(node_id, old)

    def reset_layout(self) -> None:
        """Every node back where the layout puts it (one undoable step if any was placed by hand)."""
        manual = self._manual()
        if manual:
            command = SetNodePositions(dict.fromkeys(manual))
            command.label = "Reset Graph Layout"
            self.state.do(command)
        if self._closed:
            return
        if self._nodes:
            self._pos = self._base_layout()
        self.item.geometry_changed()
        self.fit()

    def fit(self, keep_auto: bool = False, size: tuple[float, float] | None = None) -> None:
        """Zoom to show every visible node with room for the labels beside them."""
        if self._closed:
            return
        if not keep_auto:
            self._auto_fit = True
        self.vb.setRange(self._fit_rect(size), padding=0)
        self.item.geometry_changed()

    def fit_selection(self) -> bool:
        """Zoom to the selection's neighbourhood (the emphasised nodes); False when nothing is emphasised."""
        if self._closed or self._emphasis is None:
            return False
        ids = [n for n in self._visible_nodes if n in set(self._emphasis[0])]
        if not ids:
            return False
        self._auto_fit = False
        self.vb.setRange(self._fit_scale(self._pos, ids, self._canvas_size())[1], padding=0.08)
        self.item.geometry_changed()
        return True

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
