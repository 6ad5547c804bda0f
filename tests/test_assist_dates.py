"""The reading assistant's date finder: each kind of date expression the issue lists, with its date,
precision and inferred flag; names with and without a native script."""

import pytest

from explorer.core.assist.dates import DateMention, find_dates, find_names


def one(text, reference=None):
    found = find_dates(text, reference)
    assert len(found) == 1, found
    d = found[0]
    assert text[d.start:d.end] == d.text
    return d


@pytest.mark.parametrize("text, expr, date, end_date, precision, inferred, ref", [
    # days
    ("Li hailed the bridge, a first of its kind, 16 Sep 2019, and left.", "16 Sep 2019", "2019-09-16", None, "day", False, None),
    ("The pipeline was launched 2 Dec 2019.", "2 Dec 2019", "2019-12-02", None, "day", False, None),
    ("They met on December 4, 2019 in London.", "December 4, 2019", "2019-12-04", None, "day", False, None),
    ("The file is dated 2019-12-02.", "2019-12-02", "2019-12-02", None, "day", False, None),
    ("A virtual summit between Putin and Xi on December 15.", "December 15", "2021-12-15", None, "day", True, "2021-12"),
    ("Talks were held on 15 December.", "15 December", "2021-12-15", None, "day", True, "2021-12-20"),
    ("Talks were held on 2–4 Dec 2019 in Minsk.", "2–4 Dec 2019", "2019-12-02", "2019-12-04", "day", False, None),
    # months
    ("The bridge is opening April 2020.", "April 2020", "2020-04", None, "month", False, None),
    ("Back in February last year, Russia banned entry.", "February last year", "2020-02", None, "month", True, "2021-12"),
    ("Putin will travel to Beijing in February.", "February", "2022-02", None, "month", True, "2021-12"),
    ("The ban came in February.", "February", "2021-02", None, "month", True, "2021-12"),
    ("Prices rose last March.", "last March", "2021-03", None, "month", True, "2021-12"),
    ("Trade grew in the first eleven months of 2021.", "the first eleven months of 2021", "2021-01", "2021-11", "month", False, None),
    ("Output fell in the first half of 2020.", "the first half of 2020", "2020-01", "2020-06", "month", False, None),
    ("It ran from March to June 2020.", "from March to June 2020", "2020-03", "2020-06", "month", False, None),
    # years
    ("They agreed to develop it jointly in 2017.", "2017", "2017", None, "year", False, None),
    ("The 1988 proposal came to nothing.", "1988", "1988", None, "year", False, None),
    ("Trade declined at the beginning of 2020.", "at the beginning of 2020", "2020", None, "year", False, None),
    ("Growth slowed in early 2015.", "early 2015", "2015", None, "year", False, None),
    # spans
    ("Liu Hui, ambassador to Moscow 2009–19, claimed much.", "2009–19", "2009", "2019", "year", False, None),
    ("The treaty was in force from 2001 to 2021.", "from 2001 to 2021", "2001", "2021", "year", False, None),
    ("Between 1998 and 2003 the two sides met often.", "Between 1998 and 2003", "1998", "2003", "year", False, None),
    ("Relations thawed in the 1990s.", "the 1990s", "1990", "1999", "year", False, None),
    # relative
    ("At the outbreak of the pandemic early last year, there were predictions.", "early last year", "2020", None, "year", True, "2021-12"),
    ("They will set a record this year.", "this year", "2021", None, "year", True, "2021-12"),
    ("The port opens next year.", "next year", "2022", None, "year", True, "2021"),
    ("The line was built two years ago.", "two years ago", "2019", None, "year", True, "2021-12"),
    ("They first agreed in mid-2021 to meet.", "mid-2021", "2021", None, "year", False, None),
    ("Volumes recover by the end of the first quarter of 2025.", "by the end of the first quarter of 2025",
     "2025-03", None, "month", False, None),
    ("The tender closes in May.", "May", "2023-05", None, "month", True, "2023-03"),
    # days of the week, seasons and weeks, against a document dated to the day (Friday 18 November 2022)
    ("Ministers met in Baku on Tuesday to sign it.", "Tuesday", "2022-11-15", None, "day", True, "2022-11-18"),
    ("The Mazhilis will vote on Tuesday.", "Tuesday", "2022-11-22", None, "day", True, "2022-11-18"),
    ("The first ferries will sail in the spring.", "the spring", "2023", None, "year", True, "2022-11-18"),
    ("The minister told reporters last week that it would.", "last week", "2022-11", None, "month", True,
     "2022-11-18"),
])
def test_each_kind_of_date_expression(text, expr, date, end_date, precision, inferred, ref):
    d = one(text, ref)
    assert (d.text, d.date, d.end_date, d.precision, d.inferred) == (expr, date, end_date, precision, inferred)
    assert isinstance(d, DateMention)


def test_a_month_takes_the_year_the_sentence_states_and_is_not_inferred():
    text = ("In 2021, the leaders held a video conference in June to celebrate the twentieth anniversary of "
            "the Treaty, followed by a long phone call to discuss Afghanistan in August.")
    found = find_dates(text, "2021-12")
    got = [(d.text, d.date, d.precision, d.inferred, d.year_from) for d in found]
    assert got == [("2021", "2021", "year", False, None),
                   ("June", "2021-06", "month", False, 3),
                   ("the twentieth anniversary", "2001", "year", True, 3),
                   ("August", "2021-08", "month", False, 3)]


def test_a_year_in_another_clause_does_not_date_a_month():
    text = "They agreed in mid-2021, but the deal lapsed on Dec. 31 when nobody renewed it."
    assert [(d.text, d.date, d.inferred) for d in find_dates(text, "2025-01-08")] == [
        ("mid-2021", "2021", False), ("Dec. 31", "2024-12-31", True)]


def test_the_anniversary_of_something_celebrated_in_the_documents_year():
    d = one("Officials marked the 70th anniversary of the ties.", "2019-10")
    assert (d.date, d.precision, d.inferred) == ("1949", "year", True)


def test_relative_expressions_need_the_documents_date():
    text = "Early last year the talks stalled; in February they resumed, and on 15 December they ended."
    assert find_dates(text, None) == []
    assert [d.date for d in find_dates(text, "2021-12")] == ["2020", "2021-02", "2021-12-15"]


def test_numbers_that_are_not_years():
    text = ("Trade reached $1990 million, 2000 people came, 1995 km of track, 3.2019 was a typo, "
            "and US$750 bn was spent; the 15th iteration met. A 1600×1000 window, 1920 px wide, 1000 x 1600, "
            "at 10:2019 and 1:2000.")
    assert find_dates(text, "2019") == []


def test_may_and_march_as_words_are_not_months():
    assert find_dates("May I ask? March on, they said, and may the best win.", "2020") == []
    assert [d.date for d in find_dates("The vote came in May.", "2020-12")] == ["2020-05"]


def test_a_document_without_dates():
    text = ("Relations between the two countries are less solid than rhetoric suggests. Officially they "
            "have never been closer, but a trust deficit remains.")
    assert find_dates(text, "2021-12") == []
    assert find_dates("", "2021") == []


def test_an_impossible_day_keeps_only_its_month():
    assert find_dates("It happened on 31 Feb 2019, they said.") == [
        DateMention(15, 26, "31 Feb 2019", "2019-02", None, "month", False)]


def test_offsets_are_code_points_after_astral_characters():
    text = "𠀀𠀀 陆南泉 said on 2 Dec 2019 that"
    d = one(text)
    assert text[d.start:d.end] == "2 Dec 2019"


def test_names_with_native_script_beside_them():
    text = ("These are, warns veteran CASS Russianist Lu Nanquan 陆南泉, susceptible to fluctuations. "
            "The pipeline helps, claims Xing Guangcheng 邢广程CASS Institute of Chinese Borderland Studies. "
            "One result, notes Lu Nanquan, is caution. 王鹏 Wang Peng agrees, as does Sergei Sobyanin "
            "(Сергей Собянин).")
    got = [(n.name, n.native, text[n.start:n.end]) for n in find_names(text)]
    assert got == [("Lu Nanquan", "陆南泉", "Lu Nanquan 陆南泉"),
                   ("Xing Guangcheng", "邢广程", "Xing Guangcheng 邢广程"),
                   ("Lu Nanquan", None, "Lu Nanquan"),
                   ("Wang Peng", "王鹏", "王鹏 Wang Peng"),
                   ("Sergei Sobyanin", "Сергей Собянин", "Sergei Sobyanin (Сергей Собянин)")]


def test_names_without_native_script_after_a_title():
    text = "Premier Li Keqiang hailed it. Talks with Prime Minister Mikhail Mishustin followed; Dr Anna Berg spoke."
    got = [(n.name, n.native, n.title) for n in find_names(text)]
    assert got == [("Li Keqiang", None, "Premier"), ("Mikhail Mishustin", None, "Prime Minister"),
                   ("Anna Berg", None, "Dr")]


def test_no_names_in_organisations_and_plain_text():
    assert find_names("The Chinese Academy of Social Sciences 中国社会科学院 and the State Council met.") == []
    assert find_names("") == []
