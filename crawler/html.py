"""Parsing crawled HTML once, in the right encoding, and reading its links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from gongkai.crawler.scope import normalise_url
from gongkai.extractors import patterns as p
from gongkai.extractors.encoding import decode

#: The extractor's list (``extractors.patterns``): one vocabulary for what an attachment is.
ATTACHMENT_EXTENSIONS = frozenset(p.ATTACHMENT_EXTENSIONS)
#: Links that are never documents or columns.
ASSET_EXTENSIONS = frozenset(
    {
        "css", "js", "jpg", "jpeg", "png", "gif", "bmp", "ico", "svg", "webp", "tif", "tiff",
        "mp3", "mp4", "avi", "wmv", "flv", "swf", "mov", "woff", "woff2", "ttf", "eot", "xml", "rss",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")


@dataclass
class Anchor:
    url: str
    text: str
    title: str
    element: lxml.html.HtmlElement

    @property
    def label(self) -> str:
        """The fuller of text and title attribute (list titles are often cut with "…")."""
        text, title = self.text, self.title
        if title and (len(title) > len(text) or text.endswith(("...", "…"))):
            return title
        return text


@dataclass
class Page:
    url: str
    text: str
    root: lxml.html.HtmlElement
    base: str
    #: Inline script sources, kept apart: the tree itself has no scripts or styles left.
    script_texts: list[str]
    _anchors: list[Anchor] | None = field(default=None, repr=False, compare=False)

    def anchors(self) -> list[Anchor]:
        """Every link, resolved once per page (list reading, spider and paging all ask for them)."""
        if self._anchors is not None:
            return self._anchors
        out = []
        for element in self.root.iter("a", "area"):
            href = element.get("href")
            if not href:
                continue
            url = normalise_url(href, self.base)
            if url is None:
                continue
            out.append(Anchor(url, clean(element.text_content()), clean(element.get("title") or ""), element))
        self._anchors = out
        return out

    def meta(self, name: str) -> str | None:
        wanted = name.lower()
        for element in self.root.iter("meta"):
            if (element.get("name") or "").lower() == wanted:
                content = clean(element.get("content") or "")
                return content or None
        return None

    def body_text(self) -> str:
        body = self.root.find(".//body")
        node = body if body is not None else self.root
        return clean(node.text_content())


def spaced_text(element: lxml.html.HtmlElement) -> str:
    """An element's text with a space between its parts (``text_content()`` glues table cells:
    "QH-2024-001" + "2024年5月6日" must not read as one run of digits)."""
    return " ".join(part for part in element.itertext() if part and part.strip())


def clean(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


def extension(url: str) -> str:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_attachment(url: str) -> bool:
    return extension(url) in ATTACHMENT_EXTENSIONS


def is_asset(url: str) -> bool:
    return extension(url) in ASSET_EXTENSIONS


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(huge_tree=True)


def parse_page(body: bytes, url: str, content_type: str | None = None) -> Page:
    """Decode with :func:`extractors.encoding.decode` (never trusts a lying charset) and parse."""
    text = decode(body, content_type).text
    try:
        # huge_tree: no depth limit, so links below 255+ nested <div>s are still found.
        root = lxml.html.document_fromstring(text or "<html></html>", parser=_parser())
    except (lxml.etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html></html>")
    # Scripts and styles hold text that is not page content; comments hide old templates.
    for element in list(root.iter(lxml.etree.Comment)):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    scripts = [s.text for s in root.iter("script") if s.text and s.text.strip()]
    for element in list(root.iter("script", "style")):
        element.drop_tree()
    base = url
    for element in root.iter("base"):
        href = element.get("href")
        if href:
            base = normalise_url(href, url) or url
        break
    return Page(url=url, text=text, root=root, base=base, script_texts=scripts)
