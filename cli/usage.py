"""A wrong command line, said in one line that keeps the urgent advice.

Click's own usage errors repeat what was typed ("'Zebedee' is not one of ...",
"No such option: ...", "Got unexpected extra argument (...)"), and they come
before any command has read its case, so they would lose the urgent line.
:func:`usage_message` says which option is wrong and what it expects, quoting
nothing typed except a short, safe identifier; :func:`argv_urgent_hint` reads
the urgent options (under any spelling), ``--authority``, and the case files
named on the command line (``--case``, ``--batch``, ``--answers``, a referral),
leniently and without echoing them, so the error still says who to ring.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence

import click

from threshold.core.io.spelling import shown_identifier
from threshold.core.io.urgent_flags import urgent_field

#: The options whose value is a file holding a case, batch lines or a referral.
FILE_OPTIONS = ("--case", "--batch", "--answers")
#: At most this much of each file is read for its urgent flags.
MAX_SCAN_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
_OVERLAP = 512  # a flag split across two chunks is still seen
#: How long standard input is waited for when it is a pipe (never a terminal).
_STDIN_WAIT_SECONDS = 0.5


# ------------------------------------------------------------------ messages
def usage_message(exc: click.UsageError) -> str:
    """Return a usage error as one line naming the option (or argument) and what
    it expects, never repeating a value that was typed."""
    command = exc.ctx.command_path if exc.ctx is not None else "threshold"
    see = f"see `{command} --help`"
    try:
        return _message(exc, see)
    except Exception:  # never a traceback, whatever click's exception holds
        return f"the command line is not valid (not shown); {see}"


def _message(exc: click.UsageError, see: str) -> str:
    if isinstance(exc, click.exceptions.NoSuchOption):
        shown = shown_identifier(exc.option_name)
        return (
            f"{shown or 'an option that is not shown'}: no such option{_did_you_mean(exc)}; {see}"
        )
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)  # click >= 8.4
    if no_such_command is not None and isinstance(exc, no_such_command):
        shown = shown_identifier(getattr(exc, "command_name", None))
        group = exc.ctx.command if exc.ctx is not None else None
        names = ", ".join(sorted(group.commands)) if isinstance(group, click.Group) else ""
        expected = f"expected one of: {names}" if names else see
        unknown = shown or "a command that is not shown"
        return f"{unknown}: no such command{_did_you_mean(exc)}; {expected}"
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        name = _param_name(exc.param)
        if isinstance(exc, click.MissingParameter):
            return f"{name}: missing; expected {expected_value(exc.param)}"
        return f"{name}: not valid; expected {expected_value(exc.param)}"
    if isinstance(exc, click.BadOptionUsage):
        name = shown_identifier(exc.option_name) or "an option"
        if "does not take a value" in exc.message:
            return f"{name}: takes no value; {see}"
        return f"{name}: expected a value after it; {see}"
    if "unexpected extra argument" in exc.message:
        return f"unexpected argument (not shown); expected only the options and arguments: {see}"
    if exc.message == "Missing command.":
        return f"missing command; {see}"
    return f"the command line is not valid (not shown); {see}"


def _did_you_mean(exc: click.UsageError) -> str:
    close = [p for p in getattr(exc, "possibilities", None) or () if shown_identifier(p)]
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _param_name(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def expected_value(param: click.Parameter) -> str:
    """What an option or argument expects, in words (the case schema says it for
    the case options; the option's type for the rest)."""
    from threshold.core.io.schemas import schema

    spec = schema("case")["properties"].get(param.name or "", {})
    if "minimum" in spec and "maximum" in spec:
        return f"an integer from {spec['minimum']} to {spec['maximum']}"
    if param.name == "authority_id":
        return "an authority id (see `threshold authorities`)"
    kind = param.type
    if isinstance(kind, click.Choice):
        return "one of: " + ", ".join(str(choice) for choice in kind.choices)
    if isinstance(kind, click.IntRange):
        if kind.min is not None and kind.max is not None:
            return f"an integer from {kind.min} to {kind.max}"
        if kind.min is not None:
            return f"an integer of at least {kind.min}"
        return f"an integer of at most {kind.max}"
    if isinstance(kind, click.types.IntParamType):
        return "an integer"
    if isinstance(kind, click.types.FloatParamType):
        return "a number"
    if isinstance(kind, click.Path):
        if kind.exists and not kind.file_okay:
            return "an existing directory"
        return "an existing file or directory" if kind.exists else "a path"
    return "a value (see --help)"


# ------------------------------------------------------------------ urgent flags
def argv_urgent_hint(argv: Sequence[str]) -> str:
    """The urgent advice that ``argv`` raises, as " — ...", or "" when it raises none
    (see :func:`argv_urgent_advice`)."""
    advice = argv_urgent_advice(argv)
    return f" — {advice}." if advice else ""


def argv_urgent_advice(argv: Sequence[str]) -> str | None:
    """The urgent advice that ``argv`` (the command line, without the program
    name) raises, or None when it raises none.

    Read leniently, whatever else is wrong: any option that spells an urgent field
    (``--immediate-danger``, ``--significantHarm``), ``--authority``, and the
    urgent flags in the files the command line names; nothing is echoed. Should
    reading them fail, the advice is to ring 999.
    """
    from threshold.core.model.vocabulary import NATIONAL_URGENT

    try:
        return _argv_advice(argv)
    except Exception:  # never a traceback, and never silence: say 999
        return NATIONAL_URGENT.rstrip(".")


def _argv_advice(argv: Sequence[str]) -> str | None:
    from threshold.core.engine.urgent import urgent_advice
    from threshold.core.plugins.registry import default_registry

    default_registry()  # so the installed authorities' urgent options are read too
    raised, authority, files = _read_argv(argv)
    seen = (False, False)
    for path in files:
        found, named = _scan_file(path)
        seen = (seen[0] or found[0], seen[1] or found[1])
        authority = authority or named
    return urgent_advice(raised, authority, seen=seen)


def _value_options(command: click.Command | None) -> set[str]:
    """The option names that take a value: the command's, or every command's."""
    from threshold.cli import cli

    commands = [command] if command is not None else list(cli.commands.values())
    return {
        name
        for each in commands
        for param in each.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for name in param.opts
    }


def _read_argv(argv: Sequence[str]) -> tuple[dict[str, bool], str | None, list[str]]:
    """Return (urgent fields raised, the authority id given, the files named)."""
    from threshold.cli import cli
    from threshold.core.io.urgent_flags import text_says_yes

    args = list(argv)
    command = cli.commands.get(args[0]) if args else None
    takes_value = _value_options(command)
    raised: dict[str, bool] = {}
    authority: str | None = None
    files: list[str] = []
    positional: list[str] = []
    index = 1 if command is not None else 0
    while index < len(args):
        token = args[index]
        index += 1
        if token == "--":
            positional += args[index:]
            break
        if not token.startswith("-") or token == "-":
            positional.append(token)
            continue
        name, equals, value = token.partition("=")
        field = urgent_field(name.lstrip("-"))
        if field is not None:
            said = not equals or text_says_yes(value.strip("\"'"), quoted=False)
            raised[field] = raised.get(field, False) or said
            continue
        if name not in takes_value:
            continue
        if not equals:
            # a value is the next token, unless that is an option (then the value
            # is missing, and the option is read as what it is)
            if index < len(args) and not args[index].startswith("--"):
                value = args[index]
                index += 1
            else:
                continue
        if name == "--authority" and value:
            authority = value
        elif name in FILE_OPTIONS and value:
            files.append(value)
    if command is not None and command.name == "validate":
        files += positional  # the referral file
    return raised, authority, files


def _scan_file(path: str) -> tuple[tuple[bool, bool], str | None]:
    """The urgent flags in a file (or in standard input, for ``-``) and the first
    authority it names; nothing when it cannot be read."""
    from threshold.core.interfaces.batch import authority_of
    from threshold.core.io.urgent_flags import flags

    danger = child_protection = False
    authority = None
    for chunk in _chunks(path):
        found = flags(chunk)
        danger, child_protection = danger or found[0], child_protection or found[1]
        authority = authority or authority_of(chunk, None)
    return (danger, child_protection), authority


def _chunks(path: str) -> Iterable[bytes]:
    if path == "-":
        yield _stdin_bytes()
        return
    try:
        with open(path, "rb") as handle:
            tail = b""
            total = 0
            while total < MAX_SCAN_BYTES:
                block = handle.read(_CHUNK)
                if not block:
                    return
                total += len(block)
                yield tail + block
                tail = block[-_OVERLAP:]
    except OSError:
        return


def _stdin_bytes() -> bytes:
    """What standard input holds now (a pipe or file; never a terminal, and never
    waited for more than a moment): the command was not run, so nothing read it."""
    stream = sys.stdin
    if stream is None:
        return b""
    try:
        if stream.isatty():
            return b""
        descriptor = stream.fileno()
    except (OSError, ValueError):  # an in-memory stream (tests, embedding)
        buffer = getattr(stream, "buffer", None)
        data = buffer.read(MAX_SCAN_BYTES) if buffer is not None else stream.read(MAX_SCAN_BYTES)
        return data if isinstance(data, bytes) else str(data).encode("utf-8", "replace")
    return _read_available(descriptor)


def _read_available(descriptor: int) -> bytes:
    import select
    import time

    deadline = time.monotonic() + _STDIN_WAIT_SECONDS
    parts: list[bytes] = []
    size = 0
    while size < MAX_SCAN_BYTES:
        left = deadline - time.monotonic()
        try:
            ready, _, _ = select.select([descriptor], [], [], max(left, 0))
        except (OSError, ValueError):  # not selectable (Windows pipes)
            break
        if not ready:
            break
        block = os.read(descriptor, _CHUNK)
        if not block:
            break
        parts.append(block)
        size += len(block)
    return b"".join(parts)
