"""The routing engine: one case and one authority in, one guidance out.

The plan (:mod:`threshold.core.engine.plan`) is turned into output here: the
words of every step come from the authority's data, each with its citation."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Mapping

from threshold.core.engine.contacts import contacts_at, prepare_contacts
from threshold.core.engine.plan import Plan, ReferralRule, plan_case
from threshold.core.engine.reuse import REUSE, STATIC, StaticGuidance, case_key
from threshold.core.engine.wording import (
    CACHE_LIMIT,
    DISCLAIMER,
    FOLLOW_UP_HOURS,
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
from threshold.core.model.clock import LONDON, local_now
from threshold.core.model.enums import (
    PURPOSE_RANK,
    Purpose,
    Referrer,
)
from threshold.core.model.errors import AuthorityError
from threshold.core.model.guidance import (
    AuthorityRef,
    ConsentAdvice,
    FollowUp,
    Guidance,
    GuidanceWarning,
    SourceInfo,
    StepOut,
)

FORMAT = "threshold.guidance/1"


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
            GuidanceWarning(
                "review-overdue",
                f"Check these numbers: the {authority.name} information was due for review on "
                f"{authority.review_due} and has not been re-checked since.",
            ),
            *warnings,
        )
    return Guidance(
        **static.fields,
        at=when.isoformat(),
        contacts=contacts_at(static.contacts, when),
        urgent_contacts=contacts_at(static.urgent_contacts, when),
        warnings=warnings,
    )


def _static_guidance(
    case: Case, authority: Authority, rule: ReferralRule, plugin: str, plugin_version: str
) -> StaticGuidance:
    key = (id(authority), plugin, plugin_version, case_key(case))
    reuse = REUSE[-1]
    hit = STATIC.get(key) if reuse else None
    if hit is not None and hit[0]() is authority:
        return hit[1]
    plan = plan_case(case, authority, rule)
    try:
        static = _render(case, authority, plan, plugin, plugin_version)
    except KeyError as exc:
        raise AuthorityError(
            authority.id, f"the {authority.id} data has no {exc.args[0]!r}, which this route needs"
        ) from None
    if reuse:
        if len(STATIC) >= CACHE_LIMIT:
            STATIC.clear()
        STATIC[key] = (weakref.ref(authority), static)
    return static


def _render(
    case: Case,
    authority: Authority,
    plan: Plan,
    plugin: str,
    plugin_version: str,
) -> StaticGuidance:
    fill = fill_values(authority, case, plan.summary_values)

    steps = _steps(authority, plan, fill)
    ordered = _contacts(authority, plan)
    contacts = prepare_contacts(authority, ordered)
    urgent = prepare_contacts(authority, _urgent_lines(authority))
    consent = _consent(case, authority, plan)
    duties = authority.record_keeping
    # The record-keeping duties are a practitioner's: a member of the public gets none.
    record_keeping = (
        ()
        if case.referrer is Referrer.PUBLIC
        else tuple(dedupe([duties.always, duties.conversations, *consent.record]))
    )

    warnings = [*plan.warnings, *(w for contact in ordered for w in hours_warnings(contact))]
    follow_up = None
    if plan.follow_up:
        how = authority.steps["follow-up-in-writing"].action.format_map(fill)
        follow_up = FollowUp(within_hours=FOLLOW_UP_HOURS, how=how)

    level_citations = authority.level(case.level).citations if case.level is not None else ()
    citations = dedupe_citations(
        [
            *cite_all(authority, level_citations),
            *(c for s in steps for c in s.citations),
            *(c for slot in contacts for c in slot.template.citations),
            *consent.citations,
            *cite_all(authority, duties.citations),
        ]
    )
    guidance = Guidance(
        format=FORMAT,
        at="",
        source=_source(authority, plugin, plugin_version),
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
        warnings=tuple(dedupe_warnings(warnings)),
        disclaimer=DISCLAIMER,
    )
    return StaticGuidance(guidance, contacts, urgent, dt.date.fromisoformat(authority.review_due))


def _steps(authority: Authority, plan: Plan, fill: Mapping[str, str]) -> list[StepOut]:
    """The plan's steps in order, in the authority's words, each with its citations."""
    steps = []
    for order, step_id in enumerate(dedupe(plan.steps), start=1):
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


def _contacts(authority: Authority, plan: Plan) -> list[Contact]:
    """The plan's contacts, each once: urgent lines first (999, child protection,
    the public line); the rest in the order the route gives them."""
    chosen: list[Contact] = [c for p in plan.purposes for c in authority.contacts_for(p)]
    chosen += [authority.contact(i) for i in plan.contact_ids]
    unique = {c.id: c for c in chosen}
    return sorted(unique.values(), key=lambda c: min(PURPOSE_RANK[c.purpose], NOT_URGENT))


def _urgent_lines(authority: Authority) -> list[Contact]:
    """The lines every guidance carries whatever the route: 999 and child protection."""
    return [
        c for p in (Purpose.EMERGENCY, Purpose.CHILD_PROTECTION) for c in authority.contacts_for(p)
    ]


def _consent(case: Case, authority: Authority, plan: Plan) -> ConsentAdvice:
    """The plan's consent texts as advice: what to do, what to record, the sources."""
    texts = [authority.consent[k] for k in dedupe(plan.consent_keys)]
    return ConsentAdvice(
        status=case.consent,
        required=plan.consent_required,
        guidance=tuple(t.guidance for t in texts),
        record=tuple(dedupe(r for t in texts for r in t.record)),
        citations=tuple(c for t in texts for c in cite_all(authority, t.citations)),
    )


def _source(authority: Authority, plugin: str, plugin_version: str) -> SourceInfo:
    """Where a guidance came from: the plugin, the policy document, the data's dates."""
    policy = authority.document(authority.policy_document)
    return SourceInfo(
        plugin=plugin,
        plugin_version=plugin_version,
        document=policy.title,
        document_date=policy.date,
        data_reviewed=authority.reviewed,
        data_review_due=authority.review_due,
    )
