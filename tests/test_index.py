from explorer.core.index import CorpusIndex, fold


def test_fold_is_case_and_accent_insensitive_and_keeps_length():
    assert fold("Melée ÉTÉ") == "melee ete"
    assert len(fold("Straße 邢广程")) == len("Straße 邢广程")
    assert fold("邢广程") == "邢广程"


def test_passages_and_items_are_linked_both_ways(corpus):
    index = CorpusIndex(corpus)
    ev = corpus.get("ev-east-route-pipeline-launch")
    assert index.passages_of(ev.id) == list(ev.passages)
    for pid in ev.passages:
        assert ev.id in index.items_of_passage(pid)
        p = index.passages[pid]
        assert ev.id in index.items_at(p.document, (p.start + p.end) // 2)
    assert index.items_at("doc-pan-pandemic", 0) == [] or all(index.kind_of(i) for i in index.items_at("doc-pan-pandemic", 0))


def test_expert_positions_count_as_evidence(corpus):
    index = CorpusIndex(corpus)
    ex = corpus.get("ex-xing-guangcheng")
    pos_pids = {p for pos in ex.positions for p in pos.passages}
    assert pos_pids <= set(index.passages_of(ex.id))


def test_events_sorted_and_range_query(corpus):
    index = CorpusIndex(corpus)
    assert list(index.ev_start) == sorted(index.ev_start)
    from explorer.core import PartialDate

    hits = {index.events[i].id for i in index.events_in(PartialDate(2019, 12).start_seconds,
                                                       PartialDate(2019, 12).end_seconds)}
    assert "ev-east-route-pipeline-launch" in hits and "ev-unsc-draft-resolution" in hits
    assert "ev-heilongjiang-bridge-proposed" not in hits
    assert "ev-liu-hui-ambassadorship" in hits


def test_linked_events_of_an_expert(corpus):
    index = CorpusIndex(corpus)
    linked = set(index.linked_events("ex-xing-guangcheng"))
    assert "ev-xing-joins-border-institute" in linked
    assert "ev-east-route-pipeline-launch" in linked  # he comments on it


def test_search_finds_text_names_and_chinese(corpus):
    index = CorpusIndex(corpus)
    hits = index.search("power of siberia")
    assert any(h.kind == "document" and h.item_id == "doc-pan-pandemic" for h in hits)
    doc = corpus.get("doc-pan-pandemic")
    h = next(h for h in hits if h.kind == "document")
    assert doc.text[h.start:h.end].lower() == "power of siberia"
    assert any(h.item_id == "ex-xing-guangcheng" for h in index.search("邢广程"))
    assert any(h.kind == "document" for h in index.search("MELEE"))  # "melée" in the text
    assert index.search("   ") == []


def test_search_offsets_count_characters_after_wide_and_accented_ones(tmp_path):
    """Folded texts are kept as UTF-8 (half the memory): offsets of matches are still character offsets of
    the original text, after characters of 1 to 4 bytes and accents that fold to fewer bytes."""
    from conftest import write_corpus_folder
    from explorer.core import load_corpus
    from explorer.core.index import CorpusIndex

    text = "𝔘 ÉCOLE, Zürich 李伟 zurich; then ZÜRICH and école.\n"
    folder = write_corpus_folder(tmp_path / "wide", {"a.txt": text}, {
        "documents.json": [{"id": "doc-w", "title": "Wide", "file": "a.txt"}],
        "passages.json": [{"id": "p-w", "document": "doc-w", "quote": "Zürich 李伟"}],
        "entities.json": [{"id": "ent-z", "name": "Ünïcode 𝔘 Zürich Bureau", "kind": "organisation",
                           "passages": ["p-w"]},
                          {"id": "ent-e", "name": "L'École", "kind": "organisation", "passages": ["p-w"]}],
    })
    corpus = load_corpus(folder)
    assert not corpus.problems
    index = CorpusIndex(corpus)
    found = index.find_in_document("doc-w", "ZURICH")
    assert [text[s:e] for s, e in found] == ["Zürich", "zurich", "ZÜRICH"]
    assert [text[s:e] for s, e in index.find_in_document("doc-w", "ecole")] == ["ÉCOLE", "école"]
    assert index.find_in_document("doc-w", "𝔘 é") == [(0, 3)]
    hits = index.search("zurich")
    assert [(h.kind, h.item_id) for h in hits][:1] == [("entity", "ent-z")]
    assert "Zürich Bureau" in hits[0].context
    docs = [(h.start, h.end) for h in hits if h.kind == "document"]
    assert docs == found
    assert index.folded_text("doc-w") == "u ecole, zurich 李伟 zurich; then zurich and ecole.\n"
    assert [h.item_id for h in index.search("l'ecole")] == ["ent-e"]


def test_events_that_name_nothing_and_cite_no_passage_index(corpus):
    """An event's links are read from its row (they are not stored): events that name nothing and have no
    evidence give an index with no links for them (the grouping of back-links once failed on no pairs)."""
    from explorer.core.corpus import Corpus

    bare = [e.model_copy(update={"themes": [], "actors": [], "experts": [], "passages": []})
            for e in list(corpus.events)[:3]]
    small = Corpus(documents=list(corpus.documents), events=bare)
    index = CorpusIndex(small)
    assert [index.linked(e.id) for e in bare] == [[], [], []]
    assert sorted(index.ev_start) == list(index.ev_start) and len(index.ev_start) == 3
