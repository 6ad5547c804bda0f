"""The timeline layout without Qt (explorer.core.layout.timeline): lanes by theme and by actor, sub-rows,
per-frame culling and density, label placement with a fake width function (no overlaps, the eliding rules),
hit-testing, the emphasis of a selection, the calendar grid, the tick texts and the overview histogram.

Only explorer.core is imported: widths are ``6 px per character`` and the line is 14 px high.
"""

from __future__ import annotations

import calendar
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from explorer.core import Corpus, CorpusInfo, Entity, Event, PartialDate, Theme
from explorer.core.index import CorpusIndex
from explorer.core.layout.timeline import (
    APPROX,
    DAY,
    DAY_SPACING,
    DAYS,
    GRID_DECADE,
    GRID_MINOR,
    GRID_YEAR,
    LABEL_GAP,
    MAX_ACTOR_LANES,
    MAX_INDIVIDUAL,
    MAX_ROWS,
    MIN_ELIDED_PX,
    MIN_LANE_UNITS,
    MONTHS_DAYS,
    NO_ACTOR,
    OTHER_ACTORS,
    OTHER_COLOR,
    OTHER_THEME,
    ROW_BUDGET,
    SPAN,
    YEARS_MONTHS,
    EventsLayout,
    TextMetrics,
    TimelineData,
    density_alpha,
    emphasis_for,
    grid_lines,
    histogram_bars,
    month_start_in,
    overview_counts,
    ranges_to_indices,
    tick_strings,
    year_start_in,
)

CHAR_PX = 6.0
LINE_PX = 14.0
PALETTE = ["#101010", "#202020", "#303030"]
KINDS = {"entity": "#00aa00", "expert": "#0000aa"}


def ts(*parts: int) -> float:
    return float(calendar.timegm((*parts, *([1] * (3 - len(parts))), 0, 0, 0)))


def fake_width(text: str) -> float:
    return CHAR_PX * len(text)


def metrics(**kw) -> TextMetrics:
    return TextMetrics(width=fake_width, height=LINE_PX, **kw)


def event(eid: str, start: PartialDate, end: PartialDate | None = None, title: str | None = None, themes=(),
          actors=(), conflict: str | None = None) -> Event:
    return Event(id=eid, title=title or eid, start=start, end=end, themes=list(themes), actors=list(actors),
                 conflict=conflict)


def index_of(events, themes=(), entities=()) -> CorpusIndex:
    corpus = Corpus(root=Path("."), info=CorpusInfo(title="t"), themes=list(themes), events=list(events),
                    entities=list(entities))
    return CorpusIndex(corpus)


# =========================================================================================================
# lanes
# =========================================================================================================
def test_theme_lanes_show_every_theme_of_an_event_in_corpus_order():
    themes = [Theme(id="th-a", name="A", color="#112233"), Theme(id="th-b", name="B"),
              Theme(id="th-unused", name="Unused")]
    events = [event("e1", PartialDate(2000), themes=["th-b", "th-a"]),
              event("e2", PartialDate(2001), themes=["th-a"]),
              event("e3", PartialDate(2002), themes=["th-undeclared"]),
              event("e4", PartialDate(2003)),
              event("e5", PartialDate(2004, 5, 6), themes=["th-a"])]
    d = TimelineData(index_of(events, themes), "theme", theme_colors=PALETTE)
    assert [(lane.key, lane.name) for lane in d.lanes] == [
        ("th-a", "A"), ("th-b", "B"), ("th-undeclared", "th-undeclared"), (OTHER_THEME, "Other")]
    # e1 is in both its lanes (issue 13: lanes count what they show): th-a has e1, e2, e5
    assert [lane.count for lane in d.lanes] == [3, 1, 1, 1]
    # a theme's own colour, else the palette in turn (by position among the corpus themes)
    assert [lane.color for lane in d.lanes] == ["#112233", PALETTE[1], OTHER_COLOR, OTHER_COLOR]
    assert d.colors[d.ev_color[d.pos["e1"]]] == PALETTE[1]  # the colour of its first theme
    assert d.colors[d.ev_color[d.pos["e4"]]] == OTHER_COLOR
    # one instance per theme of an event, its first theme's primary, grouped by lane and sorted by start
    assert len(d.inst_ev) == 6 and len(d) == 5
    e1 = d.pos["e1"]
    lanes_of_e1 = {d.lanes[d.inst_lane[j]].key: bool(d.inst_primary[j]) for j in d.ev_instances[e1]}
    assert lanes_of_e1 == {"th-b": True, "th-a": False}
    assert d.inst_primary.sum() == 5
    for k, (lo, hi) in enumerate(d.lane_slices):
        assert (d.inst_lane[lo:hi] == k).all()
        assert (np.diff(d.inst_x0[lo:hi]) >= 0).all()
    # lanes are stacked without gaps, each at least MIN_LANE_UNITS tall
    top = 0.0
    for lane in d.lanes:
        assert lane.top == top and lane.height >= MIN_LANE_UNITS
        top += lane.height
    assert d.total_rows == top
    assert d.theme_names == {"th-a": "A", "th-b": "B", "th-unused": "Unused"}


def test_mark_kinds_and_intervals():
    events = [event("day", PartialDate(2001, 2, 3)), event("month", PartialDate(2001, 2)),
              event("year", PartialDate(2001)), event("span", PartialDate(2001, 3), PartialDate(2002))]
    d = TimelineData(index_of(events))
    kinds = {eid: int(d.ev_kind[d.pos[eid]]) for eid in d.ids}
    assert kinds == {"day": DAY, "month": APPROX, "year": APPROX, "span": SPAN}
    i = d.pos["span"]
    assert (d.ev_x0[i], d.ev_x1[i]) == (ts(2001, 3), ts(2003))
    i = d.pos["day"]
    assert (d.ev_x0[i], d.ev_x1[i]) == (ts(2001, 2, 3), ts(2001, 2, 4))


def actor_index(n_actors: int):
    """Actor i is named by i + 1 events (so that the ranking is by count); one event names no actor and one
    names the two most frequent actors."""
    entities = [Entity(id=f"a{i:02d}", name=f"Actor {i:02d}", kind="person" if i % 2 else "country")
                for i in range(n_actors)]
    events = []
    for i in range(n_actors):
        for j in range(i + 1):
            events.append(event(f"e-{i}-{j}", PartialDate(1990 + j % 30), actors=[f"a{i:02d}"]))
    events.append(event("e-none", PartialDate(2000)))
    last = f"a{n_actors - 1:02d}"
    events.append(event("e-both", PartialDate(2001), actors=[last, f"a{n_actors - 2:02d}", last]))
    return index_of(events, entities=entities)


def test_actor_lanes_rank_by_count_and_keep_other_and_none_at_the_bottom():
    index = actor_index(MAX_ACTOR_LANES + 3)
    d = TimelineData(index, "actor", kind_colors=KINDS)
    keys = [lane.key for lane in d.lanes]
    assert len(keys) == MAX_ACTOR_LANES + 2
    assert keys[-2:] == [OTHER_ACTORS, NO_ACTOR]
    n = MAX_ACTOR_LANES + 3
    # the most frequent first
    assert keys[:MAX_ACTOR_LANES] == [f"a{i:02d}" for i in range(n - 1, n - 1 - MAX_ACTOR_LANES, -1)]
    assert d.lanes[0].name == f"Actor {n - 1:02d}"
    # lane colours by kind of item (entity or expert)
    assert all(lane.color == KINDS["entity"] for lane in d.lanes[:MAX_ACTOR_LANES])
    assert d.lanes[-1].color == d.lanes[-2].color == OTHER_COLOR
    # an event with two actors is in both lanes (a repeated actor counts once); counts add up
    both = d.pos["e-both"]
    lanes_of_both = sorted(int(d.inst_lane[j]) for j in d.ev_instances[both])
    assert lanes_of_both == [0, 1]
    assert d.lanes[-1].count == 1  # e-none
    assert d.lanes[-2].count == 1 + 2 + 3  # the three least frequent actors
    assert sum(lane.count for lane in d.lanes) == len(d.inst_ev) == len(d) + 1


def test_one_actor_too_many_still_gets_its_lane():
    d = TimelineData(actor_index(MAX_ACTOR_LANES + 1), "actor")
    assert OTHER_ACTORS not in [lane.key for lane in d.lanes]
    assert len(d.lanes) == MAX_ACTOR_LANES + 2  # every actor, and "No actor named"


def test_sub_rows_stack_overlapping_events_and_respect_the_budget():
    events = [event(f"e{i}", PartialDate(2000, 1 + i % 12, 1), PartialDate(2003)) for i in range(8)]
    d = TimelineData(index_of(events))
    assert d.lanes[0].rows == MAX_ROWS  # eight overlapping spans in one lane, on at most MAX_ROWS rows
    assert set(d.inst_row.tolist()) == set(range(MAX_ROWS))
    # many lanes: fewer sub-rows each, within the budget
    themes = [Theme(id=f"t{k}", name=f"T{k}") for k in range(8)]
    events = [event(f"e{k}-{i}", PartialDate(2000, 1 + i, 1), PartialDate(2003), themes=[f"t{k}"])
              for k in range(8) for i in range(6)]
    d = TimelineData(index_of(events, themes))
    assert sum(lane.rows for lane in d.lanes) <= ROW_BUDGET
    assert d.row_cap < MAX_ROWS
    # every instance's centre is inside its lane
    for j in range(len(d.inst_ev)):
        lane = d.lanes[int(d.inst_lane[j])]
        assert lane.top < d.inst_yc[j] < lane.top + lane.height


def test_default_corpus_lanes(corpus):
    index = CorpusIndex(corpus)
    d = TimelineData(index, "theme")
    # each lane counts the events that name its theme (an event with two themes is in both)
    assert sum(lane.count for lane in d.lanes) == sum(len(set(e.themes)) or 1 for e in corpus.events)
    for lane in d.lanes:
        assert lane.count == sum(lane.key in e.themes for e in corpus.events)
    declared = [t.id for t in corpus.themes]
    keys = [lane.key for lane in d.lanes if lane.key in declared]
    assert keys == [t for t in declared if t in keys]  # corpus order
    a = TimelineData(index, "actor")
    assert len(a.lanes) <= MAX_ACTOR_LANES + 2
    for e in corpus.events:
        lanes = {a.lanes[int(a.inst_lane[j])].key for j in a.ev_instances[a.pos[e.id]]}
        if not e.actors:
            assert lanes == {NO_ACTOR}
        else:
            assert lanes <= set(e.actors) | {OTHER_ACTORS}


def test_ranges_to_indices():
    got = ranges_to_indices(np.array([2, 10, 5, 7]), np.array([5, 10, 6, 9]))
    assert got.tolist() == [2, 3, 4, 5, 7, 8]
    assert ranges_to_indices(np.array([3]), np.array([1])).tolist() == []


# =========================================================================================================
# per-frame layout and labels
# =========================================================================================================
W = 1000.0


def frame(model: EventsLayout, t0: float, t1: float, sy: float = 30.0):
    return model.layout(t0, t1, 0.0, W / (t1 - t0), sy, W, 400.0)


def model_of(events, full_span: float | None = None, m: TextMetrics | None = None, themes=()) -> EventsLayout:
    d = TimelineData(index_of(events, themes), full_span=full_span)
    model = EventsLayout(m or metrics())
    model.set_data(d, np.ones(len(d), dtype=bool))
    return model


def assert_label_rules(model: EventsLayout, lay) -> None:
    """No two labels overlap, labels of a row keep LABEL_GAP, stay in the view, and show either the whole
    title or a prefix of it followed by "…", at least MIN_ELIDED_PX wide."""
    d = model.data
    for a, b in combinations(lay.labels, 2):
        overlap_x = a.x < b.right and b.x < a.right
        overlap_y = a.y < b.bottom and b.y < a.bottom
        assert not (overlap_x and overlap_y), (a, b)
        if a.y == b.y:  # the same sub-row
            assert a.right + LABEL_GAP <= b.x + 1e-9 or b.right + LABEL_GAP <= a.x + 1e-9, (a, b)
    for lab in lay.labels:
        assert 0 <= lab.x and lab.right <= lay.width - 2 + 1e-9
        title = d.events[int(d.inst_ev[lab.inst])].title
        assert lab.text and lab.text != "…"
        if lab.text != title:
            assert lab.text.endswith("…") and title.startswith(lab.text[:-1])
            assert fake_width(lab.text) <= lab.width + 1e-9
        assert lab.width == pytest.approx(fake_width(lab.text))
        assert lab.height == LINE_PX


def test_labels_never_overlap_on_a_crowded_random_timeline():
    rng = np.random.default_rng(3)
    events = []
    for i in range(600):
        y, m, day = int(rng.integers(1990, 2020)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        r = rng.random()
        start = PartialDate(y, m, day) if r < 0.6 else (PartialDate(y, m) if r < 0.8 else PartialDate(y))
        end = PartialDate(min(y + 2, 2021)) if r > 0.93 else None
        events.append(event(f"e{i:04d}", start, end, title=f"Event {i} " + "w" * int(rng.integers(0, 30))))
    model = model_of(events)
    for t0, t1 in ((ts(1989), ts(2022)), (ts(2000), ts(2004)), (ts(2010, 3), ts(2010, 9))):
        lay = frame(model, t0, t1)
        assert lay.labels or lay.dense_bins  # all of it: density bands
        assert_label_rules(model, lay)
    # selected and emphasised events: the rules hold too, and the selected label is always there, bold
    sel = model.data.pos["e0100"]
    state = np.full(len(model.data), 2, dtype=np.int8)
    state[::7] = 1
    model.set_emphasis(state, sel, True)
    x = model.data.ev_x0[sel]
    lay = frame(model, x - 400 * DAY_SPACING, x + 400 * DAY_SPACING)
    assert_label_rules(model, lay)
    mine = [lab for lab in lay.labels if int(model.data.inst_ev[lab.inst]) == sel]
    assert len(mine) == 1 and mine[0].bold


def two_days(title_a: str, title_b: str = "B"):
    """Two day events five years apart on one row; the frame puts them 200 px apart."""
    events = [event("a", PartialDate(2000, 1, 1), title=title_a), event("b", PartialDate(2005, 1, 1), title=title_b)]
    model = model_of(events, full_span=100 * 365 * DAY_SPACING)
    t0 = ts(2000, 1, 1) - 100 / 200 * (ts(2005, 1, 1) - ts(2000, 1, 1))
    t1 = t0 + 5 * (ts(2005, 1, 1) - ts(2000, 1, 1))
    return model, t0, t1


def label_texts(model: EventsLayout, lay) -> dict[str, str]:
    return {model.data.ids[int(model.data.inst_ev[lab.inst])]: lab.text for lab in lay.labels}


def test_a_label_that_fits_is_shown_whole_after_its_mark():
    model, t0, t1 = two_days("Short title")
    lay = frame(model, t0, t1)
    assert model.data.inst_row.tolist() == [0, 0]
    texts = label_texts(model, lay)
    assert texts == {"a": "Short title", "b": "B"}
    lab = next(lab for lab in lay.labels if lab.text == "Short title")
    j = int(np.flatnonzero(lay.inst == lab.inst)[0])
    assert lab.x == pytest.approx(lay.right[j] + 3.0)  # just after the diamond
    assert lab.y == pytest.approx(lay.yc[j] - LINE_PX / 2)


def test_a_label_a_little_too_long_is_elided_before_the_next_mark():
    model, t0, t1 = two_days("x" * 50)  # 300 px for about 180 px of room
    lay = frame(model, t0, t1)
    a = next(lab for lab in lay.labels if model.data.ids[int(model.data.inst_ev[lab.inst])] == "a")
    jb = int(np.flatnonzero(model.data.inst_ev[lay.inst] == model.data.pos["b"])[0])
    assert a.text.endswith("…") and a.right <= lay.left[jb] - 4.0
    room = lay.left[jb] - 4.0 - a.x
    assert len(a.text) == int(room // CHAR_PX)  # the longest prefix that fits, with its ellipsis


def test_a_label_much_too_long_is_hidden_unless_emphasised():
    model, t0, t1 = two_days("x" * 100)  # 600 px for about 180 px of room: less than 45 %
    lay = frame(model, t0, t1)
    assert "a" not in label_texts(model, lay)
    model.set_emphasis(np.ones(2, dtype=np.int8), -1, True)  # both emphasised: b is still in the way
    lay = frame(model, t0, t1)
    assert label_texts(model, lay)["a"].endswith("…")
    state = np.full(2, 2, dtype=np.int8)
    state[model.data.pos["a"]] = 1
    model.set_emphasis(state, -1, True)  # an emphasised label may cover dimmed marks
    assert label_texts(model, frame(model, t0, t1))["a"] == "x" * 100


def test_no_label_in_less_than_the_minimum_elided_room():
    events = [event("a", PartialDate(2000, 1, 1), title="x" * 12), event("b", PartialDate(2000, 2, 5), title="B")]
    model = model_of(events, full_span=10 * DAY_SPACING)  # stacking pads by 30 days: one row for both
    assert model.data.inst_row.tolist() == [0, 0]
    sx = 40 / (35 * DAY_SPACING)  # 35 days = 40 px
    t0 = ts(2000, 1, 1) - 50 / sx  # a 50 px from the left edge: no room before it either
    lay = model.layout(t0, t0 + W / sx, 0.0, sx, 30.0, W, 400.0)
    ja, jb = (int(np.flatnonzero(model.data.inst_ev[lay.inst] == model.data.pos[e])[0]) for e in "ab")
    assert 0 < lay.left[jb] - 4.0 - (lay.right[ja] + 3.0) < MIN_ELIDED_PX
    assert label_texts(model, lay) == {"b": "B"}
    model.set_emphasis(np.ones(2, dtype=np.int8), -1, True)  # not even when emphasised
    assert label_texts(model, model.layout(t0, t0 + W / sx, 0.0, sx, 30.0, W, 400.0)) == {"b": "B"}


def test_the_selected_label_is_always_shown_even_over_the_next_mark():
    model, t0, t1 = two_days("x" * 100)
    model.set_emphasis(np.zeros(2, dtype=np.int8), model.data.pos["a"], False)
    lay = frame(model, t0, t1)
    lab = next(lab for lab in lay.labels if lab.bold)
    assert lab.text == "x" * 100  # the selected one stops before nothing
    assert "b" not in label_texts(model, lay)  # and b's label does not go over it


def test_near_the_right_edge_a_label_goes_before_its_mark():
    events = [event("a", PartialDate(2000, 1, 1), title="Right edge")]
    model = model_of(events, full_span=100 * 365 * DAY_SPACING)
    x = ts(2000, 1, 1)
    lay = frame(model, x - 990 * DAY_SPACING, x + 10 * DAY_SPACING)  # the mark 10 px from the right edge
    (lab,) = lay.labels
    assert lab.text == "Right edge" and lab.right <= lay.left[0] - 4.0 + 1e-9


def test_bold_widths_and_eliding_come_from_the_metrics():
    seen = []

    def bold(text):
        seen.append(text)
        return 9.0 * len(text)

    model, t0, t1 = two_days("Selected")
    model.metrics = metrics(bold_width=bold, elide=lambda t, w: "never used")
    model.set_emphasis(np.zeros(2, dtype=np.int8), model.data.pos["a"], False)
    lay = frame(model, t0, t1)
    lab = next(lab for lab in lay.labels if lab.bold)
    assert lab.width == 9.0 * len("Selected") and "Selected" in seen


def test_labels_only_for_the_selection_when_rows_are_too_low():
    model, t0, t1 = two_days("A")
    assert label_texts(model, frame(model, t0, t1, sy=LINE_PX - 2)) == {}
    model.set_emphasis(np.zeros(2, dtype=np.int8), model.data.pos["b"], False)
    assert label_texts(model, frame(model, t0, t1, sy=LINE_PX - 2)) == {"b": "B"}


def test_layout_is_cached_per_frame_and_version():
    model, t0, t1 = two_days("A")
    lay = frame(model, t0, t1)
    assert frame(model, t0, t1) is lay
    model.invalidate()
    assert frame(model, t0, t1) is not lay


def test_dense_lanes_aggregate_into_bands_but_keep_emphasised_marks():
    rng = np.random.default_rng(5)
    events = [event(f"e{i:05d}", PartialDate(int(rng.integers(1990, 2020)), int(rng.integers(1, 13)),
                                             int(rng.integers(1, 29)))) for i in range(20000)]
    model = model_of(events)
    lay = frame(model, ts(1989), ts(2021))
    assert lay.dense_bins > 0 and lay.density
    assert len(lay.inst) <= MAX_INDIVIDUAL
    d = model.data
    state = np.full(len(d), 2, dtype=np.int8)
    emph = np.arange(0, len(d), 500)
    state[emph] = 1
    model.set_emphasis(state, -1, True)
    lay = frame(model, ts(1989), ts(2021))
    drawn = set(d.inst_ev[lay.inst].tolist())
    assert set(emph.tolist()) <= drawn
    assert any(e is not None and e.any() for _k, _c, e in lay.density)
    # the filters: hidden events are neither drawn nor counted
    model.set_visible(np.zeros(len(d), dtype=bool))
    lay = frame(model, ts(1989), ts(2021))
    assert not len(lay.inst) and not lay.density


def test_hit_finds_labels_and_marks():
    model, t0, t1 = two_days("Label of a")
    lay = frame(model, t0, t1)
    lab = next(lab for lab in lay.labels if lab.text == "Label of a")
    assert model.hit(lay, lab.x + 5, lab.y + 3) == lab.inst
    jb = int(np.flatnonzero(model.data.inst_ev[lay.inst] == model.data.pos["b"])[0])
    assert model.hit(lay, (lay.left[jb] + lay.right[jb]) / 2, lay.yc[jb]) == int(lay.inst[jb])
    assert model.hit(lay, 900.0, 300.0) == -1
    assert model.hit(None, 0.0, 0.0) == -1


def test_mark_order_puts_the_selected_last_and_drops_duplicates():
    events = [event(f"y{i}", PartialDate(2000), title=f"Year {i}") for i in range(30)]
    events.append(event("d", PartialDate(2000, 6, 1)))
    model = model_of(events)
    sel = model.data.pos["d"]
    model.set_emphasis(np.zeros(len(model.data), dtype=np.int8), sel, False)
    lay = frame(model, ts(1999), ts(2002))
    mo = model.mark_order(lay)
    assert int(model.data.inst_ev[lay.inst[mo.order[-1]]]) == sel
    assert len(mo.order) < len(lay.inst)  # identical year marks piled on the last sub-row painted once
    assert (np.diff(mo.rank[mo.order]) >= 0).all()


def test_emphasis_for_a_selection(corpus):
    index = CorpusIndex(corpus)
    d = TimelineData(index)
    ev = index.events[3].id
    state, selected, active = emphasis_for(d, index, ev)
    assert selected == d.pos[ev] and not active and not state.any()
    actor = next(e.id for e in corpus.entities if index.linked_events(e.id))
    state, selected, active = emphasis_for(d, index, actor)
    assert selected == -1 and active
    assert {d.ids[i] for i in np.flatnonzero(state == 1)} == set(index.linked_events(actor))
    assert ((state == 1) | (state == 2)).all()
    assert emphasis_for(d, index, None)[2] is False
    assert emphasis_for(d, index, "no-such-id")[2] is False


# =========================================================================================================
# grid, axis, overview
# =========================================================================================================
def test_grid_lines_at_several_zooms():
    # decades and years
    lines = grid_lines(ts(1950), ts(2020), 1000 / (ts(2020) - ts(1950)))
    kinds = {k for _x, k in lines}
    assert kinds == {GRID_YEAR, GRID_DECADE} and len(lines) == 71
    # months and years
    lines = grid_lines(ts(2000), ts(2003), 1000 / (ts(2003) - ts(2000)))
    assert len([k for _x, k in lines if k == GRID_MINOR]) == 33 and len(lines) == 33 + 4
    # days (and months drawn as year lines)
    t0, t1 = ts(2000, 1, 20), ts(2000, 2, 10)
    lines = grid_lines(t0, t1, 1000 / (t1 - t0))
    assert len([k for _x, k in lines if k == GRID_MINOR]) == 22
    assert [x for x, k in lines if k == GRID_YEAR] == [round((ts(2000, 2) - t0) * 1000 / (t1 - t0)) + 0.5]
    assert all(x == int(x) + 0.5 for x, _k in lines)  # pixel centres


def test_tick_texts():
    assert tick_strings([ts(2001), ts(2002)], 365 * DAY_SPACING, YEARS_MONTHS) == ["2001", "2002"]
    months = [ts(2001, 3), ts(2001, 4)]
    # no new year in view: the first month says which year
    assert tick_strings(months, 30 * DAY_SPACING, YEARS_MONTHS, (ts(2001, 2), ts(2001, 6))) == ["Mar 2001", "Apr"]
    assert tick_strings(months, 30 * DAY_SPACING, YEARS_MONTHS, (ts(2000, 11), ts(2001, 6))) == ["Mar", "Apr"]
    assert tick_strings(months, 30 * DAY_SPACING, MONTHS_DAYS) == ["Mar 2001", "Apr 2001"]
    days = [ts(2001, 3, 5), ts(2001, 3, 6)]
    assert tick_strings(days, DAY_SPACING, DAYS) == ["Mon 5 Mar", "Tue 6 Mar"]
    assert tick_strings(days, DAY_SPACING, MONTHS_DAYS, (ts(2001, 3, 2), ts(2001, 3, 20))) == ["5 Mar", "6"]
    assert year_start_in(ts(2000, 11), ts(2001, 6)) and not year_start_in(ts(2001, 2), ts(2001, 6))
    assert month_start_in(ts(2001, 2, 20), ts(2001, 3, 10)) and not month_start_in(ts(2001, 3, 2), ts(2001, 3, 20))


def test_overview_histogram_and_density_alpha():
    edges, counts, emph = overview_counts(np.array([0.5, 1.5, 1.6, 9.9]), (0.0, 10.0), 10, np.array([1.5]))
    assert len(edges) == 11 and counts.tolist() == [1, 2, 0, 0, 0, 0, 0, 0, 0, 1] and emph[1] == 1
    x0, hh, x1 = histogram_bars(counts, 100, 50)
    assert x0 == [0.0, 10.0, 90.0] and x1 == [10.0, 20.0, 100.0]
    assert hh[1] == pytest.approx(50 * 0.94) and hh[0] < hh[1]
    assert histogram_bars(np.zeros(10), 100, 50) == ([], [], [])
    alpha = density_alpha(np.array([0, 1, 10, 100]), 100.0, 1.0)
    assert alpha[0] == 0 and 0 < alpha[1] < alpha[2] < alpha[3] == int(0.9 * 255)
    assert (density_alpha(np.array([0, 1, 10, 100]), 100.0, 0.35) <= alpha).all()


def test_the_core_layout_and_queries_import_no_qt():
    code = ("import sys; import explorer.core.layout.timeline, explorer.core.layout.text, "
            "explorer.core.index.queries; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_label_rows_leave_each_label_room_beside_its_mark_inside_the_window():
    """Issue 13: sub-rows stacked for labels at a zoom: no label's room overlaps another mark's or label's,
    and none crosses the window's edges (a label near the right edge goes before its mark)."""
    from explorer.core.layout.timeline import DAY_SPACING

    theme = Theme(id="th", name="T")
    t0 = PartialDate(2000, 1, 1).start_seconds
    events = [event(f"e{k}", PartialDate.parse(_iso(t0 + k * 20 * DAY_SPACING)), themes=["th"]) for k in range(10)]
    d = TimelineData(index_of(events, [theme]), "theme")
    sx = 40 / (20 * DAY_SPACING)  # 40 px between two events
    lo, hi = t0 - 30 * DAY_SPACING, t0 + 190 * DAY_SPACING  # the last event is 20 px from the right edge
    label_w = np.full(len(d), 150.0)
    rows, natural, side = d.label_rows(sx, label_w, 6.0, 10, (lo, hi))
    assert 1 < natural[0] < 10
    occupied: dict[int, list[tuple[float, float]]] = {}
    for j in range(len(d.inst_ev)):
        xc = (d.inst_x0[j] + d.inst_x1[j]) / 2 * sx
        a, b = xc - 6, xc + 6
        if side[j] < 0:
            a -= 4 + 150
        else:
            b += 4 + 150
        assert lo * sx <= a and b <= hi * sx - 2, (j, side[j])
        for c, e in occupied.get(int(rows[j]), []):
            assert b + 8 <= c or e + 8 <= a
        occupied.setdefault(int(rows[j]), []).append((a, b))
    assert side[-1] == -1  # at the right edge: before its mark


def _iso(t: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")


def test_a_rows_mark_test_answers_as_a_scan_of_every_mark_would():
    """Whether a label's span [a, b) would cover a mark of its row other than its own: found from prefix
    maxima (a selected theme emphasises thousands of marks, and a scan per label took 0.3 s a frame),
    the same answer as looking at each mark."""
    import random

    from explorer.core.layout.timeline import _Row

    rng = random.Random(5)
    for _ in range(300):
        n = rng.randint(1, 40)
        lefts = sorted(rng.uniform(0, 100) for _ in range(n))
        rights = [x + rng.uniform(0, 15) for x in lefts]
        strong = sorted(rng.sample(range(n), rng.randint(0, n)))
        row = _Row(lefts, rights, strong)
        for _ in range(20):
            a = rng.uniform(-5, 110)
            b = a + rng.uniform(0, 30)
            own = rng.randrange(n)
            for strong_only in (True, False):
                marks = strong if strong_only else range(n)
                want = any(lefts[q] < b and rights[q] > a and q != own for q in marks)
                assert row.mark_blocked(a, b, own, strong_only) == want, (lefts, rights, strong, a, b, own)
