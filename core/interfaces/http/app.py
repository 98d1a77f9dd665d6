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
:class:`~threshold.core.interfaces.http.openapi.Endpoint` and one method of :class:`Api` with
the endpoint's name. The web pages (:mod:`threshold.core.interfaces.web.app`) are added to the
same app with ``create_app(routes=..., error_pages=...)``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.routing import Route as PathRoute  # not the model's Route (a route of care)
from starlette.types import ASGIApp
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from threshold.core.engine.decision import engine_version
from threshold.core.interfaces.http.endpoints import Api
from threshold.core.interfaces.http.guards import (
    HEADER_TIMEOUT,
    MAX_BATCH_LINES,
    MAX_BATCH_OUTPUT_BYTES,
    MAX_BODY_BYTES,
    Guard,
    json_http_error,
)
from threshold.core.interfaces.http.protocol import ProtocolFactory, protocol_class
from threshold.core.interfaces.http.replay import ENDPOINTS
from threshold.core.interfaces.http.slow_lane import (
    CACHE_BYTES,
    SLOW_QUEUE,
    SLOW_SLOTS,
    ResultCache,
    SlowLane,
)
from threshold.core.plugins.registry import Registry, default_registry


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

    registry = registry or default_registry()
    api = Api(
        registry,
        engine_version().split(" ", 1)[1],
        max_batch_lines=max_batch_lines,
        max_batch_output_bytes=max_batch_output_bytes,
        slow_lane=SlowLane(slow_slots, slow_queue),
        cache=ResultCache(cache_bytes),
    )
    table: list[BaseRoute] = [
        PathRoute(e.path, getattr(api, e.name), methods=[e.method], name=e.name) for e in ENDPOINTS
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        if error_pages is not None and isinstance(exc, HTTPException):
            page = error_pages(request, exc.status_code)
            if page is not None:
                page.headers.update(exc.headers or {})  # a 405's Allow
                return page
        return await json_http_error(request, exc)

    return Starlette(
        routes=[*table, *routes],
        middleware=[Middleware(Guard, max_body_bytes=max_body_bytes)],
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

    config = uvicorn.Config(
        app, http=protocol_class(header_timeout=header_timeout), **_quiet(log_level)
    )
    return uvicorn.Server(config)


def _quiet(log_level: str) -> dict[str, Any]:
    """uvicorn's settings for a server that logs no requests (see :func:`server`)."""
    return {
        "access_log": False,
        "server_header": False,
        "proxy_headers": False,
        "lifespan": "off",
        "log_level": log_level,
    }


def serve_workers(
    app_factory: Callable[[], ASGIApp],
    sock: socket.socket,
    workers: int,
    *,
    log_level: str = "warning",
    header_timeout: float = HEADER_TIMEOUT,
) -> bool:
    """Serve on ``sock`` from ``workers`` processes until stopped (Ctrl+C, SIGTERM).

    uvicorn's own supervisor (``uvicorn.supervisors.Multiprocess``, what its
    ``workers`` option runs) starts the processes with the spawn method, passes
    each the listening socket, and restarts one that dies. Each process builds
    its own app by calling ``app_factory`` (uvicorn's ``factory=True``), so it
    must pickle: a module-level function or a ``functools.partial`` of one. The
    processes share nothing: the service keeps no state. Connections are those of
    :func:`server` (no access log, TCP_NODELAY, the header timeout).

    Returns:
        False when a worker could not start (its error is logged by uvicorn).
    """
    # uvicorn types http= as a protocol class or its name; any callable that makes a
    # connection will do (it is only called), and this one pickles.
    protocol: Any = ProtocolFactory(header_timeout)
    config = uvicorn.Config(
        app_factory, factory=True, workers=workers, http=protocol, **_quiet(log_level)
    )
    supervisor = Multiprocess(config, sockets=[sock])
    supervisor.run()
    return not any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes)
