"""The routing engine: one case and one authority in, one guidance out.

Precedence is fixed here, once, for every authority: immediate danger, then
child protection, then (for a member of the public, or level 3-4) the
authority's own rule, then levels 2 and 1, then advice. The words of every step
come from the authority's data, each with its citation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from threshold.core.errors import AuthorityError
from threshold.core.hours import LONDON, describe_moment, is_open, local_now, next_open
from threshold.core.models import (
    PURPOSE_RANK,
    Authority,
    AuthorityRef,
    BankHolidays,
    Case,
    Citation,
    CitationOut,
    Consent,
    ConsentAdvice,
    Contact,
    ContactAdvice,
    FollowUp,
    Guidance,
    HoursKind,
    OpeningHours,
    Purpose,
    Referrer,
    Route,
    RouteChoice,
    Setting,
    SourceInfo,
    StepOut,
    Warning,
)

FORMAT = "threshold.guidance/1"

DISCLAIMER = (
    "This is decision support. It supports, and never replaces, your professional "
    "judgement and your safeguarding lead. If a child is in immediate danger, ring 999."
)

FOLLOW_UP_HOURS = 48

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

_PLACEHOLDER_PURPOSE = {
    "child_protection_line": Purpose.CHILD_PROTECTION,
    "advice_line": Purpose.PROFESSIONAL_ADVICE,
    "out_of_hours_line": Purpose.OUT_OF_HOURS_ADVICE,
    "online_referral": Purpose.ONLINE_REFERRAL,
    "public_line": Purpose.PUBLIC,
}


@attrs.define
class _Plan:
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
    warnings: list[Warning] = attrs.field(factory=list)
    summary_values: dict[str, str] = attrs.field(factory=dict)
    advice_line: bool = False


def contact_label(contact: Contact) -> str:
    """A contact as it reads in a sentence: "Call Derbyshire on 01629 533190"."""
    if contact.phone:
        return f"{contact.name} on {contact.phone}"
    if contact.url:
        return f"the {contact.name} ({contact.url})"
    return f"the {contact.name}"


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:  # unknown names are caught when data loads
        return "{" + key + "}"


def contact_placeholders(authority: Authority) -> dict[str, str]:
    """The contact placeholders ({child_protection_line}, ...) filled with the
    authority's own contacts of that purpose, as they read in a sentence."""
    values = {}
    for name, purpose in _PLACEHOLDER_PURPOSE.items():
        found = authority.contacts_for(purpose)
        values[name] = (
            " or ".join(contact_label(c) for c in found) if found else "(not stated in the sources)"
        )
    return values


def _fill_values(authority: Authority, case: Case, extra: dict[str, str]) -> _Fill:
    values = _Fill(contact_placeholders(authority))
    values["level"] = str(case.level) if case.level is not None else "not given"
    values.update(extra)
    return values


def _cite(authority: Authority, citation: Citation) -> CitationOut:
    document = authority.document(citation.document)
    return CitationOut(
        seed=document.seed,
        section=citation.section,
        document=document.title,
        document_date=document.date,
        quote=citation.quote,
    )


_CITES: dict[int, tuple[object, Authority, tuple[CitationOut, ...]]] = {}


def _cites(authority: Authority, citations: tuple[Citation, ...]) -> tuple[CitationOut, ...]:
    """The citations as printed; made once per citations tuple of the authority's data."""
    hit = _CITES.get(id(citations))
    if hit is not None and hit[0] is citations and hit[1] is authority:
        return hit[2]
    made = tuple(_cite(authority, c) for c in citations)
    if len(_CITES) >= _STATIC_LIMIT:
        _CITES.clear()
    _CITES[id(citations)] = (citations, authority, made)  # the references keep the id
    return made


def _hours_warnings(contact: Contact) -> list[Warning]:
    hours = contact.hours
    who = f"{contact.name} ({contact.phone})" if contact.phone else contact.name
    found = []
    if hours.kind is HoursKind.UNSTATED and contact.purpose in (
        Purpose.CHILD_PROTECTION,
        Purpose.PUBLIC,
    ):
        found.append(
            Warning(
                "hours-not-stated",
                f"The sources do not state the hours of {who}; it is listed because they give "
                "it for this purpose. If you cannot get through and a child is in immediate "
                "danger, ring 999.",
            )
        )
    elif hours.kind is HoursKind.UNSTATED and contact.phone:
        found.append(Warning("hours-not-stated", f"The sources do not state the hours of {who}."))
    if hours.kind is HoursKind.WEEKLY and hours.days is None:
        found.append(
            Warning(
                "days-not-stated",
                f"The sources say {who} is available {hours.text.split(' (')[0]} but do not "
                "say on which days.",
            )
        )
    if hours.kind is HoursKind.WEEKLY and hours.bank_holidays is BankHolidays.UNSTATED:
        found.append(
            Warning(
                "bank-holidays-not-stated",
                f"The sources do not say whether {who} is open on bank holidays.",
            )
        )
    return found


_NOT_URGENT = PURPOSE_RANK[Purpose.PROFESSIONAL_ADVICE]

_WHY = {
    Purpose.EMERGENCY: "Immediate danger to a child.",
    Purpose.CHILD_PROTECTION: "Child protection referrals by phone.",
    Purpose.PUBLIC: "Concerns from members of the public.",
    Purpose.PROFESSIONAL_ADVICE: "Advice from a social worker for professionals.",
    Purpose.OUT_OF_HOURS_ADVICE: "Advice from children's social care out of hours.",
    Purpose.ONLINE_REFERRAL: "Written referrals and requests for support.",
    Purpose.INBOX: "Written referrals.",
    Purpose.MEETING: "Where a completed Early Help Assessment is sent.",
}


# ----------------------------------------------------------------------------- plan


def _plan_urgent(case: Case, authority: Authority) -> _Plan:
    public = case.referrer is Referrer.PUBLIC
    if case.immediate_danger:
        plan = _Plan(
            Route.EMERGENCY,
            "emergency",
            ["call-999", "call-child-protection-line-after-999"],
            [Purpose.EMERGENCY, Purpose.CHILD_PROTECTION],
        )
    else:
        plan = _Plan(
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
            Warning(
                "urgent-steps-for-professionals",
                "The sources write the rest of the urgent procedure (telling a safeguarding "
                "lead, the written follow-up within 48 hours) for professionals; as a member "
                "of the public, make the phone call and tell the call handler what you know.",
            )
        )
        if "public-route" in authority.silences:
            plan.warnings.append(Warning("source-silent", authority.silences["public-route"]))
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


def _plan_referral(case: Case, authority: Authority, rule: ReferralRule) -> _Plan:
    choice = rule(case)
    if choice.route not in AUTHORITY_ROUTES:
        raise AuthorityError(
            authority.id,
            f"the {authority.id} rule chose route {choice.route.value!r}, which only the core "
            "may choose",
        )
    plan = _Plan(
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
            Warning(
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
            Warning(
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


def _plan_early_help(case: Case) -> _Plan:
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


def _plan_early_help_steps(case: Case) -> _Plan:
    if case.setting is Setting.TIME_LIMITED:
        plan = _Plan(
            Route.EARLY_HELP,
            "early-help-time-limited",
            [
                "time-limited-seek-advice",
                "time-limited-share",
                "time-limited-signpost",
                "time-limited-professional-line",
                "time-limited-record",
                "time-limited-secure-transmission",
            ],
            [Purpose.PROFESSIONAL_ADVICE, Purpose.OUT_OF_HOURS_ADVICE],
        )
        plan.consent_keys = ["early-help"]
    else:
        plan = _Plan(
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


def _plan(case: Case, authority: Authority, rule: ReferralRule) -> _Plan:
    if case.immediate_danger or case.child_protection:
        plan = _plan_urgent(case, authority)
    elif case.referrer is Referrer.PUBLIC or case.level in (3, 4):
        plan = _plan_referral(case, authority, rule)
    elif case.level == 2:
        plan = _plan_early_help(case)
    elif case.level == 1:
        plan = _Plan(
            Route.UNIVERSAL,
            "universal",
            ["universal-own-agency", "universal-consider-with-family", "universal-tools"],
            [],
            consent_required=False,
            # its text says to seek consent where possible: not where that is unsafe
            consent_keys=[] if case.consent is Consent.UNSAFE_TO_SEEK else ["universal"],
        )
    else:
        plan = _Plan(
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
    return _plan(case, authority, rule).route


def _add_case_extras(case: Case, authority: Authority, plan: _Plan) -> None:
    urgent = plan.route in (Route.EMERGENCY, Route.CHILD_PROTECTION)
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
        and plan.route not in (Route.EMERGENCY, Route.CHILD_PROTECTION, Route.ADVICE)
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
                Warning(
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
                Warning(
                    "advice-line-consent-not-stated",
                    f"The sources do not say whether you need consent to discuss a case with "
                    f"the {names}.",
                )
            )


# ----------------------------------------------------------------------------- build


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def build_guidance(
    case: Case,
    authority: Authority,
    rule: ReferralRule,
    *,
    plugin: str,
    plugin_version: str,
    today: dt.date | None = None,
) -> Guidance:
    """Return the guidance for ``case`` in ``authority``.

    ``rule`` is the authority's own rule for non-urgent referrals (level 3-4 and
    the public); the core decides everything else. ``today`` (for the data
    review check) defaults to the current date in Europe/London.

    Everything but the time-dependent parts (whether each contact is open, and
    the review date) is a pure function of the case fields and the authority's
    data, so it is computed once per distinct case and reused.

    Raises:
        AuthorityError: the rule failed, or the data lacks a step or contact the
            route needs. Callers show the urgent advice with the error.
    """
    when = case.at or local_now()
    static = _static_guidance(case, authority, rule, plugin, plugin_version)
    warnings = static.guidance.warnings
    today = today or dt.datetime.now(LONDON).date()
    if today > static.review_due:
        warnings = (
            Warning(
                "review-overdue",
                f"Check these numbers: the {authority.name} information was due for review on "
                f"{authority.review_due} and has not been re-checked since.",
            ),
            *warnings,
        )
    return Guidance(
        **static.fields,
        at=when.isoformat(),
        contacts=_timed(static.contacts, when),
        urgent_contacts=_timed(static.urgent_contacts, when),
        warnings=warnings,
    )


# ----------------------------------------------------------------------------- contact order
#
# The route gives the contacts in the order the person needs them (urgent lines
# first). Contacts for the same purpose are alternatives to each other, and so are
# a professional advice line and the out-of-hours advice line the sources give for
# the times it is closed. Among alternatives, one open now (or whose hours the
# sources do not state) comes before one closed now. That part depends on the
# time, so it is decided on every call, from what was prepared once per case.

#: The purposes whose contacts stand in for each other; any other purpose is its own.
_ROLE = {Purpose.OUT_OF_HOURS_ADVICE: Purpose.PROFESSIONAL_ADVICE}


def contact_role(purpose: Purpose) -> Purpose:
    """The role of a contact of this purpose: contacts with one role are alternatives
    (the out-of-hours advice line is the advice line's alternative outside its hours)."""
    return _ROLE.get(purpose, purpose)


@attrs.frozen(eq=False)  # compared and hashed by identity: a key of _CLOSED
class _Slot:
    """A contact as prepared for a case: its advice without the time-dependent parts,
    its hours, its group (contacts of one role share the place of the first of them)
    and, for each alternative in its group in route order, the alternative's index
    and the sentence that names it."""

    template: ContactAdvice
    hours: OpeningHours
    group: int
    alternatives: tuple[tuple[int, str], ...]
    #: What to say when no alternative is open (the urgent lines still apply).
    no_alternative: str


def _slots(authority: Authority, contacts: list[Contact]) -> tuple[_Slot, ...]:
    """Prepare ``contacts`` (in route order) for :func:`_timed`."""
    roles = [contact_role(c.purpose) for c in contacts]
    urgent = contact_placeholders(authority)["child_protection_line"]
    has_urgent = bool(authority.contacts_for(Purpose.CHILD_PROTECTION))
    slots = []
    for index, contact in enumerate(contacts):
        group = roles.index(roles[index])
        alternatives = tuple(
            (other, _meanwhile(contacts[other]))
            for other in range(len(contacts))
            if other != index and roles[other] is roles[index]
        )
        if contact.purpose in (Purpose.EMERGENCY, Purpose.CHILD_PROTECTION) or not has_urgent:
            fallback = (
                "No other contact in the sources does this while it is closed; if a child is "
                "in immediate danger, ring 999."
            )
        else:
            fallback = (
                "No other contact in the sources does this while it is closed; if it becomes "
                f"urgent, ring {urgent}, or 999 if a child is in immediate danger."
            )
        template, hours = _contact_template(authority, contact)
        slots.append(_Slot(template, hours, group, alternatives, fallback))
    return tuple(slots)


def _meanwhile(alternative: Contact) -> str:
    why = _WHY[alternative.purpose].rstrip(".")
    return (
        f"Meanwhile, the sources give {contact_label(alternative)} for {why[0].lower()}{why[1:]}."
    )


def _when_it_opens(hours: OpeningHours, opening: dt.datetime | None) -> str:
    if opening is not None:
        return f"Next known to open: {describe_moment(opening)}."
    if hours.kind is HoursKind.WEEKLY and hours.days is None:
        return (
            f"When it next opens is not known: it is open from {hours.opens} to {hours.closes}, "
            "and the sources do not say on which days."
        )
    return f"When it next opens is not known from the sources (its hours: {hours.text})."


def _timed(slots: tuple[_Slot, ...], when: dt.datetime) -> tuple[ContactAdvice, ...]:
    """The contacts at ``when``: whether each is open and when it next opens; any
    closed one after its alternatives that are not closed, saying when it opens
    and which alternative to use meanwhile."""
    found = [_at(slot, when) for slot in slots]
    for advice in found:
        if advice.open is False:
            break
    else:  # nothing closed: the route's order stands
        return tuple(found)
    order = sorted(range(len(slots)), key=lambda i: (slots[i].group, found[i].open is False, i))
    ordered = []
    for index in order:
        slot, advice = slots[index], found[index]
        if advice.open is not False:
            ordered.append(advice)
            continue
        alternative = next((a for a in slot.alternatives if found[a[0]].open is not False), None)
        key = (slot, advice.next_open, alternative[0] if alternative else -1)
        sentence = _CLOSED.get(key)
        if sentence is None:
            opening = dt.datetime.fromisoformat(advice.next_open) if advice.next_open else None
            meanwhile = alternative[1] if alternative else slot.no_alternative
            sentence = f"{_when_it_opens(slot.hours, opening)} {meanwhile}"
            if len(_CLOSED) >= _STATIC_LIMIT:
                _CLOSED.clear()
            _CLOSED[key] = sentence
        template = slot.template
        ordered.append(
            ContactAdvice(
                template.id,
                template.name,
                template.purpose,
                template.phone,
                template.url,
                template.hours,
                False,
                advice.next_open,
                template.why,
                template.citations,
                template.note,
                slots[alternative[0]].template.id if alternative else None,
                sentence,
            )
        )
    return tuple(ordered)


def _at(slot: _Slot, when: dt.datetime) -> ContactAdvice:
    """The contact with whether it is open at ``when`` and when it next opens."""
    opened = is_open(slot.hours, when)
    opening = None if opened is True else next_open(slot.hours, when)
    template = slot.template
    return ContactAdvice(
        template.id,
        template.name,
        template.purpose,
        template.phone,
        template.url,
        template.hours,
        opened,
        opening.isoformat() if opening else None,
        template.why,
        template.citations,
        template.note,
    )


#: The sentence for a closed contact, by (contact, next opening, alternative index):
#: the same few sentences recur for every call while a line is closed.
_CLOSED: dict[tuple[_Slot, str | None, int], str] = {}


@attrs.frozen
class _Static:
    """The time-independent part of a guidance, with each contact's hours."""

    guidance: Guidance
    contacts: tuple[_Slot, ...]
    urgent_contacts: tuple[_Slot, ...]
    review_due: dt.date
    #: The guidance's fields but those set on every call, to build it quickly.
    fields: dict[str, Any] = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        per_call = ("at", "contacts", "urgent_contacts", "warnings")
        fields = {
            f.name: getattr(self.guidance, f.name)
            for f in attrs.fields(Guidance)
            if f.name not in per_call
        }
        object.__setattr__(self, "fields", fields)


_STATIC_LIMIT = 100_000
_STATIC: dict[tuple[object, ...], tuple[weakref.ref[Authority], _Static]] = {}
_REUSE = [True]


@contextlib.contextmanager
def without_reuse() -> Iterator[None]:
    """Compute every guidance afresh inside this block (asking the authority's rule
    each time): the completeness checks use it to catch a rule that is not a pure
    function of the case."""
    _REUSE.append(False)
    try:
        yield
    finally:
        _REUSE.pop()


#: The case field that is the time: the only one the reused part may not depend on.
_TIME_FIELD = "at"
#: For each case class (Case, or a subclass), a getter of its other fields.
_KEY_GETTERS: dict[type[Case], Callable[[Case], object]] = {}


def _case_key(case: Case) -> tuple[object, ...]:
    """The reuse key of ``case``: its class and every one of its fields but ``at``,
    found from the class itself (``attrs.fields``), so a field added to Case is in it."""
    cls = type(case)
    getter = _KEY_GETTERS.get(cls)
    if getter is None:
        names = [f.name for f in attrs.fields(cls) if f.name != _TIME_FIELD]
        getter = _KEY_GETTERS[cls] = operator.attrgetter(*names)
    return (cls, getter(case))


def _static_guidance(
    case: Case, authority: Authority, rule: ReferralRule, plugin: str, plugin_version: str
) -> _Static:
    key = (id(authority), plugin, plugin_version, _case_key(case))
    reuse = _REUSE[-1]
    hit = _STATIC.get(key) if reuse else None
    if hit is not None and hit[0]() is authority:
        return hit[1]
    plan = _plan(case, authority, rule)
    try:
        static = _render(case, authority, plan, plugin, plugin_version)
    except KeyError as exc:
        raise AuthorityError(
            authority.id, f"the {authority.id} data has no {exc.args[0]!r}, which this route needs"
        ) from None
    if reuse:
        if len(_STATIC) >= _STATIC_LIMIT:
            _STATIC.clear()
        _STATIC[key] = (weakref.ref(authority), static)
    return static


def _contact_template(authority: Authority, contact: Contact) -> tuple[ContactAdvice, OpeningHours]:
    template = ContactAdvice(
        id=contact.id,
        name=contact.name,
        purpose=contact.purpose,
        phone=contact.phone,
        url=contact.url,
        hours=contact.hours.text,
        open=None,
        next_open=None,
        why=_WHY[contact.purpose],
        citations=_cites(authority, contact.citations),
        note=contact.note,
    )
    return template, contact.hours


def _render(
    case: Case,
    authority: Authority,
    plan: _Plan,
    plugin: str,
    plugin_version: str,
) -> _Static:
    fill = _fill_values(authority, case, plan.summary_values)

    steps = []
    for order, step_id in enumerate(_dedupe(plan.steps), start=1):
        text = authority.steps[step_id]
        steps.append(
            StepOut(
                order=order,
                id=step_id,
                action=text.action.format_map(fill),
                reason=text.reason.format_map(fill),
                citations=_cites(authority, text.citations),
            )
        )

    chosen: list[Contact] = [c for p in plan.purposes for c in authority.contacts_for(p)]
    chosen += [authority.contact(i) for i in plan.contact_ids]
    unique = {c.id: c for c in chosen}
    # urgent lines first (999, child protection, the public line); the rest in the
    # order the route gives them
    ordered = sorted(unique.values(), key=lambda c: min(PURPOSE_RANK[c.purpose], _NOT_URGENT))
    contacts = _slots(authority, ordered)
    urgent = _slots(
        authority,
        [
            c
            for p in (Purpose.EMERGENCY, Purpose.CHILD_PROTECTION)
            for c in authority.contacts_for(p)
        ],
    )

    consent_texts = [authority.consent[k] for k in _dedupe(plan.consent_keys)]
    consent = ConsentAdvice(
        status=case.consent,
        required=plan.consent_required,
        guidance=tuple(t.guidance for t in consent_texts),
        record=tuple(_dedupe(r for t in consent_texts for r in t.record)),
        citations=tuple(c for t in consent_texts for c in _cites(authority, t.citations)),
    )

    record = authority.record_keeping
    # The record-keeping duties are a practitioner's: a member of the public gets none.
    record_keeping = (
        ()
        if case.referrer is Referrer.PUBLIC
        else tuple(_dedupe([record.always, record.conversations, *consent.record]))
    )

    warnings = list(plan.warnings)
    for contact in ordered:
        warnings += _hours_warnings(contact)

    follow_up = None
    if plan.follow_up:
        follow_up = FollowUp(
            within_hours=FOLLOW_UP_HOURS,
            how=authority.steps["follow-up-in-writing"].action.format_map(fill),
        )

    level_citations = authority.level(case.level).citations if case.level is not None else ()
    citations = _dedupe_citations(
        [
            *_cites(authority, level_citations),
            *(c for s in steps for c in s.citations),
            *(c for slot in contacts for c in slot.template.citations),
            *consent.citations,
            *_cites(authority, record.citations),
        ]
    )
    policy = authority.document(authority.policy_document)
    guidance = Guidance(
        format=FORMAT,
        at="",
        source=SourceInfo(
            plugin=plugin,
            plugin_version=plugin_version,
            document=policy.title,
            document_date=policy.date,
            data_reviewed=authority.reviewed,
            data_review_due=authority.review_due,
        ),
        authority=AuthorityRef(authority.id, authority.name),
        level=case.level,
        level_name=authority.level(case.level).name if case.level is not None else None,
        route=plan.route,
        summary=authority.route_summaries[plan.summary_key].format_map(fill),
        eha_required=plan.eha_required,
        contacts=(),
        urgent_contacts=(),
        follow_up=follow_up,
        consent=consent,
        steps=tuple(steps),
        record_keeping=record_keeping,
        citations=citations,
        warnings=tuple(_dedupe_warnings(warnings)),
        disclaimer=DISCLAIMER,
    )
    return _Static(guidance, contacts, urgent, dt.date.fromisoformat(authority.review_due))


@functools.lru_cache(maxsize=4096)
def _unquoted(citation: CitationOut) -> CitationOut:
    return attrs.evolve(citation, quote=None)


def _dedupe_citations(citations: Iterable[CitationOut]) -> tuple[CitationOut, ...]:
    seen: dict[tuple[str, str], CitationOut] = {}
    for citation in citations:
        key = (citation.seed, citation.section)
        if key not in seen:
            seen[key] = _unquoted(citation)
    return tuple(seen.values())


def _dedupe_warnings(warnings: Iterable[Warning]) -> list[Warning]:
    return list({(w.code, w.message): w for w in warnings}.values())
