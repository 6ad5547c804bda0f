"""The Qt pieces of the timeline view: the one events item, the lane bands and column, the date axis, the
overview density and the legend.

The layout itself — lanes and sub-rows (``TimelineData``), per-frame culling, density and label placement
(``EventsLayout``), the calendar grid and the tick texts — is Qt-free, in ``explorer.core.layout.timeline``;
these items measure text with ``QFontMetricsF``, turn colour strings into ``QColor`` and paint.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QImage,
    QPainter,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...core.layout.text import wrap_lines
from ...core.layout.timeline import (
    APPROX,
    BIN_PX,
    DAY,
    GRID_DECADE,
    GRID_MINOR,
    GRID_YEAR,
    EventsLayout,
    FrameLayout,
    Label,
    Lane,
    TextMetrics,
    TimelineData,
    density_alpha,
    grid_lines,
    histogram_bars,
    overview_counts,
)
from . import style
from .date_axis import TimelineDateAxis  # noqa: F401  (the axis lives in date_axis.py; imported from here)

BAND_COLOR = QColor("#f4f6f9")
SEPARATOR_COLOR = QColor("#e1e5eb")
YEAR_LINE = QColor("#dfe3e8")
DECADE_LINE = QColor("#c9cfd7")
MONTH_LINE = QColor("#eef0f3")
GRID_PENS = {GRID_MINOR: MONTH_LINE, GRID_YEAR: YEAR_LINE, GRID_DECADE: DECADE_LINE}
#: measured text widths kept per font (titles, and the elided forms drawn recently)
WIDTH_CACHE = 100_000


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` blended towards ``b`` by ``t`` (0 = a, 1 = b)."""
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t), round(a.alpha() + (b.alpha() - a.alpha()) * t))


def with_alpha(c: QColor, alpha: float) -> QColor:
    out = QColor(c)
    out.setAlphaF(max(0.0, min(1.0, alpha)))
    return out


def luminance(c: QColor) -> float:
    return (0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()) / 255.0


def label_rect(lab: Label) -> QRectF:
    """A label's box, in local pixels."""
    return QRectF(lab.x, lab.y, lab.width, lab.height)


def timeline_data(index=None, mode: str = "theme", full_span: float | None = None) -> TimelineData:
    """``TimelineData`` coloured with the view palette (theme fallbacks, kind colours for actor lanes)."""
    return TimelineData(index, mode, full_span=full_span, theme_colors=style.FALLBACK_THEME_COLORS,
                        kind_colors=style.KIND_COLORS)


# =========================================================================================================
# the events
# =========================================================================================================
class EventsItem(pg.GraphicsObject):
    """All events of the timeline in one item: density bands where events are too many per pixel, marks and
    labels elsewhere. Painted in device pixels in one pass; hit-testing uses the same layout (both from
    ``EventsLayout``)."""

    def __init__(self, view=None):
        super().__init__()
        self._view = view  # the TimelineView, for callbacks (select, zoom, tooltip)
        self.hovered = -1  # instance index
        self.x_limits = (0.0, 1.0)
        self.y_extent = 1.0
        self.font = style.ui_font(9)
        self.bold_font = style.ui_font(9, bold=True)
        self.badge_font = style.ui_font(7, bold=True)
        self.small_font = style.ui_font(7.5)
        self.fm_badge = QFontMetricsF(self.badge_font)
        self.fm_small = QFontMetricsF(self.small_font)
        self.ghost: tuple[float, float, str] | None = None
        self.fm = QFontMetricsF(self.font)
        self.fm_bold = QFontMetricsF(self.bold_font)
        self._widths: dict[str, float] = {}
        self._widths_bold: dict[str, float] = {}
        self.model = EventsLayout(TextMetrics(
            width=self.text_width, height=self.fm.height(), bold_width=lambda t: self.text_width(t, True),
            elide=lambda t, w: self.fm.elidedText(t, Qt.TextElideMode.ElideRight, w),
            bold_elide=lambda t, w: self.fm_bold.elidedText(t, Qt.TextElideMode.ElideRight, w)))
        self._colors: list[QColor] = []  # the data's colours as QColor
        self._density_imgs: tuple = (None, {})  # (frame layout, {(lane, kind, ...): QImage})
        self._pens: dict = {}
        self._brushes: dict = {}
        self.setAcceptHoverEvents(True)
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption, False)

    # -- what the model knows ----------------------------------------------------------------------------
    @property
    def data(self) -> TimelineData:
        return self.model.data

    @property
    def ev_visible(self) -> np.ndarray:
        return self.model.ev_visible

    @property
    def ev_state(self) -> np.ndarray:
        """Per event: 0 normal, 1 emphasised, 2 dimmed."""
        return self.model.ev_state

    @property
    def selected(self) -> int:
        """The selected event's index, or -1."""
        return self.model.selected

    @property
    def emphasis_active(self) -> bool:
        return self.model.emphasis_active

    # -- inputs ------------------------------------------------------------------------------------------
    def set_data(self, data: TimelineData, visible: np.ndarray, x_limits: tuple[float, float],
                 y_extent: float) -> None:
        self.prepareGeometryChange()
        self.x_limits = x_limits
        self.y_extent = y_extent
        self.hovered = -1
        colors = [QColor(c) for c in data.colors]
        if [c.rgba() for c in colors] != [c.rgba() for c in self._colors]:
            self._brushes = {}  # the cached mark styles are keyed by colour index
        self._colors = colors
        self.model.set_data(data, visible)
        self.update()

    def set_extent(self, x_limits: tuple[float, float], y_extent: float) -> None:
        if (x_limits, y_extent) != (self.x_limits, self.y_extent):
            self.prepareGeometryChange()
            self.x_limits = x_limits
            self.y_extent = y_extent
            self._invalidate()

    def set_visible(self, visible: np.ndarray) -> None:
        """Which events the filters let show (one bool per event)."""
        self.model.set_visible(visible)
        self.update()

    def set_emphasis(self, ev_state: np.ndarray, selected: int, active: bool,
                     neighbours: np.ndarray | None = None) -> None:
        self.model.set_emphasis(ev_state, selected, active, neighbours)
        self.update()

    def set_ghost(self, span) -> None:
        """(start seconds, end seconds, label) of a ghost mark, or None."""
        self.ghost = None if span is None else (float(span[0]), float(span[1]), str(span[2] if len(span) > 2 else ""))
        self.update()

    def set_hovered(self, inst: int) -> None:
        if inst != self.hovered:
            self.hovered = inst
            self.update()

    def _invalidate(self) -> None:
        self.model.invalidate()
        self.update()

    # -- QGraphicsItem -----------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        # everything is drawn inside the lanes, between the pan limits (the view cannot go further)
        x0, x1 = self.x_limits
        return QRectF(x0, 0.0, x1 - x0, self.y_extent)

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        if ax == 0:
            return list(self.x_limits)
        return [0.0, self.y_extent]

    # -- layout ------------------------------------------------------------------------------------------
    def text_width(self, text: str, bold: bool = False) -> float:
        cache = self._widths_bold if bold else self._widths
        w = cache.get(text)
        if w is None:
            if len(cache) >= WIDTH_CACHE:
                cache.clear()
            w = cache[text] = (self.fm_bold if bold else self.fm).horizontalAdvance(text)
        return w

    def view_geometry(self):
        """(t0, t1, ytop, sx, sy, width, height) of the linked view in its own pixels, or None."""
        vb = self.getViewBox()
        if vb is None:
            return None
        (t0, t1), (y0, y1) = vb.viewRange()
        w, h = vb.width(), vb.height()
        if w <= 0 or h <= 0 or t1 <= t0 or y1 <= y0:
            return None
        return t0, t1, y0, w / (t1 - t0), h / (y1 - y0), w, h

    def current_layout(self) -> FrameLayout | None:
        g = self.view_geometry()
        return None if g is None else self.layout(*g)

    def layout(self, t0, t1, ytop, sx, sy, width, height) -> FrameLayout:
        return self.model.layout(t0, t1, ytop, sx, sy, width, height)

    # -- hit testing -------------------------------------------------------------------------------------
    def hit(self, local: QPointF) -> int:
        """Instance under a point in local pixels (relative to the view's top-left), or -1."""
        return self.model.hit(self.current_layout(), local.x(), local.y())

    def local_from_item(self, pos: QPointF) -> QPointF | None:
        g = self.view_geometry()
        if g is None:
            return None
        t0, _t1, ytop, sx, sy, _w, _h = g
        return QPointF((pos.x() - t0) * sx, (pos.y() - ytop) * sy)

    def cluster_at(self, local: QPointF):
        """The cluster whose count is under a point in local pixels, or None."""
        lay = self.current_layout()
        if lay is None:
            return None
        for c in lay.clusters:
            if cluster_rect(c, lay.width, self.fm_badge).adjusted(-2, -2, 2, 2).contains(local):
                return c
        return None

    def density_at(self, local: QPointF):
        """(lane, count, bin start, bin end) of the density bin under a point in local pixels, or None."""
        lay = self.current_layout()
        if lay is None or not lay.density or lay.sy <= 0:
            return None
        row = lay.ytop + local.y() / lay.sy
        b = int(local.x() // BIN_PX)
        for k, counts, _emph in lay.density:
            lane = self.data.lanes[k]
            if lane.top <= row < lane.top + lane.height and 0 <= b < len(counts) and counts[b] > 0:
                return lane, int(counts[b]), float(lay.bin_edges[b]), float(lay.bin_edges[b + 1])
        return None

    def mouseClickEvent(self, ev):
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        local = self.local_from_item(ev.pos())
        if local is None:
            ev.ignore()
            return
        cluster = self.cluster_at(local)
        if cluster is not None:
            ev.accept()
            if self._view is not None:
                self._view._on_cluster_clicked(cluster.t0, cluster.t1)
            return
        inst = self.hit(local)
        if inst < 0:
            dens = self.density_at(local)
            if dens is not None and not ev.double():
                ev.accept()
                if self._view is not None:  # a density band: zoom in around it, towards marks
                    self._view.zoom(0.25, center=(dens[2] + dens[3]) / 2)
                return
            if ev.double() and self._view is not None:
                ev.accept()  # empty space: a new event here (the window opens the form)
                self._view._on_empty_double_click(ev.pos().x(), ev.pos().y())
                return
            ev.ignore()  # empty space: nothing (Esc is the window's job)
            return
        ev.accept()
        if self._view is not None:
            self._view._on_event_clicked(int(self.data.inst_ev[inst]), bool(ev.double()))

    def hoverEvent(self, ev):
        if ev.isExit():
            self.set_hovered(-1)
            self.setToolTip("")
            self.unsetCursor()
            return
        local = self.local_from_item(ev.pos())
        if local is None:
            return
        ev.acceptClicks(Qt.MouseButton.LeftButton)  # empty space takes double clicks (a new event there)
        cluster = self.cluster_at(local)
        if cluster is not None:
            self.set_hovered(-1)
            if self._view is not None:
                self.setToolTip(self._view.cluster_tooltip(cluster))
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            return
        inst = self.hit(local)
        self.set_hovered(inst)
        if inst >= 0:
            if self._view is not None:
                self.setToolTip(self._view.tooltip_text(self.data.ids[int(self.data.inst_ev[inst])]))
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            return
        dens = self.density_at(local)
        if dens is not None and self._view is not None:
            self.setToolTip(self._view.density_tooltip(*dens))
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            return
        self.setToolTip("")
        self.unsetCursor()

    # -- painting ----------------------------------------------------------------------------------------
    def _pen(self, color: QColor, width: float, dash: bool = False) -> QPen:
        key = (color.rgba(), width, dash)
        pen = self._pens.get(key)
        if pen is None:
            pen = QPen(color, width)
            pen.setCosmetic(True)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            if dash:
                pen.setDashPattern([3.0, 2.0])
            self._pens[key] = pen
        return pen

    def _brush(self, color: QColor, pattern=Qt.BrushStyle.SolidPattern) -> QBrush:
        key = (color.rgba(), pattern)
        b = self._brushes.get(key)
        if b is None:
            b = self._brushes[key] = QBrush(color, pattern)
        return b

    def _style(self, color: int, kind: int, inferred: bool, conflict: bool, dimmed: bool, secondary: bool = False):
        """(pen, brush, hatch brush or None) of a mark, cached. A secondary mark (the event in a lane of one
        of its other themes) is hollow: a pale fill inside its own theme's colour."""
        key = ("style", color, kind, inferred, conflict, dimmed, secondary)
        cached = self._brushes.get(key)
        if cached is not None:
            return cached
        white = QColor("#ffffff")
        base = QColor(self._colors[color])
        alpha = 0.22 if dimmed else 1.0
        if inferred:
            base = mix(base, QColor(style.INFERRED_COLOR), 0.55)
        if kind == DAY:
            fill = mix(base, white, 0.55) if inferred else base
            outline = QColor(style.INFERRED_COLOR).darker(120) if inferred else base.darker(150)
        elif kind == APPROX:
            fill = with_alpha(base, 0.28)
            outline = with_alpha(base.darker(115), 0.9)
        else:
            fill = base if not inferred else mix(base, white, 0.35)
            outline = base.darker(135)
        if secondary:
            fill = mix(base, white, 0.82)
            outline = base.darker(115)
        fill = with_alpha(fill, fill.alphaF() * alpha)
        outline = with_alpha(outline, outline.alphaF() * alpha)
        pen = self._pen(outline, 1.5 if secondary else 1.0, dash=inferred)
        if conflict:
            pen = self._pen(with_alpha(QColor(style.CONFLICT_COLOR), alpha), 1.6, dash=inferred)
        hatch = None
        if inferred and kind != DAY:
            hatch = QBrush(with_alpha(QColor(style.INFERRED_COLOR), 0.55 * alpha), Qt.BrushStyle.BDiagPattern)
        out = (pen, QBrush(fill), hatch)
        self._brushes[key] = out
        return out

    def paint(self, p: QPainter, opt, widget):
        vb = self.getViewBox()
        if vb is None or (len(self.data) == 0 and self.ghost is None):
            return
        tr = p.transform()
        sx, sy = tr.m11(), tr.m22()
        if sx <= 0 or sy <= 0:
            return
        vr = self.viewRect()
        if vr is None or vr.width() <= 0:
            return
        t0, t1, ytop = vr.left(), vr.right(), vr.top()
        width, height = vr.width() * sx, vr.height() * sy
        lay = self.layout(t0, t1, ytop, sx, sy, width, height)
        origin = tr.map(QPointF(t0, ytop))
        p.save()
        p.resetTransform()
        p.translate(origin)
        self.draw(p, lay)
        if self.ghost is not None:
            self._draw_ghost(p, lay)
        p.restore()

    def draw(self, p: QPainter, lay: FrameLayout) -> None:
        d = self.data
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        dim_factor = 0.35 if self.emphasis_active else 1.0

        # density: per lane, a histogram of the events in each bin (bar height to the lane's fullest bin,
        # opacity log-scaled to the frame's), with its scale at the lane's top left
        if lay.density:
            cmax = max(float(c.max()) for _, c, _ in lay.density) or 1.0
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            scale_text = density_scale_text(lay)
            for k, counts, emph in lay.density:
                lane = d.lanes[k]
                lane_color = QColor(lane.color)
                top = (lane.top - lay.ytop) * lay.sy + 3
                h = lane.height * lay.sy - 6
                peak = max(1.0, float(counts.max()))
                self._draw_density(p, counts, lane_color, cmax, dim_factor, top, h, lay.nbins, peak,
                                   self._density_cache(lay, (k, 0, h, dim_factor)))
                if emph is not None and emph.any():
                    self._draw_density(p, emph, lane_color.darker(140), max(1.0, float(emph.max())), 1.0,
                                       top, h, lay.nbins, peak, self._density_cache(lay, (k, 1, h)))
                if h >= self.fm_small.height() + 2:
                    self._draw_scale(p, f"peak {int(peak):,} {scale_text}", top)

        if not len(lay.inst):
            return
        # draw order: dimmed, normal, emphasised, hovered, selected; within a rank, grouped by style
        mo = self.model.mark_order(lay, self.hovered)
        order, rank, kinds, colors = mo.order, mo.rank, mo.kinds, mo.colors
        inferred, conflict, dimmed, style_key = mo.inferred, mo.conflict, mo.dimmed, mo.style_key
        secondary = mo.secondary
        r = lay.radius
        hh = lay.half_h
        W = lay.width
        left_a, right_a, yc_a = lay.left.tolist(), lay.right.tolist(), lay.yc.tolist()
        badges = []
        rings: list[tuple[int, int]] = []  # (position, 2 selected / 1 emphasised or hovered)
        current = None
        hatch = None
        aa = True
        pending: list[QRectF] = []  # bars of the current style, drawn in one call

        def flush() -> None:
            if not pending:
                return
            p.drawRects(pending)
            if hatch is not None:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(hatch)
                p.drawRects(pending)
                p.setPen(pen)
                p.setBrush(brush)
            pending.clear()

        pen = brush = None
        for j in order.tolist():
            key = int(style_key[j])
            if key != current:
                flush()
                current = key
                pen, brush, hatch = self._style(int(colors[j]), int(kinds[j]), bool(inferred[j]),
                                                bool(conflict[j]), bool(dimmed[j]), bool(secondary[j]))
                p.setPen(pen)
                p.setBrush(brush)
            kind = int(kinds[j])
            y = yc_a[j]
            left, right = left_a[j], right_a[j]
            rk = int(rank[j])
            if kind == DAY:
                flush()
                xc = (left + right) / 2
                if not aa:
                    aa = True
                    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                p.drawPolygon(QPolygonF([QPointF(xc, y - r), QPointF(xc + r, y), QPointF(xc, y + r),
                                         QPointF(xc - r, y)]))
                if conflict[j]:
                    badges.append((xc + r - 1, y - r - 1, bool(dimmed[j])))
            else:
                if aa:  # bars are axis-aligned and pixel-snapped: no antialiasing (much faster fills)
                    aa = False
                    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                x0 = round(max(left, -10.0)) + 0.5
                x1 = round(min(right, W + 10.0)) + 0.5
                pending.append(QRectF(x0, round(y - hh) + 0.5, max(x1 - x0, 1.0), round(2 * hh)))
                if conflict[j]:
                    badges.append((max(left, 0.0) + 1, y - hh - 1, bool(dimmed[j])))
            if rk >= 2:
                rings.append((j, 2 if rk == 4 else 1))
        flush()

        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # rings for the selected (with a soft halo), emphasised and hovered events, on top
        if rings:
            p.setBrush(Qt.BrushStyle.NoBrush)
            sel_color = QColor(style.SELECTION_COLOR)
            for j, level in rings:
                y = yc_a[j]
                left, right = left_a[j], right_a[j]
                grow = 2.5 if level == 2 else 1.8
                pens = ([self._pen(with_alpha(sel_color, 0.28), 7.0), self._pen(sel_color, 2.4)] if level == 2
                        else [self._pen(QColor("#2b2b2b"), 1.5)])
                for k, pen in enumerate(pens):
                    p.setPen(pen)
                    g = grow if k == len(pens) - 1 else 0.0
                    if int(kinds[j]) == DAY:
                        xc, rr = (left + right) / 2, r + g
                        p.drawPolygon(QPolygonF([QPointF(xc, y - rr), QPointF(xc + rr, y), QPointF(xc, y + rr),
                                                 QPointF(xc - rr, y)]))
                    else:
                        x0, x1 = max(left, -10.0), min(right, W + 10.0)
                        p.drawRect(QRectF(x0 - g, y - hh - g, max(x1 - x0, 1.0) + 2 * g, 2 * hh + 2 * g))

        # "!" badges for conflicting sources
        if badges:
            p.setFont(self.badge_font)
            red = QColor(style.CONFLICT_COLOR)
            white = QColor("#ffffff")
            for bx, by, dim in badges:
                alpha = 0.22 if dim else 1.0
                c = QRectF(bx - 1, by - 6, 11, 11)
                p.setPen(self._pen(with_alpha(white, alpha), 1.2))
                p.setBrush(self._brush(with_alpha(red, alpha)))
                p.drawEllipse(c)
                p.setPen(with_alpha(white, alpha))
                p.drawText(c, Qt.AlignmentFlag.AlignCenter, "!")

        # labels
        if lay.labels:
            text_color = QColor(style.TEXT_COLOR)
            muted = with_alpha(QColor(style.TEXT_COLOR), 0.38)
            ascent = self.fm.ascent()
            descent = self.fm.descent()
            for lab in lay.labels:
                e = int(d.inst_ev[lab.inst])
                rect = label_rect(lab)
                baseline = rect.center().y() + (ascent - descent) / 2
                if lab.inside:
                    fill = self._colors[int(d.ev_color[e])]
                    color = QColor("#ffffff") if luminance(fill) < 0.62 else text_color
                    if self.ev_state[e] == 2:
                        color = with_alpha(color, 0.45)
                else:
                    color = muted if self.ev_state[e] == 2 else text_color
                    if e == self.selected:
                        color = QColor(style.SELECTION_COLOR).darker(125)
                if not lab.inside and (lab.bold or self.ev_state[e] == 1):
                    # priority labels may lie over other marks: keep them readable
                    p.setPen(Qt.PenStyle.NoPen)
                    p.setBrush(self._brush(QColor(255, 255, 255, 215)))
                    p.drawRoundedRect(rect.adjusted(-2, 0, 2, 0), 3, 3)
                p.setFont(self.bold_font if lab.bold else self.font)
                p.setPen(color)
                p.drawText(QPointF(rect.left(), baseline), lab.text)
        if lay.clusters:
            self._draw_clusters(p, lay)

    def _density_cache(self, lay: FrameLayout, key: tuple) -> tuple[dict, tuple]:
        """Where a density band's image is kept: per frame layout (a frame is painted more than once: on
        screen, in a grab or an export), by lane and kind."""
        if self._density_imgs[0] is not lay:
            self._density_imgs = (lay, {})
        return self._density_imgs[1], key

    @staticmethod
    def _draw_density(p: QPainter, counts: np.ndarray, color: QColor, cmax: float, factor: float, top: float,
                      h: float, nb: int, peak: float, cache: tuple[dict, tuple] | None = None) -> None:
        """One lane's histogram: a bar per bin, as tall as its count against the lane's ``peak`` (a bin
        with any event at least 2 px), as opaque as its count against the frame's fullest bin ``cmax``."""
        H = max(1, int(round(h)))
        if cache is not None and cache[1] in cache[0]:
            p.drawImage(QRectF(0, top, nb * BIN_PX, H), cache[0][cache[1]])
            return
        a = density_alpha(counts, cmax, factor)
        argb = (a << 24) | (np.uint32(color.red()) << 16) | (np.uint32(color.green()) << 8) | np.uint32(color.blue())
        bar = np.where(counts > 0, np.maximum(np.ceil(counts / peak * H), 2), 0).astype(np.int64)
        mask = np.arange(H)[:, None] >= (H - bar)[None, :]
        img_a = np.ascontiguousarray(np.where(mask, argb[None, :], np.uint32(0)).astype(np.uint32))
        img = QImage(img_a.data, img_a.shape[1], H, img_a.shape[1] * 4, QImage.Format.Format_ARGB32).copy()
        if cache is not None:
            cache[0][cache[1]] = img
        p.drawImage(QRectF(0, top, nb * BIN_PX, H), img)

    def _draw_scale(self, p: QPainter, text: str, top: float) -> None:
        w = self.fm_small.horizontalAdvance(text)
        rect = QRectF(4, top, w + 8, self.fm_small.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._brush(QColor(255, 255, 255, 200)))
        p.drawRoundedRect(rect, 3, 3)
        p.setFont(self.small_font)
        p.setPen(QColor(style.MUTED_TEXT))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _draw_clusters(self, p: QPainter, lay: FrameLayout) -> None:
        """A count over marks drawn on top of one another (click: zoom in on them)."""
        p.setFont(self.badge_font)
        for c in lay.clusters:
            rect = cluster_rect(c, lay.width, self.fm_badge)
            p.setPen(self._pen(QColor("#ffffff"), 1.2))
            p.setBrush(self._brush(QColor("#3b4350")))
            p.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
            p.setPen(QColor("#ffffff"))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(c.count))

    def _draw_ghost(self, p: QPainter, lay: FrameLayout) -> None:
        """The ghost of an event being written (``state.set_ghost``): a translucent band with a dashed
        outline over every lane, and its label at the top."""
        x0, x1, label = self.ghost
        a, b = (x0 - lay.t0) * lay.sx, (x1 - lay.t0) * lay.sx
        if b - a < 6:
            c = (a + b) / 2
            a, b = c - 3, c + 3
        if b < 0 or a > lay.width:
            return
        a, b = max(a, -2.0), min(b, lay.width + 2.0)
        color = QColor(style.SELECTION_COLOR)
        rect = QRectF(a, 1, b - a, lay.height - 2)
        pen = QPen(with_alpha(color, 0.85), 1.4)
        pen.setCosmetic(True)
        pen.setDashPattern([4.0, 3.0])
        p.setPen(pen)
        p.setBrush(with_alpha(color, 0.10))
        p.drawRect(rect)
        if label:
            text = self.fm.elidedText(label, Qt.TextElideMode.ElideRight, max(60.0, min(lay.width - 8, 360.0)))
            w = self.fm.horizontalAdvance(text)
            tx = min(max(a + 4, 4.0), lay.width - w - 8)
            box = QRectF(tx - 3, 4, w + 6, self.fm.height())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self._brush(QColor(255, 255, 255, 225)))
            p.drawRoundedRect(box, 3, 3)
            p.setFont(self.font)
            p.setPen(color.darker(130))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def cluster_rect(c, width: float, fm: QFontMetricsF) -> QRectF:
    """Where a cluster's count is drawn, in local pixels: a pill over the middle of its marks."""
    w = fm.horizontalAdvance(str(c.count)) + 9
    h = fm.height() + 1
    xc = min(max((c.left + c.right) / 2, w / 2 + 1), width - w / 2 - 1)
    return QRectF(xc - w / 2, c.yc - h / 2, w, h)


def density_scale_text(lay: FrameLayout) -> str:
    """The time one density bin covers, as "per 3 days", "per 2 months", "per 1.5 years"."""
    dt = BIN_PX / lay.sx if lay.sx > 0 else 0.0
    days = dt / 86400.0
    if days < 1.5:
        return "per day"
    if days < 60:
        return f"per {days:.0f} days"
    if days < 730:
        return f"per {days / 30.44:.0f} months" if days >= 45 else "per month"
    return f"per {days / 365.25:.1f} years".replace(".0 years", " years")


# =========================================================================================================
# lane bands and grid (behind the events)
# =========================================================================================================
class LaneBackgroundItem(pg.GraphicsObject):
    """Alternating lane bands, lane separators and calendar grid lines (decades, years, months, days)."""

    def __init__(self):
        super().__init__()
        self.lanes: list[Lane] = []
        self.x_limits = (0.0, 1.0)
        self.y_extent = 1.0

    def set_lanes(self, lanes: list[Lane], x_limits, y_extent) -> None:
        self.prepareGeometryChange()
        self.lanes = lanes
        self.x_limits = x_limits
        self.y_extent = y_extent
        self.update()

    def boundingRect(self) -> QRectF:
        x0, x1 = self.x_limits
        return QRectF(x0, 0.0, x1 - x0, self.y_extent)

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        return list(self.x_limits) if ax == 0 else [0.0, self.y_extent]

    def paint(self, p: QPainter, opt, widget):
        tr = p.transform()
        sx, sy = tr.m11(), tr.m22()
        vr = self.viewRect()
        if vr is None or sx <= 0 or sy <= 0:
            return
        t0, t1, ytop = vr.left(), vr.right(), vr.top()
        origin = tr.map(QPointF(t0, ytop))
        width = vr.width() * sx
        p.save()
        p.resetTransform()
        p.translate(origin)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(Qt.PenStyle.NoPen)
        for i, lane in enumerate(self.lanes):
            if i % 2 == 1:
                p.fillRect(QRectF(0, (lane.top - ytop) * sy, width, lane.height * sy), BAND_COLOR)
        # calendar grid
        y_end = (self.lanes[-1].top + self.lanes[-1].height - ytop) * sy if self.lanes else vr.height() * sy
        self._grid(p, t0, t1, sx, y_end)
        p.setPen(QPen(SEPARATOR_COLOR, 1))
        for lane in self.lanes[1:]:
            y = round((lane.top - ytop) * sy) + 0.5
            p.drawLine(QPointF(0, y), QPointF(width, y))
        if self.lanes:
            p.drawLine(QPointF(0, y_end + 0.5), QPointF(width, y_end + 0.5))
        p.restore()

    @staticmethod
    def _grid(p: QPainter, t0: float, t1: float, sx: float, y_end: float) -> None:
        pen = None
        for x, kind in grid_lines(t0, t1, sx):
            if kind != pen:
                pen = kind
                p.setPen(QPen(GRID_PENS[kind], 1))
            p.drawLine(QPointF(x, 0), QPointF(x, y_end))


# =========================================================================================================
# lane names, at the left, fixed (they never scroll away)
# =========================================================================================================
class LaneAxis(pg.AxisItem):
    """The left axis of the timeline, replaced by a column of lane names with their colour and count."""

    WIDTH = 156

    def __init__(self):
        super().__init__("left")
        self.lanes: list[Lane] = []
        self.setWidth(self.WIDTH)
        self.setStyle(showValues=False, tickLength=0)
        self.setPen(pg.mkPen(SEPARATOR_COLOR))
        self.name_font = style.ui_font(9, bold=True)
        self.count_font = style.ui_font(8)

    def set_lanes(self, lanes: list[Lane]) -> None:
        self.lanes = lanes
        self.picture = None
        self.update()

    def boundingRect(self):
        return self.mapRectFromParent(self.geometry())

    def hoverEvent(self, ev):
        """The full lane name (and count) as a tooltip: long names are elided in the column."""
        vb = self.linkedView()
        if ev.isExit() or vb is None:
            self.setToolTip("")
            return
        y = vb.mapSceneToView(self.mapToScene(ev.pos())).y()
        for lane in self.lanes:
            if lane.top <= y < lane.top + lane.height:
                self.setToolTip(f"{lane.name} — {lane.count} event{'s' if lane.count != 1 else ''}")
                return
        self.setToolTip("")

    @staticmethod
    def _wrap(text: str, fm: QFontMetricsF, width: float, max_lines: int) -> list[str]:
        """Greedy word wrap into at most ``max_lines`` lines, elided."""
        return wrap_lines(text, width, max_lines, fm.horizontalAdvance,
                          lambda t, w: fm.elidedText(t, Qt.TextElideMode.ElideRight, w))

    def paint(self, p: QPainter, opt, widget):
        vb = self.linkedView()
        rect = self.boundingRect()
        if vb is None or not self.lanes:
            return

        def ymap(y: float) -> float:
            return self.mapFromScene(vb.mapViewToScene(QPointF(0, y))).y()

        top_clip, bottom_clip = ymap(vb.viewRange()[1][0]), ymap(vb.viewRange()[1][1])
        p.save()
        p.setClipRect(QRectF(rect.left(), min(top_clip, bottom_clip), rect.width(), abs(bottom_clip - top_clip)))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        fm_name = QFontMetricsF(self.name_font)
        fm_count = QFontMetricsF(self.count_font)
        x0 = rect.left()
        w = rect.width()
        for i, lane in enumerate(self.lanes):
            y0, y1 = ymap(lane.top), ymap(lane.top + lane.height)
            band = QRectF(x0, y0, w, y1 - y0)
            if i % 2 == 1:
                p.fillRect(band, BAND_COLOR)
            if i > 0:
                p.setPen(QPen(SEPARATOR_COLOR, 1))
                p.drawLine(QPointF(x0, round(y0) + 0.5), QPointF(x0 + w, round(y0) + 0.5))
            # colour swatch
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(lane.color))
            p.drawRoundedRect(QRectF(x0 + 8, y0 + 4, 4, max(2.0, y1 - y0 - 8)), 2, 2)
            # name (on two lines when it is long and the lane tall enough) and count when there is room
            text_w = w - 26
            h = y1 - y0
            # the UI font has generous line spacing (CJK): set lines a little tighter than its height
            step, cstep = 0.8 * fm_name.height(), 0.85 * fm_count.height()
            lines = self._wrap(lane.name, fm_name, text_w, 2 if h >= 2 * step + 2 else 1)
            count = f"{lane.count} event{'s' if lane.count != 1 else ''}"
            with_count = h >= len(lines) * step + cstep + 6
            block = len(lines) * step + (cstep if with_count else 0)
            ty = (y0 + y1) / 2 - block / 2
            lead = (step - fm_name.height()) / 2
            p.setFont(self.name_font)
            p.setPen(QColor(style.TEXT_COLOR))
            for line in lines:
                p.drawText(QPointF(x0 + 18, ty + lead + fm_name.ascent()), line)
                ty += step
            if with_count:
                p.setFont(self.count_font)
                p.setPen(QColor(style.MUTED_TEXT))
                p.drawText(QPointF(x0 + 18, ty + (cstep - fm_count.height()) / 2 + fm_count.ascent()), count)
        if self.lanes:
            last = self.lanes[-1]
            yb = ymap(last.top + last.height)
            p.setPen(QPen(SEPARATOR_COLOR, 1))
            p.drawLine(QPointF(x0, round(yb) + 0.5), QPointF(x0 + w, round(yb) + 0.5))
        # a hairline between the names and the plot
        p.setPen(QPen(SEPARATOR_COLOR, 1))
        p.drawLine(QPointF(rect.right() - 0.5, min(top_clip, bottom_clip)),
                   QPointF(rect.right() - 0.5, max(top_clip, bottom_clip)))
        p.restore()


# =========================================================================================================
# overview density
# =========================================================================================================
class OverviewItem(pg.GraphicsObject):
    """All (filter-visible) events over the whole range as a histogram of ticks; the selected and emphasised
    events in colour. Clicking centres the main view there."""

    BINS = 700

    def __init__(self, on_click=None):
        super().__init__()
        self.on_click = on_click
        self.x_limits = (0.0, 1.0)
        self.counts = np.zeros(0)
        self.emph = np.zeros(0)
        self.edges = np.zeros(0)
        self.selected_x: float | None = None
        self.window: tuple[float, float] | None = None  # the main view's window, marked when very narrow
        self._cache = None

    def set_data(self, x0: np.ndarray, x_limits, emph_x0: np.ndarray | None = None,
                 selected_x: float | None = None) -> None:
        self.prepareGeometryChange()
        self.x_limits = x_limits
        self.edges, self.counts, self.emph = overview_counts(x0, x_limits, self.BINS, emph_x0)
        self.selected_x = selected_x
        self.update()

    def move_counts(self, gone_x0: np.ndarray, new_x0: np.ndarray, emph_x0: np.ndarray | None,
                    selected_x: float | None) -> None:
        """Events left (starting at ``gone_x0``) and came (``new_x0``): their counts move (the same
        histogram as counting every event again)."""
        _e, gone, came = overview_counts(gone_x0, self.x_limits, self.BINS, new_x0)
        self.counts = self.counts - gone + came
        self.set_emphasis(emph_x0, selected_x)

    def set_emphasis(self, emph_x0: np.ndarray | None, selected_x: float | None) -> None:
        """Only the emphasised events and the selected one changed (the histogram of all stays)."""
        self.emph = overview_counts(np.zeros(0), self.x_limits, self.BINS, emph_x0)[2]
        self.selected_x = selected_x
        self.update()

    def boundingRect(self) -> QRectF:
        x0, x1 = self.x_limits
        return QRectF(x0, 0.0, x1 - x0, 1.0)

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        return list(self.x_limits) if ax == 0 else [0.0, 1.0]

    def _image(self, w: int, h: int) -> QImage:
        """The histogram rendered at device size (cached): bars of height sqrt(count), grey for all events,
        dark for the emphasised ones."""
        key = (w, h, id(self.counts), id(self.emph))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        img = QImage(max(w, 1), max(h, 1), QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        p.setPen(Qt.PenStyle.NoPen)
        for counts, color in ((self.counts, QColor("#7d8899")), (self.emph, QColor("#2b2b2b"))):
            x0, hh, x1 = histogram_bars(counts, w, h)
            if not x0:
                continue
            p.setBrush(color)
            p.drawRects([QRectF(a, h - b, c - a, b) for a, b, c in zip(x0, hh, x1)])
        p.end()
        self._cache = (key, img)
        return img

    def paint(self, p: QPainter, opt, widget):
        if not len(self.counts):
            return
        tr = p.transform()
        x0, x1 = self.x_limits
        a, b = tr.map(QPointF(x0, 0.0)), tr.map(QPointF(x1, 1.0))
        target = QRectF(QPointF(min(a.x(), b.x()), min(a.y(), b.y())), QPointF(max(a.x(), b.x()), max(a.y(), b.y())))
        p.save()
        p.resetTransform()
        p.drawImage(target.topLeft(), self._image(round(target.width()), round(target.height())))
        if self.selected_x is not None:
            x = tr.map(QPointF(self.selected_x, 0)).x()
            p.setPen(QPen(QColor(style.SELECTION_COLOR), 2))
            p.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()))
        if self.window is not None:
            a0, a1 = tr.map(QPointF(self.window[0], 0)).x(), tr.map(QPointF(self.window[1], 0)).x()
            if abs(a1 - a0) < 8:  # the box is too thin to see: mark where it is
                xc = (a0 + a1) / 2
                p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(61, 111, 180))
                top = target.top()
                p.drawPolygon(QPolygonF([QPointF(xc - 5, top), QPointF(xc + 5, top), QPointF(xc, top + 6)]))
        p.restore()

    def set_window(self, t0: float, t1: float) -> None:
        self.window = (t0, t1)
        self.update()

    def mouseClickEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton and self.on_click is not None:
            ev.accept()
            self.on_click(ev.pos().x())
        else:
            ev.ignore()


# =========================================================================================================
# legend
# =========================================================================================================
class LegendBar(QWidget):
    """A row under the plot explaining the marks, with the visible date range at the right."""

    ENTRIES: ClassVar[tuple[str, ...]] = ("day", "approx", "span", "secondary", "inferred", "conflict", "selected",
                                          "cluster", "density")
    LABELS: ClassVar[dict[str, str]] = {
        "day": "Day", "approx": "Month / year (approximate)", "span": "Span",
        "secondary": "Hollow: first theme elsewhere", "inferred": "Inferred date",
        "conflict": "Sources disagree", "selected": "Selected", "cluster": "Overlapping (click to zoom)",
        "density": "Events per period (zoom in)"}
    TIPS: ClassVar[dict[str, str]] = {
        "secondary": "An event with several themes shows in each of their lanes: solid in its first theme's "
                     "lane, hollow in the others; every lane counts all its events."}

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timelineLegend")
        self.setToolTip(self.TIPS["secondary"])
        self.font_ = style.ui_font(8.5)
        self.range_text = ""
        self.color = QColor(style.FALLBACK_THEME_COLORS[0])
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(26)
        self.setAutoFillBackground(False)

    def sizeHint(self) -> QSize:
        return QSize(800, 26)

    hidden: frozenset = frozenset()  # entries that do not apply (hollow marks in lanes by actor)

    def set_hidden(self, keys) -> None:
        keys = frozenset(keys)
        if keys != self.hidden:
            self.hidden = keys
            self.update()

    def set_range_text(self, text: str) -> None:
        if text != self.range_text:
            self.range_text = text
            self.update()

    def paintEvent(self, event):
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), QColor(style.BACKGROUND))
        p.setPen(QPen(SEPARATOR_COLOR, 1))
        p.drawLine(QPointF(0, 0.5), QPointF(self.width(), 0.5))
        fm = QFontMetricsF(self.font_)
        p.setFont(self.font_)
        cy = self.height() / 2 + 0.5
        x = 12.0
        range_w = fm.horizontalAdvance(self.range_text) + 16 if self.range_text else 0
        limit = self.width() - range_w - 8
        c = self.color
        for key in self.ENTRIES:
            if key in self.hidden:
                continue
            text = self.LABELS[key]
            need = 22 + fm.horizontalAdvance(text) + 18
            if x + need > limit:
                break
            self._symbol(p, key, x, cy, c)
            p.setPen(QColor(style.MUTED_TEXT))
            p.drawText(QPointF(x + 22, cy + (fm.ascent() - fm.descent()) / 2), text)
            x += need
        if self.range_text:
            p.setPen(QColor(style.TEXT_COLOR))
            p.drawText(QRectF(self.width() - range_w - 4, 0, range_w - 8, self.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.range_text)
        p.end()

    @staticmethod
    def _symbol(p: QPainter, key: str, x: float, cy: float, c: QColor) -> None:
        white = QColor("#ffffff")
        r = 5.0
        xc = x + 8

        def diamond(rr: float) -> QPolygonF:
            return QPolygonF([QPointF(xc, cy - rr), QPointF(xc + rr, cy), QPointF(xc, cy + rr), QPointF(xc - rr, cy)])

        p.setBrush(Qt.BrushStyle.NoBrush)
        if key == "day":
            p.setPen(QPen(c.darker(150), 1))
            p.setBrush(c)
            p.drawPolygon(diamond(r))
        elif key == "approx":
            p.setPen(QPen(with_alpha(c.darker(115), 0.9), 1))
            p.setBrush(with_alpha(c, 0.28))
            p.drawRect(QRectF(x, cy - 5, 17, 10))
        elif key == "span":
            p.setPen(QPen(c.darker(135), 1))
            p.setBrush(c)
            p.drawRect(QRectF(x, cy - 5, 17, 10))
        elif key == "inferred":
            grey = mix(c, QColor(style.INFERRED_COLOR), 0.55)
            pen = QPen(QColor(style.INFERRED_COLOR).darker(120), 1)
            pen.setDashPattern([3.0, 2.0])
            p.setPen(pen)
            p.setBrush(mix(grey, white, 0.55))
            p.drawPolygon(diamond(r))
        elif key == "conflict":
            p.setPen(QPen(QColor(style.CONFLICT_COLOR), 1.6))
            p.setBrush(c)
            p.drawPolygon(diamond(r))
            badge = QRectF(xc + r - 2, cy - r - 5, 10, 10)
            p.setPen(QPen(white, 1))
            p.setBrush(QColor(style.CONFLICT_COLOR))
            p.drawEllipse(badge)
            p.setFont(style.ui_font(6.5, bold=True))
            p.setPen(white)
            p.drawText(badge, Qt.AlignmentFlag.AlignCenter, "!")
            p.setFont(style.ui_font(8.5))
        elif key == "selected":
            p.setPen(QPen(with_alpha(QColor(style.SELECTION_COLOR), 0.28), 6))
            p.drawPolygon(diamond(r))
            p.setPen(QPen(c.darker(150), 1))
            p.setBrush(c)
            p.drawPolygon(diamond(r))
            p.setPen(QPen(QColor(style.SELECTION_COLOR), 2.2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPolygon(diamond(r + 2.5))
        elif key == "secondary":
            p.setPen(QPen(c.darker(115), 1.5))
            p.setBrush(mix(c, white, 0.82))
            p.drawPolygon(diamond(r))
        elif key == "cluster":
            rect = QRectF(x + 1, cy - 6, 15, 12)
            p.setPen(QPen(white, 1))
            p.setBrush(QColor("#3b4350"))
            p.drawRoundedRect(rect, 6, 6)
            p.setFont(style.ui_font(6.5, bold=True))
            p.setPen(white)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "3")
            p.setFont(style.ui_font(8.5))
        elif key == "density":
            p.setPen(Qt.PenStyle.NoPen)
            for i, (a, hh) in enumerate(((0.35, 4), (0.6, 8), (0.85, 11), (0.5, 6))):
                p.setBrush(with_alpha(c, a))
                p.drawRect(QRectF(x + i * 4.5, cy + 5.5 - hh, 4.0, hh))
