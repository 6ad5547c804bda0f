"""Running the app: the main window on a corpus folder, in a QApplication."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .app import make_app


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def run_app(corpus_path: Path | None) -> int:
    """Open the main window on a corpus folder (None: the last one used, else the default corpus)."""
    if not has_display():
        print("explorer: no display found (DISPLAY is not set). To render views without a display use "
              "`explorer export VIEW FILE`; to run the window anyway set QT_QPA_PLATFORM=offscreen.",
              file=sys.stderr)
        return 2
    app = make_app()
    from PySide6.QtCore import QTimer

    from .window.main_window import MainWindow

    window = MainWindow()
    window.show()
    window.open_corpus(corpus_path)
    autoquit = os.environ.get("EXPLORER_AUTOQUIT_MS")
    if autoquit:  # used by the smoke test: open, paint, quit cleanly
        QTimer.singleShot(int(autoquit), window.close)
    code = app.exec()
    window.close()
    window.deleteLater()
    app.processEvents()
    return code
