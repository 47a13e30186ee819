"""Dates as Chinese government pages print them, to ``datetime.date``.

2018年11月09日, 2018-11-09 10:08, 2018/11/9, 2018.11.09, full-width digits, and Chinese numerals
as signatures print them (二〇二〇年九月十五日). Impossible dates (2月30日) are not dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from gongkai.extractors import patterns as p

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _make(year: int, month: int, day: int) -> date | None:
    if not p.EARLIEST_YEAR <= year <= p.LATEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def chinese_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十五 → 15, 二十 → 20, 三十一 → 31, 廿一 → 21 (month and day numerals)."""
    text = text.replace("廿", "二十").replace("卅", "三十")
    if not text or any(ch not in p.CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return p.CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return None
    value = (p.CN_DIGITS[tens] if tens else 1) * 10
    return value + (p.CN_DIGITS[units] if units else 0)


def _chinese_year(text: str) -> int | None:
    digits = [p.CN_DIGITS.get(ch) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _numeric_value(match: re.Match[str]) -> date | None:
    if match.group("sep") == "年" and "月" not in match.group(0):
        return None
    year = int(match.group("y").translate(_FULLWIDTH_DIGITS))
    month = int(match.group("m").translate(_FULLWIDTH_DIGITS))
    day = int(match.group("d").translate(_FULLWIDTH_DIGITS))
    return _make(year, month, day)


def _chinese_value(match: re.Match[str]) -> date | None:
    year = _chinese_year(match.group("y"))
    month = chinese_number(match.group("m"))
    day = chinese_number(match.group("d"))
    if year is None or month is None or day is None:
        return None
    return _make(year, month, day)


def iter_dates(text: str) -> Iterator[tuple[int, int, date]]:
    """Every date in ``text`` as (start, end, date), in order of position."""
    found: list[tuple[int, int, date]] = []
    for match in p.DATE_NUMERIC.finditer(text):
        value = _numeric_value(match)
        if value is not None:
            found.append((match.start(), match.end(), value))
    for match in p.DATE_CHINESE.finditer(text):
        value = _chinese_value(match)
        if value is not None:
            found.append((match.start(), match.end(), value))
    yield from sorted(found, key=lambda item: item[0])


def parse_date(text: str | None) -> date | None:
    """The first date in ``text``, or None."""
    if not text:
        return None
    for _start, _end, value in iter_dates(text):
        return value
    compact = p.DATE_COMPACT.search(text)
    if compact and compact.group(0) == text.strip():
        return _make(int(compact.group("y")), int(compact.group("m")), int(compact.group("d")))
    return None


def is_date_line(text: str) -> date | None:
    """The date when ``text`` is nothing but a date (a signature line), else None."""
    stripped = text.strip(p.SPACE_CHARS)
    if stripped[:1] not in p.DATE_FIRST_CHARS:
        return None
    # Only a date that starts the line can be the whole line: match there, never scan the rest
    # (numbered paragraphs "1．…" start with a digit too). The two patterns start with different
    # characters, so at most one of them matches at 0.
    match = p.DATE_NUMERIC.match(stripped)
    if match is not None:
        value = _numeric_value(match)
    else:
        match = p.DATE_CHINESE.match(stripped)
        value = _chinese_value(match) if match is not None else None
    if match is None or value is None or stripped[match.end() :].strip(p.SPACE_CHARS):
        return None
    return value


def date_from_url(url: str) -> date | None:
    """The date a CMS puts in its URLs (t20200915_123.html, /2020-09/15/ …)."""
    for pattern in p.URL_DATES:
        match = pattern.search(url)
        if match:
            value = _make(int(match.group("y")), int(match.group("m")), int(match.group("d")))
            if value is not None:
                return value
    return None
