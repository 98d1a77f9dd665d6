"""The case: the facts of a concern that decide its route (no personal data)."""

from __future__ import annotations

import datetime as dt

import attrs

from threshold.core.model.enums import Consent, EarlyHelpAssessment, Referrer, Setting


@attrs.frozen
class Case:
    """The facts of a concern that decide its route. It holds no personal data.

    Attributes mirror ``schemas/case.schema.json``; see that file for meanings.
    ``at`` is an aware datetime (Europe/London when the input had no offset).
    """

    level: int | None = None
    immediate_danger: bool = False
    significant_harm: bool = False
    non_mobile_baby_bruising: bool = False
    early_help_assessment: EarlyHelpAssessment = EarlyHelpAssessment.NONE
    sudden_escalation: bool = False
    consent: Consent = Consent.NOT_SOUGHT
    referrer: Referrer = Referrer.PROFESSIONAL
    setting: Setting | None = None
    unborn: bool = False
    advice: bool = False
    at: dt.datetime | None = None

    @property
    def child_protection(self) -> bool:
        """True when the case is a child-protection concern (significant harm or
        bruising on a non-mobile baby)."""
        return self.significant_harm or self.non_mobile_baby_bruising
