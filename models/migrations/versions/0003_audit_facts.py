"""``documents.audit_facts`` and two indexes: what an audit of a million documents reads fast.

An audit of a million documents cannot afford to read and parse every record JSON (tens of
kilobytes each with the body text); the store now keeps the handful of values the audit needs in
a small JSON column, written with each version. Existing rows are filled from their current
record, in batches, by the same rules as ``models.store.audit_facts`` (copied here so that this
migration keeps doing what it did when the helper changes).

The indexes serve the audit's per-site reads: ``documents (site_id, id)`` returns a site's
documents in id order without a sort, ``pages (site_id)`` finds a site's archived pages (the
WARC records its findings cite) without one URL lookup per document.

Revision ID: 0003_audit_facts
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003_audit_facts"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 2000


def _facts(record: dict[str, Any]) -> dict[str, Any]:
    facts = {
        "disclosure_raw": record.get("disclosure_raw"),
        "doc_no_defects": list(record.get("doc_no_defects") or []),
        "fetched_at": record.get("fetched_at"),
        "page_sha256": record.get("page_sha256"),
        "links": [
            {"url": link["url"], "kind": link.get("kind")}
            for link in record.get("links") or []
            if link.get("kind") in ("interpretation", "policy")
        ],
        "interprets": list(record.get("interprets") or []),
        "has_body": bool((record.get("body_text") or "").strip()),
        "attachments": len(record.get("attachments") or []),
    }
    # Only what differs from "nothing" is kept: a million rows are parsed at every audit.
    return {key: value for key, value in facts.items() if value}


def upgrade() -> None:
    op.create_index("ix_documents_site_id_id", "documents", ["site_id", "id"])
    op.create_index("ix_pages_site_id", "pages", ["site_id"])
    op.add_column("documents", sa.Column("audit_facts", sa.JSON))
    conn = op.get_bind()
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer),
        sa.column("version_count", sa.Integer),
        sa.column("audit_facts", sa.JSON),
    )
    versions = sa.table(
        "document_versions",
        sa.column("document_id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("record", sa.JSON),
    )
    update = (
        sa.update(documents)
        .where(documents.c.id == sa.bindparam("_id"))
        .values(audit_facts=sa.bindparam("facts", type_=sa.JSON))
    )
    last_id = 0
    while True:
        rows = conn.execute(
            sa.select(documents.c.id, versions.c.record)
            .join(
                versions,
                sa.and_(
                    versions.c.document_id == documents.c.id,
                    versions.c.version == documents.c.version_count,
                ),
            )
            .where(documents.c.id > last_id)
            .order_by(documents.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        params = []
        for doc_id, record in rows:
            if isinstance(record, str):  # a backend that hands JSON back as text
                record = json.loads(record)
            params.append({"_id": doc_id, "facts": _facts(record or {})})
        conn.execute(update, params)
        last_id = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("audit_facts")
    op.drop_index("ix_pages_site_id", "pages")
    op.drop_index("ix_documents_site_id_id", "documents")
