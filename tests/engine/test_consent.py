"""Consent rules: refused at levels 2-3 keeps the route and adds the review duty;
child protection is never blocked by consent."""

from __future__ import annotations

import pytest

from threshold.core.engine.api import route
from threshold.core.plugins.registry import Registry
from threshold.plugins.ddscp.names import Route

AT = "2026-11-23T11:00"


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"level": 2}, Route.EARLY_HELP),
        ({"level": 3, "early_help_assessment": "completed"}, None),
    ],
)
def test_refused_at_levels_2_and_3_keeps_route_and_adds_review(
    registry: Registry, authority: str, case: dict[str, object], expected: Route | None
) -> None:
    base = route({**case, "at": AT}, authority, registry=registry)
    refused = route({**case, "consent": "refused", "at": AT}, authority, registry=registry)
    assert refused.route is base.route
    if expected:
        assert refused.route == expected
    assert refused.consent.required is True
    assert any("review of the concerns" in g for g in refused.consent.guidance)
    assert any("escalation" in r for r in refused.consent.record)
    assert not any("review of the concerns" in g for g in base.consent.guidance)


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
@pytest.mark.parametrize("consent", ["refused", "unsafe-to-seek", "not-sought", "given"])
def test_child_protection_is_not_barred_by_consent(
    registry: Registry, authority: str, consent: str
) -> None:
    guidance = route(
        {"significant_harm": True, "consent": consent, "at": AT}, authority, registry=registry
    )
    assert guidance.route == Route.CHILD_PROTECTION
    assert guidance.consent.required is False
    assert "not a bar" in guidance.consent.guidance[0]
    assert any("told" in r for r in guidance.consent.record)


def test_refused_at_child_protection_records_why_proceeding(registry: Registry) -> None:
    guidance = route(
        {"significant_harm": True, "consent": "refused", "at": AT}, "derbyshire", registry=registry
    )
    assert any("reason for proceeding without agreement" in r for r in guidance.consent.record)


def test_unsafe_to_seek_records_the_decision(registry: Registry) -> None:
    guidance = route(
        {"level": 3, "consent": "unsafe-to-seek", "at": AT}, "derby_city", registry=registry
    )
    assert any("without consent" in r for r in guidance.consent.record)


def test_level_4_refused_follows_considerations_when_consent_is_not_given(
    registry: Registry,
) -> None:
    guidance = route(
        {"level": 4, "consent": "refused", "early_help_assessment": "completed", "at": AT},
        "derbyshire",
        registry=registry,
    )
    assert any("withheld" in g for g in guidance.consent.guidance)


def test_advice_line_consent_stated_for_derbyshire_not_for_derby_city(registry: Registry) -> None:
    shire = route({"at": AT}, "derbyshire", registry=registry)
    city = route({"at": AT}, "derby_city", registry=registry)
    assert shire.consent.required is False
    assert any("do not need consent" in g for g in shire.consent.guidance)
    assert city.consent.required is None
    assert "advice-line-consent-not-stated" in [w.code for w in city.warnings]


def test_record_keeping_always_includes_the_decision(registry: Registry) -> None:
    for case in ({"level": 1}, {"level": 2}, {"significant_harm": True}, {}):
        guidance = route({**case, "at": AT}, "derbyshire", registry=registry)
        assert guidance.record_keeping[0].startswith("Record the decision")
