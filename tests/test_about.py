"""A desktop citizen: Help ▸ About and `explorer --version` give the same versions and licences, the app
and its window carry the icon (drawn from the SVG), and the desktop entry and metainfo are valid."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import explorer
from conftest import ROOT, open_window

LINUX = ROOT / "resources" / "linux"
ICONS = ROOT / "resources" / "icons"


def _version_output() -> str:
    result = subprocess.run([sys.executable, "-m", "explorer", "--version"], capture_output=True, text=True,
                            timeout=60, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_version_prints_the_versions_and_the_licences_of_what_is_shipped():
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    out = _version_output()
    lines = out.splitlines()
    assert lines[0] == f"explorer {explorer.__version__}"
    assert lines[1].startswith(f"Python {sys.version.split()[0]} (")
    assert lines[2] == f"Qt {qVersion()} (PySide6 {pyside_version})"
    for name, version, licence in explorer.shipped():
        assert any(line.startswith(f"  {name} {version}") and line.rstrip().endswith(licence) for line in lines), \
            (name, out)
    assert "LGPL-3.0-only" in out and "OFL-1.1" in out
    assert "Licence texts: " in out and "(missing)" not in out
    assert not any(line.startswith("  Python ") for line in lines)  # a wheel runs on the user's own Python


def test_about_shows_versions_corpus_and_licences_without_blocking(app, qtbot, tmp_path):
    from PySide6.QtCore import qVersion

    win = open_window(qtbot, None, use_settings=False)
    win.act_about.trigger()  # not modal: returns at once
    box = win.about_box
    assert box is not None and box.isVisible()
    from PySide6.QtWidgets import QTextBrowser

    from PySide6.QtWidgets import QLabel

    heading = " ".join(label.text() for label in box.findChildren(QLabel))
    assert f"Explorer {explorer.__version__}" in heading
    assert f"Python {sys.version.split()[0]}" in heading and f"Qt {qVersion()}" in heading
    details = box.findChild(QTextBrowser, "aboutDetails").toPlainText()
    assert win.state.corpus.info.title in details
    for doc in win.state.corpus.documents:
        assert doc.title in details
    for name, version, licence in explorer.shipped():  # the same list as --version
        assert name in details and version in details and licence in details
    assert "GNU Lesser General Public License" in details and "SIL Open Font License" in details
    assert "never writes into its installation" in details
    # look at it: rendered offscreen to a PNG that is not blank
    image = box.grab().toImage()
    assert image.width() >= 600 and image.height() >= 400
    assert len({image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 23)}) > 3
    assert image.save(str(tmp_path / "about.png"))
    win.act_about.trigger()  # a second time raises the same window
    assert win.about_box is box
    box.close()
    qtbot.waitUntil(lambda: win.about_box is None)
    win.close()


def test_the_window_and_the_app_carry_the_icon(app, qtbot):
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication

    from explorer.qt.window.main_window import MainWindow

    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    assert not win.windowIcon().isNull() and not app.windowIcon().isNull()
    sizes = win.windowIcon().availableSizes()
    assert QSize(16, 16) in sizes and QSize(512, 512) in sizes
    assert QGuiApplication.desktopFileName() == explorer.APP_ID


@pytest.mark.parametrize("size", [16, 32, 64, 256])
def test_the_pngs_are_what_the_svg_draws(app, size):
    """The PNGs are drawn from explorer.svg (`python3 tools/build_bundle.py icons` redraws them)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    png = QImage(str(ICONS / f"explorer-{size}.png")).convertToFormat(QImage.Format.Format_ARGB32)
    assert png.width() == size and png.height() == size
    drawn = QImage(size, size, QImage.Format.Format_ARGB32)
    drawn.fill(Qt.GlobalColor.transparent)
    painter = QPainter(drawn)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(ICONS / "explorer.svg")).render(painter)
    painter.end()
    worst = 0
    for y in range(size):
        for x in range(size):
            a, b = png.pixel(x, y), drawn.pixel(x, y)
            worst = max(worst, *(abs(((a >> s) & 255) - ((b >> s) & 255)) for s in (0, 8, 16, 24)))
    assert worst <= 8, "the PNGs are stale: run python3 tools/build_bundle.py icons"
    corner, centre = png.pixelColor(0, 0), png.pixelColor(size // 2, size // 2)
    assert corner.alpha() == 0 and centre.alpha() == 255  # a rounded tile on a transparent ground


def test_the_desktop_entry_opens_a_path_and_names_the_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(LINUX / f"{explorer.APP_ID}.desktop", encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application" and d["Name"] == "Explorer"
    assert d["Exec"] == "explorer %f"  # "Open With" passes the folder as PATH
    assert d["Icon"] == explorer.APP_ID and d["Terminal"] == "false"
    assert "MimeType" not in d  # no claim on every folder
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(LINUX / f"{explorer.APP_ID}.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_the_metainfo_names_the_app_its_licence_and_this_release():
    path = LINUX / f"{explorer.APP_ID}.metainfo.xml"
    root = ET.parse(path).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == explorer.APP_ID
    assert root.findtext("launchable") == f"{explorer.APP_ID}.desktop"
    assert root.findtext("project_license") == "MIT"
    assert root.find("provides/binary").text == "explorer"
    assert explorer.__version__ in [r.get("version") for r in root.iter("release")]
    if shutil.which("appstreamcli"):
        result = subprocess.run(["appstreamcli", "validate", "--no-net", str(path)], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_bundle_tool_writes_a_desktop_entry_for_an_installed_explorer(tmp_path):
    exe = tmp_path / "bin dir" / "explorer"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_bundle.py"), "desktop", "--exec", str(exe),
                             "--prefix", str(tmp_path / "share")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    desktop = tmp_path / "share" / "applications" / f"{explorer.APP_ID}.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert f'Exec="{exe}" %f' in text and f"TryExec={exe}" in text
    assert (tmp_path / "share" / "metainfo" / f"{explorer.APP_ID}.metainfo.xml").is_file()
    for size in (16, 48, 256, 512):
        assert (tmp_path / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{explorer.APP_ID}.png").is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout
