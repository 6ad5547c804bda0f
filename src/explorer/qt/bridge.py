"""The Qt face of the core's Workspace: the one shared state of the window.

The Workspace (explorer.core.workspace) owns the corpus, index, command stack, selection, history,
filters and search; this adapter re-emits its changes as Qt signals and turns view calls into workspace
calls. Views read from it and call its methods to express user intent; it emits a signal only when a
value really changes. No view talks to another view.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from ..core.commands import Command
from ..core.corpus import Corpus
from ..core.filters import Filters, is_visible
from ..core.index import CorpusIndex
from ..core.model import PartialDate
from ..core.ranges import corpus_range
from ..core.workspace import Outcome, Workspace

DEFAULT_START = PartialDate(1988).start_seconds  # the window before any corpus is set
DEFAULT_END = PartialDate(2022).end_seconds


class AppState(QObject):
    corpusChanged = Signal()  # another corpus: everything starts afresh
    corpusEdited = Signal(object)  # a ChangeSet: the corpus changed in place (an edit, undo, redo)
    nodesMoved = Signal(object)  # {node id: (x, y) or None}: graph nodes placed by hand (or released)
    undoStateChanged = Signal()  # what Undo / Redo would do, or whether the corpus is modified, changed
    selectionChanged = Signal(object)  # str item id, or None
    timeWindowChanged = Signal(float, float)
    filtersChanged = Signal()
    historyChanged = Signal()
    searchChanged = Signal(str)
    revealRequested = Signal(str, int, int)  # document id, start, end: show this range of a document
    # a view asks for a new item's form (the window opens it): {"kind": "event" | "expert" | "entity" |
    # "relationship" | "theme", and what the gesture knows: "document", "start", "end" (code points) and
    # "quote" for a text selection; "date" ("YYYY[-MM[-DD]]") and "theme" for a timeline double-click;
    # "source" and "target" ids for a link dragged in the graph}
    itemFormRequested = Signal(dict)
    # marks that are not evidence (the reading assistant's candidates): document id, [(start, end, tooltip)]
    candidateMarksChanged = Signal(str, list)
    # a ghost on the timeline: (start seconds, end seconds, label) or None to clear
    ghostChanged = Signal(object)

    HISTORY_LIMIT = Workspace.HISTORY_LIMIT

    def __init__(self, parent: QObject | None = None, workspace: Workspace | None = None):
        super().__init__(parent)
        self.workspace = workspace or Workspace()
        self.time_window: tuple[float, float] = (DEFAULT_START, DEFAULT_END)
        self._unsubscribe = self.workspace.subscribe(self._on_outcome)
        self.workspace.stack.subscribe(self.undoStateChanged.emit)

    # -- what the workspace holds ----------------------------------------------------------------
    corpus = property(lambda self: self.workspace.corpus)
    index = property(lambda self: self.workspace.index)
    selection = property(lambda self: self.workspace.selection)
    filters = property(lambda self: self.workspace.filters)
    search_query = property(lambda self: self.workspace.search_query)

    # -- corpus ----------------------------------------------------------------------------------
    def set_corpus(self, corpus: Corpus, index: CorpusIndex | None = None) -> None:
        self.workspace.set_corpus(corpus, index)
        self._selection_shown, self._filters_shown = None, self.filters
        window_before, self.time_window = self.time_window, self.full_range()  # every view and export
        self.corpusChanged.emit()  # starts from the corpus's own range (the graph exported alone included)
        if self.time_window != window_before:
            self.timeWindowChanged.emit(*self.time_window)
        self.selectionChanged.emit(None)
        self.historyChanged.emit()
        self.filtersChanged.emit()
        self.undoStateChanged.emit()

    # -- edits -----------------------------------------------------------------------------------
    def do(self, command: Command) -> Outcome:
        """Apply a command as one undo step; raises EditError (nothing changed) when it is refused."""
        return self.workspace.do(command)

    def group(self, label: str):
        """``with state.group("Move Nodes"): ...``: several commands as one undo step."""
        return self.workspace.group(label)

    def undo(self) -> None:
        self.workspace.undo()

    def redo(self) -> None:
        self.workspace.redo()

    def _on_outcome(self, outcome: Outcome) -> None:
        if not outcome.change.empty:
            filters_before = self._filters_shown
            self.corpusEdited.emit(outcome.change)
            if outcome.change.removed:  # the selection, history or filters may have lost an item
                if self._selection_shown != self.selection:
                    self.selectionChanged.emit(self.selection)
                self.historyChanged.emit()
                if filters_before is not None and filters_before != self.filters:
                    self.filtersChanged.emit()
        if outcome.nodes:
            self.nodesMoved.emit(outcome.nodes)
        self._selection_shown = self.selection
        self._filters_shown = self.filters

    _selection_shown: str | None = None
    _filters_shown: Filters | None = None

    def full_range(self) -> tuple[float, float]:
        """The corpus's whole time range: its declared ``time_range``, else the span of its events with a
        small margin (2% of the span, at least a month each side), else the span of its documents' dates,
        else the last ten years (``core.ranges.corpus_range``). Events outside a declared range stay reachable: the timeline
        scrolls to them (see ``TimelineView``)."""
        return corpus_range(self.corpus, self.index)

    # -- selection -------------------------------------------------------------------------------
    def kind(self, item_id: str | None = None) -> str | None:
        item_id = self.selection if item_id is None else item_id
        if item_id is None or self.index is None:
            return None
        return self.index.kind_of(item_id)

    def item(self, item_id: str | None = None):
        item_id = self.selection if item_id is None else item_id
        return self.index.items.get(item_id) if (self.index and item_id) else None

    def select(self, item_id: str | None) -> None:
        """Select an item by id (None clears). Unknown ids are ignored."""
        if self.workspace.select(item_id):
            self._set_selection()

    def clear_selection(self) -> None:
        self.select(None)

    def _set_selection(self) -> None:
        self._selection_shown = self.selection
        self.selectionChanged.emit(self.selection)
        self.historyChanged.emit()

    def can_go_back(self) -> bool:
        return bool(self.workspace.back_stack)

    def can_go_forward(self) -> bool:
        return bool(self.workspace.forward_stack)

    def back(self) -> None:
        if self.workspace.back():
            self._set_selection()

    def forward(self) -> None:
        if self.workspace.forward():
            self._set_selection()

    # -- time window -----------------------------------------------------------------------------
    def set_time_window(self, start: float, end: float) -> None:
        if end <= start:
            return
        if (start, end) != self.time_window:
            self.time_window = (float(start), float(end))
            self.timeWindowChanged.emit(self.time_window[0], self.time_window[1])

    # -- filters ---------------------------------------------------------------------------------
    def set_filters(self, filters: Filters) -> None:
        if filters != self.filters:
            self.workspace.filters = filters
            self._filters_shown = filters
            self.filtersChanged.emit()

    def update_filters(self, **changes) -> None:
        self.set_filters(replace(self.filters, **changes))

    def clear_filters(self) -> None:
        self.set_filters(Filters())

    def is_visible(self, item_id: str) -> bool:
        """Whether the filters let an item show. Items the filters don't speak of stay visible."""
        return is_visible(self.filters, self.index, item_id)

    # -- search ----------------------------------------------------------------------------------
    def set_search(self, query: str) -> None:
        if query != self.search_query:
            self.workspace.search_query = query
            self.searchChanged.emit(query)

    def request_item_form(self, kind: str, **fields) -> None:
        """Ask for the form of a new item of ``kind``, pre-filled with what the gesture knows (see
        ``itemFormRequested``); nothing is created until the user accepts the form."""
        self.itemFormRequested.emit({"kind": kind, **fields})

    def set_candidate_marks(self, document_id: str, spans: list) -> None:
        """Show ``[(start, end, tooltip)]`` (code points) in a document as candidate marks (empty clears)."""
        self.candidateMarksChanged.emit(document_id, list(spans))

    def set_ghost(self, span) -> None:
        """Show ``(start seconds, end seconds, label)`` on the timeline as a ghost mark; None clears."""
        self.ghostChanged.emit(span)

    def reveal(self, document_id: str, start: int, end: int) -> None:
        """Ask the document view to show a range of a document (a search match), without selecting."""
        if self.index is not None and self.index.kind_of(document_id) == "document":
            self.revealRequested.emit(document_id, start, end)
