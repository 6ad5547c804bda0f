"""The list of a corpus's documents, for corpora with more documents than fit as tabs; the tab bar.

A filter box (every word must occur in the title, author, publisher or date) over a table of title,
author, date and how many passages of the current selection each document holds; sortable by any
column. Activating a row (double-click, Enter) asks the documents view to open that document in a tab.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QLineEdit, QSizePolicy, QTabBar, QTableView,
                               QVBoxLayout, QWidget)

from ...core.index.corpus_index import fold
from .style import MUTED_TEXT, TEXT_COLOR, ui_font

TITLE, AUTHOR, DATE, PASSAGES = range(4)
HEADERS = ("Title", "Author", "Date", "Passages")


class DocumentTableModel(QAbstractTableModel):
    """One row per document: (id, title, author, date text, date sort key, folded search text)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str, tuple, str]] = []
        self._counts: dict[str, int] = {}
        self.selection_label = ""

    def set_documents(self, documents) -> None:
        self.beginResetModel()
        rows = []
        for doc in documents:
            author = ", ".join(p for p in (doc.author, doc.publisher) if p)
            date = doc.date.display() + (" (inferred)" if doc.date_inferred else "") if doc.date else ""
            key = (doc.date.start_seconds,) if doc.date else (float("inf"),)
            rows.append((doc.id, doc.title, author, date, key, fold(" ".join((doc.title, author, date)))))
        self._rows = rows
        self.endResetModel()

    def set_counts(self, counts: dict[str, int], label: str = "") -> None:
        """How many passages of the selection (named ``label``) each document holds."""
        self._counts = counts
        self.selection_label = label
        if self._rows:
            self.dataChanged.emit(self.index(0, PASSAGES), self.index(len(self._rows) - 1, PASSAGES))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, PASSAGES, PASSAGES)

    def doc_id(self, row: int) -> str:
        return self._rows[row][0]

    def search_text(self, row: int) -> str:
        return self._rows[row][5]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == PASSAGES:
                n = self._counts.get(row[0], 0)
                return str(n) if n else ""
            return row[col + 1]
        if role == Qt.ItemDataRole.ToolTipRole and col == TITLE:
            return row[1]
        if role == Qt.ItemDataRole.UserRole:  # the sort key
            if col == DATE:
                return row[4]
            if col == PASSAGES:
                return self._counts.get(row[0], 0)
            return fold(row[col + 1])
        if role == Qt.ItemDataRole.TextAlignmentRole and col == PASSAGES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == PASSAGES:
            return (f"Passages of “{self.selection_label}” in the document" if self.selection_label
                    else "Passages of the selection in the document (select an item)")
        return None


class _Filter(QSortFilterProxyModel):
    """Rows whose title, author or date hold every word of the filter (case and accents folded)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_words(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+ (invalidateFilter is deprecated there)
            self.beginFilterChange()
            self._words = fold(text).split()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self._words = fold(text).split()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 - Qt's name
        if not self._words:
            return True
        hay = self.sourceModel().search_text(row)
        return all(w in hay for w in self._words)

    def lessThan(self, left, right) -> bool:  # noqa: N802 - Qt's name
        a, b = left.data(Qt.ItemDataRole.UserRole), right.data(Qt.ItemDataRole.UserRole)
        if a == b:
            return left.row() < right.row()
        return a < b


class DocumentListPanel(QWidget):
    """Filter box + table of documents. ``documentActivated(doc_id)`` when a row is activated."""

    documentActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("documentList")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("documentListFilter")
        self.filter_edit.setPlaceholderText("Filter documents by title, author or date…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setFont(ui_font(10))
        layout.addWidget(self.filter_edit)

        self.model = DocumentTableModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setObjectName("documentListTable")
        self.table.setModel(self.proxy)
        self.table.setFont(ui_font(9.5))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # corpus order until a header is clicked
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AUTHOR, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DATE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PASSAGES, QHeaderView.ResizeMode.Fixed)  # (to contents: every row, each time)
        header.resizeSection(PASSAGES, header.fontMetrics().horizontalAdvance(HEADERS[PASSAGES]) + 34)
        header.resizeSection(AUTHOR, 170)
        header.resizeSection(DATE, 120)
        header.setHighlightSections(False)
        self.table.setStyleSheet(f"QTableView {{ color: {TEXT_COLOR}; }}")
        self.table.activated.connect(self._on_activated)
        self.table.doubleClicked.connect(self._on_activated)
        layout.addWidget(self.table, 1)

        self.count_label = QLabel(self)
        self.count_label.setFont(ui_font(8.5))
        self.count_label.setStyleSheet(f"color: {MUTED_TEXT};")
        layout.addWidget(self.count_label)

        self.filter_edit.textChanged.connect(self._on_filter)
        self.filter_edit.returnPressed.connect(self._open_first)

    def set_documents(self, documents) -> None:
        self.model.set_documents(documents)
        # author and date columns as wide as their longest entry (within reason); the title takes the rest
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        for col, cap in ((AUTHOR, 220), (DATE, 200)):
            texts = [self.model.data(self.model.index(r, col)) or "" for r in range(self.model.rowCount())]
            widest = max((metrics.horizontalAdvance(t) for t in set(texts)), default=0)
            header.resizeSection(col, max(90, min(cap, widest + 18)))
        self._update_count()

    def set_counts(self, counts: dict[str, int], label: str = "") -> None:
        self.model.set_counts(counts, label)
        self._update_count()

    def visible_documents(self) -> list[str]:
        """The ids of the rows shown, in the order shown."""
        return [self.model.doc_id(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                for r in range(self.proxy.rowCount())]

    def _on_filter(self, text: str) -> None:
        self.proxy.set_words(text)
        self._update_count()

    def _update_count(self) -> None:
        n, total = self.proxy.rowCount(), self.model.rowCount()
        here = sum(1 for c in self.model._counts.values() if c)
        parts = [f"{n:,} of {total:,} documents" if n != total else f"{total:,} documents"]
        if self.model.selection_label:
            parts.append(f"“{self.model.selection_label}” has passages in {here:,}")
        parts.append("double-click or Enter opens one")
        self.count_label.setText("  ·  ".join(parts))

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.documentActivated.emit(self.model.doc_id(self.proxy.mapToSource(index).row()))

    def _open_first(self) -> None:
        """Enter in the filter box opens the first row shown."""
        if self.proxy.rowCount():
            self.documentActivated.emit(self.model.doc_id(self.proxy.mapToSource(self.proxy.index(0, 0)).row()))

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()


class DocumentTabBar(QTabBar):
    """Tabs that share the bar fairly: a tab whose title fits in an equal share keeps its whole title,
    the others share what is left equally (max-min fairness), never less than ``MIN_TAB`` pixels; titles
    are elided only past that, and every tab's tooltip is its full title."""

    MIN_TAB = 90

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._fair: tuple[object, list[int]] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def natural_width(self, i: int) -> int:
        return super().tabSizeHint(i).width()

    def fair_widths(self) -> list[int]:
        n = self.count()
        key = (self.width(), n, tuple(self.tabText(k) for k in range(n)),
               tuple(self.tabIcon(k).isNull() for k in range(n)), self.tabsClosable())
        if self._fair is not None and self._fair[0] == key:
            return self._fair[1]
        naturals = [self.natural_width(k) for k in range(n)]
        remaining, left = float(max(self.width(), 1)), n
        for w in sorted(naturals):
            if w <= remaining / left:
                remaining -= w
                left -= 1
            else:
                break
        cap = remaining / left if left else float("inf")
        widths = [int(min(w, max(cap, self.MIN_TAB))) for w in naturals]
        self._fair = (key, widths)
        return widths

    def tabSizeHint(self, index: int) -> QSize:  # noqa: N802 - Qt's name
        hint = super().tabSizeHint(index)
        widths = self.fair_widths()
        if 0 <= index < len(widths):
            hint.setWidth(widths[index])
        return hint

    def minimumTabSizeHint(self, index: int) -> QSize:  # noqa: N802 - Qt's name
        return self.tabSizeHint(index)

    def tabInserted(self, index: int) -> None:  # noqa: N802 - Qt's name
        self._fair = None
        super().tabInserted(index)

    def tabRemoved(self, index: int) -> None:  # noqa: N802 - Qt's name
        self._fair = None
        super().tabRemoved(index)
