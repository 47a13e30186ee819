"""The nightly audit reads the annual reports a crawl stored (the page, or its PDF attachment) and
files their problems as findings, synced like any rule's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from gongkai.audits.annual_site import annual_step
from gongkai.extractors import extract
from gongkai.flows.pipeline import audit_step
from gongkai.models.records import FetchedPage, SiteColumn
from gongkai.models.store import Store, open_store

from tests.annual_reports import consistent, crawler_text, html_text
from tests.test_extract_attachments import make_pdf

BASE = "http://127.0.0.1:8899"
T0 = datetime(2025, 2, 5, 8, 0, tzinfo=UTC)


def save(store: Store, url: str, body: bytes, content_type: str, kind: str) -> None:
    page = FetchedPage(
        url=url,
        final_url=url,
        status=200,
        headers={"content-type": content_type},
        fetched_at=T0,
        site="hq",
        kind=kind,  # type: ignore[arg-type]
        size=len(body),
    )
    store.save_page(page, body)
    if kind == "detail":
        record = extract(body, url, content_type)
        record.site, record.column = "hq", "政府信息公开年报"
        store.save_documents([record], "hq")


def page(title: str, published: str, inner: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='info'>发布日期：{published}</div><div id='zoom'>{inner}</div></body></html>"
    ).encode()


def test_annual_reports_become_findings(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        store.upsert_site("hq")
        # 2024 on the page itself, a row that does not add up
        this_year = consistent(21)
        this_year.rows["granted"][6] += 1
        html = html_text(this_year, blank_zero=False)
        inner = html[html.index("<body>") + 6 : html.index("</body>")]
        url_2024 = f"{BASE}/nb/2025/t1.html"
        save(
            store,
            url_2024,
            page("红桥县人民政府2024年度政府信息公开工作年度报告", "2025-01-20", inner),
            "text/html",
            "detail",
        )
        # 2023 as a PDF attachment of a page without tables, published late by a department
        last_year = consistent(22)
        last_year.agency, last_year.year = "红桥县财政局", 2023
        pdf_url = f"{BASE}/nb/2024/nb2023.pdf"
        save(store, pdf_url, make_pdf(crawler_text(last_year, " ")), "application/pdf", "attachment")
        body = (
            f"<p>红桥县财政局2023年度政府信息公开工作年度报告，见附件。</p><a href='{pdf_url}'>年报.pdf</a>"
        )
        url_2023 = f"{BASE}/nb/2024/t2.html"
        save(
            store,
            url_2023,
            page("红桥县财政局2023年度政府信息公开工作年度报告", "2024-02-20", body),
            "text/html",
            "detail",
        )
        store.save_columns("hq", [SiteColumn(url=f"{BASE}/nb/", name="政府信息公开年报", item_count=2)])

        result = audit_step(store, "hq", date(2025, 2, 10))
        assert result["annual_reports"]["reports"] == 2, result
        found = {
            (f.rule_id, f.subject, f.certainty)
            for f in store.list_findings("hq")
            if f.rule_id.startswith("annual_")
        }
        assert found == {
            ("annual_table_sum", url_2024, "confirmed"),
            ("annual_late", url_2023, "confirmed"),  # the page's date, 2024-02-20
        }, found
        # a year on, no 2025 report: the 年报 column is reported; the fixed ones stay as they are
        annual_step(store, "hq", date(2026, 2, 2))
        missing = [f for f in store.list_findings("hq") if f.rule_id == "annual_missing_report"]
        assert [f.subject for f in missing] == [f"{BASE}/nb/"] and "2025" in missing[0].detail


def test_the_audit_command_checks_annual_reports(tmp_path: Path) -> None:
    """``gongkai audit`` does what the night does: the annual reports are checked too, and
    ``--rule`` with only document rules leaves them alone."""
    from click.testing import CliRunner
    from gongkai.flows.cli import cli

    db = f"sqlite:///{tmp_path / 'g.db'}"
    with open_store(db) as store:
        store.upsert_site("hq")
        report = consistent(21)
        report.rows["granted"][6] += 1
        html = html_text(report, blank_zero=False)
        inner = html[html.index("<body>") + 6 : html.index("</body>")]
        url = f"{BASE}/nb/2025/t1.html"
        title = "红桥县人民政府2024年度政府信息公开工作年度报告"
        save(store, url, page(title, "2025-01-20", inner), "text/html", "detail")

    only_documents = CliRunner().invoke(
        cli, ["audit", "--db", db, "--today", "2025-02-10", "--rule", "metadata_missing"]
    )
    assert only_documents.exit_code == 0, only_documents.output
    assert "annual_table_sum" not in only_documents.output
    with open_store(db) as store:
        assert not [f for f in store.list_findings("hq") if f.rule_id.startswith("annual_")]

    everything = CliRunner().invoke(cli, ["audit", "--db", db, "--today", "2025-02-10"])
    assert everything.exit_code == 0, everything.output
    assert "annual_table_sum" in everything.output
    with open_store(db) as store:
        found = {(f.rule_id, f.subject) for f in store.list_findings("hq") if f.rule_id.startswith("annual_")}
    assert found == {("annual_table_sum", url)}, found


def test_the_report_has_an_annual_section(tmp_path: Path) -> None:
    from gongkai.reports.annual import annual_section
    from gongkai.reports.build import write_report
    from gongkai.reports.period import parse_period

    with open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        store.upsert_site("hq")
        for year, published, seed in ((2023, "2024-04-15", 31), (2024, "2025-01-20", 32)):
            sample = consistent(seed)
            sample.year, sample.agency = year, "红桥县财政局"
            html = html_text(sample)
            inner = html[html.index("<body>") + 6 : html.index("</body>")]
            title = f"红桥县财政局{year}年度政府信息公开工作年度报告"
            save(store, f"{BASE}/nb/{year}.html", page(title, published, inner), "text/html", "detail")
        section = annual_section(store, ["hq"])
        assert section is not None
        assert [(r.year, r.timeliness) for r in section.rows] == [(2023, "late"), (2024, "on_time")]
        # each table adds up; the two years' 结转 agree only if the samples happen to
        chained = consistent(31).rows["carried_forward"][6] == consistent(32).rows["carried_over"][6]
        assert [p["code"] for p in section.rows[1].problems] == ([] if chained else ["carry_over"])
        assert section.counts["late"] == 1 and section.counts["arithmetic_wrong"] == (0 if chained else 1)
        assert [y for y, _ in section.trend()["红桥县财政局"]] == [2023, 2024]
        written = write_report(store, ["hq"], parse_period(None), tmp_path / "out", formats=("html",))
        text = written.files["html"].read_text(encoding="utf-8")
        assert 'id="annual"' in text and 'id="annual-reports"' in text and "逾期" in text
        assert "data:image/png;base64," in text
