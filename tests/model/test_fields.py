"""The case field table (core/model/fields.py) agrees with the published case
schema and the Case class, field by field, and what is derived from it is what
each consumer had by hand.

Issue 13: the table is the core's urgent part (:data:`CORE_FIELDS`) and each
authority's questions (:func:`case_fields`); the shared schema names the core's
fields and each authority's own schema (io/case_schema.py) names its questions
too. These tests read Derbyshire's table, as they read the one table before."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from threshold.cli.common import CASE_FLAGS, question_options
from threshold.cli.route import route as route_command
from threshold.core.analysis.matrix import matrix_of
from threshold.core.engine.reuse import case_key
from threshold.core.io.case_schema import case_schema
from threshold.core.io.parse import parse_case
from threshold.core.io.schemas import schema
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.fields import (
    CORE_FIELDS,
    TIME_FIELD,
    CaseField,
    case_fields,
    field_named,
    matrix_axes,
    urgent_fields,
)
from threshold.core.plugins.registry import Registry

SHARED = schema("case")["properties"]


def _derbyshire() -> Authority:
    return Registry.load().get("derbyshire").authority


DERBYSHIRE = _derbyshire()
FIELDS = case_fields(DERBYSHIRE)
PROPERTIES = case_schema(DERBYSHIRE)["properties"]


def test_the_table_names_the_schemas_case_properties_in_order() -> None:
    assert [f.name for f in FIELDS] == list(PROPERTIES)
    # the shared schema names the core's part, every authority's case has it
    assert [f.name for f in CORE_FIELDS] == list(SHARED)
    assert [f.name for f in FIELDS[: len(CORE_FIELDS)]] == list(SHARED)


def test_the_table_names_the_case_class_fields_in_order() -> None:
    core = tuple(f.name for f in attrs.fields(Case) if f.name != "answers")
    assert core == tuple(f.name for f in CORE_FIELDS)
    answers = parse_case({}, DERBYSHIRE).answers
    assert tuple(name for name, _ in answers) == tuple(f.name for f in FIELDS[len(CORE_FIELDS) :])


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_each_fields_kind_is_its_schema_type(field: CaseField) -> None:
    spec = PROPERTIES[field.name]
    kinds = spec.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    expected = {
        "flag": "boolean" in kinds,
        "level": "integer" in kinds
        or ("enum" in spec and any(isinstance(v, int) for v in spec["enum"])),
        "choice": "enum" in spec,
        "time": spec.get("format") == "date-time",
    }
    assert expected[field.kind], (field.name, field.kind, spec)


@pytest.mark.parametrize("field", [f for f in FIELDS if f.matrix], ids=lambda f: f.name)
def test_each_matrix_value_is_allowed_by_the_schema(field: CaseField) -> None:
    spec = PROPERTIES[field.name]
    values = dict(matrix_axes(DERBYSHIRE))[field.name]
    for value in values:
        if "enum" in spec:
            assert value in spec["enum"]
        elif isinstance(value, bool):
            assert spec["type"] == "boolean"
        else:
            assert value is None or spec["minimum"] <= value <= spec["maximum"]
    assert len(set(values)) == len(values)


def test_matrix_axes_are_the_route_changing_fields_most_urgent_first() -> None:
    matrix = matrix_of(DERBYSHIRE)
    axes = matrix_axes(DERBYSHIRE)
    assert matrix.fields == axes
    assert [name for name, _ in axes[:3]] == list(urgent_fields(DERBYSHIRE))
    assert {name for name, _ in axes} == {f.name for f in FIELDS if f.matrix}
    assert matrix.size == 3840
    assert matrix.field_title("early_help_assessment") == "EHA"


def test_the_time_is_the_only_field_outside_the_reuse_key() -> None:
    assert TIME_FIELD == "at"
    base = parse_case({"level": 3}, DERBYSHIRE)
    later = attrs.evolve(base, at=dt.datetime(2026, 11, 23, 11, tzinfo=dt.UTC))
    assert case_key(base) == case_key(later)
    for field in FIELDS:
        if field.name == TIME_FIELD:
            continue
        changed = parse_case({"level": 3, field.name: _other_value(field)}, DERBYSHIRE)
        assert case_key(changed) != case_key(base), field.name


def _other_value(field: CaseField) -> object:
    """An answer of the field other than the base case's (level 3, the rest defaults)."""
    base = parse_case({"level": 3}, DERBYSHIRE).facts()
    for value in field.answers or ():
        if value != base.get(field.name):
            return value
    raise AssertionError(field.name)


def test_the_web_tools_questions_answer_the_fields_the_table_says() -> None:
    answered: dict[str, list[str]] = {}
    for field in FIELDS:
        if field.question is not None:
            answered.setdefault(field.question, []).append(field.name)
    assert answered["harm"] == ["significant_harm", "non_mobile_baby_bruising"]
    assert answered["eha"] == ["early_help_assessment"]
    assert answered["danger"] == ["immediate_danger"]
    assert field_named(DERBYSHIRE, "significant_harm").question == "harm"


def test_prefill_types_are_form_item_types() -> None:
    prefill = {f.name: f.prefill for f in FIELDS if f.prefill is not None}
    assert set(prefill.values()) <= {"choice", "yes-no"}
    for name, kind in prefill.items():
        assert (field_named(DERBYSHIRE, name).kind == "flag") == (kind == "yes-no"), name


def test_the_cli_has_one_option_per_field_from_the_table() -> None:
    options = {p.name: p for p in route_command.params}
    # the core's fields are the command's own options
    for field in CORE_FIELDS:
        option = options[field.name]
        assert field.option in option.opts  # type: ignore[attr-defined]
        assert option.is_flag == (field.kind == "flag")  # type: ignore[attr-defined]
        assert option.help == field.help  # type: ignore[attr-defined]
    assert tuple(f.name for f in CORE_FIELDS) == CASE_FLAGS
    # an authority's questions are read once it is known: one option each, distinct
    questions = [f for f in FIELDS if f.name not in CASE_FLAGS]
    assert len({f.option for f in questions}) == len(questions)
    assert all(f.option.startswith("--") for f in questions)


@pytest.mark.parametrize(
    "field", [f for f in FIELDS if f.name not in CASE_FLAGS], ids=lambda f: f.name
)
def test_each_question_option_sets_its_field(field: CaseField) -> None:
    value = next(a for a in field.answers or () if a is not None and a is not False)
    args = [field.option] if field.kind == "flag" else [field.option, str(value)]
    assert question_options("derbyshire", args, {}) == {field.name: value}
