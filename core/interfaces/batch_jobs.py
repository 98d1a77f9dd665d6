"""Batches on every core: the lines of a batch in chunks, routed by worker
processes, written in input order with the same bytes as one process
(:func:`threshold.core.interfaces.batch.route_stream`).

Each worker has its own registry of the installed plugins and routes a chunk
with the same :func:`~threshold.core.interfaces.batch.route_line`. Memory is
bounded: a chunk is at most :data:`CHUNK_LINES` lines and about
:data:`CHUNK_BYTES` bytes, and at most :data:`IN_FLIGHT_PER_JOB` chunks per worker
are out at a time. Used by ``threshold route --batch - --jobs N`` (standard input
or a pipe; a file is read by the workers themselves:
:mod:`threshold.core.interfaces.batch_files`).
"""

from __future__ import annotations

import itertools
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import IO, Any

import attrs

from threshold.core.interfaces.batch import Line, read_lines, route_line
from threshold.core.plugins.registry import Registry, default_registry

#: A chunk (the unit of work sent to a worker process) holds at most this many lines...
CHUNK_LINES = 256
#: ... and at most this many bytes of them (one line may be up to MAX_LINE_BYTES).
CHUNK_BYTES = 256 * 1024
#: Chunks sent out and not yet written, per worker: bounds the memory in use.
IN_FLIGHT_PER_JOB = 2


@attrs.frozen
class ChunkResult:
    """The results of a chunk of consecutive lines, as JSON Lines.

    Attributes:
        text: One compact JSON result per line, in order (``LineResult.to_json_line``).
        lines: How many lines the chunk held.
        failed: How many of them got an error record.
    """

    text: bytes
    lines: int
    failed: int


def read_chunks(
    stream: IO[bytes], on_line: Callable[[Line], None] | None = None
) -> Iterator[list[Line]]:
    """Yield the lines of ``stream`` in consecutive chunks of at most
    :data:`CHUNK_LINES` lines and about :data:`CHUNK_BYTES` bytes."""
    chunk: list[Line] = []
    size = 0
    for line in read_lines(stream):
        if on_line is not None:
            on_line(line)
        chunk.append(line)
        size += len(line.data)
        if len(chunk) >= CHUNK_LINES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def route_chunk(
    lines: Iterable[Line], default_authority: str | None, *, record: bool, registry: Registry
) -> ChunkResult:
    """Route consecutive lines into one :class:`ChunkResult` (the same bytes as
    routing them one by one)."""
    parts: list[bytes] = []
    failed = 0
    for line in lines:
        result = route_line(line, default_authority, record=record, registry=registry)
        failed += result.error is not None
        parts.append(result.to_json_line())
    return ChunkResult(b"".join(parts), len(parts), failed)


#: A worker process's settings: (default authority, record, registry).
_worker: tuple[str | None, bool, Registry] | None = None


def _start_worker(default_authority: str | None, record: bool) -> None:
    """Set up a worker process: its own registry of the installed plugins; Ctrl+C
    is the parent's to handle (it stops the workers)."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = (default_authority, record, default_registry())


def _route_in_worker(lines: list[Line]) -> ChunkResult:
    assert _worker is not None, "the worker was not started with _start_worker"
    default_authority, record, registry = _worker
    return route_chunk(lines, default_authority, record=record, registry=registry)


def worker_context(preload: Sequence[str] = (__name__,)) -> Any:
    """forkserver where the platform has it (workers fork from a server that has
    already imported the routing code, the modules ``preload``), else spawn; never
    a plain fork of this process (its threads and open files are not the workers'
    to share)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn")


def route_stream_chunks(
    stream: IO[bytes],
    default_authority: str | None,
    *,
    jobs: int,
    record: bool = False,
    registry: Registry,
    on_line: Callable[[Line], None] | None = None,
    on_broken: Callable[[], None] | None = None,
) -> Iterator[ChunkResult]:
    """Yield the results of ``stream`` chunk by chunk, in input order, routing
    with up to ``jobs`` worker processes.

    The output is byte for byte that of
    :func:`~threshold.core.interfaces.batch.route_stream`: every line is routed by
    the same :func:`~threshold.core.interfaces.batch.route_line` and the chunks are written in the
    order they were read. At most ``jobs * IN_FLIGHT_PER_JOB`` chunks are out at
    a time, so memory stays bounded whatever the input's length. With one job, or
    an input of one chunk, everything is routed in this process. If a worker
    process dies, the chunks it had and the rest are routed in this process:
    no line is lost (``on_broken`` is called once, to say so).
    """
    chunks = read_chunks(stream, on_line)
    head = list(itertools.islice(chunks, 2))
    if jobs <= 1 or len(head) < 2:
        for chunk in itertools.chain(head, chunks):
            yield route_chunk(chunk, default_authority, record=record, registry=registry)
        return
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=worker_context(),
        initializer=_start_worker,
        initargs=(default_authority, record),
    ) as pool:
        yield from _in_workers(
            pool,
            itertools.chain(head, chunks),
            jobs,
            (default_authority, record, registry),
            on_broken,
        )


def _in_workers(
    pool: ProcessPoolExecutor,
    chunks: Iterable[list[Line]],
    jobs: int,
    settings: tuple[str | None, bool, Registry],
    on_broken: Callable[[], None] | None,
) -> Iterator[ChunkResult]:
    """Send the chunks to the pool and yield their results in order; once the pool
    is broken (a worker died), route what is left here."""
    # each chunk sent out, with its worker's answer to come (None: route it here)
    pending: deque[tuple[list[Line], Future[ChunkResult] | None]] = deque()
    state = {"broken": False}

    def collect() -> ChunkResult:
        chunk, future = pending.popleft()
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                mark_broken()
        return route_chunk(chunk, settings[0], record=settings[1], registry=settings[2])

    def mark_broken() -> None:
        if not state["broken"] and on_broken is not None:
            on_broken()
        state["broken"] = True

    try:
        for chunk in chunks:
            future = None if state["broken"] else _submit(pool, chunk)
            if future is None:
                mark_broken()
            pending.append((chunk, future))
            while pending and (len(pending) >= jobs * IN_FLIGHT_PER_JOB or state["broken"]):
                yield collect()
        while pending:
            yield collect()
    finally:
        for _, future in pending:
            if future is not None:
                future.cancel()


def _submit(pool: ProcessPoolExecutor, chunk: list[Line]) -> Future[ChunkResult] | None:
    try:
        return pool.submit(_route_in_worker, chunk)
    except BrokenProcessPool:
        return None
