"""The timeline's data follows an edit in place (``core.layout.timeline_patch``) exactly as a fresh build of
the edited corpus lays it out: the same events in the same order, the same instances in the same lanes, and
every instance in the same sub-row."""

from __future__ import annotations

import random

import numpy as np
import pytest

from conftest import DATA
from explorer.core import load_corpus
from explorer.core.commands import AddItem, DeleteItem, EditItem
from explorer.core.corpus import EditError
from explorer.core.index import CorpusIndex
from explorer.core.layout import timeline_patch
from explorer.core.layout.timeline import TimelineData, stack_lane
from explorer.core.ranges import corpus_range
from explorer.core.synth import generate
from explorer.core.workspace import Workspace


def _span(ws) -> float:
    lo, hi = corpus_range(ws.corpus, ws.index)
    return hi - lo


def assert_same(a: TimelineData, b: TimelineData) -> None:
    """``a`` (patched) shows what ``b`` (built anew) shows."""
    assert a.ids == b.ids
    assert a.titles == b.titles
    for name in ("ev_kind", "ev_inferred", "ev_conflict", "ev_importance", "ev_x0", "ev_x1", "ev_color",
                 "inst_ev", "inst_lane", "inst_primary", "inst_x0", "inst_x1", "inst_yc"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert [(ln.key, ln.name, ln.rows, ln.top, ln.height, ln.count) for ln in a.lanes] == \
        [(ln.key, ln.name, ln.rows, ln.top, ln.height, ln.count) for ln in b.lanes]
    assert a.row_cap == b.row_cap
    assert a.lane_slices == b.lane_slices
    # the rows of every instance (a wrong restack shows here first)
    np.testing.assert_array_equal(a.inst_row.astype(np.int64), b.inst_row.astype(np.int64), err_msg="rows")
    assert a.total_rows == b.total_rows
    assert a.lane_hit == b.lane_hit
    for eid in a.ids[:: max(1, len(a.ids) // 50)] + a.ids[-3:]:
        assert a.pos[eid] == b.pos[eid]
        assert a.ev_instances[a.pos[eid]] == b.ev_instances[b.pos[eid]]
    assert list(a.pos.many(b.ids)) == list(range(len(b.ids)))


def _workspace(path) -> Workspace:
    corpus = load_corpus(path)
    return Workspace(corpus, CorpusIndex(corpus))


def _random_edits(ws: Workspace, rng: random.Random, steps: int, modes=("theme", "actor")) -> dict:
    """Random edits (mostly re-dates), undos and redos; after each, every mode's patched data is compared
    with a fresh build. Returns how many times each mode was patched and rebuilt."""
    span = _span(ws)
    datas = {m: TimelineData(ws.index, m, full_span=span) for m in modes}
    stats = {m: {"patched": 0, "rebuilt": 0} for m in modes}
    themes = [t.id for t in ws.corpus.themes]
    tr = ws.corpus.info.time_range
    lo, hi = (tr[0].year, tr[1].year) if tr else (1990, 2020)
    passages = [p.id for p in ws.corpus.passages]
    for _ in range(steps):
        ids = ws.index.events.ids()
        r = rng.random()
        ev = rng.choice(ids)
        try:
            if r < 0.45:
                y = rng.randint(lo, hi)
                m, d = rng.randint(1, 12), rng.randint(10, 19)
                start = rng.choice([f"{y}", f"{y}-{m:02d}", f"{y}-{m:02d}-{d}"])
                outcome = ws.do(EditItem(ev, start=start, end=None))
            elif r < 0.55:
                y = rng.randint(lo, hi - 3)
                outcome = ws.do(EditItem(ev, start=f"{y}-03", end=f"{y + rng.randint(0, 3)}-11"))
            elif r < 0.62:
                outcome = ws.do(EditItem(ev, themes=rng.sample(themes, rng.randint(1, 2))))
            elif r < 0.7:
                outcome = ws.do(AddItem("event", title=f"New {rng.random():.6f}", start=f"{rng.randint(lo, hi)}",
                                        themes=[rng.choice(themes)], passages=[rng.choice(passages)]))
            elif r < 0.76:
                outcome = ws.do(DeleteItem(ev, cascade=True))
            elif r < 0.8:
                outcome = ws.do(EditItem(ev, title=f"Retitled {rng.random():.6f}"))
            elif r < 0.92 and ws.stack.can_undo():
                outcome = ws.undo()
            elif ws.stack.can_redo():
                outcome = ws.redo()
            else:
                continue
        except EditError:
            continue
        change = outcome.change
        span = _span(ws)
        for m in modes:
            fresh = TimelineData(ws.index, m, full_span=span)
            if timeline_patch.follow_change(datas[m], ws.index, change, span):
                stats[m]["patched"] += 1
                assert_same(datas[m], fresh)
            else:
                stats[m]["rebuilt"] += 1
                datas[m] = fresh
    return stats


@pytest.fixture(scope="module")
def synth_corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("patch")
    out = {}
    # a few lanes with room for four sub-rows each; many lanes of crowded events (one sub-row each); lanes
    # whose rows are at the budget (18 in all at four sub-rows a lane, or at three), so that edits change the cap
    corpora = {"roomy": dict(events=400, themes=3), "crowded": dict(events=3000, themes=12),
               "at-budget": dict(events=60, themes=6), "at-budget-3": dict(events=80, themes=6),
               "wide": dict(events=2200, themes=2)}
    for name, opts in corpora.items():
        generate(root / name, events=opts["events"], documents=5, seed=7, entities=60, relationships=100,
                 experts=10, themes=opts["themes"], doc_chars=4000)
        out[name] = root / name
    return out


@pytest.mark.parametrize("name", ["roomy", "crowded", "at-budget", "at-budget-3"])
def test_patched_timeline_equals_a_fresh_build_after_random_edits(synth_corpora, tmp_path, name):
    import shutil

    shutil.copytree(synth_corpora[name], tmp_path / "c")
    ws = _workspace(tmp_path / "c")
    stats = _random_edits(ws, random.Random(11), 60)
    # most edits are patched (a test that always rebuilt would prove nothing)
    assert stats["theme"]["patched"] >= 40, stats
    assert stats["actor"]["patched"] >= 15, stats


def test_patched_timeline_on_the_default_corpus(tmp_path):
    import shutil

    shutil.copytree(DATA, tmp_path / "c")
    ws = _workspace(tmp_path / "c")
    stats = _random_edits(ws, random.Random(3), 40)
    assert stats["theme"]["patched"] >= 20, stats


def test_restack_lane_matches_a_full_greedy_pass():
    """Random lanes, random removals and insertions: the incremental restack gives the rows a full pass
    gives, at every cap."""
    rng = np.random.default_rng(5)
    for trial in range(300):
        n = int(rng.integers(1, 80))
        x0 = np.sort(rng.uniform(-5e8, 5e8, n))
        dur = np.where(rng.random(n) < 0.3, rng.uniform(0, 3e8, n), 0.0)
        pad = float(rng.choice([3e6, 3e7, 1e8]))
        reach = np.maximum(x0 + dur + 0.3 * pad, x0 + pad)
        cap = int(rng.integers(1, 5))
        rows_old, _ = stack_lane(x0, reach, cap)
        # an edit: drop some instances, add some at random times
        keep = rng.random(n) > rng.uniform(0, 0.3)
        add = int(rng.integers(0, 4))
        nx0 = np.concatenate([x0[keep], rng.uniform(-5e8, 5e8, add)])
        ndur = np.concatenate([dur[keep], np.zeros(add)])
        old_of = np.concatenate([np.flatnonzero(keep), np.full(add, -1)])
        o = np.argsort(nx0, kind="stable")
        nx0, ndur, old_of = nx0[o], ndur[o], old_of[o]
        nreach = np.maximum(nx0 + ndur + 0.3 * pad, nx0 + pad)
        want, want_n = stack_lane(nx0, nreach, cap)
        got, got_n = timeline_patch.restack_lane(nx0, nreach, rows_old.astype(np.int8), reach, old_of, cap)
        assert got.tolist() == want.tolist() and got_n == want_n, trial


def test_the_view_after_re_dates_shows_what_a_fresh_view_shows(qtbot, tmp_path, synth_corpora):
    """Through the window's state: re-date events (and undo one) in a timeline of more instances than are
    restacked per zoom (its sub-rows are the stacking's own); the view follows in place (the same data,
    patched) and shows every mark in the row, and every label where, a view built afresh shows them."""
    import os
    import shutil

    from conftest import view_factory
    from explorer.qt.bridge import AppState
    from explorer.qt.views.timeline import TimelineView
    from explorer.core.layout.timeline import LABEL_STACK_MAX

    shutil.copytree(synth_corpora["wide"], tmp_path / "c")
    st = AppState()
    st.set_corpus(load_corpus(tmp_path / "c"))
    factory = view_factory(qtbot, st, (1400, 600))
    show = next(factory)
    view = show(TimelineView)
    data = view._data
    assert len(data.inst_ev) > LABEL_STACK_MAX and data.row_cap > 1
    ids = st.index.events.ids()
    moved = [ids[10], ids[len(ids) // 2], ids[-20]]
    st.do(EditItem(moved[0], start="2019-05-14", end=None))
    st.do(EditItem(moved[1], start="1996-02", end=None))
    st.undo()
    st.do(EditItem(moved[2], start="2001-07-02", end="2003-01"))
    st.do(EditItem(ids[-5], start="1951-02", end="2023-11"))  # its lane's longest span now
    assert view._data is data  # followed in place, not built again
    fresh = show(TimelineView)
    assert_same(view._data, fresh._data)
    a, b = view.events_item.model, fresh.events_item.model
    assert a.ls_maxdur == b.ls_maxdur  # kept per lane, dropped for the lanes an edit touched
    assert all(np.array_equal(x, y) for x, y in zip(a.ls_idx, b.ls_idx))
    assert all(np.array_equal(x, y) for x, y in zip(a.ls_x0, b.ls_x0))
    # the overview's histogram moved the edited events' counts: the same as counting every event again
    np.testing.assert_array_equal(view.overview_item.counts, fresh.overview_item.counts)
    assert view.overview_item.counts.sum() == len(ids)
    x0, x1, _kind = view.event_extent(moved[0])
    for v in (view, fresh):
        v.set_visible_range(x0 - 200 * 86400, x1 + 200 * 86400)
    qtbot.waitUntil(lambda: bool(view.label_rects() and fresh.label_rects()))
    assert view.drawn_event_ids() == fresh.drawn_event_ids()
    assert [(e, t, r.getRect()) for e, t, r in view.label_rects()] == \
        [(e, t, r.getRect()) for e, t, r in fresh.label_rects()]
    x0, x1, _kind = view.event_extent(moved[2])
    view.set_visible_range(x0 - 400 * 86400, x1 + 400 * 86400)
    st.select(moved[2])
    qtbot.waitUntil(lambda: moved[2] in view.drawn_event_ids())
    shots = os.environ.get("EXPLORER_TEST_SHOTS")
    img = view.grab()
    assert not img.isNull()
    img.save(str(tmp_path / "timeline-after-redate.png"))
    if shots:
        img.save(os.path.join(shots, "timeline-after-redate.png"))
    for _ in factory:
        pass
