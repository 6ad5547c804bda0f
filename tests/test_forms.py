"""The new-item forms: pre-filled from what the gesture knows (a selection's date at the precision written, its
title, a voice's name and native name, a timeline date, a graph link's ends), a refused date said under the
field, and accepting as ONE undo step (the passage and the item); Cancel creates nothing; without a passage
the item is unsupported. The window opens a form for each ``state.itemFormRequested``."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from conftest import anchored_passage, open_window, write_corpus_folder
from qt_helpers import type_text

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the (keyboard|mouse))")

TEXT = ("🛰 Briefing.\n"  # a character outside the Basic Multilingual Plane before every selection
        "On 16 Sep 2019, NATO leaders met in London.\n"
        "Warns veteran Russianist Lu Nanquan 陆南泉, trade is cooling.\n"
        "The pipeline opened in December 2019.\n"
        "Trade grew in 2017 by a third.\n"
        "Talks ended on December 15 with a deal.\n")


@pytest.fixture()
def folder(tmp_path):
    files = {
        "corpus.json": {"title": "Forms"},
        "documents.json": [{"id": "doc-b", "title": "Briefing", "date": "2021-12", "file": "b.txt"}],
        "passages.json": [anchored_passage("p-trade", "doc-b", TEXT, "Trade grew in 2017 by a third.")],
        "themes.json": [{"id": "theme-trade", "name": "Trade", "passages": ["p-trade"]}],
        "entities.json": [{"id": "ent-china", "name": "China", "kind": "country", "passages": ["p-trade"]},
                          {"id": "ent-russia", "name": "Russia", "kind": "country", "passages": ["p-trade"]}],
    }
    return write_corpus_folder(tmp_path / "forms", {"b.txt": TEXT}, files)


@pytest.fixture()
def st(app, folder):
    from explorer.core.io.open import open_corpus
    from explorer.qt.bridge import AppState

    state = AppState()
    state.set_corpus(open_corpus(folder))
    yield state
    state.deleteLater()


@pytest.fixture()
def make_form(qtbot, st):
    from explorer.qt.window.forms import ItemForm

    def make(kind, **request):
        form = ItemForm(st, {"kind": kind, **request})
        qtbot.addWidget(form)
        form.show()
        qtbot.waitExposed(form)
        return form

    return make


def selection(quote):
    start = TEXT.index(quote)
    return {"document": "doc-b", "start": start, "end": start + len(quote), "quote": quote}


@pytest.mark.parametrize("quote, start, precision, inferred, title", [
    ("On 16 Sep 2019, NATO leaders met in London.", "2019-09-16", "day", False, "NATO leaders met in London"),
    ("The pipeline opened in December 2019.", "2019-12", "month", False, "The pipeline opened"),
    ("Trade grew in 2017 by a third.", "2017", "year", False, "Trade grew in 2017 by a third"),
    ("Talks ended on December 15 with a deal.", "2021-12-15", "day", True, "Talks ended on December 15 with a deal"),
])
def test_a_new_event_takes_its_date_at_the_precision_written_and_a_title_from_the_selection(
        make_form, st, quote, start, precision, inferred, title):
    form = make_form("event", **selection(quote))
    assert form.field("start").edit.text() == start
    assert form.field("start").hint.text().startswith(f"{precision.capitalize()} precision: ")
    assert form.field("inferred").isChecked() is inferred
    assert form.field("title").text() == title
    assert quote in form.findChild(type(form.message), "formEvidence").text()
    form.create_button.click()
    event = st.corpus.get(form.new_id)
    assert str(event.start) == start and event.title == title and event.inferred is inferred
    passage = st.corpus.get(event.passages[0])
    assert passage.quote == quote and TEXT[passage.start:passage.end] == quote  # code points, after the 🛰
    assert st.selection == form.new_id


def test_accepting_is_one_undo_step_and_reuses_an_identical_passage(make_form, st):
    before = st.corpus.snapshot()
    form = make_form("event", **selection("The pipeline opened in December 2019."))
    form.create_button.click()
    stack = st.workspace.stack
    assert stack.index == 1 and stack.undo_label() == "New Event ‘The pipeline opened’"
    st.undo()
    assert st.corpus.snapshot() == before  # the passage went with the event
    st.redo()
    n_passages = len(st.corpus.passages)
    again = make_form("event", **selection("Trade grew in 2017 by a third."))
    again.create_button.click()
    assert st.corpus.get(again.new_id).passages == ["p-trade"] and len(st.corpus.passages) == n_passages


def test_cancel_creates_nothing(make_form, st):
    before = st.corpus.snapshot()
    form = make_form("event", **selection("On 16 Sep 2019, NATO leaders met in London."))
    form.reject()
    assert st.corpus.snapshot() == before and st.workspace.stack.index == 0


def test_a_new_voice_takes_the_name_and_native_name_of_the_selection(make_form, st):
    form = make_form("expert", **selection("Lu Nanquan 陆南泉"))
    assert form.field("name").text() == "Lu Nanquan" and form.field("native_name").text() == "陆南泉"
    form.field("voice").setCurrentIndex(form.field("voice").findData("official"))
    form.create_button.click()
    voice = st.corpus.get(form.new_id)
    assert (voice.name, voice.native_name, voice.voice) == ("Lu Nanquan", "陆南泉", "official")
    assert st.corpus.get(voice.passages[0]).quote == "Lu Nanquan 陆南泉"


def test_a_new_actor_from_a_selection(make_form, st):
    form = make_form("entity", **selection("NATO"))
    assert form.field("name").text() == "NATO"
    form.field("kind").setCurrentIndex(form.field("kind").findData("organisation"))
    form.create_button.click()
    assert st.corpus.get(form.new_id).name == "NATO" and st.corpus.get(form.new_id).kind == "organisation"


def test_a_refused_date_stops_the_form_and_says_why_under_the_field(qtbot, make_form, st):
    form = make_form("event")
    type_text(qtbot, form.field("title"), "Summit")
    date = form.field("start")
    type_text(qtbot, date.edit, "31 June 2019")
    form.create_button.click()
    assert form.isVisible() and date.error.isVisible() and "June 2019 has no day 31" in date.error.text()
    assert st.workspace.stack.index == 0
    date.edit.clear()
    type_text(qtbot, date.edit, "30 June 2019")
    type_text(qtbot, form.field("end").edit, "2018")
    form.create_button.click()
    assert form.field("end").error.isVisible() and "before the start" in form.field("end").error.text()
    form.field("end").edit.clear()
    form.create_button.click()
    assert str(st.corpus.get(form.new_id).start) == "2019-06-30"


def test_a_form_without_a_passage_makes_an_unsupported_item(qtbot, make_form, st):
    form = make_form("event")
    evidence = form.findChild(type(form.message), "formEvidence")
    assert "No passage yet" in evidence.text() and "unsupported" in evidence.text()
    type_text(qtbot, form.field("title"), "Unsourced meeting")
    qtbot.keyClick(form.field("title"), Qt.Key.Key_Return)  # Enter accepts the form... once the date is there
    assert form.isVisible() and "a date is needed" in form.field("start").error.text().lower()
    type_text(qtbot, form.field("start").edit, "2020")
    qtbot.keyClick(form.field("start").edit, Qt.Key.Key_Return)
    assert not form.isVisible()
    assert st.corpus.is_unsupported(form.new_id) and st.corpus.get(form.new_id).passages == []


def test_a_theme_and_a_relationship_from_a_graph_link(qtbot, make_form, st):
    form = make_form("relationship", source="ent-china", target="ent-russia")
    assert form.field("source").edit.text() == "China" and form.field("target").edit.text() == "Russia"
    form.create_button.click()
    assert form.isVisible() and "needs a relation" in form.message.text()
    type_text(qtbot, form.field("kind"), "partners with")
    form.create_button.click()
    rel = st.corpus.get(form.new_id)
    assert (rel.source, rel.kind, rel.target) == ("ent-china", "partners with", "ent-russia")
    theme = make_form("theme", **selection("trade is cooling"))
    assert theme.field("name").text() == "trade is cooling"
    type_text(qtbot, theme.field("color").edit, "#123456")
    theme.create_button.click()
    assert st.corpus.get(theme.new_id).color == "#123456"


def test_a_timeline_double_click_gives_the_date_and_the_theme(make_form, st):
    form = make_form("event", date="2019-03", theme="theme-trade")
    assert form.field("start").edit.text() == "2019-03" and form.field("start").hint.text() == "Month precision: March 2019"
    assert form.field("themes").value() == ["theme-trade"]


def test_the_window_opens_a_form_for_each_request_and_edit_new_opens_an_empty_one(app, qtbot, folder):
    win = open_window(qtbot, folder, use_settings=False)
    win.state.request_item_form("expert", **selection("Lu Nanquan 陆南泉"))
    form = win.item_form
    assert form is not None and form.isVisible() and form.field("native_name").text() == "陆南泉"
    form.create_button.click()
    assert win.item_form is None and win.state.kind() == "expert"
    assert win.act_undo.text() == "&Undo New Voice ‘Lu Nanquan’"
    texts = [a.text() for a in win.menuBar().actions()[1].menu().actions()]
    for text in ("New &Event…", "New &Voice…", "New &Actor…", "New &Relationship…", "New &Theme…", "&Delete…",
                 "&Merge Into…", "&History…"):
        assert text in texts
    win.act_new["entity"].trigger()
    assert win.item_form.windowTitle() == "New Actor" and win.item_form.field("name").text() == ""
    type_text(qtbot, win.item_form.field("name"), "Gazprom")
    win.item_form.create_button.click()
    assert win.state.item().name == "Gazprom" and win.state.corpus.is_unsupported(win.state.selection)
    assert win.inspector_tabs.currentWidget() is win.editor and win.editor.banner.isVisible()
    win.close()


def test_what_the_reading_assistant_found_fills_the_form(make_form, st):
    quote = "Talks ended on December 15 with a deal."
    form = make_form("event", **selection(quote), title="Talks end in a deal", date="2021-12-15", end_date=None,
                     precision="day", inferred=True, date_text="December 15")
    assert form.field("title").text() == "Talks end in a deal" and form.field("start").edit.text() == "2021-12-15"
    assert form.field("inferred").isChecked() and form.field("date_text").text() == "December 15"
    voice = make_form("expert", **selection("Lu Nanquan 陆南泉"), name="Lu Nanquan", native_name="陆南泉",
                      role="veteran Russianist", affiliation="CASS", voice="commentator")
    assert (voice.field("role").text(), voice.field("affiliation").text(), voice.field("voice").value()) == \
        ("veteran Russianist", "CASS", "commentator")
    actor = make_form("entity", **selection("NATO"), name="NATO", entity_kind="group",
                      aliases=["North Atlantic Treaty Organization"])
    assert actor.field("kind").value() == "group"
    actor.create_button.click()
    assert st.corpus.get(actor.new_id).aliases == ["North Atlantic Treaty Organization"]
