"""``gongkai audit``: run the audit rules over stored documents; open, refresh and close findings."""

from __future__ import annotations

from datetime import date

import click
from gongkai.audits.engine import AuditResult, run_audit
from gongkai.audits.rules import RULES
from gongkai.flows.commands.common import db_option, print_table, printable, store_from
from gongkai.models.errors import GongkaiError
from rich.progress import Progress, TextColumn


def _parse_today(value: str | None) -> date:
    if value is None:
        # The one place the clock is read: the command's default for "today" (Asia/Shanghai).
        from datetime import datetime
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Asia/Shanghai")).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GongkaiError(f"--today {value!r} is not a date: use YYYY-MM-DD") from None


@click.command(name="audit")
@click.option("--site", default=None, help="Audit only this site (default: every site in the database).")
@click.option(
    "--today",
    "today_text",
    default=None,
    metavar="YYYY-MM-DD",
    help="The audit's reference date (default: today in Asia/Shanghai).",
)
@click.option(
    "--grace-days",
    type=int,
    default=None,
    help="Working days a 解读 may follow its policy (0 = 同步; default 3, as many local rules allow).",
)
@click.option(
    "--rule",
    "rule_ids",
    multiple=True,
    type=click.Choice([r.id for r in RULES]),
    help="Run only these rules (repeatable).",
)
@db_option
def audit(
    site: str | None,
    today_text: str | None,
    grace_days: int | None,
    rule_ids: tuple[str, ...],
    db_url: str | None,
) -> None:
    """Run the audit rules over stored documents; re-running adds no duplicates.

    Links policies to their 解读 first, then checks every rule (late publication, missing or late
    解读, metadata, 文号, dates, 索引号, 公开属性, columns, catalog gaps). Findings still true are
    kept, new ones opened, and ones no longer true closed with the date. Prints a summary per rule.
    """
    today = _parse_today(today_text)
    with store_from(db_url) as store:
        names = [site] if site is not None else store.site_names()
        result = AuditResult(today=today)
        # One site at a time behind a progress bar: a province's audit takes minutes.
        with Progress(
            *Progress.get_default_columns(), TextColumn("{task.fields[site]}"), transient=True
        ) as bar:
            task = bar.add_task("auditing", total=len(names), site="")
            for name in names:
                bar.update(task, site=name)
                one = run_audit(
                    store,
                    today=today,
                    site=name,
                    grace_days=grace_days,
                    rules=list(rule_ids) or None,
                    on_error=lambda message: click.echo(printable(f"error: {message}"), err=True),
                )
                result.sites += one.sites
                result.errors += one.errors
                bar.advance(task)
    totals = result.totals()
    documents = sum(s.documents for s in result.sites)
    links = sum(s.links for s in result.sites)
    rows = []
    for rule in RULES:
        if rule.id not in totals:
            continue
        t = totals[rule.id]
        rows.append(
            [
                rule.id,
                t["opened"],
                t["kept"],
                t["closed"],
                t["reopened"],
                t["opened"] + t["kept"] + t["reopened"],
            ]
        )
    print_table(
        ["rule", "opened", "kept", "closed", "reopened", "open now"],
        rows,
        title=(
            f"audit as of {today.isoformat()}: {len(result.sites)} site(s), {documents} documents, "
            f"{links} 解读 links"
        ),
    )
    if result.errors:
        click.echo(f"{len(result.errors)} error(s); see the lines above.", err=True)
