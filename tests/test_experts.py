"""The experts view: every voice listed with its native name (and glyphs to draw it), a filter box that
ignores case and accents, selection both ways, the card and its links, experts linked to other items.

The default corpus gives the real names and characters; a small corpus written here adds accented
names for the filter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import anchored_passage, write_corpus_folder
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QFontMetrics
from qt_helpers import anchor_point, type_text

from explorer.core.index import fold
from explorer.core import load_corpus
from explorer.qt.bridge import AppState
from explorer.qt.views.experts import ID_ROLE, ExpertsView

TEXT = ("Xing Guangcheng 邢广程 says the pipeline helps. Lu Nanquan 陆南泉 warns about oil prices. "
        "Premier Li Keqiang opened the bridge. Zoë Dupré edits the digest in Genève.\n")


def write_corpus(root: Path) -> Path:
    def passage(pid, quote):
        return anchored_passage(pid, "doc", TEXT, quote)

    files = {
        "documents.json": [{"id": "doc", "title": "Digest", "date": "2020", "file": "a.txt"}],
        "passages.json": [passage("p-xing", "Xing Guangcheng 邢广程 says the pipeline helps."),
                          passage("p-lu", "Lu Nanquan 陆南泉 warns about oil prices."),
                          passage("p-li", "Premier Li Keqiang opened the bridge."),
                          passage("p-dupre", "Zoë Dupré edits the digest in Genève.")],
        "experts.json": [
            {"id": "ex-xing", "name": "Xing Guangcheng", "native_name": "邢广程",
             "affiliation": "CASS Institute of Chinese Borderland Studies", "role": "Director",
             "bio": "Works on Russian politics.", "passages": ["p-xing"],
             "positions": [{"text": "The pipeline helps relations.", "passages": ["p-xing"]}]},
            {"id": "ex-lu", "name": "Lu Nanquan", "native_name": "陆南泉", "affiliation": "CASS",
             "role": "veteran Russianist", "passages": ["p-lu"]},
            {"id": "ex-li", "name": "Li Keqiang", "voice": "official", "affiliation": "State Council",
             "role": "Premier", "passages": ["p-li"]},
            {"id": "ex-dupre", "name": "Zoë Dupré", "voice": "author", "affiliation": "Université de Genève",
             "role": "Éditrice", "passages": ["p-dupre"]},
        ],
        "events.json": [
            {"id": "ev-pipeline", "title": "Pipeline launched", "start": "2019-12-02", "experts": ["ex-xing"],
             "passages": ["p-xing"]},
            {"id": "ev-bridge", "title": "Bridge opened", "start": "2020-04", "experts": ["ex-li"],
             "passages": ["p-li"]},
        ],
    }
    return write_corpus_folder(root, {"a.txt": TEXT}, files)


@pytest.fixture()
def view(make_view):
    """On the default corpus, at a dock's size."""
    return make_view(ExpertsView, 420, 800)


@pytest.fixture()
def small(qtbot, app, tmp_path):
    """On the small corpus written above."""
    corpus = load_corpus(write_corpus(tmp_path / "small"))
    assert corpus.problems == []
    st = AppState()
    st.set_corpus(corpus)
    v = ExpertsView(st)
    qtbot.addWidget(v)
    v.resize(420, 800)
    v.show()
    qtbot.waitExposed(v)
    yield v
    v.close()
    st.deleteLater()


def row_rect(view, expert_id):
    for r in range(view.proxy.rowCount()):
        index = view.proxy.index(r, 0)
        if index.data(ID_ROLE) == expert_id:
            view.list_view.scrollTo(index)
            return view.list_view.visualRect(index)
    raise AssertionError(f"{expert_id} is not listed")


def selected_ids(view):
    return [i.data(ID_ROLE) for i in view.list_view.selectionModel().selectedIndexes()]


def type_filter(qtbot, view, text):
    view.filter_edit.selectAll()
    qtbot.keyClick(view.filter_edit, Qt.Key.Key_Backspace)
    type_text(qtbot, view.filter_edit, text)


def test_lists_every_expert_with_native_name(view, state):
    experts = state.corpus.experts
    assert len(experts) >= 2
    assert sorted(view.visible_expert_ids()) == sorted(e.id for e in experts)
    listed = {view.proxy.index(r, 0).data(ID_ROLE): view.proxy.index(r, 0) for r in range(view.proxy.rowCount())}
    for ex in experts:
        index = listed[ex.id]
        assert index.data(Qt.ItemDataRole.DisplayRole) == ex.name
        assert index.data(Qt.ItemDataRole.UserRole + 2) == (ex.native_name or "")
    assert any(e.native_name for e in experts)
    assert view.count_label.text() == f"{len(experts)} voices"
    assert view.filter_edit.placeholderText() == "Filter experts…"
    assert view.filter_edit.isClearButtonEnabled()


def test_fonts_have_glyphs_for_every_native_name(view, state):
    chars = {ch for ex in state.corpus.experts for ch in (ex.native_name or "") if not ch.isspace()}
    assert chars, "the default corpus should have native names"
    delegate = view.list_view.itemDelegate()
    for font in (view.list_view.font(), delegate.name_font, view.card.font()):
        assert font.family() == "Noto Sans CJK SC"
        metrics = QFontMetrics(font)
        missing = sorted(ch for ch in chars if not metrics.inFontUcs4(ord(ch)))
        assert missing == [], f"{font.family()} bold={font.bold()} lacks {missing}"


def test_filter_is_case_and_accent_insensitive(small, qtbot):
    view = small
    assert len(view.visible_expert_ids()) == 4
    type_filter(qtbot, view, "dupre")
    assert view.visible_expert_ids() == ["ex-dupre"]
    assert view.count_label.text() == "1 of 4"
    type_filter(qtbot, view, "GENEVE")  # affiliation, accent in the data
    assert view.visible_expert_ids() == ["ex-dupre"]
    type_filter(qtbot, view, "xíng")  # accent in the query
    assert view.visible_expert_ids() == ["ex-xing"]
    type_filter(qtbot, view, "cass director")  # every word, over affiliation and role
    assert view.visible_expert_ids() == ["ex-xing"]
    type_filter(qtbot, view, "cass")
    assert view.visible_expert_ids() == ["ex-lu", "ex-xing"]
    type_filter(qtbot, view, "premier")
    assert view.visible_expert_ids() == ["ex-li"]
    type_filter(qtbot, view, "nobody")
    assert view.visible_expert_ids() == []
    view.filter_edit.selectAll()
    qtbot.keyClick(view.filter_edit, Qt.Key.Key_Backspace)
    assert len(view.visible_expert_ids()) == 4


def test_filter_by_native_name(small, qtbot):
    small.filter_edit.setFocus()
    type_text(qtbot, small.filter_edit, "陆南")
    assert small.filter_edit.text() == "陆南"
    assert small.visible_expert_ids() == ["ex-lu"]


def test_filter_on_the_default_corpus_narrows(view, state, qtbot):
    ex = next(e for e in state.corpus.experts if e.affiliation)
    word = max(ex.affiliation.split(), key=len)
    query = word.upper().replace("A", "Á", 1)
    type_filter(qtbot, view, query)
    expected = sorted(e.id for e in state.corpus.experts
                      if fold(word) in fold(" ".join(filter(None, (e.name, e.native_name, e.affiliation, e.role)))))
    assert ex.id in expected
    assert sorted(view.visible_expert_ids()) == expected
    assert len(expected) < len(state.corpus.experts)


def test_clicking_a_row_selects_the_expert_and_fills_the_card(view, state, qtbot):
    ex = next(e for e in state.corpus.experts if e.bio and e.positions)
    qtbot.mouseClick(view.list_view.viewport(), Qt.MouseButton.LeftButton, pos=row_rect(view, ex.id).center())
    assert state.selection == ex.id
    assert selected_ids(view) == [ex.id]
    card = view.card.toPlainText()
    assert ex.name in card
    if ex.native_name:
        assert ex.native_name in card
    assert " ".join(ex.bio.split()) in " ".join(card.split())
    for pos in ex.positions:
        assert " ".join(pos.text.split()) in " ".join(card.split())
    assert "ARGUES" in card
    for ev_id in state.index.linked_events(ex.id):
        assert state.item(ev_id).title in card


def test_state_selection_selects_the_row_without_feedback(view, state):
    ex = state.corpus.experts[-1]
    emitted = []
    state.selectionChanged.connect(emitted.append)
    state.select(ex.id)
    assert emitted == [ex.id]  # the view's row change did not select again
    assert selected_ids(view) == [ex.id]
    state.back()
    assert state.selection is None and selected_ids(view) == []


def test_clicking_an_event_link_in_the_card_selects_it(view, state, qtbot):
    ex = next(e for e in state.corpus.experts if state.index.linked_events(e.id))
    state.select(ex.id)
    ev_id = state.index.linked_events(ex.id)[0]
    point = anchor_point(view.card, f"item:{ev_id}")
    qtbot.mouseClick(view.card.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert state.selection == ev_id
    assert selected_ids(view) == []  # an event is not a row


def test_another_kind_marks_its_linked_experts(small, qtbot):
    view, state = small, small.state
    state.select("ev-pipeline")
    assert view.linked_expert_ids() == ["ex-xing"]
    assert "Pipeline launched" in view.card.toPlainText()
    assert "Xing Guangcheng" in view.card.toPlainText()
    assert "1 linked expert" in view.linked_label.text()
    point = anchor_point(view.card, "item:ex-xing")
    qtbot.mouseClick(view.card.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert state.selection == "ex-xing"
    assert view.linked_expert_ids() == [] and selected_ids(view) == ["ex-xing"]
    state.select(None)
    assert "Select an expert" in view.card.toPlainText()


def test_filtering_out_the_selected_expert_keeps_the_selection(small, qtbot):
    view, state = small, small.state
    state.select("ex-lu")
    type_filter(qtbot, view, "dupre")
    assert state.selection == "ex-lu"  # hiding its row does not unselect it
    assert "Lu Nanquan" in view.card.toPlainText()
    type_filter(qtbot, view, "")
    assert selected_ids(view) == ["ex-lu"]
    # keyboard: moving down the list selects the next expert
    view.list_view.setFocus()
    view.list_view.selectionModel().setCurrentIndex(view.list_view.currentIndex(),
                                                    QItemSelectionModel.SelectionFlag.NoUpdate)
    qtbot.keyClick(view.list_view, Qt.Key.Key_Down)
    assert state.selection == view.visible_expert_ids()[view.visible_expert_ids().index("ex-lu") + 1]


def test_state_filters_hide_experts(small):
    small.state.update_filters(experts=frozenset({"ex-li", "ex-lu"}))
    assert small.visible_expert_ids() == ["ex-li", "ex-lu"]
    small.state.clear_filters()
    assert len(small.visible_expert_ids()) == 4


def test_built_before_a_corpus_is_loaded(qtbot, app, corpus):
    st = AppState()
    v = ExpertsView(st)
    qtbot.addWidget(v)
    v.show()
    assert v.visible_expert_ids() == [] and "No corpus" in v.card.toPlainText()
    st.set_corpus(corpus)
    assert len(v.visible_expert_ids()) == len(corpus.experts)
    v.close()
    st.deleteLater()
