"""The web tool in real headless Chromium (Debian's, driven by Playwright) against
the real server on a loopback port: a person clicks through the immediate-danger
stop, a Derbyshire level 3 case without an Early Help Assessment, a Derby City
level 3 case with one, and a change of answer from the check page. Each page is
checked for what it shows, screenshotted, and run through axe-core (no serious
violations, also at 200% zoom: a 640px-wide viewport); the same clicks work with
JavaScript switched off."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, REPO, axe_serious_violations, screenshot
from tests.web_helpers import (
    AT,
    DERBYSHIRE_LEVEL_3_ASKED,
    PRACTITIONER,
    web_case,
    web_server,
)
from threshold.core.engine.api import route
from threshold.core.interfaces.web.wizard import question_ids
from threshold.core.plugins.registry import Registry

GUIDANCE_SCREENSHOT = REPO / "docs" / "screenshots" / "guidance.png"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with web_server() as url:
        yield url


def _guard(route_: Any) -> None:
    if route_.request.url.startswith("http://127.0.0.1"):
        route_.continue_()
    else:
        route_.abort()


@pytest.fixture
def no_script_page(browser: Any) -> Iterator[Any]:
    """A page with JavaScript switched off (and no network beyond loopback)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    context.route("**/*", _guard)
    try:
        yield context.new_page()
    finally:
        context.close()


def check_accessible(page: Any, name: str, *, scripts: bool = True) -> None:
    """Screenshot the page at 1280px and at 640px (200% zoom of a 1280px window);
    with scripts on, axe finds no serious violation at either width and nothing
    scrolls sideways at 640px."""
    screenshot(page, name)
    if scripts:
        assert axe_serious_violations(page) == [], name
    page.set_viewport_size({"width": 640, "height": 900})
    try:
        screenshot(page, f"{name}-640")
        if scripts:
            assert axe_serious_violations(page) == [], f"{name} at 640px"
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 640, f"{name} scrolls sideways at 640px ({width}px)"
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def main_text(page: Any) -> str:
    text: str = page.locator("main").inner_text()
    return text


def start(page: Any, site: str, authority_name: str) -> None:
    page.goto(f"{site}/?at={AT}")
    assert page.locator("footer").inner_text().count("September 2022") >= 1
    page.get_by_label(authority_name).check()
    page.get_by_role("button", name="Start").click()


def answer(page: Any, question_id: str, value: str) -> None:
    """Answer the question on the page (it must be ``question_id``) and continue."""
    radio = page.locator(f"input[name='{question_id}'][value='{value}']")
    try:  # a loaded machine can take a moment to show the next page
        radio.wait_for(state="visible", timeout=15_000)
    except Exception:
        raise AssertionError(f"{question_id} is not the question asked") from None
    label = page.locator(f"label[for='{radio.get_attribute('id')}']")
    assert label.is_visible() and label.inner_text().strip()
    legend = radio.locator("xpath=ancestor::fieldset[1]/legend")
    assert legend.locator("h1").count() == 1
    label.click()
    assert radio.is_checked()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")


def answer_all(page: Any, choices: dict[str, str]) -> list[str]:
    """Answer every question the pages ask, from ``choices``; return their ids."""
    asked = []
    while "/question" in page.url:
        name = page.locator("form input[type=radio]").first.get_attribute("name")
        asked.append(name)
        answer(page, name, choices[name])
    return asked


def expected_route(registry: Registry, authority: str, choices: dict[str, str]) -> Any:
    return route({**web_case(registry, authority, choices), "at": AT}, authority, registry=registry)


# ----------------------------------------------------------------------------- flows
def immediate_danger(page: Any, site: str, *, scripts: bool = True) -> None:
    start(page, site, "Derbyshire County Council")
    assert page.get_by_role("heading", level=1).inner_text() == "Is the child in immediate danger?"
    if scripts:
        check_accessible(page, "web-question-danger")
    answer(page, "danger", "yes")
    assert "/urgent?" in page.url
    first = page.locator("main > *").first
    assert first.locator("h1").inner_text() == "Ring 999 now"
    words = main_text(page)
    assert words.index("999") < words.index("01629 533190") < words.index("See the full guidance")
    assert page.locator("main a[href='tel:999']").is_visible()
    assert page.locator("a[href='tel:01629533190']").is_visible()
    check_accessible(page, "web-urgent" + ("" if scripts else "-no-script"), scripts=scripts)
    page.get_by_role("link", name="See the full guidance").click()
    assert page.locator("#route").get_attribute("data-route") == "emergency"
    assert page.get_by_role("heading", name="Ring now").is_visible()
    assert "Emergency services: 999" in page.locator("#contact-now").inner_text()


def derbyshire_without_eha(page: Any, site: str, registry: Registry, *, scripts: bool) -> None:
    start(page, site, "Derbyshire County Council")
    asked = answer_all(page, PRACTITIONER)
    # every question, in the order the DDSCP pack declares them (setting before consent)
    assert asked == list(question_ids(registry.get("derbyshire").authority))
    assert asked == DERBYSHIRE_LEVEL_3_ASKED
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers"
    rows = page.locator(".govuk-summary-list__row")
    assert rows.count() == 1 + len(asked)
    assert "Derbyshire County Council" in rows.first.inner_text()
    if scripts:
        check_accessible(page, "web-check-derbyshire")
    page.get_by_role("button", name="See the guidance").click()
    expected = expected_route(registry, "derbyshire", PRACTITIONER)
    assert expected.route == "early-help-first"
    assert page.locator("#route").get_attribute("data-route") == "early-help-first"
    assert page.get_by_role("heading", level=1).inner_text() == "Early Help Assessment first"
    assert page.locator("#route-summary").inner_text() == expected.summary
    steps = page.locator("#steps > li")
    assert steps.count() == len(expected.steps)
    for index, step in enumerate(expected.steps):
        item = steps.nth(index).inner_text()
        assert step.action in item and f"Why: {step.reason}" in item
        assert steps.nth(index).locator("details summary").inner_text().strip() == "Sources"
    assert "Early Help Assessment needed for this route: yes" in main_text(page)
    assert "Starting Point request for support" in page.locator("#form ~ p").first.inner_text()
    footer = page.locator("footer").inner_text()
    assert "never replaces, your professional judgement and your safeguarding lead" in footer
    assert "September 2022" in footer
    check_accessible(
        page, "web-guidance-derbyshire" + ("" if scripts else "-no-script"), scripts=scripts
    )
    if scripts:
        # docs/screenshots/make.py makes the README's screenshot of this page (guidance.png)
        page.set_viewport_size({"width": 1280, "height": 1500})
        page.screenshot(path=str(ARTIFACTS / "guidance-readme.png"))
        page.set_viewport_size({"width": 1280, "height": 900})


def derby_city_with_eha(page: Any, site: str, registry: Registry) -> None:
    choices = {**PRACTITIONER, "eha": "completed"}
    start(page, site, "Derby City Council")
    asked = answer_all(page, choices)
    assert "escalation" not in asked  # it cannot change the route in Derby City
    page.get_by_role("button", name="See the guidance").click()
    expected = expected_route(registry, "derby_city", choices)
    assert page.locator("#route").get_attribute("data-route") == "vulnerable-childrens-meeting"
    assert expected.route == "vulnerable-childrens-meeting"
    assert page.get_by_role("heading", level=1).inner_text() == "Vulnerable Children's Meeting"
    assert page.locator("#route-summary").inner_text() == expected.summary
    now = page.locator("#contact-now")
    assert "Locality Vulnerable Children's Meeting (VCM)" in now.inner_text()
    assert "Open now: not stated in the sources" in now.inner_text()
    # a caution is warning text; what the sources do not say is inset text (issue 15)
    warnings = page.locator("#warnings .govuk-warning-text, #warnings .govuk-inset-text")
    assert warnings.count() == len(expected.warnings)
    assert page.get_by_role("link", name="Open the form").is_visible()
    assert page.get_by_role("link", name="See and print the decision record").is_visible()
    check_accessible(page, "web-guidance-derby-city-vcm")
    page.get_by_role("link", name="See and print the decision record").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Decision record"
    assert "vulnerable-childrens-meeting" in main_text(page)
    check_accessible(page, "web-record-derby-city")
    page.go_back()
    page.get_by_role("link", name="Open the form").click()
    form = registry.form("derby_city", "derby-city-vcm-submission")
    assert page.get_by_role("heading", level=1).inner_text() == form.title
    assert page.locator(".govuk-tag", has_text="from the case").count() >= 1
    assert "September 2022" in page.locator("footer").inner_text()
    check_accessible(page, "web-form-derby-city-vcm")


def change_from_check(page: Any, site: str, registry: Registry, *, scripts: bool) -> None:
    choices = {**PRACTITIONER, "eha": "completed"}
    start(page, site, "Derby City Council")
    answer_all(page, choices)
    row = page.locator(".threshold-answer-eha")
    assert "Yes, it has been completed" in row.inner_text()
    row.get_by_role("link", name="Change").click()
    assert page.locator("input[name=eha][value=completed]").is_checked()
    hidden = {
        e.get_attribute("name"): e.get_attribute("value")
        for e in page.locator("form input[type=hidden]").all()
    }
    assert hidden["level"] == "3" and hidden["consent"] == "given" and "eha" not in hidden
    if scripts:
        check_accessible(page, "web-change-eha")
    assert page.get_by_role("link", name="Back").get_attribute("href").startswith("/check?")
    answer(page, "eha", "none")
    assert "/check?" in page.url
    assert (
        page.locator(".threshold-answer-eha .govuk-summary-list__value").inner_text().strip()
        == "No"
    )
    assert (
        page.locator(".threshold-answer-level .govuk-summary-list__value").inner_text()
        == "Level 3: Intensive"
    )
    page.get_by_role("button", name="See the guidance").click()
    changed = {**choices, "eha": "none"}
    assert expected_route(registry, "derby_city", changed).route == "online-referral"
    assert page.locator("#route").get_attribute("data-route") == "online-referral"
    if scripts:
        check_accessible(page, "web-guidance-derby-city-online-referral")


# ----------------------------------------------------------------------------- tests
def test_immediate_danger_stop_page(page: Any, site: str) -> None:
    immediate_danger(page, site)


def test_derbyshire_level_3_without_an_eha(page: Any, site: str, registry: Registry) -> None:
    derbyshire_without_eha(page, site, registry, scripts=True)


def test_derby_city_level_3_with_an_eha(page: Any, site: str, registry: Registry) -> None:
    derby_city_with_eha(page, site, registry)


def test_change_an_answer_from_the_check_page(page: Any, site: str, registry: Registry) -> None:
    change_from_check(page, site, registry, scripts=True)


def test_the_same_clicks_work_with_javascript_off(
    no_script_page: Any, site: str, registry: Registry
) -> None:
    immediate_danger(no_script_page, site, scripts=False)
    assert no_script_page.locator("script").count() == 0
    derbyshire_without_eha(no_script_page, site, registry, scripts=False)
    change_from_check(no_script_page, site, registry, scripts=False)


def test_ring_now_on_saturday_night_is_a_line_open_now(
    page: Any, site: str, registry: Registry
) -> None:
    """Derby City, level 2, time-limited setting, Saturday 21:00 (issue 11): the box
    is the Care line the threshold document gives out of hours, not the closed
    consultation line, which is listed after it saying what to use meanwhile."""
    saturday_night = "2026-11-28T21:00"
    choices = {**PRACTITIONER, "level": "2", "setting": "yes"}
    page.goto(f"{site}/?at={saturday_night}")
    page.get_by_label("Derby City Council").check()
    page.get_by_role("button", name="Start").click()
    answer_all(page, choices)
    page.get_by_role("button", name="See the guidance").click()
    expected = route(
        {**web_case(registry, "derby_city", choices), "at": saturday_night},
        "derby_city",
        registry=registry,
    )
    assert expected.contacts[0].phone == "01332 956606"
    box = page.locator("#contact-now")
    assert box.get_by_role("heading", name="Ring now").is_visible()
    assert box.locator("a[href='tel:01332956606']").is_visible()
    assert "Derby City Care line" in box.inner_text() and "Closed now" not in box.inner_text()
    assert "07812300329) is closed now" in page.locator("#contact-now-instead").inner_text()
    others = page.locator("ul > li.threshold-step", has_text="07812300329")
    assert "Closed now" in others.inner_text()
    assert "Meanwhile, the sources give Derby City Care line" in others.inner_text()
    check_accessible(page, "web-guidance-ring-now-saturday-night")


def test_a_question_sent_without_an_answer_shows_the_error_summary(page: Any, site: str) -> None:
    start(page, site, "Derbyshire County Council")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and page.title().startswith("Error: ")
    # the browser applies autofocus at a later frame: wait for it (a loaded machine
    # may not have reached it when the load event fires)
    page.wait_for_function(
        "document.activeElement.className === 'govuk-error-summary'", timeout=15_000
    )
    link = summary.get_by_role("link", name="Select yes if the child is in immediate danger")
    assert link.get_attribute("href") == "#danger"
    assert page.locator("#danger-error").is_visible()
    described = page.locator("fieldset").get_attribute("aria-describedby")
    assert "danger-error" in (described or "")
    check_accessible(page, "web-question-error")
    link.click()
    assert page.evaluate("location.hash") == "#danger"
    assert page.locator("#danger").is_visible()


def test_focus_is_visible(page: Any, site: str) -> None:
    start(page, site, "Derbyshire County Council")
    # GOV.UK Frontend's radio hides the input and draws its focus ring, yellow, on
    # the label's circle (issue 15: the library's radios replaced our own)
    page.locator("#danger").focus()
    ring = page.evaluate(
        "getComputedStyle(document.querySelector(\"label[for='danger']\"), '::before').boxShadow"
    )
    assert "rgb(255, 221, 0)" in ring, ring
    for selector in ("button.govuk-button", ".govuk-back-link"):
        page.locator(selector).focus()
        style = page.evaluate(
            "s => { const c = getComputedStyle(document.querySelector(s));"
            " return [c.outlineStyle, c.outlineWidth, c.backgroundColor, c.outlineColor]; }",
            selector,
        )
        yellow = "rgb(255, 221, 0)"
        assert style[0] == "solid" and style[1] == "3px", (selector, style)
        assert yellow in (style[2], style[3]), (selector, style)


def test_indicators_page_from_the_level_question(page: Any, site: str, registry: Registry) -> None:
    start(page, site, "Derby City Council")
    for question_id in ("danger", "harm", "referrer"):
        answer(page, question_id, PRACTITIONER[question_id])
    assert page.get_by_role("heading", level=1).inner_text().startswith("What level of need")
    page.get_by_role("link", name="The threshold indicators of level 4").click()
    from threshold.core.analysis.indicator_search import select

    chosen = select(registry.indicators_for("derby_city"), level=4)
    assert page.locator("main li[id^='L4-']").count() == len(chosen)
    check_accessible(page, "web-indicators-level-4")
    page.get_by_role("link", name="Back to the question").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("What level of need")
    answer(page, "level", "2")
    assert "/question" in page.url  # the earlier answers were kept


def test_the_readme_screenshot_is_a_guidance_page() -> None:
    """docs/screenshots/guidance.png (made by docs/screenshots/make.py: the page
    of the Derbyshire case this module's browser test walks) is a PNG under
    250 KB, as the other screenshots are, and the README shows it."""
    data = GUIDANCE_SCREENSHOT.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 1280 and 800 <= height <= 2000
    assert len(data) < 250_000
    readme = (REPO / "README.md").read_text("utf-8")
    assert "](docs/screenshots/guidance.png)" in readme


def test_a_broken_authority_rule_shows_a_503_page_with_999_first(page: Any) -> None:
    """A person answers the questions for an authority whose routing rule raises:
    the page they land on names the authority, says it cannot be used, and begins
    with 999 (it was a bare "something went wrong" 500)."""
    from tests.interfaces.web.test_web import _BrokenRule

    with web_server(Registry.load([("broken", _BrokenRule)])) as url:
        start(page, url, "Broken Shire")
        for _ in range(len(PRACTITIONER)):
            radios = page.locator("form input[type=radio]")
            if "/question" not in page.url or radios.count() == 0:
                break
            name = radios.first.get_attribute("name")
            answer(page, name, PRACTITIONER[name])
        if page.get_by_role("button", name="See the guidance").count():
            page.get_by_role("button", name="See the guidance").click()
        assert page.get_by_role("heading", level=1).inner_text() == (
            "This local authority cannot be used"
        )
        first = page.locator("main > *").first
        assert "If a child is in immediate danger, ring 999 now." in first.inner_text()
        assert "Broken Shire (broken_shire) cannot be used now" in main_text(page)
        check_accessible(page, "web-broken-authority")
