"""File ▸ Add Documents… and files dropped on the window: the files are read off the UI thread (a worker
thread runs ``explorer.core.ingest.prepare`` on each, with progress and Cancel), then added on the UI
thread in one undo step (``add_prepared``), so every view follows at once. A file that cannot be read is
listed with the reason and the others are added; Cancel adds nothing (the corpus stays as it was).

The window calls ``choose_and_add(window)``, ``add_files(window, paths)``, and for drops
``drag_enter(window, event)`` / ``drop(window, event)``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFileDialog, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QProgressBar, QVBoxLayout, QWidget)

from ...core.ingest import FORMATS, AddReport, Cancelled, IngestError, add_prepared, expand_paths, prepare
from ..views.style import MUTED_TEXT, TEXT_COLOR, ui_font

FILTER = ("Documents (" + " ".join(f"*{ext}" for ext in FORMATS) + ");;PDF (*.pdf);;Word (*.docx);;"
          "Web pages (*.html *.htm *.xhtml);;Markdown (*.md *.markdown);;Text (*.txt *.text);;All files (*)")
ADDED, REFUSED, DUPLICATE, READ = "✓", "✗", "=", "○"
_COLORS = {ADDED: "#2e7d32", REFUSED: "#c62828", DUPLICATE: "#6b6b6b", READ: TEXT_COLOR}


class _Reader(QObject):
    """Reads the files in a worker thread; says how far it got, and what each file gave."""

    progressed = Signal(int, int, str)  # done, total, the file being read
    fileRead = Signal(int, object)  # index, Prepared or the refusal (str)
    finished = Signal(bool)  # cancelled

    def __init__(self, paths: list[Path]):
        super().__init__()
        self.paths = paths
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        total = len(self.paths)
        cancelled = self.cancel_event.is_set
        for i, path in enumerate(self.paths):
            if cancelled():
                break
            self.progressed.emit(i, total, str(path))
            try:
                self.fileRead.emit(i, prepare(path, cancelled))
            except Cancelled:
                break
            except IngestError as exc:
                self.fileRead.emit(i, str(exc))
            except Exception as exc:  # never a traceback for one file: it is refused, the others go on
                self.fileRead.emit(i, f"{path.name}: cannot be read ({type(exc).__name__}: {exc})")
        if not cancelled():
            self.progressed.emit(total, total, "")
        self.finished.emit(cancelled())


class AddDocumentsDialog(QDialog):
    """Progress of an import, Cancel, and what became of each file."""

    done = Signal()  # the import finished (added, refused or cancelled): ``report`` says what happened

    def __init__(self, state, paths: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.paths = list(paths)
        self.report: AddReport | None = None
        self.cancelled = False
        self.running = False
        self._prepared: dict[int, object] = {}
        self._rows: dict[Path, QListWidgetItem] = {}
        self.setWindowTitle("Add Documents")
        self.setObjectName("addDocumentsDialog")
        self.setMinimumWidth(560)
        self.resize(640, 380)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        title = state.corpus.info.title if state.corpus is not None else "the corpus"
        n = len(self.paths)
        self.heading = QLabel(f"Adding {n} file{'s' if n != 1 else ''} to “{title}”")
        self.heading.setFont(ui_font(11.5, bold=True))
        self.heading.setStyleSheet(f"color: {TEXT_COLOR};")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.status = QLabel("Starting…")
        self.status.setObjectName("ingestStatus")
        self.status.setFont(ui_font(9.5))
        self.status.setStyleSheet(f"color: {MUTED_TEXT};")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.bar = QProgressBar()
        self.bar.setRange(0, max(1, n))
        self.bar.setValue(0)
        self.bar.setFormat("%v of %m")
        layout.addWidget(self.bar)
        self.list = QListWidget()
        self.list.setObjectName("ingestResults")
        self.list.setFont(ui_font(9.5))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        layout.addWidget(self.list, 1)
        for path in self.paths:
            row = QListWidgetItem(f"    {path.name}")
            row.setToolTip(str(path))
            row.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(row)
            self._rows[path] = row
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip("Stop reading; nothing is added")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._thread = QThread(self)
        self._reader = _Reader(self.paths)
        self._reader.moveToThread(self._thread)
        self._thread.started.connect(self._reader.run)
        self._reader.progressed.connect(self._on_progress)
        self._reader.fileRead.connect(self._on_file_read)
        self._reader.finished.connect(self._on_finished)

    # -- running -------------------------------------------------------------------------------------
    def start(self) -> None:
        self.running = True
        QApplication.instance().aboutToQuit.connect(self._stop_now)
        self._thread.start()

    def _stop_now(self) -> None:
        """The application quits while files are read: the reader stops (nothing is added) and its thread
        ends before Qt goes (a thread destroyed while it runs takes the process down)."""
        if self.running:
            self._reader.cancel_event.set()
            self._thread.quit()
            self._thread.wait(10000)

    def cancel(self) -> None:
        """Stop reading (at the next file or PDF page); nothing is added."""
        if self.running:
            self.cancelled = True
            self._reader.cancel_event.set()
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def reject(self) -> None:  # Cancel, Esc or the close box
        if self.running:
            self.cancel()
            return  # closes once the reader has stopped
        super().reject()

    def closeEvent(self, event) -> None:
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def _on_progress(self, done: int, total: int, path: str) -> None:
        self.bar.setValue(done)
        if path:
            self.status.setText(f"Reading {Path(path).name} ({done + 1} of {total})…")

    def _on_file_read(self, index: int, result) -> None:
        self._prepared[index] = result
        path = self.paths[index]
        if isinstance(result, str):
            self._mark(path, REFUSED, result)
        else:
            self._mark(path, READ, f"{path.name} — read, {len(result.extracted.text):,} characters")

    def _mark(self, path: Path, sign: str, text: str) -> None:
        row = self._rows.get(path)
        if row is None:
            return
        row.setText(f"{sign}  {text}")
        from PySide6.QtGui import QColor

        row.setForeground(QColor(_COLORS.get(sign, TEXT_COLOR)))

    def _on_finished(self, cancelled: bool) -> None:
        self._thread.quit()
        self._thread.wait()
        self.running = False
        if cancelled:
            self.cancelled = True
            self.report = AddReport(cancelled=True)
            self.status.setText("Cancelled: nothing was added.")
            self.done.emit()
            super().reject()
            return
        report = AddReport(_order=list(self.paths))
        prepared = []
        for i, path in enumerate(self.paths):
            result = self._prepared.get(i)
            if isinstance(result, str):
                report.refused.append((path, result))
            elif result is not None:
                prepared.append(result)
        try:
            add_prepared(self.state.workspace, prepared, report)
        except Exception as exc:  # the corpus refused the whole batch: nothing was added
            report.refused.extend((p.path, f"{p.path.name}: {exc}") for p in prepared)
        self.report = report
        corpus = self.state.corpus
        for path, doc_id in report.added:
            doc = corpus.get(doc_id) if corpus is not None else None
            self._mark(path, ADDED, f"{path.name} — added as “{doc.title if doc else doc_id}”")
        for path, doc_id in report.duplicates:
            doc = corpus.get(doc_id) if corpus is not None else None
            self._mark(path, DUPLICATE, f"{path.name} — already in the corpus as “{doc.title if doc else doc_id}”; "
                                        f"not added again")
        for path, message in report.refused:
            self._mark(path, REFUSED, message)
        self.bar.setValue(self.bar.maximum())
        self.status.setText(summary(report))
        self.status.setStyleSheet(f"color: {'#c62828' if report.refused and not report.added else TEXT_COLOR};")
        self.buttons.clear()
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        if report.added:
            self.state.select(report.added[0][1])  # the first new document shows in the documents view
        self.done.emit()


def summary(report: AddReport) -> str:
    """One sentence: what an import did."""
    if report.cancelled:
        return "Cancelled: nothing was added."
    parts = []
    n = len(report.added)
    parts.append(f"Added {n} document{'s' if n != 1 else ''}" if n else "No document was added")
    if report.duplicates:
        d = len(report.duplicates)
        parts.append(f"{d} file{'s' if d != 1 else ''} already in the corpus")
    if report.refused:
        r = len(report.refused)
        parts.append(f"{r} file{'s' if r != 1 else ''} could not be read")
    text = "; ".join(parts) + "."
    if report.added:
        text += " Title, author and date can be edited now; Undo takes the import back."
    return text


# -- what the window calls ------------------------------------------------------------------------------

def _documents_folder() -> str:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return found if found and Path(found).is_dir() else str(Path.home())


def choose_and_add(window) -> AddDocumentsDialog | None:
    """File ▸ Add Documents…: pick files, then ``add_files``."""
    if window.state.corpus is None:
        return None
    settings = QSettings()
    start = settings.value("ingest/dir", _documents_folder())
    paths, _ = QFileDialog.getOpenFileNames(window, "Add Documents", str(start), FILTER)
    if not paths:
        return None
    settings.setValue("ingest/dir", str(Path(paths[0]).parent))
    return add_files(window, [Path(p) for p in paths])


def add_files(window, paths) -> AddDocumentsDialog | None:
    """Import files (folders: the readable files in them) into the window's corpus, with progress."""
    from ... import is_in_install

    state = window.state
    if state.corpus is None:
        return None
    files = expand_paths(paths)
    if not files:
        window.statusBar().showMessage("No files to add (explorer reads .txt, .md, .html, .htm, .pdf and .docx)",
                                       8000)
        return None
    if is_in_install(state.corpus.root):
        message = ("This is the sample corpus that comes with Explorer; it is never changed. Create a corpus of "
                   "your own (File ▸ New Corpus…) and add the documents there.")
        window.statusBar().showMessage(message, 10000)
        if QApplication.platformName() != "offscreen":
            QMessageBox.information(window, "Cannot add documents here", message)
        return None
    running = getattr(window, "ingest_dialog", None)
    if running is not None and running.running:
        window.statusBar().showMessage("Documents are being added; wait for that import to finish (or cancel "
                                       "it) before adding more", 8000)
        running.raise_()
        return None
    if running is not None:
        running.deleteLater()  # the dialog of an earlier import, done
    dialog = AddDocumentsDialog(state, files, window)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)

    def finished() -> None:
        report = dialog.report
        if report is not None:
            window.statusBar().showMessage(summary(report), 10000)

    dialog.done.connect(finished)
    window.ingest_dialog = dialog
    dialog.show()
    dialog.start()
    return dialog


def _local_paths(event) -> list[Path]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def drag_enter(window, event) -> None:
    """Files dragged over the window: accepted when a corpus is open (they are added on drop)."""
    if window.state.corpus is not None and _local_paths(event):
        event.acceptProposedAction()
    else:
        event.ignore()


def drop(window, event) -> AddDocumentsDialog | None:
    """Files dropped on the window: added as documents (each file a document; folders: what they hold)."""
    paths = _local_paths(event)
    if window.state.corpus is None or not paths:
        event.ignore()
        return None
    event.acceptProposedAction()
    return add_files(window, paths)
