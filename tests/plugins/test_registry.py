"""Plugin loading: unknown hooks rejected, duplicate ids loud, faults isolated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from threshold.core.engine import api
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.errors import AuthorityError
from threshold.core.model.guidance import RouteChoice
from threshold.core.plugins.registry import Registry
from threshold.plugins import derby_city
from threshold.plugins.ddscp import PACK
from threshold.testing import make_plugin as plugin

DERBY_CITY_DATA = derby_city.data.files[len(PACK)]  # its own authority.toml


def registers(authority: Authority) -> Callable[..., None]:
    def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
        register(authority)

    return threshold_register_authorities


def test_builtins_load_through_entry_points() -> None:
    registry = Registry.load()
    assert registry.authority_ids() == ["derby_city", "derbyshire"]
    assert {r.plugin.distribution for r in registry.registered()} == {"threshold"}
    assert registry.problems() == []


def test_unknown_hook_is_rejected_and_others_keep_working() -> None:
    bad = plugin("typo", threshold_register_authoritys=lambda register: None)
    registry = Registry.load([("typo", bad)])
    assert (
        "typo",
        "rejected: PluginValidationError: unknown hook threshold_register_authoritys "
        "(not in threshold.core.plugins.hookspecs)",
    ) in registry.problems()
    assert registry.authority_ids() == ["derby_city", "derbyshire"]


def test_two_plugins_claiming_one_id_is_an_error_naming_both() -> None:
    copy = plugin("impostor", threshold_register_authorities=registers(derby_city.data.authority()))
    registry = Registry.load([("impostor", copy)])
    assert "derby_city" not in registry.authority_ids()
    assert "derbyshire" in registry.authority_ids()
    with pytest.raises(AuthorityError) as info:
        registry.get("derby_city")
    assert "claimed by two plugins: derby_city (threshold) and impostor" in str(info.value)


def test_a_raising_registration_hook_is_reported_once_by_name() -> None:
    def boom(register: Callable[[Authority], None]) -> None:
        raise RuntimeError("data file missing")

    registry = Registry.load([("boom", plugin("boom", threshold_register_authorities=boom))])
    assert registry.problems() == [("boom", "RuntimeError: data file missing")]
    assert registry.authority_ids() == ["derby_city", "derbyshire"]
    with pytest.raises(
        AuthorityError, match="plugin 'boom' is broken: RuntimeError: data file missing"
    ):
        registry.get("boom")


def test_a_raising_route_rule_fails_loudly_with_urgent_advice(
    monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Any]
) -> None:
    other = attrs.evolve(derby_city.data.authority(), id="testshire", name="Testshire")

    def threshold_route_rule(authority: Authority, case: Case) -> RouteChoice | None:
        raise ZeroDivisionError("bug")

    broken = plugin(
        "testshire",
        threshold_register_authorities=registers(other),
        threshold_route_rule=threshold_route_rule,
    )
    registry = Registry.load([("testshire", broken)])
    # urgent routes never reach the plugin's rule, so they still work
    assert (
        api.route({"immediate_danger": True}, "testshire", registry=registry).route == "emergency"
    )
    with pytest.raises(AuthorityError, match="failed in threshold_route_rule: ZeroDivisionError"):
        api.route({"level": 3}, "testshire", registry=registry)

    monkeypatch.setattr(api, "default_registry", lambda: registry)
    # the CLI reads the authority's question options (--level) through the registry too
    monkeypatch.setattr("threshold.core.plugins.registry.default_registry", lambda: registry)
    result = run_cli("route", "--authority", "testshire", "--level", "3")
    assert result.code == 3
    assert "ZeroDivisionError" in result.err and "ring 999" in result.err
    assert result.err.count("\n") == 1


def test_a_rule_never_sees_an_urgent_case_and_chooses_only_routes_of_its_data() -> None:
    """The core decides immediate danger and significant harm before any rule; a
    rule may send more cases to an urgent route (as a table row may), and a route
    its data has not is refused."""
    other = attrs.evolve(derby_city.data.authority(), id="lowshire")
    asked: list[dict[str, object]] = []

    def threshold_route_rule(authority: Authority, case: Case) -> RouteChoice | None:
        asked.append(case.facts())
        if case.level == 4:
            return RouteChoice("child-protection")  # more cases urgent: allowed
        if case.level == 3:
            return RouteChoice("fast-track")  # not a route of its data
        return None

    registry = Registry.load(
        [
            (
                "lowshire",
                plugin(
                    "lowshire",
                    threshold_register_authorities=registers(other),
                    threshold_route_rule=threshold_route_rule,
                ),
            )
        ]
    )
    urgent = {"immediate_danger": True, "level": 3}
    assert api.route(urgent, "lowshire", registry=registry).route == "emergency"
    harm = {"significant_harm": True, "level": 3}
    assert api.route(harm, "lowshire", registry=registry).route == "child-protection"
    assert asked == []  # never asked about an urgent case
    level4 = api.route({"level": 4}, "lowshire", registry=registry)
    assert (level4.route, level4.kind) == ("child-protection", "child-protection")
    with pytest.raises(AuthorityError, match="chose route 'fast-track', which its data has not"):
        api.route({"level": 3}, "lowshire", registry=registry)
    assert api.route({"level": 2}, "lowshire", registry=registry).route == "early-help"  # table


def test_env_var_limits_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THRESHOLD_PLUGINS", "derbyshire")
    assert Registry.load().authority_ids() == ["derbyshire"]


def test_a_rule_is_asked_only_about_its_own_plugins_authorities() -> None:
    """Each plugin's rule is asked only about the authorities that plugin registered."""
    asked: list[tuple[str, str]] = []

    def spy(name: str) -> Any:
        def threshold_route_rule(authority: Authority, case: Case) -> RouteChoice | None:
            asked.append((name, authority.id))
            return None

        return threshold_route_rule

    plugins = [
        (
            name,
            plugin(
                name,
                threshold_register_authorities=registers(
                    attrs.evolve(derby_city.data.authority(), id=name)
                ),
                threshold_route_rule=spy(name),
            ),
        )
        for name in ("eastshire", "westshire")
    ]
    registry = Registry.load(plugins, use_entry_points=False)
    api.route({"level": 3}, "eastshire", registry=registry)
    api.route({"level": 2}, "westshire", registry=registry)
    assert asked == [("eastshire", "eastshire"), ("westshire", "westshire")]


def test_a_plugin_that_fails_to_import_is_reported_and_asked_for_exits_3(
    monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Any]
) -> None:
    from pathlib import Path

    from threshold.core.io.distributions import Distribution, EntryPoint
    from threshold.core.plugins import registry as registry_module

    real = registry_module.entry_points
    dist = Distribution(Path("ghost-1.0.dist-info"))
    ghost = EntryPoint("ghost", "threshold_no_such_plugin_module", dist)
    monkeypatch.setattr(registry_module, "entry_points", lambda group: [*real(group), ghost])
    registry = Registry.load()
    assert registry.authority_ids() == ["derby_city", "derbyshire"]
    ((name, reason),) = registry.problems()
    assert name == "ghost" and reason.startswith("failed to import: ModuleNotFoundError")

    monkeypatch.setattr(api, "default_registry", lambda: registry)
    monkeypatch.setattr("threshold.core.plugins.registry.default_registry", lambda: registry)
    listed = run_cli("authorities")
    assert "BROKEN ghost: failed to import: ModuleNotFoundError" in listed.out
    routed = run_cli("route", "--authority", "ghost", "--immediate-danger")
    assert routed.code == 3
    assert "plugin 'ghost' is broken: failed to import" in routed.err
    assert "ring 999" in routed.err
    fine = run_cli("route", "--authority", "derby_city", "--level", "2")
    assert fine.code == 0


def test_a_plugin_with_invalid_data_is_reported_by_file_and_field(tmp_path: Any) -> None:
    from threshold.core.io.loading import load_authority

    bad = tmp_path / "authority.toml"
    bad.write_text(
        DERBY_CITY_DATA.read_text("utf-8").replace('purpose = "meeting"', 'purpose = "fax"')
    )

    def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
        register(load_authority([*PACK, bad, *derby_city.data.files[len(PACK) + 1 :]]))

    registry = Registry.load(
        [
            (
                "badcity",
                plugin("badcity", threshold_register_authorities=threshold_register_authorities),
            )
        ]
    )
    ((name, reason),) = registry.problems()
    assert name == "badcity"
    assert str(bad) in reason and "contacts[4].purpose" in reason
    assert registry.authority_ids() == ["derby_city", "derbyshire"]
