"""Sentence and clause boundaries, for the passages of candidates.

A small rule-based splitter (no library: the rules below are what reporting needs, and a 1 MB text splits in
a few tens of milliseconds). A sentence ends at ``. ! ?`` (and the CJK ``。！？``) followed by space and the
start of a new sentence, unless the word before the full stop is an abbreviation or an initial; a blank line
always ends one, and so does a single line break unless the line looks hard-wrapped (a lower-case letter or a
comma before it and a lower-case letter after it). Headlines and list lines are therefore sentences of their
own.
"""

from __future__ import annotations

import bisect
import re

ABBREVIATIONS = frozenset("""
mr mrs ms dr prof st sr jr gen col lt sgt capt cmdr adm maj sen rep gov pres amb rev hon
jan feb mar apr jun jul aug sep sept oct nov dec
no nos vol vols pp p fig figs ed eds inc ltd co corp bros dept est approx ca cf vs etc al
e.g i.e u.s u.k u.n e.u u.s.a a.m p.m
""".split())

_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|[。！？]+[”’」』）]*")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


class Sentences:
    """The sentence spans of a text, with a quick lookup of the sentence around an offset."""

    def __init__(self, text: str):
        self.text = text
        self.spans = split_sentences(text)
        self._starts = [s for s, _ in self.spans]

    def around(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return (0, 0) if not self.spans else self.spans[0]
        return self.spans[i]

    def index_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._starts, offset) - 1)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial rather than a sentence."""
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    return word.lower().rstrip(".") in ABBREVIATIONS


def _line_breaks(text: str, start: int, end: int):
    """Offsets where a line break inside [start, end) ends a sentence."""
    for m in re.finditer(r"\n", text[start:end]):
        i = start + m.start()
        before = text[max(start, i - 40):i].rstrip(" \t")
        after = text[i + 1:min(end, i + 41)].lstrip(" \t")
        if not before or not after:
            yield i
            continue
        b, a = before[-1], after[0]
        if (b.islower() or b in ",;-–(") and a.islower():
            continue  # a hard-wrapped line
        yield i


def split_sentences(text: str) -> list[tuple[int, int]]:
    """The spans (start, end) of the sentences of ``text``, in order, without surrounding space."""
    cuts: list[int] = []
    for m in _END.finditer(text):
        end = m.end()
        mark = m.group(0)
        if mark[0] in ".!?":
            if mark == "." and _is_abbreviation(text, m.start()):
                continue  # "Dec. 15", "Mr. Li", "J. Smith"
            nxt = text[end:end + 4].lstrip()
            if nxt and nxt[0].islower():
                continue
        cuts.append(end)
    cuts.extend(_line_breaks(text, 0, len(text)))
    cuts = sorted(set(cuts))
    spans = []
    prev = 0
    for c in cuts + [len(text)]:
        span = _trim(text, prev, c)
        if span:
            spans.append(span)
        prev = c
    return spans


_CLAUSE = re.compile(r"[,;:()—]|\s[–-]\s")


def clause_around(text: str, start: int, end: int, sentence: tuple[int, int]) -> tuple[int, int]:
    """The clause of ``sentence`` holding [start, end): between the nearest , ; : ( ) — around it."""
    s0, s1 = sentence
    left = s0
    for m in _CLAUSE.finditer(text, s0, start):
        left = m.end()
    m = _CLAUSE.search(text, end, s1)
    right = m.start() if m else s1
    span = _trim(text, left, right)
    return span or (start, end)
