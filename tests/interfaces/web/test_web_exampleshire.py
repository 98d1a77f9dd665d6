"""Exampleshire (the fictional, test-only authority of issue 13) end to end in the
web tool, over plain HTTP against the real server on a loopback port (and once in
real headless Chromium), with the plugin installed through its entry point: a
person answers its own questions (its five levels by its own names, its own
consent wording, no assessment question), and the guidance shows its front door,
its emailed form within 24 hours, and, on a Friday at 16:30 when the front door
has closed, the duty service on the same number, open, in the "Ring now" box."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web_helpers import (
    AT,
    follow,
    forms,
    links,
    main_text,
    shown_route,
    text,
    walk,
    web_server,
)
from threshold.core.engine.api import route
from threshold.core.interfaces.web.wizard import case_from_answers
from threshold.core.plugins.registry import Registry

AUTHORITY = "exampleshire"
FRONT_DOOR = "Exampleshire First Response"
DUTY = "Exampleshire Emergency Duty Team"
NUMBER = "0115 496 0100"
#: Friday 27 November 2026: the front door closes at 16:30 on a Friday.
FRIDAY_16_29 = "2026-11-27T16:29"
FRIDAY_16_30 = "2026-11-27T16:30"

#: A practitioner's answers to Exampleshire's questions (it has no others).
PRACTITIONER = {
    "danger": "no",
    "harm": "no",
    "referrer": "professional",
    "level": "5",
    "consent": "agreed",
}

#: Words of the DDSCP's document that no page of another authority may show.
DDSCP_WORDS = re.compile(
    r"Derby|DDSCP|Starting Point|Early Help Assessment|\bEHA\b|48 hours|time-limited"
)


@pytest.fixture
def site(exampleshire_registry: Registry) -> Iterator[str]:
    with web_server(exampleshire_registry) as url:
        yield url


def box(page: str) -> str:
    """The text of the "Ring now" / "Contact first" box."""
    match = re.search(r'<section[^>]*id="contact-now".*?</section>', page, re.DOTALL)
    assert match, "no contact box"
    return text(match.group(0))


def engine(registry: Registry, answers: dict[str, str], at: str) -> object:
    policy = registry.get(AUTHORITY).authority
    return route({**case_from_answers(policy, answers), "at": at}, AUTHORITY, registry=registry)


def test_its_own_questions_are_asked_and_no_other(site: str) -> None:
    """The start page offers it; its level question offers its five levels by its
    own names and summaries; a level 3 case asks its own consent question; no
    question of another authority (the assessment, a setting, an unborn baby) is
    asked."""
    _, start = follow(site, f"/?at={AT}")
    assert "Exampleshire County Council (fictional)" in text(start.body.decode())
    to_level = "/question?authority=exampleshire&danger=no&harm=no&referrer=professional"
    _, answer = follow(site, f"{to_level}&at={AT}")
    page = answer.body.decode()
    (form,) = forms(page)
    assert form.radios == {"level": ["1", "2", "3", "4", "5", "unsure"]}
    words = main_text(page)
    assert "Which of Exampleshire's levels of need is this?" in words
    for name in (
        "Level 1: Universal",
        "Level 2: Early support",
        "Level 3: Targeted family help",
        "Level 4: Complex needs",
        "Level 5: Acute and protection",
    ):
        assert name in words
    assert "Treat every level 5 concern as a child protection concern." in words
    walked = walk(site, AUTHORITY, {**PRACTITIONER, "level": "3"})
    assert walked.asked == ["danger", "harm", "referrer", "level", "consent"]
    assert shown_route(walked.page) == "early-help-request"
    _, consent = follow(site, f"{to_level}&level=3&at={AT}")
    assert "Does the family agree to you asking for help?" in main_text(consent.body.decode())
    assert forms(consent.body.decode())[0].radios == {
        "consent": ["agreed", "not-agreed", "not-asked", "unsafe-to-ask"]
    }


def test_level_5_shows_its_front_door_and_the_emailed_form(
    site: str, exampleshire_registry: Registry
) -> None:
    walked = walk(site, AUTHORITY, PRACTITIONER)
    assert walked.asked == ["danger", "harm", "referrer", "level"]  # consent cannot change it
    guidance = engine(exampleshire_registry, PRACTITIONER, AT)
    assert shown_route(walked.page) == guidance.route == "child-protection"  # type: ignore[attr-defined]
    words = main_text(walked.page)
    assert "Child protection: ring First Response" in words
    assert "Level of need: 5 (Acute and protection)." in words
    now = box(walked.page)
    assert now.startswith("Ring now") and FRONT_DOOR in now and NUMBER in now
    assert "Open now" in now and DUTY not in now
    assert 'href="tel:01154960100"' in walked.page
    assert "Follow up in writing within 24 hours" in words
    # the written follow-up is an email: its address is shown, and it is a link
    others = text(walked.page.split("Other contacts for this route", 1)[1].split("What to do")[0])
    assert "safeguarding@exampleshire.example" in others
    assert "no number or address in the sources" not in others
    assert 'href="mailto:safeguarding@exampleshire.example"' in walked.page
    assert not DDSCP_WORDS.search(text(walked.page)), DDSCP_WORDS.findall(text(walked.page))
    assert "1 March 2026" in walked.page.split("<footer", 1)[1]
    # its referral form, prefilled, with its own level names and no other document's words
    form_path = next(link for link in links(walked.page) if urlsplit(link).path == "/form")
    _, form = follow(site, form_path)
    form_page = form.body.decode()
    assert form.status == 200 and "Exampleshire safeguarding referral form" in form_page
    assert "Acute and protection" in text(form_page)
    assert not DDSCP_WORDS.search(text(form_page)), DDSCP_WORDS.findall(text(form_page))


@pytest.mark.parametrize(
    ("at", "first", "closed"),
    [(FRIDAY_16_29, FRONT_DOOR, DUTY), (FRIDAY_16_30, DUTY, FRONT_DOOR)],
    ids=["friday-16:29", "friday-16:30"],
)
def test_on_friday_at_16_30_the_duty_service_is_the_line_to_ring(
    site: str, exampleshire_registry: Registry, at: str, first: str, closed: str
) -> None:
    """The front door closes at 16:30 on a Friday (17:00 on other weekdays): at
    16:30 the box is the duty service on the same number, open, never the closed
    front door; at 16:29 it is the front door."""
    walked = walk(site, AUTHORITY, PRACTITIONER, at=at)
    guidance = engine(exampleshire_registry, PRACTITIONER, at)
    contacts = guidance.contacts  # type: ignore[attr-defined]
    now = box(walked.page)
    assert now.startswith(f"Ring now {first}")
    assert contacts[0].name.startswith(first) and contacts[0].open is True
    assert "Open now" in now and "Closed now" not in now and NUMBER in now
    if at == FRIDAY_16_30:
        assert f"Listed first because {closed}" in now
        others = text(walked.page.split("Other contacts for this route", 1)[1])
        listed = others.split("What to do")[0]
        assert closed in listed and "Closed now" in listed
        assert "Next known to open: Monday 30 November 2026, 08:30 (UK time)." in listed
    else:
        assert "Listed first because" not in now  # it is first in the data anyway


def test_in_chromium_on_friday_at_16_30(page: Any, site: str) -> None:
    """The same in real headless Chromium: a person picks Exampleshire, answers its
    questions (its five levels on the level page), and on a Friday at 16:30 the
    guidance's Ring now box is the duty service, open, on the front door's number;
    each page is accessible (axe, also at 640px)."""
    from tests.interfaces.web.test_web_browser import answer, check_accessible

    page.goto(f"{site}/?at={FRIDAY_16_30}")
    assert "1 March 2026" in page.locator("footer").inner_text()
    page.get_by_label("Exampleshire County Council (fictional)").check()
    page.get_by_role("button", name="Start").click()
    for question_id in ("danger", "harm", "referrer"):
        answer(page, question_id, PRACTITIONER[question_id])
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Which of Exampleshire's levels of need is this?"
    labels = page.locator("label.govuk-radios__label").all_inner_texts()
    assert [label.strip() for label in labels] == [
        "Level 1: Universal",
        "Level 2: Early support",
        "Level 3: Targeted family help",
        "Level 4: Complex needs",
        "Level 5: Acute and protection",
        "I am not sure",
    ]
    check_accessible(page, "web-question-level-exampleshire")
    answer(page, "level", "5")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers"
    assert page.locator(".govuk-summary-list__row").count() == 1 + 4  # no other question
    page.get_by_role("button", name="See the guidance").click()
    assert page.locator("#route").get_attribute("data-route") == "child-protection"
    now = page.locator("#contact-now")
    assert now.get_by_role("heading", name="Ring now").is_visible()
    assert now.locator("strong").first.inner_text().startswith(DUTY)
    assert now.locator(
        "#contact-now-line a[href='tel:01154960100']"
    ).is_visible()  # the line to ring; 'instead' links it too
    assert "Open now" in now.inner_text() and "Closed now" not in now.inner_text()
    instead = page.locator("#contact-now-instead").inner_text()
    assert f"{FRONT_DOOR} ({NUMBER}) is closed now" in instead
    mail = page.locator("a[href='mailto:safeguarding@exampleshire.example'] >> visible=true").first
    assert mail.is_visible()
    check_accessible(page, "web-guidance-exampleshire-friday-16-30")
