"""The HTML form in real headless Chromium: every visible input has a visible
label, the required items of the route are marked, what is shown matches the
Python evaluator (with JavaScript on and off), axe finds nothing serious."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import Result, axe_serious_violations, screenshot
from threshold.core.forms.evaluate import shown
from threshold.core.model.forms import Form
from threshold.core.plugins.registry import Registry

Run = Callable[..., Result]
AT = "2026-11-23T11:00"


def form_page(run_cli: Run, authority: str, case: dict[str, Any]) -> str:
    result = run_cli(
        "form", "--authority", authority, "--case", "-", "--format", "html",
        stdin=json.dumps({**case, "at": AT}),
    )  # fmt: skip
    assert result.code == 0, result.err
    return result.out


def visible_questions(page: Any) -> dict[str, list[Any]]:
    """Visible inputs by name (item id)."""
    found: dict[str, list[Any]] = {}
    for element in page.locator("form input:visible, form textarea:visible").all():
        found.setdefault(element.get_attribute("name"), []).append(element)
    return found


def label_of(page: Any, element: Any) -> Any:
    return page.locator(f"label[for='{element.get_attribute('id')}']")


def question_label(element: Any) -> str:
    """The text that names the question: the label, or the radios' legend."""
    text: str = element.evaluate(
        "e => e.type === 'radio' ? e.closest('fieldset').querySelector('legend').innerText"
        " : document.querySelector(`label[for='${e.id}']`).innerText"
    )
    return text


def check_labels_and_marks(page: Any, form: Form, expected: set[str]) -> None:
    inputs = visible_questions(page)
    assert set(inputs) == expected
    for item_id, elements in inputs.items():
        item = form.item(item_id)
        for element in elements:
            label = label_of(page, element)
            assert label.count() == 1 and label.is_visible(), item_id
            assert label.inner_text().strip(), item_id
            if element.get_attribute("type") == "radio":
                legend = element.locator("xpath=ancestor::fieldset[1]/legend")
                assert legend.is_visible(), item_id
            assert (element.get_attribute("required") is not None) == item.required, item_id
        name = question_label(elements[0])
        assert ("(required)" in name) == item.required, (item_id, name)
        assert ("(optional)" in name) != item.required, (item_id, name)


def questions_shown(form: Form, answers: dict[str, Any]) -> set[str]:
    visible = shown(form, answers)
    return {item.id for item in form.questions() if item.id in visible}


@pytest.fixture
def no_script_page(browser: Any) -> Iterator[Any]:
    """A page with JavaScript switched off (and no network)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("data:", "about:"))
            else route.abort()
        ),
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def test_request_for_support_in_chromium(page: Any, run_cli: Run, registry: Registry) -> None:
    form = registry.form("derbyshire", "derbyshire-request-for-support")
    case = {"level": 3, "early_help_assessment": "completed", "consent": "refused"}
    page.set_content(form_page(run_cli, "derbyshire", case))
    assert page.locator("h1").inner_text() == "Starting Point request for support"
    prefilled = {"level": "3", "eha-status": "completed", "consent": "refused"}
    expected = questions_shown(form, prefilled)
    assert {"consent-reason", "consent-advice", "eha-attachment"} <= expected
    assert not {"consent-given-by", "no-eha-judgement", "expected-due-date"} & expected
    check_labels_and_marks(page, form, expected)
    assert page.locator("#consent--refused").is_checked()
    assert page.locator("#level--3").is_checked()
    assert "ring 999" in page.locator(".govuk-warning-text").inner_text()
    assert "never replaces" in page.locator("footer").inner_text()
    assert "Request for support" in page.locator(".govuk-notification-banner").inner_text()
    assert axe_serious_violations(page) == []
    assert screenshot(page, "form-derbyshire-request-for-support").stat().st_size > 20_000


def test_conditional_items_work_with_javascript_off(
    no_script_page: Any, run_cli: Run, registry: Registry
) -> None:
    page = no_script_page
    form = registry.form("derbyshire", "derbyshire-request-for-support")
    page.set_content(form_page(run_cli, "derbyshire", {"level": 3, "consent": "refused"}))
    answers: dict[str, Any] = {"level": "3", "consent": "refused"}
    check_labels_and_marks(page, form, questions_shown(form, answers))
    for option, item_id, value in [
        ("consent", "consent", "given"),
        ("child-unborn", "child-unborn", True),
        ("eha-status--declined", "eha-status", "declined"),
        ("discussed-with-lead", "discussed-with-lead", True),
        ("immediate-danger", "immediate-danger", True),
    ]:
        page.locator(f"label[for='{option}']").click()
        answers[item_id] = value
        check_labels_and_marks(page, form, questions_shown(form, answers))
    assert page.locator("#consent-given-by").is_visible()
    assert not page.locator("#consent-reason").is_visible()
    assert page.locator("#expected-due-date").is_visible()
    assert page.locator("#no-eha-judgement").is_visible()
    assert page.locator("#ring-now").is_visible()
    screenshot(page, "form-derbyshire-request-for-support-no-javascript")


def test_derby_city_child_protection_follow_up_in_chromium(
    page: Any, run_cli: Run, registry: Registry
) -> None:
    form = registry.form("derby_city", "derby-city-online-referral")
    page.set_content(form_page(run_cli, "derby_city", {"significant_harm": True}))
    expected = questions_shown(form, {"significant-harm": True, "phone-referral": True})
    assert {"call-date", "call-time", "call-spoke-to"} <= expected
    check_labels_and_marks(page, form, expected)
    assert page.locator("#ring-now").is_visible()
    assert page.locator("#phone-referral").is_checked()
    assert axe_serious_violations(page) == []
    assert (
        screenshot(page, "form-derby-city-online-referral-child-protection").stat().st_size > 20_000
    )


def test_printed_form_shows_every_question(page: Any, run_cli: Run, registry: Registry) -> None:
    form = registry.form("derby_city", "derby-city-vcm-submission")
    page.set_content(
        form_page(run_cli, "derby_city", {"level": 3, "early_help_assessment": "completed"})
    )
    page.emulate_media(media="print")
    assert set(visible_questions(page)) == {item.id for item in form.questions()}
    assert len(page.pdf()) > 10_000
