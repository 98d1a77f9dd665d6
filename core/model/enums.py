"""The model's enumerations: routes, case values, contact purposes, hours kinds."""

from __future__ import annotations

from enum import StrEnum


class Route(StrEnum):
    """The routes a concern can take; the engine gives exactly one per case."""

    EMERGENCY = "emergency"
    CHILD_PROTECTION = "child-protection"
    REQUEST_FOR_SUPPORT = "request-for-support"
    EARLY_HELP_FIRST = "early-help-first"
    VULNERABLE_CHILDRENS_MEETING = "vulnerable-childrens-meeting"
    ONLINE_REFERRAL = "online-referral"
    EARLY_HELP = "early-help"
    UNIVERSAL = "universal"
    PUBLIC_CONTACT = "public-contact"
    ADVICE = "advice"


#: The urgent routes: a phone call comes first, and any form is its written follow-up.
URGENT_ROUTES = frozenset({Route.EMERGENCY, Route.CHILD_PROTECTION})


class EarlyHelpAssessment(StrEnum):
    """Status of the Early Help Assessment (EHA) for the case."""

    COMPLETED = "completed"
    NONE = "none"
    DECLINED = "declined"


class Consent(StrEnum):
    """Consent to share information and refer."""

    GIVEN = "given"
    REFUSED = "refused"
    NOT_SOUGHT = "not-sought"
    UNSAFE_TO_SEEK = "unsafe-to-seek"


class Referrer(StrEnum):
    """Who is raising the concern."""

    PROFESSIONAL = "professional"
    PUBLIC = "public"


class Setting(StrEnum):
    """A practitioner's setting, where it changes the advice."""

    TIME_LIMITED = "time-limited"


class Purpose(StrEnum):
    """What a contact point is for; also its urgency rank (listed most urgent first)."""

    EMERGENCY = "emergency"
    CHILD_PROTECTION = "child-protection"
    PUBLIC = "public"
    PROFESSIONAL_ADVICE = "professional-advice"
    OUT_OF_HOURS_ADVICE = "out-of-hours-advice"
    ONLINE_REFERRAL = "online-referral"
    INBOX = "inbox"
    MEETING = "meeting"


PURPOSE_RANK = {purpose: rank for rank, purpose in enumerate(Purpose)}


class BankHolidays(StrEnum):
    """How a contact behaves on England's bank holidays, as the source states it."""

    CLOSED = "closed"
    OPEN = "open"
    UNSTATED = "unstated"


class HoursKind(StrEnum):
    """What the source says about a contact's hours."""

    ALWAYS = "always"  # 24 hours a day, every day
    WEEKLY = "weekly"  # a daily time window, on stated days or days not stated
    UNSTATED = "unstated"  # the source gives no hours
