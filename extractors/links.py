"""Links a page offers: its 相关解读 (interpretations), the policy an interpretation explains,
attachments, related documents — and whether the page has a 解读 box at all.

An empty 相关解读 box is evidence in itself (the CMS has the slot, nobody filled it), so the box is
detected by its heading, not by its links. Navigation links ("政策解读" as a column name in the
site menu) are not interpretations: a link counts only inside a labelled box, or inside the main
text when its words name an interpretation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from gongkai.extractors import patterns as p
from gongkai.extractors.doc_no import find_doc_nos
from gongkai.extractors.dom import Line, PageElements, is_inside, normalize_space, tag_of
from gongkai.models.records import Attachment, InterpretedPolicy, Link
from lxml import etree

_HEADING_TRIM = re.compile(r"[\s:：【】\[\]［］<>《》「」|｜>＞»·•]+")
#: A box is small: a heading and a list. Anything bigger is a page section.
_MAX_BOX_LINES = 60
_LONGEST_EXTENSION = max(len(ext) for ext in p.ATTACHMENT_EXTENSIONS)
#: Characters at the end of a link's text that :func:`_may_name_file` looks at.
_TEXT_TAIL = 64
_URL_DROPPED = str.maketrans("", "", "\t\r\n")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#")


@dataclass
class Boxes:
    interpretation: list[etree._Element] = field(default_factory=list)
    policy: list[etree._Element] = field(default_factory=list)
    related: list[etree._Element] = field(default_factory=list)
    #: True when a 相关解读 heading is on the page, even with nothing under it.
    has_interpretation_box: bool = False


def _heading_kind(text: str) -> str | None:
    key = _HEADING_TRIM.sub("", text)
    if key in p.INTERPRETATION_BOX_HEADINGS:
        return "interpretation"
    if key in p.POLICY_BOX_HEADINGS:
        return "policy"
    if key in p.RELATED_BOX_HEADINGS:
        return "related"
    return None


def _box_of(heading: Line, lines_by_owner: dict[etree._Element, int]) -> etree._Element | None:
    """The smallest ancestor of a heading that holds links besides the heading (≤ 2 levels)."""
    element = heading.owner
    if element is None:
        return None
    box = element.getparent()
    candidate = box
    for _ in range(2):
        if candidate is None:
            break
        if lines_by_owner.get(candidate, 0) > _MAX_BOX_LINES:
            break
        anchors = [a for a in candidate.iter("a") if a.get("href") and not is_inside(a, element)]
        if anchors:
            return candidate
        candidate = candidate.getparent()
    return box


def find_boxes(lines: list[Line], main: etree._Element | None) -> Boxes:
    boxes = Boxes()
    headings = [
        (line, kind)
        for line in lines
        if len(line.text) <= 12 and line.owner is not None and not line.from_script
        for kind in [_heading_kind(line.text)]
        if kind is not None and line.link_chars < len(line.text)
    ]
    if not headings:
        return boxes
    # How many lines each element holds, to keep boxes small (counted once, only when needed).
    lines_by_owner: dict[etree._Element, int] = {}
    for line in lines:
        element = line.owner
        depth = 0
        while element is not None and depth < 6:
            lines_by_owner[element] = lines_by_owner.get(element, 0) + 1
            element = element.getparent()
            depth += 1
    for line, kind in headings:
        box = _box_of(line, lines_by_owner)
        if box is None or (main is not None and is_inside(main, box)):
            continue
        getattr(boxes, kind).append(box)
        if kind == "interpretation":
            boxes.has_interpretation_box = True
    return boxes


def _attachment_type(url: str, text: str) -> str | None:
    match = _url_names_file(url) or p.ATTACHMENT_TEXT.search(text)
    return match.group("ext").lower() if match else None


def _url_names_file(url: str) -> re.Match[str] | None:
    """The file extension at the end of the URL's path, if any."""
    # The path is part of the URL and ends where the URL ends or at "?"/"#", so the pattern can
    # only match the path where it matches the whole URL: test that first (in C), and split the
    # URL (slow, in Python) only for the few links that name a file. (urlsplit drops tabs and
    # line breaks anywhere in a URL; so does the test.)
    tested = url.translate(_URL_DROPPED) if "\n" in url or "\t" in url or "\r" in url else url
    if not p.ATTACHMENT_URL.search(tested):
        return None
    return p.ATTACHMENT_URL.search(_path_of(url))


def _may_name_file(url: str, raw_text: str) -> bool:
    """False only when :func:`_attachment_type` surely finds no file type (a cheap pre-check).

    The text pattern looks at the last visible characters, so normalising the tail of the text is
    enough — unless that tail holds too few of them to contain a whole ".docx".
    """
    if _url_names_file(url):
        return True
    if "." not in raw_text:
        return False  # the text pattern needs a dot (".pdf"), and normalising adds none
    tail = normalize_space(raw_text[-_TEXT_TAIL:])
    return len(tail) < _LONGEST_EXTENSION + 2 or bool(p.ATTACHMENT_TEXT.search(tail))


def _path_of(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:  # a malformed link ("http://[…") is one bad link, not a failed page
        return url


def base_url_of(base: etree._Element | None, url: str) -> str:
    """The URL links are relative to: ``base`` (the page's first ``<base>``) when it has an href."""
    href = base.get("href") if base is not None else None
    if not href:
        return url
    try:
        joined = urljoin(url, href.strip())
        urlsplit(joined).port  # noqa: B018 - a bad port ("http://a:x/") raises here, not later
    except ValueError:  # a malformed <base href="http://[::1"> is ignored, never the record
        return url
    return joined


def collect_links(
    elements: PageElements,
    url: str,
    main: etree._Element | None,
    boxes: Boxes,
    is_interpretation: bool,
    policy_titles: list[str],
) -> tuple[list[Link], list[Attachment]]:
    base = base_url_of(elements.base, url)
    links: list[Link] = []
    attachments: list[Attachment] = []
    seen: set[tuple[str, str]] = set()
    areas = _Areas(main, boxes)
    for anchor in elements.anchors:
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        # Most links are one text node: read it straight, without an itertext() iterator.
        raw_text = anchor.text if not len(anchor) else "".join(anchor.itertext())
        raw_text = raw_text or anchor.get("title") or ""
        # Most links (menus, footers) are dropped unread: their text is normalised only when
        # the link's kind depends on it, or the link is kept, or its text may name a file.
        text = normalize_space(raw_text) if is_interpretation or anchor in areas.main else None
        kind = _classify(anchor, text or "", areas, is_interpretation, policy_titles)
        if text is None:
            if kind is None and not _may_name_file(href, raw_text):
                continue
            text = normalize_space(raw_text)
        file_type = _attachment_type(href, text)
        if kind is None and file_type is None:
            continue
        try:
            target = urljoin(base, href)
        except ValueError:
            continue
        if file_type and kind not in ("interpretation", "policy"):
            kind = "attachment"
            if not any(a.url == target for a in attachments):
                attachments.append(Attachment(url=target, text=text, file_type=file_type))
        if kind is None or (target, kind) in seen:
            continue
        seen.add((target, kind))
        links.append(Link(url=target, text=text, kind=kind))
    return links, attachments


class _Areas:
    """The anchors inside the main text and inside each kind of box, as sets (one walk each)."""

    def __init__(self, main: etree._Element | None, boxes: Boxes) -> None:
        # When no block stands out as the text (a page that is all navigation), list no plain links.
        listed = main is not None and tag_of(main) not in ("html", "body")
        self.main = set(main.iter("a")) if listed and main is not None else set()
        self.interpretation = {a for box in boxes.interpretation for a in box.iter("a")}
        self.policy = {a for box in boxes.policy for a in box.iter("a")}
        self.related = {a for box in boxes.related for a in box.iter("a")}


def _classify(
    anchor: etree._Element,
    text: str,
    areas: _Areas,
    is_interpretation: bool,
    policy_titles: list[str],
) -> str | None:
    """The link's kind, or None for a link we do not list (navigation, footer)."""
    if anchor in areas.interpretation:
        return "policy" if is_interpretation and _names_policy(text, policy_titles) else "interpretation"
    if anchor in areas.policy:
        return "policy" if is_interpretation else "related"
    if anchor in areas.related:
        return "related"
    in_main = anchor in areas.main
    if is_interpretation and (p.POLICY_LINK_TEXT.match(text) or _names_policy(text, policy_titles)):
        return "policy"
    if in_main:
        bare = _HEADING_TRIM.sub("", text) in p.INTERPRETATION_BOX_HEADINGS
        if not bare and p.INTERPRETATION_LINK_TEXT.search(text) and not is_interpretation:
            return "interpretation"
        return "other"
    return None


def _names_policy(text: str, policy_titles: list[str]) -> bool:
    if not text:
        return False
    key = text.strip("《》 ")
    return any(title and (title in text or key == title) for title in policy_titles)


def interpreted_policies(title: str | None, opening_lines: list[str]) -> list[InterpretedPolicy]:
    """What an interpretation page says it interprets: 《titles》 and any 文号 it names.

    The page title names the policy most reliably; the opening paragraph usually repeats the title
    with its 文号 in brackets (《…》（国办发〔2019〕54号）), which completes it.
    """
    found: list[InterpretedPolicy] = []
    texts = [title or "", *opening_lines]
    for index, text in enumerate(texts):
        from_title = index == 0
        for match in p.QUOTED_TITLE.finditer(text):
            name = match.group("title").strip()
            after = text[match.end() : match.end() + 30]
            numbers = find_doc_nos(after) if after[:1] in "（(〔" else []
            number = numbers[0] if numbers else None
            known = next((policy for policy in found if policy.title == name), None)
            if known is not None:
                if known.doc_no is None and number:
                    known.doc_no = number
            elif from_title or not any(policy.title for policy in found):
                found.append(InterpretedPolicy(title=name, doc_no=number))
        for number in find_doc_nos(text):
            if not any(policy.doc_no == number for policy in found):
                found.append(InterpretedPolicy(title=None, doc_no=number))
    return found
