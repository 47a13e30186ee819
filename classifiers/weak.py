"""Weak labels: the seed vocabularies and title rules applied to unlabelled titles.

No large labelled set exists for the 26 domains, document types or needs-解读, so training labels
are made here from hand-written, documented rules (``corpus/classifiers/*.yaml``) and the models
learn to generalise past them. Every function is pure: a title (and 文号) in, a label out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from gongkai.classifiers.labels import DOMAINS, OTHER_DOMAIN
from gongkai.classifiers.paths import RESOURCES
from gongkai.classifiers.text import normalise
from gongkai.classifiers.titles import TitleParts, parse_title

DOMAIN_SEEDS = RESOURCES / "domain_seeds.yaml"
DOC_RULES = RESOURCES / "doc_rules.yaml"

#: gov.cn 二级 topics whose documents belong to one standard domain (distant supervision).
TOPIC2_TO_DOMAIN: dict[str, str] = {
    "市场监管、安全生产监管\\食品药品监管": "食品药品监管",
    "市场监管、安全生产监管\\安全生产监管": "安全生产",
    "财政、金融、审计\\税务": "税收管理",
    "城乡建设、环境保护\\环境监测、保护与治理": "生态环境",
    "城乡建设、环境保护\\城市规划": "城乡规划",
    "劳动、人事、监察\\劳动就业": "就业",
    "劳动、人事、监察\\社会保障": "社会保险",
    "民政、扶贫、救灾\\减灾救灾": "救灾",
    "民政、扶贫、救灾\\扶贫": "扶贫",
    "卫生、体育\\卫生": "卫生健康",
    "文化、广电、新闻出版\\文物": "公共文化服务",
    "文化、广电、新闻出版\\文化": "公共文化服务",
    "卫生、体育\\体育": "公共文化服务",
    "国民经济管理、国有资产监管\\重大建设项目": "重大建设项目",
}


@dataclass(frozen=True)
class DomainSeed:
    domain: str
    keywords: tuple[tuple[str, int], ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class DomainVote:
    domain: str
    alt: str | None
    scores: dict[str, int]


@lru_cache(maxsize=1)
def domain_seeds() -> tuple[DomainSeed, ...]:
    data: dict[str, Any] = yaml.safe_load(DOMAIN_SEEDS.read_text(encoding="utf-8"))
    unknown = set(data) - set(DOMAINS) - {NOT_DOMAIN_TERMS}
    if unknown:
        raise ValueError(f"{DOMAIN_SEEDS}: unknown domains {sorted(unknown)}")
    seeds = []
    for domain in DOMAINS:
        entry = data.get(domain) or {}
        words = [(w, len(w)) for w in entry.get("strong") or []] + [(w, 1) for w in entry.get("weak") or []]
        seeds.append(DomainSeed(domain, tuple(words), tuple(entry.get("exclude") or [])))
    return tuple(seeds)


#: The seed file's list of set phrases in which a seed word is not a domain term (健康 in
#: 平稳健康发展 means "sound", not health): they take their characters before any keyword does.
NOT_DOMAIN_TERMS = "not_domain_terms"


@lru_cache(maxsize=1)
def not_domain_terms() -> tuple[str, ...]:
    data: dict[str, Any] = yaml.safe_load(DOMAIN_SEEDS.read_text(encoding="utf-8"))
    return tuple(data.get(NOT_DOMAIN_TERMS) or [])


@lru_cache(maxsize=1)
def _keyword_index() -> tuple[list[tuple[str, int, str | None]], dict[str, tuple[str, ...]]]:
    hits: list[tuple[str, int, str | None]] = [(word, 0, None) for word in not_domain_terms()]
    hits += [(word, weight, seed.domain) for seed in domain_seeds() for word, weight in seed.keywords]
    # Stable sort: at equal length a set phrase comes first and masks the keyword inside it.
    hits.sort(key=lambda item: -len(item[0]))
    return hits, {seed.domain: seed.exclude for seed in domain_seeds()}


def domain_scores(title: str, issuer_end: int | None = None) -> dict[str, int]:
    """Seed-keyword score per domain; overlapping hits keep only the longest keyword.

    Hits inside the issuer part of the title (before 关于: who writes, not what about) score 1.
    """
    text = normalise(title)
    if issuer_end is None:
        about = text.find("关于")
        issuer_end = about if about > 0 else 0
    keywords, excludes = _keyword_index()
    taken = [False] * len(text)
    scores: dict[str, int] = {}
    for word, weight, domain in keywords:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                if domain is None:  # a set phrase (NOT_DOMAIN_TERMS): masks, never scores
                    start = text.find(word, end)
                    continue
                scores[domain] = scores.get(domain, 0) + (1 if end <= issuer_end else weight)
            start = text.find(word, end)
    for domain in list(scores):
        if any(word in text for word in excludes[domain]):
            del scores[domain]
    return scores


def domain_vote(title: str) -> DomainVote:
    scores = domain_scores(title)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], DOMAINS.index(kv[0])))
    if not ranked or ranked[0][1] < 2:
        return DomainVote(OTHER_DOMAIN, None, scores)
    alt = None
    if len(ranked) > 1 and ranked[1][1] >= 2 and ranked[1][1] * 2 >= ranked[0][1]:
        alt = ranked[1][0]
    return DomainVote(ranked[0][0], alt, scores)


@dataclass(frozen=True)
class DocRules:
    interpretation: re.Pattern[str]
    formal_genres: frozenset[str]
    other: re.Pattern[str]
    report_genres: frozenset[str]
    report: re.Pattern[str]
    announcement_genres: frozenset[str]
    announcement: re.Pattern[str]
    administrative_genres: frozenset[str]
    administrative: re.Pattern[str]
    administrative_strong: re.Pattern[str]
    regulation_genres: frozenset[str]
    normative_inner_genres: frozenset[str]
    doc_no_needs: re.Pattern[str]
    not_public_policy: re.Pattern[str]
    annual_work: re.Pattern[str]


@lru_cache(maxsize=1)
def doc_rules() -> DocRules:
    data: dict[str, Any] = yaml.safe_load(DOC_RULES.read_text(encoding="utf-8"))
    values: dict[str, Any] = {}
    for name, field_type in DocRules.__annotations__.items():
        raw = data[name]
        values[name] = frozenset(raw) if "frozenset" in str(field_type) else re.compile(raw)
    return DocRules(**values)


_QUOTED = re.compile(r"《[^《》]*》")


def doc_type_rule(title: str, parts: TitleParts | None = None) -> str:
    """The guide's doc_type from the title's wording and structure (first rule that fires)."""
    rules = doc_rules()
    parts = parts or parse_title(title)
    text = parts.title
    # A 解读 names its policy in 《》: "一图读懂《…管理办法》" ends in the policy's genre, yet the
    # marker outside the quotes says what the page is.
    outside_quotes = _QUOTED.sub("", text)
    if rules.interpretation.search(text) and (
        parts.genre not in rules.formal_genres
        or (text.rstrip().endswith("》") and rules.interpretation.search(outside_quotes))
    ):
        return "interpretation"
    if rules.other.search(text):
        return "other"
    if parts.genre in rules.administrative_genres or rules.administrative_strong.search(text):
        return "administrative"
    if not parts.has_about and (parts.genre in rules.regulation_genres or parts.is_order):
        return "normative"
    wraps_rule = parts.action is not None and parts.inner_genre in rules.normative_inner_genres
    if parts.genre in rules.announcement_genres or (not wraps_rule and rules.announcement.search(text)):
        return "announcement"
    if not wraps_rule and (parts.genre in rules.report_genres or rules.report.search(text)):
        return "report"
    if not wraps_rule and rules.administrative.search(text):
        return "administrative"
    if parts.genre is None and not parts.is_order and parts.has_about is False and len(text) < 8:
        return "other"
    return "normative"


def doc_no_needs_interpretation(doc_no: str | None) -> bool:
    """A 规 series 文号 (粤府规, 沪府规…) or a 令: always a rule-setting document (BRIEF §2.4)."""
    if not doc_no:
        return False
    code = re.split(r"[〔\[(（【]", normalise(doc_no))[0]
    return bool(doc_rules().doc_no_needs.search(code))


def needs_interpretation_rule(
    title: str, doc_type: str | None = None, doc_no: str | None = None, parts: TitleParts | None = None
) -> bool:
    rules = doc_rules()
    parts = parts or parse_title(title)
    doc_type = doc_type or doc_type_rule(title, parts)
    if doc_type == "interpretation":
        return False  # a 解读 is not itself interpreted, whatever 文号 it names
    if doc_no_needs_interpretation(doc_no) or parts.is_order:
        return True
    if doc_type != "normative":
        return False
    text = parts.title
    return not (rules.not_public_policy.search(text) or rules.annual_work.search(text))
