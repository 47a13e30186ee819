"""Issue #14: a value only guessed from ``<meta>`` or the URL never becomes a confirmed finding.

The metadata rules (metadata_missing, doc_no_format, date_inconsistency, disclosure_attribute,
late_publication) open a ``confirmed`` finding only from values a reader sees; a finding that rests
on a guessed value is ``to_review`` with a ``review_reason`` naming the field and the guess.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from gongkai.audits.batch import DocBatch, SiteData
from gongkai.audits.catalog import load_standard
from gongkai.audits.rules import RULES_BY_ID, AuditContext
from gongkai.extractors import extract
from gongkai.models.records import DocumentRecord, FieldSource, SiteConfig
from gongkai.models.store import audit_facts

SITE = SiteConfig(
    name="demo",
    agency="示例县人民政府",
    start_urls=["http://127.0.0.1:1/"],
    allowed_hosts=["127.0.0.1"],
)
SEEN = FieldSource(stage="block", label="发布日期", confidence=0.95)
GUESSED = {
    "meta": FieldSource(stage="meta", label="pubdate", confidence=0.5),
    "url": FieldSource(stage="url", confidence=0.3),
}


def record(published_from: str, **fields: object) -> DocumentRecord:
    base: dict[str, object] = {
        "url": "http://127.0.0.1:1/doc/1.html",
        "title": "示例县人民政府关于做好工作的通知",
        "index_no": "QZ05908-3000-2024-00001",
        "publisher": "示例县人民政府",
        "written_date": date(2024, 3, 1),
        "published_date": date(2024, 6, 3),  # far beyond 20 working days
        "disclosure": "主动公开",
        "sources": {"published_date": SEEN if published_from == "block" else GUESSED[published_from]},
    }
    base.update(fields)
    return DocumentRecord(**base)  # type: ignore[arg-type]


def run(rule_id: str, records: list[DocumentRecord]):  # type: ignore[no-untyped-def]
    data = SiteData(site="demo", config=SITE, docs=DocBatch.from_records(records), catalog=load_standard())
    return RULES_BY_ID[rule_id].run(data, AuditContext(today=date(2026, 6, 30)))


def test_late_publication_is_confirmed_only_on_a_visible_date() -> None:
    (seen,) = run("late_publication", [record("block")])
    assert seen.certainty == "confirmed" and seen.review_reason is None


@pytest.mark.parametrize(("stage", "said"), [("meta", "<meta>"), ("url", "the URL")])
def test_late_publication_on_a_guessed_date_is_to_review(stage: str, said: str) -> None:
    (guessed,) = run("late_publication", [record(stage)])
    assert guessed.certainty == "to_review"
    assert guessed.review_reason == f"published_date read only from {said}"


def test_date_inconsistency_on_a_guessed_date_is_to_review() -> None:
    before = {"published_date": date(2024, 2, 1)}
    (seen,) = run("date_inconsistency", [record("block", **before)])
    (guessed,) = run("date_inconsistency", [record("meta", **before)])
    assert seen.certainty == "confirmed"
    assert guessed.certainty == "to_review"
    assert "published_date read only from <meta>" in (guessed.review_reason or "")


def test_a_guessed_value_is_not_reported_missing_and_an_absent_one_is() -> None:
    assert run("metadata_missing", [record("meta")]) == []
    (absent,) = run("metadata_missing", [record("block", index_no=None)])
    assert absent.certainty == "confirmed" and absent.evidence.values["missing"] == ["index_no"]


def test_doc_no_and_disclosure_rules_name_the_guess() -> None:
    guessed_doc_no = {"doc_no": FieldSource(stage="meta", label="doc_no")}
    rows = [record("block", doc_no="示政发[2024]1号", doc_no_defects=["wrong_brackets"])]
    second = {"url": "http://127.0.0.1:1/doc/2.html", "sources": guessed_doc_no}
    rows.append(rows[0].model_copy(update=second))
    seen, guessed = run("doc_no_format", rows)
    assert seen.certainty == "confirmed" and guessed.certainty == "to_review"
    assert guessed.review_reason == "doc_no read only from <meta>"


def test_the_store_keeps_which_fields_were_guessed() -> None:
    dumped = record("meta").model_dump(mode="json")
    facts = audit_facts(json.loads(json.dumps(dumped)))
    assert facts["guessed"] == {"published_date": "meta"}
    assert "guessed" not in audit_facts(record("block").model_dump(mode="json"))


def test_extraction_marks_meta_and_url_values_as_guesses() -> None:
    page = (
        "<html><head><meta name='PubDate' content='2024-06-03'><title>示例</title></head><body>"
        "<h1>示例县人民政府关于做好工作的通知</h1><div class='content'><p>" + "正文内容。" * 30 + "</p></div>"
        "</body></html>"
    ).encode()
    from_meta = extract(page, "http://127.0.0.1:1/doc/1.html")
    assert from_meta.sources["published_date"].stage == "meta"
    assert from_meta.sources["title"].stage == "body" and from_meta.sources["title"].confidence >= 0.75
    without_meta = page.replace(b"<meta name='PubDate' content='2024-06-03'>", b"")
    from_url = extract(without_meta, "http://127.0.0.1:1/zwgk/t20240603_1.html")
    assert from_url.sources["published_date"].stage == "url"
    assert from_url.sources["published_date"].confidence < from_meta.sources["published_date"].confidence
