"""The case field table (core/model/fields.py) agrees with the published case
schema and the Case class, field by field, and what is derived from it is what
each consumer had by hand."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from threshold.cli.route import route as route_command
from threshold.core.analysis.matrix import FIELDS, SIZE, field_title
from threshold.core.engine.reuse import case_key
from threshold.core.io.parse import parse_case
from threshold.core.io.schemas import schema
from threshold.core.model.case import Case
from threshold.core.model.fields import (
    CASE_FIELDS,
    FIELD_NAMES,
    MATRIX_AXES,
    PREFILL_TYPES,
    QUESTION_FIELDS,
    TIME_FIELD,
    URGENT_FIELDS,
    case_field,
)
from threshold.core.model.vocabulary import QUESTION_IDS

PROPERTIES = schema("case")["properties"]


def test_the_table_names_the_schemas_case_properties_in_order() -> None:
    assert list(FIELD_NAMES) == list(PROPERTIES)


def test_the_table_names_the_case_class_fields_in_order() -> None:
    assert tuple(f.name for f in attrs.fields(Case)) == FIELD_NAMES


@pytest.mark.parametrize("field", CASE_FIELDS, ids=lambda f: f.name)
def test_each_fields_kind_is_its_schema_type(field: object) -> None:
    assert hasattr(field, "name")
    spec = PROPERTIES[field.name]  # type: ignore[attr-defined]
    kinds = spec.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    expected = {
        "flag": "boolean" in kinds,
        "integer": "integer" in kinds,
        "choice": "enum" in spec,
        "time": spec.get("format") == "date-time",
    }
    assert expected[field.kind], (field.name, field.kind, spec)  # type: ignore[attr-defined]


@pytest.mark.parametrize("field", [f for f in CASE_FIELDS if f.matrix], ids=lambda f: f.name)
def test_each_matrix_value_is_allowed_by_the_schema(field: object) -> None:
    spec = PROPERTIES[field.name]  # type: ignore[attr-defined]
    _, values = field.matrix  # type: ignore[attr-defined]
    for value in values:
        if "enum" in spec:
            assert value in spec["enum"]
        elif isinstance(value, bool):
            assert spec["type"] == "boolean"
        else:
            assert value is None or spec["minimum"] <= value <= spec["maximum"]
    assert len(set(values)) == len(values)


def test_matrix_axes_are_the_route_changing_fields_most_urgent_first() -> None:
    assert FIELDS == MATRIX_AXES
    assert [name for name, _ in MATRIX_AXES[:3]] == list(URGENT_FIELDS)
    places = sorted(f.matrix[0] for f in CASE_FIELDS if f.matrix)
    assert places == list(range(len(MATRIX_AXES)))
    assert SIZE == 3840
    assert field_title("early_help_assessment") == "EHA"


def test_the_time_is_the_only_field_outside_the_reuse_key() -> None:
    assert TIME_FIELD == "at"
    base = Case(level=3)
    later = Case(level=3, at=dt.datetime(2026, 11, 23, 11, tzinfo=dt.UTC))
    assert case_key(base) == case_key(later)
    for field in CASE_FIELDS:
        if field.name == TIME_FIELD:
            continue
        changed = attrs.evolve(base, **{field.name: _other_value(field.name)})
        assert case_key(changed) != case_key(base), field.name


def _other_value(name: str) -> object:
    """A value of the field other than the base case's, as Case holds it."""
    spec = PROPERTIES[name]
    candidates = spec.get("enum") or ([True] if spec.get("type") == "boolean" else [1, 4])
    for value in candidates:
        parsed = getattr(parse_case({name: value}), name)
        if parsed != getattr(Case(level=3), name):
            return parsed
    raise AssertionError(name)


def test_the_web_tools_questions_answer_the_fields_the_table_says() -> None:
    assert set(QUESTION_FIELDS) == set(QUESTION_IDS)
    assert QUESTION_FIELDS["harm"] == ("significant_harm", "non_mobile_baby_bruising")
    assert QUESTION_FIELDS["eha"] == ("early_help_assessment",)


def test_prefill_types_are_form_item_types() -> None:
    assert set(PREFILL_TYPES.values()) <= {"choice", "yes-no"}
    for name, kind in PREFILL_TYPES.items():
        assert (case_field(name).kind == "flag") == (kind == "yes-no"), name


def test_the_cli_has_one_option_per_field_from_the_table() -> None:
    options = {p.name: p for p in route_command.params}
    for field in CASE_FIELDS:
        option = options[field.name]
        assert field.option in option.opts  # type: ignore[attr-defined]
        assert option.is_flag == (field.kind == "flag")  # type: ignore[attr-defined]
        assert option.help == field.help  # type: ignore[attr-defined]
