"""What a rule is: declared data (id, version, titles, legal basis, parameters) plus a pure check.

``check(data, ctx, params) -> list[Finding]`` reads one site's documents as columns
(:class:`audits.batch.SiteData`) and never touches the clock or the database: "today" and the
working-day calendar come in through :class:`AuditContext`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from gongkai.audits.batch import SiteData
from gongkai.audits.calendar import WorkCalendar, default_calendar
from gongkai.models.records import Evidence, Finding, Severity

CheckFn = Callable[[SiteData, "AuditContext", Mapping[str, Any]], list[Finding]]


@dataclass(frozen=True)
class AuditContext:
    """The outside world as the rules see it."""

    today: date
    calendar: WorkCalendar = field(default_factory=default_calendar)
    #: rule id → parameter overrides (e.g. ``{"missing_interpretation": {"grace_working_days": 0}}``).
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def today_ordinal(self) -> int:
        return self.today.toordinal()


@dataclass(frozen=True)
class Rule:
    id: str
    version: str
    title_zh: str
    title_en: str
    #: The article(s) the rule rests on, with the BRIEF's verification status where not [V].
    legal_basis: str
    #: Defaults; each is documented in ``docs/audit.md`` and may be overridden per run.
    parameters: Mapping[str, Any]
    severity: Severity
    scope: str  # document | column | catalog
    check: CheckFn
    #: The short Chinese name every output shows (逾期发布); reports, workbook, explorer read it here.
    label: str
    #: The report indicator the rule's findings feed (``reports.indicators``).
    indicator: str
    #: The rule's default share of the assessment score (its indicator's default weight is the sum
    #: over the rules that feed it); a weights file (``gongkai report --weights``) overrides it.
    weight: float

    def params(self, ctx: AuditContext) -> dict[str, Any]:
        merged = dict(self.parameters)
        merged.update(ctx.overrides.get(self.id, {}))
        return merged

    def run(self, data: SiteData, ctx: AuditContext) -> list[Finding]:
        return self.check(data, ctx, self.params(ctx))

    @property
    def title(self) -> str:
        return f"{self.title_zh} ({self.title_en})"


#: How a review reason names a guessing stage.
_GUESS_SOURCES = {"meta": "<meta>", "url": "the URL"}


def guess_reason(data: SiteData, row: int, names: Iterable[str]) -> str | None:
    """Why a finding on ``names`` of document ``row`` is only to review: "published_date read only
    from <meta>" for each value the extractor guessed rather than read where a reader sees it."""
    guessed = data.docs.guessed[row] if data.docs.guessed else {}
    reasons = [
        f"{name} read only from {_GUESS_SOURCES.get(guessed[name], guessed[name])}"
        for name in dict.fromkeys(names)
        if name in guessed
    ]
    return "; ".join(reasons) or None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def document_finding(
    rule: Rule,
    data: SiteData,
    row: int,
    detail: str,
    values: dict[str, Any],
    *,
    severity: Severity | None = None,
    provisional: bool = False,
    legal_basis: str | None = None,
    review_reason: str | None = None,
) -> Finding:
    """A finding about document ``row`` with the evidence of its stored page.

    With a ``review_reason`` the finding rests on a guess and is only ``to_review``.

    Built without re-validation (``model_construct``): the inputs are already typed, and an audit
    may build hundreds of thousands of findings.
    """
    docs = data.docs
    url = docs.urls[row]
    evidence = _construct(
        Evidence,
        {
            "url": url,
            "fetched_at": _when(docs.fetched_at[row]),
            "sha256": docs.page_sha256[row],
            "warc_record_id": docs.warc_record_id[row],
            "values": values,
        },
    )
    return _construct(
        Finding,
        {
            "rule_id": rule.id,
            "rule_version": rule.version,
            "severity": severity or rule.severity,
            "site": data.site,
            "document_url": url,
            "subject": url,
            "detail": detail,
            "legal_basis": legal_basis or rule.legal_basis,
            "evidence": evidence,
            "provisional": provisional,
            "certainty": "to_review" if review_reason else "confirmed",
            "review_reason": review_reason,
            "first_seen": None,
            "last_seen": None,
            "status": "open",
            "closed_on": None,
        },
    )


_FIELDS = {cls: frozenset(cls.model_fields) for cls in (Evidence, Finding)}


def _construct(cls: type[Any], fields: dict[str, Any]) -> Any:
    """``cls.model_construct(**fields)`` for a complete set of fields, a third of its cost.

    ``model_construct`` walks every field to fill defaults; an audit builds two models for each of
    hundreds of thousands of findings with every field given. A test checks the result equals a
    validated model, so a pydantic release that changes these internals fails loudly.
    """
    assert fields.keys() == _FIELDS[cls], sorted(fields.keys() ^ _FIELDS[cls])
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", set(fields))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def subject_finding(
    rule: Rule,
    data: SiteData,
    subject: str,
    detail: str,
    values: dict[str, Any],
    *,
    url: str | None = None,
    severity: Severity | None = None,
    fetched_at: datetime | None = None,
    review_reason: str | None = None,
) -> Finding:
    """A finding about a column or a catalog item (no single document); ``to_review`` with a
    ``review_reason``."""
    return Finding(
        rule_id=rule.id,
        rule_version=rule.version,
        severity=severity or rule.severity,
        site=data.site,
        document_url=None,
        subject=subject,
        detail=detail,
        legal_basis=rule.legal_basis,
        evidence=Evidence(url=url, fetched_at=fetched_at, values=values),
        certainty="to_review" if review_reason else "confirmed",
        review_reason=review_reason,
    )
