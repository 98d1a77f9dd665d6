"""The HTTP service: threshold's JSON API for intake systems in any language.

``create_app()`` returns a Starlette application (``pip install 'threshold[serve]'``)
that ``threshold serve`` runs with uvicorn. It is stateless (every request stands
alone), binds to loopback by default, logs no request (no access log, no bodies;
an internal error is logged by its type name only) and never answers with a
traceback. Bodies over the size limit are refused with 413, by Content-Length
and again while the body is read. Bad input gets the CLI's field-level messages
as ``schemas/error.schema.json`` data, with the urgent advice when the input
raised an urgent flag.

The endpoints are described once, as data (:data:`ENDPOINTS`), for both the
routing table and ``GET /openapi.json``. Adding an endpoint is one
:class:`~threshold.core.openapi.Endpoint` and one method of :class:`_Api` with
the endpoint's name. The web pages (:mod:`threshold.core.web`) are added to the
same app with ``create_app(routes=..., error_pages=...)``.
"""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threshold.core.failures import ErrorDetail, ErrorInfo, debugging, error_info
from threshold.core.openapi import (
    JSON,
    JSON_LINES,
    Endpoint,
    Parameter,
)
from threshold.core.openapi import (
    Response as Answer,
)
from threshold.core.registry import Registry, default_registry
from threshold.core.urgent import NATIONAL_URGENT

#: Default request body limit: a case is well under 1 KiB, so this is about
#: 15,000 cases in one ``POST /route/batch``; larger batches belong on the CLI.
MAX_BODY_BYTES = 1024 * 1024

log = logging.getLogger("threshold.service")

#: HTTP status for each error code.
STATUS = {
    "invalid-json": 400,
    "invalid-query": 400,
    "invalid-case": 422,
    "line-too-long": 422,
    "unknown-authority": 422,
    "not-found": 404,
    "method-not-allowed": 405,
    "too-large": 413,
    "internal-error": 500,
    "broken-plugin": 503,
}

_AUTHORITY = Parameter(
    "authority",
    "query",
    "Default authority id for a case (or batch line) that gives none.",
    {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
)
_RECORD = Parameter(
    "record",
    "query",
    "Add a decision record to each guidance.",
    {"enum": ["true", "false"], "default": "false"},
)
_ERRORS = (
    Answer(400, "Not JSON, or a bad query parameter.", "error"),
    Answer(413, "The request body is over the size limit.", "error"),
    Answer(422, "A field is wrong, or the authority is unknown.", "error"),
    Answer(503, "The authority's plugin is broken.", "error"),
)

#: Every endpoint, as data: the routing table and /openapi.json are built from it.
ENDPOINTS = (
    Endpoint(
        "GET",
        "/health",
        "health",
        "Whether the service can route: how many authorities work and how many are broken.",
        responses=(
            Answer(200, "At least one authority works.", "health"),
            Answer(503, "No authority works.", "health"),
        ),
    ),
    Endpoint(
        "GET",
        "/authorities",
        "authorities",
        "The installed authorities, plugins and data dates, and any broken plugin.",
        responses=(Answer(200, "The list.", "authorities"),),
    ),
    Endpoint(
        "POST",
        "/route",
        "route",
        "Route one case: the body is a case, optionally with its authority.",
        parameters=(_AUTHORITY, _RECORD),
        request=(JSON, "batch-line"),
        responses=(Answer(200, "The guidance.", "guidance"), *_ERRORS),
    ),
    Endpoint(
        "POST",
        "/route/batch",
        "route_batch",
        "Route many cases: JSON Lines in (one case per line, each may carry its authority), "
        "one result per line out, in order; a bad line gets an error record.",
        parameters=(_AUTHORITY, _RECORD),
        request=(JSON_LINES, "batch-line"),
        responses=(
            Answer(200, "One result per input line.", "batch-result", JSON_LINES),
            *_ERRORS,
        ),
    ),
    Endpoint(
        "GET",
        "/schemas/{name}",
        "schema",
        "One of the published JSON Schemas.",
        parameters=(Parameter("name", "path", "The schema's name.", {"type": "string"}),),
        responses=(
            Answer(200, "The JSON Schema (draft 2020-12).", None),
            Answer(404, "No schema has this name.", "error"),
        ),
    ),
    Endpoint(
        "GET",
        "/openapi.json",
        "openapi",
        "This API as OpenAPI 3.1, built from the published JSON Schemas.",
        responses=(Answer(200, "The OpenAPI document.", None),),
    ),
)


class _TooLarge(Exception):
    """The request body went over the limit while it was read."""


class _BadQuery(Exception):
    def __init__(self, errors: list[ErrorDetail]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


def error_response(info: ErrorInfo) -> JSONResponse:
    """Return ``info`` as a JSON response with the status for its code."""
    return JSONResponse(info.to_dict(), status_code=STATUS[info.code])


_SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
]


class _Guard:
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
                    raise _TooLarge
            return message

        try:
            await self.app(scope, receive_with_limit, send_with_headers)
        except _TooLarge:
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
        return error_response(
            ErrorInfo(
                "too-large",
                f"body: over the limit of {limit} bytes; expected a smaller request "
                "(send large batches to `threshold route --batch`)",
                (ErrorDetail("body", f"over the limit of {limit} bytes"),),
            )
        )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _http_error(request: Request, exc: Exception) -> Response:
    """404 and 405 (and any other HTTP error Starlette raises) as JSON."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code = {404: "not-found", 405: "method-not-allowed"}.get(status, "invalid-query")
    message = {
        404: "no such endpoint; see GET /openapi.json",
        405: f"method {request.method} not allowed here; see GET /openapi.json",
    }.get(status, "bad request")
    return JSONResponse(ErrorInfo(code, message).to_dict(), status_code=status)


class _Api:
    """The endpoints: one method per :data:`ENDPOINTS` entry, named after it."""

    def __init__(self, registry: Registry, version: str) -> None:
        from threshold.core.openapi import openapi_document

        self.registry = registry
        self.version = version
        self.openapi_json = openapi_document(ENDPOINTS, version=version)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _options(request: Request) -> tuple[str | None, bool]:
        """Return (default authority, record) from the query; unknown names are errors."""
        query = request.query_params
        errors = [
            ErrorDetail(name, "unknown query parameter; expected one of: authority, record")
            for name in sorted(set(query.keys()) - {"authority", "record"})
        ]
        errors += [
            ErrorDetail(name, "given more than once; expected it once")
            for name in ("authority", "record")
            if len(query.getlist(name)) > 1
        ]
        record = query.get("record", "false")
        if record not in ("true", "false"):
            errors.append(ErrorDetail("record", "got a string; expected true or false"))
        if errors:
            raise _BadQuery(errors)
        return query.get("authority"), record == "true"

    @staticmethod
    def _bad_query(exc: _BadQuery) -> JSONResponse:
        return error_response(ErrorInfo("invalid-query", str(exc), tuple(exc.errors)))

    # ---------------------------------------------------------------- endpoints
    async def health(self, request: Request) -> Response:
        """GET /health."""
        working = len(self.registry.authority_ids())
        broken = len(self.registry.problems())
        status = "unavailable" if not working else "degraded" if broken else "ok"
        body = {"status": status, "version": self.version, "authorities": working, "broken": broken}
        return JSONResponse(body, status_code=503 if not working else 200)

    async def authorities(self, request: Request) -> Response:
        """GET /authorities."""
        from threshold.core.installed import list_authorities

        return JSONResponse(list_authorities(self.registry).to_dict())

    async def route(self, request: Request) -> Response:
        """POST /route: one case (with its authority, or ?authority=)."""
        from threshold.core.api import route
        from threshold.core.batch import authority_of, parse_line
        from threshold.core.convert import decode_json

        try:
            default, record = self._options(request)
        except _BadQuery as exc:
            return self._bad_query(exc)
        body = await request.body()
        data: object = body
        try:
            data = decode_json(body, field="body")
            authority, case = parse_line(data, default)
            guidance = await run_in_threadpool(
                route, case, authority, registry=self.registry, record=record
            )
        except Exception as exc:
            from threshold.core.errors import ThresholdError

            if debugging() and not isinstance(exc, ThresholdError):
                raise
            who = authority_of(data, default)
            return error_response(error_info(exc, data, who, self.registry))
        return JSONResponse(guidance.to_dict())

    async def route_batch(self, request: Request) -> Response:
        """POST /route/batch: JSON Lines in, one result per line out, streamed."""
        from threshold.core.batch import route_stream
        from threshold.core.errors import AuthorityError

        try:
            default, record = self._options(request)
        except _BadQuery as exc:
            return self._bad_query(exc)
        if default is not None:
            try:
                self.registry.get(default)
            except AuthorityError as exc:
                return error_response(error_info(exc, None, None, self.registry))
        body = await request.body()
        results = route_stream(io.BytesIO(body), default, record=record, registry=self.registry)

        def lines() -> Iterator[bytes]:
            for result in results:
                yield result.to_json_line()

        return StreamingResponse(lines(), media_type=JSON_LINES)

    async def schema(self, request: Request) -> Response:
        """GET /schemas/{name}."""
        from threshold.core.errors import ThresholdError
        from threshold.core.schemas import schema

        try:
            document = schema(request.path_params["name"])
        except ThresholdError as exc:
            info = ErrorInfo("not-found", f"name: {exc}", (ErrorDetail("name", str(exc)),))
            return error_response(info)
        return JSONResponse(document, media_type="application/schema+json")

    async def openapi(self, request: Request) -> Response:
        """GET /openapi.json."""
        return JSONResponse(self.openapi_json)


def create_app(
    registry: Registry | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    routes: Sequence[BaseRoute] = (),
    error_pages: Callable[[Request, int], Response | None] | None = None,
) -> Starlette:
    """Return the HTTP application.

    Args:
        registry: The authorities to serve (default: the installed plugins).
        max_body_bytes: Request bodies over this many bytes are refused with 413.
        routes: More routes for the same app (the web pages: threshold.core.web).
        error_pages: Given a request and a 404 or 405 status, a page to answer
            with instead of the JSON error, or None to keep the JSON error.
    """
    from threshold.core.record import engine_version

    registry = registry or default_registry()
    api = _Api(registry, engine_version().split(" ", 1)[1])
    table: list[BaseRoute] = [
        Route(e.path, getattr(api, e.name), methods=[e.method], name=e.name) for e in ENDPOINTS
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        if error_pages is not None and isinstance(exc, HTTPException):
            page = error_pages(request, exc.status_code)
            if page is not None:
                return page
        return await _http_error(request, exc)

    return Starlette(
        routes=[*table, *routes],
        middleware=[Middleware(_Guard, max_body_bytes=max_body_bytes)],
        exception_handlers={HTTPException: http_error},
    )


def listen(host: str, port: int) -> socket.socket:
    """Return a listening TCP socket on ``host``:``port`` (port 0: any free port).

    Raises:
        OSError: the address cannot be used.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


def is_loopback(host: str) -> bool:
    """True when ``host`` is a loopback address (only this machine can connect)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server(app: ASGIApp, *, log_level: str = "warning") -> Any:
    """Return a uvicorn server for ``app`` that logs no requests: no access log
    (request lines can carry query strings), no server header, and warnings only."""
    import uvicorn

    config = uvicorn.Config(
        app,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",
        log_level=log_level,
    )
    return uvicorn.Server(config)
