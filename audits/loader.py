"""One site's documents as the audit's columns (``DocBatch``); the queries are the store's
(``models/store_audit.py``), the shaping into arrays is here.

The documents table holds the nine metadata fields and, in ``audit_facts``, the few values the
rules need beyond them (公开属性 as printed, 文号 defects, 解读 links, the page hash and fetch time,
whether the page had content), so a million documents are read without touching the record JSON
of each version (tens of kilobytes with the body text) and without building a pydantic record per
row. A row whose facts are missing (written by something other than ``Store.save_documents``) has
them computed from its current record, in a second query for those rows only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from gongkai.audits.batch import ColumnRow, DocBatch
from gongkai.models.store import Store
from gongkai.models.store_audit import parse_json_texts
from gongkai.models.store_sites import COLUMN_FIELDS

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
    cols, facts, warc = store.audit_columns(site_id)
    return _columns(cols, facts, warc)


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
        scores=[_rule_scores(value) for value in parse_json_texts(scores)],
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
    """The site's columns as the audit reads them: each ``ColumnRow`` field from the stored column
    of the same name (``ColumnRow`` has the fields of ``SiteColumn``, the store's one list)."""
    return [
        ColumnRow(**{name: row._mapping[name] for name in COLUMN_FIELDS})
        for row in store.column_rows(site_id)
    ]


def site_rows(store: Store, site: str | None) -> list[tuple[int, str]]:
    return store.site_rows(site)
