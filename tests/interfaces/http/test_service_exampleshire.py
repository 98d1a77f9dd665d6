"""Exampleshire (the fictional test-only authority of tests/fixtures/exampleshire,
installed through its entry point) through the HTTP service end to end, over a real
loopback socket: its own questions, levels, routes, split hours and duty team, its
own case schema, its forms, and batches mixing it with a built-in authority. No file
outside its folder knows it (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import HttpResult, http, running
from threshold.core.plugins.registry import Registry

FRONT_DOOR = "0115 496 0100"


@pytest.fixture
def url(exampleshire_registry: Registry) -> Iterator[str]:
    from threshold.core.interfaces.http.app import create_app

    with running(create_app(exampleshire_registry)) as base:
        yield base


def post(url: str, body: object) -> HttpResult:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http("POST", url, data, {"Content-Type": "application/json"})


def route(url: str, case: dict[str, Any]) -> dict[str, Any]:
    answer = post(url + "/route", {"authority": "exampleshire", **case})
    assert answer.status == 200, answer.body
    result: dict[str, Any] = answer.json()
    return result


def test_it_is_listed_and_healthy(url: str) -> None:
    health = http("GET", url + "/health").json()
    assert health["status"] == "ok" and health["authorities"] == 3
    listed = http("GET", url + "/authorities").json()
    assert "exampleshire" in [a["id"] for a in listed["authorities"]]


def test_its_own_case_schema(url: str) -> None:
    answer = http("GET", url + "/schemas/case?authority=exampleshire")
    assert answer.status == 200
    schema = answer.json()
    Draft202012Validator.check_schema(schema)
    assert list(schema["properties"]) == [
        "immediate_danger",
        "significant_harm",
        "referrer",
        "at",
        "level",
        "consent",
    ]  # no EHA question at all
    assert schema["properties"]["level"]["enum"] == [1, 2, 3, 4, 5, None]
    assert "not-asked" in schema["properties"]["consent"]["enum"]


@pytest.mark.parametrize(
    ("at", "first_id", "open_now"),
    [
        ("2026-11-27T16:29", "first-response", True),  # Friday, still open
        ("2026-11-27T16:30", "emergency-duty-team", True),  # closed: the duty team answers
        ("2026-11-26T16:45", "first-response", True),  # Thursday closes at 17:00
        ("2026-12-25T12:00", "emergency-duty-team", True),  # a bank holiday
    ],
)
def test_child_protection_with_split_hours_and_the_duty_team(
    url: str, at: str, first_id: str, open_now: bool
) -> None:
    guidance = route(url, {"significant_harm": True, "at": at})
    assert (guidance["route"], guidance["kind"]) == ("child-protection", "child-protection")
    assert guidance["route_title"] == "Child protection: ring First Response"
    first = guidance["contacts"][0]
    assert (first["id"], first["phone"], first["open"]) == (first_id, FRONT_DOOR, open_now)
    # the written follow-up is the form sent by email, not the online early-help request
    ids = [c["id"] for c in guidance["contacts"]]
    assert "safeguarding-referral-form" in ids and "early-help-request" not in ids


def test_its_levels_and_routes(url: str) -> None:
    at = "2026-11-23T11:00"
    got = {
        level: (g["route"], g["kind"], g["prerequisites"])
        for level in (1, 2, 3, 4, 5)
        for g in [route(url, {"level": level, "at": at})]
    }
    assert got[5][:2] == ("child-protection", "child-protection")
    assert got[4][0] == "child-in-need"
    assert got[3][:2] == ("early-help-request", "early-help")
    assert got[2][0] == "single-agency" and got[1][0] == "universal"
    assert all(prerequisites == [] for _, _, prerequisites in got.values())
    immediate = route(url, {"immediate_danger": True, "at": at})
    assert immediate["kind"] == "emergency" and immediate["contacts"][0]["phone"] == "999"
    consent = route(url, {"level": 3, "at": at})["consent"]
    assert consent["status"] == "not-asked" and consent["required"] is True


def test_a_case_is_read_against_its_questions_and_urgent_advice_survives(url: str) -> None:
    answer = post(
        url + "/route",
        {"authority": "exampleshire", "level": 3, "early_help_assessment": "completed"},
    )
    assert answer.status == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid-case"
    assert [e["field"] for e in error["errors"]] == ["early_help_assessment"]
    assert error["errors"][0]["message"].startswith("unknown field")
    urgent = post(
        url + "/route", {"authority": "exampleshire", "significant_harm": True, "level": 6}
    )
    assert urgent.status == 422
    assert FRONT_DOOR in urgent.json()["error"]["urgent"]
    mistyped = post(url + "/route", {"authority": "Exampleshire", "significant_harm": True})
    assert mistyped.status == 422
    assert FRONT_DOOR in mistyped.json()["error"]["urgent"]


def test_a_batch_reads_each_line_against_its_own_authority(url: str) -> None:
    lines = [
        {"authority": "derbyshire", "level": 3, "early_help_assessment": "completed"},
        {"authority": "exampleshire", "level": 3, "early_help_assessment": "completed"},
        {"level": 5},
        {"authority": "derbyshire", "level": 5},
    ]
    body = "".join(json.dumps(line) + "\n" for line in lines).encode()
    answer = post(url + "/route/batch?authority=exampleshire", body)
    assert answer.status == 200
    out = [json.loads(line) for line in answer.body.splitlines()]
    assert out[0]["guidance"]["route"] == "request-for-support"
    assert out[1]["error"]["errors"][0]["field"] == "early_help_assessment"
    assert out[2]["guidance"]["authority"]["id"] == "exampleshire"
    assert out[2]["guidance"]["route"] == "child-protection"
    assert out[3]["error"]["errors"][0]["field"] == "level"  # Derbyshire has four levels


def test_its_forms_over_http(url: str) -> None:
    answer = http("GET", url + "/forms/exampleshire/exampleshire-early-help-request?level=3")
    assert answer.status == 200, answer.body
    text = answer.body.decode()
    assert "Targeted family help" in text  # its own level names
    assert "DDSCP" not in text and "Derbyshire" not in text
    html = http(
        "GET", url + "/forms/exampleshire/exampleshire-early-help-request?format=html&level=9"
    )
    assert html.status == 422 and html.json()["error"]["errors"][0]["field"] == "level"
