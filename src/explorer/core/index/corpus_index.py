"""Derived look-ups, built once per corpus. Pure Python + numpy, no Qt.

- the passages of an item and the items a passage is evidence for;
- a document's passages sorted by offset, for hit-testing a click in the text;
- events as sorted numpy arrays (POSIX seconds, UTC) for fast range queries;
- which events, experts, entities... are linked to any item;
- a case- and accent-insensitive text search over documents and items.
"""

from __future__ import annotations

import bisect
import threading
from array import array
import unicodedata
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter
from typing import Callable, Iterator, Sequence

import numpy as np

from ..corpus import Corpus
from ..gcpause import _gc_paused
from ..model import Event
from ..model.types import _Item
from ..tables import EventTable

_TABLE_KINDS = ("event", "passage")


class _EventsView(Sequence):
    """``CorpusIndex.events``: the events in timeline order, built on access from the corpus's event table."""

    def __init__(self, table: EventTable, order: list[str]):
        self._table = table
        self._order = order  # the index's own list of ids in timeline order (patched by edits)

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._table[eid] for eid in self._order[i]]
        return self._table[self._order[i]]

    def __iter__(self):
        return self._table.iter_items(self._order)

    def ids(self) -> list[str]:
        return self._order

    def rows(self) -> "np.ndarray":
        """The event table's rows, in timeline order."""
        return self._table.rows(self._order)

    @property
    def table(self) -> EventTable:
        return self._table


def _fold_char(ch: str) -> str:
    """The folded form of one character: its compatibility decomposition without combining marks,
    case-folded, cut to one character (so folding never changes the length of a text)."""
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)) or ch
    return base[0].casefold()[0] if len(base[0].casefold()) else ch


# Folding is a per-character map, applied with numpy: the text as UTF-32 code points, looked up in a table
# that is filled, character by character, the first time a character is met. A str.translate or a Python
# loop would take seconds over the 50 MB a large corpus holds; this takes a few hundredths.
_LUT = np.arange(0x110000, dtype=np.uint32)
_LUT[ord("A"):ord("Z") + 1] += 32  # ASCII: folding is lower-casing
_KNOWN = np.zeros(0x110000, dtype=bool)
_KNOWN[:128] = True
_LUT_LOCK = threading.Lock()
_FOLD_CHUNK = 1 << 20


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text, one character for each character of the input, so
    that offsets of matches in the folded text are offsets in the original."""
    if text.isascii():
        return text.lower()
    if len(text) > _FOLD_CHUNK:  # folding is per character: fold in slices, to bound the temporary arrays
        return "".join(fold(text[i:i + _FOLD_CHUNK]) for i in range(0, len(text), _FOLD_CHUNK))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = codes[codes > 127]
    if not _KNOWN[wide].all():
        with _LUT_LOCK:
            for cp in sorted(set(wide[~_KNOWN[wide]].tolist())):  # (np.unique would import numpy.ma: 24 ms)
                _LUT[cp] = ord(_fold_char(chr(cp)))
                _KNOWN[cp] = True
    return _LUT[codes].tobytes().decode("utf-32-le", "surrogatepass")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _chars(data: bytes) -> int:
    """How many characters these UTF-8 bytes hold (a whole number of characters)."""
    return len(data.decode("utf-8", "surrogatepass"))


def _find_all(folded: bytes, q: bytes, n_chars: int) -> Iterator[int]:
    """The character offsets of the non-overlapping matches of ``q`` (``n_chars`` characters) in ``folded``
    (UTF-8: a match of whole characters is a match of their bytes), counted as it goes."""
    pos_b = folded.find(q)
    at_b = at = 0
    while pos_b >= 0:
        at += _chars(folded[at_b:pos_b])
        yield at
        at_b, at = pos_b + len(q), at + n_chars
        pos_b = folded.find(q, at_b)


@dataclass(frozen=True)
class SearchHit:
    kind: str  # the item kind, or "document" for a match in a document's text
    item_id: str
    label: str
    context: str  # a snippet around the match
    start: int = -1  # for document matches: character offsets in the text
    end: int = -1


def _interval_seconds(dates: list) -> tuple[np.ndarray, np.ndarray]:
    """``PartialDate.start_seconds`` and ``end_seconds`` of many dates at once (POSIX seconds, UTC)."""
    n = len(dates)
    years = np.fromiter((d.year for d in dates), dtype=np.int64, count=n)
    months = np.fromiter((d.month or 0 for d in dates), dtype=np.int64, count=n)
    days = np.fromiter((d.day or 0 for d in dates), dtype=np.int64, count=n)
    return _interval_seconds_of(years, months, days)


def _interval_seconds_of(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same from year, month and day arrays (0: no month or day), as an event table keeps them."""
    years = np.where(years < 0, years + 1, years)  # historical years (-500: 500 BCE) to astronomical (-499)
    month_index = (years - 1970) * 12 + np.maximum(months, 1) - 1  # months since January 1970
    first_day = month_index.astype("datetime64[M]").astype("datetime64[D]") + (np.maximum(days, 1) - 1)
    # the day after the interval: the next day, the first of the next month, or the next new year
    next_month = np.where(months > 0, month_index + 1, (years + 1 - 1970) * 12)
    after = np.where(days > 0, first_day + 1, next_month.astype("datetime64[M]").astype("datetime64[D]"))
    return (first_day.astype(np.int64) * 86400).astype(np.float64), (after.astype(np.int64) * 86400).astype(np.float64)


def _label(item: _Item) -> str:
    """``item.label`` without its ``getattr(self, "name", None)``, which for a model without that field
    goes through pydantic's slow ``__getattr__`` (microseconds, times 100,000 events)."""
    if type(item).label is not _Item.label:  # overridden (a relationship's label is its kind)
        return item.label
    values = item.__dict__
    return values.get("name") or values.get("title") or item.id


def _take(items: list, order: np.ndarray) -> list:
    """``[items[i] for i in order]``, in C."""
    if len(order) == 0:
        return []
    if len(order) == 1:
        return [items[int(order[0])]]
    if len(order) > len(items):  # each item several times: numpy takes them (3 times quicker here)
        return np.fromiter(items, dtype=object, count=len(items))[order].tolist()
    return list(itemgetter(*order.tolist())(items))


class _Links(dict):
    """Item id -> the ids it is linked to. An event's own links are not stored (100k tuples at 100k events)
    unless an edit set them: ``get``, ``[]`` and ``in`` read them from the event's row
    (``own_event_links``); every other item's links are stored."""

    def __init__(self, own_event_links: Callable[[str], tuple]):
        super().__init__()
        self.own_event_links = own_event_links

    def get(self, key, default=None):
        found = dict.get(self, key)
        if found is None:
            found = self.own_event_links(key)
            if not found:
                return default
        return found

    def __getitem__(self, key):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or bool(self.own_event_links(key))

    def __reduce__(self):
        return (_Links, (self.own_event_links,), None, None, iter(dict.items(self)))


def _event_backlinks(etable, ptable, known) -> dict[str, tuple[str, ...]]:
    """For each item that events name (a theme, an actor, a voice) or whose passages are their evidence (a
    document): the ids of those events, from the reference columns in one pass (numpy groups them)."""
    e_ids = etable.ids()
    rows = etable.rows(e_ids).tolist()
    n = len(rows)
    if not n:
        return {}
    targets: list = []
    owners: list[np.ndarray] = []
    at = np.arange(n, dtype=np.int64)
    for name in ("themes", "actors", "experts"):
        col = etable.refs[name]
        refs = [col[r] for r in rows]
        owners.append(np.repeat(at, np.fromiter(map(len, refs), dtype=np.int64, count=n)))
        targets.extend(chain.from_iterable(refs))
    col = etable.refs["passages"]
    refs = [col[r] for r in rows]
    owners.append(np.repeat(at, np.fromiter(map(len, refs), dtype=np.int64, count=n)))
    p_rows, p_doc = ptable._rows, ptable.document
    found = list(map(p_rows.get, chain.from_iterable(refs)))
    if None in found:  # a passage that is not there (an edit removed it): no document
        targets.extend(None if r is None else p_doc[r] for r in found)
    else:
        targets.extend(map(p_doc.__getitem__, found))
    owner = np.concatenate(owners)
    code_of = {t: k for k, t in enumerate(dict.fromkeys(targets))}  # each distinct target once
    code = np.fromiter(map(code_of.__getitem__, targets), dtype=np.int64, count=len(targets))
    small = known._small  # the usual case: a theme, an actor, a document
    ok_of_code = np.fromiter((t in small or (t is not None and t in known) for t in code_of), dtype=bool,
                             count=len(code_of))
    if not ok_of_code.all():  # a target that is not there (an edit removed it): no link
        keep = np.flatnonzero(ok_of_code[code])
        code, owner = code[keep], owner[keep]
    pairs = np.sort(code * n + owner)  # by target, then event
    if not len(pairs):  # no event names anything
        return {}
    if len(pairs) > 1:  # each (target, event) once (``np.unique`` hashes, 20 times slower here)
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    t_code, e_at = pairs // n, pairs % n
    bounds = [0, *(np.flatnonzero(np.diff(t_code)) + 1).tolist(), len(pairs)]
    names = list(code_of)
    events = _take(e_ids, e_at)  # the id strings themselves, in target order
    out: dict[str, tuple[str, ...]] = {}
    for a, b in zip(bounds, bounds[1:]):
        target = names[int(t_code[a])]
        out[target] = tuple(events[a:b])
    return out


class CorpusIndex:
    def __init__(self, corpus: Corpus):
        # building allocates a few hundred thousand containers: pause the cyclic collector meanwhile,
        # which otherwise walks the whole corpus again and again (half of the build time at 100k events)
        with _gc_paused():
            self._build(corpus)

    def _build(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.items = corpus.by_id  # the corpus's own look-up, always current
        ptable = corpus.passage_table
        etable = corpus.event_table
        #: the passages by id: the corpus's passage table (items built on access)
        self.passages = ptable
        self._ptable, self._etable = ptable, etable

        # item -> passages (events: read from their table), passage -> items
        self._item_passages: dict[str, list[str]] = {}
        self._passage_items: dict[str, list[str]] = {pid: [] for pid in ptable}
        passage_items = self._passage_items
        for kind in ("theme", "entity", "expert", "relationship"):
            for item in corpus.items_of(kind):
                pids = _evidence(item)
                self._item_passages[item.id] = pids
                for pid in pids:
                    owners = passage_items.get(pid)
                    if owners is not None and item.id not in owners:
                        owners.append(item.id)
        ev_passages = etable.refs["passages"]  # events: with their links, below

        # document -> passage ids sorted by start (then end), and their starts, from the passage columns
        self._doc_passages: dict[str, list[str]] = {d.id: [] for d in corpus.documents}
        self._doc_starts: dict[str, array] = {}
        pids = ptable.ids()
        if pids:
            prow = ptable.rows(pids)
            p_start = np.frombuffer(ptable.start, dtype=np.int64)[prow]
            p_end = np.frombuffer(ptable.end, dtype=np.int64)[prow]
            docs = _take(ptable.document, prow)
            doc_code = {d: k for k, d in enumerate(dict.fromkeys(docs))}
            doc_of_code = list(doc_code)
            codes = np.fromiter(map(doc_code.__getitem__, docs), dtype=np.int64, count=len(docs))
            order = np.lexsort((p_end, p_start, codes))
            sorted_codes, sorted_starts = codes[order], p_start[order].astype(np.int64)
            bounds = [0, *(np.flatnonzero(np.diff(sorted_codes)) + 1).tolist(), len(order)]
            sorted_pids = _take(pids, order)
            for a, b in zip(bounds, bounds[1:]):  # a run of one document's passages
                d = doc_of_code[int(sorted_codes[a])]
                self._doc_passages[d] = sorted_pids[a:b]
                found = self._doc_starts[d] = array("q")  # 8 bytes a start, not an int object
                found.frombytes(sorted_starts[a:b].tobytes())
        for d in self._doc_passages:
            self._doc_starts.setdefault(d, array("q"))

        # events as sorted arrays (by start, then id), the dates read from the event table's columns
        eids = etable.ids()
        if eids:
            erow = etable.rows(eids)
            sy, sm, sd, ey, em, ed = etable.dates(erow)
            ev_starts, _ = _interval_seconds_of(sy, sm, sd)
            has_end = ey != 0  # 0: no end (there is no year 0; BCE years are negative)
            _, ev_ends = _interval_seconds_of(np.where(has_end, ey, sy), np.where(has_end, em, sm),
                                              np.where(has_end, ed, sd))
            order = np.lexsort((np.array(eids), ev_starts))
        else:
            ev_starts = ev_ends = np.zeros(0)
            order = np.array([], dtype=np.int64)
        self._event_order = _take(eids, order)
        #: the events in timeline order, built on access
        self.events = _EventsView(etable, self._event_order)
        self._event_pos: dict[str, int] | None = None  # id -> place in timeline order, made on first need
        # the ids of each kind, for filtering linked items by kind without touching every item (events
        # and passages: their tables)
        self._ids_of_kind: dict[str, set[str]] = {}
        for kind in ("document", "theme", "entity", "expert", "relationship"):
            self._ids_of_kind[kind] = set(corpus._store[kind])
        self._ids_of_kind["event"] = etable  # type: ignore[assignment]
        self._ids_of_kind["passage"] = ptable  # type: ignore[assignment]
        self._event_ids = etable
        self.ev_start = ev_starts[order].astype(np.float64)
        self.ev_end = ev_ends[order].astype(np.float64)

        # links between items (a set only for the items that have links; passages have none)
        known = self.items
        links = _Links(self._own_event_links)
        self._links = links
        get = dict.get  # the stored links only (``_Links.get`` also reads an event's own links)

        def link(a: str, b: str) -> None:
            if a in known and b in known and a != b:
                mine = get(links, a)
                if mine is None:
                    links[a] = {b}
                else:
                    mine.add(b)
                theirs = get(links, b)
                if theirs is None:
                    links[b] = {a}
                else:
                    theirs.add(a)

        p_rows, p_doc = ptable._rows, ptable.document
        # passage -> the events it is evidence for (one pair a reference, in corpus order)
        eids = etable.ids()
        refs = _take(ev_passages, etable.rows(eids))
        owner_of = passage_items.get
        for pid, eid in zip(chain.from_iterable(refs), chain.from_iterable(map(repeat, eids, map(len, refs)))):
            owners = owner_of(pid)
            if owners is not None and eid not in owners:
                owners.append(eid)
        del refs
        # An event's own links (what it names, the documents of its evidence) are read from its row when
        # asked (``_own_event_links``); the other side of each, the events that name a theme, an actor or
        # a document, is built here in one pass over the reference columns (``_event_backlinks``).
        backlinks = _event_backlinks(etable, ptable, known)
        for rel in corpus.relationships:
            link(rel.id, rel.source)
            link(rel.id, rel.target)
        for ex in corpus.experts:
            if ex.organisation:
                link(ex.id, ex.organisation)
        for item_id, pids in self._item_passages.items():  # (events are linked to their documents above)
            for pid in pids:
                row = p_rows.get(pid)
                if row is not None:
                    link(item_id, p_doc[row])
        for target, events in backlinks.items():
            theirs = get(links, target)
            # (the stored links hold no event: an event's own links are read from its row)
            links[target] = events if theirs is None else (*theirs, *events)
        del backlinks
        # kept as tuples (8 bytes a link; a set takes 46): a set is made again for an item whose links an
        # edit takes away from (apply_change), 21 MB less at 100k events
        for key, value in links.items():
            if type(value) is set:
                links[key] = tuple(value)

        #: what a view's layout made ahead, off the UI thread, for this index as it is (key -> value; a
        #: view takes its entry when it first shows the corpus; any edit drops them all)
        self.prepared: dict = {}
        # built on first use: folded document texts and the folded item fields, for search
        # kept as UTF-8: half the memory of the folded str of a text with any non-Latin-1 character in it
        self._folded_docs: dict[str, bytes] = {}
        self._answers: dict = {}
        self._answers_lock = threading.Lock()
        self._item_fields: _ItemFields | None = None
        self._lazy_lock = threading.Lock()
        #: items changed since the search fields were joined: left out of the joined fields, searched apart
        self._stale_fields: set[str] = set()
        self._extra_fields: dict[str, _Item] = {}

    # -- kept (the cache of opened corpora, core.io.cache) -------------------------------------------------
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in ("_answers_lock", "_lazy_lock"):
            del state[name]
        # answers, search's folded texts and the event position map are made again on first need
        state["_answers"], state["_folded_docs"], state["_item_fields"] = {}, {}, None
        state["_event_pos"] = None
        state["_stale_fields"], state["_extra_fields"] = set(), {}
        state["prepared"] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._answers_lock = threading.Lock()
        self._lazy_lock = threading.Lock()

    # -- following edits ---------------------------------------------------------------------------------
    @property
    def event_pos(self) -> dict[str, int]:
        """Event id -> its position in timeline order (rebuilt after an edit moved events)."""
        pos = self._event_pos
        if pos is None:
            pos = self._event_pos = {eid: i for i, eid in enumerate(self._event_order)}
        return pos

    def _own_event_links(self, event_id) -> tuple:
        """An event's own links: what it names and the documents of its evidence (as ``_contributions``),
        read from its row; () for an id that is not an event."""
        etable = self._etable
        row = etable._rows.get(event_id)
        if row is None:
            return ()
        refs = etable.refs
        known = self.items
        out = [r for r in (*refs["themes"][row], *refs["actors"][row], *refs["experts"][row])
               if r != event_id and r in known]
        ptable = self._ptable
        for pid in refs["passages"][row]:
            prow = ptable._rows.get(pid)
            if prow is not None:
                doc = ptable.document[prow]
                if doc in known and doc != event_id:
                    out.append(doc)
        return tuple(dict.fromkeys(out))

    def _event_links_before(self, event_id: str, old_items: dict, added: dict) -> set[str]:
        """An event's own links as they were before a change (``old_items``: the items it removed or changed,
        as they were; ``added``: the items it added), when they were not stored but read from its row."""
        if event_id in added:
            return set()
        old = old_items.get(event_id)
        if old is not None:
            names, pids = (*old.themes, *old.actors, *old.experts), old.passages
        else:  # unchanged itself (the change was to its passages or what it names)
            row = self._etable._rows.get(event_id)
            if row is None:
                return set()
            refs = self._etable.refs
            names, pids = (*refs["themes"][row], *refs["actors"][row], *refs["experts"][row]), refs["passages"][row]
        out = set(names)
        ptable = self._ptable
        for pid in pids:
            p = old_items.get(pid)
            if p is not None and p.item_kind == "passage":
                out.add(p.document)
            elif pid in ptable and pid not in added:
                out.add(ptable.document_of(pid))
        items = self.items
        out.discard(event_id)
        return {i for i in out if i in old_items or (i in items and i not in added)}

    #: a change of more items than this (an import, its undo) rebuilds the index instead of patching it item
    #: by item: patching costs about a millisecond an item at 100k events, a rebuild under a second
    REBUILD_ABOVE = 1000

    def apply_change(self, cs) -> None:
        """Patch every look-up for one applied ChangeSet of the corpus (or, for a large one, rebuild)."""
        with self._answers_lock:
            self._answers.clear()
        self.prepared = {}
        if len(cs.added) + len(cs.changed) + len(cs.removed) > self.REBUILD_ABOVE:
            with _gc_paused():
                self._build(self.corpus)
            return
        old_items = {**cs.removed, **{i: old for i, (old, _) in cs.changed.items()}}
        new_items = {**cs.added, **{i: new for i, (_, new) in cs.changed.items()}}
        affected: set[str] = set(old_items) | set(new_items)
        # kinds
        for iid, item in old_items.items():
            if iid not in new_items and item.item_kind not in _TABLE_KINDS:
                self._ids_of_kind.get(item.item_kind, set()).discard(iid)
        for iid, item in new_items.items():
            if item.item_kind not in _TABLE_KINDS:
                self._ids_of_kind.setdefault(item.item_kind, set()).add(iid)
        # documents: their passage lists and folded texts
        for iid, item in old_items.items():
            if item.item_kind == "document":
                self._folded_docs.pop(iid, None)
                if iid not in new_items:
                    self._doc_passages.pop(iid, None)
                    self._doc_starts.pop(iid, None)
        for iid, item in new_items.items():
            if item.item_kind == "document":
                self._folded_docs.pop(iid, None)
                self._doc_passages.setdefault(iid, [])
                self._doc_starts.setdefault(iid, array("q"))
        # passages: the passage maps; a passage that moves to another document moves its items' links
        for iid, item in old_items.items():
            if item.item_kind == "passage":
                self._unplace_passage(item)
                new = new_items.get(iid)
                if new is None or new.document != item.document:
                    affected.update(self._passage_items.get(iid, ()))
                    affected.add(item.document)
                if new is None:
                    self._passage_items.pop(iid, None)
        for iid, item in new_items.items():
            if item.item_kind == "passage":
                self._passage_items.setdefault(iid, [])
                self._place_passage(item)
                affected.add(item.document)
        # evidence: item -> passages and back
        for iid, item in old_items.items():
            if item.item_kind in ("document", "passage"):
                continue
            # events keep their passages in the event table: the old item says which they were
            old_pids = _evidence(item) if item.item_kind == "event" else self._item_passages.pop(iid, ())
            for pid in old_pids:
                owners = self._passage_items.get(pid)
                if owners is not None and iid in owners:
                    owners.remove(iid)
                    if pid in self.passages:
                        affected.add(self.passages.document_of(pid))
        for iid, item in new_items.items():
            if item.item_kind in ("document", "passage"):
                continue
            pids = _evidence(item)
            if item.item_kind != "event":
                self._item_passages[iid] = pids
            for pid in pids:
                owners = self._passage_items.get(pid)
                if owners is not None and iid not in owners:
                    owners.append(iid)
                if pid in self.passages:
                    affected.add(self.passages.document_of(pid))
        # events in timeline order
        for iid, item in old_items.items():
            if item.item_kind == "event":
                new = new_items.get(iid)
                at = self._event_at(item)
                if new is None or new.start != item.start or new.end != item.end:
                    self._remove_event(at)  # (same dates: same place in the order)
        for iid, item in new_items.items():
            if item.item_kind == "event":
                old = old_items.get(iid)
                if old is None or old.start != item.start or old.end != item.end:
                    self._insert_event(item)
        # links: every affected item's links recomputed, and its partners' sets patched to agree
        refs = self.corpus._refs_map()
        links = self._links
        events = self._event_ids
        # An event's own links are never stored (``_Links``): read from its row, they are current by
        # themselves; only its partners' stored links are patched, from what it linked to before the change.
        stored = dict.get
        for a in affected:
            is_event = a in events or getattr(old_items.get(a), "item_kind", None) == "event"
            if is_event:
                old_links = self._event_links_before(a, old_items, cs.added)
                links.pop(a, None)  # (a link stored by an older version of the index)
            else:
                old_links = set(stored(links, a) or ())
            new_links = self._links_of(a, refs) if a in self.items else set()
            for b in old_links - new_links:
                theirs = stored(links, b)
                if theirs is not None:
                    theirs = set(theirs) if type(theirs) is tuple else theirs
                    theirs.discard(a)
                    if not theirs:
                        del links[b]
                    else:
                        links[b] = theirs
            for b in new_links - old_links:
                theirs = stored(links, b)
                if theirs is None:
                    if b not in events:
                        links[b] = {a}
                elif type(theirs) is tuple:
                    links[b] = (*theirs, a)
                else:
                    theirs.add(a)
            if is_event:
                continue
            if new_links:
                links[a] = new_links
            else:
                links.pop(a, None)
        # search: changed items are searched apart until there are many, then the fields are joined anew
        if self._item_fields is not None:
            self._stale_fields |= set(old_items) | set(new_items)
            for iid in old_items:
                self._extra_fields.pop(iid, None)
            for iid, item in new_items.items():
                if item.item_kind != "passage":
                    self._extra_fields[iid] = item
            if len(self._stale_fields) > 2000:
                self._item_fields = None
                self._stale_fields.clear()
                self._extra_fields.clear()

    def _contributions(self, item: _Item) -> set[str]:
        """The items an item links itself to: what it names, and the documents of its evidence."""
        kind = item.item_kind
        out: set[str] = set()
        if kind == "event":
            out.update(item.themes, item.actors, item.experts)
        elif kind == "relationship":
            out.update((item.source, item.target))
        elif kind == "expert" and item.organisation:
            out.add(item.organisation)
        if kind not in ("document", "passage"):
            passages = self.passages
            for pid in self._evidence_ids(item.id):
                if pid in passages:
                    out.add(passages.document_of(pid))
        out.discard(item.id)
        return {i for i in out if i in self.items}

    def _links_of(self, item_id: str, refs: dict) -> set[str]:
        item = self.items[item_id]
        out = self._contributions(item)
        for rid in refs.get(item_id, ()):  # items naming it (passages name documents, but do not link)
            if rid in self.passages:
                continue
            ref = self.items.get(rid)
            if ref is not None and item_id in self._contributions(ref):
                out.add(rid)
        if item.item_kind == "document":
            for pid in self._doc_passages.get(item_id, ()):
                out.update(self._passage_items.get(pid, ()))
        out.discard(item_id)
        return out

    def _place_passage(self, p) -> None:
        """Put a passage in its document's list, kept in (start, end) order: a binary search by start, then
        past the passages with the same start that end no later (a passage added after the last one, as an
        import adds them, costs nothing more)."""
        plist = self._doc_passages.setdefault(p.document, [])
        starts = self._doc_starts.setdefault(p.document, array("q"))
        if p.id in plist:
            at = plist.index(p.id)
            del plist[at], starts[at]
        span = self.passages.span
        at = bisect.bisect_left(starts, p.start)
        while at < len(plist) and starts[at] == p.start and span(plist[at])[1] <= p.end:
            at += 1
        plist.insert(at, p.id)
        starts.insert(at, p.start)

    def _unplace_passage(self, p) -> None:
        plist = self._doc_passages.get(p.document)
        if not plist or p.id not in plist:
            return
        at = plist.index(p.id)
        del plist[at]
        starts = self._doc_starts.get(p.document)
        if starts is not None and at < len(starts):
            del starts[at]

    def _event_at(self, ev: Event) -> int:
        """Where an event (as indexed) is in timeline order: a binary search by its start, then its id among
        the events that start at the same moment (no position map needed, so edits never rebuild one)."""
        pos = self._event_pos
        if pos is not None:
            return pos[ev.id]
        s = ev.start.start_seconds
        lo = int(np.searchsorted(self.ev_start, s, side="left"))
        hi = int(np.searchsorted(self.ev_start, s, side="right"))
        at = bisect.bisect_left(self._event_order, ev.id, lo, hi)
        return at if at < len(self._event_order) and self._event_order[at] == ev.id else self.event_pos[ev.id]

    def _remove_event(self, at: int) -> None:
        del self._event_order[at]
        self.ev_start = np.delete(self.ev_start, at)
        self.ev_end = np.delete(self.ev_end, at)
        self._event_pos = None

    def _insert_event(self, ev: Event) -> None:
        s, e = ev.start.start_seconds, (ev.end or ev.start).end_seconds
        lo = int(np.searchsorted(self.ev_start, s, side="left"))
        hi = int(np.searchsorted(self.ev_start, s, side="right"))
        at = lo + bisect.bisect_left(self._event_order[lo:hi], ev.id)
        self._event_order.insert(at, ev.id)
        self.ev_start = np.insert(self.ev_start, at, s)
        self.ev_end = np.insert(self.ev_end, at, e)
        self._event_pos = None

    # -- passages ----------------------------------------------------------------------------------
    def passages_of(self, item_id: str) -> list[str]:
        """Passage ids that are evidence for an item (a passage is its own evidence)."""
        if item_id in self.passages:
            return [item_id]
        return list(self._evidence_ids(item_id))

    def _evidence_ids(self, item_id: str) -> Sequence[str]:
        if item_id in self._etable:
            return self._etable.ref(item_id, "passages")
        return self._item_passages.get(item_id, ())

    def items_of_passage(self, passage_id: str) -> list[str]:
        return list(self._passage_items.get(passage_id, []))

    def document_passages(self, doc_id: str) -> list:
        passages = self.passages
        return [passages[pid] for pid in self._doc_passages.get(doc_id, [])]

    def document_passage_ids(self, doc_id: str) -> list[str]:
        """The ids of ``document_passages`` (in text order), no passage built."""
        return list(self._doc_passages.get(doc_id, ()))

    def relationships_between(self, ends: set[str]) -> list[str]:
        """The relationships both of whose ends are among ``ends``, in corpus order: found from the ends'
        links, not by reading every relationship."""
        rel_ids = self._ids_of_kind.get("relationship", set())
        found = {r for end in ends for r in self._links.get(end, ()) if r in rel_ids}
        items = self.items
        hits = {r for r in found if {items[r].source, items[r].target} <= ends}
        if not hits:
            return []
        return [r for r in self.corpus._store["relationship"] if r in hits]

    def passages_at(self, doc_id: str, offset: int) -> list:
        """Passages of a document that contain the character offset."""
        plist = self._doc_passages.get(doc_id, [])
        hi = bisect.bisect_right(self._doc_starts.get(doc_id, []), offset)
        span = self.passages.span
        return [self.passages[pid] for pid in plist[:hi] if span(pid)[0] <= offset < span(pid)[1]]

    def items_at(self, doc_id: str, offset: int) -> list[str]:
        """Items (not passages) for which the text at this offset is evidence, most specific first."""
        found: list[str] = []
        for p in sorted(self.passages_at(doc_id, offset), key=lambda p: p.end - p.start):
            for item_id in self._passage_items.get(p.id, []):
                if item_id not in found:
                    found.append(item_id)
        return found

    # -- links ---------------------------------------------------------------------------------------
    def kind_of(self, item_id: str) -> str | None:
        return self.corpus.kind_of(item_id)

    def linked(self, item_id: str, kind: str | None = None) -> list[str]:
        """Items directly linked to an item (by reference or by being evidenced in a document)."""
        return list(self._cached(("linked", item_id, kind), self._linked, item_id, kind))

    def _cached(self, key, compute, *args):
        """Every view asks about the same selection: keep the answers to the last few questions (the index
        never changes once built)."""
        cache = self._answers
        found = cache.get(key)
        if found is None:
            found = compute(*args)
            with self._answers_lock:
                while len(cache) >= 32:
                    del cache[next(iter(cache))]
                cache[key] = found
        return found

    def _linked(self, item_id: str, kind: str | None) -> list[str]:
        ids = self._links.get(item_id, set())
        if kind is not None:
            members = self._ids_of_kind.get(kind, set())
            ids = {i for i in ids if i in members}
            if kind == "event":  # timeline order, as _sort_key gives for events
                order = self._event_order
                return [order[p] for p in sorted(map(self.event_pos.__getitem__, ids))]
        return sorted(ids, key=self._sort_key)

    def linked_events(self, item_id: str) -> list[str]:
        """Events emphasised when the item is selected: the event itself, or the events that name it,
        share a passage with it, or (for a relationship) involve both its ends."""
        return list(self._cached(("events", item_id), self._linked_events, item_id))

    def _linked_events(self, item_id: str) -> list[str]:
        item = self.items.get(item_id)
        if item is None:
            return []
        kind = item.item_kind
        if kind == "event":
            return [item_id]
        if kind == "passage":  # in timeline order
            pos = self.event_pos
            return sorted((i for i in self._passage_items.get(item_id, []) if i in pos), key=pos.__getitem__)
        if kind == "document":
            # the events linked to a document are those with a passage in it (see the links above)
            pos = self.event_pos
            return sorted((i for i in self._links.get(item_id, ()) if i in pos), key=pos.__getitem__)
        event_ids = self._event_ids
        out = {i for i in self._links.get(item_id, ()) if i in event_ids}
        shared = set(self._evidence_ids(item_id))
        if kind == "relationship":
            ends = {item.source, item.target}
            if item.source in self._links and item.target in self._links:
                # events naming both ends are linked to both: check only those, not every event
                both = set(self._links[item.source]).intersection(self._links[item.target])
                candidates = [i for i in both if i in self.event_pos]
            else:
                candidates = self._event_order
            ref = self._etable.ref
            out |= {e for e in candidates if ends <= set(ref(e, "actors")) | set(ref(e, "experts"))}
        for pid in shared:
            out |= {i for i in self._passage_items.get(pid, []) if self.kind_of(i) == "event"}
        ids = self._event_order  # all events: in timeline order
        return [ids[p] for p in sorted(map(self.event_pos.__getitem__, out))]

    def _sort_key(self, item_id: str):
        pos = self.event_pos.get(item_id)
        if pos is not None:  # events: timeline order (positions are unique, the label never decides)
            return (pos, "", "")
        return (-1, _label(self.items[item_id]).casefold(), item_id)  # the id decides ties (same label)

    def events_in(self, t0: float, t1: float) -> np.ndarray:
        """Indices into ``events`` of the events overlapping [t0, t1)."""
        hi = np.searchsorted(self.ev_start, t1, side="left")
        idx = np.arange(hi)
        return idx[self.ev_end[:hi] > t0]

    # -- search ------------------------------------------------------------------------------------
    def folded_text(self, doc_id: str) -> str:
        """The folded text of a document (same length as its text)."""
        return self._folded_bytes(doc_id).decode("utf-8", "surrogatepass")

    def _folded_bytes(self, doc_id: str) -> bytes:
        """The folded text of a document as UTF-8, folded on first use and kept."""
        folded = self._folded_docs.get(doc_id)
        if folded is None:
            doc = self.items.get(doc_id)
            if doc is None or doc.item_kind != "document":
                return b""
            folded = self._folded_docs[doc_id] = _utf8(fold(doc.text))
        return folded

    def _fields(self) -> "_ItemFields":
        if self._item_fields is None:
            with self._lazy_lock, _gc_paused():
                if self._item_fields is None:
                    self._item_fields = _ItemFields(self.corpus)
        return self._item_fields

    def prepare_search(self) -> None:
        """Do now what the first search would otherwise do (fold every text, join the item fields):
        call it off the UI thread after loading, so that the first search is as quick as the next."""
        self._fields()
        for doc in self.corpus.documents:
            self._folded_bytes(doc.id)

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        """Items whose name or text fields contain the query (one hit per item, in corpus order), then
        matches in the documents' texts, case- and accent-insensitive; at most ``limit`` hits."""
        q = fold(query.strip())
        if not q:
            return []
        hits: list[SearchHit] = []
        fields = self._fields()
        stale = self._stale_fields
        if "\0" in q:  # could match across the separators of the joined fields: look field by field
            for kind, item_id, label, texts in fields.per_item():
                if item_id in stale:
                    continue
                for text in texts:
                    at = fold(text).find(q)
                    if at >= 0:
                        hits.append(SearchHit(kind, item_id, label, _snippet(text, at, len(q))))
                        break
                if len(hits) >= limit:
                    return hits
        else:
            hay, starts, qb = fields.haystack, fields.starts, _utf8(q)
            pos = hay.find(qb)
            while pos >= 0 and len(hits) < limit:
                f = int(np.searchsorted(starts, pos, side="right")) - 1
                k = int(fields.owner[f])
                kind, item_id, label = fields.hit(k)
                if item_id not in stale:
                    at = _chars(hay[int(starts[f]):pos])
                    hits.append(SearchHit(kind, item_id, label, _snippet(fields.texts[f], at, len(q))))
                pos = hay.find(qb, int(fields.item_end[k]))  # one hit per item: go on from the next item
        for item_id, item in list(self._extra_fields.items()):  # edited since the fields were joined
            if len(hits) >= limit:
                break
            label = _label(item)
            for text in _item_texts(item, label):
                at = fold(text).find(q)
                if at >= 0:
                    hits.append(SearchHit(item.item_kind, item_id, label, _snippet(text, at, len(q))))
                    break
        n, qb = len(q), _utf8(q)
        for doc in self.corpus.documents:
            if len(hits) >= limit:
                break
            for pos in _find_all(self._folded_bytes(doc.id), qb, n):
                hits.append(SearchHit("document", doc.id, doc.title, _snippet(doc.text, pos, n), pos, pos + n))
                if len(hits) >= limit:
                    return hits
        return hits[:limit]

    def find_in_document(self, doc_id: str, query: str) -> list[tuple[int, int]]:
        q = fold(query.strip())
        if not q:
            return []
        n = len(q)
        return [(pos, pos + n) for pos in _find_all(self._folded_bytes(doc_id), _utf8(q), n)]


def _evidence(item: _Item) -> list[str]:
    pids = list(item.passages)
    if item.item_kind == "expert":
        for pos in item.positions:
            pids.extend(p for p in pos.passages if p not in pids)
    return pids


def _item_texts(item: _Item, label: str) -> list[str]:
    """The searchable fields of an item, in the order search looks at them (empty ones left out)."""
    has = type(item).model_fields
    texts = [label, (item.native_name if "native_name" in has else None) or ""]
    if "aliases" in has:
        texts.extend(item.aliases)
    for name in ("affiliation", "summary", "bio", "description"):
        if name in has:
            texts.append(getattr(item, name))
    if "positions" in has:
        texts.extend(p.text for p in item.positions)
    return [t for t in texts if t]


class _ItemFields:
    """The searchable fields of every item (but passages), folded and joined with NUL separators into
    one string, so that a search is one C-level scan instead of a Python loop over the items."""

    def __init__(self, corpus: Corpus):
        # per item: its kind, id and label (events: read from the event table, no item built)
        self.kinds: list[str] = []
        self.ids: list[str] = []
        self.labels: list[str] = []
        self.texts: list[str] = []  # the original text of each field
        starts: list[int] = []  # where each field starts in the haystack
        owner: list[int] = []  # the item (index into items) each field belongs to
        item_end: list[int] = []  # where the next item's fields start
        parts: list[str] = []
        pos = 0

        def add(kind: str, item_id: str, label: str, texts: list[str]) -> None:
            nonlocal pos
            k = len(self.ids)
            self.kinds.append(kind)
            self.ids.append(item_id)
            self.labels.append(label)
            for text in texts:
                self.texts.append(text)
                starts.append(pos)
                owner.append(k)
                parts.append(text)
                pos += len(text) + 1 if text.isascii() else len(_utf8(fold(text))) + 1
            item_end.append(pos)

        etable = corpus.event_table
        titles, summaries = etable.text["title"], etable.text["summary"]
        for kind in ("document", "theme", "entity", "expert", "event", "relationship"):
            if kind == "event":  # an event's fields are its title (its label) and summary
                for eid, row in etable.id_rows():
                    title = titles[row]
                    add("event", eid, title or eid, [t for t in (title or eid, summaries[row]) if t])
                continue
            for item in corpus.items_of(kind):
                label = _label(item)
                add(kind, item.id, label, _item_texts(item, label))
        self.starts = np.array(starts, dtype=np.int64)
        self.owner = np.array(owner, dtype=np.int64)
        self.item_end = np.array(item_end, dtype=np.int64)
        # UTF-8, and positions in bytes: half the memory of a str with any non-Latin-1 character in it
        self.haystack = _utf8(fold("\0".join(parts)))

    def hit(self, k: int) -> tuple[str, str, str]:
        return self.kinds[k], self.ids[k], self.labels[k]

    def per_item(self):
        f = 0
        owner = self.owner.tolist()
        for k in range(len(self.ids)):
            texts = []
            while f < len(owner) and owner[f] == k:
                texts.append(self.texts[f])
                f += 1
            yield (*self.hit(k), texts)


def _snippet(text: str, at: int, length: int, context: int = 40) -> str:
    if at < 0:
        return text[:2 * context]
    start = max(0, at - context)
    end = min(len(text), at + length + context)
    snippet = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")

