"""What every view shows: filters as data, and the rule that says whether an item passes them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Filters:
    """What every view shows. Empty sets mean "no restriction"."""

    themes: frozenset[str] = field(default_factory=frozenset)
    entity_kinds: frozenset[str] = field(default_factory=frozenset)
    experts: frozenset[str] = field(default_factory=frozenset)
    date_from: float | None = None
    date_to: float | None = None

    @property
    def active(self) -> bool:
        return bool(self.themes or self.entity_kinds or self.experts or self.date_from is not None
                    or self.date_to is not None)


def is_visible(f: Filters, index, item_id: str) -> bool:
    """Whether the filters let an item show. Items the filters don't speak of stay visible."""
    if not f.active or index is None:
        return True
    item = index.items.get(item_id)
    if item is None:
        return False
    kind = item.item_kind
    if kind == "event":
        if f.themes and not f.themes & set(item.themes):
            return False
        if f.experts and not (f.experts & set(item.experts) or f.experts & set(index.linked(item_id, "expert"))):
            return False
        if f.entity_kinds and not any(index.items[a].item_kind == "entity"
                                      and index.items[a].kind in f.entity_kinds for a in item.actors):
            return False
        if f.date_from is not None and (item.end or item.start).end_seconds <= f.date_from:
            return False
        if f.date_to is not None and item.start.start_seconds >= f.date_to:
            return False
        return True
    if kind == "entity":
        return not f.entity_kinds or item.kind in f.entity_kinds
    if kind == "expert":
        return not f.experts or item_id in f.experts
    if kind == "theme":
        return not f.themes or item_id in f.themes
    return True


def visible_events(f: Filters, index, ids, x0, x1):
    """``is_visible`` for many events at once, as a numpy mask: ``ids`` with their intervals ``x0``/``x1``
    (POSIX seconds, as the timeline has them). Reads the event columns when the corpus keeps events in a
    table, so that filtering 100k events builds no item."""
    import numpy as np

    n = len(ids)
    mask = np.ones(n, dtype=bool)
    if not f.active or index is None or not n:
        return mask
    if f.date_from is not None:
        mask &= np.asarray(x1) > f.date_from
    if f.date_to is not None:
        mask &= np.asarray(x0) < f.date_to
    if not (f.themes or f.experts or f.entity_kinds):
        return mask
    table = getattr(index.events, "table", None)
    if table is not None:
        rows = table.rows(ids).tolist()
        refs = table.refs
        themes = [refs["themes"][r] for r in rows]
        actors = [refs["actors"][r] for r in rows]
        experts = [refs["experts"][r] for r in rows]
    else:
        items = [index.items[i] for i in ids]
        themes = [e.themes for e in items]
        actors = [e.actors for e in items]
        experts = [e.experts for e in items]
    if f.themes:
        mask &= np.fromiter((not f.themes.isdisjoint(t) for t in themes), dtype=bool, count=n)
    if f.experts:
        mask &= np.fromiter((not (f.experts.isdisjoint(a) and f.experts.isdisjoint(e))
                             for a, e in zip(actors, experts)), dtype=bool, count=n)
    if f.entity_kinds:
        of_kind = {e.id for e in index.corpus.entities if e.kind in f.entity_kinds}
        mask &= np.fromiter((not of_kind.isdisjoint(a) for a in actors), dtype=bool, count=n)
    return mask
