"""`threshold route --batch FILE --jobs N` with each worker reading its own
segments of the file: the segments cover the file exactly, in whole lines with
the right line numbers; the workers' output is byte for byte one process's; a
worker that dies loses no line and writes none twice."""

from __future__ import annotations

import io
import itertools
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.interfaces.test_batch_jobs import mixed_lines, run
from threshold.core.interfaces import batch, batch_files

THRESHOLD = str(Path(sys.executable).with_name("threshold"))


def _segments(data: bytes, lines: int, size: int) -> list[batch_files.Segment]:
    return list(batch_files.plan_segments(io.BytesIO(data), lines, size))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{}",
        b"{}\n",
        b"\n\n\n",
        b"a\nbb\nccc\ndddd\n" * 7 + b"no line end",
        mixed_lines(300),
        b"x" * (3 * 1024 * 1024) + b"\n{}\n",  # a line longer than a block and a segment
    ],
)
@pytest.mark.parametrize(("lines", "size"), [(1, 10**9), (3, 10**9), (512, 40), (7, 1000)])
def test_segments_are_the_lines_as_read(data: bytes, lines: int, size: int) -> None:
    segments = _segments(data, lines, size)
    assert b"".join(data[s.start : s.end] for s in segments) == data
    assert all(a.end == b.start for a, b in itertools.pairwise(segments))
    for segment in segments:  # starts a line, numbered as read_lines numbers it
        assert segment.start == 0 or data[segment.start - 1 : segment.start] == b"\n"
        assert segment.first == 1 + data[: segment.start].count(b"\n")
    for segment in segments:
        chunk = data[segment.start : segment.end]
        assert chunk.count(b"\n") <= lines
        assert chunk.endswith(b"\n") or segment.end == len(data)


@pytest.fixture(scope="module")
def mixed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "mixed.jsonl"
    path.write_bytes(mixed_lines(batch_files.SEGMENT_LINES * 5 + 17))  # six segments
    return path


def _one_process(path: Path, authority: str) -> bytes:
    from threshold.core.plugins.registry import default_registry

    with path.open("rb") as stream:
        results = batch.route_stream(stream, authority, registry=default_registry())
        return b"".join(result.to_json_line() for result in results)


def test_workers_write_the_bytes_of_one_process(mixed_file: Path) -> None:
    from threshold.core.plugins.registry import default_registry

    single = _one_process(mixed_file, "derby_city")
    out = io.BytesIO()
    seen: list[int] = []
    lines, failed = batch_files.route_file(
        str(mixed_file),
        out,
        "derby_city",
        jobs=2,
        registry=default_registry(),
        on_bytes=seen.append,
    )
    assert out.getvalue() == single
    assert lines == single.count(b"\n") == batch_files.SEGMENT_LINES * 5 + 17
    assert failed == single.count(b'"error":{')
    assert sum(seen) == mixed_file.stat().st_size and len(seen) == 6


def test_a_worker_that_dies_loses_no_line(
    mixed_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threshold.core.plugins.registry import default_registry

    single = _one_process(mixed_file, "derbyshire")
    real_receive = batch_files._Workers.receive
    calls = {"n": 0}

    def dies_at_the_second(workers: batch_files._Workers, index: int) -> object:
        calls["n"] += 1
        if calls["n"] == 2:  # worker 1, busy with (or blocked writing) its first segment
            process = workers.processes[index][0]
            os.kill(process.pid, signal.SIGKILL)
            process.join()
        return real_receive(workers, index)

    monkeypatch.setattr(batch_files._Workers, "receive", dies_at_the_second)
    told: list[bool] = []
    out = io.BytesIO()
    batch_files.route_file(
        str(mixed_file),
        out,
        "derbyshire",
        jobs=2,
        registry=default_registry(),
        on_broken=lambda: told.append(True),
    )
    assert out.getvalue() == single
    assert told == [True]


def test_standard_input_with_jobs_gives_the_bytes_of_a_file(mixed_file: Path) -> None:
    one = run("route", "--batch", str(mixed_file), "--jobs", "1", "--authority", "derbyshire")
    piped = subprocess.run(
        [THRESHOLD, "route", "--batch", "-", "--jobs", "2", "--authority", "derbyshire"],
        input=mixed_file.read_bytes(),
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert one.returncode == 1
    assert (piped.returncode, piped.stdout, piped.stderr) == (
        one.returncode,
        one.stdout,
        one.stderr,
    )


def test_jobs_to_an_output_file(mixed_file: Path, tmp_path: Path) -> None:
    one = run("route", "--batch", str(mixed_file), "--jobs", "1", "--authority", "derbyshire")
    target = tmp_path / "out.jsonl"
    two = run(
        "route", "--batch", str(mixed_file), "--jobs", "2", "--authority", "derbyshire",
        "--output", str(target),
    )  # fmt: skip
    assert (two.returncode, two.stdout, two.stderr) == (1, b"", one.stderr)
    assert target.read_bytes() == one.stdout


def test_dev_stdin_with_jobs_is_the_file_for_every_worker(mixed_file: Path) -> None:
    one = run("route", "--batch", str(mixed_file), "--jobs", "1", "--authority", "derbyshire")
    with mixed_file.open("rb") as stdin:
        two = subprocess.run(
            [
                THRESHOLD,
                "route",
                "--batch",
                "/dev/stdin",
                "--jobs",
                "2",
                "--authority",
                "derbyshire",
            ],
            stdin=stdin,
            capture_output=True,
            timeout=600,
            check=False,
        )
    assert (two.returncode, two.stdout, two.stderr) == (1, one.stdout, one.stderr)
