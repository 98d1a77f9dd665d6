"""`threshold form` and `threshold validate`: the referral form for a route, in
four formats, and checking a filled referral against its form."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import click

from threshold.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PLUGIN,
    NATIONAL_URGENT,
    Failure,
    _urgent_hint,
    case_options,
    gather_case,
    read_json_source,
)
from threshold.core.errors import AuthorityError, CaseError, FormError

#: Exit status when the route has no written form (the message says what to do).
EXIT_NO_FORM = 1
#: Exit status of `threshold validate` for a referral with errors.
EXIT_INVALID = 1
FORM_FORMATS = ("json-schema", "html", "markdown", "fhir")
URGENT_ROUTES = ("emergency", "child-protection")
REFERRAL_EXAMPLE = '{"consent": "given", "consent-given-by": "..."}'
#: A referral may carry attachments (base64), so it may be larger than a case.
MAX_REFERRAL_BYTES = 64 * 1024 * 1024


def _authority_failure(exc: AuthorityError, raw: object) -> Failure:
    hint = _urgent_hint(raw, None) or f" — {NATIONAL_URGENT}"
    code = EXIT_BAD_INPUT if str(exc).startswith("unknown authority") else EXIT_BROKEN_PLUGIN
    return Failure(f"--authority: {exc}{hint}", code)


def _referral_flags(answers: object) -> dict[str, object]:
    """The urgent answers of a referral, in the case's field names (for hints)."""
    if not isinstance(answers, Mapping):
        return {}
    return {
        "immediate_danger": answers.get("immediate-danger"),
        "significant_harm": answers.get("significant-harm"),
        "non_mobile_baby_bruising": answers.get("non-mobile-baby-bruising"),
    }


def _read_answers(source: str, label: str) -> dict[str, Any]:
    answers = read_json_source(source, label, REFERRAL_EXAMPLE, MAX_REFERRAL_BYTES)
    if not isinstance(answers, dict):
        from threshold.core.schemas import describe_value

        raise Failure(
            f"{label}: got {describe_value(answers)}; expected a JSON object of answers by "
            f"item id, such as {REFERRAL_EXAMPLE}"
        )
    return answers


@click.command("form")
@click.option(
    "--authority", "authority_id", required=True, help="Authority id (see `threshold authorities`)."
)
@click.option(
    "--case", "case_source", default=None, help="Case JSON file, or - for standard input."
)
@click.option(
    "--form", "form_id", default=None, help="A form id; by default the form of the case's route."
)
@click.option(
    "--format", "fmt", type=click.Choice(FORM_FORMATS), default="markdown", show_default=True
)
@click.option(
    "--answers",
    "answers_source",
    default=None,
    help="A filled referral (JSON) to show in the form with its errors (html, markdown).",
)
@case_options
def form(
    authority_id: str,
    case_source: str | None,
    form_id: str | None,
    fmt: str,
    answers_source: str | None,
    **flags: Any,
) -> None:
    """The referral form for a case's route (or --form ID), with what the case says
    filled in: as JSON Schema, GOV.UK-style HTML, Markdown or a FHIR Questionnaire."""
    from threshold.core.api import route as route_case
    from threshold.core.convert import parse_case
    from threshold.core.engine import contact_placeholders
    from threshold.core.forms import validate
    from threshold.core.forms_prefill import case_facts, prefill
    from threshold.core.forms_render import RouteInfo, render_form
    from threshold.core.registry import default_registry
    from threshold.core.render import ROUTE_TITLES, policy_line

    raw = gather_case(case_source, flags)
    if answers_source is not None and fmt not in ("html", "markdown"):
        raise Failure("--answers: only with --format html or markdown")
    try:
        case = parse_case(raw)
    except CaseError as exc:
        raise Failure(f"{exc}{_urgent_hint(raw, authority_id)}") from None
    registry = default_registry()
    try:
        authority = registry.get(authority_id).authority
        route_info = None
        if form_id is not None:
            chosen = registry.form(authority_id, form_id)
        else:
            guidance = route_case(case, authority_id, registry=registry)
            route = guidance.route.value
            found = registry.form_for_route(authority_id, route)
            if found is None:
                names = ", ".join(f.id for f in registry.forms(authority_id)) or "none"
                click.echo(
                    f"threshold: no form: the route for this case is {route!r} "
                    f"({guidance.summary}) The sources give no written form for this route, so "
                    f"none is made up; see `threshold route` for what to do. Forms of "
                    f"{authority_id}: {names}. {NATIONAL_URGENT}",
                    err=True,
                )
                sys.exit(EXIT_NO_FORM)
            chosen = found
            route_info = RouteInfo(route, ROUTE_TITLES.get(route, route), guidance.summary)
    except AuthorityError as exc:
        raise _authority_failure(exc, raw) from None
    except FormError as exc:
        raise Failure(f"--form: {exc}") from None
    given = set(raw) if isinstance(raw, Mapping) else set()
    prefilled = prefill(chosen, case_facts(case, given))
    if route_info is not None and route_info.route in URGENT_ROUTES:
        click.echo(
            "threshold: note: this is the written follow-up, due within 48 hours of the phone "
            "call; ring first" + _urgent_hint(raw, authority_id),
            err=True,
        )
    if fmt == "json-schema":
        from threshold.core.forms_jsonschema import to_json_schema

        click.echo(json.dumps(to_json_schema(chosen, prefilled), indent=2, ensure_ascii=False))
        return
    if fmt == "fhir":
        from threshold.core.forms_fhir import to_fhir

        click.echo(json.dumps(to_fhir(chosen, prefilled), indent=2, ensure_ascii=False))
        return
    values: dict[str, Any] = dict(prefilled)
    errors = []
    if answers_source is not None:
        answers = _read_answers(answers_source, "--answers")
        values.update(answers)
        errors = validate(chosen, values)
    cp_line = contact_placeholders(authority)["child_protection_line"]
    urgent_line = (
        f"If a child is in immediate danger, ring 999. For a child protection concern, ring "
        f"{cp_line} now: a form never replaces the call."
    )
    click.echo(
        render_form(
            chosen,
            fmt,
            authority_name=authority.name,
            urgent_line=urgent_line,
            values=values,
            prefilled=frozenset(k for k in prefilled if values.get(k) == prefilled[k]),
            errors=errors,
            route=route_info,
            policies=[policy_line(authority)],
        ),
        nl=False,
    )


@click.command("validate")
@click.option(
    "--authority", "authority_id", required=True, help="Authority id (see `threshold authorities`)."
)
@click.option("--form", "form_id", required=True, help="The form id the referral answers.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.argument("referral")
def validate_referral(authority_id: str, form_id: str, fmt: str, referral: str) -> None:
    """Check a filled referral (JSON answers by item id; - for standard input)
    against its form. Exit 0 valid, 1 invalid (one line per error), 2 unusable."""
    from threshold.core.forms import validate
    from threshold.core.registry import default_registry

    answers = _read_answers(referral, "referral")
    flags = _referral_flags(answers)
    try:
        chosen = default_registry().form(authority_id, form_id)
    except AuthorityError as exc:
        raise _authority_failure(exc, flags) from None
    except FormError as exc:
        raise Failure(f"--form: {exc}") from None
    errors = validate(chosen, answers)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "form": chosen.id,
                    "valid": not errors,
                    "errors": [{"item": e.path, "message": e.message} for e in errors],
                },
                indent=2,
            )
        )
    else:
        for error in errors:
            click.echo(str(error))
        if not errors:
            click.echo(f"valid: the referral answers form {chosen.id}")
    hint = _urgent_hint(flags, authority_id)
    if errors:
        click.echo(
            f"threshold: referral invalid: {len(errors)} problem"
            f"{'' if len(errors) == 1 else 's'}{hint}",
            err=True,
        )
        sys.exit(EXIT_INVALID)
    if hint:
        click.echo(f"threshold: note: the referral says{hint}", err=True)
