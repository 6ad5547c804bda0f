"""Opening a corpus for editing: finish an interrupted save, remember what each file was, load."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..corpus import Corpus
from .load import load_corpus
from .save import read_stamps


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; False, not an exception, when it cannot be told (``load_corpus`` then
    says why it cannot be opened)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_corpus(path: str | Path) -> Corpus:
    """``load_corpus``, plus the stamps of the files as they were read (``corpus.file_stamps``), so that a
    later save refuses to overwrite a file someone else changed in the meantime. The stamps are taken
    before the files are read: a change during the load is then caught too. Raises ``NotACorpusError``
    (never an ``OSError``) when the path is not a corpus folder or the folder cannot be read."""
    from .save import finish_interrupted_save

    root = Path(path)
    notes = []
    is_dir = _is_dir(root)
    if is_dir:
        try:
            notes = finish_interrupted_save(root)
        except OSError:
            pass  # load_corpus says so
    stamps = read_stamps(root) if is_dir else {}
    corpus = load_corpus(root)
    corpus.file_stamps = stamps
    corpus.notes = notes + [n for n in getattr(corpus, "notes", []) if n not in notes]
    return corpus
