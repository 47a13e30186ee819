"""索引号: check a printed index number against the shapes agencies use (BRIEF §4.3).

The format is local, so an unknown shape is reported, never rejected. Defect codes:

``unknown_pattern``  none of the known shapes
``stray_space``      spaces or zero-width characters inside it
``fullwidth_chars``  full-width letters, digits or punctuation (／, －, ０)
``year_mismatch``    the year inside it is neither the year of 成文日期 nor of 发布日期
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from gongkai.extractors import patterns as p

_FULLWIDTH = re.compile("[\uff01-\uff5e]")
_INDEX_SEGMENT = re.compile(r"[/\-]")


def _to_halfwidth(text: str) -> str:
    return "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in text)


@dataclass(frozen=True)
class IndexNoCheck:
    printed: str
    pattern: str | None
    year: int | None
    defects: list[str] = field(default_factory=list)


def check_index_no(
    printed: str, written_date: date | None = None, published_date: date | None = None
) -> IndexNoCheck:
    defects: list[str] = []
    text = printed.strip(p.SPACE_CHARS)
    if p.SPACE_RUN.search(text) or p.INVISIBLE_CHAR.search(text):
        defects.append("stray_space")
    if _FULLWIDTH.search(text):
        defects.append("fullwidth_chars")
    compact = _to_halfwidth(p.INVISIBLE_RUN.sub("", p.SPACE_RUN.sub("", text)))
    for name, pattern in p.INDEX_NO_PATTERNS:
        match = pattern.match(compact)
        if match:
            year = int(match.group("year"))
            years = {d.year for d in (written_date, published_date) if d is not None}
            if years and year not in years:
                defects.append("year_mismatch")
            return IndexNoCheck(printed, name, year, defects)
    return IndexNoCheck(printed, None, None, [*defects, "unknown_pattern"])


def index_no_year(index_no: str | None) -> int | None:
    """The year segment of an 索引号 (BRIEF §4.3 styles), or None when it shows none.

    Lenient where :func:`check_index_no` is strict: the first segment is the agency code and is
    skipped; a later segment of 4 digits (YYYY), 6 (YYYYMM) or 8 (YYYYMMDD) that starts with
    19/20 is the year, whatever the shape of the rest.
    """
    if not index_no:
        return None
    parts = _INDEX_SEGMENT.split(index_no.strip())
    for part in parts[1:]:
        if len(part) in (4, 6, 8) and part.isdigit() and part[:2] in ("19", "20"):
            if len(part) >= 6 and not 1 <= int(part[4:6]) <= 12:
                continue
            return int(part[:4])
    return None
