"""Pages and raw bytes: each URL's latest response, each distinct body it served, the archived bytes."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from gongkai.models.records import (
    FetchedPage,
)
from gongkai.models.store_base import StoreBase, as_utc, sha256_hex, utcnow
from gongkai.models.tables import (
    blobs,
    documents,
    page_versions,
    pages,
    sites,
)
from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class PageSave:
    page_id: int
    sha256: str | None
    #: True when the URL served a body it never served before (or was new).
    changed: bool


# Built once (see StoreBase._upsert): the values are passed as parameters at each call.
# On SQLite the store's BEGIN IMMEDIATE already serialises writers; PostgreSQL locks the row.
_PAGE_BY_URL = (
    sa.select(pages.c.id, pages.c.sha256).where(pages.c.url == sa.bindparam("url")).with_for_update()
)
_UPDATE_PAGE = sa.update(pages).where(pages.c.id == sa.bindparam("_id"))


def _put_blob(insert: Callable[[sa.Table], Any], keys: tuple[str, ...]) -> Any:
    return insert(blobs).on_conflict_do_nothing(index_elements=["sha256"])


def _add_page(insert: Callable[[sa.Table], Any], keys: tuple[str, ...]) -> Any:
    return insert(pages).on_conflict_do_nothing(index_elements=["url"])


def _touch_page_version(insert: Callable[[sa.Table], Any], keys: tuple[str, ...]) -> Any:
    stmt = insert(page_versions)
    return stmt.on_conflict_do_update(
        index_elements=["page_id", "sha256"], set_={"last_fetched_at": stmt.excluded.last_fetched_at}
    )


_PAGES_BY_URL = (
    sa.select(pages, sites.c.name.label("site_name"))
    .outerjoin(sites, sites.c.id == pages.c.site_id)
    .where(pages.c.url.in_(sa.bindparam("urls", expanding=True)))
)


def _fetched_page(row: Any) -> FetchedPage:
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


def pack_blob(data: bytes) -> tuple[str, str, bytes]:
    """(sha256, compression, stored bytes): zlib when it saves at least a tenth."""
    packed = zlib.compress(data, 6)
    compression, payload = ("zlib", packed) if len(packed) < 0.9 * len(data) else ("none", data)
    return sha256_hex(data), compression, payload


class PagesStore(StoreBase):
    # --- raw bytes --------------------------------------------------------------------------

    def put_blob(self, data: bytes, conn: Connection | None = None) -> str:
        """Store bytes once per content hash; returns the hash."""
        digest, compression, payload = pack_blob(data)
        with self._conn(conn) as c:
            self._upsert_row(
                c,
                _put_blob,
                {
                    "sha256": digest,
                    "size": len(data),
                    "compression": compression,
                    "data": payload,
                    "created_at": utcnow(),
                },
            )
        return digest

    def get_blob(self, digest: str, conn: Connection | None = None) -> bytes | None:
        with self._read(conn) as conn:
            row = conn.execute(
                sa.select(blobs.c.compression, blobs.c.data).where(blobs.c.sha256 == digest)
            ).first()
        if row is None:
            return None
        return zlib.decompress(row.data) if row.compression == "zlib" else bytes(row.data)

    # --- pages ------------------------------------------------------------------------------

    def save_page(
        self, page: FetchedPage, body: bytes | None = None, conn: Connection | None = None
    ) -> PageSave:
        """Record a response. A 304 (``body`` None) only refreshes ``fetched_at``.

        The URL keeps one row with its latest state; each distinct body it ever served is a
        ``page_versions`` row pointing at the archived bytes.
        """
        fetched_at = as_utc(page.fetched_at)
        assert fetched_at is not None
        with self._conn(conn) as conn:
            digest = self.put_blob(body, conn) if body is not None else page.sha256
            site_id = self._site_id_for(conn, page.site)
            existing = conn.execute(_PAGE_BY_URL, {"url": page.url}).first()
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
                self._upsert_row(conn, _add_page, values)
                page_id = conn.execute(_PAGE_BY_URL, {"url": page.url}).one().id
                changed = True
            else:
                page_id = existing.id
                changed = body is not None and digest != existing.sha256
                if changed:
                    values["changed_at"] = fetched_at
                conn.execute(_UPDATE_PAGE, {"_id": page_id, **values})
            if body is not None and digest is not None:
                self._touch_page_version(conn, page_id, digest, page, fetched_at)
        return PageSave(page_id=page_id, sha256=digest, changed=changed)

    def _touch_page_version(
        self, conn: Connection, page_id: int, digest: str, page: FetchedPage, fetched_at: datetime
    ) -> None:
        self._upsert_row(
            conn,
            _touch_page_version,
            {
                "page_id": page_id,
                "sha256": digest,
                "status": page.status,
                "first_fetched_at": fetched_at,
                "last_fetched_at": fetched_at,
                "warc_record_id": page.warc_record_id,
                "warc_file": page.warc_file,
            },
        )

    def get_page(self, url: str, conn: Connection | None = None) -> FetchedPage | None:
        with self._read(conn) as c:
            row = c.execute(_PAGES_BY_URL, {"urls": [url]}).first()
        return _fetched_page(row) if row is not None else None

    def get_pages(self, urls: Sequence[str], conn: Connection | None = None) -> dict[str, FetchedPage]:
        """The stored responses of these URLs (those stored), by URL: one query for a batch."""
        out: dict[str, FetchedPage] = {}
        with self._read(conn) as c:
            for start in range(0, len(urls), 500):
                for row in c.execute(_PAGES_BY_URL, {"urls": list(urls[start : start + 500])}):
                    out[row.url] = _fetched_page(row)
        return out

    def document_pages(self, site: str) -> list[Any]:
        """The site's documents with their archived page (rows: ``url, column_name, page_kind,
        sha256, fetched_at, headers``), by document id: what re-extraction reads again."""
        query = (
            sa.select(
                documents.c.url,
                documents.c.column_name,
                documents.c.page_kind,
                pages.c.sha256,
                pages.c.fetched_at,
                pages.c.headers,
            )
            .join(pages, pages.c.url == documents.c.url)
            .join(sites, sites.c.id == documents.c.site_id)
            .where(sites.c.name == site, pages.c.sha256.is_not(None))
            .order_by(documents.c.id)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).all())

    def page_body(self, url: str) -> bytes | None:
        page = self.get_page(url)
        return self.get_blob(page.sha256) if page and page.sha256 else None
