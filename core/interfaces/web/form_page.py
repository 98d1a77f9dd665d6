"""The web tool's referral form page, and what it sends back: the answers typed into
it, as a Markdown or JSON download made in the response to that one POST.

What is typed (a child's name and address among it) arrives in the request body,
never in the URL (the URL holds only the wizard's answers, which are no personal
data). It is read, bounded in size, turned into the file and sent back with
``Content-Disposition: attachment``; nothing is stored or logged, and an error
names the field and what is expected, never what was typed.

A cross-site POST is refused (see docs/safety.md, H16): a browser says where a
request comes from in ``Sec-Fetch-Site`` (or, without it, ``Origin``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from threshold.core.interfaces.web.assets import stylesheets
from threshold.core.interfaces.web.responses import download
from threshold.core.interfaces.web.state import PageError, State
from threshold.core.interfaces.web.views import FOOTER_LINKS
from threshold.core.interfaces.web.wizard import case_from_answers, given_fields
from threshold.core.io.parse import parse_case
from threshold.core.model.converter import case_to_dict
from threshold.core.model.errors import FieldError, ThresholdError
from threshold.core.model.forms import NOT_QUESTIONS, Form, Item, ItemType
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry
from threshold.core.render.form_output import make_form

#: Most bytes of answers one download may carry (the longest form, every box full
#: of a page of text, is well under it).
MAX_FORM_BYTES = 100_000

#: The downloads the page offers: the value of its ``download`` button, the media
#: type, and the file name's ending.
DOWNLOADS = {
    "markdown": ("text/markdown; charset=utf-8", ".md"),
    "json": ("application/json", "-answers.json"),
}

#: The ``Sec-Fetch-Site`` values of a request from the tool's own pages (or typed in).
_OWN_SITE = ("same-origin", "none")


class TypedError(Exception):
    """The posted answers cannot be read: one problem, naming the field."""

    def __init__(self, problem: FieldError) -> None:
        self.problem = problem
        super().__init__(str(problem))


def form_text(
    registry: Registry,
    state: State,
    guidance: Guidance,
    form: Form,
    fmt: str,
    typed: Mapping[str, Any] | None = None,
) -> str:
    """The route's referral form, prefilled from the wizard's answers (as
    `threshold form` makes it: one piece of code for the CLI, the API and these
    pages): the page (``html``) or the Markdown document; ``typed`` (answers by
    item id, posted from the page) are filled in, with their errors."""

    authority = registry.get(state.authority).authority
    given = given_fields(authority, state.answers) | {"at"}
    full = case_to_dict(parse_case(case_from_answers(authority, state.answers), authority))
    case = {k: v for k, v in full.items() if k in given and v is not None}
    page = {
        "back": state.link("/guidance"),
        "action": state.link("/form"),
        "layout": {"stylesheets": stylesheets(), "footer_links": FOOTER_LINKS},
    }
    output = make_form(
        state.authority,
        case=case,
        fmt=fmt,
        answers=typed,
        registry=registry,
        page=page if fmt == "html" else None,
    )
    assert output.form.id == form.id and output.route is not None
    assert output.route.route == guidance.route
    return output.text


def route_form(registry: Registry, kept: State, guidance: Guidance) -> Form:
    """The written form of the guidance's route.

    Raises:
        PageError: the forms cannot be used (503), or the route has none (404).
    """
    try:
        found = registry.form_for_route(kept.authority, guidance.route)
    except ThresholdError as exc:
        raise PageError(
            503,
            "The forms of this authority cannot be used",
            [FieldError("form", str(exc))],
            fix=(kept.link("/guidance"), "Back to the guidance"),
            state=kept,
        ) from None
    if found is None:
        raise PageError(
            404,
            "No written form for this route",
            [
                FieldError(
                    "",
                    "the sources give no written form for this route, so none is made up; "
                    "the guidance says what to do",
                )
            ],
            fix=(kept.link("/guidance"), "Back to the guidance"),
            state=kept,
        )
    return found


def typed_download(
    registry: Registry, kept: State, guidance: Guidance, form: Form, body: bytes
) -> Response:
    """The download of what was typed into ``form`` (the POST's ``body``).

    Raises:
        PageError: the body cannot be read (400, naming the field).
    """
    try:
        fmt, typed = read_typed(form, body)
    except TypedError as exc:
        raise PageError(
            400,
            "There is a problem with the form",
            [exc.problem],
            fix=(kept.link("/form"), "Back to the form"),
            state=kept,
        ) from None
    media_type, ending = DOWNLOADS[fmt]
    if fmt == "json":
        text = answers_json(typed)
    else:
        text = form_text(registry, kept, guidance, form, "markdown", typed)
    return download(text, media_type, form.id + ending)


def answers_json(typed: Mapping[str, Any]) -> str:
    """The typed answers as the JSON `threshold validate` and `threshold form
    --answers` read: one object of answers by item id."""
    return json.dumps(dict(typed), indent=2, ensure_ascii=False) + "\n"


def refuse_cross_site(request: Request) -> None:
    """Refuse (403) a POST that a browser says comes from another site.

    Raises:
        PageError: ``Sec-Fetch-Site`` names another site, or (without it) ``Origin``
            names another host. ``Origin: null`` (what a page with
            ``Referrer-Policy: no-referrer`` sends) is allowed only beside
            ``Sec-Fetch-Site: same-origin``, or with neither header set.
    """
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if site is not None:
        foreign = site not in _OWN_SITE
    elif origin is not None and origin != "null":
        foreign = urlsplit(origin).netloc != request.headers.get("host", "")
    else:
        foreign = False
    if foreign:
        raise PageError(
            403,
            "This form can only be sent from its own page",
            [FieldError("", "the request came from another web site; open the form here")],
            fix=("/", "Start again"),
        )


async def read_body(request: Request, limit: int = MAX_FORM_BYTES) -> bytes:
    """The request body, read up to ``limit`` bytes.

    Raises:
        PageError: it is longer (413), by its Content-Length or as it arrives.
    """
    too_long = PageError(
        413,
        "The form is too long to download",
        [FieldError("form", f"over {limit // 1000} KB of answers; expected less: shorten a box")],
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_long
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_long
    return bytes(body)


def read_typed(form: Form, body: bytes) -> tuple[str, dict[str, Any]]:
    """The download asked for ("markdown" or "json") and the answers typed into
    ``form`` (sent as ``application/x-www-form-urlencoded``), by item id. An empty
    box is no answer; yes/no answers become true or false; an attachment is its
    file name (``{"title": ...}``: the page sends no file). What a box holds is
    kept as typed (its errors are shown in the download, not refused).

    Raises:
        TypedError: the body is not form data in UTF-8, or names a field twice, a
            field the form does not have, or a value its radios do not offer.
    """
    items = {item.id: item for item in form.items() if item.type not in NOT_QUESTIONS}
    try:
        text = body.decode("utf-8")
        limit = 2 * len(items) + 2
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=limit, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise TypedError(
            FieldError("form", "not form data in UTF-8; expected the form's own page to send it")
        ) from None
    fmt = ""
    typed: dict[str, Any] = {}
    seen: set[str] = set()
    for name, value in pairs:
        if name in seen:
            raise TypedError(FieldError(_shown(name, items), "sent twice; expected one answer"))
        seen.add(name)
        if name == "download":
            if value not in DOWNLOADS:
                raise TypedError(FieldError("download", "expected one of: markdown, json"))
            fmt = value
        elif name not in items:
            raise TypedError(
                FieldError("form", f"an answer to a question that form {form.id} does not have")
            )
        elif value.strip():
            typed[name] = _answer(items[name], value.replace("\r\n", "\n"))
    if not fmt:
        raise TypedError(FieldError("download", "missing; expected one of: markdown, json"))
    order = list(items)
    return fmt, {k: typed[k] for k in sorted(typed, key=order.index)}


def _shown(name: str, items: Mapping[str, Item]) -> str:
    """A posted field's name as an error may show it: only one of ours."""
    return name if name in items or name == "download" else "form"


def _answer(item: Item, value: str) -> Any:
    """One typed value as the referral's answer."""
    if item.type is ItemType.YES_NO:
        if value not in ("yes", "no"):
            raise TypedError(FieldError(item.id, "expected yes or no"))
        return value == "yes"
    if item.type is ItemType.CHOICE and item.choice(value) is None:
        choices = ", ".join(c.value for c in item.choices)
        raise TypedError(FieldError(item.id, f"expected one of: {choices}"))
    if item.type is ItemType.ATTACHMENT:
        return {"title": value}
    return value
