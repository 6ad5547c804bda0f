"""Queries about a selection without Qt (explorer.core.index.queries): what the inspector lists for an item
and in which groups, the caps on long lists, relationships of an item, the passages the documents view
highlights and underlines. On the mini corpus (exact answers) and on the default corpus (properties).
Only explorer.core is imported."""

from __future__ import annotations

import pytest

from explorer.core import Corpus, Entity, Event, Expert, PartialDate, Relationship, load_corpus
from explorer.core.index import CorpusIndex
from explorer.core.index.queries import (
    GROUP_KINDS,
    MAX_ENTRIES,
    MAX_PASSAGES,
    LinkGroup,
    clickable_passages,
    document_to_show,
    evidence_passages,
    expert_positions,
    label_of,
    link_groups,
    linked_groups,
    relationship_label,
)


@pytest.fixture()
def mini(mini_corpus):
    return CorpusIndex(load_corpus(mini_corpus))


@pytest.fixture(scope="module")
def default_index(corpus):
    return CorpusIndex(corpus)


def non_empty(groups: dict) -> dict:
    return {k: v for k, v in groups.items() if v}


# =========================================================================================================
# the mini corpus: exact answers
# =========================================================================================================
def test_an_actor_lists_its_events_relationships_other_ends_documents_and_passages(mini):
    assert non_empty(linked_groups(mini, "ent-bridge")) == {
        "entity": ["ent-china"],  # the other end of its relationship
        "event": ["ev-proposed", "ev-opened"],  # in timeline order
        "relationship": ["rel-builds"],
        "document": ["doc-a"],
        "passage": ["p-proposed"],
    }


def test_an_event_never_lists_itself(mini):
    groups = linked_groups(mini, "ev-proposed")
    assert groups["event"] == []
    assert non_empty(groups) == {"entity": ["ent-bridge"], "theme": ["theme-infra"], "document": ["doc-a"],
                                 "passage": ["p-proposed"]}


def test_an_event_lists_the_relationships_between_its_actors():
    people = [Entity(id=f"en-{k}", name=k.upper(), kind="person") for k in "abc"]
    rels = [Relationship(id="rel-ab", source="en-a", target="en-b", kind="meets"),
            Relationship(id="rel-ac", source="en-a", target="en-c", kind="meets"),
            Relationship(id="rel-xb", source="ex-x", target="en-b", kind="advises")]
    events = [Event(id="ev", title="Meeting", start=PartialDate(2001), actors=["en-a", "en-b"], experts=["ex-x"])]
    corpus = Corpus(entities=people, relationships=rels, events=events,
                    experts=[Expert(id="ex-x", name="X")])
    index = CorpusIndex(corpus)
    assert linked_groups(index, "ev")["relationship"] == ["rel-ab", "rel-xb"]  # in corpus order
    # an actor: its relationships, and their other ends among the actors and experts
    groups = linked_groups(index, "en-b")
    assert sorted(groups["relationship"]) == ["rel-ab", "rel-xb"]
    assert groups["entity"] == ["en-a"] and groups["expert"] == ["ex-x"]
    assert relationship_label(index, "rel-xb") == "X advises B"


def test_a_relationship_lists_its_ends_and_the_events_that_share_its_evidence(mini):
    assert non_empty(linked_groups(mini, "rel-builds")) == {
        "entity": ["ent-china", "ent-bridge"], "event": ["ev-proposed"], "document": ["doc-a"],
        "passage": ["p-proposed"]}
    assert relationship_label(mini, "rel-builds") == "China builds The bridge"


def test_a_passage_lists_what_it_is_evidence_for_by_kind(mini):
    assert linked_groups(mini, "p-proposed") == {"theme": ["theme-infra"], "entity": ["ent-bridge"],
                                                 "event": ["ev-proposed"], "relationship": ["rel-builds"]}
    assert [g.kind for g in link_groups(mini, "p-proposed")] == ["entity", "theme", "event", "relationship"]


def test_a_document_lists_its_passages_in_text_order(mini):
    groups = linked_groups(mini, "doc-a")
    assert groups["passage"] == ["p-proposed", "p-opened", "p-liwei", "p-trade"]
    assert groups["event"] == ["ev-proposed", "ev-opened", "ev-trade"]


def test_link_groups_are_ordered_and_capped(mini):
    groups = link_groups(mini, "doc-a")
    assert [g.kind for g in groups] == ["entity", "expert", "theme", "event", "relationship", "passage"]
    assert groups[3] == LinkGroup("event", ("ev-proposed", "ev-opened", "ev-trade"), 3)
    capped = link_groups(mini, "doc-a", max_entries=2, max_passages=1)
    assert capped[3] == LinkGroup("event", ("ev-proposed", "ev-opened"), 3) and capped[3].more == 1
    assert capped[-1].ids == ("p-proposed",) and capped[-1].total == 4 and capped[-1].more == 3
    assert all(g.more == 0 for g in groups)


def test_expert_positions_and_labels(mini):
    assert expert_positions(mini, "ex-liwei") == [("Trade will grow", ["p-liwei"])]
    assert label_of(mini, "ent-china") == "China"
    assert label_of(mini, "no-such-id") == "no-such-id"


def test_passages_for_the_documents_view(mini):
    assert [p.id for p in evidence_passages(mini, "ent-bridge", ["doc-a"])] == ["p-proposed"]
    assert evidence_passages(mini, "ent-bridge", []) == []  # not in a shown document
    assert evidence_passages(mini, None, ["doc-a"]) == []
    assert [p.id for p in evidence_passages(mini, "p-liwei", ["doc-a"])] == ["p-liwei"]  # its own evidence
    assert [p.id for p in clickable_passages(mini, "doc-a", lambda i: True)] == [
        "p-proposed", "p-opened", "p-liwei", "p-trade"]
    assert [p.id for p in clickable_passages(mini, "doc-a", lambda i: i == "ex-liwei")] == ["p-liwei"]
    assert clickable_passages(mini, "doc-a", lambda i: False) == []


# =========================================================================================================
# the default corpus: properties
# =========================================================================================================
def test_every_item_lists_only_known_items_of_the_group_kind_never_itself(default_index):
    index = default_index
    for item_id in index.items:
        groups = link_groups(index, item_id)
        kinds = [g.kind for g in groups]
        assert kinds == [k for k in (*GROUP_KINDS, "passage") if k in kinds]
        for g in groups:
            assert g.ids and len(g.ids) <= (MAX_PASSAGES if g.kind == "passage" else MAX_ENTRIES)
            assert g.total >= len(g.ids) and len(set(g.ids)) == len(g.ids)
            assert item_id not in g.ids
            for other in g.ids:
                assert index.kind_of(other) == g.kind
        if index.kind_of(item_id) == "passage":
            listed = {i for g in groups for i in g.ids}
            assert listed == set(index.items_of_passage(item_id))


def test_events_are_listed_in_timeline_order_and_include_the_linked_events(default_index):
    index = default_index
    pos = index.event_pos
    for item_id in index.items:
        if index.kind_of(item_id) in ("passage", "event"):
            continue
        events = linked_groups(index, item_id)["event"]
        assert events == sorted(events, key=pos.__getitem__)
        assert events == index.linked_events(item_id)


def test_relationships_of_an_event_join_two_of_its_actors(default_index, corpus):
    index = default_index
    found = 0
    for ev in corpus.events:
        ends = set(ev.actors) | set(ev.experts)
        rels = linked_groups(index, ev.id)["relationship"]
        for rel_id in rels:
            rel = index.items[rel_id]
            assert {rel.source, rel.target} <= ends
        found += len(rels)
    assert found  # the default corpus has some


def test_the_evidence_of_an_item_in_document_then_text_order(default_index, corpus):
    index = default_index
    doc_ids = [d.id for d in corpus.documents]
    for item_id in list(index.items)[::3]:
        if index.kind_of(item_id) == "document":
            continue
        found = evidence_passages(index, item_id, doc_ids)
        keys = [(doc_ids.index(p.document), p.start, p.end) for p in found]
        assert keys == sorted(keys)
        assert {p.id for p in found} == {p for p in index.passages_of(item_id) if p in index.passages}
        shown = document_to_show(found, doc_ids, None)
        if found:
            counts = {d: sum(p.document == d for p in found) for d in doc_ids}
            assert counts[shown] == max(counts.values())
            assert document_to_show(found, doc_ids, found[-1].document) is None  # stay where one of them is
        else:
            assert shown is None


def test_clickable_passages_follow_the_visibility(default_index, corpus):
    index = default_index
    for doc in corpus.documents:
        every = clickable_passages(index, doc.id, lambda i: True)
        assert [p.id for p in every] == [p.id for p in index.document_passages(doc.id) if index.items_of_passage(p.id)]
        events_only = clickable_passages(index, doc.id, lambda i: index.kind_of(i) == "event")
        assert {p.id for p in events_only} <= {p.id for p in every}


def test_an_events_relationships_and_a_documents_passages_come_from_the_index(corpus):
    """linked_groups finds an event's relationships from its ends' links and a document's passages by id
    (no passage built): the same lists as reading every relationship and building every passage."""
    from explorer.core.index import CorpusIndex
    from explorer.core.index.queries import linked_groups

    index = CorpusIndex(corpus)
    some = 0
    for ev in corpus.events:
        ends = set(ev.actors) | set(ev.experts)
        want = [r.id for r in corpus.relationships if {r.source, r.target} <= ends]
        assert linked_groups(index, ev.id)["relationship"] == want
        some += bool(want)
    assert some  # the default corpus has events between related actors
    for doc in corpus.documents:
        assert linked_groups(index, doc.id)["passage"] == [p.id for p in index.document_passages(doc.id)]


def test_clickable_spans_are_the_spans_of_the_clickable_passages(corpus):
    from explorer.core.index import CorpusIndex
    from explorer.core.index.queries import clickable_passages, clickable_spans

    index = CorpusIndex(corpus)
    for doc in corpus.documents:
        for visible in (lambda i: True, lambda i: index.kind_of(i) == "event", lambda i: False):
            assert clickable_spans(index, doc.id, visible) == \
                [(p.start, p.end) for p in clickable_passages(index, doc.id, visible)]
