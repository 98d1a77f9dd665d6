"""The pages use GOV.UK Frontend's stylesheet and our own, served by the tool at
content-named addresses; no page has an inline style or script, so the
Content-Security-Policy allows styles from this service only (issue 15)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.web_helpers import AT, get, web_server
from threshold.core.interfaces.web.assets import OWN_CSS, stylesheets
from threshold.templates.vendor import govuk_frontend

PAGES = [
    f"/?at={AT}",
    "/question?authority=derbyshire",
    "/guidance?authority=derbyshire&danger=no&harm=significant-harm",
    "/urgent?authority=derby_city&danger=yes",
    "/no-such-page",
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with web_server() as url:
        yield url


def test_the_stylesheets_are_served_for_a_year(server: str) -> None:
    for address, body in (
        (stylesheets()["govuk"], govuk_frontend.css_text()),
        (stylesheets()["own"], OWN_CSS.read_text("utf-8")),
    ):
        answer = get(server, address)
        assert answer.status == 200 and answer.body.decode() == body
        assert answer.headers["content-type"] == "text/css; charset=utf-8"
        assert "immutable" in answer.headers["cache-control"]
    assert govuk_frontend.version() in stylesheets()["govuk"]
    assert get(server, "/assets/other.css").status == 404


@pytest.mark.parametrize("path", PAGES)
def test_pages_link_the_stylesheets_and_have_no_inline_style(server: str, path: str) -> None:
    answer = get(server, path, headers={"accept": "text/html"})
    page = answer.body.decode()
    assert "style-src 'self';" in answer.headers["content-security-policy"]
    assert "unsafe-inline" not in answer.headers["content-security-policy"]
    for name, address in stylesheets().items():
        media = ' media="print"' if name == "print" else ""
        assert f'<link rel="stylesheet" href="{address}"{media}>' in page
    assert "<style" not in page and " style=" not in page and "<script" not in page
    # a service off GOV.UK: no crown, no GOV.UK logotype
    assert not re.search(r"govuk-logo|govuk-header__logotype|crown", page, re.IGNORECASE)


def test_every_own_rule_is_commented() -> None:
    """Each rule of our stylesheet follows a comment that says why it is there."""
    css = OWN_CSS.read_text("utf-8")
    blocks = re.findall(r"(/\*.*?\*/)?\s*([^{}/]+)\{[^}]*\}", css, re.DOTALL)
    assert blocks
    for comment, selector in blocks:
        assert comment, f"{selector.strip()}: no comment says why"


#: Classes that are hooks for tests and print, not styles.
HOOKS = re.compile(r"threshold-(answer-[a-z-]+|step|no-print)")


FULL_GUIDANCE = (
    "/guidance?authority=derby_city&danger=no&harm=no&referrer=professional&level=3"
    f"&eha=completed&setting=no&consent=given&unborn=no&at={AT}"
)


@pytest.mark.parametrize("path", [*PAGES[:4], FULL_GUIDANCE])
def test_every_class_on_a_page_is_styled_by_one_of_the_stylesheets(server: str, path: str) -> None:
    from tests.test_govuk_vendor import css_class_selectors, html_classes

    page = get(server, path, headers={"accept": "text/html"}).body.decode()
    styled = css_class_selectors(govuk_frontend.css_text() + OWN_CSS.read_text("utf-8"))
    unstyled = {c for c in html_classes(page) - styled if not HOOKS.fullmatch(c)}
    # containers the library outputs with no rule of their own (their items are styled)
    assert unstyled <= {"govuk-radios", "govuk-generic-header__container"}, unstyled
