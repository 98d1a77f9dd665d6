"""Exampleshire's forms (a fictional authority installed through its entry point,
tests/fixtures/exampleshire): a safeguarding referral form sent by email and an
early help request, printed in all four formats with Exampleshire's own level
names, its own deadline (24 hours) and no citation of another authority's
documents. Nothing outside Exampleshire's folder is made for it: its shared
sections are the core's neutral ones."""

from __future__ import annotations

import html.parser
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import EXAMPLESHIRE
from threshold.core.forms.evaluate import missing, validate
from threshold.core.model.forms import Form
from threshold.core.model.vocabulary import FORM_FORMATS
from threshold.core.plugins.registry import Registry
from threshold.core.render.form_output import make_form

AUTHORITY = "exampleshire"
REFERRAL = "exampleshire-safeguarding-referral"
EARLY_HELP = "exampleshire-early-help-request"
SOURCE = EXAMPLESHIRE / "threshold_exampleshire" / "source" / "exampleshire-threshold-2026.txt"
LEVELS = {
    1: "Universal",
    2: "Early support",
    3: "Targeted family help",
    4: "Complex needs",
    5: "Acute and protection",
}
#: Words of the DDSCP's documents that must never appear in Exampleshire's forms.
FOREIGN = (
    "Derby",
    "DDSCP",
    "Starting Point",
    "Early Help Assessment",
    "EHA",
    "48 hours",
    "Emerging needs",
    "Specialist",
    "002_1e42af3873256e9b.txt",
    "000_a5fc045fa72bb93c.txt",
)


def forms(registry: Registry) -> dict[str, Form]:
    return {each.id: each for each in registry.forms(AUTHORITY)}


def test_exampleshire_has_its_two_forms_for_its_own_routes(exampleshire_registry: Registry) -> None:
    routes = {each.id: each.routes for each in exampleshire_registry.forms(AUTHORITY)}
    assert routes == {
        EARLY_HELP: ("early-help-request",),
        REFERRAL: ("child-protection", "emergency", "child-in-need"),
    }
    authority = exampleshire_registry.get(AUTHORITY).authority
    for route in ("child-protection", "emergency", "child-in-need"):
        found = exampleshire_registry.form_for_route(AUTHORITY, route)
        assert found is not None and found.id == REFERRAL
        assert route in authority.routes
    found = exampleshire_registry.form_for_route(AUTHORITY, "early-help-request")
    assert found is not None and found.id == EARLY_HELP
    assert exampleshire_registry.form_for_route(AUTHORITY, "single-agency") is None


def test_every_citation_is_of_exampleshires_own_source(exampleshire_registry: Registry) -> None:
    text = normalise(SOURCE.read_text("utf-8"))
    refs = []
    for each in forms(exampleshire_registry).values():
        refs += list(each.cite)
        for section in each.sections:
            refs += list(section.cite)
        refs += [ref for item in each.items() for ref in item.cite]
    assert len(refs) >= 20
    for ref in refs:
        assert ref.seed == "exampleshire-threshold-2026.txt"
        assert normalise(ref.section) in text, ref.section
        if ref.quote:
            assert normalise(ref.quote) in text, ref.quote


def test_what_is_not_its_own_is_common_practice(exampleshire_registry: Registry) -> None:
    """Every item cites Exampleshire's source or says it is common practice (the
    core's neutral sections), never both and never neither."""
    for each in forms(exampleshire_registry).values():
        for item in each.items():
            assert bool(item.cite) != (item.source == "common-practice"), item.id


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@pytest.mark.parametrize("fmt", FORM_FORMATS)
@pytest.mark.parametrize("form_id", [REFERRAL, EARLY_HELP])
def test_each_form_prints_in_every_format_with_its_own_levels(
    exampleshire_registry: Registry, form_id: str, fmt: str
) -> None:
    output = make_form(AUTHORITY, form_id=form_id, fmt=fmt, registry=exampleshire_registry)
    text = output.text
    for number, name in LEVELS.items():
        assert f"Level {number} \u2013 {name}" in text or f"Level {number} \\u2013 {name}" in text
    for word in FOREIGN:
        assert word not in text, word
    assert "Exampleshire" in text
    if form_id == REFERRAL or fmt != "json-schema":  # a schema of answers has no intro
        assert "within 24 hours" in text  # its own deadline, from its child-protection route
    if fmt in ("json-schema", "fhir"):
        assert output.data is not None and json.loads(text) == output.data
    if fmt == "json-schema":
        assert output.data is not None
        Draft202012Validator.check_schema(output.data)
        level = output.data["properties"]["level"]
        assert level["enum"] == ["1", "2", "3", "4", "5"]
        assert level["x-choice-labels"]["5"] == "Level 5 \u2013 Acute and protection"
    if fmt == "fhir":
        assert output.data is not None and output.data["resourceType"] == "Questionnaire"
        options = fhir_item(output.data["item"], "level")["answerOption"]
        assert [o["valueCoding"]["display"] for o in options] == [
            f"Level {n} \u2013 {name}" for n, name in LEVELS.items()
        ]
    if fmt == "html":
        parser = html.parser.HTMLParser()
        parser.feed(text)
        assert 'name="level"' in text and 'value="5"' in text


def fhir_item(items: list[dict[str, Any]], link: str) -> dict[str, Any]:
    for item in items:
        if item["linkId"] == link:
            return item
        found = fhir_item(item.get("item", []), link)
        if found:
            return found
    return {}


def test_a_child_protection_case_gets_the_emailed_form_prefilled(
    exampleshire_registry: Registry,
) -> None:
    case = {"level": 5, "consent": "unsafe-to-ask"}
    output = make_form(AUTHORITY, case=case, fmt="markdown", registry=exampleshire_registry)
    assert output.form.id == REFERRAL
    assert output.route is not None and output.route.route == "child-protection"
    assert output.prefilled == {"level": "5", "consent": "unsafe-to-ask"}
    assert "- [x] Level 5 \u2013 Acute and protection" in output.text
    assert "- [x] Asking would put the child at risk" in output.text
    assert output.note is not None
    assert "due within 24 hours of the phone call" in output.note
    assert "0115 496 0100" in output.note
    assert "safeguarding@exampleshire.example" in output.text


def test_a_level_3_case_gets_the_early_help_request(exampleshire_registry: Registry) -> None:
    output = make_form(AUTHORITY, case={"level": 3}, fmt="html", registry=exampleshire_registry)
    assert output.form.id == EARLY_HELP and output.note is None
    assert output.prefilled == {"level": "3"}
    assert "https://www.exampleshire.example/early-help" in output.text


VALID_REFERRAL = {
    "immediate-danger": False,
    "significant-harm": True,
    "call-date": "2026-11-27",
    "call-time": "16:40",
    "call-spoke-to": "Duty social worker",
    "call-outcome": "A strategy discussion today.",
    "referrer-name": "A Practitioner",
    "referrer-role": "Teacher",
    "referrer-organisation": "Exampleshire Primary School",
    "referrer-phone": "0115 496 0999",
    "discussed-with-lead": True,
    "lead-name": "The designated safeguarding lead",
    "child-unborn": False,
    "child-name": "A Child",
    "child-date-of-birth": "2018-05-01",
    "child-address": "1 Example Road",
    "parent-name": "A Parent",
    "parent-relationship": "Mother",
    "level": "5",
    "worries": "What was seen today.",
    "consent": "unsafe-to-ask",
    "share-reason": "Asking would put the child at risk.",
    "agencies-involved": "None known.",
}


def test_a_filled_referral_is_checked_the_same_by_python_and_json_schema(
    exampleshire_registry: Registry,
) -> None:
    each = forms(exampleshire_registry)[REFERRAL]
    assert validate(each, VALID_REFERRAL) == [] and missing(each, VALID_REFERRAL) == []
    schema = make_form(AUTHORITY, form_id=REFERRAL, registry=exampleshire_registry).data
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert validator.is_valid(VALID_REFERRAL)
    wrong_level = {**VALID_REFERRAL, "level": "6"}  # Exampleshire has five levels
    assert [e.path for e in validate(each, wrong_level)] == ["level"]
    assert not validator.is_valid(wrong_level)
    no_reason = {k: v for k, v in VALID_REFERRAL.items() if k != "share-reason"}
    assert missing(each, no_reason) == ["share-reason"]
    assert not validator.is_valid(no_reason)


def test_the_fixture_is_the_only_place_exampleshires_forms_live() -> None:
    """Exampleshire's forms are in its own folder, and the core's forms code, its
    renderers and templates never name it."""
    folder = EXAMPLESHIRE / "threshold_exampleshire" / "forms"
    assert sorted(p.name for p in folder.iterdir()) == [
        "early-help-request.toml",
        "safeguarding-referral.toml",
    ]
    repo = Path(__file__).resolve().parents[2]
    for part in ("core/forms", "core/render", "templates", "schemas"):
        for path in (repo / part).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".toml", ".j2", ".json"):
                assert "exampleshire" not in path.read_text("utf-8").lower(), path
