"""Derby City Council: a built-in authority plugin.

Data in ``authority.toml`` (after the shared DDSCP partnership file); one small
rule for non-urgent referrals. A completed Early Help Assessment goes to the
locality Vulnerable Children's Meeting; otherwise the online referral system is
used (threshold document, section 5). The sources give no route for members of
the public in Derby City, and the guidance says so.
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

AUTHORITY_ID = "derby_city"
DATA = Path(__file__).with_name("authority.toml")
FORMS = Path(__file__).with_name("forms")


@cache
def authority() -> Authority:
    """Return Derby City's data, loaded and validated once."""
    return load_authority([PARTNERSHIP_DATA, DATA])


@hookimpl
def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
    """Register Derby City."""
    register(authority())


@cache
def forms() -> tuple[Form, ...]:
    """Return Derby City's referral forms (``forms/*.toml``), loaded and validated once."""
    from threshold.core.forms.loading import load_forms

    return tuple(load_forms(FORMS, authority()))


@hookimpl
def threshold_register_forms(register: Callable[[Form], None]) -> None:
    """Register Derby City's referral forms."""
    for form in forms():
        register(form)


@hookimpl
def threshold_register_indicators(register: Callable[[IndicatorSet], None]) -> None:
    """Register the threshold indicators of Derby City's policy document (shared, DDSCP)."""
    register(indicators())


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
