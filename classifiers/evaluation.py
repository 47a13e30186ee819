"""Accuracy on data the models never trained on: the gov.cn topic hold-out and the hand-labelled dev set.

Definitions (also in docs/classification.md):
- topic: accuracy, and macro-F1 over the classes with at least ten hold-out examples
  (``macro_f1_10``); inputs are title + issuing body only (the 文号 is withheld).
- domain: macro-F1 over every class that is in the gold labels or the predictions (sklearn's
  default, 其他 included) and accuracy, on all 463 dev titles; also on each fixed half
  (``tune``: its errors were read while writing the rules and choosing the abstain threshold;
  ``holdout``: never looked at).
- doc_type, needs_interpretation: accuracy (and macro-F1) on the same dev titles.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.classifiers.data import (
    DataFiles,
    DevTitle,
    LabelledTitle,
    dev_half,
    is_topic_eval,
    read_dev,
    read_govcn,
)
from gongkai.classifiers.features import as_row
from gongkai.classifiers.predict import DEFAULT_THRESHOLDS, predict_rows
from gongkai.models.records import Classification
from sklearn.metrics import accuracy_score, f1_score

#: Floors are met when the measured value is at least the floor minus this.
EPSILON = 0.005
LABEL_SOURCES: dict[str, str] = {
    "topic": "gov.cn 国务院政策文件库 主题分类 (govcn_policy_library.tsv policy rows, 4 of 5 by URL hash) "
    "+ the gov.cn detail pages' 主题分类 (pages/govcn) + 河北省政府办公厅 主题 (hebei, except its over-used "
    "其他); 1 of 5 gov.cn rows held out; prior knowledge from corpus/classifiers/topic_lexicon.yaml",
    "topic_level2": "the same rows' gov.cn 二级 主题分类",
    "domain": "weak labels: seed vocabulary corpus/classifiers/domain_seeds.yaml on ~34k deduplicated "
    "real titles (titles_with_dates, gov.cn, hebei); hebei 基础教育/高等教育/职业教育 columns; "
    "catalog_facts item names",
    "doc_type": "weak labels: title rules corpus/classifiers/doc_rules.yaml; gov.cn/hebei 政策解读 rows are "
    "interpretation, hebei 年报 rows report, hebei 政府规章 normative",
    "needs_interpretation": "weak labels: doc_rules.yaml (规/令 文号, rule-setting genres, minus "
    "internal work plans/campaigns/events); hebei 政府规章 true, 解读 and 年报 false",
}


@dataclass
class EvalReport:
    metrics: dict[str, dict[str, Any]]
    thresholds: dict[str, float] = field(default_factory=dict)

    def model_sections(self) -> dict[str, dict[str, Any]]:
        sections = {}
        for name in ("topic", "topic_level2", "domain", "doc_type", "needs_interpretation"):
            task = "topic" if name == "topic_level2" else name
            sections[name] = {
                "label_source": LABEL_SOURCES[name],
                "metrics": self.metrics.get(task, {}) if name != "topic_level2" else {},
                "abstain_threshold": self.thresholds.get(name),
            }
        return sections

    def to_json(self) -> str:
        return json.dumps(
            {"metrics": self.metrics, "thresholds": self.thresholds}, ensure_ascii=False, indent=2
        )


def read_eval_sets(files: DataFiles) -> tuple[list[LabelledTitle], list[DevTitle]]:
    topic_eval = [
        item for item, url in read_govcn(files) if item.topic and not item.doc_type and is_topic_eval(url)
    ]
    return topic_eval, read_dev(files)


def worst_classes(gold: Sequence[str], pred: Sequence[str], n: int = 3) -> list[dict[str, Any]]:
    """The n classes with the lowest F1 (among those in the gold labels) and what they were taken for."""
    labels = sorted(set(gold))
    scores = f1_score(gold, pred, labels=labels, average=None, zero_division=0)
    out = []
    for label, score in sorted(zip(labels, scores, strict=True), key=lambda ls: ls[1])[:n]:
        confused = Counter(p for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        taken = Counter(g for g, p in zip(gold, pred, strict=True) if p == label and g != label)
        out.append(
            {
                "class": label,
                "f1": round(float(score), 3),
                "support": sum(1 for g in gold if g == label),
                "predicted_as": dict(confused.most_common(3)),
                "false_positives_from": dict(taken.most_common(3)),
            }
        )
    return out


def _r(value: float) -> float:
    return round(float(value), 4)


def topic_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    counts = Counter(gold)
    big = sorted(label for label, n in counts.items() if n >= 10)
    return {
        "n": len(gold),
        "accuracy": _r(accuracy_score(gold, pred)),
        "macro_f1_10": _r(f1_score(gold, pred, labels=big, average="macro", zero_division=0)),
        "classes_10": len(big),
        "macro_f1_all": _r(f1_score(gold, pred, average="macro", zero_division=0)),
        "worst": worst_classes(gold, pred),
    }


def label_metrics(gold: Sequence[str], pred: Sequence[str], halves: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "n": len(gold),
        "accuracy": _r(accuracy_score(gold, pred)),
        "macro_f1": _r(f1_score(gold, pred, average="macro", zero_division=0)),
    }
    for half in ("tune", "holdout"):
        idx = [i for i, h in enumerate(halves) if h == half]
        g, p = [gold[i] for i in idx], [pred[i] for i in idx]
        out[f"accuracy_{half}"] = _r(accuracy_score(g, p))
        out[f"macro_f1_{half}"] = _r(f1_score(g, p, average="macro", zero_division=0))
    out["worst"] = worst_classes(gold, pred)
    return out


def classify_dev(
    pipelines: dict[str, Any], dev: Sequence[DevTitle], thresholds: dict[str, float]
) -> list[Classification]:
    return predict_rows(pipelines, [as_row(d.title) for d in dev], thresholds)


def choose_domain_settings(pipelines: dict[str, Any], dev: Sequence[DevTitle]) -> dict[str, float]:
    """The rule weight and abstain threshold for domains that maximise macro-F1 on the dev set's
    tune half only (declared in the card and docs; the holdout half is never used to choose)."""
    tune = [d for d in dev if dev_half(d.id) == "tune"]
    gold = [d.domain for d in tune]
    best: dict[str, float] = {}
    best_score = -1.0
    for weight in (0.0, 0.25, 0.5, 0.75, 1.0):
        for limit in (0.3, 0.4, 0.5, 0.6):
            settings = {"domain_rule_weight": weight, "domain": limit}
            preds = classify_dev(pipelines, tune, settings)
            score = f1_score(gold, [p.domain for p in preds], average="macro", zero_division=0)
            if score > best_score + 1e-9:
                best, best_score = settings, score
    return best


def evaluate(
    pipelines: dict[str, Any],
    topic_eval: Sequence[LabelledTitle],
    dev: Sequence[DevTitle],
    thresholds: dict[str, float],
) -> EvalReport:
    topic_preds = predict_rows(pipelines, [as_row(t.title, t.publisher) for t in topic_eval], thresholds)
    dev_preds = classify_dev(pipelines, dev, thresholds)
    halves = [dev_half(d.id) for d in dev]
    metrics = {
        "topic": topic_metrics([t.topic or "" for t in topic_eval], [p.topic or "" for p in topic_preds]),
        "domain": label_metrics([d.domain for d in dev], [p.domain for p in dev_preds], halves),
        "doc_type": label_metrics([d.doc_type for d in dev], [p.doc_type for p in dev_preds], halves),
        "needs_interpretation": label_metrics(
            [str(d.needs_interpretation) for d in dev],
            [str(p.needs_interpretation) for p in dev_preds],
            halves,
        ),
    }
    return EvalReport(metrics, dict(thresholds))


def choose_doc_type_rule_weight(pipelines: dict[str, Any], dev: Sequence[DevTitle]) -> dict[str, float]:
    """The weight of the doc_type rule vote that maximises doc_type accuracy on the tune half only."""
    tune = [d for d in dev if dev_half(d.id) == "tune"]
    gold = [d.doc_type for d in tune]
    best, best_score = 0.0, -1.0
    for weight in (0.0, 0.25, 0.5, 0.75, 1.0):
        preds = classify_dev(pipelines, tune, {"doc_type_rule_weight": weight})
        score = accuracy_score(gold, [p.doc_type for p in preds])
        if score > best_score + 1e-9:
            best, best_score = weight, score
    return {"doc_type_rule_weight": best}


def evaluate_trained(pipelines: dict[str, Any], corpus: Any) -> EvalReport:
    thresholds = dict(DEFAULT_THRESHOLDS)
    thresholds.update(choose_domain_settings(pipelines, corpus.dev))
    thresholds.update(choose_doc_type_rule_weight(pipelines, corpus.dev))
    return evaluate(pipelines, corpus.topic_eval, corpus.dev, thresholds)


def check_floors(metrics: dict[str, dict[str, Any]], baseline: dict[str, Any]) -> list[str]:
    """One line per metric below its floor (empty when every floor holds)."""
    failures = []
    for task, floors in baseline.get("floors", {}).items():
        for metric, floor in floors.items():
            value = metrics.get(task, {}).get(metric)
            if value is None:
                failures.append(f"{task}.{metric}: not measured (floor {floor})")
            elif value < floor - EPSILON:
                failures.append(f"{task}.{metric} = {value:.4f} is below its floor {floor:.4f}")
    return failures


def load_baseline(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
