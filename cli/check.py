"""`threshold check`: checks over the installed authorities.

``--rules`` runs the completeness and safety rules over every combination of the
route-changing case fields (:mod:`threshold.core.checks`). More kinds of check
are added as more flags: each kind is one entry in ``_KINDS``, and with no flag
every kind runs.

Exit status: 0 when every check holds, 1 when a check found a violation, 2 for an
unknown authority, 3 when an authority plugin is broken.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from threshold.cli.common import EXIT_BROKEN_PLUGIN, NATIONAL_URGENT, Failure
from threshold.core.errors import AuthorityError
from threshold.core.registry import Registry

EXIT_VIOLATIONS = 1


def rules_report(registry: Registry, authority_id: str) -> dict[str, Any]:
    """Run the rules for one authority; return its part of the report."""
    from threshold.core.checks import check_rules
    from threshold.core.convert import to_dict
    from threshold.core.matrix import SIZE

    violations = check_rules(registry, authority_id)
    return {
        "authority": authority_id,
        "check": "rules",
        "combinations": SIZE,
        "violations": [to_dict(v) for v in violations],
        "lines": [str(v) for v in violations],
    }


#: The kinds of check: flag name -> function(registry, authority id) -> report.
_KINDS: dict[str, Callable[[Registry, str], dict[str, Any]]] = {"rules": rules_report}


def _summary(report: dict[str, Any]) -> str:
    from threshold.core.checks import RULES

    count = len(report["violations"])
    head = f"{report['authority']}: {report['check']}: {report['combinations']} combinations, "
    head += f"{len(RULES)} rules: "
    if not count:
        return head + "every rule holds."
    by_rule: dict[str, int] = {}
    for violation in report["violations"]:
        by_rule[violation["rule"]] = by_rule.get(violation["rule"], 0) + 1
    counts = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items()))
    return head + f"{count} violations ({counts})."


@click.command()
@click.option(
    "--rules",
    is_flag=True,
    help="Completeness and safety rules over every combination of the case fields that "
    "change a route (each combination one route; 999 first for immediate danger; child "
    "protection never an online form or an EHA; a phone number with hours; citations).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.argument("authority_ids", nargs=-1, metavar="[AUTHORITY]...")
def check(rules: bool, fmt: str, authority_ids: tuple[str, ...]) -> None:
    """Check the installed authorities (all of them unless named). With no flag, run
    every kind of check."""
    from threshold.core.registry import default_registry

    registry = default_registry()
    chosen = [name for name, flag in (("rules", rules),) if flag] or list(_KINDS)
    ids = list(dict.fromkeys(authority_ids)) or registry.authority_ids()
    for authority_id in ids:
        try:
            registry.get(authority_id)
        except AuthorityError as exc:
            if str(exc).startswith("unknown authority"):
                raise Failure(f"AUTHORITY: {exc}") from None
            raise Failure(f"AUTHORITY: {exc} — {NATIONAL_URGENT}", EXIT_BROKEN_PLUGIN) from None
    reports = [_KINDS[kind](registry, authority_id) for authority_id in ids for kind in chosen]
    broken = [{"plugin": name, "error": error} for name, error in registry.problems()]
    if fmt == "json":
        for report in reports:
            report.pop("lines")
        click.echo(json.dumps({"reports": reports, "broken": broken}, indent=2, ensure_ascii=False))
    else:
        for report in reports:
            for line in report["lines"]:
                click.echo(line)
            click.echo(_summary(report))
        for problem in broken:
            click.echo(f"BROKEN {problem['plugin']}: {problem['error']}")
        if not ids:
            click.echo("No authority is installed and working. " + NATIONAL_URGENT)
    context = click.get_current_context()
    if broken and not authority_ids:
        context.exit(EXIT_BROKEN_PLUGIN)
    if any(report["violations"] for report in reports):
        context.exit(EXIT_VIOLATIONS)
