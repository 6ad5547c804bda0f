"""One start-up, timed by ``run.py`` from outside: the parent starts this process and reads stdout.

    python benchmarks/startup_child.py explorer   # the explorer main window on the default corpus
    python benchmarks/startup_child.py bare       # a bare PySide6 + pyqtgraph window (QMainWindow + PlotWidget)

Prints ``painted`` when the window has finished its first paint and, for ``explorer``, ``ready`` when it
has finished the first paint after the corpus was loaded and shown; then quits. Everything from the start
of the interpreter (imports included) counts, as it does for a user; modules are read from their compiled
bytecode, as an installed app's are (see below).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if sys.dont_write_bytecode:
    # An installed app starts from compiled bytecode (pip compiles it; a checkout writes __pycache__ on
    # its first run). Where PYTHONDONTWRITEBYTECODE is set (sandboxes, CI), every explorer module would be
    # compiled from source on every start (~0.15 s that no user pays): keep the bytecode in a folder of the
    # benchmark's own instead, for both modes alike, so that from the second run on it is there.
    # (no tempfile import: whatever this adds to both modes alike would flatter the ratio)
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    sys.pycache_prefix = os.path.join(os.environ.get("TMPDIR") or os.environ.get("TEMP") or "/tmp",
                                      f"explorer-bench-pycache-{user}")
    sys.dont_write_bytecode = False


def main(mode: str) -> int:
    if mode == "explorer":
        from explorer.qt.app import make_app

        app = make_app()
        from explorer.qt.window.main_window import MainWindow

        window = MainWindow(use_settings=False)
    else:
        import pyqtgraph as pg
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([sys.argv[0]])
        window = QMainWindow()
        window.setCentralWidget(pg.PlotWidget())
        window.resize(1600, 1000)

    from PySide6.QtCore import QEvent, QObject, QTimer

    loaded = {"done": mode != "explorer", "painted": False, "finished": False}

    def report(what: str) -> None:
        sys.stdout.write(what + "\n")
        sys.stdout.flush()

    def after_paint() -> None:  # a zero timer runs once the paint that queued it has been flushed
        if loaded["finished"]:
            return
        if not loaded["painted"]:
            loaded["painted"] = True
            report("painted")
        if loaded["done"]:
            loaded["finished"] = True
            if mode == "explorer":
                report("ready")
            app.quit()

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.window() is window:
                if not loaded["painted"] or loaded["done"]:
                    QTimer.singleShot(0, after_paint)
            return False

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    window.show()
    if mode == "explorer":
        def on_loaded():
            loaded["done"] = True
            window.update()  # the views have redrawn from the state; make sure one more paint reports it

        window.corpusLoaded.connect(on_loaded)
        window.open_corpus(None)  # the default corpus, loaded off the UI thread as the app does
    QTimer.singleShot(30000, app.quit)  # never hang a benchmark
    app.exec()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "bare"))
