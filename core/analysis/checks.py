"""Completeness and safety checks, for one authority.

Two kinds, both run by ``threshold check --rules`` and the test suite for every
installed authority; a plugin that breaks a rule is reported, never trusted:

* **rules over the matrix** (:data:`RULES`, :func:`check_rules`): each looks at
  the guidance for every combination in :mod:`threshold.core.analysis.matrix`
  (routed through the plugin, its Python rule included, at two instants, so a
  route that changes with the time is caught) and returns a :class:`Violation`
  naming the combination and the rule. They are stated over route *kinds* and
  the urgent fields, so they hold the same way for every authority;
* **proofs over the data** (:data:`TABLE_RULES`, :func:`check_tables`): the
  decision table is complete, no row is unreachable and no part dead, urgent
  routes list only urgent contacts, and a written follow-up lists its contact
  (:mod:`threshold.core.analysis.proofs`). Each :class:`TableFinding` names the
  data file and field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from threshold.core.analysis.matrix import (
    MATRIX_AT,
    OTHER_AT,
    Combination,
    Matrix,
    matrix_of,
    value_text,
)
from threshold.core.analysis.proofs import (
    URGENT_ROUTE_PURPOSES,
    dead_parts,
    explore,
    prove_table,
    urgent_route_listings,
)
from threshold.core.engine.api import route
from threshold.core.engine.reuse import without_reuse
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.enums import URGENT_KINDS, Kind, Purpose
from threshold.core.model.fields import case_fields
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
    Rule(
        "danger-999-first",
        "Every case with immediate danger takes a route of kind emergency with 999 as its "
        "first contact.",
    ),
    Rule(
        "harm-urgent-route",
        "Every case with significant harm (or an answer the authority marks as child "
        "protection) takes a route of an urgent kind (emergency or child protection), with a "
        "phone line for emergencies or child protection first (never an online form alone), "
        "and nothing to be done first.",
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

_URGENT_PURPOSES = frozenset({Purpose.EMERGENCY, Purpose.CHILD_PROTECTION})


def _is_999(phone: str | None) -> bool:
    return phone is not None and phone.replace(" ", "") == "999"


def _raised(values: dict[str, object], matrix: Matrix, urgency: str) -> bool:
    """Whether an urgent field of this urgency (``danger``, ``child-protection``) is raised."""
    return any(values.get(name) is True for name in _urgent_names(matrix, urgency))


def _urgent_names(matrix: Matrix, urgency: str) -> tuple[str, ...]:
    return tuple(f.name for f in case_fields(matrix.authority) if f.urgent == urgency and f.matrix)


def _danger_999_first(values: dict[str, object], guidance: Guidance, matrix: Matrix) -> list[str]:
    if not _raised(values, matrix, "danger"):
        return []
    problems = []
    if guidance.kind != Kind.EMERGENCY:
        problems.append(f"route is {guidance.route} ({guidance.kind}), expected an emergency route")
    first = guidance.contacts[0] if guidance.contacts else None
    if first is None:
        problems.append("no contact is named, expected 999 first")
    elif not _is_999(first.phone):
        problems.append(f"first contact is {first.name} ({first.phone or 'no phone'}), not 999")
    return problems


def _harm_urgent_route(values: dict[str, object], guidance: Guidance, matrix: Matrix) -> list[str]:
    if not _raised(values, matrix, "child-protection"):
        return []
    problems = []
    if guidance.kind not in URGENT_KINDS:
        problems.append(
            f"route is {guidance.route} ({guidance.kind}), expected emergency or child protection"
        )
    if guidance.prerequisites:
        problems.append(
            "the route asks for something to be done first: " + ", ".join(guidance.prerequisites)
        )
    first = guidance.contacts[0] if guidance.contacts else None
    if first is None or not (_purposes(matrix, first.id, first.purpose) & _URGENT_PURPOSES):
        shown = "none" if first is None else f"{first.name} ({first.purpose.value})"
    elif not first.phone:
        shown = f"{first.name} (no phone)"
    else:
        shown = ""
    if shown:
        problems.append(
            f"first contact is {shown}, expected a phone line for emergencies or child "
            "protection (never an online form alone)"
        )
    return problems


def _purposes(matrix: Matrix, contact_id: str, shown: Purpose) -> frozenset[Purpose]:
    """Every purpose of a contact (a contact may have several; the guidance shows one)."""
    try:
        return frozenset(matrix.authority.contact(contact_id).purposes)
    except KeyError:
        return frozenset({shown})


def _phone_with_hours(values: dict[str, object], guidance: Guidance, matrix: Matrix) -> list[str]:
    lines = [c for c in (*guidance.contacts, *guidance.urgent_contacts) if c.phone and c.hours]
    return [] if lines else ["no phone number with its hours is named"]


def _step_cited(values: dict[str, object], guidance: Guidance, matrix: Matrix) -> list[str]:
    return [
        f"step {step.order} ({step.id}) has no citation"
        for step in guidance.steps
        if not step.citations or not all(c.seed and c.section for c in step.citations)
    ]


def _contact_cited(values: dict[str, object], guidance: Guidance, matrix: Matrix) -> list[str]:
    return [
        f"contact {contact.id} has no citation"
        for contact in (*guidance.contacts, *guidance.urgent_contacts)
        if not contact.citations or not all(c.seed and c.section for c in contact.citations)
    ]


_GUIDANCE_RULES: tuple[
    tuple[str, Callable[[dict[str, object], Guidance, Matrix], list[str]]], ...
] = (
    ("danger-999-first", _danger_999_first),
    ("harm-urgent-route", _harm_urgent_route),
    ("phone-with-hours", _phone_with_hours),
    ("step-cited", _step_cited),
    ("contact-cited", _contact_cited),
)


def _route_or_problem(
    registry: Registry, authority_id: str, case: Case, version: Authority | None = None
) -> Guidance | str:
    try:
        return route(case, authority_id, registry=registry, version=version)
    except Exception as exc:  # a broken plugin is a violation to report, not a crash
        first = (str(exc).strip().splitlines() or [""])[0]
        return f"no route ({type(exc).__name__}: {first})" if first else type(exc).__name__


def check_rules(
    registry: Registry,
    authority_id: str,
    *,
    only: Iterable[Combination] | None = None,
    version: Authority | None = None,
) -> list[Violation]:
    """Run every rule in :data:`RULES` over the matrix for one authority (with
    ``version``: that version of its data, such as a draft, at every time).

    ``only`` limits the combinations checked (default: all of them). Returns the
    violations, each naming the combination and the rule; an empty list means
    every rule holds.

    Raises:
        AuthorityError: the authority is unknown, conflicted or its plugin broken.
    """
    registry.get(authority_id)  # unknown or broken: the caller says so
    with without_reuse():  # ask the rule every time, so an impure rule is caught
        return _check(registry, authority_id, only, version)


def _check(
    registry: Registry,
    authority_id: str,
    only: Iterable[Combination] | None,
    version: Authority | None = None,
) -> list[Violation]:
    found: list[Violation] = []
    matrix = matrix_of(version or registry.get(authority_id).authority)
    for combination in only if only is not None else matrix.combinations():
        values = combination.as_dict()

        def violation(rule: str, message: str, combination: Combination = combination) -> None:
            found.append(
                Violation(authority_id, rule, combination.index, combination.label(), message)
            )

        answers = [
            _route_or_problem(registry, authority_id, matrix.parsed(at)[combination.index], version)
            for at in (MATRIX_AT, OTHER_AT)
        ]
        guidances = [a for a in answers if isinstance(a, Guidance)]
        for problem in dict.fromkeys(a for a in answers if isinstance(a, str)):
            violation("one-route", problem)
        if len(guidances) == 2 and guidances[0].route != guidances[1].route:
            violation(
                "one-route",
                f"the route changes with the time: {guidances[0].route} at {MATRIX_AT}, "
                f"{guidances[1].route} at {OTHER_AT}",
            )
        for rule_id, rule in _GUIDANCE_RULES:
            for message in dict.fromkeys(m for g in guidances for m in rule(values, g, matrix)):
                violation(rule_id, message)
    return found


# ----------------------------------------------------------------------------- proofs over the data

TABLE_RULES: tuple[Rule, ...] = (
    Rule(
        "table-complete",
        "The decision table gives every answerable case a route: some row matches each.",
    ),
    Rule(
        "unreachable-row",
        "Every row of the decision table is the first match for some case (a warning; an "
        "error with --strict).",
    ),
    Rule(
        "dead-part",
        "Every part of a route, and every addition, applies to some case (a warning; an error "
        "with --strict).",
    ),
    Rule(
        "urgent-route-contacts",
        "An urgent route (emergency, child protection) lists only contacts for emergencies, "
        "child protection, members of the public, out-of-hours advice or the written follow-up.",
    ),
    Rule(
        "follow-up-contact",
        "A route that sets a written follow-up lists a contact for it (purpose follow-up).",
    ),
)

TABLE_RULE_IDS = tuple(rule.id for rule in TABLE_RULES)


@attrs.frozen
class TableFinding:
    """One thing a proof over an authority's data found.

    Attributes:
        authority: Id of the authority checked.
        rule: Id of the rule (see :data:`TABLE_RULES`).
        severity: ``error``, or ``warning`` (an error with ``--strict``).
        where: The data file and field (``ddscp/rules.toml: rules[3]``).
        message: What is wrong and what is expected.
    """

    authority: str
    rule: str
    severity: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.authority}: {self.severity}: rule {self.rule}: {self.where}: {self.message}"


def _facts_text(authority: Authority, facts: dict[str, object] | Any) -> str:
    titles = {f.name: f.title for f in case_fields(authority)}
    return ", ".join(f"{titles.get(k, k)}: {value_text(k, v)}" for k, v in facts.items())


def check_tables(authority: Authority, *, strict: bool = False) -> list[TableFinding]:
    """Prove an authority's decision table and parts (:data:`TABLE_RULES`): every
    finding names the data file and field. Unreachable rows and dead parts are
    warnings, errors when ``strict``."""
    found: list[TableFinding] = []
    soft = "error" if strict else "warning"

    def add(rule: str, severity: str, where: str, message: str) -> None:
        found.append(TableFinding(authority.id, rule, severity, where, message))

    proof = prove_table(authority)
    if not proof.complete:
        files = sorted({row.origin.rpartition(": ")[0] or "rules" for row in authority.rules})
        examples = "; ".join(_facts_text(authority, facts) for facts in proof.uncovered[:3])
        add(
            "table-complete",
            "error",
            " + ".join(f"{file}: rules" if file != "rules" else file for file in files),
            f"no row matches {proof.uncovered_count} of the {proof.cases} cases the table can "
            f"see, such as {examples}; expected a row for every case (a last row without "
            "`when` takes every case the others leave)",
        )
    routes = {row.origin: row.route for row in authority.rules}
    for origin in proof.unreachable:
        add(
            "unreachable-row",
            soft,
            origin,
            f"never the first match (route {routes[origin]!r}): the rows above it take every "
            "case it matches; remove it or move it up",
        )
    for origin in dead_parts(authority):
        add("dead-part", soft, origin, "applies to no case: its conditions never hold together")
    allowed = ", ".join(p.value for p in Purpose if p in URGENT_ROUTE_PURPOSES)
    for listing in urgent_route_listings(authority):
        contact = listing.contact
        kind = authority.routes[listing.route].kind.value
        add(
            "urgent-route-contacts",
            "error",
            listing.where,
            f"the {kind} route {listing.route!r} lists {contact.name} (contact {contact.id!r}, "
            f"purposes: {', '.join(p.value for p in contact.purposes)}) for {listing.entry}; "
            f"an urgent route lists only contacts for: {allowed}",
        )
    for route_id, (origin, facts) in explore(authority).follow_up_unlisted.items():
        add(
            "follow-up-contact",
            "error",
            origin,
            f"route {route_id!r} sets a written follow-up but lists no contact with the purpose "
            f"follow-up (such as for {_facts_text(authority, facts)}); expected the contact "
            "the follow-up is sent to",
        )
    return found
