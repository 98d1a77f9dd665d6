"""The engine's own modules, tested directly (not through the CLI or the public
API): precedence in the plan, the authority's rule asked only where it decides,
the contact order at a time, and the reuse of what does not depend on the time."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from threshold.core.engine.build import build_guidance
from threshold.core.engine.contacts import contact_role, contacts_at, prepare_contacts
from threshold.core.engine.plan import AUTHORITY_ROUTES, decide_route, plan_case
from threshold.core.engine.reuse import without_reuse
from threshold.core.engine.wording import contact_label, contact_placeholders
from threshold.core.model.case import Case
from threshold.core.model.enums import (
    URGENT_ROUTES,
    Consent,
    EarlyHelpAssessment,
    Purpose,
    Referrer,
    Route,
)
from threshold.core.model.errors import AuthorityError
from threshold.core.model.guidance import RouteChoice
from threshold.core.plugins.registry import Registry

LONDON_MONDAY_11 = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)
SATURDAY_NIGHT = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)


class Rule:
    """An authority's rule that counts how often it is asked."""

    def __init__(self, route: Route = Route.ONLINE_REFERRAL) -> None:
        self.route = route
        self.asked: list[Case] = []

    def __call__(self, case: Case) -> RouteChoice:
        self.asked.append(case)
        return RouteChoice(self.route, False, ("online-referral-make",), ())


@pytest.fixture(scope="module")
def derby_city(registry: Registry) -> object:
    return registry.get("derby_city").authority


def test_urgent_facts_come_before_the_authoritys_rule(derby_city: object) -> None:
    rule = Rule()
    for case in (
        Case(level=3, immediate_danger=True),
        Case(level=4, significant_harm=True, referrer=Referrer.PUBLIC),
        Case(level=1, non_mobile_baby_bruising=True),
    ):
        assert plan_case(case, derby_city, rule).route in URGENT_ROUTES  # type: ignore[arg-type]
    assert rule.asked == []
    danger = plan_case(Case(immediate_danger=True, significant_harm=True), derby_city, rule)  # type: ignore[arg-type]
    assert danger.route is Route.EMERGENCY and danger.steps[0] == "call-999"


def test_the_rule_is_asked_only_at_levels_3_and_4_or_for_the_public(derby_city: object) -> None:
    rule = Rule()
    routes = {
        level: decide_route(Case(level=level), derby_city, rule)  # type: ignore[arg-type]
        for level in (None, 1, 2, 3, 4)
    }
    assert routes == {
        None: Route.ADVICE,
        1: Route.UNIVERSAL,
        2: Route.EARLY_HELP,
        3: Route.ONLINE_REFERRAL,
        4: Route.ONLINE_REFERRAL,
    }
    assert [c.level for c in rule.asked] == [3, 4]
    decide_route(Case(level=1, referrer=Referrer.PUBLIC), derby_city, rule)  # type: ignore[arg-type]
    assert len(rule.asked) == 3


@pytest.mark.parametrize("route", sorted(set(Route) - AUTHORITY_ROUTES))
def test_a_rule_may_not_choose_a_core_route(derby_city: object, route: Route) -> None:
    with pytest.raises(AuthorityError, match="which only the core may choose"):
        plan_case(Case(level=3), derby_city, Rule(route))  # type: ignore[arg-type]


def test_refused_consent_adds_its_review_at_level_3(derby_city: object) -> None:
    plan = plan_case(
        Case(level=3, consent=Consent.REFUSED, early_help_assessment=EarlyHelpAssessment.NONE),
        derby_city,  # type: ignore[arg-type]
        Rule(),
    )
    assert "consent-refused-review" in plan.steps
    assert {"refused-review", "refused-share-anyway"} <= set(plan.consent_keys)


def test_a_closed_contact_goes_after_its_open_alternative(registry: Registry) -> None:
    authority = registry.get("derbyshire").authority
    advice = authority.contacts_for(Purpose.PROFESSIONAL_ADVICE)
    out_of_hours = authority.contacts_for(Purpose.OUT_OF_HOURS_ADVICE)
    assert contact_role(Purpose.OUT_OF_HOURS_ADVICE) is Purpose.PROFESSIONAL_ADVICE
    slots = prepare_contacts(authority, [*advice, *out_of_hours])
    weekday = contacts_at(slots, LONDON_MONDAY_11)
    assert [c.id for c in weekday] == [c.id for c in (*advice, *out_of_hours)]
    saturday = contacts_at(slots, SATURDAY_NIGHT)
    assert saturday[0].id == out_of_hours[0].id and saturday[-1].id == advice[0].id
    closed = saturday[-1]
    assert closed.open is False and closed.alternative == out_of_hours[0].id
    assert closed.when_closed and contact_label(out_of_hours[0]) in closed.when_closed


def test_placeholders_are_the_authoritys_own_contacts(registry: Registry) -> None:
    authority = registry.get("derby_city").authority
    values = contact_placeholders(authority)
    assert "01332 641172" in values["child_protection_line"]
    assert set(values) == {
        "child_protection_line",
        "advice_line",
        "out_of_hours_line",
        "online_referral",
        "public_line",
    }


def test_the_time_independent_part_is_reused_unless_asked_not_to(derby_city: object) -> None:
    rule = Rule()
    case = Case(level=3, consent=Consent.GIVEN)

    def build(at: dt.datetime) -> object:
        return build_guidance(
            attrs.evolve(case, at=at),
            derby_city,  # type: ignore[arg-type]
            rule,
            plugin="test",
            plugin_version=str(id(rule)),  # a key of its own: never a reuse from elsewhere
            today=dt.date(2026, 11, 23),
        )

    first, second = build(LONDON_MONDAY_11), build(SATURDAY_NIGHT)
    assert len(rule.asked) == 1  # the second call reused the first one's plan
    assert first.steps is second.steps  # type: ignore[attr-defined]
    assert first.at != second.at  # type: ignore[attr-defined]
    with without_reuse():
        build(LONDON_MONDAY_11)
        build(LONDON_MONDAY_11)
    assert len(rule.asked) == 3
