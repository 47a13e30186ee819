"""``gongkai gaps``: list findings with filters, sorting, counts per group, and CSV/JSON/XLSX output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import IO, Any

import click
from gongkai.audits.rules import RULE_LABELS, rule_label
from gongkai.flows.commands.common import console, db_option, print_table, safe, store_from
from gongkai.models.errors import GongkaiError
from gongkai.reports import gap_output
from gongkai.reports.gaps import GROUPS, GapFilters, count_gaps, list_gaps, sort_names

TABLE_KEYS = ("rule", "site", "agency", "ref_date", "title", "severity", "detail", "url")


class UsageError(GongkaiError):
    """A combination of options that cannot work."""


def parse_day(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param=param) from None


@click.command(name="gaps", short_help="List findings: filters, counts per group, CSV/JSON/XLSX.")
@db_option
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Only this rule (repeatable).")
@click.option("--site", "sites", multiple=True, metavar="NAME", help="Only this site (repeatable).")
@click.option(
    "--since",
    callback=parse_day,
    metavar="DATE",
    help="From this date: a document's 发布 (else 成文) date; a column or catalog finding counts "
    "on every day the audit saw it open.",
)
@click.option("--until", callback=parse_day, metavar="DATE", help="Up to and including this date.")
@click.option("--agency", "agencies", multiple=True, metavar="TEXT", help="发布机构 containing TEXT.")
@click.option("--domain", "domains", multiple=True, metavar="NAME", help="One of the 26 domains, or 其他.")
@click.option("--topic", "topics", multiple=True, metavar="TEXT", help="主题分类 containing TEXT.")
@click.option(
    "--doc-type",
    "doc_types",
    multiple=True,
    type=click.Choice(["normative", "administrative", "interpretation", "announcement", "report", "other"]),
    help="Document type from the classifier.",
)
@click.option(
    "--status",
    type=click.Choice(["open", "closed", "all"]),
    default="open",
    show_default=True,
    help="Open findings, closed ones (fixed since), or all.",
)
@click.option(
    "--certainty",
    type=click.Choice(["confirmed", "to_review", "all"]),
    default="confirmed",
    show_default=True,
    help="confirmed = resting on facts or confident classifier calls; to_review = resting on a guess "
    "(review_reason gives the probability and threshold), listed apart and never scored.",
)
@click.option(
    "--sort",
    "sort",
    multiple=True,
    metavar="KEY",
    help="Order by rule, site, agency, domain, date, first_seen, severity, id or working_days; "
    "'-KEY' descends (repeatable).",
)
@click.option("--by", type=click.Choice(GROUPS), help="Print counts per group instead of findings.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
    help="json = one JSON object per line.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (xlsx needs it).")
@click.option("--limit", type=click.IntRange(min=1), help="At most N findings.")
def gaps(
    db_url: str | None,
    rules: tuple[str, ...],
    sites: tuple[str, ...],
    since: date | None,
    until: date | None,
    agencies: tuple[str, ...],
    domains: tuple[str, ...],
    topics: tuple[str, ...],
    doc_types: tuple[str, ...],
    status: str,
    certainty: str,
    sort: tuple[str, ...],
    by: str | None,
    fmt: str,
    out: Path | None,
    limit: int | None,
) -> None:
    """List findings (open by default) with the document or column they are about.

    JSON keys: rule, site, url, title, severity, detail, basis, evidence (as the audit stored it;
    late_publication has evidence.values.working_days, also lifted to working_days), and context
    (agency, domain, dates, archived copy). With --by, prints counts per group instead.
    """
    if fmt == "xlsx" and out is None:
        raise UsageError("--format xlsx writes a file: give --out FILE.xlsx")
    known_sorts = set(sort_names())
    for key in sort:
        if key.lstrip("-") not in known_sorts:
            raise UsageError(f"cannot sort by {key!r}: use one of {', '.join(sorted(known_sorts))}")
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    unknown = [r for r in rules if r not in RULE_LABELS]
    if unknown:
        # Not an error: a rule added later is still listed, but a typo should not pass silently.
        click.echo(f"warning: unknown rule id {', '.join(map(repr, unknown))}", err=True)
    filters = GapFilters(
        rules=rules,
        sites=sites,
        since=since,
        until=until,
        agencies=agencies,
        domains=domains,
        topics=topics,
        doc_types=doc_types,
        status=status,  # type: ignore[arg-type]
        certainty=certainty,  # type: ignore[arg-type]
    )
    store = store_from(db_url, must_exist=True)
    try:
        for name in sites:
            if store.site_id(name) is None:
                raise UsageError(f"no site named {name!r} in the database")
        if by:
            counts = count_gaps(store, filters, by)
            _emit_counts(by, counts, fmt, out)
        else:
            if fmt == "xlsx" and certainty == "confirmed":
                # The workbook carries the to-review findings too, on a sheet of their own.
                filters = replace(filters, certainty="all")
            rows = list_gaps(store, filters, sort=sort or None, limit=limit)
            _emit_rows(rows, fmt, out, review=certainty == "to_review")
        if certainty == "confirmed" and fmt != "xlsx":
            held = count_gaps(store, replace(filters, certainty="to_review"), "rule")
            if held:
                listed = ", ".join(f"{rule} {n}" for rule, n in held)
                click.echo(
                    f"{sum(n for _, n in held)} finding(s) held back as uncertain, to review ({listed}): "
                    "--certainty to_review lists them",
                    err=True,
                )
    finally:
        store.close()


def _emit_counts(by: str, counts: list[tuple[str, int]], fmt: str, out: Path | None) -> None:
    rows = gap_output.counts_as_rows(by, counts)
    if fmt == "xlsx":
        assert out is not None
        gap_output.write_xlsx(out, [], by=by, counts=counts)
        click.echo(f"wrote {out} ({len(counts)} groups)", err=True)
    elif fmt == "table":
        shown = [(rule_label(k) if by == "rule" else k, n) for k, n in counts]
        print_table([by, "count"], [*shown, ("total", sum(n for _, n in counts))])
    else:
        _write_text(lambda stream: _text_counts(rows, by, fmt, stream), out)


def _text_counts(rows: list[dict[str, Any]], by: str, fmt: str, stream: IO[str]) -> None:
    if fmt == "csv":
        gap_output.write_csv(rows, stream, keys=(by, "count"))
    else:
        gap_output.write_json_lines(rows, stream)


def _emit_rows(rows: list[dict[str, Any]], fmt: str, out: Path | None, review: bool = False) -> None:
    if fmt == "xlsx":
        assert out is not None
        gap_output.write_xlsx(out, rows)
        click.echo(f"wrote {out} ({len(rows)} findings)", err=True)
    elif fmt == "table":
        if not rows:
            console.print("no findings match")
            return
        keys = (*TABLE_KEYS, "review_reason") if review else TABLE_KEYS
        table_rows = [[rule_label(str(r["rule"])), *[r.get(k) for k in keys[1:]]] for r in rows]
        title = f"{len(rows)} findings to review" if review else f"{len(rows)} findings"
        print_table(list(keys), table_rows, title=safe(title))
    elif fmt == "csv":
        _write_text(lambda stream: gap_output.write_csv(rows, stream), out, bom=True)
    else:
        _write_text(lambda stream: gap_output.write_json_lines(rows, stream), out)


def _write_text(write: Callable[[IO[str]], None], out: Path | None, bom: bool = False) -> None:
    """To --out (CSV with a BOM so Excel/WPS read the Chinese as UTF-8), else to stdout."""
    if out is None:
        write(sys.stdout)
        return
    with out.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        write(stream)
    click.echo(f"wrote {out}", err=True)
