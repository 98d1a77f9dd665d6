"""Grouping the scenario matrix into readable rows (core/analysis/grouping.py),
tested directly on small matrices where the right rows are known."""

from __future__ import annotations

import itertools
from typing import Any

from threshold.core.analysis.grouping import RowCondition, conditions_of, group_rows
from threshold.core.analysis.matrix import Matrix, matrix_of
from threshold.core.plugins.registry import Registry


def _matrix(registry: Registry) -> Matrix:
    """Derbyshire's matrix: the urgent facts first, then who refers and its questions."""
    return matrix_of(registry.get("derbyshire").authority)


def _rows(keys: list[object], values: list[tuple[Any, ...]]) -> list[list[int]]:
    return group_rows(list(range(len(values))), values, keys)


def test_one_outcome_everywhere_is_one_row_with_no_conditions(registry: Registry) -> None:
    matrix = _matrix(registry)
    values = [c.values for c in matrix.combinations()]
    rows = _rows(["same"] * len(values), values)
    assert rows == [list(range(len(values)))]
    assert conditions_of(rows[0], values, matrix) == []


def test_every_row_has_one_outcome_and_is_a_product_of_value_sets(registry: Registry) -> None:
    matrix = _matrix(registry)
    values = [c.values for c in matrix.combinations()]
    urgent = len(matrix.urgent)
    level = matrix.names.index("level")
    # an outcome that depends on the level and the urgent facts only
    keys: list[object] = [
        "urgent" if any(v[:urgent]) else ("high" if v[level] in (3, 4) else "low") for v in values
    ]
    rows = _rows(keys, values)
    assert sorted(i for row in rows for i in row) == list(range(len(values)))
    for row in rows:
        assert len({keys[i] for i in row}) == 1
        sets = [{values[i][p] for i in row} for p in range(len(matrix.fields))]
        assert len(row) == len(list(itertools.product(*sets)))


def test_values_with_the_same_outcome_are_merged_into_one_condition(registry: Registry) -> None:
    matrix = _matrix(registry)
    values = [c.values for c in matrix.combinations()]
    urgent = len(matrix.urgent)
    level = matrix.names.index("level")
    keys: list[object] = [
        "urgent" if any(v[:urgent]) else ("high" if v[level] in (3, 4) else "low") for v in values
    ]
    rows = _rows(keys, values)
    high = next(row for row in rows if keys[row[0]] == "high")
    conditions = conditions_of(high, values, matrix)
    by_field = {c.field: c for c in conditions}
    assert by_field["level"] == RowCondition("level", "level", ("3", "4"))
    assert by_field["level"].text() == "level: 3 or 4"
    # the urgent facts are all "no" in this row; a field taking every value is left out
    assert by_field["immediate_danger"].values == ("no",)
    assert "consent" not in by_field
