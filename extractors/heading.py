"""The page's heading: the document's title as a reader sees it above the text.

A heading is a line in an ``<h1>``–``<h6>`` or in an element whose class or id names a title
(``div.gab-detail-title``, ``div.Article_bt``); a heading broken by ``<br>`` is joined. Among the
candidates the one that the ``<title>`` element or ``<meta name="ArticleTitle">`` repeats wins,
then the most heading-like tag; breadcrumbs, column names, the site's own name and link lines
never count. Nothing here knows a site: the hints are in :mod:`extractors.patterns`.
"""

from __future__ import annotations

from gongkai.extractors import patterns as p
from gongkai.extractors.dom import Line, tag_of
from lxml import etree

#: How many lines from the top of the page a heading may sit (menus can be long).
_MAX_LINE_INDEX = 600
_HEADING_TAGS = {"h1": 3.0, "h2": 2.5, "h3": 2.0, "h4": 1.5, "h5": 1.2, "h6": 1.2}


def _hint_weight(element: etree._Element) -> float:
    weight = _HEADING_TAGS.get(tag_of(element) or "", 0.0)
    for level, node in enumerate((element, element.getparent())):
        if node is None:
            break
        words = f"{node.get('class') or ''} {node.get('id') or ''}"
        if words.strip() and p.TITLE_HINTS.search(words) and not p.TITLE_NEGATIVE_HINTS.search(words):
            weight = max(weight, 2.0 - 0.5 * level)
    return weight


def _spaceless(text: str) -> str:
    return p.SPACE_RUN.sub("", text)


def _plausible(text: str, site_name: str | None) -> bool:
    compact = _spaceless(text)
    if not (p.MIN_TITLE_CHARS <= len(compact) <= p.MAX_TITLE_CHARS):
        return False
    if not p.CJK.search(compact) or p.BREADCRUMB.search(text) or p.NOT_A_TITLE.search(compact):
        return False
    return not (site_name and compact == _spaceless(site_name))


def page_heading(lines: list[Line], hints: list[str], site_name: str | None) -> str | None:
    """The heading of the page, or None. ``hints``: <title> and ArticleTitle texts."""
    groups: list[tuple[etree._Element, list[Line]]] = []
    for line in lines[:_MAX_LINE_INDEX]:
        owner = line.owner
        if owner is None or line.from_script or line.link_chars * 2 > len(line.text):
            continue
        if groups and groups[-1][0] is owner and groups[-1][1][-1].index == line.index - 1:
            groups[-1][1].append(line)
            continue
        groups.append((owner, [line]))
    compact_hints = [_spaceless(h) for h in hints if h]
    best: tuple[float, int, str] | None = None
    for owner, group in groups:
        weight = _hint_weight(owner)
        if not weight:
            continue
        text = "".join(line.text for line in group[:4]) if len(group) > 1 else group[0].text
        if not _plausible(text, site_name):
            continue
        compact = _spaceless(text)
        score = weight
        if any(compact in hint or (len(hint) >= p.MIN_TITLE_CHARS and hint in compact) for hint in compact_hints):
            score += 3.0
        if p.DOCUMENT_TITLE_END.search(compact):
            score += 1.0
        key = (score, -group[0].index, text)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None
