"""The filter bar: a "Filter ▾" menu (themes, actor kinds, experts, date range), the active filters as
removable chips, and "Clear filters". Everything goes through ``state.update_filters`` /
``clear_filters``; the bar redraws from ``state.filters`` on ``filtersChanged``. Every view reads
``state.is_visible`` itself: the bar only edits the filters."""

from __future__ import annotations


from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.model import PartialDate, daycount
from ...core.model.dates import parse_date_input, typed_form
from ..bridge import AppState
from .style import KIND_COLORS, MUTED_TEXT, SELECTION_COLOR, TEXT_COLOR

ENTITY_KIND_LABELS = {"country": "Country", "person": "Person", "organisation": "Organisation",
                      "project": "Project", "agreement": "Agreement", "place": "Place", "event": "Event",
                      "group": "Group"}
CHIP_MAX_CHARS = 32


def _menu_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" would be a mnemonic in a menu


def _elide(text: str, n: int = CHIP_MAX_CHARS) -> str:
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def _pd_from_seconds(seconds: float, end: bool) -> str:
    """The shortest YYYY / YYYY-MM / YYYY-MM-DD that gives these seconds as its start (or end)."""
    y, m, d = daycount.from_seconds(seconds - (86400 if end else 0))  # any year, BCE too (-0500)
    year = daycount.iso_year(y)
    if end:
        if m == 12 and d == 31:
            return year
        if d == daycount.month_days(y, m):
            return f"{year}-{m:02d}"
    else:
        if m == 1 and d == 1:
            return year
        if d == 1:
            return f"{year}-{m:02d}"
    return f"{year}-{m:02d}-{d:02d}"


class _StayOpenMenu(QMenu):
    """A menu whose checkable entries toggle without closing it, so several can be ticked in a row."""

    def mouseReleaseEvent(self, ev) -> None:
        action = self.actionAt(ev.position().toPoint())
        if action is not None and action.isCheckable() and action.isEnabled() and action.menu() is None:
            action.trigger()
            ev.accept()
            return
        super().mouseReleaseEvent(ev)


class DateRangeDialog(QDialog):
    """Two dates, each YYYY, YYYY-MM or YYYY-MM-DD or empty (open). Invalid input is explained and the
    dialog stays open."""

    def __init__(self, date_from: str = "", date_to: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Date range")
        self.result_range: tuple[PartialDate | None, PartialDate | None] = (None, None)
        layout = QVBoxLayout(self)
        intro = QLabel("Show events that overlap this range. A date can be a year (2019), a month (2020-04) "
                       "or a day (2019-12-02); leave a side empty to keep it open.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.from_edit = QLineEdit(date_from)
        self.from_edit.setPlaceholderText("e.g. 2019 (empty: from the start)")
        self.from_edit.setClearButtonEnabled(True)
        self.to_edit = QLineEdit(date_to)
        self.to_edit.setPlaceholderText("e.g. 2020-06 (empty: to the end)")
        self.to_edit.setClearButtonEnabled(True)
        form.addRow("From:", self.from_edit)
        form.addRow("To:", self.to_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setObjectName("dateRangeError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(f"color: {SELECTION_COLOR};")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.from_edit.textChanged.connect(self._clear_error)
        self.to_edit.textChanged.connect(self._clear_error)
        self.resize(440, 10)
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for the wrapped texts at the current width (and the error, when shown)."""
        layout = self.layout()
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)

    def _clear_error(self) -> None:
        self.error_label.hide()

    def _show_error(self, text: str, edit: QLineEdit | None) -> None:
        self.error_label.setText(text)
        self.error_label.show()
        self._fit_height()
        if edit is not None:
            edit.setFocus()
            edit.selectAll()

    def accept(self) -> None:
        parsed: list[PartialDate | None] = []
        for name, edit in (("From", self.from_edit), ("To", self.to_edit)):
            text = edit.text().strip()
            if not text:
                parsed.append(None)
                continue
            try:
                parsed.append(PartialDate.parse(text))
            except ValueError as exc:
                try:  # as a date field reads it: 'Dec 2019', '500 BCE', '15 March 44 BC'
                    parsed.append(PartialDate.parse(parse_date_input(text)[0]))
                except ValueError:
                    self._show_error(f"{name}: {exc}. Write a year (2019, or 500 BCE), a month (2020-04) or a "
                                     f"day (2019-12-02).", edit)
                    return
        start, end = parsed
        if start is not None and end is not None and end.end_seconds <= start.start_seconds:
            self._show_error(f"The range ends ({end.display()}) before it starts ({start.display()}).",
                             self.to_edit)
            return
        self.result_range = (start, end)
        super().accept()


class FilterChip(QToolButton):
    """An active filter; clicking it (or its ✕) removes the filter."""

    def __init__(self, text: str, color: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = text
        self.setText(f"{text} ✕")
        self.setToolTip(f"{text}\nClick to remove this filter")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never squeezed into "Th…gy"
        bg = QColor(color)
        bg.setAlpha(55)
        border = QColor(color).darker(125)
        self.setStyleSheet(
            f"QToolButton {{ border: 1px solid {border.name()}; border-radius: 10px; padding: 1px 8px; background: {bg.name(QColor.NameFormat.HexArgb)};"
            f" color: {TEXT_COLOR}; }}"
            f"QToolButton:hover {{ background: {QColor(color).lighter(115).name()}; }}")


class FilterBar(QWidget):
    """The filters as a bar: menu button, chips, clear button (not a View: it renders no items)."""

    chipsChanged = Signal()

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setObjectName("filterBar")
        self._date_texts: tuple[str, str] = ("", "")
        self._dialog: DateRangeDialog | None = None
        self._chips: list[FilterChip] = []

        layout = QHBoxLayout(self)
        layout.setSizeConstraint(QHBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(6)
        self.menu = _StayOpenMenu(self)
        self.theme_menu = _StayOpenMenu("&Theme", self.menu)
        self.kind_menu = _StayOpenMenu("Actor &kind", self.menu)
        self.expert_menu = _StayOpenMenu("&Expert", self.menu)
        for sub in (self.theme_menu, self.kind_menu, self.expert_menu):
            self.menu.addMenu(sub)
        self.menu.addSeparator()
        self.date_action = QAction("&Date range…", self)
        self.date_action.triggered.connect(self.open_date_dialog)
        self.menu.addAction(self.date_action)
        self.menu.addSeparator()
        self.clear_action = QAction("&Clear filters", self)
        self.clear_action.triggered.connect(self.state.clear_filters)
        self.menu.addAction(self.clear_action)

        self.filter_button = QToolButton()
        self.filter_button.setObjectName("filterButton")
        self.filter_button.setText("Filter ▾")
        self.filter_button.setToolTip("Show only some themes, kinds of actor, experts or dates")
        self.filter_button.setMenu(self.menu)
        self.filter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.filter_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        layout.addWidget(self.filter_button)

        self.chip_box = QWidget()
        self.chip_layout = QHBoxLayout(self.chip_box)
        self.chip_layout.setContentsMargins(0, 0, 0, 0)
        self.chip_layout.setSpacing(4)
        layout.addWidget(self.chip_box)

        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setToolTip("Remove every filter")
        self.clear_button.clicked.connect(self.state.clear_filters)
        layout.addWidget(self.clear_button)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("filterSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setStyleSheet(f"color: {MUTED_TEXT};")
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary_label.setMinimumWidth(0)
        layout.addWidget(self.summary_label, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        state.corpusChanged.connect(self._on_corpus_changed)
        state.corpusEdited.connect(self._on_corpus_edited)
        state.filtersChanged.connect(self._on_filters_changed)
        self._on_corpus_changed()

    # -- menus -----------------------------------------------------------------------------------------
    def _on_corpus_changed(self) -> None:
        corpus = self.state.corpus
        for sub in (self.theme_menu, self.kind_menu, self.expert_menu):
            sub.clear()
        if corpus is not None:
            for theme in corpus.themes:
                self._add_check(self.theme_menu, theme.name, "themes", theme.id)
            counts: dict[str, int] = {}
            for ent in corpus.entities:
                counts[ent.kind] = counts.get(ent.kind, 0) + 1
            for kind in sorted(counts, key=lambda k: ENTITY_KIND_LABELS.get(k, k)):
                self._add_check(self.kind_menu, f"{ENTITY_KIND_LABELS.get(kind, kind)} ({counts[kind]})",
                                "entity_kinds", kind)
            for ex in sorted(corpus.experts, key=lambda e: e.name.casefold()):
                label = ex.name + (f" {ex.native_name}" if ex.native_name else "")
                self._add_check(self.expert_menu, label, "experts", ex.id)
        for sub in (self.theme_menu, self.kind_menu, self.expert_menu):
            sub.setEnabled(not sub.isEmpty())
        self._on_filters_changed()

    def _on_corpus_edited(self, change) -> None:
        """The menus list the themes, kinds of entity and voices the corpus has now."""
        if change.kinds() & {"theme", "entity", "expert"}:
            self._on_corpus_changed()

    def _add_check(self, menu: QMenu, text: str, field: str, value: str) -> QAction:
        action = QAction(_menu_text(text), menu)
        action.setCheckable(True)
        action.setData((field, value))
        action.triggered.connect(lambda checked, f=field, v=value: self.set_filter_value(f, v, checked))
        menu.addAction(action)
        return action

    def set_filter_value(self, field: str, value: str, on: bool) -> None:
        """Add or remove one value of a set filter (themes, entity_kinds, experts)."""
        current = set(getattr(self.state.filters, field))
        if on:
            current.add(value)
        else:
            current.discard(value)
        self.state.update_filters(**{field: frozenset(current)})

    def set_date_range(self, start: PartialDate | None, end: PartialDate | None) -> None:
        self._date_texts = (str(start) if start else "", str(end) if end else "")
        self.state.update_filters(date_from=start.start_seconds if start else None,
                                  date_to=end.end_seconds if end else None)

    def open_date_dialog(self) -> DateRangeDialog:
        """Open the date range dialog (window-modal, not blocking) and apply it when accepted."""
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
        texts = self._current_date_texts()
        dialog = DateRangeDialog(typed_form(texts[0]), typed_form(texts[1]), self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda d=dialog: self.set_date_range(*d.result_range))
        dialog.destroyed.connect(self._on_dialog_destroyed)
        self._dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_destroyed(self, *args) -> None:
        self._dialog = None

    def _current_date_texts(self) -> tuple[str, str]:
        f = self.state.filters
        texts = list(self._date_texts)
        for i, (sec, end) in enumerate(((f.date_from, False), (f.date_to, True))):
            if sec is None:
                texts[i] = ""
                continue
            try:
                pd = PartialDate.parse(texts[i]) if texts[i] else None
            except ValueError:
                pd = None
            if pd is None or (pd.end_seconds if end else pd.start_seconds) != sec:
                texts[i] = _pd_from_seconds(sec, end)
        return texts[0], texts[1]

    # -- chips ------------------------------------------------------------------------------------------
    def _on_filters_changed(self) -> None:
        f = self.state.filters
        for sub in (self.theme_menu, self.kind_menu, self.expert_menu):
            for action in sub.actions():
                field, value = action.data()
                action.setChecked(value in getattr(f, field))
        self.clear_action.setEnabled(f.active)
        self.clear_button.setEnabled(f.active)
        self.clear_button.setVisible(f.active)
        self._rebuild_chips()
        self._update_summary()

    def _chip_specs(self) -> list[tuple[str, str, dict]]:
        """(text, colour, filter change that removes it) for each active filter."""
        f = self.state.filters
        corpus = self.state.corpus
        specs = []
        by_id = corpus.by_id if corpus is not None else {}
        for tid in sorted(f.themes, key=lambda t: getattr(by_id.get(t), "name", t).casefold()):
            theme = by_id.get(tid)
            name = theme.name if theme is not None else tid
            color = (theme.color if theme is not None and theme.color else KIND_COLORS["theme"])
            specs.append((f"Theme: {_elide(name)}", color, {"themes": f.themes - {tid}}))
        for kind in sorted(f.entity_kinds):
            specs.append((f"Actor kind: {ENTITY_KIND_LABELS.get(kind, kind)}", KIND_COLORS["entity"],
                          {"entity_kinds": f.entity_kinds - {kind}}))
        for eid in sorted(f.experts, key=lambda e: getattr(by_id.get(e), "name", e).casefold()):
            ex = by_id.get(eid)
            specs.append((f"Expert: {_elide(ex.name if ex is not None else eid)}", KIND_COLORS["expert"],
                          {"experts": f.experts - {eid}}))
        if f.date_from is not None or f.date_to is not None:
            a, b = (typed_form(t) for t in self._current_date_texts())  # BCE in words: '500 BCE'
            if a and b:
                text = f"Dates: {a} – {b}"
            elif a:
                text = f"Dates: from {a}"
            else:
                text = f"Dates: until {b}"
            specs.append((text, "#9a9a9a", {"date_from": None, "date_to": None}))
        return specs

    def _rebuild_chips(self) -> None:
        for chip in self._chips:
            self.chip_layout.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        self._chips = []
        for text, color, change in self._chip_specs():
            chip = FilterChip(text, color, self.chip_box)
            chip.clicked.connect(lambda checked=False, c=change: self.state.update_filters(**c))
            self.chip_layout.addWidget(chip)
            self._chips.append(chip)
        self.chip_box.setVisible(bool(self._chips))
        self.chipsChanged.emit()

    def _update_summary(self) -> None:
        st = self.state
        if not st.filters.active or st.corpus is None:
            self.summary_label.setText("No filters: everything is shown" if st.corpus is not None else "")
            return
        events = st.corpus.events
        shown = sum(1 for e in events if st.is_visible(e.id))
        self.summary_label.setText(f"{shown} of {len(events)} events shown")

    # -- for tests ----------------------------------------------------------------------------------
    def chips(self) -> list[str]:
        """The texts of the active-filter chips, in order ("Theme: Global strategy ✕")."""
        return [chip.text() for chip in self._chips]

    def chip_buttons(self) -> list[FilterChip]:
        return list(self._chips)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), 300), hint.height())
