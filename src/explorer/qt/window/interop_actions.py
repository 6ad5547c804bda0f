"""File ▸ Import… and Export Data…: the two actions of the File menu, made without the formats.

The dialogs (``interop_dialog``) and the formats behind them (``core.interop``: readers, writers, the
spreadsheet column guesser) are imported when one of the actions is first used, not while the window
is built for its first paint.
"""

from __future__ import annotations

from PySide6.QtGui import QAction


def add_interop_actions(window, menu) -> None:
    """File ▸ Import… and Export Data… (the window calls this while building its File menu)."""
    window.act_import = QAction("&Import…", window)
    window.act_import.setShortcut("Ctrl+I")
    window.act_import.setStatusTip("Import TimelineJS, an events spreadsheet (CSV, XLSX, ACLED), vis-timeline items, "
                                   "W3C Web Annotations, GEXF or GraphML, as one undoable step")
    window.act_import.triggered.connect(lambda: _open_import(window))
    window.act_export_data = QAction("Export &Data…", window)
    window.act_export_data.setStatusTip("Write TimelineJS, events CSV/XLSX, W3C Web Annotations, GEXF, GraphML or a "
                                        "citation list")
    window.act_export_data.triggered.connect(lambda: _open_export_data(window))
    menu.addAction(window.act_import)
    menu.addAction(window.act_export_data)


def _open_import(window):
    from .interop_dialog import open_import

    return open_import(window)


def _open_export_data(window) -> None:
    from .interop_dialog import ExportDataDialog

    ExportDataDialog(window, window.state).exec()
