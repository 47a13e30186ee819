"""What the audit does to go fast must not change what it produces."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime

from gongkai.audits.batch import DocBatch, SiteData
from gongkai.audits.engine import run_audit
from gongkai.audits.rules import RULES_BY_ID
from gongkai.audits.rules.base import document_finding
from gongkai.models.records import DocumentRecord, Evidence, Finding
from gongkai.models.store import Store


def test_a_built_finding_is_the_finding_pydantic_would_validate() -> None:
    record = DocumentRecord(
        url="http://127.0.0.1:1/1.html",
        title="标题",
        page_sha256="c" * 64,
        fetched_at=datetime(2024, 3, 6, 2, 13, tzinfo=UTC),
    )
    data = SiteData(site="county", config=None, docs=DocBatch.from_records([record], warc_record_ids=["<w>"]))
    built = document_finding(RULES_BY_ID["metadata_missing"], data, 0, "no 索引号", {"missing": ["index_no"]})
    validated = Finding.model_validate(built.model_dump())
    assert built == validated
    assert built.evidence == Evidence(
        url=record.url,
        fetched_at=record.fetched_at,
        sha256="c" * 64,
        warc_record_id="<w>",
        values=built.evidence.values,
    )
    assert built.model_fields_set == validated.model_fields_set
    built.status = "closed"  # assignment is still validated
    assert built.status == "closed"
    assert built.model_dump_json() == validated.model_copy(update={"status": "closed"}).model_dump_json()


def test_the_audit_hands_the_garbage_collector_back_as_it_found_it(store: Store) -> None:
    store.save_documents([DocumentRecord(url="http://127.0.0.1:1/1.html", site="county", title="t")])
    assert gc.isenabled()
    run_audit(store, today=date(2024, 6, 3))
    assert gc.isenabled()
    gc.disable()
    try:
        run_audit(store, today=date(2024, 6, 4))
        assert not gc.isenabled()
    finally:
        gc.enable()
