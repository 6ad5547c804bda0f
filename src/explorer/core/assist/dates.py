"""Date expressions in English text, at the precision the text gives, resolved to partial ISO dates.

``find_dates(text, reference)`` finds

- days: "16 Sep 2019", "2 December 2019", "December 15, 2021", "2019-12-02", "2–4 Dec 2019" (a span);
  "December 15" / "15 December" without a year take it from a year stated earlier in the sentence, or from
  the document's date (``reference``), and are then ``inferred``;
- months: "April 2020", "in June" (year as above), "February last year", "last February", "this March";
  "the first eleven months of 2021" and "the first half of 2020" are month spans;
- years: "in 2017", "the 1988 proposal", "proposed 1988", "early 2020", "the beginning of 2020"; spans
  "2009–19", "2009-2019", "from 2001 to 2021", "between 2001 and 2021"; decades "the 1990s";
- years with their era, BCE included: "500 BCE", "44 BC", "15 March 44 BC", "March 44 B.C.", "from 431 to
  404 BCE", "500 BCE – 30 CE", "AD 79", "79 CE" (historical numbering: ``-0500`` is 500 BCE, no year 0);
- relative years, resolved against ``reference`` and marked inferred: "last year", "early last year",
  "this year", "next year", "two years ago", and "the twentieth anniversary" (of something celebrated in a
  year the sentence states, or the document's year) pointing back to the original year.

An expression that needs the reference to be resolved is left out when there is none. Offsets are Python
``str`` indices (code points), end exclusive. Days of the week ("met on Tuesday"), seasons ("in the
spring") and "last week" are resolved too when the document's date allows.

No library: every piece is a regular expression over a closed vocabulary (month names, ordinals) and the
calendar check is ``core/model/daycount.py``'s (any year, BCE too). dateparser 1.5's ``search_dates`` was tried on the seed texts and does not
earn its 15 MB (with regex, pytz, tzdata, tzlocal, dateutil): 0.8 s per 100 KB (8 s for 1 MB, over the
3 s budget alone), no precision (every date a datetime: "1988" comes back as 1988-12-20), "2009–19" read
as 19 Dec 2009 and "a 15th" as a date, "in February" in a December text put in the February before, and
"early last year" and "the twentieth anniversary" not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import daycount

from .names import NameMention, find_names  # noqa: F401  (re-exported: one import for the forms)
from .sentences import Sentences
from .spans import SpanSet

__all__ = ["DateMention", "find_dates", "NameMention", "find_names", "parse_reference"]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: str  # "2019", "2019-12", "2019-12-02"
    end_date: str | None  # the end of a span, same form; None for a single date
    precision: str  # "year" | "month" | "day"
    inferred: bool  # resolved against the document's date (or a year stated elsewhere in the sentence)
    #: the start offset of the mention that gave this one its year ("in June" after "In 2021"), or None
    year_from: int | None = None


_MONTH_NAMES = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
# capitalised only: "may" and "march" are verbs; "Mar" / "May" without a day or year need a preposition
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)")
_FULL_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
             r"|Jan|Feb|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)")
_ORD_SUFFIX = r"(?:st|nd|rd|th)?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
#: a year of any size with its era after it (BCE or CE)
_ANY_YEAR = r"(?:[1-9]\d{0,3})"
_ERA = r"(?:BCE|B\.C\.E\.|BC|B\.C\.|CE|C\.E\.|AD|A\.D\.)(?![A-Za-z])"

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-fifth": 25, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "seventy-fifth": 75, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
    "centenary": 100, "centennial": 100, "bicentenary": 200, "bicentennial": 200,
}
_NUMBERS = {
    "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100,
}
_ORD_WORD = "|".join(sorted((k for k in _ORDINALS if k not in ("centenary", "centennial", "bicentenary",
                                                                "bicentennial")), key=len, reverse=True))
_NUM_WORD = "|".join(sorted(_NUMBERS, key=len, reverse=True))
_COUNT = rf"(?:\d{{1,2}}|{_NUM_WORD})"

_QUALIFIER = (r"(?:(?:[Ee]arly|[Ll]ate|[Mm]id-?|[Ii]n\s+the\s+middle\s+of|(?:[Aa]t\s+)?[Tt]he\s+(?:beginning|start|end"
              r"|middle|turn|close)\s+of)\s+)")
_NOT_A_YEAR_AFTER = re.compile(
    r"\s*(?:%|per\s*cent|percent|km|kilomet|miles?\b|people|tonnes|tons|barrels|troops|soldiers|students"
    r"|times|units|metres|meters|mw|gw|bcm|kg|votes|members|[a-z]*illion|px\b|pixels|pt\b|dpi|ms\b|[kmg]i?b\b|"
    r"[×x]\s*\d|:\d)", re.I)

_FUTURE = re.compile(r"\b(?:will|shall|is\s+to|are\s+to|is\s+due|are\s+due|(?:is|are)\s+expected|plans?\s+to"
                     r"|planned|scheduled|upcoming|forthcoming|going\s+to|next)\b", re.I)


def parse_reference(reference: str | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of the document's date, any of them None; a reference that does not parse is none."""
    if not reference:
        return (None, None, None)
    m = re.match(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", reference)
    if not m:
        return (None, None, None)
    y, mo, d = m.groups()
    year = int(y)
    month = int(mo) if mo and 1 <= int(mo) <= 12 else None
    day = int(d) if d and month and 1 <= int(d) <= daycount.month_days(year, month) else None
    return (year, month, day)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not (1 <= year <= 9999 or -9999 <= year <= -1):  # BCE years are negative; there is no year 0
        return None
    y = daycount.iso_year(year)
    if month is None:
        return y
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{y}-{month:02d}"
    if not 1 <= day <= daycount.month_days(year, month):
        return None
    return f"{y}-{month:02d}-{day:02d}"


def _signed(year: str, era: str | None) -> int:
    """A year with its era: BCE / BC negative, CE / AD (or none) positive."""
    return -int(year) if era and era.upper().startswith("B") else int(year)


def _month(word: str) -> int:
    return _MONTH_NAMES[word.rstrip(".").lower()]


def _count(word: str) -> int:
    w = word.lower()
    return int(w) if w.isdigit() else _NUMBERS[w]


def _ordinal(word: str) -> int | None:
    w = word.lower()
    m = re.match(r"(\d+)(?:st|nd|rd|th)$", w)
    if m:
        return int(m.group(1))
    return _ORDINALS.get(w)


def _short_year(first: int, second: str) -> int:
    """'2009–19' -> 2019; '1998-2003' -> 2003; '1999–01' -> 2001."""
    if len(second) == 4:
        return int(second)
    century = first - first % 100
    y = century + int(second)
    return y if y >= first else y + 100


# Each pattern: (name, compiled regex). Matches of all patterns are pooled; overlaps go to the longest.
_P = [
    # years with an era (BCE too): "15 March 44 BC", "March 44 BC", "431 to 404 BCE", "500 BCE", "AD 79"
    ("era_dmy", rf"\b(?P<d>{_DAY}){_ORD_SUFFIX}\s+(?:of\s+)?(?P<mon>{_MON}),?\s+(?P<y>{_ANY_YEAR})\s*(?P<era>{_ERA})"),
    ("era_mdy", rf"\b(?P<mon>{_MON})\s+(?P<d>{_DAY}){_ORD_SUFFIX},?\s+(?P<y>{_ANY_YEAR})\s*(?P<era>{_ERA})"),
    ("era_my", rf"\b(?P<mon>{_MON}),?\s+(?:of\s+)?(?P<y>{_ANY_YEAR})\s*(?P<era>{_ERA})"),
    ("era_range", rf"\b(?:[Ff]rom\s+|[Bb]etween\s+)?(?P<y1>{_ANY_YEAR})\s*(?:(?P<era1>{_ERA})\s*)?(?:[–—-]|\s*to\s+"
                  rf"|\s*and\s+|\s*until\s+)\s*(?P<y2>{_ANY_YEAR})\s*(?P<era>{_ERA})"),
    ("era_year", rf"(?:\b{_QUALIFIER})?\b(?P<y>{_ANY_YEAR})\s*(?P<era>{_ERA})"),
    ("ad_year", rf"\b(?P<era>AD|A\.D\.)\s*(?P<y>{_ANY_YEAR})\b(?![.,]\d)"),
    ("iso_day", rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b"),
    ("dmy_range", rf"\b(?P<d1>{_DAY}){_ORD_SUFFIX}\s*(?:[–—-]|to|and|until)\s*(?P<d2>{_DAY}){_ORD_SUFFIX}\s+"
                  rf"(?:of\s+)?(?P<mon>{_MON}),?\s+(?P<y>{_YEAR})\b"),
    ("mdy_range", rf"\b(?P<mon>{_MON})\s+(?P<d1>{_DAY}){_ORD_SUFFIX}\s*(?:[–—-]|to|and|until)\s*(?P<d2>{_DAY})"
                  rf"{_ORD_SUFFIX},?\s+(?P<y>{_YEAR})\b"),
    ("dmy", rf"\b(?P<d>{_DAY}){_ORD_SUFFIX}\s+(?:of\s+)?(?P<mon>{_MON}),?\s+(?P<y>{_YEAR})\b"),
    ("mdy", rf"\b(?P<mon>{_MON})\s+(?P<d>{_DAY}){_ORD_SUFFIX},?\s+(?P<y>{_YEAR})\b"),
    ("my_range", rf"\b(?:[Ff]rom\s+|[Bb]etween\s+)?(?P<mon1>{_MON})\s*(?:[–—-]|to|and|until|through)\s*"
                 rf"(?P<mon2>{_MON}),?\s+(?:of\s+)?(?P<y>{_YEAR})\b"),
    ("my_my_range", rf"\b(?:[Ff]rom\s+|[Bb]etween\s+)?(?P<mon1>{_MON}),?\s+(?P<y1>{_YEAR})\s*(?:[–—-]|to|and"
                    rf"|until|through)\s*(?P<mon2>{_MON}),?\s+(?P<y2>{_YEAR})\b"),
    ("my", rf"\b(?:{_QUALIFIER})?(?P<mon>{_MON}),?\s+(?:of\s+)?(?P<y>{_YEAR})\b"),
    ("m_rel", rf"\b(?:{_QUALIFIER})?(?P<mon>{_FULL_MON})\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b"),
    ("rel_m", rf"\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext)\s+(?P<mon>{_FULL_MON})\b(?!\s+\d)"),
    ("dm", rf"\b(?P<d>{_DAY}){_ORD_SUFFIX}\s+(?:of\s+)?(?P<mon>{_FULL_MON})\b(?![.,]?\s*(?:{_YEAR}|\d))"),
    ("md", rf"\b(?P<mon>{_FULL_MON})\.?\s+(?P<d>{_DAY}){_ORD_SUFFIX}\b(?![.,]?\s*(?:\d|[–—-]))"),
    ("m", rf"(?:\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Dd]uring|[Ff]rom|[Tt]hrough|[Bb]efore|[Aa]fter|[Ee]arly|[Ll]ate"
          rf"|[Mm]id-?|[Ll]ast|[Tt]his|[Nn]ext|[Oo]f|[Tt]ill|[Uu]ntil)\s+)(?P<mon>{_FULL_MON})\b(?!\s*\d)"),
    ("months_of", rf"\b(?:(?P<edge>(?:by\s+|at\s+|until\s+)?the\s+(?:end|close|beginning|start)\s+of)\s+)?(?:[Tt]he\s+)?(?P<which>first|last|final)\s+(?P<n>{_COUNT}|few|several)\s+months\s+of\s+"
                  rf"(?P<y>{_YEAR})\b"),
    ("half_of", rf"\b(?:(?P<edge>(?:by\s+|at\s+|until\s+)?the\s+(?:end|close|beginning|start)\s+of)\s+)?(?:[Tt]he\s+)?(?P<which>first|second|third|fourth|last|final)\s+(?P<part>half|quarter)"
                rf"\s+of\s+(?P<y>{_YEAR})\b"),
    ("q_y", rf"\b(?P<q>Q[1-4])\s+(?P<y>{_YEAR})\b"),
    ("y_range", rf"\b(?:[Ff]rom\s+|[Bb]etween\s+)?(?P<y1>{_YEAR})\s*(?:[–—]|-(?!\d{{2}}-)|\s+to\s+|\s+and\s+"
                rf"|\s+until\s+|\s+till\s+|\s+through\s+)\s*(?P<y2>{_YEAR}|\d\d)\b(?![-–,.]?\d)"),
    ("decade", rf"\b(?:[Tt]he\s+)?(?P<q>(?:early|late|mid-?)\s*)?(?P<y>1[5-9]\d0|20[0-9]0)s\b"),
    ("year", rf"(?:\b(?:{_QUALIFIER}|[Mm]id-))?(?<![\d$€£¥.,/×:])(?<!\d-)(?<![\d][×x])(?<![\d] [×x] )\b(?P<y>{_YEAR})\b(?![.,]\d|-\d|/\d)"),
    ("rel_year", rf"\b(?:{_QUALIFIER})?(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Tt]he\s+previous|[Tt]he\s+past|"
                 rf"[Tt]he\s+following|[Tt]he\s+coming)\s+year\b(?!s)"),
    ("weekday", r"\b(?:[Oo]n|[Ll]ast|[Tt]his|[Nn]ext|[Bb]y|[Ss]ince|[Uu]ntil)\s+(?P<wd>Monday|Tuesday|Wednesday|"
                r"Thursday|Friday|Saturday|Sunday)\b(?![,\s]+(?:\d|[A-Z][a-z]+\s+\d))"),
    ("season", r"\b(?:(?:[Ii]n|[Dd]uring|[Bb]y|[Uu]ntil|[Ss]ince)\s+(?:the\s+)?(?:(?:early|late)\s+)?|(?P<rel>[Ll]ast|"
               r"[Tt]his|[Nn]ext)\s+)(?P<season>spring|summer|autumn|fall|winter)\b(?!\s+(?:of\s+)?\d)"),
    ("week", r"\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Ee]arlier\s+this|[Ll]ater\s+this)\s+(?P<unit>week|month)\b"),
    ("years_ago", rf"\b(?P<n>{_COUNT})\s+years?\s+ago\b"),
    ("anniversary", rf"\b(?:[Tt]he|[Ii]ts|[Aa]n?|[Tt]heir|[Hh]is|[Hh]er)\s+(?P<n>{_ORD_WORD}|\d{{1,3}}(?:st|nd|rd|th))"
                    rf"\s+anniversary\b|\b(?:[Tt]he|[Ii]ts)\s+(?P<c>centenary|centennial|bicentenary|bicentennial)\b"),
]
_PATTERNS = [(name, re.compile(rx, re.I if name in ("months_of", "half_of") else 0)) for name, rx in _P]
_ORDER = {name: i for i, (name, _) in enumerate(_P)}
# patterns whose year comes from elsewhere (the sentence, or the document's date)
_NEEDS_YEAR = {"dm", "md", "m"}
_RELATIVE = {"m_rel", "rel_m", "rel_year", "years_ago", "weekday", "season", "week"}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SEASON_MONTH = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}


@dataclass
class _Raw:
    start: int
    end: int
    name: str
    m: re.Match


# a date expression holds a digit, a month's name or one of these words: the patterns run only on the
# stretches of text around them (a 1 MB text has far fewer than it has sentences)
_TRIGGER = re.compile(r"\d|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Monday|Tuesday|Wednesday|"
                      r"Thursday|Friday|Saturday|Sunday|[Aa]nniversary|[Cc]entenary|[Cc]entennial|[Bb]icentenary|"
                      r"[Bb]icentennial|[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter|ago\b|"
                      r"(?:[Ll]ast|[Tt]his|[Nn]ext|previous|past|following|coming)\s+(?:year|month|week))")
_WINDOW = 120  # characters either side of a trigger: longer than any date expression


def _windows(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _TRIGGER.finditer(text):
        a, b = max(0, m.start() - _WINDOW), min(len(text), m.end() + _WINDOW)
        while a > 0 and not text[a - 1].isspace():  # a window starts between words, never inside one
            a -= 1
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _matches(text: str) -> list[_Raw]:
    raw: list[_Raw] = []
    windows = _windows(text)
    if sum(b - a for a, b in windows) > 0.6 * len(text):
        windows = [(0, len(text))]
    for name, rx in _PATTERNS:
        for a, b in windows:
            for m in rx.finditer(text, a, b):
                if name == "year" and _NOT_A_YEAR_AFTER.match(text, m.end(), m.end() + 14):
                    continue
                raw.append(_Raw(m.start(), m.end(), name, m))
    # longest first, then the earlier pattern; keep what does not overlap what was kept
    raw.sort(key=lambda r: (-(r.end - r.start), _ORDER[r.name], r.start))
    kept: list[_Raw] = []
    taken = SpanSet()
    for r in raw:
        if taken.overlaps(r.start, r.end):
            continue
        kept.append(r)
        taken.add(r.start, r.end)
    kept.sort(key=lambda r: r.start)
    return kept


def _strip_lead(text: str, start: int, end: int) -> int:
    """Skip a leading preposition the pattern swallowed ("in June" -> "June")."""
    m = re.match(r"(?:in|since|until|by|during|from|through|before|after|of|till|on|at)\s+", text[start:end], re.I)
    return start + m.end() if m else start


_PAST = re.compile(r"\b(?:was|were|had|did|came|went|began|met|said|told|took|made|gave|saw|fell|rose|grew|"
                   r"held|led|left|won|lost|sent|set\s+up|[a-z]{2,}ed)\b", re.I)


def _tense(sentence: str) -> str:
    """'future' (will, is to, is expected...), 'past' (a verb in the past tense), or 'present'."""
    if _FUTURE.search(sentence):
        return "future"
    if _PAST.search(sentence):
        return "past"
    return "present"


def _month_year(month: int, ref: tuple[int | None, int | None, int | None], tense: str) -> int | None:
    """The year of a month named without one, from the document's date and the tense of its sentence: in
    the past tense the latest such month up to the document's, otherwise the next one from it on ("the
    tender closes in May" in a March text is this May)."""
    ry, rm, _ = ref
    if ry is None:
        return None
    if rm is None:
        return ry
    if tense == "past":
        return ry if month <= rm else ry - 1
    return ry if month >= rm else ry + 1


def find_dates(text: str, reference: str | None = None, *, sentences: Sentences | None = None) -> list[DateMention]:
    """Every date expression in ``text``, in order of position (see the module's docstring).

    ``sentences``: the text's sentences if the caller has them already."""
    if not text:
        return []
    ref = parse_reference(reference)
    ry = ref[0]
    out: list[DateMention] = []
    # explicit years seen so far in each sentence: sentence index -> [(start, year)]
    years_in: dict[int, list[tuple[int, int]]] = {}

    def sentence_of(offset: int) -> int:
        nonlocal sentences
        if sentences is None:
            sentences = Sentences(text)
        return sentences.index_of(offset)

    def sentence_text(offset: int) -> str:
        sentence_of(offset)
        s0, s1 = sentences.around(offset)
        return text[s0:s1]

    raws = _matches(text)
    # first pass: the years each sentence states (for months without one, and anniversaries)
    for r in raws:
        if r.name in _NEEDS_YEAR or r.name in _RELATIVE or r.name == "anniversary":
            continue
        g = r.m.groupdict()
        y = g.get("y") or g.get("y1")
        if y and len(y) == 4:
            years_in.setdefault(sentence_of(r.start), []).append((r.start, int(y)))

    def governs(anchor: int, offset: int) -> bool:
        """Whether a year written at ``anchor`` dates what is written at ``offset`` in the same sentence: it
        frames the sentence ("In 2021, the leaders met in June") or stands in the same clause ("from
        March 2013 until June"), not in another one ("agreed in mid-2021, but lapsed on Dec. 31")."""
        s0, _ = sentences.around(anchor)
        if re.fullmatch(r"\W*(?:(?:in|by|during|since|from|on|at|for|throughout|through|until|early|late|mid|the|"
                        r"of|back|and|then|year)\W+){0,4}", text[s0:anchor], re.I):
            return True
        a, b = sorted((anchor, offset))
        return not re.search(r"[,;:—]|\s(?:but|while|whereas|although|when|after|before)\s", text[a:b])

    def anchor_year(offset: int, before_only: bool = True) -> tuple[int, int] | None:
        seen = years_in.get(sentence_of(offset), [])
        before = [(s, y) for s, y in seen if s < offset and governs(s, offset)]
        if before:
            return before[-1]
        if not before_only:
            after = [(s, y) for s, y in seen if s > offset and governs(s, offset)]
            if after:
                return after[0]
        return None

    for r in raws:
        g = r.m.groupdict()
        name = r.name
        start, end = r.start, r.end
        date = end_date = None
        precision = "year"
        inferred = False
        year_from = None
        if name == "iso_day":
            date, precision = _iso(int(g["y"]), int(g["m"]), int(g["d"])), "day"
        elif name in ("era_dmy", "era_mdy"):
            date, precision = _iso(_signed(g["y"], g["era"]), _month(g["mon"]), int(g["d"])), "day"
            if date is None:  # "29 February 4 BC": the month stands, the day does not exist
                date, precision = _iso(_signed(g["y"], g["era"]), _month(g["mon"])), "month"
        elif name == "era_my":
            date, precision = _iso(_signed(g["y"], g["era"]), _month(g["mon"])), "month"
        elif name == "era_range":
            y2 = _signed(g["y2"], g["era"])
            y1 = _signed(g["y1"], g["era1"] or g["era"])
            if y2 <= y1:
                continue
            date, end_date = _iso(y1), _iso(y2)
        elif name in ("era_year", "ad_year"):
            date = _iso(_signed(g["y"], g["era"]))
        elif name in ("dmy_range", "mdy_range"):
            y, mo = int(g["y"]), _month(g["mon"])
            date, end_date, precision = _iso(y, mo, int(g["d1"])), _iso(y, mo, int(g["d2"])), "day"
        elif name in ("dmy", "mdy"):
            date, precision = _iso(int(g["y"]), _month(g["mon"]), int(g["d"])), "day"
            if date is None:  # "31 Feb 2019": the month stands, the day does not exist
                date, precision = _iso(int(g["y"]), _month(g["mon"])), "month"
        elif name == "my_range":
            y = int(g["y"])
            date, end_date, precision = _iso(y, _month(g["mon1"])), _iso(y, _month(g["mon2"])), "month"
        elif name == "my_my_range":
            date, precision = _iso(int(g["y1"]), _month(g["mon1"])), "month"
            end_date = _iso(int(g["y2"]), _month(g["mon2"]))
        elif name == "my":
            date, precision = _iso(int(g["y"]), _month(g["mon"])), "month"
        elif name in ("m_rel", "rel_m"):
            if ry is None:
                continue
            rel = g["rel"].lower()
            mo = _month(g["mon"])
            if name == "m_rel":
                y = ry + {"last": -1, "this": 0, "next": 1}[rel]
            elif rel == "this":
                y = ry
            elif rel == "last":  # "last February": the most recent February before the document
                y = ry - 1 if ref[1] is None or mo >= ref[1] else ry
            else:  # "next June": the first June after it
                y = ry + 1 if ref[1] is None or mo <= ref[1] else ry
            date, precision, inferred = _iso(y, mo), "month", True
        elif name in _NEEDS_YEAR:
            mo = _month(g["mon"])
            day = int(g["d"]) if g.get("d") else None
            if name == "m":
                start = _strip_lead(text, start, end)
                if g["mon"] in ("May", "March") and not re.match(r"\s*(?:in|since|until|by|during|from|of|early"
                                                                 r"|late|mid|last|this|next)\b", text[r.start:],
                                                                 re.I):
                    continue
            anchor = anchor_year(start)
            if anchor:
                year_from, y = anchor
                # "in 2021 ... in June": the sentence states the year
            else:
                y = _month_year(mo, ref, _tense(sentence_text(start)))
                if y is None:
                    continue
                inferred = True
            date, precision = _iso(y, mo, day), "day" if day else "month"
        elif name in ("months_of", "half_of", "q_y"):
            y = int(g["y"])
            if name == "months_of":
                n = g["n"].lower()
                if n in ("few", "several"):
                    date, precision = _iso(y), "year"
                else:
                    k = _count(n)
                    if not 1 <= k <= 12:
                        continue
                    first, last = (1, k) if g["which"].lower() == "first" else (13 - k, 12)
                    date, end_date, precision = _iso(y, first), _iso(y, last), "month"
            else:
                if name == "q_y":
                    part, idx = "quarter", int(g["q"][1])
                else:
                    part = g["part"].lower()
                    idx = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 0, "final": 0}[g["which"].lower()]
                size = 6 if part == "half" else 3
                count = 12 // size
                if idx == 0:
                    idx = count
                if idx > count:
                    continue
                date, end_date = _iso(y, (idx - 1) * size + 1), _iso(y, idx * size)
                precision = "month"
            edge = (g.get("edge") or "").split()
            if edge and end_date:
                # "by the end of the first quarter of 2025": its last month; "the start of ...": its first
                date = end_date if edge[-2] in ("end", "close") else date
                end_date = None
        elif name == "y_range":
            y1 = int(g["y1"])
            y2 = _short_year(y1, g["y2"])
            if y2 <= y1 or y2 - y1 > 200:
                continue
            date, end_date = _iso(y1), _iso(y2)
        elif name == "decade":
            y = int(g["y"])
            q = (g.get("q") or "").strip().lower().rstrip("-")
            first, last = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get(q, (0, 9))
            date, end_date = _iso(y + first), _iso(y + last)
        elif name == "year":
            date = _iso(int(g["y"]))
        elif name == "rel_year":
            if ry is None:
                continue
            rel = re.sub(r"\s+", " ", g["rel"].lower())
            delta = {"last": -1, "this": 0, "next": 1, "the previous": -1, "the past": -1,
                     "the following": 1, "the coming": 1}[rel]
            date, inferred = _iso(ry + delta), True
        elif name == "weekday":
            # a day of the week: only against a document dated to the day; the one before it in the past
            # tense ("met on Tuesday"), the one after it otherwise ("will vote on Tuesday")
            if ref[2] is None:
                continue
            import datetime as _dt
            day0 = _dt.date(ry, ref[1], ref[2])
            want = _WEEKDAYS.index(g["wd"].lower())
            lead = r.m.group(0).split()[0].lower()
            tense = "past" if lead == "last" else "future" if lead == "next" else _tense(sentence_text(start))
            if tense == "past":
                delta = -((day0.weekday() - want) % 7 or 7)
            else:
                delta = (want - day0.weekday()) % 7 or 7
            d = day0 + _dt.timedelta(days=delta)
            date, precision, inferred = _iso(d.year, d.month, d.day), "day", True
            start = _strip_lead(text, start, end)
        elif name == "season":
            # a season: its year (seasons straddle months, and winter straddles years)
            if ry is None:
                continue
            rel = (g.get("rel") or "").lower()
            anchor = anchor_year(start)
            if rel == "last":
                y = ry - 1 if ref[1] is None or _SEASON_MONTH[g["season"]] >= ref[1] else ry
            elif rel == "next":
                y = ry + 1 if ref[1] is None or _SEASON_MONTH[g["season"]] <= ref[1] else ry
            elif rel == "this":
                y = ry
            elif anchor:
                year_from, y = anchor
            else:
                y = _month_year(_SEASON_MONTH[g["season"]], ref, _tense(sentence_text(start)))
            date, inferred = _iso(y), year_from is None
            start = _strip_lead(text, start, end)
        elif name == "week":
            # "last week", "this month": the document's month (a week is finer than the reference can say)
            if ry is None or ref[1] is None:
                continue
            rel = g["rel"].lower().split()[-1]
            y, mo = ry, ref[1]
            if g["unit"] == "month":
                mo += {"last": -1, "this": 0, "next": 1}[rel]
                if mo == 0:
                    y, mo = y - 1, 12
                elif mo == 13:
                    y, mo = y + 1, 1
                date, precision = _iso(y, mo), "month"
            elif ref[2] is not None:
                import datetime as _dt
                d = _dt.date(ry, ref[1], ref[2]) + _dt.timedelta(days={"last": -7, "this": 0, "next": 7}[rel])
                date, precision = _iso(d.year, d.month), "month"
            else:
                date, precision = _iso(y, mo), "month"
            inferred = True
        elif name == "years_ago":
            if ry is None:
                continue
            date, inferred = _iso(ry - _count(g["n"])), True
        elif name == "anniversary":
            n = _ordinal(g["n"]) if g.get("n") else _ORDINALS[g["c"].lower()]
            if not n:
                continue
            anchor = anchor_year(start, before_only=False)
            if anchor:
                year_from, base = anchor
            elif ry is not None:
                base = ry
            else:
                continue
            date, inferred = _iso(base - n), True
        if date is None:
            continue
        out.append(DateMention(start, end, text[start:end], date, end_date, precision, inferred, year_from))
    return out
