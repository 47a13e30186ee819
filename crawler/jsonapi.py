"""Columns served by a JSON list API, found and read with no per-site hints.

Many CMSs render the list in the browser: the list page carries a script that fetches
``/api/...`` (``fetch("…")``, ``$.ajax({url: "…"})``, ``$.getJSON``, ``axios.get``/``post``) or an element
with a ``data-api`` attribute, or the items are inlined as a JSON literal in a script. We find
such URLs, then walk the JSON for the array of objects that looks most like a list of documents
(each with a URL-ish, a title-ish and ideally a date-ish field), and page through it using the
page/total fields the response carries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from gongkai.crawler.dates import parse_date_value
from gongkai.crawler.html import clean
from gongkai.crawler.items import ListItem
from gongkai.crawler.scope import normalise_url

if TYPE_CHECKING:
    from gongkai.crawler.html import Page

_URL_LITERAL = r"""["']([^"'\s]{2,300})["']"""
API_PATTERNS = [
    re.compile(r"\bfetch\(\s*" + _URL_LITERAL),
    re.compile(r"\$\.(?:ajax|get|getJSON|post)\(\s*" + _URL_LITERAL),
    re.compile(r"\baxios(?:\.get|\.post)?\(\s*" + _URL_LITERAL),
    re.compile(r"\$\.ajax\(\s*\{[^}]*?\burl\s*:\s*" + _URL_LITERAL, re.DOTALL),
    # Assignments to a name that says what it holds: url, api, LIST_API, dataUrl, listApiUrl …
    re.compile(r"\b\w*(?:url|api)\s*[:=]\s*" + _URL_LITERAL, re.IGNORECASE),
    re.compile(r"\.open\(\s*[\"']GET[\"']\s*,\s*" + _URL_LITERAL, re.IGNORECASE),
]
API_ATTRIBUTES = ("data-api", "data-url", "data-list-url", "data-src-api")
#: A literal only counts as an API if it looks like one (not a stylesheet or page link).
_API_LOOKS = re.compile(r"(api|\.json|\.do|\.action|/list|query|search|page=|getList|data)", re.IGNORECASE)
_NOT_API = re.compile(r"\.(css|js|png|jpe?g|gif|svg|ico|html?|shtml)(\?|$)", re.IGNORECASE)

URL_KEYS = ("url", "link", "href", "path", "pcurl", "urls", "docurl", "linkurl", "detailurl", "puburl", "lj")
TITLE_KEYS = ("title", "name", "subject", "doctitle", "showtitle", "wjmc", "bt", "标题", "名称")
DATE_KEYS = (
    "pubdate", "publishdate", "publishtime", "pubtime", "publishedtime", "publishedtimestr", "pubdatestr",
    "releasedate", "releasetime", "date", "time", "createtime", "writetime", "fbsj",
    "fbrq", "cwrq", "docreltime", "publish_date", "published", "created", "发布日期", "发布时间", "日期",
    "firstpublishtime", "displaypublishtime", "updatetime",
)  # fmt: skip
PAGE_KEYS = ("page", "pageno", "pagenum", "pageindex", "currentpage", "current", "curpage", "p")
TOTAL_PAGE_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal", "totalpagenum")
TOTAL_COUNT_KEYS = ("total", "totalcount", "count", "records", "totalrecords", "totalsize", "totalnum")
PAGE_SIZE_KEYS = ("pagesize", "size", "rows", "perpage", "limit", "per_page", "page_size")
_PAGE_LIKE = re.compile(r"(?:^|/)[^/]*\.(?:s?html?|jhtml|jsp|aspx?|php)(?:$|\?)|/content|/art/|/t\d{8}", re.I)


@dataclass
class ApiPage:
    items: list[ListItem] = field(default_factory=list)
    current_page: int | None = None
    total_pages: int | None = None
    next_url: str | None = None


#: A call's literal request parameters: ``data: {pageNo: 1, channelId: "12"}``, ``$.post(url, {…})``,
#: or a JSON body, ``data: JSON.stringify({…})`` / ``body: JSON.stringify({…})``.
_DATA_OBJECT = re.compile(
    r"(?:\b(?:data\s*:|body\s*:)\s*(?:JSON\.stringify\(\s*)?|^\s*,\s*(?:JSON\.stringify\(\s*)?)\{([^{}]{0,600})\}",
    re.DOTALL,
)
_PAIR = re.compile(r"""["']?([A-Za-z_][\w]*)["']?\s*:\s*(?:["']([^"'\n]{0,100})["']|(-?\d+)(?![\w.]))""")


#: Keys of a call's options object (``fetch(url, {method: "POST"})``), never request parameters.
_CALL_OPTIONS = frozenset(
    ("method", "type", "datatype", "contenttype", "mode", "credentials", "cache", "async", "timeout")
)


def _call_params(script: str, end: int) -> list[tuple[str, str, bool]]:
    """Literal parameters sent with the call whose URL literal ends at ``end`` (the next 600 chars):
    (name, value, whether the script writes the value as a number)."""
    window = script[end : end + 700]
    close = window.find(")")
    match = _DATA_OBJECT.search(window)
    if match is None or (close != -1 and match.start() > close and not window[:close].count("{")):
        return []
    return [
        (k, v or n, not v and bool(n))
        for k, v, n in _PAIR.findall(match.group(1))
        if k.lower() not in _CALL_OPTIONS
    ]


#: A call that says it POSTs: ``$.post(``, ``axios.post(``, or ``type``/``method: "POST"`` in its options.
_POST_CALL = re.compile(r"""\$\.post\(|\baxios\.post\(|\b(?:type|method)\s*:\s*["']post["']""", re.IGNORECASE)
#: A call that sends its parameters as a JSON body: a JSON content type among its options
#: (``contentType: "application/json"``, ``headers: {"Content-Type": "application/json"}``) or a
#: body built by ``JSON.stringify``. (``dataType: "json"`` is the answer's type, not the body's.)
_JSON_BODY = re.compile(
    r"""\bcontentType\s*:\s*["']application/(?:[\w.+-]+\+)?json|["']?content-type["']?\s*:\s*["']application/(?:[\w.+-]+\+)?json|\bJSON\.stringify\(""",
    re.IGNORECASE,
)
#: axios posts a plain object as JSON (its default); a form only when the call encodes one.
_AXIOS_FORM = re.compile(r"\bqs\.stringify\(|\bURLSearchParams\b|x-www-form-urlencoded|\bFormData\b", re.I)
_CALL_START = re.compile(r"\$\.(?:ajax|get|getJSON|post)\(|\bfetch\(|\baxios(?:\.\w+)?\(")


@dataclass(frozen=True)
class ApiCall:
    """A list API a page calls: its URL (with the literal parameters the call sends) and, for a
    POST, the names of the parameters that go in the body (None: asked for by GET)."""

    url: str
    post: tuple[str, ...] | None = None
    #: The POST body is JSON (the call says so), not a form.
    json_body: bool = False
    #: The body's parameters the script writes as numbers (a JSON body keeps them numbers).
    numbers: tuple[str, ...] = ()


def _call_end(script: str, opening: int, limit: int = 1500) -> int:
    """Index just past the call that opens at ``opening`` (its brackets balanced, strings skipped)."""
    depth, quote, n = 0, "", opening
    stop = min(len(script), opening + limit)
    while n < stop:
        char = script[n]
        if quote:
            if char == "\\":
                n += 1
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return n + 1
        n += 1
    return stop


def _call_method(script: str, start: int, end: int) -> str:
    """How the call whose argument is the URL literal at ``start``…``end`` sends its parameters:
    "json" (a POST with a JSON body), "form" (a POST: ``$.post(…)`` or ``type``/``method: "POST"``
    among the call's options) or "get"."""
    openings = _CALL_START.finditer(script, max(0, start - 300), start + 12)
    for opening in sorted((m.start() for m in openings if m.start() <= start), reverse=True):
        close = _call_end(script, opening)
        if close >= end:  # the innermost call around the literal
            call = script[opening:close]
            if not _POST_CALL.search(call):
                return "get"
            if _JSON_BODY.search(call) or (call.startswith("axios") and not _AXIOS_FORM.search(call)):
                return "json"
            return "form"
    return "get"


def find_api_calls(page: Page) -> list[ApiCall]:
    """The JSON list APIs a list page's scripts or attributes call (absolute, deduplicated).

    Parameters the script sends as literals (a POST's ``data: {pageNo: 1, channelId: 12}``) are
    added to the URL's query string, which is what the frontier keys on; a POST sends them back
    in its body (``crawler.fetch.PostForm``: a form, or JSON when the call sends JSON), as the
    page's script does.
    """
    found: list[tuple[str, list[tuple[str, str, bool]], str]] = []
    for element in page.root.iter():
        for attribute in API_ATTRIBUTES:
            value = element.get(attribute) if hasattr(element, "get") else None
            if value:
                found.append((value, [], "get"))
    for script in page.script_texts:
        for pattern in API_PATTERNS:
            found.extend(
                (m.group(1), _call_params(script, m.end()), _call_method(script, m.start(), m.end()))
                for m in pattern.finditer(script)
            )
    out: list[ApiCall] = []
    for raw, params, method in found:
        post = method != "get"
        if "{{" in raw or "${" in raw or "+" in raw:
            continue  # built at run time from variables: not a literal we can follow
        if _NOT_API.search(raw) or not _API_LOOKS.search(raw):
            continue
        url = normalise_url(raw, page.base)
        if url and params:
            for name, value, _number in params:
                url = _with_text_param(url, name, value)
        if not url:
            continue
        call = ApiCall(
            url,
            tuple(name for name, _v, _n in params) if post else None,
            json_body=method == "json",
            numbers=tuple(name for name, _v, number in params if number) if method == "json" else (),
        )
        same = [i for i, known in enumerate(out) if _same_endpoint(url, known.url)]
        if not same:
            out.append(call)
        elif "?" in url and "?" not in out[same[0]].url:
            out[same[0]] = call  # the call with its parameters beats the bare address
        elif post and out[same[0]].post is None and out[same[0]].url == url:
            out[same[0]] = call  # the same address, seen again in the call that POSTs it
    return out


def find_api_urls(page: Page) -> list[str]:
    """The URLs of :func:`find_api_calls`."""
    return [call.url for call in find_api_calls(page)]


def _same_endpoint(a: str, b: str) -> bool:
    """Two URLs of one API (one found bare in an assignment, one with its call's parameters)."""
    return a == b or (a.split("?", 1)[0] == b.split("?", 1)[0] and (("?" not in a) or ("?" not in b)))


def _with_text_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k == name for k, _ in query):
        return url
    query.append((name, value))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _norm_key(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def _url_from(value: Any) -> str | None:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                return _url_from(json.loads(text))
            except ValueError:
                return None
        if text.startswith(("http://", "https://", "/", "./", "../")) or _PAGE_LIKE.search(text):
            return text
        return None
    if isinstance(value, dict):  # {"pc": "/a.html", "mobile": "…"}
        for inner in value.values():
            url = _url_from(inner)
            if url:
                return url
    return None


def _field(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    normalised = {_norm_key(k): v for k, v in obj.items()}
    for key in keys:
        if key in normalised and normalised[key] not in (None, ""):
            return normalised[key]
    return None


def _item(obj: dict[str, Any], base: str) -> ListItem | None:
    raw_url = _url_from(_field(obj, URL_KEYS))
    title = _field(obj, TITLE_KEYS)
    if not raw_url or not isinstance(title, str):
        return None
    url = normalise_url(raw_url, base)
    if url is None:
        return None
    title = clean(re.sub(r"<[^>]+>", "", title))
    if not title:
        return None
    return ListItem(url, title, parse_date_value(_field(obj, DATE_KEYS)))


def _arrays(node: Any, depth: int = 0) -> list[list[dict[str, Any]]]:
    if depth > 8:
        return []
    out: list[list[dict[str, Any]]] = []
    if isinstance(node, list):
        objects = [x for x in node if isinstance(x, dict)]
        if objects:
            out.append(objects)
        for x in node[:50]:
            out.extend(_arrays(x, depth + 1))
    elif isinstance(node, dict):
        for value in node.values():
            out.extend(_arrays(value, depth + 1))
    return out


def json_items(data: Any, base: str) -> list[ListItem]:
    """The documents of the array that looks most like a document list (best scored)."""
    best: list[ListItem] = []
    best_score = 0.0
    for objects in _arrays(data):
        items = [item for obj in objects if (item := _item(obj, base)) is not None]
        if not items:
            continue
        dated = sum(1 for item in items if item.date is not None)
        # Mostly-valid arrays beat big noisy ones; dates are strong evidence of a document list.
        score = len(items) * (len(items) / len(objects)) * (1.5 if dated >= len(items) / 2 else 1.0)
        if score > best_score:
            best, best_score = items, score
    seen: set[str] = set()
    unique = []
    for item in best:
        if item.url not in seen:
            seen.add(item.url)
            unique.append(item)
    return unique


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _find_numbers(node: Any, keys: tuple[str, ...], depth: int = 0) -> int | None:
    if depth > 4 or not isinstance(node, dict):
        return None
    value = _int(_field(node, keys))
    if value is not None:
        return value
    for inner in node.values():
        if isinstance(inner, dict):
            found = _find_numbers(inner, keys, depth + 1)
            if found is not None:
                return found
    return None


def _page_param(url: str) -> tuple[str, int] | None:
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if _norm_key(name) in PAGE_KEYS and value.isdigit():
            return name, int(value)
    return None


def with_param(url: str, name: str, value: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, str(value)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _page_key_name(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    for key in data:
        if _norm_key(key) in PAGE_KEYS and _int(data[key]) is not None:
            return key
    for value in data.values():
        if isinstance(value, dict):
            name = _page_key_name(value)
            if name:
                return name
    return None


def parse_api(body: bytes, url: str, base: str | None = None) -> ApiPage:
    """Items of one API response and the URL of its next page (None when this is the last)."""
    try:
        data = json.loads(body.decode("utf-8-sig", "replace"))
    except ValueError:
        return ApiPage()
    result = ApiPage(items=json_items(data, base or url))
    in_url = _page_param(url)
    current = _find_numbers(data, PAGE_KEYS) if isinstance(data, dict) else None
    if current is None and in_url is not None:
        current = in_url[1]
    total_pages = _find_numbers(data, TOTAL_PAGE_KEYS) if isinstance(data, dict) else None
    if total_pages is None and isinstance(data, dict):
        total = _find_numbers(data, TOTAL_COUNT_KEYS)
        size = _find_numbers(data, PAGE_SIZE_KEYS) or (len(result.items) if in_url or current else None)
        if total is not None and size:
            total_pages = -(-total // size)
    result.current_page, result.total_pages = current, total_pages
    if not result.items:
        return result
    if current is None:
        current = 1
    if total_pages is not None and current >= total_pages:
        return result
    if total_pages is None and in_url is None:
        return result  # no sign that there is more than one page
    if in_url is not None:
        result.next_url = with_param(url, in_url[0], current + 1)
    else:
        name = _page_key_name(data) or "page"
        result.next_url = with_param(url, name, current + 1)
    return result


def _json_literals(script: str) -> list[Any]:
    """JSON arrays/objects written literally in a script (``var list = [{…}]``)."""
    out: list[Any] = []
    decoder = json.JSONDecoder()
    for match in re.finditer(r"[=:(]\s*(\[\s*\{|\{\s*\")", script):
        start = match.start(1)
        try:
            value, _end = decoder.raw_decode(script, start)
        except ValueError:
            continue
        out.append(value)
    return out


def inline_json_items(page: Page) -> list[ListItem]:
    """Document lists inlined as JSON in a page's scripts (Hanweb/Vue-style templates)."""
    best: list[ListItem] = []
    for script in page.script_texts:
        if len(script) > 2_000_000:
            continue
        for value in _json_literals(script):
            items = json_items(value, page.base)
            if len(items) > len(best) and sum(1 for i in items if i.date) >= len(items) / 2:
                best = items
    return best
