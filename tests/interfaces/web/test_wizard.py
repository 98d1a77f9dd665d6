"""The web tool's questions: the core's, then the authority's own, as its data
words them; only those that can still change the guidance are asked, as the
decision table says (a static analysis, checked here against a search)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.web_helpers import (
    DERBYSHIRE_LEVEL_3_ASKED,
    PRACTITIONER,
    can_change_answer,
    signature,
)
from threshold.core.interfaces.web.wizard import (
    asked_questions,
    case_from_answers,
    given_fields,
    next_question,
    question,
    question_ids,
    questions,
)
from threshold.core.model.authority import Authority
from threshold.core.model.errors import CaseError
from threshold.core.plugins.registry import Registry


def policy(registry: Registry, authority: str) -> Authority:
    return registry.get(authority).authority


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
    """The questions come in the order the DDSCP pack declares them (its setting
    question before its consent question)."""
    asked = walk(registry, "derbyshire", PRACTITIONER)
    assert asked == DERBYSHIRE_LEVEL_3_ASKED


def test_the_questions_are_the_cores_then_the_authoritys_in_data_order(
    registry: Registry,
) -> None:
    derbyshire = policy(registry, "derbyshire")
    own = [q.web_id for q in derbyshire.questions if q.web and not q.harm_option]
    assert question_ids(derbyshire) == ("danger", "harm", "referrer", *own)
    assert "advice" not in question_ids(derbyshire)  # `web = false`: never asked
    # the pack's bruising question is offered as an answer to the core's harm question
    harm = question(derbyshire, "harm")
    assert [o.value for o in harm.options] == ["significant-harm", "bruising", "no"]
    assert harm.fields == ("significant_harm", "non_mobile_baby_bruising")
    assert harm.option("bruising").label == "Yes, bruising on a non-mobile baby"  # type: ignore[union-attr]


def test_the_wording_is_the_authoritys(registry: Registry) -> None:
    derbyshire = policy(registry, "derbyshire")
    eha = question(derbyshire, "eha")
    assert eha.title == derbyshire.question("early_help_assessment").title
    assert [(o.value, o.label) for o in eha.options] == [
        ("completed", "Yes, it has been completed"),
        ("none", "No"),
        ("declined", "No, the family does not consent to one"),
    ]
    # a nullable question of one answer is asked yes or no, "no" worded by the data
    setting = question(derbyshire, "setting")
    assert [(o.value, o.label) for o in setting.options] == [("yes", "Yes"), ("no", "No")]
    assert setting.option("yes").facts == (("setting", "time-limited"),)  # type: ignore[union-attr]
    # the levels are the authority's, with their names and summaries, and "not sure"
    level = question(derbyshire, "level")
    assert [o.value for o in level.options] == ["1", "2", "3", "4", "unsure"]
    assert level.options[1].label == "Level 2: Emerging needs"
    assert level.options[1].hint == derbyshire.level(2).summary


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
    answers = {
        "danger": "no",
        "harm": "no",
        "referrer": "professional",
        "level": "1",
        "consent": "given",
        "unborn": "no",
    }
    assert next_question(registry, "derby_city", answers) is None
    for question_id in question_ids(policy(registry, "derby_city")):
        if question_id not in answers:
            assert not can_change_answer(registry, "derby_city", answers, question_id)


class Search:
    """The reference: which questions can change the guidance, found by routing
    every full set of answers once (each question's "sensitive contexts": the
    answers to the others for which its own answer changes what is shown)."""

    def __init__(self, registry: Registry, authority: str) -> None:
        self.items = [q for q in questions(policy(registry, authority)) if q.id != "danger"]
        ids = [q.id for q in self.items]
        shown = {}
        for values in itertools.product(*[[o.value for o in q.options] for q in self.items]):
            answers = {"danger": "no", **dict(zip(ids, values, strict=True))}
            shown[values] = signature(registry, authority, answers)
        self.ids = ids
        self.sensitive: dict[str, set[tuple[str, ...]]] = {}
        for index, item in enumerate(self.items):
            contexts: dict[tuple[str, ...], set[tuple[Any, ...]]] = {}
            for values, seen in shown.items():
                contexts.setdefault(values[:index] + values[index + 1 :], set()).add(seen)
            self.sensitive[item.id] = {k for k, v in contexts.items() if len(v) > 1}
        self._projections: dict[tuple[str, tuple[str, ...]], set[tuple[str, ...]]] = {}

    def matters(self, answers: dict[str, str], question_id: str) -> bool:
        others = [i for i in self.ids if i != question_id]
        given = tuple(i for i in others if i in answers)
        key = (question_id, given)
        if key not in self._projections:
            places = [others.index(i) for i in given]
            self._projections[key] = {
                tuple(context[p] for p in places) for context in self.sensitive[question_id]
            }
        return tuple(answers[i] for i in given) in self._projections[key]

    def next(self, answers: dict[str, str]) -> str | None:
        if "danger" not in answers:
            return "danger"
        if answers["danger"] == "yes":
            return None
        return next((i for i in self.ids if i not in answers and self.matters(answers, i)), None)


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city", "exampleshire"])
def test_the_questions_asked_are_those_a_search_finds_in_every_reachable_state(
    registry: Registry, exampleshire_registry: Registry, authority: str
) -> None:
    """In every state a person can reach by answering, the next question is the one
    an exhaustive search over the engine's guidance would ask: none that cannot
    change what is shown, none left out that can. The reachable states are
    counted (542 for the two DDSCP authorities together)."""
    chosen = exampleshire_registry if authority == "exampleshire" else registry
    search = Search(chosen, authority)
    pending: list[dict[str, str]] = [{}]
    states = 0
    while pending:
        answers = pending.pop()
        states += 1
        item = next_question(chosen, authority, answers)
        assert (item.id if item else None) == search.next(answers), answers
        if item is not None:
            pending += [{**answers, item.id: o.value} for o in item.options]
    expected = {"derbyshire": 299, "derby_city": 243, "exampleshire": 27}
    assert states == expected[authority], states


def test_answers_become_a_case(registry: Registry) -> None:
    case = case_from_answers(
        policy(registry, "derbyshire"),
        {
            "danger": "no",
            "harm": "bruising",
            "level": "unsure",
            "eha": "declined",
            "escalation": "yes",
            "consent": "refused",
            "setting": "yes",
        },
    )
    assert case == {
        "non_mobile_baby_bruising": True,
        "early_help_assessment": "declined",
        "sudden_escalation": True,
        "consent": "refused",
        "setting": "time-limited",
    }


def test_bad_answer_names_the_question(registry: Registry) -> None:
    with pytest.raises(CaseError, match="level: expected one of: 1, 2, 3, 4, unsure"):
        case_from_answers(policy(registry, "derbyshire"), {"level": "5"})


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


def test_referrer_and_unborn_become_case_fields(registry: Registry) -> None:
    derbyshire = policy(registry, "derbyshire")
    case = case_from_answers(derbyshire, {"referrer": "public", "unborn": "yes"})
    assert case == {"referrer": "public", "unborn": True}
    assert case_from_answers(derbyshire, {"referrer": "professional", "unborn": "no"}) == {
        "referrer": "professional"
    }


def test_given_fields_count_a_no_as_answered(registry: Registry) -> None:
    derbyshire = policy(registry, "derbyshire")
    assert given_fields(derbyshire, {"danger": "no", "harm": "no", "level": "unsure"}) == {
        "immediate_danger",
        "significant_harm",
        "non_mobile_baby_bruising",
        "level",
    }
    assert given_fields(derbyshire, {}) == frozenset()


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city", "exampleshire"])
def test_every_question_answers_fields_of_the_authoritys_case_schema(
    exampleshire_registry: Registry, authority: str
) -> None:
    from threshold.core.io.case_schema import case_schema

    found = policy(exampleshire_registry, authority)
    properties = case_schema(found)["properties"]
    answered = [name for item in questions(found) for name in item.fields]
    assert len(answered) == len(set(answered))
    assert set(answered) <= set(properties)
    # every question the web may ask is asked, once; the rest are kept off it
    asked = {q.id for q in found.questions if q.web}
    assert asked <= set(answered)
    for item in questions(found):
        for option in item.options:
            assert {name for name, _ in option.facts} <= set(item.fields)


def test_exampleshire_asks_its_own_questions_in_its_own_words(
    exampleshire_registry: Registry,
) -> None:
    exampleshire = policy(exampleshire_registry, "exampleshire")
    assert question_ids(exampleshire) == ("danger", "harm", "referrer", "level", "consent")
    harm = question(exampleshire, "harm")
    assert [o.value for o in harm.options] == ["significant-harm", "no"]  # no bruising question
    level = question(exampleshire, "level")
    assert [o.label for o in level.options] == [
        "Level 1: Universal",
        "Level 2: Early support",
        "Level 3: Targeted family help",
        "Level 4: Complex needs",
        "Level 5: Acute and protection",
        "I am not sure",
    ]
    consent = question(exampleshire, "consent")
    assert consent.title == "Does the family agree to you asking for help?"
    assert [o.value for o in consent.options] == [
        "agreed",
        "not-agreed",
        "not-asked",
        "unsafe-to-ask",
    ]
    answers = {"danger": "no", "harm": "no", "referrer": "professional", "level": "4"}
    assert walk(exampleshire_registry, "exampleshire", {**answers, "consent": "agreed"}) == [
        *answers,
        "consent",
    ]
    assert case_from_answers(exampleshire, {**answers, "consent": "agreed"}) == {
        "referrer": "professional",
        "level": 4,
        "consent": "agreed",
    }


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
    from threshold.plugins.ddscp import PACK
    from threshold.plugins.derbyshire import data

    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[question_hints.levle]\ntext = "x"\n'
        'citations = [{ document = "ddscp-2022", section = "5. Next steps" }]\n',
        "utf-8",
    )
    assert PACK[0] in data.files
    with pytest.raises(DataError, match=r"question_hints\.levle: unknown question; expected"):
        load_authority([*data.files, extra])


def test_a_question_may_not_take_the_web_tools_own_parameter(tmp_path: Path) -> None:
    from threshold.core.io.loading import load_authority
    from threshold.core.model.errors import DataError
    from threshold.plugins.derbyshire import data

    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[[questions]]\nid = "format"\ntype = "boolean"\ntitle = "x?"\nwords = "x"\n'
        'help = "x"\ncitations = [{ document = "ddscp-2022", section = "5. Next steps" }]\n',
        "utf-8",
    )
    with pytest.raises(DataError, match=r"questions\[\d+\]\.id: 'format' is already"):
        load_authority([*data.files, extra])


def test_the_question_counts_the_readme_gives(registry: Registry) -> None:
    """README, "Web tool": Derbyshire level 3 is asked 9 questions, Derby City 8,
    level 1 6, a member of the public 3."""
    readme = (REPO / "README.md").read_text("utf-8")
    assert "a Derbyshire level 3 case is asked 9\n  questions, a Derby City one 8" in readme
    assert len(walk(registry, "derbyshire", PRACTITIONER)) == 9
    assert len(walk(registry, "derby_city", PRACTITIONER)) == 8
    assert len(walk(registry, "derbyshire", {**PRACTITIONER, "level": "1"})) == 6
    assert len(walk(registry, "derby_city", {**PRACTITIONER, "referrer": "public"})) == 3
