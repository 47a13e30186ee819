"""The gap list: findings with the document they are about, filtered, sorted and counted.

One row per finding, in the shape ``gongkai gaps --format json`` prints (keys ``rule, site, url,
title, severity, detail, basis, evidence`` and more). The assessment report reads the same rows,
so its totals and the command's counts cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from gongkai.models.store import Store
from gongkai.reports import queries
from gongkai.reports.labels import NO_VALUE

Status = Literal["open", "closed", "all"]
#: ``confirmed`` findings rest on facts or confident calls; ``to_review`` ones on a guess (issue #12)
#: and are listed apart, never scored.
CertaintyFilter = Literal["confirmed", "to_review", "all"]
#: ``agency`` is the 发布机构 (a document's publisher); ``government`` the assessed government a
#: ranking ranks (the site's configured agency, else its name; sites of one agency pool).
GROUPS: tuple[str, ...] = ("agency", "government", "domain", "rule", "month", "site", "severity")

#: The order of keys in JSON/CSV output: the contract's keys first, then the context.
OUTPUT_KEYS: tuple[str, ...] = (
    "rule",
    "site",
    "url",
    "title",
    "severity",
    "detail",
    "basis",
    "evidence",
    "working_days",
    "provisional",
    "certainty",
    "review_reason",
    "id",
    "document_id",
    "rule_version",
    "subject",
    "status",
    "agency",
    "government",
    "domain",
    "topic",
    "doc_type",
    "doc_no",
    "written_date",
    "published_date",
    "ref_date",
    "month",
    "column_name",
    "first_seen",
    "last_seen",
    "closed_on",
    "fetched_at",
    "sha256",
    "warc_record_id",
    "warc_file",
)


@dataclass(frozen=True)
class GapFilters:
    """What ``gongkai gaps`` narrows by; empty means no restriction."""

    rules: Sequence[str] = ()
    sites: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    agencies: Sequence[str] = ()
    domains: Sequence[str] = ()
    topics: Sequence[str] = ()
    doc_types: Sequence[str] = ()
    status: Status = "open"
    certainty: CertaintyFilter = "confirmed"

    def as_query_filters(self) -> dict[str, queries.FilterValue]:
        return {
            "rule": list(self.rules),
            "site": list(self.sites),
            "since": self.since,
            "until": self.until,
            "agency": list(self.agencies),
            "domain": list(self.domains),
            "topic": list(self.topics),
            "doc_type": list(self.doc_types),
            "status": None if self.status == "all" else self.status,
            "certainty": None if self.certainty == "all" else self.certainty,
        }


def _evidence_value(evidence: Any, key: str) -> Any:
    if isinstance(evidence, Mapping):
        values = evidence.get("values")
        if isinstance(values, Mapping):
            return values.get(key)
    return None


def shape_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A query row as the gap record: URL and archived-copy fields resolved, working days lifted."""
    evidence = row.get("evidence") if isinstance(row.get("evidence"), Mapping) else {}
    subject = row.get("subject") or ""
    # A URL only where there is one to open (catalog items have none).
    candidates = (row.get("url"), evidence.get("url"), subject)
    url = next((c for c in candidates if isinstance(c, str) and c.startswith(("http://", "https://"))), None)
    shaped = dict(row)
    shaped.update(
        url=url,
        title=row.get("title"),
        agency=row.get("agency") or NO_VALUE,
        working_days=_evidence_value(evidence, "working_days"),
        # The evidence the audit stored wins; the page's latest fetch fills what it lacks.
        fetched_at=evidence.get("fetched_at") or row.get("page_fetched_at"),
        sha256=evidence.get("sha256") or row.get("page_sha256"),
        warc_record_id=evidence.get("warc_record_id") or row.get("page_warc_record_id"),
        warc_file=row.get("page_warc_file"),
    )
    return {key: shaped.get(key) for key in OUTPUT_KEYS}


def list_gaps(
    store: Store, filters: GapFilters, sort: Sequence[str] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Findings matching ``filters`` as gap records, in the order asked for."""
    by_lag = [s for s in (sort or ()) if s.lstrip("-") == "working_days"]
    sql_sort = [s for s in (sort or ()) if s.lstrip("-") != "working_days"] or None
    rows = queries.select(store, "findings", filters.as_query_filters(), sort=sql_sort, limit=None)
    gaps = [shape_row(row) for row in rows]
    if by_lag:
        # The lag lives in the evidence JSON, which SQL reads differently per backend: sort here.
        descending = by_lag[0].startswith("-")
        present = [g for g in gaps if isinstance(g["working_days"], int | float)]
        absent = [g for g in gaps if not isinstance(g["working_days"], int | float)]
        present.sort(key=lambda g: g["working_days"], reverse=descending)
        gaps = present + absent
    return gaps[:limit] if limit is not None else gaps


def count_gaps(store: Store, filters: GapFilters, by: str) -> list[tuple[str, int]]:
    """How many findings per agency, domain, rule, month, site or severity."""
    counts = queries.group_counts(store, "findings", by, filters.as_query_filters())
    return [(NO_VALUE if key is None else str(key), n) for key, n in counts]


def sort_names() -> list[str]:
    return [*sorted(queries.get_query("findings").sorts), "working_days"]
