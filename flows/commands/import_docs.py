"""``gongkai import-docs``: load documents from JSON lines (from elsewhere) so they can be audited."""

from __future__ import annotations

from pathlib import Path

import click
from gongkai.audits.importer import import_documents
from gongkai.flows.commands.common import db_option, make_console, printable, store_from


@click.command(name="import-docs")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--site", default=None, help="Site name for lines that give none.")
@db_option
def import_docs(file: Path, site: str | None, db_url: str | None) -> None:
    """Load documents from a JSON-lines FILE so they can be audited.

    Each line: title, index_no, doc_no, publisher, written_date, published_date, disclosure,
    topic, validity, url, site; optionally links, is_interpretation, interprets, column and
    classification. Documents without a classification are classified. A bad line (wrong
    types, not JSON, not UTF-8) is reported with its line number and reason and skipped; the rest
    is imported, and the exit status is 1 when any line was rejected. Re-importing the same file
    adds nothing.
    """
    with store_from(db_url) as store, make_console(stderr=True).status(f"importing {file} …"):
        result = import_documents(store, file, default_site=site, on_error=_say)
    click.echo(
        f"imported {result.imported} of {result.read} documents from {file} "
        f"(new {result.new}, changed {result.changed}, unchanged {result.unchanged}; "
        f"classified {result.classified}); {len(result.errors)} line(s) rejected"
    )
    if result.errors:
        raise SystemExit(1)  # some lines rejected (named above); the good ones are imported


def _say(message: str) -> None:
    click.echo(printable(f"error: {message}"), err=True)
