"""Qt application set-up: fonts, the icon, style, and running the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, qInstallMessageHandler
from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from .. import APP_ID, __version__, resources_path
from .views.style import UI_FONT_FAMILY, set_font_fallbacks, ui_font

ORG = "explorer"
APP = "explorer"

_fonts_registered = False


def register_fonts() -> list[str]:
    """Register the bundled fonts and make them the application font: the subset of Noto Sans CJK SC (Latin,
    symbols and the default corpus's CJK characters), falling back to the system's CJK fonts where there are
    any, then to the bundled fallback of the common CJK characters (resources/fonts/README.md)."""
    global _fonts_registered
    families: list[str] = []
    if not _fonts_registered:
        system = QFontDatabase.families()  # the system's own, before the bundled ones join them
        set_font_fallbacks(system)
        for path in sorted((resources_path() / "fonts").glob("*.otf")):
            if path.name.endswith("-subset.otf") and UI_FONT_FAMILY in system:
                continue  # the system has the whole font: the subset would hide its other characters
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families.extend(QFontDatabase.applicationFontFamilies(font_id))
        _fonts_registered = True
    QApplication.setFont(ui_font(10))
    return families


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The application icon: the PNGs drawn from resources/icons/explorer.svg at each size (no SVG plugin
    needed), for the window, the task bar and the About box."""
    icon = QIcon()
    folder = resources_path() / "icons"
    for size in ICON_SIZES:
        path = folder / f"explorer-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    return icon


_app_icon: QIcon | None = None


def _icon() -> QIcon:
    global _app_icon
    if _app_icon is None:
        _app_icon = app_icon()
    return _app_icon


#: Qt messages that say nothing to a user: the offscreen platform (export without a display) cannot
#: resize native windows to their size hints
_QUIET_MESSAGES = ("This plugin does not support propagateSizeHints",)
_previous_handler = None


def _message_handler(mode, context, message: str) -> None:
    if any(message.startswith(m) for m in _QUIET_MESSAGES):
        return
    if _previous_handler is not None:
        _previous_handler(mode, context, message)
    else:
        sys.stderr.write(message + "\n")


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once. With no display, fall back to the offscreen platform."""
    app = QApplication.instance()
    if app is None:
        if not os.environ.get("QT_QPA_PLATFORM") and sys.platform.startswith("linux") \
                and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        QCoreApplication.setOrganizationName(ORG)
        QCoreApplication.setApplicationName(APP)
        QCoreApplication.setApplicationVersion(__version__)
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        global _previous_handler
        _previous_handler = qInstallMessageHandler(_message_handler)
        app = QApplication(argv or [sys.argv[0]])
        app.setStyle("Fusion")
    if not QGuiApplication.desktopFileName():
        QGuiApplication.setDesktopFileName(APP_ID)  # Wayland and task bars match windows to the desktop entry
    if app.windowIcon().isNull():
        app.setWindowIcon(_icon())
    register_fonts()
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, background="w", foreground="#333333")
    return app  # type: ignore[return-value]
