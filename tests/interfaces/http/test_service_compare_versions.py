"""GET /compare between versions of one authority (issue 16) over a real loopback
socket: ``authority=ID@VERSION`` names an installed version and gives what the
Python API gives for the same pair; a folder (a draft on disk) is never read over
HTTP: any path is a one-line 400 naming the parameter, never echoing it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.conftest import http, running
from tests.versioned import versioned_registry
from threshold.core.analysis.compare import compare
from threshold.core.interfaces.http.app import create_app

PAIR = ("derbyshire@2022-09", "derbyshire@2030-04")


@pytest.fixture(scope="module")
def versioned_server() -> Iterator[str]:
    with running(create_app(versioned_registry())) as url:
        yield url


def query(*sides: str, extra: str = "") -> str:
    return "/compare?" + "&".join(f"authority={quote(s, safe='')}" for s in sides) + extra


def test_two_installed_versions_compare_as_the_python_api_does(versioned_server: str) -> None:
    answer = http("GET", versioned_server + query(*PAIR, extra="&differences_only=true"))
    assert answer.status == 200, answer.body
    made = compare(versioned_registry(), list(PAIR), differences_only=True).to_dict()
    made = json.loads(json.dumps(made))  # its rows' changes are tuples
    assert answer.json() == made
    assert [a["version"] for a in answer.json()["authorities"]] == ["2022-09", "2030-04"]


def test_the_cache_keeps_each_version_apart(versioned_server: str) -> None:
    """The same authority at two versions (and today's, unpinned) are three answers."""
    forward = http("GET", versioned_server + query(*PAIR, extra="&format=csv"))
    backward = http("GET", versioned_server + query(*reversed(PAIR), extra="&format=csv"))
    today = http("GET", versioned_server + query("derbyshire", PAIR[1], extra="&format=csv"))
    assert {forward.status, backward.status, today.status} == {200}
    assert len({forward.body, backward.body, today.body}) == 3
    again = http("GET", versioned_server + query(*PAIR, extra="&format=csv"))
    assert again.body == forward.body


@pytest.mark.parametrize(
    "side",
    [
        "derbyshire@./draft",
        "derbyshire@../../etc",
        "derbyshire@/etc/passwd",
        "derbyshire@tests/fixtures/ddscp_versions/2030-04",
        "derbyshire@.hidden",
        "derbyshire@C:\\drafts",
        "derbyshire@",
        "derbyshire@2030-04@x",
    ],
)
def test_a_folder_or_path_is_refused_without_echo(versioned_server: str, side: str) -> None:
    answer = http("GET", versioned_server + query(PAIR[0], side))
    assert answer.status == 400, answer.body
    error = answer.json()["error"]
    assert error["code"] == "invalid-query"
    (problem,) = error["errors"]
    assert problem["field"] == "authority"
    assert "installed version" in problem["message"] and "\n" not in problem["message"]
    text = answer.body.decode()
    value = side.partition("@")[2]
    assert not value or value not in text  # never echoed
    assert "Traceback" not in text


def test_an_unknown_version_is_404_naming_the_installed_ones(versioned_server: str) -> None:
    answer = http("GET", versioned_server + query(PAIR[0], "derbyshire@draft"))
    assert answer.status == 404, answer.body
    error = answer.json()["error"]
    assert error["code"] == "not-found"
    assert "expected one of: 2022-09, 2030-04" in error["errors"][0]["message"]


def test_a_bad_authority_before_the_version_is_still_refused(versioned_server: str) -> None:
    answer = http("GET", versioned_server + query(PAIR[0], "Derby Shire@2030-04"))
    assert answer.status == 400
    assert "Derby Shire" not in answer.body.decode()


def test_openapi_says_a_version_may_be_named(versioned_server: str) -> None:
    paths = http("GET", versioned_server + "/openapi.json").json()["paths"]
    (parameter,) = [p for p in paths["/compare"]["get"]["parameters"] if p["name"] == "authority"]
    assert "AUTHORITY@VERSION" in parameter["description"]
    assert "folder" in parameter["description"]
