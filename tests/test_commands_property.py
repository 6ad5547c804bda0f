"""Property-based: random sequences of valid and invalid commands, then undo everything and get the original
corpus back exactly, redo everything and get the edited one; the index always answers as a fresh one would;
saved and reloaded, the edited corpus is the same."""

from __future__ import annotations

import os
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_mini_corpus
from explorer.core import EditError, load_corpus
from explorer.core.commands import (AddDocument, AddEvidence, AddItem, AddPassage, DeleteItem, EditInfo,
                                    EditItem, MergeItems, RemoveEvidence, SetNodePositions)
from explorer.core.io.dump import corpus_to_dict
from explorer.core.workspace import Workspace
from test_commands import assert_index_current

WORDS = st.sampled_from(["bridge", "trade", "port", "Li Wei", "李伟", "Zürich", "", "  ", "x" * 300, "ev-opened"])
DATES = st.sampled_from(["1988", "2020-04", "2021-02-29", "2019-12-02", "2024-02-29", "1998-8-15", "", "9999",
                         None])
KINDS = ["event", "entity", "expert", "theme", "relationship"]


def _ids(ws: Workspace, kind: str | None = None) -> list[str]:
    return sorted(i.id for i in ws.corpus.all_items() if kind is None or i.item_kind == kind) or ["nothing"]


def draw_command(data, ws: Workspace):
    """One command, valid or not, drawn against the current corpus."""
    pick = lambda kind=None: data.draw(st.sampled_from(_ids(ws, kind)))  # noqa: E731
    passages = lambda: data.draw(st.lists(st.sampled_from(_ids(ws, "passage")), max_size=2))  # noqa: E731
    choice = data.draw(st.sampled_from(["add_event", "add_entity", "add_expert", "add_theme", "add_rel",
                                        "add_doc", "add_passage", "edit", "edit_date", "delete", "delete_cascade",
                                        "evidence", "unevidence", "merge", "info", "nodes"]))
    if choice == "add_event":
        return AddItem("event", title=data.draw(WORDS), start=data.draw(DATES), end=data.draw(DATES),
                       passages=passages(), actors=data.draw(st.lists(st.sampled_from(_ids(ws)), max_size=2)),
                       themes=data.draw(st.lists(st.sampled_from(_ids(ws, "theme")), max_size=1)))
    if choice == "add_entity":
        return AddItem("entity", name=data.draw(WORDS), kind=data.draw(st.sampled_from(["country", "place", "x"])),
                       passages=passages())
    if choice == "add_expert":
        return AddItem("expert", name=data.draw(WORDS), native_name=data.draw(WORDS) or None, passages=passages(),
                       organisation=data.draw(st.sampled_from([None, *_ids(ws, "entity")])))
    if choice == "add_theme":
        return AddItem("theme", name=data.draw(WORDS), color=data.draw(st.sampled_from([None, "#4fa36b", "red"])),
                       passages=passages())
    if choice == "add_rel":
        nodes = _ids(ws, "entity") + _ids(ws, "expert")
        return AddItem("relationship", source=data.draw(st.sampled_from(nodes)),
                       target=data.draw(st.sampled_from(nodes + ["ev-opened"])), kind=data.draw(WORDS) or "x",
                       passages=passages(), start=data.draw(DATES))
    if choice == "add_doc":
        return AddDocument(title=data.draw(WORDS), text=data.draw(st.sampled_from(
            ["One line.\n", "Trade grew in 2021. Trade grew again.\n", "😀 astral 𠀋 text\r\nsecond line\n"])))
    if choice == "add_passage":
        doc = pick("document")
        text = ws.corpus.get(doc).text if ws.corpus.get(doc) is not None else ""
        a = data.draw(st.integers(0, max(0, len(text))))
        b = data.draw(st.integers(0, len(text) + 2))
        if data.draw(st.booleans()):
            return AddPassage(doc, start=a, end=b)
        return AddPassage(doc, quote=text[a:b])
    if choice == "edit":
        target = pick()
        item = ws.corpus.get(target)
        name_field = "title" if item is not None and "title" in type(item).model_fields else "name"
        return EditItem(target, {name_field: data.draw(WORDS)})
    if choice == "edit_date":
        return EditItem(pick("event"), start=data.draw(DATES))
    if choice == "delete":
        return DeleteItem(pick())
    if choice == "delete_cascade":
        return DeleteItem(pick(), cascade=True)
    if choice == "evidence":
        return AddEvidence(pick(), pick("passage"))
    if choice == "unevidence":
        return RemoveEvidence(pick(), pick("passage"))
    if choice == "merge":
        kind = data.draw(st.sampled_from(KINDS))
        return MergeItems(pick(kind), pick(kind))
    if choice == "info":
        return EditInfo(title=data.draw(WORDS) or "T", time_range=data.draw(
            st.sampled_from([None, ["1990", "2020"], ["2020", "1990"], ["2000"]])))
    return SetNodePositions({pick(): data.draw(st.sampled_from([(0.0, 1.0), (2.5, -3.0), None]))})


#: more examples with EXPLORER_PROPERTY_EXAMPLES=600 (600 pass, 30 s)
EXAMPLES = int(os.environ.get("EXPLORER_PROPERTY_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
@given(data=st.data())
def test_random_commands_undo_and_redo_exactly(tmp_path_factory, data):
    folder = write_mini_corpus(tmp_path_factory.mktemp("prop") / "mini")
    ws = Workspace(load_corpus(folder))
    original = ws.corpus.snapshot()
    applied = 0
    for _ in range(data.draw(st.integers(1, 25))):
        command = draw_command(data, ws)
        before = ws.corpus.snapshot()
        steps = len(ws.stack.entries)
        try:
            ws.do(command)
        except EditError:
            assert ws.corpus.snapshot() == before  # refused: nothing changed
            assert len(ws.stack.entries) == steps
            continue
        applied = len(ws.stack.entries)
    assert_index_current(ws)
    edited = ws.corpus.snapshot()
    nodes = dict(ws.node_positions)
    while ws.stack.can_undo():
        ws.undo()
    assert ws.corpus.snapshot() == original
    assert ws.node_positions == {}
    assert_index_current(ws)
    while ws.stack.can_redo():
        ws.redo()
    assert ws.corpus.snapshot() == edited
    assert ws.node_positions == nodes
    assert len(ws.stack.entries) == applied
    assert_index_current(ws)
    _check_save_and_reload(ws, tmp_path_factory)


def _check_save_and_reload(ws: Workspace, tmp_path_factory) -> None:
    try:
        from explorer.core.io.save import save_corpus  # noqa: F401
    except ImportError:  # pragma: no cover - saving lands in its own commit
        return
    edited = corpus_to_dict(ws.corpus)
    ws.save()
    again = load_corpus(ws.corpus.root)
    unsupported = set(ws.corpus.unsupported_ids())  # kept, and each reported once
    assert sorted(str(p) for p in again.problems) == sorted(
        str(p) for p in again.problems if any(f"{i} has no passage as evidence" in str(p) for i in unsupported))
    assert len(again.problems) == len(unsupported), again.problems
    assert corpus_to_dict(again) == edited
    copy_to = tmp_path_factory.mktemp("saveas") / "copy"
    ws.save(copy_to)
    assert corpus_to_dict(load_corpus(copy_to)) == edited
    shutil.rmtree(copy_to)
