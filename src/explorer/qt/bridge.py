"""The one shared state of the window: corpus, selection, time window, filters and history.

Views read from it and call its methods to express user intent; it emits a signal only when a value
really changes. No view talks to another view.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..core.corpus import Corpus
from ..core.filters import Filters, is_visible
from ..core.index import CorpusIndex
from ..core.model import PartialDate

DEFAULT_START = PartialDate(1988).start_seconds
DEFAULT_END = PartialDate(2022).end_seconds


class AppState(QObject):
    corpusChanged = Signal()
    selectionChanged = Signal(object)  # str item id, or None
    timeWindowChanged = Signal(float, float)
    filtersChanged = Signal()
    historyChanged = Signal()
    searchChanged = Signal(str)
    revealRequested = Signal(str, int, int)  # document id, start, end: show this range of a document

    HISTORY_LIMIT = 200

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.corpus: Corpus | None = None
        self.index: CorpusIndex | None = None
        self.selection: str | None = None
        self.time_window: tuple[float, float] = (DEFAULT_START, DEFAULT_END)
        self.filters = Filters()
        self.search_query = ""
        self._back: list[str | None] = []
        self._forward: list[str | None] = []
        #: the user's edits (moving graph nodes) as undoable commands; the window offers Undo/Redo
        self.undo_stack = QUndoStack(self)

    # -- corpus ----------------------------------------------------------------------------------
    def set_corpus(self, corpus: Corpus, index: CorpusIndex | None = None) -> None:
        self.corpus = corpus
        self.index = index or CorpusIndex(corpus)
        self.selection = None
        self._back.clear()
        self._forward.clear()
        self.filters = Filters()
        self.search_query = ""
        self.undo_stack.clear()
        self.corpusChanged.emit()
        self.selectionChanged.emit(None)
        self.historyChanged.emit()
        self.filtersChanged.emit()

    def full_range(self) -> tuple[float, float]:
        """The corpus's whole time range: its declared range, else 1988-2022 widened to fit its events."""
        start, end = DEFAULT_START, DEFAULT_END
        if self.corpus is not None and self.corpus.info.time_range:
            rng = self.corpus.info.time_range
            start, end = rng[0].start_seconds, rng[-1].end_seconds
        elif self.index is not None and len(self.index.ev_start):
            start = min(start, float(self.index.ev_start.min()))
            end = max(end, float(self.index.ev_end.max()))
        return start, end

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
        if item_id is not None and (self.index is None or item_id not in self.index.items):
            return
        if item_id == self.selection:
            return
        self._back.append(self.selection)
        del self._back[:-self.HISTORY_LIMIT]
        self._forward.clear()
        self._set_selection(item_id)

    def clear_selection(self) -> None:
        self.select(None)

    def _set_selection(self, item_id: str | None) -> None:
        self.selection = item_id
        self.selectionChanged.emit(item_id)
        self.historyChanged.emit()

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def back(self) -> None:
        if self._back:
            self._forward.append(self.selection)
            self._set_selection(self._back.pop())

    def forward(self) -> None:
        if self._forward:
            self._back.append(self.selection)
            self._set_selection(self._forward.pop())

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
            self.filters = filters
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
            self.search_query = query
            self.searchChanged.emit(query)

    def reveal(self, document_id: str, start: int, end: int) -> None:
        """Ask the document view to show a range of a document (a search match), without selecting."""
        if self.index is not None and self.index.kind_of(document_id) == "document":
            self.revealRequested.emit(document_id, start, end)
