"""The database schema (SQLAlchemy Core), the same on SQLite and PostgreSQL.

This module describes the schema at the newest migration; ``models/migrations`` builds it step by
step, and a test checks that the two agree. Change both together, never one alone.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Explicit constraint names so that migrations can refer to them on both backends.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Aware datetimes, stored in UTC.
Timestamp = DateTime(timezone=True)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("agency", Text),
    Column("config", JSON, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)

#: Raw bytes, stored once per content hash (zlib-compressed when it pays).
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("compression", String(8), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

#: One row per URL: the latest response, with what a conditional GET needs.
pages = Table(
    "pages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE")),
    Column("url", Text, nullable=False, unique=True),
    Column("final_url", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", Integer, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("sha256", String(64), ForeignKey("blobs.sha256")),
    Column("size", BigInteger, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("warc_record_id", Text),
    Column("warc_file", Text),
    Column("first_fetched_at", Timestamp, nullable=False),
    Column("fetched_at", Timestamp, nullable=False),
    Column("changed_at", Timestamp, nullable=False),
    # The audit reads a site's archived page versions by site (evidence for its findings).
    Index(None, "site_id"),
)

#: Every distinct body a URL has served, with the archived record that proves it.
page_versions = Table(
    "page_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("page_id", Integer, ForeignKey("pages.id", ondelete="CASCADE"), nullable=False),
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("status", Integer, nullable=False),
    Column("first_fetched_at", Timestamp, nullable=False),
    Column("last_fetched_at", Timestamp, nullable=False),
    Column("warc_record_id", Text),
    Column("warc_file", Text),
    UniqueConstraint("page_id", "sha256"),
)

#: The crawl frontier lives in the database so that a killed run resumes where it stopped.
frontier = Table(
    "frontier",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("depth", Integer, nullable=False),
    Column("state", String(16), nullable=False),  # pending | done | failed | skipped
    Column("attempts", Integer, nullable=False),
    Column("discovered_from", Text),
    Column("hint", JSON),  # what the list page said about the item (title, date, column)
    Column("last_error", Text),
    Column("updated_at", Timestamp, nullable=False),
    UniqueConstraint("site_id", "url"),
    Index(None, "site_id", "state"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("column_name", Text),
    # document | news | list | other: only documents are audited as policies (migration 0004).
    Column("page_kind", String(16), nullable=False, server_default="document"),
    Column("title", Text),
    Column("index_no", Text),
    Column("doc_no", Text),
    Column("doc_no_normalized", Text),
    Column("publisher", Text),
    Column("written_date", Date),
    Column("published_date", Date),
    Column("disclosure", String(16)),
    Column("topic", Text),
    Column("validity", Text),
    Column("is_interpretation", Boolean, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("version_count", Integer, nullable=False),
    Column("first_seen_at", Timestamp, nullable=False),
    Column("last_seen_at", Timestamp, nullable=False),
    Column("changed_at", Timestamp, nullable=False),
    # What the audit reads of the current version beyond the columns above (公开属性 as printed,
    # 文号 defects, 解读 links, the page it came from…; ``models.store.audit_facts``), a few
    # hundred bytes, so an audit never parses the full record JSON (body text included) per row.
    Column("audit_facts", JSON),
    UniqueConstraint("site_id", "url"),
    # A site's documents in id order without a sort (the audit loads them so).
    Index(None, "site_id", "id"),
    Index(None, "site_id", "published_date"),
    Index(None, "index_no"),
    Index(None, "doc_no_normalized"),
)

#: Every distinct content a document has had; ``valid_to`` is null for the current one.
document_versions = Table(
    "document_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("record", JSON, nullable=False),
    Column("page_sha256", String(64)),
    Column("valid_from", Timestamp, nullable=False),
    Column("valid_to", Timestamp),
    UniqueConstraint("document_id", "version"),
)

classifications = Table(
    "classifications",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("topic", Text),
    Column("topic_level2", Text),
    Column("domain", Text, nullable=False),
    Column("domain_alt", Text),
    Column("doc_type", String(16), nullable=False),
    Column("needs_interpretation", Boolean, nullable=False),
    Column("scores", JSON, nullable=False),
    Column("low_confidence", JSON, nullable=False),
    Column("model_version", Text),
    Column("classified_at", Timestamp, nullable=False),
)

#: The link graph between documents: policy → 解读, attachments, related documents.
document_links = Table(
    "document_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("target_id", Integer, ForeignKey("documents.id", ondelete="CASCADE")),
    Column("target_url", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # interprets | interpretation | attachment | related
    Column("method", String(16), nullable=False),  # explicit | title | doc_no | fuzzy | page
    Column("confidence", Integer, nullable=False),  # percent
    Column("created_at", Timestamp, nullable=False),
    UniqueConstraint("source_id", "target_url", "kind"),
)

#: What the crawler saw of each column (栏目): the basis of empty/stale column findings.
site_columns = Table(
    "site_columns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("name", Text),
    Column("kind", String(16)),
    Column("item_count", Integer, nullable=False),
    Column("latest_item_date", Date),
    Column("checked_at", Timestamp, nullable=False),
    # What showed the column empty (暂无信息 …, "zero_rows", "none") and since when (migration 0006).
    Column("empty_signal", Text),
    Column("empty_since", Timestamp),
    UniqueConstraint("site_id", "url"),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", String(64), nullable=False),
    Column("rule_version", String(16), nullable=False),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="SET NULL")),
    # A stable key for what the finding is about, so re-running an audit updates, never duplicates.
    Column("subject", Text, nullable=False),
    Column("severity", String(8), nullable=False),
    Column("detail", Text, nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("provisional", Boolean, nullable=False),
    # confirmed | to_review: a to-review finding rests on a guess and is never scored (0004).
    Column("certainty", String(16), nullable=False, server_default="confirmed"),
    Column("review_reason", Text),
    Column("status", String(8), nullable=False),
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("closed_on", Date),
    UniqueConstraint("rule_id", "site_id", "subject"),
    Index(None, "status", "rule_id"),
)

#: What the audit checked (0005): per timing rule and document in the rule's scope, the verdict
#: and the figures it rests on, with the parameters of that run. Reports count from these rows, so
#: their denominators and lags are the audit's under any override (``--grace-days`` …).
audit_checks = Table(
    "audit_checks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("rule_id", String(64), nullable=False),
    # fail | pass: fail exactly where the rule reported a finding about the document.
    Column("verdict", String(8), nullable=False),
    # Working days the rule counted (成文 → 发布, 发布 → first 解读, 发布 → today), if any.
    Column("lag_working_days", Integer),
    Column("provisional", Boolean, nullable=False),
    Column("params", JSON, nullable=False),
    Column("checked_on", Date, nullable=False),
    UniqueConstraint("rule_id", "document_id"),
    Index(None, "site_id", "rule_id"),
)

#: One row per pipeline run (crawl, audit, nightly): what it did, for logs and the report.
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE")),
    Column("started_at", Timestamp, nullable=False),
    Column("finished_at", Timestamp),
    Column("status", String(16), nullable=False),
    Column("stats", JSON, nullable=False),
)
