"""Hanweb (大汉) jpage columns: the list is a ``<datastore>`` of records, not page HTML.

The list page carries ``<script type="text/xml"><datastore><nextgroup><![CDATA[<a href=
"/module/web/jpage/dataproxy.jsp?page=1&webid=…&columnid=…">]]></nextgroup><recordset><record>
<![CDATA[<li><a href="/art/…html" title="…">…</a><b>2022-01-20</b></li>]]></record>…</recordset>
</datastore></script>``; the jpage script that renders it names ``totalRecord``, ``perPage`` and
``groupSize``. Further records come from that ``dataproxy.jsp`` with ``startrecord``,
``endrecord`` and ``perpage``, answering the same ``<datastore>``. The jpage script asks for them
by POST (its record range in the form body), and so do we, unless the page's own script calls the
proxy by GET (``$.get(proxyUrl …)``); each group is queued under a URL carrying its range (what
the frontier keys on), which ``crawler.fetch.PostForm`` moves into the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import lxml.html
from gongkai.crawler.dates import find_date
from gongkai.crawler.html import clean, spaced_text
from gongkai.crawler.items import ListItem
from gongkai.crawler.jsonapi import with_param
from gongkai.crawler.scope import normalise_url

if TYPE_CHECKING:
    from gongkai.crawler.html import Page

_RECORD = re.compile(r"<record>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.DOTALL | re.IGNORECASE)
_NEXTGROUP = re.compile(r"<nextgroup>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</nextgroup>", re.DOTALL | re.I)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_TOTAL_TAG = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
_NUMBER = r"""\s*[:=]\s*["']?(\d+)["']?"""
_TOTAL = re.compile(r"\btotal_?record" + _NUMBER, re.IGNORECASE)
_PER_PAGE = re.compile(r"\bper_?page" + _NUMBER, re.IGNORECASE)
_GROUP = re.compile(r"\bgroup_?size" + _NUMBER, re.IGNORECASE)
_PROXY = re.compile(r"""\bproxy_?url\s*[:=]\s*["']([^"']+)["']""", re.IGNORECASE)
#: The page's script calling the proxy by GET (``$.get(proxyUrl …)``, ``type: "GET"``).
_GET_CALL = re.compile(r"""\$\.get(?:JSON)?\(\s*proxy_?url|\b(?:type|method)\s*:\s*["']get["']""", re.I)
#: What a group request carries in its POST body.
RANGE_FIELDS = ("startrecord", "endrecord", "perpage")


@dataclass
class DataStore:
    items: list[ListItem] = field(default_factory=list)
    #: The records this datastore held (an item per record; a record without a link is still counted).
    records: int = 0
    proxy_url: str | None = None
    total: int | None = None
    per_page: int | None = None
    group_size: int | None = None
    #: The page's script asks the proxy by GET (the jpage default is POST).
    by_get: bool = False


def _record_item(fragment: str, base: str) -> ListItem | None:
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None
    best: tuple[str, str] | None = None
    for element in root.iter("a"):
        href = element.get("href")
        url = normalise_url(href, base) if href else None
        if url is None:
            continue
        text, title = clean(element.text_content()), clean(element.get("title") or "")
        label = title if len(title) > len(text) or text.endswith(("...", "…")) else text
        if best is None or len(label) > len(best[1]):
            best = (url, label)
    if best is None or not best[1]:
        return None
    return ListItem(best[0], best[1], find_date(spaced_text(root).replace(best[1], " ")))


def parse_datastore(text: str, base: str) -> DataStore | None:
    """The records of a ``<datastore>`` (a list page's script, or a dataproxy answer)."""
    if "<datastore" not in text.lower() and "<recordset" not in text.lower():
        return None
    store = DataStore()
    seen: set[str] = set()
    for match in _RECORD.finditer(text):
        store.records += 1
        item = _record_item(match.group(1) or match.group(2) or "", base)
        if item is not None and item.url not in seen:
            seen.add(item.url)
            store.items.append(item)
    nextgroup = _NEXTGROUP.search(text)
    if nextgroup:
        href = _HREF.search(nextgroup.group(1) or nextgroup.group(2) or "")
        if href:
            store.proxy_url = normalise_url(href.group(1).replace("&amp;", "&"), base)
    total = _TOTAL_TAG.search(text)
    store.total = int(total.group(1)) if total else None
    return store


def page_datastore(page: Page) -> DataStore | None:
    """The datastore a Hanweb list page carries, with the jpage settings of its scripts."""
    found: DataStore | None = None
    for script in page.script_texts:
        store = parse_datastore(script, page.base)
        if store is not None and (found is None or store.records > found.records):
            found = store
    if found is None:
        return None
    for script in page.script_texts:
        for pattern, name in ((_TOTAL, "total"), (_PER_PAGE, "per_page"), (_GROUP, "group_size")):
            match = pattern.search(script)
            if match and getattr(found, name) is None:
                setattr(found, name, int(match.group(1)))
        proxy = _PROXY.search(script)
        if proxy and found.proxy_url is None:
            found.proxy_url = normalise_url(proxy.group(1), page.base)
        if proxy and _GET_CALL.search(script):
            found.by_get = True
    return found


def hanweb_items(page: Page) -> list[ListItem]:
    store = page_datastore(page)
    return store.items if store is not None else []


def _param(url: str, name: str) -> int | None:
    match = re.search(rf"[?&]{name}=(\d+)", url, re.IGNORECASE)
    return int(match.group(1)) if match else None


def next_group(store: DataStore, current_url: str | None = None) -> str | None:
    """The dataproxy URL of the records after these (None when the column is read to its end).

    ``current_url`` is the dataproxy URL that answered ``store`` (None for the list page itself,
    whose datastore holds records 1…n).
    """
    if store.proxy_url is None and current_url is None:
        return None
    proxy = store.proxy_url or current_url
    assert proxy is not None
    start = _param(current_url, "startrecord") if current_url else None
    end = _param(current_url, "endrecord") if current_url else None
    per_page = store.per_page or (_param(current_url, "perpage") if current_url else None) or None
    if start is None or end is None:
        start, end = 1, store.records
    if store.records == 0:
        return None
    span = end - start + 1
    if store.records < span and current_url is not None:
        return None  # a short group: the last one
    if store.total is not None and end >= store.total:
        return None
    if span <= 0:
        return None
    url = proxy
    for name, value in (("startrecord", end + 1), ("endrecord", end + span), ("perpage", per_page or span)):
        url = with_param(url, name, value)
    return url
