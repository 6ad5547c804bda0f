"""The documents view: the source texts, with the evidence for the current selection highlighted.

- one tab per document (with more than ``MAX_TABS`` documents, tabs for the few opened and a searchable
  list of them all, with how many passages of the selection each holds); tabs share the bar fairly, the
  full title as tooltip; an empty state when the corpus has no documents;
- title, author/publisher and date on top; the text read-only, as plain text, one laid-out page per
  opened document (``text_layout.DocumentPage``: switching back to a document costs no layout);
- the passages that are evidence for the selection are painted with ``QTextEdit.ExtraSelection`` in the
  colour of the selection's kind (no re-layout); every passage of the document gets a faint dotted
  underline so the reader sees what can be clicked; hovering names what it is evidence for;
- candidate marks (``AppState.candidateMarksChanged``) get a wavy underline of their own, with a tooltip;
- F3 / Shift+F3 (and ◀ ▶) step through the highlighted passages, across documents, in document order
  then text order, wrapping around;
- a click inside a passage selects the item it is evidence for (a menu offers a choice when there are
  several);
- selected text offers New Event / Voice / Actor / Relationship from Selection (a form asked of the
  window through ``AppState.request_item_form``) and Add as Evidence for the selected item; a passage's
  context menu offers Remove from ‹item› and Delete Passage;
- the search query of the state is highlighted in the current document in a colour of its own.

Offsets in the model are Python string indices; a ``QTextDocument`` counts UTF-16 code units and turns
"\\r\\n" into one paragraph separator, so offsets are mapped both ways (``OffsetMap``). The offset map,
the highlight segments and the passages to highlight or underline are Qt-free (``explorer.core.layout.text``,
``explorer.core.index.queries``); this module turns them into extra selections.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import (QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap, QTextCharFormat, QTextCursor,
                           QTextFormat)
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QMenu, QMessageBox, QStackedWidget,
                               QToolButton, QToolTip, QVBoxLayout, QWidget)

from ...core.commands import AddEvidence, AddPassage, DeleteItem, RemoveEvidence
from ...core.corpus import EditError
from ...core.index.queries import clickable_spans, document_to_show, evidence_passages, relationship_label
from ...core.layout.text import CURRENT, PASSAGE, excerpt, highlight_segments, passage_ranges
from ..bridge import AppState
from .base import View
from .document_list import DocumentListPanel, DocumentTabBar
from .style import KIND_COLORS, KIND_LABELS, MUTED_TEXT, TEXT_COLOR, esc, kind_color, ui_font
from .text_layout import DocumentPage
from .widgets import ElidedLabel

#: background of search matches: a cyan that none of the kind colours uses
SEARCH_COLOR = "#3ec9d6"
#: alpha of passage highlights, and of the one the reader stepped to
HIGHLIGHT_ALPHA = 95
CURRENT_ALPHA = 190
#: the dotted underline that marks every passage (what is clickable)
PASSAGE_UNDERLINE = "#9a9a9a"
#: kinds listed in the legend, in this order
LEGEND_KINDS = ("event", "expert", "entity", "relationship", "theme", "passage")
#: the wavy underline of candidate marks (the reading assistant's suggestions, not evidence)
CANDIDATE_COLOR = "#d9480f"
#: what an edit from the text could not do
ERROR_COLOR = "#b02a37"
#: kinds that take passages as evidence
EVIDENCE_KINDS = ("event", "expert", "entity", "relationship", "theme")
#: "New … from Selection": the kind of the form asked for, and its shortcut (none of the window's: the
#: window uses Ctrl+letter and Ctrl+Shift+letter; these work while the focus is in the document view)
NEW_FROM_SELECTION = (("event", "Ctrl+Alt+E"), ("expert", "Ctrl+Alt+V"), ("entity", "Ctrl+Alt+A"),
                      ("relationship", "Ctrl+Alt+R"))
NEW_KIND_LABEL = {"event": "Event", "expert": "Voice", "entity": "Actor", "relationship": "Relationship"}
ADD_EVIDENCE_SHORTCUT = "Ctrl+Alt+P"
LIST_SHORTCUT = "Ctrl+Alt+L"


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

    #: with more documents than this, tabs show the documents opened (at most this many) and a list opens
    #: the others; with this many or fewer, every document has its tab
    MAX_TABS = 8
    #: laid-out pages kept (the least recently shown goes first)
    MAX_PAGES = 6

    #: emitted after the choice menu is shown (tests and the exporter can find it as ``choice_menu``)
    choiceOffered = Signal(list)

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._doc_ids: list[str] = []
        self._tab_docs: list[str] = []  # the documents that have a tab, in tab order
        self._pages: OrderedDict[str, DocumentPage] = OrderedDict()  # laid-out pages, least recent first
        self._tab_marks: dict[str, str | None] = {}  # document id -> kind whose swatch its tab shows
        self._swatches: dict[str | None, QIcon] = {}
        self._evidence_version = 0  # bumped when which passages are evidence changes (the underlines)
        self._current: str | None = None
        self._targets: list = []  # the selection's passages, in document order then text order
        self._pos = -1  # index into _targets of the passage the reader is on
        self._search_ranges: list[tuple[int, int]] = []
        self._candidates: dict[str, list[tuple[int, int, str]]] = {}  # document id -> candidate marks
        self._press_pos: QPoint | None = None
        self._switching = False
        self.choice_menu: QMenu | None = None
        self.context_menu: QMenu | None = None  # the last context menu built
        self.confirm_box: QMessageBox | None = None  # open while "Delete Passage…" asks
        self._blank: DocumentPage | None = None  # the page when no document is on show

        self._formats()
        self._build_ui()
        self._build_actions()

        self.listen(state.corpusChanged, self._on_corpus_changed)
        self.listen(state.corpusEdited, self._on_corpus_edited)
        self.listen(state.selectionChanged, self._on_selection_changed)
        self.listen(state.filtersChanged, self._on_filters_changed)
        self.listen(state.searchChanged, self._on_search_changed)
        self.listen(state.revealRequested, self._on_reveal_requested)
        self.listen(state.candidateMarksChanged, self._on_candidate_marks)
        self._on_corpus_changed()

    # -- building ----------------------------------------------------------------------------------
    def _formats(self) -> None:
        self._underline_fmt = QTextCharFormat()
        self._underline_fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        self._underline_fmt.setUnderlineColor(QColor(PASSAGE_UNDERLINE))
        self._candidate_fmt = QTextCharFormat()
        self._candidate_fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._candidate_fmt.setUnderlineColor(QColor(CANDIDATE_COLOR))
        for fmt in (self._underline_fmt, self._candidate_fmt):
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        # no minimum size pushed onto a top-level window (offscreen Qt warns it cannot propagate it)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(0)
        self.list_button = QToolButton(self)
        self.list_button.setObjectName("documentListButton")
        self.list_button.setCheckable(True)
        self.list_button.setAutoRaise(True)
        self.list_button.setFont(ui_font(9.5))
        self.list_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.list_button.toggled.connect(self._on_list_toggled)
        self.list_button.setVisible(False)
        bar.addWidget(self.list_button)
        self.tabs = DocumentTabBar(self)
        self.tabs.setObjectName("documentTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setFont(ui_font(9.5))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.tabs.tabCloseRequested.connect(self._on_tab_close)
        bar.addWidget(self.tabs, 1)
        layout.addLayout(bar)

        self.header = header = QWidget(self)
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
        self.message_label = QLabel(header)  # what an edit from the text could not do, until the next one
        self.message_label.setObjectName("documentMessage")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        self.message_label.setFont(ui_font(9))
        self.message_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.message_label.setVisible(False)
        hl.addWidget(self.message_label)
        layout.addWidget(header)

        self.header_line = QFrame(self)
        self.header_line.setFrameShape(QFrame.Shape.HLine)
        self.header_line.setStyleSheet("color: #e2e2e2;")
        layout.addWidget(self.header_line)

        self.stack = QStackedWidget(self)
        self._blank = self._new_page(None, "")
        self.list_panel = DocumentListPanel(self.stack)
        self.list_panel.documentActivated.connect(self.open_document)
        self.stack.addWidget(self.list_panel)
        self.empty_state = QLabel(self.stack)
        self.empty_state.setObjectName("documentEmptyState")
        self.empty_state.setTextFormat(Qt.TextFormat.RichText)
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setContentsMargins(40, 30, 40, 30)
        self.empty_state.setFont(ui_font(10.5))
        self.empty_state.setStyleSheet(f"color: {MUTED_TEXT}; background: #ffffff;")
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)

        self.legend = QLabel(self)
        self.legend.setObjectName("documentLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setFont(ui_font(8.5))
        self.legend.setContentsMargins(18, 5, 18, 6)
        self.legend.setStyleSheet(f"color: {MUTED_TEXT}; background: #fafafa; border-top: 1px solid #e6e6e6;")
        self.legend.setText(self._legend_html())
        layout.addWidget(self.legend)

    def _new_page(self, doc_id: str | None, text: str) -> DocumentPage:
        page = DocumentPage(doc_id, text, self.stack)
        page.viewport().installEventFilter(self)
        page.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        page.customContextMenuRequested.connect(partial(self._on_context_menu_requested, page))
        page.selectionChanged.connect(self._update_actions)
        self.stack.addWidget(page)
        return page

    @property
    def text(self) -> DocumentPage:
        """The page of the document on show (a blank page when there is none)."""
        return self._pages.get(self._current) or self._blank if self._current is not None else self._blank

    @property
    def _map(self):
        return self.text.map

    def _legend_html(self, candidates: bool = False) -> str:
        parts = [f'<span style="color:{KIND_COLORS[k]};">■</span>&nbsp;{esc(KIND_LABELS[k])}'
                 for k in LEGEND_KINDS]
        parts.append(f'<span style="color:{SEARCH_COLOR};">■</span>&nbsp;Search match')
        parts.append('<span style="text-decoration: underline dotted;">dotted</span>&nbsp;= clickable evidence')
        if candidates:
            parts.append(f'<span style="color:{CANDIDATE_COLOR};">〰</span>&nbsp;= candidate (not yet evidence)')
        return "&nbsp;&nbsp; ".join(parts)

    def _action(self, text: str, shortcut: str | None, slot) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutVisibleInContextMenu(True)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.next_action = self._action("Next highlighted passage", None, self.next_highlight)
        self.next_action.setShortcut(QKeySequence(Qt.Key.Key_F3))
        self.previous_action = self._action("Previous highlighted passage", None, self.previous_highlight)
        self.previous_action.setShortcut(QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_F3))
        #: kind -> "New … from Selection" (the window's form makes the passage and the item on accept)
        self.new_actions: dict[str, QAction] = {}
        for kind, shortcut in NEW_FROM_SELECTION:
            self.new_actions[kind] = self._action(f"New {NEW_KIND_LABEL[kind]} from Selection", shortcut,
                                                  partial(self.new_from_selection, kind))
        self.add_evidence_action = self._action("Add as Evidence", ADD_EVIDENCE_SHORTCUT,
                                                self.add_selection_as_evidence)
        self.list_action = self._action("Document List", LIST_SHORTCUT, self.toggle_document_list)
        self._update_actions()

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

    # -- tabs and pages -----------------------------------------------------------------------------
    def _many(self) -> bool:
        """Whether the corpus has more documents than tabs (then the list opens the others)."""
        return len(self._doc_ids) > self.MAX_TABS

    def _set_tabs(self, doc_ids: list[str]) -> None:
        """Show exactly these documents as tabs, in this order (touching only what changes)."""
        index = self.state.index
        self._switching = True
        try:
            if doc_ids[:len(self._tab_docs)] != self._tab_docs[:len(doc_ids)] or len(doc_ids) < len(self._tab_docs):
                while self.tabs.count():
                    self.tabs.removeTab(0)
                self._tab_docs = []
                self._tab_marks = {}
            for doc_id in doc_ids[len(self._tab_docs):]:
                title = index.items[doc_id].title if index is not None else doc_id
                i = self.tabs.addTab(title)
                self.tabs.setTabToolTip(i, title)
                self._tab_docs.append(doc_id)
            if self._current in self._tab_docs:
                self.tabs.setCurrentIndex(self._tab_docs.index(self._current))
        finally:
            self._switching = False

    def _open_tab(self, doc_id: str) -> None:
        """Give a document a tab (with many documents, in place of the one shown longest ago)."""
        if doc_id in self._tab_docs:
            return
        tabs = list(self._tab_docs)
        if len(tabs) >= self.MAX_TABS:
            recent = list(self._pages)  # least recently shown first
            victims = [d for d in tabs if d != self._current]
            victims.sort(key=lambda d: recent.index(d) if d in recent else -1)
            tabs.remove(victims[0])
            self._drop_page(victims[0])
        tabs.append(doc_id)
        self._set_tabs(tabs)

    def _on_tab_close(self, i: int) -> None:
        if not 0 <= i < len(self._tab_docs) or len(self._tab_docs) <= 1:
            return
        doc_id = self._tab_docs[i]
        tabs = [d for d in self._tab_docs if d != doc_id]
        self._drop_page(doc_id)
        if doc_id == self._current:
            recent = [d for d in reversed(self._pages) if d in tabs]
            self._set_tabs(tabs)
            self._switch_to(recent[0] if recent else tabs[0])
        else:
            self._set_tabs(tabs)

    def _page(self, doc_id: str, doc) -> DocumentPage:
        """The laid-out page of a document (made when first shown; the least recent go past MAX_PAGES)."""
        page = self._pages.get(doc_id)
        if page is not None and page.source_text is not doc.text and page.source_text != doc.text:
            self._drop_page(doc_id)
            page = None
        if page is None:
            page = self._new_page(doc_id, doc.text)
            self._pages[doc_id] = page
        self._pages.move_to_end(doc_id)
        while len(self._pages) > self.MAX_PAGES:
            oldest = next(iter(self._pages))
            self._drop_page(oldest)
        return page

    def _drop_page(self, doc_id: str) -> None:
        page = self._pages.pop(doc_id, None)
        if page is not None:
            self.stack.removeWidget(page)
            page.deleteLater()

    def _drop_pages(self) -> None:
        for doc_id in list(self._pages):
            self._drop_page(doc_id)

    def _sync_stack(self) -> None:
        """What the middle shows: the list, the empty state, or the page of the document on show."""
        no_documents = not self._doc_ids
        listing = self.list_button.isChecked() and not no_documents
        if no_documents:
            self.empty_state.setText(self._empty_html())
            self.stack.setCurrentWidget(self.empty_state)
        elif listing:
            self.stack.setCurrentWidget(self.list_panel)
        else:
            self.stack.setCurrentWidget(self.text)
        self.header.setVisible(not no_documents and not listing)
        self.header_line.setVisible(not no_documents and not listing)
        self.legend.setVisible(not no_documents and not listing)

    def _empty_html(self) -> str:
        if self.state.index is None:
            return ("<p style='font-size:13pt; color:#222;'>No corpus is open</p>"
                    "<p>Open a corpus folder with <b>File ▸ Open Corpus Folder…</b></p>")
        return ("<p style='font-size:13pt; color:#222;'>No documents yet</p>"
                "<p>This corpus has no documents to read, so there is nothing to highlight or to take "
                "passages from.</p>"
                "<p>Add your sources with <b>File ▸ Add Documents…</b> (.txt, .md, .html, .pdf, .docx), "
                "then select text in a document and choose <b>New Event from Selection</b>.</p>"
                "<p>Or list them in the corpus folder's <tt>documents.json</tt>: see “The corpus format” "
                "in the README.</p>")

    # -- the document list --------------------------------------------------------------------------
    def toggle_document_list(self) -> None:
        if self._many():
            self.list_button.setChecked(not self.list_button.isChecked())

    def show_document_list(self, shown: bool = True) -> None:
        self.list_button.setChecked(shown and self._many())

    def _on_list_toggled(self, shown: bool) -> None:
        if shown:
            self._update_list_counts()
        self._sync_stack()
        if shown:
            self.list_panel.focus_filter()

    def open_document(self, doc_id: str) -> None:
        """Open a document from the list: its tab, the list closed (the selection stays)."""
        self.list_button.setChecked(False)
        self._switch_to(doc_id)
        self.text.setFocus()

    def _update_list_counts(self) -> None:
        if not self._many():
            return
        counts: dict[str, int] = {}
        for p in self._targets:
            counts[p.document] = counts.get(p.document, 0) + 1
        item = self.state.item()
        label = item.label if item is not None and item.item_kind != "document" else ""
        self.list_panel.set_counts(counts, label)

    # -- state -> view -------------------------------------------------------------------------------
    def _on_corpus_changed(self) -> None:
        index = self.state.index
        corpus = self.state.corpus
        self._drop_pages()
        self._current = None
        self._targets = []
        self._pos = -1
        self._candidates = {}
        self._evidence_version += 1
        self._doc_ids = [d.id for d in corpus.documents] if (corpus is not None and index is not None) else []
        self._set_tabs([])
        self._set_tabs(self._doc_ids if not self._many() else self._doc_ids[:1])
        self._update_list_button()
        if self._many():
            self.list_panel.set_documents(corpus.documents)
        if index is not None and self._doc_ids:
            self._show_document(self._doc_ids[0])
        else:
            self._show_document(None)
        self._on_selection_changed(self.state.selection)
        self._on_search_changed(self.state.search_query, scroll=False)

    def _update_list_button(self) -> None:
        many = self._many()
        self.list_button.setVisible(many)
        self.list_button.setText(f"☰  All {len(self._doc_ids):,} documents")
        self.list_button.setToolTip(f"List every document, to find and open one "
                                    f"({self.list_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
        self.tabs.setTabsClosable(many)
        if not many and self.list_button.isChecked():
            self.list_button.setChecked(False)

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
            for doc_id, (old, new) in change.changed.items():
                if getattr(old, "text", None) != getattr(new, "text", None):
                    self._drop_page(doc_id)
                    reload_text = reload_text or doc_id == current
            for doc_id in change.removed:
                self._drop_page(doc_id)
            self._doc_ids = [d.id for d in corpus.documents]
            if self._many():
                tabs = [d for d in self._tab_docs if d in index.items] or self._doc_ids[:1]
            else:
                tabs = list(self._doc_ids)
            self._set_tabs([])
            self._set_tabs(tabs)
            self._update_list_button()
            if self._many():
                self.list_panel.set_documents(corpus.documents)
            if current is not None and not reload_text:
                doc = index.items[current]
                self.title_label.setText(doc.title)
                self.meta_label.setText(self._meta_text(doc))
                self.meta_label.setToolTip(doc.date_note or "")
        if _evidence_changed(change):  # which passages are clickable evidence: the dotted underlines
            self._evidence_version += 1
        if reload_text:
            self._current = None
            self._show_document(current or (self._doc_ids[0] if self._doc_ids else None))
        # the selection's passages again, without scrolling away from where the reader is
        selection = self.state.selection
        self._targets = evidence_passages(index, selection, self._doc_ids) if (
            selection is not None and self.state.kind(selection) != "document") else []
        self._pos = next((i for i, p in enumerate(self._targets) if p.document == self._current), -1)
        self._refresh()
        self._update_actions()
        self._sync_stack()
        if not reload_text:
            self.text.verticalScrollBar().setValue(scroll)

    def _on_selection_changed(self, item_id: str | None) -> None:
        index = self.state.index
        self._targets = []
        self._pos = -1
        self._say("")
        if index is None or not self._doc_ids:
            self._refresh()
            self._update_actions()
            return
        kind = self.state.kind(item_id)
        if kind == "document":
            self._show_document(item_id)
            self._refresh()
            self._update_actions()
            return
        self._targets = evidence_passages(index, item_id, self._doc_ids)
        if self._targets:
            doc_id = document_to_show(self._targets, self._doc_ids, self._current)
            if doc_id is not None:
                self._show_document(doc_id)
            self._pos = next(i for i, p in enumerate(self._targets) if p.document == self._current)
        self._update_actions()
        if self._pos >= 0:
            self._go_to(self._pos)
        else:
            self._refresh()

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
        self.list_button.setChecked(False)
        if doc_id != self._current:
            self._show_document(doc_id)
            self._on_search_changed(self.state.search_query, scroll=False)
        self._scroll_to(start, center=True)
        self.text.setTextCursor(self._cursor(start, end))

    def _on_candidate_marks(self, doc_id: str, spans: list) -> None:
        """Candidate marks (not evidence) for a document: [(start, end, tooltip)] in code points; [] clears."""
        index = self.state.index
        doc = index.items.get(doc_id) if index is not None else None
        n = len(doc.text) if doc is not None and doc.item_kind == "document" else 0
        marks = []
        for span in spans or []:
            try:
                start, end, tip = int(span[0]), int(span[1]), str(span[2]) if len(span) > 2 else ""
            except (TypeError, ValueError, IndexError):
                continue
            if 0 <= start < end <= n:
                marks.append((start, end, tip))
        if marks:
            self._candidates[doc_id] = sorted(marks)
        else:
            self._candidates.pop(doc_id, None)
        if doc_id == self._current:
            self._apply_highlights()
            self.legend.setText(self._legend_html(bool(marks)))

    # -- documents ----------------------------------------------------------------------------------
    def _on_tab_changed(self, i: int) -> None:
        if self._switching or not 0 <= i < len(self._tab_docs):
            return
        self.list_button.setChecked(False)
        self._switch_to(self._tab_docs[i])

    def _switch_to(self, doc_id: str) -> None:
        """The reader goes to a document (a tab, the list): the selection's passages there, if any."""
        self._show_document(doc_id)
        here = [j for j, p in enumerate(self._targets) if p.document == self._current]
        if here:
            self._pos = here[0]
            self._go_to(self._pos)
        else:
            self._refresh()
        self._update_actions()

    def _show_document(self, doc_id: str | None) -> None:
        """Show a document's page (laid out when first shown) and its header."""
        index = self.state.index
        doc = index.items.get(doc_id) if (index is not None and doc_id) else None
        if doc is not None and doc.item_kind != "document":
            doc = None
        if doc_id == self._current and doc_id is not None and doc_id in self._pages:
            self._pages.move_to_end(doc_id)
            return
        self._current = doc_id if doc is not None else None
        if doc is not None:
            self._open_tab(doc.id)
            self._page(doc.id, doc)
            self._switching = True
            try:
                self.tabs.setCurrentIndex(self._tab_docs.index(doc.id))
            finally:
                self._switching = False
        self._sync_stack()
        if doc is None:
            self.title_label.setText("No document" if index is None else "")
            self.meta_label.setText("")
        else:
            self.title_label.setText(doc.title)
            self.meta_label.setText(self._meta_text(doc))
            self.meta_label.setToolTip(doc.date_note or "")
        self._search_ranges = (index.find_in_document(doc.id, self.state.search_query)
                               if (index is not None and doc is not None) else [])
        self.legend.setText(self._legend_html(bool(self._candidates.get(self._current))))

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
        if self.list_button.isChecked():
            self._update_list_counts()

    def _cursor(self, start: int, end: int) -> QTextCursor:
        return self.text.cursor_for(start, end)

    def _apply_highlights(self) -> None:
        index = self.state.index
        page = self.text
        if index is None or self._current is None:
            page.set_marks([])
            return
        key = (self._evidence_version, self.state.filters)
        if page.underlines is None or page.underlines[0] != key:
            # every clickable passage dotted: the same for every selection, so kept per page
            page.underlines = (key, clickable_spans(index, self._current, self.state.is_visible))
        marks: list = [(s, e, self._underline_fmt) for s, e in page.underlines[1]]
        marks.extend((s, e, self._candidate_fmt) for s, e, _ in self._candidates.get(self._current, ()))

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
        for fmt in (normal, strong, search):
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        formats = {PASSAGE: normal, CURRENT: strong}
        for start, end, role in highlight_segments(self._targets, self._current, current, self._search_ranges):
            marks.append((start, end, formats.get(role, search)))
        page.set_marks(marks)

    def _update_tab_marks(self) -> None:
        """Mark the tabs of the documents that hold the selection's passages (touching only the tabs whose
        mark changes)."""
        docs = {p.document for p in self._targets}
        kind = self.state.kind()
        icon = self._swatches.get(kind)
        if icon is None:
            icon = self._swatches[kind] = _swatch(kind_color(kind))
        marks = {doc_id: kind for doc_id in docs if doc_id in self._tab_docs}
        for doc_id in set(self._tab_marks) | set(marks):
            if self._tab_marks.get(doc_id) != marks.get(doc_id) and doc_id in self._tab_docs:
                self.tabs.setTabIcon(self._tab_docs.index(doc_id), icon if doc_id in marks else QIcon())
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
        self._scroll_to(target.start, center=True)  # first: the page gives the editor the marks near it
        self._refresh()

    def _scroll_to(self, offset: int, center: bool = False) -> None:
        page = self.text
        cursor = page.cursor_for(offset)
        page.setTextCursor(cursor)
        if center:
            bar = page.verticalScrollBar()
            rect = page.cursorRect(cursor)
            bar.setValue(bar.value() + rect.center().y() - page.viewport().height() // 3)
        page.ensureCursorVisible()

    # -- clicks and tooltips ------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        page = self.text
        if page is not None and obj is page.viewport():
            etype = event.type()
            if etype == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
                self._press_pos = event.position().toPoint()
            elif etype == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
                pos = event.position().toPoint()
                press, self._press_pos = self._press_pos, None
                if press is not None and (pos - press).manhattanLength() <= QApplication.startDragDistance():
                    self._on_text_clicked(pos)
            elif etype == QEvent.Type.ToolTip:
                tip = self.tooltip_at(event.pos())
                if tip:
                    QToolTip.showText(event.globalPos(), tip, obj)
                else:
                    QToolTip.hideText()
                    event.ignore()
                return True
        return super().eventFilter(obj, event)

    def offset_at(self, point: QPoint) -> int | None:
        """The document offset (Python index) of the character under a viewport point, or None when the
        point is off the text (past the end of a line, in the margins)."""
        if self._current is None:
            return None
        page = self.text
        cursor = page.cursorForPosition(point)
        position = cursor.position()
        block = cursor.block()
        layout = block.layout()
        if layout is None or block.length() <= 1:
            return None
        rel = position - block.position()
        line = layout.lineForTextPosition(rel)
        if not line.isValid():
            return None
        block_top_left = page.document().documentLayout().blockBoundingRect(block).topLeft()
        scroll = QPoint(page.horizontalScrollBar().value(), page.verticalScrollBar().value())
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
        return page.map.to_py(position)

    def tooltip_at(self, point: QPoint) -> str:
        """What hovering a viewport point shows: the candidates and the items whose evidence is there, by
        their current labels (the tooltip is made when asked, so it follows every edit)."""
        offset = self.offset_at(point)
        index = self.state.index
        if offset is None or index is None:
            return ""
        lines = [f"Candidate: {tip}" if tip else "Candidate"
                 for start, end, tip in self._candidates.get(self._current, ()) if start <= offset < end]
        items = [i for i in index.items_at(self._current, offset) if self.state.is_visible(i)]
        if items:
            lines.append("Evidence for:")
            lines.extend(f"  {self._item_label(i)}" for i in items[:12])
            if len(items) > 12:
                lines.append(f"  and {len(items) - 12} more")
        return "\n".join(lines)

    def _item_label(self, item_id: str) -> str:
        index = self.state.index
        item = index.items[item_id]
        if item.item_kind == "relationship":
            return f"Relationship: {relationship_label(index, item_id)}"
        return choice_label(item)

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

    # -- from a passage to an item ------------------------------------------------------------------
    def selected_range(self) -> tuple[int, int] | None:
        """The text selection as (start, end) code points of the document on show, without the white
        space at either end; None when nothing (or only white space) is selected."""
        if self._current is None or self.state.index is None:
            return None
        rng = self.text.selection_range()
        if rng is None:
            return None
        text = self.text.source_text
        start, end = rng
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def _evidence_target(self, rng) -> tuple[str | None, str]:
        """(item id, "") the selection can be evidence for, or (None, why not)."""
        if rng is None:
            return None, "select text in the document first"
        item = self.state.item()
        if item is None or item.item_kind not in EVIDENCE_KINDS:
            return None, "select an event, voice, actor, relationship or theme first"
        existing = self._passage_with(self._current, *rng)
        if existing is not None and existing.id in self.state.index.passages_of(item.id):
            return None, f"already evidence for ‘{excerpt(item.label, 40)}’"
        return item.id, ""

    def _passage_with(self, doc_id: str, start: int, end: int):
        return next((p for p in self.state.index.passages_at(doc_id, start)
                     if p.start == start and p.end == end), None)

    def _update_actions(self) -> None:
        rng = self.selected_range()
        for action in self.new_actions.values():
            action.setEnabled(rng is not None)
        target, why = self._evidence_target(rng)
        action = self.add_evidence_action
        action.setEnabled(target is not None)
        if target is not None:
            label = excerpt(self.state.index.items[target].label, 40).replace("&", "&&")
            action.setText(f"Add as Evidence for ‘{label}’")
            action.setToolTip(f"Add the selected text as a passage of evidence for ‘{label}’")
        else:
            action.setText(f"Add as Evidence ({why})")
            action.setToolTip(f"Add as Evidence: {why}")
        self.list_action.setEnabled(self._many())

    def new_from_selection(self, kind: str) -> None:
        """Ask for the form of a new item of ``kind`` with the selected text as its passage."""
        rng = self.selected_range()
        if rng is None:
            self._say("Select text in the document first: it becomes the new item's passage.")
            return
        start, end = rng
        self._say("")
        self.state.request_item_form(kind, document=self._current, start=start, end=end,
                                     quote=self.text.source_text[start:end])

    def add_selection_as_evidence(self) -> None:
        """The selected text as a passage of evidence for the selected item: one undo step (the passage
        is made unless one with exactly these offsets exists)."""
        rng = self.selected_range()
        target, why = self._evidence_target(rng)
        if target is None:
            self._say(f"Add as Evidence: {why}.")
            return
        start, end = rng
        label = excerpt(self.state.index.items[target].label, 40)
        existing = self._passage_with(self._current, start, end)
        try:
            with self.state.group(f"Add Evidence to ‘{label}’"):
                if existing is not None:
                    passage_id = existing.id
                else:
                    add = AddPassage(self._current, quote=self.text.source_text[start:end], start=start, end=end)
                    self.state.do(add)
                    passage_id = add.new_id
                self.state.do(AddEvidence(target, passage_id))
        except EditError as exc:
            self._say(f"Add as Evidence: {exc}")
            return
        self._say("")

    def remove_evidence(self, item_id: str, passage_id: str) -> None:
        """Take a passage from an item's evidence (one command; the passage stays)."""
        item = self.state.item(item_id)
        if item is None:
            return
        position = None
        if passage_id not in getattr(item, "passages", ()):
            position = next((k for k, pos in enumerate(getattr(item, "positions", ()))
                             if passage_id in pos.passages), None)
        try:
            self.state.do(RemoveEvidence(item_id, passage_id, position))
        except EditError as exc:
            self._say(f"Remove from ‘{item.label}’: {exc}")
            return
        self._say("")

    def delete_passage(self, passage_id: str) -> QMessageBox | None:
        """Delete a passage (one command, taking it from every item's evidence). A passage that is
        evidence for several items names them in a confirmation first; returns that box (not modal)."""
        index = self.state.index
        if index is None or passage_id not in index.passages:
            return None
        items = index.items_of_passage(passage_id)
        if len(items) < 2:
            self._delete_passage_now(passage_id)
            return None
        passage = index.passages[passage_id]
        names = [self._item_label(i) for i in items]
        shown = "\n".join(f"• {n}" for n in names[:15])
        if len(names) > 15:
            shown += f"\n… and {len(names) - 15} more"
        box = QMessageBox(QMessageBox.Icon.Warning, "Delete Passage",
                          f"“{excerpt(passage.quote, 80)}” is evidence for {len(items)} items:", parent=self)
        box.setInformativeText(f"{shown}\n\nDeleting the passage takes it from the evidence of each of them.")
        box.setObjectName("deletePassageConfirmation")
        delete = box.addButton("Delete Passage", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def done(_result=None) -> None:
            if box.clickedButton() is delete:
                self._delete_passage_now(passage_id)
            self.confirm_box = None
            box.deleteLater()

        box.finished.connect(done)
        self.confirm_box = box
        box.open()
        return box

    def _delete_passage_now(self, passage_id: str) -> None:
        try:
            self.state.do(DeleteItem(passage_id, cascade=True))
        except EditError as exc:
            self._say(f"Delete Passage: {exc}")
            return
        self._say("")

    def _say(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))

    def build_context_menu(self, point: QPoint | None = None) -> QMenu:
        """The text's context menu at a viewport point: New … from Selection and Add as Evidence for the
        selected text; Remove from ‹item› and Delete Passage for the passages under the point; Copy and
        Select All. Kept as ``context_menu``."""
        if self.context_menu is not None:
            self.context_menu.close()
            self.context_menu.deleteLater()
        page = self.text
        self._update_actions()
        menu = QMenu(self)
        menu.setObjectName("documentContextMenu")
        menu.setFont(ui_font(10))
        menu.setToolTipsVisible(True)
        for kind, action in self.new_actions.items():
            if not action.isEnabled():
                action.setToolTip("Select text in the document first")
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.add_evidence_action)
        index = self.state.index
        offset = self.offset_at(point) if point is not None else None
        passages = sorted(index.passages_at(self._current, offset), key=lambda p: p.end - p.start) if (
            offset is not None and index is not None) else []
        for p in passages:
            menu.addSeparator()
            if len(passages) > 1:
                head = menu.addAction(f"Passage “{excerpt(p.quote, 40)}”".replace("&", "&&"))
                head.setEnabled(False)
            for item_id in index.items_of_passage(p.id):
                label = excerpt(index.items[item_id].label, 40).replace("&", "&&")
                action = menu.addAction(_swatch(kind_color(index.kind_of(item_id))), f"Remove from ‘{label}’")
                action.setData(("remove", item_id, p.id))
                action.setToolTip(f"Take this passage from the evidence of {self._item_label(item_id)}")
                action.triggered.connect(partial(self.remove_evidence, item_id, p.id))
            many = len(index.items_of_passage(p.id)) > 1
            action = menu.addAction("Delete Passage…" if many else "Delete Passage")
            action.setData(("delete", p.id))
            action.triggered.connect(partial(self.delete_passage, p.id))
        menu.addSeparator()
        copy = menu.addAction("Copy", page.copy)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutVisibleInContextMenu(True)
        copy.setEnabled(page.textCursor().hasSelection())
        select_all = menu.addAction("Select All", page.selectAll)
        select_all.setShortcut(QKeySequence.StandardKey.SelectAll)
        select_all.setShortcutVisibleInContextMenu(True)
        self.context_menu = menu
        return menu

    def _on_context_menu_requested(self, page: DocumentPage, pos: QPoint) -> None:
        if page is not self.text:
            return
        menu = self.build_context_menu(page.viewport().mapFrom(page, pos))
        menu.popup(page.mapToGlobal(pos))

    # -- for tests and export -----------------------------------------------------------------------
    def current_document_id(self) -> str | None:
        return self._current

    def tab_documents(self) -> list[str]:
        """The documents that have a tab, in tab order."""
        return list(self._tab_docs)

    def highlight_ranges(self) -> list[tuple[int, int]]:
        """(start, end) of the highlighted passages in the current document, in text order."""
        return passage_ranges([p for p in self._targets if p.document == self._current])

    def candidate_ranges(self) -> list[tuple[int, int, str]]:
        """The candidate marks of the document on show: (start, end, tooltip)."""
        return list(self._candidates.get(self._current, ()))

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
