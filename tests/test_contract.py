"""The schemas are the published contract: every output of the API, the CLI and
the HTTP service validates against its schema (formats checked too), and every
schema has an $id and a version."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import threshold
from tests.conftest import Result, http
from tests.forms_helpers import AUTHORITY_OF, REFERRALS, broken_referrals, load
from threshold.core.io.schemas import SCHEMA_NAMES, format_validator, validator

AT = "2026-11-23T11:00"
Run = Callable[..., Result]


def check(name: str, data: Any) -> None:
    """Assert ``data`` (after a JSON round trip) matches published schema ``name``."""
    data = json.loads(json.dumps(data))
    errors = sorted(format_validator(name).iter_errors(data), key=str)
    assert not errors, f"{name}: {errors[0].message} at {list(errors[0].absolute_path)}"


# ----------------------------------------------------------------------------- schemas
@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_schema_has_an_id_and_a_version(name: str) -> None:
    document = threshold.schema(name)
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    match = re.fullmatch(r"https://threshold\.invalid/schemas/([a-z-]+)/(\d+)", document["$id"])
    assert match, document["$id"]
    assert match.group(1) == name
    version = document["x-version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert version.split(".")[0] == match.group(2), "the $id carries the major version"
    assert document.get("title") and document.get("description")


def test_check_can_fail() -> None:
    data = threshold.route({"level": 1, "at": AT}, "derbyshire", record=True).to_dict()
    check("guidance", data)
    data["record"]["id"] = "not-a-hash"
    with pytest.raises(AssertionError):
        check("guidance", data)
    data["record"] = None
    with pytest.raises(AssertionError):
        check("guidance", data)


def test_batch_line_schema_lists_every_case_field() -> None:
    line = threshold.schema("batch-line")["properties"]
    case = threshold.schema("case")["properties"]
    assert set(line) == {"authority", *case}
    for name in case:
        assert line[name] == {
            "$ref": f"https://threshold.invalid/schemas/case/1#/properties/{name}"
        }


@pytest.mark.parametrize(
    "line",
    [
        {"level": 3},
        {"authority": "derby_city", "level": 2, "at": AT},
        {"authority": "Derby City"},
        {"authority": 3},
        {"authority": "derbyshire", "levle": 3},
        {"level": 7},
        {"consent": "maybe", "authority": "derbyshire"},
        {},
    ],
)
def test_batch_line_schema_agrees_with_the_parser(line: dict[str, Any]) -> None:
    """A line is valid when it matches the batch-line schema and the rest of it
    (without ``authority``) matches its authority's own case schema (issue 13: the
    shared schema no longer lists an authority's questions)."""
    from threshold.core.interfaces.batch import parse_line

    try:
        parse_line(line, "derbyshire")
        parsed = True
    except threshold.CaseError:
        parsed = False
    valid = validator("batch-line").is_valid(line)
    if valid:
        own = threshold.schema("case", authority=line.get("authority", "derbyshire"))
        rest = {name: value for name, value in line.items() if name != "authority"}
        valid = Draft202012Validator(own).is_valid(rest)
    assert valid == parsed


# ----------------------------------------------------------------------------- API
def cases() -> Iterator[dict[str, Any]]:
    for level, danger, harm, eha, consent, referrer in itertools.product(
        [None, 1, 2, 3, 4],
        [False, True],
        [False, True],
        ["completed", "none", "declined"],
        ["given", "refused"],
        ["professional", "public"],
    ):
        yield {
            "level": level,
            "immediate_danger": danger,
            "significant_harm": harm,
            "early_help_assessment": eha,
            "consent": consent,
            "referrer": referrer,
            "at": AT,
        }


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_api_route_with_records(authority: str) -> None:
    count = 0
    for case in cases():
        data = threshold.route(case, authority, record=True).to_dict()
        check("guidance", data)
        check("record", data["record"])
        own = threshold.schema("case", authority=authority)["properties"]
        assert set(data["record"]["deciding_fields"]) <= set(own)
        count += 1
    assert count == 240


def test_api_authorities_and_errors() -> None:
    check("authorities", threshold.authorities().to_dict())
    from threshold.core.interfaces.failures import error_info

    for bad in [{"level": 0}, [1], {"immediate_danger": True, "x": 1}]:
        with pytest.raises(threshold.CaseError) as caught:
            threshold.route(bad, "derbyshire")  # type: ignore[arg-type]
        check("error", error_info(caught.value, bad, "derbyshire").to_dict())


@pytest.mark.parametrize("differences_only", [False, True])
def test_api_compare(differences_only: bool) -> None:
    comparison = threshold.compare("derbyshire", "derby_city", differences_only=differences_only)
    check("compare", comparison.to_dict())


@pytest.mark.parametrize("form_id", sorted(AUTHORITY_OF))
def test_api_form_json_schema_is_a_schema_its_referrals_follow(form_id: str) -> None:
    """A form's JSON Schema output is draft 2020-12, and is the contract of its
    answers: the valid example referral matches it, every broken one does not."""
    made = threshold.form(AUTHORITY_OF[form_id], form=form_id, case={"level": 3})
    assert made.data is not None
    Draft202012Validator.check_schema(made.data)
    answers_schema = Draft202012Validator(
        made.data, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert answers_schema.is_valid(load(REFERRALS / form_id / "valid.json"))
    for broken_form, path, _ in broken_referrals():
        if broken_form == form_id:
            assert not answers_schema.is_valid(load(path)), path.name


def test_referral_schema_takes_every_example_referral() -> None:
    checked = 0
    for form_id, authority in AUTHORITY_OF.items():
        paths = [REFERRALS / form_id / "valid.json"]
        paths += [p for f, p, _ in broken_referrals() if f == form_id]
        for path in paths:
            check("referral", {"authority": authority, "form": form_id, "answers": load(path)})
            checked += 1
    assert checked >= 29
    for bad in (
        {"authority": "derbyshire", "form": "derbyshire-request-for-support"},
        {"authority": "derbyshire", "form": "Request for support", "answers": {}},
        {"authority": "derbyshire", "form": "x", "answers": {}, "case": {}},
    ):
        with pytest.raises(AssertionError):
            check("referral", bad)


def test_validation_results() -> None:
    from threshold.core.forms.referrals import check as check_referral
    from threshold.core.plugins.registry import default_registry

    registry = default_registry()
    results = []
    for form_id, authority in AUTHORITY_OF.items():
        form = registry.form(authority, form_id)
        results.append(check_referral(form, load(REFERRALS / form_id / "valid.json")).to_dict())
        results.append(check_referral(form, {"immediate-danger": True}).to_dict())
    results += [
        check_referral(registry.form(AUTHORITY_OF[f], f), load(p)).to_dict()
        for f, p, _ in broken_referrals()
    ]
    for result in results:
        check("validation", result)
    assert {r["valid"] for r in results} == {True, False}
    invalid = next(r for r in results if not r["valid"])
    invalid["errors"] = []
    with pytest.raises(AssertionError):
        check("validation", invalid)


# ----------------------------------------------------------------------------- CLI
def test_cli_outputs(run_cli: Run) -> None:
    for args in (
        ["--level", "3", "--eha", "declined"],
        ["--non-mobile-baby-bruising", "--record"],
        ["--referrer", "public", "--record"],
    ):
        result = run_cli(
            "route", "--authority", "derbyshire", "--at", AT, "--format", "json", *args
        )
        assert result.code == 0
        check("guidance", result.json())
    result = run_cli("authorities", "--format", "json")
    check("authorities", result.json())


def test_cli_batch_lines(run_cli: Run) -> None:
    lines = [
        json.dumps({"level": 2, "at": AT}),
        json.dumps({"authority": "derby_city", "significant_harm": True, "at": AT}),
        json.dumps({"level": 0}),
        '{"immediate_danger": true',
        "",
        json.dumps({"authority": "nottingham"}),
        json.dumps({"authority": 4}),
        '{"pad": "' + "x" * 70_000 + '"}',
    ]
    result = run_cli(
        "route", "--authority", "derbyshire", "--batch", "-", "--record", stdin="\n".join(lines)
    )
    assert result.code == 1
    out = [json.loads(line) for line in result.out.splitlines()]
    assert len(out) == len(lines)
    for line in out:
        check("batch-result", line)
    assert {r["error"]["code"] for r in out if "error" in r} == {
        "invalid-case",
        "invalid-json",
        "unknown-authority",
        "line-too-long",
    }


def test_cli_validate_and_compare(run_cli: Run) -> None:
    for form_id, path, _ in [
        *list(broken_referrals())[:3],
        (
            "derbyshire-request-for-support",
            REFERRALS / "derbyshire-request-for-support" / "valid.json",
            "",
        ),
    ]:
        result = run_cli(
            "validate",
            "--authority",
            AUTHORITY_OF[form_id],
            "--form",
            form_id,
            "--format",
            "json",
            str(path),
        )
        check("validation", result.json())
    compared = run_cli(
        "compare", "derbyshire", "derby_city", "--differences-only", "--format", "json"
    )
    check("compare", compared.json())


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_cli_schema_prints_the_schema(run_cli: Run, name: str) -> None:
    result = run_cli("schema", name)
    assert result.code == 0
    assert result.json() == threshold.schema(name)


def test_cli_schema_lists_and_refuses_unknown(run_cli: Run) -> None:
    listed = run_cli("schema")
    assert [line.split("\t")[0] for line in listed.out.splitlines()] == list(SCHEMA_NAMES)
    unknown = run_cli("schema", "forms")
    assert unknown.code == 2
    assert unknown.err.startswith("threshold: error: NAME: unknown schema 'forms'")


# ----------------------------------------------------------------------------- HTTP
def test_http_outputs(live_server: str) -> None:
    check("health", http("GET", live_server + "/health").json())
    check("authorities", http("GET", live_server + "/authorities").json())
    ok = http(
        "POST", live_server + "/route?record=true", b'{"authority": "derbyshire", "level": 4}'
    )
    assert ok.status == 200
    check("guidance", ok.json())
    for path, body in [
        ("/route?authority=derbyshire", b'{"level": 0}'),
        ("/route?authority=derbyshire", b"nope"),
        ("/route?authority=nowhere", b"{}"),
        ("/route?record=maybe", b"{}"),
        ("/nowhere", b"{}"),
        ("/health", b"{}"),
    ]:
        answer = http("POST", live_server + path, body)
        assert answer.status >= 400
        check("error", answer.json())
    check("error", http("GET", live_server + "/schemas/nope").json())
    batch = http(
        "POST", live_server + "/route/batch?authority=derby_city", b'{"level":1}\n{"x":1}\n'
    )
    for line in batch.body.splitlines():
        check("batch-result", json.loads(line))


def test_http_forms_validate_compare_outputs(live_server: str) -> None:
    form = http("GET", live_server + "/forms/derby_city/derby-city-online-referral?level=4")
    assert form.status == 200
    Draft202012Validator.check_schema(form.json())
    referral = {
        "authority": "derbyshire",
        "form": "derbyshire-request-for-support",
        "answers": load(REFERRALS / "derbyshire-request-for-support" / "valid.json"),
    }
    for answers in (referral["answers"], {"level": "9", "x": 1}):
        answer = http(
            "POST", live_server + "/validate", json.dumps({**referral, "answers": answers}).encode()
        )
        assert answer.status == 200
        check("validation", answer.json())
    compared = http("GET", live_server + "/compare?authority=derbyshire&authority=derby_city")
    assert compared.status == 200
    check("compare", compared.json())
    for method, path, body in [
        ("GET", "/forms/derbyshire/nope", None),
        ("GET", "/forms/nowhere/nope", None),
        ("GET", "/forms/derbyshire/derbyshire-request-for-support?level=9", None),
        ("GET", "/forms/derbyshire/derbyshire-request-for-support?format=pdf", None),
        ("POST", "/validate", b"[]"),
        ("POST", "/validate", b"{"),
        ("POST", "/validate", b'{"authority": "derbyshire", "form": "nope", "answers": {}}'),
        ("POST", "/validate", b'{"authority": "nowhere", "form": "nope", "answers": {}}'),
        ("GET", "/compare?authority=derbyshire", None),
        ("GET", "/compare?authority=derbyshire&authority=nowhere", None),
    ]:
        answer = http(method, live_server + path, body)
        assert answer.status in (400, 404, 422), path
        check("error", answer.json())


def test_openapi_document_is_valid_openapi_3_1(live_server: str) -> None:
    """The OpenAPI document validates against the OpenAPI Initiative's schema for
    3.1 documents (tests/openapi-3.1.schema.json, id
    https://spec.openapis.org/oas/3.1/schema/2022-10-07, Apache-2.0)."""
    oas = json.loads((Path(__file__).parent / "openapi-3.1.schema.json").read_text("utf-8"))
    validator = Draft202012Validator(oas)
    document = http("GET", live_server + "/openapi.json").json()
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, f"{errors[0].message} at {list(errors[0].absolute_path)}"
    document["paths"]["/validate"]["post"]["responses"]["200"]["content"] = []
    assert not validator.is_valid(document)


def test_cli_schema_prints_an_authoritys_own_case_schema(run_cli: Run) -> None:
    result = run_cli("schema", "case", "--authority", "derbyshire")
    assert result.code == 0, result.err
    assert result.json() == threshold.schema("case", authority="derbyshire")
    for args, message in [
        (["case", "--authority", "Derbyshire"], "--authority: unknown authority (did you mean"),
        (["guidance", "--authority", "derbyshire"], "--authority: only the case schema is made"),
        (["--authority", "derbyshire"], "NAME: missing; expected case with --authority"),
    ]:
        refused = run_cli("schema", *args)
        assert refused.code == 2 and refused.out == ""
        assert refused.err.startswith(f"threshold: error: {message}"), refused.err
        assert refused.err.count("\n") == 1
