"""The endpoints of the HTTP service: one method of :class:`Api` per entry of
:data:`~threshold.core.interfaces.http.openapi.ENDPOINTS`, named after it."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import anyio.to_thread
import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from threshold.core.analysis import compare
from threshold.core.engine.api import route
from threshold.core.engine.urgent import urgent_advice
from threshold.core.forms.referrals import check, parse_referral, referral_flags
from threshold.core.interfaces.batch import authority_of, parse_line, route_stream
from threshold.core.interfaces.failures import ErrorInfo, debugging, error_info
from threshold.core.interfaces.http.guards import (
    MAX_BATCH_LINES,
    MAX_BATCH_OUTPUT_BYTES,
    ROUTE_THREADS,
    BadQuery,
    check_authority,
    check_compare_side,
    check_path,
    choice,
    error_response,
    query_errors,
)
from threshold.core.interfaces.http.openapi import (
    HTTP_COMPARE_FORMATS,
    JSON,
    JSON_LINES,
    REFERRAL_EXAMPLE,
    TRUE_FALSE,
    openapi_document,
)
from threshold.core.interfaces.http.replay import ENDPOINTS, ReplayEndpoint
from threshold.core.interfaces.http.slow_lane import (
    RETRY_AFTER,
    Busy,
    Made,
    ResultCache,
    SlowLane,
)
from threshold.core.io.case_schema import case_schema
from threshold.core.io.parse import case_from_text, decode_json
from threshold.core.io.schemas import SCHEMA_NAMES, schema, shown_name
from threshold.core.model.authority import Authority
from threshold.core.model.errors import AuthorityError, CaseError, FieldError, ThresholdError
from threshold.core.model.fields import CORE_FIELDS, case_fields
from threshold.core.model.vocabulary import FORM_FORMATS
from threshold.core.plugins.installed import list_authorities
from threshold.core.plugins.registry import Registry
from threshold.core.render.compare import render_comparison
from threshold.core.render.form_output import make_form

HTML_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
}


class Api(ReplayEndpoint):
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

        self.registry = registry
        self.version = version
        self.max_batch_lines = max_batch_lines
        self.max_batch_output_bytes = max_batch_output_bytes
        self.slow_lane = slow_lane or SlowLane()
        self.cache = cache or ResultCache()
        self._route_threads: Any = None
        self._case_schemas: dict[str, dict[str, Any]] = {}
        self.openapi_json = openapi_document(ENDPOINTS, version=version)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _options(request: Request) -> tuple[str | None, bool]:
        """Return (default authority, record) from the query; unknown names are errors."""
        query = request.query_params
        errors = query_errors(query, ("authority", "record"))
        record = choice(query, "record", TRUE_FALSE, "false", errors)
        authority = query.get("authority")
        if authority is not None:
            check_authority(authority, errors)
        if errors:
            raise BadQuery(errors)
        return authority, record == "true"

    async def _in_route_thread(self, func: Callable[[], Any]) -> Any:
        """Run ``func`` in a worker thread of POST /route's own (slow endpoints
        cannot take them all)."""

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
        self, exc: BadQuery, raw: object = None, authority: str | None = None
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

        return JSONResponse(list_authorities(self.registry).to_dict())

    async def route(self, request: Request) -> Response:
        """POST /route: one case (with its authority, or ?authority=)."""

        try:
            default, record = self._options(request)
        except BadQuery as exc:
            return self._bad_query(exc, await request.body(), request.query_params.get("authority"))
        body = await request.body()
        data: object = body
        try:
            data = decode_json(body, field="body")
            authority, case = parse_line(data, default, self.registry)
            guidance = await self._in_route_thread(
                functools.partial(route, case, authority, registry=self.registry, record=record)
            )
        except Exception as exc:
            return self._failure(exc, data, authority_of(data, default))
        return JSONResponse(guidance.to_dict())

    async def route_batch(self, request: Request) -> Response:
        """POST /route/batch: JSON Lines in, one result per line out, streamed."""

        try:
            default, record = self._options(request)
        except BadQuery as exc:
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

        advice = urgent_advice(body, default, self.registry)
        urgent = f"{advice}." if advice else None
        info = ErrorInfo(
            "too-large",
            f"body: {problem} (send large batches to `threshold route --batch`)"
            + (f" — {urgent}" if urgent else ""),
            (FieldError("body", problem),),
            urgent,
        )
        return error_response(info)

    def _policy(self, authority_id: str) -> Authority | None:
        """The authority with this id, or None when it cannot be used (the error
        comes where the authority is needed)."""
        try:
            return self.registry.get(authority_id).authority
        except ThresholdError:
            return None

    async def form(self, request: Request) -> Response:
        """GET /forms/{authority}/{form}?format=...&level=3...: one form, prefilled."""

        query = request.query_params
        authority, form_id = request.path_params["authority"], request.path_params["form"]
        policy = self._policy(authority)
        fields = case_fields(policy) if policy is not None else CORE_FIELDS
        errors = query_errors(query, ("format", *(f.name for f in fields)))
        fmt = choice(query, "format", FORM_FORMATS, "json-schema", errors)
        if errors:
            return self._bad_query(BadQuery(errors), dict(query), authority)
        given = {k: v for k, v in query.items() if k != "format"}
        case = case_from_text(given, policy) if policy is not None else dict(given)
        try:
            check_path(authority, form_id)
            output = await run_in_threadpool(
                make_form, authority, case=case, form_id=form_id, fmt=fmt, registry=self.registry
            )
        except Exception as exc:
            return self._failure(exc, case, authority, in_path=True)
        if output.data is not None:
            return JSONResponse(output.data, media_type=output.media_type)
        headers = HTML_HEADERS if fmt == "html" else None
        return Response(output.text, media_type=output.media_type, headers=headers)

    async def validate(self, request: Request) -> Response:
        """POST /validate: a filled referral checked against its form."""

        errors = query_errors(request.query_params, ())
        if errors:
            return self._bad_query(BadQuery(errors), await request.body())
        body = await request.body()
        data: object = body

        def checked() -> dict[str, Any]:
            nonlocal data
            data = decode_json(body, field="body", example=REFERRAL_EXAMPLE)
            authority, form_id, answers = parse_referral(data)
            return check(self.registry.form(authority, form_id), answers, self.registry).to_dict()

        try:
            result = await run_in_threadpool(checked)
        except Exception as exc:
            answers = data.get("answers") if isinstance(data, dict) else None
            return self._failure(exc, referral_flags(answers), authority_of(data, None))
        return JSONResponse(result)

    async def compare(self, request: Request) -> Response:
        """GET /compare?authority=A&authority=B[&differences_only=true][&format=...]; a side
        may name an installed version, ``A@VERSION`` (never a folder)."""

        query = request.query_params
        errors = query_errors(query, ("authority", "differences_only", "format"), {"authority"})
        differences = choice(query, "differences_only", TRUE_FALSE, "false", errors) == "true"
        fmt = choice(query, "format", HTTP_COMPARE_FORMATS, "json", errors)
        ids = query.getlist("authority")
        for authority in ids:
            check_compare_side(authority, errors)
        if errors:
            return self._bad_query(BadQuery(errors))

        def made() -> Made:

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
            return self._bad_query(BadQuery([FieldError("authority", exc.errors[0].message)]))
        except Exception as exc:
            return self._failure(exc, None, None, in_path=True)
        headers = HTML_HEADERS if fmt == "html" else None
        return Response(result.body, media_type=result.media_type, headers=headers)

    async def schema(self, request: Request) -> Response:
        """GET /schemas/{name}[?authority=ID]: a published schema, or with
        ``authority`` (for ``case`` only) that authority's own case schema."""

        name = request.path_params["name"]
        if name not in SCHEMA_NAMES:
            label = shown_name(name, "a schema name")
            problem = (
                f"unknown schema {label if label != name else repr(name)}; "
                f"expected one of: {', '.join(SCHEMA_NAMES)}"
            )
            info = ErrorInfo("not-found", f"name: {problem}", (FieldError("name", problem),))
            return error_response(info)
        errors = query_errors(request.query_params, ("authority",))
        authority = request.query_params.get("authority")
        if authority is not None:
            check_authority(authority, errors)
            if name != "case" and not errors:
                problem = "only the case schema is made per authority; expected no authority"
                errors.append(FieldError("authority", f"{problem} for the {name} schema"))
        if errors:
            return self._bad_query(BadQuery(errors))
        if authority is None:
            return JSONResponse(schema(name), media_type="application/schema+json")
        try:
            made = self._case_schema(authority)
        except Exception as exc:
            return self._failure(exc, None, authority, in_path=True)
        return JSONResponse(made, media_type="application/schema+json")

    def _case_schema(self, authority_id: str) -> dict[str, Any]:
        """The authority's own case schema, made once per authority (the
        installed data does not change while the service runs).

        Raises:
            AuthorityError: the authority is unknown or its plugin broken.
        """
        if authority_id not in self._case_schemas:
            policy = self.registry.get(authority_id).authority
            self._case_schemas[authority_id] = case_schema(policy)
        return self._case_schemas[authority_id]

    async def openapi(self, request: Request) -> Response:
        """GET /openapi.json."""
        return JSONResponse(self.openapi_json)


def _today() -> str:
    """Today's date in England (a guidance's review warning depends on it)."""

    return dt.datetime.now(ZoneInfo("Europe/London")).date().isoformat()
