"""The one evaluator of referral forms: which items are shown, which answers are
kept, what is missing, and what is wrong.

Answers are one flat JSON object, ``{item id: value}``: a string for text,
long text, date (``YYYY-MM-DD``) and choice items, a boolean for yes/no items
and an object ``{"title": ..., "content_type": ..., "data": ..., "url": ...}``
for attachments. Groups and display texts take no answer.

Conditions decide whether an item (or a whole section or group) is shown; a
hidden item is never required and an answer to it is reported, never kept
silently. A condition may only test questions that come earlier in the form,
so one pass in form order decides everything. Each output format (JSON Schema,
HTML, Markdown, FHIR) translates the same conditions; this module is the one
evaluator in Python."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from threshold.core.io.schemas import describe_value, shown_name
from threshold.core.model.errors import FieldError
from threshold.core.model.forms import Answers, Form, FormCondition, Item, ItemType, Mode, Op, Test


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


def holds(condition: FormCondition | None, answers: Answers) -> bool:
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
