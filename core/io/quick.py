"""A fast check of flat schemas such as the case's, so that valid input (the
common path) never pays for importing jsonschema."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from threshold.core.io.schemas import schema

if TYPE_CHECKING:  # jsonschema costs ~20 ms to import: only when input is invalid
    pass


_QUICK_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "x-version",
        "title",
        "description",
        "x-expected",
        "default",
        "format",
        "type",
        "enum",
        "minimum",
        "maximum",
        "properties",
        "additionalProperties",
    }
)


def quick_valid(name: str, instance: object) -> bool:
    """A fast check that ``instance`` is valid, for flat schemas such as the case.

    True only when it is certainly valid (the same answer jsonschema gives, which
    a property test checks); False means "run :func:`validate` for the errors".
    It spares the common path, valid input, the cost of importing jsonschema.
    """
    return _compiled(name)(instance)


@cache
def _compiled(name: str) -> Callable[[object], bool]:
    return _compile(schema(name))


def _compile(spec: Any) -> Callable[[object], bool]:
    """Turn a schema that uses only :data:`_QUICK_KEYWORDS` into a checking function
    (anything else compiles to "not certain": False)."""
    if not isinstance(spec, dict) or set(spec) - _QUICK_KEYWORDS:
        return lambda value: False
    kinds = spec.get("type")
    kinds = None if kinds is None else ([kinds] if isinstance(kinds, str) else list(kinds))
    options = spec.get("enum")
    low, high = spec.get("minimum"), spec.get("maximum")
    properties = {k: _compile(v) for k, v in spec.get("properties", {}).items()}
    extra = spec.get("additionalProperties", True)
    if extra is not True and extra is not False:
        return lambda value: False

    def check(value: object) -> bool:
        if kinds is not None and not any(_json_type(kind, value) for kind in kinds):
            return False
        if options is not None and not any(_json_equal(value, option) for option in options):
            return False
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and ((low is not None and value < low) or (high is not None and value > high)):
            return False
        if isinstance(value, dict):
            for key, item in value.items():
                checker = properties.get(key)
                if (checker is None and extra is False) or (checker and not checker(item)):
                    return False
        return True

    return check


def _json_type(expected: str, value: object) -> bool:
    if expected == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    kinds: dict[str, type | tuple[type, ...]] = {
        "boolean": bool,
        "string": str,
        "object": dict,
        "array": list,
        "null": type(None),
    }
    return expected in kinds and isinstance(value, kinds[expected])


def _json_equal(left: object, right: object) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return left == right
