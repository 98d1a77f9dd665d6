"""A referral form made for a case (core/render/form_output.py), tested directly:
the form of the case's route, prefilled from the fields given only, the urgent
note on a written follow-up, and the formats."""

from __future__ import annotations

import pytest

from threshold.core.io.parse import parse_case
from threshold.core.model.case import Case
from threshold.core.model.errors import CaseError, FormError
from threshold.core.model.vocabulary import FORM_FORMATS, FORM_MEDIA_TYPES
from threshold.core.plugins.registry import Registry
from threshold.core.render.form_output import given_fields, make_form


def test_the_form_of_the_cases_route_prefilled_from_what_was_given(registry: Registry) -> None:
    output = make_form(
        "derbyshire",
        case={"level": 3, "early_help_assessment": "completed"},
        registry=registry,
    )
    assert output.route is not None and output.route.route == "request-for-support"
    assert output.form.id == "derbyshire-request-for-support"
    assert "request-for-support" in output.form.routes
    assert output.prefilled  # what the case says is filled in
    assert output.note is None and output.format == "json-schema"
    assert output.data is not None and output.media_type == "application/schema+json"


def test_only_fields_that_differ_from_the_defaults_count_as_given(registry: Registry) -> None:
    authority = registry.get("derbyshire").authority
    assert given_fields(Case(), authority) == set()
    assert given_fields(parse_case({}, authority), authority) == set()  # defaults filled in
    declined = parse_case({"level": 2, "early_help_assessment": "declined"}, authority)
    assert given_fields(declined, authority) == {"level", "early_help_assessment"}
    harm = parse_case({"significant_harm": True, "consent": "not-sought"}, authority)
    assert given_fields(harm, authority) == {"significant_harm"}  # "not-sought" is the default
    assert given_fields({"level": 2, "consent": "not-sought"}, authority) == {"level", "consent"}


def test_an_urgent_routes_form_is_the_written_follow_up_of_a_call(registry: Registry) -> None:
    output = make_form(
        "derbyshire", case={"significant_harm": True}, fmt="markdown", registry=registry
    )
    assert output.route is not None and output.route.route == "child-protection"
    assert output.note is not None and "ring first" in output.note
    assert "01629 533190" in output.note
    assert output.data is None and output.text.startswith("#")


def test_a_route_without_a_written_form_says_so(registry: Registry) -> None:
    with pytest.raises(FormError) as raised:
        make_form("derbyshire", case={"level": 1}, registry=registry)
    assert raised.value.route == "universal"
    assert "no written form" in str(raised.value) and "999" in str(raised.value)


@pytest.mark.parametrize("fmt", FORM_FORMATS)
def test_every_format_has_its_media_type(registry: Registry, fmt: str) -> None:
    form_id = "derbyshire-request-for-support"
    output = make_form("derbyshire", form_id=form_id, fmt=fmt, registry=registry)
    assert output.media_type == FORM_MEDIA_TYPES[fmt]
    assert output.route is None  # named, not chosen by a route
    assert (output.data is not None) == (fmt in ("json-schema", "fhir"))


def test_bad_formats_answers_and_cases_are_refused(registry: Registry) -> None:
    with pytest.raises(FormError, match="unknown format"):
        make_form("derbyshire", fmt="pdf", registry=registry)
    with pytest.raises(FormError, match="only in the html and markdown"):
        make_form("derbyshire", case={"level": 3}, answers={}, registry=registry)
    with pytest.raises(CaseError):
        make_form("derbyshire", case={"level": 9}, registry=registry)
