"""`threshold route --batch FILE --jobs N`: worker processes give the same bytes,
in the same order with the same line numbers, as one process; bad lines and the
urgent advice are as with one job; a bad --jobs value is a one-line error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from threshold.core.interfaces import batch, batch_jobs

YEAR_MINUTES = 365 * 24 * 60
AUTHORITIES = ("derbyshire", "derby_city", None)
BAD_LINES = (
    b"{not json\n",  # not JSON
    b"[1, 2]\n",  # not an object
    b'{"level": 9}\n',  # a field out of range
    b'{"authority": "Derbyshire", "immediate_danger": true}\n',  # id in capitals, urgent
    b'{"authority": "nowhere", "significant_harm": true}\n',  # not installed, urgent
    b'{"level": 2, "at": "yesterday"}\n',  # a bad time
    b"\xff\xfe{}\n",  # not UTF-8
    b"\n",  # empty
    b'{"significant_harm": true, "note": "' + b"x" * (70 * 1024) + b'"}\n',  # too long
)


def mixed_lines(count: int, bad_every: int = 37, bad: tuple[bytes, ...] = BAD_LINES) -> bytes:
    """Lines over both authorities (and the default), levels, urgent flags and
    times spread over a year, with a bad line (of each kind of ``bad`` in turn)
    every ``bad_every`` lines."""
    start = datetime(2026, 1, 1, 0, 7)
    out: list[bytes] = []
    for n in range(count):
        if n % bad_every == 5:
            out.append(bad[(n // bad_every) % len(bad)])
            continue
        case: dict[str, object] = {
            "at": (start + timedelta(minutes=n * 877 % YEAR_MINUTES)).strftime("%Y-%m-%dT%H:%M"),
            "level": (None, 1, 2, 3, 4)[n % 5],
        }
        authority = AUTHORITIES[n % 3]
        if authority is not None:
            case["authority"] = authority
        if n % 11 == 0:
            case["significant_harm"] = True
        if n % 23 == 0:
            case["immediate_danger"] = True
        out.append(json.dumps(case).encode() + b"\n")
    return b"".join(out)


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("threshold")), *args],
        capture_output=True,
        timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )


@pytest.fixture(scope="module")
def mixed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("jobs") / "mixed.jsonl"
    # several chunks per worker, so that chunks really go out of order to two workers
    path.write_bytes(mixed_lines(batch_jobs.CHUNK_LINES * 9 + 17))
    return path


def test_two_jobs_write_the_same_bytes_as_one(mixed_file: Path) -> None:
    one = run("route", "--authority", "derbyshire", "--batch", str(mixed_file), "--jobs", "1")
    two = run("route", "--authority", "derbyshire", "--batch", str(mixed_file), "--jobs", "2")
    assert one.returncode == 1  # some lines failed
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    results = [json.loads(line) for line in one.stdout.splitlines()]
    assert [r["line"] for r in results] == list(range(1, batch_jobs.CHUNK_LINES * 9 + 18))
    errors = [r["error"] for r in results if "error" in r]
    assert {e["code"] for e in errors} >= {"invalid-case", "line-too-long"}
    # urgent advice survives bad lines, as with one job
    assert any(e["urgent"] for e in errors)
    assert sum("guidance" in r and r["guidance"]["route"] == "emergency" for r in results) > 10


def test_default_jobs_is_every_core_for_a_file_and_one_for_stdin() -> None:
    from threshold.cli.batch import default_jobs

    assert default_jobs("-") == 1
    assert default_jobs("cases.jsonl") == len(os.sched_getaffinity(0))


def test_chunks_in_process_are_the_lines_one_by_one(mixed_file: Path) -> None:
    from threshold.core.plugins.registry import default_registry

    registry = default_registry()
    with mixed_file.open("rb") as stream:
        single = b"".join(
            r.to_json_line() for r in batch.route_stream(stream, "derby_city", registry=registry)
        )
    with mixed_file.open("rb") as stream:
        chunks = list(
            batch_jobs.route_stream_chunks(stream, "derby_city", jobs=2, registry=registry)
        )
    assert b"".join(c.text for c in chunks) == single
    assert sum(c.lines for c in chunks) == single.count(b"\n")
    assert len(chunks) > 2


def test_a_worker_that_dies_loses_no_line(
    mixed_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk whose worker process died is routed in this process instead."""
    from threshold.core.plugins.registry import default_registry

    registry = default_registry()
    with mixed_file.open("rb") as stream:
        single = b"".join(
            c.text
            for c in batch_jobs.route_stream_chunks(stream, "derbyshire", jobs=1, registry=registry)
        )

    calls = {"n": 0}
    real_submit = batch_jobs._submit

    def dies_after_two(pool: object, chunk: list[batch.Line]) -> object:
        calls["n"] += 1
        if calls["n"] > 2:
            return None  # what _submit answers for a broken pool
        return real_submit(pool, chunk)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_jobs, "_submit", dies_after_two)
    told: list[bool] = []
    with mixed_file.open("rb") as stream:
        text = b"".join(
            c.text
            for c in batch_jobs.route_stream_chunks(
                stream,
                "derbyshire",
                jobs=2,
                registry=registry,
                on_broken=lambda: told.append(True),
            )
        )
    assert text == single
    assert told == [True]
    assert calls["n"] == 3  # two chunks went out; once the pool broke, none was sent


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", ""])
def test_a_bad_jobs_value_is_one_line_naming_jobs(value: str, mixed_file: Path) -> None:
    result = run("route", "--batch", str(mixed_file), "--jobs", value)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "--jobs" in err and "Traceback" not in err
    if value == "two":
        assert value not in err  # what was typed is never echoed


def test_jobs_without_batch_is_an_error(mixed_file: Path) -> None:
    result = run("route", "--authority", "derbyshire", "--level", "2", "--jobs", "2")
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "threshold: error: --jobs: only with --batch; expected --batch FILE\n"
    )
