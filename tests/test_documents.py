"""The documents view: highlights of the selection's passages, switching documents, stepping with F3,
clicking evidence to select it (with a choice when a passage is evidence for several items), search.

Most tests run on a small two-document corpus written here, so the expected ranges are known; one runs
over every event of the default corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import anchored_passage, write_corpus_folder
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from explorer.core import load_corpus
from explorer.qt.views.documents import SEARCH_COLOR, DocumentView
from explorer.qt.views.style import KIND_COLORS

DOC_A = (
    "At the outbreak of the coronavirus pandemic early last year, there were predictions it would put pressure "
    "on bilateral ties between Russia and China. Nearly two years later, relations have actually become better, "
    "not worse.\n\n"
    "Bilateral trade overall is booming due to high prices for energy resources and increased exports of Russian "
    "coal to China through Far Eastern ports, as well as increased volumes of gas flowing through the Power of "
    "Siberia pipeline.\n\n"
    "Politically, high-level contact has remained a firm anchor for the relationship. In the first few months of "
    "the pandemic, presidents Vladimir Putin and Xi Jinping spoke by telephone every month, and expressions of "
    "solidarity poured in from official outlets on both sides.\n\n"
    "These high-level exchanges culminated in a virtual summit between Putin and Xi on December 15. It was "
    "announced that the Russian leader will travel to Beijing in February.\n"
)
DOC_B = (
    "‘awaiting breakthroughs’ in Sino-Russian partnership\n\n"
    "Heilongjiang Bridge proposed 1988, opening April 2020\n\n"
    "Premier Li Keqiang, hailing the opening of the Heilongjiang Bridge, a first of its kind, 16 Sep 2019, helped "
    "set the scene for promoting the existing ‘strategic partnership’ to a ‘new era’ strategic partnership.\n\n"
    "Bilateral trade is dominated by Russian energy exports. These are, warns veteran CASS Russianist Lu Nanquan "
    "陆南泉, susceptible to oil market fluctuations. The China–Russia east-route gas pipeline, launched 2 Dec 2019, "
    "helps consolidate relations, claims Xing Guangcheng 邢广程 CASS Institute of Chinese Borderland Studies.\n\n"
    "One Sino–Russian project facing US obstruction is the Polar Silk Road. Beijing and Moscow agreed to develop "
    "it jointly in 2017 but, warns Xiao Yang 肖洋 Beijing International Studies University, Washington has taken "
    "to ‘blocking’ it.\n"
)

QUOTES = {
    "p-gas-a": ("doc-a", "increased volumes of gas flowing through the Power of Siberia pipeline"),
    "p-calls": ("doc-a", "presidents Vladimir Putin and Xi Jinping spoke by telephone every month"),
    "p-summit": ("doc-a", "a virtual summit between Putin and Xi on December 15"),
    "p-bridge-title": ("doc-b", "Heilongjiang Bridge proposed 1988, opening April 2020"),
    "p-bridge-li": ("doc-b", "Premier Li Keqiang, hailing the opening of the Heilongjiang Bridge"),
    "p-lu": ("doc-b", "These are, warns veteran CASS Russianist Lu Nanquan 陆南泉, susceptible to oil market "
                      "fluctuations."),
    "p-gas-b": ("doc-b", "The China–Russia east-route gas pipeline, launched 2 Dec 2019, helps consolidate "
                         "relations, claims Xing Guangcheng 邢广程"),
    "p-polar": ("doc-b", "warns Xiao Yang 肖洋 Beijing International Studies University, Washington has taken "
                         "to ‘blocking’ it"),
}
TEXTS = {"doc-a": DOC_A, "doc-b": DOC_B}


def passage(pid: str) -> dict:
    doc, quote = QUOTES[pid]
    return anchored_passage(pid, doc, TEXTS[doc], quote)


def build_corpus(root: Path) -> Path:
    files = {
        "corpus.json": {"title": "Test corpus", "time_range": ["1988", "2022"]},
        "documents.json": [
            {"id": "doc-a", "title": "Russia–China relations weather the pandemic", "author": "A. Author",
             "publisher": "Moscow Centre", "date": "2021-12", "file": "documents/a.txt"},
            {"id": "doc-b", "title": "‘Awaiting breakthroughs’ in Sino-Russian partnership",
             "publisher": "China Digest", "date": "2020-01", "date_inferred": True,
             "date_note": "the latest event mentioned is from December 2019", "file": "documents/b.txt"},
        ],
        "passages.json": [passage(pid) for pid in QUOTES],
        "themes.json": [
            {"id": "th-energy", "name": "Energy", "description": "Oil and gas trade.",
             "passages": ["p-gas-a", "p-gas-b", "p-lu"]},
            {"id": "th-diplomacy", "name": "Diplomacy", "passages": ["p-calls", "p-summit"]},
        ],
        "entities.json": [
            {"id": "en-russia", "name": "Russia", "kind": "country", "passages": ["p-gas-a"]},
            {"id": "en-china", "name": "China", "kind": "country", "passages": ["p-gas-b"]},
            {"id": "en-cass", "name": "Chinese Academy of Social Sciences", "kind": "organisation",
             "aliases": ["CASS"], "passages": ["p-lu"]},
            {"id": "en-bridge", "name": "Heilongjiang Bridge", "kind": "project",
             "passages": ["p-bridge-title"]},
        ],
        "experts.json": [
            {"id": "ex-xing", "name": "Xing Guangcheng", "native_name": "邢广程", "voice": "expert",
             "affiliation": "CASS Institute of Chinese Borderland Studies", "organisation": "en-cass",
             "role": "Director", "bio": "Trained as a Soviet–Eastern bloc expert; works on Russian politics.",
             "positions": [{"text": "The east-route gas pipeline consolidates relations.",
                            "passages": ["p-gas-b"]}],
             "passages": ["p-gas-b"]},
            {"id": "ex-lu", "name": "Lu Nanquan", "native_name": "陆南泉", "voice": "expert",
             "affiliation": "CASS", "organisation": "en-cass", "role": "Veteran Russianist",
             "bio": "A veteran of Russian studies at CASS.",
             "positions": [{"text": "Russian energy exports are susceptible to oil market fluctuations.",
                            "passages": ["p-lu"]}]},
            {"id": "ex-xiao", "name": "Xiao Yang", "native_name": "肖洋", "voice": "expert",
             "affiliation": "Beijing International Studies University", "role": "Associate professor",
             "bio": "An expert in Arctic security.", "passages": ["p-polar"]},
            {"id": "ex-li", "name": "Li Keqiang", "voice": "official", "affiliation": "State Council",
             "role": "Premier", "passages": ["p-bridge-li"]},
            {"id": "ex-dupre", "name": "Zoë Dupré", "voice": "author", "affiliation": "Université de Genève",
             "role": "Éditrice", "bio": "Writes the digest.", "passages": ["p-summit"]},
        ],
        "events.json": [
            {"id": "ev-bridge-proposed", "title": "Heilongjiang Bridge proposed", "start": "1988",
             "date_text": "1988", "actors": ["en-bridge"], "passages": ["p-bridge-title"]},
            {"id": "ev-pipeline", "title": "Power of Siberia pipeline launched", "start": "2019-12-02",
             "date_text": "2 Dec 2019", "summary": "The east-route gas pipeline starts deliveries.",
             "themes": ["th-energy"], "actors": ["en-russia", "en-china"], "experts": ["ex-xing"],
             "passages": ["p-gas-b", "p-gas-a"]},
            {"id": "ev-bridge-open", "title": "Heilongjiang Bridge opens", "start": "2020-04",
             "date_text": "April 2020", "actors": ["en-bridge"], "experts": ["ex-li"],
             "conflict": "Li Keqiang hailed the opening on 16 Sep 2019; the headline gives April 2020.",
             "passages": ["p-bridge-title", "p-bridge-li"]},
            {"id": "ev-calls", "title": "Monthly Putin–Xi phone calls", "start": "2020", "inferred": True,
             "themes": ["th-diplomacy"], "actors": ["en-russia", "en-china"], "passages": ["p-calls"]},
            {"id": "ev-summit", "title": "Putin–Xi virtual summit", "start": "2021-12-15",
             "themes": ["th-diplomacy"], "actors": ["en-russia", "en-china"], "passages": ["p-summit"]},
        ],
        "relationships.json": [
            {"id": "rel-partners", "source": "en-russia", "target": "en-china", "kind": "partners with",
             "summary": "A ‘strategic partnership’ for a ‘new era’.", "start": "2019",
             "passages": ["p-calls"]},
        ],
    }
    return write_corpus_folder(root, {"documents/a.txt": DOC_A, "documents/b.txt": DOC_B}, files)


@pytest.fixture()
def corpus(tmp_path):
    """This module's corpus (overrides the default corpus for the ``state`` and ``make_view`` fixtures)."""
    loaded = load_corpus(build_corpus(tmp_path / "two-docs"))
    assert loaded.problems == []
    return loaded


@pytest.fixture()
def view(make_view):
    return make_view(DocumentView, 700, 800)


def expected_ranges(state, item_id, doc_id):
    index = state.index
    return sorted((index.passages[p].start, index.passages[p].end) for p in index.passages_of(item_id)
                  if index.passages[p].document == doc_id)


def painted(view, color: str) -> list[tuple[int, int]]:
    """Ranges the text edit paints with a background of this colour (any alpha)."""
    out = []
    for sel in view.text.extraSelections():
        brush = sel.format.background()
        if brush.style() != Qt.BrushStyle.NoBrush and brush.color().name() == color:
            out.append((sel.cursor.selectionStart(), sel.cursor.selectionEnd()))
    return sorted(out)


def click_at_offset(qtbot, view, offset: int) -> None:
    """A real left click on the viewport, on the character at ``offset``."""
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(offset)
    view.text.setTextCursor(cursor)
    view.text.ensureCursorVisible()
    rect = view.text.cursorRect(cursor)
    qtbot.mouseClick(view.text.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() + QPoint(2, 0))


def click_tab(qtbot, view, doc_id: str) -> None:
    i = [d.id for d in view.state.corpus.documents].index(doc_id)
    qtbot.mouseClick(view.tabs, Qt.MouseButton.LeftButton, pos=view.tabs.tabRect(i).center())
    assert view.current_document_id() == doc_id


def middle_of(state, pid: str) -> int:
    p = state.index.passages[pid]
    return (p.start + p.end) // 2


def test_shows_documents_as_tabs_with_header(view, state):
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [d.title for d in state.corpus.documents]
    assert view.current_document_id() == "doc-a"
    assert view.text.toPlainText() == DOC_A
    assert view.text.isReadOnly()
    assert view.title_label.text() == "Russia–China relations weather the pandemic"
    assert view.meta_label.text() == "A. Author · Moscow Centre · December 2021"
    state.select("doc-b")
    assert view.current_document_id() == "doc-b"
    assert view.tabs.currentIndex() == 1
    assert view.meta_label.text() == "China Digest · January 2020 (inferred)"
    assert view.highlight_ranges() == [] and view.highlight_position() == (0, 0)


def test_selecting_an_event_highlights_exactly_its_passages(view, state):
    state.select("ev-bridge-open")
    assert view.current_document_id() == "doc-b"
    expected = expected_ranges(state, "ev-bridge-open", "doc-b")
    assert len(expected) == 2
    assert view.highlight_ranges() == expected
    text = state.corpus.get("doc-b").text
    assert [text[s:e] for s, e in expected] == [QUOTES["p-bridge-title"][1], QUOTES["p-bridge-li"][1]]
    # painted in the event colour, at exactly those ranges, and nothing else in that colour
    assert painted(view, KIND_COLORS["event"]) == expected
    assert painted(view, KIND_COLORS["expert"]) == []
    assert view.highlight_position() == (1, 2)
    assert view.position_label.text() == "1 of 2"

    state.select("ex-xiao")
    assert view.highlight_ranges() == expected_ranges(state, "ex-xiao", "doc-b")
    assert painted(view, KIND_COLORS["expert"]) == view.highlight_ranges()
    assert painted(view, KIND_COLORS["event"]) == []

    state.select(None)
    assert view.highlight_ranges() == [] and painted(view, KIND_COLORS["expert"]) == []
    assert view.current_document_id() == "doc-b"  # clearing the selection keeps the reader's place


def test_selecting_a_passage_highlights_it(view, state):
    state.select("p-summit")
    p = state.index.passages["p-summit"]
    assert view.current_document_id() == "doc-a"
    assert view.highlight_ranges() == [(p.start, p.end)]
    assert painted(view, KIND_COLORS["passage"]) == [(p.start, p.end)]


def test_selection_in_the_other_document_switches_tab_and_scrolls(view, state, qtbot):
    view.resize(700, 260)  # small, so that scrolling is needed
    qtbot.wait(10)
    state.select("ev-calls")
    assert view.current_document_id() == "doc-a" and view.tabs.currentIndex() == 0
    state.select("ex-xiao")
    assert view.current_document_id() == "doc-b" and view.tabs.currentIndex() == 1
    assert view.text.toPlainText() == DOC_B
    assert view.highlight_ranges() == expected_ranges(state, "ex-xiao", "doc-b")
    # the first highlight is scrolled into view and the cursor is at its start
    start = view.highlight_ranges()[0][0]
    assert view.cursor_offset() == start
    rect = view.text.cursorRect()
    assert view.text.viewport().rect().contains(rect.center())
    assert view.text.verticalScrollBar().value() > 0
    # an item with passages in both documents keeps the current one
    state.select("ev-pipeline")
    assert view.current_document_id() == "doc-b"
    assert view.highlight_position() == (2, 2)


def test_f3_and_shift_f3_step_through_highlights_across_documents(view, state, qtbot):
    view.activateWindow()
    view.text.setFocus()
    qtbot.waitUntil(lambda: view.text.hasFocus())
    state.select("th-energy")  # p-gas-a in doc-a; p-lu then p-gas-b in doc-b
    order = [state.index.passages[p] for p in ("p-gas-a", "p-lu", "p-gas-b")]
    assert view.current_document_id() == "doc-a"
    assert view.highlight_position() == (1, 3) and view.position_label.text() == "1 of 3"
    assert view.cursor_offset() == order[0].start

    qtbot.keyClick(view.text, Qt.Key.Key_F3)
    assert view.highlight_position() == (2, 3) and view.position_label.text() == "2 of 3"
    assert view.current_document_id() == "doc-b"
    assert view.cursor_offset() == order[1].start
    assert view.highlight_ranges() == [(order[1].start, order[1].end), (order[2].start, order[2].end)]

    qtbot.keyClick(view.text, Qt.Key.Key_F3)
    assert view.highlight_position() == (3, 3) and view.cursor_offset() == order[2].start

    qtbot.keyClick(view.text, Qt.Key.Key_F3)  # wraps around, back to the first document
    assert view.highlight_position() == (1, 3) and view.current_document_id() == "doc-a"
    assert view.cursor_offset() == order[0].start

    qtbot.keyClick(view.text, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert view.highlight_position() == (3, 3) and view.position_label.text() == "3 of 3"
    assert view.current_document_id() == "doc-b" and view.cursor_offset() == order[2].start

    qtbot.mouseClick(view.prev_button, Qt.MouseButton.LeftButton)
    assert view.highlight_position() == (2, 3) and view.cursor_offset() == order[1].start
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert view.highlight_position() == (3, 3)
    # the passage stepped to is drawn stronger than the others
    strong = [s for s in view.text.extraSelections() if s.format.background().color().alpha() > 150
              and s.format.background().color().name() == KIND_COLORS["theme"]]
    assert [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in strong] == [(order[2].start,
                                                                                       order[2].end)]


def test_clicking_a_passage_selects_the_item_it_is_evidence_for(view, state, qtbot):
    click_tab(qtbot, view, "doc-b")
    assert state.selection is None  # switching tabs is the reader's business, not a selection
    assert state.index.items_at("doc-b", middle_of(state, "p-polar")) == ["ex-xiao"]
    click_at_offset(qtbot, view, middle_of(state, "p-polar"))
    assert state.selection == "ex-xiao"
    assert view.highlight_ranges() == expected_ranges(state, "ex-xiao", "doc-b")


def test_clicking_plain_text_outside_passages_does_nothing(view, state, qtbot):
    state.select("ev-summit")
    offset = DOC_A.index("predictions")
    assert state.index.passages_at("doc-a", offset) == []
    click_at_offset(qtbot, view, offset)
    assert state.selection == "ev-summit"
    assert view.choice_menu is None


# the offscreen platform cannot raise a popup or grab the keyboard for it; it says so as a warning
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the (keyboard|mouse))")
def test_clicking_a_passage_of_several_items_offers_a_choice(view, state, qtbot):
    click_tab(qtbot, view, "doc-b")
    offset = middle_of(state, "p-bridge-li")
    assert sorted(state.index.items_at("doc-b", offset)) == ["ev-bridge-open", "ex-li"]
    with qtbot.waitSignal(view.choiceOffered):
        click_at_offset(qtbot, view, offset)
    assert state.selection is None  # nothing chosen yet
    menu = view.choice_menu
    qtbot.waitUntil(menu.isVisible)
    actions = view.choice_actions()
    assert sorted(a.text() for a in actions) == ["Event: Heilongjiang Bridge opens", "Official: Li Keqiang"]
    chosen = next(a for a in actions if a.data() == "ex-li")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(chosen).center())
    assert state.selection == "ex-li"
    qtbot.waitUntil(lambda: not menu.isVisible())


def test_filters_limit_what_a_click_offers(view, state, qtbot):
    state.update_filters(experts=frozenset({"ex-xing"}))
    click_tab(qtbot, view, "doc-b")
    # p-bridge-li is evidence for ev-bridge-open and ex-li, both hidden by the expert filter
    click_at_offset(qtbot, view, middle_of(state, "p-bridge-li"))
    assert state.selection is None and view.choice_menu is None


def test_search_highlights_matches_in_their_own_colour(view, state, qtbot):
    state.select("ev-pipeline")
    state.set_search("RUSSIA")
    doc = view.current_document_id()
    matches = state.index.find_in_document(doc, "russia")
    assert len(matches) >= 2
    assert view.search_ranges() == matches
    assert painted(view, SEARCH_COLOR) == matches
    assert SEARCH_COLOR not in KIND_COLORS.values()
    assert painted(view, KIND_COLORS["event"]) == view.highlight_ranges()  # passage highlights stay
    assert f"{len(matches)} matches" in view.status_label.text()

    other = "doc-b" if doc == "doc-a" else "doc-a"
    click_tab(qtbot, view, other)
    assert painted(view, SEARCH_COLOR) == state.index.find_in_document(other, "russia")
    state.set_search("")
    assert painted(view, SEARCH_COLOR) == []


def test_reveal_switches_to_the_document_and_selects_the_match(view, state):
    other = next(d for d in ("doc-a", "doc-b") if d != view.current_document_id())
    state.set_search("russia")
    start, end = state.index.find_in_document(other, "russia")[-1]
    state.reveal(other, start, end)
    assert view.current_document_id() == other
    cursor = view.text.textCursor()
    assert cursor.selectedText().lower() == "russia"
    assert view.text.cursorRect(cursor).intersects(view.text.viewport().rect())  # scrolled into view
    assert painted(view, SEARCH_COLOR) == state.index.find_in_document(other, "russia")


def test_export_caption_names_document_and_selection(view, state):
    state.select("ex-xiao")
    assert view.export_widget() is view
    caption = view.export_caption()
    assert "Documents" in caption and "Sino-Russian partnership" in caption and "Xiao Yang" in caption


def test_corpus_change_rebuilds_tabs(view, state, tmp_path):
    state.set_corpus(load_corpus(build_corpus(tmp_path / "again")))
    assert view.tabs.count() == 2 and view.current_document_id() == "doc-a"
    assert view.highlight_position() == (0, 0)


def test_every_event_of_the_default_corpus_highlights_its_passages(qtbot, app):
    from explorer import default_corpus_path
    from explorer.qt.bridge import AppState

    default = load_corpus(default_corpus_path())
    st = AppState()
    st.set_corpus(default)
    v = DocumentView(st)
    qtbot.addWidget(v)
    v.resize(700, 800)
    v.show()
    try:
        for ev in default.events:
            st.select(ev.id)
            docs = {st.index.passages[p].document for p in st.index.passages_of(ev.id)}
            if not docs:
                continue
            assert v.current_document_id() in docs, ev.id
            assert v.highlight_ranges() == expected_ranges(st, ev.id, v.current_document_id()), ev.id
            assert painted(v, KIND_COLORS["event"]) == v.highlight_ranges(), ev.id
    finally:
        v.close()
        st.deleteLater()


def test_built_before_a_corpus_is_loaded(qtbot, app, corpus):
    from explorer.qt.bridge import AppState

    st = AppState()
    v = DocumentView(st)
    qtbot.addWidget(v)
    v.show()
    assert v.current_document_id() is None and v.tabs.count() == 0
    v.next_highlight()  # nothing to step through: no error
    st.set_corpus(corpus)
    st.select("ev-calls")
    assert v.current_document_id() == "doc-a"
    assert v.highlight_ranges() == expected_ranges(st, "ev-calls", "doc-a")
    v.close()
    st.deleteLater()


def test_f3_in_the_view_wins_over_a_window_wide_f3(qtbot, state):
    """The window's Find Next is F3 as well: inside the view F3 steps highlights (no ambiguity, which Qt
    would report as a warning), elsewhere in the window it stays the window's."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)  # offscreen warns otherwise
    view = DocumentView(state)
    other = QLineEdit()
    layout.addWidget(view)
    layout.addWidget(other)
    fired = []
    find_next = QAction("Find next", host)
    find_next.setShortcut(QKeySequence(Qt.Key.Key_F3))
    find_next.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    find_next.triggered.connect(lambda: fired.append("window"))
    host.addAction(find_next)
    host.resize(700, 800)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()

    state.select("th-energy")
    view.text.setFocus()
    qtbot.waitUntil(view.text.hasFocus)
    qtbot.keyClick(view.text, Qt.Key.Key_F3)
    assert view.highlight_position() == (2, 3) and fired == []
    qtbot.keyClick(view.text, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert view.highlight_position() == (1, 3)

    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    qtbot.keyClick(other, Qt.Key.Key_F3)
    assert fired == ["window"] and view.highlight_position() == (1, 3)
    host.close()
