"""The scenario matrix: every combination of the case fields that change a route.

One definition, used by ``threshold compare``, by the completeness and safety
checks (``threshold check --rules``) and by the tests, so they all see the same
3,840 combinations. Fields that never change the route (``unborn``, ``advice``)
are left at their defaults; ``at`` is a fixed instant, because a route must not
depend on the time (the checks prove it does not).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs

from threshold.core.io.parse import parse_case
from threshold.core.model.fields import MATRIX_AXES, URGENT_FIELDS, case_field

if TYPE_CHECKING:
    from threshold.core.model.case import Case

#: The fields that change a route, each with every value it can take, in the
#: order a person reads them: the urgent facts first (they take precedence),
#: then who refers, the level, and the facts that matter at levels 3-4 (from
#: the field table, :data:`threshold.core.model.fields.MATRIX_AXES`).
FIELDS: tuple[tuple[str, tuple[Any, ...]], ...] = MATRIX_AXES

FIELD_NAMES: tuple[str, ...] = tuple(name for name, _ in FIELDS)

#: The instant every combination is routed at (a Monday morning inside every
#: stated opening window). Routes never depend on it.
MATRIX_AT = "2026-11-23T11:00"

#: A second instant (Christmas Day night, a bank holiday, every line closed or
#: unknown), used by the checks to prove a route does not change with the time.
OTHER_AT = "2026-12-25T23:30"

#: How many combinations there are.
SIZE = 1
for _, _values in FIELDS:
    SIZE *= len(_values)


@attrs.frozen
class Combination:
    """One combination of the route-changing fields.

    Attributes:
        index: Position in the matrix, 0 to ``SIZE - 1`` (stable while FIELDS is).
        values: The field values, in the order of :data:`FIELDS`.
    """

    index: int
    values: tuple[Any, ...]

    def as_dict(self) -> dict[str, Any]:
        """The field values by name (without ``at``)."""
        return dict(zip(FIELD_NAMES, self.values, strict=True))

    def case(self, at: str = MATRIX_AT) -> dict[str, Any]:
        """The combination as case input (``schemas/case.schema.json``), routed at ``at``."""
        return {**self.as_dict(), "at": at}

    def urgent(self) -> bool:
        """True when any urgent field is raised."""
        values = self.as_dict()
        return any(values[name] for name in URGENT_FIELDS)

    def label(self) -> str:
        """The combination in words, every field named: for messages and reports."""
        return ", ".join(describe(name, value) for name, value in self.as_dict().items())


def combinations() -> Iterator[Combination]:
    """Every combination of :data:`FIELDS`, in a fixed order."""
    for index, values in enumerate(itertools.product(*(values for _, values in FIELDS))):
        yield Combination(index, values)


@cache
def parsed(at: str = MATRIX_AT) -> tuple[Case, ...]:
    """Every combination as a validated :class:`~threshold.core.model.case.Case`, in
    matrix order (parsed once per instant and shared: cases are immutable)."""

    return tuple(parse_case(combination.case(at)) for combination in combinations())


def matrix(at: str = MATRIX_AT) -> Iterator[dict[str, Any]]:
    """Every combination as case input (a dict for ``threshold.core.engine.api.route``)."""
    for combination in combinations():
        yield combination.case(at)


def field_title(name: str) -> str:
    """A field's name in words ("EHA", "bruising on a non-mobile baby")."""
    return case_field(name).title


def value_text(name: str, value: Any) -> str:
    """A field value in words, without the field name ("yes", "none", "time-limited")."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none given" if name == "level" else "other"
    return str(value)


def describe(name: str, value: Any) -> str:
    """A field and its value in words: "immediate danger: yes", "level: 3"."""
    return f"{field_title(name)}: {value_text(name, value)}"
