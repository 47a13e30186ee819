"""Feature extraction for every model: one input shape, module-level functions so pipelines pickle.

An input is the tuple ``(title, publisher, doc_no)`` (see :func:`as_row`). Three views of it are
concatenated: character n-grams of the title, jieba words of the title, and structure tokens
(the title's 文种/cover verb/inner document kind, the issuing body's words, the 文号 series).
"""

from __future__ import annotations

import re

from gongkai.classifiers.text import jieba_words, normalise, split_tokens
from gongkai.classifiers.titles import parse_title
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

Row = tuple[str, str, str]

_AGENCY_SPLIT = re.compile(r"[\s、，,;；]+")
_AGENCY_SUFFIX = re.compile(r"(办公厅|办公室|综合司|秘书局|办)$")
_DOC_NO_CODE = re.compile(r"^([^\d〔\[(（【]+)")


def as_row(title: str | None, publisher: str | None = None, doc_no: str | None = None) -> Row:
    return (normalise(title), normalise(publisher), normalise(doc_no))


def row_title(row: Row) -> str:
    return row[0]


def doc_no_code(doc_no: str) -> str | None:
    """The 发文机关代字 of a 文号 (国办发〔2019〕54号 → 国办发)."""
    match = _DOC_NO_CODE.match(doc_no.replace("文号", "").replace("发文字号", "").lstrip(":： "))
    return match.group(1).strip() if match else None


def structure_tokens(row: Row) -> str:
    """The title's grammar and its issuer as tokens, e.g. ``G=通知 ACT=印发 IG=办法 ORG=财政部 PUBW=财政``."""
    title, publisher, doc_no = row
    parts = parse_title(title)
    tokens = parts.tokens()
    agencies = [a for a in _AGENCY_SPLIT.split(publisher) if a] if publisher else []
    if not agencies and parts.issuer:
        agencies = [a for a in _AGENCY_SPLIT.split(parts.issuer.lstrip("《")) if a]
    for agency in agencies[:6]:
        tokens.append(f"ORG={agency}")
        tokens.append(f"ORG={_AGENCY_SUFFIX.sub('', agency)}")
        tokens.extend(f"PUBW={w}" for w in jieba_words(agency))
    if len(agencies) > 1:
        tokens.append("JOINT")
    if not agencies:
        tokens.append("ORG=none")
    code = doc_no_code(doc_no) if doc_no else None
    if code:
        tokens.append(f"CODE={code}")
        if "规" in code:
            tokens.append("CODE_GUI")
        if "令" in code or "令" in doc_no:
            tokens.append("CODE_LING")
        if "函" in code:
            tokens.append("CODE_HAN")
    else:
        tokens.append("CODE=none")
    return " ".join(tokens)


def title_features(max_char_features: int = 150_000, max_word_features: int = 80_000) -> FeatureUnion:
    """The shared feature union; ``min_df``/``max_features`` keep the vocabulary (and model) small."""
    return FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 3),
                    preprocessor=row_title,
                    min_df=2,
                    max_features=max_char_features,
                    sublinear_tf=True,
                    dtype=_float32(),
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    tokenizer=jieba_words,
                    preprocessor=row_title,
                    token_pattern=None,
                    lowercase=False,
                    ngram_range=(1, 2),
                    min_df=2,
                    max_features=max_word_features,
                    sublinear_tf=True,
                    dtype=_float32(),
                ),
            ),
            (
                "structure",
                TfidfVectorizer(
                    tokenizer=split_tokens,
                    preprocessor=structure_tokens,
                    token_pattern=None,
                    lowercase=False,
                    min_df=2,
                    sublinear_tf=True,
                    dtype=_float32(),
                ),
            ),
        ]
    )


def _float32() -> type:
    import numpy as np

    return np.float32
