"""The weak-labelling rules, the title grammar and the spaCy entity patterns, table-driven.

Titles here are written for the tests (not copied from the real data).
"""

from __future__ import annotations

import pytest
from gongkai.classifiers.entities import text_entities
from gongkai.classifiers.features import doc_no_code, structure_tokens
from gongkai.classifiers.text import normalise, title_key
from gongkai.classifiers.titles import parse_title
from gongkai.classifiers.weak import (
    doc_no_needs_interpretation,
    doc_type_rule,
    domain_scores,
    domain_vote,
    needs_interpretation_rule,
)


@pytest.mark.parametrize(
    ("title", "genre", "action", "inner_genre", "is_order"),
    [
        ("某省人民政府办公厅关于印发某省养老服务补贴管理办法的通知", "通知", "印发", "管理办法", False),
        ("某市人民政府关于转发《某某实施细则》的通知", "通知", "转发", "实施细则", False),
        ("某市城市绿化条例", "条例", None, None, False),
        ("某市人民政府关于某县总体规划的批复", "批复", None, None, False),
        ("某市停车场管理办法（市政府令第12号）", "管理办法", None, None, True),
        ("某县2023年度药品抽检质量公告（第3号）", "公告", None, None, False),
    ],
)
def test_title_grammar(
    title: str, genre: str, action: str | None, inner_genre: str | None, is_order: bool
) -> None:
    parts = parse_title(title)
    assert (parts.genre, parts.action, parts.inner_genre, parts.is_order) == (
        genre,
        action,
        inner_genre,
        is_order,
    )


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("某市人民政府关于印发某市公共租赁住房管理办法的通知", "normative"),
        ("某市居住证管理办法", "normative"),
        ("某市人民政府关于同意设立某某开发区的批复", "administrative"),
        ("某县人民政府关于张三等同志职务任免的通知", "administrative"),
        ("某市人民政府关于表彰2023年度安全生产先进单位的决定", "administrative"),
        ("某市人民政府关于公布第三批市级非物质文化遗产代表性项目名录的通知", "administrative"),
        ("某区生态环境局关于某项目环境影响评价文件拟审批的公示", "announcement"),
        ("某市人民政府关于禁止在某水库工程占地区新增建设项目的通告", "announcement"),
        ("某市2023年国民经济和社会发展统计公报", "report"),
        ("某区人民政府2023年政府信息公开工作年度报告", "report"),
        ("一图读懂某市优化营商环境条例", "interpretation"),
        ("《某市促进就业若干措施》政策解读", "interpretation"),
        ("某市人民政府关于市政协某次会议第12号提案答复的函", "other"),
    ],
)
def test_doc_type_rules(title: str, doc_type: str) -> None:
    assert doc_type_rule(title) == doc_type


@pytest.mark.parametrize(
    ("title", "doc_no", "needs"),
    [
        ("某市人民政府关于印发某市公共租赁住房管理办法的通知", None, True),
        ("某市人民政府办公室关于印发2024年政务公开工作要点的通知", None, False),
        ("某市人民政府办公室关于印发2024年政务公开工作要点的通知", "某府办规〔2024〕1号", True),
        ("某市人民政府关于同意设立某某开发区的批复", None, False),
        ("某市停车场管理办法", "市政府令第12号", True),
        ("《某市促进就业若干措施》政策解读", None, False),
    ],
)
def test_needs_interpretation_rules(title: str, doc_no: str | None, needs: bool) -> None:
    assert needs_interpretation_rule(title, doc_no=doc_no) is needs


def test_doc_no_series() -> None:
    assert doc_no_needs_interpretation("粤府办规〔2021〕5号")
    assert doc_no_needs_interpretation("国务院令第711号")
    assert not doc_no_needs_interpretation("国办发〔2019〕54号")
    assert not doc_no_needs_interpretation(None)
    assert doc_no_code("国办发〔2019〕54号") == "国办发"
    assert doc_no_code("发文字号：渝府发〔2023〕15号") == "渝府发"


@pytest.mark.parametrize(
    ("title", "domain"),
    [
        ("某县关于发放2024年耕地地力保护补贴的通知", "涉农补贴"),
        ("某市人民政府关于进一步加强城市生活垃圾分类工作的实施意见", "市政服务"),
        ("某区城市管理综合行政执法局关于开展违法建设专项整治的通知", "城市综合执法"),
        ("某县人民政府关于某镇集体土地征收补偿安置方案的公告", "农村集体土地征收"),
        ("某市教育局关于做好2024年义务教育阶段招生入学工作的通知", "义务教育"),
        ("某省人民政府关于加快发展高等教育的意见", "其他"),
        ("某市人民政府关于调整市政府领导工作分工的通知", "其他"),
        # Scope notes: developing an industry, venture capital, housing-fund loans and toll roads
        # are not the standard domains; procurement notices are 公共资源交易.
        ("某省人民政府关于加快光伏发电产业发展的若干措施", "其他"),
        ("某市关于推进大众创业万众创新深入发展的意见", "其他"),
        ("某市住房公积金管理中心关于调整个人住房公积金贷款利率的通知", "其他"),
        ("某省关于深化收费公路制度改革取消省界收费站的实施方案", "其他"),
        ("某县某中学食堂设备采购项目招标公告", "公共资源交易"),
        # A seed word inside a set phrase of policy prose is not a domain term (not_domain_terms).
        ("某省人民政府关于促进房地产市场平稳健康发展的意见", "其他"),
        ("某市关于推动健康产业发展的意见", "卫生健康"),
    ],
)
def test_domain_seeds(title: str, domain: str) -> None:
    assert domain_vote(title).domain == domain


def test_overlapping_keywords_count_once_and_issuer_words_count_little() -> None:
    scores = domain_scores("关于调整城乡居民基本养老保险待遇的通知")
    assert "社会保险" in scores and "养老服务" not in scores
    issuer_only = domain_scores("某市卫生健康委员会关于调整领导班子成员的通知")
    assert issuer_only.get("卫生健康", 0) <= 1
    assert domain_vote("某市卫生健康委员会关于调整领导班子成员的通知").domain == "其他"


def test_normalised_keys_match_across_sources() -> None:
    assert title_key("某市关于（2020—2025年）规划 的通知") == title_key("某市关于(2020-2025年)规划的通知")
    assert normalise("　２０２４年\u3000通知 ") == "2024年 通知"
    tokens = structure_tokens(("某市人民政府办公厅关于印发某办法的通知", "", "某府办规〔2024〕2号"))
    assert "CODE_GUI" in tokens.split() and "ACT=印发" in tokens.split()


def test_spacy_entities_find_doc_numbers_titles_and_agencies() -> None:
    [found] = text_entities(
        ["现将《某市公共租赁住房管理办法》印发给你们。某府办规〔2024〕2号 根据国务院令第711号，财政部"]
    )
    assert (
        found.doc_nos == ("某府办规〔2024〕2号", "根据国务院令第711号")
        or "某府办规〔2024〕2号" in found.doc_nos
    )
    assert found.quoted_titles == ("某市公共租赁住房管理办法",)
    assert "财政部" in found.agencies
