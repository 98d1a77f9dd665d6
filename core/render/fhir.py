"""A form as an HL7 FHIR R4 ``Questionnaire`` (JSON).

Sections and groups become ``group`` items, display texts ``display`` items;
every ``linkId`` is the item id. Conditions become ``enableWhen`` with
``enableBehavior`` (FHIR disables the children of a disabled group, so each item
carries its own condition only); ``not-equals`` is written as "answered and
!=" so that an unanswered question never enables an item, as in the Python
evaluator. Prefilled answers become ``initial`` (or ``initialSelected``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from threshold.core.engine.wording import DISCLAIMER
from threshold.core.model.forms import Form, FormCondition, Item, ItemType, Mode, Op, Section, Test

FHIR_TYPES = {
    ItemType.TEXT: "string",
    ItemType.LONG_TEXT: "text",
    ItemType.DATE: "date",
    ItemType.YES_NO: "boolean",
    ItemType.CHOICE: "choice",
    ItemType.ATTACHMENT: "attachment",
    ItemType.GROUP: "group",
    ItemType.DISPLAY: "display",
}
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"


def _answer(form: Form, test: Test, value: object) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"answerBoolean": value}
    kind = form.item(test.item).type
    if kind is ItemType.CHOICE:
        return {"answerCoding": {"system": choice_system(form, test.item), "code": value}}
    if kind is ItemType.DATE:
        return {"answerDate": value}
    return {"answerString": value}


def choice_system(form: Form, item_id: str) -> str:
    """The code system of a choice item's options."""
    return f"https://threshold.invalid/forms/{form.authority}/{form.id}/{item_id}"


def enable_when(form: Form, condition: FormCondition) -> tuple[list[dict[str, Any]], str]:
    """Return (enableWhen list, enableBehavior) for a condition.

    The form loader rejects conditions FHIR cannot express with one behaviour.
    """
    found: list[dict[str, Any]] = []
    behaviour = condition.mode.value
    for test in condition.tests:
        if test.op in (Op.ANSWERED, Op.NOT_ANSWERED):
            found.append(
                {
                    "question": test.item,
                    "operator": "exists",
                    "answerBoolean": test.op is Op.ANSWERED,
                }
            )
        elif test.op is Op.EQUALS:
            found.append(
                {"question": test.item, "operator": "=", **_answer(form, test, test.value)}
            )
        elif test.op is Op.NOT_EQUALS:
            found.append({"question": test.item, "operator": "exists", "answerBoolean": True})
            found.append(
                {"question": test.item, "operator": "!=", **_answer(form, test, test.value)}
            )
            behaviour = Mode.ALL.value
        else:
            assert isinstance(test.value, tuple)
            for value in test.value:
                found.append({"question": test.item, "operator": "=", **_answer(form, test, value)})
            if len(test.value) > 1:
                behaviour = Mode.ANY.value
    return found, behaviour


def _item(form: Form, item: Item, prefill: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.id, "text": item.label, "type": FHIR_TYPES[item.type]}
    if item.shown_when is not None:
        _add_condition(form, out, item.shown_when)
    if item.required:
        out["required"] = True
    if item.type is ItemType.CHOICE:
        out["answerOption"] = [
            {
                "valueCoding": {
                    "system": choice_system(form, item.id),
                    "code": choice.value,
                    "display": choice.label,
                },
                **({"initialSelected": True} if prefill.get(item.id) == choice.value else {}),
            }
            for choice in item.choices
        ]
    elif item.id in prefill:
        value = prefill[item.id]
        key = "valueBoolean" if isinstance(value, bool) else "valueString"
        out["initial"] = [{key: value}]
    children = [_item(form, child, prefill) for child in item.items]
    if item.hint:
        children.insert(0, _hint(item))
    if children:
        out["item"] = children
    return out


def _hint(item: Item) -> dict[str, Any]:
    return {
        "linkId": f"{item.id}.hint",
        "text": item.hint,
        "type": "display",
        "extension": [
            {
                "url": ITEM_CONTROL,
                "valueCodeableConcept": {
                    "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help"}]
                },
            }
        ],
    }


def _add_condition(form: Form, out: dict[str, Any], condition: FormCondition) -> None:
    found, behaviour = enable_when(form, condition)
    out["enableWhen"] = found
    if len(found) > 1:
        out["enableBehavior"] = behaviour


def _section(form: Form, section: Section, prefill: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": section.id, "text": section.title, "type": "group"}
    if section.shown_when is not None:
        _add_condition(form, out, section.shown_when)
    items = [_item(form, item, prefill) for item in section.items]
    if section.intro:
        items.insert(0, {"linkId": f"{section.id}.intro", "text": section.intro, "type": "display"})
    out["item"] = items
    return out


def computable_name(form_id: str) -> str:
    """A FHIR computable name (``[A-Z][A-Za-z0-9_]*``) from a form id."""
    return "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", form_id) if part)


def to_fhir(form: Form, prefill: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return ``form`` as a FHIR R4 Questionnaire resource (JSON-ready data)."""
    prefill = prefill or {}
    return {
        "resourceType": "Questionnaire",
        "id": form.id,
        "url": f"https://threshold.invalid/forms/{form.authority}/{form.id}",
        "name": computable_name(form.id),
        "title": form.title,
        "status": "draft",
        "subjectType": ["Patient"],
        "description": f"{form.summary}\n\n{DISCLAIMER}",
        "item": [_section(form, section, prefill) for section in form.sections],
    }
