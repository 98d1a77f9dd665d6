"""Derby City Council: a built-in authority plugin.

Data in ``authority.toml`` (after the shared DDSCP partnership file); one small
rule for non-urgent referrals. A completed Early Help Assessment goes to the
locality Vulnerable Children's Meeting; otherwise the online referral system is
used (threshold document, section 5). The sources give no route for members of
the public in Derby City, and the guidance says so.
"""

from __future__ import annotations

from threshold.plugin import (
    Authority,
    Case,
    EarlyHelpAssessment,
    GuidanceWarning,
    Referrer,
    Route,
    RouteChoice,
    hookimpl,
)
from threshold.plugins.ddscp import partnership_data

AUTHORITY_ID = "derby_city"

data = partnership_data(__file__)
threshold_register_authorities, threshold_register_forms, threshold_register_indicators = (
    data.hooks()
)


@hookimpl
def threshold_referral_route(authority: Authority, case: Case) -> RouteChoice | None:
    """Derby City's rule for the public and for level 3-4 referrals."""
    if authority.id != AUTHORITY_ID:
        return None
    if case.referrer is Referrer.PUBLIC:
        return RouteChoice(
            Route.PUBLIC_CONTACT,
            False,
            ("public-derby-city",),
            ("emergency-999", "initial-response-team"),
            warnings=(GuidanceWarning("source-silent", authority.silences["public-route"]),),
        )
    if case.early_help_assessment is EarlyHelpAssessment.COMPLETED:
        return RouteChoice(
            Route.VULNERABLE_CHILDRENS_MEETING,
            True,
            ("vcm-send-eha",),
            ("locality-vcm", "online-referral-system"),
            warnings=(
                GuidanceWarning("source-differs", authority.silences["vcm-or-online-referral"]),
                GuidanceWarning("source-silent", authority.silences["vcm-contacts"]),
            ),
        )
    return RouteChoice(
        Route.ONLINE_REFERRAL,
        False,
        ("online-referral-make",),
        ("online-referral-system",),
    )
