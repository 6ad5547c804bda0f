"""The timeline laid out without Qt: events in lanes and sub-rows, per-frame culling, density binning and
label placement, hit-testing, the calendar grid and the date-axis tick texts.

Everything that scales with the number of events lives in numpy arrays built once per corpus / lane mode
(``TimelineData``) and is culled and aggregated per frame (``EventsLayout.layout``): the per-frame Python
work is bounded by what fits on screen, not by the size of the corpus.

Geometry is in pixels of the view (``FrameLayout``), times in POSIX seconds (UTC). Text widths come from the
caller (``TextMetrics``: a ``QFontMetricsF`` on the Qt side, any ``str -> float`` in tests). Colours are
colour strings ("#8d96a3"); the Qt side turns them into ``QColor``.
"""

from __future__ import annotations

import bisect
import calendar
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from ..model.dates import Precision
from .text import elide_right

# -- kinds of marks ---------------------------------------------------------------------------------------
DAY, APPROX, SPAN = 0, 1, 2

# -- calendar spacings (seconds; the values pyqtgraph's date axis uses) ------------------------------------
DAY_SPACING = 24 * 3600
MONTH_SPACING = 30 * DAY_SPACING
YEAR_SPACING = 365 * DAY_SPACING

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

OTHER_COLOR = "#8d96a3"
ACTOR_LANE_COLOR = "#6b7a8f"

# -- emphasis states of an event ----------------------------------------------------------------------------
NORMAL, EMPHASISED, DIMMED = 0, 1, 2


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
    color: str  # a colour string
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

    ``mode`` is "theme" (one lane per first theme, then "Other") or "actor" (one lane per actor among the
    ``MAX_ACTOR_LANES`` most frequent, then "Other actors" and "No actor named"). Colours: a theme's own
    colour, else ``theme_colors`` in turn; an actor lane takes ``kind_colors`` of the actor's kind.
    """

    def __init__(self, index=None, mode: str = "theme", full_span: float | None = None,
                 theme_colors: Sequence[str] = (), kind_colors: Mapping[str, str] | None = None):
        self.mode = mode
        kind_colors = kind_colors or {}
        view = index.events if index is not None else []
        table = getattr(view, "table", None)
        if table is not None:  # read the event columns directly: no 100k items built
            self.ids = list(view.ids())
            n = len(self.ids)
            rows = view.rows()
            sy, sm, sd, ey, em, ed = table.dates(rows)
            span = (ey > 0) & ((ey != sy) | (em != sm) | (ed != sd))
            self.ev_kind = np.where(span, SPAN, np.where(sd > 0, DAY, APPROX)).astype(np.int8)
            self.ev_inferred = table.flags(rows) if n else np.zeros(0, dtype=bool)
            rl = rows.tolist()
            conflict, titles = table.text["conflict"], table.text["title"]
            themes_col, actors_col = table.refs["themes"], table.refs["actors"]
            self.ev_conflict = np.array([bool(conflict[r]) for r in rl], dtype=bool)
            self.titles = [titles[r] for r in rl]
            ev_themes = [themes_col[r] for r in rl]
            ev_actors = [actors_col[r] for r in rl]
            self.events = view  # items built on access (a tooltip, a patch)
        else:
            events = list(view)
            self.events = events
            n = len(events)
            self.ids = [e.id for e in events]
            self.ev_kind = np.array([SPAN if e.is_span else (DAY if e.start.precision == Precision.DAY else APPROX)
                                     for e in events], dtype=np.int8)
            self.ev_inferred = np.array([bool(e.inferred) for e in events], dtype=bool)
            self.ev_conflict = np.array([bool(e.conflict) for e in events], dtype=bool)
            self.titles = [e.title for e in events]
            ev_themes = [e.themes for e in events]
            ev_actors = [e.actors for e in events]
        self.pos = {eid: i for i, eid in enumerate(self.ids)}
        self.ev_x0 = (np.array(index.ev_start, dtype=np.float64) if n else np.zeros(0))
        self.ev_x1 = (np.array(index.ev_end, dtype=np.float64) if n else np.zeros(0))

        # colours: one per theme, in corpus order; events take the colour of their first theme
        corpus = index.corpus if index is not None else None
        themes = list(corpus.themes) if corpus is not None else []
        self.colors: list[str] = [OTHER_COLOR]
        theme_color: dict[str, int] = {}
        for i, t in enumerate(themes):
            theme_color[t.id] = len(self.colors)
            fallback = theme_colors[i % len(theme_colors)] if theme_colors else OTHER_COLOR
            self.colors.append(t.color or fallback)
        self.ev_color = np.array([theme_color.get(t[0], 0) if t else 0 for t in ev_themes], dtype=np.int16)
        self.theme_names = {t.id: t.name for t in themes}

        # lanes and instances
        lanes: list[Lane] = []
        pairs: list[tuple[int, int]] = []  # (event index, lane index)
        if mode == "actor":
            counts: dict[str, int] = {}
            for actors in ev_actors:
                for a in dict.fromkeys(actors):
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
                lanes.append(Lane(a, label(a), kind_colors.get(kind or "", ACTOR_LANE_COLOR)))
            other = none = None
            for i, actors in enumerate(ev_actors):
                targets = []
                for a in dict.fromkeys(actors):
                    if a in lane_of:
                        targets.append(lane_of[a])
                    else:
                        if other is None:
                            other = len(lanes)
                            lanes.append(Lane(OTHER_ACTORS, "Other actors", OTHER_COLOR))
                        targets.append(other)
                if not targets:
                    if none is None:
                        none = len(lanes)
                        lanes.append(Lane(NO_ACTOR, "No actor named", OTHER_COLOR))
                    targets.append(none)
                for lane in dict.fromkeys(targets):
                    pairs.append((i, lane))
            # keep "Other actors" and "No actor named" at the bottom
            order = sorted(range(len(lanes)), key=lambda k: (lanes[k].key in (OTHER_ACTORS, NO_ACTOR),
                                                             lanes[k].key == NO_ACTOR, k))
        else:
            first = [t[0] if t else OTHER_THEME for t in ev_themes]
            used = set(first)
            lane_of = {}
            for t in themes:
                if t.id in used:
                    lane_of[t.id] = len(lanes)
                    lanes.append(Lane(t.id, t.name, self.colors[theme_color[t.id]]))
            for tid in dict.fromkeys(first):  # themes referenced but not declared, then "Other"
                if tid not in lane_of and tid != OTHER_THEME:
                    lane_of[tid] = len(lanes)
                    lanes.append(Lane(tid, tid, OTHER_COLOR))
            if OTHER_THEME in used:
                lane_of[OTHER_THEME] = len(lanes)
                lanes.append(Lane(OTHER_THEME, "Other", OTHER_COLOR))
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
        return len(self.ids)

    def patch(self, old_new: Sequence[tuple]) -> bool:
        """Follow an edit of events in place when it moves nothing: same dates, same themes (and actors,
        in actor mode). Titles, summaries, inferred and conflict marks change; lanes, rows and order stay.
        Returns False (and changes nothing) when any event moves: then build the data anew."""
        at = []
        for old, new in old_new:
            i = self.pos.get(old.id)
            if (i is None or old.start != new.start or old.end != new.end or old.themes[:1] != new.themes[:1]
                    or (self.mode == "actor" and list(dict.fromkeys(old.actors)) != list(dict.fromkeys(new.actors)))):
                return False
            at.append((i, new))
        for i, new in at:
            if isinstance(self.events, list):
                self.events[i] = new
            self.titles[i] = new.title
            self.ev_inferred[i] = bool(new.inferred)
            self.ev_conflict[i] = bool(new.conflict)
        return True


def emphasis_for(data: TimelineData, index, selection: str | None) -> tuple[np.ndarray, int, bool]:
    """(state per event, selected event index or -1, whether emphasis is active) for a selection: an event
    is selected itself; any other item emphasises its ``index.linked_events`` and dims the rest."""
    n = len(data)
    ev_state = np.zeros(n, dtype=np.int8)
    selected = -1
    active = False
    if selection is not None and index is not None and n:
        kind = index.kind_of(selection)
        if kind == "event":
            selected = data.pos.get(selection, -1)
        elif kind is not None:
            active = True
            ev_state[:] = DIMMED
            for eid in index.linked_events(selection):
                i = data.pos.get(eid)
                if i is not None:
                    ev_state[i] = EMPHASISED
    return ev_state, selected, active


# =========================================================================================================
# per-frame layout
# =========================================================================================================
@dataclass(frozen=True)
class TextMetrics:
    """How wide texts are, for placing labels: ``width`` (and ``bold_width`` for the selected event's label;
    default ``width``) in pixels, the line ``height``, and how to elide a text to a width (default:
    ``elide_right`` with the width function)."""

    width: Callable[[str], float]
    height: float
    bold_width: Callable[[str], float] | None = None
    elide: Callable[[str, float], str] | None = None
    bold_elide: Callable[[str, float], str] | None = None

    def advance(self, text: str, bold: bool = False) -> float:
        return (self.bold_width or self.width)(text) if bold else self.width(text)

    def elided(self, text: str, avail: float, bold: bool = False) -> str:
        fn = (self.bold_elide or self.elide) if bold else self.elide
        if fn is not None:
            return fn(text, avail)
        return elide_right(text, avail, (self.bold_width or self.width) if bold else self.width)


@dataclass
class Label:
    inst: int  # instance index
    x: float  # the text's box, in local pixels (relative to the top-left of the view)
    y: float
    width: float
    height: float
    text: str  # what is drawn (possibly elided)
    inside: bool = False  # drawn inside a solid span bar (light text on dark fill)
    bold: bool = False

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


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


@dataclass
class MarkOrder:
    """How to paint the marks of a frame: ``order`` (positions in the frame's arrays, back to front, marks
    identical to the one before left out) and, per position, the paint ``rank`` (0 dimmed, 1 normal,
    2 emphasised, 3 hovered, 4 selected), ``kinds``, ``colors``, ``inferred``, ``conflict``, ``dimmed`` and
    the ``style_key`` that groups marks drawn with the same pen and brush."""

    order: np.ndarray
    rank: np.ndarray
    kinds: np.ndarray
    colors: np.ndarray
    inferred: np.ndarray
    conflict: np.ndarray
    dimmed: np.ndarray
    style_key: np.ndarray


class EventsLayout:
    """What the events item shows — a ``TimelineData``, the events the filters let through, the emphasis of
    the selection — and its layout per frame: culled, aggregated into density bands where events are too
    many per pixel, labelled where there is room."""

    def __init__(self, metrics: TextMetrics, data: TimelineData | None = None):
        self.metrics = metrics
        self.data = data if data is not None else TimelineData()
        self.ev_visible = np.zeros(0, dtype=bool)
        self.ev_state = np.zeros(0, dtype=np.int8)  # NORMAL, EMPHASISED or DIMMED
        self.selected = -1  # event index
        self.emphasis_active = False
        self.version = 0
        self._layout: FrameLayout | None = None
        self.ls_idx: list[np.ndarray] = []  # per lane: visible instances, by start
        self.ls_x0: list[np.ndarray] = []
        self.ls_maxdur: list[float] = []
        self.le_idx: list[np.ndarray] = []  # per lane: visible emphasised (or selected) instances, by start
        self.le_x0: list[np.ndarray] = []
        self.le_maxdur: list[float] = []
        self.set_visible(self.ev_visible)

    # -- inputs ------------------------------------------------------------------------------------------
    def set_data(self, data: TimelineData, visible: np.ndarray) -> None:
        self.data = data
        self.ev_state = np.zeros(len(data), dtype=np.int8)
        self.selected = -1
        self.emphasis_active = False
        self.set_visible(visible)

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
        self.invalidate()

    def set_emphasis(self, ev_state: np.ndarray, selected: int, active: bool) -> None:
        self.ev_state = ev_state.astype(np.int8)
        self.selected = selected
        self.emphasis_active = active
        self._update_emphasis_index()
        self.invalidate()

    def _update_emphasis_index(self) -> None:
        d = self.data
        self.le_idx, self.le_x0, self.le_maxdur = [], [], []
        for idx in self.ls_idx:
            if len(idx) and len(self.ev_state) == len(d):
                ev = d.inst_ev[idx]
                sel = (self.ev_state[ev] == EMPHASISED) | (ev == self.selected)
                e = idx[sel]
            else:
                e = idx[:0]
            self.le_idx.append(e)
            self.le_x0.append(d.inst_x0[e])
            self.le_maxdur.append(float((d.inst_x1[e] - d.inst_x0[e]).max()) if len(e) else 0.0)

    def invalidate(self) -> None:
        """Forget the cached layout (the next ``layout`` computes a new one)."""
        self.version += 1
        self._layout = None

    # -- layout ------------------------------------------------------------------------------------------
    def layout(self, t0, t1, ytop, sx, sy, width, height) -> FrameLayout:
        """The frame showing times [t0, t1] from row ``ytop`` down, at ``sx`` pixels per second and ``sy``
        pixels per row, in a view of ``width`` × ``height`` pixels (cached for the same frame)."""
        key = (round(t0, 3), round(t1, 3), round(ytop, 6), round(sx, 12), round(sy, 6), round(width, 2),
               round(height, 2), self.version)
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
        room_for_labels = lay.sy >= self.metrics.height - 1
        rowkey = d.inst_yc[lay.inst]
        order = np.lexsort((lay.left, rowkey))
        labels: list[Label] = []
        state = self.ev_state
        sel = self.selected
        rk = rowkey[order]
        cuts = np.flatnonzero(np.diff(rk)) + 1
        for group in np.split(order, cuts):
            g = group.tolist()
            prio = [2 if ev[j] == sel else (1 if state[ev[j]] == EMPHASISED else 0) for j in g]
            if not room_for_labels and max(prio) < 2:
                continue
            self._layout_row(group, prio, lay, ev, kind, labels, room_for_labels)
        return labels

    def _layout_row(self, group: np.ndarray, prio: list[int], lay: FrameLayout, ev: np.ndarray, kind: np.ndarray,
                    labels: list[Label], room_for_labels: bool) -> None:
        """Labels of one sub-row (``group``: positions in the layout arrays, in time order)."""
        d = self.data
        metrics = self.metrics
        W = lay.width
        fh = metrics.height
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
            title = d.titles[int(ev[j])]
            bold = prio[p] == 2
            w = metrics.advance(title, bold)
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
                    text = metrics.elided(title, avail, bold)
                    if not text or text == "…":
                        continue
                    tw = metrics.advance(text, bold)
                else:
                    continue
                return Label(int(lay.inst[j]), a, float(lay.yc[j]) - fh / 2, tw, fh, text, inside, bold)
            return None

        def place(lab: Label) -> None:
            labels.append(lab)
            i = bisect.bisect_right(pl, lab.x)
            pl.insert(i, lab.x)
            pr.insert(i, lab.right)

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
    def hit(self, lay: FrameLayout | None, x: float, y: float) -> int:
        """Instance under a point in local pixels (relative to the view's top-left), or -1: a label (the one
        drawn last first), else the nearest mark, preferring the selected, then emphasised, then the
        narrowest."""
        if lay is None or not len(lay.inst):
            return -1
        for lab in reversed(lay.labels):  # the label's box grown by 2 px across and 1 px up and down
            x0, y0 = lab.x - 2, lab.y - 1
            if x0 <= x <= x0 + (lab.width + 4) and y0 <= y <= y0 + (lab.height + 2):
                return lab.inst
        pad = 3.0
        hh = max(lay.half_h, lay.radius) + 2
        m = (lay.left - pad <= x) & (x <= lay.right + pad) & (np.abs(lay.yc - y) <= hh)
        cand = np.flatnonzero(m)
        if not len(cand):
            return -1
        ev = self.data.inst_ev[lay.inst[cand]]
        score = np.where(ev == self.selected, 0, np.where(self.ev_state[ev] == EMPHASISED, 1, 2)) * 1e7 \
            + (lay.right[cand] - lay.left[cand])
        return int(lay.inst[cand[int(np.argmin(score))]])

    # -- painting order ----------------------------------------------------------------------------------
    def mark_order(self, lay: FrameLayout, hovered: int = -1) -> MarkOrder:
        """Draw order: dimmed, normal, emphasised, hovered, selected; within a rank, spans at the back, then
        months/years, days on top, grouped by style. Identical marks (same place, size and style: e.g. many
        year-only events of one year piled in an overflowing sub-row) are painted once."""
        d = self.data
        ev = d.inst_ev[lay.inst]
        st = self.ev_state[ev]
        is_sel = ev == self.selected
        rank = np.where(is_sel, 4, np.where(st == EMPHASISED, 2, np.where(st == DIMMED, 0, 1)))
        if hovered >= 0:
            rank = np.where(lay.inst == hovered, np.maximum(rank, 3), rank)
        kinds = d.ev_kind[ev].astype(np.int64)
        colors = d.ev_color[ev].astype(np.int64)
        inferred = d.ev_inferred[ev]
        conflict = d.ev_conflict[ev]
        dimmed = st == DIMMED
        style_key = (((colors * 3 + kinds) * 2 + inferred) * 2 + conflict) * 2 + dimmed
        layer = np.choose(kinds, [2, 1, 0])
        order = np.lexsort((style_key, layer, rank))
        sig = np.stack([np.round(lay.left, 1), np.round(lay.right, 1), np.round(lay.yc, 1),
                        style_key.astype(np.float64), rank.astype(np.float64)], axis=1)[order]
        same = np.zeros(len(order), dtype=bool)
        if len(order) > 1:
            same[1:] = np.all(sig[1:] == sig[:-1], axis=1)
        return MarkOrder(order[~same], rank, kinds, colors, inferred, conflict, dimmed, style_key)


def density_alpha(counts: np.ndarray, cmax: float, factor: float) -> np.ndarray:
    """Opacity (0-255, uint32) of each density bin: log-scaled to the frame's fullest bin ``cmax``, empty
    bins transparent, times ``factor`` (dimmed bands)."""
    c = counts.astype(np.float64)
    alpha = np.where(c > 0, 0.18 + 0.72 * np.log1p(c) / math.log1p(max(cmax, 1.0)), 0.0) * factor
    return np.clip(alpha * 255, 0, 255).astype(np.uint32)


# =========================================================================================================
# calendar grid and date axis
# =========================================================================================================
#: pens of the grid lines
GRID_MINOR, GRID_YEAR, GRID_DECADE = 0, 1, 2


def grid_lines(t0: float, t1: float, sx: float) -> list[tuple[float, int]]:
    """(x in local pixels, GRID_MINOR / GRID_YEAR / GRID_DECADE) of the calendar lines of [t0, t1] at ``sx``
    pixels per second, in drawing order: days when a day is 16 px or more, months when a month is 14 px or
    more, years when a year is 4 px or more (decades stronger when years are narrow)."""
    out: list[tuple[float, int]] = []
    y0, y1 = utc_year(max(t0, -2e10)), utc_year(min(t1, 2.5e11)) + 1
    year_px = YEAR_SPACING * sx
    if year_px * 12 >= 14 * 12 and (y1 - y0) < 400:
        month_px = MONTH_SPACING * sx
        if month_px >= 14:
            day_px = DAY_SPACING * sx
            if day_px >= 16:
                start = math.floor(t0 / DAY_SPACING) * DAY_SPACING
                t = start
                while t <= t1:
                    out.append((round((t - t0) * sx) + 0.5, GRID_MINOR))
                    t += DAY_SPACING
            pen = GRID_YEAR if day_px >= 16 else GRID_MINOR
            for y in range(y0, y1 + 1):
                for m in range(1, 13):
                    t = calendar.timegm((y, m, 1, 0, 0, 0))
                    if t0 <= t <= t1 and m != 1:
                        out.append((round((t - t0) * sx) + 0.5, pen))
    if year_px >= 4 and (y1 - y0) < 2000:
        for y in range(y0, y1 + 1):
            t = calendar.timegm((y, 1, 1, 0, 0, 0))
            if t0 <= t <= t1:
                strong = y % 10 == 0 and year_px < 40
                out.append((round((t - t0) * sx) + 0.5, GRID_DECADE if strong or year_px > 400 else GRID_YEAR))
    return out


def year_start_in(lo: float, hi: float) -> bool:
    """Whether a new year starts inside [lo, hi], a little in from the edges."""
    lo, hi = min(lo, hi), max(lo, hi)
    margin = 0.03 * (hi - lo)
    return calendar.timegm((utc_year(lo + margin) + 1, 1, 1, 0, 0, 0)) <= hi - margin


def month_start_in(lo: float, hi: float) -> bool:
    """Whether a new month starts inside [lo, hi], a little in from the edges (a tick at the very edge has no
    room for its label)."""
    lo, hi = min(lo, hi), max(lo, hi)
    margin = 0.03 * (hi - lo)
    lo, hi = lo + margin, hi - margin
    d = datetime.fromtimestamp(lo, UTC)
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return calendar.timegm((y, m, 1, 0, 0, 0)) <= hi


#: zoom levels of the date axis
YEARS_MONTHS, MONTHS_DAYS, DAYS = "years-months", "months-days", "days"


def tick_strings(values: Sequence[float], spacing: float, level: str,
                 rng: tuple[float, float] | None = None) -> list[str]:
    """The texts of date-axis ticks at ``values`` (UTC) of one ``spacing`` at a zoom ``level``. When no year
    (month) starts in the visible range ``rng``, the first month (day) tick says which year (month)."""
    out = []
    dates = [datetime.fromtimestamp(v, UTC) for v in values]
    for i, d in enumerate(dates):
        if spacing == YEAR_SPACING:
            out.append(str(d.year))
        elif spacing == MONTH_SPACING:
            if level == YEARS_MONTHS:
                s = d.strftime("%b")
                if i == 0 and rng is not None and not year_start_in(*rng):
                    s = f"{s} {d.year}"  # no year tick in view: say which year once
                out.append(s)
            else:
                out.append(f"{d.strftime('%b')} {d.year}")
        elif spacing == DAY_SPACING:
            if level == DAYS:
                out.append(f"{d.strftime('%a')} {d.day} {d.strftime('%b')}")
            elif i == 0 and rng is not None and not month_start_in(*rng):
                out.append(f"{d.day} {d.strftime('%b')}")  # no month tick in view: say which month once
            else:
                out.append(str(d.day))
        else:
            out.append(d.strftime("%Y-%m-%d"))
    return out


# =========================================================================================================
# overview
# =========================================================================================================
def overview_counts(x0: np.ndarray, x_limits: tuple[float, float], bins: int,
                    emph_x0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(edges, counts, emphasised counts) of a histogram of event starts over ``x_limits`` in ``bins``."""
    lo, hi = x_limits
    edges = np.linspace(lo, hi, bins + 1)
    counts = np.histogram(x0, edges)[0].astype(np.float64) if len(x0) else np.zeros(bins)
    emph = (np.histogram(emph_x0, edges)[0].astype(np.float64)
            if emph_x0 is not None and len(emph_x0) else np.zeros(bins))
    return edges, counts, emph


def histogram_bars(counts: np.ndarray, w: int, h: int) -> tuple[list, list, list]:
    """(x0, height, x1) of the bars of the non-empty bins of ``counts`` in a ``w`` × ``h`` pixel strip: at
    least a pixel wide, sqrt-scaled to the fullest bin."""
    n = len(counts)
    nz = np.flatnonzero(counts)
    if not len(nz):
        return [], [], []
    hh = (np.sqrt(counts[nz] / counts.max()) * 0.82 + 0.12) * h
    x0 = np.floor(nz * w / n)
    x1 = np.maximum(np.floor((nz + 1) * w / n), x0 + 1)
    return x0.tolist(), hh.tolist(), x1.tolist()
