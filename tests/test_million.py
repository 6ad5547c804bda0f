"""A million events in the window (issue 15): the generated 1M-event corpus of the benchmarks (built once,
kept in the temporary folder between runs), opened as the window opens a corpus, then used as a user
would: select, pan, zoom, search, edit, undo. Slow (minutes: generating and a first open of 1M events);
`python3 run_tests.py -m slow` and CI run it."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def million() -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from run import ensure_corpus  # the benchmarks' 1m size: 1,000,000 events, 10,000 documents
    finally:
        sys.path.pop(0)
    folder = Path(tempfile.gettempdir()) / "explorer-test-corpora"
    folder.mkdir(exist_ok=True)
    return ensure_corpus(folder, "1m")


def _settle(seconds: float = 0.2) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def test_a_million_events_select_pan_zoom_search_and_edit(million, app, qtbot, monkeypatch):
    from explorer.core.commands import EditItem

    monkeypatch.setenv("EXPLORER_CACHE", "off")  # a first open, and no 600 MB cache entry left behind
    from explorer.qt.window.main_window import MainWindow

    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    win.open_corpus(million, background=False)
    state = win.state
    assert len(state.index.events) == 1_000_000 and not state.corpus.problems
    _settle()

    event = state.index.events[500_000]
    state.select(event.id)
    _settle()
    assert state.selection == event.id
    assert event.title in win.inspector.browser.toPlainText()

    timeline = win.timeline
    t0, t1 = timeline.vb.viewRange()[0]
    timeline.set_visible_range(t0 + (t1 - t0) * 0.4, t0 + (t1 - t0) * 0.45)  # zoom in
    _settle()
    lo, hi = timeline.vb.viewRange()[0]
    assert hi - lo < (t1 - t0) * 0.1
    timeline.set_visible_range(lo + (hi - lo) * 0.5, hi + (hi - lo) * 0.5)  # pan
    _settle()
    assert timeline.vb.viewRange()[0][0] > lo
    timeline.zoom(0.5)
    _settle()

    hits = state.index.search(event.title, limit=20)
    assert event.id in [h.item_id for h in hits]
    state.set_search(event.title)
    _settle(0.5)

    old_title = event.title
    state.do(EditItem(event.id, title="A millionth edit"))
    _settle()
    assert state.corpus.get(event.id).title == "A millionth edit"
    assert "A millionth edit" in timeline._data.titles
    assert "A millionth edit" in win.inspector.browser.toPlainText()
    state.undo()
    _settle()
    assert state.corpus.get(event.id).title == old_title
    win.close()
