"""An authority's own case schema (JSON Schema draft 2020-12), made from its fields.

``schemas/case.schema.json`` is the contract every authority shares: the urgent
part and the time, with the answers to the authority's questions beside them.
This is the same contract for one authority, with each of its questions named,
its answers listed and anything else refused: what an intake system validates
against. It is made from the one field table (:mod:`threshold.core.model.fields`)
that the case reader, the CLI options and the web tool use too.
"""

from __future__ import annotations

import copy
from typing import Any

from threshold.core.io.schemas import schema
from threshold.core.model.authority import Authority
from threshold.core.model.fields import CaseField, case_fields


def _property(field: CaseField) -> dict[str, Any]:
    spec: dict[str, Any] = {"description": field.help, "x-expected": field.expected}
    if field.kind == "flag":
        spec["type"] = "boolean"
    elif field.kind == "level":
        numbers = [a for a in field.answers or () if a is not None]
        spec["enum"] = [*numbers, None]
    else:
        spec["enum"] = list(field.answers or ())
    if field.default is not None or field.kind != "level":
        spec["default"] = field.default
    return spec


def case_schema(authority: Authority) -> dict[str, Any]:
    """The case schema of ``authority``: the core's fields and its questions'."""
    shared = schema("case")
    made: dict[str, Any] = {
        "$schema": shared["$schema"],
        "$id": f"{shared['$id']}/{authority.id}",
        "x-version": shared["x-version"],
        "title": f"threshold case: {authority.name}",
        "description": (
            f"The facts of a concern that decide its route in {authority.name}: the urgent "
            "part every authority shares, and the answers to its own questions. It holds no "
            "personal data. Unknown fields are an error, so a typo is never silently ignored."
        ),
        "type": "object",
        "additionalProperties": False,
        "properties": {},
    }
    for field in case_fields(authority):
        if field.name in shared["properties"]:
            made["properties"][field.name] = copy.deepcopy(shared["properties"][field.name])
        else:
            made["properties"][field.name] = _property(field)
    return made
