"""Working-day arithmetic on the State Council holiday calendar, with 调休 make-up workdays.

Periods are counted the way the 民法典 (Arts. 201, 203) counts them and the BRIEF recommends for
the 条例: the start day is not counted; a period in calendar days whose last day is not a working
day ends on the next working day. Years the ``chinesecalendar`` package does not know (it covers
2004–2026; the State Council announces each year in Nov/Dec) fall back to Monday–Friday, and
every result says whether it rests on such a fallback ("provisional").

A :class:`WorkCalendar` is a table of every day from 1900 to 2200 (about 110,000 entries) with a
running count of working days, so a span costs two array lookups and a million spans cost one
vectorised subtraction (audits run over millions of documents). Rules receive the calendar as an
argument; an operator can lay a newly announced year (holidays and 调休 days) over the package's
data before the package itself is updated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
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


class WorkCalendar:
    """Working days from 1900-01-01 to 2200-12-31 as arrays indexed by ``ordinal - FIRST``.

    ``holidays``/``workdays`` override single days (e.g. a year the package does not know yet,
    from the State Council notice); ``announced_years`` are then treated as official, not
    provisional.
    """

    FIRST = date(1900, 1, 1)
    LAST = date(2200, 12, 31)

    def __init__(
        self,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        announced_years: Iterable[int] = (),
    ) -> None:
        self.first_ordinal = self.FIRST.toordinal()
        size = self.LAST.toordinal() - self.first_ordinal + 1
        ordinals = np.arange(self.first_ordinal, self.first_ordinal + size)
        # date.toordinal() of a Monday is ≡ 1 (mod 7): weekday() == (ordinal + 6) % 7.
        weekday = (ordinals + 6) % 7
        workday = weekday < 5
        self._known_years = set(known_years()) | set(announced_years)
        known = np.zeros(size, dtype=bool)
        for year in self._known_years:
            if self.FIRST.year <= year <= self.LAST.year:
                known[
                    date(year, 1, 1).toordinal() - self.first_ordinal : date(year, 12, 31).toordinal()
                    - self.first_ordinal
                    + 1
                ] = True
        # The package's own tables (what ``chinese_calendar.is_workday`` reads): official holidays
        # and 调休 make-up workdays on top of the Mon–Fri week.
        for day in constants.holidays:
            workday[day.toordinal() - self.first_ordinal] = False
        for day in constants.workdays:
            workday[day.toordinal() - self.first_ordinal] = True
        for day in holidays:
            workday[day.toordinal() - self.first_ordinal] = False
        for day in workdays:
            workday[day.toordinal() - self.first_ordinal] = True
        self.workday: np.ndarray = workday
        self.known: np.ndarray = known
        #: cumulative[i] = working days in [FIRST, FIRST + i]
        self.cumulative: np.ndarray = np.cumsum(workday, dtype=np.int64)
        self.unknown_cumulative: np.ndarray = np.cumsum(~known, dtype=np.int64)
        self.size = size

    # --- single days ---------------------------------------------------------------------

    def index(self, day: date) -> int:
        i = day.toordinal() - self.first_ordinal
        if not 0 <= i < self.size:
            raise ValueError(f"date outside the calendar ({self.FIRST}–{self.LAST}): {day}")
        return i

    def is_known(self, day: date) -> bool:
        return day.year in self._known_years

    def is_workday(self, day: date) -> bool:
        return bool(self.workday[self.index(day)])

    def working_days_after(self, start: date, end: date) -> Count:
        """Working days in (start, end]: the start day is not counted, the end day is."""
        s, e = self.index(start), self.index(end)
        if e <= s:
            return Count(0, not (self.known[s] and self.known[e]))
        days = int(self.cumulative[e] - self.cumulative[s])
        unknown = int(self.unknown_cumulative[e] - self.unknown_cumulative[s]) > 0 or not self.known[s]
        return Count(days, unknown)

    def add_working_days(self, start: date, days: int) -> Deadline:
        """The ``days``-th working day after ``start`` (start not counted): the last day allowed."""
        if days < 0:
            raise ValueError("days must be >= 0")
        s = self.index(start)
        e = int(np.searchsorted(self.cumulative, self.cumulative[s] + days, side="left")) if days else s
        end = date.fromordinal(e + self.first_ordinal)
        unknown = not self.known[s] or int(self.unknown_cumulative[e] - self.unknown_cumulative[s]) > 0
        return Deadline(end, unknown)

    def add_calendar_days(self, start: date, days: int) -> Deadline:
        """``start`` + ``days`` calendar days; a deadline on a rest day moves to the next working day."""
        s = self.index(start)
        e = s + days
        while not self.workday[e]:
            e += 1
        end = date.fromordinal(e + self.first_ordinal)
        unknown = not self.known[s] or int(self.unknown_cumulative[e] - self.unknown_cumulative[s]) > 0
        return Deadline(end, unknown)

    # --- columns of days (ordinals as int64 arrays; 0 = no date) ----------------------------

    def in_range(self, ordinals: np.ndarray) -> np.ndarray:
        i = ordinals - self.first_ordinal
        return (i >= 0) & (i < self.size)

    def working_days_between(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised :meth:`working_days_after` over ordinal arrays.

        Returns ``(days, provisional)``; pairs with a date outside the calendar count 0 and
        are provisional (callers mask them out with :meth:`in_range`).
        """
        ok = self.in_range(starts) & self.in_range(ends)
        s = np.where(ok, starts - self.first_ordinal, 0)
        e = np.where(ok, ends - self.first_ordinal, 0)
        forward = ok & (e > s)
        days = np.where(forward, self.cumulative[e] - self.cumulative[s], 0)
        unknown = (
            ~self.known[s] | ~self.known[e] | ((self.unknown_cumulative[e] - self.unknown_cumulative[s]) > 0)
        )
        return days, unknown | ~ok

    def deadlines_working(self, starts: np.ndarray, days: np.ndarray | int) -> np.ndarray:
        """Ordinal of the ``days``-th working day after each start (start not counted)."""
        s = np.clip(starts - self.first_ordinal, 0, self.size - 1)
        target = self.cumulative[s] + days
        e = np.searchsorted(self.cumulative, target, side="left")
        e = np.where(np.asarray(days) == 0, s, np.minimum(e, self.size - 1))
        return e + self.first_ordinal

    def deadlines_calendar(self, starts: np.ndarray, days: np.ndarray | int) -> np.ndarray:
        """Ordinal of start + ``days`` calendar days, moved forward off rest days."""
        e = np.clip(starts - self.first_ordinal + days, 0, self.size - 1)
        # the next working day on or after e: the first index whose cumulative count reaches
        # the count before e plus one.
        before = np.where(e > 0, self.cumulative[np.maximum(e - 1, 0)], 0)
        nxt = np.searchsorted(self.cumulative, before + 1, side="left")
        return np.minimum(nxt, self.size - 1) + self.first_ordinal


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The package's official data with the Mon–Fri fallback; built once per process."""
    return WorkCalendar()


def is_known(day: date) -> bool:
    return day.year in known_years()


def is_workday(day: date) -> bool:
    """Official working day (调休 Saturdays included); Mon–Fri for years not yet announced."""
    return default_calendar().is_workday(day)


def working_days_after(start: date, end: date) -> Count:
    """Working days in (start, end]: the start day is not counted, the end day is.

    A document formed on ``start`` and published on ``end`` is late under Art. 26 when this is
    more than 20. Zero or negative spans count 0 (a publication before formation is a different
    defect, found by the date-consistency rule).
    """
    return default_calendar().working_days_after(start, end)


def add_working_days(start: date, days: int) -> Deadline:
    """The ``days``-th working day after ``start`` (start not counted): the last day allowed."""
    return default_calendar().add_working_days(start, days)


def add_calendar_days(start: date, days: int) -> Deadline:
    """``start`` + ``days`` calendar days; a deadline on a rest day moves to the next working day."""
    return default_calendar().add_calendar_days(start, days)


def calendar_days_after(start: date, end: date) -> int:
    return (end - start).days
