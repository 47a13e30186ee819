"""Reading one site's documents out of the store as columns, in one set-based query.

The documents table holds the nine metadata fields and, in ``audit_facts``, the few values the
rules need beyond them (公开属性 as printed, 文号 defects, 解读 links, the page hash and fetch time,
whether the page had content), so a million documents are read without touching the record JSON
of each version (tens of kilobytes with the body text) and without building a pydantic record per
row. A row whose facts are missing (written by something other than ``Store.save_documents``) has
them computed from its current record, in a second query for those rows only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from gongkai.audits.batch import ColumnRow, DocBatch
from gongkai.models.store import AUDIT_FACTS_VERSION, Store, audit_facts
from gongkai.models.tables import (
    classifications,
    document_versions,
    documents,
    page_versions,
    pages,
    site_columns,
    sites,
)

#: date.toordinal() of 1970-01-01: numpy's datetime64 day 0.
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass
class LoadedSite:
    docs: DocBatch
    #: row → [(url, kind)] of links of kind interpretation/policy (sparse)
    links: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    #: row → what an interpretation says it interprets (sparse)
    interprets: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def ordinals(values: list[Any]) -> np.ndarray:
    """Day ordinals of ISO date strings or dates (``None`` → 0), converted by numpy in one go."""
    days = np.array(values, dtype="datetime64[D]")
    out = days.astype(np.int64) + _EPOCH_ORDINAL
    out[np.isnat(days)] = 0
    return out


def load_site(store: Store, site_id: int) -> LoadedSite:
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
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
        cols = list(zip(*rows, strict=True)) if rows else [[] for _ in range(17)]
        facts = _parse_all(cols[12])
        missing = [
            i
            for i, value in enumerate(facts)
            if not isinstance(value, dict) or value.get("v") != AUDIT_FACTS_VERSION
        ]
        if missing:
            _fill_missing_facts(conn, [cols[0][i] for i in missing], missing, facts)
        warc = _warc_records(conn, site_id, list(cols[1]), facts)
    return _columns(cols, facts, warc)


def _parse_all(values: Any) -> list[Any]:
    """JSON texts (or values a driver already parsed) → values; texts parsed as one JSON array."""
    if not any(isinstance(v, str) for v in values):
        return list(values)
    texts = [v if isinstance(v, str) else json.dumps(v) for v in values]
    return json.loads("[" + ",".join(texts) + "]")  # type: ignore[no-any-return]


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


def _warc_records(
    conn: sa.Connection, site_id: int, urls: list[str], facts: list[Any]
) -> dict[tuple[str, str], str | None]:
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


def _columns(cols: list[Any], facts: list[Any], warc: dict[tuple[str, str], str | None]) -> LoadedSite:
    (ids, urls, titles, index_no, doc_no, doc_no_norm, publisher, written, published, disclosure,
     is_interp, column, _, domain, doc_type, needs, scores) = cols  # fmt: skip
    n = len(ids)
    facts = [fact or {} for fact in facts]
    page_sha: list[str | None] = [fact.get("page_sha256") for fact in facts]
    warc_ids = [warc.get((url, sha)) if sha else None for url, sha in zip(urls, page_sha, strict=True)]
    # Only a crawled page can show it holds nothing; an imported record stays "content".
    has_content = np.fromiter(
        (
            sha is None or bool(fact.get("has_body") or fact.get("attachments"))
            for sha, fact in zip(page_sha, facts, strict=True)
        ),
        dtype=bool,
        count=n,
    )
    links: dict[int, list[tuple[str, str]]] = {
        row: [(link["url"], link.get("kind")) for link in fact["links"]]
        for row, fact in enumerate(facts)
        if "links" in fact
    }
    interprets: dict[int, list[dict[str, Any]]] = {
        row: fact["interprets"] for row, fact in enumerate(facts) if "interprets" in fact
    }
    disclosure_raw: list[str | None] = [fact.get("disclosure_raw") for fact in facts]
    defects: list[list[str]] = [fact.get("doc_no_defects") or [] for fact in facts]
    fetched_at: list[str | None] = [fact.get("fetched_at") for fact in facts]
    guessed: list[dict[str, str]] = [fact.get("guessed") or {} for fact in facts]
    classified = np.array([t is not None for t in doc_type], dtype=bool)
    batch = DocBatch(
        ids=np.asarray(ids, dtype=np.int64),
        urls=list(urls),
        titles=list(titles),
        index_no=list(index_no),
        doc_no=list(doc_no),
        doc_no_normalized=list(doc_no_norm),
        publisher=list(publisher),
        written=ordinals(list(written)),
        published=ordinals(list(published)),
        disclosure=list(disclosure),
        disclosure_raw=disclosure_raw,
        doc_no_defects=defects,
        is_interpretation=np.array([bool(v) for v in is_interp], dtype=bool)
        | np.array([t == "interpretation" for t in doc_type], dtype=bool),
        needs_interpretation=np.array([bool(v) for v in needs], dtype=bool),
        classified=classified,
        domain=list(domain),
        doc_type=list(doc_type),
        scores=[_rule_scores(value) for value in _parse_all(scores)],
        column=list(column),
        has_content=has_content,
        fetched_at=fetched_at,
        page_sha256=page_sha,
        warc_record_id=warc_ids,
        guessed=guessed,
    )
    return LoadedSite(batch, links, interprets)


#: The parts of a classification's scores the rules read (issue #12); the rest is not kept per row.
_RULE_SCORE_KEYS = ("needs_interpretation", "domain", "facts")


def _rule_scores(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    return {key: value[key] for key in _RULE_SCORE_KEYS if key in value}


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
                empty_signal=row.empty_signal,
                empty_since=row.empty_since,
            )
        )
    return out


def site_rows(store: Store, site: str | None) -> list[tuple[int, str]]:
    query = sa.select(sites.c.id, sites.c.name).order_by(sites.c.name)
    if site is not None:
        query = query.where(sites.c.name == site)
    with store.engine.connect() as conn:
        return [(row.id, row.name) for row in conn.execute(query)]
