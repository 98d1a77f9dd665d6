"""`threshold check`: the conformance kit over installed authorities or a plugin
source tree; ``--rules`` runs only the completeness and safety rules over every
combination of the route-changing case fields (:mod:`threshold.core.analysis.checks`).

Exit status: 0 when every check holds, 1 when a check found a violation, 2 for an
unknown authority, 3 when an authority plugin is broken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from threshold.cli.common import (
    EXIT_BROKEN_PLUGIN,
    NATIONAL_URGENT,
    Failure,
    authority_argument_failure,
)
from threshold.core.model.errors import AuthorityError

if TYPE_CHECKING:
    from threshold.core.plugins.registry import Registry

EXIT_VIOLATIONS = 1


def rules_report(registry: Registry, authority_id: str) -> dict[str, Any]:
    """Run the rules for one authority; return its part of the report."""
    from threshold.core.analysis.checks import check_rules
    from threshold.core.analysis.matrix import SIZE
    from threshold.core.model.converter import to_dict

    violations = check_rules(registry, authority_id)
    return {
        "authority": authority_id,
        "check": "rules",
        "combinations": SIZE,
        "violations": [to_dict(v) for v in violations],
        "lines": [str(v) for v in violations],
    }


def _summary(report: dict[str, Any]) -> str:
    from threshold.core.analysis.checks import RULES

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
@click.argument("authority_ids", nargs=-1, metavar="[AUTHORITY]...")
@click.option(
    "--path",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Check a plugin source tree (placeholders first) instead of installed authorities.",
)
@click.option(
    "--rules",
    is_flag=True,
    help="Only the completeness and safety rules over every combination of the case fields "
    "that change a route (each combination one route; 999 first for immediate danger; child "
    "protection never an online form or an EHA; a phone number with hours; citations).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too (such as a past review date).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check(
    authority_ids: tuple[str, ...], directory: Path | None, rules: bool, strict: bool, fmt: str
) -> None:
    """Check authorities: the whole conformance kit (data, phone numbers, hours,
    citations, review dates, the routing rules over every case, scenario files),
    or with --rules only the rules. Installed authorities (all unless named), or a
    plugin source tree with --path."""
    from threshold.core.plugins.registry import default_registry

    if directory is not None:
        if authority_ids or rules:
            raise Failure("check: --path checks a source tree; give no authority ids or --rules")
        _report_findings(_path_findings(directory, strict), str(directory), fmt)
        return
    registry = default_registry()
    ids = list(dict.fromkeys(authority_ids)) or registry.authority_ids()
    for authority_id in ids:
        try:
            registry.get(authority_id)
        except AuthorityError as exc:
            raise authority_argument_failure(exc) from None
    broken = [{"plugin": name, "error": error} for name, error in registry.problems()]
    if rules:
        _report_rules(registry, ids, broken, fmt, named=bool(authority_ids))
        return
    from threshold.core.authoring.conformance import check_authority, installed_scenario_files

    findings = []
    for authority_id in ids:
        findings += check_authority(
            registry,
            authority_id,
            strict=strict,
            scenario_files=installed_scenario_files(registry, authority_id),
        )
    if not authority_ids:
        from threshold.core.authoring.conformance import Finding

        findings += [Finding("error", f"plugin {b['plugin']}", b["error"]) for b in broken]
    _report_findings(findings, ", ".join(ids) or "no authority installed", fmt)


def _path_findings(directory: Path, strict: bool) -> list[Any]:
    from threshold.core.authoring.conformance import check_path

    return check_path(directory, strict=strict)


def _report_findings(findings: list[Any], label: str, fmt: str) -> None:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if fmt == "json":
        from threshold.core.model.converter import to_dict

        data = {
            "checked": label,
            "errors": errors,
            "warnings": warnings,
            "findings": [to_dict(f) for f in findings],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"check {label}: {errors} errors, {warnings} warnings")
    if errors:
        click.get_current_context().exit(EXIT_VIOLATIONS)


def _report_rules(
    registry: Registry, ids: list[str], broken: list[dict[str, str]], fmt: str, named: bool
) -> None:
    reports = [rules_report(registry, authority_id) for authority_id in ids]
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
    if broken and not named:
        context.exit(EXIT_BROKEN_PLUGIN)
    if any(report["violations"] for report in reports):
        context.exit(EXIT_VIOLATIONS)
