"""The Candidates panel, driven through its widgets: find, select (marks and ghost), Accept (the form's
request, or evidence at once), Accept All Shown (one undo step, saved and reloaded), Dismiss (remembered)."""

import json

import pytest
from PySide6.QtCore import Qt

from explorer.core import Workspace, load_corpus
from explorer.core.model import PartialDate
from explorer.qt.bridge import AppState
from explorer.qt.views.candidates import CandidatesView

NEW_TEXT = ("Mekong water data\n\n"
            "On 12 March 2024, the six Mekong countries adopted the Lancang-Mekong Water Data Protocol in "
            "Vientiane. “Sharing data is the easy part,” warns Chen Haoran 陈浩然, a senior fellow at the "
            "Kunming Centre for Regional Studies. The Mekong River Commission (MRC), set up in 1995, never "
            "included China. The first shared dataset was published in May.\n")


@pytest.fixture()
def workspace(corpus_copy):
    (corpus_copy / "documents" / "mekong.txt").write_text(NEW_TEXT, encoding="utf-8")
    docs = json.loads((corpus_copy / "documents.json").read_text(encoding="utf-8"))
    docs.append({"id": "doc-mekong", "title": "Mekong water data", "date": "2024-06",
                 "file": "documents/mekong.txt"})
    (corpus_copy / "documents.json").write_text(json.dumps(docs, ensure_ascii=False, indent=2), encoding="utf-8")
    ws = Workspace.open(corpus_copy, journal=False)
    assert not ws.corpus.problems
    return ws


@pytest.fixture()
def panel(qtbot, app, workspace):
    state = AppState(workspace=workspace)
    state.set_corpus(workspace.corpus, workspace.index)
    view = CandidatesView(state)
    qtbot.addWidget(view)
    view.resize(520, 760)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close()


def find(qtbot, view, doc_id):
    i = view.doc_combo.findData(doc_id)
    assert i >= 0
    view.doc_combo.setCurrentIndex(i)
    qtbot.mouseClick(view.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.is_busy() and view.document_id == doc_id, timeout=10000)
    return view.shown()


def rows(view):
    """(group label, [row texts]) as the tree shows them."""
    out = []
    for g in range(view.tree.topLevelItemCount()):
        group = view.tree.topLevelItem(g)
        out.append((group.text(0), [group.child(i).text(0) for i in range(group.childCount())]))
    return out


def test_find_lists_candidates_by_kind_and_position_with_dates(qtbot, panel):
    shown = find(qtbot, panel, "doc-mekong")
    groups = rows(panel)
    assert [g for g, _ in groups] == ["Events (3)", "Voices (1)", "Actors (6)"]
    assert groups[0][1] == ["Six Mekong countries adopted the Lancang-Mekong Water Data Protocol…",
                            "Mekong River Commission set up", "First shared dataset was published"]
    assert groups[2][1][-1] == "Add as evidence for China"
    events = [c for c in shown if c.kind == "event"]
    assert [(c.date, c.precision, c.inferred) for c in events] == [("2024-03-12", "day", False),
                                                                   ("1995", "year", False),
                                                                   ("2024-05", "month", True)]
    event_rows = [panel.tree.topLevelItem(0).child(i) for i in range(3)]
    assert [r.data(0, Qt.ItemDataRole.UserRole + 2) for r in event_rows] == ["2024-03-12 · day", "1995 · year", "2024-05 · month · inferred"]
    voice = next(c for c in shown if c.kind == "expert")
    assert (voice.name, voice.native_name, voice.match) == ("Chen Haoran", "陈浩然", None)
    china = next(c for c in shown if c.kind == "entity" and c.name == "China")
    assert china.match == "ent-china"  # already in the corpus: offered as evidence
    assert "offer evidence" in panel.status.text()


def test_selecting_a_candidate_marks_the_document_and_shows_a_ghost(qtbot, panel):
    marks, ghosts, reveals = [], [], []
    panel.state.candidateMarksChanged.connect(lambda d, m: marks.append((d, m)))
    panel.state.ghostChanged.connect(ghosts.append)
    panel.state.revealRequested.connect(lambda d, s, e: reveals.append((d, s, e)))
    find(qtbot, panel, "doc-mekong")
    item = panel.tree.topLevelItem(0).child(0)
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    c = panel.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 1)
    assert c.date == "2024-03-12"
    doc_id, spans = marks[-1]
    assert doc_id == "doc-mekong"
    assert spans[0][:2] == (c.passage_start, c.passage_end) and "Candidate" in spans[0][2]
    assert len(spans) == len(panel.shown())  # the others by their mentions
    day = PartialDate.parse("2024-03-12")
    assert ghosts[-1] == (day.start_seconds, day.end_seconds, c.title)
    assert reveals[-1] == ("doc-mekong", c.passage_start, c.passage_end)
    assert "adopted the Lancang-Mekong Water Data Protocol" in panel.passage.toPlainText()
    # a voice has no date: the ghost is cleared
    panel.tree.setCurrentItem(panel.tree.topLevelItem(1).child(0))
    assert ghosts[-1] is None


def test_accept_opens_the_form_prefilled(qtbot, panel):
    requests = []
    panel.state.itemFormRequested.connect(requests.append)
    find(qtbot, panel, "doc-mekong")
    voices = panel.tree.topLevelItem(1)
    panel.tree.setCurrentItem(voices.child(0))
    assert panel.accept_button.text() == "Accept…"
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    req = requests[-1]
    assert req["kind"] == "expert" and req["document"] == "doc-mekong"
    assert (req["name"], req["native_name"]) == ("Chen Haoran", "陈浩然")
    assert NEW_TEXT[req["start"]:req["end"]] == req["quote"] and "warns Chen Haoran" in req["quote"]
    assert req["affiliation"] == "Kunming Centre for Regional Studies" and req["role"] == "senior fellow"
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0).child(2))
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    req = requests[-1]
    assert (req["kind"], req["date"], req["precision"], req["inferred"]) == ("event", "2024-05", "month", True)
    assert not panel.state.workspace.stack.can_undo()  # nothing is created until the form is accepted


def test_accept_an_offer_of_evidence_is_one_undoable_step(qtbot, panel):
    find(qtbot, panel, "doc-mekong")
    ws = panel.state.workspace
    before = list(ws.corpus.get("ent-china").passages)
    china = next(c for c in panel.shown() if c.match == "ent-china")
    panel.select_candidate(china)
    assert panel.accept_button.text() == "Add Evidence"
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    after = ws.corpus.get("ent-china").passages
    assert len(after) == len(before) + 1
    added = ws.corpus.get(after[-1])
    assert added.document == "doc-mekong" and added.quote == china.quote
    assert ws.stack.undo_label() == "Add Evidence"
    assert china.key not in {c.key for c in panel.shown()}
    ws.undo()
    assert ws.corpus.get("ent-china").passages == before and ws.corpus.get(added.id) is None
    qtbot.waitUntil(lambda: not panel.is_busy() and any(c.match == "ent-china" for c in panel.shown()),
                    timeout=10000)  # undone: offered again


def test_accept_all_shown_saved_and_reloaded(qtbot, panel, corpus_copy):
    find(qtbot, panel, "doc-mekong")
    panel.filter_combo.setCurrentIndex(panel.filter_combo.findData("event"))
    assert rows(panel) == [("Events (3)", [c.title for c in panel.shown()])]
    ws = panel.state.workspace
    n_events = len(ws.corpus.items_of("event"))
    qtbot.mouseClick(panel.accept_all_button, Qt.MouseButton.LeftButton)
    assert len(ws.corpus.items_of("event")) == n_events + 3
    assert ws.stack.undo_label() == "Accept 3 Candidates"
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=10000)
    assert [c for c in panel.candidates if c.kind == "event"] == []  # accepted: no longer offered
    ws.save()
    reloaded = load_corpus(corpus_copy)
    assert not reloaded.problems
    new = [e for e in reloaded.items_of("event")][-3:]
    assert [(str(e.start), e.inferred, e.date_text) for e in new] == [("2024-03-12", False, "12 March 2024"),
                                                                       ("1995", False, "1995"),
                                                                       ("2024-05", True, "May")]
    for e in new:
        p = reloaded.get(e.passages[0])
        doc = reloaded.get(p.document)
        assert p.document == "doc-mekong" and doc.text[p.start:p.end] == p.quote
    ws.undo()
    assert len(ws.corpus.items_of("event")) == n_events


def test_dismiss_is_remembered_for_the_document(qtbot, panel, workspace, app):
    find(qtbot, panel, "doc-mekong")
    first = panel.tree.topLevelItem(0).child(1)
    panel.tree.setCurrentItem(first)
    gone = first.data(0, Qt.ItemDataRole.UserRole + 1)
    assert gone.date == "1995"
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert gone.key not in {c.key for c in panel.shown()}
    assert not panel.state.workspace.stack.can_undo()  # a dismissal is not an edit of the corpus
    # another session on the same corpus folder: not offered again; other documents keep theirs
    state2 = AppState(workspace=Workspace.open(workspace.corpus.root, journal=False))
    state2.set_corpus(state2.workspace.corpus, state2.workspace.index)
    other = CandidatesView(state2)
    qtbot.addWidget(other)
    shown = find(qtbot, other, "doc-mekong")
    assert [c.date for c in shown if c.kind == "event"] == ["2024-03-12", "2024-05"]
    # the Dismissed filter lists it, and Restore offers it again (for good, too)
    other.filter_combo.setCurrentIndex(other.filter_combo.findData("dismissed"))
    assert other.filter_combo.currentText() == "Dismissed (1)" and [c.key for c in other.shown()] == [gone.key]
    other.tree.setCurrentItem(other.tree.topLevelItem(0).child(0))
    assert other.dismiss_button.text() == "Restore" and not other.accept_button.isEnabled()
    qtbot.mouseClick(other.dismiss_button, Qt.MouseButton.LeftButton)
    assert other.shown() == [] and other.filter_combo.currentText() == "Dismissed"
    other.filter_combo.setCurrentIndex(other.filter_combo.findData("event"))
    assert [c.date for c in other.shown()] == ["2024-03-12", "1995", "2024-05"]
    other.close()


def test_keys_enter_accepts_and_delete_dismisses(qtbot, panel):
    requests = []
    panel.state.itemFormRequested.connect(requests.append)
    find(qtbot, panel, "doc-mekong")
    panel.tree.setFocus()
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0).child(0))
    first = panel.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 1)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert requests and requests[-1]["date"] == first.date
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert first.key not in {c.key for c in panel.shown()} and [c.key for c in panel.dismissed] == [first.key]


def test_tools_find_candidates_in_the_window(qtbot, app, workspace):
    from explorer.qt.window.main_window import MainWindow

    state = AppState(workspace=workspace)
    win = MainWindow(state, use_settings=False)
    qtbot.addWidget(win)
    state.set_corpus(workspace.corpus, workspace.index)
    win.show()
    qtbot.waitExposed(win)
    state.select("doc-mekong")
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Tools")
    assert [a.text() for a in menu.actions()] == ["Find &Candidates"]
    win.act_find_candidates.trigger()
    panel = win.candidates
    qtbot.waitUntil(lambda: not panel.is_busy() and panel.document_id is not None, timeout=10000)
    assert win.docks["candidates"].isVisible()
    assert panel.document_id == (win.documents.current_document_id() or "doc-mekong")
    assert panel.shown()
    # Accept opens the real New Event form, filled in; accepting it creates the event with its passage
    event = next(c for c in panel.shown() if c.kind == "event" and c.date == "2024-05")
    panel.select_candidate(event)
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    form = win.item_form
    assert form is not None
    assert form.fields["title"].value() == event.title and form.fields["start"].value() == "2024-05"
    assert form.fields["inferred"].value() is True
    form.accept()
    new = workspace.corpus.get(form.new_id)
    assert str(new.start) == "2024-05" and new.inferred
    assert workspace.corpus.get(new.passages[0]).quote == event.quote
    qtbot.waitUntil(lambda: not panel.is_busy() and all(c.key != event.key for c in panel.candidates),
                    timeout=10000)
    win.close()


def test_a_document_added_to_the_corpus_is_read_at_once(qtbot, panel):
    from explorer.core.commands import AddDocument

    panel.state.do(AddDocument(title="Note", text="The port opened on 2 May 2022, said Mayor Anna Berg."))
    qtbot.waitUntil(lambda: not panel.is_busy() and panel.document_id is not None
                    and panel.state.corpus.get(panel.document_id).title == "Note", timeout=10000)
    assert panel.doc_combo.currentText() == "Note"
    assert [(c.kind, c.date or c.name) for c in panel.shown()] == [("event", "2022-05-02"), ("expert", "Anna Berg")]


def test_a_megabyte_document_is_read_off_the_ui_thread_with_progress(qtbot, panel):
    from explorer.core.commands import AddDocument

    block = NEW_TEXT.split("\n\n", 1)[1] + "\n"
    panel.state.do(AddDocument(title="Big", text=block * (1_000_000 // len(block) + 1)))
    # the new document is being read: the panel says so and the UI thread goes on handling events
    assert panel.is_busy() and panel.progress.isVisible() and panel.status.text().startswith("Reading Big")
    seen = []
    qtbot.waitUntil(lambda: seen.append(panel.progress.value()) or not panel.is_busy(), timeout=60000)
    assert not panel.progress.isVisible()
    assert len(set(seen)) > 1  # the bar moved while the UI thread kept running
    events = [c for c in panel.candidates if c.kind == "event"]
    copies = panel.state.corpus.get(panel.document_id).text.count(block)
    # the document has no date: "in May" cannot be placed in a year and is left out; the two dated ones stay
    assert len(events) == 2 * copies and {c.date for c in events} == {"2024-03-12", "1995"}


def test_the_dock_starts_hidden_and_hiding_it_clears_the_marks(qtbot, app, workspace):
    from explorer.qt.window.main_window import MainWindow

    state = AppState(workspace=workspace)
    win = MainWindow(state, use_settings=False)
    qtbot.addWidget(win)
    state.set_corpus(workspace.corpus, workspace.index)
    win.show()
    qtbot.waitExposed(win)
    assert not win.docks["candidates"].isVisible()  # a tool, opened from the Tools menu or View menu
    marks, ghosts = [], []
    state.candidateMarksChanged.connect(lambda d, m: marks.append((d, m)))
    state.ghostChanged.connect(ghosts.append)
    state.select("doc-mekong")
    win.act_find_candidates.trigger()
    panel = win.candidates
    qtbot.waitUntil(lambda: not panel.is_busy() and bool(panel.shown()), timeout=10000)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0).child(1))
    assert marks[-1][1] and ghosts[-1] is not None
    win.docks["candidates"].close()
    assert marks[-1] == ("doc-mekong", []) and ghosts[-1] is None
    win.close()
