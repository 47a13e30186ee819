"""The vocabulary size cut is a total order: the chosen features depend only on the data (issue #12)."""

from __future__ import annotations

import random

import pytest
from gongkai.classifiers import portable
from gongkai.classifiers.vocabulary import fixed_vocabulary, ranked_terms, with_fixed_vocabularies
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion


def test_ranked_terms_break_ties_by_the_term_whatever_the_input_order() -> None:
    counts = {"b": 5, "a": 3, "d": 3, "c": 3, "e": 1}
    items = list(counts.items())
    chosen = set()
    for seed in range(20):
        random.Random(seed).shuffle(items)
        chosen.add(tuple(ranked_terms([t for t, _ in items], [c for _, c in items], 3)))
    # b has the most; a, c and d tie for the other two places: the first two by the term win.
    assert chosen == {("a", "b", "c")}
    with pytest.raises(ValueError):
        ranked_terms(["a"], [1, 2], 1)


def test_fixed_vocabulary_ignores_document_order_and_cuts_ties_by_term() -> None:
    # Ten words, each in a different number of documents except for a tie at the cut.
    documents = ["k1 k2 k3 t1 t2 t3", "k1 k2 k3 t1 t2 t3 rare", "k1 k2 t4", "k1 t4 t5", "k1", "k2 k3"]
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", min_df=2, max_features=5)
    vocabularies = set()
    for seed in range(10):
        shuffled = documents[:]
        random.Random(seed).shuffle(shuffled)
        fixed = fixed_vocabulary(vectorizer, shuffled)
        assert fixed.max_features is None and vectorizer.vocabulary is None  # the original is untouched
        vocabularies.add(tuple(fixed.fit(shuffled).get_feature_names_out()))
    # k1 (5 docs), k2 (4), k3 (3) lead; t1, t2, t3 and t4 tie at 2 for two places; rare is below min_df.
    assert vocabularies == {("k1", "k2", "k3", "t1", "t2")}


def test_a_union_gets_fixed_vocabularies_and_the_export_refuses_an_unfixed_cut() -> None:
    documents = ["甲 乙 丙", "甲 乙", "甲 丁", "乙 丁"] * 2
    union = FeatureUnion(
        [
            ("cut", TfidfVectorizer(token_pattern=r"\S+", max_features=2)),
            ("whole", TfidfVectorizer(token_pattern=r"\S+")),
        ]
    )
    fixed = with_fixed_vocabularies(union, documents)
    assert fixed.transformer_list[0][1].vocabulary == ["乙", "甲"]
    assert fixed.transformer_list[1][1].vocabulary is None
    assert union.transformer_list[0][1].vocabulary is None
    view: dict = {}
    portable._export_vectorizer(fixed.fit(documents).transformer_list[0][1], "v", view)
    with pytest.raises(portable.PortableFormatError):
        portable._export_vectorizer(union.fit(documents).transformer_list[0][1], "v", {})
