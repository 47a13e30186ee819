"""文号 for the demo sites: re-dating real ones, planting GB/T 9704 defects, and checking them.

The checker here is the generator's own, used to prove the truth is consistent (a planted
defect really is a defect, every other 文号 really is valid); the audit has its own validator.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gongkai.demo.facts import DOC_NO, ORDER_NO

#: Any year in brackets of any kind, for the 〔year〕 = 成文 year check.
_BRACKET_YEAR = re.compile(r"[〔\[［(（【〈]\s*((?:19|20)\d{2})\s*[〕\]］)）】〉]")


def split(doc_no: str) -> tuple[str, int, int]:
    match = DOC_NO.match(doc_no)
    if not match:
        raise ValueError(f"not a canonical 文号: {doc_no!r}")
    return match.group("code"), int(match.group("year")), int(match.group("num"))


def compose(code: str, year: int, num: int) -> str:
    return f"{code}〔{year}〕{num}号"


def with_year(doc_no: str, year: int) -> str:
    """The same 文号 re-dated to ``year`` (orders 令第N号 carry no year)."""
    if ORDER_NO.match(doc_no):
        return doc_no
    code, _, num = split(doc_no)
    return compose(code, year, num)


def code_of(doc_no: str) -> str | None:
    match = DOC_NO.match(doc_no)
    return match.group("code") if match else None


#: Each planted defect kind: how it is written from a valid 文号 (BRIEF §4.1 deviations).
DEFECTS: dict[str, Callable[[str, int, int], str]] = {
    "square_brackets": lambda c, y, n: f"{c}[{y}]{n}号",
    "half_width_parentheses": lambda c, y, n: f"{c}({y}){n}号",
    "full_width_parentheses": lambda c, y, n: f"{c}（{y}）{n}号",
    "lenticular_brackets": lambda c, y, n: f"{c}【{y}】{n}号",
    "mixed_brackets": lambda c, y, n: f"{c}〔{y}]{n}号",
    "di_before_number": lambda c, y, n: f"{c}〔{y}〕第{n}号",
    "leading_zero": lambda c, y, n: f"{c}〔{y}〕{n:03d}号",
    "missing_hao": lambda c, y, n: f"{c}〔{y}〕{n}",
    "inner_spaces": lambda c, y, n: f"{c} 〔{y}〕 {n}号",
}


def plant(doc_no: str, kind: str) -> str:
    code, year, num = split(doc_no)
    if kind == "leading_zero" and num >= 100:
        num = num % 100 or 7  # a leading zero needs a number below 100
    return DEFECTS[kind](code, year, num)


def is_valid(doc_no: str) -> bool:
    """Canonical 代字〔YYYY〕N号, or an order number 令第N号 (valid without a year)."""
    return bool(DOC_NO.match(doc_no) or ORDER_NO.match(doc_no))


def bracket_year(doc_no: str) -> int | None:
    match = _BRACKET_YEAR.search(doc_no)
    return int(match.group(1)) if match else None
