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
:class:`~threshold.core.interfaces.http.openapi.Endpoint` and one method of :class:`_Api` with
the endpoint's name. The web pages (:mod:`threshold.core.interfaces.web.app`) are added to the
same app with ``create_app(routes=..., error_pages=...)``.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import socket
from collections.abc import Callable, Collection, Sequence
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threshold.core.engine.urgent import urgent_advice
from threshold.core.interfaces.failures import ErrorDetail, ErrorInfo, debugging, error_info
from threshold.core.interfaces.http.openapi import JSON, JSON_LINES, Endpoint, Parameter
from threshold.core.interfaces.http.openapi import Response as Answer
from threshold.core.interfaces.http.slow_lane import (
    CACHE_BYTES,
    RETRY_AFTER,
    SLOW_QUEUE,
    SLOW_SLOTS,
    Busy,
    Made,
    ResultCache,
    SlowLane,
)
from threshold.core.io.schemas import schema as published
from threshold.core.io.schemas import shown_name
from threshold.core.io.urgent_flags import NATIONAL_URGENT
from threshold.core.plugins.registry import Registry, default_registry

#: Default request body limit: a case is well under 1 KiB, so this is about
#: 15,000 cases in one ``POST /route/batch``; larger batches belong on the CLI.
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

#: HTTP status for each error code.
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
_CASE_FIELDS = tuple(published("case")["properties"])
#: The case fields as query parameters (``?level=3&unborn=true``), to prefill a form.
_CASE_QUERY = tuple(
    Parameter(
        name,
        "query",
        f"Case field, to prefill the form (only the fields given count): {spec['description']}",
        {"$ref": f"#/components/schemas/case/properties/{name}"},
    )
    for name, spec in published("case")["properties"].items()
)
_FORM_FORMATS = ("json-schema", "html", "markdown", "fhir")
_COMPARE_FORMATS = ("json", "csv", "html")
_TRUE_FALSE = ("true", "false")
_REFERRAL_EXAMPLE = (
    '{"authority": "derbyshire", "form": "derbyshire-request-for-support", "answers": {}}'
)
#: HTML pages get a policy that lets them load and send nothing (a form page
#: never submits anywhere; a comparison page needs nothing but its own styles).
_HTML_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
}

_BUSY = Answer(
    503,
    "Busy with other slow requests (GET /compare, POST /route/batch run a few at a time, "
    "with a bounded queue): retry after the seconds in Retry-After. POST /route is answered "
    "meanwhile.",
    "error",
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
            Answer(400, "A bad query parameter.", "error"),
            Answer(
                413,
                f"The body is over the size limit, has more than {MAX_BATCH_LINES:,} lines "
                f"(blank lines count), or its results would be over "
                f"{MAX_BATCH_OUTPUT_BYTES:,} bytes (the defaults); send fewer lines per "
                "request, or large batches to `threshold route --batch`.",
                "error",
            ),
            *(e for e in _ERRORS if e.status not in (400, 413)),
            _BUSY,
        ),
    ),
    Endpoint(
        "GET",
        "/forms/{authority}/{form}",
        "form",
        "One referral form, with what the case fields in the query say filled in: a JSON "
        "Schema of the answers, a FHIR R4 Questionnaire, GOV.UK-style HTML or Markdown.",
        parameters=(
            Parameter("authority", "path", "The authority id.", {"type": "string"}),
            Parameter("form", "path", "The form id (see `threshold form`).", {"type": "string"}),
            Parameter(
                "format",
                "query",
                "The form's format.",
                {"enum": list(_FORM_FORMATS), "default": "json-schema"},
            ),
            *_CASE_QUERY,
        ),
        responses=(
            Answer(200, "The form.", None, "application/schema+json"),
            Answer(200, "The form.", None, "application/fhir+json"),
            Answer(200, "The form.", None, "text/html"),
            Answer(200, "The form.", None, "text/markdown"),
            Answer(400, "A bad or unknown query parameter.", "error"),
            Answer(404, "No such authority, or no such form of it.", "error"),
            Answer(422, "A case field is wrong.", "error"),
            Answer(503, "The authority's plugin, or its forms, are broken.", "error"),
        ),
    ),
    Endpoint(
        "POST",
        "/validate",
        "validate",
        "Check a filled referral against its form: valid or not, one error per problem "
        "(naming the item, never repeating the answer), and the required questions missing.",
        request=(JSON, "referral"),
        responses=(
            Answer(200, "The result, valid or not.", "validation"),
            Answer(400, "Not JSON, or a query parameter (there are none).", "error"),
            Answer(413, "The request body is over the size limit.", "error"),
            Answer(422, "A field is wrong, or the authority or form is unknown.", "error"),
            Answer(503, "The authority's plugin, or its forms, are broken.", "error"),
        ),
    ),
    Endpoint(
        "GET",
        "/compare",
        "compare",
        "Two or more authorities side by side: contacts by purpose, and each authority's "
        "route for every combination of the case fields that change a route.",
        parameters=(
            Parameter(
                "authority",
                "query",
                "An authority id, once per authority (two or more), in column order.",
                {"type": "array", "items": {"type": "string"}, "minItems": 2},
                required=True,
            ),
            Parameter(
                "differences_only",
                "query",
                "Keep only the contacts and scenarios that differ.",
                {"enum": list(_TRUE_FALSE), "default": "false"},
            ),
            Parameter(
                "format",
                "query",
                "The comparison's format (CSV and JSON hold every combination).",
                {"enum": list(_COMPARE_FORMATS), "default": "json"},
            ),
        ),
        responses=(
            Answer(200, "The comparison.", "compare"),
            Answer(200, "The comparison.", None, "text/csv"),
            Answer(200, "The comparison.", None, "text/html"),
            Answer(
                400, "A bad or unknown query parameter, or fewer than two authorities.", "error"
            ),
            Answer(404, "No such authority.", "error"),
            Answer(503, "An authority's plugin is broken.", "error"),
            _BUSY,
        ),
    ),
    Endpoint(
        "GET",
        "/schemas/{name}",
        "schema",
        "One of the published JSON Schemas.",
        parameters=(Parameter("name", "path", "The schema's name.", {"type": "string"}),),
        responses=(
            Answer(200, "The JSON Schema (draft 2020-12).", None, "application/schema+json"),
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
        response = error_response(
            ErrorInfo(
                "too-large",
                f"body: over the limit of {limit} bytes; expected a smaller request "
                "(send large batches to `threshold route --batch`)",
                (ErrorDetail("body", f"over the limit of {limit} bytes"),),
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


async def _http_error(request: Request, exc: Exception) -> Response:
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


class _Api:
    """The endpoints: one method per :data:`ENDPOINTS` entry, named after it."""

    def __init__(
        self,
        registry: Registry,
        version: str,
        *,
        max_batch_lines: int = MAX_BATCH_LINES,
        max_batch_output_bytes: int = MAX_BATCH_OUTPUT_BYTES,
        slow_lane: SlowLane | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        from threshold.core.interfaces.http.openapi import openapi_document

        self.registry = registry
        self.version = version
        self.max_batch_lines = max_batch_lines
        self.max_batch_output_bytes = max_batch_output_bytes
        self.slow_lane = slow_lane or SlowLane()
        self.cache = cache or ResultCache()
        self._route_threads: Any = None
        self.openapi_json = openapi_document(ENDPOINTS, version=version)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _options(request: Request) -> tuple[str | None, bool]:
        """Return (default authority, record) from the query; unknown names are errors."""
        query = request.query_params
        errors = _query_errors(query, ("authority", "record"))
        record = _choice(query, "record", _TRUE_FALSE, "false", errors)
        authority = query.get("authority")
        if authority is not None:
            _check_authority(authority, errors)
        if errors:
            raise _BadQuery(errors)
        return authority, record == "true"

    async def _in_route_thread(self, func: Callable[[], Any]) -> Any:
        """Run ``func`` in a worker thread of POST /route's own (slow endpoints
        cannot take them all)."""
        import anyio.to_thread

        if self._route_threads is None:
            self._route_threads = anyio.CapacityLimiter(ROUTE_THREADS)
        return await anyio.to_thread.run_sync(func, limiter=self._route_threads)

    def _busy(self, body: bytes | None = None, authority: str | None = None) -> JSONResponse:
        """503 busy, with Retry-After, and the urgent advice of a body that raised
        an urgent flag (it was not routed)."""
        advice = urgent_advice(body, authority, self.registry) if body else None
        urgent = f"{advice}." if advice else None
        message = (
            "busy with other slow requests (GET /compare and POST /route/batch run a few at "
            f"a time); expected a retry after {RETRY_AFTER} seconds (POST /route is answered "
            "meanwhile)"
        )
        info = ErrorInfo("busy", message + (f" — {urgent}" if urgent else ""), (), urgent)
        response = error_response(info)
        response.headers["retry-after"] = str(RETRY_AFTER)
        return response

    def _bad_query(
        self, exc: _BadQuery, raw: object = None, authority: str | None = None
    ) -> JSONResponse:
        """The error for a bad query; it keeps the urgent advice of the input ``raw``
        (a body or the case in the query), so a wrong parameter never hides it."""
        advice = urgent_advice(raw, authority, self.registry)
        urgent = f"{advice}." if advice else None
        message = f"{exc} — {urgent}" if urgent else str(exc)
        return error_response(ErrorInfo("invalid-query", message, tuple(exc.errors), urgent))

    def _failure(
        self, exc: Exception, raw: object, authority: str | None, *, in_path: bool = False
    ) -> JSONResponse:
        """The error response for ``exc`` (internal errors re-raised when debugging).
        With ``in_path``, an unknown authority or form is 404: it was named in the
        path or query, so the resource does not exist."""
        from threshold.core.model.errors import ThresholdError

        if debugging() and not isinstance(exc, ThresholdError):
            raise exc
        info = error_info(exc, raw, authority, self.registry)
        if in_path and info.code in ("unknown-authority", "unknown-form"):
            info = attrs.evolve(info, code="not-found")
        return error_response(info)

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
        from threshold.core.plugins.installed import list_authorities

        return JSONResponse(list_authorities(self.registry).to_dict())

    async def route(self, request: Request) -> Response:
        """POST /route: one case (with its authority, or ?authority=)."""
        from threshold.core.engine.api import route
        from threshold.core.interfaces.batch import authority_of, parse_line
        from threshold.core.io.parse import decode_json

        try:
            default, record = self._options(request)
        except _BadQuery as exc:
            return self._bad_query(exc, await request.body(), request.query_params.get("authority"))
        body = await request.body()
        data: object = body
        try:
            data = decode_json(body, field="body")
            authority, case = parse_line(data, default)
            guidance = await self._in_route_thread(
                functools.partial(route, case, authority, registry=self.registry, record=record)
            )
        except Exception as exc:
            return self._failure(exc, data, authority_of(data, default))
        return JSONResponse(guidance.to_dict())

    async def route_batch(self, request: Request) -> Response:
        """POST /route/batch: JSON Lines in, one result per line out, streamed."""
        from threshold.core.interfaces.batch import route_stream
        from threshold.core.model.errors import AuthorityError

        try:
            default, record = self._options(request)
        except _BadQuery as exc:
            return self._bad_query(exc, await request.body(), request.query_params.get("authority"))
        if default is not None:
            try:
                self.registry.get(default)
            except AuthorityError as exc:
                return error_response(error_info(exc, None, None, self.registry))
        body = await request.body()
        count = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
        if count > self.max_batch_lines:
            return self._batch_refused(
                body,
                default,
                f"{count:,} lines, over the limit; expected at most {self.max_batch_lines:,} "
                "lines per request (blank lines count)",
            )

        def routed() -> list[bytes] | None:
            """The result lines, or None once they pass the output limit."""
            out, size = [], 0
            for result in route_stream(
                io.BytesIO(body), default, record=record, registry=self.registry
            ):
                line = result.to_json_line()
                size += len(line)
                if size > self.max_batch_output_bytes:
                    return None
                out.append(line)
            return out

        try:
            async with self.slow_lane.slot():
                lines = await run_in_threadpool(routed)
        except Busy:
            return self._busy(body, default)
        if lines is None:
            return self._batch_refused(
                body,
                default,
                f"the results would be over the limit of {self.max_batch_output_bytes:,} "
                "bytes; expected fewer lines per request",
            )
        return Response(b"".join(lines), media_type=JSON_LINES)

    def _batch_refused(self, body: bytes, default: str | None, problem: str) -> JSONResponse:
        """413 for a batch over a limit, with the urgent advice of any line that
        raised an urgent flag (none of them was routed)."""
        from threshold.core.engine.urgent import urgent_advice

        advice = urgent_advice(body, default, self.registry)
        urgent = f"{advice}." if advice else None
        info = ErrorInfo(
            "too-large",
            f"body: {problem} (send large batches to `threshold route --batch`)"
            + (f" — {urgent}" if urgent else ""),
            (ErrorDetail("body", problem),),
            urgent,
        )
        return error_response(info)

    async def form(self, request: Request) -> Response:
        """GET /forms/{authority}/{form}?format=...&level=3...: one form, prefilled."""
        from threshold.core.io.parse import case_from_text
        from threshold.core.render.form_output import make_form

        query = request.query_params
        errors = _query_errors(query, ("format", *_CASE_FIELDS))
        fmt = _choice(query, "format", _FORM_FORMATS, "json-schema", errors)
        authority, form_id = request.path_params["authority"], request.path_params["form"]
        if errors:
            return self._bad_query(_BadQuery(errors), dict(query), authority)
        case = case_from_text({k: v for k, v in query.items() if k != "format"})
        try:
            _check_path(authority, form_id)
            output = await run_in_threadpool(
                make_form, authority, case=case, form_id=form_id, fmt=fmt, registry=self.registry
            )
        except Exception as exc:
            return self._failure(exc, case, authority, in_path=True)
        if output.data is not None:
            return JSONResponse(output.data, media_type=output.media_type)
        headers = _HTML_HEADERS if fmt == "html" else None
        return Response(output.text, media_type=output.media_type, headers=headers)

    async def validate(self, request: Request) -> Response:
        """POST /validate: a filled referral checked against its form."""
        from threshold.core.forms.referrals import check, parse_referral, referral_flags
        from threshold.core.interfaces.batch import authority_of
        from threshold.core.io.parse import decode_json

        errors = _query_errors(request.query_params, ())
        if errors:
            return self._bad_query(_BadQuery(errors), await request.body())
        body = await request.body()
        data: object = body

        def checked() -> dict[str, Any]:
            nonlocal data
            data = decode_json(body, field="body", example=_REFERRAL_EXAMPLE)
            authority, form_id, answers = parse_referral(data)
            return check(self.registry.form(authority, form_id), answers, self.registry).to_dict()

        try:
            result = await run_in_threadpool(checked)
        except Exception as exc:
            answers = data.get("answers") if isinstance(data, dict) else None
            return self._failure(exc, referral_flags(answers), authority_of(data, None))
        return JSONResponse(result)

    async def compare(self, request: Request) -> Response:
        """GET /compare?authority=A&authority=B[&differences_only=true][&format=...]."""
        from threshold.core.model.errors import CaseError

        query = request.query_params
        errors = _query_errors(query, ("authority", "differences_only", "format"), {"authority"})
        differences = _choice(query, "differences_only", _TRUE_FALSE, "false", errors) == "true"
        fmt = _choice(query, "format", _COMPARE_FORMATS, "json", errors)
        ids = query.getlist("authority")
        for authority in ids:
            _check_authority(authority, errors)
        if errors:
            return self._bad_query(_BadQuery(errors))

        def made() -> Made:
            from threshold.core.analysis import compare
            from threshold.core.render.compare import render_comparison

            comparison = compare.compare(self.registry, ids, differences_only=differences)
            if fmt == "json":
                return Made(bytes(JSONResponse(comparison.to_dict()).body), JSON)
            text = render_comparison(comparison, fmt)
            return Made(text.encode("utf-8"), "text/csv" if fmt == "csv" else "text/html")

        async def in_the_lane() -> Made:
            async with self.slow_lane.slot():
                return await run_in_threadpool(made)

        # it depends only on the installed data, and on the date (review warnings)
        key = ("compare", tuple(ids), differences, fmt, _today())
        try:
            result = await self.cache.get_or_make(key, in_the_lane)
        except Busy:
            return self._busy()
        except CaseError as exc:
            return self._bad_query(_BadQuery([ErrorDetail("authority", exc.errors[0].message)]))
        except Exception as exc:
            return self._failure(exc, None, None, in_path=True)
        headers = _HTML_HEADERS if fmt == "html" else None
        return Response(result.body, media_type=result.media_type, headers=headers)

    async def schema(self, request: Request) -> Response:
        """GET /schemas/{name}."""
        from threshold.core.io.schemas import SCHEMA_NAMES, schema

        name = request.path_params["name"]
        if name not in SCHEMA_NAMES:
            label = shown_name(name, "a schema name")
            problem = (
                f"unknown schema {label if label != name else repr(name)}; "
                f"expected one of: {', '.join(SCHEMA_NAMES)}"
            )
            info = ErrorInfo("not-found", f"name: {problem}", (ErrorDetail("name", problem),))
            return error_response(info)
        return JSONResponse(schema(name), media_type="application/schema+json")

    async def openapi(self, request: Request) -> Response:
        """GET /openapi.json."""
        return JSONResponse(self.openapi_json)


def _today() -> str:
    """Today's date in England (a guidance's review warning depends on it)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/London")).date().isoformat()


def _query_errors(
    query: Any, allowed: Sequence[str], repeatable: Collection[str] = ()
) -> list[ErrorDetail]:
    """Errors for query parameters that are unknown (named only when the name looks
    like one) or given more than once."""
    expected = f"expected one of: {', '.join(allowed)}" if allowed else "expected none"
    errors = [
        ErrorDetail(shown_name(name, "a parameter name"), f"unknown query parameter; {expected}")
        for name in sorted(set(query.keys()) - set(allowed))
    ]
    errors += [
        ErrorDetail(name, "given more than once; expected it once")
        for name in allowed
        if name not in repeatable and len(query.getlist(name)) > 1
    ]
    return errors


def _choice(
    query: Any, name: str, choices: Sequence[str], default: str, errors: list[ErrorDetail]
) -> str:
    """The value of query parameter ``name``, or ``default``; a value that is not
    one of ``choices`` adds an error."""
    value: str = query.get(name, default)
    if value not in choices:
        words = " or ".join(choices) if len(choices) == 2 else "one of: " + ", ".join(choices)
        errors.append(ErrorDetail(name, f"got a string; expected {words}"))
    return value


def _check_authority(value: str, errors: list[ErrorDetail]) -> None:
    """Add an error when a query's authority is not shaped like an id (never echoed)."""
    from threshold.core.interfaces.batch import authority_id_error

    problem = authority_id_error(value)
    if problem is not None:
        errors.append(ErrorDetail("authority", problem))


def _check_path(authority: str, form_id: str) -> None:
    """Refuse path segments that cannot be an authority or form id (such a resource
    cannot exist), without echoing them.

    Raises:
        UnknownAuthorityError: ``authority`` is not shaped like an authority id.
        FormError: ``form_id`` is not shaped like a form id.
    """
    from threshold.core.interfaces.batch import authority_id_error
    from threshold.core.model.errors import FormError, UnknownAuthorityError

    problem = authority_id_error(authority)
    if problem is not None:
        raise UnknownAuthorityError(authority, problem)
    spec = published("form")["$defs"]["id"]
    if len(form_id) > spec["maxLength"] or not re.fullmatch(spec["pattern"], form_id):
        raise FormError(
            authority, f"got a string that is not a form id; expected {spec['x-expected']}"
        )


def create_app(
    registry: Registry | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    routes: Sequence[BaseRoute] = (),
    error_pages: Callable[[Request, int], Response | None] | None = None,
    max_batch_lines: int = MAX_BATCH_LINES,
    max_batch_output_bytes: int = MAX_BATCH_OUTPUT_BYTES,
    slow_slots: int = SLOW_SLOTS,
    slow_queue: int = SLOW_QUEUE,
    cache_bytes: int = CACHE_BYTES,
) -> Starlette:
    """Return the HTTP application.

    Args:
        registry: The authorities to serve (default: the installed plugins).
        max_body_bytes: Request bodies over this many bytes are refused with 413.
        routes: More routes for the same app (the web pages: threshold.core.interfaces.web.app).
        error_pages: Given a request and a 404 or 405 status, a page to answer
            with instead of the JSON error, or None to keep the JSON error.
        max_batch_lines: A ``POST /route/batch`` with more lines is refused (413).
        max_batch_output_bytes: A ``POST /route/batch`` whose results would be
            larger is refused (413).
        slow_slots: Slow requests (``GET /compare``, ``POST /route/batch``) run
            at most this many at a time (:mod:`threshold.core.interfaces.http.slow_lane`).
        slow_queue: At most this many slow requests wait for a slot; more get 503
            busy with Retry-After.
        cache_bytes: Bytes of comparisons kept (each is made once per authorities,
            options, format and day).
    """
    from threshold.core.engine.decision import engine_version

    registry = registry or default_registry()
    api = _Api(
        registry,
        engine_version().split(" ", 1)[1],
        max_batch_lines=max_batch_lines,
        max_batch_output_bytes=max_batch_output_bytes,
        slow_lane=SlowLane(slow_slots, slow_queue),
        cache=ResultCache(cache_bytes),
    )
    table: list[BaseRoute] = [
        Route(e.path, getattr(api, e.name), methods=[e.method], name=e.name) for e in ENDPOINTS
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        if error_pages is not None and isinstance(exc, HTTPException):
            page = error_pages(request, exc.status_code)
            if page is not None:
                page.headers.update(exc.headers or {})  # a 405's Allow
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
    # IPPROTO_TCP, not 0 (as socket.create_server makes it): asyncio sets TCP_NODELAY
    # only on connections of such a socket, and without it every keep-alive response
    # waits for the client's delayed ACK (the protocol sets it on each one too).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name == "posix":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen()
    except BaseException:
        sock.close()
        raise
    return sock


def is_loopback(host: str) -> bool:
    """True when ``host`` is a loopback address (only this machine can connect)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server(
    app: ASGIApp, *, log_level: str = "warning", header_timeout: float = HEADER_TIMEOUT
) -> Any:
    """Return a uvicorn server for ``app`` that logs no requests: no access log
    (request lines can carry query strings), no server header, and warnings only.

    Its connections (:mod:`threshold.core.interfaces.http.protocol`) set TCP_NODELAY, close a
    request whose headers take longer than ``header_timeout`` seconds (or whose
    body pauses for longer), and linger after an early answer such as a 413, so
    that a client still sending reads the answer rather than a reset.
    """
    import uvicorn

    from threshold.core.interfaces.http.protocol import protocol_class

    config = uvicorn.Config(
        app,
        http=protocol_class(header_timeout=header_timeout),
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",
        log_level=log_level,
    )
    return uvicorn.Server(config)
