"""Any corpus's names render: the bundled CJK fallback (GB 2312, JIS X 0208 kanji, Big5 level 1, kana,
Hangul) by itself, within its size budget, under the OFL; the UI fonts fall back to it (after the system's
own CJK fonts where there are any); a generated corpus's names get no missing-glyph box.

The machine running the tests may have CJK fonts of its own, so what is proved of the bundled fonts is
proved from their files (their cmaps, read with fontTools, and QRawFont loaded from the file), not from
what the system would draw."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PySide6.QtGui import QFont, QRawFont, QTextLayout

from explorer import resources_path
from explorer.core.synth import generate

FONTS = resources_path() / "fonts"
BUDGET = 4 * 1024 * 1024  # bytes per weight of the fallback (resources/fonts/README.md says why)


def _decoded(codec: str, leads, trails) -> set[str]:
    out = set()
    for lead in leads:
        for trail in trails:
            try:
                out.add(bytes([lead, trail]).decode(codec))
            except UnicodeDecodeError:
                pass
    return out


GB2312_HANZI = {c for c in _decoded("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)) if "\u4e00" <= c <= "\u9fff"}
KANA = {chr(c) for c in [*range(0x3041, 0x3097), *range(0x30A1, 0x30FB)]}
HANGUL = {chr(c) for c in range(0xAC00, 0xD7A4)}


def bundled_cmap() -> set[str]:
    chars: set[str] = set()
    for path in FONTS.glob("*-Regular-*.otf"):
        chars |= {chr(c) for c in TTFont(path).getBestCmap()}
    return chars


@pytest.mark.parametrize("style", ["Regular", "Bold"])
def test_the_fallback_covers_gb2312_kana_and_hangul_within_its_budget(app, style):
    path = FONTS / f"NotoSansCJKsc-{style}-fallback.otf"
    font = TTFont(path)
    cmap = {chr(c) for c in font.getBestCmap()}
    assert len(GB2312_HANZI) == 6763 and len(HANGUL) == 11172
    for name, chars in (("GB 2312 hanzi", GB2312_HANZI), ("kana", KANA), ("Hangul syllables", HANGUL)):
        missing = chars - cmap
        assert not missing, f"{path.name} lacks {len(missing)} {name}: {''.join(sorted(missing)[:20])}"
    assert path.stat().st_size <= BUDGET
    # a family of its own, so that it never stands in for a system's whole Noto Sans CJK
    assert font["name"].getDebugName(1) == "Explorer Noto CJK Fallback"
    assert font["name"].getDebugName(2) == style
    raw = QRawFont(str(path), 12)
    assert raw.isValid() and raw.familyName() == "Explorer Noto CJK Fallback"
    assert all(raw.supportsCharacter(ord(c)) for c in "王海燕哈尔滨ひらがなカタカナ한국어")


def test_the_fonts_are_under_the_ofl_and_documented():
    licence = (FONTS / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    for path in FONTS.glob("*.otf"):
        assert path.name in readme
    assert "GB 2312" in readme and "Hangul" in readme and "MiB" in readme


def test_ui_fonts_fall_back_to_the_bundled_cjk_font(app):
    from explorer.qt.views.style import FALLBACK_FONT_FAMILY, UI_FONT_FAMILY, font_fallbacks, ui_font

    families = ui_font(10, bold=True).families()
    assert families[0] == UI_FONT_FAMILY and families[-1] == FALLBACK_FONT_FAMILY
    assert families[1:] == font_fallbacks()
    assert FALLBACK_FONT_FAMILY in app.font().families()


def test_names_of_a_generated_corpus_render_without_missing_glyphs(app, tmp_path):
    """Every name of a synthetic corpus (it gives experts and actors Chinese names): each character is in a
    bundled font's cmap, and laid out in the experts list's font, no glyph is the missing-glyph box."""
    from explorer.core import load_corpus
    from explorer.qt.views.experts import ExpertDelegate
    from explorer.qt.views.style import FALLBACK_FONT_FAMILY, UI_FONT_FAMILY

    generate(tmp_path / "synth", events=60, documents=6, entities=80, relationships=60, experts=60, seed=3)
    corpus = load_corpus(tmp_path / "synth")
    names = [n for item in (*corpus.experts, *corpus.entities)
             for n in (item.label, getattr(item, "native_name", None)) if n]
    text = "".join(names)
    cjk = {c for c in text if ord(c) >= 0x2E80}
    assert len(cjk) >= 10  # the generator does write Chinese names
    cmap = bundled_cmap()
    missing = {c for c in text if not c.isspace()} - cmap
    assert not missing, f"no bundled glyph for {''.join(sorted(missing))}"
    delegate = ExpertDelegate()
    for base in (delegate.name_font, delegate.small_font):
        only_bundled = QFont(base)
        only_bundled.setFamilies([UI_FONT_FAMILY, FALLBACK_FONT_FAMILY])
        for font in (base, only_bundled):
            for name in names:
                layout = QTextLayout(name, font)
                layout.beginLayout()
                layout.createLine()
                layout.endLayout()
                runs = layout.glyphRuns()
                assert runs
                for run in runs:
                    assert 0 not in list(run.glyphIndexes()), f"a missing-glyph box in {name!r}"
    # the bundled fallback alone holds every CJK character of those names
    raw = QRawFont(str(Path(FONTS / "NotoSansCJKsc-Regular-fallback.otf")), 12)
    assert all(raw.supportsCharacter(ord(c)) for c in cjk)
