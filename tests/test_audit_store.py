"""The audit end to end on SQLite and PostgreSQL: import, link, check, sync, re-run, close."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from gongkai.audits.engine import run_audit
from gongkai.audits.importer import import_documents
from gongkai.audits.linking import link_graph
from gongkai.flows.cli import cli
from gongkai.models.records import DocumentRecord, FetchedPage, Link, SiteConfig
from gongkai.models.store import Store
from gongkai.models.tables import site_columns

LINES = [
    {"url": "http://x/p1", "site": "county", "title": "某县人民政府关于印发某县最低生活保障实施办法的通知",
     "doc_no": "某政规〔2024〕3号", "publisher": "某县人民政府", "written_date": "2024-01-31",
     "published_date": "2024-03-05", "disclosure": "主动公开", "index_no": "A/2024-00001",
     "needs_interpretation": True, "doc_type": "normative"},
    {"url": "http://x/i1", "site": "county", "title": "《某县最低生活保障实施办法》政策解读",
     "published_date": "2024-03-06", "is_interpretation": True, "index_no": "A/2024-00002",
     "publisher": "某县民政局", "written_date": "2024-03-06", "disclosure": "主动公开"},
    {"url": "http://x/p2", "site": "county", "title": "某县人民政府关于印发某县临时救助办法的通知",
     "doc_no": "某政规〔2024〕4号", "publisher": "某县人民政府", "written_date": "2024-03-01",
     "published_date": "2024-03-04", "disclosure": "主动公开", "index_no": "A/2024-00003",
     "classification": {"doc_type": "normative", "needs_interpretation": True}},
]  # fmt: skip


def write_lines(path: Path, lines: list[object]) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines),
        "utf-8",
    )
    return path


def test_audit_runs_syncs_and_closes(store: Store, classifiers: None, tmp_path: Path) -> None:
    result = import_documents(store, write_lines(tmp_path / "docs.jsonl", LINES))
    assert (result.new, result.errors) == (3, [])
    first = run_audit(store, today=date(2024, 6, 3))
    stats = first.totals()
    assert stats["late_publication"]["opened"] == 1  # p1: 21 working days across 春节 2024
    assert stats["missing_interpretation"]["opened"] == 1  # p2 has no 解读
    [late] = store.list_findings("county", "late_publication")
    assert late.subject == "http://x/p1" and late.evidence.values["working_days"] == 21
    [missing] = store.list_findings("county", "missing_interpretation")
    assert missing.subject == "http://x/p2"
    [edge] = link_graph(store, "county")
    assert (edge["policy_url"], edge["interpretation_url"], edge["method"]) == (
        "http://x/p1",
        "http://x/i1",
        "title",
    )

    again = run_audit(store, today=date(2024, 6, 4)).totals()
    assert again["late_publication"] == {"opened": 0, "kept": 1, "closed": 0, "reopened": 0}
    assert len(store.list_findings("county")) == sum(v["opened"] for v in stats.values())

    # p2's 解读 appears: missing_interpretation closes with the date; the late one opens
    import_documents(
        store,
        write_lines(
            tmp_path / "more.jsonl",
            [
                {
                    "url": "http://x/i2",
                    "site": "county",
                    "title": "关于某县临时救助办法的解读",
                    "published_date": "2024-06-10",
                    "is_interpretation": True,
                }
            ],
        ),
    )
    third = run_audit(
        store, today=date(2024, 6, 11), rules=["missing_interpretation", "late_interpretation"]
    ).totals()
    assert third["missing_interpretation"]["closed"] == 1
    [closed] = store.list_findings("county", "missing_interpretation", status="closed")
    assert closed.closed_on == date(2024, 6, 11)
    [late_interp] = store.list_findings("county", "late_interpretation")
    assert late_interp.subject == "http://x/p2"
    # the other rules' findings were left alone by a run of two rules
    assert store.list_findings("county", "late_publication")[0].last_seen == date(2024, 6, 4)


def test_evidence_points_at_the_archived_page_and_columns_are_checked(store: Store) -> None:
    site = SiteConfig(
        name="hongshan",
        agency="鸿山镇人民政府",
        start_urls=["http://127.0.0.1:1/"],
        allowed_hosts=["127.0.0.1"],
    )
    store.upsert_site(site)
    fetched = datetime(2025, 3, 1, 8, tzinfo=UTC)
    body = "<html>页面</html>".encode()
    save = store.save_page(
        FetchedPage(url="http://127.0.0.1:1/d1", final_url="http://127.0.0.1:1/d1", status=200,
                    fetched_at=fetched, site="hongshan", kind="detail", warc_record_id="<urn:uuid:abc>",
                    warc_file="a.warc.gz"),
        body,
    )  # fmt: skip
    store.save_document(
        DocumentRecord(url="http://127.0.0.1:1/d1", title="鸿山镇关于某事的通知", publisher="鸿山镇人民政府",
                       written_date=date(2025, 1, 2), published_date=date(2025, 2, 28), disclosure="主动公开",
                       page_sha256=save.sha256, fetched_at=fetched, body_text="正文",
                       links=[Link(url="http://127.0.0.1:1/jd1", kind="interpretation")]),
        "hongshan",
    )  # fmt: skip
    site_id = store.site_id("hongshan")
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(site_columns),
            [
                {"site_id": site_id, "url": "http://127.0.0.1:1/dt/", "name": "工作动态", "kind": "news",
                 "item_count": 4, "latest_item_date": date(2025, 2, 1), "checked_at": fetched},
                {"site_id": site_id, "url": "http://127.0.0.1:1/tz/", "name": "通知公告", "kind": "notice",
                 "item_count": 0, "latest_item_date": None, "checked_at": fetched},
            ],
        )  # fmt: skip
    run_audit(store, today=date(2025, 3, 3), site="hongshan")
    [late] = store.list_findings("hongshan", "late_publication")
    assert late.evidence.warc_record_id == "<urn:uuid:abc>" and late.evidence.sha256 == save.sha256
    assert late.evidence.fetched_at == fetched
    assert [f.subject for f in store.list_findings("hongshan", "stale_column")] == ["http://127.0.0.1:1/dt/"]
    assert [f.subject for f in store.list_findings("hongshan", "empty_column")] == ["http://127.0.0.1:1/tz/"]
    # the 相关解读 link points at a page not crawled: still a link, target unknown
    [edge] = link_graph(store, "hongshan")
    assert edge["interpretation_url"] == "http://127.0.0.1:1/jd1" and edge["interpretation_title"] is None


def test_cli_import_reports_bad_lines_and_audit_prints_a_summary(classifiers: None, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    bad = [
        *LINES[:2],
        "{not json",
        {"url": "http://x/b", "site": "county", "written_date": "2024-02-30"},
        {"url": "http://x/c", "site": "Bad Site"},
        {"url": "http://x/d", "site": "county", "colour": "red"},
    ]
    path = write_lines(tmp_path / "in.jsonl", bad)
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", db, "import-docs", str(path)])
    assert out.exit_code == 1, out.output  # issue #17: the exit status says lines were rejected
    assert "imported 2 of 6 documents" in out.output
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert [e.split(":")[2] for e in errors] == ["3", "4", "5", "6"]
    assert "written_date" in errors[1] and "colour" in errors[3]
    out = runner.invoke(cli, ["--db", db, "audit", "--today", "2024-06-03", "--grace-days", "0"])
    assert out.exit_code == 0, out.output
    assert "late_publication" in out.output and "1 site(s), 2 documents" in out.output
    out = runner.invoke(cli, ["--db", db, "audit", "--today", "June 3"])
    assert out.exit_code == 2 and "YYYY-MM-DD" in out.stderr
    out = runner.invoke(cli, ["--db", db, "audit", "--site", "nowhere"])
    assert out.exit_code == 2 and "no site named 'nowhere'" in out.stderr
