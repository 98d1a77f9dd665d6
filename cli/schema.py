"""`threshold schema NAME`: print one of the published JSON Schemas."""

from __future__ import annotations

import json

import click

from threshold.cli.common import Failure


@click.command()
@click.argument("name", required=False)
def schema(name: str | None) -> None:
    """Print the published JSON Schema NAME (draft 2020-12); without NAME, list them."""
    from threshold.core.io.schemas import SCHEMA_NAMES
    from threshold.core.io.schemas import schema as load
    from threshold.core.io.spelling import shown_identifier
    from threshold.core.model.errors import ThresholdError

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
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
