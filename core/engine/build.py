"""The routing engine: one case and one authority in, one guidance out.

The plan (:mod:`threshold.core.engine.plan`) is turned into output here: the
words of every step come from the authority's data, each with its citation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from threshold.core.engine.contacts import contacts_at, prepare_contacts
from threshold.core.engine.plan import Plan, ReferralRule, plan_case
from threshold.core.engine.reuse import REUSE, StaticGuidance, case_key, static_of
from threshold.core.engine.wording import (
    CACHE_LIMIT,
    DISCLAIMER,
    NOT_URGENT,
    cite_all,
    dedupe,
    dedupe_citations,
    dedupe_warnings,
    fill_values,
    hours_warnings,
)
from threshold.core.model.authority import Authority, Contact
from threshold.core.model.case import Case
from threshold.core.model.clock import local_now, london_today
from threshold.core.model.enums import (
    PURPOSE_RANK,
    Purpose,
    Referrer,
)
from threshold.core.model.errors import AuthorityError
from threshold.core.model.guidance import (
    AuthorityRef,
    ConsentAdvice,
    ContactAdvice,
    FollowUp,
    Guidance,
    GuidanceWarning,
    SourceInfo,
    StepOut,
    VersionRef,
)
from threshold.core.model.identity import per_object

FORMAT = "threshold.guidance/1"


def build_guidance(
    case: Case,
    authority: Authority,
    rule: ReferralRule | None,
    *,
    plugin: str,
    plugin_version: str,
    today: dt.date | None = None,
) -> Guidance:
    """Return the guidance for ``case`` in ``authority``.

    ``rule`` is the authority's Python rule (the escape hatch beside its decision
    table), or None. ``today`` (for the data
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
    today = today or london_today()
    if today > static.review_due:
        warnings = (
            GuidanceWarning(
                "review-overdue",
                f"Check these numbers: the {authority.name} information was due for review on "
                f"{authority.review_due} and has not been re-checked since.",
            ),
            *warnings,
        )
    last = _LAST_AT.get(id(static)) if REUSE[-1] else None
    if last is not None and last[0] is static and last[1] == when:
        contacts, urgent = last[2], last[3]
    else:
        contacts = contacts_at(static.contacts, when)
        urgent = contacts_at(static.urgent_contacts, when)
        if len(_LAST_AT) >= CACHE_LIMIT:
            _LAST_AT.clear()
        _LAST_AT[id(static)] = (static, when, contacts, urgent)
    return Guidance(
        **static.fields,
        at=when.isoformat(),
        contacts=contacts,
        urgent_contacts=urgent,
        warnings=warnings,
    )


#: For each reused part, the contacts at the last time it was asked for (the
#: comparison asks every case at one time; a batch often gives one time throughout).
#: The reference to the part keeps its id from being reused while it is here.
_LAST_AT: dict[
    int,
    tuple[StaticGuidance, dt.datetime, tuple[ContactAdvice, ...], tuple[ContactAdvice, ...]],
] = {}


def _static_guidance(
    case: Case, authority: Authority, rule: ReferralRule | None, plugin: str, plugin_version: str
) -> StaticGuidance:
    reuse = REUSE[-1]
    if reuse:
        held = static_of(authority)
        key = (plugin, plugin_version, *case_key(case))
        hit = held.get(key)
        if hit is not None:
            return hit
    plan = plan_case(case, authority, rule)
    static = _rendered(case, authority, plan, plugin, plugin_version, reuse)
    if reuse:
        if len(held) >= CACHE_LIMIT:
            held.clear()
        held[key] = static
    return static


@per_object
def _rendered_of(_: Authority) -> dict[tuple[object, ...], StaticGuidance]:
    """Rendered guidance of an authority by all a rendering reads (see
    :func:`_render_key`): the many cases that share a route, its applying parts,
    level, consent answer and referrer share one rendering."""
    return {}


def _render_key(case: Case, authority: Authority, plan: Plan) -> tuple[object, ...]:
    """Everything :func:`_render` reads of the case and the plan: the route, the parts
    that applied (they give the lists and single values), the level and the values
    the deciding row gives (the texts' placeholders), who refers and the consent answer."""
    question = authority.consent_question
    status = case.answer(question.id) if question else None
    level = plan.facts.get("level")
    return (
        plan.route.id,
        tuple(plan.outcome.applied),
        (type(level), level),
        tuple(sorted(plan.values.items())),
        case.referrer,
        (type(status), status),
    )


def _rendered(
    case: Case, authority: Authority, plan: Plan, plugin: str, plugin_version: str, reuse: bool
) -> StaticGuidance:
    """The rendering of ``plan`` for ``case``, shared between the cases that read the
    same (made afresh without reuse)."""
    known = _rendered_of(authority)
    key: tuple[object, ...] | None = (plugin, plugin_version, *_render_key(case, authority, plan))
    try:
        found = known.get(key) if reuse and key is not None else None
    except TypeError:  # an unhashable answer: rendered, not kept
        key, found = None, None
    if found is not None:
        return found
    try:
        static = _render(case, authority, plan, plugin, plugin_version)
    except KeyError as exc:
        raise AuthorityError(
            authority.id, f"the {authority.id} data has no {exc.args[0]!r}, which this route needs"
        ) from None
    if reuse and key is not None:
        if len(known) >= CACHE_LIMIT:
            known.clear()
        known[key] = static
    return static


def _render(
    case: Case,
    authority: Authority,
    plan: Plan,
    plugin: str,
    plugin_version: str,
) -> StaticGuidance:
    fill = fill_values(authority, plan.facts, plan.values)
    single = plan.single
    steps = _steps(authority, plan, fill)
    listed = _contacts(authority, plan)
    contacts = prepare_contacts(authority, listed)
    urgent = prepare_contacts(authority, _urgent_lines(authority))
    consent = _consent(case, authority, plan)
    record_keeping = _record_keeping(case, authority, consent.record)
    warnings = [
        GuidanceWarning(authority.warnings[w].code, authority.warnings[w].message.format_map(fill))
        for w in plan.lists["warnings"]
    ]
    warnings += [w for contact, _ in listed for w in hours_warnings(contact)]
    follow_up = _follow_up(authority, single.get("follow_up"), fill)
    level_number = plan.facts.get("level")
    level = authority.level(level_number) if level_number is not None else None
    citations = dedupe_citations(
        [
            *cite_all(authority, level.citations if level else ()),
            *(c for s in steps for c in s.citations),
            *(c for slot in contacts for c in slot.template.citations),
            *consent.citations,
            *cite_all(authority, authority.record_keeping.citations),
        ]
    )
    prerequisites = tuple(single.get("prerequisites", ()))
    guidance = Guidance(
        format=FORMAT,
        at="",
        source=_source(authority, plugin, plugin_version),
        authority=AuthorityRef(authority.id, authority.name),
        level=level_number,
        level_name=level.name if level else None,
        route=plan.route.id,
        summary=authority.summaries[single["summary"]].format_map(fill),
        eha_required=bool(prerequisites),
        contacts=(),
        urgent_contacts=(),
        follow_up=follow_up,
        consent=consent,
        steps=tuple(steps),
        record_keeping=record_keeping,
        citations=citations,
        warnings=tuple(dedupe_warnings(warnings)),
        disclaimer=DISCLAIMER,
        route_title=plan.route.title,
        kind=plan.route.kind.value,
        prerequisites=prerequisites,
    )
    return StaticGuidance(guidance, contacts, urgent, dt.date.fromisoformat(authority.review_due))


def _record_keeping(
    case: Case, authority: Authority, consent_record: Sequence[str]
) -> tuple[str, ...]:
    """The record-keeping duties: a practitioner's; a member of the public gets none."""
    if case.referrer is Referrer.PUBLIC:
        return ()
    duties = authority.record_keeping
    return tuple(dedupe([duties.always, duties.conversations, *consent_record]))


def _follow_up(
    authority: Authority, follow: Mapping[str, Any] | None, fill: Mapping[str, str]
) -> FollowUp | None:
    """The written follow-up the plan names (its deadline may be unstated), or None."""
    if not follow:
        return None
    return FollowUp(follow["within_hours"], authority.steps[follow["how"]].action.format_map(fill))


def _steps(authority: Authority, plan: Plan, fill: Mapping[str, str]) -> list[StepOut]:
    """The plan's steps in order, in the authority's words, each with its citations."""
    steps = []
    for order, step_id in enumerate(dedupe(plan.lists["steps"]), start=1):
        text = authority.steps[step_id]
        steps.append(
            StepOut(
                order=order,
                id=step_id,
                action=text.action.format_map(fill),
                reason=text.reason.format_map(fill),
                citations=cite_all(authority, text.citations),
            )
        )
    return steps


def _contacts(authority: Authority, plan: Plan) -> list[tuple[Contact, Purpose]]:
    """The contacts the route lists, each once, with the purpose it is listed for:
    urgent lines first (999, child protection, the public line); the rest in the
    order the route's parts give them."""
    found: dict[str, tuple[Contact, Purpose]] = {}
    for entry in plan.lists["contacts"]:
        if isinstance(entry, Mapping):
            contact = authority.contact(entry["id"])
            found.setdefault(contact.id, (contact, contact.purpose))
        else:
            purpose = Purpose(entry)
            for contact in authority.contacts_for(purpose):
                found.setdefault(contact.id, (contact, purpose))
    return sorted(found.values(), key=lambda item: min(PURPOSE_RANK[item[1]], NOT_URGENT))


def _urgent_lines(authority: Authority) -> list[tuple[Contact, Purpose]]:
    """The lines every guidance carries whatever the route: 999 and child protection."""
    return [
        (c, p)
        for p in (Purpose.EMERGENCY, Purpose.CHILD_PROTECTION)
        for c in authority.contacts_for(p)
    ]


def _consent(case: Case, authority: Authority, plan: Plan) -> ConsentAdvice:
    """The plan's consent texts as advice: what to do, what to record, the sources."""
    texts = [authority.consent[k] for k in dedupe(plan.lists["consent"])]
    question = authority.consent_question
    required = plan.single.get("consent_required", True)
    return ConsentAdvice(
        status=case.answer(question.id) if question else None,
        required=None if required == "unstated" else required,
        guidance=tuple(t.guidance for t in texts),
        record=tuple(dedupe(r for t in texts for r in t.record)),
        citations=tuple(c for t in texts for c in cite_all(authority, t.citations)),
    )


def _source(authority: Authority, plugin: str, plugin_version: str) -> SourceInfo:
    """Where a guidance came from: the plugin, the policy document, the data's dates."""
    policy = authority.document(authority.policy_document)
    version = authority.version
    return SourceInfo(
        plugin=plugin,
        plugin_version=plugin_version,
        document=policy.title,
        document_date=policy.date,
        data_reviewed=authority.reviewed,
        data_review_due=authority.review_due,
        version=None
        if version is None
        else VersionRef(version.name, version.hash, version.in_force_from, version.in_force_until),
    )
