"""The time range a corpus covers, for the views and exports (Qt-free).

A corpus may declare its range in ``corpus.json`` (``time_range``: two dates, validated in order by the
loader). Without one, the range is the span of its events with a small margin; without events, the span of
its documents' dates; without either, the last ten years. Nothing else leaks in: a corpus of the 1600s gets
the 1600s, not 1988-2022.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .model.dates import PartialDate

DAY_S = 86400.0
MARGIN_SHARE = 0.02  # of the span, each side
MIN_MARGIN = 31 * DAY_S  # at least a month each side (a corpus of one day still shows its month)
#: the calendar the views can show: 9999 BCE to 9999 CE (no year 0)
FIRST_T = PartialDate(-9999).start_seconds
LAST_T = PartialDate(9999).end_seconds - 1.0


def with_margin(lo: float, hi: float) -> tuple[float, float]:
    """[lo, hi] widened by ``MARGIN_SHARE`` of its length (at least ``MIN_MARGIN``) each side, inside
    9999 BCE - 9999 CE."""
    pad = max(MARGIN_SHARE * (hi - lo), MIN_MARGIN)
    return max(lo - pad, FIRST_T), min(hi + pad, LAST_T)


def declared_range(corpus) -> tuple[float, float] | None:
    info = getattr(corpus, "info", None)
    rng = getattr(info, "time_range", None) if info is not None else None
    if not rng:
        return None
    start, end = rng[0].start_seconds, rng[-1].end_seconds
    return (start, end) if end > start else None


def events_span(index) -> tuple[float, float] | None:
    """(first start, last end) of the events of an index, or None without events."""
    if index is None or not len(index.ev_start):
        return None
    return float(index.ev_start.min()), float(index.ev_end.max())


def corpus_range(corpus, index=None) -> tuple[float, float]:
    """The range a corpus shows first: declared, else its events' span with a margin, else its documents'
    dates with a margin, else the last ten years."""
    declared = declared_range(corpus)
    if declared is not None:
        return declared
    span = events_span(index)
    if span is not None:
        return with_margin(*span)
    dates = [d.date for d in getattr(corpus, "documents", None) or () if getattr(d, "date", None) is not None]
    if dates:
        return with_margin(min(d.start_seconds for d in dates), max(d.end_seconds for d in dates))
    year = datetime.now(UTC).year
    return PartialDate(year - 9).start_seconds, PartialDate(year).end_seconds
