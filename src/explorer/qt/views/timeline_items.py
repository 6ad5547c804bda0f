"""The pieces of the timeline view: the event arrays, the one events item, the lane column, the date axis,
the overview density and the legend.

Everything that scales with the number of events lives in numpy arrays built once per corpus / lane mode
(``TimelineData``) and is culled and aggregated per frame (``EventsItem.layout``): the per-frame Python work
is bounded by what fits on screen, not by the size of the corpus.
"""

from __future__ import annotations

import bisect
import calendar
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.DateAxisItem import (
    DAY_SPACING,
    MONTH_SPACING,
    YEAR_SPACING,
    TickSpec,
    ZoomLevel,
    makeMStepper,
    makeSStepper,
    makeYStepper,
)
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

from ...core.model.dates import Precision
from . import style

# -- kinds of marks ---------------------------------------------------------------------------------------
DAY, APPROX, SPAN = 0, 1, 2

# -- geometry (pixels) ------------------------------------------------------------------------------------
ROW_MAX_PX = 30.0  # rows never grow taller than this; the rest of the plot stays white
BIN_PX = 6  # width of a density bin
DENSE_WINDOW = 4  # bins in the moving window that decides whether a stretch of a lane is too dense
MIN_GAP_PX = 14.0  # below one event per this many pixels per sub-row, a lane aggregates into a density band
LANE_SMALL = 150  # a lane with at most this many events in view always shows them individually
MAX_INDIVIDUAL = 2000  # hard cap on individually drawn marks per frame
MAX_EMPHASISED = 1500  # emphasised marks drawn on top of density bands
MAX_LEFT = 300  # long spans entering from the left drawn per lane
LABEL_GAP = 8.0  # minimum gap between two labels of a row
MIN_ELIDED_PX = 36.0  # an elided label must keep at least this much room
MAX_ROWS = 4  # sub-rows per lane (fewer when there are many lanes)
ROW_BUDGET = 18  # total sub-rows above which lanes get fewer sub-rows
MIN_LANE_UNITS = 1.6  # the height of a one-row lane, in rows
MAX_ACTOR_LANES = 12

OTHER_THEME = "__other__"
OTHER_ACTORS = "__other_actors__"
NO_ACTOR = "__no_actor__"

BAND_COLOR = QColor("#f4f6f9")
SEPARATOR_COLOR = QColor("#e1e5eb")
YEAR_LINE = QColor("#dfe3e8")
DECADE_LINE = QColor("#c9cfd7")
MONTH_LINE = QColor("#eef0f3")
OTHER_COLOR = "#8d96a3"
ACTOR_LANE_COLOR = "#6b7a8f"


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


def ranges_to_indices(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, e)`` for each pair, without a Python loop."""
    lens = ends - starts
    keep = lens > 0
    starts, lens = starts[keep], lens[keep]
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lens) - lens
    return np.repeat(starts - offsets, lens) + np.arange(total)


def utc_year(t: float) -> int:
    return datetime.fromtimestamp(t, UTC).year


# =========================================================================================================
# data
# =========================================================================================================
@dataclass
class Lane:
    key: str
    name: str
    color: QColor
    rows: int = 1  # sub-rows
    top: float = 0.0  # in row units, from the top of the plot
    height: float = 1.0  # in row units (at least MIN_LANE_UNITS, so that a one-row lane has room for its name)
    count: int = 0  # events in the lane


class TimelineData:
    """Events of a corpus laid out in lanes and sub-rows, as numpy arrays.

    Per event (in ``index.events`` order, i.e. by start): ``ev_x0``, ``ev_x1`` (the covered interval in
    POSIX seconds), ``ev_kind`` (DAY, APPROX or SPAN), ``ev_inferred``, ``ev_conflict``, ``ev_color``
    (index into ``colors``). Per instance (an event in one lane; in actor mode an event has one instance per
    actor lane): ``inst_ev``, ``inst_lane``, ``inst_row``, ``inst_x0``, ``inst_x1``, grouped by lane and
    sorted by start within a lane (``lane_slices``).
    """

    def __init__(self, index=None, mode: str = "theme", full_span: float | None = None):
        self.mode = mode
        events = list(index.events) if index is not None else []
        self.events = events
        n = len(events)
        self.ids = [e.id for e in events]
        self.pos = {eid: i for i, eid in enumerate(self.ids)}
        self.ev_x0 = (np.array(index.ev_start, dtype=np.float64) if n else np.zeros(0))
        self.ev_x1 = (np.array(index.ev_end, dtype=np.float64) if n else np.zeros(0))
        self.ev_kind = np.array([SPAN if e.is_span else (DAY if e.start.precision == Precision.DAY else APPROX)
                                 for e in events], dtype=np.int8)
        self.ev_inferred = np.array([bool(e.inferred) for e in events], dtype=bool)
        self.ev_conflict = np.array([bool(e.conflict) for e in events], dtype=bool)

        # colours: one per theme, in corpus order; events take the colour of their first theme
        corpus = index.corpus if index is not None else None
        themes = list(corpus.themes) if corpus is not None else []
        self.colors: list[QColor] = [QColor(OTHER_COLOR)]
        theme_color: dict[str, int] = {}
        for i, t in enumerate(themes):
            theme_color[t.id] = len(self.colors)
            self.colors.append(QColor(t.color or style.FALLBACK_THEME_COLORS[i % len(style.FALLBACK_THEME_COLORS)]))
        self.ev_color = np.array([theme_color.get(e.themes[0], 0) if e.themes else 0 for e in events],
                                 dtype=np.int16)
        self.theme_names = {t.id: t.name for t in themes}

        # lanes and instances
        lanes: list[Lane] = []
        pairs: list[tuple[int, int]] = []  # (event index, lane index)
        if mode == "actor":
            counts: dict[str, int] = {}
            for e in events:
                for a in dict.fromkeys(e.actors):
                    counts[a] = counts.get(a, 0) + 1

            def label(a: str) -> str:
                item = index.items.get(a)
                return item.label if item is not None else a

            ranked = sorted(counts, key=lambda a: (-counts[a], label(a).casefold()))
            top = ranked[:MAX_ACTOR_LANES] if len(ranked) > MAX_ACTOR_LANES + 1 else ranked
            lane_of = {}
            for a in top:
                kind = index.kind_of(a) if index is not None else None
                lane_of[a] = len(lanes)
                lanes.append(Lane(a, label(a), QColor(style.KIND_COLORS.get(kind or "", ACTOR_LANE_COLOR))))
            other = none = None
            for i, e in enumerate(events):
                targets = []
                for a in dict.fromkeys(e.actors):
                    if a in lane_of:
                        targets.append(lane_of[a])
                    else:
                        if other is None:
                            other = len(lanes)
                            lanes.append(Lane(OTHER_ACTORS, "Other actors", QColor(OTHER_COLOR)))
                        targets.append(other)
                if not targets:
                    if none is None:
                        none = len(lanes)
                        lanes.append(Lane(NO_ACTOR, "No actor named", QColor(OTHER_COLOR)))
                    targets.append(none)
                for lane in dict.fromkeys(targets):
                    pairs.append((i, lane))
            # keep "Other actors" and "No actor named" at the bottom
            order = sorted(range(len(lanes)), key=lambda k: (lanes[k].key in (OTHER_ACTORS, NO_ACTOR),
                                                             lanes[k].key == NO_ACTOR, k))
        else:
            first = [e.themes[0] if e.themes else OTHER_THEME for e in events]
            used = set(first)
            lane_of = {}
            for t in themes:
                if t.id in used:
                    lane_of[t.id] = len(lanes)
                    lanes.append(Lane(t.id, t.name, QColor(self.colors[theme_color[t.id]])))
            for tid in dict.fromkeys(first):  # themes referenced but not declared, then "Other"
                if tid not in lane_of and tid != OTHER_THEME:
                    lane_of[tid] = len(lanes)
                    lanes.append(Lane(tid, tid, QColor(OTHER_COLOR)))
            if OTHER_THEME in used:
                lane_of[OTHER_THEME] = len(lanes)
                lanes.append(Lane(OTHER_THEME, "Other", QColor(OTHER_COLOR)))
            pairs = [(i, lane_of[t]) for i, t in enumerate(first)]
            order = list(range(len(lanes)))
        remap = {old: new for new, old in enumerate(order)}
        self.lanes = [lanes[k] for k in order]
        pairs = [(i, remap[lane]) for i, lane in pairs]

        m = len(pairs)
        inst_ev = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=m)
        inst_lane = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=m)
        # group by lane, by start within a lane (events are already sorted by start)
        order_idx = np.lexsort((inst_ev, inst_lane)) if m else np.zeros(0, dtype=np.int64)
        self.inst_ev = inst_ev[order_idx]
        self.inst_lane = inst_lane[order_idx]
        self.inst_x0 = self.ev_x0[self.inst_ev] if m else np.zeros(0)
        self.inst_x1 = self.ev_x1[self.inst_ev] if m else np.zeros(0)
        bounds = np.searchsorted(self.inst_lane, np.arange(len(self.lanes) + 1))
        self.lane_slices = [(int(bounds[k]), int(bounds[k + 1])) for k in range(len(self.lanes))]
        for k, lane in enumerate(self.lanes):
            lane.count = self.lane_slices[k][1] - self.lane_slices[k][0]
        self.ev_instances: dict[int, list[int]] = {}
        for j, i in enumerate(self.inst_ev.tolist()):
            self.ev_instances.setdefault(i, []).append(j)

        # sub-rows: greedy stacking in time, with a little padding so that nearby marks and their labels
        # tend to land on different rows; fewer sub-rows when there are many lanes
        if full_span is None:
            full_span = float(self.ev_x1.max() - self.ev_x0.min()) if n else YEAR_SPACING
        self.stack_pad = max(30 * DAY_SPACING, 0.018 * full_span)
        cap = MAX_ROWS
        while True:
            rows, natural = self._stack(cap)
            total = sum(natural)
            if total <= ROW_BUDGET or cap == 1:
                break
            cap -= 1
        self.inst_row = rows
        self.row_cap = cap
        top = 0.0
        for k, lane in enumerate(self.lanes):
            lane.rows = max(1, natural[k])
            lane.height = max(float(lane.rows), MIN_LANE_UNITS)
            lane.top = top
            top += lane.height
        self.total_rows = max(1.0, top)
        self.lane_top = np.array([lane.top for lane in self.lanes], dtype=np.float64)
        unit = np.array([lane.height / lane.rows for lane in self.lanes], dtype=np.float64)
        #: vertical centre of each instance, in row units
        self.inst_yc = (self.lane_top[self.inst_lane] + (self.inst_row + 0.5) * unit[self.inst_lane]) if m \
            else np.zeros(0)

    def _stack(self, cap: int) -> tuple[np.ndarray, list[int]]:
        rows = np.zeros(len(self.inst_ev), dtype=np.int64)
        natural = []
        pad = self.stack_pad
        x0s, x1s = self.inst_x0.tolist(), self.inst_x1.tolist()
        for lo, hi in self.lane_slices:
            ends: list[float] = []
            for j in range(lo, hi):
                x0, x1 = x0s[j], x1s[j]
                reach = max(x1 + 0.3 * pad, x0 + pad)
                for r, end in enumerate(ends):
                    if end <= x0:
                        break
                else:
                    if len(ends) < cap:
                        r = len(ends)
                        ends.append(0.0)
                    else:
                        r = min(range(len(ends)), key=ends.__getitem__)
                rows[j] = r
                ends[r] = max(ends[r], reach)
            natural.append(len(ends))
        return rows, natural

    def __len__(self) -> int:
        return len(self.events)


# =========================================================================================================
# per-frame layout
# =========================================================================================================
@dataclass
class Label:
    inst: int  # instance index
    rect: QRectF  # local pixels (relative to the top-left of the view)
    text: str  # what is drawn (possibly elided)
    inside: bool = False  # drawn inside a solid span bar (light text on dark fill)
    bold: bool = False


@dataclass
class FrameLayout:
    key: tuple
    t0: float = 0.0
    t1: float = 1.0
    ytop: float = 0.0
    sx: float = 1.0
    sy: float = 1.0
    width: float = 0.0
    height: float = 0.0
    inst: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # drawn instances
    left: np.ndarray = field(default_factory=lambda: np.zeros(0))  # mark extents in local px
    right: np.ndarray = field(default_factory=lambda: np.zeros(0))
    yc: np.ndarray = field(default_factory=lambda: np.zeros(0))
    half_h: float = 6.0  # half height of a bar
    radius: float = 5.0  # half size of a day marker
    labels: list[Label] = field(default_factory=list)
    density: list[tuple[int, np.ndarray, np.ndarray | None]] = field(default_factory=list)  # lane, counts, emph
    nbins: int = 0
    dense_bins: int = 0

    def label_of(self) -> dict[int, Label]:
        return {lab.inst: lab for lab in self.labels}


class EventsItem(pg.GraphicsObject):
    """All events of the timeline in one item: density bands where events are too many per pixel, marks and
    labels elsewhere. Painted in device pixels in one pass; hit-testing uses the same layout."""

    def __init__(self, view=None):
        super().__init__()
        self._view = view  # the TimelineView, for callbacks (select, zoom, tooltip)
        self.data = TimelineData()
        self.ev_visible = np.zeros(0, dtype=bool)
        self.ev_state = np.zeros(0, dtype=np.int8)  # 0 normal, 1 emphasised, 2 dimmed
        self.selected = -1  # event index
        self.hovered = -1  # instance index
        self.emphasis_active = False
        self.x_limits = (0.0, 1.0)
        self.y_extent = 1.0
        self.font = style.ui_font(9)
        self.bold_font = style.ui_font(9, bold=True)
        self.badge_font = style.ui_font(7, bold=True)
        self.fm = QFontMetricsF(self.font)
        self.fm_bold = QFontMetricsF(self.bold_font)
        self._widths: dict[str, float] = {}
        self._widths_bold: dict[str, float] = {}
        self._layout: FrameLayout | None = None
        self._version = 0
        self._pens: dict = {}
        self._brushes: dict = {}
        self.ls_idx: list[np.ndarray] = []
        self.ls_x0: list[np.ndarray] = []
        self.ls_maxdur: list[float] = []
        self.le_idx: list[np.ndarray] = []
        self.le_x0: list[np.ndarray] = []
        self.le_maxdur: list[float] = []
        self.setAcceptHoverEvents(True)
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption, False)

    # -- inputs ------------------------------------------------------------------------------------------
    def set_data(self, data: TimelineData, visible: np.ndarray, x_limits: tuple[float, float],
                 y_extent: float) -> None:
        self.prepareGeometryChange()
        self.data = data
        self.x_limits = x_limits
        self.y_extent = y_extent
        self.ev_state = np.zeros(len(data), dtype=np.int8)
        self.selected = -1
        self.hovered = -1
        self.emphasis_active = False
        self.set_visible(visible)

    def set_extent(self, x_limits: tuple[float, float], y_extent: float) -> None:
        if (x_limits, y_extent) != (self.x_limits, self.y_extent):
            self.prepareGeometryChange()
            self.x_limits = x_limits
            self.y_extent = y_extent
            self._invalidate()

    def set_visible(self, visible: np.ndarray) -> None:
        """Which events the filters let show (one bool per event)."""
        d = self.data
        self.ev_visible = visible.astype(bool)
        self.ls_idx, self.ls_x0, self.ls_maxdur = [], [], []
        for lo, hi in d.lane_slices:
            idx = np.arange(lo, hi)
            idx = idx[self.ev_visible[d.inst_ev[idx]]] if len(idx) else idx
            self.ls_idx.append(idx)
            self.ls_x0.append(d.inst_x0[idx])
            self.ls_maxdur.append(float((d.inst_x1[idx] - d.inst_x0[idx]).max()) if len(idx) else 0.0)
        self._update_emphasis_index()
        self._invalidate()

    def set_emphasis(self, ev_state: np.ndarray, selected: int, active: bool) -> None:
        self.ev_state = ev_state.astype(np.int8)
        self.selected = selected
        self.emphasis_active = active
        self._update_emphasis_index()
        self._invalidate()

    def set_hovered(self, inst: int) -> None:
        if inst != self.hovered:
            self.hovered = inst
            self.update()

    def _update_emphasis_index(self) -> None:
        d = self.data
        self.le_idx, self.le_x0, self.le_maxdur = [], [], []
        for idx in self.ls_idx:
            if len(idx) and len(self.ev_state) == len(d):
                ev = d.inst_ev[idx]
                sel = (self.ev_state[ev] == 1) | (ev == self.selected)
                e = idx[sel]
            else:
                e = idx[:0]
            self.le_idx.append(e)
            self.le_x0.append(d.inst_x0[e])
            self.le_maxdur.append(float((d.inst_x1[e] - d.inst_x0[e]).max()) if len(e) else 0.0)

    def _invalidate(self) -> None:
        self._version += 1
        self._layout = None
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
        key = (round(t0, 3), round(t1, 3), round(ytop, 6), round(sx, 12), round(sy, 6), round(width, 2),
               round(height, 2), self._version)
        if self._layout is not None and self._layout.key == key:
            return self._layout
        lay = FrameLayout(key, t0, t1, ytop, sx, sy, width, height)
        d = self.data
        lay.half_h = max(2.5, min(7.0, sy * 0.31))
        lay.radius = max(3.0, min(6.0, sy * 0.3))
        if len(d) == 0 or not d.lanes:
            self._layout = lay
            return lay
        nb = max(1, math.ceil(width / BIN_PX))
        lay.nbins = nb
        bin_dt = BIN_PX / sx
        edges = np.minimum(t0 + np.arange(nb + 1, dtype=np.float64) * bin_dt, t1)
        kernel = np.ones(DENSE_WINDOW)

        scale = 1.0
        for _attempt in range(6):
            pieces: list[np.ndarray] = []
            density = []
            dense_bins = 0
            for k, lane in enumerate(d.lanes):
                x0s, idx = self.ls_x0[k], self.ls_idx[k]
                if not len(idx):
                    continue
                pos = np.searchsorted(x0s, edges)
                lo = int(np.searchsorted(x0s, t0 - self.ls_maxdur[k], side="left"))
                left = idx[lo:pos[0]]
                left = left[d.inst_x1[left] > t0]
                if len(left) > MAX_LEFT:
                    left = left[-MAX_LEFT:]
                n_in = int(pos[-1] - pos[0])
                if n_in <= LANE_SMALL * scale:
                    pieces.append(idx[pos[0]:pos[-1]])
                    pieces.append(left)
                    continue
                counts = np.diff(pos)
                window = np.convolve(counts, kernel, mode="same")
                thr = lane.rows * DENSE_WINDOW * BIN_PX / MIN_GAP_PX * scale
                dense = window > thr
                dense = dense | np.r_[dense[1:], False] | np.r_[False, dense[:-1]]
                dense &= counts > 0
                if not dense.any():
                    pieces.append(idx[pos[0]:pos[-1]])
                    pieces.append(left)
                    continue
                sparse = ~dense & (counts > 0)
                ind = idx[ranges_to_indices(pos[:-1][sparse], pos[1:][sparse])]
                # in a dense lane, a bar reaching over a dense stretch belongs to the density band too
                cum = np.r_[0, np.cumsum(dense)]
                cand = np.concatenate([ind, left])
                b0 = np.clip(np.searchsorted(edges, d.inst_x0[cand], side="right") - 1, 0, nb - 1)
                b1 = np.clip(np.searchsorted(edges, d.inst_x1[cand], side="left"), 1, nb)
                over = cum[b1] - cum[b0] > 0
                pieces.append(cand[~over])
                shown = np.where(dense, counts, 0)
                starts_in_view = over & (d.inst_x0[cand] >= t0)
                if starts_in_view.any():  # count them where they start
                    shown = shown + np.bincount(b0[starts_in_view], minlength=nb)[:nb]
                dense_bins += int((shown > 0).sum())
                emph = None
                if self.emphasis_active and len(self.le_x0[k]):
                    emph = np.diff(np.searchsorted(self.le_x0[k], edges)) * (shown > 0)
                density.append((k, shown, emph))
            total = sum(len(p) for p in pieces)
            if total <= MAX_INDIVIDUAL:
                break
            scale *= 0.5
        else:
            pieces = []
        # emphasised and selected events are always shown as marks, even inside density bands
        if self.emphasis_active or self.selected >= 0:
            extra = []
            for k in range(len(d.lanes)):
                x0s, idx = self.le_x0[k], self.le_idx[k]
                if not len(idx):
                    continue
                lo = int(np.searchsorted(x0s, t0 - self.le_maxdur[k], side="left"))
                hi = int(np.searchsorted(x0s, t1, side="left"))
                sub = idx[lo:hi]
                extra.append(sub[d.inst_x1[sub] > t0])
            extra_all = np.concatenate(extra) if extra else np.zeros(0, dtype=np.int64)
            if len(extra_all) > MAX_EMPHASISED:
                keep = d.inst_ev[extra_all] == self.selected
                extra_all = np.concatenate([extra_all[keep], extra_all[~keep][:MAX_EMPHASISED]])
            pieces.append(extra_all)
        inst = np.unique(np.concatenate(pieces)) if pieces else np.zeros(0, dtype=np.int64)
        lay.density = density
        lay.dense_bins = dense_bins
        lay.inst = inst.astype(np.int64)

        # geometry in local pixels
        ev = d.inst_ev[inst]
        x0p = (d.inst_x0[inst] - t0) * sx
        x1p = (d.inst_x1[inst] - t0) * sx
        kind = d.ev_kind[ev]
        xc = (x0p + x1p) * 0.5
        is_day = kind == DAY
        r = lay.radius
        lay.left = np.where(is_day, xc - r, x0p)
        lay.right = np.where(is_day, xc + r, np.maximum(x1p, x0p + 3.0))
        lay.yc = (d.inst_yc[inst] - ytop) * sy
        lay.labels = self._layout_labels(lay, ev, kind)
        self._layout = lay
        return lay

    def _layout_labels(self, lay: FrameLayout, ev: np.ndarray, kind: np.ndarray) -> list[Label]:
        """Greedy, per sub-row, in time order: a label is drawn only if it fits before the next mark and the
        next label; it is elided when a little short, hidden otherwise. The selected event's label is placed
        first (always shown), then the emphasised ones, then the rest fill the gaps."""
        d = self.data
        if not len(lay.inst):
            return []
        room_for_labels = lay.sy >= self.fm.height() - 1
        rowkey = d.inst_yc[lay.inst]
        order = np.lexsort((lay.left, rowkey))
        labels: list[Label] = []
        state = self.ev_state
        sel = self.selected
        rk = rowkey[order]
        cuts = np.flatnonzero(np.diff(rk)) + 1
        for group in np.split(order, cuts):
            g = group.tolist()
            prio = [2 if ev[j] == sel else (1 if state[ev[j]] == 1 else 0) for j in g]
            if not room_for_labels and max(prio) < 2:
                continue
            self._layout_row(group, prio, lay, ev, kind, labels, room_for_labels)
        return labels

    def _layout_row(self, group: np.ndarray, prio: list[int], lay: FrameLayout, ev: np.ndarray, kind: np.ndarray,
                    labels: list[Label], room_for_labels: bool) -> None:
        """Labels of one sub-row (``group``: positions in the layout arrays, in time order)."""
        d = self.data
        W = lay.width
        fh = self.fm.height()
        g = group.tolist()
        lefts = lay.left[group].tolist()
        rights = lay.right[group].tolist()
        pl: list[float] = []  # placed label intervals of this row, sorted (they never overlap)
        pr: list[float] = []
        next_emph = [-1] * len(g)  # nearest emphasised (or selected) neighbours in the row
        prev_emph = [-1] * len(g)
        last = -1
        for q in range(len(g) - 1, -1, -1):
            next_emph[q] = last
            if prio[q] > 0:
                last = q
        last = -1
        for q in range(len(g)):
            prev_emph[q] = last
            if prio[q] > 0:
                last = q

        def try_place(p: int, must: bool) -> Label | None:
            j = g[p]
            title = d.events[int(ev[j])].title
            bold = prio[p] == 2
            w = self.text_width(title, bold)
            k = int(kind[j])
            left, right = float(lay.left[j]), float(lay.right[j])
            # a label stops before the next mark of its row; an emphasised one only before the next
            # emphasised mark (it may cover dimmed ones), the selected one before nothing. Never over
            # another label.
            if prio[p] == 0:
                nxt, prv = p + 1 if p + 1 < len(g) else -1, p - 1
            elif prio[p] == 1:
                nxt, prv = next_emph[p], prev_emph[p]
            else:
                nxt, prv = -1, -1
            limit_mark = (lefts[nxt] if nxt >= 0 else math.inf) - 4.0
            prev_right = rights[prv] + 4.0 if prv >= 0 else -math.inf
            badge = 7.0 if d.ev_conflict[int(ev[j])] else 0.0
            # candidates: (anchor, limit, inside a solid bar, fixed width)
            candidates: list[tuple[float, float, bool, bool]] = []
            if k == DAY:
                candidates.append((right + 3.0 + badge, limit_mark, False, False))
            else:
                a = max(left, 0.0) + (5.0 if k == SPAN else 4.0) + badge
                inside_limit = min(right, W) - 4.0
                if w <= min(inside_limit, limit_mark) - a:  # fits in the bar
                    candidates.append((a, min(inside_limit, limit_mark) if k == SPAN else limit_mark, k == SPAN,
                                       False))
                candidates.append((right + 4.0, limit_mark, False, False))  # after the bar
                if min(inside_limit, limit_mark) - a >= MIN_ELIDED_PX:  # elided in the bar
                    candidates.append((a, min(inside_limit, limit_mark), k == SPAN, False))
            # before the mark, when the text fits there whole (near the right edge, for instance)
            candidates.append((left - 4.0 - w, left - 4.0, False, True))
            for (a, limit, inside, fixed), may_elide in [(c, False) for c in candidates] + \
                    [(c, True) for c in candidates if not c[3]]:
                limit = min(limit, W - 2.0)
                if a >= W - 2.0 or a < 0:
                    continue
                if fixed and (a < prev_right or a + w > limit):
                    continue
                i = bisect.bisect_right(pl, a)
                if i > 0 and pr[i - 1] + LABEL_GAP > a and not must:
                    continue
                if i < len(pl):
                    limit = min(limit, pl[i] - LABEL_GAP)
                avail = limit - a
                if must and may_elide:
                    avail = max(avail, min(w, W - 2.0 - a))
                if w <= avail:
                    text, tw = title, w
                elif may_elide and avail >= MIN_ELIDED_PX and (avail >= 0.45 * w or prio[p] > 0):
                    fm = self.fm_bold if bold else self.fm
                    text = fm.elidedText(title, Qt.TextElideMode.ElideRight, avail)
                    if not text or text == "…":
                        continue
                    tw = fm.horizontalAdvance(text)
                else:
                    continue
                return Label(int(lay.inst[j]), QRectF(a, float(lay.yc[j]) - fh / 2, tw, fh), text, inside, bold)
            return None

        def place(lab: Label) -> None:
            labels.append(lab)
            i = bisect.bisect_right(pl, lab.rect.left())
            pl.insert(i, lab.rect.left())
            pr.insert(i, lab.rect.right())

        for p in sorted((p for p in range(len(g)) if prio[p] > 0), key=lambda p: (-prio[p], lefts[p])):
            lab = try_place(p, must=prio[p] == 2)
            if lab is not None:
                place(lab)
        if not room_for_labels:
            return
        for p in range(len(g)):
            if prio[p] > 0:
                continue
            if lefts[p] > W:
                break
            lab = try_place(p, must=False)
            if lab is not None:
                place(lab)

    # -- hit testing -------------------------------------------------------------------------------------
    def hit(self, local: QPointF) -> int:
        """Instance under a point in local pixels (relative to the view's top-left), or -1."""
        lay = self.current_layout()
        if lay is None or not len(lay.inst):
            return -1
        x, y = local.x(), local.y()
        for lab in reversed(lay.labels):
            if lab.rect.adjusted(-2, -1, 2, 1).contains(local):
                return lab.inst
        pad = 3.0
        hh = max(lay.half_h, lay.radius) + 2
        m = (lay.left - pad <= x) & (x <= lay.right + pad) & (np.abs(lay.yc - y) <= hh)
        cand = np.flatnonzero(m)
        if not len(cand):
            return -1
        # prefer the selected, then emphasised, then the narrowest mark
        ev = self.data.inst_ev[lay.inst[cand]]
        score = np.where(ev == self.selected, 0, np.where(self.ev_state[ev] == 1, 1, 2)) * 1e7 \
            + (lay.right[cand] - lay.left[cand])
        return int(lay.inst[cand[int(np.argmin(score))]])

    def local_from_item(self, pos: QPointF) -> QPointF | None:
        g = self.view_geometry()
        if g is None:
            return None
        t0, _t1, ytop, sx, sy, _w, _h = g
        return QPointF((pos.x() - t0) * sx, (pos.y() - ytop) * sy)

    def mouseClickEvent(self, ev):
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        local = self.local_from_item(ev.pos())
        inst = self.hit(local) if local is not None else -1
        if inst < 0:
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
        inst = self.hit(local) if local is not None else -1
        self.set_hovered(inst)
        if inst >= 0:
            ev.acceptClicks(Qt.MouseButton.LeftButton)
            if self._view is not None:
                self.setToolTip(self._view.tooltip_text(self.data.ids[int(self.data.inst_ev[inst])]))
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
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

    def _style(self, color: int, kind: int, inferred: bool, conflict: bool, dimmed: bool):
        """(pen, brush, hatch brush or None) of a mark, cached."""
        key = ("style", color, kind, inferred, conflict, dimmed)
        cached = self._brushes.get(key)
        if cached is not None:
            return cached
        white = QColor("#ffffff")
        base = QColor(self.data.colors[color])
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
        fill = with_alpha(fill, fill.alphaF() * alpha)
        outline = with_alpha(outline, outline.alphaF() * alpha)
        pen = self._pen(outline, 1.0, dash=inferred)
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
        if vb is None or len(self.data) == 0:
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
        p.restore()

    def draw(self, p: QPainter, lay: FrameLayout) -> None:
        d = self.data
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        dim_factor = 0.35 if self.emphasis_active else 1.0

        # density bands: one image row per lane, stretched over the lane
        if lay.density:
            cmax = max(float(c.max()) for _, c, _ in lay.density) or 1.0
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            for k, counts, emph in lay.density:
                lane = d.lanes[k]
                top = (lane.top - lay.ytop) * lay.sy + 3
                h = lane.height * lay.sy - 6
                self._draw_density(p, counts, lane.color, cmax, dim_factor, top, h, lay.nbins)
                if emph is not None and emph.any():
                    self._draw_density(p, emph, lane.color.darker(130), max(1.0, float(emph.max())), 1.0,
                                       top + h * 0.25, h * 0.5, lay.nbins)

        if not len(lay.inst):
            return
        ev = d.inst_ev[lay.inst]
        st = self.ev_state[ev]
        is_sel = ev == self.selected
        # draw order: dimmed, normal, emphasised, hovered, selected; within a rank, grouped by style
        rank = np.where(is_sel, 4, np.where(st == 1, 2, np.where(st == 2, 0, 1)))
        if self.hovered >= 0:
            rank = np.where(lay.inst == self.hovered, np.maximum(rank, 3), rank)
        kinds = d.ev_kind[ev].astype(np.int64)
        colors = d.ev_color[ev].astype(np.int64)
        inferred = d.ev_inferred[ev]
        conflict = d.ev_conflict[ev]
        dimmed = st == 2
        style_key = (((colors * 3 + kinds) * 2 + inferred) * 2 + conflict) * 2 + dimmed
        layer = np.choose(kinds, [2, 1, 0])  # within a rank: spans at the back, then months/years, days on top
        order = np.lexsort((style_key, layer, rank))
        # identical marks (same place, size and style: e.g. many year-only events of one year piled in an
        # overflowing sub-row) are painted once
        sig = np.stack([np.round(lay.left, 1), np.round(lay.right, 1), np.round(lay.yc, 1),
                        style_key.astype(np.float64), rank.astype(np.float64)], axis=1)[order]
        same = np.zeros(len(order), dtype=bool)
        if len(order) > 1:
            same[1:] = np.all(sig[1:] == sig[:-1], axis=1)
        order = order[~same]
        r = lay.radius
        hh = lay.half_h
        W = lay.width
        left_a, right_a, yc_a = lay.left.tolist(), lay.right.tolist(), lay.yc.tolist()
        badges = []
        rings: list[tuple[int, int]] = []  # (position, 2 selected / 1 emphasised or hovered)
        current = None
        hatch = None
        aa = True
        for j in order.tolist():
            key = int(style_key[j])
            if key != current:
                current = key
                pen, brush, hatch = self._style(int(colors[j]), int(kinds[j]), bool(inferred[j]),
                                                bool(conflict[j]), bool(dimmed[j]))
                p.setPen(pen)
                p.setBrush(brush)
            kind = int(kinds[j])
            y = yc_a[j]
            left, right = left_a[j], right_a[j]
            rk = int(rank[j])
            if kind == DAY:
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
                rect = QRectF(x0, round(y - hh) + 0.5, max(x1 - x0, 1.0), round(2 * hh))
                p.drawRect(rect)
                if hatch is not None:
                    p.setPen(Qt.PenStyle.NoPen)
                    p.setBrush(hatch)
                    p.drawRect(rect)
                    p.setPen(pen)
                    p.setBrush(brush)
                if conflict[j]:
                    badges.append((max(left, 0.0) + 1, y - hh - 1, bool(dimmed[j])))
            if rk >= 2:
                rings.append((j, 2 if rk == 4 else 1))

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
                rect = lab.rect
                baseline = rect.center().y() + (ascent - descent) / 2
                if lab.inside:
                    fill = d.colors[int(d.ev_color[e])]
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

    @staticmethod
    def _draw_density(p: QPainter, counts: np.ndarray, color: QColor, cmax: float, factor: float, top: float,
                      h: float, nb: int) -> None:
        c = counts.astype(np.float64)
        alpha = np.where(c > 0, 0.18 + 0.72 * np.log1p(c) / math.log1p(max(cmax, 1.0)), 0.0) * factor
        a = np.clip(alpha * 255, 0, 255).astype(np.uint32)
        argb = (a << 24) | (np.uint32(color.red()) << 16) | (np.uint32(color.green()) << 8) | np.uint32(color.blue())
        argb = np.ascontiguousarray(argb.reshape(1, -1))
        img = QImage(argb.data, argb.shape[1], 1, argb.shape[1] * 4, QImage.Format.Format_ARGB32).copy()
        p.drawImage(QRectF(0, top, nb * BIN_PX, max(h, 1.0)), img)


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
        y0, y1 = utc_year(max(t0, -2e10)), utc_year(min(t1, 2.5e11)) + 1
        year_px = YEAR_SPACING * sx
        if year_px * 12 >= 14 * 12 and (y1 - y0) < 400:
            month_px = MONTH_SPACING * sx
            if month_px >= 14:
                day_px = DAY_SPACING * sx
                if day_px >= 16:
                    p.setPen(QPen(MONTH_LINE, 1))
                    start = math.floor(t0 / DAY_SPACING) * DAY_SPACING
                    t = start
                    while t <= t1:
                        x = round((t - t0) * sx) + 0.5
                        p.drawLine(QPointF(x, 0), QPointF(x, y_end))
                        t += DAY_SPACING
                p.setPen(QPen(YEAR_LINE if day_px >= 16 else MONTH_LINE, 1))
                for y in range(y0, y1 + 1):
                    for m in range(1, 13):
                        t = calendar.timegm((y, m, 1, 0, 0, 0))
                        if t0 <= t <= t1 and m != 1:
                            x = round((t - t0) * sx) + 0.5
                            p.drawLine(QPointF(x, 0), QPointF(x, y_end))
        if year_px >= 4 and (y1 - y0) < 2000:
            for y in range(y0, y1 + 1):
                t = calendar.timegm((y, 1, 1, 0, 0, 0))
                if t0 <= t <= t1:
                    strong = y % 10 == 0 and year_px < 40
                    p.setPen(QPen(DECADE_LINE if strong or year_px > 400 else YEAR_LINE, 1))
                    x = round((t - t0) * sx) + 0.5
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
        """Greedy word wrap into at most ``max_lines`` lines, the last one elided."""
        if fm.horizontalAdvance(text) <= width or max_lines <= 1:
            return [fm.elidedText(text, Qt.TextElideMode.ElideRight, width)]
        words = text.split()
        lines: list[str] = []
        cur = ""
        for i, word in enumerate(words):
            trial = f"{cur} {word}".strip()
            if fm.horizontalAdvance(trial) <= width or not cur:
                cur = trial
                continue
            lines.append(cur)
            if len(lines) == max_lines - 1:
                cur = " ".join(words[i:])
                break
            cur = word
        lines.append(cur)
        return [fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines[:max_lines]]

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
            p.setBrush(lane.color)
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
# date axis (UTC)
# =========================================================================================================
_YEAR_MONTH = ZoomLevel([TickSpec(YEAR_SPACING, makeYStepper(1), "%Y", autoSkip=[1, 2, 5, 10, 25]),
                         TickSpec(MONTH_SPACING, makeMStepper(1), "%b", autoSkip=[1, 3, 6])], "YYYY")
_MONTH_DAY = ZoomLevel([TickSpec(MONTH_SPACING, makeMStepper(1), "%b %Y"),
                        TickSpec(DAY_SPACING, makeSStepper(DAY_SPACING), "%d", autoSkip=[1, 2, 5, 10])],
                       "Sep 2019")
_DAY = ZoomLevel([TickSpec(DAY_SPACING, makeSStepper(DAY_SPACING), "%a %d %b", autoSkip=[1, 2, 7])],
                 "Wed 00 Sep")


class TimelineDateAxis(pg.DateAxisItem):
    """A UTC date axis with three zoom levels (years/months, months/days, days) and no hours: the corpus
    knows dates to the day at best."""

    def __init__(self, orientation: str = "bottom", **kwargs):
        super().__init__(orientation, utcOffset=0, **kwargs)
        from collections import OrderedDict

        self.zoomLevels = OrderedDict([(np.inf, _YEAR_MONTH), (5 * DAY_SPACING, _MONTH_DAY),
                                       (1.2 * DAY_SPACING, _DAY)])
        self.last_text: list[str] = []

    def tickStrings(self, values, scale, spacing):
        level = getattr(self, "zoomLevel", _YEAR_MONTH)
        out = []
        dates = [datetime.fromtimestamp(v, UTC) for v in values]
        rng = getattr(self, "range", None)
        for i, d in enumerate(dates):
            if spacing == YEAR_SPACING:
                out.append(str(d.year))
            elif spacing == MONTH_SPACING:
                if level is _YEAR_MONTH:
                    s = d.strftime("%b")
                    if i == 0 and rng is not None and not self._year_start_in(rng):
                        s = f"{s} {d.year}"  # no year tick in view: say which year once
                    out.append(s)
                else:
                    out.append(f"{d.strftime('%b')} {d.year}")
            elif spacing == DAY_SPACING:
                if level is _DAY:
                    out.append(f"{d.strftime('%a')} {d.day} {d.strftime('%b')}")
                elif i == 0 and rng is not None and not self._month_start_in(rng):
                    out.append(f"{d.day} {d.strftime('%b')}")  # no month tick in view: say which month once
                else:
                    out.append(str(d.day))
            else:
                out.append(d.strftime("%Y-%m-%d"))
        return out

    @staticmethod
    def _year_start_in(rng) -> bool:
        lo, hi = min(rng), max(rng)
        margin = 0.03 * (hi - lo)
        return calendar.timegm((utc_year(lo + margin) + 1, 1, 1, 0, 0, 0)) <= hi - margin

    @staticmethod
    def _month_start_in(rng) -> bool:
        lo, hi = min(rng), max(rng)
        margin = 0.03 * (hi - lo)  # a tick at the very edge has no room for its label
        lo, hi = lo + margin, hi - margin
        d = datetime.fromtimestamp(lo, UTC)
        y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        return calendar.timegm((y, m, 1, 0, 0, 0)) <= hi

    def generateDrawSpecs(self, p):
        specs = super().generateDrawSpecs(p)
        if specs is not None:
            self.last_text = [t for _r, _f, t in specs[2]]
        return specs

    def current_ticks(self) -> list[tuple[float, str]]:
        """The (value, text) of the tick labels as the axis draws them now."""
        img = QImage(8, 8, QImage.Format.Format_ARGB32)
        p = QPainter(img)
        try:
            specs = self.generateDrawSpecs(p)
        finally:
            p.end()
        if specs is None:
            return []
        out = []
        # map label centres back to values, snapped to the exact tick values of the current zoom level
        (lo, hi) = self.range
        bounds = self.mapRectFromParent(self.geometry())
        exact = np.array(sorted(v for _spacing, values in self.tickValues(lo, hi, max(bounds.width(), 1.0))
                                for v in values))
        for rect, _flags, text in specs[2]:
            frac = (rect.center().x() - bounds.left()) / max(bounds.width(), 1.0)
            v = lo + frac * (hi - lo)
            if len(exact):
                v = float(exact[int(np.argmin(np.abs(exact - v)))])
            out.append((v, text))
        return out


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
        lo, hi = x_limits
        self.edges = np.linspace(lo, hi, self.BINS + 1)
        self.counts = np.histogram(x0, self.edges)[0].astype(np.float64) if len(x0) else np.zeros(self.BINS)
        self.emph = (np.histogram(emph_x0, self.edges)[0].astype(np.float64)
                     if emph_x0 is not None and len(emph_x0) else np.zeros(self.BINS))
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
        n = len(self.counts)
        for counts, color in ((self.counts, QColor("#7d8899")), (self.emph, QColor("#2b2b2b"))):
            nz = np.flatnonzero(counts)
            if not len(nz):
                continue
            hh = (np.sqrt(counts[nz] / counts.max()) * 0.82 + 0.12) * h
            x0 = np.floor(nz * w / n)
            x1 = np.maximum(np.floor((nz + 1) * w / n), x0 + 1)
            p.setBrush(color)
            p.drawRects([QRectF(a, h - b, c - a, b) for a, b, c in zip(x0.tolist(), hh.tolist(), x1.tolist())])
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

    ENTRIES: ClassVar[tuple[str, ...]] = ("day", "approx", "span", "inferred", "conflict", "selected", "density")
    LABELS: ClassVar[dict[str, str]] = {"day": "Day", "approx": "Month / year (approximate)", "span": "Span", "inferred": "Inferred date",
              "conflict": "Sources disagree", "selected": "Selected", "density": "Many events (zoom in)"}

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timelineLegend")
        self.font_ = style.ui_font(8.5)
        self.range_text = ""
        self.color = QColor(style.FALLBACK_THEME_COLORS[0])
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(26)
        self.setAutoFillBackground(False)

    def sizeHint(self) -> QSize:
        return QSize(800, 26)

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
        elif key == "density":
            p.setPen(Qt.PenStyle.NoPen)
            for i, a in enumerate((0.25, 0.55, 0.85, 0.45)):
                p.setBrush(with_alpha(c, a))
                p.drawRect(QRectF(x + i * 4.5, cy - 5, 4.5, 10))
