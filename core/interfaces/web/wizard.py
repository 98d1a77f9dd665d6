"""The guided questions of the web tool: one question at a time, and only those
that can still change the guidance.

The questions are the core's (immediate danger; significant harm, with each of
the authority's questions that offer themselves as a kind of harm; who is
raising the concern), then the authority's own, in the order its data declares
them, worded as its data words them (:mod:`threshold.core.model.questions`).
Answers travel with the person (in the URL query or the form), never in server
memory. Whether a question can still change the answer is read from the
authority's decision table (:func:`threshold.core.analysis.relevance.facts_that_matter`,
a static analysis, not a search); when the authority's plugin has a Python rule,
which no analysis can read, every question is asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from threshold.core.analysis.relevance import facts_that_matter
from threshold.core.model.enums import QuestionType, Referrer
from threshold.core.model.errors import CaseError, FieldError
from threshold.core.model.fields import case_fields

if TYPE_CHECKING:
    from threshold.core.model.authority import Authority
    from threshold.core.model.questions import Question as PolicyQuestion
    from threshold.core.plugins.registry import Registry


@attrs.frozen
class Option:
    """One answer to a question: its value in the query, its label and hint, and
    the case facts it gives (by case field; ``None`` is "not given").

    Attributes:
        value: The answer as the query carries it.
        label: The answer as the page offers it.
        hint: A line under the label (a level's summary), or None.
        facts: The case fields this answer sets, with their values.
        level: The level's number, for an option of the level question.
    """

    value: str
    label: str
    hint: str | None = None
    facts: tuple[tuple[str, Any], ...] = ()
    level: int | None = None


@attrs.frozen
class Question:
    """A question of the web tool.

    Attributes:
        id: Its query parameter.
        title: The question as a practitioner is asked it.
        hint: The generic hint, shown when the authority's data gives none.
        options: The answers offered, in order.
        error: The error shown when it is sent without an answer.
        fields: The case fields it answers.
        public_title: The question as a member of the public is asked it.
        levels: True for the question of the level of need.
    """

    id: str
    title: str
    hint: str
    options: tuple[Option, ...]
    error: str = "Select an answer"
    fields: tuple[str, ...] = ()
    public_title: str | None = None
    levels: bool = False

    def option(self, value: str) -> Option | None:
        """The option with this value, or None."""
        return next((o for o in self.options if o.value == value), None)

    def title_for(self, answers: Mapping[str, str]) -> str:
        """The question as the person who gave ``answers`` is asked it."""
        if self.public_title and answers.get("referrer") == Referrer.PUBLIC.value:
            return self.public_title
        return self.title


#: The web tool's answer for "I am not sure" of the level of need.
UNSURE = "unsure"
_YES, _NO = "yes", "no"


def _danger() -> Question:
    return Question(
        "danger",
        "Is the child in immediate danger?",
        "For example, at risk of serious harm right now if nobody acts.",
        (
            Option(_YES, "Yes", facts=(("immediate_danger", True),)),
            Option(_NO, "No", facts=(("immediate_danger", False),)),
        ),
        "Select yes if the child is in immediate danger",
        ("immediate_danger",),
    )


def _harm(authority: Authority) -> Question:
    """Significant harm, with each question of the authority that offers itself as
    a kind of harm (``harm_option``, such as bruising on a non-mobile baby)."""
    extra = [q for q in authority.questions if q.harm_option]
    fields = ("significant_harm", *(q.id for q in extra))

    def facts(chosen: str | None) -> tuple[tuple[str, Any], ...]:
        return tuple((name, name == chosen) for name in fields)

    return Question(
        "harm",
        "Is the child suffering, or likely to suffer, significant harm?",
        "A child protection concern: reasonable cause to suspect significant harm because of "
        "abuse or neglect.",
        (
            Option(
                "significant-harm",
                "Yes, significant harm or the likelihood of it",
                facts=facts("significant_harm"),
            ),
            *(Option(q.web_id, q.harm_option or q.title, facts=facts(q.id)) for q in extra),
            Option(_NO, "No", facts=facts(None)),
        ),
        "Select whether the child is suffering, or likely to suffer, significant harm",
        fields,
    )


def _referrer() -> Question:
    return Question(
        "referrer",
        "Are you raising this concern as part of your work?",
        "The threshold document is written for practitioners; the guidance for a member "
        "of the public (a relative, a neighbour, a friend) is different.",
        (
            Option(
                Referrer.PROFESSIONAL.value,
                "Yes, as a practitioner or professional",
                facts=(("referrer", Referrer.PROFESSIONAL.value),),
            ),
            Option(
                Referrer.PUBLIC.value,
                "No, as a member of the public",
                facts=(("referrer", Referrer.PUBLIC.value),),
            ),
        ),
        "Select whether you are raising this concern as part of your work",
        ("referrer",),
    )


def _options(authority: Authority, question: PolicyQuestion) -> tuple[Option, ...]:
    """The answers the web tool offers to one of the authority's questions."""
    name = question.id
    if question.type is QuestionType.BOOLEAN:
        return (
            Option(_YES, question.yes or "Yes", facts=((name, True),)),
            Option(_NO, question.no or "No", facts=((name, False),)),
        )
    if question.type is QuestionType.LEVEL:
        return (
            *(
                Option(
                    str(level.number),
                    f"Level {level.number}: {level.name}",
                    level.summary,
                    ((name, level.number),),
                    level.number,
                )
                for level in authority.levels
            ),
            Option(UNSURE, "I am not sure", facts=((name, None),)),
        )
    choices = question.choices
    if question.nullable and len(choices) == 1:
        # one answer or none: asked as yes or no, the one answer's label being the yes
        (only,) = choices
        return (
            Option(_YES, only.label, facts=((name, only.value),)),
            Option(_NO, question.no or "No", facts=((name, None),)),
        )
    options = tuple(Option(c.value, c.label, facts=((name, c.value),)) for c in choices)
    if question.nullable:
        none = "none" if all(c.value != "none" for c in choices) else "null"
        options += (Option(none, question.no or "None of these", facts=((name, None),)),)
    return options


def _error(question: PolicyQuestion) -> str:
    if question.type is QuestionType.BOOLEAN:
        return "Select yes or no"
    if question.type is QuestionType.LEVEL:
        return "Select the level of need, or that you are not sure"
    return "Select an answer"


def _own(authority: Authority, question: PolicyQuestion) -> Question:
    return Question(
        question.web_id,
        question.title,
        "",
        _options(authority, question),
        _error(question),
        (question.id,),
        question.public_title,
        question.type is QuestionType.LEVEL,
    )


_MADE: dict[int, tuple[Authority, tuple[Question, ...]]] = {}


def questions(authority: Authority) -> tuple[Question, ...]:
    """The web tool's questions for ``authority``, in the order they are asked: the
    core's, then its own (those its data does not keep off the web), made once."""
    hit = _MADE.get(id(authority))
    if hit is not None and hit[0] is authority:
        return hit[1]
    made = (
        _danger(),
        _harm(authority),
        _referrer(),
        *(_own(authority, q) for q in authority.questions if q.web and not q.harm_option),
    )
    _MADE[id(authority)] = (authority, made)
    return made


def question_ids(authority: Authority) -> tuple[str, ...]:
    """The query parameters of ``authority``'s questions, in order."""
    return tuple(q.id for q in questions(authority))


def question(authority: Authority, question_id: str) -> Question:
    """The question of ``authority`` with this id (KeyError if none)."""
    for item in questions(authority):
        if item.id == question_id:
            return item
    raise KeyError(question_id)


def check_answers(authority: Authority, answers: Mapping[str, str]) -> list[FieldError]:
    """Errors for answers that are not one of their question's options (never
    echoing them); names that are none of the authority's questions are left to
    the caller (a query's unknown parameters)."""
    errors = []
    for item in questions(authority):
        value = answers.get(item.id)
        if value is None or value == "":
            continue
        if item.option(value) is None:
            allowed = ", ".join(o.value for o in item.options)
            errors.append(FieldError(item.id, f"expected one of: {allowed}"))
    return errors


def known_facts(authority: Authority, answers: Mapping[str, str]) -> dict[str, Any]:
    """The case facts the answers give, each with its value (a "no" is a fact)."""
    known: dict[str, Any] = {}
    for item in questions(authority):
        value = answers.get(item.id)
        option = item.option(value) if value else None
        if option is not None:
            known.update(option.facts)
    return known


def case_from_answers(authority: Authority, answers: Mapping[str, str]) -> dict[str, Any]:
    """The case (the authority's case schema) that the answers describe: each
    answer's facts, less a "no" or "not sure" that is the field's default anyway
    (unanswered questions take the case's defaults); ``at`` if given.

    Raises:
        CaseError: an answer is not one of its question's options.
    """
    errors = check_answers(authority, answers)
    if errors:
        raise CaseError(errors)
    defaults = {f.name: f.default for f in case_fields(authority)}
    case = {
        name: value
        for name, value in known_facts(authority, answers).items()
        if not (value in (None, False) and value is defaults.get(name))
    }
    if answers.get("at"):
        case["at"] = answers["at"]
    return case


def given_fields(authority: Authority, answers: Mapping[str, str]) -> frozenset[str]:
    """The case fields the answers give (a "no" counts: it was answered), so a
    form is prefilled with what the person said and never with a default."""
    return frozenset(
        name for item in questions(authority) if answers.get(item.id) for name in item.fields
    )


def _open_facts(
    registry: Registry, authority_id: str, authority: Authority, known: Mapping[str, Any]
) -> frozenset[str] | None:
    """The facts that can still change the guidance, or None when any may (the
    authority's plugin has a Python rule, which no analysis can read)."""
    if registry.route_rule(registry.get(authority_id)) is not None:
        return None
    return facts_that_matter(authority, known)


def _matters(item: Question, open_facts: frozenset[str] | None) -> bool:
    return open_facts is None or any(name in open_facts for name in item.fields)


def next_question(
    registry: Registry, authority_id: str, answers: Mapping[str, str]
) -> Question | None:
    """The next question to ask, or None when the guidance can be given.

    Immediate danger is always asked first, and a yes ends the questions at once:
    nothing else can come first.
    """
    if answers.get("danger") == _YES:
        return None
    authority = registry.get(authority_id).authority
    open_facts = _open_facts(registry, authority_id, authority, known_facts(authority, answers))
    for item in questions(authority):
        if answers.get(item.id):
            continue
        if item.id == "danger" or _matters(item, open_facts):
            return item
    return None


def asked_questions(
    registry: Registry, authority_id: str, answers: Mapping[str, str]
) -> list[Question]:
    """The questions that were (or would be) asked for these answers, in order:
    what a "check your answers" page lists."""
    authority = registry.get(authority_id).authority
    shown: list[Question] = []
    partial: dict[str, str] = {}
    for item in questions(authority):
        if answers.get("danger") == _YES and item.id != "danger":
            break
        if answers.get(item.id):
            known = known_facts(authority, partial)
            if item.id == "danger" or _matters(
                item, _open_facts(registry, authority_id, authority, known)
            ):
                shown.append(item)
            partial[item.id] = answers[item.id]
    return shown


def answer_names(authorities: Iterable[Authority]) -> tuple[str, ...]:
    """Every question id of these authorities, each once (the core's first)."""
    seen: dict[str, None] = {}
    for authority in authorities:
        seen.update(dict.fromkeys(question_ids(authority)))
    return tuple(seen)


def levels_expected(numbers: list[str]) -> str:
    """The levels a query may name, in words ("a level of need from 1 to 4")."""
    run = [int(n) for n in numbers] == list(range(int(numbers[0]), int(numbers[-1]) + 1))
    if run:
        return f"a level of need from {numbers[0]} to {numbers[-1]}"
    return "a level of need: one of " + ", ".join(numbers)
