"""The ``threshold`` command line.

Every error is one line on stderr naming the field and what is expected, with
exit status 2 for bad input and 3 for a broken authority plugin; never a
traceback. Commands live in small modules (``threshold.cli.route``, ...) and are
added to the group here; heavy imports happen inside the commands, so start-up
stays fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from typing import NoReturn

import click

from threshold.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PLUGIN,
    NATIONAL_URGENT,
    URGENT_MARK,
    Failure,
    _one_line,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="threshold")
def cli() -> None:
    """threshold: what to do about a concern for a child, who to ring now, and what
    to record, from your local authority's threshold document.

    Decision support only: it supports, and never replaces, your professional
    judgement and your safeguarding lead. If a child is in immediate danger, ring 999.
    """


#: Each command's name and where it lives (module, attribute). A command's module
#: is imported the first time the command is looked up, so a route does not pay
#: for the others; ``threshold --help`` looks them all up and lists them as before.
_COMMANDS: dict[str, tuple[str, str]] = {
    "route": ("threshold.cli.route", "route"),
    "authorities": ("threshold.cli.route", "authorities"),
    "form": ("threshold.cli.forms", "form"),
    "validate": ("threshold.cli.forms", "validate_referral"),
    "compare": ("threshold.cli.compare", "compare"),
    "replay": ("threshold.cli.replay", "replay"),
    "indicators": ("threshold.cli.indicators", "indicators"),
    "assess": ("threshold.cli.indicators", "assess"),
    "test": ("threshold.cli.scenarios", "test_command"),
    "new-authority": ("threshold.cli.authoring", "new_authority"),
    "check": ("threshold.cli.check", "check"),
    "schema": ("threshold.cli.schema", "schema"),
    "serve": ("threshold.cli.serve", "serve"),
}


class _LazyCommands(MutableMapping[str, click.Command]):
    """A group's commands by name, each imported when it is first looked up."""

    def __init__(self, where: Mapping[str, tuple[str, str]]) -> None:
        self._where = dict(where)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module, attribute = self._where[name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command) and command.name == name, name
            self._loaded[name] = command
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._where.setdefault(name, ("", ""))
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._where[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


cli.commands = _LazyCommands(_COMMANDS)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"threshold: error: {_one_line(message)}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: errors become one line on stderr with a non-zero exit status.

    A usage error (a wrong option or value, found before any command runs) names
    the option and what it expects without repeating what was typed, and, like
    every bad-input error, keeps the urgent advice the command line raised
    (:mod:`threshold.cli.usage`).
    """
    from threshold.cli.usage import argv_urgent_advice, argv_urgent_hint, usage_message

    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = cli.main(args=args, prog_name="threshold", standalone_mode=False)
    except Failure as exc:
        message = exc.format_message()
        if exc.code == EXIT_BAD_INPUT and URGENT_MARK not in message:
            message += argv_urgent_hint(args)
        _fail(message, exc.code)
    except click.exceptions.NoArgsIsHelpError as exc:  # pragma: no cover - click >= 8.2
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except click.UsageError as exc:
        _fail(usage_message(exc) + argv_urgent_hint(args), EXIT_BAD_INPUT)
    except click.ClickException as exc:
        _fail(exc.format_message() + argv_urgent_hint(args), exc.exit_code or EXIT_BAD_INPUT)
    except click.exceptions.Abort:
        _fail("aborted", 1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # never a traceback for a practitioner
        if os.environ.get("THRESHOLD_DEBUG"):
            raise
        advice = argv_urgent_advice(args)
        _fail(
            f"internal error ({type(exc).__name__}); "
            f"{f'{advice[0].upper()}{advice[1:]}.' if advice else NATIONAL_URGENT} "
            "Set THRESHOLD_DEBUG=1 to see the details.",
            EXIT_BROKEN_PLUGIN,
        )
    if isinstance(code, int) and code:  # a command's own exit status (ctx.exit(n))
        sys.exit(code)
