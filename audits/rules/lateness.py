"""``late_publication``: own-agency 主动公开 documents published later than the law allows.

条例 Art. 26: within 20 working days of formation (成文日期), start day not counted (民法典
Arts. 201/203 by analogy). Where a law sets another period the catalog's deadline overrides apply
(预算法 Art. 14: 20 calendar days after approval; 行政执法公示: 7 working days for 许可/处罚 decisions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gongkai.audits.batch import RuleChecks, SiteData, iso
from gongkai.audits.ownership import Ownership
from gongkai.audits.rules.base import AuditContext, Rule, document_finding, guess_reason
from gongkai.models.records import Finding

OUT_OF_SCOPE_DISCLOSURE = ("依申请公开", "不予公开")


def own_rows(data: SiteData) -> tuple[np.ndarray, list[str | None]]:
    """A mask of the site's own documents and, per row, why (publisher / doc_no / no agency).

    Three rules ask; it is worked out once per site (``SiteData.derived``).
    """
    cached = data.derived.get("own_rows")
    if cached is None:
        cached = data.derived["own_rows"] = _own_rows(data)
    return cached  # type: ignore[no-any-return]


def _own_rows(data: SiteData) -> tuple[np.ndarray, list[str | None]]:
    owner = Ownership(data.agency, data.aliases)
    docs = data.docs
    if not owner.configured:
        return np.ones(len(docs), dtype=bool), ["no agency configured"] * len(docs)
    # A site has a few dozen distinct 发布机构: decide each once.
    by_publisher = {p: owner.publisher_is_own(p) for p in set(docs.publisher)}
    reasons = [
        "publisher" if by_publisher[p] else ("doc_no" if owner.code_is_own(d) else None)
        for p, d in zip(docs.publisher, docs.doc_no, strict=True)
    ]
    return np.asarray([r is not None for r in reasons], dtype=bool), reasons


def check_late_publication(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    docs, cal = data.docs, ctx.calendar
    if not len(docs):
        return []
    own, reasons = own_rows(data)
    in_scope = np.asarray(
        [
            d not in OUT_OF_SCOPE_DISCLOSURE and (d is not None or params["include_missing_disclosure"])
            for d in docs.disclosure
        ],
        dtype=bool,
    )
    dated = (
        (docs.written > 0) & (docs.published > 0) & cal.in_range(docs.written) & cal.in_range(docs.published)
    )
    candidates = own & in_scope & dated
    wd, provisional = cal.working_days_between(docs.written, docs.published)
    limit_wd = int(params["limit_working_days"])

    # Which override (if any) governs each candidate row; -1 = Art. 26.
    overrides = (
        list(data.catalog.overrides) if (data.catalog is not None and params["use_catalog_overrides"]) else []
    )
    which = np.full(len(docs), -1, dtype=np.int64)
    if overrides:
        for row in np.flatnonzero(candidates):
            title, domain = docs.titles[row], docs.domain[row]
            for k, override in enumerate(overrides):
                if override.applies(title, domain):
                    which[row] = k
                    break
    # Per row: the limit in days, whether it counts working days, and the last day allowed.
    # Working-day limits follow the contract ``working_days_after(成文, 发布).days > limit``;
    # calendar-day limits end on a working day (民法典 Art. 203).
    limit = np.full(len(docs), limit_wd, dtype=np.int64)
    working = np.ones(len(docs), dtype=bool)
    for k, override in enumerate(overrides):
        rows = which == k
        if rows.any():
            days, unit = _override_limit(override)
            limit[rows] = days
            working[rows] = unit == "working"
    deadline = cal.deadlines_working(docs.written, limit)
    calendar_rows = ~working
    if calendar_rows.any():
        deadline[calendar_rows] = cal.deadlines_calendar(docs.written[calendar_rows], limit[calendar_rows])
    late = candidates & np.where(working, wd > limit, docs.published > deadline)
    data.checks[LATE_PUBLICATION.id] = RuleChecks.of(
        LATE_PUBLICATION.id, candidates, late, wd, provisional, params
    )

    findings = []
    rule = LATE_PUBLICATION
    for row in np.flatnonzero(late):
        k = int(which[row])
        if k >= 0:
            days, unit = _override_limit(overrides[k])
            basis = f"{overrides[k].basis}; {rule.legal_basis}"
            rule_name = overrides[k].id
        else:
            days, unit, basis, rule_name = limit_wd, "working", rule.legal_basis, "art26"
        written, published = iso(docs.written[row]), iso(docs.published[row])
        working_days = int(wd[row])
        calendar_days = int(docs.published[row] - docs.written[row])
        limit_text = f"{days} {'working' if unit == 'working' else 'calendar'} days"
        values = {
            "written_date": written,
            "published_date": published,
            "working_days": working_days,
            "calendar_days": calendar_days,
            "limit": days,
            "unit": f"{unit}_days",
            "deadline": iso(deadline[row]),
            "period_rule": rule_name,
            "own_agency": reasons[row],
            "provisional": bool(provisional[row]),
        }
        detail = (
            f"published {published}, {working_days} working days ({calendar_days} calendar days) after "
            f"成文日期 {written}; the limit is {limit_text} (deadline {iso(deadline[row])})"
        )
        if provisional[row]:
            detail += "; provisional: the holiday calendar of a year in this span is not yet announced"
        findings.append(
            document_finding(
                rule,
                data,
                int(row),
                detail,
                values,
                provisional=bool(provisional[row]),
                legal_basis=basis,
                review_reason=guess_reason(data, int(row), ("written_date", "published_date")),
            )
        )
    return findings


def _override_limit(override: Any) -> tuple[int, str]:
    limit = override.time_limit
    if limit.kind == "compound":  # the part with the shortest period is the one the override is about
        parts = [p for p in limit.parts if p.kind == "relative" and p.days]
        limit = min(parts, key=lambda p: p.days)
    return int(limit.days), str(limit.unit or "working")


LATE_PUBLICATION = Rule(
    id="late_publication",
    version="1",
    title_zh="主动公开信息未在法定期限内公开",
    title_en="Published later than the statutory period",
    legal_basis=(
        "《中华人民共和国政府信息公开条例》第二十六条（自该政府信息形成或者变更之日起20个工作日内）; "
        "期间计算参照《中华人民共和国民法典》第二百零一条、第二百零三条（开始当日不计入）"
        "[U as to administrative practice]"
    ),
    parameters={
        "limit_working_days": 20,
        # 公开属性 absent: the document is still published proactively, so it is in scope.
        "include_missing_disclosure": True,
        "use_catalog_overrides": True,
    },
    severity="medium",
    scope="document",
    check=check_late_publication,
    label="逾期发布",
    indicator="timely_publication",
    weight=25,
)
