"""Documents and their versions: the record of every document, versioned by content."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from gongkai.models.records import (
    GUESS_STAGES,
    METADATA_FIELDS,
    Classification,
    DocumentRecord,
    content_hash_of,
)
from gongkai.models.store_base import StoreBase, as_utc, utcnow
from gongkai.models.tables import (
    classifications,
    document_versions,
    documents,
    sites,
)
from sqlalchemy.engine import Connection

SaveStatus = Literal["new", "changed", "unchanged"]


def audit_facts(record: dict[str, Any]) -> dict[str, Any]:
    """What the audit reads of a version beyond the nine fields, from its JSON-dumped record.

    Stored in ``documents.audit_facts`` with each new version (migration ``0003_audit_facts`` fills
    older rows with a frozen copy of these rules): 公开属性 as printed, 文号 defects, fetch time and
    page hash (evidence), the 解读/policy links and what an interpretation says it interprets, and
    whether the page carried any content (a 不予公开 document published in full is a finding), and
    which fields were only guessed from ``<meta>`` or the URL (findings on them are to review).
    """
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
        "guessed": guessed_fields(record),
    }
    # Only what differs from "nothing" is kept: a million rows are parsed at every audit.
    return {"v": AUDIT_FACTS_VERSION, **{key: value for key, value in facts.items() if value}}


#: Bumped when :func:`audit_facts` stores something new: the audit re-reads the record of rows
#: whose stored facts are older (correct, slower), so no migration has to rewrite them.
AUDIT_FACTS_VERSION = 2


def guessed_fields(record: dict[str, Any]) -> dict[str, str]:
    """field → stage, for the values only guessed from ``<meta>`` or the URL (JSON-dumped record)."""
    sources = record.get("sources") or {}
    return {
        name: source["stage"]
        for name, source in sources.items()
        if isinstance(source, dict) and source.get("stage") in GUESS_STAGES and record.get(name) is not None
    }


@dataclass(frozen=True)
class DocumentSave:
    document_id: int
    status: SaveStatus
    version: int


@dataclass(frozen=True)
class StoredDocument:
    """A document as stored: its id and site, the record of its current version."""

    id: int
    site: str
    record: DocumentRecord
    version_count: int
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class DocumentVersion:
    version: int
    content_hash: str
    record: DocumentRecord
    valid_from: datetime
    valid_to: datetime | None


def document_columns(dump: Mapping[str, Any], content_hash: str) -> dict[str, Any]:
    """The ``documents`` columns read from a record (``DocumentRecord.model_dump(mode="json")``)."""
    columns = {
        "column_name": dump.get("column"),
        "page_kind": dump.get("page_kind") or "document",
        "doc_no_normalized": dump.get("doc_no_normalized"),
        "is_interpretation": bool(dump.get("is_interpretation")),
        "content_hash": content_hash,
        **{name: dump.get(name) for name in METADATA_FIELDS},
    }
    for name in _DATE_FIELDS:
        if isinstance(columns[name], str):
            columns[name] = date.fromisoformat(columns[name])
    return columns


_DATE_FIELDS = ("written_date", "published_date")


# Built once (see StoreBase._upsert): the values are passed as parameters at each call.
_DOCUMENT_BY_URL = (
    sa.select(documents.c.id, documents.c.content_hash, documents.c.version_count)
    .where(documents.c.site_id == sa.bindparam("site"), documents.c.url == sa.bindparam("doc_url"))
    .with_for_update()
)
_UPDATE_DOCUMENT = sa.update(documents).where(documents.c.id == sa.bindparam("_id"))
_CLOSE_VERSION = sa.update(document_versions).where(
    document_versions.c.document_id == sa.bindparam("_id"), document_versions.c.valid_to.is_(None)
)
_ADD_VERSION = sa.insert(document_versions)


def _claim_document(insert: Callable[[sa.Table], Any], keys: tuple[str, ...]) -> Any:
    return insert(documents).on_conflict_do_nothing(index_elements=["site_id", "url"])


def _upsert_classification(insert: Callable[[sa.Table], Any], keys: tuple[str, ...]) -> Any:
    stmt = insert(classifications)
    return stmt.on_conflict_do_update(
        index_elements=["document_id"],
        set_={name: stmt.excluded[name] for name in keys if name != "document_id"},
    )


class DocumentsStore(StoreBase):
    # --- documents --------------------------------------------------------------------------

    def save_document(self, record: DocumentRecord, site: str | None = None) -> DocumentSave:
        """Store one document; see :meth:`save_documents`."""
        return self.save_documents([record], site)[0]

    def save_documents(
        self, records: Sequence[DocumentRecord], site: str | None = None, conn: Connection | None = None
    ) -> list[DocumentSave]:
        """Store documents idempotently, in one transaction.

        Same content as the current version → only ``last_seen_at`` moves. Different content →
        a new version; the old one is closed (``valid_to``) and kept.
        """
        results: list[DocumentSave] = []
        with self._conn(conn) as conn:
            site_ids: dict[str, int] = {}
            for record in records:
                site_name = site or record.site
                if not site_name:
                    raise ValueError(f"document {record.url} has no site")
                if site_name not in site_ids:
                    site_ids[site_name] = self._site_id_for(conn, site_name)  # type: ignore[assignment]
                results.append(self._save_document(conn, record, site_ids[site_name]))
        return results

    def _save_document(self, conn: Connection, record: DocumentRecord, site_id: int) -> DocumentSave:
        now = utcnow()
        seen_at = as_utc(record.fetched_at) or now
        dump = record.model_dump(mode="json")
        content_hash = content_hash_of(dump)
        columns = document_columns(dump, content_hash)
        # Claim the row first (a concurrent writer of the same document waits on the lock below).
        self._upsert_row(
            conn,
            _claim_document,
            {
                "site_id": site_id,
                "url": record.url,
                "version_count": 0,
                "first_seen_at": seen_at,
                "last_seen_at": seen_at,
                "changed_at": seen_at,
                **columns,
            },
        )
        row = conn.execute(_DOCUMENT_BY_URL, {"site": site_id, "doc_url": record.url}).one()
        if row.version_count > 0 and row.content_hash == content_hash:
            conn.execute(_UPDATE_DOCUMENT, {"_id": row.id, "last_seen_at": seen_at})
            return DocumentSave(row.id, "unchanged", row.version_count)
        version = row.version_count + 1
        conn.execute(_CLOSE_VERSION, {"_id": row.id, "valid_to": seen_at})
        conn.execute(
            _ADD_VERSION,
            {
                "document_id": row.id,
                "version": version,
                "content_hash": content_hash,
                "record": dump,
                "page_sha256": record.page_sha256,
                "valid_from": seen_at,
                "valid_to": None,
            },
        )
        conn.execute(
            _UPDATE_DOCUMENT,
            {
                "_id": row.id,
                "version_count": version,
                "last_seen_at": seen_at,
                "changed_at": seen_at,
                "audit_facts": audit_facts(dump),
                **columns,
            },
        )
        return DocumentSave(row.id, "new" if version == 1 else "changed", version)

    def iter_documents(self, site: str | None = None, batch_size: int = 500) -> Iterator[StoredDocument]:
        """Stored documents with the record of their current version, ordered by id."""
        query = (
            sa.select(
                documents.c.id,
                documents.c.version_count,
                documents.c.first_seen_at,
                documents.c.last_seen_at,
                sites.c.name.label("site_name"),
                document_versions.c.record,
            )
            .join(sites, sites.c.id == documents.c.site_id)
            .join(
                document_versions,
                sa.and_(
                    document_versions.c.document_id == documents.c.id,
                    document_versions.c.version == documents.c.version_count,
                ),
            )
            .order_by(documents.c.id)
        )
        if site is not None:
            query = query.where(sites.c.name == site)
        last_id = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(query.where(documents.c.id > last_id).limit(batch_size)).all()
            if not rows:
                return
            for row in rows:
                yield StoredDocument(
                    id=row.id,
                    site=row.site_name,
                    record=DocumentRecord.model_validate(row.record),
                    version_count=row.version_count,
                    first_seen_at=as_utc(row.first_seen_at),  # type: ignore[arg-type]
                    last_seen_at=as_utc(row.last_seen_at),  # type: ignore[arg-type]
                )
            last_id = rows[-1].id

    def list_documents(self, site: str | None = None) -> list[dict[str, Any]]:
        """``url``, ``site`` and the nine metadata fields of every stored document (cheap: no JSON)."""
        query = (
            sa.select(documents.c.url, sites.c.name.label("site"), *[documents.c[f] for f in METADATA_FIELDS])
            .join(sites, sites.c.id == documents.c.site_id)
            .order_by(sites.c.name, documents.c.published_date.desc(), documents.c.url)
        )
        if site is not None:
            query = query.where(sites.c.name == site)
        with self.engine.connect() as conn:
            out = []
            for row in conn.execute(query):
                item = dict(row._mapping)
                for name in ("written_date", "published_date"):
                    if isinstance(item[name], date):
                        item[name] = item[name].isoformat()
                out.append(item)
            return out

    def document_titles(self, site: str) -> list[tuple[str, str | None]]:
        """``(url, title)`` of every stored document of the site, oldest first: a light read for a
        caller that picks a few documents by title before loading their records."""
        with self.engine.connect() as conn:
            return [
                (url, title)
                for url, title in conn.execute(
                    sa.select(documents.c.url, documents.c.title)
                    .join(sites, sites.c.id == documents.c.site_id)
                    .where(sites.c.name == site)
                    .order_by(documents.c.id)
                )
            ]

    def document_counts(self, site: str) -> dict[str, int]:
        """The site's stored documents, news and other pages, and versions of them all."""
        with self.engine.connect() as conn:
            site_id = conn.execute(sa.select(sites.c.id).where(sites.c.name == site)).scalar_one_or_none()
            if site_id is None:
                return {"documents": 0, "news": 0, "other_pages": 0, "versions": 0}
            kinds: dict[str, int] = {
                kind: count
                for kind, count in conn.execute(
                    sa.select(documents.c.page_kind, sa.func.count())
                    .where(documents.c.site_id == site_id)
                    .group_by(documents.c.page_kind)
                )
            }
            versions = conn.execute(
                sa.select(sa.func.count())
                .select_from(document_versions)
                .join(documents, documents.c.id == document_versions.c.document_id)
                .where(documents.c.site_id == site_id)
            ).scalar_one()
        docs = kinds.pop("document", 0)
        news = kinds.pop("news", 0)
        return {"documents": docs, "news": news, "other_pages": sum(kinds.values()), "versions": versions}

    def document_id(self, url: str, site: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(documents.c.id)
                .join(sites, sites.c.id == documents.c.site_id)
                .where(sites.c.name == site, documents.c.url == url)
            ).scalar_one_or_none()

    def document_history(self, url: str, site: str) -> list[DocumentVersion]:
        """Every version of a document, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(document_versions)
                .join(documents, documents.c.id == document_versions.c.document_id)
                .join(sites, sites.c.id == documents.c.site_id)
                .where(sites.c.name == site, documents.c.url == url)
                .order_by(document_versions.c.version)
            ).all()
        return [
            DocumentVersion(
                version=row.version,
                content_hash=row.content_hash,
                record=DocumentRecord.model_validate(row.record),
                valid_from=as_utc(row.valid_from),  # type: ignore[arg-type]
                valid_to=as_utc(row.valid_to),
            )
            for row in rows
        ]

    def document_as_of(self, url: str, site: str, when: datetime) -> DocumentRecord | None:
        """What the document said at ``when`` (None if it was not yet seen)."""
        when = as_utc(when)  # type: ignore[assignment]
        for version in reversed(self.document_history(url, site)):
            if version.valid_from <= when and (version.valid_to is None or when < version.valid_to):
                return version.record
        return None

    # --- classifications --------------------------------------------------------------------

    def save_classifications(self, items: Iterable[tuple[int, Classification]]) -> int:
        """Upsert the classification of each document id; returns how many were written."""
        now = utcnow()
        rows = [
            {"document_id": document_id, "classified_at": now, **result.model_dump(mode="json")}
            for document_id, result in items
        ]
        with self.engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                chunk = rows[start : start + 5000]
                conn.execute(self._upsert(_upsert_classification, chunk[0]), chunk)
        return len(rows)

    def classified_ids(self, model_version: str | None = None) -> set[int]:
        """Documents whose classification is newer than their latest content change (and, given a
        ``model_version``, was made by those models: older models' calls are not current)."""
        query = (
            sa.select(classifications.c.document_id)
            .join(documents, documents.c.id == classifications.c.document_id)
            .where(classifications.c.classified_at >= documents.c.changed_at)
        )
        if model_version is not None:
            query = query.where(classifications.c.model_version == model_version)
        with self.engine.connect() as conn:
            return {row[0] for row in conn.execute(query)}

    def get_classification(self, document_id: int) -> Classification | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(classifications).where(classifications.c.document_id == document_id)
            ).first()
        if row is None:
            return None
        data = dict(row._mapping)
        data.pop("document_id")
        data.pop("classified_at")
        return Classification.model_validate(data)
