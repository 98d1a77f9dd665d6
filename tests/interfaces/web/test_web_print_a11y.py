"""Print and accessibility of the web tool (issue 15, item 5), in real headless
Chromium against the real server on loopback:

- the guidance of every route of both built-in authorities prints on at most two
  A4 pages (Playwright's ``page.pdf``), with the name "threshold" in black, and
  without navigation, buttons, the footer's links or web addresses after links;
- axe-core with the WCAG 2.0, 2.1 and 2.2 A/AA tags finds no violation (of any
  impact) at 1280, 640 and 375 px on the start page, a question, check your
  answers, the guidance of each route kind, the form page and the accessibility
  statement, which the footer links to;
- a keyboard-only walk (Tab, Space, Enter; the arrow keys inside a radio group)
  reaches the guidance of every route of both authorities.

One browser; each test reuses one page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.interfaces.web.test_web import CASES
from tests.web_helpers import AT, PRACTITIONER, walk, web_case, web_server
from threshold.core.engine.api import route
from threshold.core.plugins.registry import Registry

AUTHORITIES = ("derbyshire", "derby_city")

#: The axe-core tags of WCAG 2.2 level AA and everything it includes.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

WIDTHS = (1280, 640, 375)

#: Most key presses to reach one control (a page has far fewer stops).
MAX_TABS = 80


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with web_server() as url:
        yield url


def engine(registry: Registry, authority: str, answers: dict[str, str]) -> Any:
    case = {**web_case(registry, authority, answers), "at": AT}
    return route(case, authority, registry=registry)


def one_case_per_route(registry: Registry, authority: str) -> dict[str, dict[str, str]]:
    """The first named case (tests/interfaces/web/test_web.py, whose cases reach
    every route) for each route of the authority: route -> answers."""
    found: dict[str, dict[str, str]] = {}
    for override in CASES.values():
        answers = {**PRACTITIONER, **override}
        found.setdefault(engine(registry, authority, answers).route, answers)
    return found


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF Chromium made (its ``/Type /Page`` objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def axe_violations(page: Any) -> list[str]:
    """Every violation axe-core finds under the WCAG 2.x A/AA tags, any impact."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in results.response["violations"]
    ]


def at_every_width(page: Any, name: str) -> None:
    """axe finds nothing, and nothing scrolls sideways, at each width."""
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert axe_violations(page) == [], f"{name} at {width}px"
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{name} scrolls sideways at {width}px ({scroll}px)"
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


# ----------------------------------------------------------------------------- print
def test_the_guidance_of_every_route_prints_on_at_most_two_a4_pages(
    page: Any, site: str, registry: Registry
) -> None:
    printed = {}
    for authority in AUTHORITIES:
        for route_id, answers in one_case_per_route(registry, authority).items():
            page.goto(site + walk(site, authority, answers).path)
            assert page.locator("#route").get_attribute("data-route") == route_id
            printed[(authority, route_id)] = pdf_pages(page.pdf(format="A4"))
    assert len(printed) >= 12 and min(printed.values()) >= 1, printed
    too_long = {key: pages for key, pages in printed.items() if pages > 2}
    assert not too_long, f"over two A4 pages: {too_long}"


def test_print_shows_the_name_and_hides_navigation_buttons_and_addresses(
    page: Any, site: str
) -> None:
    answers = {**PRACTITIONER, "level": "2", "setting": "yes"}
    page.goto(site + walk(site, "derbyshire", answers).path)
    page.emulate_media(media="print")
    try:
        name = page.locator("header").get_by_text("threshold", exact=True)
        assert name.is_visible()
        colours = name.evaluate(
            "e => [getComputedStyle(e).color,"
            " getComputedStyle(e.closest('header')).backgroundColor]"
        )
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], colours
        for selector in (
            ".govuk-back-link",
            ".govuk-skip-link",
            "footer a:not([href^='tel:'])",
            "main a[href^='/']",
        ):  # a tel: link in the disclaimer is its words, not navigation
            shown = [e for e in page.locator(selector).all() if e.is_visible()]
            assert not shown, selector
        assert page.locator("footer").get_by_text("never replaces").is_visible()
        after = page.evaluate(
            "[...document.querySelectorAll('main a[href]')]"
            ".map(a => getComputedStyle(a, '::after').content)"
            ".filter(c => c !== 'none' && c !== 'normal')"
        )
        assert after == []
    finally:
        page.emulate_media(media="screen")


# ----------------------------------------------------------------------------- axe
def test_every_kind_of_page_passes_axe_wcag22aa_at_three_widths(
    page: Any, site: str, registry: Registry
) -> None:
    page.goto(f"{site}/?at={AT}")
    at_every_width(page, "start")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility statement"
    assert "WCAG" in page.locator("main").inner_text()
    at_every_width(page, "accessibility statement")
    page.goto(f"{site}/question?authority=derby_city&at={AT}")
    at_every_width(page, "question")
    kinds: dict[str, str] = {}
    for authority in AUTHORITIES:
        for answers in one_case_per_route(registry, authority).values():
            kind = engine(registry, authority, answers).kind
            kinds.setdefault(kind, walk(site, authority, answers).path)
    assert len(kinds) >= 5, kinds
    for kind, path in kinds.items():
        page.goto(site + path)
        at_every_width(page, f"guidance ({kind})")
    answers = {**PRACTITIONER, "eha": "completed"}
    guidance = walk(site, "derbyshire", answers).path
    page.goto(site + guidance.replace("/guidance", "/check"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers"
    at_every_width(page, "check your answers")
    page.goto(site + guidance.replace("/guidance", "/form"))
    assert page.get_by_role("button", name="Download as a document (Markdown)").is_visible()
    at_every_width(page, "form")


# ----------------------------------------------------------------------------- keyboard
def focused(page: Any) -> dict[str, str]:
    """The focused element: its tag, type, name, value and text."""
    found: dict[str, str] = page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName.toLowerCase(),"
        " type: e.type || '', name: e.name || '', value: e.value || '',"
        " text: (e.innerText || '').trim()}; }"
    )
    return found


def tab_to(page: Any, wanted: Any, what: str) -> dict[str, str]:
    """Press Tab until ``wanted(focused element)`` holds; fail after MAX_TABS."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"Tab never reached {what} on {page.url}")


def choose(page: Any, name: str, value: str) -> None:
    """Tab into the radio group ``name``, move to ``value`` with the arrow keys,
    select it with Space."""
    tab_to(page, lambda e: e["type"] == "radio" and e["name"] == name, f"the {name} radios")
    for _ in range(20):
        if focused(page)["value"] == value:
            break
        page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == value, (name, value)
    page.keyboard.press("Space")
    assert page.locator(f"input[name='{name}'][value='{value}']").is_checked()


def press(page: Any, label: str) -> None:
    """Tab to the button or link whose text is ``label`` and press Enter."""
    tab_to(page, lambda e: e["text"] == label, label)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_walk(page: Any, site: str, authority: str, answers: dict[str, str]) -> str:
    """From the start page to the guidance with the keyboard alone; the route shown."""
    page.goto(f"{site}/?at={AT}")
    choose(page, "authority", authority)
    press(page, "Start")
    while "/question" in page.url:
        name = page.locator("form input[type=radio]").first.get_attribute("name")
        choose(page, name, answers[name])
        press(page, "Continue")
    if "/urgent" in page.url:
        press(page, "See the full guidance")
    if "/check" in page.url:
        press(page, "See the guidance")
    assert "/guidance" in page.url, page.url
    shown: str = page.locator("#route").get_attribute("data-route")
    return shown


def test_a_keyboard_alone_reaches_the_guidance_of_every_route(
    page: Any, site: str, registry: Registry
) -> None:
    reached = []
    for authority in AUTHORITIES:
        for route_id, answers in one_case_per_route(registry, authority).items():
            assert keyboard_walk(page, site, authority, answers) == route_id, answers
            reached.append((authority, route_id))
    assert len(reached) >= 12, reached


# ----------------------------------------------------------------------------- screenshots
def test_the_screenshots_make_py_saves_are_committed_small_and_listed() -> None:
    """docs/screenshots/make.py's PNGs (run by hand, not here) are in the
    repository, each a PNG of the width it says and under 250 KB, and the README's
    "Screenshots" section lists each."""
    import importlib.util

    from tests.conftest import REPO

    folder = REPO / "docs" / "screenshots"
    spec = importlib.util.spec_from_file_location("make_screenshots", folder / "make.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    expected = {f"{stem}-{width}.png": width for stem in make.PAGES for width in (1280, 375)}
    expected["print-preview.png"] = 794
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("### Screenshots", 1)[1].split("\n## ", 1)[0]
    for name, width in expected.items():
        data = (folder / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        assert int.from_bytes(data[16:20], "big") == width, name
        assert len(data) < 250_000, name
        stem = name.rsplit("-", 1)[0] if name != "print-preview.png" else "print-preview"
        assert f"`{stem}" in section, name


# ----------------------------------------------------------------------------- the form
def test_the_form_downloads_what_was_typed_in_a_real_browser(page: Any, site: str) -> None:
    """Chromium posts the form (its own Sec-Fetch-Site and Origin headers pass the
    cross-site check), gets each file as a download, and the address never holds
    what was typed; in print the buttons are gone."""
    import json

    answers = {**PRACTITIONER, "eha": "completed"}
    page.goto(site + walk(site, "derbyshire", answers).path.replace("/guidance", "/form"))
    start = page.url
    page.fill("#child-name", "Zebedee Quux-Marlowe")
    page.fill("#child-address", "17 Plumtree Wynd\nNewtown NT9 9ZZ")
    page.check("#taf--no")
    files = {}
    for button in ("Download as data (JSON)", "Download as a document (Markdown)"):
        with page.expect_download() as event:
            page.get_by_role("button", name=button).click()
        download = event.value
        files[download.suggested_filename] = Path(download.path()).read_text("utf-8")
        assert page.url == start and "Zebedee" not in page.url
    typed = json.loads(files["derbyshire-request-for-support-answers.json"])
    assert typed["child-name"] == "Zebedee Quux-Marlowe" and typed["taf"] is False
    assert typed["child-address"] == "17 Plumtree Wynd\nNewtown NT9 9ZZ"
    assert "Zebedee Quux-Marlowe" in files["derbyshire-request-for-support.md"]
    # what was typed is still on the page, to print
    assert page.input_value("#child-name") == "Zebedee Quux-Marlowe"
    keep = page.get_by_role("heading", name="Keep what you typed")
    assert keep.is_visible()
    page.emulate_media(media="print")
    try:
        assert not page.get_by_role("button", name="Download as data (JSON)").is_visible()
        assert not keep.is_visible()
        assert page.locator("#child-name").is_visible()
    finally:
        page.emulate_media(media="screen")
