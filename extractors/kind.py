"""What a page is: ``document``, ``news``, ``list`` or ``other`` (``DocumentRecord.page_kind``).

* ``other``: nothing a reader could read (a script-only redirect stub, an anti-bot shell, a
  single-page-app shell) or an error page ("该信息不存在");
* ``document``: the page carries a metadata block, a 文号, a 落款 signature, or a title that ends
  with a 公文 kind word (通知, 意见, 办法 … see :data:`patterns.DOCUMENT_TITLE_END`);
* ``list``: otherwise, a page made mostly of links with little running text (a homepage, a
  column's list);
* ``news``: the rest — an article with a title and a date and none of a document's marks.

Only the fields a kind allows are kept (:func:`allowed_fields`): a news article keeps its title,
date and a publisher its block names; a list or an error page keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.extractors import patterns as p
from gongkai.extractors.dom import Line
from gongkai.models.records import METADATA_FIELDS, PageKind

#: Below this many visible characters a page has nothing to read.
MIN_VISIBLE_CHARS = 60
#: A list page: at least this share of its visible text is link text …
LIST_LINK_SHARE = 0.5
#: … and its main text, links aside, is shorter than this.
LIST_MAX_BODY_CHARS = 400
#: An error page is short: longer pages are not searched for its words.
MAX_ERROR_PAGE_CHARS = 2000
#: The fields each kind keeps.
_ALLOWED: dict[str, frozenset[str]] = {
    "document": frozenset(METADATA_FIELDS),
    "news": frozenset({"title", "published_date", "publisher"}),
    "list": frozenset(),
    "other": frozenset(),
}
#: Fields only a document's metadata block (or its own text) carries: what a document keeps and a
#: news page (title, 来源, 时间) does not.
BLOCK_ONLY_FIELDS: tuple[str, ...] = tuple(f for f in METADATA_FIELDS if f not in _ALLOWED["news"])


@dataclass(frozen=True)
class KindSignals:
    """What the extractor found that tells a document from other pages."""

    has_block: bool
    has_doc_no: bool
    has_signature: bool
    title: str | None
    visible_chars: int
    link_chars: int
    #: Characters of the main text that are not link text.
    body_chars: int
    error_text: bool
    #: A heading with a date on the lines under it, or an ArticleTitle <meta> (an article page,
    #: not a list of them).
    dated_heading: bool = False


def error_page(lines: list[Line], visible_chars: int | None = None) -> bool:
    """True when the page says the item does not exist (only on a short page)."""
    if visible_chars is None:
        visible_chars = sum(len(line.text) for line in lines)
    if visible_chars > MAX_ERROR_PAGE_CHARS:
        return False
    return any(p.ERROR_PAGE.search(line.text) for line in lines[:80])


def page_kind(signals: KindSignals) -> PageKind:
    if signals.error_text:
        return "other"
    if signals.has_block or signals.has_doc_no or signals.has_signature:
        return "document"
    if signals.visible_chars < MIN_VISIBLE_CHARS:
        return "other"
    title = p.SPACE_RUN.sub("", signals.title or "")
    if title and p.DOCUMENT_TITLE_END.search(title):
        return "document"
    if (
        not signals.dated_heading
        and signals.link_chars >= LIST_LINK_SHARE * signals.visible_chars
        and signals.body_chars < LIST_MAX_BODY_CHARS
    ):
        return "list"
    if not title:
        return "other"
    return "news"


def allowed_fields(kind: str) -> frozenset[str]:
    return _ALLOWED.get(kind, _ALLOWED["document"])
