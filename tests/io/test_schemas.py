"""Every JSON output validates against schemas/guidance.schema.json, over every
combination of the case fields that change a route, for both authorities."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from threshold.core.analysis.matrix import matrix_of
from threshold.core.engine.api import route
from threshold.core.io.schemas import SCHEMA_NAMES, schema
from threshold.core.model.converter import to_dict
from threshold.core.plugins.registry import Registry


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_are_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(schema(name))
    assert schema(name)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_every_output_matches_the_guidance_schema(registry: Registry, authority: str) -> None:
    validator = Draft202012Validator(
        schema("guidance"), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    count = 0
    matrix = matrix_of(registry.get(authority).authority)
    for case in matrix.cases(at="2026-12-25T11:00"):
        data = json.loads(json.dumps(to_dict(route(case, authority, registry=registry))))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, f"{case}: {errors[0].message} at {list(errors[0].absolute_path)}"
        count += 1
    assert count == matrix.size == 5 * 2 * 2 * 2 * 3 * 2 * 4 * 2 * 2


def test_guidance_schema_rejects_a_broken_output(registry: Registry) -> None:
    data = to_dict(route({"level": 2, "at": "2026-11-23T11:00"}, "derbyshire", registry=registry))
    validator = Draft202012Validator(schema("guidance"))
    assert validator.is_valid(data)
    data["kind"] = "somewhere"  # not one of the core's kinds
    assert not validator.is_valid(data)


def test_case_schema_matches_case_defaults(registry: Registry) -> None:
    """The schema's defaults are the model's defaults, and its fields the core's."""
    from threshold.core.model.case import Case
    from threshold.core.model.converter import case_to_dict
    from threshold.core.model.fields import CORE_FIELDS

    defaults = case_to_dict(Case())
    assert set(schema("case")["properties"]) == {f.name for f in CORE_FIELDS}
    for field, spec in schema("case")["properties"].items():
        if "default" in spec:
            assert defaults[field] == spec["default"], field


def test_cli_json_output_validates(run_cli: Any) -> None:
    result = run_cli("route", "--authority", "derbyshire", "--immediate-danger", "--format", "json")
    assert result.code == 0
    Draft202012Validator(schema("guidance")).validate(result.json())
