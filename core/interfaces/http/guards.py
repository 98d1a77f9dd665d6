"""The guards of the HTTP service: its limits, the outermost middleware (body size,
security headers, a catch-all that answers 500 as JSON and logs only the
exception's type), HTTP errors as JSON, and the checks of a query's parameters
(unknown, repeated, or not shaped like an id; never echoed)."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threshold.core.interfaces.batch import authority_id_error
from threshold.core.interfaces.failures import ErrorInfo, debugging
from threshold.core.io.schemas import schema as published
from threshold.core.io.schemas import shown_name
from threshold.core.model.errors import FieldError, FormError, UnknownAuthorityError
from threshold.core.model.vocabulary import NATIONAL_URGENT

MAX_BODY_BYTES = 1024 * 1024
#: Most lines in one ``POST /route/batch`` (blank lines count): a request over it is
#: refused whole before any line is routed (each line's answer is ~10 KB).
MAX_BATCH_LINES = 1000
#: Most bytes of results one ``POST /route/batch`` may give (over it: 413, fewer lines).
MAX_BATCH_OUTPUT_BYTES = 16 * 1024 * 1024
#: Worker threads of POST /route's own (the slow endpoints cannot take them).
ROUTE_THREADS = 8
#: Seconds for a request's line and headers to arrive (and the longest a body may
#: pause) before the connection is closed (``threshold serve --header-timeout``).
HEADER_TIMEOUT = 10.0

log = logging.getLogger("threshold.service")


STATUS = {
    "invalid-json": 400,
    "invalid-query": 400,
    "invalid-case": 422,
    "line-too-long": 422,
    "unknown-authority": 422,
    "unknown-form": 422,
    "not-found": 404,
    "method-not-allowed": 405,
    "too-large": 413,
    "internal-error": 500,
    "broken-plugin": 503,
    "busy": 503,
}


class TooLarge(Exception):
    """The request body went over the limit while it was read."""


class BadQuery(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))


def error_response(info: ErrorInfo) -> JSONResponse:
    """Return ``info`` as a JSON response with the status for its code."""
    return JSONResponse(info.to_dict(), status_code=info.http_status)


_SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
]


class Guard:
    """Outermost guard: the body size limit, and a catch-all that answers 500 as
    JSON and logs only the exception's type (never the request, never a traceback)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                given = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in _SECURITY_HEADERS if n not in given]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large()(scope, receive, send_with_headers)
            return
        received = 0

        async def receive_with_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise TooLarge
            return message

        try:
            await self.app(scope, receive_with_limit, send_with_headers)
        except TooLarge:
            if not started:
                await self._too_large()(scope, receive, send_with_headers)
        except ClientDisconnect:
            return
        except Exception as exc:
            if debugging():
                raise
            log.error("internal error (%s) on %s", type(exc).__name__, scope.get("method"))
            if not started:
                info = ErrorInfo(
                    "internal-error",
                    f"internal error ({type(exc).__name__}); {NATIONAL_URGENT}",
                    urgent=NATIONAL_URGENT,
                )
                await error_response(info)(scope, receive, send_with_headers)

    def _too_large(self) -> JSONResponse:
        limit = self.max_body_bytes
        response = error_response(
            ErrorInfo(
                "too-large",
                f"body: over the limit of {limit} bytes; expected a smaller request "
                "(send large batches to `threshold route --batch`)",
                (FieldError("body", f"over the limit of {limit} bytes"),),
            )
        )
        # The rest of the body is not read: the connection closes after the answer
        # (lingering, so a client still sending reads it: http_protocol).
        response.headers["connection"] = "close"
        return response


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def json_http_error(request: Request, exc: Exception) -> Response:
    """404 and 405 (and any other HTTP error Starlette raises) as JSON."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = exc.headers if isinstance(exc, HTTPException) else None  # a 405's Allow
    code = {404: "not-found", 405: "method-not-allowed"}.get(status, "invalid-query")
    message = {
        404: "no such endpoint; see GET /openapi.json",
        405: "method not allowed here; expected "
        + (headers or {}).get("Allow", "another")
        + " (see GET /openapi.json)",
    }.get(status, "bad request")
    return JSONResponse(ErrorInfo(code, message).to_dict(), status_code=status, headers=headers)


def query_errors(
    query: Any, allowed: Sequence[str], repeatable: Collection[str] = ()
) -> list[FieldError]:
    """Errors for query parameters that are unknown (named only when the name looks
    like one) or given more than once."""
    expected = f"expected one of: {', '.join(allowed)}" if allowed else "expected none"
    errors = [
        FieldError(shown_name(name, "a parameter name"), f"unknown query parameter; {expected}")
        for name in sorted(set(query.keys()) - set(allowed))
    ]
    errors += [
        FieldError(name, "given more than once; expected it once")
        for name in allowed
        if name not in repeatable and len(query.getlist(name)) > 1
    ]
    return errors


def choice(
    query: Any, name: str, choices: Sequence[str], default: str, errors: list[FieldError]
) -> str:
    """The value of query parameter ``name``, or ``default``; a value that is not
    one of ``choices`` adds an error."""
    value: str = query.get(name, default)
    if value not in choices:
        words = " or ".join(choices) if len(choices) == 2 else "one of: " + ", ".join(choices)
        errors.append(FieldError(name, f"got a string; expected {words}"))
    return value


def check_authority(value: str, errors: list[FieldError]) -> None:
    """Add an error when a query's authority is not shaped like an id (never echoed)."""

    problem = authority_id_error(value)
    if problem is not None:
        errors.append(FieldError("authority", problem))


#: What a side of GET /compare may be (a folder is never read over HTTP).
_EXPECTED_SIDE = (
    "an authority id, or AUTHORITY@VERSION with the name of an installed version "
    "(a folder is never read over HTTP)"
)


def check_compare_side(value: str, errors: list[FieldError]) -> None:
    """Add an error when a side of GET /compare is not ``ID`` or ``ID@NAME`` with
    NAME shaped like a version's name: a path or folder (``@./draft``), which the
    command line accepts, is refused, so the service never reads a path a client
    names (never echoed)."""

    authority, at, name = value.partition("@")
    problem = authority_id_error(authority)
    if problem is not None:
        errors.append(FieldError("authority", problem))
    elif at and not re.fullmatch(published("version")["properties"]["name"]["pattern"], name):
        errors.append(
            FieldError("authority", f"got a version that is not a name; expected {_EXPECTED_SIDE}")
        )


def check_path(authority: str, form_id: str) -> None:
    """Refuse path segments that cannot be an authority or form id (such a resource
    cannot exist), without echoing them.

    Raises:
        UnknownAuthorityError: ``authority`` is not shaped like an authority id.
        FormError: ``form_id`` is not shaped like a form id.
    """

    problem = authority_id_error(authority)
    if problem is not None:
        raise UnknownAuthorityError(authority, problem)
    spec = published("form")["$defs"]["id"]
    if len(form_id) > spec["maxLength"] or not re.fullmatch(spec["pattern"], form_id):
        raise FormError(
            authority, f"got a string that is not a form id; expected {spec['x-expected']}"
        )
