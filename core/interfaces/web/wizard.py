"""The guided questions of the web tool: one question at a time, and only those
that can still change the guidance.

Answers travel with the person (in the URL query or the form), never in server
memory. Whether a question can still change the answer is decided by the
engine itself: the question is asked only if some choice of it, with some
choice of the questions still open, gives different guidance.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from threshold.core.engine.api import route
from threshold.core.model.errors import CaseError, FieldError
from threshold.core.model.fields import QUESTION_FIELDS
from threshold.core.model.vocabulary import QUESTION_IDS

if TYPE_CHECKING:
    from threshold.core.plugins.registry import Registry


@attrs.frozen
class Option:
    """One answer to a question: its value in the query, label and hint."""

    value: str
    label: str
    hint: str | None = None


@attrs.frozen
class Question:
    """A question: id (the query parameter), title, hint, options, and the error
    shown when it is submitted without an answer."""

    id: str
    title: str
    hint: str
    options: tuple[Option, ...]
    error: str = "Select an answer"


YES_NO = (Option("yes", "Yes"), Option("no", "No"))

#: The questions, in the order they are asked (the authority is chosen before
#: them). Hints that quote the sources come from the authority's data when it has
#: them (``Authority.question_hints``, with citations), else the generic hint here.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "danger",
        "Is the child in immediate danger?",
        "For example, at risk of serious harm right now if nobody acts.",
        YES_NO,
        "Select yes if the child is in immediate danger",
    ),
    Question(
        "harm",
        "Is the child suffering, or likely to suffer, significant harm?",
        "A child protection concern: reasonable cause to suspect significant harm because of "
        "abuse or neglect. Any bruising on a baby who is not yet mobile is always a child "
        "protection concern.",
        (
            Option("significant-harm", "Yes, significant harm or the likelihood of it"),
            Option("bruising", "Yes, bruising on a non-mobile baby"),
            Option("no", "No"),
        ),
        "Select whether the child is suffering, or likely to suffer, significant harm",
    ),
    Question(
        "referrer",
        "Are you raising this concern as part of your work?",
        "The threshold document is written for practitioners; the guidance for a member "
        "of the public (a relative, a neighbour, a friend) is different.",
        (
            Option("professional", "Yes, as a practitioner or professional"),
            Option("public", "No, as a member of the public"),
        ),
        "Select whether you are raising this concern as part of your work",
    ),
    Question(
        "level",
        "What level of need do you judge this to be?",
        "The threshold document's levels of need. The indicators are a guide, not a checklist.",
        (
            Option("1", "Level 1"),
            Option("2", "Level 2"),
            Option("3", "Level 3"),
            Option("4", "Level 4"),
            Option("unsure", "I am not sure"),
        ),
        "Select the level of need, or that you are not sure",
    ),
    Question(
        "eha",
        "Has an Early Help Assessment (EHA) been completed?",
        "An EHA is an early assessment and planning tool to co-ordinate multi-agency support.",
        (
            Option("completed", "Yes, it has been completed"),
            Option("none", "No"),
            Option("declined", "No, the family does not consent to one"),
        ),
        "Select whether an Early Help Assessment has been completed",
    ),
    Question(
        "escalation",
        "Have the child's needs escalated suddenly?",
        "A sudden escalation in needs can change how a referral is made.",
        YES_NO,
        "Select yes if the child's needs have escalated suddenly",
    ),
    Question(
        "consent",
        "Has the family consented to information being shared and a referral made?",
        "Consent to share must be explicit and freely given.",
        (
            Option("given", "Yes, consent has been given"),
            Option("refused", "No, consent has been refused"),
            Option("not-sought", "Not yet sought"),
            Option("unsafe-to-seek", "Seeking consent would put the child at risk"),
        ),
        "Select whether the family has consented",
    ),
    Question(
        "setting",
        "Do you work in a time-limited setting?",
        "Emergency department, urgent care, out-of-hours GP or NHS 111: settings where you "
        "cannot complete an Early Help Assessment.",
        YES_NO,
        "Select yes if you work in a time-limited setting",
    ),
    Question(
        "unborn",
        "Is your concern about an unborn baby?",
        "Safeguarding concerns during pregnancy have a protocol of their own.",
        YES_NO,
        "Select yes if your concern is about an unborn baby",
    ),
)

_BY_ID = {q.id: q for q in QUESTIONS}


def question(question_id: str) -> Question:
    """Return the question with this id (KeyError if none)."""
    return _BY_ID[question_id]


def check_answers(answers: Mapping[str, str]) -> list[FieldError]:
    """Errors for answers that are not one of their question's options."""
    errors = []
    for question_id in QUESTION_IDS:
        value = answers.get(question_id)
        if value is None or value == "":
            continue
        allowed = [o.value for o in _BY_ID[question_id].options]
        if value not in allowed:
            errors.append(FieldError(question_id, f"expected one of: {', '.join(allowed)}"))
    return errors


def case_from_answers(answers: Mapping[str, str]) -> dict[str, Any]:
    """The case (``schemas/case.schema.json``) that the answers describe.

    Unanswered questions take the case's defaults.

    Raises:
        CaseError: an answer is not one of its question's options.
    """
    errors = check_answers(answers)
    if errors:
        raise CaseError(errors)
    case: dict[str, Any] = {}
    if answers.get("danger") == "yes":
        case["immediate_danger"] = True
    harm = answers.get("harm")
    if harm == "significant-harm":
        case["significant_harm"] = True
    elif harm == "bruising":
        case["non_mobile_baby_bruising"] = True
    level = answers.get("level")
    if level in ("1", "2", "3", "4"):
        case["level"] = int(level)
    if answers.get("eha"):
        case["early_help_assessment"] = answers["eha"]
    if answers.get("escalation") == "yes":
        case["sudden_escalation"] = True
    if answers.get("consent"):
        case["consent"] = answers["consent"]
    if answers.get("setting") == "yes":
        case["setting"] = "time-limited"
    if answers.get("referrer"):
        case["referrer"] = answers["referrer"]
    if answers.get("unborn") == "yes":
        case["unborn"] = True
    if answers.get("at"):
        case["at"] = answers["at"]
    return case


def given_fields(answers: Mapping[str, str]) -> frozenset[str]:
    """The case fields the answers give (a "no" counts: it was answered), so a
    form is prefilled with what the person said and never with a default."""
    return frozenset(
        field
        for question_id, fields in QUESTION_FIELDS.items()
        if answers.get(question_id)
        for field in fields
    )


def _signature(registry: Registry, authority: str, answers: Mapping[str, str]) -> tuple[Any, ...]:
    """What a person would see change: route, summary, steps, contacts, consent."""

    case = case_from_answers(answers)
    case.pop("at", None)
    guidance = route({**case, "at": "2026-01-05T12:00"}, authority, registry=registry)
    return (
        guidance.route,
        guidance.summary,
        guidance.eha_required,
        tuple(s.id for s in guidance.steps),
        tuple(c.id for c in guidance.contacts),
        guidance.consent.guidance,
    )


def can_change_answer(
    registry: Registry, authority: str, answers: Mapping[str, str], question_id: str
) -> bool:
    """True when some answer to ``question_id`` (with some answers to the other
    open questions) gives different guidance."""
    open_ids = [q for q in QUESTION_IDS if q != question_id and not answers.get(q)]
    open_options = [[o.value for o in _BY_ID[q].options] for q in open_ids]
    choices = [o.value for o in _BY_ID[question_id].options]
    for combination in itertools.product(*open_options):
        filled = {**answers, **dict(zip(open_ids, combination, strict=True))}
        seen = {_signature(registry, authority, {**filled, question_id: c}) for c in choices}
        if len(seen) > 1:
            return True
    return False


def next_question(
    registry: Registry, authority: str, answers: Mapping[str, str]
) -> Question | None:
    """The next question to ask, or None when the guidance can be given.

    Immediate danger ends the questions at once: nothing else can come first.
    """
    if answers.get("danger") == "yes":
        return None
    for item in QUESTIONS:
        if answers.get(item.id):
            continue
        if item.id == "danger" or can_change_answer(registry, authority, answers, item.id):
            return item
    return None


def asked_questions(
    registry: Registry, authority: str, answers: Mapping[str, str]
) -> list[Question]:
    """The questions that were (or would be) asked for these answers, in order:
    what a "check your answers" page lists."""
    shown: list[Question] = []
    partial: dict[str, str] = {}
    for item in QUESTIONS:
        if answers.get("danger") == "yes" and item.id != "danger":
            break
        if answers.get(item.id) and (
            item.id == "danger" or can_change_answer(registry, authority, partial, item.id)
        ):
            shown.append(item)
        if answers.get(item.id):
            partial[item.id] = answers[item.id]
    return shown
