"""The model's classes as JSON data without cattrs: what routing needs to print a
guidance, so a cold ``threshold route`` does not import cattrs (issue 14).

:func:`plain_data` gives exactly what the converter
(:mod:`threshold.core.model.converter`) gives for the same instance; a test holds
the two together over every authority's scenario matrix.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import attrs

from threshold.core.model.case import Case

#: attrs field metadata: the field is left out of the JSON while it has its default
#: (a guidance carries its decision record only when one was asked for). Declared on
#: the field, so this module need not import the classes that use it.
OMIT_IF_DEFAULT = "threshold.omit_if_default"


def case_data(case: Case) -> dict[str, Any]:
    """A case as JSON data: the urgent part, the answers by question id, the time."""
    return {
        "immediate_danger": case.immediate_danger,
        "significant_harm": case.significant_harm,
        "referrer": case.referrer.value,
        **dict(case.answers),
        "at": case.at.isoformat() if case.at is not None else None,
    }


def _attrs_data(value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        if field.metadata.get(OMIT_IF_DEFAULT) and item == field.default:
            continue
        data[field.name] = plain_data(item)
    return data


def plain_data(value: Any) -> Any:
    """Return ``value`` (an attrs instance of the model, or a value it holds) as
    JSON-ready data: attrs classes as dicts in field order, tuples and lists as
    lists, enums as their values, times in ISO 8601, a case as :func:`case_data`."""
    if value is None or (isinstance(value, str | int | float) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Case):
        return case_data(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain_data(item) for item in value]
    if isinstance(value, dict):
        return {plain_data(key): plain_data(item) for key, item in value.items()}
    if hasattr(type(value), "to_data"):
        return value.to_data()
    if attrs.has(type(value)):
        return _attrs_data(value)
    raise TypeError(f"no JSON shape for {type(value).__name__}")
