"""The assembled window: one selection drives every view; history, settings, rendering, clean exit."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QImage

from conftest import DATA, ROOT, open_window


@pytest.fixture()
def window(app, qtbot):
    win = open_window(qtbot, DATA, size=(1600, 1000), exposed=True)
    yield win
    win.close()


def _expected_ranges(state, item_id, doc_id):
    idx = state.index
    return sorted((idx.passages[p].start, idx.passages[p].end) for p in idx.passages_of(item_id)
                  if idx.passages[p].document == doc_id)


def test_clicking_an_event_on_the_timeline_updates_documents_and_inspector(window, qtbot):
    state = window.state
    event_id = "ev-east-route-pipeline-launch"
    window.timeline.zoom_to_item(event_id) if hasattr(window.timeline, "zoom_to_item") else None
    qtbot.wait(50)
    pos = window.timeline.event_viewport_pos(event_id)
    assert pos is not None
    viewport = window.timeline.plot_widget.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: state.selection == event_id, timeout=3000)
    doc_id = window.documents.current_document_id()
    assert doc_id == state.index.passages[state.index.passages_of(event_id)[0]].document
    assert sorted(window.documents.highlight_ranges()) == _expected_ranges(state, event_id, doc_id)
    assert event_id in window.inspector.browser.toPlainText() or \
        state.item(event_id).title in window.inspector.browser.toPlainText()


def test_selecting_an_expert_emphasises_its_events_and_highlights_its_passages(window, qtbot):
    state = window.state
    expert = "ex-xing-guangcheng"
    state.select(expert)
    qtbot.wait(20)
    linked = set(state.index.linked_events(expert))
    assert linked and window.timeline.emphasised_ids() == linked
    assert window.timeline.dimmed_ids() == {e.id for e in state.corpus.events} - linked
    doc_id = window.documents.current_document_id()
    assert sorted(window.documents.highlight_ranges()) == _expected_ranges(state, expert, doc_id)


def test_back_forward_and_escape_shortcuts(window, qtbot):
    state = window.state
    state.select("ev-treaty-signed")
    state.select("ex-wang-peng" if state.index.kind_of("ex-wang-peng") else "ex-xiao-yang")
    second = state.selection
    window.activateWindow()
    window.timeline.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert state.selection == "ev-treaty-signed"
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert state.selection == second
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert state.selection is None
    assert window.act_back.isEnabled() and not window.act_forward.isEnabled()


def test_layout_geometry_and_selection_are_remembered(app, qtbot):
    from explorer.qt.window.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.open_corpus(DATA, background=False)
    first.resize(1300, 900)
    first.docks["inspector"].hide()
    first.state.select("ex-lu-nanquan")
    first.close()
    assert QSettings().value("window/geometry") is not None

    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    second.open_corpus(DATA, background=False)
    assert second.state.selection == "ex-lu-nanquan"
    assert (second.width(), second.height()) == (1300, 900)
    assert second.docks["inspector"].isHidden()
    second.reset_layout()
    assert not second.docks["inspector"].isHidden()
    second.close()


def test_opening_a_bad_path_keeps_the_current_corpus(window, qtbot, tmp_path):
    before = window.state.corpus
    with qtbot.waitSignal(window.corpusFailed, timeout=10000) as blocker:
        window.open_corpus(tmp_path / "nowhere")
    assert "does not exist" in blocker.args[0]
    assert window.state.corpus is before


def test_a_corpus_with_problems_opens_and_says_so(window, qtbot, mini_corpus):
    (mini_corpus / "events.json").write_text("[{", encoding="utf-8")
    with qtbot.waitSignal(window.corpusLoaded, timeout=10000):
        window.open_corpus(mini_corpus)
    assert window.state.corpus.root == mini_corpus and len(window.state.corpus.experts) == 1
    assert window.problems_label.isVisible() and "1 problem" in window.problems_label.text()


def test_window_renders_to_png_not_blank(window, qtbot, tmp_path):
    window.state.select("ev-east-route-pipeline-launch")
    qtbot.wait(50)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (1600, 1000)
    path = tmp_path / "window.png"
    assert image.save(str(path))
    small = QImage(str(path)).scaled(64, 40)
    colours = {small.pixel(x, y) for x in range(64) for y in range(40)}
    assert len(colours) > 20  # not a blank or single-colour picture


def test_the_app_exits_with_status_0():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EXPLORER_AUTOQUIT_MS="1500",
               XDG_CONFIG_HOME=os.environ.get("XDG_RUNTIME_DIR", "/tmp"))
    result = subprocess.run([sys.executable, "-m", "explorer", str(DATA)], capture_output=True, text=True,
                            env=env, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_undo_and_redo_a_node_move_from_the_edit_menu(window, qtbot):
    graph = window.views["graph"]
    window.docks["graph"].raise_()
    qtbot.wait(50)
    node = "ent-japan"
    before = graph.positions()[node]
    start = graph.node_viewport_pos(node)
    vp = graph.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 7):
        qtbot.wait(15)
        qtbot.mouseMove(vp, start + QPoint(0, 6 * i))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 36))
    moved = graph.positions()[node]
    assert moved != before and window.act_undo.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert graph.positions()[node] == before
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert graph.positions()[node] == moved


def test_open_recent_lists_corpora_and_reopens_one(window, qtbot, mini_corpus):
    with qtbot.waitSignal(window.corpusLoaded, timeout=10000):
        window.open_corpus(mini_corpus)
    assert window.recent_corpora()[:2] == [str(mini_corpus.resolve()), str(DATA.resolve())]
    window.recent_menu.aboutToShow.emit()
    actions = [a for a in window.recent_menu.actions() if a.data()]
    assert [a.data() for a in actions][:2] == window.recent_corpora()[:2]
    with qtbot.waitSignal(window.corpusLoaded, timeout=10000):
        actions[1].trigger()  # the default corpus again
    assert window.state.corpus.root.resolve() == DATA.resolve()
    assert window.recent_corpora()[0] == str(DATA.resolve())


def test_the_timeline_takes_its_lanes_made_in_the_loading_thread(app, qtbot, monkeypatch):
    """Opening a corpus makes the timeline's lanes and rows in the loading thread (a second at 100k events,
    which the UI thread spent before); the view takes them instead of making them again, and they are the
    same as the view would make. An edit drops what was made ahead."""
    import explorer.qt.views.timeline as timeline_module
    from explorer.core.commands import EditItem
    from explorer.qt.window.main_window import MainWindow

    made = []
    real = timeline_module.timeline_data
    monkeypatch.setattr(timeline_module, "timeline_data",
                        lambda *a, **k: (a[0] is not None and made.append(a)) or real(*a, **k))
    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    win.open_corpus(DATA, background=False)
    assert made == []  # taken from index.prepared
    state = win.state
    data = win.timeline._data
    fresh = real(state.index, "theme", full_span=state.full_range()[1] - state.full_range()[0])
    assert data.ids == fresh.ids and [lane.key for lane in data.lanes] == [lane.key for lane in fresh.lanes]
    assert (data.inst_ev == fresh.inst_ev).all() and (data.inst_lane == fresh.inst_lane).all()
    assert state.index.prepared == {}
    ev = state.corpus.events[0]
    state.do(EditItem(ev.id, start="2003"))  # moves it: the view follows in place (core/layout/timeline_patch)
    assert made == [] and state.index.prepared == {}
    fresh = real(state.index, "theme", full_span=state.full_range()[1] - state.full_range()[0])
    assert win.timeline._data.ids == fresh.ids and (win.timeline._data.base_rows[0] == fresh.base_rows[0]).all()
    win.close()
