"""The one mutable corpus: its items by kind and id, changed only through ``apply``.

Items are frozen pydantic values; a change replaces an item by a new value. ``apply`` takes a batch of
primitive operations (``Put`` an item, ``Remove`` one, ``SetInfo``), checks the corpus that would result
with the same rules as the loader (references that exist and are of the right kind, a quote that matches
its document, evidence, dates in order, ids unique across kinds), and then either changes nothing and raises
``EditError`` with sentences a person understands, or applies the whole batch, bumps ``revision``, and
returns a ``ChangeSet``: what was added, changed and removed, and the inverse operations that undo it
exactly (positions included). Listeners registered with ``subscribe`` hear every applied ChangeSet.

Pure Python: nothing here knows about Qt.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .gcpause import _gc_paused
from .io.problems import Problem
from .model.types import (CorpusInfo, Document, Entity, Event, Expert, Passage, Relationship, Theme, _Item)
from .tables import EventTable, PassageTable, Table, TableView

#: the kinds in the order of their files (and of ``all_items``)
KIND_ORDER: tuple[str, ...] = ("document", "passage", "theme", "entity", "expert", "event", "relationship")
MODEL_OF_KIND: dict[str, type[_Item]] = {"document": Document, "passage": Passage, "theme": Theme,
                                         "entity": Entity, "expert": Expert, "event": Event,
                                         "relationship": Relationship}
FILE_OF_KIND: dict[str, str] = {"document": "documents.json", "passage": "passages.json",
                                "theme": "themes.json", "entity": "entities.json", "expert": "experts.json",
                                "event": "events.json", "relationship": "relationships.json"}
PLURAL: dict[str, str] = {"document": "documents", "passage": "passages", "theme": "themes",
                          "entity": "entities", "expert": "experts", "event": "events",
                          "relationship": "relationships"}
ARTICLE: dict[str, str] = {k: ("an" if k[0] in "aeiou" else "a") for k in KIND_ORDER}


class EditError(ValueError):
    """An edit that would leave the corpus invalid; nothing was changed. ``problems`` lists each reason."""

    def __init__(self, problems: Sequence[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


# -- primitive operations ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Put:
    """Add an item (at the end of its kind, or at ``position``), or replace the item with its id in place."""

    item: _Item
    position: int | None = None


@dataclass(frozen=True)
class Remove:
    item_id: str


@dataclass(frozen=True)
class SetInfo:
    info: CorpusInfo


Op = Put | Remove | SetInfo


@dataclass
class ChangeSet:
    """What one applied batch did. ``changed`` maps an id to (old, new)."""

    added: dict[str, _Item] = field(default_factory=dict)
    changed: dict[str, tuple[_Item, _Item]] = field(default_factory=dict)
    removed: dict[str, _Item] = field(default_factory=dict)
    info: tuple[CorpusInfo, CorpusInfo] | None = None
    inverse: list[Op] = field(default_factory=list)
    revision: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.info)

    def kinds(self) -> set[str]:
        out = {i.item_kind for i in self.added.values()} | {i.item_kind for i in self.removed.values()}
        out |= {new.item_kind for _, new in self.changed.values()}
        return out

    def ids(self) -> set[str]:
        return set(self.added) | set(self.changed) | set(self.removed)

    def files(self) -> set[str]:
        """The corpus files this change dirties (document text files included)."""
        out = {FILE_OF_KIND[k] for k in self.kinds()}
        if self.info is not None:
            out.add("corpus.json")
        for item in [*self.added.values(), *(new for _, new in self.changed.values())]:
            if isinstance(item, Document):
                out.add(item.file)
        return out

    def merge(self, later: "ChangeSet") -> "ChangeSet":
        """This change followed by ``later``, as one (used for grouped commands)."""
        out = ChangeSet(dict(self.added), dict(self.changed), dict(self.removed), self.info,
                        [*later.inverse, *self.inverse], later.revision)
        for iid, item in later.added.items():
            if iid in out.removed:  # removed, then added back: a change (or nothing)
                old = out.removed.pop(iid)
                if old != item:
                    out.changed[iid] = (old, item)
            else:
                out.added[iid] = item
        for iid, (old, new) in later.changed.items():
            if iid in out.added:
                out.added[iid] = new
            elif iid in out.changed:
                out.changed[iid] = (out.changed[iid][0], new)
            else:
                out.changed[iid] = (old, new)
        for iid, item in later.removed.items():
            if iid in out.added:
                del out.added[iid]
            elif iid in out.changed:
                out.removed[iid] = out.changed.pop(iid)[0]
            else:
                out.removed[iid] = item
        if later.info is not None:
            out.info = (self.info[0] if self.info else later.info[0], later.info[1])
        return out


# -- references ----------------------------------------------------------------------------------------

#: (field, kinds it may refer to) for each kind; list fields hold several ids
_REFS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "document": (),
    "passage": (("document", ("document",)),),
    "theme": (("passages", ("passage",)),),
    "entity": (("passages", ("passage",)),),
    "expert": (("passages", ("passage",)), ("organisation", ("entity",))),
    "event": (("passages", ("passage",)), ("themes", ("theme",)), ("actors", ("entity", "expert")),
              ("experts", ("expert",))),
    "relationship": (("passages", ("passage",)), ("source", ("entity", "expert")),
                     ("target", ("entity", "expert"))),
}


def references(item: _Item) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Every id an item refers to: (field, id, the kinds allowed there). Expert positions count as
    ``positions[i].passages``."""
    values = item.__dict__
    for name, kinds in _REFS[item.item_kind]:
        value = values.get(name)
        if value is None:
            continue
        if isinstance(value, list):
            for ref in value:
                yield name, ref, kinds
        else:
            yield name, value, kinds
    if item.item_kind == "expert":
        for j, pos in enumerate(item.positions):
            for ref in pos.passages:
                yield f"positions[{j}].passages", ref, ("passage",)


def _group_into(refs: dict[str, set[str]], ids: list[str], targets: list[tuple]) -> None:
    """``ids[i]`` among the referrers of every ``t`` in ``targets[i]``: sorted by target with numpy, then one
    tuple made per new target (in C where a target has one referrer) or a set updated, instead of a Python
    call per reference (0.6 s at 100k events before)."""
    import numpy as np  # (imported on first need: the corpus module is on the start-up path)

    n = len(ids)
    lens = np.fromiter(map(len, targets), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(targets))
    if not flat:
        return
    owner = np.repeat(np.arange(n, dtype=np.int64), lens)
    code_of = {t: k for k, t in enumerate(dict.fromkeys(flat))}
    code = np.fromiter(map(code_of.__getitem__, flat), dtype=np.int64, count=len(flat))
    pairs = np.sort(code * n + owner)  # by target, then referrer
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]  # each pair once
    codes, owners = pairs // n, pairs % n
    bounds = [0, *(np.flatnonzero(np.diff(codes)) + 1).tolist(), len(codes)]
    names = list(code_of)
    owner_ids = np.array(ids, dtype=object)[owners]
    groups = list(zip(bounds, bounds[1:]))
    single = np.diff(np.array(bounds, dtype=np.int64)) == 1
    if single.any():  # targets with one referrer (a passage and its event, mostly): made in C
        at = np.array(bounds[:-1], dtype=np.int64)[single]
        keys = [names[k] for k in codes[at].tolist()]
        if refs.keys().isdisjoint(keys):
            refs.update(zip(keys, zip(owner_ids[at])))
            groups = [g for g, one in zip(groups, single.tolist()) if not one]
    for a, b in groups:
        target = names[int(codes[a])]
        found = refs.get(target)
        if found is None:  # a tuple (a passage has one referrer, mostly: 48 bytes, not a set's 216)
            refs[target] = tuple(owner_ids[a:b])
        else:
            found = refs[target] = set(found)
            found.update(owner_ids[a:b])


def describe_kinds(kinds: tuple[str, ...]) -> str:
    return " or ".join(kinds)


def evidence_of(item: _Item) -> list[str]:
    """The passages that are evidence for an item, positions included (empty for documents/passages)."""
    if item.item_kind in ("document", "passage"):
        return []
    out = list(item.passages)
    if item.item_kind == "expert":
        for pos in item.positions:
            out.extend(p for p in pos.passages if p not in out)
    return out


# -- memory ----------------------------------------------------------------------------------------------

_SHARED_FIELD_SETS: dict[frozenset, set] = {}
_REF_LISTS = ("passages", "themes", "actors", "experts")
_intern = sys.intern


def compact(item: _Item) -> _Item:
    """Shrink a loaded item in place without changing its value: its set of given field names is shared
    with every item that has the same one (pydantic keeps a fresh 200–700-byte set per instance and only
    ever copies it, never changes it in place, for frozen models), and its id and the ids it refers to are
    interned, so that a reference is a pointer to the one id string, not a copy of it. At 100k events this
    is a fifth of the corpus's memory."""
    fields_set = item.__pydantic_fields_set__
    key = frozenset(fields_set)
    shared = _SHARED_FIELD_SETS.get(key)
    if shared is None:
        shared = _SHARED_FIELD_SETS[key] = set(key)
    if fields_set is not shared:
        object.__setattr__(item, "__pydantic_fields_set__", shared)
    values = item.__dict__
    values["id"] = _intern(values["id"])
    for name in _REF_LISTS:
        refs = values.get(name)
        if refs:
            refs[:] = [_intern(r) for r in refs]
    for name in ("document", "source", "target", "organisation"):
        ref = values.get(name)
        if type(ref) is str:
            values[name] = _intern(ref)
    return item


# -- the corpus ------------------------------------------------------------------------------------------

#: the kinds stored in columns (``tables.py``); the others are dicts of pydantic items
TABLE_KINDS: tuple[str, ...] = ("passage", "event")
#: a batch of more operations than this adds new events and passages to their tables in bulk and lets the
#: map of who refers to whom be made again when next needed (an import, its undo)
BULK_ABOVE = 1000


class ItemsById:
    """``Corpus.by_id``: any item by its id, read-only. The small kinds are one dict of items; events and
    passages are looked up in their tables (and built on access)."""

    def __init__(self, small: dict[str, _Item], tables: tuple[Table, ...]):
        self._small = small
        self._tables = tables

    def get(self, item_id, default=None):
        found = self._small.get(item_id)
        if found is not None:
            return found
        for table in self._tables:
            found = table.get(item_id)
            if found is not None:
                return found
        return default

    def __getitem__(self, item_id: str) -> _Item:
        found = self.get(item_id)
        if found is None:
            raise KeyError(item_id)
        return found

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._small or any(item_id in t for t in self._tables)

    def __len__(self) -> int:
        return len(self._small) + sum(len(t) for t in self._tables)

    def __iter__(self) -> Iterator[str]:
        yield from self._small
        for table in self._tables:
            yield from table

    def keys(self) -> Iterator[str]:
        return iter(self)

    def values(self) -> Iterator[_Item]:
        yield from self._small.values()
        for table in self._tables:
            yield from table.values()

    def items(self) -> Iterator[tuple[str, _Item]]:
        yield from self._small.items()
        for table in self._tables:
            yield from table.items()


class Corpus:
    """A corpus in memory. ``documents``, ``events``... are lists in file order (cached until a change);
    ``by_id`` finds any item. Change it only through ``apply`` (or a command stack on top of it)."""

    def __init__(self, root: Path | str | None = None, info: CorpusInfo | None = None, **items: list[_Item]):
        self.root = Path(root) if root is not None else Path(".")
        self.info = info or CorpusInfo()
        self.problems: list[Problem] = []
        #: what opening the corpus did besides loading it (an interrupted save completed or rolled back)
        self.notes: list[str] = []
        #: items the loader skipped, by plural kind (set by the loader)
        self.skipped: dict[str, int] = {}
        #: what the loader saw of each file (name -> stamp), so that a save can tell a file changed on disk
        self.file_stamps: dict[str, object] = {}
        self.revision = 0
        self._store: dict[str, dict[str, _Item]] = {k: {} for k in KIND_ORDER}
        self.passage_table = PassageTable(self._text_of)
        self.event_table = EventTable()
        self._store["passage"] = self.passage_table  # type: ignore[assignment]
        self._store["event"] = self.event_table  # type: ignore[assignment]
        self._small: dict[str, _Item] = {}  # the items of the kinds not in tables, by id
        self.by_id = ItemsById(self._small, (self.event_table, self.passage_table))
        self._lists: dict[str, list[_Item]] = {}
        self._referrers: dict[str, set[str]] | None = None  # built on first need, then kept up to date
        self._listeners: list[Callable[[ChangeSet], None]] = []
        for kind, plural in PLURAL.items():
            if plural in items:
                self._set_kind(kind, items.pop(plural))
        if items:
            raise TypeError(f"unknown item lists: {', '.join(items)}")

    # -- kept (the cache of opened corpora, core.io.cache) -------------------------------------------------
    def __getstate__(self) -> dict:
        if self._listeners:
            raise TypeError("a corpus with listeners is not kept (its listeners would not follow it)")
        state = dict(self.__dict__)
        state["_lists"] = {}  # a cache: rebuilt on first need (who refers to whom is kept: slow to make)
        for table in (self.event_table, self.passage_table):
            table._cache.clear()
        return state

    # -- reading ---------------------------------------------------------------------------------------
    def _text_of(self, doc_id: str) -> str | None:
        doc = self._store["document"].get(doc_id)
        return doc.text if doc is not None else None

    def _set_kind(self, kind: str, items: Iterable[_Item]) -> None:
        store = self._store[kind]
        if kind in TABLE_KINDS:
            store.clear()
            store.extend(items)
        else:
            for old in store:
                self._small.pop(old, None)
            store.clear()
            for item in items:
                compact(item)
                store[item.id] = item
            self._small.update(store)
        self._lists.pop(kind, None)
        self._referrers = None

    def _fill_staged(self, kind: str, staged) -> None:
        """Set the events or passages from their staged form (``Table.stage``; the loader's)."""
        store = self._store[kind]
        store.clear()
        store.fill(staged)
        self._lists.pop(kind, None)
        self._referrers = None

    def _list(self, kind: str) -> list:
        found = self._lists.get(kind)
        if found is None:
            store = self._store[kind]
            found = self._lists[kind] = TableView(store) if kind in TABLE_KINDS else list(store.values())
        return found

    documents = property(lambda self: self._list("document"), lambda self, v: self._set_kind("document", v))
    passages = property(lambda self: self._list("passage"), lambda self, v: self._set_kind("passage", v))
    themes = property(lambda self: self._list("theme"), lambda self, v: self._set_kind("theme", v))
    entities = property(lambda self: self._list("entity"), lambda self, v: self._set_kind("entity", v))
    experts = property(lambda self: self._list("expert"), lambda self, v: self._set_kind("expert", v))
    events = property(lambda self: self._list("event"), lambda self, v: self._set_kind("event", v))
    relationships = property(lambda self: self._list("relationship"),
                             lambda self, v: self._set_kind("relationship", v))

    def items_of(self, kind: str) -> list[_Item]:
        return self._list(kind)

    def all_items(self) -> Iterator[_Item]:
        for kind in KIND_ORDER:
            yield from self._store[kind].values()

    def get(self, item_id: str) -> _Item | None:
        return self.by_id.get(item_id)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.by_id

    def kind_of(self, item_id: str) -> str | None:
        item = self._small.get(item_id)
        if item is not None:
            return item.item_kind
        if item_id in self.event_table:
            return "event"
        if item_id in self.passage_table:
            return "passage"
        return None

    def position(self, item_id: str) -> int | None:
        kind = self.kind_of(item_id)
        if kind is None:
            return None
        store = self._store[kind]
        if kind in TABLE_KINDS:
            return store.position(item_id)
        return list(store).index(item_id)  # a C-speed scan: 1 ms at 100k

    def counts(self) -> dict[str, int]:
        return {PLURAL[k]: len(self._store[k]) for k in ("document", "passage", "event", "expert", "entity",
                                                         "relationship", "theme")}

    def summary(self) -> str:
        return ", ".join(f"{n} {k}" for k, n in self.counts().items())

    def snapshot(self) -> tuple:
        """Everything the corpus holds, as comparable values (for tests: undo gives this back exactly)."""
        return (self.info, tuple((k, tuple(self._store[k].items())) for k in KIND_ORDER))

    def unsupported_ids(self) -> list[str]:
        """The events, experts, entities, relationships and themes that no passage supports yet (an item
        made without a passage, or whose last passage was removed), in corpus order of kinds."""
        out: list[str] = []
        for kind in KIND_ORDER:
            if kind in ("document", "passage"):
                continue
            if kind == "event":
                table, refs = self.event_table, self.event_table.refs["passages"]
                out.extend(iid for iid, row in table.id_rows() if not refs[row])
            else:
                out.extend(item.id for item in self._store[kind].values() if not evidence_of(item))
        return out

    def is_unsupported(self, item_id: str) -> bool:
        """Whether an item is one that no passage supports (False for documents, passages, unknown ids)."""
        item = self.get(item_id)
        return item is not None and item.item_kind not in ("document", "passage") and not evidence_of(item)

    # -- who refers to whom ------------------------------------------------------------------------------
    def _refs_map(self) -> dict[str, set[str] | tuple[str, ...]]:
        """Id -> the ids of the items that refer to it (a set, or a tuple where the build made it and no edit
        changed it since)."""
        if self._referrers is None:
            refs: dict = {}

            # the tables' references, read from their columns (no item built) and grouped in one pass
            ptable, etable = self.passage_table, self.event_table
            pids = ptable.ids()
            p_docs = [ptable.document[r] for r in ptable.rows(pids).tolist()]
            _group_into(refs, pids, [(d,) for d in p_docs])
            eids = etable.ids()
            erows = etable.rows(eids).tolist()
            for name in ("passages", "themes", "actors", "experts"):
                col = etable.refs[name]
                _group_into(refs, eids, [col[r] for r in erows])
            for item in self._small.values():
                for _, ref, _ in references(item):
                    found = refs.get(ref)
                    if found is None:
                        refs[ref] = {item.id}
                    elif type(found) is tuple:
                        refs[ref] = {*found, item.id}
                    else:
                        found.add(item.id)
            self._referrers = refs
        return self._referrers

    def referrers(self, item_id: str) -> list[str]:
        """The ids of the items that refer to an item, in corpus order."""
        found = self._refs_map().get(item_id, ())
        return [i for k in KIND_ORDER for i in self._store[k] if i in found] if len(found) > 50 else \
            sorted(found, key=lambda i: (KIND_ORDER.index(self.kind_of(i)), i))

    # -- listening ---------------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[ChangeSet], None]) -> Callable[[], None]:
        """Call ``listener(changeset)`` after every applied change; returns a function that unsubscribes."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    # -- changing ------------------------------------------------------------------------------------------
    def check(self, ops: Sequence[Op]) -> list[str]:
        """The problems the batch would cause (empty: it can be applied)."""
        return _Checker(self, ops).problems()

    def apply(self, ops: Sequence[Op], notify: bool = True) -> ChangeSet:
        """Apply a batch of operations as one change, or raise ``EditError`` and change nothing."""
        problems = self.check(ops)
        if problems:
            raise EditError(problems)
        cs = ChangeSet()
        inverse: list[Op] = []
        # where removed items were, for their undo: one look-up per kind for a batch that removes many (the
        # undo of an import removes thousands; finding each one's place by a scan was quadratic)
        removing: dict[str, tuple[dict[str, int], list[int]]] = {}
        # new events and passages put at the end are added to their tables in bulk (``append_many``)
        bulk = len(ops) > BULK_ABOVE
        # a removal's place, for its undo: looked up (a list scan in C) for a few, from one map for many
        many_removals = sum(1 for op in ops if isinstance(op, Remove)) > 8
        appending: dict[str, dict[str, _Item]] = {}
        if bulk and self._referrers is not None:
            self._referrers = None  # made again when next needed (grouped: a third of a second at 100k)

        def flush() -> None:
            for kind, items in appending.items():
                if items:
                    with _gc_paused():
                        self._store[kind].append_many(list(items.values()))
                    self._lists.pop(kind, None)
            appending.clear()

        for op in ops:
            if bulk and isinstance(op, Put) and op.position is None and op.item.item_kind in TABLE_KINDS:
                item = op.item
                pending = appending.setdefault(item.item_kind, {})
                if item.id not in pending and item.id not in self._store[item.item_kind]:
                    removing.pop(item.item_kind, None)
                    pending[item.id] = item
                    inverse.append(Remove(item.id))
                    _record_add(cs, item)
                    continue
            if appending:
                flush()
            if isinstance(op, SetInfo):
                old_info = self.info
                if op.info != old_info:
                    self.info = op.info
                    cs.info = (cs.info[0] if cs.info else old_info, op.info)
                    inverse.append(SetInfo(old_info))
            elif isinstance(op, Put):
                item = op.item
                kind = item.item_kind
                removing.pop(kind, None)  # places change: found afresh after this
                store = self._store[kind]
                old = store.get(item.id)
                if old is not None:
                    if old == item and op.position is None:
                        continue
                    pos = self.position(item.id) if op.position is not None else None
                    if op.position is not None and op.position != pos:
                        self._remove(item.id)
                        self._insert(item, op.position)
                        inverse.append(Put(old, pos))
                    else:
                        if kind == "document" and old.text != item.text:
                            self.passage_table.text_changes(item.id, old.text, item.text)
                        store[item.id] = item
                        if kind not in TABLE_KINDS:
                            self._small[item.id] = item
                        self._lists.pop(kind, None)
                        self._reindex_refs(old, item)
                        inverse.append(Put(old))
                    _record_change(cs, item.id, old, item)
                else:
                    self._insert(item, op.position)
                    inverse.append(Remove(item.id))
                    _record_add(cs, item)
            else:  # Remove
                old = self.by_id[op.item_id]
                pos = (self._removal_position(old.item_kind, op.item_id, removing) if many_removals
                       else self.position(op.item_id))
                self._remove(op.item_id, old)
                inverse.append(Put(old, pos))
                _record_remove(cs, old)
        flush()
        inverse.reverse()
        cs.inverse = inverse
        if not cs.empty:
            self.revision += 1
        cs.revision = self.revision
        if notify and not cs.empty:
            for listener in list(self._listeners):
                listener(cs)
        return cs

    def _removal_position(self, kind: str, item_id: str, removing: dict) -> int:
        """The item's place in its kind's order now, as ``position`` gives it, in a batch of removals: the
        order is read once, and each place is its first place less the removed items before it."""
        found = removing.get(kind)
        if found is None:
            first = {iid: i for i, iid in enumerate(self._store[kind])}
            found = removing[kind] = (first, [0] * (len(first) + 1))
        first, tree = found  # a Fenwick tree of the places removed so far (insort was quadratic in reverse)
        at = first[item_id]
        before, i = 0, at
        while i > 0:
            before += tree[i]
            i -= i & -i
        pos = at - before
        i, n = at + 1, len(tree)
        while i < n:
            tree[i] += 1
            i += i & -i
        return pos

    def _insert(self, item: _Item, position: int | None) -> None:
        kind = item.item_kind
        store = self._store[kind]
        if position is None or position >= len(store):
            store[item.id] = item
        elif kind in TABLE_KINDS:
            with _gc_paused():
                store.insert(item, position)
        else:  # back to where it was (an undone delete): the kind's order is rebuilt, 10 ms at 100k
            keys, values = list(store), list(store.values())
            at = max(0, position)
            keys.insert(at, item.id)
            values.insert(at, item)
            with _gc_paused():
                self._store[kind] = dict(zip(keys, values))
        if kind not in TABLE_KINDS:
            self._small[item.id] = item
        self._lists.pop(kind, None)
        self._reindex_refs(None, item)

    def _remove(self, item_id: str, item: _Item | None = None) -> None:
        if item is None:
            item = self.by_id[item_id]
        self._small.pop(item_id, None)
        del self._store[item.item_kind][item_id]
        self._lists.pop(item.item_kind, None)
        self._reindex_refs(item, None)

    def _reindex_refs(self, old: _Item | None, new: _Item | None) -> None:
        refs = self._referrers
        if refs is None:
            return
        if old is not None:
            for _, ref, _ in references(old):
                found = refs.get(ref)
                if found is not None:
                    if type(found) is tuple:
                        found = refs[ref] = set(found)
                    found.discard(old.id)
                    if not found:
                        del refs[ref]
        if new is not None:
            for _, ref, _ in references(new):
                found = refs.get(ref)
                if found is None:
                    refs[ref] = {new.id}
                else:
                    if type(found) is tuple:
                        found = refs[ref] = set(found)
                    found.add(new.id)


def _record_add(cs: ChangeSet, item: _Item) -> None:
    if item.id in cs.removed:
        old = cs.removed.pop(item.id)
        if old != item:
            cs.changed[item.id] = (old, item)
    else:
        cs.added[item.id] = item


def _record_change(cs: ChangeSet, iid: str, old: _Item, new: _Item) -> None:
    if iid in cs.added:
        cs.added[iid] = new
    elif iid in cs.changed:
        cs.changed[iid] = (cs.changed[iid][0], new)
    else:
        cs.changed[iid] = (old, new)


def _record_remove(cs: ChangeSet, old: _Item) -> None:
    if old.id in cs.added:
        del cs.added[old.id]
    elif old.id in cs.changed:
        cs.removed[old.id] = cs.changed.pop(old.id)[0]
    else:
        cs.removed[old.id] = old


class _Checker:
    """Checks the corpus a batch would leave, looking only at what the batch touches."""

    def __init__(self, corpus: Corpus, ops: Sequence[Op]):
        self.corpus = corpus
        self.ops = ops
        self.overlay: dict[str, _Item | None] = {}  # id -> item after the batch (None: removed)
        self.out: list[str] = []
        self._overlay_refs: dict[str, list[_Item]] | None = None  # referenced id -> items of the batch

    def get(self, item_id: str) -> _Item | None:
        if item_id in self.overlay:
            return self.overlay[item_id]
        return self.corpus.by_id.get(item_id)

    def problems(self) -> list[str]:
        touched: list[_Item] = []
        removed: list[str] = []
        for op in self.ops:
            if isinstance(op, SetInfo):
                info = op.info
                if info.time_range is not None:
                    if len(info.time_range) != 2:
                        self.out.append("a time range is two dates, a start and an end, like [\"1988\", \"2022\"]")
                    elif info.time_range[1].end_seconds <= info.time_range[0].start_seconds:
                        self.out.append(f"the time range ends ({info.time_range[1]}) before it starts "
                                        f"({info.time_range[0]})")
            elif isinstance(op, Put):
                item = op.item
                if not isinstance(item, _Item) or item.item_kind not in MODEL_OF_KIND:
                    self.out.append(f"{item!r} is not a corpus item")
                    continue
                current = self.get(item.id)
                if current is not None and current.item_kind != item.item_kind:
                    self.out.append(f"the id {item.id} is already used by {ARTICLE[current.item_kind]} "
                                    f"{current.item_kind} ({current.label})")
                    continue
                self.overlay[item.id] = item
                touched.append(item)
            elif isinstance(op, Remove):
                if self.kind_of(op.item_id) is None:  # (the item is not built: an undone import removes 200k)
                    self.out.append(f"there is no item {op.item_id} to delete")
                    continue
                self.overlay[op.item_id] = None
                removed.append(op.item_id)
            else:
                self.out.append(f"{op!r} is not an operation on a corpus")
        for item in touched:
            if self.overlay.get(item.id) is item:
                self.check_item(item)
        for item_id in removed:
            if self.overlay.get(item_id, False) is None:
                self.check_removed(item_id)
        return self.out

    def kind_of(self, item_id: str) -> str | None:
        """The kind of an item after the batch (None: there is none), without building it."""
        if item_id in self.overlay:
            item = self.overlay[item_id]
            return item.item_kind if item is not None else None
        return self.corpus.kind_of(item_id)

    def check_item(self, item: _Item) -> None:
        for fname, ref, kinds in references(item):
            target_kind = self.kind_of(ref)
            if target_kind is None:
                self.out.append(f"{item.id} refers to unknown {describe_kinds(kinds)} '{ref}' ({fname})")
            elif target_kind not in kinds:
                self.out.append(f"{ref} is {ARTICLE[target_kind]} {target_kind}, not "
                                f"{ARTICLE[kinds[0]]} {describe_kinds(kinds)} ({item.id}.{fname})")
        kind = item.item_kind
        if kind == "passage":
            doc = self.get(item.document)
            if isinstance(doc, Document):
                text = doc.text
                if item.end < item.start:
                    self.out.append(f"passage {item.id} ends ({item.end}) before it starts ({item.start})")
                elif text[item.start:item.end] != item.quote:
                    self.out.append(f"the quote of passage {item.id} is not the text of {doc.title} at "
                                    f"{item.start}–{item.end}")
        elif kind == "document":
            # the passages anchored in a document must still match its (new) text
            for pid in self.corpus._refs_map().get(item.id, ()):
                p = self.get(pid)
                if isinstance(p, Passage) and p.document == item.id and self.overlay.get(pid) is None \
                        and pid not in self.overlay and item.text[p.start:p.end] != p.quote:
                    self.out.append(f"passage {pid} no longer matches the text of {item.title} at "
                                    f"{p.start}–{p.end}")
        else:
            # an item with no evidence is accepted: it is "unsupported" (Corpus.unsupported_ids) until a passage
            # is added, and loading or validating the corpus reports it
            start, end = item.__dict__.get("start"), item.__dict__.get("end")
            if start is not None and end is not None and end.end_seconds <= start.start_seconds:
                self.out.append(f"{item.id} ends ({end}) before it starts ({start})")
            if kind == "relationship" and item.source == item.target:
                self.out.append(f"relationship {item.id} links {item.source} to itself")

    def check_removed(self, item_id: str) -> None:
        refs = self.corpus._refs_map().get(item_id, set())
        still = []
        for rid in refs:
            ref_item = self.get(rid)
            if ref_item is None:
                continue  # removed in the same batch
            if rid in self.overlay:  # changed in the batch: does the new value still refer to it?
                if not any(r == item_id for _, r, _ in references(ref_item)):
                    continue
            still.append(ref_item)
        # items added in this batch that refer to it (who refers to whom in the batch: made once, so that a
        # batch removing thousands of items, the undo of an import, is not quadratic)
        if self._overlay_refs is None:
            self._overlay_refs = {}
            for iid, new in self.overlay.items():
                if new is not None:
                    for _, r, _ in references(new):
                        self._overlay_refs.setdefault(r, []).append(new)
        named = set()
        for new in self._overlay_refs.get(item_id, ()):
            if new.id not in refs and new.id not in named:
                named.add(new.id)
                still.append(new)
        if still:
            still.sort(key=lambda i: (KIND_ORDER.index(i.item_kind), i.id))
            names = ", ".join(i.id for i in still[:10]) + (f" and {len(still) - 10} more" if len(still) > 10 else "")
            self.out.append(f"{item_id} cannot be deleted: {len(still)} item(s) refer to it ({names})")
