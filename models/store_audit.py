"""What the audit reads of one site, in set-based queries (the audit's loader shapes it).

The documents table holds the nine metadata fields and, in ``audit_facts``, the few values the
rules need beyond them, so a million documents are read without touching the record JSON of each
version. A row whose facts are missing or older than :data:`AUDIT_FACTS_VERSION` has them computed
from its current record, in a second query for those rows only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from gongkai.models.checks import CheckRow, StoredCheck, read_checks, replace_checks, sites_with_checks
from gongkai.models.store_base import StoreBase
from gongkai.models.store_documents import AUDIT_FACTS_VERSION, audit_facts
from gongkai.models.tables import (
    classifications,
    document_versions,
    documents,
    page_versions,
    pages,
    site_columns,
    sites,
)

#: (page URL, body hash) → the WARC record that archived that body.
WarcIndex = dict[tuple[str, str], str | None]


def parse_json_texts(values: Any) -> list[Any]:
    """JSON texts (or values a driver already parsed) → values; texts parsed as one JSON array."""
    if not any(isinstance(v, str) for v in values):
        return list(values)
    texts = [v if isinstance(v, str) else json.dumps(v) for v in values]
    return json.loads("[" + ",".join(texts) + "]")  # type: ignore[no-any-return]


class AuditReadsStore(StoreBase):
    def audit_columns(self, site_id: int) -> tuple[list[Any], list[Any], WarcIndex]:
        """The site's audited documents as columns (id, url, title, index_no, doc_no,
        doc_no_normalized, publisher, written, published, disclosure, is_interpretation, column,
        audit_facts text, domain, doc_type, needs_interpretation, scores text), ordered by id; the
        parsed facts of each row; and the WARC records of their pages."""
        as_text = sa.String  # dates as stored (ISO text on SQLite): numpy parses them in bulk
        query = (
            sa.select(
                documents.c.id,
                documents.c.url,
                documents.c.title,
                documents.c.index_no,
                documents.c.doc_no,
                documents.c.doc_no_normalized,
                documents.c.publisher,
                sa.type_coerce(documents.c.written_date, as_text),
                sa.type_coerce(documents.c.published_date, as_text),
                documents.c.disclosure,
                documents.c.is_interpretation,
                documents.c.column_name,
                sa.type_coerce(documents.c.audit_facts, sa.Text),  # parsed below, all rows in one call
                classifications.c.domain,
                classifications.c.doc_type,
                classifications.c.needs_interpretation,
                sa.type_coerce(classifications.c.scores, sa.Text),
            )
            .select_from(documents)
            .outerjoin(classifications, classifications.c.document_id == documents.c.id)
            # News, lists and other pages are stored and reported, never audited as policy documents.
            .where(documents.c.site_id == site_id, documents.c.page_kind == "document")
            .order_by(documents.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            cols = list(zip(*rows, strict=True)) if rows else [[] for _ in range(17)]
            facts = parse_json_texts(cols[12])
            missing = [
                i
                for i, value in enumerate(facts)
                if not isinstance(value, dict) or value.get("v") != AUDIT_FACTS_VERSION
            ]
            if missing:
                _fill_missing_facts(conn, [cols[0][i] for i in missing], missing, facts)
            warc = _warc_records(conn, site_id, list(cols[1]), facts)
        return cols, facts, warc

    def replace_checks(
        self, site_id: int, rule_ids: Sequence[str], rows: Iterable[CheckRow], checked_on: date
    ) -> int:
        """Replace the site's ``audit_checks`` of ``rule_ids`` with ``rows`` (see :mod:`models.checks`)."""
        return replace_checks(self.engine, site_id, rule_ids, rows, checked_on)

    def recorded_checks(self, site_names: Sequence[str]) -> tuple[set[str], list[StoredCheck]]:
        """The sites among ``site_names`` whose latest audit recorded what it checked, and those
        checks (``models/checks.py``): the report takes the timing rules' scope and lags from them."""
        with self.engine.connect() as conn:
            audited = sites_with_checks(conn, site_names)
            return audited, read_checks(conn, sorted(audited)) if audited else []

    def column_rows(self, site_id: int) -> list[Any]:
        """The site's stored columns (栏目) as rows of ``site_columns``, by URL."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(site_columns)
                    .where(site_columns.c.site_id == site_id)
                    .order_by(site_columns.c.url)
                ).all()
            )

    def site_rows(self, site: str | None) -> list[tuple[int, str]]:
        """(id, name) of the named site, or of every site, by name."""
        query = sa.select(sites.c.id, sites.c.name).order_by(sites.c.name)
        if site is not None:
            query = query.where(sites.c.name == site)
        with self.engine.connect() as conn:
            return [(row.id, row.name) for row in conn.execute(query)]


def _fill_missing_facts(conn: sa.Connection, ids: list[int], rows: list[int], facts: list[Any]) -> None:
    """Facts of rows saved without them, from their current record (rare: 500 records a query)."""
    where = dict(zip(ids, rows, strict=True))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        result = conn.execute(
            sa.select(document_versions.c.document_id, document_versions.c.record)
            .join(
                documents,
                sa.and_(
                    documents.c.id == document_versions.c.document_id,
                    documents.c.version_count == document_versions.c.version,
                ),
            )
            .where(document_versions.c.document_id.in_(chunk))
        )
        for doc_id, record in result:
            facts[where[doc_id]] = audit_facts(json.loads(record) if isinstance(record, str) else record)


def _warc_records(conn: sa.Connection, site_id: int, urls: list[str], facts: list[Any]) -> WarcIndex:
    """(page URL, body hash) → the WARC record that archived that body, for the site's documents.

    Pages are read by site (an index); a document whose page was filed under no or another site
    is looked up by its URL, 500 at a time.
    """
    query = sa.select(pages.c.url, page_versions.c.sha256, page_versions.c.warc_record_id).join(
        page_versions, page_versions.c.page_id == pages.c.id
    )
    found = {(url, sha): warc for url, sha, warc in conn.execute(query.where(pages.c.site_id == site_id))}
    known = {url for url, _ in found}
    stray = sorted(
        {u for u, f in zip(urls, facts, strict=True) if f and f.get("page_sha256") and u not in known}
    )
    for start in range(0, len(stray), 500):
        rows = conn.execute(query.where(pages.c.url.in_(stray[start : start + 500])))
        found.update(((url, sha), warc) for url, sha, warc in rows)
    return found
