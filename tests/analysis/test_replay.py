"""Replaying decision records (issue 16): a record re-derived with the version named
in it reproduces exactly (the same id); an edited record, changed data or a version
that is not installed is said, with why; and whether the version in force today
routes the case differently. Records made under each version of the fictional
versioned Derbyshire (tests/fixtures/ddscp_versions), and over the CLI, the
Python API and a real loopback HTTP service."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import threshold
from tests.conftest import Result, http, running
from tests.versioned import DRAFT, DRAFT_FROM, plugin, versioned_registry
from threshold.core.analysis.replay import replay
from threshold.core.engine.api import route
from threshold.core.io.schemas import format_validator
from threshold.core.plugins.registry import Registry

DECLINED = {"level": 3, "early_help_assessment": "declined"}


def _record(registry: Registry, at: str, case: dict[str, object] = DECLINED) -> dict[str, Any]:
    guidance = route({**case, "at": at}, "derbyshire", registry=registry, record=True)
    assert guidance.record is not None
    data: dict[str, Any] = json.loads(json.dumps(guidance.record.to_dict()))
    return data


def _valid(data: dict[str, Any]) -> None:
    assert not list(format_validator("replay").iter_errors(data))


def test_a_record_made_under_the_first_version_reproduces_exactly() -> None:
    registry = versioned_registry()
    record = _record(registry, "2030-03-31T11:00")
    assert record["source"]["version"]["name"] == "2022-09"
    result = replay(record, registry)
    _valid(result.to_dict())
    assert result.reproduced and result.id_matches and not result.differences
    assert result.replayed_with == "2022-09"
    assert result.reasons == ("reproduced exactly: the same id, every field the same",)


def test_a_record_made_under_the_second_version_is_replayed_with_it() -> None:
    registry = versioned_registry()
    record = _record(registry, f"{DRAFT_FROM}T11:00")
    assert (record["route"], record["source"]["version"]["name"]) == ("early-help-first", "2030-04")
    result = replay(record, registry)
    assert result.reproduced and result.replayed_with == "2030-04"
    # today (before 2030-04-01) the version in force is 2022-09: it routes differently
    assert result.today_version == "2022-09" and not result.today_same
    route_change = next(d for d in result.today_differences if d.field == "route")
    assert (route_change.recorded, route_change.replayed) == (
        '"early-help-first"',
        '"request-for-support"',
    )


def test_an_edited_record_is_not_reproduced_and_says_why() -> None:
    registry = versioned_registry()
    record = _record(registry, "2026-11-23T11:00")
    record["route"] = "early-help-first"
    result = replay(record, registry)
    assert not result.reproduced and not result.id_matches
    assert [d.field for d in result.differences] == ["route"]
    assert "the decision differs (route), with the same data and engine" in result.reasons
    assert any("edited after it was made" in reason for reason in result.reasons)


def test_changed_data_of_a_version_is_named_by_its_hash(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    shutil.copytree(DRAFT, versions / "2030-04")
    before = Registry.load([("derbyshire", plugin(versions))], use_entry_points=False)
    record = _record(before, "2030-06-03T11:00", {})  # the advice route: the advice line first
    rules = versions / "2030-04" / "derbyshire" / "authority.toml"
    rules.write_text(rules.read_text().replace("01629 535353", "01629 535354"))
    after = Registry.load([("derbyshire", plugin(versions))], use_entry_points=False)
    result = replay(record, after)
    assert not result.reproduced and result.id_matches
    assert result.version_hash != result.replayed_hash
    assert result.reasons[0].startswith("the data of this version has changed since the record")
    assert "steps" in [d.field for d in result.differences]


def test_a_version_that_is_not_installed_is_said(registry: Registry) -> None:
    record = _record(versioned_registry(), f"{DRAFT_FROM}T11:00")
    result = replay(record, registry)
    assert not result.reproduced and result.replayed_with is None
    assert result.reasons[0] == (
        "version 2030-04 is not installed (installed: 2022-09): it cannot be replayed"
    )
    assert not result.today_same  # the installed version routes it differently


def test_a_record_made_before_versions_is_replayed_with_the_version_for_its_time(
    registry: Registry,
) -> None:
    record = _record(registry, "2026-11-23T11:00")
    del record["source"]["version"]
    result = replay(record, registry)
    assert result.version is None and result.replayed_with == "2022-09"
    assert "made before versions were recorded" in result.reasons[0]
    assert [d.field for d in result.differences] == ["source"]


def test_the_command_and_the_api(
    tmp_path: Path, run_cli: Callable[..., Result], registry: Registry
) -> None:
    guidance = run_cli(
        "route", "--authority", "derbyshire", "--level", "3", "--record", "--format", "json"
    )
    saved = tmp_path / "guidance.json"
    saved.write_text(guidance.out)
    result = run_cli("replay", str(saved))
    assert result.code == 0, result.err
    assert result.out.startswith("REPRODUCED: decision ")
    assert "Today's version is 2022-09, the version replayed." in result.out
    record = guidance.json()["record"]
    assert threshold.replay(record).reproduced
    record["level"] = 4
    (tmp_path / "edited.json").write_text(json.dumps(record))
    edited = run_cli("replay", str(tmp_path / "edited.json"), "--format", "json")
    assert edited.code == 1 and not edited.json()["reproduced"]
    _valid(edited.json())


@pytest.mark.parametrize(
    ("body", "message"),
    [("[1]", "record: expected a decision record"), ('{"format": "x"}', "format: expected")],
)
def test_not_a_record_is_a_one_line_error(
    run_cli: Callable[..., Result], body: str, message: str
) -> None:
    result = run_cli("replay", "-", stdin=body)
    assert result.code == 2 and message in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def test_post_replay_over_http(registry: Registry) -> None:
    from threshold.core.interfaces.http.app import create_app

    record = _record(registry, "2026-11-23T11:00")
    headers = {"Content-Type": "application/json"}
    with running(create_app(registry)) as url:
        answer = http("POST", url + "/replay", json.dumps(record).encode(), headers)
        assert answer.status == 200, answer.body
        assert answer.json()["reproduced"] is True
        _valid(answer.json())
        bad = http("POST", url + "/replay", b'{"format": "x"}', headers)
        assert bad.status == 422 and bad.json()["error"]["code"] == "invalid-case"
        unknown = dict(record, authority={"id": "nowhere", "name": "x"})
        missing = http("POST", url + "/replay", json.dumps(unknown).encode(), headers)
        assert missing.status == 422 and missing.json()["error"]["code"] == "unknown-authority"
        spec = http("GET", url + "/openapi.json").json()
        assert "/replay" in spec["paths"]


@pytest.mark.parametrize(
    ("field", "typed"),
    [("id", "0" * 32 + "*Jane Doe"), ("authority", "Jane Doe's school")],
)
def test_a_bad_field_of_a_record_is_named_without_repeating_what_was_typed(
    registry: Registry, field: str, typed: str
) -> None:
    """The schema's own messages quote the value ("'…' does not match '^[0-9a-f]{32}$'");
    a record is input, so its errors name the field and what is expected only (found
    by schemathesis on POST /replay)."""
    record = {**_record(registry, "2026-11-23T11:00"), field: typed}
    with pytest.raises(threshold.CaseError) as raised:
        replay(record, registry)
    assert field in str(raised.value)
    assert typed not in str(raised.value) and "Jane" not in str(raised.value)
