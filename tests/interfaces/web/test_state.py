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
from threshold.core.io.urgent_flags import flags
from threshold.core.model.errors import FieldError


def test_a_query_is_split_into_the_state_and_the_pages_own_parameters() -> None:
    state, own, problems = read_query(
        [("authority", "derbyshire"), ("level", "3"), ("danger", "no"), ("q", "eha")], ["q"]
    )
    assert state == State("derbyshire", {"danger": "no", "level": "3"})
    assert own == {"q": "eha"} and problems == []


def test_unknown_repeated_and_long_parameters_are_problems_never_echoed() -> None:
    secret = "Zebedee Smith"
    _, _, problems = read_query(
        [(secret, "x"), ("level", "3"), ("level", "4"), ("consent", "y" * (MAX_VALUE + 1))], []
    )
    fields = [p.path for p in problems]
    assert fields == ["a parameter with an unexpected name", "level", "consent"]
    assert all(isinstance(p, FieldError) for p in problems)
    assert secret not in " ".join(str(p) for p in problems)


def test_an_answer_that_is_not_a_choice_is_a_problem_naming_the_question() -> None:
    problems = answer_problems({"level": "5", "danger": "yes"})
    assert [p.path for p in problems] == ["level"]
    assert "expected one of: 1, 2, 3, 4, unsure" in problems[0].message
    assert "5" not in problems[0].message.split("expected")[0]


def test_links_keep_the_state_in_a_fixed_order() -> None:
    state = State("derby_city", {"level": "2", "danger": "no", "at": "2026-11-23T11:00"})
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
