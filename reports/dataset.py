"""What one report is computed from: the documents, findings, links and columns of its scope.

The findings are rows ``gongkai gaps`` lists for the same sites and dates (see
:func:`report_findings`), so the report's totals equal the command's counts by construction.
Which documents the timing rules tested, and their working-day lags, are what the audit recorded
(``audit_checks``: the parameters of that run, overrides included). For a site whose latest audit
recorded none (never audited, or audited before migration 0005) they are worked out here with the
audit's own code and the rules' default parameters: the calendar (``audits.calendar``, start day
not counted) and the own-agency test (``audits.ownership``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from gongkai.audits.calendar import default_calendar, working_days_after
from gongkai.audits.ownership import Ownership
from gongkai.audits.rules import RULES
from gongkai.audits.rules.lateness import LATE_PUBLICATION, OUT_OF_SCOPE_DISCLOSURE
from gongkai.models.checks import StoredCheck
from gongkai.models.errors import GongkaiError
from gongkai.models.records import SiteConfig
from gongkai.models.store import Store
from gongkai.reports import queries
from gongkai.reports.coverage import CATALOG_GAP, SiteCoverage, TitleRow, build_site_coverage, site_catalog
from gongkai.reports.gaps import GapFilters, list_gaps
from gongkai.reports.labels import NO_VALUE, OTHER_DOMAIN
from gongkai.reports.period import ALL_TIME, Period
from pydantic import ValidationError


class ScopeError(GongkaiError):
    """A report scope that names nothing in the database."""


#: Rules about the site rather than a document: they hold for a span of days, not a document's day.
STATE_RULES: tuple[str, ...] = tuple(rule.id for rule in RULES if rule.scope in ("column", "catalog"))


@dataclass(frozen=True)
class SiteInfo:
    """A site as the audit sees it: its agency and aliases from the stored config (see
    :func:`audit_config`; none for a name-only site, whose documents are then all its own)."""

    name: str
    agency: str | None
    aliases: tuple[str, ...]
    #: The assessed government a ranking pools this site under (the ``sites`` query's
    #: ``government``: the configured agency, else the site's name).
    government: str = ""

    @cached_property
    def owner(self) -> Ownership:
        """The audit's own-agency test for this site (``audits.ownership``)."""
        return Ownership(self.agency, self.aliases)

    def owns(self, publisher: str | None, doc_no: str | None) -> bool:
        """Whether a document is the site agency's own, exactly as the audit decides it."""
        return self.owner.why_own(publisher, doc_no) is not None


def audit_config(payload: Any) -> SiteConfig | None:
    """A stored site config as ``audits.engine`` reads it: none for a name-only site or a bad one."""
    if not isinstance(payload, dict) or "start_urls" not in payload:
        return None
    try:
        return SiteConfig.model_validate(payload)
    except ValidationError:
        return None


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
    #: ``document`` (an official document), ``news``, ``list`` or ``other`` (``DocumentRecord.page_kind``).
    page_kind: str = "document"
    #: Whether the late_publication rule tests this document (own, 主动公开 or unmarked, both dates
    #: within the calendar): the 按时发布率 denominator.
    timeliness_tested: bool = False
    lag: int | None = None
    lag_provisional: bool = False
    #: Whether the 解读 rules test this document (the 解读覆盖率 denominator).
    interpretation_tested: bool = False


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
    #: Findings the audit marked ``to_review`` (``Finding.certainty``): counted, never scored.
    #: ``findings`` holds the confirmed ones only, so no indicator, score or deduction sees these.
    to_review: list[dict[str, Any]] = field(default_factory=list)
    #: (rule, document id) → ids of to-review findings: the document is held back from that
    #: indicator's denominator (neither passed nor failed) unless a confirmed finding fails it.
    held_back: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    #: The 标准目录 matrix of each site in scope (or why it has none).
    coverage: list[SiteCoverage] = field(default_factory=list)
    #: indicator id → every document's verdict (``indicators.Verdicts``), computed once.
    verdicts: dict[str, Any] = field(default_factory=dict)
    #: document id → which Art. 12 fields it carries (``indicators.METADATA_FIELDS``), computed once.
    presence: dict[int, tuple[bool, ...]] = field(default_factory=dict)
    _rule_index: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict, repr=False)

    def findings_of(self, rules: Sequence[str], to_review: bool = False) -> list[dict[str, Any]]:
        """The confirmed (or to-review) findings of these rules, in id order; indexed by rule once,
        since every scope (site, government) asks again."""
        index = self._by_rule(to_review)
        found = [f for rule in dict.fromkeys(rules) for f in index.get(rule, ())]
        return sorted(found, key=lambda f: int(f["id"])) if len(set(rules)) > 1 else found

    def _by_rule(self, to_review: bool) -> dict[str, list[dict[str, Any]]]:
        key = "to_review" if to_review else "confirmed"
        if key not in self._rule_index:
            index: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for finding in self.to_review if to_review else self.findings:
                index[finding["rule"]].append(finding)
            self._rule_index[key] = dict(index)
        return self._rule_index[key]


def _day(text: Any) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def load_report_data(store: Store, sites: Sequence[str] | None, period: Period) -> ReportData:
    """Everything the report needs for ``sites`` (None = all) in ``period``."""
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
    site_rows = queries.select(store, "sites")
    doc_rows = queries.select(store, "documents", scope)
    link_rows = queries.select(store, "interpretation_links")
    column_rows = queries.select(store, "columns", {"site": chosen})
    audited, checks = store.recorded_checks(chosen)
    infos = {}
    configs: dict[str, Any] = {}
    for row in site_rows:
        configs[row["name"]] = row.get("config") if isinstance(row.get("config"), dict) else {}
        config = audit_config(configs[row["name"]])
        infos[row["name"]] = SiteInfo(
            row["name"],
            config.agency if config else None,
            tuple(config.agency_aliases) if config else (),
            row.get("government") or row["name"],
        )
    infos = {name: infos[name] for name in chosen if name in infos}
    # A document of an audited site takes its scope and lag from the audit's record (below), so
    # the audit's own-agency test and calendar are run here only for the sites without one.
    docs = [_doc(row, infos[row["site"]], row["site"] not in audited) for row in doc_rows]
    lags = _interpretation_lags([d for d in docs if d.site not in audited], link_rows)
    lags.update(apply_checks([d for d in docs if d.site in audited], checks))
    found = report_findings(store, chosen, period)
    findings = [f for f in found if not is_to_review(f)]
    # A document with a finding counts in its indicators whatever the record says, with its lag.
    accused = {int(f["document_id"]) for f in findings if f.get("document_id") is not None}
    for doc in docs:
        if doc.lag is None and doc.id in accused and doc.site in audited:
            _set_lag(doc)
    data = ReportData(
        period=period,
        sites=infos,
        docs=docs,
        findings=findings,
        to_review=[f for f in found if is_to_review(f)],
        interpretation_lags=lags,
        columns=column_rows,
    )
    by_doc: dict[tuple[str, int], list[int]] = defaultdict(list)
    for finding in findings:
        if finding.get("document_id") is not None:
            by_doc[(finding["rule"], int(finding["document_id"]))].append(int(finding["id"]))
    data.by_doc = dict(by_doc)
    held_back: dict[tuple[str, int], list[int]] = defaultdict(list)
    for finding in data.to_review:
        if finding.get("document_id") is not None:
            held_back[(finding["rule"], int(finding["document_id"]))].append(int(finding["id"]))
    data.held_back = dict(held_back)
    # The matrix shows confirmed gaps and, apart, the items held back as to review.
    data.coverage = load_coverage(store, chosen, configs, period, found)
    return data


def is_to_review(finding: dict[str, Any]) -> bool:
    """Whether the audit held this finding back as uncertain (``Finding.certainty``)."""
    return finding.get("certainty") == "to_review"


def report_findings(store: Store, sites: Sequence[str], period: Period) -> list[dict[str, Any]]:
    """The findings a report counts: ``gaps --certainty all`` rows for the same sites and dates
    (the report splits them: confirmed ones are scored, to-review ones are counted apart).

    Document findings: the open ones whose document is dated in the period (a closed one was
    fixed on the page, which the archive shows). Column and catalog findings: those the audit saw
    open on any day of the period (``period_to >= start`` and ``period_from <= end``), so a
    column that was stale in March and fixed in May counts in a report for Q1, marked as fixed.
    Without a period, the report is the state now: open findings only.
    """
    chosen = list(sites)
    found = list_gaps(
        store,
        GapFilters(sites=chosen, since=period.start, until=period.end, status="open", certainty="all"),
        sort=["id"],
    )
    if period.start is not None or period.end is not None:
        fixed = list_gaps(
            store,
            GapFilters(
                rules=STATE_RULES,
                sites=chosen,
                since=period.start,
                until=period.end,
                status="closed",
                certainty="all",
            ),
            sort=["id"],
        )
        found = sorted([*found, *fixed], key=lambda f: int(f["id"]))
    return found


def load_coverage(
    store: Store,
    sites: Sequence[str],
    configs: dict[str, Any],
    period: Period,
    findings: Sequence[dict[str, Any]],
) -> list[SiteCoverage]:
    """The 标准目录 matrix of each site, matched against what it had published by the period's end."""
    # Each site's matrix reads only its own catalog gaps: sorted out once, not once per site.
    gaps_by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        if finding.get("rule") == CATALOG_GAP:
            gaps_by_site[finding.get("site") or ""].append(finding)
    out = []
    for site in sites:
        configured, catalog, note = site_catalog(site, configs.get(site))
        titles: list[TitleRow] = []
        if catalog is not None:
            rows = queries.select(store, "document_titles", {"site": site, "until": period.end})
            titles = [TitleRow(int(r["id"]), r["url"], r.get("title"), r.get("ref_date")) for r in rows]
            if not titles:
                note = f"站点 {site} 尚无文件，标准目录覆盖无从评估（catalog_gap 规则不检查没有文件的站点）。"
                catalog = None
        out.append(build_site_coverage(site, configured, catalog, note, titles, gaps_by_site[site]))
    return out


def current_coverage(store: Store) -> list[SiteCoverage]:
    """Every site's 标准目录 matrix as the store stands now (all documents, open findings)."""
    configs = {
        row["name"]: row.get("config") if isinstance(row.get("config"), dict) else {}
        for row in queries.select(store, "sites")
    }
    sites = sorted(configs)
    findings = list_gaps(
        store, GapFilters(rules=["catalog_gap"], sites=sites, status="open", certainty="all"), sort=["id"]
    )
    return load_coverage(store, sites, configs, ALL_TIME, findings)


def _doc(row: dict[str, Any], site: SiteInfo, assess: bool = True) -> Doc:
    """A document row as the report reads it; ``assess``: work out which timing rules test it and
    its lag here (False for a site whose audit recorded them: :func:`apply_checks` sets them)."""
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
        own=site.owns(row.get("publisher"), row.get("doc_no")) if assess else False,
        page_kind=row.get("page_kind") or "document",
    )
    if not assess:
        return doc
    if _set_lag(doc):
        doc.timeliness_tested = doc.own and _late_publication_in_scope(doc.disclosure)
    doc.interpretation_tested = doc.own and doc.needs_interpretation and not doc.is_interpretation
    return doc


def _set_lag(doc: Doc) -> bool:
    """The working days from 成文 to 发布 (start day not counted); False where they cannot be
    counted (a date missing, or outside the calendar)."""
    written, published = doc.written_date, doc.published_date
    if not (written and published and _in_calendar(written, published)):
        return False
    count = working_days_after(written, published)
    doc.lag, doc.lag_provisional = count.days, count.provisional
    return True


def apply_checks(docs: Sequence[Doc], checks: Sequence[StoredCheck]) -> dict[int, int]:
    """Set the timing rules' scope and lags on ``docs`` from what the audit recorded (its own
    parameters, overrides included); returns the 解读 lags (policy id → working days).

    ``docs`` are documents of sites whose latest audit recorded its checks: a document with no
    check row was outside the rule's scope in that run.
    """
    by_rule: dict[str, dict[int, StoredCheck]] = defaultdict(dict)
    for check in checks:
        by_rule[check.rule_id][check.document_id] = check
    timeliness = by_rule.get(LATE_PUBLICATION.id, {})
    interpretation = by_rule.get("missing_interpretation", {})
    linked = by_rule.get("late_interpretation", {})
    for doc in docs:
        tested = timeliness.get(doc.id)
        doc.timeliness_tested = tested is not None
        if tested is not None:
            doc.lag, doc.lag_provisional = tested.lag, tested.provisional
        doc.interpretation_tested = doc.id in interpretation or doc.id in linked
    ids = {doc.id for doc in docs}
    return {doc_id: c.lag for doc_id, c in linked.items() if doc_id in ids and c.lag is not None}


def _in_calendar(*days: date) -> bool:
    """Whether the working-day calendar spans these days (a misread year such as 0202 is outside)."""
    calendar = default_calendar()
    return all(calendar.FIRST <= day <= calendar.LAST for day in days)


def _late_publication_in_scope(disclosure: str | None) -> bool:
    """The late_publication rule's 公开属性 test, with the rule's default parameters."""
    if disclosure in OUT_OF_SCOPE_DISCLOSURE:
        return False
    return disclosure is not None or bool(LATE_PUBLICATION.parameters["include_missing_disclosure"])


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
        if start is not None and _in_calendar(start, day):
            lags[policy] = working_days_after(start, day).days if day > start else 0
    return lags
