"""schemathesis over every endpoint, from the service's own OpenAPI document.

The document is fetched as a client would (GET /openapi.json) from the real
service on a loopback port, and for every operation in it schemathesis generates
requests from its schemas, valid ones and invalid ones, and sends them over that
socket. Whatever the request: no 5xx, only documented status codes and content
types, JSON bodies that match their published schemas, and no error (nor any
answer of POST /validate, whose referrals hold personal data) that repeats text
from the request other than a short safe id.

Examples per operation follow the hypothesis profile (tests/conftest.py): a
fifth of it, so 40 normally and in CI (derandomized when CI=true, so a run
repeats exactly), and 2,000 with HYPOTHESIS_PROFILE=slow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import REPO
from threshold.core.interfaces.http.app import ENDPOINTS
from threshold.core.io.schemas import SCHEMA_NAMES, format_validator
from threshold.core.io.spelling import SAFE_ID
from threshold.core.plugins.registry import Registry

EXAMPLES = max(20, settings.default.max_examples // 5)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
BATCH_RESULT = format_validator("batch-result")


@schemathesis.serializer("application/x-ndjson")
def _json_lines(ctx: Any, value: Any) -> bytes:
    """A batch body: the generated line, as one line of JSON Lines."""
    return json.dumps(value).encode("utf-8") + b"\n"


@pytest.fixture(scope="module")
def api(live_server: str) -> Any:
    """The service's OpenAPI document, as schemathesis reads it from the service."""
    return schemathesis.openapi.from_url(live_server + "/openapi.json")


def _naming_installed(drawn: tuple[Any, tuple[str, str] | None]) -> Any:
    """The case with its authority (and form) ids replaced by installed ones."""
    case, names = drawn
    if names is None:
        return case
    authority, form = names
    if isinstance(case.path_parameters, dict):
        if "name" in case.path_parameters:
            case.path_parameters["name"] = SCHEMA_NAMES[len(authority + form) % len(SCHEMA_NAMES)]
        if "authority" in case.path_parameters:
            case.path_parameters["authority"] = authority
        if "form" in case.path_parameters:
            case.path_parameters["form"] = form
    if isinstance(case.query, dict) and "authority" in case.query:
        others = [a for a in ("derbyshire", "derby_city") if a != authority]
        many = isinstance(case.query["authority"], list)
        case.query["authority"] = [authority, *others] if many else authority
    if isinstance(case.body, dict):
        if "authority" in case.body:
            case.body["authority"] = authority
        if "form" in case.body:
            case.body["form"] = form
    return case


def _strings(value: Any) -> Iterator[str]:
    """Every string in a request part: keys and values, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


#: threshold's own words (code, data, templates, schemas): a generated string that
#: is part of them (hypothesis also draws strings from the code under test) may
#: appear in an answer without having been repeated.
VOCABULARY = "\n".join(
    path.read_text("utf-8")
    for folder in ("core", "cli", "plugins", "templates", "schemas")
    for path in sorted((REPO / folder).rglob("*"))
    if path.suffix in (".py", ".toml", ".json", ".j2")
)


def sent_text(case: Any) -> set[str]:
    """What the request carried that may not come back: strings of at least 4
    characters that are not a short safe id ([a-z0-9_-]{1,40}), nor threshold's
    own words."""
    parts = [case.path_parameters, case.query, case.body, case.headers]
    found = set()
    for part in parts:
        for text in _strings(part or {}):
            text = text.strip()
            if len(text) >= 4 and not SAFE_ID.fullmatch(text) and text not in VOCABULARY:
                found.add(text)
    return found


def assert_no_echo(case: Any, response: Any) -> None:
    if response.status_code < 400 and case.operation.path != "/validate":
        return  # guidance may say what it was asked (the time it is for, a level)
    body = response.text
    for text in sent_text(case):
        assert text not in body, f"{case.operation.label} repeated {text!r}: {body[:300]}"


@pytest.mark.parametrize(
    ("method", "path"), [(e.method, e.path) for e in ENDPOINTS], ids=[e.name for e in ENDPOINTS]
)
def test_every_endpoint_holds_under_generated_requests(
    api: Any, registry: Registry, method: str, path: str
) -> None:
    operation = api[path][method]
    # half the valid cases name installed authorities and forms, so that they
    # reach past the first check (the schemas allow any id-shaped string)
    forms = [(a, f.id) for a in registry.authority_ids() for f in registry.forms(a)]
    valid = st.tuples(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        st.none() | st.sampled_from(forms),
    ).map(_naming_installed)
    cases = valid | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)

    @settings(
        max_examples=EXAMPLES,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(case=cases)
    def run(case: Any) -> None:
        response = case.call(timeout=60)
        # a bad line of a batch is an error record in a 200 answer, by design
        checks = [c for c in CHECKS if path != "/route/batch" or c is not negative_data_rejection]
        case.validate_response(response, checks=checks)
        assert_no_echo(case, response)
        if path == "/route/batch" and response.status_code == 200:
            for line in response.text.splitlines():
                errors = list(BATCH_RESULT.iter_errors(json.loads(line)))
                assert not errors, errors[0].message

    run()


def test_sent_text_finds_what_must_not_come_back() -> None:
    """The echo check can fail: it picks out free text and long ids, not short ids
    nor threshold's own words."""
    case = SimpleNamespace(
        path_parameters={"name": "Zebedee Quux"},
        query={"authority": ["derbyshire", "x" * 41]},
        body={"answers": {"child-name": "Ann", "note": "lives at 12 Acacia Avenue"}},
        headers=None,
    )
    assert sent_text(case) == {"Zebedee Quux", "x" * 41, "lives at 12 Acacia Avenue"}
    assert sent_text(SimpleNamespace(**{**vars(case), "body": {"x": "unknown authority"}})) == {
        "Zebedee Quux",
        "x" * 41,
    }
    assert re.fullmatch(SAFE_ID, "derbyshire")


def test_a_time_before_1900_is_refused_or_answered_validly(live_server: str) -> None:
    """Either refused (422, naming `at`) or guidance whose times are RFC 3339 (the
    project's own date-time check, fromisoformat, lets "-00:01:15" through)."""
    from tests.conftest import http

    case = {"authority": "derbyshire", "level": 3, "at": "0354-01-25T17:29:37-09:27"}
    answer = http(
        "POST",
        live_server + "/route",
        json.dumps(case).encode(),
        {"Content-Type": "application/json"},
    )
    if answer.status == 422:
        assert answer.json()["error"]["errors"][0]["field"] == "at"
        return
    assert answer.status == 200
    guidance = answer.json()
    times = [guidance["at"], *(c["next_open"] for c in guidance["contacts"] if c["next_open"])]
    rfc3339 = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"
    assert all(re.fullmatch(rfc3339, t) for t in times), times
