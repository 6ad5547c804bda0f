"""The cache of opened corpora (core.io.cache): a corpus opened again with every file as it was comes from
the cache, exactly as a load gives it (problems included); any change to any file, a new or removed file,
another folder or another version of the loading code is a miss; a broken entry is ignored; nothing is
written inside the corpus folder. Qt-free."""

from __future__ import annotations

import json
import os
import pickle

import pytest

from conftest import write_mini_corpus
from explorer.core import load_corpus
from explorer.core.index import CorpusIndex
from explorer.core.io import cache
from explorer.core.io.open import open_corpus, open_corpus_and_index
from explorer.core.workspace import Workspace


@pytest.fixture()
def cached(tmp_path, monkeypatch):
    """Every corpus is worth caching here, in a cache folder of this test's own."""
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EXPLORER_CACHE_MIN_BYTES", "0")
    return tmp_path / "cache"


def signature(corpus, index=None) -> tuple:
    out = (corpus.snapshot(), [str(p) for p in corpus.problems], corpus.skipped, corpus.summary())
    if index is not None:
        ids = sorted(index.items)
        out += ([e.id for e in index.events], index.ev_start.tolist(), {i: index.linked(i) for i in ids},
                {i: index.linked_events(i) for i in ids}, [(h.kind, h.item_id) for h in index.search("bridge")])
    return out


def entry_written(cache_dir) -> list:
    return sorted(p.name for p in (cache_dir / "corpora").glob("*.pickle")) if (cache_dir / "corpora").exists() else []


def test_a_corpus_opened_again_comes_from_the_cache_exactly_as_loaded(cached, tmp_path, monkeypatch):
    folder = write_mini_corpus(tmp_path / "mini")
    (folder / "themes.json").write_text(json.dumps(  # a problem, which the cached corpus must report too
        [{"id": "theme-infra", "name": "Infrastructure", "passages": ["p-proposed", "p-nowhere"]}]))
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    corpus, index = open_corpus_and_index(folder)
    assert [str(p) for p in corpus.problems] == ["themes.json: [0].passages[1]: theme-infra refers to unknown passage 'p-nowhere'"]
    assert len(entry_written(cached)) == 1
    want = signature(load_corpus(folder), CorpusIndex(load_corpus(folder)))
    assert signature(corpus, index) == want

    calls = []
    monkeypatch.setattr("explorer.core.io.open.load_corpus", lambda root: calls.append(root))
    again, index2 = open_corpus_and_index(folder)
    assert calls == []  # not loaded: read from the cache
    assert again is not corpus and signature(again, index2) == want
    assert again.root == folder and again.file_stamps == corpus.file_stamps
    assert index2.corpus is again and index2.items is again.by_id
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before  # nothing written in the corpus
    # the cached corpus is a live one: edits, undo, index following, saving
    ws = Workspace(again, index2)
    from explorer.core.commands import EditItem

    ws.do(EditItem("ev-opened", title="Bridge reopened"))
    assert [h.item_id for h in index2.search("reopened")] == ["ev-opened"]
    ws.undo()
    assert signature(ws.corpus, ws.index) == want


@pytest.mark.parametrize("change", ["edit a document text (same size)", "edit events.json", "add relationships file",
                                    "remove entities file", "touch only"])
def test_any_change_to_a_file_is_a_miss_and_a_touch_is_not(cached, tmp_path, monkeypatch, change):
    folder = write_mini_corpus(tmp_path / "mini")
    open_corpus(folder)
    text = folder / "docs" / "a.txt"
    if change == "edit a document text (same size)":
        text.write_text(text.read_text().replace("bridge", "BRIDGE", 1))
    elif change == "edit events.json":
        events = json.loads((folder / "events.json").read_text())
        events[0]["title"] = "Bridge first proposed"
        (folder / "events.json").write_text(json.dumps(events))
    elif change == "add relationships file":
        (folder / "relationships.json").unlink()
        open_corpus(folder)
        write_mini_corpus(folder)  # the same files again, relationships.json included
    elif change == "remove entities file":
        (folder / "relationships.json").unlink()
    else:
        os.utime(text, ns=(1, 1))
    want = signature(load_corpus(folder))
    calls = []
    real = load_corpus
    monkeypatch.setattr("explorer.core.io.open.load_corpus", lambda root: calls.append(root) or real(root))
    got = open_corpus(folder)
    assert signature(got) == want
    assert calls == ([] if change == "touch only" else [folder])


def test_another_folder_or_another_loader_is_a_miss(cached, tmp_path, monkeypatch):
    a = write_mini_corpus(tmp_path / "a")
    b = write_mini_corpus(tmp_path / "b")  # the same files in another folder
    open_corpus(a)
    assert len(entry_written(cached)) == 1
    assert open_corpus(b).root == b and len(entry_written(cached)) == 2
    monkeypatch.setattr(cache, "_CODE_KEY", "another version of explorer")
    calls = []
    real = load_corpus
    monkeypatch.setattr("explorer.core.io.open.load_corpus", lambda root: calls.append(root) or real(root))
    open_corpus(a)
    assert calls == [a]


def test_a_broken_or_foreign_entry_is_ignored_and_replaced(cached, tmp_path):
    folder = write_mini_corpus(tmp_path / "mini")
    want = signature(open_corpus(folder))
    (entry,) = (cached / "corpora").glob("*.pickle")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])  # truncated
    assert signature(open_corpus(folder)) == want
    head = data.split(b"\n", 2)
    entry.write_bytes(head[0] + b"\n" + head[1] + b"\n" + pickle.dumps({"corpus": "not a corpus"}))
    assert signature(open_corpus(folder)) == want
    assert entry.read_bytes() != data[: len(data) // 2]


def test_small_corpora_and_a_cache_turned_off_or_unwritable_are_loaded(cached, tmp_path, monkeypatch):
    folder = write_mini_corpus(tmp_path / "mini")
    monkeypatch.setenv("EXPLORER_CACHE_MIN_BYTES", str(10 ** 9))
    open_corpus(folder)
    assert entry_written(cached) == []  # too small to be worth it
    monkeypatch.setenv("EXPLORER_CACHE_MIN_BYTES", "0")
    monkeypatch.setenv("EXPLORER_CACHE", "off")
    open_corpus(folder)
    assert entry_written(cached) == []
    monkeypatch.delenv("EXPLORER_CACHE")
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(blocker))  # cannot be made a folder
    assert signature(open_corpus(folder)) == signature(load_corpus(folder))


def test_a_corpus_saved_and_opened_again_is_the_saved_one(cached, tmp_path):
    from explorer.core.commands import EditItem

    folder = write_mini_corpus(tmp_path / "mini")
    ws = Workspace.open(folder, journal=False)
    ws.do(EditItem("ev-opened", title="Bridge reopened"))
    ws.save()
    assert Workspace.open(folder, journal=False).corpus.get("ev-opened").title == "Bridge reopened"
    ws.undo()
    ws.save()
    assert Workspace.open(folder, journal=False).corpus.get("ev-opened").title == "Bridge opened"


def test_documents_come_back_with_their_texts_exactly(cached, tmp_path):
    from conftest import write_corpus_folder

    text = "𝔘 is outside the BMP; 李伟 and é are not.\n"
    folder = write_corpus_folder(tmp_path / "w", {"a.txt": text}, {
        "documents.json": [{"id": "doc-w", "title": "Wide 李", "author": "A", "date": "2021-05", "file": "a.txt"}]})
    first = open_corpus(folder)
    again = open_corpus(folder)
    assert entry_written(cached) and again is not first
    assert again.get("doc-w") == first.get("doc-w") and again.get("doc-w").text == text
    assert again.get("doc-w").model_fields_set == first.get("doc-w").model_fields_set


def test_the_graphs_component_shapes_come_back_with_the_corpus(cached, tmp_path, monkeypatch):
    """The graph's layout of each connected component (seconds for a thousand actors) is kept with the
    corpus: opened again in a fresh process, the view's layout is made without computing any shape."""
    from explorer.core.layout import graph

    from conftest import write_corpus_folder

    text = "Alpha, Beta, Gamma and Delta trade with each other.\n"
    names = ["alpha", "beta", "gamma", "delta", "epsilon"]
    pairs = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (3, 4), (4, 1)]
    folder = write_corpus_folder(tmp_path / "ring", {"a.txt": text}, {
        "documents.json": [{"id": "doc-a", "title": "Doc A", "file": "a.txt"}],
        "passages.json": [{"id": "p-a", "document": "doc-a", "quote": text.strip()}],
        "entities.json": [{"id": f"ent-{n}", "name": n.title(), "passages": ["p-a"]} for n in names],
        "relationships.json": [{"id": f"rel-{a}-{b}", "source": f"ent-{names[a]}", "target": f"ent-{names[b]}",
                                "kind": "trades with", "passages": ["p-a"]} for a, b in pairs],
    })
    open_corpus_and_index(folder)
    first = graph.prepare_layout(load_corpus(folder))
    assert first  # one connected component of five actors
    graph._component_shape.cache_clear()  # as a new process starts
    monkeypatch.setattr(graph, "_make_component_shape", lambda *a: pytest.fail("a shape was computed"))
    corpus, _index = open_corpus_and_index(folder)
    assert graph.prepare_layout(corpus) == first


def test_a_kept_document_text_comes_back_whole_and_costs_no_utf8_copy(tmp_path):
    """A document is pickled with its text as UTF-8 bytes (pickling the str would cache its UTF-8 form on
    it for the document's life): the text comes back equal, Chinese, an emoji and a lone surrogate included."""
    import pickle

    from explorer.core.model.types import Document

    text = "Lu Nanquan 陆南泉 😀 and a lone \udcff surrogate"
    doc = Document(id="doc-x", title="X", file="x.txt", text=text)
    state = doc.__getstate__()
    assert type(state["__dict__"]["text"]) is bytes and doc.text is text
    back = pickle.loads(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == doc and back.text == text
    plain = Document(id="doc-y", title="Y", file="y.txt", text="only ASCII")
    assert pickle.loads(pickle.dumps(plain)).text == "only ASCII"
