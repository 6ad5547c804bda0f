"""What a window (or a notebook) works on: a corpus, its index, the command stack with undo and redo, the
selection with its back/forward history, the time window, filters, search, and hand-placed graph nodes.

The edit flow runs one way: a command builds operations -> ``Corpus.apply`` checks and applies them and
returns a ChangeSet -> the index patches itself -> the selection and history drop removed ids -> the
journal records the change -> listeners (the Qt bridge, views) hear it. Undo is the same path with the
inverse operations. Nothing here knows a widget exists.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .commands import Command, NodePositions
from .corpus import ChangeSet, Corpus, EditError, Op
from .filters import Filters
from .index import CorpusIndex


@dataclass
class _Entry:
    label: str
    undo_ops: list
    redo_ops: list
    touches_corpus: bool


@dataclass
class Outcome:
    """What one applied step did: the corpus change (may be empty) and the node positions it set."""

    change: ChangeSet
    nodes: dict = field(default_factory=dict)
    label: str = ""


class CommandStack:
    """Undo and redo over a workspace. One gesture = one step (see ``Workspace.group``)."""

    LIMIT = 1000

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.index = 0  # entries[:index] are done
        self.clean_index: int | None = 0
        self._listeners: list[Callable[[], None]] = []

    def can_undo(self) -> bool:
        return self.index > 0

    def can_redo(self) -> bool:
        return self.index < len(self.entries)

    def undo_label(self) -> str:
        return self.entries[self.index - 1].label if self.can_undo() else ""

    def redo_label(self) -> str:
        return self.entries[self.index].label if self.can_redo() else ""

    def is_clean(self) -> bool:
        """No corpus edit between the clean mark and now (moving graph nodes does not count)."""
        if self.clean_index is None:
            return False
        lo, hi = sorted((self.clean_index, self.index))
        return not any(e.touches_corpus for e in self.entries[lo:hi])

    def set_clean(self) -> None:
        self.clean_index = self.index

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def push(self, entry: _Entry) -> None:
        del self.entries[self.index:]
        if self.clean_index is not None and self.clean_index > self.index:
            self.clean_index = None  # the clean state can no longer be reached
        self.entries.append(entry)
        self.index += 1
        if len(self.entries) > self.LIMIT:
            drop = len(self.entries) - self.LIMIT
            del self.entries[:drop]
            self.index -= drop
            if self.clean_index is not None:
                self.clean_index = self.clean_index - drop if self.clean_index >= drop else None
        self._changed()

    def clear(self) -> None:
        self.entries.clear()
        self.index = 0
        self.clean_index = 0
        self._changed()


class Workspace:
    """A corpus being looked at and edited."""

    HISTORY_LIMIT = 200

    def __init__(self, corpus: Corpus | None = None, index: CorpusIndex | None = None, journal: Any = None):
        self.corpus: Corpus | None = None
        self.index: CorpusIndex | None = None
        self.stack = CommandStack()
        self.journal = journal
        self.selection: str | None = None
        self.back_stack: list[str | None] = []
        self.forward_stack: list[str | None] = []
        self.filters = Filters()
        self.search_query = ""
        self.time_window: tuple[float, float] | None = None
        self.node_positions: dict[str, tuple[float, float]] = {}
        self.dirty_files: set[str] = set()
        self.journal_error = ""  # set when the journal could not be written (the edits still apply)
        self._listeners: list[Callable[[Outcome], None]] = []
        self._group: list[tuple[str, list, list, bool]] | None = None
        self._group_label = ""
        self._unsubscribe: Callable[[], None] | None = None
        if corpus is not None:
            self.set_corpus(corpus, index)
        self.journal = journal

    # -- opening -----------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, journal: bool = True) -> "Workspace":
        """Load a corpus folder (finishing an interrupted save first), index it, and attach its journal.
        Problems are in ``ws.corpus.problems``; ``ws.recovery_available()`` says whether unsaved edits
        of an earlier session wait in the journal."""
        from .io.open import open_corpus_and_index

        corpus, index = open_corpus_and_index(path)
        ws = cls(corpus, index)
        if journal:
            ws.attach_journal()
        return ws

    def attach_journal(self, directory: str | Path | None = None) -> None:
        """Journal unsaved edits of this corpus (in the user's state folder, or ``directory``)."""
        from .io.journal import Journal

        self.journal = Journal.for_corpus(self.corpus.root, directory, base_stamps=self.corpus.file_stamps,
                                          background_sync=True)

    def set_corpus(self, corpus: Corpus, index: CorpusIndex | None = None) -> None:
        """Show another corpus: selection, history, filters, search and undo start afresh."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.corpus = corpus
        self.index = index or CorpusIndex(corpus)
        self._unsubscribe = None
        self.selection = None
        self.back_stack.clear()
        self.forward_stack.clear()
        self.filters = Filters()
        self.search_query = ""
        self.node_positions = {}
        self.dirty_files = set()
        self.journal = None  # attach_journal() gives the new corpus its own
        self.stack.clear()

    def subscribe(self, listener: Callable[[Outcome], None]) -> Callable[[], None]:
        """``listener(outcome)`` after every applied step (do, undo, redo, recovery)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # -- editing -----------------------------------------------------------------------------------------
    def _apply(self, ops: Sequence, label: str, journal: bool = True) -> tuple[Outcome, list]:
        """Apply corpus and workspace operations as one step; returns the outcome and the inverse ops."""
        if self.corpus is None:
            raise EditError("no corpus is open")
        corpus_ops: list[Op] = [op for op in ops if not isinstance(op, NodePositions)]
        node_ops = [op for op in ops if isinstance(op, NodePositions)]
        cs = self.corpus.apply(corpus_ops) if corpus_ops else ChangeSet(revision=self.corpus.revision)
        inverse: list = list(cs.inverse)
        nodes: dict = {}
        for op in node_ops:
            old = {k: self.node_positions.get(k) for k in op.positions}
            for k, v in op.positions.items():
                if v is None:
                    self.node_positions.pop(k, None)
                else:
                    self.node_positions[k] = (float(v[0]), float(v[1]))
                nodes[k] = v
            inverse.insert(0, NodePositions(old))
        if not cs.empty:
            self.index.apply_change(cs)
            self._drop_removed(cs)
            self.dirty_files |= cs.files()
            if journal and self.journal is not None:  # replayed on the same base, gives the same corpus
                try:
                    self.journal.append(corpus_ops, label, stamps=self.corpus.file_stamps)
                except OSError as exc:  # the edit stands; only its crash safety is lost, and that is said
                    self.journal_error = (f"unsaved edits cannot be kept safe from a crash: the journal "
                                          f"{self.journal.path} cannot be written ({exc.strerror or exc})")
        outcome = Outcome(cs, nodes, label)
        for listener in list(self._listeners):
            listener(outcome)
        return outcome, inverse

    def do(self, command: Command) -> Outcome:
        """Build and apply a command as one undo step (or as part of the open group)."""
        if self.corpus is None:
            raise EditError("no corpus is open")
        ops = command.ops(self.corpus)
        label = command.label
        if not ops:
            return Outcome(ChangeSet(revision=self.corpus.revision), {}, label)
        outcome, inverse = self._apply(ops, label)
        touches = not outcome.change.empty
        redo = _redo_ops(outcome, ops)
        if self._group is not None:
            self._group.append((label, inverse, redo, touches))
        else:
            self.stack.push(_Entry(label, inverse, redo, touches))
        return outcome

    def do_all(self, commands: Sequence[Command], label: str) -> None:
        """Several commands as one undo step; if one fails, none stays applied."""
        with self.group(label):
            for command in commands:
                self.do(command)

    @contextmanager
    def group(self, label: str) -> Iterator[None]:
        """Everything done inside is one undo step. An exception undoes what the group did so far."""
        if self._group is not None:  # nested: part of the outer group
            yield
            return
        self._group, self._group_label = [], label
        try:
            yield
        except BaseException:
            steps, self._group = self._group, None
            if steps:
                undo = [op for _, inv, _, _ in reversed(steps) for op in inv]
                self._apply(undo, f"Undo {label}")
            raise
        steps, self._group = self._group, None
        if steps:
            undo = [op for _, inv, _, _ in reversed(steps) for op in inv]
            redo = [op for _, _, fwd, _ in steps for op in fwd]
            self.stack.push(_Entry(label, undo, redo, any(t for *_, t in steps)))

    def undo(self) -> Outcome | None:
        stack = self.stack
        if not stack.can_undo():
            return None
        entry = stack.entries[stack.index - 1]
        outcome, inverse = self._apply(entry.undo_ops, f"Undo {entry.label}")
        entry.redo_ops = inverse
        stack.index -= 1
        self._forget_journal_if_clean()
        stack._changed()
        return outcome

    def _forget_journal_if_clean(self) -> None:
        """Back at the saved state (undone to it): nothing is left to recover after a crash."""
        if self.journal is not None and self.stack.is_clean():
            self.journal.clear()

    def redo(self) -> Outcome | None:
        stack = self.stack
        if not stack.can_redo():
            return None
        entry = stack.entries[stack.index]
        outcome, inverse = self._apply(entry.redo_ops, f"Redo {entry.label}")
        entry.undo_ops = inverse
        stack.index += 1
        self._forget_journal_if_clean()
        stack._changed()
        return outcome

    @property
    def modified(self) -> bool:
        """Whether the corpus has edits that are not saved."""
        return bool(self.dirty_files) and not self.stack.is_clean()

    # -- saving and recovery --------------------------------------------------------------------------------
    def save(self, target: str | Path | None = None, everything: bool = False):
        """Write the edited files (``everything``: every file that is not in the canonical layout; with
        ``target``: everything into another folder, Save As), atomically. Raises
        ``SaveError`` (``SaveConflict`` when a file changed on disk since it was read) and keeps the
        edits and the journal."""
        from .io.save import save_corpus

        corpus = self.corpus
        if target is not None:
            result = save_corpus(corpus, None, None, target=Path(target))
            corpus.root = Path(target)
            if self.journal is not None:
                self.journal.clear()
                self.attach_journal()
        else:
            result = save_corpus(corpus, None if everything else set(self.dirty_files), corpus.file_stamps)
        stamps = getattr(result, "stamps", None)
        if stamps:
            if target is not None:
                corpus.file_stamps = dict(stamps)
            else:
                corpus.file_stamps.update(stamps)
        self.dirty_files.clear()
        self.stack.set_clean()
        self.stack._changed()
        if self.journal is not None:
            self.journal.clear()
        return result

    def recovery_available(self) -> bool:
        return self.journal is not None and self.journal.exists() and bool(self.journal.entries())

    def recover(self) -> int:
        """Replay the journalled edits of an earlier session as one undo step; returns how many steps
        were replayed. Never called without the user's say."""
        from .io.journal import ops_from_json

        if self.journal is None:
            return 0
        entries = self.journal.entries()
        if not entries:
            return 0
        ops: list = []
        for entry in entries:
            ops.extend(ops_from_json(entry["ops"]) if isinstance(entry, dict) else entry)
        label = "Recover Unsaved Edits"
        outcome, inverse = self._apply(ops, label, journal=False)  # already in the journal
        self.stack.push(_Entry(label, inverse, list(ops), not outcome.change.empty))
        return len(entries)

    def discard_recovery(self) -> None:
        if self.journal is not None:
            self.journal.clear()

    # -- selection and history -------------------------------------------------------------------------------
    def select(self, item_id: str | None) -> bool:
        """Select an item (None clears); returns whether the selection changed. Unknown ids are ignored."""
        if item_id is not None and (self.index is None or item_id not in self.index.items):
            return False
        if item_id == self.selection:
            return False
        self.back_stack.append(self.selection)
        del self.back_stack[:-self.HISTORY_LIMIT]
        self.forward_stack.clear()
        self.selection = item_id
        return True

    def back(self) -> bool:
        if not self.back_stack:
            return False
        self.forward_stack.append(self.selection)
        self.selection = self.back_stack.pop()
        return True

    def forward(self) -> bool:
        if not self.forward_stack:
            return False
        self.back_stack.append(self.selection)
        self.selection = self.forward_stack.pop()
        return True

    def _drop_removed(self, cs: ChangeSet) -> None:
        removed = cs.removed
        if not removed:
            return
        if self.selection in removed:
            self.selection = None

        def clean(stack: list) -> list:
            out: list = []
            for item_id in stack:
                if item_id in removed:
                    continue
                if out and out[-1] == item_id:  # two steps that are now the same
                    continue
                out.append(item_id)
            return out

        self.back_stack[:] = clean(self.back_stack)
        self.forward_stack[:] = clean(self.forward_stack)
        if self.back_stack and self.back_stack[-1] == self.selection:
            self.back_stack.pop()
        if self.forward_stack and self.forward_stack[-1] == self.selection:
            self.forward_stack.pop()
        for item_id in removed:
            self.node_positions.pop(item_id, None)
        f = self.filters
        if (f.themes | f.experts) & removed.keys():
            from dataclasses import replace

            self.filters = replace(f, themes=f.themes - removed.keys(), experts=f.experts - removed.keys())


def _redo_ops(outcome: Outcome, ops: Sequence) -> list:
    """The operations that redo a step: what was applied (positions as they were)."""
    return list(ops)
