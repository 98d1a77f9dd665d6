"""The DDSCP pack's route ids and answers as Python enumerations: kept so that
code written when they were the core's (``threshold.Route``,
``threshold.Consent``, ...) keeps working. Each member equals its string
(``Route.EMERGENCY == "emergency"``), which is what a guidance now carries;
new code compares with the strings, which every authority's data defines.
"""

from __future__ import annotations

from enum import StrEnum


class Route(StrEnum):
    """The route ids of the two DDSCP authorities (Derbyshire and Derby City)."""

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


class EarlyHelpAssessment(StrEnum):
    """The DDSCP pack's answers to ``early_help_assessment``."""

    COMPLETED = "completed"
    NONE = "none"
    DECLINED = "declined"


class Consent(StrEnum):
    """The DDSCP pack's answers to ``consent``."""

    GIVEN = "given"
    REFUSED = "refused"
    NOT_SOUGHT = "not-sought"
    UNSAFE_TO_SEEK = "unsafe-to-seek"


class Setting(StrEnum):
    """The DDSCP pack's answers to ``setting``."""

    TIME_LIMITED = "time-limited"
