"""Edits as commands on a workspace: each command and its undo, refusals that change nothing, groups, ids,
the index following edits, and the selection dropping removed items. Qt-free."""

from __future__ import annotations

import copy

import pytest

from conftest import DATA, MINI_TEXT, write_mini_corpus
from explorer.core import EditError, load_corpus
from explorer.core.commands import (AddDocument, AddEvidence, AddItem, AddPassage, DeleteItem, EditInfo,
                                    EditItem, MergeItems, RemoveEvidence, SetNodePositions, new_id, slug)
from explorer.core.index import CorpusIndex
from explorer.core.workspace import Workspace


@pytest.fixture()
def ws(tmp_path):
    return Workspace(load_corpus(write_mini_corpus(tmp_path / "mini")))


def index_signature(index: CorpusIndex) -> dict:
    """Everything the index answers, in comparable form."""
    ids = sorted(index.items)
    return {
        "events": [e.id for e in index.events],
        "starts": index.ev_start.tolist(), "ends": index.ev_end.tolist(),
        "event_pos": dict(index.event_pos),
        "linked": {i: index.linked(i) for i in ids},
        "linked_events": {i: index.linked_events(i) for i in ids},
        "passages_of": {i: sorted(index.passages_of(i)) for i in ids},
        "items_of_passage": {p: sorted(index.items_of_passage(p)) for p in sorted(index.passages)},
        "doc_passages": {d.id: [p.id for p in index.document_passages(d.id)] for d in index.corpus.documents},
        "kinds": {i: index.kind_of(i) for i in ids},
        "search": [(h.kind, h.item_id) for q in ("bridge", "trade", "li wei", "new", "zz") for h in index.search(q)],
    }


def assert_index_current(ws: Workspace) -> None:
    """The patched index answers exactly as one built afresh on the edited corpus."""
    fresh = CorpusIndex(ws.corpus)
    got, want = index_signature(ws.index), index_signature(fresh)
    for key in want:
        if key == "search":  # edited items are found after the others: compare as sets
            assert sorted(got[key]) == sorted(want[key]), key
        else:
            assert got[key] == want[key], key


def test_add_event_then_undo_and_redo(ws):
    before = ws.corpus.snapshot()
    ws.index.search("bridge")  # the search fields exist, so the edit has to patch them
    cmd = AddItem("event", title="Bridge closed for repairs", start="2021-03", passages=["p-opened"],
                  actors=["ent-bridge"])
    outcome = ws.do(cmd)
    assert cmd.new_id == "ev-bridge-closed-for-repairs"
    assert list(outcome.change.added) == [cmd.new_id]
    assert ws.corpus.get(cmd.new_id).title == "Bridge closed for repairs"
    assert cmd.new_id in ws.index.linked("ent-bridge")
    assert cmd.new_id in [h.item_id for h in ws.index.search("repairs")]
    assert_index_current(ws)
    ws.undo()
    assert ws.corpus.snapshot() == before
    assert ws.corpus.get(cmd.new_id) is None
    assert [h.item_id for h in ws.index.search("repairs")] == []
    assert_index_current(ws)
    ws.redo()
    assert ws.corpus.get(cmd.new_id) is not None
    assert_index_current(ws)


def test_edit_moves_an_event_in_timeline_order(ws):
    order = [e.id for e in ws.index.events]
    assert order == ["ev-proposed", "ev-opened", "ev-trade"]
    ws.do(EditItem("ev-proposed", start="2022"))
    assert [e.id for e in ws.index.events] == ["ev-opened", "ev-trade", "ev-proposed"]
    assert_index_current(ws)
    ws.undo()
    assert [e.id for e in ws.index.events] == order
    assert_index_current(ws)


@pytest.mark.parametrize("command, message", [
    (AddItem("event", title="No date", passages=["p-opened"]), "start: Required field is missing"),
    (AddItem("event", title="Bad date", start="2021-02-30", passages=["p-opened"]), "February 2021 has no day 30"),
    (AddItem("event", title="Backwards", start="2021", end="2019", passages=["p-opened"]),
     "ends (2019) before it starts (2021)"),
    (AddItem("event", title="Ghost", start="2021", passages=["p-nowhere"]), "unknown passage 'p-nowhere'"),
    (AddItem("event", title="Wrong kind", start="2021", passages=["p-opened"], themes=["ent-bridge"]),
     "ent-bridge is an entity, not a theme"),
    (AddItem("event", title="Wrong kind", start="2021", passages=["p-opened"], actors=["theme-infra"]),
     "theme-infra is a theme, not an entity or expert"),
    (AddItem("relationship", source="ent-bridge", target="ev-opened", kind="x", passages=["p-opened"]),
     "ev-opened is an event, not an entity or expert"),
    (AddItem("event", id="ex-liwei", title="Clash", start="2021", passages=["p-opened"]),
     "the id ex-liwei is already used by an expert"),
    (AddPassage("doc-a", quote="not in the text"), "the quote is not in Doc A"),
    (AddPassage("doc-a", quote="in "), "occurs 3 times in Doc A"),
    (AddPassage("doc-a", start=5, end=4000), "is not a range of Doc A"),
    (EditItem("ev-opened", colour="red"), "an event has no field colour"),
    (EditItem("ev-opened", id="ev-new"), "an id cannot be changed"),
    (EditItem("nope", title="x"), "there is no item nope"),
    (EditItem("p-opened", start=0), "is not the text of Doc A"),
    (EditInfo(time_range=["2020", "1990"]), "ends before it starts; write the earlier date first"),
    (DeleteItem("ent-bridge"), "ent-bridge cannot be deleted: 3 item(s) refer to it (ev-opened, ev-proposed, rel-builds)"),
    (AddEvidence("ev-opened", "ent-bridge"), "ent-bridge is an entity, not a passage"),
    (RemoveEvidence("ev-opened", "p-trade"), "p-trade is not evidence for ev-opened"),
    (MergeItems("ent-bridge", "ex-liwei"), "only items of the same kind merge"),
    (MergeItems("ent-bridge", "ent-bridge"), "cannot be merged with itself"),
])
def test_a_refused_command_changes_nothing_and_says_why(ws, command, message):
    before = ws.corpus.snapshot()
    revision = ws.corpus.revision
    with pytest.raises(EditError) as err:
        ws.do(command)
    assert message in str(err.value)
    assert ws.corpus.snapshot() == before
    assert ws.corpus.revision == revision
    assert not ws.stack.can_undo()


def test_new_ids_are_readable_and_unique(ws):
    assert slug("Li Keqiang hails the bridge’s opening!") == "li-keqiang-hails-the-bridges-opening"
    assert slug("李伟") == ""
    assert new_id(ws.corpus, "expert", "李伟") == "ex-expert"
    assert new_id(ws.corpus, "event", "Bridge opened") == "ev-bridge-opened"
    ws.do(AddItem("event", title="Bridge opened", start="2020", passages=["p-opened"]))
    ws.do(AddItem("event", title="Bridge opened", start="2020", passages=["p-opened"]))
    assert {"ev-bridge-opened", "ev-bridge-opened-2"} <= set(ws.corpus.by_id)


def test_add_document_and_a_passage_from_a_selection(ws):
    text = "A new report. The port opened in May 2022, ahead of plan.\n"
    ws.do(AddDocument(title="Port report", text=text, author="Someone"))
    doc = ws.corpus.get("doc-port-report")
    assert doc.file == "documents/port-report.txt" and doc.text == text
    start = text.index("The port")
    cmd = AddPassage("doc-port-report", start=start, end=start + len("The port opened in May 2022"))
    ws.do(cmd)
    p = ws.corpus.get(cmd.new_id)
    assert p.quote == "The port opened in May 2022" and p.prefix == "A new report. "
    ws.do(AddItem("event", title="Port opened", start="2022-05", passages=[p.id]))
    assert "doc-port-report" in ws.index.linked("ev-port-opened")
    assert [x.id for x in ws.index.document_passages("doc-port-report")] == [p.id]
    assert_index_current(ws)
    assert "documents.json" in ws.dirty_files and "documents/port-report.txt" in ws.dirty_files


def test_delete_with_references_removes_them_in_one_step(ws):
    before = ws.corpus.snapshot()
    ws.select("ent-bridge")
    ws.do(DeleteItem("ent-bridge", cascade=True))
    assert ws.corpus.get("ent-bridge") is None
    assert ws.corpus.get("rel-builds") is None  # a relationship that lost an end goes with it
    assert ws.corpus.get("ev-opened").actors == []
    assert ws.selection is None
    assert_index_current(ws)
    ws.undo()
    assert ws.corpus.snapshot() == before
    assert_index_current(ws)


def test_an_item_without_evidence_is_accepted_as_unsupported_and_reported_on_load(ws, tmp_path):
    assert ws.corpus.unsupported_ids() == []
    cmd = AddItem("event", title="No evidence yet", start="2021")
    ws.do(cmd)
    assert ws.corpus.unsupported_ids() == [cmd.new_id] and ws.corpus.is_unsupported(cmd.new_id)
    ws.do(AddItem("entity", name="Nobody cites me"))
    ws.do(RemoveEvidence("ev-opened", "p-opened"))  # its only passage
    assert ws.corpus.unsupported_ids() == ["ent-nobody-cites-me", "ev-opened", cmd.new_id]
    ws.do(AddEvidence("ev-opened", "p-opened"))
    assert "ev-opened" not in ws.corpus.unsupported_ids() and not ws.corpus.is_unsupported("ev-opened")
    assert not ws.corpus.is_unsupported("p-opened") and not ws.corpus.is_unsupported("nope")
    ws.save(target=tmp_path / "saved")
    again = load_corpus(tmp_path / "saved")
    assert again.get(cmd.new_id).title == "No evidence yet"  # kept, and reported
    assert sorted(str(p) for p in again.problems) == [
        f"entities.json: [{len(again.entities) - 1}].passages: ent-nobody-cites-me has no passage as evidence",
        f"events.json: [{len(again.events) - 1}].passages: {cmd.new_id} has no passage as evidence"]
    assert again.unsupported_ids() == ["ent-nobody-cites-me", cmd.new_id]


def test_deleting_a_document_takes_its_passages_only_when_nothing_else_needs_them(ws):
    ws.do(DeleteItem("doc-a", cascade=True))  # every item's only evidence was in doc-a: now unsupported
    assert ws.corpus.get("doc-a") is None and not ws.corpus.passages
    assert set(ws.corpus.unsupported_ids()) == {i.id for k in ("event", "expert", "entity", "relationship", "theme")
                                               for i in ws.corpus.items_of(k)}
    ws.undo()
    assert ws.corpus.unsupported_ids() == []
    ws.do(AddDocument(title="Other", text="Nothing here.\n"))
    ws.do(AddPassage("doc-other", quote="Nothing here."))
    ws.do(DeleteItem("doc-other", cascade=True))
    assert ws.corpus.get("p-nothing-here") is None and ws.corpus.get("doc-other") is None
    assert_index_current(ws)


def test_evidence_added_and_removed(ws):
    ws.do(AddEvidence("ev-opened", "p-trade"))
    assert ws.corpus.get("ev-opened").passages == ["p-opened", "p-trade"]
    assert "ev-opened" in ws.index.items_of_passage("p-trade")
    ws.do(RemoveEvidence("ev-opened", "p-opened"))
    assert ws.corpus.get("ev-opened").passages == ["p-trade"]
    ws.do(AddEvidence("ex-liwei", "p-trade", position=0))
    assert ws.corpus.get("ex-liwei").positions[0].passages == ["p-liwei", "p-trade"]
    assert_index_current(ws)
    for _ in range(3):
        ws.undo()
    assert ws.corpus.get("ev-opened").passages == ["p-opened"]
    assert ws.corpus.get("ex-liwei").positions[0].passages == ["p-liwei"]


def test_merge_rewrites_every_reference_to_the_survivor(ws):
    ws.do(AddItem("entity", name="PRC", kind="country", passages=["p-trade"]))
    ws.do(EditItem("ev-trade", actors=["ent-prc"]))
    ws.do(AddItem("relationship", source="ent-prc", target="ent-bridge", kind="funds", passages=["p-trade"]))
    ws.do(AddItem("relationship", source="ent-prc", target="ent-china", kind="is", passages=["p-trade"]))
    before = ws.corpus.snapshot()
    ws.do(MergeItems("ent-china", "ent-prc"))
    assert ws.corpus.get("ent-prc") is None
    china = ws.corpus.get("ent-china")
    assert china.aliases == ["PRC"]
    assert ws.corpus.get("ev-trade").actors == ["ent-china"]
    assert ws.corpus.get("rel-funds").source == "ent-china"
    assert ws.corpus.get("rel-is") is None  # it would link China to itself
    assert not ws.corpus.referrers("ent-prc")
    assert_index_current(ws)
    ws.undo()
    assert ws.corpus.snapshot() == before


def test_edit_info_and_a_group_is_one_undo_step(ws):
    before = ws.corpus.snapshot()
    with ws.group("Tidy up"):
        ws.do(EditInfo(title="Renamed"))
        ws.do(EditItem("ev-opened", title="Bridge opened to traffic"))
        ws.do(AddItem("theme", name="Trade", passages=["p-trade"]))
    assert ws.stack.undo_label() == "Tidy up"
    assert len(ws.stack.entries) == 1
    ws.undo()
    assert ws.corpus.snapshot() == before
    ws.redo()
    assert ws.corpus.info.title == "Renamed" and ws.corpus.get("theme-trade") is not None


def test_a_failing_group_leaves_nothing_applied(ws):
    before = ws.corpus.snapshot()
    with pytest.raises(EditError):
        with ws.group("Half"):
            ws.do(EditItem("ev-opened", title="Changed"))
            ws.do(EditItem("ev-opened", start="not a date"))
    assert ws.corpus.snapshot() == before
    assert not ws.stack.can_undo()
    assert_index_current(ws)


def test_selection_and_history_drop_removed_items(ws):
    for item in ("ev-proposed", "ev-opened", "ev-proposed", "ex-liwei"):
        ws.select(item)
    ws.do(AddItem("event", title="Temporary", start="2020", passages=["p-opened"]))
    ws.select("ev-temporary")
    ws.select("ev-trade")
    ws.back()
    assert ws.selection == "ev-temporary"
    ws.do(DeleteItem("ev-temporary"))
    assert ws.selection is None
    assert "ev-temporary" not in ws.back_stack + ws.forward_stack
    assert ws.forward_stack == ["ev-trade"]


def test_node_positions_are_undoable_and_do_not_modify_the_corpus(ws):
    ws.do(SetNodePositions({"ent-bridge": (1.0, 2.0)}))
    assert ws.node_positions == {"ent-bridge": (1.0, 2.0)}
    assert not ws.modified
    ws.do(SetNodePositions({"ent-bridge": (3.0, 4.0)}))
    ws.undo()
    assert ws.node_positions == {"ent-bridge": (1.0, 2.0)}
    ws.undo()
    assert ws.node_positions == {}
    ws.redo()
    assert ws.node_positions == {"ent-bridge": (1.0, 2.0)}


def test_modified_follows_the_clean_mark(ws):
    assert not ws.modified
    ws.do(EditItem("ev-opened", title="X"))
    assert ws.modified
    ws.undo()
    assert not ws.modified
    ws.redo()
    assert ws.modified


def test_listeners_hear_each_change_once(ws):
    heard = []
    ws.subscribe(lambda outcome: heard.append(sorted(outcome.change.ids())))
    with ws.group("Two"):
        ws.do(EditItem("ev-opened", title="A"))
        ws.do(EditItem("ev-trade", title="B"))
    ws.undo()
    assert heard == [["ev-opened"], ["ev-trade"], ["ev-opened", "ev-trade"]]


def test_editing_the_default_corpus_keeps_the_index_current(tmp_path):
    import shutil

    shutil.copytree(DATA, tmp_path / "c")
    ws = Workspace(load_corpus(tmp_path / "c"))
    ev = ws.corpus.events[0]
    ws.do(EditItem(ev.id, start="2003-07-15", title=ev.title + " (re-dated)"))
    ent = ws.corpus.entities[0]
    ws.do(DeleteItem(ent.id, cascade=True))
    assert_index_current(ws)
    ws.undo()
    ws.undo()
    assert_index_current(ws)


def test_mini_text_is_what_the_fixture_wrote():
    assert "Trade grew in 2021." in MINI_TEXT and copy.copy(MINI_TEXT) == MINI_TEXT


def test_a_large_change_rebuilds_the_index_and_a_large_removal_is_checked_at_once(ws, monkeypatch):
    """An import (thousands of items in one step) and its undo: the index is rebuilt instead of patched item
    by item, and refusing a removal still names the items of the batch that refer to what goes."""
    monkeypatch.setattr(CorpusIndex, "REBUILD_ABOVE", 3)
    before = ws.corpus.snapshot()
    with ws.group("Import"):
        for k in range(6):
            ws.do(AddItem("event", title=f"Imported {k}", start=f"20{10 + k}", passages=["p-trade"],
                          actors=["ent-china"]))
    assert len([e for e in ws.corpus.events if e.title.startswith("Imported")]) == 6
    assert_index_current(ws)
    assert "ev-imported-3" in ws.index.linked("ent-china")
    imported = ws.corpus.snapshot()
    ws.undo()
    assert ws.corpus.snapshot() == before
    assert_index_current(ws)
    ws.redo()  # every event back in its place (the removals' places were found in one pass)
    assert ws.corpus.snapshot() == imported
    assert_index_current(ws)
    with ws.group("Delete several"):  # removals in one batch, undone to their places
        for eid in ("ev-imported-1", "ev-proposed", "ev-imported-4", "ev-imported-2"):
            ws.do(DeleteItem(eid))
    ws.undo()
    assert ws.corpus.snapshot() == imported
    # a batch that adds an item naming ent-bridge and removes ent-bridge is refused, naming the new item
    from explorer.core.corpus import Put, Remove
    from explorer.core.model import Event
    from explorer.core.model.dates import PartialDate

    new = Event(id="ev-new", title="New", start=PartialDate(2020), actors=["ent-bridge"], passages=["p-trade"])
    ops = [Put(new)] + [Remove(i) for i in ("ev-proposed", "ev-opened", "rel-builds", "ent-bridge")]
    with pytest.raises(EditError, match=r"ent-bridge cannot be deleted: 1 item\(s\) refer to it \(ev-new\)"):
        ws.corpus.apply(ops)


def test_who_refers_to_whom_follows_edits_as_a_fresh_build_has_it(ws):
    """The referrers map is built grouped (tuples where one item refers) and then kept up to date by each
    edit: after adds, re-dates, evidence changes, deletes and their undo it equals a map built afresh."""
    corpus = ws.corpus
    corpus._refs_map()  # built now, so that the edits below must patch it
    ev = corpus.events[0]
    ws.do(AddItem("event", title="Another opening", start="2021-04", passages=list(ev.passages),
                  actors=list(ev.actors)))
    ws.do(EditItem(ev.id, start="2003"))
    pid = corpus.passages[-1].id
    ws.do(AddEvidence(ev.id, pid))
    ws.do(RemoveEvidence(ev.id, pid))
    ws.undo()
    kept = {k: set(v) for k, v in corpus._refs_map().items()}
    corpus._referrers = None
    fresh = {k: set(v) for k, v in corpus._refs_map().items()}
    assert kept == fresh and any(len(v) > 1 for v in fresh.values())


@pytest.mark.parametrize("bulk_above", [3, 10**9])
def test_a_large_batch_adds_to_the_tables_in_bulk_as_one_by_one(ws, monkeypatch, bulk_above):
    """A batch of more than BULK_ABOVE operations appends its new events and passages to their tables in bulk
    (and lets the referrers map be made again): the corpus, its undo and redo, the map and the index are
    those of the same batch applied one operation at a time."""
    import explorer.core.corpus as corpus_module
    from explorer.core.corpus import Put, Remove
    from explorer.core.model import Event, Passage
    from explorer.core.model.dates import PartialDate

    monkeypatch.setattr(corpus_module, "BULK_ABOVE", bulk_above)
    monkeypatch.setattr(CorpusIndex, "REBUILD_ABOVE", 3)
    corpus = ws.corpus
    corpus._refs_map()
    doc = corpus.documents[0]
    before = corpus.snapshot()
    ops = []
    for k in range(8):
        p = Passage(id=f"p-bulk-{k}", document=doc.id, start=0, end=5, quote=doc.text[0:5])
        ops.append(Put(p))
        ops.append(Put(Event(id=f"ev-bulk-{k}", title=f"Bulk {k}", start=PartialDate(2000 + k),
                             passages=[p.id], actors=["ent-china"])))
    ops.insert(5, Remove("ev-proposed"))  # a removal in the middle: what was buffered goes in first
    ops.append(Put(corpus.get("ev-opened").model_copy(update={"title": "Opened again"})))
    cs = corpus.apply(ops)
    ws.index.apply_change(cs)
    assert [e.id for e in corpus.events][-8:] == [f"ev-bulk-{k}" for k in range(8)]
    assert corpus.get("ev-bulk-3").passages == ["p-bulk-3"] and corpus.get("ev-opened").title == "Opened again"
    assert corpus.get("p-bulk-7").quote == doc.text[0:5] and "ev-proposed" not in corpus.event_table
    assert_index_current(ws)
    kept = {k: set(v) for k, v in corpus._refs_map().items()}
    corpus._referrers = None
    assert kept == {k: set(v) for k, v in corpus._refs_map().items()}
    edited = corpus.snapshot()
    undo = corpus.apply(cs.inverse)
    ws.index.apply_change(undo)
    assert corpus.snapshot() == before
    assert_index_current(ws)
    ws.index.apply_change(corpus.apply(undo.inverse))
    assert corpus.snapshot() == edited
    assert_index_current(ws)
