"""Shared pieces of the CLI: one-line failures, case options, urgent hints.

Every error is one line on stderr naming the field and what is expected, with
exit status 2 for bad input and 3 for a broken authority plugin; never a
traceback. When the input raised an urgent flag, the error line still says who
to ring.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from threshold.core.interfaces.status import EXIT_BAD_INPUT as EXIT_BAD_INPUT
from threshold.core.interfaces.status import EXIT_BROKEN_PLUGIN as EXIT_BROKEN_PLUGIN
from threshold.core.interfaces.status import exit_status as exit_status
from threshold.core.io.spelling import shown_identifier
from threshold.core.model.errors import AuthorityError, CaseError, UnknownAuthorityError
from threshold.core.model.fields import CORE_FIELDS, CaseField, case_fields
from threshold.core.model.vocabulary import NATIONAL_URGENT as NATIONAL_URGENT

if TYPE_CHECKING:
    from threshold.core.model.authority import Authority


class Failure(click.ClickException):
    """A one-line error with its exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = exit_code


def _one_line(text: str) -> str:
    return " ".join(text.split())


#: Every urgent advice contains this; an error that has it needs no more.
URGENT_MARK = "was reported: ring"


def _urgent_hint(
    raw: object, authority_id: str | None, seen: tuple[bool, bool] = (False, False)
) -> str:
    """The urgent advice to add to an error when the input raised an urgent flag
    (``seen``: flags already read from the text of input that could not be parsed)."""
    from threshold.core.engine.urgent import urgent_advice

    advice = urgent_advice(raw, authority_id, seen=seen)
    return f" — {advice}." if advice else ""


#: A case is a small JSON object; anything larger is refused before it is parsed.
MAX_CASE_BYTES = 1024 * 1024


def _read_case_source(source: str, authority_id: str | None = None) -> object:
    """Read a case from a file path or ``-`` (stdin) as JSON."""
    return read_json_source(source, "--case", '{"level": 3}', authority_id=authority_id)


def read_json_source(
    source: str,
    label: str,
    example: str,
    max_bytes: int = MAX_CASE_BYTES,
    *,
    authority_id: str | None = None,
) -> object:
    """Read JSON from a file path or ``-`` (stdin), at most ``max_bytes``; a Failure
    (exit 2) names ``label`` and what is expected when it cannot be read or parsed
    (not JSON, a key given twice, NaN or Infinity), and keeps the urgent advice the
    text raised (in ``authority_id``). The path is not repeated."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except OSError as exc:
        where = "standard input" if source == "-" else "the file"
        raise Failure(
            f"{label}: cannot read {where} ({exc.strerror}); expected a readable JSON file, "
            "or - for standard input"
        ) from None
    if len(data) > max_bytes:
        raise Failure(
            f"{label}: larger than {max_bytes // (1024 * 1024)} MiB; expected a JSON object "
            f"such as {example}{_urgent_hint(data, authority_id)}"
        )
    from threshold.core.io.parse import decode_json

    try:
        return decode_json(data, field=label, example=example)
    except CaseError as exc:
        # the text is read again once the authorities are loaded: their urgent
        # questions (learnt as they load) count too
        raise Failure(f"{exc}{_urgent_hint(data, authority_id, exc.raised)}") from None


#: The core's case fields, as the core's options name them (``--immediate-danger``
#: sets ``immediate_danger``); an authority's questions come as :data:`QUESTION_ARGS`.
CASE_FLAGS = tuple(field.name for field in CORE_FIELDS)
#: An option's value that is a number of a level ("3"); any other (but "null") is refused
#: naming the option, as click refuses a value of the wrong type.
_INTEGER = re.compile(r"-?[0-9]{1,18}")
#: Where a command keeps the options of the authority's questions, unparsed: they
#: depend on the authority, so they are read once it is known.
QUESTION_ARGS = "question_args"
#: The settings a command with case options needs: its question options pass
#: through to :func:`gather_case`.
CASE_COMMAND = {"ignore_unknown_options": True}


def _case_option(field: CaseField) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The command-line option of one of the core's case fields."""
    if field.kind == "flag":
        return click.option(field.option, field.name, is_flag=True, default=None, help=field.help)
    return click.option(field.option, field.name, default=None, help=field.help)


def case_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add the core's case options (the urgent part and the time) to a command, and
    the authority's own (``--level 3``, ``--eha completed``: one per question of the
    authority's policy, listed by ``threshold COMMAND --authority ID --help``), which
    are read once the authority is known. The command needs
    ``cls=CaseCommand, context_settings=CASE_COMMAND``."""
    function = click.argument(
        QUESTION_ARGS, nargs=-1, type=click.UNPROCESSED, metavar="[QUESTION OPTIONS]..."
    )(function)
    for field in reversed(CORE_FIELDS):
        function = _case_option(field)(function)
    return function


def authority_options(authority: Authority) -> dict[str, CaseField]:
    """The options of ``authority``'s questions (not the core's), by option."""
    return {f.option: f for f in case_fields(authority) if f.name not in CASE_FLAGS}


def _metavar(field: CaseField) -> str:
    """The answers an option takes, as its help shows them (``[1|2|3|null]``)."""
    if field.kind == "flag" or field.answers is None:
        return ""
    words = ["null" if a is None else str(a) for a in field.answers]
    return " [" + "|".join([w for w in words if w != "null"] + ["null"] * ("null" in words)) + "]"


def _authority_in(args: Sequence[str]) -> str | None:
    """The value of ``--authority`` on a command line, if given (before any ``--``)."""
    for index, token in enumerate(args):
        if token == "--":
            break
        if token.startswith("--authority="):
            return token.partition("=")[2]
        if token == "--authority" and index + 1 < len(args):
            return args[index + 1]
    return None


#: Where :class:`CaseCommand` keeps the ``--authority`` of the command line for its help.
_HELP_AUTHORITY = "threshold.help_authority"


class CaseCommand(click.Command):
    """A command with case options (:func:`case_options`): its help lists the
    options of the authority's questions when ``--authority`` is given (they depend
    on the authority), or says how to see them."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Note the ``--authority`` given, for the help (which runs while parsing)."""
        ctx.meta[_HELP_AUTHORITY] = _authority_in(args)
        return super().parse_args(ctx, args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command's options, then those of the authority's questions.

        Raises:
            Failure: the ``--authority`` given is unknown (exit 2) or broken (3).
        """
        super().format_options(ctx, formatter)
        from threshold.core.plugins.registry import default_registry

        registry = default_registry()
        authority_id = ctx.meta.get(_HELP_AUTHORITY)
        if authority_id is None:
            ids = ", ".join(registry.authority_ids()) or "none installed"
            with formatter.section("Options of an authority's questions"):
                formatter.write_text(
                    "Each authority asks questions of its own (its levels of need, ...), "
                    f"given as options; see them with `{ctx.command_path} --authority ID "
                    f"--help` (installed ids: {ids})."
                )
            return
        try:
            authority = registry.get(authority_id).authority
        except AuthorityError as exc:
            raise authority_failure(exc, None) from None
        rows = [(o + _metavar(f), f.help) for o, f in authority_options(authority).items()]
        with formatter.section(f"Options of the questions of {authority_id}"):
            formatter.write_dl(rows)


def question_options(authority_id: str, args: Sequence[str], urgent: object) -> dict[str, object]:
    """The answers the options of ``authority_id``'s questions give (``--eha
    completed``, ``--unborn``), typed as in JSON.

    Raises:
        Failure: an option is not one of the authority's, a flag was given a value,
            an option has no value, a level is not a number, or an argument is not an
            option; none is repeated unless it is a short safe id. The urgent advice
            of ``urgent`` (the other options) is kept.
    """
    from threshold.core.io.parse import case_from_text
    from threshold.core.plugins.registry import default_registry

    try:
        authority = default_registry().get(authority_id).authority
    except AuthorityError as exc:
        raise authority_failure(exc, urgent) from None
    options = authority_options(authority)
    text: dict[str, str] = {}
    flags: dict[str, bool] = {}
    items = list(args)
    hint = _urgent_hint(urgent, authority_id)
    while items:
        token = items.pop(0)
        name, equals, value = token.partition("=")
        field = options.get(name) if name.startswith("--") else None
        if field is None:
            raise Failure(_not_an_option(token, name, options, authority_id) + hint)
        if field.kind == "flag":
            if equals:
                raise Failure(f"{name}: takes no value{hint}")
            flags[field.name] = True
            continue
        if not equals:
            if not items or items[0].startswith("--"):
                raise Failure(f"{name}: expected {field.expected} after it{hint}")
            value = items.pop(0)
        if field.kind == "level" and value != "null" and not _INTEGER.fullmatch(value):
            raise Failure(f"{name}: not valid; expected {field.expected}{hint}")
        text[field.name] = value
    return {**case_from_text(text, authority), **flags}


def _not_an_option(token: str, name: str, options: Mapping[str, CaseField], authority: str) -> str:
    """The error for an argument that is none of the authority's options."""
    if not token.startswith("-"):
        return (
            "unexpected argument (not shown); expected only options (see `threshold route --help`)"
        )
    shown = shown_identifier(name) or "an option that is not shown"
    close = difflib.get_close_matches(name, list(options), n=1)
    suggestion = f" (did you mean {close[0]}?)" if close else ""
    return f"{shown}: no such option for {authority}{suggestion}; expected one of: " + ", ".join(
        sorted(options)
    )


def gather_case(
    case_source: str | None, flags: dict[str, Any], authority_id: str | None = None
) -> object:
    """Return the raw case (before validation) from --case or the case options.

    Raises:
        Failure: both were given (the urgent advice of the options is kept; the
            command line's files are read for theirs by ``main``), an option is
            not one of the authority's, or the case file cannot be read or parsed.
    """
    given = {k: v for k, v in flags.items() if k in CASE_FLAGS and v is not None}
    args = flags.get(QUESTION_ARGS) or ()
    if args and authority_id is not None:
        given.update(question_options(authority_id, args, given))
    elif args:
        raise Failure(
            "--authority: missing; expected an authority id (see `threshold authorities`)"
        )
    if case_source is not None:
        if given:
            names = ", ".join("--" + k.replace("_", "-") for k in sorted(given))
            raise Failure(
                f"use either --case or the field options, not both (got --case and {names})"
                + _urgent_hint(given, authority_id)
            )
        return _read_case_source(case_source, authority_id)
    return given


def allowed_values(field: CaseField) -> str:
    """What an option allows, in words, from the field table: its answers as typed
    on the command line ("one of: given, refused"; with one answer that may be left
    out, "ANSWER or null"), a level's range as the field says it, or the field's words
    for a time."""
    if field.kind == "level" or field.answers is None:
        return field.expected
    words = [str(a) for a in field.answers if a is not None]
    words += ["null"] * (None in field.answers)
    if len(words) == 2 and words[-1] == "null":
        return f"{words[0]} or null"
    return "one of: " + ", ".join(words)


def option_error(exc: CaseError, given: object, authority_id: str | None) -> str:
    """A case error for a case given by options, in the options' terms: each field
    that was given as an option is named by its option, with the values it allows
    (:func:`allowed_values`); the time keeps its message (without what was typed).
    Anything else is said as the case reader says it."""
    from threshold.core.plugins.registry import default_registry

    if not isinstance(given, Mapping) or authority_id is None:
        return str(exc)
    try:
        fields = {f.name: f for f in case_fields(default_registry().get(authority_id).authority)}
    except AuthorityError:
        return str(exc)
    parts = []
    for error in exc.errors:
        field = fields.get(error.path)
        if field is None or error.path not in given:
            parts.append(str(error))
        elif field.answers is None:
            message = error.message
            if message.startswith("got ") and "; " in message:
                message = message.split("; ", 1)[1]
            parts.append(f"{field.option}: {message}")
        else:
            parts.append(f"{field.option}: not valid; expected {allowed_values(field)}")
    return "; ".join(parts)


def authority_failure(exc: AuthorityError, raw: object) -> Failure:
    """The error for an unusable ``--authority``: an unknown id (exit 2) still gets
    the child protection lines of the ids it resembles, a broken plugin (exit 3) 999."""
    unknown = isinstance(exc, UnknownAuthorityError)
    hint = _urgent_hint(raw, exc.authority_id if unknown else None) or f" — {NATIONAL_URGENT}"
    return Failure(f"--authority: {exc}{hint}", exit_status(exc))


def authority_argument_failure(exc: AuthorityError) -> Failure:
    """The error for an unusable AUTHORITY argument: an unknown id is bad input
    (exit 2); a broken plugin (exit 3) says to ring 999."""
    code = exit_status(exc)
    hint = "" if code == EXIT_BAD_INPUT else f" — {NATIONAL_URGENT}"
    return Failure(f"AUTHORITY: {exc}{hint}", code)
