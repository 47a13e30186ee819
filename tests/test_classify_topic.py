"""The topic model's own features, the gov.cn page labels it learns from, and the rule votes.

Titles here are written for the tests (not copied from the real data).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from gongkai.classifiers.artifacts import LoadedModels
from gongkai.classifiers.data import DataFiles, read_govcn_pages
from gongkai.classifiers.evaluation import choose_doc_type_rule_weight
from gongkai.classifiers.features import as_row
from gongkai.classifiers.labels import TOPICS
from gongkai.classifiers.predict import predict_rows
from gongkai.classifiers.topic_features import (
    TOPIC_LEXICON,
    agency_tokens,
    canonical_agency,
    title_subject,
    topic_features,
    topic_lexicon,
    topic_lexicon_tokens,
)

from tests.test_classify_models import models  # noqa: F401  (session fixture)


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        ("某省人民政府办公厅关于加快发展木本油料产业的意见", "加快发展木本油料产业"),
        ("某市人民政府关于印发某市公共租赁住房管理办法的通知", "某市公共租赁住房管理办法"),
        ("某部办公厅关于转发《某某工作方案》的通知", "《某某工作方案》"),
        ("某市停车场管理办法(市政府令第12号)", "某市停车场管理办法"),
        ("某市城市绿化条例", "某市城市绿化条例"),
    ],
)
def test_subject_drops_issuer_cover_and_genre(title: str, subject: str) -> None:
    assert title_subject(title) == subject


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("国家卫生健康委办公厅", "卫生健康委"),
        ("中国气象局", "气象局"),
        ("财政部", "财政部"),
        ("商务部等6部门", "商务部"),
        ("药监局综合司", "药监局"),
    ],
)
def test_agency_names_are_canonical(name: str, canonical: str) -> None:
    assert canonical_agency(name) == canonical


def test_agency_tokens_from_publisher_title_and_forwarded_body() -> None:
    joint = agency_tokens(as_row("关于某事的通知", "财政部 国家税务总局办公厅"))
    assert joint == ["ORG=财政部", "LEAD=财政部", "ORG=税务总局"]
    # No publisher: the title's issuer; a 转发 title also names the body whose document it is.
    forwarded = agency_tokens(as_row("某省人民政府办公厅转发省统计局关于加强统计工作意见的通知"))
    assert "LEAD=某省人民政府" in forwarded and "ORG=省统计局" in forwarded
    assert agency_tokens(as_row("某市城市绿化条例")) == ["ORG=none"]


def test_lexicon_names_only_real_topics_and_fires_on_its_words() -> None:
    raw = yaml.safe_load(TOPIC_LEXICON.read_text(encoding="utf-8"))
    assert set(raw) <= set(TOPICS)
    assert all(words for _topic, words in topic_lexicon() if _topic != "其他")
    tokens = topic_lexicon_tokens(as_row("关于开放某港口岸的批复", "海关总署")).split()
    assert "KW=商贸、海关、旅游" in tokens and "KW2=商贸、海关、旅游" in tokens
    assert topic_lexicon_tokens(as_row("甲乙丙丁")) == "KW=none"
    # Agency names are never shortened into common words (台办 must not become 台, matching 出台).
    assert "KW=港澳台侨工作" not in topic_lexicon_tokens(as_row("关于出台某项措施的通知"))


def test_topic_features_fit_and_weigh_their_views() -> None:
    rows = [
        as_row("某部关于加强某某管理的通知", "财政部"),
        as_row("某部关于加强某某管理的意见", "教育部"),
        as_row("关于开放某港口岸的批复", "海关总署"),
    ]
    union = topic_features()
    matrix = union.fit_transform(rows)
    assert matrix.shape[0] == 3 and matrix.dtype == np.float32
    assert union.transformer_weights == {"subject": 0.7, "lexicon": 0.5}


def test_govcn_pages_give_topic_labels(shared_data: Path) -> None:
    pages = read_govcn_pages(DataFiles(shared_data))
    assert len(pages) >= 30
    for item, url in pages:
        assert item.topic in TOPICS and item.source == "govcn_page"
        assert item.topic2 is None or item.topic2.startswith(item.topic + "\\")
        assert url.startswith("http")


def test_doc_type_rule_vote_moves_the_decision(models: LoadedModels) -> None:  # noqa: F811
    # An 通告 of a specific matter: the rule says announcement; with a heavy rule weight that wins.
    row = as_row("某市人民政府关于某路段实行临时交通管制的通告")
    plain = predict_rows(models.pipelines, [row], {"doc_type_rule_weight": 0.0})[0]
    voted = predict_rows(models.pipelines, [row], {"doc_type_rule_weight": 10.0})[0]
    assert voted.doc_type == "announcement"
    assert voted.scores["doc_type"]["announcement"] >= plain.scores["doc_type"].get("announcement", 0)


def test_doc_type_rule_weight_is_chosen_on_the_tune_half(models: LoadedModels, shared_data: Path) -> None:  # noqa: F811
    from gongkai.classifiers.data import read_dev

    chosen = choose_doc_type_rule_weight(models.pipelines, read_dev(DataFiles(shared_data)))
    assert chosen["doc_type_rule_weight"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert models.thresholds["doc_type_rule_weight"] == chosen["doc_type_rule_weight"]
