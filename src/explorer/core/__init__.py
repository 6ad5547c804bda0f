"""The Qt-free core of explorer: the corpus and every rule about it.

    from explorer.core import Workspace, commands

    ws = Workspace.open("my-corpus")            # load, validate and index a corpus folder
    ws.do(commands.EditItem("ev-x", title="A better title"))
    ws.undo(); ws.redo()
    ws.save()                                    # writes only the files the edits changed, atomically

Nothing in this package imports PySide6 or pyqtgraph (tests/test_architecture.py enforces it).
"""

from . import commands
from .corpus import ChangeSet, Corpus, EditError, Put, Remove, SetInfo
from .io.load import NotACorpusError, Problem, is_corpus_folder, load_corpus
from .model import (CorpusInfo, Document, Entity, Event, Expert, PartialDate, Passage, Position, Relationship,
                    Theme)
from .workspace import Workspace

__all__ = ["commands", "Workspace", "ChangeSet", "Corpus", "EditError", "Put", "Remove", "SetInfo", "NotACorpusError", "Problem",
           "is_corpus_folder", "load_corpus", "CorpusInfo", "Document", "Entity", "Event", "Expert",
           "PartialDate", "Passage", "Position", "Relationship", "Theme"]
