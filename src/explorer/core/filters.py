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
