"""A table's corpus order: kept as a list of ids, where a removal leaves its id until the order is next read
and an undone delete puts its item back with one insert (``Table.insert``). Every way of changing the table
keeps the order exactly what a dict in corpus order would give, and a list of ids handed out earlier never
changes. Qt-free."""

from __future__ import annotations

import random

import numpy as np
import pytest

from conftest import DATA
from explorer.core import load_corpus
from explorer.core.tables import EventTable


@pytest.fixture(scope="module")
def events():
    return list(load_corpus(DATA).events)


def _check(table: EventTable, want: list[str]) -> None:
    assert table.ids() == want and list(table) == want and set(table.keys()) == set(want)
    assert [iid for iid, _ in table.items()] == want
    assert [iid for iid, _ in table.id_rows()] == want
    assert len(table) == len(want) and all(iid in table for iid in want)
    rows = table.rows(table.ids())
    assert [table._ids[r] for r in rows.tolist()] == want  # rows in corpus order, the fast path included
    assert [e.id for e in table.values()] == want


def test_removals_inserts_and_additions_keep_the_order(events):
    table = EventTable()
    table.extend(events)
    want = [e.id for e in events]
    _check(table, want)
    handed_out = table.ids()
    snapshot = list(handed_out)

    rng = random.Random(3)
    removed = []
    for _ in range(12):  # more than a few removals: the order is compacted in one pass
        iid = rng.choice(want)
        pos = want.index(iid)
        table.remove(iid)
        want.remove(iid)
        removed.append((pos, iid))
    _check(table, want)
    for pos, iid in reversed(removed):  # undone in reverse: back where they were
        item = next(e for e in events if e.id == iid)
        table.insert(item, pos)
        want.insert(pos, iid)
        _check(table, want)
    assert want == snapshot and handed_out == snapshot  # the list handed out before never changed

    first = events[0]
    table.remove(first.id)  # one removal, then the same id back at the end
    table.put(first)
    want = [*want[1:], first.id]
    _check(table, want)
    table.insert(events[1].model_copy(update={"title": "Moved"}), 0)  # an item already there, moved
    want.remove(events[1].id)
    want.insert(0, events[1].id)
    _check(table, want)
    assert table.get(events[1].id).title == "Moved"


def test_the_order_follows_random_changes_as_a_dict_would(events):
    rng = random.Random(11)
    table = EventTable()
    table.extend(events)
    model = {e.id: e for e in events}  # a dict in corpus order: what the table must agree with
    pool = list(events)
    for step in range(300):
        action = rng.random()
        if action < 0.35 and model:
            iid = rng.choice(list(model))
            table.remove(iid)
            del model[iid]
        elif action < 0.7:
            item = rng.choice(pool)
            if item.id in model:
                continue
            pos = rng.randrange(len(model) + 1)
            table.insert(item, pos)
            items = list(model.items())
            items.insert(pos, (item.id, item))
            model = dict(items)
        elif action < 0.85:
            item = rng.choice(pool)
            table.put(item)
            model[item.id] = item  # (an item there stays in its place)
        else:
            ids = table.ids()
            assert ids == list(model)
        if step % 50 == 0:
            _check(table, list(model))
    _check(table, list(model))
    assert np.array_equal(table.rows(list(model)), table.rows(table.ids()))


def test_an_item_moved_to_the_end_leaves_the_rows_in_order(events):
    table = EventTable()
    table.extend(events)
    first = events[0]
    table.insert(first.model_copy(update={"title": "Last"}), len(events))  # moved from the start to the end
    want = [e.id for e in events[1:]] + [first.id]
    _check(table, want)
    table.remove(events[1].id)  # and the order is compacted right afterwards
    want.remove(events[1].id)
    _check(table, want)
