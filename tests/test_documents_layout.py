"""The documents view keeps laid-out pages and lays out a long paragraph in sections (issue 15): the
behaviour stays exact on a long one-paragraph document (highlights, clicks, F3, search reveal, copy),
switching back to a document reuses its page, and only a bounded number of pages is kept."""

from __future__ import annotations

import random

import pytest
from conftest import write_corpus_folder
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from explorer.core import load_corpus
from explorer.qt.views.documents import DocumentView
from explorer.qt.views.style import KIND_COLORS
from explorer.qt.views.text_layout import BREAK_EVERY, LONG_PARAGRAPH, MARK_WINDOW, display_text

WORDS = ("trade pipeline bridge summit partnership energy border railway ministry agreement "
         "Zürich Kraków 陆南泉 security students history").split()


def one_paragraph(n_chars: int, seed: int = 3) -> str:
    """A text of sentences with no line break but the last (like a PDF extracted without them), with a
    character outside the BMP now and then."""
    rng = random.Random(seed)
    out, size = [], 0
    while size < n_chars:
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
        if rng.random() < 0.05:
            words.append("𝔘")
        sentence = " ".join(words).capitalize() + rng.choice([".", ".", "?", ";"])
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out) + "\n"


def test_display_text_breaks_only_long_paragraphs_and_keeps_every_position():
    short = "A short text.\nTwo lines.\n"
    assert display_text(short) is short
    long = one_paragraph(120_000)
    shown = display_text(long)
    assert len(shown) == len(long)
    diffs = [i for i, (a, b) in enumerate(zip(long, shown)) if a != b]
    assert diffs and all(long[i] == " " and shown[i] == "\u2029" for i in diffs)
    assert all(long[i - 1] in ".?;" for i in diffs)  # after a sentence
    sections = [len(s) for s in shown.split("\u2029")]
    assert max(sections) < BREAK_EVERY * 1.6 and len(sections) > len(long) // (BREAK_EVERY * 2)
    # paragraphs under the limit are left alone, and a run with no white space stays whole
    mixed = "x" * (LONG_PARAGRAPH + 5000) + "\n" + long
    shown = display_text(mixed)
    assert shown[:LONG_PARAGRAPH + 5001] == mixed[:LONG_PARAGRAPH + 5001]
    cjk = "陆南泉" * 10_000
    assert display_text(cjk) == cjk


@pytest.fixture()
def long_doc_corpus(tmp_path):
    text = one_paragraph(160_000)
    other = "A short second document about the bridge.\n"
    near_start = text[200:260]
    far_at = len(text) - 3_000
    far_at = text.index(" ", far_at) + 1
    far = text[far_at:far_at + 70]
    mid_at = text.index(" ", len(text) // 2) + 1
    mid = text[mid_at:mid_at + 50]
    passages = [
        {"id": "p-start", "document": "doc-long", "start": 200, "end": 260, "quote": near_start},
        {"id": "p-mid", "document": "doc-long", "start": mid_at, "end": mid_at + 50, "quote": mid},
        {"id": "p-far", "document": "doc-long", "start": far_at, "end": far_at + 70, "quote": far},
        {"id": "p-other", "document": "doc-short", "start": 2, "end": 8, "quote": other[2:8]},
    ]
    files = {
        "corpus.json": {"title": "Long", "time_range": ["2000", "2022"]},
        "documents.json": [
            {"id": "doc-long", "title": "A long report", "file": "documents/long.txt"},
            {"id": "doc-short", "title": "A short note", "file": "documents/short.txt"},
        ],
        "passages.json": passages,
        "events.json": [
            {"id": "ev-far", "title": "Far event", "start": "2020", "passages": ["p-far"]},
            {"id": "ev-spread", "title": "Spread event", "start": "2019",
             "passages": ["p-start", "p-mid", "p-far", "p-other"]},
        ],
    }
    loaded = load_corpus(write_corpus_folder(tmp_path / "long", {"documents/long.txt": text,
                                                                  "documents/short.txt": other}, files))
    assert loaded.problems == []
    return loaded


@pytest.fixture()
def corpus(long_doc_corpus):
    return long_doc_corpus


def qt_ranges(view, color):
    out = []
    for sel in view.text.extraSelections():
        brush = sel.format.background()
        if brush.style() != Qt.BrushStyle.NoBrush and brush.color().name() == color:
            to_py = view.text.map.to_py
            out.append((to_py(sel.cursor.selectionStart()), to_py(sel.cursor.selectionEnd())))
    return sorted(out)


@pytest.mark.qt_log_ignore(r"This plugin does not support")
def test_a_long_paragraph_is_shown_in_sections_with_exact_offsets(make_view, state, qtbot):
    view = make_view(DocumentView, 800, 600)
    text = state.corpus.get("doc-long").text
    assert view.current_document_id() == "doc-long"
    assert view.text.document().blockCount() > len(text) // (BREAK_EVERY * 2)
    state.select("ev-far")
    far = state.index.passages["p-far"]
    assert view.highlight_ranges() == [(far.start, far.end)]
    # painted exactly there (the marks near the part on show are given to the editor)
    assert qt_ranges(view, KIND_COLORS["event"]) == [(far.start, far.end)]
    # and scrolled there
    cursor = view.text.cursor_for(far.start)
    assert view.text.viewport().rect().contains(view.text.cursorRect(cursor).center())
    # the editor holds the marks near what is shown, not all of them
    assert all(e >= far.start - 3 * MARK_WINDOW for s, e, _ in
               [(sel.cursor.selectionStart(), sel.cursor.selectionEnd(), 0) for sel in view.text.extraSelections()])
    # a click in the passage selects its item
    state.select(None)
    cursor = view.text.cursor_for((far.start + far.end) // 2)
    view.text.setTextCursor(cursor)
    view.text.ensureCursorVisible()
    rect = view.text.cursorRect(cursor)
    with qtbot.waitSignal(view.choiceOffered):  # the passage is evidence for two events
        qtbot.mouseClick(view.text.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() + QPoint(2, 0))
    assert sorted(a.data() for a in view.choice_actions()) == ["ev-far", "ev-spread"]
    next(a for a in view.choice_actions() if a.data() == "ev-far").trigger()
    assert state.selection == "ev-far"


def test_f3_steps_across_the_long_document_and_back(make_view, state, qtbot):
    view = make_view(DocumentView, 800, 600)
    view.activateWindow()
    view.text.setFocus()
    qtbot.waitUntil(view.text.hasFocus)
    state.select("ev-spread")
    order = [state.index.passages[p] for p in ("p-start", "p-mid", "p-far", "p-other")]
    seen = []
    for _ in range(5):
        i, n = view.highlight_position()
        p = order[i - 1]
        seen.append(p.id)
        assert view.current_document_id() == p.document and view.cursor_offset() == p.start
        strong = [r for r in qt_ranges(view, KIND_COLORS["event"]) if r == (p.start, p.end)]
        assert strong, (p.id, view.text._window, view.text.visible_center())
        page = view.text
        assert page.viewport().rect().contains(page.cursorRect(page.cursor_for(p.start)).center())
        page.setFocus()
        qtbot.keyClick(page, Qt.Key.Key_F3)
    assert seen == ["p-start", "p-mid", "p-far", "p-other", "p-start"]


def test_search_reveal_far_in_the_long_document_selects_the_match(make_view, state):
    view = make_view(DocumentView, 800, 600)
    state.select("doc-short")
    text = state.corpus.get("doc-long").text
    at = len(text) - 1_500
    at = text.index(" ", at) + 1
    word = text[at:text.index(" ", at)]
    state.reveal("doc-long", at, at + len(word))
    assert view.current_document_id() == "doc-long"
    assert view.text.textCursor().selectedText() == word
    assert view.text.cursorRect(view.text.textCursor()).intersects(view.text.viewport().rect())


def test_copy_gives_the_documents_own_characters(make_view, state, qtbot):
    """By the shortcut and by the context menu. (The clipboard gets the text itself: a QMimeData made in
    Python for Qt's copy was deleted while the clipboard held it, and the test process crashed on exit.)"""
    view = make_view(DocumentView, 800, 600)
    text = state.corpus.get("doc-long").text
    shown = display_text(text)
    cut = next(i for i, (a, b) in enumerate(zip(text, shown)) if a != b)
    clipboard = QApplication.clipboard()
    cursor = view.text.cursor_for(cut - 30, cut + 30)
    view.text.setTextCursor(cursor)
    clipboard.clear()
    qtbot.keyClick(view.text, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == text[cut - 30:cut + 30]
    assert "\u2029" not in clipboard.text() and "\n" not in clipboard.text()
    view.text.setTextCursor(view.text.cursor_for(cut - 10, cut + 50))
    clipboard.clear()
    menu = view.build_context_menu()
    next(a for a in menu.actions() if a.text() == "Copy").trigger()
    assert clipboard.text() == text[cut - 10:cut + 50]


def test_switching_back_reuses_the_laid_out_page(make_view, state):
    view = make_view(DocumentView, 800, 600)
    long_page = view.text
    long_page.verticalScrollBar().setValue(long_page.verticalScrollBar().maximum() // 2)
    scrolled = long_page.verticalScrollBar().value()
    view._switch_to("doc-short")
    assert view.text is not long_page and view.current_document_id() == "doc-short"
    view._switch_to("doc-long")
    assert view.text is long_page  # the same page: no new layout
    assert long_page.verticalScrollBar().value() == scrolled  # and where the reader left it


def test_pages_are_bounded(tmp_path, qtbot, app):
    from explorer.qt.bridge import AppState

    texts, docs = {}, []
    for k in range(DocumentView.MAX_PAGES + 2):
        texts[f"documents/d{k}.txt"] = f"Document number {k}.\n"
        docs.append({"id": f"doc-{k}", "title": f"Doc {k}", "file": f"documents/d{k}.txt"})
    corpus = load_corpus(write_corpus_folder(tmp_path / "pages", texts, {"corpus.json": {"title": "P"},
                                                                         "documents.json": docs}))
    state = AppState()
    state.set_corpus(corpus)
    view = DocumentView(state)
    qtbot.addWidget(view)
    view.show()
    for d in docs:
        view._switch_to(d["id"])
        assert view.text.toPlainText() == texts[d["file"]]
        assert len(view._pages) <= DocumentView.MAX_PAGES
    assert view.tabs.count() == len(docs)  # every document keeps its tab (a page is made again when needed)
    view._switch_to("doc-0")
    assert view.text.toPlainText() == "Document number 0.\n"
    view.close()


def test_copying_then_quitting_does_not_crash(tmp_path):
    """The process that copied text from a page exits cleanly (it crashed with a segmentation fault when the
    page handed Qt's clipboard a QMimeData that Python then deleted)."""
    import os
    import subprocess
    import sys

    script = tmp_path / "copy_and_quit.py"
    script.write_text(
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from explorer.qt.views.text_layout import DocumentPage\n"
        "page = DocumentPage('doc', 'A sentence. ' * 3000 + '\\n')\n"
        "page.selectAll()\n"
        "page.copy()\n"
        "assert QApplication.clipboard().text().startswith('A sentence. A sentence.')\n"
        "print('copied')\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.strip() == "copied"
