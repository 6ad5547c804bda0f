"""What every view offers the window and the exporter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ..bridge import AppState


class View(QWidget):
    """Base of the dockable views. Subclasses render ``self.state`` and call its methods on user
    gestures; they connect to state signals in ``__init__`` and never touch another view."""

    title = "View"
    view_name = "view"  # the name used by `explorer export VIEW`

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setObjectName(f"{self.view_name}View")
        self._state_connections: list[tuple[object, object]] = []

    def listen(self, signal, slot) -> None:
        """Connect a state signal to a slot of this view; closing the view disconnects it again, so a
        closed view (an export twin, a view of a replaced window) never redraws for a state it left."""
        signal.connect(slot)
        self._state_connections.append((signal, slot))

    def closeEvent(self, event) -> None:
        for signal, slot in self._state_connections:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # already gone with the state
                pass
        self._state_connections.clear()
        super().closeEvent(event)

    def export_widget(self) -> QWidget:
        """The widget an export renders (what is on screen, without scroll bars if possible)."""
        return self

    def clone_for_export(self) -> "View":
        """A twin of this view on the same state, for rendering at another size than on screen.
        Views with view-local settings (lane mode, zoom, positions) copy them over."""
        twin = type(self)(self.state)
        twin.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        return twin

    def export_caption(self) -> str:
        """A line saying what the export shows (the selection, the range...)."""
        item = self.state.item()
        return f"{self.title}" + (f" — selected: {item.label}" if item is not None else "")
