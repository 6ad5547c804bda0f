"""Benchmark tasks, each run in a fresh subprocess by ``benchmarks/run.py``:

    python benchmarks/tasks.py TASK --corpus PATH [--repeats N] [--frames N] [--rounds N]

TASK is one of ``data`` (load + validate, index build, search), ``frames`` (timeline frame time against a
bare pyqtgraph scatter and a matplotlib timeline, interleaved), ``ui`` (selection latency in the main window,
4K PNG exports), ``memory`` (peak RSS of the whole app on the corpus), ``edit`` (edits, undo, saving),
``interaction`` (hover, click and pan drag in the graph and the timeline, per event), ``open`` (what the window
does to show a corpus, first or from the cache of opened corpora). The result is one JSON
object on the last line of stdout, prefixed with ``RESULT``. Times are in seconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FRAME_SIZE = (1600, 500)
EXPORT_SIZE = (3840, 2160)
BIG_DOCUMENT = "doc-00000"  # the generator's first document (1 MB in the benchmark corpora)


def summary(samples: list[float]) -> dict:
    """Median, min and max of some timings, and the timings themselves (seconds)."""
    if not samples:
        return {"median": None, "min": None, "max": None, "n": 0, "samples": []}
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples),
            "samples": [round(s, 6) for s in samples]}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def emit(result: dict) -> int:
    """Write a task's result as ``run.py`` reads it (the last line of stdout, after ``RESULT``), with the
    process's peak RSS; 0, the exit code."""
    result["peak_rss_mb_process"] = peak_rss_mb()
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


def exit_now(code: int) -> None:
    """End the process without the interpreter's teardown (Qt objects, 100k models): not what is measured."""
    sys.stdout.flush()
    os._exit(code)


def text_chars(corpus) -> int:
    return sum(len(d.text) for d in corpus.documents)


# =========================================================================================================
# data: load + validate, index, search
# =========================================================================================================
def task_data(args) -> dict:
    from explorer.core.index import CorpusIndex
    from explorer.core import load_corpus

    loads, cpu_loads = [], []
    corpus = None
    for _ in range(args.repeats):
        corpus = None
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        corpus = load_corpus(args.corpus)
        loads.append(time.perf_counter() - t)
        cpu_loads.append(time.process_time() - c)
    problems = len(corpus.problems)
    builds = []
    index = None
    for _ in range(args.repeats):
        index = None
        gc.collect()
        t = time.perf_counter()
        index = CorpusIndex(corpus)
        builds.append(time.perf_counter() - t)
    gc.collect()
    # search: the first query folds every text (lazily); then queries that scan everything
    t = time.perf_counter()
    index.search("zqxv no such words")
    first = time.perf_counter() - t
    queries = ["zqxv no such words", "record 99999", "Zürich mêlée", "straße", "邢广程 argues", "power of siberia"]
    search_times, hits = [], {}
    for _ in range(max(3, args.repeats)):
        for q in queries:
            t = time.perf_counter()
            found = index.search(q)
            search_times.append(time.perf_counter() - t)
            hits[q] = len(found)
    return {"counts": corpus.counts(), "text_chars": text_chars(corpus), "problems": problems,
            "load_validate": summary(loads), "load_validate_cpu": summary(cpu_loads),
            "index_build": summary(builds), "search_first": first, "search": summary(search_times),
            "search_hits": hits}


# =========================================================================================================
# frames: TimelineView vs bare pyqtgraph scatter vs matplotlib, the same events, rendered the same way
# =========================================================================================================
def _windows(lo: float, hi: float, n: int) -> list[tuple[float, float]]:
    """A deterministic walk of pans and zooms over [lo, hi]: zoom in, pan, zoom in, pan back, zoom out..."""
    out = []
    t0, t1 = lo, hi
    steps = [("zoom", 0.6), ("pan", 0.12), ("zoom", 0.6), ("pan", -0.2), ("zoom", 0.5), ("pan", 0.25),
             ("zoom", 1.8), ("pan", -0.1), ("zoom", 0.4), ("pan", 0.3), ("zoom", 3.0), ("pan", -0.3),
             ("zoom", 1.7), ("pan", 0.15)]
    k = 0
    while len(out) < n:
        kind, f = steps[k % len(steps)]
        k += 1
        w = t1 - t0
        if kind == "zoom":
            c = (t0 + t1) / 2
            w = min(hi - lo, max(w * f, 30 * 86400.0))
            t0, t1 = c - w / 2, c + w / 2
        else:
            t0, t1 = t0 + f * w, t1 + f * w
        if t0 < lo:
            t0, t1 = lo, lo + (t1 - t0)
        if t1 > hi:
            t0, t1 = hi - (t1 - t0), hi
        out.append((t0, t1))
    return out


def _render(widget, image) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QWidget

    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    QWidget.render(widget, painter, QPoint(0, 0))  # QWidget's render for all (QGraphicsView shadows it)
    painter.end()


def _lane_points(index):
    """x (POSIX seconds, event start), y (lane by first theme, spread over sub-rows) for every event."""
    import numpy as np

    themes = {t.id: k for k, t in enumerate(index.corpus.themes)}
    n_lanes = max(1, len(themes)) + 1
    lane = np.fromiter((themes.get(e.themes[0], n_lanes - 1) if e.themes else n_lanes - 1
                        for e in index.events), dtype=np.float64, count=len(index.events))
    sub = (np.arange(len(index.events)) % 4) * 0.2
    return index.ev_start.copy(), index.ev_end.copy(), lane + sub, n_lanes


def task_frames(args) -> dict:
    from explorer.qt.app import make_app

    app = make_app()
    try:  # matplotlib is in the `bench` extra; without it the comparison is left out, not the rest
        import matplotlib

        matplotlib.use("QtAgg")
        from matplotlib import dates as mdates  # noqa: F401  (the date axis below)
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure
    except ImportError:
        FigureCanvasQTAgg = None
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtGui import QImage

    from explorer.core.index import CorpusIndex
    from explorer.core import load_corpus
    from explorer.qt.bridge import AppState
    from explorer.qt.views.timeline import TimelineView

    corpus = load_corpus(args.corpus)
    index = CorpusIndex(corpus)
    state = AppState()
    state.set_corpus(corpus, index)
    w, h = FRAME_SIZE

    # the explorer timeline
    view = TimelineView(state)
    view.resize(w, h)
    view.show()

    # a bare pyqtgraph scatter of the same points: one item, pxMode, one brush, one pen
    xs, xe, ys, n_lanes = _lane_points(index)
    plot = pg.PlotWidget(background="w")
    plot.resize(w, h)
    brush = pg.mkBrush(61, 111, 180, 200)
    scatter = pg.ScatterPlotItem(x=xs, y=ys, pxMode=True, size=7, brush=brush, pen=None, useCache=True,
                                 symbol="o")
    plot.addItem(scatter)
    plot.setAxisItems({"bottom": pg.DateAxisItem(utcOffset=0)})
    plot.setYRange(-0.5, n_lanes + 0.5, padding=0)
    plot.show()

    # a matplotlib timeline of the same events: scatter for the starts, broken_barh for the spans
    canvas = ax = None
    if FigureCanvasQTAgg is not None:
        fig = Figure(figsize=(w / 100, h / 100), dpi=100)
        canvas = FigureCanvasQTAgg(fig)
        canvas.resize(w, h)
        ax = fig.add_subplot(111)
        days = xs / 86400.0  # matplotlib dates: days since 1970-01-01
        ax.scatter(days, ys, s=12, c="#3d6fb4", marker="o", linewidths=0)
        spans = (xe - xs) > 40 * 86400
        for lane in np.unique(np.floor(ys[spans])):
            sel = spans & (np.floor(ys) == lane)
            ax.broken_barh(list(zip(days[sel], (xe[sel] - xs[sel]) / 86400.0)), (lane - 0.1, 0.2),
                           facecolors="#3d6fb466")
        ax.xaxis_date()
        ax.set_ylim(n_lanes + 0.5, -0.5)
        canvas.show()
    app.processEvents()

    lo, hi = state.full_range()
    windows = _windows(lo, hi, args.frames + 3)
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)

    def frame_timeline(t0, t1):
        view.set_visible_range(t0, t1)
        app.processEvents()
        _render(view, image)

    def frame_scatter(t0, t1):
        plot.setXRange(t0, t1, padding=0)
        app.processEvents()
        _render(plot, image)

    def frame_mpl(t0, t1):
        ax.set_xlim(t0 / 86400.0, t1 / 86400.0)
        canvas.draw()
        app.processEvents()
        _render(canvas, image)

    renderers = {"timeline": frame_timeline, "pyqtgraph_scatter": frame_scatter}
    if canvas is not None:
        renderers["matplotlib"] = frame_mpl
    times: dict[str, list[float]] = {k: [] for k in renderers}
    for k, (t0, t1) in enumerate(windows):
        for name, fn in renderers.items():  # interleaved, so that noise hits all three alike
            gc.collect()
            t = time.perf_counter()
            fn(t0, t1)
            dt = time.perf_counter() - t
            if k >= 3:  # the first frames warm caches up
                times[name].append(dt)
            if args.save_frames and k in (0, 4):  # to look at what was measured
                Path(args.save_frames).mkdir(parents=True, exist_ok=True)
                image.save(str(Path(args.save_frames) / f"{name}-{k}.png"))
    out = {name: summary(v) for name, v in times.items()}
    if canvas is None:
        out["matplotlib"] = {**summary([]), "error": "matplotlib is not installed (pip install -e .[bench])"}
    out["events"] = len(index.events)
    out["size"] = list(FRAME_SIZE)
    for wdg in (view, plot, canvas):
        if wdg is not None:
            wdg.close()
    app.processEvents()
    return out


# =========================================================================================================
# ui: selection -> every view painted, in the main window; 4K PNG exports
# =========================================================================================================
class _PaintCounter:
    def __init__(self, app):
        from PySide6.QtCore import QEvent, QObject

        counter = self

        class Filter(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint:
                    counter.n += 1
                return False

        self.n = 0
        self.filter = Filter()
        app.installEventFilter(self.filter)


def _settle(app, paints: _PaintCounter, quiet_s: float = 0.25, cap_s: float = 5.0) -> float | None:
    """Pump events until nothing is painted for ``quiet_s``; return when the last paint finished."""
    from PySide6.QtCore import QEventLoop

    start = time.perf_counter()
    last_paint_done = None
    last_activity = start
    while True:
        before = paints.n
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        now = time.perf_counter()
        if paints.n != before:
            last_paint_done = now
            last_activity = now
        elif now - last_activity > quiet_s or now - start > cap_s:
            return last_paint_done
        else:
            time.sleep(0.0005)


def _selection_targets(index) -> list[tuple[str, str | None]]:
    """(label, item id) to select in turn: an event evidenced in the 1 MB document, other kinds, clear."""
    big_event = None
    for p in index.document_passages(BIG_DOCUMENT):
        events = [i for i in index.items_of_passage(p.id) if index.kind_of(i) == "event"]
        if events:
            big_event = events[0]
            break
    corpus = index.corpus
    other_event = next((e.id for e in index.events[len(index.events) // 2:]
                        if all(index.passages[p].document != BIG_DOCUMENT for p in e.passages)), None)
    pick = [("event in the 1 MB document", big_event),
            ("entity", corpus.entities[1].id if len(corpus.entities) > 1 else None),
            ("expert", corpus.experts[1].id if len(corpus.experts) > 1 else None),
            ("theme", corpus.themes[1].id if len(corpus.themes) > 1 else None),
            ("relationship", corpus.relationships[1].id if len(corpus.relationships) > 1 else None),
            ("the 1 MB document", BIG_DOCUMENT if BIG_DOCUMENT in index.items else None),
            ("event in another document", other_event),
            ("clear selection", None)]
    return [(label, item) for label, item in pick if item is not None or label == "clear selection"]


def task_ui(args) -> dict:
    from explorer.qt.app import make_app

    app = make_app()
    from PySide6.QtWidgets import QApplication

    from explorer.qt.export.render import ExportOptions, export_view, window_caption as _window_caption
    from explorer.core.index import CorpusIndex
    from explorer.core import load_corpus
    from explorer.qt.bridge import AppState
    from explorer.qt.views.timeline import TimelineView
    from explorer.qt.window.main_window import MainWindow

    QApplication.setCursorFlashTime(0)  # no blinking caret: every paint we count is the selection's
    corpus = load_corpus(args.corpus)
    index = CorpusIndex(corpus)
    state = AppState()
    t = time.perf_counter()
    window = MainWindow(state, use_settings=False)
    window.corpus_path = corpus.root
    build = time.perf_counter() - t
    t = time.perf_counter()
    state.set_corpus(corpus, index)
    window.resize(1600, 1000)
    window.show()
    paints = _PaintCounter(app)
    _settle(app, paints, quiet_s=2 * args.quiet)
    show = time.perf_counter() - t

    targets = _selection_targets(index)
    per_kind: dict[str, list[float]] = {label: [] for label, _ in targets}
    sync_part: dict[str, list[float]] = {label: [] for label, _ in targets}
    first: dict[str, float] = {}
    for rnd in range(args.rounds + 1):
        for label, item in targets:
            if state.selection == item:
                state.select(None)
                _settle(app, paints, args.quiet)
            t = time.perf_counter()
            state.select(item)
            t_sync = time.perf_counter() - t
            done = _settle(app, paints, args.quiet)
            latency = (done if done is not None else time.perf_counter()) - t
            if rnd == 0:
                first[label] = latency  # the first time: lazy caches, layouts of new documents
            else:
                per_kind[label].append(latency)
                sync_part[label].append(t_sync)
    all_lat = [x for v in per_kind.values() for x in v]

    # 4K PNG exports: the timeline view alone (as `explorer export timeline` does) and the whole window
    exports: dict[str, list[float]] = {"timeline": [], "window": []}
    timeline = TimelineView(state)
    timeline.resize(1600, 600)
    timeline.show()
    app.processEvents()
    tmp = Path(tempfile.mkdtemp(prefix="explorer-bench-"))
    options = ExportOptions(width=EXPORT_SIZE[0], height=EXPORT_SIZE[1])
    sizes = {}
    for _ in range(args.repeats):
        for name, widget, caption in (("timeline", timeline, timeline.export_caption()),
                                      ("window", window, _window_caption(state))):
            original = widget.size()
            path = tmp / f"{name}.png"
            t = time.perf_counter()
            export_view(state, widget, caption, path, options)
            exports[name].append(time.perf_counter() - t)
            sizes[name] = path.stat().st_size
            widget.resize(original)
            app.processEvents()
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
    timeline.close()
    window.close()
    app.processEvents()
    return {"window_build": build, "window_show": show,
            "selection": summary(all_lat),
            "selection_by_kind": {k: summary(v) for k, v in per_kind.items()},
            "selection_signal_part": {k: summary(v) for k, v in sync_part.items()},
            "selection_first": first,
            "export_4k_timeline": summary(exports["timeline"]), "export_4k_window": summary(exports["window"]),
            "export_bytes": sizes}


# =========================================================================================================
# memory: the whole app on the corpus, in a fresh process
# =========================================================================================================
def task_memory(args) -> dict:
    base = rss_mb()
    from explorer.qt.app import make_app

    app = make_app()
    from explorer.core.index import CorpusIndex
    from explorer.core import load_corpus
    from explorer.qt.bridge import AppState
    from explorer.qt.window.main_window import MainWindow

    qt = rss_mb()
    if args.as_opened:  # as the window opens it: from the cache of opened corpora when it has the corpus
        from explorer.core.io.open import open_corpus_and_index

        corpus, index = open_corpus_and_index(args.corpus)
        loaded = indexed = rss_mb()
    else:
        corpus = load_corpus(args.corpus)
        loaded = rss_mb()
        index = CorpusIndex(corpus)
        indexed = rss_mb()
    index.prepare_search()
    searchable = rss_mb()
    state = AppState()
    window = MainWindow(state, use_settings=False)
    state.set_corpus(corpus, index)
    window.resize(1600, 1000)
    window.show()
    paints = _PaintCounter(app)
    _settle(app, paints, args.quiet)
    for _label, item in _selection_targets(index):
        state.select(item)
        _settle(app, paints, args.quiet)
    state.set_search("record 1")
    _settle(app, paints, max(args.quiet, 0.4))  # the search view debounces typing
    shown = rss_mb()
    peak = peak_rss_mb()
    window.close()
    app.processEvents()
    return {"rss_start_mb": base, "rss_qt_mb": qt, "rss_loaded_mb": loaded, "rss_indexed_mb": indexed,
            "rss_searchable_mb": searchable, "rss_window_mb": shown, "peak_rss_mb": peak}



# =========================================================================================================
# edit: the core that changes — one edit and its undo through corpus and index, saving after one edit,
# opening for editing (load + stamps + index), memory after it
# =========================================================================================================
def task_edit(args) -> dict:
    import random
    import shutil

    from explorer.core.commands import AddItem, DeleteItem, EditItem
    from explorer.core.index import CorpusIndex
    from explorer.core.io.open import open_corpus
    from explorer.core.workspace import Workspace

    work = Path(tempfile.mkdtemp(prefix="explorer-bench-edit-"))
    os.environ.setdefault("EXPLORER_STATE_DIR", str(work / "state"))
    try:
        folder = work / "corpus"
        shutil.copytree(args.corpus, folder, ignore=shutil.ignore_patterns(".synth.json"))
        base = rss_mb()
        # the entry a first open writes in the cache of opened corpora (for the next open) is timed apart
        from explorer.core.io import cache

        write_entry, cache_write = cache.write_entry, []

        def timed_write(*a, **k):
            t0 = time.perf_counter()
            try:
                return write_entry(*a, **k)
            finally:
                cache_write.append(time.perf_counter() - t0)

        cache.write_entry = timed_write
        t, c = time.perf_counter(), time.process_time()
        try:
            corpus = open_corpus(folder)
            index = CorpusIndex(corpus)
        finally:
            cache.write_entry = write_entry
        open_s, open_cpu = time.perf_counter() - t, time.process_time() - c
        rss_indexed = rss_mb()
        ws = Workspace(corpus, index)
        rng = random.Random(7)
        events = [e.id for e in corpus.events]
        passages = [p.id for p in corpus.passages]
        ws.index.search("bridge")  # search is prepared, as in the app: edits have to patch it too

        def timed(fn) -> float:
            t0 = time.perf_counter()
            fn()
            return time.perf_counter() - t0

        samples: dict[str, list[float]] = {k: [] for k in ("edit_title", "undo_title", "edit_date", "undo_date",
                                                           "add_event", "undo_add", "delete_event",
                                                           "undo_delete")}
        n = max(10, args.repeats * 10)
        for i in range(n):
            ev = rng.choice(events)
            samples["edit_title"].append(timed(lambda: ws.do(EditItem(ev, title=f"Edited {i}"))))
            samples["undo_title"].append(timed(ws.undo))
            ev = rng.choice(events)
            samples["edit_date"].append(timed(lambda: ws.do(EditItem(ev, start=f"{1950 + i % 70}-06"))))
            samples["undo_date"].append(timed(ws.undo))
            samples["add_event"].append(timed(lambda: ws.do(AddItem("event", title=f"New {i}", start="2001",
                                                                     passages=[rng.choice(passages)]))))
            samples["undo_add"].append(timed(ws.undo))
            ev = rng.choice(events)
            samples["delete_event"].append(timed(lambda: ws.do(DeleteItem(ev, cascade=True))))
            samples["undo_delete"].append(timed(ws.undo))
        # the same edit without the journal (its fsync is the disk's share)
        journal, ws.journal = ws.journal, None
        no_journal = []
        for i in range(n):
            ev = rng.choice(events)
            no_journal.append(timed(lambda: ws.do(EditItem(ev, title=f"Plain {i}"))))
            ws.undo()
        ws.journal = journal
        ws.do(EditItem(events[0], title="Saved edit"))
        save_s = timed(ws.save)
        out = {k: summary(v) for k, v in samples.items()}
        out.update({"edit_title_no_journal": summary(no_journal), "save_after_one_edit": save_s,
                    "open_and_index": open_s, "open_and_index_cpu": open_cpu, "cache_write": sum(cache_write),
                    "load_and_index": open_s - sum(cache_write), "rss_indexed_mb": rss_indexed, "rss_base_mb": base,
                    "peak_rss_mb": peak_rss_mb()})
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


# =========================================================================================================
# interaction: hover, click and a pan drag in the graph and in the timeline, per event, painting included
# =========================================================================================================
INTERACTION_SIZES = {"graph": (1100, 800), "timeline": (1600, 600)}  # the views' export sizes


def _pump(app) -> None:
    """Deliver what an event queued (the paint it asked for included)."""
    app.processEvents()
    app.processEvents()


def _rest(app, seconds: float = 1.0) -> None:
    """Let a view rest as it would before a hand reaches it: events handled, idle work done."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def _timed_event(app, send) -> float:
    t = time.perf_counter()
    send()
    _pump(app)
    return time.perf_counter() - t


def _gestures(app, viewport, hover_points, click_points, drag_from, drag_steps) -> dict:
    """Time hover moves, clicks (press and release, and what the selection repaints) and the steps of a pan
    drag, each event with everything it causes before the next one (events pumped until none is left). The
    view rests a second before each kind of gesture, as it would before a hand reaches it."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    hover = [_timed_event(app, lambda p=p: QTest.mouseMove(viewport, p)) for p in hover_points]
    _rest(app)
    clicks = []
    for p in click_points:
        QTest.mouseMove(viewport, p)
        _pump(app)
        clicks.append(_timed_event(app, lambda p=p: QTest.mouseClick(viewport, left, none, p)))
    _rest(app)
    QTest.mouseMove(viewport, drag_from)
    _pump(app)
    QTest.mousePress(viewport, left, none, drag_from)
    _pump(app)
    steps, end = [], drag_from
    for dx, dy in drag_steps:
        end = end + QPoint(dx, dy)
        steps.append(_timed_event(app, lambda p=end: QTest.mouseMove(viewport, p)))
    release = _timed_event(app, lambda: QTest.mouseRelease(viewport, left, none, end))
    return {"hover": summary(hover), "click": summary(clicks), "drag_step": summary(steps), "drag_end": release}


def task_interaction(args) -> dict:
    import random

    from explorer.qt.app import make_app

    app = make_app()
    import pyqtgraph as pg
    from PySide6.QtCore import QPoint

    from explorer.core import load_corpus
    from explorer.core.index import CorpusIndex
    from explorer.qt.bridge import AppState
    from explorer.qt.views.graph import GraphView
    from explorer.qt.views.timeline import TimelineView

    pg.setConfigOption("mouseRateLimit", -1)  # every move is handled (a hand sends 60-120 a second)
    corpus = load_corpus(args.corpus)
    index = CorpusIndex(corpus)
    state = AppState()
    state.set_corpus(corpus, index)
    rng = random.Random(16)
    n_moves = 20 if args.repeats <= 2 else 60
    n_clicks = 5 if args.repeats <= 2 else 12
    out: dict = {"events": len(index.events)}

    # the graph: hover over the whole canvas, click nodes, pan from an empty corner
    graph = GraphView(state)
    graph.resize(*INTERACTION_SIZES["graph"])
    graph.show()
    _rest(app)
    vp = graph.viewport()
    w, h = vp.width(), vp.height()
    hover = [QPoint(rng.randrange(w), rng.randrange(h)) for _ in range(n_moves)]
    nodes = graph.node_ids()
    clicks = [graph.node_viewport_pos(n) for n in rng.sample(nodes, min(n_clicks, len(nodes)))]
    drag = [(rng.randint(4, 12), rng.randint(-6, 6)) for _ in range(n_moves)]
    out["graph"] = _gestures(app, vp, hover, clicks, QPoint(3, 3), drag)
    out["graph"].update(nodes=len(nodes), edges=len(graph.visible_edge_ids()))
    graph.close()
    state.select(None)
    _pump(app)

    # the timeline, zoomed to two years mid-range (where events are drawn one by one, and a pan has room):
    # hover over the plot, click events drawn, pan along the time axis (later in time)
    timeline = TimelineView(state)
    timeline.resize(*INTERACTION_SIZES["timeline"])
    timeline.show()
    _rest(app)
    lo, hi = state.full_range()
    mid = (lo + hi) / 2
    timeline.set_visible_range(mid - 365 * 86400.0, mid + 365 * 86400.0)
    _rest(app)
    vp = timeline.plot_widget.viewport()
    w, h = vp.width(), vp.height()
    hover = [QPoint(rng.randrange(w), rng.randrange(h)) for _ in range(n_moves)]
    drawn = sorted(timeline.drawn_event_ids())
    points = [timeline.event_viewport_pos(e) for e in rng.sample(drawn, min(len(drawn), 4 * n_clicks))]
    clicks = [p for p in points if p is not None][:n_clicks]
    drag = [(rng.randint(-14, -4), 0) for _ in range(n_moves)]
    out["timeline"] = _gestures(app, vp, hover, clicks, QPoint(w // 2, h // 2), drag)
    out["timeline"]["drawn_events"] = len(drawn)
    timeline.close()
    _pump(app)
    out["sizes"] = {k: list(v) for k, v in INTERACTION_SIZES.items()}
    return out


# =========================================================================================================
# open: what the window does to show a corpus (stamps, load + validate, index), first or from the cache
# =========================================================================================================

def task_open(args) -> dict:
    """``open_corpus_and_index`` in a fresh process, as the window's loading thread calls it: with
    ``--fresh-cache`` the corpus's entry in the cache of opened corpora is removed first (a first open, which
    writes the entry), else it is used when it is there (an open of an unchanged corpus)."""
    from explorer.core.io import cache
    from explorer.core.io.open import open_corpus_and_index

    entry = cache.entry_path(Path(args.corpus))
    if args.fresh_cache and entry is not None and entry.exists():
        entry.unlink()
    before = entry.stat().st_mtime_ns if entry is not None and entry.exists() else None
    gc.collect()
    base = rss_mb()
    t, c = time.perf_counter(), time.process_time()
    corpus, index = open_corpus_and_index(args.corpus)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    gc.collect()
    after = entry.stat().st_mtime_ns if entry is not None and entry.exists() else None
    # from the cache: the entry was there and was not written anew (another key would have replaced it)
    return {"open_s": wall, "open_cpu_s": cpu, "from_cache": before is not None and after == before,
            "rss_start_mb": base,
            "rss_opened_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(), "events": len(index.events),
            "entry_mb": entry.stat().st_size / 2**20 if entry is not None and entry.exists() else None}


# =========================================================================================================
# stall: how long the window's event loop goes unserved while a corpus loads in the background
# =========================================================================================================

def task_stall(args) -> dict:
    """The main window opens the corpus as a user would (File ▸ Open, loaded off the UI thread) while a
    5 ms timer on the UI thread records when it is served; the gaps between its ticks are how long the
    window could not answer (the loading thread holds Python's lock; the corpus's arrival is shown on the UI
    thread). ``--fresh-cache``: a first open; else from the cache of opened corpora when it has the corpus."""
    from explorer.core.io import cache
    from explorer.qt.app import make_app

    app = make_app()
    from PySide6.QtCore import QTimer

    from explorer.qt.bridge import AppState
    from explorer.qt.window.main_window import MainWindow

    entry = cache.entry_path(Path(args.corpus))
    if args.fresh_cache and entry is not None and entry.exists():
        entry.unlink()
    state = AppState()
    window = MainWindow(state, use_settings=False)
    window.resize(1600, 1000)
    window.show()
    _pump(app)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    shown = []
    state.corpusChanged.connect(lambda: shown.append(time.perf_counter()))
    timer.start()
    t0 = time.perf_counter()
    window.open_corpus(args.corpus, background=True)
    while not shown and time.perf_counter() - t0 < 600:
        app.processEvents()
        time.sleep(0.001)
    loaded = (shown[0] if shown else time.perf_counter()) - t0
    end = time.perf_counter() + 1.0  # and the second after it is shown (the views' first paints)
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    window.close()
    app.processEvents()
    gaps_ms = sorted(g * 1000 for g in gaps)
    return {"shown_after_s": loaded, "ticks": len(ticks), "max_gap_ms": gaps_ms[-1] if gaps_ms else None,
            "p99_gap_ms": gaps_ms[int(0.99 * (len(gaps_ms) - 1))] if gaps_ms else None,
            "gaps_over_100ms": sum(1 for g in gaps_ms if g > 100),
            "worst_gaps_ms": [round(g, 1) for g in gaps_ms[-5:]]}


TASKS = {"data": task_data, "frames": task_frames, "ui": task_ui, "memory": task_memory,
         "edit": task_edit, "interaction": task_interaction, "open": task_open, "stall": task_stall}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--save-frames", default=None, help="folder to save a few rendered frames into")
    parser.add_argument("--exclude-views", default="",
                        help="optional views (graph, search) to leave out of the window, e.g. when one fails")
    parser.add_argument("--as-opened", action="store_true",
                        help="memory: open the corpus as the window does (the cache of opened corpora included)")
    parser.add_argument("--fresh-cache", action="store_true",
                        help="open: remove the corpus's entry in the cache of opened corpora first")
    parser.add_argument("--quiet", type=float, default=0.25,
                        help="seconds without a paint after which a selection counts as settled")
    args = parser.parse_args(argv)
    excluded = [v.strip() for v in args.exclude_views.split(",") if v.strip()]
    for name in excluded:  # the window adds optional views only if their module imports
        sys.modules[f"explorer.qt.views.{name}"] = None  # type: ignore[assignment]
    result = TASKS[args.task](args)
    result["excluded_views"] = excluded
    return emit(result)


if __name__ == "__main__":
    exit_now(main())
