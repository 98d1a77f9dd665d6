"""The published JSON Schemas, loaded once, and their errors as field paths."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import threshold.schemas
from threshold.core.io.spelling import SAFE_ID, spelling_key
from threshold.core.model.errors import FieldError, ThresholdError

if TYPE_CHECKING:  # jsonschema costs ~20 ms to import: only when input is invalid
    import jsonschema
    from jsonschema import Draft202012Validator


_SUFFIX = ".schema.json"

#: The folder of the package ``threshold.schemas`` (read as files: importlib.resources
#: would cost a cold route ~5 ms of imports).
_FOLDER = Path(threshold.schemas.__file__).parent


def _published() -> tuple[str, ...]:
    files = _FOLDER.iterdir()
    return tuple(sorted(f.name[: -len(_SUFFIX)] for f in files if f.name.endswith(_SUFFIX)))


#: Every published schema, by name: each ``schemas/<name>.schema.json`` in the package.
SCHEMA_NAMES = _published()


def schema_file(name: str) -> Path:
    """The file of the published schema ``name`` (its bytes key caches of data it
    validated, without loading it)."""
    return _FOLDER / (name + _SUFFIX)


@cache
def schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema ``schemas/<name>.schema.json`` as a dict (shared: do not
    modify it; :func:`threshold.schema` returns a copy).

    Raises:
        ThresholdError: no published schema has this name.
    """
    if name not in SCHEMA_NAMES:
        raise ThresholdError(f"unknown schema {name!r}; expected one of: {', '.join(SCHEMA_NAMES)}")
    text = (_FOLDER / (name + _SUFFIX)).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _resources() -> Any:
    """The published schemas as a ``referencing`` registry, so one schema can
    ``$ref`` another by its ``$id``."""
    from referencing import Registry, Resource  # lazy: ~100 ms, only for invalid input

    return Registry().with_resources(
        (schema(name)["$id"], Resource.from_contents(schema(name))) for name in SCHEMA_NAMES
    )


@cache
def validator(name: str) -> Draft202012Validator:
    """Return a draft 2020-12 validator for schema ``name`` (formats are checked in code)."""
    from jsonschema import Draft202012Validator  # lazy: ~250 ms, only for invalid input

    return Draft202012Validator(schema(name), registry=_resources())


@cache
def format_validator(name: str) -> Draft202012Validator:
    """Return a validator for schema ``name`` that also checks ``format`` (date-time,
    date): for checking threshold's own outputs against the published contract."""
    from jsonschema import Draft202012Validator  # lazy: ~250 ms, only for invalid input

    return Draft202012Validator(schema(name), registry=_resources(), format_checker=_formats())


@cache
def _formats() -> jsonschema.FormatChecker:
    from jsonschema import FormatChecker  # lazy: ~250 ms, only to check our own output

    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def date_time(value: object) -> bool:
        # RFC 3339: a date, "T", a time and an offset (jsonschema checks it only when
        # an optional package is installed, so threshold checks it itself).
        if not isinstance(value, str):
            return True

        parsed = dt.datetime.fromisoformat(value)
        return value[10:11] in ("T", "t") and parsed.tzinfo is not None

    return checker


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
        if value != value or value in (float("inf"), float("-inf")):
            return "a non-finite number"
        return repr(value) if abs(value) < 10**15 else "a very large number"
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


def shown_name(name: str, what: str = "a field name") -> str:
    """Return a name from the input as it may be shown in an error: a short safe
    identifier (:data:`SAFE_ID`) as it is, else a placeholder ("(a field name that
    is not shown)"), so free text, a capitalised name or a newline is never echoed."""
    return name if SAFE_ID.fullmatch(name) else f"({what} that is not shown)"


def _unknown_fields(error: jsonschema.ValidationError) -> list[FieldError]:

    spec = error.schema if isinstance(error.schema, dict) else {}
    allowed = sorted(spec.get("properties", {}))
    extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
    base = path_text(error.absolute_path)
    found = []
    for name in extra:
        # a typo is shown so it can be fixed; anything else is not echoed
        shown = shown_name(name)
        # the same name under another spelling first (IMMEDIATE_DANGER), then a typo
        same = [field for field in allowed if spelling_key(field) == spelling_key(name)]
        hint = same[:1] or difflib.get_close_matches(name, allowed, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        found.append(
            FieldError(
                path_text([*error.absolute_path, shown]) if base else shown,
                f"unknown field{suggestion}; expected one of: {', '.join(allowed)}",
            )
        )
    return found


def _missing_fields(error: jsonschema.ValidationError) -> list[FieldError]:
    spec = error.schema if isinstance(error.schema, dict) else {}
    properties = spec.get("properties", {})
    instance = error.instance if isinstance(error.instance, dict) else {}
    found = []
    required = error.validator_value if isinstance(error.validator_value, list) else []
    for name in required:
        if name in instance:
            continue
        expected = properties.get(name, {}).get("x-expected")
        found.append(
            FieldError(
                path_text([*error.absolute_path, name]),
                f"missing; expected {expected}" if expected else "missing; it is required",
            )
        )
    return found


def field_errors(
    errors: Iterable[jsonschema.ValidationError],
    property_expectations: dict[str, str] | None = None,
    *,
    echo: bool = True,
) -> list[FieldError]:
    """Turn jsonschema errors into one :class:`FieldError` each, sorted by path;
    without ``echo`` (input someone typed, not a plugin's data) a message never
    repeats the value (:func:`_rule`)."""
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
            result.extend(_missing_fields(error))
        elif expected:
            result.append(
                FieldError(path, f"got {describe_value(error.instance)}; expected {expected}")
            )
        elif echo:
            result.append(FieldError(path, error.message))
        else:
            got = describe_value(error.instance)
            result.append(FieldError(path, f"got {got}; expected {_rule(error)}"))
    return list(dict.fromkeys(result))


def _rule(error: jsonschema.ValidationError) -> str:
    """What the schema's failed keyword asks for, in words, without the value."""
    value = error.validator_value
    if error.validator == "pattern":
        return f"text matching {value}"
    if error.validator == "type":
        return " or ".join(value) if isinstance(value, list) else str(value)
    if error.validator == "enum" and isinstance(value, list):
        return "one of: " + ", ".join(json.dumps(v) for v in value)
    if error.validator == "const":
        return json.dumps(value)
    return f"a value the schema allows ({error.validator} {json.dumps(value)[:80]})"


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
