"""Derbyshire County Council: a built-in authority plugin.

Data in ``authority.toml`` (after the shared DDSCP partnership file); one small
rule for non-urgent referrals. Derbyshire does not accept a referral other than
child protection without an Early Help Assessment, unless the family declined
one or needs escalated suddenly (threshold document, section 5).
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

AUTHORITY_ID = "derbyshire"
REQUEST_FORM = "starting-point-request-for-support"

data = partnership_data(__file__)
threshold_register_authorities, threshold_register_forms, threshold_register_indicators = (
    data.hooks()
)


@hookimpl
def threshold_referral_route(authority: Authority, case: Case) -> RouteChoice | None:
    """Derbyshire's rule for the public and for level 3-4 referrals."""
    if authority.id != AUTHORITY_ID:
        return None
    if case.referrer is Referrer.PUBLIC:
        return RouteChoice(
            Route.PUBLIC_CONTACT, False, ("public-call",), ("call-derbyshire-public",)
        )
    eha = case.early_help_assessment
    if eha is EarlyHelpAssessment.COMPLETED:
        return RouteChoice(
            Route.REQUEST_FOR_SUPPORT,
            True,
            ("rfs-eha-rationale", "rfs-attach-eha", "keep-support-in-place"),
            (REQUEST_FORM,),
        )
    if eha is EarlyHelpAssessment.DECLINED or case.sudden_escalation:
        why = (
            "the family does not consent to an Early Help Assessment"
            if eha is EarlyHelpAssessment.DECLINED
            else "needs have escalated suddenly"
        )
        return RouteChoice(
            Route.REQUEST_FOR_SUPPORT,
            False,
            ("rfs-judgement-without-eha", "keep-support-in-place"),
            (REQUEST_FORM,),
            summary="request-for-support-without-eha",
            summary_values={"why": why},
            warnings=(
                GuidanceWarning(
                    "judgement-required",
                    f"Derbyshire accepts this referral without an Early Help Assessment only on "
                    f"your judgement that, without help, the child's needs will not be met "
                    f"({why}). "
                    "Record that judgement and your reasons.",
                ),
            ),
        )
    return RouteChoice(
        Route.EARLY_HELP_FIRST,
        True,
        ("ehf-complete-eha", "ehf-then-request"),
        (REQUEST_FORM,),
        # at level 4 Appendix 1 asks for the assessment only "if available"
        warnings=(
            (GuidanceWarning("source-differs", authority.silences["level-4-without-eha"]),)
            if case.level == 4
            else ()
        ),
    )
