"""The web tool's questions: only those that can still change the guidance."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.web_helpers import PRACTITIONER
from threshold.core.interfaces.web.wizard import (
    asked_questions,
    case_from_answers,
    next_question,
)
from threshold.core.model.errors import CaseError
from threshold.core.model.vocabulary import QUESTION_IDS
from threshold.core.plugins.registry import Registry


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
    asked = walk(registry, "derbyshire", PRACTITIONER)
    assert asked == [
        "danger",
        "harm",
        "referrer",
        "level",
        "eha",
        "escalation",
        "consent",
        "setting",
        "unborn",
    ]


def test_derby_city_level_3_never_asks_about_escalation(registry: Registry) -> None:
    """In Derby City a sudden escalation does not change the route or steps."""
    asked = walk(registry, "derby_city", PRACTITIONER)
    assert "escalation" not in asked
    assert asked[:5] == ["danger", "harm", "referrer", "level", "eha"]


def test_level_1_skips_eha_and_escalation(registry: Registry) -> None:
    asked = walk(registry, "derbyshire", {**PRACTITIONER, "level": "1"})
    assert "eha" not in asked and "escalation" not in asked
    assert "level" in asked and "consent" in asked


def test_every_remaining_question_was_irrelevant(registry: Registry) -> None:
    """Whatever was skipped could not have changed the guidance."""
    from threshold.core.interfaces.web.wizard import can_change_answer

    answers = {
        "danger": "no",
        "harm": "no",
        "referrer": "professional",
        "level": "1",
        "consent": "given",
        "unborn": "no",
    }
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


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_a_member_of_the_public_is_not_asked_practitioners_questions(
    registry: Registry, authority: str
) -> None:
    asked = walk(registry, authority, {**PRACTITIONER, "referrer": "public"})
    # consent and an unborn baby change only practitioners' guidance (issue 11)
    assert asked == ["danger", "harm", "referrer"]


def test_referrer_and_unborn_become_case_fields() -> None:
    case = case_from_answers({"referrer": "public", "unborn": "yes"})
    assert case == {"referrer": "public", "unborn": True}
    assert case_from_answers({"referrer": "professional", "unborn": "no"}) == {
        "referrer": "professional"
    }


def test_given_fields_count_a_no_as_answered() -> None:
    from threshold.core.interfaces.web.wizard import given_fields

    assert given_fields({"danger": "no", "harm": "no", "level": "unsure"}) == {
        "immediate_danger",
        "significant_harm",
        "non_mobile_baby_bruising",
        "level",
    }
    assert given_fields({}) == frozenset()


def test_every_question_maps_to_case_fields_in_the_schema() -> None:
    from threshold.core.interfaces.web.wizard import QUESTION_FIELDS
    from threshold.core.io.schemas import schema

    assert set(QUESTION_FIELDS) == set(QUESTION_IDS)
    properties = schema("case")["properties"]
    for fields in QUESTION_FIELDS.values():
        assert set(fields) <= set(properties)


def test_question_hints_come_from_the_data_with_citations(registry: Registry) -> None:
    for authority in ("derbyshire", "derby_city"):
        hints = registry.get(authority).authority.question_hints
        assert {"danger", "harm", "level", "eha", "consent", "setting", "unborn"} <= set(hints)
        for hint in hints.values():
            assert hint.citations and all(c.section for c in hint.citations)
    assert "escalation" in registry.get("derbyshire").authority.question_hints


def test_a_hint_for_an_unknown_question_is_a_data_error(tmp_path: Path) -> None:
    from threshold.core.io.loading import load_authority
    from threshold.core.model.errors import DataError
    from threshold.plugins import derbyshire
    from threshold.plugins.ddscp import PARTNERSHIP_DATA

    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[question_hints.levle]\ntext = "x"\n'
        'citations = [{ document = "ddscp-2022", section = "5. Next steps" }]\n',
        "utf-8",
    )
    with pytest.raises(DataError, match=r"question_hints\.levle: unknown question; expected"):
        load_authority([PARTNERSHIP_DATA, derbyshire.data.files[-1], extra])


def test_the_question_counts_the_readme_gives(registry: Registry) -> None:
    """README, "Web tool": Derbyshire level 3 is asked 9 questions, Derby City 8,
    level 1 6, a member of the public 3."""
    readme = (REPO / "README.md").read_text("utf-8")
    assert "a Derbyshire level 3 case is asked 9\n  questions, a Derby City one 8" in readme
    assert len(walk(registry, "derbyshire", PRACTITIONER)) == 9
    assert len(walk(registry, "derby_city", PRACTITIONER)) == 8
    assert len(walk(registry, "derbyshire", {**PRACTITIONER, "level": "1"})) == 6
    assert len(walk(registry, "derby_city", {**PRACTITIONER, "referrer": "public"})) == 3
