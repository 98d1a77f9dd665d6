"""`threshold indicators` and `threshold assess`: the threshold indicators of an
authority's policy document, and a summary of the ones a practitioner has seen."""

from __future__ import annotations

from typing import Any

import click

from threshold.cli.common import (
    EXIT_BROKEN_PLUGIN,
    NATIONAL_URGENT,
    Failure,
    _read_case_source,
    _urgent_hint,
    exit_status,
)
from threshold.core.model.errors import AuthorityError, CaseError
from threshold.core.model.vocabulary import INDICATOR_FORMATS as FORMATS


def _indicator_set(authority_id: str | None, hint: str = "") -> Any:
    """The indicator set of the authority's policy document (or the only one installed)."""
    from threshold.core.plugins.registry import default_registry

    registry = default_registry()
    if authority_id is not None:
        try:
            return registry.indicators_for(authority_id)
        except AuthorityError as exc:
            raise Failure(
                f"--authority: {exc}{hint or ' — ' + NATIONAL_URGENT}", exit_status(exc)
            ) from None
    sets = registry.indicator_sets()
    if len(sets) == 1:
        return sets[0]
    if not sets:
        raise Failure(
            f"no threshold indicators are installed{hint or ' — ' + NATIONAL_URGENT}",
            EXIT_BROKEN_PLUGIN,
        )
    ids = ", ".join(registry.authority_ids())
    raise Failure(f"--authority: several threshold documents are installed; expected one of: {ids}")


@click.command()
@click.option(
    "--authority",
    "authority_id",
    default=None,
    help="Authority id: its policy document's indicators.",
)
@click.option("--level", type=int, default=None, help="Only this level, 1 to 4.")
@click.option("--domain", default=None, help="Only this domain: id, name, or a part of the name.")
@click.option("--search", default=None, help="Only indicators containing every word of this text.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def indicators(
    authority_id: str | None, level: int | None, domain: str | None, search: str | None, fmt: str
) -> None:
    """List the threshold indicators of possible need (Appendix 2 of the threshold
    document), each with its id and source. A guide, not a checklist."""
    from threshold.core.analysis.indicator_search import resolve_domain, select
    from threshold.core.render.indicators import render_indicators

    if level is not None and not 1 <= level <= 4:
        raise Failure(f"--level: got {level}; expected an integer from 1 to 4")
    found_set = _indicator_set(authority_id)
    chosen_domain = None
    if domain is not None:
        try:
            chosen_domain = resolve_domain(found_set, domain)
        except KeyError as exc:
            raise Failure(f"--domain: {exc.args[0]}") from None
    chosen = select(found_set, level=level, domain=chosen_domain, search=search)
    filters = []
    if level is not None:
        filters.append(f"level {level}")
    if chosen_domain is not None:
        filters.append(f"domain {chosen_domain.name}")
    if search:
        filters.append("matching the search")
    click.echo(render_indicators(found_set, chosen, ", ".join(filters), fmt), nl=False)


#: The option that gives the ``indicators`` of the assess input (schemas/assess.schema.json).
INDICATOR_OPTION = "--indicator"


def _in_option_terms(exc: CaseError) -> str:
    """An error of the indicators given with :data:`INDICATOR_OPTION`, named by it,
    with what it expects and without what was typed."""
    parts = []
    for error in exc.errors:
        if not error.path.startswith("indicators["):
            parts.append(str(error))
            continue
        expected = error.message.split("; ", 1)[-1]
        parts.append(f"{INDICATOR_OPTION}: not valid; {expected}")
    return "; ".join(dict.fromkeys(parts))


@click.command()
@click.option(
    INDICATOR_OPTION,
    "indicator_ids",
    multiple=True,
    help="An indicator id you have seen (repeat the option for each).",
)
@click.option(
    "--case",
    "case_source",
    default=None,
    help='JSON file (or - for standard input) with an "indicators" list '
    "(schemas/assess.schema.json).",
)
@click.option(
    "--authority", "authority_id", default=None, help="Authority id, for its urgent lines."
)
@click.option("--immediate-danger", is_flag=True, default=None, help="Child in immediate danger.")
@click.option("--significant-harm", is_flag=True, default=None, help="Significant harm.")
@click.option(
    "--non-mobile-baby-bruising", is_flag=True, default=None, help="Bruising on a non-mobile baby."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def assess(
    indicator_ids: tuple[str, ...],
    case_source: str | None,
    authority_id: str | None,
    fmt: str,
    **flags: bool | None,
) -> None:
    """Summarise the threshold indicators you have seen by level and domain, and say
    which level they point towards, in the document's own words. Urgent advice
    comes first. It never replaces your judgement and never lowers an urgent route."""
    from threshold.core.analysis.assess import assess as build
    from threshold.core.analysis.assess import parse_assess_input
    from threshold.core.plugins.registry import default_registry
    from threshold.core.render.indicators import render_assessment

    given = {k: v for k, v in flags.items() if v is not None}
    if case_source is not None:
        if indicator_ids or given:
            raise Failure("use either --case or --indicator and the flag options, not both")
        raw: object = _read_case_source(case_source, authority_id)
    elif indicator_ids:
        raw = {"indicators": list(indicator_ids), **given}
    else:
        raise Failure(
            "--indicator: expected one or more indicator ids (or --case FILE); "
            "see `threshold indicators`" + _urgent_hint(given, authority_id)
        )
    hint = _urgent_hint(raw, authority_id)
    found_set = _indicator_set(authority_id, hint)
    try:
        selected = parse_assess_input(raw, found_set)
    except CaseError as exc:
        message = str(exc) if case_source is not None else _in_option_terms(exc)
        raise Failure(f"{message}{hint}") from None
    try:
        assessment = build(default_registry(), found_set, selected, authority_id=authority_id)
    except AuthorityError as exc:
        raise Failure(
            f"--authority: {exc}{hint or ' — ' + NATIONAL_URGENT}", EXIT_BROKEN_PLUGIN
        ) from None
    click.echo(render_assessment(assessment, fmt), nl=False)
