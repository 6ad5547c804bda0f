"""The search panel: one line edit, results grouped by kind, each with the matching text.

- typing searches (debounced) the documents and every item, case- and accent-insensitively
  (``CorpusIndex.search``), and tells the state (``set_search``) so the document view highlights matches;
- results are grouped: Events, Experts, Actors, Relationships, Themes, Documents (matches in the text),
  each group with its count; a row shows the label and a snippet with the match marked;
- Enter, a click or ``step(±1)`` (Find Next / Previous) activates a result: items are selected, a
  match in a document selects the document and asks the state to reveal the range;
- with nothing to search (no corpus, an empty one) or no result, the results area says so and what to do.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QModelIndex, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.index import SearchHit, fold
from ..bridge import AppState
from .base import View
from .widgets import CORPUS_FORMAT_HINT, EmptyState
from .style import KIND_COLORS, MUTED_TEXT, TEXT_COLOR, ui_font

#: the groups, in display order: (hit kind, title)
GROUPS: tuple[tuple[str, str], ...] = (("event", "Events"), ("expert", "Experts"), ("entity", "Actors"),
                                       ("relationship", "Relationships"), ("theme", "Themes"),
                                       ("document", "Documents"))
DEBOUNCE_MS = 150
RESULT_LIMIT = 300
#: background of the matched text in a snippet (the document view's search colour, lighter)
MATCH_COLOR = "#3ec9d6"

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
START_ROLE = Qt.ItemDataRole.UserRole + 3
END_ROLE = Qt.ItemDataRole.UserRole + 4
TITLE_ROLE = Qt.ItemDataRole.UserRole + 5
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 6
HIDDEN_ROLE = Qt.ItemDataRole.UserRole + 7


class _ResultDelegate(QStyledItemDelegate):
    """Two lines per result: the title, and the snippet with the match on a tinted background. Group
    headers are drawn by the default delegate."""

    def __init__(self, view: SearchView):
        super().__init__(view.tree)
        self.view = view
        self.title_font = ui_font(9.5, bold=True)
        self.text_font = ui_font(9)
        self.small_font = ui_font(8.5)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        if index.data(KIND_ROLE) is None:
            size = super().sizeHint(option, index)
            return QSize(size.width(), size.height() + 6)
        h = QFontMetricsF(self.title_font).height() + QFontMetricsF(self.text_font).height() + 10
        return QSize(200, int(h))

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) is None:
            super().paint(p, option, index)
            return
        # an exception escaping a paint() override takes PySide6 6.12 down with it: report it instead
        p.save()
        try:
            self._paint_result(p, option, index)
        except Exception:  # noqa: BLE001 - reported through the excepthook (pytest-qt fails the test)
            sys.excepthook(*sys.exc_info())
        finally:
            p.restore()

    def _paint_result(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, p, opt.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hidden = bool(index.data(HIDDEN_ROLE))
        rect = QRectF(option.rect).adjusted(4, 4, -4, -4)
        kind = index.data(KIND_ROLE)
        # kind swatch
        dot = QColor(KIND_COLORS.get(kind, "#cccccc"))
        if hidden:
            dot.setAlpha(90)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(dot)
        fm_title = QFontMetricsF(self.title_font)
        p.drawEllipse(QRectF(rect.left(), rect.top() + fm_title.height() / 2 - 4, 8, 8))
        x = rect.left() + 14
        width = rect.right() - x
        text_color = option.palette.highlightedText().color() if selected else QColor(TEXT_COLOR)
        muted = option.palette.highlightedText().color() if selected else QColor(MUTED_TEXT)
        if hidden and not selected:
            text_color = QColor("#9a9a9a")
        title = index.data(TITLE_ROLE) or ""
        snippet = index.data(SNIPPET_ROLE) or ""
        p.setFont(self.title_font)
        p.setPen(text_color)
        p.drawText(QRectF(x, rect.top(), width, fm_title.height()), Qt.AlignmentFlag.AlignVCenter,
                   fm_title.elidedText(title, Qt.TextElideMode.ElideRight, width))
        y = rect.top() + fm_title.height() + 2
        self._draw_snippet(p, snippet, x, y, width, muted if not hidden else QColor("#9a9a9a"))

    def _draw_snippet(self, p: QPainter, snippet: str, x: float, y: float, width: float, color: QColor) -> None:
        fm = QFontMetricsF(self.text_font)
        p.setFont(self.text_font)
        q = fold(self.view.query.strip())
        folded = fold(snippet)
        at = folded.find(q) if q and len(folded) == len(snippet) else -1
        if at < 0:
            p.setPen(color)
            p.drawText(QRectF(x, y, width, fm.height()), Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(snippet, Qt.TextElideMode.ElideRight, width))
            return
        pre, match, post = snippet[:at], snippet[at:at + len(q)], snippet[at + len(q):]
        # keep the match in view: trim the text before it from the left when the line is too narrow
        budget = width * 0.45
        if fm.horizontalAdvance(pre) > budget:
            pre = "…" + fm.elidedText(pre, Qt.TextElideMode.ElideLeft, budget).lstrip("…")
        match = fm.elidedText(match, Qt.TextElideMode.ElideRight, max(20.0, width - fm.horizontalAdvance(pre)))
        w_pre, w_match = fm.horizontalAdvance(pre), fm.horizontalAdvance(match)
        post = fm.elidedText(post, Qt.TextElideMode.ElideRight, max(0.0, width - w_pre - w_match))
        p.setPen(color)
        p.drawText(QRectF(x, y, w_pre + 1, fm.height()), Qt.AlignmentFlag.AlignVCenter, pre)
        bg = QColor(MATCH_COLOR)
        bg.setAlpha(110)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(bg)
        p.drawRoundedRect(QRectF(x + w_pre, y, w_match, fm.height()), 2, 2)
        p.setPen(QColor(TEXT_COLOR))
        p.drawText(QRectF(x + w_pre, y, w_match + 1, fm.height()), Qt.AlignmentFlag.AlignVCenter, match)
        p.setPen(color)
        p.drawText(QRectF(x + w_pre + w_match, y, width - w_pre - w_match, fm.height()),
                   Qt.AlignmentFlag.AlignVCenter, post)


class SearchView(View):
    title = "Search"
    view_name = "search"

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.query = ""
        self._hits: list[SearchHit] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._run_search)

        layout = QVBoxLayout(self)
        # no minimum size pushed onto a top-level window (offscreen Qt warns it cannot propagate it)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("searchEdit")
        self.line_edit.setPlaceholderText("Search documents, people, events…")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setToolTip("Case and accents are ignored. Enter: go to the next result; "
                                  "↓: move into the results")
        self.line_edit.textChanged.connect(self._on_text_changed)
        self.line_edit.returnPressed.connect(self._on_return)
        self.line_edit.installEventFilter(self)
        layout.addWidget(self.line_edit)
        self.count_label = QLabel()
        self.count_label.setObjectName("searchCount")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setStyleSheet(f"color: {MUTED_TEXT};")
        self.count_label.setWordWrap(True)
        layout.addWidget(self.count_label)
        self.tree = QTreeWidget()
        self.tree.setObjectName("searchResults")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setItemDelegate(_ResultDelegate(self))
        self.tree.itemActivated.connect(self._on_item_activated)
        self.tree.itemClicked.connect(self._on_item_activated)
        layout.addWidget(self.tree, 1)
        self.empty = EmptyState(self.tree.viewport())

        self.listen(state.corpusChanged, self._on_corpus_changed)
        self.listen(state.corpusEdited, self._on_corpus_edited)
        self.listen(state.searchChanged, self._on_search_changed)
        self.listen(state.filtersChanged, self._on_filters_changed)
        self._update_count()

    # -- state -> view -------------------------------------------------------------------------------
    def _on_corpus_changed(self) -> None:
        self._run_search()

    def _on_corpus_edited(self, change) -> None:
        if self.line_edit.text().strip():  # the results follow the edit (names, new and removed items)
            self._run_search()

    def _on_search_changed(self, query: str) -> None:
        if query != self.line_edit.text():  # cleared or set elsewhere
            self.line_edit.blockSignals(True)
            self.line_edit.setText(query)
            self.line_edit.blockSignals(False)
            self._timer.stop()
            self._run_search()

    def _on_filters_changed(self) -> None:
        for item in self._result_items():
            item.setData(0, HIDDEN_ROLE, not self.state.is_visible(item.data(0, ID_ROLE)))
        self.tree.viewport().update()

    # -- searching -----------------------------------------------------------------------------------
    def _on_text_changed(self, text: str) -> None:
        self._timer.start()

    def flush(self) -> None:
        """Run a pending (debounced) search now."""
        if self._timer.isActive():
            self._timer.stop()
            self._run_search()

    def _run_search(self) -> None:
        text = self.line_edit.text()
        self.query = text
        index = self.state.index
        self._hits = index.search(text, limit=RESULT_LIMIT) if (index is not None and text.strip()) else []
        self._fill_tree()
        self.state.set_search(text)

    def _fill_tree(self) -> None:
        self.tree.clear()
        groups: dict[str, list[SearchHit]] = {kind: [] for kind, _ in GROUPS}
        for hit in self._hits:
            groups.setdefault(hit.kind, []).append(hit)
        header_font = ui_font(9.5, bold=True)
        for kind, title in GROUPS:
            hits = groups.get(kind) or []
            if not hits:
                continue
            # items whose title matched first, then matches in the text in document order
            hits.sort(key=lambda h: (h.start >= 0, h.start))
            top = QTreeWidgetItem([f"{title}  ·  {len(hits)}"])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.setFont(0, header_font)
            top.setForeground(0, QColor(MUTED_TEXT))
            self.tree.addTopLevelItem(top)
            for hit in hits:
                child = QTreeWidgetItem([hit.label])
                child.setData(0, KIND_ROLE, hit.kind)
                child.setData(0, ID_ROLE, hit.item_id)
                child.setData(0, START_ROLE, hit.start)
                child.setData(0, END_ROLE, hit.end)
                child.setData(0, TITLE_ROLE, hit.label)
                child.setData(0, SNIPPET_ROLE, hit.context)
                child.setData(0, HIDDEN_ROLE, not self.state.is_visible(hit.item_id))
                child.setToolTip(0, hit.context + ("\n(hidden by the filters)"
                                                   if not self.state.is_visible(hit.item_id) else ""))
                top.addChild(child)
            top.setExpanded(True)
        self._update_count()

    def _update_count(self) -> None:
        q = self.line_edit.text().strip()
        n = len(self._hits)
        if not q:
            self.count_label.setText("Type to search the documents and every item (case and accents "
                                     "are ignored).")
        elif n == 0:
            self.count_label.setText(f"No results for “{q}”.")
        elif n >= RESULT_LIMIT:
            self.count_label.setText(f"The first {n} results for “{q}” — type more to narrow it down.")
        else:
            self.count_label.setText(f"{n} result{'s' if n != 1 else ''} for “{q}”.")
        self._update_empty_state(q, n)

    def _update_empty_state(self, q: str, n: int) -> None:
        """What is missing when there is nothing to list, and what to do about it."""
        corpus = self.state.corpus
        if corpus is None:
            self.empty.show_message("No corpus is open", "Open a corpus folder to search its documents and "
                                    "items.\n" + CORPUS_FORMAT_HINT)
        elif not corpus.documents and self.state.index is not None and not self.state.index.items:
            self.empty.show_message(
                "Nothing to search yet",
                "This corpus has no documents. Add some (File ▸ Add Documents…, or drop files on the window), "
                "then select text in them to make events, voices and actors.\n" + CORPUS_FORMAT_HINT)
        elif q and n == 0:
            self.empty.show_message(f"No results for “{q}”",
                                    "Search ignores case and accents and looks in every document and item: "
                                    "try fewer words, or part of a name.")
        else:
            self.empty.clear()

    # -- activating results --------------------------------------------------------------------------
    def _result_items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out.extend(top.child(j) for j in range(top.childCount()))
        return out

    def _on_item_activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        if item.data(0, KIND_ROLE) is None:
            return
        self.activate(item)

    def activate(self, item: QTreeWidgetItem) -> None:
        kind, item_id = item.data(0, KIND_ROLE), item.data(0, ID_ROLE)
        start, end = item.data(0, START_ROLE), item.data(0, END_ROLE)
        if self.tree.currentItem() is not item:
            self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        self.state.select(item_id)
        if kind == "document" and start is not None and start >= 0:
            self.state.reveal(item_id, int(start), int(end))

    def _on_return(self) -> None:
        self.flush()
        self.step(1)

    def step(self, delta: int) -> None:
        """Go to the next (``+1``) or previous (``-1``) result, wrapping around, and activate it."""
        self.flush()
        items = self._result_items()
        if not items:
            return
        current = self.tree.currentItem()
        if current in items:
            i = (items.index(current) + (1 if delta >= 0 else -1)) % len(items)
        else:
            i = 0 if delta >= 0 else len(items) - 1
        self.activate(items[i])

    def focus_search(self) -> None:
        """Focus the line edit with its text selected (the window calls this on Ctrl+F)."""
        self.line_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.line_edit.selectAll()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.line_edit and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            # ↓ moves into the results (Enter there activates one)
            self.flush()
            items = self._result_items()
            if items:
                self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
                if self.tree.currentItem() not in items:
                    self.tree.setCurrentItem(items[0])
            return True
        return super().eventFilter(obj, event)

    # -- for tests and export ------------------------------------------------------------------------
    def result_ids(self) -> list[tuple[str, str, int]]:
        """The results shown, in order: (kind, item id, start offset or -1)."""
        return [(it.data(0, KIND_ROLE), it.data(0, ID_ROLE), int(it.data(0, START_ROLE)))
                for it in self._result_items()]

    def group_titles(self) -> list[str]:
        return [self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount())]

    def export_caption(self) -> str:
        q = self.line_edit.text().strip()
        return f"{self.title} — “{q}”: {len(self._hits)} results" if q else self.title

    def closeEvent(self, ev) -> None:
        self._timer.stop()
        super().closeEvent(ev)
