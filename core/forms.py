"""Referral forms: one model (attrs, frozen) and the one evaluator of its conditions.

A form is an ordered list of sections; a section is an ordered list of items; a
group item holds items of its own. Every item has a stable id, unique in its
form, used unchanged as the JSON Pointer segment of its answer (``/consent``),
the HTML ``id``/``name`` and the FHIR ``linkId``.

Answers are one flat JSON object, ``{item id: value}``: a string for text,
long text, date (``YYYY-MM-DD``) and choice items, a boolean for yes/no items
and an object ``{"title": ..., "content_type": ..., "data": ..., "url": ...}``
for attachments. Groups and display texts take no answer.

Conditions are data: ``{"all" | "any": [{"item", "op", "value"}]}``. They decide
whether an item (or a whole section or group) is shown; a hidden item is never
required and an answer to it is reported, never kept silently. A condition may
only test questions that come earlier in the form, so one pass in form order
decides everything. Each output format (JSON Schema, HTML, Markdown, FHIR)
translates the same conditions; this module is the one evaluator in Python.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any

import attrs

from threshold.core.errors import FieldError
from threshold.core.schemas import describe_value, shown_name

#: What a question's answer may be (before it is checked).
Answer = str | bool | dict[str, Any]
Answers = Mapping[str, Any]


class ItemType(StrEnum):
    """The kind of an item, which decides the shape of its answer."""

    TEXT = "text"
    LONG_TEXT = "long-text"
    DATE = "date"
    YES_NO = "yes-no"
    CHOICE = "choice"
    ATTACHMENT = "attachment"
    GROUP = "group"
    DISPLAY = "display"


#: Item types that take no answer.
NOT_QUESTIONS = frozenset({ItemType.GROUP, ItemType.DISPLAY})


class Op(StrEnum):
    """How a condition tests an earlier answer.

    ``equals``, ``not-equals`` and ``in`` are true only when the item is
    answered; ``answered`` and ``not-answered`` test presence alone.
    """

    EQUALS = "equals"
    NOT_EQUALS = "not-equals"
    IN = "in"
    ANSWERED = "answered"
    NOT_ANSWERED = "not-answered"


class Mode(StrEnum):
    """Whether all tests of a condition must hold, or any one."""

    ALL = "all"
    ANY = "any"


@attrs.frozen
class Test:
    """One test of a condition.

    Attributes:
        item: Id of an earlier question.
        op: The operator.
        value: A string (text, date or choice value) or boolean (yes/no) for
            ``equals``/``not-equals``; a tuple of strings for ``in``; None for
            ``answered``/``not-answered``.
    """

    item: str
    op: Op
    value: str | bool | tuple[str, ...] | None = None


@attrs.frozen
class Condition:
    """A condition: ``mode`` (all or any) over one or more tests."""

    mode: Mode
    tests: tuple[Test, ...]


@attrs.frozen
class SourceRef:
    """Where a part of a form comes from: a seed file and a section heading in it.

    Attributes:
        seed: File name of the source text in ``shared/seeds``.
        section: The section or heading, as the document words it.
        quote: A short quotation, where useful.
    """

    seed: str
    section: str
    quote: str | None = None


@attrs.frozen
class Choice:
    """One option of a choice item: a stable value and the words shown for it."""

    value: str
    label: str
    hint: str | None = None


@attrs.frozen
class Item:
    """One item of a form.

    Attributes:
        id: Stable id, unique in the form: JSON Pointer segment, HTML id/name, FHIR linkId.
        type: The kind of item.
        label: The question, or the text of a display item, or a group's heading.
        hint: Help shown under the label.
        required: True when a shown item must be answered.
        choices: The options of a choice item, in order.
        shown_when: Shown only when this condition holds (None: always, when its
            section and group are shown).
        items: A group's items.
        prefill: Name of the case fact that fills this item in (see
            :func:`threshold.core.forms_prefill.case_facts`), or None.
        cite: The seed sections that call for this item.
        source: ``"common-practice"`` when the seeds do not name the item and it is
            asked because multi-agency referral forms in England commonly ask it.
    """

    id: str
    type: ItemType
    label: str
    hint: str | None = None
    required: bool = False
    choices: tuple[Choice, ...] = ()
    shown_when: Condition | None = None
    items: tuple[Item, ...] = ()
    prefill: str | None = None
    cite: tuple[SourceRef, ...] = ()
    source: str | None = None

    @property
    def is_question(self) -> bool:
        """True when the item takes an answer (not a group or display text)."""
        return self.type not in NOT_QUESTIONS

    def choice(self, value: object) -> Choice | None:
        """Return the choice with this value, or None."""
        for choice in self.choices:
            if choice.value == value:
                return choice
        return None


@attrs.frozen
class Section:
    """A titled part of a form.

    Attributes:
        id: Stable id, unique in the form (FHIR linkId and HTML id of the section).
        title: Heading.
        items: Items in order.
        intro: Text shown under the heading.
        shown_when: Shown only when this condition holds.
        cite: Seed sections that call for this section.
        source: ``"common-practice"`` when the seeds do not name it.
    """

    id: str
    title: str
    items: tuple[Item, ...]
    intro: str | None = None
    shown_when: Condition | None = None
    cite: tuple[SourceRef, ...] = ()
    source: str | None = None


@attrs.frozen
class Form:
    """A referral form of one authority.

    Attributes:
        id: Stable id, unique in the authority.
        authority: Id of the authority the form belongs to.
        title: Title.
        summary: What the form is for and when to use it.
        routes: Route ids (``threshold route``) this form is the written form for.
        sections: Sections in order.
        cite: Seed sections that call for the form.
    """

    id: str
    authority: str
    title: str
    summary: str
    routes: tuple[str, ...]
    sections: tuple[Section, ...]
    cite: tuple[SourceRef, ...] = ()

    def items(self) -> Iterator[Item]:
        """Every item, groups' items included, in form order."""
        for section in self.sections:
            yield from _walk(section.items)

    def questions(self) -> Iterator[Item]:
        """Every item that takes an answer, in form order."""
        return (item for item in self.items() if item.is_question)

    def item(self, item_id: str) -> Item:
        """Return the item with this id (KeyError if none)."""
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def _walk(items: tuple[Item, ...]) -> Iterator[Item]:
    for item in items:
        yield item
        yield from _walk(item.items)


# ----------------------------------------------------------------------------- evaluation


def is_answered(answers: Answers, item_id: str) -> bool:
    """True when ``answers`` has a value (not null) for the item."""
    return answers.get(item_id) is not None


def _same(value: object, expected: object) -> bool:
    return type(value) is type(expected) and value == expected


def test_holds(test: Test, answers: Answers) -> bool:
    """Whether one test holds for ``answers`` (answers of hidden items must be left out)."""
    answered = is_answered(answers, test.item)
    if test.op is Op.ANSWERED:
        return answered
    if test.op is Op.NOT_ANSWERED:
        return not answered
    if not answered:
        return False
    value = answers[test.item]
    if test.op is Op.EQUALS:
        return _same(value, test.value)
    if test.op is Op.NOT_EQUALS:
        return not _same(value, test.value)
    assert isinstance(test.value, tuple)
    return isinstance(value, str) and value in test.value


def holds(condition: Condition | None, answers: Answers) -> bool:
    """Whether ``condition`` holds (None always does)."""
    if condition is None:
        return True
    results = (test_holds(test, answers) for test in condition.tests)
    return all(results) if condition.mode is Mode.ALL else any(results)


def _visit(
    items: tuple[Item, ...], answers: Answers, kept: dict[str, Any], shown_ids: set[str]
) -> None:
    for item in items:
        if not holds(item.shown_when, kept):
            continue
        shown_ids.add(item.id)
        if item.is_question and item.id in answers:
            kept[item.id] = answers[item.id]
        _visit(item.items, answers, kept, shown_ids)


def _evaluate(form: Form, answers: Answers) -> tuple[set[str], dict[str, Any]]:
    kept: dict[str, Any] = {}
    shown_ids: set[str] = set()
    for section in form.sections:
        if holds(section.shown_when, kept):
            shown_ids.add(section.id)
            _visit(section.items, answers, kept, shown_ids)
    return shown_ids, kept


def shown(form: Form, answers: Answers) -> frozenset[str]:
    """Return the ids of the sections and items shown for ``answers``.

    An item is shown when its section and every enclosing group are shown and
    its own condition holds, judged on the answers of shown items only.
    """
    return frozenset(_evaluate(form, answers)[0])


def kept_answers(form: Form, answers: Answers) -> dict[str, Any]:
    """Return the answers to shown questions (answers to hidden items are left out)."""
    return _evaluate(form, answers)[1]


def missing(form: Form, answers: Answers) -> list[str]:
    """Return the ids of shown, required questions that have no answer, in form order."""
    shown_ids, kept = _evaluate(form, answers)
    return [
        item.id
        for item in form.questions()
        if item.required and item.id in shown_ids and not is_answered(kept, item.id)
    ]


# ----------------------------------------------------------------------------- validation

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ATTACHMENT_FIELDS = ("title", "content_type", "data", "url")
ATTACHMENT_EXPECTED = (
    'an attachment object {"title": file name, "content_type", "data" (base64) or "url"}'
)


def expected_text(item: Item) -> str:
    """What an answer to ``item`` must be, in words."""
    if item.type is ItemType.CHOICE:
        return "one of: " + ", ".join(f'"{c.value}"' for c in item.choices)
    if item.type is ItemType.YES_NO:
        return "true (yes) or false (no)"
    if item.type is ItemType.DATE:
        return "a date as YYYY-MM-DD"
    if item.type is ItemType.ATTACHMENT:
        return ATTACHMENT_EXPECTED
    if item.type is ItemType.LONG_TEXT:
        return "text (any length)"
    return "text"


def _blank(value: object) -> bool:
    return isinstance(value, str) and not value.strip()


def check_answer(item: Item, value: object) -> str | None:
    """Return what is wrong with ``value`` as the answer to ``item``, or None."""
    expected = expected_text(item)
    if item.type in (ItemType.TEXT, ItemType.LONG_TEXT, ItemType.DATE, ItemType.CHOICE):
        if not isinstance(value, str):
            return f"got {describe_value(value)}; expected {expected}"
        if _blank(value):
            return f"empty; expected {expected}, or leave the item out"
    if item.type is ItemType.DATE:
        assert isinstance(value, str)
        try:
            if not _DATE.match(value):
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            return f"got a string that is not a date; expected {expected}"
    if item.type is ItemType.CHOICE and item.choice(value) is None:
        return f"got a string that is not one of the choices; expected {expected}"
    if item.type is ItemType.YES_NO and not isinstance(value, bool):
        return f"got {describe_value(value)}; expected {expected}"
    if item.type is ItemType.ATTACHMENT:
        return _check_attachment(value)
    return None


def _check_attachment(value: object) -> str | None:
    if not isinstance(value, dict):
        return f"got {describe_value(value)}; expected {ATTACHMENT_EXPECTED}"
    extra = sorted(set(value) - set(ATTACHMENT_FIELDS))
    if extra:
        return f"unknown field in the attachment; expected only: {', '.join(ATTACHMENT_FIELDS)}"
    title = value.get("title")
    if not isinstance(title, str) or _blank(title):
        return f"the attachment has no title (file name); expected {ATTACHMENT_EXPECTED}"
    for key in ATTACHMENT_FIELDS[1:]:
        if key in value and not isinstance(value[key], str):
            return f"attachment {key}: got {describe_value(value[key])}; expected a string"
    return None


def _unknown(form: Form, key: str) -> FieldError:
    ids = [item.id for item in form.items()]
    # a typo is shown so it can be fixed; anything else (free text, a newline) is not echoed
    shown_key = shown_name(key, "an item id")
    hint = difflib.get_close_matches(key, ids, n=1)
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
    return FieldError(
        shown_key, f"unknown item{suggestion}; expected an item id of form {form.id!r}"
    )


def validate(form: Form, answers: Answers) -> list[FieldError]:
    """Check ``answers`` against ``form``; return one error per problem, in form order.

    Checked: unknown ids, answers to groups and display texts, the type and
    choices of each answer, required questions that are shown but not answered,
    and answers to hidden questions (reported, so that nothing is dropped
    silently). Messages name the item and what is expected; they never repeat
    the answer's text.
    """
    items = {item.id: item for item in form.items()}
    errors = [_unknown(form, key) for key in answers if key not in items]
    shown_ids, kept = _evaluate(form, answers)
    for item in form.items():
        present = is_answered(answers, item.id)
        if not item.is_question:
            if item.id in answers:
                errors.append(
                    FieldError(
                        item.id, f"this is a {item.type.value}, not a question; expected no answer"
                    )
                )
            continue
        if item.id in answers and answers[item.id] is None:
            errors.append(
                FieldError(
                    item.id, f"got null; expected {expected_text(item)}, or leave the item out"
                )
            )
            continue
        if item.id not in shown_ids:
            if present:
                errors.append(
                    FieldError(
                        item.id,
                        "answered, but the item is not shown for these answers; "
                        "expected no answer (remove it, or change the answer that hides it)",
                    )
                )
            continue
        if not present:
            if item.required:
                errors.append(FieldError(item.id, f"required; expected {expected_text(item)}"))
            continue
        problem = check_answer(item, kept[item.id])
        if problem:
            errors.append(FieldError(item.id, problem))
    return errors


# ----------------------------------------------------------------------------- JSON shape
def _structure_condition(data: Mapping[str, Any], _: object) -> Condition:
    """A form condition from its data shape ``{"all" | "any": [tests]}``."""
    (mode, tests), *_rest = data.items()
    return Condition(
        Mode(mode),
        tuple(
            Test(
                test["item"],
                Op(test["op"]),
                tuple(test["value"]) if isinstance(test.get("value"), list) else test.get("value"),
            )
            for test in tests
        ),
    )


def _unstructure_condition(condition: Condition) -> dict[str, Any]:
    tests = []
    for test in condition.tests:
        out: dict[str, Any] = {"item": test.item, "op": test.op.value}
        if test.value is not None:
            out["value"] = list(test.value) if isinstance(test.value, tuple) else test.value
        tests.append(out)
    return {condition.mode.value: tests}


def _register_with_the_converter() -> None:
    """Conditions have a data shape of their own: teach the one converter it."""
    from threshold.core.convert import converter

    converter.register_structure_hook(Condition, _structure_condition)
    converter.register_unstructure_hook(Condition, _unstructure_condition)


_register_with_the_converter()
