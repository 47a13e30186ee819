"""Title, agency, report year and publication date of an annual report's text."""

from __future__ import annotations

import re
from datetime import date

_TITLE_LINE = re.compile(r"^\s*(?:#+\s*)?(?:标题|名称|题名)\s*[:：]\s*(?P<title>[^|\n]+)", re.M)
_REPORT_WORDS = r"(?:政府)?\s*信息公开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报)"
_TITLE_IN_TEXT = re.compile(
    r"(?P<before>[^\n。；]{0,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<after>[^\n。；]{0,30}?)"
    + _REPORT_WORDS
)
_DATE_LABELLED = re.compile(
    r"(?:发布时间|发布日期|公开日期|发文日期|生成日期)\s*[:：]?\s*"
    r"(?P<y>(?:19|20)\d{2})\s*[-/年.]\s*(?P<m>\d{1,2})\s*[-/月.]\s*(?P<d>\d{1,2})"
)
_DATE_ZH = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_AGENCY_END = re.compile(r"(?:政府|局|委员会|委|办公室|办|厅|院|会|中心|所|处|区|县|市|镇|乡|街道|部)$")
_HEAD_CHARS = 1200


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text).strip("#*：: ")


def title_of(text: str) -> str | None:
    m = _TITLE_LINE.search(text[: _HEAD_CHARS * 2])
    if m and re.search(_REPORT_WORDS, m.group("title")):
        return _clean(m.group("title"))
    head = text[:_HEAD_CHARS]
    m2 = _TITLE_IN_TEXT.search(head)
    if m2 is None:
        return m and _clean(m.group("title"))
    title = _clean(m2.group(0))
    before = _clean(m2.group("before"))
    if not before and not _clean(m2.group("after")):
        # the agency on the line above the title (PDF covers, Word documents)
        lines = [ln.strip() for ln in head[: m2.start()].splitlines() if ln.strip()]
        if lines and len(lines[-1]) <= 30 and _AGENCY_END.search(_clean(lines[-1])):
            title = _clean(lines[-1]) + title
    return title


def year_of(title: str | None) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", title or "")
    return int(m.group(1)) if m else None


def agency_of(title: str | None) -> str | None:
    if not title:
        return None
    name = re.sub(r"(?:19|20)\d{2}\s*年\s*度?", "", title)
    name = re.sub(_REPORT_WORDS + ".*$", "", name)
    name = _clean(re.sub(r"[（(][^）)]*[）)]", "", name))
    return name or None


def _date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


def published_of(text: str, year: int | None) -> tuple[date | None, str | None]:
    """The publication date: a labelled page date (发布时间 …), else the 落款 date at the end (or
    under the title), which must fall after the report year; (date, where it was read)."""
    m = _DATE_LABELLED.search(text[: _HEAD_CHARS * 2])
    if m and (when := _date(m)):
        return when, f"page: {m.group(0)}"
    candidates = []
    tail = text[-400:]
    for m2 in _DATE_ZH.finditer(tail):
        candidates.append((m2, "落款"))
    head = text[:400]
    for m2 in _DATE_ZH.finditer(head):
        candidates.append((m2, "under the title"))
    for m2, where in candidates[::-1] if candidates and candidates[-1][1] == "落款" else candidates:
        when = _date(m2)
        if when and (year is None or when.year > year):
            return when, f"{where}: {m2.group(0)}"
    return None, None
