"""The one cattrs converter for JSON in and out, and case parsing.

Input is first validated against the published JSON Schema (so the schema is the
contract and errors name fields), then structured into attrs classes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

import cattrs

from threshold.core.errors import CaseError, FieldError
from threshold.core.forms import Condition, Mode, Op, Test
from threshold.core.hours import parse_local
from threshold.core.models import Case
from threshold.core.schemas import quick_valid, validate

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=True)
converter.register_unstructure_hook(dt.datetime, lambda value: value.isoformat())
converter.register_unstructure_hook_func(
    lambda cls: isinstance(cls, type) and issubclass(cls, Enum), lambda value: value.value
)
converter.register_structure_hook(dt.datetime, lambda value, _: parse_local(value))


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


converter.register_structure_hook(Condition, _structure_condition)
converter.register_unstructure_hook(Condition, _unstructure_condition)


def to_dict(instance: object) -> Any:
    """Unstructure an attrs instance (guidance, case, ...) to JSON-ready data."""
    return converter.unstructure(instance)


def parse_case(data: object) -> Case:
    """Validate ``data`` (a dict from JSON) against the case schema and return a Case.

    Raises:
        CaseError: with one FieldError per problem, each naming the field and
            what is expected.
    """
    if not isinstance(data, Mapping):
        from threshold.core.schemas import describe_value

        raise CaseError(
            [
                FieldError(
                    "case",
                    f'got {describe_value(data)}; expected a JSON object such as {{"level": 3}}',
                )
            ]
        )
    if not quick_valid("case", data):
        errors = validate("case", data)
        if errors:
            raise CaseError(errors)
    values = dict(data)
    at = values.pop("at", None)
    try:
        case = converter.structure(values, Case)
    except cattrs.BaseValidationError as exc:  # pragma: no cover - the schema catches these first
        raise CaseError([FieldError("", m) for m in cattrs.transform_error(exc)]) from None
    if at is not None:
        try:
            case = _with_at(case, parse_local(at))
        except ValueError as exc:
            raise CaseError([FieldError("at", str(exc))]) from None
    return case


def _with_at(case: Case, at: dt.datetime) -> Case:
    import attrs

    return attrs.evolve(case, at=at)


def case_to_dict(case: Case) -> dict[str, Any]:
    """Return the case as JSON-ready data matching ``schemas/case.schema.json``."""
    data: dict[str, Any] = converter.unstructure(case)
    return data


def urgent_flags(data: object) -> tuple[bool, bool]:
    """Best-effort reading of the urgent flags from input that may be invalid.

    Returns (immediate_danger, child_protection). Any value other than a clear
    "no" counts as raised, so an urgent flag is never lost to a typo in its type.
    """
    if not isinstance(data, Mapping):
        return False, False

    def raised(key: str) -> bool:
        if key not in data:
            return False
        value = data[key]
        if isinstance(value, str):
            return value.strip().lower() not in {"", "false", "no", "n", "0", "none", "null"}
        return bool(value)

    return raised("immediate_danger"), raised("significant_harm") or raised(
        "non_mobile_baby_bruising"
    )
