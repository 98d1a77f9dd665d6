"""`threshold compare`: two or more authorities side by side."""

from __future__ import annotations

import click

from threshold.cli.common import (
    Failure,
    authority_argument_failure,
)
from threshold.core.model.errors import AuthorityError, CaseError
from threshold.core.model.vocabulary import COMPARE_FORMATS


@click.command()
@click.argument("authority_ids", nargs=-1, metavar="AUTHORITY AUTHORITY [AUTHORITY]...")
@click.option(
    "--differences-only", is_flag=True, help="Keep only the contacts and scenarios that differ."
)
@click.option(
    "--format", "fmt", type=click.Choice(COMPARE_FORMATS), default="text", show_default=True
)
def compare(authority_ids: tuple[str, ...], differences_only: bool, fmt: str) -> None:
    """Compare authorities side by side: contacts by purpose, and each authority's
    route for every combination of the case fields that change a route, with the
    source of each rule. CSV and JSON hold every combination."""
    from threshold.core.analysis.compare import compare as build
    from threshold.core.plugins.registry import default_registry
    from threshold.core.render.compare import render_comparison

    registry = default_registry()
    try:
        comparison = build(registry, authority_ids, differences_only=differences_only)
    except CaseError as exc:
        raise Failure(
            f"AUTHORITY: {exc.errors[0].message}, such as: threshold compare derbyshire derby_city"
        ) from None
    except AuthorityError as exc:
        raise authority_argument_failure(exc) from None
    click.echo(render_comparison(comparison, fmt), nl=False)
