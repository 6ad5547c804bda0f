"""Person names, with the native-script name written beside the romanised one ("Lu Nanquan 陆南泉").

``find_names(text)`` finds

- a romanised name of two or three capitalised words next to a run of another script (CJK, Hangul, kana,
  Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai), in either order, with or without brackets:
  "Lu Nanquan 陆南泉", "Xing Guangcheng 邢广程CASS ...", "陆南泉 Lu Nanquan", "Sergei Sobyanin (Сергей Собянин)";
- names without a native script where the text marks them as people: after a title or office ("Premier Li
  Keqiang", "President Vladimir Putin", "Dr Anna Berg"), and later mentions of a name already found
  ("Lu Nanquan" again, with ``native`` None at that mention).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .spans import SpanSet

__all__ = ["NameMention", "find_names", "TITLES", "NATIVE_RUN"]


@dataclass(frozen=True)
class NameMention:
    start: int
    end: int
    name: str  # the romanised name as written
    native: str | None  # the native-script name written beside it at this mention, or None
    title: str | None = None  # a title or office written just before it ("Premier", "Prime Minister")


# scripts a native name may be written in (no \p{Script} in the stdlib re)
_NATIVE_CHARS = ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\u1100-\u11ff"
                 "\u0400-\u04ff\u0370-\u03ff\u0600-\u06ff\u0590-\u05ff\u0900-\u097f\u0e00-\u0e7f"
                 "\U00020000-\U0002a6df")
NATIVE_RUN = rf"[{_NATIVE_CHARS}](?:[{_NATIVE_CHARS}·・\-]|\s(?=[{_NATIVE_CHARS}]))*"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")

# a capitalised romanised word: "Lu", "Nanquan", "O'Neill", "Jean-Luc", "Ou"; no all-caps acronyms
_WORD = r"[A-Z][a-zà-öø-ÿāēīōūǎěǐǒǔüṭ'’]+(?:-[A-Za-zà-ÿ][a-zà-öø-ÿ'’]+)?"
_ROMAN = rf"{_WORD}(?:\s{_WORD}){{1,2}}"

TITLES = (
    "State Council Premier", "Prime Minister", "Deputy Prime Minister", "Vice Premier", "Foreign Minister",
    "Defence Minister", "Defense Minister", "Finance Minister", "Vice President", "Secretary of State",
    "Secretary-General", "Secretary General", "General Secretary", "Deputy Foreign Minister",
    "Premier", "President", "Chancellor", "Minister", "Ambassador", "Mayor", "Governor", "Senator",
    "Congressman", "Congresswoman", "Chairman", "Chairwoman", "Chair", "Director", "General", "Admiral",
    "Professor", "Prof.", "Prof", "Dr.", "Dr", "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Spokesman",
    "Spokeswoman", "Spokesperson", "King", "Queen", "Prince", "Emperor", "Chief Executive", "Chief",
    "Commissioner", "Envoy", "Special Envoy", "Representative", "Speaker", "Judge", "Justice",
    "presidents", "President-elect", "Leader", "Vice-Minister", "Deputy Director",
)
_TITLE_WORDS = frozenset(w for t in TITLES for w in t.split())
_TITLE = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))

# not names, though capitalised: sentence starters, months, days, and words that begin organisation names
_STOP = frozenset("""
The A An This That These Those It Its In On At For From With By Of And But Or Yet So If When While As
Although Though However Therefore Meanwhile Moreover Furthermore Since Until After Before During Despite
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
University Institute School Centre Center Academy Ministry Council Committee Bank Party Foundation
Russian Chinese American European Soviet Western Eastern Northern Southern Central National International
North South East West New Old Great Greater Upper Lower Belt Road Silk Polar Power Siberia Security
Treaty Act Agreement Summit Organisation Organization Union Forum Games Olympic Olympics Initiative
Republic Kingdom States Federation Sea Ocean River Bridge Pipeline Project Studies Research Affairs
Government Parliament Congress House Senate Court Army Navy Force Forces Department Office Embassy
Relations Strategic Global Trade Economic Foreign Affairs Asia Europe Africa America Pacific Arctic
""".split())

_NAMED_NATIVE_AFTER = re.compile(rf"(?P<name>{_ROMAN})[ \t]*(?:\((?P<n1>{NATIVE_RUN})\)|(?P<n2>{NATIVE_RUN}))")
_NAMED_NATIVE_BEFORE = re.compile(rf"(?P<n>{NATIVE_RUN})[ \t]*\(?(?P<name>{_ROMAN})\)?")
_TITLED = re.compile(rf"\b(?P<title>{_TITLE})\s+(?P<name>{_ROMAN})(?:\s+and\s+(?P<name2>{_ROMAN}))?")
_ROMAN4 = rf"{_WORD}(?:\s{_WORD}){{1,3}}"
# the name in its own spelling with diacritics beside the plain one: "Nguyen Thi Lan (Nguyễn Thị Lan)"
_NAMED_DIACRITICS = re.compile(rf"(?P<name>{_ROMAN4})[ \t]*\((?P<native>[^()\n]{{2,60}})\)")


def _clean(name: str) -> str | None:
    """Drop stop words at the ends of a candidate romanised name; None when fewer than two words remain."""
    words = name.split()
    while words and (words[0] in _STOP or words[0] in _TITLE_WORDS):
        words.pop(0)
    while words and words[-1] in _STOP:
        words.pop()
    if len(words) < 2 or any(w in _STOP for w in words):
        return None
    return " ".join(words)


def _plausible_native(native: str) -> bool:
    """A Chinese, Japanese or Korean personal name is 2 to 4 characters; other scripts: 2 words at most."""
    native = native.strip()
    if _CJK.search(native) or re.search(r"[\uac00-\ud7af]", native):
        return 2 <= len(native.replace(" ", "").replace("·", "")) <= 5
    return 1 <= len(native.split()) <= 3


def find_names(text: str) -> list[NameMention]:
    """Person names in ``text``, in order of position (see the module's docstring)."""
    found: dict[tuple[int, int], NameMention] = {}
    known: dict[str, str | None] = {}

    taken = SpanSet()

    def add(start: int, end: int, name: str, native: str | None, title: str | None = None) -> None:
        # the finders run from the strongest evidence (a native name) to the weakest: the first one keeps a span
        if taken.overlaps(start, end):
            return
        taken.add(start, end)
        found[(start, end)] = NameMention(start, end, name, native, title)
        if native or name not in known:
            known[name] = native or known.get(name)

    for m in _NAMED_NATIVE_AFTER.finditer(text):
        native = (m.group("n1") or m.group("n2")).strip()
        raw = m.group("name")
        name = _clean(raw)
        if not name or not _plausible_native(native):
            continue
        if _CJK.search(native) and len(name.split()) > 2 and len(native) <= 3:
            name = " ".join(name.split()[-2:])  # "veteran Russianist Lu Nanquan 陆南泉": the name is two words
        off = m.start("name") + raw.rindex(name)
        native_end = m.end()
        # "邢广程CASS": the native run ends where the Latin text begins; keep it to a personal name's length
        if _CJK.search(native) and len(native) > 4:
            continue
        add(off, native_end, name, native, _title_before(text, off))
    for m in _NAMED_NATIVE_BEFORE.finditer(text):
        native = m.group("n").strip()
        raw = m.group("name")
        name = _clean(raw)
        if not name or not _plausible_native(native) or (_CJK.search(native) and len(native) > 4):
            continue
        # only where the native name does not already belong to the romanised name before it
        if taken.contains_start(m.start()):
            continue
        add(m.start(), m.start("name") + raw.index(name) + len(name), name, native)
    for m in _NAMED_DIACRITICS.finditer(text):
        raw, native = m.group("name"), m.group("native").strip()
        name = _clean(raw)
        if not name or len(name.split()) > 3 or native == name or _plain(native) != _plain(name):
            continue
        off = m.start("name") + raw.index(name)
        add(off, m.end(), name, native, _title_before(text, off))
    for m in _TITLED.finditer(text):
        for group in ("name", "name2"):
            raw = m.group(group)
            if not raw:
                continue
            name = _clean(raw)
            if not name:
                continue
            off = m.start(group) + raw.index(name)
            if taken.contains_start(off):
                continue
            add(off, off + len(name), name, None, m.group("title"))
    # later mentions of a name already found, native script or not
    if known:
        rx = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(known, key=len, reverse=True)) + r")\b")
        for m in rx.finditer(text):
            if taken.overlaps(m.start(), m.end()):
                continue
            taken.add(m.start(), m.end())
            found[(m.start(), m.end())] = NameMention(m.start(), m.end(), m.group(0), None,
                                                      _title_before(text, m.start()))
    return [found[k] for k in sorted(found)]


def _plain(text: str) -> str:
    import unicodedata
    t = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in t if not unicodedata.combining(ch)).lower()


def _title_before(text: str, start: int) -> str | None:
    m = re.search(rf"\b({_TITLE})\s+$", text[max(0, start - 40):start])
    return m.group(1) if m else None
