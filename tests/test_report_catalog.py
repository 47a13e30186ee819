"""The 标准目录 matrix (domain × catalog item), own documents, and periods — on real audit runs.

Every store here is filled with invented documents (no real data) and audited by the real
``audits.engine.run_audit``; the report's cells, denominators and period totals are then compared
with what that audit stored, and with what the invented scenario says by construction.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from gongkai.audits.catalog import catalog_for_site
from gongkai.audits.engine import run_audit
from gongkai.flows.cli import cli
from gongkai.models.records import Classification, DocumentRecord, SiteColumn, SiteConfig
from gongkai.models.store import Store, open_store
from gongkai.reports.charts import MAX_SITE_MATRICES, catalog_charts, status_grid
from gongkai.reports.coverage import STATUS_COLOURS, STATUS_LABELS, SiteCoverage, aggregate
from gongkai.reports.dataset import load_report_data
from gongkai.reports.model import Report, build_report
from gongkai.reports.period import ALL_TIME, parse_period
from gongkai.reports.scoring import load_weights
from openpyxl import load_workbook

from tests.test_explore import canned, running_explorer
from tests.test_report import CHROMIUM, CHROMIUM_FLAGS

TODAY = date(2025, 6, 16)
STATE_RULES = ("empty_column", "stale_column", "catalog_gap")

COUNTY = SiteConfig(
    name="hongqiao",
    agency="红桥县人民政府",
    agency_aliases=["红桥县", "红政"],
    start_urls=["http://127.0.0.1:8811/"],
    allowed_hosts=["127.0.0.1:8811"],
    catalog="standard",
)
#: A township's own catalog: three domains of the standard one, one item disabled, one of its own.
TOWN_CATALOG = """\
extends: standard
only_domains: [社会救助, 涉农补贴, 综合]
disable: [shjz.supervision]
domains:
  - name: 涉农补贴
    items:
      - {id: local.grain, level1: 种粮补贴, level2: 实际种粮农民一次性补贴, time_limit: 每年1月31日前,
         expect: annual, match: {any: [种粮农民, 种粮补贴]}}
"""

D = date
COUNTY_DOCS = (
    ("红桥县政府信息公开指南", D(2019, 3, 1)),
    ("红桥县2024年政府信息公开工作年度报告", D(2025, 1, 20)),
    ("红桥县城乡居民最低生活保障实施办法", D(2025, 2, 3)),
    ("红桥县2023年义务教育招生入学工作方案", D(2023, 5, 4)),
    ("红桥县征地补偿标准调整的通知", D(2024, 6, 1)),
    ("红桥县公租房分配结果公示", D(2025, 4, 10)),
    ("红桥县卫生健康局关于开展基本公共卫生服务项目的通知", D(2025, 3, 5)),
    (None, D(2025, 3, 6)),  # a page whose title was not read: matches nothing, breaks nothing
)
TOWN_DOCS = (
    ("庐山镇2025年耕地地力保护补贴发放情况公示", D(2025, 5, 6)),
    ("庐山镇实际种粮农民一次性补贴发放名单", D(2024, 3, 1)),
)


def county_url(i: int) -> str:
    return f"http://127.0.0.1:8811/xxgk/{i}.html"


def save_titles(store: Store, site: str, port: int, docs: tuple[tuple[str | None, date], ...]) -> None:
    store.save_documents(
        [
            DocumentRecord(
                url=f"http://127.0.0.1:{port}/xxgk/{i}.html",
                site=site,
                title=title,
                publisher=None,
                written_date=day,
                published_date=day,
                disclosure="主动公开",
            )
            for i, (title, day) in enumerate(docs)
        ],
        site,
    )


def classify_as_no_domain(store: Store) -> None:
    """Every document confidently of no standard domain, so a catalog gap rests on the catalog's
    title matching alone (an unclassified document could belong to any domain: to review)."""
    ids = [doc.id for doc in store.iter_documents()]
    store.save_classifications(
        (i, Classification(domain="其他", scores={"domain": {"其他": 0.99}})) for i in ids
    )


@dataclass
class Catalogued:
    db: str
    out: Path
    report: Report
    town_catalog: Path


@pytest.fixture(scope="module")
def catalogued(tmp_path_factory: pytest.TempPathFactory) -> Catalogued:
    base = tmp_path_factory.mktemp("catalog")
    town_catalog = base / "lushan-catalog.yaml"
    town_catalog.write_text(TOWN_CATALOG, encoding="utf-8")
    db = f"sqlite:///{base / 'gongkai.db'}"
    with open_store(db) as store:
        store.upsert_site(COUNTY)
        store.upsert_site(
            SiteConfig(
                name="lushan",
                agency="庐山镇人民政府",
                start_urls=["http://127.0.0.1:8812/"],
                allowed_hosts=["127.0.0.1:8812"],
                catalog=str(town_catalog),
            )
        )
        store.upsert_site(
            SiteConfig(name="plain", start_urls=["http://127.0.0.1:8813/"], allowed_hosts=["127.0.0.1:8813"])
        )
        save_titles(store, "hongqiao", 8811, COUNTY_DOCS)
        save_titles(store, "lushan", 8812, TOWN_DOCS)
        save_titles(store, "plain", 8813, (("某单位通知", D(2025, 3, 1)),))
        classify_as_no_domain(store)
        result = run_audit(store, today=TODAY)
        assert result.errors == []
        report = build_report(load_report_data(store, None, ALL_TIME), load_weights())
    out = base / "out"
    # The workbook only: HTML and PDF (WeasyPrint, Chromium) are the slow test's own run below.
    run = CliRunner().invoke(cli, ["report", "--db", db, "--all", "--out", str(out), "--format", "xlsx"])
    assert run.exit_code == 0, run.output
    return Catalogued(db, out, report, town_catalog)


def coverage_of(report: Report, site: str) -> SiteCoverage:
    return next(c for c in report.coverage if c.site == site)


def open_gaps(db: str, site: str, certainty: str = "confirmed") -> dict[str, tuple[int, object]]:
    """item id → (finding id, newest matching URL the audit saw), from the store."""
    out = CliRunner().invoke(
        cli,
        [
            "gaps",
            "--db",
            db,
            "--site",
            site,
            "--rule",
            "catalog_gap",
            "--format",
            "json",
            "--certainty",
            certainty,
        ],
    )
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    return {
        r["subject"].removeprefix("catalog:"): (r["id"], r["evidence"]["values"]["newest_match_url"])
        for r in rows
    }


def test_matrix_cells_are_what_the_audit_found(catalogued: Catalogued) -> None:
    configured = {"hongqiao": "standard", "lushan": str(catalogued.town_catalog)}
    for site, name in configured.items():
        coverage = coverage_of(catalogued.report, site)
        catalog = catalog_for_site(name)
        # The catalog the audit uses, item for item (the town's own item in, the disabled one out).
        assert {c.item_id for c in coverage.cells} == {i.id for i in catalog.items}
        gaps = open_gaps(catalogued.db, site)
        assert gaps, site
        flagged = {c.item_id: c for c in coverage.cells if c.status in ("gap", "outdated")}
        assert set(flagged) == set(gaps)
        for item_id, (finding_id, newest) in gaps.items():
            assert flagged[item_id].finding_id == finding_id
            assert flagged[item_id].status == ("outdated" if newest else "gap")
        checked = {i.id for i in catalog.items if i.expectation()[0] != "on_event"}
        covered = {c.item_id for c in coverage.cells if c.status == "covered"}
        held_back = open_gaps(catalogued.db, site, certainty="to_review")
        assert {c.item_id for c in coverage.cells if c.status == "to_review"} == set(held_back)
        # Today, with every document in scope, each checked item is the audit's gap, held back as
        # to review, or found by the audit: the report has no cell without a verdict.
        assert covered >= checked - set(gaps) - set(held_back)
        assert not any(c.status == "unassessed" for c in coverage.cells)
        assert all(c.matches > 0 for c in coverage.cells if c.status == "covered")
        assert all(c.matches == 0 for c in coverage.cells if c.status in ("gap", "on_event"))
        codes = [c.code for c in coverage.cells]
        assert len(codes) == len(set(codes))
        grid = status_grid(coverage)
        assert np.count_nonzero(~np.isnan(grid)) == len(coverage.cells)
        for cell in coverage.cells:
            assert grid[cell.row - 1, cell.column - 1] == list(STATUS_COLOURS).index(cell.status)
    county = {c.item_id: c for c in coverage_of(catalogued.report, "hongqiao").cells}
    # What the invented titles say by construction.
    assert county["zh.guide"].status == "covered" and county["zh.annual_report"].status == "covered"
    assert county["shjz.policy"].status == "covered" and county["snbt.soil"].status == "gap"
    assert county["ywjy.enrolment"].status == "outdated"  # the 2023 plan only; due again since
    assert county["zdbc.policy"].domain == "农村集体土地征收" and county["zdbc.policy"].status == "covered"
    assert county["ylws.services"].domain == "卫生健康" and county["ylws.services"].status == "covered"
    town = {c.item_id: c for c in coverage_of(catalogued.report, "lushan").cells}
    assert town["local.grain"].status == "covered" and town["snbt.soil"].status == "covered"
    assert town["shjz.policy"].status == "gap"
    plain = coverage_of(catalogued.report, "plain")
    assert not plain.has_matrix and "未配置标准目录" in (plain.note or "")
    indicator = catalogued.report.overall["catalog_coverage"]
    assert indicator.extra["sites_without_catalog"] == ["plain"]
    assert indicator.failing == sum(len(open_gaps(catalogued.db, s)) for s in configured)


def test_the_workbook_lists_and_paints_every_cell(catalogued: Catalogued) -> None:
    (path,) = catalogued.out.glob("*.xlsx")
    book = load_workbook(path)
    sheet = book["目录覆盖"]
    headers = [c.value for c in sheet[1]]
    col = {name: headers.index(name) for name in headers}
    rows = list(sheet.iter_rows(min_row=2))
    by_key = {(r[col["站点"]].value, r[col["事项编号"]].value): r for r in rows}
    for site in ("hongqiao", "lushan"):
        for cell in coverage_of(catalogued.report, site).cells:
            row = by_key[(site, cell.item_id)]
            assert row[col["格"]].value == cell.code and row[col["状态"]].value == STATUS_LABELS[cell.status]
            assert row[col["匹配文件数"]].value == cell.matches
            want = f"F{cell.finding_id}" if cell.finding_id is not None else None
            assert row[col["问题编号"]].value == want
            link = row[col["最新匹配网址"]]
            assert (link.hyperlink.target if link.hyperlink else None) == cell.newest_url
    plain = [r for r in rows if r[col["站点"]].value == "plain"]
    assert len(plain) == 1 and "未配置标准目录" in plain[0][col["说明"]].value
    grid = book["目录覆盖矩阵"]
    assert grid.freeze_panes == "A2" and grid.auto_filter.ref.startswith("A1:")
    county = coverage_of(catalogued.report, "hongqiao")
    painted = {}
    for line in grid.iter_rows(min_row=2):
        if line[0].value != "hongqiao":
            continue
        for cell in line[3:]:
            if cell.value:
                painted[cell.value.split()[0]] = cell.fill.fgColor.rgb[-6:]
    assert painted == {c.code: STATUS_COLOURS[c.status].lstrip("#").upper() for c in county.cells}


@pytest.mark.slow  # Chromium
def test_html_and_pdf_show_the_matrix(catalogued: Catalogued, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    out = tmp_path / "out"
    run = CliRunner().invoke(
        cli, ["report", "--db", catalogued.db, "--all", "--out", str(out), "--format", "html,pdf"]
    )
    assert run.exit_code == 0, run.output
    (html,) = out.glob("*.html")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = context.new_page()
            page.goto(html.as_uri())
            for site in ("hongqiao", "lushan"):
                width = page.evaluate(f"document.querySelector('#chart-catalog_{site} img').naturalWidth")
                assert width > 600, site
                shown = page.eval_on_selector_all(
                    f"#catalog-table-{site} tr[data-item]",
                    "rows => rows.map(r => [r.dataset.item, r.dataset.status, r.dataset.cell])",
                )
                cells = coverage_of(catalogued.report, site).cells
                assert shown == [[c.item_id, c.status, c.code] for c in cells]
            assert "未配置标准目录" in page.inner_text("#catalog-none-plain")
            page.screenshot(path=str(tmp_path / "catalog.png"), full_page=True)
        finally:
            context.close()
    (pdf,) = out.glob("*.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "标准目录覆盖（领域 × 事项）" in text and "未配置标准目录" in text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True)
    charts = [line for line in images.stdout.splitlines()[2:] if line.split()[2:3] == ["image"]]
    # The four charts of every report, one matrix per catalogued site, and (several sites) the
    # ranking chart.
    assert len(charts) == 4 + 2 + 1


def test_many_sites_share_one_matrix(catalogued: Catalogued, monkeypatch: pytest.MonkeyPatch) -> None:
    report = catalogued.report
    rows, cells = aggregate([c for c in report.coverage if c.has_matrix])
    soil = next(c for c in cells if c.item_id == "snbt.soil")
    assert (soil.sites, soil.covered, soil.gaps) == (2, 1, 1) and len(soil.finding_ids) == 1
    grain = next(c for c in cells if c.item_id == "local.grain")
    assert (grain.sites, grain.covered) == (1, 1)
    assert rows[0] == "城乡规划" and rows[-1] == "综合"
    assert len(catalog_charts(report)) == 2 <= MAX_SITE_MATRICES
    monkeypatch.setattr("gongkai.reports.charts.MAX_SITE_MATRICES", 1)
    (chart,) = catalog_charts(report)
    assert chart.name == "catalog_all" and chart.png.startswith(b"\x89PNG")


def test_explorer_serves_the_same_matrix(catalogued: Catalogued, tmp_path: Path) -> None:
    path = Path(catalogued.db.removeprefix("sqlite:///"))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with running_explorer("--db", catalogued.db, cwd=tmp_path) as base:
        root = base.rsplit("/", 1)[0] + "/catalog"
        listed = canned(root, "catalog_coverage", site="hongqiao")
        cells = coverage_of(catalogued.report, "hongqiao").cells
        assert [(r["格"], r["事项编号"], r["状态"], r["匹配文件数"]) for r in listed] == [
            (c.code, c.item_id, STATUS_LABELS[c.status], c.matches) for c in cells
        ]
        gaps = canned(root, "catalog_coverage", status="缺失")
        assert Counter(r["站点"] for r in gaps) == Counter(
            c.site for c in catalogued.report.coverage for cell in c.cells if cell.status == "gap"
        )
        (plain,) = canned(root, "catalog_coverage", site="plain")
        assert plain["状态"] == "无目录" and "未配置标准目录" in plain["说明"]
        matrix = canned(root, "catalog_matrix", site="lushan")
        town = coverage_of(catalogued.report, "lushan")
        assert [r["领域"] for r in matrix] == [domain for domain, _ in town.rows]
        first = next(c for c in town.cells if c.code == "1-1")
        assert matrix[0]["事项1"] == f"1-1 {STATUS_LABELS[first.status]}（{first.matches}件）"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


# --- own documents: exactly the ones the rules test ---------------------------------------------------

#: (key, publisher, 文号, 公开属性, 成文日期, needs 解读, tested by late_publication) — all late if tested.
OWN_CASES = (
    ("office", "红桥县人民政府办公室", None, "主动公开", D(2025, 1, 2), True, True),
    ("spaced", "红 桥 县教育局", None, "主动公开", D(2025, 1, 2), False, True),
    ("docno", None, "红政办发2025 3号", "主动公开", D(2025, 1, 2), False, True),  # 代字 without brackets
    ("short", "红桥", None, "主动公开", D(2025, 1, 2), False, True),
    ("unmarked", "红桥县人民政府", None, None, D(2025, 1, 2), False, True),
    ("repost", "某市人民政府", "某政发〔2024〕3号", "主动公开", D(2025, 1, 2), True, False),
    ("on-request", "红桥县人民政府", None, "依申请公开", D(2025, 1, 2), False, False),
    ("misread-year", "红桥县人民政府", None, "主动公开", D(1850, 1, 2), False, False),
)


def test_own_documents_are_exactly_those_the_rules_test(sqlite_url: str) -> None:
    with open_store(sqlite_url) as store:
        store.upsert_site(COUNTY.model_copy(update={"catalog": None}))
        saved = store.save_documents(
            [
                DocumentRecord(
                    url=county_url(i),
                    site="hongqiao",
                    title=f"红桥县关于{key}事项的通知",
                    publisher=publisher,
                    doc_no=doc_no,
                    disclosure=disclosure,
                    written_date=written,
                    published_date=D(2025, 3, 20),
                )
                for i, (key, publisher, doc_no, disclosure, written, _, _) in enumerate(OWN_CASES)
            ],
            "hongqiao",
        )
        store.save_classifications(
            [
                (
                    s.document_id,
                    # a confident call (calibrated probability far from the rule's threshold)
                    Classification(
                        doc_type="normative",
                        needs_interpretation=case[5],
                        scores={"needs_interpretation": 0.99 if case[5] else 0.01},
                    ),
                )
                for s, case in zip(saved, OWN_CASES, strict=True)
            ]
        )
        run_audit(store, today=TODAY)
        late = {f.document_url for f in store.list_findings("hongqiao", "late_publication")}
        missing = {f.document_url for f in store.list_findings("hongqiao", "missing_interpretation")}
        data = load_report_data(store, ["hongqiao"], ALL_TIME)
        report = build_report(data, load_weights())
    tested = {county_url(i) for i, case in enumerate(OWN_CASES) if case[6]}
    assert late == tested  # every tested document is late here, so the audit shows what it tested
    assert {d.url for d in data.docs if d.timeliness_tested} == tested
    timely = report.overall["timely_publication"]
    assert (timely.eligible, timely.failing) == (len(tested), len(tested))
    assert sorted(report.lags) == sorted(d.lag for d in data.docs if d.url in tested)  # type: ignore[type-var]
    # The 解读 rules test own policies only: the repost needing one is not in the denominator.
    assert missing == {county_url(0)}
    coverage = report.overall["interpretation_coverage"]
    assert (coverage.eligible, coverage.failing) == (1, 1)


# --- periods: column and catalog findings belong to the days the audit saw them open ------------------


def audit_on(store: Store, day: date, columns: list[SiteColumn]) -> None:
    checked = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    store.save_columns("hongqiao", [c.model_copy(update={"checked_at": checked}) for c in columns])
    assert run_audit(store, today=day, site="hongqiao").errors == []


def xlsx_summary(path: Path) -> dict[str, tuple[int, int, int]]:
    sheet = load_workbook(path)["汇总"]
    return {
        r[0].value: (r[2].value, r[3].value, r[4].value) for r in sheet.iter_rows(min_row=2) if r[0].value
    }


def gaps_counts(db: str, *args: str) -> dict[str, int]:
    out = CliRunner().invoke(cli, ["gaps", "--db", db, "--by", "rule", "--format", "json", *args])
    assert out.exit_code == 0, out.output
    return {row["rule"]: row["count"] for row in map(json.loads, out.stdout.splitlines())}


def test_site_findings_count_in_every_period_they_were_open(db_url: str, tmp_path: Path) -> None:
    news = SiteColumn(url="http://127.0.0.1:8811/gzdt/", name="工作动态", kind="news", item_count=30)
    empty = SiteColumn(url="http://127.0.0.1:8811/ghjh/", name="规划计划", kind="policy", item_count=0)
    with open_store(db_url) as store:
        store.upsert_site(COUNTY)
        save_titles(store, "hongqiao", 8811, COUNTY_DOCS[2:4])  # no 年度报告 yet
        classify_as_no_domain(store)
        stale_news = news.model_copy(update={"latest_item_date": D(2025, 2, 1)})
        audit_on(store, D(2025, 3, 10), [stale_news, empty])  # 37 days old: stale; empty column
        audit_on(store, D(2025, 4, 14), [stale_news, empty])  # still both
        store.save_documents(
            [
                DocumentRecord(
                    url=county_url(50),
                    site="hongqiao",
                    title="红桥县2024年政府信息公开工作年度报告",
                    published_date=D(2025, 4, 20),
                )
            ],
            "hongqiao",
        )
        classify_as_no_domain(store)
        fresh = news.model_copy(update={"latest_item_date": D(2025, 5, 6)})
        audit_on(store, D(2025, 5, 12), [fresh, empty])  # news and the annual report fixed
        catalog = {f.subject: f for f in store.list_findings("hongqiao", "catalog_gap", status=None)}
    annual = catalog["catalog:zh.annual_report"]
    assert annual.status == "closed" and annual.first_seen == D(2025, 3, 10)
    assert annual.last_seen == D(2025, 4, 14) and annual.closed_on == D(2025, 5, 12)
    open_catalog = sum(f.status == "open" for f in catalog.values())
    q1_catalog = sum(f.first_seen <= D(2025, 3, 31) for f in catalog.values())

    def report(period: str) -> tuple[dict[str, tuple[int, int, int]], Path]:
        out = tmp_path / period.replace(".", "_")
        args = ["--period", period] if period else []
        run = CliRunner().invoke(
            cli,
            ["report", "--db", db_url, "--site", "hongqiao", "--out", str(out), "--format", "xlsx", *args],
        )
        assert run.exit_code == 0, run.output
        (path,) = out.glob("*.xlsx")
        return {k: v for k, v in xlsx_summary(path).items() if k in STATE_RULES}, path

    # Q1: the stale column (fixed since, in May) and the annual report gap count, marked fixed.
    q1, q1_path = report("2025-01..2025-03")
    assert q1["stale_column"] == (1, 0, 1) and q1["empty_column"] == (1, 1, 0)
    assert q1["catalog_gap"] == (q1_catalog, q1_catalog - 1, 1)
    # Q2: the audit still saw both open on 14 April.
    q2, _ = report("2025-04..2025-06")
    assert q2["stale_column"] == (1, 0, 1) and q2["catalog_gap"][2] == 1
    # Q3: fixed in May, gone; what is still open counts.
    q3, q3_path = report("2025-07..2025-09")
    assert "stale_column" not in q3 and q3["empty_column"] == (1, 1, 0)
    assert q3["catalog_gap"] == (open_catalog, open_catalog, 0)
    # Before the audit first looked, it cannot say anything.
    before, before_path = report("2024-10..2024-12")
    assert before == {}
    # Without a period the report is the state now: open findings only.
    now, _ = report("")
    assert now["empty_column"] == (1, 1, 0) and "stale_column" not in now
    # The open and fixed columns are `gaps` counts for the same dates.
    for period, summary in (("2025-01-01..2025-03-31", q1), ("2025-07-01..2025-09-30", q3)):
        since, until = period.split("..")
        window = ["--site", "hongqiao", "--since", since, "--until", until]
        opened = gaps_counts(db_url, *window)
        fixed = gaps_counts(db_url, *window, "--status", "closed", *[f"--rule={r}" for r in STATE_RULES])
        assert {r: v[1] for r, v in summary.items() if v[1]} == {
            r: n for r, n in opened.items() if r in STATE_RULES
        }
        assert {r: v[2] for r, v in summary.items() if v[2]} == fixed
    # The matrix of each period: Q1 shows the annual report as a gap (fixed 12 May); Q3 finds the
    # document and no finding; before the first audit there is no verdict and no document.
    cells = {}
    for name, path in (("q1", q1_path), ("q3", q3_path), ("before", before_path)):
        sheet = load_workbook(path)["目录覆盖"]
        rows = {r[4]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
        cells[name] = rows["zh.annual_report"]
    assert cells["q1"][9] == "缺失" and cells["q1"][15] == "已关闭" and cells["q1"][17] == "2025-05-12"
    assert cells["q3"][9] == "已覆盖" and cells["q3"][10] == 1 and cells["q3"][14] is None
    assert cells["before"][9] == "未评估" and cells["before"][10] == 0
    # The 问题清单 marks the fixed ones.
    findings = load_workbook(q1_path)["问题清单"]
    headers = [c.value for c in findings[1]]
    fixed_rows = [
        r for r in findings.iter_rows(min_row=2, values_only=True) if r[headers.index("状态")] == "已关闭"
    ]
    assert sorted(r[headers.index("规则")] for r in fixed_rows) == ["catalog_gap", "stale_column"]
    assert parse_period("2025-01..2025-03").contains(D(2025, 3, 10))


def test_findings_of_items_no_longer_in_the_catalog_are_listed(
    catalogued: Catalogued, tmp_path: Path
) -> None:
    """The county switches to the township's smaller catalog after the audit: its other gaps stay
    traceable, beside the matrix, instead of vanishing with their cells."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(Path(catalogued.db.removeprefix("sqlite:///")).read_bytes())
    db = f"sqlite:///{copy}"
    with open_store(db) as store:
        store.upsert_site(COUNTY.model_copy(update={"catalog": str(catalogued.town_catalog)}))
    gaps = open_gaps(db, "hongqiao")
    kept = {i.id for i in catalog_for_site(str(catalogued.town_catalog)).items}
    run = CliRunner().invoke(
        cli,
        ["report", "--db", db, "--site", "hongqiao", "--out", str(tmp_path / "out"), "--format", "html,xlsx"],
    )
    assert run.exit_code == 0, run.output
    (xlsx,) = (tmp_path / "out").glob("*.xlsx")
    rows = list(load_workbook(xlsx)["目录覆盖"].iter_rows(min_row=2, values_only=True))
    orphans = {r[4]: r[14] for r in rows if r[9] == "不在当前目录"}
    assert orphans == {item: f"F{fid}" for item, (fid, _) in gaps.items() if item not in kept}
    assert orphans and {r[4] for r in rows if r[14]} == set(gaps)  # every finding, in a cell or listed
    (html,) = (tmp_path / "out").glob("*.html")
    text = html.read_text(encoding="utf-8")
    assert all(f'href="#f-{fid}"' in text for fid, _ in gaps.values())
    assert 'id="catalog-orphans-hongqiao"' in text
