"""Reading one site's documents out of the store as columns, in one set-based query.

The documents table holds the nine metadata fields; the few values the rules need beyond them
(公开属性 as printed, 文号 defects, links, the page hash and fetch time) are taken from the current
version's JSON record inside the database (``json_extract`` on SQLite, ``->`` on PostgreSQL), so a
million documents are read without building a million pydantic records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from audits.batch import ColumnRow, DocBatch
from models.store import Store
from models.tables import (
    classifications,
    document_versions,
    documents,
    page_versions,
    pages,
    site_columns,
    sites,
)

#: Paths read from the record JSON, in this order.
EXTRA_FIELDS = ("disclosure_raw", "doc_no_defects", "fetched_at", "links", "interprets")


@dataclass
class LoadedSite:
    docs: DocBatch
    #: row → [(url, kind)] of links of kind interpretation/policy (sparse)
    links: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    #: row → what an interpretation says it interprets (sparse)
    interprets: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def _extra_column(dialect: str) -> Any:
    record = document_versions.c.record
    if dialect == "sqlite":
        return sa.func.json_extract(record, *[f"$.{name}" for name in EXTRA_FIELDS])
    # PostgreSQL: the column is ``json``; build the same array server-side.
    return sa.cast(
        sa.func.json_build_array(
            *[sa.literal_column(f"document_versions.record -> '{name}'") for name in EXTRA_FIELDS]
        ),
        sa.Text,
    )


def _ordinal(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return int(value.toordinal())


def load_site(store: Store, site_id: int) -> LoadedSite:
    query = (
        sa.select(
            documents.c.id,
            documents.c.url,
            documents.c.title,
            documents.c.index_no,
            documents.c.doc_no,
            documents.c.doc_no_normalized,
            documents.c.publisher,
            documents.c.written_date,
            documents.c.published_date,
            documents.c.disclosure,
            documents.c.is_interpretation,
            documents.c.column_name,
            document_versions.c.page_sha256,
            _extra_column(store.dialect).label("extra"),
            classifications.c.domain,
            classifications.c.doc_type,
            classifications.c.needs_interpretation,
            page_versions.c.warc_record_id,
        )
        .select_from(documents)
        .join(
            document_versions,
            sa.and_(
                document_versions.c.document_id == documents.c.id,
                document_versions.c.version == documents.c.version_count,
            ),
        )
        .outerjoin(classifications, classifications.c.document_id == documents.c.id)
        .outerjoin(pages, pages.c.url == documents.c.url)
        .outerjoin(
            page_versions,
            sa.and_(
                page_versions.c.page_id == pages.c.id,
                page_versions.c.sha256 == document_versions.c.page_sha256,
            ),
        )
        .where(documents.c.site_id == site_id)
        .order_by(documents.c.id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
        loaded = _columns(rows)
        _mark_empty_pages(conn, store.dialect, loaded.docs)
    return loaded


def _columns(rows: list[Any]) -> LoadedSite:
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in range(18)]
    (ids, urls, titles, index_no, doc_no, doc_no_norm, publisher, written, published, disclosure,
     is_interp, column, page_sha, extra, domain, doc_type, needs, warc) = cols  # fmt: skip
    disclosure_raw: list[str | None] = []
    defects: list[list[str]] = []
    fetched_at: list[str | None] = []
    links: dict[int, list[tuple[str, str]]] = {}
    interprets: dict[int, list[dict[str, Any]]] = {}
    for row, text in enumerate(extra):
        raw, doc_defects, fetched, doc_links, doc_interprets = json.loads(text) if text else (None,) * 5
        disclosure_raw.append(raw)
        defects.append(doc_defects or [])
        fetched_at.append(fetched)
        if doc_links:
            useful = [
                (link["url"], link.get("kind"))
                for link in doc_links
                if link.get("kind") in ("interpretation", "policy")
            ]
            if useful:
                links[row] = useful
        if doc_interprets:
            interprets[row] = doc_interprets
    batch = DocBatch(
        ids=np.asarray(ids, dtype=np.int64),
        urls=list(urls),
        titles=list(titles),
        index_no=list(index_no),
        doc_no=list(doc_no),
        doc_no_normalized=list(doc_no_norm),
        publisher=list(publisher),
        written=np.fromiter((_ordinal(v) for v in written), dtype=np.int64, count=n),
        published=np.fromiter((_ordinal(v) for v in published), dtype=np.int64, count=n),
        disclosure=list(disclosure),
        disclosure_raw=disclosure_raw,
        doc_no_defects=defects,
        is_interpretation=np.fromiter(
            (bool(a) or t == "interpretation" for a, t in zip(is_interp, doc_type, strict=True)),
            dtype=bool,
            count=n,
        ),
        needs_interpretation=np.fromiter((bool(v) for v in needs), dtype=bool, count=n),
        classified=np.fromiter((t is not None for t in doc_type), dtype=bool, count=n),
        domain=list(domain),
        doc_type=list(doc_type),
        column=list(column),
        has_content=np.ones(n, dtype=bool),
        fetched_at=fetched_at,
        page_sha256=list(page_sha),
        warc_record_id=list(warc),
    )
    return LoadedSite(batch, links, interprets)


def _mark_empty_pages(conn: sa.Connection, dialect: str, docs: DocBatch) -> None:
    """For documents marked 不予公开/依申请公开, read whether the page carried any content.

    Rare rows, so a second small query beats reading every body. Imported records (no page) keep
    ``has_content`` True: they are on the site as documents, not as bare catalog entries.
    """
    rows = [i for i, v in enumerate(docs.disclosure) if v in ("不予公开", "依申请公开")]
    if not rows:
        return
    record = document_versions.c.record
    if dialect == "sqlite":
        body = sa.func.length(sa.func.trim(sa.func.coalesce(sa.func.json_extract(record, "$.body_text"), "")))
        attachments = sa.func.coalesce(sa.func.json_array_length(record, "$.attachments"), 0)
    else:
        body = sa.func.length(
            sa.func.trim(sa.func.coalesce(sa.literal_column("document_versions.record ->> 'body_text'"), ""))
        )
        attachments = sa.func.coalesce(
            sa.func.json_array_length(sa.literal_column("document_versions.record -> 'attachments'")), 0
        )
    by_id = {int(docs.ids[i]): i for i in rows}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        result = conn.execute(
            sa.select(document_versions.c.document_id, body, attachments, document_versions.c.page_sha256)
            .join(
                documents,
                sa.and_(
                    documents.c.id == document_versions.c.document_id,
                    documents.c.version_count == document_versions.c.version,
                ),
            )
            .where(document_versions.c.document_id.in_(chunk))
        )
        for doc_id, body_len, attachment_count, page_sha in result:
            crawled = page_sha is not None
            docs.has_content[by_id[int(doc_id)]] = not crawled or bool(body_len) or bool(attachment_count)


def load_columns(store: Store, site_id: int) -> list[ColumnRow]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(site_columns).where(site_columns.c.site_id == site_id).order_by(site_columns.c.url)
        ).all()
    out = []
    for row in rows:
        checked: datetime | None = row.checked_at
        out.append(
            ColumnRow(
                url=row.url,
                name=row.name,
                kind=row.kind,
                item_count=row.item_count,
                latest_item_date=row.latest_item_date,
                checked_at=checked,
            )
        )
    return out


def site_rows(store: Store, site: str | None) -> list[tuple[int, str]]:
    query = sa.select(sites.c.id, sites.c.name).order_by(sites.c.name)
    if site is not None:
        query = query.where(sites.c.name == site)
    with store.engine.connect() as conn:
        return [(row.id, row.name) for row in conn.execute(query)]
