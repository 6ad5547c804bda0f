"""The timeline's date axis: UTC dates from 9999 BCE to 9999 CE at every zoom (years to millennia, months, days).

pyqtgraph's ``DateAxisItem`` finds its ticks with ``datetime``, which stops at year 1. The steppers here do
the same arithmetic in whole days (``core/model/daycount.py``), so that the same ticks come out for CE
dates and BCE dates get theirs: year ticks at round historical years ('500 BCE', '400 BCE', ...) and, when
the axis crosses the turn of the era, at 1 CE (there is no year 0: 1 BCE is followed by 1 CE).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.DateAxisItem import TickSpec, ZoomLevel
from PySide6.QtGui import QImage, QPainter

from ...core.layout.timeline import (
    CE_START,
    DAY_SPACING,
    DAYS,
    MONTH_SPACING,
    MONTHS_DAYS,
    YEAR_SPACING,
    YEARS_MONTHS,
    tick_strings,
)
from ...core.model import daycount

#: the dates the axis can show: 1 January 9999 BCE to the end of 9999 CE
FIRST_T = float(daycount.year_start(daycount.MIN_YEAR))
LAST_T = float(daycount.year_start(daycount.MAX_YEAR) + 365 * DAY_SPACING - 1)

#: the autoSkip of the year ticks; powers of ten times these reach centuries and millennia
YEAR_SKIPS = [1, 2, 5, 10, 25]


def _outside(val: float) -> bool:
    return not FIRST_T <= val <= LAST_T


def next_year_tick(astro: int, step: int) -> int:
    """The astronomical year of the first year tick after the astronomical year ``astro`` when ticks are
    every ``step`` years: historical years that are multiples of ``step`` (1000 BCE, 500 BCE, 500 CE), and
    1 CE when the step is 5 years or more (the turn of the era has no year 0 to mark)."""
    if step == 1:
        return astro + 1
    best = (max(1, astro // step + 1)) * step  # the next CE multiple
    k = -((astro - 1) // step) - 1  # the largest k with -k * step + 1 > astro (k BCE multiples)
    if k >= 1:
        best = min(best, -k * step + 1)
    if step >= 5 and astro < 1:
        best = min(best, 1)
    return best


def year_stepper(step_size: int):
    """A pyqtgraph stepper to the next year tick (BCE-safe ``makeYStepper``)."""
    def stepper(val, n, first: bool):
        if _outside(val):
            return np.inf
        astro = daycount.astro_from_days(int(val // DAY_SPACING))[0]
        nxt = next_year_tick(astro, n * step_size)
        if nxt > daycount.MAX_YEAR:
            return np.inf
        return float(daycount.days_from_astro(nxt, 1, 1) * DAY_SPACING)
    return stepper


def month_stepper(step_size: int):
    """A pyqtgraph stepper to the month ``n * step_size`` after the one of ``val`` (``makeMStepper``)."""
    def stepper(val, n, first: bool):
        if _outside(val):
            return np.inf
        astro, month, _day = daycount.astro_from_days(int(val // DAY_SPACING))
        base0m = month + n * step_size - 1
        return float(daycount.days_from_astro(astro + base0m // 12, base0m % 12 + 1, 1) * DAY_SPACING)
    return stepper


def day_stepper(step: float):
    """A pyqtgraph stepper in whole days (``makeSStepper`` without its year-1 limit)."""
    def stepper(val, n, first: bool):
        if _outside(val):
            return np.inf
        if first:
            return (val // (n * step) + 1) * (n * step)
        return val + n * step
    return stepper


class TimelineDateAxis(pg.DateAxisItem):
    """A UTC date axis with three zoom levels (years/months, months/days, days) and no hours: the corpus
    knows dates to the day at best. BCE years read '500 BCE' (CE ones '30 CE' when the axis shows both)."""

    def __init__(self, orientation: str = "bottom", **kwargs):
        super().__init__(orientation, utcOffset=0, **kwargs)
        self._year_month = ZoomLevel([TickSpec(YEAR_SPACING, year_stepper(1), "%Y", autoSkip=YEAR_SKIPS),
                                      TickSpec(MONTH_SPACING, month_stepper(1), "%b", autoSkip=[1, 3, 6])],
                                     "YYYY")
        self._month_day = ZoomLevel([TickSpec(MONTH_SPACING, month_stepper(1), "%b %Y"),
                                     TickSpec(DAY_SPACING, day_stepper(DAY_SPACING), "%d",
                                              autoSkip=[1, 2, 5, 10])],
                                    "Sep 2019")
        self._day = ZoomLevel([TickSpec(DAY_SPACING, day_stepper(DAY_SPACING), "%a %d %b", autoSkip=[1, 2, 7])],
                              "Wed 00 Sep")
        self._level_names = {id(self._year_month): YEARS_MONTHS, id(self._month_day): MONTHS_DAYS,
                             id(self._day): DAYS}
        self.zoomLevels = OrderedDict([(np.inf, self._year_month), (5 * DAY_SPACING, self._month_day),
                                       (1.2 * DAY_SPACING, self._day)])
        self.zoomLevel = self._year_month
        self.last_text: list[str] = []

    def tickValues(self, minVal, maxVal, size):
        # a BCE year's label is wider than a CE year's: space the ticks for it
        bce = minVal < CE_START
        self._year_month.exampleText = "0000 BCE" if bce else "YYYY"
        self._month_day.exampleText = "Sep 0000 BCE" if bce else "Sep 2019"
        return super().tickValues(minVal, maxVal, size)

    def tickStrings(self, values, scale, spacing):
        level = getattr(self, "zoomLevel", self._year_month)
        rng = getattr(self, "range", None)
        return tick_strings(values, spacing, self._level_names.get(id(level), ""),
                            (min(rng), max(rng)) if rng is not None else None)

    def linkToView(self, view):
        """Link to a ViewBox with limits at the axis's calendar (pyqtgraph's stop at year 1)."""
        self._linkToView_internal(view)
        if self.orientation in ("right", "left"):
            view.setLimits(yMin=FIRST_T, yMax=LAST_T)
        else:
            view.setLimits(xMin=FIRST_T, xMax=LAST_T)

    def generateDrawSpecs(self, p):
        specs = super().generateDrawSpecs(p)
        if specs is not None:
            self.last_text = [t for _r, _f, t in specs[2]]
        return specs

    def current_ticks(self) -> list[tuple[float, str]]:
        """The (value, text) of the tick labels as the axis draws them now."""
        img = QImage(8, 8, QImage.Format.Format_ARGB32)
        p = QPainter(img)
        try:
            specs = self.generateDrawSpecs(p)
        finally:
            p.end()
        if specs is None:
            return []
        out = []
        # map label centres back to values, snapped to the exact tick values of the current zoom level
        (lo, hi) = self.range
        bounds = self.mapRectFromParent(self.geometry())
        exact = np.array(sorted(v for _spacing, values in self.tickValues(lo, hi, max(bounds.width(), 1.0))
                                for v in values))
        for rect, _flags, text in specs[2]:
            frac = (rect.center().x() - bounds.left()) / max(bounds.width(), 1.0)
            v = lo + frac * (hi - lo)
            if len(exact):
                v = float(exact[int(np.argmin(np.abs(exact - v)))])
            out.append((v, text))
        return out
