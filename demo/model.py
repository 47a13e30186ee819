"""The demo sites as plain data: what each page shows, before it is rendered to bytes.

A :class:`DemoDocument` holds exactly the values its page displays (``None`` = not shown
anywhere on the page), so the ground truth is read off the same objects the pages are rendered
from and cannot drift from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ColumnKind = Literal["news", "notice", "policy", "other"]
LinkMode = Literal["explicit", "named"]


@dataclass
class AttachmentFile:
    path: str
    name: str
    file_type: Literal["pdf", "docx"]
    text: str


@dataclass
class DemoDocument:
    site: str
    column: str
    path: str
    title: str
    index_no: str | None
    doc_no: str | None
    publisher: str | None
    written: date | None
    published: date | None
    own: bool
    needs_interpretation: bool
    role: str
    why: str = ""
    disclosure: str = "主动公开"
    topic: str | None = None
    validity: str | None = None
    registration_no: str | None = None
    is_interpretation: bool = False
    #: For a 解读: the policy it interprets and how the two are tied together.
    interprets: DemoDocument | None = None
    link_mode: LinkMode | None = None
    #: For a policy: its 解读 pages (explicit links are shown in its 相关解读 box).
    interpretations: list[DemoDocument] = field(default_factory=list)
    #: Whether the page carries a 相关解读 box (shown empty when no explicit link exists).
    interpretation_box: bool = False
    #: Whether the list page shows the item's date (a document without 发布日期 shows none).
    list_date: bool = True
    attachments: list[AttachmentFile] = field(default_factory=list)
    #: Body kind: which of our own body templates the page uses.
    body: str = "notice"
    #: Signature date written in Chinese numerals (二〇二六年十月九日) on body-only pages.
    chinese_numeral_date: bool = False


@dataclass
class DemoColumn:
    site: str
    key: str
    name: str
    kind: ColumnKind
    path: str
    documents: list[DemoDocument] = field(default_factory=list)
    #: Column served by a JSON list API instead of HTML list pages.
    json_api: bool = False
    page_size: int = 15

    def latest_item_date(self) -> date | None:
        shown = [d.published for d in self.documents if d.list_date and d.published is not None]
        return max(shown) if shown else None


@dataclass
class SiteSpec:
    """Fixed facts of one demo site (the variety of looks lives in ``cms``)."""

    name: str
    government: str
    agency: str
    office: str
    codes: tuple[str, ...]
    cms: Literal["govcn", "trs_ul", "meta_only", "trs_page", "api_dl"]
    encoding: Literal["utf-8", "gb18030"]
    site_id_code: str
    index_prefix: str
    url_style: Literal["post", "dated", "content"]
    #: The 政务公开事项目录 the site's config names (a file of ``corpus/catalogs``): its items are
    #: then expected on the site (``catalog_gap``). None: the site is not held to a catalog.
    catalog: str | None = None


@dataclass
class SitePlan:
    spec: SiteSpec
    columns: list[DemoColumn]

    @property
    def documents(self) -> list[DemoDocument]:
        return [doc for column in self.columns for doc in column.documents]
