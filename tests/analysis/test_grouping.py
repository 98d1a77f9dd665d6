"""Grouping the scenario matrix into readable rows (core/analysis/grouping.py),
tested directly on small matrices where the right rows are known."""

from __future__ import annotations

import itertools
from typing import Any

from threshold.core.analysis.grouping import RowCondition, conditions_of, group_rows
from threshold.core.analysis.matrix import FIELDS, combinations


def _rows(keys: list[object], values: list[tuple[Any, ...]]) -> list[list[int]]:
    return group_rows(list(range(len(values))), values, keys)


def test_one_outcome_everywhere_is_one_row_with_no_conditions() -> None:
    values = [c.values for c in combinations()]
    rows = _rows(["same"] * len(values), values)
    assert rows == [list(range(len(values)))]
    assert conditions_of(rows[0], values) == []


def test_every_row_has_one_outcome_and_is_a_product_of_value_sets() -> None:
    values = [c.values for c in combinations()]
    # an outcome that depends on the level and the urgent facts only
    keys: list[object] = [
        "urgent" if any(v[:3]) else ("high" if v[4] in (3, 4) else "low") for v in values
    ]
    rows = _rows(keys, values)
    assert sorted(i for row in rows for i in row) == list(range(len(values)))
    for row in rows:
        assert len({keys[i] for i in row}) == 1
        sets = [{values[i][p] for i in row} for p in range(len(FIELDS))]
        assert len(row) == len(list(itertools.product(*sets)))


def test_values_with_the_same_outcome_are_merged_into_one_condition() -> None:
    values = [c.values for c in combinations()]
    level = [name for name, _ in FIELDS].index("level")
    keys: list[object] = [
        "urgent" if any(v[:3]) else ("high" if v[level] in (3, 4) else "low") for v in values
    ]
    rows = _rows(keys, values)
    high = next(row for row in rows if keys[row[0]] == "high")
    conditions = conditions_of(high, values)
    by_field = {c.field: c for c in conditions}
    assert by_field["level"] == RowCondition("level", "level", ("3", "4"))
    assert by_field["level"].text() == "level: 3 or 4"
    # the urgent facts are all "no" in this row; a field taking every value is left out
    assert by_field["immediate_danger"].values == ("no",)
    assert "consent" not in by_field
