"""Reading a column (栏目) list page with no per-site hints.

A list item on a Chinese government CMS is a title link with a date nearby — in the same
``<li>``, table row, ``<dd>`` or ``<div>``. We find every link that has a date in its own small
container (a container holding one title link only), group items by the element that holds
their containers, and call the biggest group the column's list. A page whose groups sit in
several "更多"-topped blocks is a hub (the 信息公开 index), not a column.

The same page may instead be a document (detail) page — it has a metadata block — or a list
that says it is empty (暂无信息).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import lxml.html
from gongkai.crawler.dates import find_date
from gongkai.crawler.hanweb import hanweb_items
from gongkai.crawler.html import Anchor, Page, clean, is_asset, spaced_text
from gongkai.crawler.items import ListItem
from gongkai.crawler.jsonapi import inline_json_items
from gongkai.crawler.scope import normalise_url

#: Climb at most this many levels from a link looking for its date.
MAX_CLIMB = 4
MIN_TITLE_CHARS = 4
#: Words that mark a link as navigation, never a document title.
NAV_WORDS = re.compile(
    r"^(首页|上一页|下一页|上页|下页|尾页|末页|前页|后页|更多|more|>>|»|›|返回|打印|关闭|登录|注册|"
    r"详细|详情|查看|\d+|[<>«»‹›＜＞]+)$",
    re.IGNORECASE,
)
MORE_WORDS = re.compile(r"^(更多|more|更多>>|>>|更多\s*>+|查看更多)$", re.IGNORECASE)
EMPTY_MARKERS = (
    "暂无信息",
    "暂无数据",
    "暂无内容",
    "暂无记录",
    "没有数据",
    "无相关信息",
    "暂无相关",
    "没有记录",
)
#: Labels of the 信息公开 metadata block; two or more mark a document page.
DETAIL_LABELS = ("索引号", "发文字号", "成文日期", "发布机构", "发文机关", "公开属性", "公开方式", "主题分类")


@dataclass
class ListAnalysis:
    #: The column's own items, in page order.
    items: list[ListItem] = field(default_factory=list)
    #: Items of other dated groups on the page (sidebars, hub blocks): documents, column unknown.
    other_items: list[ListItem] = field(default_factory=list)
    #: Several "更多"-topped blocks of items: an index of columns, not a column.
    hub: bool = False
    #: The page says the column has nothing: the marker (暂无信息 …, or ``zero_rows`` for a list
    #: container rendered with no rows); empty when it says nothing of the kind.
    empty_marker: str = ""
    #: The page is a document, not a list.
    detail: bool = False
    #: Text-less second links of the list's rows (an icon or image for the row's 解读).
    related: list[str] = field(default_factory=list)
    #: Pages the page frames (``<iframe src>``): a list may live inside one.
    frames: list[str] = field(default_factory=list)


def _candidate(anchor: Anchor) -> bool:
    label = anchor.label
    if len(label) < MIN_TITLE_CHARS or NAV_WORDS.match(label):
        return False
    return not is_asset(anchor.url)


def _container(
    anchor: Anchor, candidates: set[lxml.html.HtmlElement]
) -> tuple[lxml.html.HtmlElement, date] | None:
    """The smallest ancestor that holds a date and no other title link.

    The date may sit inside the link itself (``<a>标题<span>2023-01-05</span></a>``,
    ``<a>标题 (2023-01-05)</a>``): then the link's own row is its container.
    """
    own_text = spaced_text(anchor.element)
    own_date = trailing_date(own_text)
    node = anchor.element.getparent()
    row: lxml.html.HtmlElement | None = None
    for _level in range(MAX_CLIMB):
        if node is None or node.tag in ("body", "html"):
            break
        others = sum(1 for a in node.iter("a") if a in candidates and a is not anchor.element)
        if others:
            break
        row = node
        text = spaced_text(node).replace(own_text, " ", 1)
        found = find_date(text)
        if found is not None:
            return node, found
        node = node.getparent()
    if own_date is not None and row is not None:
        return _row_of(anchor.element, row), own_date
    return None


def _row_of(link: lxml.html.HtmlElement, outer: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The list row holding ``link``: its nearest li/tr/dd/p ancestor up to ``outer``, else its parent."""
    node = link.getparent()
    while node is not None:
        if node.tag in ROW_TAGS:
            return node
        if node is outer:
            break
        node = node.getparent()
    return link.getparent() if link.getparent() is not None else outer


ROW_TAGS = ("li", "tr", "dd", "dt", "p")
_TRAILING_DATE = re.compile(
    r"[\s(（\[【]*((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)[\s)）\]】]*$"
)


def trailing_date(text: str) -> date | None:
    """A date that ends a link's own text (the list's date written inside the title link)."""
    match = _TRAILING_DATE.search(text)
    return find_date(match.group(1)) if match else None


def title_without_date(label: str) -> str:
    """A link label with the trailing date it carries taken off."""
    stripped = _TRAILING_DATE.sub("", label).strip()
    return stripped if len(stripped) >= MIN_TITLE_CHARS else label


def _block_has_more_link(group_parent: lxml.html.HtmlElement) -> bool:
    """A "更多" link near the group (its parent block, or the heading just before it)."""
    node = group_parent
    for _level in range(3):
        node = node.getparent()
        if node is None:
            return False
        for a in node.iter("a"):
            if MORE_WORDS.match(clean(a.text_content())):
                return True
    return False


_LABEL_VALUE = re.compile("(" + "|".join(DETAIL_LABELS) + r")\s*[:：]\s*\S")


def looks_like_detail(page: Page) -> bool:
    """A 信息公开 metadata block (labels *with values*), or ArticleTitle meta: a document page.

    A list table's header row (名称 | 索引号 | 发布机构 | 发布日期) names labels without values
    and must not count.
    """
    if page.meta("ArticleTitle"):
        return True
    labels = {m.group(1) for m in _LABEL_VALUE.finditer(page.body_text())}
    for cell in page.root.iter("td", "th", "dt", "span", "strong", "b", "label"):
        text = clean(cell.text_content()).rstrip(":：")
        if text in DETAIL_LABELS:
            following = cell.getnext()
            value = clean(following.text_content()).rstrip(":：") if following is not None else ""
            if value and value not in DETAIL_LABELS:
                labels.add(text)
    return len(labels) >= 2


def analyse_list(page: Page) -> ListAnalysis:
    anchors = [a for a in page.anchors() if _candidate(a)]
    candidate_elements = {a.element for a in anchors}
    groups: dict[lxml.html.HtmlElement, list[ListItem]] = {}
    containers: dict[lxml.html.HtmlElement, list[lxml.html.HtmlElement]] = {}
    order: list[lxml.html.HtmlElement] = []
    seen: set[str] = set()
    for anchor in anchors:
        found = _container(anchor, candidate_elements)
        if found is None:
            continue
        container, when = found
        parent = container.getparent()
        key = parent if parent is not None else container
        if key not in groups:
            groups[key] = []
            containers[key] = []
            order.append(key)
        if anchor.url in seen:
            continue
        seen.add(anchor.url)
        groups[key].append(ListItem(anchor.url, title_without_date(anchor.label), when))
        containers[key].append(container)
    analysis = ListAnalysis(frames=_frames(page))
    body = page.body_text()
    analysis.empty_marker = next((marker for marker in EMPTY_MARKERS if marker in body), "")
    if not groups:
        inline = inline_json_items(page) or hanweb_items(page)
        if inline:
            analysis.items = inline
            return analysis
        analysis.detail = looks_like_detail(page)
        if not analysis.detail:
            analysis.items = undated_list(anchors)
            if not analysis.items and not analysis.empty_marker and _zero_row_list(page):
                analysis.empty_marker = "zero_rows"
            rows = [a.element.getparent() for a in anchors if a.url in {i.url for i in analysis.items}]
            analysis.related = row_icon_links(page, [r for r in rows if r is not None], set())
        return analysis
    ranked = sorted(order, key=lambda k: len(groups[k]), reverse=True)
    main = ranked[0]
    blocks_with_more = [k for k in ranked if len(groups[k]) >= 2 and _block_has_more_link(k)]
    if len(blocks_with_more) >= 2:
        analysis.hub = True
        analysis.other_items = [item for k in order for item in groups[k]]
        return analysis
    if len(groups[main]) < 3 and looks_like_detail(page):
        analysis.detail = True
        analysis.other_items = [item for k in order for item in groups[k]]
        return analysis
    analysis.items = _with_undated_rows(
        main, groups[main], containers[main], anchors, candidate_elements, seen
    )
    analysis.related = row_icon_links(page, containers[main], {i.url for i in analysis.items})
    analysis.other_items = [item for k in order if k is not main for item in groups[k]]
    return analysis


def _with_undated_rows(
    main: lxml.html.HtmlElement,
    items: list[ListItem],
    rows: list[lxml.html.HtmlElement],
    anchors: list[Anchor],
    candidates: set[lxml.html.HtmlElement],
    seen: set[str],
) -> list[ListItem]:
    """The main list's items plus rows shaped like its dated rows that show no date.

    A list item whose date is missing is still an item (its missing publication date is itself
    a finding): it sits in a row of the same kind, directly in the same list, holding one link.
    """
    row_tags = {row.tag for row in rows}
    position = {child: i for i, child in enumerate(main)}
    placed = [(position.get(row, len(position)), item) for row, item in zip(rows, items, strict=True)]
    for anchor in anchors:
        if anchor.url in seen or not anchor.label:
            continue
        node = anchor.element
        for _level in range(MAX_CLIMB):
            parent = node.getparent()
            if parent is None or parent is main:
                break
            node = parent
        if node.getparent() is not main or node.tag not in row_tags:
            continue
        if any(a in candidates and a is not anchor.element for a in node.iter("a")):
            continue
        seen.add(anchor.url)
        placed.append((position.get(node, len(position)), ListItem(anchor.url, anchor.label, None)))
    placed.sort(key=lambda pair: pair[0])
    return [item for _, item in placed]


#: Class/id words of page chrome: navigation bars, headers, footers, breadcrumbs.
_CHROME = re.compile(r"(nav|menu|header|footer|foot|top|crumb|position|location|dqwz|sidebar|link)", re.I)
#: An undated list needs this many rows, with titles this long on average (menus have short labels).
MIN_UNDATED_ROWS = 3
MIN_UNDATED_TITLE_CHARS = 8


def in_chrome(element: lxml.html.HtmlElement) -> bool:
    node = element
    while node is not None:
        if node.tag in ("nav", "header", "footer"):
            return True
        marker = f"{node.get('class') or ''} {node.get('id') or ''}"
        if marker.strip() and _CHROME.search(marker):
            return True
        node = node.getparent()
    return False


def undated_list(anchors: list[Anchor]) -> list[ListItem]:
    """A list with no dates at all: the biggest run of sibling rows (li/tr/dd/p), one title link each.

    Menus and link bars are not lists of documents: rows must carry title-length labels and sit
    outside the page's navigation, header and footer.
    """
    rows: dict[lxml.html.HtmlElement, list[tuple[lxml.html.HtmlElement, Anchor]]] = {}
    for anchor in anchors:
        node = anchor.element.getparent()
        row = None
        for _level in range(3):
            if node is None:
                break
            if node.tag in ROW_TAGS:
                row = node
                break
            node = node.getparent()
        if row is None or row.getparent() is None:
            continue
        rows.setdefault(row.getparent(), []).append((row, anchor))
    best: list[ListItem] = []
    for parent, found in rows.items():
        row_elements = [row for row, _ in found]
        if len(set(row_elements)) != len(row_elements):  # a row with two title links: not a list
            continue
        labels = [a.label for _, a in found]
        if len(found) < MIN_UNDATED_ROWS or sum(map(len, labels)) / len(labels) < MIN_UNDATED_TITLE_CHARS:
            continue
        if in_chrome(parent):
            continue
        if len(found) > len(best):
            seen: set[str] = set()
            best = []
            for _, anchor in found:
                if anchor.url not in seen:
                    seen.add(anchor.url)
                    best.append(ListItem(anchor.url, anchor.label, None))
    return best


_LIST_CONTAINER = re.compile(
    r"(^|[\s_-])(list|lists|lb|xxgk_?list|news_?list|doc_?list|data_?list)($|[\s_-])", re.I
)


def _zero_row_list(page: Page) -> bool:
    """A list container (``ul``/``table`` named as a list) rendered with no rows at all."""
    for element in page.root.iter("ul", "ol", "table", "tbody", "div"):
        marker = f"{element.get('class') or ''} {element.get('id') or ''}".strip()
        if not marker or not _LIST_CONTAINER.search(marker):
            continue
        if element.tag == "div":
            if len(element) == 0 and not clean(element.text_content()):
                return True
            continue
        rows = [r for r in element.iter("li", "tr") if r.find(".//td") is not None or r.tag == "li"]
        if not rows:
            return True
    return False


def _frames(page: Page) -> list[str]:
    out: list[str] = []
    for element in page.root.iter("iframe", "frame"):
        src = element.get("src")
        url = normalise_url(src, page.base) if src else None
        if url and url not in out and not is_asset(url):
            out.append(url)
    return out


def row_icon_links(page: Page, rows: list[lxml.html.HtmlElement], item_urls: set[str]) -> list[str]:
    """Second links of list rows that carry no text (an icon or image: the row's 解读)."""
    out: list[str] = []
    for row in rows:
        for element in row.iter("a"):
            href = element.get("href")
            url = normalise_url(href, page.base) if href else None
            if url is None or url in item_urls or url in out or is_asset(url):
                continue
            if clean(element.text_content()) or (
                (element.get("title") or "").strip() and not _JD.search(element.get("title") or "")
            ):
                continue  # a link with words is a title link or navigation, not the row's icon
            out.append(url)
    return out


_JD = re.compile(r"(解读|图解|问答)")


def hinted_items(page: Page, selector: str | None, url_pattern: str | None) -> list[ListItem]:
    """List items chosen by a site's hints: an XPath/CSS selector for items and/or a URL regex."""
    pattern = re.compile(url_pattern) if url_pattern else None
    anchors: list[Anchor]
    if selector:
        if selector.startswith(("/", "./", "(")):
            nodes = page.root.xpath(selector)
        else:
            from lxml.cssselect import CSSSelector  # optional: needs the cssselect package

            nodes = CSSSelector(selector)(page.root)
        wanted = {id(a) for node in nodes for a in ([node] if node.tag == "a" else node.iter("a"))}
        anchors = [a for a in page.anchors() if id(a.element) in wanted]
    else:
        anchors = page.anchors()
    out: list[ListItem] = []
    seen: set[str] = set()
    for anchor in anchors:
        if pattern is not None and not pattern.search(anchor.url):
            continue
        if anchor.url in seen or not anchor.label:
            continue
        seen.add(anchor.url)
        node = anchor.element.getparent()
        when = None
        own_text = spaced_text(anchor.element)
        for _level in range(MAX_CLIMB):
            if node is None or sum(1 for _ in node.iter("a")) > 1:
                break  # a bigger block holds other items' dates, not this one's
            when = find_date(spaced_text(node).replace(own_text, " ", 1))
            if when is not None:
                break
            node = node.getparent()
        out.append(ListItem(anchor.url, anchor.label, when))
    return out
