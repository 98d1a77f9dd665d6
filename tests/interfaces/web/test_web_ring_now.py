"""The web tool's "Ring now" / "Contact first" box over plain HTTP, against the real
server on a loopback port (issue 11, section 1): the box shows a line that can be
used now, the engine's first contact, and a closed line says when it opens and
what to use meanwhile."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.web_helpers import PRACTITIONER, get, text, web_case, web_server
from threshold.core.engine.api import route
from threshold.core.plugins.registry import Registry

SATURDAY_NIGHT = "2026-11-28T21:00"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with web_server() as url:
        yield url


def guidance_page(server: str, authority: str, at: str, **override: str) -> str:
    answers = {**PRACTITIONER, **override}
    answer = get(server, "/guidance?" + urlencode({"authority": authority, **answers, "at": at}))
    assert answer.status == 200, answer.body[:300]
    return answer.body.decode()


def box(page: str) -> str:
    """The text of the "Ring now" / "Contact first" box."""
    match = re.search(r'<section[^>]*id="contact-now".*?</section>', page, re.DOTALL)
    assert match, "no contact box"
    return text(match.group(0))


@pytest.mark.parametrize(
    ("authority", "line", "closed"),
    [
        ("derby_city", "01332 956606", "07812300329"),
        ("derbyshire", "01629 532 600", "01629 535353"),
    ],
)
def test_ring_now_on_saturday_night_is_the_out_of_hours_line(
    server: str, registry: Registry, authority: str, line: str, closed: str
) -> None:
    page = guidance_page(server, authority, SATURDAY_NIGHT, level="2", setting="yes")
    now = box(page)
    assert now.startswith("Ring now") and line in now and closed in now
    assert "Closed now" not in now and "Listed first because" in now
    expected = route(
        {
            **web_case(registry, authority, {**PRACTITIONER, "level": "2", "setting": "yes"}),
            "at": SATURDAY_NIGHT,
        },
        authority,
        registry=registry,
    )
    assert expected.contacts[0].phone == line
    others = text(page.split("Other contacts for this route", 1)[1].split("What to do", 1)[0])
    assert closed in others and "Closed now" in others and "Meanwhile, the sources give" in others


def test_derbyshire_without_an_eha_on_saturday_night_is_not_sent_to_the_closed_form(
    server: str,
) -> None:
    page = guidance_page(server, "derbyshire", SATURDAY_NIGHT)
    assert 'data-route="early-help-first"' in page
    now = box(page)
    assert "Starting Point online request for support form" not in now
    assert "01629 532 600" in now and "Closed now" not in now
    # the form is still listed, closed, saying when the inbox is next monitored
    others = text(page.split("Other contacts for this route", 1)[1].split("What to do", 1)[0])
    assert "Starting Point online request for support form" in others
    assert "Next known to open: Monday 30 November 2026, 09:00 (UK time)." in others
