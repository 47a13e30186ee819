"""``gongkai annual-report PATH...``: read 政府信息公开工作年度报告 files and check them.

One JSON object per report with ``--json`` (``path``, ``year``, ``template``, ``part3``, ``part4``,
``problems`` [{code, detail}]); a readable table without. Reports of one agency given together are
also checked across years (结转), and passages shared by different agencies are listed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from gongkai.flows.commands.common import print_json_lines, print_table


def report_json(path: str, report: Any, problems: list[Any]) -> dict[str, Any]:
    summary = report.summary()
    return {
        "path": path,
        "year": report.year,
        "template": report.template,
        "agency": report.agency,
        "published": report.published.isoformat() if report.published else None,
        "part3": summary["part3"],
        "part4": summary["part4"],
        "problems": [p.as_dict() for p in problems],
    }


@click.command(name="annual-report")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per report, one per line.")
def annual_report(paths: tuple[Path, ...], as_json: bool) -> None:
    """Read annual reports (PDF, DOCX, HTML, text) and check their tables, dates and text."""
    from gongkai.audits.annual import check_run
    from gongkai.extractors.annual_report import UnreadableReport, read_report

    reports = []
    failed = []
    for path in paths:
        try:
            reports.append(read_report(path))
        except UnreadableReport as exc:
            click.echo(f"error: {exc}", err=True)
            failed.append(str(path))
    checked = check_run(reports)
    items = [report_json(c.report.path, c.report, c.problems) for c in checked]
    items += [
        {"path": p, "year": None, "template": None, "part3": None, "part4": None,
         "problems": [{"code": "unreadable", "detail": "the file cannot be read"}]}
        for p in failed
    ]  # fmt: skip
    if as_json:
        print_json_lines(items)
    else:
        rows = []
        for item in items:
            p3, p4 = item["part3"] or {}, item["part4"] or {}
            litigation = [
                (p4.get(g) or {}).get("total") for g in ("litigation_direct", "litigation_after_review")
            ]
            rows.append(
                (
                    Path(item["path"]).name,
                    item["year"] or "—",
                    item["template"] or "—",
                    item.get("published") or "—",
                    _n(p3.get("new")),
                    _n(p3.get("carried_over")),
                    _n(p3.get("results_total")),
                    _n(p3.get("carried_forward")),
                    _n((p4.get("review") or {}).get("total")),
                    "—" if None in litigation else _n(sum(v for v in litigation if v is not None)),
                    len(item["problems"]),
                )
            )
        print_table(
            [
                "file",
                "year",
                "template",
                "published",
                "新收",
                "上年结转",
                "办理",
                "结转下年",
                "复议",
                "诉讼",
                "problems",
            ],
            rows,
            title="annual reports",
        )
        for item in items:
            for problem in item["problems"]:
                mark = " (to review)" if problem.get("certainty") == "to_review" else ""
                click.echo(f"{Path(item['path']).name}: {problem['code']}{mark}: {problem['detail']}")
    if failed:
        sys.exit(1)


def _n(value: Any) -> str:
    return "—" if value is None else str(value)
