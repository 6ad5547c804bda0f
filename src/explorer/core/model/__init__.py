"""The corpus types and partial dates: pydantic values, validated at the edges. Pure Python, no Qt."""

from .dates import PartialDate, Precision, display_span
from .types import (KINDS, CorpusInfo, Document, Entity, Event, Expert, Passage, Position, Relationship,
                    Theme)

__all__ = ["PartialDate", "Precision", "display_span", "KINDS", "CorpusInfo", "Document", "Entity", "Event",
           "Expert", "Passage", "Position", "Relationship", "Theme"]
