"""Which questions can still change the guidance, read from the rules themselves.

With the rules as data this is a static analysis, not a search: given what is
already known, a fact matters when a row of the decision table that can still
decide the route reads it, or a part that can still apply reads it, or a text
that can still be shown prints it (``{level}``). Rows after one that is sure to
match are never reached. The answer may include a fact whose every answer
gives the same guidance (the analysis is conservative: it never leaves out a
question that matters).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from enum import Enum
from functools import lru_cache
from typing import Any

from threshold.core.model.authority import Authority, RouteDef
from threshold.core.model.enums import Kind
from threshold.core.model.tables import Condition, Part


class Status(Enum):
    """What a condition is, given the facts known so far."""

    FAILS = 0
    SURE = 1
    MAYBE = 2


def status(condition: Condition, known: Mapping[str, Any]) -> Status:
    """FAILS when a known fact fails a test, SURE when every test is on a known fact
    and holds, MAYBE otherwise."""
    sure = True
    for test in condition.tests:
        if test.fact in known:
            if not test.holds(known):
                return Status.FAILS
        else:
            sure = False
    return Status.SURE if sure else Status.MAYBE


def possible_routes(
    authority: Authority, known: Mapping[str, Any]
) -> tuple[list[tuple[RouteDef, str | None]], set[str]]:
    """The routes (each with its variant) the case can still take, and the facts the
    reachable part of the decision table reads."""
    read: set[str] = set()
    routes: list[tuple[RouteDef, str | None]] = []
    danger = known.get("immediate_danger")
    harm = known.get("significant_harm")
    if danger is not False:
        read.add("immediate_danger")
        routes.append((authority.route_of(Kind.EMERGENCY), None))
        if danger is True:
            return routes, read
    if harm is not False:
        read.add("significant_harm")
        routes.append((authority.route_of(Kind.CHILD_PROTECTION), None))
        if harm is True:
            return routes, read
    for row in authority.rules:
        found = status(row.when, known)
        if found is Status.FAILS:
            continue
        read |= row.when.facts
        routes.append((authority.routes[row.route], row.variant))
        if found is Status.SURE:
            break
    return routes, read


@lru_cache(maxsize=4096)
def _placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _part_reads(part: Part, known: Mapping[str, Any], authority: Authority) -> set[str] | None:
    """The facts an applicable part reads (its conditions, and the placeholders of
    the texts it gives), or None when it cannot apply."""
    read: set[str] = set()
    for guard in part.guards:
        if status(guard.when, known) is Status.FAILS:
            return None
        read |= guard.when.facts
        if guard.unless is not None:
            if status(guard.unless, known) is Status.SURE:
                return None
            read |= guard.unless.facts
    for name, value in part.single:
        if name == "summary":
            read |= _placeholders(authority.summaries[value])
    for name, values in part.collected:
        if name == "steps":
            for step in values:
                read |= _placeholders(authority.steps[step].action)
        elif name == "warnings":
            for warning in values:
                read |= _placeholders(authority.warnings[warning].message)
    return read


def facts_that_matter(authority: Authority, known: Mapping[str, Any]) -> frozenset[str]:
    """The facts (case fields) that can still change the guidance, given ``known``."""
    routes, read = possible_routes(authority, known)
    for route, variant in routes:
        where = {**known, "route": route.id, "kind": route.kind.value, "variant": variant}
        for part in _chain(route.parts, authority.additions):
            found = _part_reads(part, where, authority)
            if found:
                read |= found
    facts = {"immediate_danger", "significant_harm", "referrer"} | {
        q.id for q in authority.questions
    }
    return frozenset((read & facts) - set(known))


def _chain(*groups: Iterable[Part]) -> Iterable[Part]:
    for group in groups:
        yield from group
