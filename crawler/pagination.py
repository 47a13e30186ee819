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


def _guess_from_pattern(page: Page) -> str | None:
    """``?page=N`` links without the current number printed: take the link to page N+1."""
    current = current_page_number(page.url)
    for anchor in page.anchors():
        if current_page_number(anchor.url) == current + 1 and _same_series(anchor.url, page.url):
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
    found = trs_next(page)
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
