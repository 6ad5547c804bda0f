"""A seeded random user (issue 16): clicks, drags, wheel turns, keys and text (long, accented, Chinese) on every
view of the main window, filters, exports through the dialog (Save clicked twice, Esc while it exports) and
directly, edits through the core on a private copy of the corpus, undo and redo, saving. After every action:
the selection is a known id or none, the history and the undo stack agree with the window, nothing raised,
Qt warned of nothing. After every save, the saved folder loads to the corpus the window shows.

Short by default (a few hundred actions, well under a minute). Longer runs, from the command line:

    EXPLORER_MONKEY_ACTIONS=5000 python3 run_tests.py tests/test_monkey.py     # more actions
    EXPLORER_MONKEY=long python3 run_tests.py tests/test_monkey.py             # 3,000 actions, three seeds
    EXPLORER_MONKEY_SEED=7 ...                                                 # another seed
    EXPLORER_MONKEY_CORPUS=/path/to/corpus ...                                 # another corpus (e.g. 10k events)
    EXPLORER_MONKEY_TRACE=/tmp/trace.txt ...                                   # each action as it starts

A failure names the seed and the actions that led to it; a crash (a segfault takes the process with it)
leaves them in the trace file.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QtMsgType
from PySide6.QtGui import QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QTabBar

from conftest import DATA
from qt_helpers import type_text

LONG = os.environ.get("EXPLORER_MONKEY", "").lower() in ("1", "long", "yes", "true")
ACTIONS = int(os.environ.get("EXPLORER_MONKEY_ACTIONS", "3000" if LONG else "500"))
SEEDS = ([int(os.environ["EXPLORER_MONKEY_SEED"])] if "EXPLORER_MONKEY_SEED" in os.environ
         else ([16, 17, 18] if LONG else [16]))
CORPUS = Path(os.environ.get("EXPLORER_MONKEY_CORPUS", str(DATA)))
TRACE = os.environ.get("EXPLORER_MONKEY_TRACE")

TEXTS = ["bridge", "Li Wei", "李伟", "中国 俄罗斯 关系", "Zürich mêlée", "Ostpolitik", "power of siberia", "x" * 400,
         "  ", "", "ent-china", "1988", "Straße und Brücke " * 12, "邢广程 argues that 中俄 trade will grow", "a\tb"]
DATES = ["1988", "2020-04", "2019-12-02", "1998-8-15", "2021-02-29", "", "9999", "1950", "2022-12-31", None]
KEYS = [(Qt.Key.Key_Left, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Up, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Home, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_End, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_PageUp, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Plus, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Minus, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F3, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier), (Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)]
# never sent: Ctrl+O and Ctrl+Shift+S (file choosers, which block), Ctrl+Q (quits), F5 (reloads the corpus)


class _Log(list):
    """What the monkey did, kept for the failure message, and written to the trace file as it happens."""

    def __init__(self):
        super().__init__()
        self.file = open(TRACE, "a", encoding="utf-8") if TRACE else None  # noqa: SIM115 - closed with the run

    def trace(self, line: str) -> None:
        if self.file is not None:
            self.file.write(line + "\n")
            self.file.flush()

    def append(self, line: str) -> None:
        super().append(line)
        self.trace("  " + line)


class Monkey:
    def __init__(self, window, qtbot, qtlog, tmp: Path, seed: int):
        self.w = window
        self.st = window.state
        self.qtbot = qtbot
        self.qtlog = qtlog
        self.tmp = tmp
        self.rng = random.Random(seed)
        self.seed = seed
        self.log = _Log()
        self.logged = 0
        self.saves = self.exports = self.edits = 0

    # -- where to act ----------------------------------------------------------------------------------
    def surfaces(self):
        """(name, widget) the user can click, drag and turn the wheel on, in every view."""
        w = self.w
        out = [("timeline", w.timeline.plot_widget.viewport()), ("overview", w.timeline.overview.viewport()),
               ("experts list", w.experts.list_view.viewport()), ("expert card", w.experts.card.viewport()),
               ("document", w.documents.text.viewport()), ("document tabs", w.documents.tabs),
               ("inspector", w.inspector.browser.viewport())]
        if hasattr(w, "graph"):
            out += [("graph", w.graph.viewport()), ("graph fit", w.graph.fit_button),
                    ("graph reset", w.graph.reset_button), ("graph time filter", w.graph.time_check)]
        if hasattr(w, "search"):
            out.append(("search results", w.search.tree.viewport()))
        out += [(f"dock tabs {i}", tb) for i, tb in enumerate(self.dock_tab_bars())]
        if w.filter_bar is not None:
            out += [(f"filter chip {i}", chip) for i, chip in enumerate(w.filter_bar.chip_buttons())]
        return [(name, widget) for name, widget in out if widget.isVisible() and widget.width() > 4]

    def dock_tab_bars(self):
        return [tb for tb in self.w.findChildren(QTabBar) if tb.parent() is self.w and tb.isVisible()]

    def point(self, widget) -> QPoint:
        return QPoint(self.rng.randrange(max(1, widget.width())), self.rng.randrange(max(1, widget.height())))

    def pause(self) -> None:
        QApplication.processEvents()
        time.sleep(0.002)

    # -- actions -----------------------------------------------------------------------------------------
    def click(self):
        name, widget = self.rng.choice(self.surfaces())
        pos = self.point(widget)
        if "graph" == name and self.rng.random() < 0.5 and self.w.graph.node_ids():  # aim at a node
            pos = self.w.graph.node_viewport_pos(self.rng.choice(self.w.graph.node_ids()))
        if name == "timeline" and self.rng.random() < 0.5:  # aim at an event
            event = self.rng.choice(self.st.corpus.events).id if self.st.corpus.events else None
            pos = self.w.timeline.event_viewport_pos(event) if event else None
            pos = pos or self.point(widget)
        double = self.rng.random() < 0.15
        self.log.append(f"{'double-' if double else ''}click {name} at {pos.x()},{pos.y()}")
        self.qtbot.mouseMove(widget, pos)
        if double:
            self.qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)
        else:
            self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)

    def drag(self):
        name, widget = self.rng.choice([s for s in self.surfaces() if not s[0].startswith("filter chip")])
        start = self.point(widget)
        if name == "graph" and self.rng.random() < 0.5 and self.w.graph.node_ids():  # a node, moved
            start = self.w.graph.node_viewport_pos(self.rng.choice(self.w.graph.node_ids()))
        button = self.rng.choice([Qt.MouseButton.LeftButton] * 4 + [Qt.MouseButton.MiddleButton])
        steps = self.rng.randint(2, 8)
        dx, dy = self.rng.randint(-200, 200), self.rng.randint(-150, 150)
        self.log.append(f"drag {name} from {start.x()},{start.y()} by {dx},{dy} ({button.name}, {steps} steps)")
        self.qtbot.mouseMove(widget, start)
        self.qtbot.mousePress(widget, button, pos=start)
        for i in range(1, steps + 1):
            self.pause()
            p = start + QPoint(dx * i // steps, dy * i // steps)
            QApplication.sendEvent(widget, QMouseEvent(QEvent.Type.MouseMove, QPointF(p),
                                                       QPointF(widget.mapToGlobal(p)), Qt.MouseButton.NoButton,
                                                       button, Qt.KeyboardModifier.NoModifier))
        self.qtbot.mouseRelease(widget, button, pos=start + QPoint(dx, dy))

    def wheel(self):
        name, widget = self.rng.choice([s for s in self.surfaces() if "tabs" not in s[0] and "chip" not in s[0]])
        pos = self.point(widget)
        turns = self.rng.choice([-360, -120, -120, -40, 40, 120, 120, 360])
        self.log.append(f"wheel {name} at {pos.x()},{pos.y()} by {turns}")
        for _ in range(self.rng.randint(1, 4)):
            QApplication.sendEvent(widget, QWheelEvent(QPointF(pos), QPointF(widget.mapToGlobal(pos)), QPoint(0, 0),
                                                       QPoint(0, turns), Qt.MouseButton.NoButton,
                                                       Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                                                       False))
            self.pause()

    def key(self):
        """A key press, where a keyboard sends it: to the focused widget (focus moved first, sometimes)."""
        key, mods = self.rng.choice(KEYS)
        focus = QApplication.focusWidget()
        if focus is None or focus.window() is not self.w or self.rng.random() < 0.3:
            _name, widget = self.rng.choice([("timeline", self.w.timeline.plot_widget), ("window", self.w)]
                                            + [(n, wd) for n, wd in self.surfaces()])
            widget.setFocus()
        target = QApplication.focusWidget() or self.w
        self.log.append(f"key {QKeyEvent(QEvent.Type.KeyPress, key, mods).keyCombination().toCombined():#x} "
                        f"({key.name} {mods.name if hasattr(mods, 'name') else mods}) to {type(target).__name__}")
        self.qtbot.keyClick(target, key, mods)

    def type_in(self):
        boxes = []
        if hasattr(self.w, "search"):
            boxes.append(("search", self.w.search.line_edit))
        boxes.append(("expert filter", self.w.experts.filter_edit))
        name, box = self.rng.choice(boxes)
        if name == "search":
            self.w.show_search()
        text = self.rng.choice(TEXTS)
        self.log.append(f"type {text[:40]!r}{'…' if len(text) > 40 else ''} into {name}")
        box.setFocus()
        if self.rng.random() < 0.5:
            box.selectAll()
        type_text(self.qtbot, box, text)
        if self.rng.random() < 0.4:
            if name == "search":
                self.w.search.flush()
            self.qtbot.keyClick(box, self.rng.choice([Qt.Key.Key_Return, Qt.Key.Key_Down, Qt.Key.Key_Backspace]))

    def select(self):
        idx = self.st.index
        choice = self.rng.random()
        if choice < 0.6 and idx is not None and idx.items:
            item = self.rng.choice(sorted(idx.items))
            self.log.append(f"select {item}")
            self.st.select(item)
        elif choice < 0.7:
            self.log.append("select an unknown id")
            self.st.select("no-such-item")
        elif choice < 0.85:
            self.log.append("back")
            self.st.back()
        else:
            self.log.append("forward")
            self.st.forward()

    def filters(self):
        fb = self.w.filter_bar
        corpus = self.st.corpus
        r = self.rng.random()
        if r < 0.25 and corpus.themes:
            theme = self.rng.choice(corpus.themes).id
            on = self.rng.random() < 0.7
            self.log.append(f"filter theme {theme} {'on' if on else 'off'}")
            fb.set_filter_value("themes", theme, on)
        elif r < 0.45:
            kind = self.rng.choice(["country", "person", "organisation", "place", "project"])
            self.log.append(f"filter kind {kind}")
            fb.set_filter_value("entity_kinds", kind, self.rng.random() < 0.7)
        elif r < 0.6 and corpus.experts:
            expert = self.rng.choice(corpus.experts).id
            self.log.append(f"filter expert {expert}")
            fb.set_filter_value("experts", expert, self.rng.random() < 0.7)
        elif r < 0.8:
            from explorer.core import PartialDate

            a, b = self.rng.randint(1960, 2022), self.rng.randint(1960, 2022)
            start, end = (PartialDate(min(a, b)), PartialDate(max(a, b))) if self.rng.random() < 0.8 else (None, None)
            self.log.append(f"filter dates {start} – {end}")
            fb.set_date_range(start, end)
        elif r < 0.9:
            dialog = fb.open_date_dialog()
            texts = (self.rng.choice(DATES) or "", self.rng.choice(DATES) or "")
            self.log.append(f"date dialog {texts}")
            dialog.from_edit.setText(texts[0])
            dialog.to_edit.setText(texts[1])
            self.qtbot.keyClick(dialog, Qt.Key.Key_Return)
            if dialog.isVisible():
                dialog.reject()
        else:
            self.log.append("clear filters")
            self.st.clear_filters()

    def view_state(self):
        r = self.rng.random()
        tl = self.w.timeline
        if r < 0.3:
            lo, hi = self.st.full_range()
            a, b = sorted((self.rng.uniform(lo - 1e9, hi + 1e9), self.rng.uniform(lo - 1e9, hi + 1e9)))
            self.log.append(f"timeline range {a:.0f} – {b:.0f}")
            tl.set_visible_range(a, max(b, a + 86400.0))
        elif r < 0.45:
            index = self.rng.randrange(tl.lane_combo.count())
            self.log.append(f"lane mode {index}")
            tl.lane_combo.setCurrentIndex(index)
        elif r < 0.6:
            dock = self.rng.choice(list(self.w.docks.values()))
            self.log.append(f"raise dock {dock.objectName()}")
            dock.show()
            dock.raise_()
        elif r < 0.7 and hasattr(self.w, "graph"):
            g = self.w.graph
            nodes = g.node_ids()
            if nodes:
                node = self.rng.choice(nodes)
                dx, dy = self.rng.randint(-80, 80), self.rng.randint(-80, 80)
                self.log.append(f"graph drag_node {node} by {dx},{dy}")
                g.drag_node(node, dx, dy)
        elif r < 0.8:
            self.log.append("reset layout")
            self.w.reset_layout()
        elif r < 0.9:
            dock = self.rng.choice(list(self.w.docks.values()))
            self.log.append(f"float dock {dock.objectName()}")
            dock.setFloating(not dock.isFloating())
        else:
            self.log.append("window resize")
            self.w.resize(self.rng.randint(900, 1800), self.rng.randint(650, 1100))

    def edit(self):
        from explorer.core import EditError
        from explorer.core.commands import AddItem, DeleteItem, EditItem

        corpus = self.st.corpus
        items = [i for i in corpus.all_items() if i.item_kind in ("event", "entity", "expert", "relationship",
                                                                   "theme")]
        passages = [p.id for p in corpus.passages]
        nodes = [e.id for e in corpus.entities] + [e.id for e in corpus.experts]
        r = self.rng.random()
        if r < 0.35 and items:
            item = self.rng.choice(items)
            field = "title" if "title" in type(item).model_fields else "name"
            command = EditItem(item.id, {field: self.rng.choice(TEXTS)})
        elif r < 0.45 and corpus.events:
            command = EditItem(self.rng.choice(corpus.events).id, start=self.rng.choice(DATES))
        elif r < 0.65 and passages:
            command = AddItem("event", title=self.rng.choice(TEXTS) or "Event", start=self.rng.choice(DATES),
                              passages=[self.rng.choice(passages)],
                              actors=self.rng.sample(nodes, min(len(nodes), self.rng.randint(0, 2))))
        elif r < 0.75 and passages and len(nodes) > 1:
            a, b = self.rng.sample(nodes, 2)
            command = AddItem("relationship", source=a, target=b, kind=self.rng.choice(["meets", "trades with"]),
                              passages=[self.rng.choice(passages)], start=self.rng.choice(DATES))
        elif items:
            command = DeleteItem(self.rng.choice(items).id, cascade=self.rng.random() < 0.7)
        else:
            return
        self.log.append(f"edit {type(command).__name__} {vars(command)}"[:200])
        try:
            self.st.do(command)
            self.edits += 1
        except EditError as exc:
            self.log.append(f"  refused: {str(exc)[:100]}")

    def undo_redo(self):
        if self.rng.random() < 0.6:
            self.log.append("undo")
            self.st.undo()
        else:
            self.log.append("redo")
            self.st.redo()

    def save(self):
        from explorer.core import load_corpus
        from explorer.core.io.dump import corpus_to_dict

        self.log.append("save")
        shown = corpus_to_dict(self.st.corpus)
        assert self.w.save_corpus(), self.w.last_save_error
        self.saves += 1
        again = load_corpus(self.w.corpus_path)
        assert not again.problems, again.problems[:5]
        assert corpus_to_dict(again) == shown, "the saved folder does not load to what the window shows"
        assert not self.st.workspace.modified

    def export_dialog(self):
        from explorer.qt.window.export_dialog import ExportDialog

        view = self.rng.choice([None, self.w.timeline, self.w.experts, self.w.documents, self.w.inspector]
                               + ([self.w.graph] if hasattr(self.w, "graph") else []))
        self.log.append(f"export dialog for {view.title if view else 'the window'}")
        ExportDialog.run(self.w, view)

    def export_direct(self):
        from explorer.qt.export.render import ExportOptions, export_view, window_caption

        view = self.rng.choice([None, self.w.timeline, self.w.experts, self.w.documents]
                               + ([self.w.graph] if hasattr(self.w, "graph") else []))
        fmt = self.rng.choice(["png", "png", "svg", "pdf"])
        path = self.tmp / f"direct-{len(self.log)}.{fmt}"
        options = ExportOptions(width=self.rng.choice([None, 320, 800]), height=self.rng.choice([None, 240, 600]),
                                scale=self.rng.choice([1.0, 2.0]), caption=self.rng.random() < 0.7,
                                transparent=self.rng.random() < 0.3)
        widget = view.export_widget() if view is not None else self.w
        caption = view.export_caption() if view is not None else window_caption(self.st)
        self.log.append(f"export {view.title if view else 'window'} to {path.name} {options}")
        original = widget.size()
        export_view(self.st, widget, caption, path, options)
        if widget.size() != original:
            widget.resize(original)
        assert path.is_file() and path.stat().st_size > 0
        self.exports += 1
        path.unlink()

    def handle_dialogs(self):
        """A dialog an action opened (Ctrl+E, Ctrl+Shift+E): save it to the test's folder, click Save twice, press
        Esc while it exports, or cancel it. A popup menu (a passage that is evidence for several items): pick
        one of its items, or close it."""
        from PySide6.QtWidgets import QMenu

        from explorer.qt.window.export_dialog import ExportDialog

        popup = QApplication.activePopupWidget()
        if isinstance(popup, QMenu):
            choices = [a for a in popup.actions() if a.isEnabled() and a.data()]
            if choices and self.rng.random() < 0.6:
                action = self.rng.choice(choices)
                self.log.append(f"  menu: {action.text()}")
                popup.close()
                action.trigger()
            else:
                self.log.append("  menu: closed")
                popup.close()

        for dialog in [d for d in self.w.findChildren(ExportDialog) if d.isVisible()]:
            fmt = self.rng.choice(["png", "svg", "pdf"])
            path = self.tmp / f"dialog-{len(self.log)}.{fmt}"
            dialog.path_edit.setText(str(path))
            dialog.width_spin.setValue(self.rng.choice([300, 640, dialog.width_spin.value()]))
            dialog.height_spin.setValue(self.rng.choice([200, 480, dialog.height_spin.value()]))
            save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
            how = self.rng.choice(["save", "save twice", "esc while saving", "cancel"])
            self.log.append(f"  export dialog: {how} to {path.name}")
            if how == "cancel":
                dialog.reject()
                continue
            if how == "save twice":
                centre = QPointF(save.rect().center())
                for etype, buttons in ((QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
                                       (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
                    glob = QPointF(save.mapToGlobal(save.rect().center()))
                    QApplication.postEvent(save, QMouseEvent(etype, centre, glob, Qt.MouseButton.LeftButton, buttons,
                                                             Qt.KeyboardModifier.NoModifier))
            elif how == "esc while saving":
                for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.postEvent(dialog, QKeyEvent(etype, Qt.Key.Key_Escape,
                                                             Qt.KeyboardModifier.NoModifier))
            save.click()
            self.pause()
            assert path.is_file() and path.stat().st_size > 0, "the dialog did not export"
            self.exports += 1
            path.unlink()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    # -- the run -----------------------------------------------------------------------------------------
    ACTIONS = [("click", 22), ("drag", 12), ("wheel", 8), ("key", 16), ("type_in", 7), ("select", 8),
               ("filters", 5), ("view_state", 5), ("edit", 8), ("undo_redo", 5), ("save", 1), ("export_dialog", 1),
               ("export_direct", 1)]

    def run(self, n: int) -> None:
        names = [name for name, _ in self.ACTIONS]
        weights = [weight for _, weight in self.ACTIONS]
        for step in range(n):
            action = self.rng.choices(names, weights)[0]
            before = len(self.log)
            self.log.trace(f"seed {self.seed}, action {step + 1}: {action}")
            try:
                with self.qtbot.captureExceptions() as raised:
                    getattr(self, action)()
                    self.pause()
                    self.handle_dialogs()
                    self.pause()
                assert not raised, f"raised: {[e[1] for e in raised]}"
                self.check()
            except BaseException as exc:
                recent = "\n  ".join(self.log[-25:])
                raise AssertionError(f"seed {self.seed}, action {step + 1} ({action}) failed: {exc!r}\n"
                                     f"the last actions:\n  {recent}\nfocus: {self.focus_chain()}") from exc
            if len(self.log) == before:
                self.log.append(f"({action}: nothing to do)")

    @staticmethod
    def focus_chain() -> str:
        """The focused widget and its parents, for the failure message."""
        chain, widget = [], QApplication.focusWidget()
        while widget is not None and len(chain) < 8:
            chain.append(f"{type(widget).__name__}({widget.objectName()})")
            widget = widget.parentWidget()
        return " < ".join(chain) or "none"

    def check(self) -> None:
        st, w = self.st, self.w
        idx = st.index
        known = lambda i: i is None or i in idx.items  # noqa: E731
        assert known(st.selection), f"selection {st.selection!r} is not an item"
        ws = st.workspace
        assert all(known(i) for i in ws.back_stack), "an unknown id in the back history"
        assert all(known(i) for i in ws.forward_stack), "an unknown id in the forward history"
        assert not ws.back_stack or ws.back_stack[-1] != st.selection, "back goes to the selection itself"
        assert not ws.forward_stack or ws.forward_stack[-1] != st.selection, "forward goes to the selection itself"
        assert len(ws.back_stack) <= st.HISTORY_LIMIT
        assert w.act_back.isEnabled() == st.can_go_back() and w.act_forward.isEnabled() == st.can_go_forward()
        stack = ws.stack
        assert w.act_undo.isEnabled() == stack.can_undo() and w.act_redo.isEnabled() == stack.can_redo()
        assert w.isWindowModified() == ws.modified
        label = w.selection_label.text()
        assert (label == "Nothing selected") == (st.selection is None), label
        for record in self.qtlog.records[self.logged:]:
            if record.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) \
                    and not record.ignored:
                raise AssertionError(f"Qt warned: {record.message}")
        self.logged = len(self.qtlog.records)


@pytest.fixture()
def corpus_folder(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target, ignore=shutil.ignore_patterns(".synth.json"))
    return target


# the offscreen platform cannot raise windows (a tooltip, a floating dock) or grab the keyboard and mouse for
# a popup (the document's menu of the items a passage is evidence for): harmless, and only offscreen
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the (keyboard|mouse))")
@pytest.mark.parametrize("seed", SEEDS)
def test_a_random_user_breaks_nothing(qtbot, qtlog, app, tmp_path, corpus_folder, monkeypatch, seed):
    import pyqtgraph as pg

    from explorer.qt.window.main_window import MainWindow

    # pyqtgraph drops mouse moves closer than 10 ms apart; the monkey moves faster than any hand
    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", -1)
    window = MainWindow(use_settings=False)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.open_corpus(corpus_folder, background=False)
    window.activateWindow()
    exports = tmp_path / "exports"
    exports.mkdir()
    monkey = Monkey(window, qtbot, qtlog, exports, seed)
    started = time.perf_counter()
    monkey.run(ACTIONS)
    # finally: everything undone gives the corpus back as it was on disk; saved, it loads as shown
    from explorer.core import load_corpus
    from explorer.core.io.dump import corpus_to_dict

    while window.state.workspace.stack.can_undo():
        window.state.undo()
    monkey.check()
    if not monkey.saves:
        assert corpus_to_dict(window.state.corpus) == corpus_to_dict(load_corpus(CORPUS))
    monkey.save()
    elapsed = time.perf_counter() - started
    print(f"monkey seed {seed}: {ACTIONS} actions in {elapsed:.1f} s ({monkey.edits} edits, {monkey.saves} saves, "
          f"{monkey.exports} exports)")
    window.close()
