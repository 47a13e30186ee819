"""The store: idempotent writes of pages, documents, classifications and findings.

SQLite by default, PostgreSQL with the same code. Every write is an upsert on a natural key
(URL, site + URL, rule + site + subject), so storing the same thing twice leaves one row; a
document whose content changed gets a new version and keeps the old ones.

One :class:`Store`, one module per aggregate: ``store_sites`` (sites, columns), ``store_pages``
(pages, raw bytes), ``store_documents`` (documents, versions, classifications), ``store_links``
(the 解读 graph), ``store_findings`` (findings), ``store_audit`` (what the audit reads),
``store_reads`` (the reports' read-only queries), ``store_runs`` (the runs log),
``store_frontier`` (the crawl frontier and crawl runs), ``bulk`` (the public bulk loader);
``store_base`` holds what they share, ``writelock`` the SQLite writer lock.
"""

from __future__ import annotations

from gongkai.models import database
from gongkai.models.bulk import BulkStore
from gongkai.models.store_audit import AuditReadsStore
from gongkai.models.store_base import StoreBase, as_utc, sha256_hex, utcnow
from gongkai.models.store_documents import (
    AUDIT_FACTS_VERSION,
    DocumentSave,
    DocumentsStore,
    DocumentVersion,
    SaveStatus,
    StoredDocument,
    audit_facts,
    guessed_fields,
)
from gongkai.models.store_findings import FindingsStore
from gongkai.models.store_frontier import FrontierStore
from gongkai.models.store_links import LinksStore
from gongkai.models.store_pages import PageSave, PagesStore
from gongkai.models.store_reads import ReadsStore
from gongkai.models.store_runs import RunsStore
from gongkai.models.store_sites import SitesStore

__all__ = [
    "AUDIT_FACTS_VERSION",
    "DocumentSave",
    "DocumentVersion",
    "PageSave",
    "SaveStatus",
    "Store",
    "StoreBase",
    "StoredDocument",
    "as_utc",
    "audit_facts",
    "guessed_fields",
    "open_store",
    "sha256_hex",
    "utcnow",
]


class Store(
    SitesStore,
    PagesStore,
    DocumentsStore,
    LinksStore,
    FindingsStore,
    AuditReadsStore,
    ReadsStore,
    RunsStore,
    FrontierStore,
    BulkStore,
):
    """A handle on the database. Open one with :func:`open_store`."""


def open_store(url: str | None = None, *, migrate: bool = True, must_exist: bool = False) -> Store:
    """Open the database at ``url`` (``--db`` / ``GONGKAI_DB`` / ``./gongkai.db``), migrated to head.

    ``must_exist``: a SQLite file that is not there is an error (read commands), not created.
    """
    if must_exist:
        database.require_existing(database.resolve_url(url))
    engine = database.create_db_engine(database.resolve_url(url))
    if migrate:
        try:
            database.upgrade(engine)
        except Exception:
            engine.dispose()
            raise
    return Store(engine)
