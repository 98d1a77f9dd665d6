"""The public Python API: `import threshold` is cheap, every public name resolves,
route() takes a dict or a Case, errors are typed with field paths and keep the
urgent advice, and results convert to JSON-ready data."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

import threshold

AT = "2026-11-23T11:00"


def test_import_is_cheap() -> None:
    """`import threshold` loads none of the heavy modules (they load on first use)."""
    code = (
        "import sys, threshold; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'attr', 'attrs', 'cattrs', 'jsonschema', 'click', 'pluggy', 'jinja2', 'holidays', "
        "'starlette', 'uvicorn'} or m.startswith('threshold.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves() -> None:
    for name in threshold.__all__:
        assert getattr(threshold, name) is not None, name
    assert set(dir(threshold)) == set(threshold.__all__)
    with pytest.raises(AttributeError):
        threshold.no_such_name  # noqa: B018


def test_route_with_a_dict() -> None:
    guidance = threshold.route(
        {"level": 3, "early_help_assessment": "completed", "at": AT}, authority="derby_city"
    )
    assert isinstance(guidance, threshold.Guidance)
    # the route is the route id of the authority's data (issue 13), with its title and kind
    assert guidance.route == "vulnerable-childrens-meeting"
    assert guidance.route_title == "Vulnerable Children's Meeting"
    assert guidance.kind == "referral"
    assert guidance.record is None


def test_route_with_a_case_gives_the_same_guidance() -> None:
    as_dict = threshold.route({"level": 2, "consent": "refused", "at": AT}, "derbyshire")
    # a Case is the urgent part and the answers to the authority's questions (issue 13)
    case = threshold.Case(
        answers=(("level", 2), ("consent", "refused")), at=dt.datetime.fromisoformat(as_dict.at)
    )
    assert threshold.route(case, "derbyshire").to_dict() == as_dict.to_dict()


def test_to_dict_is_plain_json_data() -> None:
    data = threshold.route({"significant_harm": True, "at": AT}, "derbyshire").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert type(data["route"]) is str and data["route"] == "child-protection"
    assert type(data["consent"]["status"]) is str
    assert "record" not in data


def test_case_error_names_fields_and_keeps_urgent_advice() -> None:
    with pytest.raises(threshold.CaseError) as caught:
        threshold.route({"levle": 3, "significant_harm": "yes"}, "derby_city")
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, threshold.ThresholdError)
    assert [e.path for e in error.errors] == ["levle", "significant_harm"]
    assert error.errors[0].message.startswith("unknown field (did you mean 'level'?)")
    assert error.errors[1].message == "got a string; expected true or false"
    assert error.urgent is not None and "01332 641172" in error.urgent


def test_valid_case_error_has_no_urgent_advice() -> None:
    with pytest.raises(threshold.CaseError) as caught:
        threshold.route({"level": 0}, "derbyshire")
    assert caught.value.urgent is None


def test_unknown_authority_is_typed() -> None:
    with pytest.raises(threshold.UnknownAuthorityError) as caught:
        threshold.route(threshold.Case(immediate_danger=True), "nottingham")
    assert isinstance(caught.value, threshold.AuthorityError)
    assert caught.value.authority_id == "nottingham"
    assert caught.value.urgent == "immediate danger was reported: ring 999 now."


def test_free_text_is_never_echoed() -> None:
    canary = "Jane Doe, 12 Acacia Avenue"
    with pytest.raises(threshold.CaseError) as caught:
        threshold.route({"level": canary, "consent": canary}, "derbyshire")
    assert canary not in str(caught.value)


def test_authorities() -> None:
    listed = threshold.authorities()
    assert isinstance(listed, threshold.AuthorityList)
    assert [a.id for a in listed.authorities] == ["derby_city", "derbyshire"]
    assert all(isinstance(a, threshold.AuthorityInfo) for a in listed.authorities)
    assert listed.broken == ()


def test_schema_is_a_copy_and_names_are_checked() -> None:
    first = threshold.schema("guidance")
    first["title"] = "changed"
    assert threshold.schema("guidance")["title"] == "threshold guidance"
    assert "record" in threshold.schema_names()
    with pytest.raises(threshold.ThresholdError, match=r"unknown schema '\.\./case'"):
        threshold.schema("../case")


def test_version() -> None:
    from importlib.metadata import version

    assert threshold.__version__ == version("threshold")


def test_record_on_request() -> None:
    guidance = threshold.route({"immediate_danger": True, "at": AT}, "derbyshire", record=True)
    assert isinstance(guidance.record, threshold.DecisionRecord)
    assert guidance.record.route == "emergency"
    assert guidance.to_dict()["record"]["id"] == guidance.record.id


def test_an_authoritys_own_case_schema() -> None:
    """schema("case", authority=ID): the shared urgent part and that authority's own
    questions; anything else refused (issue 13)."""
    from jsonschema import Draft202012Validator

    shared = threshold.schema("case")
    own = threshold.schema("case", authority="derby_city")
    Draft202012Validator.check_schema(own)
    assert own["$id"] == shared["$id"] + "/derby_city"
    assert set(shared["properties"]) < set(own["properties"])
    assert {"level", "early_help_assessment", "consent"} <= set(own["properties"])
    assert own["additionalProperties"] is False
    valid = Draft202012Validator(own).is_valid
    assert valid({"level": 3, "early_help_assessment": "completed"})
    assert not valid({"levle": 3}) and not valid({"level": 9})
    own["title"] = "changed"
    assert threshold.schema("case", authority="derby_city")["title"] != "changed"
    with pytest.raises(threshold.UnknownAuthorityError):
        threshold.schema("case", authority="nottingham")
    with pytest.raises(threshold.ThresholdError, match="only the case schema is made per"):
        threshold.schema("guidance", authority="derby_city")
    with pytest.raises(threshold.ThresholdError, match="unknown schema 'cases'"):
        threshold.schema("cases", authority="derby_city")
