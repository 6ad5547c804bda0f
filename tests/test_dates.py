import calendar
from datetime import datetime, timezone

import pytest

from explorer.core.model import PartialDate, Precision, display_span


@pytest.mark.parametrize("text, precision", [("1988", Precision.YEAR), ("2020-04", Precision.MONTH),
                                             ("2019-12-02", Precision.DAY)])
def test_parse_keeps_precision_and_round_trips(text, precision):
    d = PartialDate.parse(text)
    assert d.precision == precision
    assert str(d) == text


@pytest.mark.parametrize("bad", ["2019-02-30", "2021-13", "2019-00", "19", "2019/12/02", "Dec 2019", "", 2019,
                                 "2019-12-2", "2019-02-29"])
def test_impossible_or_malformed_dates_are_rejected(bad):
    with pytest.raises(ValueError):
        PartialDate.parse(bad)


def test_leap_day_accepted():
    assert PartialDate.parse("2020-02-29").day == 29


def test_intervals_cover_the_precision_in_utc():
    year = PartialDate.parse("1988")
    assert year.start_seconds == calendar.timegm((1988, 1, 1, 0, 0, 0))
    assert year.end_seconds == calendar.timegm((1989, 1, 1, 0, 0, 0))
    month = PartialDate.parse("2020-02")
    assert month.end_seconds - month.start_seconds == 29 * 86400
    day = PartialDate.parse("2019-12-02")
    assert datetime.fromtimestamp(day.start_seconds, tz=timezone.utc).date().isoformat() == "2019-12-02"
    assert day.end_seconds - day.start_seconds == 86400


def test_display_is_honest_about_precision():
    assert PartialDate.parse("2019").display() == "2019"
    assert PartialDate.parse("2020-04").display() == "April 2020"
    assert PartialDate.parse("2019-12-02").display() == "2 December 2019"
    assert display_span(PartialDate.parse("2009"), PartialDate.parse("2019")) == "2009 – 2019"


def test_ordering():
    assert PartialDate.parse("2019") < PartialDate.parse("2019-01") < PartialDate.parse("2019-01-02")


# -- parse_date_input: what a person types in a date field ------------------------------------------------

from explorer.core.model.dates import parse_date_input  # noqa: E402


@pytest.mark.parametrize("text, iso, precision", [
    ("2019", "2019", Precision.YEAR), ("in 2017", "2017", Precision.YEAR),
    ("2019-12", "2019-12", Precision.MONTH), ("Dec 2019", "2019-12", Precision.MONTH),
    ("December 2019", "2019-12", Precision.MONTH), ("december, 2019", "2019-12", Precision.MONTH),
    ("2019-12-02", "2019-12-02", Precision.DAY), ("2019/12/2", "2019-12-02", Precision.DAY),
    ("16 September 2019", "2019-09-16", Precision.DAY), ("16 Sep 2019", "2019-09-16", Precision.DAY),
    ("16th of September 2019", "2019-09-16", Precision.DAY), ("September 16, 2019", "2019-09-16", Precision.DAY),
    ("Sept. 3, 2020", "2020-09-03", Precision.DAY), ("  on 29 February 2020 ", "2020-02-29", Precision.DAY),
])
def test_typed_dates_are_read_at_the_precision_written(text, iso, precision):
    assert parse_date_input(text) == (iso, precision)


@pytest.mark.parametrize("text, words", [
    ("2019-02-30", "February 2019 has no day 30"), ("31 June 2019", "June 2019 has no day 31"),
    ("29 Feb 2019", "February 2019 has no day 29"), ("2019-13", "month 13 does not exist"),
    ("Foo 2019", "'Foo' is not the name of a month"), ("", "the date is empty"),
    ("next Tuesday", "is not a date"), ("12/03/2019", "is not a date"), ("0000", "there is no year 0"),
])
def test_typed_dates_that_are_impossible_or_unreadable_are_refused_in_plain_words(text, words):
    with pytest.raises(ValueError) as info:
        parse_date_input(text)
    assert words in str(info.value)
    assert "Traceback" not in str(info.value) and "\n" not in str(info.value)
