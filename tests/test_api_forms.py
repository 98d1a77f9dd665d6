"""The public API for forms, referrals and comparisons: threshold.form(),
threshold.validate(), threshold.missing() and threshold.compare() give what the
command line gives, take a dict or a Case, and raise typed errors that keep the
urgent advice and never echo free text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import threshold
from tests.cli.test_forms_cli import ROUTES
from tests.conftest import Result
from tests.forms_helpers import AUTHORITY_OF, REFERRALS, broken_referrals, load

Run = Callable[..., Result]
CANARY = "Jane Doe of 12 Acacia Avenue"
RFS = "derbyshire-request-for-support"
FORMATS = ("json-schema", "fhir", "html", "markdown")


def cli_flags(case: dict[str, Any]) -> list[str]:
    """The `threshold form` options for a case."""
    flags: list[str] = []
    for name, value in case.items():
        option = "--eha" if name == "early_help_assessment" else "--" + name.replace("_", "-")
        flags += [option] if value is True else [option, str(value)]
    return flags


# ----------------------------------------------------------------------------- form
@pytest.mark.parametrize(("authority", "route", "case", "expected"), ROUTES)
def test_form_is_the_route_form(
    authority: str, route: str, case: dict[str, Any], expected: str | None
) -> None:
    if expected is None:
        with pytest.raises(threshold.FormError) as caught:
            threshold.form(authority, case=case)
        assert caught.value.route == route
        assert "no written form for this route" in str(caught.value)
        assert str(caught.value).endswith("If a child is in immediate danger, ring 999.")
        return
    made = threshold.form(authority, case=case)
    assert isinstance(made, threshold.FormOutput) and isinstance(made.form, threshold.Form)
    assert made.form.id == expected and made.form.authority == authority
    assert made.route is not None and made.route.route == route
    urgent = route in ("emergency", "child-protection")
    assert (made.note is not None) == urgent
    if urgent:
        assert made.note is not None and made.note.startswith("this is the written follow-up")
        assert "ring" in made.note.split(" — ", 1)[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_form_text_is_what_the_cli_prints(run_cli: Run, fmt: str) -> None:
    case = {"level": 3, "early_help_assessment": "completed", "consent": "given"}
    made = threshold.form("derbyshire", case=case, format=fmt)
    cli = run_cli("form", "--authority", "derbyshire", "--format", fmt, *cli_flags(case))
    assert cli.code == 0, cli.err
    assert made.text == cli.out
    assert made.format == fmt
    if fmt in ("json-schema", "fhir"):
        assert made.data == json.loads(cli.out)
    else:
        assert made.data is None


def test_only_the_fields_given_are_filled_in() -> None:
    """A dict's keys count; from a Case, only the fields that differ from the defaults."""
    as_dict = threshold.form("derbyshire", case={"level": 3, "consent": "not-sought"}, form=RFS)
    as_case = threshold.form("derbyshire", case=threshold.Case(answers=(("level", 3),)), form=RFS)
    assert as_case.prefilled == {"level": "3"}
    assert as_dict.prefilled["level"] == "3" and "consent" in as_dict.prefilled
    none = threshold.form("derbyshire", form=RFS)
    assert none.prefilled == {} and none.route is None


def test_form_by_id_in_every_format() -> None:
    for form_id, authority in AUTHORITY_OF.items():
        for fmt in FORMATS:
            made = threshold.form(authority, form=form_id, format=fmt)
            assert made.form.id == form_id and made.route is None and made.note is None
            assert made.media_type.startswith("text/") == (made.data is None)


def test_fhir_prefill_from_an_urgent_case() -> None:
    made = threshold.form("derby_city", case={"immediate_danger": True}, format="fhir")
    assert made.data is not None and made.data["resourceType"] == "Questionnaire"
    assert made.prefilled == {"immediate-danger": True, "phone-referral": True}
    assert made.note is not None and made.note.endswith(
        "immediate danger was reported: ring 999 now."
    )


def test_form_errors_are_typed_and_keep_the_urgent_advice() -> None:
    with pytest.raises(threshold.CaseError) as bad_case:
        threshold.form("derby_city", case={"significant_harm": True, "level": 9})
    assert [e.path for e in bad_case.value.errors] == ["level"]
    assert bad_case.value.urgent is not None and "01332 641172" in bad_case.value.urgent

    with pytest.raises(threshold.UnknownAuthorityError) as unknown:
        threshold.form("nottingham", case={"immediate_danger": True})
    assert unknown.value.urgent == "immediate danger was reported: ring 999 now."

    with pytest.raises(threshold.FormError) as no_form:
        threshold.form("derbyshire", form="derbyshire-referral")
    assert no_form.value.route is None and no_form.value.authority_id == "derbyshire"
    assert "expected one of: derbyshire-child-protection-follow-up, " in str(no_form.value)

    with pytest.raises(threshold.FormError, match="unknown format; expected one of"):
        threshold.form("derbyshire", form=RFS, format="pdf")


# ----------------------------------------------------------------------------- validate
@pytest.mark.parametrize("form_id", sorted(AUTHORITY_OF))
def test_valid_referrals(form_id: str) -> None:
    answers = load(REFERRALS / form_id / "valid.json")
    assert threshold.validate(AUTHORITY_OF[form_id], form_id, answers) == []
    assert threshold.missing(AUTHORITY_OF[form_id], form_id, answers) == []


@pytest.mark.parametrize(("form_id", "path", "item"), list(broken_referrals()))
def test_broken_referrals_name_the_item(run_cli: Run, form_id: str, path: Any, item: str) -> None:
    answers = load(path)
    errors = threshold.validate(AUTHORITY_OF[form_id], form_id, answers)
    assert item in [e.path for e in errors]
    assert all(isinstance(e, threshold.FieldError) for e in errors)
    cli = run_cli("validate", "--authority", AUTHORITY_OF[form_id], "--form", form_id, str(path))
    assert cli.code == 1
    assert cli.out.splitlines() == [str(e) for e in errors]


def test_missing_lists_the_unanswered_required_questions() -> None:
    answers = {"immediate-danger": False, "significant-harm": False}
    missing = threshold.missing("derbyshire", RFS, answers)
    required = [e.path for e in threshold.validate("derbyshire", RFS, answers)]
    assert missing[0] == "non-mobile-baby-bruising"
    assert missing == [p for p in required if p in missing] and set(missing) <= set(required)
    full = threshold.missing("derbyshire", RFS, {})
    assert full[:3] == ["immediate-danger", "significant-harm", "non-mobile-baby-bruising"]


def test_validate_errors_are_typed() -> None:
    with pytest.raises(threshold.CaseError) as not_a_dict:
        threshold.validate("derbyshire", RFS, [{"level": "3"}])  # type: ignore[arg-type]
    assert [(e.path, e.message) for e in not_a_dict.value.errors] == [
        ("answers", "got a list; expected a dict of answers by item id")
    ]
    with pytest.raises(threshold.FormError) as unknown_form:
        threshold.missing("derbyshire", "derby-city-online-referral", {"immediate-danger": True})
    assert unknown_form.value.urgent == "immediate danger was reported: ring 999 now."
    with pytest.raises(threshold.UnknownAuthorityError) as unknown:
        threshold.validate("nottingham", RFS, {"significant-harm": True})
    assert unknown.value.urgent is not None
    assert unknown.value.urgent.startswith("significant harm was reported")


def test_answers_are_never_echoed() -> None:
    answers = {"level": CANARY, "child-date-of-birth": CANARY, CANARY: CANARY, "consent": 4}
    errors = threshold.validate("derbyshire", RFS, answers)
    assert errors and not any(CANARY in str(e) for e in errors)
    assert "(an item id that is not shown)" in [e.path for e in errors]


# ----------------------------------------------------------------------------- compare
@pytest.fixture(scope="module")
def differences() -> threshold.Comparison:
    return threshold.compare("derbyshire", "derby_city", differences_only=True)


def test_compare_is_what_the_cli_prints(differences: threshold.Comparison, run_cli: Run) -> None:
    cli = run_cli("compare", "derbyshire", "derby_city", "--differences-only", "--format", "json")
    assert cli.code == 0, cli.err
    assert differences.to_dict() == cli.json()


def test_compare_result(differences: threshold.Comparison) -> None:
    assert isinstance(differences, threshold.Comparison)
    assert [a.id for a in differences.authorities] == ["derbyshire", "derby_city"]
    assert differences.differences_only and differences.total_combinations == 3840
    assert differences.rows and all(row.differs for row in differences.rows)
    data = differences.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert len(data["combinations"]) == len(differences.combinations) > 0


def test_compare_errors_are_typed() -> None:
    with pytest.raises(threshold.CaseError) as one:
        threshold.compare("derbyshire")
    assert str(one.value) == "authorities: got 1; expected two or more authority ids"
    with pytest.raises(threshold.CaseError, match="named twice"):
        threshold.compare("derbyshire", "derbyshire")
    with pytest.raises(threshold.UnknownAuthorityError) as unknown:
        threshold.compare("derbyshire", "atlantis")
    assert unknown.value.urgent == "If a child is in immediate danger, ring 999."
