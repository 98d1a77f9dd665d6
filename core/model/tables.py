"""Decision tables and route parts: conditions over a case's answers, compiled once.

A policy pack writes its rules as data a policy officer can read:

* a **decision table**: ordered rows ``when -> route``; the first row whose
  conditions hold gives the route (DMN's "first" hit policy);
* **parts** of a route (and pack-wide **additions**): each part has conditions
  and adds steps, contacts, consent texts or warnings (collected in order), or
  sets a single value (summary, follow-up, ...), where a later part overrides an
  earlier one ("normally this; if that, this instead").

A condition is a mapping from a fact (a case field, or ``route``, ``kind``,
``variant``) to a value, a list of values (any of them), or ``{not = ...}``.
``when`` holds when every test holds; ``unless`` excludes a part when every one
of its tests holds. Conditions are compiled once into tuples of tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

Facts = Mapping[str, Any]

#: Facts a part's condition may test besides the case's: set by the engine once
#: the route is known.
ROUTE_FACTS = ("route", "kind", "variant")


def _key(value: object) -> tuple[type, object]:
    """A value as a set member: True and 1 (or False and 0) stay different."""
    return (type(value), value)


@attrs.frozen
class Test:
    """One test of a condition: ``fact`` is (not, with ``negate``) one of ``values``.

    Attributes:
        fact: The case field, or ``route``, ``kind`` or ``variant``.
        values: The values it may take (as written in the data).
        negate: True for ``{not = ...}``.
    """

    fact: str
    values: tuple[Any, ...]
    negate: bool = False
    _keys: frozenset[tuple[type, object]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_keys", frozenset(_key(v) for v in self.values))

    def holds(self, facts: Facts) -> bool:
        """Whether the test holds for ``facts`` (a missing fact is None)."""
        return (_key(facts.get(self.fact)) in self._keys) != self.negate


@attrs.frozen
class Condition:
    """All of ``tests`` (an empty condition always holds)."""

    tests: tuple[Test, ...] = ()

    def holds(self, facts: Facts) -> bool:
        """Whether every test holds."""
        return all(test.holds(facts) for test in self.tests)

    @property
    def facts(self) -> frozenset[str]:
        """The facts the condition reads."""
        return frozenset(test.fact for test in self.tests)


ALWAYS = Condition()


def compile_condition(spec: Mapping[str, Any] | None) -> Condition:
    """Compile a condition written as data (``{level = [3, 4], setting = {not = "x"}}``)."""
    if not spec:
        return ALWAYS
    tests = []
    for fact, value in spec.items():
        negate = isinstance(value, Mapping)
        if negate:
            value = value["not"]
        values = tuple(value) if isinstance(value, list | tuple) else (value,)
        tests.append(Test(fact, values, negate))
    return Condition(tuple(tests))


@attrs.frozen
class Guard:
    """When a part applies: ``when`` holds and ``unless`` does not (if given)."""

    when: Condition = ALWAYS
    unless: Condition | None = None

    def holds(self, facts: Facts) -> bool:
        """Whether the guarded part applies."""
        return self.when.holds(facts) and not (self.unless is not None and self.unless.holds(facts))


#: The values a part sets (a later applying part overrides an earlier one).
SINGLE = ("summary", "follow_up", "consent_required", "prerequisites")
#: The values of a part that every applying part adds to, in order.
COLLECTED = ("steps", "contacts", "consent", "warnings")


@attrs.frozen
class Part:
    """One part of a route, or a pack-wide addition, with its guards.

    Attributes:
        guards: All must hold for the part to apply (a fragment used inside a
            guarded part carries the outer guard too).
        origin: Where the part is written ("routes.emergency.parts[2]"), for
            messages and the unreachable-part report.
        single: The single values it sets (see :data:`SINGLE`); a later part wins.
        collected: The lists it adds to (see :data:`COLLECTED`).
    """

    guards: tuple[Guard, ...]
    origin: str
    single: tuple[tuple[str, Any], ...] = ()
    collected: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def applies(self, facts: Facts) -> bool:
        """Whether every guard holds."""
        return all(guard.holds(facts) for guard in self.guards)


class FragmentError(ValueError):
    """A fragment is unknown or used inside itself."""


def compile_parts(
    specs: Sequence[Mapping[str, Any]],
    origin: str,
    fragments: Mapping[str, Sequence[Mapping[str, Any]]],
    outer: tuple[Guard, ...] = (),
    seen: tuple[str, ...] = (),
    *,
    prefixes: Mapping[str, str] | None = None,
) -> list[Part]:
    """Compile parts written as data, inlining fragments (``{use = "name"}``).

    ``prefixes`` gives the origin of each fragment's parts (``"ddscp/rules.toml:
    fragments.urgent"``); by default ``fragments.NAME``.

    Raises:
        FragmentError: an unknown fragment, or one that uses itself.
    """
    parts: list[Part] = []
    for index, spec in enumerate(specs):
        where = f"{origin}[{index}]"
        guard = Guard(
            compile_condition(spec.get("when")),
            compile_condition(spec["unless"]) if spec.get("unless") else None,
        )
        guards = (*outer, guard) if (guard.when.tests or guard.unless) else outer
        use = spec.get("use")
        if use is not None:
            if use not in fragments:
                raise FragmentError(f"{where}.use: unknown fragment {use!r}")
            if use in seen:
                raise FragmentError(f"{where}.use: fragment {use!r} uses itself")
            prefix = (prefixes or {}).get(use, f"fragments.{use}")
            parts += compile_parts(
                fragments[use], prefix, fragments, guards, (*seen, use), prefixes=prefixes
            )
            continue
        parts.append(
            Part(
                guards,
                where,
                tuple((name, spec[name]) for name in SINGLE if name in spec),
                tuple((name, tuple(spec[name])) for name in COLLECTED if name in spec),
            )
        )
    return parts


@attrs.define
class Outcome:
    """What the applying parts of one route say, for one case."""

    single: dict[str, Any] = attrs.field(factory=dict)
    collected: dict[str, list[Any]] = attrs.field(factory=lambda: {n: [] for n in COLLECTED})
    applied: list[str] = attrs.field(factory=list)


def apply_parts(parts: Iterable[Part], facts: Facts, outcome: Outcome | None = None) -> Outcome:
    """Apply the parts that hold for ``facts`` in order: the last setter of each single
    value wins, lists are joined."""
    outcome = outcome or Outcome()
    for part in parts:
        if not part.applies(facts):
            continue
        outcome.applied.append(part.origin)
        for name, value in part.single:
            outcome.single[name] = value
        for name, values in part.collected:
            outcome.collected[name].extend(values)
    return outcome


@attrs.frozen
class Row:
    """One row of a decision table.

    Attributes:
        when: The conditions.
        route: The route id it gives.
        origin: Where it is written ("rules[3]", "derbyshire: rules[1]").
        variant: A name the route's parts can test (``when = {variant = ...}``).
        values: Placeholder values for the route's texts (``{why}``).
    """

    when: Condition
    route: str
    origin: str
    variant: str | None = None
    values: tuple[tuple[str, str], ...] = ()


def first_row(rows: Sequence[Row], facts: Facts) -> Row | None:
    """The first row whose conditions hold, or None."""
    for row in rows:
        if row.when.holds(facts):
            return row
    return None


def domain_product(axes: Sequence[tuple[str, Sequence[Any]]]) -> Iterator[dict[str, Any]]:
    """Every combination of the axes' values, as facts."""
    names = [name for name, _ in axes]
    for values in itertools.product(*(values for _, values in axes)):
        yield dict(zip(names, values, strict=True))
