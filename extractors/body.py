"""The document's own text, and what it says about itself.

The main text is the block of the page with the most paragraph text that is not links (a light
version of the readability score): it wins over navigation, footers and side bars without any
site knowledge. Inside it we look where a 公文 prints its metadata:

* the 文号 on a line of its own under the title (国办函〔2018〕71号),
* the 成文日期 on a line of its own under the signature, in Arabic or Chinese numerals
  (2018年10月27日, 二〇二〇年九月十五日),
* the 公开属性 note, （此件公开发布）/（此件主动公开）/（此件依申请公开）,
* a registration number (HHCR-2023-01005) above the 文号.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from gongkai.extractors import patterns as p
from gongkai.extractors.dates import is_date_line
from gongkai.extractors.doc_no import is_doc_no
from gongkai.extractors.dom import Line, tag_of
from lxml import etree

#: Lines shorter than this carry no weight when looking for the main text.
_MIN_SCORED = 8
#: How far from the top of the text we look for the 文号.
_HEAD_LINES = 12
_TABLE_PARTS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"})


@dataclass(frozen=True)
class BodyFacts:
    doc_no: str | None = None
    registration_no: str | None = None
    written_date: date | None = None
    written_date_raw: str | None = None
    disclosure_note: str | None = None
    #: The issuing body as signed (落款) on the line above the 成文日期.
    signatory: str | None = None


def _lift(element: etree._Element | None, factors: dict[str, float]) -> etree._Element | None:
    """A table part stands for its table: text in cells belongs to the table it lays out."""
    if element is not None and tag_of(element) in _TABLE_PARTS and _hint_factor(element, factors) <= 1.0:
        return next(element.iterancestors("table"), element)
    return element


def main_container(lines: list[Line]) -> etree._Element | None:
    """The element holding the main text: parents of text-heavy lines collect their weight."""
    scores: dict[etree._Element, float] = defaultdict(float)
    # Many lines share a parent (the paragraphs of one text): lift each parent once.
    lifted: dict[etree._Element, tuple[etree._Element, etree._Element | None]] = {}
    # Class and id words repeat (every cell of a table, every item of a list): judged once each.
    factors: dict[str, float] = {}
    for line in lines:
        if line.owner is None or line.from_script:
            continue
        weight = len(line.text) - 2 * line.link_chars
        if weight < _MIN_SCORED:
            continue
        container = line.owner.getparent()
        if container is None:
            continue
        pair = lifted.get(container)
        if pair is None:
            parent = _lift(container, factors)
            pair = lifted[container] = (parent, _lift(parent.getparent(), factors))  # type: ignore[union-attr]
        parent, grandparent = pair
        scores[parent] += weight
        if grandparent is not None:
            scores[grandparent] += weight / 2
    if not scores:
        return None
    weighted = {element: score * _hint_factor(element, factors) for element, score in scores.items()}
    best = max(weighted, key=weighted.__getitem__)
    # A table inside the text (a list of names, a price table) can outweigh the paragraphs around
    # it; when the enclosing block holds most of the weight too, the enclosing block is the text.
    for _ in range(3):
        parent = _lift(best.getparent(), factors)
        if parent is None or weighted.get(parent, 0.0) < 0.75 * weighted[best]:
            break
        best = parent
    return best


def _hint_factor(element: etree._Element, factors: dict[str, float]) -> float:
    """Class and id words tip the balance: "content" helps, "footer"/"copyright" hurt (``factors``:
    the words already judged)."""
    words = f"{element.get('id') or ''} {element.get('class') or ''}"
    factor = factors.get(words)
    if factor is None:
        factor = factors[words] = _words_factor(words)
    return factor


def _words_factor(words: str) -> float:
    if not words.strip():
        return 1.0
    if p.BODY_NEGATIVE_HINTS.search(words):
        return 0.3
    if p.BODY_HINTS.search(words):
        return 1.5
    return 1.0


def body_lines(lines: list[Line], container: etree._Element | None) -> list[Line]:
    if container is None:
        return [line for line in lines if not line.from_script]
    inside = set(container.iter())
    return [line for line in lines if line.owner in inside]


def body_facts(lines: list[Line], known: Collection[str] = ()) -> BodyFacts:
    """文号 under the title, 成文日期 under the signature, 公开属性 note, registration number.

    ``known`` names the fields an earlier, more reliable source has already filled: what could
    only fill those is not looked for (the cascade would drop it anyway).
    """
    texts = [line.text for line in lines]
    doc_no = registration_no = None
    want_doc_no = "doc_no" not in known
    for text in texts[:_HEAD_LINES]:
        # A number in a pair of brackets ("（合自然资规公告[2021]11号）" under a 公告's title): the
        # brackets are not the number's.
        candidate = text[1:-1].strip() if text[:1] in "（(" and text[-1:] in "）)" else text
        if registration_no is None and p.REGISTRATION_NO.match(candidate):
            registration_no = candidate
        elif (
            want_doc_no and doc_no is None and is_doc_no(candidate) and not p.REGISTRATION_NO.match(candidate)
        ):
            doc_no = candidate
    written, written_raw, signatory = _signature(texts, known)
    note = None if "disclosure" in known else disclosure_note(lines)
    return BodyFacts(doc_no, registration_no, written, written_raw, note, signatory)


def disclosure_note(lines: list[Line]) -> str | None:
    """The last （此件公开发布）-style note in ``lines``, spaces removed ("公开发布")."""
    search = p.DISCLOSURE_NOTE.search
    for line in reversed(lines):
        # The note always names 此件; a substring test in C spares the regex on other lines.
        if "件" in line.text:
            match = search(line.text)
            if match:
                return p.SPACE_RUN.sub("", match.group("value"))
    return None


#: Lines of joint signing bodies above a 落款 date (nine-body notices of city bureaus are real).
_MAX_SIGNATORY_LINES = 12


def _signature(texts: list[str], known: Collection[str]) -> tuple[date | None, str | None, str | None]:
    """The 落款 that closes the main document: (成文日期, the date as printed, the signing bodies).

    The first body-name line(s) followed by a date line on a line of its own: on an 印发/转发
    notice the covering notice signs before the attached 办法/方案 (whose own dates come later),
    and an attachment's date comes after the main text's. Joint bodies on several lines (or
    separated by spaces) are joined as printed.
    """
    if {"written_date", "publisher"} <= set(known):
        return None, None, None
    for k in range(1, len(texts)):
        value = is_date_line(texts[k])
        if value is None:
            continue
        names: list[str] = []
        j = k - 1
        while j >= 0 and len(names) < _MAX_SIGNATORY_LINES:
            previous = texts[j].strip()
            if len(previous) > 60 or not p.ORG_SUFFIX.search(previous):
                break
            names.insert(0, previous)
            j -= 1
        if names:
            signed = "".join("".join(p.STAMP_NOTE.sub("", name).split()) for name in names)
            return value, texts[k], signed
    return None, None, None
