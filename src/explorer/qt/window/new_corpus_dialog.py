"""File ▸ New Corpus…: a title, an optional description and time range, and the folder to create; the
corpus is created there (``explorer.core.ingest.create_corpus``) and opened. Anything wrong (no title, a
date that is not one, a range that ends before it starts, a folder that is not empty or cannot be
created) is said under the form, and nothing is created."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from ...core.commands import slug
from ...core.ingest import NewCorpusError, create_corpus, parse_time_range
from ..views.style import MUTED_TEXT, ui_font

ERROR_COLOR = "#c62828"


def _default_parent() -> Path:
    last = QSettings().value("corpus/new-parent")
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


class NewCorpusDialog(QDialog):
    """The form; ``created`` is the folder once the corpus was created."""

    def __init__(self, parent: QWidget | None = None, parent_folder: Path | None = None):
        super().__init__(parent)
        self.created: Path | None = None
        self._folder_edited = False
        self._parent_folder = Path(parent_folder) if parent_folder is not None else _default_parent()
        self.setWindowTitle("New Corpus")
        self.setObjectName("newCorpusDialog")
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        intro = QLabel("A corpus is a folder holding your documents and what you find in them. Add "
                       "documents to it once it is created (File ▸ Add Documents…, or drop files on the window).")
        intro.setWordWrap(True)
        intro.setFont(ui_font(9.5))
        intro.setStyleSheet(f"color: {MUTED_TEXT};")
        layout.addWidget(intro)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("newCorpusTitle")
        self.title_edit.setPlaceholderText("e.g. China–Russia relations since 1991")
        self.title_edit.textChanged.connect(self._on_title_changed)
        form.addRow("&Title:", self.title_edit)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setObjectName("newCorpusDescription")
        self.description_edit.setPlaceholderText("Optional: what the corpus is about, where its documents come from")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow("&Description:", self.description_edit)

        self.range_check = QCheckBox("Set the time range the timeline shows")
        self.range_check.setObjectName("newCorpusRangeCheck")
        self.range_check.toggled.connect(self._on_range_toggled)
        form.addRow("Time range:", self.range_check)
        range_row = QHBoxLayout()
        range_row.setContentsMargins(0, 0, 0, 0)
        self.from_edit = QLineEdit()
        self.from_edit.setObjectName("newCorpusFrom")
        self.from_edit.setPlaceholderText("from, e.g. 1991")
        self.to_edit = QLineEdit()
        self.to_edit.setObjectName("newCorpusTo")
        self.to_edit.setPlaceholderText("to, e.g. 2024-06")
        dash = QLabel("–")
        range_row.addWidget(self.from_edit, 1)
        range_row.addWidget(dash)
        range_row.addWidget(self.to_edit, 1)
        self.range_holder = QWidget()
        self.range_holder.setLayout(range_row)
        form.addRow("", self.range_holder)
        for edit in (self.from_edit, self.to_edit):
            edit.textChanged.connect(self._validate)
        self._on_range_toggled(False)

        folder_row = QHBoxLayout()
        folder_row.setContentsMargins(0, 0, 0, 0)
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("newCorpusFolder")
        self.folder_edit.textEdited.connect(self._on_folder_edited)
        self.folder_edit.textChanged.connect(self._validate)
        browse = QPushButton("Choose…")
        browse.setToolTip("Choose the folder in which the corpus folder is created")
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(folder_row)
        form.addRow("&Folder:", holder)
        layout.addLayout(form)

        self.error_label = QLabel("")
        self.error_label.setObjectName("newCorpusError")
        self.error_label.setWordWrap(True)
        self.error_label.setFont(ui_font(9.5))
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("Create Corpus", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("newCorpusCreate")
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._on_title_changed("")
        self.title_edit.setFocus()

    # -- fields ------------------------------------------------------------------------------------
    def _on_title_changed(self, text: str) -> None:
        if not self._folder_edited:
            name = _folder_name(text)
            self.folder_edit.setText(str(self._free_folder(name)))
        self._validate()

    def _free_folder(self, name: str) -> Path:
        candidate, n = self._parent_folder / name, 2
        while candidate.exists() and (not candidate.is_dir() or any(candidate.iterdir())):
            candidate, n = self._parent_folder / f"{name}-{n}", n + 1
        return candidate

    def _on_folder_edited(self, _text: str) -> None:
        self._folder_edited = True

    def _on_range_toggled(self, on: bool) -> None:
        self.range_holder.setEnabled(on)
        if on:
            self.from_edit.setFocus()
        self._validate()

    def _browse(self) -> None:
        start = str(Path(self.folder_edit.text()).parent if self.folder_edit.text() else self._parent_folder)
        chosen = QFileDialog.getExistingDirectory(self, "Create the corpus in…", start)
        if chosen:
            self._parent_folder = Path(chosen)
            name = Path(self.folder_edit.text()).name or _folder_name(self.title_edit.text())
            self.folder_edit.setText(str(self._free_folder(name)))

    # -- checking and creating ------------------------------------------------------------------------
    def problem(self) -> str:
        """What stops the corpus from being created, in a sentence ("" when nothing does)."""
        if not self.title_edit.text().strip():
            return "Give the corpus a title."
        if self.range_check.isChecked():
            first, last = self.from_edit.text().strip(), self.to_edit.text().strip()
            if not first or not last:
                return "Give the first and the last date of the time range (YYYY, YYYY-MM or YYYY-MM-DD)."
            try:
                parse_time_range(first, last)
            except NewCorpusError as exc:
                return _sentence(str(exc))
        folder = self.folder_edit.text().strip()
        if not folder:
            return "Choose the folder to create."
        path = Path(folder).expanduser()
        if path.exists() and not path.is_dir():
            return f"{path} is a file; choose another name for the folder."
        if path.is_dir() and any(path.iterdir()):
            return f"{path} already holds files; a new corpus goes into a new or empty folder."
        return ""

    def _validate(self) -> None:
        if getattr(self, "create_button", None) is None:  # still being built
            return
        problem = self.problem()
        started = bool(self.title_edit.text().strip())  # no scolding before anything was typed
        self.error_label.setText(problem if started else "")
        self.create_button.setEnabled(not problem)

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error_label.setText(problem)
            return
        time_range = ((self.from_edit.text().strip(), self.to_edit.text().strip())
                      if self.range_check.isChecked() else None)
        path = Path(self.folder_edit.text().strip()).expanduser()
        try:
            self.created = create_corpus(path, self.title_edit.text(), self.description_edit.toPlainText(),
                                         time_range)
        except NewCorpusError as exc:
            self.error_label.setText(_sentence(str(exc)))
            return
        QSettings().setValue("corpus/new-parent", str(path.parent))
        super().accept()


def _folder_name(title: str) -> str:
    """A folder name from a title: "China–Russia relations" -> "china-russia-relations"."""
    import re

    return slug(re.sub(r"[\u2010-\u2015/\\]", " ", title), 60) or "new-corpus"


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")) if text else text


def new_corpus(window) -> NewCorpusDialog:
    """File ▸ New Corpus…: the dialog, window-modal; once created the corpus opens in the window (asking
    first about unsaved edits to the one open)."""
    dialog = NewCorpusDialog(window)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)

    def created() -> None:
        if dialog.created is not None:
            window.open_corpus(dialog.created, background=False)
            window.statusBar().showMessage(f"Created the corpus “{dialog.title_edit.text().strip()}” in "
                                           f"{dialog.created}; add documents with File ▸ Add Documents… or by "
                                           f"dropping files on the window", 12000)

    dialog.accepted.connect(created)
    window.new_corpus_dialog = dialog
    dialog.open()
    return dialog
