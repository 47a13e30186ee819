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

__all__ = ["RULES", "RULES_BY_ID", "AuditContext", "Rule"]
