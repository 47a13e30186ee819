"""Render a site plan to a :class:`StaticSite`: index, list pages, detail pages, JSON, files.

Templates are the project's own (``corpus/demo/templates``). Every link is root-relative, so the
bytes of a site do not depend on the port it is served on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date

from gongkai.demo import attachments, bodies
from gongkai.demo.model import DemoColumn, DemoDocument, SitePlan, SiteSpec
from gongkai.demo.site import Response, StaticSite
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from gongkai.resources import corpus_path

TEMPLATES = corpus_path("demo", "templates")
#: Every page of a site has this Last-Modified; generation is fixed for a reference date.
LAST_MODIFIED = "Sun, 01 Nov 2026 00:00:00 GMT"

_ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["j2", "html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=False,
)


def _ensp(label: str) -> Markup:
    """A label padded the TRS way: 索&ensp;引&ensp;号."""
    return Markup("&ensp;".join(Markup.escape(ch) for ch in label))


def _date_formatter(style: str) -> Callable[[date | None], str]:
    def fmt(day: date | None) -> str:
        if day is None:
            return ""
        if style == "zh_padded":
            return f"{day.year}年{day.month:02d}月{day.day:02d}日"
        if style == "zh":
            return f"{day.year}年{day.month}月{day.day}日"
        return day.isoformat()

    return fmt


_DATE_STYLE = {"govcn": "zh_padded", "trs_ul": "iso", "meta_only": "iso", "trs_page": "zh", "api_dl": "iso"}


def block_fields(doc: DemoDocument, spec: SiteSpec) -> list[tuple[object, str | None]]:
    """(label, value) of the metadata block; a value of None is not shown."""
    d = _date_formatter(_DATE_STYLE[spec.cms])
    written = d(doc.written) if doc.written else None
    published = d(doc.published) if doc.published else None
    if spec.cms == "trs_ul":
        fields: list[tuple[object, str | None]] = [
            (_ensp("索引号"), doc.index_no),
            ("信息分类", doc.topic),
            ("发布机构", doc.publisher),
            ("生成日期", written),
            (Markup("文&emsp;&emsp;号"), doc.doc_no),
            ("发布日期", published),
            ("公开方式", doc.disclosure),
            (_ensp("有效性"), doc.validity),
        ]
        if doc.registration_no:
            fields.insert(5, ("登记号", doc.registration_no))
        return fields
    if spec.cms == "trs_page":
        return [
            ("索引号", doc.index_no),
            ("分类", doc.topic),
            ("发文机构", doc.publisher),
            ("发文日期", written),
            ("文号", doc.doc_no),
            ("发布时间", published),
            ("公开形式", doc.disclosure),
            ("时效", doc.validity),
            ("名称", doc.title),
        ]
    return [
        ("索引号", doc.index_no),
        ("主题分类", doc.topic),
        ("发布机构", doc.publisher),
        ("成文日期", written),
        ("文号", doc.doc_no),
        ("发布日期", published),
        ("公开属性", doc.disclosure),
        ("有效性", doc.validity),
    ]


def meta_tags(doc: DemoDocument, column: DemoColumn, index: int) -> list[tuple[str, str]]:
    """The 国办发〔2017〕47号 article tags, with what the page shows (nothing it does not)."""
    tags = [("ColumnName", column.name), ("ColumnType", column.name), ("ArticleTitle", doc.title)]
    if doc.published is not None:
        tags.append(("PubDate", f"{doc.published.isoformat()} {9 + index % 8:02d}:{(index * 7) % 60:02d}"))
    if doc.publisher is not None:
        tags.append(("ContentSource", doc.publisher))
    return tags


class SiteRenderer:
    def __init__(self, plan: SitePlan) -> None:
        self.plan, self.spec = plan, plan.spec
        self.charset = "gb2312" if self.spec.encoding == "gb18030" else "utf-8"
        self.routes: dict[str, Response] = {}

    def page(self, path: str, template: str, **context: object) -> None:
        html = _ENV.get_template(template).render(site=self.spec, charset=self.charset, **context)
        body = html.encode(self.spec.encoding)
        self.routes[path] = Response(body, f"text/html; charset={self.charset}")

    def render(self) -> StaticSite:
        spec = self.spec
        self.page("/", "home.html.j2", page_title="首页", meta=[])
        self.page("/xxgk/", "index.html.j2", page_title="政府信息公开", meta=[], columns=self.plan.columns)
        self.routes["/robots.txt"] = Response(robots_txt().encode(), "text/plain; charset=utf-8")
        self.routes[f"/css/{spec.cms}.css"] = Response(b"body{font-family:SimSun,serif}", "text/css")
        if spec.cms == "trs_page":
            script = (TEMPLATES / "createPageHTML.js").read_bytes()
            self.routes["/js/createPageHTML.js"] = Response(script, "application/javascript")
        for column in self.plan.columns:
            self.column(column)
            for index, doc in enumerate(column.documents):
                self.detail(column, doc, index)
        return StaticSite(spec.name, self.routes, last_modified=LAST_MODIFIED)

    def page_url(self, column: DemoColumn) -> Callable[[int], str]:
        """Where page N of a column lives, in this CMS's paging convention (page 1 = the column URL)."""

        def url(n: int) -> str:
            if n <= 1:
                return column.path
            if self.spec.cms in ("trs_ul", "trs_page"):
                return f"{column.path}index_{n - 1}.html"
            if self.spec.cms == "meta_only":
                return f"{column.path}list_{n}.html"
            return f"{column.path}?page={n}"

        return url

    def column(self, column: DemoColumn) -> None:
        meta = [("ColumnName", column.name), ("ColumnType", column.name)]
        context = {"page_title": column.name, "meta": meta, "column": column}
        if column.json_api:
            self.page(
                column.path,
                "list.html.j2",
                items=[],
                pages=1,
                page=1,
                page_url=self.page_url(column),
                **context,
            )
            self.json_api(column)
            return
        size = column.page_size
        pages = max(1, math.ceil(len(column.documents) / size))
        url = self.page_url(column)
        for n in range(1, pages + 1):
            items = column.documents[(n - 1) * size : n * size]
            self.page(url(n), "list.html.j2", items=items, pages=pages, page=n, page_url=url, **context)

    def json_api(self, column: DemoColumn) -> None:
        size = column.page_size
        total = len(column.documents)
        pages = max(1, math.ceil(total / size))
        for n in range(1, pages + 1):
            items = [
                {
                    "title": d.title,
                    "url": d.path,
                    "date": d.published.isoformat() if d.list_date and d.published else "",
                }
                for d in column.documents[(n - 1) * size : n * size]
            ]
            payload = {"total": total, "pages": pages, "page": n, "pageSize": size, "items": items}
            body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
            response = Response(body, "application/json; charset=utf-8")
            self.routes[f"/api/xxgk/{column.key}/list?page={n}"] = response
            if n == 1:  # like real list APIs, no page parameter means the first page
                self.routes[f"/api/xxgk/{column.key}/list"] = response

    def detail(self, column: DemoColumn, doc: DemoDocument, index: int) -> None:
        for file in doc.attachments:
            self.routes[file.path] = Response(
                attachments.render(file), attachments.CONTENT_TYPES[file.file_type]
            )
        self.page(
            doc.path,
            "detail.html.j2",
            page_title=doc.title,
            meta=meta_tags(doc, column, index),
            column=column,
            doc=doc,
            fields=block_fields(doc, self.spec),
            body=bodies.paragraphs(doc, signed_always=self.spec.cms == "meta_only"),
            body_class="TRS_Editor" if self.spec.cms.startswith("trs") else "pages_content",
            d=_date_formatter(_DATE_STYLE[self.spec.cms]),
        )


def robots_txt() -> str:
    return "User-agent: *\nAllow: /xxgk/\nAllow: /api/\nDisallow: /admin/\nDisallow: /search/\n"


def render_site(plan: SitePlan) -> StaticSite:
    return SiteRenderer(plan).render()
