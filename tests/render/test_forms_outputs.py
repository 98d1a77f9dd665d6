"""The four outputs of one form model: JSON Schema and FHIR agree with the Python
evaluator, the example referrals pass and fail on the right items, prefill
fills what the case says, and hostile text never breaks HTML or Markdown."""

from __future__ import annotations

import html.parser
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.forms_helpers import (
    AUTHORITY_OF,
    REFERRALS,
    broken_referrals,
    load,
    schema_error_items,
)
from threshold.core.forms.evaluate import shown, validate
from threshold.core.forms.prefill import case_facts, prefill
from threshold.core.io.parse import parse_case
from threshold.core.model.forms import Form, Item, ItemType
from threshold.core.plugins.registry import Registry
from threshold.core.render.fhir import to_fhir
from threshold.core.render.forms_html import render_form
from threshold.core.render.json_schema import to_json_schema

FORM_IDS = sorted(AUTHORITY_OF)
RFS = "derbyshire-request-for-support"


def form(registry: Registry, form_id: str) -> Form:
    return registry.form(AUTHORITY_OF[form_id], form_id)


def facts(registry: Registry, case: dict[str, Any], authority: str = "derbyshire") -> Any:
    """The prefill facts of ``case`` as given (every field of it counts as given)."""
    policy = registry.get(authority).authority
    return case_facts(parse_case(case, policy), case, policy)


def schema_validator(registry: Registry, form_id: str) -> Draft202012Validator:
    schema = to_json_schema(form(registry, form_id))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# ----------------------------------------------------------------------------- JSON Schema


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_json_schema_accepts_the_valid_example(registry: Registry, form_id: str) -> None:
    validator = schema_validator(registry, form_id)
    errors = list(validator.iter_errors(load(REFERRALS / form_id / "valid.json")))
    assert errors == [], [e.message for e in errors]


@pytest.mark.parametrize(
    ("form_id", "path", "item"),
    list(broken_referrals()),
    ids=[f"{f}/{p.stem}" for f, p, _ in broken_referrals()],
)
def test_json_schema_rejects_each_broken_example_on_its_item(
    registry: Registry, form_id: str, path: Path, item: str
) -> None:
    errors = list(schema_validator(registry, form_id).iter_errors(load(path)))
    assert errors, f"{path.name} passed the JSON Schema"
    items = set().union(*(schema_error_items(e) for e in errors))
    assert items == {item}, [e.message for e in errors]


def test_every_if_requires_what_it_tests(registry: Registry) -> None:
    def check(node: Any) -> None:
        if isinstance(node, dict):
            if "if" in node:
                condition = node["if"]
                parts = condition.get("allOf") or condition.get("anyOf") or [condition]
                for part in parts:
                    for inner in part.get("allOf", [part]):
                        tested = set(inner.get("properties", {}))
                        assert tested <= set(inner.get("required", [])), inner
            for value in node.values():
                check(value)
        elif isinstance(node, list):
            for value in node:
                check(value)

    for form_id in FORM_IDS:
        schema = to_json_schema(form(registry, form_id))
        assert schema["additionalProperties"] is False
        assert len(schema["allOf"]) >= 8
        check(schema)


def answer_strategy(item: Item) -> st.SearchStrategy[Any]:
    """Mostly valid answers, with each kind of invalid one now and then."""
    invalid = st.sampled_from([None, 3, "", "  ", ["x"], {"x": 1}, True, "not-a-choice"])
    if item.type is ItemType.YES_NO:
        valid: st.SearchStrategy[Any] = st.booleans()
    elif item.type is ItemType.CHOICE:
        valid = st.sampled_from([c.value for c in item.choices])
    elif item.type is ItemType.DATE:
        valid = st.sampled_from(
            ["2016-04-01", "2026-11-23", "2024-02-29", "2026-02-30", "1/2/2020"]
        )
    elif item.type is ItemType.ATTACHMENT:
        valid = st.sampled_from(
            [{"title": "a.pdf"}, {"title": "b", "data": "AAAA"}, {"title": " "}, {"url": "x"}]
        )
    else:
        valid = st.text(min_size=1, max_size=5)
    return st.one_of(valid, valid, valid, invalid)


@st.composite
def answer_sets(draw: st.DrawFn, each: Form) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in each.items():
        if draw(st.integers(0, 9)) < 6:
            answers[item.id] = draw(
                answer_strategy(item) if item.is_question else st.just("an answer")
            )
    if draw(st.integers(0, 19)) == 0:
        answers["no-such-item"] = "x"
    return answers


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_json_schema_agrees_with_validate_on_any_answers(registry: Registry, form_id: str) -> None:
    each = form(registry, form_id)
    validator = schema_validator(registry, form_id)
    verdicts: set[bool] = set()

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answer_sets(each))
    def agree(answers: dict[str, Any]) -> None:
        python_ok = validate(each, answers) == []
        schema_ok = validator.is_valid(answers)
        assert python_ok == schema_ok, (answers, [str(e) for e in validate(each, answers)])
        verdicts.add(python_ok)

    agree()
    # also on answers that pass: the valid example with optional items removed one by one
    base = load(REFERRALS / form_id / "valid.json")
    for key in list(base):
        trimmed = {k: v for k, v in base.items() if k != key}
        assert (validate(each, trimmed) == []) == validator.is_valid(trimmed), key
    assert False in verdicts


# ----------------------------------------------------------------------------- FHIR


def fhir_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        found.append(item)
        found += fhir_items(item.get("item", []))
    return found


def fhir_by_link(each: Form) -> dict[str, dict[str, Any]]:
    return {i["linkId"]: i for i in fhir_items(to_fhir(each)["item"])}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_fhir_link_ids_are_the_item_ids(registry: Registry, form_id: str) -> None:
    each = form(registry, form_id)
    questionnaire = to_fhir(each)
    assert questionnaire["resourceType"] == "Questionnaire"
    assert questionnaire["status"] == "draft"
    assert "never replaces" in questionnaire["description"]
    links = [i["linkId"] for i in fhir_items(questionnaire["item"])]
    assert len(links) == len(set(links))
    model = [s.id for s in each.sections] + [i.id for i in each.items()]
    assert sorted(link for link in links if "." not in link) == sorted(model)
    assert all(link.endswith((".hint", ".intro")) for link in links if "." in link)
    by_link = fhir_by_link(each)
    for item in each.items():
        assert (
            by_link[item.id]["required"] is True
            if item.required
            else "required" not in by_link[item.id]
        )


def test_fhir_enable_when_for_consent_and_eha(registry: Registry) -> None:
    by_link = fhir_by_link(form(registry, RFS))
    reason = by_link["consent-reason"]
    assert reason["enableBehavior"] == "any"
    assert [
        (e["question"], e["operator"], e["answerCoding"]["code"]) for e in reason["enableWhen"]
    ] == [
        ("consent", "=", "refused"),
        ("consent", "=", "not-sought"),
        ("consent", "=", "unsafe-to-seek"),
    ]
    assert by_link["consent-given-by"]["enableWhen"] == [
        {
            "question": "consent",
            "operator": "=",
            "answerCoding": {
                "system": "https://threshold.invalid/forms/derbyshire/"
                "derbyshire-request-for-support/consent",
                "code": "given",
            },
        }
    ]
    assert "enableBehavior" not in by_link["consent-given-by"]
    assert by_link["lead-name"]["enableWhen"] == [
        {"question": "discussed-with-lead", "operator": "=", "answerBoolean": True}
    ]
    assert by_link["eha-attachment"]["type"] == "attachment"
    assert by_link["ring-now"]["enableBehavior"] == "any"
    assert len(by_link["ring-now"]["enableWhen"]) == 3
    assert {o["valueCoding"]["code"] for o in by_link["consent"]["answerOption"]} == {
        "given",
        "refused",
        "not-sought",
        "unsafe-to-seek",
    }


def fhir_enabled(questionnaire: dict[str, Any], answers: dict[str, Any]) -> set[str]:
    """A small FHIR R4 enableWhen evaluator: the linkIds enabled for ``answers``
    (answers to disabled items do not count, as in a QuestionnaireResponse)."""
    enabled: set[str] = set()
    given_answers: dict[str, Any] = {}

    def value(when: dict[str, Any]) -> Any:
        for key in ("answerBoolean", "answerString", "answerDate"):
            if key in when:
                return when[key]
        return when["answerCoding"]["code"]

    def holds(when: dict[str, Any]) -> bool:
        present = when["question"] in given_answers
        if when["operator"] == "exists":
            return present == when["answerBoolean"]
        if not present:
            return False
        answer = given_answers[when["question"]]
        same = type(answer) is type(value(when)) and answer == value(when)
        return same if when["operator"] == "=" else not same

    def visit(items: list[dict[str, Any]]) -> None:
        for item in items:
            whens = item.get("enableWhen", [])
            results = [holds(w) for w in whens]
            on = (any if item.get("enableBehavior") == "any" else all)(results) if whens else True
            if not on:
                continue
            enabled.add(item["linkId"])
            if item["linkId"] in answers and answers[item["linkId"]] is not None:
                given_answers[item["linkId"]] = answers[item["linkId"]]
            visit(item.get("item", []))

    visit(questionnaire["item"])
    return {link for link in enabled if "." not in link}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_fhir_enable_when_agrees_with_shown(registry: Registry, form_id: str) -> None:
    each = form(registry, form_id)
    questionnaire = to_fhir(each)

    @settings(max_examples=150, deadline=None)
    @given(answer_sets(each))
    def agree(answers: dict[str, Any]) -> None:
        valid = {k: v for k, v in answers.items() if k in {i.id for i in each.questions()}}
        assert fhir_enabled(questionnaire, valid) == set(shown(each, valid))

    agree()


def test_fhir_initial_answers_from_the_case(registry: Registry) -> None:
    each = form(registry, RFS)
    case = {"level": 3, "early_help_assessment": "completed", "consent": "refused", "unborn": True}
    filled = prefill(each, facts(registry, case))
    by_link = {i["linkId"]: i for i in fhir_items(to_fhir(each, filled)["item"])}
    selected = [
        o["valueCoding"]["code"]
        for o in by_link["consent"]["answerOption"]
        if o.get("initialSelected")
    ]
    assert selected == ["refused"]
    assert "initial" not in by_link["consent"]
    assert by_link["child-unborn"]["initial"] == [{"valueBoolean": True}]


# ----------------------------------------------------------------------------- prefill


def test_prefill_uses_only_what_the_case_says(registry: Registry) -> None:
    each = form(registry, RFS)
    case = {"level": 3, "early_help_assessment": "completed"}
    assert prefill(each, facts(registry, case)) == {
        "level": "3",
        "eha-status": "completed",
    }
    # defaults (consent "not-sought", flags false) are not facts the user gave
    assert prefill(each, facts(registry, {})) == {}
    sudden = {"level": 4, "sudden_escalation": True, "consent": "unsafe-to-seek"}
    assert prefill(each, facts(registry, sudden)) == {
        "level": "4",
        "eha-status": "sudden-escalation",
        "consent": "unsafe-to-seek",
    }


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ({"early_help_assessment": "completed", "sudden_escalation": True}, "completed"),
        ({"early_help_assessment": "declined", "sudden_escalation": True}, "declined"),
        ({"early_help_assessment": "none", "sudden_escalation": True}, "sudden-escalation"),
        ({"sudden_escalation": True}, "sudden-escalation"),
        ({"sudden_escalation": False}, None),
        ({"early_help_assessment": "none"}, None),
    ],
)
def test_the_form_says_when_a_sudden_escalation_fills_the_eha_status(
    registry: Registry, case: dict[str, Any], status: str | None
) -> None:
    """The EHA status item's own fact comes first; where it gives no valid answer,
    the form's data (``prefill_otherwise``) fills in "sudden-escalation" when the
    case says needs escalated suddenly; nothing else is guessed."""
    item = form(registry, RFS).item("eha-status")
    assert [(r.when, r.answer) for r in item.prefill_otherwise] == [
        ((("sudden_escalation", True),), "sudden-escalation")
    ]
    assert prefill(form(registry, RFS), facts(registry, case)).get("eha-status") == status


def test_prefill_never_guesses_an_invalid_answer(registry: Registry) -> None:
    each = form(registry, RFS)
    case = {"early_help_assessment": "none", "significant_harm": True}
    assert prefill(each, facts(registry, case)) == {"significant-harm": True}


def test_prefill_urgency_and_phone_referral(registry: Registry) -> None:
    each = form(registry, "derby-city-online-referral")
    case = {"immediate_danger": True}
    assert prefill(each, facts(registry, case, "derby_city")) == {
        "immediate-danger": True,
        "phone-referral": True,
    }


# ----------------------------------------------------------------------------- hostile text

HOSTILE = {
    "referrer-name": '<script>alert("x")</script>',
    "child-name": 'Zoë O\'Brien-Łukasiewicz "Ådne" 山田 & <b>bold</b>',
    "worries": "x" * 100_000,
    "child-address": "1 Road\n<img src=x onerror=alert(1)>\n- list?\n1. number\n# heading\n> quote",
    "strengths": "[link](javascript:alert(1)) **bold** `code` &lt;entity&gt; | pipe |",
    "support-tried": "</textarea><script>alert(2)</script>",
    "eha-attachment": {"title": '"><script>alert(3)</script>.pdf'},
    "eha-status": "completed",
}


def rendered(registry: Registry, fmt: str, answers: dict[str, Any]) -> str:
    each = form(registry, RFS)
    return render_form(
        each,
        fmt,
        authority_name="Derbyshire County Council",
        urgent_line="If a child is in immediate danger, ring 999.",
        values=answers,
        errors=validate(each, answers),
    )


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.tags: dict[str, int] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.scripts += tag == "script" or any(name.startswith("on") for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_text_is_escaped_in_html(registry: Registry) -> None:
    page = rendered(registry, "html", HOSTILE)
    parsed = _Collector()
    parsed.feed(page)
    assert parsed.scripts == 0
    assert parsed.tags["form"] == 1 and parsed.tags["html"] == 1 and parsed.tags["textarea"] >= 10
    assert page.rstrip().endswith("</html>")
    text = "".join(parsed.text)
    assert '<script>alert("x")</script>' in text  # shown as text, not run
    assert 'Zoë O\'Brien-Łukasiewicz "Ådne" 山田 & <b>bold</b>' in text
    assert "x" * 100_000 in text
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "&#34;&gt;&lt;script&gt;alert(3)" in page  # attachment title escaped


def test_hostile_text_is_escaped_in_markdown(registry: Registry) -> None:
    doc = rendered(registry, "markdown", HOSTILE)
    assert "<" not in doc.replace("\\<", "")
    assert '\\<script\\>alert\\("x"\\)\\</script\\>' in doc
    assert "x" * 100_000 in doc
    assert "Zoë O'Brien-Łukasiewicz" in doc and "山田 \\& \\<b\\>bold\\</b\\>" in doc
    lines = doc.splitlines()
    assert "> \\- list?" in lines and "> 1\\. number" in lines and "> \\# heading" in lines
    assert "\\[link\\]\\(javascript:alert\\(1\\)\\)" in doc and "\\&lt;entity\\&gt;" in doc
    # every heading is the form's own: no heading comes from the answers
    each = form(registry, RFS)
    allowed = {"# Starting Point request for support", "## There is a problem"}
    allowed |= {f"## {n}. {s.title}" for n, s in enumerate(each.sections, 1)}
    allowed.add("## Where these questions come from")
    assert {line for line in lines if line.startswith("#")} == allowed


def test_hostile_text_in_a_case_is_refused_without_echo(run_cli: Any) -> None:
    case = json.dumps({"level": "<script>", "consent": "Jane Doe, 1 Secret Road"})
    result = run_cli("form", "--authority", "derbyshire", "--case", "-", stdin=case)
    assert result.code == 2
    assert "<script>" not in result.err and "Secret Road" not in result.err
    assert result.err.count("\n") == 1 and "level" in result.err and "consent" in result.err


def test_errors_are_shown_in_the_page(registry: Registry) -> None:
    page = rendered(registry, "html", {"consent": "refused"})
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#consent-reason">consent-reason: required;' in page
    assert 'id="consent-reason-error"' in page  # the library's error id (issue 15)
    assert "Not answered: required" in page


# ----------------------------------------------------------------------------- sources


@pytest.mark.parametrize("fmt", ["html", "markdown"])
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_where_the_questions_come_from_names_documents_not_files(
    registry: Registry, form_id: str, fmt: str
) -> None:
    """ "Where these questions come from" cites each source by the name a reader
    knows it by (issue 15: file names stay in the data), in the page and in the
    document; the section follows the name."""
    from threshold.core.render.form_output import make_form
    from threshold.core.render.html_text import document_name

    authority = registry.get(AUTHORITY_OF[form_id]).authority
    text = make_form(authority.id, form_id=form_id, fmt=fmt, registry=registry).text
    cited = {ref.seed for ref in form(registry, form_id).cite}
    assert cited
    for document in authority.documents:
        assert document.seed not in text, document.seed
        if document.seed in cited:
            assert f"{document_name(document)}, " in text, document.seed


def test_the_route_banner_of_the_html_form_uses_the_library_title_not_an_inline_style(
    registry: Registry,
) -> None:
    from threshold.core.render.form_output import make_form

    case = {"immediate_danger": True}
    text = make_form("derbyshire", case=case, fmt="html", registry=registry).text
    assert '<h2 class="govuk-notification-banner__title" id="route-title">' in text
    assert " style=" not in text
