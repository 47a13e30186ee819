"""The ground truth: what a correct audit reports on the demo sites on the reference date.

Read off the same plan the pages are rendered from, and recounted from the shown values with
the project's own calendar (``audits.calendar.working_days_after``), never copied from how a
defect was planted. For the rules listed in :data:`RULES` the findings are exhaustive: every
document and column not named in a finding is clean for that rule.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from gongkai.audits.calendar import working_days_after
from gongkai.audits.catalog import load_catalog
from gongkai.demo import annual, docno
from gongkai.demo.model import DemoColumn, DemoDocument, SitePlan

from gongkai.resources import corpus_path

#: Rules the truth is exhaustive for (issue #6 ids): each is planted at least twice.
RULES: tuple[str, ...] = (
    "late_publication",
    "missing_interpretation",
    "late_interpretation",
    "metadata_missing",
    "doc_no_format",
    "date_inconsistency",
    "index_no_duplicate",
    "disclosure_attribute",
    "empty_column",
    "stale_column",
    "catalog_gap",
    *annual.RULES,
)

LATE_AFTER_WORKING_DAYS = 20
#: The 解读 grace of ``late_interpretation`` (同步 = 0; up to 3 working days locally): planted
#: 解读 come either the same day or far past the most lenient reading.
INTERPRETATION_GRACE_WORKING_DAYS = 3
#: 公开属性 that say the document is not for the public; its full text on the site contradicts them.
WITHHELD = ("依申请公开", "不予公开")
NEWS_MAX_AGE = timedelta(days=14)
#: Columns are kept at least this far from a staleness limit, so no reading of "6 months" or
#: "2 weeks" (183 days, 6 calendar months, 14 or 15 days) can disagree with the truth.
STALE_MARGIN_DAYS = 12


def six_months_before(day: date) -> date:
    month = day.month - 6
    year = day.year + (month <= 0) * -1
    month = month + 12 if month <= 0 else month
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month, dom)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def column_limit(column: DemoColumn, today: date) -> date | None:
    """The oldest newest-item date that is still fresh (None: the column has no limit)."""
    if column.kind == "news":
        return today - NEWS_MAX_AGE
    if column.kind in ("notice", "policy"):
        return six_months_before(today)
    return None


def document_findings(doc: DemoDocument, today: date) -> list[tuple[str, str]]:
    """(rule, why) for one document, from the values its page shows."""
    out: list[tuple[str, str]] = []
    if doc.own and doc.written and doc.published and doc.written <= doc.published:
        count = working_days_after(doc.written, doc.published)
        if count.days > LATE_AFTER_WORKING_DAYS:
            provisional = " (provisional calendar)" if count.provisional else ""
            out.append(
                (
                    "late_publication",
                    f"成文 {doc.written} → 发布 {doc.published}: {count.days} working days > 20{provisional}",
                )
            )
    if doc.needs_interpretation and not doc.interpretations:
        box = "an empty 相关解读 box" if doc.interpretation_box else "no 相关解读 box"
        out.append(("missing_interpretation", f"needs a 解读 and none exists ({box})"))
    if doc.own and doc.needs_interpretation and doc.interpretations and doc.published:
        first = min(i.published for i in doc.interpretations if i.published)
        lag = working_days_after(doc.published, first)
        if lag.days > INTERPRETATION_GRACE_WORKING_DAYS:
            out.append(
                ("late_interpretation", f"发布 {doc.published}, first 解读 {first}: {lag.days} working days")
            )
    if doc.disclosure in WITHHELD:
        out.append(("disclosure_attribute", f"公开属性 {doc.disclosure}, yet the full text is on the site"))
    missing = [
        label
        for label, value in (
            ("索引号", doc.index_no),
            ("名称", doc.title),
            ("发布机构", doc.publisher),
            ("成文日期", doc.written),
            ("发布日期", doc.published),
        )
        if value is None
    ]
    if missing:
        out.append(("metadata_missing", "absent: " + ", ".join(missing)))
    if doc.doc_no is not None and not docno.is_valid(doc.doc_no):
        out.append(("doc_no_format", f"文号 printed as {doc.doc_no!r}"))
    inconsistent = date_inconsistencies(doc, today)
    if inconsistent:
        out.append(("date_inconsistency", "; ".join(inconsistent)))
    return out


def date_inconsistencies(doc: DemoDocument, today: date) -> list[str]:
    problems = []
    if doc.written and doc.published and doc.published < doc.written:
        problems.append(f"发布 {doc.published} before 成文 {doc.written}")
    for label, value in (("成文", doc.written), ("发布", doc.published)):
        if value and value > today:
            problems.append(f"{label} {value} is in the future")
    if doc.written and doc.doc_no:
        year = docno.bracket_year(doc.doc_no)
        if year is not None and year != doc.written.year:
            problems.append(f"文号 year {year} ≠ 成文 year {doc.written.year}")
    if doc.written and doc.index_no:
        year = index_year(doc.index_no)
        if year is not None and year != doc.written.year:
            problems.append(f"索引号 year {year} ≠ 成文 year {doc.written.year}")
    return problems


def index_year(index_no: str) -> int | None:
    """The year segment of the demo sites' 索引号 (``prefix/YYYY-NNNNN``)."""
    tail = index_no.rsplit("/", 1)[-1]
    head = tail.split("-", 1)[0]
    return int(head) if head.isdigit() and len(head) == 4 else None


def check_margins(plan: SitePlan, today: date) -> None:
    """Refuse a plan whose columns sit near a staleness limit (the truth would be fragile)."""
    for column in plan.columns:
        latest, limit = column.latest_item_date(), column_limit(column, today)
        if latest is None or limit is None:
            continue
        strict_limit = today - timedelta(days=183) if column.kind != "news" else today - timedelta(days=15)
        for bound in (limit, strict_limit):
            if abs((latest - bound).days) < STALE_MARGIN_DAYS:
                raise AssertionError(
                    f"{plan.spec.name}/{column.name}: newest item {latest} too close to {bound}"
                )


def site_truth(plan: SitePlan, base_url: str, today: date) -> dict[str, Any]:
    """Documents, columns and findings of one site with absolute URLs."""
    check_margins(plan, today)
    name = plan.spec.name
    documents, columns, findings = [], [], []
    # The meta-tags-only look has no metadata block: 主题分类 and 有效性 appear nowhere on its pages.
    shows_block = plan.spec.cms != "meta_only"
    for doc in plan.documents:
        url = base_url + doc.path
        documents.append(
            {
                "site": name,
                "url": url,
                "title": doc.title,
                "index_no": doc.index_no,
                "doc_no": doc.doc_no,
                "publisher": doc.publisher,
                "written_date": _iso(doc.written),
                "published_date": _iso(doc.published),
                "disclosure": doc.disclosure,
                "topic": doc.topic if shows_block else None,
                "validity": doc.validity if shows_block else None,
                "column": doc.column,
                "is_interpretation": doc.is_interpretation,
                "interprets_url": base_url + doc.interprets.path if doc.interprets else None,
                "own_agency": doc.own,
                "needs_interpretation": doc.needs_interpretation,
                # additive keys (not in the contract's minimum): how the page was planted
                "registration_no": doc.registration_no,
                "interpretation_link": doc.link_mode,
                "attachments": [base_url + a.path for a in doc.attachments],
                "role": doc.role,
            }
        )
        for rule, why in document_findings(doc, today):
            findings.append({"rule": rule, "site": name, "subject": url, "why": why})
    by_index: dict[str, list[DemoDocument]] = defaultdict(list)
    for doc in plan.documents:
        if doc.index_no:
            by_index[doc.index_no].append(doc)
    for index_no, docs in sorted(by_index.items()):
        if len(docs) > 1:
            for doc in docs:
                findings.append(
                    {
                        "rule": "index_no_duplicate",
                        "site": name,
                        "subject": base_url + doc.path,
                        "why": f"索引号 {index_no} is on {len(docs)} documents",
                    }
                )
    for column in plan.columns:
        url = base_url + column.path
        latest = column.latest_item_date()
        columns.append(
            {
                "site": name,
                "url": url,
                "name": column.name,
                "kind": column.kind,
                "item_count": len(column.documents),
                "latest_item_date": _iso(latest),
            }
        )
        limit = column_limit(column, today)
        if not column.documents:
            findings.append(
                {"rule": "empty_column", "site": name, "subject": url, "why": "暂无信息: no items"}
            )
        elif latest is not None and limit is not None and latest < limit:
            findings.append(
                {
                    "rule": "stale_column",
                    "site": name,
                    "subject": url,
                    "why": f"{column.kind} column: newest item {latest}, {(today - latest).days} days old",
                }
            )
    findings += catalog_findings(plan, name)
    findings += annual.truth_findings(plan, base_url)
    findings.sort(key=lambda f: (f["rule"], f["subject"]))
    return {"documents": documents, "columns": columns, "findings": findings}


def catalog_findings(plan: SitePlan, site: str) -> list[dict[str, Any]]:
    """``catalog_gap``: each item of the site's catalog that no document title matches.

    The demo catalog holds standing items only ("at least one document, ever"), so the answer does
    not depend on the reference date; any other kind of item is refused rather than guessed.
    """
    if plan.spec.catalog is None:
        return []
    catalog = load_catalog(corpus_path("catalogs", plan.spec.catalog))
    titles = [doc.title for doc in plan.documents]
    out = []
    for item in catalog.items:
        expect, _, _ = item.expectation()
        if expect != "standing":
            raise AssertionError(
                f"{plan.spec.catalog}: demo catalog item {item.id} is {expect}, not standing"
            )
        if not any(item.match.matches(title) for title in titles):
            out.append(
                {
                    "rule": "catalog_gap",
                    "site": site,
                    "subject": f"catalog:{item.id}",
                    "why": f"标准目录 {item.level1} / {item.level2}: no document title matches",
                }
            )
    return out


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
