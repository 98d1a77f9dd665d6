"""The guidance page answers "what now?" in its first screen (issue 15, item 2),
in real headless Chromium against the real server on a loopback port.

For every route of both built-in authorities, at 375 x 667 (a small phone) and
at 1280 x 720, without scrolling: the route's title, the one action to take now
(the first step), the contact to use now (the engine's first contact) with its
``tel:`` link and whether it is open now, and 999 when the route is urgent. No
seed file name is anywhere in the HTML (sources are readable citations inside
details elements), "the sources do not state" notes are inset text and never
the warning, and each page passes axe. An answer that makes the route urgent
leads straight to its guidance, which offers the remaining questions.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import axe_serious_violations, screenshot
from tests.web_helpers import AT, web_server
from threshold.core.engine.api import route
from threshold.core.interfaces.web.wizard import case_from_answers, questions
from threshold.core.model.enums import URGENT_KINDS
from threshold.core.plugins.registry import Registry, default_registry

AUTHORITIES = ("derbyshire", "derby_city")
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
#: How a note about the sources begins (what they do not say, or where they differ).
SOURCE_NOTES = ("The sources do not", "The threshold document differs", "The sources say")
WIDTHS = {"phone": (375, 667), "desktop": (1280, 720)}


def _answers_per_route(registry: Registry, authority: str) -> dict[str, dict[str, str]]:
    """One set of answers to the pages' questions for each route the authority
    gives (the first found, in the questions' option order)."""
    policy = registry.get(authority).authority
    items = questions(policy)
    found: dict[str, dict[str, str]] = {}
    for combination in itertools.product(*[[o.value for o in q.options] for q in items]):
        answers = dict(zip([q.id for q in items], combination, strict=True))
        if answers["danger"] == "yes" and "emergency" in found:
            continue
        case = {**case_from_answers(policy, answers), "at": AT}
        found.setdefault(route(case, authority, registry=registry).route, answers)
    return found


ROUTES = [
    (authority, name, answers)
    for authority in AUTHORITIES
    for name, answers in _answers_per_route(default_registry(), authority).items()
]


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with web_server() as url:
        yield url


def in_view(page: Any, locator: Any, what: str) -> None:
    """``locator`` is shown inside the viewport as the page opens (no scrolling)."""
    assert locator.count() >= 1, f"{what}: not on the page"
    box = locator.first.bounding_box()
    size = page.viewport_size
    assert box is not None, f"{what}: not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (what, box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (what, box, size)


def test_every_built_in_route_is_checked() -> None:
    """The list above holds every route of both authorities (8 each)."""
    names = {(authority, name) for authority, name, _ in ROUTES}
    assert len(names) == 16
    assert {"emergency", "child-protection", "universal", "public-contact"} <= {
        name for _, name, _ in ROUTES
    }


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize(
    ("authority", "name", "answers"), ROUTES, ids=[f"{a}-{n}" for a, n, _ in ROUTES]
)
def test_the_first_screen_says_what_to_do_now(
    page: Any,
    site: str,
    registry: Registry,
    authority: str,
    name: str,
    answers: dict[str, str],
    width: str,
) -> None:
    policy = registry.get(authority).authority
    guidance = route({**case_from_answers(policy, answers), "at": AT}, authority, registry=registry)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto(f"{site}/guidance?" + urlencode({"authority": authority, **answers, "at": AT}))
    assert page.locator("#route").get_attribute("data-route") == name
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == guidance.route_title
    in_view(page, heading, "the route's title")
    action = page.locator("#action-now")
    assert action.inner_text() == guidance.steps[0].action
    in_view(page, action, "the action to take now")
    if guidance.contacts:
        first = guidance.contacts[0]
        box = page.locator("#contact-now")
        assert first.name in box.locator("strong").first.inner_text()
        in_view(page, box.locator("strong").first, "the contact's name")
        if first.phone:
            digits = re.sub(r"\D", "", first.phone)
            in_view(page, box.locator(f"a[href='tel:{digits}']"), "the tel: link")
        status = {True: "Open now", False: "Closed now", None: "Open now: not stated"}
        tag = page.locator("#contact-now-status strong")
        assert tag.inner_text().strip().startswith(status[first.open])
        in_view(page, tag, "whether it is open now")
    else:
        in_view(page, page.locator("#contact-now-none"), "that there is no line to ring")
    if guidance.kind in URGENT_KINDS:
        in_view(page, page.locator("#now a[href='tel:999']"), "999")
    html = page.content()
    assert SEED_FILE.search(html) is None, SEED_FILE.search(html)
    notes = [w for w in guidance.warnings if w.message.startswith(SOURCE_NOTES)]
    assert {w.code for w in guidance.warnings if w.code.endswith("-not-stated")} <= {
        w.code for w in notes
    }
    for note in notes:
        inset = page.locator("#warnings .govuk-inset-text", has_text=note.message[:60])
        assert inset.count() == 1, note.message
        assert page.locator(".govuk-warning-text", has_text=note.message[:60]).count() == 0
    sources = page.locator("#sources ~ details.govuk-details")
    assert sources.count() == 1
    cited = sources.text_content() or ""
    assert any(f"{d.short_title}, " in cited for d in policy.documents if d.short_title)
    if width == "phone":
        screenshot(page, f"web-first-screen-{authority}-{name}")
        assert axe_serious_violations(page) == [], (authority, name)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= 375, f"scrolls sideways at 375px ({scroll}px)"


@pytest.mark.parametrize("harm", ["significant-harm", "bruising"])
def test_an_urgent_answer_leads_to_the_guidance_next(page: Any, site: str, harm: str) -> None:
    """Significant harm (or bruising on a baby who cannot move) is a child
    protection referral whatever else is answered: the next page is its guidance,
    with the line to ring in the first screen; the remaining questions are offered
    and, answered, end at the check page and the full guidance."""
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(f"{site}/?at={AT}")
    page.get_by_label("Derby City Council").check()
    page.get_by_role("button", name="Start").click()
    for question_id, value in (("danger", "no"), ("harm", harm)):
        page.locator(f"input[name='{question_id}'][value='{value}']").check()
        page.get_by_role("button", name="Continue").click()
    assert "/guidance?" in page.url
    assert page.locator("#route").get_attribute("data-route") == "child-protection"
    in_view(page, page.locator("#contact-now a[href='tel:01332641172']"), "the line")
    in_view(page, page.locator("#now a[href='tel:999']"), "999")
    assert axe_serious_violations(page) == []
    page.get_by_role("link", name="Answer the remaining questions", exact=True).click()
    assert "/question?" in page.url
    answers = {"referrer": "professional", "consent": "not-sought", "unborn": "no"}
    while "/question?" in page.url:
        name = page.locator("form input[type=radio]").first.get_attribute("name")
        page.locator(f"input[name='{name}'][value='{answers[name]}']").check()
        page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers"
    page.get_by_role("button", name="See the guidance").click()
    assert page.locator("#route").get_attribute("data-route") == "child-protection"
    assert page.locator("#remaining").count() == 0
