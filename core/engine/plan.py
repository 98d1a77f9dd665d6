"""The plan of a guidance: which route, steps, contacts and consent texts.

Precedence is fixed here, once, for every authority: immediate danger, then
child protection, then (for a member of the public, or level 3-4) the
authority's own rule, then levels 2 and 1, then advice."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.enums import (
    URGENT_ROUTES,
    Consent,
    Purpose,
    Referrer,
    Route,
    Setting,
)
from threshold.core.model.errors import AuthorityError
from threshold.core.model.guidance import (
    GuidanceWarning,
    RouteChoice,
)
from threshold.core.model.vocabulary import TIME_LIMITED_STEPS

ReferralRule = Callable[[Case], RouteChoice]

#: Routes an authority's own rule may choose (never the urgent ones: those are the core's).
AUTHORITY_ROUTES = frozenset(
    {
        Route.REQUEST_FOR_SUPPORT,
        Route.EARLY_HELP_FIRST,
        Route.VULNERABLE_CHILDRENS_MEETING,
        Route.ONLINE_REFERRAL,
        Route.PUBLIC_CONTACT,
    }
)


@attrs.define
class Plan:
    """What the engine has decided so far, before it is turned into output."""

    route: Route
    summary_key: str
    steps: list[str]
    purposes: list[Purpose]
    contact_ids: list[str] = attrs.field(factory=list)
    eha_required: bool = False
    follow_up: bool = False
    consent_required: bool | None = True
    consent_keys: list[str] = attrs.field(factory=list)
    warnings: list[GuidanceWarning] = attrs.field(factory=list)
    summary_values: dict[str, str] = attrs.field(factory=dict)
    advice_line: bool = False


def _plan_urgent(case: Case, authority: Authority) -> Plan:
    public = case.referrer is Referrer.PUBLIC
    if case.immediate_danger:
        plan = Plan(
            Route.EMERGENCY,
            "emergency",
            ["call-999", "call-child-protection-line-after-999"],
            [Purpose.EMERGENCY, Purpose.CHILD_PROTECTION],
        )
    else:
        plan = Plan(
            Route.CHILD_PROTECTION,
            "child-protection",
            ["call-child-protection-line"],
            [Purpose.CHILD_PROTECTION],
        )
    if case.non_mobile_baby_bruising:
        plan.steps.append("keeping-babies-safe")
    plan.consent_required = False
    if public:
        # The rest of the urgent steps (safeguarding lead, written follow-up) are
        # duties the sources give to professionals; the summary says the call only.
        plan.summary_key += "-public"
        plan.consent_keys = ["public"]
        plan.warnings.append(
            GuidanceWarning(
                "urgent-steps-for-professionals",
                "The sources write the rest of the urgent procedure (telling a safeguarding "
                "lead, the written follow-up within 48 hours) for professionals; as a member "
                "of the public, make the phone call and tell the call handler what you know.",
            )
        )
        if "public-route" in authority.silences:
            plan.warnings.append(
                GuidanceWarning("source-silent", authority.silences["public-route"])
            )
        return plan
    plan.purposes += [Purpose.OUT_OF_HOURS_ADVICE, Purpose.ONLINE_REFERRAL]
    plan.steps += [
        "discuss-with-lead-without-delay",
        "talk-with-family-unless-risk",
        "follow-up-in-writing",
        "no-eha-needed",
    ]
    plan.follow_up = True
    plan.consent_keys = ["urgent"]
    if case.consent is Consent.REFUSED:
        plan.consent_keys.append("refused-share-anyway")
    elif case.consent is Consent.UNSAFE_TO_SEEK:
        plan.consent_keys.append("unsafe-to-seek")
    return plan


def _plan_referral(case: Case, authority: Authority, rule: ReferralRule) -> Plan:
    # Long: one hand-written precedence, moved as it is; issue 13 replaces it with
    # data-driven decision tables, so it is not split here.
    choice = rule(case)
    if choice.route not in AUTHORITY_ROUTES:
        raise AuthorityError(
            authority.id,
            f"the {authority.id} rule chose route {choice.route.value!r}, which only the core "
            "may choose",
        )
    plan = Plan(
        choice.route,
        choice.summary or choice.route.value,
        [],
        [],
        contact_ids=list(choice.contacts),
        eha_required=choice.eha_required,
        warnings=list(choice.warnings),
        summary_values=dict(choice.summary_values),
    )
    if choice.route is Route.PUBLIC_CONTACT:
        plan.steps = list(choice.steps)
        plan.consent_required = False
        plan.consent_keys = ["public"]
        return plan
    if choice.route is Route.EARLY_HELP_FIRST:
        # The referral will not be accepted yet: what comes next is the Early Help
        # Assessment and, if unsure, the advice line, so it comes before the form.
        plan.purposes += [Purpose.PROFESSIONAL_ADVICE, Purpose.OUT_OF_HOURS_ADVICE]
    if case.level == 4 and case.referrer is Referrer.PROFESSIONAL:
        # Level 4 includes children at current risk of significant harm: make sure
        # a child protection concern is not sent down a non-urgent route.
        plan.steps = ["level4-child-protection-check", "discuss-with-lead-without-delay"]
        plan.warnings.append(
            GuidanceWarning(
                "level-4-not-child-protection",
                "You chose level 4 without significant harm. Level 4 includes children at "
                "current risk of significant harm: if you think the child is suffering or likely "
                "to suffer significant harm, this is a child protection referral by phone now, "
                "not this route.",
            )
        )
        plan.purposes.append(Purpose.CHILD_PROTECTION)
    else:
        plan.steps = ["level3-discuss"]
    if case.consent is Consent.UNSAFE_TO_SEEK:
        # Seeking consent would put the child at risk: never give the texts that say
        # to seek it ("specialist", "early-help", "eha-in-writing"); the section 4
        # text for sharing without consent is added with the case's extras.
        plan.consent_keys = []
    else:
        plan.consent_keys = ["specialist" if case.level == 4 else "early-help"]
    if case.consent is Consent.REFUSED:
        # Nothing the family refused may be shared without the duties of section 4.
        plan.steps.append("consent-refused-review")
    if case.setting is Setting.TIME_LIMITED:
        # These practitioners cannot complete an EHA; the document gives them no
        # level 3-4 procedure, so the route's EHA steps are replaced by advice.
        plan.summary_key = "referral-time-limited"
        plan.steps = ["time-limited-higher-level", *plan.steps, "time-limited-record"]
        plan.purposes += [Purpose.PROFESSIONAL_ADVICE, Purpose.OUT_OF_HOURS_ADVICE]
        plan.warnings.append(
            GuidanceWarning(
                "time-limited-higher-level",
                "The threshold document describes time-limited settings only for level 2 "
                "needs; it does not say how they refer at level 3 or 4. Seek advice before "
                "relying on this route.",
            )
        )
    else:
        plan.steps += list(choice.steps)
    if choice.eha_required and case.consent is not Consent.UNSAFE_TO_SEEK:
        plan.consent_keys.append("eha-in-writing")
    return plan


def _plan_early_help(case: Case) -> Plan:
    plan = _plan_early_help_steps(case)
    if case.consent is Consent.UNSAFE_TO_SEEK:
        # Level 2 work is done with the family's consent and cannot be done without
        # it: never tell the user to seek what they said is unsafe to seek; prompt the
        # review of the concerns and the consideration of escalation instead.
        unsafe = "early-help-consent-unsafe"
        seeking = ("early-help-eha", "early-help-taf", "early-help-share", "early-help-escalate")
        plan.steps = [unsafe if s == "time-limited-share" else s for s in plan.steps]
        plan.steps = [s for s in plan.steps if s not in seeking]
        if unsafe not in plan.steps:
            plan.steps.insert(1, unsafe)
        if plan.summary_key == "early-help":
            plan.summary_key = unsafe
        plan.consent_keys = []  # the case's own ("unsafe-to-seek") is added with the extras
    return plan


def _plan_early_help_steps(case: Case) -> Plan:
    if case.setting is Setting.TIME_LIMITED:
        plan = Plan(
            Route.EARLY_HELP,
            "early-help-time-limited",
            list(TIME_LIMITED_STEPS),
            [Purpose.PROFESSIONAL_ADVICE, Purpose.OUT_OF_HOURS_ADVICE],
        )
        plan.consent_keys = ["early-help"]
    else:
        plan = Plan(
            Route.EARLY_HELP,
            "early-help",
            [
                "early-help-discuss",
                "early-help-eha",
                "early-help-taf",
                "early-help-share",
                "early-help-escalate",
            ],
            [],
        )
        plan.consent_keys = ["early-help", "eha-in-writing"]
    return plan


def plan_case(case: Case, authority: Authority, rule: ReferralRule) -> Plan:
    if case.immediate_danger or case.child_protection:
        plan = _plan_urgent(case, authority)
    elif case.referrer is Referrer.PUBLIC or case.level in (3, 4):
        plan = _plan_referral(case, authority, rule)
    elif case.level == 2:
        plan = _plan_early_help(case)
    elif case.level == 1:
        plan = Plan(
            Route.UNIVERSAL,
            "universal",
            ["universal-own-agency", "universal-consider-with-family", "universal-tools"],
            [],
            consent_required=False,
            # its text says to seek consent where possible: not where that is unsafe
            consent_keys=[] if case.consent is Consent.UNSAFE_TO_SEEK else ["universal"],
        )
    else:
        plan = Plan(
            Route.ADVICE,
            "advice",
            ["advice-safeguarding-lead", "advice-read-threshold", "advice-line"],
            [Purpose.PROFESSIONAL_ADVICE, Purpose.OUT_OF_HOURS_ADVICE],
            consent_required=False,
            consent_keys=[],
            advice_line=True,
        )
    _add_case_extras(case, authority, plan)
    return plan


def decide_route(case: Case, authority: Authority, rule: ReferralRule) -> Route:
    """Return only the route ``case`` takes in ``authority`` (no output is built):
    the same precedence as :func:`build_guidance`, for finding which case fields
    decided a route."""
    return plan_case(case, authority, rule).route


def _add_case_extras(case: Case, authority: Authority, plan: Plan) -> None:
    urgent = plan.route in URGENT_ROUTES
    # The consent rules, the pre-birth protocol and the other extras are written for
    # practitioners: a member of the public is given none of them, so nothing about
    # them is asked of the public either (the web tool asks only what changes).
    public = case.referrer is Referrer.PUBLIC
    if not (urgent and public):
        plan.steps += list(authority.extra_steps.get(plan.route.value, ()))
    if case.consent is Consent.REFUSED and plan.route in (
        Route.EARLY_HELP,
        Route.REQUEST_FOR_SUPPORT,
        Route.EARLY_HELP_FIRST,
        Route.VULNERABLE_CHILDRENS_MEETING,
        Route.ONLINE_REFERRAL,
    ):
        if case.level in (2, 3):
            plan.consent_keys.append("refused-review")
        if case.level in (3, 4):
            plan.consent_keys.append("refused-share-anyway")
    elif (
        not public
        and plan.route not in (*URGENT_ROUTES, Route.ADVICE)
        and (
            case.consent is Consent.UNSAFE_TO_SEEK
            or (case.consent is not Consent.REFUSED and plan.route is not Route.PUBLIC_CONTACT)
        )
    ):
        plan.consent_keys.append(case.consent.value)
    if case.unborn and not public:
        plan.steps.append("pre-birth-protocol")
    if case.advice and not plan.advice_line and not urgent:
        if case.referrer is Referrer.PUBLIC:
            plan.warnings.append(
                GuidanceWarning(
                    "advice-line-for-professionals",
                    "The professional advice lines in the sources are for practitioners, not "
                    "members of the public.",
                )
            )
        else:
            plan.advice_line = True
            plan.steps.append("advice-line")
            plan.purposes.append(Purpose.PROFESSIONAL_ADVICE)
    if plan.advice_line:
        plan.steps += list(authority.extra_steps.get("advice-line", ()))
        if "advice-line" in authority.consent:
            plan.consent_keys.append("advice-line")
        else:
            if plan.route is Route.ADVICE:
                plan.consent_required = None
            names = ", ".join(c.name for c in authority.contacts_for(Purpose.PROFESSIONAL_ADVICE))
            plan.warnings.append(
                GuidanceWarning(
                    "advice-line-consent-not-stated",
                    f"The sources do not say whether you need consent to discuss a case with "
                    f"the {names}.",
                )
            )
