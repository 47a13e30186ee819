"""Extract a :class:`DocumentRecord` from a detail page (bytes) or from page text.

The cascade, what a reader sees first; a later stage only fills what is still empty, and every
value records where it came from and how sure it is (``record.sources``):

1. the metadata block's specific labels (:mod:`extractors.block`) — visible lines first, then rows
   that templates write with ``document.write``;
2. the page heading (:mod:`extractors.heading`), then the block's generic labels (来源, 时间; a
   来源 only when it names a government body), then the date under the heading;
3. the body text (:mod:`extractors.body`): the 文号 line, the 落款, （此件公开发布）;
4. guesses: ``<meta>`` ArticleTitle, PubDate, ContentSource; the URL (t20200915_ …); ``<title>``.

Then the page's kind (:mod:`extractors.kind`) decides which fields it keeps.

Both entry points are pure and never raise: whatever goes wrong becomes a warning on the record.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any

from gongkai.extractors import patterns as p
from gongkai.extractors.block import Candidate, block_candidates, clustered
from gongkai.extractors.body import BodyFacts, body_facts, body_lines, disclosure_note, main_container
from gongkai.extractors.dates import date_from_url, iter_dates, parse_date
from gongkai.extractors.dom import (
    MAX_TEXT_CHARS,
    Line,
    control_free,
    normalize_space,
    page_elements,
    parse_html,
    revealed_ids,
    script_fragments,
    visible_lines,
    writing_scripts,
)
from gongkai.extractors.encoding import decode
from gongkai.extractors.fields import (
    clean_date,
    clean_text,
    is_government_body,
    normalize_disclosure,
)
from gongkai.extractors.heading import date_under, doc_no_under, page_heading, text_heading
from gongkai.extractors.kind import BLOCK_ONLY_FIELDS, KindSignals, allowed_fields, error_page, page_kind
from gongkai.extractors.links import collect_links, find_boxes, interpreted_policies
from gongkai.extractors.meta import PageMeta, read_meta, title_from_title_element
from gongkai.extractors.values import derived_fields
from gongkai.models.records import METADATA_FIELDS, DocumentRecord, FieldSource

_log = logging.getLogger(__name__)
#: Characters of body text kept on the record (classifiers need the text, not a book).
MAX_BODY_CHARS = 200_000
_DATE_FIELDS = ("written_date", "published_date")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"[0-9０-９一二三四五六七八九〇零]")


@dataclass
class _Draft:
    """Field values as they are being filled, with their sources."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, FieldSource] = field(default_factory=dict)
    disclosure_raw: str | None = None
    registration_no: str | None = None
    warnings: list[str] = field(default_factory=list)

    def filled(self) -> set[str]:
        """The fields that have a value."""
        return {name for name, value in self.values.items() if value is not None}

    def fill(
        self,
        name: str,
        value: Any,
        stage: str,
        label: str | None,
        raw: str | None,
        confidence: float | None = None,
    ) -> bool:
        if value is None or self.values.get(name) is not None:
            return False
        if confidence is None:
            confidence = p.SOURCE_CONFIDENCE.get((stage, label), p.STAGE_CONFIDENCE[stage])
        self.values[name] = value
        self.sources[name] = FieldSource(stage=stage, label=label, raw=raw, confidence=confidence)  # type: ignore[arg-type]
        return True


def _value_for(name: str, raw: str) -> Any:
    if name in _DATE_FIELDS:
        return clean_date(raw)
    if name == "disclosure":
        return normalize_disclosure(raw)[0]
    value = clean_text(raw)
    if name == "publisher" and value is not None:
        # "来源：…局 2024-02-23 15:16": a body's name holds no date; an unlabelled one ends it.
        start = next((start for start, _end, _value in iter_dates(value)), 0)
        if start > 0:
            value = clean_text(value[:start])
    if name == "validity" and value is not None:
        return p.VALIDITY_MAP.get(value, value)
    if name == "doc_no" and value is not None and not _DIGIT.search(value):
        return None  # an empty template ("〔〕号") prints no number
    return value


def _fill_from_candidates(draft: _Draft, candidates: list[Candidate], generic: bool) -> None:
    """Fill fields from block candidates: visible before script-written, specific labels first."""
    by_field: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_field.setdefault(candidate.field, []).append(candidate)
    for name, found in by_field.items():
        cutoff = p.GENERIC_LABEL_FROM.get(name)
        if cutoff is not None:
            found = [c for c in found if (c.rank >= cutoff) == generic]
        elif generic:
            continue
        if name not in ("registration_no", "disclosure") and draft.values.get(name) is not None:
            continue  # filled by a more reliable source: no candidate can change it
        for candidate in sorted(found, key=lambda c: (c.from_script, c.rank, c.position)):
            if name == "registration_no":
                value = clean_text(candidate.value)
                if value and draft.registration_no is None:
                    draft.registration_no = value
                continue
            if name == "disclosure":
                value, unrecognised = normalize_disclosure(candidate.value)
                if value is None and unrecognised and draft.disclosure_raw is None:
                    draft.disclosure_raw = unrecognised
            else:
                value = _value_for(name, candidate.value)
            if name == "publisher" and generic and not is_government_body(value):
                continue  # 来源：本网 / 新华社 / …日报 names no publisher
            sure = p.STAGE_CONFIDENCE["block"]
            if generic:
                sure = p.GENERIC_LABEL_CONFIDENCE
            elif candidate.from_script:
                sure = p.SCRIPT_BLOCK_CONFIDENCE
            raw = normalize_space(candidate.value) or None
            if draft.fill(name, value, "block", candidate.label, raw, sure):
                break


def _fill_from_meta(draft: _Draft, meta: PageMeta, names: tuple[str, ...]) -> None:
    for name in names:
        found = meta.first(p.META_FIELDS[name])
        if not found:
            continue
        tag, content = found
        if name == "publisher" and (
            (meta.site_name and content == meta.site_name) or not is_government_body(content)
        ):
            continue  # ContentSource that repeats the site name, 本网 or a newspaper says nothing
        if name == "title" and meta.site_name and content == meta.site_name:
            continue
        value = parse_date(content) if name in _DATE_FIELDS else clean_text(content)
        draft.fill(name, value, "meta", tag, content)


def _fill_from_body(draft: _Draft, facts: BodyFacts) -> None:
    if facts.doc_no:
        draft.fill("doc_no", facts.doc_no, "body", "文号行", facts.doc_no)
    if facts.written_date:
        draft.fill("written_date", facts.written_date, "body", "落款日期", facts.written_date_raw)
    if facts.signatory:
        draft.fill("publisher", clean_text(facts.signatory), "body", "落款", facts.signatory)
    if facts.disclosure_note:
        value, _ = normalize_disclosure(facts.disclosure_note)
        draft.fill("disclosure", value, "body", "此件", f"（此件{facts.disclosure_note}）")
    if facts.registration_no and draft.registration_no is None:
        draft.registration_no = facts.registration_no


def _page_kind(
    draft: _Draft,
    lines: list[Line],
    body: list[Line],
    candidates: list[Candidate],
    *,
    has_signature: bool,
    link_chars: int,
    dated_heading: bool,
) -> str:
    """What the page is (``kind.page_kind``), from what was read of it; notes a missing block."""
    visible = sum(len(line.text) for line in lines)
    has_block = _has_block(candidates)
    if not has_block:
        draft.warnings.append("no metadata block")
    return page_kind(
        KindSignals(
            has_block=has_block,
            has_doc_no=draft.values.get("doc_no") is not None,
            has_signature=has_signature,
            title=draft.values.get("title"),
            visible_chars=visible,
            link_chars=link_chars,
            body_chars=sum(len(line.text) - line.link_chars for line in body),
            error_text=error_page(lines, visible),
            dated_heading=dated_heading,
        )
    )


def _finish(
    draft: _Draft, url: str, body: list[Line], is_interpretation: bool, kind: str = "document", **extra: Any
) -> DocumentRecord:
    """Validate and normalise what was found into the record (``extra``: further record fields).

    The record is built in one validated call: assigning its fields one by one would validate
    each assignment.
    """
    allowed = allowed_fields(kind)
    for name in [name for name in draft.values if name not in allowed]:
        draft.values.pop(name)
        draft.sources.pop(name, None)
    if kind == "news" and "publisher" in draft.sources and draft.sources["publisher"].stage != "block":
        draft.values.pop("publisher")
        draft.sources.pop("publisher")
    if kind != "document":
        draft.registration_no = None
        draft.disclosure_raw = None
    values = draft.values
    if values.get("published_date") is None and "published_date" in allowed:
        from_url = date_from_url(url)
        draft.fill("published_date", from_url, "url", None, url if from_url else None)
    fields: dict[str, Any] = {name: values[name] for name in METADATA_FIELDS if values.get(name) is not None}
    doc_no, index_no = fields.get("doc_no"), fields.get("index_no")
    written, published = fields.get("written_date"), fields.get("published_date")
    topic, registration_no = fields.get("topic"), draft.registration_no
    fields.update(derived_fields(doc_no, index_no, written, published, topic, registration_no))
    if written and published and written > published:
        draft.warnings.append("成文日期 is after 发布日期")
    text = "\n".join(line.text for line in body)
    return DocumentRecord(
        url=url,
        **fields,
        sources=dict(draft.sources),
        disclosure_raw=draft.disclosure_raw,
        body_text=text[:MAX_BODY_CHARS],
        is_interpretation=is_interpretation,
        page_kind=kind,
        warnings=list(dict.fromkeys(draft.warnings)),
        **extra,
    )


def _has_block(candidates: list[Candidate]) -> bool:
    """True when the page's labels name one of a document's own fields with a value."""
    for candidate in candidates:
        cutoff = p.GENERIC_LABEL_FROM.get(candidate.field)
        specific = candidate.field in BLOCK_ONLY_FIELDS or (
            candidate.field == "publisher" and cutoff is not None and candidate.rank < cutoff
        )
        if not specific:
            continue
        if clean_text(candidate.value):
            return True
    return False


def _looks_like_interpretation(title: str | None, column: str | None) -> bool:
    if title and p.INTERPRETATION_TITLE.search(title):
        return True
    return bool(column and p.INTERPRETATION_COLUMN.search(column))


def _extract_html(
    markup: str | bytes, url: str, warnings: list[str], known_control_free: bool = False
) -> DocumentRecord:
    root = parse_html(markup, known_control_free)
    if root is None:
        record = DocumentRecord(url=url, warnings=[*warnings, "empty page"])
        return record
    draft = _Draft(warnings=warnings)
    meta = read_meta(root)
    elements = page_elements(root)
    codes = writing_scripts(elements.scripts)
    lines = visible_lines(root, revealed=revealed_ids(codes))
    script_lines: list[Line] = []
    for fragment in script_fragments(codes):
        start = len(lines) + len(script_lines)
        script_lines.extend(visible_lines(fragment, start_index=start, from_script=True))
    candidates = clustered(block_candidates(lines) + block_candidates(script_lines))

    # What a reader sees first: the block's specific labels, the heading, the block's generic
    # labels (来源, 时间), the date under the heading; only then <meta>.
    _fill_from_candidates(draft, candidates, generic=False)
    hints = [h for h in (meta.title_element, (meta.first(p.META_FIELDS["title"]) or ("", ""))[1]) if h]
    # A block that gave the title and the date leaves nothing for the heading to give.
    needs_heading = draft.values.get("title") is None or draft.values.get("published_date") is None
    title_tag = title_from_title_element(meta.title_element, meta.site_name)
    titles = [t for t in (title_tag, (meta.first(p.META_FIELDS["title"]) or ("", ""))[1]) if t]
    heading = page_heading(lines, hints, meta.site_name, titles) if needs_heading else None
    if heading is not None:
        draft.fill("title", clean_text(heading.text), "body", "标题", heading.text)
    _fill_from_candidates(draft, candidates, generic=True)
    found = date_under(lines, heading.last_index) if heading is not None else None
    if draft.values.get("published_date") is None and found is not None:
        draft.fill("published_date", found[0], "body", "标题下日期", found[1])
    _fill_from_meta(draft, meta, ("title", "published_date"))

    main = main_container(lines)
    body = body_lines(lines, main)
    known = draft.filled()
    facts = body_facts(body, known)
    if facts.disclosure_note is None and "disclosure" not in known:
        # The 公开属性 note is specific enough to trust anywhere on the page (a text that is
        # mostly a table can push it out of the main block).
        facts = replace(facts, disclosure_note=disclosure_note(lines[-400:]))
    _fill_from_body(draft, facts)
    if draft.values.get("doc_no") is None and heading is not None:
        under = doc_no_under(lines, heading.last_index)
        draft.fill("doc_no", under, "body", "文号行", under)
    # ContentSource is a guess: the 落款 a reader sees names the publisher first.
    _fill_from_meta(draft, meta, ("publisher",))
    draft.fill("title", title_tag, "meta", "<title>", meta.title_element)

    kind = _page_kind(
        draft,
        lines,
        body,
        candidates,
        has_signature=facts.signatory is not None,
        link_chars=sum(line.link_chars for line in lines),
        dated_heading=found is not None or meta.first(p.META_FIELDS["title"]) is not None,
    )
    is_interpretation = _looks_like_interpretation(draft.values.get("title"), meta.column_name)
    policies = (
        interpreted_policies(draft.values.get("title"), [line.text for line in body[:6]])
        if is_interpretation
        else []
    )
    boxes = find_boxes(lines, main)
    links, attachments = collect_links(
        elements, url, main, boxes, is_interpretation, [policy.title for policy in policies if policy.title]
    )
    for policy in policies:
        if policy.title is None:
            continue
        named = [link for link in links if link.kind == "policy" and policy.title in link.text]
        if named:
            policy.url = named[0].url
    return _finish(
        draft,
        url,
        body,
        is_interpretation,
        kind,
        links=links,
        attachments=attachments,
        has_interpretation_box=boxes.has_interpretation_box,
        interprets=policies,
    )


def extract(raw: bytes, url: str, content_type: str | None = None) -> DocumentRecord:
    """Read one page's bytes (any encoding) into a record. Pure; never raises."""
    try:
        warnings: list[str] = []
        decoded = decode(raw, content_type)
        if decoded.note:
            # Mixed or mis-declared encodings: one line per page, naming it (never silence).
            warnings.append(decoded.note)
            _log.warning("%s: %s", url, decoded.note)
        if len(decoded.text) > MAX_TEXT_CHARS:
            warnings.append(f"page cut to its first {MAX_TEXT_CHARS} characters")
        clean = control_free(raw, decoded.text, decoded.encoding)
        if clean and decoded.method == "utf-8" and not warnings:
            # Valid UTF-8 without a BOM, nothing to remove or cut: libxml2 reads the bytes as
            # they are, faster than the decoded string (the same tree).
            return _extract_html(raw, url, warnings, clean)
        return _extract_html(decoded.text, url, warnings, clean)
    except Exception as exc:  # the contract: a record, never an exception
        # One line (the traceback only at debug level): a bad page is not a crash.
        _log.warning("extraction failed for %s: %s: %s", url, type(exc).__name__, str(exc)[:200])
        _log.debug("extraction failed for %s", url, exc_info=True)
        return _failed(url, exc)


def _failed(url: str, exc: BaseException) -> DocumentRecord:
    try:
        return DocumentRecord(url=url, warnings=[f"extraction failed: {type(exc).__name__}: {exc}"[:500]])
    except Exception:
        return DocumentRecord(url="", warnings=["extraction failed"])


# --- plain text ----------------------------------------------------------------------------------


def text_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    for raw in text[:MAX_TEXT_CHARS].splitlines():
        cleaned = normalize_space(p.LINE_BULLET.sub("", raw))
        if cleaned:
            lines.append(Line(cleaned, None, len(lines)))
    return lines


def _text_body(lines: list[Line], candidates: list[Candidate]) -> list[Line]:
    """Page text after the metadata block (the block is the run of label lines at the top)."""
    last_label = max((c.position for c in candidates), default=-1)
    # A value on its own line follows its label line.
    start = last_label + 1
    if 0 <= last_label < len(lines) - 1 and p.LABEL_ONLY_LINE.match(lines[last_label].text):
        start += 1
    return lines[start:] if start < len(lines) else lines


def _plausible_heading(text: str) -> bool:
    return 6 <= len(text) <= 120 and bool(_CJK.search(text)) and not _is_label_text(text)


def _is_label_text(text: str) -> bool:
    return bool(p.LABEL_START_LINE.match(text) or p.LABEL_ONLY_LINE.match(text))


def _text_heading(lines: list[Line], candidates: list[Candidate], body: list[Line]) -> str | None:
    """A text page's title: the line right above its first label line ("发表时间:…"), else the
    first plausible line of the body."""
    first_label = min((c.position for c in candidates), default=None)
    if first_label:
        above = lines[first_label - 1].text
        if _plausible_heading(above):
            return above
    return next((line.text for line in body if _plausible_heading(line.text)), None)


def extract_text(text: str, url: str) -> DocumentRecord:
    """Read a page given as plain text (label–value pairs in running text). Never raises."""
    try:
        lines = text_lines(text or "")
        draft = _Draft()
        if len(text or "") > MAX_TEXT_CHARS:
            draft.warnings.append(f"text cut to its first {MAX_TEXT_CHARS} characters")
        # A text page's block is at its top: labels deep in the body (a quoted "来源：") do not count.
        candidates = clustered([c for c in block_candidates(lines) if c.position < 60])
        _fill_from_candidates(draft, candidates, generic=False)
        _fill_from_candidates(draft, candidates, generic=True)
        body = _text_body(lines, candidates)
        facts = body_facts(body, draft.filled())
        _fill_from_body(draft, facts)
        first_label = min((c.position for c in candidates), default=None)
        last_label = max((c.position for c in candidates), default=None)
        heading = text_heading(lines, first_label, last_label)
        found = date_under(lines, heading.last_index) if heading is not None else None
        if heading is not None:
            draft.fill("title", clean_text(heading.text), "body", "标题行", heading.text)
        elif first_label is not None:
            # No line reads as a title: the line right above the block, if plausible.
            fallback = _text_heading(lines, candidates, [])
            draft.fill("title", fallback, "body", "标题行", fallback)
        if found is not None:
            draft.fill("published_date", found[0], "body", "标题下日期", found[1])
        if heading is not None and draft.values.get("doc_no") is None:
            under = doc_no_under(lines, heading.last_index)
            draft.fill("doc_no", under, "body", "文号行", under)
        title = draft.values.get("title")
        kind = _page_kind(
            draft,
            lines,
            body,
            candidates,
            has_signature=facts.signatory is not None,
            link_chars=0,  # plain text has no link markup
            dated_heading=found is not None,
        )
        is_interpretation = _looks_like_interpretation(title, None)
        record = _finish(draft, url, body, is_interpretation, kind)
        # In text only a box heading proper counts (相关解读/政策解读), not a tab such as 图片解读.
        headings = {line.text.strip(" ：:【】") for line in lines}
        record.has_interpretation_box = any(
            heading.startswith(("相关", "政策")) for heading in headings & p.INTERPRETATION_BOX_HEADINGS
        )
        if is_interpretation:
            record.interprets = interpreted_policies(title, [line.text for line in body[:6]])
        return record
    except Exception as exc:
        _log.exception("text extraction failed for %s", url)
        return _failed(url, exc)


def debug_lines(raw: bytes) -> list[str]:
    """The visible lines of a page, for ``gongkai extract --lines`` and for debugging templates."""
    root = parse_html(decode(raw).text)
    if root is None:
        return []
    return [
        line.text for line in visible_lines(root, revealed=revealed_ids(writing_scripts(root.iter("script"))))
    ]


__all__ = ["extract", "extract_text"]
