"""Features of the topic (主题分类) model: what a title is about, who issued it, and prior knowledge.

The shared features (:mod:`classifiers.features`) are made for the weakly labelled tasks and are
fitted on ~34k titles; the topic model learns from ≈1,500 gov.cn rows only, and measured better
with a view of its own (docs/classification.md, "How topic was raised"):

- character n-grams of the whole title, and again of its *subject* — the title without the
  issuer, 关于, the cover verb and the 文种 (``国务院办公厅关于加快木本油料产业发展的意见`` →
  ``加快木本油料产业发展``): with so few rows the shared boilerplate of two titles otherwise
  outweighs what they are about;
- the issuing bodies as tokens (``ORG=财政部``, the lead one also as ``LEAD=…``), from the
  publisher field or else the title's issuer, plus the bodies a 转发/批转 title forwards
  (``国务院办公厅转发国家统计局关于…`` → ``ORG=统计局``): a ministry is the best single clue;
- one token per class the topic lexicon (``corpus/classifiers/topic_lexicon.yaml``) finds in the
  title or publisher: prior knowledge of what the rows are too few to teach.

Every function is module-level so the fitted pipeline pickles.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import yaml
from gongkai.classifiers.features import Row, row_title
from gongkai.classifiers.labels import TOPICS
from gongkai.classifiers.paths import RESOURCES
from gongkai.classifiers.text import split_tokens
from gongkai.classifiers.titles import GENRES, WRAP_ACTIONS
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

TOPIC_LEXICON = RESOURCES / "topic_lexicon.yaml"

_AGENCY_SPLIT = re.compile(r"[\s、，,;；]+")
_AGENCY_OFFICE = re.compile(r"(办公厅|办公室|综合司|秘书局|秘书处|办)$")
_AGENCY_PREFIX = re.compile(r"^(中华人民共和国|国家|中国)")
_ABOUT = re.compile(r"^(?P<issuer>.*?)关于(?P<rest>.+)$")
_FORWARD = re.compile(r"(转发|批转)(?P<inner>.+)$")
_TRAILING_NOTE = re.compile(r"[（(][^（）()]{1,30}[）)]\s*$")
_TAIL_GENRE = re.compile(r"的(" + "|".join(GENRES) + r")$")
_LEADING_VERB = re.compile(r"^(" + "|".join(WRAP_ACTIONS) + r")")
#: Joint issuers: "商务部等6部门" → 商务部 (the lead body).
_AND_OTHERS = re.compile(r"等(\d+|[一二三四五六七八九十]+)?(个)?(部门|单位|部委)?$")
#: Bodies named in the publisher field beyond this many add little and bloat the vocabulary.
MAX_AGENCIES = 8


def title_subject(title: str) -> str:
    """What the title is about: without issuer, 关于, cover verb, trailing 文种 and bracketed note."""
    about = _ABOUT.match(title)
    rest = about.group("rest") if about else title
    rest = _TRAILING_NOTE.sub("", rest)
    rest = _TAIL_GENRE.sub("", rest)
    return _LEADING_VERB.sub("", rest) or title


def row_subject(row: Row) -> str:
    return title_subject(row[0])


def canonical_agency(name: str) -> str:
    """One spelling per body: no office suffix, no 国家/中国 prefix (国家卫生健康委办公厅 → 卫生健康委)."""
    name = _AND_OTHERS.sub("", name.strip("《》 "))
    return _AGENCY_PREFIX.sub("", _AGENCY_OFFICE.sub("", name)) or name


def _split_agencies(text: str) -> list[str]:
    return [a for a in _AGENCY_SPLIT.split(text) if a]


def agency_tokens(row: Row) -> list[str]:
    """``ORG=``/``LEAD=`` tokens of the issuing bodies and ``ORG=`` of the bodies a title forwards."""
    title, publisher, _ = row
    about = _ABOUT.match(title)
    issuer = about.group("issuer") if about else ""
    forwarded = _FORWARD.search(issuer)
    if forwarded:
        issuer = issuer[: forwarded.start()]
    agencies = _split_agencies(publisher) if publisher else _split_agencies(issuer)
    tokens = []
    for i, agency in enumerate(agencies[:MAX_AGENCIES]):
        name = canonical_agency(agency)
        tokens.append(f"ORG={name}")
        if i == 0:
            tokens.append(f"LEAD={name}")
    if forwarded:
        for agency in _split_agencies(forwarded.group("inner"))[:MAX_AGENCIES]:
            tokens.append(f"ORG={canonical_agency(agency)}")
    return tokens or ["ORG=none"]


def row_agency_tokens(row: Row) -> str:
    return " ".join(agency_tokens(row))


@lru_cache(maxsize=1)
def topic_lexicon() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per topic the words and (canonical) agency names that point to it."""
    data: dict[str, Any] = yaml.safe_load(TOPIC_LEXICON.read_text(encoding="utf-8"))
    unknown = set(data) - set(TOPICS)
    if unknown:
        raise ValueError(f"{TOPIC_LEXICON}: unknown topics {sorted(unknown)}")
    out = []
    for topic in TOPICS:
        entry = data.get(topic) or {}
        words = {str(w) for w in entry.get("words") or []}
        for agency in entry.get("agencies") or []:
            # Raw and without 国家/中国, never shortened further (台办 → 台 would match 出台).
            words |= {str(agency), _AGENCY_PREFIX.sub("", str(agency))}
        out.append((topic, tuple(sorted(w for w in words if w))))
    return tuple(out)


def topic_lexicon_tokens(row: Row) -> str:
    """``KW=<topic>`` per topic the lexicon finds in title or publisher; ``KW2=`` for two hits or more."""
    title, publisher, _ = row
    text = f"{title} {publisher}"
    tokens = []
    for topic, words in topic_lexicon():
        hits = sum(1 for word in words if word in text)
        if hits:
            tokens.append(f"KW={topic}")
        if hits > 1:
            tokens.append(f"KW2={topic}")
    return " ".join(tokens) or "KW=none"


#: Relative weights of the views (chosen by 5-fold cross-validation on the training rows).
SUBJECT_WEIGHT = 0.7
LEXICON_WEIGHT = 0.5


def topic_features() -> FeatureUnion:
    def chars(preprocessor: Any) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 3),
            preprocessor=preprocessor,
            min_df=2,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def tokens(preprocessor: Any, use_idf: bool) -> TfidfVectorizer:
        return TfidfVectorizer(
            tokenizer=split_tokens,
            preprocessor=preprocessor,
            token_pattern=None,
            lowercase=False,
            use_idf=use_idf,
            dtype=np.float32,
        )

    return FeatureUnion(
        [
            ("title", chars(row_title)),
            ("subject", chars(row_subject)),
            ("agencies", tokens(row_agency_tokens, use_idf=True)),
            ("lexicon", tokens(topic_lexicon_tokens, use_idf=False)),
        ],
        transformer_weights={"subject": SUBJECT_WEIGHT, "lexicon": LEXICON_WEIGHT},
    )
