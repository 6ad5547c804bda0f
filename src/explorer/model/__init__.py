"""The corpus model: types, partial dates, loading and dumping. Pure Python, no Qt."""

from .dates import PartialDate, Precision, display_span
from .dump import corpus_to_dict, corpus_to_json
from .loader import Corpus, NotACorpusError, Problem, is_corpus_folder, load_corpus
from .types import (KINDS, CorpusInfo, Document, Entity, Event, Expert, Passage, Position, Relationship,
                    Theme)

__all__ = ["PartialDate", "Precision", "display_span", "corpus_to_dict", "corpus_to_json", "Corpus",
           "NotACorpusError", "Problem", "is_corpus_folder", "load_corpus", "KINDS", "CorpusInfo", "Document",
           "Entity", "Event", "Expert", "Passage", "Position", "Relationship", "Theme"]
