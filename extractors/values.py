"""One normaliser: how a printed value becomes a field value, whichever way a document comes in.

A crawled page (:func:`gongkai.extractors.extract`) and a line of ``gongkai import-docs``
(:mod:`gongkai.audits.importer`) both hand their printed values to the functions here, so a date,
a 公开属性, a 文号 or an 索引号 is decided once, the same way, and gets the same defect codes. The
vocabularies behind them (label words, 公开属性 wordings, 解读 wording, paging words) live in
:mod:`gongkai.extractors.patterns`; the audit, linking and the crawler read them through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gongkai.extractors import patterns as p
from gongkai.extractors.dates import parse_date
from gongkai.extractors.doc_no import check_doc_no, doc_no_code, doc_no_year, find_doc_nos, is_canonical
from gongkai.extractors.fields import clean_date, clean_text, normalize_disclosure, topic_levels
from gongkai.extractors.index_no import check_index_no, index_no_year

#: The printed metadata fields (the DocumentRecord fields a page or an import line gives as text).
TEXT_FIELDS = ("title", "index_no", "doc_no", "publisher", "topic", "validity")
DATE_FIELDS = ("written_date", "published_date")
PRINTED_FIELDS = (*TEXT_FIELDS, *DATE_FIELDS, "disclosure")

__all__ = [
    "DATE_FIELDS",
    "PRINTED_FIELDS",
    "TEXT_FIELDS",
    "Normalised",
    "check_doc_no",
    "check_index_no",
    "clean_date",
    "clean_text",
    "derived_fields",
    "doc_no_code",
    "doc_no_year",
    "find_doc_nos",
    "index_no_year",
    "is_canonical",
    "is_next_page_word",
    "is_paging_word",
    "names_interpretation",
    "normalise_printed",
    "normalize_disclosure",
    "parse_date",
    "topic_levels",
]


@dataclass
class Normalised:
    """Printed values turned into field values."""

    values: dict[str, Any] = field(default_factory=dict)
    #: 公开属性 as printed when it maps onto none of the four values.
    disclosure_raw: str | None = None
    #: Date fields whose printed text is there but is no date (the caller decides what that means).
    not_dates: list[str] = field(default_factory=list)


def normalise_printed(printed: Mapping[str, str | None]) -> Normalised:
    """Every printed field of ``printed`` (keys from :data:`PRINTED_FIELDS`) as its field value."""
    out = Normalised()
    for name in TEXT_FIELDS:
        out.values[name] = clean_text(printed.get(name))
    for name in DATE_FIELDS:
        text = clean_text(printed.get(name))
        value = parse_date(text) if text else None
        if text and value is None:
            out.not_dates.append(name)
        out.values[name] = value
    value, raw = normalize_disclosure(printed.get("disclosure"))
    out.values["disclosure"] = value
    out.disclosure_raw = raw
    return out


def derived_fields(
    doc_no: str | None,
    index_no: str | None,
    written: date | None,
    published: date | None,
    topic: str | None,
    registration_no: str | None = None,
) -> dict[str, Any]:
    """What the record derives from its printed values: normalised 文号 and its defects, 索引号
    defects, the registration number a 文号 may be, the topic's levels."""
    derived: dict[str, Any] = {"registration_no": registration_no, "topic_levels": topic_levels(topic)}
    if doc_no:
        check = check_doc_no(doc_no, written)
        derived["doc_no_normalized"] = check.normalized
        derived["doc_no_defects"] = list(check.defects)
        if check.kind == "registration" and registration_no is None:
            derived["registration_no"] = check.normalized
    if index_no:
        derived["index_no_defects"] = list(check_index_no(index_no, written, published).defects)
    return derived


def names_interpretation(text: str | None) -> bool:
    """True when a link's or a title's words name an interpretation (解读, 图解, 答记者问 …)."""
    return bool(text and p.INTERPRETATION_LINK_TEXT.search(text))


def is_paging_word(text: str | None) -> bool:
    """True for the text of a pager link (上一页, 下一页, 尾页, a page number, an arrow)."""
    return bool(text and p.PAGING_WORDS.match(text.strip()))


def is_next_page_word(text: str | None) -> bool:
    """True for the text of a link to the next page of a list (下一页, next, >)."""
    return bool(text and p.NEXT_PAGE_WORDS.match(text.strip()))
