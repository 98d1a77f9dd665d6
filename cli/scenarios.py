"""`threshold test PATH`: run scenario files."""

from __future__ import annotations

from pathlib import Path

import click

from threshold.cli.common import Failure


@click.command("test")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("-k", "--keyword", default=None, help="Only scenarios with this keyword.")
def test_command(path: Path, keyword: str | None) -> None:
    """Run the scenario files at PATH (a file or a directory) against the installed plugins."""
    from threshold.core.authoring.scenario_files import check_scenario, explain, iter_scenarios
    from threshold.core.model.errors import DataError
    from threshold.core.plugins.registry import default_registry

    registry = default_registry()
    passed = failed = 0
    try:
        scenarios = list(iter_scenarios(path, keyword, registry))
    except DataError as exc:
        raise Failure(str(exc)) from None
    if not scenarios:
        raise Failure(f"{path}: no scenario files (scenarios.toml or *.scenarios.toml) found")
    for scenario in scenarios:
        problems, guidance = check_scenario(scenario, registry)
        if problems:
            failed += 1
            click.echo(f"FAIL {scenario.label}")
            for problem in problems:
                click.echo(f"  {problem}")
            click.echo(explain(guidance))
        else:
            passed += 1
            click.echo(f"ok   {scenario.label}")
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)
