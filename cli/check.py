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
from threshold.core.render.words import counted

if TYPE_CHECKING:
    from threshold.core.plugins.registry import Registry

EXIT_VIOLATIONS = 1


def rules_report(registry: Registry, authority_id: str, *, strict: bool = False) -> dict[str, Any]:
    """Run the rules and the proofs for one authority; return its part of the report."""
    from threshold.core.analysis.checks import check_rules, check_tables
    from threshold.core.analysis.matrix import matrix_of
    from threshold.core.analysis.proofs import explore, prove_table
    from threshold.core.model.converter import to_dict

    authority = registry.get(authority_id).authority
    violations = check_rules(registry, authority_id)
    findings = check_tables(authority, strict=strict)
    return {
        "authority": authority_id,
        "check": "rules",
        "combinations": matrix_of(authority).size,
        "violations": [to_dict(v) for v in violations],
        "table": {
            "cases": prove_table(authority).cases,
            "rows": len(authority.rules),
            "explored": explore(authority).cases,
            "findings": [to_dict(f) for f in findings],
        },
        "lines": [str(v) for v in violations] + [str(f) for f in findings],
    }


def _summary(report: dict[str, Any]) -> list[str]:
    from threshold.core.analysis.checks import RULES, TABLE_RULES

    count = len(report["violations"])
    head = f"{report['authority']}: {report['check']}: {report['combinations']} combinations, "
    head += f"{len(RULES)} rules: "
    if not count:
        lines = [head + "every rule holds."]
    else:
        lines = [head + f"{counted(count, 'violation')} ({_counts(report['violations'])})."]
    table = report["table"]
    head = (
        f"{report['authority']}: proofs: {table['rows']} rows over {table['cases']} cases, "
        f"{table['explored']} cases of every question, {len(TABLE_RULES)} rules: "
    )
    findings = table["findings"]
    if not findings:
        return [*lines, head + "every rule holds."]
    errors = sum(1 for f in findings if f["severity"] == "error")
    return [
        *lines,
        head
        + f"{counted(errors, 'error')}, {counted(len(findings) - errors, 'warning')} "
        + f"({_counts(findings)}).",
    ]


def _counts(found: list[dict[str, Any]]) -> str:
    by_rule: dict[str, int] = {}
    for item in found:
        by_rule[item["rule"]] = by_rule.get(item["rule"], 0) + 1
    return ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items()))


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
    help="Only the completeness and safety rules: over every combination of the case fields "
    "that change a route (each combination one route; 999 first for immediate danger; "
    "significant harm an urgent route, a phone line first, nothing to do first; a phone number "
    "with hours; citations), and the proofs over the decision table and parts (complete; no "
    "unreachable row or dead part; urgent routes list urgent contacts; a follow-up lists its "
    "contact).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on warnings too (such as a past review date, an unreachable row or a dead part).",
)
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
        _report_rules(registry, ids, broken, fmt, named=bool(authority_ids), strict=strict)
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
        click.echo(f"check {label}: {counted(errors, 'error')}, {counted(warnings, 'warning')}")
    if errors:
        click.get_current_context().exit(EXIT_VIOLATIONS)


def _report_rules(
    registry: Registry,
    ids: list[str],
    broken: list[dict[str, str]],
    fmt: str,
    named: bool,
    strict: bool = False,
) -> None:
    reports = [rules_report(registry, authority_id, strict=strict) for authority_id in ids]
    if fmt == "json":
        for report in reports:
            report.pop("lines")
        click.echo(json.dumps({"reports": reports, "broken": broken}, indent=2, ensure_ascii=False))
    else:
        for report in reports:
            for line in [*report["lines"], *_summary(report)]:
                click.echo(line)
        for problem in broken:
            click.echo(f"BROKEN {problem['plugin']}: {problem['error']}")
        if not ids:
            click.echo("No authority is installed and working. " + NATIONAL_URGENT)
    context = click.get_current_context()
    if broken and not named:
        context.exit(EXIT_BROKEN_PLUGIN)
    failed = [r for r in reports if r["violations"]]
    failed += [r for r in reports if any(f["severity"] == "error" for f in r["table"]["findings"])]
    if failed:
        context.exit(EXIT_VIOLATIONS)
