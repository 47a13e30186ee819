"""Issue #12: rules accuse only on facts or confident calls; the rest is listed apart, to review.

Table-driven over the three accusation-bearing rules, with hand-made classifications (no model
needed), plus the confident-call helper the CLI prints and the thresholds' agreement with the
shipped model card.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from gongkai.audits.batch import DocBatch, SiteData
from gongkai.audits.catalog import catalog_for_site
from gongkai.audits.linking import find_links, interpretation_index
from gongkai.audits.rules import RULES_BY_ID, AuditContext
from gongkai.audits.rules.confidence import CONFIDENCE, confident, threshold
from gongkai.classifiers import call_confidence
from gongkai.classifiers.api import page_facts_first
from gongkai.classifiers.paths import DEFAULT_MODEL_DIR
from gongkai.models.records import Classification, DocumentRecord, Link, SiteConfig

TODAY = date(2026, 6, 30)
SITE = SiteConfig(
    name="county",
    agency="某县人民政府",
    start_urls=["http://127.0.0.1:1/"],
    allowed_hosts=["127.0.0.1"],
    catalog="standard",
)


def policy(n: int = 1, **fields: object) -> DocumentRecord:
    base: dict[str, object] = {
        "url": f"http://127.0.0.1:1/doc/{n}.html",
        "title": f"某县人民政府关于印发某县第{n}项管理办法的通知",
        "publisher": "某县人民政府",
        "written_date": date(2026, 3, 1),
        "published_date": date(2026, 3, 2),
    }
    base.update(fields)
    return DocumentRecord(**base)  # type: ignore[arg-type]


def needs(p: float, fact: str | None = None) -> Classification:
    scores: dict[str, object] = {"needs_interpretation": p, "domain": {"其他": 0.9}}
    if fact:
        scores["facts"] = {"needs_interpretation": fact}
    return Classification(doc_type="normative", needs_interpretation=True, scores=scores)


def run(rule_id: str, records: list[DocumentRecord], classes: list[Classification | None]) -> list:  # type: ignore[type-arg]
    batch = DocBatch.from_records(records, classes)
    data = SiteData(site="county", config=SITE, docs=batch, catalog=catalog_for_site("standard"))
    data.interpretations = interpretation_index(batch, find_links(batch, {}, {}))
    return RULES_BY_ID[rule_id].run(data, AuditContext(today=TODAY))


LIMIT = threshold("needs_interpretation")


@pytest.mark.parametrize(
    ("classification", "certainty"),
    [
        (needs(min(1.0, LIMIT + 0.005)), "confirmed"),  # a confident call
        (needs(LIMIT - 0.2), "to_review"),  # a guess
        (
            needs(0.55, fact="规/令 series 文号 某府规〔2026〕1号"),
            "confirmed",
        ),  # a fact, whatever the model says
        (
            Classification(doc_type="normative", needs_interpretation=True),
            "to_review",
        ),  # no probability at all
    ],
)
def test_missing_interpretation_accuses_only_on_a_fact_or_a_confident_call(
    classification: Classification, certainty: str
) -> None:
    [finding] = run("missing_interpretation", [policy()], [classification])
    assert finding.certainty == certainty
    if certainty == "to_review":
        assert finding.review_reason and f"threshold {LIMIT:.2f}" in finding.review_reason
    else:
        assert finding.review_reason is None
    assert "needs_interpretation_probability" in finding.evidence.values


def test_late_interpretation_is_to_review_when_the_need_is_a_guess() -> None:
    doc = policy(
        1, title="某县人民政府关于印发某县农村危房改造实施办法的通知", published_date=date(2026, 2, 2)
    )
    interp = policy(
        2,
        title="《某县农村危房改造实施办法》政策解读",
        published_date=date(2026, 3, 2),
        is_interpretation=True,
    )
    as_interp = Classification(doc_type="interpretation", scores={"needs_interpretation": 0.01})
    [sure] = run("late_interpretation", [doc, interp], [needs(0.999), as_interp])
    [unsure] = run("late_interpretation", [doc, interp], [needs(0.6), as_interp])
    assert sure.certainty == "confirmed" and unsure.certainty == "to_review"
    assert "0.60" in (unsure.review_reason or "")


def _gap_subjects(records: list[DocumentRecord], classes: list[Classification | None]) -> dict[str, str]:
    return {f.subject: f.certainty for f in run("catalog_gap", records, classes)}


def test_catalog_gap_is_confirmed_only_when_no_document_may_be_of_the_domain() -> None:
    records = [policy(1, title="某县关于开展消防安全检查的通知")]
    other = Classification(domain="安全生产", scores={"domain": {"安全生产": 0.99, "社会救助": 0.005}})
    maybe = Classification(domain="安全生产", scores={"domain": {"安全生产": 0.5, "社会救助": 0.4}})
    confirmed = _gap_subjects(records, [other])
    assert confirmed["catalog:shjz.policy"] == "confirmed"  # the one document is surely of another domain
    unsure = _gap_subjects(records, [maybe])
    assert unsure["catalog:shjz.policy"] == "to_review"  # it may be a 社会救助 document the words missed
    unknown = _gap_subjects(records, [None])
    assert unknown["catalog:shjz.policy"] == "to_review"  # an unclassified document may be anything
    [reason] = [
        f.review_reason for f in run("catalog_gap", records, [maybe]) if f.subject == "catalog:shjz.policy"
    ]
    assert reason and "0.40" in reason and f"{threshold('domain'):.2f}" in reason


def test_confident_is_per_task_and_facts_settle_a_task() -> None:
    result = Classification(
        topic="城乡建设、环境保护",
        domain="生态环境",
        doc_type="normative",
        needs_interpretation=True,
        scores={
            "topic": {"城乡建设、环境保护": 0.2},
            "domain": {"生态环境": 0.99},
            "doc_type": {"normative": 0.99},
            "needs_interpretation": 0.3,
            "facts": {"needs_interpretation": "规/令 series 文号 x"},
        },
    )
    assert confident(result) == {
        "needs_interpretation": True,
        "domain": True,
        "topic": False,
        "doc_type": True,
    }
    no_fact = result.model_copy(update={"scores": {**result.scores, "facts": {}}})
    assert confident(no_fact)["needs_interpretation"] is False
    # A domain call is judged on P(the call is right) when the classifier gives it, not on the
    # label's blended score.
    doubted = result.model_copy(
        update={"scores": {**result.scores, "domain_call": threshold("domain") - 0.01}}
    )
    assert confident(doubted)["domain"] is False
    trusted = result.model_copy(
        update={"scores": {**result.scores, "domain": {"生态环境": 0.3}, "domain_call": threshold("domain")}}
    )
    assert confident(trusted)["domain"] is True


def test_call_confidence_learns_what_a_right_call_rests_on() -> None:
    # Calls where the seed vote agrees are right, the others wrong: agreement must raise P(right).
    evidence, right = [], []
    for i in range(40):
        agree = i % 2 == 0
        evidence.append(call_confidence.call_features(0.6, 0.6, 0.2, agree, False, False, 4))
        right.append(agree if i % 10 else not agree)  # some noise: the fit stays finite
    weights = call_confidence.fit(evidence, right)
    assert set(weights) == {call_confidence.PREFIX + n for n in (*call_confidence.FEATURES, "intercept")}
    sure = call_confidence.probability(
        weights, call_confidence.call_features(0.6, 0.6, 0.2, True, False, False, 4)
    )
    unsure = call_confidence.probability(
        weights, call_confidence.call_features(0.6, 0.6, 0.2, False, False, False, 4)
    )
    assert 0.5 < sure < 1.0 and 0.0 < unsure < 0.5


def test_the_call_model_learns_from_heads_that_never_saw_the_government() -> None:
    # Each development government gets a domain head fitted without its titles: a class only one
    # government's rows teach is unknown to the head trained without that government.
    from types import SimpleNamespace

    import numpy as np
    from gongkai.classifiers.data import DevTitle, is_check_source, source_government
    from gongkai.classifiers.training import fit_domain_without_each_government
    from scipy.sparse import csr_matrix

    assert source_government("titles:Sichuan Provincial Government") == "Sichuan Provincial Government"
    assert source_government("govcn:国务院文件") == source_government("govcn_page") == "State Council"
    assert source_government("hebei:省政府办公厅") is None and source_government("catalog") is None
    first, second = "Shanghai Municipal Government", "State Council"
    assert not is_check_source(first) and not is_check_source(second)
    rows, labels, governments = [], [], []
    for label, column, owners in (("A", 0, (first, second)), ("B", 1, (first, second)), ("C", 2, (first,))):
        for owner in owners:
            for _ in range(9):
                rows.append([1.0 if j == column else 0.1 for j in range(3)])
                labels.append(label)
                governments.append(owner)
    dev = [
        DevTitle(str(i), "t", gov, "其他", None, "other", False, "") for i, gov in enumerate((first, second))
    ]
    heads = fit_domain_without_each_government(
        None, csr_matrix(np.array(rows)), labels, governments, SimpleNamespace(dev=dev)
    )
    assert sorted(heads) == [first, second]
    assert list(heads[first].named_steps["model"].classes_) == ["A", "B"]
    assert list(heads[second].named_steps["model"].classes_) == ["A", "B", "C"]


def test_the_page_outranks_the_classifier() -> None:
    guess = Classification(
        topic="农业、林业、水利",
        doc_type="normative",
        needs_interpretation=False,
        scores={"topic": {"农业、林业、水利": 0.4}, "needs_interpretation": 0.2},
        low_confidence=["topic", "needs_interpretation"],
    )
    printed = policy(
        topic="城乡建设、环境保护\\节能与资源综合利用",
        topic_levels=["城乡建设、环境保护", "节能与资源综合利用"],
    )
    result = page_facts_first(printed, guess)
    assert result.topic == "城乡建设、环境保护" and result.topic_level2 == "节能与资源综合利用"
    assert "topic" in result.scores["facts"] and "topic" not in result.low_confidence
    boxed = policy(links=[Link(url="http://127.0.0.1:1/jd/1.html", text="政策解读", kind="interpretation")])
    assert page_facts_first(boxed, guess).needs_interpretation is True
    is_interp = policy(is_interpretation=True)
    result = page_facts_first(is_interp, guess.model_copy(update={"doc_type": "normative"}))
    assert result.doc_type == "interpretation" and result.needs_interpretation is False
    assert page_facts_first(policy(), guess) is guess  # nothing printed: the model's call stands


def test_rule_thresholds_are_the_ones_the_shipped_card_chose_on_development_data() -> None:
    card = json.loads((DEFAULT_MODEL_DIR / "classifiers.card.json").read_text(encoding="utf-8"))
    chosen = {task: section["threshold"] for task, section in card["confidence"].items()}
    assert chosen == {task: limit for task, (limit, _) in CONFIDENCE.items()}
    assert (
        RULES_BY_ID["missing_interpretation"].parameters["min_needs_probability"]
        == chosen["needs_interpretation"]
    )
    assert RULES_BY_ID["catalog_gap"].parameters["min_domain_probability"] == chosen["domain"]


def test_domain_threshold_is_judged_on_the_wilson_lower_bound_of_precision() -> None:
    from gongkai.classifiers.evaluation import Call, choose_threshold, wilson_lower_bound

    # 19 of 20 right is a point precision of 0.95 but a 95 % lower bound well below it.
    assert wilson_lower_bound(19, 20, 1.645) < 0.85 < 19 / 20
    assert wilson_lower_bound(0, 0, 1.645) == 1.0
    # 100 calls: the 90 surest right, then 10 wrong ones interleaved with 20 right ones lower down.
    calls = [Call(0.99, False, "a", "a")] * 90
    calls += [Call(0.9 - 0.01 * i, False, "a", "a" if i % 3 else "b") for i in range(30)]
    point = choose_threshold(calls, "domain", {"precision": 0.95, "coverage": 0.80})
    bound = choose_threshold(calls, "domain", {"precision": 0.95, "coverage": 0.80, "precision_z": 1.645})
    # The bound asks for more margin: a higher threshold (fewer, surer calls), still one of the grid's.
    assert bound > point
