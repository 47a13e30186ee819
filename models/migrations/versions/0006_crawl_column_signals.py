"""``site_columns.empty_signal`` / ``empty_since``: what showed a column empty, and since when.

A column with no items is only reported empty on a positive signal (an empty-list marker such as
暂无信息, or a list container rendered with zero rows) seen on two nights; a column that simply
yielded nothing is the crawler's failure (a redesign), an operator alert and never a finding.
``empty_signal`` is the signal seen (``"none"`` when the crawler saw no signal), ``empty_since``
when the column was first seen empty with it. Existing rows were recorded before any signal was
kept (both null).

Revision ID: 0006_crawl_column_signals
Revises: 0005_audit_checks
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_crawl_column_signals"
down_revision = "0005_audit_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_columns") as batch:
        batch.add_column(sa.Column("empty_signal", sa.Text))
        batch.add_column(sa.Column("empty_since", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("site_columns") as batch:
        batch.drop_column("empty_since")
        batch.drop_column("empty_signal")
