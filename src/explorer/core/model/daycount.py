"""Calendar arithmetic for any year explorer can hold, BCE included, in whole days (Qt-free, no ``datetime``).

Years are counted as historians count them: **there is no year 0**, 1 BCE (written ``-1``) is followed by
1 CE (``1``), so ``-500`` is 500 BCE. ISO 8601 and JavaScript count astronomically instead (year 0 is 1 BCE,
-1 is 2 BCE); ``astronomical`` and ``historical`` convert between the two. The calendar is the proleptic
Gregorian one (as ISO 8601's), its leap years taken from the astronomical year: 1 BCE (astronomical 0),
5 BCE (-4), 401 BCE (-400) are leap years; 4 BCE is not.

Positions on the timeline are POSIX seconds (UTC): ``to_seconds`` and ``from_seconds`` convert with
Howard Hinnant's days-from-civil algorithm, exact for any year (Python's ``datetime`` stops at year 1).
"""

from __future__ import annotations

#: the years a date can have (no year 0)
MIN_YEAR, MAX_YEAR = -9999, 9999
DAY_S = 86400

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MONTH_ABBR = tuple(m[:3] for m in MONTHS)
WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

NO_YEAR_ZERO = "there is no year 0 (1 BCE, written -0001, is followed by 1 CE, 0001)"


def astronomical(year: int) -> int:
    """The astronomical (ISO 8601) number of a historical year: 1 BCE (-1) is 0, 500 BCE is -499."""
    if year == 0:
        raise ValueError(NO_YEAR_ZERO)
    return year + 1 if year < 0 else year


def historical(astro: int) -> int:
    """The historical number of an astronomical year: 0 is 1 BCE (-1), -499 is 500 BCE."""
    return astro - 1 if astro <= 0 else astro


def is_leap(year: int) -> bool:
    """Whether a (historical) year is a leap year of the proleptic Gregorian calendar."""
    a = year + 1 if year < 0 else year
    return a % 4 == 0 and (a % 100 != 0 or a % 400 == 0)


def month_days(year: int, month: int) -> int:
    """How many days a month of a (historical) year has."""
    if month == 2:
        a = year + 1 if year < 0 else year
        return 29 if a % 4 == 0 and (a % 100 != 0 or a % 400 == 0) else 28
    return _MONTH_DAYS[month - 1]


def days_from_astro(a: int, m: int, d: int) -> int:
    """Days from 1970-01-01 to a day of an astronomical year."""
    a -= m <= 2
    era = a // 400
    yoe = a - era * 400
    doy = (153 * (m - 3 if m > 2 else m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def astro_from_days(z: int) -> tuple[int, int, int]:
    """(astronomical year, month, day) of the day ``z`` days after 1970-01-01."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def days_from_civil(year: int, month: int = 1, day: int = 1) -> int:
    """Days from 1970-01-01 to a day of a historical year (``-500`` is 500 BCE)."""
    return days_from_astro(astronomical(year), month, day)


def civil_from_days(z: int) -> tuple[int, int, int]:
    """(historical year, month, day) of the day ``z`` days after 1970-01-01."""
    a, m, d = astro_from_days(z)
    return (a - 1 if a <= 0 else a), m, d


def to_seconds(year: int, month: int = 1, day: int = 1) -> int:
    """POSIX seconds (UTC) at the start of a day of a historical year."""
    return days_from_civil(year, month, day) * DAY_S


def from_seconds(t: float) -> tuple[int, int, int]:
    """(historical year, month, day) of the day that holds the instant ``t`` (POSIX seconds, UTC)."""
    return civil_from_days(int(t // DAY_S))


def year_of(t: float) -> int:
    """The historical year that holds the instant ``t``."""
    return from_seconds(t)[0]


def weekday(t: float) -> int:
    """The day of the week of the instant ``t``: 0 is Monday (1970-01-01 was a Thursday)."""
    return (int(t // DAY_S) + 3) % 7


def add_years(year: int, n: int) -> int:
    """The historical year ``n`` years after ``year`` (1 BCE + 1 is 1 CE)."""
    return historical(astronomical(year) + n)


def year_start(year: int) -> int:
    """POSIX seconds at 1 January of a historical year."""
    return days_from_civil(year, 1, 1) * DAY_S


def month_start(year: int, month: int) -> int:
    """POSIX seconds at the first of a month of a historical year (a month past 12 rolls into later years)."""
    a = astronomical(year) + (month - 1) // 12
    return days_from_astro(a, (month - 1) % 12 + 1, 1) * DAY_S


def next_month(year: int, month: int) -> tuple[int, int]:
    """The (historical year, month) after a month."""
    return (add_years(year, 1), 1) if month == 12 else (year, month + 1)


def year_text(year: int, era: bool = False) -> str:
    """A year in words: '500 BCE' for BCE years, '2019' for CE ones ('30 CE' when ``era``)."""
    if year < 0:
        return f"{-year} BCE"
    return f"{year} CE" if era else str(year)


def iso_year(year: int) -> str:
    """A year as explorer's corpus files write it: '2019', '0030', '-0500' (500 BCE; no year 0)."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def day_text(t: float, era: bool = False) -> str:
    """'15 Mar 44 BCE', '2 Dec 2019': the day that holds the instant ``t``."""
    y, m, d = from_seconds(t)
    return f"{d} {MONTH_ABBR[m - 1]} {year_text(y, era)}"
