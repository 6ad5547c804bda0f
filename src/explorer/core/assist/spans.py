"""A set of text spans with a quick overlap test (finders claim spans so that one piece of text is one mention)."""

from __future__ import annotations

import bisect


class SpanSet:
    """Spans [start, end) added one by one; ``overlaps`` looks only at spans that start nearby (the spans of
    mentions are short), so a 1 MB text with tens of thousands of mentions stays linear."""

    def __init__(self, spans=(), reach: int = 400):
        self._starts: list[int] = []
        self._ends: list[int] = []
        self.reach = reach
        self.longest = 0
        for s, e in spans:
            self.add(s, e)

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        self.longest = max(self.longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        lo = bisect.bisect_left(self._starts, start - max(self.reach, self.longest))
        hi = bisect.bisect_left(self._starts, end)
        ends = self._ends
        for i in range(lo, hi):
            if ends[i] > start:
                return True
        return False

    def contains_start(self, offset: int) -> bool:
        """Whether ``offset`` falls inside one of the spans."""
        return self.overlaps(offset, offset + 1)
