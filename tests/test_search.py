"""The search panel: real typing in the line edit, Enter and clicks on results, Find Next / Previous."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from qt_helpers import type_text

from explorer.core.index import fold
from explorer.qt.views.search import GROUPS, SearchView


@pytest.fixture()
def view(make_view):
    return make_view(SearchView, 420, 700)


def search(qtbot, view, text):
    view.line_edit.selectAll()
    qtbot.keyClick(view.line_edit, Qt.Key.Key_Backspace)
    type_text(qtbot, view.line_edit, text)
    assert view.line_edit.text() == text
    qtbot.waitUntil(lambda: view.query == text, timeout=2000)  # after the debounce


def test_the_line_edit_is_ready(view):
    assert view.line_edit.placeholderText() == "Search documents, people, events…"
    assert view.line_edit.isClearButtonEnabled()
    assert view.result_ids() == []


def test_typing_is_debounced_and_tells_the_state(view, qtbot, state):
    type_text(qtbot, view.line_edit, "Arct")
    assert state.search_query == ""  # not yet: the search waits for a pause in typing
    with qtbot.waitSignal(state.searchChanged, timeout=2000) as blocker:
        pass
    assert blocker.args == ["Arct"]
    assert view.result_ids()


def test_a_phrase_from_a_document_is_found_and_enter_reveals_it(view, qtbot, state):
    doc = state.corpus.documents[0]
    start = doc.text.index(". ", len(doc.text) // 2) + 2
    phrase = " ".join(doc.text[start:start + 40].split()[:5])
    search(qtbot, view, phrase)
    matches = [r for r in view.result_ids() if r[0] == "document"]
    assert ("document", doc.id, start) in matches
    assert view.group_titles()[-1].startswith("Documents")
    # the phrase occurs only in the document text: the first result is the match; Enter reveals it
    assert view.result_ids()[0] == ("document", doc.id, start)
    with qtbot.waitSignal(state.revealRequested, timeout=1000) as blocker:
        qtbot.keyClick(view.line_edit, Qt.Key.Key_Return)
    doc_id, s, e = blocker.args
    assert (doc_id, s) == (doc.id, start)
    assert fold(doc.text[s:e]) == fold(phrase)
    assert state.selection == doc.id


def test_a_chinese_name_finds_the_expert(view, qtbot, state):
    expert = next(e for e in state.corpus.experts if e.native_name == "邢广程")
    search(qtbot, view, "邢广程")
    assert ("expert", expert.id, -1) in view.result_ids()
    assert any(t.startswith("Experts") for t in view.group_titles())


def test_search_ignores_case_and_accents(view, qtbot, state):
    expert = next(e for e in state.corpus.experts if e.name == "Xing Guangcheng")
    search(qtbot, view, "XING guangcheng")
    assert ("expert", expert.id, -1) in view.result_ids()
    search(qtbot, view, "melee")
    found = [r for r in view.result_ids() if r[0] == "document"]
    assert found
    for _, doc_id, start in found:
        text = state.index.items[doc_id].text
        assert fold(text[start:start + 5]) == "melee"
    assert any(state.index.items[d].text[s:s + 5] == "melée" for _, d, s in found)


def test_results_are_grouped_in_order_with_counts(view, qtbot, state):
    search(qtbot, view, "china")
    titles = view.group_titles()
    order = [title for _, title in GROUPS]
    names = [t.split("  ·  ")[0] for t in titles]
    assert names == [n for n in order if n in names]
    assert len(names) >= 3
    counts = {t.split("  ·  ")[0]: int(t.split("  ·  ")[1]) for t in titles}
    kinds = {title: kind for kind, title in GROUPS}
    for name, n in counts.items():
        assert n == len([r for r in view.result_ids() if r[0] == kinds[name]])
    assert view.count_label.text().startswith(f"{len(view.result_ids())} result")


def test_clicking_an_item_result_selects_it(view, qtbot, state):
    search(qtbot, view, "Xing Guangcheng")
    item = next(it for it in view._result_items() if it.data(0, Qt.ItemDataRole.UserRole + 1) == "expert")
    rect = view.tree.visualItemRect(item)
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert state.selection == "ex-xing-guangcheng"


def test_clicking_a_document_match_reveals_it(view, qtbot, state):
    search(qtbot, view, "melee")
    item = next(it for it in view._result_items() if it.data(0, Qt.ItemDataRole.UserRole + 1) == "document")
    view.tree.scrollToItem(item)
    with qtbot.waitSignal(state.revealRequested, timeout=1000) as blocker:
        qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=view.tree.visualItemRect(item).center())
    assert blocker.args[0] == item.data(0, Qt.ItemDataRole.UserRole + 2)
    assert state.selection == blocker.args[0]


def test_step_cycles_through_results(view, qtbot, state):
    search(qtbot, view, "melee")
    results = view.result_ids()
    assert len(results) >= 1
    search(qtbot, view, "Russia")
    results = view.result_ids()
    assert len(results) >= 3
    revealed = []
    state.revealRequested.connect(lambda d, s, e: revealed.append((d, s)))
    seen = []
    for _ in range(len(results)):
        view.step(1)
        seen.append(view.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 2))
    assert seen == [r[1] for r in results]
    view.step(1)  # wraps to the first
    assert view.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 2) == results[0][1]
    view.step(-1)  # and back to the last
    assert view.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 2) == results[-1][1]
    doc_results = [(d, s) for k, d, s in results if k == "document" and s >= 0]
    assert doc_results and revealed[:len(doc_results)] == doc_results


def test_focus_search_selects_the_text(view, qtbot):
    search(qtbot, view, "arctic")
    view.tree.setFocus()
    view.focus_search()
    qtbot.waitUntil(lambda: view.line_edit.hasFocus(), timeout=1000)
    assert view.line_edit.selectedText() == "arctic"


def test_clearing_the_search_clears_the_state(view, qtbot, state):
    search(qtbot, view, "arctic")
    assert state.search_query == "arctic"
    view.line_edit.clear()
    qtbot.waitUntil(lambda: state.search_query == "", timeout=2000)
    assert view.result_ids() == []
    state.set_search("Siberia")  # set elsewhere: the panel follows
    assert view.line_edit.text() == "Siberia"
    assert view.result_ids()


def test_results_hidden_by_filters_are_marked(view, qtbot, state):
    search(qtbot, view, "Xing Guangcheng")
    hidden_role = Qt.ItemDataRole.UserRole + 7
    item = next(it for it in view._result_items() if it.data(0, Qt.ItemDataRole.UserRole + 2) == "ex-xing-guangcheng")
    assert not item.data(0, hidden_role)
    other = next(e.id for e in state.corpus.experts if e.id != "ex-xing-guangcheng")
    state.update_filters(experts=frozenset({other}))
    assert item.data(0, hidden_role)
