"""Score what the pipeline stored against the demo sites' planted ground truth."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from gongkai.models.store import Store


@dataclass
class RuleScore:
    rule: str
    true_positives: int = 0
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)
    #: Open findings held back as uncertain (``to_review``): not accusations, so not "found".
    to_review: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + len(self.false_positives)
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + len(self.false_negatives)
        return self.true_positives / wanted if wanted else 1.0


@dataclass
class TruthScore:
    rules: dict[str, RuleScore]
    missing_documents: list[str]
    extra_documents: list[str]

    @property
    def exact(self) -> bool:
        return (
            not self.missing_documents
            and not self.extra_documents
            and all(not s.false_positives and not s.false_negatives for s in self.rules.values())
        )


def score(store: Store, truth: dict[str, Any]) -> TruthScore:
    """Open confirmed findings of the truth's rules vs the planted ones (to-review ones are counted
    apart: they accuse no one); stored documents vs the truth's."""
    rules = list(truth["rules"])
    wanted: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for item in truth["findings"]:
        wanted[item["rule"]].add((item["site"], item["subject"]))
    site_names = {site["name"] for site in truth["sites"]}
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    held: dict[str, int] = defaultdict(int)
    for finding in store.list_findings(status="open"):
        if finding.site in site_names and finding.rule_id in rules:
            if finding.certainty == "to_review":
                held[finding.rule_id] += 1
            else:
                found[finding.rule_id].add((str(finding.site), finding.subject))
    scores = {}
    for rule in rules:
        hits = wanted[rule] & found[rule]
        scores[rule] = RuleScore(
            rule,
            len(hits),
            sorted(f"{s} {u}" for s, u in found[rule] - wanted[rule]),
            sorted(f"{s} {u}" for s, u in wanted[rule] - found[rule]),
            held[rule],
        )
    stored = {(d["site"], d["url"]) for site in site_names for d in store.list_documents(site)}
    expected = {(d["site"], d["url"]) for d in truth["documents"]}
    return TruthScore(
        scores,
        sorted(f"{s} {u}" for s, u in expected - stored),
        sorted(f"{s} {u}" for s, u in stored - expected),
    )
