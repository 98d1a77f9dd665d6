"""`threshold schema NAME`: print one of the published JSON Schemas;
`threshold schema case --authority ID`: that authority's own case schema."""

from __future__ import annotations

import json

import click

from threshold.cli.common import Failure


@click.command()
@click.argument("name", required=False)
@click.option(
    "--authority",
    metavar="ID",
    help="With NAME case: print that authority's own case schema (its questions and answers).",
)
def schema(name: str | None, authority: str | None) -> None:
    """Print the published JSON Schema NAME (draft 2020-12); without NAME, list them.
    With ``--authority``, print that authority's own case schema."""
    from threshold.core.io.schemas import SCHEMA_NAMES
    from threshold.core.io.schemas import schema as load
    from threshold.core.io.spelling import shown_identifier
    from threshold.core.model.errors import ThresholdError

    if name is None and authority is not None:
        raise Failure("NAME: missing; expected case with --authority")
    if name is None:
        for known in SCHEMA_NAMES:
            click.echo(f"{known}\t{load(known)['$id']}\t{load(known)['x-version']}")
        return
    try:
        document = load(name)
    except ThresholdError:
        shown = shown_identifier(name)
        raise Failure(
            f"NAME: unknown schema{f' {shown!r}' if shown else ''}; "
            f"expected one of: {', '.join(SCHEMA_NAMES)}"
        ) from None
    if authority is not None:
        document = _own_case_schema(name, authority)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _own_case_schema(name: str, authority_id: str) -> dict[str, object]:
    """The authority's own case schema (core/io/case_schema.py); a Failure for
    another schema's name, or an authority that cannot be used."""
    from threshold.cli.common import authority_failure
    from threshold.core.io.case_schema import case_schema
    from threshold.core.model.errors import AuthorityError
    from threshold.core.plugins.registry import default_registry

    if name != "case":
        raise Failure(
            "--authority: only the case schema is made per authority; expected NAME case, "
            "or no --authority"
        )
    try:
        return case_schema(default_registry().get(authority_id).authority)
    except AuthorityError as exc:
        raise authority_failure(exc, None) from None
