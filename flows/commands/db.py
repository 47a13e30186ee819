"""``gongkai db``: create, upgrade and inspect the database."""

from __future__ import annotations

import json

import click
from gongkai.flows.commands.common import console, db_option, print_table, store_from
from gongkai.models import database
from gongkai.models.store import Store


@click.group(name="db", short_help="Create, upgrade and inspect the database.")
def db() -> None:
    """Create, upgrade and inspect the database (SQLite by default, PostgreSQL at scale)."""


@db.command("init", short_help="Create the database, or upgrade it to the newest schema.")
@db_option
def init(db_url: str | None) -> None:
    """Create the database, or bring an existing one to the newest schema (idempotent)."""
    store = store_from(db_url, migrate=False)
    try:
        before, after = database.upgrade(store.engine)
        where = store.engine.url.render_as_string(hide_password=True)
        if before == after:
            console.print(f"database {where} is up to date (schema {after})")
        elif before is None:
            console.print(f"created database {where} (schema {after})")
        else:
            console.print(f"upgraded database {where} from schema {before} to {after}")
    finally:
        store.close()


@db.command("status", short_help="Show the schema version and how many rows each table holds.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def status(db_url: str | None, as_json: bool) -> None:
    """Show the schema version and how many rows each table holds (changes nothing)."""
    store: Store = store_from(db_url, migrate=False)
    try:
        info = store.status()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    console.print(f"database: {info['url']} ({info['backend']})")
    if info["schema"] is None:
        console.print(f"schema: none — run `gongkai db init` (newest is {info['head']})")
        return
    state = "up to date" if info["up_to_date"] else f"behind; newest is {info['head']}"
    console.print(f"schema: {info['schema']} ({state})")
    print_table(["table", "rows"], sorted(info["tables"].items()))
