"""The default corpus: every quote verbatim at its offsets, every item backed by evidence, the sources
kept as given, and the known inconsistencies of the texts flagged rather than smoothed over."""

import hashlib
import json

import pytest

from conftest import DATA, ROOT

SEEDS = ROOT.parent / "shared" / "seeds"


def _json(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_default_corpus_loads_without_problems(corpus):
    assert [str(p) for p in corpus.problems] == []
    counts = corpus.counts()
    assert counts["documents"] == 2
    assert counts["events"] >= 25 and counts["experts"] >= 9 and counts["relationships"] >= 20


def test_every_quote_is_verbatim_at_its_offsets():
    docs = {d["id"]: (DATA / d["file"]).read_bytes().decode("utf-8") for d in _json("documents.json")}
    passages = _json("passages.json")
    assert passages
    for p in passages:
        text = docs[p["document"]]
        assert text[p["start"]:p["end"]] == p["quote"], p["id"]


def test_every_item_has_evidence(corpus):
    known = {p.id for p in corpus.passages}
    for group in (corpus.events, corpus.experts, corpus.entities, corpus.relationships, corpus.themes):
        for item in group:
            assert item.passages, item.id
            assert set(item.passages) <= known, item.id
    for ex in corpus.experts:
        for pos in ex.positions:
            assert pos.passages and set(pos.passages) <= known, ex.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_documents_are_the_seeds_byte_for_byte():
    seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
    ours = {hashlib.sha256((DATA / d["file"]).read_bytes()).hexdigest() for d in _json("documents.json")}
    assert ours == seeds


def test_events_lie_in_the_corpus_range(corpus):
    for ev in corpus.events:
        assert 1988 <= ev.start.year <= 2022, ev.id
        assert ev.end is None or ev.end.year <= 2022, ev.id


def test_native_names_exactly_as_written(corpus):
    text = "".join(d.text for d in corpus.documents)
    natives = {ex.name: ex.native_name for ex in corpus.experts if ex.native_name}
    assert natives["Xing Guangcheng"] == "邢广程" and natives["Lu Nanquan"] == "陆南泉"
    for name, native in natives.items():
        assert f"{name} {native}" in text or f"{name}{native}" in text or native in text, name


def test_known_inconsistencies_are_flagged(corpus):
    # the headline dates the bridge's opening April 2020, the body 16 Sep 2019: both kept, both flagged
    a, b = corpus.get("ev-heilongjiang-bridge-opening"), corpus.get("ev-li-keqiang-hails-bridge-opening")
    assert str(a.start) == "2020-04" and str(b.start) == "2019-09-16"
    assert a.conflict and b.conflict
    # "Liu Hui 李辉": the characters read Li Hui
    assert corpus.get("ex-liu-hui").conflict and corpus.get("ex-liu-hui").native_name == "李辉"


def test_inferred_dates_are_marked(corpus):
    treaty = corpus.get("ev-treaty-signed")  # from "the twentieth anniversary" in 2021
    assert str(treaty.start) == "2001" and treaty.inferred
    summit = corpus.get("ev-putin-xi-virtual-summit")  # "on December 15", year from context
    assert str(summit.start) == "2021-12-15" and summit.inferred
    pipeline = corpus.get("ev-east-route-pipeline-launch")  # "2 Dec 2019" as written
    assert str(pipeline.start) == "2019-12-02" and not pipeline.inferred
    assert all(d.date_inferred for d in corpus.documents)
