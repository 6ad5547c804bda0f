"""W3C annotations onto a corpus's documents (code points and UTF-16, re-anchoring, bodies as links),
event spreadsheets (mapping, multi-valued cells, actors merged by name, bad rows), and the commands."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import DATA
from explorer.cli import main
from explorer.core import Workspace
from explorer.core.corpus import Corpus
from explorer.core.interop import InteropError, apply_plan, read_file
from explorer.core.interop.common import html_to_text
from explorer.core.interop.spreadsheet import guess_mapping
from explorer.core.io.load import load_corpus
from explorer.core.model.types import Document, Entity, Passage

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "interop"
TEXT = "𠮷野家 and 😀 first. Then the port opened in May 2022, ahead of plan. The port opened again.\n"


def _ws(tmp_path, text=TEXT, **more):
    doc = Document(id="doc-r", title="Report", file="r.txt", text=text)
    return Workspace(Corpus(root=tmp_path, documents=[doc], **more))


def _anno(tmp_path, annotations, name="a.jsonld"):
    path = tmp_path / name
    path.write_text(json.dumps(annotations, ensure_ascii=False), encoding="utf-8")
    return path


def _target(start, end, exact, source="urn:explorer:doc:doc-r", prefix=None):
    quote = {"type": "TextQuoteSelector", "exact": exact}
    if prefix is not None:
        quote["prefix"] = prefix
    t = {"selector": [quote, {"type": "TextPositionSelector", "start": start, "end": end}]}
    if source:
        t["source"] = source
    return t


def test_code_points_and_utf16_units_both_land_on_the_quote(tmp_path):
    ws = _ws(tmp_path)
    quote = "the port opened in May 2022"
    cp = TEXT.index(quote)
    units = len(TEXT[:cp].encode("utf-16-le")) // 2
    assert units == cp + 2  # two characters outside the BMP before the passage
    path = _anno(tmp_path, [
        {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "a1", "type": "Annotation",
         "body": {"type": "TextualBody", "value": "Ports", "purpose": "tagging"},
         "target": _target(cp, cp + len(quote), quote)},
        {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "a2", "type": "Annotation",  # as Hypothesis counts
         "body": {"type": "TextualBody", "value": "Ports", "purpose": "tagging"},
         "target": _target(units, units + len(quote), quote, source=None)}])
    plan = read_file(path, corpus=ws.corpus)
    assert not plan.problems
    assert any("UTF-16" in n for n in plan.notes)
    result = apply_plan(ws, plan)
    passages = list(ws.corpus.passages)
    assert len(passages) == 1 and (passages[0].start, passages[0].quote) == (cp, quote)
    theme = ws.corpus.themes[0]
    assert theme.name == "Ports" and theme.passages == [passages[0].id]  # the tag made a theme, linked
    assert result.count("theme") == 1


def test_positions_that_disagree_are_reanchored_by_the_quote_and_reported(tmp_path):
    ws = _ws(tmp_path)
    quote = "ahead of plan"
    path = _anno(tmp_path, [{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "x", "type": "Annotation",
                             "target": _target(3, 10, quote)}])
    plan = read_file(path, corpus=ws.corpus)
    assert len(plan.problems) == 1 and "re-anchored by the quote" in str(plan.problems[0])
    assert str(plan.problems[0]).startswith("a.jsonld: [0] (x).target: the positions 3–10 do not hold")
    apply_plan(ws, plan)
    assert ws.corpus.passages[0].quote == quote


def test_a_quote_that_occurs_twice_is_told_apart_by_its_prefix(tmp_path):
    ws = _ws(tmp_path)
    second = TEXT.rindex("The port opened")
    path = _anno(tmp_path, [{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "x", "type": "Annotation",
                             "target": {"source": "doc-r", "selector": {
                                 "type": "TextQuoteSelector", "exact": "port opened", "prefix": "plan. The "}}}])
    plan = read_file(path, corpus=ws.corpus)
    apply_plan(ws, plan)
    assert ws.corpus.passages[0].start == second + 4


def test_identifying_body_links_an_existing_item_and_missing_quote_is_a_problem(tmp_path):
    p = Passage(id="p-first", document="doc-r", start=0, end=3, quote=TEXT[:3])
    ent = Entity(id="ent-port", name="The Port", passages=["p-first"])
    ws = _ws(tmp_path, passages=[p], entities=[ent])
    quote = "ahead of plan"
    at = TEXT.index(quote)
    path = _anno(tmp_path, [
        {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "ok", "type": "Annotation",
         "body": [{"type": "SpecificResource", "source": "urn:explorer:entity:ent-port", "purpose": "identifying"},
                  {"type": "TextualBody", "value": "a comment"}],
         "target": _target(at, at + len(quote), quote)},
        {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "bad", "type": "Annotation",
         "target": _target(0, 5, "not in the text")}])
    plan = read_file(path, corpus=ws.corpus)
    assert [str(x) for x in plan.problems] == [
        "a.jsonld: [1] (bad).target: the quote 'not in the text' is not in Report"]
    apply_plan(ws, plan)
    assert len(ws.corpus.get("ent-port").passages) == 2
    ws.undo()
    assert ws.corpus.get("ent-port").passages == ["p-first"] and len(ws.corpus.passages) == 1


def test_recogito_and_hypothesis_exports_onto_their_text(tmp_path):
    # Recogito's demo positions: "Ithaca" is at 963-970 (7 units for a 6-letter word): put the words there
    text = list(" " * 1000)
    for word, at in (("Troy", 124), ("death in battle", 646), ("Ithaca", 964)):
        text[at:at + len(word)] = word
    ws = _ws(tmp_path, text="".join(text))
    plan = read_file(SAMPLES / "web-annotation/recogito-js/annotations.w3c.json", corpus=ws.corpus)
    msgs = [str(p) for p in plan.problems]
    assert any("re-anchored by the quote at 964–970" in m for m in msgs)
    assert any("relation between two annotations" in m for m in msgs)
    apply_plan(ws, plan)
    assert sorted(p.quote for p in ws.corpus.passages) == ["Ithaca", "Troy", "death in battle"]
    assert sorted(t.name for t in ws.corpus.themes) == ["A Tag", "Another Tag"]
    # Hypothesis: its document is named by the article's URL (here the file name), positions in UTF-16
    hyp = "x" * 12301 + "imaged Golgi stacks"
    doc = Document(id="doc-h", title="The structure of the COPI coat", file="32493", text=hyp)
    ws = Workspace(Corpus(root=tmp_path, documents=[doc]))
    plan = read_file(SAMPLES / "web-annotation/hypothesis/elife-hypothesis-dummy-annotation.json", corpus=ws.corpus)
    assert not plan.problems
    apply_plan(ws, plan)
    assert ws.corpus.passages[0].quote == "imaged"


def test_spec_examples_that_are_not_text_passages_are_named(tmp_path):
    ws = _ws(tmp_path)
    for name, says in (("anno1.json", "is a whole resource"), ("anno24.json", "not a document of the corpus"),
                       ("anno18.json", "not a passage of text")):
        plan = read_file(SAMPLES / "web-annotation/w3c-web-annotation-wd2-examples" / name, corpus=ws.corpus)
        assert len(plan.problems) == 1 and says in str(plan.problems[0]), name
    text = "Intro: this is an anotation that has some typos."
    ws = _ws(tmp_path, text=text)
    doc = ws.corpus.documents[0]
    ws.corpus.documents = [doc.model_copy(update={"file": "page1"})]
    plan = read_file(SAMPLES / "web-annotation/w3c-web-annotation-wd2-examples/anno23.json", corpus=ws.corpus)
    apply_plan(ws, plan)
    assert ws.corpus.passages[0].quote == "anotation"


def test_w3c_needs_a_corpus_with_documents(tmp_path):
    with pytest.raises(InteropError, match="the corpus has none"):
        read_file(SAMPLES / "web-annotation/recogito-js/annotations.w3c.json", corpus=Corpus(root=tmp_path))


# -- spreadsheets -------------------------------------------------------------------------------------------------

def _csv(tmp_path, rows, name="events.csv", bom=False):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_header_mapping_is_guessed():
    m = guess_mapping(["When", "End", "Headline", "Description", "Participants", "Place", "Source", "Tags"])
    assert m == {"date": "When", "end_date": "End", "title": "Headline", "summary": "Description",
                 "actors": "Participants", "location": "Place", "source": "Source", "themes": "Tags"}


def test_spreadsheet_rows_bad_ones_named_the_rest_imported(tmp_path):
    path = _csv(tmp_path, [
        ["Date", "Title", "Actors", "Notes"],
        ["2020-04", "Bridge opens", "China; Russia", "Mostly on time; late in places"],
        ["2019", "Talks", "Russia;Gazprom", ""],
        ["sometime", "Vague", "", ""],
        ["2021-02-30", "Impossible", "", ""],
        ["15-03-2016", "Day first (ACLED's documented form)", "Beijing 北京", "Ça va"],
    ], bom=True)
    c = Corpus(root=tmp_path, entities=[Entity(id="ent-china", name="China", kind="country")])
    ws = Workspace(c)
    plan = read_file(path, corpus=c)
    assert [str(p).split(": ")[:2] for p in plan.problems] == [["events.csv", "row 4"], ["events.csv", "row 5"]]
    assert "'sometime' is not a date" in str(plan.problems[0])
    result = apply_plan(ws, plan)
    ev = {e.title: e for e in ws.corpus.events}
    assert str(ev["Bridge opens"].start) == "2020-04" and str(ev["Talks"].start) == "2019"
    assert str(ev["Day first (ACLED's documented form)"].start) == "2016-03-15"
    assert ev["Bridge opens"].actors[0] == "ent-china"  # merged by name with the existing entity
    assert sorted(e.name for e in ws.corpus.entities) == ["Beijing 北京", "China", "Gazprom", "Russia"]
    assert result.merged == 1
    assert ws.stack.undo_label() == "Import events.csv"
    ws.undo()
    assert len(ws.corpus.events) == 0 and len(ws.corpus.entities) == 1


def test_a_mapping_given_by_hand_and_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["Wann", "Was", "Wer"])
    sh.append(["2001-09", "Treaty signed", "Russia | China"])
    sh.append([None, None, None])
    sh.append(["1996", "Shanghai Five", "China"])
    path = tmp_path / "e.xlsx"
    wb.save(path)
    with pytest.raises(InteropError, match="no column holds the date"):
        read_file(path)
    plan = read_file(path, mapping={"date": "Wann", "title": "Was", "actors": "Wer"})
    assert [(str(e.start), e.title) for e in plan.events] == [("2001-09", "Treaty signed"), ("1996", "Shanghai Five")]
    assert len(plan.entities) == 2
    with pytest.raises(InteropError, match="the header does not have"):
        read_file(path, mapping={"date": "Datum"})


def test_a_file_in_no_known_format_says_so(tmp_path):
    path = tmp_path / "notes.xml"
    path.write_text("<html><body>hi</body></html>", encoding="utf-8")
    with pytest.raises(InteropError, match="notes.xml: an XML or HTML file that is neither GEXF nor GraphML"):
        read_file(path)
    path = tmp_path / "data.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InteropError, match="data.json: JSON in no format explorer reads"):
        read_file(path)


def test_html_to_text():
    assert html_to_text("<p>One &amp; <b>two</b></p><p>Three<br>four</p><script>x()</script>") == \
        "One & two\n\nThree\nfour"
    assert html_to_text("a &quot;b&quot;  c") == 'a "b" c'


# -- the commands --------------------------------------------------------------------------------------------------

def test_cli_import_new_then_into_and_problems(tmp_path, capsys):
    target = tmp_path / "new"
    src = SAMPLES / "timelinejs3/_history/29e6b14589833460d1bb1c063ab7750b713bf895/compiled/examples/error_message_test.json"
    assert main(["import", str(src), "--new", str(target)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == ["error_message_test.json: events[9]: no start_date; the slide is left out (Hawaii)"]
    assert "imported 1 document, 16 passages, 16 events" in err
    corpus = load_corpus(target)
    assert not corpus.problems and len(corpus.events) == 16
    assert main(["import", str(SAMPLES / "vis-timeline/basic.json"), "--into", str(target)]) == 0
    assert len(load_corpus(target).events) == 22
    assert main(["import", str(SAMPLES / "timelinejs3/website/examples/example.json"), "--into", str(target)]) == 2
    assert "TimelineJS2 (legacy)" in capsys.readouterr().err
    assert main(["import", str(SAMPLES / "vis-timeline/basic.json")]) == 0  # a preview: nothing written
    assert "would import 1 document, 6 passages, 6 events" in capsys.readouterr().err


def test_cli_import_with_a_mapping(tmp_path, capsys):
    path = _csv(tmp_path, [["Wann", "Was"], ["2001", "A"]])
    assert main(["import", str(path), "--new", str(tmp_path / "c"), "--map", "date=Wann", "--map", "title=Was"]) == 0
    assert len(load_corpus(tmp_path / "c").events) == 1
    assert main(["import", str(path), "--map", "when=Wann"]) == 2


def test_cli_export_data_honours_the_window(tmp_path, capsys):
    out = tmp_path / "e.csv"
    assert main(["export-data", "csv", str(out), "--corpus", str(DATA), "--from", "2019", "--to", "2019"]) == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    starts = [r[3] for r in rows[1:]]
    assert starts and all(s.startswith("2019") or s <= "2019" for s in starts)
    every = load_corpus(DATA).events
    assert len(starts) < len(every)
    assert main(["export-data", "gexf", str(tmp_path / "no" / "g.gexf")]) == 2
    assert main(["export-data", "csv", str(out), "--select", "nope"]) == 2
    assert "no item nope" in capsys.readouterr().err


def test_vis_groups_become_themes_and_a_range_needs_an_end(tmp_path):
    path = tmp_path / "vis.json"
    path.write_text(json.dumps({
        "groups": [{"id": 1, "content": "<b>Diplomacy</b>"}, {"id": "t", "content": "Trade"}],
        "items": [{"id": "a", "content": "Summit", "start": "2019-06", "group": 1},
                  {"id": "b", "content": "Pipeline", "start": "2014-05-21", "end": "2019-12-02", "group": "t"},
                  {"id": "c", "content": "Open range", "start": "2020-01-01", "type": "range"},
                  {"id": "d", "content": "Noon", "start": "2020-03-04T12:30:00Z"},
                  {"id": "e", "content": "No start"}]}), encoding="utf-8")
    plan = read_file(path)
    assert plan.format == "vis"
    assert [str(p) for p in plan.problems] == ["vis.json: items[2] (id c): a range item needs an end; kept as a point",
                                               "vis.json: items[4] (id e): no start; left out"]
    ev = {e.title: e for e in plan.events}
    assert str(ev["Summit"].start) == "2019-06" and plan.themes[ev["Summit"].themes[0]].name == "Diplomacy"
    assert (str(ev["Pipeline"].start), str(ev["Pipeline"].end)) == ("2014-05-21", "2019-12-02")
    assert str(ev["Noon"].start) == "2020-03-04" and ev["Noon"].date_text == "2020-03-04 12:30:00"
