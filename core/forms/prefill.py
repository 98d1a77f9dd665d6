"""Prefilling a form from a case: what the case already says is filled in.

Only the case fields the user actually gave count (a default is not a fact),
and a fact fills an item only when it is a valid answer to it (a level 1 case
does not fill a form that asks for level 3 or 4). Where the form says so as
data (an item's ``prefill_otherwise``), other facts fill an item the named fact
leaves empty. Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from threshold.core.forms.evaluate import check_answer, kept_answers
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.fields import case_fields
from threshold.core.model.forms import Form, Item


def case_facts(case: Case, given: Iterable[str], authority: Authority) -> dict[str, str | bool]:
    """Return the facts a form can be prefilled with, from the fields in ``given``.

    Facts: each given field of the authority's case a form item can take (a level
    as its number in words, "3"; a choice as its value; a flag as true or false),
    and ``phone_referral`` (true when the case is urgent, so a child protection
    phone call comes first).
    """
    given = set(given)
    facts: dict[str, str | bool] = {}
    values = case.facts()
    for field in case_fields(authority):
        if field.name not in given or field.prefill is None:
            continue
        value = values.get(field.name)
        if field.kind == "flag":
            facts[field.name] = bool(value)
        elif value is not None:
            facts[field.name] = str(value)
    urgent = {f.name for f in case_fields(authority) if f.urgent}
    if any(values.get(name) is True for name in urgent):
        facts["phone_referral"] = True
    return facts


def _same(value: object, expected: object) -> bool:
    return type(value) is type(expected) and value == expected


def item_answer(item: Item, facts: dict[str, str | bool]) -> str | bool | None:
    """The answer ``facts`` give ``item``: its ``prefill`` fact when that is a valid
    answer, else the answer of the first of its ``prefill_otherwise`` rules whose
    facts all hold, else None."""
    if item.prefill is not None and item.prefill in facts:
        value = facts[item.prefill]
        if check_answer(item, value) is None:
            return value
    for rule in item.prefill_otherwise:
        if all(_same(facts.get(fact), value) for fact, value in rule.when):
            return rule.answer if check_answer(item, rule.answer) is None else None
    return None


def prefill(form: Form, facts: dict[str, str | bool]) -> dict[str, Any]:
    """Return the answers ``facts`` give for ``form``: valid answers to shown items only."""
    answers: dict[str, Any] = {}
    for item in form.questions():
        value = item_answer(item, facts)
        if value is not None:
            answers[item.id] = value
    return kept_answers(form, answers)
