"""The corpus types. Pure pydantic: nothing here knows about Qt.

Every item has a stable ``id`` (unique across the whole corpus) and, apart from documents and
passages, a list of ``passages``: the evidence for it in the documents.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from .dates import PartialDate, PartialDateField, display_span

#: what an id and a colour look like (the loader says these in words: see ``PATTERN_WORDS``)
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
#: pattern -> (what it is, the rule in plain words)
PATTERN_WORDS: dict[str, tuple[str, str]] = {
    ID_PATTERN: ("an id", "an id is letters, digits and . _ : - and starts with a letter or digit"),
    COLOR_PATTERN: ("a colour", "a colour is #rrggbb, e.g. #4fa36b"),
}

ItemId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]

ItemKind = Literal["document", "passage", "event", "expert", "entity", "relationship", "theme"]
KINDS: tuple[str, ...] = ("document", "passage", "event", "expert", "entity", "relationship", "theme")


class _Item(BaseModel):
    # defer_build: each model's validator is built when it first validates (loading a corpus, off the UI
    # thread), not when this module is imported before the window's first paint (~35 ms; issue 15)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
    date_inferred: StrictBool = False  # true or false: "yes" or 1 is an error
    date_note: Text | None = None
    provenance: Text | None = None  # where an imported item came from: the file and its row, slide or record
    file: str = Field(min_length=1)
    original: str | None = None  # the imported original (PDF, DOCX...), relative to the corpus folder
    text: str = ""  # filled by the loader from ``file``

    # Pickled (the cache of opened corpora) with a text that is not ASCII as UTF-8 bytes: pickling the str
    # itself would leave its UTF-8 form cached on it for as long as the document lives (50 MB at 1,000
    # documents of 50,000 characters).
    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        text = self.__dict__.get("text")
        if text and not text.isascii():
            state["__dict__"] = {**state["__dict__"], "text": text.encode("utf-8", "surrogatepass")}
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        values = state.get("__dict__")
        if values is not None and type(values.get("text")) is bytes:
            state = {**state, "__dict__": {**values, "text": values["text"].decode("utf-8", "surrogatepass")}}
        super().__setstate__(state)


class Passage(_Item):
    """An anchor into a document: character offsets [start, end) plus the exact quote.

    In a file the offsets may be left out: the loader then anchors the passage where its quote occurs
    (exactly once) in the document. Every passage the loader returns has both offsets."""

    item_kind: ClassVar[str] = "passage"
    document: ItemId
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    quote: str = Field(min_length=1)
    prefix: str = ""
    suffix: str = ""


class _Evidenced(_Item):
    """An item with evidence. Each kind declares ``passages`` (the evidence) and ``conflict`` (where the
    sources disagree or are inconsistent) as its last fields, so that a saved item reads its own fields
    first and its evidence last."""


class Theme(_Evidenced):
    item_kind: ClassVar[str] = "theme"
    name: Text = Field(min_length=1)
    description: Text = ""
    color: Annotated[str, StringConstraints(pattern=COLOR_PATTERN)] | None = None
    provenance: Text | None = None  # where an imported item came from: the file and its row, slide or record
    passages: list[ItemId] = Field(default_factory=list)
    conflict: Text | None = None  # where the sources disagree or are inconsistent


class Entity(_Evidenced):
    item_kind: ClassVar[str] = "entity"
    name: Text = Field(min_length=1)
    kind: Literal["country", "person", "organisation", "project", "agreement", "place", "event",
                  "group"] = "organisation"
    native_name: Text | None = None
    aliases: list[Text] = Field(default_factory=list)
    description: Text = ""
    provenance: Text | None = None  # where an imported item came from: the file and its row, slide or record
    passages: list[ItemId] = Field(default_factory=list)
    conflict: Text | None = None  # where the sources disagree or are inconsistent


class Position(BaseModel):
    """Something a voice argues, with the passages that say so."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
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
    provenance: Text | None = None  # where an imported item came from: the file and its row, slide or record
    passages: list[ItemId] = Field(default_factory=list)
    conflict: Text | None = None  # where the sources disagree or are inconsistent


class Event(_Evidenced):
    item_kind: ClassVar[str] = "event"
    title: Text = Field(min_length=1)
    summary: Text = ""
    start: PartialDateField
    end: PartialDateField | None = None
    inferred: StrictBool = False
    date_text: Text | None = None  # the date as the source writes it
    themes: list[ItemId] = Field(default_factory=list)
    actors: list[ItemId] = Field(default_factory=list)
    experts: list[ItemId] = Field(default_factory=list)  # voices who speak about it
    provenance: Text | None = None  # where an imported item came from: the file and its row, slide or record
    passages: list[ItemId] = Field(default_factory=list)
    conflict: Text | None = None  # where the sources disagree or are inconsistent

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
    inferred: StrictBool = False
    provenance: Text | None = None  # where an imported item came from: the file and its row, slide or record
    passages: list[ItemId] = Field(default_factory=list)
    conflict: Text | None = None  # where the sources disagree or are inconsistent

    @property
    def label(self) -> str:
        return self.kind


class CorpusInfo(BaseModel):
    """Optional ``corpus.json``: what the corpus is and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    title: Text = "Untitled corpus"
    description: Text = ""
    credits: Text = ""
    time_range: list[PartialDateField] | None = None  # [first, last]

    @field_validator("time_range", mode="before")
    @classmethod
    def _two_dates(cls, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, list):
            found = "a string" if isinstance(value, str) else "an object" if isinstance(value, dict) else \
                "a number" if isinstance(value, (int, float)) and not isinstance(value, bool) else "something else"
            raise ValueError(f'a time range is a list of two dates, the first and the last, e.g. ["1988", "2022"], '
                             f'not {found}')
        if len(value) != 2:
            found = {0: "an empty list", 1: "one date", 3: "three dates"}.get(len(value), f"{len(value)} dates")
            raise ValueError(f'a time range is two dates, the first and the last, e.g. ["1988", "2022"], '
                             f'not {found}')
        return value

    @field_validator("time_range")
    @classmethod
    def _in_order(cls, value: list[PartialDate] | None) -> list[PartialDate] | None:
        if value is not None and value[1].end_seconds <= value[0].start_seconds:
            first, last = value
            raise ValueError(f'the time range ["{first}", "{last}"] ends before it starts; write the earlier date '
                             f'first: ["{last}", "{first}"]')
        return value


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
           "CorpusInfo", "PartialDate", "KINDS", "MODEL_FOR_FILE", "ID_PATTERN", "COLOR_PATTERN", "PATTERN_WORDS"]
