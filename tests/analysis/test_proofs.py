"""The proofs over a decision table (core/analysis/proofs.py) and the static
reading of which questions still matter (core/analysis/relevance.py), on the
built-in authorities' own tables and on tables broken here on purpose."""

from __future__ import annotations

import attrs
import pytest

from threshold.core.analysis.proofs import answers, dead_parts, prove_table
from threshold.core.analysis.relevance import facts_that_matter
from threshold.core.engine.plan import plan_facts
from threshold.core.model.authority import Authority
from threshold.core.plugins.registry import Registry


@pytest.fixture(params=["derbyshire", "derby_city"])
def authority(request: pytest.FixtureRequest, registry: Registry) -> Authority:
    return registry.get(request.param).authority


def test_the_built_in_tables_are_complete_with_every_row_reached(authority: Authority) -> None:
    proof = prove_table(authority)
    assert proof.complete
    assert proof.unreachable == ()
    assert sum(proof.hits.values()) == proof.cases
    assert dead_parts(authority) == ()


def test_a_table_without_its_last_row_is_proved_incomplete(authority: Authority) -> None:
    broken = attrs.evolve(authority, rules=authority.rules[:-1])
    proof = prove_table(broken)
    assert not proof.complete
    assert proof.uncovered_count > 0
    assert proof.uncovered, "the cases no row matches are shown"


def test_a_row_shadowed_by_an_earlier_one_is_reported_unreachable(authority: Authority) -> None:
    last = authority.rules[-1]  # matches every case: everything after it is unreachable
    shadowed = authority.rules[0]
    broken = attrs.evolve(authority, rules=(last, *authority.rules))
    proof = prove_table(broken)
    assert proof.complete
    assert shadowed.origin in proof.unreachable


def test_what_still_matters_follows_the_table(registry: Registry) -> None:
    derbyshire = registry.get("derbyshire").authority
    start = facts_that_matter(derbyshire, {})
    assert {"immediate_danger", "significant_harm", "level"} <= start
    # Immediate danger decides the route: the level and the assessment cannot change
    # it (what the additions read, such as an unborn baby, still can add a step).
    danger = facts_that_matter(derbyshire, {"immediate_danger": True})
    assert not danger & {"level", "early_help_assessment", "setting", "significant_harm"}
    at_three = facts_that_matter(
        derbyshire,
        {
            "immediate_danger": False,
            "significant_harm": False,
            "referrer": "professional",
            "level": 3,
        },
    )
    assert "early_help_assessment" in at_three
    at_one = facts_that_matter(
        derbyshire,
        {
            "immediate_danger": False,
            "significant_harm": False,
            "referrer": "professional",
            "level": 1,
        },
    )
    assert "early_help_assessment" not in at_one


def test_a_fact_left_out_never_changes_the_route(registry: Registry) -> None:
    """Conservative: for every level, a question the analysis leaves out gives the
    same route whatever its answer."""
    derbyshire = registry.get("derbyshire").authority
    base = {"immediate_danger": False, "significant_harm": False, "referrer": "professional"}
    defaults = {q.id: q.default for q in derbyshire.questions}
    for level in (level.number for level in derbyshire.levels):
        known = {**base, "level": level}
        left_out = (
            {q.id for q in derbyshire.questions} - facts_that_matter(derbyshire, known) - {"level"}
        )
        for question in derbyshire.questions:
            if question.id not in left_out:
                continue
            routes = {
                plan_facts(derbyshire, {**defaults, **known, question.id: answer}).route.id
                for answer in answers(derbyshire, question.id)
            }
            assert len(routes) == 1, (level, question.id, routes)
