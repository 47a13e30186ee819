"""How likely a domain call is right: a small logistic model over what the call rests on (issue #12).

The domain call blends the model's calibrated probabilities with the seed-vocabulary vote
(classifiers.predict). The blended number alone ranks calls poorly where model and vote
disagree or where the call is 其他 by default. This model turns the call's evidence — the
blended and the model's own probability of the label, the model's margin, whether the vote
agrees, whether call or vote is 其他, how strong the vote is — into the probability that the
call is right, fitted on the hand-labelled titles of the development governments only (never
the check governments). Its seven weights and intercept are plain numbers, kept with the
prediction settings (``thresholds`` in the card, keys ``domain_call.*``), so loading runs no code.

The calls it learns from are those of domain models that never saw the call's government
(classifiers.training.fit_domain_without_each_government): on the governments it will judge the
shipped model has never seen their titles either. Chosen by leave-one-government-out on the
development split (docs/classification.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

FEATURES: tuple[str, ...] = ("blend", "model", "agree", "margin", "other", "vote_other", "vote_strength")
PREFIX = "domain_call."
#: A vote score this high (the sum of keyword lengths, classifiers.weak) counts as the strongest.
STRONG_VOTE = 6.0
#: Regularisation of the logistic model: the one of these with the lowest leave-one-government-out
#: Brier score on the development governments is used (classifiers.evaluation.domain_call_settings).
C_GRID: tuple[float, ...] = (0.3, 1.0, 3.0, 10.0)


def call_features(
    blended: float,
    model: float,
    margin: float,
    agree: bool,
    is_other: bool,
    vote_other: bool,
    vote_score: int,
) -> list[float]:
    """The evidence of one domain call, in :data:`FEATURES` order."""
    return [
        blended,
        model,
        float(agree),
        margin,
        float(is_other),
        float(vote_other),
        min(float(vote_score), STRONG_VOTE) / STRONG_VOTE,
    ]


def fit(features: Sequence[Sequence[float]], right: Sequence[bool], c: float = 1.0) -> dict[str, float]:
    """The weights (as ``domain_call.*`` settings) of the logistic model of "the call is right"."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c).fit(np.asarray(features, dtype=float), np.asarray(right, dtype=bool))
    settings = {PREFIX + name: float(w) for name, w in zip(FEATURES, model.coef_[0], strict=True)}
    settings[PREFIX + "intercept"] = float(model.intercept_[0])
    return settings


def is_fitted(settings: Mapping[str, float]) -> bool:
    return PREFIX + "intercept" in settings


def probability(settings: Mapping[str, float], features: Sequence[float]) -> float:
    """P(the domain call is right) under the fitted weights."""
    z = settings[PREFIX + "intercept"] + sum(
        settings[PREFIX + name] * value for name, value in zip(FEATURES, features, strict=True)
    )
    return 1.0 / (1.0 + math.exp(-z))
