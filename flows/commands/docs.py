"""``gongkai docs``: list stored documents with their metadata."""

from __future__ import annotations

import click
from gongkai.flows.commands.common import db_option, print_json_lines, print_table, store_from


@click.command(name="docs", short_help="List stored documents with their nine metadata fields.")
@db_option
@click.option("--site", default=None, metavar="NAME", help="Only this site's documents.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="json prints one object per line: url, site and the nine fields.",
)
def docs(db_url: str | None, site: str | None, fmt: str) -> None:
    """List stored documents: URL, site and the nine metadata fields (标题, 索引号, 文号 …)."""
    with store_from(db_url, must_exist=True) as store:
        if site is not None and store.site_id(site) is None:
            raise click.UsageError(
                f"no site named {site!r} in the database (known: {', '.join(store.site_names()) or 'none'})"
            )
        rows = store.list_documents(site)
    if fmt == "json":
        print_json_lines(rows)
        return
    columns = ["site", "title", "doc_no", "publisher", "written_date", "published_date", "disclosure"]
    print_table(columns, ([row[c] for c in columns] for row in rows), title=f"{len(rows)} documents")
