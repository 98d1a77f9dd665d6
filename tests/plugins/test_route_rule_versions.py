"""A plugin's Python rule (``threshold_route_rule``) is given the version of the
authority's data that routes the case (issue 16): the one in force at the case's
time, the one named (``version=``, ``AUTHORITY@VERSION``) or a draft from a
folder, never today's version in their place. A test-only plugin: the built-in
Derbyshire data with the fictional 2030-04 version (tests/versioned.py), and a
rule that reads the advice line's hours from the data it is given."""

from __future__ import annotations

import types

import pytest

from tests.versioned import DRAFT, plugin
from threshold.core.analysis.compare import compare
from threshold.core.analysis.compare_versions import draft
from threshold.core.engine.api import route
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.guidance import RouteChoice
from threshold.core.plugins.hookspecs import hookimpl
from threshold.core.plugins.registry import Registry

ADVICE_LINE = "starting-point-advice-line"


def rule_plugin(seen: list[str]) -> types.ModuleType:
    """The versioned Derbyshire plugin with a rule: at level 2, where the advice line
    opens at 9am (the 2030-04 version's hours), advice; else the table decides."""
    module = plugin()

    def threshold_route_rule(authority: Authority, case: Case) -> RouteChoice | None:
        if authority.id != "derbyshire" or case.level != 2:
            return None
        seen.append(authority.version.name if authority.version else "(undated)")
        line = next(c for c in authority.contacts if c.id == ADVICE_LINE)
        if line.hours.windows and line.hours.windows[0].opens == "09:00":
            return RouteChoice("advice")
        return None

    module.threshold_route_rule = hookimpl(threshold_route_rule)  # type: ignore[attr-defined]
    return module


@pytest.fixture
def seen() -> list[str]:
    return []


@pytest.fixture
def registry(seen: list[str]) -> Registry:
    return Registry.load([("derbyshire", rule_plugin(seen))], use_entry_points=False)


def level_2(at: str, registry: Registry, **kwargs: object) -> str:
    case = {"level": 2, "at": at}
    return route(case, "derbyshire", registry=registry, **kwargs).route  # type: ignore[arg-type]


def test_the_rule_is_given_the_version_in_force_at_the_case_time(
    registry: Registry, seen: list[str]
) -> None:
    assert level_2("2026-12-01T11:00", registry) == "early-help"
    assert level_2("2031-01-07T11:00", registry) == "advice"
    assert level_2("2026-12-02T11:00", registry) == "early-help"
    assert seen == ["2022-09", "2030-04"]  # the same case in one version: its answer reused


def test_the_rule_is_given_the_version_named_or_drafted(
    registry: Registry, seen: list[str]
) -> None:
    assert level_2("2026-12-01T11:00", registry, version="2030-04") == "advice"
    assert level_2("2031-01-07T11:00", registry, version="2022-09") == "early-help"
    drafted = draft(registry.get("derbyshire").all_versions()[0], DRAFT)
    assert level_2("2026-12-01T11:00", registry, version=drafted) == "advice"
    assert seen == ["2030-04", "2022-09", "2030-04"]


def test_comparing_the_versions_shows_what_the_rule_changes(registry: Registry) -> None:
    comparison = compare(registry, ["derbyshire@2022-09", "derbyshire@2030-04"])
    changes = [c for row in comparison.rows for c in row.changes]
    assert "route: early-help → advice" in changes
