"""Batches from a file on every core, with almost nothing crossing processes.

The file is cut into segments of whole lines (:func:`plan_segments`: at most
:data:`SEGMENT_LINES` lines, or about :data:`SEGMENT_BYTES` bytes). Each worker
process reads its own segments from the file (only their offsets and first line
numbers are sent to it), routes their lines with the same
:func:`~threshold.core.interfaces.batch.route_line` as one process, and writes each
segment's results, whole, to its own pipe; this process copies them to the output
in input order. Segment ``k`` goes to worker ``k mod jobs``, so the results come
in order from the workers in turn. Nothing is written to disk but the output.

Memory is bounded: a worker holds one segment's results (about 3.5 MB at
:data:`SEGMENT_LINES`), this process one segment at a time, and at most
:data:`IN_FLIGHT_PER_JOB` segments per worker are out. A segment is written only
once all of it has arrived; if a worker process dies, its segments and the rest
are routed in this process, so no line is lost or written twice. Used by
``threshold route --batch FILE --jobs N``; standard input and pipes keep
:func:`threshold.core.interfaces.batch_jobs.route_stream_chunks`.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import itertools
import multiprocessing
import os
import signal
import struct
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import IO, Any

import attrs

from threshold.core.interfaces.batch import Line, read_lines, route_line
from threshold.core.interfaces.batch_jobs import worker_context
from threshold.core.plugins.registry import Registry, default_registry

#: A segment holds at most this many lines (their results: about 13 KB each)...
SEGMENT_LINES = 256
#: ... and ends at the first line end after this many bytes.
SEGMENT_BYTES = 256 * 1024
#: Segments sent to a worker and not yet written, per worker.
IN_FLIGHT_PER_JOB = 2
#: A segment's results on a worker's pipe: (bytes, lines, failed), then the bytes.
_HEADER = struct.Struct("<QQQ")
#: The size asked for each result pipe (Linux; else the system's own).
PIPE_BYTES = 1024 * 1024
_BLOCK = 1024 * 1024
#: Buffers given to one os.writev (under every system's IOV_MAX).
_IOV = 512


@attrs.frozen
class Segment:
    """Consecutive whole lines of a file: bytes ``start`` to ``end`` (the line end
    included), the first of them line number ``first``."""

    start: int
    end: int
    first: int


def plan_segments(
    stream: IO[bytes], lines: int = SEGMENT_LINES, size: int = SEGMENT_BYTES
) -> Iterator[Segment]:
    """Cut ``stream`` into segments of whole lines, in order: each ends after its
    ``lines``-th line end, or at the first line end after ``size`` bytes (a line
    longer than that is one segment); the last may lack a line end. Line numbers
    count line ends as :func:`~threshold.core.interfaces.batch.read_lines` does."""
    start = offset = count = 0
    first = 1
    while block := stream.read(_BLOCK):
        at = 0
        while (found := block.find(b"\n", at)) >= 0:
            count, at = count + 1, found + 1
            if count >= lines or offset + at - start >= size:
                yield Segment(start, offset + at, first)
                start, first, count = offset + at, first + count, 0
        offset += len(block)
    if offset > start:
        yield Segment(start, offset, first)


class _Slice(io.RawIOBase):
    """Bytes ``start`` to ``end`` of an open file, read as a file of their own."""

    def __init__(self, raw: io.FileIO, segment: Segment) -> None:
        raw.seek(segment.start)
        self._raw, self._left = raw, segment.end - segment.start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")[: self._left]
        got = self._raw.readinto(view) if len(view) else 0
        self._left -= got or 0
        return got or 0


def route_segment(
    path: str, segment: Segment, default_authority: str | None, *, record: bool, registry: Registry
) -> tuple[list[bytes], int]:
    """Route the lines of ``segment`` of the file ``path``: (their results, one JSON
    line each, the same bytes as one process writes; how many failed)."""
    out: list[bytes] = []
    failed = 0
    shift = segment.first - 1
    with open(path, "rb", buffering=0) as raw:
        reader = io.BufferedReader(_Slice(raw, segment), _BLOCK)
        for line in read_lines(reader):
            numbered = Line(line.number + shift, line.data, line.size, line.too_long, line.urgent)
            result = route_line(numbered, default_authority, record=record, registry=registry)
            failed += result.error is not None
            out.append(result.to_json_line())
    return out, failed


def _worker(
    path: str,
    identity: tuple[int, int],
    tasks: Connection,
    results: Connection,
    default_authority: str | None,
    record: bool,
) -> None:
    """A worker process: route each segment it is sent and write its results, whole,
    to its pipe, until it is sent None. Ctrl+C is the parent's to handle; if the
    parent is gone (its end of a pipe closed), the worker ends without a word (the
    parent routes whatever a worker did not finish). A worker that finds another file
    at ``path`` than the parent's (``identity``: device and inode; ``/dev/stdin`` is
    each process's own) ends at once, and the parent routes the lines itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if _identity(os.stat(path)) != identity:
            return
        registry = default_registry()
        while (segment := tasks.recv()) is not None:
            parts, failed = route_segment(
                path, segment, default_authority, record=record, registry=registry
            )
            size = sum(len(part) for part in parts)
            _write_all(results.fileno(), [_HEADER.pack(size, len(parts), failed), *parts])
    except (EOFError, OSError):
        return


def _identity(found: os.stat_result) -> tuple[int, int]:
    return found.st_dev, found.st_ino


def _write_all(fd: int, parts: list[bytes]) -> None:
    """Write ``parts`` to ``fd`` in order, whole, however the pipe splits them
    (gathered: the results are never copied into one buffer here)."""
    index = offset = 0
    while index < len(parts):
        done = offset + os.writev(
            fd, [memoryview(parts[index])[offset:], *parts[index + 1 : index + _IOV]]
        )
        while index < len(parts) and done >= len(parts[index]):
            done -= len(parts[index])
            index += 1
        offset = done


def _read_exactly(pipe: Any, buffer: bytearray, count: int) -> memoryview | None:
    """``count`` bytes from ``pipe`` into ``buffer`` (grown if need be), or None
    when the pipe ends first (its worker died)."""
    if len(buffer) < count:
        buffer.extend(bytes(count - len(buffer)))
    view = memoryview(buffer)[:count]
    got = 0
    while got < count:
        read = pipe.readinto(view[got:])
        if not read:
            return None
        got += read
    return view


class _Workers:
    """The worker processes, each with its task connection and its result pipe."""

    def __init__(
        self,
        path: str,
        identity: tuple[int, int],
        jobs: int,
        default_authority: str | None,
        record: bool,
    ) -> None:
        context = worker_context([__name__])
        self.tasks: list[Connection] = []
        self.pipes: list[Any] = []
        self.processes: list[Any] = []
        for _ in range(jobs):
            task_reader, task_writer = multiprocessing.Pipe(duplex=False)
            result_reader, result_writer = multiprocessing.Pipe(duplex=False)
            process = context.Process(
                target=_worker,
                args=(path, identity, task_reader, result_writer, default_authority, record),
                daemon=True,
            )
            process.start()
            task_reader.close()
            result_writer.close()
            with contextlib.suppress(OSError, AttributeError):  # fewer, larger reads
                fcntl.fcntl(result_reader.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            self.tasks.append(task_writer)
            self.pipes.append(io.FileIO(result_reader.fileno(), "rb", closefd=False))
            self.processes.append((process, result_reader))
        self.buffer = bytearray()

    def send(self, index: int, segment: Segment) -> bool:
        """Send ``segment`` to worker ``index``; False if it is gone."""
        try:
            self.tasks[index].send(segment)
        except OSError:
            return False
        return True

    def receive(self, index: int) -> tuple[memoryview, int, int] | None:
        """The next results of worker ``index``, or None if it died first."""
        header = _read_exactly(self.pipes[index], self.buffer, _HEADER.size)
        if header is None:
            return None
        size, lines, failed = _HEADER.unpack(header)
        header.release()
        text = _read_exactly(self.pipes[index], self.buffer, size)
        return None if text is None else (text, lines, failed)

    def close(self, finished: bool) -> None:
        """Stop the workers: when ``finished``, each after its last segment (sent
        None); else at once (their unfinished work is not wanted)."""
        for task in self.tasks:
            if finished:
                with contextlib.suppress(OSError):
                    task.send(None)
            task.close()
        for pipe, (process, reader) in zip(self.pipes, self.processes, strict=True):
            if finished:
                process.join(timeout=10)
            if process.is_alive():
                process.kill()
            process.join()
            pipe.close()
            reader.close()


def route_file(
    path: str,
    out: IO[bytes],
    default_authority: str | None,
    *,
    jobs: int,
    record: bool = False,
    registry: Registry,
    on_bytes: Callable[[int], None] | None = None,
    on_broken: Callable[[], None] | None = None,
) -> tuple[int, int]:
    """Route every line of the file ``path`` to ``out`` with ``jobs`` worker
    processes: the same bytes, in the same order, as one process. Returns (lines,
    failed lines). ``on_bytes`` is told how many input bytes each written segment
    held; ``on_broken`` is called once if a worker dies (its lines are routed here).
    A file of one segment is routed in this process."""
    with open(path, "rb") as stream:
        segments = plan_segments(stream)
        head = list(itertools.islice(segments, 2))
        if jobs <= 1 or len(head) < 2:
            return _here(
                path,
                out,
                itertools.chain(head, segments),
                default_authority,
                record,
                registry,
                on_bytes,
            )
        identity = _identity(os.fstat(stream.fileno()))
        workers = _Workers(path, identity, jobs, default_authority, record)
        finished = False
        try:
            counts = _in_workers(
                workers,
                path,
                out,
                itertools.chain(head, segments),
                (default_authority, record, registry),
                on_bytes,
                on_broken,
            )
            finished = True
        finally:
            workers.close(finished)
        return counts


def _here(
    path: str,
    out: IO[bytes],
    segments: Iterator[Segment],
    default_authority: str | None,
    record: bool,
    registry: Registry,
    on_bytes: Callable[[int], None] | None,
) -> tuple[int, int]:
    total = failed = 0
    for segment in segments:
        parts, bad = route_segment(
            path, segment, default_authority, record=record, registry=registry
        )
        total, failed = total + len(parts), failed + bad
        out.writelines(parts)
        if on_bytes is not None:
            on_bytes(segment.end - segment.start)
    return total, failed


def _in_workers(
    workers: _Workers,
    path: str,
    out: IO[bytes],
    segments: Iterator[Segment],
    settings: tuple[str | None, bool, Registry],
    on_bytes: Callable[[int], None] | None,
    on_broken: Callable[[], None] | None,
) -> tuple[int, int]:
    """Send segments round the workers and write their results in order; once a
    worker is gone, route what is left in this process."""
    jobs = len(workers.tasks)
    # each segment sent out, with its worker (None: to be routed here)
    pending: deque[tuple[Segment, int | None]] = deque()
    state = {"broken": False, "total": 0, "failed": 0, "sent": 0}

    def send(segment: Segment) -> None:
        index = state["sent"] % jobs
        state["sent"] += 1
        sent = not state["broken"] and workers.send(index, segment)
        if not sent:
            mark_broken()
        pending.append((segment, index if sent else None))

    def mark_broken() -> None:
        if not state["broken"] and on_broken is not None:
            on_broken()
        state["broken"] = True

    def collect() -> None:
        segment, index = pending.popleft()
        got = None if index is None else workers.receive(index)
        if got is None:
            mark_broken()
            parts, failed = route_segment(
                path, segment, settings[0], record=settings[1], registry=settings[2]
            )
            out.writelines(parts)
            lines = len(parts)
        else:
            out.write(got[0])
            lines, failed = got[1], got[2]
        state["total"] += lines
        state["failed"] += failed
        if on_bytes is not None:
            on_bytes(segment.end - segment.start)

    for segment in segments:
        send(segment)
        while pending and (len(pending) >= jobs * IN_FLIGHT_PER_JOB or state["broken"]):
            collect()
    while pending:
        collect()
    return state["total"], state["failed"]
