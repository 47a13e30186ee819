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
from gongkai.audits.rules import rule_label
from gongkai.audits.rules.confidence import CLASSIFIER_RULES
from gongkai.flows.cli import cli
from gongkai.models.store import open_store
from gongkai.models.tables import documents, findings, sites
from gongkai.reports.indicators import INDICATORS
from gongkai.reports.pdf import write_pdf
from openpyxl import load_workbook

from bench.synthetic_store import Plan, generate_store
from tests.pdf_layout import broken_names, outside_printable_box, read_pdf

TODAY = date(2027, 3, 31)
SITES = 100
POOLED = ("county-001", "county-002")
POOLED_AGENCY = "青山县人民政府"
#: Assessed governments: every site its own, but the two pooled ones are one.
UNITS = SITES - 1
REASONS = {
    "missing_interpretation": "needs_interpretation p=0.71 < 0.90",
    "late_publication": "发布日期只从页面 <meta> 读出",
}


@dataclass
class Made:
    db: str
    out: Path
    #: finding id → (government, rule, certainty) as the store holds them after the marking; the
    #: government is the site's agency, else its name.
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
            # Two sites of one government (say its portal and its 信息公开 platform): one ranked unit.
            for site in POOLED:
                config = dict(
                    conn.execute(sa.select(sites.c.config).where(sites.c.name == site)).scalar_one()
                )
                config["agency"] = POOLED_AGENCY
                conn.execute(
                    sa.update(sites).where(sites.c.name == site).values(agency=POOLED_AGENCY, config=config)
                )
            stored = {
                row.id: (row.name, row.rule_id, row.certainty)
                for row in conn.execute(
                    sa.text(
                        "SELECT f.id, COALESCE(s.agency, s.name) AS name, f.rule_id, f.certainty "
                        "FROM findings f JOIN sites s ON s.id = f.site_id WHERE f.status = 'open'"
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
    assert len(ranking) == UNITS
    (pooled,) = [row for row in ranking if row["评估对象"] == POOLED_AGENCY]
    assert pooled["站点"] == "、".join(POOLED)
    by_unit = {row["government"]: row["count"] for row in gaps_json(made.db, "--by", "government")}
    held = gaps_json(made.db, "--by", "government", "--certainty", "to_review")
    held_by_unit = {row["government"]: row["count"] for row in held}
    confirmed = Counter(unit for unit, _, c in made.stored.values() if c == "confirmed")
    doubtful = Counter(unit for unit, _, c in made.stored.values() if c == "to_review")
    for row in ranking:
        unit = row["评估对象"]
        assert row["问题（计分）"] == by_unit.get(unit, 0) == confirmed[unit], unit
        assert row["待复核（不计分）"] == held_by_unit.get(unit, 0) == doubtful[unit], unit
        assert row["合计"] == confirmed[unit] + doubtful[unit]
    # Each document indicator's failing count is the unit's confirmed open findings of its rules.
    by_unit_rule = Counter((unit, rule) for unit, rule, c in made.stored.values() if c == "confirmed")
    for row in ranking:
        for indicator in INDICATORS:
            if indicator.level != "document":
                continue
            failing = row[f"{indicator.name}·适用"] - row[f"{indicator.name}·合规"]
            assert failing == sum(by_unit_rule[(row["评估对象"], rule)] for rule in indicator.rules)
    # Best first; equal printed scores share a rank (1, 2, 2, 4), and are marked 并列.
    scores = [row["得分"] for row in ranking]
    assert scores == sorted(scores, reverse=True)
    for row in ranking:
        assert row["排名"] == 1 + sum(s > row["得分"] for s in scores)
        assert (row["并列"] == "并列") == (scores.count(row["得分"]) > 1)
    # The ranking section of the HTML states the ties and shows the same ranks.
    html = made.file("*.html").read_text(encoding="utf-8")
    shown = re.findall(r'<tr id="rank-[^"]+" data-government="([^"]+)" [^>]*><td class="c">(\d+)', html)
    assert [(unit, int(rank)) for unit, rank in shown] == [(r["评估对象"], r["排名"]) for r in ranking]
    if any(r["并列"] for r in ranking):
        assert '<p id="ties">并列：' in html


def test_each_card_splits_findings_by_agency_as_gaps_does(made: Made) -> None:
    html = made.file("*.html").read_text(encoding="utf-8")
    cards = dict(re.findall(r'<section class="card" id="card-([^"]+)">(.*?)</section>', html, re.S))
    assert len(cards) == UNITS
    units = [str(row["站点"]).split("、") for row in sheet_rows(made.file("*.xlsx"), "排名")]
    checked = [unit for unit in units if len(unit) > 1] + units[:: UNITS // 10]
    for unit in checked:
        shown = re.findall(r'data-agency="([^"]+)" data-findings="(\d+)" data-review="(\d+)"', cards[unit[0]])
        scope = [arg for site in unit for arg in ("--site", site)]
        for column, certainty in ((1, "confirmed"), (2, "to_review")):
            rows = gaps_json(made.db, *scope, "--by", "agency", "--certainty", certainty)
            counted = {row["agency"]: row["count"] for row in rows}
            assert {s[0]: int(s[column]) for s in shown if int(s[column])} == counted, (unit, certainty)


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
    # The report states, for each rule, how many calls were held back (the XLSX for each rule
    # that accuses on a classifier call, zero included).
    for rule in CLASSIFIER_RULES:
        assert about[f"其中 {rule_label(rule)}"] == held.get(rule, 0), rule
    html = made.file("*.html").read_text(encoding="utf-8")
    for rule in REASONS:
        assert f'<td class="n" id="review-{rule}">{held[rule]}</td>' in html


def test_news_is_counted_apart_and_never_in_a_denominator(made: Made) -> None:
    ranking = {row["评估对象"]: row for row in sheet_rows(made.file("*.xlsx"), "排名")}
    with open_store(made.db) as store, store.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT COALESCE(s.agency, s.name), d.id FROM documents d JOIN sites s ON s.id = d.site_id"
            )
        ).all()
    per_unit: dict[str, list[int]] = defaultdict(list)
    for unit, doc_id in rows:
        per_unit[unit].append(doc_id)
    assert made.news
    for unit, ids in per_unit.items():
        news = sum(i in made.news for i in ids)
        assert ranking[unit]["新闻"] == news
        assert ranking[unit]["文件"] == len(ids) - news
        # 元数据完整率 applies to every official document: news pages are not in it.
        assert ranking[unit]["元数据完整率·适用"] == len(ids) - news


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
