"""Decision records: a content-hash id anyone can recompute, the data versions,
the steps advised, the fields that decided the route, and no personal data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

import threshold
from tests.conftest import Result
from threshold.core.engine.decision import decision_id, make_decision_record
from threshold.core.io.parse import parse_case
from threshold.core.model.fields import case_fields
from threshold.core.plugins.registry import Registry

AT = "2026-11-23T11:00"
NOW = dt.datetime(2026, 11, 23, 11, 0, 5, 123456, tzinfo=dt.UTC)


def _record(registry: Registry, case: dict[str, Any], authority: str) -> Any:
    from threshold.core.engine.api import route

    registered = registry.get(authority)
    parsed = parse_case(case, registered.authority)
    guidance = route(parsed, authority, registry=registry)
    return make_decision_record(
        parsed,
        guidance,
        registered.authority,
        registry.route_rule(registered),
        now=NOW,
    )


def test_id_is_the_hash_of_the_rest_of_the_record() -> None:
    data = threshold.route({"level": 3, "at": AT}, "derbyshire", record=True).to_dict()["record"]
    content = {k: v for k, v in data.items() if k != "id"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert data["id"] == hashlib.sha256(canonical.encode()).hexdigest()[:32]
    assert decision_id(data) == data["id"]


def test_an_edited_record_no_longer_matches_its_id() -> None:
    data = threshold.route({"level": 3, "at": AT}, "derbyshire", record=True).to_dict()["record"]
    data["route"] = "universal"
    assert decision_id(data) != data["id"]


def test_same_record_same_id_and_time_makes_records_distinct(registry: Registry) -> None:
    first = _record(registry, {"level": 2, "at": AT}, "derby_city")
    again = _record(registry, {"level": 2, "at": AT}, "derby_city")
    assert first == again and first.recorded_at == "2026-11-23T11:00:05.123456+00:00"
    later = threshold.route({"level": 2, "at": AT}, "derby_city", record=True).record
    sooner = threshold.route({"level": 2, "at": AT}, "derby_city", record=True).record
    assert later is not None and sooner is not None
    assert later.id != sooner.id and later.recorded_at != sooner.recorded_at


def test_record_carries_versions_route_and_steps(registry: Registry) -> None:
    guidance = threshold.route(
        {"level": 3, "early_help_assessment": "completed", "at": AT}, "derbyshire", record=True
    )
    record = guidance.record
    assert record is not None
    assert record.format == "threshold.record/1"
    assert record.engine == f"threshold {threshold.__version__}"
    assert record.source == guidance.source
    assert record.source.document_date == "2022-09-01"
    assert record.at == guidance.at == "2026-11-23T11:00:00+00:00"
    assert record.route is guidance.route
    assert [(s.order, s.id, s.action) for s in record.steps] == [
        (s.order, s.id, s.action) for s in guidance.steps
    ]
    assert record.contacts == tuple(c.id for c in guidance.contacts)
    assert record.case.level == 3 and record.case.at is not None


@pytest.mark.parametrize(
    ("case", "authority", "deciding"),
    [
        ({"immediate_danger": True, "level": 2}, "derbyshire", ("immediate_danger",)),
        (
            {"significant_harm": True},
            "derby_city",
            ("immediate_danger", "significant_harm"),
        ),
        (
            {"level": 3, "early_help_assessment": "completed"},
            "derby_city",
            (
                "level",
                "immediate_danger",
                "significant_harm",
                "non_mobile_baby_bruising",
                "early_help_assessment",
                "referrer",
            ),
        ),
        (
            {"level": 3, "early_help_assessment": "none"},
            "derbyshire",
            (
                "level",
                "immediate_danger",
                "significant_harm",
                "non_mobile_baby_bruising",
                "early_help_assessment",
                "sudden_escalation",
                "referrer",
            ),
        ),
    ],
)
def test_deciding_fields(
    registry: Registry, case: dict[str, Any], authority: str, deciding: tuple[str, ...]
) -> None:
    # which fields decide: the order is the authority's (its urgent part, then its questions)
    assert set(_record(registry, {**case, "at": AT}, authority).deciding_fields) == set(deciding)


def test_deciding_fields_change_the_route_and_the_others_do_not(registry: Registry) -> None:
    """Check the definition directly: flipping a deciding field changes the route."""
    from threshold.core.engine.api import route
    from threshold.core.engine.decision import _alternatives, _with

    authority = registry.get("derbyshire").authority
    base = parse_case({"level": 3, "early_help_assessment": "none", "at": AT}, authority)
    record = _record(
        registry, {"level": 3, "early_help_assessment": "none", "at": AT}, "derbyshire"
    )
    for name, values in _alternatives(authority):
        routes = {
            route(_with(base, name, v), "derbyshire", registry=registry).route for v in values
        }
        assert (len(routes) > 1) == (name in record.deciding_fields), name


def test_no_personal_data_fields() -> None:
    """The record holds only the published fields: the case schema's, and data texts."""
    record = threshold.route({"level": 4, "at": AT}, "derbyshire", record=True).record
    assert record is not None
    data = record.to_dict()
    assert set(data) == set(threshold.schema("record")["properties"])
    fields = {
        f.name
        for f in case_fields(
            threshold.core.plugins.registry.default_registry().get("derbyshire").authority
        )
    }
    assert set(data["case"]) == fields


def test_cli_record_json(run_cli: Callable[..., Result]) -> None:
    result = run_cli(
        "route",
        "--authority",
        "derbyshire",
        "--level",
        "2",
        "--at",
        AT,
        "--record",
        "--format",
        "json",
    )
    assert result.code == 0
    record = result.json()["record"]
    assert decision_id(record) == record["id"]
    assert record["route"] == "early-help"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_cli_record_in_every_format(run_cli: Callable[..., Result], fmt: str) -> None:
    with_record = run_cli(
        "route",
        "--authority",
        "derby_city",
        "--level",
        "1",
        "--at",
        AT,
        "--record",
        "--format",
        fmt,
    )
    without = run_cli(
        "route", "--authority", "derby_city", "--level", "1", "--at", AT, "--format", fmt
    )
    assert with_record.code == without.code == 0
    assert "ecision record" in with_record.out.replace("DECISION RECORD", "Decision record")
    assert "ecision record" not in without.out.replace("DECISION RECORD", "Decision record")
    assert "Decided by" in with_record.out and "universal" in with_record.out
