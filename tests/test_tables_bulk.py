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
