"""Exports checked with independent readers: Pillow for PNG, an XML parser for SVG, pypdf for PDF."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import DATA, ROOT

VIEWS = ["timeline", "graph", "experts", "document", "window"]
EVENT = "ev-east-route-pipeline-launch"
EXPERT = "ex-xing-guangcheng"


def cli(*args):
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the export command must manage without a display by itself
    env.pop("DISPLAY", None)
    return subprocess.run([sys.executable, "-m", "explorer", "export", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=180, cwd=ROOT)


def in_process(*args):
    from explorer.cli import main

    return main(["export", *map(str, args)])


def assert_png(path, size):
    with Image.open(path) as im:
        assert im.format == "PNG"
        assert im.size == size
        im = im.convert("RGB")
        colours = im.resize((80, 50)).getcolors(maxcolors=100000)
        assert colours is not None and len(colours) > 8, "the image is (almost) blank"


def svg_texts(path):
    root = ET.parse(path).getroot()
    return " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))


def assert_pdf(path):
    reader = PdfReader(str(path))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text() or ""


@pytest.mark.parametrize("view", VIEWS)
def test_cli_exports_every_view_as_png_without_a_display(view, tmp_path):
    out = tmp_path / f"{view}.png"
    select = EXPERT if view == "experts" else EVENT
    result = cli(view, out, "--select", select, "--width", 900, "--height", 600)
    assert result.returncode == 0, result.stderr
    assert_png(out, (900, 600))


@pytest.mark.parametrize("view", VIEWS)
def test_svg_and_pdf_are_vector_with_text(view, tmp_path, app):
    select = EXPERT if view == "experts" else EVENT
    expected = {"timeline": "2019", "graph": "China", "experts": "Xing Guangcheng",
                "document": "gas pipeline", "window": "Xing Guangcheng"}[view]
    svg, pdf = tmp_path / f"{view}.svg", tmp_path / f"{view}.pdf"
    assert in_process(view, svg, "--select", select) == 0
    assert in_process(view, pdf, "--select", select) == 0
    texts = svg_texts(svg)
    assert expected in texts
    assert "Sources:" in texts  # the caption
    assert "<image" not in svg.read_text(encoding="utf-8")[:200]  # vector, not one embedded bitmap
    # every piece of text is clipped to its widget, so scrolled lists don't spill over their neighbours
    root = ET.parse(svg).getroot()
    clipped = {id(t) for g in root.iter() if g.get("clip-path") for t in g.iter() if t.tag.endswith("text")}
    texts_all = [t for t in root.iter() if t.tag.endswith("text") and (t.text or "").strip()]
    assert texts_all and all(id(t) in clipped for t in texts_all)
    assert expected.split()[0] in assert_pdf(pdf)


def test_chinese_names_are_glyphs_in_svg(tmp_path, app):
    svg = tmp_path / "experts.svg"
    assert in_process("experts", svg, "--select", EXPERT) == 0
    assert "邢广程" in svg_texts(svg)
    font_families = {el.get("font-family") for el in ET.parse(svg).getroot().iter() if el.get("font-family")}
    assert any("Noto Sans CJK SC" in (f or "") for f in font_families)
    # the bundled font travels inside the SVG, so viewers without CJK fonts still draw glyphs
    assert "@font-face" in svg.read_text(encoding="utf-8")


def test_scale_and_caption_options(tmp_path, app):
    out = tmp_path / "t.png"
    assert in_process("timeline", out, "--width", 800, "--height", 400, "--scale", 2, "--no-caption",
                      "--from", "2019", "--to", "2020") == 0
    assert_png(out, (1600, 800))
    transparent = tmp_path / "clear.png"
    assert in_process("graph", transparent, "--width", 600, "--height", 400, "--transparent") == 0
    with Image.open(transparent) as im:
        assert im.mode == "RGBA" and im.getpixel((2, 2))[3] == 0


@pytest.mark.parametrize("args, message", [
    (["nonsense", "out.png"], "unknown view 'nonsense'"),
    (["timeline", "out.gif"], "unknown format '.gif'"),
    (["timeline", "out.png", "--select", "ev-nope"], "unknown id 'ev-nope'"),
    (["timeline", "out.png", "--from", "2019-13"], "--from '2019-13'"),
    (["timeline", "out.png", "--from", "2020", "--to", "2019"], "is before --from"),
    (["timeline", "missing-folder/out.png"], "the folder does not exist"),
    (["timeline", "out.png", "--corpus", "no-such-corpus"], "does not exist"),
    (["timeline", "out.png", "--scale", "0"], "scale 0.0 is out of range"),
])
def test_bad_requests_exit_2_with_one_message_and_no_file(args, message, tmp_path):
    args = [str(tmp_path / a) if a.endswith((".png", ".gif")) else a for a in args]
    if "no-such-corpus" in args:
        args[args.index("no-such-corpus")] = str(tmp_path / "no-such-corpus")
    result = cli(*args)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        result = cli("timeline", folder / "x.png")
        assert result.returncode == 2 and "cannot be written" in result.stderr
    finally:
        folder.chmod(0o700)


def test_failed_render_leaves_no_partial_file(tmp_path, app, monkeypatch):
    from PySide6.QtWidgets import QLabel

    from explorer.qt.export import render as export

    label = QLabel("hello")
    label.resize(200, 100)
    target = tmp_path / "x.png"
    monkeypatch.setattr(export, "_draw_caption", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        export.render_to_file(label, target, export.ExportOptions(), caption="caption")
    assert list(tmp_path.iterdir()) == []
    label.deleteLater()


def test_export_view_action_in_the_window(app, qtbot, tmp_path):
    from explorer.qt.window.export_dialog import ExportDialog
    from explorer.qt.window.main_window import MainWindow

    win = MainWindow(use_settings=False)
    qtbot.addWidget(win)
    win.show()
    win.open_corpus(DATA, background=False)
    win.state.select(EVENT)
    win.timeline.setFocus()
    for fmt in ("png", "svg", "pdf"):
        dialog = ExportDialog(win, win.focused_view())
        assert dialog.view is win.timeline
        dialog.path_edit.setText(str(tmp_path / f"view.{fmt}"))
        dialog.width_spin.setValue(1000)
        dialog.height_spin.setValue(500)
        dialog.scale_combo.setCurrentIndex(1)  # 2×
        assert dialog.do_export() == tmp_path / f"view.{fmt}"
        dialog.deleteLater()
    assert_png(tmp_path / "view.png", (2000, 1000))
    assert "2019" in svg_texts(tmp_path / "view.svg")
    assert_pdf(tmp_path / "view.pdf")
    whole = ExportDialog(win, None)
    whole.path_edit.setText(str(tmp_path / "window.png"))
    whole.scale_combo.setCurrentIndex(0)
    whole.width_spin.setValue(1600)
    whole.height_spin.setValue(1000)
    assert whole.do_export() is not None
    assert_png(tmp_path / "window.png", (1600, 1000))
    assert win.size().width() == 1600 or win.isVisible()
    whole.deleteLater()
    win.close()


def test_graph_export_frames_the_selection(tmp_path, app):
    whole, around = tmp_path / "whole.svg", tmp_path / "around.svg"
    assert in_process("graph", whole, "--width", 900, "--height", 600) == 0
    assert in_process("graph", around, "--select", "ent-polar-silk-road", "--width", 900, "--height", 600) == 0
    # zoomed to the neighbourhood, the edges' kinds are written beside them; the whole graph is too small
    assert "jointly develops" in svg_texts(around) and "obstructs" in svg_texts(around)
    assert "jointly develops" not in svg_texts(whole)


def test_svg_embeds_the_fallback_glyphs_its_names_need_cut_to_them(tmp_path, app):
    """Names the small subset lacks (王海燕, Korean, kana) travel in the SVG too: the bundled fallback, the
    second family every text names, cut to exactly those characters (a viewer without CJK fonts showed boxes
    for them)."""
    import base64
    import re

    from PySide6.QtGui import QFont, QRawFont

    from conftest import write_corpus_folder

    text = "王海燕 argues that trade will grow. 김민국 agrees. ひらがな is a script.\n"
    folder = write_corpus_folder(tmp_path / "names", {"a.txt": text}, {
        "documents.json": [{"id": "doc-a", "title": "Doc A", "file": "a.txt"}],
        "passages.json": [{"id": "p-wang", "document": "doc-a", "quote": "王海燕 argues that trade will grow."}],
        "experts.json": [
            {"id": "ex-wang", "name": "Wang Haiyan", "native_name": "王海燕", "passages": ["p-wang"]},
            {"id": "ex-kim", "name": "Kim Minguk", "native_name": "김민국 ひらがな", "passages": ["p-wang"]}],
    })
    svg = tmp_path / "experts.svg"
    assert in_process("experts", svg, "--corpus", folder) == 0
    body = svg.read_text(encoding="utf-8")
    assert "王" in svg_texts(svg) and "海燕" in svg_texts(svg)  # two runs: the subset's, then the fallback's
    families = {el.get("font-family") for el in ET.parse(svg).getroot().iter() if el.get("font-family")}
    assert families == {"Noto Sans CJK SC,Explorer Noto CJK Fallback"}
    faces = re.findall(r"@font-face \{([^}]*)\}", body)
    ranged = [f for f in faces if "'Explorer Noto CJK Fallback'" in f and "font-weight: 400" in f]
    assert len(ranged) == 1
    codes = set(re.search(r"unicode-range: ([^;]*);", ranged[0]).group(1).split(", "))
    wanted = {f"U+{ord(ch):04X}" for ch in "海燕김민국ひらがな"}
    assert wanted <= codes and "U+738B" not in codes  # 王 is in the subset already
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)\)", ranged[0]).group(1))
    font = QRawFont(data, 12, QFont.HintingPreference.PreferNoHinting)
    assert font.isValid() and all(font.supportsCharacter(ord(ch)) for ch in "海燕김민국ひらがな")
    assert len(data) < 100_000  # cut to the characters used, not the 3.6 MB fallback
    assert len(body) < 1_500_000
