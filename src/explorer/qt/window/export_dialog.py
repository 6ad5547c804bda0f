"""File > Export View… / Export Window…: the dialog that renders a view or the window to a file."""

from __future__ import annotations

from pathlib import Path

from ..export.render import (DEFAULT_SIZES, FORMATS, MAX_PIXELS, ExportError, ExportOptions, check_options,
                             check_output, export_view, window_caption)



def _make_dialog_class():
    import shiboken6
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                                   QHBoxLayout, QLineEdit, QMessageBox, QPushButton, QSpinBox, QWidget)

    class ExportDialog(QDialog):
        """File > Export View… / Export Window…: file, size or scale, caption, transparency."""

        def __init__(self, window, view=None):
            super().__init__(window)
            self.window_ = window
            self.view = view
            self.target = view.export_widget() if view is not None else window
            what = view.title if view is not None else "Window"
            self.setWindowTitle(f"Export {what}")
            settings = QSettings()
            last_dir = settings.value("export/dir", str(Path.home()))
            last_fmt = settings.value("export/format", "png")
            name = (view.view_name if view is not None else "window") + f".{last_fmt}"
            form = QFormLayout(self)
            row = QHBoxLayout()
            self.path_edit = QLineEdit(str(Path(last_dir) / name))
            browse = QPushButton("Browse…")
            browse.clicked.connect(self._browse)
            row.addWidget(self.path_edit, 1)
            row.addWidget(browse)
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(0, 0, 0, 0)
            form.addRow("File (.png, .svg, .pdf):", holder)
            self.width_spin = QSpinBox()
            self.height_spin = QSpinBox()
            for spin, value in ((self.width_spin, self.target.width()), (self.height_spin, self.target.height())):
                spin.setRange(50, MAX_PIXELS)
                spin.setValue(max(50, value))
                spin.setSuffix(" px")
            size_row = QHBoxLayout()
            size_row.setContentsMargins(0, 0, 0, 0)
            size_row.addWidget(self.width_spin)
            size_row.addWidget(self.height_spin)
            size_holder = QWidget()
            size_holder.setLayout(size_row)
            form.addRow("Size:", size_holder)
            self.scale_combo = QComboBox()
            for s in (1, 2, 4):
                self.scale_combo.addItem(f"{s}×", s)
            form.addRow("Scale (PNG pixels):", self.scale_combo)
            self.caption_check = QCheckBox("Add a caption (corpus, selection, date range, sources)")
            self.caption_check.setChecked(settings.value("export/caption", True, type=bool))
            form.addRow("", self.caption_check)
            self.transparent_check = QCheckBox("Transparent background (PNG)")
            form.addRow("", self.transparent_check)
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
            buttons.accepted.connect(self.do_export)
            buttons.rejected.connect(self.reject)
            form.addRow(buttons)
            self.resize(560, self.sizeHint().height())

        def _browse(self) -> None:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(),
                                                  "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)")
            if path:
                self.path_edit.setText(path)

        def options(self) -> ExportOptions:
            return ExportOptions(width=self.width_spin.value(), height=self.height_spin.value(),
                                 scale=float(self.scale_combo.currentData()),
                                 caption=self.caption_check.isChecked(),
                                 transparent=self.transparent_check.isChecked())

        exporting = False  # True while do_export runs: rendering lets layouts settle by pumping events

        def do_export(self) -> Path | None:
            """Save: render the file. Rendering pumps the event loop (layouts and the graph settle at the
            asked size), so the dialog takes no input meanwhile: a second click on Save, Esc or a close
            waiting in the queue would otherwise export again or delete the dialog under this call."""
            if self.exporting:
                return None
            self.exporting = True
            self.setEnabled(False)
            try:
                path = Path(self.path_edit.text()).expanduser()
                caption = self.caption_check.isChecked()
                path = self._export(path)
            finally:
                self.exporting = False
                if shiboken6.isValid(self):
                    self.setEnabled(True)
            if path is None or not shiboken6.isValid(self):
                return path
            settings = QSettings()
            settings.setValue("export/dir", str(path.parent))
            settings.setValue("export/format", path.suffix.lstrip("."))
            settings.setValue("export/caption", caption)
            if shiboken6.isValid(self.window_):
                self.window_.statusBar().showMessage(f"Exported {path}", 8000)
            self.exported_path = path
            self.accept()
            return path

        def _export(self, path: Path) -> Path | None:
            state = self.window_.state
            options = self.options()
            view_caption = self.view.export_caption() if self.view is not None else window_caption(state)
            target, clone = self.target, None
            if self.view is not None and (options.width, options.height) != (target.width(), target.height()):
                # a docked view cannot be resized freely: render a twin of it at the asked size
                clone = self.view.clone_for_export()
                clone.resize(options.width, options.height)
                clone.show()
                target = clone.export_widget()
            original = target.size()
            try:
                export_view(state, target, view_caption, path, options)
            except ExportError as exc:
                if shiboken6.isValid(self):
                    QMessageBox.warning(self, "Cannot export", str(exc))
                return None
            finally:
                if clone is not None:
                    clone.close()
                    clone.deleteLater()
                elif shiboken6.isValid(target) and target.size() != original:
                    target.resize(original)
            return path

        def reject(self) -> None:
            if not self.exporting:  # Esc or Cancel while the file is written: it is finished first
                super().reject()

        def closeEvent(self, event) -> None:
            if self.exporting:
                event.ignore()
                return
            super().closeEvent(event)

        @classmethod
        def run(cls, window, view=None):
            dialog = cls(window, view)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            return dialog

    return ExportDialog


def __getattr__(name: str):
    if name == "ExportDialog":
        cls = _make_dialog_class()
        globals()["ExportDialog"] = cls
        return cls
    raise AttributeError(name)
