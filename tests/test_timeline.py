"""The timeline view: range and navigation (wheel, drag, keys, overview), the UTC date axis at several
zooms, selection by click and by stepping, emphasis of linked events, label layout, honest precision of
the marks, filters, lanes, and level of detail on a large synthetic corpus.

Most tests run on the default corpus (via the ``make_view`` fixture); the label and density tests build
synthetic corpora in memory.
"""

from __future__ import annotations

import calendar
import random
import time
from datetime import UTC, datetime
from itertools import combinations, pairwise
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from explorer.core.index import CorpusIndex
from explorer.core import PartialDate
from explorer.core.corpus import Corpus
from explorer.core.model.types import CorpusInfo, Event, Theme
from explorer.qt.bridge import AppState
from explorer.qt.views.timeline import MIN_WINDOW, TimelineView, format_range
from explorer.core.layout.timeline import MAX_INDIVIDUAL

DAY = 86400.0
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def ts(*parts: int) -> float:
    """POSIX seconds (UTC) of a date."""
    return float(calendar.timegm((*parts, *([1] * (3 - len(parts))), 0, 0, 0)))


def utc(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def approx_window(a, b, rel=1e-6):
    span = max(b[1] - b[0], 1.0)
    return abs(a[0] - b[0]) <= rel * span and abs(a[1] - b[1]) <= rel * span


@pytest.fixture()
def view(make_view) -> TimelineView:
    return make_view(TimelineView, 1400, 600)


def settle(view: TimelineView) -> None:
    QApplication.processEvents()
    view.plot_widget.viewport().repaint()


def width(window) -> float:
    return window[1] - window[0]


# -- synthetic corpora ----------------------------------------------------------------------------------
def synthetic_corpus(n: int, seed: int = 7, years=(1988, 2022), n_themes: int = 6, root: Path | None = None,
                     day_share: float = 0.7) -> Corpus:
    """``n`` events spread over ``years``: mostly days, some months and years, a few spans."""
    rng = random.Random(seed)
    themes = [Theme(id=f"theme-{i}", name=f"Theme {i}") for i in range(n_themes)]
    events = []
    for i in range(n):
        y = rng.randint(*years)
        m = rng.randint(1, 12)
        d = rng.randint(1, 28)
        r = rng.random()
        if r < day_share:
            start, end = PartialDate(y, m, d), None
        elif r < day_share + 0.15:
            start, end = PartialDate(y, m), None
        elif r < day_share + 0.22:
            start, end = PartialDate(y), None
        else:
            start, end = PartialDate(y, m, d), PartialDate(min(y + rng.randint(0, 2), years[1]), rng.randint(1, 12))
            if end.end_seconds <= start.start_seconds:
                end = None
        events.append(Event.model_construct(
            id=f"ev-{i:06d}", title=f"Synthetic event {i} {'x' * rng.randint(0, 18)}", summary="", start=start,
            end=end, inferred=rng.random() < 0.1, date_text=None, themes=[themes[rng.randrange(n_themes)].id],
            actors=[], experts=[], passages=[], conflict=None))
    info = CorpusInfo(title="synthetic", time_range=[PartialDate(years[0]), PartialDate(years[1])])
    return Corpus(root=root or Path("."), info=info, themes=themes, events=events)


@pytest.fixture()
def synthetic_view(qtbot, app):
    """A timeline on a synthetic corpus, with its own state; closed after the test."""
    created = []

    def factory(corpus: Corpus, width_px=1600, height_px=500):
        st = AppState()
        st.set_corpus(corpus, CorpusIndex(corpus))
        v = TimelineView(st)
        qtbot.addWidget(v)
        v.resize(width_px, height_px)
        v.show()
        qtbot.waitExposed(v)
        created.append((v, st))
        return v, st

    yield factory
    for v, st in created:
        v.close()
        st.deleteLater()


# =========================================================================================================
# range and navigation
# =========================================================================================================
def test_opens_on_the_full_range_and_tells_the_state(view, state):
    full = state.full_range()
    assert utc(full[0]).year == 1988 and utc(full[1] - 1).year == 2022
    assert approx_window(view.visible_range(), full)
    assert approx_window(state.time_window, full)
    assert approx_window(view.overview_region(), full)


def _wheel(view: TimelineView, steps: int) -> None:
    vp = view.plot_widget.viewport()
    pos = QPointF(vp.width() * 0.6, vp.height() * 0.4)
    ev = QWheelEvent(pos, QPointF(vp.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, ev)
    QApplication.processEvents()


def test_wheel_zooms_time_only_and_the_overview_follows(view, state):
    before = state.time_window
    y_before = view.vb.viewRange()[1]
    _wheel(view, +2)
    after = state.time_window
    assert width(after) < 0.8 * width(before)
    assert approx_window(view.visible_range(), after)
    assert approx_window(view.overview_region(), after)
    assert view.vb.viewRange()[1] == pytest.approx(y_before)  # y is locked
    _wheel(view, -1)
    assert width(state.time_window) > width(after)


def test_keyboard_zoom_and_home(view, state, qtbot):
    view.plot_widget.setFocus()
    full = state.time_window
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Plus)
    w1 = width(state.time_window)
    assert w1 == pytest.approx(width(full) / 1.5, rel=1e-6)
    centre = (full[0] + full[1]) / 2
    assert (state.time_window[0] + state.time_window[1]) / 2 == pytest.approx(centre, abs=DAY)
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Equal)
    assert width(state.time_window) == pytest.approx(w1 / 1.5, rel=1e-6)
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Minus)
    assert width(state.time_window) == pytest.approx(w1, rel=1e-6)
    assert approx_window(view.overview_region(), state.time_window)
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Home)
    assert approx_window(state.time_window, state.full_range())


def test_drag_pans_along_time(view, state, qtbot):
    view.set_visible_range(ts(2005), ts(2010))
    before = state.time_window
    y_before = view.vb.viewRange()[1]
    vp = view.plot_widget.viewport()
    start = QPoint(vp.width() // 2, vp.height() // 3)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    for dx in (10, 40, 80, 120, 200):
        qtbot.mouseMove(vp, start + QPoint(dx, 15))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start + QPoint(200, 15))
    after = state.time_window
    assert after[0] < before[0] - 100 * DAY  # dragging right shows earlier times
    assert width(after) == pytest.approx(width(before), rel=1e-6)
    assert view.vb.viewRange()[1] == pytest.approx(y_before)
    assert approx_window(view.overview_region(), after)


def test_time_window_from_elsewhere_moves_the_view_without_echo(view, state, qtbot):
    emitted = []
    state.timeWindowChanged.connect(lambda a, b: emitted.append((a, b)))
    state.set_time_window(ts(2019, 6), ts(2020, 6))
    assert emitted == [(ts(2019, 6), ts(2020, 6))]
    assert approx_window(view.visible_range(), (ts(2019, 6), ts(2020, 6)))
    assert approx_window(view.overview_region(), (ts(2019, 6), ts(2020, 6)))


def test_dragging_the_overview_box_pans_the_main_plot(view, state):
    view.set_visible_range(ts(2000), ts(2004))
    view.region.setRegion((ts(2010), ts(2014)))  # what a drag of the box does
    QApplication.processEvents()
    assert approx_window(view.visible_range(), (ts(2010), ts(2014)))
    assert approx_window(state.time_window, (ts(2010), ts(2014)))


def test_zoom_is_bounded(view, state):
    view.set_visible_range(ts(2019, 12, 2), ts(2019, 12, 2) + 3600)
    assert width(state.time_window) == pytest.approx(MIN_WINDOW, rel=1e-3)
    view.set_visible_range(ts(1900), ts(2100))
    lo, hi = view._x_limits
    assert state.time_window[0] >= lo - 1 and state.time_window[1] <= hi + 1


# =========================================================================================================
# date axis (UTC)
# =========================================================================================================
@pytest.fixture()
def non_utc_timezone(monkeypatch):
    """Run with a local time zone far from UTC, so that local-time labels would show."""
    monkeypatch.setenv("TZ", "Pacific/Honolulu")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_axis_labels_are_years_at_full_range(view, non_utc_timezone):
    settle(view)
    ticks = view.axis_ticks()
    labels = [t for _v, t in ticks]
    assert len(labels) >= 10
    assert all(t.isdigit() and len(t) == 4 for t in labels), labels
    years = [int(t) for t in labels]
    assert years == sorted(years) and years[0] <= 1992 and years[-1] >= 2018
    for value, text in ticks:  # each label sits at 1 January 00:00 UTC of its year
        assert value == ts(int(text))


def test_axis_labels_are_every_few_years_when_narrow(make_view, state):
    view = make_view(TimelineView, 520, 400)
    settle(view)
    labels = view.axis_tick_strings()
    years = [int(t) for t in labels if t.isdigit()]
    assert len(years) >= 3
    steps = set(np.diff(years).tolist())
    assert len(steps) == 1 and steps.pop() in (2, 5, 10)  # decade-ish zoom: regular multi-year steps


def test_axis_labels_are_months_when_zoomed_to_a_few_months(view, non_utc_timezone):
    view.set_visible_range(ts(2019, 9), ts(2019, 12, 20))
    settle(view)
    ticks = view.axis_ticks()
    month_ticks = [(v, t) for v, t in ticks if t.split()[0] in MONTHS]
    assert {t.split()[0] for _v, t in month_ticks} >= {"Oct", "Nov", "Dec"}
    for value, text in month_ticks:
        d = utc(value)
        assert (d.day, d.hour) == (1, 0)  # at the first of the month, UTC
        assert text.split()[0] == MONTHS[d.month - 1]
        if len(text.split()) > 1:
            assert text.split()[1] == str(d.year)


def test_axis_labels_are_days_when_zoomed_to_a_few_days(view, non_utc_timezone):
    view.set_visible_range(ts(2019, 12, 1), ts(2019, 12, 6))
    settle(view)
    ticks = view.axis_ticks()
    assert len(ticks) >= 4
    for value, text in ticks:
        d = utc(value)
        assert value % DAY == 0  # midnight UTC
        weekday, day, month = text.split()
        assert (weekday, int(day), month) == (d.strftime("%a"), d.day, MONTHS[d.month - 1])
    assert "Mon 2 Dec" in [t for _v, t in ticks]  # 2 December 2019 was a Monday


def test_axis_day_numbers_within_a_month(view, non_utc_timezone):
    view.set_visible_range(ts(2019, 12, 1), ts(2020, 1, 1))
    settle(view)
    ticks = view.axis_ticks()
    assert ticks[0][1].endswith("Dec")  # the month is said once when no month tick is in view
    for value, text in ticks:
        assert value % DAY == 0
        assert int(text.split()[0]) == utc(value).day


# =========================================================================================================
# selection
# =========================================================================================================
def _click(view: TimelineView, qtbot, pos: QPoint, double: bool = False) -> None:
    vp = view.plot_widget.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=pos)
    if double:  # what a real double click sends: press, release, double-click, release
        qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=pos)
    QApplication.processEvents()


def test_clicking_an_event_selects_it(view, state, qtbot):
    view.set_visible_range(ts(2019, 11, 20), ts(2020, 1, 10))
    settle(view)
    for eid in ("ev-east-route-pipeline-launch", "ev-ndaa-house-passage", "ev-liu-hui-ambassadorship"):
        pos = view.event_viewport_pos(eid)
        assert pos is not None
        assert view.event_at(view.plot_widget.mapToScene(pos)) == eid
        _click(view, qtbot, pos)
        assert state.selection == eid


def test_clicking_empty_space_keeps_the_selection(view, state, qtbot):
    view.set_visible_range(ts(1993), ts(1996))  # no event in these years
    settle(view)
    state.select("ev-east-route-pipeline-launch")
    view.set_visible_range(ts(1993), ts(1996))
    vp = view.plot_widget.viewport()
    pos = QPoint(vp.width() // 2, vp.height() // 3)
    assert view.event_at(view.plot_widget.mapToScene(pos)) is None
    _click(view, qtbot, pos)
    assert state.selection == "ev-east-route-pipeline-launch"


def test_double_click_zooms_to_the_event(view, state, qtbot):
    view.set_visible_range(ts(2019), ts(2021))
    settle(view)
    eid = "ev-russia-bans-chinese-nationals"  # February 2020
    pos = view.event_viewport_pos(eid)
    _click(view, qtbot, pos, double=True)
    assert state.selection == eid  # the first click of the two selects
    t0, t1 = state.time_window
    x0, x1, _ = view.event_extent(eid)
    assert t0 < x0 and x1 < t1
    assert width((t0, t1)) < 3 * (x1 - x0)


def test_left_right_step_through_visible_events_in_time_order(view, state, qtbot):
    order = [e.id for e in state.index.events]
    view.plot_widget.setFocus()
    state.select(order[3])
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Right)
    assert state.selection == order[4]
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Left)
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Left)
    assert state.selection == order[2]
    # hidden events are skipped
    theme = "theme-high-level-contact"
    state.update_filters(themes=frozenset({theme}))
    visible = [eid for eid in order if state.is_visible(eid)]
    assert 3 <= len(visible) < len(order)
    state.select(visible[0])
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Right)
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Right)
    assert state.selection == visible[2]
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Left)
    assert state.selection == visible[1]
    # stepping to an event outside the window pans to it
    last = visible[-1]
    state.select(visible[0])
    view.set_visible_range(ts(1990), ts(1992))
    for _ in range(len(visible)):
        qtbot.keyClick(view.plot_widget, Qt.Key.Key_Right)
    assert state.selection == last
    x0, x1, _ = view.event_extent(last)
    assert state.time_window[0] <= x0 and x1 <= state.time_window[1]


def test_without_selection_right_selects_the_first_event_in_view(view, state, qtbot):
    view.set_visible_range(ts(2019, 11), ts(2020, 2))
    view.plot_widget.setFocus()
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Right)
    first = min((e for e in state.index.events if e.start.start_seconds >= ts(2019, 11)),
                key=lambda e: (e.start.start_seconds, e.id))
    assert state.selection == first.id


def test_selected_event_is_emphasised_labelled_and_panned_to(view, state):
    view.set_visible_range(ts(1990), ts(1994))
    w = width(state.time_window)
    eid = "ev-east-route-pipeline-launch"
    state.select(eid)
    settle(view)
    x0, x1, _ = view.event_extent(eid)
    assert state.time_window[0] <= x0 and x1 <= state.time_window[1]
    assert width(state.time_window) == pytest.approx(w, rel=1e-6)  # zoom kept
    assert view.emphasised_ids() == {eid}
    assert view.dimmed_ids() == set()
    assert state.index.items[eid].title in view.visible_labels()


def test_selecting_an_expert_emphasises_its_linked_events_and_dims_the_rest(view, state):
    experts = [x.id for x in state.corpus.experts if state.index.linked_events(x.id)]
    assert experts
    all_events = {e.id for e in state.index.events}
    for expert in experts[:3]:
        state.select(expert)
        linked = set(state.index.linked_events(expert))
        assert view.emphasised_ids() == linked
        assert view.dimmed_ids() == all_events - linked
    state.select(None)
    assert view.emphasised_ids() == set() and view.dimmed_ids() == set()


def test_selecting_a_theme_emphasises_its_events(view, state):
    theme = state.corpus.themes[0].id
    state.select(theme)
    assert view.emphasised_ids() == set(state.index.linked_events(theme))
    assert view.emphasised_ids()


def test_tooltip_says_title_date_themes_inferred_and_conflict(view, state, qtbot):
    inferred = next(e for e in state.index.events if e.inferred)
    conflict = next(e for e in state.index.events if e.conflict)
    tip = view.tooltip_text(inferred.id)
    assert inferred.title.split()[0] in tip and "inferred" in tip
    assert state.index.items[inferred.themes[0]].name.split()[0] in tip
    assert (inferred.date_text or inferred.when).split()[0] in tip
    tip = view.tooltip_text(conflict.id)
    assert "conflict:" in tip
    # hovering shows it
    view.set_visible_range(ts(2019, 11, 20), ts(2020, 1, 10))
    settle(view)
    pos = view.event_viewport_pos("ev-east-route-pipeline-launch")
    qtbot.mouseMove(view.plot_widget.viewport(), pos)
    QApplication.processEvents()
    assert "east-route gas pipeline" in view.events_item.toolTip()


# =========================================================================================================
# marks and labels
# =========================================================================================================
def test_marks_are_honest_about_precision(view, state):
    assert view.event_extent("ev-heilongjiang-bridge-proposed") == (ts(1988), ts(1989), "approx")
    assert view.event_extent("ev-russia-bans-chinese-nationals") == (ts(2020, 2), ts(2020, 3), "approx")
    assert view.event_extent("ev-east-route-pipeline-launch") == (ts(2019, 12, 2), ts(2019, 12, 3), "day")
    assert view.event_extent("ev-liu-hui-ambassadorship") == (ts(2009), ts(2020), "span")
    # drawn geometry: the year-only event covers its whole year on screen
    view.set_visible_range(ts(1987, 6), ts(1990))
    settle(view)
    lay = view.events_item.current_layout()
    data = view._data
    j = int(np.flatnonzero(data.inst_ev[lay.inst] == data.pos["ev-heilongjiang-bridge-proposed"])[0])
    assert lay.left[j] == pytest.approx((ts(1988) - lay.t0) * lay.sx, abs=0.01)
    assert lay.right[j] == pytest.approx((ts(1989) - lay.t0) * lay.sx, abs=0.01)
    assert lay.right[j] - lay.left[j] > 300  # a year of 2.5 years across ~1200 px


def _assert_labels_disjoint(view: TimelineView) -> list:
    rects = view.label_rects()
    for (ida, _ta, a), (idb, _tb, b) in combinations(rects, 2):
        assert not a.intersects(b), (ida, idb, a, b)
    for _id, text, _r in rects:
        assert text
    return rects


def test_labels_never_overlap_at_several_zooms(view, state):
    for window in (state.full_range(), (ts(2019), ts(2021)), (ts(2019, 11), ts(2020, 1)), (ts(2021), ts(2022, 3))):
        view.set_visible_range(*window)
        settle(view)
        rects = _assert_labels_disjoint(view)
        assert rects
    state.select("ev-trade-growth-2021")
    _assert_labels_disjoint(view)


def test_more_labels_appear_when_zooming_in(synthetic_view):
    corpus = synthetic_corpus(400, seed=3, years=(2015, 2020), n_themes=2, day_share=1.0)
    view, st = synthetic_view(corpus, 1400, 500)
    settle(view)
    full_labels = set(view.visible_labels())
    _assert_labels_disjoint(view)
    assert 0 < len(full_labels) < 400
    view.set_visible_range(ts(2017, 3), ts(2017, 6))
    settle(view)
    rects = _assert_labels_disjoint(view)
    zoomed = set(view.visible_labels())
    in_window = {e.title for e in st.index.events if ts(2017, 3) <= e.start.start_seconds < ts(2017, 6)}
    assert len(zoomed & in_window) > len(full_labels & in_window)
    assert len(zoomed & in_window) >= 0.5 * len(in_window)
    assert all(t.endswith("…") or any(t == e for e in zoomed) for _i, t, _r in rects)


def test_elided_labels_end_with_an_ellipsis(synthetic_view):
    corpus = synthetic_corpus(60, seed=5, years=(2015, 2016), n_themes=1, day_share=1.0)
    view, st = synthetic_view(corpus, 1000, 400)
    settle(view)
    titles = {e.title for e in st.index.events}
    texts = [t for _i, t, _r in view.label_rects()]
    assert texts
    assert all(t in titles or (t.endswith("…") and len(t) > 2) for t in texts)


# =========================================================================================================
# filters, lanes
# =========================================================================================================
def test_filters_hide_events(view, state):
    theme = "theme-high-level-contact"
    expected = {e.id for e in state.index.events if theme in e.themes}
    state.update_filters(themes=frozenset({theme}))
    settle(view)
    assert view.visible_event_ids() == expected
    assert view.drawn_event_ids() <= expected
    titles = {state.index.items[eid].title for eid in expected}
    assert set(view.visible_labels()) <= titles
    state.clear_filters()
    settle(view)
    assert len(view.visible_event_ids()) == len(state.index.events)


def test_lanes_by_theme_and_by_actor(view, state, qtbot):
    theme_lanes = view.lane_names()
    names = {t.name for t in state.corpus.themes}
    assert theme_lanes and set(theme_lanes) - {"Other"} <= names
    modes = []
    view.laneModeChanged.connect(modes.append)
    view.lane_combo.setCurrentIndex(1)
    assert modes == ["actor"] and view.lane_mode() == "actor"
    actor_lanes = view.lane_names()
    assert actor_lanes != theme_lanes
    assert "Russia" in actor_lanes and "China" in actor_lanes
    # an event is in the lane of each of its actors
    data = view._data
    i = data.pos["ev-east-route-pipeline-launch"]
    lanes = {data.lanes[k].name for k in data.inst_lane[data.ev_instances[i]]}
    assert {"Russia", "China"} <= lanes
    settle(view)
    _assert_labels_disjoint(view)
    view.set_lane_mode("theme")
    assert view.lane_names() == theme_lanes


def test_sub_rows_keep_bars_of_a_lane_apart(view):
    data = view._data
    for k, (lo, hi) in enumerate(data.lane_slices):
        rows = {}
        for j in range(lo, hi):
            rows.setdefault(int(data.inst_row[j]), []).append((data.inst_x0[j], data.inst_x1[j]))
        if data.lanes[k].rows < data.row_cap:  # lanes below the sub-row cap never overlap in time
            for spans in rows.values():
                spans.sort()
                for (_a0, a1), (b0, _b1) in pairwise(spans):
                    assert a1 <= b0


# =========================================================================================================
# level of detail
# =========================================================================================================
def test_five_thousand_events_render_as_a_density_band(synthetic_view):
    corpus = synthetic_corpus(5000)
    view, st = synthetic_view(corpus, 1600, 500)
    settle(view)
    assert view.density_bins() > 0
    assert len(view.drawn_event_ids()) <= MAX_INDIVIDUAL
    image = view.export_widget().grab().toImage()
    assert not image.isNull() and image.width() >= 1500
    _assert_labels_disjoint(view)
    # zooming in reveals individual events and their labels
    view.set_visible_range(ts(2005, 3), ts(2005, 4))
    settle(view)
    drawn = view.drawn_event_ids()
    in_window = {e.id for e in st.index.events
                 if e.start.start_seconds < ts(2005, 4) and (e.end or e.start).end_seconds > ts(2005, 3)}
    assert drawn == in_window
    assert view.density_bins() == 0
    assert view.visible_labels()
    _assert_labels_disjoint(view)


def test_frame_cost_does_not_grow_with_the_corpus(synthetic_view):
    def frame_time(n: int) -> float:
        view, _st = synthetic_view(synthetic_corpus(n, seed=11), 1600, 500)
        view.set_visible_range(ts(2000), ts(2006))
        settle(view)
        best = float("inf")
        for k in range(3):
            view.zoom(0.9 if k % 2 else 1 / 0.9)
            t = time.perf_counter()
            view.export_widget().grab()
            best = min(best, time.perf_counter() - t)
        return best

    small, large = frame_time(1000), frame_time(30000)
    assert large < max(4 * small, 0.25), (small, large)


# =========================================================================================================
# export and lifetime
# =========================================================================================================
def test_export_widget_and_caption(view, state):
    w = view.export_widget()
    assert w is not view and view.toolbar not in w.findChildren(type(view.toolbar))
    assert view.plot_widget in w.findChildren(type(view.plot_widget))
    view.set_visible_range(ts(2019), ts(2021))
    state.select("ev-east-route-pipeline-launch")
    caption = view.export_caption()
    assert "Jan 2019" in caption and "Dec 2020" in caption
    assert "China–Russia east-route gas pipeline launched" in caption
    assert format_range(ts(1988), ts(2023)) == "1988 – 2022"


def test_closing_disconnects_from_the_state(make_view, state):
    view = make_view(TimelineView, 800, 400)
    view.close()
    QApplication.processEvents()
    # the state keeps working and no longer drives the closed view
    state.set_time_window(ts(2000), ts(2001))
    state.select("ev-east-route-pipeline-launch")
    state.update_filters(themes=frozenset({"theme-economic-ties"}))
    state.clear_filters()
