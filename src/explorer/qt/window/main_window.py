"""The main window: assembles the views around the one AppState, with actions, menus, shortcuts and
remembered settings. Views never talk to each other; the window only wires them to the state."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QDockWidget, QFileDialog, QLabel,
                               QLineEdit, QMainWindow, QMessageBox, QPlainTextEdit, QProgressDialog,
                               QPushButton, QTabBar, QVBoxLayout, QWidget)

from ... import default_corpus_path, is_in_install
from ...core.corpus import Corpus, EditError
from ...core.io.save import SaveConflict, SaveError
from ...core.index import CorpusIndex
from ...core.io.load import NotACorpusError
from ...core.io.open import open_corpus_and_index
from ..app import app_icon
from ..bridge import AppState
from ..views import style
from ..views.base import View
from ..views.candidates import CandidatesView
from ..views.documents import DocumentView
from ..views.editor import DeleteDialog, EditorView, MergeDialog
from ..views.experts import ExpertsView
from ..views.inspector import InspectorView
from ..views.timeline import TimelineView
from .deferred import FirstPaint, Views, Warmup

RECENT_LIMIT = 8
#: the timeline's palette (as ``views.timeline_items.timeline_data`` gives it), for the loading thread
_THEME_COLORS, _KIND_COLORS = style.FALLBACK_THEME_COLORS, style.KIND_COLORS

GRAPH_WARMUP_MS = 1000  # after a corpus is shown, when the graph not yet shown starts on its layout
SETTINGS_VERSION = 2  # bump when the dock layout changes, so an old saved layout is not restored
DOCK_MIN_WIDTH = {"experts": 230, "inspector": 230, "search": 230, "document": 300, "graph": 300}


def load_corpus_and_index(path: Path, prepare_graph: bool = True) -> tuple[Corpus, CorpusIndex]:
    """Everything slow about opening a corpus, in one place that runs off the UI thread: loading and
    validating, the index, and the size-independent part of the graph's layout (unless not
    ``prepare_graph``: the graph is not made yet, and the window prepares it once the corpus is shown)."""
    # finishes an interrupted save, stamps the files, loads and indexes (or takes both from the cache of
    # opened corpora when every file is as it was)
    corpus, index = open_corpus_and_index(path)
    if prepare_graph:
        _prepare_graph(corpus)
    # the timeline's lanes and rows as the view first shows them (a second at 100k events), made here
    # instead of on the UI thread; the view takes them from index.prepared (the palette: see timeline_data)
    from ...core.layout.timeline import TimelineData
    from ...core.ranges import corpus_range

    lo, hi = corpus_range(corpus, index)
    index.prepared[("timeline", "theme", hi - lo)] = TimelineData(
        index, "theme", full_span=hi - lo, theme_colors=_THEME_COLORS, kind_colors=_KIND_COLORS)
    return corpus, index


def _prepare_graph(corpus: Corpus) -> None:
    try:
        from ...core.layout.graph import prepare_layout
    except ImportError:
        pass
    else:
        prepare_layout(corpus)


class _LoadWorker(QObject):
    finished = Signal(object, object)  # Corpus, CorpusIndex
    failed = Signal(str)

    def __init__(self, path: Path, prepare_graph: bool = True):
        super().__init__()
        self.path = path
        self.prepare_graph = prepare_graph

    def run(self) -> None:
        try:
            corpus, index = load_corpus_and_index(self.path, self.prepare_graph)
        except NotACorpusError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # never a traceback for the user: report and keep the current corpus
            self.failed.emit(f"{self.path}: could not be loaded ({type(exc).__name__}: {exc})")
        else:
            self.finished.emit(corpus, index)


class _ShortcutGuard(QObject):
    """An event filter for text boxes: a key that is the shortcut of one of the window's commands is left
    to the command (the text box is not offered it), whatever the platform's text-editing keys say."""

    def __init__(self, actions: list[QAction], parent: QObject):
        super().__init__(parent)
        self.actions = actions

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            pressed = QKeySequence(event.keyCombination())
            for action in self.actions:
                if action.isEnabled() and pressed in action.shortcuts():
                    event.ignore()  # not the text box's: the shortcut goes to the window's action
                    return True
        return False


class MainWindow(QMainWindow):
    corpusLoaded = Signal()
    corpusFailed = Signal(str)

    def __init__(self, state: AppState | None = None, parent: QWidget | None = None, use_settings: bool = True):
        super().__init__(parent)
        self.use_settings = use_settings
        self.state = state or AppState(self)
        self.corpus_path: Path | None = None
        self._thread: QThread | None = None
        self._worker: _LoadWorker | None = None
        self._progress: QProgressDialog | None = None
        self._loading_path: Path | None = None
        self._last_view: View | None = None
        self.recovery_box: QMessageBox | None = None  # open while unsaved edits of an earlier session wait
        self.about_box: QDialog | None = None  # Help ▸ About, while it is open
        self.last_save_error = ""
        self.setWindowTitle("Explorer")
        self.setObjectName("MainWindow")
        self.setWindowIcon(app_icon())
        self.setDockNestingEnabled(True)
        self.setAcceptDrops(True)  # files dropped on the window are added as documents (ingest_dialog.py)
        self.ingest_dialog = None  # File ▸ Add Documents…, while it is open
        self.new_corpus_dialog = None  # File ▸ New Corpus…, once opened

        self._graph_warmup = Warmup()
        self.timeline = TimelineView(self.state)
        self.experts = ExpertsView(self.state)
        self.documents = DocumentView(self.state)
        self.inspector = InspectorView(self.state)
        self.editor = EditorView(self.state)
        self.views: dict[str, View] = Views({"timeline": self.timeline, "experts": self.experts,
                                             "document": self.documents, "inspector": self.inspector,
                                             "editor": self.editor})
        self._add_optional_views()
        self.candidates = CandidatesView(self.state)  # the reading assistant (Tools ▸ Find Candidates)
        self.views["candidates"] = self.candidates

        self.setCentralWidget(self.timeline)
        self.docks: dict[str, QDockWidget] = {}
        # QMainWindow lays itself out from inside a second tabifyDockWidget (to recycle tab bars) and so
        # makes two tab bars for the same docks, one of them left over, alive under the central widget
        # (a drag on it crashes Qt). With the layout off while the docks are arranged, each group of
        # tabbed docks gets exactly one tab bar.
        self.layout().setEnabled(False)
        self._dock("experts", Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("inspector", Qt.DockWidgetArea.LeftDockWidgetArea)
        self.splitDockWidget(self.docks["experts"], self.docks["inspector"], Qt.Orientation.Vertical)
        self._host_editor()
        if "search" in self.views:
            self._dock("search", Qt.DockWidgetArea.LeftDockWidgetArea)
            self.tabifyDockWidget(self.docks["experts"], self.docks["search"])
            self.docks["experts"].raise_()
        self._dock("document", Qt.DockWidgetArea.RightDockWidgetArea)
        if "graph" in self.views:
            self._dock("graph", Qt.DockWidgetArea.RightDockWidgetArea)
            self.tabifyDockWidget(self.docks["document"], self.docks["graph"])
            self.docks["document"].raise_()
        self._dock("candidates", Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.docks["experts"], self.docks["candidates"])
        self.docks["candidates"].hide()  # a tool: Tools ▸ Find Candidates (or View ▸ Candidates) shows it
        self.docks["experts"].raise_()
        self.layout().setEnabled(True)
        self.resizeDocks([self.docks["experts"], self.docks["document"]], [360, 520], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["experts"], self.docks["inspector"]], [600, 320], Qt.Orientation.Vertical)
        self._default_state = self.saveState(SETTINGS_VERSION)

        self._build_actions()
        self._build_menus()
        self._first_paint = FirstPaint(self)
        self._follows_focus = True  # until the window is closed
        self._build_toolbar()
        self._guard_shortcuts()
        self.problems_label = QPushButton()
        self.problems_label.setFlat(True)
        self.problems_label.clicked.connect(self.show_problems)
        self.problems_label.hide()
        self.statusBar().addPermanentWidget(self.problems_label)

        self.state.selectionChanged.connect(self._on_selection_changed)
        self.state.historyChanged.connect(self._on_history_changed)
        self.state.corpusChanged.connect(self._on_corpus_changed)
        self.state.undoStateChanged.connect(self._on_undo_state_changed)
        self.state.itemFormRequested.connect(self.open_item_form)
        self.history_panel = None  # Edit ▸ History, once opened
        self.item_form = None  # the new-item form that is open
        self._on_undo_state_changed()
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        if use_settings:
            self._restore_settings()
        else:
            self.resize(1600, 1000)
        self._on_history_changed()

    def _default_size(self):
        """1600×1000, or 90% of a smaller screen."""
        from PySide6.QtCore import QSize

        screen = self.screen() or QApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        if area is None or area.width() <= 0:
            return QSize(1600, 1000)
        return QSize(min(1600, int(area.width() * 0.9)), min(1000, int(area.height() * 0.9)))

    # -- construction --------------------------------------------------------------------------------
    def _add_optional_views(self) -> None:
        """Views that plug in when present: the relationship graph (made when its tab is first shown:
        it starts behind the documents; ``deferred.py``) and the search panel."""
        if find_spec("explorer.qt.views.graph") is not None:
            self.views.defer("graph", "Relationships", self._make_graph)
        try:
            from ..views.search import SearchView
        except ImportError:
            pass
        else:
            self.search = SearchView(self.state)
            self.views["search"] = self.search

    def _make_graph(self) -> View:
        from ..views.graph import GraphView

        self._graph_warmup.wait()  # its layout shapes, if they are being made in the background
        view = GraphView(self.state)
        if hasattr(self, "_shortcut_guard"):
            for edit in view.findChildren(QLineEdit):
                edit.installEventFilter(self._shortcut_guard)
        return view

    def _warm_graph_later(self, corpus: Corpus) -> None:
        """The graph's layout shapes, made in the background a moment after the corpus is shown while
        its tab is not on screen: its first showing then finds them made (``deferred.Warmup``)."""
        def start() -> None:
            if self.isVisible() and not self.views.is_made("graph") and self.state.corpus is corpus:
                self._graph_warmup.start(lambda: _prepare_graph(corpus))

        QTimer.singleShot(GRAPH_WARMUP_MS, self, start)

    @property
    def graph(self) -> View:
        """The relationship graph (made now if its tab was never shown)."""
        if "graph" not in self.views:
            raise AttributeError("graph")
        return self.views["graph"]

    def _dock(self, name: str, area: Qt.DockWidgetArea) -> QDockWidget:
        view = self.views.widget(name)  # a placeholder while the view is not made (deferred.py)
        dock = QDockWidget(view.title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(view)
        view.setMinimumWidth(DOCK_MIN_WIDTH.get(name, 240))
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        self.views.watch(name, dock)
        return dock

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                keys: list[QKeySequence] = []
                for s in shortcut:  # a standard key may already be one of the explicit ones: no duplicates
                    for k in (QKeySequence.keyBindings(s) if isinstance(s, QKeySequence.StandardKey)
                              else [QKeySequence(s)]):
                        if k not in keys:
                            keys.append(k)
                action.setShortcuts(keys)
            else:
                action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
                              if shortcut is not None else tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        st = self.style()
        from PySide6.QtWidgets import QStyle

        self.act_new_corpus = self._action("&New Corpus…", self.new_corpus, QKeySequence.StandardKey.New,
                                           "Create an empty corpus folder and open it")
        self.act_add_documents = self._action("&Add Documents…", self.add_documents, "Ctrl+Shift+D",
                                              "Add .txt, .md, .html, .pdf or .docx files to the corpus "
                                              "(or drop them on the window)")
        self.act_open = self._action("&Open Corpus Folder…", self.choose_corpus, QKeySequence.StandardKey.Open,
                                     "Open another corpus folder")
        self.act_save = self._action("&Save", self.save_corpus, QKeySequence.StandardKey.Save,
                                     "Write the edits to the corpus folder")
        self.act_save_as = self._action("Save &As…", self.save_corpus_as, "Ctrl+Shift+S",
                                        "Write the corpus, with its edits, to another folder")
        self.act_reload = self._action("&Reload Corpus", self.reload_corpus, QKeySequence.StandardKey.Refresh,
                                       "Load the corpus folder again from disk")
        self.act_export_view = self._action("&Export View…", self.export_view, "Ctrl+E",
                                            "Export the focused view as PNG, SVG or PDF")
        self.act_export_window = self._action("Export &Window…", self.export_window, "Ctrl+Shift+E",
                                              "Export the whole window as PNG, SVG or PDF")
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, "Quit Explorer")
        self.act_back = self._action("&Back", self.state.back, [QKeySequence.StandardKey.Back, "Alt+Left"],
                                     "Go back to the previous selection")
        self.act_back.setIcon(st.standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.act_forward = self._action("&Forward", self.state.forward,
                                        [QKeySequence.StandardKey.Forward, "Alt+Right"],
                                        "Go forward to the next selection")
        self.act_forward.setIcon(st.standardIcon(QStyle.StandardPixmap.SP_ArrowForward))
        # Undo and Redo run the core's command stack (every edit, graph moves included)
        self.act_undo = self._action("&Undo", self.state.undo, QKeySequence.StandardKey.Undo, "Undo the last edit")
        self.act_redo = self._action("&Redo", self.state.redo, None, "Redo the last edit undone")
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        for extra in (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")):  # both, whatever the platform
            if extra not in redo_keys:
                redo_keys.append(extra)
        self.act_redo.setShortcuts(redo_keys)
        for a in (self.act_undo, self.act_redo):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(a)
        self.act_history = self._action("&History…", self.show_history, "Ctrl+Shift+H",
                                        "List the edits made and go back or forward to any of them")
        self.act_new = {kind: self._action(text, lambda _=False, k=kind: self.open_item_form({"kind": k}), None, tip)
                        for kind, text, tip in (
                            ("event", "New &Event…", "Create an event (select text in a document first to give "
                                                     "its evidence)"),
                            ("expert", "New &Voice…", "Create an expert or other voice"),
                            ("entity", "New &Actor…", "Create an actor: a country, organisation, person, project…"),
                            ("relationship", "New &Relationship…", "Create a relationship between two actors or "
                                                                   "voices"),
                            ("theme", "New &Theme…", "Create a theme"))}
        self.act_edit_item = self._action("&Edit Selected Item", self.edit_selected, "F2",
                                          "Show the editor of the selected item")
        self.act_delete = self._action("&Delete…", self.delete_selected, QKeySequence.StandardKey.Delete,
                                       "Delete the selected item (what refers to it is listed first)")
        self.act_merge = self._action("&Merge Into…", self.merge_selected, None,
                                      "The selected item duplicates another: merge it into that one")
        self.act_delete.setEnabled(False)
        self.act_merge.setEnabled(False)
        self.act_find = self._action("&Find…", self.show_search, QKeySequence.StandardKey.Find,
                                     "Search the documents and every item")
        self.act_find_next = self._action("Find &Next", lambda: self._search_step(1), QKeySequence.StandardKey.FindNext,
                                          "Go to the next search match")
        self.act_find_prev = self._action("Find Pre&vious", lambda: self._search_step(-1),
                                          QKeySequence.StandardKey.FindPrevious, "Go to the previous search match")
        self.act_clear = self._action("&Clear Selection", self.state.clear_selection, "Esc", "Clear the selection")
        self.act_reset_layout = self._action("&Reset Layout", self.reset_layout, None,
                                             "Put every panel back where it started")
        self.act_problems = self._action("Corpus &Problems…", self.show_problems, None,
                                         "List the problems found when loading the corpus")
        self.act_about = self._action("&About Explorer", self.show_about, None, "Sources and credits")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&File")
        m.addAction(self.act_new_corpus)
        m.addAction(self.act_open)
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        m.addSeparator()
        m.addAction(self.act_add_documents)
        from .interop_actions import add_interop_actions  # File ▸ Import… and Export Data… (loaded on use)

        add_interop_actions(self, m)
        m.addSeparator()
        for a in (self.act_save, self.act_save_as, None, self.act_reload, None, self.act_export_view,
                  self.act_export_window, None, self.act_quit):
            m.addSeparator() if a is None else m.addAction(a)
        m = bar.addMenu("&Edit")
        for a in (self.act_undo, self.act_redo, self.act_history, None, *self.act_new.values(), None,
                  self.act_edit_item, self.act_delete, self.act_merge, None,
                  self.act_find, self.act_find_next, self.act_find_prev):
            m.addSeparator() if a is None else m.addAction(a)
        m = bar.addMenu("&Go")
        for a in (self.act_back, self.act_forward, self.act_clear):
            m.addAction(a)
        self.view_menu = bar.addMenu("&View")
        for name, dock in self.docks.items():
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.act_reset_layout)
        m = bar.addMenu("&Tools")
        self.act_find_candidates = self._action("Find &Candidates", self.find_candidates, "Ctrl+Shift+F",
                                                "Find candidate events, voices and actors in the document shown")
        m.addAction(self.act_find_candidates)
        m = bar.addMenu("&Help")
        m.addAction(self.act_problems)
        m.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Navigation")
        tb.setObjectName("toolbar-navigation")
        tb.setMovable(False)
        tb.addAction(self.act_back)
        tb.addAction(self.act_forward)
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionLabel")
        self.selection_label.setTextFormat(Qt.TextFormat.PlainText)
        self.selection_label.setContentsMargins(10, 0, 10, 0)
        tb.addWidget(self.selection_label)
        self.navigation_toolbar = tb
        try:
            from ..views.filters import FilterBar
        except ImportError:
            self.filter_bar = None
        else:
            self.addToolBarBreak()
            bar = self.addToolBar("Filters")
            bar.setObjectName("toolbar-filters")
            bar.setMovable(False)
            self.filter_bar = FilterBar(self.state)
            bar.addWidget(self.filter_bar)
            self.filters_toolbar = bar

    def _guard_shortcuts(self) -> None:
        """The window's commands reach it from a text box too: with X11 key bindings a line edit takes
        Ctrl+E (its Emacs binding for the end of the line) before Export View gets it."""
        actions = [self.act_open, self.act_save, self.act_save_as, self.act_reload, self.act_export_view,
                   self.act_export_window, self.act_quit, self.act_back, self.act_forward, self.act_find,
                   self.act_find_next, self.act_find_prev]
        self._shortcut_guard = _ShortcutGuard(actions, self)
        for edit in self.findChildren(QLineEdit):
            edit.installEventFilter(self._shortcut_guard)

    def show_search(self) -> None:
        if "search" not in self.views:
            return
        dock = self.docks["search"]
        dock.show()
        dock.raise_()
        self.views["search"].focus_search()

    def _search_step(self, step: int) -> None:
        if "search" in self.views:
            self.views["search"].step(step)

    # -- corpus --------------------------------------------------------------------------------------
    def open_corpus(self, path: Path | str | None, background: bool = True) -> None:
        """Load a corpus folder (off the UI thread when ``background``) and show it."""
        path = Path(path) if path else default_corpus_path()
        if self._thread is not None or not self._may_leave_corpus():
            return
        if not background:
            try:
                corpus, index = load_corpus_and_index(path, self.views.is_made("graph"))
            except NotACorpusError as exc:
                self._on_load_failed(str(exc))
                return
            self._on_loaded(corpus, index, path)
            return
        self._thread = QThread(self)
        self._worker = _LoadWorker(path, prepare_graph=self.views.is_made("graph"))
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._loading_path = path
        self._worker.finished.connect(self._on_loaded_in_background)
        self._worker.failed.connect(self._on_failed_in_background)
        self._progress = QProgressDialog(f"Loading {path.name}…", "", 0, 0, self)
        self._progress.setCancelButton(None)
        self._progress.setWindowTitle("Explorer")
        self._progress.setMinimumDuration(400)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.statusBar().showMessage(f"Loading {path}…")
        thread = self._thread  # started once the window is on screen (deferred.FirstPaint), unless closed by then
        self._first_paint.then(lambda: thread.start() if self._thread is thread and self._follows_focus else None)

    def _on_loaded_in_background(self, corpus: Corpus, index: CorpusIndex) -> None:
        self._finish_thread()
        self._on_loaded(corpus, index, self._loading_path)

    def _on_failed_in_background(self, message: str) -> None:
        self._finish_thread()
        self._on_load_failed(message)

    def _finish_thread(self) -> None:
        """The worker has delivered its result: end its thread now, so another corpus can be opened
        straight away (from Open Recent, say)."""
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        if self._worker is not None:
            self._worker.deleteLater()
        self._worker = None
        self._thread = None

    def _on_loaded(self, corpus: Corpus, index: CorpusIndex, path: Path) -> None:
        self.corpus_path = None  # not remembered while the new corpus's empty selection goes out
        self.state.set_corpus(corpus, index)
        self.state.workspace.attach_journal()
        if "graph" in self.views and not self.views.is_made("graph"):
            self._warm_graph_later(corpus)
        self.corpus_path = path
        for note in getattr(corpus, "notes", []):
            self.statusBar().showMessage(note, 10000)
        if self.use_settings:
            settings = QSettings()
            recent = [str(path.resolve())] + [p for p in self.recent_corpora() if p != str(path.resolve())]
            settings.setValue("corpus/recent", recent[:RECENT_LIMIT])
            last = settings.value(self._selection_key())
            if isinstance(last, str) and last:
                self.state.select(last)
        n = len(corpus.problems)
        if n:
            self.problems_label.setText(f"⚠ {n} problem{'s' if n != 1 else ''} in the corpus — show")
            self.problems_label.show()
            self.statusBar().showMessage(f"Loaded {corpus.info.title}: {corpus.summary()} "
                                         f"({n} problem{'s' if n != 1 else ''})", 10000)
        else:
            self.problems_label.hide()
            self.statusBar().showMessage(f"Loaded {corpus.info.title}: {corpus.summary()}", 10000)
        self.corpusLoaded.emit()
        if self.state.workspace.recovery_available():
            self._offer_recovery()

    # -- saving and recovery ---------------------------------------------------------------------------
    def _offer_recovery(self) -> None:
        """Edits of an earlier session were never saved: ask (never apply them silently)."""
        journal = self.state.workspace.journal
        steps = len(journal.entries())
        changed = journal.changed_since_base(self.state.corpus.file_stamps)
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved edits?",
                          f"{steps} edit{'s' if steps != 1 else ''} to this corpus were not saved when Explorer "
                          f"last closed.", QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(
            "Recover them to go on where you left off (one Undo takes them back), or discard them for good."
            + (f"\n\nSince then these files changed on disk: {', '.join(changed)}." if changed else ""))
        self.recover_button = box.addButton("Recover Edits", QMessageBox.ButtonRole.AcceptRole)
        self.discard_button = box.addButton("Discard Edits", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(self.recover_button)
        box.buttonClicked.connect(self._on_recovery_answer)
        self.recovery_box = box
        box.open()

    def _on_recovery_answer(self, button) -> None:
        ws = self.state.workspace
        if button is self.recover_button:
            try:
                n = ws.recover()
            except EditError as exc:
                QMessageBox.warning(self, "Cannot recover the edits", f"The unsaved edits no longer fit the "
                                    f"corpus as it is on disk: {exc}\nThey are kept; save the corpus as it is "
                                    f"or discard them.")
                return
            self.statusBar().showMessage(f"Recovered {n} unsaved edit{'s' if n != 1 else ''}", 10000)
        else:
            ws.discard_recovery()
            self.statusBar().showMessage("Discarded the unsaved edits", 10000)
        self.recovery_box = None

    def save_corpus(self) -> bool:
        """File ▸ Save: write the edited files atomically; on any refusal say why and offer Save As."""
        self.editor.commit_pending()  # what is typed in the editor and not yet entered is saved too
        ws = self.state.workspace
        if ws.corpus is None:
            return False
        if is_in_install(ws.corpus.root):  # the corpus that comes with the app: never written to
            if not ws.modified:
                self.statusBar().showMessage("Nothing to save", 8000)
                return True
            return self._save_failed("The sample corpus cannot be changed", (
                f"This is the corpus that comes with Explorer, inside its installation ({ws.corpus.root}); "
                f"it is never changed.\n\nYour edits are kept (they survive a crash too). Save them as a new "
                f"corpus folder of your own (Save As…)?"))
        if self.read_only() and ws.modified:  # a folder this user cannot write: edits go to Save As
            return self._save_failed("The corpus folder is read-only", (
                f"{ws.corpus.root} cannot be written (it is read-only for you), so the corpus opened for "
                f"reading.\n\nYour edits are kept (they survive a crash too). Save them as a new corpus folder "
                f"of your own (Save As…)?"))
        try:
            result = ws.save()
        except SaveConflict as exc:
            return self._save_failed("Files changed on disk", f"{exc}\n\nYour edits are kept. Save them to "
                                     f"another folder, or reload the corpus to see the other changes.")
        except SaveError as exc:
            return self._save_failed("Cannot save the corpus", f"{exc}\n\nYour edits are kept (they survive "
                                     f"a crash too). Save them to another folder?")
        written = result.written
        self.statusBar().showMessage(f"Saved {', '.join(written)}" if written else "Nothing to save", 8000)
        self._on_undo_state_changed()
        return True

    def _save_failed(self, title: str, message: str) -> bool:
        self.statusBar().showMessage(message.splitlines()[0], 10000)
        self.last_save_error = message
        if QApplication.platformName() == "offscreen":
            return False
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Save).setText("Save As…")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        if box.exec() == QMessageBox.StandardButton.Save:
            return self.save_corpus_as()
        return False

    def save_corpus_as(self, folder: Path | str | None = None) -> bool:
        """File ▸ Save As…: the corpus, with its edits, into a new (or empty) folder, which it then is."""
        self.editor.commit_pending()
        ws = self.state.workspace
        if ws.corpus is None:
            return False
        if folder is None:
            parent = self.corpus_path.parent if self.corpus_path else Path.home()
            if is_in_install(parent):  # offer the user's documents, not the inside of the installation
                from PySide6.QtCore import QStandardPaths

                documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
                parent = Path(documents) if documents and Path(documents).is_dir() else Path.home()
            name = "explorer-sample-corpus" if is_in_install(ws.corpus.root) else f"{ws.corpus.root.name}-copy"
            start = parent / name
            chosen, _ = QFileDialog.getSaveFileName(self, "Save Corpus As (a new folder)", str(start))
            if not chosen:
                return False
            folder = chosen
        folder = Path(folder)
        if is_in_install(folder):
            return self._save_failed("Cannot save there", f"{folder} is inside Explorer's installation, which is "
                                     f"never changed; choose a folder of your own.")
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            return self._save_failed("Cannot save there", f"{folder} is not an empty folder; choose a new name.")
        try:
            ws.save(folder)
        except SaveError as exc:
            return self._save_failed("Cannot save the corpus", str(exc))
        self.corpus_path = folder
        self._on_corpus_changed()
        self._on_undo_state_changed()
        self.statusBar().showMessage(f"Saved the corpus to {folder}", 8000)
        return True

    def _may_leave_corpus(self) -> bool:
        """Before the corpus is closed (another opened, the window closed): unsaved edits are saved,
        discarded or kept (Cancel). Without a screen nothing is asked: the journal keeps them."""
        self.editor.commit_pending()
        ws = self.state.workspace
        if not ws.modified or QApplication.platformName() == "offscreen":
            return True
        answer = QMessageBox.question(
            self, "Unsaved edits", f"Save the edits to {ws.corpus.info.title}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_corpus()
        if answer == QMessageBox.StandardButton.Discard:
            ws.discard_recovery()
            return True
        return False

    def _on_load_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        self.corpusFailed.emit(message)
        if not QApplication.platformName() == "offscreen":
            QMessageBox.warning(self, "Cannot open corpus", message)

    def recent_corpora(self) -> list[str]:
        """Corpus folders opened before, newest first (remembered between runs)."""
        value = QSettings().value("corpus/recent", [])
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list in some formats
            value = [value]
        return [str(v) for v in (value or [])]

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent_corpora()
        for i, folder in enumerate(paths, 1):
            action = self.recent_menu.addAction(f"&{i}  {folder}" if i < 10 else folder)
            action.setData(folder)
            action.setEnabled(Path(folder).is_dir())
            action.triggered.connect(lambda _=False, f=folder: self.open_corpus(Path(f)))
        if not paths:
            self.recent_menu.addAction("No corpus opened yet").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear Menu", lambda: QSettings().remove("corpus/recent"))

    def new_corpus(self):
        """File ▸ New Corpus… (new_corpus_dialog.py)."""
        from .new_corpus_dialog import new_corpus

        return new_corpus(self)

    def add_documents(self, paths=None):
        """File ▸ Add Documents… (ingest_dialog.py); with ``paths``, those files without asking."""
        from .ingest_dialog import add_files, choose_and_add

        return add_files(self, paths) if paths else choose_and_add(self)

    def dragEnterEvent(self, event) -> None:
        from .ingest_dialog import drag_enter

        drag_enter(self, event)

    def dragMoveEvent(self, event) -> None:
        from .ingest_dialog import drag_enter

        drag_enter(self, event)

    def dropEvent(self, event) -> None:
        from .ingest_dialog import drop

        drop(self, event)

    def choose_corpus(self) -> None:
        start = str(self.corpus_path.parent if self.corpus_path else Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Open Corpus Folder", start)
        if folder:
            self.open_corpus(Path(folder))

    def reload_corpus(self) -> None:
        if self.corpus_path is not None:
            self.open_corpus(self.corpus_path)

    def _on_corpus_changed(self) -> None:
        corpus = self.state.corpus
        title = corpus.info.title if corpus else ""
        if title and self.read_only():
            title += " (read-only)"
        self.setWindowTitle(f"{title}[*] — Explorer" if title else "Explorer[*]")

    def read_only(self) -> bool:
        """Whether the corpus opened for reading only: the bundled one, or a folder this user cannot write
        (edits are still made and journalled; Save offers Save As)."""
        import os

        root = self.state.corpus.root if self.state.corpus is not None else None
        if root is None:
            return False
        return is_in_install(root) or not os.access(root, os.W_OK)

    def show_problems(self) -> None:
        corpus = self.state.corpus
        if corpus is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("Corpus problems")
        layout = QVBoxLayout(dialog)
        text = "\n".join(str(p) for p in corpus.problems) or "No problems: every file is valid."
        layout.addWidget(QLabel(f"{self.corpus_path}\nWhat is valid was loaded; these parts were not, or were "
                                f"repaired:"))
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        layout.addWidget(view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(760, 360)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def about_html(self) -> str:
        """Help ▸ About, below its heading: the corpus and its sources, what is shipped under which licence
        (the same list as `explorer --version`), and where the user's own files go."""
        from ... import licences_path, resources_path, shipped
        from ...core.io.journal import journal_dir
        from ..views.style import esc

        corpus = self.state.corpus
        lines = []
        if corpus is not None:
            lines.append(f"<h4>{esc(corpus.info.title)}</h4><p>{esc(corpus.info.description)}</p>")
            if is_in_install(corpus.root):
                lines.append("<p><i>This is the sample corpus that comes with Explorer: it opens read-only; "
                             "File ▸ Save As… keeps your edits in a folder of your own.</i></p>")
            lines.append("<p><b>Sources</b></p><ul>")
            for doc in corpus.documents:
                by = ", ".join(x for x in (doc.author, doc.publisher) if x)
                date = f"{doc.date.display()}{' (inferred)' if doc.date_inferred else ''}" if doc.date else ""
                lines.append(f"<li>{esc(doc.title)}{' — ' + esc(by) if by else ''}"
                             f"{', ' + esc(date) if date else ''}</li>")
            lines.append("</ul>")
            if corpus.info.credits:
                lines.append(f"<p>{esc(corpus.info.credits)}</p>")
        lines.append("<h4>Shipped with</h4><table cellspacing='0' cellpadding='2'>"
                     "<tr><th align='left'>component</th><th align='left'>version</th>"
                     "<th align='left'>licence</th></tr>")
        for name, version, licence in shipped():
            lines.append(f"<tr><td>{esc(name)}&nbsp;&nbsp;</td><td>{esc(version)}&nbsp;&nbsp;</td>"
                         f"<td>{esc(licence)}</td></tr>")
        lines.append("</table>")
        lines.append("<p>Qt, PySide6 and shiboken6 are used under the GNU Lesser General Public License v3 "
                     "(LGPL-3.0); Chinese names are set in Noto Sans CJK SC, bundled as a subset under the SIL "
                     "Open Font License 1.1 (OFL-1.1). The licence texts are in "
                     f"{esc(str(licences_path()))} and {esc(str(resources_path() / 'fonts'))}"
                     ".</p>")
        lines.append("<h4>Your files</h4><p>Explorer never writes into its installation. Settings: "
                     f"{esc(QSettings().fileName())}<br>Unsaved edits are journalled in "
                     f"{esc(str(journal_dir()))}</p>")
        return "".join(lines)

    def about_heading(self) -> str:
        from ... import versions
        from ..views.style import esc

        v = versions()
        return (f"<h2>Explorer {esc(v['explorer'])}</h2>"
                "<p>A timeline and relationship explorer for small document corpora.</p>"
                f"<p>Python {esc(v['Python'])}<br>Qt {esc(v['Qt'])} (PySide6 {esc(v['PySide6'])})</p>")

    def show_about(self) -> None:
        """Help ▸ About: a window of its own (not modal), so that it never blocks the app."""
        from PySide6.QtWidgets import QHBoxLayout, QTextBrowser

        if self.about_box is not None:
            if QApplication.platformName() != "offscreen":  # which cannot raise windows
                self.about_box.raise_()
                self.about_box.activateWindow()
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("About Explorer")
        layout = QVBoxLayout(dialog)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        heading = QLabel(self.about_heading())
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(heading, 1)
        layout.addLayout(top)
        details = QTextBrowser()
        details.setObjectName("aboutDetails")
        details.setOpenLinks(False)
        details.setHtml(self.about_html())
        layout.addWidget(details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(760, 640)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _=0: setattr(self, "about_box", None))
        self.about_box = dialog
        dialog.show()

    # -- editing ---------------------------------------------------------------------------------------
    def open_item_form(self, request: dict):
        """The form of a new item (``state.itemFormRequested``, Edit ▸ New…), pre-filled from the request;
        nothing is created until it is accepted. Returns the form (None without a corpus)."""
        from .forms import open_item_form

        if self.item_form is not None:  # one form at a time: the new request replaces an untouched one
            self.item_form.reject()
        self.item_form = open_item_form(self.state, request, self)
        if self.item_form is not None:
            self.item_form.accepted.connect(self._on_item_created)
            self.item_form.finished.connect(lambda _r=0: setattr(self, "item_form", None))
        return self.item_form

    def _on_item_created(self) -> None:
        form = self.item_form
        if form is not None and form.new_id and self.state.corpus.is_unsupported(form.new_id):
            self.show_editor()  # it asks for evidence there
        if form is not None and form.new_id:
            self.statusBar().showMessage(f"Created {form.new_id}", 8000)

    def _host_editor(self) -> None:
        """The editor is the second tab of the inspector's dock (Inspector | Editor)."""
        from PySide6.QtWidgets import QTabWidget

        tabs = QTabWidget()
        tabs.setObjectName("inspectorTabs")
        tabs.setDocumentMode(True)
        tabs.addTab(self.inspector, "Inspector")
        tabs.addTab(self.editor, "Editor")
        self.inspector_tabs = tabs
        self.docks["inspector"].setWidget(tabs)

    def find_candidates(self) -> None:
        """Tools ▸ Find Candidates: the reading assistant reads the document shown (or the selected one)."""
        doc = self.documents.current_document_id()
        if doc is None and self.state.kind() == "document":
            doc = self.state.selection
        self.docks["candidates"].show()
        self.docks["candidates"].raise_()
        self.candidates.find(doc)

    def show_editor(self) -> None:
        """The Editor tab, with room to edit: the inspector's dock takes two thirds of the column."""
        dock = self.docks["inspector"]
        dock.show()
        dock.raise_()
        self.inspector_tabs.setCurrentWidget(self.editor)
        above = self.docks["experts"]
        if not dock.isFloating() and not above.isHidden() and not above.isFloating() and \
                self.dockWidgetArea(above) == self.dockWidgetArea(dock) and dock.height() < 0.6 * (
                    dock.height() + above.height()):
            total = dock.height() + above.height()
            self.resizeDocks([above, dock], [total // 3, total - total // 3], Qt.Orientation.Vertical)

    def edit_selected(self) -> None:
        """Edit ▸ Edit Selected Item (F2): the editor, the cursor in its first field."""
        self.show_editor()
        self.editor.focus_first()

    def show_history(self):
        from .history_panel import show_history

        self.history_panel = show_history(self.state, self, self.history_panel)
        return self.history_panel

    def delete_selected(self):
        if self.state.item() is not None:
            return DeleteDialog.run(self.state, self.state.selection, self)
        return None

    def merge_selected(self):
        item = self.state.item()
        if item is not None and item.item_kind not in ("document", "passage"):
            return MergeDialog.run(self.state, item.id, self)
        return None

    # -- selection -------------------------------------------------------------------------------------
    def _on_selection_changed(self, item_id) -> None:
        item = self.state.item()
        if item is None:
            self.selection_label.setText("Nothing selected")
        else:
            from ..views.style import KIND_LABELS

            self.selection_label.setText(f"{KIND_LABELS.get(item.item_kind, item.item_kind)}: {item.label}")
        if self.corpus_path is not None and self.use_settings:
            QSettings().setValue(self._selection_key(), item_id or "")
        self.act_delete.setEnabled(item is not None)
        self.act_merge.setEnabled(item is not None and item.item_kind not in ("document", "passage"))

    def _on_undo_state_changed(self) -> None:
        stack = self.state.workspace.stack
        self.act_save.setEnabled(self.state.corpus is not None)
        for action, can, label, verb in ((self.act_undo, stack.can_undo(), stack.undo_label(), "&Undo"),
                                         (self.act_redo, stack.can_redo(), stack.redo_label(), "&Redo")):
            action.setEnabled(can)
            action.setText(f"{verb} {label.replace('&', '&&')}" if can and label else verb)
        self.setWindowModified(self.state.workspace.modified)
        if self.state.workspace.journal_error:  # edits still apply; say once that a crash could lose them
            self.statusBar().showMessage(self.state.workspace.journal_error[0].upper()
                                         + self.state.workspace.journal_error[1:], 15000)
            self.state.workspace.journal_error = ""

    def _on_history_changed(self) -> None:
        self.act_back.setEnabled(self.state.can_go_back())
        self.act_forward.setEnabled(self.state.can_go_forward())

    def _selection_key(self) -> str:
        import hashlib

        digest = hashlib.sha1(str(self.corpus_path.resolve() if self.corpus_path else "").encode()).hexdigest()
        return f"selection/{digest[:12]}"

    # -- views and export ------------------------------------------------------------------------------
    def _on_focus_changed(self, old, new) -> None:
        widget = new
        while widget is not None:
            if isinstance(widget, View):
                self._last_view = widget
                return
            widget = widget.parentWidget()

    def focused_view(self) -> View:
        return self._last_view or self.timeline

    def export_view(self) -> None:
        from .export_dialog import ExportDialog

        ExportDialog.run(self, self.focused_view())

    def export_window(self) -> None:
        from .export_dialog import ExportDialog

        ExportDialog.run(self, None)

    # -- settings ------------------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(self._default_size())
        # the docks' layout is restored when the window is first shown (see _restore_layout)
        self._pending_layout = settings.value("window/state")

    _pending_layout = None  # a saved dock layout waiting for the window to be shown

    def reset_layout(self) -> None:
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self._restore_layout(self._default_state)

    def _restore_layout(self, layout) -> bool:
        """Restore a saved dock layout. Qt gives the docks new tab bars and only schedules the old ones for
        deletion; until the event loop gets to that they stay alive where they were (a drag on one crashes
        Qt), so they go at once (only tab bars waiting to be deleted are touched). Restored in a hidden
        window, the layout would retire the old tab bars only when the window is shown, out of reach:
        hence a saved layout is restored on the first show."""
        self._pending_layout = None
        restored = self.restoreState(layout, SETTINGS_VERSION)
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            QApplication.sendPostedEvents(bar, QEvent.Type.DeferredDelete)
        return restored

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending_layout is not None:
            self._restore_layout(self._pending_layout)

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        layout = self._pending_layout if self._pending_layout is not None else self.saveState(SETTINGS_VERSION)
        settings.setValue("window/state", layout)  # a window never shown keeps the layout it was given
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_leave_corpus():
            event.ignore()
            return
        if self.use_settings:
            self.save_settings()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(5000)
        if getattr(self, "_follows_focus", True):  # once (a second close would warn that it is gone)
            self._follows_focus = False
            try:
                QApplication.instance().focusChanged.disconnect(self._on_focus_changed)
            except (RuntimeError, TypeError):
                pass
        for view in self.views.values():
            view.close()
        super().closeEvent(event)
