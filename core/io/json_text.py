"""JSON text from untrusted input, read with care: the decoder of the usual case
(made once) and the careful reading that says what is wrong (for
:func:`threshold.core.io.parse.decode_json`)."""

from __future__ import annotations

import json
from typing import Any

from threshold.core.io.schemas import path_text, shown_name
from threshold.core.io.urgent_flags import flags
from threshold.core.model.errors import FieldError, InvalidJSONError


def decode_carefully(text: str, field: str, one_line: bool, example: str) -> object:
    """Parse ``text`` as :func:`threshold.core.io.parse.decode_json` says, refusing a
    key given twice (each named) and NaN or Infinity.

    Raises:
        InvalidJSONError: as :func:`threshold.core.io.parse.decode_json`.
    """
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
        raise invalid(
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
        raise invalid(
            text, [FieldError(field, f"not valid JSON ({exc}); expected a JSON object")]
        ) from None
    except RecursionError:
        raise invalid(
            text, [FieldError(field, "JSON nested too deeply; expected a flat JSON object")]
        ) from None
    if duplicates:
        raise invalid(text, _duplicate_errors(parsed, duplicates, field))
    return parsed


def invalid(text: str, errors: list[FieldError]) -> InvalidJSONError:
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


class _Twice(Exception):
    """A key given twice in one object (the careful reading says which)."""


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    built = dict(pairs)
    if len(built) != len(pairs):
        raise _Twice
    return built


#: The decoder of the usual case (JSON, each key once), made once: a line is decoded
#: without making a decoder, and anything it refuses is read again by the careful one.
ONCE = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_once)
