"""Classifications, the document link graph, site columns, findings and runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "classifications",
        sa.Column("document_id", sa.Integer),
        sa.Column("topic", sa.Text),
        sa.Column("topic_level2", sa.Text),
        sa.Column("domain", sa.Text, nullable=False),
        sa.Column("domain_alt", sa.Text),
        sa.Column("doc_type", sa.String(16), nullable=False),
        sa.Column("needs_interpretation", sa.Boolean, nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("low_confidence", sa.JSON, nullable=False),
        sa.Column("model_version", sa.Text),
        sa.Column("classified_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("document_id", name="pk_classifications"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_classifications_document_id_documents",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "document_links",
        sa.Column("id", sa.Integer),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("target_id", sa.Integer),
        sa.Column("target_url", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_document_links"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["documents.id"], name="fk_document_links_source_id_documents", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["documents.id"], name="fk_document_links_target_id_documents", ondelete="CASCADE"
        ),
        sa.UniqueConstraint(
            "source_id", "target_url", "kind", name="uq_document_links_source_id_target_url_kind"
        ),
    )
    op.create_table(
        "site_columns",
        sa.Column("id", sa.Integer),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("kind", sa.String(16)),
        sa.Column("item_count", sa.Integer, nullable=False),
        sa.Column("latest_item_date", sa.Date),
        sa.Column("checked_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_site_columns"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_site_columns_site_id_sites", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("site_id", "url", name="uq_site_columns_site_id_url"),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("rule_version", sa.String(16), nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("document_id", sa.Integer),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("legal_basis", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("first_seen", sa.Date, nullable=False),
        sa.Column("last_seen", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_findings_site_id_sites", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_findings_document_id_documents", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("rule_id", "site_id", "subject", name="uq_findings_rule_id_site_id_subject"),
    )
    op.create_index("ix_findings_status_rule_id", "findings", ["status", "rule_id"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("site_id", sa.Integer),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stats", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_runs_site_id_sites", ondelete="CASCADE"),
    )


def downgrade() -> None:
    for table in ("runs", "findings", "site_columns", "document_links", "classifications"):
        op.drop_table(table)
