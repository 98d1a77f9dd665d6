"""The ``threshold`` command line.

Every error is one line on stderr naming the field and what is expected, with
exit status 2 for bad input and 3 for a broken authority plugin; never a
traceback. When the input raised an urgent flag, the error line still says who
to ring.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from threshold.core.errors import AuthorityError, CaseError, ThresholdError

EXIT_BAD_INPUT = 2
EXIT_BROKEN_PLUGIN = 3

NATIONAL_URGENT = "If a child is in immediate danger, ring 999."


class Failure(click.ClickException):
    """A one-line error with its exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = exit_code


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _urgent_hint(raw: object, authority_id: str | None) -> str:
    """The urgent advice to add to an error when the input raised an urgent flag."""
    from threshold.core.convert import urgent_flags

    danger, child_protection = urgent_flags(raw)
    hints = []
    if danger:
        hints.append("immediate danger was reported: ring 999 now")
    if child_protection:
        line = _child_protection_line(authority_id)
        hints.append(
            "significant harm was reported: "
            + (
                f"ring {line} now"
                if line
                else "ring your local authority's child protection line now"
            )
        )
    return (" — " + "; ".join(hints) + ".") if hints else ""


def _child_protection_line(authority_id: str | None) -> str | None:
    if authority_id is None:
        return None
    try:
        from threshold.core.engine import contact_label
        from threshold.core.models import Purpose
        from threshold.core.registry import default_registry

        authority = default_registry().get(authority_id).authority
    except ThresholdError:
        return None
    lines = authority.contacts_for(Purpose.CHILD_PROTECTION)
    return " or ".join(contact_label(c) for c in lines) or None


def _read_case_source(source: str) -> object:
    """Read a case from a file path or ``-`` (stdin) as JSON."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise Failure(f"--case: cannot read {source}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Failure("--case: expected UTF-8 encoded JSON") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Failure(
            f"--case: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            'expected a JSON object such as {"level": 3}'
        ) from None
    except RecursionError:
        raise Failure("--case: JSON nested too deeply; expected a flat JSON object") from None


CASE_FLAGS = (
    "level",
    "immediate_danger",
    "significant_harm",
    "non_mobile_baby_bruising",
    "early_help_assessment",
    "sudden_escalation",
    "consent",
    "referrer",
    "setting",
    "unborn",
    "advice",
    "at",
)


def case_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add one option per case field (for hand use) to a command."""
    options = [
        click.option("--level", type=int, default=None, help="Level of need, 1 to 4."),
        click.option(
            "--immediate-danger", is_flag=True, default=None, help="Child in immediate danger."
        ),
        click.option(
            "--significant-harm",
            is_flag=True,
            default=None,
            help="Suffering or likely to suffer significant harm.",
        ),
        click.option(
            "--non-mobile-baby-bruising",
            is_flag=True,
            default=None,
            help="Bruising on a non-mobile baby.",
        ),
        click.option(
            "--eha",
            "early_help_assessment",
            default=None,
            help="Early Help Assessment: completed, none or declined.",
        ),
        click.option(
            "--sudden-escalation", is_flag=True, default=None, help="Needs escalated suddenly."
        ),
        click.option(
            "--consent", default=None, help="given, refused, not-sought or unsafe-to-seek."
        ),
        click.option("--referrer", default=None, help="professional or public."),
        click.option(
            "--setting", default=None, help="time-limited (ED, urgent care, OOH GP, NHS 111)."
        ),
        click.option("--unborn", is_flag=True, default=None, help="Concern about an unborn baby."),
        click.option(
            "--advice", is_flag=True, default=None, help="Talk it through with a social worker."
        ),
        click.option("--at", default=None, help="When, ISO 8601; no offset means Europe/London."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def gather_case(case_source: str | None, flags: dict[str, Any]) -> object:
    """Return the raw case (before validation) from --case or the field flags."""
    given = {k: v for k, v in flags.items() if k in CASE_FLAGS and v is not None}
    if case_source is not None:
        if given:
            names = ", ".join("--" + k.replace("_", "-") for k in sorted(given))
            raise Failure(
                f"use either --case or the field options, not both (got --case and {names})"
            )
        return _read_case_source(case_source)
    return given


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="threshold")
def cli() -> None:
    """threshold: what to do about a concern for a child, who to ring now, and what
    to record, from your local authority's threshold document.

    Decision support only: it supports, and never replaces, your professional
    judgement and your safeguarding lead. If a child is in immediate danger, ring 999.
    """


@cli.command()
@click.option(
    "--authority", "authority_id", required=True, help="Authority id (see `threshold authorities`)."
)
@click.option(
    "--case", "case_source", default=None, help="Case JSON file, or - for standard input."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "html", "json"]),
    default="text",
    show_default=True,
)
@case_options
def route(authority_id: str, case_source: str | None, fmt: str, **flags: Any) -> None:
    """Route a concern: the steps in order, who to contact now, consent and records."""
    from threshold.core.api import route as route_case
    from threshold.core.render import render_guidance

    raw = gather_case(case_source, flags)
    try:
        guidance = route_case(raw, authority_id)  # type: ignore[arg-type]
    except CaseError as exc:
        raise Failure(f"{exc}{_urgent_hint(raw, authority_id)}") from None
    except AuthorityError as exc:
        hint = _urgent_hint(raw, None) or f" — {NATIONAL_URGENT}"
        code = EXIT_BAD_INPUT if str(exc).startswith("unknown authority") else EXIT_BROKEN_PLUGIN
        raise Failure(f"--authority: {exc}{hint}", code) from None
    click.echo(render_guidance(guidance, fmt), nl=False)


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def authorities(fmt: str) -> None:
    """List the installed authorities, their plugins and data dates, and any broken plugin."""
    from threshold.core.registry import default_registry

    registry = default_registry()
    rows = []
    for registered in registry.registered():
        authority, plugin = registered.authority, registered.plugin
        policy = authority.document(authority.policy_document)
        rows.append(
            {
                "id": authority.id,
                "name": authority.name,
                "status": "ok",
                "plugin": plugin.name,
                "distribution": plugin.distribution,
                "version": plugin.version,
                "policy_document": policy.title,
                "policy_document_date": policy.date,
                "data_reviewed": authority.reviewed,
                "data_review_due": authority.review_due,
            }
        )
    problems = [
        {"plugin": name, "status": "broken", "error": error} for name, error in registry.problems()
    ]
    if fmt == "json":
        click.echo(
            json.dumps({"authorities": rows, "broken": problems}, indent=2, ensure_ascii=False)
        )
        return
    for row in rows:
        click.echo(f"{row['id']}: {row['name']}")
        click.echo(f"    plugin {row['plugin']} ({row['distribution']} {row['version']})")
        click.echo(f"    policy document: {row['policy_document']} ({row['policy_document_date']})")
        click.echo(f"    data checked {row['data_reviewed']}, review due {row['data_review_due']}")
    for problem in problems:
        click.echo(f"BROKEN {problem['plugin']}: {problem['error']}")
    if not rows:
        click.echo("No authority is installed and working. " + NATIONAL_URGENT)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"threshold: error: {_one_line(message)}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: errors become one line on stderr with a non-zero exit status."""
    try:
        cli.main(args=argv, prog_name="threshold", standalone_mode=False)
    except Failure as exc:
        _fail(exc.format_message(), exc.code)
    except click.exceptions.NoArgsIsHelpError as exc:  # pragma: no cover - click >= 8.2
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except click.UsageError as exc:
        _fail(exc.format_message(), EXIT_BAD_INPUT)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code or EXIT_BAD_INPUT)
    except click.exceptions.Abort:
        _fail("aborted", 1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # never a traceback for a practitioner
        if os.environ.get("THRESHOLD_DEBUG"):
            raise
        _fail(
            f"internal error ({type(exc).__name__}); {NATIONAL_URGENT} "
            "Set THRESHOLD_DEBUG=1 to see the details.",
            EXIT_BROKEN_PLUGIN,
        )
