"""The audit rules, each declared data plus a pure check (see :mod:`audits.rules.base`)."""

from gongkai.audits.rules.base import AuditContext, Rule
from gongkai.audits.rules.catalog_gap import CATALOG_GAP
from gongkai.audits.rules.columns import EMPTY_COLUMN, STALE_COLUMN
from gongkai.audits.rules.interpretation import LATE_INTERPRETATION, MISSING_INTERPRETATION
from gongkai.audits.rules.lateness import LATE_PUBLICATION
from gongkai.audits.rules.metadata import (
    DATE_INCONSISTENCY,
    DISCLOSURE_ATTRIBUTE,
    DOC_NO_FORMAT,
    INDEX_NO_DUPLICATE,
    METADATA_MISSING,
)

#: Every rule, in the order reports list them. Ids are fixed by docs/contracts.md.
RULES: tuple[Rule, ...] = (
    LATE_PUBLICATION,
    MISSING_INTERPRETATION,
    LATE_INTERPRETATION,
    METADATA_MISSING,
    DOC_NO_FORMAT,
    DATE_INCONSISTENCY,
    INDEX_NO_DUPLICATE,
    DISCLOSURE_ATTRIBUTE,
    EMPTY_COLUMN,
    STALE_COLUMN,
    CATALOG_GAP,
)

RULES_BY_ID = {rule.id: rule for rule in RULES}
#: rule id → the short Chinese name every output shows.
RULE_LABELS: dict[str, str] = {rule.id: rule.label for rule in RULES}


def rule_label(rule_id: str) -> str:
    """``逾期发布 (late_publication)``; an id no rule has is shown as it is."""
    name = RULE_LABELS.get(rule_id)
    return f"{name} ({rule_id})" if name else rule_id


def rules_feeding(indicator: str) -> tuple[str, ...]:
    """The ids of the rules whose findings feed ``indicator``, in report order."""
    return tuple(rule.id for rule in RULES if rule.indicator == indicator)


def default_weights() -> dict[str, float]:
    """indicator → its default weight: the sum of the weights of the rules that feed it."""
    weights: dict[str, float] = {}
    for rule in RULES:
        weights[rule.indicator] = weights.get(rule.indicator, 0.0) + rule.weight
    return weights


__all__ = [
    "RULES",
    "RULES_BY_ID",
    "RULE_LABELS",
    "AuditContext",
    "Rule",
    "default_weights",
    "rule_label",
    "rules_feeding",
]
