"""Questions the views ask about a selection, answered from a ``CorpusIndex`` as plain data (ids, passages,
counts): what the inspector lists for an item and in which groups, the passages the documents view
highlights and which of them are clickable. No Qt, no HTML: the views only render the answers.

Only the index's public API is used (``items``, ``passages``, ``kind_of``, ``linked``, ``linked_events``,
``passages_of``, ``items_of_passage``, ``document_passages``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..corpus import Corpus
from .corpus_index import CorpusIndex

#: the groups of linked items, in the order the inspector shows them (passages come last, apart)
GROUP_KINDS = ("entity", "expert", "theme", "event", "relationship", "document")
#: links listed per group; the rest are counted (a theme of a large corpus has thousands)
MAX_ENTRIES = 100
#: passages listed for an item
MAX_PASSAGES = 40


@dataclass(frozen=True)
class LinkGroup:
    """The items of one kind linked to a selection: the first ``len(ids)`` of ``total``."""

    kind: str
    ids: tuple[str, ...]
    total: int

    @property
    def more(self) -> int:
        """How many are left out."""
        return self.total - len(self.ids)


def label_of(index: CorpusIndex, item_id: str) -> str:
    """An item's label, or its id when the index does not know it."""
    item = index.items.get(item_id)
    return item.label if item is not None else item_id


def relationship_label(index: CorpusIndex, rel_id: str) -> str:
    """"Source kind Target" of a relationship (the ends by label, or id when unknown)."""
    rel = index.items[rel_id]
    return f"{label_of(index, rel.source)} {rel.kind} {label_of(index, rel.target)}"


def linked_groups(index: CorpusIndex, item_id: str, corpus: Corpus | None = None) -> dict[str, list[str]]:
    """Everything linked to an item, by kind (the ``GROUP_KINDS`` and "passage"), in full.

    - a passage: the items it is evidence for, by their kind (nothing else);
    - otherwise the items linked to it of each kind; the events also include those that share a passage
      with it (``linked_events``), never the item itself;
    - an event: the relationships between two of its actors or experts;
    - an actor or expert: also the other ends of its relationships;
    - a document: its passages; any other item: the passages that are evidence for it.
    """
    corpus = corpus if corpus is not None else index.corpus
    item = index.items[item_id]
    kind = item.item_kind
    groups: dict[str, list[str]] = {}
    if kind == "passage":
        for other in index.items_of_passage(item_id):
            groups.setdefault(index.kind_of(other), []).append(other)
        return groups
    for group_kind in GROUP_KINDS:
        if group_kind == "event":
            ids = [e for e in index.linked_events(item_id) if e != item_id]
        else:
            ids = index.linked(item_id, group_kind)
        groups[group_kind] = ids
    if kind == "event":
        ends = set(item.actors) | set(item.experts)
        groups["relationship"] = (index.relationships_between(ends) if corpus is index.corpus else
                                  [r.id for r in corpus.relationships if {r.source, r.target} <= ends])
    elif kind in ("entity", "expert"):
        # the other ends of its relationships are actors too
        others: dict[str, None] = {}
        for rel_id in groups["relationship"]:
            rel = index.items[rel_id]
            for end in (rel.source, rel.target):
                if end != item_id:
                    others[end] = None
        present = {i for ids in groups.values() for i in ids}
        for end in others:
            end_kind = index.kind_of(end)
            if end_kind in groups and end not in present:
                groups[end_kind].append(end)
    if kind == "document":
        groups["passage"] = index.document_passage_ids(item_id)
    else:
        groups["passage"] = [p for p in index.passages_of(item_id) if p in index.passages]
    return groups


def link_groups(index: CorpusIndex, item_id: str, corpus: Corpus | None = None, max_entries: int = MAX_ENTRIES,
                max_passages: int = MAX_PASSAGES) -> list[LinkGroup]:
    """The non-empty groups of ``linked_groups`` in the order shown (``GROUP_KINDS``, then "passage"), each
    cut to ``max_entries`` ids (passages: ``max_passages``)."""
    groups = linked_groups(index, item_id, corpus)
    out = []
    for kind in (*GROUP_KINDS, "passage"):
        ids = groups.get(kind) or []
        if ids:
            cap = max_passages if kind == "passage" else max_entries
            out.append(LinkGroup(kind, tuple(ids[:cap]), len(ids)))
    return out


def expert_positions(index: CorpusIndex, expert_id: str) -> list[tuple[str, list[str]]]:
    """(text, passage ids the index knows) of each position an expert argues, in order."""
    expert = index.items[expert_id]
    return [(pos.text, [pid for pid in pos.passages if pid in index.items]) for pos in expert.positions]


def evidence_passages(index: CorpusIndex, item_id: str | None, doc_ids: Sequence[str]) -> list:
    """The passages that are evidence for an item, in the documents ``doc_ids``, without duplicates, in
    document order (the order of ``doc_ids``) then text order."""
    if item_id is None:
        return []
    order = {d: i for i, d in enumerate(doc_ids)}
    found = [index.passages[p] for p in index.passages_of(item_id) if p in index.passages]
    found = [p for p in found if p.document in order]
    return sorted({p.id: p for p in found}.values(), key=lambda p: (order[p.document], p.start, p.end))


def document_to_show(passages: Sequence, doc_ids: Sequence[str], current: str | None) -> str | None:
    """Which document to show for these passages: None to stay on ``current`` (it holds one of them, or
    there are none), else the first of ``doc_ids`` that holds the most."""
    docs = [p.document for p in passages]
    if not docs or current in docs:
        return None
    counts = {d: docs.count(d) for d in docs}
    best = max(counts.values())
    return next(d for d in doc_ids if counts.get(d) == best)


def clickable_passages(index: CorpusIndex, doc_id: str, is_visible: Callable[[str], bool]) -> list:
    """The passages of a document that are evidence for at least one item ``is_visible`` lets through, in
    text order."""
    return [p for p in index.document_passages(doc_id) if any(is_visible(i) for i in index.items_of_passage(p.id))]


def clickable_spans(index: CorpusIndex, doc_id: str, is_visible: Callable[[str], bool]) -> list[tuple[int, int]]:
    """(start, end) of ``clickable_passages``, read from the passage table: no passage is built (the
    documents view underlines 100,000 passages of an imported sheet)."""
    span, owners = index.passages.span, index._passage_items
    return [span(pid) for pid in index.document_passage_ids(doc_id)
            if any(is_visible(i) for i in owners.get(pid, ()))]
