# ruff: noqa: E501  (CMS markup is kept on one line per element, as the families write it)
"""Test sites in the markup of the CMS families government sites are built on, generated at test time.

Everything is invented (titles, numbers, agencies) and written by code, never copied from real
pages. Each family is a small site with one column of documents (newest first), its own paging,
page chrome on every page (navigation bar, breadcrumb, footer links to 机构概况/联系我们 pages
that are neither lists nor documents), detail pages with a 信息公开 metadata block, and a few
list rows that carry a second, text-less link (an icon) to the document's 解读. The truth (which
documents, which 解读) comes from the generator's inputs, never from the crawler.

Families: ``hanweb_post``/``hanweb_get`` (大汉 jpage ``<datastore>`` and ``dataproxy.jsp``, groups of
records asked for by POST form or GET with ``startrecord``/``endrecord``/``perpage``), ``trs_create``
(``createPageHTML(countPage, currentPage, …)``), ``trs_write`` (``document.write`` pager built
from ``countPage``/``currentPage``), ``li_inside`` (date inside the link, ``<span>`` or brackets),
``li_undated`` (no dates at all, 下一页 paging), ``table`` (a table list, ``?page=N``), ``gkmlpt``
(广东 gkmlpt-style JSON API), ``post_api`` (a JSON API called by ``$.ajax({type: "POST", data: …})``), ``json_post`` (a list API
that takes only a JSON body: ``$.ajax({type: "POST", contentType: "application/json", data:
JSON.stringify({…})})``),
``iframe`` (the list lives in an ``<iframe>``, paged ``list_N.html``), ``inline_json`` (the list is
a JSON literal in a script, paged ``?page=N``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FAMILIES = (
    "hanweb_post", "hanweb_get", "trs_create", "trs_write", "li_inside", "li_undated", "table",
    "gkmlpt", "post_api", "json_post", "iframe", "inline_json",
)  # fmt: skip
TOPICS = (
    "农田水利设施管护", "城乡低保动态管理", "校园周边安全整治", "汛期地质灾害防治", "秸秆综合利用",
    "农村饮水安全巡查", "流动人口服务管理", "中小学课后服务", "乡村振兴项目库", "集中供热价格调整",
    "公共资源交易管理", "社区养老服务站", "建筑工地扬尘治理", "湿地保护修复", "农村公路养护",
)  # fmt: skip
AGENCY = "示例市白杨区人民政府"


@dataclass
class Reply:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200


#: (method, target, body) → reply. A POST's body comes as its form, or as its decoded JSON object
#: with the method given as ``"POST json"`` when it was sent as ``application/json``.
Handler = Callable[[str, str, dict[str, Any]], Reply | None]


@dataclass
class FamilySite:
    family: str
    #: Where a crawl starts: the column's first list page.
    start_path: str
    #: Every document (detail page path → title), 解读 pages included.
    documents: dict[str, str]
    #: The 解读 pages reachable only through a list row's icon link.
    interpretations: set[str]
    #: Pages that are neither lists nor documents (机构概况, 联系我们): never stored as documents.
    chrome_pages: set[str]
    #: How many items the column lists over all its pages.
    column_items: int
    handler: Handler
    #: POST requests the site received, as (path, form).
    posts: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: POST requests sent with a JSON body, as (path, decoded object).
    json_posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _chrome(title: str, body: str, column: str = "政务公开") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_{AGENCY}</title></head><body>'
        '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/jggk.html">机构概况</a></li>'
        '<li><a href="/zwgk/lxwm.html">联系我们</a></li></ul></div>'
        f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/jggk.html">{column}</a></div>'
        f'{body}<div class="footer">主办：{AGENCY} <a href="/zwgk/lxwm.html">联系我们</a></div></body></html>'
    )


def _detail(title: str, published: date, n: int, jd: str | None = None) -> str:
    table = (
        '<table class="xxgk">'
        f"<tr><td>索引号：</td><td>BY-{published.year}-{n:05d}</td><td>发布机构：</td><td>{AGENCY}</td></tr>"
        f"<tr><td>发文字号：</td><td>白杨政〔{published.year}〕{n}号</td><td>成文日期：</td><td>{published}</td></tr>"
        "</table>"
    )
    box = f'<div class="xgjd"><h4>相关解读</h4><ul><li><a href="{jd}"><img src="/images/jd.png"></a></li></ul></div>'
    return _chrome(title, f"{table}<h1>{title}</h1><div id='zoom'><p>正文内容。</p></div>{box if jd else ''}")


def _jd_page(title: str, policy_path: str, policy_title: str) -> str:
    # A 解读 page: its breadcrumb names 政策解读 (a column, never a 解读 link), its 文件链接 names the policy.
    crumb = (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/zcjd/">政策解读</a></div>'
    )
    body = (
        f'{crumb}<h1>{title}</h1><div id="zoom"><p>解读正文。</p></div>'
        f'<p class="wjlj">文件链接：<a href="{policy_path}">{policy_title}</a></p>'
    )
    return _chrome(title, body, "政策解读")


@dataclass
class Doc:
    path: str
    title: str
    published: date
    n: int
    jd: str | None = None


def _docs(family: str, count: int, path: Callable[[int, date], str]) -> list[Doc]:
    start = date(2024, 1, 8)
    out = []
    for n in range(count):
        published = start + timedelta(days=6 * n)
        title = f"{AGENCY}关于{TOPICS[n % len(TOPICS)]}工作的通知（{family}{n + 1}）"
        doc = Doc(path(n, published), title, published, n + 1)
        if n % 5 == 1:
            doc.jd = doc.path.rsplit("/", 1)[0] + f"/jd_{n + 1}.html"
        out.append(doc)
    out.reverse()  # newest first, as lists run
    return out


def _pages(docs: list[Doc], per_page: int) -> list[list[Doc]]:
    return [docs[i : i + per_page] for i in range(0, len(docs), per_page)] or [[]]


def _icon(doc: Doc) -> str:
    return f' <a href="{doc.jd}" class="jd-icon"><img src="/images/jd.png" alt=""></a>' if doc.jd else ""


def _li(doc: Doc, style: str = "outside") -> str:
    if style == "span":
        return f'<li><a href="{doc.path}" title="{doc.title}">{doc.title}<span>{doc.published}</span></a>{_icon(doc)}</li>'
    if style == "brackets":
        return f'<li><a href="{doc.path}">{doc.title} ({doc.published})</a>{_icon(doc)}</li>'
    if style == "undated":
        return f'<li><a href="{doc.path}">{doc.title}</a>{_icon(doc)}</li>'
    return f'<li><a href="{doc.path}" title="{doc.title}">{doc.title}</a>{_icon(doc)}<span>{doc.published}</span></li>'


def build_family(family: str, count: int = 23) -> FamilySite:
    """One family's site with ``count`` documents in its column."""
    builders: dict[str, Callable[[int], tuple[str, list[Doc], dict[str, Reply], Handler | None]]] = {
        "hanweb_post": lambda c: _hanweb(c, "POST"),
        "hanweb_get": lambda c: _hanweb(c, "GET"),
        "trs_create": _trs_create,
        "trs_write": _trs_write,
        "li_inside": _li_inside,
        "li_undated": _li_undated,
        "table": _table,
        "gkmlpt": _gkmlpt,
        "post_api": _post_api,
        "json_post": _json_post,
        "iframe": _iframe,
        "inline_json": _inline_json,
    }
    start, docs, routes, dynamic = builders[family](count)
    documents: dict[str, str] = {}
    interpretations: set[str] = set()
    for doc in docs:
        documents[doc.path] = doc.title
        routes[doc.path] = Reply(_detail(doc.title, doc.published, doc.n, doc.jd).encode())
        if doc.jd:
            jd_title = f"图解：{doc.title[len(AGENCY) :]}"
            documents[doc.jd] = jd_title
            interpretations.add(doc.jd)
            routes[doc.jd] = Reply(_jd_page(jd_title, doc.path, doc.title).encode())
    chrome = {"/zwgk/jggk.html", "/zwgk/lxwm.html", "/zwgk/zcjd/"}
    routes["/zwgk/jggk.html"] = Reply(
        _chrome("机构概况", "<p>白杨区人民政府办公室负责政务公开工作。</p>").encode()
    )
    routes["/zwgk/lxwm.html"] = Reply(_chrome("联系我们", "<p>电话：0000-0000000</p>").encode())
    routes["/zwgk/zcjd/"] = Reply(_chrome("政策解读", "<ul><li>暂无信息</li></ul>", "政策解读").encode())
    routes["/"] = Reply(_chrome("首页", f'<p><a href="{start}">政务公开</a></p>').encode())
    routes["/robots.txt"] = Reply(b"User-agent: *\nAllow: /\n", "text/plain")

    def handler(method: str, target: str, form: dict[str, str]) -> Reply | None:
        if dynamic is not None:
            found = dynamic(method, target, form)
            if found is not None:
                return found
        path = target.split("#", 1)[0]
        if method != "GET":
            return None
        return routes.get(path) or (routes.get(path + "index.html") if path.endswith("/") else None)

    return FamilySite(family, start, documents, interpretations, chrome, len(docs), handler)


# --- the families ------------------------------------------------------------------------------


def _hanweb(count: int, method: str) -> tuple[str, list[Doc], dict[str, Reply], Handler]:
    col = 4321
    docs = _docs("hanweb", count, lambda n, d: f"/art/{d.year}/{d.month}/{d.day}/art_{col}_{1000 + n}.html")
    per_page, group = 3, 3
    first = docs[: per_page * group]

    def record(doc: Doc) -> str:
        return (
            f'<record><![CDATA[<li><a href="{doc.path}" title="{doc.title}" target="_blank">{doc.title[:20]}…</a>'
            f"{_icon(doc)}<b>{doc.published}</b></li>]]></record>"
        )

    proxy = (
        f"/module/web/jpage/dataproxy.jsp?page=1&webid=3&path=/&columnid={col}&unitid=98765&permissiontype=0"
    )
    datastore = (
        f'<div id="98765"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{proxy.replace("&", "&amp;")}">'
        f"</a>]]></nextgroup><recordset>{''.join(record(d) for d in first)}</recordset></datastore></script></div>"
    )
    call = (
        "$.ajax({type: 'POST', url: proxyUrl, data: param})"
        if method == "POST"
        else "$.get(proxyUrl + '&' + q)"
    )
    script = (
        '<script language="javascript" src="/module/web/jpage/jpage.js"></script>'
        f"<script>$(document).ready(function(){{ $('#98765').jpage({{ dataStore: dataStore, proxyUrl: "
        f"'/module/web/jpage/dataproxy.jsp', perPage: {per_page}, totalRecord: {len(docs)}, groupSize: {group}, "
        f"barPosition: 'bottom', ajaxParam: {{ webid: 3, columnid: {col} }}, loader: function(){{ {call}; }} }}); }});</script>"
    )
    page = _chrome("通知公告", f"<h2>通知公告</h2>{datastore}{script}", "通知公告")
    routes = {f"/col/col{col}/index.html": Reply(page.encode())}

    def dynamic(verb: str, target: str, form: dict[str, str]) -> Reply | None:
        parts = urlsplit(target)
        if parts.path != "/module/web/jpage/dataproxy.jsp":
            return None
        params = {**dict(parse_qsl(parts.query)), **form}
        if verb != method:  # as a proxy that only answers the way its jpage script asks
            return Reply(b"method not allowed", status=405)
        try:
            start, end = int(params["startrecord"]), int(params["endrecord"])
        except (KeyError, ValueError):
            return Reply(b"<datastore><recordset></recordset></datastore>", "text/xml; charset=utf-8")
        if params.get("columnid") != str(col):
            return Reply(b"<datastore><recordset></recordset></datastore>", "text/xml; charset=utf-8")
        chunk = docs[start - 1 : end]
        xml = (
            f"<?xml version='1.0' encoding='utf-8'?><datastore><totalrecord>{len(docs)}</totalrecord><recordset>"
            + "".join(record(d) for d in chunk)
            + "</recordset></datastore>"
        )
        return Reply(xml.encode(), "text/xml; charset=utf-8")

    return f"/col/col{col}/index.html", docs, routes, dynamic


def _paged_list(
    docs: list[Doc], per_page: int, name: Callable[[int], str], render: Callable[[list[Doc], int, int], str]
) -> dict[str, Reply]:
    pages = _pages(docs, per_page)
    return {name(i): Reply(render(chunk, i, len(pages)).encode()) for i, chunk in enumerate(pages)}


def _trs_create(count: int) -> tuple[str, list[Doc], dict[str, Reply], None]:
    docs = _docs("trs", count, lambda n, d: f"/zwgk/tzgg/{d:%Y%m}/t{d:%Y%m%d}_{700 + n}.html")

    def render(chunk: list[Doc], i: int, total: int) -> str:
        script = (
            f"<script>var countPage = {total};//共多少页\nvar currentPage = {i};//当前页\n"
            'createPageHTML(countPage, currentPage, "index", "html");</script>'
        )
        items = "".join(
            f'<tr><td><a href="{d.path}">{d.title}</a>{_icon(d)}</td><td>{d.published}</td></tr>'
            for d in chunk
        )
        return _chrome("通知公告", f'<table class="list">{items}</table><div class="page">{script}</div>')

    routes = _paged_list(
        docs, 5, lambda i: "/zwgk/tzgg/index.html" if i == 0 else f"/zwgk/tzgg/index_{i}.html", render
    )
    return "/zwgk/tzgg/", docs, routes, None


def _trs_write(count: int) -> tuple[str, list[Doc], dict[str, Reply], None]:
    docs = _docs("trsw", count, lambda n, d: f"/xxgk/gfxwj/{d:%Y%m}/t{d:%Y%m%d}_{900 + n}.shtml")

    def render(chunk: list[Doc], i: int, total: int) -> str:
        script = (
            f"<script>var currentPage = {i}; var countPage = {total};\n"
            'if (currentPage > 0) { document.write("<a href=\\"index" + (currentPage == 1 ? "" : "_" + '
            '(currentPage - 1)) + ".shtml\\">上一页</a>"); }\n'
            'if (currentPage + 1 < countPage) { document.write("<a href=\\"index_" + (currentPage + 1) + '
            '".shtml\\">下一页</a>"); }</script>'
        )
        items = "".join(_li(d) for d in chunk)
        return _chrome("规范性文件", f'<ul class="list">{items}</ul><div class="page">{script}</div>')

    routes = _paged_list(
        docs, 4, lambda i: "/xxgk/gfxwj/index.shtml" if i == 0 else f"/xxgk/gfxwj/index_{i}.shtml", render
    )
    return "/xxgk/gfxwj/index.shtml", docs, routes, None


def _li_inside(count: int) -> tuple[str, list[Doc], dict[str, Reply], None]:
    docs = _docs("inside", count, lambda n, d: f"/zfxxgk/fdzdgknr/{d:%Y%m}/t{d:%Y%m%d}_{300 + n}.html")

    def render(chunk: list[Doc], i: int, total: int) -> str:
        items = "".join(_li(d, "span" if k % 2 else "brackets") for k, d in enumerate(chunk))
        nav = "".join(
            f'<a href="{"index" if k == 0 else f"index_{k}"}.html">{k + 1}</a> '
            for k in range(total)
            if k != i
        )
        return _chrome(
            "法定主动公开内容", f'<ul class="news_list">{items}</ul><div class="pages">{nav}</div>'
        )

    routes = _paged_list(
        docs,
        6,
        lambda i: "/zfxxgk/fdzdgknr/index.html" if i == 0 else f"/zfxxgk/fdzdgknr/index_{i}.html",
        render,
    )
    return "/zfxxgk/fdzdgknr/", docs, routes, None


def _li_undated(count: int) -> tuple[str, list[Doc], dict[str, Reply], None]:
    docs = _docs("undated", count, lambda n, d: f"/zwgk/ghjh/content_{400 + n}.html")

    def render(chunk: list[Doc], i: int, total: int) -> str:
        items = "".join(_li(d, "undated") for d in chunk)
        nxt = f'<a href="/zwgk/ghjh/?page={i + 2}">下一页</a>' if i + 1 < total else ""
        return _chrome("规划计划", f'<div class="main"><ul>{items}</ul></div><div class="pg">{nxt}</div>')

    routes = _paged_list(docs, 5, lambda i: "/zwgk/ghjh/" if i == 0 else f"/zwgk/ghjh/?page={i + 1}", render)
    return "/zwgk/ghjh/", docs, routes, None


def _table(count: int) -> tuple[str, list[Doc], dict[str, Reply], None]:
    docs = _docs("table", count, lambda n, d: f"/xxgk/zfwj/content_{500 + n}.html")

    def render(chunk: list[Doc], i: int, total: int) -> str:
        head = "<tr><th>序号</th><th>名称</th><th>索引号</th><th>发布日期</th></tr>"
        rows = "".join(
            f'<tr><td>{k + 1}</td><td><a href="{d.path}">{d.title}</a>{_icon(d)}</td><td>BY-{d.n:05d}</td>'
            f"<td>{d.published:%Y年%m月%d日}</td></tr>"
            for k, d in enumerate(chunk)
        )
        links = " ".join(f'<a href="/xxgk/zfwj/?page={k + 1}">{k + 1}</a>' for k in range(total))
        return _chrome("政府文件", f'<table class="tb">{head}{rows}</table><div class="pg">{links}</div>')

    routes = _paged_list(docs, 6, lambda i: "/xxgk/zfwj/" if i == 0 else f"/xxgk/zfwj/?page={i + 1}", render)
    return "/xxgk/zfwj/", docs, routes, None


def _gkmlpt(count: int) -> tuple[str, list[Doc], dict[str, Reply], Handler]:
    docs = _docs("gkmlpt", count, lambda n, d: f"/gkmlpt/content/2/2{n:03d}/post_2{n:06d}.html")
    size = 10
    shell = (
        '<div id="app"></div><script>window._CONFIG = { SID: "755001" };'
        'var API_URL = "/gkmlpt/api/all/0?page=1&sid=755001";</script>'
        '<script src="/gkmlpt/static/js/app.js"></script>'
    )
    routes = {"/gkmlpt/index": Reply(_chrome("政府信息公开目录", shell).encode())}

    def dynamic(verb: str, target: str, form: dict[str, str]) -> Reply | None:
        parts = urlsplit(target)
        if parts.path != "/gkmlpt/api/all/0":
            return None
        params = dict(parse_qsl(parts.query))
        page = int(params.get("page", "1"))
        chunk = docs[(page - 1) * size : page * size]
        payload = {
            "articles": [
                {
                    "id": 2000 + d.n,
                    "title": d.title,
                    "url": f"http://{{host}}{d.path}",
                    "first_publish_time": int((d.published - date(1970, 1, 1)).total_seconds())
                    - 8 * 3600
                    + 36000,
                    "identifier": f"BY-{d.n:05d}",
                    "document_number": f"白杨政〔{d.published.year}〕{d.n}号",
                }
                for d in chunk
            ],
            "total": len(docs),
            "classify_main_name": "政府信息公开目录",
        }
        return Reply(json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    return "/gkmlpt/index", docs, routes, dynamic


def _post_api(count: int) -> tuple[str, list[Doc], dict[str, Reply], Handler]:
    docs = _docs("post", count, lambda n, d: f"/xxgk/detail/{d:%Y%m%d}/{600 + n}.html")
    size = 6
    script = (
        '<ul id="docList"></ul><script>function load(n) { $.ajax({ type: "POST", url: "/interface/getList.do", '
        'data: { channelId: "88", pageNo: 1, pageSize: 6 }, dataType: "json", success: function(res) {'
        " render(res.data.rows); } }); } load(1);</script>"
    )
    routes = {"/xxgk/zcwj/index.html": Reply(_chrome("政策文件", script).encode())}

    def dynamic(verb: str, target: str, form: dict[str, str]) -> Reply | None:
        parts = urlsplit(target)
        if parts.path != "/interface/getList.do":
            return None
        if verb != "POST":  # a POST-only list API: asked by GET, it says so and lists nothing
            return Reply(json.dumps({"success": False, "msg": "POST only"}).encode(), "application/json", 405)
        params = {**dict(parse_qsl(parts.query)), **form}
        if params.get("channelId") != "88":
            return Reply(json.dumps({"success": False, "msg": "channelId"}).encode(), "application/json")
        page = int(params.get("pageNo", "1"))
        chunk = docs[(page - 1) * size : page * size]
        data = {
            "pageNo": page,
            "totalPage": -(-len(docs) // size),
            "rows": [
                {"docTitle": d.title, "docUrl": d.path, "pubDate": f"{d.published} 10:00:00"} for d in chunk
            ],
        }
        return Reply(
            json.dumps({"success": True, "data": data}, ensure_ascii=False).encode(), "application/json"
        )

    return "/xxgk/zcwj/", docs, routes, dynamic


def _json_post(count: int) -> tuple[str, list[Doc], dict[str, Reply], Handler]:
    docs = _docs("jsonpost", count, lambda n, d: f"/zwgk/content/{d:%Y%m}/{700 + n}.html")
    script = (
        '<div id="list"></div><script>function load(n) { $.ajax({ url: "/api/list", type: "POST", '
        'contentType: "application/json;charset=utf-8", dataType: "json", '
        'data: JSON.stringify({ pageNo: 1, pageSize: 5, columnId: "123" }), success: function(res) {'
        " show(res.result.list); } }); } load(1);</script>"
    )
    routes = {"/zwgk/zcwj/index.html": Reply(_chrome("政策文件", script).encode())}

    def refuse(status: int, message: str) -> Reply:
        return Reply(json.dumps({"code": status, "msg": message}).encode(), "application/json", status)

    def dynamic(verb: str, target: str, body: dict[str, Any]) -> Reply | None:
        if urlsplit(target).path != "/api/list":
            return None
        if verb == "POST":  # a form body: as a Spring @RequestBody endpoint answers it
            return refuse(415, "Content type 'application/x-www-form-urlencoded' not supported")
        if verb != "POST json":
            return refuse(405, "Request method not supported")
        # The body as the script writes it: numbers stay numbers, the column id a string.
        page, per, column = body.get("pageNo"), body.get("pageSize"), body.get("columnId")
        if not isinstance(page, int) or not isinstance(per, int) or column != "123":
            return refuse(400, "bad request body")
        chunk = docs[(page - 1) * per : page * per]
        result = {
            "pageNo": page,
            "pageSize": per,
            "totalCount": len(docs),
            "list": [
                {"title": d.title, "url": d.path, "publishDate": d.published.isoformat()} for d in chunk
            ],
        }
        return Reply(
            json.dumps({"code": 200, "result": result}, ensure_ascii=False).encode(), "application/json"
        )

    return "/zwgk/zcwj/", docs, routes, dynamic


def _iframe(count: int) -> tuple[str, list[Doc], dict[str, Reply], None]:
    docs = _docs("iframe", count, lambda n, d: f"/xxgk/gkml/t{d:%Y%m%d}_{800 + n}.html")

    def render(chunk: list[Doc], i: int, total: int) -> str:
        items = "".join(_li(d) for d in chunk)
        nxt = f'<a href="list_{i + 1}.html">下一页</a>' if i + 1 < total else ""
        return f"<html><body><ul>{items}</ul>{nxt}</body></html>"

    routes = _paged_list(
        docs, 7, lambda i: "/xxgk/gkml/list.html" if i == 0 else f"/xxgk/gkml/list_{i}.html", render
    )
    outer = '<h2>公开目录</h2><iframe src="/xxgk/gkml/list.html" width="100%" height="800" frameborder="0"></iframe>'
    routes["/xxgk/gkml/"] = Reply(_chrome("公开目录", outer).encode())
    return "/xxgk/gkml/", docs, routes, None


def _inline_json(count: int) -> tuple[str, list[Doc], dict[str, Reply], None]:
    docs = _docs("inline", count, lambda n, d: f"/xxgk/tzgg/art_{1500 + n}.html")

    def render(chunk: list[Doc], i: int, total: int) -> str:
        rows = [{"title": d.title, "url": d.path, "pubDate": f"{d.published}"} for d in chunk]
        script = (
            f"<script>var listData = {json.dumps(rows, ensure_ascii=False)}; renderList(listData);</script>"
        )
        nxt = f'<a href="?page={i + 2}">下一页</a>' if i + 1 < total else ""
        return _chrome("通知公告", f'<ul id="list"></ul>{script}<div class="pg">{nxt}</div>')

    routes = _paged_list(docs, 8, lambda i: "/xxgk/tzgg/" if i == 0 else f"/xxgk/tzgg/?page={i + 1}", render)
    return "/xxgk/tzgg/", docs, routes, None


# --- serving -----------------------------------------------------------------------------------


@dataclass
class ServedFamily:
    site: FamilySite
    base_url: str
    host: str
    seen: list[tuple[str, str]]
    #: ``time.monotonic()`` of each request's arrival, in the order of ``seen``.
    arrivals: list[float] = field(default_factory=list)

    def paths(self, method: str | None = None) -> list[str]:
        return [p for m, p in self.seen if method is None or m == method]


@contextmanager
def serve_family(site: FamilySite) -> Iterator[ServedFamily]:
    """Serve ``site`` on 127.0.0.1 (GET and POST; ``{host}`` in bodies becomes the served host)."""
    seen: list[tuple[str, str]] = []
    arrivals: list[float] = []
    lock = threading.Lock()
    holder: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            self._answer("GET", {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
            if (self.headers.get("Content-Type") or "").lower().startswith("application/json"):
                try:
                    decoded = json.loads(raw)
                except ValueError:
                    decoded = None
                body = decoded if isinstance(decoded, dict) else {}
                with lock:
                    site.json_posts.append((self.path, body))
                self._answer("POST json", body)
                return
            form = dict(parse_qsl(raw))
            with lock:
                site.posts.append((self.path, form))
            self._answer("POST", form)

        def _answer(self, method: str, form: dict[str, Any]) -> None:
            with lock:
                seen.append((method, self.path))
                arrivals.append(time.monotonic())
            reply = site.handler(method, self.path, form) or Reply(b"<html>404</html>", status=404)
            body = reply.body.replace(b"{host}", holder["host"].encode())
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    host = f"127.0.0.1:{server.server_address[1]}"
    holder["host"] = host
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ServedFamily(site, f"http://{host}", host, seen, arrivals)
    finally:
        server.shutdown()
        server.server_close()
