"""Working-day arithmetic on the State Council holiday calendar, with 调休 make-up workdays.

Periods are counted the way the 民法典 (Arts. 201, 203) counts them and the BRIEF recommends for
the 条例: the start day is not counted; a period in calendar days whose last day is not a working
day ends on the next working day. Years the ``chinesecalendar`` package does not know (it covers
2004–2026; the State Council announces each year in Nov/Dec) fall back to Monday–Friday, and
every result says whether it rests on such a fallback ("provisional").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants


@dataclass(frozen=True)
class Count:
    """A number of days, and whether any day in it came from the Mon–Fri fallback."""

    days: int
    provisional: bool


@dataclass(frozen=True)
class Deadline:
    day: date
    provisional: bool


@lru_cache(maxsize=1)
def known_years() -> frozenset[int]:
    """Years the holiday package has official data for."""
    years = {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    return frozenset(years)


def is_known(day: date) -> bool:
    return day.year in known_years()


@lru_cache(maxsize=20000)
def is_workday(day: date) -> bool:
    """Official working day (调休 Saturdays included); Mon–Fri for years not yet announced."""
    if is_known(day):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def working_days_after(start: date, end: date) -> Count:
    """Working days in (start, end]: the start day is not counted, the end day is.

    A document formed on ``start`` and published on ``end`` is late under Art. 26 when this is
    more than 20. Zero or negative spans count 0 (a publication before formation is a different
    defect, found by the date-consistency rule).
    """
    provisional = not is_known(start) or not is_known(end)
    if end <= start:
        return Count(0, provisional)
    count = _workdays_through(end) - _workdays_through(start)
    return Count(
        count, provisional or any(not is_known(date(y, 1, 1)) for y in range(start.year, end.year + 1))
    )


def add_working_days(start: date, days: int) -> Deadline:
    """The ``days``-th working day after ``start`` (start not counted): the last day allowed."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current, remaining, provisional = start, days, not is_known(start)
    while remaining > 0:
        current += timedelta(days=1)
        provisional = provisional or not is_known(current)
        if is_workday(current):
            remaining -= 1
    return Deadline(current, provisional)


def add_calendar_days(start: date, days: int) -> Deadline:
    """``start`` + ``days`` calendar days; a deadline on a rest day moves to the next working day."""
    current = start + timedelta(days=days)
    provisional = not is_known(start) or not is_known(current)
    while not is_workday(current):
        current += timedelta(days=1)
        provisional = provisional or not is_known(current)
    return Deadline(current, provisional)


def calendar_days_after(start: date, end: date) -> int:
    return (end - start).days


# Working days up to and including a day, counted from a fixed epoch, so that a span costs two
# lookups instead of a walk over every day in it (audits run over millions of documents).
_EPOCH = date(2000, 1, 1)


@lru_cache(maxsize=64)
def _year_prefix(year: int) -> tuple[int, tuple[int, ...]]:
    """(working days before Jan 1 of ``year`` since the epoch, cumulative counts within the year)."""
    before = 0 if year <= _EPOCH.year else _year_prefix(year - 1)[0] + _year_prefix(year - 1)[1][-1]
    running, cumulative = 0, []
    day = date(year, 1, 1)
    while day.year == year:
        running += is_workday(day)
        cumulative.append(running)
        day += timedelta(days=1)
    return before, tuple(cumulative)


def _workdays_through(day: date) -> int:
    if day < _EPOCH:
        raise ValueError(f"dates before {_EPOCH} are not supported: {day}")
    before, cumulative = _year_prefix(day.year)
    return before + cumulative[day.timetuple().tm_yday - 1]
