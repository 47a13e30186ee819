"""Ranking the assessed governments of a many-site report: rank, ties, and each one's report card.

The unit ranked is the assessed government: a site's configured agency (``SiteConfig.agency``),
else the site's name. Several sites of one agency pool into one unit: its documents, columns and
catalogs are assessed together and its score is computed over all of them. Its findings are the
rows ``gongkai gaps`` lists for its sites (``gaps --by government`` counts them: confirmed,
scored) and apart those of ``--certainty to_review`` (counted, never scored); its card breaks
them down by 发布机构 exactly as ``gongkai gaps --site NAME… --by agency`` counts them.

Ties are stated, not hidden: scores are compared as printed (one decimal), units with the same
printed score share a rank (standard competition ranking: 1, 2, 2, 4), and each is marked 并列.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gongkai.reports.labels import NO_VALUE

#: Scores are compared as the report prints them.
SCORE_DIGITS = 1


@dataclass
class PublisherRow:
    """One 发布机构 within an assessed site: its documents and findings (as ``gaps --by agency``)."""

    agency: str
    documents: int
    confirmed: int
    to_review: int

    @property
    def findings(self) -> int:
        return self.confirmed + self.to_review


@dataclass
class RankRow:
    rank: int | None
    tied: bool
    #: The assessed government (``gaps --by government``).
    name: str
    #: Its sites, sorted; the first names its anchors in the HTML (site names are unique ids).
    sites: list[str]
    #: The unit's GroupRow (documents, indicator results, score), its sites pooled.
    row: Any
    news: int
    confirmed: int
    to_review: int
    by_rule: dict[str, int] = field(default_factory=dict)
    to_review_by_rule: dict[str, int] = field(default_factory=dict)
    publishers: list[PublisherRow] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.sites[0]

    @property
    def score(self) -> float | None:
        return self.row.score.score

    @property
    def findings(self) -> int:
        """Every open finding of the unit, confirmed or to review (``gaps --certainty all``)."""
        return self.confirmed + self.to_review


def units(governments: dict[str, str]) -> dict[str, list[str]]:
    """Assessed government → its sites (sorted), from site → government."""
    out: dict[str, list[str]] = {}
    for site in sorted(governments):
        out.setdefault(governments[site], []).append(site)
    return out


def rank_rows(
    unit_rows: Sequence[tuple[str, Sequence[str], Any]],
    findings: Sequence[dict[str, Any]],
    to_review: Sequence[dict[str, Any]],
    documents: Sequence[Any],
) -> list[RankRow]:
    """The ranking of ``unit_rows`` ((government, sites, GroupRow)), best first, ties shared."""
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        by_site[finding["site"]].append(finding)
    doubtful_by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in to_review:
        doubtful_by_site[finding["site"]].append(finding)
    docs_by_site: dict[str, list[Any]] = defaultdict(list)
    for doc in documents:
        docs_by_site[doc.site].append(doc)
    rows = []
    for name, sites, unit_row in unit_rows:
        confirmed = [f for site in sites for f in by_site.get(site, ())]
        doubtful = [f for site in sites for f in doubtful_by_site.get(site, ())]
        docs = [d for site in sites for d in docs_by_site.get(site, ())]
        rows.append(
            RankRow(
                rank=None,
                tied=False,
                name=name,
                sites=sorted(sites),
                row=unit_row,
                news=sum(d.page_kind == "news" for d in docs),
                confirmed=len(confirmed),
                to_review=len(doubtful),
                by_rule=dict(Counter(f["rule"] for f in confirmed)),
                to_review_by_rule=dict(Counter(f["rule"] for f in doubtful)),
                publishers=_publishers(docs, confirmed, doubtful),
            )
        )
    return assign_ranks(rows)


def _printed(score: float | None) -> float | None:
    return None if score is None else round(score, SCORE_DIGITS)


def assign_ranks(rows: list[RankRow]) -> list[RankRow]:
    """Sort best first and rank: equal printed scores share a rank; no score, no rank (last)."""
    rows.sort(key=lambda r: (r.score is None, -(_printed(r.score) or 0.0), r.name))
    printed = Counter(_printed(r.score) for r in rows if r.score is not None)
    higher = 0
    previous: float | None = None
    for index, row in enumerate(rows):
        value = _printed(row.score)
        if value is None:
            continue
        if value != previous:
            higher = index
            previous = value
        row.rank = higher + 1
        row.tied = printed[value] > 1
    return rows


def ties(rows: Sequence[RankRow]) -> list[tuple[int, list[str]]]:
    """(rank, names) for every rank shared by more than one unit."""
    shared: dict[int, list[str]] = {}
    for row in rows:
        if row.tied and row.rank is not None:
            shared.setdefault(row.rank, []).append(row.name)
    return sorted(shared.items())


def _publishers(
    docs: Sequence[Any], confirmed: Sequence[dict[str, Any]], doubtful: Sequence[dict[str, Any]]
) -> list[PublisherRow]:
    counts = Counter(d.agency for d in docs)
    sure = Counter(f.get("agency") or NO_VALUE for f in confirmed)
    unsure = Counter(f.get("agency") or NO_VALUE for f in doubtful)
    names = set(counts) | set(sure) | set(unsure)
    out = [PublisherRow(n, counts.get(n, 0), sure.get(n, 0), unsure.get(n, 0)) for n in names]
    out.sort(key=lambda p: (-p.findings, -p.documents, p.agency))
    return out
