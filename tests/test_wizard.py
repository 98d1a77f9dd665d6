"""The web tool's questions: only those that can still change the guidance."""

from __future__ import annotations

import pytest

from threshold.core.errors import CaseError
from threshold.core.registry import Registry
from threshold.core.wizard import QUESTION_IDS, asked_questions, case_from_answers, next_question


def walk(registry: Registry, authority: str, choices: dict[str, str]) -> list[str]:
    """Answer each asked question from ``choices``; return the ids asked, in order."""
    answers: dict[str, str] = {}
    asked = []
    while (item := next_question(registry, authority, answers)) is not None:
        asked.append(item.id)
        answers[item.id] = choices[item.id]
    return asked


def test_immediate_danger_stops_at_once(registry: Registry) -> None:
    assert walk(registry, "derbyshire", {"danger": "yes"}) == ["danger"]


def test_derbyshire_level_3_without_eha_asks_about_escalation(registry: Registry) -> None:
    asked = walk(
        registry,
        "derbyshire",
        {
            "danger": "no",
            "harm": "no",
            "level": "3",
            "eha": "none",
            "escalation": "no",
            "consent": "given",
            "setting": "no",
        },
    )
    assert asked[:5] == ["danger", "harm", "level", "eha", "escalation"]


def test_derby_city_level_3_never_asks_about_escalation(registry: Registry) -> None:
    """In Derby City a sudden escalation does not change the route or steps."""
    asked = walk(
        registry,
        "derby_city",
        {
            "danger": "no",
            "harm": "no",
            "level": "3",
            "eha": "none",
            "escalation": "no",
            "consent": "given",
            "setting": "no",
        },
    )
    assert "escalation" not in asked
    assert asked[:4] == ["danger", "harm", "level", "eha"]


def test_level_1_skips_eha_and_escalation(registry: Registry) -> None:
    asked = walk(
        registry,
        "derbyshire",
        {
            "danger": "no",
            "harm": "no",
            "level": "1",
            "consent": "given",
            "setting": "no",
            "eha": "none",
            "escalation": "no",
        },
    )
    assert "eha" not in asked and "escalation" not in asked


def test_every_remaining_question_was_irrelevant(registry: Registry) -> None:
    """Whatever was skipped could not have changed the guidance."""
    from threshold.core.wizard import can_change_answer

    answers = {"danger": "no", "harm": "no", "level": "1", "consent": "given"}
    assert next_question(registry, "derby_city", answers) is None
    for question_id in QUESTION_IDS:
        if question_id not in answers:
            assert not can_change_answer(registry, "derby_city", answers, question_id)


def test_answers_become_a_case() -> None:
    case = case_from_answers(
        {
            "danger": "no",
            "harm": "bruising",
            "level": "unsure",
            "eha": "declined",
            "escalation": "yes",
            "consent": "refused",
            "setting": "yes",
        }
    )
    assert case == {
        "non_mobile_baby_bruising": True,
        "early_help_assessment": "declined",
        "sudden_escalation": True,
        "consent": "refused",
        "setting": "time-limited",
    }


def test_bad_answer_names_the_question() -> None:
    with pytest.raises(CaseError, match="level: expected one of: 1, 2, 3, 4, unsure"):
        case_from_answers({"level": "5"})


def test_check_page_lists_only_the_questions_that_mattered(registry: Registry) -> None:
    answers = {
        "danger": "no",
        "harm": "no",
        "level": "3",
        "eha": "completed",
        "escalation": "yes",
        "consent": "given",
    }
    shown = [q.id for q in asked_questions(registry, "derby_city", answers)]
    assert shown == ["danger", "harm", "level", "eha", "consent"]
