"""plain_data (no cattrs: a cold route does not import it) gives exactly the
converter's data for every guidance, with and without its decision record."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cold_start import imported_by_a_cold_route
from threshold.core.analysis.matrix import matrix_of
from threshold.core.engine.api import route
from threshold.core.model.converter import converter
from threshold.core.model.plain import plain_data
from threshold.core.plugins.registry import Registry


def typed(value: Any) -> Any:
    """The value with the type of every part beside it (a StrEnum equals its string)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return (type(value), [typed(item) for item in value])
    return (type(value), value)


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_same_data_as_the_converter_over_the_matrix(registry: Registry, authority: str) -> None:
    matrix = matrix_of(registry.get(authority).authority)
    checked = 0
    for index, case in enumerate(matrix.cases()):
        if index % 4:
            continue
        for at in ("2026-11-23T11:00", "2026-12-25T09:30"):
            guidance = route(
                {**case, "at": at}, authority, registry=registry, record=index % 8 == 0
            )
            expected = converter.unstructure(guidance)
            assert typed(plain_data(guidance)) == typed(expected), case
            assert list(plain_data(guidance)) == list(expected)
            if guidance.record is not None:
                assert typed(guidance.record.to_dict()) == typed(
                    converter.unstructure(guidance.record)
                )
            checked += 1
    assert checked == 2 * matrix.size // 4


def test_same_data_for_exampleshire(exampleshire_registry: Registry) -> None:
    matrix = matrix_of(exampleshire_registry.get("exampleshire").authority)
    for case in matrix.cases():
        for at in ("2026-11-27T16:29", "2026-11-27T16:30"):
            guidance = route(
                {**case, "at": at}, "exampleshire", registry=exampleshire_registry, record=True
            )
            assert typed(guidance.to_dict()) == typed(converter.unstructure(guidance))


def test_no_shape_is_guessed() -> None:
    with pytest.raises(TypeError, match="no JSON shape for object"):
        plain_data(object())


def test_a_cold_route_does_not_import_cattrs_resources_or_tomllib() -> None:
    """None is needed to print a route once the packs are cached (cattrs ~17 ms,
    importlib.resources ~5 ms, tomllib ~3 ms)."""
    unneeded = ("cattrs", "importlib.resources", "tomllib")
    assert imported_by_a_cold_route(unneeded, runs=2) == []
