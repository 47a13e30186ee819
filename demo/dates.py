"""Dates for the demo documents: moving real dates near "today" and finding calendar edge cases.

Real dates are moved by whole weeks, so each document keeps its weekdays and its real
成文→发布 span; lateness is then recounted on the official calendar (the truth never trusts the
real lag, because holidays fall elsewhere after the move).
"""

from __future__ import annotations

from datetime import date, timedelta

from chinese_calendar import constants
from gongkai.audits.calendar import add_working_days, is_known, is_workday, working_days_after


def shift_into(written: date, published: date, target: date) -> tuple[date, date, int]:
    """Move both dates by whole weeks so that ``published`` lands on or just before ``target``."""
    weeks = (target - published).days // 7
    delta = timedelta(days=7 * weeks)
    return written + delta, published + delta, 7 * weeks


def weekdays_after(start: date, end: date) -> int:
    """Monday–Friday days in (start, end]: the naive count that ignores holidays and 调休."""
    return sum(1 for n in range(1, (end - start).days + 1) if (start + timedelta(days=n)).weekday() < 5)


def previous_workday(day: date) -> date:
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def holiday_starts(name: str, before: date) -> list[date]:
    """First days of the official ``name`` holiday blocks ('Spring Festival', 'National Day')."""
    days = sorted(d for d, label in constants.holidays.items() if label == name and d < before)
    return [d for i, d in enumerate(days) if i == 0 or (d - days[i - 1]).days > 1]


def holiday_near_miss(name: str, latest: date) -> tuple[date, date] | None:
    """成文 shortly before a holiday, 发布 exactly 20 working days later: on time, although the
    naive Monday–Friday count says more than 20 (the holiday's weekdays are not working days)."""
    for start in reversed(holiday_starts(name, latest)):
        for back in range(1, 12):
            written = start - timedelta(days=back)
            if not is_workday(written) or not is_known(written):
                continue
            published = add_working_days(written, 20).day
            if published <= latest and weekdays_after(written, published) > 20:
                return written, published
    return None


def makeup_day_late(latest: date) -> tuple[date, date] | None:
    """Late by exactly one day only because of a 调休 make-up working Saturday/Sunday: 21 official
    working days, while the naive Monday–Friday count says 20."""
    makeups = sorted(d for d in constants.workdays if d < latest and d.weekday() >= 5)
    for makeup in reversed(makeups):
        for back in range(1, 30):
            written = makeup - timedelta(days=back)
            if not is_workday(written):
                continue
            published = add_working_days(written, 21).day
            if published > latest or not (written < makeup <= published):
                continue
            if working_days_after(written, published).days == 21 and weekdays_after(written, published) == 20:
                return written, published
    return None
