"""When a classifier call is confident enough for a rule to accuse on it (issue #12).

The classifiers output calibrated probabilities and nothing more; the rules decide. Each task's
threshold is chosen by ``gongkai train`` on development data
(classifiers.evaluation.choose_threshold: the threshold whose confident calls clear the
precision the rules need and the recall/coverage target by the widest margin): for domain,
doc_type and needs 解读 the dev titles of the governments that also train, for topic out-of-fold
calls on its training rows. It is checked on data nothing was fitted or chosen on (governments
the models never trained on; topic: the gov.cn hold-out). A domain call is judged on
P(the call is right) (classifiers.call_confidence), the others on the calibrated probability of
their label. The values are copied here, with the rules, by hand:
tests/test_classify_confidence.py fails when a retrained card chose others.

A call resting on a fact is confident whatever its probability: a 规/令 series 文号 (BRIEF §2.4)
for needs_interpretation, a 主题分类 or a 解读 box the page prints for topic/doc_type
(``Classification.scores["facts"]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gongkai.models.records import Classification

#: task → (threshold on the calibrated probability of the call, the precision it was chosen for).
CONFIDENCE: dict[str, tuple[float, float]] = {
    "needs_interpretation": (0.96, 0.97),
    "domain": (0.86, 0.95),
    "topic": (0.55, 0.85),
    "doc_type": (0.3, 0.95),
}
TASKS: tuple[str, ...] = tuple(CONFIDENCE)
#: The rules that accuse a government on the strength of a classifier call (issue #12): every
#: report states, for each, how many of its findings were held back as uncertain.
CLASSIFIER_RULES: tuple[str, ...] = ("missing_interpretation", "late_interpretation", "catalog_gap")


def threshold(task: str) -> float:
    return CONFIDENCE[task][0]


def call_probability(classification: Classification, task: str) -> float | None:
    """The calibrated probability of the label ``classification`` gives for ``task``."""
    scores: Mapping[str, Any] = classification.scores or {}
    if task == "needs_interpretation":
        p = scores.get("needs_interpretation")
        if p is None:
            return None
        return float(p) if classification.needs_interpretation else 1.0 - float(p)
    if task == "domain":
        return domain_probability(scores, classification.domain)
    label = {
        "topic": classification.topic,
        "doc_type": classification.doc_type,
    }[task]
    top = scores.get(task) or {}
    value = top.get(label) if isinstance(top, Mapping) else None
    return float(value) if value is not None else None


def domain_probability(scores: Mapping[str, Any] | None, domain: str | None) -> float | None:
    """The probability a domain call is judged on: P(the call is right) from the call-confidence
    model (``scores["domain_call"]``, classifiers.call_confidence) when the classifier gives it,
    else the calibrated score of the label (classifications made before it existed)."""
    scores = scores or {}
    if scores.get("domain_call") is not None:
        return float(scores["domain_call"])
    top = scores.get("domain") or {}
    value = top.get(domain) if isinstance(top, Mapping) and domain is not None else None
    return float(value) if value is not None else None


def fact(classification: Classification, task: str) -> str | None:
    """What the page or the 文号 says that settles ``task`` (None when only the model speaks)."""
    facts = (classification.scores or {}).get("facts") or {}
    value = facts.get(task) if isinstance(facts, Mapping) else None
    return str(value) if value else None


def confident(
    classification: Classification, thresholds: Mapping[str, float] | None = None
) -> dict[str, bool]:
    """Per task: a fact settles it, or its calibrated probability clears the task's threshold."""
    out = {}
    for task in TASKS:
        limit = (thresholds or {}).get(task, threshold(task))
        p = call_probability(classification, task)
        out[task] = fact(classification, task) is not None or (p is not None and p >= limit)
    return out


def needs_interpretation_call(
    needs: bool, probability: float | None, fact_text: str | None, limit: float
) -> tuple[bool, str | None]:
    """(confident, review reason) for a document a rule treats as needing a 解读."""
    if fact_text:
        return True, None
    if probability is not None and probability >= limit:
        return True, None
    shown = "unknown" if probability is None else f"{probability:.2f}"
    return False, (
        f"needs_interpretation is the classifier's guess: P(needs 解读) = {shown} < threshold {limit:.2f}"
    )
