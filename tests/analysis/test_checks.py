"""Completeness and safety checks: the rules over the whole scenario matrix and the
proofs over the decision table hold for the built-in authorities, and each one
fails for a plugin deliberately broken to break it."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from tests.conftest import Result
from threshold.core.analysis.checks import (
    RULE_IDS,
    RULES,
    TABLE_RULE_IDS,
    TABLE_RULES,
    Violation,
    check_rules,
    check_tables,
)
from threshold.core.analysis.matrix import matrix_of
from threshold.core.io.parse import parse_case
from threshold.core.model.authority import Authority, StepText
from threshold.core.model.case import Case
from threshold.core.model.enums import Purpose
from threshold.core.model.guidance import RouteChoice
from threshold.core.model.tables import Guard, Part, Row, compile_condition
from threshold.core.plugins import registry as registry_module
from threshold.core.plugins.hookspecs import hookimpl
from threshold.core.plugins.registry import Registry
from threshold.plugins import derby_city

Run = Callable[..., Result]
Rule = Callable[[Authority, Case], RouteChoice | None]


def test_the_matrix_has_every_combination_once(registry: Registry) -> None:
    matrix = matrix_of(registry.get("derby_city").authority)
    cases = list(matrix.cases())
    assert len(cases) == matrix.size == 3840
    assert len({tuple(sorted(c.items())) for c in cases}) == matrix.size
    for name, values in matrix.fields:
        assert {c[name] for c in cases} == set(values)
    authority = matrix.authority
    assert all(isinstance(parse_case(c, authority), Case) for c in cases[:: matrix.size // 16])
    assert [c.index for c in matrix.combinations()] == list(range(matrix.size))


@pytest.mark.parametrize("authority_id", ["derbyshire", "derby_city"])
def test_every_rule_holds_for_the_built_in_authorities(
    registry: Registry, authority_id: str
) -> None:
    assert check_rules(registry, authority_id) == []
    assert check_tables(registry.get(authority_id).authority, strict=True) == []


# ----------------------------------------------------------------------------- broken plugins


def broken_plugin(authority: Authority, rule: Rule | None = None) -> Registry:
    """Register ``authority`` (id "brokenshire") in a test plugin, with ``rule`` as its
    Python rule (the escape hatch beside its decision table), if given."""

    def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
        register(authority)

    def threshold_route_rule(authority: Authority, case: Case) -> RouteChoice | None:
        assert rule is not None
        return rule(authority, case) if authority.id == "brokenshire" else None

    module = types.ModuleType("brokenshire")
    hooks: list[Callable[..., Any]] = [threshold_register_authorities]
    if rule is not None:
        hooks.append(threshold_route_rule)
    for function in hooks:
        setattr(module, function.__name__, hookimpl(function))
    return Registry.load([("brokenshire", module)], use_entry_points=False)


def base() -> Authority:
    """Derby City's data under another id."""
    return attrs.evolve(derby_city.data.authority(), id="brokenshire", name="Brokenshire")


def without(purposes: set[Purpose]) -> Authority:
    authority = base()
    return attrs.evolve(
        authority,
        contacts=tuple(c for c in authority.contacts if not set(c.purposes) & purposes),
    )


def raises_at_level_4(authority: Authority, case: Case) -> RouteChoice | None:
    if case.level == 4:
        raise ZeroDivisionError("bug")
    return None  # the decision table decides


def depends_on_the_time(authority: Authority, case: Case) -> RouteChoice | None:
    assert case.at is not None
    return RouteChoice("online-referral" if case.at.hour < 17 else "vulnerable-childrens-meeting")


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


def bruising_to_early_help() -> Authority:
    """The pack's row for bruising on a non-mobile baby sends it to early help: a
    pack may send more cases to an urgent route than the core does, never fewer."""
    authority = base()
    first, *rest = authority.rules
    assert first.when.facts == {"non_mobile_baby_bruising"}
    return attrs.evolve(authority, rules=(attrs.evolve(first, route="early-help"), *rest))


BREAKAGES: dict[str, tuple[str, Callable[[], Registry], str]] = {
    "a rule that raises at level 4": (
        "one-route",
        lambda: broken_plugin(base(), raises_at_level_4),
        "no route (AuthorityError: plugin 'brokenshire' failed in threshold_route_rule",
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
    "a table that sends bruising on a non-mobile baby to early help": (
        "harm-urgent-route",
        lambda: broken_plugin(bruising_to_early_help()),
        "route is early-help (early-help), expected emergency or child protection",
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
    assert example.message.startswith(message), example.message
    # the violation names the combination, every field
    matrix = matrix_of(registry.get("brokenshire").authority)
    assert example.case == list(matrix.combinations())[example.combination].label()
    assert all(name in example.case for name in ("immediate danger:", "level:", "consent:"))
    assert str(example).startswith(f"brokenshire: rule {rule}: ")


def test_violations_name_exactly_the_combinations_that_break_the_rule() -> None:
    registry = broken_plugin(base(), raises_at_level_4)
    violations = check_rules(registry, "brokenshire")
    broken = {v.combination for v in violations}
    matrix = matrix_of(registry.get("brokenshire").authority)
    # the Python rule is asked for every case the core's precedence leaves (no immediate
    # danger, no significant harm): the pack's own urgent row comes after it
    expected = {
        c.index
        for c in matrix.combinations()
        if c.as_dict()["level"] == 4
        and not c.as_dict()["immediate_danger"]
        and not c.as_dict()["significant_harm"]
    }
    assert broken == expected
    assert all(v.rule == "one-route" for v in violations)
    # bruising x referrer x EHA x escalation x setting x consent
    assert len(expected) == 2 * 2 * 3 * 2 * 2 * 4


def test_rules_are_documented() -> None:
    assert set(RULE_IDS) == {
        "one-route",
        "danger-999-first",
        "harm-urgent-route",
        "phone-with-hours",
        "step-cited",
        "contact-cited",
    }
    assert set(TABLE_RULE_IDS) == {
        "table-complete",
        "unreachable-row",
        "dead-part",
        "urgent-route-contacts",
        "follow-up-contact",
    }
    assert all(rule.text.endswith(".") for rule in (*RULES, *TABLE_RULES))
    assert Violation("a", "one-route", 0, "case", "x").authority == "a"


# ----------------------------------------------------------------------------- proofs over the data


def _impossible_part(authority: Authority, route_id: str) -> Authority:
    """A part on ``route_id`` that needs a member of the public, on a route only
    professionals reach."""
    route = authority.routes[route_id]
    part = Part(
        (Guard(compile_condition({"referrer": "public"})),),
        "brokenshire/rules.toml: routes.online-referral.parts[9]",
        (("summary", "online-referral"),),
    )
    routes = {**authority.routes, route_id: attrs.evolve(route, parts=(*route.parts, part))}
    return attrs.evolve(authority, routes=routes)


def _without_catch_all(authority: Authority) -> Authority:
    return attrs.evolve(authority, rules=authority.rules[:-1])


def _row_twice(authority: Authority) -> Authority:
    last = authority.rules[-1]
    again = attrs.evolve(last, origin="brokenshire/rules.toml: rules[7]")
    return attrs.evolve(authority, rules=(*authority.rules, again))


def _online_form_on_child_protection(authority: Authority) -> Authority:
    route = authority.routes["child-protection"]
    part = Part((), "brokenshire/rules.toml: routes.child-protection.parts[3]")
    part = attrs.evolve(part, collected=(("contacts", ("meeting",)),))
    routes = {
        **authority.routes,
        "child-protection": attrs.evolve(route, parts=(*route.parts, part)),
    }
    return attrs.evolve(authority, routes=routes)


def _follow_up_without_its_contact(authority: Authority) -> Authority:
    contacts = tuple(
        attrs.evolve(c, purposes=tuple(p for p in c.purposes if p is not Purpose.FOLLOW_UP))
        for c in authority.contacts
    )
    return attrs.evolve(authority, contacts=contacts)


PROOF_BREAKAGES: dict[str, tuple[str, str, Callable[[Authority], Authority], str, str]] = {
    "a table without its last row": (
        "table-complete",
        "error",
        _without_catch_all,
        "ddscp/rules.toml: rules + derby_city/rules.toml: rules",
        "no row matches 3 of the 60 cases the table can see, such as referrer: professional, "
        "bruising on a non-mobile baby: no, level: none given, EHA: completed; ",
    ),
    "a row after the catch-all row": (
        "unreachable-row",
        "warning",
        _row_twice,
        "brokenshire/rules.toml: rules[7]",
        "never the first match (route 'advice')",
    ),
    "a part no case reaches": (
        "dead-part",
        "warning",
        lambda a: _impossible_part(a, "online-referral"),
        "brokenshire/rules.toml: routes.online-referral.parts[9]",
        "applies to no case",
    ),
    "a meeting on the child protection route": (
        "urgent-route-contacts",
        "error",
        _online_form_on_child_protection,
        "brokenshire/rules.toml: routes.child-protection.parts[3].contacts[0]",
        "the child-protection route 'child-protection' lists Locality Vulnerable Children's "
        "Meeting (VCM) (contact 'locality-vcm', purposes: meeting) for meeting; an urgent route "
        "lists only contacts for: emergency, child-protection, public, out-of-hours-advice, "
        "follow-up",
    ),
    "a written follow-up and no contact to send it to": (
        "follow-up-contact",
        "error",
        _follow_up_without_its_contact,
        "ddscp/rules.toml: fragments.urgent[2]",
        "route 'emergency' sets a written follow-up but lists no contact with the purpose "
        "follow-up (such as for immediate danger: yes, ",
    ),
}


@pytest.mark.parametrize("breakage", list(PROOF_BREAKAGES))
def test_each_proof_fails_for_data_that_breaks_it(breakage: str) -> None:
    rule, severity, make, where, message = PROOF_BREAKAGES[breakage]
    authority = make(base())
    assert check_tables(base()) == []
    findings = [f for f in check_tables(authority) if f.rule == rule]
    assert findings, f"{breakage}: expected {rule}"
    found = findings[0]
    assert (found.severity, found.where) == (severity, where)
    assert found.message.startswith(message), found.message
    assert str(found).startswith(f"brokenshire: {severity}: rule {rule}: {where}: ")
    strict = [f for f in check_tables(authority, strict=True) if f.rule == rule]
    assert {f.severity for f in strict} == {"error"}


def test_the_proofs_see_every_row_and_part(registry: Registry) -> None:
    authority = registry.get("derbyshire").authority
    origins = [row.origin for row in authority.rules]
    assert origins[:2] == ["ddscp/rules.toml: rules[0]", "derbyshire/rules.toml: rules[0]"]
    assert origins[-1] == "ddscp/rules.toml: rules[4]"
    assert authority.rules[6].origin == "ddscp/rules.toml: rules[2]"
    # an unreachable row is found wherever it is written: here, a pack row made
    # unreachable by an authority row above it that takes every level-2 case
    level_2 = next(i for i, r in enumerate(authority.rules) if r.route == "early-help")
    shadow = Row(compile_condition({"level": 2}), "universal", "derbyshire/rules.toml: rules[9]")
    rows = (*authority.rules[:level_2], shadow, *authority.rules[level_2:])
    findings = check_tables(attrs.evolve(authority, rules=rows))
    assert [(f.rule, f.where) for f in findings if f.rule == "unreachable-row"] == [
        ("unreachable-row", authority.rules[level_2].origin)
    ]


# ----------------------------------------------------------------------------- CLI


def test_check_rules_cli(run_cli: Run) -> None:
    result = run_cli("check", "--rules")
    assert result.code == 0, result.err
    assert "derbyshire: rules: 3840 combinations, 6 rules: every rule holds." in result.out
    assert "derby_city: rules: 3840 combinations, 6 rules: every rule holds." in result.out
    assert (
        "derbyshire: proofs: 9 rows over 120 cases, 15360 cases of every question, 5 rules: "
        "every rule holds." in result.out
    )
    as_json = run_cli("check", "--rules", "derby_city", "--format", "json").json()
    assert [r["authority"] for r in as_json["reports"]] == ["derby_city"]
    assert as_json["reports"][0]["violations"] == []
    assert as_json["reports"][0]["table"]["findings"] == []


def test_check_cli_fails_on_a_broken_plugin(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = broken_plugin(without({Purpose.EMERGENCY}))
    monkeypatch.setattr(registry_module, "default_registry", lambda: registry)
    result = run_cli("check", "--rules", "brokenshire")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("brokenshire: rule danger-999-first: first contact is ")
    assert "[case immediate danger: yes, " in lines[0]
    assert "violations (danger-999-first " in lines[-2]
    data: Any = run_cli("check", "--rules", "brokenshire", "--format", "json").json()
    assert {v["rule"] for v in data["reports"][0]["violations"]} >= {"danger-999-first"}


def test_check_rules_strict_fails_on_warnings(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = broken_plugin(_row_twice(base()))
    monkeypatch.setattr(registry_module, "default_registry", lambda: registry)
    result = run_cli("check", "--rules", "brokenshire")
    assert result.code == 0, result.out
    warning = (
        "brokenshire: warning: rule unreachable-row: brokenshire/rules.toml: rules[7]: never "
        "the first match"
    )
    assert warning in result.out
    assert result.out.splitlines()[-1].endswith(
        "0 errors, 1 warning (unreachable-row 1)."
    )  # issue 15: plurals
    strict = run_cli("check", "--rules", "--strict", "brokenshire")
    assert strict.code == 1
    assert warning.replace("warning:", "error:") in strict.out


def test_check_cli_unknown_authority(run_cli: Run) -> None:
    result = run_cli("check", "--rules", "atlantis")
    assert result.code == 2
    assert result.err.startswith("threshold: error: AUTHORITY: unknown authority")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
