"""Dates as list pages and JSON APIs print them: 2024-03-05, 2024/3/5, 2024.03.05, 2024年3月5日,
epoch milliseconds."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
#: Compact 20240305, only where a whole value is a date (never inside running text).
_COMPACT_RE = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})(?:\d{4,6})?$")
_SHANGHAI = timezone(timedelta(hours=8))


def _make(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    """The first valid date in ``text``."""
    for match in DATE_RE.finditer(text):
        found = _make(*match.groups())
        if found is not None:
            return found
    return None


def find_dates(text: str) -> list[date]:
    return [d for m in DATE_RE.finditer(text) if (d := _make(*m.groups())) is not None]


def parse_date_value(value: object) -> date | None:
    """A date from a JSON value: a date string, or epoch seconds/milliseconds (Asia/Shanghai)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
        if 1e12 <= seconds < 1e13:  # milliseconds
            seconds /= 1000
        if 3e8 <= seconds < 5e9:  # 1979 … 2128
            return datetime.fromtimestamp(seconds, UTC).astimezone(_SHANGHAI).date()
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            compact = _COMPACT_RE.match(text)
            if compact:
                return _make(*compact.groups())
            return parse_date_value(int(text)) if len(text) in (10, 13) else None
        return find_date(text[:40])
    return None
