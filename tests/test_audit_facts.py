"""``documents.audit_facts``: written with each version, back-filled by migration 0003, read by the audit."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from gongkai.audits.engine import run_audit
from gongkai.audits.loader import load_site, ordinals
from gongkai.models import database
from gongkai.models.records import Attachment, DocumentRecord, FetchedPage, InterpretedPolicy, Link
from gongkai.models.store import AUDIT_FACTS_VERSION, audit_facts, open_store
from gongkai.models.tables import documents

FETCHED = datetime(2024, 3, 6, 2, 13, tzinfo=UTC)


def policy(**changes: object) -> DocumentRecord:
    base = DocumentRecord(
        url="http://127.0.0.1:1/p1.html",
        site="county",
        title="某县人民政府关于印发某县临时救助办法的通知",
        doc_no="某政发[2024]3号",
        doc_no_normalized="某政发〔2024〕3号",
        doc_no_defects=["brackets"],
        publisher="某县人民政府",
        written_date=date(2024, 1, 31),
        published_date=date(2024, 3, 5),
        disclosure=None,
        disclosure_raw="公开范围：全社会",
        body_text="  正文  ",
        links=[
            Link(url="http://127.0.0.1:1/i1.html", text="相关解读", kind="interpretation"),
            Link(url="http://127.0.0.1:1/other.html", text="相关链接", kind="related"),
        ],
        attachments=[Attachment(url="http://127.0.0.1:1/a.pdf")],
        page_sha256="a" * 64,
        fetched_at=FETCHED,
    )
    return base.model_copy(update=changes)


def test_facts_keep_only_what_the_audit_reads() -> None:
    facts = audit_facts(policy().model_dump(mode="json"))
    assert facts == {
        "v": AUDIT_FACTS_VERSION,
        "disclosure_raw": "公开范围：全社会",
        "doc_no_defects": ["brackets"],
        "fetched_at": "2024-03-06T02:13:00Z",
        "page_sha256": "a" * 64,
        "links": [{"url": "http://127.0.0.1:1/i1.html", "kind": "interpretation"}],
        "has_body": True,
        "attachments": 1,
    }
    bare = DocumentRecord(url="http://x/1", body_text=" \n\u3000", is_interpretation=True)
    interp = bare.model_copy(update={"interprets": [InterpretedPolicy(doc_no="某政发〔2024〕3号")]})
    assert audit_facts(bare.model_dump(mode="json")) == {"v": AUDIT_FACTS_VERSION}  # whitespace is no body
    assert audit_facts(interp.model_dump(mode="json"))["interprets"] == [
        {"title": None, "doc_no": "某政发〔2024〕3号", "url": None}
    ]


def test_every_new_version_writes_its_facts(db_url: str) -> None:
    with open_store(db_url) as store:
        store.save_documents([policy()])
        store.save_documents([policy(fetched_at=datetime(2024, 4, 1, tzinfo=UTC))])  # same content
        with store.engine.connect() as conn:
            stored = conn.execute(sa.select(documents.c.audit_facts)).scalar_one()
        assert stored["fetched_at"] == "2024-03-06T02:13:00Z"  # the current version's, unchanged
        store.save_documents([policy(disclosure="主动公开", disclosure_raw=None, page_sha256="b" * 64)])
        with store.engine.connect() as conn:
            stored = conn.execute(sa.select(documents.c.audit_facts)).scalar_one()
    assert "disclosure_raw" not in stored and stored["page_sha256"] == "b" * 64


def test_migration_0003_fills_the_facts_of_existing_documents(db_url: str) -> None:
    engine = database.create_db_engine(db_url)
    database.upgrade(engine, "0002")
    record = policy().model_dump(mode="json")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO sites (name, config, created_at, updated_at) VALUES ('old', '{}', :t, :t)"),
            {"t": now},
        )
        site_id = conn.execute(sa.text("SELECT id FROM sites WHERE name='old'")).scalar_one()
        for n in (1, 2):
            conn.execute(
                sa.text(
                    "INSERT INTO documents (site_id, url, is_interpretation, content_hash, version_count,"
                    " first_seen_at, last_seen_at, changed_at) VALUES (:s, :u, false, 'h', 2, :t, :t, :t)"
                ),
                {"s": site_id, "u": f"http://x/{n}", "t": now},
            )
            doc_id = conn.execute(sa.text("SELECT id FROM documents WHERE url = :u"), {"u": f"http://x/{n}"})
            doc_id = doc_id.scalar_one()
            for version, body in ((1, {"url": "old"}), (2, record if n == 1 else {"url": f"http://x/{n}"})):
                conn.execute(
                    sa.text(
                        "INSERT INTO document_versions (document_id, version, content_hash, record,"
                        " valid_from) VALUES (:d, :v, 'h', :r, :t)"
                    ),
                    {"d": doc_id, "v": version, "r": json.dumps(body), "t": now},
                )
    engine.dispose()
    with open_store(db_url) as store, store.engine.connect() as conn:
        facts = dict(conn.execute(sa.select(documents.c.url, documents.c.audit_facts)).all())  # type: ignore[arg-type]
    # From the current version, as 0003 froze them (version-1 facts: the audit re-reads such rows'
    # records for what later versions store, see test_the_audit_reads_facts_…).
    frozen = {k: v for k, v in audit_facts(record).items() if k not in ("v", "guessed")}
    assert facts == {"http://x/1": frozen, "http://x/2": {}}


def test_the_audit_reads_facts_and_falls_back_to_the_record_where_they_are_missing(sqlite_url: str) -> None:
    with open_store(sqlite_url) as store:
        store.save_documents(
            [policy(), policy(url="http://127.0.0.1:1/p2.html", doc_no=None, doc_no_defects=[])]
        )
        site_id = store.site_id("county")
        assert site_id is not None
        with_facts = load_site(store, site_id)
        first = run_audit(store, today=date(2024, 6, 3)).totals()
        with store.engine.begin() as conn:
            conn.execute(sa.update(documents).values(audit_facts=sa.null()))
        without = load_site(store, site_id)
        again = run_audit(store, today=date(2024, 6, 3)).totals()
    for name in ("disclosure_raw", "doc_no_defects", "fetched_at", "page_sha256", "has_content"):
        assert list(getattr(with_facts.docs, name)) == list(getattr(without.docs, name)), name
    link = [("http://127.0.0.1:1/i1.html", "interpretation")]
    assert with_facts.links == without.links == {0: link, 1: link}
    assert with_facts.docs.disclosure_raw[0] == "公开范围：全社会"
    assert first["doc_no_format"]["opened"] == 1 and first["disclosure_attribute"]["opened"] == 2
    assert all(v["opened"] == 0 and v["closed"] == 0 for v in again.values())


def test_ordinals_parse_iso_text_and_dates_in_bulk() -> None:
    got = ordinals(["2024-02-29", None, date(1999, 12, 31)])
    assert got.tolist() == [date(2024, 2, 29).toordinal(), 0, date(1999, 12, 31).toordinal()]


def test_findings_cite_the_warc_record_of_the_page_version_their_document_came_from(db_url: str) -> None:
    with open_store(db_url) as store:
        records = []
        for n, site in ((1, "county"), (2, None)):  # page 2 was filed under no site
            url = f"http://127.0.0.1:1/p{n}.html"
            for version, body in enumerate((b"<html>old</html>", f"<html>{n}</html>".encode())):
                page = FetchedPage(
                    url=url,
                    final_url=url,
                    status=200,
                    fetched_at=FETCHED,
                    site=site,
                    kind="detail",
                    warc_record_id=f"<urn:uuid:{n}-{version}>",
                )
                saved = store.save_page(page, body)
            records.append(policy(url=url, page_sha256=saved.sha256))
        records.append(policy(url="http://127.0.0.1:1/imported.html", page_sha256=None, fetched_at=None))
        store.save_documents(records)
        site_id = store.site_id("county")
        assert site_id is not None
        docs = load_site(store, site_id).docs
    assert docs.warc_record_id == ["<urn:uuid:1-1>", "<urn:uuid:2-1>", None]
