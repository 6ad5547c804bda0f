"""Round trips: explorer -> TimelineJS JSON / events CSV / XLSX -> explorer keep every event's dates,
precision, title and links; explorer -> W3C -> the same corpus changes nothing; the default corpus -> GEXF
and GraphML -> networkx gives the same nodes, edges and periods."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from conftest import DATA
from explorer.core import Workspace
from explorer.core.corpus import Corpus
from explorer.core.index import CorpusIndex
from explorer.core.interop import apply_plan, export_data, read_file
from explorer.core.io.load import load_corpus


@pytest.fixture(scope="module")
def source():
    return load_corpus(DATA)


def _signature(corpus, ev):
    def names(ids):
        return sorted(corpus.get(i).label for i in ids)

    end = ev.end if ev.end is not None and ev.end != ev.start else None
    return (ev.title, str(ev.start), ev.start.precision, str(end) if end else None, names(ev.themes),
            names(ev.actors), names(ev.experts))


def _import_new(tmp_path, path, fmt=None):
    ws = Workspace(Corpus(root=tmp_path / "new"))
    plan = read_file(path, fmt)
    assert not plan.problems, plan.problems
    apply_plan(ws, plan)
    return ws


@pytest.mark.parametrize("fmt, name", [("timelinejs", "t.json"), ("csv", "events.csv"), ("xlsx", "events.xlsx")])
def test_events_survive_a_round_trip(tmp_path, source, fmt, name):
    out = tmp_path / name
    export_data(fmt, source, CorpusIndex(source), out)
    ws = _import_new(tmp_path, out)
    got = sorted(_signature(ws.corpus, e) for e in ws.corpus.events)
    want = sorted(_signature(source, e) for e in source.events)
    assert got == want
    # every imported event has its passage: the exported text stored as a document
    assert not [i for i in ws.corpus.unsupported_ids() if ws.corpus.kind_of(i) == "event"]
    if fmt != "timelinejs":
        by_title = {e.title: e for e in ws.corpus.events}
        for e in source.events:
            assert by_title[e.title].date_text == e.date_text


def test_timelinejs_json_opens_in_timelinejs_shape(tmp_path, source):
    out = tmp_path / "t.json"
    export_data("timelinejs", source, CorpusIndex(source), out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["title"]["text"]["headline"] == source.info.title
    year_only = [s for s in data["events"] if s["unique_id"] == "ev-heilongjiang-bridge-proposed"][0]
    assert year_only["start_date"] == {"year": 1988}  # no invented month or day
    assert all("<" not in s["text"]["headline"] or "&lt;" in s["text"]["headline"] for s in data["events"])
    quoted = [s for s in data["events"] if "media" in s]
    assert quoted and all(s["media"]["url"].startswith("<blockquote>") and s["media"]["credit"] for s in quoted)


def test_events_csv_is_excel_friendly(tmp_path, source):
    out = tmp_path / "events.csv"
    export_data("csv", source, CorpusIndex(source), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    assert b"\r\n" in raw and "北京".encode() in raw or any(ord(c) > 0x3000 for c in raw.decode("utf-8-sig"))


def test_w3c_reimport_into_the_same_corpus_changes_nothing(tmp_path, source):
    ws = Workspace(load_corpus(DATA))
    out = tmp_path / "annotations.jsonld"
    export_data("w3c", ws.corpus, ws.index, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    first = data["first"]["items"][0]
    kinds = {s["type"] for s in first["target"]["selector"]}
    assert kinds == {"TextQuoteSelector", "TextPositionSelector"}
    assert len(data["first"]["items"]) == len(ws.corpus.passages)
    before = ws.corpus.snapshot()
    plan = read_file(out, corpus=ws.corpus)
    assert not plan.problems, plan.problems[:3]
    apply_plan(ws, plan)
    assert ws.corpus.snapshot() == before
    assert not ws.stack.can_undo()


def test_w3c_into_a_copy_without_passages_restores_them_and_their_links(tmp_path, source):
    out = tmp_path / "annotations.jsonld"
    export_data("w3c", source, CorpusIndex(source), out)
    # the same documents and items, every passage gone from the evidence
    bare = Workspace(Corpus(root=tmp_path / "bare", documents=list(source.documents)))
    plan = read_file(out, corpus=bare.corpus)
    apply_plan(bare, plan)
    assert len(bare.corpus.passages) == len(source.passages)
    spans = {(p.document, p.start, p.end) for p in bare.corpus.passages}
    assert spans == {(p.document, p.start, p.end) for p in source.passages}


def _dates_of_spell(g, u, v, key):
    data = g.edges[u, v, key]
    return data.get("start"), data.get("end")


def test_default_corpus_to_gexf_reads_back_in_networkx(tmp_path, source):
    out = tmp_path / "graph.gexf"
    export_data("gexf", source, CorpusIndex(source), out)
    root = ET.parse(out).getroot()
    ns = "{http://gexf.net/1.3}"
    assert root.tag == f"{ns}gexf" and root.get("version") == "1.3"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").startswith("http://gexf.net/1.3 ")
    graph = root.find(f"{ns}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    # the order the schema wants: attributes, nodes, edges; viz in its own namespace
    assert [c.tag for c in graph] == [f"{ns}attributes", f"{ns}attributes", f"{ns}nodes", f"{ns}edges"]
    assert graph.find(f"{ns}nodes/{ns}node/{{http://gexf.net/1.3/viz}}color") is not None
    g = nx.read_gexf(out)
    want_nodes = {e.id for e in source.entities} | {x.id for x in source.experts}
    assert set(g.nodes) == want_nodes
    rels = [r for r in source.relationships if r.source in want_nodes and r.target in want_nodes]
    affiliations = [x for x in source.experts if x.organisation]
    assert g.number_of_edges() == len(rels) + len(affiliations)
    by_id = {d["id"]: (u, v, d) for u, v, d in g.edges(data=True)}
    for r in rels:
        u, v, d = by_id[r.id]
        assert (u, v) == (r.source, r.target) and d["label"] == r.kind
        assert d.get("start", "") == (str(r.start) if r.start else "")  # the partial date, exactly
        if r.start is not None:
            spells = d["spells"]
            assert spells[0][0] == r.start.first_day().isoformat()
            # an open end: networkx 3.6 reads a missing bound back as the string 'None' (SPEC.md §4)
            assert spells[0][1] in ((r.end.last_day().isoformat(),) if r.end else (None, "None"))
    assert g.nodes[source.entities[0].id]["kind"] == source.entities[0].kind


def test_gexf_and_graphml_come_back_as_the_same_graph(tmp_path, source):
    for fmt in ("gexf", "graphml"):
        out = tmp_path / f"g.{fmt}"
        export_data(fmt, source, CorpusIndex(source), out)
        plan = read_file(out)
        ws = Workspace(Corpus(root=tmp_path / fmt))
        apply_plan(ws, plan)
        got = sorted((ws.corpus.get(r.source).label, ws.corpus.get(r.target).label, r.kind, str(r.start), str(r.end))
                     for r in ws.corpus.relationships)
        want = sorted((source.get(r.source).label, source.get(r.target).label, r.kind, str(r.start), str(r.end))
                      for r in source.relationships)
        want += sorted((x.name, source.get(x.organisation).label, "affiliated with", "None", "None")
                       for x in source.experts if x.organisation)
        assert got == sorted(want), fmt
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert set(g.nodes) == {e.id for e in source.entities} | {x.id for x in source.experts}


def test_citations_markdown_and_text(tmp_path, source):
    index = CorpusIndex(source)
    md, txt = tmp_path / "c.md", tmp_path / "c.txt"
    export_data("citations", source, index, md, select="ev-heilongjiang-bridge-proposed")
    export_data("citations", source, index, txt, select="ev-heilongjiang-bridge-proposed")
    ev = source.get("ev-heilongjiang-bridge-proposed")
    quote = source.get(ev.passages[0]).quote
    doc = source.get(source.get(ev.passages[0]).document)
    assert md.read_text(encoding="utf-8").startswith("## Sources")
    assert f"*{doc.title}*" in md.read_text(encoding="utf-8").replace("\\", "")
    text = txt.read_text(encoding="utf-8")
    assert f"“{' '.join(quote.split())}”" in text and doc.title in text and "*" not in text


def test_imported_events_carry_their_provenance_through_save_and_reload(tmp_path):
    """Each event imported from a spreadsheet says where it came from (the file and its row), like the other
    imported items, and keeps it when the corpus is saved and opened again."""
    from explorer.core import Workspace, load_corpus
    from explorer.core.corpus import Corpus
    from explorer.core.interop import read_file
    from explorer.core.interop.common import apply_prepared, prepare

    csv_path = tmp_path / "events.csv"
    csv_path.write_text("date,title,actors\n2019-12-02,Pipeline opens,Gazprom\n2020-03,Border closes,\n",
                        encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    ws = Workspace(Corpus(root=tmp_path / "corpus"))
    apply_prepared(ws, prepare(ws.corpus, read_file(csv_path)))
    provenances = sorted(e.provenance for e in ws.corpus.events)
    assert len(provenances) == 2 and all(p and "events.csv" in p for p in provenances)
    assert provenances[0] != provenances[1]  # a row each
    ws.save()
    again = load_corpus(tmp_path / "corpus")
    assert sorted(e.provenance for e in again.events) == provenances


def test_vis_timeline_out_and_back_keeps_dates_precision_titles_and_first_themes(tmp_path, source):
    """vis-timeline items and groups: what vis draws (a point, or a range from the first day to the day
    after the last, grouped by first theme, HTML-escaped content), and, in the explorer key vis ignores, the
    dates at their precision, which the import reads back."""
    out = tmp_path / "vis.json"
    assert export_data("vis", source, CorpusIndex(source), out).startswith(f"{len(source.events)} items")
    data = json.loads(out.read_text(encoding="utf-8"))
    items, groups = data["items"], {g["id"]: g["content"] for g in data["groups"]}
    assert len(items) == len(source.events)
    for item, ev in zip(items, source.events):
        assert item["id"] == ev.id and item["start"] == ev.start.first_day().isoformat()
        if "end" in item:
            assert item["type"] == "range" and item["end"] > item["start"]
        assert groups[item["group"]] == source.get(ev.themes[0]).name if ev.themes else "group" not in item
    ws = _import_new(tmp_path, out)
    def sig(corpus, ev):
        theme = corpus.get(ev.themes[0]).name if ev.themes else None
        end = ev.end if ev.end is not None and ev.end != ev.start else None
        return ev.title, str(ev.start), ev.start.precision, str(end) if end else None, theme, ev.date_text
    assert sorted(sig(ws.corpus, e) for e in ws.corpus.events) == sorted(sig(source, e) for e in source.events)
