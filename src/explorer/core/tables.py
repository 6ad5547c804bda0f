"""Events and passages in columns: the corpus's store for its two large kinds. Pure Python + numpy, no Qt.

A pydantic ``Event`` or ``Passage`` costs about 2 KB (its ``__dict__``, lists, a fields set); at 100k events
that is most of the app's memory. A ``Table`` keeps one row per item instead: ids and texts as (interned)
strings in lists, dates, flags and offsets in ``array.array`` columns (numpy reads them without a copy), and
references as tuples of interned ids. The frozen pydantic item is built on demand (``get``), from the stored
values only, so an item built twice compares equal, and equal to the item that was put; a small bounded
cache keeps the items asked for last.

A passage stores neither its quote nor its prefix and suffix: they are its document's text at its offsets
(the corpus checks that a quote is, and the loader derives prefix and suffix). Only a value that differs
from what the text gives (a prefix given by hand, or the old context of a passage whose document's text
changed around it) is kept, in a sparse map.

A table behaves as the ``dict`` of id -> item it replaces (in corpus order): ``get``, ``[]``, ``in``, ``len``,
iteration over ids, ``values``, ``items``, plus ``put``, ``remove`` and ``insert``.
"""

from __future__ import annotations

import sys
from array import array
from itertools import chain, compress, repeat
from operator import attrgetter, is_, itemgetter
from typing import Callable, Iterator, Sequence

import numpy as np

from .model.dates import PartialDate
from .model.types import Event, Passage, _Item

#: how much text around a passage is its prefix/suffix context
CONTEXT_CHARS = 32

_intern = sys.intern
_DATES: dict[tuple[int, int, int], PartialDate] = {}
_CACHE_SIZE = 256


def _date(y: int, m: int, d: int) -> PartialDate | None:
    if not y:
        return None
    key = (y, m, d)
    found = _DATES.get(key)
    if found is None:
        found = _DATES[key] = PartialDate(y, m or None, d or None)
    return found


def _fresh(text):
    """A copy of a string in new memory: what a table keeps must not sit among the loader's temporary objects
    (their memory could not go back to the system while one string in it is alive)."""
    return (text + "\0")[:-1] if type(text) is str and len(text) < 512 else text


def _ids(refs) -> tuple:
    return tuple(map(_intern, refs)) if refs else ()


def _make(model: type[_Item], values: dict, fields_set: set) -> _Item:
    """A model instance with these field values, without validation (they were validated when put)."""
    obj = model.__new__(model)
    setattr_ = object.__setattr__
    setattr_(obj, "__dict__", values)
    setattr_(obj, "__pydantic_fields_set__", fields_set)
    setattr_(obj, "__pydantic_extra__", None)
    setattr_(obj, "__pydantic_private__", None)
    return obj


_SEP = "\0"


def _join(texts: list[str]) -> str | None:
    """``texts`` as one string, split again by ``_split`` (None: one of them holds the separator)."""
    joined = _SEP.join(texts)
    return joined if joined.count(_SEP) == max(len(texts) - 1, 0) else None


def _split(joined: str, n: int) -> list[str]:
    return joined.split(_SEP) if n else []


class Staged:
    """A table's rows between ``Table.stage`` and ``Table.fill``: joined strings, arrays and counts."""

    def __init__(self, n: int, ids: str | None):
        self.n, self.ids = n, ids
        self.columns: dict[str, object] = {}

    def __bool__(self) -> bool:
        return self.ids is not None


def _stage_texts(texts: list[str | None]) -> tuple | None:
    """A text column: (joined texts that are not None, the rows that are None) or None (cannot join)."""
    n, nones = len(texts), texts.count(None)
    if nones == n:
        return ("", range(n))
    if not nones:
        joined = _join(texts)  # type: ignore[arg-type]
        return None if joined is None else (joined, ())
    is_none = np.fromiter(map(is_, texts, repeat(None)), dtype=bool, count=n)  # (in C: no loop over rows)
    joined = _join(list(compress(texts, ~is_none)))
    return None if joined is None else (joined, np.flatnonzero(is_none))


def _fill_texts(staged: tuple, n: int) -> list[str | None]:
    joined, none_rows = staged
    if len(none_rows) == n:
        return [None] * n
    texts: list[str | None] = _split(joined, n - len(none_rows))  # type: ignore[assignment]
    if len(none_rows):
        out = np.empty(n, dtype=object)  # (None where nothing is put)
        keep = np.ones(n, dtype=bool)
        keep[np.asarray(none_rows, dtype=np.int64)] = False
        out[keep] = np.fromiter(texts, dtype=object, count=len(texts))
        texts = out.tolist()
    return texts


def _stage_refs(refs: list) -> tuple | None:
    """A reference column: (every id joined, the number of ids of each row) or None; or, where rows repeat
    the same few references (the themes of 100,000 events: a hundred pairs), (the distinct tuples, each
    row's number among them), which the rows then share."""
    n = len(refs)
    if n >= 4096:
        if set(map(type, refs)) != {tuple}:  # (models' lists)
            refs = list(map(tuple, refs))
        if len(set(refs[:1024])) <= 512:  # (a sample says whether it is worth trying)
            distinct = dict.fromkeys(refs)
            if len(distinct) * 4 <= n:
                number = {ref: k for k, ref in enumerate(distinct)}
                return [tuple(map(_intern, ref)) for ref in distinct], array("q", map(number.__getitem__, refs))
    lens = array("q", map(len, refs))
    joined = _join(list(chain.from_iterable(refs)))
    return None if joined is None else (joined, lens)


def _fill_refs(staged: tuple) -> list[tuple]:
    if type(staged[0]) is list:  # rows sharing a few distinct tuples
        distinct, numbers = staged
        return list(map(distinct.__getitem__, numbers))
    joined, lens = staged
    n = len(lens)
    if not n:
        return []
    counts = np.frombuffer(lens, dtype=np.int64)
    lo, hi = int(counts.min()), int(counts.max())
    if not hi:
        return [()] * n
    parts = _interned(_split(joined, int(counts.sum())))  # the first of each id is the one every row shares
    if lo == hi:  # as many in every row (one passage an event, say): zip cuts them
        ids = iter(parts)
        return list(zip(*[ids] * lo))
    # rows of each length at once: their ids taken from ``parts`` by index, cut by zip, put in place by numpy
    # (a tuple built row by row in Python took 3 times as long)
    firsts = np.cumsum(counts) - counts
    out = np.empty(n, dtype=object)
    for k in range(lo, hi + 1):
        rows = np.flatnonzero(counts == k)
        m = len(rows)
        if not m:
            continue
        if not k:
            out[rows] = np.fromiter(repeat((), m), dtype=object, count=m)
            continue
        at = (firsts[rows][:, None] + np.arange(k)).ravel().tolist()
        ids = iter(itemgetter(*at)(parts) if len(at) > 1 else (parts[at[0]],))
        out[rows] = np.fromiter(zip(*[ids] * k), dtype=object, count=m)
    return out.tolist()


def _interned(texts: list[str]) -> list[str]:
    out: list[str] = []
    for at in range(0, len(texts), _PIECE):
        out.extend(map(_intern, texts[at:at + _PIECE]))
    return out


#: rows a C call makes at once while a table fills (the loading thread lets the window's thread in between)
_PIECE = 8192


def _columns_of(items: list) -> Callable[[str, object], list]:
    """``column(name, default)``: that field of every item. Items are models, dicts of fields (a field left
    out takes the default) or the loader's rows (msgspec Structs, every field set: read a column at a time
    in C)."""
    if items and all(hasattr(kind, "__struct_fields__") for kind in set(map(type, items))):
        return lambda name, default: list(map(attrgetter(name), items))
    values = [item if type(item) is dict else
              {f: getattr(item, f) for f in item.__struct_fields__} if hasattr(type(item), "__struct_fields__")
              else item.__dict__ for item in items]
    return lambda name, default: [v.get(name, default) for v in values]


class Table:
    """The rows of one kind, in corpus order. Subclasses say how an item is written to and read from a row."""

    model: type[_Item] = _Item
    kind = ""

    def __init__(self) -> None:
        self._rows: dict[str, int] = {}  # id -> row
        self._ids: list[str | None] = []  # row -> id (None: a free row)
        self._free: list[int] = []
        self._cache: dict[str, _Item] = {}
        # The ids in corpus order; while ``_gone`` holds any, removed ids are left in it until it is next
        # read (a removal costs nothing, and an undone delete puts its item back with one list insert
        # instead of rebuilding the order of 100,000 ids). Handed out by ``ids``: copied before a change.
        self._order: list[str] = []
        self._gone: set[str] = set()
        self._shared = False
        self._dict_in_order = True  # ``_rows`` lists its ids in corpus order too (until an insert)
        self._fields_set = set(self.model.model_fields)

    # -- the dict interface -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._rows

    def keys(self):
        return self._rows.keys()

    def get(self, item_id: str, default=None):
        found = self._cache.get(item_id)
        if found is not None:
            return found
        row = self._rows.get(item_id)
        if row is None:
            return default
        item = self._read(row)
        cache = self._cache
        if len(cache) >= _CACHE_SIZE:
            del cache[next(iter(cache))]
        cache[item_id] = item
        return item

    def __getitem__(self, item_id: str) -> _Item:
        item = self.get(item_id)
        if item is None:
            raise KeyError(item_id)
        return item

    def values(self) -> Iterator[_Item]:
        """Every item, built one after the other (nothing is kept)."""
        return self.iter_items(self.ids())

    def iter_items(self, ids: Sequence[str], chunk: int = 4096) -> Iterator[_Item]:
        """The items with these ids, built from columns read a chunk of rows at a time (several times
        quicker than ``get`` one by one; nothing is cached)."""
        rows = self._rows
        for at in range(0, len(ids), chunk):
            part = [rows[i] for i in ids[at:at + chunk]]
            yield from self._read_many(part)

    def _read_many(self, rows: list[int]) -> Iterator[_Item]:
        return map(self._read, rows)

    def items(self) -> Iterator[tuple[str, _Item]]:
        read, rows = self._read, self._rows
        for iid in self.ids():
            yield iid, read(rows[iid])

    def ids(self) -> list[str]:
        """The ids in corpus order (a list that no later change alters)."""
        self._compact()
        self._shared = True
        return self._order

    def id_rows(self) -> Iterator[tuple[str, int]]:
        """(id, row) of every item, in corpus order."""
        ids = self.ids()
        return zip(ids, map(self._rows.__getitem__, ids))

    def _compact(self) -> None:
        """Drop the removed ids from the order."""
        gone = self._gone
        if not gone:
            return
        if self._dict_in_order:  # the id -> row dict lost them too, and lists the rest in order
            order = list(self._rows)
        elif len(gone) <= 8:  # a few: found by C-speed scans (the last id first: an undone addition)
            order = list(self._order) if self._shared else self._order
            for iid in gone:
                if order[-1] == iid:
                    order.pop()
                else:
                    order.remove(iid)
        else:
            order = [iid for iid in self._order if iid not in gone]
        self._order, self._gone, self._shared = order, set(), False

    def _order_to_change(self) -> list[str]:
        self._compact()
        if self._shared:
            self._order, self._shared = list(self._order), False
        return self._order

    def row_of(self, item_id: str) -> int | None:
        return self._rows.get(item_id)

    def rows(self, ids: Sequence[str]) -> np.ndarray:
        if ids is self._order and self._dict_in_order and not self._gone:  # every row: no id looked up
            return np.fromiter(self._rows.values(), dtype=np.int64, count=len(self._rows))
        return np.fromiter(map(self._rows.__getitem__, ids), dtype=np.int64, count=len(ids))

    # -- changing -----------------------------------------------------------------------------------------
    def clear(self) -> None:
        self.__init__()

    def put(self, item: _Item) -> None:
        """Replace the item with this id in place, or add it at the end."""
        iid = item.id
        row = self._rows.get(iid)
        if row is None:
            iid = _intern(_fresh(iid))
        self._cache.pop(iid, None)
        if row is None:
            if iid in self._gone:  # (a removed id back: its old place goes first)
                self._compact()
            self._order_to_change().append(iid)
            if self._free:
                row = self._free.pop()
                self._ids[row] = iid
            else:
                row = len(self._ids)
                self._ids.append(iid)
                self._grow()
            self._rows[iid] = row
        self._write(row, item)

    __setitem__ = lambda self, item_id, item: self.put(item)  # noqa: E731

    def extend(self, items) -> None:
        """Add these items at the end. An item may also be given as the plain dict of its validated fields
        (the loader's, which makes no model for a valid item) or a loader's row: fields left out take their
        defaults, and a passage without a ``quote`` (or with None) is one whose quote, prefix and suffix are
        what its document says."""
        if not self._rows:  # a load: fill the columns a column at a time (3x quicker than row by row)
            staged = self.stage(items)
            if staged is not None:
                self.fill(staged)
                return
        for item in items:
            if hasattr(type(item), "__struct_fields__"):  # a loader's row
                item = {f: getattr(item, f) for f in item.__struct_fields__}
            self.put(self._model_of(item) if type(item) is dict else item)

    def stage(self, items, unique: bool = False) -> "Staged | None":
        """These items (models or dicts of fields, as ``extend`` takes them) in a compact form that holds
        none of them: a few joined strings and arrays (None: they cannot be, go row by row). A load stages
        its events and passages, lets go of everything it parsed, then ``fill``s the empty tables: the
        strings and tuples the tables keep are then made one after the other in fresh memory, instead of
        among a million temporary objects (whose memory could then not go back to the system: 60 MB at
        100k events)."""
        column = _columns_of(list(items))
        ids = column("id", None)
        if not unique and len(set(ids)) != len(ids):  # (``unique``: the caller knows they are)
            return None
        staged = Staged(len(ids), _join(ids))
        return staged if staged and self._stage(column, staged) else None

    def fill(self, staged: "Staged") -> None:
        """Fill the empty table from ``stage``'s result."""
        ids = _interned(_split(staged.ids, staged.n))
        self._fill(staged)
        self._ids = ids
        self._rows = dict(zip(ids, range(len(ids))))
        self._free, self._cache = [], {}
        self._order, self._gone, self._shared, self._dict_in_order = list(ids), set(), False, True

    def append_many(self, items: list) -> None:
        """Add these new items (ids not in the table) after the others: their columns are made a column at a
        time, as ``extend`` makes a loaded table's, and joined on (an import of 100,000 events: a tenth of
        the time of ``put`` one by one)."""
        if not self._rows:
            self.extend(items)
            return
        staged = self.stage(items) if len(items) > 1 else None
        if staged is None or any(iid in self._rows for iid in _split(staged.ids, staged.n)):
            for item in items:
                self.put(item)
            return
        part = self._empty_like()
        part.fill(staged)
        offset = len(self._ids)
        self._order_to_change().extend(part._ids)
        self._ids.extend(part._ids)
        self._rows.update(zip(part._ids, range(offset, offset + len(part._ids))))
        self._join(part, offset)

    def _empty_like(self) -> "Table":
        return type(self)()

    def _join(self, part: "Table", offset: int) -> None:
        """Put ``part``'s columns after this table's (its rows start at ``offset``)."""
        raise NotImplementedError

    def _model_of(self, values: dict) -> _Item:
        if self.model is Passage and values.get("quote") is None:
            text = self.text_of(values["document"])  # type: ignore[attr-defined]
            values = {**values, **(self._derived(text, values["start"], values["end"]) or {})}  # type: ignore[attr-defined]
        return self.model.model_validate(values)

    def _stage(self, column: "Callable[[str, object], list]", staged: "Staged") -> bool:
        """Put what the columns need of the items' fields (``column(name, default)``: one field of every
        item) into ``staged`` (False: not supported)."""
        return False

    def _fill(self, staged: "Staged") -> None:
        raise NotImplementedError

    def remove(self, item_id: str) -> None:
        row = self._rows.pop(item_id)
        self._cache.pop(item_id, None)
        self._ids[row] = None
        self._clear(row)
        self._free.append(row)
        self._gone.add(item_id)

    __delitem__ = remove

    def insert(self, item: _Item, position: int) -> None:
        """Add an item at a position of the corpus order (an undone delete), or move it there."""
        moved = item.id in self._rows
        self.put(item)
        iid = _intern(item.id)
        order = self._order_to_change()
        if order[-1] == iid:  # put added it at the end
            order.pop()
        else:
            order.remove(iid)
        order.insert(max(0, position), iid)
        if moved or position < len(order) - 1:  # (the id -> row dict has it elsewhere)
            self._dict_in_order = False

    def position(self, item_id: str) -> int:
        return self.ids().index(item_id)

    # -- per kind -----------------------------------------------------------------------------------------
    def _grow(self) -> None:
        raise NotImplementedError

    def _write(self, row: int, item: _Item) -> None:
        raise NotImplementedError

    def _clear(self, row: int) -> None:
        raise NotImplementedError

    def _read(self, row: int) -> _Item:
        raise NotImplementedError


class EventTable(Table):
    """Events: ``sy sm sd`` / ``ey em ed`` the start and end dates (0: no month, day; ``ey`` 0: no end),
    ``inferred`` a flag, texts and references in lists."""

    model = Event
    kind = "event"
    _TEXTS = ("title", "summary", "date_text", "conflict", "provenance")
    _REFS = ("themes", "actors", "experts", "passages")

    def __init__(self) -> None:
        super().__init__()
        self.sy, self.sm, self.sd = array("h"), array("b"), array("b")
        self.ey, self.em, self.ed = array("h"), array("b"), array("b")
        self.inferred = array("b")
        self.text: dict[str, list] = {name: [] for name in self._TEXTS}
        self.refs: dict[str, list] = {name: [] for name in self._REFS}

    def _grow(self) -> None:
        for col in (self.sy, self.sm, self.sd, self.ey, self.em, self.ed, self.inferred):
            col.append(0)
        for col in self.text.values():
            col.append(None)
        for col in self.refs.values():
            col.append(())

    def _write(self, row: int, item: _Item) -> None:
        v = item.__dict__
        s, e = v["start"], v["end"]
        self.sy[row], self.sm[row], self.sd[row] = s.year, s.month or 0, s.day or 0
        if e is None:
            self.ey[row] = self.em[row] = self.ed[row] = 0
        else:
            self.ey[row], self.em[row], self.ed[row] = e.year, e.month or 0, e.day or 0
        self.inferred[row] = 1 if v["inferred"] else 0
        for name, col in self.text.items():
            col[row] = _fresh(v[name])
        for name, col in self.refs.items():
            col[row] = _ids(v[name])

    def _clear(self, row: int) -> None:
        for col in self.text.values():
            col[row] = None
        for col in self.refs.values():
            col[row] = ()

    def _stage(self, column: Callable[[str, object], list], staged: Staged) -> bool:
        cols = staged.columns
        starts = column("start", None)
        ends = column("end", None)
        cols["sy"] = array("h", [d.year for d in starts])
        cols["sm"] = array("b", [d.month or 0 for d in starts])
        cols["sd"] = array("b", [d.day or 0 for d in starts])
        cols["ey"] = array("h", [d.year if d is not None else 0 for d in ends])
        cols["em"] = array("b", [(d.month or 0) if d is not None else 0 for d in ends])
        cols["ed"] = array("b", [(d.day or 0) if d is not None else 0 for d in ends])
        cols["inferred"] = array("b", [1 if f else 0 for f in column("inferred", False)])
        for name in self._TEXTS:
            texts = _stage_texts(column(name, "" if name == "summary" else None))
            if texts is None:
                return False
            cols["text:" + name] = texts
        empty = ()
        for name in self._REFS:
            refs = column(name, empty)
            if None in refs:  # (a dict of fields may hold None for no references)
                refs = [r or empty for r in refs]
            refs = _stage_refs(refs)
            if refs is None:
                return False
            cols["refs:" + name] = refs
        return True

    def _join(self, part: "Table", offset: int) -> None:
        for name in ("sy", "sm", "sd", "ey", "em", "ed", "inferred"):
            getattr(self, name).extend(getattr(part, name))
        for name in self._TEXTS:
            self.text[name].extend(part.text[name])  # type: ignore[attr-defined]
        for name in self._REFS:
            self.refs[name].extend(part.refs[name])  # type: ignore[attr-defined]

    def _fill(self, staged: Staged) -> None:
        cols, n = staged.columns, staged.n
        for name in ("sy", "sm", "sd", "ey", "em", "ed", "inferred"):
            setattr(self, name, cols[name])
        for name in self._TEXTS:
            self.text[name] = _fill_texts(cols["text:" + name], n)  # type: ignore[arg-type]
        for name in self._REFS:
            self.refs[name] = _fill_refs(cols["refs:" + name])  # type: ignore[arg-type]

    def _read_many(self, rows: list[int]) -> Iterator[Event]:
        if len(rows) == 1:
            yield self._read(rows[0])
            return
        take = itemgetter(*rows)
        text, refs = self.text, self.refs
        fs = self._fields_set
        cols = [take(self._ids), take(text["title"]), take(text["summary"]),
                take(self.sy), take(self.sm), take(self.sd), take(self.ey), take(self.em), take(self.ed),
                take(self.inferred), take(text["date_text"]), take(refs["themes"]), take(refs["actors"]),
                take(refs["experts"]), take(text["provenance"]), take(refs["passages"]), take(text["conflict"])]
        dates = _DATES
        for (iid, title, summary, sy, sm, sd, ey, em, ed, inferred, date_text, themes, actors, experts, provenance,
             passages, conflict) in zip(*cols):
            start = dates.get((sy, sm, sd)) or _date(sy, sm, sd)
            end = (dates.get((ey, em, ed)) or _date(ey, em, ed)) if ey else None
            yield _make(Event, {"id": iid, "title": title, "summary": summary, "start": start, "end": end,
                                "inferred": bool(inferred), "date_text": date_text, "themes": list(themes),
                                "actors": list(actors), "experts": list(experts), "provenance": provenance,
                                "passages": list(passages), "conflict": conflict}, fs)

    def _read(self, row: int) -> Event:
        text, refs = self.text, self.refs
        values = {"id": self._ids[row], "title": text["title"][row], "summary": text["summary"][row],
                  "start": _date(self.sy[row], self.sm[row], self.sd[row]),
                  "end": _date(self.ey[row], self.em[row], self.ed[row]),
                  "inferred": bool(self.inferred[row]), "date_text": text["date_text"][row],
                  "themes": list(refs["themes"][row]), "actors": list(refs["actors"][row]),
                  "experts": list(refs["experts"][row]), "provenance": text["provenance"][row],
                  "passages": list(refs["passages"][row]), "conflict": text["conflict"][row]}
        return _make(Event, values, self._fields_set)

    # -- read directly (no item built) -------------------------------------------------------------------
    def ref(self, item_id: str, name: str) -> tuple:
        """The ids in one reference field of an event (``themes``, ``actors``, ``experts``, ``passages``)."""
        return self.refs[name][self._rows[item_id]]

    def dates(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """(sy, sm, sd, ey, em, ed) as int64 arrays, for the given rows (default: every row)."""
        out = []
        for col in (self.sy, self.sm, self.sd, self.ey, self.em, self.ed):
            a = np.frombuffer(col, dtype=np.int16 if col.typecode == "h" else np.int8) if len(col) else \
                np.zeros(0, dtype=np.int8)
            out.append((a if rows is None else a[rows]).astype(np.int64))
        return tuple(out)

    def flags(self, rows: np.ndarray) -> np.ndarray:
        a = np.frombuffer(self.inferred, dtype=np.int8) if len(self.inferred) else np.zeros(0, dtype=np.int8)
        return a[rows].astype(bool)


class PassageTable(Table):
    """Passages: the document (an interned id) and offsets (``start``/``end``, -1: none). The quote, prefix
    and suffix are read from the document's text (``text_of``, set by the corpus); a value that differs
    from it is kept in ``pinned``."""

    model = Passage
    kind = "passage"

    def __init__(self, text_of: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.text_of = text_of or (lambda doc_id: None)
        self.document: list[str | None] = []
        self.start, self.end = array("q"), array("q")
        #: row -> {field: value} for a quote, prefix or suffix that is not what the text says
        self.pinned: dict[int, dict[str, str]] = {}

    def clear(self) -> None:
        text_of = self.text_of
        self.__init__(text_of)

    def _grow(self) -> None:
        self.document.append(None)
        self.start.append(-1)
        self.end.append(-1)

    def _derived(self, text: str | None, s: int, e: int) -> dict[str, str] | None:
        if text is None or s < 0 or e < 0:
            return None
        return {"quote": text[s:e], "prefix": text[max(0, s - CONTEXT_CHARS):s], "suffix": text[e:e + CONTEXT_CHARS]}

    def _write(self, row: int, item: _Item) -> None:
        v = item.__dict__
        doc = self.document[row] = _intern(v["document"])
        s = v["start"] if v["start"] is not None else -1
        e = v["end"] if v["end"] is not None else -1
        self.start[row], self.end[row] = s, e
        derived = self._derived(self.text_of(doc), s, e)
        pins = {name: v[name] for name in ("quote", "prefix", "suffix")
                if derived is None or derived[name] != v[name]}
        if pins:
            self.pinned[row] = pins
        else:
            self.pinned.pop(row, None)

    def _clear(self, row: int) -> None:
        self.document[row] = None
        self.pinned.pop(row, None)

    def _stage(self, column: Callable[[str, object], list], staged: Staged) -> bool:
        docs = column("document", None)
        documents = _stage_texts(docs)
        if documents is None or len(documents[1]):  # (every passage has a document)
            return False
        start, end = (array("q", [-1 if s is None else s for s in offsets] if None in offsets else offsets)
                      for offsets in (column("start", None), column("end", None)))
        pinned: dict[int, dict[str, str]] = {}
        staged.columns.update(document=documents, start=start, end=end, pinned=pinned)
        quotes = column("quote", None)  # None: given as what the text says (see ``extend``)
        if quotes.count(None) == len(quotes):  # a load: every quote was found at its offsets
            return True
        text_of, texts = self.text_of, {}
        prefixes, suffixes = column("prefix", ""), column("suffix", "")
        for row, (quote, doc) in enumerate(zip(quotes, docs)):
            if quote is None:
                continue
            text = texts.get(doc, False)
            if text is False:
                text = texts[doc] = text_of(doc)
            s, e = start[row], end[row]
            given = {"quote": quote, "prefix": prefixes[row], "suffix": suffixes[row]}
            if text is not None and s >= 0 and e >= 0 and text[s:e] == given["quote"] \
                    and text[max(0, s - CONTEXT_CHARS):s] == given["prefix"] \
                    and text[e:e + CONTEXT_CHARS] == given["suffix"]:
                continue  # all three are what the text says: nothing to keep
            derived = self._derived(text, s, e)
            pins = {name: given[name] for name in ("quote", "prefix", "suffix")
                    if derived is None or derived[name] != given[name]}
            if pins:
                pinned[row] = pins
        return True

    def _empty_like(self) -> "Table":
        return type(self)(self.text_of)

    def _join(self, part: "Table", offset: int) -> None:
        self.document.extend(part.document)  # type: ignore[attr-defined]
        self.start.extend(part.start)  # type: ignore[attr-defined]
        self.end.extend(part.end)  # type: ignore[attr-defined]
        self.pinned.update({row + offset: pins for row, pins in part.pinned.items()})  # type: ignore[attr-defined]

    def _fill(self, staged: Staged) -> None:
        cols = staged.columns
        self.document = _interned(_fill_texts(cols["document"], staged.n))  # type: ignore[arg-type]
        self.start, self.end, self.pinned = cols["start"], cols["end"], cols["pinned"]

    def _read(self, row: int) -> Passage:
        s, e = self.start[row], self.end[row]
        doc = self.document[row]
        pins = self.pinned.get(row)
        derived = self._derived(self.text_of(doc), s, e) if pins is None or len(pins) < 3 else None
        if pins:
            derived = {**(derived or {}), **pins}
        values = {"id": self._ids[row], "document": doc, "start": s if s >= 0 else None,
                  "end": e if e >= 0 else None, "quote": derived["quote"], "prefix": derived["prefix"],
                  "suffix": derived["suffix"]}
        return _make(Passage, values, self._fields_set)

    # -- read directly -----------------------------------------------------------------------------------
    def document_of(self, item_id: str) -> str:
        return self.document[self._rows[item_id]]

    def span(self, item_id: str) -> tuple[int, int]:
        row = self._rows[item_id]
        return self.start[row], self.end[row]

    def rows_of_document(self, doc_id: str) -> list[int]:
        return [row for row, d in enumerate(self.document) if d == doc_id]

    def text_changes(self, doc_id: str, old_text: str, new_text: str) -> None:
        """Before a document's text changes: keep what its passages say now where the new text would
        change it (the corpus checks that quotes still match; prefixes and suffixes may not)."""
        for row in self.rows_of_document(doc_id):
            s, e = self.start[row], self.end[row]
            old = self._derived(old_text, s, e)
            new = self._derived(new_text, s, e)
            if old is None or new is None:
                continue
            pins = self.pinned.get(row, {})
            for name in ("quote", "prefix", "suffix"):
                if name not in pins and old[name] != new[name]:
                    pins[name] = old[name]
            if pins:
                self.pinned[row] = pins
            self._cache.pop(self._ids[row], None)


class TableView(Sequence):
    """A table's items in corpus order, as a read-only sequence that builds each item when asked."""

    def __init__(self, table: Table, ids: list[str] | None = None):
        self._table = table
        self._ids = table.ids() if ids is None else ids

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._table[iid] for iid in self._ids[i]]
        return self._table[self._ids[i]]

    def __iter__(self) -> Iterator[_Item]:
        return self._table.iter_items(self._ids)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, TableView)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"<{len(self)} {self._table.kind}s>"

    def ids(self) -> list[str]:
        return self._ids
