"""Every change a user can make, as one command object.

A command is built against the current corpus (``ops(corpus)``): it validates what it was given with the
same rules as the loader and returns the primitive operations (``Put``, ``Remove``, ``SetInfo``) that make
the change, or raises ``EditError`` with sentences a person understands. The workspace applies them as one
batch (the corpus checks the result again and changes nothing on failure) and keeps the inverse for undo.

    AddItem("event", title="Bridge opened", start="2020-04", passages=["p-opened"])
    EditItem("ev-opened", title="Bridge opened to traffic")
    DeleteItem("ent-bridge", cascade=True)      # also removes the references to it
    AddEvidence("ev-opened", "p-opened")  /  RemoveEvidence(...)
    MergeItems("ent-prc", "ent-china")          # every reference rewritten to the survivor
    EditInfo(title="My corpus")
    AddDocument(title="Report", text="...")     # the text is saved as documents/report.txt
    AddPassage("doc-report", quote="...")       # anchored where the quote occurs exactly once
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..corpus import (ARTICLE, KIND_ORDER, MODEL_OF_KIND, Corpus, EditError, Op, Put, Remove, SetInfo,
                      references)
from ..model.types import CorpusInfo, Document, Passage, _Item

#: the prefix of new ids of each kind
ID_PREFIX = {"document": "doc", "passage": "p", "theme": "theme", "entity": "ent", "expert": "ex",
             "event": "ev", "relationship": "rel"}
CONTEXT_CHARS = 32  # as the loader: text kept before and after a passage


def slug(text: str, limit: int = 40) -> str:
    """A readable ASCII id part: 'Li Keqiang hails the bridge' -> 'li-keqiang-hails-the-bridge'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for w in words:
        candidate = f"{out}-{w}" if out else w
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def new_id(corpus: Corpus, kind: str, title: str = "", taken: set[str] | frozenset = frozenset()) -> str:
    """A new id for an item of ``kind``: its prefix and the slug of its title, made unique."""
    base = f"{ID_PREFIX[kind]}-{slug(title) or kind}"
    candidate, n = base, 2
    while candidate in corpus.by_id or candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _friendly(exc: ValidationError, what: str) -> list[str]:
    from ..io.load import _describe_error

    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        out.append(f"{what}: {loc + ': ' if loc else ''}{_describe_error(err)}")
    return out


def build_item(kind: str, data: dict[str, Any]) -> _Item:
    """Validate the fields of an item with its model (as the loader does); EditError if invalid."""
    model = MODEL_OF_KIND.get(kind)
    if model is None:
        raise EditError(f"there is no kind of item called '{kind}'; the kinds are {', '.join(KIND_ORDER)}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise EditError(_friendly(exc, f"{ARTICLE[kind]} {kind} {data.get('id', '')}".rstrip())) from None


def _fields_of(item: _Item) -> dict[str, Any]:
    return {name: getattr(item, name) for name in type(item).model_fields}


def _require(corpus: Corpus, item_id: str, kind: str | None = None) -> _Item:
    item = corpus.get(item_id)
    if item is None:
        raise EditError(f"there is no item {item_id}")
    if kind is not None and item.item_kind != kind:
        raise EditError(f"{item_id} is {ARTICLE[item.item_kind]} {item.item_kind}, not {ARTICLE[kind]} {kind}")
    return item


class Command:
    """One user intent. ``label`` names it in Edit ▸ Undo."""

    label = "Edit"

    def ops(self, corpus: Corpus) -> list[Op]:  # pragma: no cover - every command defines it
        raise NotImplementedError


@dataclass
class AddItem(Command):
    """Add an item of a kind. Without ``id`` one is made from its title or name."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    new_id: str | None = None

    def __init__(self, kind: str, fields: dict[str, Any] | None = None, /, **more: Any):
        self.kind = kind
        self.fields = {**(fields or {}), **more}
        self.new_id = None

    @property
    def label(self) -> str:
        return f"Add {self.kind.capitalize()}"

    def ops(self, corpus: Corpus) -> list[Op]:
        data = dict(self.fields)
        if not data.get("id"):
            title = str(data.get("title") or data.get("name") or data.get("kind") or data.get("quote") or "")
            data["id"] = new_id(corpus, self.kind, title)
        elif data["id"] in corpus:
            other = corpus.get(data["id"])
            raise EditError(f"the id {data['id']} is already used by {ARTICLE[other.item_kind]} "
                            f"{other.item_kind} ({other.label})")
        if self.kind == "passage":
            data = _anchor(corpus, data)
        item = build_item(self.kind, data)
        self.new_id = item.id
        return [Put(item)]


def _anchor(corpus: Corpus, data: dict[str, Any]) -> dict[str, Any]:
    """A passage given by its quote (and optionally offsets): find it in its document, fill offsets and
    the context around it."""
    doc = corpus.get(data.get("document", ""))
    if not isinstance(doc, Document):
        raise EditError(f"a passage needs the id of its document; {data.get('document')!r} is not a document")
    text = doc.text
    quote = data.get("quote") or ""
    start, end = data.get("start"), data.get("end")
    if start is None or end is None:
        if not quote:
            raise EditError("a passage needs a quote, or a start and an end in its document")
        first = text.find(quote)
        if first < 0:
            raise EditError(f"the quote is not in {doc.title}")
        if text.find(quote, first + 1) >= 0:
            raise EditError(f"the quote occurs {text.count(quote)} times in {doc.title}; give its start and end")
        start, end = first, first + len(quote)
    elif not quote:
        quote = text[start:end]
    if not (0 <= start < end <= len(text)):
        raise EditError(f"{start}–{end} is not a range of {doc.title}, which has {len(text)} characters")
    return {**data, "start": start, "end": end, "quote": quote,
            "prefix": text[max(0, start - CONTEXT_CHARS):start], "suffix": text[end:end + CONTEXT_CHARS]}


@dataclass
class AddPassage(AddItem):
    """A passage from a text selection: the document and either the offsets or a quote found once."""

    def __init__(self, document: str, quote: str = "", start: int | None = None, end: int | None = None,
                 **more: Any):
        super().__init__("passage", document=document, quote=quote, start=start, end=end, **more)

    label = "Add Passage"  # type: ignore[assignment]


@dataclass
class AddDocument(AddItem):
    """A document with its text; the text is saved in ``file`` (default documents/<slug>.txt)."""

    def __init__(self, title: str, text: str, file: str | None = None, **more: Any):
        super().__init__("document", title=title, text=text, file=file, **more)

    label = "Add Document"  # type: ignore[assignment]

    def ops(self, corpus: Corpus) -> list[Op]:
        if not self.fields.get("file"):
            taken = {d.file for d in corpus.documents}
            base = slug(str(self.fields.get("title", ""))) or "document"
            name, n = f"documents/{base}.txt", 2
            while name in taken:
                name, n = f"documents/{base}-{n}.txt", n + 1
            self.fields["file"] = name
        elif any(d.file == self.fields["file"] for d in corpus.documents):
            raise EditError(f"another document is already stored in {self.fields['file']}")
        return super().ops(corpus)


@dataclass
class EditItem(Command):
    """Change fields of an item (its id stays)."""

    item_id: str
    changes: dict[str, Any] = field(default_factory=dict)

    def __init__(self, item_id: str, changes: dict[str, Any] | None = None, /, **more: Any):
        self.item_id = item_id
        self.changes = {**(changes or {}), **more}

    @property
    def label(self) -> str:
        return "Edit " + ", ".join(self.changes) if len(self.changes) <= 2 else "Edit Item"

    def ops(self, corpus: Corpus) -> list[Op]:
        old = _require(corpus, self.item_id)
        if "id" in self.changes and self.changes["id"] != self.item_id:
            raise EditError("an id cannot be changed (other items and files refer to it)")
        unknown = [k for k in self.changes if k not in type(old).model_fields]
        if unknown:
            raise EditError(f"{ARTICLE[old.item_kind]} {old.item_kind} has no field {', '.join(unknown)}")
        data = {**_fields_of(old), **self.changes}
        if old.item_kind == "passage" and {"start", "end", "quote", "document"} & set(self.changes):
            if "quote" in self.changes and not {"start", "end"} & set(self.changes):
                data["start"] = data["end"] = None
            data = _anchor(corpus, data)
        new = build_item(old.item_kind, data)
        return [] if new == old else [Put(new)]


@dataclass
class EditInfo(Command):
    """Change the corpus's title, description, credits or time range."""

    changes: dict[str, Any] = field(default_factory=dict)
    label = "Edit Corpus Details"

    def __init__(self, changes: dict[str, Any] | None = None, /, **more: Any):
        self.changes = {**(changes or {}), **more}

    def ops(self, corpus: Corpus) -> list[Op]:
        data = {**corpus.info.model_dump(), **self.changes}
        try:
            info = CorpusInfo.model_validate(data)
        except ValidationError as exc:
            raise EditError(_friendly(exc, "the corpus details")) from None
        return [] if info == corpus.info else [SetInfo(info)]


def _without_ref(item: _Item, target: str) -> tuple[_Item | None, bool]:
    """The item with every reference to ``target`` taken out; (None, True) when the item cannot exist
    without it (a passage of a deleted document, a relationship that loses an end)."""
    kind = item.item_kind
    if kind == "passage" and item.document == target:
        return None, True
    if kind == "relationship" and target in (item.source, item.target):
        return None, True
    data = _fields_of(item)
    for name in ("passages", "themes", "actors", "experts"):
        if name in data and target in data[name]:
            data[name] = [r for r in data[name] if r != target]
    if kind == "expert":
        if data.get("organisation") == target:
            data["organisation"] = None
        data["positions"] = [p.model_copy(update={"passages": [r for r in p.passages if r != target]})
                             if target in p.passages else p for p in data["positions"]]
    return type(item).model_validate(data), False


@dataclass
class DeleteItem(Command):
    """Delete an item. Refused while other items refer to it, unless ``cascade``: then the references
    are removed in the same step (and passages of a deleted document, relationships that lose an end,
    are deleted with it)."""

    item_id: str
    cascade: bool = False

    @property
    def label(self) -> str:
        return "Delete Item"

    def ops(self, corpus: Corpus) -> list[Op]:
        item = _require(corpus, self.item_id)
        referrers = corpus.referrers(self.item_id)
        if referrers and not self.cascade:
            shown = ", ".join(referrers[:10]) + (f" and {len(referrers) - 10} more" if len(referrers) > 10 else "")
            raise EditError(f"{self.item_id} cannot be deleted: {len(referrers)} item(s) refer to it ({shown}); "
                            f"delete them first or delete with their references")
        ops: list[Op] = []
        gone: set[str] = set()
        updated: dict[str, _Item] = {}
        todo = [item.id]
        while todo:
            target = todo.pop()
            if target in gone:
                continue
            gone.add(target)
            for rid in corpus.referrers(target):
                if rid in gone:
                    continue
                current = updated.get(rid) or corpus.get(rid)
                new, must_go = _without_ref(current, target)
                if must_go:
                    todo.append(rid)
                    updated.pop(rid, None)
                else:
                    updated[rid] = new
        for rid, new in updated.items():
            if rid not in gone:
                ops.append(Put(new))
        # delete the dependants before what they depend on, so every step is valid
        order = sorted(gone, key=lambda i: -KIND_ORDER.index(corpus.get(i).item_kind))
        ops.extend(Remove(i) for i in order)
        return ops


def _evidence_change(corpus: Corpus, item_id: str, passage_id: str, position: int | None, add: bool) -> list[Op]:
    """The item with a passage added to (or taken from) its evidence, or that of one of an expert's
    positions; [] when there is nothing to do."""
    item = _require(corpus, item_id)
    if add:
        _require(corpus, passage_id, "passage")
    if item.item_kind in ("document", "passage"):
        raise EditError(f"{ARTICLE[item.item_kind]} {item.item_kind} has no evidence of its own")
    holder, positions = item, None
    if position is not None:
        if item.item_kind != "expert" or not 0 <= position < len(item.positions):
            raise EditError(f"{item_id} has no position {position}")
        positions = list(item.positions)
        holder = positions[position]
    passages = list(holder.passages)
    if add:
        if passage_id in passages:
            return []
        passages.append(passage_id)
    else:
        if passage_id not in passages:
            where = "that position of " if position is not None else ""
            raise EditError(f"{passage_id} is not evidence for {where}{item_id}")
        passages.remove(passage_id)
    if positions is None:
        return [Put(item.model_copy(update={"passages": passages}))]
    positions[position] = holder.model_copy(update={"passages": passages})
    return [Put(item.model_copy(update={"positions": positions}))]


@dataclass
class AddEvidence(Command):
    """Add a passage to an item's evidence (or to one of an expert's positions)."""

    item_id: str
    passage_id: str
    position: int | None = None  # index of an expert's position
    label = "Add Evidence"

    def ops(self, corpus: Corpus) -> list[Op]:
        return _evidence_change(corpus, self.item_id, self.passage_id, self.position, add=True)


@dataclass
class RemoveEvidence(Command):
    """Take a passage from an item's evidence (refused if it is its only evidence)."""

    item_id: str
    passage_id: str
    position: int | None = None
    label = "Remove Evidence"

    def ops(self, corpus: Corpus) -> list[Op]:
        return _evidence_change(corpus, self.item_id, self.passage_id, self.position, add=False)


def _union(a: list, b: list) -> list:
    return [*a, *(x for x in b if x not in a)]


@dataclass
class MergeItems(Command):
    """Merge ``other`` into ``survivor`` (same kind): the survivor keeps its fields, gains the other's
    evidence and list fields (the other's name becomes an alias of an entity), every reference to the
    other is rewritten to the survivor, and the other is deleted. Relationships that would link the
    survivor to itself are deleted."""

    survivor_id: str
    other_id: str
    label = "Merge Items"

    def ops(self, corpus: Corpus) -> list[Op]:
        keep = _require(corpus, self.survivor_id)
        other = _require(corpus, self.other_id)
        if keep.id == other.id:
            raise EditError("an item cannot be merged with itself")
        if keep.item_kind != other.item_kind:
            raise EditError(f"{other.id} is {ARTICLE[other.item_kind]} {other.item_kind} and {keep.id} "
                            f"{ARTICLE[keep.item_kind]} {keep.item_kind}: only items of the same kind merge")
        kind = keep.item_kind
        if kind in ("document", "passage"):
            raise EditError(f"{kind}s cannot be merged")
        data = _fields_of(keep)
        odata = _fields_of(other)
        for name in ("passages", "themes", "actors", "experts", "positions"):
            if name in data:
                data[name] = _union(data[name], odata[name])
        if "aliases" in data:
            extra = [n for n in [odata.get("name"), *odata["aliases"]] if n and n != data.get("name")]
            data["aliases"] = _union(data["aliases"], extra)
        for name, value in odata.items():  # fill what the survivor leaves empty
            if name not in ("id", "passages") and value not in (None, "", []) and data.get(name) in (None, "", []):
                data[name] = value
        ops: list[Op] = []
        for rid in corpus.referrers(other.id):
            ref = corpus.get(rid)
            rdata = _fields_of(ref)
            for name in ("themes", "actors", "experts", "passages"):
                if name in rdata and other.id in rdata[name]:
                    rdata[name] = _union([], [keep.id if r == other.id else r for r in rdata[name]])
            for name in ("source", "target", "organisation"):
                if rdata.get(name) == other.id:
                    rdata[name] = keep.id
            if ref.item_kind == "relationship" and rdata["source"] == rdata["target"]:
                ops.append(Remove(rid))
                continue
            ops.append(Put(type(ref).model_validate(rdata)))
        # the survivor may itself refer to the other (an event whose actors hold both): drop that
        for name in ("themes", "actors", "experts"):
            if name in data:
                data[name] = [r for r in data[name] if r != other.id]
        ops.insert(0, Put(build_item(kind, data)))
        ops.append(Remove(other.id))
        # a relationship merged away may still be named by the merged events' ... (none refer to relationships)
        return [op for op in ops if not (isinstance(op, Put) and op.item.id == other.id)]


@dataclass
class SetNodePositions(Command):
    """Move graph nodes (id -> (x, y), or None to let the layout place it). Not part of the corpus files;
    undone like any edit."""

    positions: dict[str, tuple[float, float] | None]
    label = "Move Node"

    def ops(self, corpus: Corpus) -> list:
        return [NodePositions(dict(self.positions))]


@dataclass(frozen=True)
class NodePositions:
    """A workspace operation: graph node positions set by hand."""

    positions: dict


__all__ = ["Command", "AddItem", "AddPassage", "AddDocument", "EditItem", "EditInfo", "DeleteItem",
           "AddEvidence", "RemoveEvidence", "MergeItems", "SetNodePositions", "NodePositions", "new_id", "slug",
           "build_item", "EditError", "references"]
