"""Links between documents: the policy ↔ 解读 graph the audit's linking step draws."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from gongkai.models.store_base import StoreBase
from gongkai.models.tables import document_links, documents, sites

#: The link kinds the audit's linking step owns (and replaces at every audit of a site).
_INTERPRETATION_KINDS = ("interpretation", "interprets")


class LinksStore(StoreBase):
    def replace_interpretation_links(self, site_id: int, rows: Sequence[dict[str, Any]]) -> int:
        """Replace the site's 解读 links with ``rows`` (``document_links`` rows), in one transaction.

        A row repeated (same source, target URL and kind) is kept once; returns how many were written.
        """
        site_docs = sa.select(documents.c.id).where(documents.c.site_id == site_id).scalar_subquery()
        seen: set[tuple[int, str, str]] = set()
        unique = []
        for row in rows:
            key = (row["source_id"], row["target_url"], row["kind"])
            if key not in seen:
                seen.add(key)
                unique.append(row)
        with self.engine.begin() as conn:
            conn.execute(
                sa.delete(document_links).where(
                    document_links.c.kind.in_(_INTERPRETATION_KINDS),
                    document_links.c.source_id.in_(site_docs),
                )
            )
            if unique:
                conn.execute(sa.insert(document_links), unique)
        return len(unique)

    def interpretation_graph(self, site: str | None = None) -> list[dict[str, Any]]:
        """The stored policy ↔ 解读 graph: one dict per edge, with both ends' URL and title."""
        source = documents.alias("source")
        target = documents.alias("target")
        query = (
            sa.select(
                sites.c.name.label("site"),
                document_links.c.kind,
                source.c.url.label("source_url"),
                source.c.title.label("source_title"),
                document_links.c.target_url,
                target.c.title.label("target_title"),
                document_links.c.method,
                document_links.c.confidence,
            )
            .join(source, source.c.id == document_links.c.source_id)
            .join(sites, sites.c.id == source.c.site_id)
            .outerjoin(target, target.c.id == document_links.c.target_id)
            .where(document_links.c.kind.in_(_INTERPRETATION_KINDS))
            .order_by(sites.c.name, source.c.url, document_links.c.target_url)
        )
        if site is not None:
            query = query.where(sites.c.name == site)
        out = []
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                policy_side = row.kind == "interpretation"
                out.append(
                    {
                        "site": row.site,
                        "policy_url": row.source_url if policy_side else row.target_url,
                        "policy_title": row.source_title if policy_side else row.target_title,
                        "interpretation_url": row.target_url if policy_side else row.source_url,
                        "interpretation_title": row.target_title if policy_side else row.source_title,
                        "method": row.method,
                        "confidence": row.confidence,
                    }
                )
        return out
