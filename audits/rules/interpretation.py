"""``missing_interpretation`` / ``late_interpretation``: policies that need a 解读 and lack a timely one.

国办发〔2016〕80号 asks that the 解读 be released 同步 with the policy; many local rules tolerate up
to 3 working days (e.g. 郑州 2016) — no national 3-day rule was found (BRIEF §2.3), so the grace
is a parameter: 0 = 同步, default 3. Which documents need a 解读 comes from the stored
classification (``needs_interpretation``); the links come from :mod:`audits.linking`.
Under 谁起草、谁解读 only the site's own documents are the site's duty (parameter ``own_only``).

A finding is *confirmed* only when "needs a 解读" is settled: by a fact (a 规/令 series 文号) or by a
confident call, the calibrated P(needs 解读) at or above ``min_needs_probability`` (chosen for
precision ≥ 0.97, :mod:`audits.rules.confidence`). Otherwise it is listed *to review*, with the
probability and the threshold, and never scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gongkai.audits.batch import RuleChecks, SiteData, iso
from gongkai.audits.rules.base import AuditContext, Rule, document_finding
from gongkai.audits.rules.confidence import needs_interpretation_call, threshold
from gongkai.audits.rules.lateness import own_rows
from gongkai.models.records import Finding

BASIS = (
    "国办发〔2016〕80号《〈关于全面推进政务公开工作的意见〉实施细则》（政策文件与解读方案、解读材料同步组织、同步审签、"
    "同步部署）[S]; 解读时限宽限为地方规定（如郑州2016年规定最迟3个工作日）[S, local]"
)


def _scope(data: SiteData, params: Mapping[str, Any]) -> np.ndarray:
    docs = data.docs
    scope = docs.needs_interpretation & ~docs.is_interpretation
    if params["own_only"]:
        scope &= own_rows(data)[0]
    return scope


def _review_reason(
    data: SiteData, row: int, probability: np.ndarray, params: Mapping[str, Any]
) -> str | None:
    p = float(probability[row])
    _, reason = needs_interpretation_call(
        True,
        None if np.isnan(p) else p,
        data.docs.fact(row, "needs_interpretation"),
        float(params["min_needs_probability"]),
    )
    return reason


def check_missing_interpretation(
    data: SiteData, ctx: AuditContext, params: Mapping[str, Any]
) -> list[Finding]:
    docs, cal = data.docs, ctx.calendar
    assert data.interpretations is not None
    if not len(docs):
        return []
    grace = int(params["grace_working_days"])
    start = np.where(docs.published > 0, docs.published, docs.written)
    today = np.full(len(docs), ctx.today_ordinal, dtype=np.int64)
    elapsed, provisional = cal.working_days_between(start, today)
    undated = start == 0
    due = undated | (elapsed > grace)
    scope = _scope(data, params)
    missing = scope & (data.interpretations.count == 0) & due
    lag = np.where(undated, -1, elapsed)
    data.checks[MISSING_INTERPRETATION.id] = RuleChecks.of(
        MISSING_INTERPRETATION.id, scope, missing, lag, provisional & ~undated, params
    )
    findings = []
    rule = MISSING_INTERPRETATION
    probability = docs.needs_probability()
    for row in np.flatnonzero(missing):
        published = iso(docs.published[row])
        values = {
            "published_date": published,
            "working_days_since_published": None if undated[row] else int(elapsed[row]),
            "grace_working_days": grace,
            "doc_type": docs.doc_type[row],
            "doc_no": docs.doc_no[row],
            "today": ctx.today.isoformat(),
            "needs_interpretation_probability": _rounded(probability[row]),
            "needs_interpretation_fact": docs.fact(int(row), "needs_interpretation"),
        }
        since = (
            "with no 发布日期" if undated[row] else f"{int(elapsed[row])} working days after its publication"
        )
        detail = f"needs a 政策解读 but none is linked, {since} (grace {grace} working days)"
        findings.append(
            document_finding(
                rule,
                data,
                int(row),
                detail,
                values,
                provisional=bool(provisional[row] and not undated[row]),
                review_reason=_review_reason(data, int(row), probability, params),
            )
        )
    return findings


def check_late_interpretation(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    docs, cal = data.docs, ctx.calendar
    links = data.interpretations
    assert links is not None
    if not len(docs):
        return []
    grace = int(params["grace_working_days"])
    dated = (docs.published > 0) & (links.earliest_published > 0)
    lag, provisional = cal.working_days_between(docs.published, links.earliest_published)
    linked = _scope(data, params) & (links.count > 0) & dated
    late = linked & (lag > grace)
    data.checks[LATE_INTERPRETATION.id] = RuleChecks.of(
        LATE_INTERPRETATION.id, linked, late, lag, provisional, params
    )
    findings = []
    rule = LATE_INTERPRETATION
    probability = docs.needs_probability()
    for row in np.flatnonzero(late):
        values = {
            "published_date": iso(docs.published[row]),
            "interpretation_published_date": iso(links.earliest_published[row]),
            "working_days": int(lag[row]),
            "grace_working_days": grace,
            "interpretation_urls": links.urls.get(int(row), []),
            "needs_interpretation_probability": _rounded(probability[row]),
            "needs_interpretation_fact": docs.fact(int(row), "needs_interpretation"),
        }
        detail = (
            f"the earliest linked 解读 was published {iso(links.earliest_published[row])}, "
            f"{int(lag[row])} working days after the policy ({iso(docs.published[row])}); "
            f"grace {grace} working days"
        )
        findings.append(
            document_finding(
                rule,
                data,
                int(row),
                detail,
                values,
                provisional=bool(provisional[row]),
                review_reason=_review_reason(data, int(row), probability, params),
            )
        )
    return findings


def _rounded(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


#: ``min_needs_probability``: below it "needs a 解读" is a guess and the finding is only to review.
_PARAMS = {
    "grace_working_days": 3,
    "own_only": True,
    "min_needs_probability": threshold("needs_interpretation"),
}

MISSING_INTERPRETATION = Rule(
    id="missing_interpretation",
    version="2",
    title_zh="政策文件缺少政策解读",
    title_en="Policy document without a linked interpretation",
    legal_basis=BASIS,
    parameters=_PARAMS,
    severity="medium",
    scope="document",
    check=check_missing_interpretation,
    label="缺少政策解读",
    indicator="interpretation_coverage",
    weight=20,
)

LATE_INTERPRETATION = Rule(
    id="late_interpretation",
    version="2",
    title_zh="政策解读未与政策文件同步发布",
    title_en="Interpretation published later than the policy allows",
    legal_basis=BASIS,
    parameters=_PARAMS,
    severity="low",
    scope="document",
    check=check_late_interpretation,
    label="解读滞后",
    indicator="interpretation_timeliness",
    weight=5,
)
