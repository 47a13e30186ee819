"""The report as one self-contained HTML file: inline CSS, charts as data: URIs, no scripts.

Crawled titles, details and URLs are untrusted. Jinja2 autoescapes every value; links are made
only from http(s) URLs; and a Content-Security-Policy forbids scripts and any outside request, so
even a slip in escaping could not run code or fetch anything when the file is opened.
"""

from __future__ import annotations

import base64
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from gongkai.audits.rules import RULE_LABELS, rule_label
from gongkai.reports.charts import Chart
from gongkai.reports.coverage import EXPECT_LABELS, STATUS_LABELS
from gongkai.reports.indicators import BY_ID, INDICATORS
from gongkai.reports.labels import DOC_TYPES, SEVERITIES
from gongkai.reports.model import Report
from gongkai.reports.scoring import DISCLAIMER
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from gongkai.resources import corpus_path

TEMPLATES = corpus_path("reports", "templates")
#: How many finding links an indicator cell shows before pointing to the findings list.
LINKS_PER_CELL = 12


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


def environment() -> Environment:
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
        DISCLAIMER=DISCLAIMER,
        STATUS_LABELS=STATUS_LABELS,
        EXPECT_LABELS=EXPECT_LABELS,
    )
    return env


def render_html(
    report: Report,
    charts: list[Chart],
    catalog_charts: list[Chart] | None = None,
    annual: Any = None,
    annual_chart: bytes | None = None,
) -> str:
    """``annual``: the annual-report section (``reports.annual.AnnualSection``), if any."""
    template = environment().get_template("report.html.j2")
    return template.render(
        annual=annual,
        annual_chart=annual_chart,
        report=report,
        charts=charts,
        catalog_charts=catalog_charts or [],
        generated=report.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        findings_by_rule=_findings_by_rule(report),
    )


def _findings_by_rule(report: Report) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in report.findings:
        groups.setdefault(finding["rule"], []).append(finding)
    order = [rule for rule in RULE_LABELS if rule in groups] + sorted(set(groups) - set(RULE_LABELS))
    return [(rule, groups[rule]) for rule in order]
