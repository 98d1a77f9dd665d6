"""A member of the public in the web tool, over plain HTTP against the real server on
a loopback port (issue 11, section 3): asked only what can change their guidance,
and given guidance worded for them: no practitioner's consent question, no
decision record "for your case records", no "discuss with your manager"."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.web_helpers import (
    can_change_answer,
    get,
    main_text,
    shown_route,
    walk,
    web_case,
    web_server,
)
from threshold.core.engine.api import route
from threshold.core.interfaces.web.wizard import question_ids
from threshold.core.plugins.registry import Registry

AUTHORITIES = ("derbyshire", "derby_city")
AT = "2026-11-23T11:00"

#: A member of the public's answers to every question; a practitioner's questions
#: among them must never be asked.
PUBLIC = {
    "danger": "no",
    "harm": "no",
    "referrer": "public",
    "level": "3",
    "eha": "none",
    "escalation": "no",
    "consent": "unsafe-to-seek",
    "setting": "no",
    "unborn": "yes",
}

#: Words written for practitioners that a member of the public must not be told.
PRACTITIONER_WORDS = (
    "for your case records",
    "your manager",
    "safeguarding lead the action",
    "Pre-Birth Protocol",
    "Information Sharing Guidance",
    "Early Help Assessment needed for this route",
    "written follow-up, due within 48 hours",
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with web_server() as url:
        yield url


@pytest.mark.parametrize("authority", AUTHORITIES)
@pytest.mark.parametrize(
    "override",
    [{}, {"harm": "significant-harm"}, {"harm": "bruising"}],
    ids=["concern", "significant-harm", "bruising"],
)
def test_a_member_of_the_public_is_asked_only_what_changes_their_guidance(
    server: str, registry: Registry, authority: str, override: dict[str, str]
) -> None:
    choices = {**PUBLIC, **override}
    walked = walk(server, authority, choices)
    assert walked.asked == ["danger", "harm", "referrer"]
    expected = route(
        {**web_case(registry, authority, choices), "at": AT}, authority, registry=registry
    )
    assert shown_route(walked.page) == expected.route
    # the engine agrees: nothing else can change a member of the public's guidance
    answered = {k: choices[k] for k in ("danger", "harm", "referrer")}
    for question_id in question_ids(registry.get(authority).authority)[3:]:
        assert not can_change_answer(registry, authority, answered, question_id), question_id


@pytest.mark.parametrize("authority", AUTHORITIES)
@pytest.mark.parametrize(
    "override",
    [{}, {"harm": "significant-harm"}, {"harm": "bruising"}],
    ids=["concern", "significant-harm", "bruising"],
)
def test_public_guidance_is_worded_for_the_public(
    server: str, authority: str, override: dict[str, str]
) -> None:
    answers = {**PUBLIC, **override}  # (immediate danger stops before "referrer" is asked)
    answer = get(server, "/guidance?" + urlencode({"authority": authority, **answers, "at": AT}))
    assert answer.status == 200
    words = main_text(answer.body.decode())
    for phrase in PRACTITIONER_WORDS:
        assert phrase not in words, phrase
    assert "A record of this advice" in words  # still offered, worded for them
    record = get(
        server, "/record?" + urlencode({"authority": authority, **answers, "at": AT})
    ).body.decode()
    assert "for your case records" not in main_text(record).lower()


def test_a_practitioner_still_gets_the_practitioners_guidance(server: str) -> None:
    answers = {**PUBLIC, "referrer": "professional", "level": "2", "consent": "given"}
    answer = get(server, "/guidance?" + urlencode({"authority": "derbyshire", **answers, "at": AT}))
    words = main_text(answer.body.decode())
    assert "For your case records" in words and "Discuss with your manager" in words
    assert "Pre-Birth Protocol" in words
