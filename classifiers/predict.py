"""Apply the trained models to a batch: features once, every task's head, abstain thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from gongkai.classifiers import call_confidence
from gongkai.classifiers.features import Row
from gongkai.classifiers.labels import OTHER_DOMAIN
from gongkai.classifiers.weak import doc_no_needs_interpretation, doc_type_rule, domain_vote
from gongkai.models.records import Classification

#: Defaults when a card has none: below these probabilities a task is flagged low-confidence
#: (and the domain falls back to 其他).
DEFAULT_THRESHOLDS: dict[str, float] = {
    "topic": 0.35,
    "topic_level2": 0.5,
    "domain": 0.4,
    "domain_alt": 0.25,
    "doc_type": 0.5,
    "needs_interpretation": 0.65,
    # The seed-vocabulary vote (classifiers.weak.domain_vote) added to the model's domain
    # probabilities: the rules are precise on the words they know, the model covers the rest.
    "domain_rule_weight": 0.5,
    # The same for doc_type: the title-grammar rule (classifiers.weak.doc_type_rule) is precise
    # where it names a specific kind (公告/通告, 批复…); the model generalises where it does not.
    "doc_type_rule_weight": 0.0,
}


def _proba(pipelines: dict[str, Any], name: str, cache: dict[int, Any], rows: Sequence[Row]) -> Any:
    """Probabilities of one head, computing the shared features only once per batch."""
    pipeline = pipelines[name]
    step = pipeline.named_steps["features"]
    key = id(step)
    if key not in cache:
        cache[key] = step.transform(list(rows))
    return pipeline.named_steps["model"].predict_proba(cache[key]), list(
        pipeline.named_steps["model"].classes_
    )


def _top(probabilities: np.ndarray, classes: list[str], n: int = 3) -> dict[str, float]:
    order = np.argsort(-probabilities)[:n]
    return {classes[i]: round(float(probabilities[i]), 4) for i in order}


def predict_rows(
    pipelines: dict[str, Any],
    rows: Sequence[Row],
    thresholds: dict[str, float] | None = None,
    model_version: str | None = None,
) -> list[Classification]:
    return predict_with_evidence(pipelines, rows, thresholds, model_version)[0]


def predict_with_evidence(
    pipelines: dict[str, Any],
    rows: Sequence[Row],
    thresholds: dict[str, float] | None = None,
    model_version: str | None = None,
) -> tuple[list[Classification], list[list[float]]]:
    """The classifications, and per row the evidence of its domain call
    (:func:`classifiers.call_confidence.call_features`: what the call-confidence model is fitted on)."""
    if not rows:
        return [], []
    limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    cache: dict[int, Any] = {}
    topic_p, topic_c = _proba(pipelines, "topic", cache, rows)
    level2_p, level2_c = _proba(pipelines, "topic_level2", cache, rows)
    domain_p, domain_c = _proba(pipelines, "domain", cache, rows)
    type_p, type_c = _proba(pipelines, "doc_type", cache, rows)
    needs_p, needs_c = _proba(pipelines, "needs_interpretation", cache, rows)
    needs_true = needs_c.index("True")

    out = []
    evidence: list[list[float]] = []
    for i, row in enumerate(rows):
        low: list[str] = []
        t = int(np.argmax(topic_p[i]))
        topic, topic_prob = topic_c[t], float(topic_p[i][t])
        if topic_prob < limits["topic"]:
            low.append("topic")
        l2 = int(np.argmax(level2_p[i]))
        level2 = None
        if level2_c[l2].startswith(topic + "\\") and level2_p[i][l2] >= limits["topic_level2"]:
            level2 = level2_c[l2].split("\\", 1)[1]

        blended = domain_p[i].copy()
        ballot = domain_vote(row[0])
        vote = ballot.domain
        if vote in domain_c and limits["domain_rule_weight"] > 0:
            blended[domain_c.index(vote)] += limits["domain_rule_weight"]
            blended /= blended.sum()
        order = np.argsort(-blended)
        domain, domain_prob = domain_c[order[0]], float(blended[order[0]])
        if domain != OTHER_DOMAIN and domain_prob < limits["domain"] and vote != domain:
            low.append("domain")
            domain = OTHER_DOMAIN
        alt = None
        for j in order[:3]:
            label = domain_c[j]
            if label not in (domain, OTHER_DOMAIN) and blended[j] >= limits["domain_alt"]:
                alt = label
                break

        j = domain_c.index(domain)
        raw = np.sort(domain_p[i])[::-1]
        evidence.append(
            call_confidence.call_features(
                float(blended[j]),
                float(domain_p[i][j]),
                float(raw[0] - raw[1]) if len(raw) > 1 else 1.0,
                vote == domain,
                domain == OTHER_DOMAIN,
                vote == OTHER_DOMAIN,
                max(ballot.scores.values(), default=0),
            )
        )
        domain_call = (
            call_confidence.probability(limits, evidence[-1]) if call_confidence.is_fitted(limits) else None
        )

        type_blend = type_p[i].copy()
        if limits["doc_type_rule_weight"] > 0:
            rule_type = doc_type_rule(row[0])
            if rule_type in type_c:
                type_blend[type_c.index(rule_type)] += limits["doc_type_rule_weight"]
                type_blend /= type_blend.sum()
        d = int(np.argmax(type_blend))
        doc_type, type_prob = type_c[d], float(type_blend[d])
        if type_prob < limits["doc_type"]:
            low.append("doc_type")

        p_needs = float(needs_p[i][needs_true])
        # BRIEF §2.4: a 规 series 文号 or a 令 is a rule-setting document: always interpreted.
        hard_needs = doc_no_needs_interpretation(row[2])
        # A 解读 is never itself to be interpreted, even when it quotes a 规 series 文号.
        needs = (hard_needs or p_needs >= 0.5) and doc_type != "interpretation"
        if not hard_needs and max(p_needs, 1 - p_needs) < limits["needs_interpretation"]:
            low.append("needs_interpretation")

        facts: dict[str, str] = {}
        if hard_needs and doc_type != "interpretation":
            facts["needs_interpretation"] = f"规/令 series 文号 {row[2]}"
        out.append(
            Classification(
                topic=topic,
                topic_level2=level2,
                domain=domain,
                domain_alt=alt,
                doc_type=doc_type,  # type: ignore[arg-type]
                needs_interpretation=needs,
                scores={
                    "topic": _top(topic_p[i], topic_c),
                    "domain": _top(blended, domain_c),
                    # P(the domain call is right): what a confident domain call is judged on.
                    **({"domain_call": round(domain_call, 4)} if domain_call is not None else {}),
                    "doc_type": _top(type_blend, type_c),
                    "needs_interpretation": round(p_needs, 4),
                    **({"facts": facts} if facts else {}),
                },
                low_confidence=low,
                model_version=model_version,
            )
        )
    return out, evidence
