"""`threshold compare`: two or more authorities side by side."""

from __future__ import annotations

import click

from threshold.cli.common import EXIT_BROKEN_PLUGIN, NATIONAL_URGENT, Failure
from threshold.core.errors import AuthorityError

FORMATS = ("text", "markdown", "html", "csv", "json")


@click.command()
@click.argument("authority_ids", nargs=-1, metavar="AUTHORITY AUTHORITY [AUTHORITY]...")
@click.option(
    "--differences-only", is_flag=True, help="Keep only the contacts and scenarios that differ."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def compare(authority_ids: tuple[str, ...], differences_only: bool, fmt: str) -> None:
    """Compare authorities side by side: contacts by purpose, and each authority's
    route for every combination of the case fields that change a route, with the
    source of each rule. CSV and JSON hold every combination."""
    from threshold.core.compare import compare as build
    from threshold.core.compare_render import render_comparison
    from threshold.core.registry import default_registry

    if len(authority_ids) < 2:
        raise Failure(
            f"AUTHORITY: got {len(authority_ids)}; expected two or more authority ids, "
            "such as: threshold compare derbyshire derby_city"
        )
    if len(set(authority_ids)) != len(authority_ids):
        raise Failure("AUTHORITY: an authority is named twice; expected each once")
    registry = default_registry()
    try:
        comparison = build(registry, authority_ids, differences_only=differences_only)
    except AuthorityError as exc:
        if str(exc).startswith("unknown authority"):
            raise Failure(f"AUTHORITY: {exc}") from None
        raise Failure(f"AUTHORITY: {exc} — {NATIONAL_URGENT}", EXIT_BROKEN_PLUGIN) from None
    click.echo(render_comparison(comparison, fmt), nl=False)
