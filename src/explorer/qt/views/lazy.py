"""Work a view does only when it can be seen: a hidden tab or dock catches up when it is shown.

A selection reaches every view; in the main window several of them sit behind another tab (the graph behind
the documents, the editor behind the inspector). Rebuilding what nobody sees made every selection pay for it.
``WhenShown(widget, work)`` runs ``work`` at once when the widget is visible, and otherwise only records that
it is due and runs it when the widget is next shown (on its Show event, before its first paint), or when
code asks for what it shows (``flush()``, which accessors used by tests and exports call first).

A widget that was never put on screen in a shown window (a view built alone, an export twin) counts as
visible: it does its work at once, as before, so a view used on its own behaves exactly as it always did.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtWidgets import QWidget


def hidden_in_shown_window(widget: QWidget) -> bool:
    """Whether the widget sits unseen in a window that is on screen: hidden (a tab of a QTabWidget behind
    another, a closed dock), or moved out of its window's sight (QMainWindow keeps the docks of a tab group
    that are not on top visible but parked outside the window): what it would draw cannot be seen."""
    window = widget.window()
    if window is widget or not window.isVisible():
        return False
    return not widget.isVisible() or not _in_sight(widget, window)


def _in_sight(widget: QWidget, window: QWidget) -> bool:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()).intersects(window.rect())


class WhenShown(QObject):
    """Run ``work()`` now if the widget can be seen, else once when it is next shown (see the module)."""

    def __init__(self, widget: QWidget, work: Callable[[], None]):
        super().__init__(widget)
        self._widget = widget
        self._work = work
        self.pending = False
        self._watched: list[QWidget] = []

    def request(self) -> None:
        if hidden_in_shown_window(self._widget):
            self.pending = True
            self._watch()
        else:
            self.pending = False
            self._work()

    def flush(self) -> None:
        """Do the work now if it is due (for code that reads what the widget shows)."""
        if self.pending:
            self.pending = False
            self._work()

    def _watch(self) -> None:
        """Watch the widget and its parents below the window: a Show, or a Move or Resize that brings a
        parked dock back into sight, runs the work that is due."""
        chain, w = [], self._widget
        while w is not None and not w.isWindow():
            chain.append(w)
            w = w.parentWidget()
        if chain != self._watched:
            for old in self._watched:
                try:
                    old.removeEventFilter(self)
                except RuntimeError:  # already deleted
                    pass
            for w in chain:
                w.installEventFilter(self)
            self._watched = chain

    _WAKE = (QEvent.Type.Show, QEvent.Type.Move, QEvent.Type.Resize)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if self.pending and event.type() in self._WAKE and not hidden_in_shown_window(self._widget):
            self.flush()
        return False
