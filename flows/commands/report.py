"""``gongkai report``: write the assessment report (HTML, PDF, XLSX) with indicators, scores and evidence."""

from __future__ import annotations

from pathlib import Path

import click
from gongkai.flows.commands.common import db_option, make_console, safe, store_from
from gongkai.models.errors import GongkaiError
from gongkai.reports.build import FORMATS, write_report
from gongkai.reports.period import parse_period


class ReportError(GongkaiError):
    """Options that do not make a report."""


def parse_formats(_ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    formats = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise click.BadParameter(f"use a comma list of {', '.join(FORMATS)} (got {value!r})", param=param)
    return list(dict.fromkeys(formats))


@click.command(name="report", short_help="Write the assessment report (HTML, PDF, XLSX) with evidence.")
@db_option
@click.option("--site", "sites", multiple=True, metavar="NAME", help="The site to assess (repeatable).")
@click.option("--all", "all_sites", is_flag=True, help="Assess every site in the database together.")
@click.option("--period", metavar="PERIOD", help="2025, 2025-03, 2025-01..2025-06 or 2025-01-01..2025-03-31.")
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder."
)
@click.option(
    "--format", "formats", default="html,pdf,xlsx", show_default=True, callback=parse_formats, help="Formats."
)
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=(
        "Weights file (default: the rules' own weights, written out in corpus/reports/weights.yaml; "
        "official weights are unpublished)."
    ),
)
@click.option("--title", help="Report title (default 政务公开第三方评估报告).")
def report(
    db_url: str | None,
    sites: tuple[str, ...],
    all_sites: bool,
    period: str | None,
    out_dir: Path,
    formats: list[str],
    weights: Path | None,
    title: str | None,
) -> None:
    """Write the assessment report of one site (or --all) for a period.

    HTML is one self-contained file (charts embedded, no outside resources, no scripts); the PDF
    is rendered from the same HTML; the XLSX has a sheet per indicator and the findings with their
    evidence. Scores use a documented default weighting — the official weights are unpublished.
    Every deduction names the findings it comes from; its totals equal `gongkai gaps --by rule`
    with the same --site and --since/--until, plus, for a period, the column and catalog findings
    the audit saw open in it and closed since (`--status closed`). The 标准目录 matrix (domain ×
    catalog item) is drawn for each site whose config names a catalog.
    """
    if sites and all_sites:
        raise ReportError("give --site NAME or --all, not both")
    parsed = parse_period(period)
    store = store_from(db_url, must_exist=True)
    try:
        chosen: list[str] | None = list(sites) if sites else None
        if not sites and not all_sites:
            names = store.site_names()
            if len(names) != 1:
                raise ReportError(f"the database has {len(names)} sites: choose --site NAME or --all")
            chosen = names
        with make_console(stderr=True).status("writing the report …"):
            written = write_report(
                store,
                chosen,
                parsed,
                out_dir,
                formats,
                weights,
                title,
                log=lambda line: click.echo(line, err=True),
            )
    finally:
        store.close()
    for warning in written.warnings:
        click.echo(f"warning: {warning}", err=True)
    result = written.report
    shown = "—" if result.score.score is None else f"{result.score.score:.1f}"
    click.echo(
        safe(
            f"{result.scope_label}: {result.documents} documents, {len(result.findings)} findings"
            + (f" ({result.fixed_findings} fixed since)" if result.fixed_findings else "")
            + f", score {shown}/{result.score.scale:g}"
        )
    )
    for fmt, path in written.files.items():
        click.echo(f"{fmt}: {path}")
    for fmt, message in written.errors.items():
        click.echo(f"error: {fmt}: {message}", err=True)
    if written.errors:
        raise SystemExit(1)
