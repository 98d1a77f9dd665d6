"""Over HTTP: phone numbers in banners and steps are tel: links, web addresses are
links, the start page's question is its heading, and an urgent answer's next page
is the guidance (issue 15)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.web_helpers import AT, PRACTITIONER, follow, get, links, text, web_server


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with web_server() as url:
        yield url


def test_the_start_pages_question_is_its_heading(server: str) -> None:
    page = get(server, f"/?at={AT}").body.decode()
    legend = re.search(r"<legend[^>]*>(.*?)</legend>", page, re.DOTALL)
    assert legend and "<h1" in legend.group(1)
    assert text(legend.group(1)) == "Which local authority is the child in?"
    assert page.count("<h1") == 1


def test_numbers_and_addresses_in_the_steps_are_links(server: str) -> None:
    answers = {**PRACTITIONER, "harm": "significant-harm"}
    path = "/guidance?" + "&".join(f"{k}={v}" for k, v in answers.items())
    page = get(server, f"{path}&authority=derbyshire&at={AT}").body.decode()
    steps = page.split('id="steps"', 1)[1].split("</ol>", 1)[0]
    assert 'href="tel:01629533190"' in steps
    assert "https://www.derbyshire.gov.uk/startingpoint" in links(page)
    assert not re.search(r"(?<![\w/>])www\.derbyshire\.gov\.uk/startingpoint(?![^<]*</a>)", page)


def test_an_urgent_answer_goes_to_the_guidance_and_the_banner_number_is_a_link(
    server: str,
) -> None:
    answer = get(server, "/question?authority=derby_city&danger=no&harm=bruising&asked=harm")
    assert answer.status == 303 and answer.headers["location"].startswith("/guidance?")
    _, guidance = follow(server, answer.headers["location"])
    page = guidance.body.decode()
    assert 'data-route="child-protection"' in page and 'id="remaining"' in page
    remaining = re.search(r'id="remaining".*?href="([^"]+)"', page, re.DOTALL)
    assert remaining
    _, question = follow(server, remaining.group(1).replace("&amp;", "&"))
    banner = question.body.decode().split('class="govuk-warning-text"', 1)[1].split("</div>")[0]
    assert 'href="tel:01332641172"' in banner
    # an answer that leaves the route as urgent as it was goes on to the next question
    after = get(server, "/question?authority=derby_city&danger=no&harm=bruising"
                "&referrer=professional&asked=referrer")  # fmt: skip
    assert after.headers["location"].startswith("/question?")


def test_no_early_guidance_while_an_urgent_question_is_open(server: str) -> None:
    """Significant harm with the immediate-danger question unanswered (a typed
    address): the route could still become more urgent, so the danger question
    comes first, not the child protection guidance."""
    answer = get(server, "/guidance?authority=derbyshire&harm=significant-harm")
    assert answer.status == 303 and answer.headers["location"].startswith("/question?")


def test_early_guidance_offers_no_form_or_record_until_the_rest_is_answered(
    server: str,
) -> None:
    page = get(server, "/guidance?authority=derbyshire&danger=no&harm=significant-harm")
    words = text(page.body.decode())
    assert "answer the remaining questions first" in words
    assert not {"/form", "/record"} & {link.split("?")[0] for link in links(page.body.decode())}
