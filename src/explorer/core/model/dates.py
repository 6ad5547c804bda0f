"""Partial dates: a year, a year and month, or a full day, kept at the precision the source gives.

A ``PartialDate`` covers an interval of time: "2019" covers the whole of 2019, "2020-04" the whole of
April 2020, "2019-12-02" one day. ``start_seconds`` / ``end_seconds`` give that interval in POSIX
seconds (UTC), which is what the timeline's date axis works in.

Years run from 9999 BCE to 9999 CE, counted as historians do: **there is no year 0**; ``-500`` (written
``-0500`` in the corpus files) is 500 BCE and 1 BCE (``-0001``) is followed by 1 CE (``0001``). ISO 8601's
expanded years count astronomically (its ``-0500`` would be 501 BCE); explorer does not. The calendar is the
proleptic Gregorian one, leap years by the astronomical year (``core/model/daycount.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from functools import total_ordering
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from .daycount import MAX_YEAR, MIN_YEAR, NO_YEAR_ZERO, days_from_civil, iso_year, month_days, year_text

_new = object.__new__
_PATTERN = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


class Precision(IntEnum):
    YEAR = 1
    MONTH = 2
    DAY = 3


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to year, month or day precision."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        year, month, day = self.year, self.month, self.day
        if not (0 < year <= MAX_YEAR or MIN_YEAR <= year < 0):
            if year == 0:
                raise ValueError(NO_YEAR_ZERO)
            raise ValueError(f"year {year} is out of range (9999 BCE to 9999 CE, -9999 to 9999)")
        if day is not None:
            if month is None:
                raise ValueError("a day needs a month")
            if not 1 <= month <= 12:
                raise ValueError(f"month {month} does not exist")
            if not 1 <= day <= 28:
                last = month_days(year, month)
                if not 1 <= day <= last:
                    raise ValueError(
                        f"{_MONTHS[month - 1]} {year_text(year)} has no day {day} (it has {last} days)")
        elif month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} does not exist")

    @classmethod
    def parse(cls, text: Any) -> "PartialDate":
        # the common form first (the loader parses a date per event): YYYY-MM-DD, ASCII digits
        if type(text) is str and text.isascii():
            n = len(text)
            if n == 10 and text[4] == "-" and text[7] == "-":
                y, mo, d = text[:4], text[5:7], text[8:]
                if y.isdigit() and mo.isdigit() and d.isdigit():
                    year, month, day = int(y), int(mo), int(d)
                    if year and 1 <= month <= 12 and 1 <= day <= 28:  # what __post_init__ checks, holds:
                        made = _new(cls)  # made without the frozen dataclass's three object.__setattr__
                        made.__dict__.update(year=year, month=month, day=day)
                        return made
                    return cls(year, month, day)
            elif n == 4 and text.isdigit():
                return cls(int(text))
        if isinstance(text, PartialDate):
            return text
        if not isinstance(text, str):
            raise ValueError(f"a date must be a string like 2019, 2020-04 or 2019-12-02, not {text!r}")
        m = _PATTERN.match(text.strip())
        if not m:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = m.groups()
        return cls(int(y), int(mo) if mo else None, int(d) if d else None)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def is_bce(self) -> bool:
        return self.year < 0

    def first_day(self) -> date:
        """The first day covered, as a ``datetime.date`` (CE years only: ``date`` stops at year 1)."""
        if self.year < 0:
            raise ValueError(f"{self.display()} is before year 1, which Python's dates cannot hold")
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        """The last day covered, as a ``datetime.date`` (CE years only)."""
        if self.year < 0:
            raise ValueError(f"{self.display()} is before year 1, which Python's dates cannot hold")
        if self.day is not None:
            return date(self.year, self.month, self.day)
        month = self.month or 12
        return date(self.year, month, month_days(self.year, month))

    def first_ymd(self) -> tuple[int, int, int]:
        """(historical year, month, day) of the first day covered."""
        return self.year, self.month or 1, self.day or 1

    def last_ymd(self) -> tuple[int, int, int]:
        """(historical year, month, day) of the last day covered."""
        if self.day is not None:
            return self.year, self.month, self.day
        month = self.month or 12
        return self.year, month, month_days(self.year, month)

    @property
    def start_seconds(self) -> float:
        """POSIX seconds (UTC) at the start of the covered interval."""
        return float(days_from_civil(self.year, self.month or 1, self.day or 1) * 86400)

    @property
    def end_seconds(self) -> float:
        """POSIX seconds (UTC) at the end (exclusive) of the covered interval."""
        return float((days_from_civil(*self.last_ymd()) + 1) * 86400)

    def __str__(self) -> str:
        y = f"{self.year:04d}" if self.year > 0 else iso_year(self.year)
        if self.day is not None:
            return f"{y}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{y}-{self.month:02d}"
        return y

    def display(self, era: bool = False) -> str:
        """Human form that keeps the precision: '2019', 'April 2020', '2 December 2019'; BCE years say so:
        '500 BCE', 'March 44 BCE', '15 March 44 BCE' (CE years say 'CE' only when ``era``)."""
        y = year_text(self.year, era)
        if self.day is not None:
            return f"{self.day} {_MONTHS[self.month - 1]} {y}"
        if self.month is not None:
            return f"{_MONTHS[self.month - 1]} {y}"
        return y


#: how the loader and the model ask for a date, in plain words
DATE_FORMS = "write dates as YYYY, YYYY-MM or YYYY-MM-DD"

_MONTH_NUMBER = {name[:3].lower(): i + 1 for i, name in enumerate(_MONTHS)}
_LOOSE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_WORDY = re.compile(rf"^(?:{_ORDINAL}\s+)?([A-Za-z]{{3,}})\.?,?\s+(?:{_ORDINAL},?\s+)?(\d{{4}})$")


def suggest_date(text: str) -> str | None:
    """The ISO partial date a malformed date text most likely means ('1998-8-15' -> '1998-08-15',
    'August 1998' -> '1998-08'), or None when there is no single likely reading."""
    t = text.strip()
    candidate = None
    if m := _LOOSE_ISO.match(t) or _COMPACT.match(t):
        y, mo, d = m.groups()
        candidate = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    elif m := _DAY_FIRST.match(t):  # 15.08.1998 or 08/15/1998: only when the day cannot be a month
        a, b, y = (int(g) for g in m.groups())
        if a > 12 >= b:
            candidate = f"{y:04d}-{b:02d}-{a:02d}"
        elif b > 12 >= a:
            candidate = f"{y:04d}-{a:02d}-{b:02d}"
    elif m := _WORDY.match(t):
        d1, month, d2, y = m.groups()
        number = _MONTH_NUMBER.get(month[:3].lower())
        if number is not None and not (d1 and d2) and _MONTHS[number - 1].lower().startswith(month.lower()):
            day = d1 or d2
            candidate = f"{y}-{number:02d}" + (f"-{int(day):02d}" if day else "")
    elif _era(t)[1]:  # '-500', '500 BC', 'March 44 BCE': a year BCE (or CE with its era) as a person writes it
        try:
            candidate = parse_date_input(t)[0]
        except ValueError:
            return None
    if candidate is None:
        return None
    try:
        PartialDate.parse(candidate)
    except ValueError:
        return None
    return candidate


def parse_partial_date(value: Any) -> PartialDate:
    """``PartialDate.parse`` for the model's fields: a malformed date gets a message in plain words with
    an example (the likely intended date where there is one). (No cache of parsed dates: long-lived
    objects made in the middle of a load pin the memory of its temporary objects, 120 MB at 100k events.)"""
    try:
        return PartialDate.parse(value)
    except ValueError:
        if isinstance(value, str) and _PATTERN.match(value.strip()):
            raise  # the right form, but an impossible date: its message says why
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(f"the date is empty ({DATE_FORMS}, e.g. 1998-08-15, or leave the field out)")
        example = suggest_date(value) or "1998, 1998-08 or 1998-08-15"
        raise ValueError(f"'{value}' is not a date ({DATE_FORMS}, e.g. {example})")
    if isinstance(value, int) and not isinstance(value, bool) and MIN_YEAR <= value <= MAX_YEAR and value:
        raise ValueError(f'a date is a string in quotes (write "{iso_year(value)}", not {value})')
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    raise ValueError(f"a date is a string ({DATE_FORMS}, e.g. \"1998-08-15\"), not {shown}")


def display_span(start: PartialDate | None, end: PartialDate | None) -> str:
    """'2019 – 2021'; a span within BCE says so once, at its end ('500 – 258 BCE'); one that crosses into
    CE names both eras ('500 BCE – 30 CE')."""
    if start is None:
        return ""
    if end is None or end == start:
        return start.display()
    if start.year < 0 and end.year < 0:
        return f"{start.display()[:-4]} – {end.display()}"
    if start.year < 0 < end.year:
        return f"{start.display()} – {end.display(era=True)}"
    return f"{start.display()} – {end.display()}"


PartialDateField = Annotated[
    PartialDate,
    BeforeValidator(parse_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _PATTERN.pattern}),
]


# -- what a person types in a date field ------------------------------------------------------------------

_INPUT_FORMS = ("2019, 2019-12, 2019-12-02, Dec 2019, 16 September 2019 or September 16, 2019 "
                "(500 BCE, 44 BC, March 44 BC or -500 for years BCE)")
_MONTH_WORD = r"([A-Za-z]{3,9})\.?"
_DAY_WORD = r"(\d{1,2})(?:st|nd|rd|th)?"


def _input_patterns(year: str) -> tuple[tuple[re.Pattern, str], ...]:
    return (
        (re.compile(rf"^{year}$"), "y"),
        (re.compile(rf"^{year}[-/.](\d{{1,2}})$"), "ym"),
        (re.compile(rf"^{year}[-/.](\d{{1,2}})[-/.](\d{{1,2}})$"), "ymd"),
        (re.compile(rf"^{_MONTH_WORD},?\s+{year}$"), "My"),                       # Dec 2019, December 2019
        (re.compile(rf"^{_DAY_WORD}\s+(?:of\s+)?{_MONTH_WORD},?\s+{year}$"), "dMy"),  # 16 Sep 2019
        (re.compile(rf"^{_MONTH_WORD}\s+{_DAY_WORD},?\s+{year}$"), "Mdy"),         # September 16, 2019
    )


#: without an era a year has four digits ('2019', '0030'); with one (or a minus sign), one to four
_INPUT_PATTERNS = _input_patterns(r"(\d{4})")
_ERA_INPUT_PATTERNS = _input_patterns(r"(\d{1,4})")
_ERA_AFTER = re.compile(r"^(.*?\d)\s*(B\.?\s?C\.?(?:\s?E\.?)?|C\.?\s?E\.?|A\.?\s?D\.?)$", re.IGNORECASE)
_ERA_BEFORE = re.compile(r"^(A\.?\s?D\.?)\s*(\S.*)$", re.IGNORECASE)


def _era(t: str) -> tuple[str, int]:
    """The text without its era and the era's sign: -1 for BCE / BC / a leading minus, +1 for CE / AD, 0
    for none."""
    if m := _ERA_AFTER.match(t):
        return m.group(1).strip().rstrip(","), (-1 if m.group(2).upper().startswith("B") else 1)
    if m := _ERA_BEFORE.match(t):
        return m.group(2).strip(), 1
    if t.startswith(("-", "\u2212")) and t[1:2].isdigit():
        return t[1:], -1
    return t, 0


def _month_number(word: str) -> int | None:
    """1-12 for a month's name or its abbreviation ('Dec', 'Sept', 'december'), else None."""
    w = word.lower().rstrip(".")
    for i, name in enumerate(_MONTHS):
        if len(w) >= 3 and name.lower().startswith(w):
            return i + 1
    return None


def parse_date_input(text: str) -> tuple[str, Precision]:
    """A date as a person types it, read at the precision written: ``(iso partial date, precision)``.

    Accepts ``2019``, ``2019-12``, ``2019-12-02`` (and / or . between the parts), ``Dec 2019``,
    ``December 2019``, ``16 September 2019``, ``16 Sep 2019``, ``16th of September 2019`` and
    ``September 16, 2019`` (an "in" or "on" before it is ignored); a year BCE as ``500 BCE``, ``500 BC``,
    ``44 B.C.``, ``March 44 BC``, ``15 March 44 BCE`` or ``-500`` (``-0500-03-15``), and a CE year with its
    era as ``AD 30`` or ``30 CE``. Raises ValueError with a plain message
    for what is not a date, and for an impossible one ('31 June 2019': June 2019 has no day 31)."""
    if not isinstance(text, str):
        raise ValueError(f"a date is text such as {_INPUT_FORMS}")
    t = re.sub(r"\s+", " ", text.strip()).rstrip(".")
    t = re.sub(r"^(?:in|on)\s+", "", t, flags=re.IGNORECASE)
    if not t:
        raise ValueError(f"the date is empty; write it as {_INPUT_FORMS}")
    t, sign = _era(t)
    for pattern, order in (_ERA_INPUT_PATTERNS if sign else _INPUT_PATTERNS):
        m = pattern.match(t)
        if not m:
            continue
        parts = dict(zip(order, m.groups()))
        month: int | None = None
        if "M" in parts:
            month = _month_number(parts["M"])
            if month is None:
                raise ValueError(f"'{text.strip()}': '{parts['M']}' is not the name of a month")
        elif "m" in parts:
            month = int(parts["m"])
        day = int(parts["d"]) if "d" in parts else None
        year = int(parts["y"])
        if year == 0:
            raise ValueError(f"'{text.strip()}' is not a date: {NO_YEAR_ZERO}")
        try:
            d = PartialDate(-year if sign < 0 else year, month, day)
        except ValueError as exc:
            raise ValueError(f"'{text.strip()}' is not a date: {exc}") from None
        return str(d), d.precision
    raise ValueError(f"'{text.strip()}' is not a date; write it as {_INPUT_FORMS}")


def typed_form(iso: str | None) -> str:
    """What a date field shows for a stored date: the ISO form for CE dates ('2019-12-02'), the words for BCE
    ones ('15 March 44 BCE', where '-0044-03-15' would read as a dash and a number); ``parse_date_input``
    reads both back."""
    if not iso:
        return ""
    return PartialDate.parse(iso).display() if iso.startswith("-") else iso


def parse_any_date(text: str) -> PartialDate:
    """A date from the command line or a dialog: explorer's notation (``-0500``, ``2019-12``) or what a date
    field reads (``500 BCE``, ``15 March 44 BC``, ``Dec 2019``); ValueError saying why not."""
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        if isinstance(text, str) and _PATTERN.match(text.strip()):
            raise  # the notation, but an impossible date: its message says why
        try:
            return PartialDate.parse(parse_date_input(text)[0])
        except ValueError as typed:
            raise typed if re.search(r"[A-Za-z]", str(text)) else exc from None
