"""Over HTTP: every phone number of an authority's contacts that a guidance page
or a form page shows is inside a ``tel:`` link (issue 15: numbers in banners and
steps are tappable), for every route of both built-in authorities, by day and at
night (when a closed line's place is taken by another, and the page says so).

Left out of the check: what cannot hold a link (the page's title, scripts,
styles, what a person types) and the name of a question ("Did you ring 999?": a
form's label or legend, its summary list key and the in-page "Change" link that
repeats it), which names a number rather than asks for it to be rung.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from tests.interfaces.web.test_web_first_screen import ROUTES
from tests.web_helpers import get, links, web_server
from threshold.core.plugins.registry import default_registry

#: A weekday morning, and a Saturday night (the consultation lines are closed).
TIMES = {"day": "2026-11-23T11:00", "night": "2026-11-28T21:00"}


#: Elements whose text is left out of the check (see the module's docstring).
_LEFT_OUT = frozenset({"title", "script", "style", "textarea", "label", "legend", "dt"})


class _Shown(HTMLParser):
    """The text a page shows, in pieces, each marked with whether it is inside a
    ``tel:`` link (what the module's docstring leaves out is left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[bool, str]] = []
        self._tel = 0
        self._skip = 0
        self._links: list[tuple[bool, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            tel, in_page = href.startswith("tel:"), href.startswith("#")
            self._links.append((tel, in_page))
            self._tel += tel
            self._skip += in_page
        elif tag in _LEFT_OUT:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            tel, in_page = self._links.pop()
            self._tel -= tel
            self._skip -= in_page
        elif tag in _LEFT_OUT:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.pieces.append((self._tel > 0, data))


def _pattern(number: str) -> re.Pattern[str]:
    """A number as a page may write it: its digits, with or without spaces."""
    digits = r"\s?".join(re.sub(r"\D", "", number))
    return re.compile(r"(?<![\w-])" + digits + r"(?![\w-])")


NUMBERS = {
    authority: sorted(
        {c.phone for c in default_registry().get(authority).authority.contacts if c.phone}
    )
    for authority in ("derbyshire", "derby_city")
}


def untapped(page: str, authority: str) -> list[str]:
    """Each contact number of ``authority`` shown on ``page`` outside a ``tel:``
    link, with the words around it."""
    parser = _Shown()
    parser.feed(page)
    outside = "\x00".join(data for tel, data in parser.pieces if not tel)
    found = []
    for number in NUMBERS[authority]:
        for match in _pattern(number).finditer(outside):
            around = outside[max(0, match.start() - 60) : match.end() + 20]
            found.append(re.sub(r"\s+", " ", around.replace("\x00", "")))
    return found


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with web_server() as url:
        yield url


def test_the_check_finds_a_number_outside_a_link() -> None:
    page = '<p>Ring <a href="tel:999">999</a> or 01332 641172.</p><p><a href="/x">999</a></p>'
    assert len(untapped(page, "derby_city")) == 2
    named = '<title>Ring 999</title><legend>Did you ring 999?</legend><a href="#r">999</a>'
    assert untapped(named + "<code>rang-999</code>", "derby_city") == []
    assert untapped('<a href="tel:01332641172">01332 641172</a>', "derby_city") == []


@pytest.mark.parametrize("when", sorted(TIMES))
@pytest.mark.parametrize(
    ("authority", "name", "answers"), ROUTES, ids=[f"{a}-{n}" for a, n, _ in ROUTES]
)
def test_every_number_on_the_guidance_and_form_pages_is_a_tel_link(
    server: str, authority: str, name: str, answers: dict[str, str], when: str
) -> None:
    query = urlencode({"authority": authority, **answers, "at": TIMES[when]})
    guidance = get(server, f"/guidance?{query}")
    assert guidance.status == 200
    page = guidance.body.decode()
    assert f'data-route="{name}"' in page
    assert untapped(page, authority) == []
    forms = [
        link for link in links(page) if link.split("?")[0] == "/form" and "format=" not in link
    ]
    for link in dict.fromkeys(forms):
        form = get(server, link)
        assert form.status == 200
        assert untapped(form.body.decode(), authority) == [], link
