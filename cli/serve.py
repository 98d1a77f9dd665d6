"""`threshold serve`: the JSON API over HTTP (needs ``pip install 'threshold[serve]'``)."""

from __future__ import annotations

import contextlib
import functools
import signal
from types import FrameType

import click

from threshold.cli.common import Failure


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port, printed on start).",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(min=1),
    default=1024 * 1024,
    show_default=True,
    help="Refuse request bodies larger than this (413).",
)
@click.option(
    "--header-timeout",
    type=click.FloatRange(min=0.1, max=3600),
    default=10.0,
    show_default=True,
    help="Close a connection whose request line and headers take longer than this many "
    "seconds to arrive, or whose body pauses for longer.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Serve from this many processes on the one port (about one per core; each "
    "holds its own copy of the data, nothing is shared between them).",
)
def serve(host: str, port: int, max_body_bytes: int, header_timeout: float, workers: int) -> None:
    """Serve the guided web tool (open http://127.0.0.1:8000/) and threshold's JSON
    API: /authorities, /route, /route/batch, /forms/AUTHORITY/FORM, /validate, /compare,
    /schemas/NAME, /openapi.json, /health.

    Listens on loopback (this machine only) unless --host says otherwise; it has
    no authentication of its own. It keeps no state and logs no requests.
    """
    try:
        from threshold.core.interfaces.http.app import is_loopback, listen, serve_workers, server
        from threshold.core.interfaces.web.app import create_web_app
    except ImportError:
        raise Failure(
            "serve: the HTTP service needs the serve extra; expected it installed: "
            "pip install 'threshold[serve]'"
        ) from None
    try:
        sock = listen(host, port)
    except OSError as exc:
        raise Failure(f"--port: cannot listen on {host} port {port}: {exc.strerror}") from None
    if not is_loopback(host):
        click.echo(
            f"threshold: warning: listening on {host}, reachable from other machines; the "
            "service has no authentication, so put it behind your own access control",
            err=True,
        )
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    processes = f" from {workers} processes" if workers > 1 else ""
    click.echo(
        f"threshold: serving on http://{shown}:{bound}/{processes} (Ctrl+C to stop). Decision "
        "support only: if a child is in immediate danger, ring 999.",
        err=True,
    )
    # Ctrl+C, or SIGTERM from a container runtime or service manager, is how the
    # service is stopped: not an error (exit 0 once the connections are done).
    signal.signal(signal.SIGTERM, _stop)
    with contextlib.suppress(KeyboardInterrupt):
        if workers == 1:
            app = create_web_app(max_body_bytes=max_body_bytes)
            server(app, header_timeout=header_timeout).run(sockets=[sock])
            return
        factory = functools.partial(create_web_app, max_body_bytes=max_body_bytes)
        if not serve_workers(factory, sock, workers, header_timeout=header_timeout):
            raise Failure("--workers: a server process could not start; see the error above", 3)


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM after uvicorn's graceful shutdown (it raises the signal again): stop
    as Ctrl+C does."""
    raise KeyboardInterrupt
