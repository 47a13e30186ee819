"""The store: idempotent writes of pages, documents, classifications and findings.

SQLite by default, PostgreSQL with the same code. Every write is an upsert on a natural key
(URL, site + URL, rule + site + subject), so storing the same thing twice leaves one row; a
document whose content changed gets a new version and keeps the old ones.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from gongkai.models import database
from gongkai.models.records import (
    GUESS_STAGES,
    METADATA_FIELDS,
    Classification,
    DocumentRecord,
    Evidence,
    FetchedPage,
    Finding,
    SiteColumn,
    SiteConfig,
)
from gongkai.models.tables import (
    blobs,
    classifications,
    document_versions,
    documents,
    findings,
    metadata,
    page_versions,
    pages,
    site_columns,
    sites,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

SaveStatus = Literal["new", "changed", "unchanged"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
class PageSave:
    page_id: int
    sha256: str | None
    #: True when the URL served a body it never served before (or was new).
    changed: bool


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


class Store:
    """A handle on the database. Open one with :func:`open_store`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    # --- housekeeping ---------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def status(self) -> dict[str, Any]:
        """Schema version and row counts, for ``gongkai db status``."""
        current = database.current_revision(self.engine)
        counts: dict[str, int] = {}
        if current is not None:
            with self.engine.connect() as conn:
                for table in metadata.sorted_tables:
                    counts[table.name] = conn.execute(
                        sa.select(sa.func.count()).select_from(table)
                    ).scalar_one()
        return {
            "url": self.engine.url.render_as_string(hide_password=True),
            "backend": self.dialect,
            "schema": current,
            "head": database.head_revision(),
            "up_to_date": current == database.head_revision(),
            "tables": counts,
        }

    def _insert(self, table: sa.Table) -> Any:
        """A dialect insert that supports ON CONFLICT (both backends speak it)."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # --- sites ----------------------------------------------------------------------------

    def upsert_site(self, config: SiteConfig | str, conn: Connection | None = None) -> int:
        """Register a site (a full config, or just a name for imported documents); returns its id."""
        if isinstance(config, str):
            name, agency, payload = config, None, {"name": config}
        else:
            name, agency, payload = config.name, config.agency, config.model_dump(mode="json")
        now = utcnow()
        with self._conn(conn) as c:
            stmt = self._insert(sites).values(
                name=name, agency=agency, config=payload, created_at=now, updated_at=now
            )
            if isinstance(config, str):
                stmt = stmt.on_conflict_do_nothing(index_elements=["name"])
            else:
                stmt = stmt.on_conflict_do_update(
                    index_elements=["name"],
                    set_={"agency": agency, "config": payload, "updated_at": now},
                )
            c.execute(stmt)
            return c.execute(sa.select(sites.c.id).where(sites.c.name == name)).scalar_one()

    def get_site(self, name: str) -> SiteConfig | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sites.c.config).where(sites.c.name == name)).first()
        if row is None:
            return None
        config = dict(row.config)
        if "start_urls" not in config:  # a name-only site (imported documents)
            return None
        return SiteConfig.model_validate(config)

    def site_names(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(sites.c.name).order_by(sites.c.name)).scalars())

    def site_id(self, name: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sites.c.id).where(sites.c.name == name)).scalar_one_or_none()

    # --- raw bytes --------------------------------------------------------------------------

    def put_blob(self, data: bytes, conn: Connection | None = None) -> str:
        """Store bytes once per content hash; returns the hash."""
        digest = sha256_hex(data)
        packed = zlib.compress(data, 6)
        compression, payload = ("zlib", packed) if len(packed) < 0.9 * len(data) else ("none", data)
        with self._conn(conn) as c:
            c.execute(
                self._insert(blobs)
                .values(
                    sha256=digest, size=len(data), compression=compression, data=payload, created_at=utcnow()
                )
                .on_conflict_do_nothing(index_elements=["sha256"])
            )
        return digest

    def get_blob(self, digest: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(blobs.c.compression, blobs.c.data).where(blobs.c.sha256 == digest)
            ).first()
        if row is None:
            return None
        return zlib.decompress(row.data) if row.compression == "zlib" else bytes(row.data)

    # --- pages ------------------------------------------------------------------------------

    def save_page(self, page: FetchedPage, body: bytes | None = None) -> PageSave:
        """Record a response. A 304 (``body`` None) only refreshes ``fetched_at``.

        The URL keeps one row with its latest state; each distinct body it ever served is a
        ``page_versions`` row pointing at the archived bytes.
        """
        fetched_at = as_utc(page.fetched_at)
        assert fetched_at is not None
        with self.engine.begin() as conn:
            digest = self.put_blob(body, conn) if body is not None else page.sha256
            site_id = self._site_id_for(conn, page.site)
            existing = conn.execute(
                sa.select(pages.c.id, pages.c.sha256).where(pages.c.url == page.url).with_for_update()
            ).first()
            headers = {k.lower(): v for k, v in page.headers.items()}
            values = {
                "final_url": page.final_url,
                "kind": page.kind,
                "status": page.status,
                "headers": headers,
                "etag": headers.get("etag"),
                "last_modified": headers.get("last-modified"),
                "fetched_at": fetched_at,
            }
            if body is not None:
                values.update(size=len(body), sha256=digest)
                if page.warc_record_id:
                    values.update(warc_record_id=page.warc_record_id, warc_file=page.warc_file)
            if existing is None:
                values.setdefault("size", page.size)
                values.setdefault("sha256", digest)
                values.update(
                    url=page.url,
                    site_id=site_id,
                    first_fetched_at=fetched_at,
                    changed_at=fetched_at,
                    warc_record_id=page.warc_record_id,
                    warc_file=page.warc_file,
                )
                stmt = self._insert(pages).values(**values).on_conflict_do_nothing(index_elements=["url"])
                conn.execute(stmt)
                page_id = conn.execute(sa.select(pages.c.id).where(pages.c.url == page.url)).scalar_one()
                changed = True
            else:
                page_id = existing.id
                changed = body is not None and digest != existing.sha256
                if changed:
                    values["changed_at"] = fetched_at
                conn.execute(sa.update(pages).where(pages.c.id == page_id).values(**values))
            if body is not None and digest is not None:
                self._touch_page_version(conn, page_id, digest, page, fetched_at)
        return PageSave(page_id=page_id, sha256=digest, changed=changed)

    def _touch_page_version(
        self, conn: Connection, page_id: int, digest: str, page: FetchedPage, fetched_at: datetime
    ) -> None:
        conn.execute(
            self._insert(page_versions)
            .values(
                page_id=page_id,
                sha256=digest,
                status=page.status,
                first_fetched_at=fetched_at,
                last_fetched_at=fetched_at,
                warc_record_id=page.warc_record_id,
                warc_file=page.warc_file,
            )
            .on_conflict_do_update(index_elements=["page_id", "sha256"], set_={"last_fetched_at": fetched_at})
        )

    def get_page(self, url: str) -> FetchedPage | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(pages, sites.c.name.label("site_name"))
                .outerjoin(sites, sites.c.id == pages.c.site_id)
                .where(pages.c.url == url)
            ).first()
        if row is None:
            return None
        return FetchedPage(
            url=row.url,
            final_url=row.final_url,
            status=row.status,
            headers=dict(row.headers),
            sha256=row.sha256,
            size=row.size,
            fetched_at=as_utc(row.fetched_at),  # type: ignore[arg-type]
            site=row.site_name,
            kind=row.kind,
            warc_record_id=row.warc_record_id,
            warc_file=row.warc_file,
        )

    def page_body(self, url: str) -> bytes | None:
        page = self.get_page(url)
        return self.get_blob(page.sha256) if page and page.sha256 else None

    # --- documents --------------------------------------------------------------------------

    def save_document(self, record: DocumentRecord, site: str | None = None) -> DocumentSave:
        """Store one document; see :meth:`save_documents`."""
        return self.save_documents([record], site)[0]

    def save_documents(
        self, records: Sequence[DocumentRecord], site: str | None = None
    ) -> list[DocumentSave]:
        """Store documents idempotently, in one transaction.

        Same content as the current version → only ``last_seen_at`` moves. Different content →
        a new version; the old one is closed (``valid_to``) and kept.
        """
        results: list[DocumentSave] = []
        with self.engine.begin() as conn:
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
        content_hash = record.content_hash()
        columns = {
            "column_name": record.column,
            "page_kind": record.page_kind,
            "doc_no_normalized": record.doc_no_normalized,
            "is_interpretation": record.is_interpretation,
            "content_hash": content_hash,
            **{name: getattr(record, name) for name in METADATA_FIELDS},
        }
        # Claim the row first (a concurrent writer of the same document waits on the lock below).
        conn.execute(
            self._insert(documents)
            .values(
                site_id=site_id,
                url=record.url,
                version_count=0,
                first_seen_at=seen_at,
                last_seen_at=seen_at,
                changed_at=seen_at,
                **columns,
            )
            .on_conflict_do_nothing(index_elements=["site_id", "url"])
        )
        row = conn.execute(
            sa.select(documents.c.id, documents.c.content_hash, documents.c.version_count)
            .where(documents.c.site_id == site_id, documents.c.url == record.url)
            .with_for_update()
        ).one()
        if row.version_count > 0 and row.content_hash == content_hash:
            conn.execute(sa.update(documents).where(documents.c.id == row.id).values(last_seen_at=seen_at))
            return DocumentSave(row.id, "unchanged", row.version_count)
        version = row.version_count + 1
        conn.execute(
            sa.update(document_versions)
            .where(document_versions.c.document_id == row.id, document_versions.c.valid_to.is_(None))
            .values(valid_to=seen_at)
        )
        dump = record.model_dump(mode="json")
        conn.execute(
            sa.insert(document_versions).values(
                document_id=row.id,
                version=version,
                content_hash=content_hash,
                record=dump,
                page_sha256=record.page_sha256,
                valid_from=seen_at,
                valid_to=None,
            )
        )
        conn.execute(
            sa.update(documents)
            .where(documents.c.id == row.id)
            .values(
                version_count=version,
                last_seen_at=seen_at,
                changed_at=seen_at,
                audit_facts=audit_facts(dump),
                **columns,
            )
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

    # --- columns (栏目) ------------------------------------------------------------------------

    def save_columns(self, site: str, columns: Iterable[SiteColumn]) -> int:
        """Upsert what the crawler saw of each column (one row per site + column URL)."""
        now = utcnow()
        count = 0
        with self.engine.begin() as conn:
            site_id = self._site_id_for(conn, site)
            for column in columns:
                values = {
                    "name": column.name,
                    "kind": column.kind,
                    "item_count": column.item_count,
                    "latest_item_date": column.latest_item_date,
                    "checked_at": as_utc(column.checked_at) or now,
                    "empty_signal": column.empty_signal,
                    "empty_since": as_utc(column.empty_since),
                }
                conn.execute(
                    self._insert(site_columns)
                    .values(site_id=site_id, url=column.url, **values)
                    .on_conflict_do_update(index_elements=["site_id", "url"], set_=values)
                )
                count += 1
        return count

    def list_columns(self, site: str | None = None) -> list[SiteColumn]:
        """Stored columns, by site and URL."""
        query = (
            sa.select(site_columns, sites.c.name.label("site_name"))
            .join(sites, sites.c.id == site_columns.c.site_id)
            .order_by(sites.c.name, site_columns.c.url)
        )
        if site is not None:
            query = query.where(sites.c.name == site)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            SiteColumn(
                url=row.url,
                name=row.name,
                kind=row.kind,
                item_count=row.item_count,
                latest_item_date=row.latest_item_date,
                checked_at=as_utc(row.checked_at),
                empty_signal=row.empty_signal,
                empty_since=as_utc(row.empty_since),
            )
            for row in rows
        ]

    # --- classifications --------------------------------------------------------------------

    def save_classifications(self, items: Iterable[tuple[int, Classification]]) -> int:
        """Upsert the classification of each document id; returns how many were written."""
        now = utcnow()
        count = 0
        with self.engine.begin() as conn:
            for document_id, result in items:
                values = result.model_dump(mode="json")
                stmt = self._insert(classifications).values(
                    document_id=document_id, classified_at=now, **values
                )
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["document_id"], set_={**values, "classified_at": now}
                    )
                )
                count += 1
        return count

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

    # --- findings ---------------------------------------------------------------------------

    def sync_findings(
        self,
        site: str,
        rule_ids: Iterable[str],
        current: Sequence[Finding],
        today: date,
        document_ids: Mapping[str, int] | None = None,
    ) -> dict[str, int]:
        """Make the stored findings of ``rule_ids`` on ``site`` match ``current``.

        New findings open; ones still true are refreshed (``last_seen``); open ones no longer
        produced are closed with ``today``; a closed one that comes back is reopened.
        Returns counts ``opened, kept, closed, reopened``.
        """
        totals = {"opened": 0, "kept": 0, "closed": 0, "reopened": 0}
        for stats in self.sync_findings_by_rule(site, rule_ids, current, today, document_ids).values():
            for key, value in stats.items():
                totals[key] += value
        return totals

    def sync_findings_by_rule(
        self,
        site: str,
        rule_ids: Iterable[str],
        current: Sequence[Finding],
        today: date,
        document_ids: Mapping[str, int] | None = None,
    ) -> dict[str, dict[str, int]]:
        """:meth:`sync_findings` with the counts per rule id.

        Bulk: one read of the stored findings, batched (executemany) inserts for new ones and
        updates only for those whose content changed or that reopen, chunked closes, and one
        set-based statement that moves ``last_seen`` of every finding still true — so a nightly
        re-run over hundreds of thousands of unchanged findings writes almost nothing row by row.
        ``document_ids`` (URL → document id) saves a lookup when the caller already has them.
        """
        rule_ids = list(rule_ids)
        stats = {rule: {"opened": 0, "kept": 0, "closed": 0, "reopened": 0} for rule in rule_ids}
        with self.engine.begin() as conn:
            site_id = self._site_id_for(conn, site)
            existing = {
                (row.rule_id, row.subject): row
                for row in conn.execute(
                    sa.select(
                        findings.c.id,
                        findings.c.rule_id,
                        findings.c.subject,
                        findings.c.status,
                        findings.c.rule_version,
                        findings.c.document_id,
                        findings.c.severity,
                        findings.c.detail,
                        findings.c.legal_basis,
                        # as stored (text on SQLite): compared with the new evidence's JSON text
                        sa.type_coerce(findings.c.evidence, sa.Text).label("evidence"),
                        findings.c.provisional,
                        findings.c.certainty,
                        findings.c.review_reason,
                    ).where(findings.c.site_id == site_id, findings.c.rule_id.in_(rule_ids))
                ).all()
            }
            if document_ids is None:
                urls = {f.document_url for f in current if f.document_url}
                document_ids = (
                    self._all_document_ids(conn, site_id)
                    if len(urls) > 5000
                    else self._document_ids(conn, site_id, urls)
                )
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            seen: set[tuple[str, str]] = set()
            for finding in current:
                key = (finding.rule_id, finding.subject)
                if key in seen:
                    continue
                seen.add(key)
                counts = stats.setdefault(
                    finding.rule_id, {"opened": 0, "kept": 0, "closed": 0, "reopened": 0}
                )
                values = {
                    "rule_version": finding.rule_version,
                    "document_id": document_ids.get(finding.document_url or ""),
                    "severity": finding.severity,
                    "detail": finding.detail,
                    "legal_basis": finding.legal_basis,
                    "evidence": finding.evidence.model_dump(mode="json"),
                    "provisional": finding.provisional,
                    "certainty": finding.certainty,
                    "review_reason": finding.review_reason,
                    "status": "open",
                    "last_seen": today,
                    "closed_on": None,
                }
                row = existing.get(key)
                if row is None:
                    inserts.append(
                        {
                            "rule_id": finding.rule_id,
                            "site_id": site_id,
                            "subject": finding.subject,
                            "first_seen": today,
                            **values,
                        }
                    )
                    counts["opened"] += 1
                elif row.status == "closed":
                    updates.append({"_id": row.id, **values})
                    counts["reopened"] += 1
                else:
                    if _finding_changed(row, values):
                        updates.append({"_id": row.id, **values})
                    counts["kept"] += 1
            if inserts:
                stmt = self._insert(findings)
                stmt = stmt.on_conflict_do_update(
                    index_elements=["rule_id", "site_id", "subject"],
                    set_={
                        name: stmt.excluded[name]
                        for name in inserts[0]
                        if name not in ("rule_id", "site_id", "subject", "first_seen")
                    },
                )
                for start in range(0, len(inserts), 5000):
                    conn.execute(stmt, inserts[start : start + 5000])
            if updates:
                columns = [name for name in updates[0] if name != "_id"]
                stmt = (
                    sa.update(findings)
                    .where(findings.c.id == sa.bindparam("_id"))
                    .values({name: sa.bindparam(name) for name in columns})
                )
                for start in range(0, len(updates), 5000):
                    conn.execute(stmt, updates[start : start + 5000])
            stale = [
                (row.id, key[0]) for key, row in existing.items() if key not in seen and row.status == "open"
            ]
            for start in range(0, len(stale), 500):
                chunk = stale[start : start + 500]
                conn.execute(
                    sa.update(findings)
                    .where(findings.c.id.in_([finding_id for finding_id, _ in chunk]))
                    .values(status="closed", closed_on=today)
                )
            for _, rule in stale:
                stats[rule]["closed"] += 1
            # Every finding still open now is one produced this run: its last_seen is today.
            conn.execute(
                sa.update(findings)
                .where(
                    findings.c.site_id == site_id,
                    findings.c.rule_id.in_(sorted(stats)),
                    findings.c.status == "open",
                    findings.c.last_seen != today,
                )
                .values(last_seen=today)
            )
        return stats

    def list_findings(
        self, site: str | None = None, rule_id: str | None = None, status: str | None = "open"
    ) -> list[Finding]:
        query = (
            sa.select(findings, sites.c.name.label("site_name"), documents.c.url.label("document_url"))
            .join(sites, sites.c.id == findings.c.site_id)
            .outerjoin(documents, documents.c.id == findings.c.document_id)
            .order_by(findings.c.rule_id, findings.c.subject)
        )
        if site is not None:
            query = query.where(sites.c.name == site)
        if rule_id is not None:
            query = query.where(findings.c.rule_id == rule_id)
        if status is not None:
            query = query.where(findings.c.status == status)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            Finding(
                rule_id=row.rule_id,
                rule_version=row.rule_version,
                severity=row.severity,
                site=row.site_name,
                document_url=row.document_url,
                subject=row.subject,
                detail=row.detail,
                legal_basis=row.legal_basis,
                evidence=Evidence.model_validate(row.evidence),
                provisional=row.provisional,
                certainty=row.certainty,
                review_reason=row.review_reason,
                first_seen=row.first_seen,
                last_seen=row.last_seen,
                status=row.status,
                closed_on=row.closed_on,
            )
            for row in rows
        ]

    # --- helpers ----------------------------------------------------------------------------

    def _site_id_for(self, conn: Connection, name: str | None) -> int | None:
        if name is None:
            return None
        site_id = conn.execute(sa.select(sites.c.id).where(sites.c.name == name)).scalar_one_or_none()
        return site_id if site_id is not None else self.upsert_site(name, conn)

    def _document_ids(self, conn: Connection, site_id: int | None, urls: set[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        url_list = sorted(urls)
        for start in range(0, len(url_list), 500):
            chunk = url_list[start : start + 500]
            out.update(
                (row.url, row.id)
                for row in conn.execute(
                    sa.select(documents.c.id, documents.c.url).where(
                        documents.c.site_id == site_id, documents.c.url.in_(chunk)
                    )
                )
            )
        return out

    def _all_document_ids(self, conn: Connection, site_id: int | None) -> dict[str, int]:
        rows = conn.execute(sa.select(documents.c.url, documents.c.id).where(documents.c.site_id == site_id))
        return {row.url: row.id for row in rows}

    def _conn(self, conn: Connection | None) -> Any:
        """Use the caller's transaction, or open one of our own."""
        if conn is not None:
            return _Borrowed(conn)
        return self.engine.begin()


def _finding_changed(row: Any, values: dict[str, Any]) -> bool:
    """Whether a stored open finding differs from what the rule says now (``last_seen`` aside)."""
    stored = row.evidence
    # SQLite hands back the stored text (SQLAlchemy wrote ``json.dumps(evidence)``); PostgreSQL's
    # driver parses ``json`` columns itself.
    evidence = json.dumps(values["evidence"]) if isinstance(stored, str) else values["evidence"]
    return (
        stored != evidence
        or row.rule_version != values["rule_version"]
        or row.document_id != values["document_id"]
        or row.severity != values["severity"]
        or row.detail != values["detail"]
        or row.legal_basis != values["legal_basis"]
        or bool(row.provisional) != values["provisional"]
        or row.certainty != values["certainty"]
        or row.review_reason != values["review_reason"]
    )


class _Borrowed:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        return None


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
