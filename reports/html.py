"""The report as one self-contained HTML file: inline CSS, charts as data: URIs, no scripts.

Crawled titles, details and URLs are untrusted. Jinja2 autoescapes every value; links are made
only from http(s) URLs; and a Content-Security-Policy forbids scripts and any outside request, so
even a slip in escaping could not run code or fetch anything when the file is opened.
"""

from __future__ import annotations

import base64
import functools
from collections import Counter
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from gongkai.audits.rules import RULE_LABELS, rule_label
from gongkai.reports.charts import Chart
from gongkai.reports.coverage import EXPECT_LABELS, STATUS_LABELS
from gongkai.reports.indicators import BY_ID, INDICATORS
from gongkai.reports.labels import DOC_TYPES, SEVERITIES
from gongkai.reports.model import SAMPLE_PER_RULE, Report
from gongkai.reports.scoring import DISCLAIMER
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from gongkai.resources import corpus_path

TEMPLATES = corpus_path("reports", "templates")
#: How many finding links an indicator cell shows before pointing to the findings list.
LINKS_PER_CELL = 12
#: How many to-review findings the report lists before pointing to the XLSX.
LIST_LIMIT = 200


def safe_href(url: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (no javascript:, data:, relative …)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}"


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def lost_points(score: Any) -> list[tuple[Any, Any]]:
    """(indicator, its score line) of the indicators that cost points, in the indicators' order."""
    lines = [(i, score.indicators.get(i.id)) for i in INDICATORS]
    return [
        (i, line) for i, line in lines if line is not None and line.assessed and round(line.deduction, 2) > 0
    ]


@functools.cache
def environment() -> Environment:
    """One environment per process: Jinja2 then compiles each template once, not on every render."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, num=num, href=safe_href, rule_label=rule_label, data_uri=data_uri)
    env.globals.update(
        INDICATORS=INDICATORS,
        BY_ID=BY_ID,
        RULES=RULE_LABELS,
        SEVERITIES=SEVERITIES,
        DOC_TYPES=DOC_TYPES,
        LINKS_PER_CELL=LINKS_PER_CELL,
        LIST_LIMIT=LIST_LIMIT,
        SAMPLE_PER_RULE=SAMPLE_PER_RULE,
        DISCLAIMER=DISCLAIMER,
        STATUS_LABELS=STATUS_LABELS,
        EXPECT_LABELS=EXPECT_LABELS,
        lost_points=lost_points,
    )
    return env


NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers up to 99)."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[units - 1] if units else "")


def outline(report: Report, annual: bool = False) -> list[tuple[str, str]]:
    """(anchor id, heading) of the report's numbered sections, in order."""
    many = bool(report.ranking)
    parts: list[tuple[str, str]] = []
    if many:
        parts += [("ranking", "评估对象排名"), ("cards", "各评估对象成绩单")]
    parts += [("overall", "合并总体得分" if many else "总体得分")]
    parts += [("to-review", "待复核事项（不计分）"), ("charts", "图表"), ("agencies", "按发布机构")]
    parts += [("domains", "按领域（26个基层政务公开标准领域）"), ("catalog", "标准目录覆盖（领域 × 事项）")]
    parts += [("months", "按月趋势"), ("details", "指标明细"), ("columns", "栏目")]
    if annual:
        parts += [("annual", "政府信息公开工作年度报告")]
    parts += [(f"section-{item.section.id}", item.section.title) for item in report.sections]
    parts += [("findings", "问题清单")]
    numbered = [(anchor, f"{numeral(n)}、{title}") for n, (anchor, title) in enumerate(parts, start=1)]
    if report.full_list_inline:
        numbered.append(("evidence", "附录　证据"))
    return numbered


def render_html(
    report: Report,
    charts: list[Chart],
    catalog_charts: list[Chart] | None = None,
    annual: Any = None,
    annual_chart: bytes | None = None,
    ranking_chart: Chart | None = None,
    evidence_file: str | None = None,
) -> str:
    """The main report. ``annual``: the annual-report section (``reports.annual.AnnualSection``),
    if any; ``evidence_file`` names the linked evidence page of a large report."""
    template = environment().get_template("report.html.j2")
    inline = report.full_list_inline
    shown = _findings_by_rule(report, None if inline else SAMPLE_PER_RULE)
    listed = {int(f["id"]) for _, items in shown for f in items}

    def flink(fid: int) -> str:
        if inline or int(fid) in listed or not evidence_file:
            return f"#f-{fid}"
        return f"{evidence_file}#f-{fid}"

    toc = outline(report, annual is not None)
    return template.render(
        review_shown=_review_shown(report, inline),
        annual=annual,
        annual_chart=annual_chart,
        report=report,
        charts=charts,
        catalog_charts=catalog_charts or [],
        ranking_chart=ranking_chart,
        generated=report.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        findings_by_rule=shown,
        rule_counts=dict(Counter(f["rule"] for f in report.findings)),
        fixed_counts=dict(Counter(f["rule"] for f in report.findings if f.get("status") == "closed")),
        heading=dict(toc),
        toc=toc,
        flink=flink,
        evidence_file=evidence_file,
        inline=inline,
    )


def render_evidence_html(report: Report, main_file: str) -> str:
    """The linked page of a large report: every finding and its evidence, one self-contained file."""
    template = environment().get_template("evidence.html.j2")
    return template.render(
        report=report,
        generated=report.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        findings_by_rule=_findings_by_rule(report, None),
        main_file=main_file,
    )


def _review_shown(report: Report, inline: bool) -> list[dict[str, Any]]:
    """The to-review findings the main report lists: up to LIST_LIMIT, or in a large report the
    first SAMPLE_PER_RULE of each rule (all of them are in the XLSX)."""
    if inline:
        return report.to_review[:LIST_LIMIT]
    seen: Counter[str] = Counter()
    shown = []
    for finding in report.to_review:
        seen[finding["rule"]] += 1
        if seen[finding["rule"]] <= SAMPLE_PER_RULE:
            shown.append(finding)
    return shown


def _findings_by_rule(report: Report, limit: int | None) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in report.findings:
        groups.setdefault(finding["rule"], []).append(finding)
    order = [rule for rule in RULE_LABELS if rule in groups] + sorted(set(groups) - set(RULE_LABELS))
    return [(rule, groups[rule] if limit is None else groups[rule][:limit]) for rule in order]
