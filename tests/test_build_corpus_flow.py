"""Acceptance (issue 10): building a corpus in the window as a user does, from nothing.

File ▸ New Corpus; File ▸ Add Documents with a .txt, an .html, a .pdf and a .docx written here by well-kept
libraries (fpdf2, python-docx; no stored binaries); text selected in the documents view (a character outside
the Basic Multilingual Plane before it) becomes an event, a voice, actors and a relationship through the forms;
Add as Evidence; dates edited in the editor in each written form it accepts, and an impossible one refused;
two duplicate actors merged; every step undone and redone; saved; reopened; `explorer validate` clean and
`explorer dump` equal to what the app held and showed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from conftest import ROOT
from qt_helpers import type_text

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the (keyboard|mouse))")

TXT = ("Summit notes 😀 from the press room.\n"
       "On 16 Sep 2019, NATO leaders met in London.\n"
       "Warns veteran Russianist Lu Nanquan 陆南泉, trade is cooling.\n")
ARTICLE = ("The pipeline opened in December 2019. Gazprom and CNPC signed the deal after years of talks "
           "about the price of the gas and the route of the pipe through the east of Siberia. ")
PDF_LINES = ["Trade grew in 2017 by a third, Gazprom said.", "The customs posts on the border were rebuilt."]
DOCX_LINES = ["Talks ended on December 15 with a deal.", "Gazprom sent its chief executive to the signing."]


def make_files(folder):
    """A .txt, an .html (menus and a script around the article), a .pdf and a .docx with a date in its
    properties."""
    from docx import Document
    from fpdf import FPDF

    folder.mkdir()
    (folder / "notes.txt").write_text(TXT, encoding="utf-8")
    (folder / "report.html").write_text(
        "<!doctype html><html><head><title>Pipeline report</title><script>var tracking = 1;</script></head>"
        "<body><nav><a href='/'>Home</a> | <a href='/about'>About us</a></nav><article><h1>Pipeline report</h1>"
        f"<p>{ARTICLE * 2}</p><p>{ARTICLE.replace('The pipeline opened in December 2019. ', '')}</p></article>"
        "<footer>Copyright the newsroom</footer></body></html>", encoding="utf-8")
    pdf = FPDF()
    pdf.set_title("Trade bulletin")
    pdf.set_author("Customs office")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in PDF_LINES:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(folder / "bulletin.pdf"))
    doc = Document()
    for line in DOCX_LINES:
        doc.add_paragraph(line)
    doc.core_properties.title = "Talks memo"
    doc.core_properties.author = "A. Analyst"
    doc.core_properties.created = datetime(2021, 12, 20, 9, 0)
    doc.save(str(folder / "memo.docx"))
    return [folder / "notes.txt", folder / "report.html", folder / "bulletin.pdf", folder / "memo.docx"]


def qt_pos(text: str, offset: int) -> int:
    """Qt's position of a Python offset: UTF-16 units, "\\r\\n" as one paragraph separator."""
    return len(text[:offset].encode("utf-16-le")) // 2 - text[:offset].count("\r\n")


def explorer(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "explorer", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


class User:
    """The gestures, through the real widgets."""

    def __init__(self, win, qtbot):
        self.win, self.qtbot, self.state = win, qtbot, win.state
        self.steps: list = []  # the corpus after each undo step, to check undo and redo against

    def record(self):
        self.steps.append((self.state.workspace.stack.index, self.state.corpus.snapshot()))

    def doc_with(self, phrase: str) -> str:
        found = [d.id for d in self.state.corpus.documents if phrase in d.text]
        assert len(found) == 1, (phrase, found)
        return found[0]

    def select_text(self, phrase: str, within: str | None = None) -> tuple[str, int, int]:
        """Select ``phrase`` in the document that holds ``within`` (or the phrase itself) as a user would: a
        cursor over Qt's positions; (document, start, end) in code points."""
        doc_id = self.doc_with(within or phrase)
        view = self.win.documents
        view.open_document(doc_id)
        text = self.state.corpus.get(doc_id).text
        start = text.index(phrase, text.index(within)) if within else text.index(phrase)
        end = start + len(phrase)
        cursor = QTextCursor(view.text.document())
        cursor.setPosition(qt_pos(text, start))
        cursor.setPosition(qt_pos(text, end), QTextCursor.MoveMode.KeepAnchor)
        view.text.setTextCursor(cursor)
        assert view.text.textCursor().selectedText() == phrase
        return doc_id, start, end

    def new_from_selection(self, kind: str, phrase: str, within: str | None = None):
        doc_id, start, end = self.select_text(phrase, within)
        self.win.documents.new_actions[kind].trigger()
        form = self.win.item_form
        assert form is not None and form.isVisible() and form.passage_range() == (doc_id, start, end, phrase)
        return form

    def create(self, form) -> str:
        form.create_button.click()
        assert not form.isVisible(), form.message.text()
        self.record()
        return form.new_id

    def type_into(self, edit, text: str):
        edit.setFocus()
        edit.selectAll()
        self.qtbot.keyClick(edit, Qt.Key.Key_Delete)
        type_text(self.qtbot, edit, text)
        self.qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_building_a_corpus_in_the_window_from_four_documents(app, qtbot, tmp_path):
    from explorer.core.io.dump import corpus_to_dict
    from explorer.qt.views.editor import MergeDialog
    from explorer.qt.window.main_window import MainWindow

    files = make_files(tmp_path / "incoming")
    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    user = User(win, qtbot)
    st = win.state

    # -- File ▸ New Corpus ------------------------------------------------------------------------------------
    win.act_new_corpus.trigger()
    dialog = win.new_corpus_dialog
    type_text(qtbot, dialog.title_edit, "Pipeline and summit notes")
    folder = tmp_path / "notes-corpus"
    dialog.folder_edit.setText(str(folder))
    with qtbot.waitSignal(win.corpusLoaded, timeout=20000):
        dialog.create_button.click()
    assert st.corpus.info.title == "Pipeline and summit notes" and st.corpus.root == folder
    assert st.corpus.summary().startswith("0 documents")
    user.record()

    # -- File ▸ Add Documents (the same as a drop) --------------------------------------------------------------
    importing = win.add_documents(files)
    qtbot.waitUntil(lambda: importing.report is not None, timeout=60000)
    report = importing.report
    assert len(report.added) == 4 and not report.refused, report
    assert len(st.corpus.documents) == 4
    html_doc = st.corpus.get(user.doc_with("Gazprom and CNPC signed the deal"))
    assert "tracking" not in html_doc.text and "About us" not in html_doc.text  # the article, not the page
    memo = st.corpus.get(user.doc_with("Talks ended on December 15"))
    assert memo.title == "Talks memo" and memo.author == "A. Analyst" and str(memo.date).startswith("2021-12")
    importing.close()
    user.record()

    # -- items from selections, through the forms -----------------------------------------------------------------
    form = user.new_from_selection("event", "On 16 Sep 2019, NATO leaders met in London.")
    assert form.field("start").edit.text() == "2019-09-16" and form.field("title").text() == \
        "NATO leaders met in London"
    summit = user.create(form)
    assert st.workspace.stack.undo_label() == "New Event ‘NATO leaders met in London’"

    form = user.new_from_selection("expert", "Lu Nanquan 陆南泉")
    assert (form.field("name").text(), form.field("native_name").text()) == ("Lu Nanquan", "陆南泉")
    lu = user.create(form)

    form = user.new_from_selection("event", "The pipeline opened in December 2019.")
    assert form.field("start").edit.text() == "2019-12" and "Month precision" in form.field("start").hint.text()
    pipeline = user.create(form)

    gazprom = user.create(user.new_from_selection("entity", "Gazprom", within="Gazprom and CNPC signed"))
    cnpc = user.create(user.new_from_selection("entity", "CNPC"))

    form = user.new_from_selection("relationship", "Gazprom and CNPC signed the deal")
    user.type_into(form.field("source").edit, "Gazprom")
    type_text(qtbot, form.field("kind"), "signs with")
    user.type_into(form.field("target").edit, "CNPC")
    deal = user.create(form)
    rel = st.corpus.get(deal)
    assert (rel.source, rel.kind, rel.target) == (gazprom, "signs with", cnpc)

    form = user.new_from_selection("event", "Trade grew in 2017 by a third")
    assert form.field("start").edit.text() == "2017" and "Year precision" in form.field("start").hint.text()
    trade = user.create(form)

    form = user.new_from_selection("event", "Talks ended on December 15 with a deal.")
    assert form.field("start").edit.text() == "2021-12-15" and form.field("inferred").isChecked()
    talks = user.create(form)
    assert st.corpus.get(talks).inferred

    # -- Add as Evidence ----------------------------------------------------------------------------------------------
    st.select(gazprom)
    user.select_text("Gazprom said", within="Trade grew in 2017")
    win.documents.add_evidence_action.trigger()
    user.record()
    assert len(st.corpus.get(gazprom).passages) == 2
    assert st.corpus.get(st.corpus.get(gazprom).passages[1]).quote == "Gazprom said"

    # -- a duplicate, merged -----------------------------------------------------------------------------------------
    form = user.new_from_selection("entity", "Gazprom", within="Gazprom sent its chief executive")
    assert form.field("name").text() == "Gazprom"
    duplicate = user.create(form)
    assert duplicate != gazprom
    win.act_merge.trigger()
    merge = win.findChild(MergeDialog)
    assert merge.list.currentItem().data(Qt.ItemDataRole.UserRole) == gazprom  # the same name comes first
    merge.merge_button.click()
    user.record()
    assert st.corpus.get(duplicate) is None and st.selection == gazprom
    assert len(st.corpus.get(gazprom).passages) == 3

    # -- dates edited in the editor ---------------------------------------------------------------------------------
    st.select(summit)
    win.show_editor()
    start = win.editor.field("start")
    for typed, stored in (("2019", "2019"), ("2019-12", "2019-12"), ("2019-12-02", "2019-12-02"),
                          ("Dec 2019", "2019-12"), ("December 2019", "2019-12"), ("16 September 2019", "2019-09-16"),
                          ("2019-12-03", "2019-12-03"), ("16 Sep 2019", "2019-09-16"),
                          ("September 17, 2019", "2019-09-17")):
        user.type_into(start.edit, typed)
        assert str(st.corpus.get(summit).start) == stored and not start.error.isVisible(), typed
        user.record()
    assert st.workspace.stack.undo_label() == "Change start of ‘NATO leaders met in London’"
    assert win.act_undo.text() == "&Undo Change start of ‘NATO leaders met in London’"
    steps = st.workspace.stack.index
    user.type_into(start.edit, "31 June 2019")
    assert start.error.isVisible() and "June 2019 has no day 31" in start.error.text()
    assert str(st.corpus.get(summit).start) == "2019-09-17" and st.workspace.stack.index == steps
    user.type_into(start.edit, "September 17, 2019")  # back to the date it has: no step, the message goes
    assert not start.error.isVisible() and st.workspace.stack.index == steps

    # -- every step undone, then redone -------------------------------------------------------------------------------
    stack = st.workspace.stack
    indexes = [i for i, _ in user.steps]
    assert indexes == sorted(indexes) and indexes[-1] == stack.index
    by_index = dict(user.steps)
    while stack.can_undo():
        win.act_undo.trigger()
        if stack.index in by_index:
            assert st.corpus.snapshot() == by_index[stack.index], stack.index
    assert st.corpus.summary().startswith("0 documents") and not win.isWindowModified()
    while stack.can_redo():
        win.act_redo.trigger()
        if stack.index in by_index:
            assert st.corpus.snapshot() == by_index[stack.index], stack.index
    final = st.corpus.snapshot()
    assert final == user.steps[-1][1]

    # -- what the views show, then save ---------------------------------------------------------------------------
    events = {summit, pipeline, trade, talks}
    assert events <= win.timeline.drawn_event_ids() | win.timeline.visible_event_ids()
    st.select(summit)
    assert win.editor.field("title").text() == "NATO leaders met in London"
    assert win.editor.field("start").edit.text() == "2019-09-17"
    assert "NATO leaders met in London" in win.inspector.browser.toPlainText()
    shown = corpus_to_dict(st.corpus)
    assert win.isWindowModified()
    win.act_save.trigger()
    assert not win.isWindowModified(), win.last_save_error
    win.close()

    # -- reopened: nothing to recover, the same corpus; explorer validate and dump agree --------------------------------
    again = MainWindow(use_settings=False)
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.corpusLoaded, timeout=20000):
        again.open_corpus(folder)
    assert again.recovery_box is None and again.state.corpus.problems == []
    assert again.state.corpus.snapshot() == final
    again.state.select(lu)
    assert again.editor.field("native_name").text() == "陆南泉"
    again.close()
    valid = explorer("validate", folder)
    assert valid.returncode == 0 and valid.stdout.startswith("valid: "), valid.stdout + valid.stderr
    dump = explorer("dump", folder)
    assert dump.returncode == 0, dump.stderr
    assert json.loads(dump.stdout) == shown
