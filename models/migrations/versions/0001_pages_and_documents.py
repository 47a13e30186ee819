"""Sites, raw page bytes, pages with their versions, the crawl frontier, documents with versions.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("agency", sa.Text),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sites"),
        sa.UniqueConstraint("name", name="uq_sites_name"),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64)),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("compression", sa.String(8), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blobs"),
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer),
        sa.Column("site_id", sa.Integer),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("final_url", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("warc_record_id", sa.Text),
        sa.Column("warc_file", sa.Text),
        sa.Column("first_fetched_at", TS, nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pages"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_pages_site_id_sites", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name="fk_pages_sha256_blobs"),
        sa.UniqueConstraint("url", name="uq_pages_url"),
    )
    op.create_table(
        "page_versions",
        sa.Column("id", sa.Integer),
        sa.Column("page_id", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("first_fetched_at", TS, nullable=False),
        sa.Column("last_fetched_at", TS, nullable=False),
        sa.Column("warc_record_id", sa.Text),
        sa.Column("warc_file", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_page_versions"),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name="fk_page_versions_page_id_pages", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name="fk_page_versions_sha256_blobs"),
        sa.UniqueConstraint("page_id", "sha256", name="uq_page_versions_page_id_sha256"),
    )
    op.create_table(
        "frontier",
        sa.Column("id", sa.Integer),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("discovered_from", sa.Text),
        sa.Column("hint", sa.JSON),
        sa.Column("last_error", sa.Text),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_frontier"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_frontier_site_id_sites", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("site_id", "url", name="uq_frontier_site_id_url"),
    )
    op.create_index("ix_frontier_site_id_state", "frontier", ["site_id", "state"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("column_name", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("index_no", sa.Text),
        sa.Column("doc_no", sa.Text),
        sa.Column("doc_no_normalized", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("written_date", sa.Date),
        sa.Column("published_date", sa.Date),
        sa.Column("disclosure", sa.String(16)),
        sa.Column("topic", sa.Text),
        sa.Column("validity", sa.Text),
        sa.Column("is_interpretation", sa.Boolean, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("version_count", sa.Integer, nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_documents_site_id_sites", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("site_id", "url", name="uq_documents_site_id_url"),
    )
    op.create_index("ix_documents_site_id_published_date", "documents", ["site_id", "published_date"])
    op.create_index("ix_documents_index_no", "documents", ["index_no"])
    op.create_index("ix_documents_doc_no_normalized", "documents", ["doc_no_normalized"])
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer),
        sa.Column("document_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("page_sha256", sa.String(64)),
        sa.Column("valid_from", TS, nullable=False),
        sa.Column("valid_to", TS),
        sa.PrimaryKeyConstraint("id", name="pk_document_versions"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_document_versions_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("document_id", "version", name="uq_document_versions_document_id_version"),
    )


def downgrade() -> None:
    for table in ("document_versions", "documents", "frontier", "page_versions", "pages", "blobs", "sites"):
        op.drop_table(table)
