"""The experts view: every expert or other voice, a filter box, and a card for the selected one.

- ``ExpertListModel`` (one row per voice, sorted by name) behind ``ExpertFilterProxy``, which keeps the
  rows whose name, native name, affiliation or role contain every word typed (case- and
  accent-insensitive, ``explorer.core.index.fold``) and that the state's filters let show;
- ``ExpertDelegate`` draws two lines per row: name and native name in bold, the kind of voice on the
  right, then affiliation · role, muted;
- selecting a row selects the expert in the state; an expert selected elsewhere selects its row;
- another kind of selection marks the experts linked to it (a bar and tint in the selection's kind
  colour) and the card lists them;
- the list never shows a row cut by its edge (``WholeRowsList``), and an empty list says why (no voices
  yet, none matching the filter box, all hidden by the filters) and what to do.
"""

from __future__ import annotations

from PySide6.QtCore import (QAbstractListModel, QItemSelectionModel, QModelIndex, QRect, QSize,
                            QSortFilterProxyModel, Qt, QUrl)
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QListView, QSplitter, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem, QTextBrowser, QVBoxLayout, QWidget)

from ...core.index import fold
from ...core.index.queries import MAX_ENTRIES
from ..bridge import AppState
from .base import View
from .widgets import CORPUS_FORMAT_HINT, EmptyState
from .style import (INFERRED_COLOR, KIND_COLORS, KIND_LABELS, MUTED_TEXT, TEXT_COLOR, esc, item_link,
                    kind_color, ui_font)

ID_ROLE = Qt.ItemDataRole.UserRole + 1
NATIVE_ROLE = Qt.ItemDataRole.UserRole + 2
AFFILIATION_ROLE = Qt.ItemDataRole.UserRole + 3
ROLE_ROLE = Qt.ItemDataRole.UserRole + 4
VOICE_ROLE = Qt.ItemDataRole.UserRole + 5
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 6
LINKED_ROLE = Qt.ItemDataRole.UserRole + 7

SELECTED_BG = "#dbe8f7"
SELECTED_BAR = "#3b7dd8"
HOVER_BG = "#f2f5f9"
ROW_RULE = "#ececec"
LINK_COLOR = "#1f5fa8"



class ExpertListModel(QAbstractListModel):
    """One row per expert / voice, sorted by name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._experts: list = []
        self._search: list[str] = []
        self._linked: frozenset[str] = frozenset()
        self.linked_color = QColor(KIND_COLORS["event"])

    def set_experts(self, experts) -> None:
        self.beginResetModel()
        self._experts = sorted(experts, key=lambda e: (fold(e.name), e.id))
        self._search = [fold(" ".join(filter(None, (e.name, e.native_name, e.affiliation, e.role))))
                        for e in self._experts]
        self._linked = frozenset()
        self.endResetModel()

    def set_linked(self, ids, color: QColor | None = None) -> None:
        ids = frozenset(ids)
        recolor = color is not None and QColor(color) != self.linked_color
        if color is not None:
            self.linked_color = QColor(color)
        if ids != self._linked or recolor:
            # only the rows whose mark changes (every linked one for a new colour), one range per run of rows
            changed = ids.symmetric_difference(self._linked) | (ids if recolor else frozenset())
            self._linked = ids
            rows = [r for r, ex in enumerate(self._experts) if ex.id in changed]
            start = None
            for i, row in enumerate(rows):
                if start is None:
                    start = row
                if i + 1 == len(rows) or rows[i + 1] != row + 1:
                    self.dataChanged.emit(self.index(start), self.index(row), [LINKED_ROLE])
                    start = None

    def row_of(self, expert_id: str) -> int:
        for row, ex in enumerate(self._experts):
            if ex.id == expert_id:
                return row
        return -1

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._experts)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._experts):
            return None
        ex = self._experts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return ex.name
        if role == ID_ROLE:
            return ex.id
        if role == NATIVE_ROLE:
            return ex.native_name or ""
        if role == AFFILIATION_ROLE:
            return ex.affiliation
        if role == ROLE_ROLE:
            return ex.role
        if role == VOICE_ROLE:
            return ex.voice
        if role == SEARCH_ROLE:
            return self._search[index.row()]
        if role == LINKED_ROLE:
            return ex.id in self._linked
        if role == Qt.ItemDataRole.ToolTipRole:
            head = " · ".join(filter(None, (ex.affiliation, ex.role)))
            return "\n\n".join(filter(None, (head, ex.bio))) or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return " ".join(filter(None, (ex.name, ex.native_name, ex.affiliation, ex.role)))
        return None


class ExpertFilterProxy(QSortFilterProxyModel):
    """Keeps the rows containing every word of the query (folded), and that the filters let show."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []
        self.visible = lambda item_id: True

    def set_query(self, text: str) -> None:
        words = fold(text).split()
        if words != self._words:
            self._begin()
            self._words = words
            self._end()

    def refilter(self) -> None:
        self._begin()
        self._end()

    def _begin(self) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()

    def _end(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def without_query_count(self) -> int:
        """How many rows the filters alone let show (the query aside)."""
        model = self.sourceModel()
        return sum(1 for r in range(model.rowCount()) if self.visible(model.index(r, 0).data(ID_ROLE)))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        if not self.visible(index.data(ID_ROLE)):
            return False
        haystack = index.data(SEARCH_ROLE) or ""
        return all(w in haystack for w in self._words)


class ExpertDelegate(QStyledItemDelegate):
    """Two lines: **name native-name** ……… voice / affiliation · role."""

    PAD_X = 12
    PAD_Y = 7
    GAP = 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name_font = ui_font(10.5, bold=True)
        self.small_font = ui_font(9)
        self.voice_font = ui_font(8)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        h = QFontMetrics(self.name_font).height() + self.GAP + QFontMetrics(self.small_font).height()
        return QSize(200, h + 2 * self.PAD_Y)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        linked = bool(index.data(LINKED_ROLE))
        model = index.model()
        source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model

        if selected:
            painter.fillRect(rect, QColor(SELECTED_BG))
            painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), QColor(SELECTED_BAR))
        elif linked:
            tint = QColor(source.linked_color)
            tint.setAlpha(55)
            painter.fillRect(rect, tint)
            painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), source.linked_color)
        elif hovered:
            painter.fillRect(rect, QColor(HOVER_BG))
        painter.setPen(QPen(QColor(ROW_RULE), 1))
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())

        x0 = rect.left() + self.PAD_X
        right = rect.right() - self.PAD_X
        name_fm = QFontMetrics(self.name_font)
        small_fm = QFontMetrics(self.small_font)
        voice_fm = QFontMetrics(self.voice_font)
        y = rect.top() + self.PAD_Y

        voice = index.data(VOICE_ROLE) or ""
        voice_w = voice_fm.horizontalAdvance(voice)
        painter.setFont(self.voice_font)
        painter.setPen(QColor(INFERRED_COLOR))
        painter.drawText(QRect(right - voice_w, y, voice_w, name_fm.height()),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), voice)

        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
        native = index.data(NATIVE_ROLE) or ""
        line = f"{name}  {native}" if native else name
        avail = max(0, right - voice_w - 10 - x0)
        painter.setFont(self.name_font)
        painter.setPen(QColor(TEXT_COLOR))
        painter.drawText(QRect(x0, y, avail, name_fm.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         name_fm.elidedText(line, Qt.TextElideMode.ElideRight, avail))

        y += name_fm.height() + self.GAP
        second = " · ".join(filter(None, (index.data(AFFILIATION_ROLE), index.data(ROLE_ROLE))))
        painter.setFont(self.small_font)
        painter.setPen(QColor(MUTED_TEXT))
        painter.drawText(QRect(x0, y, right - x0, small_fm.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         small_fm.elidedText(second, Qt.TextElideMode.ElideRight, right - x0))
        painter.restore()


class WholeRowsList(QListView):
    """A list that never shows a row cut by its bottom edge: when its rows do not all fit, the viewport is
    as tall as the whole rows that fit (the pixels left over stay blank below it), and it scrolls a row
    at a time, so that the top row is never cut either."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerItem)
        self.setAutoFillBackground(True)  # the blank below the viewport in the list's colour, not the window's
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self._bottom = 0

    def setModel(self, model) -> None:
        super().setModel(model)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(self.fit_rows)

    def fit_rows(self, *_args) -> None:
        model = self.model()
        n = model.rowCount() if model is not None else 0
        row_h = self.sizeHintForRow(0) if n else 0
        height = self.contentsRect().height()
        bottom = 0
        if row_h > 0 and n * row_h > height:
            bottom = height % row_h
        if bottom != self._bottom:
            self._bottom = bottom
            self.setViewportMargins(0, 0, 0, bottom)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.fit_rows()


CARD_CSS = f"""
body {{ color: {TEXT_COLOR}; }}
a {{ color: {LINK_COLOR}; text-decoration: none; }}
h2 {{ font-size: 14pt; margin: 0 0 2px 0; }}
p {{ margin: 2px 0 2px 0; }}
p.section {{ font-size: 8pt; font-weight: bold; color: {MUTED_TEXT}; margin: 14px 0 4px 0; }}
p.entry {{ margin: 0 0 5px 10px; }}
.native {{ color: #444444; }}
.muted {{ color: {MUTED_TEXT}; }}
.small {{ font-size: 8.5pt; color: {MUTED_TEXT}; }}
.voice {{ font-size: 8pt; color: {INFERRED_COLOR}; }}
.hint {{ color: {MUTED_TEXT}; }}
"""


class ExpertsView(View):
    title = "Experts"
    view_name = "experts"

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._syncing = False

        self.model = ExpertListModel(self)
        self.proxy = ExpertFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        # rows are filtered again only when asked (refilter, a new query, a new list): the one role that
        # changes in place, the mark of experts linked to a selection, is not filtered on
        self.proxy.setDynamicSortFilter(False)
        self.proxy.visible = state.is_visible

        layout = QVBoxLayout(self)
        # no minimum size pushed onto a top-level window (offscreen Qt warns it cannot propagate it)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        top = QWidget(self)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(8, 8, 8, 6)
        tl.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.filter_edit = QLineEdit(top)
        self.filter_edit.setObjectName("expertFilter")
        self.filter_edit.setPlaceholderText("Filter experts…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setFont(ui_font(10))
        self.filter_edit.textChanged.connect(self._on_filter_text_changed)
        row.addWidget(self.filter_edit, 1)
        self.count_label = QLabel(top)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setFont(ui_font(8.5))
        self.count_label.setStyleSheet(f"color: {MUTED_TEXT};")
        row.addWidget(self.count_label)
        tl.addLayout(row)
        self.linked_label = QLabel(top)
        self.linked_label.setTextFormat(Qt.TextFormat.RichText)
        self.linked_label.setWordWrap(True)
        self.linked_label.setFont(ui_font(8.5))
        self.linked_label.setStyleSheet(f"color: {MUTED_TEXT};")
        self.linked_label.hide()
        # its line stays when it hides: a selection does not move the list and card below (a relayout and
        # a repaint of the dock each time)
        policy = self.linked_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.linked_label.setSizePolicy(policy)
        tl.addWidget(self.linked_label)
        layout.addWidget(top)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.list_view = WholeRowsList(self.splitter)
        self.list_view.setObjectName("expertList")
        self.list_view.setModel(self.proxy)
        self.list_view.setItemDelegate(ExpertDelegate(self.list_view))
        self.list_view.setFont(ui_font(10))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setMouseTracking(True)
        self.list_view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setFrameShape(QListView.Shape.NoFrame)
        self.list_view.setStyleSheet("QListView { border-top: 1px solid #e2e2e2; border-bottom: 1px solid #e2e2e2; }")
        self.list_view.selectionModel().selectionChanged.connect(self._on_list_selection_changed)
        self.empty = EmptyState(self.list_view.viewport())

        self.card = QTextBrowser(self.splitter)
        self.card.setObjectName("expertCard")
        self.card.setOpenLinks(False)
        self.card.setOpenExternalLinks(False)
        self.card.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.card.setFont(ui_font(10))
        self.card.document().setDefaultStyleSheet(CARD_CSS)
        self.card.document().setDocumentMargin(12)
        self.card.anchorClicked.connect(self._on_anchor_clicked)
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(self.card)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        layout.addWidget(self.splitter, 1)

        self.listen(state.corpusChanged, self._on_corpus_changed)
        self.listen(state.corpusEdited, self._on_corpus_edited)
        self.listen(state.selectionChanged, self._on_selection_changed)
        self.listen(state.filtersChanged, self._on_filters_changed)
        self._on_corpus_changed()

    # -- state -> view -------------------------------------------------------------------------------
    def _on_corpus_changed(self) -> None:
        corpus = self.state.corpus
        self._syncing = True
        try:
            self.model.set_experts(corpus.experts if corpus is not None else [])
            self.proxy.refilter()
        finally:
            self._syncing = False
        self._on_selection_changed(self.state.selection)

    def _on_corpus_edited(self, change) -> None:
        """An edit: the list follows added, changed and removed voices; the card follows anything
        (its events, passages and organisation come from other items)."""
        if "expert" in change.kinds():
            self._on_corpus_changed()
        else:
            self._on_selection_changed(self.state.selection)

    def _on_filters_changed(self) -> None:
        self._refilter(self.proxy.refilter)

    def _refilter(self, change) -> None:
        """Rows come and go; the list moves its current row as they do, which must not select anyone."""
        self._syncing = True
        try:
            change()
        finally:
            self._syncing = False
        self._sync_list()
        self._update_count()

    def _on_selection_changed(self, item_id: str | None) -> None:
        kind = self.state.kind(item_id)
        index = self.state.index
        if kind == "expert" or index is None or item_id is None:
            self.model.set_linked(())
            self.linked_label.hide()
        else:
            linked = index.linked(item_id, "expert")
            self.model.set_linked(linked, kind_color(kind))
            item = self.state.item(item_id)
            color = KIND_COLORS.get(kind, "#999999")
            n = len(linked)
            what = f"{n} linked expert{'s' * (n != 1)}" if n else "no linked expert"
            self.linked_label.setText(f'<span style="color:{color};">■</span> {esc(item.label)}: {what}')
            self.linked_label.show()
        self._sync_list()
        self._update_card()
        self._update_count()

    def _sync_list(self) -> None:
        """Make the list's selection follow the state's, without feeding back into the state."""
        self._syncing = True
        try:
            sel_model = self.list_view.selectionModel()
            item_id = self.state.selection
            proxy_index = QModelIndex()
            if self.state.kind(item_id) == "expert":
                row = self.model.row_of(item_id)
                if row >= 0:
                    proxy_index = self.proxy.mapFromSource(self.model.index(row))
            if proxy_index.isValid():
                sel_model.setCurrentIndex(proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.list_view.scrollTo(proxy_index)
            else:
                sel_model.clearSelection()
                sel_model.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        finally:
            self._syncing = False
        self.list_view.viewport().update()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total} voices")
        self._update_empty_state(shown, total)

    def _update_empty_state(self, shown: int, total: int) -> None:
        """What is missing when the list is empty, and what fills it."""
        query = self.filter_edit.text().strip()
        if self.state.corpus is None:
            self.empty.show_message("No corpus is open", CORPUS_FORMAT_HINT)
        elif not total:
            self.empty.show_message(
                "No experts or voices yet",
                "Select text in a document and choose New Voice from Selection: the name (and a name in "
                "its own script) found there fill its form.\n" + CORPUS_FORMAT_HINT)
        elif shown:
            self.empty.clear()
        elif query and self.proxy.without_query_count() > 0:
            self.empty.show_message(f"No voice matches “{query}”",
                                    "The filter looks in names, names in their own script, affiliations and "
                                    "roles. Clear the filter box to see every voice.")
        else:
            self.empty.show_message("Every voice is hidden by the filters", "Clear the filters to see them again.")

    # -- view -> state ------------------------------------------------------------------------------
    def _on_filter_text_changed(self, text: str) -> None:
        self._refilter(lambda: self.proxy.set_query(text))
        self._update_count()

    def _on_list_selection_changed(self, *_args) -> None:
        if self._syncing:
            return
        rows = self.list_view.selectionModel().selectedIndexes()
        if rows:  # an empty selection comes from filtering, not from the user: keep the state's
            self.state.select(rows[0].data(ID_ROLE))

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "item":
            self.state.select(url.path() or url.toString()[len("item:"):])

    # -- the card -----------------------------------------------------------------------------------
    def _update_card(self) -> None:
        self.card.setHtml(self._card_html())

    def _card_html(self) -> str:
        index = self.state.index
        item = self.state.item()
        if index is None:
            return '<p class="hint">No corpus loaded.</p>'
        if item is None:
            if not self.model.rowCount():
                return ""  # the list's empty state says what is missing
            return ('<p class="hint">Select an expert to see their affiliation, biography, what they argue '
                    'and where they are quoted.</p>')
        if item.item_kind != "expert":
            linked = index.linked(item.id, "expert")
            kind = KIND_LABELS.get(item.item_kind, item.item_kind)
            html = [f'<p class="small">{esc(kind)} selected</p><h2>{esc(item.label)}</h2>']
            if linked:
                html.append('<p class="section">VOICES LINKED TO IT</p>')
                for ex_id in linked:
                    ex = index.items[ex_id]
                    extra = " · ".join(filter(None, (ex.affiliation, ex.role)))
                    native = f' <span class="native">{esc(ex.native_name)}</span>' if ex.native_name else ""
                    sub = f'<br><span class="small">{esc(extra)}</span>' if extra else ""
                    html.append(f'<p class="entry">{item_link(ex_id, ex.name)}{native}{sub}</p>')
            else:
                html.append('<p class="hint">No expert or voice is linked to it.</p>')
            return "".join(html)
        return self._expert_html(item)

    def _expert_html(self, ex) -> str:
        index = self.state.index
        native = f'&nbsp;&nbsp;<span class="native">{esc(ex.native_name)}</span>' if ex.native_name else ""
        html = [f"<h2>{esc(ex.name)}{native}</h2>", f'<p class="voice">{esc(ex.voice.upper())}</p>']
        affiliation = esc(ex.affiliation)
        if ex.organisation and ex.organisation in index.items:
            org = index.items[ex.organisation]
            affiliation = item_link(org.id, ex.affiliation or org.label)
        if affiliation:
            html.append(f"<p>{affiliation}</p>")
        if ex.role:
            html.append(f'<p class="muted">{esc(ex.role)}</p>')
        if ex.bio:
            html.append(f'<p style="margin-top:8px;">{esc(ex.bio)}</p>')
        if ex.positions:
            html.append('<p class="section">ARGUES</p>')
            for pos in ex.positions:
                pids = [pid for pid in pos.passages if pid in index.items]
                sources = [item_link(pid, "source" if len(pids) == 1 else f"source {n}")
                           for n, pid in enumerate(pids, 1)]
                src = f' <span class="small">— {", ".join(sources)}</span>' if sources else ""
                html.append(f'<p class="entry">{esc(pos.text)}{src}</p>')
        events = index.linked_events(ex.id)
        if events:
            html.append('<p class="section">EVENTS</p>')
            for ev_id in events[:MAX_ENTRIES]:  # as the inspector: the first ones, the rest counted
                ev = index.items[ev_id]
                html.append(f'<p class="entry">{item_link(ev_id, ev.title)} '
                            f'<span class="small">{esc(ev.when)}</span></p>')
            if len(events) > MAX_ENTRIES:
                html.append(f'<p class="entry small">and {len(events) - MAX_ENTRIES:,} more</p>')
        docs = index.linked(ex.id, "document")
        if docs:
            html.append('<p class="section">DOCUMENTS</p>')
            for doc_id in docs[:MAX_ENTRIES]:
                html.append(f'<p class="entry">{item_link(doc_id, index.items[doc_id].label)}</p>')
            if len(docs) > MAX_ENTRIES:
                html.append(f'<p class="entry small">and {len(docs) - MAX_ENTRIES:,} more</p>')
        return "".join(html)

    # -- for tests and export -----------------------------------------------------------------------
    def visible_expert_ids(self) -> list[str]:
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]

    def linked_expert_ids(self) -> list[str]:
        """Experts marked as linked to a non-expert selection."""
        return [self.model.index(r).data(ID_ROLE) for r in range(self.model.rowCount())
                if self.model.index(r).data(LINKED_ROLE)]

    def export_caption(self) -> str:
        caption = super().export_caption()
        if self.filter_edit.text().strip():
            caption += f" — filter: “{self.filter_edit.text().strip()}”"
        return caption
