"""A form as a JSON Schema (draft 2020-12) for its answers.

One property per question (the item id), ``additionalProperties: false``; each
condition becomes ``if``/``then``/``else``: when an item's conditions (its own,
its groups' and its section's) hold, it is required if the form says so;
otherwise it must not be answered. Every ``if`` requires the items it tests, so
it never matches an answer that is missing. The result agrees with
:func:`threshold.core.forms.evaluate.validate` on every answer set (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from threshold.core.engine.wording import DISCLAIMER
from threshold.core.forms.evaluate import ATTACHMENT_FIELDS, expected_text
from threshold.core.model.forms import Form, FormCondition, Item, ItemType, Mode, Op, Test

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_NOT_BLANK = "\\S"


def test_schema(test: Test) -> dict[str, Any]:
    """One condition test as a schema that matches exactly when the test holds."""
    if test.op is Op.ANSWERED:
        return {"required": [test.item]}
    if test.op is Op.NOT_ANSWERED:
        return {"not": {"required": [test.item]}}
    if test.op is Op.EQUALS:
        value: dict[str, Any] = {"const": test.value}
    elif test.op is Op.NOT_EQUALS:
        value = {"not": {"const": test.value}}
    else:
        assert isinstance(test.value, tuple)
        value = {"enum": list(test.value)}
    return {"required": [test.item], "properties": {test.item: value}}


def condition_schema(condition: FormCondition) -> dict[str, Any]:
    """A condition as a schema that matches exactly when it holds."""
    parts = [test_schema(test) for test in condition.tests]
    if len(parts) == 1:
        return parts[0]
    return {"allOf": parts} if condition.mode is Mode.ALL else {"anyOf": parts}


def answer_schema(item: Item) -> dict[str, Any]:
    """The schema of one question's answer, with its label and hint."""
    schema: dict[str, Any] = {"title": item.label}
    if item.hint:
        schema["description"] = item.hint
    if item.type is ItemType.YES_NO:
        schema["type"] = "boolean"
    elif item.type is ItemType.CHOICE:
        schema |= {"type": "string", "enum": [c.value for c in item.choices]}
        schema["x-choice-labels"] = {c.value: c.label for c in item.choices}
    elif item.type is ItemType.DATE:
        schema |= {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}
    elif item.type is ItemType.ATTACHMENT:
        schema |= {
            "type": "object",
            "additionalProperties": False,
            "required": ["title"],
            "properties": {
                "title": {"type": "string", "pattern": _NOT_BLANK},
                **{key: {"type": "string"} for key in ATTACHMENT_FIELDS[1:]},
            },
        }
        schema["properties"]["data"]["contentEncoding"] = "base64"
    else:
        schema |= {"type": "string", "pattern": _NOT_BLANK}
    schema["x-expected"] = expected_text(item)
    return schema


def _walk(
    items: tuple[Item, ...], conditions: tuple[FormCondition, ...]
) -> list[tuple[Item, tuple[FormCondition, ...]]]:
    found = []
    for item in items:
        own = conditions + ((item.shown_when,) if item.shown_when else ())
        found.append((item, own))
        found += _walk(item.items, own)
    return found


def to_json_schema(form: Form, prefill: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the JSON Schema of the answers to ``form``; ``prefill`` answers
    become each property's ``default``."""
    prefill = prefill or {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    rules: list[dict[str, Any]] = []
    for section in form.sections:
        base = (section.shown_when,) if section.shown_when else ()
        for item, conditions in _walk(section.items, base):
            if not item.is_question:
                continue
            properties[item.id] = answer_schema(item)
            if item.id in prefill:
                properties[item.id]["default"] = prefill[item.id]
            if not conditions:
                if item.required:
                    required.append(item.id)
                continue
            parts = [condition_schema(c) for c in conditions]
            rule: dict[str, Any] = {"if": parts[0] if len(parts) == 1 else {"allOf": parts}}
            if item.required:
                rule["then"] = {"required": [item.id]}
            rule["else"] = {"not": {"required": [item.id]}}
            rules.append(rule)
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://threshold.invalid/forms/{form.authority}/{form.id}",
        "title": form.title,
        "description": f"{form.summary}\n\n{DISCLAIMER}",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if rules:
        schema["allOf"] = rules
    return schema
