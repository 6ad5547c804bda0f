"""The Candidates panel: what the reading assistant found in a document, for the analyst to accept or dismiss.

- a document chooser and Find (Tools ▸ Find Candidates does the same for the document on screen); the
  search runs off the UI thread (``core.assist.find_candidates`` in a QThread) with a progress bar, and a
  document added to the corpus is searched as soon as it arrives;
- the candidates are grouped by kind (Events, Voices, Actors) and listed in the order of the document,
  each with its date and precision (or native name, or kind); offers to add a passage as evidence for an
  item already in the corpus say so; a filter shows one kind, or only such offers;
- the passage of the current candidate is shown below the list with the mention in bold; selecting one
  marks the candidates in the document view (``state.set_candidate_marks``, the current one first, with its
  passage), shows the passage there (``state.reveal``) and, for a dated one, a ghost on the timeline
  (``state.set_ghost``);
- Accept opens the new-item form pre-filled (``state.request_item_form``), or, for an offer of evidence,
  adds the passage as evidence at once (one undoable step); Accept All Shown accepts every shown candidate
  with default fields as one undoable step; Dismiss hides a candidate for good (``core.assist.Dismissed``:
  per corpus and document, in the user's state folder), the Dismissed filter lists them to Restore one;
  Enter accepts and Delete dismisses. After an edit the list is worked out again, so
  that what was accepted leaves it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QStyle, QStyledItemDelegate,
                               QStyleOptionViewItem, QLabel, QProgressBar, QPushButton,
                               QSizePolicy, QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from ...core.model.dates import typed_form
from ..bridge import AppState
from .base import View
from .style import KIND_COLORS, MUTED_TEXT, TEXT_COLOR, esc, ui_font
from .widgets import EmptyState

GROUPS = (("event", "Events"), ("expert", "Voices"), ("entity", "Actors"))
FILTERS = (("all", "All candidates"), ("event", "Events"), ("expert", "Voices"), ("entity", "Actors"),
           ("match", "Evidence for existing items"), ("new", "New items only"), ("dismissed", "Dismissed"))
CANDIDATE_ROLE = Qt.ItemDataRole.UserRole + 1
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2  # the second line: date and precision, native name, kind
REFRESH_MS = 400


class _Finder(QObject):
    """Runs ``find_candidates`` in its thread; reports progress and the result (or the error)."""

    progress = Signal(int)
    done = Signal(object, int)  # list of candidates, the request's serial
    failed = Signal(str, int)

    def __init__(self, text: str, reference: str | None, corpus, document: str, dismissed: set, serial: int):
        super().__init__()
        self.args = (text, reference, corpus, document, dismissed)
        self.serial = serial

    def run(self) -> None:
        from ...core.assist.candidates import find_candidates

        text, reference, corpus, document, dismissed = self.args
        try:
            found = find_candidates(text, reference, corpus=corpus, document=document,
                                    progress=self.progress.emit, dismissed=dismissed)
        except Exception as exc:  # noqa: BLE001  (a finder's bug must not take the app down)
            self.failed.emit(f"{type(exc).__name__}: {exc}", self.serial)
            return
        self.done.emit(found, self.serial)


def _describe(c) -> tuple[str, str]:
    """(first column, second column) of a candidate's row."""
    if c.match:
        first = f"Add as evidence for {c.match_label or c.match}"
    else:
        first = c.title
    if c.kind == "event":
        date = typed_form(c.date) + (f" – {typed_form(c.end_date)}" if c.end_date else "")  # BCE in words
        second = f"{date} · {c.precision}" + (" · inferred" if c.inferred else "")
    elif c.kind == "expert":
        second = " · ".join(x for x in (c.native_name, c.role or c.voice) if x)
    else:
        second = " · ".join(x for x in (c.entity_kind, ", ".join(c.aliases)) if x)
    return first, second


class _RowDelegate(QStyledItemDelegate):
    """Two lines per candidate: the title (italic for an offer of evidence), and its date and precision,
    native name or kind, muted. Group headers are drawn by the default delegate."""

    def __init__(self, tree):
        super().__init__(tree)
        self.title_font = ui_font(9.5)
        self.offer_font = ui_font(9.5)
        self.offer_font.setItalic(True)
        self.meta_font = ui_font(8.5)

    def sizeHint(self, option, index):
        if index.data(CANDIDATE_ROLE) is None:
            size = super().sizeHint(option, index)
            return QSize(size.width(), size.height() + 6)
        h = QFontMetricsF(self.title_font).height() + QFontMetricsF(self.meta_font).height() + 8
        return QSize(200, int(h))

    def paint(self, p, option, index):
        c = index.data(CANDIDATE_ROLE)
        if c is None:
            super().paint(p, option, index)
            return
        p.save()
        try:  # an exception escaping paint() takes PySide6 down with it: report it instead
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            opt.text = ""
            style = opt.widget.style() if opt.widget else None
            if style is not None:
                style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, p, opt.widget)
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            text = option.palette.highlightedText().color() if selected else QColor(TEXT_COLOR)
            muted = option.palette.highlightedText().color() if selected else QColor(MUTED_TEXT)
            rect = QRectF(option.rect).adjusted(4, 3, -4, -3)
            first, second = _describe(c)
            font = self.offer_font if c.match else self.title_font
            fm = QFontMetricsF(font)
            p.setFont(font)
            p.setPen(text)
            p.drawText(QRectF(rect.left(), rect.top(), rect.width(), fm.height()), Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(first, Qt.TextElideMode.ElideRight, rect.width()))
            fm2 = QFontMetricsF(self.meta_font)
            p.setFont(self.meta_font)
            p.setPen(muted)
            p.drawText(QRectF(rect.left(), rect.top() + fm.height() + 1, rect.width(), fm2.height()),
                       Qt.AlignmentFlag.AlignVCenter, fm2.elidedText(second, Qt.TextElideMode.ElideRight,
                                                                     rect.width()))
        except Exception:  # noqa: BLE001
            sys.excepthook(*sys.exc_info())
        finally:
            p.restore()


class CandidatesView(View):
    title = "Candidates"
    view_name = "candidates"

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.document_id: str | None = None
        self.found: list = []  # everything found for the document
        self.candidates: list = []  # what is offered: found, less what was dismissed
        self.dismissed: list = []  # found and dismissed (the "Dismissed" filter, to restore them)
        self._serial = 0
        self._thread: QThread | None = None
        self._finder: _Finder | None = None
        self._retired: list = []  # cancelled searches still running, kept until their thread ends
        self._stale = False
        self._dismissed = None  # core.assist.Dismissed for the corpus
        self.last_error = ""

        self.doc_combo = QComboBox()
        self.doc_combo.setObjectName("candidateDocument")
        self.doc_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.doc_combo.setMinimumContentsLength(16)
        self.doc_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.doc_combo.activated.connect(lambda _i: self.find(self.doc_combo.currentData()))
        self.find_button = QPushButton("Find")
        self.find_button.setToolTip("Find candidate events, voices and actors in this document")
        self.find_button.clicked.connect(lambda: self.find(self.doc_combo.currentData()))
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("candidateFilter")
        for key, label in FILTERS:
            self.filter_combo.addItem(label, key)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self._fill())
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.doc_combo, 1)
        top.addWidget(self.find_button)
        second = QHBoxLayout()
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(self.filter_combo, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.progress.setFormat("Reading… %p%")
        self.progress.hide()

        self.tree = QTreeWidget()
        self.tree.setObjectName("candidateTree")
        self.tree.setColumnCount(1)
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumHeight(160)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setItemDelegate(_RowDelegate(self.tree))
        self.tree.setFont(ui_font(10))
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._on_current(cur))
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self.accept_current())
        self.tree.installEventFilter(self)  # Enter accepts, Delete dismisses
        self.empty = EmptyState(self.tree)

        self.passage = QTextBrowser()
        self.passage.setObjectName("candidatePassage")
        self.passage.setOpenLinks(False)
        self.passage.setFont(ui_font(10))
        self.passage.setMinimumHeight(130)

        self.accept_button = QPushButton("Accept…")
        self.accept_button.setDefault(False)
        self.accept_button.setObjectName("candidateAccept")
        self.accept_button.setToolTip("Open the form of the new item, filled in from this candidate "
                                      "(an offer of evidence is added at once)")
        self.accept_button.clicked.connect(self.accept_current)
        self.accept_all_button = QPushButton("Accept All Shown")
        self.accept_all_button.setObjectName("candidateAcceptAll")
        self.accept_all_button.setToolTip("Add every candidate the list shows, with default fields, as one step "
                                          "(Edit ▸ Undo takes it back)")
        self.accept_all_button.clicked.connect(self.accept_all_shown)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setObjectName("candidateDismiss")
        self.dismiss_button.setToolTip("Not a candidate: never offer it again for this document")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.accept_all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        self.status = QLabel()
        self.status.setObjectName("candidateStatus")
        self.status.setStyleSheet(f"color: {MUTED_TEXT};")
        self.status.setWordWrap(True)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.passage)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addLayout(second)
        lay.addWidget(self.progress)
        lay.addWidget(split, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.status)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._refresh)
        self.listen(state.corpusChanged, self._on_corpus_changed)
        self.listen(state.corpusEdited, self._on_corpus_edited)
        self.listen(state.selectionChanged, self._on_selection_changed)
        self._on_corpus_changed()

    # -- documents -------------------------------------------------------------------------------
    def _fill_documents(self) -> None:
        corpus = self.state.corpus
        self.doc_combo.blockSignals(True)
        self.doc_combo.clear()
        for doc in (corpus.items_of("document") if corpus is not None else []):
            self.doc_combo.addItem(doc.title, doc.id)
        if self.document_id is not None:
            i = self.doc_combo.findData(self.document_id)
            self.doc_combo.setCurrentIndex(max(0, i))
        self.doc_combo.blockSignals(False)
        self.find_button.setEnabled(self.doc_combo.count() > 0)

    def _on_corpus_changed(self) -> None:
        self._cancel()
        self.document_id = None
        self.found, self.candidates, self.dismissed = [], [], []
        self._dismissed = None
        self._fill_documents()
        self._fill()

    def _on_corpus_edited(self, change) -> None:
        if any(getattr(item, "item_kind", "") == "document" for item in change.removed.values()):
            if self.document_id in change.removed:
                self.document_id = None
                self.found, self.candidates, self.dismissed = [], [], []
                self._clear_marks()
        docs = change.kinds() & {"document"} if hasattr(change, "kinds") else set()
        if docs:
            self._fill_documents()
        added = [i for i, item in change.added.items() if getattr(item, "item_kind", "") == "document"]
        if added:  # on import: read the new document at once
            self.find(added[-1])
            return
        if self.document_id is not None and self.candidates is not None:
            self._refresh_timer.start()  # what was accepted leaves the list; matches follow the corpus

    def _on_selection_changed(self, item_id) -> None:
        if item_id and self.state.kind(item_id) == "document" and self._thread is None and not self.candidates:
            i = self.doc_combo.findData(item_id)
            if i >= 0:
                self.doc_combo.setCurrentIndex(i)

    def _dismissed_store(self):
        if self._dismissed is None:
            from ...core.assist.candidates import Dismissed

            root = getattr(self.state.corpus, "root", None)
            self._dismissed = Dismissed(root)
        return self._dismissed

    # -- finding ---------------------------------------------------------------------------------
    def find(self, document_id: str | None = None) -> bool:
        """Find the candidates of a document (default: the one chosen) off the UI thread."""
        document_id = document_id or self.doc_combo.currentData()
        corpus = self.state.corpus
        doc = corpus.get(document_id) if document_id and corpus is not None else None
        if doc is None or getattr(doc, "item_kind", "") != "document":
            return False
        if document_id != self.document_id:
            self.found, self.candidates, self.dismissed = [], [], []
        self.document_id = document_id
        i = self.doc_combo.findData(document_id)
        if i >= 0:
            self.doc_combo.setCurrentIndex(i)
        self._cancel()
        self._serial += 1
        dismissed: set = set()  # everything is found; the panel sets the dismissed ones apart
        reference = str(doc.date) if doc.date else None
        self._finder = _Finder(doc.text, reference, self.state.corpus, document_id, dismissed, self._serial)
        self._thread = QThread(self)
        self._finder.moveToThread(self._thread)
        self._thread.started.connect(self._finder.run)
        self._finder.progress.connect(self.progress.setValue)
        self._finder.done.connect(self._on_found)
        self._finder.failed.connect(self._on_failed)
        self._finder.done.connect(self._thread.quit)
        self._finder.failed.connect(self._thread.quit)
        self.progress.setValue(0)
        self.progress.show()
        self.find_button.setEnabled(False)
        self.status.setText(f"Reading {doc.title}…")
        self._thread.start()
        return True

    def _refresh(self) -> None:
        if self.document_id is None:
            return
        if not self.isVisible():
            self._stale = True  # read again when the panel is shown
            return
        self.find(self.document_id)  # a search under way read the corpus before the edit: start afresh

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_stale", False):
            self._stale = False
            self._refresh_timer.start()
        self._mark_all(self._current_candidate())
        c = self._current_candidate()
        self.state.set_ghost(self.ghost_of(c) if c is not None else None)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if self.document_id is not None and not self.window().isHidden():
            self._clear_marks()  # the document view and the timeline stop showing what the panel offered

    def _cancel(self, wait: bool = False) -> None:
        """Forget a search under way: its result, when it comes, is for an old serial and is dropped; the
        thread is kept until it ends (a finder cannot be interrupted), so the UI never waits for it."""
        thread = self._thread
        if thread is not None:
            self._serial += 1
            self._retired.append((thread, self._finder))
            thread.finished.connect(lambda t=thread: self._forget(t))
            thread.quit()
            self._thread = None
            self._finder = None
            self.progress.hide()
        if wait:
            for t, _ in list(self._retired):
                t.quit()
                t.wait()
            self._retired.clear()

    def _forget(self, thread) -> None:
        self._retired = [(t, f) for t, f in self._retired if t is not thread]
        thread.deleteLater()

    def _finish_thread(self) -> None:
        thread = self._thread
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        self._thread = None
        self._finder = None
        self.progress.hide()
        self.find_button.setEnabled(self.doc_combo.count() > 0)

    def _on_found(self, found, serial: int) -> None:
        if serial != self._serial:
            return
        self._finish_thread()
        current = self._current_candidate()
        self.found = list(found)
        self._split()
        self._fill(keep=current.key if current is not None else None)

    def _split(self) -> None:
        keys = self._dismissed_store().keys(self.document_id) if self.document_id else set()
        self.candidates = [c for c in self.found if c.key not in keys]
        self.dismissed = [c for c in self.found if c.key in keys]

    def _on_failed(self, message: str, serial: int) -> None:
        if serial != self._serial:
            return
        self._finish_thread()
        self.last_error = message
        self.status.setText(f"The assistant could not read this document ({message}).")

    def is_busy(self) -> bool:
        return self._thread is not None

    def closeEvent(self, event) -> None:
        self._cancel(wait=True)
        super().closeEvent(event)

    # -- the list --------------------------------------------------------------------------------
    def _shown(self) -> list:
        key = self.filter_combo.currentData() or "all"
        if key == "all":
            return list(self.candidates)
        if key == "dismissed":
            return list(self.dismissed)
        if key == "match":
            return [c for c in self.candidates if c.match]
        if key == "new":
            return [c for c in self.candidates if not c.match]
        return [c for c in self.candidates if c.kind == key]

    def shown(self) -> list:
        """The candidates the list shows, in its order."""
        return [self._item_candidate(self.tree.topLevelItem(g).child(i))
                for g in range(self.tree.topLevelItemCount())
                for i in range(self.tree.topLevelItem(g).childCount())]

    def _fill(self, keep: str | None = None) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        shown = self._shown()
        keep_item = None
        for kind, label in GROUPS:
            rows = [c for c in shown if c.kind == kind]
            if not rows:
                continue
            group = QTreeWidgetItem([f"{label} ({len(rows)})"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            f = ui_font(10, bold=True)
            group.setFont(0, f)
            group.setForeground(0, Qt.GlobalColor.black)
            group.setData(0, Qt.ItemDataRole.DecorationRole, _swatch(kind))
            self.tree.addTopLevelItem(group)
            for c in sorted(rows, key=lambda c: (c.passage_start, c.start)):
                first, second = _describe(c)
                item = QTreeWidgetItem([first])
                item.setData(0, DETAIL_ROLE, second)
                item.setData(0, CANDIDATE_ROLE, c)
                item.setToolTip(0, c.quote[:400])
                group.addChild(item)
                if keep is not None and c.key == keep:
                    keep_item = item
            group.setExpanded(True)
        self.tree.blockSignals(False)
        if self.document_id is None:
            self.empty.show_message("No document read yet",
                                    "Choose a document and press Find (Tools ▸ Find Candidates), and the "
                                    "assistant lists the dated events, voices and actors it states.")
        elif self._thread is None and not self.candidates:
            self.empty.show_message("Nothing to suggest",
                                    "The assistant found no candidate in this document that the corpus "
                                    "does not hold already (or all were dismissed).")
        elif not shown and self.filter_combo.currentData() == "dismissed":
            self.empty.show_message("Nothing dismissed", "Dismissed candidates are listed here, to restore them.")
        elif not shown:
            self.empty.show_message("No candidate of this kind", "Choose another filter above.")
        else:
            self.empty.clear()
        if self.document_id is not None:
            n_match = sum(1 for c in self.candidates if c.match)
            counts = ", ".join(f"{sum(1 for c in self.candidates if c.kind == k)} {label.lower()}"
                               for k, label in GROUPS)
            gone = f"; {len(self.dismissed)} dismissed" if self.dismissed else ""
            self.status.setText(f"{len(self.candidates)} candidates ({counts}); {n_match} offer evidence for "
                                f"items already in the corpus{gone}.")
        if keep_item is not None:
            self.tree.setCurrentItem(keep_item)
        else:
            self._on_current(None)
        self._mark_all(self._current_candidate())
        self._update_buttons()

    def _item_candidate(self, item):
        return item.data(0, CANDIDATE_ROLE) if item is not None else None

    def _current_candidate(self):
        return self._item_candidate(self.tree.currentItem())

    def _selected(self) -> list:
        out = [self._item_candidate(i) for i in self.tree.selectedItems()]
        out = [c for c in out if c is not None]
        if not out and self._current_candidate() is not None:
            out = [self._current_candidate()]
        return out

    def select_candidate(self, candidate) -> None:
        """Make ``candidate`` the current row (tests, and the window)."""
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for i in range(group.childCount()):
                if self._item_candidate(group.child(i)) is candidate:
                    self.tree.setCurrentItem(group.child(i))
                    return

    def _update_buttons(self) -> None:
        has = self._current_candidate() is not None
        restoring = self.filter_combo.currentData() == "dismissed"
        self.accept_button.setEnabled(has and not restoring)
        self.accept_button.setText("Add Evidence" if has and self._current_candidate().match else "Accept…")
        self.dismiss_button.setEnabled(bool(self._selected()))
        self.dismiss_button.setText("Restore" if restoring else "Dismiss")
        self.dismiss_button.setToolTip("Offer it again" if restoring
                                       else "Not a candidate: never offer it again for this document")
        self.accept_all_button.setEnabled(bool(self._shown()) and self._thread is None and not restoring)
        i = self.filter_combo.findData("dismissed")
        self.filter_combo.setItemText(i, f"Dismissed ({len(self.dismissed)})" if self.dismissed else "Dismissed")

    # -- what the current candidate shows elsewhere ------------------------------------------------
    def _on_current(self, item) -> None:
        c = self._item_candidate(item)
        if c is None:
            self.passage.setHtml(f"<p style='color:{MUTED_TEXT}'>Select a candidate to see its passage.</p>"
                                 if self.candidates else "")
            self.state.set_ghost(None)
            self._update_buttons()
            return
        doc = self.state.corpus.get(self.document_id) if self.state.corpus is not None else None
        text = doc.text if doc is not None else c.quote
        ps, pe = c.passage_start, c.passage_end
        a, b = max(ps, c.start), min(pe, c.end)
        body = (esc(text[ps:a]) + "<b>" + esc(text[a:b]) + "</b>" + esc(text[b:pe])) if a < b else esc(c.quote)
        facts = []
        if c.kind == "event":
            facts.append(f"{esc(typed_form(c.date))}{(' – ' + esc(typed_form(c.end_date))) if c.end_date else ''}, "
                         f"{esc(c.precision)} "
                         f"precision{', inferred from the document’s date' if c.inferred else ''}"
                         f" (“{esc(c.date_text)}”)")
        if c.native_name:
            facts.append(f"native name {esc(c.native_name)}")
        if c.role:
            facts.append(esc(c.role))
        if c.affiliation:
            facts.append(esc(c.affiliation))
        if c.entity_kind:
            facts.append(esc(c.entity_kind))
        if c.aliases:
            facts.append("also " + esc(", ".join(c.aliases)))
        if c.names and c.kind == "event":
            facts.append("names " + esc(", ".join(c.names)))
        if len(c.passages) > 1:
            facts.append(f"speaks in {len(c.passages)} passages")
        head = (f"Add this passage as evidence for <b>{esc(c.match_label or c.match)}</b>" if c.match
                else f"<b>{esc(c.title)}</b>")
        self.passage.setHtml(f"<p>{head}<br><span style='color:{MUTED_TEXT}'>{' · '.join(facts)}</span></p>"
                             f"<p>{body}</p>")
        self._mark_all(c)
        if self.isVisible():  # a hidden panel (a search on import) shows nothing elsewhere
            if self.document_id is not None:
                self.state.reveal(self.document_id, ps, pe)
            self.state.set_ghost(self.ghost_of(c))
        self._update_buttons()

    @staticmethod
    def ghost_of(c):
        """(start seconds, end seconds, label) of a dated candidate, or None."""
        if c.kind != "event" or not c.date:
            return None
        from ...core.model import PartialDate

        start = PartialDate.parse(c.date)
        end = PartialDate.parse(c.end_date) if c.end_date else start
        return (start.start_seconds, end.end_seconds, c.title)

    def _mark_all(self, current) -> None:
        if self.document_id is None or not self.isVisible():
            return  # a hidden panel marks nothing (hideEvent cleared its marks)
        marks = []
        if current is not None:
            marks.append((current.passage_start, current.passage_end, f"Candidate: {current.label}"))
        for c in self._shown():
            if c is current:
                continue
            marks.append((c.start, c.end, f"Candidate {c.kind}: {c.label}"))
        self.state.set_candidate_marks(self.document_id, marks)

    def _clear_marks(self) -> None:
        if self.document_id is not None:
            self.state.set_candidate_marks(self.document_id, [])
        self.state.set_ghost(None)

    # -- gestures ----------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.tree and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.accept_button.isEnabled():
                self.accept_current()
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.dismiss_button.isEnabled():
                self.dismiss_selected()
                return True
        return super().eventFilter(obj, event)

    def form_request(self, c) -> dict:
        """What Accept asks the new-item form to be filled with."""
        fields = dict(document=self.document_id, start=c.passage_start, end=c.passage_end, quote=c.quote)
        if c.kind == "event":
            fields.update(title=c.title, date=c.date, end_date=c.end_date, precision=c.precision,
                          inferred=c.inferred, date_text=c.date_text)
        else:
            fields.update(name=c.name or c.title, native_name=c.native_name)
            if c.kind == "expert":
                fields.update(role=c.role, affiliation=c.affiliation, voice=c.voice)
            else:
                fields.update(entity_kind=c.entity_kind, aliases=list(c.aliases))
        return fields

    def accept_current(self) -> None:
        c = self._current_candidate()
        if c is None or self.document_id is None:
            return
        if c.match:
            self._apply([c], "Add Evidence")
            return
        self.state.request_item_form(c.kind, **self.form_request(c))

    def accept_all_shown(self) -> None:
        shown = self.shown()
        if shown:
            self._apply(shown, f"Accept {len(shown)} Candidate{'s' if len(shown) != 1 else ''}")

    def _apply(self, cands: list, label: str) -> None:
        from ...core import EditError
        from ...core.assist.candidates import accept, passages_by_range

        doc_id = self.document_id
        existing = passages_by_range(self.state.corpus, doc_id)
        try:
            with self.state.group(label):
                for c in cands:
                    accept(self.state, c, doc_id, existing)
        except EditError as exc:
            self.status.setText(f"Nothing was accepted: {exc}")
            return
        keys = {c.key for c in cands}
        self.found = [c for c in self.found if c.key not in keys]
        self._split()
        self._fill()
        self.status.setText(f"{label}: done (Edit ▸ Undo takes it back). " + self.status.text())

    def dismiss_selected(self) -> None:
        cands = self._selected()
        if not cands or self.document_id is None:
            return
        if self.filter_combo.currentData() == "dismissed":
            self._dismissed_store().remove(self.document_id, [c.key for c in cands])  # Restore
        else:
            self._dismissed_store().add(self.document_id, [c.key for c in cands])
        self._split()
        self._fill()


def _swatch(kind: str):
    from PySide6.QtGui import QColor, QPixmap

    pm = QPixmap(10, 10)
    pm.fill(QColor(KIND_COLORS.get(kind, "#cccccc")))
    return pm
