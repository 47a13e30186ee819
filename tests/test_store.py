"""The store on SQLite and PostgreSQL: round trips, idempotent writes, versions, findings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from gongkai.models import (
    Attachment,
    Classification,
    DocumentRecord,
    Evidence,
    FetchedPage,
    FieldSource,
    Finding,
    InterpretedPolicy,
    Link,
    SiteConfig,
)
from gongkai.models.store import Store
from gongkai.models.tables import blobs, document_versions, documents, page_versions, pages

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def full_record(**changes: object) -> DocumentRecord:
    record = DocumentRecord(
        url="http://127.0.0.1:8801/xxgk/t20200915_1.html",
        site="hongshan",
        column="政策文件",
        title="石狮市鸿山镇人民政府关于印发《鸿山镇2020年政务公开工作要点》的通知",
        index_no="QZ05908-3000-2020-00010",
        doc_no="鸿政〔2020〕53号",
        publisher="石狮市鸿山镇人民政府",
        written_date=date(2020, 9, 15),
        published_date=date(2020, 9, 18),
        disclosure="主动公开",
        topic="综合政务\\政务公开",
        validity="有效",
        doc_no_normalized="鸿政〔2020〕53号",
        topic_levels=["综合政务", "政务公开"],
        body_text="各村（社区）……",
        links=[Link(url="http://127.0.0.1:8801/jd/1.html", text="图解", kind="interpretation")],
        attachments=[Attachment(url="http://127.0.0.1:8801/a.pdf", text="附件1", file_type="pdf")],
        has_interpretation_box=True,
        interprets=[InterpretedPolicy(title="某办法", doc_no="鸿政〔2020〕1号")],
        sources={"title": FieldSource(stage="meta", label="ArticleTitle", raw="…")},
        fetched_at=T0,
        page_sha256="0" * 64,
    )
    return record.model_copy(update=changes)


def test_site_config_round_trip(store: Store) -> None:
    config = SiteConfig(
        name="hongshan",
        agency="石狮市鸿山镇人民政府",
        start_urls=["http://127.0.0.1:8801/xxgk/"],
        allowed_hosts=["127.0.0.1:8801"],
    )
    store.upsert_site(config)
    store.upsert_site(config.model_copy(update={"delay_seconds": 2.0}))
    assert store.site_names() == ["hongshan"]
    assert store.get_site("hongshan") == config.model_copy(update={"delay_seconds": 2.0})


def test_document_round_trip_and_idempotence(store: Store) -> None:
    record = full_record()
    first = store.save_document(record)
    again = store.save_document(record.model_copy(update={"fetched_at": T0 + timedelta(days=1)}))
    assert (first.status, again.status) == ("new", "unchanged")
    assert first.document_id == again.document_id
    assert count(store, documents) == 1
    assert count(store, document_versions) == 1
    [stored] = list(store.iter_documents("hongshan"))
    assert stored.record == record
    assert stored.last_seen_at == T0 + timedelta(days=1)
    [listed] = store.list_documents("hongshan")
    assert listed["written_date"] == "2020-09-15"
    assert listed["doc_no"] == "鸿政〔2020〕53号"
    assert listed["site"] == "hongshan"


def test_changed_document_keeps_its_history(store: Store) -> None:
    old = full_record()
    new = full_record(published_date=date(2020, 9, 20), fetched_at=T0 + timedelta(days=10))
    store.save_document(old)
    result = store.save_document(new)
    assert result.status == "changed" and result.version == 2
    assert count(store, documents) == 1
    history = store.document_history(old.url, "hongshan")
    assert [v.version for v in history] == [1, 2]
    assert history[0].valid_to == history[1].valid_from == T0 + timedelta(days=10)
    assert store.document_as_of(old.url, "hongshan", T0 + timedelta(days=5)) == old
    assert store.document_as_of(old.url, "hongshan", T0 + timedelta(days=11)) == new
    assert store.document_as_of(old.url, "hongshan", T0 - timedelta(days=1)) is None
    # the current row shows the newest values
    assert store.list_documents()[0]["published_date"] == "2020-09-20"


def test_same_url_on_two_sites_is_two_documents(store: Store) -> None:
    store.save_document(full_record(), site="a")
    store.save_document(full_record(), site="b")
    assert count(store, documents) == 2


def test_pages_and_blobs_are_stored_once(store: Store) -> None:
    body = "<html><meta charset=gbk>鸿山镇</html>".encode("gb18030") * 50
    page = FetchedPage(
        url="http://127.0.0.1:8801/xxgk/",
        final_url="http://127.0.0.1:8801/xxgk/index.html",
        status=200,
        headers={"ETag": '"abc"', "Content-Type": "text/html; charset=gbk"},
        fetched_at=T0,
        site="hongshan",
        kind="list",
        warc_record_id="<urn:uuid:1>",
        warc_file="x.warc.gz",
        size=len(body),
    )
    first = store.save_page(page, body)
    second = store.save_page(page.model_copy(update={"fetched_at": T0 + timedelta(hours=1)}), body)
    assert first.changed and not second.changed
    assert first.page_id == second.page_id
    assert (count(store, pages), count(store, page_versions), count(store, blobs)) == (1, 1, 1)
    assert store.page_body(page.url) == body  # raw bytes, original encoding
    stored = store.get_page(page.url)
    assert stored is not None
    assert stored.headers["etag"] == '"abc"' and stored.sha256 == first.sha256
    assert stored.fetched_at == T0 + timedelta(hours=1)

    # a 304 refreshes the fetch time and keeps the body
    store.save_page(page.model_copy(update={"status": 304, "fetched_at": T0 + timedelta(hours=2)}), None)
    assert store.page_body(page.url) == body
    # a new body is a new version; the old bytes stay
    changed = store.save_page(page.model_copy(update={"fetched_at": T0 + timedelta(days=1)}), body + b"x")
    assert changed.changed
    assert (count(store, pages), count(store, page_versions), count(store, blobs)) == (1, 2, 2)
    assert store.get_blob(first.sha256 or "") == body


def test_classification_round_trip(store: Store) -> None:
    saved = store.save_document(full_record())
    result = Classification(
        topic="综合政务",
        topic_level2="政务公开",
        domain="就业",
        domain_alt="社会保险",
        doc_type="normative",
        needs_interpretation=True,
        scores={"domain": 0.91},
        low_confidence=["topic"],
        model_version="m1",
    )
    store.save_classifications([(saved.document_id, result)])
    store.save_classifications([(saved.document_id, result)])
    assert store.get_classification(saved.document_id) == result


def finding(subject: str, **changes: object) -> Finding:
    base = Finding(
        rule_id="late_publication",
        rule_version="1",
        severity="high",
        site="hongshan",
        document_url=full_record().url,
        subject=subject,
        detail="published 25 working days after 成文",
        legal_basis="《政府信息公开条例》第二十六条",
        evidence=Evidence(
            url=full_record().url,
            fetched_at=T0,
            sha256="0" * 64,
            warc_record_id="<urn:uuid:1>",
            values={"working_days": 25},
        ),
    )
    return base.model_copy(update=changes)


def test_findings_open_refresh_close_and_reopen(store: Store) -> None:
    store.save_document(full_record())
    rules = ["late_publication"]
    a, b = finding("doc-a"), finding("doc-b", document_url=None)
    assert store.sync_findings("hongshan", rules, [a, b], date(2025, 3, 1)) == {
        "opened": 2,
        "kept": 0,
        "closed": 0,
        "reopened": 0,
    }
    assert store.sync_findings("hongshan", rules, [a, b], date(2025, 3, 2))["kept"] == 2
    [stored_a, stored_b] = store.list_findings("hongshan")
    assert stored_a == a.model_copy(update={"first_seen": date(2025, 3, 1), "last_seen": date(2025, 3, 2)})
    assert stored_b.document_url is None
    assert store.sync_findings("hongshan", rules, [a], date(2025, 3, 3))["closed"] == 1
    [closed] = store.list_findings("hongshan", status="closed")
    assert (closed.subject, closed.closed_on) == ("doc-b", date(2025, 3, 3))
    assert store.sync_findings("hongshan", rules, [a, b], date(2025, 3, 4))["reopened"] == 1
    assert len(store.list_findings("hongshan")) == 2
    # other rules' findings are untouched by a sync of one rule
    store.sync_findings("hongshan", ["doc_no_format"], [], date(2025, 3, 5))
    assert len(store.list_findings("hongshan")) == 2


def test_a_kept_finding_takes_new_content_and_closed_ones_keep_their_last_seen(store: Store) -> None:
    saved = store.save_document(full_record())
    rules = ["late_publication"]
    a, b, c = finding("doc-a"), finding("doc-b"), finding("doc-c")
    store.sync_findings("hongshan", rules, [a, b, c], date(2025, 3, 1))
    changed = a.model_copy(update={"detail": "published 26 working days after 成文", "severity": "medium"})
    ids = {full_record().url: saved.document_id}
    stats = store.sync_findings("hongshan", rules, [changed, b], date(2025, 3, 2), document_ids=ids)
    assert stats == {"opened": 0, "kept": 2, "closed": 1, "reopened": 0}
    stored = {f.subject: f for f in store.list_findings("hongshan", status=None)}
    assert (stored["doc-a"].detail, stored["doc-a"].severity) == (changed.detail, "medium")
    assert stored["doc-a"].document_url == full_record().url  # from the id map the caller gave
    assert [stored[s].last_seen for s in ("doc-a", "doc-b")] == [date(2025, 3, 2)] * 2
    assert (stored["doc-c"].status, stored["doc-c"].last_seen) == ("closed", date(2025, 3, 1))
    # a day later nothing changed: everything still true moves its last_seen, the closed one stays
    store.sync_findings("hongshan", rules, [changed, b], date(2025, 3, 3))
    stored = {f.subject: f for f in store.list_findings("hongshan", status=None)}
    assert [stored[s].last_seen for s in ("doc-a", "doc-b", "doc-c")] == [
        date(2025, 3, 3),
        date(2025, 3, 3),
        date(2025, 3, 1),
    ]
    assert stored["doc-a"] == changed.model_copy(
        update={"first_seen": date(2025, 3, 1), "last_seen": date(2025, 3, 3)}
    )


def test_a_site_created_in_a_rolled_back_transaction_is_not_remembered(sqlite_url: str) -> None:
    """The store caches site ids; a rollback that undoes a new site must not leave its id cached."""
    from gongkai.models.store import open_store

    with open_store(sqlite_url) as store:
        record = DocumentRecord(url="https://a.example/1.html", title="通知")
        try:
            with store.transaction() as conn:
                store.save_documents([record], "ghost", conn=conn)
                store.save_documents([record], "ghost", conn=conn)  # cached here, inside the transaction
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        assert store.site_names() == []
        [saved] = store.save_documents([record], "ghost")
        assert saved.status == "new"
        assert store.site_names() == ["ghost"]
