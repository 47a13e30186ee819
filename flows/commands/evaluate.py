"""``gongkai eval``: measure accuracy against the real labelled data, per task."""

from __future__ import annotations

import importlib

import click

#: subcommand → module in flows/commands (each task owns its own module).
SUBCOMMANDS = {"extract": "eval_extract", "classify": "eval_classify", "annual": "eval_annual"}


class _EvalGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = SUBCOMMANDS.get(cmd_name)
        if module is None:
            return None
        command: click.Command = importlib.import_module(f"gongkai.flows.commands.{module}").command
        return command


@click.group(
    name="eval", cls=_EvalGroup, short_help="Measure extraction/classification accuracy on real data."
)
def evaluate() -> None:
    """Measure accuracy on the real labelled data; floors are kept in a baseline the tests enforce."""
