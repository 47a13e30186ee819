"""Naming a column (栏目) and telling what kind it is, as ``site_columns`` records it."""

from __future__ import annotations

import re

from gongkai.crawler.html import Page, clean
from gongkai.models.records import SiteConfig

_CRUMB_CLASS = re.compile(r"(crumb|position|location|dqwz|weizhi|curpos|currentpos|path|daohang)", re.I)
_CRUMB_LEAD = re.compile(r"^(当前位置|您现在的位置|您的位置|所在位置)\s*[:：]?\s*")
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|»|›|→|/|＞|-)\s*")
_TITLE_SPLIT = re.compile(r"\s*(?:[-_|｜—–]|——)\s*")
_KINDS = (
    ("news", ("动态", "要闻", "新闻", "资讯")),
    ("notice", ("通知公告", "公告", "通知", "公示")),
    ("policy", ("政策文件", "规范性文件", "政策", "文件", "法规", "规章")),
)


def _breadcrumb(page: Page) -> str | None:
    """The last step of the smallest element that looks like a breadcrumb."""
    best: str | None = None
    for element in page.root.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        marker = f"{element.get('class') or ''} {element.get('id') or ''}"
        text = clean(element.text_content())
        if not text or len(text) > 200 or (best is not None and len(text) >= len(best)):
            continue
        if _CRUMB_CLASS.search(marker) or _CRUMB_LEAD.match(text):
            best = text
    if best is None:
        return None
    parts = [p for p in _CRUMB_SPLIT.split(_CRUMB_LEAD.sub("", best)) if p.strip()]
    return parts[-1].strip() if parts else None


def column_name(page: Page) -> str | None:
    """``<meta name="ColumnName">``, else the breadcrumb's last step, else a heading, else <title>."""
    for meta in ("ColumnName", "columnname", "column"):
        value = page.meta(meta)
        if value:
            return value
    crumb = _breadcrumb(page)
    if crumb:
        return crumb
    for tag in ("h1", "h2", "h3"):
        for element in page.root.iter(tag):
            text = clean(element.text_content())
            if 1 < len(text) <= 30:
                return text
    title = page.root.find(".//title")
    if title is not None:
        text = clean(title.text_content())
        if text:
            return _TITLE_SPLIT.split(text)[0] or text
    return None


def column_kind(name: str | None, url: str, config: SiteConfig | None) -> str:
    """From the site config's ``columns`` if it names this URL, else from the column's name."""
    if config is not None:
        for column in config.columns:
            if column.url.rstrip("/") == url.rstrip("/") and column.kind:
                return column.kind
    if name and not any(word in name for word in ("解读", "回应")):
        for kind, words in _KINDS:
            if any(word in name for word in words):
                return kind
    return "other"
