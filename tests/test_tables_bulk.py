"""Loading fills the event and passage tables a column at a time: the result is exactly what putting the
items one by one gives (columns, order, items built back, context kept where it differs from the text)."""

from __future__ import annotations

import pytest

from conftest import DATA
from explorer.core import load_corpus
from explorer.core.tables import EventTable, PassageTable


@pytest.fixture(scope="module", params=["default", "synthetic"])
def corpus(request, tmp_path_factory):
    if request.param == "default":
        return load_corpus(DATA)
    from explorer.core.synth import generate

    folder = tmp_path_factory.mktemp("synth") / "c"
    generate(folder, events=400, documents=6, seed=11)
    return load_corpus(folder)


def test_events_in_bulk_equal_events_one_by_one(corpus):
    one, bulk = EventTable(), EventTable()
    for e in corpus.events:
        one.put(e)
    bulk.extend(list(corpus.events))
    for name in ("sy", "sm", "sd", "ey", "em", "ed", "inferred"):
        assert getattr(one, name) == getattr(bulk, name), name
    assert one.text == bulk.text and one.refs == bulk.refs and one._ids == bulk._ids and one._rows == bulk._rows
    assert list(bulk.values()) == list(corpus.events)


def test_passages_in_bulk_equal_passages_one_by_one(corpus):
    texts = {d.id: d.text for d in corpus.documents}
    one, bulk = PassageTable(texts.get), PassageTable(texts.get)
    for p in corpus.passages:
        one.put(p)
    given = corpus.passages[0].model_copy(update={"prefix": "given by hand"})
    items = [given, *list(corpus.passages)[1:]]
    bulk.extend(items)
    one.put(given)
    assert one.document == bulk.document and one.start == bulk.start and one.end == bulk.end
    assert one.pinned == bulk.pinned == {0: {"prefix": "given by hand"}}
    assert list(bulk.values()) == items


def test_duplicate_ids_fall_back_to_one_by_one(corpus):
    first = corpus.events[0]
    table = EventTable()
    table.extend([first, first.model_copy(update={"title": "the later one"})])
    assert len(table) == 1 and table.get(first.id).title == "the later one"


def test_a_load_fills_the_tables_as_the_items_one_by_one_would(tmp_path):
    """The loader hands the tables plain dicts of the fields (no model) and fills them after it let go of
    what it parsed (``Table.stage`` / ``fill``): the corpus is the one the items would make, defaults, a
    texts with the separator the stage joins with, and an event with no evidence included."""
    import json
    import shutil

    folder = tmp_path / "c"
    shutil.copytree(DATA, folder)
    events = json.loads((folder / "events.json").read_text(encoding="utf-8"))
    events[0]["title"] = "a title with a \u0000 in it"
    events[1]["summary"] = "\u0000"
    events[2].pop("passages", None)
    (folder / "events.json").write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    passages = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
    passages[0]["prefix"] = "given by hand"
    (folder / "passages.json").write_text(json.dumps(passages, ensure_ascii=False), encoding="utf-8")
    loaded = load_corpus(folder)
    assert loaded.get(events[0]["id"]).title == "a title with a \u0000 in it"
    assert loaded.get(events[1]["id"]).summary == "\u0000"
    assert loaded.get(events[2]["id"]).passages == [] and events[2]["id"] in loaded.unsupported_ids()
    # a prefix in the file is the text's (as it always was): what stands before the quote
    assert loaded.get(passages[0]["id"]).prefix == load_corpus(DATA).get(passages[0]["id"]).prefix
    one = EventTable()
    for e in loaded.events:
        one.put(e)
    table = loaded.event_table
    assert one.text == table.text and one.refs == table.refs and one._ids == table._ids
    for name in ("sy", "sm", "sd", "ey", "em", "ed", "inferred"):
        assert getattr(one, name) == getattr(table, name), name
    plain = load_corpus(DATA)
    for p in plain.passages[1:]:
        assert loaded.get(p.id) == p
    # every string a table keeps is the one object for its text among the ids (interned once)
    refs = {id(r) for row in table.refs["themes"] for r in row}
    assert len(refs) == len({r for row in table.refs["themes"] for r in row})
