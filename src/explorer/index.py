"""Derived look-ups, built once per corpus. Pure Python + numpy, no Qt.

- the passages of an item and the items a passage is evidence for;
- a document's passages sorted by offset, for hit-testing a click in the text;
- events as sorted numpy arrays (POSIX seconds, UTC) for fast range queries;
- which events, experts, entities... are linked to any item;
- a case- and accent-insensitive text search over documents and items.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from .model import Corpus, Event
from .model.types import _Item


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text, the same length as the input for Latin scripts."""
    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)) or ch
        out.append(base[0].casefold()[0] if len(base[0].casefold()) else ch)
    return "".join(out)


@dataclass(frozen=True)
class SearchHit:
    kind: str  # the item kind, or "document" for a match in a document's text
    item_id: str
    label: str
    context: str  # a snippet around the match
    start: int = -1  # for document matches: character offsets in the text
    end: int = -1


class CorpusIndex:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.items: dict[str, _Item] = dict(corpus.by_id)
        self.passages = {p.id: p for p in corpus.passages}

        # item -> passages, passage -> items
        self._item_passages: dict[str, list[str]] = {}
        self._passage_items: dict[str, list[str]] = {p.id: [] for p in corpus.passages}
        for item in corpus.all_items():
            if item.item_kind in ("document", "passage"):
                continue
            pids = list(getattr(item, "passages", []))
            for pos in getattr(item, "positions", []):
                pids.extend(p for p in pos.passages if p not in pids)
            self._item_passages[item.id] = pids
            for pid in pids:
                if pid in self._passage_items and item.id not in self._passage_items[pid]:
                    self._passage_items[pid].append(item.id)

        # document -> passages sorted by start
        self._doc_passages: dict[str, list] = {d.id: [] for d in corpus.documents}
        for p in corpus.passages:
            self._doc_passages.setdefault(p.document, []).append(p)
        for plist in self._doc_passages.values():
            plist.sort(key=lambda p: (p.start, p.end))
        self._doc_starts = {d: [p.start for p in plist] for d, plist in self._doc_passages.items()}

        # events as sorted arrays
        events = sorted(corpus.events, key=lambda e: (e.start.start_seconds, e.id))
        self.events: list[Event] = events
        self.event_pos = {e.id: i for i, e in enumerate(events)}
        self.ev_start = np.array([e.start.start_seconds for e in events], dtype=np.float64)
        self.ev_end = np.array([(e.end or e.start).end_seconds for e in events], dtype=np.float64)

        # links between items
        self._links: dict[str, set[str]] = {item.id: set() for item in corpus.all_items()}

        def link(a: str, b: str) -> None:
            if a in self._links and b in self._links and a != b:
                self._links[a].add(b)
                self._links[b].add(a)

        for ev in corpus.events:
            for ref in (*ev.themes, *ev.actors, *ev.experts):
                link(ev.id, ref)
        for rel in corpus.relationships:
            link(rel.id, rel.source)
            link(rel.id, rel.target)
        for ex in corpus.experts:
            if ex.organisation:
                link(ex.id, ex.organisation)
        for pid, item_ids in self._passage_items.items():
            doc = self.passages[pid].document
            for item_id in item_ids:
                link(item_id, doc)

        self._folded_docs = {d.id: fold(d.text) for d in corpus.documents}

    # -- passages ----------------------------------------------------------------------------------
    def passages_of(self, item_id: str) -> list[str]:
        """Passage ids that are evidence for an item (a passage is its own evidence)."""
        if item_id in self.passages:
            return [item_id]
        return list(self._item_passages.get(item_id, []))

    def items_of_passage(self, passage_id: str) -> list[str]:
        return list(self._passage_items.get(passage_id, []))

    def document_passages(self, doc_id: str) -> list:
        return list(self._doc_passages.get(doc_id, []))

    def passages_at(self, doc_id: str, offset: int) -> list:
        """Passages of a document that contain the character offset."""
        plist = self._doc_passages.get(doc_id, [])
        hi = bisect.bisect_right(self._doc_starts.get(doc_id, []), offset)
        return [p for p in plist[:hi] if p.start <= offset < p.end]

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
        item = self.items.get(item_id)
        return item.item_kind if item else None

    def linked(self, item_id: str, kind: str | None = None) -> list[str]:
        """Items directly linked to an item (by reference or by being evidenced in a document)."""
        ids = self._links.get(item_id, set())
        if kind is not None:
            ids = {i for i in ids if self.items[i].item_kind == kind}
        return sorted(ids, key=self._sort_key)

    def linked_events(self, item_id: str) -> list[str]:
        """Events emphasised when the item is selected: the event itself, or the events that name it,
        share a passage with it, or (for a relationship) involve both its ends."""
        item = self.items.get(item_id)
        if item is None:
            return []
        kind = item.item_kind
        if kind == "event":
            return [item_id]
        if kind == "passage":
            return [i for i in self._passage_items.get(item_id, []) if self.kind_of(i) == "event"]
        if kind == "document":
            return [e.id for e in self.events if any(self.passages[p].document == item_id
                                                     for p in self._item_passages.get(e.id, []))]
        out = set(self.linked(item_id, "event"))
        shared = set(self._item_passages.get(item_id, []))
        if kind == "relationship":
            ends = {item.source, item.target}
            out |= {e.id for e in self.events if ends <= set(e.actors) | set(e.experts)}
        for pid in shared:
            out |= {i for i in self._passage_items.get(pid, []) if self.kind_of(i) == "event"}
        return sorted(out, key=self._sort_key)

    def _sort_key(self, item_id: str):
        pos = self.event_pos.get(item_id)
        return (pos if pos is not None else -1, self.items[item_id].label.casefold())

    def events_in(self, t0: float, t1: float) -> np.ndarray:
        """Indices into ``events`` of the events overlapping [t0, t1)."""
        hi = np.searchsorted(self.ev_start, t1, side="left")
        idx = np.arange(hi)
        return idx[self.ev_end[:hi] > t0]

    # -- search ------------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        q = fold(query.strip())
        if not q:
            return []
        hits: list[SearchHit] = []
        for item in self.corpus.all_items():
            if item.item_kind == "passage":
                continue
            fields = [item.label, getattr(item, "native_name", None) or "", *getattr(item, "aliases", []),
                      getattr(item, "affiliation", ""), getattr(item, "summary", ""), getattr(item, "bio", ""),
                      getattr(item, "description", ""), *(p.text for p in getattr(item, "positions", []))]
            for text in fields:
                if text and q in fold(text):
                    hits.append(SearchHit(item.item_kind, item.id, item.label, _snippet(text, fold(text).find(q),
                                                                                           len(q))))
                    break
        for doc in self.corpus.documents:
            folded = self._folded_docs[doc.id]
            for m in re.finditer(re.escape(q), folded):
                hits.append(SearchHit("document", doc.id, doc.title, _snippet(doc.text, m.start(), len(q)),
                                      m.start(), m.end()))
                if len(hits) >= limit:
                    return hits
        return hits[:limit]

    def find_in_document(self, doc_id: str, query: str) -> list[tuple[int, int]]:
        q = fold(query.strip())
        folded = self._folded_docs.get(doc_id, "")
        if not q:
            return []
        return [(m.start(), m.end()) for m in re.finditer(re.escape(q), folded)]


def _snippet(text: str, at: int, length: int, context: int = 40) -> str:
    if at < 0:
        return text[:2 * context]
    start = max(0, at - context)
    end = min(len(text), at + length + context)
    snippet = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")

