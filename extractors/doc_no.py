"""文号 (发文字号): recognise, normalise and validate against GB/T 9704-2012 §7.2.5.

The standard form is 代字 + 〔四位年份〕 + 序号 + 号 (国办函〔2018〕71号): the year in 六角括号, no 第
before the serial, no leading zeros, 号 at the end. We never "fix" what a page prints: the value
is kept as printed, a normalised form is computed beside it, and each deviation becomes a short,
stable defect code the audit can count:

``wrong_brackets``   year in [], (), 【】, ﹝﹞ … instead of 〔〕 (also a mixed pair such as 〔2020])
``unclosed_bracket`` an opening bracket with no closing one (宁政公开办发〔201714号)
``missing_brackets`` the year has no brackets at all (豫政 2011 27号)
``di_before_number`` 第 before the serial of a 代字+年份 number (〔2020〕第12号)
``leading_zero``     a serial such as 012
``missing_hao``      no 号 at the end
``stray_space``      spaces inside the number (豫政办 〔2022〕42号)
``invisible_char``   zero-width characters inside it
``fullwidth_digits`` full-width digits (２０２０)
``two_digit_year``   〔20〕 instead of 〔2020〕
``year_mismatch``    〔YYYY〕 differs from the year of 成文日期
``unrecognised``     not a 文号 shape we know

Orders (国务院令第711号, 国令第706号), numbered announcements (国家税务总局公告2018年第60号) and
provincial registration numbers (HHCR-2023-01005) are valid forms with no defects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from gongkai.extractors import patterns as p

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_HAS_FULLWIDTH = re.compile("[０-９]")
_PAIRS = dict(zip(p.OPEN_BRACKETS, p.CLOSE_BRACKETS, strict=True))


@dataclass(frozen=True)
class DocNoCheck:
    """What we make of one printed 文号."""

    printed: str
    normalized: str | None
    defects: list[str] = field(default_factory=list)
    #: "standard", "order", "registration" or None when unrecognised.
    kind: str | None = None
    year: int | None = None
    #: the 发文机关代字 (国办发 in 国办发〔2018〕71号; 国务院令 in 国务院令第711号), or None.
    code: str | None = None


def _clean(text: str) -> str:
    return p.INVISIBLE_RUN.sub("", text).strip(p.SPACE_CHARS)


def check_doc_no(printed: str, written_date: date | None = None) -> DocNoCheck:
    """Recognise a printed 文号, normalise it, and list its defects."""
    defects: list[str] = []
    if p.INVISIBLE_CHAR.search(printed):
        defects.append("invisible_char")
    text = _clean(printed)
    if p.SPACE_RUN.search(text):
        defects.append("stray_space")
    compact = p.SPACE_RUN.sub("", text)
    if _HAS_FULLWIDTH.search(compact):
        defects.append("fullwidth_digits")
    compact = compact.translate(_FULLWIDTH_DIGITS)

    if p.REGISTRATION_NO.match(compact):
        return DocNoCheck(printed, compact, defects, "registration")

    order = p.DOC_NO_ORDER.match(compact)
    if order:
        year = int(order.group("year")) if order.group("year") else None
        number = order.group("num")
        if number.startswith("0") and number != "0":
            defects.append("leading_zero")
        if not order.group("hao"):
            defects.append("missing_hao")
        middle = f"{year}年" if year else ""
        normalized = f"{order.group('code')}{middle}第{int(number)}号"
        return DocNoCheck(printed, normalized, defects, "order", year, order.group("code"))

    match = p.DOC_NO_BRACKETED.match(compact)
    if not match:
        return DocNoCheck(printed, None, [*defects, "unrecognised"], None)
    code, opening, closing = match.group("code"), match.group("open"), match.group("close")
    year_text, number = match.group("year"), match.group("num")
    if opening is None and closing is None:
        defects.append("missing_brackets")
    elif opening is None or closing is None:
        defects.append("unclosed_bracket")
    elif opening != "〔" or closing != "〕" or _PAIRS.get(opening) != closing:
        defects.append("wrong_brackets")
    if match.group("di"):
        defects.append("di_before_number")
    if len(number) > 1 and number.startswith("0"):
        defects.append("leading_zero")
    if not match.group("hao"):
        defects.append("missing_hao")
    year: int | None = None
    if len(year_text) == 2:
        defects.append("two_digit_year")
    else:
        year = int(year_text)
    if year is not None and written_date is not None and year != written_date.year:
        defects.append("year_mismatch")
    normalized = f"{code}〔{year_text}〕{int(number)}号"
    return DocNoCheck(printed, normalized, defects, "standard", year, code.strip())


def is_doc_no(text: str) -> bool:
    """True when ``text`` (a whole line) has the shape of a 文号 — standard, order or registration."""
    compact = p.SPACE_RUN.sub("", _clean(text)).translate(_FULLWIDTH_DIGITS)
    if not compact or len(compact) > 40:
        return False
    if p.REGISTRATION_NO.match(compact) or p.DOC_NO_ORDER.match(compact):
        return True
    match = p.DOC_NO_BRACKETED.match(compact)
    # A line of plain words followed by a number ("第一章 12") is not a 文号: require a bracket
    # or 号 so that body lines are not mistaken for one.
    return bool(match and (match.group("open") or match.group("close")) and len(match.group("year")) == 4)


def find_doc_nos(text: str) -> list[str]:
    """The 文号 named in running text, e.g. 《…》（国办发〔2019〕54号）, in order, without repeats."""
    found: list[str] = []
    for match in p.DOC_NO_IN_TEXT.finditer(text):
        value = p.DOC_NO_LEAD_WORDS.sub("", match.group("doc_no"))
        value = p.SPACE_RUN.sub("", value)
        if value and value not in found:
            found.append(value)
    return found


def is_canonical(text: str) -> bool:
    """True when ``text`` is already a GB/T 9704 文号 that :func:`check_doc_no` keeps as it is."""
    return p.DOC_NO_CANONICAL.match(text) is not None


def doc_no_code(doc_no: str | None) -> str | None:
    """The 发文机关代字 of a 文号 (鸿政 in 鸿政〔2020〕53号), or None."""
    return check_doc_no(doc_no).code if doc_no else None


def doc_no_year(doc_no: str | None) -> int | None:
    """The four-digit year of a 代字+年份 文号, whatever its bracket style, or None."""
    if not doc_no:
        return None
    check = check_doc_no(doc_no)
    return check.year if check.kind == "standard" else None
