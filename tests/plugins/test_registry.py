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
from threshold.testing import make_plugin as plugin

DERBY_CITY_DATA = derby_city.data.files[-1]  # its own authority.toml


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

    def threshold_referral_route(authority: Authority, case: Case) -> RouteChoice | None:
        raise ZeroDivisionError("bug")

    broken = plugin(
        "testshire",
        threshold_register_authorities=registers(other),
        threshold_referral_route=threshold_referral_route,
    )
    registry = Registry.load([("testshire", broken)])
    # urgent routes never reach the plugin's rule, so they still work
    assert (
        api.route({"immediate_danger": True}, "testshire", registry=registry).route.value
        == "emergency"
    )
    with pytest.raises(
        AuthorityError, match="failed in threshold_referral_route: ZeroDivisionError"
    ):
        api.route({"level": 3}, "testshire", registry=registry)

    monkeypatch.setattr(api, "default_registry", lambda: registry)
    result = run_cli("route", "--authority", "testshire", "--level", "3")
    assert result.code == 3
    assert "ZeroDivisionError" in result.err and "ring 999" in result.err
    assert result.err.count("\n") == 1


def test_a_rule_may_not_choose_an_urgent_route() -> None:
    other = attrs.evolve(derby_city.data.authority(), id="lowshire")

    def threshold_referral_route(authority: Authority, case: Case) -> RouteChoice | None:
        from threshold.core.model.enums import Route

        return RouteChoice(Route.EMERGENCY, False, ())

    registry = Registry.load(
        [
            (
                "lowshire",
                plugin(
                    "lowshire",
                    threshold_register_authorities=registers(other),
                    threshold_referral_route=threshold_referral_route,
                ),
            )
        ]
    )
    with pytest.raises(AuthorityError, match="which only the core may choose"):
        api.route({"level": 4}, "lowshire", registry=registry)


def test_env_var_limits_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THRESHOLD_PLUGINS", "derbyshire")
    assert Registry.load().authority_ids() == ["derbyshire"]


def test_a_rule_only_answers_for_its_own_authorities() -> None:
    from threshold.plugins import derbyshire

    case = Case(level=3)
    assert derbyshire.threshold_referral_route(derby_city.data.authority(), case) is None
    assert derby_city.threshold_referral_route(derbyshire.data.authority(), case) is None


def test_a_plugin_that_fails_to_import_is_reported_and_asked_for_exits_3(
    monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Any]
) -> None:
    from importlib.metadata import EntryPoint

    from threshold.core.plugins import registry as registry_module

    real = registry_module.entry_points
    ghost = EntryPoint(name="ghost", value="threshold_no_such_plugin_module", group="threshold")
    monkeypatch.setattr(registry_module, "entry_points", lambda group: [*real(group=group), ghost])
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
    from threshold.plugins.ddscp import PARTNERSHIP_DATA

    bad = tmp_path / "authority.toml"
    bad.write_text(
        DERBY_CITY_DATA.read_text("utf-8").replace('purpose = "meeting"', 'purpose = "fax"')
    )

    def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
        register(load_authority([PARTNERSHIP_DATA, bad]))

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
