"""Stamps made while loading: a corpus opened for the first time is stamped from the very bytes the load read
(``load_corpus(root, stamps)``, a ``Stamper`` hashing in a second thread), with exactly the stamps
``read_stamps`` gives for the same folder, including files the load could not use; a file changed after
that load is not written over. Qt-free."""

from __future__ import annotations

import json
import threading

import pytest

from conftest import write_mini_corpus
from explorer.core.commands import EditItem
from explorer.core.io import cache
from explorer.core.io.load import load_corpus
from explorer.core.io.open import open_corpus
from explorer.core.io.save import SaveConflict, Stamper, read_stamps
from explorer.core.workspace import Workspace


@pytest.fixture()
def cached(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EXPLORER_CACHE_MIN_BYTES", "0")
    return tmp_path / "cache"


def test_a_load_stamps_what_it_read_as_read_stamps_does(tmp_path):
    folder = write_mini_corpus(tmp_path / "mini")
    stamps: dict = {}
    corpus = load_corpus(folder, stamps)
    assert corpus.documents and stamps == read_stamps(folder)
    assert {d.file for d in corpus.documents} <= set(stamps)
    assert not [t for t in threading.enumerate() if t.name.startswith("explorer-stamps")]  # the thread ended


def test_files_the_load_did_not_use_are_stamped_too(tmp_path):
    folder = write_mini_corpus(tmp_path / "mini")
    docs = json.loads((folder / "documents.json").read_text())
    # a document that does not validate (its text file is never read) and one whose text is not UTF-8
    docs.append({"id": "doc-bad-date", "title": "Bad", "date": "2019-13", "file": "docs/bad-date.txt"})
    docs.append({"id": "doc-latin", "title": "Latin-1", "file": "docs/latin.txt"})
    (folder / "documents.json").write_text(json.dumps(docs))
    (folder / "docs" / "bad-date.txt").write_text("A text nobody loads.\n")
    (folder / "docs" / "latin.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    (folder / "events.json").write_text("[{")  # broken: loaded as nothing, still stamped
    stamps: dict = {}
    corpus = load_corpus(folder, stamps)
    assert corpus.problems
    assert "doc-bad-date" not in corpus.by_id and "doc-latin" not in corpus.by_id
    want = read_stamps(folder)
    assert {"docs/bad-date.txt", "docs/latin.txt", "events.json"} <= set(want)
    assert stamps == want


def test_first_open_is_stamped_by_the_load_and_an_open_from_the_cache_by_read_stamps(cached, tmp_path,
                                                                                    monkeypatch):
    folder = write_mini_corpus(tmp_path / "mini")
    want = read_stamps(folder)
    reads = []
    real = read_stamps
    monkeypatch.setattr("explorer.core.io.open.read_stamps", lambda root: reads.append(root) or real(root))
    first = open_corpus(folder)
    assert reads == []  # nothing read before the load: it stamped what it read
    assert first.file_stamps == want and cache.has_entry(folder)
    again = open_corpus(folder)
    assert reads == [folder]  # an entry exists: the stamps say whether it still holds
    assert again.file_stamps == want


def test_a_file_changed_after_a_first_open_is_not_overwritten(cached, tmp_path):
    folder = write_mini_corpus(tmp_path / "mini")
    corpus = open_corpus(folder)
    ws = Workspace(corpus)
    ev = corpus.events[0].id
    events = folder / "events.json"
    theirs = events.read_text().replace(corpus.events[0].title, "Changed by someone else")
    events.write_text(theirs)
    ws.do(EditItem(ev, title="Mine"))
    with pytest.raises(SaveConflict) as raised:
        ws.save()
    assert "events.json was changed" in str(raised.value)
    assert events.read_text() == theirs


def test_a_stamper_waits_for_every_digest():
    import hashlib
    import os

    stamper = Stamper()
    data = [os.urandom(1 << 20 if i % 2 else 1000) for i in range(8)]  # large ones hashed in a thread
    st = os.stat(__file__)
    for i, chunk in enumerate(data):
        stamper.add(f"f{i}", chunk, st)
    stamper.add("f0", b"another read of the same file", st)  # the first read is the stamp
    stamps = stamper.stamps()
    assert [stamps[f"f{i}"].sha256 for i in range(8)] == [hashlib.sha256(c).hexdigest() for c in data]
    assert stamps["f0"].size == st.st_size and stamps["f0"].mtime_ns == st.st_mtime_ns
