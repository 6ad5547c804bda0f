"""The inspector: the selected item's fields (date as written and its precision, inferred, conflicts),
its links grouped by kind, each link selecting; data shown as text, never as HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import anchored_passage, write_corpus_folder
from PySide6.QtCore import Qt
from qt_helpers import anchor_point

from explorer.core import load_corpus
from explorer.qt.bridge import AppState
from explorer.qt.views.inspector import InspectorView

TEXT = ("The bridge was proposed in 1988 and opened in April 2020, twenty years late.\n"
        "Li Wei 李伟 argues the bridge helps trade. Trade grew in 2021 <b>despite</b> the pandemic.\n")


def write_corpus(root: Path) -> Path:
    def passage(pid, quote):
        return anchored_passage(pid, "doc", TEXT, quote)

    files = {
        "documents.json": [{"id": "doc", "title": "Bridge report", "author": "R. Writer", "date": "2021",
                            "date_inferred": True, "file": "a.txt"}],
        "passages.json": [passage("p-opened", "opened in April 2020, twenty years late"),
                          passage("p-liwei", "Li Wei 李伟 argues the bridge helps trade."),
                          passage("p-trade", "Trade grew in 2021 <b>despite</b> the pandemic.")],
        "themes.json": [{"id": "th-infra", "name": "Infrastructure", "passages": ["p-opened"]}],
        "entities.json": [{"id": "en-bridge", "name": "The bridge", "kind": "project", "passages": ["p-opened"]},
                          {"id": "en-china", "name": "China", "kind": "country", "passages": ["p-trade"]}],
        "experts.json": [{"id": "ex-liwei", "name": "Li Wei", "native_name": "李伟", "affiliation": "Somewhere",
                          "role": "analyst", "bio": "Studies trade.", "passages": ["p-liwei"],
                          "positions": [{"text": "The bridge helps trade.", "passages": ["p-liwei"]}]}],
        "events.json": [
            {"id": "ev-opened", "title": "Bridge opened", "start": "2020-04", "date_text": "April 2020",
             "inferred": True, "summary": "It opened <i>late</i> & over budget.",
             "conflict": "Another source says September 2019.", "themes": ["th-infra"],
             "actors": ["en-bridge", "en-china"], "experts": ["ex-liwei"], "passages": ["p-opened", "p-liwei"]},
            {"id": "ev-trade", "title": "Trade grew", "start": "2021", "experts": ["ex-liwei"],
             "passages": ["p-trade"]},
        ],
        "relationships.json": [{"id": "rel-builds", "source": "en-china", "target": "en-bridge",
                                "kind": "builds", "start": "1988", "passages": ["p-opened"]}],
    }
    return write_corpus_folder(root, {"a.txt": TEXT}, files)


@pytest.fixture()
def corpus(tmp_path):
    """This module's corpus (overrides the default corpus for ``state`` and ``make_view``)."""
    loaded = load_corpus(write_corpus(tmp_path / "small"))
    assert loaded.problems == []
    return loaded


@pytest.fixture()
def view(make_view):
    return make_view(InspectorView, 420, 500)


def text_of(view) -> str:
    return " ".join(view.browser.toPlainText().split())


def hrefs(view) -> list[str]:
    out = []
    block = view.browser.document().begin()
    while block.isValid():
        for it in block:
            href = it.fragment().charFormat().anchorHref()
            if href and href not in out:
                out.append(href)
        block = block.next()
    return out


def test_empty_selection_shows_a_hint(view):
    assert "Select an event, expert or actor" in text_of(view)
    assert view.link_targets() == []


def test_event_fields_and_grouped_links(view, state):
    state.select("ev-opened")
    text = text_of(view)
    assert text.startswith("EVENT Bridge opened")
    assert "Date April 2020" in text
    assert "As written “April 2020”" in text
    assert "Precision month" in text
    assert "inferred" in text
    assert "Sources disagree Another source says September 2019." in text
    # data is text, not markup
    assert "It opened <i>late</i> & over budget." in text
    # groups, in order: actors, experts, themes, events, relationships, documents, passages
    headings = ["ACTORS (2)", "EXPERTS & VOICES (1)", "THEMES (1)", "RELATIONSHIPS (1)", "DOCUMENTS (1)",
                "PASSAGES (2)"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert sorted(view.link_targets()) == sorted(["en-bridge", "en-china", "ex-liwei", "th-infra", "rel-builds",
                                                  "doc", "p-opened", "p-liwei"])
    assert hrefs(view) == [f"item:{i}" for i in view.link_targets()]
    assert "“opened in April 2020, twenty years late”" in text  # passages as quote excerpts


def test_clicking_links_selects(view, state, qtbot):
    state.select("ev-opened")
    qtbot.mouseClick(view.browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=anchor_point(view.browser, "item:ex-liwei"))
    assert state.selection == "ex-liwei"
    text = text_of(view)
    assert text.startswith("EXPERT Li Wei 李伟")
    assert "Affiliation Somewhere" in text and "Role analyst" in text and "Studies trade." in text
    assert "ARGUES The bridge helps trade." in text
    assert {"ev-opened", "ev-trade", "p-liwei", "doc"} <= set(view.link_targets())

    qtbot.mouseClick(view.browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=anchor_point(view.browser, "item:ev-trade"))
    assert state.selection == "ev-trade"
    assert "Precision year" in text_of(view)
    assert "Sources disagree" not in text_of(view)

    qtbot.mouseClick(view.browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=anchor_point(view.browser, "item:p-trade"))
    assert state.selection == "p-trade"
    text = text_of(view)
    assert text.startswith("PASSAGE")
    assert "Trade grew in 2021 <b>despite</b> the pandemic." in text
    assert "EVIDENCE FOR" in text
    assert set(view.link_targets()) == {"doc", "en-china", "ev-trade"}


def test_relationship_and_document_fields(view, state):
    state.select("rel-builds")
    text = text_of(view)
    assert "RELATIONSHIP" in text and "Between China builds The bridge" in text and "Period 1988 –" in text
    assert view.link_targets()[:2] == ["en-china", "en-bridge"]
    state.select("doc")
    text = text_of(view)
    assert "Author R. Writer" in text and "Date 2021" in text and "inferred" in text
    assert "3 passages" in text
    assert {"p-opened", "p-liwei", "p-trade", "ev-opened", "ev-trade"} <= set(view.link_targets())


def test_every_item_of_the_default_corpus_renders(qtbot, app):
    from explorer import default_corpus_path

    default = load_corpus(default_corpus_path())
    st = AppState()
    st.set_corpus(default)
    v = InspectorView(st)
    qtbot.addWidget(v)
    v.resize(420, 500)
    v.show()
    try:
        for item in default.all_items():
            st.select(item.id)
            targets = v.link_targets()
            assert all(t in st.index.items for t in targets), item.id
            assert item.id not in targets, item.id
            if item.item_kind not in ("document", "passage"):
                assert set(st.index.passages_of(item.id)) <= set(targets), item.id
    finally:
        v.close()
        st.deleteLater()


def test_built_before_a_corpus_is_loaded(qtbot, app, corpus):
    st = AppState()
    v = InspectorView(st)
    qtbot.addWidget(v)
    v.show()
    assert "No corpus" in text_of(v)
    st.set_corpus(corpus)
    st.select("ev-trade")
    assert "Trade grew" in text_of(v)
    v.close()
    st.deleteLater()
