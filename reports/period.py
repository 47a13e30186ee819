"""Report periods: ``2025``, ``2025-03``, ``2025-01..2025-06``, ``2025-01-15..2025-02-28``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from gongkai.models.errors import GongkaiError

_PART = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


class PeriodError(GongkaiError):
    """A period the report cannot read."""


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    label: str

    def months(self) -> list[str]:
        """Every month (YYYY-MM) the period touches, in order (empty for an open period)."""
        if self.start is None or self.end is None:
            return []
        out = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


ALL_TIME = Period(None, None, "全部时间")


def _bounds(text: str) -> tuple[date, date]:
    match = _PART.match(text.strip())
    if not match:
        raise PeriodError(f"period {text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    try:
        if match.group(3):
            day = date(year, int(match.group(2)), int(match.group(3)))
            return day, day
        if match.group(2):
            month = int(match.group(2))
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1), date(year, month, last)
    except ValueError as exc:
        raise PeriodError(f"period {text!r}: {exc}") from None
    return date(year, 1, 1), date(year, 12, 31)


def parse_period(text: str | None) -> Period:
    """A period from its written form; ``None`` or empty means all time."""
    if text is None or not text.strip():
        return ALL_TIME
    text = text.strip()
    first, sep, last = text.partition("..")
    start = _bounds(first)[0]
    end = _bounds(last if sep else first)[1]
    if end < start:
        raise PeriodError(f"period {text!r} ends before it starts")
    return Period(start, end, text)
