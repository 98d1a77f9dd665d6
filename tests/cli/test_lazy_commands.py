"""The CLI imports a subcommand's module only when that command is used (issue 14,
cold start), while ``threshold --help`` still lists every command with its short help."""

from __future__ import annotations

import subprocess
import sys

import click

from tests.cold_start import imported_by_a_cold_route
from threshold.cli import cli

#: The subcommand modules a route never needs.
NOT_FOR_ROUTE = [
    "threshold.cli.authoring",
    "threshold.cli.check",
    "threshold.cli.compare",
    "threshold.cli.forms",
    "threshold.cli.indicators",
    "threshold.cli.replay",
    "threshold.cli.scenarios",
    "threshold.cli.schema",
    "threshold.cli.serve",
]


def test_a_route_imports_no_other_subcommand() -> None:
    assert imported_by_a_cold_route(NOT_FOR_ROUTE) == []


def test_every_command_is_found_under_its_own_name() -> None:
    names = list(cli.commands)
    assert len(names) == 13 and "route" in names and "serve" in names
    for name in names:
        command = cli.commands[name]
        assert isinstance(command, click.Command) and command.name == name
    assert cli.commands.get("no-such-command") is None


def test_help_lists_every_command_with_its_short_help() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from threshold.cli import main; main(['--help'])"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("Commands:", 1)[1].splitlines()
    rows = [line.split(None, 1) for line in listed if line.strip()]
    assert [row[0] for row in rows] == sorted(cli.commands)
    for name, short in rows:
        assert short == cli.commands[name].get_short_help_str(limit=len(short))
