"""The HTTP endpoints for forms, referrals and comparisons over a real loopback
socket: GET /forms/{authority}/{form}, POST /validate and GET /compare give what
the Python API and the command line give; bad input gets 400 or 422 with the
CLI's field-level messages, an unknown authority or form 404, a broken plugin
503, never a traceback, and no answer is ever echoed or logged."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest

import threshold
from tests.conftest import HttpResult, Result, http, running
from tests.forms_helpers import AUTHORITY_OF, REFERRALS, broken_referrals, load

Run = Callable[..., Result]
CANARY = "Jane Doe of 12 Acacia Avenue"
RFS = "derbyshire-request-for-support"
FORMS = "/forms/derbyshire/" + RFS
MEDIA_TYPES = {
    "json-schema": "application/schema+json",
    "fhir": "application/fhir+json",
    "html": "text/html; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
}


def post(url: str, body: object) -> HttpResult:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http("POST", url, data, {"Content-Type": "application/json"})


def error_of(answer: HttpResult, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/json"
    error: dict[str, Any] = answer.json()["error"]
    assert error["code"] == code
    assert "Traceback" not in answer.body.decode()
    return error


# ----------------------------------------------------------------------------- forms
@pytest.mark.parametrize("fmt", list(MEDIA_TYPES))
def test_form_in_every_format_is_the_api_form(live_server: str, fmt: str) -> None:
    answer = http(
        "GET", f"{live_server}{FORMS}?format={fmt}&level=3&early_help_assessment=completed"
    )
    assert answer.status == 200
    assert answer.headers["content-type"] == MEDIA_TYPES[fmt]
    made = threshold.form(
        "derbyshire", case={"level": 3, "early_help_assessment": "completed"}, form=RFS, format=fmt
    )
    if made.data is not None:
        assert answer.json() == made.data
    else:
        assert answer.body.decode() == made.text
    policy = answer.headers.get("content-security-policy", "")
    assert ("form-action 'none'" in policy) == (fmt == "html")


def test_form_defaults_to_json_schema_with_nothing_filled_in(live_server: str) -> None:
    answer = http("GET", live_server + FORMS)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/schema+json"
    assert answer.json() == threshold.form("derbyshire", form=RFS).data
    assert "default" not in json.dumps(answer.json()["properties"]["level"])


def test_query_values_are_typed_by_the_case_schema(live_server: str) -> None:
    """level=3 is the integer 3, unborn=true the boolean, setting=null null."""
    query = "level=4&unborn=true&setting=null&consent=given&at=2026-11-23T11:00"
    answer = http("GET", f"{live_server}/forms/derby_city/derby-city-online-referral?{query}")
    case = {
        "level": 4,
        "unborn": True,
        "setting": None,
        "consent": "given",
        "at": "2026-11-23T11:00",
    }
    expected = threshold.form("derby_city", case=case, form="derby-city-online-referral")
    assert answer.status == 200 and answer.json() == expected.data
    assert {"level": "4", "child-unborn": True, "consent": "given"}.items() <= (
        expected.prefilled.items()
    )


@pytest.mark.parametrize(
    "case",
    [
        {"level": "five"},
        {"level": "0", "immediate_danger": "true"},
        {"unborn": "yes", "significant_harm": "true"},
        {"consent": "maybe"},
        {"at": "23/11/2026"},
    ],
)
def test_bad_case_in_the_query_gets_the_cli_message(
    live_server: str, run_cli: Run, case: dict[str, str]
) -> None:
    query = "&".join(f"{k}={quote(v)}" for k, v in case.items())
    error = error_of(http("GET", f"{live_server}{FORMS}?{query}"), 422, "invalid-case")
    typed = {k: json.loads(v) if v in ("true", "0") else v for k, v in case.items()}
    cli = run_cli(
        "form", "--authority", "derbyshire", "--form", RFS, "--case", "-", stdin=json.dumps(typed)
    )
    assert cli.code == 2
    assert cli.err == f"threshold: error: {error['message']}\n"
    if "immediate_danger" in case or "significant_harm" in case:
        assert error["urgent"] and "ring" in error["urgent"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=pdf", "format"),
        ("level=3&level=4", "level"),
        ("levle=3", "levle"),
        ("record=true", "record"),
    ],
)
def test_bad_query_is_400(live_server: str, query: str, field: str) -> None:
    error = error_of(http("GET", f"{live_server}{FORMS}?{query}"), 400, "invalid-query")
    assert [e["field"] for e in error["errors"]] == [field]


def test_unknown_authority_or_form_is_404(live_server: str, run_cli: Run) -> None:
    unknown = error_of(http("GET", live_server + "/forms/nottingham/" + RFS), 404, "not-found")
    assert unknown["errors"][0]["field"] == "authority"
    assert "expected one of: derby_city, derbyshire" in unknown["message"]
    assert unknown["urgent"] == "If a child is in immediate danger, ring 999."

    form = error_of(http("GET", live_server + "/forms/derby_city/" + RFS), 404, "not-found")
    cli = run_cli("form", "--authority", "derby_city", "--form", RFS)
    assert cli.err == f"threshold: error: --form: {form['errors'][0]['message']}\n"
    assert form["errors"][0]["field"] == "form"

    for path in (f"/forms/{quote(CANARY)}/{RFS}", f"/forms/derbyshire/{quote(CANARY)}"):
        answer = http("GET", live_server + path)
        error_of(answer, 404, "not-found")
        assert CANARY not in answer.body.decode() and "Jane" not in answer.body.decode()


def test_urgent_case_in_the_query_keeps_the_urgent_advice(live_server: str) -> None:
    error = error_of(
        http("GET", live_server + "/forms/nottingham/x?immediate_danger=true"), 404, "not-found"
    )
    assert error["urgent"] == "immediate danger was reported: ring 999 now."


# ----------------------------------------------------------------------------- validate
@pytest.mark.parametrize("form_id", sorted(AUTHORITY_OF))
def test_validate_a_valid_referral(live_server: str, form_id: str) -> None:
    referral = {
        "authority": AUTHORITY_OF[form_id],
        "form": form_id,
        "answers": load(REFERRALS / form_id / "valid.json"),
    }
    answer = post(live_server + "/validate", referral)
    assert answer.status == 200
    result = answer.json()
    assert result["valid"] is True and result["errors"] == [] and result["missing"] == []
    assert (result["authority"], result["form"]) == (AUTHORITY_OF[form_id], form_id)


@pytest.mark.parametrize(("form_id", "path", "item"), list(broken_referrals())[::3])
def test_validate_a_broken_referral_as_the_cli_does(
    live_server: str, run_cli: Run, form_id: str, path: Any, item: str
) -> None:
    authority = AUTHORITY_OF[form_id]
    referral = {"authority": authority, "form": form_id, "answers": load(path)}
    answer = post(live_server + "/validate", referral)
    assert answer.status == 200
    result = answer.json()
    assert result["valid"] is False and item in [e["item"] for e in result["errors"]]
    cli = run_cli(
        "validate", "--authority", authority, "--form", form_id, "--format", "json", str(path)
    )
    assert cli.code == 1 and cli.json() == result
    expected = threshold.validate(authority, form_id, load(path))
    assert [(e["item"], e["message"]) for e in result["errors"]] == [
        (e.path, e.message) for e in expected
    ]


def test_validate_reports_urgent_answers(live_server: str) -> None:
    referral = {"authority": "derby_city", "form": "derby-city-online-referral"}
    result = post(
        live_server + "/validate", {**referral, "answers": {"significant-harm": True}}
    ).json()
    assert result["valid"] is False
    assert result["urgent"] == (
        "significant harm was reported: ring Derby City Initial Response Team on 01332 641172 now."
    )
    assert result["missing"][0] == "immediate-danger"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["authority", "form", "answers"]),
        ({"authority": "derbyshire", "form": RFS, "answers": [1]}, ["answers"]),
        ({"authority": 3, "form": RFS, "answers": {}}, ["authority"]),
        ({"authority": "derbyshire", "form": CANARY, "answers": {}}, ["form"]),
        ({"authority": "derbyshire", "form": RFS, "answers": {}, "case": {}}, ["case"]),
        ([1, 2], [""]),
    ],
)
def test_unusable_referral_is_422(live_server: str, body: Any, fields: list[str]) -> None:
    answer = post(live_server + "/validate", body)
    error = error_of(answer, 422, "invalid-case")
    assert sorted(e["field"] for e in error["errors"]) == sorted(fields)
    assert all(e["message"] for e in error["errors"])
    assert CANARY not in answer.body.decode()


def test_not_json_is_400(live_server: str) -> None:
    error = error_of(post(live_server + "/validate", b'{"authority": '), 400, "invalid-json")
    assert error["message"].startswith("body: not valid JSON (line 1, column 15")


def test_unknown_form_or_authority_in_the_body_is_422(live_server: str, run_cli: Run) -> None:
    body = {"authority": "derby_city", "form": RFS, "answers": {"immediate-danger": True}}
    error = error_of(post(live_server + "/validate", body), 422, "unknown-form")
    cli = run_cli("validate", "--authority", "derby_city", "--form", RFS, "-", stdin="{}")
    assert cli.err == f"threshold: error: --form: {error['errors'][0]['message']}\n"
    assert error["urgent"] == "immediate danger was reported: ring 999 now."
    body = {"authority": "nottingham", "form": RFS, "answers": {}}
    error = error_of(post(live_server + "/validate", body), 422, "unknown-authority")
    assert error["errors"][0]["field"] == "authority"


def test_answers_are_never_echoed(live_server: str) -> None:
    answers = {"level": CANARY, CANARY: CANARY, "child-date-of-birth": CANARY, "consent": 4}
    answer = post(
        live_server + "/validate", {"authority": "derbyshire", "form": RFS, "answers": answers}
    )
    assert answer.status == 200 and answer.json()["valid"] is False
    assert CANARY not in answer.body.decode()


def test_validate_takes_no_query_and_only_post(live_server: str) -> None:
    error = error_of(post(live_server + "/validate?authority=derbyshire", {}), 400, "invalid-query")
    assert error["errors"][0]["field"] == "authority"
    error_of(http("GET", live_server + "/validate"), 405, "method-not-allowed")


def test_oversized_referral_is_413() -> None:
    from threshold.core.interfaces.http.app import create_app

    body = {"authority": "derbyshire", "form": RFS, "answers": {"worries": "x" * 4096}}
    with running(create_app(max_body_bytes=2048)) as url:
        error_of(post(url + "/validate", body), 413, "too-large")


# ----------------------------------------------------------------------------- compare
@pytest.fixture(scope="module")
def differences() -> dict[str, Any]:
    return threshold.compare("derbyshire", "derby_city", differences_only=True).to_dict()


def test_compare_json_is_the_api_comparison(live_server: str, differences: dict[str, Any]) -> None:
    answer = http(
        "GET",
        live_server + "/compare?authority=derbyshire&authority=derby_city&differences_only=true",
    )
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    assert answer.json() == differences


@pytest.mark.parametrize(
    ("fmt", "media_type", "start"),
    [("csv", "text/csv; charset=utf-8", "table,"), ("html", "text/html; charset=utf-8", "<!")],
)
def test_compare_csv_and_html(
    live_server: str, run_cli: Run, fmt: str, media_type: str, start: str
) -> None:
    answer = http(
        "GET", f"{live_server}/compare?authority=derby_city&authority=derbyshire&format={fmt}"
    )
    assert answer.status == 200 and answer.headers["content-type"] == media_type
    assert answer.body.decode().startswith(start)
    if fmt == "csv":
        cli = run_cli("compare", "derby_city", "derbyshire", "--format", "csv")
        assert answer.body.decode() == cli.out
    else:
        assert "form-action 'none'" in answer.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("query", "status", "code", "field"),
    [
        ("authority=derbyshire", 400, "invalid-query", "authority"),
        ("authority=derbyshire&authority=derbyshire", 400, "invalid-query", "authority"),
        ("", 400, "invalid-query", "authority"),
        ("authority=derbyshire&authority=" + quote(CANARY), 400, "invalid-query", "authority"),
        (
            "authority=derbyshire&authority=derby_city&differences_only=yes",
            400,
            "invalid-query",
            "differences_only",
        ),
        ("authority=derbyshire&authority=derby_city&format=pdf", 400, "invalid-query", "format"),
        ("authority=derbyshire&authority=derby_city&colour=red", 400, "invalid-query", "colour"),
        ("authority=derbyshire&authority=atlantis", 404, "not-found", "authority"),
    ],
)
def test_compare_bad_query(
    live_server: str, query: str, status: int, code: str, field: str
) -> None:
    answer = http("GET", f"{live_server}/compare?{query}")
    error = error_of(answer, status, code)
    assert [e["field"] for e in error["errors"]] == [field]
    assert CANARY not in answer.body.decode()


def test_compare_messages_match_the_cli(live_server: str, run_cli: Run) -> None:
    error = error_of(
        http("GET", live_server + "/compare?authority=derbyshire"), 400, "invalid-query"
    )
    cli = run_cli("compare", "derbyshire")
    assert error["errors"][0]["message"] == "got 1; expected two or more authority ids"
    assert cli.err.startswith(f"threshold: error: AUTHORITY: {error['errors'][0]['message']}")


# ----------------------------------------------------------------------------- broken plugins
@pytest.fixture
def broken_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Derby City's forms fail to load, and a plugin "boom" fails to register."""
    from tests.forms.test_forms_model import plugin
    from threshold.core.interfaces.http.app import create_app
    from threshold.core.model.errors import DataError, FieldError
    from threshold.core.plugins.registry import Registry
    from threshold.plugins import derby_city

    def forms() -> tuple[Any, ...]:
        raise DataError("forms/x.toml", [FieldError("id", CANARY)])

    def boom(register: Callable[[Any], None]) -> None:
        raise RuntimeError("no data")

    monkeypatch.setattr(derby_city.data, "forms", forms)
    registry = Registry.load([("boom", plugin("boom", threshold_register_authorities=boom))])
    with running(create_app(registry)) as url:
        yield url


def test_broken_plugin_is_503(broken_server: str) -> None:
    form = http("GET", broken_server + "/forms/derby_city/derby-city-online-referral")
    assert error_of(form, 503, "broken-plugin")["urgent"] == (
        "If a child is in immediate danger, ring 999."
    )
    body = {"authority": "derby_city", "form": "derby-city-online-referral", "answers": {}}
    error_of(post(broken_server + "/validate", body), 503, "broken-plugin")
    compare = http("GET", broken_server + "/compare?authority=derbyshire&authority=boom")
    error_of(compare, 503, "broken-plugin")
    fine = http("GET", broken_server + FORMS)
    assert fine.status == 200


# ----------------------------------------------------------------------------- OpenAPI
def test_openapi_describes_the_new_endpoints(live_server: str) -> None:
    paths = http("GET", live_server + "/openapi.json").json()["paths"]
    form = paths["/forms/{authority}/{form}"]["get"]
    assert list(form["responses"]["200"]["content"]) == [
        "application/schema+json",
        "application/fhir+json",
        "text/html",
        "text/markdown",
    ]
    names = [p["name"] for p in form["parameters"]]
    assert names[:3] == ["authority", "form", "format"]
    assert set(names[3:]) == set(threshold.schema("case")["properties"])
    validate = paths["/validate"]["post"]
    assert validate["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/referral"
    }
    assert validate["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/validation"
    }
    compare = paths["/compare"]["get"]
    assert compare["parameters"][0]["required"] is True
    assert set(compare["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "text/html",
    }
    assert compare["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/error"
    }
