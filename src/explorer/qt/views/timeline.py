"""The timeline: every event of the corpus on a UTC date axis, in lanes by theme or by actor.

It renders ``AppState`` and expresses user intent only through it (``state.select``,
``state.set_time_window``). The layout (lanes, culling, level of detail, label placement) is Qt-free, in
``explorer.core.layout.timeline``; the painting is in ``timeline_items``; this module assembles the widgets
and keeps them in step with the state.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollBar,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.layout.timeline import (
    APPROX,
    DAY,
    DAY_SPACING,
    MONTH_SPACING,
    ROW_MAX_PX,
    SPAN,
    TimelineData,
    emphasis_for,
    neighbours_for,
)
from ...core.filters import visible_events
from ...core.layout.timeline_patch import follow_change
from ...core.model import PartialDate, daycount
from ..bridge import AppState
from . import style
from .base import View
from .timeline_items import (
    EventsItem,
    LaneAxis,
    LaneBackgroundItem,
    LegendBar,
    OverviewItem,
    TimelineDateAxis,
    label_rect,
    timeline_data,
)
from .widgets import ElidedLabel


DAY_S = 86400.0
EMPTY_HINT = ("No events yet: select text in a document and choose New Event from Selection.\n"
              "To write a corpus by hand, see “The corpus format” in the README (events.json).")
REFLOW_MS = 180  # after a pan stops, the rows are restacked for the new window's edges
MIN_WINDOW = 3 * DAY_S  # the deepest zoom: three days across the view
ZOOM_STEP = 1.5  # +/- keys and buttons
LANE_MODES = (("theme", "by theme"), ("actor", "by actor"))


def format_range(t0: float, t1: float) -> str:
    """A readable form of a visible window, at a precision that suits its length."""
    (ay, am, ad), (by, bm, bd) = daycount.from_seconds(t0), daycount.from_seconds(max(t0, t1 - 1))
    era = ay < 0  # '500 BCE – 30 CE' across the turn of the era, '500 BCE – 258 BCE' before it
    a, b = daycount.year_text(ay, era), daycount.year_text(by, era)
    span = t1 - t0
    abbr = daycount.MONTH_ABBR
    if span >= 3 * 365 * DAY_S:
        return f"{a} – {b}"
    if span >= 80 * DAY_S:
        return f"{abbr[am - 1]} {a} – {abbr[bm - 1]} {b}"
    return f"{ad} {abbr[am - 1]} {a} – {bd} {abbr[bm - 1]} {b}"


class TimelineView(View):
    """Events on a time axis. Wheel zooms and drag pans along time; +/- zoom, Home fits, Left/Right step
    through the visible events; click selects, double-click zooms to an event; the strip below shows the
    whole range with the visible window as a draggable box."""

    title = "Timeline"
    view_name = "timeline"

    laneModeChanged = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._lane_mode = "theme"
        self._syncing = False  # True while the view follows the state (no echo back)
        self._closed = False
        self._data = TimelineData()
        self._visible = np.zeros(0, dtype=bool)
        self._overview_key = None  # what the overview's histogram was counted for
        self._full = state.full_range()
        self._x_limits = self._full
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # -- toolbar -------------------------------------------------------------------------------------
        self.toolbar = QWidget(self)
        self.toolbar.setObjectName("timelineToolbar")
        bar = QHBoxLayout(self.toolbar)
        bar.setContentsMargins(8, 4, 8, 4)
        bar.setSpacing(6)
        lanes_label = QLabel("Lanes", self.toolbar)
        lanes_label.setFont(style.ui_font(9))
        self.lane_combo = QComboBox(self.toolbar)
        self.lane_combo.setFont(style.ui_font(9))
        for key, text in LANE_MODES:
            self.lane_combo.addItem(text, key)
        self.lane_combo.setToolTip("Group the events in lanes by theme or by actor: an event appears in the "
                                   "lane of each of its themes (hollow where the theme is not its first) or "
                                   "of each of its actors")
        self.lane_combo.currentIndexChanged.connect(self._on_lane_combo_changed)
        lanes_label.setBuddy(self.lane_combo)
        bar.addWidget(lanes_label)
        bar.addWidget(self.lane_combo)
        bar.addStretch(1)
        hint = ElidedLabel("Wheel: zoom · drag: pan · ←/→: previous/next event · double-click: zoom to event "
                           "(on empty space: new event)",
                           self.toolbar)
        hint.setFont(style.ui_font(8.5))
        hint.setStyleSheet(f"color: {style.MUTED_TEXT}")
        hint.setToolTip(hint.text())
        bar.addWidget(hint, 1)
        bar.addSpacing(8)
        self._buttons = {}
        for key, text, tip in (("out", "−", "Zoom out (−)"), ("in", "+", "Zoom in (+)"),
                               ("fit", "Fit all", "Show the whole time range (Home)")):
            b = QToolButton(self.toolbar)
            b.setText(text)
            b.setToolTip(tip)
            b.setFont(style.ui_font(9))
            b.setAutoRaise(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            bar.addWidget(b)
            self._buttons[key] = b
        self._buttons["out"].clicked.connect(lambda: self.zoom(ZOOM_STEP))
        self._buttons["in"].clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        self._buttons["fit"].clicked.connect(self.fit_all)

        # -- main plot -----------------------------------------------------------------------------------
        self.date_axis = TimelineDateAxis("bottom")
        self.lane_axis = LaneAxis()
        self.plot_widget = pg.PlotWidget(self, background=style.BACKGROUND, enableMenu=False,
                                         axisItems={"bottom": self.date_axis, "left": self.lane_axis})
        self.plot_widget.setObjectName("timelinePlot")
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot_widget.setMinimumHeight(160)
        self.plot_widget.setFrameShape(self.plot_widget.Shape.NoFrame)
        plot = self.plot_widget.getPlotItem()
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.layout.setContentsMargins(0, 4, 14, 0)
        self._style_axis(self.date_axis)
        self.vb = plot.getViewBox()
        self.vb.setMouseEnabled(x=True, y=False)
        self.vb.invertY(True)
        self.vb.disableAutoRange()
        self.vb.setDefaultPadding(0.0)
        self.background_item = LaneBackgroundItem()
        self.background_item.setZValue(-10)
        self.events_item = EventsItem(self)
        self.events_item.setZValue(10)
        self.vb.addItem(self.background_item, ignoreBounds=True)
        self.vb.addItem(self.events_item, ignoreBounds=True)

        # -- overview strip ------------------------------------------------------------------------------
        self.overview_axis = TimelineDateAxis("bottom")
        self.overview = pg.PlotWidget(self, background=style.BACKGROUND, enableMenu=False,
                                      axisItems={"bottom": self.overview_axis})
        self.overview.setObjectName("timelineOverview")
        self.overview.setFixedHeight(62)
        self.overview.setFrameShape(self.overview.Shape.NoFrame)
        self.overview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        ov = self.overview.getPlotItem()
        ov.hideButtons()
        ov.setMenuEnabled(False)
        ov.layout.setContentsMargins(0, 2, 14, 0)
        left = ov.getAxis("left")
        left.setWidth(LaneAxis.WIDTH)
        left.setStyle(showValues=False, tickLength=0)
        left.setPen(pg.mkPen(None))
        left.setLabel("")
        self._style_axis(self.overview_axis, size=8)
        self.ov_vb = ov.getViewBox()
        self.ov_vb.setMouseEnabled(x=False, y=False)
        self.ov_vb.disableAutoRange()
        self.ov_vb.setDefaultPadding(0.0)
        self.ov_vb.invertY(True)
        self.overview_item = OverviewItem(on_click=self._on_overview_clicked)
        self.ov_vb.addItem(self.overview_item, ignoreBounds=True)
        self.region = pg.LinearRegionItem(orientation="vertical", swapMode="block",
                                          brush=QColor(61, 111, 180, 40), hoverBrush=QColor(61, 111, 180, 70),
                                          pen=pg.mkPen(QColor(61, 111, 180), width=1.5),
                                          hoverPen=pg.mkPen(QColor(40, 80, 150), width=2.5))
        self.region.setZValue(20)
        self.ov_vb.addItem(self.region, ignoreBounds=True)
        self.region.sigRegionChanged.connect(self._on_region_changed)

        # -- rows beyond the plot's height: a vertical scroll bar ------------------------------------------
        self.row_scroll = QScrollBar(Qt.Orientation.Vertical, self)
        self.row_scroll.setObjectName("timelineRowScroll")
        self.row_scroll.setToolTip("More lanes and rows below: scroll (or Shift+wheel over the plot)")
        self.row_scroll.hide()
        self.row_scroll.valueChanged.connect(self._on_row_scroll)
        self._row_offset = 0.0  # the first row shown, when the rows do not fit the plot
        self._rows_width_key = None  # the window width the rows were last stacked for
        self._reflow = QTimer(self)
        self._reflow.setSingleShot(True)
        self._reflow.setInterval(REFLOW_MS)
        self._reflow.timeout.connect(self._fit_rows)

        # -- empty state -----------------------------------------------------------------------------------
        self.empty_hint = QLabel(self.plot_widget)
        self.empty_hint.setObjectName("timelineEmptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_hint.setFont(style.ui_font(10))
        self.empty_hint.setStyleSheet(f"color: {style.MUTED_TEXT}; background: rgba(255, 255, 255, 230); "
                                      "border: 1px solid #d9dee5; border-radius: 6px; padding: 14px;")
        self.empty_hint.setText(EMPTY_HINT)
        self.empty_hint.hide()

        # -- legend --------------------------------------------------------------------------------------
        self.legend = LegendBar(self)

        # -- assembly ------------------------------------------------------------------------------------
        self._export_frame = QWidget(self)
        self._export_frame.setObjectName("timelineExport")
        self._export_frame.setAutoFillBackground(True)
        pal = self._export_frame.palette()
        pal.setColor(self._export_frame.backgroundRole(), QColor(style.BACKGROUND))
        self._export_frame.setPalette(pal)
        frame = QVBoxLayout(self._export_frame)
        frame.setContentsMargins(0, 0, 0, 0)
        frame.setSpacing(0)
        plot_row = QHBoxLayout()
        plot_row.setContentsMargins(0, 0, 0, 0)
        plot_row.setSpacing(0)
        plot_row.addWidget(self.plot_widget, 1)
        plot_row.addWidget(self.row_scroll, 0)
        frame.addLayout(plot_row, 1)
        frame.addWidget(self.overview, 0)
        frame.addWidget(self.legend, 0)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.toolbar, 0)
        outer.addWidget(self._export_frame, 1)
        self._export_frame.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        # -- wiring --------------------------------------------------------------------------------------
        self.vb.sigXRangeChanged.connect(self._on_view_range_changed)
        self.vb.sigXRangeChanged.connect(self._fit_rows)
        self.vb.sigResized.connect(self._on_resized)
        self.plot_widget.installEventFilter(self)
        self.plot_widget.viewport().installEventFilter(self)
        self.listen(state.corpusChanged, self._on_corpus_changed)
        self.listen(state.corpusEdited, self._on_corpus_edited)
        self.listen(state.selectionChanged, self._on_selection_changed)
        self.listen(state.timeWindowChanged, self._on_time_window_changed)
        self.listen(state.filtersChanged, self._on_filters_changed)
        self.listen(state.ghostChanged, self._on_ghost_changed)
        self._on_corpus_changed()

    @staticmethod
    def _style_axis(axis: pg.AxisItem, size: float = 9) -> None:
        axis.setStyle(tickFont=style.ui_font(size), tickTextOffset=4, tickLength=-4, autoExpandTextSpace=True)
        axis.setPen(pg.mkPen("#c5cbd3"))
        axis.setTextPen(pg.mkPen(style.MUTED_TEXT))
        axis.setHeight(24 if size < 9 else 28)

    # =====================================================================================================
    # building
    # =====================================================================================================
    def _on_corpus_changed(self) -> None:
        if self._closed:
            return
        self._full = self.state.full_range()
        index = self.state.index
        if index is not None and len(index.ev_start):
            lo = min(self._full[0], float(index.ev_start.min()))
            hi = max(self._full[1], float(index.ev_end.max()))
        else:
            lo, hi = self._full
        pad = max(0.015 * (hi - lo), 45 * DAY_S)
        self._x_limits = _clamped(lo - pad, hi + pad)
        self._rebuild()
        self._syncing = True
        try:
            self.vb.setLimits(xMin=self._x_limits[0], xMax=self._x_limits[1], minXRange=MIN_WINDOW,
                              maxXRange=self._x_limits[1] - self._x_limits[0])
            self.ov_vb.setXRange(*self._x_limits, padding=0)
            self.ov_vb.setYRange(0, 1, padding=0)
            self.region.setBounds(self._x_limits)
            self.vb.setXRange(*self._full, padding=0)
        finally:
            self._syncing = False
        self._after_range_change(push=True)

    def _on_corpus_edited(self, change) -> None:
        """An edit: lanes, marks and labels are rebuilt from the patched index; the visible range stays
        (the scrollable range grows if an event now lies outside it)."""
        if self._closed:
            return
        if not (change.kinds() & {"event", "theme", "entity", "expert"} or change.info):
            self._apply_emphasis(pan=False)  # evidence changed: what the selection emphasises may have too
            return
        if (not change.added and not change.removed and not change.info and change.kinds() == {"event"}
                and self._data.patch(list(change.changed.values()))):
            # a title, summary or mark changed, nothing moved: repaint, don't lay out 100k events again
            self._visible = self._compute_visible() if self.state.filters.active else self._visible
            self._data.rows_key = "stale"  # titles changed: their labels' room is measured again
            self.events_item.set_data(self._data, self._visible, self._x_limits, self._data.total_rows)
            self._apply_emphasis(pan=False)
            self._fit_rows()
            return
        view = self.vb.viewRange()[0]
        self._full = self.state.full_range()
        index = self.state.index
        lo, hi = self._full
        if index is not None and len(index.ev_start):
            lo, hi = min(lo, float(index.ev_start.min())), max(hi, float(index.ev_end.max()))
        pad = max(0.015 * (hi - lo), 45 * DAY_S)
        limits = _clamped(min(lo - pad, self._x_limits[0]), max(hi + pad, self._x_limits[1]))
        if limits != self._x_limits:
            self._x_limits = limits
            self._syncing = True
            try:
                self.vb.setLimits(xMin=limits[0], xMax=limits[1], minXRange=MIN_WINDOW,
                                  maxXRange=limits[1] - limits[0])
                self.ov_vb.setXRange(*limits, padding=0)
                self.region.setBounds(limits)
                self.vb.setXRange(*view, padding=0)
            finally:
                self._syncing = False
        # events moved, came or went, the lanes stay: the data follows in place, restacking only the lanes
        # the edit touched (building it anew takes seconds at 100k events)
        if index is not None and follow_change(self._data, index, change, self._full[1] - self._full[0]):
            self._rebuild(patched=True)
            return
        self._rebuild()

    def _rebuild(self, patched: bool = False) -> None:
        """Lanes and arrays for the current corpus and lane mode (filters and emphasis are applied on top);
        ``patched``: the data already follows the corpus (``timeline_patch``), only show it."""
        index, span = self.state.index, self._full[1] - self._full[0]
        if not patched:
            prepared = index.prepared.pop(("timeline", self._lane_mode, span), None) if index is not None else None
            self._data = prepared if prepared is not None else timeline_data(index, self._lane_mode, full_span=span)
        self._visible = self._compute_visible()
        self.events_item.set_data(self._data, self._visible, self._x_limits, self._data.total_rows)
        self.lane_axis.set_lanes(self._data.lanes)
        self.legend.set_hidden(() if self._lane_mode == "theme" else ("secondary",))
        self._apply_emphasis(pan=False)
        self._fit_rows()
        self._update_y_range()
        index = self.state.index
        empty = index is not None and not len(index.ev_start)
        self.empty_hint.setVisible(empty)
        if empty:
            self._place_empty_hint()

    def _compute_visible(self) -> np.ndarray:
        if not self.state.filters.active:
            return np.ones(len(self._data), dtype=bool)
        d = self._data
        return visible_events(self.state.filters, self.state.index, d.ids, d.ev_x0, d.ev_x1)

    def _min_row_px(self) -> float:
        """The least height of a row: a label's line and a little air."""
        return self.events_item.fm.height() + 3.0

    def _on_resized(self, *_args) -> None:
        if self._closed:
            return
        self._place_empty_hint()
        if not self._fit_rows():
            self._update_y_range()

    def _fit_rows(self, *_args) -> bool:
        """Restack the sub-rows for the labels at this zoom and window (see ``EventsLayout.fit_rows``);
        lanes, their names and the vertical range follow. A zoom restacks at once; a pan keeps the rows
        while it lasts (marks do not jump under the pointer) and restacks for the new window's edges
        ``REFLOW_MS`` after it stops. Returns whether anything changed."""
        if self._closed:
            return False
        t0, t1 = self.vb.viewRange()[0]
        w, h = self.vb.width(), self.vb.height()
        if w <= 0 or h <= 0 or t1 <= t0:
            return False
        width_key = round(math.log(t1 - t0), 3)
        if _args and width_key == self._rows_width_key:  # a pan: reflow when it stops
            self._reflow.start()
            return False
        self._reflow.stop()
        self._rows_width_key = width_key
        if not self.events_item.model.fit_rows(w / (t1 - t0), h / self._min_row_px(), (t0, t1)):
            return False
        self.events_item.update()
        self._update_y_range()
        return True

    def _update_y_range(self, *_args) -> None:
        """Rows fill the plot's height (at most ``ROW_MAX_PX`` each, at least a label's line): when they
        do not fit, the plot shows a part of them and the scroll bar the rest."""
        if self._closed:
            return
        rows = self._data.total_rows
        h = max(1.0, self.vb.height())
        row_px = min(max(h / rows, self._min_row_px()), ROW_MAX_PX)
        shown = h / row_px
        scroll = shown < rows - 1e-6
        self._row_offset = min(max(self._row_offset, 0.0), max(0.0, rows - shown)) if scroll else 0.0
        extent = max(float(rows), shown)
        self.vb.setLimits(yMin=0, yMax=extent, minYRange=shown, maxYRange=shown)
        self.vb.setYRange(self._row_offset, self._row_offset + shown, padding=0)
        self.row_scroll.blockSignals(True)
        self.row_scroll.setRange(0, int(round((rows - shown) * 100)) if scroll else 0)
        self.row_scroll.setPageStep(int(round(shown * 100)))
        self.row_scroll.setSingleStep(100)
        self.row_scroll.setValue(int(round(self._row_offset * 100)))
        self.row_scroll.blockSignals(False)
        if self.row_scroll.isVisible() != scroll and not self.isHidden():
            self.row_scroll.setVisible(scroll)
        self.events_item.set_extent(self._x_limits, extent)
        self.background_item.set_lanes(self._data.lanes, self._x_limits, extent)
        self.lane_axis.set_lanes(self._data.lanes)

    def _on_row_scroll(self, value: int) -> None:
        if self._closed:
            return
        self._row_offset = value / 100.0
        self._update_y_range()

    def scroll_rows(self, rows: float) -> None:
        """Scroll the lanes by ``rows`` (when they do not fit the plot)."""
        if self.row_scroll.maximum() > 0:
            self.row_scroll.setValue(self.row_scroll.value() + int(round(rows * 100)))

    def _place_empty_hint(self) -> None:
        vp = self.plot_widget.size()
        w = min(560, max(200, vp.width() - 80))
        self.empty_hint.setFixedWidth(w)
        self.empty_hint.adjustSize()
        self.empty_hint.move((vp.width() - w) // 2, max(8, (vp.height() - self.empty_hint.height()) // 2 - 20))

    def _update_overview(self) -> None:
        d = self._data
        ev_state = self.events_item.ev_state
        emph_x0 = None
        if self.events_item.emphasis_active and len(d):
            emph_x0 = d.ev_x0[(ev_state == 1) & self._visible]
        sel = self.events_item.selected
        sel_x = float((d.ev_x0[sel] + d.ev_x1[sel]) / 2) if sel >= 0 else None
        # the histogram of every visible event changes with the events, the filters and the range, not
        # with the selection (a second of numpy at a million events): only the emphasised part is new then
        version = getattr(d, "version", 0)
        shown = None if not self.state.filters.active else self._visible  # None: every event
        key = (d, version, shown, self._x_limits)
        last = self._overview_key
        if last is not None and last[0] is d and last[2] is shown and last[3] == key[3]:
            if last[1] == version:
                self.overview_item.set_emphasis(emph_x0, sel_x)
                return
            moves = getattr(d, "moves", None)
            if shown is None and last[1] == version - 1 and moves is not None and moves[2] == version:
                self._overview_key = key  # an edit moved a few events: move their counts
                self.overview_item.move_counts(moves[0], moves[1], emph_x0, sel_x)
                return
        self._overview_key = key
        x0 = d.ev_x0[self._visible] if len(d) else np.zeros(0)
        self.overview_item.set_data(x0, self._x_limits, emph_x0, sel_x)

    # =====================================================================================================
    # state -> view
    # =====================================================================================================
    def _on_selection_changed(self, _item_id=None) -> None:
        if self._closed:
            return
        self._apply_emphasis(pan=True)

    def _apply_emphasis(self, pan: bool) -> None:
        ev_state, selected, active = emphasis_for(self._data, self.state.index, self.state.selection)
        neighbours = neighbours_for(self._data, self.state.index, self.state.selection)
        self.events_item.set_emphasis(ev_state, selected, active, neighbours)
        self._update_overview()
        if pan and selected >= 0 and self._visible[selected]:
            self._reveal(selected)

    def _reveal(self, i: int) -> None:
        """Pan (keeping the zoom when the event fits) so that event ``i`` is in view."""
        self._reveal_rows(i)
        x0, x1 = float(self._data.ev_x0[i]), float(self._data.ev_x1[i])
        t0, t1 = self.vb.viewRange()[0]
        if x0 >= t0 and x1 <= t1:
            return
        w = t1 - t0
        if (x1 - x0) * 1.15 <= w:
            c = (x0 + x1) / 2
            self.set_visible_range(c - w / 2, c + w / 2)
        else:
            self.zoom_to_event(self._data.ids[i])

    def _reveal_rows(self, i: int) -> None:
        """Scroll the rows (when they do not fit the plot) so that event ``i``'s first mark shows."""
        insts = self._data.ev_instances.get(i)
        if not insts or self.row_scroll.maximum() <= 0:
            return
        y = float(self._data.inst_yc[insts[0]])
        y0, y1 = self.vb.viewRange()[1]
        if y0 + 0.5 <= y <= y1 - 0.5:
            return
        self.row_scroll.setValue(int(round((y - (y1 - y0) / 2) * 100)))

    def _on_time_window_changed(self, t0: float, t1: float) -> None:
        if self._closed or self._syncing:
            return
        v0, v1 = self.vb.viewRange()[0]
        tol = 1e-6 * max(1.0, v1 - v0)
        if abs(v0 - t0) <= tol and abs(v1 - t1) <= tol:
            return
        self._syncing = True
        try:
            self.vb.setXRange(t0, t1, padding=0)
        finally:
            self._syncing = False
        self._after_range_change(push=False)

    def _on_filters_changed(self) -> None:
        if self._closed:
            return
        self._visible = self._compute_visible()
        self.events_item.set_visible(self._visible)
        self._update_overview()
        self.legend.set_range_text(self._range_text(*self.visible_range()))

    # =====================================================================================================
    # view -> state
    # =====================================================================================================
    def _on_view_range_changed(self, *_args) -> None:
        if self._closed or self._syncing:
            return
        self._after_range_change(push=True)

    def _after_range_change(self, push: bool) -> None:
        t0, t1 = self.vb.viewRange()[0]
        self._move_region(t0, t1)
        self.legend.set_range_text(self._range_text(t0, t1))
        if push:
            self._syncing = True
            try:
                self.state.set_time_window(t0, t1)
            finally:
                self._syncing = False

    def _range_text(self, t0: float, t1: float) -> str:
        """The window, and how many events lie outside it (the default corpus has one in 1966, before its
        declared 1988-2022): they are a pan or Home away."""
        text = format_range(t0, t1)
        d = self._data
        if len(d) and len(self._visible) == len(d):
            if self.state.filters.active:
                before = int(np.count_nonzero(self._visible & (d.ev_x1 <= t0)))
                after = int(np.count_nonzero(self._visible & (d.ev_x0 >= t1)))
            else:  # every event: they are sorted by start, and none ends before it starts
                head = int(np.searchsorted(d.ev_x0, t0, side="right"))
                before = int(np.count_nonzero(d.ev_x1[:head] <= t0))
                after = len(d) - int(np.searchsorted(d.ev_x0, t1, side="left"))
            if before:
                text = f"‹ {before:,} earlier · {text}"
            if after:
                text = f"{text} · {after:,} later ›"
        return text

    def _move_region(self, t0: float, t1: float) -> None:
        self.overview_item.set_window(t0, t1)
        cur = self.region.getRegion()
        if abs(cur[0] - t0) < 1e-3 and abs(cur[1] - t1) < 1e-3:
            return
        self.region.blockSignals(True)
        try:
            self.region.setRegion((t0, t1))
        finally:
            self.region.blockSignals(False)
        self.region.update()

    def _on_region_changed(self, *_args) -> None:
        if self._closed:
            return
        r0, r1 = self.region.getRegion()
        if r1 - r0 < MIN_WINDOW:
            return
        t0, t1 = self.vb.viewRange()[0]
        if abs(r0 - t0) < 1e-3 and abs(r1 - t1) < 1e-3:
            return
        self.vb.setXRange(r0, r1, padding=0)

    def _on_overview_clicked(self, x: float) -> None:
        t0, t1 = self.vb.viewRange()[0]
        w = t1 - t0
        self.set_visible_range(x - w / 2, x + w / 2)

    def _on_event_clicked(self, i: int, double: bool) -> None:
        eid = self._data.ids[i]
        if double:
            self.zoom_to_event(eid)
        else:
            self.state.select(eid)

    def _on_lane_combo_changed(self, _index: int) -> None:
        self.set_lane_mode(self.lane_combo.currentData())

    def _on_cluster_clicked(self, t0: float, t1: float) -> None:
        """Zoom in on marks drawn over one another, until they part (or as deep as the view goes)."""
        v0, v1 = self.vb.viewRange()[0]
        pad = max(0.3 * (t1 - t0), 2 * DAY_S)
        lo, hi = t0 - pad, t1 + pad
        if hi - lo >= 0.8 * (v1 - v0):  # they cover the view already: zoom in around them
            c = (t0 + t1) / 2
            w = (v1 - v0) / 4
            lo, hi = c - w / 2, c + w / 2
        self.set_visible_range(lo, hi)

    def _on_empty_double_click(self, t: float, row: float) -> None:
        """A new event here: ask for its form with the date at the precision the zoom shows, and the lane's
        theme (lanes by theme)."""
        t0, t1 = self.vb.viewRange()[0]
        sx = self.vb.width() / max(t1 - t0, 1.0)
        y, m, d = daycount.from_seconds(min(max(t, _FIRST_T), _LAST_T))
        if DAY_SPACING * sx >= 12:
            date = str(PartialDate(y, m, d))
        elif MONTH_SPACING * sx >= 24:
            date = str(PartialDate(y, m))
        else:
            date = str(PartialDate(y))
        fields = {"date": date}
        if self._lane_mode == "theme":
            for lane in self._data.lanes:
                if lane.top <= row < lane.top + lane.height:
                    if self.state.index is not None and self.state.index.kind_of(lane.key) == "theme":
                        fields["theme"] = lane.key
                    break
        self.state.request_item_form("event", **fields)

    def _on_ghost_changed(self, span) -> None:
        if not self._closed:
            self.events_item.set_ghost(span)

    def ghost(self) -> tuple[float, float, str] | None:
        """The ghost mark shown now (``state.set_ghost``), or None."""
        return self.events_item.ghost

    # =====================================================================================================
    # navigation (public)
    # =====================================================================================================
    def set_visible_range(self, t0: float, t1: float) -> None:
        """Show [t0, t1) (clamped to the pan limits); the state's time window follows."""
        lo, hi = self._x_limits
        w = min(max(t1 - t0, MIN_WINDOW), hi - lo)
        t0 = max(t0, lo)
        if t0 + w > hi:
            t0 = hi - w
        self.vb.setXRange(t0, t0 + w, padding=0)

    def visible_range(self) -> tuple[float, float]:
        t0, t1 = self.vb.viewRange()[0]
        return float(t0), float(t1)

    def zoom(self, factor: float, center: float | None = None) -> None:
        """Scale the visible window by ``factor`` (<1 zooms in) around ``center`` (default: the middle)."""
        t0, t1 = self.vb.viewRange()[0]
        c = (t0 + t1) / 2 if center is None else center
        w = (t1 - t0) * factor
        frac = (c - t0) / (t1 - t0)
        self.set_visible_range(c - frac * w, c - frac * w + w)

    def fit_all(self) -> None:
        self.set_visible_range(*self._full)

    def zoom_to_event(self, event_id: str) -> None:
        i = self._data.pos.get(event_id)
        if i is None:
            return
        x0, x1 = float(self._data.ev_x0[i]), float(self._data.ev_x1[i])
        pad = max(0.2 * (x1 - x0), 12 * DAY_S)
        self.set_visible_range(x0 - pad, x1 + pad)

    def step(self, direction: int) -> str | None:
        """Select the previous (-1) or next (+1) visible event in time order; returns its id."""
        d = self._data
        vis = np.flatnonzero(self._visible)
        if not len(vis):
            return None
        cur = self.events_item.selected
        if cur >= 0 and self._visible[cur]:
            k = int(np.searchsorted(vis, cur))
            k = k + 1 if direction > 0 else k - 1
            if not 0 <= k < len(vis):
                return None
            target = int(vis[k])
        else:
            t0, t1 = self.vb.viewRange()[0]
            if direction > 0:
                cand = vis[d.ev_x0[vis] >= t0]
                target = int(cand[0]) if len(cand) else int(vis[-1])
            else:
                cand = vis[d.ev_x0[vis] < t1]
                target = int(cand[-1]) if len(cand) else int(vis[0])
        eid = d.ids[target]
        self.state.select(eid)
        return eid

    def lane_mode(self) -> str:
        return self._lane_mode

    def set_lane_mode(self, mode: str) -> None:
        if mode not in dict(LANE_MODES) or mode == self._lane_mode:
            return
        self._lane_mode = mode
        k = [m for m, _ in LANE_MODES].index(mode)
        if self.lane_combo.currentIndex() != k:
            self.lane_combo.blockSignals(True)
            self.lane_combo.setCurrentIndex(k)
            self.lane_combo.blockSignals(False)
        self._rebuild()
        self.laneModeChanged.emit(mode)

    # =====================================================================================================
    # keyboard
    # =====================================================================================================
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.plot_widget and event.type() == QEvent.Type.KeyPress and self._handle_key(event):
            return True
        if (event.type() == QEvent.Type.Wheel and obj is self.plot_widget.viewport()
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self.row_scroll.maximum() > 0):
            d = event.angleDelta()
            self.scroll_rows(-(d.y() or d.x()) / 120 * 2)  # Shift+wheel: the rows, two per notch
            event.accept()
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:
        if not self._handle_key(event):
            super().keyPressEvent(event)

    def _handle_key(self, event) -> bool:
        key = event.key()
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                | Qt.KeyboardModifier.MetaModifier):
            return False
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1 / ZOOM_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(ZOOM_STEP)
        elif key == Qt.Key.Key_Home:
            self.fit_all()
        elif key == Qt.Key.Key_Right:
            self.step(+1)
        elif key == Qt.Key.Key_Left:
            self.step(-1)
        else:
            return False
        event.accept()
        return True

    # =====================================================================================================
    # queries (tests, export)
    # =====================================================================================================
    def lane_names(self) -> list[str]:
        return [lane.name for lane in self._data.lanes]

    def emphasised_ids(self) -> set[str]:
        """Events drawn emphasised: the selected event, or the events linked to the selected item."""
        item = self.events_item
        if item.selected >= 0:
            return {self._data.ids[item.selected]} if self._visible[item.selected] else set()
        idx = np.flatnonzero((item.ev_state == 1) & self._visible)
        return {self._data.ids[i] for i in idx.tolist()}

    def dimmed_ids(self) -> set[str]:
        idx = np.flatnonzero((self.events_item.ev_state == 2) & self._visible)
        return {self._data.ids[i] for i in idx.tolist()}

    def visible_event_ids(self) -> set[str]:
        """Events the filters let show (in view or not)."""
        return {self._data.ids[i] for i in np.flatnonzero(self._visible).tolist()}

    def drawn_event_ids(self) -> set[str]:
        """Events drawn as individual marks in the current frame (not aggregated into density)."""
        lay = self.events_item.current_layout()
        if lay is None:
            return set()
        return {self._data.ids[i] for i in np.unique(self._data.inst_ev[lay.inst]).tolist()}

    def density_bins(self) -> int:
        """How many density bins (of a few pixels each) are drawn in the current frame."""
        lay = self.events_item.current_layout()
        return 0 if lay is None else lay.dense_bins

    def _local_to_viewport(self) -> tuple[QPointF, float, float] | None:
        lay = self.events_item.current_layout()
        if lay is None:
            return None
        origin = self.plot_widget.mapFromScene(self.vb.mapViewToScene(QPointF(lay.t0, lay.ytop)))
        return QPointF(origin), lay.sx, lay.sy

    def label_rects(self) -> list[tuple[str, str, QRectF]]:
        """(event id, drawn text, rect in plot viewport pixels) of every label drawn now."""
        lay = self.events_item.current_layout()
        m = self._local_to_viewport()
        if lay is None or m is None:
            return []
        origin = m[0]
        return [(self._data.ids[int(self._data.inst_ev[lab.inst])], lab.text, label_rect(lab).translated(origin))
                for lab in lay.labels]

    def visible_labels(self) -> list[str]:
        """Titles of the events whose labels are drawn now (in time order)."""
        lay = self.events_item.current_layout()
        if lay is None:
            return []
        evs = sorted({int(self._data.inst_ev[lab.inst]) for lab in lay.labels})
        return [self._data.titles[i] for i in evs]

    def event_extent(self, event_id: str) -> tuple[float, float, str]:
        """(x0, x1, mark) of an event as drawn: its covered interval in POSIX seconds and 'day', 'approx'
        (a month or a year) or 'span'."""
        i = self._data.pos[event_id]
        kind = {DAY: "day", APPROX: "approx", SPAN: "span"}[int(self._data.ev_kind[i])]
        return float(self._data.ev_x0[i]), float(self._data.ev_x1[i]), kind

    def event_viewport_pos(self, event_id: str) -> QPoint | None:
        """Where to click an event, in plot viewport coordinates (None if it is not in view)."""
        i = self._data.pos.get(event_id)
        if i is None or not self._visible[i]:
            return None
        insts = self._data.ev_instances.get(i, [])
        if not insts:
            return None
        j = insts[0]
        t0, t1 = self.vb.viewRange()[0]
        x0, x1 = float(self._data.inst_x0[j]), float(self._data.inst_x1[j])
        if x1 <= t0 or x0 >= t1:
            return None
        if int(self._data.ev_kind[i]) == DAY:
            x = (x0 + x1) / 2
        else:
            lo, hi = max(x0, t0), min(x1, t1)
            x = lo + min((hi - lo) / 2, 3 * (t1 - t0) / max(self.vb.width(), 1))
        y = float(self._data.inst_yc[j])
        return self.plot_widget.mapFromScene(self.vb.mapViewToScene(QPointF(x, y)))

    def event_at(self, scene_pos: QPointF) -> str | None:
        """The event under a point in scene coordinates of the plot, or None."""
        item_pos = self.events_item.mapFromScene(scene_pos)
        local = self.events_item.local_from_item(item_pos)
        if local is None:
            return None
        inst = self.events_item.hit(local)
        return None if inst < 0 else self._data.ids[int(self._data.inst_ev[inst])]

    def axis_ticks(self) -> list[tuple[float, str]]:
        return self.date_axis.current_ticks()

    def axis_tick_strings(self) -> list[str]:
        """The date axis labels as drawn at the current zoom."""
        return [t for _v, t in self.axis_ticks()]

    def overview_region(self) -> tuple[float, float]:
        r0, r1 = self.region.getRegion()
        return float(r0), float(r1)

    def label_coverage(self) -> float:
        """Labels drawn / events in view (1.0 when no event is in view): how many of the events the window
        shows can be read without hovering."""
        labelled, in_view = self.coverage_counts()
        return labelled / in_view if in_view else 1.0

    def coverage_counts(self) -> tuple[int, int]:
        """(events labelled now, events in view): events the filters let show whose time crosses the
        visible window, and how many of them have a label drawn."""
        d = self._data
        if not len(d):
            return 0, 0
        t0, t1 = self.visible_range()
        in_view = int(np.count_nonzero(self._visible & (d.ev_x1 > t0) & (d.ev_x0 < t1)))
        lay = self.events_item.current_layout()
        labelled = len({int(d.inst_ev[lab.inst]) for lab in lay.labels}) if lay is not None else 0
        return labelled, in_view

    def clusters(self) -> list:
        """The clusters drawn now (marks over one another, with their count)."""
        lay = self.events_item.current_layout()
        return [] if lay is None else list(lay.clusters)

    def cluster_viewport_pos(self, cluster) -> QPoint:
        """Where a cluster's count is drawn, in plot viewport coordinates."""
        from .timeline_items import cluster_rect

        lay = self.events_item.current_layout()
        m = self._local_to_viewport()
        c = cluster_rect(cluster, lay.width, self.events_item.fm_badge).center()
        return (m[0] + c).toPoint()

    def cluster_tooltip(self, cluster) -> str:
        titles = [self._data.titles[int(i)] for i in cluster.events[:8]]
        more = cluster.count - len(titles)
        lines = [f"<b>{cluster.count} events here</b> — click to zoom in"] + [style.esc(t) for t in titles]
        if more > 0:
            lines.append(f"<span style='color:{style.MUTED_TEXT}'>and {more} more</span>")
        return "<br>".join(lines)

    def density_tooltip(self, lane, count: int, t0: float, t1: float) -> str:
        return (f"<b>{style.esc(lane.name)}</b>: {count:,} event{'s' if count != 1 else ''}<br>"
                f"{style.esc(format_range(t0, t1))}<br>"
                f"<span style='color:{style.MUTED_TEXT}'>click or zoom in to see them one by one</span>")

    def tooltip_text(self, event_id: str) -> str:
        ev = self.state.index.items.get(event_id) if self.state.index else None
        if ev is None:
            return ""
        names = self._data.theme_names
        themes = ", ".join(names.get(t, t) for t in ev.themes) or "—"
        lines = [f"<b>{style.esc(ev.title)}</b>",
                 f"{style.esc(ev.date_text or ev.when)}"
                 + (f" <span style='color:{style.MUTED_TEXT}'>({style.esc(ev.when)})</span>"
                    if ev.date_text and ev.date_text != ev.when else ""),
                 f"<span style='color:{style.MUTED_TEXT}'>Themes:</span> {style.esc(themes)}"]
        if ev.inferred:
            lines.append(f"<span style='color:{style.INFERRED_COLOR}'><i>inferred date</i></span>")
        if ev.conflict:
            lines.append(f"<span style='color:{style.CONFLICT_COLOR}'>conflict: {style.esc(ev.conflict)}</span>")
        return "<br>".join(lines)

    # =====================================================================================================
    # export and lifetime
    # =====================================================================================================
    def export_widget(self) -> QWidget:
        return self._export_frame

    def export_caption(self) -> str:
        t0, t1 = self.visible_range()
        text = f"{self.title}: {format_range(t0, t1)}, lanes {dict(LANE_MODES)[self._lane_mode]}"
        item = self.state.item()
        if item is not None:
            text += f" — selected {style.KIND_LABELS.get(item.item_kind, item.item_kind).lower()}: {item.label}"
        if self.state.filters.active:
            text += " (filtered)"
        return text

    def closeEvent(self, event) -> None:
        self.dispose()
        super().closeEvent(event)

    def dispose(self) -> None:
        """Close the plot widgets (pyqtgraph needs an explicit close to avoid crashes at interpreter exit);
        the base class disconnects the state."""
        if self._closed:
            return
        self._closed = True
        self._reflow.stop()
        try:
            self.vb.sigXRangeChanged.disconnect(self._on_view_range_changed)
            self.vb.sigXRangeChanged.disconnect(self._fit_rows)
            self.vb.sigResized.disconnect(self._on_resized)
            self.region.sigRegionChanged.disconnect(self._on_region_changed)
        except (RuntimeError, TypeError):
            pass
        self.plot_widget.removeEventFilter(self)
        self.plot_widget.viewport().removeEventFilter(self)
        self.events_item._view = None
        self.overview_item.on_click = None
        for w in (self.plot_widget, self.overview):
            w.close()
            w.deleteLater()


#: the calendar the axis, the grid and the range labels can show: 9999 BCE to 9999 CE
_FIRST_T = PartialDate(daycount.MIN_YEAR).start_seconds
_LAST_T = PartialDate(daycount.MAX_YEAR).end_seconds - 1.0


def _clamped(lo: float, hi: float) -> tuple[float, float]:
    """The scrollable range, kept inside 9999 BCE – 9999 CE: an event in 9999 (or 9999 BCE) plus the margin
    around it would otherwise ask for year 10000, which no date can show (and a paint that raises takes the app
    down)."""
    return max(lo, _FIRST_T), min(hi, _LAST_T)
