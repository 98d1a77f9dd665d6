"""The step, consent and summary ids the core engine uses, and the placeholders
it fills. An authority's data must define every one of these (checked on load)."""

from __future__ import annotations

#: The steps of level 2 in a time-limited setting (ED, urgent care, out-of-hours GP,
#: NHS 111), in the order they are given.
TIME_LIMITED_STEPS = (
    "time-limited-seek-advice",
    "time-limited-share",
    "time-limited-signpost",
    "time-limited-professional-line",
    "time-limited-record",
    "time-limited-secure-transmission",
)

#: Steps of the partnership-wide routes, which the core builds.
CORE_STEPS = frozenset(
    {
        "call-999",
        "call-child-protection-line",
        "call-child-protection-line-after-999",
        "discuss-with-lead-without-delay",
        "talk-with-family-unless-risk",
        "follow-up-in-writing",
        "no-eha-needed",
        "keeping-babies-safe",
        "pre-birth-protocol",
        "universal-own-agency",
        "universal-consider-with-family",
        "universal-tools",
        "early-help-discuss",
        "early-help-eha",
        "early-help-taf",
        "early-help-share",
        "early-help-escalate",
        "early-help-consent-unsafe",
        *TIME_LIMITED_STEPS,
        "time-limited-higher-level",
        "level3-discuss",
        "level4-child-protection-check",
        "consent-refused-review",
        "advice-safeguarding-lead",
        "advice-read-threshold",
        "advice-line",
    }
)

#: Consent situations the core uses.
CORE_CONSENT = frozenset(
    {
        "urgent",
        "unsafe-to-seek",
        "refused-share-anyway",
        "early-help",
        "refused-review",
        "not-sought",
        "given",
        "eha-in-writing",
        "specialist",
        "universal",
        "public",
    }
)

#: Route summaries the core uses.
CORE_SUMMARIES = frozenset(
    {
        "emergency",
        "emergency-public",
        "child-protection",
        "child-protection-public",
        "early-help",
        "early-help-consent-unsafe",
        "early-help-time-limited",
        "referral-time-limited",
        "universal",
        "advice",
    }
)

#: Placeholders a step or summary may use, filled from the authority's contacts
#: (by purpose) or from the case.
PLACEHOLDERS = frozenset(
    {
        "child_protection_line",
        "advice_line",
        "out_of_hours_line",
        "online_referral",
        "public_line",
        "level",
        "why",
    }
)

#: The web tool's questions, in the order it asks them; an authority's
#: ``question_hints`` are keyed by them, and :data:`threshold.core.model.fields.CASE_FIELDS`
#: says which case fields each one answers.
QUESTION_IDS = (
    "danger",
    "harm",
    "referrer",
    "level",
    "eha",
    "escalation",
    "consent",
    "setting",
    "unborn",
)

#: Each route in words, as a heading.
ROUTE_TITLES = {
    "emergency": "Emergency: ring 999",
    "child-protection": "Child protection referral",
    "request-for-support": "Request for support",
    "early-help-first": "Early Help Assessment first",
    "vulnerable-childrens-meeting": "Vulnerable Children's Meeting",
    "online-referral": "Online referral",
    "early-help": "Early help",
    "universal": "Universal services",
    "public-contact": "Member of the public",
    "advice": "Advice first",
}

#: What every error says when nothing more is known: the national emergency number.
NATIONAL_URGENT = "If a child is in immediate danger, ring 999."

#: The formats of guidance (``threshold route --format``).
GUIDANCE_FORMATS = ("text", "markdown", "html", "json")
#: The formats of a comparison of authorities (``threshold compare --format``).
COMPARE_FORMATS = ("text", "markdown", "html", "csv", "json")
#: The formats of threshold indicators and assessments.
INDICATOR_FORMATS = ("text", "markdown", "json")
#: The formats of a referral form, each with its media type (for HTTP).
FORM_MEDIA_TYPES = {
    "json-schema": "application/schema+json",
    "html": "text/html",
    "markdown": "text/markdown",
    "fhir": "application/fhir+json",
}
FORM_FORMATS = tuple(FORM_MEDIA_TYPES)
#: The form formats a filled referral can be shown in, with its errors.
FORM_TEXT_FORMATS = ("html", "markdown")
