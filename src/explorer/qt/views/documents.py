"""The documents view: the source texts, with the evidence for the current selection highlighted.

- one tab per document; title, author/publisher and date on top; the text read-only, as plain text;
- the passages that are evidence for the selection are painted with ``QTextEdit.ExtraSelection`` in the
  colour of the selection's kind (no re-layout); every passage of the document gets a faint dotted
  underline so the reader sees what can be clicked;
- F3 / Shift+F3 (and ◀ ▶) step through the highlighted passages, across documents, in document order
  then text order, wrapping around;
- a click inside a passage selects the item it is evidence for (a menu offers a choice when there are
  several);
- the search query of the state is highlighted in the current document in a colour of its own.

Offsets in the model are Python string indices; a ``QTextDocument`` counts UTF-16 code units and turns
"\\r\\n" into one paragraph separator, so offsets are mapped both ways (``OffsetMap``). The offset map,
the highlight segments and the passages to highlight or underline are Qt-free (``explorer.core.layout.text``,
``explorer.core.index.queries``); this module turns them into extra selections.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import (QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap, QTextBlockFormat,
                           QTextCharFormat, QTextCursor, QTextFormat)
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QMenu, QTabBar,
                               QTextEdit, QToolButton, QVBoxLayout, QWidget)

from ...core.index.queries import clickable_passages, document_to_show, evidence_passages
from ...core.layout.text import CURRENT, PASSAGE, OffsetMap, highlight_segments, passage_ranges
from ..bridge import AppState
from .base import View
from .widgets import ElidedLabel
from .style import KIND_COLORS, KIND_LABELS, MUTED_TEXT, TEXT_COLOR, esc, kind_color, ui_font

#: background of search matches: a cyan that none of the kind colours uses
SEARCH_COLOR = "#3ec9d6"
#: alpha of passage highlights, and of the one the reader stepped to
HIGHLIGHT_ALPHA = 95
CURRENT_ALPHA = 190
#: the dotted underline that marks every passage (what is clickable)
PASSAGE_UNDERLINE = "#9a9a9a"
#: kinds listed in the legend, in this order
LEGEND_KINDS = ("event", "expert", "entity", "relationship", "theme", "passage")


def _swatch(color: QColor, size: int = 10) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pix)


def choice_label(item) -> str:
    """"Kind: label" as offered in the choice menu (voices say which kind of voice they are)."""
    kind = item.item_kind
    if kind == "expert":
        prefix = item.voice.capitalize()
    elif kind == "entity":
        prefix = "Actor"
    else:
        prefix = KIND_LABELS.get(kind, kind.capitalize())
    return f"{prefix}: {item.label}"


class DocumentView(View):
    title = "Documents"
    view_name = "document"

    #: emitted after the choice menu is shown (tests and the exporter can find it as ``choice_menu``)
    choiceOffered = Signal(list)

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._doc_ids: list[str] = []
        self._tab_of: dict[str, int] = {}  # document id -> tab index
        self._tab_marks: dict[str, str | None] = {}  # document id -> kind whose swatch its tab shows
        self._swatches: dict[str | None, QIcon] = {}
        self._underlines: tuple[object, list] | None = None  # ((document, filters), extra selections)
        self._current: str | None = None
        self._map = OffsetMap("")
        self._targets: list = []  # the selection's passages, in document order then text order
        self._pos = -1  # index into _targets of the passage the reader is on
        self._search_ranges: list[tuple[int, int]] = []
        self._press_pos: QPoint | None = None
        self._switching = False
        self.choice_menu: QMenu | None = None

        self._build_ui()
        self._build_actions()

        self.listen(state.corpusChanged, self._on_corpus_changed)
        self.listen(state.corpusEdited, self._on_corpus_edited)
        self.listen(state.selectionChanged, self._on_selection_changed)
        self.listen(state.filtersChanged, self._on_filters_changed)
        self.listen(state.searchChanged, self._on_search_changed)
        self.listen(state.revealRequested, self._on_reveal_requested)
        self._on_corpus_changed()

    # -- building ----------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        # no minimum size pushed onto a top-level window (offscreen Qt warns it cannot propagate it)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        self.tabs = QTabBar(self)
        self.tabs.setObjectName("documentTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setFont(ui_font(9.5))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        layout.addWidget(self.tabs)

        header = QWidget(self)
        header.setObjectName("documentHeader")
        hl = QVBoxLayout(header)
        hl.setContentsMargins(18, 12, 18, 6)
        hl.setSpacing(3)
        self.title_label = QLabel(header)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        self.title_label.setFont(ui_font(13, bold=True))
        self.title_label.setStyleSheet(f"color: {TEXT_COLOR};")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label = QLabel(header)
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setWordWrap(True)
        self.meta_label.setFont(ui_font(9.5))
        self.meta_label.setStyleSheet(f"color: {MUTED_TEXT};")
        hl.addWidget(self.title_label)
        hl.addWidget(self.meta_label)

        nav = QHBoxLayout()
        nav.setContentsMargins(0, 4, 0, 0)
        nav.setSpacing(4)
        self.status_label = ElidedLabel("", header)
        self.status_label.setFont(ui_font(9))
        self.status_label.setStyleSheet(f"color: {MUTED_TEXT};")
        nav.addWidget(self.status_label, 1)
        self.prev_button = QToolButton(header)
        self.prev_button.setText("◀")
        self.prev_button.setAutoRaise(True)
        self.prev_button.setToolTip("Previous highlighted passage (Shift+F3)")
        self.prev_button.clicked.connect(self.previous_highlight)
        self.position_label = QLabel(header)
        self.position_label.setTextFormat(Qt.TextFormat.PlainText)
        self.position_label.setFont(ui_font(9))
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.position_label.setMinimumWidth(56)
        self.next_button = QToolButton(header)
        self.next_button.setText("▶")
        self.next_button.setAutoRaise(True)
        self.next_button.setToolTip("Next highlighted passage (F3)")
        self.next_button.clicked.connect(self.next_highlight)
        for w in (self.prev_button, self.position_label, self.next_button):
            policy = w.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # the header keeps its height with nothing to step through
            w.setSizePolicy(policy)
            nav.addWidget(w)
        hl.addLayout(nav)
        layout.addWidget(header)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #e2e2e2;")
        layout.addWidget(line)

        self.text = QTextEdit(self)
        self.text.setObjectName("documentText")
        self.text.setReadOnly(True)
        self.text.setAcceptRichText(False)
        self.text.setUndoRedoEnabled(False)
        self.text.setFrameShape(QFrame.Shape.NoFrame)
        self.text.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setFont(ui_font(10.5))
        self.text.setStyleSheet(f"QTextEdit {{ background: #ffffff; color: {TEXT_COLOR}; }}")
        self.text.document().setDocumentMargin(20)
        self.text.viewport().installEventFilter(self)
        self.text.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        layout.addWidget(self.text, 1)

        self.legend = QLabel(self)
        self.legend.setObjectName("documentLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setFont(ui_font(8.5))
        self.legend.setContentsMargins(18, 5, 18, 6)
        self.legend.setStyleSheet(f"color: {MUTED_TEXT}; background: #fafafa; border-top: 1px solid #e6e6e6;")
        self.legend.setText(self._legend_html())
        layout.addWidget(self.legend)

    @staticmethod
    def _legend_html() -> str:
        parts = [f'<span style="color:{KIND_COLORS[k]};">■</span>&nbsp;{esc(KIND_LABELS[k])}'
                 for k in LEGEND_KINDS]
        parts.append(f'<span style="color:{SEARCH_COLOR};">■</span>&nbsp;Search match')
        parts.append('<span style="text-decoration: underline dotted;">dotted</span>&nbsp;= clickable evidence')
        return "&nbsp;&nbsp; ".join(parts)

    def _build_actions(self) -> None:
        self.next_action = QAction("Next highlighted passage", self)
        self.next_action.setShortcut(QKeySequence(Qt.Key.Key_F3))
        self.next_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.next_action.triggered.connect(self.next_highlight)
        self.previous_action = QAction("Previous highlighted passage", self)
        self.previous_action.setShortcut(QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_F3))
        self.previous_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.previous_action.triggered.connect(self.previous_highlight)
        self.addAction(self.next_action)
        self.addAction(self.previous_action)

    def _step_key(self, event) -> int:
        """+1 for F3, -1 for Shift+F3, 0 for any other key."""
        if event.key() != Qt.Key.Key_F3:
            return 0
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == Qt.KeyboardModifier.NoModifier:
            return 1
        return -1 if mods == Qt.KeyboardModifier.ShiftModifier else 0

    def event(self, event) -> bool:
        # The window's "Find Next" is F3 too (QKeySequence.FindNext): with both shortcuts live Qt calls
        # them ambiguous and runs neither. Claiming F3 here while the focus is inside this view lets the
        # key reach keyPressEvent; elsewhere in the window, F3 stays the window's.
        if event.type() == QEvent.Type.ShortcutOverride and self._step_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        step = self._step_key(event)
        if step:
            (self.next_action if step > 0 else self.previous_action).trigger()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- state -> view -------------------------------------------------------------------------------
    def _on_corpus_changed(self) -> None:
        index = self.state.index
        corpus = self.state.corpus
        self._switching = True
        try:
            while self.tabs.count():
                self.tabs.removeTab(0)
            self._doc_ids = [d.id for d in corpus.documents] if corpus is not None else []
            self._tab_of = {doc_id: i for i, doc_id in enumerate(self._doc_ids)}
            self._tab_marks = {}
            self._underlines = None
            for doc in (corpus.documents if corpus is not None else []):
                i = self.tabs.addTab(doc.title)
                self.tabs.setTabToolTip(i, doc.title)
        finally:
            self._switching = False
        self._current = None
        self._targets = []
        self._pos = -1
        if index is not None and self._doc_ids:
            self._show_document(self._doc_ids[0])
        else:
            self._show_document(None)
        self._on_selection_changed(self.state.selection)
        self._on_search_changed(self.state.search_query, scroll=False)

    def _on_corpus_edited(self, change) -> None:
        """An edit: tabs follow added, renamed and removed documents; the document on show stays (and
        where it is scrolled to) unless it was removed or its text changed; underlines, highlights and tab
        marks follow new, changed and removed passages and evidence."""
        index = self.state.index
        corpus = self.state.corpus
        if index is None or corpus is None:
            return
        scroll = self.text.verticalScrollBar().value()
        current = self._current if self._current in index.items else None
        reload_text = current is None
        if "document" in change.kinds():
            if current in change.changed:
                old, new = change.changed[current]
                reload_text = old.text != new.text
            self._switching = True
            try:
                while self.tabs.count():
                    self.tabs.removeTab(0)
                self._doc_ids = [d.id for d in corpus.documents]
                self._tab_of = {doc_id: i for i, doc_id in enumerate(self._doc_ids)}
                for doc in corpus.documents:
                    i = self.tabs.addTab(doc.title)
                    self.tabs.setTabToolTip(i, doc.title)
                if current is not None:
                    self.tabs.setCurrentIndex(self._tab_of[current])
            finally:
                self._switching = False
            self._tab_marks = {}
            if current is not None and not reload_text:
                doc = index.items[current]
                self.title_label.setText(doc.title)
                self.meta_label.setText(self._meta_text(doc))
                self.meta_label.setToolTip(doc.date_note or "")
        if _evidence_changed(change):  # which passages are clickable evidence: the dotted underlines
            self._underlines = None
        if reload_text:
            self._current = None
            self._show_document(current or (self._doc_ids[0] if self._doc_ids else None))
        # the selection's passages again, without scrolling away from where the reader is
        selection = self.state.selection
        self._targets = evidence_passages(index, selection, self._doc_ids) if (
            selection is not None and self.state.kind(selection) != "document") else []
        self._pos = next((i for i, p in enumerate(self._targets) if p.document == self._current), -1)
        self._refresh()
        if not reload_text:
            self.text.verticalScrollBar().setValue(scroll)

    def _on_selection_changed(self, item_id: str | None) -> None:
        index = self.state.index
        self._targets = []
        self._pos = -1
        if index is None or not self._doc_ids:
            self._refresh()
            return
        kind = self.state.kind(item_id)
        if kind == "document":
            self._show_document(item_id)
            self._refresh()
            return
        self._targets = evidence_passages(index, item_id, self._doc_ids)
        if self._targets:
            doc_id = document_to_show(self._targets, self._doc_ids, self._current)
            if doc_id is not None:
                self._show_document(doc_id)
            self._pos = next(i for i, p in enumerate(self._targets) if p.document == self._current)
        self._refresh()
        if self._pos >= 0:
            self._go_to(self._pos)

    def _on_filters_changed(self) -> None:
        self._apply_highlights()

    def _on_search_changed(self, query: str, scroll: bool = True) -> None:
        index = self.state.index
        if index is None or self._current is None:
            self._search_ranges = []
        else:
            self._search_ranges = index.find_in_document(self._current, query)
        self._apply_highlights()
        self._update_status()
        if scroll and self._search_ranges:
            self._scroll_to(self._search_ranges[0][0], center=True)

    def _on_reveal_requested(self, doc_id: str, start: int, end: int) -> None:
        """Show a range of a document (a search match): switch to it, select the range, scroll to it."""
        if doc_id not in self._doc_ids:
            return
        if doc_id != self._current:
            self._show_document(doc_id)
            self._on_search_changed(self.state.search_query, scroll=False)
        self._scroll_to(start, center=True)
        self.text.setTextCursor(self._cursor(start, end))

    # -- documents ----------------------------------------------------------------------------------
    def _on_tab_changed(self, i: int) -> None:
        if self._switching or not 0 <= i < len(self._doc_ids):
            return
        self._show_document(self._doc_ids[i])
        here = [j for j, p in enumerate(self._targets) if p.document == self._current]
        if here:
            self._pos = here[0]
            self._refresh()
            self._go_to(self._pos)
        else:
            self._refresh()

    def _show_document(self, doc_id: str | None) -> None:
        """Load a document's text (only when it changes) and its header."""
        if doc_id == self._current and doc_id is not None:
            return
        self._current = doc_id
        doc = self.state.index.items.get(doc_id) if (self.state.index and doc_id) else None
        if doc is not None and doc_id in self._doc_ids:
            self._switching = True
            try:
                self.tabs.setCurrentIndex(self._tab_of[doc_id])
            finally:
                self._switching = False
        self.text.setExtraSelections([])
        self._underlines = None  # its cursors belong to the text being replaced
        text = doc.text if doc is not None else ""
        self._map = OffsetMap(text)
        self.text.setPlainText(text)
        fmt = QTextBlockFormat()
        fmt.setLineHeight(145, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor = QTextCursor(self.text.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(fmt)
        self.text.moveCursor(QTextCursor.MoveOperation.Start)
        if doc is None:
            self.title_label.setText("No document" if self.state.index is None else "")
            self.meta_label.setText("")
        else:
            self.title_label.setText(doc.title)
            self.meta_label.setText(self._meta_text(doc))
            self.meta_label.setToolTip(doc.date_note or "")
        index = self.state.index
        self._search_ranges = (index.find_in_document(doc_id, self.state.search_query)
                               if (index is not None and doc_id) else [])

    @staticmethod
    def _meta_text(doc) -> str:
        parts = [p for p in (doc.author, doc.publisher) if p]
        if doc.date is not None:
            parts.append(doc.date.display() + (" (inferred)" if doc.date_inferred else ""))
        return " · ".join(parts)

    # -- highlights ---------------------------------------------------------------------------------
    def _refresh(self) -> None:
        self._apply_highlights()
        self._update_tab_marks()
        self._update_status()

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.text.document())
        last = self.text.document().characterCount() - 1
        cursor.setPosition(min(self._map.to_qt(start), last))
        cursor.setPosition(min(self._map.to_qt(end), last), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _extra(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        sel.cursor = self._cursor(start, end)
        sel.format = fmt
        return sel

    def _apply_highlights(self) -> None:
        index = self.state.index
        if index is None or self._current is None:
            self.text.setExtraSelections([])
            return
        key = (self._current, self.state.filters)
        if self._underlines is None or self._underlines[0] != key:
            # every clickable passage dotted: the same for every selection, so built once per document
            underline = QTextCharFormat()
            underline.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            underline.setUnderlineColor(QColor(PASSAGE_UNDERLINE))
            underline.setProperty(QTextFormat.Property.FullWidthSelection, False)
            self._underlines = (key, [self._extra(p.start, p.end, underline)
                                      for p in clickable_passages(index, self._current, self.state.is_visible)])
        extras = list(self._underlines[1])
        mine: list = []

        kind = self.state.kind()
        current = self._targets[self._pos] if 0 <= self._pos < len(self._targets) else None
        normal = QTextCharFormat()
        normal.setBackground(kind_color(kind, HIGHLIGHT_ALPHA))
        strong = QTextCharFormat()
        strong.setBackground(kind_color(kind, CURRENT_ALPHA))
        search = QTextCharFormat()
        color = QColor(SEARCH_COLOR)
        color.setAlpha(150)
        search.setBackground(color)
        search.setForeground(QColor("#0b2e33"))
        formats = {PASSAGE: normal, CURRENT: strong}
        for start, end, role in highlight_segments(self._targets, self._current, current, self._search_ranges):
            mine.append(self._extra(start, end, formats.get(role, search)))
        for sel in mine:
            sel.format.setProperty(QTextFormat.Property.FullWidthSelection, False)
        self.text.setExtraSelections(extras + mine)

    def _update_tab_marks(self) -> None:
        """Mark the tabs of the documents that hold the selection's passages (touching only the tabs whose
        mark changes: a corpus may have a thousand documents)."""
        docs = {p.document for p in self._targets}
        kind = self.state.kind()
        icon = self._swatches.get(kind)
        if icon is None:
            icon = self._swatches[kind] = _swatch(kind_color(kind))
        marks = {doc_id: kind for doc_id in docs}
        for doc_id in set(self._tab_marks) | set(marks):
            if self._tab_marks.get(doc_id) != marks.get(doc_id) and doc_id in self._tab_of:
                self.tabs.setTabIcon(self._tab_of[doc_id], icon if doc_id in marks else QIcon())
        self._tab_marks = marks

    def _update_status(self) -> None:
        n = len(self._targets)
        i, _ = self.highlight_position()
        self.position_label.setText(f"{i} of {n}" if n else "")
        for w in (self.prev_button, self.next_button):
            w.setEnabled(n > 1 or (n == 1 and self._targets[0].document != self._current))
        self.prev_button.setVisible(n > 0)
        self.next_button.setVisible(n > 0)
        self.position_label.setVisible(n > 0)

        parts = []
        item = self.state.item()
        if item is not None and item.item_kind != "document":
            here = sum(1 for p in self._targets if p.document == self._current)
            ndocs = len({p.document for p in self._targets})
            if not n:
                parts.append(f"No passage is evidence for “{item.label}”")
            elif ndocs > 1:
                parts.append(f"“{item.label}”: {here} passage{'s' * (here != 1)} here, {n} in {ndocs} documents")
            else:
                parts.append(f"“{item.label}”: {n} passage{'s' * (n != 1)}")
        query = self.state.search_query.strip()
        if query:
            m = len(self._search_ranges)
            parts.append(f"“{query}”: {m} match{'es' * (m != 1)} here")
        self.status_label.setText("  ·  ".join(parts))
        self.status_label.setToolTip(self.status_label.text())

    # -- stepping -----------------------------------------------------------------------------------
    def next_highlight(self) -> None:
        """Step to the next highlighted passage, into the next document if need be, wrapping around."""
        if self._targets:
            self._go_to((self._pos + 1) % len(self._targets))

    def previous_highlight(self) -> None:
        if self._targets:
            self._go_to((self._pos - 1) % len(self._targets))

    def _go_to(self, pos: int) -> None:
        self._pos = pos
        target = self._targets[pos]
        if target.document != self._current:
            self._show_document(target.document)
        self._refresh()
        self._scroll_to(target.start, center=True)

    def _scroll_to(self, offset: int, center: bool = False) -> None:
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(min(self._map.to_qt(offset), self.text.document().characterCount() - 1))
        self.text.setTextCursor(cursor)
        if center:
            bar = self.text.verticalScrollBar()
            rect = self.text.cursorRect(cursor)
            bar.setValue(bar.value() + rect.center().y() - self.text.viewport().height() // 3)
        self.text.ensureCursorVisible()

    # -- clicks -------------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if obj is self.text.viewport():
            etype = event.type()
            if etype == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
                self._press_pos = event.position().toPoint()
            elif etype == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
                pos = event.position().toPoint()
                press, self._press_pos = self._press_pos, None
                if press is not None and (pos - press).manhattanLength() <= QApplication.startDragDistance():
                    self._on_text_clicked(pos)
        return super().eventFilter(obj, event)

    def offset_at(self, point: QPoint) -> int | None:
        """The document offset (Python index) of the character under a viewport point, or None when the
        point is off the text (past the end of a line, in the margins)."""
        if self._current is None:
            return None
        cursor = self.text.cursorForPosition(point)
        position = cursor.position()
        block = cursor.block()
        layout = block.layout()
        if layout is None or block.length() <= 1:
            return None
        rel = position - block.position()
        line = layout.lineForTextPosition(rel)
        if not line.isValid():
            return None
        block_top_left = self.text.document().documentLayout().blockBoundingRect(block).topLeft()
        scroll = QPoint(self.text.horizontalScrollBar().value(), self.text.verticalScrollBar().value())
        x = point.x() + scroll.x() - block_top_left.x()
        y = point.y() + scroll.y() - block_top_left.y()
        if not (line.y() <= y < line.y() + line.height()):
            return None
        if x < line.x() - 2 or x > line.x() + line.naturalTextWidth() + 2:
            return None
        caret = line.cursorToX(rel)
        caret_x = caret[0] if isinstance(caret, tuple) else caret
        if x < caret_x and rel > line.textStart():
            position -= 1
        if position >= block.position() + block.length() - 1:
            return None  # on the paragraph separator
        return self._map.to_py(position)

    def _on_text_clicked(self, point: QPoint) -> None:
        if self.text.textCursor().hasSelection() or self.state.index is None:
            return
        offset = self.offset_at(point)
        if offset is None:
            return
        items = [i for i in self.state.index.items_at(self._current, offset) if self.state.is_visible(i)]
        if not items:
            return
        if len(items) == 1:
            self.state.select(items[0])
        else:
            self.offer_choice(items, self.text.viewport().mapToGlobal(point))

    def offer_choice(self, item_ids: list[str], global_pos: QPoint) -> QMenu:
        """A menu of "Kind: label" entries at the click; choosing one selects it. Not modal: the menu
        stays reachable as ``choice_menu`` (its actions carry the item ids as data)."""
        if self.choice_menu is not None:
            self.choice_menu.close()
            self.choice_menu.deleteLater()
        menu = QMenu(self)
        menu.setObjectName("documentItemChoice")
        menu.setFont(ui_font(10))
        header = menu.addAction("Evidence for:")
        header.setEnabled(False)
        for item_id in item_ids:
            item = self.state.index.items[item_id]
            action = menu.addAction(_swatch(kind_color(item.item_kind)),
                                    choice_label(item).replace("&", "&&"))
            action.setData(item_id)
            action.triggered.connect(partial(self.state.select, item_id))
        self.choice_menu = menu
        menu.popup(global_pos)
        self.choiceOffered.emit(list(item_ids))
        return menu

    def choice_actions(self) -> list[QAction]:
        """The actions of the last choice menu that select an item."""
        if self.choice_menu is None:
            return []
        return [a for a in self.choice_menu.actions() if a.data()]

    # -- for tests and export -----------------------------------------------------------------------
    def current_document_id(self) -> str | None:
        return self._current

    def highlight_ranges(self) -> list[tuple[int, int]]:
        """(start, end) of the highlighted passages in the current document, in text order."""
        return passage_ranges([p for p in self._targets if p.document == self._current])

    def search_ranges(self) -> list[tuple[int, int]]:
        return list(self._search_ranges)

    def highlight_position(self) -> tuple[int, int]:
        """(i, n): the reader is on highlighted passage i (1-based; 0 when none) of n."""
        n = len(self._targets)
        return (self._pos + 1 if 0 <= self._pos < n else 0), n

    def cursor_offset(self) -> int:
        return self._map.to_py(self.text.textCursor().position())

    def export_widget(self) -> QWidget:
        return self

    def export_caption(self) -> str:
        doc = self.state.item(self._current) if self._current else None
        item = self.state.item()
        caption = self.title + (f" — {doc.title}" if doc is not None else "")
        if item is not None and item is not doc:
            caption += f" — selected: {item.label}"
        return caption


def _evidence_changed(change) -> bool:
    """Whether an edit changed which passages exist or what they are evidence for."""
    if "passage" in change.kinds() or "document" in change.kinds():
        return True
    for item in (*change.added.values(), *change.removed.values()):
        if getattr(item, "passages", None) or getattr(item, "positions", None):
            return True
    for old, new in change.changed.values():
        if getattr(old, "passages", None) != getattr(new, "passages", None) or \
                getattr(old, "positions", None) != getattr(new, "positions", None):
            return True
    return False
