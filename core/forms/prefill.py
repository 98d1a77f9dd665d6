"""Prefilling a form from a case: what the case already says is filled in.

Only the case fields the user actually gave count (a default is not a fact),
and a fact fills an item only when it is a valid answer to it (a level 1 case
does not fill a form that asks for level 3 or 4). Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from threshold.core.forms.evaluate import check_answer, kept_answers
from threshold.core.model.case import Case
from threshold.core.model.enums import EarlyHelpAssessment
from threshold.core.model.fields import PREFILL_TYPES
from threshold.core.model.forms import Form

#: The case's yes-or-no facts a form can be prefilled with (from the field table).
_FLAGS = tuple(name for name, kind in PREFILL_TYPES.items() if kind == "yes-no")


def case_facts(case: Case, given: Iterable[str]) -> dict[str, str | bool]:
    """Return the facts a form can be prefilled with, from the fields in ``given``.

    Facts: ``level`` ("1".."4"), ``consent`` (its value), ``early_help_assessment``
    (``completed``, ``declined``, ``none``, or ``sudden-escalation`` when there is
    no completed or declined EHA and needs escalated suddenly), the flags
    ``unborn``, ``immediate_danger``, ``significant_harm`` and
    ``non_mobile_baby_bruising``, and ``phone_referral`` (true when the case is
    urgent, so a child protection phone call comes first).
    """
    given = set(given)
    facts: dict[str, str | bool] = {}
    if "level" in given and case.level is not None:
        facts["level"] = str(case.level)
    if "consent" in given:
        facts["consent"] = case.consent.value
    eha = case.early_help_assessment
    if "early_help_assessment" in given and eha is not EarlyHelpAssessment.NONE:
        facts["early_help_assessment"] = eha.value
    elif "sudden_escalation" in given and case.sudden_escalation:
        facts["early_help_assessment"] = "sudden-escalation"
    elif "early_help_assessment" in given:
        facts["early_help_assessment"] = eha.value
    for flag in _FLAGS:
        if flag in given:
            facts[flag] = bool(getattr(case, flag))
    if case.immediate_danger or case.child_protection:
        facts["phone_referral"] = True
    return facts


def prefill(form: Form, facts: dict[str, str | bool]) -> dict[str, Any]:
    """Return the answers ``facts`` give for ``form``: valid answers to shown items only."""
    answers: dict[str, Any] = {}
    for item in form.questions():
        if item.prefill is None or item.prefill not in facts:
            continue
        value = facts[item.prefill]
        if check_answer(item, value) is None:
            answers[item.id] = value
    return kept_answers(form, answers)
