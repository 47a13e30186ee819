"""``gongkai audit``: run the audit rules over stored documents; open, refresh and close findings."""

from __future__ import annotations

from datetime import date

import click
from gongkai.audits.annual_site import RULE_IDS as ANNUAL_RULE_IDS
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
    type=click.Choice([r.id for r in RULES] + list(ANNUAL_RULE_IDS)),
    help="Run only these rules (repeatable; the annual_* rules are checked together).",
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
    kept, new ones opened, and ones no longer true closed with the date. The site's annual reports
    (年度报告) are read and checked too, as the nightly flow does. Prints a summary per rule.
    """
    from gongkai.flows.pipeline import annual_reports_step

    today = _parse_today(today_text)
    document_rules = [r for r in rule_ids if r not in ANNUAL_RULE_IDS]
    # No --rule: every rule, annual ones included; --rule only annual ones: no document rules.
    run_documents = not rule_ids or bool(document_rules)
    run_annual = not rule_ids or any(r in ANNUAL_RULE_IDS for r in rule_ids)
    annual_totals: dict[str, dict[str, int]] = {}
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
                if run_documents:
                    one = run_audit(
                        store,
                        today=today,
                        site=name,
                        grace_days=grace_days,
                        rules=document_rules or None,
                        on_error=lambda message: click.echo(printable(f"error: {message}"), err=True),
                    )
                    result.sites += one.sites
                    result.errors += one.errors
                if run_annual:
                    errors: list[str] = []
                    annual = annual_reports_step(store, name, today, errors)
                    for message in errors:
                        click.echo(printable(f"error: {message}"), err=True)
                    result.errors += errors
                    for rule_id, counts in annual.get("rules", {}).items():
                        if rule_ids and rule_id not in rule_ids:
                            continue
                        into = annual_totals.setdefault(rule_id, {})
                        for key, value in counts.items():
                            into[key] = into.get(key, 0) + value
                bar.advance(task)
    totals = {**result.totals(), **annual_totals}
    documents = sum(s.documents for s in result.sites)
    links = sum(s.links for s in result.sites)
    rows = []
    for rule_id in [r.id for r in RULES] + list(ANNUAL_RULE_IDS):
        if rule_id not in totals:
            continue
        t = {"opened": 0, "kept": 0, "closed": 0, "reopened": 0, **totals[rule_id]}
        rows.append(
            [
                rule_id,
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
