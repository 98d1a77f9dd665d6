"""route() shares work between cases (the parts that apply, the rendering, the
contacts at one time): every case of each built-in authority's matrix gets the
same guidance with sharing as worked out afresh (``without_reuse``)."""

from __future__ import annotations

import pytest

from threshold.core.analysis.matrix import MATRIX_AT, OTHER_AT, matrix_of
from threshold.core.engine.api import route
from threshold.core.engine.reuse import without_reuse
from threshold.core.plugins.registry import default_registry


@pytest.mark.parametrize("authority_id", ["derbyshire", "derby_city"])
def test_every_case_is_the_same_shared_or_afresh(authority_id: str) -> None:
    registry = default_registry()
    authority = registry.get(authority_id).authority
    cases = [
        case
        for number, case in enumerate(matrix_of(authority).cases(MATRIX_AT))
        for case in ([case, {**case, "at": OTHER_AT}] if number % 7 == 0 else [case])
    ]
    shared = [route(case, authority_id, registry=registry).to_dict() for case in cases]
    shared += [route(case, authority_id, registry=registry).to_dict() for case in cases]
    with without_reuse():
        afresh = [route(case, authority_id, registry=registry).to_dict() for case in cases]
    assert shared[: len(cases)] == afresh
    assert shared[len(cases) :] == afresh
