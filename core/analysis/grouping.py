"""Grouping the scenario matrix into rows a person can read.

The combinations are split field by field in the matrix's field order (the
urgent facts first) until each part has one outcome; values of a
field whose parts have the same outcomes and conditions are merged ("level: 3
or 4"). Every row is then a product of value sets: a plain list of conditions,
each field with the values it covers, and a field not named takes any value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from threshold.core.analysis.matrix import Matrix, value_text

#: The fields of a matrix, each with every value it takes.
Fields = Sequence[tuple[str, Sequence[Any]]]


@attrs.frozen
class RowCondition:
    """One field of a row, with the values the row covers.

    Attributes:
        field: Field name (``level``).
        title: Field in words.
        values: The values covered, in words.
        urgent: Whether the field is urgent (raising it alone makes a case urgent).
    """

    field: str
    title: str
    values: tuple[str, ...]
    urgent: bool = False

    def text(self) -> str:
        """The condition in words: "level: 3 or 4"."""
        return f"{self.title}: {' or '.join(self.values)}"


def _value_sets(indices: Sequence[int], values: Sequence[tuple[Any, ...]]) -> list[list[Any]]:
    sets: list[list[Any]] = []
    for position in range(len(values[indices[0]])):
        seen = dict.fromkeys(values[i][position] for i in indices)
        sets.append(list(seen))
    return sets


def _is_product(indices: Sequence[int], values: Sequence[tuple[Any, ...]]) -> bool:
    size = 1
    for found in _value_sets(indices, values):
        size *= len(found)
    return size == len(indices)


def group_rows(
    indices: list[int],
    values: Sequence[tuple[Any, ...]],
    keys: Sequence[object],
    start: int = 0,
) -> list[list[int]]:
    """Split the combinations ``indices`` into rows of one outcome each.

    Fields are taken in the order of the combinations' values from ``start``;
    values of a field whose sub-rows have the same outcomes and the same
    conditions are merged, so each row is a product of value sets (a plain
    conjunction of conditions).
    """
    if len({keys[i] for i in indices}) == 1 and _is_product(indices, values):
        return [indices]
    for position in range(start, len(values[indices[0]])):
        found = list(dict.fromkeys(values[i][position] for i in indices))
        if len(found) > 1:
            break
    else:  # pragma: no cover - distinct combinations always differ in some field
        return [[i] for i in indices]
    merged: list[list[list[int]]] = []
    for value in found:
        subset = [i for i in indices if values[i][position] == value]
        rows = group_rows(subset, values, keys, position + 1)
        for existing in merged:
            if _same_shape(existing, rows, position, values, keys):
                for row, extra in zip(existing, rows, strict=True):
                    row.extend(extra)
                break
        else:
            merged.append(rows)
    return [row for rows in merged for row in rows]


def _same_shape(
    first: list[list[int]],
    second: list[list[int]],
    position: int,
    values: Sequence[tuple[Any, ...]],
    keys: Sequence[object],
) -> bool:
    if len(first) != len(second):
        return False
    for one, two in zip(first, second, strict=True):
        if keys[one[0]] != keys[two[0]]:
            return False
        sets_one, sets_two = _value_sets(one, values), _value_sets(two, values)
        if any(sets_one[p] != sets_two[p] for p in range(len(sets_one)) if p != position):
            return False
    return True


def conditions_of(
    indices: Sequence[int], values: Sequence[tuple[Any, ...]], matrix: Matrix
) -> list[RowCondition]:
    """The conditions that define a row of ``matrix``: each field with the values the
    row covers, leaving out a field that takes every value."""
    conditions = []
    for position, found in enumerate(_value_sets(indices, values)):
        name, domain = matrix.fields[position]
        if len(found) == len(domain):
            continue
        ordered = [v for v in domain if v in found]
        conditions.append(
            RowCondition(
                name,
                matrix.field_title(name),
                tuple(value_text(name, v) for v in ordered),
                name in matrix.urgent,
            )
        )
    return conditions
