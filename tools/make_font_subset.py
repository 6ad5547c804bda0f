"""Regenerate resources/fonts/: Noto Sans CJK SC, subset to Latin, punctuation, symbols and every
CJK character in the given corpus folders (default: data/).

    pip install fonttools
    apt-get install fonts-noto-cjk      # provides the source .ttc
    python tools/make_font_subset.py [CORPUS ...]

The result is what the app registers at start-up, so names in native script render as glyphs on
machines without CJK fonts, and exports look the same everywhere.
"""

from __future__ import annotations

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


def corpus_cjk(folders: list[Path]) -> set[int]:
    chars: set[int] = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in {".txt", ".json", ".md"} and path.is_file():
                chars |= {ord(c) for c in path.read_text(encoding="utf-8", errors="ignore") if ord(c) >= 0x2E80}
    return chars


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or [ROOT / "data"]
    unicodes = corpus_cjk(folders)
    for lo, hi in BASE_RANGES:
        unicodes |= set(range(lo, hi + 1))
    out_dir = ROOT / "resources" / "fonts"
    out_dir.mkdir(parents=True, exist_ok=True)
    for style, src in SOURCES.items():
        options = subset.Options()
        options.font_number = SC_INDEX
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(src, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(unicodes))
        subsetter.subset(font)
        target = out_dir / f"NotoSansCJKsc-{style}-subset.otf"
        font.save(str(target))
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KiB")
    print(f"{len(unicodes)} code points, of which CJK from the corpus: "
          f"{''.join(sorted(chr(c) for c in corpus_cjk(folders)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
