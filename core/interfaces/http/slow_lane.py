"""Slow endpoints kept beside, never in front of, an urgent ``POST /route``.

``GET /compare`` routes 3,840 cases per authority (about 0.5 s of CPU) and a
``POST /route/batch`` up to a thousand lines. Run side by side, forty of them
held an urgent ``POST /route`` for 12 to 22 seconds: they took every worker
thread it needed, and most of the interpreter's time. So:

- :class:`SlowLane` lets them run a few at a time (one by default, on a
  2-core machine) with a bounded queue behind; beyond it a request is refused
  as busy (503 with Retry-After) rather than held. ``POST /route`` never
  enters the lane, and has worker threads of its own.
- :class:`ResultCache` keeps results that depend only on the installed data
  (a comparison, per authorities, options, format and day), bounded in bytes,
  least recently used first out; and :meth:`ResultCache.get_or_make` makes
  each one once, however many ask for it at the same time.

Both live in the event loop's thread: no locks.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable

import attrs

#: Slow requests run at the same time (the rest wait in the queue).
SLOW_SLOTS = 1
#: Slow requests that may wait for a slot; more are refused as busy.
SLOW_QUEUE = 16
#: Seconds a busy answer asks the client to wait (``Retry-After``).
RETRY_AFTER = 2
#: Bytes of kept results (the largest comparison, JSON of every combination, is 1.7 MB).
CACHE_BYTES = 32 * 1024 * 1024


class Busy(Exception):
    """Every slot is taken and the queue is full: answer 503 with Retry-After."""


class SlowLane:
    """At most ``slots`` slow requests at once, at most ``queue`` waiting."""

    def __init__(self, slots: int = SLOW_SLOTS, queue: int = SLOW_QUEUE) -> None:
        self.slots = slots
        self.queue = queue
        self.waiting = 0
        self._semaphore: asyncio.Semaphore | None = None

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the block; raises :class:`Busy` if none is free and
        the queue is full."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.slots)
        semaphore = self._semaphore
        if semaphore.locked() and self.waiting >= self.queue:
            raise Busy
        self.waiting += 1
        try:
            await semaphore.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            semaphore.release()


@attrs.frozen
class Made:
    """A kept result: the body and its media type."""

    body: bytes
    media_type: str


class ResultCache:
    """Results by key, at most ``max_bytes`` of bodies, least recently used out."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[Hashable, Made] = OrderedDict()
        self._making: dict[Hashable, asyncio.Future[Made]] = {}

    def get(self, key: Hashable) -> Made | None:
        """The kept result for ``key``, or None."""
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Hashable, made: Made) -> None:
        """Keep ``made`` (unless it alone is over the budget), dropping the least
        recently used results until the budget holds."""
        if len(made.body) > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self._items[key] = made
        self.size += len(made.body)
        while self.size > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.size -= len(dropped.body)

    async def get_or_make(self, key: Hashable, make: Callable[[], Awaitable[Made]]) -> Made:
        """The result for ``key``: kept, being made (then wait for it), or made now
        by ``make`` (and kept). An error is raised to every caller waiting for it,
        and not kept."""
        while True:
            found = self.get(key)
            if found is not None:
                return found
            pending = self._making.get(key)
            if pending is None:
                break
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this request was cancelled, not the making
        future: asyncio.Future[Made] = asyncio.get_running_loop().create_future()
        self._making[key] = future
        try:
            made = await make()
        except asyncio.CancelledError:
            future.cancel()  # a waiter makes it again
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        finally:
            del self._making[key]
        self.put(key, made)
        future.set_result(made)
        return made
