"""文号 (发文字号) checks for documents that arrive without extraction's own checks (import-docs).

GB/T 9704-2012 §7.2.5: 发文机关代字 + the full year in 六角括号 〔〕 + a serial without 第 and
without leading zeros + 号. Orders (令) are numbered "第N号" with no year and are not defects.
The printed form is never changed; the normalised form is stored beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CANONICAL = re.compile(
    r"^(?P<code>[\u4e00-\u9fa5A-Za-z]{1,20}?)〔(?P<year>(?:19|20)\d{2})〕(?P<num>[1-9]\d{0,4})号$"
)
ORDER = re.compile(r"^(?P<code>[\u4e00-\u9fa5A-Za-z]{1,30}?)令?第(?P<num>[1-9]\d{0,5})号$")
#: 代字, any bracket pair (or none), 2- or 4-digit year, optional 第, serial, optional 号.
LOOSE = re.compile(
    r"^(?P<code>[\u4e00-\u9fa5A-Za-z]{1,20}?)\s*(?P<open>[〔\[［(（【〈<]?)\s*(?P<year>(?:19|20)?\d{2})\s*"
    r"(?P<close>[〕\]］)）】〉>]?)\s*(?P<di>第?)\s*(?P<num>\d{1,6})\s*(?P<hao>号?)$"
)
#: the year inside any bracket pair, for cross-checks against 成文日期.
BRACKET_YEAR = re.compile(r"[〔\[［(（【〈]\s*((?:19|20)\d{2})\s*[〕\]］)）】〉]")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_LABEL = re.compile(r"^(?:发文字号|文号|发文号|文件编号)[:：]\s*")


@dataclass(frozen=True)
class DocNoCheck:
    printed: str
    normalized: str | None
    code: str | None
    year: int | None
    defects: list[str] = field(default_factory=list)


def check_doc_no(printed: str) -> DocNoCheck:
    """Validate a 文号 as printed; defects are short names (brackets, two_digit_year, …)."""
    text = _LABEL.sub("", printed.strip())
    defects: list[str] = []
    if text != text.translate(_FULLWIDTH_DIGITS):
        defects.append("fullwidth_digits")
        text = text.translate(_FULLWIDTH_DIGITS)
    if re.search(r"\s", text):
        defects.append("spaces")
    if text in ("", "无", "/", "-"):
        return DocNoCheck(printed, None, None, None, [])
    if (m := CANONICAL.match(text)) is not None:
        return DocNoCheck(printed, text, m["code"], int(m["year"]), defects)
    if (m := ORDER.match(re.sub(r"\s", "", text))) is not None:
        return DocNoCheck(printed, re.sub(r"\s", "", text), m["code"], None, defects)
    m = LOOSE.match(text)
    if m is None:
        return DocNoCheck(printed, None, None, None, [*defects, "unparseable"])
    if (m["open"], m["close"]) != ("〔", "〕"):
        defects.append("brackets" if m["open"] or m["close"] else "no_brackets")
    year = m["year"]
    if len(year) == 2:
        defects.append("two_digit_year")
        year = f"20{year}"
    if m["di"]:
        defects.append("di_in_serial")
    num = m["num"]
    if num.startswith("0"):
        defects.append("leading_zero")
        num = num.lstrip("0") or "0"
    if not m["hao"]:
        defects.append("missing_hao")
    normalized = f"{m['code']}〔{year}〕{num}号"
    return DocNoCheck(printed, normalized, m["code"], int(year), defects)


def is_canonical(text: str) -> bool:
    """True when ``text`` is already a GB/T 9704 文号 (so :func:`check_doc_no` returns it as is)."""
    return CANONICAL.match(text) is not None and text == text.translate(_FULLWIDTH_DIGITS)


def doc_no_code(doc_no: str | None) -> str | None:
    """The 发文机关代字 of a 文号 (鸿政 in 鸿政〔2020〕53号), or None."""
    if not doc_no:
        return None
    return check_doc_no(doc_no).code


def doc_no_year(doc_no: str | None) -> int | None:
    """The year printed in a 文号's brackets, whatever the bracket style."""
    if not doc_no:
        return None
    m = BRACKET_YEAR.search(doc_no.translate(_FULLWIDTH_DIGITS))
    return int(m.group(1)) if m else None


_INDEX_SEGMENT = re.compile(r"[/\-]")


def index_no_year(index_no: str | None) -> int | None:
    """The year segment of an 索引号 (BRIEF §4.3 styles), or None when it shows none.

    The first segment is the agency code and is skipped; a later segment of 4 digits (YYYY),
    6 (YYYYMM) or 8 (YYYYMMDD) that starts with 19/20 is the year.
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
