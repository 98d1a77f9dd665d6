"""`threshold form` for every route of both authorities in all four formats, and
`threshold validate`: exit 0 valid, 1 invalid (one line per error), 2 unusable."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import Result
from tests.forms_helpers import AUTHORITY_OF, REFERRALS, broken_referrals
from threshold.core.plugins.registry import Registry

Run = Callable[..., Result]
AT = "2026-11-23T11:00"

#: (authority, route, case, the form expected, or None where the sources give none)
ROUTES: list[tuple[str, str, dict[str, Any], str | None]] = [
    (
        "derbyshire",
        "emergency",
        {"immediate_danger": True},
        "derbyshire-child-protection-follow-up",
    ),
    (
        "derbyshire",
        "child-protection",
        {"significant_harm": True},
        "derbyshire-child-protection-follow-up",
    ),
    (
        "derbyshire",
        "child-protection",
        {"non_mobile_baby_bruising": True, "level": 2},
        "derbyshire-child-protection-follow-up",
    ),
    (
        "derbyshire",
        "request-for-support",
        {"level": 3, "early_help_assessment": "completed"},
        "derbyshire-request-for-support",
    ),
    (
        "derbyshire",
        "request-for-support",
        {"level": 4, "early_help_assessment": "declined"},
        "derbyshire-request-for-support",
    ),
    ("derbyshire", "early-help-first", {"level": 3}, "derbyshire-request-for-support"),
    ("derbyshire", "early-help", {"level": 2}, None),
    ("derbyshire", "universal", {"level": 1}, None),
    ("derbyshire", "public-contact", {"level": 3, "referrer": "public"}, None),
    ("derbyshire", "advice", {}, None),
    ("derby_city", "emergency", {"immediate_danger": True}, "derby-city-online-referral"),
    ("derby_city", "child-protection", {"significant_harm": True}, "derby-city-online-referral"),
    ("derby_city", "online-referral", {"level": 4}, "derby-city-online-referral"),
    (
        "derby_city",
        "vulnerable-childrens-meeting",
        {"level": 3, "early_help_assessment": "completed"},
        "derby-city-vcm-submission",
    ),
    ("derby_city", "early-help", {"level": 2, "setting": "time-limited"}, None),
    ("derby_city", "universal", {"level": 1}, None),
    ("derby_city", "public-contact", {"referrer": "public", "level": 4}, None),
    ("derby_city", "advice", {"advice": True}, None),
]


def test_every_route_of_both_authorities_is_covered(registry: Registry) -> None:
    """Each authority's routes, as its own data declares them, all have a case above."""
    for authority in AUTHORITY_OF.values():
        covered = {route for a, route, _, _ in ROUTES if a == authority}
        assert covered == set(registry.get(authority).authority.routes)


@pytest.mark.parametrize("fmt", ["json-schema", "html", "markdown", "fhir"])
@pytest.mark.parametrize(
    ("authority", "route", "case", "expected"),
    ROUTES,
    ids=[f"{a}-{r}-{i}" for i, (a, r, _, _) in enumerate(ROUTES)],
)
def test_the_right_form_for_every_route(
    run_cli: Run, authority: str, route: str, case: dict[str, Any], expected: str | None, fmt: str
) -> None:
    result = run_cli(
        "form", "--authority", authority, "--case", "-", "--format", fmt,
        stdin=json.dumps({**case, "at": AT}),
    )  # fmt: skip
    if expected is None:
        assert result.code == 1, result.err
        assert result.out == ""
        assert result.err.count("\n") == 1
        assert result.err.startswith(f"threshold: no form: the route for this case is {route!r}")
        assert "ring 999" in result.err
        return
    assert result.code == 0, result.err
    if route in ("emergency", "child-protection"):
        assert "within 48 hours" in result.err and "ring" in result.err
    else:
        assert result.err == ""
    if fmt == "json-schema":
        schema = result.json()
        Draft202012Validator.check_schema(schema)
        assert schema["$id"].endswith(f"/{authority}/{expected}")
        assert "never replaces" in schema["description"]
    elif fmt == "fhir":
        assert result.json()["resourceType"] == "Questionnaire"
        assert result.json()["id"] == expected
    elif fmt == "html":
        assert result.out.startswith("<!DOCTYPE html>")
        assert f"Form {expected} for" in result.out
        assert "never replaces" in result.out
    else:
        assert f"Form `{expected}` for" in result.out
        assert "The route for your case" in result.out


def test_form_by_id_with_prefill(run_cli: Run) -> None:
    result = run_cli(
        "form", "--authority", "derbyshire", "--form", "derbyshire-request-for-support",
        "--consent", "refused", "--format", "json-schema",
    )  # fmt: skip
    assert result.code == 0, result.err
    schema = result.json()
    assert schema["properties"]["consent"]["default"] == "refused"
    assert "default" not in schema["properties"]["level"]


def test_unknown_form_and_authority_are_bad_input(run_cli: Run) -> None:
    result = run_cli("form", "--authority", "derbyshire", "--form", "nope")
    assert result.code == 2
    assert result.err.startswith("threshold: error: --form: unknown form 'nope' for derbyshire")
    result = run_cli("form", "--authority", "derbyshir", "--level", "3")
    assert result.code == 2 and "unknown authority" in result.err


def test_answers_render_into_the_form(run_cli: Run) -> None:
    referral = REFERRALS / "derbyshire-request-for-support" / "broken"
    path = referral / "consent-reason--missing-when-refused.json"
    result = run_cli(
        "form", "--authority", "derbyshire", "--form", "derbyshire-request-for-support",
        "--answers", str(path), "--format", "html",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert '<a href="#consent-reason">' in result.out
    assert "Sam Example" in result.out
    only = run_cli(
        "form", "--authority", "derbyshire", "--form", "derbyshire-request-for-support",
        "--answers", str(path), "--format", "fhir",
    )  # fmt: skip
    assert only.code == 2 and "--answers: only with --format html or markdown" in only.err


# ----------------------------------------------------------------------------- validate


@pytest.mark.parametrize("form_id", sorted(AUTHORITY_OF))
def test_validate_accepts_the_valid_example(run_cli: Run, form_id: str) -> None:
    path = REFERRALS / form_id / "valid.json"
    result = run_cli("validate", "--authority", AUTHORITY_OF[form_id], "--form", form_id, str(path))
    assert result.code == 0, result.out + result.err
    assert result.out == f"valid: the referral answers form {form_id}\n"


@pytest.mark.parametrize(
    ("form_id", "path", "item"),
    list(broken_referrals()),
    ids=[f"{f}/{p.stem}" for f, p, _ in broken_referrals()],
)
def test_validate_names_the_item_what_is_wrong_and_expected(
    run_cli: Run, form_id: str, path: Path, item: str
) -> None:
    result = run_cli("validate", "--authority", AUTHORITY_OF[form_id], "--form", form_id, str(path))
    assert result.code == 1
    lines = result.out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{item}: ")
    assert "expected" in lines[0]
    assert result.err.startswith("threshold: referral invalid: 1 problem")


def test_validate_json_output(run_cli: Run) -> None:
    form_id = "derby-city-vcm-submission"
    path = REFERRALS / form_id / "broken" / "eha-attachment--missing.json"
    result = run_cli(
        "validate", "--authority", "derby_city", "--form", form_id, "--format", "json", str(path)
    )
    assert result.code == 1
    assert result.json()["valid"] is False
    assert [e["item"] for e in result.json()["errors"]] == ["eha-attachment"]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "referral: not valid JSON (line 1, column 2"),
        ("[1, 2]", "referral: got a list; expected a JSON object of answers by item id"),
        (b"\xff\xfe", "referral: expected UTF-8 encoded JSON"),
        ('{"level": NaN}', "referral: not valid JSON (NaN is not a JSON value)"),
    ],
)
def test_validate_unusable_input_is_exit_2(run_cli: Run, stdin: str | bytes, message: str) -> None:
    result = run_cli(
        "validate", "--authority", "derbyshire", "--form", "derbyshire-request-for-support", "-",
        stdin=stdin,
    )  # fmt: skip
    assert result.code == 2
    assert result.err.startswith(f"threshold: error: {message}")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_validate_unknown_form_is_exit_2(run_cli: Run) -> None:
    result = run_cli("validate", "--authority", "derby_city", "--form", "x", "-", stdin="{}")
    assert result.code == 2 and "unknown form 'x' for derby_city" in result.err


def test_validate_never_prints_free_text_and_keeps_urgent_advice(run_cli: Run) -> None:
    referral = {
        "immediate-danger": True,
        "child-name": 12345,
        "worries": "Jane Doe, 1 Secret Road",
        "consent": "Jane Doe",
    }
    result = run_cli(
        "validate", "--authority", "derbyshire", "--form", "derbyshire-child-protection-follow-up",
        "-", stdin=json.dumps(referral),
    )  # fmt: skip
    assert result.code == 1
    assert "Jane Doe" not in result.out + result.err and "Secret Road" not in result.out
    assert "immediate danger was reported: ring 999 now" in result.err
    assert "child-name: got 12345; expected text" in result.out.splitlines()


def test_validate_never_echoes_an_unknown_key_that_is_not_an_id(run_cli: Run) -> None:
    referral = {"Jane Doe\nlives at 1 Secret Road": "x", "consnet": "given"}
    result = run_cli(
        "validate", "--authority", "derby_city", "--form", "derby-city-vcm-submission", "-",
        stdin=json.dumps(referral),
    )  # fmt: skip
    assert result.code == 1
    assert "Secret Road" not in result.out and "Jane" not in result.out
    lines = result.out.splitlines()
    assert any(line.startswith("consnet: unknown item (did you mean 'consent'?)") for line in lines)
    assert any(line.startswith("(an item id that is not shown): unknown item") for line in lines)


@pytest.mark.parametrize("fmt", ["json-schema", "html", "markdown", "fhir"])
def test_exampleshires_form_from_the_cli_of_a_real_process(
    exampleshire_env: dict[str, str], fmt: str
) -> None:
    """A third authority, installed through its entry point: `threshold form` picks
    its emailed referral form for a child protection case, with its own five level
    names and deadline, and nothing of the DDSCP's documents."""
    command = ["form", "--authority", "exampleshire", "--significant-harm", "--format", fmt]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "threshold"), *command],
        capture_output=True,
        text=True,
        env=exampleshire_env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.replace("\\u2013", "\u2013")
    assert "Level 5 \u2013 Acute and protection" in text
    assert "Level 2 \u2013 Early support" in text
    assert "within 24 hours" in text
    for word in ("Derby", "DDSCP", "Emerging needs", "002_1e42af3873256e9b.txt", "48 hours"):
        assert word not in text, word
