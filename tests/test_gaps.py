"""``gongkai gaps`` on SQLite and PostgreSQL: filters, sorting, counts, and every output format."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from gongkai.flows.cli import cli
from gongkai.models.store import open_store
from gongkai.reports import queries
from openpyxl import load_workbook

from tests.test_reports_data import (
    DOCS,
    EVIL_TITLE,
    FORMULA_TITLE,
    SITES,
    ExpectedFinding,
    doc_url,
    expected_findings,
    in_period,
    lag,
    populate,
)

CONTRACT_KEYS = {"rule", "site", "url", "title", "severity", "detail", "basis", "evidence"}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One filled store per backend for the whole module: these tests only read it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('gaps') / 'gongkai.db'}"
        with open_store(url) as store:
            populate(store)
        yield url
        return
    admin_url = request.getfixturevalue("pg_server")
    name = f"gongkai_gaps_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        with open_store(url) as store:
            populate(store)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def gaps(url: str, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["gaps", "--db", url, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def counts(url: str, by: str, *args: str) -> dict[str, int]:
    rows = gaps(url, "--by", by, *args)
    return {str(row[by]): int(row["count"]) for row in rows}  # type: ignore[call-overload]


def subjects(rows: list[dict[str, object]]) -> Counter[tuple[object, object]]:
    return Counter((row["rule"], row["subject"]) for row in rows)


def expect(findings: list[ExpectedFinding]) -> Counter[tuple[object, object]]:
    return Counter((f.rule, f.subject) for f in findings)


def test_open_findings_as_json_with_the_contract_keys(filled: str) -> None:
    rows = gaps(filled)
    assert subjects(rows) == expect(expected_findings())
    assert all(set(row) >= CONTRACT_KEYS for row in rows)
    late = [row for row in rows if row["rule"] == "late_publication"]
    assert late
    for row in late:
        spec = next(d for d in DOCS if doc_url(d) == row["url"])
        evidence = row["evidence"]
        assert isinstance(evidence, dict)
        assert evidence["values"]["working_days"] == lag(spec) == row["working_days"]
        assert row["title"] == spec.title
        assert row["basis"].startswith("《中华人民共和国政府信息公开条例》")  # type: ignore[union-attr]
        assert str(evidence["warc_record_id"]).startswith("<urn:uuid:")
    evil = next(row for row in late if row["title"] == EVIL_TITLE)
    assert evil["agency"] == "青山县人民政府办公室" and evil["domain"] == "其他"
    column = next(row for row in rows if row["rule"] == "empty_column")
    assert str(column["url"]).startswith("http://127.0.0.1:") and column["title"] in ("规划计划", "财政资金")


def test_status_filter_separates_open_closed_and_all(filled: str) -> None:
    closed = gaps(filled, "--status", "closed")
    assert [(r["rule"], r["status"]) for r in closed] == [("metadata_missing", "closed")] * 2
    assert all(str(r["subject"]).endswith("/gone.html") and r["closed_on"] == "2025-07-15" for r in closed)
    assert len(gaps(filled, "--status", "all")) == len(expected_findings()) + 2


def test_filters_by_rule_site_dates_agency_domain_and_type(filled: str) -> None:
    everything = expected_findings()
    rows = gaps(filled, "--rule", "late_publication", "--rule", "doc_no_format", "--site", "qingshan")
    assert subjects(rows) == expect(
        [f for f in everything if f.rule in ("late_publication", "doc_no_format") and f.site == "qingshan"]
    )
    since, until = date(2025, 3, 1), date(2025, 4, 30)
    rows = gaps(filled, "--since", since.isoformat(), "--until", until.isoformat())
    assert subjects(rows) == expect([f for f in everything if in_period(f, since, until)])
    rows = gaps(filled, "--agency", "卫生健康局")
    assert subjects(rows) == expect(
        [f for f in everything if f.doc and "卫生健康局" in (f.doc.publisher or "")]
    )
    assert rows, "the agency filter matched nothing"
    rows = gaps(filled, "--domain", "社会救助", "--doc-type", "normative")
    assert subjects(rows) == expect(
        [f for f in everything if f.doc and f.doc.domain == "社会救助" and f.doc.doc_type == "normative"]
    )
    assert gaps(filled, "--agency", "%") == []  # LIKE wildcards in the value are literal


def test_counts_per_rule_agency_and_month(filled: str) -> None:
    everything = expected_findings()
    assert counts(filled, "rule") == dict(Counter(f.rule for f in everything))
    by_site = counts(filled, "site", "--rule", "empty_column")
    assert by_site == dict(Counter(f.site for f in everything if f.rule == "empty_column"))
    agencies = counts(filled, "agency", "--rule", "late_publication")
    assert agencies == dict(
        Counter(f.doc.publisher for f in everything if f.rule == "late_publication" and f.doc)
    )
    months = counts(filled, "month", "--rule", "late_publication")
    assert months == dict(
        Counter(f.doc.published.isoformat()[:7] for f in everything if f.rule == "late_publication" and f.doc)  # type: ignore[union-attr]
    )


def test_sorting_by_lag_and_date(filled: str) -> None:
    rows = gaps(filled, "--rule", "late_publication", "--sort", "-working_days")
    lags = [row["working_days"] for row in rows]
    assert lags == sorted(lags, reverse=True) and len(set(lags)) > 1  # type: ignore[type-var]
    rows = gaps(filled, "--sort", "-date", "--sort", "id")
    dates = [str(row["ref_date"]) for row in rows]
    assert dates == sorted(dates, reverse=True)
    limited = gaps(filled, "--sort", "date", "--limit", "3")
    assert [r["ref_date"] for r in limited] == sorted(str(r["ref_date"]) for r in rows)[:3]


def test_csv_neutralises_formulas_and_keeps_chinese(filled: str, tmp_path: Path) -> None:
    out = tmp_path / "gaps.csv"
    result = CliRunner().invoke(cli, ["gaps", "--db", filled, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel and WPS read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(expected_findings())
    titles = {row["title"] for row in rows}
    assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles
    assert EVIL_TITLE in titles
    late = next(row for row in rows if row["rule"] == "late_publication")
    assert json.loads(late["evidence"])["values"]["working_days"] == int(late["working_days"])


def test_xlsx_keeps_crawled_text_as_text(filled: str, tmp_path: Path) -> None:
    out = tmp_path / "gaps.xlsx"
    result = CliRunner().invoke(cli, ["gaps", "--db", filled, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    ws = book.active
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    headers = [c.value for c in ws[1]]
    title_col = headers.index("标题 (title)")
    cells = [row[title_col] for row in ws.iter_rows(min_row=2)]
    assert len(cells) == len(expected_findings())
    formula = next(c for c in cells if c.value == FORMULA_TITLE)
    assert formula.data_type == "s"
    url_col = headers.index("网址 (url)")
    linked = [row[url_col] for row in ws.iter_rows(min_row=2) if row[url_col].hyperlink]
    assert linked and all(c.hyperlink.target == c.value for c in linked)
    counted = tmp_path / "by-rule.xlsx"
    CliRunner().invoke(
        cli, ["gaps", "--db", filled, "--by", "rule", "--format", "xlsx", "--out", str(counted)]
    )
    sheet = load_workbook(counted)["按rule计数"]
    total = sum(row[1].value for row in sheet.iter_rows(min_row=2))
    assert total == len(expected_findings())


def test_table_shows_crawled_markup_as_text(filled: str) -> None:
    result = CliRunner().invoke(
        cli, ["gaps", "--db", filled, "--rule", "late_publication"], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    assert "<script>alert(1)</script>" in result.output
    table = CliRunner().invoke(cli, ["gaps", "--db", filled, "--by", "rule"], env={"COLUMNS": "200"})
    assert "逾期发布 (late_publication)" in table.output and "total" in table.output


def test_user_errors_are_one_line(filled: str) -> None:
    runner = CliRunner()
    for args, message in (
        (["--site", "nowhere"], "no site named 'nowhere'"),
        (["--format", "xlsx"], "give --out"),
        (["--sort", "color"], "cannot sort by 'color'"),
        (["--since", "2025-05-01", "--until", "2025-01-01"], "is after"),
    ):
        result = runner.invoke(cli, ["gaps", "--db", filled, *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
    bad_date = runner.invoke(cli, ["gaps", "--db", filled, "--since", "2025-13-01"])
    assert bad_date.exit_code == 2 and "is not a date" in bad_date.output


def test_every_portable_named_query_runs(filled: str) -> None:
    with open_store(filled) as store, store.engine.connect() as conn:
        for name, query in queries.load_queries().items():
            if not query.portable:
                continue
            rows = queries.select(conn, name)
            assert rows, f"named query {name} returned nothing"
            for group in query.groups:
                assert queries.group_counts(conn, name, group)
    assert len(SITES) == 2


def test_to_review_findings_are_listed_apart(tmp_path: Path) -> None:
    """Issue #12: a finding resting on a guess is never among the default (confirmed) listing."""
    from gongkai.models.records import Finding, SiteConfig

    url = f"sqlite:///{tmp_path / 'review.db'}"
    site = SiteConfig(name="county", start_urls=["http://127.0.0.1:1/"], allowed_hosts=["127.0.0.1"])
    sure = Finding(rule_id="catalog_gap", site="county", subject="catalog:a", detail="gap a", legal_basis="x")
    guess = Finding(
        rule_id="catalog_gap",
        site="county",
        subject="catalog:b",
        detail="gap b",
        legal_basis="x",
        certainty="to_review",
        review_reason="1 document(s) may be of domain 社会救助 (best P = 0.40 < threshold 0.96)",
    )
    with open_store(url) as store:
        store.upsert_site(site)
        store.sync_findings("county", ["catalog_gap"], [sure, guess], date(2026, 6, 1))
    result = CliRunner().invoke(cli, ["gaps", "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["subject"], r["certainty"]) for r in rows] == [("catalog:a", "confirmed")]
    assert "1 finding(s) held back as uncertain" in result.stderr and "catalog_gap 1" in result.stderr
    [review] = gaps(url, "--certainty", "to_review")
    assert review["subject"] == "catalog:b" and "0.40" in review["review_reason"]
    assert len(gaps(url, "--certainty", "all")) == 2
    out = tmp_path / "gaps.xlsx"
    assert (
        CliRunner().invoke(cli, ["gaps", "--db", url, "--format", "xlsx", "--out", str(out)]).exit_code == 0
    )
    book = load_workbook(out)
    assert book.worksheets[0].max_row == 2 and book.worksheets[1].max_row == 2  # header + one row each
    assert "to review" in book.worksheets[1].title
    # The explorer's findings view: confirmed by default, to_review or all when asked.
    import sqlite3

    query = queries.get_query("findings")
    sql = queries.datasette_sql(query)
    with sqlite3.connect(tmp_path / "review.db") as conn:

        def shown(certainty: str) -> list[str]:
            params = {name: "" for name in query.filters} | {"certainty": certainty}
            cursor = conn.execute(sql, params)
            return sorted(str(row) for row in cursor.fetchall())

        confirmed, review, both = shown(""), shown("to_review"), shown("all")
        assert len(confirmed) == len(review) == 1 and sorted(confirmed + review) == both
        assert "gap a" in confirmed[0] and "gap b" in review[0]
