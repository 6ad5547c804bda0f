"""BCE years end to end in the Qt-free core: historical numbering (no year 0; -500 is 500 BCE), the proleptic
Gregorian calendar with leap years by the astronomical year, text forms, display, order, and POSIX seconds for
any year without ``datetime`` (which stops at year 1)."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core.model import daycount
from explorer.core.model.dates import PartialDate, Precision, display_span, parse_date_input, parse_partial_date

years = st.integers(-9999, 9999).filter(bool)


def test_bce_text_form_round_trips():
    for text, shown in (("-0500", "500 BCE"), ("-0500-03", "March 500 BCE"), ("-0500-03-15", "15 March 500 BCE"),
                        ("-0044-03-15", "15 March 44 BCE"), ("-0001", "1 BCE"), ("-9999", "9999 BCE")):
        d = PartialDate.parse(text)
        assert d.year < 0 and str(d) == text and d.display() == shown
    assert PartialDate.parse("-0500").precision is Precision.YEAR
    assert PartialDate.parse("-0500-03-15").precision is Precision.DAY
    assert str(PartialDate(-5)) == "-0005" and str(PartialDate(30)) == "0030"


def test_year_zero_is_refused_in_words():
    for bad in ("0000", "-0000", "0000-03"):
        with pytest.raises(ValueError, match="there is no year 0"):
            parse_partial_date(bad)
    with pytest.raises(ValueError, match="there is no year 0"):
        PartialDate(0)
    with pytest.raises(ValueError, match=r"out of range \(9999 BCE to 9999 CE"):
        PartialDate(-10000)
    with pytest.raises(ValueError, match="is not a date"):
        parse_partial_date("-13800000000")


def test_order_puts_500_bce_before_258_bce_before_1_ce():
    dates = [PartialDate(30), PartialDate(1), PartialDate(-1), PartialDate(-258), PartialDate(-500, 3),
             PartialDate(-500)]
    assert [str(d) for d in sorted(dates)] == ["-0500", "-0500-03", "-0258", "-0001", "0001", "0030"]
    starts = [d.start_seconds for d in sorted(dates)]
    assert starts == sorted(starts)


def test_1_bce_is_followed_by_1_ce():
    assert PartialDate(-1).end_seconds == PartialDate(1).start_seconds
    assert PartialDate(-1, 12, 31).end_seconds == PartialDate(1, 1, 1).start_seconds
    assert daycount.add_years(-1, 1) == 1 and daycount.add_years(1, -1) == -1
    assert daycount.add_years(-500, 500) == 1


def test_leap_years_by_the_astronomical_year():
    # 1 BCE is astronomical 0, 5 BCE -4, 401 BCE -400: leap; 4 BCE (-3) and 101 BCE (-100) are not
    for leap in (-1, -5, -401, -45):
        assert daycount.is_leap(leap) and PartialDate(leap, 2, 29).day == 29
        assert PartialDate(leap).end_seconds - PartialDate(leap).start_seconds == 366 * 86400
    for common in (-4, -101, -2):
        assert not daycount.is_leap(common)
        with pytest.raises(ValueError, match=f"February {-common} BCE has no day 29"):
            PartialDate(common, 2, 29)


def test_seconds_match_the_standard_library_where_it_reaches():
    for y, m, d in ((1970, 1, 1), (2019, 12, 2), (1, 1, 1), (1600, 2, 29), (9999, 12, 31), (1969, 12, 31)):
        t = calendar.timegm(date(y, m, d).timetuple())
        assert PartialDate(y, m, d).start_seconds == t
        assert daycount.from_seconds(t) == (y, m, d) and daycount.from_seconds(t + 86399) == (y, m, d)
    # 1 January 1 CE is 719162 days before the epoch; 31 December 1 BCE the day before
    assert PartialDate(1).start_seconds == -719162 * 86400
    assert daycount.from_seconds(-719163 * 86400) == (-1, 12, 31)
    # the weekday carries on without a gap: 1 January 1 CE was a Monday, 31 December 1 BCE a Sunday
    assert daycount.weekday(PartialDate(1).start_seconds) == 0
    assert daycount.weekday(PartialDate(-1, 12, 31).start_seconds) == 6


@given(years, st.integers(1, 12), st.integers(1, 31))
def test_seconds_round_trip_for_any_day(year, month, day):
    day = min(day, daycount.month_days(year, month))
    d = PartialDate(year, month, day)
    assert daycount.from_seconds(d.start_seconds) == (year, month, day)
    assert d.end_seconds - d.start_seconds == 86400
    assert PartialDate.parse(str(d)) == d


@given(years)
def test_a_year_covers_its_days(year):
    d = PartialDate(year)
    assert (d.end_seconds - d.start_seconds) // 86400 == (366 if daycount.is_leap(year) else 365)
    assert daycount.from_seconds(d.end_seconds - 1) == (year, 12, 31)
    assert daycount.from_seconds(d.end_seconds) == (daycount.add_years(year, 1), 1, 1) or year == 9999


def test_spans_name_the_era_once_or_both_when_crossing():
    assert display_span(PartialDate(-500), PartialDate(-258)) == "500 – 258 BCE"
    assert display_span(PartialDate(-500, 3), PartialDate(-258)) == "March 500 – 258 BCE"
    assert display_span(PartialDate(-500), PartialDate(30)) == "500 BCE – 30 CE"
    assert display_span(PartialDate(1990), PartialDate(2001)) == "1990 – 2001"
    assert display_span(PartialDate(-44, 3, 15), None) == "15 March 44 BCE"


@pytest.mark.parametrize("typed, iso", [
    ("500 BC", "-0500"), ("500 BCE", "-0500"), ("44 BC", "-0044"), ("44 B.C.", "-0044"), ("44 bce", "-0044"),
    ("March 44 BC", "-0044-03"), ("15 March 44 BCE", "-0044-03-15"), ("March 15, 44 BC", "-0044-03-15"),
    ("-500", "-0500"), ("-0500-03-15", "-0500-03-15"), ("1 BCE", "-0001"),
    ("AD 30", "0030"), ("30 CE", "0030"), ("A.D. 1066", "1066"), ("2019", "2019"), ("Dec 2019", "2019-12"),
])
def test_typed_dates_with_an_era(typed, iso):
    assert parse_date_input(typed)[0] == iso


def test_typed_dates_refused_in_words():
    with pytest.raises(ValueError, match="there is no year 0"):
        parse_date_input("0 BC")
    with pytest.raises(ValueError, match="February 4 BCE has no day 29"):
        parse_date_input("29 Feb 4 BC")
    with pytest.raises(ValueError, match="is not a date"):
        parse_date_input("500 BC BC")


def test_common_forms_parse_fast_and_the_same():
    # the fast paths (YYYY-MM-DD, YYYY) give what the general path gives, and refuse what it refuses
    for text in ("2019-12-02", "2019", "0030", "1999-02-28"):
        assert str(PartialDate.parse(text)) == text
    for bad in ("2019-02-30", "2019-1a-02", "0000", "+019-01-02"):
        with pytest.raises(ValueError):
            PartialDate.parse(bad)


@given(years, st.integers(1, 12), st.integers(1, 28))
def test_day_count_agrees_with_numpy_astronomical_dates(year, month, day):
    """numpy's datetime64 counts ISO 8601 (astronomical) years: 500 BCE is its year -499."""
    import numpy as np

    astro = year + 1 if year < 0 else year
    sign = "-" if astro < 0 else ""
    iso = f"{sign}{abs(astro):04d}-{month:02d}-{day:02d}"
    expected = int(np.datetime64(iso, "D").astype(np.int64))
    assert daycount.days_from_civil(year, month, day) == expected
    assert PartialDate(year, month, day).start_seconds == expected * 86400


def test_the_index_places_bce_events_like_their_dates():
    """The event table keeps historical years; the index's vectorised seconds convert them (-500 is
    astronomical -499) and a BCE end still counts as an end (the old ``ey > 0`` test dropped it)."""
    from pathlib import Path

    from explorer.core.corpus import Corpus
    from explorer.core.index import CorpusIndex
    from explorer.core.model.types import CorpusInfo, Event, Theme

    spans = [(PartialDate(-500), PartialDate(-258)), (PartialDate(-44, 3, 15), None), (PartialDate(-1), PartialDate(1)),
             (PartialDate(30), None)]
    events = [Event.model_construct(id=f"ev-{i}", title=f"e{i}", summary="", start=s, end=e, inferred=False,
                                    date_text=None, themes=["th"], actors=[], experts=[], passages=[],
                                    conflict=None)
              for i, (s, e) in enumerate(spans)]
    corpus = Corpus(root=Path("."), info=CorpusInfo(title="t"), themes=[Theme(id="th", name="Antiquity")],
                    events=events)
    index = CorpusIndex(corpus)
    assert [e.id for e in index.events] == ["ev-0", "ev-1", "ev-2", "ev-3"]
    for i, (s, e) in enumerate(spans):
        assert index.ev_start[i] == s.start_seconds
        assert index.ev_end[i] == (e or s).end_seconds


def test_axis_tick_texts_for_bce_years_months_and_days():
    from explorer.core.layout.timeline import (DAY_SPACING, DAYS, MONTH_SPACING, MONTHS_DAYS, YEAR_SPACING,
                                               YEARS_MONTHS, tick_strings)

    years_ = [PartialDate(y).start_seconds for y in (-500, -400, -100, 1, 100)]
    assert tick_strings(years_, YEAR_SPACING, YEARS_MONTHS) == ["500 BCE", "400 BCE", "100 BCE", "1 CE", "100 CE"]
    ce = [PartialDate(y).start_seconds for y in (1990, 2000)]
    assert tick_strings(ce, YEAR_SPACING, YEARS_MONTHS) == ["1990", "2000"]  # CE alone: plain years
    months = [PartialDate(-44, m).start_seconds for m in (3, 4)]
    rng = (PartialDate(-44, 2).start_seconds, PartialDate(-44, 6).start_seconds)
    assert tick_strings(months, MONTH_SPACING, YEARS_MONTHS, rng) == ["Mar 44 BCE", "Apr"]
    assert tick_strings(months, MONTH_SPACING, MONTHS_DAYS) == ["Mar 44 BCE", "Apr 44 BCE"]
    days = [PartialDate(-44, 3, d).start_seconds for d in (15, 16)]
    # 15 March 44 BCE (proleptic Gregorian, astronomical -43) was a Friday
    assert tick_strings(days, DAY_SPACING, DAYS) == ["Fri 15 Mar", "Sat 16 Mar"]


def test_the_reading_assistant_finds_years_with_their_era():
    from explorer.core.assist.dates import find_dates

    text = ("A colony was founded about 500 BCE. Marathon was fought in September 490 BCE. The war lasted from "
            "431 to 404 BCE. Caesar died on 15 March 44 BC. Augustus died on August 19, 14 AD. A census ran from "
            "2 BCE to 2 CE. Vesuvius erupted in AD 79. The bridge opened in 2019.")
    found = [(m.text, m.date, m.end_date, m.precision) for m in find_dates(text, "2020")]
    assert found == [
        ("500 BCE", "-0500", None, "year"), ("September 490 BCE", "-0490-09", None, "month"),
        ("from 431 to 404 BCE", "-0431", "-0404", "year"), ("15 March 44 BC", "-0044-03-15", None, "day"),
        ("August 19, 14 AD", "0014-08-19", None, "day"), ("from 2 BCE to 2 CE", "-0002", "0002", "year"),
        ("AD 79", "0079", None, "year"), ("2019", "2019", None, "year")]
    assert all(PartialDate.parse(d) for _t, d, _e, _p in found)
    assert find_dates("It cost 500 CEOs their jobs.") == []
    leap = find_dates("29 February 5 BC is a day, 29 February 4 BC is not (4 BCE is no leap year).")
    assert [(m.date, m.precision) for m in leap][:2] == [("-0005-02-29", "day"), ("-0004-02", "month")]


@pytest.mark.parametrize("written, example", [("-500", "-0500"), ("500 BC", "-0500"), ("March 44 BCE", "-0044-03"),
                                              ("-0500-3", "-0500-03"), ("AD 30", "0030")])
def test_a_bce_date_written_loosely_gets_its_notation_as_the_example(written, example):
    with pytest.raises(ValueError) as info:
        parse_partial_date(written)
    assert str(info.value) == f"'{written}' is not a date (write dates as YYYY, YYYY-MM or YYYY-MM-DD, e.g. {example})"
