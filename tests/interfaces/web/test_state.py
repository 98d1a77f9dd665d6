"""The web tool's state (core/interfaces/web/state.py), tested directly: the
query read into a state and the page's own parameters, problems that never echo
what was typed, links that keep the answers, and the urgent answers of a raw
query under any spelling."""

from __future__ import annotations

from threshold.core.interfaces.web.state import (
    MAX_VALUE,
    State,
    answer_problems,
    read_query,
    urgent_query,
)
from threshold.core.interfaces.web.wizard import question_ids
from threshold.core.io.urgent_flags import flags
from threshold.core.model.errors import FieldError
from threshold.core.plugins.registry import Registry


def test_a_query_is_split_into_the_state_and_the_pages_own_parameters(
    registry: Registry,
) -> None:
    state, own, problems = read_query(
        [("authority", "derbyshire"), ("level", "3"), ("danger", "no"), ("q", "eha")],
        ["q"],
        registry,
    )
    assert (state.authority, state.answers) == ("derbyshire", {"danger": "no", "level": "3"})
    assert state.order == question_ids(registry.get("derbyshire").authority)
    assert own == {"q": "eha"} and problems == []


def test_the_answers_a_query_may_carry_are_the_authoritys_questions(
    registry: Registry, exampleshire_registry: Registry
) -> None:
    query = [("authority", "exampleshire"), ("level", "5"), ("eha", "none")]
    _, _, problems = read_query(query, [], exampleshire_registry)
    assert [p.path for p in problems] == ["eha"]  # Exampleshire asks no such question
    assert "unknown parameter" in problems[0].message
    # without a usable authority, any installed authority's questions may be carried
    state, _, problems = read_query([("eha", "none"), ("level", "5")], [], exampleshire_registry)
    assert problems == [] and state.answers == {"eha": "none", "level": "5"}
    assert answer_problems(exampleshire_registry, state) == []  # level 5 is Exampleshire's
    (problem,) = answer_problems(registry, state)
    assert problem.path == "level"


def test_unknown_repeated_and_long_parameters_are_problems_never_echoed(
    registry: Registry,
) -> None:
    secret = "Zebedee Smith"
    _, _, problems = read_query(
        [(secret, "x"), ("level", "3"), ("level", "4"), ("consent", "y" * (MAX_VALUE + 1))],
        [],
        registry,
    )
    fields = [p.path for p in problems]
    assert fields == ["a parameter with an unexpected name", "level", "consent"]
    assert all(isinstance(p, FieldError) for p in problems)
    assert secret not in " ".join(str(p) for p in problems)


def test_an_answer_that_is_not_a_choice_is_a_problem_naming_the_question(
    registry: Registry,
) -> None:
    state = State("derbyshire", {"level": "5", "danger": "yes"})
    problems = answer_problems(registry, state)
    assert [p.path for p in problems] == ["level"]
    assert "expected one of: 1, 2, 3, 4, unsure" in problems[0].message
    assert "5" not in problems[0].message.split("expected")[0]


def test_links_keep_the_state_in_a_fixed_order(registry: Registry) -> None:
    order = question_ids(registry.get("derby_city").authority)
    state = State("derby_city", {"level": "2", "danger": "no", "at": "2026-11-23T11:00"}, order)
    assert state.link("/check") == (
        "/check?authority=derby_city&danger=no&level=2&at=2026-11-23T11%3A00"
    )
    assert state.link("/question", without=["at"], q="eha") == (
        "/question?authority=derby_city&danger=no&level=2&q=eha"
    )
    assert state.only(["danger"]).answers == {"danger": "no", "at": "2026-11-23T11:00"}
    assert state.with_answer("level", "3").answers["level"] == "3"
    assert State("", {}).link("/") == "/"


def test_urgent_answers_of_a_raw_query_are_read_under_any_spelling() -> None:
    assert flags(urgent_query([("Danger", "yes")])) == (True, False)
    assert flags(urgent_query([("significantHarm", "significant-harm")])) == (False, True)
    assert flags(urgent_query([("danger", "no"), ("harm", "no")])) == (False, False)
    assert flags(urgent_query([("authority", "yes")])) == (False, False)
