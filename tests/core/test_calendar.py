"""The working-day calendar against the chinese-calendar package (an independent source) for
every year it covers, plus the holidays people remember."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.core import calendar
from tongban.core.calendar import WorkingDayCalendar
from tongban.core.errors import CalendarNotCovered, InvalidInput
from tongban.core.services import _package_years

FIRST = min(d.year for d in chinese_calendar.holidays)
LAST = max(d.year for d in chinese_calendar.holidays)
YEARS = range(FIRST, LAST + 1)


@pytest.fixture(scope="module")
def cal() -> WorkingDayCalendar:
    rows = [row for year_rows in _package_years().values() for row in year_rows]
    return WorkingDayCalendar.build(rows, YEARS)


def naive_add(start: date, n: int) -> date:
    """The day-by-day reference: walk forward asking chinese-calendar."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted += 1
    return day


covered_dates = st.dates(min_value=date(FIRST, 1, 1), max_value=date(LAST, 12, 31))


@pytest.mark.parametrize("year", YEARS)
def test_every_day_of_every_covered_year_matches_chinese_calendar(cal, year):
    day = date(year, 1, 1)
    while day.year == year:
        assert cal.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=date(FIRST, 1, 1), max_value=date(LAST, 9, 30)), n=st.integers(0, 60))
def test_add_working_days_matches_a_day_by_day_walk(cal, start, n):
    assert cal.add_working_days(start, n) == naive_add(start, n)


@settings(max_examples=300, deadline=None)
@given(start=covered_dates, end=covered_dates)
def test_working_days_between_counts_the_working_days_in_the_half_open_interval(cal, start, end):
    lo, hi = min(start, end), max(start, end)
    expected = sum(
        1 for k in range(1, (hi - lo).days + 1) if chinese_calendar.is_workday(lo + timedelta(days=k))
    )
    assert cal.working_days_between(start, end) == (expected if end >= start else -expected)


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(FIRST, 1, 1), max_value=date(LAST, 6, 30)), n=st.integers(1, 80))
def test_adding_then_counting_gives_back_n(cal, start, n):
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(FIRST, 1, 1), max_value=date(LAST, 6, 30)),
    pauses=st.lists(st.tuples(st.integers(0, 120), st.integers(0, 30)), max_size=4),
    span=st.integers(0, 150),
)
def test_pauses_remove_exactly_the_paused_working_days(cal, start, pauses, span):
    end = start + timedelta(days=span)
    intervals = [(start + timedelta(days=a), start + timedelta(days=a + length)) for a, length in pauses]
    paused_days = {
        start + timedelta(days=k)
        for k in range(1, span + 1)
        if any(a < start + timedelta(days=k) <= b for a, b in intervals)
    }
    expected = sum(
        1 for k in range(1, span + 1)
        if chinese_calendar.is_workday(start + timedelta(days=k)) and start + timedelta(days=k) not in paused_days
    )
    assert cal.working_days_between(start, end, intervals) == expected


def test_spring_festival_2023_counts_the_weekend_make_up_days(cal):
    # Jan 21-27 off; Saturday Jan 28 and Sunday Jan 29 are working days (调休).
    friday_before = date(2023, 1, 20)
    assert not cal.is_working_day(date(2023, 1, 23))  # a Monday inside the holiday
    assert cal.is_working_day(date(2023, 1, 28))  # a Saturday worked
    assert cal.add_working_days(friday_before, 1) == date(2023, 1, 28)
    assert cal.add_working_days(friday_before, 3) == date(2023, 1, 30)
    assert cal.holiday_name(date(2023, 1, 22)) == "春节"


def test_national_day_2023_with_mid_autumn(cal):
    # Sep 29 - Oct 6 off (with Mid-autumn); Oct 7 and 8 (Sat, Sun) worked.
    assert cal.add_working_days(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert cal.add_working_days(date(2023, 9, 28), 3) == date(2023, 10, 9)
    assert cal.working_days_between(date(2023, 9, 28), date(2023, 10, 9)) == 3


def test_twenty_working_days_across_spring_festival_2024(cal):
    # Feb 10-17 off, Feb 4 (Sun) and Feb 18 (Sun) worked: a case accepted Feb 1 is due Mar 1.
    assert cal.add_working_days(date(2024, 2, 1), 20) == naive_add(date(2024, 2, 1), 20)
    assert cal.is_working_day(date(2024, 2, 18))
    assert not cal.is_working_day(date(2024, 2, 12))


def test_the_start_day_is_not_counted_and_zero_days_is_the_same_day(cal):
    monday = date(2023, 3, 6)
    assert cal.add_working_days(monday, 0) == monday
    assert cal.add_working_days(monday, 1) == date(2023, 3, 7)
    assert cal.add_working_days(date(2023, 3, 10), 1) == date(2023, 3, 13)  # Friday -> Monday


def test_a_year_without_data_is_an_error_never_weekends_only(cal):
    with pytest.raises(CalendarNotCovered) as exc:
        cal.is_working_day(date(LAST + 1, 3, 2))
    assert str(LAST + 1) in str(exc.value.message)
    with pytest.raises(CalendarNotCovered):
        cal.add_working_days(date(LAST, 12, 20), 20)
    with pytest.raises(CalendarNotCovered):
        cal.working_days_between(date(LAST, 12, 1), date(LAST + 1, 1, 10))


def test_a_gap_year_is_not_skipped_silently():
    rows = [r for y in (2022, 2024) for r in _package_years()[y]]
    gappy = WorkingDayCalendar.build(rows, [2022, 2024])
    with pytest.raises(CalendarNotCovered) as exc:
        gappy.add_working_days(date(2022, 12, 20), 30)
    assert "2023" in str(exc.value.message)


def test_negative_days_are_rejected(cal):
    with pytest.raises(InvalidInput):
        cal.add_working_days(date(2023, 5, 5), -1)


def test_the_database_calendar_answers_like_the_package(seeded_calendar):
    assert calendar.add_working_days(date(2023, 1, 20), 3) == date(2023, 1, 30)
    assert calendar.is_working_day(date(2023, 10, 7))
    assert set(seeded_calendar.years) == set(YEARS)
