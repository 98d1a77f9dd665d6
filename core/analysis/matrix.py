"""The scenario matrix of an authority: every combination of the case fields that
decide its guidance.

One definition per authority, from its questions (and the core's urgent part),
used by ``threshold compare``, by the completeness and safety checks
(``threshold check --rules``) and by the tests, so they all see the same
combinations (3,840 for each built-in authority). Questions marked ``matrix = false``
(they add a step, never change the route) are left at their defaults; ``at`` is a
fixed instant, because a route must not depend on the time (the checks prove it
does not).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from threshold.core.io.parse import parse_case
from threshold.core.model.fields import field_named, matrix_axes
from threshold.core.model.identity import per_object

if TYPE_CHECKING:
    from threshold.core.model.authority import Authority
    from threshold.core.model.case import Case

#: The instant every combination is routed at (a Monday morning inside every
#: stated opening window). Routes never depend on it.
MATRIX_AT = "2026-11-23T11:00"

#: A second instant (Christmas Day night, a bank holiday, every line closed or
#: unknown), used by the checks to prove a route does not change with the time.
OTHER_AT = "2026-12-25T23:30"


@attrs.frozen
class Combination:
    """One combination of an authority's matrix.

    Attributes:
        index: Position in the matrix, 0 to ``size - 1``.
        values: The field values, in the order of the matrix's fields.
        matrix: The matrix it belongs to.
    """

    index: int
    values: tuple[Any, ...]
    matrix: Matrix = attrs.field(repr=False, eq=False)

    def as_dict(self) -> dict[str, Any]:
        """The field values by name (without ``at``)."""
        return dict(zip(self.matrix.names, self.values, strict=True))

    def case(self, at: str = MATRIX_AT) -> dict[str, Any]:
        """The combination as case input, routed at ``at``."""
        return {**self.as_dict(), "at": at}

    def urgent(self) -> bool:
        """True when any urgent field is raised."""
        values = self.as_dict()
        return any(values.get(name) for name in self.matrix.urgent)

    def label(self) -> str:
        """The combination in words, every field named: for messages and reports."""
        return ", ".join(self.matrix.describe(n, v) for n, v in self.as_dict().items())


class Matrix:
    """Every combination of the fields that decide an authority's guidance."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        #: The fields, each with every value it takes, in the order precedence reads them.
        self.fields: tuple[tuple[str, tuple[Any, ...]], ...] = matrix_axes(authority)
        self.names: tuple[str, ...] = tuple(name for name, _ in self.fields)
        self.urgent: tuple[str, ...] = tuple(
            name for name in self.names if field_named(authority, name).urgent
        )
        size = 1
        for _, values in self.fields:
            size *= len(values)
        #: How many combinations there are.
        self.size = size
        self._parsed: dict[str, tuple[Case, ...]] = {}

    def combinations(self) -> Iterator[Combination]:
        """Every combination, in a fixed order."""
        for index, values in enumerate(itertools.product(*(v for _, v in self.fields))):
            yield Combination(index, values, self)

    def cases(self, at: str = MATRIX_AT) -> Iterator[dict[str, Any]]:
        """Every combination as case input (a dict for ``threshold.route``)."""
        for combination in self.combinations():
            yield combination.case(at)

    def parsed(self, at: str = MATRIX_AT) -> tuple[Case, ...]:
        """Every combination as a checked Case, in matrix order (made once per instant)."""
        found = self._parsed.get(at)
        if found is None:
            found = tuple(parse_case(case, self.authority) for case in self.cases(at))
            self._parsed[at] = found
        return found

    def field_title(self, name: str) -> str:
        """A field's name in words ("assessment", "bruising on a non-mobile baby")."""
        return field_named(self.authority, name).title

    def describe(self, name: str, value: Any) -> str:
        """A field and its value in words: "immediate danger: yes", "level: 3"."""
        return f"{self.field_title(name)}: {value_text(name, value)}"


@per_object
def matrix_of(authority: Authority) -> Matrix:
    """The matrix of ``authority`` (made once per authority)."""
    return Matrix(authority)


def value_text(name: str, value: Any) -> str:
    """A field value in words, without the field name ("yes", "none", "completed")."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none given" if name in ("level", "band") else "other"
    return str(value)
