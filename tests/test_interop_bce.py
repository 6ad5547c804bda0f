"""BCE years through the standard formats: explorer -> TimelineJS JSON / its sheet CSV / events CSV / XLSX /
vis -> explorer keeps 500 BCE as 500 BCE (historical numbering, no year 0) at its precision; TimelineJS gets
``year: -500`` (it shows "500 BCE"); vis and GEXF get ISO 8601's astronomical years (-000499 / -0499 is
500 BCE), which networkx reads back; event sheets with "500 BCE" or "-500" cells import."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from test_interop_roundtrip import _import_new
from test_timeline_bce import write_antiquity

from explorer.core import PartialDate
from explorer.core.index import CorpusIndex
from explorer.core.interop import export_data, read_file
from explorer.core.io.load import load_corpus


@pytest.fixture()
def source(tmp_path):
    loaded = load_corpus(write_antiquity(tmp_path / "antiquity"))
    assert loaded.problems == []
    return loaded


def _signature(ev):
    end = ev.end if ev.end is not None and ev.end != ev.start else None
    return ev.title, str(ev.start), ev.start.precision, str(end) if end else None


@pytest.mark.parametrize("fmt, name", [("timelinejs", "t.json"), ("timelinejs-csv", "t.csv"), ("csv", "events.csv"),
                                       ("xlsx", "events.xlsx"), ("vis", "items.json")])
def test_bce_events_survive_a_round_trip(tmp_path, source, fmt, name):
    out = tmp_path / name
    export_data(fmt, source, CorpusIndex(source), out)
    ws = _import_new(tmp_path, out, fmt)
    assert sorted(_signature(e) for e in ws.corpus.events) == sorted(_signature(e) for e in source.events)
    got = {e.title: e for e in ws.corpus.events}
    assert got["Founding of a colony"].start == PartialDate(-500)
    assert got["Peloponnesian War"].when == "431 – 404 BCE"
    assert got["A census across the era"].when == "2 BCE – 2 CE"


def test_timelinejs_gets_negative_years_as_it_shows_them(tmp_path, source):
    out = tmp_path / "t.json"
    export_data("timelinejs", source, CorpusIndex(source), out)
    slides = {s["unique_id"]: s for s in json.loads(out.read_text(encoding="utf-8"))["events"]}
    assert slides["ev-colony"]["start_date"] == {"year": -500}  # TimelineJS shows it as "500 BCE"
    assert slides["ev-ides"]["start_date"] == {"year": -44, "month": 3, "day": 15}
    assert slides["ev-war"]["end_date"] == {"year": -404}
    sheet = tmp_path / "t.csv"
    export_data("timelinejs-csv", source, CorpusIndex(source), sheet)
    rows = list(csv.DictReader(sheet.read_text(encoding="utf-8-sig").splitlines()))
    colony = next(r for r in rows if r["Headline"] == "Founding of a colony")
    assert (colony["Year"], colony["Month"], colony["Day"]) == ("-500", "", "")


def test_timelinejs_year_zero_is_reported(tmp_path):
    path = tmp_path / "zero.json"
    path.write_text(json.dumps({"events": [
        {"start_date": {"year": 0}, "text": {"headline": "Nothing"}},
        {"start_date": {"year": "-1"}, "text": {"headline": "1 BCE"}},
        {"start_date": {"year": 1}, "text": {"headline": "1 CE"}}]}), encoding="utf-8")
    plan = read_file(path)
    assert [str(p) for p in plan.problems] == [
        "zero.json: events[0].start_date: the year 0 cannot be kept: there is no year 0 (1 BCE is followed by "
        "1 CE); write -1 for 1 BCE or 1 for 1 CE; the slide is left out"]
    assert [str(e.start) for e in plan.events] == ["-0001", "0001"]


def test_vis_gets_expanded_astronomical_years(tmp_path, source):
    out = tmp_path / "items.json"
    export_data("vis", source, CorpusIndex(source), out)
    items = {i["id"]: i for i in json.loads(out.read_text(encoding="utf-8"))["items"]}
    # JavaScript's Date counts a year 0: 500 BCE is its year -499, 1 BCE its year 0
    assert items["ev-colony"]["start"] == "-000499-01-01" and items["ev-colony"]["end"] == "-000498-01-01"
    assert items["ev-census"]["start"] == "-000001-01-01" and items["ev-census"]["end"] == "0003-01-01"
    assert items["ev-ides"]["start"] == "-000043-03-15"
    assert items["ev-colony"]["explorer"]["start"] == "-0500"
    # a vis file of others' (no explorer key): expanded years read astronomically, to the day
    for item in items.values():
        del item["explorer"]
    out.write_text(json.dumps({"items": list(items.values())}), encoding="utf-8")
    plan = read_file(out, "vis")
    by_title = {e.title: e for e in plan.events}
    assert by_title["Ides of March"].start == PartialDate(-44, 3, 15)
    assert by_title["Founding of a colony"].start == PartialDate(-500, 1, 1)


def test_vis_millisecond_timestamps_before_year_1(tmp_path):
    path = tmp_path / "ms.json"
    ides = PartialDate(-44, 3, 15).start_seconds * 1000
    path.write_text(json.dumps([{"id": 1, "content": "Ides", "start": ides + 11 * 3600_000}]), encoding="utf-8")
    plan = read_file(path, "vis")
    assert plan.events[0].start == PartialDate(-44, 3, 15) and plan.events[0].date_text == "-0044-03-15 11:00"


def test_gexf_spells_before_1_ce_are_iso_dates_networkx_reads(tmp_path, source):
    out = tmp_path / "g.gexf"
    export_data("gexf", source, CorpusIndex(source), out)
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.parse(out).getroot()
    assert root.find("g:graph", ns).get("timeformat") == "date"
    spell = root.find(".//g:edge[@id='rel-punic']/g:spells/g:spell", ns)
    assert (spell.get("start"), spell.get("end")) == ("-0263-01-01", "-0240-12-31")  # 264 BCE, 241 BCE
    g = nx.read_gexf(out)
    data = g.edges["en-rome", "en-carthage"]
    assert data["spells"] == [("-0263-01-01", "-0240-12-31")] and data["start"] == "-0264"
    back = read_file(out, "gexf")
    rel = back.relationships[0]
    assert (rel.start, rel.end) == (PartialDate(-264), PartialDate(-241))
    # a spell of someone else's file (no explorer attributes) is read astronomically too
    for av in root.iter("{http://gexf.net/1.3}attvalues"):
        av.clear()
    ET.ElementTree(root).write(out, encoding="UTF-8", xml_declaration=True)
    rel = read_file(out, "gexf").relationships[0]
    assert (rel.start, rel.end) == (PartialDate(-264, 1, 1), PartialDate(-241, 12, 31))


def test_graphml_keeps_explorer_dates(tmp_path, source):
    out = tmp_path / "g.graphml"
    export_data("graphml", source, CorpusIndex(source), out)
    g = nx.read_graphml(out)
    data = g.edges["en-rome", "en-carthage"]
    assert data["start"] == "-0264" and data["end"] == "-0241" and data["start_precision"] == "year"
    rel = read_file(out, "graphml").relationships[0]
    assert (rel.start, rel.end) == (PartialDate(-264), PartialDate(-241))


def test_event_sheets_with_bce_cells(tmp_path):
    path = tmp_path / "bce.csv"
    path.write_text("date,end date,title\n500 BCE,,Colony\n-490-09,,Marathon\n15 March 44 BC,,Ides\n"
                    "431 BC,404 BC,War\n2 BCE,AD 2,Census\n0 BC,,Nothing\n", encoding="utf-8")
    plan = read_file(path, "csv")
    got = {e.title: (str(e.start), str(e.end) if e.end else None) for e in plan.events}
    assert got == {"Colony": ("-0500", None), "Marathon": ("-0490-09", None), "Ides": ("-0044-03-15", None),
                   "War": ("-0431", "-0404"), "Census": ("-0002", "0002")}
    assert len(plan.problems) == 1 and "there is no year 0" in str(plan.problems[0])
    assert "row 7" in str(plan.problems[0])


def test_export_data_takes_bce_bounds(tmp_path, source, capsys):
    from explorer.cli import main

    root = write_antiquity(tmp_path / "again")
    out = tmp_path / "t.json"
    assert main(["export-data", "timelinejs", str(out), "--corpus", str(root), "--from", "500 BCE",
                 "--to=-0258"]) == 0
    starts = [s["start_date"] for s in json.loads(out.read_text(encoding="utf-8"))["events"]]
    assert starts == [{"year": -500}, {"year": -490, "month": 9}, {"year": -431}, {"year": -258}]
    assert main(["export-data", "timelinejs", str(out), "--corpus", str(root), "--from", "0 BC"]) == 2
    assert "there is no year 0" in capsys.readouterr().err


def test_the_export_dialog_and_the_caption_read_bce_windows():
    from explorer.qt.export.render import range_text
    from explorer.qt.window.interop_dialog import _date_of_seconds

    ides = PartialDate(-44, 3, 15)
    assert _date_of_seconds(ides.start_seconds + 3600) == ides
    assert _date_of_seconds(-1e13) == PartialDate(-9999, 1, 1) and _date_of_seconds(1e13) == PartialDate(9999, 12, 31)
    assert range_text(ides.start_seconds, PartialDate(30).end_seconds) == "15 Mar 44 BCE – 31 Dec 30 CE"
    assert range_text(PartialDate(2019, 12, 2).start_seconds, PartialDate(2020, 1, 5).end_seconds) == \
        "2 Dec 2019 – 5 Jan 2020"


def test_new_and_export_take_bce_ranges(tmp_path, capsys):
    from explorer.cli import main

    folder = tmp_path / "antique"
    assert main(["new", str(folder), "--from", "500 BCE", "--to", "30 CE"]) == 0
    info = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
    assert info["time_range"] == ["-0500", "0030"]
    assert load_corpus(folder).info.time_range == [PartialDate(-500), PartialDate(30)]
    root = write_antiquity(tmp_path / "ant")
    out = tmp_path / "timeline.png"
    assert main(["export", "timeline", str(out), "--corpus", str(root), "--from", "500 BC", "--to=-0258"]) == 0
    assert out.stat().st_size > 1000
    assert main(["export", "timeline", str(out), "--corpus", str(root), "--from", "0 BC"]) != 0
    assert "there is no year 0" in capsys.readouterr().err
