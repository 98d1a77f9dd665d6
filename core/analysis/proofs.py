"""Proofs over a policy's decision table and parts: complete, and nothing dead.

Every question has a finite set of answers, so the cases a decision table can
see are finite too: these functions try every one of them, which is a proof
(in the manner of Catala's) that

* the table is **complete**: every answerable case reaches a row, so gets
  exactly one route (the first matching row);
* no row is **unreachable**: each row is the first match for some case;
* no part of a route, and no addition, is **dead**: each applies to some case;
* an **urgent route** (emergency, child protection) lists only contacts for
  emergencies, child protection, members of the public, out-of-hours advice or the
  written follow-up (never, say, an online early-help request);
* a route that sets a **written follow-up** lists a contact for it.

The last three look at every case of every question
(:func:`explore`, once per authority); origins name the data file and field
(``ddscp/rules.toml: routes.emergency.parts[2]``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from threshold.core.engine.plan import plan_facts
from threshold.core.model.authority import Authority, Contact
from threshold.core.model.enums import URGENT_KINDS, Purpose, QuestionType
from threshold.core.model.errors import AuthorityError
from threshold.core.model.identity import per_object
from threshold.core.model.tables import Part, first_row

#: The urgent part as the decision table sees it: the core has already taken
#: immediate danger and significant harm, so rows only see them false.
_TABLE_URGENT = {"immediate_danger": (False,), "significant_harm": (False,)}
_REFERRERS = ("professional", "public")


def answers(authority: Authority, question_id: str) -> tuple[Any, ...]:
    """Every answer a question of ``authority`` can have."""
    question = authority.question(question_id)
    if question.type is QuestionType.BOOLEAN:
        return (True, False)
    if question.type is QuestionType.LEVEL:
        return (None, *(level.number for level in authority.levels))
    values = tuple(choice.value for choice in question.choices)
    return (*values, None) if question.nullable else values


def all_axes(authority: Authority, *, urgent: bool = True) -> list[tuple[str, tuple[Any, ...]]]:
    """Every fact of a case with its answers: the urgent part, then the questions."""
    axes: list[tuple[str, tuple[Any, ...]]] = []
    if urgent:
        axes += [("immediate_danger", (True, False)), ("significant_harm", (True, False))]
    axes.append(("referrer", _REFERRERS))
    axes += [(q.id, answers(authority, q.id)) for q in authority.questions]
    return axes


def table_axes(authority: Authority) -> list[tuple[str, tuple[Any, ...]]]:
    """The facts the decision table reads, with their answers."""
    read = {test.fact for row in authority.rules for test in row.when.tests}
    return [
        (fact, values)
        for fact, values in [*_TABLE_URGENT.items(), *all_axes(authority, urgent=False)]
        if fact in read
    ]


def combinations(axes: Sequence[tuple[str, Sequence[Any]]]) -> Iterator[dict[str, Any]]:
    """Every combination of the axes' answers."""
    names = [name for name, _ in axes]
    for values in itertools.product(*(values for _, values in axes)):
        yield dict(zip(names, values, strict=True))


@attrs.frozen
class TableProof:
    """What trying every case on the decision table found.

    Attributes:
        cases: How many distinct cases the table can see.
        uncovered: Cases no row matches (at most 10 shown), as facts.
        uncovered_count: How many cases no row matches.
        unreachable: Rows that are never the first match, by where they are written.
        hits: For each row (by where it is written), how many cases it decides.
    """

    cases: int
    uncovered: tuple[Mapping[str, Any], ...]
    uncovered_count: int
    unreachable: tuple[str, ...]
    hits: Mapping[str, int]

    @property
    def complete(self) -> bool:
        """Every case reaches a row."""
        return self.uncovered_count == 0


def prove_table(authority: Authority) -> TableProof:
    """Try every case the decision table can see."""
    base = {"immediate_danger": False, "significant_harm": False}
    hits = {row.origin: 0 for row in authority.rules}
    uncovered: list[Mapping[str, Any]] = []
    count = total = 0
    for facts in combinations(table_axes(authority)):
        total += 1
        row = first_row(authority.rules, {**base, **facts})
        if row is None:
            count += 1
            if len(uncovered) < 10:
                uncovered.append(facts)
        else:
            hits[row.origin] += 1
    return TableProof(
        total,
        tuple(uncovered),
        count,
        tuple(origin for origin, n in hits.items() if n == 0),
        hits,
    )


#: The purposes a contact listed on an urgent route may have (at least one of them).
URGENT_ROUTE_PURPOSES = frozenset(
    {
        Purpose.EMERGENCY,
        Purpose.CHILD_PROTECTION,
        Purpose.PUBLIC,
        Purpose.OUT_OF_HOURS_ADVICE,
        Purpose.FOLLOW_UP,
    }
)


@attrs.frozen
class Listing:
    """A contact a part lists: where (``...parts[2].contacts[0]``), the entry as
    written (a purpose, or ``{id = ...}``) and the contacts it gives."""

    where: str
    entry: str
    contacts: tuple[Contact, ...]


@attrs.frozen
class Exploration:
    """What every case of every question gives, by the decision table and parts.

    Attributes:
        cases: How many cases were tried (every answer of every question, the
            urgent part included).
        applied: For each route id, the origins of the parts (and additions) that
            apply to it in some case.
        follow_up_unlisted: For each route id that sets a written follow-up in a case
            whose contacts include no follow-up contact, the origin of the part that
            set it and one such case, as facts.
    """

    cases: int
    applied: Mapping[str, frozenset[str]]
    follow_up_unlisted: Mapping[str, tuple[str, Mapping[str, Any]]]

    @property
    def applied_anywhere(self) -> frozenset[str]:
        """The origins that apply to some case, on any route."""
        return frozenset().union(*self.applied.values())


def parts_by_origin(authority: Authority) -> dict[str, Part]:
    """Every part (of routes and additions) by its origin."""
    found = {p.origin: p for r in authority.routes.values() for p in r.parts}
    found.update((p.origin, p) for p in authority.additions)
    return found


def listed(authority: Authority, part: Part) -> tuple[Listing, ...]:
    """The contacts ``part`` lists, each entry with where it is written."""
    found = []
    for name, values in part.collected:
        if name != "contacts":
            continue
        for index, entry in enumerate(values):
            where = f"{part.origin}.contacts[{index}]"
            if isinstance(entry, Mapping):
                try:
                    contacts: tuple[Contact, ...] = (authority.contact(entry["id"]),)
                except KeyError:
                    contacts = ()
                found.append(Listing(where, f"{{id = {entry['id']!r}}}", contacts))
            else:
                found.append(Listing(where, str(entry), authority.contacts_for(Purpose(entry))))
    return tuple(found)


@per_object
def explore(authority: Authority) -> Exploration:
    """Plan every case of every question (made once per authority)."""
    parts = parts_by_origin(authority)
    applied: dict[str, set[str]] = {route_id: set() for route_id in authority.routes}
    unlisted: dict[str, tuple[str, Mapping[str, Any]]] = {}
    follow_contacts: dict[str, bool] = {}
    count = 0
    for facts in combinations(all_axes(authority)):
        count += 1
        try:
            plan = plan_facts(authority, facts)
        except AuthorityError:  # no row: :func:`prove_table` reports it
            continue
        origins = plan.outcome.applied
        applied[plan.route.id].update(origins)
        if "follow_up" not in plan.single or plan.route.id in unlisted:
            continue
        if any(_lists_follow_up(authority, parts[o], follow_contacts) for o in origins):
            continue
        setter = next(o for o in reversed(origins) if "follow_up" in dict(parts[o].single))
        unlisted[plan.route.id] = (setter, facts)
    return Exploration(count, {k: frozenset(v) for k, v in applied.items()}, unlisted)


def _lists_follow_up(authority: Authority, part: Part, memo: dict[str, bool]) -> bool:
    """Whether ``part`` lists a contact whose purposes include the written follow-up."""
    if part.origin not in memo:
        memo[part.origin] = any(
            Purpose.FOLLOW_UP in contact.purposes
            for listing in listed(authority, part)
            for contact in listing.contacts
        )
    return memo[part.origin]


def dead_parts(authority: Authority) -> tuple[str, ...]:
    """The parts (of routes and additions) that apply to no case at all."""
    return tuple(sorted(set(parts_by_origin(authority)) - explore(authority).applied_anywhere))


@attrs.frozen
class UrgentListing:
    """A contact an urgent route lists that has none of the purposes an urgent
    route may list (:data:`URGENT_ROUTE_PURPOSES`)."""

    route: str
    where: str
    entry: str
    contact: Contact


def urgent_route_listings(authority: Authority) -> tuple[UrgentListing, ...]:
    """Contacts that urgent routes list although they are for none of an urgent
    route's purposes (in some case: the part applies on that route)."""
    parts = parts_by_origin(authority)
    found = []
    seen: set[tuple[str, str]] = set()
    explored = explore(authority)
    for route in authority.routes.values():
        if route.kind not in URGENT_KINDS:
            continue
        for origin in sorted(explored.applied.get(route.id, ())):
            for listing in listed(authority, parts[origin]):
                for contact in listing.contacts:
                    if URGENT_ROUTE_PURPOSES & set(contact.purposes):
                        continue
                    if (listing.where, contact.id) in seen:
                        continue
                    seen.add((listing.where, contact.id))
                    found.append(UrgentListing(route.id, listing.where, listing.entry, contact))
    return tuple(found)


def parts_reading(parts: Sequence[Part]) -> frozenset[str]:
    """The facts some part's conditions read."""
    return frozenset(
        test.fact
        for part in parts
        for guard in part.guards
        for condition in (guard.when, guard.unless)
        if condition is not None
        for test in condition.tests
    )
