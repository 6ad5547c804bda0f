"""Regenerate resources/fonts/ from Noto Sans CJK SC (the source .ttc of Debian's ``fonts-noto-cjk``):

- ``NotoSansCJKsc-{Regular,Bold}-subset.otf``, family "Noto Sans CJK SC": the application font. Latin,
  punctuation, symbols and every CJK character of the given corpus folders (default: data/). Small, so that
  an SVG export can embed it whole. Run it with your corpus when its names use characters the fallback
  below does not hold (rare hanzi, extension blocks).
- ``NotoSansCJKsc-{Regular,Bold}-fallback.otf``, family "Explorer Noto CJK Fallback" (renamed, so that it
  never stands in for a system's own full Noto Sans CJK): the common characters of every CJK corpus, for
  machines without CJK fonts: GB 2312 (all 7,445 characters, 6,763 hanzi), the kanji of JIS X 0208, the
  Big5 level-1 (common traditional) hanzi, hiragana, katakana and their extensions, the Hangul
  compatibility jamo and all 11,172 Hangul syllables. No hinting and no layout features (the application
  font draws Latin and punctuation; antialiased CJK needs no hints): about 3.5 MiB per weight, within the
  budget of 4 MiB per weight that tests/test_fonts.py holds it to.

    pip install fonttools
    apt-get install fonts-noto-cjk      # provides the source .ttc
    python tools/make_font_subset.py [CORPUS ...]            # both
    python tools/make_font_subset.py --only subset CORPUS    # only the application font's subset
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "Regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "Bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
SC_INDEX = 2  # Noto Sans CJK SC inside the collection
BASE_RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x2010, 0x205E), (0x2190, 0x21FF), (0x2200, 0x2212),
               (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF01, 0xFF5E)]
FALLBACK_FAMILY = "Explorer Noto CJK Fallback"
#: kana (hiragana, katakana, phonetic extensions, half-width), Hangul compatibility jamo and syllables
FALLBACK_RANGES = [(0x3000, 0x303F), (0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF01, 0xFF9F), (0x3130, 0x318F),
                   (0xAC00, 0xD7A3)]


def _decoded(codec: str, leads: range, trails) -> set[int]:
    out: set[int] = set()
    for lead in leads:
        for trail in trails:
            try:
                out |= {ord(c) for c in bytes([lead, trail]).decode(codec)}
            except UnicodeDecodeError:
                pass
    return out


def gb2312() -> set[int]:
    """Every character of GB 2312 (EUC-CN, rows 1-87)."""
    return _decoded("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))


def jis_x_0208_kanji() -> set[int]:
    """The kanji of JIS X 0208 (levels 1 and 2, EUC-JP rows 16-84)."""
    return {c for c in _decoded("euc_jp", range(0xB0, 0xF5), range(0xA1, 0xFF)) if 0x4E00 <= c <= 0x9FFF}


def big5_level1() -> set[int]:
    """The common traditional hanzi of Big5 (level 1, 0xA440-0xC67E)."""
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    return {c for c in _decoded("big5", range(0xA4, 0xC7), trails) if 0x4E00 <= c <= 0x9FFF}


def fallback_unicodes() -> set[int]:
    unicodes = gb2312() | jis_x_0208_kanji() | big5_level1()
    for lo, hi in FALLBACK_RANGES:
        unicodes |= set(range(lo, hi + 1))
    return unicodes


def corpus_cjk(folders: list[Path]) -> set[int]:
    chars: set[int] = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in {".txt", ".json", ".md"} and path.is_file():
                chars |= {ord(c) for c in path.read_text(encoding="utf-8", errors="ignore") if ord(c) >= 0x2E80}
    return chars


def rename(font, family: str, style: str) -> None:
    """Give a subset its own family name (name table and CFF), so it never passes for the whole font."""
    ps = f"{family.replace(' ', '')}-{style}"
    full = f"{family} {style}" if style != "Regular" else family
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=record.nameID)
    for name_id, value in ((1, family), (2, style), (3, f"{ps};explorer"), (4, full), (6, ps), (16, family),
                           (17, style)):
        name.setName(value, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [ps]
    top = cff.topDictIndex[0]
    top.FamilyName, top.FullName = family, full


def build(style: str, unicodes: set[int], target: Path, fallback: bool) -> None:
    options = subset.Options()
    options.font_number = SC_INDEX
    options.name_IDs = ["*"]
    options.notdef_outline = True
    if fallback:
        options.layout_features = []
        options.hinting = False
    else:
        options.layout_features = ["*"]
    font = subset.load_font(SOURCES[style], options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    if fallback:
        rename(font, FALLBACK_FAMILY, style)
    font.save(str(target))
    print(f"{target.relative_to(ROOT)}: {len(unicodes)} code points, {target.stat().st_size / 1024:,.0f} KiB")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path, help="corpus folders (default: data/)")
    parser.add_argument("--only", choices=("subset", "fallback"), help="build one kind of file only")
    args = parser.parse_args(argv)
    folders = args.corpora or [ROOT / "data"]
    out_dir = ROOT / "resources" / "fonts"
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.only != "fallback":
        unicodes = corpus_cjk(folders)
        for lo, hi in BASE_RANGES:
            unicodes |= set(range(lo, hi + 1))
        for style in SOURCES:
            build(style, unicodes, out_dir / f"NotoSansCJKsc-{style}-subset.otf", fallback=False)
        print(f"CJK from the corpus: {''.join(sorted(chr(c) for c in corpus_cjk(folders)))}")
    if args.only != "subset":
        unicodes = fallback_unicodes()
        for style in SOURCES:
            build(style, unicodes, out_dir / f"NotoSansCJKsc-{style}-fallback.otf", fallback=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
