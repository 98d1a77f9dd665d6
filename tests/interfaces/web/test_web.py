"""The web tool over plain HTTP, against the real server on a loopback port:
every route of both authorities is reached by answering the pages' own forms,
and the route shown is the engine's for the same answers; bad queries get HTML
pages that say what to fix (never a 500); nothing is kept or logged."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.conftest import http
from tests.web_helpers import (
    AT,
    PRACTITIONER,
    follow,
    forms,
    get,
    links,
    main_text,
    shown_route,
    text,
    walk,
    web_case,
    web_server,
)
from threshold.core.engine.api import route
from threshold.core.interfaces.web.wizard import question_ids, questions
from threshold.core.plugins.hookspecs import hookimpl
from threshold.core.plugins.registry import Registry

AUTHORITIES = ("derbyshire", "derby_city")

BASE = PRACTITIONER  # a practitioner's answers to every question; cases override some

#: Named cases; between them every route of both authorities.
CASES = {
    "immediate danger": {"danger": "yes"},
    "significant harm": {"harm": "significant-harm"},
    "bruising on a non-mobile baby": {"harm": "bruising", "consent": "unsafe-to-seek"},
    "member of the public": {"referrer": "public"},
    "public, child protection": {"referrer": "public", "harm": "significant-harm"},
    "level 1": {"level": "1"},
    "level 2": {"level": "2"},
    "level 2, time-limited setting": {"level": "2", "setting": "yes"},
    "level 3 without an EHA": {},
    "level 3 with an EHA": {"eha": "completed"},
    "level 3, EHA declined": {"eha": "declined"},
    "level 3, sudden escalation": {"escalation": "yes"},
    "level 3, consent refused": {"eha": "completed", "consent": "refused"},
    "level 4 with an EHA": {"level": "4", "eha": "completed"},
    "level 4, time-limited setting": {"level": "4", "setting": "yes"},
    "level not known": {"level": "unsure"},
    "unborn baby, level 2": {"level": "2", "unborn": "yes"},
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with web_server() as url:
        yield url


def engine(authority: str, answers: dict[str, str], registry: Registry) -> Any:
    return route({**web_case(registry, authority, answers), "at": AT}, authority, registry=registry)


def all_routes(registry: Registry, authority: str) -> set[str]:
    """Every route the engine gives the authority, over its whole scenario matrix."""
    from threshold.core.analysis.matrix import matrix_of

    matrix = matrix_of(registry.get(authority).authority)
    return {route(case, authority, registry=registry).route for case in matrix.parsed()}


# ----------------------------------------------------------------------------- routes
@pytest.mark.parametrize("authority", AUTHORITIES)
def test_every_route_is_reached_through_the_pages(
    server: str, registry: Registry, authority: str
) -> None:
    reached = set()
    for name, override in CASES.items():
        answers = {**BASE, **override}
        done = walk(server, authority, answers)
        expected = engine(authority, answers, registry)
        assert shown_route(done.page) == expected.route, name
        assert expected.summary in text(done.page), name
        reached.add(expected.route)
    assert reached == all_routes(registry, authority)


@pytest.mark.parametrize("authority", AUTHORITIES)
def test_any_answers_reach_the_engines_route(
    server: str, registry: Registry, authority: str
) -> None:
    """A seeded sample of every combination of answers: the page shows the route
    the engine gives for all the answers, including those the pages never asked
    (they could not change it)."""
    policy = registry.get(authority).authority
    rng = random.Random(8)
    for _ in range(25):
        answers = {q.id: rng.choice(q.options).value for q in questions(policy)}
        done = walk(server, authority, answers)
        assert shown_route(done.page) == engine(authority, answers, registry).route, answers
        for question_id in set(question_ids(policy)) - set(done.asked):
            assert question_id not in done.query, (question_id, answers)


def test_immediate_danger_stops_the_questions_with_999_first(server: str) -> None:
    path, answer = follow(server, "/question?" + urlencode({"authority": "derbyshire"}))
    (form,) = forms(answer.body.decode())
    params = [*form.hidden, ("danger", "yes")]
    path, answer = follow(server, form.action + "?" + urlencode(params))
    assert path.startswith("/urgent?")
    page = answer.body.decode()
    main = main_text(page)
    assert main.startswith("Ring 999 now"), main[:80]
    assert main.index("999") < main.index("01629 533190") < main.index("See the full guidance")
    assert 'href="tel:999"' in page and 'href="tel:01629533190"' in page
    guidance = next(link for link in links(page) if link.startswith("/guidance"))
    _, full = follow(server, guidance)
    assert shown_route(full.body.decode()) == "emergency"


def test_derby_city_urgent_page_names_its_own_line(server: str) -> None:
    answer = get(server, "/urgent?authority=derby_city&danger=yes")
    main = main_text(answer.body.decode())
    assert main.startswith("Ring 999 now") and "Initial Response Team on 01332 641172" in main


def test_child_protection_warns_on_every_later_question(server: str) -> None:
    path, answer = follow(server, "/question?authority=derbyshire&danger=no&harm=bruising")
    assert path.startswith("/question")
    main = main_text(answer.body.decode())
    assert "ring Call Derbyshire (Starting Point) on 01629 533190 now" in main
    assert main.index("01629 533190") < main.index("?")


# ----------------------------------------------------------------------------- pages
def guidance_path(authority: str, *, at: str = AT, **override: str) -> str:
    answers = {**BASE, **override}
    return "/guidance?" + urlencode({"authority": authority, **answers, "at": at})


def test_guidance_page_parts(server: str, registry: Registry) -> None:
    answer = get(server, guidance_path("derbyshire", eha="completed"))
    assert answer.status == 200
    page = answer.body.decode()
    words = text(page)
    guidance = engine("derbyshire", {**BASE, "eha": "completed"}, registry)
    first = guidance.contacts[0]
    assert "Contact first" in words and first.name in words and "Open now" in words
    names = {d.seed: d.short_title for d in registry.get("derbyshire").authority.documents}
    for step in guidance.steps:
        assert step.action in words and f"Why: {step.reason}" in words
        # cited as a reader names the document (issue 15), never by its file name
        cited = step.citations[0]
        assert f"{names[cited.seed]}, " in words and cited.section.split(". ", 1)[-1] in words
        assert cited.seed not in page
    for line in (*guidance.consent.guidance, *guidance.record_keeping):
        assert line in words
    assert "Starting Point request for support" in words
    assert {"/form", "/record"} <= {urlsplit(link).path for link in links(page)}


def test_ring_now_says_when_a_closed_line_next_opens(server: str) -> None:
    """Derbyshire's Starting Point inbox on a Saturday: closed, next known to open Monday."""
    path = guidance_path("derbyshire", eha="completed", at="2026-11-21T11:00")
    words = text(get(server, path).body.decode())
    assert "Closed now Next known to open: Monday 23 November 2026, 09:00 (UK time)." in words


def test_child_protection_guidance_has_the_48_hour_follow_up(server: str) -> None:
    words = text(get(server, guidance_path("derby_city", harm="significant-harm")).body.decode())
    assert "Ring now" in words and "01332 641172" in words
    assert "Follow up in writing within 48 hours" in words
    assert "Ring first: the form is the written follow-up" in words


def test_no_form_routes_say_so(server: str) -> None:
    answer = get(server, guidance_path("derbyshire", level="1"))
    assert "The sources give no written form for this route" in text(answer.body.decode())
    assert not any(urlsplit(link).path == "/form" for link in links(answer.body.decode()))
    direct = get(server, guidance_path("derbyshire", level="1").replace("/guidance", "/form"))
    assert direct.status == 404 and "no written form" in text(direct.body.decode())


@pytest.mark.parametrize(
    ("authority", "override", "form_id"),
    [
        ("derbyshire", {"eha": "completed"}, "derbyshire-request-for-support"),
        ("derbyshire", {"harm": "significant-harm"}, "derbyshire-child-protection-follow-up"),
        ("derby_city", {"eha": "completed"}, "derby-city-vcm-submission"),
        ("derby_city", {}, "derby-city-online-referral"),
    ],
)
def test_form_links_give_the_prefilled_form(
    server: str, authority: str, override: dict[str, str], form_id: str, registry: Registry
) -> None:
    page = get(server, guidance_path(authority, **override)).body.decode()
    form_link = next(link for link in links(page) if urlsplit(link).path == "/form")
    markdown_link = next(
        link for link in links(page) if urlsplit(link).path == "/form" and "markdown" in link
    )
    answer = get(server, form_link)
    form = registry.form(authority, form_id)
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/html")
    assert form.title in text(answer.body.decode())
    assert "from the case" in text(answer.body.decode())  # prefilled from the answers
    assert "September 2022" in text(answer.body.decode().split("<footer", 1)[1])
    # what is typed into the form goes only to this server (by POST, to come straight
    # back as a download: test_web_form_download.py), never anywhere else
    assert "form-action 'self'" in answer.headers["content-security-policy"]
    download = get(server, markdown_link)
    assert download.headers["content-type"].startswith("text/markdown")
    assert download.headers["content-disposition"] == f'attachment; filename="{form_id}.md"'
    assert download.body.decode().startswith(f"# {form.title}")


def test_decision_record_page_and_downloads(server: str, registry: Registry) -> None:
    from threshold.core.engine.decision import decision_id
    from threshold.core.io.schemas import validate

    page = get(server, guidance_path("derby_city", eha="completed")).body.decode()
    found = {
        (dict(parse_qsl(urlsplit(link).query)).get("format", "html")): link
        for link in links(page)
        if urlsplit(link).path == "/record"
    }
    assert set(found) == {"html", "json", "markdown"}
    record = get(server, found["json"])
    assert record.status == 200 and record.headers["content-type"] == "application/json"
    data = record.json()
    assert validate("record", data) == []
    assert data["id"] == decision_id(data) and data["route"] == "vulnerable-childrens-meeting"
    assert record.headers["content-disposition"] == (
        f'attachment; filename="threshold-decision-{data["id"]}.json"'
    )
    assert data["at"].startswith("2026-11-23T11:00")
    markdown = get(server, found["markdown"])
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "attachment" in markdown.headers["content-disposition"]
    assert "Decision id: `" in markdown.body.decode() and "September 2022" in markdown.body.decode()
    printable = get(server, found["html"])
    words = text(printable.body.decode())
    assert "Decision record" in words and "vulnerable-childrens-meeting" in words
    assert "level 3" in words and "no personal data" in words


def test_indicators_page_lists_the_level(server: str, registry: Registry) -> None:
    from threshold.core.analysis.indicator_search import select

    question = get(server, "/question?authority=derbyshire&danger=no&harm=no&referrer=professional")
    indicator_links = [link for link in links(question.body.decode()) if "/indicators" in link]
    assert len(indicator_links) == 4
    for link in indicator_links:
        assert dict(parse_qsl(urlsplit(link).query))["harm"] == "no"  # the answers are kept
    answer = get(server, indicator_links[2])
    page = answer.body.decode()
    chosen = select(registry.indicators_for("derbyshire"), level=3)
    assert answer.status == 200 and f"{len(chosen)} indicators at this level" in text(page)
    for indicator in chosen:
        assert f'id="{indicator.id}"' in page
    back = next(link for link in links(page) if link.startswith("/question"))
    assert dict(parse_qsl(urlsplit(back).query)) == {
        "authority": "derbyshire",
        "danger": "no",
        "harm": "no",
        "referrer": "professional",
        "q": "level",
    }


def test_check_page_change_keeps_the_other_answers_and_returns(server: str) -> None:
    done = walk(server, "derby_city", {**BASE, "eha": "completed"})
    check_link = next(link for link in links(done.page) if link.startswith("/check"))
    check = get(server, check_link).body.decode()
    change = next(link for link in links(check) if "q=eha" in link)
    question = get(server, change).body.decode()
    (form,) = forms(question)
    assert dict(form.hidden)["level"] == "3" and "eha" not in dict(form.hidden)
    assert 'value="completed" checked' in question
    params = [*form.hidden, ("eha", "none")]
    path, answer = follow(server, form.action + "?" + urlencode(params))
    assert path.startswith("/check?")
    assert (
        "No" in text(answer.body.decode())
        and dict(parse_qsl(urlsplit(path).query))["eha"] == "none"
    )


# ----------------------------------------------------------------------------- errors
def test_a_missing_answer_reshows_the_question_with_an_error(server: str) -> None:
    answer = get(server, "/question?authority=derbyshire&danger=no&asked=harm")
    page = answer.body.decode()
    assert answer.status == 400 and answer.headers["content-type"].startswith("text/html")
    assert "<title>Error: Is the child suffering" in page
    assert 'class="govuk-error-summary"' in page and 'href="#harm"' in page
    assert 'id="harm"' in page and 'id="harm-error"' in page


def test_a_wrong_answer_to_the_question_is_an_error_not_echoed(server: str) -> None:
    answer = get(server, "/question?authority=derbyshire&asked=danger&danger=SECRETVALUE")
    assert answer.status == 400 and b"SECRETVALUE" not in answer.body
    assert "Select yes if the child is in immediate danger" in text(answer.body.decode())


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/question", 400, "authority: missing; expected the local authority of the child"),
        ("/question?authority=SECRETshire", 400, "authority: not an installed authority; expected one of: derby_city, derbyshire"),  # noqa: E501
        ("/check?authority=derbyshire&level=SECRET5", 400, "level: expected one of: 1, 2, 3, 4, unsure"),  # noqa: E501
        ("/guidance?authority=derbyshire&levle=3", 400, "levle: unknown parameter; expected one of:"),  # noqa: E501
        ("/guidance?authority=derbyshire&level=3&level=4", 400, "level: given more than once"),
        ("/guidance?authority=derbyshire&danger=no&at=SECRET", 400, "at:"),
        ("/record?authority=derbyshire&danger=yes&format=pdf", 400, "format: expected one of: html, json, markdown"),  # noqa: E501
        ("/indicators?authority=derbyshire&level=9", 400, "level: expected a level of need from 1 to 4"),  # noqa: E501
        ("/question?authority=derbyshire&q=nonsense", 400, "q: expected one of: danger, harm"),
        ("/?asked=authority&authority=SECRETshire", 400, "Select one of the local authorities listed"),  # noqa: E501
        ("/question?authority=derbyshire&" + "x" * 40 + "=1", 400, "a parameter with an unexpected name: unknown parameter"),  # noqa: E501
        ("/guidance?authority=derbyshire&consent=" + "y" * 100, 400, "consent: too long"),
    ],
)  # fmt: skip
def test_bad_queries_get_an_html_page_saying_what_to_fix(
    server: str, path: str, status: int, says: str
) -> None:
    answer = get(server, path)
    assert answer.status == status, answer.body[:300]
    assert answer.headers["content-type"].startswith("text/html")
    words = text(answer.body.decode())
    assert says in words
    assert "SECRET" not in words and "x" * 40 not in words and "y" * 100 not in words
    assert "ring 999" in words


@pytest.mark.parametrize(
    "path",
    [
        "/?level=Zebedee%20Quux&danger=no",
        "/?asked=authority&authority=Zebedee&eha=Zebedee",
        "/?at=Zebedee",
        "/urgent?authority=derbyshire&danger=yes&level=Zebedee%20Quux&at=Zebedee",
        "/urgent?authority=Zebedee&danger=yes",
        "/question?authority=derbyshire&q=nonsense&level=Zebedee",
        "/question?authority=derbyshire&asked=level&level=Zebedee&eha=Zebedee",
        "/record?authority=derbyshire&format=pdf&level=Zebedee",
        "/form?authority=derbyshire&format=pdf&eha=Zebedee",
        "/indicators?authority=derbyshire&level=9&eha=Zebedee",
        "/guidance?authority=derbyshire&at=Zebedee&level=Zebedee",
        "/check?authority=derbyshire&danger=yes&harm=Zebedee&at=2026-11-23T11:00",
        "/indicators?authority=derbyshire&level=3&at=Zebedee",
        "/question?authority=derbyshire&asked=danger&at=Zebedee",
    ],
)
def test_no_page_repeats_an_unchecked_answer(server: str, path: str) -> None:
    """Unchecked answers were copied into hidden inputs and links (the start page
    put "Zebedee Quux" in a hidden input): a page keeps only the answers that are
    one of their question's choices, and an error page says which field to fix."""
    answer = get(server, path)
    page = answer.body.decode()
    assert "zebedee" not in page.lower(), [
        line for line in page.splitlines() if "zebedee" in line.lower()
    ]
    assert "ring 999" in text(page)


def test_an_error_page_still_gives_the_urgent_advice_first(server: str) -> None:
    answer = get(server, "/check?authority=derbyshire&danger=yes&level=9")
    main = main_text(answer.body.decode())
    assert answer.status == 400
    assert main.startswith("! Warning: Immediate danger was reported: ring 999 now."), main[:90]
    harm = get(server, "/guidance?authority=derby_city&harm=significant-harm&levle=3")
    assert "ring Derby City Initial Response Team on 01332 641172 now" in text(harm.body.decode())


def test_unknown_pages_and_methods_are_html_for_pages_and_json_for_the_api(server: str) -> None:
    browser = get(server, "/nowhere", {"Accept": "text/html,application/xhtml+xml"})
    assert browser.status == 404 and "Page not found" in text(browser.body.decode())
    assert http("GET", server + "/nowhere").json()["error"]["code"] == "not-found"
    posted = http("POST", server + "/question", b"")
    assert posted.status == 405 and posted.headers["content-type"].startswith("text/html")
    assert http("DELETE", server + "/route").json()["error"]["code"] == "method-not-allowed"


def test_an_unusable_authority_is_503_and_still_says_999() -> None:
    from tests.plugins.test_registry import plugin

    def boom(register: Callable[..., None]) -> None:
        raise RuntimeError("data file missing")

    registry = Registry.load([("boom", plugin("boom", threshold_register_authorities=boom))])
    with web_server(registry) as url:
        answer = get(url, "/question?authority=boom&danger=yes")
        words = main_text(answer.body.decode())
        assert answer.status == 503 and "cannot be used now" in words
        assert words.index("Immediate danger was reported: ring 999 now") < words.index("cannot")
        start = text(get(url, "/").body.decode())
        assert "boom: RuntimeError: data file missing" in start
        urgent = get(url, "/urgent?authority=boom&danger=yes")
        assert main_text(urgent.body.decode()).startswith("Ring 999 now")


class _BrokenRule:
    """A plugin whose authority registers fine but whose routing rule raises."""

    @staticmethod
    @hookimpl
    def threshold_register_authorities(register: Callable[..., None]) -> None:
        import attrs

        from threshold.plugins import derbyshire

        register(attrs.evolve(derbyshire.data.authority(), id="broken_shire", name="Broken Shire"))

    @staticmethod
    @hookimpl
    def threshold_route_rule(authority: Any, case: Any) -> Any:
        if authority.id == "broken_shire":
            raise ValueError("the rule's own fault")
        return None


def test_a_broken_authority_rule_is_a_503_page_naming_it_with_999() -> None:
    """A rule that raises while the pages route (the guidance, the record, the form):
    a 503 page naming the authority, 999 first; the other authorities keep working.
    The questions and the check page read the decision table and do not route: the
    check page's button leads to the 503 page."""
    registry = Registry.load([("broken", _BrokenRule)])
    answers = urlencode({"authority": "broken_shire", **BASE})
    with web_server(registry) as url:
        pages = [get(url, f"{path}?{answers}") for path in ("/guidance", "/record", "/form")]
        path, check = follow(url, f"/question?{answers}")
        assert path.startswith("/check?") and check.status == 200
        (button,) = forms(check.body.decode())
        pages.append(follow(url, button.action + "?" + urlencode(button.hidden))[1])
        for answer in pages:
            assert answer.status == 503, answer.status
            words = main_text(answer.body.decode())
            assert words.startswith("! Warning: If a child is in immediate danger, ring 999"), words
            assert "Broken Shire (broken_shire) cannot be used now" in words, words
        fine = get(url, guidance_path("derbyshire"))
        assert fine.status == 200 and shown_route(fine.body.decode()) == "early-help-first"


def test_broken_forms_leave_the_guidance_working(monkeypatch: pytest.MonkeyPatch) -> None:
    from threshold.core.model.errors import DataError, FieldError
    from threshold.plugins import derby_city

    def broken() -> tuple[Any, ...]:
        raise DataError("forms/x.toml", [FieldError("id", "bad")])

    monkeypatch.setattr(derby_city.data, "forms", broken)
    with web_server(Registry.load()) as url:
        answer = get(url, guidance_path("derby_city"))
        words = text(answer.body.decode())
        assert answer.status == 200 and shown_route(answer.body.decode()) == "online-referral"
        assert "The forms of Derby City Council cannot be shown now" in words
        form = get(url, guidance_path("derby_city").replace("/guidance", "/form"))
        assert form.status == 503 and "are broken" in text(form.body.decode())
        assert "cannot be used now" not in text(get(url, "/").body.decode())


def test_an_internal_failure_is_an_html_page_with_999(
    server: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from threshold.core.interfaces.web.views import Views

    def fail(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("level=3 secret detail")

    monkeypatch.setattr(Views, "check", fail)
    with caplog.at_level(logging.DEBUG):
        answer = get(server, "/check?" + urlencode({"authority": "derbyshire", **BASE}))
    assert answer.status == 500 and answer.headers["content-type"].startswith("text/html")
    assert "ring 999" in text(answer.body.decode())
    assert "secret" not in answer.body.decode()
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("threshold")]
    assert logged == ["internal error (RuntimeError)"]


# ----------------------------------------------------------------------------- privacy
def test_every_page_has_the_disclaimer_policy_and_headers(server: str) -> None:
    done = walk(server, "derbyshire", BASE)
    seen = set()
    pending = ["/", done.path]
    while pending:
        path = pending.pop()
        if path in seen or not path.startswith("/") or path.startswith("//"):
            continue
        seen.add(path)
        answer = get(server, path)
        if answer.status == 303:
            pending.append(answer.headers["location"])
            continue
        assert answer.status == 200, path
        if not answer.headers["content-type"].startswith("text/html"):
            continue
        page = answer.body.decode()
        footer = text(page.split("<footer", 1)[1])
        assert "never replaces, your professional judgement and your safeguarding lead" in footer
        assert "policy document Derby and Derbyshire Safeguarding Children Partnership" in footer
        assert "September 2022" in footer
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "script-src" not in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store"
        assert "set-cookie" not in answer.headers
        assert "<script" not in page
        pending += [link for link in links(page) if "format=" not in link]
    assert len(seen) >= 12


def test_no_answer_is_logged(capfd: pytest.CaptureFixture[str]) -> None:
    """Every logger at DEBUG while a whole walk runs: no record carries a query,
    and the server prints nothing (with uvicorn's access log on, this fails)."""
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep(logging.DEBUG)
    names = ["", "uvicorn", "uvicorn.error", "threshold", "threshold.web"]
    loggers = [logging.getLogger(name) for name in [*names, "uvicorn.access"]]
    with web_server() as url:
        # as an operator turning on debug logging would, after the server has set
        # up its loggers: a handler on each logger that has one, every level DEBUG
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            if logger.name != "uvicorn.access":
                logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
        try:
            done = walk(url, "derby_city", {**BASE, "eha": "completed", "unborn": "yes"})
            for link in links(done.page):
                if link.startswith("/"):
                    get(url, link)
            get(url, "/check?authority=derby_city&level=7")
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.removeHandler(handler)
                logger.setLevel(level)
    captured = capfd.readouterr()
    logged = "\n".join([*records, captured.out, captured.err])
    for needle in ("authority=", "level=", "eha=", "unborn", "/question", "/guidance", "GET "):
        assert needle not in logged, needle


def test_the_pages_hold_no_state(registry: Registry) -> None:
    """A page is a function of its address: a fresh server gives the same guidance."""
    with web_server() as first:
        done = walk(first, "derbyshire", {**BASE, "escalation": "yes"})
    with web_server(Registry.load()) as second:
        again = get(second, done.path)
    assert shown_route(again.body.decode()) == shown_route(done.page) == "request-for-support"
    assert text(again.body.decode()) == text(done.page)


def test_threshold_serve_serves_the_pages() -> None:
    """`threshold serve` (here on any free port) answers the start page."""
    import os
    import re
    import subprocess
    import sys

    command = [sys.executable, "-c", "from threshold.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"serving on (http://127\.0\.0\.1:\d+)/", line)
        assert match, line
        answer = get(match.group(1), "/")
        assert answer.status == 200 and "Which local authority is the child in?" in text(
            answer.body.decode()
        )
        assert get(match.group(1), "/health").json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=30)
