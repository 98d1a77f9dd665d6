"""The referral form page of the web tool (issue 15, item 4): the shared layout and a
back link, and what is typed into it kept without being stored: a download made in
the response to a POST (never a URL), with no-store, as an attachment, nothing
logged, bad input refused in one line naming the field, cross-site posts refused.
Over a real loopback socket (and ``threshold serve`` itself for its stderr)."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.conftest import http
from tests.web_helpers import AT, PRACTITIONER, forms, get, links, text, web_server
from threshold.core.interfaces.web.form_page import MAX_FORM_BYTES
from threshold.core.plugins.registry import Registry

FORM_ID = "derbyshire-request-for-support"

#: What a person types: a child's name and address, and words no page holds.
TYPED = {
    "child-name": "Zebedee Quux-Marlowe",
    "child-address": "17 Plumtree Wynd\r\nNewtown NT9 9ZZ",
    "worries": "Zq7 worries about the bruises seen on Tuesday",
    "child-date-of-birth": "2019-04-02",
    "taf": "no",
    "consent": "given",
    "referrer-email": "",
}
SECRETS = ("Zebedee", "Quux-Marlowe", "Plumtree", "NT9 9ZZ", "Zq7", "2019-04-02")


def form_path(**override: str) -> str:
    """The /form page of a Derbyshire level 3 case with an EHA (its form: the
    request for support)."""
    answers = {**PRACTITIONER, "eha": "completed", **override}
    return "/form?" + urlencode({"authority": "derbyshire", **answers, "at": AT})


def post(base: str, path: str, fields: dict[str, str], **headers: str) -> object:
    body = urlencode(fields).encode()
    sent = {"content-type": "application/x-www-form-urlencoded", **headers}
    return http("POST", base + path, body=body, headers=sent)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with web_server() as url:
        yield url


def test_the_form_page_has_the_shared_layout_a_back_link_and_says_nothing_is_kept(
    server: str,
) -> None:
    answer = get(server, form_path())
    page = answer.body.decode()
    assert answer.status == 200
    # the same header as every other page of the tool (that of the start page)
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    start = get(server, "/").body.decode()
    assert header == start.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'href="/"' in header and "threshold" in header
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">([^<]+)</a>', page)
    assert back is not None and back.group(2) == "Back to the guidance"
    assert urlsplit(back.group(1).replace("&amp;", "&")).path == "/guidance"
    words = text(page)
    assert "Nothing you type here is kept." in words
    assert "Nothing is stored, logged or sent anywhere else" in words
    assert "never goes in the web address" in words
    assert "/accessibility" in links(page)
    # the one form posts what is typed (never GET: it would put it in the URL)
    (form,) = [f for f in forms(page) if f.method == "post"]
    assert urlsplit(form.action.replace("&amp;", "&")).path == "/form"
    assert {k for k, _ in parse_qsl(urlsplit(form.action).query)} <= {
        "authority",
        "at",
        *PRACTITIONER,
    }
    assert 'name="download" value="markdown"' in page and 'name="download" value="json"' in page
    assert "form-action 'self'" in answer.headers["content-security-policy"]


def test_what_is_typed_comes_back_as_a_markdown_download(server: str, registry: Registry) -> None:
    answer = post(server, form_path(), {**TYPED, "download": "markdown"})
    assert answer.status == 200, answer.body[:300]
    assert answer.headers["content-type"].startswith("text/markdown")
    assert answer.headers["content-disposition"] == f'attachment; filename="{FORM_ID}.md"'
    assert answer.headers["cache-control"] == "no-store"
    document = answer.body.decode()
    form = registry.form("derbyshire", FORM_ID)
    assert document.startswith(f"# {form.title}")
    for secret in ("Zebedee Quux-Marlowe", "17 Plumtree Wynd", "Newtown NT9 9ZZ", "Zq7 worries"):
        assert secret in document
    assert "ring 999" in document  # the urgent line stays in the kept form
    assert "**Error:" in document  # what is still missing is shown, not refused


def test_what_is_typed_comes_back_as_json_that_validate_reads(
    server: str, registry: Registry
) -> None:
    from threshold.core.forms.evaluate import validate

    answer = post(server, form_path(), {**TYPED, "download": "json"})
    assert answer.status == 200, answer.body[:300]
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="{FORM_ID}-answers.json"'
    )
    assert answer.headers["cache-control"] == "no-store"
    typed = json.loads(answer.body)
    assert typed == {
        "child-name": "Zebedee Quux-Marlowe",
        "child-date-of-birth": "2019-04-02",
        "child-address": "17 Plumtree Wynd\nNewtown NT9 9ZZ",
        "worries": "Zq7 worries about the bruises seen on Tuesday",
        "taf": False,
        "consent": "given",
    }
    problems = validate(registry.form("derbyshire", FORM_ID), typed)
    assert all("got" not in p.message for p in problems)  # every answer has its type


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({**TYPED}, "download"),
        ({**TYPED, "download": "pdf"}, "download"),
        ({**TYPED, "taf": "perhaps", "download": "json"}, "taf"),
        ({**TYPED, "consent": "Zebedee", "download": "json"}, "consent"),
        ({**TYPED, "Zebedee-Quux": "x", "download": "json"}, "form"),
    ],
)
def test_bad_form_data_gets_one_line_naming_the_field(
    server: str, fields: dict[str, str], field: str
) -> None:
    answer = post(server, form_path(), fields)
    assert answer.status == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert "content-disposition" not in answer.headers
    page = answer.body.decode()
    items = re.findall(r"<li>(.*?)</li>", page.split("<main", 1)[1], flags=re.DOTALL)
    problems = [text(i) for i in items if text(i).startswith(f"{field}:")]
    assert len(problems) == 1, items
    for secret in SECRETS:
        assert secret not in page


def test_a_field_sent_twice_and_text_not_in_utf8_are_refused(server: str) -> None:
    twice = urlencode([("child-name", "Zebedee"), ("child-name", "Quux"), ("download", "json")])
    answer = http(
        "POST",
        server + form_path(),
        body=twice.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 400 and "child-name: sent twice" in text(answer.body.decode())
    latin = b"child-name=Z%E9bedee&download=json"
    answer = http("POST", server + form_path(), body=latin)
    assert answer.status == 400 and "form: not form data in UTF-8" in text(answer.body.decode())


def test_the_body_is_bounded(server: str) -> None:
    fields = {"worries": "x" * MAX_FORM_BYTES, "download": "json"}
    answer = post(server, form_path(), fields)
    assert answer.status == 413
    assert "form: over 100 KB of answers" in text(answer.body.decode())
    assert "content-disposition" not in answer.headers


def test_a_post_from_another_site_is_refused(server: str) -> None:
    fields = {**TYPED, "download": "markdown"}
    for headers in (
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "http://evil.invalid"},
    ):
        answer = post(server, form_path(), fields, **headers)
        assert answer.status == 403, headers
        assert "content-disposition" not in answer.headers
        assert "If a child is in immediate danger" in text(answer.body.decode()) or (
            "ring 999" in text(answer.body.decode())
        )
    # the tool's own page: same-origin, and Origin "null" (its no-referrer policy)
    answer = post(
        server, form_path(), fields, **{"sec-fetch-site": "same-origin", "origin": "null"}
    )
    assert answer.status == 200


def test_a_route_without_a_form_cannot_be_posted_to(server: str) -> None:
    answer = post(server, form_path(level="1", eha="none"), {"download": "json"})
    assert answer.status == 404 and "content-disposition" not in answer.headers


def test_nothing_typed_is_logged_at_any_level(
    server: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        for fmt in ("markdown", "json"):
            assert post(server, form_path(), {**TYPED, "download": fmt}).status == 200
        post(server, form_path(), {**TYPED, "taf": "perhaps", "download": "json"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in SECRETS:
        assert secret not in logged


def test_the_servers_stderr_holds_nothing_typed(tmp_path: Path) -> None:
    """`threshold serve` itself, its standard output and error read whole after it stops."""
    script = Path(sys.executable).parent / "threshold"
    env = {**os.environ, "THRESHOLD_CACHE_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [str(script), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline().decode()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, first
        base = f"http://127.0.0.1:{found.group(1)}"
        for fmt in ("markdown", "json"):
            assert post(base, form_path(), {**TYPED, "download": fmt}).status == 200
        assert post(base, form_path(), {**TYPED, "download": "pdf"}).status == 400
        huge = {"worries": "Zq7" * MAX_FORM_BYTES, "download": "json"}
        assert post(base, form_path(), huge).status == 413
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    logged = first + err.decode() + out.decode()
    for secret in SECRETS:
        assert secret not in logged


def test_another_method_on_the_form_page_says_which_it_answers(server: str) -> None:
    answer = http("PUT", server + form_path(), body=b"download=json")
    assert answer.status == 405 and answer.headers["content-type"].startswith("text/html")
    assert "GET, and POST from its own download buttons" in text(answer.body.decode())
