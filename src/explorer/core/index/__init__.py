"""Derived look-ups over a corpus: links, passages, event order, search."""

from .corpus_index import CorpusIndex, SearchHit, fold

__all__ = ["CorpusIndex", "SearchHit", "fold"]
