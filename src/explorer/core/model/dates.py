"""Partial dates: a year, a year and month, or a full day, kept at the precision the source gives.

A ``PartialDate`` covers an interval of time: "2019" covers the whole of 2019, "2020-04" the whole of
April 2020, "2019-12-02" one day. ``start_seconds`` / ``end_seconds`` give that interval in POSIX
seconds (UTC), which is what the timeline's date axis works in.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from functools import total_ordering
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

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
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(
                    f"{_MONTHS[self.month - 1]} {self.year} has no day {self.day} (it has {last} days)")

    @classmethod
    def parse(cls, text: Any) -> "PartialDate":
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

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        if self.day is not None:
            return date(self.year, self.month, self.day)
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def start_seconds(self) -> float:
        """POSIX seconds (UTC) at the start of the covered interval."""
        return float(calendar.timegm(self.first_day().timetuple()))

    @property
    def end_seconds(self) -> float:
        """POSIX seconds (UTC) at the end (exclusive) of the covered interval."""
        return float(calendar.timegm(self.last_day().timetuple()) + 86400)

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def display(self) -> str:
        """Human form that keeps the precision: '2019', 'April 2020', '2 December 2019'."""
        if self.day is not None:
            return f"{self.day} {_MONTHS[self.month - 1]} {self.year}"
        if self.month is not None:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return str(self.year)


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
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        raise ValueError(f'a date is a string in quotes (write "{value}", not {value})')
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    raise ValueError(f"a date is a string ({DATE_FORMS}, e.g. \"1998-08-15\"), not {shown}")


def display_span(start: PartialDate | None, end: PartialDate | None) -> str:
    if start is None:
        return ""
    if end is None or end == start:
        return start.display()
    return f"{start.display()} – {end.display()}"


PartialDateField = Annotated[
    PartialDate,
    BeforeValidator(parse_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _PATTERN.pattern}),
]


# -- what a person types in a date field ------------------------------------------------------------------

_INPUT_FORMS = "2019, 2019-12, 2019-12-02, Dec 2019, 16 September 2019 or September 16, 2019"
_MONTH_WORD = r"([A-Za-z]{3,9})\.?"
_DAY_WORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_INPUT_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^(\d{4})$"), "y"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "ymd"),
    (re.compile(rf"^{_MONTH_WORD},?\s+(\d{{4}})$"), "My"),                       # Dec 2019, December 2019
    (re.compile(rf"^{_DAY_WORD}\s+(?:of\s+)?{_MONTH_WORD},?\s+(\d{{4}})$"), "dMy"),  # 16 Sep 2019
    (re.compile(rf"^{_MONTH_WORD}\s+{_DAY_WORD},?\s+(\d{{4}})$"), "Mdy"),         # September 16, 2019
)


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
    ``September 16, 2019`` (an "in" or "on" before it is ignored). Raises ValueError with a plain message
    for what is not a date, and for an impossible one ('31 June 2019': June 2019 has no day 31)."""
    if not isinstance(text, str):
        raise ValueError(f"a date is text such as {_INPUT_FORMS}")
    t = re.sub(r"\s+", " ", text.strip()).rstrip(".")
    t = re.sub(r"^(?:in|on)\s+", "", t, flags=re.IGNORECASE)
    if not t:
        raise ValueError(f"the date is empty; write it as {_INPUT_FORMS}")
    for pattern, order in _INPUT_PATTERNS:
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
        try:
            d = PartialDate(int(parts["y"]), month, day)
        except ValueError as exc:
            raise ValueError(f"'{text.strip()}' is not a date: {exc}") from None
        return str(d), d.precision
    raise ValueError(f"'{text.strip()}' is not a date; write it as {_INPUT_FORMS}")
