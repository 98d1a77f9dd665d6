"""`threshold serve --workers N`: N server processes on one port, over a real
loopback socket; a bad --workers value is a one-line error naming it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import http

AT = "2026-11-23T11:00"


def threshold_command() -> list[str]:
    exe = Path(sys.executable).with_name("threshold")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "from threshold.cli import main; main()"]


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, exited but not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@contextmanager
def serving(
    command: list[str], log: Path, env: Mapping[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start ``command`` (a `threshold serve` line), wait until it says where it
    listens and /health answers; yield the process and its base URL; stop it
    with SIGTERM (as a container runtime does) and check it exits cleanly."""
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            command, stdout=sink, stderr=sink, env=dict(env if env is not None else os.environ)
        )
    try:
        deadline = time.monotonic() + 120
        while "serving on" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
        url = log.read_text().split("serving on ", 1)[1].split("/ ", 1)[0]
        url = url.replace("0.0.0.0", "127.0.0.1")
        assert http("GET", url + "/health").status == 200  # waits in the backlog for a worker
        yield proc, url
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, log.read_text()


def test_two_workers_serve_health_and_route(tmp_path: Path) -> None:
    command = [*threshold_command(), "serve", "--port", "0", "--workers", "2"]
    with serving(command, tmp_path / "serve.log") as (proc, url):
        health = http("GET", url + "/health")
        assert health.json()["status"] == "ok"
        import threshold

        for n in range(8):
            authority, case = ("derbyshire", "derby_city")[n % 2], {"level": 1 + n % 4, "at": AT}
            answer = http(
                "POST", url + "/route", json.dumps({"authority": authority, **case}).encode()
            )
            assert answer.status == 200
            assert answer.json() == threshold.route(case, authority).to_dict()
        bad = http("POST", url + "/route", b'{"authority": "derbyshire", "level": 9}')
        assert bad.status == 422
        # two server processes (spawned by uvicorn's supervisor) besides its resource tracker
        workers = [
            pid
            for pid in children(proc.pid)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        assert len(workers) == 2
    # SIGTERM stopped the workers too
    assert not [pid for pid in workers if alive(pid)]
    log = (tmp_path / "serve.log").read_text()
    assert log.startswith("threshold: serving on http://127.0.0.1:")
    assert "from 2 processes" in log
    assert "POST" not in log and "/route" not in log  # no request is logged


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_a_bad_workers_value_is_one_line_naming_workers(value: str) -> None:
    result = subprocess.run(
        [*threshold_command(), "serve", "--port", "0", "--workers", value],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "--workers" in result.stderr and "Traceback" not in result.stderr
    assert "many" not in result.stderr
