"""The engine's own modules, tested directly (not through the CLI or the public
API): precedence in the plan, the authority's Python rule (the escape hatch)
asked only where it may decide, the decision table otherwise, the contact order
at a time, and the reuse of what does not depend on the time."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from tests.cases import case_of
from threshold.core.engine.build import build_guidance
from threshold.core.engine.contacts import contact_role, contacts_at, prepare_contacts
from threshold.core.engine.plan import decide_route, plan_case
from threshold.core.engine.reuse import without_reuse
from threshold.core.engine.wording import contact_label, contact_placeholders
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.enums import URGENT_KINDS, Purpose
from threshold.core.model.errors import AuthorityError
from threshold.core.model.guidance import RouteChoice
from threshold.core.plugins.registry import Registry

LONDON_MONDAY_11 = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)
SATURDAY_NIGHT = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)


class Rule:
    """An authority's Python rule that counts how often it is asked, and answers
    ``route`` (None: let the decision table decide)."""

    def __init__(self, route: str | None = "online-referral") -> None:
        self.route = route
        self.asked: list[Case] = []

    def __call__(self, case: Case) -> RouteChoice | None:
        self.asked.append(case)
        return RouteChoice(self.route) if self.route else None


@pytest.fixture(scope="module")
def derby_city(registry: Registry) -> Authority:
    return registry.get("derby_city").authority


def test_urgent_facts_come_before_the_authoritys_rule(derby_city: Authority) -> None:
    rule = Rule()
    for values in (
        {"level": 3, "immediate_danger": True},
        {"level": 4, "significant_harm": True, "referrer": "public"},
    ):
        plan = plan_case(case_of(derby_city, **values), derby_city, rule)
        assert plan.route.kind in URGENT_KINDS
    assert rule.asked == []
    danger = plan_case(
        case_of(derby_city, immediate_danger=True, significant_harm=True), derby_city, rule
    )
    assert danger.route.id == "emergency" and danger.lists["steps"][0] == "call-999"


def test_a_pack_row_may_send_more_cases_to_an_urgent_route(derby_city: Authority) -> None:
    """Bruising on a non-mobile baby is the DDSCP's own rule: a row, not the core."""
    plan = plan_case(case_of(derby_city, level=1, non_mobile_baby_bruising=True), derby_city)
    assert plan.route.id == "child-protection" and plan.route.kind in URGENT_KINDS


def test_the_decision_table_decides_where_the_rule_does_not(derby_city: Authority) -> None:
    silent = Rule(None)
    routes = {
        level: decide_route(case_of(derby_city, level=level), derby_city, silent)
        for level in (None, 1, 2, 3, 4)
    }
    assert routes == {
        None: "advice",
        1: "universal",
        2: "early-help",
        3: "online-referral",
        4: "online-referral",
    }
    assert len(silent.asked) == 5  # asked for every case that is not urgent
    assert decide_route(case_of(derby_city, level=1, referrer="public"), derby_city) == (
        "public-contact"
    )


def test_the_rule_overrides_the_table_where_it_answers(derby_city: Authority) -> None:
    rule = Rule("vulnerable-childrens-meeting")
    assert decide_route(case_of(derby_city, level=2), derby_city, rule) == (
        "vulnerable-childrens-meeting"
    )


def test_a_rule_naming_a_route_the_data_has_not_is_a_broken_plugin(
    derby_city: Authority,
) -> None:
    with pytest.raises(AuthorityError, match="which its data has not"):
        plan_case(case_of(derby_city, level=3), derby_city, Rule("request-for-support"))


def test_refused_consent_adds_its_review_at_level_3(derby_city: Authority) -> None:
    plan = plan_case(
        case_of(derby_city, level=3, consent="refused", early_help_assessment="none"),
        derby_city,
    )
    assert "consent-refused-review" in plan.lists["steps"]
    assert {"refused-review", "refused-share-anyway"} <= set(plan.lists["consent"])


def test_a_closed_contact_goes_after_its_open_alternative(registry: Registry) -> None:
    authority = registry.get("derbyshire").authority
    advice = authority.contacts_for(Purpose.PROFESSIONAL_ADVICE)
    out_of_hours = authority.contacts_for(Purpose.OUT_OF_HOURS_ADVICE)
    assert contact_role(Purpose.OUT_OF_HOURS_ADVICE) is Purpose.PROFESSIONAL_ADVICE
    listed = [(c, Purpose.PROFESSIONAL_ADVICE) for c in advice]
    listed += [(c, Purpose.OUT_OF_HOURS_ADVICE) for c in out_of_hours]
    slots = prepare_contacts(authority, listed)
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
        "follow_up",
        "public_line",
    }


def test_the_time_independent_part_is_reused_unless_asked_not_to(derby_city: Authority) -> None:
    rule = Rule()
    case = case_of(derby_city, level=3, consent="given")

    def build(at: dt.datetime) -> object:
        return build_guidance(
            attrs.evolve(case, at=at),
            derby_city,
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
