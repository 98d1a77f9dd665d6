"""`threshold route --batch`: JSON Lines in, one result per line out, in order.

Holds one line at a time. A bad line gets an error record and the rest go on;
the exit status is 1 if any line failed (the count goes to stderr, never the
lines). A progress bar goes to stderr only when stderr is a terminal.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import IO, Any

import click

from threshold.cli.common import Failure

EXIT_LINES_FAILED = 1


def _open_input(source: str, stack: ExitStack) -> IO[bytes]:
    if source == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(open(source, "rb"))
    except OSError as exc:
        raise Failure(
            f"--batch: cannot read the file ({exc.strerror}); expected a readable JSON Lines "
            "file, or - for standard input"
        ) from None


def _open_output(output: str | None, source: str, stack: ExitStack) -> IO[bytes]:
    if output is None or output == "-":
        return sys.stdout.buffer
    if source != "-" and os.path.exists(output) and os.path.samefile(source, output):
        raise Failure("--output: is the --batch file; expected a different file")
    try:
        return stack.enter_context(open(output, "wb"))
    except OSError as exc:
        raise Failure(
            f"--output: cannot write the file ({exc.strerror}); expected a writable path"
        ) from None


@contextmanager
def _progress(source: str, handle: IO[bytes]) -> Iterator[Any]:
    """Yield a callback for each line read: a progress bar on a terminal, else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    size = None
    if source != "-":
        try:
            size = os.fstat(handle.fileno()).st_size
        except (OSError, ValueError):
            size = None
    if size:
        with click.progressbar(length=size, label="threshold: routing", file=sys.stderr) as bar:
            yield lambda line: bar.update(line.size)
        return
    count = [0]

    def tick(line: Any) -> None:
        count[0] += 1
        if count[0] % 1000 == 0:
            click.echo(f"\rthreshold: {count[0]} lines", nl=False, err=True)

    yield tick
    click.echo(f"\rthreshold: {count[0]} lines", err=True)


def default_jobs(source: str) -> int:
    """Every core this process may use for a file; one for standard input (a pipe
    may be a conversation, one result awaited per line sent)."""
    if source == "-":
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run_batch(
    source: str,
    output: str | None,
    authority_id: str | None,
    record: bool,
    jobs: int | None = None,
) -> None:
    """Route every line of ``source`` (a path, or - for stdin) to ``output``, with
    ``jobs`` processes (default: :func:`default_jobs`). With one job each result
    is written as soon as its line is read; with more, a segment of lines at a
    time, in the same order with the same bytes (from a file, each worker reads its
    own segments: :mod:`threshold.core.interfaces.batch_files`; from standard input
    or a pipe, this process reads the lines and sends them out in chunks).

    Raises:
        Failure: exit 2 for unusable input (no file, same file in and out), exit 1
            when some lines failed.
    """
    from threshold.core.interfaces.batch import Line, route_stream
    from threshold.core.plugins.registry import default_registry

    jobs = default_jobs(source) if jobs is None else jobs
    registry = default_registry()
    total = failed = 0
    with ExitStack() as stack:
        handle = _open_input(source, stack)
        out = _open_output(output, source, stack)
        with _progress(source, handle) as on_line:
            if jobs == 1:
                for result in route_stream(
                    handle, authority_id, record=record, registry=registry, on_line=on_line
                ):
                    total += 1
                    failed += result.error is not None
                    out.write(result.to_json_line())
                    out.flush()
            elif _regular_file(handle):
                # each worker reads its own segments of the file (batch_files); only
                # with more than one job the process pool (multiprocessing: 3 MiB)
                from threshold.core.interfaces.batch_files import route_file

                total, failed = route_file(
                    os.path.realpath(source),  # /dev/stdin: the file, not each worker's own
                    out,
                    authority_id,
                    jobs=jobs,
                    record=record,
                    registry=registry,
                    on_bytes=None if on_line is None else (lambda n: on_line(Line(0, b"", n))),
                    on_broken=_worker_stopped,
                )
                out.flush()
            else:
                from threshold.core.interfaces.batch_jobs import route_stream_chunks

                for chunk in route_stream_chunks(
                    handle,
                    authority_id,
                    jobs=jobs,
                    record=record,
                    registry=registry,
                    on_line=on_line,
                    on_broken=_worker_stopped,
                ):
                    total += chunk.lines
                    failed += chunk.failed
                    out.write(chunk.text)
                    out.flush()
    if failed:
        raise Failure(
            f"{failed} of {total} lines failed; each has an error record in the output",
            EXIT_LINES_FAILED,
        )


def _regular_file(handle: IO[bytes]) -> bool:
    """True for a file the workers can read segments of (not a pipe or a terminal)."""
    try:
        return stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def _worker_stopped() -> None:
    click.echo(
        "threshold: warning: a worker process stopped; its lines and the rest are routed "
        "in this process (nothing is lost, only slower)",
        err=True,
    )
