"""`threshold form` and `threshold validate`: the referral form for a route, in
four formats, and checking a filled referral against its form."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from threshold.cli.common import (
    CASE_COMMAND,
    CaseCommand,
    Failure,
    _urgent_hint,
    authority_failure,
    case_options,
    gather_case,
    option_error,
    read_json_source,
)
from threshold.core.model.errors import AuthorityError, CaseError, FormError
from threshold.core.model.vocabulary import FORM_FORMATS, FORM_TEXT_FORMATS

#: Exit status when the route has no written form (the message says what to do).
EXIT_NO_FORM = 1
#: Exit status of `threshold validate` for a referral with errors.
EXIT_INVALID = 1
REFERRAL_EXAMPLE = '{"consent": "given", "consent-given-by": "..."}'
#: A referral may carry attachments (base64), so it may be larger than a case.
MAX_REFERRAL_BYTES = 64 * 1024 * 1024


def _read_answers(source: str, label: str, authority_id: str | None) -> dict[str, Any]:
    answers = read_json_source(
        source, label, REFERRAL_EXAMPLE, MAX_REFERRAL_BYTES, authority_id=authority_id
    )
    if not isinstance(answers, dict):
        from threshold.core.io.schemas import describe_value

        raise Failure(
            f"{label}: got {describe_value(answers)}; expected a JSON object of answers by "
            f"item id, such as {REFERRAL_EXAMPLE}"
        )
    return answers


@click.command("form", cls=CaseCommand, context_settings=CASE_COMMAND)
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
    from threshold.core.render.form_output import make_form

    raw = gather_case(case_source, flags, authority_id)
    if answers_source is not None and fmt not in FORM_TEXT_FORMATS:
        raise Failure("--answers: only with --format html or markdown")
    answers = None
    if answers_source is not None:
        answers = _read_answers(answers_source, "--answers", authority_id)
    try:
        output = make_form(
            authority_id,
            case=raw,
            form_id=form_id,
            fmt=fmt,
            answers=answers,
        )
    except CaseError as exc:
        message = str(exc) if case_source is not None else option_error(exc, raw, authority_id)
        raise Failure(f"{message}{_urgent_hint(raw, authority_id)}") from None
    except AuthorityError as exc:
        raise authority_failure(exc, raw) from None
    except FormError as exc:
        if exc.route is None:
            raise Failure(f"--form: {exc}") from None
        click.echo(f"threshold: no form: {exc}", err=True)
        sys.exit(EXIT_NO_FORM)
    if output.note is not None:
        click.echo(f"threshold: note: {output.note}", err=True)
    click.echo(output.text, nl=False)


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
    from threshold.core.forms.referrals import check, referral_flags
    from threshold.core.plugins.registry import default_registry

    answers = _read_answers(referral, "referral", authority_id)
    flags = referral_flags(answers)
    try:
        chosen = default_registry().form(authority_id, form_id)
    except AuthorityError as exc:
        raise authority_failure(exc, flags) from None
    except FormError as exc:
        raise Failure(f"--form: {exc}") from None
    result = check(chosen, answers)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        for error in result.errors:
            click.echo(str(error))
        if result.valid:
            click.echo(f"valid: the referral answers form {chosen.id}")
    hint = _urgent_hint(flags, authority_id)
    if result.errors:
        count = len(result.errors)
        click.echo(
            f"threshold: referral invalid: {count} problem{'' if count == 1 else 's'}{hint}",
            err=True,
        )
        sys.exit(EXIT_INVALID)
    if hint:
        click.echo(f"threshold: note: the referral says{hint}", err=True)
