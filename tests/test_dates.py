"""Date expressions of the genre, resolved against the issue date."""
from __future__ import annotations

from datetime import date

import pytest

from alertdata.extract.dates import find_dates

ISSUE = date(2024, 1, 5)          # a Friday early in January: rollover cases


def only(text, published_on=ISSUE):
    found = find_dates(text, published_on)
    assert len(found) == 1, found
    d = found[0]
    return d.value, d.precision, d.text


@pytest.mark.parametrize("text, value, precision, written", [
    ("On 3 January, troops left.", date(2024, 1, 3), "day", "On 3 January"),
    ("on 3 June 2021 the deal", date(2021, 6, 3), "day", "on 3 June 2021"),
    ("On 3 June, 2021, the deal", date(2021, 6, 3), "day", "On 3 June, 2021"),
    ("On 03 January, x", date(2024, 1, 3), "day", "On 03 January"),
    ("On January 3, 2022, x", date(2022, 1, 3), "day", "On January 3, 2022"),
    ("in March 2020 they", date(2020, 3, 1), "month", "in March 2020"),
    ("in mid-April 2023 they", date(2023, 4, 1), "month", "in mid-April 2023"),
    ("Since October 2022, the", date(2022, 10, 1), "month", "Since October 2022"),
    ("since 2011, war", date(2011, 1, 1), "year", "since 2011"),
    ("IN 2014 a", date(2014, 1, 1), "year", "IN 2014"),
    ("on the night of 12-13 December", date(2023, 12, 12), "day", "on the night of 12-13 December"),
    ("During 5-7 December x", date(2023, 12, 5), "day", "During 5-7 December"),
    ("Last Tuesday (2 January 2024), x", date(2024, 1, 2), "day", "Last Tuesday (2 January 2024)"),
    ("on Monday the army", date(2024, 1, 1), "day", "on Monday"),
    ("last month", date(2023, 12, 1), "month", "last month"),
])
def test_calendar_forms(text, value, precision, written):
    assert only(text) == (value, precision, written)


def test_a_yearless_date_after_the_issue_is_last_year():
    assert only("On 28 December, x")[0] == date(2023, 12, 28)
    assert only("in November, x")[0] == date(2023, 11, 1)


def test_a_date_soon_after_the_issue_stays_in_its_year():
    """Planned events: elections 'scheduled for 20 January' in a 5 January issue."""
    assert only("scheduled for 20 January")[0] == date(2024, 1, 20)


def test_the_written_date_wins_over_a_wrong_weekday():
    value, _, _ = only("On Monday (3 January), x")      # 3 January 2024 was a Wednesday
    assert value == date(2024, 1, 3)


def test_relative_days_count_from_the_last_written_day():
    found = find_dates("On 2 January, X. Two days later, Y. The same day, Z. "
                       "The next day, W.", ISSUE)
    assert [(d.text, d.value) for d in found] == [
        ("On 2 January", date(2024, 1, 2)), ("Two days later", date(2024, 1, 4)),
        ("The same day", date(2024, 1, 4)), ("The next day", date(2024, 1, 5))]


def test_a_range_takes_the_year_of_its_end():
    found = find_dates("Between 28 April and 1 May 2021, fighting", ISSUE)
    assert [d.value for d in found] == [date(2021, 4, 28), date(2021, 5, 1)]


def test_vague_weeks_are_found_but_not_dated():
    (d,) = find_dates("earlier this week, x", ISSUE)
    assert d.value is None and d.precision is None


@pytest.mark.parametrize("text", [
    "Theresa May said", "in the 1990s", "four days of fighting", "killed 2,000 people",
    "a 2021 report",
])
def test_what_is_not_a_date(text):
    assert find_dates(text, ISSUE) == []


def test_a_count_after_a_date_is_not_its_year():
    assert only("On 3 May, 2000 people marched")[0] == date(2023, 5, 3)


def test_without_an_issue_date_only_full_dates_resolve():
    found = find_dates("On 3 May, x. On 4 June 2020, y. In 2019, z.", None)
    assert [d.value for d in found] == [date(2020, 6, 4), date(2019, 1, 1)]


@pytest.mark.parametrize("text, written", [
    ("Fighting in Lebanon 3 May left two dead.", "3 May"),          # not "on 3 May" inside "Lebanon"
    ("Talks in Berlin May 2021 failed.", "May 2021"),               # not "in May 2021" inside "Berlin"
    ("The strike on Tuesday, 4 May, in Darfur.", "on Tuesday, 4 May"),
])
def test_a_lead_word_starts_at_a_word_boundary(text, written):
    (d,) = find_dates(text, ISSUE)
    assert d.text == written and text[d.start:d.end] == written


@pytest.mark.parametrize("text, published_on", [
    ("On Monday, the army said so. Last Thursday it did.", None),     # no issue date
    ("On Monday, the army said so.", date(1, 1, 2)),
    ("On 31 December 9999 they met, and the next day they left; next year, more.", date(9999, 12, 31)),
    ("Next Friday, talks resume.", date(9999, 12, 31)),
])
def test_dates_beyond_the_calendar_stay_unresolved_instead_of_failing(text, published_on):
    """Found by the fuzz tests: a weekday with no issue date (resolved from
    year 1) or a shift past 9999 raised OverflowError and lost the document."""
    found = find_dates(text, published_on)
    assert all(d.value is None or date(1, 1, 1) <= d.value for d in found)
