"""The relationship graph: entities and experts as nodes, relationships and affiliations as edges.

- one custom ``GraphicsObject`` draws every edge, node and label (shared pens, one paint); nodes and
  labels have a constant size on screen (drawn in viewport pixels), positions are in layout units;
- node shape and colour by kind (legend under the graph); node size grows modestly with degree;
- labels are placed greedily (selected, then emphasised, then the hubs, then by degree) right next to
  their own node: right, left, above or below it, whole (up to LABEL_WHOLE_MAX) or elided, the cheapest
  free spot winning (shortening the text costs more than crossing an edge or two or moving to another side:
  a name is shortened only where it would collide or leave the plot); a label never overlaps another label
  or a node (only the selection or a hub with no free spot may cover a node rather than go unlabelled),
  never leaves the plot, and is left out otherwise (hovering the node or a shortened label shows the whole
  name): zooming in spreads the nodes and more labels fit; nodes in the layout's columns are labelled on
  the right only;
- an edge is named by its two ends ("A — kind → B": its tooltip, the export caption when selected); its
  kind is its label at the midpoint (or along it) once zoomed in, when the edge is emphasised (the
  selection's edges; the selected edge always) and long enough on screen, and while the pointer is on the
  edge or one of its ends (up to HOVER_EDGE_LABELS, where they find room, drawn over the kept frame);
- a drag from a node with Shift held, or any drag from a node in link mode (the toolbar's Link), draws a
  rubber band and, dropped on another node, asks for a new relationship's form
  (``state.request_item_form("relationship", source=, target=)``): the graph creates nothing itself;
- empty states (``EmptyState``): no corpus, no actors or voices, all filtered out, no relationship (a strip
  across the top), each with the action that fills it;
- the graph model (which nodes and edges a corpus makes) and the layout (``compute_layout``: components
  in blocks packed in rows, chains and isolated nodes in columns below) are Qt-free, in
  ``explorer.core.layout.graph``. The view picks the number of columns (and stretches the layout) to
  fill its canvas at the largest scale, and re-flows it when the canvas changes shape while fitted;
  dragged nodes keep their place (the workspace's ``node_positions``, undoable like any edit);
- fitting (``fit_rect``, in the core) keeps room for the labels beside the nodes at the right edge;
- click a node or edge to select it; the selection's neighbourhood is emphasised, the rest dimmed;
- interaction costs what the screen shows, not what the graph holds: the visible graph is kept as arrays
  (``_Layout``, per layout version, with a spatial index in layout units that hit-testing asks for the few
  nodes and edges near the pointer) and in viewport pixels (``_Screen``, per transform); on screen the
  picture is kept (``_Frame``: edges, then nodes and labels, a margin wider than the viewport) so that a
  hover draws only the hovered item over it, a pan drag shifts it and a wheel zoom scales it until they
  end; exports always draw directly (vector stays vector);
- relationships with a period show only when active in the timeline window (toggle; a start without an
  end is open-ended, an end without a start too), nodes obey the filters (``state.is_visible``), and
  an edge shows only when both its ends do.
"""

from __future__ import annotations

import itertools
import math
import sys
import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QImage,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import (
    QApplication,
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
    SpatialGrid,
    compute_layout,
    fit_rect,
    relationship_caption,
    graph_model,
    kind_label,
    segment_distance,
    segments_hit,
)
from ..bridge import AppState
from .base import View
from .lazy import WhenShown
from .widgets import CORPUS_FORMAT_HINT, EmptyState
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
LABEL_MAX_WIDTH = 170.0  # a label's first shortening: what the fit and the frames plan for
LABEL_WHOLE_MAX = 520.0  # a name is shown whole up to this wide (where it has the room), shortened past it
HOVER_EDGE_LABELS = 12  # the most relationships of a hovered node whose kinds are shown
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


class _Layout:
    """The visible graph in layout units, for one layout version (rebuilt only when nodes move, appear or
    hide): positions, sizes and the edges' ends as arrays, and a spatial index of nodes and edges that
    hit-testing asks for the few candidates near the pointer. Layout units do not change while the view
    pans or zooms, so neither does the index."""

    def __init__(self, view: GraphView, version: int):
        self.version = version
        self.ids: list[str] = [n for n in view._visible_nodes if n in view._pos]
        self.index = index = {n: i for i, n in enumerate(self.ids)}
        self.pos = np.array([view._pos[n] for n in self.ids], dtype=float).reshape(-1, 2)
        self.radius = np.array([view.node_radius(n) for n in self.ids], dtype=float)
        self.half = np.array([view.node_half_size(n) for n in self.ids], dtype=float).reshape(-1, 2)
        self.label_width = np.array([view.label_width(n) for n in self.ids], dtype=float)
        self.edges: list[GraphEdge] = [e for e in view._visible_edges if e.source in index and e.target in index]
        m = len(self.edges)
        self.src = np.fromiter((index[e.source] for e in self.edges), dtype=np.int64, count=m)
        self.tgt = np.fromiter((index[e.target] for e in self.edges), dtype=np.int64, count=m)
        # several edges between the same two nodes fan out as curves from the straight line (a -> b, the
        # pair in canonical order), 18 px apart; the middle one of an odd number stays straight
        groups: dict[tuple[str, str], list[int]] = {}
        for k, e in enumerate(self.edges):
            groups.setdefault(tuple(sorted((e.source, e.target))), []).append(k)
        self.a = np.zeros(m, dtype=np.int64)
        self.b = np.zeros(m, dtype=np.int64)
        self.off = np.zeros(m, dtype=float)
        for (a_id, b_id), ks in groups.items():
            n = len(ks)
            for i, k in enumerate(sorted(ks, key=lambda k: self.edges[k].id)):
                self.a[k], self.b[k] = index[a_id], index[b_id]
                self.off[k] = (i - (n - 1) / 2) * 18.0 if n > 1 else 0.0
        self.curved = self.off != 0
        self.max_off = float(np.abs(self.off).max()) if m else 0.0
        self.affiliation = np.fromiter((e.affiliation for e in self.edges), dtype=bool, count=m)
        self.moves = 0  # nodes moved in place (a drag in progress) since it was built
        self._grid: SpatialGrid | None = None

    def move(self, node_id: str, x: float, y: float) -> None:
        """A node dragged: its position changes in place (the index is built again when next asked)."""
        i = self.index.get(node_id)
        if i is not None:
            self.pos[i] = (x, y)
            self.moves += 1
            self._grid = None

    def incident(self, node_id: str) -> np.ndarray:
        """The edges at a node."""
        i = self.index.get(node_id)
        if i is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero((self.src == i) | (self.tgt == i))

    @property
    def grid(self) -> SpatialGrid:
        if self._grid is None:
            chords = np.concatenate([self.pos[self.src], self.pos[self.tgt]], axis=1) if len(self.edges) \
                else np.zeros((0, 4))
            self._grid = SpatialGrid(self.pos, chords)
        return self._grid


class _Screen:
    """The visible graph in viewport pixels for one transform: node centres and every edge's shape (ends,
    control point of a curve, midpoint, the last segment for its arrowhead) as arrays, computed once per
    transform and shared by painting and label placement."""

    def __init__(self, lay: _Layout, tr: QTransform):
        self.lay = lay
        self.key = (tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.dx(), tr.dy(), lay.version, lay.moves)
        p = lay.pos
        self.x = tr.m11() * p[:, 0] + tr.m21() * p[:, 1] + tr.dx()
        self.y = tr.m12() * p[:, 0] + tr.m22() * p[:, 1] + tr.dy()
        self._edges_from(self.x, self.y)

    def _edges_from(self, x: np.ndarray, y: np.ndarray) -> None:
        lay = self.lay
        self.sx, self.sy, self.tx, self.ty = x[lay.src], y[lay.src], x[lay.tgt], y[lay.tgt]
        ax, ay, bx, by = x[lay.a], y[lay.a], x[lay.b], y[lay.b]
        dx, dy = bx - ax, by - ay
        length = np.hypot(dx, dy)
        length = np.where(length == 0, 1.0, length)
        nxp, nyp = -dy / length, dx / length
        off = lay.off
        self.cx = (ax + bx) / 2 + nxp * off * 2
        self.cy = (ay + by) / 2 + nyp * off * 2
        c = lay.curved
        self.mx = np.where(c, 0.25 * self.sx + 0.5 * self.cx + 0.25 * self.tx, (self.sx + self.tx) / 2)
        self.my = np.where(c, 0.25 * self.sy + 0.5 * self.cy + 0.25 * self.ty, (self.sy + self.ty) / 2)
        self.lx = np.where(c, self.cx, self.sx)  # the last segment runs (lx, ly) -> target
        self.ly = np.where(c, self.cy, self.sy)

    @classmethod
    def of_points(cls, lay: _Layout, x: np.ndarray, y: np.ndarray) -> _Screen:
        sc = cls.__new__(cls)
        sc.lay, sc.key, sc.x, sc.y = lay, None, x, y
        sc._edges_from(x, y)
        return sc

    def point(self, i: int) -> QPointF:
        return QPointF(float(self.x[i]), float(self.y[i]))

    def path(self, k: int) -> QPainterPath:
        """Edge k's screen path: a line, or a quadratic curve fanned out from it."""
        path = QPainterPath(QPointF(float(self.sx[k]), float(self.sy[k])))
        t = QPointF(float(self.tx[k]), float(self.ty[k]))
        if self.lay.curved[k]:
            path.quadTo(QPointF(float(self.cx[k]), float(self.cy[k])), t)
        else:
            path.lineTo(t)
        return path

    def mid(self, k: int) -> QPointF:
        return QPointF(float(self.mx[k]), float(self.my[k]))

    def last(self, k: int) -> tuple[QPointF, QPointF]:
        return (QPointF(float(self.lx[k]), float(self.ly[k])), QPointF(float(self.tx[k]), float(self.ty[k])))

    def bounds(self, ks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Bounding boxes of edges ``ks`` (their ends and control points)."""
        xs = np.stack([self.sx[ks], self.tx[ks], self.cx[ks]])
        ys = np.stack([self.sy[ks], self.ty[ks], self.cy[ks]])
        return xs.min(axis=0), ys.min(axis=0), xs.max(axis=0), ys.max(axis=0)

    def heads(self, ks: np.ndarray, radius: np.ndarray, size: float = 7.0) -> QPainterPath:
        """The arrowheads of edges ``ks`` as one path of triangles: at the end of each last segment, just
        outside the target node (of its radius); none where the segment is too short to carry one."""
        if not len(ks):
            return QPainterPath()
        ax, ay, bx, by = self.lx[ks], self.ly[ks], self.tx[ks], self.ty[ks]
        dx, dy = bx - ax, by - ay
        length = np.hypot(dx, dy)
        r = radius[self.lay.tgt[ks]]
        keep = length >= r + 14
        if not keep.any():
            return QPainterPath()
        dx, dy, length, r, bx, by = dx[keep], dy[keep], length[keep], r[keep], bx[keep], by[keep]
        ux, uy = dx / length, dy / length
        tipx, tipy = bx - ux * (r + 1.5), by - uy * (r + 1.5)
        lx, ly = tipx - ux * size - uy * size * 0.45, tipy - uy * size + ux * size * 0.45
        rx, ry = tipx - ux * size + uy * size * 0.45, tipy - uy * size - ux * size * 0.45
        xs = np.stack([tipx, lx, rx, tipx], axis=1).ravel()
        ys = np.stack([tipy, ly, ry, tipy], axis=1).ravel()
        connect = np.tile(np.array([1, 1, 1, 0], dtype=np.int32), len(tipx))
        return pg.arrayToQPath(xs, ys, connect=connect, finiteCheck=False)

    def lines(self, ks: np.ndarray) -> QPainterPath:
        """Edges ``ks`` as one path (lines, then curves)."""
        straight = ks[~self.lay.curved[ks]]
        if len(straight):
            xs = np.stack([self.sx[straight], self.tx[straight]], axis=1).ravel()
            ys = np.stack([self.sy[straight], self.ty[straight]], axis=1).ravel()
            path = pg.arrayToQPath(xs, ys, connect="pairs", finiteCheck=False)
        else:
            path = QPainterPath()
        for k in ks[self.lay.curved[ks]]:
            path.moveTo(float(self.sx[k]), float(self.sy[k]))
            path.quadTo(float(self.cx[k]), float(self.cy[k]), float(self.tx[k]), float(self.ty[k]))
        return path


@dataclass
class _Frame:
    """One rendering of the graph for the screen: the edges in one image, the nodes and labels above them in
    another (so that the hovered edge can go between them). It covers a margin round the viewport on every
    side, so that a pan shows it shifted until it ends; its images span only the part of that where the
    graph is (a fitted graph needs no more than the viewport)."""

    key: tuple  # (transform, viewport size, pixel ratio, content version)
    linear: tuple[float, float, float, float]
    dx: float
    dy: float
    margin: tuple[int, int]  # the frame covers the viewport grown by this much on every side...
    origin: tuple[int, int]  # ...and its images start here (viewport pixels): nothing is drawn outside them
    edges: QImage
    top: QImage
    size: tuple[int, int]
    dpr: float
    version: int


FRAME_MAX_PIXELS = 12_000_000  # per image of a frame (margins shrink on huge viewports)
SETTLE_MS = 180  # after the last pan or zoom step drawn from an old frame, the picture is drawn afresh
WARM_DELAY_MS = 60  # after a frame is drawn, the view waits this long before preparing the next gestures


class _GraphItem(pg.GraphicsObject):
    """Draws the whole graph in one paint. Everything is drawn in viewport pixels (through the
    item's device transform) so node and label sizes do not change with zoom.

    On screen the picture is kept (a ``_Frame``) until the view or the content changes: hovering only
    draws the hovered node or edge over it, a pan drag shows the kept frame shifted (and a wheel zoom it
    scaled) until it ends, then the picture is drawn afresh. Exports (SVG, PDF, PNG) always draw directly."""

    sigClicked = Signal(str)  # node or edge id
    sigNodeMoved = Signal(str)

    def __init__(self, view: GraphView):
        super().__init__()
        self.view = view
        self.setAcceptHoverEvents(True)
        self._br: QRectF | None = None
        self._drag: tuple[str, QPointF] | None = None
        self._drag_from: tuple[float, float] = (0.0, 0.0)
        self._link: tuple[str, QPointF] | None = None  # a link drag: its source node, the pointer (layout units)
        self._link_target: str | None = None  # the node under the pointer of a link drag
        self._hover_labels: tuple[tuple, list[_Placed]] | None = None  # (hover, labels' key), its edge labels
        self.press_modifiers = Qt.KeyboardModifier.NoModifier  # of the last button press on the viewport
        self._hover: str | None = None
        self._labels_key = None
        self._labels: list[_Placed] = []
        self._label_boxes: np.ndarray = np.zeros((0, 4))  # the labels' rectangles (left, top, right, bottom)
        self._label_is_edge: np.ndarray = np.zeros(0, dtype=bool)
        self._font = ui_font(9)
        self._font_bold = ui_font(9, bold=True)
        self._font_edge = ui_font(8)
        self._font_edge.setItalic(True)
        self._fm = QFontMetricsF(self._font)
        self._fm_bold = QFontMetricsF(self._font_bold)
        self._fm_edge = QFontMetricsF(self._font_edge)
        self._pens: dict = {}
        self._texts: dict[tuple[str, bool, bool], list[tuple[str, float, float]]] = {}
        self._version = 0  # the content drawn: bumped by every change but the view's transform
        self._screen: _Screen | None = None
        self._frame: _Frame | None = None
        self._drag_frame: _Frame | None = None  # everything but the node being dragged
        self._dimmed: tuple[tuple, QImage] | None = None  # every edge dimmed, for the frames of selections
        self._zooming_until = 0.0  # a wheel zoom is going on until then (monotonic seconds)
        self.frames_rendered = 0  # full renderings of the picture (for tests and benchmarks)
        self._sprites: dict[tuple, tuple[QImage, int]] = {}  # node images by style, at 16 sub-pixel offsets
        self._warm = QTimer()
        self._warm.setSingleShot(True)
        self._warm.timeout.connect(self._warm_up)
        self._settle = QTimer()
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._on_settle)

    # -- geometry ----------------------------------------------------------------------------------
    def data_rect(self) -> QRectF:
        pts = self.view.layout_data().pos if self.view.has_nodes() else self.view.visible_positions_array()
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
        """Nodes moved, appeared or hid (or the view did: see ``view_changed``)."""
        self._version += 1
        self.view_changed()

    def view_changed(self) -> None:
        """The view panned, zoomed or was resized: the labels are placed again for it."""
        self.prepareGeometryChange()
        self._br = None
        self._labels_key = None
        self.update()

    def viewRangeChanged(self) -> None:
        super().viewRangeChanged()
        self.view_changed()

    def viewTransformChanged(self) -> None:
        super().viewTransformChanged()
        self.view_changed()

    def content_changed(self) -> None:
        self._version += 1
        self._labels_key = None
        self.update()

    def dragging(self) -> str | None:
        """The node being dragged by the mouse, if one is."""
        return self._drag[0] if self._drag is not None else None

    def dragged_node_moved(self) -> None:
        """The dragged node moved: on screen it is drawn over a frame of everything else (which stays
        valid, so the content version does not change until the drag ends)."""
        self.prepareGeometryChange()
        self._br = None
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

    def screen(self, tr: QTransform) -> _Screen:
        """The graph in viewport pixels for this transform (kept until the transform or layout changes)."""
        lay = self.view.layout_data()
        key = (tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.dx(), tr.dy(), lay.version, lay.moves)
        if self._screen is None or self._screen.key != key or self._screen.lay is not lay:
            self._screen = _Screen(lay, tr)
        return self._screen

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
        dev = inv * p.transform()
        p.setTransform(dev)
        if self._on_screen(p, dev):
            self._paint_from_frame(p, tr, dev)
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        sc = self.screen(tr)
        self._draw_edges(p, sc, self._hover)
        self._draw_nodes(p, sc, self._hover)
        self._draw_labels(p, self.labels(tr))
        if self._hover is not None:  # as on screen (a grab of the widget draws directly)
            self._draw_labels(p, self.hover_edge_labels(tr))
        if self._link is not None:
            self._draw_link_band(p, tr)

    def _on_screen(self, p: QPainter, dev: QTransform) -> bool:
        """Whether this paint goes to the window on screen, one viewport pixel to one pixel (exports draw
        into their own image, SVG or PDF: always directly)."""
        vp = self.view.viewport()
        store = vp.backingStore()
        engine = p.paintEngine()
        if store is None or engine is None or engine.type() != QPaintEngine.Type.Raster:
            return False
        device, target = store.paintDevice(), engine.paintDevice()
        if device is None or target is None or shiboken6.getCppPointer(device)[0] != \
                shiboken6.getCppPointer(target)[0]:
            return False
        return (abs(dev.m11() - 1) < 1e-6 and abs(dev.m22() - 1) < 1e-6 and abs(dev.m12()) < 1e-9
                and abs(dev.m21()) < 1e-9)

    def _paint_from_frame(self, p: QPainter, tr: QTransform, dev: QTransform) -> None:
        vp = self.view.viewport()
        size = (vp.width(), vp.height())
        dpr = vp.devicePixelRatioF()
        linear = (tr.m11(), tr.m12(), tr.m21(), tr.m22())
        if self._drag is not None:
            self._paint_drag(p, tr, dev, size, dpr, linear)
            return
        self._drag_frame = None
        key = (linear, tr.dx(), tr.dy(), size, dpr, self._version)
        f = self._frame
        shift: tuple[float, float] | None = (0.0, 0.0)
        scaled: QTransform | None = None
        if f is None or f.key != key:
            shift = None
            same = f is not None and f.version == self._version and f.size == size and f.dpr == dpr
            if same and _close(f.linear, linear) and QApplication.mouseButtons() != Qt.MouseButton.NoButton:
                # a pan: the kept frame, shifted (whole pixels), while it still covers the viewport
                ox, oy = round(tr.dx() - f.dx), round(tr.dy() - f.dy)
                if abs(ox) <= f.margin[0] and abs(oy) <= f.margin[1]:
                    shift = (float(ox), float(oy))
            elif same and time.monotonic() < self._zooming_until and abs(linear[1]) < 1e-12 \
                    and abs(linear[2]) < 1e-12 and f.linear[0] and f.linear[3]:
                # a wheel zoom: the kept frame, scaled, until the wheel stops
                sx, sy = linear[0] / f.linear[0], linear[3] / f.linear[3]
                scaled = QTransform(sx, 0, 0, sy, tr.dx() - sx * f.dx, tr.dy() - sy * f.dy)
            if shift is None and scaled is None:
                f = self._frame = self._render_frame(tr, key, size, dpr)
                shift = (0.0, 0.0)
            else:
                self._settle.start()
        # whole device pixels: the frame is copied, never resampled
        p.setTransform(QTransform.fromTranslate(round(dev.dx()), round(dev.dy())))
        if scaled is not None:
            p.save()
            p.setTransform(scaled, True)
            p.drawImage(QPointF(*f.origin), f.edges)
            p.drawImage(QPointF(*f.origin), f.top)
            p.restore()
            return
        self._blit(p, f, f.edges, shift, size)
        hover = self._hover
        if hover is not None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._draw_hover_edge(p, tr, hover)
        self._blit(p, f, f.top, shift, size)
        if hover is not None:
            self._draw_hover_node(p, tr, hover)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            self._draw_labels(p, self.hover_edge_labels(tr))
        if self._link is not None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._draw_link_band(p, tr)

    @staticmethod
    def _blit(p: QPainter, f: _Frame, image: QImage, shift: tuple[float, float], size: tuple[int, int]) -> None:
        """Copy the part of a frame's image that the viewport shows (shifted by a pan)."""
        x0, y0 = f.origin[0] + shift[0], f.origin[1] + shift[1]
        dpr = f.dpr
        target = QRectF(x0, y0, image.width() / dpr, image.height() / dpr).intersected(QRectF(0, 0, *size))
        if target.isEmpty():
            return
        source = QRectF((target.x() - x0) * dpr, (target.y() - y0) * dpr, target.width() * dpr,
                        target.height() * dpr)
        p.drawImage(target, image, source)

    def _paint_drag(self, p: QPainter, tr: QTransform, dev: QTransform, size, dpr, linear) -> None:
        """A node being dragged: a frame of everything else (drawn once, when the drag starts), and over it
        the node's edges, the node and its label where it is now."""
        nid = self._drag[0]
        key = ("drag", nid, linear, tr.dx(), tr.dy(), size, dpr, self._version)
        f = self._drag_frame
        if f is None or f.key != key:
            f = self._drag_frame = self._render_frame(tr, key, size, dpr, skip=nid)
        p.setTransform(QTransform.fromTranslate(round(dev.dx()), round(dev.dy())))
        self._blit(p, f, f.edges, (0.0, 0.0), size)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        v = self.view
        lay = v.layout_data()
        emph = v.emphasis()
        dimming = emph is not None
        ee = emph[1] if emph is not None else set()
        sel = v.state.selection
        for k in lay.incident(nid).tolist():
            _layer, pen = self._edge_layer(lay.edges[k], dimming, ee, sel, None)
            _paint_edge(p, pen, v.edge_shape(tr, k), None if lay.affiliation[k] else float(lay.radius[lay.tgt[k]]))
        self._blit(p, f, f.top, (0.0, 0.0), size)
        i = lay.index.get(nid)
        if i is None:
            return
        now = tr.map(QPointF(float(lay.pos[i, 0]), float(lay.pos[i, 1])))
        self._node(p, nid, now, float(lay.radius[i]), dimming and nid not in emph[0], nid == sel, False)
        start = tr.map(QPointF(*self._drag_from))
        own = [lab for lab in self.labels(tr) if lab.item_id == nid and not lab.edge] if self._labels_key else []
        for lab in own:  # the label placed before the drag, carried along with its node
            moved = _Placed(lab.rect.translated(now - start), lab.text, lab.item_id, lab.dim, lab.bold)
            self._draw_labels(p, [moved])

    def _on_settle(self) -> None:
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton or time.monotonic() < self._zooming_until:
            self._settle.start()
            return
        self.update()

    def wheel_zoom(self) -> None:
        """A wheel step is zooming the view: frames are scaled until the wheel rests."""
        self._zooming_until = time.monotonic() + SETTLE_MS / 1000

    def _render_frame(self, tr: QTransform, key: tuple, size: tuple[int, int], dpr: float,
                      skip: str | None = None) -> _Frame:
        w, h = size
        mx, my = w // 2, h // 2
        while mx + my > 0 and (w + 2 * mx) * (h + 2 * my) * dpr * dpr > FRAME_MAX_PIXELS:
            mx, my = mx * 3 // 4, my * 3 // 4
        sc = self.screen(tr)
        lay = sc.lay
        # the images span the covered area where the graph is: nodes, their labels (up to the widest, bold,
        # beside them) and the edges' curves
        x0, y0, x1, y1 = 0, 0, w, h
        if len(lay.ids):
            pad_x = max(LABEL_MAX_WIDTH, 1.25 * float(lay.label_width.max(initial=0.0))) + 40 + lay.max_off
            pad_y = 40 + lay.max_off
            x0 = max(-mx, min(0, math.floor(float(sc.x.min()) - pad_x)))
            y0 = max(-my, min(0, math.floor(float(sc.y.min()) - pad_y)))
            x1 = min(w + mx, max(w, math.ceil(float(sc.x.max()) + pad_x)))
            y1 = min(h + my, max(h, math.ceil(float(sc.y.max()) + pad_y)))
        clip = QRectF(x0, y0, x1 - x0, y1 - y0)
        images = []
        for layer in ("edges", "top"):
            img = QImage(max(1, round((x1 - x0) * dpr)), max(1, round((y1 - y0) * dpr)),
                         QImage.Format.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(dpr)
            img.fill(Qt.GlobalColor.transparent)
            painter = QPainter(img)
            try:
                painter.translate(-x0, -y0)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
                if layer == "edges":
                    self._draw_edges(painter, sc, None, clip, (img.width(), img.height(), dpr), skip)
                else:
                    self._draw_nodes(painter, sc, None, clip, sprites=dpr == 1.0, skip=skip)
                    self._draw_labels(painter, [lab for lab in self.labels(tr) if lab.item_id != skip])
            finally:
                painter.end()
            images.append(img)
        self.frames_rendered += 1
        self._warm.start(WARM_DELAY_MS)  # in a moment of rest: what the next hover or click will need
        return _Frame(key, key[0], tr.dx(), tr.dy(), (mx, my), (x0, y0), images[0], images[1], size, dpr,
                      self._version)

    def _warm_up(self) -> None:
        """While the view rests: the spatial index of the layout (the next hover's), and the node images of
        the other dimming (the next click's), a few milliseconds at a time."""
        if self.view._closed or not self.view.has_nodes():
            return
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._warm.start(WARM_DELAY_MS)
            return
        lay = self.view.layout_data()
        deadline = time.perf_counter() + 0.008
        if lay._grid is None:
            lay.grid  # noqa: B018 - built now rather than on the first hover
            self._warm.start(0)  # the rest in the next turn of the event loop
            return
        f = self._frame
        if f is not None and f.version == self._version and self.view.emphasis() is None and \
                (self._dimmed is None or self._dimmed[0][0] != self._screen_key(f)):
            self._prepare_dimmed(f)  # the layer the next selection's frame draws first
            self._warm.start(0)
            return
        style = self.view.node_style
        for i, n in enumerate(lay.ids):
            shape, color = style(n)
            for dim in (False, True):
                if (shape, color, float(lay.radius[i]), dim) not in self._sprites:
                    self._atlas(shape, color, float(lay.radius[i]), dim)
                    if time.perf_counter() > deadline:
                        self._warm.start(0)
                        return

    def _edge_layer(self, e: GraphEdge, dimming: bool, emphasised: set[str], sel, hover) -> tuple[int, QPen]:
        """Which layer an edge is drawn in (dimmed first, then normal, then emphasised, the selected one on
        top) and with which pen."""
        dim = dimming and e.id not in emphasised
        style = Qt.PenStyle.DashLine if e.affiliation else Qt.PenStyle.SolidLine
        if e.id == sel:
            return 3, self._pen(SELECTION_COLOR, 3.0)
        if dim:
            return 0, self._pen(AFFILIATION_COLOR if e.affiliation else EDGE_COLOR, 1.0, DIM_ALPHA, style)
        if dimming or e.id == hover:
            return 2, self._pen(AFFILIATION_COLOR if e.affiliation else EMPHASIS_EDGE_COLOR, 2.2, 255, style)
        return 1, self._pen(AFFILIATION_COLOR if e.affiliation else EDGE_COLOR, 1.3, 255, style)

    def _draw_edges(self, p: QPainter, sc: _Screen, hover: str | None, clip: QRectF | None = None,
                    layer_size: tuple[int, int, float] | None = None, skip: str | None = None) -> None:
        """Every visible edge, by layer (dimmed, normal, emphasised, selected). On a raster device a solid
        opaque pen strokes its edges one by one (the rasterizer is much faster on many small outlines than
        on one huge one, and opaque strokes look the same either way); a translucent or dashed pen strokes
        them as one path, as vector output always does (crossings are not darker, dashes run on). Drawing a
        frame (``layer_size``: its image's size and pixel ratio), a thin translucent pen strokes opaquely
        into an image of its own laid over with the pen's opacity: the same picture, without Qt's slow path
        for translucent lines."""
        v = self.view
        lay = sc.lay
        emph = v.emphasis()
        dimming = emph is not None
        ee = emph[1] if emph is not None else set()
        sel = v.state.selection
        ks = np.arange(len(lay.edges))
        if clip is not None and len(ks):
            x0, y0, x1, y1 = sc.bounds(ks)
            ks = ks[(x1 >= clip.left() - 4) & (x0 <= clip.right() + 4) & (y1 >= clip.top() - 4)
                    & (y0 <= clip.bottom() + 4)]
        if skip is not None and skip in lay.index:  # a dragged node's edges are drawn over the frame
            i = lay.index[skip]
            ks = ks[(lay.src[ks] != i) & (lay.tgt[ks] != i)]
        layers: dict[tuple[int, int], tuple[QPen, list[int]]] = {}
        for k in ks.tolist():
            layer, pen = self._edge_layer(lay.edges[k], dimming, ee, sel, hover)
            layers.setdefault((layer, id(pen)), (pen, []))[1].append(k)
        raster = p.paintEngine() is not None and p.paintEngine().type() == QPaintEngine.Type.Raster
        if layer_size is not None and dimming:
            # a frame with something selected: the dimmed layer, drawn with every edge dimmed (the others go
            # over it, wider and opaque, hiding their own dimmed line and head), is the same whatever is
            # selected: it is kept while the view and the layout stay
            world = p.transform()
            key = (sc.key, world.dx(), world.dy(), layer_size, skip,
                   None if clip is None else (clip.x(), clip.y(), clip.width(), clip.height()))
            image = self._dimmed_edges(sc, ks, world, layer_size, key)
            p.save()
            p.resetTransform()
            p.drawImage(QPointF(0, 0), image)
            p.restore()
            layers = {k: group for k, group in layers.items() if k[0] != 0}
        for (_layer, _key), (pen, group) in sorted(layers.items(), key=lambda kv: kv[0][0]):
            g = np.array(group, dtype=np.int64)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            opaque = pen.color().alpha() == 255
            if raster and opaque and pen.style() == Qt.PenStyle.SolidLine:
                curved = lay.curved
                for k in group:
                    if curved[k]:
                        p.drawPath(sc.path(k))
                    else:
                        p.drawLine(QLineF(float(sc.sx[k]), float(sc.sy[k]), float(sc.tx[k]), float(sc.ty[k])))
            elif layer_size is not None and not opaque and pen.widthF() <= 1.0:
                self._stroke_translucent(p, sc.lines(g), pen, layer_size)
            else:
                p.drawPath(sc.lines(g))
            heads = sc.heads(g[~lay.affiliation[g]], lay.radius)
            if not heads.isEmpty():
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(pen.color())
                p.drawPath(heads)

    def _dimmed_edges(self, sc: _Screen, ks: np.ndarray, world: QTransform, layer_size: tuple[int, int, float],
                      key: tuple) -> QImage:
        """Edges ``ks`` all drawn dimmed (as layer 0 draws them), on a transparent image of the frame's size."""
        if self._dimmed is not None and self._dimmed[0] == key:
            return self._dimmed[1]
        w, h, dpr = layer_size
        image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        lay = sc.lay
        groups: dict[int, tuple[QPen, list[int]]] = {}
        for k in ks.tolist():
            _layer, pen = self._edge_layer(lay.edges[k], True, frozenset(), None, None)
            groups.setdefault(id(pen), (pen, []))[1].append(k)
        painter = QPainter(image)
        try:
            painter.setTransform(world)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for pen, group in groups.values():
                g = np.array(group, dtype=np.int64)
                self._stroke_translucent(painter, sc.lines(g), pen, layer_size)
                heads = sc.heads(g[~lay.affiliation[g]], lay.radius)
                if not heads.isEmpty():
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(pen.color())
                    painter.drawPath(heads)
        finally:
            painter.end()
        self._dimmed = (key, image)
        return image

    def _stroke_translucent(self, p: QPainter, path: QPainterPath, pen: QPen,
                            layer_size: tuple[int, int, float]) -> None:
        w, h, dpr = layer_size
        layer = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        layer.setDevicePixelRatio(dpr)
        layer.fill(Qt.GlobalColor.transparent)
        solid = QPen(pen)
        color = QColor(pen.color())
        color.setAlpha(255)
        solid.setColor(color)
        lp = QPainter(layer)
        try:
            lp.setTransform(p.transform())
            lp.setRenderHints(p.renderHints())
            lp.setPen(solid)
            lp.drawPath(path)
        finally:
            lp.end()
        p.save()
        p.resetTransform()
        p.setOpacity(pen.color().alphaF())
        p.drawImage(QPointF(0, 0), layer)
        p.restore()

    def _draw_nodes(self, p: QPainter, sc: _Screen, hover: str | None, clip: QRectF | None = None,
                    sprites: bool = False, skip: str | None = None) -> None:
        """Every visible node, dimmed ones first, the selection (then the hovered one) last. With
        ``sprites`` (a frame at one device pixel per pixel) each node is copied from a small image of its
        shape drawn at its position to a quarter of a pixel: the same picture, for a fraction of the cost of
        stroking each outline."""
        v = self.view
        lay = sc.lay
        emph = v.emphasis()
        dimming = emph is not None
        en = emph[0] if emph is not None else set()
        sel = v.state.selection
        ids = lay.ids
        if clip is not None:
            reach = lay.radius * 1.2 + 9
            inside = np.flatnonzero((sc.x + reach >= clip.left()) & (sc.x - reach <= clip.right())
                                    & (sc.y + reach >= clip.top()) & (sc.y - reach <= clip.bottom()))
            order = [ids[i] for i in inside.tolist()]
        else:
            order = list(ids)
        if skip is not None:
            order = [n for n in order if n != skip]
        order.sort(key=lambda n: (0 if (dimming and n not in en) else 1, n == sel, n == hover))
        index = lay.index
        radius = lay.radius
        style = v.node_style
        for n in order:
            i = index[n]
            dim = dimming and n not in en
            if sprites and n != sel and n != hover:
                x, y = float(sc.x[i]), float(sc.y[i])
                ix, iy = math.floor(x), math.floor(y)
                qx, qy = round((x - ix) * 4) / 4, round((y - iy) * 4) / 4
                if qx == 1.0:
                    ix, qx = ix + 1, 0.0
                if qy == 1.0:
                    iy, qy = iy + 1, 0.0
                shape, color = style(n)
                img, c = self._atlas(shape, color, float(radius[i]), dim)
                cell = 2 * c + 1
                p.drawImage(QPoint(ix - c, iy - c), img, QRect(int(qx * 4) * cell, int(qy * 4) * cell, cell, cell))
            else:
                self._node(p, n, sc.point(i), float(radius[i]), dim, n == sel, n == hover)

    def _screen_key(self, f: _Frame) -> tuple:
        lay = self.view.layout_data()
        return (*f.linear[:2], *f.linear[2:], f.dx, f.dy, lay.version, lay.moves)

    def _prepare_dimmed(self, f: _Frame) -> None:
        """The dimmed layer for this frame's view, as the frame of a selection will ask for it."""
        tr = QTransform(f.linear[0], f.linear[1], f.linear[2], f.linear[3], f.dx, f.dy)
        sc = self.screen(tr)
        x0, y0 = f.origin
        dpr = f.dpr
        clip = QRectF(x0, y0, f.edges.width() / dpr, f.edges.height() / dpr)
        layer_size = (f.edges.width(), f.edges.height(), dpr)
        ks = np.arange(len(sc.lay.edges))
        if len(ks):
            bx0, by0, bx1, by1 = sc.bounds(ks)
            ks = ks[(bx1 >= clip.left() - 4) & (bx0 <= clip.right() + 4) & (by1 >= clip.top() - 4)
                    & (by0 <= clip.bottom() + 4)]
        world = QTransform.fromTranslate(-x0, -y0)
        key = (sc.key, world.dx(), world.dy(), layer_size, None, (clip.x(), clip.y(), clip.width(), clip.height()))
        self._dimmed_edges(sc, ks, world, layer_size, key)

    def _atlas(self, shape: str, color: str, r: float, dim: bool) -> tuple[QImage, int]:
        """A node's shape drawn at the 16 quarter-pixel offsets (4 x 4 cells of 2c + 1 pixels)."""
        key = (shape, color, r, dim)
        hit = self._sprites.get(key)
        if hit is None:
            if len(self._sprites) > 2000:
                self._sprites.clear()
            c = math.ceil(r * 1.2 + 3)
            cell = 2 * c + 1
            img = QImage(4 * cell, 4 * cell, QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(Qt.GlobalColor.transparent)
            painter = QPainter(img)
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                for j in range(4):  # a shape reaches 1.2 r and its outline: within its cell, clear of the next
                    for k in range(4):
                        self._shape(painter, shape, color, QPointF(k * cell + c + k / 4, j * cell + c + j / 4), r,
                                    dim, False, False)
            finally:
                painter.end()
            hit = self._sprites[key] = (img, c)
        return hit

    def _draw_labels(self, p: QPainter, labels: list[_Placed]) -> None:
        for lab in labels:
            if lab.edge:  # the selected edge's kind in the selection's colour
                p.setFont(self._font_edge)
                bg = QColor(255, 255, 255, 215)
                fg = QColor(SELECTION_COLOR if lab.bold else "#4a4a4a")
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

    def _draw_hover_edge(self, p: QPainter, tr: QTransform, hover: str) -> None:
        """The hovered edge over the frame's edges, as the emphasised layer draws it (unless it is dimmed
        or selected, which hovering does not change)."""
        v = self.view
        lay = v.layout_data()
        k = v.edge_index(hover)
        if k is None:
            return
        emph = v.emphasis()
        layer, pen = self._edge_layer(lay.edges[k], emph is not None, emph[1] if emph else set(),
                                      v.state.selection, hover)
        if layer != 2 or emph is not None:
            return
        _paint_edge(p, pen, v.edge_shape(tr, k), None if lay.affiliation[k] else float(lay.radius[lay.tgt[k]]))

    def _draw_hover_node(self, p: QPainter, tr: QTransform, hover: str) -> None:
        """The hovered node's outline, thicker, over the frame (the selected node's already is)."""
        v = self.view
        lay = v.layout_data()
        i = lay.index.get(hover)
        if i is None or hover == v.state.selection:
            return
        emph = v.emphasis()
        dim = emph is not None and hover not in emph[0]
        pt = tr.map(QPointF(float(lay.pos[i, 0]), float(lay.pos[i, 1])))
        self._node(p, hover, pt, float(lay.radius[i]), dim, False, True, outline_only=True)

    def _node(self, p: QPainter, n: str, pt: QPointF, r: float, dim: bool, selected: bool, hover: bool,
              outline_only: bool = False) -> None:
        shape, color = self.view.node_style(n)
        self._shape(p, shape, color, pt, r, dim, selected, hover, outline_only)

    def _shape(self, p: QPainter, shape: str, color: str, pt: QPointF, r: float, dim: bool, selected: bool,
               hover: bool, outline_only: bool = False) -> None:
        fill = QColor(color)
        line = QColor(color).darker(160)
        if dim:
            fill = QColor(fill)
            fill.setAlpha(DIM_ALPHA + 15)
            line.setAlpha(DIM_ALPHA + 15)
        if selected and not outline_only:
            halo = QColor(SELECTION_COLOR)
            halo.setAlpha(70)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(halo)
            p.drawEllipse(pt, r + 7, r + 7)
            line = QColor(SELECTION_COLOR)
        if outline_only:
            p.setBrush(Qt.BrushStyle.NoBrush)
        else:
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

    def hover_edge_labels(self, tr: QTransform | None = None) -> list[_Placed]:
        """The kinds of the hovered edge, or of the hovered node's relationships (up to
        HOVER_EDGE_LABELS), at their midpoints: drawn over the frame while the pointer is there, for those
        the label placement left unlabelled."""
        hover = self._hover
        tr = tr or self.screen_transform()
        if hover is None or tr is None or self._link is not None or not self.view.has_nodes():
            return []
        self.labels(tr)  # the placed labels' boxes, for this transform
        key = (hover, self._labels_key)
        if self._hover_labels is not None and self._hover_labels[0] == key:
            return self._hover_labels[1]
        out = self._place_hover_edge_labels(tr, hover)
        self._hover_labels = (key, out)
        return out

    def _place_hover_edge_labels(self, tr: QTransform, hover: str) -> list[_Placed]:
        v = self.view
        lay = v.layout_data()
        if hover in lay.index:
            ks = [k for k in lay.incident(hover).tolist() if not lay.affiliation[k]]
        else:
            k = v.edge_index(hover)
            ks = [] if k is None or lay.affiliation[k] else [k]
        shown = {lab.item_id for lab in self.labels(tr) if lab.edge}
        ks = sorted((k for k in ks if lay.edges[k].id not in shown), key=lambda k: lay.edges[k].id)
        boxes = self._label_boxes
        inv, _ok = tr.inverted()
        scale = min(abs(tr.m11()), abs(tr.m22())) or 1e-12
        fm = self._fm_edge
        out: list[_Placed] = []

        def free(rect: QRectF) -> bool:
            """Clear of the labels placed, the other hover labels and the nodes (the few the index finds)."""
            if len(boxes) and bool(((boxes[:, 0] < rect.right()) & (boxes[:, 2] > rect.left())
                                    & (boxes[:, 1] < rect.bottom()) & (boxes[:, 3] > rect.top())).any()):
                return False
            if any(rect.intersects(o.rect) for o in out):
                return False
            c = inv.map(rect.center())
            reach = (math.hypot(rect.width(), rect.height()) / 2 + 14) / scale
            for i in lay.grid.points_near(c.x(), c.y(), reach).tolist():
                pt = tr.map(QPointF(float(lay.pos[i, 0]), float(lay.pos[i, 1])))
                hw, hh = float(lay.half[i, 0]) + 1, float(lay.half[i, 1]) + 1
                if rect.intersects(QRectF(pt.x() - hw, pt.y() - hh, 2 * hw, 2 * hh)):
                    return False
            return True

        for k in ks[:HOVER_EDGE_LABELS]:
            e = lay.edges[k]
            s_, t_, ctrl = v.edge_shape(tr, k)
            text = fm.elidedText(e.text, Qt.TextElideMode.ElideRight, 150)
            w, h = fm.horizontalAdvance(text) + 6, fm.height()
            for t in (0.5, 0.38, 0.62, 0.28, 0.72):  # the middle of the edge, else along it
                if ctrl is None:
                    mid = s_ + (t_ - s_) * t
                else:
                    mid = s_ * (1 - t) ** 2 + ctrl * (2 * t * (1 - t)) + t_ * t ** 2
                rect = QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h)
                if free(rect):
                    out.append(_Placed(rect, text, e.id, False, False, edge=True))
                    break
        return out

    def linking(self) -> tuple[str, str | None] | None:
        """A link drag in progress: its source node and the node under the pointer (None over none)."""
        return (self._link[0], self._link_target) if self._link is not None else None

    def _draw_link_band(self, p: QPainter, tr: QTransform) -> None:
        """The rubber band of a link drag: a dashed arrow from the source node to the pointer (or to the
        node under it, outlined)."""
        v = self.view
        src, pointer = self._link
        if src not in v._pos:
            return
        a = tr.map(QPointF(*v.position(src)))
        target = self._link_target
        b = tr.map(QPointF(*v.position(target))) if target is not None else tr.map(pointer)
        pen = QPen(QColor(SELECTION_COLOR), 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(QLineF(a, b))
        head = _arrowhead((a, b), v.node_radius(target) if target is not None else 0.0, 9.0)
        if head is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(SELECTION_COLOR))
            p.drawPolygon(head)
        for node in (src, target):
            if node is not None:
                p.setPen(self._pen(SELECTION_COLOR, 2.5))
                p.setBrush(Qt.BrushStyle.NoBrush)
                pt = tr.map(QPointF(*v.position(node)))
                r = v.node_radius(node) + 4
                p.drawEllipse(pt, r, r)

    # -- labels ------------------------------------------------------------------------------------
    def labels(self, tr: QTransform | None = None) -> list[_Placed]:
        """Greedy label placement in viewport pixels, cached per transform and content."""
        tr = tr or self.screen_transform()
        if tr is None:
            return []
        key = (tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.dx(), tr.dy(), self._version)
        if key == self._labels_key:
            return self._labels
        self._labels = self._place_labels(tr) if self.view.has_nodes() else []
        self._labels_key = key
        boxes = [(lab.rect.left(), lab.rect.top(), lab.rect.right(), lab.rect.bottom()) for lab in self._labels]
        self._label_boxes = np.array(boxes, dtype=float).reshape(-1, 4)
        self._label_is_edge = np.array([lab.edge for lab in self._labels], dtype=bool)
        return self._labels

    def label_at(self, pt: QPointF, edge: bool) -> str | None:
        """The first label (of a node, or of an edge) whose box holds the point (labels do not overlap)."""
        b = self._label_boxes
        if not len(b):
            return None
        x, y = pt.x(), pt.y()
        hit = np.flatnonzero((self._label_is_edge == edge) & (b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y)
                             & (y <= b[:, 3]) & (b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1]))
        return self._labels[int(hit[0])].item_id if len(hit) else None

    def _label_height(self, fm: QFontMetricsF) -> float:
        """A label's box: the letters (cap height and descenders) and a little room, not the font's
        whole line height (the bundled CJK font has a tall one)."""
        return math.ceil(fm.capHeight() + fm.descent() + 2.5)

    def _label_texts(self, full: str, bold: bool, in_grid: bool) -> list[tuple[str, float, float]]:
        """A label's candidate texts, whole (up to LABEL_WHOLE_MAX) then shorter (elided), with their widths
        and costs: a name is shortened only where its whole text would collide or leave the plot."""
        key = (full, bold, in_grid)
        texts = self._texts.get(key)
        if texts is None:
            fm = self._fm_bold if bold else self._fm
            texts = []
            steps = (1e6,) if bold else ((LABEL_WHOLE_MAX, LABEL_MAX_WIDTH, 150.0, 130.0, 110.0, 90.0, 70.0)
                                         if in_grid else (LABEL_WHOLE_MAX, LABEL_MAX_WIDTH, 130.0, 95.0))
            for level, max_w in enumerate(steps):
                t = full if bold else fm.elidedText(full, Qt.TextElideMode.ElideRight, max_w)
                if (len(t) >= 5 or t == full) and all(t != s for s, _, _ in texts):
                    # shortening costs more than crossing an edge or two, or moving to another side
                    cost = 0.0 if level == 0 else (4.0 + 2.0 * level if not in_grid else 3.0 + 0.8 * level)
                    texts.append((t, fm.horizontalAdvance(t) + 6, cost))
            self._texts[key] = texts
        return texts

    def _place_labels(self, tr: QTransform) -> list[_Placed]:
        v = self.view
        area = self.screen_area(tr).adjusted(2, 2, -2, -2)
        sc = self.screen(tr)
        lay = sc.lay
        ids = lay.ids
        if not ids:
            return []
        emph = v.emphasis()
        en, ee = emph if emph is not None else (set(), set())
        sel = v.state.selection
        xs, ys = sc.x, sc.y
        half = lay.half + 1.5
        nx0, nx1, ny0, ny1 = xs - half[:, 0], xs + half[:, 0], ys - half[:, 1], ys + half[:, 1]
        index = lay.index
        degree = v.degree
        hubs = set(sorted(ids, key=lambda n: (-degree.get(n, 0), n))[:3]) | (v.hubs & set(ids))

        def rank(n: str):
            if n == sel:
                return (0, 0, n)
            if emph is not None and n in en:
                return (1, -degree.get(n, 0), n)
            return (2 if n in hubs else 3, -degree.get(n, 0), n)

        # the edges as straight screen segments (curves in a few pieces), to keep labels off them
        edges = lay.edges
        m = len(edges)
        weights = np.ones(m)
        if emph is not None:
            weights[[k for k, e in enumerate(edges) if e.id not in ee]] = 0.3
        straight = np.flatnonzero(~lay.curved)
        segs = [np.stack([sc.sx[straight], sc.sy[straight], sc.tx[straight], sc.ty[straight]], axis=1)]
        owners = [straight]
        for k in np.flatnonzero(lay.curved).tolist():
            path = sc.path(k)
            pts = [path.pointAtPercent(t / 6) for t in range(7)]
            segs.append(np.array([(a.x(), a.y(), b.x(), b.y()) for a, b in itertools.pairwise(pts)]))
            owners.append(np.full(6, k))
        seg = np.concatenate(segs).reshape(-1, 4)
        seg_edge = np.concatenate(owners).astype(int)
        seg_w = weights[seg_edge] if len(seg_edge) else np.zeros(0)
        sx0, sx1 = np.minimum(seg[:, 0], seg[:, 2]), np.maximum(seg[:, 0], seg[:, 2])
        sy0, sy1 = np.minimum(seg[:, 1], seg[:, 3]), np.maximum(seg[:, 1], seg[:, 3])
        # the segments in horizontal bands, so that a label looks only at those of its band
        band_h = 32.0
        band_of = {}
        if len(seg):
            lo_band = np.floor(sy0 / band_h).astype(np.int64)
            hi_band = np.floor(sy1 / band_h).astype(np.int64)
            spans = hi_band - lo_band + 1
            rows = np.repeat(np.arange(len(seg)), spans)
            bands = np.repeat(lo_band, spans) + (np.arange(len(rows)) - np.repeat(np.cumsum(spans) - spans, spans))
            order = np.argsort(bands, kind="stable")
            bands, rows = bands[order], rows[order]
            starts = np.flatnonzero(np.concatenate([[True], bands[1:] != bands[:-1]]))
            ends = np.concatenate([starts[1:], [len(bands)]])
            band_of = {int(bands[s]): rows[s:e] for s, e in zip(starts, ends)}
        empty = np.zeros(0, dtype=np.int64)

        def crossings(rect: QRectF) -> float:
            """The edges under a label (dimmed ones count less)."""
            r = rect.adjusted(1, 1, -1, -1)
            b0, b1 = math.floor(r.top() / band_h), math.floor(r.bottom() / band_h)
            cand = band_of.get(b0, empty) if b0 == b1 else \
                np.unique(np.concatenate([band_of.get(b, empty) for b in range(b0, b1 + 1)]))
            if not len(cand):
                return 0.0
            near = cand[(sx0[cand] <= r.right()) & (sx1[cand] >= r.left()) & (sy0[cand] <= r.bottom())
                        & (sy1[cand] >= r.top())]
            if not len(near):
                return 0.0
            hit = near[segments_hit(seg[near], r.left(), r.top(), r.right(), r.bottom())]
            _edges, first = np.unique(seg_edge[hit], return_index=True)
            return float(seg_w[hit][first].sum())

        # where each node's label would like to go (right of it, whole): covering another node's spot costs
        lh = self._label_height(self._fm)
        want_w = np.minimum(lay.label_width + 6, LABEL_WHOLE_MAX)
        wx0, wx1 = xs + half[:, 0] + 1, xs + half[:, 0] + 1 + want_w
        wy0, wy1 = ys - lh / 2, ys + lh / 2
        waiting = np.ones(len(ids), dtype=bool)

        wanted = _BoxBins(wx0, wy0, wx1, wy1)
        waiting_list = [True] * len(ids)

        def blocking(rect: QRectF, own: int) -> int:
            return sum(1 for j in wanted.overlapping(rect.left(), rect.top(), rect.right(), rect.bottom())
                       if j != own and waiting_list[j])

        placed: list[_Placed] = []
        rects = _RectBins()
        node_boxes = _BoxBins(nx0, ny0, nx1, ny1)

        def free(rect: QRectF, own: int | None) -> bool:
            if not area.contains(rect):
                return False
            left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
            if node_boxes.any_overlapping(left, top, right, bottom, own):
                return False
            return not rects.intersects(rect)

        # whether each node's label spots (for its shortest text) lie over another node: the nodes do not move
        # while labels are placed, so this is asked of all of them at once
        on_node = self._spots_on_nodes(lay, xs, ys, half, sel, (nx0, ny0, nx1, ny1))
        blocked = on_node.all(axis=1)

        for n in sorted(ids, key=rank):
            i = index[n]
            bold = n == sel
            if blocked[i] and not bold and n not in hubs:  # every spot over another node: no label
                waiting[i] = False
                waiting_list[i] = False
                continue
            fm = self._fm_bold if bold else self._fm
            full = v.node_label(n)
            x, y = float(xs[i]), float(ys[i])
            hw, hh = float(half[i, 0]), float(half[i, 1])
            h = self._label_height(fm)
            in_grid = n in v.grid_nodes
            # the whole label (elided past LABEL_WHOLE_MAX), then shorter ones; beside the node (right, then
            # left), above or below it. Nodes in the grid of isolated nodes and chains: right only, shortened
            # as far as needed. The cheapest free spot wins: shortening and crossing edges cost.
            texts = self._label_texts(full, bold, in_grid)
            room = area.right() - (x + hw + 1)  # a name running past the plot's right edge: as much as fits
            if not bold and texts[0][1] > room > 60:
                fitted = fm.elidedText(full, Qt.TextElideMode.ElideRight, room - 6)
                fitted_w = fm.horizontalAdvance(fitted) + 6
                if len(fitted) >= 5 and fitted_w > min(w for _t, w, _c in texts) and fitted_w <= room:
                    texts = [*texts, (fitted, fitted_w, 3.5 if in_grid else 5.5)]
            best: tuple[float, str, QRectF] | None = None

            def spots_for(w: float) -> list[tuple[float, QRectF]]:
                spots = [(0.0, QRectF(x + hw + 1, y - h / 2, w, h))]
                if not in_grid:
                    spots += [(1.0, QRectF(x - hw - 1 - w, y - h / 2, w, h)),
                              (1.6, QRectF(x - w / 2, y - hh - 1 - h, w, h)),
                              (1.8, QRectF(x - w / 2, y + hh + 1, w, h))]
                return spots

            # a spot's rectangle for a longer text holds the one for a shorter text: where the shortest is
            # not free, none is (the same answers as trying each, in a third of the tests)
            narrowest = min(w for _t, w, _c in texts)
            open_sides = [not on_node[i, k] and area.contains(rect) and not rects.intersects(rect)
                          for k, (_side, rect) in enumerate(spots_for(narrowest))]
            for text, w, cost in texts:
                for (side, rect), side_open in zip(spots_for(w), open_sides):
                    c = cost + side
                    if best is not None and c >= best[0]:
                        continue
                    if not side_open or not free(rect, i):
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
                    if not area.contains(rect) or rects.intersects(rect):
                        continue
                    cover = (nx0 < rect.right()) & (nx1 > rect.left()) & (ny0 < rect.bottom()) & (ny1 > rect.top())
                    cover[i] = False
                    if cover_best is None or int(cover.sum()) < cover_best[0]:
                        cover_best = (int(cover.sum()), rect)
                if cover_best is not None:
                    best = (0.0, text, cover_best[1])
            waiting[i] = False
            waiting_list[i] = False
            if best is not None:
                placed.append(_Placed(best[2], best[1], n, emph is not None and n not in en, bold))
                rects.add(best[2])

        # edge labels: on emphasised edges when something is selected, else on all; only where the edge
        # is long enough on screen to carry its label and it does not collide
        labelled = [k for k, e in enumerate(edges) if not e.affiliation and (emph is None or e.id in ee)]
        labelled.sort(key=lambda k: (edges[k].id != sel, -(degree.get(edges[k].source, 0)
                                                           + degree.get(edges[k].target, 0)), edges[k].id))
        zoomed = v.zoom_factor() >= 1.4 or emph is not None
        if zoomed:
            fm = self._fm_edge
            radius = lay.radius
            for k in labelled:
                e = edges[k]
                selected = e.id == sel
                length = math.hypot(float(sc.tx[k] - sc.lx[k]), float(sc.ty[k] - sc.ly[k]))
                text = fm.elidedText(e.text, Qt.TextElideMode.ElideRight, 150)
                w, h = fm.horizontalAdvance(text) + 6, fm.height()
                if not selected and length < w + float(radius[lay.src[k]]) + float(radius[lay.tgt[k]]) + 8:
                    continue
                # the middle of the edge, else a little either side of it; the selected edge is labelled
                # in the middle even where that covers something
                path = sc.path(k) if lay.curved[k] else None
                spots = []
                for t in (0.5, 0.38, 0.62, 0.28, 0.72):
                    if path is not None:
                        pt = path.pointAtPercent(t)
                        x, y = pt.x(), pt.y()
                    else:
                        x = float(sc.sx[k] + t * (sc.tx[k] - sc.sx[k]))
                        y = float(sc.sy[k] + t * (sc.ty[k] - sc.sy[k]))
                    spots.append(QRectF(x - w / 2, y - h / 2, w, h))
                rect = next((r for r in spots if free(r, None)), None)
                if rect is None and selected and area.contains(spots[0]):
                    rect = spots[0]
                if rect is not None:
                    placed.append(_Placed(rect, text, e.id, False, selected, edge=True))
                    rects.add(rect)
        return placed

    def _spots_on_nodes(self, lay: _Layout, xs, ys, half, sel, boxes) -> np.ndarray:
        """(n, 4) booleans: does the spot right of, left of, above, below node i, for its shortest label
        text, overlap another node's box (as ``free`` tests it)? Nodes in the layout's columns have only the
        right spot (the others count as covered). For every node at once: the pairs to test are the boxes
        whose tops fall within reach of each spot, found among the boxes sorted by top."""
        nx0, ny0, nx1, ny1 = boxes
        n = len(lay.ids)
        w = self.narrowest_widths(lay).copy()
        h = np.full(n, float(self._label_height(self._fm)))
        i_sel = lay.index.get(sel) if sel is not None else None
        if i_sel is not None:
            w[i_sel] = min(tw for _t, tw, _c in self._label_texts(self.view.node_label(sel), True,
                                                                   sel in self.view.grid_nodes))
            h[i_sel] = self._label_height(self._fm_bold)
        hw, hh = half[:, 0], half[:, 1]
        left = np.stack([xs + hw + 1, xs - hw - 1 - w, xs - w / 2, xs - w / 2], axis=1)
        top = np.stack([ys - h / 2, ys - h / 2, ys - hh - 1 - h, ys + hh + 1], axis=1)
        right, bottom = left + w[:, None], top + h[:, None]
        lo_x, lo_y, hi_x, hi_y = left.ravel(), top.ravel(), right.ravel(), bottom.ravel()
        owner = np.repeat(np.arange(n), 4)
        order = np.argsort(ny0, kind="stable")
        tops = ny0[order]
        reach = float((ny1 - ny0).max()) if n else 0.0
        a = np.searchsorted(tops, lo_y - reach, side="left")  # ny1 > top needs ny0 > top - reach
        b = np.searchsorted(tops, hi_y, side="left")  # ny0 < bottom
        counts = np.maximum(b - a, 0)
        rect_of = np.repeat(np.arange(4 * n), counts)
        cand = order[np.repeat(a, counts) + (np.arange(len(rect_of)) - np.repeat(np.cumsum(counts) - counts,
                                                                                   counts))]
        hit = ((nx0[cand] < hi_x[rect_of]) & (nx1[cand] > lo_x[rect_of]) & (ny0[cand] < hi_y[rect_of])
               & (ny1[cand] > lo_y[rect_of]) & (cand != owner[rect_of]))
        out = (np.bincount(rect_of[hit], minlength=4 * n) > 0).reshape(n, 4)
        grid = np.fromiter((node in self.view.grid_nodes for node in lay.ids), dtype=bool, count=n)
        out[grid, 1:] = True
        return out

    def narrowest_widths(self, lay: _Layout) -> np.ndarray:
        """The width of each node's shortest (regular) label text, once per layout."""
        if getattr(lay, "_narrowest", None) is None:
            view = self.view
            lay._narrowest = np.array([min(tw for _t, tw, _c in self._label_texts(view.node_label(node), False,
                                                                                  node in view.grid_nodes))
                                       for node in lay.ids], dtype=float)
        return lay._narrowest

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
            shift = (ev.modifiers() | self.press_modifiers) & Qt.KeyboardModifier.ShiftModifier
            if self.view.link_mode() or shift:  # a link from this node to the one the drag ends on
                self._link, self._link_target = (hit, ev.pos()), None
            else:
                x, y = self.view.position(hit)
                self._drag = (hit, QPointF(x, y) - ev.buttonDownPos())
                self._drag_from = (x, y)
        if self._link is not None:
            ev.accept()
            self._link_drag(ev)
            return
        if self._drag is None:
            ev.ignore()
            return
        ev.accept()
        nid, offset = self._drag
        target = ev.pos() + offset
        self.view.move_node(nid, target.x(), target.y())
        if ev.isFinish():
            self._drag = None
            self._drag_frame = None
            self._version += 1  # the node was drawn over the frame: the picture is drawn afresh
            self.view.record_move(nid, self._drag_from)
            self.sigNodeMoved.emit(nid)
            self.update()

    def _link_drag(self, ev) -> None:
        src = self._link[0]
        pt = self._to_screen(ev.pos())
        target = self.view.hit_test(pt, nodes_only=True) if pt is not None else None
        self._link_target = target if target != src else None
        self._link = (src, ev.pos())
        if ev.isFinish():
            target = self._link_target
            self._link, self._link_target = None, None
            if target is not None:
                self.view.request_link(src, target)
        self.update()

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            hit = None
        elif ev.buttons() != Qt.MouseButton.NoButton:
            return  # mid-drag (a pan, a node being moved): what is under the pointer does not change
        else:
            pt = self._to_screen(ev.pos())
            hit = self.view.hit_test(pt) if pt is not None else None
        if hit != self._hover:
            self._hover = hit
            self.setToolTip(self.view.tooltip(hit) if hit else "")
            if hit and self.view.link_mode() and hit in self.view.layout_data().index:
                self.setCursor(Qt.CursorShape.CrossCursor)
            elif hit:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()
            self.update()


class _RectBins:
    """Rectangles in 64-pixel bins: does a new one intersect any of them (exactly as QRectF.intersects)?"""

    CELL = 64.0

    def __init__(self):
        self._bins: dict[tuple[int, int], list[QRectF]] = {}

    def add(self, r: QRectF) -> None:
        c = self.CELL
        for ix in range(math.floor(r.left() / c), math.floor(r.right() / c) + 1):
            for iy in range(math.floor(r.top() / c), math.floor(r.bottom() / c) + 1):
                self._bins.setdefault((ix, iy), []).append(r)

    def intersects(self, r: QRectF) -> bool:
        bins = self._bins
        if not bins:
            return False
        c = self.CELL
        x0, x1 = math.floor(r.left() / c), math.floor(r.right() / c)
        y0, y1 = math.floor(r.top() / c), math.floor(r.bottom() / c)
        for ix in range(x0, x1 + 1):
            for iy in range(y0, y1 + 1):
                for q in bins.get((ix, iy), ()):
                    if r.intersects(q):
                        return True
        return False


class _BoxBins:
    """Boxes (left, top, right, bottom arrays) in 32-pixel bins, for the boxes overlapping a rectangle
    (strictly, as the label placement's tests are): candidates from the bins, each tested exactly."""

    CELL = 32.0

    def __init__(self, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray):
        self.x0, self.y0, self.x1, self.y1 = x0.tolist(), y0.tolist(), x1.tolist(), y1.tolist()
        c = self.CELL
        bins: dict[tuple[int, int], list[int]] = {}
        for j, (a, b, d, e) in enumerate(zip(self.x0, self.y0, self.x1, self.y1)):
            if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(d) and math.isfinite(e)):
                continue
            for ix in range(math.floor(a / c), math.floor(d / c) + 1):
                for iy in range(math.floor(b / c), math.floor(e / c) + 1):
                    bins.setdefault((ix, iy), []).append(j)
        self.bins = bins

    def _candidates(self, left: float, top: float, right: float, bottom: float):
        c = self.CELL
        bins = self.bins
        seen: set[int] = set()
        for ix in range(math.floor(left / c), math.floor(right / c) + 1):
            for iy in range(math.floor(top / c), math.floor(bottom / c) + 1):
                for j in bins.get((ix, iy), ()):
                    if j not in seen:
                        seen.add(j)
                        yield j

    def overlapping(self, left: float, top: float, right: float, bottom: float):
        x0, y0, x1, y1 = self.x0, self.y0, self.x1, self.y1
        for j in self._candidates(left, top, right, bottom):
            if x0[j] < right and x1[j] > left and y0[j] < bottom and y1[j] > top:
                yield j

    def any_overlapping(self, left: float, top: float, right: float, bottom: float, own: int | None) -> bool:
        x0, y0, x1, y1 = self.x0, self.y0, self.x1, self.y1
        c = self.CELL
        bins = self.bins
        for ix in range(math.floor(left / c), math.floor(right / c) + 1):
            for iy in range(math.floor(top / c), math.floor(bottom / c) + 1):
                for j in bins.get((ix, iy), ()):
                    if j != own and x0[j] < right and x1[j] > left and y0[j] < bottom and y1[j] > top:
                        return True
        return False


def _close(a, b) -> bool:
    """Two transforms' linear parts equal but for rounding."""
    return all(abs(x - y) <= 1e-9 * max(abs(x), abs(y)) for x, y in zip(a, b))


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


def _year_text(seconds: float, span: float, start: float | None = None) -> str:
    """'2019', 'Mar 2019', '500 BCE'; the end of a range that ``start``s before 1 CE says 'CE' ('41 CE')."""
    from ...core.model import daycount  # any year: '500 BCE', 'Mar 44 BCE', '2019'

    y, m, _d = daycount.from_seconds(seconds)
    year = daycount.year_text(y, era=start is not None and daycount.year_of(start) < 0)
    return year if span > 3 * 365 * 86400 else f"{daycount.MONTH_ABBR[m - 1]} {year}"


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
        self._layout_version = 0  # bumped whenever nodes move, appear or hide
        self._layout: _Layout | None = None
        self._edge_index: dict[str, int] = {}
        self._fit_cache: tuple[tuple, QRectF] | None = None

        self._build_ui()
        # behind the Documents tab, a selection's emphasis is worked out once the graph is shown
        self._when_shown = WhenShown(self, self._show_selection)
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
        self.link_button = QToolButton()
        self.link_button.setText("Link")
        self.link_button.setCheckable(True)
        self.link_button.setToolTip("Link mode: drag from one node to another to propose a relationship "
                                    "between them (or hold Shift while dragging). Click again to leave it.")
        self.link_button.toggled.connect(self._on_link_mode)
        hl.addWidget(self.link_button)
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
        self.canvas.viewport().installEventFilter(self)
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
        self.empty = EmptyState(self.canvas)
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
            self._layout_changed()
            return
        self._auto_fit = True
        self._refresh()
        self.fit()

    def _on_selection_changed(self, item_id) -> None:
        if self._closed:
            return
        self._when_shown.request()

    def _show_selection(self) -> None:
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
        self._layout_changed()

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
            # the actors and voices of the linked events, read from the event table's columns (a theme
            # links 12,000 events at 100k: building each one's item took 35 ms of every such selection)
            table = st.corpus.event_table
            named: set[str] = set()
            for i in linked:
                if i in table:
                    named.update(table.ref(i, "actors"))
                    named.update(table.ref(i, "experts"))
            nodes |= named & self._node_set
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
                                f"{_year_text(t1 - 1, span, start=t0)})")

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
        if self.link_mode():
            parts.insert(0, "Link mode: drag from one node to another to propose a relationship")
        self.status_label.setText(" · ".join(parts))
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        """What is missing, and what fills it: no corpus, no actors or voices, all of them filtered out, or
        no relationship (a strip across the top: the nodes stay in view)."""
        for button in (self.link_button, self.fit_button, self.reset_button):
            button.setEnabled(bool(self._visible_nodes))
        if self.state.corpus is None:
            self.empty.show_message("No corpus is open", "Open a corpus folder to see its actors, voices and "
                                    "their relationships here.\n" + CORPUS_FORMAT_HINT)
        elif not self._nodes:
            self.empty.show_message(
                "No actors or voices yet",
                "Select text in a document and choose New Actor from Selection or New Voice from Selection: "
                "each becomes a node here, and New Relationship from Selection links two of them.\n"
                + CORPUS_FORMAT_HINT)
        elif not self._visible_nodes:
            self.empty.show_message("Every actor and voice is hidden by the filters",
                                    "Clear the filters to see them again.")
        elif not any(not e.affiliation for e in self._edges):
            self.empty.show_message(
                "No relationships yet",
                "Hold Shift and drag from one node to another (or turn on Link) to propose one, or select "
                "text in a document and choose New Relationship from Selection.", banner=True)
        else:
            self.empty.clear()

    # -- view -> state -------------------------------------------------------------------------------
    def link_mode(self) -> bool:
        """Whether a drag from a node proposes a relationship (the toolbar's Link) rather than moving it."""
        return self.link_button.isChecked()

    def _on_link_mode(self, on: bool) -> None:
        self._update_status()

    def request_link(self, source: str, target: str) -> None:
        """A link drag ended on another node: ask for the form of a new relationship between the two (the
        graph creates nothing itself)."""
        self.state.request_item_form("relationship", source=source, target=target)

    def _on_item_clicked(self, item_id: str) -> None:
        item_id = item_id.removeprefix(AFFILIATION_PREFIX)
        self.state.select(item_id)

    def _on_range_changed_manually(self, *args) -> None:
        self._auto_fit = False

    def _on_range_changed(self, *args) -> None:
        self.item.view_changed()

    def eventFilter(self, obj, ev) -> bool:
        # refit when the canvas changes size (the dock, the window, or an export resizing the body)
        if obj is self.canvas and ev.type() == QEvent.Type.Resize and self._auto_fit and not self._closed:
            size = (float(ev.size().width()), float(ev.size().height()))
            self._relayout_for_size(size)
            self.fit(keep_auto=True, size=size)
        elif not self._closed and obj is self.canvas.viewport():
            if ev.type() == QEvent.Type.Wheel:
                self.item.wheel_zoom()  # until the wheel rests, frames are scaled, not drawn afresh
            elif ev.type() == QEvent.Type.MouseButtonPress:
                self.item.press_modifiers = ev.modifiers()  # a Shift-drag from a node proposes a link
            elif ev.type() == QEvent.Type.MouseButtonRelease:
                self.item.update()  # a pan drawn from a kept frame ends: draw the picture afresh
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

    def _layout_changed(self) -> None:
        """Nodes moved, appeared or hid: the arrays and the spatial index are built again when next asked."""
        self._layout_version += 1
        self.item.geometry_changed()

    def layout_data(self) -> _Layout:
        """The visible graph as arrays, with its spatial index (built once per layout version)."""
        lay = self._layout
        if lay is None or lay.version != self._layout_version:
            lay = self._layout = _Layout(self, self._layout_version)
            self._edge_index = {e.id: k for k, e in enumerate(lay.edges)}
        return lay

    def edge_index(self, edge_id: str) -> int | None:
        self.layout_data()
        return self._edge_index.get(edge_id)

    def label_width(self, node_id: str) -> float:
        """The width of a node's whole label text, in pixels (measured once per corpus)."""
        widths = self._label_widths
        if widths is None:
            fm = self.item._fm
            widths = self._label_widths = {n: fm.horizontalAdvance(self.node_label(n)) for n in self._nodes}
        width = widths.get(node_id)
        return width if width is not None else self.item._fm.horizontalAdvance(self.node_label(node_id))

    def edge_shape(self, tr: QTransform, k: int) -> tuple[QPointF, QPointF, QPointF | None]:
        """Edge k of the layout data on screen: source, target and the control point of a curve (None for
        a straight line), from the four node positions it depends on."""
        lay = self.layout_data()

        def at(i) -> QPointF:
            return tr.map(QPointF(float(lay.pos[i, 0]), float(lay.pos[i, 1])))

        s, t = at(lay.src[k]), at(lay.tgt[k])
        if not lay.curved[k]:
            return s, t, None
        a, b = at(lay.a[k]), at(lay.b[k])
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = math.hypot(dx, dy) or 1.0
        off = float(lay.off[k])
        ctrl = QPointF((a.x() + b.x()) / 2 + (-dy / length) * off * 2, (a.y() + b.y()) / 2 + (dx / length) * off * 2)
        return s, t, ctrl

    def visible_edges(self) -> list[GraphEdge]:
        return list(self._visible_edges)

    def emphasis(self) -> tuple[set[str], set[str]] | None:
        return self._emphasis

    def screen_positions(self, tr: QTransform) -> dict[str, QPointF]:
        return {n: tr.map(QPointF(*self._pos[n])) for n in self._visible_nodes}

    def edge_geometry(self, scr: dict[str, QPointF]) -> dict[str, tuple[QPainterPath, QPointF,
                                                                         tuple[QPointF, QPointF]]]:
        """Screen path, midpoint and last segment (for the arrowhead) of every visible edge, for these node
        positions. Several edges between the same two nodes are drawn as curves fanned out from the straight
        line (the view itself keeps these as arrays: ``_Screen``)."""
        lay = self.layout_data()
        x = np.array([scr[n].x() for n in lay.ids], dtype=float)
        y = np.array([scr[n].y() for n in lay.ids], dtype=float)
        sc = _Screen.of_points(lay, x, y)
        return {e.id: (sc.path(k), sc.mid(k), sc.last(k)) for k, e in enumerate(lay.edges)}

    def _canvas_size(self) -> tuple[float, float]:
        size = self.canvas.size()
        return float(size.width()), float(size.height())

    def _label_room(self, ids) -> np.ndarray:
        """Pixels right of each node's centre the fit keeps for its label: the whole label for the nodes in
        the layout's columns (labelled on the right only), some for the others (their labels can go left)."""
        if self._nodes:
            self.label_width(self._nodes[0])  # measures every label, once per corpus
        widths = self._label_widths or {}
        return np.array([self.node_radius(n) + 6 + min(widths.get(n, 0.0) + 6,
                                                      LABEL_WHOLE_MAX if n in self.grid_nodes else 60.0)
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
        size = size or self._canvas_size()
        key = (self._layout_version, tuple(size), len(self._visible_nodes), len(self._nodes))
        if self._fit_cache is None or self._fit_cache[0] != key:  # label placement asks on every new view
            self._fit_cache = (key, self._fit_scale(self._pos, self._visible_nodes or self._nodes, size)[1])
        return QRectF(self._fit_cache[1])

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
        """The node (or edge) under a viewport point: nodes (and their labels) first, then edges. Only the
        candidates the spatial index (in layout units) finds near the point are measured, so the cost does
        not grow with the graph."""
        tr = self.item.screen_transform()
        if pt is None or tr is None or not self._visible_nodes:
            return None
        inv, ok = tr.inverted()
        if not ok:
            return None
        lay = self.layout_data()
        scale = min(abs(tr.m11()), abs(tr.m22())) or 1e-12  # pixels per layout unit (the aspect is locked)
        q = inv.map(pt)
        px, py = pt.x(), pt.y()
        best, best_d = None, math.inf
        reach = (float(lay.radius.max()) + HIT_NODE_PX + 1.0) / scale
        for i in lay.grid.points_near(q.x(), q.y(), reach).tolist():
            s = tr.map(QPointF(float(lay.pos[i, 0]), float(lay.pos[i, 1])))
            d = math.hypot(s.x() - px, s.y() - py)
            if d <= lay.radius[i] + HIT_NODE_PX and d < best_d:
                best, best_d = lay.ids[i], d
        if best is not None:
            return best
        self.item.labels(tr)
        hit = self.item.label_at(pt, edge=False)
        if hit is not None or nodes_only:
            return hit
        hit = self.item.label_at(pt, edge=True)
        if hit is not None:
            return hit
        reach = (HIT_EDGE_PX + lay.max_off + 1.0) / scale  # a curve bulges at most max_off pixels
        for k in lay.grid.segments_near(q.x(), q.y(), reach).tolist():
            s, t, ctrl = self.edge_shape(tr, k)
            if ctrl is None:
                pts = [s, t]
            else:
                path = QPainterPath(s)
                path.quadTo(ctrl, t)
                pts = [path.pointAtPercent(j / 12) for j in range(13)]
            for u, w in itertools.pairwise(pts):
                d = segment_distance(px, py, u.x(), u.y(), w.x(), w.y())
                if d <= HIT_EDGE_PX and d < best_d:
                    best, best_d = lay.edges[k].id, d
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
        text = f"<b>{esc(src)}</b> — <i>{esc(e.text)}</i> → <b>{esc(tgt)}</b>"
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
        self._layout_changed()

    def _manual(self) -> dict[str, tuple[float, float]]:
        """Nodes placed by hand: the workspace keeps them (with undo), so every view of it agrees."""
        return self.state.workspace.node_positions

    def move_node(self, node_id: str, x: float, y: float) -> None:
        """Show a node at (x, y) while it is dragged; ``record_move`` makes the move an edit."""
        self._pos[node_id] = (float(x), float(y))
        lay = self._layout
        if self.item.dragging() == node_id and lay is not None and lay.version == self._layout_version:
            lay.move(node_id, float(x), float(y))  # mid-drag: the rest of the picture stays as it is
            self.item.dragged_node_moved()
        else:
            self._layout_changed()

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
        self._layout_changed()

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
        self._layout_changed()
        self.fit()

    def fit(self, keep_auto: bool = False, size: tuple[float, float] | None = None) -> None:
        """Zoom to show every visible node with room for the labels beside them."""
        if self._closed:
            return
        if not keep_auto:
            self._auto_fit = True
        self.vb.setRange(self._fit_rect(size), padding=0)
        self._layout_changed()

    def fit_selection(self) -> bool:
        """Zoom to the selection's neighbourhood (the emphasised nodes); False when nothing is emphasised."""
        self._when_shown.flush()
        if self._closed or self._emphasis is None:
            return False
        ids = [n for n in self._visible_nodes if n in set(self._emphasis[0])]
        if not ids:
            return False
        self._auto_fit = False
        self.vb.setRange(self._fit_scale(self._pos, ids, self._canvas_size())[1], padding=0.08)
        self._layout_changed()
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
        self._when_shown.flush()
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
            label = item.label
            if item.item_kind == "relationship" and self.state.index is not None:
                label = relationship_caption(self.state.index, item.id)
            parts.append(f"selected: {label}")
        if self.time_check.isChecked():
            t0, t1 = self.state.time_window
            parts.append(f"relationships active {_year_text(t0, t1 - t0)} – {_year_text(t1 - 1, t1 - t0, start=t0)}")
        if self.state.filters.active:
            parts.append("filtered")
        return " — ".join(parts)

    def closeEvent(self, ev) -> None:
        if not self._closed:
            self._closed = True
            self.item._warm.stop()
            self.item._settle.stop()
            self.canvas.close()
        super().closeEvent(ev)


def _paint_edge(p: QPainter, pen: QPen, shape, radius: float | None) -> None:
    """One edge drawn on its own (over a kept frame): its line or curve, and its arrowhead outside a target
    node of ``radius`` (None: an affiliation, which has no arrowhead)."""
    s, t, ctrl = shape
    path = QPainterPath(s)
    if ctrl is None:
        path.lineTo(t)
    else:
        path.quadTo(ctrl, t)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    if radius is not None:
        head = _arrowhead((ctrl if ctrl is not None else s, t), radius)
        if head is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pen.color())
            p.drawPolygon(head)


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
