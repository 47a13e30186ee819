"""A 100-agency report on a synthetic store audited by the real audit: ranking, uncertainty, pages.

The store is written by ``bench.synthetic_store`` (100 county sites) and audited by
``audits.engine.run_audit``. Then, as the rules of the confident-findings issue will, some
findings are marked ``to_review`` with a reason, and some pages are marked ``news``. Expected
figures come from the store's own records and from ``gongkai gaps``, never from the report.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from gongkai.audits.engine import run_audit
from gongkai.flows.cli import cli
from gongkai.models.store import open_store
from gongkai.models.tables import documents, findings
from gongkai.reports.indicators import INDICATORS
from gongkai.reports.pdf import write_pdf
from openpyxl import load_workbook

from bench.synthetic_store import Plan, generate_store
from tests.pdf_layout import broken_names, outside_printable_box, read_pdf

TODAY = date(2027, 3, 31)
SITES = 100
REASONS = {
    "missing_interpretation": "needs_interpretation p=0.71 < 0.90",
    "late_publication": "发布日期只从页面 <meta> 读出",
}


@dataclass
class Made:
    db: str
    out: Path
    #: finding id → (site, rule, certainty) as the store holds them after the marking.
    stored: dict[int, tuple[str, str, str]]
    news: set[int]

    def file(self, pattern: str) -> Path:
        (path,) = [p for p in self.out.glob(pattern) if not p.name.endswith("-evidence.html")]
        return path


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    base = tmp_path_factory.mktemp("ranking")
    path = base / "g.db"
    plan = Plan(docs=1200, sites=SITES, today=TODAY, first_day=date(2025, 1, 1), catalog_share=0.3)
    generate_store(path, plan, titles=[f"关于做好第{i}项重点工作的通知" for i in range(400)])
    db = f"sqlite:///{path}"
    with open_store(db) as store:
        assert run_audit(store, today=TODAY).errors == []
        with store.engine.begin() as conn:
            # Held back as uncertain: every third finding of two accusation-bearing rules.
            for rule, reason in REASONS.items():
                conn.execute(
                    sa.update(findings)
                    .where(findings.c.rule_id == rule, findings.c.id % 3 == 0)
                    .values(certainty="to_review", review_reason=reason)
                )
            # News pages: documents without any finding, in every tenth site.
            flagged = sa.select(findings.c.document_id).where(findings.c.document_id.is_not(None))
            news_ids = [
                row.id
                for row in conn.execute(
                    sa.select(documents.c.id)
                    .where(documents.c.site_id % 10 == 1, documents.c.id.not_in(flagged))
                    .limit(40)
                )
            ]
            conn.execute(sa.update(documents).where(documents.c.id.in_(news_ids)).values(page_kind="news"))
            stored = {
                row.id: (row.name, row.rule_id, row.certainty)
                for row in conn.execute(
                    sa.text(
                        "SELECT f.id, s.name, f.rule_id, f.certainty FROM findings f "
                        "JOIN sites s ON s.id = f.site_id WHERE f.status = 'open'"
                    )
                )
            }
    assert Counter(c for _, _, c in stored.values())["to_review"] > 10
    out = base / "out"
    # HTML and workbook; the PDF (WeasyPrint: the slow part) only for the slow PDF test (made_pdf).
    result = CliRunner().invoke(
        cli, ["report", "--db", db, "--all", "--out", str(out), "--format", "html,xlsx"]
    )
    assert result.exit_code == 0, result.output
    return Made(db, out, stored, set(news_ids))


@pytest.fixture(scope="module")
def made_pdf(made: Made) -> Made:
    """The same report as ``made`` written as PDF into the same folder."""
    result = CliRunner().invoke(
        cli, ["report", "--db", made.db, "--all", "--out", str(made.out), "--format", "pdf"]
    )
    assert result.exit_code == 0, result.output
    return made


def gaps_json(db: str, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["gaps", "--db", db, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def sheet_rows(path: Path, name: str) -> list[dict[str, object]]:
    sheet = load_workbook(path, read_only=True)[name]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if any(v is not None for v in row)]


def test_the_ranking_equals_gaps_and_the_audit_records(made: Made) -> None:
    ranking = sheet_rows(made.file("*.xlsx"), "排名")
    assert len(ranking) == SITES
    by_site = {row["site"]: row["count"] for row in gaps_json(made.db, "--by", "site")}
    held = gaps_json(made.db, "--by", "site", "--certainty", "to_review")
    held_by_site = {row["site"]: row["count"] for row in held}
    confirmed = Counter(site for site, _, c in made.stored.values() if c == "confirmed")
    doubtful = Counter(site for site, _, c in made.stored.values() if c == "to_review")
    for row in ranking:
        site = row["站点"]
        assert row["问题（计分）"] == by_site.get(site, 0) == confirmed[site], site
        assert row["待复核（不计分）"] == held_by_site.get(site, 0) == doubtful[site], site
        assert row["合计"] == confirmed[site] + doubtful[site]
    # Each document indicator's failing count is the site's confirmed open findings of its rules.
    by_site_rule = Counter((site, rule) for site, rule, c in made.stored.values() if c == "confirmed")
    for row in ranking:
        for indicator in INDICATORS:
            if indicator.level != "document":
                continue
            failing = row[f"{indicator.name}·适用"] - row[f"{indicator.name}·合规"]
            assert failing == sum(by_site_rule[(row["站点"], rule)] for rule in indicator.rules)
    # Best first; equal printed scores share a rank (1, 2, 2, 4), and are marked 并列.
    scores = [row["得分"] for row in ranking]
    assert scores == sorted(scores, reverse=True)
    for row in ranking:
        assert row["排名"] == 1 + sum(s > row["得分"] for s in scores)
        assert (row["并列"] == "并列") == (scores.count(row["得分"]) > 1)
    # The ranking section of the HTML states the ties and shows the same ranks.
    html = made.file("*.html").read_text(encoding="utf-8")
    shown = re.findall(r'<tr id="rank-([^"]+)" data-site="[^"]+"><td class="c">(\d+)', html)
    assert [(site, int(rank)) for site, rank in shown] == [(r["站点"], r["排名"]) for r in ranking]
    if any(r["并列"] for r in ranking):
        assert '<p id="ties">并列：' in html


def test_each_card_splits_findings_by_agency_as_gaps_does(made: Made) -> None:
    html = made.file("*.html").read_text(encoding="utf-8")
    cards = re.findall(r'<section class="card" id="card-([^"]+)">(.*?)</section>', html, re.S)
    assert len(cards) == SITES
    for site, body in cards[:: SITES // 10]:
        shown = re.findall(r'data-agency="([^"]+)" data-findings="(\d+)" data-review="(\d+)"', body)
        for column, certainty in ((1, "confirmed"), (2, "to_review")):
            rows = gaps_json(made.db, "--site", site, "--by", "agency", "--certainty", certainty)
            counted = {row["agency"]: row["count"] for row in rows}
            assert {s[0]: int(s[column]) for s in shown if int(s[column])} == counted, (site, certainty)


def test_to_review_findings_are_counted_apart_and_never_scored(made: Made) -> None:
    book = made.file("*.xlsx")
    doubtful = {fid for fid, (_, _, c) in made.stored.items() if c == "to_review"}
    listed = sheet_rows(book, "待复核")
    assert {row["编号"] for row in listed} == doubtful
    # Ours, and any the audit itself held back (a classifier call below its threshold).
    assert {row["待复核原因"] for row in listed} >= set(REASONS.values())
    scored = sheet_rows(book, "问题清单")
    assert not doubtful & {row["编号"] for row in scored}
    about = {row["项目"]: row["内容"] for row in sheet_rows(book, "说明")}
    deductions = sum(float(row["扣分"]) for row in scored)
    assert abs(about["满分"] - deductions - about["总体得分"]) < 0.01
    # The summary per rule: gaps --by rule (confirmed), and the held-back ones apart.
    gaps = {row["rule"]: row["count"] for row in gaps_json(made.db, "--by", "rule")}
    held = Counter(rule for _, rule, c in made.stored.values() if c == "to_review")
    for row in sheet_rows(book, "汇总"):
        if row["rule"]:
            assert row["问题"] == gaps.get(row["rule"], 0)
            assert row["另有待复核（不计分）"] == held.get(row["rule"], 0)
    # The report states, for each rule, how many calls were held back.
    html = made.file("*.html").read_text(encoding="utf-8")
    for rule in REASONS:
        assert f'<td class="n" id="review-{rule}">{held[rule]}</td>' in html


def test_news_is_counted_apart_and_never_in_a_denominator(made: Made) -> None:
    ranking = {row["站点"]: row for row in sheet_rows(made.file("*.xlsx"), "排名")}
    with open_store(made.db) as store, store.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT s.name, d.id FROM documents d JOIN sites s ON s.id = d.site_id")
        ).all()
    per_site: dict[str, list[int]] = defaultdict(list)
    for site, doc_id in rows:
        per_site[site].append(doc_id)
    assert made.news
    for site, ids in per_site.items():
        news = sum(i in made.news for i in ids)
        assert ranking[site]["新闻"] == news
        assert ranking[site]["文件"] == len(ids) - news
        # 元数据完整率 applies to every official document: news pages are not in it.
        assert ranking[site]["元数据完整率·适用"] == len(ids) - news


@pytest.mark.slow  # WeasyPrint
def test_the_pdf_pages_fit_a4_and_names_stay_on_one_line(made_pdf: Made) -> None:
    made = made_pdf
    pages = read_pdf(made.file("*.pdf"))
    assert any(p.landscape for p in pages) and any(not p.landscape for p in pages)
    assert outside_printable_box(pages) == []
    with open_store(made.db) as store, store.engine.connect() as conn:
        names = {r[0] for r in conn.execute(sa.text("SELECT agency FROM sites WHERE agency IS NOT NULL"))}
        names |= {r[0] for r in conn.execute(sa.text("SELECT DISTINCT publisher FROM documents")) if r[0]}
    text = " ".join(w.text for p in pages for w in p.words)
    assert all(name in text for name in names)
    assert broken_names(pages, names) == []
    # A large report keeps the full list and evidence out of the PDF, in a linked page.
    evidence = [p for p in made.out.glob("*-evidence.html")]
    assert len(evidence) == 1 and evidence[0].name in made.file("*.html").read_text(encoding="utf-8")


def test_the_page_checks_catch_a_wrapped_name_and_an_overwide_table(tmp_path: Path) -> None:
    """Control: the same checks on a page made to fail them do fail."""
    name = "示例县人民政府办公室"
    cells = "".join(f"<td>{n:09d}{n:09d}</td>" for n in range(14))
    html = (
        '<html><head><meta charset="utf-8"><style>@page { size: A4; margin: 14mm }'
        "body { font-family: 'Noto Sans CJK SC'; font-size: 10pt }</style></head><body>"
        f'<table style="width: 20mm"><tr><td style="width: 12mm">{name}</td><td>1</td></tr></table>'
        f'<table style="table-layout: fixed; width: 150%"><tr>{cells}</tr></table></body></html>'
    )
    target = tmp_path / "control.pdf"
    write_pdf(html, target)
    pages = read_pdf(target)
    assert broken_names(pages, {name}) == [(1, name)]
    assert outside_printable_box(pages)
