"""The CLI imports a subcommand's module only when that command is used (issue 14,
cold start), while ``threshold --help`` still lists every command with its short help."""

from __future__ import annotations

import subprocess
import sys

import click

from threshold.cli import cli

#: The subcommand modules a route never needs.
NOT_FOR_ROUTE = [
    "threshold.cli.authoring",
    "threshold.cli.check",
    "threshold.cli.compare",
    "threshold.cli.forms",
    "threshold.cli.indicators",
    "threshold.cli.scenarios",
    "threshold.cli.schema",
    "threshold.cli.serve",
]


def test_a_route_imports_no_other_subcommand() -> None:
    code = (
        "import sys; from threshold.cli import main\n"
        "try:\n"
        "    main(['route', '--authority', 'derbyshire', '--level', '3', '--format', 'json'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print(sorted(m for m in {NOT_FOR_ROUTE!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1] == "[]"


def test_every_command_is_found_under_its_own_name() -> None:
    names = list(cli.commands)
    assert len(names) == 12 and "route" in names and "serve" in names
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
