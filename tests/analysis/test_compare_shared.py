"""The comparison shares work between combinations (the parts that apply, the
rendering, the contacts at the matrix's time): sharing changes nothing. Each
output is made with sharing and again with everything worked out afresh
(``without_reuse``), and the two must be the same, byte for byte."""

from __future__ import annotations

import hashlib
import json

import pytest

import threshold
from threshold.core.analysis.compare import compare
from threshold.core.engine.reuse import without_reuse
from threshold.core.plugins.registry import default_registry
from threshold.core.render.compare import render_comparison


def _outputs(ids: tuple[str, ...]) -> tuple[str, str, str]:
    comparison = compare(default_registry(), ids)
    return (
        json.dumps(comparison.to_dict(), sort_keys=True),
        render_comparison(comparison, "text"),
        render_comparison(comparison, "csv"),
    )


@pytest.mark.parametrize("ids", [("derbyshire", "derby_city"), ("derby_city", "derbyshire")])
def test_sharing_changes_no_output(ids: tuple[str, str]) -> None:
    shared = _outputs(ids)
    with without_reuse():
        afresh = _outputs(ids)
    for made, want in zip(shared, afresh, strict=True):
        digest = hashlib.sha256(made.encode()).hexdigest()
        assert digest == hashlib.sha256(want.encode()).hexdigest()


def test_shared_routes_are_the_routes_of_each_case() -> None:
    """A route() after the comparison (its shared parts now made) gives what route()
    gives afresh, for a case with every answer of the matrix's first row."""
    threshold.compare("derbyshire", "derby_city")
    case = {"level": 3, "early_help_assessment": "completed", "at": "2026-11-23T11:00"}
    shared = threshold.route(case, "derbyshire").to_dict()
    with without_reuse():
        afresh = threshold.route(case, "derbyshire").to_dict()
    assert shared == afresh
