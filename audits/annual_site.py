"""The annual reports a crawl stored, read and checked, their problems filed as findings.

For each of a site's documents titled as a 政府信息公开工作年度报告 the stored page is read; when it
has no table of applications, its PDF/DOCX attachments are (the crawler stores their bytes). The
problems of :mod:`audits.annual` become findings of rule ``annual_<code>`` about the report's URL
(one finding per rule and report, its evidence listing every problem), and a 年报 column without
last year's report by 1 February gets an ``annual_missing_report`` finding about the column.
Findings are synced like any rule's: opened, refreshed, closed when the report is fixed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from gongkai.audits.annual import ANNUAL_RULES, ANNUAL_RULES_BY_ID, check_run, missing_reports
from gongkai.extractors.annual_report import AnnualReport, Problem, UnreadableReport, read_bytes
from gongkai.extractors.annual_report.meta import agency_of, year_of
from gongkai.models.records import DocumentRecord, Evidence, Finding
from gongkai.models.store import Store

#: A document whose title names an annual report of 政府信息公开.
ANNUAL_TITLE = re.compile(r"信息公开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报)")
#: A column holding the annual reports.
ANNUAL_COLUMN = re.compile(r"年报|年度报告")
#: The first report year of a format with tables (国办公开办函〔2019〕60号).
FORMATS_FROM = 2019
#: The rule ids the findings are filed under.
RULE_IDS: tuple[str, ...] = tuple(f"annual_{rule.id}" for rule in ANNUAL_RULES)


def rule_id(code: str) -> str:
    return f"annual_{code}"


def is_annual_report(record: DocumentRecord) -> bool:
    return bool(ANNUAL_TITLE.search(record.title or ""))


def read_stored_report(store: Store, record: DocumentRecord) -> tuple[AnnualReport | None, str | None]:
    """The report of a stored document (its page, else its PDF/DOCX attachments); (None, why)."""
    why = None
    urls = [record.url]
    urls += [link.url for link in record.links if link.kind == "attachment"]
    urls += [attachment.url for attachment in record.attachments]
    best: AnnualReport | None = None
    for url in dict.fromkeys(urls):
        raw = store.page_body(url)
        if raw is None:
            continue
        page = store.get_page(url)
        headers = page.headers if page else {}
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
        try:
            report = read_bytes(raw, url, content_type)
        except UnreadableReport as exc:
            why = str(exc)
            continue
        # a page without the tables of the 2019/2021 formats is a report only for the years before
        # them; from 2019 on, its tables are in a file (or an image the reader cannot see)
        older = report.template == "older" and report.year is not None and report.year < FORMATS_FROM
        if report.part3.rows or older:
            best = report
            if report.part3.rows:
                break
    if best is None:
        return None, why or "no table of applications on the page or in its attachments"
    best.path = record.url
    if record.title and (best.year is None or best.agency is None):  # the file has no title line
        best.title = best.title or record.title
        best.year = best.year or year_of(record.title)
        best.agency = best.agency or agency_of(record.title)
    # the report page's own date is when it was published (a file's 落款 is when it was written)
    if record.published_date:
        best.published, best.published_source = record.published_date, "the report page's date"
    return best, None


def _site_agency(store: Store, site: str) -> str | None:
    return (store.site_payload(site) or {}).get("agency")


def _finding(site: str, subject: str, code: str, problems: list[Problem], url: str | None) -> Finding:
    rule = ANNUAL_RULES_BY_ID[code]
    confirmed = [p for p in problems if p.certainty == "confirmed"]
    shown = confirmed or problems
    reasons = sorted({p.review_reason for p in problems if p.review_reason})
    return Finding(
        rule_id=rule_id(code),
        rule_version=rule.version,
        severity=rule.severity,
        site=site,
        document_url=url,
        subject=subject,
        detail="; ".join(p.detail for p in shown),
        legal_basis=rule.legal_basis,
        evidence=Evidence(
            url=url or subject,
            values={"problems": [{**p.as_dict(), "evidence": p.evidence} for p in problems]},
        ),
        certainty="confirmed" if confirmed else "to_review",
        review_reason=None if confirmed else "; ".join(reasons) or "to review",
    )


def annual_findings(store: Store, site: str, today: date) -> tuple[list[Finding], dict[str, Any]]:
    reports: list[AnnualReport] = []
    unread: list[str] = []
    for stored in store.iter_documents(site):
        record = stored.record
        if not is_annual_report(record):
            continue
        report, why = read_stored_report(store, record)
        if report is None:
            unread.append(f"{record.url}: {why}")
            continue
        if not report.agency:
            report.agency = _site_agency(store, site)
        reports.append(report)
    findings: list[Finding] = []
    for checked in check_run(reports):
        by_code: dict[str, list[Problem]] = defaultdict(list)
        for problem in checked.problems:
            if problem.code in ANNUAL_RULES_BY_ID:
                by_code[problem.code].append(problem)
        for code, problems in by_code.items():
            findings.append(_finding(site, checked.report.path, code, problems, checked.report.path))
    columns = [c for c in store.list_columns(site) if ANNUAL_COLUMN.search(c.name or "")]
    if columns:
        agency = _site_agency(store, site) or site
        years = [r.year for r in reports if r.year]
        for column in columns[:1]:
            problems = missing_reports(agency, years, today)
            if problems:
                findings.append(_finding(site, column.url, "missing_report", problems, None))
    return findings, {"reports": len(reports), "unreadable": unread[:20]}


def annual_step(store: Store, site: str, today: date) -> dict[str, Any]:
    """Read and check the site's annual reports; sync their findings (the ``annual_*`` rules)."""
    findings, stats = annual_findings(store, site, today)
    document_ids = {s.record.url: s.id for s in store.iter_documents(site) if is_annual_report(s.record)}
    rules = store.sync_findings_by_rule(site, list(RULE_IDS), findings, today, document_ids)
    return {"rules": rules, **stats}
