"""``audit_checks``: what the audit checked, per timing rule and document.

For ``late_publication``, ``missing_interpretation`` and ``late_interpretation`` the audit stores
one row per document in the rule's scope: the verdict (fail where it reported a finding), the
working days it counted and the parameters of that run. Reports count from these rows instead of
re-deciding lateness and scope with the rules' default parameters.

Revision ID: 0005_audit_checks
Revises: 0004_page_kind_certainty
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_audit_checks"
down_revision = "0004_page_kind_certainty"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_checks",
        sa.Column("id", sa.Integer),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("document_id", sa.Integer, nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("lag_working_days", sa.Integer),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("checked_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_checks"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_audit_checks_site_id_sites", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_audit_checks_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("rule_id", "document_id", name="uq_audit_checks_rule_id_document_id"),
    )
    op.create_index("ix_audit_checks_site_id_rule_id", "audit_checks", ["site_id", "rule_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_checks_site_id_rule_id", table_name="audit_checks")
    op.drop_table("audit_checks")
