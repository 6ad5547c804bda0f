"""Documents view on corpora of any size (issue 13, findings 5, 7 and 10): tabs share the bar fairly
(no "Ke…" for the shortest title) with the full title as tooltip; with more documents than tabs, a
searchable list (title, author, date, passages of the selection) opens documents into a few tabs; an
empty state says what is missing and what fills it."""

from __future__ import annotations

import pytest
from conftest import write_corpus_folder
from PySide6.QtCore import Qt

from explorer.core import load_corpus
from explorer.core.synth import SynthOptions, generate
from explorer.qt.views.documents import DocumentView

TITLES = ["Key events", "Northern Ireland peace process timeline", "Good Friday Agreement: text and commentary"]


@pytest.fixture()
def titled_corpus(tmp_path):
    texts, docs = {}, []
    for k, title in enumerate(TITLES):
        texts[f"documents/d{k}.txt"] = f"Document {k}: {title}.\n"
        docs.append({"id": f"doc-{k}", "title": title, "file": f"documents/d{k}.txt"})
    root = write_corpus_folder(tmp_path / "titled", texts, {"corpus.json": {"title": "Titles"},
                                                             "documents.json": docs})
    loaded = load_corpus(root)
    assert loaded.problems == []
    return loaded


def test_tabs_share_the_bar_fairly_with_the_full_title_as_tooltip(qtbot, app, titled_corpus):
    from explorer.qt.bridge import AppState

    state = AppState()
    state.set_corpus(titled_corpus)
    view = DocumentView(state)
    qtbot.addWidget(view)
    view.resize(520, 400)  # narrower than the three titles: Qt's own sharing elides "Key events" to "Ke…"
    view.show()
    qtbot.waitExposed(view)
    tabs = view.tabs
    assert tabs.count() == 3
    metrics = tabs.fontMetrics()
    widths = [tabs.tabRect(i).width() for i in range(3)]
    # the shortest title is whole: its tab is as wide as its text plus padding
    assert widths[0] >= metrics.horizontalAdvance(TITLES[0]) + 12, widths
    # the two long ones share what is left equally (each elided), filling the bar without overflowing it
    assert abs(widths[1] - widths[2]) <= 2, widths
    assert widths[1] < metrics.horizontalAdvance(TITLES[1]) and widths[2] < metrics.horizontalAdvance(TITLES[2])
    assert tabs.width() - 6 <= sum(widths) <= tabs.width() + 1, (widths, tabs.width())
    assert [tabs.tabToolTip(i) for i in range(3)] == TITLES
    # wide enough for all: every title whole
    view.resize(1400, 400)
    qtbot.waitUntil(lambda: tabs.width() > 1200)
    for i, title in enumerate(TITLES):
        assert tabs.tabRect(i).width() >= metrics.horizontalAdvance(title) + 12
    view.resize(620, 400)
    qtbot.waitUntil(lambda: tabs.width() < 700)
    view.close()


@pytest.fixture(scope="module")
def thousand(tmp_path_factory):
    """A generated corpus of 1,000 documents (short ones: the list is what is tested)."""
    root = tmp_path_factory.mktemp("thousand") / "corpus"
    generate(root, SynthOptions(events=1000, documents=1000, entities=50, relationships=100, experts=20,
                                doc_chars=600, seed=7))
    loaded = load_corpus(root)
    return loaded


@pytest.fixture()
def many_view(qtbot, app, thousand):
    from explorer.qt.bridge import AppState

    state = AppState()
    state.set_corpus(thousand)
    view = DocumentView(state)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close()
    state.deleteLater()


def test_a_thousand_documents_get_a_few_tabs_and_a_list(many_view, qtbot):
    view = many_view
    state = view.state
    assert len(state.corpus.documents) == 1000
    assert view.tabs.count() <= view.MAX_TABS
    assert view.list_button.isVisible() and "1,000 documents" in view.list_button.text()
    qtbot.mouseClick(view.list_button, Qt.MouseButton.LeftButton)
    panel = view.list_panel
    assert view.stack.currentWidget() is panel and panel.isVisible()
    assert panel.model.rowCount() == 1000
    assert panel.proxy.rowCount() == 1000
    # title, author, date: as the corpus has them
    doc = state.corpus.documents[10]
    row = [panel.model.data(panel.model.index(10, c)) for c in range(3)]
    assert row[0] == doc.title
    assert row[2] == (doc.date.display() + (" (inferred)" if doc.date_inferred else "") if doc.date else "")
    # searchable: type part of a title, the rows narrow to the documents whose title, author or date hold it
    word = doc.title.split()[-1]
    qtbot.keyClicks(panel.filter_edit, word)
    shown = panel.visible_documents()
    assert doc.id in shown and 0 < len(shown) < 1000
    for doc_id in shown:
        d = state.index.items[doc_id]
        hay = " ".join(filter(None, [d.title, d.author, d.publisher, d.date.display() if d.date else ""])).lower()
        assert word.lower() in hay
    # Enter opens the first row shown, in a tab, and closes the list
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    first = shown[0]
    assert view.current_document_id() == first and first in view.tab_documents()
    assert view.stack.currentWidget() is view.text and not view.list_button.isChecked()
    assert view.text.toPlainText() == state.index.items[first].text


def test_opening_documents_keeps_a_few_tabs(many_view):
    view = many_view
    ids = [d.id for d in view.state.corpus.documents]
    for doc_id in ids[100:100 + view.MAX_TABS + 5]:
        view.open_document(doc_id)
        assert view.current_document_id() == doc_id
        assert view.tabs.count() <= view.MAX_TABS
        assert view.tab_documents()[view.tabs.currentIndex()] == doc_id
    # the most recently opened stay
    assert view.tab_documents()[-view.MAX_TABS:] == ids[100 + 5:100 + view.MAX_TABS + 5][-view.tabs.count():]
    assert len(view._pages) <= view.MAX_PAGES
    # a tab can be closed; the view goes to another open document
    closing = view.tabs.currentIndex()
    view.tabs.tabCloseRequested.emit(closing)
    assert view.current_document_id() in view.tab_documents()
    assert ids[100 + view.MAX_TABS + 4] not in view.tab_documents()


def test_the_list_counts_the_selections_passages_in_each_document(many_view, qtbot):
    view = many_view
    state = view.state
    def per_document(item_id):
        out: dict[str, int] = {}
        for pid in state.index.passages_of(item_id):
            doc = state.index.passages[pid].document
            out[doc] = out.get(doc, 0) + 1
        return out

    from explorer.core.commands import AddEvidence

    theme = state.corpus.themes[0]
    # give the theme evidence in many documents (two passages in some)
    chosen = [p.id for p in state.corpus.passages[::37]][:30]
    with state.group("More evidence"):
        for pid in chosen:
            state.do(AddEvidence(theme.id, pid))
    state.select(theme.id)
    expected = per_document(theme.id)
    assert len(expected) > 5 and max(expected.values()) >= 1
    view.show_document_list()
    panel = view.list_panel
    model = panel.model
    got = {model.doc_id(r): int(model.data(model.index(r, 3)) or 0) for r in range(model.rowCount())}
    assert {d: n for d, n in got.items() if n} == expected
    assert theme.name in model.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    # sorting by that column brings the documents with the most first
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    top = panel.visible_documents()[0]
    assert expected[top] == max(expected.values())
    # a double-click opens it, with its passages highlighted
    qtbot.waitUntil(panel.table.isVisible)
    panel.table.scrollToTop()
    index = panel.proxy.index(0, 0)
    rect = panel.table.visualRect(index)
    opened = []
    panel.documentActivated.connect(opened.append)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened[:1] == [top]
    assert view.current_document_id() == top
    assert len(view.highlight_ranges()) == expected[top]


def test_a_corpus_without_documents_shows_what_to_do(qtbot, app, tmp_path):
    from explorer.qt.bridge import AppState

    root = write_corpus_folder(tmp_path / "empty", {}, {"corpus.json": {"title": "Nothing yet"}})
    empty = load_corpus(root)
    state = AppState()
    state.set_corpus(empty)
    view = DocumentView(state)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    assert view.stack.currentWidget() is view.empty_state and view.empty_state.isVisible()
    said = view.empty_state.text()
    assert "No documents yet" in said
    assert "File ▸ Add Documents…" in said
    assert "README" in said and "corpus format" in said
    assert not view.header.isVisible()
    # documents arrive: the text replaces the empty state
    from explorer.core.commands import AddDocument

    state.do(AddDocument(title="First report", text="The bridge opened in April 2020.\n"))
    assert view.stack.currentWidget() is view.text and view.current_document_id() is not None
    assert view.text.toPlainText() == "The bridge opened in April 2020.\n"
    assert view.tabs.count() == 1
    view.close()


def test_a_small_corpus_keeps_a_tab_per_document_and_no_list(make_view, state):
    view = make_view(DocumentView, 800, 600)
    assert view.tabs.count() == len(state.corpus.documents) <= view.MAX_TABS
    assert not view.list_button.isVisible()
    assert not view.tabs.tabsClosable()

