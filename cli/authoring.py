"""Commands for plugin authors: `threshold new-authority` and `threshold check`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from threshold.cli.common import Failure

if TYPE_CHECKING:
    from threshold.core.conformance import Finding


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
    from threshold.core.scaffold import derive_names, write_plugin

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


@click.command("check")
@click.argument("authority_ids", nargs=-1)
@click.option(
    "--path",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Check a plugin source tree instead of an installed authority.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too (such as a review date passed).")
def check(authority_ids: tuple[str, ...], directory: Path | None, strict: bool) -> None:
    """Check installed authorities (all by default) or a plugin source tree: data,
    phone numbers, hours, citations, review dates, routing rules and scenarios."""
    from threshold.core.conformance import check_authority, check_path, installed_scenario_files
    from threshold.core.registry import default_registry

    if directory is not None:
        if authority_ids:
            raise Failure("check: give either authority ids or --path, not both")
        findings = check_path(directory, strict=strict)
        label = str(directory)
    else:
        registry = default_registry()
        ids = list(authority_ids) or registry.authority_ids()
        findings = []
        for authority_id in ids:
            findings += check_authority(
                registry,
                authority_id,
                strict=strict,
                scenario_files=installed_scenario_files(registry, authority_id),
            )
        if not authority_ids:
            findings += [_broken(name, reason) for name, reason in registry.problems()]
        label = ", ".join(ids) or "no authority installed"
    for finding in findings:
        click.echo(str(finding))
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    click.echo(f"check {label}: {errors} errors, {warnings} warnings")
    if errors:
        raise SystemExit(1)


def _broken(name: str, reason: str) -> Finding:
    from threshold.core.conformance import Finding

    return Finding("error", f"plugin {name}", reason)
