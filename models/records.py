"""The typed contract every stage speaks: crawl → extract → classify → audit → report.

Records reject unknown fields (``extra="forbid"``) so that a typo in one stage is an error at the
boundary, not a silently dropped value three stages later.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The nine metadata fields of a disclosure page, in the order evaluators read them.
METADATA_FIELDS: tuple[str, ...] = (
    "title",
    "index_no",
    "doc_no",
    "publisher",
    "written_date",
    "published_date",
    "disclosure",
    "topic",
    "validity",
)

#: Normalised 公开属性 values (BRIEF §1.6). 删减后公开 is a local fourth value.
DISCLOSURE_VALUES: tuple[str, ...] = ("主动公开", "依申请公开", "不予公开", "删减后公开")

Disclosure = Literal["主动公开", "依申请公开", "不予公开", "删减后公开"]

#: Where an extracted value came from, most reliable first.
SourceStage = Literal["meta", "block", "body", "url", "list", "api", "import", "config"]

DocType = Literal["normative", "administrative", "interpretation", "announcement", "report", "other"]

Severity = Literal["info", "low", "medium", "high"]

FindingStatus = Literal["open", "closed"]
#: What a page is: only a ``document`` carries the nine metadata fields the audit checks; ``news``
#: (政务要闻, 工作动态) keeps title and date and is never audited as a policy; ``list`` and ``other``
#: (homepages, redirect stubs, error pages) yield no document fields.
PageKind = Literal["document", "news", "list", "other"]
#: Extraction stages that guess a value (``<meta>`` tags, the URL) rather than read it where a
#: reader of the page sees it: a finding that rests on such a value is only "to review".
GUESS_STAGES = frozenset({"meta", "url"})
#: How far a finding can be asserted: ``confirmed`` rests on what a reader of the page sees and on
#: confident calls; ``to_review`` rests on a guess (a classifier call below its rule's threshold, a
#: value read only from ``<meta>`` or the URL). To-review findings are listed apart, never scored.
Certainty = Literal["confirmed", "to_review"]


class Record(BaseModel):
    """Base of every record: strict about unknown fields, validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class CrawlPolicy(Record):
    """Politeness settings in one place, so tests can assert them (Scrapy-style settings)."""

    user_agent: str = "gongkai/0.1 (+https://github.com/gongkai-audit/gongkai; government disclosure audit)"
    delay_seconds: float = Field(default=1.0, ge=0.0)
    timeout_seconds: float = Field(default=20.0, gt=0.0)
    #: One deadline per request for connect + headers + body: a server trickling bytes (headers
    #: included) under the per-read timeout still stops here.
    total_timeout_seconds: float = Field(default=60.0, gt=0.0)
    max_retries: int = Field(default=3, ge=0)
    backoff_seconds: float = Field(default=2.0, ge=0.0)
    max_retry_after_seconds: float = Field(default=120.0, ge=0.0)
    max_redirects: int = Field(default=5, ge=0)
    max_response_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_decompressed_bytes: int = Field(default=40 * 1024 * 1024, gt=0)
    obey_robots_txt: bool = True
    #: Failed URLs in a row (5xx storms, timeouts, drips) after which a host is left alone for the
    #: rest of the run: one alert instead of minutes lost per URL.
    max_host_failures: int = Field(default=5, ge=1)


class ColumnConfig(Record):
    """A disclosure column (栏目) the audit watches for emptiness and staleness."""

    url: str
    name: str | None = None
    #: 动态/要闻 columns must update every 2 weeks, 通知公告/政策文件 every 6 months (国办秘函〔2019〕19号).
    kind: Literal["news", "notice", "policy", "other"] | None = None
    max_age_days: int | None = Field(default=None, ge=1)


class SiteHints(Record):
    """Optional per-site hints; the crawler must work without any of them."""

    list_item_selector: str | None = None
    detail_url_pattern: str | None = None
    pagination_pattern: str | None = None
    json_list_api: str | None = None


class SiteConfig(Record):
    """One government site to crawl and audit (loaded from YAML in ``corpus/sites``)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    agency: str | None = None
    #: Other names the agency's own documents carry (发布机构 variants, 文号 代字 such as 鸿政).
    agency_aliases: list[str] = Field(default_factory=list)
    start_urls: list[str] = Field(min_length=1)
    allowed_hosts: list[str] = Field(min_length=1)
    delay_seconds: float = Field(default=1.0, ge=0.0)
    max_pages: int = Field(default=5000, ge=1)
    columns: list[ColumnConfig] = Field(default_factory=list)
    hints: SiteHints | None = None
    catalog: str | None = None

    @field_validator("start_urls")
    @classmethod
    def _http_only(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"start URL must be http(s): {url!r}")
        return urls


class FetchedPage(Record):
    """One HTTP response as the crawler received it. The bytes live in the blob store."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    #: sha256 of the raw body; also the key of the stored bytes (content-addressed).
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    size: int = 0
    fetched_at: datetime
    site: str | None = None
    kind: Literal["list", "detail", "attachment", "robots", "api", "other"] = "other"
    warc_record_id: str | None = None
    warc_file: str | None = None


class SiteColumn(Record):
    """A column (栏目) as the crawler saw it: the basis of empty/stale column findings."""

    #: The column's first list page as linked (absolute, no fragment).
    url: str
    name: str | None = None
    kind: Literal["news", "notice", "policy", "other"] | None = None
    item_count: int = Field(default=0, ge=0)
    #: Newest date shown in the list; None when no item shows a date.
    latest_item_date: date | None = None
    checked_at: datetime | None = None
    #: With no items: the positive signal that the column is empty (the marker text such as 暂无信息,
    #: or ``zero_rows`` for a list container rendered with no rows), ``none`` when the crawler saw
    #: none (a redesign, not an empty column); None when not recorded by a crawler.
    empty_signal: str | None = None
    #: When the column was first seen empty with that signal (empty on two nights: confirmed).
    empty_since: datetime | None = None


class FieldSource(Record):
    """Provenance of one extracted value: which stage, which label, the text as printed."""

    stage: SourceStage
    label: str | None = None
    raw: str | None = None
    #: How sure the extractor is of the value, 0..1 (None: not stated). Values a reader of the page
    #: sees (block, heading, body, 落款) are sure; ``meta`` and ``url`` are guesses.
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)


class Link(Record):
    """A hyperlink the page offers: 相关解读, related policy, attachment, or other."""

    url: str
    text: str = ""
    kind: Literal["interpretation", "policy", "attachment", "related", "other"] = "other"


class Attachment(Record):
    """An attached file (pdf, doc, docx, wps, ofd, xls, xlsx, zip) and, where read, its text."""

    url: str
    text: str = ""
    file_type: str | None = None
    sha256: str | None = None
    content_text: str | None = None


class InterpretedPolicy(Record):
    """What an interpretation page says it interprets."""

    title: str | None = None
    doc_no: str | None = None
    url: str | None = None


class DocumentRecord(Record):
    """One disclosed document with its nine metadata fields and where each came from."""

    url: str
    site: str | None = None
    column: str | None = None
    page_kind: PageKind = "document"

    title: str | None = None
    index_no: str | None = None
    doc_no: str | None = None
    publisher: str | None = None
    written_date: date | None = None
    published_date: date | None = None
    disclosure: Disclosure | None = None
    topic: str | None = None
    validity: str | None = None

    #: 公开属性 as printed when it could not be normalised (kept so the audit can flag it).
    disclosure_raw: str | None = None
    doc_no_normalized: str | None = None
    doc_no_defects: list[str] = Field(default_factory=list)
    index_no_defects: list[str] = Field(default_factory=list)
    topic_levels: list[str] = Field(default_factory=list)
    #: Provincial 规范性文件 registration number (e.g. HHCR-2023-01005), kept apart from 文号.
    registration_no: str | None = None

    body_text: str = ""
    links: list[Link] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    #: True when the page has a 相关解读 box, even an empty one (an empty box is itself evidence).
    has_interpretation_box: bool = False
    is_interpretation: bool = False
    interprets: list[InterpretedPolicy] = Field(default_factory=list)

    #: field name → where its value came from.
    sources: dict[str, FieldSource] = Field(default_factory=dict)
    #: Problems met while extracting (e.g. "no metadata block"); not audit findings.
    warnings: list[str] = Field(default_factory=list)

    page_sha256: str | None = None
    fetched_at: datetime | None = None

    def metadata(self) -> dict[str, Any]:
        """The nine fields as JSON-ready values (ISO dates, None when absent)."""
        data = self.model_dump(mode="json", include=set(METADATA_FIELDS))
        return {name: data[name] for name in METADATA_FIELDS}

    def content_hash(self) -> str:
        """A hash of what the document says, not of when or how it was fetched.

        Two fetches that extract the same content hash equal, so re-storing them adds no version.
        """
        return content_hash_of(self.model_dump(mode="json"))


#: Where or when a document was fetched, not what it says: left out of its content hash.
_NOT_CONTENT = frozenset({"fetched_at", "page_sha256", "site", "column"})


def content_hash_of(dump: dict[str, Any]) -> str:
    """:meth:`DocumentRecord.content_hash` of a record already dumped (``model_dump(mode="json")``)."""
    payload = {key: value for key, value in dump.items() if key not in _NOT_CONTENT}
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Classification(Record):
    """What the classifiers say about one document."""

    topic: str | None = None
    topic_level2: str | None = None
    domain: str = "其他"
    domain_alt: str | None = None
    doc_type: DocType = "other"
    needs_interpretation: bool = False
    #: Per task, the model's probability for its answer (and runners-up where useful).
    scores: dict[str, Any] = Field(default_factory=dict)
    #: Tasks where the model abstained (low confidence), e.g. ["domain"].
    low_confidence: list[str] = Field(default_factory=list)
    model_version: str | None = None


class Evidence(Record):
    """What a finding rests on: the page as fetched and the values the rule used."""

    url: str | None = None
    fetched_at: datetime | None = None
    sha256: str | None = None
    warc_record_id: str | None = None
    values: dict[str, Any] = Field(default_factory=dict)


class Finding(Record):
    """One rule violation, with the rule's legal basis and its evidence."""

    rule_id: str
    rule_version: str = "1"
    severity: Severity = "medium"
    site: str | None = None
    #: The document's URL, or None for site/column-level findings.
    document_url: str | None = None
    #: What the finding is about, stable across runs (document URL, column URL, catalog item id).
    subject: str
    detail: str
    legal_basis: str
    evidence: Evidence = Field(default_factory=Evidence)
    provisional: bool = False
    certainty: Certainty = "confirmed"
    #: Why a finding is only to review (e.g. "needs_interpretation p=0.71 < 0.90", "publisher
    #: read only from <meta>"); None when confirmed.
    review_reason: str | None = None
    first_seen: date | None = None
    last_seen: date | None = None
    status: FindingStatus = "open"
    closed_on: date | None = None
