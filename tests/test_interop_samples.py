"""Every third-party sample in ../shared/interop/ (read in place, never copied): the supported ones import
with the expected counts and precisions, or with the documented problems; the others are refused with a
message that says why. One test per file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from explorer.core import Workspace
from explorer.core.corpus import Corpus
from explorer.core.interop import InteropError, apply_plan, read_file
from explorer.core.io.load import load_corpus

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "interop"
H = "timelinejs3/_history/29e6b14589833460d1bb1c063ab7750b713bf895/compiled/examples/"

#: file, format, events, themes, problems, events by start precision
IMPORTED = [
    ("timelinejs-others/cillustrisimo-interjust-timeline3.json", "timelinejs", 15, 0, 0, {"DAY": 15}),
    # 5 placeholder slides (display_date ".") that only make a group row appear: left out, said in a note
    ("timelinejs-others/frederickdelta-100-years-war-timeline.json", "timelinejs", 38, 7, 0, {"YEAR": 29, "DAY": 9}),
    ("timelinejs-others/sobach-msk-bomb-hoax-timeline.json", "timelinejs", 29, 0, 0, {"DAY": 29}),
    ("timelinejs-others/sobach-msk-bomb-hoax-timeline3-first.json", "timelinejs", 2, 0, 0, {"DAY": 2}),
    (H + "error_message_test.json", "timelinejs", 16, 0, 1, {"DAY": 15, "YEAR": 1}),
    (H + "group_sample.json", "timelinejs", 7, 4, 0, {"DAY": 7}),
    (H + "groups_test_2.json", "timelinejs", 8, 2, 0, {"YEAR": 7, "DAY": 1}),
    (H + "groups_test_3.json", "timelinejs", 25, 2, 0, {"YEAR": 15, "DAY": 10}),
    (H + "marktwain_test.json", "timelinejs", 14, 0, 0, {"DAY": 13, "YEAR": 1}),
    (H + "milliseconds.json", "timelinejs", 5, 0, 0, {"DAY": 5}),
    (H + "wedding.json", "timelinejs", 13, 0, 0, {"DAY": 13}),
    ("timelinejs3/contrib/women_in_computing.json", "timelinejs", 10, 0, 0, {"DAY": 3, "MONTH": 1, "YEAR": 6}),
    ("timelinejs3/src/template/all-media-types.json", "timelinejs", 41, 5, 0, {"YEAR": 33, "MONTH": 8}),
    ("timelinejs3/src/template/eras.json", "timelinejs", 23, 1, 0, {"YEAR": 19, "DAY": 4}),
    ("timelinejs3/website/examples/houston/timeline3.json", "timelinejs", 18, 0, 0, {"DAY": 2, "YEAR": 16}),
    ("timelinejs3/website/examples/mediatypes/timeline3.json", "timelinejs", 29, 0, 0, {"YEAR": 29}),
    ("timelinejs3/website/examples/republican/timeline3.json", "timelinejs", 13, 0, 0, {"DAY": 13}),
    ("timelinejs3/website/examples/shit-people-say/timeline3.json", "timelinejs", 20, 0, 0, {"DAY": 20}),
    ("timelinejs3/website/examples/soundcite/timeline3.json", "timelinejs", 18, 0, 0, {"DAY": 2, "YEAR": 16}),
    ("timelinejs3/website/examples/timeline3.json", "timelinejs", 18, 0, 0, {"DAY": 2, "YEAR": 16}),
    ("timelinejs3/website/examples/twain/marktwain.json", "timelinejs", 17, 0, 0, {"DAY": 16, "YEAR": 1}),
    ("timelinejs3/website/examples/user-interface/timeline3.json", "timelinejs", 22, 0, 0, {"YEAR": 20, "DAY": 2}),
    # BCE years (-5410 ... -258) are kept at year precision; explorer's dates run from 9999 BCE to 9999 CE
    # (core/model/dates.py), so cosmological years (-13.8e9) and a year 0 (there is none) are each reported
    (H + "years.json", "timelinejs", 5, 0, 0, {"YEAR": 5}),
    (H + "cosmological.json", "timelinejs", 0, 0, 6, {}),
    ("timelinejs3/src/template/cosmo.json", "timelinejs", 1, 0, 6, {"YEAR": 1}),
    ("timelinejs3/src/template/cosmo-mixed.json", "timelinejs", 7, 0, 4, {"YEAR": 4, "MONTH": 1, "DAY": 2}),
    (H + "science.json", "timelinejs", 0, 0, 6, {}),  # "date" instead of "start_date"
    ("timelinejs3/contrib/women_in_computing.csv", "timelinejs-csv", 10, 0, 0, {"DAY": 3, "MONTH": 1, "YEAR": 6}),
    ("timelinejs3/src/js/core/__tests__/women_in_computing.csv", "timelinejs-csv", 10, 0, 0,
     {"DAY": 3, "MONTH": 1, "YEAR": 6}),
    ("timelinejs3/src/template/my-own-timeline.csv", "timelinejs-csv", 10, 0, 0, {"DAY": 3, "MONTH": 1, "YEAR": 6}),
    ("vis-timeline/basic.json", "vis", 6, 0, 0, {"DAY": 6}),
    ("event-csv/aschharwood-acled-2016-excerpt.csv", "csv", 3, 2, 0, {"DAY": 3}),
]

REFUSED = [
    ("timelinejs3/website/examples/example.json", "TimelineJS2 (legacy)"),
    ("timelinejs3/website/examples/houston/timeline2.json", "TimelineJS2 (legacy)"),
    ("timelinejs3/website/examples/shit-people-say/timeline2.json", "TimelineJS2 (legacy)"),
    ("timelinejs3/website/examples/user-interface/timeline2.json", "TimelineJS2 (legacy)"),
    ("timelinejs3/website/examples/republican/timeline2.json", "the file is empty"),
    ("timelinejs3/website/static/welcome/welcome.json", "\"timeline\" > \"slides\""),
    ("timelinejs3/_history/6427b9a8873e15d8f76296021e17a771d02d1586/website/templates/test/"
     "GoogleSpreadsheetFeedLegacyFormat.json", "JSON in no format explorer reads"),
    ("timelinejs3/_history/6427b9a8873e15d8f76296021e17a771d02d1586/website/templates/test/"
     "GoogleSpreadsheetFeedTJS3Format.json", "JSON in no format explorer reads"),
    ("timelinejs3/src/js/core/__tests__/parser_test.csv", "no column holds the date"),
    ("web-annotation/recogito2-native/text-annotation.json", "Recogito 2's own annotation model"),
    ("web-annotation/recogito2-native/annotation-with-relation.json", "Recogito 2's own annotation model"),
]

#: graph samples: file, nodes, edges (the items come in without passages)
GRAPHS = [
    ("gexf/gephi-gexf-gh-pages/data/basic.gexf", 2, 1),
    ("gexf/gephi-gexf-gh-pages/data/data.gexf", 4, 5),
    ("gexf/gephi-gexf-gh-pages/data/dynamics.gexf", 4, 5),
    ("gexf/gephi-gexf-gh-pages/data/dynamics_openintervals.gexf", 2, 1),
    ("gexf/gephi-gexf-gh-pages/data/viz.gexf", 1, 0),
    ("gexf/gephi-tests/dynamicedgeweight.gexf", 2, 1),
    ("gexf/gephi-tests/includenullattvalues.gexf", 2, 1),
    ("gexf/gephi-tests/infinity.gexf", 1, 0),
    ("gexf/gephi-tests/timezone.gexf", 2, 1),
    ("gexf/micahstubbs-les-miserables.gexf", 77, 254),
    ("graphml/gephi-tests/cdata.graphml", 2, 1),
    ("graphml/gephi-tests/withdesc.graphml", 2, 1),
    ("generated-by-networkx-3.6.1/basic_nx.gexf", 2, 1),
    ("generated-by-networkx-3.6.1/basic_nx13.gexf", 2, 1),
    ("generated-by-networkx-3.6.1/basic_nx.graphml", 2, 1),
    ("generated-by-networkx-3.6.1/dynamic_nx.gexf", 2, 1),
    ("generated-by-networkx-3.6.1/int_start_bce_nx.gexf", 1, 0),
]


def test_the_samples_are_there():
    assert (SAMPLES / "MANIFEST.md").is_file(), f"the interop samples belong in {SAMPLES} (beside the repository)"


@pytest.mark.parametrize("name, fmt, events, themes, problems, precisions", IMPORTED,
                         ids=[Path(row[0]).name + ":" + row[0].split("/")[-2] for row in IMPORTED])
def test_sample_imports(tmp_path, name, fmt, events, themes, problems, precisions):
    path = SAMPLES / name
    plan = read_file(path)
    assert plan.format == fmt
    assert len(plan.events) == events
    assert len(plan.themes) == themes
    assert len(plan.problems) == problems, [str(p) for p in plan.problems]
    assert dict(Counter(e.start.precision.name for e in plan.events)) == precisions
    for p in plan.problems:
        assert str(p).startswith(f"{path.name}: ")  # FILE: WHERE: WHAT
    if not events:
        return
    ws = Workspace(Corpus(root=tmp_path / "c"))
    result = apply_plan(ws, plan)
    assert not result.problems
    assert len(ws.corpus.events) == events
    assert not ws.corpus.unsupported_ids()  # each event is backed by its block of the imported text
    for ev in ws.corpus.events:
        quote = ws.corpus.get(ev.passages[0]).quote
        assert ev.title in quote
    ws.save(tmp_path / "c")
    assert not load_corpus(tmp_path / "c").problems


@pytest.mark.parametrize("name, message", REFUSED, ids=[row[0].split("/")[-1] for row in REFUSED])
def test_sample_refused_clearly(name, message):
    path = SAMPLES / name
    with pytest.raises(InteropError) as err:
        read_file(path)
    assert str(err.value).startswith(path.name + ": ") and message in str(err.value)


@pytest.mark.parametrize("name, nodes, edges", GRAPHS, ids=[row[0].split("/")[-1] for row in GRAPHS])
def test_graph_sample_imports(tmp_path, name, nodes, edges):
    plan = read_file(SAMPLES / name)
    ws = Workspace(Corpus(root=tmp_path))
    apply_plan(ws, plan)
    assert len(ws.corpus.entities) + len(ws.corpus.experts) == nodes
    assert len(ws.corpus.relationships) == edges
    # no text: kept as unsupported, and said so
    assert len(ws.corpus.unsupported_ids()) == nodes + edges
    assert any("no passage" in n for n in plan.notes)


# -- what the files exercise ------------------------------------------------------------------------------

def test_timelinejs_year_only_stays_a_year_and_spans_keep_their_end():
    plan = read_file(SAMPLES / "timelinejs3/contrib/women_in_computing.json")
    by_title = {e.title: e for e in plan.events}
    eniac = by_title["...And the women who made it work"]
    assert str(eniac.start) == "1943-07" and str(eniac.end) == "1946"  # never 1 January
    ada = by_title["Ada Lovelace"]
    assert (str(ada.start), str(ada.end)) == ("1815-12-10", "1852-11-27")
    assert plan.title == "Women in Computing"


def test_timelinejs_eras_in_a_lane_of_their_own_and_groups_as_themes():
    plan = read_file(SAMPLES / "timelinejs3/src/template/eras.json")
    eras = [e for e in plan.events if e.themes == ["t:eras"]]
    assert len(eras) == 3 and eras[0].title == "Era Test 650-700"
    assert all(e.end is not None for e in eras)
    assert all(not e.themes for e in plan.events if e not in eras)
    plan = read_file(SAMPLES / (H + "group_sample.json"))
    assert len(plan.themes) == 4 and all(len(e.themes) == 1 for e in plan.events)


def test_timelinejs_html_is_read_as_plain_text():
    plan = read_file(SAMPLES / "timelinejs3/website/examples/soundcite/timeline3.json")
    text = " ".join(e.summary for e in plan.events)
    assert "How Will I Know?" in text and "soundcite" not in text and "<" not in text
    plan = read_file(SAMPLES / "timelinejs-others/sobach-msk-bomb-hoax-timeline.json")
    assert all("&quot;" not in e.summary for e in plan.events)
    assert any('"' in e.summary for e in plan.events)


def test_timelinejs_media_credit_and_caption_kept_as_a_note():
    plan = read_file(SAMPLES / "timelinejs3/website/examples/twain/marktwain.json")
    assert any("Media: " in e.summary for e in plan.events)


def test_timelinejs_event_without_start_date_is_named():
    plan = read_file(SAMPLES / (H + "error_message_test.json"))
    assert [str(p) for p in plan.problems] == [
        "error_message_test.json: events[9]: no start_date; the slide is left out (Hawaii)"]


def test_timelinejs_bce_years_are_kept_as_years_bce():
    """TimelineJS shows ``year: -5410`` as "5410 BCE": explorer keeps it as that year (historical numbering,
    no year 0), at year precision, in timeline order."""
    plan = read_file(SAMPLES / (H + "years.json"))
    assert not plan.problems
    starts = [e.start for e in plan.events]
    assert [str(d) for d in starts] == ["-5410", "-2520", "-2010", "-1450", "-0258"]
    assert [d.display() for d in starts][0] == "5410 BCE" and starts[-1].display() == "258 BCE"
    assert all(d.precision.name == "YEAR" for d in starts)
    assert sorted(starts) == starts and starts[0].start_seconds < starts[-1].start_seconds < 0


def test_timelinejs_cosmological_years_and_year_zero_are_reported():
    plan = read_file(SAMPLES / (H + "cosmological.json"))
    problems = [str(p) for p in plan.problems]
    assert "the year -13798000000 (13,798,000,000 BCE) cannot be kept: explorer's dates run from 9999 BCE" \
        in problems[0]
    assert "events[5].start_date: the year 0 cannot be kept: there is no year 0" in problems[5]
    assert not plan.events


def test_timelinejs_time_of_day_is_kept_as_the_date_text():
    plan = read_file(SAMPLES / "timelinejs3/website/examples/twain/marktwain.json")
    timed = [e for e in plan.events if e.date_text and ":" in e.date_text]
    assert timed and all(e.start.precision.name == "DAY" for e in timed)


def test_acled_layout_without_a_mapping():
    plan = read_file(SAMPLES / "event-csv/aschharwood-acled-2016-excerpt.csv")
    assert any("ACLED layout" in n for n in plan.notes)
    names = sorted(e.name for e in plan.entities.values())
    assert len(names) == 6 and all(e.kind == "group" for e in plan.entities.values())
    assert {t.name for t in plan.themes.values()} == {"Riots/Protests", "Remote violence"}
    assert all(e.summary for e in plan.events)  # the notes


def test_vis_range_and_point():
    plan = read_file(SAMPLES / "vis-timeline/basic.json")
    by_title = {e.title: e for e in plan.events}
    assert (str(by_title["item 4"].start), str(by_title["item 4"].end)) == ("2014-04-16", "2014-04-19")
    assert by_title["item 6"].end is None
