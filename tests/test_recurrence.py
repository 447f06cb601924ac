"""Tests for `cchc_tasks.recurrence`: periodic rules without drift, adjustment to working
days, occurrence keys, after-completion chains, and validation that names the field.

The n-th occurrence is computed independently (month arithmetic with the standard
library) and compared with what the rule gives.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_tasks._codec import structure, unstructure
from cchc_tasks.calendar import CalendarOverride, WorkingCalendar, default_calendar
from cchc_tasks.errors import ValidationError
from cchc_tasks.recurrence import (
    Adjust,
    AfterCompletion,
    Occurrence,
    Recurrence,
    after_completion,
    last_working_day_of_month,
    monthly,
    quarterly,
    yearly,
)

D = dt.date
# Wrong on purpose; typed Any so that the checker lets the tests pass them.
ONE_DATE: Any = (D(2025, 2, 1),)
NOT_A_CALENDAR: Any = "VN"


def month_end(year: int, month: int) -> int:
    return stdlib_calendar.monthrange(year, month)[1]


def nth_month(start: dt.date, k: int) -> tuple[int, int]:
    index = start.year * 12 + start.month - 1 + k
    return index // 12, index % 12 + 1


def expected_monthly(day: int, start: dt.date, interval: int = 1) -> Iterator[dt.date]:
    """The day-th of every interval-th month from start's month, clamped to the month's end
    (negative: from the end), skipping a first candidate before start."""
    for k in itertools.count():
        year, month = nth_month(start, k * interval)
        last = month_end(year, month)
        candidate = D(year, month, min(day, last) if day > 0 else last + 1 + day)
        if candidate >= start:
            yield candidate


def dues(recurrence: Recurrence, n: int, **kwargs: Any) -> list[dt.date]:
    return [o.due for o in itertools.islice(recurrence.occurrences(**kwargs), n)]


# --- no drift -------------------------------------------------------------------------------


def test_the_31st_stays_the_31st_for_ten_years() -> None:
    rule = monthly(31, D(2025, 1, 31))
    got = dues(rule, 120)
    assert got[:4] == [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30)]
    assert D(2028, 2, 29) in got
    assert got == list(itertools.islice(expected_monthly(31, D(2025, 1, 31)), 120))


@given(
    day=st.integers(min_value=1, max_value=31) | st.integers(min_value=-28, max_value=-1),
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31)),
    interval=st.integers(min_value=1, max_value=4),
)
def test_monthly_occurrences_match_an_independent_nth_occurrence(
    day: int, start: dt.date, interval: int
) -> None:
    rule = monthly(day, start, interval=interval)
    n = 120 // interval  # ten years
    assert dues(rule, n) == list(itertools.islice(expected_monthly(day, start, interval), n))


def test_monthly_last_day() -> None:
    got = dues(monthly(-1, D(2021, 1, 1)), 120)
    assert got == [D(y, m, month_end(y, m)) for y in range(2021, 2031) for m in range(1, 13)]


def test_quarterly_15th_of_the_quarters_last_month() -> None:
    rule = quarterly(15, D(2021, 1, 1))
    assert rule.rrule == "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=15"
    got = dues(rule, 40)
    assert got == [D(y, m, 15) for y in range(2021, 2031) for m in (3, 6, 9, 12)]


def test_quarterly_does_not_depend_on_the_start_month() -> None:
    for month in range(1, 13):
        start = D(2025, month, 1)
        got = dues(quarterly(15, start), 4)
        assert all(d.month in (3, 6, 9, 12) and d.day == 15 and d >= start for d in got)


def test_quarterly_other_month_and_clamped_day() -> None:
    first_month = dues(quarterly(10, D(2025, 1, 1), month_in_quarter=1), 4)
    assert first_month == [D(2025, 1, 10), D(2025, 4, 10), D(2025, 7, 10), D(2025, 10, 10)]
    last_day = dues(quarterly(31, D(2025, 1, 1)), 4)
    assert last_day == [D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 30), D(2025, 12, 31)]


def test_yearly_and_29_february() -> None:
    assert dues(yearly(12, 31, D(2021, 6, 1)), 3) == [
        D(2021, 12, 31),
        D(2022, 12, 31),
        D(2023, 12, 31),
    ]
    leap = dues(yearly(2, 29, D(2023, 1, 1)), 6)
    assert leap == [D(y, 2, 29 if stdlib_calendar.isleap(y) else 28) for y in range(2023, 2029)]
    assert dues(yearly(2, -1, D(2023, 1, 1)), 2) == [D(2023, 2, 28), D(2024, 2, 29)]


def test_a_written_rrule_with_interval_and_bymonth() -> None:
    # The form from the issue: right when start is in one of the months...
    rule = Recurrence(
        start=D(2025, 3, 1), rrule="FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=15"
    )
    assert dues(rule, 4) == [D(2025, 3, 15), D(2025, 6, 15), D(2025, 9, 15), D(2025, 12, 15)]
    # ...and never matching otherwise (INTERVAL=3 from January: Jan, Apr, Jul, Oct).
    with pytest.raises(ValidationError) as err:
        Recurrence(
            start=D(2025, 1, 1), rrule="FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=15"
        )
    assert err.value.field == "Recurrence.rrule"


# --- working days ---------------------------------------------------------------------------


def test_last_working_day_of_each_month_is_worked_and_last() -> None:
    calendar = default_calendar()
    rule = last_working_day_of_month(D(2021, 1, 1))
    got = list(rule.occurrences(between=(D(2021, 1, 1), D(2030, 12, 31))))
    assert len(got) == 120
    for occurrence in got:
        due = occurrence.due
        assert calendar.is_working_day(due)
        assert due.month == occurrence.nominal.month
        end = D(due.year, due.month, month_end(due.year, due.month))
        assert occurrence.nominal == end
        assert calendar.working_days_between(due, end) == 0  # nothing worked after it
    # January 2025 ended in Tết: the last working day was Friday 24/1.
    assert got[48].due == D(2025, 1, 24)


def test_adjust_to_the_next_working_day_can_change_the_year() -> None:
    rule = yearly(12, 31, D(2023, 1, 1), adjust="next_working_day")
    first = next(rule.occurrences())
    assert first == Occurrence(key="2023-12-31", nominal=D(2023, 12, 31), due=D(2024, 1, 2))
    assert first.year == 2024  # it counts in the year of its due date


def test_adjust_uses_the_given_calendar() -> None:
    decided = WorkingCalendar().with_override(
        CalendarOverride(D(2027, 3, 15), "off", "Ví dụ: nghỉ đột xuất")
    )
    rule = quarterly(15, D(2027, 1, 1), adjust=Adjust.NEXT_WORKING_DAY)
    assert next(rule.occurrences()).due == D(2027, 3, 15)
    moved = next(rule.occurrences(calendar=decided))
    assert moved.due == D(2027, 3, 16)
    assert moved.key == "2027-03-15"  # the key does not move with the calendar


windows = st.tuples(
    st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)),
    st.integers(min_value=0, max_value=120),
)


@pytest.mark.parametrize("adjust", list(Adjust))
@given(window=windows)
def test_between_keeps_exactly_the_due_dates_in_range(
    adjust: Adjust, window: tuple[dt.date, int]
) -> None:
    a, days = window
    b = a + dt.timedelta(days=days)
    rule = Recurrence(start=D(2023, 11, 1), rrule="FREQ=WEEKLY;BYDAY=SA,SU,MO", adjust=adjust)
    every = list(rule.occurrences(between=(D(2023, 11, 1), D(2028, 6, 30))))
    expected = [o for o in every if a <= o.due <= b]
    assert list(rule.occurrences(between=(a, b))) == expected


def test_occurrences_are_lazy_and_keys_unique() -> None:
    rule = Recurrence(start=D(2025, 1, 1), rrule="FREQ=DAILY")  # endless
    stream = rule.occurrences()
    assert iter(stream) is stream
    first = list(itertools.islice(stream, 500))
    assert len({o.key for o in first}) == 500
    assert first[0].key == "2025-01-01"


def test_count_and_until_end_the_series() -> None:
    counted = monthly(1, D(2025, 1, 1), count=3)
    assert dues(counted, 10) == [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)]
    ended = monthly(1, D(2025, 1, 1), until=D(2025, 3, 1))
    assert dues(ended, 10) == [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)]
    assert list(ended.nominal_dates()) == dues(ended, 10)


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "FREQ=HOURLY",
        "FREQ=FORTNIGHTLY",
        "BYMONTHDAY=15",
        "FREQ=MONTHLY;BYMONTHDAY=abc",
        "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=MONTHLY;BYMONTH=13",
        "FREQ=MONTHLY;INTERVAL=0",
        "FREQ=MONTHLY;INTERVAL=-1",
        "FREQ=MONTHLY;BYDAY=XX",
        "FREQ=MONTHLY;BYSETPOS=0;BYMONTHDAY=1",
        "FREQ=MONTHLY;UNTIL=20251231",
        "FREQ=MONTHLY;COUNT=3",
        "DTSTART:20250101\nRRULE:FREQ=MONTHLY",
        "FREQ=DAILY;BYHOUR=9",
        "FREQ=MONTHLY;FREQ=YEARLY",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31",
        42,
        None,
    ],
)
def test_invalid_rrule_names_the_field(text: Any) -> None:
    with pytest.raises(ValidationError) as err:
        Recurrence(start=D(2025, 1, 15), rrule=text)
    assert err.value.field == "Recurrence.rrule"
    assert "Recurrence.rrule" in str(err.value)


def test_rrule_text_is_normalised() -> None:
    rule = Recurrence(start=D(2025, 1, 1), rrule="  rrule:freq=monthly;bymonthday=-1 ")
    assert rule.rrule == "FREQ=MONTHLY;BYMONTHDAY=-1"
    assert rule == Recurrence(start=D(2025, 1, 1), rrule="FREQ=MONTHLY;BYMONTHDAY=-1")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": dt.datetime(2025, 1, 1)}, "Recurrence.start"),
        ({"start": "2025-01-01"}, "Recurrence.start"),
        ({"until": D(2024, 12, 31)}, "Recurrence.until"),
        ({"until": D(2025, 1, 20)}, "Recurrence.until"),  # before the first occurrence
        ({"count": 0}, "Recurrence.count"),
        ({"count": 2, "until": D(2025, 12, 31)}, "Recurrence.count"),
        ({"adjust": "nearest"}, "Recurrence.adjust"),
    ],
)
def test_invalid_fields_are_named(kwargs: dict[str, Any], field: str) -> None:
    fields: dict[str, Any] = {"start": D(2025, 1, 1), "rrule": "FREQ=MONTHLY;BYMONTHDAY=-1"}
    with pytest.raises(ValidationError) as err:
        Recurrence(**{**fields, **kwargs})
    assert err.value.field == field


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: monthly(0, D(2025, 1, 1)), "monthly.day"),
        (lambda: monthly(32, D(2025, 1, 1)), "monthly.day"),
        (lambda: monthly(1, D(2025, 1, 1), interval=0), "monthly.interval"),
        (lambda: quarterly(15, D(2025, 1, 1), month_in_quarter=4), "quarterly.month_in_quarter"),
        (lambda: yearly(13, 1, D(2025, 1, 1)), "yearly.month"),
        (lambda: yearly(4, 31, D(2025, 1, 1)), "yearly.day"),
        (lambda: monthly(1, D(2025, 1, 1)).occurrences(between=ONE_DATE), "occurrences.between"),
        (
            lambda: monthly(1, D(2025, 1, 1)).occurrences(between=(D(2025, 2, 1), D(2025, 1, 1))),
            "occurrences.between",
        ),
        (
            lambda: monthly(1, D(2025, 1, 1)).occurrences(calendar=NOT_A_CALENDAR),
            "occurrences.calendar",
        ),
    ],
)
def test_constructor_and_query_errors_name_the_parameter(call: Any, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field


# --- after completion ---------------------------------------------------------------------


def test_after_completion_in_calendar_days() -> None:
    chain = after_completion(days=30)
    assert chain.next_due(D(2025, 3, 3)) == D(2025, 4, 2)
    # Landing on Sunday 28/4/2024, before the 29/4 swap day off, 30/4 and 1/5:
    rolled = after_completion(days=30, adjust="next_working_day")
    assert rolled.next_due(D(2024, 3, 29)) == D(2024, 5, 2)
    back = after_completion(days=30, adjust=Adjust.PREVIOUS_WORKING_DAY)
    assert back.next_due(D(2024, 3, 29)) == D(2024, 4, 26)


def test_after_completion_in_working_days_uses_the_calendar() -> None:
    chain = after_completion(working_days=10)
    assert chain.next_due(D(2025, 1, 20)) == D(2025, 2, 10)  # skips Tết
    decided = WorkingCalendar().with_override(CalendarOverride(D(2025, 2, 10), "off", "Ví dụ"))
    assert chain.next_due(D(2025, 1, 20), decided) == D(2025, 2, 11)


def test_after_completion_until_ends_the_chain() -> None:
    chain = after_completion(days=7, until=D(2025, 6, 30))
    assert chain.next_due(D(2025, 6, 23)) == D(2025, 6, 30)
    assert chain.next_due(D(2025, 6, 24)) is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "AfterCompletion.days"),
        ({"days": 3, "working_days": 3}, "AfterCompletion.days"),
        ({"days": 0}, "AfterCompletion.days"),
        ({"working_days": True}, "AfterCompletion.working_days"),
        ({"days": 3, "adjust": "later"}, "AfterCompletion.adjust"),
        ({"days": 3, "until": "2025-01-01"}, "AfterCompletion.until"),
    ],
)
def test_invalid_after_completion_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        AfterCompletion(**kwargs)
    assert err.value.field == field


def test_next_due_checks_its_arguments() -> None:
    with pytest.raises(ValidationError) as err:
        after_completion(days=3).next_due(dt.datetime(2025, 1, 1))
    assert err.value.field == "next_due.previous_completed_on"
    with pytest.raises(ValidationError) as err:
        after_completion(days=3).next_due(D(2025, 1, 1), calendar=NOT_A_CALENDAR)
    assert err.value.field == "next_due.calendar"


# --- storage ------------------------------------------------------------------------------


def test_recurrences_round_trip_through_the_store_codec() -> None:
    for obj in (
        quarterly(15, D(2025, 1, 1), adjust="previous_working_day", count=8),
        monthly(31, D(2025, 1, 31), until=D(2030, 12, 31)),
        last_working_day_of_month(D(2025, 1, 1)),
        after_completion(working_days=5, until=D(2030, 1, 1)),
    ):
        document = unstructure(obj)
        assert all(isinstance(v, str | int | type(None)) for v in document.values()), document
        again = structure(type(obj), document)
        assert again == obj
    document = unstructure(quarterly(15, D(2025, 1, 1)))
    assert document == {
        "start": "2025-01-01",
        "rrule": "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=15",
        "until": None,
        "count": None,
        "adjust": "none",
    }


def test_rebuilt_recurrence_gives_the_same_occurrences() -> None:
    rule = monthly(31, D(2025, 1, 31), adjust="previous_working_day")
    again = structure(Recurrence, unstructure(rule))
    assert dues(again, 60) == dues(rule, 60)
