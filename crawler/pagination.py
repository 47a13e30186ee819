"""Finding the next page of a column list, whatever the CMS writes.

Handled, most explicit first: a 下一页/next link; a TRS ``createPageHTML(total, current, "index",
"html")`` script (pages ``index.html``, ``index_1.html`` … ``index_{total-1}.html``, variables
resolved); a numbered link for the page after the current one (``index_N.html``, ``?page=N``,
``?pageNo=N`` …). We only ever return the *next* page: the crawler walks a column page by page
so that a nightly run can stop as soon as it reaches items it already has.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from gongkai.crawler.html import Page, clean
from gongkai.crawler.jsonapi import PAGE_KEYS, with_param
from gongkai.crawler.scope import normalise_url
from gongkai.extractors.values import is_next_page_word

_INDEX_N = re.compile(r"^(?P<stem>.*?)(?P<sep>[_-])(?P<n>\d+)\.(?P<ext>s?html?)$")
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_ASSIGN = r"(?:var\s+|let\s+|const\s+)?{name}\s*=\s*['\"]?(\d+)['\"]?"


def _resolve(arg: str, script: str) -> str:
    arg = arg.strip().strip("'\"")
    if re.fullmatch(r"[A-Za-z_$][\w$]*", arg):
        found = re.search(_ASSIGN.format(name=re.escape(arg)), script)
        if found:
            return found.group(1)
    return arg


def trs_next(page: Page) -> str | None:
    """Next page from a TRS ``createPageHTML`` call (0-based current page)."""
    for script in page.script_texts:
        for match in _CREATE_PAGE.finditer(script):
            args = [_resolve(a, script) for a in match.group(1).split(",")]
            # (total, current, prefix, suffix) possibly after a container id and before a count.
            for i in range(len(args) - 3):
                total, current, prefix, suffix = args[i : i + 4]
                if total.isdigit() and current.isdigit() and prefix and suffix.isalpha():
                    total_n, current_n = int(total), int(current)
                    if current_n + 1 >= total_n:
                        return None
                    return normalise_url(f"{prefix}_{current_n + 1}.{suffix}", page.base)
    return None


_WRITE = re.compile(r"document\.write(?:ln)?\(\s*(['\"])(.*?)(?<!\\)\1\s*[+)]", re.DOTALL)
_COUNT_VAR = re.compile(
    r"\b(?:count_?page|page_?count|total_?pages?|page_?total|max_?page)\s*=\s*['\"]?(\d+)", re.IGNORECASE
)
_CURRENT_VAR = re.compile(
    r"\b(?:current_?page|cur_?page|page_?index|now_?page|page_?no)\s*=\s*['\"]?(\d+)", re.IGNORECASE
)
_STEM_LITERAL = re.compile(r"['\"]([A-Za-z]\w*)_['\"]")


def written_anchors(page: Page) -> list[tuple[str, str]]:
    """(url, text) of links a script writes out with ``document.write("<a href=…>…</a>")``."""
    import lxml.html

    out: list[tuple[str, str]] = []
    for script in page.script_texts:
        for match in _WRITE.finditer(script):
            html = match.group(2).replace('\\"', '"').replace("\\'", "'")
            if "<a" not in html.lower():
                continue
            try:
                root = lxml.html.fragment_fromstring(html, create_parent="div")
            except (ValueError, lxml.etree.ParserError):
                continue
            for element in root.iter("a"):
                href = element.get("href")
                url = normalise_url(href, page.base) if href else None
                if url:
                    out.append((url, clean(element.text_content())))
    return out


def script_pager_next(page: Page) -> str | None:
    """TRS ``document.write`` pagers: a written 下一页 link, or the page variables they are built from.

    ``var countPage = 5; var currentPage = 0; … document.write("<a href='index_" + (currentPage+1)
    + ".html'>下一页</a>")``: the next page is ``index_{current+1}.html`` (0-based, TRS style)
    until ``current + 1`` reaches the count.
    """
    for url, text in written_anchors(page):
        if is_next_page_word(text) and url != page.url:
            return url
    for script in page.script_texts:
        if "document.write" not in script:
            continue
        count, current = _COUNT_VAR.search(script), _CURRENT_VAR.search(script)
        if not count or not current:
            continue
        total_n, current_n = int(count.group(1)), int(current.group(1))
        if current_n + 1 >= total_n:
            return None
        stem_match = _STEM_LITERAL.search(script)
        name = urlsplit(page.url).path.rsplit("/", 1)[-1]
        found = _INDEX_N.match(name)
        stem = stem_match.group(1) if stem_match else found.group("stem") if found else "index"
        ext = found.group("ext") if found else (name.rsplit(".", 1)[-1] if "." in name else "html")
        return normalise_url(f"{stem}_{current_n + 1}.{ext}", page.base)
    return None


def current_page_number(url: str) -> int:
    """1-based page number the URL shows (``index.html`` = 1, ``index_1.html`` = 2, ``?page=3`` = 3)."""
    parts = urlsplit(url)
    for name, value in parse_qsl(parts.query):
        if name.replace("_", "").lower() in PAGE_KEYS and value.isdigit():
            return int(value)
    name = parts.path.rsplit("/", 1)[-1]
    match = _INDEX_N.match(name)
    if match:
        return int(match.group("n")) + 1
    return 1


def _numbered_next(page: Page, current: int) -> str | None:
    wanted = str(current + 1)
    for anchor in page.anchors():
        if clean(anchor.text) == wanted and anchor.url != page.url:
            return anchor.url
    return None


_INDEX_STEMS = ("index", "list", "default", "more")


def _series_key(url: str) -> tuple[str, str] | None:
    """How a URL numbers its page: ("query", param) or ("path", stem); None for an unnumbered page."""
    parts = urlsplit(url)
    for name, value in parse_qsl(parts.query):
        if name.replace("_", "").lower() in PAGE_KEYS and value.isdigit():
            return ("query", name)
    match = _INDEX_N.match(parts.path.rsplit("/", 1)[-1])
    return ("path", match.group("stem")) if match else None


def _continues(anchor_url: str, page_url: str) -> bool:
    """The anchor numbers pages the way this page does (``jd_2.html`` is no page 3 of ``?page=2``)."""
    key, own = _series_key(anchor_url), _series_key(page_url)
    if key is None:
        return False
    if own is not None:
        return key == own
    if key[0] == "query":
        return True
    name = urlsplit(page_url).path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else ""
    return key[1] == stem or key[1].lower() in _INDEX_STEMS


def _guess_from_pattern(page: Page) -> str | None:
    """``?page=N`` links without the current number printed: take the link to page N+1."""
    current = current_page_number(page.url)
    for anchor in page.anchors():
        if (
            current_page_number(anchor.url) == current + 1
            and _same_series(anchor.url, page.url)
            and _continues(anchor.url, page.url)
        ):
            return anchor.url
    return None


def _same_series(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    if pa.netloc != pb.netloc:
        return False
    dir_a, dir_b = pa.path.rsplit("/", 1)[0], pb.path.rsplit("/", 1)[0]
    return dir_a == dir_b


def next_page(page: Page) -> str | None:
    """The URL of the next list page, or None on the last page."""
    for anchor in page.anchors():
        is_next = is_next_page_word(anchor.text) or is_next_page_word(anchor.title)
        if is_next and anchor.url != page.url:
            return anchor.url
    found = trs_next(page) or script_pager_next(page)
    if found:
        return found
    current = current_page_number(page.url)
    numbered = _numbered_next(page, current)
    if numbered and _same_series(numbered, page.url):
        return numbered
    return _guess_from_pattern(page)


def page_url(url: str, number: int) -> str:
    """The URL of page ``number`` of the series ``url`` belongs to (for ``?page=`` series)."""
    for name, value in parse_qsl(urlsplit(url).query):
        if name.replace("_", "").lower() in PAGE_KEYS and value.isdigit():
            return with_param(url, name, number)
    return url
