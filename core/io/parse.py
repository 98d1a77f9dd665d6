"""Input read from people and intake systems: case data validated against the
published JSON Schema (so the schema is the contract and errors name fields),
then structured; query text typed by the schema; JSON decoded with care."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

import cattrs

from threshold.core.io.quick import quick_valid
from threshold.core.io.schemas import describe_value, path_text, schema, shown_name, validate
from threshold.core.io.urgent_flags import flags
from threshold.core.model.case import Case
from threshold.core.model.clock import check_range, parse_local
from threshold.core.model.converter import converter
from threshold.core.model.errors import CaseError, FieldError, InvalidJSONError


def parse_case(data: object) -> Case:
    """Validate ``data`` (a dict from JSON) against the case schema and return a Case.

    Raises:
        CaseError: with one FieldError per problem, each naming the field and
            what is expected.
    """
    if not isinstance(data, Mapping):
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
    if values.get("at") is not None:
        try:
            values["at"] = parse_local(values["at"])
        except ValueError as exc:
            raise CaseError([FieldError("at", str(exc))]) from None
    try:
        return converter.structure(values, Case)
    except cattrs.BaseValidationError as exc:  # pragma: no cover - the schema catches these first
        raise CaseError([FieldError("", m) for m in cattrs.transform_error(exc)]) from None


def check_case(case: Case) -> Case:
    """Return ``case`` (a Case built in Python, not parsed) when its time is usable.

    Raises:
        CaseError: ``at`` is not a datetime, or is outside the range of times a
            case may be acted on (:data:`threshold.core.model.clock.EARLIEST` to
            :data:`threshold.core.model.clock.LATEST`).
    """
    if case.at is None:
        return case
    if not isinstance(case.at, dt.datetime):
        raise CaseError([FieldError("at", "expected a datetime.datetime or None")])
    try:
        check_range(case.at)
    except ValueError as exc:
        raise CaseError([FieldError("at", str(exc))]) from None
    return case


_INTEGER = re.compile(r"-?[0-9]{1,18}")


def case_from_text(values: Mapping[str, str]) -> dict[str, object]:
    """Return case data from text values (an HTTP query: ``level=3&unborn=true``),
    typed by the case schema: an integer field's digits become an integer, a boolean
    field's ``true`` or ``false`` a boolean, ``null`` null where the field allows it.
    Anything else stays a string, so :func:`parse_case` names the field and what is
    expected, with the same messages as for JSON."""
    properties = schema("case")["properties"]
    data: dict[str, object] = {}
    for name, text in values.items():
        spec = properties.get(name, {})
        kinds = spec.get("type", [])
        kinds = [kinds] if isinstance(kinds, str) else kinds
        value: object = text
        if text == "null" and ("null" in kinds or None in spec.get("enum", [])):
            value = None
        elif "integer" in kinds and _INTEGER.fullmatch(text):
            value = int(text)
        elif "boolean" in kinds and text in ("true", "false"):
            value = text == "true"
        data[name] = value
    return data


def decode_json(
    data: bytes, *, field: str = "", one_line: bool = False, example: str = '{"level": 3}'
) -> object:
    """Parse JSON text (UTF-8, a byte-order mark allowed) from untrusted input.

    ``field`` names the input in the error ("--case", "body"); with ``one_line``
    (a batch line) the error gives the column only. An object that gives a key
    twice is refused (the JSON standard leaves its meaning open, and a parser
    would keep one copy silently): the error names each such key.

    Raises:
        InvalidJSONError: not UTF-8, not JSON, a duplicated key, or nested too
            deeply; the message says what is expected and never echoes the input.
            Its ``raised`` gives the urgent flags read from the text itself (every
            copy of a duplicated key, any spelling), for the urgent advice.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        raise _invalid(text, [FieldError(field, "expected UTF-8 encoded JSON")]) from None
    duplicates: list[tuple[dict[str, Any], list[str]]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) != len(pairs):
            seen: set[str] = set()
            twice: list[str] = []
            for key, _ in pairs:
                if key in seen and key not in twice:
                    twice.append(key)
                seen.add(key)
            duplicates.append((built, twice))
        return built

    try:
        parsed = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if one_line else f"line {exc.lineno}, column {exc.colno}"
        raise _invalid(
            text,
            [
                FieldError(
                    field,
                    f"not valid JSON ({where}: {exc.msg}); "
                    f"expected a JSON object such as {example}",
                )
            ],
        ) from None
    except ValueError as exc:  # NaN, Infinity, an integer of too many digits
        raise _invalid(
            text, [FieldError(field, f"not valid JSON ({exc}); expected a JSON object")]
        ) from None
    except RecursionError:
        raise _invalid(
            text, [FieldError(field, "JSON nested too deeply; expected a flat JSON object")]
        ) from None
    if duplicates:
        raise _invalid(text, _duplicate_errors(parsed, duplicates, field))
    return parsed


def _invalid(text: str, errors: list[FieldError]) -> InvalidJSONError:
    """The error for input ``text`` that cannot be used, with its urgent flags."""

    error = InvalidJSONError(errors)
    error.raised = flags(text)
    return error


def _duplicate_errors(
    parsed: object, duplicates: list[tuple[dict[str, Any], list[str]]], field: str
) -> list[FieldError]:
    """One error per duplicated key, named by its path in the input (a key that
    does not look like a field name is not shown)."""

    where = {id(found): names for found, names in duplicates}
    errors = []
    stack: list[tuple[object, list[str | int]]] = [(parsed, [])]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            for name in where.get(id(item), []):
                errors.append(
                    FieldError(
                        path_text([*path, shown_name(name)]) or field,
                        "given more than once; expected each field once",
                    )
                )
            stack.extend((value, [*path, shown_name(key)]) for key, value in item.items())
        elif isinstance(item, list):
            stack.extend((value, [*path, index]) for index, value in enumerate(item))
    return sorted(errors, key=lambda e: e.path)


class _NotJSON(ValueError):
    """NaN or Infinity: Python's json reads them, but they are not JSON."""


def _reject_constant(name: str) -> object:
    raise _NotJSON(f"{name} is not a JSON value")
