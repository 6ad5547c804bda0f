"""The corpus types. Pure pydantic: nothing here knows about Qt.

Every item has a stable ``id`` (unique across the whole corpus) and, apart from documents and
passages, a list of ``passages``: the evidence for it in the documents.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .dates import PartialDate, PartialDateField, display_span

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]

ItemKind = Literal["document", "passage", "event", "expert", "entity", "relationship", "theme"]
KINDS: tuple[str, ...] = ("document", "passage", "event", "expert", "entity", "relationship", "theme")


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ItemId

    item_kind: ClassVar[str] = ""

    @property
    def label(self) -> str:
        return getattr(self, "name", None) or getattr(self, "title", None) or self.id


class Document(_Item):
    """A source text. ``file`` is relative to the corpus folder and must stay inside it."""

    item_kind: ClassVar[str] = "document"
    title: Text = Field(min_length=1)
    author: Text | None = None
    publisher: Text | None = None
    date: PartialDateField | None = None
    date_inferred: bool = False
    date_note: Text | None = None
    file: str = Field(min_length=1)
    text: str = ""  # filled by the loader from ``file``


class Passage(_Item):
    """An anchor into a document: character offsets [start, end) plus the exact quote."""

    item_kind: ClassVar[str] = "passage"
    document: ItemId
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str = Field(min_length=1)
    prefix: str = ""
    suffix: str = ""


class _Evidenced(_Item):
    passages: list[ItemId] = Field(default_factory=list)
    conflict: Text | None = None  # where the sources disagree or are inconsistent


class Theme(_Evidenced):
    item_kind: ClassVar[str] = "theme"
    name: Text = Field(min_length=1)
    description: Text = ""
    color: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None


class Entity(_Evidenced):
    item_kind: ClassVar[str] = "entity"
    name: Text = Field(min_length=1)
    kind: Literal["country", "person", "organisation", "project", "agreement", "place", "event",
                  "group"] = "organisation"
    native_name: Text | None = None
    aliases: list[Text] = Field(default_factory=list)
    description: Text = ""


class Position(BaseModel):
    """Something a voice argues, with the passages that say so."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: Text = Field(min_length=1)
    passages: list[ItemId] = Field(default_factory=list)


class Expert(_Evidenced):
    """An expert or other voice the documents quote or profile."""

    item_kind: ClassVar[str] = "expert"
    name: Text = Field(min_length=1)
    native_name: Text | None = None
    voice: Literal["expert", "official", "author", "commentator"] = "expert"
    affiliation: Text = ""
    organisation: ItemId | None = None  # entity id of the affiliation, for the graph
    role: Text = ""
    bio: Text = ""
    positions: list[Position] = Field(default_factory=list)


class Event(_Evidenced):
    item_kind: ClassVar[str] = "event"
    title: Text = Field(min_length=1)
    summary: Text = ""
    start: PartialDateField
    end: PartialDateField | None = None
    inferred: bool = False
    date_text: Text | None = None  # the date as the source writes it
    themes: list[ItemId] = Field(default_factory=list)
    actors: list[ItemId] = Field(default_factory=list)
    experts: list[ItemId] = Field(default_factory=list)  # voices who speak about it

    @property
    def is_span(self) -> bool:
        return self.end is not None and self.end != self.start

    @property
    def when(self) -> str:
        return display_span(self.start, self.end)


class Relationship(_Evidenced):
    item_kind: ClassVar[str] = "relationship"
    source: ItemId
    target: ItemId
    kind: Text = Field(min_length=1)  # e.g. "partners with", "opposes", "leads"
    summary: Text = ""
    start: PartialDateField | None = None
    end: PartialDateField | None = None
    inferred: bool = False

    @property
    def label(self) -> str:
        return self.kind


class CorpusInfo(BaseModel):
    """Optional ``corpus.json``: what the corpus is and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Text = "Untitled corpus"
    description: Text = ""
    credits: Text = ""
    time_range: list[PartialDateField] | None = None


MODEL_FOR_FILE: dict[str, type[_Item]] = {
    "documents.json": Document,
    "passages.json": Passage,
    "themes.json": Theme,
    "entities.json": Entity,
    "experts.json": Expert,
    "events.json": Event,
    "relationships.json": Relationship,
}

__all__ = ["Document", "Passage", "Theme", "Entity", "Expert", "Position", "Event", "Relationship",
           "CorpusInfo", "PartialDate", "KINDS", "MODEL_FOR_FILE"]
