"""The one cattrs converter: the model as JSON data and back. Every structure and
unstructure hook is registered here."""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from threshold.core.model.case import Case
from threshold.core.model.clock import parse_local
from threshold.core.model.plain import OMIT_IF_DEFAULT, case_data

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=True)
converter.register_unstructure_hook(dt.datetime, lambda value: value.isoformat())
converter.register_unstructure_hook_func(
    lambda cls: isinstance(cls, type) and issubclass(cls, Enum), lambda value: value.value
)
# StrEnum members are also str, which cattrs passes through unchanged: make them plain
# strings, so to_dict() gives JSON values and not enum members.
converter.register_unstructure_hook(StrEnum, lambda value: value.value)
converter.register_structure_hook(
    dt.datetime, lambda value, _: value if isinstance(value, dt.datetime) else parse_local(value)
)


def _omitted(cls: Any) -> list[str]:
    """The fields of an attrs class marked :data:`OMIT_IF_DEFAULT`."""
    if not (isinstance(cls, type) and attrs.has(cls)):
        return []
    return [f.name for f in attrs.fields(cls) if f.metadata.get(OMIT_IF_DEFAULT)]


def _omitting(cls: Any) -> Any:
    """The unstructure function of a class with fields marked :data:`OMIT_IF_DEFAULT`."""
    overrides: dict[str, Any] = {name: override(omit_if_default=True) for name in _omitted(cls)}
    return make_dict_unstructure_fn(cls, converter, **overrides)


converter.register_unstructure_hook_factory(lambda cls: bool(_omitted(cls)), _omitting)
# A class with a data shape of its own (a form's condition: {"all" | "any": [tests]})
# says so with ``from_data`` and ``to_data``; this module imports no such class, so
# loading the converter never loads the forms.
converter.register_structure_hook_func(
    lambda cls: isinstance(cls, type) and hasattr(cls, "from_data"),
    lambda data, cls: cls.from_data(data),
)
converter.register_unstructure_hook_func(
    lambda cls: isinstance(cls, type) and hasattr(cls, "to_data"),
    lambda value: value.to_data(),
)


# A case's answers are its authority's questions, flat beside the urgent part.
converter.register_unstructure_hook(Case, case_data)


def to_dict(instance: object) -> Any:
    """Unstructure an attrs instance (guidance, case, ...) to JSON-ready data."""
    return converter.unstructure(instance)


def case_to_dict(case: object) -> dict[str, Any]:
    """Return the case as JSON-ready data matching ``schemas/case.schema.json``."""
    data: dict[str, Any] = converter.unstructure(case)
    return data
