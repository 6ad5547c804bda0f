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
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import daycount
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
LABEL_STACK_MAX = 2500  # instances up to which sub-rows are restacked per zoom level for labels (~35 ms a restack)
LABEL_ROWS_MAX = 10  # sub-rows per lane at most, when restacked for labels
SCROLL_SHARE = 1.0  # label rows may take up to this many plot heights (the view scrolls beyond)
ZOOM_BUCKET = 1.25  # zoom levels of the restacking: a factor 1.25 apart

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
    """The (historical) year that holds the instant ``t``: -500 is 500 BCE (no year 0)."""
    return daycount.year_of(t)


def astro_year(t: float) -> int:
    """The astronomical year that holds the instant ``t`` (0 is 1 BCE): years in a row without a gap."""
    return daycount.astro_from_days(int(t // DAY_SPACING))[0]


# =========================================================================================================
# data
# =========================================================================================================
@dataclass
class EventColumns:
    """What the timeline reads of some events, one entry per event: the mark's kind, inferred and conflict
    flags, title, themes and actors (as given), and the label's importance."""

    kind: np.ndarray
    inferred: np.ndarray
    conflict: np.ndarray
    titles: list[str]
    themes: list
    actors: list
    importance: np.ndarray


def _importance(evidence: np.ndarray, precision: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """How much an event's label matters when not every label fits (higher first): more evidence, then a
    more precise date, then spans before points (the selection and its neighbours come first, per frame, in
    ``EventsLayout``)."""
    if not len(kind):
        return np.zeros(0)
    return (np.minimum(evidence, 50) * 8 + precision * 2 + (kind == SPAN)).astype(np.float64)


def table_columns(table, rows: np.ndarray) -> EventColumns:
    """The columns of the events in these rows of an event table (no item built)."""
    n = len(rows)
    sy, sm, sd, ey, em, ed = table.dates(rows)
    span = (ey != 0) & ((ey != sy) | (em != sm) | (ed != sd))
    kind = np.where(span, SPAN, np.where(sd > 0, DAY, APPROX)).astype(np.int8)
    inferred = table.flags(rows) if n else np.zeros(0, dtype=bool)
    rl = rows.tolist()
    conflict_col, titles_col = table.text["conflict"], table.text["title"]
    themes_col, actors_col, passages_col = table.refs["themes"], table.refs["actors"], table.refs["passages"]
    conflict = np.array([bool(conflict_col[r]) for r in rl], dtype=bool)
    evidence = np.fromiter((len(passages_col[r]) for r in rl), dtype=np.int64, count=n)
    precision = np.where(sd > 0, 3, np.where(sm > 0, 2, 1)).astype(np.int64)
    return EventColumns(kind, inferred, conflict, [titles_col[r] for r in rl], [themes_col[r] for r in rl],
                        [actors_col[r] for r in rl], _importance(evidence, precision, kind))


def item_columns(events: Sequence) -> EventColumns:
    """The same columns, read from event items."""
    kind = np.array([SPAN if e.is_span else (DAY if e.start.precision == Precision.DAY else APPROX)
                     for e in events], dtype=np.int8)
    evidence = np.array([len(e.passages) for e in events], dtype=np.int64)
    precision = np.array([int(e.start.precision) for e in events], dtype=np.int64)
    return EventColumns(kind, np.array([bool(e.inferred) for e in events], dtype=bool),
                        np.array([bool(e.conflict) for e in events], dtype=bool), [e.title for e in events],
                        [e.themes for e in events], [e.actors for e in events],
                        _importance(evidence, precision, kind))


class EventPositions(Mapping):
    """``TimelineData.pos``: event id -> its index (timeline order), with no dict of every id: the event
    table's row of the id, then that row's index in an array over the table's rows (patched by edits).
    Without a table (events given as items), a plain dict."""

    def __init__(self, data: "TimelineData", table=None):
        self._data = data
        self._table = table
        self._dict: dict[str, int] | None = None
        self.row_pos = np.zeros(0, dtype=np.int64)
        if table is None:
            self._dict = {eid: i for i, eid in enumerate(data.ids)}
        else:
            self.reset()

    def reset(self) -> None:
        """Index every event anew (after the data's order changed wholesale)."""
        d = self._data
        if self._table is None:
            self._dict = {eid: i for i, eid in enumerate(d.ids)}
            return
        rows = d.ev_row
        self.row_pos = np.full(int(rows.max()) + 1 if len(rows) else 0, -1, dtype=np.int64)
        self.row_pos[rows] = np.arange(len(rows))

    def moved(self, gone_rows: np.ndarray, lo: int, hi: int) -> None:
        """Events at indices [lo, hi) moved (or are new), the rows ``gone_rows`` left the timeline."""
        if self._table is None:
            self._dict = {eid: i for i, eid in enumerate(self._data.ids)}
            return
        rows = self._data.ev_row
        need = int(rows[lo:hi].max()) + 1 if hi > lo else 0
        if need > len(self.row_pos):
            self.row_pos = np.concatenate([self.row_pos, np.full(need - len(self.row_pos), -1, dtype=np.int64)])
        self.row_pos[gone_rows] = -1
        self.row_pos[rows[lo:hi]] = np.arange(lo, hi)

    def get(self, eid, default=None):
        if self._dict is not None:
            return self._dict.get(eid, default)
        r = self._table.row_of(eid)
        if r is None or r >= len(self.row_pos):
            return default
        i = int(self.row_pos[r])
        return i if i >= 0 and self._data.ids[i] == eid else default

    def __getitem__(self, eid) -> int:
        i = self.get(eid)
        if i is None:
            raise KeyError(eid)
        return i

    def __contains__(self, eid) -> bool:
        return self.get(eid) is not None

    def __iter__(self):
        return iter(self._data.ids)

    def __len__(self) -> int:
        return len(self._data.ids)

    def many(self, ids: Sequence[str]) -> np.ndarray:
        """The indices of these ids (-1 for an id not in the timeline), in one pass."""
        if self._dict is not None:
            get = self._dict.get
            return np.fromiter((get(i, -1) for i in ids), dtype=np.int64, count=len(ids))
        try:  # the usual case: every id is an event of the table (one lookup each, in C)
            rows = self._table.rows(ids)
        except KeyError:
            row_of = self._table.row_of
            rows = np.fromiter(((r if (r := row_of(i)) is not None else -1) for i in ids), dtype=np.int64,
                               count=len(ids))
        ok = (rows >= 0) & (rows < len(self.row_pos))
        out = np.full(len(ids), -1, dtype=np.int64)
        out[ok] = self.row_pos[rows[ok]]
        found = out >= 0  # and the index holds that row (the table may have given it to another event)
        found[found] = self._data.ev_row[out[found]] == rows[found]
        out[~found] = -1
        return out


class EventInstances:
    """``TimelineData.ev_instances``: event index -> the indices of its instances (one per lane it is in),
    found in the instance arrays when asked (a list per event would cost 19 MB at 100k events)."""

    def __init__(self, data: "TimelineData"):
        self._data = data

    def get(self, i: int, default=None):
        d = self._data
        found = []
        for lo, hi in d.lane_slices:  # sorted by event within a lane: a binary search in each
            j = lo + int(np.searchsorted(d.inst_ev[lo:hi], i))
            if j < hi and d.inst_ev[j] == i:
                found.append(j)
        return found if found else default

    def __getitem__(self, i: int) -> list[int]:
        found = self.get(i)
        if found is None:
            raise KeyError(i)
        return found

    def __contains__(self, i) -> bool:
        return self.get(i) is not None


def stack_lane(x0: np.ndarray, reach: np.ndarray, cap: int) -> tuple[np.ndarray, int]:
    """Sub-rows of the instances of one lane (sorted by start ``x0``; each keeps its row busy up to its
    ``reach``): greedy in time, the lowest free row first, a new row while there are fewer than ``cap``,
    else the row that frees first. Returns (rows, rows used)."""
    ends: list[float] = []
    rows = np.array([take_row(ends, x, rch, cap) for x, rch in zip(x0.tolist(), reach.tolist())], dtype=np.int64)
    return rows, len(ends)


def take_row(ends: list[float], x: float, reach: float, cap: int) -> int:
    """The sub-row an instance starting at ``x`` takes, given when each row is busy until (``ends``, updated:
    the row is busy until ``reach`` now): the lowest free row, a new one while there are fewer than ``cap``,
    else the row that frees first (``stack_lane``'s rule, and ``restack_lane``'s)."""
    for r, end in enumerate(ends):
        if end <= x:
            break
    else:
        if len(ends) < cap:
            r = len(ends)
            ends.append(0.0)
        else:
            r = min(range(len(ends)), key=ends.__getitem__)
    if reach > ends[r]:
        ends[r] = reach
    return r


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
            rows = view.rows()
            cols = table_columns(table, rows)
            self.events = view  # items built on access (a tooltip, a patch)
        else:
            events = list(view)
            self.events = events
            self.ids = [e.id for e in events]
            rows = None
            cols = item_columns(events)
        n = len(self.ids)
        self.ev_kind, self.ev_inferred, self.ev_conflict = cols.kind, cols.inferred, cols.conflict
        self.titles = cols.titles
        ev_themes, ev_actors = cols.themes, cols.actors
        #: per event, its row in the event table (None without a table): with ``pos``, ids are found without a
        #: dict of every id
        self.ev_row = rows
        self.pos = EventPositions(self, table)
        self.ev_importance = cols.importance  # see _importance
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
        self.theme_color = theme_color  # theme id -> index into colors
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
            # one instance per theme of an event (its first theme's is primary, the others secondary), so
            # that every lane shows, and counts, the events the user put in it
            ev_theme_lists = [list(dict.fromkeys(t)) if t else [OTHER_THEME] for t in ev_themes]
            used = {t for ts_ in ev_theme_lists for t in ts_}
            lane_of = {}
            for t in themes:
                if t.id in used:
                    lane_of[t.id] = len(lanes)
                    lanes.append(Lane(t.id, t.name, self.colors[theme_color[t.id]]))
            for ts_ in ev_theme_lists:  # themes referenced but not declared, then "Other"
                for tid in ts_:
                    if tid not in lane_of and tid != OTHER_THEME:
                        lane_of[tid] = len(lanes)
                        lanes.append(Lane(tid, tid, OTHER_COLOR))
            if OTHER_THEME in used:
                lane_of[OTHER_THEME] = len(lanes)
                lanes.append(Lane(OTHER_THEME, "Other", OTHER_COLOR))
            pairs = [(i, lane_of[t]) for i, ts_ in enumerate(ev_theme_lists) for t in ts_]
            primary_pairs = {(i, lane_of[ts_[0]]) for i, ts_ in enumerate(ev_theme_lists)}
            order = list(range(len(lanes)))
        remap = {old: new for new, old in enumerate(order)}
        self.lanes = [lanes[k] for k in order]
        primary = [True] * len(pairs) if mode == "actor" else [p in primary_pairs for p in pairs]
        pairs = [(i, remap[lane]) for i, lane in pairs]

        m = len(pairs)
        inst_ev = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=m)
        inst_lane = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=m)
        # group by lane, by start within a lane (events are already sorted by start)
        order_idx = np.lexsort((inst_ev, inst_lane)) if m else np.zeros(0, dtype=np.int64)
        self.inst_ev = inst_ev[order_idx]
        self.inst_lane = inst_lane[order_idx]
        #: per instance: the event's own lane (its first theme; every lane in actor mode), or a secondary one
        self.inst_primary = np.fromiter(primary, dtype=bool, count=m)[order_idx] if m else np.zeros(0, dtype=bool)
        self.inst_x0 = self.ev_x0[self.inst_ev] if m else np.zeros(0)
        self.inst_x1 = self.ev_x1[self.inst_ev] if m else np.zeros(0)
        bounds = np.searchsorted(self.inst_lane, np.arange(len(self.lanes) + 1))
        self.lane_slices = [(int(bounds[k]), int(bounds[k + 1])) for k in range(len(self.lanes))]
        for k, lane in enumerate(self.lanes):
            lane.count = self.lane_slices[k][1] - self.lane_slices[k][0]
        self.ev_instances = EventInstances(self)

        # sub-rows: greedy stacking in time, with a little padding so that nearby marks and their labels
        # tend to land on different rows; fewer sub-rows when there are many lanes
        if full_span is None:
            full_span = float(self.ev_x1.max() - self.ev_x0.min()) if n else YEAR_SPACING
        self.full_span = full_span
        self.stack_pad = max(30 * DAY_SPACING, 0.018 * full_span)
        #: cap -> (rows, rows per lane) of the stacking at each cap tried, kept so that an edit restacks only
        #: the lanes it touches, at each (see ``timeline_patch``)
        self.cap_rows: dict[int, tuple[np.ndarray, list[int]]] = {}
        self.row_cap = self.choose_cap()
        self.cap_rows = {self.row_cap: self.cap_rows[self.row_cap]}  # the others are not shown
        rows, natural = self.cap_rows[self.row_cap]
        #: per lane: whether its stacking at ``row_cap`` ever put a mark in a busy sub-row (a higher cap would
        #: then give it more rows; without, the same rows)
        self.lane_hit = [self.overflows(k, rows) for k in range(len(self.lanes))]
        self.base_rows = (rows, natural)  # the zoom-independent stacking (large corpora keep it)
        self.rows_key = None  # what the current rows were stacked for (None: the base stacking)
        self.apply_rows(rows, natural)

    def apply_rows(self, rows: np.ndarray, natural: Sequence[int], side: np.ndarray | None = None) -> None:
        """Use these sub-rows (one per instance; ``natural[k]`` rows in lane k): lane heights and tops, and
        each instance's vertical centre, follow. ``side``: where each label was given room (see
        ``label_rows``; default after the mark)."""
        self.inst_row = rows
        self.inst_side = side if side is not None else np.ones(len(rows), dtype=np.int8)
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
        self.inst_yc = (self.lane_top[self.inst_lane] + (self.inst_row + 0.5) * unit[self.inst_lane]) \
            if len(self.inst_ev) else np.zeros(0)

    def label_rows(self, sx: float, label_w: np.ndarray, radius: float, cap: int,
                   bounds: tuple[float, float] = (-math.inf, math.inf)) -> tuple[np.ndarray, list[int], np.ndarray]:
        """Sub-rows that leave each event's label room beside its mark at ``sx`` pixels per second:
        greedy in time, lowest row first, a label after its mark when the lane's next event leaves room,
        else before it when it fits there, else after it (or inside a span long enough), never past ``bounds`` (the times the view can show), at most ``cap``
        rows per lane (beyond it, marks share the emptiest row and labels are chosen by importance per
        frame). ``label_w``: the label width of each event in pixels (only an event's own lane reserves room
        for it: a secondary instance reserves its mark). Returns (rows, rows per lane, side per instance:
        -1 before the mark, +1 after, 0 inside)."""
        rows = np.zeros(len(self.inst_ev), dtype=np.int64)
        side = np.ones(len(self.inst_ev), dtype=np.int8)
        natural: list[int] = []
        ev = self.inst_ev
        x0p = self.inst_x0 * sx
        x1p = self.inst_x1 * sx
        day = self.ev_kind[ev] == DAY
        xc = (x0p + x1p) * 0.5
        badge = np.where(self.ev_conflict[ev], 7.0, 0.0)
        Ls = np.where(day, xc - radius, x0p).tolist()
        Rs = (np.where(day, xc + radius, np.maximum(x1p, x0p + 3.0)) + badge).tolist()
        ws = np.where(self.inst_primary, label_w[ev], 0.0).tolist()
        lo_px, hi_px = bounds[0] * sx, bounds[1] * sx
        gap = LABEL_GAP
        for lo, hi in self.lane_slices:
            ends: list[float] = []
            for j in range(lo, hi):
                L, R, w = Ls[j], Rs[j], ws[j]
                fits_inside = w > 0 and w + 10.0 <= R - L
                need_left = L - 4.0 - w
                left_ok = need_left >= lo_px
                right_ok = R + 4.0 + w <= hi_px - 2.0
                # after the mark reads best: take it when the lane's next event starts beyond the label
                right_free = right_ok and (j + 1 >= hi or R + 4.0 + w + gap <= Ls[j + 1])
                chosen, new_end, sd = -1, R, 1
                for r, end in enumerate(ends):
                    if end + gap > L:
                        continue
                    if w == 0 or fits_inside:
                        sd = 0 if fits_inside else 1
                    elif right_free:
                        new_end, sd = R + 4.0 + w, 1
                    elif left_ok and end + gap <= need_left:
                        sd = -1
                    elif right_ok:
                        new_end, sd = R + 4.0 + w, 1
                    else:
                        continue
                    chosen = r
                    break
                if chosen < 0:
                    if len(ends) < cap:
                        chosen = len(ends)
                        ends.append(-math.inf)
                        if w == 0 or fits_inside:
                            sd = 0 if fits_inside else 1
                        elif left_ok and not right_free:
                            sd = -1
                        else:
                            new_end, sd = R + 4.0 + w, 1
                    else:
                        chosen = min(range(len(ends)), key=ends.__getitem__)
                        new_end = max(ends[chosen], R)
                rows[j] = chosen
                side[j] = sd
                ends[chosen] = new_end
            natural.append(len(ends))
        return rows, natural, side

    def choose_cap(self, start: int = MAX_ROWS) -> int:
        """The most sub-rows per lane (from ``start`` down) whose stacking stays within ``ROW_BUDGET`` rows in
        all (else 1), stacking the caps not in ``cap_rows`` yet."""
        cap = start
        while True:
            if cap not in self.cap_rows:
                rows, natural = self._stack(cap)
                self.cap_rows[cap] = (rows.astype(np.int8), natural)
            if sum(self.cap_rows[cap][1]) <= ROW_BUDGET or cap == 1:
                return cap
            cap -= 1

    def lane_maxdur(self, k: int) -> float:
        """The longest time an instance of lane ``k`` covers (kept until an edit touches the lane)."""
        cache = self.__dict__.setdefault("_maxdur", {})
        found = cache.get(k)
        if found is None:
            lo, hi = self.lane_slices[k]
            found = cache[k] = float((self.inst_x1[lo:hi] - self.inst_x0[lo:hi]).max()) if hi > lo else 0.0
        return found

    def reach(self, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """How far each instance of [lo, hi) keeps its sub-row busy when stacking (seconds)."""
        pad = self.stack_pad
        return np.maximum(self.inst_x1[lo:hi] + 0.3 * pad, self.inst_x0[lo:hi] + pad)

    def overflows(self, k: int, rows: np.ndarray) -> bool:
        """Whether stacking lane ``k`` into ``rows`` put an instance in a sub-row still busy (every sub-row
        was: the cap was reached), i.e. whether more sub-rows would have changed the lane."""
        lo, hi = self.lane_slices[k]
        if hi - lo < 2:
            return False
        lane_rows = rows[lo:hi]
        reach, x0 = self.reach(lo, hi), self.inst_x0[lo:hi]
        for r in range(int(lane_rows.max()) + 1):
            at = np.flatnonzero(lane_rows == r)
            if len(at) < 2:
                continue
            # the row's end before each of its instances: the greatest reach before it (a row starts at 0.0)
            before = np.maximum(np.maximum.accumulate(reach[at])[:-1], 0.0)
            if (before > x0[at[1:]]).any():
                return True
        return False

    def _stack(self, cap: int) -> tuple[np.ndarray, list[int]]:
        rows = np.zeros(len(self.inst_ev), dtype=np.int64)
        natural = []
        reach = self.reach()
        for lo, hi in self.lane_slices:
            lane_rows, used = stack_lane(self.inst_x0[lo:hi], reach[lo:hi], cap)
            rows[lo:hi] = lane_rows
            natural.append(used)
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
            if (i is None or old.start != new.start or old.end != new.end
                    or list(dict.fromkeys(old.themes)) != list(dict.fromkeys(new.themes))
                    or len(old.passages) != len(new.passages)
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
            at = _positions(data, index.linked_events(selection))
            ev_state[at[at >= 0]] = EMPHASISED
    return ev_state, selected, active


def _positions(data: TimelineData, ids) -> np.ndarray:
    """The indices of these event ids in ``data`` (-1 for one it does not have), in one pass."""
    ids = ids if isinstance(ids, (list, tuple)) else list(ids)
    many = getattr(data.pos, "many", None)
    if many is not None:
        return many(ids)
    get = data.pos.get
    return np.fromiter((get(i, -1) for i in ids), dtype=np.int64, count=len(ids))


def neighbours_for(data: TimelineData, index, selection: str | None) -> np.ndarray:
    """Events whose labels come right after the selected event's: those that share an actor or a voice
    with it (one bool per event; none when the selection is not an event)."""
    out = np.zeros(len(data), dtype=bool)
    if selection is None or index is None or index.kind_of(selection) != "event":
        return out
    ev = index.items.get(selection)
    if ev is None:
        return out
    for other in dict.fromkeys([*ev.actors, *getattr(ev, "experts", ())]):
        at = _positions(data, index.linked_events(other))
        out[at[at >= 0]] = True
    i = data.pos.get(selection)
    if i is not None:
        out[i] = False
    return out


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
    bin_edges: np.ndarray = field(default_factory=lambda: np.zeros(0))  # times of the density bins' edges
    clusters: list = field(default_factory=list)  # Cluster: overlapping marks of a row, with their count

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
    secondary: np.ndarray  # the mark of an event in a lane other than its own (its first theme's)


@dataclass
class Cluster:
    """Marks of one row drawn over one another: their extent in local pixels, how many events, the time
    they cover (POSIX seconds) and the events (indices)."""

    left: float
    right: float
    yc: float
    count: int
    t0: float
    t1: float
    events: np.ndarray


class _Row:
    """One sub-row of a frame while labels are placed: its marks (sorted by left edge; prefix maxima of
    their right edges answer "does any mark cross [a, b]?"), its emphasised marks, and the labels placed.
    Marks are named by their position in the row (``own``: the mark being labelled, never in its own way)."""

    def __init__(self, lefts: list[float], rights: list[float], strong: list[int]):
        self.ml, self.mr = lefts, rights
        self.pmax = list(itertools.accumulate(rights, max))
        self.strong = strong  # positions of the emphasised (or selected) marks, by left edge
        self.sl = [lefts[q] for q in strong]
        # the same prefix maximum over the emphasised marks alone, and where each is among them: a theme
        # selected at 100k emphasises 12,000 marks, and scanning them for every label took 0.3 s a frame
        self.spmax = list(itertools.accumulate((rights[q] for q in strong), max))
        self.strong_at = {q: k for k, q in enumerate(strong)}
        self.pl: list[float] = []
        self.pr: list[float] = []

    def mark_blocked(self, a: float, b: float, own: int, strong_only: bool) -> bool:
        if strong_only:  # an emphasised label may cover dimmed marks
            hi = bisect.bisect_left(self.sl, b)
            if hi == 0:
                return False
            k = self.strong_at.get(own, -1)
            if k < 0 or k >= hi:
                return self.spmax[hi - 1] > a
            if k > 0 and self.spmax[k - 1] > a:
                return True
            mr, strong = self.mr, self.strong
            return any(mr[strong[j]] > a for j in range(k + 1, hi))
        hi = bisect.bisect_left(self.ml, b)
        if hi == 0:
            return False
        if own >= hi:
            return self.pmax[hi - 1] > a
        if own > 0 and self.pmax[own - 1] > a:
            return True
        return any(self.mr[q] > a for q in range(own + 1, hi))

    def next_mark(self, a: float, own: int, strong_only: bool) -> float:
        """The left edge of the first mark (other than the own one) starting after ``a``."""
        if strong_only:
            i = bisect.bisect_right(self.sl, a)
            while i < len(self.sl) and self.strong[i] == own:
                i += 1
            return self.sl[i] if i < len(self.sl) else math.inf
        i = bisect.bisect_right(self.ml, a)
        while i < len(self.ml) and i == own:
            i += 1
        return self.ml[i] if i < len(self.ml) else math.inf

    def label_blocked(self, a: float, b: float) -> bool:
        i = bisect.bisect_right(self.pl, a)
        if i > 0 and self.pr[i - 1] + LABEL_GAP > a:
            return True
        return i < len(self.pl) and self.pl[i] < b + LABEL_GAP

    def next_label(self, a: float) -> float:
        i = bisect.bisect_right(self.pl, a)
        return self.pl[i] if i < len(self.pl) else math.inf

    def add_label(self, a: float, b: float) -> None:
        i = bisect.bisect_right(self.pl, a)
        self.pl.insert(i, a)
        self.pr.insert(i, b)


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
        self.neighbours = np.zeros(0, dtype=bool)  # events whose labels come right after the selection's
        self.version = 0
        self._label_w: np.ndarray | None = None  # label width of each event (pixels), for label_rows
        self._rows_cache: dict = {}
        self._layout: FrameLayout | None = None
        self.cull_version = 0
        self._ranges: tuple = (None, {})  # (lane slices, {lane: its indices}) when no filter hides any
        self._cull = None  # (key, pieces, density, dense bins) of the last frame culled
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
        self._label_w = None
        self._rows_cache = {}
        self.neighbours = np.zeros(len(data), dtype=bool)
        self.ev_state = np.zeros(len(data), dtype=np.int8)
        self.selected = -1
        self.emphasis_active = False
        self.set_visible(visible)

    def set_visible(self, visible: np.ndarray) -> None:
        """Which events the filters let show (one bool per event)."""
        d = self.data
        self.ev_visible = visible.astype(bool)
        self.ls_idx, self.ls_x0, self.ls_maxdur = [], [], []
        every = bool(self.ev_visible.all())  # no filter: a lane's instances are all of its slice
        ranges = self._ranges if self._ranges[0] == d.lane_slices else (list(d.lane_slices), {})
        self._ranges = ranges
        for k, (lo, hi) in enumerate(d.lane_slices):
            if every:  # the lane's slice, its indices kept while the lanes keep their slices
                idx = ranges[1].get(k)
                if idx is None:
                    idx = ranges[1][k] = np.arange(lo, hi)
                x0 = d.inst_x0[lo:hi]
                maxdur = d.lane_maxdur(k)
            else:
                idx = np.arange(lo, hi)
                idx = idx[self.ev_visible[d.inst_ev[idx]]] if len(idx) else idx
                x0 = d.inst_x0[idx]
                maxdur = float((d.inst_x1[idx] - x0).max()) if len(idx) else 0.0
            self.ls_idx.append(idx)
            self.ls_x0.append(x0)
            self.ls_maxdur.append(maxdur)
        self._update_emphasis_index()
        self.invalidate()

    def set_emphasis(self, ev_state: np.ndarray, selected: int, active: bool,
                     neighbours: np.ndarray | None = None) -> None:
        self.ev_state = ev_state.astype(np.int8)
        self.neighbours = neighbours if neighbours is not None else np.zeros(len(self.data), dtype=bool)
        self.selected = selected
        self.emphasis_active = active
        self._update_emphasis_index()
        self.invalidate(emphasis_only=True)

    def _update_emphasis_index(self) -> None:
        """Per lane, the visible instances of the emphasised (or selected) events, by start: found from those
        events (a binary search per lane), not by reading every instance."""
        d = self.data
        self.le_idx, self.le_x0, self.le_maxdur = [], [], []
        empty = np.zeros(0, dtype=np.int64)
        events = empty
        if len(self.ev_state) == len(d) and len(d):
            events = np.flatnonzero(self.ev_state == EMPHASISED)
            if self.selected >= 0 and self.ev_state[self.selected] != EMPHASISED:
                events = np.sort(np.r_[events, self.selected])
            if len(self.ev_visible) == len(d):
                events = events[self.ev_visible[events]]
        for lo, hi in d.lane_slices:
            e = empty
            if len(events) and hi > lo:
                lane_ev = d.inst_ev[lo:hi]
                at = np.searchsorted(lane_ev, events)
                ok = at < hi - lo
                ok[ok] = lane_ev[at[ok]] == events[ok]
                e = (at[ok] + lo).astype(np.int64)
            self.le_idx.append(e)
            self.le_x0.append(d.inst_x0[e])
            self.le_maxdur.append(float((d.inst_x1[e] - d.inst_x0[e]).max()) if len(e) else 0.0)

    def invalidate(self, emphasis_only: bool = False) -> None:
        """Forget the cached layout (the next ``layout`` computes a new one); ``emphasis_only``: only the
        emphasis changed (what is culled and aggregated per frame is kept)."""
        self.version += 1
        self._layout = None
        if not emphasis_only:
            self.cull_version += 1
            self._cull = None

    def fit_rows(self, sx: float, avail_rows: float, bounds: tuple[float, float] = (-math.inf, math.inf)) -> bool:
        """Restack the sub-rows for labels at ``sx`` pixels per second (see ``TimelineData.label_rows``) in a
        plot ``avail_rows`` rows high showing ``bounds`` (labels stay inside them): lanes take the rows their labels need, up to ``LABEL_ROWS_MAX`` each
        while the whole fits in ``SCROLL_SHARE`` times the plot (the view scrolls beyond the plot). Zoom
        levels are quantised (a factor ``ZOOM_BUCKET``, rounded down so that labels are never reserved less
        room than they take) and each level's rows are kept. A corpus of more than ``LABEL_STACK_MAX``
        instances keeps its zoom-independent rows. Returns whether the rows changed."""
        d = self.data
        if len(d.inst_ev) > LABEL_STACK_MAX or len(d) == 0 or sx <= 0:
            key = None
        else:
            key = (math.floor(math.log(sx) / math.log(ZOOM_BUCKET)), int(avail_rows), bounds)
        if key == d.rows_key:
            return False
        if key is None:
            rows, natural = d.base_rows
            side = None
        else:
            rows_natural = self._rows_cache.get(key)
            if rows_natural is None:
                if self._label_w is None:
                    self._label_w = np.array([self.metrics.advance(t) for t in d.titles], dtype=np.float64)
                sx_b = ZOOM_BUCKET ** key[0]
                radius = 6.0
                rows_natural = None
                for cap in range(LABEL_ROWS_MAX, 0, -1):
                    rows, natural, side = d.label_rows(sx_b, self._label_w, radius, cap, bounds)
                    units = sum(max(float(r), MIN_LANE_UNITS) for r in natural)
                    if units <= max(avail_rows, 1) * SCROLL_SHARE or cap <= d.row_cap:
                        break
                rows_natural = (rows, natural, side)
                while len(self._rows_cache) >= 64:  # a long session of pans and zooms: keep the latest
                    del self._rows_cache[next(iter(self._rows_cache))]
                self._rows_cache[key] = rows_natural
            rows, natural, side = rows_natural
        d.rows_key = key
        if (np.array_equal(rows, d.inst_row) and [lane.rows for lane in d.lanes] == [max(1, r) for r in natural]
                and (side is None or np.array_equal(side, d.inst_side))):
            return False
        d.apply_rows(rows, natural, side)
        self.invalidate()
        return True

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
        # what is culled and aggregated does not depend on the selection: a selection only emphasises
        cull_key = key[:-1] + (self.cull_version,)
        if self._cull is not None and self._cull[0] == cull_key:
            _, pieces, density_base, dense_bins = self._cull
        else:
            pieces, density_base, dense_bins = self._cull_frame(t0, edges, nb)
            self._cull = (cull_key, pieces, density_base, dense_bins)
        pieces = list(pieces)
        density = []
        for k, shown in density_base:
            emph = None
            if self.emphasis_active and len(self.le_x0[k]):
                emph = np.diff(np.searchsorted(self.le_x0[k], edges)) * (shown > 0)
            density.append((k, shown, emph))
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
        lay.bin_edges = edges
        lay.labels = self._layout_labels(lay, ev, kind)
        lay.clusters = self.clusters(lay)
        self._layout = lay
        return lay

    def _cull_frame(self, t0: float, edges: np.ndarray, nb: int) -> tuple[list, list, int]:
        """The instances a frame draws one by one (a list of index arrays), the density bands of its dense
        lanes ((lane, count per bin)), and how many bins they fill: as few lanes aggregated as keep the
        marks within ``MAX_INDIVIDUAL``."""
        d = self.data
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
                density.append((k, shown))
            total = sum(len(p) for p in pieces)
            if total <= MAX_INDIVIDUAL:
                break
            scale *= 0.5
        else:
            pieces = []
        return pieces, density, dense_bins

    def _layout_labels(self, lay: FrameLayout, ev: np.ndarray, kind: np.ndarray) -> list[Label]:
        """Labels by importance, never by drawing order: the selected event first, then its neighbours (the
        events linked to the selected item, or sharing an actor with the selected event), then the rest by
        ``TimelineData.ev_importance`` (more evidence, more precise dates, spans before points); one label
        per event (its own lane's mark first). Each label goes inside its span when it fits there, else
        after its mark, else before it; it covers no other label and no other mark of its row (an
        emphasised label may cover dimmed marks, the selected one any mark), and stays inside the plot.
        When no whole text fits, a label is elided where at least ``MIN_ELIDED_PX`` remain."""
        d = self.data
        n = len(lay.inst)
        if not n:
            return []
        metrics = self.metrics
        W = lay.width
        fh = metrics.height
        room = lay.sy >= fh - 1
        state = self.ev_state if len(self.ev_state) == len(d) else np.zeros(len(d), dtype=np.int8)
        neigh = self.neighbours if len(self.neighbours) == len(d) else np.zeros(len(d), dtype=bool)
        tier = np.where(ev == self.selected, 3,
                        np.where((state[ev] == EMPHASISED) | neigh[ev], 2, np.where(state[ev] == DIMMED, 0, 1)))
        primary = d.inst_primary[lay.inst]
        imp = d.ev_importance[ev]
        order = np.lexsort((lay.left, ~primary, -imp, -tier)).tolist()
        strong = tier >= 2

        # rows: marks sorted by left edge, with prefix maxima of right edges, for "is [a, b] free?"
        rowkey = np.round(lay.yc, 2)
        by_row = np.lexsort((lay.left, rowkey))
        rk = rowkey[by_row]
        cuts = np.flatnonzero(np.diff(rk)) + 1
        row_of: list = [None] * n
        pos_in_row = [0] * n
        lefts_all, rights_all = lay.left.tolist(), lay.right.tolist()
        strong_l = strong.tolist()
        for group in np.split(by_row, cuts):
            g = group.tolist()
            row = _Row([lefts_all[j] for j in g], [rights_all[j] for j in g],
                       [q for q, j in enumerate(g) if strong_l[j]])
            for q, j in enumerate(g):
                row_of[j] = row
                pos_in_row[j] = q

        # marks with no room either side nor inside for even an elided label are not tried (a crowded frame
        # at 100k events has a thousand of them): the selected and emphasised ones always are
        sl, sr = lay.left[by_row], lay.right[by_row]
        row_no = np.r_[0, np.cumsum(rk[1:] != rk[:-1])].astype(np.float64)
        big = 1e9
        cl, cr = np.clip(sl, -1e8, 1e8), np.clip(sr, -1e8, 1e8)
        keys = row_no * big + cl

        def first_after(x: np.ndarray) -> np.ndarray:
            """Left edge of the first mark of the row starting after x (inf if none)."""
            q = np.searchsorted(keys, row_no * big + np.clip(x, -1e8, 1e8), side="right")
            ok = q < n
            ok[ok] = row_no[q[ok]] == row_no[ok]
            return np.where(ok, sl[np.minimum(q, n - 1)], np.inf)

        # the furthest right edge of the marks of the row that start before each mark (a per-row running max)
        cummax = np.maximum.accumulate(row_no * big + cr + 1e8) - row_no * big - 1e8
        q_before = np.searchsorted(keys, keys, side="left") - 1
        ok = q_before >= 0
        ok[ok] = row_no[q_before[ok]] == row_no[ok]
        cover = np.where(ok, cummax[np.maximum(q_before, 0)], -np.inf)
        room_after = np.where(cover > sr + 2.0, 0.0, np.minimum(first_after(sr), W) - sr)
        room_before = sl - np.maximum(cover, 0.0)
        room_inside = np.where(kind[by_row] == DAY, 0.0,
                               np.minimum(np.minimum(sr, W), first_after(sl)) - np.maximum(np.maximum(sl, 0.0), cover))
        titles = d.titles
        widths = np.fromiter((metrics.advance(titles[e]) for e in ev.tolist()), dtype=np.float64, count=n)
        need = np.maximum(MIN_ELIDED_PX, 0.45 * widths[by_row]) + 8.0
        hopeless = np.zeros(n, dtype=bool)
        hopeless[by_row] = (room_after < need) & (room_before < need) & (room_inside < need)
        hopeless &= tier < 2

        labels: list[Label] = []
        labelled: set[int] = set()
        kinds = kind.tolist()
        sides = d.inst_side[lay.inst].tolist()
        evs = ev.tolist()
        tiers = tier.tolist()
        prim = primary.tolist()
        conflict = d.ev_conflict
        active = self.emphasis_active

        def place(j: int, duplicate: bool) -> bool:
            e = evs[j]
            t = tiers[j]
            if not room and t < 2:
                return False
            title = d.titles[e]
            bold = t == 3
            w = metrics.advance(title, bold)
            k = kinds[j]
            L, R = lefts_all[j], rights_all[j]
            row = row_of[j]
            own = pos_in_row[j]
            marks = None if t == 3 else ("strong" if (t == 2 and active) else "all")
            badge = 7.0 if conflict[e] else 0.0
            cands: list[tuple[float, bool]] = []  # (left of the text, inside a solid bar)
            inside_a = max(L, 0.0) + (5.0 if k == SPAN else 4.0) + badge
            inside_lim = min(R, W) - 4.0
            if k != DAY and inside_a + w <= inside_lim:
                cands.append((inside_a, k == SPAN))
            after = R + (3.0 + badge if k == DAY else 4.0)
            if sides[j] < 0:  # the rows left room before the mark
                cands += [(L - 4.0 - w, False), (after, False)]
            else:
                cands += [(after, False), (L - 4.0 - w, False)]
            for a, inside in cands:
                if a < 0 or a + w > W - 2.0:
                    continue
                if row.label_blocked(a, a + w):
                    continue
                if marks is not None and row.mark_blocked(a - 2.0, a + w + 2.0, own, marks == "strong"):
                    continue
                labels.append(Label(int(lay.inst[j]), a, float(lay.yc[j]) - fh / 2, w, fh, title, inside, bold))
                row.add_label(a, a + w)
                return True
            if duplicate:
                return False
            # elided: inside a span, else after the mark, up to the next obstacle
            tries = []
            if k != DAY:
                tries.append((inside_a, inside_lim, k == SPAN))
            tries.append((after, W - 2.0, False))
            for a, lim, inside in tries:
                if a < 0 or a >= W - 2.0:
                    continue
                lim = min(lim, row.next_label(a) - LABEL_GAP)
                if marks is not None:
                    lim = min(lim, row.next_mark(a, own, marks == "strong") - 4.0)
                    if row.mark_blocked(a - 2.0, a + MIN_ELIDED_PX, own, marks == "strong"):
                        continue
                if row.label_blocked(a, a + MIN_ELIDED_PX):
                    continue
                avail = lim - a
                if t == 3 and avail < MIN_ELIDED_PX:
                    avail = W - 2.0 - a
                if avail < MIN_ELIDED_PX or (avail < 0.45 * w and t < 2):
                    continue
                text = metrics.elided(title, avail, bold)
                if not text or text == "…":
                    continue
                tw = metrics.advance(text, bold)
                labels.append(Label(int(lay.inst[j]), a, float(lay.yc[j]) - fh / 2, tw, fh, text, inside, bold))
                row.add_label(a, a + tw)
                return True
            return False

        later = []
        hopeless_l = hopeless.tolist()
        for j in order:
            if hopeless_l[j] or lefts_all[j] > W or rights_all[j] < 0 and kinds[j] == DAY:
                continue
            if evs[j] in labelled:
                if prim[j]:
                    later.append(j)  # another lane of the same event (actor lanes): only if there is room
                continue
            if place(j, False):
                labelled.add(evs[j])
        for j in later:
            place(j, True)
        return labels

    def clusters(self, lay: FrameLayout) -> list[Cluster]:
        """Marks of a row that overlap one another (two or more events, not all of them labelled), as
        clusters: where they are, how many, and the time they cover (clicking a cluster's count zooms in
        on it)."""
        d = self.data
        if len(lay.inst) < 2:
            return []
        labelled = np.zeros(len(d), dtype=bool)
        if lay.labels:
            labelled[d.inst_ev[[lab.inst for lab in lay.labels]]] = True
        out: list[Cluster] = []
        rowkey = np.round(lay.yc, 2)
        by_row = np.lexsort((lay.left, rowkey))
        rk = rowkey[by_row]
        cuts = np.flatnonzero(np.diff(rk)) + 1
        left, right = lay.left, lay.right
        for group in np.split(by_row, cuts):
            if len(group) < 2:
                continue
            gl, gr = left[group], right[group]
            reach = np.maximum.accumulate(gr)
            starts = np.r_[True, gl[1:] > reach[:-1] + 1.0]
            ids = np.cumsum(starts) - 1
            sizes = np.bincount(ids)
            for c in np.flatnonzero(sizes >= 2).tolist():
                members = group[ids == c]
                evs = np.unique(d.inst_ev[lay.inst[members]])
                if len(evs) < 2 or labelled[evs].all():
                    continue
                out.append(Cluster(float(left[members].min()), float(right[members].max()),
                                   float(lay.yc[members[0]]), int(len(evs)),
                                   float(d.ev_x0[evs].min()), float(d.ev_x1[evs].max()), evs))
        return out

    # -- hit testing -------------------------------------------------------------------------------------
    def hit(self, lay: FrameLayout | None, x: float, y: float) -> int:
        """Instance under a point in local pixels (relative to the view's top-left), or -1: a label (the one
        drawn last first), else the mark under it, preferring the selected, then emphasised, then the
        narrowest and nearest."""
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
            + (lay.right[cand] - lay.left[cand]) \
            + np.abs((lay.left[cand] + lay.right[cand]) / 2 - x) + np.abs(lay.yc[cand] - y)  # then the nearest
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
        secondary = ~d.inst_primary[lay.inst]
        style_key = ((((colors * 3 + kinds) * 2 + inferred) * 2 + conflict) * 2 + dimmed) * 2 + secondary
        layer = np.choose(kinds, [2, 1, 0])
        # as drawn: bars are clipped a little outside the view, so bars that cross the whole view look alike;
        # within a style, marks are sorted by place so that identical ones are neighbours
        left_c = np.maximum(lay.left, -10.0)
        right_c = np.minimum(lay.right, lay.width + 10.0)
        order = np.lexsort((np.round(right_c, 1), np.round(left_c, 1), np.round(lay.yc, 1), style_key, layer, rank))
        sig = np.stack([np.round(left_c, 1), np.round(right_c, 1), np.round(lay.yc, 1),
                        style_key.astype(np.float64), rank.astype(np.float64)], axis=1)[order]
        same = np.zeros(len(order), dtype=bool)
        if len(order) > 1:
            same[1:] = np.all(sig[1:] == sig[:-1], axis=1)
        return MarkOrder(order[~same], rank, kinds, colors, inferred, conflict, dimmed, style_key, secondary)


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
    y0, y1 = astro_year(max(t0, -3.8e11)), astro_year(min(t1, 2.5e11)) + 1
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
                    t = daycount.days_from_astro(y, m, 1) * DAY_SPACING
                    if t0 <= t <= t1 and m != 1:
                        out.append((round((t - t0) * sx) + 0.5, pen))
    if year_px >= 4 and (y1 - y0) < 2000:
        for y in range(y0, y1 + 1):
            t = daycount.days_from_astro(y, 1, 1) * DAY_SPACING
            if t0 <= t <= t1:
                strong = daycount.historical(y) % 10 == 0 and year_px < 40
                out.append((round((t - t0) * sx) + 0.5, GRID_DECADE if strong or year_px > 400 else GRID_YEAR))
    return out


def year_start_in(lo: float, hi: float) -> bool:
    """Whether a new year starts inside [lo, hi], a little in from the edges."""
    lo, hi = min(lo, hi), max(lo, hi)
    margin = 0.03 * (hi - lo)
    return daycount.year_start(daycount.add_years(utc_year(lo + margin), 1)) <= hi - margin


def month_start_in(lo: float, hi: float) -> bool:
    """Whether a new month starts inside [lo, hi], a little in from the edges (a tick at the very edge has no
    room for its label)."""
    lo, hi = min(lo, hi), max(lo, hi)
    margin = 0.03 * (hi - lo)
    lo, hi = lo + margin, hi - margin
    y, m, _d = daycount.from_seconds(lo)
    return daycount.month_start(*daycount.next_month(y, m)) <= hi


#: zoom levels of the date axis
YEARS_MONTHS, MONTHS_DAYS, DAYS = "years-months", "months-days", "days"
#: 1 January 1 CE: a range that starts before it shows BCE years
CE_START = daycount.year_start(1)


def tick_strings(values: Sequence[float], spacing: float, level: str,
                 rng: tuple[float, float] | None = None) -> list[str]:
    """The texts of date-axis ticks at ``values`` (UTC) of one ``spacing`` at a zoom ``level``. When no year
    (month) starts in the visible range ``rng``, the first month (day) tick says which year (month).

    Years BCE read '500 BCE'; CE years read '2019', or '30 CE' when the range (or a tick) is in BCE too, so
    that an axis across the turn of the era reads '100 BCE', '1 CE', '100 CE' (there is no year 0)."""
    out = []
    dates = [daycount.from_seconds(v) for v in values]
    era = (rng is not None and min(rng) < CE_START) or any(d[0] < 0 for d in dates)
    abbr, year_text = daycount.MONTH_ABBR, daycount.year_text
    for i, (y, m, d) in enumerate(dates):
        if spacing == YEAR_SPACING:
            out.append(year_text(y, era))
        elif spacing == MONTH_SPACING:
            if level == YEARS_MONTHS:
                s = abbr[m - 1]
                if i == 0 and rng is not None and not year_start_in(*rng):
                    s = f"{s} {year_text(y, era)}"  # no year tick in view: say which year once
                out.append(s)
            else:
                out.append(f"{abbr[m - 1]} {year_text(y, era)}")
        elif spacing == DAY_SPACING:
            if level == DAYS:
                out.append(f"{daycount.WEEKDAY_ABBR[daycount.weekday(values[i])]} {d} {abbr[m - 1]}")
            elif i == 0 and rng is not None and not month_start_in(*rng):
                out.append(f"{d} {abbr[m - 1]}")  # no month tick in view: say which month once
            else:
                out.append(str(d))
        else:
            out.append(f"{daycount.iso_year(y)}-{m:02d}-{d:02d}")
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
