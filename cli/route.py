"""`threshold route` and `threshold authorities`."""

from __future__ import annotations

import json
from typing import Any

import click

from threshold.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PLUGIN,
    NATIONAL_URGENT,
    Failure,
    _urgent_hint,
    case_options,
    gather_case,
)
from threshold.core.errors import AuthorityError, CaseError


@click.command()
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


@click.command()
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
