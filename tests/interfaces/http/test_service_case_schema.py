"""Each authority's own case schema over HTTP (GET /schemas/case?authority=ID), made
by core/io/case_schema.py, and the service reading each case against it: POST /route
accepts a case exactly when the authority's schema does (issue 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import threshold
from tests.conftest import HttpResult, http

AT = "2026-11-23T11:00"


def post(url: str, body: object) -> HttpResult:
    return http("POST", url, json.dumps(body).encode(), {"Content-Type": "application/json"})


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_the_case_schema_of_an_authority(live_server: str, authority: str) -> None:
    answer = http("GET", f"{live_server}/schemas/case?authority={authority}")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/schema+json"
    served = answer.json()
    assert served == threshold.schema("case", authority=authority)
    Draft202012Validator.check_schema(served)
    assert served["$id"].endswith(f"/case/1/{authority}")
    assert {"level", "early_help_assessment"} <= set(served["properties"])
    # the shared one is unchanged without an authority
    assert http("GET", f"{live_server}/schemas/case").json() == threshold.schema("case")


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/schemas/case?authority=nottingham", 404, "not-found"),
        ("/schemas/case?authority=Derby%20City", 400, "invalid-query"),
        ("/schemas/guidance?authority=derbyshire", 400, "invalid-query"),
        ("/schemas/case?authority=derbyshire&authority=derby_city", 400, "invalid-query"),
        ("/schemas/case?county=derbyshire", 400, "invalid-query"),
        ("/schemas/cases?authority=derbyshire", 404, "not-found"),
    ],
)
def test_a_bad_case_schema_request(live_server: str, path: str, status: int, code: str) -> None:
    answer = http("GET", live_server + path)
    assert answer.status == status, answer.body
    error = answer.json()["error"]
    assert error["code"] == code
    assert "Derby City" not in answer.body.decode()  # what is not an id is never echoed
    if code == "not-found" and "authority=nottingham" in path:
        assert error["urgent"] == "If a child is in immediate danger, ring 999."


CASES: list[dict[str, Any]] = [
    {},
    {"level": 3, "early_help_assessment": "completed"},
    {"level": 4, "consent": "given", "setting": None},
    {"level": 5},
    {"level": "3"},
    {"levle": 3},
    {"early_help_assessment": "maybe"},
    {"significant_harm": "yes"},
    {"referrer": "public", "advice": True},
    {"unborn": 1},
    {"sudden_escalation": True, "non_mobile_baby_bruising": False},
    {"consent": None},
]


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_the_service_accepts_a_case_exactly_when_the_authoritys_schema_does(
    live_server: str, authority: str
) -> None:
    served = http("GET", f"{live_server}/schemas/case?authority={authority}").json()
    valid = Draft202012Validator(served).is_valid
    seen = set()
    for case in CASES:
        answer = post(f"{live_server}/route?authority={authority}", {**case, "at": AT})
        assert answer.status in (200, 422), answer.body
        assert (answer.status == 200) == valid({**case, "at": AT}), case
        seen.add(answer.status)
    assert seen == {200, 422}
