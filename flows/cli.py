"""The ``gongkai`` command. Each subcommand lives in ``flows/commands/<name>.py``.

The command line is the outside of the program: it parses options, calls plain functions from
the packages that do the work, and turns a :class:`GongkaiError` into one line on stderr.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click
from gongkai.models.errors import GongkaiError

#: (command name, module in flows/commands, attribute) in the order ``--help`` lists them.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("crawl", "crawl", "crawl"),
    ("extract", "extract", "extract"),
    ("classify", "classify", "classify"),
    ("train", "train", "train"),
    ("import-docs", "import_docs", "import_docs"),
    ("docs", "docs", "docs"),
    ("audit", "audit", "audit"),
    ("annual-report", "annual_report", "annual_report"),
    ("gaps", "gaps", "gaps"),
    ("report", "report", "report"),
    ("explore", "explore", "explore"),
    ("demo", "demo", "demo"),
    ("demo-sites", "demo_sites", "demo_sites"),
    ("serve", "serve", "serve"),
    ("eval", "evaluate", "evaluate"),
    ("db", "db", "db"),
)

EXIT_USER_ERROR = 2


class GongkaiGroup(click.Group):
    """Loads subcommands lazily (``--help`` stays fast) and prints user errors as one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, _, _ in COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for name, module, attr in COMMANDS:
            if name == cmd_name:
                command: click.Command = getattr(
                    importlib.import_module(f"gongkai.flows.commands.{module}"), attr
                )
                return command
        return None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GongkaiError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USER_ERROR)
        except Exception as exc:
            # A database refusing mid-command (read-only file, disk full): one line, not a
            # 70-line SQLAlchemy traceback. Imported here: --help stays fast.
            from sqlalchemy.exc import DBAPIError

            if not isinstance(exc, DBAPIError):
                raise
            from gongkai.models.database import describe_error

            click.echo(f"error: {describe_error(exc)}", err=True)
            ctx.exit(EXIT_USER_ERROR)


@click.group(cls=GongkaiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    envvar="GONGKAI_DB",
    default=None,
    metavar="URL",
    help="Database URL (default ./gongkai.db; or set GONGKAI_DB). Every command also takes --db.",
)
@click.version_option(package_name="gongkai")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """gongkai (公开): audit Chinese government information disclosure.

    Crawl disclosure columns, extract each document's metadata, classify it, audit it against
    the 政府信息公开条例 and the disclosure catalog, and report what is missing or late.
    """
    ctx.ensure_object(dict)
    ctx.obj["db_url"] = db_url


def main() -> None:
    cli(prog_name="gongkai")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
