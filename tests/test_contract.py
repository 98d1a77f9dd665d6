"""The schemas are the published contract: every output of the API, the CLI and
the HTTP service validates against its schema (formats checked too), and every
schema has an $id and a version."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import threshold
from tests.conftest import Result, http
from threshold.core.schemas import SCHEMA_NAMES, format_validator, validator

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
    from threshold.core.batch import parse_line

    try:
        parse_line(line, "derbyshire")
        parsed = True
    except threshold.CaseError:
        parsed = False
    assert validator("batch-line").is_valid(line) == parsed


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
        assert set(data["record"]["deciding_fields"]) <= set(threshold.schema("case")["properties"])
        count += 1
    assert count == 240


def test_api_authorities_and_errors() -> None:
    check("authorities", threshold.authorities().to_dict())
    from threshold.core.failures import error_info

    for bad in [{"level": 0}, [1], {"immediate_danger": True, "x": 1}]:
        with pytest.raises(threshold.CaseError) as caught:
            threshold.route(bad, "derbyshire")  # type: ignore[arg-type]
        check("error", error_info(caught.value, bad, "derbyshire").to_dict())


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
