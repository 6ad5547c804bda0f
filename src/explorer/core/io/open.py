"""Opening a corpus for editing: finish an interrupted save, remember what each file was, load."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from typing import TYPE_CHECKING

from ..corpus import Corpus
from .load import load_corpus
from .save import read_stamps

if TYPE_CHECKING:
    from ..index import CorpusIndex


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; False, not an exception, when it cannot be told (``load_corpus`` then
    says why it cannot be opened)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_corpus(path: str | Path) -> Corpus:
    """``load_corpus``, plus the stamps of the files as they were read (``corpus.file_stamps``), so that a
    later save refuses to overwrite a file someone else changed in the meantime. The stamps are made from
    the bytes the load read (or, for a corpus in the cache, taken before it is read): a change during the
    load is then caught too. Raises ``NotACorpusError`` (never an ``OSError``) when the path is not a
    corpus folder or the folder cannot be read.

    A large corpus opened before, with every file as it was then, comes from the cache of opened corpora
    (``core.io.cache``) instead of being validated again: the same corpus, problems included."""
    return _open(path, with_index=False)[0]


def open_corpus_and_index(path: str | Path) -> tuple[Corpus, "CorpusIndex"]:
    """``open_corpus`` and the corpus's index, both from the cache of opened corpora when it has them."""
    corpus, index = _open(path, with_index=True)
    assert index is not None
    return corpus, index


def _open(path: str | Path, with_index: bool) -> tuple[Corpus, "CorpusIndex | None"]:
    from . import cache
    from .save import finish_interrupted_save

    root = Path(path)
    notes = []
    is_dir = _is_dir(root)
    if is_dir:
        try:
            notes = finish_interrupted_save(root)
        except OSError:
            pass  # load_corpus says so
    # Opened before (an entry in the cache of opened corpora): the stamps say whether it is still the same.
    # Opened for the first time: the stamps are made from the bytes the load reads, so nothing is read twice.
    first = is_dir and not cache.has_entry(root)
    stamps = read_stamps(root) if is_dir and not first else {}
    key = cache.entry_key(root, stamps) if is_dir and not first and not notes and cache.worth_caching(stamps) \
        else None
    entry = cache.read_entry(root, key) if key is not None else None
    corpus = index = None
    if isinstance(entry, dict) and isinstance(entry.get("corpus"), Corpus):
        corpus, index = entry["corpus"], entry.get("index")
        corpus.root = root  # the same folder (its path is in the key), as the caller wrote it
        if index is not None and index.corpus is not corpus:
            index = None
    fresh = corpus is None
    if fresh:
        corpus = load_corpus(root, stamps) if first else load_corpus(root)
        if first and not notes and cache.worth_caching(stamps):
            key = cache.entry_key(root, stamps)
    if with_index and index is None:
        from ..index import CorpusIndex

        index = CorpusIndex(corpus)
        fresh = True
    corpus.file_stamps = stamps
    corpus.notes = notes + [n for n in getattr(corpus, "notes", []) if n not in notes]
    if with_index:
        # who refers to whom, which the first edit needs (a third of a second at 100k events, seconds at 1M):
        # made here, off the UI thread, and kept with the cache entry
        corpus._refs_map()
    if key is not None:
        # the graph's component shapes (seconds for a thousand actors) are kept with the corpus too
        from ..layout.graph import known_shapes, prepare_layout

        shapes = entry.get("graph_shapes") if isinstance(entry, dict) and not fresh else None
        if isinstance(shapes, dict):
            known_shapes(shapes)
        elif with_index:
            shapes = prepare_layout(corpus)
            fresh = True
        if fresh and not corpus.notes:
            cache.write_entry(root, key, {"corpus": corpus, "index": index, "graph_shapes": shapes})
    return corpus, index
