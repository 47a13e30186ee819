"""One assessment report as data: indicators, scores and findings, ready for any renderer.

Renderers (HTML, PDF, XLSX) only format what is here; every number they print is computed once,
in this module, from the findings and documents of :class:`reports.dataset.ReportData`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gongkai.reports import indicators as ind
from gongkai.reports.coverage import SiteCoverage
from gongkai.reports.dataset import ReportData, SiteInfo
from gongkai.reports.indicators import DOCUMENT_INDICATORS, Result
from gongkai.reports.labels import DOMAINS, OTHER_DOMAIN
from gongkai.reports.period import Period
from gongkai.reports.ranking import RankRow, rank_rows, ties, units
from gongkai.reports.scoring import Score, WeightsConfig, score
from gongkai.reports.sections import Rendered, collect

#: Above this many findings the findings list and evidence appendix leave the main report (HTML,
#: PDF) for the XLSX and a linked evidence page; the main report keeps counts and a sample per rule.
FULL_LIST_LIMIT = 600
#: Findings shown per rule in the main report when the full list is elsewhere.
SAMPLE_PER_RULE = 10
#: Above this many 发布机构 (or findings, FULL_LIST_LIMIT) a report is compact: the per-agency
#: breakdowns in the main report keep the agencies with the most findings and the 指标明细 keep
#: their overall figures; every row stays in the XLSX.
AGENCY_LIMIT = 40
#: Above this many catalogued sites the per-site 标准目录 tables are in the XLSX only (the matrix
#: of all sites stays; see reports.coverage).
CATALOG_TABLE_SITES = 6
#: Columns a compact report lists (those with findings first; all of them in the XLSX).
COLUMN_LIMIT = 60

DOCUMENT_IDS = {i.id for i in DOCUMENT_INDICATORS}


@dataclass
class GroupRow:
    """One agency, domain, month or site: its documents, indicator results and score."""

    name: str
    documents: int
    results: dict[str, Result]
    score: Score
    #: Pages of kind ``news`` (counted apart, never in a denominator).
    news: int = 0


@dataclass
class Report:
    title: str
    generated_at: datetime
    period: Period
    sites: list[SiteInfo]
    weights: WeightsConfig
    documents: int
    overall: dict[str, Result]
    score: Score
    per_site: list[GroupRow]
    per_agency: list[GroupRow]
    per_domain: list[GroupRow]
    per_month: list[GroupRow]
    #: (rule id, findings) — ``gongkai gaps --by rule`` for this scope, plus for a period the column
    #: and catalog findings seen open in it and closed since (``--status closed``).
    rule_totals: list[tuple[str, int]]
    #: The findings in scope, each with the points it deducts from the overall score.
    findings: list[dict[str, Any]]
    #: Working-day lags (成文 → 发布) of the documents the timeliness indicator assessed.
    lags: list[int]
    columns: list[dict[str, Any]]
    catalog_gaps_by_domain: dict[str, int]
    #: The 标准目录 matrix (domains × items) of each site, or why a site has none.
    coverage: list[SiteCoverage]
    #: Findings held back as "to review": counted and listed, never scored.
    to_review: list[dict[str, Any]]
    #: Stored pages per kind (document, news, list, other); ``documents`` counts the first.
    page_counts: dict[str, int]
    #: The assessed sites ranked, best first (empty for a one-site report).
    ranking: list[RankRow]
    #: Optional sections (annual reports …) that have something to say, in order.
    sections: list[Rendered]

    @property
    def rule_to_review(self) -> dict[str, int]:
        """Rule → findings held back as uncertain (for every rule the report lists)."""
        return dict(Counter(f["rule"] for f in self.to_review))

    @property
    def review_reasons(self) -> dict[str, list[tuple[str, int]]]:
        """Rule → (reason, findings) of its to-review findings, most frequent first."""
        reasons: dict[str, Counter[str]] = {}
        for f in self.to_review:
            reasons.setdefault(f["rule"], Counter())[f.get("review_reason") or "未注明"] += 1
        return {rule: counts.most_common() for rule, counts in reasons.items()}

    @property
    def confirmed_total(self) -> int:
        return len(self.findings)

    @property
    def full_list_inline(self) -> bool:
        """Whether the main report carries every finding and the evidence appendix."""
        return len(self.findings) + len(self.to_review) <= FULL_LIST_LIMIT

    @property
    def compact(self) -> bool:
        """Whether the main report keeps only what a reader reads (a large or many-agency scope)."""
        return not self.full_list_inline or len(self.per_agency) > AGENCY_LIMIT

    @property
    def agencies_shown(self) -> list[GroupRow]:
        """The 发布机构 rows the main report shows: all, or in a compact report those with most findings."""
        if not self.compact:
            return self.per_agency

        def failing(row: GroupRow) -> int:
            return sum(r.failing for r in row.results.values())

        return sorted(self.per_agency, key=lambda r: (-failing(r), -r.documents, r.name))[:AGENCY_LIMIT]

    @property
    def columns_shown(self) -> list[dict[str, Any]]:
        """The columns the main report lists: all, or in a compact report those with findings."""
        if not self.compact:
            return self.columns
        return [c for c in self.columns if c["findings"]][:COLUMN_LIMIT]

    @property
    def catalog_tables(self) -> bool:
        """Whether the main report lists each catalogued site's items (few sites) or not (XLSX)."""
        return sum(c.has_matrix for c in self.coverage) <= CATALOG_TABLE_SITES

    @property
    def ties(self) -> list[tuple[int, list[str]]]:
        return ties(self.ranking)

    @property
    def fixed_findings(self) -> int:
        """Column and catalog findings of the period that the audit has seen fixed since."""
        return sum(f.get("status") == "closed" for f in self.findings)

    @property
    def scope_label(self) -> str:
        # The assessed governments, each once (sites of one agency pool).
        names = list(dict.fromkeys(s.government or s.agency or s.name for s in self.sites))
        shown = "、".join(names) if len(names) <= 3 else f"{'、'.join(names[:3])}等 {len(names)} 个评估对象"
        return f"{shown}（{self.period.label}）"


def build_report(data: ReportData, weights: WeightsConfig, title: str | None = None) -> Report:
    sites = sorted(data.sites)
    overall = ind.scope_results(data, data.docs, sites)
    overall_score = score(overall, weights)
    docs_by_site: dict[str, list[Any]] = {name: [] for name in sites}
    for doc in data.docs:
        docs_by_site[doc.site].append(doc)
    per_site = []
    for name in sites:
        docs = docs_by_site[name]
        results = ind.scope_results(data, docs, [name])
        per_site.append(GroupRow(name, _official(docs), results, score(results, weights), _news(docs)))
    official = [d for d in data.docs if d.page_kind == "document"]
    counts_agency = ind.doc_counts(data, lambda d: d.agency, official)
    counts_domain = ind.doc_counts(
        data, lambda d: d.domain if d.domain in DOMAINS else OTHER_DOMAIN, official
    )
    counts_month = ind.doc_counts(data, lambda d: d.month or "", official)

    def rows(groups: dict[str, dict[str, Result]], counts: dict[str, int]) -> list[GroupRow]:
        return [
            GroupRow(name, counts.get(name, 0), results, score(results, weights, only=DOCUMENT_IDS))
            for name, results in groups.items()
        ]

    deductions = {int(f["id"]): overall_score.deduction_of(int(f["id"])) for f in data.findings}
    findings = [{**f, "deduction": deductions.get(int(f["id"]), 0.0)} for f in data.findings]
    timely_docs = [
        d
        for d in data.docs
        if d.lag is not None and (d.timeliness_tested or ("late_publication", d.id) in data.by_doc)
    ]
    governments = units({name: data.sites[name].government for name in sites})
    ranking = (
        rank_rows(
            [
                (government, members, _unit_row(government, members, per_site, docs_by_site, data, weights))
                for government, members in governments.items()
            ],
            data.findings,
            data.to_review,
            data.docs,
        )
        if len(governments) > 1
        else []
    )
    report = Report(
        title=title or "政务公开第三方评估报告",
        generated_at=datetime.now(UTC),
        period=data.period,
        sites=[data.sites[name] for name in sites],
        weights=weights,
        documents=len(official),
        overall=overall,
        score=overall_score,
        per_site=per_site,
        per_agency=rows(ind.by_agency(data), counts_agency),
        per_domain=rows(ind.by_domain(data), counts_domain),
        per_month=rows(ind.by_month(data), counts_month),
        # Confirmed findings per rule: ``gaps --by rule``; rules with only to-review ones count 0
        # here (``gaps --by rule --certainty to_review`` counts those, see ``rule_to_review``).
        rule_totals=sorted(
            {
                **dict.fromkeys((f["rule"] for f in data.to_review), 0),
                **Counter(f["rule"] for f in data.findings),
            }.items()
        ),
        findings=findings,
        lags=[d.lag for d in timely_docs if d.lag is not None],
        columns=_columns_with_findings(data),
        catalog_gaps_by_domain=overall["catalog_coverage"].extra.get("by_domain", {}),
        coverage=data.coverage,
        to_review=sorted(data.to_review, key=lambda f: (f["rule"], f["site"], int(f["id"]))),
        page_counts=dict(Counter(d.page_kind for d in data.docs)),
        ranking=ranking,
        sections=[],
    )
    report.sections = collect(data, report)
    return report


def _unit_row(
    government: str,
    members: list[str],
    per_site: list[GroupRow],
    docs_by_site: dict[str, list[Any]],
    data: ReportData,
    weights: WeightsConfig,
) -> GroupRow:
    """One assessed government's row: its one site's, or its sites pooled and assessed together."""
    if len(members) == 1:
        (row,) = [r for r in per_site if r.name == members[0]]
        return row
    docs = [d for site in members for d in docs_by_site[site]]
    results = ind.scope_results(data, docs, members)
    return GroupRow(government, _official(docs), results, score(results, weights), _news(docs))


def _official(docs: list[Any]) -> int:
    return sum(d.page_kind == "document" for d in docs)


def _news(docs: list[Any]) -> int:
    return sum(d.page_kind == "news" for d in docs)


def _columns_with_findings(data: ReportData) -> list[dict[str, Any]]:
    by_subject: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for finding in data.findings_of(("empty_column", "stale_column")):
        by_subject.setdefault((finding["site"], finding["subject"]), []).append(finding)
    out = []
    for column in data.columns:
        found = by_subject.get((column["site"], column["url"]), [])
        out.append({**column, "findings": found})
    out.sort(key=lambda c: (not c["findings"], c["site"], c["url"]))
    return out
