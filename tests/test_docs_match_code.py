"""The README command table and docs/contracts.md say what the code does (issue #18): every
command the table names exists with the options it shows, and the rule ids are the registry's."""

from __future__ import annotations

import re
from pathlib import Path

import click
from gongkai.audits.rules import RULES
from gongkai.flows.cli import cli

ROOT = Path(__file__).resolve().parent.parent
_COMMAND_CELL = re.compile(r"^\|\s*(?P<cell>`gongkai [^|]*?(?:\\\|[^|]*?)*)\s*\|", re.MULTILINE)
_INVOCATION = re.compile(r"`gongkai (?P<text>[^`]+)`")


def _command_table() -> list[str]:
    """Each ``gongkai …`` invocation written in the README's command table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for match in _COMMAND_CELL.finditer(text):
        found.extend(m.group("text").replace("\\|", "|") for m in _INVOCATION.finditer(match.group("cell")))
    return found


def _resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """The (sub)command the leading words name, and the words left over."""
    command: click.Command = cli
    rest = list(words)
    ctx = click.Context(cli)
    while rest and isinstance(command, click.Group):
        sub = command.get_command(ctx, rest[0])
        if sub is None:
            break
        command, rest = sub, rest[1:]
    return command, rest


def _options(command: click.Command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)}


def test_every_command_in_the_readme_table_exists_with_its_options() -> None:
    invocations = _command_table()
    assert len(invocations) >= 10, invocations
    for invocation in invocations:
        words = invocation.split()
        # "db status" in "`gongkai db init` / `db status`" is written without the prefix; the
        # table's own prefix-less cells are checked below.
        command, rest = _resolve(words)
        assert command is not cli, f"README names an unknown command: gongkai {invocation}"
        for word in rest:
            for option in re.findall(r"--[a-z][a-z-]*", word):
                assert option in _options(command), f"gongkai {invocation}: {command.name} has no {option}"
    # Subcommands written without the prefix inside a cell ("`db status`").
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for group, sub in re.findall(r"/ `(?!gongkai )(\w[\w-]*) (\w[\w-]*)`", text):
        command, rest = _resolve([group, sub])
        assert not rest and command is not cli, f"README names an unknown command: {group} {sub}"


def test_every_cli_command_is_in_the_readme_table() -> None:
    named = {invocation.split()[0] for invocation in _command_table()}
    commands = set(cli.list_commands(click.Context(cli)))
    assert commands <= named, sorted(commands - named)


def test_contracts_list_exactly_the_registry_rule_ids() -> None:
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    line = re.search(r"Rule ids \(exact\):(?P<ids>.*?)\n- ", text, re.DOTALL)
    assert line is not None, "docs/contracts.md lost its rule id list"
    listed = re.findall(r"`([a-z_]+)`", line.group("ids"))
    assert listed == [rule.id for rule in RULES]


def _contracts_store_section() -> str:
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    start = text.index("## Records and store")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_contracts_name_exactly_the_public_store_methods() -> None:
    from gongkai.models.store import Store

    public = {name for name in dir(Store) if not name.startswith("_") and callable(getattr(Store, name))}
    named = set(re.findall(r"`(\w+)\(", _contracts_store_section())) - {"open_store"}
    assert public - named == set(), "Store methods missing from docs/contracts.md"
    assert named - public == set(), "docs/contracts.md names Store methods that do not exist"
