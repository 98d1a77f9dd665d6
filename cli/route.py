"""`threshold route` and `threshold authorities`."""

from __future__ import annotations

import json
import shutil
from typing import Any

import click

from threshold.cli.common import (
    CASE_COMMAND,
    CASE_FLAGS,
    NATIONAL_URGENT,
    QUESTION_ARGS,
    CaseCommand,
    Failure,
    _urgent_hint,
    authority_failure,
    case_options,
    gather_case,
    option_error,
)
from threshold.core.model.errors import AuthorityError, CaseError
from threshold.core.model.vocabulary import GUIDANCE_FORMATS


@click.command(cls=CaseCommand, context_settings=CASE_COMMAND)
@click.option(
    "--authority",
    "authority_id",
    default=None,
    help="Authority id (see `threshold authorities`); with --batch, the default for "
    "lines that do not give their own.",
)
@click.option(
    "--case", "case_source", default=None, help="Case JSON file, or - for standard input."
)
@click.option(
    "--batch",
    "batch_source",
    default=None,
    help="JSON Lines file (or - for standard input): one case per line, each may carry "
    "its own authority. Prints one JSON result per line, in order.",
)
@click.option(
    "--output", default=None, help="With --batch: write the results here instead of stdout."
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="With --batch: route in this many processes (1: in this process only). "
    "[default: every core for a file; 1 for standard input, so that each result comes "
    "as soon as its line]",
)
@click.option(
    "--record",
    is_flag=True,
    default=False,
    help="Add a decision record (id, time, versions, route, steps, deciding fields).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(GUIDANCE_FORMATS),
    default=None,
    help="Output format [default: text; with --batch, JSON Lines only].",
)
@click.option(
    "--brief",
    is_flag=True,
    default=False,
    help="Print only the NOW block: the route, what to do now, the contact to use now "
    "and whether it is open, and 999 where urgent (text output only).",
)
@case_options
def route(
    authority_id: str | None,
    case_source: str | None,
    batch_source: str | None,
    output: str | None,
    jobs: int | None,
    record: bool,
    fmt: str | None,
    brief: bool,
    **flags: Any,
) -> None:
    """Route a concern: the steps in order, who to contact now, consent and records.
    Text is wrapped to the terminal's width (80 when the output is not a terminal)."""
    if brief and (fmt not in (None, "text") or batch_source is not None):
        hint = _urgent_hint({k: v for k, v in flags.items() if k in CASE_FLAGS}, authority_id)
        raise Failure(
            "--brief: only with text output of one case; expected --format text or no --format, "
            f"without --batch{hint}"
        )
    if batch_source is not None:
        _batch(authority_id, case_source, batch_source, output, jobs, record, fmt, flags)
        return
    if output is not None:
        raise Failure("--output: only with --batch; expected --batch FILE")
    if jobs is not None:
        raise Failure("--jobs: only with --batch; expected --batch FILE")
    if authority_id is None:
        raise Failure(
            "--authority: missing; expected an authority id (see `threshold authorities`)"
        )
    from threshold.core.engine.api import route as route_case
    from threshold.core.render.environment import render_guidance

    raw = gather_case(case_source, flags, authority_id)
    try:
        guidance = route_case(raw, authority_id, record=record)  # type: ignore[arg-type]
    except CaseError as exc:
        message = str(exc) if case_source is not None else option_error(exc, raw, authority_id)
        raise Failure(f"{message}{_urgent_hint(raw, authority_id)}") from None
    except AuthorityError as exc:
        raise authority_failure(exc, raw) from None
    from threshold.core.plugins.registry import default_registry

    authority = default_registry().get(authority_id).authority
    width = shutil.get_terminal_size().columns  # COLUMNS, the terminal's, or 80
    text = render_guidance(guidance, fmt or "text", authority, width=width, brief=brief)
    click.echo(text, nl=False)


def _batch(
    authority_id: str | None,
    case_source: str | None,
    batch_source: str,
    output: str | None,
    jobs: int | None,
    record: bool,
    fmt: str | None,
    flags: dict[str, Any],
) -> None:
    given = [k for k, v in flags.items() if k in CASE_FLAGS and v is not None]
    given += list(flags.get(QUESTION_ARGS) or ())
    if case_source is not None or given:
        raise Failure("--batch: the cases come from the file; expected no --case or field options")
    if fmt not in (None, "json"):
        raise Failure("--format: --batch writes JSON Lines; expected json or nothing")
    if authority_id is not None:
        from threshold.core.plugins.registry import default_registry

        try:
            default_registry().get(authority_id)
        except AuthorityError as exc:
            raise authority_failure(exc, None) from None
    from threshold.cli.batch import run_batch

    run_batch(batch_source, output, authority_id, record, jobs)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def authorities(fmt: str) -> None:
    """List the installed authorities, their plugins and data dates, and any broken plugin."""
    from threshold.core.model.converter import to_dict
    from threshold.core.plugins.installed import list_authorities
    from threshold.core.plugins.registry import default_registry

    listed = to_dict(list_authorities(default_registry()))
    rows, problems = listed["authorities"], listed["broken"]
    if fmt == "json":
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['id']}: {row['name']}")
        click.echo(f"    plugin {row['plugin']} ({row['distribution']} {row['version']})")
        click.echo(f"    policy document: {row['policy_document']} ({row['policy_document_date']})")
        click.echo(f"    data checked {row['data_reviewed']}, review due {row['data_review_due']}")
        for version in row["versions"]:
            click.echo("    " + _version_line(version))
            if version["note"]:
                click.echo(f"      {version['note']}")
    for problem in problems:
        click.echo(f"BROKEN {problem['plugin']}: {problem['error']}")
    if not rows:
        click.echo("No authority is installed and working. " + NATIONAL_URGENT)


def _version_line(version: dict[str, Any]) -> str:
    """One version of an authority's data, as `threshold authorities` lists it."""
    since = version["in_force_from"] or "always"
    until = f" until {version['in_force_until']}" if version["in_force_until"] else ""
    today = " (in force today)" if version["in_force_today"] else ""
    dated = f", document dated {version['document_date']}" if version["document_date"] else ""
    return (
        f"version {version['name']}: in force from {since}{until}{today}{dated}; "
        f"hash {version['hash']}"
    )
