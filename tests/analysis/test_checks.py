"""Completeness and safety checks over the whole scenario matrix: they hold for the
built-in authorities, and each one fails for a plugin deliberately broken to break it."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from tests.conftest import Result
from threshold.core.analysis.checks import RULE_IDS, RULES, Violation, check_rules
from threshold.core.analysis.matrix import FIELDS, SIZE, combinations, matrix
from threshold.core.io.parse import parse_case
from threshold.core.model.authority import Authority, StepText
from threshold.core.model.case import Case
from threshold.core.model.enums import Purpose
from threshold.core.model.guidance import RouteChoice
from threshold.core.plugins import registry as registry_module
from threshold.core.plugins.hookspecs import hookimpl
from threshold.core.plugins.registry import Registry
from threshold.plugins import derby_city

Run = Callable[..., Result]


def test_the_matrix_has_every_combination_once() -> None:
    cases = list(matrix())
    assert len(cases) == SIZE == 3840
    assert len({tuple(sorted(c.items())) for c in cases}) == SIZE
    for name, values in FIELDS:
        assert {c[name] for c in cases} == set(values)
    assert all(isinstance(parse_case(c), Case) for c in cases[:: SIZE // 16])
    assert [c.index for c in combinations()] == list(range(SIZE))


@pytest.mark.parametrize("authority_id", ["derbyshire", "derby_city"])
def test_every_rule_holds_for_the_built_in_authorities(
    registry: Registry, authority_id: str
) -> None:
    assert check_rules(registry, authority_id) == []


# ----------------------------------------------------------------------------- broken plugins


def broken_plugin(
    authority: Authority, rule: Callable[[Authority, Case], RouteChoice | None] | None = None
) -> Registry:
    """Register ``authority`` (id "brokenshire") in a test plugin. Its referral rule is
    ``rule``, or Derby City's rule unchanged."""

    def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
        register(authority)

    def threshold_referral_route(authority: Authority, case: Case) -> RouteChoice | None:
        if rule is not None:
            return rule(authority, case)
        return derby_city.threshold_referral_route(attrs.evolve(authority, id="derby_city"), case)

    module = types.ModuleType("brokenshire")
    for function in (threshold_register_authorities, threshold_referral_route):
        setattr(module, function.__name__, hookimpl(function))
    return Registry.load([("brokenshire", module)], use_entry_points=False)


def base() -> Authority:
    return attrs.evolve(derby_city.data.authority(), id="brokenshire", name="Brokenshire")


def without(purposes: set[Purpose]) -> Authority:
    authority = base()
    return attrs.evolve(
        authority, contacts=tuple(c for c in authority.contacts if c.purpose not in purposes)
    )


def raises_at_level_4(authority: Authority, case: Case) -> RouteChoice | None:
    if case.level == 4:
        raise ZeroDivisionError("bug")
    return derby_city.threshold_referral_route(attrs.evolve(authority, id="derby_city"), case)


def depends_on_the_time(authority: Authority, case: Case) -> RouteChoice | None:
    from threshold.core.model.enums import Route

    assert case.at is not None
    route = Route.ONLINE_REFERRAL if case.at.hour < 17 else Route.VULNERABLE_CHILDRENS_MEETING
    return RouteChoice(route, False, ("online-referral-make",), ())


def uncited_step() -> Authority:
    authority = base()
    steps = dict(authority.steps)
    steps["call-999"] = StepText("Ring 999.", "Emergency.", ())
    return attrs.evolve(authority, steps=steps)


def uncited_contact() -> Authority:
    authority = base()
    contacts = tuple(
        attrs.evolve(c, citations=()) if c.purpose is Purpose.CHILD_PROTECTION else c
        for c in authority.contacts
    )
    return attrs.evolve(authority, contacts=contacts)


BREAKAGES: dict[str, tuple[str, Callable[[], Registry], str]] = {
    "a rule that raises at level 4": (
        "one-route",
        lambda: broken_plugin(base(), raises_at_level_4),
        "no route (AuthorityError: plugin 'brokenshire' failed in threshold_referral_route",
    ),
    "a rule that depends on the time of day": (
        "one-route",
        lambda: broken_plugin(base(), depends_on_the_time),
        "the route changes with the time: online-referral at 2026-11-23T11:00, "
        "vulnerable-childrens-meeting at 2026-12-25T23:30",
    ),
    "data without 999": (
        "danger-999-first",
        lambda: broken_plugin(without({Purpose.EMERGENCY})),
        "first contact is Derby City Initial Response Team (01332 641172), not 999",
    ),
    "data without a child protection line": (
        "harm-urgent-route",
        lambda: broken_plugin(without({Purpose.CHILD_PROTECTION})),
        "first contact is Derby City Care line (out-of-hours-advice), expected a phone line "
        "for emergencies or child protection (never an online form alone)",
    ),
    "data without any phone line": (
        "phone-with-hours",
        lambda: broken_plugin(
            without({p for p in Purpose if p not in (Purpose.ONLINE_REFERRAL, Purpose.MEETING)})
        ),
        "no phone number with its hours is named",
    ),
    "a step without a citation": (
        "step-cited",
        lambda: broken_plugin(uncited_step()),
        "step 1 (call-999) has no citation",
    ),
    "a contact without a citation": (
        "contact-cited",
        lambda: broken_plugin(uncited_contact()),
        "contact initial-response-team has no citation",
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_each_rule_fails_for_a_plugin_that_breaks_it(breakage: str) -> None:
    rule, make, message = BREAKAGES[breakage]
    registry = make()
    assert registry.authority_ids() == ["brokenshire"]
    violations = check_rules(registry, "brokenshire")
    broken_rules = {v.rule for v in violations}
    assert rule in broken_rules, f"{breakage}: expected {rule}, got {broken_rules}"
    example = next(v for v in violations if v.rule == rule)
    assert example.message.startswith(message)
    # the violation names the combination, every field
    assert example.case == list(combinations())[example.combination].label()
    assert all(name in example.case for name in ("immediate danger:", "level:", "consent:"))
    assert str(example).startswith(f"brokenshire: rule {rule}: ")


def test_violations_name_exactly_the_combinations_that_break_the_rule() -> None:
    registry = broken_plugin(base(), raises_at_level_4)
    violations = check_rules(registry, "brokenshire")
    broken = {v.combination for v in violations}
    expected = {c.index for c in combinations() if c.as_dict()["level"] == 4 and not c.urgent()}
    assert broken == expected
    assert all(v.rule == "one-route" for v in violations)
    assert len(expected) == 2 * 3 * 2 * 2 * 4  # referrer x EHA x escalation x setting x consent


def test_rules_are_documented() -> None:
    assert set(RULE_IDS) == {
        "one-route",
        "danger-999-first",
        "harm-urgent-route",
        "phone-with-hours",
        "step-cited",
        "contact-cited",
    }
    assert all(rule.text.endswith(".") for rule in RULES)
    assert Violation("a", "one-route", 0, "case", "x").authority == "a"


# ----------------------------------------------------------------------------- CLI


def test_check_rules_cli(run_cli: Run) -> None:
    result = run_cli("check", "--rules")
    assert result.code == 0, result.err
    assert "derbyshire: rules: 3840 combinations, 6 rules: every rule holds." in result.out
    assert "derby_city: rules: 3840 combinations, 6 rules: every rule holds." in result.out
    as_json = run_cli("check", "--rules", "derby_city", "--format", "json").json()
    assert [r["authority"] for r in as_json["reports"]] == ["derby_city"]
    assert as_json["reports"][0]["violations"] == []


def test_check_cli_fails_on_a_broken_plugin(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = broken_plugin(without({Purpose.EMERGENCY}))
    monkeypatch.setattr(registry_module, "default_registry", lambda: registry)
    result = run_cli("check", "--rules", "brokenshire")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("brokenshire: rule danger-999-first: first contact is ")
    assert "[case immediate danger: yes, " in lines[0]
    assert "violations (danger-999-first " in lines[-1]
    data: Any = run_cli("check", "--rules", "brokenshire", "--format", "json").json()
    assert {v["rule"] for v in data["reports"][0]["violations"]} >= {"danger-999-first"}


def test_check_cli_unknown_authority(run_cli: Run) -> None:
    result = run_cli("check", "--rules", "atlantis")
    assert result.code == 2
    assert result.err.startswith("threshold: error: AUTHORITY: unknown authority")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
