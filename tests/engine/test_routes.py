"""Route behaviour beyond the scenario files (plugins/*/scenarios.toml hold the
route table for both authorities: one scenario per route and variant)."""

from __future__ import annotations

from threshold.core.engine.api import route
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry
from threshold.plugins.ddscp.names import Route

AT = "2026-11-23T11:00"  # Monday 11am

DERBYSHIRE_CP = "01629 533190"
DERBY_CITY_CP = "01332 641172"


def test_emergency_lists_999_then_child_protection_line(registry: Registry) -> None:
    for authority, cp in (("derbyshire", DERBYSHIRE_CP), ("derby_city", DERBY_CITY_CP)):
        guidance = route({"immediate_danger": True, "at": AT}, authority, registry=registry)
        phones = [c.phone for c in guidance.contacts]
        assert phones[:2] == ["999", cp]
        assert [s.id for s in guidance.steps][:2] == [
            "call-999",
            "call-child-protection-line-after-999",
        ]


def test_child_protection_never_needs_eha_and_never_a_form_alone(registry: Registry) -> None:
    for authority in ("derbyshire", "derby_city"):
        for eha in ("none", "completed", "declined"):
            guidance = route(
                {"significant_harm": True, "level": 3, "early_help_assessment": eha, "at": AT},
                authority,
                registry=registry,
            )
            assert guidance.route == Route.CHILD_PROTECTION
            assert guidance.contacts[0].purpose.value == "child-protection"
            assert guidance.contacts[0].phone
            assert "no-eha-needed" in [s.id for s in guidance.steps]


def test_non_mobile_baby_bruising_cites_keeping_babies_safe(registry: Registry) -> None:
    guidance = route({"non_mobile_baby_bruising": True, "at": AT}, "derbyshire", registry=registry)
    step = next(s for s in guidance.steps if s.id == "keeping-babies-safe")
    assert "Important Safeguarding Information" in step.citations[0].section


def test_every_guidance_carries_the_urgent_numbers(registry: Registry) -> None:
    for authority, cp in (("derbyshire", DERBYSHIRE_CP), ("derby_city", DERBY_CITY_CP)):
        guidance = route({"level": 1, "at": AT}, authority, registry=registry)
        assert [c.phone for c in guidance.urgent_contacts] == ["999", cp]
        assert "professional judgement" in guidance.disclaimer


def test_derbyshire_without_eha_because_declined_says_it_is_a_judgement(registry: Registry) -> None:
    guidance = route(
        {"level": 3, "early_help_assessment": "declined", "at": AT}, "derbyshire", registry=registry
    )
    assert "judgement-required" in [w.code for w in guidance.warnings]
    assert "does not consent" in guidance.summary


def test_early_help_first_says_referral_not_accepted_without_eha(registry: Registry) -> None:
    guidance = route({"level": 3, "at": AT}, "derbyshire", registry=registry)
    assert "will not accept" in guidance.summary
    assert guidance.steps[1].id == "ehf-complete-eha"


def test_time_limited_level_2_gives_the_five_actions(registry: Registry) -> None:
    guidance = route(
        {"level": 2, "setting": "time-limited", "at": AT}, "derbyshire", registry=registry
    )
    ids = [s.id for s in guidance.steps]
    assert ids[:5] == [
        "time-limited-seek-advice",
        "time-limited-share",
        "time-limited-signpost",
        "time-limited-professional-line",
        "time-limited-record",
    ]
    assert [c.phone for c in guidance.contacts] == ["01629 535353", "01629 532 600"]
    assert "01629 532 600" in guidance.steps[3].action


def test_time_limited_at_level_3_is_flagged_as_not_covered_by_the_source(
    registry: Registry,
) -> None:
    guidance = route(
        {"level": 3, "setting": "time-limited", "at": AT}, "derbyshire", registry=registry
    )
    assert guidance.steps[0].id == "time-limited-higher-level"
    assert "time-limited-higher-level" in [w.code for w in guidance.warnings]


def test_derby_city_universal_adds_the_pre_assessment_derbyshire_does_not(
    registry: Registry,
) -> None:
    city = route({"level": 1, "at": AT}, "derby_city", registry=registry)
    shire = route({"level": 1, "at": AT}, "derbyshire", registry=registry)
    assert "early-help-pre-assessment" in [s.id for s in city.steps]
    assert "early-help-pre-assessment" not in [s.id for s in shire.steps]


def test_derby_city_public_route_says_the_source_is_silent(registry: Registry) -> None:
    guidance = route({"referrer": "public", "at": AT}, "derby_city", registry=registry)
    assert "source-silent" in [w.code for w in guidance.warnings]
    assert "do not say how a member of the public" in " ".join(w.message for w in guidance.warnings)


def test_advice_flag_adds_the_advice_line_to_any_route(registry: Registry) -> None:
    guidance = route(
        {"level": 3, "early_help_assessment": "completed", "advice": True, "at": AT},
        "derbyshire",
        registry=registry,
    )
    assert "01629 535353" in [c.phone for c in guidance.contacts]
    assert {"advice-line", "advice-line-how"} <= {s.id for s in guidance.steps}


def test_unborn_adds_the_pre_birth_protocol(registry: Registry) -> None:
    guidance = route({"level": 2, "unborn": True, "at": AT}, "derby_city", registry=registry)
    assert guidance.steps[-1].id == "pre-birth-protocol"


def test_both_call_derbyshire_numbers_shown_each_for_its_purpose(registry: Registry) -> None:
    cp = route({"significant_harm": True, "at": AT}, "derbyshire", registry=registry)
    ooh = route({"level": 2, "setting": "time-limited", "at": AT}, "derbyshire", registry=registry)
    assert (
        cp.contacts[0].phone == "01629 533190"
        and cp.contacts[0].purpose.value == "child-protection"
    )
    out_of_hours = [c for c in ooh.contacts if c.purpose.value == "out-of-hours-advice"]
    assert [c.phone for c in out_of_hours] == ["01629 532 600"]
    assert "01629 533190" in (out_of_hours[0].note or "")


def test_same_case_at_different_times_gets_fresh_opening_hours(registry: Registry) -> None:
    """The time-independent part is reused between calls; open/next_open never are."""
    morning = route({"at": "2026-11-23T11:00"}, "derbyshire", registry=registry)
    evening = route({"at": "2026-11-23T19:00"}, "derbyshire", registry=registry)
    assert morning.steps == evening.steps

    def advice_line(guidance: Guidance) -> tuple[bool | None, str | None]:
        (line,) = [c for c in guidance.contacts if c.phone == "01629 535353"]
        return line.open, line.next_open

    assert advice_line(morning) == (True, None)
    assert advice_line(evening) == (False, "2026-11-24T10:00:00+00:00")
    # closed in the evening, it comes after the out-of-hours line (issue 11)
    assert [c.phone for c in evening.contacts] == ["01629 532 600", "01629 535353"]
    assert (morning.at, evening.at) == ("2026-11-23T11:00:00+00:00", "2026-11-23T19:00:00+00:00")


def test_review_overdue_warns_on_every_guidance(registry: Registry) -> None:
    import datetime as dt

    due = dt.date.fromisoformat(registry.get("derby_city").authority.review_due)
    for case in ({"immediate_danger": True}, {"level": 2}, {}):
        fresh = route({**case, "at": AT}, "derby_city", registry=registry, today=due)
        stale = route(
            {**case, "at": AT}, "derby_city", registry=registry, today=due + dt.timedelta(days=1)
        )
        assert "review-overdue" not in [w.code for w in fresh.warnings]
        assert stale.warnings[0].code == "review-overdue"
        assert f"due for review on {due.isoformat()}" in stale.warnings[0].message
        assert stale.warnings[0].message.startswith("Check these numbers")


# --- from the independent audit of the data against the seeds ------------------------


def test_level_4_without_harm_checks_for_child_protection_first(registry: Registry) -> None:
    for authority, cp in (("derbyshire", DERBYSHIRE_CP), ("derby_city", DERBY_CITY_CP)):
        guidance = route({"level": 4, "at": AT}, authority, registry=registry)
        assert guidance.steps[0].id == "level4-child-protection-check"
        assert cp in guidance.steps[0].action
        assert guidance.contacts[0].phone == cp
        assert "level-4-not-child-protection" in [w.code for w in guidance.warnings]


def test_consent_refused_at_level_3_stops_sharing_and_adds_both_duties(registry: Registry) -> None:
    guidance = route(
        {"level": 3, "early_help_assessment": "completed", "consent": "refused", "at": AT},
        "derby_city",
        registry=registry,
    )
    assert guidance.route == Route.VULNERABLE_CHILDRENS_MEETING  # the route is kept
    ids = [s.id for s in guidance.steps]
    assert ids.index("consent-refused-review") < ids.index("vcm-send-eha")
    assert any("review of the concerns" in g for g in guidance.consent.guidance)
    assert any("withheld" in g for g in guidance.consent.guidance)


def test_time_limited_level_3_never_asks_for_an_eha(registry: Registry) -> None:
    guidance = route(
        {"level": 3, "setting": "time-limited", "at": AT}, "derbyshire", registry=registry
    )
    ids = [s.id for s in guidance.steps]
    assert not any(i.startswith(("ehf-", "rfs-")) for i in ids)
    assert ids[0] == "time-limited-higher-level"
    assert ids[-2:] == ["time-limited-record", "dispute-resolution"]  # issue 11
    assert "cannot complete an Early Help Assessment" in guidance.summary
    assert {"01629 535353", "01629 532 600"} <= {c.phone for c in guidance.contacts}


def test_public_urgent_routes_give_only_the_calls(registry: Registry) -> None:
    guidance = route(
        {"significant_harm": True, "referrer": "public", "advice": True, "at": AT},
        "derby_city",
        registry=registry,
    )
    assert [s.id for s in guidance.steps] == ["call-child-protection-line"]
    assert guidance.follow_up is None
    codes = [w.code for w in guidance.warnings]
    assert "urgent-steps-for-professionals" in codes and "source-silent" in codes


def test_advice_flag_is_not_added_to_child_protection(registry: Registry) -> None:
    guidance = route(
        {"significant_harm": True, "advice": True, "at": AT}, "derbyshire", registry=registry
    )
    assert "advice-line" not in [s.id for s in guidance.steps]
    assert "01629 535353" not in [c.phone for c in guidance.contacts]


def test_out_of_hours_lines_listed_after_the_urgent_ones(registry: Registry) -> None:
    night = "2026-11-29T02:00"  # a Sunday, 2am
    city = route({"significant_harm": True, "at": night}, "derby_city", registry=registry)
    assert [c.phone for c in city.contacts][:2] == [DERBY_CITY_CP, "01332 956606"]
    shire_advice = route({"at": night}, "derbyshire", registry=registry)
    # the advice line is closed at night: the out-of-hours line comes first (issue 11)
    assert [c.phone for c in shire_advice.contacts] == ["01629 532 600", "01629 535353"]
    assert shire_advice.contacts[1].open is False


def test_vcm_route_says_the_document_differs(registry: Registry) -> None:
    guidance = route(
        {"level": 3, "early_help_assessment": "completed", "at": AT},
        "derby_city",
        registry=registry,
    )
    assert [c.id for c in guidance.contacts] == ["locality-vcm", "online-referral-system"]
    assert "source-differs" in [w.code for w in guidance.warnings]


def test_early_help_first_needs_written_consent_to_share_the_eha(registry: Registry) -> None:
    guidance = route({"level": 3, "at": AT}, "derbyshire", registry=registry)
    assert any("in writing" in g for g in guidance.consent.guidance)
