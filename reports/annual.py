"""The report's annual-report section: timeliness, arithmetic and the trend of applications.

:func:`annual_section` reads the annual reports the sites published (``audits.annual_site`` reads
them from the stored pages and attachments, the checks of ``audits.annual``) into plain rows;
:func:`trend_chart` draws applications received per year; the section is rendered by its own
template partial (``corpus/reports/templates/_annual.html.j2``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from gongkai.models.records import DocumentRecord
from gongkai.models.store import Store

ARITHMETIC = ("table_sum", "balance", "part4_total", "carry_over")
TIMELINESS = ("late",)
TEXT = ("text_table", "text_numbers")


@dataclass
class AnnualRow:
    site: str
    agency: str | None
    year: int | None
    url: str
    published: str | None
    template: str | None
    new: int | float | None
    carried_over: int | float | None
    results_total: int | float | None
    carried_forward: int | float | None
    review: int | float | None
    litigation: int | float | None
    timeliness: str  # on_time | late | to_review | unknown
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def arithmetic_ok(self) -> bool:
        return not any(p["code"] in ARITHMETIC for p in self.problems)


@dataclass
class AnnualSection:
    rows: list[AnnualRow]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "reports": len(self.rows),
            "on_time": sum(r.timeliness == "on_time" for r in self.rows),
            "late": sum(r.timeliness == "late" for r in self.rows),
            "late_to_review": sum(r.timeliness == "to_review" for r in self.rows),
            "arithmetic_wrong": sum(not r.arithmetic_ok for r in self.rows),
            "text_wrong": sum(any(p["code"] in TEXT for p in r.problems) for r in self.rows),
        }

    def trend(self) -> dict[str, list[tuple[int, int | float]]]:
        """Applications received (本年新收) per year, per agency."""
        out: dict[str, list[tuple[int, int | float]]] = {}
        for row in self.rows:
            if row.year is not None and row.new is not None:
                out.setdefault(row.agency or row.site, []).append((row.year, row.new))
        return {k: sorted(v) for k, v in sorted(out.items())}


def _titled_annual(store: Store, site: str) -> Iterator[DocumentRecord]:
    """The current records of the site's documents titled as an annual report. The titles are read
    first in one light query, so a site of 100,000 documents loads a handful of records, not all."""
    from gongkai.audits.annual_site import ANNUAL_TITLE

    for url, title in store.document_titles(site):
        if ANNUAL_TITLE.search(title or ""):
            versions = store.document_history(url, site)
            if versions:
                yield versions[-1].record


def annual_section(store: Store, sites: Sequence[str]) -> AnnualSection | None:
    """The sites' annual reports, read and checked; None when none was published."""
    from gongkai.audits.annual import check_run
    from gongkai.audits.annual_site import is_annual_report, read_stored_report

    reports, site_of = [], {}
    for site in sites:
        for record in _titled_annual(store, site):
            if not is_annual_report(record):
                continue
            report, _ = read_stored_report(store, record)
            if report is not None:
                reports.append(report)
                site_of[report.path] = site
    if not reports:
        return None
    rows = []
    for checked in check_run(reports):
        r = checked.report
        summary = r.summary()
        p4 = summary["part4"]
        lit = [p4[g]["total"] for g in ("litigation_direct", "litigation_after_review")]
        late = [p for p in checked.problems if p.code == "late"]
        timeliness = (
            "unknown"
            if r.published is None
            else "on_time"
            if not late
            else "late"
            if late[0].certainty == "confirmed"
            else "to_review"
        )
        rows.append(
            AnnualRow(
                site=site_of[r.path],
                agency=r.agency,
                year=r.year,
                url=r.path,
                published=r.published.isoformat() if r.published else None,
                template=r.template,
                new=summary["part3"]["new"],
                carried_over=summary["part3"]["carried_over"],
                results_total=summary["part3"]["results_total"],
                carried_forward=summary["part3"]["carried_forward"],
                review=p4["review"]["total"],
                litigation=None if None in lit else sum(v for v in lit if v is not None),
                timeliness=timeliness,
                problems=[p.as_dict() for p in checked.problems if p.code != "unreadable"],
            )
        )
    rows.sort(key=lambda row: (row.site, row.agency or "", row.year or 0))
    return AnnualSection(rows)


def trend_chart(section: AnnualSection) -> bytes:
    """Applications received per year, one line per agency."""
    from gongkai.reports.charts import _png, _style, plt

    _style()
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    trend = section.trend()
    for agency, points in trend.items():
        ax.plot([y for y, _ in points], [n for _, n in points], marker="o", label=agency)
    if trend:
        ax.set_ylim(bottom=0)
        ax.margins(x=0.1)
        ax.legend(loc="lower left", fontsize=8)
        years = sorted({y for points in trend.values() for y, _ in points})
        ax.set_xticks(years)
    else:
        ax.text(0.5, 0.5, "无可读的年度报告", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("报告年度")
    ax.set_ylabel("本年新收申请（件）")
    ax.set_title("政府信息公开申请数量趋势（年度报告表三）")
    return _png(fig)
