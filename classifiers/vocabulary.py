"""Vocabularies cut to a size by a total order: a retraining picks the same features on every machine.

scikit-learn's ``max_features`` keeps the terms with the highest counts over the corpus, ranked by
numpy's default argsort, which is not stable: terms tied at the cut fall as the CPU's SIMD sort
leaves them. A retraining on another machine, with the same data, code and library versions,
chose 915 of 30,000 character n-grams and 24 of 20,000 word n-grams differently. Here the terms
are ranked by (-document frequency, term) — the number of titles a term occurs in, as ``min_df``
counts, ties broken by the term itself — and the vectorizer is handed that vocabulary fixed, so
the chosen features depend only on the data. (scikit-learn ranks by the count over the corpus; on
titles, where a term seldom repeats, the two choose alike: the development figures were equal.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import FeatureUnion

#: The settings a CountVectorizer shares with a TfidfVectorizer (the analysis and min_df/max_df).
_COUNT_PARAMS = frozenset(CountVectorizer().get_params())


def ranked_terms(terms: Sequence[str], counts: Sequence[int] | np.ndarray, limit: int) -> list[str]:
    """The ``limit`` terms of highest count (document frequency), ties broken by the term; in term order."""
    if len(terms) != len(counts):
        raise ValueError(f"{len(terms)} terms but {len(counts)} counts")
    order = sorted(range(len(terms)), key=lambda i: (-int(counts[i]), terms[i]))
    return sorted(terms[i] for i in order[:limit])


def fixed_vocabulary(vectorizer: Any, documents: Sequence[Any]) -> Any:
    """An unfitted copy of ``vectorizer`` with its ``max_features`` cut made here, as a fixed
    ``vocabulary=`` (``min_df``/``max_df`` applied first, as scikit-learn does). A vectorizer
    without a cut, or with a vocabulary already, is returned as is."""
    limit = vectorizer.max_features
    if limit is None or vectorizer.vocabulary is not None:
        return vectorizer
    settings = {k: v for k, v in vectorizer.get_params().items() if k in _COUNT_PARAMS}
    counter = CountVectorizer(**{**settings, "max_features": None, "dtype": np.int64})
    matrix = counter.fit_transform(documents)
    document_counts = np.bincount(matrix.indices, minlength=matrix.shape[1])
    chosen = ranked_terms(list(counter.get_feature_names_out()), document_counts, limit)
    return clone(vectorizer).set_params(vocabulary=chosen, max_features=None)


def with_fixed_vocabularies(union: FeatureUnion, documents: Sequence[Any]) -> FeatureUnion:
    """``union`` with every size-cut vectorizer's vocabulary chosen by :func:`fixed_vocabulary`."""
    documents = list(documents)
    parts = [(name, fixed_vocabulary(part, documents)) for name, part in union.transformer_list]
    return clone(union).set_params(transformer_list=parts)
