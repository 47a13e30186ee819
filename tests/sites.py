"""Small synthetic government disclosure sites for the crawler's tests.

Everything here is invented (titles, numbers, agencies) and written by code — never copied from
the real data. Each builder returns the :class:`StaticSite` and the truth the crawler should
find, computed from the same generator inputs (never from the crawler's output).

``town`` looks like a typical county/township 信息公开 platform:
- ``/xxgk/`` index (a hub: two preview blocks with 更多 links, and a navigation bar);
- 政策文件 ``/xxgk/zcwj/``: ``ul/li`` list with TRS ``createPageHTML`` paging (index_N.html),
  detail pages with a metadata table, 相关解读 boxes (some empty), PDF/DOCX attachments;
- 通知公告 ``/xxgk/tzgg/``: a table list paged with ``?page=N`` and 下一页 links;
- 政策解读 ``/xxgk/zcjd/``: interpretations, linked back to their policies;
- 数据发布 ``/xxgk/sjfb/``: the list is loaded by a script from ``/api/sjfb/list?page=N``;
- 工作动态 ``/xxgk/gzdt/``: an empty column (暂无信息);
- 内部管理 ``/xxgk/nbgl/``: disallowed by robots.txt;
- links to an off-site host (another loopback port) on several pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from gongkai.demo.site import Response, StaticSite

TOPICS = (
    "春季农田水利建设", "城乡居民医疗保险参保", "安全生产隐患排查", "防汛抗旱准备", "农村人居环境整治",
    "义务教育招生入学", "森林防火巡查", "困难群众救助", "集体林权流转", "食品安全抽检",
    "消防安全宣传", "退役军人优待", "普通话推广周", "扶残助残服务", "村级财务公开",
    "冬季供暖保障", "小微企业帮扶", "老旧小区改造", "文化惠民演出", "重点人群健康管理",
    "河道保洁管护", "殡葬改革宣传", "耕地保护执法", "乡村道路养护", "公共法律服务",
)  # fmt: skip
KINDS = ("通知", "实施方案", "工作要点", "管理办法", "意见")
AGENCY = "示例县青禾镇人民政府"
CODE = "青禾政"


@dataclass
class Doc:
    path: str
    title: str
    published: date
    column: str
    doc_no: str | None = None
    interpretation: str | None = None  # path of its 解读 page
    attachments: list[str] = field(default_factory=list)


@dataclass
class SiteTruth:
    documents: dict[str, Doc]  # path → doc (policies, notices, interpretations, API items)
    columns: dict[str, tuple[str, int, date | None]]  # first list page path → (name, count, latest)
    attachments: set[str]
    disallowed_prefix: str
    offsite_links: int


def _page(title: str, body: str, column: str | None = None, charset: str = "utf-8") -> str:
    meta = f'<meta name="ColumnName" content="{column}">' if column else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>{meta}</head>'
        f'<body><div class="header"><a href="/xxgk/">信息公开</a> <a href="/xxgk/zcwj/">政策文件</a> '
        f'<a href="/xxgk/tzgg/">通知公告</a> <a href="/xxgk/zcjd/">政策解读</a> '
        f'<a href="/xxgk/sjfb/">数据发布</a> <a href="/xxgk/gzdt/">工作动态</a> '
        f'<a href="/xxgk/nbgl/">内部管理</a></div>{body}'
        f'<div class="footer">主办：{AGENCY} <a href="/xxgk/zcwj/">网站地图</a></div></body></html>'
    )


def _detail(doc: Doc, index_no: str, offsite: str | None) -> str:
    jd = ""
    if doc.column == "政策文件":
        link = f'<li><a href="{doc.interpretation}">图解：{doc.title}</a></li>' if doc.interpretation else ""
        jd = f'<div class="xgjd"><h4>相关解读</h4><ul>{link}</ul></div>'
    files = "".join(
        f'<p>附件：<a href="{path}">{doc.title}附件{n + 1}</a></p>' for n, path in enumerate(doc.attachments)
    )
    off = (
        f'<p>转载自<a href="{offsite}/news/{doc.path.rsplit("/", 1)[-1]}">上级网站</a></p>' if offsite else ""
    )
    table = (
        '<table class="xxgk-meta">'
        f"<tr><td>索引号：</td><td>{index_no}</td><td>发布机构：</td><td>{AGENCY}</td></tr>"
        f"<tr><td>发文字号：</td><td>{doc.doc_no or ''}</td><td>发布日期：</td><td>{doc.published}</td></tr>"
        "</table>"
    )
    body = f'<div class="position">当前位置：首页 > 信息公开 > {doc.column}</div>{table}'
    body += f"<h1>{doc.title}</h1><div id='zoom'><p>各村（社区）、各有关单位：现将有关事项通知如下。</p>"
    body += f"{files}{off}</div>{jd}"
    return _page(doc.title, body)


def _li_list(docs: list[Doc], column: str, script: str, empty: bool = False) -> str:
    items = "".join(
        f'<li><a href="{d.path}" title="{d.title}">{d.title}</a><span>{d.published}</span></li>' for d in docs
    )
    if empty:
        items = '<li class="empty">暂无信息</li>'
    crumb = f'<div class="position">当前位置：首页 > 信息公开 > {column}</div>'
    return _page(column, f'{crumb}<ul class="list">{items}</ul><div class="page">{script}</div>', column)


def build_town(
    offsite: str | None = None, *, policies: int = 12, notices: int = 7, api_items: int = 5
) -> tuple[StaticSite, SiteTruth]:
    """The ``town`` site; ``offsite`` is the base URL of a host that must never be contacted."""
    routes: dict[str, Response] = {}
    start = date(2025, 1, 6)
    docs: dict[str, Doc] = {}
    attachments: set[str] = set()
    offsite_links = 0

    # 政策文件, newest first, 5 per page.
    policy_docs: list[Doc] = []
    for n in range(policies):
        published = start + timedelta(days=9 * n)
        title = f"{AGENCY}关于印发《{TOPICS[n % len(TOPICS)]}{KINDS[n % len(KINDS)]}》的通知"
        path = f"/xxgk/zcwj/{published:%Y%m}/t{published:%Y%m%d}_{1000 + n}.html"
        doc = Doc(path, title, published, "政策文件", doc_no=f"{CODE}〔{published.year}〕{n + 1}号")
        if n % 3 != 2:
            doc.interpretation = f"/xxgk/zcjd/{published:%Y%m}/t{published:%Y%m%d}_{5000 + n}.html"
        if n % 4 == 0:
            ext = "pdf" if n % 8 == 0 else "docx"
            doc.attachments.append(f"/xxgk/zcwj/{published:%Y%m}/P0{published:%Y%m%d}{n}.{ext}")
        policy_docs.append(doc)
    policy_docs.reverse()
    per_page = 5
    pages = [policy_docs[i : i + per_page] for i in range(0, len(policy_docs), per_page)] or [[]]
    for number, chunk in enumerate(pages):
        script = f'<script>createPageHTML({len(pages)}, {number}, "index", "html");</script>'
        name = "index.html" if number == 0 else f"index_{number}.html"
        routes[f"/xxgk/zcwj/{name}"] = Response(_li_list(chunk, "政策文件", script).encode())
    for n, doc in enumerate(policy_docs):
        docs[doc.path] = doc
        index_no = f"QH-{doc.published.year}-{n:05d}"
        routes[doc.path] = Response(_detail(doc, index_no, offsite if n == 0 else None).encode())
        offsite_links += 1 if n == 0 and offsite else 0
        for path in doc.attachments:
            attachments.add(path)
            content = (
                b"%PDF-1.4\n% invented test attachment\n" if path.endswith(".pdf") else b"PK\x03\x04docx"
            )
            ctype = "application/pdf" if path.endswith(".pdf") else "application/octet-stream"
            routes[path] = Response(content, ctype)
        if doc.interpretation:
            jd = Doc(
                doc.interpretation,
                f"一图读懂《{doc.title[len(AGENCY) + 5 : -4]}》",
                doc.published,
                "政策解读",
            )
            docs[jd.path] = jd
            body = (
                f'<div class="position">当前位置：首页 > 信息公开 > 政策解读</div><h1>{jd.title}</h1>'
                f'<div id="zoom"><p>解读内容。</p><p>相关文件：<a href="{doc.path}">{doc.title}</a></p></div>'
            )
            routes[jd.path] = Response(_page(jd.title, body).encode())

    # 政策解读 column: lists the interpretations (one page).
    jds = sorted(
        (d for d in docs.values() if d.column == "政策解读"), key=lambda d: d.published, reverse=True
    )
    routes["/xxgk/zcjd/index.html"] = Response(_li_list(jds, "政策解读", "").encode())

    # 通知公告: a table with ?page=N paging, 3 rows per page.
    notice_docs = []
    for n in range(notices):
        published = start + timedelta(days=5 * n + 2)
        title = f"关于开展{TOPICS[(n + 7) % len(TOPICS)]}的公告"
        notice_docs.append(Doc(f"/xxgk/tzgg/content_{200 + n}.html", title, published, "通知公告"))
    notice_docs.reverse()
    rows_per = 3
    notice_pages = [notice_docs[i : i + rows_per] for i in range(0, len(notice_docs), rows_per)]
    for number, chunk in enumerate(notice_pages, start=1):
        rows = "".join(
            f'<tr><td><a href="{d.path}">{d.title}</a></td><td>{AGENCY}</td>'
            f"<td>{d.published:%Y年%m月%d日}</td></tr>"
            for d in chunk
        )
        nav = f'<a href="/xxgk/tzgg/?page={number + 1}">下一页</a>' if number < len(notice_pages) else ""
        links = "".join(f'<a href="/xxgk/tzgg/?page={k}">{k}</a> ' for k in range(1, len(notice_pages) + 1))
        table = f"<table><tr><th>标题</th><th>发布机构</th><th>发布日期</th></tr>{rows}</table>"
        html = _page("通知公告", f"<h2>通知公告</h2>{table}<div>{links}{nav}</div>", "通知公告")
        routes[f"/xxgk/tzgg/?page={number}" if number > 1 else "/xxgk/tzgg/index.html"] = Response(
            html.encode()
        )
    for n, doc in enumerate(notice_docs):
        docs[doc.path] = doc
        routes[doc.path] = Response(_detail(doc, f"QH-GG-{n:04d}", None).encode())

    # 数据发布: the page loads its list from a JSON API, 2 items per API page.
    api_docs = []
    for n in range(api_items):
        published = start + timedelta(days=11 * n + 1)
        title = f"{published.year}年第{n % 4 + 1}季度{TOPICS[(n + 3) % len(TOPICS)]}数据"
        api_docs.append(Doc(f"/xxgk/sjfb/art_{300 + n}.html", title, published, "数据发布"))
    api_docs.reverse()
    size = 2
    total_pages = -(-len(api_docs) // size)
    for number in range(1, total_pages + 1):
        chunk = api_docs[(number - 1) * size : number * size]
        payload = {
            "code": 200,
            "data": {
                "page": number,
                "pageSize": size,
                "total": len(api_docs),
                "list": [
                    {"id": 300 + i, "title": d.title, "url": d.path, "pubDate": f"{d.published} 09:30:00"}
                    for i, d in enumerate(chunk)
                ],
            },
        }
        routes[f"/api/sjfb/list?page={number}"] = Response(
            json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8"
        )
    script = '<script>fetch("/api/sjfb/list?page=1").then(r => r.json()).then(render);</script>'
    routes["/xxgk/sjfb/index.html"] = Response(
        _page("数据发布", f'<h2>数据发布</h2><ul id="list"></ul>{script}', "数据发布").encode()
    )
    for n, doc in enumerate(api_docs):
        docs[doc.path] = doc
        routes[doc.path] = Response(_detail(doc, f"QH-SJ-{n:04d}", None).encode())

    # 工作动态: empty. 内部管理: robots.txt disallows it (the crawler must never ask).
    routes["/xxgk/gzdt/index.html"] = Response(_li_list([], "工作动态", "", empty=True).encode())
    routes["/xxgk/nbgl/index.html"] = Response(
        _li_list([Doc("/xxgk/nbgl/t1.html", "内部事项安排表", start, "内部管理")], "内部管理", "").encode()
    )
    routes["/xxgk/nbgl/t1.html"] = Response(_page("内部事项安排表", "<p>内部</p>").encode())
    routes["/robots.txt"] = Response(b"User-agent: *\nDisallow: /xxgk/nbgl/\n", "text/plain")

    # The index: two preview blocks topped with 更多, and an off-site link.
    def block(name: str, path: str, items: list[Doc]) -> str:
        lis = "".join(
            f'<li><a href="{d.path}">{d.title}</a><span>{d.published}</span></li>' for d in items[:3]
        )
        return f'<div class="block"><h3>{name}<a href="{path}">更多</a></h3><ul>{lis}</ul></div>'

    off = f'<a href="{offsite}/">上级政府网站</a>' if offsite else ""
    offsite_links += 1 if offsite else 0
    index = _page(
        "信息公开",
        block("政策文件", "/xxgk/zcwj/", policy_docs) + block("通知公告", "/xxgk/tzgg/", notice_docs) + off,
    )
    routes["/xxgk/index.html"] = Response(index.encode())

    columns = {
        "/xxgk/zcwj/": ("政策文件", len(policy_docs), max(d.published for d in policy_docs)),
        "/xxgk/tzgg/": ("通知公告", len(notice_docs), max(d.published for d in notice_docs)),
        "/xxgk/zcjd/": ("政策解读", len(jds), max(d.published for d in jds) if jds else None),
        "/xxgk/sjfb/": ("数据发布", len(api_docs), max(d.published for d in api_docs)),
        "/xxgk/gzdt/": ("工作动态", 0, None),
    }
    truth = SiteTruth(docs, columns, attachments, "/xxgk/nbgl/", offsite_links)
    return StaticSite("town", routes), truth


def town_config(base_url: str, host: str, name: str = "town", delay: float = 0.0) -> dict[str, object]:
    """A site config as YAML would give it: no hints at all."""
    return {
        "name": name,
        "agency": AGENCY,
        "start_urls": [f"{base_url}/xxgk/"],
        "allowed_hosts": [host],
        "delay_seconds": delay,
    }
