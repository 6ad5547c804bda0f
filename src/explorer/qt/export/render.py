"""Export a view or the whole window as PNG, SVG or PDF, from the window or the command line.

Rendering goes through QWidget.render onto a QImage (PNG), a QSvgGenerator (SVG) or a QPdfWriter (PDF)
with an explicit size, so every format shows what the screen shows: SVG and PDF stay vector (text stays
text where Qt allows), PNG comes out at exactly width × scale by height × scale pixels. Files are written
to a temporary file beside the target and renamed, so no partial file is ever left behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("png", "svg", "pdf")
VIEW_NAMES = ("timeline", "graph", "experts", "document", "window")
DEFAULT_SIZES = {"timeline": (1600, 600), "graph": (1100, 800), "experts": (520, 820), "document": (820, 900),
                 "inspector": (520, 600), "window": (1600, 1000)}
MAX_PIXELS = 16384


class ExportError(Exception):
    """A bad export request; the message is one plain sentence for the user."""


@dataclass
class ExportOptions:
    width: int | None = None  # logical pixels; None: the widget's current size
    height: int | None = None
    scale: float = 1.0
    caption: bool = True
    transparent: bool = False


def format_of(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"{path.name}: unknown format '{path.suffix or '(none)'}'; use .png, .svg or .pdf")
    return fmt


def check_output(path: Path) -> str:
    """Validate an output path before any work: known format, writable existing folder."""
    fmt = format_of(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{folder}: the folder does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"{folder}: the folder cannot be written")
    if path.is_dir():
        raise ExportError(f"{path}: is a folder, not a file name")
    return fmt


def check_options(options: ExportOptions) -> None:
    if options.scale is None or not 0.1 <= options.scale <= 8:
        raise ExportError(f"scale {options.scale} is out of range (0.1 to 8)")
    for name in ("width", "height"):
        value = getattr(options, name)
        if value is not None and not 50 <= value <= MAX_PIXELS:
            raise ExportError(f"{name} {value} is out of range (50 to {MAX_PIXELS} pixels)")
        if value is not None and value * options.scale > MAX_PIXELS:
            raise ExportError(f"{name} {value} at scale {options.scale} exceeds {MAX_PIXELS} pixels")


@contextmanager
def atomic_target(path: Path):
    """Yield a temporary path in the target's folder; rename it over the target on success only."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if not tmp_path.exists() or tmp_path.stat().st_size == 0:
            raise ExportError(f"{path.name}: nothing was written")
        umask = os.umask(0)
        os.umask(umask)
        tmp_path.chmod(0o666 & ~umask)  # mkstemp makes 0600; give the file the permissions of a normal save
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


# -- rendering (Qt from here on) ----------------------------------------------------------------------

def caption_text(state, view_caption: str) -> str:
    corpus = state.corpus
    parts = []
    if corpus is not None:
        parts.append(corpus.info.title)
    if view_caption:
        parts.append(view_caption)
    if corpus is not None and corpus.documents:
        sources = []
        for doc in corpus.documents:
            by = ", ".join(x for x in (doc.author, doc.publisher) if x)
            date = doc.date.display() if doc.date else ""
            sources.append(doc.title + (f" ({', '.join(x for x in (by, date) if x)})" if (by or date) else ""))
        parts.append("Sources: " + "; ".join(sources))
    return " · ".join(parts)


def _caption_height(text: str, width: int) -> int:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics

    from ..views.style import ui_font

    metrics = QFontMetrics(ui_font(8.5))
    rect = metrics.boundingRect(QRect(0, 0, width - 24, 2000), int(Qt.TextFlag.TextWordWrap), text)
    return min(rect.height(), metrics.lineSpacing() * 4) + 16


def _draw_caption(painter, text: str, width: int, top: int, height: int, transparent: bool) -> None:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QPen

    from ..views.style import MUTED_TEXT, ui_font

    if not transparent:
        painter.fillRect(QRect(0, top, width, height), QColor("#fafafa"))
    painter.setPen(QPen(QColor("#d0d0d0"), 1))
    painter.drawLine(0, top, width, top)
    painter.setPen(QColor(MUTED_TEXT))
    painter.setFont(ui_font(8.5))
    painter.drawText(QRect(12, top + 8, width - 24, height - 12),
                     int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), text)


@contextmanager
def _transparent_backgrounds(widget, enabled: bool):
    """Temporarily drop pyqtgraph backgrounds so a transparent PNG is really transparent."""
    if not enabled:
        yield
        return
    import pyqtgraph as pg

    views = [widget] if isinstance(widget, pg.GraphicsView) else []
    views += widget.findChildren(pg.GraphicsView)
    saved = [(v, v.backgroundBrush()) for v in views]
    for v in views:
        v.setBackground(None)
    try:
        yield
    finally:
        for v, brush in saved:
            v.setBackgroundBrush(brush)


@contextmanager
def _painting(device):
    """A QPainter on ``device`` that is always ended, even when painting fails (an active painter
    outliving its device crashes Qt)."""
    from PySide6.QtGui import QPainter

    painter = QPainter(device)
    try:
        yield painter
    finally:
        painter.end()


SVG_CLIP_MARKER = "#010203"  # a colour nothing else uses: marks where a widget's clip rectangle starts


def _mark_clip(painter, rect, svg_clips: list) -> None:
    """Record a clip rectangle for the SVG post-processing, and mark its place in the drawing."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor

    svg_clips.append((rect.x(), rect.y(), rect.width(), rect.height()))
    painter.fillRect(QRectF(rect.x(), rect.y(), 0.01, 0.01), QColor(SVG_CLIP_MARKER))


def _render_clipped(painter, root, bounds, flags, svg_clips: list | None = None) -> None:
    """Render a widget tree one widget at a time, each clipped to its own and its parents' rectangles.

    QWidget.render clips children only on raster devices: on SVG and PDF a scrolled list or text view
    would spill its partly visible rows over its neighbours. The PDF engine honours the painter's clip;
    for SVG each widget's rectangle is recorded in ``svg_clips`` and applied by ``_finish_svg``.
    Widgets are visited in stacking order."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QRegion
    from PySide6.QtWidgets import QWidget

    own = flags & ~QWidget.RenderFlag.DrawChildren

    def visit(widget: QWidget, origin: QPoint, clip: QRect) -> None:
        area = QRect(origin, widget.size()).intersected(clip)
        if area.isEmpty():
            return
        if svg_clips is not None:
            _mark_clip(painter, area, svg_clips)
        painter.save()
        painter.setClipRect(area)
        QWidget.render(widget, painter, origin, QRegion(widget.rect()), own)  # not QGraphicsView.render
        painter.restore()
        for child in widget.children():
            if isinstance(child, QWidget) and child.isVisible() and not child.isWindow():
                visit(child, origin + child.pos(), area)

    visit(root, QPoint(0, 0), bounds)


def _finish_svg(path: Path, clips: list) -> None:
    """Make Qt's SVG faithful in any viewer: clip each widget's drawing to its rectangle (Qt's SVG Tiny
    output has no clipping), and embed the bundled fonts so Chinese names render as glyphs where the
    viewer has no CJK font."""
    import base64
    import xml.etree.ElementTree as ET

    from ... import resources_path
    from ..views.style import FALLBACK_FONT_FAMILY, UI_FONT_FAMILY

    ns = "http://www.w3.org/2000/svg"
    ET.register_namespace("", ns)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    tree = ET.parse(path)
    root = tree.getroot()
    defs = root.find(f"{{{ns}}}defs")
    if defs is None:
        defs = ET.Element(f"{{{ns}}}defs")
        root.insert(0, defs)
    # the drawing is one <g> holding flat state groups; regroup them between clip markers
    container = next((g for g in root if g.tag == f"{{{ns}}}g"), None)
    if container is not None and clips:
        groups = list(container)
        for g in groups:
            container.remove(g)
        current, n = container, 0
        for g in groups:
            if g.get("fill") == SVG_CLIP_MARKER and n < len(clips):
                x, y, w, h = clips[n]
                clip = ET.SubElement(defs, f"{{{ns}}}clipPath", id=f"widget-clip-{n}")
                ET.SubElement(clip, f"{{{ns}}}rect", x=str(x), y=str(y), width=str(w), height=str(h))
                current = ET.SubElement(container, f"{{{ns}}}g", {"clip-path": f"url(#widget-clip-{n})"})
                n += 1
                marks = [el for el in g if el.tag in (f"{{{ns}}}path", f"{{{ns}}}rect")][:1]
                for el in marks:
                    g.remove(el)
                if not len(g):
                    continue
            current.append(g)
    if UI_FONT_FAMILY in ET.tostring(root, encoding="unicode"):
        used = {ch for el in root.iter(f"{{{ns}}}text") for ch in "".join(el.itertext()) if ord(ch) > 0x7F}
        faces = []
        for style, weight in (("Regular", 400), ("Bold", 700)):
            font = resources_path() / "fonts" / f"NotoSansCJKsc-{style}-subset.otf"
            if font.is_file():
                data = base64.b64encode(font.read_bytes()).decode("ascii")
                faces.append(f"@font-face {{ font-family: '{UI_FONT_FAMILY}'; font-weight: {weight}; "
                             f"src: url(data:font/otf;base64,{data}) format('opentype'); }}")
                # characters the subset lacks come from the bundled fallback (the second family every text
                # names, as on screen), cut to those characters
                fallback = resources_path() / "fonts" / f"NotoSansCJKsc-{style}-fallback.otf"
                extra = _fallback_face(font, fallback, used) if used and fallback.is_file() else None
                if extra is not None:
                    cut, chars = extra
                    ranges = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(chars))
                    faces.append(f"@font-face {{ font-family: '{FALLBACK_FONT_FAMILY}'; font-weight: {weight}; "
                                 f"src: url(data:font/otf;base64,{base64.b64encode(cut).decode('ascii')}) "
                                 f"format('opentype'); unicode-range: {ranges}; }}")
        if faces:
            style_el = ET.SubElement(defs, f"{{{ns}}}style", type="text/css")
            faces.append("text { font-feature-settings: 'pwid' 1; }  /* proportional quotes, as on screen */")
            style_el.text = "\n".join(faces)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _fallback_face(subset: Path, fallback: Path, used: set[str]) -> tuple[bytes, set[str]] | None:
    """The bundled fallback font cut to the characters of ``used`` that the subset font lacks and the
    fallback has (with fontTools; without it, the whole file), and those characters; None when there are
    none."""
    from PySide6.QtGui import QFont, QRawFont

    def raw(path: Path) -> QRawFont:
        return QRawFont(path.read_bytes(), 12, QFont.HintingPreference.PreferNoHinting)

    have, spare = raw(subset), raw(fallback)
    chars = {ch for ch in used if not have.supportsCharacter(ord(ch)) and spare.supportsCharacter(ord(ch))}
    if not chars:
        return None
    data = fallback.read_bytes()
    try:
        import io

        from fontTools import subset as ft_subset
        from fontTools.ttLib import TTFont
    except ImportError:  # pragma: no cover - fontTools is a dependency; the whole font still renders
        return data, chars
    options = ft_subset.Options()
    options.name_IDs = ["*"]  # keep the family name and the licence notice
    options.notdef_outline = True
    font = TTFont(io.BytesIO(data))
    cutter = ft_subset.Subsetter(options)
    cutter.populate(unicodes=[ord(ch) for ch in chars])
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), chars


def render_to_file(widget, path: Path, options: ExportOptions, caption: str = "") -> Path:
    """Render ``widget`` (resized to the requested size) with an optional caption strip into ``path``."""
    from PySide6.QtCore import QPoint, QRect, QSize, QSizeF, Qt
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QRegion
    from PySide6.QtSvg import QSvgGenerator
    from PySide6.QtWidgets import QApplication, QWidget

    path = Path(path)
    fmt = check_output(path)
    check_options(options)
    width = options.width or max(widget.width(), 50)
    height = options.height or max(widget.height(), 50)
    cap_h = _caption_height(caption, width) if (options.caption and caption) else 0
    if height - cap_h < 50:
        raise ExportError(f"height {height} leaves no room for the view under its caption")
    view_size = QSize(width, height - cap_h)
    if widget.size() != view_size:
        widget.resize(view_size)
    for _ in range(3):  # let layouts and pyqtgraph settle at the new size
        QApplication.processEvents()
    flags = QWidget.RenderFlag.DrawChildren
    if not options.transparent:
        flags |= QWidget.RenderFlag.DrawWindowBackground

    def paint(painter: QPainter, svg_clips: list | None = None) -> None:
        with _transparent_backgrounds(widget, options.transparent):
            if fmt == "png":
                QWidget.render(widget, painter, QPoint(0, 0), QRegion(0, 0, width, height - cap_h), flags)
            else:
                _render_clipped(painter, widget, QRect(0, 0, width, height - cap_h), flags, svg_clips)
        if cap_h:
            if svg_clips is not None:
                _mark_clip(painter, QRect(0, 0, width, height), svg_clips)
            _draw_caption(painter, caption, width, height - cap_h, cap_h, options.transparent)

    with atomic_target(path) as tmp:
        if fmt == "png":
            image = QImage(round(width * options.scale), round(height * options.scale),
                           QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent if options.transparent else QColor("white"))
            with _painting(image) as painter:
                painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                                       | QPainter.RenderHint.SmoothPixmapTransform)
                painter.scale(options.scale, options.scale)
                paint(painter)
            image.setDotsPerMeterX(round(3780 * options.scale))
            image.setDotsPerMeterY(round(3780 * options.scale))
            if not image.save(str(tmp), "PNG"):
                raise ExportError(f"{path.name}: the PNG could not be written")
        elif fmt == "svg":
            gen = QSvgGenerator()  # SVG Tiny 1.2: Qt's SVG 1.1 clip paths are misplaced; see _finish_svg
            gen.setFileName(str(tmp))
            gen.setResolution(96)  # the screen's logical dpi: text is laid out as on screen, and px = CSS px
            gen.setSize(QSize(width, height))
            gen.setViewBox(QRect(0, 0, width, height))
            gen.setTitle(caption or widget.windowTitle() or "explorer export")
            gen.setDescription(caption)
            clips: list = []
            with _painting(gen) as painter:
                if not options.transparent:
                    painter.fillRect(QRect(0, 0, width, height), QColor("white"))
                paint(painter, clips)
            _finish_svg(tmp, clips)
        else:
            writer = QPdfWriter(str(tmp))
            writer.setResolution(96)
            writer.setPageSize(QPageSize(QSizeF(width * 72 / 96, height * 72 / 96), QPageSize.Unit.Point,
                                         "explorer", QPageSize.SizeMatchPolicy.ExactMatch))
            writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
            writer.setTitle(caption or "explorer export")
            writer.setCreator("explorer")
            with _painting(writer) as painter:
                sx = writer.width() / width
                painter.scale(sx, sx)
                if not options.transparent:
                    painter.fillRect(QRect(0, 0, width, height), QColor("white"))
                paint(painter)
    return path


def export_view(state, widget, view_caption: str, path: Path, options: ExportOptions) -> Path:
    return render_to_file(widget, path, options, caption_text(state, view_caption) if options.caption else "")


def window_caption(state) -> str:
    item = state.item()
    t0, t1 = state.time_window
    return (f"selected: {item.label}" if item is not None else "no selection") + f" · {range_text(t0, t1)}"


def range_text(t0: float, t1: float) -> str:
    """'2 Dec 2019 – 5 Jan 2020'; '15 Mar 44 BCE – 2 Jan 30 CE' (any year: no datetime)."""
    from ...core.model import daycount

    era = daycount.year_of(t0) < 0  # a range from BCE names the era of its end too
    return f"{daycount.day_text(t0, era)} – {daycount.day_text(t1 - 1, era)}"  # the end is exclusive
