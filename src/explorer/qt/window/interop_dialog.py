"""File ▸ Import… and File ▸ Export Data…: standard formats in and out (the work is in core/interop).

Import reads and prepares the file off the UI thread (a progress bar and Cancel), shows what will be added
(counts, the first events, the problems, one ``FILE: WHERE: WHAT`` line each) and, for spreadsheets, the
column mapping, which can be changed (and is remembered for that header). Import applies it as one undo
step; Cancel changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QThread, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QMessageBox, QProgressBar, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...core.interop import FORMATS, IMPORT_FORMATS, Cancelled, InteropError, read_file
from ...core.interop.common import ImportPlan, Prepared, apply_prepared, plural, prepare

IMPORT_FILTER = ("Timelines, spreadsheets, annotations and graphs (*.json *.jsonld *.csv *.tsv *.xlsx *.gexf "
                 "*.graphml);;All files (*)")
EXPORT_EXT = {"timelinejs": ".json", "timelinejs-csv": ".csv", "csv": ".csv", "xlsx": ".xlsx", "vis": ".json",
              "w3c": ".jsonld",
              "gexf": ".gexf", "graphml": ".graphml", "citations": ".md"}
PREVIEW_ROWS = 300


def without_text(plan: ImportPlan) -> None:
    """The plan without its text documents: the items come in without passages (unsupported)."""
    plan.documents = []
    for ev in plan.events:
        ev.span = None
    for rel in plan.relationships:
        rel.span = None
    for t in plan.themes.values():
        t.spans = []
    for e in plan.entities.values():
        e.spans = []


class _Worker(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object, object)  # plan, prepared
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, path: Path, fmt: str | None, corpus, mapping, keep_text: bool, set_title: bool | None):
        super().__init__()
        self.path, self.fmt, self.corpus, self.mapping = path, fmt, corpus, mapping
        self.keep_text, self.set_title = keep_text, set_title
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            def reading(done: int, total: int) -> None:
                if self.stop.is_set():
                    raise Cancelled()
                self.progress.emit(done, total, "Reading")

            plan = read_file(self.path, self.fmt, corpus=self.corpus, mapping=self.mapping, progress=reading)
            if self.stop.is_set():
                raise Cancelled()
            if not self.keep_text:
                without_text(plan)
            prepared = prepare(self.corpus, plan, self.set_title,
                               progress=lambda d, t: self.progress.emit(d, t, "Preparing"),
                               cancelled=self.stop.is_set)
        except Cancelled:
            self.cancelled.emit()
        except InteropError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a reader's bug must not take the window down: say it
            self.failed.emit(f"{self.path.name}: could not be read ({type(exc).__name__}: {exc})")
        else:
            self.finished.emit(plan, prepared)


def _mapping_key(header: list[str]) -> str:
    return "interop/mapping/" + hashlib.sha1("\x1f".join(header).encode("utf-8")).hexdigest()[:16]


class ImportDialog(QDialog):
    """Choose a file, see what it adds and what is wrong with it, import it as one undoable step."""

    def __init__(self, parent, state, path: str | Path | None = None):
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Import")
        self.setMinimumSize(820, 600)
        self.plan: ImportPlan | None = None
        self.prepared: Prepared | None = None
        self.result = None
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._mapping: dict[str, str] | None = None
        self._mapping_boxes: dict[str, QComboBox] = {}
        self._header: list[str] | None = None
        layout = QVBoxLayout(self)

        top = QFormLayout()
        row = QHBoxLayout()
        self.path_edit = QLineEdit(str(path) if path else "")
        self.path_edit.setPlaceholderText("TimelineJS JSON or CSV, events CSV/XLSX, vis-timeline, W3C annotations, "
                                          "GEXF, GraphML")
        self.path_edit.editingFinished.connect(self.reload)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        top.addRow("File:", row)
        self.format_combo = QComboBox()
        self.format_combo.addItem("Guess from the file", None)
        for name in IMPORT_FORMATS:
            self.format_combo.addItem(f"{FORMATS[name]} ({name})", name)
        self.format_combo.currentIndexChanged.connect(lambda _: self.reload(reset_mapping=True))
        top.addRow("Format:", self.format_combo)
        layout.addLayout(top)

        self.mapping_box = QGroupBox("Columns (guessed from the header; change them and the preview follows)")
        self.mapping_grid = QGridLayout(self.mapping_box)
        self.mapping_box.hide()
        layout.addWidget(self.mapping_box)

        opts = QHBoxLayout()
        self.keep_text = QCheckBox("Keep the imported text as a document (each event gets its passage)")
        self.keep_text.setChecked(True)
        self.keep_text.toggled.connect(lambda _: self.reload())
        self.set_title = QCheckBox("Use the file's title as the corpus title")
        self.set_title.toggled.connect(lambda _: self.reload())
        self.set_title.hide()
        opts.addWidget(self.keep_text)
        opts.addWidget(self.set_title)
        opts.addStretch(1)
        layout.addLayout(opts)

        self.summary = QLabel("Choose a file to see what it adds.")
        self.summary.setWordWrap(True)
        f = QFont(self.summary.font())
        f.setBold(True)
        self.summary.setFont(f)
        layout.addWidget(self.summary)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555555;")
        layout.addWidget(self.notes)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["When", "Title", "Theme"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        split.addWidget(self.table)
        box = QWidget()
        pl = QVBoxLayout(box)
        pl.setContentsMargins(0, 4, 0, 0)
        self.problems_label = QLabel("Problems")
        pl.addWidget(self.problems_label)
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        pl.addWidget(self.problems)
        split.addWidget(box)
        split.setSizes([360, 160])
        layout.addWidget(split, 1)

        bottom = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self._stop)
        self.stop_button.hide()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.stop_button)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        if path:
            self.reload()

    # -- reading -----------------------------------------------------------------------------------
    def _browse(self) -> None:
        settings = QSettings()
        start = settings.value("interop/import_dir", str(Path.home()))
        name, _ = QFileDialog.getOpenFileName(self, "Import", start, IMPORT_FILTER)
        if name:
            settings.setValue("interop/import_dir", str(Path(name).parent))
            self.path_edit.setText(name)
            self.reload(reset_mapping=True)

    def busy(self) -> bool:
        return self._thread is not None

    def reload(self, reset_mapping: bool = False) -> None:
        text = self.path_edit.text().strip()
        if not text:
            return
        if reset_mapping:
            self._mapping = None
        self._stop()
        path = Path(text)
        self._header = self._peek(path)
        if self._mapping is None and self._header:
            self._mapping = remembered_mapping(self._header)  # the columns chosen the last time for it
        self.prepared = None
        self.import_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Reading…")
        self.progress.show()
        self.stop_button.show()
        self.summary.setText(f"Reading {path.name}…")
        set_title = True if self.set_title.isVisible() and self.set_title.isChecked() else \
            (False if self.set_title.isVisible() else None)
        worker = _Worker(path, self.format_combo.currentData(), self.state.corpus, self._mapping,
                         self.keep_text.isChecked(), set_title)
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_ready)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        for sig in (worker.finished, worker.failed, worker.cancelled):
            sig.connect(thread.quit)
        thread.finished.connect(self._on_thread_done)
        self._thread, self._worker = thread, worker
        thread.start()

    def _peek(self, path: Path) -> list[str] | None:
        from ...core.interop import detect
        from ...core.interop.spreadsheet import peek_header

        fmt = self.format_combo.currentData()
        try:
            fmt = fmt or detect(path)
            return peek_header(path, fmt) if fmt in ("csv", "xlsx") else None
        except (InteropError, OSError):
            return None

    def _stop(self) -> None:
        if self._worker is not None:
            self._worker.stop.set()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._on_thread_done()

    def _on_thread_done(self) -> None:
        if self._thread is not None and not self._thread.isRunning():
            self._thread.deleteLater()
            self._thread, self._worker = None, None
        self.progress.hide()
        self.stop_button.hide()

    def _on_progress(self, done: int, total: int, what: str) -> None:
        if self.sender() is not self._worker:
            return
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(min(done, total))
        self.progress.setFormat(f"{what}… %p%")

    def _on_cancelled(self) -> None:
        self.summary.setText("Stopped. Nothing was changed.")

    def _on_failed(self, message: str) -> None:
        if self.sender() is not self._worker:
            return
        self.plan = None
        self.summary.setText("Nothing to import.")
        self.notes.setText("")
        self.table.setRowCount(0)
        self.problems.clear()
        self.problems.addItem(message)
        self.problems_label.setText("The file cannot be imported")
        if self._header:  # a spreadsheet whose columns could not be guessed: let them be chosen
            from ...core.interop.spreadsheet import guess_mapping

            self._show_mapping(self._header, self._mapping or guess_mapping(self._header))
            self.problems_label.setText("The file cannot be imported as it is: choose its columns above")

    def _on_ready(self, plan: ImportPlan, prepared: Prepared) -> None:
        if self.sender() is not self._worker:
            return
        self.plan, self.prepared = plan, prepared
        if plan.header is not None:
            self._show_mapping(plan.header, plan.mapping or {})
        else:
            self.mapping_box.hide()
        self.keep_text.setEnabled(plan.format not in ("w3c", "gexf", "graphml"))
        if plan.title and not self.set_title.isVisible():
            self.set_title.setText(f"Use “{plan.title[:60]}” as the corpus title")
            self.set_title.setChecked(self.state.corpus.info.title in ("", "Untitled corpus"))
            self.set_title.show()
        self._show_preview(plan, prepared)
        self.import_button.setEnabled(bool(prepared.ops) or bool(prepared.info))

    def _show_mapping(self, header: list[str], mapping: dict[str, str]) -> None:
        from ...core.interop.spreadsheet import FIELD_LABELS, FIELDS

        grid = self.mapping_grid
        if not self._mapping_boxes:
            for i, name in enumerate(FIELDS):
                combo = QComboBox()
                combo.currentIndexChanged.connect(self._mapping_changed)
                self._mapping_boxes[name] = combo
                grid.addWidget(QLabel(FIELD_LABELS[name] + ":"), i // 4, (i % 4) * 2)
                grid.addWidget(combo, i // 4, (i % 4) * 2 + 1)
        for name, combo in self._mapping_boxes.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("—", "")
            for h in header:
                combo.addItem(h, h)
            at = combo.findData(mapping.get(name, ""))
            combo.setCurrentIndex(max(0, at))
            combo.blockSignals(False)
        self.mapping_box.show()

    def _mapping_changed(self) -> None:
        self._mapping = {name: c.currentData() for name, c in self._mapping_boxes.items() if c.currentData()}
        self.reload()

    def _show_preview(self, plan: ImportPlan, prepared: Prepared) -> None:
        from ...core.corpus import PLURAL

        res = prepared.result  # what is new: passages and items already in the corpus are not counted
        counts = {PLURAL[k]: len(v) for k, v in res.ids.items() if v}
        merged = res.merged
        what = ", ".join(f"{n} {plural(k, n)}" for k, n in counts.items())
        if res.linked:
            what += (", " if what else "") + f"{res.linked} {plural('links', res.linked)} of passages to items"
        what = what or "nothing new (everything in the file is in the corpus already)"
        self.summary.setText(f"{plan.name} ({FORMATS.get(plan.format, plan.format)}): will add {what}"
                             + (f"; {merged} actor(s) or theme(s) match ones already in the corpus" if merged else "")
                             + ".")
        notes = list(plan.notes[:4])
        if not self.keep_text.isChecked() or not plan.documents:
            if plan.events or plan.relationships or plan.entities:
                notes.append("The items come in without passages: they are kept as unsupported until evidence "
                             "is added.")
        self.notes.setText("\n".join(notes))
        rows = []
        self._columns()
        if plan.events:
            self.table.setHorizontalHeaderLabels(["When", "Title", "Theme"])
            for ev in plan.events[:PREVIEW_ROWS]:
                when = ev.date_text or (ev.start.display() + (f" – {ev.end.display()}" if ev.end else ""))
                theme = ", ".join(plan.themes[t].name for t in ev.themes)
                rows.append((when, ev.title, theme))
            total = len(plan.events)
        elif plan.relationships:
            self.table.setHorizontalHeaderLabels(["Source", "Relationship", "Target"])
            for r in plan.relationships[:PREVIEW_ROWS]:
                rows.append((plan.entities[r.source].name, r.kind, plan.entities[r.target].name))
            total = len(plan.relationships)
        else:
            self.table.setHorizontalHeaderLabels(["Document", "Passage", "Linked to"])
            self._columns(fixed=(200, 220))
            corpus = self.state.corpus
            shown = [link for link in plan.links if link.span is not None and link.item_id is None
                     and link.theme_key is None and link.entity_key is None]
            for link in shown[:PREVIEW_ROWS]:
                doc = corpus.get(link.span.doc_id)
                tags = [plan.themes[x.theme_key].name if x.theme_key else
                        plan.entities[x.entity_key].name if x.entity_key else
                        (corpus.get(x.item_id).label if corpus.get(x.item_id) else x.item_id)
                        for x in plan.links if x.span is link.span and x is not link]
                rows.append((doc.title if doc else "", doc.text[link.span.start:link.span.end] if doc else "",
                             ", ".join(tags)))
            total = len(shown)
        self.table.setWordWrap(False)
        self.table.setRowCount(len(rows))
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(" ".join(str(value).split())))
        if total > len(rows):
            self.summary.setText(self.summary.text() + f" (the first {len(rows)} are shown)")
        problems = [str(p) for p in plan.problems] + [str(p) for p in prepared.result.problems]
        self.problems.clear()
        self.problems.addItems(problems)
        self.problems_label.setText(f"{len(problems)} problem(s): these records are left out or changed, the rest "
                                    f"imports" if problems else "No problems found")

    def _columns(self, fixed: tuple[int, int] | None = None) -> None:
        """The middle column takes the room; the outer ones fit their contents (or a fixed width)."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2):
            if fixed is None:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
            else:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(col, fixed[col // 2])

    # -- importing ---------------------------------------------------------------------------------
    def do_import(self) -> None:
        if self.prepared is None or self.busy():
            return
        if self.plan is not None and self.plan.header is not None and self.plan.mapping:
            QSettings().setValue(_mapping_key(self.plan.header), json.dumps(self.plan.mapping))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.result = apply_prepared(self.state.workspace, self.prepared)
        except Exception as exc:  # EditError: the corpus changed, or refused the batch; nothing applied
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "Import", f"Nothing was imported: {exc}")
            return
        QApplication.restoreOverrideCursor()
        self.accept()

    def reject(self) -> None:
        self._stop()
        super().reject()

    def done(self, r: int) -> None:
        self._stop()
        super().done(r)


def remembered_mapping(header: list[str]) -> dict[str, str] | None:
    raw = QSettings().value(_mapping_key(header))
    try:
        return json.loads(raw) if raw else None
    except (TypeError, ValueError):
        return None


# -- export ------------------------------------------------------------------------------------------------

def _date_of_seconds(seconds: float):
    from ...core.model import daycount
    from ...core.model.dates import PartialDate

    # any day from 9999 BCE to 9999 CE (datetime stops at year 1)
    lo, hi = daycount.year_start(daycount.MIN_YEAR), daycount.year_start(daycount.MAX_YEAR + 1) - 1
    return PartialDate(*daycount.from_seconds(min(max(seconds, lo), hi)))


class ExportDataDialog(QDialog):
    """Write the corpus, or what the views show, in a standard format."""

    def __init__(self, parent, state):
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Export Data")
        self.setMinimumWidth(620)
        settings = QSettings()
        form = QFormLayout(self)
        self.format_combo = QComboBox()
        from ...core.interop import EXPORT_FORMATS

        for name in EXPORT_FORMATS:
            self.format_combo.addItem(f"{FORMATS[name]} ({name})", name)
        at = self.format_combo.findData(settings.value("interop/export_format", "timelinejs"))
        self.format_combo.setCurrentIndex(max(0, at))
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        form.addRow("Format:", self.format_combo)
        row = QHBoxLayout()
        folder = Path(settings.value("interop/export_dir", str(Path.home())))
        self.path_edit = QLineEdit(str(folder / ("export" + EXPORT_EXT[self.format_combo.currentData()])))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("File:", row)
        self.window_check = QCheckBox("Only what the timeline window and the filters show")
        self.window_check.setChecked(True)
        form.addRow("", self.window_check)
        self.select_check = QCheckBox("Only the selection and what it links to")
        self.select_check.setEnabled(state.selection is not None)
        form.addRow("", self.select_check)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        form.addRow("", self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.do_export)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _format_changed(self) -> None:
        path = Path(self.path_edit.text().strip() or "export")
        self.path_edit.setText(str(path.with_suffix(EXPORT_EXT[self.format_combo.currentData()])))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export Data", self.path_edit.text())
        if name:
            self.path_edit.setText(name)

    def do_export(self) -> None:
        from ...core.interop import export_data

        fmt = self.format_combo.currentData()
        out = Path(self.path_edit.text().strip())
        if not out.name or not out.parent.is_dir():
            self.message.setText(f"The folder {out.parent} does not exist.")
            return
        date_from = date_to = filters = None
        if self.window_check.isChecked():
            t0, t1 = self.state.time_window
            date_from, date_to = _date_of_seconds(t0), _date_of_seconds(t1 - 1)
            filters = self.state.filters
        select = self.state.selection if self.select_check.isChecked() else None
        try:
            text = export_data(fmt, self.state.corpus, self.state.index, out, date_from, date_to, select, filters)
        except (InteropError, OSError, ValueError) as exc:
            self.message.setText(f"Nothing was written: {exc}")
            return
        settings = QSettings()
        settings.setValue("interop/export_format", fmt)
        settings.setValue("interop/export_dir", str(out.parent))
        self.message.setText(text)
        self.result_text = text
        self.accept()


def open_import(window, path: str | Path | None = None) -> ImportDialog:
    dialog = ImportDialog(window, window.state, path)
    dialog.open()
    if path is None:
        dialog._browse()
    return dialog
