"""The core's vocabulary: what holds for every authority in England.

Route *kinds*, level *bands*, contact *purposes* and who is raising a concern
are the only policy words the core knows; a policy pack names its own routes,
levels, questions and answers (see :mod:`threshold.core.model.authority`).
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What kind of route it is: the safety rules, comparison and the interfaces use it."""

    EMERGENCY = "emergency"
    CHILD_PROTECTION = "child-protection"
    REFERRAL = "referral"
    EARLY_HELP = "early-help"
    UNIVERSAL = "universal"
    ADVICE = "advice"
    PUBLIC = "public"


#: The urgent kinds: the core chooses them first (immediate danger, significant
#: harm), and a pack's rules may send more cases to them, never fewer.
URGENT_KINDS = frozenset({Kind.EMERGENCY, Kind.CHILD_PROTECTION})


class Band(StrEnum):
    """A level's comparison band, so authorities with different scales compare honestly."""

    UNIVERSAL = "universal"
    EMERGING = "emerging"
    INTENSIVE = "intensive"
    SPECIALIST = "specialist"


class Referrer(StrEnum):
    """Who is raising the concern."""

    PROFESSIONAL = "professional"
    PUBLIC = "public"


class Purpose(StrEnum):
    """What a contact point is for (a contact may have several); also its urgency
    rank (listed most urgent first)."""

    EMERGENCY = "emergency"
    CHILD_PROTECTION = "child-protection"
    PUBLIC = "public"
    PROFESSIONAL_ADVICE = "professional-advice"
    OUT_OF_HOURS_ADVICE = "out-of-hours-advice"
    ONLINE_REFERRAL = "online-referral"
    FOLLOW_UP = "follow-up"
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
    WEEKLY = "weekly"  # weekly windows, on stated days or days not stated
    UNSTATED = "unstated"  # the source gives no hours
    OUTSIDE = "outside"  # whenever another contact is closed (a duty service)


class QuestionType(StrEnum):
    """How a pack's question is answered."""

    BOOLEAN = "boolean"
    CHOICE = "choice"
    LEVEL = "level"
