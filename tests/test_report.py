"""``gongkai report``: the HTML in real headless Chromium, the PDF through pdftotext, the XLSX in openpyxl.

Expected numbers are computed here from the invented specs (tests/test_reports_data.py) with the
real working-day calendar, not read back from the report.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import statistics
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from gongkai.audits.rules import RULE_LABELS as RULES
from gongkai.flows.cli import cli
from gongkai.models.store import open_store
from openpyxl import load_workbook

from tests.test_reports_data import (
    DOCS,
    EVIL_TITLE,
    FORMULA_TITLE,
    SITES,
    expected_findings,
    in_period,
    is_own,
    lag,
    populate,
)

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
CHROMIUM = os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def docs_in(since: date, until: date) -> list:  # type: ignore[type-arg]
    return [d for d in DOCS if since <= (d.published or d.written) <= until]  # type: ignore[operator]


def nearest_rank(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


@dataclass
class Made:
    db: str
    out: Path
    stdout: str

    def file(self, suffix: str) -> Path:
        (path,) = self.out.glob(f"*.{suffix}")
        return path


def make_report(db: str, out: Path, *args: str) -> Made:
    result = CliRunner().invoke(cli, ["report", "--db", db, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return Made(db, out, result.stdout)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    base = tmp_path_factory.mktemp("report")
    db = f"sqlite:///{base / 'gongkai.db'}"
    with open_store(db) as store:
        populate(store)
    # HTML and workbook here; the PDF (WeasyPrint lays out every page: the slow part) only for the
    # PDF tests, which are marked slow (``made_pdf``).
    return make_report(db, base / "out", "--all", "--period", "2025", "--format", "html,xlsx")


@pytest.fixture(scope="module")
def made_pdf(made: Made) -> Made:
    """The same report as ``made`` written as PDF into the same folder."""
    make_report(made.db, made.out, "--all", "--period", "2025", "--format", "pdf")
    return made


@pytest.fixture(scope="module")
def browser_page(made: Made, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The HTML report opened in Debian's Chromium (never a downloaded browser), with what it did."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run `make system-deps`"
    profile = tmp_path_factory.mktemp("chromium-profile")
    seen: dict[str, list[str]] = {"dialogs": [], "console": [], "requests": [], "errors": []}
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = context.new_page()
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            page.on("console", lambda m: seen["console"].append(m.text))
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            # The harness must be able to see a script run, or "no dialog" proves nothing.
            control = profile / "control.html"
            control.write_text("<script>alert('control')</script>", encoding="utf-8")
            page.goto(control.as_uri())
            page.wait_for_timeout(200)
            assert seen["dialogs"] == ["control"]
            seen["dialogs"].clear()
            seen["requests"].clear()
            page.goto(made.file("html").as_uri())
            page.wait_for_timeout(300)
            shot = made.out / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            yield {"page": page, "seen": seen, "screenshot": shot}
        finally:
            context.close()


def test_html_in_chromium_shows_the_key_numbers(made: Made, browser_page: dict[str, object]) -> None:
    page = browser_page["page"]
    docs = docs_in(*YEAR)
    findings = [f for f in expected_findings() if in_period(f, *YEAR)]
    assert page.inner_text("#total-documents") == str(len(docs))  # type: ignore[attr-defined]
    assert page.inner_text("#total-findings") == str(len(findings))  # type: ignore[attr-defined]
    for rule, count in Counter(f.rule for f in findings).items():
        assert page.inner_text(f"#total-{rule}") == str(count)  # type: ignore[attr-defined]
    late = {f.doc.key for f in findings if f.rule == "late_publication" and f.doc}
    timely = [d for d in docs if (is_own(d) and lag(d) is not None) or d.key in late]
    body = page.inner_text("body")  # type: ignore[attr-defined]
    share = (len(timely) - len(late)) / len(timely) * 100
    assert f"{share:.1f}% ({len(timely) - len(late)}/{len(timely)})" in body
    lags = [lag(d) for d in timely]
    assert page.inner_text("#lag-median") == f"{statistics.median(lags):g}"  # type: ignore[attr-defined,type-var]
    assert page.inner_text("#lag-p90") == str(nearest_rank(lags, 0.9))  # type: ignore[attr-defined,arg-type]
    for agency in {d.publisher for d in docs if d.publisher}:
        assert agency in body
    # The score is the scale minus the deductions the findings list shows, finding by finding.
    score = float(page.inner_text("#total-score").split("/")[0])  # type: ignore[attr-defined]
    cells = page.locator("tr[id^='f-'] td:last-child").all_inner_texts()  # type: ignore[attr-defined]
    assert len(cells) == len(findings)
    assert abs(100 - sum(float(c) for c in cells) - score) < 0.05 + 0.005 * len(cells)
    assert f"{score:.1f}" in made.stdout
    shot = browser_page["screenshot"]
    assert shot.stat().st_size > 50_000  # type: ignore[attr-defined]


def test_crawled_markup_is_text_and_no_script_runs(made: Made, browser_page: dict[str, object]) -> None:
    page = browser_page["page"]
    seen: dict[str, list[str]] = browser_page["seen"]  # type: ignore[assignment]
    assert EVIL_TITLE in page.inner_text("body")  # type: ignore[attr-defined]
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert page.evaluate("document.querySelectorAll('script').length") == 0  # type: ignore[attr-defined]
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0  # type: ignore[attr-defined]
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"]), seen["requests"]
    html = made.file("html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    # Self-contained: the only images are embedded, nothing is fetched from anywhere.
    sources = re.findall(r'src="([^"]*)"', html)
    assert len(sources) >= 3 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "Content-Security-Policy" in html


@pytest.mark.slow  # WeasyPrint
def test_pdf_has_the_charts_and_chinese_text(made_pdf: Made) -> None:
    pdf = made_pdf.file("pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for agency in {d.publisher for d in docs_in(*YEAR) if d.publisher} | {s.agency for s in SITES}:
        assert agency in text, agency
    assert "政务公开第三方评估报告" in text and "未公布指标权重" in text
    # In the order the PDF draws it (a cell at a time; reading order may interleave table columns).
    plain = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Shown as text; a table cell may wrap it, so compare without whitespace.
    assert re.sub(r"\s+", "", EVIL_TITLE) in re.sub(r"\s+", "", plain)
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line for line in images.splitlines()[2:] if line.strip()]
    assert len(rows) >= 3, images
    assert shutil.which("pdftotext")


def gaps_by_rule(db: str, *args: str) -> dict[str, int]:
    result = CliRunner().invoke(cli, ["gaps", "--db", db, "--by", "rule", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return {row["rule"]: row["count"] for row in map(json.loads, result.stdout.splitlines())}


def xlsx_totals(path: Path) -> dict[str, int]:
    sheet = load_workbook(path)["汇总"]
    return {row[0].value: row[2].value for row in sheet.iter_rows(min_row=2) if row[0].value}


def test_xlsx_totals_equal_gaps_by_rule(made: Made) -> None:
    path = made.file("xlsx")
    totals = xlsx_totals(path)
    assert totals == gaps_by_rule(made.db, "--since", "2025-01-01", "--until", "2025-12-31")
    assert totals == dict(Counter(f.rule for f in expected_findings() if in_period(f, *YEAR)))
    book = load_workbook(path)
    for name in (
        "按时发布率",
        "解读覆盖率",
        "元数据完整率",
        "文号规范率",
        "公开属性规范率",
        "栏目维护",
        "问题清单",
    ):
        assert name in book.sheetnames
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    findings = book["问题清单"]
    headers = [c.value for c in findings[1]]
    rows = list(findings.iter_rows(min_row=2))
    assert len(rows) == sum(totals.values())
    url, title = headers.index("网址"), headers.index("标题")
    assert all(r[url].hyperlink.target == r[url].value for r in rows if r[url].value)
    formula = next(r[title] for r in rows if r[title].value == FORMULA_TITLE)
    assert formula.data_type == "s"
    warc = headers.index("WARC 记录")
    assert all(
        str(r[warc].value).startswith("<urn:uuid:")
        for r in rows
        if r[url].value and r[url].value.endswith(".html")
    )
    deductions = sum(r[headers.index("扣分")].value for r in rows)
    about = {r[0].value: r[1].value for r in book["说明"].iter_rows(min_row=2)}
    assert abs(about["满分"] - deductions - about["总体得分"]) < 0.01


def test_period_and_site_narrow_the_report(made: Made, tmp_path: Path) -> None:
    since, until = date(2025, 1, 1), date(2025, 3, 31)
    small = make_report(
        made.db, tmp_path, "--site", "qingshan", "--period", "2025-01..2025-03", "--format", "xlsx"
    )
    totals = xlsx_totals(small.file("xlsx"))
    expected = [f for f in expected_findings() if f.site == "qingshan" and in_period(f, since, until)]
    assert totals == dict(Counter(f.rule for f in expected))
    assert totals == gaps_by_rule(made.db, "--site", "qingshan", "--since", str(since), "--until", str(until))
    trend = load_workbook(small.file("xlsx"))["按月趋势"]
    assert [r[0].value for r in trend.iter_rows(min_row=2)] == ["2025-01", "2025-02", "2025-03"]
    assert [r[1].value for r in trend.iter_rows(min_row=2)] == [
        sum(
            1 for d in docs_in(since, until) if d.site == "qingshan" and (d.published or d.written).month == m
        )  # type: ignore[union-attr]
        for m in (1, 2, 3)
    ]


@pytest.mark.postgres
def test_report_on_postgres_matches_gaps(pg_url: str, tmp_path: Path) -> None:
    with open_store(pg_url) as store:
        populate(store)
    made = make_report(pg_url, tmp_path, "--all", "--period", "2025-01..2025-06", "--format", "xlsx")
    totals = xlsx_totals(made.file("xlsx"))
    assert totals == gaps_by_rule(pg_url, "--since", "2025-01-01", "--until", "2025-06-30")
    assert set(totals) <= set(RULES) and sum(totals.values()) > 10


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path, read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    # The one value that depends on the minute of writing.
    sheets["说明"] = [row for row in sheets["说明"] if row[0] != "生成时间 (UTC)"]
    return sheets


def test_workbook_from_the_side_process_equals_the_one_process_workbook(made: Made, tmp_path: Path) -> None:
    """``made`` wrote its XLSX in a forked child beside the HTML; ``workers=1`` writes it here."""
    import multiprocessing

    from gongkai.reports.build import write_report
    from gongkai.reports.period import parse_period

    with open_store(made.db) as store:
        alone = write_report(store, None, parse_period("2025"), tmp_path, ("html", "xlsx"), workers=1)
    assert alone.errors == {} and multiprocessing.active_children() == []
    forked = sheet_values(made.file("xlsx"))
    assert sum(len(rows) for rows in forked.values()) > 100
    assert forked == sheet_values(alone.files["xlsx"])


def test_a_failing_side_writer_is_one_error_and_the_html_lands(
    made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from gongkai.reports import workbook
    from gongkai.reports.build import write_report
    from gongkai.reports.period import parse_period

    def broken(report: object, target: Path) -> None:
        (tmp_path / "writer.pid").write_text(str(os.getpid()))
        target.write_bytes(b"half a workbook")
        raise OSError("disk full\nsecond line")

    monkeypatch.setattr(workbook, "write_workbook", broken)
    with open_store(made.db) as store:
        written = write_report(store, None, parse_period("2025"), tmp_path, ("html", "xlsx"))
    assert written.errors == {"xlsx": "OSError: disk full"}
    assert int((tmp_path / "writer.pid").read_text()) != os.getpid()  # it ran in the child
    assert set(written.files) == {"html"} and written.files["html"].stat().st_size > 10_000
    assert list(tmp_path.glob("*.xlsx")) == [] and multiprocessing.active_children() == []


def test_user_errors_are_one_line(made: Made, tmp_path: Path) -> None:
    bad_weights = tmp_path / "w.yaml"
    bad_weights.write_text(
        "indicators:\n  timely_publication: {weight: 10, method: per_finding}\n", encoding="utf-8"
    )
    for args, message in (
        (["--site", "nowhere"], "no site named 'nowhere'"),
        (["--site", "qingshan", "--all"], "not both"),
        ([], "choose --site NAME or --all"),
        (["--all", "--period", "2025-13"], "period '2025-13'"),
        (["--all", "--period", "2025-06..2025-01"], "ends before it starts"),
        (["--all", "--weights", str(bad_weights)], "must be rate"),
        (["--all", "--format", "docx"], "comma list"),
    ):
        result = CliRunner().invoke(cli, ["report", "--db", made.db, "--out", str(tmp_path / "x"), *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)


@pytest.mark.slow  # WeasyPrint
def test_pdf_pages_fit_a4_and_agency_names_stay_on_one_line(made_pdf: Made) -> None:
    from tests.pdf_layout import broken_names, outside_printable_box, read_pdf

    pages = read_pdf(made_pdf.file("pdf"))
    assert any(p.landscape for p in pages) and any(not p.landscape for p in pages)
    assert outside_printable_box(pages) == []
    names = {d.publisher for d in DOCS if d.publisher} | {s.agency for s in SITES if s.agency}
    assert broken_names(pages, names) == []
