"""The public bulk loader: many documents of one site, with their pages and classifications, at once.

For benchmarks and fixtures that need a large store fast (``bench/synthetic_store.py``): one
transaction per call and one ``executemany`` per table, through the same tables, row mappers
(:func:`gongkai.models.store_documents.document_columns`, :func:`audit_facts`) and blob packing as
the store's own writes, so a bulk-loaded store reads exactly like a crawled one. Records are
passed JSON-dumped (``DocumentRecord.model_dump(mode="json")``): a million of them would
otherwise be validated for nothing. The rows are new: ids given must be free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from gongkai.models.records import Classification, SiteColumn, SiteConfig
from gongkai.models.store_base import StoreBase, as_utc, utcnow
from gongkai.models.store_documents import audit_facts, content_hash_of, document_columns
from gongkai.models.store_pages import pack_blob
from gongkai.models.store_sites import column_row
from gongkai.models.tables import (
    blobs,
    classifications,
    document_versions,
    documents,
    page_versions,
    pages,
    site_columns,
)
from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class BulkPage:
    """The detail page a document was read from, as fetched."""

    body: bytes
    fetched_at: datetime
    status: int = 200
    kind: str = "detail"
    headers: Mapping[str, str] = field(default_factory=dict)
    warc_record_id: str | None = None
    warc_file: str | None = None


@dataclass(frozen=True)
class BulkDocument:
    """One document's first version. ``record`` is ``DocumentRecord.model_dump(mode="json")``."""

    record: dict[str, Any]
    seen_at: datetime
    #: Fixed id for the document (and its page), or None for the next free one.
    id: int | None = None
    #: None: the store's own hash of the record (what ``save_documents`` would compute).
    content_hash: str | None = None
    classification: Classification | None = None
    page: BulkPage | None = None


@dataclass
class BulkCounts:
    documents: int = 0
    pages: int = 0
    classifications: int = 0
    columns: int = 0


def _insert_many(conn: Connection, stmt: Any, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """``executemany`` of ``stmt`` with ``rows`` (all of the same keys), straight to the driver.

    The statement is compiled once and each column's converter (JSON, dates …) looked up once:
    SQLAlchemy's own ``execute(stmt, rows)`` builds a parameter dict per row through its generic
    machinery, which took most of a bulk load's time.
    """
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":  # PostgreSQL's driver batches well through SQLAlchemy already
        conn.execute(stmt, rows)
        return
    keys = list(rows[0])
    compiled = stmt.compile(dialect=dialect, column_keys=keys)
    convert = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys]
    at = {key: i for i, key in enumerate(keys)}
    index = [at[name] for name in compiled.positiontup]
    params = []
    for row in rows:
        values = [row[key] if fn is None else fn(row[key]) for key, fn in zip(keys, convert, strict=True)]
        params.append(tuple(values[i] for i in index))
    conn.exec_driver_sql(compiled.string, params)


class BulkStore(StoreBase):
    def bulk_load(
        self,
        site: SiteConfig | str,
        docs: Iterable[BulkDocument],
        columns: Iterable[SiteColumn] = (),
        classified_at: datetime | None = None,
    ) -> BulkCounts:
        """Write ``docs`` (new documents of ``site``) and the site's ``columns`` in one transaction."""
        counts = BulkCounts()
        classified_at = as_utc(classified_at) or utcnow()
        with self.engine.begin() as conn:
            site_id = self.upsert_site(site, conn)
            next_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(documents.c.id), 0))).scalar_one()
            doc_rows, version_rows, class_rows = [], [], []
            blob_rows: dict[str, dict[str, Any]] = {}
            page_rows, page_version_rows = [], []
            for doc in docs:
                if doc.id is None:
                    next_id += 1
                doc_id = doc.id if doc.id is not None else next_id
                seen = as_utc(doc.seen_at)
                record = doc.record
                digest = doc.content_hash or content_hash_of(record)
                doc_rows.append(
                    {
                        "id": doc_id,
                        "site_id": site_id,
                        "url": record["url"],
                        "version_count": 1,
                        "first_seen_at": seen,
                        "last_seen_at": seen,
                        "changed_at": seen,
                        "audit_facts": audit_facts(record),
                        **document_columns(record, digest),
                    }
                )
                version_rows.append(
                    {
                        "document_id": doc_id,
                        "version": 1,
                        "content_hash": digest,
                        "record": record,
                        "page_sha256": record.get("page_sha256"),
                        "valid_from": seen,
                        "valid_to": None,
                    }
                )
                if doc.classification is not None:
                    class_rows.append(
                        {
                            "document_id": doc_id,
                            "classified_at": classified_at,
                            **doc.classification.model_dump(mode="json"),
                        }
                    )
                if doc.page is not None:
                    page = doc.page
                    sha, compression, payload = pack_blob(page.body)
                    fetched = as_utc(page.fetched_at)
                    blob_rows.setdefault(
                        sha,
                        {
                            "sha256": sha,
                            "size": len(page.body),
                            "compression": compression,
                            "data": payload,
                            "created_at": fetched,
                        },
                    )
                    headers = {k.lower(): v for k, v in page.headers.items()}
                    page_rows.append(
                        {
                            "id": doc_id,
                            "site_id": site_id,
                            "url": record["url"],
                            "final_url": record["url"],
                            "kind": page.kind,
                            "status": page.status,
                            "headers": headers,
                            "sha256": sha,
                            "size": len(page.body),
                            "etag": headers.get("etag"),
                            "last_modified": headers.get("last-modified"),
                            "warc_record_id": page.warc_record_id,
                            "warc_file": page.warc_file,
                            "first_fetched_at": fetched,
                            "fetched_at": fetched,
                            "changed_at": fetched,
                        }
                    )
                    page_version_rows.append(
                        {
                            "page_id": doc_id,
                            "sha256": sha,
                            "status": page.status,
                            "first_fetched_at": fetched,
                            "last_fetched_at": fetched,
                            "warc_record_id": page.warc_record_id,
                            "warc_file": page.warc_file,
                        }
                    )
            column_rows = [column_row(site_id, column, classified_at) for column in columns]
            # The same bytes may already be stored (another site's page): kept once.
            keep_first = self._insert(blobs).on_conflict_do_nothing(index_elements=["sha256"])
            _insert_many(conn, keep_first, blobs, list(blob_rows.values()))
            for table, rows in (
                (documents, doc_rows),
                (document_versions, version_rows),
                (classifications, class_rows),
                (pages, page_rows),
                (page_versions, page_version_rows),
                (site_columns, column_rows),
            ):
                _insert_many(conn, sa.insert(table), table, rows)
            counts.documents, counts.pages = len(doc_rows), len(page_rows)
            counts.classifications, counts.columns = len(class_rows), len(column_rows)
        return counts
