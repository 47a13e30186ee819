"""The estimators: calibrated linear models on the shared features, sampling and class weights."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

SEED = 0
#: A class needs this many training examples to be learned (calibration uses 3 stratified folds).
MIN_CLASS_EXAMPLES = 6
#: The largest "balanced" weight a rare class gets: beyond it liblinear converges slowly and a
#: handful of weak labels would dominate.
MAX_CLASS_WEIGHT = 5.0


def capped_weights(labels: Sequence[str]) -> dict[str, float]:
    counts = Counter(labels)
    n, k = len(labels), len(counts)
    return {label: min(n / (k * count), MAX_CLASS_WEIGHT) for label, count in counts.items()}


def calibrated_svm(labels: Sequence[str], c: float = 0.3, balanced: bool = True) -> CalibratedClassifierCV:
    """Linear SVM (fast on sparse text) with per-class sigmoid calibration: probabilities to abstain on.

    ``balanced`` weighs classes by inverse frequency (capped): right for weak labels dominated by
    其他/normative; the topic rows are real labels whose frequencies are the target's own.
    """
    weights = capped_weights(labels) if balanced else None
    return CalibratedClassifierCV(
        LinearSVC(C=c, class_weight=weights, random_state=SEED, dual="auto", max_iter=2000),
        method="sigmoid",
        cv=3,
    )


def training_sample(labels: Sequence[str], cap: int | None) -> list[int]:
    """Indices to train on: classes with enough examples, the big ones down-sampled (seeded) to ``cap``.

    Weak labels put most titles in 其他/normative; capping keeps training fast and the small classes heard.
    """
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    rng = random.Random(SEED)
    keep: list[int] = []
    for label in sorted(by_label):
        members = by_label[label]
        if len(members) < MIN_CLASS_EXAMPLES:
            continue
        if cap is not None and len(members) > cap:
            members = sorted(rng.sample(members, cap))
        keep.extend(members)
    return sorted(keep)
