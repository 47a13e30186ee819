"""Running the audit over stored documents: link 解读, check every rule, sync the findings.

Per site: one query loads the documents as columns (:mod:`audits.loader`), linking runs on those
columns and stores the graph, each rule checks the whole site at once, and
``Store.sync_findings`` opens new findings, refreshes the ones still true and closes the rest.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gongkai.audits.batch import SiteData
from gongkai.audits.calendar import WorkCalendar, default_calendar
from gongkai.audits.catalog import Catalog, catalog_for_site, load_standard
from gongkai.audits.linking import find_links, interpretation_index, store_links
from gongkai.audits.loader import load_columns, load_site, site_rows
from gongkai.audits.rules import RULES, RULES_BY_ID, AuditContext, Rule
from gongkai.models.checks import CheckRow
from gongkai.models.errors import ConfigError, GongkaiError
from gongkai.models.records import Finding, SiteConfig
from gongkai.models.store import Store, utcnow
from pydantic import ValidationError


@dataclass
class SiteResult:
    site: str
    documents: int
    links: int
    #: rule id → {"opened", "kept", "closed", "reopened"}
    rules: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    #: Rows written to ``audit_checks`` (what the timing rules checked).
    checks: int = 0


@dataclass
class AuditResult:
    today: date
    sites: list[SiteResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for site in self.sites:
            for rule_id, stats in site.rules.items():
                into = out.setdefault(rule_id, {"opened": 0, "kept": 0, "closed": 0, "reopened": 0})
                for key, value in stats.items():
                    into[key] = into.get(key, 0) + value
        return out


def _site_config(store: Store, site_id: int, name: str) -> SiteConfig | None:
    payload = store.site_payload(site_id)
    if not payload or "start_urls" not in payload:
        return None  # a name-only site (imported documents)
    try:
        return SiteConfig.model_validate(payload)
    except ValidationError as exc:
        raise ConfigError(f"site {name}: stored config is invalid: {exc.errors()[0]['msg']}") from None


def check_site(data: SiteData, ctx: AuditContext, rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Every rule over one site's data (pure: no store, no clock)."""
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.run(data, ctx))
    return findings


def run_audit(
    store: Store,
    *,
    today: date,
    site: str | None = None,
    grace_days: int | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    calendar: WorkCalendar | None = None,
    rules: Sequence[str] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> AuditResult:
    """Audit every site (or one) as of ``today`` and sync the findings into the store."""
    params: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (overrides or {}).items()}
    if grace_days is not None:
        if grace_days < 0:
            raise GongkaiError("--grace-days must be 0 (同步) or more")
        for rule_id in ("missing_interpretation", "late_interpretation"):
            params.setdefault(rule_id, {})["grace_working_days"] = grace_days
    chosen = [RULES_BY_ID[r] for r in rules] if rules else list(RULES)
    ctx = AuditContext(today=today, calendar=calendar or default_calendar(), overrides=params)
    result = AuditResult(today=today)
    targets = site_rows(store, site)
    if site is not None and not targets:
        raise GongkaiError(f"no site named {site!r} in the database (gongkai db status lists the sites)")

    def error(message: str) -> None:
        result.errors.append(message)
        if on_error:
            on_error(message)

    for site_id, name in targets:
        started = utcnow()
        try:
            with _gc_paused():
                outcome = _audit_site(store, site_id, name, ctx, chosen, error)
        except GongkaiError as exc:
            error(f"site {name}: {exc}")
            continue
        result.sites.append(outcome)
        _record_run(store, site_id, started, outcome)
    return result


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector off while one site is audited.

    A site's columns, facts and findings are hundreds of thousands of small acyclic objects; each
    allocation burst made the collector rescan all of them, a quarter of the audit's CPU time
    (measured with ``gc.callbacks``). Reference counting still frees everything as usual; the
    collector resumes, and catches any cycle, as soon as the site is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _audit_site(
    store: Store, site_id: int, name: str, ctx: AuditContext, rules: list[Rule], error: Callable[[str], None]
) -> SiteResult:
    clock = time.perf_counter
    t0 = clock()
    try:
        config = _site_config(store, site_id, name)
    except ConfigError as exc:
        error(str(exc))
        config = None
    rule_list = list(rules)
    catalog: Catalog
    try:
        catalog = catalog_for_site(config.catalog if config else None)
    except ConfigError as exc:
        error(f"site {name}: {exc}; catalog_gap skipped for this site")
        catalog = Catalog(**{**load_standard().__dict__, "gap_check": False})
        rule_list = [r for r in rule_list if r.id != "catalog_gap"]
    loaded = load_site(store, site_id)
    columns = load_columns(store, site_id)
    t1 = clock()
    edges = find_links(loaded.docs, loaded.links, loaded.interprets)
    link_count = store_links(store, site_id, loaded.docs, edges)
    data = SiteData(
        site=name,
        config=config,
        docs=loaded.docs,
        columns=columns,
        interpretations=interpretation_index(loaded.docs, edges),
        catalog=catalog,
    )
    t2 = clock()
    findings: list[Finding] = []
    rule_seconds: dict[str, float] = {}
    for rule in rule_list:
        started = clock()
        findings.extend(rule.run(data, ctx))
        rule_seconds[f"rule:{rule.id}"] = clock() - started
    t3 = clock()
    outcome = SiteResult(site=name, documents=len(loaded.docs), links=link_count)
    document_ids = dict(zip(loaded.docs.urls, loaded.docs.ids.tolist(), strict=True))
    stats = store.sync_findings_by_rule(name, [r.id for r in rule_list], findings, ctx.today, document_ids)
    outcome.checks = store.replace_checks(site_id, [r.id for r in rule_list], _check_rows(data), ctx.today)
    t4 = clock()
    outcome.rules = stats
    outcome.seconds = {"load": t1 - t0, "link": t2 - t1, "check": t3 - t2, "sync": t4 - t3, **rule_seconds}
    return outcome


def _check_rows(data: SiteData) -> Iterator[CheckRow]:
    """What the rules checked, as rows of ``audit_checks``."""
    ids = data.docs.ids
    for checks in data.checks.values():
        for i, row in enumerate(checks.rows.tolist()):
            lag = int(checks.lag[i])
            yield CheckRow(
                document_id=int(ids[row]),
                rule_id=checks.rule_id,
                failed=bool(checks.failed[i]),
                lag=lag if lag >= 0 else None,
                provisional=bool(checks.provisional[i]),
                params=checks.params,
            )


def _record_run(store: Store, site_id: int, started: Any, outcome: SiteResult) -> None:
    store.record_run(
        "audit",
        site_id,
        {
            "documents": outcome.documents,
            "links": outcome.links,
            "rules": outcome.rules,
            "checks": outcome.checks,
        },
        started_at=started,
    )
