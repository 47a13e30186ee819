"""The benchmark's synthetic store: readable as real records, and the audit finds what was planted.

A small plan (three sites, ~1,200 documents) of the generator the million-document benchmark uses;
the planted defects are known per document, so the rules they fall under must report exactly them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from gongkai.audits.engine import run_audit
from gongkai.audits.linking import link_graph
from gongkai.models.store import Store, audit_facts, open_store
from gongkai.models.tables import documents

from bench.synthetic_store import Plan, Planted, generate_store

TODAY = date(2027, 3, 31)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Planted]:
    path = tmp_path_factory.mktemp("bench") / "synthetic.db"
    plan = Plan(docs=1200, sites=3, today=TODAY, seed=11, crawled_share=0.5, catalog_share=0.5)
    planted = generate_store(path, plan, keep_subjects=True)
    with open_store(f"sqlite:///{path}") as store:
        run_audit(store, today=TODAY)
    return path, planted


@pytest.fixture
def store(generated: tuple[Path, Planted]) -> Store:
    return open_store(f"sqlite:///{generated[0]}")


def tagged(planted: Planted, *prefixes: str) -> set[str]:
    assert planted.subjects is not None
    return {url for tag, urls in planted.subjects.items() if tag.startswith(prefixes) for url in urls}


def subjects(store: Store, rule: str) -> set[str]:
    return {f.subject for f in store.list_findings(rule_id=rule)}


def test_every_generated_row_reads_back_as_a_valid_record(
    store: Store, generated: tuple[Path, Planted]
) -> None:
    planted = generated[1]
    stored = list(store.iter_documents())  # validates every record JSON against DocumentRecord
    assert len(stored) == planted.documents == 1200
    assert {d.site for d in stored} == {"county-001", "county-002", "county-003"}
    with store.engine.connect() as conn:
        facts = dict(conn.execute(sa.select(documents.c.id, documents.c.audit_facts)).all())  # type: ignore[arg-type]
    for doc in stored:
        assert facts[doc.id] == audit_facts(doc.record.model_dump(mode="json"))


def test_metadata_rules_report_exactly_the_planted_defects(
    store: Store, generated: tuple[Path, Planted]
) -> None:
    planted = generated[1]
    assert subjects(store, "metadata_missing") == tagged(planted, "missing:")
    assert subjects(store, "doc_no_format") == tagged(planted, "doc_no_defective")
    assert subjects(store, "index_no_duplicate") == tagged(planted, "index_clash")
    empty_on_crawled = {
        url
        for url in tagged(planted, "disclosure:withheld_empty")
        if url.split("//")[1].split(".")[0] not in planted.crawled_site_names
    }  # an imported record without body is still "published"; a crawled empty page is not
    expected = tagged(
        planted,
        "disclosure:missing",
        "disclosure:unrecognised",
        "disclosure:on_request",
        "disclosure:withheld_published",
    )
    assert subjects(store, "disclosure_attribute") == expected | empty_on_crawled
    assert len(subjects(store, "empty_column")) == planted.empty_columns == 6
    assert len(subjects(store, "stale_column")) >= planted.stale_news_columns


def test_lateness_comes_only_from_planted_lags(store: Store, generated: tuple[Path, Planted]) -> None:
    planted = generated[1]
    late = store.list_findings(rule_id="late_publication")
    assert late, "the plan puts late documents on every site"
    art26 = {f.subject for f in late if f.evidence.values["period_rule"] == "art26"}
    assert art26 <= tagged(planted, "late_lag", "published_in_future")
    assert len(art26) >= 0.5 * len(tagged(planted, "late_lag"))  # the rest: reposts, 依申请…
    for finding in late:
        values = finding.evidence.values
        if values["unit"] == "working_days":
            assert values["working_days"] > values["limit"]
        else:  # 预算法: calendar days, deadline moved off rest days
            assert values["published_date"] > values["deadline"]


@pytest.mark.real_data  # made-up titles (no real data) do not link fuzzily the way real ones do
def test_interpretations_link_the_way_they_were_planted(
    store: Store, generated: tuple[Path, Planted]
) -> None:
    planted = generated[1]
    by_policy: dict[str, set[str]] = {}
    for edge in link_graph(store):
        by_policy.setdefault(edge["policy_url"], set()).add(edge["method"])
    broken = tagged(planted, "doc_no_year", "missing:title")  # defects planted after the 解读 named them
    for method in ("explicit", "title", "doc_no"):
        for url in tagged(planted, f"linked:{method}") - broken:
            assert method in by_policy.get(url, set()), (method, url)
    fuzzy = tagged(planted, "linked:fuzzy") - broken
    found = [url for url in fuzzy if by_policy.get(url, set()) & {"fuzzy", "title"}]
    assert fuzzy and len(found) >= 0.8 * len(fuzzy)
