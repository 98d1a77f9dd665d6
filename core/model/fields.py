"""A case's fields, declared once: the core's urgent part, and an authority's questions.

Every case has the urgent part (:data:`CORE_FIELDS`); an authority adds the
fields its questions declare (:func:`case_fields`). What the code needs to know
about each field is here: its words, its command-line option, its answers, what
a wrong answer is told, whether it is urgent, whether the comparison matrix
varies it, the web tool's question and the form items it can fill. The case
reader and schema, the CLI's case options, the matrix axes, the web tool's field
mapping and form prefill are derived from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from threshold.core.model.enums import QuestionType, Referrer

if TYPE_CHECKING:
    from threshold.core.model.authority import Authority
    from threshold.core.model.questions import Question


@attrs.frozen
class CaseField:
    """One field of a case.

    Attributes:
        name: The field, as in the case schema.
        title: The field in words ("assessment", "bruising on a non-mobile baby").
        option: Its command-line option (``--level``).
        help: The option's help, and the schema's description.
        kind: ``flag`` (a boolean), ``level``, ``choice`` or ``time``.
        answers: Every answer it can take (None: any time), in the order they are read.
        default: Its answer when none is given.
        expected: What an error says is expected ("true or false").
        matrix: Whether the comparison matrix varies it (else it stays at its default).
        urgent: ``danger`` or ``child-protection`` when raising it alone makes the case
            urgent (999, or the child protection line), else None.
        question: The web tool's question that answers it, or None.
        prefill: The form item type (``choice``, ``yes-no``) its fact can fill, or None.
    """

    name: str
    title: str
    option: str
    help: str
    kind: str
    answers: tuple[Any, ...] | None
    default: Any
    expected: str
    matrix: bool = True
    urgent: str | None = None
    question: str | None = None
    prefill: str | None = None

    #: Its answers as (type, value) pairs, for :meth:`accepts` (None: any time).
    keys: frozenset[tuple[type, Any]] | None = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        keys = None if self.answers is None else frozenset((type(a), a) for a in self.answers)
        object.__setattr__(self, "keys", keys)

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is one of its answers (True is not 1, nor False 0)."""
        if self.keys is None:
            return isinstance(value, str) or value is None
        try:
            return (type(value), value) in self.keys
        except TypeError:  # unhashable (a list, a dict): no answer is
            return False


_TRUTH = (True, False)
_BOOL = "true or false"
#: What the time must be, as errors say it.
AT_EXPECTED = (
    "an ISO 8601 date-time from 2000-01-01T00:00 to 2099-12-31T23:59, such as 2026-11-23T14:30"
)


def quoted(values: Sequence[str]) -> str:
    """Values as a list in an error: ``"a", "b"``."""
    return ", ".join(f'"{v}"' for v in values)


#: The fields every authority's case has: the urgent part and the time.
CORE_FIELDS: tuple[CaseField, ...] = (
    CaseField(
        "immediate_danger",
        "immediate danger",
        "--immediate-danger",
        "Child in immediate danger.",
        "flag",
        _TRUTH,
        False,
        _BOOL,
        urgent="danger",
        question="danger",
        prefill="yes-no",
    ),
    CaseField(
        "significant_harm",
        "significant harm",
        "--significant-harm",
        "Suffering or likely to suffer significant harm.",
        "flag",
        _TRUTH,
        False,
        _BOOL,
        urgent="child-protection",
        question="harm",
        prefill="yes-no",
    ),
    CaseField(
        "referrer",
        "referrer",
        "--referrer",
        "professional or public.",
        "choice",
        tuple(r.value for r in Referrer),
        Referrer.PROFESSIONAL.value,
        f"one of {quoted([r.value for r in Referrer])}",
        question="referrer",
    ),
    CaseField(
        "at",
        "time",
        "--at",
        "When, ISO 8601; no offset means Europe/London.",
        "time",
        None,
        None,
        AT_EXPECTED,
        matrix=False,
    ),
)

#: The field that is the time: the only one a route may not depend on.
TIME_FIELD = "at"
#: The core's urgent fields: raising one makes any case urgent.
CORE_URGENT = tuple(f.name for f in CORE_FIELDS if f.urgent)


def question_field(authority: Authority, question: Question) -> CaseField:
    """The case field a question of ``authority`` declares."""
    common: dict[str, Any] = {
        "name": question.id,
        "title": question.words,
        "option": question.cli_option,
        "help": question.help,
        "matrix": question.matrix,
        "urgent": question.urgent,
        "question": question.web_id if not question.harm_option else "harm",
    }
    if question.type is QuestionType.BOOLEAN:
        return CaseField(
            kind="flag",
            answers=_TRUTH,
            default=bool(question.default),
            expected=_BOOL,
            prefill="yes-no",
            **common,
        )
    if question.type is QuestionType.LEVEL:
        numbers = [level.number for level in authority.levels]
        run = numbers == list(range(numbers[0], numbers[-1] + 1))
        expected = (
            f"an integer from {numbers[0]} to {numbers[-1]}, or null"
            if run
            else "one of " + ", ".join(map(str, numbers)) + ", or null"
        )
        return CaseField(
            kind="level",
            answers=(None, *numbers),
            default=None,
            expected=expected,
            prefill="choice",
            **common,
        )
    values = tuple(choice.value for choice in question.choices)
    if question.nullable:
        expected = (
            f'"{values[0]}" or null' if len(values) == 1 else f"one of {quoted(values)}, or null"
        )
        answers: tuple[Any, ...] = (None, *values)
    else:
        expected = f"one of {quoted(values)}"
        answers = values
    return CaseField(
        kind="choice",
        answers=answers,
        default=question.default,
        expected=expected,
        prefill="choice",
        **common,
    )


_FIELDS: dict[int, tuple[Authority, tuple[CaseField, ...]]] = {}


def case_fields(authority: Authority) -> tuple[CaseField, ...]:
    """Every field of ``authority``'s case: the core's, then its questions' (made once)."""
    hit = _FIELDS.get(id(authority))
    if hit is not None and hit[0] is authority:
        return hit[1]
    fields = (*CORE_FIELDS, *(question_field(authority, q) for q in authority.questions))
    _FIELDS[id(authority)] = (authority, fields)
    return fields


def field_named(authority: Authority, name: str) -> CaseField:
    """The field ``name`` of ``authority``'s case (KeyError if it has none)."""
    for field in case_fields(authority):
        if field.name == name:
            return field
    raise KeyError(name)


def urgent_fields(authority: Authority | None = None) -> tuple[str, ...]:
    """The fields that make a case urgent: the core's, and the authority's urgent questions."""
    if authority is None:
        return CORE_URGENT
    return tuple(f.name for f in case_fields(authority) if f.urgent)


def matrix_axes(authority: Authority) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """The comparison matrix's axes of ``authority``, each with every answer, in the
    order precedence reads them: the urgent facts, who refers, then the questions."""
    fields = [f for f in case_fields(authority) if f.matrix]
    ordered = [f for f in fields if f.urgent] + [f for f in fields if not f.urgent]
    return tuple((f.name, _read_order(f)) for f in ordered)


def _read_order(field: CaseField) -> tuple[Any, ...]:
    """A field's answers in the order the matrix reads them: an urgent flag yes
    first, any other flag no first; otherwise as declared (null first)."""
    assert field.answers is not None
    if field.kind == "flag":
        return (True, False) if field.urgent else (False, True)
    return field.answers
