"""Pieces shared by the subcommands: the ``--db`` option, opening the store, output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click
from gongkai.models.store import Store, open_store
from rich.console import Console
from rich.markup import escape
from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    """Add ``--db URL`` to a command; it wins over the group's ``--db`` and ``GONGKAI_DB``."""
    return click.option(
        "--db",
        "db_url",
        default=None,
        metavar="URL",
        help="Database URL (default: the group's --db, GONGKAI_DB, or ./gongkai.db).",
    )(func)


def resolve_db(db_url: str | None) -> str | None:
    """The command's ``--db``, else the group's (which already includes ``GONGKAI_DB``)."""
    if db_url:
        return db_url
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.obj and ctx.obj.get("db_url"):
            return str(ctx.obj["db_url"])
        ctx = ctx.parent
    return None


def store_from(db_url: str | None, *, migrate: bool = True, must_exist: bool = False) -> Store:
    """The command's store; ``must_exist`` for read commands (a missing SQLite file is an error)."""
    return open_store(resolve_db(db_url), migrate=migrate, must_exist=must_exist)


def not_built(name: str, issue: int, summary: str) -> click.Command:
    """A placeholder for a command a later issue builds: it says so and exits non-zero."""

    @click.command(
        name=name,
        help=f"{summary} (not built yet)",
        short_help=summary,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        click.echo(f"gongkai {name}: not built yet (issue #{issue}).", err=True)
        sys.exit(3)

    return command


def make_console(stderr: bool = False) -> Console:
    """A console made when needed, so it sees the terminal (and ``COLUMNS``) of this call."""
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


class _LazyConsole:
    def __getattr__(self, name: str) -> Any:
        return getattr(make_console(), name)


console: Any = _LazyConsole()


def printable(text: object) -> str:
    """Every string that came from a page (or a line of input) goes through here before it reaches
    the operator's terminal: control characters — terminal escape sequences (ESC …), carriage
    returns that overwrite a line, bells — become U+FFFD. For plain ``click.echo`` output."""
    value = "" if text is None else str(text)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() or ch == " " else "\N{REPLACEMENT CHARACTER}" for ch in value)


def safe(text: object) -> str:
    """:func:`printable`, with rich markup escaped too: for text printed through a rich console."""
    return escape(printable(text))


def print_table(columns: list[str], rows: Iterable[Iterable[object]], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*[safe(cell) for cell in row])
    console.print(table)


def print_json_lines(items: Iterable[dict[str, Any]]) -> None:
    out = sys.stdout
    for item in items:
        out.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
