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
from gongkai.reports.scoring import Score, WeightsConfig, score

DOCUMENT_IDS = {i.id for i in DOCUMENT_INDICATORS}


@dataclass
class GroupRow:
    """One agency, domain, month or site: its documents, indicator results and score."""

    name: str
    documents: int
    results: dict[str, Result]
    score: Score


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

    @property
    def fixed_findings(self) -> int:
        """Column and catalog findings of the period that the audit has seen fixed since."""
        return sum(f.get("status") == "closed" for f in self.findings)

    @property
    def scope_label(self) -> str:
        names = "、".join(s.agency or s.name for s in self.sites)
        return f"{names}（{self.period.label}）"


def build_report(data: ReportData, weights: WeightsConfig, title: str | None = None) -> Report:
    sites = sorted(data.sites)
    overall = ind.scope_results(data, data.docs, sites)
    overall_score = score(overall, weights)
    per_site = []
    for name in sites:
        docs = [d for d in data.docs if d.site == name]
        results = ind.scope_results(data, docs, [name])
        per_site.append(GroupRow(name, len(docs), results, score(results, weights)))
    counts_agency = ind.doc_counts(data, lambda d: d.agency)
    counts_domain = ind.doc_counts(data, lambda d: d.domain if d.domain in DOMAINS else OTHER_DOMAIN)
    counts_month = ind.doc_counts(data, lambda d: d.month or "")

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
    return Report(
        title=title or "政务公开第三方评估报告",
        generated_at=datetime.now(UTC),
        period=data.period,
        sites=[data.sites[name] for name in sites],
        weights=weights,
        documents=len(data.docs),
        overall=overall,
        score=overall_score,
        per_site=per_site,
        per_agency=rows(ind.by_agency(data), counts_agency),
        per_domain=rows(ind.by_domain(data), counts_domain),
        per_month=rows(ind.by_month(data), counts_month),
        rule_totals=sorted(Counter(f["rule"] for f in data.findings).items()),
        findings=findings,
        lags=[d.lag for d in timely_docs if d.lag is not None],
        columns=_columns_with_findings(data),
        catalog_gaps_by_domain=overall["catalog_coverage"].extra.get("by_domain", {}),
        coverage=data.coverage,
    )


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
