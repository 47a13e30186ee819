"""What a page offers the crawl, with no side effects: the links to follow from a document page
(its 解读, the policy a 解读 explains, attachments) and the navigation links of a list or index
page (other columns), told apart from paging and page chrome.

The engine (``crawler.engine``) owns the run, the scheduling and every write; list reading lives
in ``crawler.listing``/``pagination``/``jsonapi``/``hanweb``; this module decides which links of a
page are worth an entry in the frontier.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from gongkai.crawler.html import Page, clean, is_asset, is_attachment
from gongkai.crawler.listing import in_chrome
from gongkai.crawler.scope import normalise_url
from gongkai.models.records import DocumentRecord

#: Link texts that point at a policy's interpretation (相关解读 boxes, 政策解读, 图解, 问答).
INTERPRETATION_TEXT = re.compile(r"(解读|图解|问答|答记者问|一图读懂|政策说明)")
#: Labels of a 解读 page's link to the policy it explains (on the link or just before it).
POLICY_LINK_TEXT = re.compile(r"(文件链接|原文链接|相关文件|政策原文|文件原文|原文件|相关政策)\s*[:：]?\s*$")
PAGING_WORDS = re.compile(
    r"^(上一页|下一页|上页|下页|尾页|末页|前页|后页|首页|上一月|下一月|上月|下月|\d+|[<>«»‹›＜＞]+|next|prev)$",
    re.IGNORECASE,
)
_PAGINATED = re.compile(r"(?:^|/)(index|list|default)[_-]\d+\.s?html?$", re.IGNORECASE)


def text_before(element: Any) -> str:
    """The text just before a link in its parent (``文件链接：<a>…</a>``)."""
    previous = element.getprevious()
    if previous is not None:
        return (previous.tail or "")[-20:] or clean(previous.text_content())[-20:]
    parent = element.getparent()
    return (parent.text or "")[-20:] if parent is not None else ""


def icon_in_interpretation_box(element: Any) -> bool:
    """A text-less link (an icon) inside a 相关解读 box."""
    if clean(element.text_content()):
        return False
    node = element.getparent()
    for _level in range(4):
        if node is None:
            return False
        if INTERPRETATION_TEXT.search("".join(node.itertext())):
            return True
        node = node.getparent()
    return False


def document_links(record: DocumentRecord, page: Page, own_url: str) -> dict[str, tuple[str, str]]:
    """URL → (kind, link text) of what a document page links to that the crawl must fetch.

    Interpretations (the extractor's, 解读/图解/问答 texts, icons in a 相关解读 box), the policy a
    解读 explains (文件链接/原文链接/相关文件), and attachments. Links in breadcrumb, navigation,
    header or footer chrome are never 解读 or policy links (a 解读 page's breadcrumb names the
    政策解读 column).
    """
    base_url = page.base
    found: dict[str, tuple[str, str]] = {}
    for link in record.links:
        url = normalise_url(link.url, base_url)
        if url and link.kind in ("interpretation", "policy", "attachment"):
            found[url] = (link.kind, link.text)
    for attachment in record.attachments:
        url = normalise_url(attachment.url, base_url)
        if url:
            found[url] = ("attachment", attachment.text)
    chrome = {a.url for a in page.anchors() if in_chrome(a.element)}
    for url in [u for u, (kind, _t) in found.items() if kind != "attachment" and u in chrome]:
        del found[url]
    for anchor in page.anchors():
        if anchor.url in found or anchor.url == own_url or is_asset(anchor.url):
            continue
        if is_attachment(anchor.url):
            found[anchor.url] = ("attachment", anchor.label)
            continue
        if anchor.url in chrome:
            continue
        if INTERPRETATION_TEXT.search(anchor.label) or icon_in_interpretation_box(anchor.element):
            found[anchor.url] = ("interpretation", anchor.label)
        elif POLICY_LINK_TEXT.search(anchor.label) or POLICY_LINK_TEXT.search(text_before(anchor.element)):
            found[anchor.url] = ("policy", anchor.label)
    return found


def nav_candidates(page: Page, own_url: str, skip: set[str]) -> list[str]:
    """Links of a list or index page that may lead to other columns: not items, files or paging."""
    series_dir = urlsplit(own_url).path.rsplit("/", 1)[0]
    out: list[str] = []
    seen = set(skip)
    for anchor in page.anchors():
        url = anchor.url
        if url in seen or is_asset(url) or is_attachment(url):
            continue
        same_dir = urlsplit(url).path.rsplit("/", 1)[0] == series_dir
        if same_dir and PAGING_WORDS.match(anchor.text or anchor.title):
            continue  # the column's own paging links, not other columns
        seen.add(url)
        out.append(url)
    return out


def is_pagination(url: str, path: str, series_dir: str) -> bool:
    """Other pages of the list being read (its numbered links): paging, not navigation."""
    if path.rsplit("/", 1)[0] != series_dir:
        return False
    if _PAGINATED.search(path):
        return True
    query = urlsplit(url).query.lower()
    return bool(re.search(r"(^|&)(page|pageno|pagenum|pageindex|p|currentpage)=\d+", query))
