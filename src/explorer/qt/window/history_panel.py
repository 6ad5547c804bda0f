"""Edit ▸ History: the steps of the undo stack, the current one marked, and a jump to any.

The first row is the corpus as it was opened (or last saved, where the clean mark is); each next row is one
step ("New Event ‘…’", "Change start of ‘…’"); steps after the current one are undone (grey) and can be
redone. Clicking a row (or Enter on it) undoes or redoes one step at a time until that row is the current
state: the same path as Edit ▸ Undo / Redo, so every view follows each step. A window of its own, not
modal; it follows the stack as edits are made anywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout,
                               QWidget)

from ..bridge import AppState
from ..views.style import MUTED_TEXT

UNDONE_COLOR = "#9a9a9a"


class HistoryPanel(QDialog):
    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("History")
        self.setObjectName("historyPanel")
        layout = QVBoxLayout(self)
        note = QLabel("Every edit since the corpus was opened. Click a step to go back (or forward) to it.")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED_TEXT};")
        layout.addWidget(note)
        self.list = QListWidget()
        self.list.setObjectName("historySteps")
        self.list.setAlternatingRowColors(True)
        self.list.itemClicked.connect(self._on_clicked)
        self.list.itemActivated.connect(self._on_clicked)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.resize(560, 480)
        state.undoStateChanged.connect(self.refresh)
        state.corpusChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        stack = self.state.workspace.stack
        self.list.blockSignals(True)
        self.list.clear()
        corpus = self.state.corpus
        title = corpus.info.title if corpus is not None else "No corpus"
        if len(title) > 40:
            title = title[:39].rstrip() + "…"
        rows = [f"Opened {title}"] + [e.label for e in stack.entries]
        for i, text in enumerate(rows):
            marks = []
            if i == stack.index:
                marks.append("now")
            if stack.clean_index == i and (i > 0 or stack.entries):
                marks.append("saved")
            shown = f"{i}.  {text}" if i else text
            if marks:
                shown += f"    ◀ {', '.join(marks)}"
            row = QListWidgetItem(shown, self.list)
            row.setData(Qt.ItemDataRole.UserRole, i)
            if i > stack.index:
                row.setForeground(QBrush(QColor(UNDONE_COLOR)))
                row.setToolTip("Undone: click to redo up to here")
            elif i < stack.index:
                row.setToolTip("Click to undo back to here")
            if i == stack.index:
                font = QFont(row.font())
                font.setBold(True)
                row.setFont(font)
        self.list.setCurrentRow(stack.index)
        self.list.blockSignals(False)
        self.list.scrollToItem(self.list.item(stack.index))

    def steps(self) -> list[str]:
        """What the rows say (for tests)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def jump_to(self, target: int) -> None:
        """Undo or redo until ``target`` steps are done."""
        stack = self.state.workspace.stack
        target = max(0, min(target, len(stack.entries)))
        while stack.index > target and stack.can_undo():
            self.state.undo()
        while stack.index < target and stack.can_redo():
            self.state.redo()

    def _on_clicked(self, row: QListWidgetItem) -> None:
        self.jump_to(int(row.data(Qt.ItemDataRole.UserRole)))


def show_history(state: AppState, parent: QWidget | None, current: HistoryPanel | None) -> HistoryPanel:
    """Show the history window (the one already open, if any)."""
    panel = current if current is not None else HistoryPanel(state, parent)
    panel.show()
    return panel
