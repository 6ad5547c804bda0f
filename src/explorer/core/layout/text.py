"""Text layout without Qt: offsets of a text as Qt counts them, highlight segments of a document, eliding and
wrapping with a width function, excerpts.

Offsets in the model are Python string indices (code points). A ``QTextDocument`` counts UTF-16 code units
and turns "\\r\\n" into one paragraph separator, so the views map offsets both ways with ``OffsetMap``.
Widths come from the caller (a ``QFontMetricsF`` on the Qt side, anything ``str -> float`` in tests).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import numpy as np

ELLIPSIS = "…"

#: roles of the highlight segments of a document, in the order they are painted
PASSAGE = "passage"  # a passage that is evidence for the selection
CURRENT = "current"  # the one of them the reader stepped to
SEARCH = "search"  # a match of the search query


class OffsetMap:
    """Maps Python string offsets (code points) to QTextDocument positions (UTF-16 code units, "\\r\\n" as one
    paragraph separator) and back.

    Characters outside the BMP take two positions in Qt; "\\r\\n" takes one (the paragraph separator).
    For the usual text (BMP only, "\\n" line ends) the map is the identity and costs nothing.
    """

    def __init__(self, text: str):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        # each character takes 2 positions outside the BMP, 1 otherwise, 0 for the "\n" of a "\r\n"
        width = np.where(codes >= 0x10000, 2, 1)
        if len(codes) > 1:
            width[1:][(codes[1:] == 0x0A) & (codes[:-1] == 0x0D)] = 0
        self.identity = bool((width == 1).all())
        self._to_qt: list[int] = []
        if not self.identity:
            self._to_qt = np.concatenate(([0], np.cumsum(width))).tolist()

    def to_qt(self, offset: int) -> int:
        """The Qt position of a Python offset (clamped to the text)."""
        if self.identity:
            return offset
        return self._to_qt[max(0, min(offset, len(self._to_qt) - 1))]

    def to_py(self, position: int) -> int:
        """The Python offset of the character at a Qt position (the second half of a surrogate pair maps to
        its character)."""
        if self.identity:
            return position
        return max(0, bisect.bisect_right(self._to_qt, position) - 1)


class _Span(Protocol):
    document: str
    start: int
    end: int


def highlight_segments(targets: Iterable[_Span], document: str | None, current: _Span | None = None,
                       search_ranges: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
    """(start, end, role) of what to highlight in ``document``, in painting order: the selection's passages
    there (``PASSAGE``) but the ``current`` one, then the current one (``CURRENT``), then the search matches
    (``SEARCH``). Offsets are Python offsets."""
    out = [(p.start, p.end, PASSAGE) for p in targets if p.document == document and p is not current]
    if current is not None and current.document == document:
        out.append((current.start, current.end, CURRENT))
    out.extend((start, end, SEARCH) for start, end in search_ranges)
    return out


def elide_right(text: str, avail: float, width: Callable[[str], float]) -> str:
    """``text`` if it fits in ``avail``, else its longest prefix followed by "…" that fits, else ""."""
    if width(text) <= avail:
        return text
    if width(ELLIPSIS) > avail:
        return ""
    lo, hi = 0, len(text)  # text[:lo] + "…" fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid] + ELLIPSIS) <= avail:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + ELLIPSIS


def wrap_lines(text: str, avail: float, max_lines: int, width: Callable[[str], float],
               elide: Callable[[str, float], str] | None = None) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines of at most ``avail``, the last one elided (with
    ``elide(text, avail)``; default ``elide_right`` with ``width``)."""
    if elide is None:
        def elide(t: str, w: float) -> str:
            return elide_right(t, w, width)
    if width(text) <= avail or max_lines <= 1:
        return [elide(text, avail)]
    words = text.split()
    lines: list[str] = []
    cur = ""
    for i, word in enumerate(words):
        trial = f"{cur} {word}".strip()
        if width(trial) <= avail or not cur:
            cur = trial
            continue
        lines.append(cur)
        if len(lines) == max_lines - 1:
            cur = " ".join(words[i:])
            break
        cur = word
    lines.append(cur)
    return [elide(line, avail) for line in lines[:max_lines]]


def excerpt(text: str, limit: int) -> str:
    """``text`` on one line (runs of white space as one space), cut to ``limit`` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + ELLIPSIS


def quote_context(text: str, start: int, end: int, window: int = 80, keep: int = 70) -> tuple[str, str]:
    """(before, after): the text around ``text[start:end]`` on one line, at most ``keep`` characters of the
    ``window`` on each side, with "…" on the outer side; "" when there is nothing but white space."""
    before = text[max(0, start - window):start]
    after = text[end:end + window]
    before = (ELLIPSIS + " ".join(before.split())[-keep:]) if before.strip() else ""
    after = (" ".join(after.split())[:keep] + ELLIPSIS) if after.strip() else ""
    return before, after


def passage_ranges(passages: Sequence[_Span]) -> list[tuple[int, int]]:
    """(start, end) of passages, in text order, without duplicates."""
    return sorted({(p.start, p.end) for p in passages})
