"""The HTTP/1.1 connection of ``threshold serve``: uvicorn's h11 protocol with the
three things it lacks for a service under load and abuse.

- **TCP_NODELAY on every connection.** asyncio sets it only on sockets whose
  protocol number is ``IPPROTO_TCP``; a listening socket made with
  ``socket.create_server`` (or uvicorn's own bind) has 0, and then every
  keep-alive response waited for the client's delayed ACK (about 40 ms).
- **A read timeout.** uvicorn has none for a request that is never finished:
  its keep-alive timeout is cancelled by the first byte of the next request.
  Here the request line and headers must arrive within ``header_timeout``
  seconds of the connection opening (or of the previous response), and a body
  may not pause for longer than that; otherwise the connection is closed.
- **A lingering close.** When the answer goes out before the client has sent
  its whole request (a 413 for a body over the limit), closing at once makes
  the client, still sending, get a reset instead of the answer. As nginx's
  ``lingering_close`` does, the server half-closes (the client reads the answer
  and the end of it), then reads and drops what the client still sends, for at
  most ``linger_seconds`` and ``linger_bytes``, before it closes.

Nothing is logged: a timed-out connection is closed without a word.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
from typing import Any

import attrs
import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: The longest a lingering close waits for the client to finish sending.
LINGER_SECONDS = 5.0
#: The most bytes a lingering close reads (and drops) before it closes.
LINGER_BYTES = 8 * 1024 * 1024


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Set TCP_NODELAY on the transport's socket, if it is a TCP socket."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # a socket closed in the meantime
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _Transport(asyncio.Transport):
    """The connection's transport as uvicorn sees it: ``close()`` lingers while
    the client is still sending its request; everything else is the real one's."""

    def __init__(self, inner: asyncio.Transport, protocol: GuardedH11Protocol) -> None:
        super().__init__()
        self.inner = inner
        self.owner = protocol

    def close(self) -> None:
        """Close, lingering if the client has not finished sending its request."""
        self.owner.close_connection()

    def is_closing(self) -> bool:
        """True once closing (lingering counts: nothing more is sent)."""
        return self.owner.lingering or self.inner.is_closing()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Send ``data``."""
        self.inner.write(data)

    def writelines(self, list_of_data: Any) -> None:
        """Send each of ``list_of_data``."""
        self.inner.writelines(list_of_data)

    def write_eof(self) -> None:
        """Half-close after the buffered data is sent."""
        self.inner.write_eof()

    def can_write_eof(self) -> bool:
        """Whether the transport can half-close."""
        return self.inner.can_write_eof()

    def abort(self) -> None:
        """Close at once, dropping buffered data."""
        self.inner.abort()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The real transport's information (socket, addresses, TLS)."""
        return self.inner.get_extra_info(name, default)

    def pause_reading(self) -> None:
        """Stop reading (not while lingering: the rest of the body must be read)."""
        if not self.owner.lingering:
            self.inner.pause_reading()

    def resume_reading(self) -> None:
        """Read again."""
        self.inner.resume_reading()

    def is_reading(self) -> bool:
        """Whether the transport is reading."""
        return self.inner.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """Hand the connection to another protocol (a WebSocket upgrade)."""
        self.inner.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        """The protocol the connection is handed to."""
        return self.inner.get_protocol()

    def get_write_buffer_size(self) -> int:
        """Bytes waiting to be sent."""
        return self.inner.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        """The write buffer's flow-control limits."""
        return self.inner.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """Set the write buffer's flow-control limits."""
        self.inner.set_write_buffer_limits(high, low)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with TCP_NODELAY, a read timeout and a lingering
    close (see the module's docstring). :func:`protocol_class` makes one with
    its limits set."""

    header_timeout: float
    linger_seconds: float = LINGER_SECONDS
    linger_bytes: int = LINGER_BYTES

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Set TCP_NODELAY and start the header timeout."""
        set_nodelay(transport)
        self.lingering = False
        self._dropped = 0
        self._timer: asyncio.TimerHandle | None = None
        self._raw = transport
        super().connection_made(_Transport(transport, self))
        self._start_timer()

    def data_received(self, data: bytes) -> None:
        """Read as uvicorn does; while lingering, drop what arrives, up to a bound."""
        if self.lingering:
            self._dropped += len(data)
            if self._dropped > self.linger_bytes:
                self._raw.close()
            return
        super().data_received(data)
        if self.conn.their_state is h11.SEND_BODY and not self._responded():
            self._start_timer()  # a body may pause, but not for longer than the timeout

    def handle_events(self) -> None:
        """Handle events as uvicorn does; a request's headers stop the header timeout."""
        before = self.cycle
        super().handle_events()
        if self.cycle is not before and self.conn.their_state is not h11.SEND_BODY:
            self._stop_timer()

    def on_response_complete(self) -> None:
        """After a response, the next request's headers have the timeout again."""
        if not self.transport.is_closing():
            self._start_timer()
        super().on_response_complete()

    def eof_received(self) -> None:
        """The client closed its side: while lingering, that is the end (returning
        None, the transport closes in any case)."""
        if self.lingering:
            self._raw.close()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the timers, then as uvicorn does."""
        self._stop_timer()
        super().connection_lost(exc)

    # ------------------------------------------------------------------ closing
    def close_connection(self) -> None:
        """Close, lingering while the client is still sending its request."""
        if self._raw.is_closing() or self.lingering:
            return
        if self.conn.their_state is not h11.SEND_BODY:
            self._stop_timer()
            self._raw.close()
            return
        self.lingering = True
        self._stop_timer()
        self._raw.resume_reading()
        if self._raw.can_write_eof():
            self._raw.write_eof()
        self._timer = self.loop.call_later(self.linger_seconds, self._raw.close)

    def _responded(self) -> bool:
        return self.cycle is not None and self.cycle.response_complete

    def _start_timer(self) -> None:
        self._stop_timer()
        self._timer = self.loop.call_later(self.header_timeout, self._timed_out)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        waiting = self.cycle is None or self.cycle.response_complete
        if waiting or self.conn.their_state is h11.SEND_BODY:
            self._raw.close()


@attrs.frozen
class ProtocolFactory:
    """Makes the connections of :func:`protocol_class` with these limits: uvicorn's
    ``http=`` in a form that can be pickled for its worker processes (a class made
    at run time cannot be, this object can)."""

    header_timeout: float
    linger_seconds: float = LINGER_SECONDS
    linger_bytes: int = LINGER_BYTES

    def __call__(self, **kwargs: Any) -> GuardedH11Protocol:
        """Return a new connection (uvicorn calls this once per connection)."""
        made = _cached_protocol_class(self.header_timeout, self.linger_seconds, self.linger_bytes)
        return made(**kwargs)


@functools.cache
def _cached_protocol_class(
    header_timeout: float, linger_seconds: float, linger_bytes: int
) -> type[GuardedH11Protocol]:
    return protocol_class(
        header_timeout=header_timeout, linger_seconds=linger_seconds, linger_bytes=linger_bytes
    )


def protocol_class(
    *,
    header_timeout: float,
    linger_seconds: float = LINGER_SECONDS,
    linger_bytes: int = LINGER_BYTES,
) -> type[GuardedH11Protocol]:
    """The protocol class for uvicorn's ``http=`` with these limits."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {
            "header_timeout": header_timeout,
            "linger_seconds": linger_seconds,
            "linger_bytes": linger_bytes,
        },
    )
