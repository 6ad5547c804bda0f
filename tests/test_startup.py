"""Start-up (issue 15): what the window leaves until it is needed still works when it is needed.

The relationship graph starts behind the Documents tab, so the window makes it when its tab is first
shown (or when code asks for it); its layout is prepared in the background once the corpus is shown.
File ▸ Import… and Export Data… load their dialogs and the formats when first used.
"""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QTabBar

from conftest import DATA, open_window


@pytest.fixture()
def window(app, qtbot):
    win = open_window(qtbot, DATA, use_settings=False, exposed=True)
    yield win
    win.close()


def _tab(window, title: str) -> tuple[QTabBar, int]:
    for bar in window.findChildren(QTabBar):
        for i in range(bar.count()):
            if bar.tabText(i) == title and bar.isVisible():
                return bar, i
    raise AssertionError(f"no visible tab {title!r}")


def test_the_graph_is_made_when_its_tab_is_first_shown(window, qtbot):
    from explorer.qt.views.graph import GraphView

    assert "graph" in window.views and not window.views.is_made("graph")
    dock = window.docks["graph"]
    assert dock.windowTitle() == GraphView.title  # the dock's title before the view is made is the view's
    assert dock.toggleViewAction() in window.view_menu.actions()
    bar, i = _tab(window, GraphView.title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())  # the user raises the tab
    qtbot.waitUntil(lambda: window.views.is_made("graph"), timeout=5000)
    graph = window.views["graph"]
    assert isinstance(graph, GraphView) and dock.widget() is graph and window.graph is graph
    qtbot.waitUntil(graph.isVisible, timeout=3000)
    corpus = window.state.corpus
    actors = {e.id for e in corpus.entities} | {e.id for e in corpus.experts}
    assert set(graph.node_ids()) and set(graph.node_ids()) <= actors
    assert graph.width() > 250 and graph.height() > 250  # it fills the dock, not a placeholder's size
    window.state.select("ex-xing-guangcheng")  # it follows the state like any view
    qtbot.waitUntil(lambda: "ex-xing-guangcheng" in graph.emphasised_ids(), timeout=3000)


def test_asking_for_the_graph_makes_it_on_the_current_corpus(window, qtbot):
    window.state.select("ex-xing-guangcheng")
    graph = window.graph  # never shown: made now, on the corpus and selection as they are
    assert window.views.is_made("graph") and window.views["graph"] is graph
    assert "ex-xing-guangcheng" in graph.node_ids()
    assert window.docks["graph"].widget() is graph
    assert graph in window.views.values()  # closed with the window like the others


def test_the_graph_layout_is_prepared_in_the_background_once_the_corpus_is_shown(window, qtbot, monkeypatch):
    """After the warm-up the graph's first showing computes no component shape on the UI thread."""
    from explorer.core.layout import graph as layout

    qtbot.waitUntil(lambda: window._graph_warmup._thread is not None, timeout=10000)
    window._graph_warmup.wait()
    made = []
    real = layout._make_component_shape
    monkeypatch.setattr(layout, "_make_component_shape", lambda *a: made.append(a) or real(*a))
    graph = window.graph
    assert graph.node_ids() and made == []


def test_a_window_whose_graph_tab_is_raised_makes_it_as_it_shows(app, qtbot):
    """A restored layout that shows the graph (here: its tab raised before the window is shown) gets the
    real view at its first paint, and the loading thread prepares its layout as before."""
    from explorer.qt.window.main_window import MainWindow

    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    win.docks["graph"].raise_()
    win.show()
    qtbot.waitExposed(win)
    assert win.views.is_made("graph") and win.docks["graph"].widget() is win.graph
    with qtbot.waitSignal(win.corpusLoaded, timeout=20000):
        win.open_corpus(DATA)
    qtbot.waitUntil(lambda: bool(win.graph.node_ids()), timeout=5000)
    assert win._graph_warmup._thread is None  # nothing left for the background
    win.close()


def test_import_and_export_data_open_their_dialogs_on_first_use(window, qtbot):
    file_menu = window.menuBar().actions()[0].menu()
    assert window.act_import in file_menu.actions() and window.act_export_data in file_menu.actions()
    seen = []

    def close_it():
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog).__name__ if dialog is not None else None)
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            QTimer.singleShot(50, close_it)

    QTimer.singleShot(50, close_it)
    window.act_export_data.trigger()  # a modal dialog: closed by the timer
    assert seen and seen[-1] == "ExportDataDialog"


def test_the_corpus_loads_once_the_window_has_painted(app, qtbot):
    """Opened as the window appears (as the app does), the loading thread waits for the window's first
    frame rather than share the interpreter with it; a hidden window loads at once."""
    from explorer.qt.window.main_window import MainWindow

    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    win.show()
    win.open_corpus(DATA)  # before any event is handled: nothing painted yet
    assert not win._first_paint.done and not win._thread.isRunning()
    with qtbot.waitSignal(win.corpusLoaded, timeout=20000):
        pass
    assert win._first_paint.done and win.state.corpus is not None
    win.close()

    hidden = MainWindow(use_settings=False)
    qtbot.addWidget(hidden)
    hidden.open_corpus(DATA)
    assert hidden._thread.isRunning() or hidden._thread.isFinished()
    with qtbot.waitSignal(hidden.corpusLoaded, timeout=20000):
        pass
    hidden.close()


def test_the_explorer_command_opens_the_window_without_the_formats(tmp_path):
    """`explorer [FOLDER]` (the app) builds its command line without the parsers of `import`,
    `export-data` and `suggest`, which import the formats and the assistant; `explorer --help` still
    lists them."""
    import json
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_QPA")}
    env.update(QT_QPA_PLATFORM="offscreen", EXPLORER_AUTOQUIT_MS="300", PYTHONPATH=str(ROOT / "src"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    code = ("import json, sys\nfrom explorer.cli import main\ncode = main([sys.argv[1]])\n"
            "print(json.dumps([code, sorted(sys.modules)]))")
    result = subprocess.run([sys.executable, "-c", code, str(DATA)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    code, modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert code == 0 and "explorer.qt.window.main_window" in modules
    assert not [m for m in modules if m.startswith(("explorer.core.interop", "explorer.interop_cli",
                                                     "explorer.core.assist"))]
    helped = subprocess.run([sys.executable, "-m", "explorer", "--help"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert helped.returncode == 0
    assert all(c in helped.stdout for c in ("import", "export-data", "suggest", "open", "validate"))
