"""``<meta>`` tags of the 政府网站发展指引 (ArticleTitle, PubDate, ContentSource, SiteName …) and
the ``<title>`` element."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.extractors import patterns as p
from gongkai.extractors.dom import normalize_space
from lxml import etree

_TAGS = re.compile(r"<[^<>]{0,200}>")


@dataclass
class PageMeta:
    #: lower-cased meta name → content (first non-empty one wins).
    tags: dict[str, str] = field(default_factory=dict)
    title_element: str | None = None

    def first(self, names: tuple[str, ...]) -> tuple[str, str] | None:
        """(name as looked up, content) of the first of ``names`` the page has."""
        for name in names:
            value = self.tags.get(name)
            if value:
                return name, value
        return None

    @property
    def site_name(self) -> str | None:
        found = self.first(p.META_SITE_NAME)
        return found[1] if found else None

    @property
    def column_name(self) -> str | None:
        found = self.first(p.META_COLUMN_NAME)
        return found[1] if found else None


def read_meta(root: etree._Element) -> PageMeta:
    """The page's meta tags. Only the document head counts (Word-exported bodies carry their own)."""
    meta = PageMeta()
    head = root.find("head")
    scope = head if head is not None else root
    for element in scope.iter("meta"):
        name = (element.get("name") or element.get("property") or "").strip().lower()
        # Some CMSs put markup in the content ("标题<div>——副题</div>"): keep the words only.
        content = normalize_space(_TAGS.sub("", element.get("content") or ""))
        if name and content and name not in meta.tags:
            meta.tags[name] = content
    title = scope.find(".//title")
    if title is not None and title.text:
        meta.title_element = normalize_space(title.text) or None
    return meta


def title_from_title_element(title: str | None, site_name: str | None) -> str | None:
    """<title> without the site name around it ("关于…的通知_邯郸市人民政府" → "关于…的通知")."""
    if not title:
        return None
    if site_name and title == site_name:
        return None
    parts = [part for part in p.TITLE_SUFFIX_SEPARATORS.split(title) if part]
    if len(parts) > 1:
        # The article title is the longest piece; site and column names are short and repeated.
        candidates = [part for part in parts if not site_name or part != site_name]
        title = max(candidates or parts, key=len)
    return title or None
