"""The classification entry points the rest of gongkai calls.

PLACEHOLDER until the classification issue (#5) lands: keyword rules only. The signatures are the
contract (``classify_inputs`` for JSON-lines input, ``classify_records`` for stored documents).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.records import Classification, DocumentRecord


@dataclass(frozen=True)
class ClassifierInput:
    title: str
    text: str = ""
    publisher: str | None = None
    doc_no: str | None = None


def classify_inputs(items: Sequence[ClassifierInput]) -> list[Classification]:
    return [_rules(item) for item in items]


def classify_records(records: Sequence[DocumentRecord]) -> list[Classification]:
    return classify_inputs(
        [ClassifierInput(r.title or "", r.body_text[:2000], r.publisher, r.doc_no) for r in records]
    )


def _rules(item: ClassifierInput) -> Classification:
    title = item.title
    if any(word in title for word in ("解读", "答记者问", "图解", "一图读懂", "问答")):
        return Classification(doc_type="interpretation")
    if any(word in title for word in ("办法", "规定", "细则", "实施意见", "若干措施", "实施方案")):
        return Classification(doc_type="normative", needs_interpretation=True)
    if any(word in title for word in ("公告", "通告", "公示")):
        return Classification(doc_type="announcement")
    return Classification()
