"""Views the window makes when they are first shown, not while it is built for its first paint.

The relationship graph sits behind the Documents tab when the window opens: making it (its canvas, and
laying out the corpus's graph whenever a corpus arrives) is work nobody sees until its tab is raised. Its
dock is made at once (its title, its tab, its place in the View menu and in the saved layout), holding an
empty placeholder; the view itself is made, and put in the dock, the first time the dock is shown (its tab
raised, the View menu, a restored layout that shows it), or the first time code asks for it
(``window.views["graph"]``, ``window.graph``: tests and exports get the real view, made on the spot).

Also here: ``Warmup``, the background thread that prepares the graph's layout once the corpus is shown,
and ``FirstPaint``, which holds the loading thread back until the window has painted its first frame
(docs/performance.md, "Start-up (issue 15)").
"""

from __future__ import annotations

import threading
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QWidget


class _Placeholder(QWidget):
    """What a dock holds until its view is made: empty, with the view's title for the dock."""

    def __init__(self, name: str, title: str):
        super().__init__()
        self.title = title
        self.setObjectName(f"{name}Placeholder")


class Views(dict):
    """The window's views by name. ``defer(name, title, make)`` registers a view made on first use:
    ``name in views`` is then true, ``views[name]`` makes it (once), while iterating (``values()``,
    ``items()``) goes over the views made so far only: a view never shown has nothing to close or save."""

    def __init__(self, views: dict):
        super().__init__(views)
        self._makers: dict[str, Callable[[], QWidget]] = {}
        self._placeholders: dict[str, _Placeholder] = {}
        self._docks: dict[str, QDockWidget] = {}

    def defer(self, name: str, title: str, make: Callable[[], QWidget]) -> None:
        self._makers[name] = make
        self._placeholders[name] = _Placeholder(name, title)

    def is_made(self, name: str) -> bool:
        return dict.__contains__(self, name)

    def widget(self, name: str) -> QWidget:
        """What the dock of ``name`` holds now: the view, or the placeholder of a view not made yet."""
        return self._placeholders[name] if name in self._makers else self[name]

    def watch(self, name: str, dock: QDockWidget) -> None:
        """Make the view of ``dock`` (and put it there) when the dock is first shown."""
        if name in self._makers:
            self._docks[name] = dock
            dock.visibilityChanged.connect(lambda visible, n=name: self._shown(n, visible))

    def _shown(self, name: str, visible: bool) -> None:
        if visible and name in self._makers:
            self[name]  # noqa: B018  (makes it)

    def __contains__(self, name) -> bool:
        return dict.__contains__(self, name) or name in self._makers

    def get(self, name, default=None):
        return self[name] if name in self else default

    def __missing__(self, name: str) -> QWidget:
        make = self._makers.pop(name, None)
        if make is None:
            raise KeyError(name)
        placeholder = self._placeholders.pop(name)
        view = make()
        dict.__setitem__(self, name, view)
        dock = self._docks.pop(name, None)
        if dock is not None:
            view.setMinimumWidth(placeholder.minimumWidth())
            dock.setWidget(view)
            dock.setWindowTitle(getattr(view, "title", placeholder.title))
            if dock.isVisible():
                view.show()  # before the dock's next paint (a widget put in a shown dock waits for a queued show)
        placeholder.deleteLater()
        return view


class Warmup:
    """Core work for a view not made yet, done in a background thread while nobody looks at it (the
    graph's layout shapes, seconds for a thousand actors, once the corpus is shown): when the view is
    made it ``wait()``s for it and finds it done, and the two never run at once. Pure core work, no Qt;
    whatever fails here (a corpus edited meanwhile) the view simply does again itself."""

    def __init__(self):
        self._thread: threading.Thread | None = None

    def start(self, work: Callable[[], object]) -> None:
        self.wait()
        self._thread = threading.Thread(target=self._run, args=(work,), name="explorer-warmup", daemon=True)
        self._thread.start()

    @staticmethod
    def _run(work: Callable[[], object]) -> None:
        try:
            work()
        except Exception:  # noqa: BLE001  (an optimisation only: the view does the work itself)
            pass

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None


class FirstPaint(QObject):
    """Whether the window has finished its first paint, and work queued until it has (``then``).

    Opening the corpus as the window appears would make the loading thread and the first paint share
    the interpreter (the GIL): the window would show later, for a corpus that is not shown any sooner.
    The loading thread is started once the window is on screen instead (at once when it already was, or
    is not shown at all); a window that is shown but never paints (no screen) starts it after a second."""

    FALLBACK_MS = 1000

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._window = window
        self.done = False
        self._queued: list[Callable[[], None]] = []
        self._watched = window.menuBar()  # painted with the window's first frame, whatever the views are
        self._watched.installEventFilter(self)

    def then(self, work: Callable[[], None]) -> None:
        if self.done or not self._window.isVisible():
            work()
            return
        self._queued.append(work)
        QTimer.singleShot(self.FALLBACK_MS, self, self._flush)

    def eventFilter(self, obj, event) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            self._watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._flush)  # runs once the frame being painted is finished
        return False

    def _flush(self) -> None:
        self.done = True
        queued, self._queued = self._queued, []
        for work in queued:
            work()
