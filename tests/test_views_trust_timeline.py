"""Issue 13, the timeline's part: labels that use the room (by importance, on either side, never clipped,
unlabelled marks findable), ranges that fit the corpus, honest lanes, the export's time options, the empty
state, readable density, and the hooks for authoring (double-click in a lane, the ghost mark).

Most tests run on ``tests/corpora/space-age``: three short texts written for these tests, 37 events over
1957-2005 clustered in a few years, most with several themes, every item backed by a verbatim passage.
"""

from __future__ import annotations

import calendar
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from explorer.core import PartialDate
from explorer.core.corpus import Corpus
from explorer.core.index import CorpusIndex
from explorer.core.io.load import load_corpus
from explorer.core.layout.timeline import EventsLayout, TextMetrics, TimelineData
from explorer.core.model.types import CorpusInfo, Event, Theme
from explorer.qt.bridge import AppState
from explorer.qt.views import style
from explorer.qt.views.timeline import EMPTY_HINT, TimelineView

from conftest import write_corpus_folder

REPO = Path(__file__).resolve().parents[1]
SPACE = REPO / "tests" / "corpora" / "space-age"


def ts(*parts: int) -> float:
    return float(calendar.timegm((*parts, *([1] * (3 - len(parts))), 0, 0, 0)))


def settle(view: TimelineView) -> None:
    for _ in range(3):
        QApplication.processEvents()
    view.plot_widget.viewport().repaint()


@pytest.fixture()
def open_view(qtbot, app):
    """A timeline on a corpus (a folder or a Corpus), with its own state, shown at a size."""
    created = []

    def factory(corpus, width=1600, height=1000):
        if isinstance(corpus, Path):
            corpus = load_corpus(corpus)
        st = AppState()
        st.set_corpus(corpus, CorpusIndex(corpus))
        v = TimelineView(st)
        qtbot.addWidget(v)
        v.resize(width, height)
        v.show()
        qtbot.waitExposed(v)
        settle(v)
        created.append((v, st))
        return v, st

    yield factory
    for v, st in created:
        v.close()
        st.deleteLater()


def test_the_test_corpus_is_valid_and_of_real_structure():
    corpus = load_corpus(SPACE)
    assert corpus.problems == []
    assert 25 <= len(corpus.events) <= 40
    years = sorted(e.start.start_seconds for e in corpus.events)
    assert years[-1] - years[0] > 45 * 365 * 86400
    assert sum(len(e.themes) > 1 for e in corpus.events) >= len(corpus.events) // 2


def _plot_width(view: TimelineView) -> float:
    return view.events_item.current_layout().width


def _assert_labels_honest(view: TimelineView) -> None:
    """Labels overlap no other label, and none crosses the plot's edges."""
    rects = view.label_rects()
    vb_left = view.plot_widget.mapFromScene(view.vb.mapViewToScene(QPointF(view.vb.viewRange()[0][0], 0))).x()
    w = _plot_width(view)
    for _eid, _text, r in rects:
        assert r.left() >= vb_left - 0.5 and r.right() <= vb_left + w + 0.5, (r, vb_left, w)
    for i, (_a, ta, ra) in enumerate(rects):
        for _b, tb, rb in rects[i + 1:]:
            assert not ra.intersects(rb), (ta, tb)


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_every_event_in_view_is_labelled_when_lanes_have_room(open_view, size):
    view, st = open_view(SPACE, *size)
    labelled, in_view = view.coverage_counts()
    assert in_view == len(st.corpus.events)
    assert view.label_coverage() == 1.0, [e.title for e in st.corpus.events
                                           if e.title not in view.visible_labels()]
    titles = {e.id: e.title for e in st.corpus.events}
    for eid, text, _r in view.label_rects():
        assert text == titles[eid]  # whole, not elided
    _assert_labels_honest(view)
    assert not view.row_scroll.isVisible()


def test_a_label_may_sit_before_its_mark_at_the_right_edge(open_view):
    view, _st = open_view(SPACE, 1600, 1000)
    rects = {eid: r for eid, _t, r in view.label_rects()}
    mark = view.event_viewport_pos("ev-return-to-flight-2005")  # July 2005, the last event
    assert rects["ev-return-to-flight-2005"].right() < mark.x()


def test_lanes_grow_into_the_room_the_plot_has(open_view):
    view, _st = open_view(REPO / "data", 1600, 1000)
    lay = view.events_item.current_layout()
    used = view._data.total_rows * lay.sy
    assert used > 0.75 * lay.height  # not a fixed height with the lower half blank
    assert view.label_coverage() == 1.0


def test_zoomed_to_a_decade_and_a_year_labels_stay_whole_where_there_is_room(open_view):
    view, st = open_view(SPACE, 1600, 1000)
    for lo, hi in ((ts(1957), ts(1967)), (ts(1969), ts(1970))):
        view.set_visible_range(lo, hi)
        settle(view)
        labelled, in_view = view.coverage_counts()
        assert in_view and labelled == in_view
        _assert_labels_honest(view)


def _crowd(n=8, rich=("e6", "e7")) -> Corpus:
    """``n`` events on one day in one theme; the ``rich`` ones with three passages of evidence."""
    theme = Theme(id="th", name="Theme")
    events = [Event.model_construct(id=f"e{i}", title=f"Event number {i}", summary="", start=PartialDate(2000, 5, 5),
                                    end=None, inferred=False, date_text=None, themes=["th"], actors=[], experts=[],
                                    passages=[f"p{i}-{k}" for k in range(3 if f"e{i}" in rich else 1)],
                                    conflict=None)
              for i in range(n)]
    return Corpus(root=Path("."), info=CorpusInfo(title="crowd", time_range=[PartialDate(1999), PartialDate(2001)]),
                  themes=[theme], events=events)


def test_when_not_every_label_fits_the_important_ones_are_kept():
    corpus = _crowd()
    data = TimelineData(CorpusIndex(corpus), "theme")
    model = EventsLayout(TextMetrics(width=lambda t: 7.0 * len(t), height=16.0))
    model.set_data(data, np.ones(len(data), dtype=bool))
    t0, t1 = ts(1999), ts(2001)
    sx = 800 / (t1 - t0)
    model.fit_rows(sx, 1.0)  # no room: one row, the marks on top of one another
    lay = model.layout(t0, t1, 0.0, sx, 30.0, 800.0, 60.0)
    got = {data.ids[int(data.inst_ev[lab.inst])] for lab in lay.labels}
    assert 2 <= len(got) < 8
    assert {"e6", "e7"} <= got  # the ones with more evidence, not the first drawn
    # the selection comes first, whatever its evidence
    ev_state = np.zeros(len(data), dtype=np.int8)
    model.set_emphasis(ev_state, data.pos["e5"], False)
    lay = model.layout(t0, t1, 0.0, sx, 30.0, 800.0, 60.0)
    got = [data.ids[int(data.inst_ev[lab.inst])] for lab in lay.labels]
    assert got[0] == "e5" and {"e6", "e7"} & set(got[1:3])  # then the rich ones (where their rows have room)
    # the rest are findable: clusters with their count
    assert sum(c.count for c in model.clusters(lay)) >= 8 - len(got)


def test_a_cluster_shows_its_count_and_zooms_in_on_click(open_view, qtbot):
    view, st = open_view(_crowd(12), 900, 260)
    clusters = view.clusters()
    assert clusters and clusters[0].count >= 2
    before = view.visible_range()
    pos = view.cluster_viewport_pos(clusters[0])
    assert "events here" in view.cluster_tooltip(clusters[0])
    qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    settle(view)
    after = view.visible_range()
    assert after[1] - after[0] < 0.5 * (before[1] - before[0])
    assert after[0] <= ts(2000, 5, 5) <= after[1]
    assert st.selection is None  # a click on the count zooms; it selects nothing


def test_hovering_an_unlabelled_mark_shows_its_title(open_view, qtbot):
    view, st = open_view(SPACE, 900, 420)  # too small for every label
    labelled = {eid for eid, _t, _r in view.label_rects()}
    unlabelled = [e for e in st.corpus.events if e.id not in labelled and view.event_viewport_pos(e.id) is not None]
    assert unlabelled
    found = 0
    for e in unlabelled:
        pos = view.event_viewport_pos(e.id)
        # what a hover there shows: the mark under the pointer, and its title
        under = view.event_at(view.plot_widget.mapToScene(pos))
        if under == e.id:
            assert style.esc(e.title) in view.tooltip_text(under)
            found += 1
            continue
        # drawn over or beside another mark: a cluster counts it, and its count zooms in on it
        i = view._data.pos[e.id]
        assert any(i in c.events.tolist() for c in view.clusters()), (e.title, under)
    assert found


# -- ranges ---------------------------------------------------------------------------------------------
def _corpus_of_years(*years: int, time_range=None) -> Corpus:
    theme = Theme(id="th", name="Theme")
    events = [Event.model_construct(id=f"e{i}", title=f"E {y}", summary="", start=PartialDate(y), end=None,
                                    inferred=False, date_text=None, themes=["th"], actors=[], experts=[],
                                    passages=["p"], conflict=None) for i, y in enumerate(years)]
    info = CorpusInfo(title="years", time_range=time_range)
    return Corpus(root=Path("."), info=info, themes=[theme], events=events)


def test_without_a_declared_range_the_events_span_is_used_with_a_small_margin(app):
    st = AppState()
    st.set_corpus(_corpus_of_years(1968, 1994, 2018))
    lo, hi = st.full_range()
    assert ts(1966, 6) < lo < ts(1968) and ts(2019) < hi < ts(2020, 6)  # 2% of the span each side
    st.set_corpus(_corpus_of_years(1603, 1649, 1666))
    lo, hi = st.full_range()
    assert ts(1600) < lo < ts(1603) and ts(1667) < hi < ts(1670)  # no 1988-2022 in a corpus of the 1600s
    # and the state's time window starts from it (the graph exported alone uses it)
    assert st.time_window == (lo, hi)
    st.deleteLater()


def test_a_declared_range_is_the_window(app):
    st = AppState()
    st.set_corpus(_corpus_of_years(1970, 1980, time_range=[PartialDate(1960), PartialDate(1990)]))
    assert st.time_window == (ts(1960), ts(1991))
    st.deleteLater()


def test_the_timeline_opens_on_the_corpus_range_and_can_pan_to_events_outside_it(open_view):
    corpus = load_corpus(REPO / "data")
    view, st = open_view(corpus, 1400, 600)
    assert view.visible_range() == pytest.approx((ts(1988), ts(2023)), abs=1.0)
    first = min(e.start.start_seconds for e in corpus.events)
    assert first < ts(1988)  # the default corpus has an event (1966) before its declared range
    view.set_visible_range(first - 5 * 365 * 86400, first + 5 * 365 * 86400)
    settle(view)
    assert view.visible_range()[0] <= first


def test_the_legend_says_how_many_events_lie_outside_the_window(open_view):
    view, st = open_view(REPO / "data", 1400, 600)
    assert view.legend.range_text == "‹ 1 earlier · 1988 – 2022"  # the 1966 event
    view.set_visible_range(ts(2019), ts(2020))
    settle(view)
    text = view.legend.range_text
    assert text.startswith("‹ ") and "earlier" in text and text.endswith("later ›")


def test_rows_that_do_not_fit_scroll_and_the_selection_is_scrolled_to(open_view, qtbot):
    from PySide6.QtCore import QPointF as P
    from PySide6.QtGui import QWheelEvent

    view, st = open_view(REPO / "data", 1200, 330)
    assert view.row_scroll.isVisible() and view.row_scroll.maximum() > 0
    y0 = view.vb.viewRange()[1][0]
    vp = view.plot_widget.viewport()
    c = P(vp.width() / 2, vp.height() / 2)
    wheel = QWheelEvent(c, vp.mapToGlobal(c), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ShiftModifier, Qt.ScrollPhase.NoScrollPhase, False)
    before_x = view.visible_range()
    QApplication.sendEvent(vp, wheel)
    settle(view)
    assert view.vb.viewRange()[1][0] > y0  # Shift+wheel scrolls the rows, not the time
    assert view.visible_range() == pytest.approx(before_x)
    # selecting an event in the last lane scrolls it into view
    last = view._data.lanes[-1].key
    eid = next(e.id for e in st.corpus.events if e.themes and e.themes[0] == last)
    view.row_scroll.setValue(0)
    st.select(eid)
    settle(view)
    y = float(view._data.inst_yc[view._data.ev_instances[view._data.pos[eid]][0]])
    lo, hi = view.vb.viewRange()[1]
    assert lo <= y <= hi


def test_a_reversed_time_range_is_a_validation_problem(tmp_path):
    folder = write_corpus_folder(tmp_path / "c", {"a.txt": "Some text."}, {
        "corpus.json": {"title": "t", "time_range": ["2018", "1968"]},
        "documents.json": [{"id": "d", "title": "D", "file": "a.txt"}]})
    problems = [str(p) for p in load_corpus(folder).problems]
    assert any("ends before it starts" in p and "corpus.json" in p for p in problems), problems


# -- honest lanes ---------------------------------------------------------------------------------------
def test_an_event_with_several_themes_shows_in_each_lane_and_the_counts_match(open_view):
    view, st = open_view(SPACE, 1600, 1000)
    d = view._data
    corpus = st.corpus
    for lane in d.lanes:
        assert lane.count == sum(lane.key in e.themes for e in corpus.events), lane.name
    apollo13 = d.pos["ev-apollo-13"]  # four themes: accidents first
    lanes = {d.lanes[int(d.inst_lane[j])].key: bool(d.inst_primary[j]) for j in d.ev_instances[apollo13]}
    assert lanes == {"theme-accidents": True, "theme-moon": False, "theme-crewed": False, "theme-american": False}
    lay = view.events_item.current_layout()
    drawn = set(lay.inst.tolist())
    assert set(d.ev_instances[apollo13]) <= drawn
    assert "secondary" in view.legend.ENTRIES and "Hollow" in view.legend.LABELS["secondary"]
    assert "secondary" not in view.legend.hidden
    view.set_lane_mode("actor")  # every actor lane is equal: no hollow marks, no legend entry for them
    assert not (~view._data.inst_primary).any() and "secondary" in view.legend.hidden


# -- export options -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["experts", "document"])
def test_time_options_on_views_without_time_are_refused_with_a_message(name, tmp_path):
    out = tmp_path / "x.png"
    result = subprocess.run([sys.executable, "-m", "explorer", "export", name, str(out), "--from", "2019",
                             "--to", "2020"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 2
    assert "--from and --to set the time window" in result.stderr and name in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_graph_exported_alone_uses_the_corpus_window(app):
    st = AppState()
    st.set_corpus(load_corpus(SPACE))
    lo, hi = st.time_window
    assert ts(1956) < lo < ts(1957, 10) and ts(2005, 8) < hi < ts(2007)
    st.deleteLater()


# -- empty state ----------------------------------------------------------------------------------------
def test_a_corpus_without_events_shows_what_to_do(open_view, tmp_path):
    folder = write_corpus_folder(tmp_path / "c", {"a.txt": "A text with no events yet."}, {
        "documents.json": [{"id": "d", "title": "D", "file": "a.txt"}]})
    view, _st = open_view(folder, 1200, 600)
    assert view.empty_hint.isVisible()
    assert view.empty_hint.text() == EMPTY_HINT
    assert "No events yet" in EMPTY_HINT and "New Event from Selection" in EMPTY_HINT
    assert "The corpus format" in (REPO / "README.md").read_text(encoding="utf-8")  # the pointer leads somewhere
    g = view.empty_hint.geometry()
    vp = view.plot_widget.rect()
    assert vp.contains(g) and abs(g.center().x() - vp.center().x()) < 4
    # a corpus with events has no hint
    view2, _ = open_view(SPACE, 1200, 600)
    assert not view2.empty_hint.isVisible()


# -- density --------------------------------------------------------------------------------------------
def _dense_corpus() -> Corpus:
    """4,000 events crowded in 2000-2001 and 400 spread over 2002-2019, in one theme."""
    rng = np.random.default_rng(3)
    theme = Theme(id="th", name="Theme")
    times = np.r_[rng.uniform(ts(2000), ts(2002), 4000), rng.uniform(ts(2002), ts(2020), 400)]
    events = []
    for i, t in enumerate(np.sort(times)):
        d = PartialDate.from_seconds(float(t)) if hasattr(PartialDate, "from_seconds") else None
        if d is None:
            import datetime as _dt
            x = _dt.datetime.fromtimestamp(float(t), _dt.UTC)
            d = PartialDate(x.year, x.month, x.day)
        events.append(Event.model_construct(id=f"e{i:05d}", title=f"Event {i}", summary="", start=d, end=None,
                                            inferred=False, date_text=None, themes=["th"], actors=[], experts=[],
                                            passages=["p"], conflict=None))
    return Corpus(root=Path("."), info=CorpusInfo(title="dense", time_range=[PartialDate(1999), PartialDate(2020)]),
                  themes=[theme], events=events)


def test_density_is_a_histogram_with_a_scale_and_counts_on_hover(open_view):
    view, st = open_view(_dense_corpus(), 1400, 500)
    lay = view.events_item.current_layout()
    assert lay.density, "too dense to draw one by one: a density strip"
    k, counts, _ = lay.density[0]
    lane = view._data.lanes[k]
    # the bars' heights follow the counts: a full bin in 2000 is much taller than one in 2010
    img = view.plot_widget.viewport().grab().toImage()
    origin = view.plot_widget.mapFromScene(view.vb.mapViewToScene(QPointF(lay.t0, lay.ytop)))
    top = origin.y() + (lane.top - lay.ytop) * lay.sy
    bottom = origin.y() + (lane.top + lane.height - lay.ytop) * lay.sy

    def bar_height(t: float) -> int:
        x = int(origin.x() + (t - lay.t0) * lay.sx)
        bg = img.pixelColor(x, int(top) + 2)
        return sum(1 for y in range(int(top) + 1, int(bottom) - 1)
                   if img.pixelColor(x, y).rgb() != bg.rgb() and img.pixelColor(x, y).saturation() > 25)

    crowded, sparse = bar_height(ts(2001)), bar_height(ts(2010, 6))
    assert crowded > 2 * max(sparse, 1), (crowded, sparse)
    # counts on hover: the bin under the pointer, and they add up to the events
    b = int(np.argmax(counts))
    local = QPointF((b + 0.5) * 6, (lane.top + lane.height * 0.7 - lay.ytop) * lay.sy)
    found = view.events_item.density_at(local)
    assert found is not None and found[1] == int(counts[b])
    assert f"{int(counts[b]):,} events" in view.density_tooltip(*found)
    assert int(counts.sum()) + len(lay.inst) >= len(st.corpus.events) * 0.95
    # zooming in turns it back into marks
    view.set_visible_range(ts(2001, 3, 1), ts(2001, 3, 8))
    settle(view)
    assert view.density_bins() == 0 and view.drawn_event_ids()


# -- authoring hooks --------------------------------------------------------------------------------------
def _double_click_empty(view: TimelineView, qtbot, t: float, lane_index: int) -> None:
    lane = view._data.lanes[lane_index]
    y = lane.top + lane.height - 0.05  # the bottom of the lane, under its marks
    pos = view.plot_widget.mapFromScene(view.vb.mapViewToScene(QPointF(t, y)))
    vp = view.plot_widget.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=pos)
    QApplication.processEvents()


def test_double_click_in_a_lane_asks_for_a_new_event_there(open_view, qtbot):
    view, st = open_view(SPACE, 1600, 1000)
    asked = []
    st.itemFormRequested.connect(asked.append)
    k = [lane.key for lane in view._data.lanes].index("theme-politics")
    _double_click_empty(view, qtbot, ts(1979, 6, 15), k)  # no event in 1979
    assert asked == [{"kind": "event", "date": "1979", "theme": "theme-politics"}]
    view.set_visible_range(ts(1979), ts(1980, 6))  # months show
    settle(view)
    _double_click_empty(view, qtbot, ts(1979, 6, 15), k)
    assert asked[-1] == {"kind": "event", "date": "1979-06", "theme": "theme-politics"}
    view.set_visible_range(ts(1979, 6, 1), ts(1979, 7, 1))  # days show
    settle(view)
    _double_click_empty(view, qtbot, ts(1979, 6, 15, ) + 12 * 3600, k)
    assert asked[-1] == {"kind": "event", "date": "1979-06-15", "theme": "theme-politics"}
    assert st.selection is None


def test_the_ghost_mark_follows_the_state(open_view):
    view, st = open_view(SPACE, 1200, 600)
    before = view.plot_widget.viewport().grab().toImage()
    st.set_ghost((ts(1979), ts(1980), "A new event"))
    settle(view)
    assert view.ghost() == (ts(1979), ts(1980), "A new event")
    during = view.plot_widget.viewport().grab().toImage()
    assert during != before
    st.set_ghost(None)
    settle(view)
    assert view.ghost() is None
    assert view.plot_widget.viewport().grab().toImage() == before
