"""The ``gongkai`` command: every command documented, unbuilt ones honest, db and docs working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gongkai.flows.cli import COMMANDS, cli
from gongkai.models.store import open_store

from tests.test_store import full_record

GONGKAI = Path(sys.executable).with_name("gongkai")


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, as a user would."""
    return subprocess.run(
        [str(GONGKAI), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


def test_help_lists_every_command_with_one_line() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = {}
    in_commands = False
    for line in result.output.splitlines():
        if line.strip() == "Commands:":
            in_commands = True
            continue
        if in_commands and line.startswith("  ") and line.strip():
            name, _, summary = line.strip().partition(" ")
            listed[name] = summary.strip()
    assert set(listed) == {name for name, _, _ in COMMANDS}
    assert all(len(summary) > 15 for summary in listed.values()), listed


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert len(result.output) > 40


def test_a_placeholder_says_so_and_fails() -> None:
    from gongkai.flows.commands.common import not_built

    result = CliRunner().invoke(not_built("later", 99, "Something for later."), ["--anything", "x"])
    assert result.exit_code != 0
    assert "not built yet (issue #99)" in result.output


def test_no_listed_command_is_still_a_placeholder() -> None:
    placeholders = [
        name
        for name, module, attr in COMMANDS
        if (
            getattr(__import__(f"gongkai.flows.commands.{module}", fromlist=[attr]), attr).help or ""
        ).endswith("(not built yet)")
    ]
    assert placeholders == []


def test_db_init_and_status(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    runner = CliRunner()
    status = runner.invoke(cli, ["db", "status", "--db", url, "--json"])
    assert json.loads(status.output)["schema"] is None
    first = runner.invoke(cli, ["db", "init", "--db", url])
    assert first.exit_code == 0 and "created database" in first.output
    second = runner.invoke(cli, ["--db", url, "db", "init"])
    assert "up to date" in second.output
    info = json.loads(runner.invoke(cli, ["db", "status", "--json"], env={"GONGKAI_DB": url}).output)
    assert info["up_to_date"] and info["tables"]["documents"] == 0


def test_docs_lists_documents_as_json_lines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    with open_store(url) as store:
        store.save_document(full_record())
        store.save_document(
            full_record(url="http://127.0.0.1:8801/xxgk/2.html", title="<b>[red]二[/red]</b>")
        )
    result = CliRunner().invoke(
        cli, ["docs", "--site", "hongshan", "--format", "json"], env={"GONGKAI_DB": url}
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 2
    assert set(rows[0]) == {
        "url",
        "site",
        "title",
        "index_no",
        "doc_no",
        "publisher",
        "written_date",
        "published_date",
        "disclosure",
        "topic",
        "validity",
    }
    assert {r["doc_no"] for r in rows} == {"鸿政〔2020〕53号"}
    table = CliRunner().invoke(cli, ["docs", "--db", url], env={"COLUMNS": "300"})
    assert "[red]二[/red]" in table.output  # rich markup in crawled titles is shown, not interpreted
    unknown = CliRunner().invoke(cli, ["docs", "--db", url, "--site", "nope"])
    assert unknown.exit_code != 0 and "no site named 'nope'" in unknown.output


@pytest.mark.parametrize(
    "url", ["::not-a-url::", "postgresql://nobody@127.0.0.1:1/nothing", "sqlite:////no/such/dir/x.db"]
)
def test_a_bad_database_is_one_line_without_traceback(url: str, tmp_path: Path) -> None:
    for args in (["db", "status"], ["docs"]):
        result = run(*args, env={"GONGKAI_DB": url}, cwd=tmp_path)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.stderr


def test_db_flag_wins_over_environment(tmp_path: Path) -> None:
    good = f"sqlite:///{tmp_path / 'g.db'}"
    # a read command refuses a database that does not exist (issue #17): make it first
    assert run("--db", good, "db", "init", cwd=tmp_path).returncode == 0
    result = run("docs", "--db", good, "--format", "json", env={"GONGKAI_DB": "::bad::"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
