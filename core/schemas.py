"""The published JSON Schemas, loaded once, and their errors as field paths."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from threshold.core.errors import FieldError

SCHEMA_NAMES = ("case", "guidance", "authority", "indicators", "compare", "assess")


@cache
def schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema ``schemas/<name>.schema.json`` as a dict."""
    text = resources.files("threshold.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def validator(name: str) -> Draft202012Validator:
    """Return a draft 2020-12 validator for schema ``name`` (formats are checked in code)."""
    return Draft202012Validator(schema(name))


def path_text(parts: Iterable[str | int]) -> str:
    """Return a JSON path as dotted text: ``contacts[2].phone``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def describe_value(value: object) -> str:
    """Describe a value without echoing free text (which could hold personal data)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _expected(error: jsonschema.ValidationError) -> str | None:
    for candidate in (error.schema, *(e.schema for e in error.context or ())):
        if isinstance(candidate, dict) and "x-expected" in candidate:
            return str(candidate["x-expected"])
    return None


def _unknown_fields(error: jsonschema.ValidationError) -> list[FieldError]:
    import difflib

    spec = error.schema if isinstance(error.schema, dict) else {}
    allowed = sorted(spec.get("properties", {}))
    extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
    base = path_text(error.absolute_path)
    found = []
    for name in extra:
        shown = name if len(name) <= 40 else name[:37] + "..."
        hint = difflib.get_close_matches(name, allowed, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        found.append(
            FieldError(
                path_text([*error.absolute_path, shown]) if base else shown,
                f"unknown field{suggestion}; expected one of: {', '.join(allowed)}",
            )
        )
    return found


def field_errors(
    errors: Iterable[jsonschema.ValidationError],
    property_expectations: dict[str, str] | None = None,
) -> list[FieldError]:
    """Turn jsonschema errors into one :class:`FieldError` each, sorted by path."""
    result: list[FieldError] = []
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        if error.validator == "additionalProperties":
            result.extend(_unknown_fields(error))
            continue
        path = path_text(error.absolute_path)
        expected = _expected(error)
        if expected is None and property_expectations and error.absolute_path:
            expected = property_expectations.get(str(error.absolute_path[0]))
        if error.validator == "required":
            result.append(FieldError(path, error.message.replace("'", '"')))
        elif expected:
            result.append(
                FieldError(path, f"got {describe_value(error.instance)}; expected {expected}")
            )
        else:
            result.append(FieldError(path, error.message))
    return result


def validate(name: str, instance: object) -> list[FieldError]:
    """Validate ``instance`` against schema ``name``; return its errors (empty if valid)."""
    root = schema(name)
    expectations = {
        key: str(value["x-expected"])
        for key, value in root.get("properties", {}).items()
        if isinstance(value, dict) and "x-expected" in value
    }
    return field_errors(validator(name).iter_errors(instance), expectations)


def first_lines(errors: Sequence[FieldError]) -> str:
    """Return the errors joined into one line."""
    return "; ".join(str(e) for e in errors)
