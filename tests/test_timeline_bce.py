"""BCE years where a user meets them: a corpus of events from 500 BCE to 30 CE loads and saves ("-0500"), the
timeline draws them in order, its date axis reads '500 BCE' ... '1 CE' with no year 0 at several zooms (years,
decades, centuries, months, days), the inspector says '500 BCE' and the editor shows and takes '44 BC'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import anchored_passage, write_corpus_folder
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from qt_helpers import type_text

from explorer.core import PartialDate, load_corpus
from explorer.core.model import daycount
from explorer.qt.views.timeline import TimelineView, format_range

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the (keyboard|mouse))")

TEXT = ("A colony was founded about 500 BCE. Marathon was fought in September 490 BCE. The war lasted from 431 "
        "to 404 BCE. Agrigentum fell in 258 BCE. Caesar died on 15 March 44 BCE. Augustus died on 19 August 14 "
        "CE. A census ran from 2 BCE to 2 CE. Tradition puts the crucifixion in 30 CE. Rome fought Carthage from "
        "264 to 241 BCE.\n")
#: id, title, start, end, quote
EVENTS = [
    ("ev-colony", "Founding of a colony", "-0500", None, "A colony was founded about 500 BCE."),
    ("ev-marathon", "Battle of Marathon", "-0490-09", None, "Marathon was fought in September 490 BCE."),
    ("ev-war", "Peloponnesian War", "-0431", "-0404", "The war lasted from 431 to 404 BCE."),
    ("ev-agrigentum", "Agrigentum falls", "-0258", None, "Agrigentum fell in 258 BCE."),
    ("ev-ides", "Ides of March", "-0044-03-15", None, "Caesar died on 15 March 44 BCE."),
    ("ev-augustus", "Augustus dies", "0014-08-19", None, "Augustus died on 19 August 14 CE."),
    ("ev-census", "A census across the era", "-0002", "0002", "A census ran from 2 BCE to 2 CE."),
    ("ev-cross", "Crucifixion (traditional date)", "0030", None, "Tradition puts the crucifixion in 30 CE."),
]
ORDER = ["ev-colony", "ev-marathon", "ev-war", "ev-agrigentum", "ev-ides", "ev-census", "ev-augustus", "ev-cross"]


def write_antiquity(root: Path) -> Path:
    passages, events = [], []
    for eid, title, start, end, quote in EVENTS:
        pid = "p-" + eid[3:]
        passages.append(anchored_passage(pid, "doc", TEXT, quote))
        events.append({"id": eid, "title": title, "start": start, **({"end": end} if end else {}),
                       "themes": ["th-rome" if eid in ("ev-ides", "ev-augustus", "ev-cross", "ev-census",
                                                       "ev-agrigentum") else "th-greece"],
                       "passages": [pid]})
    files = {
        "corpus.json": {"title": "Antiquity"},
        "documents.json": [{"id": "doc", "title": "Notes", "author": "A. Historian", "date": "2020", "file": "a.txt"}],
        "passages.json": [*passages, anchored_passage("p-punic", "doc", TEXT,
                                                      "Rome fought Carthage from 264 to 241 BCE.")],
        "themes.json": [{"id": "th-rome", "name": "Rome", "passages": ["p-ides"]},
                        {"id": "th-greece", "name": "Greece", "passages": ["p-colony"]}],
        "events.json": events,
        "entities.json": [{"id": "en-rome", "name": "Rome", "kind": "country", "passages": ["p-punic"]},
                          {"id": "en-carthage", "name": "Carthage", "kind": "country", "passages": ["p-punic"]}],
        "relationships.json": [{"id": "rel-punic", "source": "en-rome", "target": "en-carthage", "kind": "at war with",
                                "start": "-0264", "end": "-0241", "passages": ["p-punic"]}],
    }
    return write_corpus_folder(root, {"a.txt": TEXT}, files)


@pytest.fixture()
def corpus(tmp_path):
    """The antiquity corpus (overrides the default corpus for ``state`` and ``make_view``)."""
    loaded = load_corpus(write_antiquity(tmp_path / "antiquity"))
    assert loaded.problems == []
    return loaded


def settle(view) -> None:
    QApplication.processEvents()
    view.plot_widget.viewport().repaint()


def test_the_corpus_loads_and_saves_bce_dates(corpus, state, tmp_path):
    assert str(corpus.get("ev-ides").start) == "-0044-03-15"
    assert corpus.get("ev-war").when == "431 – 404 BCE"
    assert corpus.get("ev-census").when == "2 BCE – 2 CE"
    state.workspace.save(tmp_path / "saved")
    saved = {e["id"]: e for e in json.loads((tmp_path / "saved" / "events.json").read_text(encoding="utf-8"))}
    assert saved["ev-colony"]["start"] == "-0500" and saved["ev-war"]["end"] == "-0404"
    assert saved["ev-ides"]["start"] == "-0044-03-15" and saved["ev-census"]["end"] == "0002"
    again = load_corpus(tmp_path / "saved")
    assert again.problems == [] and again.get("ev-marathon").start == PartialDate(-490, 9)


def test_the_timeline_puts_500_bce_before_258_bce_before_1_ce(make_view, state):
    view = make_view(TimelineView, 1400, 560)
    settle(view)
    assert [e.id for e in state.index.events] == ORDER
    xs = [view.event_extent(eid)[0] for eid in ORDER]
    assert xs == sorted(xs) and xs[0] == PartialDate(-500).start_seconds
    # the span across the era ends where 2 CE ends: two years and a day less than 4 (no year 0)
    x0, x1, _kind = view.event_extent("ev-census")
    assert (x0, x1) == (PartialDate(-2).start_seconds, PartialDate(2).end_seconds)
    assert (x1 - x0) / 86400 == 365 + 366 + 365 + 365  # 2 BCE, 1 BCE (leap: astronomical 0), 1 CE, 2 CE


def _labels(view, lo, hi):
    view.set_visible_range(lo, hi)
    settle(view)
    return view.axis_ticks()


def test_the_axis_reads_bce_years_and_1_ce_never_0_at_several_zooms(make_view, state, tmp_path):
    view = make_view(TimelineView, 1400, 560)
    shots = []
    # whole corpus: centuries (or half-centuries) BCE, then 1 CE
    ticks = _labels(view, PartialDate(-520).start_seconds, PartialDate(40).end_seconds)
    labels = [t for _v, t in ticks]
    assert labels[-1] == "1 CE" and "100 BCE" in labels and ("500 BCE" in labels or "450 BCE" in labels)
    assert all(t.endswith(" BCE") for t in labels[:-1])
    shots.append(view.grab())
    # decades across the turn of the era
    ticks = _labels(view, PartialDate(-60).start_seconds, PartialDate(40).start_seconds)
    labels = [t for _v, t in ticks]
    signed = [-int(t.split()[0]) if t.endswith("BCE") else int(t.split()[0]) for t in labels]
    step = signed[1] - signed[0]
    assert step in (5, 10) and "1 CE" in labels and all(t.endswith((" BCE", " CE")) for t in labels)
    assert [y for y in signed if y != 1] == [y for y in range(-55, 40) if y % step == 0 and y != 0]
    assert [v for v, _t in ticks] == [PartialDate(y).start_seconds for y in signed]
    shots.append(view.grab())
    # single years: 1 BCE is followed by 1 CE
    ticks = _labels(view, PartialDate(-3).start_seconds, PartialDate(3).start_seconds)
    years = [(v, t) for v, t in ticks if t[0].isdigit()]
    assert [t for _v, t in years] == ["2 BCE", "1 BCE", "1 CE", "2 CE"]
    assert [v for v, _t in years] == [PartialDate(y).start_seconds for y in (-2, -1, 1, 2)]
    # months of 44 BCE, the year said once
    ticks = _labels(view, PartialDate(-44, 1, 20).start_seconds, PartialDate(-44, 7).start_seconds)
    assert [t for _v, t in ticks][:2] == ["Feb 44 BCE", "Mar"]
    assert all(daycount.from_seconds(v)[1:] == (i + 2, 1) for i, (v, _t) in enumerate(ticks))
    shots.append(view.grab())
    # days around the Ides of March (a Friday in the proleptic Gregorian calendar)
    ticks = _labels(view, PartialDate(-44, 3, 12).start_seconds, PartialDate(-44, 3, 18).start_seconds)
    assert "Fri 15 Mar" in [t for _v, t in ticks]
    assert all(v % 86400 == 0 for v, _t in ticks)
    for i, pixmap in enumerate(shots):
        assert pixmap.save(str(tmp_path / f"bce-{i}.png"))


def test_far_out_the_axis_counts_millennia_bce():
    from explorer.qt.views.date_axis import TimelineDateAxis
    import pyqtgraph as pg

    axis = TimelineDateAxis("bottom")
    plot = pg.PlotWidget(axisItems={"bottom": axis})
    plot.resize(1200, 200)
    plot.show()
    plot.setXRange(PartialDate(-9000).start_seconds, PartialDate(2000).start_seconds, padding=0)
    QApplication.processEvents()
    labels = [t for _v, t in axis.current_ticks()]
    assert "5000 BCE" in labels and "1000 BCE" in labels and "1 CE" in labels and "1000 CE" in labels, labels
    plot.close()


def test_range_text_names_the_era():
    assert format_range(PartialDate(-500).start_seconds, PartialDate(-258).end_seconds) == "500 BCE – 258 BCE"
    assert format_range(PartialDate(-500).start_seconds, PartialDate(30).end_seconds) == "500 BCE – 30 CE"
    assert format_range(PartialDate(1990).start_seconds, PartialDate(2001).end_seconds) == "1990 – 2001"


def test_the_inspector_says_500_bce(make_view, state):
    from explorer.qt.views.inspector import InspectorView

    view = make_view(InspectorView, 600, 700)
    state.select("ev-colony")
    QApplication.processEvents()
    text = view.browser.toPlainText()
    assert "500 BCE" in text and "-0500" not in text
    state.select("ev-war")
    QApplication.processEvents()
    text = view.browser.toPlainText()
    assert "431 – 404 BCE" in text


def test_the_editor_shows_and_takes_bce_dates(make_view, state, qtbot):
    from explorer.qt.views.editor import EditorView

    editor = make_view(EditorView, 460, 900)
    state.select("ev-ides")
    QApplication.processEvents()
    start = editor.field("start")
    assert start.edit.text() == "15 March 44 BCE"
    assert start.hint.text() == "Day precision: 15 March 44 BCE"
    start.edit.setFocus()
    start.edit.selectAll()
    type_text(qtbot, start.edit, "March 44 BC")
    qtbot.keyClick(start.edit, Qt.Key.Key_Return)
    assert str(state.corpus.get("ev-ides").start) == "-0044-03"
    assert start.edit.text() == "March 44 BCE" and not start.error.isVisible()
    start.edit.setFocus()
    start.edit.selectAll()
    type_text(qtbot, start.edit, "0 BC")
    qtbot.keyClick(start.edit, Qt.Key.Key_Return)
    assert start.error.isVisible() and "there is no year 0" in start.error.text()
    assert str(state.corpus.get("ev-ides").start) == "-0044-03"


def test_the_date_filter_takes_and_shows_bce_years(state, qtbot):
    from explorer.qt.views.filters import FilterBar

    bar = FilterBar(state)
    qtbot.addWidget(bar)
    bar.resize(1000, 40)
    bar.show()
    dialog = bar.open_date_dialog()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.from_edit, "500 BC")
    qtbot.keyClicks(dialog.to_edit, "-0258")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert state.filters.date_from == PartialDate(-500).start_seconds
    assert state.filters.date_to == PartialDate(-258).end_seconds
    assert bar.chips() == ["Dates: 500 BCE – 258 BCE ✕"]
    assert state.is_visible("ev-war") and not state.is_visible("ev-ides") and not state.is_visible("ev-cross")
    dialog = bar.open_date_dialog()
    assert (dialog.from_edit.text(), dialog.to_edit.text()) == ("500 BCE", "258 BCE")
    dialog.reject()
    bar.close()


def test_the_reading_assistant_lists_bce_candidates_in_words():
    from explorer.core.assist.candidates import find_candidates
    from explorer.qt.views.candidates import _describe

    found = [c for c in find_candidates("Caesar was murdered in the Senate on 15 March 44 BC. The war lasted from "
                                        "431 to 404 BCE.", None) if c.kind == "event"]
    assert [c.date for c in found] == ["-0044-03-15", "-0431"]
    assert [_describe(c)[1] for c in found] == ["15 March 44 BCE · day", "431 BCE – 404 BCE · year"]


@pytest.mark.parametrize("step", [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000])
def test_year_ticks_fall_on_round_historical_years_and_1_ce(step):
    from explorer.qt.views.date_axis import next_year_tick

    def is_tick(astro: int) -> bool:
        year = daycount.historical(astro)
        return year % step == 0 or (astro == 1 and step >= 5) or step == 1

    for astro in range(-10050, 10050, 1 if step <= 2 else step // 3 + 7):
        nxt = next_year_tick(astro, step)
        assert nxt > astro and is_tick(nxt)
        assert not any(is_tick(a) for a in range(astro + 1, nxt))  # none skipped


def test_the_graph_names_a_window_across_the_era(make_view, state):
    import re

    from explorer.qt.views.graph import GraphView

    view = make_view(GraphView, 700, 500)
    state.set_time_window(PartialDate(-500).start_seconds, PartialDate(30).end_seconds)
    QApplication.processEvents()
    assert view.time_check.text() == "Filter by timeline window (500 BCE – 30 CE)"
    state.set_time_window(PartialDate(-500).start_seconds, PartialDate(-258).end_seconds)
    QApplication.processEvents()
    assert re.fullmatch(r"Filter by timeline window \(500 BCE – 258 BCE\)", view.time_check.text())
