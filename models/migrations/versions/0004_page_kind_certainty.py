"""``documents.page_kind`` and ``findings.certainty`` / ``review_reason``.

A page is a document, news, a list or something else: only documents are audited as policies.
A finding rests either on what a reader of the page sees and confident calls (``confirmed``) or on
a guess (``to_review``): a classifier call below its rule's threshold, a value read only from
``<meta>`` or the URL. Existing rows were all treated as documents and confirmed findings.

Revision ID: 0004_page_kind_certainty
Revises: 0003_audit_facts
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_page_kind_certainty"
down_revision = "0003_audit_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("page_kind", sa.String(16), nullable=False, server_default="document"))
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("certainty", sa.String(16), nullable=False, server_default="confirmed"))
        batch.add_column(sa.Column("review_reason", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("review_reason")
        batch.drop_column("certainty")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("page_kind")
