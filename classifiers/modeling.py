"""The estimators: calibrated linear models on the shared features, sampling and class weights."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import _sigmoid_calibration
from sklearn.model_selection import StratifiedKFold
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


class OutOfFoldSigmoid(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A linear model fitted on every row, with per-class Platt sigmoids fitted on out-of-fold decisions.

    What ``CalibratedClassifierCV(method="sigmoid", ensemble=False)`` does, written out because
    that class label-encodes ``y`` before the folds, which breaks a ``class_weight`` dict. The
    probabilities are calibrated on rows the scoring model did not train on; the multi-class
    columns are normalised to sum to one, as scikit-learn does. The fitted form is plain numbers
    (coefficients, intercepts, sigmoid a/b): :mod:`classifiers.portable` stores it as such.
    """

    def __init__(self, estimator: Any = None, folds: int = 3) -> None:
        self.estimator = estimator
        self.folds = folds

    def fit(self, x: Any, y: Any) -> OutOfFoldSigmoid:
        labels = np.asarray(y, dtype=object)
        self.classes_ = np.asarray(sorted(set(labels.tolist())), dtype=object)
        self.estimator_ = clone(self.estimator).fit(x, labels)
        columns = 1 if len(self.classes_) == 2 else len(self.classes_)
        decisions = np.zeros((len(labels), columns))
        splitter = StratifiedKFold(self.folds, shuffle=True, random_state=SEED)
        for train, test in splitter.split(np.zeros(len(labels)), labels):
            model = clone(self.estimator).fit(x[train], labels[train])
            if list(model.classes_) != list(self.classes_):
                raise ValueError("a calibration fold lacks a class")
            decisions[test] = model.decision_function(x[test]).reshape(len(test), columns)
        positions = [1] if columns == 1 else list(range(columns))
        self.calibrators_: list[tuple[int, float, float]] = []
        for column, index in enumerate(positions):
            a, b = _sigmoid_calibration(decisions[:, column], labels == self.classes_[index])
            self.calibrators_.append((index, float(a), float(b)))
        return self

    def predict_proba(self, x: Any) -> np.ndarray:
        decision = np.asarray(self.estimator_.decision_function(x), dtype=np.float64)
        decision = decision.reshape(x.shape[0], -1)
        k = len(self.classes_)
        proba = np.zeros((x.shape[0], k))
        for column, (index, a, b) in enumerate(self.calibrators_):
            proba[:, index] = expit(-(a * decision[:, column] + b))
        if k == 2:
            proba[:, 0] = 1.0 - proba[:, 1]
        else:
            denominator = proba.sum(axis=1, keepdims=True)
            proba = np.divide(proba, denominator, out=np.full_like(proba, 1.0 / k), where=denominator != 0)
        return proba

    def predict(self, x: Any) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(x), axis=1)]  # type: ignore[no-any-return]


def calibrated_svm(labels: Sequence[str], c: float = 0.3, balanced: bool = True) -> OutOfFoldSigmoid:
    """Linear SVM (fast on sparse text) with per-class sigmoid calibration: probabilities to abstain on.

    ``balanced`` weighs classes by inverse frequency (capped): right for weak labels dominated by
    其他/normative; the topic rows are real labels whose frequencies are the target's own.
    """
    weights = capped_weights(labels) if balanced else None
    return OutOfFoldSigmoid(
        LinearSVC(C=c, class_weight=weights, random_state=SEED, dual="auto", max_iter=2000), folds=3
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
