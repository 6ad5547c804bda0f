"""The editor: every field of the selected item, each with the widget it needs, applied as one undo step.

A change applies when Enter is pressed or focus leaves the field (a choice or a tick applies at once),
as one ``EditItem`` in a group named after what it changes ("Change start of ‘NATO summit’"), so that
Edit ▸ Undo says what it takes back. A date is read as typed (``parse_date_input``: 2019, Dec 2019,
16 September 2019...), shows the precision it keeps, and an impossible date or an end before the start
is refused under the field, with nothing applied. References (themes, actors, voices, a relationship's
ends, an expert's organisation) are picked with completion over the existing items, "New…" at hand
(it asks the window for the new item's form, which adds the new item here in the same undo step).

The panel follows ``selectionChanged`` (another item: the fields are built afresh) and ``corpusEdited``
(the item is read again, so an undo shows the old value). The field widgets (``DateField``,
``RefField``, ``RefListField``...) only hold and check a value and say when it is committed; the
new-item forms (``explorer.qt.window.forms``) use them too. ``DeleteDialog`` and ``MergeDialog`` are
the Delete… and Merge Into… dialogs, for the panel's buttons and the Edit menu.
"""

from __future__ import annotations

import typing
from typing import Any, Callable

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QColorDialog, QComboBox, QCompleter, QDialog,
                               QDialogButtonBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QMenu, QPlainTextEdit, QPushButton, QScrollArea,
                               QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from ...core.commands import DeleteItem, EditItem, MergeItems, RemoveEvidence
from ...core.corpus import MODEL_OF_KIND, EditError
from ...core.index.queries import label_of
from ...core.model.dates import PartialDate, Precision, parse_date_input, typed_form
from ...core.model.types import Position
from ..bridge import AppState
from .base import View
from .style import KIND_COLORS, KIND_LABELS, MUTED_TEXT, ui_font
from .lazy import WhenShown

ERROR_COLOR = "#c0392b"
WARNING_BG = "#fff4e5"
WARNING_BORDER = "#e0a040"
WARNING_TEXT = "#7a4b00"
UNSUPPORTED_TEXT = ("Unsupported: no passage supports this yet — select text in a document and choose "
                    "Add as Evidence")
PRECISION_WORDS = {Precision.YEAR: "year", Precision.MONTH: "month", Precision.DAY: "day"}
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the id of a completion
MATCH_ROLE = Qt.ItemDataRole.UserRole + 2  # the text a completion matches and inserts

#: the names of the kinds as the app says them (Voice for expert, Actor for entity)
KIND_NAMES = {"event": "event", "expert": "voice", "entity": "actor", "relationship": "relationship",
              "theme": "theme", "document": "document", "passage": "passage"}

# (field, label, widget) of each kind, in the order shown; widgets: line, text, date, check, choice,
# ref:KINDS, refs:KINDS, aliases, color, positions, relkind
FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "event": [("title", "Title", "line"), ("start", "Start", "date"), ("end", "End", "date"),
              ("inferred", "Inferred", "check"), ("date_text", "As written", "line"),
              ("summary", "Summary", "text"), ("themes", "Themes", "refs:theme"),
              ("actors", "Actors", "refs:entity,expert"), ("experts", "Voices", "refs:expert"),
              ("conflict", "Sources disagree", "line")],
    "expert": [("name", "Name", "line"), ("native_name", "Native name", "line"), ("voice", "Voice", "choice"),
               ("affiliation", "Affiliation", "line"), ("organisation", "Organisation", "ref:entity"),
               ("role", "Role", "line"), ("bio", "Biography", "text"), ("positions", "Argues", "positions"),
               ("conflict", "Sources disagree", "line")],
    "entity": [("name", "Name", "line"), ("kind", "Kind", "choice"), ("native_name", "Native name", "line"),
               ("aliases", "Also called", "aliases"), ("description", "Description", "text"),
               ("conflict", "Sources disagree", "line")],
    "relationship": [("source", "From", "ref:entity,expert"), ("kind", "Relation", "relkind"),
                     ("target", "To", "ref:entity,expert"), ("summary", "Summary", "text"),
                     ("start", "Start", "date"), ("end", "End", "date"), ("inferred", "Inferred", "check"),
                     ("conflict", "Sources disagree", "line")],
    "theme": [("name", "Name", "line"), ("color", "Colour", "color"), ("description", "Description", "text"),
              ("conflict", "Sources disagree", "line")],
    "document": [("title", "Title", "line"), ("author", "Author", "line"), ("publisher", "Publisher", "line"),
                 ("date", "Date", "date"), ("date_inferred", "Date inferred", "check"),
                 ("date_note", "Date note", "line")],
}
#: how a change names a field in Edit ▸ Undo ("Change start of ‘…’")
FIELD_WORDS = {"date_text": "date as written", "native_name": "native name", "date_inferred": "date inferred",
               "date_note": "date note", "conflict": "disagreement note", "experts": "voices", "bio": "biography",
               "color": "colour", "kind": "kind", "positions": "positions", "aliases": "other names",
               "source": "source", "target": "target"}


def quoted(label: str, limit: int = 60) -> str:
    """‘label’, shortened to ``limit`` characters, for menu texts and messages."""
    text = " ".join(str(label).split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return f"‘{text}’"


def choices(kind: str, name: str) -> list[str]:
    """The values a Literal field of a kind may take (Entity.kind, Expert.voice)."""
    annotation = MODEL_OF_KIND[kind].model_fields[name].annotation
    return [str(a) for a in typing.get_args(annotation)]


def is_optional(kind: str, name: str) -> bool:
    """Whether an empty value of a text or date field means None (the field is left out)."""
    f = MODEL_OF_KIND[kind].model_fields[name]
    return not f.is_required() and f.default is None


def describe_date(iso: str) -> str:
    """'day · 16 September 2019' for the precision hint under a date field."""
    d = PartialDate.parse(iso)
    return f"{PRECISION_WORDS[d.precision].capitalize()} precision: {d.display()}"


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def _hint_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldHint")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED_TEXT};")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


class FlowBox(QWidget):
    """Children left to right, wrapping onto the next line (the chips of a list of references). The box
    places its children itself: a QLayout written in Python keeps Python wrappers of the QWidgetItems that
    Qt deletes on its own, and a wrapper outliving its item answered for a later object at the same address
    (pyqtgraph, walking a new window's widgets, met a "QWidgetItem" among them)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4):
        super().__init__(parent)
        self._children: list[QWidget] = []
        self._spacing = spacing
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def add(self, widget: QWidget) -> None:
        widget.setParent(self)
        self._children.append(widget)
        widget.show()
        self._relayout()

    def clear(self) -> None:
        for widget in self._children:
            widget.hide()
            widget.deleteLater()
        self._children = []
        self._relayout()

    def widgets(self) -> list[QWidget]:
        return list(self._children)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._place(width, move=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.minimumSizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        size = QSize(0, 0)
        for widget in self._children:
            size = size.expandedTo(widget.sizeHint())
        return QSize(size.width(), self._place(max(self.width(), size.width()), move=False))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place(self.width(), move=True)

    def _relayout(self) -> None:
        self.updateGeometry()
        self._place(self.width(), move=True)

    def _place(self, width: int, move: bool) -> int:
        x = y = line = 0
        for widget in self._children:
            hint = widget.sizeHint()
            if x + hint.width() > width and line > 0:
                x, y, line = 0, y + line + self._spacing, 0
            if move:
                widget.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line


# -- the field widgets (a value, its check, and when it is committed) ------------------------------------

def _escape_reverts(widget, event, text: str, shown: str) -> bool:
    """Esc in a field with an edit not yet applied puts the value back (and is not the window's Clear
    Selection); True when the event was that."""
    if event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape and text != shown:
        event.accept()
        return True
    return False


class _RevertingEdit(QLineEdit):
    """A line edit where Esc puts back the value shown (``shown``) while an edit is not yet applied."""

    shown = ""

    def event(self, event) -> bool:
        if _escape_reverts(self, event, self.text(), self.shown):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text() != self.shown:
            self.setText(self.shown)
            self.setCursorPosition(0)
            return
        super().keyPressEvent(event)


class LineField(_RevertingEdit):
    """One line of text; ``committed(text)`` on Enter or when focus leaves it, if the text changed; Esc
    puts the value back."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.shown = ""
        self.editingFinished.connect(self._finish)

    def set_value(self, text: str | None) -> None:
        self.shown = text or ""
        self.setText(self.shown)
        self.setCursorPosition(0)

    def value(self) -> str:
        return self.text().strip()

    def _finish(self) -> None:
        if self.value() != self.shown.strip():
            self.committed.emit(self.value())


class TextField(QPlainTextEdit):
    """A few lines of text (a summary, a biography): Enter commits, Shift+Enter starts a new line, and
    leaving the field commits too."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._shown = ""
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)

    def set_value(self, text: str | None) -> None:
        self._shown = text or ""
        self.setPlainText(self._shown)

    def value(self) -> str:
        return self.toPlainText().strip()

    def event(self, event) -> bool:
        if _escape_reverts(self, event, self.toPlainText(), self._shown):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._finish()
            return
        if event.key() == Qt.Key.Key_Escape and self.toPlainText() != self._shown:
            self.setPlainText(self._shown)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self._finish()

    def _finish(self) -> None:
        if self.value() != self._shown.strip():
            self._shown = self.value()
            self.committed.emit(self.value())


class DateField(QWidget):
    """A date typed as a person writes it, with the precision it will keep shown under it and, in red,
    why it is refused (not a date, an impossible date, or what ``checker`` says: an end before the start).
    ``committed(iso or None)`` only for a valid date that changed."""

    committed = Signal(object)

    def __init__(self, optional: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.optional = optional
        self.checker: Callable[[str | None], str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.edit = _RevertingEdit()
        self.edit.setPlaceholderText("e.g. Dec 2019 (optional)" if optional else "e.g. 2019, Dec 2019, 16 Sep 2019")
        self.edit.setToolTip("A year (2019), a month (2019-12, Dec 2019) or a day (2019-12-02, 16 September 2019, "
                             "September 16, 2019; 500 BCE, March 44 BC, -500): the date keeps the precision written")
        self.hint = _hint_label()
        self.error = _error_label()
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        self._shown: str | None = None
        self.edit.textChanged.connect(self._preview)
        self.edit.editingFinished.connect(self._finish)

    def set_value(self, iso: str | None) -> None:
        self._shown = iso
        self.edit.shown = typed_form(iso)  # a BCE date in words: '15 March 44 BCE'
        self.edit.setText(self.edit.shown)
        self.error.hide()
        self._preview(self.edit.text())

    def parsed(self) -> str | None:
        """The ISO partial date typed (None when empty and optional), without ``checker``; ValueError."""
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            raise ValueError("a date is needed here")
        return parse_date_input(text)[0]

    def value(self) -> str | None:
        """The ISO partial date typed (None when empty and optional); ValueError saying why not."""
        iso = self.parsed()
        if self.checker is not None:
            problem = self.checker(iso)
            if problem:
                raise ValueError(problem)
        return iso

    def check(self) -> bool:
        """Show why the date is refused (or nothing); whether it is valid."""
        try:
            self.value()
        except ValueError as exc:
            self.show_error(str(exc))
            self.hint.hide()
            return False
        self.error.hide()
        return True

    def show_error(self, message: str) -> None:
        self.error.setText(message[0].upper() + message[1:] if message else "")
        self.error.setVisible(bool(message))

    def _preview(self, text: str) -> None:
        text = text.strip()
        try:
            iso, _ = parse_date_input(text) if text else (None, None)
        except ValueError:
            self.hint.hide()
            return
        if iso is None:
            self.hint.setVisible(False)
        else:
            self.hint.setText(describe_date(iso))
            self.hint.show()
        if self.error.isVisible() and iso is not None:
            self.check()

    def _finish(self) -> None:
        if not self.check():
            return
        iso = self.value()
        if iso != self._shown:
            self.committed.emit(iso)


class _CompletingEdit(QLineEdit):
    """A line edit that completes over items of some kinds: shows each as 'label · kind', matches on its
    label anywhere in it, ignoring case."""

    picked = Signal(str)  # an item id chosen from the completions

    def __init__(self, state: AppState, kinds: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.kinds = kinds
        self.model = QStandardItemModel(self)
        completer = QCompleter(self.model, self)
        completer.setCompletionRole(MATCH_ROLE)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self._on_activated_text)
        self.setCompleter(completer)
        self._last_pick: tuple[str, str] | None = None  # (text, id) of the completion last chosen
        self._stale = True  # the completions are made when first needed (a panel shows several boxes)

    def refill(self) -> None:
        """The items changed: the completions are made again when next needed."""
        self._stale = True

    def _fill(self) -> None:
        if not self._stale:
            return
        self._stale = False
        self.model.clear()
        corpus = self.state.corpus
        if corpus is None:
            return
        for kind in self.kinds:
            for item in corpus.items_of(kind):
                row = QStandardItem(f"{item.label}  ·  {KIND_LABELS.get(kind, kind).lower()}")
                row.setData(item.label, MATCH_ROLE)
                row.setData(item.id, ITEM_ROLE)
                row.setEditable(False)
                self.model.appendRow(row)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter with a name typed picks it (in a dialog, it does not also press the default button)."""
        self._fill()
        typed = bool(self.text().strip())
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and typed:
            event.accept()

    def focusInEvent(self, event) -> None:
        self._fill()
        super().focusInEvent(event)

    def inputMethodEvent(self, event) -> None:
        self._fill()
        super().inputMethodEvent(event)

    def _on_activated_text(self, text: str) -> None:
        popup_index = self.completer().popup().currentIndex()
        item_id = popup_index.data(ITEM_ROLE) if popup_index.isValid() else None
        if item_id is None:  # by its text: the first item with that label
            item_id = self.resolve(text)
        if item_id:
            self._last_pick = (text, item_id)
            self.picked.emit(item_id)

    def resolve(self, text: str) -> str | None:
        """The id the text names: the completion just chosen, an item of these kinds with exactly that
        label (ignoring case), or an id; None when there is none."""
        text = text.strip()
        if not text:
            return None
        self._fill()
        if self._last_pick and self._last_pick[0] == text:
            return self._last_pick[1]
        index = self.state.index
        if index is not None and text in index.items and index.kind_of(text) in self.kinds:
            return text
        folded = text.casefold()
        for row in range(self.model.rowCount()):
            it = self.model.item(row)
            if str(it.data(MATCH_ROLE)).casefold() == folded:
                return it.data(ITEM_ROLE)
        return None



def _kinds_words(kinds: tuple[str, ...]) -> str:
    return " or ".join(KIND_NAMES[k] for k in kinds)


class _NewButton(QToolButton):
    """"New…": a new item of the kind (a menu when there are several kinds) named as typed."""

    requested = Signal(str)  # the kind

    def __init__(self, kinds: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setText("New…")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setToolTip("Create a new " + _kinds_words(kinds) + " with the name typed here")
        if len(kinds) == 1:
            self.clicked.connect(lambda: self.requested.emit(kinds[0]))
        else:
            menu = QMenu(self)
            for kind in kinds:
                menu.addAction(f"New {KIND_NAMES[kind].capitalize()}…",
                               lambda k=kind: self.requested.emit(k))
            self.setMenu(menu)
            self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)


def _picker_row(field, state, kinds, placeholder: str, creatable: bool) -> QHBoxLayout:
    """The box that picks an item by completion and the New… button beside it (sets ``field.edit`` and
    ``field.new_button``; New… emits ``field.createRequested(kind, typed text)``)."""
    row = QHBoxLayout()
    row.setSpacing(4)
    field.edit = _CompletingEdit(state, kinds)
    field.edit.setPlaceholderText(placeholder)
    row.addWidget(field.edit, 1)
    field.new_button = _NewButton(kinds)
    field.new_button.requested.connect(lambda kind: field.createRequested.emit(kind, field.edit.text().strip()))
    if not creatable:  # (never setVisible(True) on a widget without a parent: it would be a window)
        field.new_button.hide()
    row.addWidget(field.new_button)
    return row


class RefField(QWidget):
    """One reference (a relationship's end, an expert's organisation), picked with completion; an
    optional one may be emptied. ``committed(id or None)``; ``createRequested(kind, typed name)``."""

    committed = Signal(object)
    createRequested = Signal(str, str)

    def __init__(self, state: AppState, kinds: tuple[str, ...], optional: bool = False, creatable: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.kinds = kinds
        self.optional = optional
        self._id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(_picker_row(self, state, kinds, f"Type to find {'an' if kinds[0] == 'entity' else 'a'} "
                                     f"{_kinds_words(kinds)}" + (" (optional)" if optional else ""), creatable))
        self.error = _error_label()
        layout.addWidget(self.error)
        self.edit.picked.connect(lambda _id: self._finish())
        self.edit.returnPressed.connect(self._finish)
        self.edit.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.edit and event.type() == QEvent.Type.FocusOut and not self.edit.completer().popup().isVisible():
            self._finish()
        return False

    def set_value(self, item_id: str | None) -> None:
        self._id = item_id
        index = self.state.index
        self.edit.setText(label_of(index, item_id) if item_id and index is not None else "")
        self.edit.setCursorPosition(0)
        self.error.hide()

    def value(self) -> str | None:
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            raise ValueError(f"choose {'an' if self.kinds[0] == 'entity' else 'a'} {_kinds_words(self.kinds)}")
        if self._id is not None and text == label_of(self.state.index, self._id):
            return self._id
        item_id = self.edit.resolve(text)
        if item_id is None:
            raise ValueError(f"there is no {_kinds_words(self.kinds)} called {quoted(text)}: pick one from the "
                             f"list, or create it with New…")
        return item_id

    def check(self) -> bool:
        try:
            self.value()
        except ValueError as exc:
            self.error.setText(str(exc)[0].upper() + str(exc)[1:])
            self.error.show()
            return False
        self.error.hide()
        return True

    def _finish(self) -> None:
        if not self.check():
            return
        item_id = self.value()
        if item_id != self._id:
            self._id = item_id
            self.committed.emit(item_id)


class _Chip(QFrame):
    """An item in a list of references: its label (a click selects it) and × to take it out."""

    removeClicked = Signal(str)
    openClicked = Signal(str)

    def __init__(self, item_id: str, label: str, kind: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.item_id = item_id
        self.setObjectName("chip")
        color = QColor(KIND_COLORS.get(kind or "", "#cccccc"))
        color.setAlpha(70)
        self.setStyleSheet(f"QFrame#chip {{ background: rgba({color.red()},{color.green()},{color.blue()},70); "
                           f"border-radius: 9px; }}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        self.label = QPushButton(label if len(label) <= 40 else label[:39] + "…")
        self.label.setFlat(True)
        self.label.setToolTip(f"{label} — click to select it")
        self.label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label.setStyleSheet("QPushButton { border: none; padding: 0; text-align: left; }")
        self.label.clicked.connect(lambda: self.openClicked.emit(self.item_id))
        self.remove = QToolButton()
        self.remove.setText("×")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip(f"Remove {label}")
        self.remove.clicked.connect(lambda: self.removeClicked.emit(self.item_id))
        layout.addWidget(self.label)
        layout.addWidget(self.remove)


class RefListField(QWidget):
    """A list of references (themes, actors, voices): chips with ×, and a box that adds one by
    completion; "New…" for one that does not exist yet. ``committed(list of ids)``."""

    committed = Signal(object)
    createRequested = Signal(str, str)
    openRequested = Signal(str)

    def __init__(self, state: AppState, kinds: tuple[str, ...], creatable: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.kinds = kinds
        self._ids: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.chips_box = FlowBox()
        layout.addWidget(self.chips_box)
        layout.addLayout(_picker_row(self, state, kinds,
                                     f"Add {'an' if kinds[0] == 'entity' else 'a'} {_kinds_words(kinds)}…", creatable))
        self.error = _error_label()
        layout.addWidget(self.error)
        self.edit.picked.connect(self._add)
        self.edit.returnPressed.connect(self._add_typed)

    def set_value(self, ids: list[str]) -> None:
        self._ids = list(ids)
        self.chips_box.clear()
        index = self.state.index
        for item_id in self._ids:
            chip = _Chip(item_id, label_of(index, item_id), index.kind_of(item_id) if index else None)
            chip.removeClicked.connect(self._remove)
            chip.openClicked.connect(self.openRequested.emit)
            self.chips_box.add(chip)
        self.chips_box.setVisible(bool(self._ids))

    def value(self) -> list[str]:
        return list(self._ids)

    def labels(self) -> list[str]:
        """What the chips show (for tests)."""
        return [chip.label.text() for chip in self.chips_box.widgets()]

    def _add_typed(self) -> None:
        text = self.edit.text().strip()
        if not text:
            return
        item_id = self.edit.resolve(text)
        if item_id is None:
            self.error.setText(f"There is no {_kinds_words(self.kinds)} called {quoted(text)}: pick one from the "
                               f"list, or create it with New…")
            self.error.show()
            return
        self._add(item_id)

    def _add(self, item_id: str) -> None:
        self.error.hide()
        self.edit.clear()
        if item_id in self._ids:
            return
        new = [*self._ids, item_id]
        self.set_value(new)
        self.committed.emit(new)

    def _remove(self, item_id: str) -> None:
        new = [i for i in self._ids if i != item_id]
        self.set_value(new)
        self.committed.emit(new)


class ChoiceField(QComboBox):
    """One of a fixed list (a voice's kind, an actor's kind); a choice commits at once."""

    committed = Signal(object)

    def __init__(self, values: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        for v in values:
            self.addItem(v.capitalize(), v)
        self.activated.connect(lambda _i: self.committed.emit(self.value()))

    def set_value(self, value: str) -> None:
        i = self.findData(value)
        self.setCurrentIndex(max(i, 0))

    def value(self) -> str:
        return self.currentData()


class CheckField(QCheckBox):
    committed = Signal(object)

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.clicked.connect(lambda checked: self.committed.emit(bool(checked)))

    def set_value(self, value: bool) -> None:
        self.setChecked(bool(value))

    def value(self) -> bool:
        return self.isChecked()


class ColorField(QWidget):
    """A colour as #rrggbb, typed or picked; empty for none."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        row = QHBoxLayout()
        self.swatch = QToolButton()
        self.swatch.setToolTip("Choose a colour")
        self.swatch.setFixedSize(28, 22)
        self.swatch.clicked.connect(self._pick)
        self.edit = LineField()
        self.edit.setPlaceholderText("#4fa36b (optional)")
        row.addWidget(self.swatch)
        row.addWidget(self.edit, 1)
        layout.addLayout(row)
        self.error = _error_label()
        layout.addWidget(self.error)
        self.edit.committed.connect(self._typed)

    def set_value(self, color: str | None) -> None:
        self.edit.set_value(color or "")
        self._paint(color)
        self.error.hide()

    def _paint(self, color: str | None) -> None:
        self.swatch.setStyleSheet(f"QToolButton {{ background: {color}; border: 1px solid #888; }}" if color else
                                  "QToolButton { border: 1px dashed #888; }")

    def value(self) -> str | None:
        text = self.edit.value()
        if not text:
            return None
        if not (len(text) == 7 and text[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in text[1:])):
            raise ValueError(f"{quoted(text)} is not a colour: write #rrggbb, e.g. #4fa36b")
        return text.lower()

    def _typed(self, _text) -> None:
        try:
            color = self.value()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self._paint(color)
        self.committed.emit(color)

    def _pick(self) -> None:
        current = QColor(self.edit.value() or "#4e79a7")
        chosen = QColorDialog.getColor(current, self, "Theme colour")
        if chosen.isValid():
            self.edit.setText(chosen.name())
            self._typed(chosen.name())


class AliasesField(LineField):
    """Other names, separated by semicolons."""

    def set_value(self, aliases) -> None:  # type: ignore[override]
        super().set_value("; ".join(aliases or []))
        self.setPlaceholderText("Other names, separated by ;")

    def value(self) -> list[str]:  # type: ignore[override]
        return [a.strip() for a in self.text().split(";") if a.strip()]

    def _finish(self) -> None:
        if self.value() != [a.strip() for a in self.shown.split(";") if a.strip()]:
            self.committed.emit(self.value())


class RelationKindField(LineField):
    """A relationship's verb phrase, with completion over the phrases the corpus already uses."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        kinds = sorted({r.kind for r in state.corpus.relationships}) if state.corpus is not None else []
        completer = QCompleter(QStringListModel(kinds, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        self.setPlaceholderText("a short verb phrase: partners with, opposes, leads")


# -- the panel ----------------------------------------------------------------------------------------------

class EditorView(View):
    """Edits the selected item: see the module's doc."""

    title = "Editor"
    view_name = "editor"

    HINT = "Select an item to edit it here; Edit ▸ New… creates one."

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.item_id: str | None = None
        self.fields: dict[str, QWidget] = {}
        self.last_error = ""
        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll)
        self.body: QWidget | None = None
        # behind the Inspector tab, a selection rebuilds the fields only once the editor is shown
        self._when_shown = WhenShown(self, self._rebuild)
        self.listen(state.corpusChanged, self._rebuild_when_shown)
        self.listen(state.selectionChanged, self._rebuild_when_shown)
        self.listen(state.corpusEdited, self._on_edited)
        self._rebuild()

    def _rebuild_when_shown(self, *_args) -> None:
        self._when_shown.request()

    # -- building -----------------------------------------------------------------------------------
    def item(self):
        return self.state.item(self.item_id) if self.item_id else None

    _rebuilding = False

    def focus_first(self) -> None:
        """The cursor in the first field (Edit Selected Item, F2), its text selected."""
        for field in self.fields.values():
            edit = getattr(field, "edit", field)
            if edit.isVisible() and edit.focusPolicy() != Qt.FocusPolicy.NoFocus:
                edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
                if hasattr(edit, "selectAll"):
                    edit.selectAll()
                return

    def commit_pending(self) -> None:
        """Apply what is typed in the field that has focus, not yet entered (before a save, say); the
        field keeps the focus."""
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        if focus is not None and self.body is not None and self.body.isAncestorOf(focus):
            focus.clearFocus()
            if focus.isVisible():
                focus.setFocus()

    def _rebuild(self, *_args) -> None:
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        if focus is not None and self.body is not None and self.body.isAncestorOf(focus):
            self._rebuilding = True  # what was typed there applies, to the item it was typed for
            try:
                focus.clearFocus()
            finally:
                self._rebuilding = False
        self.item_id = self.state.selection
        self.fields = {}
        body = QWidget()
        body.setObjectName("editorBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        self.body = body
        self.header = QLabel()
        self.header.setObjectName("editorHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.banner = QLabel(UNSUPPORTED_TEXT)
        self.banner.setObjectName("unsupportedBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"QLabel#unsupportedBanner {{ background: {WARNING_BG}; color: {WARNING_TEXT}; "
                                  f"border: 1px solid {WARNING_BORDER}; border-radius: 4px; padding: 6px; "
                                  f"font-weight: bold; }}")
        self.banner.hide()
        layout.addWidget(self.banner)
        self.message = _error_label()  # a refusal of the core, in words
        layout.addWidget(self.message)
        item = self.item()
        if item is None:
            hint = QLabel(self.HINT if self.state.corpus is not None else "No corpus loaded.")
            hint.setWordWrap(True)
            hint.setStyleSheet(f"color: {MUTED_TEXT};")
            layout.addWidget(hint)
            layout.addStretch(1)
            self.header.hide()
            self.scroll.setWidget(body)
            return
        kind = item.item_kind
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        for name, label, widget in FIELDS.get(kind, []):
            field = self._make_field(kind, name, label, widget)
            field.setObjectName(f"field-{name}")
            self.fields[name] = field
            field.committed.connect(lambda value, n=name, i=item.id: self._commit(n, value, i))
            if hasattr(field, "createRequested"):
                field.createRequested.connect(lambda k, text, n=name: self._create_for(n, k, text))
            if hasattr(field, "openRequested"):
                field.openRequested.connect(self.state.select)
            form.addRow("" if widget == "check" else label, field)
        if kind == "passage":
            self._passage_rows(form, item)
        layout.addLayout(form)
        if kind in ("event", "relationship"):
            self.fields["start"].checker = lambda iso: self._check_dates(start=iso)
            self.fields["end"].checker = lambda iso: self._check_dates(end=iso)
        if kind not in ("document", "passage"):
            layout.addWidget(self._section("EVIDENCE"))
            self.evidence_box = QVBoxLayout()
            self.evidence_box.setSpacing(4)
            layout.addLayout(self.evidence_box)
        buttons = QHBoxLayout()
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.clicked.connect(self.delete_item)
        buttons.addWidget(self.delete_button)
        self.merge_button = QPushButton("Merge Into…")
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setToolTip("This item duplicates another: merge it into that one")
        self.merge_button.clicked.connect(self.merge_item)
        if kind in ("document", "passage"):
            self.merge_button.hide()
        buttons.addWidget(self.merge_button)
        buttons.addStretch(1)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._load()
        self.scroll.setWidget(body)

    def _section(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet(f"color: {MUTED_TEXT}; font-size: 8pt; font-weight: bold; margin-top: 8px;")
        return label

    def _make_field(self, kind: str, name: str, label: str, widget: str) -> QWidget:
        if widget == "line":
            field = LineField()
            if name == "title" or name == "name":
                field.setPlaceholderText("required")
            return field
        if widget == "text":
            return TextField()
        if widget == "date":
            return DateField(optional=is_optional(kind, name))
        if widget == "check":
            return CheckField({"inferred": "The date is inferred, not stated",
                               "date_inferred": "The date is inferred, not stated"}.get(name, label))
        if widget == "choice":
            return ChoiceField(choices(kind, name))
        if widget.startswith("refs:"):
            return RefListField(self.state, tuple(widget[5:].split(",")))
        if widget.startswith("ref:"):
            return RefField(self.state, tuple(widget[4:].split(",")), optional=is_optional(kind, name))
        if widget == "aliases":
            return AliasesField()
        if widget == "color":
            return ColorField()
        if widget == "relkind":
            return RelationKindField(self.state)
        if widget == "positions":
            return PositionsField()
        raise ValueError(widget)

    def _passage_rows(self, form: QFormLayout, passage) -> None:
        quote = QLabel(f"“{passage.quote}”")
        quote.setWordWrap(True)
        quote.setTextFormat(Qt.TextFormat.PlainText)
        quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Quote", quote)
        doc = QLabel(f"{label_of(self.state.index, passage.document)}, characters {passage.start:,}–{passage.end:,}")
        doc.setWordWrap(True)
        doc.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Document", doc)
        self.evidence_for = QVBoxLayout()
        holders = [i for i in self.state.corpus.referrers(passage.id)
                   if self.state.index.kind_of(i) not in ("document", "passage")]
        for holder in holders:
            row = QHBoxLayout()
            link = QPushButton(f"{KIND_NAMES[self.state.index.kind_of(holder)].capitalize()}: "
                               f"{label_of(self.state.index, holder)}")
            link.setFlat(True)
            link.setStyleSheet("QPushButton { text-align: left; }")
            link.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never wider than the panel
            link.setToolTip(link.text())
            link.clicked.connect(lambda _=False, h=holder: self.state.select(h))
            row.addWidget(link, 1)
            remove = QPushButton("Remove")
            remove.setToolTip("This passage is no longer evidence for it")
            remove.clicked.connect(lambda _=False, h=holder: self._remove_evidence(h, passage.id))
            row.addWidget(remove)
            self.evidence_for.addLayout(row)
        if not holders:
            none = QLabel("Not evidence for anything yet.")
            none.setStyleSheet(f"color: {MUTED_TEXT};")
            self.evidence_for.addWidget(none)
        form.addRow("Evidence for", self.evidence_for)

    # -- reading the item -----------------------------------------------------------------------------
    def _load(self) -> None:
        """Show the item's current values (after an edit, an undo, a redo)."""
        item = self.item()
        if item is None:
            return
        kind = item.item_kind
        swatch = KIND_COLORS.get(kind, "#cccccc")
        title = quoted(item.quote, 90) if kind == "passage" else item.label
        self.header.setText(f'<span style="color:{swatch};">■</span> <b>{_esc(KIND_NAMES[kind].upper())}</b>'
                            f'&nbsp;&nbsp;<span style="font-size:13pt; font-weight:bold;">{_esc(title)}</span>'
                            f'<br><span style="color:{MUTED_TEXT};">{_esc(item.id)}</span>')
        self.header.show()
        for name, field in self.fields.items():
            value = getattr(item, name)
            if isinstance(field, DateField):
                field.set_value(str(value) if value is not None else None)
            else:
                field.set_value(value)
        self.banner.setVisible(self.state.corpus.is_unsupported(item.id))
        if kind not in ("document", "passage"):
            self._load_evidence(item)

    def _load_evidence(self, item) -> None:
        box = self.evidence_box
        while box.count():
            child = box.takeAt(0)
            if child.widget() is not None:
                child.widget().deleteLater()
            elif child.layout() is not None:
                _clear(child.layout())
        index = self.state.index
        for pid in item.passages:
            p = index.items.get(pid)
            if p is None:
                continue
            row = QWidget()
            row.setObjectName(f"evidence-{pid}")
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            quote = " ".join(p.quote.split())
            text = QLabel(f'<a href="reveal" style="color:#1f5fa8; text-decoration:none;">'
                          f'“{_esc(quote if len(quote) <= 160 else quote[:159] + "…")}”</a><br>'
                          f'<span style="color:{MUTED_TEXT}; font-size:8.5pt;">{_esc(label_of(index, p.document))}'
                          f'</span>')
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            text.setToolTip("Show it in its document")
            text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            text.linkActivated.connect(lambda _href, p=p: self.state.reveal(p.document, p.start, p.end))
            h.addWidget(text, 1)
            remove = QPushButton("Remove")
            remove.setObjectName("removeEvidence")
            remove.setToolTip("This passage is no longer evidence for it (the passage stays in its document)")
            remove.clicked.connect(lambda _=False, pid=pid: self._remove_evidence(item.id, pid))
            h.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
            box.addWidget(row)
        if not item.passages:
            none = QLabel("No passage yet.")
            none.setStyleSheet(f"color: {MUTED_TEXT};")
            box.addWidget(none)
        hint = QLabel("To add evidence, select text in a document and choose Add as Evidence.")
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED_TEXT}; font-size: 8.5pt;")
        box.addWidget(hint)

    def _on_edited(self, change) -> None:
        if self._when_shown.pending:  # a rebuild is due when the editor is shown: it reads the item afresh
            return
        if self.item_id is None or self._rebuilding:
            return
        if self.item_id in change.removed or self.item() is None:
            self._rebuild()
            return
        mine = self.item_id in change.changed or self.item_id in change.added
        shown = set(getattr(self.item(), "passages", ()) or ())
        for name in ("themes", "actors", "experts"):
            shown.update(getattr(self.item(), name, ()) or ())
        for name in ("source", "target", "organisation"):
            if getattr(self.item(), name, None):
                shown.add(getattr(self.item(), name))
        if change.added or change.removed:  # the completions change
            for field in self.fields.values():
                edit = getattr(field, "edit", None)
                if isinstance(edit, _CompletingEdit):
                    edit.refill()
        if self.item().item_kind == "passage" and (change.changed or change.added or change.removed):
            self._rebuild()  # what it is evidence for may have changed
            return
        if mine or shown & (change.changed.keys() | change.added.keys()):
            self._load()

    # -- writing --------------------------------------------------------------------------------------
    def _check_dates(self, start: str | None = "", end: str | None = "") -> str:
        """Why a start or end is refused against the other date ("" when it is fine)."""
        item = self.item()
        if item is None:
            return ""
        s = PartialDate.parse(start) if start else (item.start if start == "" else None)
        e = PartialDate.parse(end) if end else (item.end if end == "" else None)
        if s is not None and e is not None and e.end_seconds <= s.start_seconds:
            return f"the end ({e.display()}) is before the start ({s.display()})"
        return ""

    def _label(self, name: str, item=None) -> str:
        item = item or self.item()
        word = FIELD_WORDS.get(name, name.replace("_", " "))
        return f"Change {word} of {quoted(item.label)}"

    def _commit(self, name: str, value: Any, item_id: str | None = None) -> None:
        item = self.state.item(item_id or self.item_id)
        if item is None:
            return
        if name in ("title", "name", "kind") and isinstance(value, str) and not value and \
                MODEL_OF_KIND[item.item_kind].model_fields[name].is_required():
            self._refuse(f"{KIND_NAMES[item.item_kind].capitalize()} needs a {name}: it cannot be empty")
            if item.id == self.item_id and name in self.fields:
                self.fields[name].set_value(getattr(item, name))
            return
        if isinstance(value, str) and not value and is_optional(item.item_kind, name):
            value = None
        self.apply(self._label(name, item), EditItem(item.id, **{name: value}))

    def apply(self, label: str, *commands) -> bool:
        """Apply commands as one undo step named ``label``; a refusal is shown, nothing changes."""
        self.message.hide()
        try:
            with self.state.group(label):
                for command in commands:
                    self.state.do(command)
        except EditError as exc:
            self._refuse(str(exc))
            self._load()
            return False
        return True

    def _refuse(self, message: str) -> None:
        self.last_error = message
        self.message.setText(message[0].upper() + message[1:])
        self.message.show()

    def _remove_evidence(self, item_id: str, passage_id: str) -> None:
        label = label_of(self.state.index, item_id)
        self.apply(f"Remove evidence from {quoted(label)}", RemoveEvidence(item_id, passage_id))

    def _create_for(self, name: str, kind: str, text: str) -> None:
        """"New…" beside a reference field: the window opens the new item's form, which also puts the new
        item in this field (one undo step)."""
        fields: dict[str, Any] = {"add_to": {"item": self.item_id, "field": name}}
        if text:
            fields["name"] = text
        self.state.request_item_form(kind, **fields)

    def delete_item(self) -> None:
        item = self.item()
        if item is not None:
            DeleteDialog.run(self.state, item.id, self.window())

    def merge_item(self) -> None:
        item = self.item()
        if item is not None and item.item_kind not in ("document", "passage"):
            MergeDialog.run(self.state, item.id, self.window())

    # -- for tests ----------------------------------------------------------------------------------------
    def field(self, name: str) -> QWidget:
        self._when_shown.flush()
        return self.fields[name]

    def evidence_quotes(self) -> list[str]:
        self._when_shown.flush()
        out = []
        for i in range(self.evidence_box.count()):
            w = self.evidence_box.itemAt(i).widget()
            if w is not None and w.objectName().startswith("evidence-"):
                out.append(w.objectName()[len("evidence-"):])
        return out


def _esc(text: object) -> str:
    from .style import esc

    return esc(text)


def _clear(layout) -> None:
    while layout.count():
        child = layout.takeAt(0)
        if child.widget() is not None:
            child.widget().deleteLater()
        elif child.layout() is not None:
            _clear(child.layout())


class PositionsField(QWidget):
    """What a voice argues: one line per position (Enter or leaving applies), × removes one, and a last
    box adds one. ``committed(list of Position)``; the evidence of each position is kept."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._positions: list[Position] = []
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(3)

    def set_value(self, positions) -> None:
        self._positions = list(positions or [])
        _clear(self.box)
        for i, pos in enumerate(self._positions):
            row = QHBoxLayout()
            edit = LineField()
            edit.set_value(pos.text)
            edit.setToolTip(f"{len(pos.passages)} passage(s) say so" if pos.passages else "")
            edit.committed.connect(lambda text, i=i: self._edit(i, text))
            row.addWidget(edit, 1)
            remove = QToolButton()
            remove.setText("×")
            remove.setAutoRaise(True)
            remove.setToolTip("Remove this position")
            remove.clicked.connect(lambda _=False, i=i: self._remove(i))
            row.addWidget(remove)
            self.box.addLayout(row)
        self.adder = LineField()
        self.adder.setPlaceholderText("Add something this voice argues…")
        self.adder.committed.connect(self._add)
        self.box.addWidget(self.adder)

    def value(self) -> list[Position]:
        return list(self._positions)

    def _edit(self, i: int, text: str) -> None:
        if not text:
            self._remove(i)
            return
        new = list(self._positions)
        new[i] = new[i].model_copy(update={"text": text})
        self.committed.emit(new)

    def _remove(self, i: int) -> None:
        self.committed.emit([p for j, p in enumerate(self._positions) if j != i])

    def _add(self, text: str) -> None:
        if text:
            self.committed.emit([*self._positions, Position(text=text)])


# -- Delete… and Merge Into… --------------------------------------------------------------------------------

class DeleteDialog(QDialog):
    """Delete an item: what refers to it is listed, and the choice the core offers: delete it and those
    references in the same step (relationships that would lose an end, passages of a deleted document,
    go with it), or keep it."""

    def __init__(self, state: AppState, item_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.item_id = item_id
        item = state.item(item_id)
        kind = item.item_kind
        self.referrers = state.corpus.referrers(item_id)
        self.setWindowTitle(f"Delete {KIND_NAMES[kind]}")
        layout = QVBoxLayout(self)
        head = QLabel(f"Delete the {KIND_NAMES[kind]} {quoted(item.label, 80)}?")
        head.setWordWrap(True)
        head.setFont(ui_font(11, bold=True))
        layout.addWidget(head)
        self.refs_list = QListWidget()
        self.refs_list.setObjectName("referrers")
        if self.referrers:
            n = len(self.referrers)
            text = QLabel(f"{n} item{'s' if n != 1 else ''} refer{'s' if n == 1 else ''} to it. Deleting it also "
                          f"removes {'these references' if n != 1 else 'this reference'}; a relationship that "
                          f"would lose an end{' and the passages of the document' if kind == 'document' else ''} "
                          f"are deleted with it. One Undo puts everything back.")
            text.setWordWrap(True)
            layout.addWidget(text)
            for rid in self.referrers[:500]:
                rkind = state.index.kind_of(rid)
                QListWidgetItem(f"{KIND_NAMES.get(rkind, rkind).capitalize()}: {label_of(state.index, rid)}",
                                self.refs_list)
            if n > 500:
                QListWidgetItem(f"and {n - 500} more", self.refs_list)
            layout.addWidget(self.refs_list)
        else:
            text = QLabel("Nothing refers to it. One Undo puts it back.")
            text.setWordWrap(True)
            layout.addWidget(text)
            self.refs_list.hide()
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = buttons.addButton("Delete and Remove References" if self.referrers else "Delete",
                                               QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.clicked.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 360 if self.referrers else 160)

    def confirm(self) -> None:
        item = self.state.item(self.item_id)
        try:
            with self.state.group(f"Delete {quoted(item.label)}"):
                self.state.do(DeleteItem(self.item_id, cascade=bool(self.referrers)))
        except EditError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()

    @classmethod
    def run(cls, state: AppState, item_id: str, parent: QWidget | None = None) -> "DeleteDialog":
        dialog = cls(state, item_id, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


class MergeDialog(QDialog):
    """Merge Into…: the selected item duplicates another of its kind; pick that one (the survivor). It keeps
    its fields and gains the duplicate's evidence and lists; every reference is rewritten to it."""

    def __init__(self, state: AppState, item_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.item_id = item_id
        item = state.item(item_id)
        self.kind = item.item_kind
        self.setWindowTitle(f"Merge {KIND_NAMES[self.kind]} into another")
        layout = QVBoxLayout(self)
        head = QLabel(f"Merge {quoted(item.label, 80)} into which {KIND_NAMES[self.kind]}?")
        head.setWordWrap(True)
        head.setFont(ui_font(11, bold=True))
        layout.addWidget(head)
        note = QLabel(f"The {KIND_NAMES[self.kind]} you pick keeps its fields and gains the evidence and "
                      f"links of {quoted(item.label)}; everything that refers to {quoted(item.label)} then "
                      f"refers to it, and {quoted(item.label)} is deleted. One Undo takes the merge back.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name…")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setObjectName("mergeCandidates")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        label = item.label.casefold()
        others = [o for o in state.corpus.items_of(self.kind) if o.id != item_id]
        # likely duplicates first: the same label, then labels sharing a word
        words = set(label.split())
        others.sort(key=lambda o: (o.label.casefold() != label, not (words & set(o.label.casefold().split())),
                                   o.label.casefold()))
        for other in others:
            row = QListWidgetItem(f"{other.label}    ({other.id})", self.list)
            row.setData(Qt.ItemDataRole.UserRole, other.id)
        if self.list.count():
            self.list.setCurrentRow(0)
        layout.addWidget(self.list, 1)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(self.list.count() > 0)
        self.merge_button.clicked.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)
        self.list.itemDoubleClicked.connect(lambda _row: self.confirm())
        self.resize(520, 440)

    def _filter(self, text: str) -> None:
        folded = text.strip().casefold()
        first = None
        for i in range(self.list.count()):
            row = self.list.item(i)
            hidden = bool(folded) and folded not in row.text().casefold()
            row.setHidden(hidden)
            if not hidden and first is None:
                first = row
        if first is not None:
            self.list.setCurrentItem(first)
        self.merge_button.setEnabled(first is not None)

    def choose(self, survivor_id: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == survivor_id:
                self.list.setCurrentRow(i)
                return
        raise KeyError(survivor_id)

    def confirm(self) -> None:
        row = self.list.currentItem()
        if row is None or row.isHidden():
            return
        survivor = row.data(Qt.ItemDataRole.UserRole)
        item = self.state.item(self.item_id)
        try:
            with self.state.group(f"Merge {quoted(item.label)} into {quoted(self.state.item(survivor).label)}"):
                self.state.do(MergeItems(survivor, self.item_id))
        except EditError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.state.select(survivor)
        self.accept()

    @classmethod
    def run(cls, state: AppState, item_id: str, parent: QWidget | None = None) -> "MergeDialog":
        dialog = cls(state, item_id, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


__all__ = ["EditorView", "DateField", "RefField", "RefListField", "LineField", "TextField", "ChoiceField",
           "CheckField", "ColorField", "DeleteDialog", "MergeDialog", "UNSUPPORTED_TEXT", "quoted", "KIND_NAMES"]
