"""The timeline's data following an edit of events in place, as if built anew from the edited corpus.

``TimelineData`` keeps its events in timeline order and its instances (an event in one lane) grouped by
lane, stacked into sub-rows by a greedy pass in time (``TimelineData._stack``): building it for 100k events
takes seconds, most of it stacking. An edit of a few events (re-dating one moves it in timeline order; an
added or a removed one) changes little of that: ``follow_change`` takes the edited events out of the arrays
and puts them back at their new places, and restacks only the lanes they are in (``restack_lane``): from
the first instance that changed, and, past each change, only until the stacking is again as it was (from
there on the rows are the old ones). The result is the same as a fresh ``TimelineData`` of the edited
corpus (``tests/test_timeline_patch.py`` checks it, row for row).

It declines (returns False, nothing changed) when the edit changes which lanes there are or their order,
the stacking's padding (the corpus's time range moved), or touches more than ``PATCH_MAX`` events; the
caller then builds the data anew.
"""

from __future__ import annotations

import numpy as np

from .timeline import (NO_ACTOR, OTHER_ACTORS, OTHER_THEME, ROW_BUDGET, DAY_SPACING, MAX_ROWS, TimelineData,
                       item_columns, table_columns, take_row)

PATCH_MAX = 1000  # events edited at once beyond which the data is built anew (an import, its undo)
_QUIET = {"passage", "document", "relationship"}  # kinds whose edits change no lane (in either mode)


def _lanes_of(data: TimelineData, ev, lane_of: dict[str, int]) -> list[tuple[int, bool]] | None:
    """(lane, primary) of each instance of an event (item) in theme mode, or None when a lane it needs is
    not there, or is one whose place depends on the events (a theme referenced but not declared)."""
    themes = list(dict.fromkeys(ev.themes)) or [OTHER_THEME]
    out = []
    for k, t in enumerate(themes):
        lane = lane_of.get(t)
        if lane is None or (t != OTHER_THEME and t not in data.theme_color):
            return None
        out.append((lane, k == 0))
    return out


def _undeclared(data: TimelineData, ev) -> bool:
    return any(t not in data.theme_color for t in ev.themes)


def _event_position(index, ev) -> int | None:
    """Where an event is in the index's timeline order: a binary search by start, then its id among the
    events that start at the same moment."""
    order = index.events.ids()
    s = ev.start.start_seconds
    lo = int(np.searchsorted(index.ev_start, s, side="left"))
    hi = int(np.searchsorted(index.ev_start, s, side="right"))
    for at in range(lo, hi):
        if order[at] == ev.id:
            return at
    return None


def _splice(values, gone: list[int], at: np.ndarray, new: list) -> list:
    """A list with the items at the (sorted) indices ``gone`` taken out, then ``new[j]`` put at index
    ``at[j]`` of the result (``at`` sorted)."""
    out = list(values) if len(gone) + len(new) > 64 else values
    if len(gone) + len(new) > 64:  # many: one pass
        drop = set(gone)
        kept = [v for i, v in enumerate(out) if i not in drop]
        res, prev = [], 0
        for j, a in enumerate(at.tolist()):
            take = a - j
            res.extend(kept[prev:take])
            res.append(new[j])
            prev = take
        res.extend(kept[prev:])
        return res
    for i in reversed(gone):
        del out[i]
    for j, a in enumerate(at.tolist()):
        out.insert(a, new[j])
    return out


def follow_change(data: TimelineData, index, change, full_span: float | None) -> bool:
    """Bring ``data`` in step with ``index`` after ``change`` (a ChangeSet the index has applied), in place;
    False (and ``data`` untouched) when it would rather be built anew. ``full_span``: the span the view
    stacks for (as given to ``TimelineData``)."""
    if change.info is not None:
        return False
    kinds = change.kinds()
    quiet = _QUIET | ({"entity", "expert"} if data.mode == "theme" else set())
    if not kinds <= quiet | {"event"}:
        return False
    if full_span is None or max(30 * DAY_SPACING, 0.018 * full_span) != data.stack_pad:
        return False
    if not hasattr(data, "cap_rows") or data.row_cap not in data.cap_rows:
        return False
    added = [it for it in change.added.values() if it.item_kind == "event"]
    removed = [it for it in change.removed.values() if it.item_kind == "event"]
    changed = [(old, new) for old, new in change.changed.values() if new.item_kind == "event"]
    if len(added) + len(removed) + len(changed) > PATCH_MAX:
        return False
    if not (added or removed or changed):
        return True
    data.version = getattr(data, "version", 0) + 1  # what is derived from the events is counted anew
    table = getattr(index.events, "table", None)
    if (table is None) != (data.ev_row is None):
        return False
    if data.mode == "actor":  # the lanes rank actors by their events: only moves keep them
        if added or removed or any(list(dict.fromkeys(o.actors)) != list(dict.fromkeys(n.actors))
                                   for o, n in changed):
            return False
    elif any(_undeclared(data, e) for e in [*removed, *(o for o, _ in changed)]):
        return False

    # -- events: where they were, where they go ---------------------------------------------------------
    n_old = len(data)
    gone_ids = [e.id for e in removed] + [o.id for o, _ in changed]
    gone = data.pos.many(gone_ids)
    if (gone < 0).any():
        return False
    incoming = [*added, *(n for _, n in changed)]
    at_new = []
    for ev in incoming:
        at = _event_position(index, ev)
        if at is None:
            return False
        at_new.append(at)
    n_new = n_old - len(gone_ids) + len(incoming)
    if n_new != len(index.events) or len(set(at_new)) != len(at_new):
        return False
    order = np.argsort(np.array(at_new, dtype=np.int64), kind="stable")
    incoming = [incoming[k] for k in order.tolist()]
    ins_pos = np.array(at_new, dtype=np.int64)[order]  # indices in the new order, sorted
    gone_sorted = np.sort(gone)

    # the instances of the events that go, lane by lane (sorted by event within a lane: binary searches)
    old_inst: dict[int, list[tuple[int, bool]]] = {}  # old event index -> its instances' (lane, primary)
    gone_per_lane = np.zeros(len(data.lanes), dtype=np.int64)
    for k, (lo, hi) in enumerate(data.lane_slices):
        lane_ev = data.inst_ev[lo:hi]
        at = np.searchsorted(lane_ev, gone_sorted)
        ok = at < hi - lo
        ok[ok] = lane_ev[at[ok]] == gone_sorted[ok]
        gone_per_lane[k] = int(ok.sum())
        for e, j in zip(gone_sorted[ok].tolist(), (at[ok] + lo).tolist()):
            old_inst.setdefault(e, []).append((k, bool(data.inst_primary[j])))
    # instances of the incoming events: (lane, primary) each
    same_lanes = {}
    for old, new in changed:
        if data.mode == "actor" or list(dict.fromkeys(old.themes)) == list(dict.fromkeys(new.themes)):
            same_lanes[new.id] = data.pos[old.id]
    lane_of = {lane.key: k for k, lane in enumerate(data.lanes)} if data.mode == "theme" else {}
    new_inst: list[tuple[int, int, bool]] = []  # (lane, new event index, primary)
    for ev, e in zip(incoming, ins_pos.tolist()):
        if ev.id in same_lanes:
            pairs = old_inst.get(same_lanes[ev.id], [])
        else:
            pairs = _lanes_of(data, ev, lane_of)
            if pairs is None:
                return False
        new_inst.extend((lane, e, prim) for lane, prim in pairs)

    # lane counts after the edit: a lane that empties goes (the data is built anew)
    old_counts = np.array([lane.count for lane in data.lanes], dtype=np.int64)
    counts = old_counts - gone_per_lane
    if new_inst:
        counts = counts + np.bincount(np.array([p[0] for p in new_inst]), minlength=len(data.lanes))
    if (counts == 0).any():
        return False
    #: the starts of the events that left and came with this version (a histogram of starts follows by
    #: subtracting and adding them)
    data.moves = (data.ev_x0[gone_sorted].copy(), np.array(index.ev_start[ins_pos], dtype=np.float64),
                  data.version)
    if n_new == n_old and np.array_equal(counts, old_counts):
        _follow_in_place(data, index, table, gone_sorted, ins_pos, incoming, new_inst,
                         set(np.flatnonzero(gone_per_lane).tolist()))
        return True
    ev_gone = np.zeros(n_old, dtype=bool)
    ev_gone[gone] = True
    inst_gone = ev_gone[data.inst_ev]

    # -- per-event arrays ---------------------------------------------------------------------------------
    rows_in, cols, color_in = _incoming_columns(data, table, incoming)
    at_kept = ins_pos - np.arange(len(ins_pos))  # where each goes among the events that stay

    def splice(arr: np.ndarray, new_values) -> np.ndarray:
        return np.insert(np.delete(arr, gone_sorted), at_kept, np.asarray(new_values, dtype=arr.dtype))

    old_ev_row = data.ev_row
    data.ev_kind = splice(data.ev_kind, cols.kind)
    data.ev_inferred = splice(data.ev_inferred, cols.inferred)
    data.ev_conflict = splice(data.ev_conflict, cols.conflict)
    data.ev_importance = splice(data.ev_importance, cols.importance)
    data.ev_color = splice(data.ev_color, color_in)
    data.ev_x0 = np.array(index.ev_start, dtype=np.float64)
    data.ev_x1 = np.array(index.ev_end, dtype=np.float64)
    gone_list = gone_sorted.tolist()
    data.titles = _splice(data.titles, gone_list, ins_pos, cols.titles)
    data.ids = list(index.events.ids())
    if table is not None:
        data.ev_row = splice(old_ev_row, rows_in)
        data.events = index.events
    else:
        data.events = _splice(data.events, gone_list, ins_pos, incoming)
    lo_moved = int(min(gone_sorted[0] if len(gone_sorted) else n_new, ins_pos[0] if len(ins_pos) else n_new))
    hi_moved = int(max(gone_sorted[-1] + 1 if len(gone_sorted) else 0, ins_pos[-1] + 1 if len(ins_pos) else 0))
    if n_new != n_old:  # every event after the first change moved by the difference
        hi_moved = n_new
    data.pos.moved(old_ev_row[gone_sorted] if old_ev_row is not None else gone_sorted, lo_moved,
                   min(max(hi_moved, lo_moved), n_new))

    # -- instances -----------------------------------------------------------------------------------------
    is_new_ev = np.zeros(n_new, dtype=bool)
    is_new_ev[ins_pos] = True
    remap = np.full(n_old, -1, dtype=np.int64)
    remap[~ev_gone] = np.flatnonzero(~is_new_ev)
    keep = ~inst_gone
    k_ev = remap[data.inst_ev[keep]]
    k_lane = data.inst_lane[keep]
    k_prim = data.inst_primary[keep]
    rows_old, natural_old = data.cap_rows[data.row_cap]
    k_rows = rows_old[keep]
    if new_inst:
        ni = np.array([(lane, e) for lane, e, _ in new_inst], dtype=np.int64).reshape(-1, 2)
        np_prim = np.array([p for _, _, p in new_inst], dtype=bool)
        key_new = ni[:, 0] * (n_new + 1) + ni[:, 1]
        o = np.argsort(key_new, kind="stable")
        ni, np_prim, key_new = ni[o], np_prim[o], key_new[o]
        at = np.searchsorted(k_lane * (n_new + 1) + k_ev, key_new)
    else:
        ni = np.zeros((0, 2), dtype=np.int64)
        np_prim = np.zeros(0, dtype=bool)
        at = np.zeros(0, dtype=np.int64)
    old_slices = data.lane_slices
    old_x0, old_reach = data.inst_x0, data.reach()
    old_inst_lane = data.inst_lane
    data.inst_ev = np.insert(k_ev, at, ni[:, 1])
    data.inst_lane = np.insert(k_lane, at, ni[:, 0])
    data.inst_primary = np.insert(k_prim, at, np_prim)
    rows = np.insert(k_rows, at, np.zeros(len(at), dtype=rows_old.dtype))
    data.inst_x0 = data.ev_x0[data.inst_ev]
    data.inst_x1 = data.ev_x1[data.inst_ev]
    bounds = np.searchsorted(data.inst_lane, np.arange(len(data.lanes) + 1))
    data.lane_slices = [(int(bounds[k]), int(bounds[k + 1])) for k in range(len(data.lanes))]
    for k, lane in enumerate(data.lanes):
        lane.count = data.lane_slices[k][1] - data.lane_slices[k][0]

    # -- rows: restack the lanes the edit touched -----------------------------------------------------------
    new_at = at + np.arange(len(at))  # the incoming instances' indices
    # for every new instance: the old instance it is (-1: incoming)
    old_of_inst = np.full(len(data.inst_ev), -1, dtype=np.int64)
    is_in = np.zeros(len(data.inst_ev), dtype=bool)
    is_in[new_at] = True
    old_of_inst[~is_in] = np.flatnonzero(keep)
    touched = set(np.unique(data.inst_lane[new_at]).tolist())
    touched |= set(np.unique(old_inst_lane[inst_gone]).tolist())
    cap = data.row_cap
    natural = list(natural_old)
    hits = list(data.lane_hit)
    reach = data.reach()
    for k in sorted(touched):
        lo, hi = data.lane_slices[k]
        olo, ohi = old_slices[k]
        old_of = old_of_inst[lo:hi]
        old_of = np.where(old_of >= 0, old_of - olo, -1)
        lane_rows, natural[k] = restack_lane(data.inst_x0[lo:hi], reach[lo:hi], rows_old[olo:ohi],
                                             old_reach[olo:ohi], old_of, cap)
        rows[lo:hi] = lane_rows
        hits[k] = natural[k] == cap and data.overflows(k, rows)
    _choose_rows(data, rows, natural, hits, False, [])
    return True


def _follow_in_place(data: TimelineData, index, table, gone_sorted: np.ndarray, ins_pos: np.ndarray,
                     incoming: list, new_inst: list[tuple[int, int, bool]], gone_lane_set: set[int]) -> None:
    """``follow_change`` when every lane keeps its number of instances (events re-dated, retitled...): only
    the stretch of events between the first and the last change moves, in place, and in each lane only
    the instances of those events; the lanes the edit touched are restacked."""
    rows_in, cols, color_in = _incoming_columns(data, table, incoming)
    lo = int(min(gone_sorted[0], ins_pos[0]))
    hi = int(max(gone_sorted[-1], ins_pos[-1])) + 1
    gone_w = gone_sorted - lo
    at_w = ins_pos - np.arange(len(ins_pos)) - lo  # where each goes among the stretch's events that stay

    one = len(gone_w) == 1  # one event moved from g to i: the others between shift by one (a memmove)
    g, i = int(gone_sorted[0]), int(ins_pos[0])

    def splice(arr: np.ndarray, new_values) -> None:
        if one:
            if g < i:
                arr[g:i] = arr[g + 1:i + 1]
            elif g > i:
                arr[i + 1:g + 1] = arr[i:g]
            arr[i] = np.asarray(new_values, dtype=arr.dtype)[0]
            return
        arr[lo:hi] = np.insert(np.delete(arr[lo:hi], gone_w), at_w, np.asarray(new_values, dtype=arr.dtype))

    def splice_list(values: list, new_values: list) -> None:
        if len(gone_w) <= 16:  # a few: in place (each a memmove), no copy of the stretch
            for i in reversed(gone_sorted.tolist()):
                del values[i]
            for j, a in enumerate(ins_pos.tolist()):
                values.insert(a, new_values[j])
            return
        seg = values[lo:hi]
        for i in reversed(gone_w.tolist()):
            del seg[i]
        for j, a in enumerate(at_w.tolist()):
            seg.insert(a + j, new_values[j])
        values[lo:hi] = seg

    gone_rows = data.ev_row[gone_sorted].copy() if data.ev_row is not None else gone_sorted
    for arr, values in ((data.ev_kind, cols.kind), (data.ev_inferred, cols.inferred),
                        (data.ev_conflict, cols.conflict), (data.ev_importance, cols.importance),
                        (data.ev_color, color_in), (data.ev_x0, index.ev_start[ins_pos]),
                        (data.ev_x1, index.ev_end[ins_pos])):
        splice(arr, values)
    splice_list(data.ids, [ev.id for ev in incoming])
    splice_list(data.titles, cols.titles)
    if table is not None:
        splice(data.ev_row, rows_in)
        data.events = index.events
    else:
        splice_list(data.events, incoming)
    data.pos.moved(gone_rows, lo, hi)

    # the instances of the stretch's events, lane by lane: their event indices follow; where the edited
    # events leave and come, the lane is spliced and restacked
    remap_w = np.full(hi - lo, -1, dtype=np.int64)
    stays = np.ones(hi - lo, dtype=bool)
    stays[gone_w] = False
    is_new_w = np.zeros(hi - lo, dtype=bool)
    is_new_w[ins_pos - lo] = True
    remap_w[stays] = np.flatnonzero(~is_new_w) + lo
    by_lane: dict[int, list[tuple[int, bool]]] = {}
    for lane, e, prim in new_inst:
        by_lane.setdefault(lane, []).append((e, prim))
    rows, natural = data.cap_rows[data.row_cap]
    shown = data.inst_row is rows
    natural = list(natural)
    hits = list(data.lane_hit)
    cap = data.row_cap
    touched = []
    shift = (-1 if g < i else 1) if one and g != i else 0  # the events between move by one toward g
    gone_lanes = gone_lane_set
    for k, (olo, ohi) in enumerate(data.lane_slices):
        ev_k = data.inst_ev[olo:ohi]
        a = olo + int(np.searchsorted(ev_k, lo))
        b = olo + int(np.searchsorted(ev_k, hi))
        incoming_k = sorted(by_lane.get(k, ()))
        if shift and k not in gone_lanes and not incoming_k:
            data.inst_ev[a:b] += shift
            continue
        new_ev = remap_w[data.inst_ev[a:b] - lo]
        gone_rel = np.flatnonzero(new_ev < 0)
        if not len(gone_rel) and not incoming_k:
            if shift:  # one event moved: the others of the stretch move by one, the other way
                data.inst_ev[a:b] += shift
            else:
                data.inst_ev[a:b] = new_ev
            continue
        kept_ev = np.delete(new_ev, gone_rel)
        in_ev = np.array([e for e, _ in incoming_k], dtype=np.int64)
        ins_at = np.searchsorted(kept_ev, in_ev)
        old_of = np.insert(np.delete(np.arange(ohi - olo, dtype=np.int64), gone_rel + (a - olo)),
                           ins_at + (a - olo), -1)
        old_x0, old_reach, old_rows = data.inst_x0[olo:ohi].copy(), data.reach(olo, ohi), rows[olo:ohi].copy()
        data.inst_ev[a:b] = np.insert(kept_ev, ins_at, in_ev)
        for arr, values in ((data.inst_primary, np.array([p for _, p in incoming_k], dtype=bool)),
                            (data.inst_x0, data.ev_x0[in_ev]), (data.inst_x1, data.ev_x1[in_ev])):
            arr[a:b] = np.insert(np.delete(arr[a:b], gone_rel), ins_at, values)
        lane_rows, natural[k] = restack_lane(data.inst_x0[olo:ohi], data.reach(olo, ohi), old_rows, old_reach,
                                             old_of, cap)
        rows[olo:ohi] = lane_rows
        hits[k] = natural[k] == cap and data.overflows(k, rows)
        touched.append(k)
    _choose_rows(data, rows, natural, hits, shown, touched)


def _choose_rows(data: TimelineData, rows: np.ndarray, natural: list[int], hits: list[bool], shown: bool,
                 touched: list[int]) -> None:
    """The restacked rows at the data's cap (``touched``: the lanes whose rows changed; ``shown``: the data
    showed these rows before): take the cap a fresh build would (the highest, from MAX_ROWS down, whose
    rows fit the budget) and show its rows."""
    cap = data.row_cap
    maxdur = data.__dict__.get("_maxdur")
    if maxdur is not None:  # the longest span of the lanes the edit touched (of every lane: not known)
        for k in (touched if shown else list(maxdur)):
            maxdur.pop(k, None)
    same_lanes = [max(1, n) for n in natural] == [lane.rows for lane in data.lanes]
    data.lane_hit = hits
    data.cap_rows = {cap: (rows, natural)}
    choice = cap
    for c in range(MAX_ROWS, cap, -1):
        # more rows than ``cap`` only for the lanes that overflowed (at least one more), the rest the same
        bound = sum(min(c, n + 1) if h else n for n, h in zip(natural, hits))
        if bound <= ROW_BUDGET:
            choice = data.choose_cap(c)  # it may fit: stack every lane at c (and below, until one fits)
            break
    else:
        if sum(natural) > ROW_BUDGET and cap > 1:
            choice = data.choose_cap(cap - 1)
    if choice != cap:
        data.row_cap = choice
        rows, natural = data.cap_rows[choice]
        data.lane_hit = [data.overflows(k, rows) for k in range(len(data.lanes))]
        data.cap_rows = {choice: (rows, natural)}
        same_lanes = False
    data.base_rows = (rows, natural)
    data.rows_key = None
    if shown and same_lanes and data.inst_row is rows:
        # the lanes keep their heights: only the touched lanes' instances move (vertically)
        for k in touched:
            lo, hi = data.lane_slices[k]
            lane = data.lanes[k]
            data.inst_yc[lo:hi] = lane.top + (rows[lo:hi] + 0.5) * (lane.height / lane.rows)
        data.inst_side[:] = 1
    else:
        data.apply_rows(rows, natural)


def _state(rows: np.ndarray, reach: np.ndarray, j: int) -> list[float]:
    """The sub-rows' ends after stacking the first ``j`` instances of a lane into ``rows`` (each row
    starts at 0.0, as in ``TimelineData._stack``)."""
    if j <= 0:
        return []
    r, ra = rows[:j], reach[:j]
    out = []
    for row in range(int(r.max()) + 1):
        mine = ra[r == row]
        out.append(max(0.0, float(mine.max())) if len(mine) else 0.0)
    return out


class _Chunks:
    """Elements of a few arrays read by index as Python values, converted a chunk at a time."""

    SIZE = 256

    def __init__(self, *arrays: np.ndarray):
        self.arrays = arrays
        self.lo = self.hi = 0
        self.rows: list = []

    def get(self, i: int) -> tuple:
        if not self.lo <= i < self.hi:
            self.lo, self.hi = i, i + self.SIZE
            self.rows = list(zip(*(a[i:i + self.SIZE].tolist() for a in self.arrays)))
        return self.rows[i - self.lo]


def _incoming_columns(data: TimelineData, table, incoming: list):
    """(table rows or None, columns, theme colours) of the events an edit brings in."""
    if table is not None:
        rows_in = np.array([table.row_of(ev.id) for ev in incoming], dtype=np.int64)
        cols = table_columns(table, rows_in)
    else:
        rows_in = None
        cols = item_columns(incoming)
    color_in = np.array([data.theme_color.get(t[0], 0) if t else 0 for t in cols.themes], dtype=np.int16)
    return rows_in, cols, color_in


def restack_lane(x0: np.ndarray, reach: np.ndarray, rows_old: np.ndarray, reach_old: np.ndarray,
                 old_of: np.ndarray, cap: int) -> tuple[np.ndarray, int]:
    """The rows of one lane (instances by start: ``x0``, ``reach``) stacked as ``TimelineData._stack``
    would, given its stacking before an edit (``rows_old``, ``reach_old``) and, for each instance now, which
    one it was then (``old_of``; -1 for an incoming one). Returns (rows, rows used).

    The greedy pass runs from the first instance that differs; at each instance that was there before, it
    checks whether its sub-rows are as they were before that instance (each row ending at the same time,
    or both free by then): from there the old rows hold, up to the next change."""
    n = len(x0)
    same = old_of == np.arange(n)
    p = n if same.all() else int(np.argmin(same))
    rows = np.zeros(n, dtype=rows_old.dtype)
    rows[:p] = rows_old[:p]
    ends = _state(rows_old, reach_old, p)
    if p == n:
        return rows, len(ends)
    # runs of instances that follow one another as they did: where each run ends
    follows = np.zeros(n, dtype=bool)
    follows[1:] = (old_of[1:] == old_of[:-1] + 1) & (old_of[:-1] >= 0)
    bounds = np.r_[np.flatnonzero(~follows), n]
    run_end = np.repeat(bounds[1:], np.diff(bounds))[p:]
    # read as lists a chunk at a time, from p on (the stacking is usually as before a few instances past
    # each change, and the rest of a lane of 100,000 is never read)
    new_at = _Chunks(old_of, x0, reach)
    old_at = _Chunks(rows_old, reach_old)
    out = rows[p:]
    oends, oj = list(ends), p  # the old stacking, replayed up to old instance oj
    q = p
    while q < n:
        j, x, rch = new_at.get(q)
        if j >= 0:
            while oj < j:
                r, ro_reach = old_at.get(oj)
                if r == len(oends):
                    oends.append(0.0)
                if ro_reach > oends[r]:
                    oends[r] = ro_reach
                oj += 1
            if len(oends) == len(ends) and all(a == b or (a <= x and b <= x) for a, b in zip(ends, oends)):
                e = int(run_end[q - p])
                k = e - q
                out[q - p:e - p] = rows_old[j:j + k]
                oj = j + k
                oends = _state(rows_old, reach_old, oj)
                ends = list(oends)
                q = e
                continue
        out[q - p] = take_row(ends, x, rch, cap)
        q += 1
    return rows, len(ends)
