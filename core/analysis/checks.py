"""Completeness and safety checks over the whole scenario matrix, for one authority.

Each rule looks at the guidance for every combination in
:mod:`threshold.core.analysis.matrix` (routed at two instants, so a route that changes with
the time is caught) and returns a :class:`Violation` naming the combination and
the rule. ``threshold check --rules`` and the test suite run them for every
installed authority; a plugin that breaks a rule is reported, never trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from threshold.core.analysis.matrix import MATRIX_AT, OTHER_AT, Combination, combinations, parsed
from threshold.core.engine.api import route
from threshold.core.engine.reuse import without_reuse
from threshold.core.model.case import Case
from threshold.core.model.enums import URGENT_ROUTES, Purpose, Route
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry


@attrs.frozen
class Rule:
    """A completeness or safety rule.

    Attributes:
        id: Stable id, used in reports and tests.
        text: The rule in words.
    """

    id: str
    text: str


@attrs.frozen
class Violation:
    """One combination that breaks one rule in one authority.

    Attributes:
        authority: Id of the authority checked.
        rule: Id of the rule broken (see :data:`RULES`).
        combination: Index of the combination in the matrix.
        case: The combination in words, every field named.
        message: What is wrong.
    """

    authority: str
    rule: str
    combination: int
    case: str
    message: str

    def __str__(self) -> str:
        return f"{self.authority}: rule {self.rule}: {self.message} [case {self.case}]"


RULES: tuple[Rule, ...] = (
    Rule(
        "one-route",
        "Every combination gets exactly one route, and the same route whatever the time.",
    ),
    Rule("danger-999-first", "Every case with immediate danger has 999 as its first contact."),
    Rule(
        "harm-urgent-route",
        "Every case with significant harm or bruising on a non-mobile baby is routed to "
        "emergency or child protection, by phone first, and never to an online form alone or "
        "an Early Help Assessment.",
    ),
    Rule(
        "phone-with-hours",
        "Every route names at least one phone number with its hours (in its contacts or its "
        "urgent contacts).",
    ),
    Rule("step-cited", "Every step has a citation (a seed file and a section)."),
    Rule("contact-cited", "Every contact named has a citation (a seed file and a section)."),
)

RULE_IDS = tuple(rule.id for rule in RULES)

_URGENT_PURPOSES = (Purpose.EMERGENCY, Purpose.CHILD_PROTECTION)


def _is_999(phone: str | None) -> bool:
    return phone is not None and phone.replace(" ", "") == "999"


def _danger_999_first(values: dict[str, object], guidance: Guidance) -> list[str]:
    if not values["immediate_danger"]:
        return []
    problems = []
    if guidance.route is not Route.EMERGENCY:
        problems.append(f"route is {guidance.route.value}, expected emergency")
    first = guidance.contacts[0] if guidance.contacts else None
    if first is None:
        problems.append("no contact is named, expected 999 first")
    elif not _is_999(first.phone):
        problems.append(f"first contact is {first.name} ({first.phone or 'no phone'}), not 999")
    return problems


def _harm_urgent_route(values: dict[str, object], guidance: Guidance) -> list[str]:
    if not (values["significant_harm"] or values["non_mobile_baby_bruising"]):
        return []
    problems = []
    if guidance.route not in URGENT_ROUTES:
        problems.append(f"route is {guidance.route.value}, expected emergency or child-protection")
    if guidance.eha_required:
        problems.append("the route asks for an Early Help Assessment")
    first = guidance.contacts[0] if guidance.contacts else None
    if first is None or first.purpose not in _URGENT_PURPOSES or not first.phone:
        shown = "none" if first is None else f"{first.name} ({first.purpose.value})"
        problems.append(
            f"first contact is {shown}, expected a phone line for emergencies or child "
            "protection (never an online form alone)"
        )
    return problems


def _phone_with_hours(values: dict[str, object], guidance: Guidance) -> list[str]:
    lines = [c for c in (*guidance.contacts, *guidance.urgent_contacts) if c.phone and c.hours]
    return [] if lines else ["no phone number with its hours is named"]


def _step_cited(values: dict[str, object], guidance: Guidance) -> list[str]:
    return [
        f"step {step.order} ({step.id}) has no citation"
        for step in guidance.steps
        if not step.citations or not all(c.seed and c.section for c in step.citations)
    ]


def _contact_cited(values: dict[str, object], guidance: Guidance) -> list[str]:
    return [
        f"contact {contact.id} has no citation"
        for contact in (*guidance.contacts, *guidance.urgent_contacts)
        if not contact.citations or not all(c.seed and c.section for c in contact.citations)
    ]


_GUIDANCE_RULES: tuple[tuple[str, Callable[[dict[str, object], Guidance], list[str]]], ...] = (
    ("danger-999-first", _danger_999_first),
    ("harm-urgent-route", _harm_urgent_route),
    ("phone-with-hours", _phone_with_hours),
    ("step-cited", _step_cited),
    ("contact-cited", _contact_cited),
)


def _route_or_problem(registry: Registry, authority_id: str, case: Case) -> Guidance | str:
    try:
        return route(case, authority_id, registry=registry)
    except Exception as exc:  # a broken plugin is a violation to report, not a crash
        first = (str(exc).strip().splitlines() or [""])[0]
        return f"no route ({type(exc).__name__}: {first})" if first else type(exc).__name__


def check_rules(
    registry: Registry,
    authority_id: str,
    *,
    only: Iterable[Combination] | None = None,
) -> list[Violation]:
    """Run every rule in :data:`RULES` over the matrix for one authority.

    ``only`` limits the combinations checked (default: all of them). Returns the
    violations, each naming the combination and the rule; an empty list means
    every rule holds.

    Raises:
        AuthorityError: the authority is unknown, conflicted or its plugin broken.
    """
    registry.get(authority_id)  # unknown or broken: the caller says so
    with without_reuse():  # ask the rule every time, so an impure rule is caught
        return _check(registry, authority_id, only)


def _check(
    registry: Registry, authority_id: str, only: Iterable[Combination] | None
) -> list[Violation]:
    found: list[Violation] = []
    for combination in only if only is not None else combinations():
        values = combination.as_dict()

        def violation(rule: str, message: str, combination: Combination = combination) -> None:
            found.append(
                Violation(authority_id, rule, combination.index, combination.label(), message)
            )

        answers = [
            _route_or_problem(registry, authority_id, parsed(at)[combination.index])
            for at in (MATRIX_AT, OTHER_AT)
        ]
        guidances = [a for a in answers if isinstance(a, Guidance)]
        for problem in dict.fromkeys(a for a in answers if isinstance(a, str)):
            violation("one-route", problem)
        if len(guidances) == 2 and guidances[0].route is not guidances[1].route:
            violation(
                "one-route",
                f"the route changes with the time: {guidances[0].route.value} at {MATRIX_AT}, "
                f"{guidances[1].route.value} at {OTHER_AT}",
            )
        for rule_id, rule in _GUIDANCE_RULES:
            for message in dict.fromkeys(m for g in guidances for m in rule(values, g)):
                violation(rule_id, message)
    return found
