"""Filters as data: the vectorised mask over events says exactly what is_visible says, item by item."""

from __future__ import annotations

import pytest

from conftest import DATA
from explorer.core import load_corpus
from explorer.core.filters import Filters, is_visible, visible_events
from explorer.core.index import CorpusIndex
from explorer.core.model import PartialDate


@pytest.fixture(scope="module")
def index():
    return CorpusIndex(load_corpus(DATA))


def _cases(index):
    corpus = index.corpus
    themes = [t.id for t in corpus.themes]
    experts = [e.id for e in corpus.experts]
    yield Filters()
    yield Filters(themes=frozenset(themes[:1]))
    yield Filters(themes=frozenset(themes[1:3]), date_from=PartialDate(2019).start_seconds)
    yield Filters(experts=frozenset(experts[:2]))
    yield Filters(entity_kinds=frozenset({"country"}))
    yield Filters(entity_kinds=frozenset({"organisation", "project"}), date_to=PartialDate(2020).end_seconds)
    yield Filters(date_from=PartialDate(2020, 3).start_seconds, date_to=PartialDate(2021, 6).end_seconds)


def test_the_mask_agrees_with_is_visible(index):
    ids = [e.id for e in index.events]
    for f in _cases(index):
        mask = visible_events(f, index, ids, index.ev_start, index.ev_end)
        assert mask.tolist() == [is_visible(f, index, i) for i in ids], f
    assert any(not v for f in _cases(index) for v in visible_events(f, index, ids, index.ev_start, index.ev_end))
