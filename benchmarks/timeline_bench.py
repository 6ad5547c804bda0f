"""The timeline view at scale (issue 15): re-dating an event, selecting, and what the view keeps in memory.

    python benchmarks/timeline_bench.py redate --corpus PATH [--window] [--repeats N] [--as-opened]
    python benchmarks/timeline_bench.py select --corpus PATH [--rounds N] [--as-opened]
    python benchmarks/timeline_bench.py memory --corpus PATH [--as-opened]

``redate``: events given new dates through the workspace (``state.do(EditItem(ev, start=...))``), each followed
by its undo; the time from ``do`` (or ``undo``) until the last paint it caused has finished (events pumped until
nothing paints for ``--quiet`` seconds), and the time spent in the timeline's own slot for the edit. With
``--window`` every view of the main window is there (1600×1000), else the timeline alone (1600×600). A title
edit is measured alongside as the reference (it moves nothing).

``select``: the timeline alone (1600×600); each kind of item selected in turn: the time in the timeline's
selection slot and in painting the frame it causes (``EventsItem.paint``), and the whole selection until
painted.

``memory``: RSS before and after a ``TimelineView`` is made and shown on the corpus (the process's own RSS,
the index built first), and the bytes its per-event and per-instance data hold.

``--as-opened``: the corpus and index come from ``open_corpus_and_index`` (the cache of opened corpora, as
the window opens a corpus; set ``EXPLORER_CACHE_DIR``), else ``load_corpus`` + ``CorpusIndex``.
The result is one JSON object on the last line of stdout, prefixed with ``RESULT``. Times in seconds.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tasks import _PaintCounter, _selection_targets, _settle, emit, exit_now, peak_rss_mb, rss_mb, summary  # noqa: E402


def _open(args):
    if args.as_opened:
        from explorer.core.io.open import open_corpus_and_index

        return open_corpus_and_index(args.corpus)
    from explorer.core import load_corpus
    from explorer.core.index import CorpusIndex

    corpus = load_corpus(args.corpus)
    return corpus, CorpusIndex(corpus)


class _SlotTimer:
    """Time spent in a method of a class (patched on the class, so bound slots connected later use it)."""

    def __init__(self, cls, name: str):
        self.samples: list[float] = []
        self.cur = 0.0
        orig = getattr(cls, name)
        timer = self

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return orig(*a, **k)
            finally:
                timer.cur += time.perf_counter() - t

        setattr(cls, name, timed)

    def take(self) -> float:
        v, self.cur = self.cur, 0.0
        return v


def _show(args, app, state):
    if args.window:
        from explorer.qt.window.main_window import MainWindow

        w = MainWindow(state, use_settings=False)
        w.resize(1600, 1000)
    else:
        from explorer.qt.views.timeline import TimelineView

        w = TimelineView(state)
        w.resize(1600, 600)
    w.show()
    return w


def task_redate(args) -> dict:
    from explorer.qt.app import make_app

    app = make_app()
    from PySide6.QtWidgets import QApplication

    from explorer.core.commands import EditItem
    from explorer.qt.bridge import AppState
    from explorer.qt.views.timeline import TimelineView

    QApplication.setCursorFlashTime(0)
    slot = _SlotTimer(TimelineView, "_on_corpus_edited")
    corpus, index = _open(args)
    state = AppState()
    state.workspace.journal = None  # the journal's disk writes are not the views' time
    widget = _show(args, app, state)
    state.set_corpus(corpus, index)
    paints = _PaintCounter(app)
    _settle(app, paints, quiet_s=2 * args.quiet, cap_s=60)
    timeline = widget if isinstance(widget, TimelineView) else widget.findChild(TimelineView)
    lo, hi = state.full_range()
    mid = (lo + hi) / 2
    timeline.set_visible_range(mid - 3 * 365 * 86400.0, mid + 3 * 365 * 86400.0)  # events one by one
    _settle(app, paints, args.quiet)
    rng = random.Random(15)
    ids = list(index.events.ids())
    samples: dict[str, list[float]] = {k: [] for k in ("redate", "redate_undo", "title", "title_undo")}
    slots: dict[str, list[float]] = {k: [] for k in samples}
    first = {}

    def measure(key: str, fn) -> None:
        slot.take()
        t = time.perf_counter()
        fn()
        done = _settle(app, paints, args.quiet, cap_s=30)
        dt = (done if done is not None else time.perf_counter()) - t
        if key not in first:
            first[key] = dt
        else:
            samples[key].append(dt)
            slots[key].append(slot.take())
        slot.take()

    for k in range(args.repeats + 1):
        ev = rng.choice(ids)
        year = 1955 + rng.randrange(65)
        measure("redate", lambda: state.do(EditItem(ev, start=f"{year}-{rng.randrange(1, 13):02d}")))
        measure("redate_undo", state.undo)
        ev = rng.choice(ids)
        measure("title", lambda: state.do(EditItem(ev, title=f"Edited {k}")))
        measure("title_undo", state.undo)
    widget.close()
    app.processEvents()
    out = {f"{k}_painted": summary(v) for k, v in samples.items()}
    out.update({f"{k}_timeline_slot": summary(v) for k, v in slots.items()})
    out.update({"first": first, "events": len(index.events), "window": bool(args.window)})
    return out


def task_select(args) -> dict:
    from explorer.qt.app import make_app

    app = make_app()
    from PySide6.QtWidgets import QApplication

    from explorer.qt.bridge import AppState
    from explorer.qt.views.timeline import TimelineView
    from explorer.qt.views.timeline_items import EventsItem

    QApplication.setCursorFlashTime(0)
    slot = _SlotTimer(TimelineView, "_on_selection_changed")
    paint = _SlotTimer(EventsItem, "paint")
    corpus, index = _open(args)
    state = AppState()
    args.window = False
    view = _show(args, app, state)
    state.set_corpus(corpus, index)
    paints = _PaintCounter(app)
    _settle(app, paints, quiet_s=2 * args.quiet, cap_s=60)
    targets = _selection_targets(index)
    per = {label: {"slot": [], "paint": [], "painted": []} for label, _ in targets}
    for rnd in range(args.rounds + 1):
        for label, item in targets:
            if state.selection == item:
                state.select(None)
                _settle(app, paints, args.quiet)
            slot.take()
            paint.take()
            t = time.perf_counter()
            state.select(item)
            done = _settle(app, paints, args.quiet)
            if rnd:
                per[label]["painted"].append((done if done is not None else time.perf_counter()) - t)
                per[label]["slot"].append(slot.take())
                per[label]["paint"].append(paint.take())
    view.close()
    app.processEvents()
    allk = {k: [x for v in per.values() for x in v[k]] for k in ("slot", "paint", "painted")}
    return {"events": len(index.events), **{k: summary(v) for k, v in allk.items()},
            "by_kind": {label: {k: summary(v)["median"] for k, v in d.items()} for label, d in per.items()}}


def _nbytes(obj) -> int:
    """Bytes an object of the view's data holds: numpy buffers, lists, dicts and their strings' share."""
    import numpy as np

    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, (list, tuple)):
        return sys.getsizeof(obj) + sum(sys.getsizeof(x) for x in obj[:1000]) * len(obj) // max(1, min(len(obj), 1000)) \
            if obj and not isinstance(obj[0], str) else sys.getsizeof(obj)
    if isinstance(obj, dict):
        return sys.getsizeof(obj) + sum(_nbytes(v) for v in list(obj.values())[:1000]) * len(obj) // max(1, min(len(obj), 1000))
    return 0


def task_memory(args) -> dict:
    from explorer.qt.app import make_app

    app = make_app()
    from explorer.qt.bridge import AppState
    from explorer.qt.views.timeline import TimelineView

    corpus, index = _open(args)
    index.prepared.clear()  # the view makes its own data (the window's loading thread would have)
    state = AppState()
    state.set_corpus(corpus, index)
    app.processEvents()
    gc.collect()
    before = rss_mb()
    view = TimelineView(state)
    view.resize(1600, 600)
    view.show()
    paints = _PaintCounter(app)
    _settle(app, paints, args.quiet, cap_s=60)
    gc.collect()
    after = rss_mb()
    d = view._data
    held = {name: _nbytes(v) for name, v in vars(d).items()}
    model = view.events_item.model
    held_model = {name: _nbytes(v) for name, v in vars(model).items()}
    out = {"events": len(index.events), "instances": int(len(d.inst_ev)), "rss_before_view_mb": before,
           "rss_after_view_mb": after, "view_mb": after - before,
           "data_mb": sum(held.values()) / 2**20, "layout_mb": sum(held_model.values()) / 2**20,
           "data_bytes": {k: v for k, v in sorted(held.items(), key=lambda kv: -kv[1]) if v > 100_000},
           "layout_bytes": {k: v for k, v in sorted(held_model.items(), key=lambda kv: -kv[1]) if v > 100_000},
           "peak_rss_mb": peak_rss_mb()}
    view.close()
    app.processEvents()
    return out


TASKS = {"redate": task_redate, "select": task_select, "memory": task_memory}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", action="store_true", help="redate: in the main window with every view")
    parser.add_argument("--as-opened", action="store_true", help="open the corpus as the window does (cache)")
    parser.add_argument("--quiet", type=float, default=0.25)
    args = parser.parse_args(argv)
    return emit(TASKS[args.task](args))


if __name__ == "__main__":
    exit_now(main())
