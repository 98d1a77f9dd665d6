"""Derbyshire County Council: a built-in authority plugin.

Data in ``authority.toml`` (after the shared DDSCP partnership file); one small
rule for non-urgent referrals. Derbyshire does not accept a referral other than
child protection without an Early Help Assessment, unless the family declined
one or needs escalated suddenly (threshold document, section 5).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from threshold.core.io.loading import load_authority
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.enums import EarlyHelpAssessment, Referrer, Route
from threshold.core.model.guidance import GuidanceWarning, RouteChoice
from threshold.core.plugins.hookspecs import hookimpl
from threshold.plugins.ddscp import PARTNERSHIP_DATA, indicators

if TYPE_CHECKING:
    from threshold.core.model.forms import Form
    from threshold.core.model.indicators import IndicatorSet

AUTHORITY_ID = "derbyshire"
DATA = Path(__file__).with_name("authority.toml")
FORMS = Path(__file__).with_name("forms")
REQUEST_FORM = "starting-point-request-for-support"


@cache
def authority() -> Authority:
    """Return Derbyshire's data, loaded and validated once."""
    return load_authority([PARTNERSHIP_DATA, DATA])


@hookimpl
def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
    """Register Derbyshire."""
    register(authority())


@cache
def forms() -> tuple[Form, ...]:
    """Return Derbyshire's referral forms (``forms/*.toml``), loaded and validated once."""
    from threshold.core.forms.loading import load_forms

    return tuple(load_forms(FORMS, authority()))


@hookimpl
def threshold_register_forms(register: Callable[[Form], None]) -> None:
    """Register Derbyshire's referral forms."""
    for form in forms():
        register(form)


@hookimpl
def threshold_register_indicators(register: Callable[[IndicatorSet], None]) -> None:
    """Register the threshold indicators of Derbyshire's policy document (shared, DDSCP)."""
    register(indicators())


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
