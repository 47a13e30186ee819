"""The label sets, exactly as issue #5 and the annotation guide spell them (outside checks compare them)."""

from __future__ import annotations

from gongkai.models.labels import DOC_TYPES, DOMAIN_LABELS, DOMAINS, OTHER_DOMAIN, TOPICS

__all__ = ["DOC_TYPES", "DOMAINS", "DOMAIN_LABELS", "OTHER_DOMAIN", "TASKS", "TOPICS"]

#: The four tasks, in the order cards, scores and evaluation list them.
TASKS: tuple[str, ...] = ("topic", "domain", "doc_type", "needs_interpretation")
