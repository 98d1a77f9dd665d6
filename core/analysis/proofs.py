"""Proofs over a policy's decision table and parts: complete, and nothing dead.

Every question has a finite set of answers, so the cases a decision table can
see are finite too: these functions try every one of them, which is a proof
(in the manner of Catala's) that

* the table is **complete**: every answerable case reaches a row, so gets
  exactly one route (the first matching row);
* no row is **unreachable**: each row is the first match for some case;
* no part of a route, and no addition, is **dead**: each applies to some case.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from threshold.core.engine.plan import plan_facts
from threshold.core.model.authority import Authority
from threshold.core.model.enums import QuestionType
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


def dead_parts(authority: Authority) -> tuple[str, ...]:
    """The parts (of routes and additions) that apply to no case at all."""
    origins = {p.origin for r in authority.routes.values() for p in r.parts}
    origins |= {p.origin for p in authority.additions}
    applied: set[str] = set()
    for facts in combinations(all_axes(authority)):
        applied.update(plan_facts(authority, facts).outcome.applied)
        if applied >= origins:
            break
    return tuple(sorted(origins - applied))


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
