"""Turning a printed value into a field value: "无"/"-"/"/" are absent, dates parse, 公开属性 maps
onto the four normalised values, topics split into levels. Values are never invented here."""

from __future__ import annotations

from datetime import date

from gongkai.extractors import patterns as p
from gongkai.extractors.dates import parse_date
from gongkai.extractors.dom import normalize_space

_TRAILING_PUNCTUATION = "；;，,、|｜"


def clean_text(raw: str | None) -> str | None:
    """The value as printed, spaces collapsed, or None when it says "none"."""
    if raw is None:
        return None
    text = normalize_space(raw).strip(_TRAILING_PUNCTUATION + " ")
    if not text or text.lower() in p.ABSENT_VALUES:
        return None
    return text


def clean_date(raw: str | None) -> date | None:
    text = clean_text(raw)
    return parse_date(text) if text else None


def normalize_disclosure(raw: str | None) -> tuple[str | None, str | None]:
    """(normalised value, raw value when it could not be normalised)."""
    text = clean_text(raw)
    if text is None:
        return None, None
    compact = p.SPACE_RUN.sub("", text).strip("（）()[]【】")
    if compact in p.DISCLOSURE_MAP:
        return p.DISCLOSURE_MAP[compact], None
    # "主动公开（全文）", "依申请公开（涉及商业秘密）": the attribute is the leading words.
    for printed in sorted(p.DISCLOSURE_MAP, key=len, reverse=True):
        if len(printed) >= 4 and compact.startswith(printed):
            return p.DISCLOSURE_MAP[printed], None
    return None, text


def topic_levels(topic: str | None) -> list[str]:
    if not topic:
        return []
    return [level for level in p.TOPIC_LEVEL_SEPARATORS.split(topic) if level]


def is_government_body(name: str | None) -> bool:
    """True when ``name`` reads as a government body (…局, …委员会, …人民政府, …中心), not as the site
    itself (本网, 本站), a website, a newspaper, a wire service or a social-media account."""
    if not name:
        return False
    compact = p.SPACE_RUN.sub("", name)
    if p.NOT_A_PUBLISHER.search(compact):
        return False
    bare = p.TRAILING_PARENTHESES.sub("", compact)
    return bool(p.GOVERNMENT_BODY_END.search(bare))
