"""Helpers for the web tool's tests: read a page's form as a browser would, and
walk the pages by submitting it, one question at a time."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import attrs

from tests.conftest import HttpResult, http, running

AT = "2026-11-23T11:00"

#: A practitioner's answers to every question of the web tool; tests override some.
PRACTITIONER = {
    "danger": "no",
    "harm": "no",
    "referrer": "professional",
    "level": "3",
    "eha": "none",
    "escalation": "no",
    "consent": "given",
    "setting": "no",
    "unborn": "no",
}

#: The questions a Derbyshire practitioner at level 3 without an EHA is asked, in
#: the order the DDSCP pack declares them (its setting question before consent).
DERBYSHIRE_LEVEL_3_ASKED = [
    "danger",
    "harm",
    "referrer",
    "level",
    "eha",
    "escalation",
    "setting",
    "consent",
    "unborn",
]


def web_case(registry: Any, authority: str, answers: Mapping[str, str]) -> dict[str, Any]:
    """The case the web tool makes of ``answers`` in ``authority`` (an id)."""
    from threshold.core.interfaces.web.wizard import case_from_answers

    return case_from_answers(registry.get(authority).authority, answers)


#: The signature of guidance a person would see change (as the web tool's first
#: version compared it): route, summary, what is needed first, steps, contacts,
#: consent guidance, warnings, the written follow-up.
def signature(registry: Any, authority: str, answers: Mapping[str, str]) -> tuple[Any, ...]:
    """What a person would see change for these answers, at a fixed time."""
    key = (id(registry), authority, frozenset(answers.items()))
    found = _SIGNATURES.get(key)
    if found is None or found[0] is not registry:
        found = _SIGNATURES[key] = (registry, _signature(registry, authority, answers))
    return found[1]


_SIGNATURES: dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]] = {}


def _signature(registry: Any, authority: str, answers: Mapping[str, str]) -> tuple[Any, ...]:
    from threshold.core.engine.api import route

    case = {**web_case(registry, authority, answers), "at": "2026-01-05T12:00"}
    guidance = route(case, authority, registry=registry)
    return (
        guidance.route,
        guidance.summary,
        guidance.prerequisites,
        tuple(s.id for s in guidance.steps),
        tuple(c.id for c in guidance.contacts),
        guidance.consent.guidance,
        tuple(w.code for w in guidance.warnings),
        guidance.follow_up,
    )


def can_change_answer(
    registry: Any, authority: str, answers: Mapping[str, str], question_id: str
) -> bool:
    """The reference the web tool's static analysis is checked against, by search:
    True when some answer to ``question_id`` (with some answers to the other open
    questions) gives different guidance."""
    import itertools

    from threshold.core.interfaces.web.wizard import question, questions

    policy = registry.get(authority).authority
    open_items = [q for q in questions(policy) if q.id != question_id and not answers.get(q.id)]
    choices = [o.value for o in question(policy, question_id).options]
    for combination in itertools.product(*[[o.value for o in q.options] for q in open_items]):
        filled = {**answers, **{q.id: v for q, v in zip(open_items, combination, strict=True)}}
        seen = {signature(registry, authority, {**filled, question_id: c}) for c in choices}
        if len(seen) > 1:
            return True
    return False


@attrs.define
class Form:
    """A form on a page: where it goes, its hidden inputs and its radios."""

    action: str
    method: str
    hidden: list[tuple[str, str]] = attrs.field(factory=list)
    radios: dict[str, list[str]] = attrs.field(factory=dict)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs_}
        if tag == "form":
            self._current = Form(found.get("action", ""), found.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None:
            kind = found.get("type", "text")
            if kind == "hidden":
                self._current.hidden.append((found["name"], found.get("value", "")))
            elif kind == "radio":
                self._current.radios.setdefault(found["name"], []).append(found["value"])
        elif tag == "a" and "href" in found:
            self.links.append(found["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms(page: str) -> list[Form]:
    """The forms of an HTML page."""
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def links(page: str) -> list[str]:
    """Every link (href) on an HTML page, unescaped."""
    parser = _Forms()
    parser.feed(page)
    return parser.links


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def get(base: str, path: str, headers: Mapping[str, str] | None = None) -> HttpResult:
    """GET ``path`` without following redirects."""
    return http("GET", base + path, headers=headers, opener=_OPENER)


def follow(base: str, path: str) -> tuple[str, HttpResult]:
    """GET ``path`` and follow 303s; return the final path and answer."""
    for _ in range(10):
        answer = get(base, path)
        if answer.status != 303:
            return path, answer
        path = answer.headers["location"]
    raise AssertionError(f"too many redirects from {path}")


def submit(form: Form, choice: tuple[str, str] | None) -> str:
    """The path a browser goes to when it submits ``form`` with one radio chosen."""
    assert form.method == "get"
    params = list(form.hidden)
    if choice is not None:
        assert choice[1] in form.radios[choice[0]], (choice, form.radios)
        params.append(choice)
    return form.action + "?" + urlencode(params)


@attrs.frozen
class Walk:
    """Where a walk through the pages ended, and what it asked on the way."""

    path: str
    page: str
    asked: list[str]

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.path).query))


def walk(base: str, authority: str, choices: Mapping[str, str], *, at: str = AT) -> Walk:
    """From the start page, choose ``authority`` and answer every question asked
    from ``choices``, as a person would, until a page has no question (when an
    answer makes the route urgent, its guidance comes first: the walk follows its
    link to the remaining questions); then press the check page's button if that
    is where it ended."""
    path, answer = follow(base, "/?" + urlencode({"at": at}))
    page = answer.body.decode()
    (start,) = forms(page)
    path, answer = follow(base, submit(start, ("authority", authority)))
    asked = []
    while True:
        while path.startswith("/question"):
            assert answer.status == 200, (path, answer.body[:500])
            page = answer.body.decode()
            (form,) = forms(page)
            (name,) = form.radios
            asked.append(name)
            path, answer = follow(base, submit(form, (name, choices[name])))
        page = answer.body.decode()
        remaining = re.search(r'id="remaining".*?href="([^"]+)"', page, re.DOTALL)
        if not (path.startswith("/guidance") and remaining):
            break
        # an answer made the route urgent, so its guidance came first: answer the rest
        path, answer = follow(base, html.unescape(remaining.group(1)))
    if path.startswith("/urgent"):
        guidance = next(link for link in links(page) if link.startswith("/guidance"))
        path, answer = follow(base, guidance)
        page = answer.body.decode()
    if path.startswith("/check"):
        (button,) = forms(page)
        path, answer = follow(base, submit(button, None))
        page = answer.body.decode()
    assert answer.status == 200, (path, page[:500])
    return Walk(path, page, asked)


def text(page: str) -> str:
    """The page's text: tags removed (inline ones, such as a link inside a
    sentence, without a space), entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    body = re.sub(r"</?(?:a|strong|span|code|em|b)\b[^>]*>", "", body)  # inline: no break
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def main_text(page: str) -> str:
    """The text of the page's ``<main>``."""
    inner = page.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return text(inner)


def shown_route(page: str) -> str:
    """The route id a guidance page shows (its ``data-route``)."""
    match = re.search(r'data-route="([a-z-]+)"', page)
    assert match, "no route on the page"
    return match.group(1)


@contextmanager
def web_server(registry: Any = None) -> Iterator[str]:
    """The service with the web pages on a free loopback port."""
    from threshold.core.interfaces.web.app import create_web_app

    with running(create_web_app(registry)) as url:
        yield url
