"""The case's fields, declared once.

``schemas/case.schema.json`` is the contract for what a case may hold, and
:class:`~threshold.core.model.case.Case` is its Python shape; this table is what
the code needs to know about each field beyond that: its words, its command-line
option, whether it is urgent, its values in the scenario matrix, the web tool's
question that answers it and the form items its fact can fill. The CLI's case
options, the matrix axes, the engine's reuse key, the web tool's field mapping
and form prefill are derived from it, and a test checks it against the schema
and the Case class field by field.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class CaseField:
    """One field of a case.

    Attributes:
        name: As in ``schemas/case.schema.json`` and :class:`Case`.
        title: The field in words ("EHA", "bruising on a non-mobile baby").
        option: Its command-line option (``--eha``).
        help: The option's help.
        kind: ``flag`` (a boolean), ``integer``, ``choice`` (one of the schema's
            values) or ``time`` (the time the guidance is for).
        matrix: Its place among the scenario matrix's axes (0 first) and every value
            it takes there, in the order they are read; None when it never changes a
            route and is left at its default.
        urgent: True when raising it alone makes the case urgent (999 or child
            protection, whatever else the case says).
        question: The web tool's question that answers it, or None.
        prefill: The form item type (``choice``, ``yes-no``) its fact can fill, or None.
    """

    name: str
    title: str
    option: str
    help: str
    kind: str
    matrix: tuple[int, tuple[Any, ...]] | None = None
    urgent: bool = False
    question: str | None = None
    prefill: str | None = None


#: Every case field, in the order of ``schemas/case.schema.json``.
CASE_FIELDS: tuple[CaseField, ...] = (
    CaseField(
        "level",
        "level",
        "--level",
        "Level of need, 1 to 4.",
        "integer",
        matrix=(4, (None, 1, 2, 3, 4)),
        question="level",
        prefill="choice",
    ),
    CaseField(
        "immediate_danger",
        "immediate danger",
        "--immediate-danger",
        "Child in immediate danger.",
        "flag",
        matrix=(0, (True, False)),
        urgent=True,
        question="danger",
        prefill="yes-no",
    ),
    CaseField(
        "significant_harm",
        "significant harm",
        "--significant-harm",
        "Suffering or likely to suffer significant harm.",
        "flag",
        matrix=(1, (True, False)),
        urgent=True,
        question="harm",
        prefill="yes-no",
    ),
    CaseField(
        "non_mobile_baby_bruising",
        "bruising on a non-mobile baby",
        "--non-mobile-baby-bruising",
        "Bruising on a non-mobile baby.",
        "flag",
        matrix=(2, (True, False)),
        urgent=True,
        question="harm",
        prefill="yes-no",
    ),
    CaseField(
        "early_help_assessment",
        "EHA",
        "--eha",
        "Early Help Assessment: completed, none or declined.",
        "choice",
        matrix=(5, ("completed", "none", "declined")),
        question="eha",
        prefill="choice",
    ),
    CaseField(
        "sudden_escalation",
        "sudden escalation",
        "--sudden-escalation",
        "Needs escalated suddenly.",
        "flag",
        matrix=(6, (False, True)),
        question="escalation",
    ),
    CaseField(
        "consent",
        "consent",
        "--consent",
        "given, refused, not-sought or unsafe-to-seek.",
        "choice",
        matrix=(8, ("not-sought", "given", "refused", "unsafe-to-seek")),
        question="consent",
        prefill="choice",
    ),
    CaseField(
        "referrer",
        "referrer",
        "--referrer",
        "professional or public.",
        "choice",
        matrix=(3, ("professional", "public")),
        question="referrer",
    ),
    CaseField(
        "setting",
        "setting",
        "--setting",
        "time-limited (ED, urgent care, OOH GP, NHS 111).",
        "choice",
        matrix=(7, (None, "time-limited")),
        question="setting",
    ),
    CaseField(
        "unborn",
        "unborn baby",
        "--unborn",
        "Concern about an unborn baby.",
        "flag",
        question="unborn",
        prefill="yes-no",
    ),
    CaseField("advice", "advice", "--advice", "Talk it through with a social worker.", "flag"),
    CaseField("at", "time", "--at", "When, ISO 8601; no offset means Europe/London.", "time"),
)

#: The field names, in schema order.
FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in CASE_FIELDS)

#: The urgent fields: any one of them raised makes a case urgent.
URGENT_FIELDS: tuple[str, ...] = tuple(field.name for field in CASE_FIELDS if field.urgent)

#: The field that is the time: the only one a route (and the reused part of a
#: guidance) may not depend on.
TIME_FIELD: str = next(field.name for field in CASE_FIELDS if field.kind == "time")

#: The scenario matrix's axes in order (the urgent facts first, as precedence
#: reads them), each with every value it takes.
MATRIX_AXES: tuple[tuple[str, tuple[Any, ...]], ...] = tuple(
    (name, values)
    for _, name, values in sorted(
        (f.matrix[0], f.name, f.matrix[1]) for f in CASE_FIELDS if f.matrix is not None
    )
)

#: The case fields each of the web tool's questions answers.
QUESTION_FIELDS: dict[str, tuple[str, ...]] = {
    question: tuple(f.name for f in CASE_FIELDS if f.question == question)
    for question in dict.fromkeys(f.question for f in CASE_FIELDS if f.question is not None)
}

#: The form item type each case fact can fill (``prefill`` in a form file).
PREFILL_TYPES: dict[str, str] = {f.name: f.prefill for f in CASE_FIELDS if f.prefill}

_BY_NAME = {field.name: field for field in CASE_FIELDS}


def case_field(name: str) -> CaseField:
    """Return the field ``name`` (KeyError if the case has none)."""
    return _BY_NAME[name]
