"""The reading assistant's voices, actors and candidates (Qt-free), and `explorer suggest`."""

import json
import os
import subprocess
import sys

from conftest import DATA, ROOT

from explorer.core.assist.actors import acronyms, find_actors
from explorer.core.assist.candidates import Dismissed, find_candidates
from explorer.core.assist.voices import find_voices

BRIEF = ("Bilateral trade is dominated by energy. These are, warns veteran CASS Russianist Lu Nanquan 陆南泉, "
         "susceptible to oil market fluctuations. The pipeline, launched 2 Dec 2019, helps, claims Xing "
         "Guangcheng 邢广程 CASS Institute of Chinese Borderland Studies. Premier Li Keqiang, hailing the "
         "opening of the Heilongjiang Bridge, 16 Sep 2019, set the scene. “We will not be allies,” said "
         "Anna Berg, a professor at Leeds University. Xing also directs the CASS Centre for SCO Studies, "
         "and he argues that the SCO (Shanghai Cooperation Organisation) matters. One result, notes Lu Nanquan, is "
         "caution. Trade fell early last year.")


def test_acronyms_tied_to_their_expansion_either_way_round():
    text = ("He works on the SCO (Shanghai Cooperation Organisation) and at the Chinese Academy of Social "
            "Sciences (CASS), and the Eurasian Development Bank (EDB) lends; the CASS Institute of "
            "American Studies and the SCO met again.")
    assert acronyms(text) == {"SCO": "Shanghai Cooperation Organisation", "CASS": "Chinese Academy of Social Sciences",
                              "EDB": "Eurasian Development Bank"}
    actors = {a.name: a for a in find_actors(text)}
    sco = actors["Shanghai Cooperation Organisation"]
    assert sco.aliases == ["SCO"] and sco.kind == "organisation"
    assert [text[s:e] for s, e in sco.mentions] == ["SCO", "Shanghai Cooperation Organisation", "SCO"]
    assert actors["Chinese Academy of Social Sciences"].aliases == ["CASS"]
    assert "CASS Institute of American Studies" in actors  # an institute of it is an actor of its own


def test_one_actor_under_several_names():
    text = "The US and Washington’s allies, as the United States says, and U.S. officials; China too."
    actors = find_actors(text)
    us = next(a for a in actors if a.name == "United States")
    assert set(us.aliases) == {"US", "U.S.", "Washington"} and len(us.mentions) == 4
    assert [a.name for a in actors if a.kind == "country"] == ["United States", "China"]


def test_voices_with_native_names_roles_affiliations_and_passages():
    voices = {v.name: v for v in find_voices(BRIEF)}
    lu = voices["Lu Nanquan"]
    assert (lu.native, lu.role) == ("陆南泉", "veteran CASS Russianist")
    assert [BRIEF[s:e] for s, e in lu.passages] == [
        "These are, warns veteran CASS Russianist Lu Nanquan 陆南泉, susceptible to oil market fluctuations.",
        "One result, notes Lu Nanquan, is caution."]
    xing = voices["Xing Guangcheng"]
    assert (xing.native, xing.affiliation) == ("邢广程", "CASS Institute of Chinese Borderland Studies")
    assert len(xing.passages) == 2  # "Xing also directs ..., and he argues" is his too
    li = voices["Li Keqiang"]
    assert (li.native, li.role, li.voice) == (None, "Premier", "official")
    berg = voices["Anna Berg"]
    assert (berg.native, berg.role, berg.affiliation) == (None, "professor", "Leeds University")


def test_candidates_of_a_text_without_a_corpus():
    found = find_candidates(BRIEF, "2019-12")
    events = [(c.date, c.precision, c.inferred, c.title) for c in found if c.kind == "event"]
    assert events == [("2019-12-02", "day", False, "Pipeline launched"),
                      ("2019-09-16", "day", False, "Hailing the opening of the Heilongjiang Bridge"),
                      ("2018", "year", True, "Trade fell")]
    for c in found:
        assert BRIEF[c.passage_start:c.passage_end] == c.quote
        assert c.passage_start <= c.start < c.end <= c.passage_end or c.kind != "event"
    experts = {c.name: c for c in found if c.kind == "expert"}
    assert experts["Lu Nanquan"].native_name == "陆南泉" and len(experts["Lu Nanquan"].passages) == 2
    assert {c.name for c in found if c.kind == "entity" and c.entity_kind == "project"} == {"Heilongjiang Bridge"}
    assert json.loads(json.dumps(found[0].to_json()))["passage"]["quote"] == found[0].quote


def test_candidates_against_the_corpus_are_offers_of_evidence(corpus):
    doc = corpus.get("doc-awaiting-breakthroughs")
    found = find_candidates(doc.text, "2019-12", corpus=corpus, document=doc.id)
    # every dated event of this text is in the corpus with this very passage: none is offered again
    assert [c for c in found if c.kind == "event"] == []
    wang = [c for c in found if c.match == "ex-wang-peng"]
    assert len(wang) == 1 and wang[0].label == "Add this passage as evidence for Wang Peng"
    held = {p for p in corpus.get("ex-wang-peng").passages}
    assert all(not (corpus.get(p).start <= wang[0].passage_start < corpus.get(p).end) for p in held)
    # a text the corpus does not hold: its dates are new candidates, its known actors offers of evidence
    text = "On 3 May 2023 Xing Guangcheng 邢广程 argued that the Polar Silk Road matters."
    found = find_candidates(text, "2023", corpus=corpus, document=None)
    assert [(c.kind, c.match) for c in found] == [("event", None), ("expert", "ex-xing-guangcheng"),
                                                  ("entity", "ent-polar-silk-road")]


def test_a_document_without_dates_or_names():
    text = "relations are less solid than rhetoric suggests, and trust is thin.\n" * 3
    assert find_candidates(text, "2021") == []
    assert find_candidates("", None) == []


def test_a_megabyte_document():
    block = BRIEF + "\n\n"
    text = block * (1_000_000 // len(block) + 1)  # a little over 1 MB, whole copies
    assert len(text.encode("utf-8")) > 1_000_000
    steps = []
    found = find_candidates(text, "2019-12", progress=steps.append)
    assert steps[0] == 0 and steps[-1] == 100 and steps == sorted(steps)
    copies = text.count(BRIEF)
    events = [c for c in found if c.kind == "event"]
    assert len(events) == 3 * copies
    assert {(c.date, c.precision) for c in events} == {("2019-12-02", "day"), ("2019-09-16", "day"), ("2018", "year")}
    for c in events[:: max(1, len(events) // 50)]:
        assert text[c.passage_start:c.passage_end] == c.quote and c.date_text == text[c.start:c.end]
    lu = [c for c in found if c.kind == "expert" and c.name == "Lu Nanquan"]
    assert len(lu) == 1 and len(lu[0].passages) == 2 * copies  # one voice, every passage where it speaks


def test_dismissed_are_remembered_per_corpus_and_document(tmp_path):
    store = Dismissed(tmp_path / "corpus", directory=tmp_path / "state")
    store.add("doc-a", ["event:1:2:3:4:x"])
    again = Dismissed(tmp_path / "corpus", directory=tmp_path / "state")
    assert again.keys("doc-a") == {"event:1:2:3:4:x"} and again.keys("doc-b") == set()
    assert Dismissed(tmp_path / "other", directory=tmp_path / "state").keys("doc-a") == set()
    again.path.write_text("{not json", encoding="utf-8")
    assert Dismissed(tmp_path / "corpus", directory=tmp_path / "state").keys("doc-a") == set()


def run(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "explorer", "suggest", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


def test_suggest_prints_json_lines_for_a_file(tmp_path):
    path = tmp_path / "brief.txt"
    path.write_text(BRIEF, encoding="utf-8")
    result = run(path, "--date", "2019-12")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["kind"] for r in rows][:3] == ["event", "event", "event"]
    first = rows[0]
    assert {"kind", "title", "start", "end", "precision", "inferred", "passage", "names"} <= set(first)
    assert (first["date"], first["precision"], first["inferred"]) == ("2019-12-02", "day", False)
    assert BRIEF[first["passage"]["start"]:first["passage"]["end"]] == first["passage"]["quote"]
    lu = next(r for r in rows if r.get("name") == "Lu Nanquan")
    assert lu["kind"] == "expert" and lu["native_name"] == "陆南泉" and lu["names"] == ["Lu Nanquan", "陆南泉"]
    # without --date the relative date cannot be resolved, and is left out
    rows = [json.loads(line) for line in run(path).stdout.splitlines()]
    assert [r["date"] for r in rows if r["kind"] == "event"] == ["2019-12-02", "2019-09-16"]


def test_suggest_by_document_id_matches_the_corpus():
    result = run("doc-pan-pandemic", "--corpus", DATA)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(r["kind"] in ("event", "expert", "entity") for r in rows)
    assert any(r.get("match") == "ent-putin" for r in rows) or not any(r.get("name") == "Vladimir Putin" for r in rows)
    assert not any(r["kind"] == "event" and r["date"] == "2021-12-15" for r in rows)  # already in the corpus


def test_suggest_bad_input_is_one_message_and_exit_2(tmp_path):
    for args, words in ((["no-such-doc"], "neither a file nor the id of a document"),
                        (["doc-pan-pandemic", "--date", "2021-13"], "is not a date"),
                        (["doc-pan-pandemic", "--corpus", tmp_path / "nothing"], "explorer suggest:")):
        result = run(*args)
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\xff\xfe\x00 x")
    result = run(binary)
    assert result.returncode == 2 and "not UTF-8" in result.stderr


def test_an_official_named_in_apposition_after_a_verb_of_saying():
    text = "“This is a practical deal,” said Azerbaijan's transport minister, Rauf Aliyev, after the signing."
    (v,) = find_voices(text)
    assert (v.name, v.role, v.voice) == ("Rauf Aliyev", "transport minister", "official")
    assert v.passages == [(0, len(text))]


def test_groups_parties_talks_and_the_pandemic_are_actors():
    text = ("Western countries and the Baltic states watched; coal left through Far Eastern ports. The bill had "
            "Republicans and Democrats behind it, the six-party talks stalled, and COVID closed the border "
            "during the coronavirus pandemic.")
    actors = {a.name: a for a in find_actors(text)}
    assert {n: a.kind for n, a in actors.items()} == {
        "Western countries": "group", "Baltic states": "group", "Far Eastern ports": "place", "Republicans": "group",
        "Democrats": "group", "six-party talks": "group", "Coronavirus pandemic": "event"}
    assert actors["Coronavirus pandemic"].aliases == ["COVID"] and len(actors["Coronavirus pandemic"].mentions) == 2


def test_accepting_candidates_is_commands_and_shares_passages(tmp_path):
    from explorer.core import Workspace
    from explorer.core.assist.candidates import accept, passages_by_range
    from explorer.core.commands import AddDocument
    from explorer.core.corpus import Corpus

    ws = Workspace(Corpus(root=tmp_path / "c"))
    text = "The line was proposed in 1988 and opened in April 2020, says Anna Berg, a professor at Leeds University."
    add = AddDocument(title="Note", text=text)
    ws.do(add)
    doc = add.new_id
    found = find_candidates(text, "2021", corpus=ws.corpus, document=doc)
    events = [c for c in found if c.kind == "event"]
    assert [c.date for c in events] == ["1988", "2020-04"] and events[0].quote == events[1].quote == text
    existing = passages_by_range(ws.corpus, doc)
    with ws.group("Accept"):
        ids = [accept(ws, c, doc, existing) for c in found]
    assert len(ws.corpus.items_of("passage")) == 1  # one sentence, one passage, evidence for all four
    assert [ws.corpus.get(i).item_kind for i in ids] == ["event", "event", "expert", "entity"]
    berg = ws.corpus.get(ids[2])
    assert (berg.name, berg.role, berg.affiliation) == ("Anna Berg", "professor", "Leeds University")
    ws.undo()
    assert ws.corpus.items_of("passage") == [] and all(ws.corpus.get(i) is None for i in ids)
    # against the corpus now holding them, nothing is offered again
    ws.redo()
    assert find_candidates(text, "2021", corpus=ws.corpus, document=doc) == []
