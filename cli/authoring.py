"""`threshold new-authority`: the scaffold for plugin authors (see also `threshold check`)."""

from __future__ import annotations

from pathlib import Path

import click

from threshold.cli.common import Failure


@click.command("new-authority")
@click.argument("title")
@click.option(
    "--dir",
    "directory",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the plugin package (new or empty).",
)
def new_authority(title: str, directory: Path) -> None:
    """Write a standalone, installable authority plugin for TITLE ("Nottingham City")."""
    from threshold.core.authoring.scaffold import derive_names, write_plugin

    try:
        names = derive_names(title)
        files = write_plugin(title, directory)
    except ValueError as exc:
        raise Failure(f"new-authority: {exc}") from None
    click.echo(
        f"Wrote {names.distribution} (package {names.package}, authority id "
        f"{names.authority_id}) in {directory}:"
    )
    for path in files:
        click.echo(f"  {path.relative_to(directory)}")
    click.echo(f"Next: replace every TODO, then run: threshold check --path {directory}")
