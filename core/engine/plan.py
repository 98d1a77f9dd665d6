"""The plan of a guidance: which route, and what its parts say for this case.

Precedence is fixed here, once, for every authority: immediate danger takes the
authority's route of kind ``emergency``, significant harm its route of kind
``child-protection``. Otherwise the authority's Python rule (the escape hatch,
if it has one and it answers) or its decision table chooses: the first row whose
conditions hold. The route's parts and the authority's additions then say which
steps, contacts, consent texts and warnings apply, and the summary, follow-up
and consent duty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from threshold.core.engine.reuse import REUSE
from threshold.core.model.authority import Authority, RouteDef
from threshold.core.model.case import Case
from threshold.core.model.enums import URGENT_KINDS, Kind
from threshold.core.model.errors import AuthorityError
from threshold.core.model.guidance import RouteChoice
from threshold.core.model.identity import per_object
from threshold.core.model.tables import Outcome, apply_parts, first_row

#: An authority's Python rule: a route for the case, or None to let the table decide.
ReferralRule = Callable[[Case], RouteChoice | None]


@attrs.define
class Plan:
    """What the policy says for one case, before it is turned into output.

    Attributes:
        route: The route.
        variant: The variant the deciding row (or rule) names, or None.
        values: Placeholder values the deciding row (or rule) gives (``{why}``).
        facts: The case's facts, with the route's id, kind and variant.
        outcome: What the route's parts and the additions say.
    """

    route: RouteDef
    variant: str | None
    values: dict[str, str]
    facts: dict[str, Any]
    outcome: Outcome

    @property
    def single(self) -> dict[str, Any]:
        """The single values the parts set: summary, follow_up, consent_required,
        prerequisites."""
        return self.outcome.single

    @property
    def lists(self) -> dict[str, list[Any]]:
        """What the parts add to: steps, contacts, consent, warnings."""
        return self.outcome.collected


def decide(
    authority: Authority,
    facts: Mapping[str, Any],
    rule: ReferralRule | None = None,
    case: Case | None = None,
) -> tuple[RouteDef, str | None, dict[str, str]]:
    """The route for ``facts``: the core's precedence, then the authority's rule (if
    it answers), then its decision table; with the variant and values it names.

    Raises:
        AuthorityError: the rule names a route the data has not, or an urgent one
            (those are the core's), or no row of the table matches (the checks
            prove a table complete).
    """
    if facts.get("immediate_danger"):
        return authority.route_of(Kind.EMERGENCY), None, {}
    if facts.get("significant_harm"):
        return authority.route_of(Kind.CHILD_PROTECTION), None, {}
    choice = rule(case) if rule is not None and case is not None else None
    if choice is not None:
        route = authority.routes.get(choice.route)
        if route is None:
            raise AuthorityError(
                authority.id,
                f"the {authority.id} rule chose route {choice.route!r}, which its data has not",
            )
        return route, choice.variant, dict(choice.values)
    row = first_row(authority.rules, facts)
    if row is None:
        raise AuthorityError(
            authority.id,
            f"the {authority.id} decision table has no row for this case; "
            "`threshold check --rules` shows which cases it misses",
        )
    return authority.routes[row.route], row.variant, dict(row.values)


def plan_case(case: Case, authority: Authority, rule: ReferralRule | None = None) -> Plan:
    """The plan for ``case`` in ``authority``."""
    return plan_facts(authority, case.facts(), rule, case)


def plan_facts(
    authority: Authority,
    facts: Mapping[str, Any],
    rule: ReferralRule | None = None,
    case: Case | None = None,
) -> Plan:
    """The plan for a case given as its facts (the decision table's view of it)."""
    route, variant, values = decide(authority, facts, rule, case)
    known = {**facts, "route": route.id, "kind": route.kind.value, "variant": variant}
    return Plan(route, variant, values, known, _outcome(authority, route, known))


@per_object
def _outcomes(
    _: Authority,
) -> tuple[dict[str, tuple[str, ...]], dict[tuple[object, ...], Outcome]]:
    """Of an authority: the facts each route's parts and the additions read, and the
    outcome for each set of values of those facts (with their types: True is not 1)."""
    return {}, {}


#: At most this many outcomes are kept per authority.
_OUTCOMES_MAX = 4096


def _outcome(authority: Authority, route: RouteDef, known: Mapping[str, Any]) -> Outcome:
    """What the route's parts and the authority's additions say for ``known``: it
    depends only on the facts their conditions read, so it is worked out once for
    each set of their values and shared (an Outcome is not changed once made)."""
    if not REUSE[-1]:  # worked out afresh (see without_reuse)
        outcome = apply_parts(route.parts, known)
        return apply_parts(authority.additions, known, outcome)
    reads, outcomes = _outcomes(authority)
    read = reads.get(route.id)
    if read is None:
        read = reads[route.id] = tuple(
            sorted(
                {
                    test.fact
                    for part in (*route.parts, *authority.additions)
                    for guard in part.guards
                    for condition in (guard.when, guard.unless)
                    if condition is not None
                    for test in condition.tests
                }
            )
        )
    key: tuple[object, ...] | None = (route.id, *((type(v), v) for v in map(known.get, read)))
    try:
        found = outcomes.get(key) if key is not None else None
    except TypeError:  # an unhashable fact: worked out, not kept
        key, found = None, None
    if found is None:
        found = apply_parts(route.parts, known)
        apply_parts(authority.additions, known, found)
        if key is not None:
            if len(outcomes) >= _OUTCOMES_MAX:
                outcomes.clear()
            outcomes[key] = found
    return found


def decide_route(case: Case, authority: Authority, rule: ReferralRule | None = None) -> str:
    """Only the id of the route ``case`` takes in ``authority`` (no output is built):
    for finding which case fields decided a route."""
    return decide(authority, case.facts(), rule, case)[0].id


def is_urgent(route: RouteDef) -> bool:
    """Whether the route is of an urgent kind (emergency, child protection)."""
    return route.kind in URGENT_KINDS
