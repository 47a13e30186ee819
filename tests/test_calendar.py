"""Working days on the official calendar: 春节, 国庆, 调休 Saturdays, year ends, unknown years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from gongkai.audits.calendar import (
    add_calendar_days,
    add_working_days,
    is_workday,
    working_days_after,
)


def walk(start: date, end: date) -> int:
    """The slow, obviously right count, to check the fast one."""
    return sum(is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2024, 2, 4), True),  # Sunday 调休 before 春节 2024: a working day
        (date(2024, 2, 12), False),  # Monday in the 春节 holiday
        (date(2024, 9, 29), True),  # Sunday 调休 before 国庆 2024
        (date(2024, 10, 7), False),  # Monday, 国庆 holiday
        (date(2025, 1, 26), True),  # Sunday 调休 before 春节 2025
        (date(2026, 2, 14), True),  # Saturday 调休 before 春节 2026
        (date(2026, 2, 15), False),
        (date(2027, 1, 1), True),  # Friday, year not yet announced: Mon–Fri fallback
        (date(2027, 1, 2), False),
    ],
)
def test_is_workday(day: date, workday: bool) -> None:
    assert is_workday(day) is workday


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # references from BRIEF §1.2 (gov.cn metadata, counted with chinesecalendar)
        (date(2017, 5, 15), date(2017, 6, 8), 17),
        (date(2021, 9, 26), date(2021, 9, 29), 3),
        (date(2022, 4, 11), date(2022, 4, 22), 9),
        (date(2017, 8, 8), date(2017, 8, 16), 6),
        (date(2020, 7, 23), date(2020, 7, 30), 5),
        (date(2024, 1, 31), date(2024, 3, 1), 19),  # across 春节 2024 and its two 调休 Sundays
        (date(2024, 9, 20), date(2024, 10, 25), 22),  # across 国庆 2024 (调休 Sep 29, Oct 12)
        (date(2025, 12, 25), date(2026, 1, 9), 10),  # across the year end, 元旦 and 调休 Jan 4
        (date(2020, 9, 15), date(2020, 9, 15), 0),
        (date(2020, 9, 18), date(2020, 9, 15), 0),
    ],
)
def test_working_days_after(start: date, end: date, expected: int) -> None:
    count = working_days_after(start, end)
    assert count.days == expected == (walk(start, end) if end > start else 0)
    assert not count.provisional


def test_spans_into_an_unannounced_year_are_provisional() -> None:
    count = working_days_after(date(2026, 12, 20), date(2027, 1, 20))
    assert count.provisional
    assert count.days == walk(date(2026, 12, 20), date(2027, 1, 20))
    assert working_days_after(date(2027, 3, 1), date(2027, 3, 5)) == type(count)(4, True)


def test_twentieth_working_day_deadline() -> None:
    deadline = add_working_days(date(2024, 1, 31), 20)
    assert deadline.day == date(2024, 3, 4) and not deadline.provisional
    assert working_days_after(date(2024, 1, 31), deadline.day).days == 20
    assert add_working_days(date(2026, 12, 10), 20).provisional


def test_calendar_day_deadline_moves_off_rest_days() -> None:
    # 20 calendar days after 2024-09-11 is 2024-10-01 (国庆): the period ends on 10-08.
    assert add_calendar_days(date(2024, 9, 11), 20).day == date(2024, 10, 8)
    assert add_calendar_days(date(2024, 3, 1), 20).day == date(2024, 3, 21)


def test_long_spans_match_the_walk() -> None:
    assert working_days_after(date(2004, 1, 1), date(2026, 12, 31)).days == walk(
        date(2004, 1, 1), date(2026, 12, 31)
    )
