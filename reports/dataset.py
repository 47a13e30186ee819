"""What one report is computed from: the documents, findings, links and columns of its scope.

The findings are exactly the rows ``gongkai gaps`` lists for the same sites, dates and status, so
the report's totals equal the command's counts by construction. Working-day lags come from the
audit's calendar (``audits.calendar``), counted as the audit counts them (start day not counted).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audits.calendar import working_days_after
from models.errors import GongkaiError
from models.store import Store
from reports import queries
from reports.gaps import GapFilters, list_gaps
from reports.labels import NO_VALUE, OTHER_DOMAIN
from reports.period import Period


class ScopeError(GongkaiError):
    """A report scope that names nothing in the database."""


_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_DOC_NO_CODE = re.compile(r"^(.+?)\s*[〔\[［【(（〈]")


def _clean(text: str) -> str:
    return _SPACE.sub("", text)


@dataclass(frozen=True)
class SiteInfo:
    name: str
    agency: str | None
    aliases: tuple[str, ...]

    def owns(self, publisher: str | None, doc_no: str | None) -> bool:
        """Whether a document is the site agency's own (reposts of other bodies are not).

        The audit's test (issue #6, ``audits.ownership``): the 发布机构 names the agency or an
        alias, or the 文号's 代字 is (or starts with) one of them; a site with no agency configured
        owns everything. Kept here in the same words so the report's timeliness denominator is
        the audit's; a document with a late_publication finding counts whatever this says.
        """
        names = [_clean(n) for n in (self.agency or "", *self.aliases) if n and _clean(n)]
        if not names:
            return True
        if publisher:
            pub = _clean(publisher)
            if any(name in pub or (len(pub) >= 2 and pub in name) for name in names):
                return True
        match = _DOC_NO_CODE.match(_clean(doc_no or ""))
        code = match.group(1) if match else ""
        return bool(code) and any(code == name or code.startswith(name) for name in names)


@dataclass
class Doc:
    id: int
    site: str
    url: str
    title: str | None
    agency: str
    publisher: str | None
    index_no: str | None
    doc_no: str | None
    written_date: date | None
    published_date: date | None
    disclosure: str | None
    domain: str
    doc_type: str | None
    needs_interpretation: bool
    is_interpretation: bool
    month: str | None
    own: bool
    lag: int | None = None
    lag_provisional: bool = False


@dataclass
class ReportData:
    period: Period
    sites: dict[str, SiteInfo]
    docs: list[Doc]
    findings: list[dict[str, Any]]
    #: policy document id → working days from its publication to its first linked 解读's.
    interpretation_lags: dict[int, int]
    columns: list[dict[str, Any]]
    #: (rule, document id) → ids of the findings about that document under that rule.
    by_doc: dict[tuple[str, int], list[int]] = field(default_factory=dict)

    def findings_of(self, rules: Sequence[str]) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["rule"] in rules]


def _day(text: Any) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def load_report_data(store: Store, sites: Sequence[str] | None, period: Period) -> ReportData:
    """Everything the report needs for ``sites`` (None = all) in ``period``, open findings only."""
    known = store.site_names()
    chosen = list(sites) if sites else known
    missing = [name for name in chosen if name not in known]
    if missing:
        raise ScopeError(
            f"no site named {missing[0]!r} in the database (sites: {', '.join(known) or 'none'})"
        )
    if not chosen:
        raise ScopeError("the database has no sites yet: crawl or import documents first")
    scope = {"site": chosen, "since": period.start, "until": period.end}
    with store.engine.connect() as conn:
        site_rows = queries.select(conn, "sites")
        doc_rows = queries.select(conn, "documents", scope)
        link_rows = queries.select(conn, "interpretation_links")
        column_rows = queries.select(conn, "columns", {"site": chosen})
    infos = {}
    for row in site_rows:
        config = row.get("config") if isinstance(row.get("config"), dict) else {}
        aliases = tuple(str(a) for a in (config or {}).get("agency_aliases", []) if a)
        infos[row["name"]] = SiteInfo(row["name"], row.get("agency"), aliases)
    infos = {name: infos[name] for name in chosen if name in infos}
    docs = [_doc(row, infos[row["site"]]) for row in doc_rows]
    findings = list_gaps(
        store, GapFilters(sites=chosen, since=period.start, until=period.end, status="open"), sort=["id"]
    )
    data = ReportData(
        period=period,
        sites=infos,
        docs=docs,
        findings=findings,
        interpretation_lags=_interpretation_lags(docs, link_rows),
        columns=column_rows,
    )
    by_doc: dict[tuple[str, int], list[int]] = defaultdict(list)
    for finding in findings:
        if finding.get("document_id") is not None:
            by_doc[(finding["rule"], int(finding["document_id"]))].append(int(finding["id"]))
    data.by_doc = dict(by_doc)
    return data


def _doc(row: dict[str, Any], site: SiteInfo) -> Doc:
    written, published = _day(row.get("written_date")), _day(row.get("published_date"))
    doc = Doc(
        id=int(row["id"]),
        site=row["site"],
        url=row["url"],
        title=row.get("title"),
        agency=row.get("agency") or NO_VALUE,
        publisher=row.get("publisher"),
        index_no=row.get("index_no"),
        doc_no=row.get("doc_no"),
        written_date=written,
        published_date=published,
        disclosure=row.get("disclosure"),
        domain=row.get("domain") or OTHER_DOMAIN,
        doc_type=row.get("doc_type"),
        needs_interpretation=bool(row.get("needs_interpretation")),
        is_interpretation=bool(row.get("is_interpretation")) or row.get("doc_type") == "interpretation",
        month=row.get("month"),
        own=site.owns(row.get("publisher"), row.get("doc_no")),
    )
    if written and published:
        count = working_days_after(written, published)
        doc.lag, doc.lag_provisional = count.days, count.provisional
    return doc


def _interpretation_lags(docs: Sequence[Doc], links: Sequence[dict[str, Any]]) -> dict[int, int]:
    published = {d.id: d.published_date for d in docs}
    first: dict[int, date] = {}
    for link in links:
        policy = link.get("policy_id")
        day = _day(link.get("interpretation_published"))
        if policy is None or int(policy) not in published or day is None:
            continue
        policy = int(policy)
        if policy not in first or day < first[policy]:
            first[policy] = day
    lags = {}
    for policy, day in first.items():
        start = published[policy]
        if start is not None:
            lags[policy] = working_days_after(start, day).days if day > start else 0
    return lags
